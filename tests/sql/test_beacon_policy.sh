#!/usr/bin/env bash
# test_beacon_policy.sh - migration 0014, the beacon rule in the database:
# a witness policy is stored only under its own hash (recomputed here in
# Python), never changed, deleted or truncated by any role, the tables'
# owner included; a commitment under a NIST beacon rule must be of the
# rule's form and name a stored policy; a room's chosen pulses are written
# only for a frozen room under the rule, with its freeze's log entry and
# the checkpoint of the first tree that holds it, once, and never change;
# and the roles read and write only what they may.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rules.sh"

rules_setup bp app draw auditor owner
U1=$(id 1) P1=$(id 50)

db="t_beacon_policy_$$"
rules_db "$db"
user_product

STATE="SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
    SELECT 'policy ' || to_jsonb(t)::text AS x FROM witness_policies t
    UNION ALL SELECT 'beacon ' || to_jsonb(t)::text FROM room_draw_beacons t
    UNION ALL SELECT 'commitment ' || t.room_id || t.beacon_rule FROM room_commitments t
    UNION ALL SELECT 'entry ' || t.idx FROM log_entries t
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal) s"

# policy_hash TEXT: SHA-256(LP("ALOT-v2/witness-policy") || LP(text)), in Python.
policy_hash() {
	python3 -c '
import hashlib, struct, sys
lp = lambda b: struct.pack(">I", len(b)) + b
print(hashlib.sha256(lp(b"ALOT-v2/witness-policy") + lp(sys.argv[1].encode())).hexdigest())' "$1"
}
POLICY=$'log alot.example/log+0a1b2c3d+AQAAAA==\nwitness w1.example+11111111+BAAAAA==\nquorum 1\n'
POLICY2=$'log alot.example/log+0a1b2c3d+AQAAAA==\nwitness w2.example+22222222+BAAAAA==\nquorum 1\n'
H1=$(policy_hash "$POLICY") H2=$(policy_hash "$POLICY2")
RULE1="nist-beacon-2.0:chain=2:after=freeze:policy=$H1"
lit() { printf "%s" "$1" | sed "s/'/''/g"; } # a SQL string literal's body
policy_sql() { # policy_sql TEXT [HASH_HEX]
	echo "INSERT INTO witness_policies (hash, policy) VALUES (decode('${2:-$(policy_hash "$1")}', 'hex'), E'$(lit "$1" | sed 's/$/\\n/' | tr -d '\n')')"
}
room_sql() { # room_sql ROOM
	echo "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
	      VALUES ('$1', '$P1', 4, '2030-01-01', '[{\"amount\": 2, \"tickets\": 2}]')"
}
commit_sql() { # commit_sql ROOM RULE
	echo "INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,
	                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)
	      VALUES ('$1', 2, repeat('ab', 32), '$2', repeat('cd', 8), decode(repeat('00', 32), 'hex'),
	              decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'),
	              clock_timestamp() AT TIME ZONE 'UTC', '{\"c\":\"$1\"}')"
}
fund_sql() { # fund_sql ROOM: open the committed room, sell its 4 tickets, fund it
	echo "UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$1';
	      SELECT allocate_room_entry('$1', '$U1', 4, 'cash', 4);
	      UPDATE rooms SET status = 'funded' WHERE id = '$1'"
}
freeze_sql() { # freeze_sql ROOM
	echo "INSERT INTO room_freezes (room_id, protocol_version, ledger_root, total_tickets, entry_count, key_id, frozen_at, record)
	      VALUES ('$1', 2, repeat('ef', 32), 4, 1, repeat('cd', 8), clock_timestamp() AT TIME ZONE 'UTC', '{\"f\":\"$1\"}')"
}
checkpoint_sql() { # checkpoint_sql SIZE
	echo "INSERT INTO log_checkpoints (size, origin, root, note)
	      VALUES ($1, 'alot.example/log', alot_log_root($1),
	              'alot.example/log' || E'\n$1\n' || encode(alot_log_root($1), 'base64') || E'\n\n— alot.example/log AAAA\n')"
}
beacon_sql() { # beacon_sql ROOM FREEZE_INDEX [CHECKPOINT_SIZE]
	echo "INSERT INTO room_draw_beacons (room_id, freeze_index, checkpoint_size, log_time, freeze_log_proof, pulse, previous_pulse)
	      VALUES ('$1', $2, ${3:-$(($2 + 1))}, 1700000000, 'proof', convert_to('{\"pulse\":{}}', 'UTF8'), convert_to('{\"pulse\":{}}', 'UTF8'))"
}

# ---- the policy's hash -----------------------------------------------------------------
expect "the database's policy hash is Python's" "SELECT encode(alot_witness_policy_hash(E'$(lit "$POLICY" | sed 's/$/\\n/' | tr -d '\n')'), 'hex')" "$H1"
accepted "a policy under its hash" "" "$(policy_sql "$POLICY")"
refused "a policy under another hash" "" "witness_policies: $H1 is not the hash of the policy's text" "$(policy_sql "$POLICY2" "$H1")"
refused "the same policy twice" "" "duplicate key value violates unique constraint \"witness_policies_pkey\"" "$(policy_sql "$POLICY")"
refused "a policy that is not printable ASCII" "" "witness_policies_policy_check" "$(policy_sql $'log é\nquorum 1\n')"
refused "an empty policy" "" "witness_policies_policy_check" "$(policy_sql "")"
echo "ok: a witness policy is stored only under its own hash (SHA-256 of LP(tag) || LP(text), as Python computes it)"

# ---- commitments under the rule ----------------------------------------------------------
for r in 11 12 13 14 15 16; do sq "$(room_sql "$(id $r)")" >/dev/null; done
refused "a commitment naming an unknown policy" "" \
	"room $(id 11): its beacon rule names witness policy $H2, which witness_policies does not hold" \
	"$(commit_sql "$(id 11)" "nist-beacon-2.0:chain=2:after=freeze:policy=$H2")"
refused "a NIST rule of another form" "" \
	"room $(id 11): beacon rule \"nist-beacon-2.0:chain=2:policy=$H1\" is not of the form" \
	"$(commit_sql "$(id 11)" "nist-beacon-2.0:chain=2:policy=$H1")"
refused "a NIST rule with uppercase hex" "" "is not of the form" \
	"$(commit_sql "$(id 11)" "nist-beacon-2.0:chain=2:after=freeze:policy=$(echo "$H1" | tr a-f A-F)")"
refused "a NIST rule of chain 0" "" "is not of the form" \
	"$(commit_sql "$(id 11)" "nist-beacon-2.0:chain=0:after=freeze:policy=$H1")"
accepted "a commitment naming a stored policy" "" "$(commit_sql "$(id 11)" "$RULE1")"
accepted "a commitment under rule none" "" "$(commit_sql "$(id 12)" none)"
echo "ok: a commitment under the NIST rule must be of the rule's form and name a stored policy"

# ---- the chosen pulses ---------------------------------------------------------------------
sq "$(fund_sql "$(id 11)")" "$(freeze_sql "$(id 11)")" >/dev/null
sq "$(fund_sql "$(id 12)")" "$(freeze_sql "$(id 12)")" >/dev/null
sq "$(commit_sql "$(id 13)" "$RULE1")" >/dev/null # committed under the rule, not frozen
F11=$(sq "SELECT idx FROM log_entries WHERE room_id = '$(id 11)' AND kind = 'freeze'")
F12=$(sq "SELECT idx FROM log_entries WHERE room_id = '$(id 12)' AND kind = 'freeze'")
sq "$(checkpoint_sql $((F11 + 1)))" "$(checkpoint_sql $((F12 + 1)))" >/dev/null
refused "pulses for a room under rule none" "" "room $(id 12): it is not committed under a NIST beacon rule" "$(beacon_sql "$(id 12)" "$F12")"
refused "pulses for a room not frozen" "" "room $(id 13): log entry $F12 is not its freeze record" "$(beacon_sql "$(id 13)" "$F12")"
refused "pulses against another log entry" "" "room $(id 11): log entry $F12 is not its freeze record" "$(beacon_sql "$(id 11)" "$F12")"
refused "pulses against a later checkpoint" "" "room_draw_beacons_check" "$(beacon_sql "$(id 11)" "$F11" $((F12 + 1)))"
sq "$(commit_sql "$(id 16)" "$RULE1")" "$(fund_sql "$(id 16)")" "$(freeze_sql "$(id 16)")" >/dev/null
F16=$(sq "SELECT idx FROM log_entries WHERE room_id = '$(id 16)' AND kind = 'freeze'")
refused "pulses against no stored checkpoint" "" "room $(id 16): the log has no checkpoint of size $((F16 + 1))" "$(beacon_sql "$(id 16)" "$F16")"
accepted "the pulses of a frozen room under the rule" "" "$(beacon_sql "$(id 11)" "$F11")"
refused "the pulses of a room twice" "" "duplicate key value violates unique constraint \"room_draw_beacons_pkey\"" "$(beacon_sql "$(id 11)" "$F11")"
echo "ok: pulses are stored once, only for a frozen room under the rule, against its freeze's entry and the first checkpoint that holds it"

# ---- nobody changes them -----------------------------------------------------------------------
sq "$(roles_sql)
    ALTER TABLE witness_policies OWNER TO $OWNER; ALTER TABLE room_draw_beacons OWNER TO $OWNER;" >/dev/null
for role in "" "$OWNER" "$DRAW" "$APP" "$AUDITOR"; do
	case $role in
	""|"$OWNER") wp="witness_policies: a stored witness policy cannot change: (UPDATE|DELETE|TRUNCATE) refused"
	             wb="room $(id 11): the pulses of its draw cannot change"
	             wt="room $(id 11): room_draw_beacons is append-only: it cannot be truncated while it holds rows" ;;
	*) wp="permission denied for table witness_policies" wb="permission denied for table room_draw_beacons" wt=$wb ;;
	esac
	refused "UPDATE witness_policies" "$role" "$wp" "UPDATE witness_policies SET policy = policy || 'x'"
	refused "DELETE FROM witness_policies" "$role" "$wp" "DELETE FROM witness_policies"
	refused "TRUNCATE witness_policies" "$role" "$wp" "TRUNCATE witness_policies"
	refused "UPDATE room_draw_beacons" "$role" "$wb" "UPDATE room_draw_beacons SET log_time = log_time + 1"
	refused "DELETE FROM room_draw_beacons" "$role" "$wb" "DELETE FROM room_draw_beacons"
	refused "TRUNCATE room_draw_beacons" "$role" "$wt" "TRUNCATE room_draw_beacons"
done
refused "DISABLE TRIGGER" "$OWNER" "trigger trg_witness_policies_append_only on witness_policies is protected: it is not enabled" \
	"ALTER TABLE witness_policies DISABLE TRIGGER trg_witness_policies_append_only"
refused "DROP TRIGGER" "$OWNER" "trigger trg_room_draw_beacons_immutable on room_draw_beacons is protected: it is missing" \
	"DROP TRIGGER trg_room_draw_beacons_immutable ON room_draw_beacons"
refused "ADD COLUMN" "$OWNER" "table (public\.)?room_draw_beacons is protected" "ALTER TABLE room_draw_beacons ADD COLUMN note TEXT"
expect "the commitment trigger is protected" \
	"SELECT count(*) FROM alot_protected_trigger WHERE trigger_name = 'trg_room_commitments_beacon_policy'" 1
echo "ok: UPDATE, DELETE and TRUNCATE of policies and pulses refused for the superuser, the tables' owner, alot_draw, alot_app and the auditor; their triggers stay on"

# ---- privileges -----------------------------------------------------------------------------------
accepted "alot_draw stores a policy" "$DRAW" "$(policy_sql "$POLICY2")"
accepted "alot_draw commits under it" "$DRAW" "$(commit_sql "$(id 14)" "nist-beacon-2.0:chain=2:after=freeze:policy=$H2")"
refused "alot_draw commits under an unknown policy" "$DRAW" "which witness_policies does not hold" \
	"$(commit_sql "$(id 15)" "nist-beacon-2.0:chain=2:after=freeze:policy=$(policy_hash nothing)")"
refused "alot_app stores a policy" "$APP" "permission denied for table witness_policies" "$(policy_sql $'log x\n')"
refused "the auditor stores a policy" "$AUDITOR" "(permission denied for table witness_policies|read-only transaction)" "$(policy_sql $'log x\n')"
refused "alot_app reads the pulses" "$APP" "permission denied for table room_draw_beacons" "SELECT count(*) FROM room_draw_beacons"
for t in witness_policies room_draw_beacons; do
	accepted "the auditor reads $t" "$AUDITOR" "SELECT count(*) FROM $t"
	accepted "alot_draw reads $t" "$DRAW" "SELECT count(*) FROM $t"
done
accepted "alot_app reads the policies" "$APP" "SELECT count(*) FROM witness_policies"
echo "ok: alot_draw stores and reads policies and pulses; the auditor reads both; alot_app reads the policies only"

echo "test_beacon_policy: $checks checks passed"
