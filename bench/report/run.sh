#!/usr/bin/env bash
# Report benchmark (issue 7): renders 100,000 findings in every format and checks the budgets
# (each format < 2 s, HTML < 30 MB), then measures the end-to-end `rampart scan` of a snapshot
# whose audit yields about 100,000 findings, in every format, and finally how fast the
# 100,000-finding HTML page is interactive in headless Chromium (the browser test).
#
# No peer renders these formats from the same data, so the figures stand alone; run from the
# repository root:  bench/report/run.sh [FINDINGS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
N="${1:-100000}"
OUT="$CARGO_TARGET_DIR/bench-report"
mkdir -p "$OUT"

echo "== 1. rendering $N synthetic findings (crates/report/examples/render_bench.rs, release)"
cargo build -q --release -p rampart-report --example render_bench
"$CARGO_TARGET_DIR/release/examples/render_bench" "$N" "$OUT/render" || render_rc=$?

echo
echo "== 2. rampart scan end to end (release binary), snapshot sized for about $N findings"
cargo build -q --release -p rampart-cli
RAMPART="$CARGO_TARGET_DIR/release/rampart"
# Calibrate: findings per bucket with the current catalogue.
python3 - "$OUT" 200 <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
buckets = [{"meta": {"arn": f"arn:aws:s3:::bench-{i:06}", "name": f"bench-{i:06}",
                     "tags": {"environment": "prod"}},
            "region": ["us-east-1", "eu-west-1", "ap-southeast-2"][i % 3],
            "versioning": ["disabled", "suspended", "enabled"][i % 3]} for i in range(n)]
snap = {"format": "rampart-snapshot", "version": 1, "created_by": "bench",
        "inventory": {"collected_at": "2026-11-01T00:00:00Z",
                      "accounts": [{"id": "111122223333", "buckets": buckets}]}}
json.dump(snap, open(f"{out}/calibrate.json", "w"))
PY
rm -f "$OUT/calibrate.out.json"
status=0
"$RAMPART" scan "$OUT/calibrate.json" --format json -o "$OUT/calibrate.out.json" || status=$?
bench_rampart "$status" "$OUT/calibrate.out.json"
per=$(python3 -c "import json,sys; print(max(1, len(json.load(open('$OUT/calibrate.out.json'))['findings']) / 200))")
buckets=$(python3 -c "print(int($N / $per))")
python3 - "$OUT" "$buckets" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
buckets = [{"meta": {"arn": f"arn:aws:s3:::bench-{i:06}", "name": f"bench-{i:06}",
                     "tags": {"environment": "prod"}},
            "region": ["us-east-1", "eu-west-1", "ap-southeast-2"][i % 3],
            "versioning": ["disabled", "suspended", "enabled"][i % 3]} for i in range(n)]
snap = {"format": "rampart-snapshot", "version": 1, "created_by": "bench",
        "inventory": {"collected_at": "2026-11-01T00:00:00Z",
                      "accounts": [{"id": "111122223333", "buckets": buckets}]}}
json.dump(snap, open(f"{out}/estate.json", "w"))
PY
printf "%-6s %10s %10s %10s\n" format seconds MB findings
for f in text json sarif ocsf asff junit csv html; do
  start=$(date +%s.%N)
  rm -f "$OUT/scan.$f"
  status=0
  "$RAMPART" scan "$OUT/estate.json" --format "$f" -o "$OUT/scan.$f" --compliance cis-3.0 || status=$?
  bench_rampart "$status" "$OUT/scan.$f"
  end=$(date +%s.%N)
  count=$(python3 -c "import json; print(len(json.load(open('$OUT/scan.json'))['findings']))" 2>/dev/null || echo "?")
  printf "%-6s %10.2f %10.1f %10s\n" "$f" "$(echo "$end - $start" | bc)" "$(echo "$(stat -c %s "$OUT/scan.$f") / 1000000" | bc -l)" "$count"
done
echo "(scan + render; $buckets buckets; the scan alone is the json line minus its rendering)"

echo
echo "== 3. the 100,000-finding HTML page in headless Chromium"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  cargo test -q --release -p rampart-report --test browser a_100k -- --nocapture 2>&1 | grep -E "MB|interactive|filter|scroll|test result"
else
  echo "chromium is not installed: run scripts/setup/browser.sh"
fi
exit "${render_rc:-0}"
