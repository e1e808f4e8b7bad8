#!/usr/bin/env bash
# test_ledger_freeze.sh - migration 0011: the ledger is frozen by the
# database.  Entries are sold only in an open, committed room; a room past
# 'open' keeps its entries as they are, whatever the role (the platform
# application, the draw, the auditor, even a non-superuser owner of the
# table); a room is funded only at its target, and ends only by its draw;
# its lot is bound by its commitment; freeze records, commitments, draws
# and draw starts are append-only; a room sells up to 2147483647 tickets;
# and no non-superuser can switch the triggers off or change the ledger by
# DDL (new triggers, column types, child tables, row level security,
# replaced functions, the guard itself).  Every refusal is checked three
# ways: the statement fails, its message gives the expected reason, and the
# database did not change.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rules.sh"

rules_setup lf app draw auditor owner migrator

# frozen_db: a fresh database with our schema, every trigger enabled, in
# $FROZEN_DB (rules_db).
frozen_db() {
	FROZEN_DB="t_ledger_freeze_$$_${RANDOM}"
	rules_db "$FROZEN_DB"
}

U1=$(id 1) U2=$(id 2) P1=$(id 50) P2=$(id 51)


# Everything a refused statement could have changed: the ledger's tables
# (read with their child tables, if any), triggers, functions, relations and
# their owners and row level security, columns, constraints, policies,
# rules, inheritance and the event triggers.
STATE="SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
    SELECT 'room ' || to_jsonb(t)::text AS x FROM rooms t
    UNION ALL SELECT 'entry ' || to_jsonb(t)::text FROM room_entries t
    UNION ALL SELECT 'participant ' || to_jsonb(t)::text FROM room_participants t
    UNION ALL SELECT 'commitment ' || to_jsonb(t)::text FROM room_commitments t
    UNION ALL SELECT 'freeze ' || to_jsonb(t)::text FROM room_freezes t
    UNION ALL SELECT 'draw ' || to_jsonb(t)::text FROM lottery_draws t
    UNION ALL SELECT 'start ' || to_jsonb(t)::text FROM room_draw_starts t
    UNION ALL SELECT 'user ' || to_jsonb(t)::text FROM users t
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'function ' || oid::regprocedure || ' ' || md5(prosrc) || ' ' || coalesce(proconfig::text, '-')
                     || ' ' || proowner::regrole FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'relation ' || oid::regclass || ' ' || relowner::regrole || ' ' || relkind::text
                     || ' ' || relrowsecurity || relforcerowsecurity FROM pg_class
               WHERE relnamespace IN ('public'::regnamespace, pg_my_temp_schema())
    UNION ALL SELECT 'column ' || attrelid::regclass || ' ' || attname || ' ' || format_type(atttypid, atttypmod)
                FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped
                 AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r')
    UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT 'policy ' || polrelid::regclass || ' ' || polname FROM pg_policy
    UNION ALL SELECT 'rule ' || ev_class::regclass || ' ' || rulename FROM pg_rewrite WHERE rulename <> '_RETURN'
    UNION ALL SELECT 'inherits ' || inhrelid::regclass || ' ' || inhparent::regclass FROM pg_inherits
    UNION ALL SELECT 'event trigger ' || evtname || ' ' || evtevent || ' ' || evtfoid::regproc || ' ' || evtenabled::text
                FROM pg_event_trigger) s"


commit_sql() { # commit_sql ROOM [VERSION]
	echo "INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,
	                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)
	      VALUES ('$1', ${2:-2}, repeat('ab', 32), 'none', repeat('cd', 8), decode(repeat('00', 32), 'hex'),
	              decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'),
	              clock_timestamp() AT TIME ZONE 'UTC', 'x')"
}
room_sql() { # room_sql ROOM TARGET [STATUS]
	echo "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles, status)
	      VALUES ('$1', '$P1', $2, '2030-01-01', '[{\"amount\": 2, \"tickets\": 2}]', '${3:-created}')"
}
# The next tickets of a room, as a plain INSERT that continues its range
# (so only migration 0011 can refuse it).
next_entry_sql() { # next_entry_sql ROOM TICKETS [PAID]
	echo "INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
	      SELECT '$1', '$U1', n + 1, n + $2, $2, 'cash', ${3:-$2}
	        FROM (SELECT coalesce(max(tickets_end), 0) AS n FROM room_entries WHERE room_id = '$1') s"
}
draw_sql() { # draw_sql ROOM ENTRY: a lottery_draws row that makes ENTRY (of user U1) the winner
	echo "INSERT INTO lottery_draws (room_id, server_seed, client_seed, nonce, total_tickets, combined_seed, winning_ticket,
	                               winner_user_id, winner_entry_id, protocol_version, ledger_root, record)
	      VALUES ('$1', repeat('ab', 32), repeat('cd', 32), 0, 10, repeat('ef', 32), 2, '$U1', '$2', 2, repeat('ab', 32), 'x')"
}
freeze_sql() { # freeze_sql ROOM [VERSION [LEDGER_ROOT]]
	echo "INSERT INTO room_freezes (room_id, protocol_version, ledger_root, total_tickets, entry_count, key_id, frozen_at, record)
	      VALUES ('$1', ${2:-2}, ${3:-repeat('ef', 32)}, 10, 2, repeat('cd', 8), clock_timestamp() AT TIME ZONE 'UTC', 'x')"
}

frozen_db
db=$FROZEN_DB
sq "INSERT INTO users (id, email, hashed_password) VALUES ('$U1', 'a@example.com', 'x'), ('$U2', 'b@example.com', 'x');
    INSERT INTO product_classes (id, name, category, tier, retail_value, images) VALUES
      ('$P1', 'Submariner', 'watch', 'GRAIL', 9000, '[]'), ('$P2', 'Daytona', 'watch', 'MYTHIC', 30000, '[]');" >/dev/null
expect "the guard is installed, before and after every DDL command" \
	"SELECT string_agg(evtname || ':' || evtevent || ':' || evtenabled::text, ' ' ORDER BY evtname) FROM pg_event_trigger
	  WHERE evtfoid = 'alot_guard_protected_triggers'::regproc" \
	"alot_protect_guard:ddl_command_start:O alot_protect_triggers:ddl_command_end:O"
expect "every protected trigger exists and is enabled" \
	"SELECT count(*) FROM alot_protected_triggers() p JOIN pg_trigger t
	    ON t.tgrelid = p.table_name::regclass AND t.tgname = p.trigger_name AND t.tgenabled = 'O'" 47 # 0011's 20, 0012's draw-role trigger, 0013's 18 log triggers, 0014's 7 beacon triggers and 0015's notify trigger

# ---- rule 1: entries only in an open, committed room ------------------------------
# One room per state, committed (but the one that opened without, which
# migration 0010 forbids: made here with its trigger off, to show 0011
# refuses it too), with some entries sold while it was open.
R_CREATED=$(id 101) R_NOCOMMIT=$(id 102) R_FUNDED=$(id 103) R_DRAWING=$(id 104) R_SETTLED=$(id 105)
R_EXPIRED=$(id 106) R_REFUNDING=$(id 107) R_CLOSED=$(id 108) R_OPEN=$(id 109)
for r in "$R_CREATED" "$R_FUNDED" "$R_DRAWING" "$R_SETTLED" "$R_EXPIRED" "$R_REFUNDING" "$R_CLOSED" "$R_OPEN"; do
	sq "$(room_sql "$r" 10)" "$(commit_sql "$r")" >/dev/null
done
sq "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_require_commitment;
    $(room_sql "$R_NOCOMMIT" 10); UPDATE rooms SET status = 'open' WHERE id = '$R_NOCOMMIT';
    ALTER TABLE rooms ENABLE TRIGGER trg_rooms_require_commitment; COMMIT;" >/dev/null
for r in "$R_FUNDED" "$R_DRAWING" "$R_SETTLED" "$R_EXPIRED" "$R_REFUNDING" "$R_CLOSED" "$R_OPEN"; do
	sq "UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$r'" \
	   "SELECT allocate_room_entry('$r', '$U1', 4, 'cash', 4)" \
	   "SELECT allocate_room_entry('$r', '$U2', 6, 'cash', 6)" >/dev/null
done
# (The settled room is settled by a draw: rule 3 settles no room without one.)
sq "UPDATE rooms SET status = 'funded' WHERE id IN ('$R_FUNDED', '$R_DRAWING', '$R_SETTLED')" \
   "UPDATE rooms SET status = 'drawing' WHERE id = '$R_DRAWING'" \
   "$(draw_sql "$R_SETTLED" "$(sq "SELECT id FROM room_entries WHERE room_id = '$R_SETTLED' ORDER BY tickets_start LIMIT 1")")" \
   "UPDATE rooms SET status = 'settled' WHERE id = '$R_SETTLED'" \
   "UPDATE rooms SET status = 'expired' WHERE id = '$R_EXPIRED'" \
   "UPDATE rooms SET status = 'refunding' WHERE id = '$R_REFUNDING'" \
   "UPDATE rooms SET status = 'closed' WHERE id = '$R_CLOSED'" >/dev/null
expect "the fixture's rooms" "SELECT string_agg(status || ':' || (SELECT count(*) FROM room_entries e WHERE e.room_id = r.id), ' ' ORDER BY id) FROM rooms r" \
	"created:0 open:0 funded:2 drawing:2 settled:2 expired:2 refunding:2 closed:2 open:2"

for state in created:"$R_CREATED" open-without-commitment:"$R_NOCOMMIT" funded:"$R_FUNDED" drawing:"$R_DRAWING" \
             settled:"$R_SETTLED" expired:"$R_EXPIRED" refunding:"$R_REFUNDING" closed:"$R_CLOSED"; do
	name=${state%%:*} r=${state#*:}
	if [ "$name" = open-without-commitment ]; then
		why="room $r: its server seed is not committed: no entry can be sold"
		why_alloc=$why
	else
		why="room $r: the room is $name, not open: no entry can be added, its ledger is frozen"
		why_alloc="room $r is $name, not open: no tickets can be sold" # allocate_room_entry's own check
	fi
	refused "plain INSERT into a $name room" "" "$why" "$(next_entry_sql "$r" 2)"
	refused "allocate_room_entry in a $name room" "" "$why_alloc" "SELECT allocate_room_entry('$r', '$U1', 2, 'cash', 2)"
	refused "credit entry in a $name room" "" "$why" \
		"INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, credits_spent)
		 SELECT '$r', '$U2', n + 1, n + 1, 1, 'credits', 100
		   FROM (SELECT coalesce(max(tickets_end), 0) AS n FROM room_entries WHERE room_id = '$r') s"
done
accepted "plain INSERT into the open, committed room" "" "$(next_entry_sql "$R_OPEN" 2)"
accepted "allocate_room_entry in the open, committed room" "" "SELECT allocate_room_entry('$R_OPEN', '$U2', 3, 'cash', 3)"
expect "the open room's entries" "SELECT count(*) || '/' || max(tickets_end) FROM room_entries WHERE room_id = '$R_OPEN'" "4/15"
echo "ok: entries refused in created, open-without-commitment, funded, drawing, settled, expired, refunding and closed rooms (plain, credits, allocate_room_entry); accepted in the open, committed room"

# ---- rule 2, whatever the role -----------------------------------------------------
# (d) owns room_entries and is also a member of alot_app, the strongest
# non-superuser there is: owning the table gives TRUNCATE and the right to
# alter its triggers; alot_app gives what the triggers read.
sq "$(roles_sql alot_app)
    ALTER TABLE room_entries OWNER TO $OWNER;
    -- TRUNCATE room_entries must cascade to the tables that reference it;
    -- with their TRUNCATE too, only the rule is left to refuse the owner.
    GRANT TRUNCATE ON lottery_draws, reveals, credit_transactions TO $OWNER;" >/dev/null
E1=$(sq "SELECT id FROM room_entries WHERE room_id = '$R_FUNDED' ORDER BY tickets_start LIMIT 1")
DENIED="permission denied for table room_entries"
NOT_OWNER="must be owner of (table|relation) room_entries"
for role in "$APP" "$DRAW" "$AUDITOR" "$OWNER"; do
	case $role in
	"$APP"|"$OWNER")
		w_insert="the room is funded, not open: no entry can be added"
		w_alloc="is funded, not open: no tickets can be sold"
		w_amount="entry $E1 is frozen \(refused change of amount_paid\)"
		w_tickets="room, user and tickets cannot change once sold"
		w_id="entry $E1 cannot change its id"
		w_delete="entry $E1 cannot be deleted, its ledger is frozen" ;;
	*)
		w_insert=$DENIED w_amount=$DENIED w_tickets=$DENIED w_id=$DENIED w_delete=$DENIED
		# allocate_room_entry locks the room first: the draw role may, the auditor may not.
		if [ "$role" = "$DRAW" ]; then w_alloc="is funded, not open: no tickets can be sold"
		else w_alloc="permission denied for table rooms"; fi ;;
	esac
	if [ "$role" = "$OWNER" ]; then
		w_truncate="room [0-9a-f-]+: the room is [a-z]+, not open: room_entries cannot be truncated, its ledger is frozen"
		w_all='permission denied: "RI_ConstraintTrigger_[a-z]_[0-9]+" is a system trigger'
		w_user="trigger trg_check_room_entry_range on room_entries is protected: it is not enabled \(tgenabled D\) after ALTER TABLE"
		w_drop="trigger trg_room_entries_frozen on room_entries is protected: it is missing after DROP TRIGGER"
	else
		w_truncate=$DENIED w_all=$NOT_OWNER w_user=$NOT_OWNER w_drop=$NOT_OWNER
	fi
	refused "INSERT into a funded room" "$role" "$w_insert" "$(next_entry_sql "$R_FUNDED" 2)"
	refused "allocate_room_entry in a funded room" "$role" "$w_alloc" "SELECT allocate_room_entry('$R_FUNDED', '$U1', 2, 'cash', 2)"
	refused "UPDATE of amount_paid" "$role" "$w_amount" "UPDATE room_entries SET amount_paid = amount_paid + 1 WHERE id = '$E1'"
	refused "UPDATE of the tickets" "$role" "$w_tickets" "UPDATE room_entries SET tickets_end = tickets_end + 1, ticket_count = ticket_count + 1 WHERE id = '$E1'"
	refused "UPDATE of the id" "$role" "$w_id" "UPDATE room_entries SET id = gen_random_uuid() WHERE id = '$E1'"
	refused "DELETE" "$role" "$w_delete" "DELETE FROM room_entries WHERE id = '$E1'"
	refused "TRUNCATE" "$role" "$w_truncate" "TRUNCATE room_entries CASCADE"
	refused "DISABLE TRIGGER ALL" "$role" "$w_all" "ALTER TABLE room_entries DISABLE TRIGGER ALL"
	refused "DISABLE TRIGGER USER" "$role" "$w_user" "ALTER TABLE room_entries DISABLE TRIGGER USER"
	refused "DROP TRIGGER" "$role" "$w_drop" "DROP TRIGGER trg_room_entries_frozen ON room_entries"
	refused "SET session_replication_role" "$role" 'permission denied to set parameter "session_replication_role"' \
		"SET session_replication_role = replica"
	echo "ok: as ${role%_$$} (a login granted $(sq "SELECT string_agg(b.rolname, ', ') FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = '$role'")$([ "$role" = "$OWNER" ] && echo ", owning room_entries")): INSERT, allocate, UPDATE of amount_paid/tickets/id, DELETE, TRUNCATE, DISABLE TRIGGER ALL/USER, DROP TRIGGER, session_replication_role: all refused"
done

# The owner's other ways round: one trigger, replica or always mode, a
# rename, a CREATE OR REPLACE that never fires, dropping the table, and (as
# the owner of a trigger's function) replacing or re-configuring it.
refused "DISABLE one trigger" "$OWNER" "trigger trg_room_entries_frozen on room_entries is protected: it is not enabled" \
	"ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen"
refused "ENABLE REPLICA TRIGGER" "$OWNER" "trg_room_entries_frozen on room_entries is protected: it is not enabled \(tgenabled R\)" \
	"ALTER TABLE room_entries ENABLE REPLICA TRIGGER trg_room_entries_frozen"
refused "ENABLE ALWAYS TRIGGER" "$OWNER" "trg_room_entries_no_truncate on room_entries is protected: it is not enabled \(tgenabled A\)" \
	"ALTER TABLE room_entries ENABLE ALWAYS TRIGGER trg_room_entries_no_truncate"
refused "ALTER TRIGGER RENAME" "$OWNER" "trigger trg_room_entries_frozen on room_entries is protected: it is missing after ALTER TRIGGER" \
	"ALTER TRIGGER trg_room_entries_frozen ON room_entries RENAME TO trg_renamed"
refused "CREATE OR REPLACE TRIGGER ... WHEN (false)" "$OWNER" "table public.room_entries is protected: CREATE TRIGGER cannot change it \(trigger trg_room_entries_frozen on public.room_entries\)" \
	"CREATE OR REPLACE TRIGGER trg_room_entries_frozen BEFORE INSERT OR UPDATE OR DELETE ON room_entries
	 FOR EACH ROW WHEN (false) EXECUTE FUNCTION room_entries_frozen()"
refused "DROP TABLE room_entries CASCADE" "$OWNER" "on room_entries is protected: its table is missing after DROP TABLE" \
	"DROP TABLE room_entries CASCADE"
# (CREATE on the schema too: CREATE OR REPLACE FUNCTION needs it.)
sq "ALTER FUNCTION room_entries_frozen() OWNER TO $OWNER; GRANT CREATE ON SCHEMA public TO $OWNER" >/dev/null
refused "CREATE OR REPLACE FUNCTION of a trigger's function" "$OWNER" "function public.room_entries_frozen\(\) is protected: CREATE FUNCTION cannot change it" \
	"CREATE OR REPLACE FUNCTION room_entries_frozen() RETURNS TRIGGER AS \$\$ BEGIN RETURN NEW; END \$\$ LANGUAGE plpgsql"
refused "ALTER FUNCTION ... RESET search_path" "$OWNER" "public.room_entries_frozen\(\) is protected: ALTER FUNCTION cannot change it" \
	"ALTER FUNCTION room_entries_frozen() RESET search_path"
sq "ALTER FUNCTION room_entries_frozen() OWNER TO CURRENT_USER; REVOKE CREATE ON SCHEMA public FROM $OWNER" >/dev/null
# The application's role cannot shadow the rooms table with a temporary one
# (pg_temp comes first in a search path that does not name it): the
# triggers' search path is pinned.
refused "an entry through a temporary \"rooms\" saying open" "$APP" "room $R_FUNDED: the room is funded, not open: no entry can be added" \
	"CREATE TEMP TABLE rooms AS SELECT * FROM public.rooms" "UPDATE pg_temp.rooms SET status = 'open'" \
	"$(next_entry_sql "$R_FUNDED" 2)"
# TRUNCATE is no way round for the superuser either (its row triggers are).
refused "TRUNCATE room_entries CASCADE" "" "room [0-9a-f-]+: the room is [a-z]+, not open: room_entries cannot be truncated" \
	"TRUNCATE room_entries CASCADE"
# The superuser stays exempt from the guard (the suites build corrupted fixtures so).
accepted "a superuser disables and re-enables a trigger" "" \
	"ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen" "ALTER TABLE room_entries ENABLE TRIGGER trg_room_entries_frozen"
# What is allowed past 'open': the draw's outcome, by the draw role.
accepted "credits_awarded in a funded room" "$APP" "UPDATE room_entries SET credits_awarded = 25 WHERE id = '$E1'"
expect "credits_awarded written" "SELECT credits_awarded FROM room_entries WHERE id = '$E1'" 25
echo "ok: as the owner, DISABLE one/REPLICA/ALWAYS, RENAME, CREATE OR REPLACE TRIGGER, DROP TABLE, and replacing or re-configuring a trigger's function: refused; a temporary \"rooms\" cannot fake a status; superusers stay exempt"

# ---- rule 10: the owner changes the frozen ledger by DDL ---------------------------
# Every attack below works on a database whose guard only checks that the
# protected triggers exist and are enabled (the owner of room_entries, a
# member of alot_app; room $R_FUNDED is funded): each is refused, and the
# frozen rows are as they were.
frozen_rows() { sq "SELECT md5(string_agg(to_jsonb(e)::text, '|' ORDER BY e.tickets_start)) FROM room_entries e WHERE e.room_id = '$R_FUNDED'"; }
frozen=$(frozen_rows)
PROTECTED="table public.room_entries is protected"
# (a) A trigger of its own fires after the protective ones (by name) and rewrites NEW.
refused "a new trigger that rewrites NEW after the protective ones" "$OWNER" \
	"$PROTECTED: CREATE TRIGGER cannot change it \(trigger zz_rewrite on public.room_entries\)" \
	"CREATE FUNCTION pg_temp.rewrite() RETURNS TRIGGER AS \$\$ BEGIN NEW.amount_paid := 0; RETURN NEW; END \$\$ LANGUAGE plpgsql" \
	"CREATE TRIGGER zz_rewrite BEFORE UPDATE ON room_entries FOR EACH ROW EXECUTE FUNCTION pg_temp.rewrite()" \
	"UPDATE room_entries SET credits_awarded = 1 WHERE room_id = '$R_FUNDED'"
refused "a new constraint trigger" "$OWNER" "$PROTECTED: CREATE TRIGGER cannot change it" \
	"CREATE FUNCTION pg_temp.noop() RETURNS TRIGGER AS \$\$ BEGIN RETURN NULL; END \$\$ LANGUAGE plpgsql" \
	"CREATE CONSTRAINT TRIGGER zz_later AFTER UPDATE ON room_entries FOR EACH ROW EXECUTE FUNCTION pg_temp.noop()"
# (b) A column type change rewrites every row, and no row trigger fires.
refused "ALTER COLUMN amount_paid TYPE ... USING amount_paid * 0" "$OWNER" "$PROTECTED: ALTER TABLE cannot change it" \
	"ALTER TABLE room_entries ALTER COLUMN amount_paid TYPE DECIMAL(10, 2) USING amount_paid * 0"
refused "ALTER COLUMN tickets_end TYPE" "$OWNER" "$PROTECTED: ALTER TABLE cannot change it" \
	"ALTER TABLE room_entries ALTER COLUMN tickets_end TYPE BIGINT USING tickets_end"
# (c) A child table's rows are read with room_entries' own, and no trigger of room_entries fires on them.
sq "CREATE SCHEMA lf_s AUTHORIZATION $OWNER" >/dev/null
refused "a child table of room_entries, and an entry in it" "$OWNER" \
	"table room_entries is protected: lf_s.extra inherits from room_entries after CREATE TABLE" \
	"CREATE TABLE lf_s.extra () INHERITS (room_entries)" \
	"INSERT INTO lf_s.extra (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
	 VALUES ('$R_FUNDED', '$U1', 11, 20, 10, 'cash', 10)"
refused "an existing table made a child of room_entries" "$OWNER" \
	"table room_entries is protected: lf_s.twin inherits from room_entries after ALTER TABLE" \
	"CREATE TABLE lf_s.twin (LIKE room_entries INCLUDING ALL)" "ALTER TABLE lf_s.twin INHERIT room_entries"
# (d) Row level security and a policy that hides an entry from the draw.
refused "ENABLE ROW LEVEL SECURITY" "$OWNER" "$PROTECTED: ALTER TABLE cannot change it" \
	"ALTER TABLE room_entries ENABLE ROW LEVEL SECURITY"
refused "a policy hiding an entry from alot_draw" "$OWNER" \
	"$PROTECTED: CREATE POLICY cannot change it \(policy hide on public.room_entries\)" \
	"CREATE POLICY hide ON room_entries FOR SELECT TO alot_draw USING (id <> '$E1')"
refused "a rule" "$OWNER" "$PROTECTED: CREATE RULE cannot change it" \
	"CREATE RULE keep AS ON UPDATE TO room_entries DO INSTEAD NOTHING"
refused "a comment" "$OWNER" "$PROTECTED: COMMENT cannot change it" "COMMENT ON TABLE room_entries IS 'mine'"
echo "ok: as the owner, a trigger of its own, a column type, a child table, row level security, a policy, a rule, a comment: refused"

# The guard's helpers and the triggers' functions, owned by the attacker
# (CREATE on the schema too, for CREATE OR REPLACE and new overloads).
sq "ALTER FUNCTION alot_changed_columns(JSONB, JSONB, TEXT[]) OWNER TO $OWNER;
    ALTER FUNCTION alot_protected_triggers() OWNER TO $OWNER;
    ALTER FUNCTION room_entries_frozen() OWNER TO $OWNER;
    GRANT CREATE ON SCHEMA public TO $OWNER" >/dev/null
refused "replacing the helper alot_changed_columns() (no column would ever differ)" "$OWNER" \
	"function public.alot_changed_columns\(pg_catalog.jsonb,pg_catalog.jsonb,pg_catalog.text\[\]\) is protected: CREATE FUNCTION cannot change it" \
	"CREATE OR REPLACE FUNCTION alot_changed_columns(old_row JSONB, new_row JSONB, allowed TEXT[] DEFAULT '{}')
	 RETURNS TEXT AS 'SELECT NULL::TEXT' LANGUAGE sql" \
	"UPDATE room_entries SET amount_paid = 0 WHERE room_id = '$R_FUNDED'"
refused "an overload of alot_changed_columns()" "$OWNER" "function public.alot_changed_columns\(pg_catalog.jsonb,pg_catalog.jsonb\) is protected" \
	"CREATE FUNCTION alot_changed_columns(a JSONB, b JSONB) RETURNS TEXT AS 'SELECT NULL::TEXT' LANGUAGE sql"
refused "replacing the helper alot_protected_triggers() (nothing protected)" "$OWNER" \
	"function public.alot_protected_triggers\(\) is protected: CREATE FUNCTION cannot change it" \
	"CREATE OR REPLACE FUNCTION alot_protected_triggers() RETURNS TABLE (table_name TEXT, trigger_name TEXT)
	 AS 'SELECT NULL::TEXT, NULL::TEXT WHERE false' LANGUAGE sql" \
	"ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen"
# The list is a table: a temporary one of the same name does not stand in for it.
accepted "a temporary table of its own" "$OWNER" "CREATE TEMP TABLE scratch (x INTEGER)"
refused "an empty temporary alot_protected_trigger shadowing the list" "$OWNER" \
	"$PROTECTED: ALTER TABLE cannot change it|trigger trg_room_entries_frozen on room_entries is protected" \
	"CREATE TEMP TABLE alot_protected_trigger (table_name TEXT, trigger_name TEXT)" \
	"ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen"
refused "renaming a trigger's function (to replace it under its new name)" "$OWNER" \
	"function public.frozen_no_more\(\) is protected: ALTER FUNCTION cannot change it" \
	"ALTER FUNCTION room_entries_frozen() RENAME TO frozen_no_more"
refused "a new index (CREATE on the schema granted)" "$OWNER" "$PROTECTED: CREATE INDEX cannot change it \(index " \
	"CREATE INDEX idx_zz ON room_entries (amount_paid)"
refused "a new function named like a protected one" "$OWNER" "function public.alot_helper\(\) is protected" \
	"CREATE FUNCTION alot_helper() RETURNS INTEGER AS 'SELECT 1' LANGUAGE sql"
accepted "a function of its own" "$OWNER" "CREATE FUNCTION lf_s.mine() RETURNS INTEGER AS 'SELECT 1' LANGUAGE sql"
# The guard itself: an event trigger runs its function as it is when it
# fires, so a member of the guard's owner may run no DDL at all.
GUARDIAN=t_lf_guardian_$$
ROLES+=("$GUARDIAN")
sq "CREATE ROLE $GUARDIAN NOLOGIN; GRANT $GUARDIAN TO $OWNER;
    ALTER FUNCTION alot_guard_protected_triggers() OWNER TO $GUARDIAN" >/dev/null
GUARD="function alot_guard_protected_triggers\(\) is protected: $OWNER has the privileges of its owner $GUARDIAN, and so may run no DDL"
refused "replacing the guard with one that checks nothing" "$OWNER" "$GUARD \(CREATE FUNCTION refused\)" \
	"CREATE OR REPLACE FUNCTION alot_guard_protected_triggers() RETURNS event_trigger AS 'BEGIN END' LANGUAGE plpgsql" \
	"ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen"
refused "dropping the guard and its event triggers" "$OWNER" "$GUARD \(DROP FUNCTION refused\)" \
	"DROP FUNCTION alot_guard_protected_triggers() CASCADE"
refused "re-configuring the guard" "$OWNER" "$GUARD \(ALTER FUNCTION refused\)" \
	"ALTER FUNCTION alot_guard_protected_triggers() RESET search_path"
refused "any DDL, while a member of the guard's owner" "$OWNER" "$GUARD \(CREATE TABLE refused\)" "CREATE TABLE lf_s.t (a INTEGER)"
sq "ALTER FUNCTION alot_guard_protected_triggers() OWNER TO CURRENT_USER;
    ALTER FUNCTION alot_changed_columns(JSONB, JSONB, TEXT[]) OWNER TO CURRENT_USER;
    ALTER FUNCTION alot_protected_triggers() OWNER TO CURRENT_USER;
    ALTER FUNCTION room_entries_frozen() OWNER TO CURRENT_USER;
    REVOKE CREATE ON SCHEMA public FROM $OWNER; DROP SCHEMA lf_s CASCADE" >/dev/null
[ "$(frozen_rows)" = "$frozen" ] || fail "the frozen entries changed under the owner's DDL"
echo "ok: as the owner of the guard's helpers, of a trigger's function, or a member of the guard's owner: replacing, overloading, renaming, dropping or re-configuring them, or a new index, is refused; the frozen entries are unchanged"

# Control: the temporary-table attack is real once the search path is not pinned.
frozen_db
control=$FROZEN_DB
db_saved=$db
db=$control
user_product
sq "$(room_sql "$R_FUNDED" 4); $(commit_sql "$R_FUNDED");
    UPDATE rooms SET status = 'open' WHERE id = '$R_FUNDED';
    SELECT allocate_room_entry('$R_FUNDED', '$U1', 4, 'cash', 4);
    UPDATE rooms SET status = 'funded' WHERE id = '$R_FUNDED';" >/dev/null
sq "DO \$\$ DECLARE f regprocedure; BEGIN
      FOR f IN SELECT DISTINCT tgfoid::regprocedure FROM pg_trigger WHERE NOT tgisinternal LOOP
        EXECUTE format('ALTER FUNCTION %s RESET search_path', f);
      END LOOP; END \$\$" >/dev/null
run_as "$APP" "CREATE TEMP TABLE rooms AS SELECT * FROM public.rooms" "UPDATE pg_temp.rooms SET status = 'open'" \
	"$(next_entry_sql "$R_FUNDED" 2)" >/dev/null 2>&1 || fail "control: the temporary-table attack fails even without the pinned search path"
expect "control: an entry was smuggled into the funded room" "SELECT count(*) FROM room_entries WHERE room_id = '$R_FUNDED'" 2
db=$db_saved
echo "ok: control: without the pinned search path, a temporary \"rooms\" lets an entry into a funded room"

# ---- rule 2: the outcome ----------------------------------------------------------
E2=$(sq "SELECT id FROM room_entries WHERE room_id = '$R_FUNDED' ORDER BY tickets_start OFFSET 1 LIMIT 1")
refused "is_winner without a draw" "$DRAW" "entry $E1 cannot be marked the winner: no draw names it" \
	"UPDATE room_entries SET is_winner = true WHERE id = '$E1'"
sq "$(draw_sql "$R_FUNDED" "$E1")" >/dev/null
refused "is_winner of an entry the draw does not name" "$DRAW" "entry $E2 cannot be marked the winner: no draw names it" \
	"UPDATE room_entries SET is_winner = true WHERE id = '$E2'"
accepted "is_winner of the drawn entry, as the draw does it" "$DRAW" \
	"UPDATE room_entries SET is_winner = (id = '$E1') WHERE room_id = '$R_FUNDED' AND is_winner IS DISTINCT FROM (id = '$E1')"
expect "the winner" "SELECT string_agg(id::text, ',') FROM room_entries WHERE room_id = '$R_FUNDED' AND is_winner" "$E1"
echo "ok: past 'open' only the outcome is written, and is_winner only for the entry a draw names"

# ---- rule 3: funded only at the target, and never back ----------------------------
R_FUND=$(id 120)
sq "$(room_sql "$R_FUND" 10)" "$(commit_sql "$R_FUND")" "UPDATE rooms SET status = 'open' WHERE id = '$R_FUND'" \
   "SELECT allocate_room_entry('$R_FUND', '$U1', 4, 'cash', 4)" \
   "SELECT allocate_room_entry('$R_FUND', '$U2', 50, 'credits', NULL, 5000)" \
   "SELECT allocate_room_entry('$R_FUND', '$U2', 3, 'trivia')" >/dev/null
refused "funded below the target (credit and trivia entries pay nothing)" "" \
	"room $R_FUND: its entries pay 4.00 of its funding target 10.00: it cannot be funded" \
	"UPDATE rooms SET status = 'funded' WHERE id = '$R_FUND'"
refused "funded below the target, as the application" "$APP" "its entries pay 4.00 of its funding target 10.00" \
	"UPDATE rooms SET status = 'funded', funded_at = now() WHERE id = '$R_FUND'"
sq "SELECT allocate_room_entry('$R_FUND', '$U1', 5, 'cash', 5.99)" >/dev/null
refused "funded one cent below the target" "" "its entries pay 9.99 of its funding target 10.00" \
	"UPDATE rooms SET status = 'funded' WHERE id = '$R_FUND'"
sq "SELECT allocate_room_entry('$R_FUND', '$U1', 1, 'cash', 0.01)" >/dev/null
accepted "funded at the target" "$APP" "UPDATE rooms SET status = 'funded' WHERE id = '$R_FUND'"
expect "funded, with funded_at set" "SELECT status || '/' || (funded_at IS NOT NULL) || '/' ||
	(funded_at BETWEEN (now() AT TIME ZONE 'UTC') - interval '1 hour' AND (clock_timestamp() AT TIME ZONE 'UTC')) FROM rooms WHERE id = '$R_FUND'" "funded/true/true"
refused "funded -> open" "" "room $R_FUND: a funded room cannot go back to open: its ledger is frozen" \
	"UPDATE rooms SET status = 'open' WHERE id = '$R_FUND'"
refused "funded -> created" "$APP" "room $R_FUND: a funded room cannot go back to created" \
	"UPDATE rooms SET status = 'created' WHERE id = '$R_FUND'"
for r in "$R_SETTLED" "$R_EXPIRED" "$R_CLOSED" "$R_DRAWING"; do
	refused "$(sq "SELECT status FROM rooms WHERE id = '$r'") -> open" "" "room $r: a [a-z]+ room cannot go back to open" \
		"UPDATE rooms SET status = 'open' WHERE id = '$r'"
done
refused "created -> funded" "" "room $R_CREATED: only an open room can become funded \(this one is created\)" \
	"UPDATE rooms SET status = 'funded' WHERE id = '$R_CREATED'"
refused "expired -> funded" "" "room $R_EXPIRED: only an open room can become funded \(this one is expired\)" \
	"UPDATE rooms SET status = 'funded' WHERE id = '$R_EXPIRED'"
refused "INSERT as funded" "" "room $(id 121)(: a room cannot be created funded| cannot be funded: its server seed is not committed)" \
	"$(room_sql "$(id 121)" 10 funded)"
refused "INSERT as funded, with 0010's commitment trigger out of the way" "" "room $(id 121): a room cannot be created funded" \
	"BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_require_commitment; $(room_sql "$(id 121)" 0 funded); COMMIT;"
echo "ok: funded only from open and at the target (amount_paid only; funded_at set), never back to open or created, never inserted funded"

# A funded room ends only by its draw: funded -> drawing -> settled (or
# funded -> settled), and settled only with its lottery_draws row.
for st in expired refunding closed; do
	refused "funded -> $st" "$APP" "room $R_FUND: a funded room cannot become $st: it ends only by its draw" \
		"UPDATE rooms SET status = '$st' WHERE id = '$R_FUND'"
done
refused "funded -> settled without a draw" "$APP" "room $R_FUND: it has no draw: it cannot be settled" \
	"UPDATE rooms SET status = 'settled' WHERE id = '$R_FUND'"
refused "funded -> settled without a draw, as the superuser" "" "room $R_FUND: it has no draw: it cannot be settled" \
	"UPDATE rooms SET status = 'settled', settled_at = now() WHERE id = '$R_FUND'"
accepted "funded -> drawing" "$APP" "UPDATE rooms SET status = 'drawing' WHERE id = '$R_FUND'"
for st in expired refunding closed funded; do
	refused "drawing -> $st" "$APP" "room $R_FUND: a drawing room cannot become $st: it ends only by its draw" \
		"UPDATE rooms SET status = '$st' WHERE id = '$R_FUND'"
done
refused "drawing -> settled without a draw" "$APP" "room $R_FUND: it has no draw: it cannot be settled" \
	"UPDATE rooms SET status = 'settled' WHERE id = '$R_FUND'"
accepted "a draw of the drawing room" "$DRAW" \
	"$(draw_sql "$R_FUND" "$(sq "SELECT id FROM room_entries WHERE room_id = '$R_FUND' ORDER BY tickets_start LIMIT 1")")"
accepted "drawing -> settled with its draw" "$APP" "UPDATE rooms SET status = 'settled' WHERE id = '$R_FUND'"
expect "settled" "SELECT status FROM rooms WHERE id = '$R_FUND'" settled
echo "ok: a funded room becomes only drawing or settled, a drawing room only settled, and settled only with its draw (also for the superuser)"

# ---- rule 4: the lot is bound at commitment ---------------------------------------
R_LOT=$(id 130)
sq "$(room_sql "$R_LOT" 10)" >/dev/null
for change in "product_class_id = '$P2'" "funding_target = 12" "deadline = '2031-01-01'" "lot_type = 'mystery'" \
              "entry_bundles = '[{\"amount\": 5, \"tickets\": 5}]'"; do
	accepted "before the commitment: $change" "$APP" "UPDATE rooms SET $change WHERE id = '$R_LOT'"
done
expect "the lot changed before the commitment" \
	"SELECT product_class_id || ' ' || funding_target || ' ' || deadline || ' ' || lot_type || ' ' || entry_bundles FROM rooms WHERE id = '$R_LOT'" \
	"$P2 12.00 2031-01-01 00:00:00 mystery [{\"amount\": 5, \"tickets\": 5}]"
sq "$(commit_sql "$R_LOT")" >/dev/null
for change in "product_class_id:product_class_id = '$P1'" "funding_target:funding_target = 10" \
              "deadline:deadline = '2030-06-01'" "lot_type:lot_type = 'known'" \
              "entry_bundles:entry_bundles = '[]'" "id:id = '$(id 131)'"; do
	col=${change%%:*}
	refused "after the commitment: ${change#*:}" "" "room $R_LOT: its lot is bound by its seed commitment \(refused change of $col\)" \
		"UPDATE rooms SET ${change#*:} WHERE id = '$R_LOT'"
done
refused "after the commitment, as the application" "$APP" "its lot is bound by its seed commitment" \
	"UPDATE rooms SET funding_target = 1 WHERE id = '$R_LOT'"
accepted "after the commitment, an unchanged lot and other columns" "$APP" \
	"UPDATE rooms SET funding_target = 12, visibility = 'unlisted', trivia_question = 'Which year?' WHERE id = '$R_LOT'"
echo "ok: the five lot columns (and the id) change before the commitment, and are refused after it"

# ---- rule 5: freeze records -----------------------------------------------------
for r in "$R_CREATED" "$R_OPEN" "$R_DRAWING" "$R_SETTLED" "$R_EXPIRED" "$R_CLOSED"; do
	st=$(sq "SELECT status FROM rooms WHERE id = '$r'")
	refused "a freeze of a $st room" "$DRAW" "room $r: the room is $st, not funded: its ledger cannot be frozen" "$(freeze_sql "$r")"
done
refused "a freeze of protocol version 1" "$DRAW" 'room_freezes_protocol_version_check' "$(freeze_sql "$R_FUNDED" 1)"
refused "a freeze with a ledger root that is not lowercase hex" "$DRAW" 'room_freezes_ledger_root_check' "$(freeze_sql "$R_FUNDED" 2 "repeat('EF', 32)")"
refused "a freeze by the auditor" "$AUDITOR" "permission denied for table room_freezes" "$(freeze_sql "$R_FUNDED")"
refused "a freeze by the application" "$APP" "permission denied for table room_freezes" "$(freeze_sql "$R_FUNDED")"
accepted "a freeze of the funded room, by the draw role" "$DRAW" "$(freeze_sql "$R_FUNDED")"
expect "the auditor reads freezes" "SELECT count(*) FROM room_freezes" 1
[ "$(PGUSER=$AUDITOR psql -X -q -At -d "$db" -c "SELECT count(*) FROM room_freezes")" = 1 ] || fail "the auditor cannot read room_freezes"
refused "UPDATE of a freeze" "" "room $R_FUNDED: a published freeze record cannot change" "UPDATE room_freezes SET total_tickets = 11"
refused "DELETE of a freeze" "" "room $R_FUNDED: a published freeze record cannot change" "DELETE FROM room_freezes"
refused "TRUNCATE of room_freezes" "" "room $R_FUNDED: room_freezes is append-only: it cannot be truncated while it holds rows" "TRUNCATE room_freezes"
refused "TRUNCATE rooms CASCADE" "" "(room_entries cannot be truncated|is append-only: it cannot be truncated)" "TRUNCATE rooms CASCADE"
echo "ok: a freeze only of a funded room (by alot_draw), hex-checked, version 2; never updated, deleted or truncated"

# ---- rule 6: commitments ------------------------------------------------------------
refused "a commitment of protocol version 3" "" 'room_commitments_protocol_version_check' "$(commit_sql "$R_NOCOMMIT" 3)"
expect "commitments of version 2 are stored" "SELECT count(*) FILTER (WHERE protocol_version = 2) || '/' || count(*) FROM room_commitments" 10/10
refused "TRUNCATE of room_commitments" "" "room [0-9a-f-]+: room_commitments is append-only: it cannot be truncated while it holds rows" \
	"TRUNCATE room_commitments"
refused "UPDATE of a commitment" "" "a published seed commitment cannot change" "UPDATE room_commitments SET beacon_rule = 'other'"
echo "ok: commitments of version 1 or 2; never truncated"

# ---- rule 7: draws are append-only ------------------------------------------------
refused "UPDATE of winning_ticket" "" "room $R_FUNDED: draw [0-9a-f-]+ cannot change \(refused change of winning_ticket\)" \
	"UPDATE lottery_draws SET winning_ticket = 3 WHERE room_id = '$R_FUNDED'"
refused "UPDATE of the winner and the record" "" "refused change of record, winner_entry_id" \
	"UPDATE lottery_draws SET winner_entry_id = '$E2', record = 'y' WHERE room_id = '$R_FUNDED'"
refused "DELETE of a draw" "" "room $R_FUNDED: draw [0-9a-f-]+ cannot be deleted: draws are append-only" \
	"DELETE FROM lottery_draws WHERE room_id = '$R_FUNDED'"
refused "TRUNCATE of lottery_draws" "" "lottery_draws is append-only: it cannot be truncated while it holds rows" "TRUNCATE lottery_draws"
refused "a draw of protocol version 3" "" "chk_lottery_draws_protocol_version" \
	"INSERT INTO lottery_draws (room_id, server_seed, client_seed, total_tickets, combined_seed, winning_ticket,
	                            winner_user_id, winner_entry_id, protocol_version)
	 VALUES ('$R_DRAWING', 'a', 'b', 10, 'c', 1, '$U1', '$E1', 3)"
accepted "recording a verification" "" "UPDATE lottery_draws SET verified = true, verification_details = '{\"verified_by\": \"auditor\"}'"
expect "verified" "SELECT bool_and(verified) || '/' || count(*) FROM lottery_draws" true/3
echo "ok: draws: winning_ticket, winner and record never change, no DELETE or TRUNCATE; verified may be recorded"

# ---- rule 8: the start of a draw -------------------------------------------------
R_START=$(id 140)
start_sql() { echo "INSERT INTO room_draw_starts (room_id, started_at) VALUES ('$1', clock_timestamp() AT TIME ZONE 'UTC')"; }
sq "$(room_sql "$R_START" 4)" "$(commit_sql "$R_START")" "UPDATE rooms SET status = 'open' WHERE id = '$R_START'" \
   "SELECT allocate_room_entry('$R_START', '$U1', 4, 'cash', 4)" "UPDATE rooms SET status = 'funded' WHERE id = '$R_START'" >/dev/null
for r in "$R_OPEN" "$R_DRAWING" "$R_SETTLED" "$R_CLOSED"; do
	st=$(sq "SELECT status FROM rooms WHERE id = '$r'")
	refused "a draw start of a $st room" "$DRAW" "room $r: the room is $st, not funded: its draw cannot start" "$(start_sql "$r")"
done
refused "a draw start of a funded room not frozen" "$DRAW" "room $R_START: its ledger is not frozen: its draw cannot start" "$(start_sql "$R_START")"
refused "a draw start by the application" "$APP" "permission denied for table room_draw_starts" "$(start_sql "$R_FUNDED")"
refused "a draw start by the auditor" "$AUDITOR" "permission denied for table room_draw_starts" "$(start_sql "$R_FUNDED")"
accepted "the frozen, funded room's draw starts, by the draw role" "$DRAW" "$(start_sql "$R_FUNDED")"
started=$(sq "SELECT started_at FROM room_draw_starts WHERE room_id = '$R_FUNDED'")
accepted "starting it again leaves the first start (ON CONFLICT DO NOTHING)" "$DRAW" "$(start_sql "$R_FUNDED") ON CONFLICT (room_id) DO NOTHING"
refused "a second start" "$DRAW" 'duplicate key value violates unique constraint "room_draw_starts_pkey"' "$(start_sql "$R_FUNDED")"
[ "$(PGUSER=$AUDITOR psql -X -q -At -d "$db" -c "SELECT started_at FROM room_draw_starts")" = "$started" ] ||
	fail "the auditor cannot read room_draw_starts, or the start changed"
refused "UPDATE of a start" "" "room $R_FUNDED: the start of its draw cannot change" "UPDATE room_draw_starts SET started_at = started_at + interval '1 second'"
refused "DELETE of a start" "" "room $R_FUNDED: the start of its draw cannot change" "DELETE FROM room_draw_starts"
refused "TRUNCATE of room_draw_starts" "" "room $R_FUNDED: room_draw_starts is append-only: it cannot be truncated while it holds rows" \
	"TRUNCATE room_draw_starts"
echo "ok: a draw starts only in a funded, frozen room (by alot_draw), once; its start never changes, is never deleted or truncated"

# ---- rule 8: up to 2147483647 tickets ---------------------------------------------
if sq "SELECT int4range(1, 2147483647, '[]')" >/dev/null 2>&1; then fail "int4range no longer overflows: the control is stale"; fi
R_MAX=$(id 150)
sq "$(room_sql "$R_MAX" 1)" "$(commit_sql "$R_MAX")" "UPDATE rooms SET status = 'open' WHERE id = '$R_MAX'" >/dev/null
accepted "tickets 1-2147483646 in one entry" "$APP" "SELECT allocate_room_entry('$R_MAX', '$U1', 2147483646, 'trivia')"
accepted "ticket 2147483647" "$APP" "SELECT allocate_room_entry('$R_MAX', '$U2', 1, 'cash', 1)"
expect "the last ticket sold" "SELECT max(tickets_end) || '/' || (SELECT total_tickets FROM rooms WHERE id = '$R_MAX') FROM room_entries WHERE room_id = '$R_MAX'" \
	"2147483647/2147483647"
refused "ticket 2147483648" "$APP" "room $R_MAX: 1 more tickets would pass 2147483647" "SELECT allocate_room_entry('$R_MAX', '$U2', 1, 'cash', 1)"
accepted "the full room is funded" "$APP" "UPDATE rooms SET status = 'funded' WHERE id = '$R_MAX'"
echo "ok: a room sells tickets 1-2147483647, and the next ticket is refused"

# ---- a migration run by a non-superuser: the guard is not installed, with a warning ---
sq "CREATE ROLE $MIGRATOR LOGIN CREATEROLE" >/dev/null
mdb="t_ledger_freeze_mig_$$"
createdb -O "$MIGRATOR" "$mdb"
TEST_DBS+=("$mdb")
PGUSER=$MIGRATOR psql -X -q -v ON_ERROR_STOP=1 -d "$mdb" -f "$ALOT_SRC/sql/schema.sql" >"$tmp/mig.out" 2>"$tmp/mig.err" ||
	fail "schema.sql as a non-superuser: $(cat "$tmp/mig.err")"
grep -q "WARNING:  migration 0011: not a superuser: the guard of the ledger's triggers is not installed" "$tmp/mig.err" ||
	fail "no warning without the guard: $(cat "$tmp/mig.err")"
[ "$(psql -X -q -At -d "$mdb" -c "SELECT count(*) FROM pg_event_trigger")" = 0 ] || fail "a guard was installed by a non-superuser"
n_migrations=$(ls "$ALOT_SRC"/sql/migrations/[0-9][0-9][0-9][0-9]_*.sql | wc -l)
[ "$(psql -X -q -At -d "$mdb" -c "SELECT count(*) FROM schema_migrations")" = "$n_migrations" ] || fail "the non-superuser's migrations"
# Without the guard, the tables' owner (here the migrating role) is not
# bound: it changes a table by DDL.  The hint's commands, run by a
# superuser, install the guard; the owner is then refused.
PGUSER=$MIGRATOR psql -X -q -v ON_ERROR_STOP=1 -d "$mdb" -c "COMMENT ON TABLE room_entries IS 'owned'" >/dev/null 2>&1 ||
	fail "without the guard, the owner could not change its table by DDL"
hint=$(sed -n "s/^HINT:  as a superuser, run: //p" "$tmp/mig.err")
[ -n "$hint" ] || fail "the warning has no hint: $(cat "$tmp/mig.err")"
psql -X -q -v ON_ERROR_STOP=1 -d "$mdb" -c "$hint" >/dev/null || fail "the hint's commands failed: $hint"
[ "$(psql -X -q -At -d "$mdb" -c "SELECT count(*) FROM pg_event_trigger WHERE evtfoid = 'alot_guard_protected_triggers'::regproc")" = 2 ] ||
	fail "the hint did not install both event triggers"
if PGUSER=$MIGRATOR psql -X -q -v ON_ERROR_STOP=1 -d "$mdb" -c "COMMENT ON TABLE room_entries IS 'mine'" 2>"$tmp/mig2.err"; then
	fail "with the guard installed by the hint, the owner still changed its table by DDL"
fi
grep -q "table public.room_entries is protected: COMMENT cannot change it" "$tmp/mig2.err" || fail "the owner's DDL: $(cat "$tmp/mig2.err")"
echo "ok: run by a non-superuser, migration 0011 warns that the guard is not installed (the owner is not bound); its hint installs it"

echo "all ledger freeze checks passed ($checks assertions)"
