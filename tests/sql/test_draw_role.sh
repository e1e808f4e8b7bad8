#!/usr/bin/env bash
# test_draw_role.sh - migration 0012: a login with the draw role's
# privileges changes a room only by drawing it.  It cannot open, expire,
# refund or close a room, nor settle one without its draw; the platform's
# role still can do what the platform does.
. "$(dirname "$0")/lib.sh"

DRAW=t_dr_draw_$$ APP=t_dr_app_$$
cleanup() {
	cleanup_dbs
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $DRAW" -c "DROP ROLE IF EXISTS $APP" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DB="t_draw_role_$$"
TEST_DBS+=("$DB")
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
psql -X -q -d postgres -c "CREATE ROLE $DRAW LOGIN IN ROLE alot_draw" -c "CREATE ROLE $APP LOGIN IN ROLE alot_app" >/dev/null

id() { printf '00000000-0000-4000-8000-%012d' "$1"; }
# Rooms 1..4: created, open (committed), funded (committed, paid), expired.
q "$DB" "
INSERT INTO users (id, email, hashed_password) VALUES ('$(id 1)', 'u@example.com', 'x');
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('$(id 50)', 'Speedmaster', 'watch', 'RARE', 7600, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$(id 50)', 10, '2030-01-01',
       '[{\"amount\": 10, \"tickets\": 10}]' FROM generate_series(11, 14) AS i;
INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,
                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)
SELECT r, 2, repeat('0', 64), 'none', repeat('0', 16), decode(repeat('00', 32), 'hex'),
       decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'), now(), 'x'
  FROM unnest(ARRAY['$(id 12)', '$(id 13)', '$(id 14)']::uuid[]) AS r;
UPDATE rooms SET status = 'open' WHERE id IN ('$(id 12)', '$(id 13)', '$(id 14)');
SELECT allocate_room_entry('$(id 13)', '$(id 1)', 10, 'cash', 10);
UPDATE rooms SET status = 'funded' WHERE id = '$(id 13)';
UPDATE rooms SET status = 'expired' WHERE id = '$(id 14)';" >/dev/null

status_of() { q "$DB" "SELECT status FROM rooms WHERE id = '$(id "$1")'"; }
# refused ROOM STATUS [REASON]: the draw's login cannot set ROOM to STATUS, for
# REASON (default: 0012's); the room keeps its status.
refused() {
	local before reason=${3:-changes a room only by drawing it}
	before=$(status_of "$1")
	if psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -U "$DRAW" \
		-c "UPDATE rooms SET status = '$2' WHERE id = '$(id "$1")'" >/dev/null 2>"$tmp_err"; then
		fail "the draw role set room $1 from $before to $2"
	fi
	grep -q -- "$reason" "$tmp_err" || fail "room $1 -> $2: not refused for \"$reason\": $(cat "$tmp_err")"
	[ "$(status_of "$1")" = "$before" ] || fail "room $1 changed although refused"
}
tmp_err=$(mktemp)
trap 'rm -f "$tmp_err"; cleanup' EXIT

refused 11 open
refused 12 expired
refused 12 closed
refused 13 expired
refused 13 refunding
refused 13 closed
refused 13 settled "without its draw\|lottery_draws\|draw row\|no draw" # 0011: settled only with its draw
refused 14 refunding
refused 14 closed
echo "ok: the draw role cannot open, expire, refund or close a room, nor settle one without its draw"

# The platform's role still runs the platform: an expired room is refunded, then closed.
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -U "$APP" -c "UPDATE rooms SET status = 'refunding' WHERE id = '$(id 14)'" >/dev/null
[ "$(status_of 14)" = refunding ] || fail "the platform's role could not refund an expired room"
# And the trigger is one the guard keeps.
[ "$(q "$DB" "SELECT count(*) FROM alot_protected_triggers() WHERE trigger_name = 'trg_rooms_draw_role_limits'")" = 1 ] ||
	fail "the draw role's trigger is not protected"
echo "ok: the platform's role still refunds; the trigger is protected by the 0011 guard"
