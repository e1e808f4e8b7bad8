#!/usr/bin/env bash
# test_log.sh - migration 0013, the transparency log in the database: every
# commitment, freeze and draw record is appended in the transaction that
# publishes it, in order, with the right stored hashes (checked against an
# independent computation in Python); appends under concurrency leave no
# gap and no duplicate; a rolled-back record is never logged; no role, the
# tables' owner included, updates, deletes or truncates a log row (the
# superuser is refused too, as long as it leaves the triggers on); fake
# entries, hashes and heads are refused; a checkpoint is stored only with
# the tree's root at its size; the backfill logs the records published
# before the migration; and the roles read and write only what they may.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rules.sh"

rules_setup log app draw auditor owner
U1=$(id 1) P1=$(id 50)

# log_db: a fresh database with our schema, every trigger on, in $db.
log_db() {
	db="t_log_$$_${RANDOM}"
	rules_db "$db"
	user_product
}


STATE="SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
    SELECT 'entry ' || to_jsonb(t)::text AS x FROM log_entries t
    UNION ALL SELECT 'hash ' || to_jsonb(t)::text FROM log_hashes t
    UNION ALL SELECT 'head ' || to_jsonb(t)::text FROM log_head t
    UNION ALL SELECT 'checkpoint ' || to_jsonb(t)::text FROM log_checkpoints t
    UNION ALL SELECT 'cosignature ' || to_jsonb(t)::text FROM log_cosignatures t
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal) s"


room_sql() { # room_sql ROOM
	echo "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
	      VALUES ('$1', '$P1', 4, '2030-01-01', '[{\"amount\": 2, \"tickets\": 2}]')"
}
commit_sql() { # commit_sql ROOM RECORD [AT]
	echo "INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,
	                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)
	      VALUES ('$1', 2, repeat('ab', 32), 'none', repeat('cd', 8), decode(repeat('00', 32), 'hex'),
	              decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'),
	              ${3:-clock_timestamp() AT TIME ZONE 'UTC'}, '$2')"
}
# fund_sql ROOM: open the committed room, sell its 4 tickets, fund it.
fund_sql() {
	echo "UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$1';
	      SELECT allocate_room_entry('$1', '$U1', 4, 'cash', 4);
	      UPDATE rooms SET status = 'funded' WHERE id = '$1'"
}
freeze_sql() { # freeze_sql ROOM RECORD [AT]
	echo "INSERT INTO room_freezes (room_id, protocol_version, ledger_root, total_tickets, entry_count, key_id, frozen_at, record)
	      VALUES ('$1', 2, repeat('ef', 32), 4, 1, repeat('cd', 8), ${3:-clock_timestamp() AT TIME ZONE 'UTC'}, '$2')"
}
draw_sql() { # draw_sql ROOM RECORD|NULL [AT]: a draw whose winner is the room's entry
	echo "INSERT INTO lottery_draws (room_id, server_seed, client_seed, nonce, total_tickets, combined_seed, winning_ticket,
	                               winner_user_id, winner_entry_id, protocol_version, ledger_root, record, drawn_at)
	      SELECT '$1', repeat('ab', 32), repeat('cd', 32), 0, 4, repeat('ef', 32), 2, '$U1', e.id, 2, repeat('ab', 32), $2,
	             ${3:-clock_timestamp() AT TIME ZONE 'UTC'}
	        FROM room_entries e WHERE e.room_id = '$1'"
}

# check_tree: the stored hashes and alot_log_root at every size are those
# Python computes from the entries (RFC 9162), and the indexes are 0..n-1.
check_tree() {
	sq "SELECT idx || ' ' || encode(convert_to(record, 'UTF8'), 'hex') FROM log_entries ORDER BY idx" >"$tmp/entries"
	sq "SELECT level || ' ' || idx || ' ' || encode(hash, 'hex') FROM log_hashes ORDER BY level, idx" >"$tmp/hashes"
	sq "SELECT s || ' ' || encode(alot_log_root(s), 'hex') FROM generate_series(0, (SELECT size FROM log_head)) AS s" >"$tmp/roots"
	python3 - "$tmp/entries" "$tmp/hashes" "$tmp/roots" <<'PY' || fail "the stored tree is not the entries' tree"
import hashlib, sys
H = lambda b: hashlib.sha256(b).digest()
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
idx = [int(r[0]) for r in rows]
if idx != list(range(len(idx))):
    sys.exit("indexes %r are not 0..%d" % (idx, len(idx) - 1))
leaves = [H(b"\x00" + bytes.fromhex(r[1] if len(r) > 1 else "")) for r in rows]
def mth(l):
    if not l: return H(b"")
    if len(l) == 1: return l[0]
    k = 1
    while k * 2 < len(l): k *= 2
    return H(b"\x01" + mth(l[:k]) + mth(l[k:]))
want = set()
level, cur = 0, leaves
while cur:
    want |= {"%d %d %s" % (level, i, h.hex()) for i, h in enumerate(cur)}
    cur = [H(b"\x01" + cur[2 * i] + cur[2 * i + 1]) for i in range(len(cur) // 2)]
    level += 1
got = {l.strip() for l in open(sys.argv[2]) if l.strip()}
if got != want:
    sys.exit("stored hashes differ: extra %r, missing %r" % (sorted(got - want)[:3], sorted(want - got)[:3]))
for l in open(sys.argv[3]):
    s, r = l.split()
    if mth(leaves[:int(s)]).hex() != r:
        sys.exit("alot_log_root(%s) is %s, expected %s" % (s, r, mth(leaves[:int(s)]).hex()))
PY
	checks=$((checks + 1))
}

# ---- appends, in publication order ----------------------------------------------------
log_db
expect "the log starts empty" "SELECT size FROM log_head" 0
expect "the empty root" "SELECT encode(alot_log_root(0), 'hex')" "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
for r in 11 12 13; do sq "$(room_sql "$(id $r)")" >/dev/null; done
sq "$(commit_sql "$(id 11)" '{"c":11,"name":"Zoë"}')" "$(commit_sql "$(id 12)" '{"c":12}')" >/dev/null
sq "$(fund_sql "$(id 11)")" >/dev/null
sq "$(freeze_sql "$(id 11)" '{"f":11}')" >/dev/null
sq "$(commit_sql "$(id 13)" '{"c":13}')" >/dev/null
sq "$(draw_sql "$(id 11)" "'{\"d\":11}'")" >/dev/null
expect "every record, in order, each as published" \
	"SELECT string_agg(idx || ':' || kind || ':' || right(room_id::text, 2) || ':' || record, ' ' ORDER BY idx) FROM log_entries" \
	'0:commitment:11:{"c":11,"name":"Zoë"} 1:commitment:12:{"c":12} 2:freeze:11:{"f":11} 3:commitment:13:{"c":13} 4:draw:11:{"d":11}'
expect "the head is the size" "SELECT size FROM log_head" 5
expect "appended_at is set" "SELECT count(*) FROM log_entries WHERE appended_at IS NULL" 0
check_tree
# A draw that arrives by COPY (as alot-draw execute writes it) is logged too.
sq "$(room_sql "$(id 14)")" "$(commit_sql "$(id 14)" '{"c":14}')" "$(fund_sql "$(id 14)")" "$(freeze_sql "$(id 14)" '{"f":14}')" >/dev/null
E14=$(sq "SELECT id FROM room_entries WHERE room_id = '$(id 14)'")
printf '%s\t%s\t%s\t0\t4\t%s\t2\t%s\t%s\t2\t%s\t{"d":14}\n' "$(id 14)" "$(printf 'ab%.0s' {1..32})" "$(printf 'cd%.0s' {1..32})" \
	"$(printf 'ef%.0s' {1..32})" "$U1" "$E14" "$(printf 'ab%.0s' {1..32})" |
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "COPY lottery_draws (room_id, server_seed, client_seed, nonce, total_tickets, combined_seed,
	     winning_ticket, winner_user_id, winner_entry_id, protocol_version, ledger_root, record) FROM STDIN" >/dev/null
expect "a draw by COPY is logged" "SELECT idx || ':' || kind || ':' || record FROM log_entries WHERE room_id = '$(id 14)' AND kind = 'draw'" '7:draw:{"d":14}'
check_tree
echo "ok: commitments, freezes and draws (by INSERT and by COPY) are logged in publication order with the right hashes and roots"

# ---- rollback, and an entry too long ------------------------------------------------------
before=$(sq "$STATE")
sq "$(room_sql "$(id 15)")" >/dev/null
sq "BEGIN; $(commit_sql "$(id 15)" '{"c":15}'); ROLLBACK;" >/dev/null
if sq "BEGIN; $(commit_sql "$(id 15)" '{"c":15}'); SELECT 1/0; COMMIT;" 2>/dev/null; then fail "1/0 succeeded"; fi
[ "$(sq "$STATE")" = "$before" ] || fail "a rolled-back commitment left something in the log"
expect "no entry, no hash of the rolled-back record" \
	"SELECT (SELECT count(*) FROM log_entries WHERE room_id = '$(id 15)') || '/' || (SELECT count(*) FROM log_hashes WHERE level = 0 AND idx >= 8) || '/' || (SELECT size FROM log_head)" "0/0/8"
big=$(python3 -c 'print("x" * 65536)')
refused "a record of 65536 bytes" "" "room $(id 15): its commitment record is 65536 bytes: a log entry holds at most 65535" \
	"$(commit_sql "$(id 15)" "$big")"
expect "and no commitment either" "SELECT count(*) FROM room_commitments WHERE room_id = '$(id 15)'" 0
accepted "a record of 65535 bytes" "" "$(commit_sql "$(id 15)" "${big:1}")"
expect "logged whole" "SELECT idx || ':' || octet_length(record) FROM log_entries WHERE room_id = '$(id 15)'" "8:65535"
check_tree
echo "ok: a rolled-back record leaves no entry and no hash; a record over 65535 bytes is refused with its row"

# ---- concurrency ----------------------------------------------------------------------------
# 4 sessions x 8 commitments, each in its own transaction, all at once.
sq "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
    SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$P1', 4, '2030-01-01', '[]'
      FROM generate_series(1000, 1031) AS i" >/dev/null
pids=()
for s in 0 1 2 3; do
	(
		for k in 0 1 2 3 4 5 6 7; do
			r=$((1000 + s * 8 + k))
			echo "$(commit_sql "$(id $r)" "{\"c\":$r}");"
		done | psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null
	) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent session failed"; done
expect "32 concurrent appends: indexes 9..40, each record once" \
	"SELECT count(*) || '/' || count(DISTINCT idx) || '/' || min(idx) || '/' || max(idx) || '/' || count(DISTINCT room_id)
	   FROM log_entries WHERE room_id >= '$(id 1000)' AND room_id <= '$(id 1031)'" "32/32/9/40/32"
expect "the head" "SELECT size FROM log_head" 41
check_tree
echo "ok: concurrent appends get indexes with no gap and no duplicate, and the root is right"

# ---- nobody changes the log -------------------------------------------------------------------
sq "$(roles_sql)
    ALTER TABLE log_entries OWNER TO $OWNER; ALTER TABLE log_hashes OWNER TO $OWNER;
    ALTER TABLE log_head OWNER TO $OWNER; ALTER TABLE log_checkpoints OWNER TO $OWNER;
    ALTER TABLE log_cosignatures OWNER TO $OWNER;
    INSERT INTO log_checkpoints (size, origin, root, note)
      VALUES (3, 'alot.example/log', alot_log_root(3), 'alot.example/log' || E'\n3\n' || encode(alot_log_root(3), 'base64') || E'\n\n— alot.example/log AAAA\n');
    INSERT INTO log_cosignatures (size, witness, key_id, timestamp, line) VALUES (3, 'w.example', 7, 1700000000, '— w.example AAAA');" >/dev/null
for role in "" "$APP" "$DRAW" "$AUDITOR" "$OWNER"; do
	for t in log_entries log_hashes log_head log_checkpoints log_cosignatures; do
		case $role in
		""|"$OWNER") w="log_[a-z]+: the transparency log is append-only: (UPDATE|DELETE|TRUNCATE) refused"
		             [ "$t" = log_head ] && w_update="log_head: the log's size cannot change" || w_update=${w} ;;
		*) w="permission denied for table log_[a-z]+" w_update=$w ;;
		esac
		set_col=$( case $t in log_entries) echo "record = 'x'";; log_hashes) echo "hash = sha256('x')";;
		           log_head) echo "size = size + 1";; log_checkpoints) echo "note = note || 'x'";; *) echo "line = line || 'x'";; esac )
		refused "UPDATE $t" "$role" "$w_update" "UPDATE $t SET $set_col"
		refused "DELETE FROM $t" "$role" "$w" "DELETE FROM $t"
		refused "TRUNCATE $t" "$role" "$w" "TRUNCATE $t CASCADE"
	done
done
# The owner cannot switch the triggers off (the guard of 0011), nor forge rows.
refused "DISABLE TRIGGER" "$OWNER" "trigger trg_log_entries_append_only on log_entries is protected: it is not enabled" \
	"ALTER TABLE log_entries DISABLE TRIGGER trg_log_entries_append_only"
refused "DROP TRIGGER" "$OWNER" "trigger trg_log_head_advance on log_head is protected: it is missing" "DROP TRIGGER trg_log_head_advance ON log_head"
refused "ADD COLUMN" "$OWNER" "table (public\.)?log_hashes is protected" "ALTER TABLE log_hashes ADD COLUMN note TEXT"
refused "UPDATE log_head to a size with no entry" "$OWNER" "log_head: the log's size cannot change from 41 to 42" "UPDATE log_head SET size = 42"
refused "UPDATE log_head back" "" "log_head: the log's size cannot change from 41 to 40" "UPDATE log_head SET size = 40"
refused "a forged entry" "$OWNER" "log_entries: entry 41 is not the published commitment record of room $(id 11)" \
	"INSERT INTO log_entries VALUES (41, 'commitment', '$(id 11)', 'forged', now())"
refused "an entry at another index" "$OWNER" "log_entries: entry 50 is not the next entry \(the log holds 41\)" \
	"INSERT INTO log_entries VALUES (50, 'commitment', '$(id 11)', '{\"c\":11,\"name\":\"Zoë\"}', now())"
refused "a forged hash" "$OWNER" "log_hashes: hash \(3, 9\) is not the hash of the entries it covers" \
	"INSERT INTO log_hashes VALUES (3, 9, sha256('x'))"
refused "calling the append function" "$OWNER" "permission denied for function alot_log_append" \
	"SELECT alot_log_append('commitment', '$(id 11)', '{\"c\":11,\"name\":\"Zoë\"}')"
check_tree
echo "ok: UPDATE, DELETE and TRUNCATE of every log table refused for the superuser, alot_app, alot_draw, alot_auditor and the tables' owner; no trigger off, no forged entry, hash or head"

# ---- checkpoints --------------------------------------------------------------------------------
note() { # note SIZE ROOT_SQL [ORIGIN]
	echo "'${3:-alot.example/log}' || E'\n$1\n' || encode($2, 'base64') || E'\n\n— ${3:-alot.example/log} AAAA\n'"
}
cp_sql() { # cp_sql SIZE ROOT_SQL [ORIGIN [NOTE_SQL]]
	echo "INSERT INTO log_checkpoints (size, origin, root, note) VALUES ($1, '${3:-alot.example/log}', $2, ${4:-$(note "$1" "$2" "${3:-}")})"
}
refused "a checkpoint with a wrong root" "$DRAW" "log_checkpoints: the root of checkpoint 10 is not the log's root at size 10" \
	"$(cp_sql 10 "alot_log_root(9)")"
refused "a checkpoint beyond the log" "$DRAW" "log_checkpoints: size 42 is beyond the log's size 41" "$(cp_sql 42 "sha256('x')")"
refused "a checkpoint of another origin" "$DRAW" "log_checkpoints: origin \"other.example/log\" is not the log's origin \"alot.example/log\"" \
	"$(cp_sql 10 "alot_log_root(10)" other.example/log)"
refused "a note of another tree" "$DRAW" "log_checkpoints: the note of checkpoint 10 does not start with its origin, size and root" \
	"$(cp_sql 10 "alot_log_root(10)" alot.example/log "$(note 9 "alot_log_root(10)")")"
accepted "a checkpoint of size 41" "$DRAW" "$(cp_sql 41 "alot_log_root(41)")"
accepted "a checkpoint of size 0" "$DRAW" "$(cp_sql 0 "alot_log_root(0)")"
refused "the same size again" "$DRAW" "duplicate key value violates unique constraint \"log_checkpoints_pkey\"" "$(cp_sql 41 "alot_log_root(41)")"
refused "a cosignature of no checkpoint" "$DRAW" "violates foreign key constraint" \
	"INSERT INTO log_cosignatures VALUES (40, 'w.example', 7, 1700000000, '— w.example AAAA')"
refused "a cosignature line of another witness" "$DRAW" "log_cosignatures: the line of the cosignature of w.example on checkpoint 41 is not its signature line" \
	"INSERT INTO log_cosignatures VALUES (41, 'w.example', 7, 1700000000, '— v.example AAAA')"
refused "a cosignature at time 0" "$DRAW" "log_cosignatures_timestamp_check" \
	"INSERT INTO log_cosignatures VALUES (41, 'w.example', 7, 0, '— w.example AAAA')"
accepted "a cosignature" "$DRAW" "INSERT INTO log_cosignatures VALUES (41, 'w.example', 7, 1700000000, '— w.example AAAA')"
echo "ok: checkpoints only at the tree's root and size, of one origin; cosignatures only of a stored checkpoint"

# ---- privileges ---------------------------------------------------------------------------------
refused "alot_draw inserts an entry" "$DRAW" "permission denied for table log_entries" \
	"INSERT INTO log_entries VALUES (41, 'commitment', '$(id 11)', 'x', now())"
refused "alot_draw inserts a hash" "$DRAW" "permission denied for table log_hashes" "INSERT INTO log_hashes VALUES (0, 41, sha256('x'))"
refused "alot_draw calls the append function" "$DRAW" "permission denied for function alot_log_append" \
	"SELECT alot_log_append('commitment', '$(id 11)', 'x')"
refused "alot_app reads the hashes" "$APP" "permission denied for table log_hashes" "SELECT count(*) FROM log_hashes"
refused "alot_app inserts a checkpoint" "$APP" "permission denied for table log_checkpoints" "$(cp_sql 5 "alot_log_root(5)")"
refused "the auditor inserts a checkpoint" "$AUDITOR" "(permission denied for table log_checkpoints|read-only transaction)" "$(cp_sql 5 "alot_log_root(5)")"
for t in log_entries log_hashes log_head log_checkpoints log_cosignatures; do
	accepted "the auditor reads $t" "$AUDITOR" "SELECT count(*) FROM $t"
	accepted "alot_draw reads $t" "$DRAW" "SELECT count(*) FROM $t"
done
accepted "alot_app reads entries and checkpoints" "$APP" "SELECT count(*) FROM log_entries, log_checkpoints"
# The draw role's own records are logged through the triggers all the same.
sq "$(room_sql "$(id 16)")" >/dev/null
accepted "alot_draw publishes a commitment" "$DRAW" "$(commit_sql "$(id 16)" '{"c":16}')"
expect "and it is logged" "SELECT idx || ':' || kind FROM log_entries WHERE room_id = '$(id 16)'" "41:commitment"
check_tree
echo "ok: alot_draw cannot append by hand, reads the log and stores checkpoints; alot_app reads entries and checkpoints; the auditor reads all"

# ---- backfill -------------------------------------------------------------------------------------
# A database whose records predate 0013: 0013 is marked applied, the
# records written, then 0013 applied for real.
db="t_log_backfill_$$_${RANDOM}"
TEST_DBS+=("$db")
createdb "$db"
sq "CREATE TABLE schema_migrations (version VARCHAR(4) PRIMARY KEY, name TEXT NOT NULL,
                                    applied_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC'));
    INSERT INTO schema_migrations (version, name) VALUES ('0013', 'later')" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
sq "INSERT INTO users (id, email, hashed_password) VALUES ('$U1', 'a@example.com', 'x');
    INSERT INTO product_classes (id, name, category, tier, retail_value, images) VALUES ('$P1', 'S', 'watch', 'GRAIL', 9000, '[]');" >/dev/null
for r in 21 22 23; do sq "$(room_sql "$(id $r)")" >/dev/null; done
sq "$(commit_sql "$(id 22)" '{"c":22}' "'2026-01-01 10:00:00'")" "$(commit_sql "$(id 21)" '{"c":21}' "'2026-01-01 11:00:00'")" \
   "$(commit_sql "$(id 23)" '{"c":23}' "'2026-01-01 12:00:00'")" >/dev/null
sq "$(fund_sql "$(id 22)")" "$(fund_sql "$(id 23)")" >/dev/null
# Room 22 frozen and drawn at the time room 21 was committed: commitment < freeze < draw.
sq "$(freeze_sql "$(id 22)" '{"f":22}' "'2026-01-01 11:00:00'")" "$(draw_sql "$(id 22)" "'{\"d\":22}'" "'2026-01-01 11:00:00'")" >/dev/null
# Room 23's draw predates the protocol: no record, not logged.
sq "$(freeze_sql "$(id 23)" '{"f":23}' "'2026-01-01 13:00:00'")" "$(draw_sql "$(id 23)" NULL "'2026-01-01 14:00:00'")" >/dev/null
expect "no log yet" "SELECT to_regclass('log_entries') IS NULL" t
sq "DELETE FROM schema_migrations WHERE version = '0013'" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
expect "the backfill, in publication order" \
	"SELECT string_agg(idx || ':' || record, ' ' ORDER BY idx) FROM log_entries" \
	'0:{"c":22} 1:{"c":21} 2:{"f":22} 3:{"d":22} 4:{"c":23} 5:{"f":23}'
check_tree
echo "ok: the migration backfills the records published before it, in publication order, without the record-less draw"
echo "ok: $checks checks"
