#!/usr/bin/env bash
# Dependency audit benchmark (issue 15): the OSV PyPI database (2,661 PyPA advisories).
#
#   bench/deps/run.sh [RUNS]
#
# 1. index: the first run on a database builds the cache beside it (cold);
# 2. a 500-package requirements.txt, warm cache: wall time and peak RSS (best of RUNS, default 5);
# 3. 100 projects (60 packages each) in one run, warm cache.
# Targets: (2) < 100 ms and < 100 MB; (3) < 2 s. osv-scanner, measured elsewhere on this
# database: 0.3-0.6 s and 52-68 MB per project (it reloads the zip each run).
# Binary: RAMPART_BIN, else target/release/rampart of
# `cargo build --release -p rampart-cli --no-default-features`. The machine is shared: take the
# best of several runs and say so.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNS=${1:-5}
BIN=${RAMPART_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/rampart}
[ -x "$BIN" ] || { echo "no binary at $BIN (build: cargo build --release -p rampart-cli --no-default-features)" >&2; exit 2; }
ZIP=${OSV_ZIP:-$ROOT/crates/deps/fixtures/osv/PyPI/all.zip}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/db/PyPI"
cp "$ZIP" "$WORK/db/PyPI/all.zip"
python3 "$HERE/gen.py" "$ZIP" "$WORK/in" >&2

measure() { # label, args...: best wall (s) and its peak RSS (MB) over RUNS
  local label=$1; shift
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$BIN" "$@" --format json -o "$WORK/out.json" 2>/dev/null || true
    read -r wall kb < <(tail -1 "$WORK/t")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; rss=$((kb / 1024)); fi
  done
  local n
  n=$(python3 -c "import json;d=json.load(open('$WORK/out.json'));print(sum(d['summary']['by_status'].values()), d['summary']['by_status'].get('fail',0))")
  echo "$label: ${best}s, ${rss} MB peak RSS (results, failures: $n)"
}

/usr/bin/time -f "%e %M" -o "$WORK/t" "$BIN" deps "$WORK/in/big" --db "$WORK/db" --format json -o /dev/null 2>/dev/null || true
read -r wall kb < <(tail -1 "$WORK/t")
echo "index (cold, builds the cache) + 500-package audit: ${wall}s, $((kb / 1024)) MB peak RSS; cache $(stat -c %s "$WORK/db/.rampart-osv-index.bin.zst") bytes"
measure "500-package requirements.txt (warm)" deps "$WORK/in/big" --db "$WORK/db"
measure "100 projects x 60 packages, one run (warm)" deps "$WORK/in/projects" --db "$WORK/db"
