#!/usr/bin/env bash
# bench/log/run.sh - the transparency log at RECORDS records (default
# 1,000,000: a third of them rooms, each with its commitment, freeze and
# draw record, signed).  Four ratios, each against a floor measured in the
# same run:
#   1. appending every record with the database's alot_log_append(), in
#      publication order, against COPY of the same rows into a table of
#      log_entries' shape;
#   2. "alot-draw log publish" of the whole log into an empty folder, against
#      cat writing the same bytes (every tile and bundle) into one file;
#   3. "alot-verify --monitor" over the published log, against "openssl
#      speed ed25519" verifications, one per record (goal: at least 0.8x);
#   4. one inclusion check, in microseconds (bench/log/inclusion_bench.c).
# A benchmark, not a test: "make bench-log [BENCH_LOG_RECORDS=n]".
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${ALOT_TEST_PGCTL:-}" ]; then
	exec "$src/tests/pg-harness.sh" "$0" "$@"
fi
records=${1:-1000000}
rooms=$(( (records + 2) / 3 ))
records=$(( rooms * 3 ))
build=${BUILD:-$src/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PGDATABASE=bench_log
createdb "$PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 -f "$src/sql/schema.sql" >/dev/null
ms() { date +%s%3N; }

echo "== generating $records signed records ($rooms rooms: commitment, freeze, draw)"
"$build/bench/gen-log" "$rooms" "$tmp" >"$tmp/records.tsv"
echo "   $(du -h "$tmp/records.tsv" | cut -f1)"
awk -F'\t' 'BEGIN { OFS = "\t" } { print NR - 1, $1, $2, $3, "2026-01-02 00:05:00" }' \
	"$tmp/records.tsv" >"$tmp/rows.tsv"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE bench_staging (ord BIGINT, kind TEXT, room_id UUID, record TEXT);
CREATE TABLE bench_copy_floor (LIKE log_entries INCLUDING DEFAULTS);
SQL
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy bench_staging (ord, kind, room_id, record) FROM PROGRAM 'cut -f1-4 $tmp/rows.tsv'"
# The records are not in room_commitments, room_freezes and lottery_draws
# here, so the check that an entry is its table's published record is off:
# this measures the append itself (the tree's hashes, the head, the lock).
psql -X -q -v ON_ERROR_STOP=1 -c "ALTER TABLE log_entries DISABLE TRIGGER trg_log_entries_check"
psql -X -q -c 'CHECKPOINT' >/dev/null

echo "== 1. appending $records records"
t0=$(ms)
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy bench_copy_floor (idx, kind, room_id, record, appended_at) FROM '$tmp/rows.tsv'"
copy_ms=$(( $(ms) - t0 ))
psql -X -q -c 'CHECKPOINT' >/dev/null
# One transaction per record, as the platform appends them (each record is
# published by its own transaction).  Appending all of them in one
# transaction would measure PostgreSQL walking the million row versions of
# log_head that one transaction leaves behind, not the log.
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE PROCEDURE bench_append() LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT kind, room_id, record FROM bench_staging ORDER BY ord LOOP
        PERFORM alot_log_append(r.kind, r.room_id, r.record);
        COMMIT;
    END LOOP;
END $$;
SQL
t0=$(ms)
psql -X -q -v ON_ERROR_STOP=1 -c "CALL bench_append()" >/dev/null
append_ms=$(( $(ms) - t0 ))
size=$(psql -X -At -c 'SELECT size FROM log_head')
[ "$size" = "$records" ] || { echo "the log holds $size entries, not $records"; exit 1; }
echo "   COPY of the same rows: $copy_ms ms; appends: $append_ms ms"

echo "== 2. publishing"
"$build/alot-draw" keygen -k "$tmp/log.pem" -p "$tmp/log.pub" 2>/dev/null
"$build/alot-draw" log checkpoint --key "$tmp/log.pem" --origin bench.example/log >/dev/null
"$build/alot-draw" log vkey --key "$tmp/log.pem" --origin bench.example/log >"$tmp/log.vkey"
sync
t0=$(ms)
mkdir -p "$tmp/pub"
"$build/alot-draw" log publish -o "$tmp/pub" >/dev/null
publish_ms=$(( $(ms) - t0 ))
bytes=$(du -sb --apparent-size "$tmp/pub" | cut -f1)
rm -f "$tmp/cat.out"
sync
t0=$(ms)
find "$tmp/pub" -type f -print0 | xargs -0 cat >"$tmp/cat.out"
cat_ms=$(( $(ms) - t0 ))
rm -f "$tmp/cat.out"
echo "   $bytes bytes; publish $publish_ms ms; cat of the same files $cat_ms ms"

echo "== 3. the monitor"
t0=$(ms)
set +e
"$build/alot-verify" --monitor "$tmp/pub" --pubkey "$tmp/pub.pem" --log-key "$tmp/log.vkey" \
	--format json >"$tmp/monitor.out" 2>"$tmp/monitor.err"
mon_rc=$?
set -e
monitor_ms=$(( $(ms) - t0 ))
[ "$mon_rc" = 0 ] || { echo "the monitor exited $mon_rc"; tail -n 5 "$tmp/monitor.out" "$tmp/monitor.err"; exit 1; }
speed=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ && /EdDSA/ { v = $NF } END { print v }')

echo "== 4. one inclusion check"
"$build/bench/inclusion-bench" "$records" 200000 | sed 's/^/   /'

awk -v n="$records" -v c="$copy_ms" -v a="$append_ms" -v p="$publish_ms" -v k="$cat_ms" \
    -v m="$monitor_ms" -v v="$speed" 'BEGIN {
	printf "appends:  %.2fx the COPY of the same rows (%d vs %d ms)\n", a / c, a, c
	printf "publish:  %.2fx cat of the same bytes (%d vs %d ms)\n", p / (k > 0 ? k : 1), p, k
	r = n / (m / 1000)
	printf "monitor:  %.0f records/s against %.0f Ed25519 verifications/s: %.2fx (goal: at least 0.8x)\n", r, v, r / v
}'
