#!/usr/bin/env bash
# Creates the Python venv with moto's standalone server and boto3, used by the live-collector
# tests (crates/collect-aws/tests). moto is pinned to one version, so that the emulator's
# answers (and the tests' expectations built on them) do not move under the tests; an existing
# venv is kept only when it holds that version.
#
#   scripts/setup/moto.sh            # venv at $RAMPART_MOTO_VENV or /root/.cache/rampart/venvs/moto
set -euo pipefail

VENV="${RAMPART_MOTO_VENV:-${HOME:-/root}/.cache/rampart/venvs/moto}"
MOTO_VERSION="5.2.1"
MOTO_SPEC="moto[server]==$MOTO_VERSION"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import moto.server, boto3, flask, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
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
