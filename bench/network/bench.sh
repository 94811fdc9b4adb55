#!/usr/bin/env bash
# Network benchmark: generates VPC estates at 1/1000, 1/100, 1/10 and full size (10,000 security
# groups with 50,000 ingress rules, 1,000 network ACLs, 20,000 interfaces), then times a release
# rampart running all network checks (EC2-001..009, VPC-001..012, reachability included) on each,
# with peak memory from /usr/bin/time -v. A "load only" run (one trivial check) separates reading
# the snapshot from the analysis.
#
# No peer is run: the scanners that check security groups (Prowler, ScoutSuite) need a live
# account, and none analyses NACL order or end-to-end reachability on a saved inventory.
#
# usage: bench/network/bench.sh [WORKDIR]     (run from the repository root)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/rampart/target}"
work="${1:-/tmp/rampart-netbench}"
mkdir -p "$work"
# RAMPART_BIN: an already-built binary (`--no-default-features` skips the AWS SDK).
if [ -n "${RAMPART_BIN:-}" ]; then
  bin=$RAMPART_BIN
else
  cargo build --release -p rampart-cli >&2
  bin="$CARGO_TARGET_DIR/release/rampart"
fi
(cd bench/network/driver && cargo build --release >&2)
driver="$CARGO_TARGET_DIR/release/rampart-netbench"
codes=EC2-001,EC2-002,EC2-003,EC2-004,EC2-005,EC2-006,EC2-007,EC2-008,EC2-009
codes=$codes,VPC-001,VPC-002,VPC-003,VPC-004,VPC-005,VPC-006,VPC-007,VPC-008,VPC-009,VPC-010,VPC-011,VPC-012

measure() { # measure OUTFILE ARGS... -> "seconds max_rss_mb"; stops the script on a crash
  local log="$1.time"; shift
  local status=0
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || status=$?
  bench_rampart "$status"
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
  echo "$secs $rss"
}

printf '%-8s %8s %8s %8s %10s %10s %10s %10s\n' scale sgs rules enis load_s load_MB all_s all_MB
for scale in 0.001 0.01 0.1 1; do
  snap="$work/estate-$scale.json"
  [ -f "$snap" ] || python3 bench/network/gen_estate.py "$scale" "$snap" >&2
  read -r sgs rules enis < <(python3 -c "
import json,sys
r=json.load(open('$snap'))['inventory']['accounts'][0]['regions'][0]
print(len(r['security_groups']), sum(len(g['ingress']) for g in r['security_groups']), len(r['network_interfaces']))")
  read -r ls lm < <(measure "$work/load-$scale" "$bin" scan "$snap" --checks VPC-010 --format json -o /dev/null)
  best=""; bestm=""
  for _ in 1 2 3; do
    rm -f "$work/report-$scale.json"
    read -r s m < <(measure "$work/all-$scale" "$bin" scan "$snap" --checks "$codes" --format json -o "$work/report-$scale.json")
    bench_rampart 0 "$work/report-$scale.json"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; bestm=$m; fi
  done
  printf '%-8s %8s %8s %8s %10s %10s %10s %10s\n' "$scale" "$sgs" "$rules" "$enis" "$ls" "$lm" "$best" "$bestm"
done
echo "(times: best of 3 wall-clock seconds; memory: peak RSS; 'load' = reading the snapshot plus one trivial check)"
echo
echo "phases (rampart-netbench, in-process timers):"
for scale in 0.001 0.01 0.1 1; do
  printf '%-8s ' "$scale"; "$driver" "$work/estate-$scale.json"
done
