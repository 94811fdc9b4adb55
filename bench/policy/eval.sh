#!/usr/bin/env bash
# Decisions per second of `rampart policy eval --requests` on one core, for a batch of mixed
# requests (bench/policy/gen_requests.py), release build. Best of RUNS runs (the machine may be
# shared: the best run is the least disturbed one, and CPU time is the fair figure when other
# work runs; each run prints the load average); wall time includes reading the batch and
# writing the JSON answers.
#
# The batch declares its policy pool once and requests name policies (`{"ref": NAME}`), as an
# estate does; FORM=inline writes every policy into every request instead (the plain array form:
# ~3.6 KB of JSON per request, so JSON reading dominates).
#
#   bash bench/policy/eval.sh [N_REQUESTS] [RUNS]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-200000}"
RUNS="${2:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/rampart/target}"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

RAMPART="${RAMPART_BIN:-}"
if [ -z "$RAMPART" ]; then
  (cd "$ROOT" && cargo build --release -p rampart-cli --no-default-features --quiet)
  RAMPART="$CARGO_TARGET_DIR/release/rampart"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
INLINE=()
[ "${FORM:-shared}" = inline ] && INLINE=(--inline)
python3 "$ROOT/bench/policy/gen_requests.py" "$N" "$WORK/requests.json" 7 "${INLINE[@]}"
echo "== $N requests, $(du -h "$WORK/requests.json" | cut -f1) of JSON"

best=""
for _ in $(seq "$RUNS"); do
  t=$( { /usr/bin/time -f "%e %U %S %M" "${PIN[@]}" "$RAMPART" policy eval --requests "$WORK/requests.json" --format json > "$WORK/out.json"; } 2>&1 | tail -1)
  wall=$(echo "$t" | awk '{print $1}')
  echo "   run: wall ${wall}s cpu $(echo "$t" | awk '{print $2 + $3}')s max RSS $(echo "$t" | awk '{print int($4/1024)}') MB (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  cpu=$(echo "$t" | awk '{print $2 + $3}')
  if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
  if [ -z "${best_cpu:-}" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
done
python3 - "$WORK/out.json" "$N" <<'PY'
import collections, json, sys
out = json.load(open(sys.argv[1]))
assert len(out) == int(sys.argv[2]), "one answer per request"
c = collections.Counter(a.get("decision", "error") for a in out)
print("   decisions:", dict(c))
PY
awk -v n="$N" -v w="$best" -v c="$best_cpu" 'BEGIN{printf "== best wall %.3fs: %.0f decisions/s on one core (best CPU time %.3fs: %.0f decisions per CPU-second)\n", w, n / w, c, n / c}'
