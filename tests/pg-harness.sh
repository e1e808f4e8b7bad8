#!/usr/bin/env bash
# pg-harness.sh - run a command against a throwaway PostgreSQL 15 cluster.
#
#   tests/pg-harness.sh COMMAND [ARG...]
#
# initdb's a cluster into a fresh temporary folder, starts it on its own
# Unix socket (no TCP), runs COMMAND with the connection in the environment,
# and always stops and removes the cluster afterwards, also when COMMAND
# fails or the harness is interrupted.  PostgreSQL refuses to run as root,
# so under root the server runs as the unprivileged "postgres" user (created
# if missing) while COMMAND keeps running as root.
#
# COMMAND sees:
#   PGHOST, PGPORT, PGUSER, PGDATABASE   a superuser connection (trust auth)
#   ALOT_TEST_PGCTL    a script that runs pg_ctl on this cluster as the right
#                      user: "$ALOT_TEST_PGCTL restart -m fast", "... stop"
#   ALOT_TEST_PGDATA   the data directory
#   ALOT_TEST_PGBIN    the folder holding initdb, pg_ctl, pg_dump, psql ...
#
# ALOT_TEST_PGOPTS, when set, adds server settings ("-c shared_buffers=2GB"):
# the benchmarks size the server for their tables.
set -euo pipefail

find_pgbin() {
	local d
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	echo "pg-harness: no initdb found; install the postgresql package" >&2
	return 1
}

[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
pgbin=$(find_pgbin)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/alot-pg.XXXXXX")
runas=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
	chown postgres: "$tmp"
	chmod 0755 "$tmp"
	runas=(runuser -u postgres --)
fi

cat >"$tmp/pgctl" <<CTL
#!/bin/sh
# pg_ctl for the harness cluster in $tmp, run as the server's user.
cd /
exec ${runas[*]} "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
	-o "-k $tmp -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100 ${ALOT_TEST_PGOPTS:-}" "\$@"
CTL
chmod 0755 "$tmp/pgctl"

cleanup() {
	local rc=$?
	"$tmp/pgctl" stop -m immediate >/dev/null 2>&1 || true
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

(cd / && "${runas[@]}" "$pgbin/initdb" -D "$tmp/data" -U alot_super --auth=trust \
	-E UTF8 --no-locale >"$tmp/initdb.log" 2>&1) ||
	{ echo "pg-harness: initdb failed:" >&2; cat "$tmp/initdb.log" >&2; exit 2; }
"$tmp/pgctl" start >/dev/null ||
	{ echo "pg-harness: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 2; }

export PGHOST="$tmp" PGPORT=5432 PGUSER=alot_super PGDATABASE=postgres
export ALOT_TEST_PGCTL="$tmp/pgctl" ALOT_TEST_PGDATA="$tmp/data" ALOT_TEST_PGBIN="$pgbin"
export PATH="$pgbin:$PATH"
set +e
"$@"
rc=$?
set -e
exit $rc
