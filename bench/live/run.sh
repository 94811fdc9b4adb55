#!/usr/bin/env bash
# Live-collector benchmark: rampart vs Prowler against the same seeded moto account.
#
#   bench/live/run.sh                 # builds release, seeds moto, runs both, prints the figures
#
# Both tools scan the same emulated account (crates/collect-aws/tests/seed_moto.py) in the same
# two regions. For each: wall time, CPU time (user+sys, children included), peak RSS, and the API
# requests the emulator received (moto's request recorder, reset before each run). rampart runs
# with --max-rps 0 (no client-side rate limit) so both tools go as fast as the emulator allows.
#
# Needs: the moto venv (scripts/setup/moto.sh); Prowler in a venv (installed here from PyPI into
# $RAMPART_PROWLER_VENV, default /root/.cache/rampart/venvs/prowler); GNU time (/usr/bin/time).
# This is a benchmark, not a test: it prints figures and does not judge them.
# RAMPART_BIN=path measures a built binary; RAMPART_ONLY=1 stops after rampart (no Prowler);
# RAMPART_ENV="VAR=value …" runs rampart with those variables (MIMALLOC_SHOW_STATS=1, say);
# RAMPART_SHOW_ERR=1 prints the tail of each tool's stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
. "$ROOT/bench/lib.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/rampart/target}"
MOTO_VENV="${RAMPART_MOTO_VENV:-/root/.cache/rampart/venvs/moto}"
PROWLER_VENV="${RAMPART_PROWLER_VENV:-/root/.cache/rampart/venvs/prowler}"
REGIONS=(us-east-1 eu-west-1)
WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
    if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${RAMPART_BIN:-}" ]; then
    RAMPART="$RAMPART_BIN"   # e.g. a debug build, when a release build is not possible
else
    echo "== building rampart (release)"
    (cd "$ROOT" && cargo build --release -p rampart-cli --quiet)
    RAMPART="$CARGO_TARGET_DIR/release/rampart"
fi
echo "rampart: $RAMPART"

echo "== preparing venvs"
RAMPART_MOTO_VENV="$MOTO_VENV" bash "$ROOT/scripts/setup/moto.sh" >/dev/null
if ! "$PROWLER_VENV/bin/prowler" --version >/dev/null 2>&1; then
    python3 -m venv "$PROWLER_VENV"
    "$PROWLER_VENV/bin/pip" install --quiet --disable-pip-version-check prowler
fi
echo "prowler: $("$PROWLER_VENV/bin/prowler" --version 2>/dev/null | tail -1)"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_RECORDER_FILEPATH="$WORK/recording.jsonl" \
    "$MOTO_VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 100); do curl -sf "$URL/moto-api/data.json" >/dev/null && break; sleep 0.2; done
echo "== seeding moto at $URL"
"$MOTO_VENV/bin/python" "$ROOT/crates/collect-aws/tests/seed_moto.py" "$URL" >"$WORK/manifest.json"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL="$URL"
unset AWS_PROFILE AWS_SESSION_TOKEN || true

# measure NAME CMD... : runs CMD under GNU time with the recorder on; prints one line of figures.
# The emulator's CPU time (user+sys of the moto process), in seconds: moto serves requests one
# at a time, so the CPU it spends on a tool's requests is its service time for them.
moto_cpu() { python3 -c "import os; f=open('/proc/$MOTO_PID/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))"; }

measure() {
    local name="$1"; shift
    curl -sf -X POST "$URL/moto-api/recorder/reset-recording" >/dev/null
    curl -sf -X POST "$URL/moto-api/recorder/start-recording" >/dev/null
    local before; before=$(moto_cpu)
    local status=0
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || status=$?
    echo "$status" >"$WORK/$name.status"
    [ -z "${RAMPART_SHOW_ERR:-}" ] || tail -n 40 "$WORK/$name.err" >&2
    local served; served=$(python3 -c "print(round($(moto_cpu) - $before, 2))")
    curl -sf -X POST "$URL/moto-api/recorder/stop-recording" >/dev/null
    local calls; calls=$(grep -c . "$WORK/recording.jsonl" 2>/dev/null || echo 0)
    # GNU time puts "Command exited with non-zero status N" first when the tool exits non-zero
    # (rampart exits 1 when it finds failures): the figures are on the last line.
    read -r wall user sys rss < <(tail -n1 "$WORK/$name.time")
    local cpu; cpu=$(python3 -c "print(round($user+$sys,2))")
    printf '%-8s wall %8.2f s   cpu %8.2f s   peak %7.1f MB   api calls %6d   emulator cpu %7.2f s\n' \
        "$name" "$wall" "$cpu" "$(python3 -c "print($rss/1024)")" "$calls" "$served"
    echo "$wall $cpu $rss $calls $served" >"$WORK/$name.fig"
}

echo "== rampart scan aws"
measure rampart ${RAMPART_ENV:+env $RAMPART_ENV} "$RAMPART" scan aws --endpoint-url "$URL" --regions "$(IFS=,; echo "${REGIONS[*]}")" \
    --max-rps 0 --format json -o "$WORK/rampart.json" -v
grep -E "^collected" "$WORK/rampart.err" || { cat "$WORK/rampart.err"; exit 2; }
bench_rampart "$(cat "$WORK/rampart.status")" "$WORK/rampart.json"

if [ -n "${RAMPART_ONLY:-}" ]; then exit 0; fi   # RAMPART_ONLY=1: rampart's figures alone

echo "== prowler aws (same endpoint, same regions)"
measure prowler "$PROWLER_VENV/bin/prowler" aws --region "${REGIONS[@]}" --no-banner \
    --output-formats json-ocsf --output-directory "$WORK/prowler-out" --ignore-exit-code-3
tail -3 "$WORK/prowler.err" || true
prowler_report=$(ls "$WORK"/prowler-out/*.ocsf.json 2>/dev/null | head -n1 || true)
if ! bench_peer prowler "$(cat "$WORK/prowler.status")" 0 "${prowler_report:-$WORK/prowler-out/none}"; then
    echo "== no ratio: prowler produced no report (see $WORK/prowler.err)"
    exit 0
fi

python3 - "$WORK/rampart.fig" "$WORK/prowler.fig" <<'EOF'
import sys
r = list(map(float, open(sys.argv[1]).read().split()))
p = list(map(float, open(sys.argv[2]).read().split()))
def ratio(a, b): return f"{b / a:.1f}x" if a > 0 else "n/a"
print("== ratio (prowler / rampart)")
print(f"wall {ratio(r[0], p[0])}   cpu {ratio(r[1], p[1])}   peak memory {ratio(r[2], p[2])}   api calls {ratio(r[3], p[3])}")
EOF
