-- 0013_transparency_log.sql - the transparency log (issue 10): every
-- published record (commitment, freeze, draw), in publication order, as
-- the leaves of an RFC 9162 Merkle tree kept in the database.
--
-- An entry is a record's published text exactly as stored in its table's
-- "record" column; its leaf hash is SHA-256(0x00 || entry), a node's
-- SHA-256(0x01 || left || right), as in include/alot/tlog.h.  The tree is
-- stored as the hashes of its complete subtrees, log_hashes (level, idx):
-- the hash over leaves [idx * 2^level, (idx + 1) * 2^level).
--
--   - A record is appended by an AFTER INSERT row trigger of its table, in
--     the transaction that creates it: nothing is published without being
--     logged, nothing rolled back is logged.  Appends are serialized by the
--     lock of the one row of log_head, and each writes the hashes the new
--     leaf completes, reading at most one stored hash per level.
--   - No role updates, deletes or truncates a log row, the tables' owner
--     included: the triggers refuse it, and the guard of 0011 keeps them.
--     Inserts are checked too: an entry must be the published record at
--     the next index, a stored hash must be the hash of what it covers, and
--     the head advances only over an entry whose hashes are stored.
--   - A checkpoint is stored only with the root of the tree at its size
--     (alot_log_root), and a cosignature only of a stored checkpoint.
--   - alot_draw reads the log and stores checkpoints and cosignatures; the
--     auditor reads every log table; alot_app reads entries and checkpoints.
--
-- Every refusal is an exception with SQLSTATE check_violation (23514) and a
-- message naming the log table.  A superuser can still do anything (with
-- the triggers disabled); docs/schema.md says what that means.

CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY CHECK (idx >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('commitment', 'freeze', 'draw')),
    room_id UUID NOT NULL,
    -- The record's published text, byte for byte: the log entry.
    record TEXT NOT NULL CHECK (octet_length(record) <= 65535),
    appended_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_log_entries_room ON log_entries (room_id);

CREATE TABLE log_hashes (
    level SMALLINT NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    hash BYTEA NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- The log's size: one row, locked by every append.
CREATE TABLE log_head (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    size BIGINT NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (only_row, size) VALUES (true, 0);

CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY CHECK (size >= 0),
    origin TEXT NOT NULL CHECK (origin <> '' AND octet_length(origin) <= 255),
    root BYTEA NOT NULL CHECK (length(root) = 32),
    -- The signed note (c2sp.org/tlog-checkpoint), with the log's signature only.
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
);

CREATE TABLE log_cosignatures (
    size BIGINT NOT NULL REFERENCES log_checkpoints (size),
    witness TEXT NOT NULL CHECK (witness <> '' AND octet_length(witness) <= 255),
    key_id BIGINT NOT NULL CHECK (key_id BETWEEN 0 AND 4294967295),
    timestamp BIGINT NOT NULL CHECK (timestamp > 0),
    -- The whole signature line ("— witness base64"), without its newline.
    line TEXT NOT NULL,
    PRIMARY KEY (size, witness, key_id)
);

-- ---------------------------------------------------------------------
-- The tree: the root of the first size leaves, from the stored hashes of
-- the complete subtrees that make it up (RFC 9162 2.1.1: the left subtree
-- is the largest power of two below the size), folded from the right.
-- ---------------------------------------------------------------------
CREATE FUNCTION alot_log_root(tree_size BIGINT)
RETURNS BYTEA AS $$
DECLARE
    roots BYTEA[] := '{}';
    start BIGINT := 0;
    lvl INT;
    h BYTEA;
    i INT;
BEGIN
    IF tree_size IS NULL OR tree_size < 0 THEN
        RAISE EXCEPTION 'log size % is not a tree size', tree_size
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF tree_size = 0 THEN
        RETURN sha256(''::BYTEA);
    END IF;
    FOR lvl IN REVERSE 62..0 LOOP
        IF (tree_size >> lvl) & 1 = 1 THEN
            SELECT x.hash INTO h FROM log_hashes x WHERE x.level = lvl AND x.idx = start >> lvl;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'log_hashes: hash (%, %) of the tree of size % is missing',
                        lvl, start >> lvl, tree_size
                    USING ERRCODE = 'check_violation';
            END IF;
            roots := roots || h;
            start := start + (1::BIGINT << lvl);
        END IF;
    END LOOP;
    h := roots[array_length(roots, 1)];
    FOR i IN REVERSE array_length(roots, 1) - 1..1 LOOP
        h := sha256('\x01'::BYTEA || roots[i] || h);
    END LOOP;
    RETURN h;
END;
$$ LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp;

-- ---------------------------------------------------------------------
-- Appending.  alot_log_append() appends one record; it runs as its owner
-- (the roles that publish records hold no privilege on the log tables),
-- and only the triggers below may call it.
-- ---------------------------------------------------------------------
CREATE FUNCTION alot_log_append(entry_kind TEXT, room UUID, entry TEXT)
RETURNS BIGINT AS $$
DECLARE
    n BIGINT;
    h BYTEA;
    sibling BYTEA;
    lvl SMALLINT := 0;
    i BIGINT;
BEGIN
    IF octet_length(entry) > 65535 THEN
        RAISE EXCEPTION 'room %: its % record is % bytes: a log entry holds at most 65535',
                room, entry_kind, octet_length(entry)
            USING ERRCODE = 'check_violation',
                  HINT = 'entry bundles (c2sp.org/tlog-tiles) frame each entry with a 16-bit length';
    END IF;
    -- The lock that serializes appends: the next index is the size.
    SELECT x.size INTO n FROM log_head x WHERE x.only_row FOR UPDATE;
    INSERT INTO log_entries (idx, kind, room_id, record, appended_at)
    VALUES (n, entry_kind, room, entry, clock_timestamp() AT TIME ZONE 'UTC');
    h := sha256('\x00'::BYTEA || convert_to(entry, 'UTF8'));
    INSERT INTO log_hashes (level, idx, hash) VALUES (0, n, h);
    -- Each right child completes its parent: one read per level.
    i := n;
    WHILE i & 1 = 1 LOOP
        SELECT x.hash INTO sibling FROM log_hashes x WHERE x.level = lvl AND x.idx = i - 1;
        h := sha256('\x01'::BYTEA || sibling || h);
        lvl := lvl + 1;
        i := i >> 1;
        INSERT INTO log_hashes (level, idx, hash) VALUES (lvl, i, h);
    END LOOP;
    UPDATE log_head SET size = n + 1 WHERE only_row;
    RETURN n;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
REVOKE ALL ON FUNCTION alot_log_append(TEXT, UUID, TEXT) FROM PUBLIC;

-- The row trigger of room_commitments, room_freezes and lottery_draws
-- (also for rows that arrive by COPY).  A row without a record (a draw of
-- the design document's, before the protocol) is not logged.
CREATE FUNCTION alot_log_append_row()
RETURNS TRIGGER AS $$
BEGIN
    IF NEW.record IS NOT NULL THEN
        PERFORM alot_log_append(CASE TG_TABLE_NAME WHEN 'room_commitments' THEN 'commitment'
                                                   WHEN 'room_freezes' THEN 'freeze'
                                                   ELSE 'draw' END,
                                NEW.room_id, NEW.record);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- ---------------------------------------------------------------------
-- What an insert into the log tables must be, whoever makes it.
-- ---------------------------------------------------------------------
-- An entry: the published record of its kind and room, at the next index.
CREATE FUNCTION alot_log_entry_check()
RETURNS TRIGGER AS $$
DECLARE
    head BIGINT;
    published BOOLEAN;
BEGIN
    SELECT x.size INTO head FROM log_head x WHERE x.only_row;
    IF NEW.idx IS DISTINCT FROM head THEN
        RAISE EXCEPTION 'log_entries: entry % is not the next entry (the log holds %)', NEW.idx, head
            USING ERRCODE = 'check_violation';
    END IF;
    -- EXISTS, not a scalar read: a superuser's fixture may hold two rows of a room.
    published := CASE NEW.kind
        WHEN 'commitment' THEN EXISTS (SELECT 1 FROM ONLY room_commitments c
                                        WHERE c.room_id = NEW.room_id AND c.record = NEW.record)
        WHEN 'freeze' THEN EXISTS (SELECT 1 FROM ONLY room_freezes f WHERE f.room_id = NEW.room_id AND f.record = NEW.record)
        WHEN 'draw' THEN EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.room_id = NEW.room_id AND d.record = NEW.record)
        END;
    IF published IS NOT TRUE THEN
        RAISE EXCEPTION 'log_entries: entry % is not the published % record of room %', NEW.idx, NEW.kind, NEW.room_id
            USING ERRCODE = 'check_violation',
                  HINT = 'records are logged by the tables that publish them (room_commitments, room_freezes, lottery_draws)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp; -- reads the published tables

-- A stored hash: the leaf hash of its entry, or the node over its children.
CREATE FUNCTION alot_log_hash_check()
RETURNS TRIGGER AS $$
DECLARE
    want BYTEA;
BEGIN
    IF NEW.level = 0 THEN
        SELECT sha256('\x00'::BYTEA || convert_to(e.record, 'UTF8')) INTO want
          FROM log_entries e WHERE e.idx = NEW.idx;
    ELSE
        SELECT sha256('\x01'::BYTEA || l.hash || r.hash) INTO want
          FROM log_hashes l, log_hashes r
         WHERE l.level = NEW.level - 1 AND l.idx = 2 * NEW.idx
           AND r.level = NEW.level - 1 AND r.idx = 2 * NEW.idx + 1;
    END IF;
    IF want IS DISTINCT FROM NEW.hash THEN
        RAISE EXCEPTION 'log_hashes: hash (%, %) is not the hash of the entries it covers', NEW.level, NEW.idx
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- The head grows by one, over an entry whose hashes are all stored (the
-- highest one it completes implies the others, by alot_log_hash_check).
CREATE FUNCTION alot_log_head_advance()
RETURNS TRIGGER AS $$
DECLARE
    top INT := 0;
    i BIGINT := OLD.size;
BEGIN
    WHILE i & 1 = 1 LOOP
        top := top + 1;
        i := i >> 1;
    END LOOP;
    IF NEW.only_row IS DISTINCT FROM OLD.only_row OR NEW.size IS DISTINCT FROM OLD.size + 1
       OR NOT EXISTS (SELECT 1 FROM log_entries e WHERE e.idx = OLD.size)
       OR NOT EXISTS (SELECT 1 FROM log_hashes x WHERE x.level = top AND x.idx = OLD.size >> top) THEN
        RAISE EXCEPTION 'log_head: the log''s size cannot change from % to %', OLD.size, NEW.size
            USING ERRCODE = 'check_violation',
                  HINT = 'the log grows only by the append of a published record';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- A checkpoint: at most the log's size, the tree's root at that size, one
-- origin for the whole log, and a note whose text starts with them.
CREATE FUNCTION alot_log_checkpoint_check()
RETURNS TRIGGER AS $$
DECLARE
    head BIGINT;
    other TEXT;
BEGIN
    SELECT x.size INTO head FROM log_head x WHERE x.only_row;
    IF NEW.size > head THEN
        RAISE EXCEPTION 'log_checkpoints: size % is beyond the log''s size %', NEW.size, head
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.root IS DISTINCT FROM alot_log_root(NEW.size) THEN
        RAISE EXCEPTION 'log_checkpoints: the root of checkpoint % is not the log''s root at size %', NEW.size, NEW.size
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT c.origin INTO other FROM log_checkpoints c WHERE c.origin <> NEW.origin LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'log_checkpoints: origin "%" is not the log''s origin "%"', NEW.origin, other
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT starts_with(NEW.note, NEW.origin || E'\n' || NEW.size || E'\n' || encode(NEW.root, 'base64') || E'\n') THEN
        RAISE EXCEPTION 'log_checkpoints: the note of checkpoint % does not start with its origin, size and root', NEW.size
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- A cosignature line names its witness.
CREATE FUNCTION alot_log_cosignature_check()
RETURNS TRIGGER AS $$
BEGIN
    IF NOT starts_with(NEW.line, '— ' || NEW.witness || ' ') OR NEW.line ~ E'\n' THEN
        RAISE EXCEPTION 'log_cosignatures: the line of the cosignature of % on checkpoint % is not its signature line',
                NEW.witness, NEW.size
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

-- Rows of the log are never updated, deleted or truncated.
CREATE FUNCTION alot_log_forbid_change()
RETURNS TRIGGER AS $$
BEGIN
    RAISE EXCEPTION '%: the transparency log is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

CREATE TRIGGER trg_log_entries_check BEFORE INSERT ON log_entries
    FOR EACH ROW EXECUTE FUNCTION alot_log_entry_check();
CREATE TRIGGER trg_log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
    FOR EACH ROW EXECUTE FUNCTION alot_log_forbid_change();
CREATE TRIGGER trg_log_entries_no_truncate BEFORE TRUNCATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION alot_log_forbid_change();

CREATE TRIGGER trg_log_hashes_check BEFORE INSERT ON log_hashes
    FOR EACH ROW EXECUTE FUNCTION alot_log_hash_check();
CREATE TRIGGER trg_log_hashes_append_only BEFORE UPDATE OR DELETE ON log_hashes
    FOR EACH ROW EXECUTE FUNCTION alot_log_forbid_change();
CREATE TRIGGER trg_log_hashes_no_truncate BEFORE TRUNCATE ON log_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION alot_log_forbid_change();

CREATE TRIGGER trg_log_head_advance BEFORE UPDATE ON log_head
    FOR EACH ROW EXECUTE FUNCTION alot_log_head_advance();
CREATE TRIGGER trg_log_head_fixed BEFORE INSERT OR DELETE ON log_head
    FOR EACH ROW EXECUTE FUNCTION alot_log_forbid_change();
CREATE TRIGGER trg_log_head_no_truncate BEFORE TRUNCATE ON log_head
    FOR EACH STATEMENT EXECUTE FUNCTION alot_log_forbid_change();

CREATE TRIGGER trg_log_checkpoints_check BEFORE INSERT ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION alot_log_checkpoint_check();
CREATE TRIGGER trg_log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION alot_log_forbid_change();
CREATE TRIGGER trg_log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION alot_log_forbid_change();

CREATE TRIGGER trg_log_cosignatures_check BEFORE INSERT ON log_cosignatures
    FOR EACH ROW EXECUTE FUNCTION alot_log_cosignature_check();
CREATE TRIGGER trg_log_cosignatures_append_only BEFORE UPDATE OR DELETE ON log_cosignatures
    FOR EACH ROW EXECUTE FUNCTION alot_log_forbid_change();
CREATE TRIGGER trg_log_cosignatures_no_truncate BEFORE TRUNCATE ON log_cosignatures
    FOR EACH STATEMENT EXECUTE FUNCTION alot_log_forbid_change();

-- ---------------------------------------------------------------------
-- Backfill: the records published before this migration, in publication
-- order (a commitment before a freeze before a draw at the same time),
-- then the triggers that log every new one.
-- ---------------------------------------------------------------------
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN
        SELECT s.kind, s.room_id, s.record FROM (
            SELECT 'commitment' AS kind, 1 AS rank, c.room_id, c.record, c.committed_at AS at
              FROM ONLY room_commitments c
            UNION ALL
            SELECT 'freeze', 2, f.room_id, f.record, f.frozen_at FROM ONLY room_freezes f
            UNION ALL
            SELECT 'draw', 3, d.room_id, d.record, d.drawn_at FROM ONLY lottery_draws d WHERE d.record IS NOT NULL
        ) s
        ORDER BY s.at NULLS FIRST, s.rank, s.room_id
    LOOP
        PERFORM alot_log_append(r.kind, r.room_id, r.record);
    END LOOP;
END
$$;

CREATE TRIGGER trg_room_commitments_log_append AFTER INSERT ON room_commitments
    FOR EACH ROW EXECUTE FUNCTION alot_log_append_row();
CREATE TRIGGER trg_room_freezes_log_append AFTER INSERT ON room_freezes
    FOR EACH ROW EXECUTE FUNCTION alot_log_append_row();
CREATE TRIGGER trg_lottery_draws_log_append AFTER INSERT ON lottery_draws
    FOR EACH ROW EXECUTE FUNCTION alot_log_append_row();

-- The guard of 0011 keeps these triggers, and so the log tables.
INSERT INTO alot_protected_trigger (table_name, trigger_name) VALUES
    ('room_commitments', 'trg_room_commitments_log_append'),
    ('room_freezes', 'trg_room_freezes_log_append'),
    ('lottery_draws', 'trg_lottery_draws_log_append'),
    ('log_entries', 'trg_log_entries_check'),
    ('log_entries', 'trg_log_entries_append_only'),
    ('log_entries', 'trg_log_entries_no_truncate'),
    ('log_hashes', 'trg_log_hashes_check'),
    ('log_hashes', 'trg_log_hashes_append_only'),
    ('log_hashes', 'trg_log_hashes_no_truncate'),
    ('log_head', 'trg_log_head_advance'),
    ('log_head', 'trg_log_head_fixed'),
    ('log_head', 'trg_log_head_no_truncate'),
    ('log_checkpoints', 'trg_log_checkpoints_check'),
    ('log_checkpoints', 'trg_log_checkpoints_append_only'),
    ('log_checkpoints', 'trg_log_checkpoints_no_truncate'),
    ('log_cosignatures', 'trg_log_cosignatures_check'),
    ('log_cosignatures', 'trg_log_cosignatures_append_only'),
    ('log_cosignatures', 'trg_log_cosignatures_no_truncate');

-- ---------------------------------------------------------------------
-- Least privilege.
-- ---------------------------------------------------------------------
REVOKE ALL ON log_entries, log_hashes, log_head, log_checkpoints, log_cosignatures FROM PUBLIC;
GRANT SELECT ON log_entries, log_hashes, log_head, log_checkpoints, log_cosignatures TO alot_draw, alot_auditor;
GRANT INSERT ON log_checkpoints, log_cosignatures TO alot_draw;
GRANT SELECT ON log_entries, log_checkpoints TO alot_app;
