#!/usr/bin/env bash
# Installs the PostgreSQL server binaries (Debian's `postgresql` package) used by the scan
# history tests (crates/store/tests, crates/cli/tests/history_pg.rs). The tests start their own
# throwaway server (initdb into a temporary directory, then pg_ctl start on 127.0.0.1 and a
# Unix socket there) and stop it; nothing is left running and no system cluster is used.
# A no-op when initdb and postgres are already installed.
set -euo pipefail

have_server() {
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ] && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

if have_server; then
    echo "postgresql server binaries present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh: the PostgreSQL server is missing; install it as root: apt-get install postgresql" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package's own cluster is not needed by the tests: do not start it.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
have_server
echo "postgresql server binaries installed"
