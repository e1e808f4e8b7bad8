#!/usr/bin/env bash
# bench/ledger/run.sh - alot-ledger over SCALE x (10,000,000 credit
# transactions over 1,000,000 users, and 1,000,000 entries over 100,000
# rooms), generated with SQL (generate.sql) on a throwaway cluster, clean in
# every check.  Prints the audit's time beside two floors measured in the
# same run: the binary COPY of exactly the columns the audit reads (the
# statements of "alot-ledger --explain"), and a pure-SQL audit of the same
# checks (pure-sql-audit.sql); and the audit's peak memory, also when a
# memory limit splits the scan into passes.  A benchmark, not a test:
#   make bench-ledger [BENCH_SCALE=1]
# BENCH_LEDGER_DB=NAME measures an existing database of the cluster in PG*
# instead of making one.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${ALOT_TEST_PGCTL:-}" ] && [ -z "${BENCH_LEDGER_DB:-}" ]; then
	# Sized for ten million rows: a buffer cache that holds the tables, and
	# the memory a DBA would give the pure-SQL audit's sorts and hashes.
	export ALOT_TEST_PGOPTS="-c shared_buffers=4GB -c max_wal_size=16GB -c work_mem=256MB -c maintenance_work_mem=1GB"
	exec "$src/tests/pg-harness.sh" "$0" "$@"
fi
scale=${1:-1}
build=${BUILD:-$src/build}
ledger="$build/alot-ledger"
if [ -n "${BENCH_LEDGER_DB:-}" ]; then
	export PGDATABASE=$BENCH_LEDGER_DB
else
	users=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s }')
	rooms=$((users / 10))
	export PGDATABASE=bench_ledger
	createdb "$PGDATABASE"
	psql -X -q -v ON_ERROR_STOP=1 -f "$src/sql/schema.sql" >/dev/null
	echo "== generating $((users * 10)) credit transactions over $users users, $users entries over $rooms rooms"
	start=$(date +%s)
	psql -X -q -v ON_ERROR_STOP=1 -v users="$users" -v rooms="$rooms" -f "$src/bench/ledger/generate.sql" >/dev/null
	echo "   generated in $(( $(date +%s) - start )) s"
fi
# The audit runs only in read-only sessions (docs/ledger.md); the benchmark's
# superuser gets one so, once the data is made.
export PGOPTIONS="${PGOPTIONS:-} -c default_transaction_read_only=on"
psql -X -At -c "SELECT format('   %s rows in %s, %s', n_live_tup, relname, pg_size_pretty(pg_total_relation_size(relid)))
                  FROM pg_stat_user_tables WHERE n_live_tup > 1000 ORDER BY n_live_tup DESC"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# The median of three runs of a command, in ms.
median3() {
	local a b c t
	t=$(ms); "$@" >/dev/null; a=$(( $(ms) - t ))
	t=$(ms); "$@" >/dev/null; b=$(( $(ms) - t ))
	t=$(ms); "$@" >/dev/null; c=$(( $(ms) - t ))
	printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}
copy_floor() { "$ledger" --explain | psql -X -q -v ON_ERROR_STOP=1 -f - -o /dev/null; }
# An audit; exit 1 (findings, in a BENCH_LEDGER_DB that has some) is not a failure of the run.
audit() { "$ledger" --format json "$@" || [ $? = 1 ]; }
# One audit, measured once: wall time (ms), peak memory (KiB), exit status,
# and from its --verbose line the passes and the state (value and unit).
measure() {
	python3 - "$ledger" "$@" <<'PY'
import re, resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run([sys.argv[1], "--format", "json", "--verbose", *sys.argv[2:]],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
ms = int((time.monotonic() - t) * 1000)
m = re.search(r"scan: (\d+) pass(?:es)? over \d+ tables, .*, ([\d.]+) (MB|kB) of state", p.stderr)
passes, state, unit = m.groups() if m else ("?", "?", "")
print(ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode, passes, state, unit)
PY
}

copy_floor  # warm the cache: every measurement reads the same pages
floor=$(median3 copy_floor)
scan=$(median3 audit)
jobs2=$(median3 audit --jobs 2)
read -r _ scan_kib scan_rc _ scan_state scan_unit < <(measure)
read -r small small_kib small_rc passes small_state small_unit < <(measure --memory-limit 64M)
t=$(ms); psql -X -q -f "$src/bench/ledger/pure-sql-audit.sql" >/dev/null; puresql=$(( $(ms) - t ))
t=$(ms); audit --engine=sql >/dev/null; sqlengine=$(( $(ms) - t ))

echo "floor: binary COPY of the columns the audit reads:   ${floor} ms"
echo "pure-SQL audit of the same checks:                   ${puresql} ms"
echo "alot-ledger, scan (exit $scan_rc):                        ${scan} ms, state ${scan_state} ${scan_unit}, peak memory $((scan_kib / 1024)) MiB"
echo "alot-ledger, scan, --jobs 2:                         ${jobs2} ms"
echo "alot-ledger, scan, --memory-limit 64M ($passes pass$([ "$passes" = 1 ] || echo es)):     ${small} ms, state ${small_state} ${small_unit}, peak memory $((small_kib / 1024)) MiB (exit $small_rc)"
echo "alot-ledger --engine=sql (every check's query):      ${sqlengine} ms"
awk -v a="$scan" -v f="$floor" -v p="$puresql" 'BEGIN {
	printf "ratio to the COPY floor: %.2fx (goal: at most 1.1x)\n", a / f
	printf "speed-up over pure SQL: %.1fx (goal: at least 4x)\n", p / a }'
