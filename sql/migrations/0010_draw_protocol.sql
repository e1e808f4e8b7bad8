-- 0010_draw_protocol.sql - what draw protocol v1 (docs/protocol.md) needs:
-- a place for each room's seed commitment, published before the first
-- ticket is sold (design-document defect h), and the protocol's values on
-- lottery_draws.

CREATE TABLE room_commitments (
    room_id UUID PRIMARY KEY REFERENCES rooms(id),
    protocol_version INTEGER NOT NULL CHECK (protocol_version = 1),
    commitment CHAR(64) NOT NULL CHECK (commitment ~ '^[0-9a-f]{64}$'),
    beacon_rule VARCHAR(128) NOT NULL,
    key_id CHAR(16) NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    -- The server seed, sealed with AES-256-GCM under a key kept outside the
    -- database, the room id as associated data.  Never stored in clear.
    seed_ciphertext BYTEA NOT NULL CHECK (length(seed_ciphertext) = 32),
    seed_nonce BYTEA NOT NULL CHECK (length(seed_nonce) = 12),
    seed_tag BYTEA NOT NULL CHECK (length(seed_tag) = 16),
    committed_at TIMESTAMP NOT NULL,
    -- The signed commitment record, as published.
    record TEXT NOT NULL
);

-- A commitment is published once and never changes.
CREATE OR REPLACE FUNCTION forbid_commitment_change()
RETURNS TRIGGER AS $$
BEGIN
    RAISE EXCEPTION 'room %: a published seed commitment cannot change', OLD.room_id
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_room_commitments_immutable
BEFORE UPDATE OR DELETE ON room_commitments
FOR EACH ROW
EXECUTE FUNCTION forbid_commitment_change();

-- A room cannot open (and so sell tickets) before its seed is committed.
CREATE OR REPLACE FUNCTION require_room_commitment()
RETURNS TRIGGER AS $$
BEGIN
    IF NEW.status NOT IN ('created', 'closed') AND
       NOT EXISTS (SELECT 1 FROM room_commitments c WHERE c.room_id = NEW.id) THEN
        RAISE EXCEPTION 'room % cannot be %: its server seed is not committed', NEW.id, NEW.status
            USING ERRCODE = 'check_violation',
                  HINT = 'run "alot-draw commit --room ' || NEW.id || '" first';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_rooms_require_commitment
BEFORE INSERT OR UPDATE OF status ON rooms
FOR EACH ROW
EXECUTE FUNCTION require_room_commitment();

ALTER TABLE lottery_draws
    ADD COLUMN protocol_version INTEGER,
    ADD COLUMN ledger_root CHAR(64),
    ADD COLUMN record TEXT;

-- The draw role commits seeds and reads them back at draw time ...
GRANT SELECT, INSERT ON room_commitments TO alot_draw;
GRANT UPDATE (room_entry_id) ON reveals TO alot_draw;
-- ... the auditor reads every column but the sealed seed.
REVOKE SELECT ON room_commitments FROM alot_auditor;
GRANT SELECT (room_id, protocol_version, commitment, beacon_rule, key_id, committed_at, record)
    ON room_commitments TO alot_auditor;
