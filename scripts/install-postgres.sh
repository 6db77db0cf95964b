#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the store tests (tests/pgserver.py
# starts a throwaway server from it, as the postgres user, in a temporary
# directory on a free loopback port). Idempotent: does nothing when a server's
# initdb is already there. Nothing is started here.
set -euo pipefail

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "postgresql already installed: $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends postgresql
ls -d /usr/lib/postgresql/*/bin/initdb
