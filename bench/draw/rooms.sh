#!/usr/bin/env bash
# bench/draw/rooms.sh - part of "make bench-draw" (bench/draw/run.sh runs it
# in its cluster): the draws a platform makes every day rather than the
# largest one.
#
#   the latency of a typical room, 1,000 entries from 300 buyers:
#     alot-draw execute of each of TYPICAL rooms, one at a time, in ms;
#   the throughput of SMALL rooms of 100 entries, drawn one after another
#     by the draw service (alot-draw run --once), in rooms per second,
#     beside its floor: the rate at which the same server commits one
#     small INSERT transaction each (pgbench, one client).  Goal: 0.3x.
#
#   bench/draw/rooms.sh BUILD TMP     (TMP holds sign.pem and seal.key)
set -euo pipefail
build=$1 tmp=$2
typical=${BENCH_TYPICAL_ROOMS:-20}
small=${BENCH_SMALL_ROOMS:-10000}
export PGDATABASE=bench_rooms
createdb "$PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 -f "$(dirname "$0")/../../sql/schema.sql" >/dev/null
admin=00000000-0000-4000-8000-00000000ad01
ms() { date +%s%N; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

echo "== $typical typical rooms (1,000 entries, 300 buyers) and $small small ones (100 entries, 30 buyers)"
# Room i: rooms 1..typical are typical, the rest small.
q <<SQL
INSERT INTO users (id, email, hashed_password)
SELECT md5('u' || g)::uuid, 'u' || g || '@bench.example', 'x' FROM generate_series(1, 300) g;
INSERT INTO admin_users (id, user_id, role, permissions) VALUES ('$admin', md5('u1')::uuid, 'admin', '{"can_execute_draws": true}');
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('00000000-0000-4000-8000-00000000b0b0', 'Bench watch', 'watch', 'ICON', 100, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
SELECT md5('r' || g)::uuid, '00000000-0000-4000-8000-00000000b0b0', 1, '2030-01-01', '[]'
  FROM generate_series(1, $typical + $small) g;
SQL
# Each room's seed is committed by alot-draw, as the platform commits them.
q -c "SELECT id FROM rooms ORDER BY id" |
	xargs -P "$(nproc)" -I{} sh -c '"$0" commit --room "$1" -k "$2" -s "$3" >/dev/null 2>&1' \
		"$build/alot-draw" {} "$tmp/sign.pem" "$tmp/seal.key"
q <<SQL
UPDATE rooms SET status = 'open', opened_at = now();
ALTER TABLE room_entries DISABLE TRIGGER USER;
INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
SELECT md5('r' || r)::uuid, md5('u' || (1 + g % CASE WHEN r <= $typical THEN 300 ELSE 30 END))::uuid,
       2 * g + 1, 2 * g + 2, 2, 'cash', 2
  FROM generate_series(1, $typical + $small) r,
       LATERAL generate_series(0, CASE WHEN r <= $typical THEN 999 ELSE 99 END) g;
ALTER TABLE room_entries ENABLE TRIGGER USER;
UPDATE rooms r SET status = 'funded', funded_at = clock_timestamp(),
       total_tickets = (SELECT max(tickets_end) FROM room_entries e WHERE e.room_id = r.id),
       current_funding = (SELECT max(tickets_end) FROM room_entries e WHERE e.room_id = r.id);
VACUUM ANALYZE;
SQL
committed=$(q -c "SELECT count(*) FROM room_commitments")
[ "$committed" -eq $((typical + small)) ] || { echo "bench: only $committed rooms were committed" >&2; exit 2; }

# Typical rooms, one execute each; the small rooms wait (status funded) for the service.
times=()
for room in $(q -c "SELECT md5('r' || g)::uuid FROM generate_series(1, $typical) g"); do
	t0=$(ms)
	"$build/alot-draw" execute --room "$room" --admin "$admin" -k "$tmp/sign.pem" -s "$tmp/seal.key" >/dev/null 2>&1
	times+=($(( ($(ms) - t0) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '
	{ v[NR] = $1 } END { printf "typical room: median %.1f ms, fastest %.1f ms, slowest %.1f ms (alot-draw execute, process start included)\n",
	                            v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000 }'

# The floor: one small INSERT per transaction, one client, the same server.
q -c "CREATE TABLE bench_tx (id bigserial PRIMARY KEY, room uuid, at timestamptz DEFAULT now())"
echo "INSERT INTO bench_tx (room) VALUES ('$admin');" >"$tmp/insert.sql"
tps=$(pgbench -n -c 1 -j 1 -t "$small" -f "$tmp/insert.sql" "$PGDATABASE" 2>/dev/null |
	sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
t0=$(ms)
"$build/alot-draw" run --once --admin "$admin" -k "$tmp/sign.pem" -s "$tmp/seal.key" >/dev/null 2>"$tmp/run.log"
t1=$(ms)
drawn=$(q -c "SELECT count(*) FROM lottery_draws")
[ "$drawn" -eq $((typical + small)) ] || { echo "bench: the service drew $drawn rooms of $((typical + small))" >&2; tail -n 5 "$tmp/run.log" >&2; exit 2; }
awk -v n="$small" -v ns="$((t1 - t0))" -v tps="$tps" 'BEGIN {
	rate = n / (ns / 1e9)
	printf "floor: %.0f single-INSERT transactions/s (pgbench, one client)\n", tps
	printf "small rooms: %d drawn by alot-draw run --once in %.1f s: %.0f rooms/s\n", n, ns / 1e9, rate
	printf "ratio: %.4fx the floor (goal: at least 0.3x)\n", rate / tps }'
