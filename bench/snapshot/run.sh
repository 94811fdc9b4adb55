#!/usr/bin/env bash
# Times `rampart scan` (release build) on the bundled example account and on generated
# snapshots of 1k, 10k and 100k resources; prints wall time and peak memory for each.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
# RAMPART_BIN: an already-built binary (e.g. `cargo build --release -p rampart-cli
# --no-default-features`, which skips the AWS SDK that scanning a snapshot does not use).
if [ -n "${RAMPART_BIN:-}" ]; then
  bin=$RAMPART_BIN
else
  cargo build --release -q -p rampart-cli
  bin="$CARGO_TARGET_DIR/release/rampart"
fi
work="${TMPDIR:-/tmp}/rampart-bench-snapshot"
mkdir -p "$work"

measure() { # label, args...
  local label=$1; shift
  # best of 3 wall times; peak RSS from GNU time
  local best=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N)
    local status=0
    rm -f "$work/out.json"
    "$bin" "$@" --format json -o "$work/out.json" >/dev/null 2>&1 || status=$?
    bench_rampart "$status" "$work/out.json"
    e=$(date +%s.%N)
    local t; t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  local rss
  local status=0
  rm -f "$work/out.json"
  /usr/bin/time -v -o "$work/time.log" "$bin" "$@" --format json -o "$work/out.json" >/dev/null 2>/dev/null || status=$?
  bench_rampart "$status" "$work/out.json"
  rss=$(awk '/Maximum resident/ {print $6}' "$work/time.log")
  local findings; findings=$(python3 -c "import json;d=json.load(open('$work/out.json'));print(d['summary']['by_status'].get('fail',0))")
  printf '%-28s wall %6.3f s   peak %7.1f MB   failures %s\n' "$label" "$best" "$(echo "$rss/1024" | bc -l)" "$findings"
}

measure "example account" scan examples/shopify-backend
for n in 1000 10000 100000; do
  f="$work/snapshot-$n.json"
  [ -f "$f" ] || python3 bench/snapshot/generate.py "$n" "$f"
  measure "generated $n resources" scan "$f"
done
