#!/usr/bin/env bash
# Lints every AWS managed policy of the shared corpus with rampart and with Parliament, side by
# side, and prints both figures and the ratio.
#
#   bash bench/policy/run.sh [CORPUS_DIR]
#
# rampart: one process over all files (`rampart policy lint`), built in release; start-up is
# measured as the median wall time of linting one small policy. Parliament (PyPI `parliament`) is
# installed into a venv under /root/.cache/rampart/venvs/parliament and run the same way, one
# process over the same files. Both runs are pinned to one core with `taskset -c 0` when
# available. Not a timed test: figures depend on the machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CORPUS="${1:-$ROOT/../shared/corpus/aws-managed-policies}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/rampart/target}"
VENV="${RAMPART_VENVS:-/root/.cache/rampart/venvs}/parliament"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

[ -d "$CORPUS/policies" ] || { echo "corpus not found: $CORPUS/policies" >&2; exit 2; }
mapfile -t FILES < <(find "$CORPUS/policies" -name '*.json' | sort)
N=${#FILES[@]}

echo "== building rampart (release)"
(cd "$ROOT" && cargo build --release -p rampart-cli --quiet)
RAMPART="$CARGO_TARGET_DIR/release/rampart"

if [ ! -x "$VENV/bin/parliament" ]; then
  echo "== installing Parliament into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet parliament
fi

now() { date +%s.%N; }

echo "== rampart: start-up (median of 21 runs linting one policy)"
ONE="${FILES[0]}"
STARTS=()
for _ in $(seq 21); do
  t0=$(now); "${PIN[@]}" "$RAMPART" policy lint "$ONE" --format json -o /dev/null --fail-on critical || true; t1=$(now)
  STARTS+=("$(echo "($t1 - $t0) * 1000" | bc -l)")
done
STARTUP=$(printf '%s\n' "${STARTS[@]}" | sort -n | sed -n 11p)

echo "== rampart: $N policies in one process (best of 3)"
BEST=999999
for _ in 1 2 3; do
  t0=$(now); "${PIN[@]}" "$RAMPART" policy lint "${FILES[@]}" --format json -o /tmp/rampart-policy-bench.json --fail-on critical || true; t1=$(now)
  T=$(echo "$t1 - $t0" | bc -l)
  BEST=$(echo "if ($T < $BEST) $T else $BEST" | bc -l)
done
R_FINDINGS=$(python3 -c "import json;d=json.load(open('/tmp/rampart-policy-bench.json'));print(len(d['findings']))")

echo "== Parliament: $N policies in one process"
PVER=$("$VENV/bin/pip" show parliament 2>/dev/null | awk '/^Version/{print $2}')
t0=$(now)
"${PIN[@]}" "$VENV/bin/parliament" --directory "$CORPUS/policies" --json > /tmp/parliament-bench.jsonl 2>/tmp/parliament-bench.err || true
t1=$(now)
PT=$(echo "$t1 - $t0" | bc -l)
P_FINDINGS=$(wc -l < /tmp/parliament-bench.jsonl)

RATE=$(echo "$N / $BEST" | bc -l)
PRATE=$(echo "$N / $PT" | bc -l)
printf '\n%-28s %12s %14s %10s\n' "tool" "seconds" "policies/s" "findings"
printf '%-28s %12.3f %14.0f %10s\n' "rampart $("$RAMPART" --version | awk '{print $2}')" "$BEST" "$RATE" "$R_FINDINGS"
printf '%-28s %12.3f %14.0f %10s\n' "parliament $PVER" "$PT" "$PRATE" "$P_FINDINGS"
printf 'rampart start-up (one policy, median): %.1f ms\n' "$STARTUP"
printf 'ratio (rampart speed / parliament speed): %.1fx\n' "$(echo "$PT / $BEST" | bc -l)"
