#!/usr/bin/env bash
# rampart vs Checkov on the IaC corpora (../shared/corpus/iac): CPU seconds (user+sys), wall,
# peak memory and failed results for each, side by side, and the CPU ratio.
#
#   bench/iac/run.sh [CORPUS...]        (default: every corpus)
#
# Each tool runs RUNS times (default 3) per corpus (Checkov CHECKOV_RUNS times, default RUNS: it
# takes minutes per run on the large corpora): the figures are the run with the least CPU
# (the machine may be loaded by other work: the load average is printed before and after), and
# the peak memory is the largest of the runs. The last column says whether rampart holds its
# targets: at least 20x less CPU than Checkov and a peak under 100 MB.
#
# Checkov is installed from PyPI into a venv under ~/.cache/rampart/venvs/checkov on first use.
# Findings are not comparable one for one (different catalogues): the counts are failed results
# of each tool, for scale. The review of what each finds is docs/iac-corpus-review.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
corpus_root="${CORPUS_ROOT:-../shared/corpus/iac}"
venv="$HOME/.cache/rampart/venvs/checkov"
work="${TMPDIR:-/tmp}/rampart-bench-iac"
mkdir -p "$work"

# RAMPART_BIN=path skips the release build (e.g. to time a debug build, which only handicaps rampart).
if [ -n "${RAMPART_BIN:-}" ]; then
  bin="$RAMPART_BIN"
else
  # The live AWS collector is not needed to read IaC (and takes long to build).
  cargo build --release -q -p rampart-cli --no-default-features
  bin="$CARGO_TARGET_DIR/release/rampart"
fi
if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q checkov
fi

# Runs a command under GNU time; prints "cpu wall peak_mb" and leaves its exit status in
# $work/status. Both tools exit 1 when they find something: that is not a failure of the run
# (the caller judges the status with bench/lib.sh).
timed() {
  local status=0
  /usr/bin/time -o "$work/time.txt" -f '%U %S %e %M' "$@" >/dev/null 2>&1 || status=$?
  echo "$status" >"$work/status"
  awk 'END {printf "%.2f %.2f %.1f\n", $1 + $2, $3, $4 / 1024}' "$work/time.txt"
}

# best_of N CMD...: runs CMD N times under `timed`; prints "cpu wall peak_mb" of the run with the
# least CPU, with the largest peak of all runs; stops at the first run whose status is above
# $max_ok (left in $work/status for the caller).
best_of() {
  local n="$1"; shift
  local best="" peak=0 c w m
  for _ in $(seq "$n"); do
    read -r c w m < <(timed "$@")
    if [ "$(cat "$work/status")" -gt "$max_ok" ]; then
      echo "$c $w $m"
      return
    fi
    peak=$(awk -v a="$peak" -v b="$m" 'BEGIN { print (b > a) ? b : a }')
    if [ -z "$best" ] || awk -v a="$c" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best="$c $w"
    fi
  done
  echo "$best $peak"
}

runs="${RUNS:-3}"
checkov_runs="${CHECKOV_RUNS:-$runs}"
corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
  corpora=(terragoat cfngoat tf-aws-vpc tf-aws-s3-bucket tf-aws-security-group tf-aws-rds aws-cfn-templates)
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs); rampart best of $runs runs, Checkov of $checkov_runs"
printf '%-22s | %-34s | %-34s | %s\n' corpus "rampart: cpu s / wall s / MB / fail" "checkov: cpu s / wall s / MB / fail" "cpu ratio"
for c in "${corpora[@]}"; do
  dir="$corpus_root/$c"
  [ -d "$dir" ] || { echo "missing corpus $dir" >&2; exit 2; }
  rm -f "$work/$c.rampart.json"
  # Exit 2 with a report is an audit that ran but found files it could not read (located
  # errors, listed in the report): a figure, marked `(exit 2)`. Without a report, or on a
  # signal, the run failed and the script stops.
  max_ok=2
  read -r rc rw rm < <(best_of "$runs" "$bin" scan "$dir" --format json -o "$work/$c.rampart.json")
  rstatus=$(cat "$work/status")
  bench_check rampart "$rstatus" 2 "$work/$c.rampart.json" || exit 2
  [ "$rstatus" -eq 2 ] && rm="$rm (exit 2)"
  rf=$(python3 -c "import json;print(json.load(open('$work/$c.rampart.json'))['summary']['by_status'].get('fail',0))")
  framework=terraform
  case "$c" in cfngoat|aws-cfn-templates) framework=cloudformation ;; esac
  rm -rf "$work/$c.checkov"
  # Checkov exits 1 when a check fails; anything above is a crash.
  max_ok=1
  read -r cc cw cm < <(best_of "$checkov_runs" "$venv/bin/checkov" -d "$dir" --framework "$framework" -o json --output-file-path "$work/$c.checkov" --quiet --skip-download)
  checkov_report=$(ls "$work/$c.checkov"/*.json 2>/dev/null | head -n1 || true)
  if ! cf=$(bench_peer checkov "$(cat "$work/status")" 1 "${checkov_report:-$work/$c.checkov/none}"); then
    printf '%-22s | %6s / %6s / %6s / %6s   | %-34s | n/a\n' "$c" "$rc" "$rw" "$rm" "$rf" "$cf"
    continue
  fi
  cf=$(python3 - "$work/$c.checkov" <<'PY'
import json, glob, sys
n = 0
for f in glob.glob(sys.argv[1] + "/*.json"):
    d = json.load(open(f))
    for r in (d if isinstance(d, list) else [d]):
        n += r.get("summary", {}).get("failed", 0)
print(n)
PY
)
  ratio=$(awk -v a="$cc" -v b="$rc" 'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "n/a" }')
  verdict=$(awk -v a="$cc" -v b="$rc" -v m="$rm" 'BEGIN { ok = (b > 0 && a / b >= 20 && m < 100); print ok ? "ok" : "BELOW TARGET (20x CPU, < 100 MB)" }')
  printf '%-22s | %6s / %6s / %6s / %6s   | %6s / %6s / %6s / %6s   | %s %s\n' "$c" "$rc" "$rw" "$rm" "$rf" "$cc" "$cw" "$cm" "$cf" "$ratio" "$verdict"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
