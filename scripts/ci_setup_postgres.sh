#!/usr/bin/env bash
# Install the PostgreSQL server from Debian so tests/test_corpus_pg.py can start one on loopback.
# The test fixture runs initdb/pg_ctl itself into a temp dir (as the `postgres` user when root),
# so nothing is started here; Debian's default cluster is left alone.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "postgresql server binaries present: $(ls -d /usr/lib/postgresql/*/bin | head -1)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends postgresql
# runuser (util-linux) lets a root test run start the server as the postgres user.
command -v runuser >/dev/null || $SUDO apt-get install -y -q util-linux
ls -d /usr/lib/postgresql/*/bin
