#!/usr/bin/env bash
# Fuzz kubeha with cargo-fuzz (libFuzzer) on the stable toolchain.
#   fuzz/run.sh load 1800     # the loader, 30 minutes
#   fuzz/run.sh lint 1800     # the whole lint() pipeline
# Seeds: fuzz/seeds (one small case of every hostile-input class), every fixture and every
# file of tests/corpus (split into documents, as the fuzzer works best on small inputs).
# Overflow checks are on (`--debug-assertions`): a wrapped percentage is a crash. Crashes land in fuzz/artifacts/<target>/: turn each into
# a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-lint}
seconds=${2:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
cp fuzz/seeds/* "$corpus"/
python3 - "$corpus" fixtures tests/corpus <<'PY'
import hashlib, pathlib, sys
out = pathlib.Path(sys.argv[1])
for root in sys.argv[2:]:
    for path in pathlib.Path(root).rglob("*.y*ml"):
        for doc in path.read_bytes().split(b"\n---"):
            if 0 < len(doc) <= 64 * 1024:
                (out / hashlib.sha1(doc).hexdigest()).write_bytes(doc)
PY
# cargo-fuzz passes nightly flags; RUSTC_BOOTSTRAP lets the stable compiler accept them. No
# AddressSanitizer: kubeha forbids unsafe code, and ASAN over k8s-openapi's generic decoders
# needs >10 GB and tens of minutes to compile. libFuzzer still catches panics, hangs and OOMs.
RUSTC_BOOTSTRAP=1 cargo fuzz run --debug-assertions --sanitizer none "$target" "$corpus" -- \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10
