#!/usr/bin/env bash
# Installs headless Chromium and chromedriver (Debian's `chromium` and `chromium-driver`), used
# by the HTML report test (crates/report/tests/browser.rs). Idempotent: a no-op when both are
# there. Needs root (apt-get), as on the project's machines and in CI.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "chromium ready: $(/usr/bin/chromedriver --version 2>/dev/null | head -1)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromedriver --version
echo "chromium ready"
