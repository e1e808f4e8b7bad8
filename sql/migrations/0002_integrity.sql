-- 0002_integrity.sql - fix the design document's measured defects (b-g) and
-- add the constraints a real platform needs where the document is silent.
-- docs/schema.md explains each change.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- ---------------------------------------------------------------------
-- Closed value sets: the document lists them in comments only.
-- ---------------------------------------------------------------------
ALTER TABLE users ADD CONSTRAINT chk_users_status
    CHECK (status IN ('active', 'suspended', 'banned'));
ALTER TABLE product_classes ADD CONSTRAINT chk_products_tier
    CHECK (tier IN ('ICON', 'RARE', 'GRAIL', 'MYTHIC'));
ALTER TABLE product_classes ADD CONSTRAINT chk_products_condition
    CHECK (condition IN ('new', 'excellent', 'good', 'fair'));
ALTER TABLE rooms ADD CONSTRAINT chk_rooms_lot_type
    CHECK (lot_type IN ('known', 'mystery'));
ALTER TABLE rooms ADD CONSTRAINT chk_rooms_status
    CHECK (status IN ('created', 'open', 'funded', 'drawing', 'settled',
                      'expired', 'refunding', 'closed'));
ALTER TABLE rooms ADD CONSTRAINT chk_rooms_visibility
    CHECK (visibility IN ('public', 'private', 'unlisted'));
ALTER TABLE rooms ADD CONSTRAINT chk_rooms_counters
    CHECK (total_tickets >= 0 AND total_participants >= 0);
ALTER TABLE room_entries ADD CONSTRAINT chk_entries_purchase_type
    CHECK (purchase_type IN ('cash', 'credits', 'trivia'));
ALTER TABLE room_entries ADD CONSTRAINT chk_entries_tickets_positive
    CHECK (tickets_start >= 1 AND ticket_count >= 1);
ALTER TABLE room_entries ADD CONSTRAINT chk_entries_amounts
    CHECK ((amount_paid IS NULL OR amount_paid >= 0)
           AND credits_spent >= 0 AND credits_awarded >= 0);
-- A cash entry has an amount; credit and trivia entries have none.
ALTER TABLE room_entries ADD CONSTRAINT chk_entries_payment
    CHECK ((purchase_type = 'cash') = (amount_paid IS NOT NULL));
ALTER TABLE room_entry_purchases ADD CONSTRAINT chk_purchases_status
    CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded',
                      'partially_refunded'));
ALTER TABLE room_entry_purchases ADD CONSTRAINT chk_purchases_refund_choice
    CHECK (refund_choice IN ('cash', 'credits'));
ALTER TABLE room_entry_purchases ADD CONSTRAINT chk_purchases_dispute_status
    CHECK (dispute_status IN ('needs_response', 'under_review', 'won', 'lost'));
ALTER TABLE room_entry_purchases ADD CONSTRAINT chk_purchases_amounts
    CHECK (amount >= 0
           AND (refunded_amount IS NULL OR refunded_amount BETWEEN 0 AND amount)
           AND (credits_converted IS NULL OR credits_converted >= 0));
ALTER TABLE credit_transactions ADD CONSTRAINT chk_credit_tx_type
    CHECK (transaction_type IN ('lot_settlement', 'expired_conversion',
                                'entry_purchase', 'admin_grant', 'admin_deduct',
                                'redemption', 'expiry'));
ALTER TABLE credit_transactions ADD CONSTRAINT chk_credit_tx_balances
    CHECK (balance_before >= 0 AND balance_after >= 0);
ALTER TABLE user_universal_credits ADD CONSTRAINT chk_credit_totals
    CHECK (total_earned >= 0 AND total_spent >= 0 AND total_expired >= 0);
ALTER TABLE reveals ADD CONSTRAINT chk_reveals_status
    CHECK (status IN ('pending', 'revealed_lost', 'revealed_won', 'claimed',
                      'fulfillment', 'shipped', 'delivered'));
ALTER TABLE reveals ADD CONSTRAINT chk_reveals_delivery_confirmed_by
    CHECK (delivery_confirmed_by IN ('carrier', 'user'));
ALTER TABLE reveals ADD CONSTRAINT chk_reveals_issue_type
    CHECK (issue_type IN ('damaged', 'lost', 'wrong_item', 'not_authentic'));
ALTER TABLE hosts ADD CONSTRAINT chk_hosts_status
    CHECK (status IN ('pending', 'approved', 'suspended', 'banned'));
ALTER TABLE admin_users ADD CONSTRAINT chk_admin_role
    CHECK (role IN ('super_admin', 'admin', 'moderator', 'support'));
ALTER TABLE admin_users ADD CONSTRAINT chk_admin_permissions_object
    CHECK (jsonb_typeof(permissions) = 'object');

-- ---------------------------------------------------------------------
-- Defect c: ticket ranges of one room never overlap ...
-- ---------------------------------------------------------------------
ALTER TABLE room_entries ADD CONSTRAINT excl_room_entries_no_overlap
    EXCLUDE USING gist (room_id WITH =,
                        int4range(tickets_start, tickets_end, '[]') WITH &&);

-- Defect g: one row per (room, user), so that total_participants is
-- maintained in O(1) instead of a COUNT(DISTINCT) over the whole room.
CREATE TABLE room_participants (
    room_id UUID NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id),
    entry_count INTEGER NOT NULL CHECK (entry_count > 0),
    PRIMARY KEY (room_id, user_id)
);
INSERT INTO room_participants (room_id, user_id, entry_count)
SELECT room_id, user_id, COUNT(*) FROM room_entries GROUP BY room_id, user_id;

-- ... and leave no gap: a new entry starts right after the room's last
-- ticket.  The room row is locked first, so concurrent purchases in one
-- room are serialized and can never be handed the same range.
CREATE OR REPLACE FUNCTION check_room_entry_range()
RETURNS TRIGGER AS $$
DECLARE
    last_end INTEGER;
BEGIN
    PERFORM 1 FROM rooms WHERE id = NEW.room_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'room % does not exist', NEW.room_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT e.tickets_end INTO last_end
      FROM room_entries e
     WHERE e.room_id = NEW.room_id
     ORDER BY e.tickets_start DESC
     LIMIT 1;
    IF NEW.tickets_start <> COALESCE(last_end, 0) + 1 THEN
        RAISE EXCEPTION 'room %: entry tickets %-% do not continue the room''s tickets 1-%',
                NEW.room_id, NEW.tickets_start, NEW.tickets_end, COALESCE(last_end, 0)
            USING ERRCODE = 'check_violation',
                  HINT = 'allocate tickets with allocate_room_entry()';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_check_room_entry_range
BEFORE INSERT ON room_entries
FOR EACH ROW
EXECUTE FUNCTION check_room_entry_range();

-- Ticket ranges are frozen once sold: a draw's ticket ledger must not move.
CREATE OR REPLACE FUNCTION freeze_room_entry_range()
RETURNS TRIGGER AS $$
BEGIN
    IF (NEW.room_id, NEW.user_id, NEW.tickets_start, NEW.tickets_end, NEW.ticket_count)
       IS DISTINCT FROM
       (OLD.room_id, OLD.user_id, OLD.tickets_start, OLD.tickets_end, OLD.ticket_count) THEN
        RAISE EXCEPTION 'room entry %: room, user and tickets cannot change once sold', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_freeze_room_entry_range
BEFORE UPDATE ON room_entries
FOR EACH ROW
EXECUTE FUNCTION freeze_room_entry_range();

-- Allocate the next ticket_count tickets of a room to a user, safely under
-- concurrency, and return the new entry.
CREATE OR REPLACE FUNCTION allocate_room_entry(
    p_room_id UUID, p_user_id UUID, p_ticket_count INTEGER,
    p_purchase_type VARCHAR, p_amount_paid DECIMAL DEFAULT NULL,
    p_credits_spent INTEGER DEFAULT 0, p_purchase_id UUID DEFAULT NULL)
RETURNS room_entries AS $$
DECLARE
    room_status VARCHAR;
    last_end INTEGER;
    entry room_entries;
BEGIN
    IF p_ticket_count IS NULL OR p_ticket_count < 1 THEN
        RAISE EXCEPTION 'ticket count must be at least 1, not %', p_ticket_count
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT status INTO room_status FROM rooms WHERE id = p_room_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'room % does not exist', p_room_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF room_status <> 'open' THEN
        RAISE EXCEPTION 'room % is %, not open: no tickets can be sold', p_room_id, room_status
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT e.tickets_end INTO last_end
      FROM room_entries e
     WHERE e.room_id = p_room_id
     ORDER BY e.tickets_start DESC
     LIMIT 1;
    last_end := COALESCE(last_end, 0);
    IF last_end::BIGINT + p_ticket_count > 2147483647 THEN
        RAISE EXCEPTION 'room %: % more tickets would pass 2147483647', p_room_id, p_ticket_count
            USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count,
                              purchase_type, amount_paid, credits_spent, purchase_id)
    VALUES (p_room_id, p_user_id, last_end + 1, last_end + p_ticket_count, p_ticket_count,
            p_purchase_type, p_amount_paid, COALESCE(p_credits_spent, 0), p_purchase_id)
    RETURNING * INTO entry;
    RETURN entry;
END;
$$ LANGUAGE plpgsql;

-- ---------------------------------------------------------------------
-- Defects b and g: every entry counts (cash, credits and trivia), and the
-- participant count is maintained incrementally.  The user's stats are
-- maintained here too: the document never updates them.
-- ---------------------------------------------------------------------
DROP TRIGGER trg_update_room_funding ON room_entries;

CREATE OR REPLACE FUNCTION update_room_funding()
RETURNS TRIGGER AS $$
DECLARE
    first_entry BOOLEAN;
BEGIN
    INSERT INTO room_participants AS p (room_id, user_id, entry_count)
    VALUES (NEW.room_id, NEW.user_id, 1)
    ON CONFLICT (room_id, user_id)
    DO UPDATE SET entry_count = p.entry_count + 1
    RETURNING p.entry_count = 1 INTO first_entry;

    UPDATE rooms
       SET current_funding = current_funding + COALESCE(NEW.amount_paid, 0),
           total_tickets = total_tickets + NEW.ticket_count,
           total_participants = total_participants + CASE WHEN first_entry THEN 1 ELSE 0 END
     WHERE id = NEW.room_id;

    UPDATE users
       SET total_entries = total_entries + 1,
           total_spent = total_spent + COALESCE(NEW.amount_paid, 0)
     WHERE id = NEW.user_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_update_room_funding
AFTER INSERT ON room_entries
FOR EACH ROW
EXECUTE FUNCTION update_room_funding();

-- ---------------------------------------------------------------------
-- Defects e and f: a credit transaction must start from the user's current
-- balance, under a row lock (no lost update), creates the user's credits
-- row when there is none (no vanished credits), and maintains the totals:
--   total_earned  = sum of amount  where amount > 0
--   total_expired = sum of -amount where transaction_type = 'expiry'
--   total_spent   = sum of -amount where amount < 0 and type <> 'expiry'
-- so that balance = total_earned - total_spent - total_expired.
-- ---------------------------------------------------------------------
DROP TRIGGER trg_update_credit_balance ON credit_transactions;

CREATE OR REPLACE FUNCTION update_credit_balance()
RETURNS TRIGGER AS $$
DECLARE
    current_balance INTEGER;
BEGIN
    INSERT INTO user_universal_credits (user_id) VALUES (NEW.user_id)
    ON CONFLICT (user_id) DO NOTHING;
    SELECT balance INTO current_balance
      FROM user_universal_credits
     WHERE user_id = NEW.user_id
       FOR UPDATE;
    -- The ledger is ordered by (created_at, id): a back-dated row would
    -- reorder history that balances were already computed from.
    IF EXISTS (SELECT 1 FROM credit_transactions t
                WHERE t.user_id = NEW.user_id AND t.created_at > NEW.created_at) THEN
        RAISE EXCEPTION 'credit transaction for user %: created_at % is before the user''s latest transaction',
                NEW.user_id, NEW.created_at
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.balance_before IS DISTINCT FROM current_balance THEN
        RAISE EXCEPTION 'credit transaction for user %: balance_before % is not the current balance %',
                NEW.user_id, NEW.balance_before, current_balance
            USING ERRCODE = 'check_violation',
                  HINT = 'read the balance and insert in one transaction, then retry';
    END IF;
    UPDATE user_universal_credits
       SET balance = NEW.balance_after,
           total_earned = total_earned + GREATEST(NEW.amount, 0),
           total_spent = total_spent
                         + CASE WHEN NEW.amount < 0 AND NEW.transaction_type <> 'expiry'
                                THEN -NEW.amount ELSE 0 END,
           total_expired = total_expired
                           + CASE WHEN NEW.transaction_type = 'expiry'
                                  THEN -NEW.amount ELSE 0 END,
           updated_at = NOW()
     WHERE user_id = NEW.user_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- BEFORE, not AFTER: a rejected transaction is never inserted.
CREATE TRIGGER trg_update_credit_balance
BEFORE INSERT ON credit_transactions
FOR EACH ROW
EXECUTE FUNCTION update_credit_balance();

-- The ledger is append-only: a correction is a new transaction.
CREATE OR REPLACE FUNCTION forbid_credit_transaction_change()
RETURNS TRIGGER AS $$
BEGIN
    RAISE EXCEPTION 'credit transactions are append-only: insert a correcting transaction instead'
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_credit_transactions_append_only
BEFORE UPDATE OR DELETE ON credit_transactions
FOR EACH ROW
EXECUTE FUNCTION forbid_credit_transaction_change();

-- The audit orders each user's ledger by (created_at, id).  NOW() is the
-- transaction's start, so rows written by one transaction would all tie and
-- fall back to random id order: the clock is taken per row instead.
ALTER TABLE credit_transactions ALTER COLUMN created_at SET DEFAULT clock_timestamp();
ALTER TABLE room_entries ALTER COLUMN created_at SET DEFAULT clock_timestamp();
CREATE INDEX idx_credit_tx_user_created ON credit_transactions(user_id, created_at, id);

-- ---------------------------------------------------------------------
-- Defect d: only entries in open rooms are active.
-- ---------------------------------------------------------------------
CREATE OR REPLACE VIEW v_user_dashboard AS
SELECT
    u.id AS user_id,
    u.username,
    u.total_entries,
    u.total_won,
    uc.balance AS credit_balance,
    COUNT(DISTINCT re.room_id) FILTER (WHERE r.status = 'open') AS active_lots,
    COALESCE(SUM(re.ticket_count) FILTER (WHERE r.status = 'open'), 0) AS total_active_tickets
FROM users u
LEFT JOIN user_universal_credits uc ON u.id = uc.user_id
LEFT JOIN room_entries re ON u.id = re.user_id
LEFT JOIN rooms r ON re.room_id = r.id
GROUP BY u.id, u.username, u.total_entries, u.total_won, uc.balance;
