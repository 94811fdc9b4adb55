#!/usr/bin/env bash
# Creates the Python venv with moto's standalone server and boto3, used by the live-collector
# tests (crates/collect-aws/tests). Idempotent: an existing venv whose moto imports is kept.
#
#   scripts/setup/moto.sh            # venv at $RAMPART_MOTO_VENV or /root/.cache/rampart/venvs/moto
set -euo pipefail

VENV="${RAMPART_MOTO_VENV:-${HOME:-/root}/.cache/rampart/venvs/moto}"
MOTO_SPEC="${RAMPART_MOTO_SPEC:-moto[server]>=5.1,<6}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import moto.server, boto3, flask' 2>/dev/null; then
    echo "moto venv ready: $VENV ($("$VENV/bin/python" -c 'import moto; print(moto.__version__)'))"
    exit 0
fi

PYTHON="${PYTHON:-python3}"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$MOTO_SPEC" boto3
"$VENV/bin/python" -c 'import moto.server, boto3' 
echo "moto venv ready: $VENV ($("$VENV/bin/python" -c 'import moto; print(moto.__version__)'))"
