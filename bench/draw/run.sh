#!/usr/bin/env bash
# bench/draw/run.sh - draw a room of ENTRIES entries (default 1,000,000) and
# print the time beside the floor: PostgreSQL's COPY of the same entries out.
# Then the Merkle root beside its floor: bulk SHA-256 over as many 64-byte blocks.
# A benchmark, not a test: "make bench-draw [BENCH_ENTRIES=n]".
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${ALOT_TEST_PGCTL:-}" ]; then
	exec "$src/tests/pg-harness.sh" "$0" "$@"
fi
entries=${1:-1000000}
build=${BUILD:-$src/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PGDATABASE=bench_draw
createdb "$PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 -f "$src/sql/schema.sql" >/dev/null
room=00000000-0000-4000-8000-00000000b00c
admin=00000000-0000-4000-8000-00000000ad01
"$build/alot-draw" keygen -k "$tmp/sign.pem" -p "$tmp/pub.pem" 2>/dev/null
"$build/alot-draw" keygen -s "$tmp/seal.key" 2>/dev/null
echo "== generating $entries entries from $((entries / 10)) buyers with SQL"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (id, email, hashed_password)
SELECT md5('u' || g)::uuid, 'u' || g || '@bench.example', 'x' FROM generate_series(1, greatest($entries / 10, 1)) g;
INSERT INTO admin_users (id, user_id, role, permissions) VALUES ('$admin', md5('u1')::uuid, 'admin', '{"can_execute_draws": true}');
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('00000000-0000-4000-8000-00000000b0b0', 'Bench watch', 'watch', 'ICON', 100, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
VALUES ('$room', '00000000-0000-4000-8000-00000000b0b0', 1, '2030-01-01', '[]');
SQL
"$build/alot-draw" commit --room "$room" -k "$tmp/sign.pem" -s "$tmp/seal.key" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 <<SQL
UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$room';
-- Bulk load: the per-row triggers are for live sales, not a generated room.
ALTER TABLE room_entries DISABLE TRIGGER USER;
INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
SELECT '$room', md5('u' || (1 + g % greatest($entries / 10, 1)))::uuid, 2 * g + 1, 2 * g + 2, 2, 'cash', 2
  FROM generate_series(0, $entries - 1) g;
ALTER TABLE room_entries ENABLE TRIGGER USER;
UPDATE rooms SET status = 'funded', funded_at = clock_timestamp(), total_tickets = 2 * $entries,
                 current_funding = 2 * $entries WHERE id = '$room';
VACUUM ANALYZE;
SQL
ms() { date +%s%N; }
t0=$(ms)
psql -X -q -c "COPY (SELECT id, user_id, tickets_start, tickets_end FROM room_entries WHERE room_id = '$room' ORDER BY tickets_start, id) TO STDOUT" >/dev/null
t1=$(ms)
# The server logs every statement of the draw's session, with its duration:
# the breakdown below reads them back.
log="$(dirname "$ALOT_TEST_PGDATA")/server.log"
mark=$(wc -l <"$log")
PGOPTIONS="-c log_min_duration_statement=0" \
	"$build/alot-draw" execute --room "$room" --admin "$admin" -k "$tmp/sign.pem" -s "$tmp/seal.key" >"$tmp/record.json" 2>/dev/null
t2=$(ms)
floor=$(( (t1 - t0) / 1000000 )); draw=$(( (t2 - t1) / 1000000 ))
echo "floor: COPY of the $entries entries out:   ${floor} ms"
echo "alot-draw execute (both transactions):     ${draw} ms"
awk -v d="$draw" -v f="$floor" 'BEGIN { printf "ratio: %.2fx the floor (goal: at most 2x)\n", d / f }'
# read: the ledger's COPYs; writes: every INSERT and UPDATE; commit: the
# COMMITs; other: the server's other statements; the client's own time
# (the Merkle tree, the draw, the signature, process start) is the rest.
tail -n +"$((mark + 1))" "$log" | awk -v total="$draw" '
	/duration: / {
		ms = $0; sub(/.*duration: /, "", ms); sub(/ ms.*/, "", ms)
		what = $0; sub(/.* ms +(statement|execute [^:]*): */, "", what)
		if (what ~ /^COPY/) k = "read"
		else if (what ~ /^(INSERT|UPDATE|DELETE)/) k = "writes"
		else if (what ~ /^COMMIT/) k = "commit"
		else k = "other"
		t[k] += ms; server += ms
		if (k == "writes" && ms > 50) { sub(/ +(SELECT|VALUES|SET|WHERE).*/, "", what); big[what] += ms }
	}
	END {
		printf "breakdown: read %.0f ms, writes %.0f ms, commit %.0f ms, other statements %.0f ms, client (tree, draw, signature) %.0f ms\n",
		       t["read"], t["writes"], t["commit"], t["other"], total - server
		for (w in big) printf "  writes: %.0f ms in %s\n", big[w], w
	}'
"$build/alot-verify" -q --pubkey "$tmp/pub.pem" "$tmp/record.json" && echo "(the record verifies)"
echo
echo "== Merkle root beside its floor: SHA-256 in bulk over as many blocks"
"$build/bench/merkle-bench" "$entries"
echo
bash "$src/bench/draw/rooms.sh" "$build" "$tmp"
