-- pure-sql-audit.sql - the floor to beat: the core checks of alot-ledger as
-- plain SQL, each result counted (the benchmark runs it in one snapshot).
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) AS credit_arithmetic FROM credit_transactions WHERE balance_after <> balance_before + amount;
SELECT count(*) AS credit_chain FROM (
  SELECT balance_before, lag(balance_after, 1, 0) OVER (PARTITION BY user_id ORDER BY created_at, id) AS prev
    FROM credit_transactions) c WHERE balance_before <> prev;
SELECT count(*) AS credit_negative FROM credit_transactions WHERE balance_before < 0 OR balance_after < 0;
SELECT count(*) AS credit_balance FROM user_universal_credits c
  LEFT JOIN (SELECT DISTINCT ON (user_id) user_id, balance_after FROM credit_transactions
             ORDER BY user_id, created_at DESC, id DESC) l ON l.user_id = c.user_id
 WHERE c.balance <> coalesce(l.balance_after, 0);
SELECT count(*) AS credit_totals FROM user_universal_credits c
  LEFT JOIN (SELECT user_id, sum(greatest(amount, 0)) AS earned FROM credit_transactions GROUP BY user_id) m
    ON m.user_id = c.user_id WHERE c.total_earned <> coalesce(m.earned, 0);
SELECT count(*) AS room_coverage FROM (
  SELECT tickets_start, lag(tickets_end, 1, 0) OVER (PARTITION BY room_id ORDER BY tickets_start, id) AS prev
    FROM room_entries) e WHERE tickets_start <> prev + 1;
SELECT count(*) AS room_counters FROM rooms r
  LEFT JOIN (SELECT room_id, sum(ticket_count) AS t, count(DISTINCT user_id) AS p FROM room_entries GROUP BY room_id) a
    ON a.room_id = r.id WHERE r.total_tickets <> coalesce(a.t, 0) OR r.total_participants <> coalesce(a.p, 0);
SELECT count(*) AS user_stats FROM users u
  LEFT JOIN (SELECT user_id, count(*) AS n FROM room_entries GROUP BY user_id) e ON e.user_id = u.id
 WHERE u.total_entries <> coalesce(e.n, 0);
COMMIT;
