#!/usr/bin/env bash
# Scan history benchmark (issue 16), on release builds:
#   1. store a scan of N results (default 100,000) in SQLite (< 3 s), store the next day's scan,
#      and diff the two (< 1 s) — crates/store/examples/store_bench.rs, best of 3 fresh stores;
#   2. the same on PostgreSQL (within 3x of SQLite), on a throwaway server started here
#      (initdb into a temporary directory, 127.0.0.1, as the postgres user under root);
#   3. 100 daily `rampart scan examples/shopify-backend --store` into one SQLite file (< 20 MB).
# The machine may be shared: figures are the best of the repetitions.
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
else
  echo "bench: no PostgreSQL server binaries (scripts/setup/postgres.sh): PostgreSQL skipped" >&2
fi

echo "== 1-2. $N results: store, store the next day, diff"
"$BENCH" "$N" "$OUT" "${PG_URLS[@]}"

echo
echo "== 3. 100 daily scans of the example account into one SQLite file"
cargo build -q --release -p rampart-cli --no-default-features
RAMPART="$CARGO_TARGET_DIR/release/rampart"
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
size=$(( $(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0) ))
python3 -c "print(f'{$scans} scans stored, file {$size/1e6:.2f} MB (database and WAL); {($end-$start)/100:.2f} s per scan and store')"
