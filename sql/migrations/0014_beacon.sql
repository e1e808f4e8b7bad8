-- 0014_beacon.sql - the NIST Randomness Beacon rule (docs/protocol.md
-- section 12) in the database: the witness policies that beacon rules
-- name, and each room's chosen pulses, fixed before its seed is unsealed.
--
--   - witness_policies: a policy's text by its hash, SHA-256(LP("ALOT-v2/
--     witness-policy") || LP(text)) (LP = a 4-byte big-endian length, then
--     the bytes), which the database computes itself: a row cannot name a
--     text by another hash.  Stored by "alot-draw commit", never changed.
--   - A commitment under a rule "nist-beacon-2.0:..." must be of the rule's
--     exact form and name a policy the table holds: no room can be
--     committed to a policy nobody can read.
--   - room_draw_beacons: one row per room drawn under the rule, written by
--     "alot-draw execute" before it unseals the seed: the freeze's log
--     entry, the checkpoint of size entry + 1 and the log time its
--     cosignatures give, the tlog-proof of the freeze against it, and the
--     two pulses exactly as NIST served them.  A draw run again reuses them
--     and so signs the same bytes.  Written only for a frozen room under
--     the rule, with the freeze's own log entry and its first checkpoint.
--   - No role updates, deletes or truncates these rows, the tables' owner
--     included; the guard of 0011 keeps their triggers.
--
-- Every refusal is an exception with SQLSTATE check_violation (23514).

CREATE TABLE witness_policies (
    hash BYTEA PRIMARY KEY CHECK (length(hash) = 32),
    -- "log VKEY\n", "witness VKEY\n" (1 to 16), "quorum K\n": printable ASCII lines.
    policy TEXT NOT NULL CHECK (octet_length(policy) BETWEEN 1 AND 4096 AND policy ~ E'^[\\x20-\\x7e\\n]+$'),
    created_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
);

CREATE TABLE room_draw_beacons (
    room_id UUID PRIMARY KEY REFERENCES rooms(id),
    -- The freeze record's entry in the log, and the checkpoint of size freeze_index + 1.
    freeze_index BIGINT NOT NULL CHECK (freeze_index >= 0),
    -- (a stored checkpoint: checked by the trigger, not by a foreign key, so
    -- that the log's tables keep their own rules of 0013, TRUNCATE's included)
    checkpoint_size BIGINT NOT NULL,
    -- POSIX seconds: the quorum-th earliest cosignature of the policy's witnesses.
    log_time BIGINT NOT NULL CHECK (log_time > 0),
    -- c2sp.org/tlog-proof@v1 of the freeze against the cosigned checkpoint.
    freeze_log_proof TEXT NOT NULL CHECK (octet_length(freeze_log_proof) <= 16384),
    -- The pulse and its predecessor, byte for byte as NIST served them.
    pulse BYTEA NOT NULL CHECK (length(pulse) BETWEEN 1 AND 16384),
    previous_pulse BYTEA NOT NULL CHECK (length(previous_pulse) BETWEEN 1 AND 16384),
    chosen_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'),
    CHECK (checkpoint_size = freeze_index + 1)
);

-- The hash of a policy's text, as alot_witness_policy_hash() computes it.
CREATE FUNCTION alot_witness_policy_hash(policy TEXT)
RETURNS BYTEA AS $$
    SELECT sha256(int4send(22) || convert_to('ALOT-v2/witness-policy', 'UTF8')
                  || int4send(octet_length(policy)) || convert_to(policy, 'UTF8'))
$$ LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp;

-- A policy is stored under its own hash.
CREATE FUNCTION alot_witness_policy_check()
RETURNS TRIGGER AS $$
BEGIN
    IF NEW.hash IS DISTINCT FROM alot_witness_policy_hash(NEW.policy) THEN
        RAISE EXCEPTION 'witness_policies: % is not the hash of the policy''s text', encode(NEW.hash, 'hex')
            USING ERRCODE = 'check_violation',
                  HINT = 'the hash is SHA-256(LP("ALOT-v2/witness-policy") || LP(text))';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- The policy hash a beacon rule names; NULL for a rule that is not the NIST one.
CREATE FUNCTION alot_beacon_rule_policy(rule TEXT)
RETURNS BYTEA AS $$
    SELECT decode(substring(rule FROM '^nist-beacon-2\.0:chain=[1-9][0-9]{0,18}:after=freeze:policy=([0-9a-f]{64})$'), 'hex')
$$ LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp;

-- A commitment under the NIST rule: the rule's exact form, and a stored policy.
-- SECURITY DEFINER: whoever commits need not read the policies.
CREATE FUNCTION alot_commitment_beacon_check()
RETURNS TRIGGER AS $$
DECLARE
    named BYTEA;
BEGIN
    IF NOT starts_with(NEW.beacon_rule, 'nist-beacon-2.0') THEN
        RETURN NEW;
    END IF;
    named := alot_beacon_rule_policy(NEW.beacon_rule);
    IF named IS NULL THEN
        RAISE EXCEPTION 'room %: beacon rule "%" is not of the form nist-beacon-2.0:chain=C:after=freeze:policy=HEX',
                NEW.room_id, NEW.beacon_rule
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM witness_policies w WHERE w.hash = named) THEN
        RAISE EXCEPTION 'room %: its beacon rule names witness policy %, which witness_policies does not hold',
                NEW.room_id, encode(named, 'hex')
            USING ERRCODE = 'check_violation',
                  HINT = 'commit with "alot-draw commit --witness-policy FILE": it stores the policy';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- A room's pulses: a frozen room under the NIST rule, its freeze's own log
-- entry, and the checkpoint of the first tree that holds it.
CREATE FUNCTION alot_draw_beacon_check()
RETURNS TRIGGER AS $$
DECLARE
    rule TEXT;
BEGIN
    -- Locked, as room_requires_funded() does: the room cannot change status until the row commits.
    PERFORM 1 FROM ONLY rooms r WHERE r.id = NEW.room_id FOR UPDATE;
    SELECT c.beacon_rule INTO rule FROM ONLY room_commitments c WHERE c.room_id = NEW.room_id;
    IF rule IS NULL OR alot_beacon_rule_policy(rule) IS NULL THEN
        RAISE EXCEPTION 'room %: it is not committed under a NIST beacon rule: it draws no pulse', NEW.room_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM log_entries e JOIN ONLY room_freezes f ON f.room_id = e.room_id AND f.record = e.record
                    WHERE e.idx = NEW.freeze_index AND e.kind = 'freeze' AND e.room_id = NEW.room_id) THEN
        RAISE EXCEPTION 'room %: log entry % is not its freeze record', NEW.room_id, NEW.freeze_index
            USING ERRCODE = 'check_violation',
                  HINT = 'the pulses follow the log time of the room''s published freeze record';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM log_checkpoints c WHERE c.size = NEW.checkpoint_size) THEN
        RAISE EXCEPTION 'room %: the log has no checkpoint of size %', NEW.room_id, NEW.checkpoint_size
            USING ERRCODE = 'check_violation',
                  HINT = 'the log time is the one of the checkpoint of the first tree that holds the freeze';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp; -- reads the log

-- Witness policies are never updated, deleted or truncated.
CREATE FUNCTION alot_witness_policy_forbid_change()
RETURNS TRIGGER AS $$
BEGIN
    RAISE EXCEPTION 'witness_policies: a stored witness policy cannot change: % refused', TG_OP
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

CREATE TRIGGER trg_witness_policies_check BEFORE INSERT ON witness_policies
    FOR EACH ROW EXECUTE FUNCTION alot_witness_policy_check();
CREATE TRIGGER trg_witness_policies_append_only BEFORE UPDATE OR DELETE ON witness_policies
    FOR EACH ROW EXECUTE FUNCTION alot_witness_policy_forbid_change();
CREATE TRIGGER trg_witness_policies_no_truncate BEFORE TRUNCATE ON witness_policies
    FOR EACH STATEMENT EXECUTE FUNCTION alot_witness_policy_forbid_change();

CREATE TRIGGER trg_room_commitments_beacon_policy BEFORE INSERT ON room_commitments
    FOR EACH ROW EXECUTE FUNCTION alot_commitment_beacon_check();

CREATE TRIGGER trg_room_draw_beacons_check BEFORE INSERT ON room_draw_beacons
    FOR EACH ROW EXECUTE FUNCTION alot_draw_beacon_check();
CREATE TRIGGER trg_room_draw_beacons_immutable BEFORE UPDATE OR DELETE ON room_draw_beacons
    FOR EACH ROW EXECUTE FUNCTION forbid_published_change('the pulses of its draw');
CREATE TRIGGER trg_room_draw_beacons_no_truncate BEFORE TRUNCATE ON room_draw_beacons
    FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate_nonempty();

-- The guard of 0011 keeps these triggers, and so the tables.
INSERT INTO alot_protected_trigger (table_name, trigger_name) VALUES
    ('witness_policies', 'trg_witness_policies_check'),
    ('witness_policies', 'trg_witness_policies_append_only'),
    ('witness_policies', 'trg_witness_policies_no_truncate'),
    ('room_commitments', 'trg_room_commitments_beacon_policy'),
    ('room_draw_beacons', 'trg_room_draw_beacons_check'),
    ('room_draw_beacons', 'trg_room_draw_beacons_immutable'),
    ('room_draw_beacons', 'trg_room_draw_beacons_no_truncate');

-- ---------------------------------------------------------------------
-- Least privilege: the draw role stores policies and pulses and reads
-- them back; the auditor reads both; the application reads the policies
-- (they are public: a verifier needs the one a room's rule names).
-- ---------------------------------------------------------------------
REVOKE ALL ON witness_policies, room_draw_beacons FROM PUBLIC;
GRANT SELECT, INSERT ON witness_policies, room_draw_beacons TO alot_draw;
GRANT SELECT ON witness_policies, room_draw_beacons TO alot_auditor;
GRANT SELECT ON witness_policies TO alot_app;
