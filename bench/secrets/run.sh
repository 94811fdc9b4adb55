#!/usr/bin/env bash
# Secret scanning benchmark: rampart vs detect-secrets, Kingfisher and ripgrep.
#
#   bench/secrets/run.sh [--scanner-only] [--skip-detect-secrets] [--commits N]
#
# 1. throughput on a large real tree (botocore's sdist from PyPI, unpacked): rampart with the whole
#    catalogue, Kingfisher (warm: its rule cache built), detect-secrets (once: it is slow);
# 2. the same 20 simplest patterns: rampart --rules vs ripgrep -e (same regexes);
# 3. git history of a generated repository with N commits (default 20,000): rampart vs Kingfisher;
# 4. recall and precision of all three on the fixture tree of planted secrets and decoys.
#
# The binary measured is the release `rampart` (`cargo build --release -p rampart-cli`), or with
# --scanner-only the `scan` example of crates/secrets (same library calls, no AWS SDK to compile).
# SCAN_BIN / RAMPART_BIN / FIXTURE_BIN name already-built binaries (no build step then).
# Peers are installed into venvs under /root/.cache/rampart/venvs; ripgrep from apt.
# Not a timed test: run it by hand and read the figures.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/rampart/target}
CACHE=${RAMPART_BENCH_CACHE:-/root/.cache/rampart/bench}
VENVS=/root/.cache/rampart/venvs
BOTOCORE=${BOTOCORE_VERSION:-1.44.5}
COMMITS=20000
SCANNER_ONLY=0
SKIP_DS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scanner-only) SCANNER_ONLY=1 ;;
    --skip-detect-secrets) SKIP_DS=1 ;;
    --commits) COMMITS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$CACHE" "$VENVS"
NPROC=$(nproc)

say() { printf '\n== %s\n' "$*"; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f"{a/b:.1f}x" if b>0 else "n/a")' "$1" "$2"; }
mbps() { python3 -c 'import sys; print(f"{float(sys.argv[1])/1e6/float(sys.argv[2]):.0f} MB/s")' "$1" "$2"; }

say "build (release)"
cd "$ROOT"
if [ -z "${FIXTURE_BIN:-}" ] || { [ "$SCANNER_ONLY" = 1 ] && [ -z "${SCAN_BIN:-}" ]; }; then
  cargo build --release -q -p rampart-secrets --example fixture_tree --example scan
fi
FIXTURE_BIN=${FIXTURE_BIN:-$CARGO_TARGET_DIR/release/examples/fixture_tree}
if [ "$SCANNER_ONLY" = 1 ]; then
  BIN=${SCAN_BIN:-$CARGO_TARGET_DIR/release/examples/scan}
  scan_tree() { "$BIN" --threads "$NPROC" "$@"; }
  scan_hist() { "$BIN" --threads "$NPROC" --history "$@"; }
  echo "measuring the scanner example: $BIN"
else
  [ -n "${RAMPART_BIN:-}" ] || cargo build --release -q -p rampart-cli
  BIN=${RAMPART_BIN:-$CARGO_TARGET_DIR/release/rampart}
  scan_tree() { "$BIN" secrets -f json -j "$NPROC" "$@"; }
  scan_hist() { "$BIN" secrets -f json -j "$NPROC" --history "$@"; }
  echo "measuring $BIN"
fi

say "peers"
if [ ! -x "$VENVS/detect-secrets/bin/detect-secrets" ]; then
  python3 -m venv "$VENVS/detect-secrets" && "$VENVS/detect-secrets/bin/pip" -q install detect-secrets
fi
if [ ! -x "$VENVS/kingfisher/bin/kingfisher" ]; then
  python3 -m venv "$VENVS/kingfisher" && "$VENVS/kingfisher/bin/pip" -q install kingfisher-bin
fi
command -v rg >/dev/null || { apt-get install -y -q ripgrep >/dev/null || { apt-get update -q && apt-get install -y -q ripgrep; }; }
DS="$VENVS/detect-secrets/bin/detect-secrets"
KF="$VENVS/kingfisher/bin/kingfisher"
echo "detect-secrets $("$DS" --version)  $("$KF" --version)  $(rg --version | head -1)"

say "corpus: botocore $BOTOCORE sdist"
TREE="$CACHE/botocore-$BOTOCORE"
if [ ! -d "$TREE" ]; then
  mkdir -p "$CACHE/dl"
  "$VENVS/detect-secrets/bin/pip" -q download --no-deps --no-binary :all: "botocore==$BOTOCORE" -d "$CACHE/dl"
  tar xzf "$CACHE/dl/botocore-$BOTOCORE.tar.gz" -C "$CACHE"
fi
BYTES=$(find "$TREE" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "$TREE: $(find "$TREE" -type f | wc -l) files, $((BYTES / 1000000)) MB; $NPROC cores"
cat $(find "$TREE" -type f) > /dev/null  # page cache: every tool runs warm

T="$HERE/timeit.py"
say "1. whole catalogues on botocore (best of 3, warm)"
R=$(python3 "$T" -n 3 -- bash -c "$(declare -f scan_tree); BIN='$BIN' NPROC=$NPROC; scan_tree '$TREE'")
RULES=$(python3 - "$ROOT" <<'PY'
import glob, sys, tomllib
n = 0
for p in glob.glob(sys.argv[1] + "/crates/secrets/patterns/*.toml"):
    with open(p, "rb") as f:
        d = tomllib.load(f)
    n += len([r for r in d.get("rule", []) if not r.get("hidden")]) + len(d.get("pair", []))
print(n)
PY
)
echo "rampart ($RULES patterns):  wall $(field "$R" wall) s, cpu $(field "$R" cpu) s, $(mbps "$BYTES" "$(field "$R" wall)")"
"$KF" scan "$TREE" --no-validate --git-history none -j "$NPROC" -f json -o /dev/null >/dev/null 2>&1 || true  # builds its rule cache
K=$(python3 "$T" -n 3 -- "$KF" scan "$TREE" --no-validate --git-history none -j "$NPROC" -f json -o /dev/null)
echo "kingfisher (warm):          wall $(field "$K" wall) s, cpu $(field "$K" cpu) s, $(mbps "$BYTES" "$(field "$K" wall)")"
echo "rampart vs kingfisher:      $(ratio "$(field "$K" wall)" "$(field "$R" wall)") faster (wall)"
if [ "$SKIP_DS" = 0 ]; then
  D=$(python3 "$T" -n 1 -- "$DS" scan --all-files "$TREE")
  echo "detect-secrets:             wall $(field "$D" wall) s, cpu $(field "$D" cpu) s"
  echo "rampart vs detect-secrets:  $(ratio "$(field "$D" wall)" "$(field "$R" wall)") (wall), $(ratio "$(field "$D" cpu)" "$(field "$R" cpu)") (cpu)"
fi

say "2. the same 20 simplest patterns: rampart vs ripgrep"
IDS=$(python3 "$HERE/simple20.py" --ids)
mapfile -t RG_ARGS < <(python3 "$HERE/simple20.py" --rg)
R20=$(python3 "$T" -n 3 -- bash -c "$(declare -f scan_tree); BIN='$BIN' NPROC=$NPROC; scan_tree --rules '$IDS' '$TREE'")
G20=$(python3 "$T" -n 3 -- rg --no-ignore --hidden --no-messages -c -j "$NPROC" "${RG_ARGS[@]}" "$TREE")
echo "rampart --rules (20):       wall $(field "$R20" wall) s, cpu $(field "$R20" cpu) s, $(mbps "$BYTES" "$(field "$R20" wall)")"
echo "ripgrep -e x20:             wall $(field "$G20" wall) s, cpu $(field "$G20" cpu) s, $(mbps "$BYTES" "$(field "$G20" wall)")"
echo "rampart vs ripgrep:         $(ratio "$(field "$G20" wall)" "$(field "$R20" wall)")"

say "3. git history: $COMMITS commits"
REPO="$CACHE/history-$COMMITS"
[ -d "$REPO" ] || python3 "$HERE/make_history.py" "$REPO" "$COMMITS"
git -C "$REPO" gc -q --aggressive 2>/dev/null || true
H=$(python3 "$T" -n 3 --out "$CACHE/rampart-history.json" -- bash -c "$(declare -f scan_hist); BIN='$BIN' NPROC=$NPROC; scan_hist '$REPO'")
"$KF" scan "$REPO" --no-validate --git-history full -j "$NPROC" -f json -o /dev/null >/dev/null 2>&1 || true
KH=$(python3 "$T" -n 3 -- "$KF" scan "$REPO" --no-validate --git-history full -j "$NPROC" -f json -o "$CACHE/kingfisher-history.json")
PLANTED=$(wc -l < "$REPO.planted.jsonl")
RH=$(python3 -c 'import json,sys; print(len([f for f in json.load(open(sys.argv[1]))["findings"] if f["check"] in ("github-personal-access-token","shopify-access-token")]))' "$CACHE/rampart-history.json")
KHN=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("findings",[])))' "$CACHE/kingfisher-history.json")
echo "rampart --history:          wall $(field "$H" wall) s, cpu $(field "$H" cpu) s; $RH of $PLANTED planted secrets"
echo "kingfisher --git-history:   wall $(field "$KH" wall) s, cpu $(field "$KH" cpu) s; $KHN findings"
echo "rampart vs kingfisher:      $(ratio "$(field "$KH" wall)" "$(field "$H" wall)")"

say "4. recall and precision on the fixture tree"
FT="$CACHE/fixture-tree"
rm -rf "$FT" "$FT.manifest.json"
"$FIXTURE_BIN" "$FT" 2>/dev/null
scan_tree "$FT" > "$CACHE/rampart-ft.json" || true
"$KF" scan "$FT" --no-validate --git-history none -j "$NPROC" -f json -o "$CACHE/kingfisher-ft.json" >/dev/null 2>&1 || true
(cd "$FT" && "$DS" scan --all-files . > "$CACHE/detect-secrets-ft.json")
for tool in rampart kingfisher detect-secrets; do
  python3 "$HERE/score.py" "$tool" "$CACHE/$tool-ft.json" "$FT" "$FT.manifest.json"
done
