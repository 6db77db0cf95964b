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

source "$(dirname "$0")/_apt.sh"
apt_install postgresql
ls -d /usr/lib/postgresql/*/bin/initdb
