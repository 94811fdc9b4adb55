#!/usr/bin/env bash
# Lints every AWS managed policy of the shared corpus with rampart and with Parliament, side by
# side, and prints both figures and the ratio.
#
#   bash bench/policy/run.sh [CORPUS_DIR]
#
# rampart: one process over all files (`rampart policy lint … --format json`), release build;
# start-up is the median wall time of linting one small policy. Parliament (PyPI `parliament`,
# installed into /root/.cache/rampart/venvs/parliament) runs in one Python process over the same
# files through its library (`parliament_all.py`: its `--directory` mode aborts on the first policy
# it raises on). Both are pinned to one core (`taskset -c 0`). Wall time and CPU time (user+sys)
# are both reported, since a shared machine's load inflates wall time. Not a timed test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/bench/lib.sh"
CORPUS="${1:-$ROOT/../shared/corpus/aws-managed-policies}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/rampart/target}"
VENV="${RAMPART_VENVS:-/root/.cache/rampart/venvs}/parliament"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

[ -d "$CORPUS/policies" ] || { echo "corpus not found: $CORPUS/policies" >&2; exit 2; }
mapfile -t FILES < <(find "$CORPUS/policies" -name '*.json' | sort)
N=${#FILES[@]}

RAMPART="${RAMPART_BIN:-}"
if [ -z "$RAMPART" ]; then
  echo "== building rampart (release)"
  (cd "$ROOT" && cargo build --release -p rampart-cli --quiet)
  RAMPART="$CARGO_TARGET_DIR/release/rampart"
fi

if [ ! -x "$VENV/bin/parliament" ]; then
  echo "== installing Parliament into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet parliament
fi

# Runs a command, prints "wall cpu" in seconds; stops the script when the command crashed
# (rampart's lint exits 1 on findings at or above --fail-on, and Parliament's driver 0).
measure() {
  local t status=0
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S" -o "$t" "$@" > /dev/null 2>/dev/null || status=$?
  bench_check "$(basename "${@: -1}")" "$status" 1 || exit 2
  tail -1 "$t" | awk '{printf "%.3f %.3f\n", $1, $2 + $3}'
  rm -f "$t"
}

echo "== rampart: start-up (median of 21 runs linting one policy)"
ONE="${FILES[0]}"
STARTS=()
for _ in $(seq 21); do
  read -r wall _ < <(measure "${PIN[@]}" "$RAMPART" policy lint "$ONE" --format json -o /dev/null --fail-on critical)
  STARTS+=("$wall")
done
STARTUP=$(printf '%s\n' "${STARTS[@]}" | sort -n | sed -n 11p)

echo "== rampart: $N policies in one process (best of 3)"
BEST_W=999999; BEST_C=999999
for _ in 1 2 3; do
  read -r wall cpu < <(measure "${PIN[@]}" "$RAMPART" policy lint "${FILES[@]}" --format json -o /tmp/rampart-policy-bench.json --fail-on critical)
  BEST_W=$(echo "if ($wall < $BEST_W) $wall else $BEST_W" | bc -l)
  BEST_C=$(echo "if ($cpu < $BEST_C) $cpu else $BEST_C" | bc -l)
done
rm -f /tmp/rampart-policy-bench.json
status=0
"$RAMPART" policy lint "${FILES[@]}" --format json -o /tmp/rampart-policy-bench.json --fail-on critical || status=$?
bench_rampart "$status" /tmp/rampart-policy-bench.json
R_FINDINGS=$(python3 -c "import json;d=json.load(open('/tmp/rampart-policy-bench.json'));print(len(d['findings']))")

echo "== Parliament: $N policies in one process (best of 3, as rampart)"
PVER=$("$VENV/bin/pip" show parliament 2>/dev/null | awk '/^Version/{print $2}')
PW=999999; PC=999999
for _ in 1 2 3; do
  read -r wall cpu < <(measure "${PIN[@]}" "$VENV/bin/python" "$ROOT/bench/policy/parliament_all.py" "$CORPUS/policies")
  PW=$(echo "if ($wall < $PW) $wall else $PW" | bc -l)
  PC=$(echo "if ($cpu < $PC) $cpu else $PC" | bc -l)
done
PSUM=$("$VENV/bin/python" "$ROOT/bench/policy/parliament_all.py" "$CORPUS/policies")

printf '\n%-22s %10s %10s %14s %14s\n' "tool" "wall s" "cpu s" "policies/s" "policies/cpu-s"
printf '%-22s %10.3f %10.3f %14.0f %14.0f   %s findings\n' "rampart $("$RAMPART" --version | awk '{print $2}')" "$BEST_W" "$BEST_C" "$(echo "$N / $BEST_W" | bc -l)" "$(echo "$N / ($BEST_C + 0.0001)" | bc -l)" "$R_FINDINGS"
printf '%-22s %10.3f %10.3f %14.0f %14.0f   %s\n' "parliament $PVER" "$PW" "$PC" "$(echo "$N / $PW" | bc -l)" "$(echo "$N / ($PC + 0.0001)" | bc -l)" "$PSUM"
printf 'rampart start-up (lint one policy, median wall): %.1f ms\n' "$(echo "$STARTUP * 1000" | bc -l)"
printf 'ratio, wall (parliament / rampart): %.1fx; cpu: %.1fx\n' "$(echo "$PW / $BEST_W" | bc -l)" "$(echo "$PC / ($BEST_C + 0.0001)" | bc -l)"
