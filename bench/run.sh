#!/usr/bin/env bash
# kubeha benchmark: whole-process timings with hyperfine (median of several runs), release build.
#   bench/run.sh            # corpus, parse floor, 10x corpus, single small file, peak RSS
#   CORPUS=dir bench/run.sh # another corpus
#   SCALE100=1 bench/run.sh # also the 100x corpus (~900 MB on disk, several GiB of memory)
#   With `checkov` on PATH (pip install checkov==3.3.30), it is timed on the corpus too.
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
corpus=${CORPUS:-tests/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Scaled corpora: copies whose objects all move to their own namespaces (objects without one
# get one), so nothing collides and every copy is a distinct set of objects.
scale() {
  local n=$1 dir=$2
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do cp -r "$corpus" "$dir/c$i"; done
  python3 - "$dir" "$n" <<'PY'
import pathlib, re, sys
root, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
for i in range(1, n + 1):
    for path in (root / f"c{i}").rglob("*.yaml"):
        out, lines = [], path.read_text(errors="replace").split("\n")
        for j, line in enumerate(lines):
            m = re.match(r"^(\s*)namespace: (.*)$", line)
            if m and m.group(1) == "  ":
                line = f"  namespace: {m.group(2).strip()}-c{i}"
            out.append(line)
            if line == "metadata:":
                block = []
                for nxt in lines[j + 1:]:
                    if nxt.startswith("  ") or not nxt.strip():
                        block.append(nxt)
                    else:
                        break
                if not any(b.startswith("  namespace:") for b in block):
                    out.append(f"  namespace: default-c{i}")
        path.write_text("\n".join(out))
PY
}
scale 10 "$work/x10"
extra=()
if [ -n "${SCALE100:-}" ]; then
  scale 100 "$work/x100"
  extra+=(--command-name "parse floor, 100x corpus" "$bin debug parse-floor $work/x100"
          --command-name "kubeha check --format json, 100x corpus" "$bin check --no-config --format json $work/x100")
fi
if command -v checkov >/dev/null 2>&1; then
  extra+=(--command-name "checkov, corpus" "checkov --quiet --compact -o json --framework kubernetes -d $corpus")
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
echo "input: $(du -sh "$corpus" | cut -f1) corpus, $($bin debug parse-floor "$corpus")"
hyperfine --warmup 3 --runs "${RUNS:-10}" -N -i --export-json "$work/results.json" \
  --command-name "parse floor (saphyr events), corpus" "$bin debug parse-floor $corpus" \
  --command-name "kubeha check --format json, corpus" "$bin check --no-config --format json $corpus" \
  --command-name "parse floor, 10x corpus" "$bin debug parse-floor $work/x10" \
  --command-name "kubeha check --format json, 10x corpus" "$bin check --no-config --format json $work/x10" \
  --command-name "kubeha check, one small manifest" "$bin check --no-config --format json examples/ha-app/web.yaml" \
  "${extra[@]}" >/dev/null 2>&1
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
one = median["kubeha check --format json, corpus"]
print(f"10x corpus / corpus, check: {median['kubeha check --format json, 10x corpus'] / one:.2f}x")
if "kubeha check --format json, 100x corpus" in median:
    print(f"100x corpus / 10x corpus, check: {median['kubeha check --format json, 100x corpus'] / median['kubeha check --format json, 10x corpus']:.2f}x")
if "checkov, corpus" in median:
    print(f"checkov / kubeha check, corpus: {median['checkov, corpus'] / one:.1f}x")
PY

echo
echo "peak RSS:"
targets=("$corpus" "$work/x10" examples/ha-app/web.yaml)
[ -n "${SCALE100:-}" ] && targets+=("$work/x100")
for target in "${targets[@]}"; do
  rss=$( { /usr/bin/time -f '%M' "$bin" check --no-config --format json "$target" >/dev/null || true; } 2>&1 | tail -1)
  size=$(du -sk "$target" | cut -f1)
  echo "  check $(basename "$target") (${size} KiB input): $((rss / 1024)) MiB"
done
