-- generate.sql - the ledger benchmark's database, consistent in every check
-- alot-ledger makes (so the audit measures a clean pass), generated with
-- SQL: :users users, each with 10 credit transactions and one room entry;
-- :rooms rooms of 10 entries of 2 tickets.  Every third entry is paid in
-- cash (a succeeded purchase of $2.00), every third-but-one with 200
-- credits (an entry_purchase transaction), the others won by trivia.
-- psql -v users=N -v rooms=M -f generate.sql; users = 10 * rooms.
\set ON_ERROR_STOP on
-- A bulk load of rows known to be consistent: no per-row foreign-key or user triggers.
SET session_replication_role = replica;

-- User u holds entry k = (u - 1) % 10 + 1 of room g = (u - 1) / 10 + 1.
CREATE TEMP TABLE plan AS
SELECT u, (u - 1) / 10 + 1 AS g, (u - 1) % 10 + 1 AS k,
       CASE (u - 1) % 10 % 3 WHEN 2 THEN 'cash' WHEN 0 THEN 'credits' ELSE 'trivia' END AS kind
  FROM generate_series(1, :users) u;

INSERT INTO users (id, email, hashed_password, total_entries, total_spent)
SELECT md5('u' || u)::uuid, 'u' || u || '@bench.example', 'x', 1, CASE kind WHEN 'cash' THEN 2 ELSE 0 END
  FROM plan;
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('00000000-0000-4000-8000-00000000b0b0', 'Bench', 'watch', 'ICON', 100, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, status, entry_bundles, created_at, opened_at,
                   total_tickets, total_participants, current_funding)
SELECT md5('r' || g)::uuid, '00000000-0000-4000-8000-00000000b0b0', 100, '2030-01-01', 'open', '[]',
       '2026-01-01', '2026-01-02', 20, 10, 6
  FROM generate_series(1, :rooms) g;
-- Each room's seed commitment, made before it opened: room-dates reads its
-- time.  No room is drawn, so no check reads the record or the sealed seed,
-- and they hold fixed bytes of the right shapes, not a real commitment.
INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,
                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)
SELECT md5('r' || g)::uuid, 1, repeat('0', 64), 'none', repeat('0', 16),
       decode(repeat('00', 32), 'hex'), decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'),
       '2026-01-01 12:00', ''
  FROM generate_series(1, :rooms) g;
INSERT INTO room_entry_purchases (id, room_id, user_id, amount, status, created_at)
SELECT md5('p' || u)::uuid, md5('r' || g)::uuid, md5('u' || u)::uuid, 2, 'succeeded', '2026-01-03'
  FROM plan WHERE kind = 'cash';
INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type,
                          amount_paid, credits_spent, purchase_id, created_at)
SELECT md5('e' || u)::uuid, md5('r' || g)::uuid, md5('u' || u)::uuid, 2 * k - 1, 2 * k, 2, kind,
       CASE kind WHEN 'cash' THEN 2 END, CASE kind WHEN 'credits' THEN 200 ELSE 0 END,
       CASE kind WHEN 'cash' THEN md5('p' || u)::uuid END, '2026-01-03'
  FROM plan;
-- Ten transactions a user: a grant of 1000, then the entry's 200 credits
-- (or a grant of 100), then grants of 100; the balances chain from 0.
INSERT INTO credit_transactions (id, user_id, amount, balance_before, balance_after, transaction_type,
                                 room_id, room_entry_id, created_at)
SELECT md5('t' || u || '-' || n)::uuid, md5('u' || u)::uuid, a.amount, a.before, a.before + a.amount,
       CASE WHEN n = 2 AND kind = 'credits' THEN 'entry_purchase' ELSE 'admin_grant' END,
       CASE WHEN n = 2 AND kind = 'credits' THEN md5('r' || g)::uuid END,
       CASE WHEN n = 2 AND kind = 'credits' THEN md5('e' || u)::uuid END,
       timestamp '2026-01-01' + n * interval '1 minute'
  FROM plan, generate_series(1, 10) n,
       LATERAL (SELECT CASE WHEN n = 1 THEN 1000 WHEN n = 2 AND kind = 'credits' THEN -200 ELSE 100 END AS amount,
                       CASE WHEN n = 1 THEN 0 WHEN n = 2 THEN 1000
                            ELSE 1000 + CASE kind WHEN 'credits' THEN -200 ELSE 100 END + 100 * (n - 3) END AS before) a;
INSERT INTO user_universal_credits (user_id, balance, total_earned, total_spent)
SELECT md5('u' || u)::uuid, CASE kind WHEN 'credits' THEN 1600 ELSE 1900 END,
       CASE kind WHEN 'credits' THEN 1800 ELSE 1900 END, CASE kind WHEN 'credits' THEN 200 ELSE 0 END
  FROM plan;
VACUUM ANALYZE;
