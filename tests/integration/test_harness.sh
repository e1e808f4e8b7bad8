#!/usr/bin/env bash
# test_harness.sh - the harness gives a real, reachable PostgreSQL 15 server
# that runs as an unprivileged user, and a working restart control.
set -euo pipefail
v=$(psql -X -At -c 'SHOW server_version_num')
[ "${v:0:2}" = "15" ] || { echo "expected PostgreSQL 15, got $v"; exit 1; }
owner=$(psql -X -At -c "SELECT pg_catalog.current_setting('data_directory')")
[ "$(stat -c %u "$owner")" != "0" ] || { echo "server data owned by root"; exit 1; }
"$ALOT_TEST_PGCTL" restart -m fast >/dev/null
[ "$(psql -X -At -c 'SELECT 1')" = "1" ]
echo "harness ok: server $v"
