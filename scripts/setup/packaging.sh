#!/usr/bin/env bash
# Creates the Python venv with `packaging` (the reference implementation of PEP 440), used by
# the differential test of rampart's PEP 440 order and OSV range matching
# (crates/deps/tests/pep440_differential.rs). Idempotent: an existing venv with the pinned
# version is kept.
#
#   scripts/setup/packaging.sh       # venv at $RAMPART_PACKAGING_VENV or ~/.cache/rampart/venvs/packaging
set -euo pipefail

VENV="${RAMPART_PACKAGING_VENV:-${HOME:-/root}/.cache/rampart/venvs/packaging}"
SPEC="packaging==24.1"

if [ -x "$VENV/bin/python" ] && [ "$("$VENV/bin/python" -c 'import packaging; print(packaging.__version__)' 2>/dev/null)" = "24.1" ]; then
    echo "packaging venv ready: $VENV"
    exit 0
fi

PYTHON="${PYTHON:-python3}"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$SPEC"
"$VENV/bin/python" -c 'import packaging.version'
echo "packaging venv ready: $VENV"
