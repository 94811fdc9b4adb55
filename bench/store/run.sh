#!/usr/bin/env bash
# Scan history benchmark (issue 16), on release builds:
#   1. store a scan of N results (default 100,000) in SQLite (< 3 s), store the next day's scan
#      (1% fixed, 1% new, every message reworded), and diff the two (< 1 s) —
#      crates/store/examples/store_bench.rs, best of 3 fresh stores;
#   2. the same on PostgreSQL (within 3x of SQLite), on a throwaway server started here
#      (initdb into a temporary directory, 127.0.0.1, as the postgres user under root); without
#      the server binaries this step is skipped and the script says so;
#   3. the CLI on that SQLite store: `rampart diff` of the two 100,000-result scans (JSON to a
#      file) and `rampart report` of one, best of 3;
#   4. 100 daily `rampart scan examples/shopify-backend --store` into one SQLite file (< 20 MB).
# The machine may be shared: figures are the best of the repetitions, and the load average is
# printed before and after. Any failed run stops the script (exit 2): no figure is printed for it.
#   bench/store/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
N="${1:-100000}"
OUT="$CARGO_TARGET_DIR/bench-store"
rm -rf "$OUT"
mkdir -p "$OUT"
chmod 755 "$OUT"

cargo build -q --release -p rampart-store --example store_bench
BENCH="$CARGO_TARGET_DIR/release/examples/store_bench"
RAMPART="$CARGO_TARGET_DIR/release/rampart"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# A throwaway PostgreSQL server.
PG_URLS=()
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -n "$PGBIN" ] && [ -x "$PGBIN/pg_ctl" ]; then
  PGDIR="$(mktemp -d /tmp/rampart-bench-pg.XXXXXX)"
  AS=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PGDIR"; AS=(runuser -u postgres --); fi
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U rampart --auth=trust -E UTF8 --no-sync >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -o "-k $PGDIR -h 127.0.0.1 -p $PORT" -w start >/dev/null
  trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"' EXIT
  for i in 1 2 3; do
    "${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U rampart "bench$i"
    PG_URLS+=("postgres://rampart@127.0.0.1:$PORT/bench$i")
  done
  echo "PostgreSQL: $("$PGBIN/postgres" --version)"
else
  echo "bench: PostgreSQL is MISSING (no server binaries under /usr/lib/postgresql): its figures are skipped; install it with scripts/setup/postgres.sh" >&2
fi

echo "== 1-2. $N results: store, store the next day, diff (library)"
status=0
STORE_BENCH_PREPARE=1 "$BENCH" "$N" "$OUT" "${PG_URLS[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "bench: store_bench failed (exit $status): no figures" >&2
  exit 2
fi

cargo build -q --release -p rampart-cli --no-default-features

echo
echo "== 3. the CLI on the SQLite store of step 1 (scans 1 and 2, $N results each)"
DB="$OUT/bench-0.sqlite"
# best_of NAME OUTPUT COMMAND...: runs COMMAND 3 times (rampart's exit 0 or 1 only, and a
# non-empty OUTPUT), prints the best wall time and its peak memory.
best_of() {
  local name="$1" out="$2"; shift 2
  local best="" rss=""
  for i in 1 2 3; do
    rm -f "$out"
    local st=0
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/stderr" || st=$?
    if ! bench_check "$name" "$st" 1 "$out"; then
      cat "$OUT/stderr" >&2
      exit 2
    fi
    # GNU time writes "Command exited with non-zero status 1" first when rampart exits 1.
    read -r wall kb < <(tail -n 1 "$OUT/time")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $wall < $best else 1)"; then
      best="$wall"; rss="$kb"
    fi
  done
  python3 -c "print(f'$name: best of 3 {float(\"$best\"):.2f} s wall, {int(\"$rss\")/1024:.0f} MB peak')"
}
best_of "rampart diff 1 2 -f json" "$OUT/diff.json" \
  "$RAMPART" diff 1 2 --store="sqlite:$DB" -f json -o "$OUT/diff.json"
python3 -c "import json; d=json.load(open('$OUT/diff.json')); print(f\"  {len(d['new'])} new, {len(d['resolved'])} resolved, {len(d['changed'])} changed, {d['unchanged']} unchanged\")"
best_of "rampart report 2 -f json" "$OUT/report.json" \
  "$RAMPART" report 2 --store="sqlite:$DB" -f json -o "$OUT/report.json"

echo
echo "== 4. 100 daily scans of the example account into one SQLite file"
DB="$OUT/daily.sqlite"
start=$(date +%s.%N)
for day in $(seq 1 100); do
  status=0
  "$RAMPART" scan examples/shopify-backend --store="sqlite:$DB" -o /dev/null || status=$?
  bench_rampart "$status"
done
end=$(date +%s.%N)
"$RAMPART" history --store="sqlite:$DB" -f json > "$OUT/daily.json"
scans=$(python3 -c "import json; print(len(json.load(open('$OUT/daily.json'))['scans']))")
if [ "$scans" -ne 100 ]; then
  echo "bench: $scans scans stored, not 100" >&2
  exit 2
fi
size=$(( $(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0) ))
python3 -c "print(f'{$scans} scans stored, file {$size/1e6:.2f} MB (database and WAL); {($end-$start)/100:.2f} s per scan and store')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
