-- 0016_audit_indexes.sql - indexes for the references the audit counts
-- (alot-ledger, docs/ledger.md, "The rules of the books").
--
-- Each entry is charged, or paid its award, by exactly one credit
-- transaction, each refunded purchase converted by exactly one, and each
-- paid purchase pays exactly one entry.  Checking "exactly one" for the
-- users or rooms the audit's scan nominates looks the rows up by the row
-- they refer to; the design document indexes none of these foreign keys,
-- so without these each lookup would read the whole table.  They also
-- serve the platform: every ON DELETE or UPDATE of an entry or purchase
-- checks its referencing rows through them.
CREATE INDEX idx_credit_tx_entry ON credit_transactions(room_entry_id) WHERE room_entry_id IS NOT NULL;
CREATE INDEX idx_credit_tx_purchase ON credit_transactions(purchase_id) WHERE purchase_id IS NOT NULL;
CREATE INDEX idx_room_entries_purchase ON room_entries(purchase_id) WHERE purchase_id IS NOT NULL;
