-- 0011_ledger_freeze.sql - draw protocol v2's database rules: the ledger is
-- frozen by the database.  A room sells tickets only while it is open and
-- its seed is committed; once it has left 'open' its entries never change
-- again (only the draw's outcome is written); it is funded only when its
-- entries reach the target, and ends only by its draw; its lot is bound by
-- its commitment; freeze records, commitments, draws and draw starts are
-- append-only; and no non-superuser can switch these triggers off or
-- change the protected tables, their triggers or the functions they run by
-- DDL.  docs/schema.md explains each rule.
--
-- Every refusal is an exception with SQLSTATE check_violation (23514) and a
-- message that starts with the room, "room <id>: ...", but the DDL guard's:
-- insufficient_privilege (42501), naming the table, trigger or function.
-- The rules read the protected tables FROM ONLY: a child table's rows are
-- no part of the ledger (and the guard refuses child tables).

-- ---------------------------------------------------------------------
-- A helper: the columns whose values differ between two versions of a row
-- (to_jsonb of OLD and NEW), except the allowed ones; NULL when none.
-- ---------------------------------------------------------------------
CREATE FUNCTION alot_changed_columns(old_row JSONB, new_row JSONB, allowed TEXT[] DEFAULT '{}')
RETURNS TEXT AS $$
    SELECT string_agg(k, ', ' ORDER BY k)
      FROM jsonb_object_keys(old_row || new_row) AS k
     WHERE NOT (k = ANY (allowed))
       AND (old_row -> k) IS DISTINCT FROM (new_row -> k)
$$ LANGUAGE sql IMMUTABLE;

-- ---------------------------------------------------------------------
-- Rules 1 and 2: entries are sold only in an open, committed room, and the
-- entries of a room past 'open' are frozen.
-- ---------------------------------------------------------------------
CREATE FUNCTION room_entries_frozen()
RETURNS TRIGGER AS $$
DECLARE
    room_status VARCHAR;
    changed TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- The room row is locked (as trg_check_room_entry_range does), so
        -- the room cannot leave 'open' while this entry is being sold.
        SELECT r.status INTO room_status FROM ONLY rooms r WHERE r.id = NEW.room_id FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'room %: no such room', NEW.room_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF room_status IS DISTINCT FROM 'open' THEN
            RAISE EXCEPTION 'room %: the room is %, not open: no entry can be added, its ledger is frozen',
                    NEW.room_id, coalesce(room_status, 'without a status')
                USING ERRCODE = 'check_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM ONLY room_commitments c WHERE c.room_id = NEW.room_id) THEN
            RAISE EXCEPTION 'room %: its server seed is not committed: no entry can be sold', NEW.room_id
                USING ERRCODE = 'check_violation',
                      HINT = 'run "alot-draw commit --room ' || NEW.room_id || '" before the room opens';
        END IF;
        RETURN NEW;
    END IF;

    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'room %: entry % cannot change its id', OLD.room_id, OLD.id
            USING ERRCODE = 'check_violation',
                  DETAIL = 'entry ids are bound into the ticket ledger and its Merkle root';
    END IF;

    -- FOR SHARE: a room cannot change status while one of its entries is
    -- being changed, so "open" is still true when this transaction commits.
    SELECT r.status INTO room_status FROM ONLY rooms r WHERE r.id = OLD.room_id FOR SHARE;
    IF FOUND AND room_status = 'open' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    room_status := coalesce(room_status, 'missing');

    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'room %: the room is %, not open: entry % cannot be deleted, its ledger is frozen',
                OLD.room_id, room_status, OLD.id
            USING ERRCODE = 'check_violation';
    END IF;

    -- Past 'open' only the outcome may be written.
    changed := alot_changed_columns(to_jsonb(OLD), to_jsonb(NEW), ARRAY['is_winner', 'credits_awarded']);
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'room %: the room is %, not open: entry % is frozen (refused change of %)',
                OLD.room_id, room_status, OLD.id, changed
            USING ERRCODE = 'check_violation',
                  HINT = 'past ''open'' only is_winner and credits_awarded can be written';
    END IF;
    -- The draw inserts its lottery_draws row first, then marks the winner.
    IF NEW.is_winner IS TRUE AND OLD.is_winner IS NOT TRUE AND
       NOT EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.winner_entry_id = NEW.id) THEN
        RAISE EXCEPTION 'room %: entry % cannot be marked the winner: no draw names it', OLD.room_id, OLD.id
            USING ERRCODE = 'check_violation',
                  HINT = 'only a draw (a lottery_draws row with this winner_entry_id) makes a winner';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_entries_frozen
BEFORE INSERT OR UPDATE OR DELETE ON room_entries
FOR EACH ROW
EXECUTE FUNCTION room_entries_frozen();

-- TRUNCATE bypasses row triggers: refuse it while a frozen entry exists
-- (also when it comes from TRUNCATE rooms CASCADE).
CREATE FUNCTION room_entries_no_truncate()
RETURNS TRIGGER AS $$
DECLARE
    frozen RECORD;
BEGIN
    SELECT e.room_id, coalesce(r.status, 'missing') AS status INTO frozen
      FROM ONLY room_entries e LEFT JOIN ONLY rooms r ON r.id = e.room_id
     WHERE r.status IS DISTINCT FROM 'open'
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'room %: the room is %, not open: room_entries cannot be truncated, its ledger is frozen',
                frozen.room_id, frozen.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_entries_no_truncate
BEFORE TRUNCATE ON room_entries
FOR EACH STATEMENT
EXECUTE FUNCTION room_entries_no_truncate();

-- ---------------------------------------------------------------------
-- Rule 3: a room is funded only from 'open', and only when its entries
-- reach the target; a room that has left 'created'/'open' never returns.
-- ---------------------------------------------------------------------
CREATE FUNCTION room_status_flow()
RETURNS TRIGGER AS $$
DECLARE
    paid DECIMAL;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'funded' THEN
            RAISE EXCEPTION 'room %: a room cannot be created funded', NEW.id
                USING ERRCODE = 'check_violation',
                      HINT = 'a room is funded from ''open'', when its entries reach the target';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NEW;
    END IF;
    IF NEW.status IN ('created', 'open') AND
       OLD.status IS DISTINCT FROM 'created' AND OLD.status IS DISTINCT FROM 'open' THEN
        RAISE EXCEPTION 'room %: a % room cannot go back to %: its ledger is frozen',
                OLD.id, coalesce(OLD.status, 'status-less'), NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    -- A funded room ends only by its draw: funded -> drawing -> settled,
    -- or funded -> settled.
    IF (OLD.status = 'funded' AND coalesce(NEW.status, '') NOT IN ('drawing', 'settled')) OR
       (OLD.status = 'drawing' AND NEW.status IS DISTINCT FROM 'settled') THEN
        RAISE EXCEPTION 'room %: a % room cannot become %: it ends only by its draw',
                OLD.id, OLD.status, coalesce(NEW.status, 'status-less')
            USING ERRCODE = 'check_violation',
                  HINT = 'a funded room goes on to ''drawing'' or ''settled''; a drawing room to ''settled''';
    END IF;
    IF NEW.status = 'settled' AND NOT EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.room_id = OLD.id) THEN
        RAISE EXCEPTION 'room %: it has no draw: it cannot be settled', OLD.id
            USING ERRCODE = 'check_violation',
                  HINT = 'a room is settled by its draw ("alot-draw execute"), which writes its lottery_draws row first';
    END IF;
    IF NEW.status = 'funded' THEN
        IF OLD.status IS DISTINCT FROM 'open' THEN
            RAISE EXCEPTION 'room %: only an open room can become funded (this one is %)',
                    OLD.id, coalesce(OLD.status, 'status-less')
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT coalesce(sum(e.amount_paid), 0) INTO paid FROM ONLY room_entries e WHERE e.room_id = OLD.id;
        IF NEW.funding_target IS NULL OR paid < NEW.funding_target THEN
            RAISE EXCEPTION 'room %: its entries pay % of its funding target %: it cannot be funded',
                    OLD.id, paid, NEW.funding_target
                USING ERRCODE = 'check_violation',
                      HINT = 'a room is funded when the sum of its entries'' amount_paid reaches funding_target';
        END IF;
        IF NEW.funded_at IS NULL THEN
            NEW.funded_at := clock_timestamp() AT TIME ZONE 'UTC';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_rooms_status_flow
BEFORE INSERT OR UPDATE OF status ON rooms
FOR EACH ROW
EXECUTE FUNCTION room_status_flow();

-- ---------------------------------------------------------------------
-- Rule 4: the lot is bound at commitment.
-- ---------------------------------------------------------------------
CREATE FUNCTION room_lot_bound()
RETURNS TRIGGER AS $$
DECLARE
    changed TEXT;
BEGIN
    changed := alot_changed_columns(
        jsonb_build_object('id', OLD.id, 'product_class_id', OLD.product_class_id,
                           'funding_target', OLD.funding_target, 'deadline', OLD.deadline,
                           'lot_type', OLD.lot_type, 'entry_bundles', OLD.entry_bundles),
        jsonb_build_object('id', NEW.id, 'product_class_id', NEW.product_class_id,
                           'funding_target', NEW.funding_target, 'deadline', NEW.deadline,
                           'lot_type', NEW.lot_type, 'entry_bundles', NEW.entry_bundles));
    IF changed IS NOT NULL AND
       EXISTS (SELECT 1 FROM ONLY room_commitments c WHERE c.room_id = OLD.id) THEN
        RAISE EXCEPTION 'room %: its lot is bound by its seed commitment (refused change of %)', OLD.id, changed
            USING ERRCODE = 'check_violation',
                  HINT = 'the lot (product, target, deadline, lot type, bundles) is fixed before the seed is committed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_rooms_lot_bound
BEFORE UPDATE OF id, product_class_id, funding_target, deadline, lot_type, entry_bundles ON rooms
FOR EACH ROW
EXECUTE FUNCTION room_lot_bound();

-- ---------------------------------------------------------------------
-- Rule 5: freeze records, written once a room is funded, never changed.
-- ---------------------------------------------------------------------
CREATE TABLE room_freezes (
    room_id UUID PRIMARY KEY REFERENCES rooms(id),
    protocol_version INTEGER NOT NULL CHECK (protocol_version = 2),
    ledger_root CHAR(64) NOT NULL CHECK (ledger_root ~ '^[0-9a-f]{64}$'),
    total_tickets INTEGER NOT NULL CHECK (total_tickets >= 1),
    entry_count INTEGER NOT NULL CHECK (entry_count >= 1),
    key_id CHAR(16) NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    frozen_at TIMESTAMP NOT NULL,
    -- The signed freeze record, as published.
    record TEXT NOT NULL
);

-- Freeze records (rule 5) and draw starts (rule 8) are written only while
-- the room is funded, and a draw start only once the room is frozen.
CREATE FUNCTION room_requires_funded()
RETURNS TRIGGER AS $$
DECLARE
    room_status VARCHAR;
    refused TEXT := CASE TG_TABLE_NAME WHEN 'room_freezes' THEN 'its ledger cannot be frozen'
                                       ELSE 'its draw cannot start' END;
BEGIN
    -- Locked: the room cannot change status until the row commits.
    SELECT r.status INTO room_status FROM ONLY rooms r WHERE r.id = NEW.room_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'room %: no such room', NEW.room_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF room_status IS DISTINCT FROM 'funded' THEN
        RAISE EXCEPTION 'room %: the room is %, not funded: %',
                NEW.room_id, coalesce(room_status, 'without a status'), refused
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'room_draw_starts' AND
       NOT EXISTS (SELECT 1 FROM ONLY room_freezes f WHERE f.room_id = NEW.room_id) THEN
        RAISE EXCEPTION 'room %: its ledger is not frozen: %', NEW.room_id, refused
            USING ERRCODE = 'check_violation',
                  HINT = 'a draw starts over a published freeze record ("alot-draw execute" freezes the room first)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_freezes_require_funded
BEFORE INSERT ON room_freezes
FOR EACH ROW
EXECUTE FUNCTION room_requires_funded();

-- The immutable tables' rows (freeze records, draw starts): never updated
-- or deleted.  The trigger's argument names the row.
CREATE FUNCTION forbid_published_change()
RETURNS TRIGGER AS $$
BEGIN
    RAISE EXCEPTION 'room %: % cannot change', OLD.room_id, TG_ARGV[0]
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_freezes_immutable
BEFORE UPDATE OR DELETE ON room_freezes
FOR EACH ROW
EXECUTE FUNCTION forbid_published_change('a published freeze record');

-- One statement-level guard for the append-only tables (room_freezes,
-- room_commitments, lottery_draws, room_draw_starts; each has a room_id):
-- TRUNCATE only while empty.
CREATE FUNCTION forbid_truncate_nonempty()
RETURNS TRIGGER AS $$
DECLARE
    some_room UUID;
BEGIN
    EXECUTE format('SELECT room_id FROM ONLY %I.%I LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO some_room;
    IF some_room IS NOT NULL THEN
        RAISE EXCEPTION 'room %: % is append-only: it cannot be truncated while it holds rows', some_room, TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_freezes_no_truncate
BEFORE TRUNCATE ON room_freezes
FOR EACH STATEMENT
EXECUTE FUNCTION forbid_truncate_nonempty();

-- ---------------------------------------------------------------------
-- Rule 6: commitments of protocol v2, and no TRUNCATE of commitments.
-- ---------------------------------------------------------------------
ALTER TABLE room_commitments DROP CONSTRAINT room_commitments_protocol_version_check,
    ADD CONSTRAINT room_commitments_protocol_version_check CHECK (protocol_version IN (1, 2));

CREATE TRIGGER trg_room_commitments_no_truncate
BEFORE TRUNCATE ON room_commitments
FOR EACH STATEMENT
EXECUTE FUNCTION forbid_truncate_nonempty();

-- ---------------------------------------------------------------------
-- Rule 7: draws are append-only; only the verification may be recorded.
-- ---------------------------------------------------------------------
ALTER TABLE lottery_draws ADD CONSTRAINT chk_lottery_draws_protocol_version
    CHECK (protocol_version IN (1, 2));

CREATE FUNCTION lottery_draws_append_only()
RETURNS TRIGGER AS $$
DECLARE
    changed TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'room %: draw % cannot be deleted: draws are append-only', OLD.room_id, OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    changed := alot_changed_columns(to_jsonb(OLD), to_jsonb(NEW), ARRAY['verified', 'verification_details']);
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'room %: draw % cannot change (refused change of %): draws are append-only',
                OLD.room_id, OLD.id, changed
            USING ERRCODE = 'check_violation',
                  HINT = 'only verified and verification_details can be written after the draw';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_lottery_draws_append_only
BEFORE UPDATE OR DELETE ON lottery_draws
FOR EACH ROW
EXECUTE FUNCTION lottery_draws_append_only();

CREATE TRIGGER trg_lottery_draws_no_truncate
BEFORE TRUNCATE ON lottery_draws
FOR EACH STATEMENT
EXECUTE FUNCTION forbid_truncate_nonempty();

-- ---------------------------------------------------------------------
-- Rule 8: the start of a draw, written once before the seed is touched.
-- "alot-draw execute" commits a room's row here (protocol 2) before it
-- unseals the seed, and signs drawn_at = started_at: a draw aborted after
-- its seed reached the server and run again signs the same bytes.
-- ---------------------------------------------------------------------
CREATE TABLE room_draw_starts (
    room_id UUID PRIMARY KEY REFERENCES rooms(id),
    started_at TIMESTAMP NOT NULL
);

CREATE TRIGGER trg_room_draw_starts_require_freeze
BEFORE INSERT ON room_draw_starts
FOR EACH ROW
EXECUTE FUNCTION room_requires_funded();

CREATE TRIGGER trg_room_draw_starts_immutable
BEFORE UPDATE OR DELETE ON room_draw_starts
FOR EACH ROW
EXECUTE FUNCTION forbid_published_change('the start of its draw');

CREATE TRIGGER trg_room_draw_starts_no_truncate
BEFORE TRUNCATE ON room_draw_starts
FOR EACH STATEMENT
EXECUTE FUNCTION forbid_truncate_nonempty();

-- ---------------------------------------------------------------------
-- Rule 9: any N up to 2^31-1: int4range(a, 2147483647, '[]') overflows
-- (its canonical upper bound is 2147483648), int8range does not.  Same
-- name, same meaning.
-- ---------------------------------------------------------------------
ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap,
    ADD CONSTRAINT excl_room_entries_no_overlap
        EXCLUDE USING gist (room_id WITH =,
                            int8range(tickets_start::BIGINT, tickets_end::BIGINT, '[]') WITH &&);

-- ---------------------------------------------------------------------
-- Rule 10: the ledger cannot be changed by DDL of a non-superuser.
-- ---------------------------------------------------------------------
-- The protected triggers: every trigger 0002, 0010 and 0011 put on these
-- tables, the protected tables.  A later migration that adds one inserts
-- a row.  Anyone may read the list (the guard runs as whoever runs DDL);
-- only its owner, the migrations' superuser, may change it.
CREATE TABLE alot_protected_trigger (
    table_name TEXT NOT NULL,
    trigger_name TEXT NOT NULL,
    PRIMARY KEY (table_name, trigger_name)
);
INSERT INTO alot_protected_trigger (table_name, trigger_name) VALUES
    ('rooms', 'trg_rooms_require_commitment'),
    ('rooms', 'trg_rooms_status_flow'),
    ('rooms', 'trg_rooms_lot_bound'),
    ('room_entries', 'trg_check_room_entry_range'),
    ('room_entries', 'trg_freeze_room_entry_range'),
    ('room_entries', 'trg_update_room_funding'),
    ('room_entries', 'trg_room_entries_frozen'),
    ('room_entries', 'trg_room_entries_no_truncate'),
    ('room_commitments', 'trg_room_commitments_immutable'),
    ('room_commitments', 'trg_room_commitments_no_truncate'),
    ('room_freezes', 'trg_room_freezes_require_funded'),
    ('room_freezes', 'trg_room_freezes_immutable'),
    ('room_freezes', 'trg_room_freezes_no_truncate'),
    ('lottery_draws', 'trg_lottery_draws_append_only'),
    ('lottery_draws', 'trg_lottery_draws_no_truncate'),
    ('room_draw_starts', 'trg_room_draw_starts_require_freeze'),
    ('room_draw_starts', 'trg_room_draw_starts_immutable'),
    ('room_draw_starts', 'trg_room_draw_starts_no_truncate'),
    ('credit_transactions', 'trg_update_credit_balance'),
    ('credit_transactions', 'trg_credit_transactions_append_only');
REVOKE ALL ON alot_protected_trigger FROM PUBLIC;
GRANT SELECT ON alot_protected_trigger TO PUBLIC;

-- A fixed search path: a temporary table of the same name cannot stand in for the list.
CREATE FUNCTION alot_protected_triggers()
RETURNS TABLE (table_name TEXT, trigger_name TEXT) AS $$
    SELECT p.table_name, p.trigger_name FROM alot_protected_trigger p
$$ LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp;

-- The guard: an event trigger before (ddl_command_start) and after
-- (ddl_command_end) every DDL command.  Superusers are exempt: the test
-- suites build corrupted fixtures with the triggers disabled (and
-- session_replication_role is theirs alone anyway).
--
-- Before a command of a non-superuser: a role with the privileges of the
-- guard's owner may run no DDL (an event trigger runs its function as it
-- is when it fires: a replaced guard would judge its own replacement, a
-- dropped one nothing).
--
-- After a command of a non-superuser, it is refused, and so undone, when:
--   - a protected trigger is missing or not enabled ('O');
--   - a protected table inherits from a table or is inherited from (a
--     child table's rows are read as the parent's, and no trigger of the
--     parent fires on them);
--   - the command's object is a protected table, an index, constraint,
--     trigger, rule or policy of one, or the schema that holds them (ALTER
--     COLUMN ... TYPE rewrites rows and fires no row trigger, a new trigger
--     fires after the protective ones and can rewrite NEW, row level
--     security can hide an entry from the draw, a renamed schema would
--     leave the triggers' pinned search path to other tables);
--   - its object is a protected function, in that schema: the function of
--     a trigger of a protected table (by oid: also once renamed; by name:
--     also a new overload), one named alot_* (the guard and its helpers),
--     or allocate_room_entry().
CREATE FUNCTION alot_guard_protected_triggers()
RETURNS event_trigger AS $$
DECLARE
    bad RECORD;
    tables pg_catalog.oid[];
    functions pg_catalog.oid[];
    ledger_schema pg_catalog.oid;
BEGIN
    IF coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
        RETURN;
    END IF;
    IF tg_event = 'ddl_command_start' THEN
        SELECT p.oid::pg_catalog.regprocedure AS fn, p.proowner::pg_catalog.regrole AS owner INTO bad
          FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid
         WHERE e.evtname IN ('alot_protect_triggers', 'alot_protect_guard')
           AND pg_catalog.pg_has_role(p.proowner, 'MEMBER')
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'function % is protected: % has the privileges of its owner %, and so may run no DDL (% refused)',
                    bad.fn, current_user, bad.owner, tg_tag
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'the ledger''s guard must be owned by a superuser (migration 0011)';
        END IF;
        RETURN;
    END IF;

    SELECT p.table_name, p.trigger_name,
           CASE WHEN pg_catalog.to_regclass(p.table_name) IS NULL THEN 'its table is missing'
                WHEN t.oid IS NULL THEN 'it is missing'
                ELSE 'it is not enabled (tgenabled ' || t.tgenabled::text || ')' END AS what
      INTO bad
      FROM alot_protected_triggers() p
      LEFT JOIN pg_catalog.pg_trigger t
        ON t.tgrelid = pg_catalog.to_regclass(p.table_name) AND t.tgname = p.trigger_name
     WHERE t.tgenabled IS DISTINCT FROM 'O'
     ORDER BY p.table_name, p.trigger_name
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'trigger % on % is protected: % after %', bad.trigger_name, bad.table_name, bad.what, tg_tag
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'the ledger''s triggers cannot be dropped, disabled or renamed by a non-superuser (migration 0011)';
    END IF;

    tables := ARRAY(SELECT DISTINCT pg_catalog.to_regclass(p.table_name)::pg_catalog.oid FROM alot_protected_triggers() p);
    functions := ARRAY(SELECT t.tgfoid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ANY (tables) AND NOT t.tgisinternal);
    -- The guard's own schema, from the catalog: a replaced helper may have
    -- listed no table (the command that replaced it is refused below).
    SELECT p.pronamespace INTO ledger_schema
      FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid
     WHERE e.evtname = 'alot_protect_triggers';

    SELECT i.inhrelid::pg_catalog.regclass AS child, i.inhparent::pg_catalog.regclass AS parent,
           CASE WHEN i.inhparent = ANY (tables) THEN i.inhparent ELSE i.inhrelid END::pg_catalog.regclass AS protected
      INTO bad
      FROM pg_catalog.pg_inherits i
     WHERE i.inhparent = ANY (tables) OR i.inhrelid = ANY (tables)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'table % is protected: % inherits from % after %', bad.protected, bad.child, bad.parent, tg_tag
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'a protected table has no parent and no child table (migration 0011)';
    END IF;

    SELECT o.what, c.object_type || ' ' || c.object_identity AS object INTO bad
      FROM pg_catalog.pg_event_trigger_ddl_commands() c
      CROSS JOIN LATERAL (SELECT CASE
          WHEN c.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass THEN
              (SELECT 'function ' || c.object_identity FROM pg_catalog.pg_proc p
                WHERE p.oid = c.objid AND p.pronamespace = ledger_schema
                  AND (p.oid = ANY (functions) OR p.proname LIKE 'alot\_%' OR p.proname = 'allocate_room_entry'
                       OR p.proname IN (SELECT f.proname FROM pg_catalog.pg_proc f WHERE f.oid = ANY (functions))))
          WHEN c.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND c.objid = ledger_schema THEN
              'schema ' || c.object_identity
          ELSE
              (SELECT 'table ' || (pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, r.rel, 0)).identity
                 FROM (SELECT CASE
                   WHEN c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass THEN
                       coalesce((SELECT x.indrelid FROM pg_catalog.pg_index x WHERE x.indexrelid = c.objid), c.objid)
                   WHEN c.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN
                       (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid = c.objid)
                   WHEN c.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN
                       (SELECT w.ev_class FROM pg_catalog.pg_rewrite w WHERE w.oid = c.objid)
                   WHEN c.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass THEN
                       (SELECT y.polrelid FROM pg_catalog.pg_policy y WHERE y.oid = c.objid)
                   WHEN c.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN
                       (SELECT k.conrelid FROM pg_catalog.pg_constraint k WHERE k.oid = c.objid)
                   END AS rel) r
                WHERE r.rel = ANY (tables))
          END AS what) o
     WHERE o.what IS NOT NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is protected: % cannot change it%', bad.what, tg_tag,
                CASE WHEN bad.object = bad.what THEN '' ELSE ' (' || bad.object || ')' END
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'the ledger''s tables, their triggers and the functions they run can be changed only by a superuser (migration 0011)';
    END IF;
END;
$$ LANGUAGE plpgsql;

-- Pin the search path of every function the guard protects (those of 0002
-- and 0010 too): a session's temporary table named "rooms" would otherwise
-- shadow the real one inside the triggers (pg_temp is searched first
-- unless it is named), and a fake status 'open' would let an entry into a
-- frozen room.
DO $$
DECLARE
    schema_name TEXT;
    fn REGPROCEDURE;
BEGIN
    SELECT n.nspname INTO schema_name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = 'rooms'::pg_catalog.regclass;
    FOR fn IN
        SELECT DISTINCT t.tgfoid::REGPROCEDURE
          FROM alot_protected_triggers() p
          JOIN pg_catalog.pg_trigger t ON t.tgrelid = p.table_name::pg_catalog.regclass AND NOT t.tgisinternal
        UNION
        SELECT p.oid::REGPROCEDURE FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = schema_name::pg_catalog.regnamespace
           AND (p.proname LIKE 'alot\_%' OR p.proname = 'allocate_room_entry')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', fn, schema_name);
    END LOOP;
    -- Every protected trigger exists, or this migration is wrong.
    IF (SELECT count(*) FROM alot_protected_triggers() p
          JOIN pg_catalog.pg_trigger t ON t.tgrelid = p.table_name::pg_catalog.regclass
                                      AND t.tgname = p.trigger_name) <> (SELECT count(*) FROM alot_protected_triggers()) THEN
        RAISE EXCEPTION 'migration 0011: a protected trigger is missing';
    END IF;
END
$$;

-- Event triggers can only be created by a superuser.
DO $$
BEGIN
    IF coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false) THEN
        CREATE EVENT TRIGGER alot_protect_triggers ON ddl_command_end
            EXECUTE FUNCTION alot_guard_protected_triggers();
        CREATE EVENT TRIGGER alot_protect_guard ON ddl_command_start
            EXECUTE FUNCTION alot_guard_protected_triggers();
    ELSE
        RAISE WARNING 'migration 0011: not a superuser: the guard of the ledger''s triggers is not installed'
            USING DETAIL = 'the protected tables'' owner can change the frozen ledger by DDL until it is',
                  HINT = 'as a superuser, run: ALTER FUNCTION alot_guard_protected_triggers() OWNER TO CURRENT_USER; '
                         'CREATE EVENT TRIGGER alot_protect_triggers ON ddl_command_end '
                         'EXECUTE FUNCTION alot_guard_protected_triggers(); '
                         'CREATE EVENT TRIGGER alot_protect_guard ON ddl_command_start '
                         'EXECUTE FUNCTION alot_guard_protected_triggers();';
    END IF;
END
$$;

-- ---------------------------------------------------------------------
-- Rule 11: roles.  alot_app is the platform application: it reads and
-- writes the application's tables (no TRUNCATE, no ownership), reads the
-- draw protocol's public records, and sells tickets.
-- ---------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'alot_app') THEN
        CREATE ROLE alot_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO alot_app;
GRANT SELECT, INSERT, UPDATE, DELETE
   ON users, product_classes, hosts, rooms, room_entry_purchases, room_entries, room_participants,
      user_universal_credits, credit_transactions, room_trivia_attempts, reveals, admin_users, audit_logs
   TO alot_app;
GRANT SELECT ON lottery_draws, room_freezes, v_active_lots, v_user_dashboard TO alot_app;
-- The entry trigger checks the commitment exists; the sealed seed stays hidden.
GRANT SELECT (room_id, protocol_version, commitment, beacon_rule, key_id, committed_at, record)
    ON room_commitments TO alot_app;
GRANT EXECUTE ON FUNCTION allocate_room_entry(UUID, UUID, INTEGER, VARCHAR, DECIMAL, INTEGER, UUID) TO alot_app;

-- The draw writes freeze records and draw starts; the auditor reads them.
GRANT SELECT, INSERT ON room_freezes, room_draw_starts TO alot_draw;
GRANT SELECT ON room_freezes, room_draw_starts TO alot_auditor;
