#!/usr/bin/env bash
# kubeha benchmark: whole-process timings with hyperfine (median of several runs), release build.
#   bench/run.sh            # corpus, parse floor, 10x corpus, single small file, peak RSS
#   CORPUS=dir bench/run.sh # another corpus
set -euo pipefail
cd "$(dirname "$0")/.."
install() {
  command -v "$1" >/dev/null 2>&1 && return
  (apt-get install -y "$2" || (apt-get update && apt-get install -y "$2")) >/dev/null
}
install hyperfine hyperfine
install /usr/bin/time time

cargo build --release --locked
bin=target/release/kubeha
corpus=${CORPUS:-../shared/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 10x corpus: ten copies; each copy's objects move to their own namespaces so nothing collides.
mkdir -p "$work/x10"
for i in $(seq 1 10); do
  cp -r "$corpus" "$work/x10/c$i"
  find "$work/x10/c$i" -name '*.yaml' -exec sed -i "s/^\(  namespace: \)\(.*\)$/\1\2-c$i/" {} +
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
echo "input: $(du -sh "$corpus" | cut -f1) corpus, $($bin debug parse-floor "$corpus")"
hyperfine --warmup 3 --runs "${RUNS:-10}" -N -i --export-json "$work/results.json" \
  --command-name "parse floor (saphyr events), corpus" "$bin debug parse-floor $corpus" \
  --command-name "kubeha check --format json, corpus" "$bin check --no-config --format json $corpus" \
  --command-name "parse floor, 10x corpus" "$bin debug parse-floor $work/x10" \
  --command-name "kubeha check --format json, 10x corpus" "$bin check --no-config --format json $work/x10" \
  --command-name "kubeha check, one small manifest" "$bin check --no-config --format json examples/ha-app/web.yaml" \
  >/dev/null 2>&1
python3 - "$work/results.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
median = {r["command"]: r["median"] * 1000 for r in results}
print("| command | median [ms] | min [ms] | max [ms] |")
print("|---|---:|---:|---:|")
for r in results:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f} | {r['max']*1000:.1f} |")
for scale in ["corpus", "10x corpus"]:
    floor = median[f"parse floor (saphyr events), {scale}" if scale == "corpus" else f"parse floor, {scale}"]
    check = median[f"kubeha check --format json, {scale}"]
    print(f"check / parse floor, {scale}: {check / floor:.2f}x")
print(f"10x corpus / corpus, check: {median['kubeha check --format json, 10x corpus'] / median['kubeha check --format json, corpus']:.2f}x")
PY

echo
echo "peak RSS:"
for target in "$corpus" "$work/x10" examples/ha-app/web.yaml; do
  rss=$( { /usr/bin/time -f '%M' "$bin" check --no-config --format json "$target" >/dev/null || true; } 2>&1 | tail -1)
  echo "  check $(basename "$target"): $((rss / 1024)) MiB"
done
