# Shared by the bench/ scripts (source it): a run that crashed or wrote no report must never be
# reported as a figure.
#
# rampart exits 0 (nothing at or above --fail-on) or 1 (findings): both are complete runs. Exit 2
# (could not run) or a signal is a crash, and the script stops. A peer tool's crash does not stop
# the script: its column says that it produced no report instead of a number.

# bench_check NAME STATUS MAX_OK [REPORT]: fails (returns 1, with a message on stderr) when STATUS
# is above MAX_OK, or when REPORT is given and is missing or empty.
bench_check() {
  local name="$1" status="$2" max_ok="$3" report="${4:-}"
  if [ "$status" -gt "$max_ok" ]; then
    echo "bench: $name exited with status $status (a crash, not findings)" >&2
    return 1
  fi
  if [ -n "$report" ] && [ ! -s "$report" ]; then
    echo "bench: $name exited $status but wrote no report at $report" >&2
    return 1
  fi
  return 0
}

# bench_rampart STATUS [REPORT]: stops the whole script when a rampart run crashed or wrote no
# report.
bench_rampart() {
  bench_check rampart "$1" 1 "${2:-}" || exit 2
}

# bench_peer NAME STATUS MAX_OK [REPORT]: prints nothing and returns 0 when the peer's run is
# usable; otherwise says so on stdout (for the table) and returns 1.
bench_peer() {
  if ! bench_check "$@" 2>/dev/null; then
    echo "no report ($1 exited $2)"
    return 1
  fi
  return 0
}
