#!/usr/bin/env bash
# `rampart access who-can` and escalation paths (IAM-109 through `rampart scan --checks IAM-109`,
# then the whole scan; and loading alone) over a generated estate (bench/access/gen_estate.py): wall time, CPU time
# (user + sys) and peak memory, release build, one core, with the load average at the end of
# each run. Best of RUNS: the machine may be shared, and CPU time is then the fairer figure.
#
#   bash bench/access/run.sh [PRINCIPALS] [POLICIES] [RUNS]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
P="${1:-10000}"
POL="${2:-50000}"
RUNS="${3:-3}"
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
python3 "$ROOT/bench/access/gen_estate.py" "$P" "$POL" "$WORK/estate.json"
echo "== estate: $P principals, $POL policies, $(du -h "$WORK/estate.json" | cut -f1)"

measure() {
  local name="$1"; shift
  for _ in $(seq "$RUNS"); do
    # time writes its figures to a file: the command's own stderr goes to a log (it used to be
    # discarded together with time's output, and every run read as 0 s).
    local rc=0
    rm -f "$WORK/out" "$WORK/scan.json"
    /usr/bin/time -o "$WORK/time" -f "%e %U %S %M" "${PIN[@]}" "$@" > "$WORK/out" 2>"$WORK/err" || rc=$?
    # Exit 1 means findings (scan); anything else is a failed run, never a figure.
    if [ "$rc" -gt 1 ] || { [ ! -s "$WORK/out" ] && [ ! -s "$WORK/scan.json" ]; }; then
      echo "   $name: FAILED (exit $rc): $(tail -3 "$WORK/err")" >&2
      exit 1
    fi
    tail -1 "$WORK/time" | awk -v n="$name" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
      '{printf "   %s: wall %.2fs cpu %.2fs max RSS %d MB (load %s)\n", n, $1, $2 + $3, $4 / 1024, load}'
  done
}
# Loading alone (S3-001 finds no bucket in this estate: nothing to judge): the Inventory's share.
measure "load only (scan --checks S3-001)" "$RAMPART" scan "$WORK/estate.json" --checks S3-001 --format json -o "$WORK/scan.json"
measure "who-can s3:GetObject" "$RAMPART" access who-can --action s3:GetObject --resource arn:aws:s3:::b-1/k "$WORK/estate.json"
measure "escalation paths (scan --checks IAM-109)" "$RAMPART" scan "$WORK/estate.json" --checks IAM-109 --format json -o "$WORK/scan.json"
measure "scan, every check (IAM-109 escalation paths included)" "$RAMPART" scan "$WORK/estate.json" --format json -o "$WORK/scan.json"
