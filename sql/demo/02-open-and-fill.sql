-- 02-open-and-fill.sql - demo data, part 2: rooms open (their server seeds
-- are committed by now), buyers buy with cash, credits and trivia, three
-- rooms fund, one expires and is refunded, one is refunding, and every
-- credit balance follows from its transactions.

CREATE FUNCTION pg_temp.id(label TEXT) RETURNS UUID AS $$
    SELECT md5(label)::uuid
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION pg_temp.user_id(i INTEGER) RETURNS UUID AS $$
    SELECT md5('user' || i)::uuid
$$ LANGUAGE sql IMMUTABLE;

-- One credit transaction from the user's current balance (the schema's
-- trigger refuses any other balance_before).
CREATE FUNCTION pg_temp.credit(p_user UUID, p_amount INTEGER, p_type TEXT,
                               p_room UUID DEFAULT NULL, p_entry UUID DEFAULT NULL,
                               p_purchase UUID DEFAULT NULL, p_description TEXT DEFAULT NULL)
RETURNS VOID AS $$
DECLARE
    before INTEGER;
BEGIN
    SELECT COALESCE((SELECT balance FROM user_universal_credits WHERE user_id = p_user), 0) INTO before;
    INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type,
                                     room_id, room_entry_id, purchase_id, description)
    VALUES (p_user, p_amount, before, before + p_amount, p_type, p_room, p_entry, p_purchase, p_description);
END;
$$ LANGUAGE plpgsql;

-- A purchase of p_tickets tickets ($1 or 100 credits a ticket; trivia: one free ticket).
CREATE FUNCTION pg_temp.buy(p_room UUID, p_user UUID, p_tickets INTEGER, p_method TEXT)
RETURNS VOID AS $$
DECLARE
    purchase UUID;
    entry room_entries;
BEGIN
    IF p_method = 'cash' THEN
        INSERT INTO room_entry_purchases (room_id, user_id, amount, status, stripe_payment_intent_id,
                                          stripe_charge_id, completed_at, metadata)
        VALUES (p_room, p_user, p_tickets, 'succeeded', 'pi_' || md5(random()::text),
                'ch_' || md5(random()::text), clock_timestamp(), '{"channel": "web"}')
        RETURNING id INTO purchase;
        PERFORM allocate_room_entry(p_room, p_user, p_tickets, 'cash', p_tickets, 0, purchase);
    ELSIF p_method = 'credits' THEN
        entry := allocate_room_entry(p_room, p_user, p_tickets, 'credits', NULL, p_tickets * 100);
        PERFORM pg_temp.credit(p_user, -p_tickets * 100, 'entry_purchase', p_room, entry.id,
                               NULL, 'tickets bought with credits');
    ELSE
        INSERT INTO room_trivia_attempts (room_id, user_id, attempt_number, answer_submitted, is_correct)
        VALUES (p_room, p_user,
                1 + (SELECT count(*) FROM room_trivia_attempts WHERE room_id = p_room AND user_id = p_user),
                'correct answer', true);
        PERFORM allocate_room_entry(p_room, p_user, 1, 'trivia');
    END IF;
END;
$$ LANGUAGE plpgsql;

-- Welcome credits for every third buyer.
SELECT pg_temp.credit(pg_temp.user_id(i), 1500, 'admin_grant', NULL, NULL, NULL, 'welcome credits')
  FROM generate_series(3, 40, 3) AS i;

UPDATE rooms SET status = 'open', opened_at = created_at + INTERVAL '1 day'
 WHERE id <> pg_temp.id('room:next');

-- Buyers, in a fixed order: cash mostly, credits for those who have them, trivia now and then.
DO $$
DECLARE
    rooms UUID[] := ARRAY[pg_temp.id('room:sub'), pg_temp.id('room:birkin'), pg_temp.id('room:aj1'),
                          pg_temp.id('room:speedy'), pg_temp.id('room:flap'), pg_temp.id('room:ts'),
                          pg_temp.id('room:ts2')];
    buys INTEGER[] := ARRAY[22, 26, 18, 12, 10, 14, 12];
    r INTEGER;
    b INTEGER;
    buyer INTEGER;
BEGIN
    FOR r IN 1 .. array_length(rooms, 1) LOOP
        FOR b IN 1 .. buys[r] LOOP
            buyer := 1 + (r * 7 + b * 3) % 40;
            IF b % 6 = 0 THEN
                PERFORM pg_temp.buy(rooms[r], pg_temp.user_id(buyer), 1, 'trivia');
            ELSIF buyer % 3 = 0 AND b % 2 = 0
                  AND (SELECT balance FROM user_universal_credits WHERE user_id = pg_temp.user_id(buyer)) >= 500 THEN
                PERFORM pg_temp.buy(rooms[r], pg_temp.user_id(buyer), 5, 'credits');
            ELSE
                PERFORM pg_temp.buy(rooms[r], pg_temp.user_id(buyer), CASE WHEN b % 4 = 0 THEN 2 ELSE 5 END, 'cash');
            END IF;
        END LOOP;
    END LOOP;
END
$$;

-- Rooms that reached their target are funded.
UPDATE rooms SET status = 'funded', funded_at = clock_timestamp()
 WHERE status = 'open' AND current_funding >= funding_target;

-- The two Travis Scott rooms' deadlines come 5 seconds after the catalog
-- (01-catalog.sql): their tickets were sold before it, and they missed
-- their target; the demo waits for the deadline to pass, as a platform
-- would, before they expire.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM room_entries e JOIN rooms r ON r.id = e.room_id WHERE e.created_at > r.deadline) THEN
        RAISE EXCEPTION 'the demo sold tickets after the Travis Scott rooms'' deadline: it ran for more than 5 seconds';
    END IF;
END
$$;
SELECT pg_sleep(greatest(0, extract(epoch FROM max(deadline) - clock_timestamp()::timestamp)) + 0.01)
  FROM rooms WHERE id IN (pg_temp.id('room:ts'), pg_temp.id('room:ts2'));

-- The Travis Scott room is past its deadline: expired, every buyer refunded,
-- in cash or, by choice, in credits (100 credits a dollar).
UPDATE rooms SET status = 'expired', expired_at = deadline WHERE id = pg_temp.id('room:ts');
UPDATE room_entry_purchases
   SET refund_eligible = true,
       refund_choice = CASE WHEN ascii(stripe_payment_intent_id::text) % 2 = 0 OR user_id = pg_temp.user_id(8)
                            THEN 'credits' ELSE 'cash' END
 WHERE room_id = pg_temp.id('room:ts');
UPDATE room_entry_purchases
   SET status = 'refunded', refunded_amount = amount, refunded_at = clock_timestamp(),
       stripe_refund_id = CASE WHEN refund_choice = 'cash' THEN 're_' || md5(id::text) END,
       credits_converted = CASE WHEN refund_choice = 'credits' THEN (amount * 100)::INTEGER END,
       updated_at = clock_timestamp()
 WHERE room_id = pg_temp.id('room:ts');
SELECT pg_temp.credit(user_id, credits_converted, 'expired_conversion', room_id, NULL, id,
                      'refund of an expired lot, as credits')
  FROM (SELECT * FROM room_entry_purchases
         WHERE room_id = pg_temp.id('room:ts') AND refund_choice = 'credits'
         ORDER BY created_at, id) AS p;

-- The second Travis Scott room is refunding: some buyers have chosen, others not yet.
UPDATE rooms SET status = 'refunding', expired_at = deadline WHERE id = pg_temp.id('room:ts2');
UPDATE room_entry_purchases SET refund_eligible = true WHERE room_id = pg_temp.id('room:ts2');
UPDATE room_entry_purchases
   SET refund_choice = 'cash', status = 'refunded', refunded_amount = amount,
       refunded_at = clock_timestamp(), stripe_refund_id = 're_' || md5(id::text)
 WHERE id IN (SELECT id FROM room_entry_purchases WHERE room_id = pg_temp.id('room:ts2')
              ORDER BY created_at, id LIMIT 4);

-- Reveal cards: one per buyer and room, pending until the draw.
INSERT INTO reveals (user_id, room_id, room_entry_id, status)
SELECT DISTINCT ON (room_id, user_id) user_id, room_id, id, 'pending'
  FROM room_entries
 ORDER BY room_id, user_id, tickets_start;
