-- pure-sql-audit.sql - the floor to beat: the checks of alot-ledger as the
-- plain SQL a database administrator would write, one query per check,
-- each counting the rows that break it, in one snapshot.  Every check is
-- here but draw-protocol (signatures and Merkle roots are not SQL).
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) AS credit_arithmetic FROM credit_transactions WHERE balance_after <> balance_before + amount;
SELECT count(*) AS credit_chain FROM (
  SELECT balance_before, lag(balance_after, 1, 0) OVER (PARTITION BY user_id ORDER BY created_at, id) AS prev
    FROM credit_transactions) c WHERE balance_before <> prev;
SELECT count(*) AS credit_negative FROM credit_transactions WHERE balance_before < 0 OR balance_after < 0;
SELECT count(*) AS credit_balance FROM user_universal_credits c
  LEFT JOIN (SELECT DISTINCT ON (user_id) user_id, balance_after FROM credit_transactions
             ORDER BY user_id, created_at DESC, id DESC) l ON l.user_id = c.user_id
 WHERE coalesce(c.balance, 0) <> coalesce(l.balance_after, 0);
SELECT count(*) AS credit_totals FROM user_universal_credits c
  LEFT JOIN (SELECT user_id, sum(greatest(amount, 0)) AS earned,
                    sum(CASE WHEN amount < 0 AND transaction_type <> 'expiry' THEN -amount ELSE 0 END) AS spent,
                    sum(CASE WHEN transaction_type = 'expiry' THEN -amount ELSE 0 END) AS expired
               FROM credit_transactions GROUP BY user_id) m ON m.user_id = c.user_id
 WHERE coalesce(c.total_earned, 0) <> coalesce(m.earned, 0) OR coalesce(c.total_spent, 0) <> coalesce(m.spent, 0)
    OR coalesce(c.total_expired, 0) <> coalesce(m.expired, 0);
SELECT count(DISTINCT t.user_id) AS credit_missing_account FROM credit_transactions t
 WHERE NOT EXISTS (SELECT 1 FROM user_universal_credits c WHERE c.user_id = t.user_id);
SELECT count(*) AS credit_unknown_type FROM credit_transactions
 WHERE transaction_type NOT IN ('lot_settlement', 'expired_conversion', 'entry_purchase', 'admin_grant',
                                'admin_deduct', 'redemption', 'expiry');
SELECT (SELECT count(*) FROM credit_transactions
         WHERE (transaction_type IN ('lot_settlement', 'expired_conversion', 'admin_grant') AND amount <= 0)
            OR (transaction_type IN ('entry_purchase', 'admin_deduct', 'redemption', 'expiry') AND amount >= 0))
     + (SELECT count(*) FROM room_entries e
         WHERE e.credits_awarded > 0
           AND (NOT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = e.room_id)
                OR EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = e.room_id AND d.winner_entry_id = e.id)))
       AS credit_types;
SELECT (SELECT count(*) FROM credit_transactions t LEFT JOIN room_entries e ON e.id = t.room_entry_id
         WHERE t.transaction_type = 'entry_purchase'
           AND (e.id IS NULL OR e.user_id <> t.user_id OR e.room_id IS DISTINCT FROM t.room_id
                OR coalesce(e.credits_spent, 0) <> -t.amount))
     + (SELECT count(*) FROM credit_transactions t LEFT JOIN room_entries e ON e.id = t.room_entry_id
         WHERE t.transaction_type = 'lot_settlement'
           AND (e.id IS NULL OR e.user_id <> t.user_id OR e.room_id IS DISTINCT FROM t.room_id
                OR coalesce(e.credits_awarded, 0) <> t.amount))
     + (SELECT count(*) FROM credit_transactions t LEFT JOIN room_entry_purchases p ON p.id = t.purchase_id
         WHERE t.transaction_type = 'expired_conversion'
           AND (p.id IS NULL OR p.user_id <> t.user_id OR p.room_id IS DISTINCT FROM t.room_id
                OR coalesce(p.credits_converted, 0) <> t.amount))
     -- each entry or purchase charged, paid or converted once: the copies past the first
     + (SELECT coalesce(sum(n - 1), 0) FROM (
          SELECT count(*) AS n FROM credit_transactions t
            JOIN room_entries e ON e.id = t.room_entry_id AND e.user_id = t.user_id AND e.room_id = t.room_id
           WHERE (t.transaction_type = 'entry_purchase' AND coalesce(e.credits_spent, 0) = -t.amount)
              OR (t.transaction_type = 'lot_settlement' AND coalesce(e.credits_awarded, 0) = t.amount)
           GROUP BY t.transaction_type, e.id HAVING count(*) > 1) d)
     + (SELECT coalesce(sum(n - 1), 0) FROM (
          SELECT count(*) AS n FROM credit_transactions t
            JOIN room_entry_purchases p ON p.id = t.purchase_id AND p.user_id = t.user_id AND p.room_id = t.room_id
           WHERE t.transaction_type = 'expired_conversion' AND coalesce(p.credits_converted, 0) = t.amount
           GROUP BY p.id HAVING count(*) > 1) d)
     + (SELECT count(*) FROM room_entries e WHERE e.credits_spent > 0 AND NOT EXISTS (
          SELECT 1 FROM credit_transactions t WHERE t.room_entry_id = e.id AND t.transaction_type = 'entry_purchase'))
     + (SELECT count(*) FROM room_entries e WHERE e.credits_awarded > 0 AND NOT EXISTS (
          SELECT 1 FROM credit_transactions t WHERE t.room_entry_id = e.id AND t.transaction_type = 'lot_settlement'))
     + (SELECT count(*) FROM room_entry_purchases p WHERE p.refund_choice = 'credits' AND p.credits_converted > 0
           AND NOT EXISTS (SELECT 1 FROM credit_transactions t
                            WHERE t.purchase_id = p.id AND t.transaction_type = 'expired_conversion'))
       AS credit_references;
SELECT count(*) AS room_coverage FROM (
  SELECT tickets_start, lag(tickets_end, 1, 0) OVER (PARTITION BY room_id ORDER BY tickets_start, id) AS prev,
         ticket_count, tickets_end
    FROM room_entries) e WHERE tickets_start <> prev + 1 OR ticket_count <> tickets_end - tickets_start + 1;
SELECT count(*) AS room_counters FROM rooms r
  LEFT JOIN (SELECT room_id, sum(ticket_count) AS t, count(DISTINCT user_id) AS p, coalesce(sum(amount_paid), 0) AS f
               FROM room_entries GROUP BY room_id) a ON a.room_id = r.id
 WHERE coalesce(r.total_tickets, 0) <> coalesce(a.t, 0) OR coalesce(r.total_participants, 0) <> coalesce(a.p, 0)
    OR coalesce(r.current_funding, 0) <> coalesce(a.f, 0);
SELECT count(*) AS room_funding FROM rooms
 WHERE (status IN ('funded', 'drawing', 'settled') AND coalesce(current_funding, 0) < funding_target)
    OR (status IN ('expired', 'refunding') AND current_funding >= funding_target);
SELECT count(*) AS room_timestamps FROM rooms r
 WHERE (r.status NOT IN ('created', 'closed') AND r.opened_at IS NULL)
    OR (r.status = 'created' AND coalesce(r.opened_at, r.funded_at, r.drawn_at, r.settled_at, r.expired_at) IS NOT NULL)
    OR (r.status IN ('funded', 'drawing', 'settled') AND r.funded_at IS NULL)
    OR (r.status IN ('open', 'expired', 'refunding') AND r.funded_at IS NOT NULL)
    OR (r.status = 'settled' AND (r.drawn_at IS NULL OR r.settled_at IS NULL))
    OR (r.status IN ('open', 'funded', 'expired', 'refunding') AND coalesce(r.drawn_at, r.settled_at) IS NOT NULL)
    OR (r.status IN ('expired', 'refunding') AND r.expired_at IS NULL)
    OR (r.status = 'closed' AND r.closed_at IS NULL)
    OR r.opened_at < r.created_at OR r.funded_at < r.opened_at OR r.drawn_at < r.funded_at OR r.settled_at < r.drawn_at;
-- rules B3 and B5: the sale window, and nothing dated after the snapshot's time
SELECT (SELECT count(*) FROM room_entries e JOIN rooms r ON r.id = e.room_id
          LEFT JOIN room_commitments c ON c.room_id = e.room_id
         WHERE e.created_at IS NULL OR e.created_at > greatest(localtimestamp, now() AT TIME ZONE 'UTC')
            OR r.status IS NULL OR r.status = 'created' OR (r.status = 'closed' AND r.opened_at IS NULL)
            OR e.created_at < r.opened_at OR e.created_at < c.committed_at
            OR e.created_at > r.funded_at OR e.created_at > r.deadline)
     + (SELECT count(*) FROM rooms r
         WHERE greatest(r.created_at, r.opened_at, r.funded_at, r.drawn_at, r.settled_at, r.expired_at, r.closed_at)
               > greatest(localtimestamp, now() AT TIME ZONE 'UTC'))
     + (SELECT count(*) FROM room_entry_purchases p
         WHERE greatest(p.created_at, p.completed_at, p.refunded_at) > greatest(localtimestamp, now() AT TIME ZONE 'UTC'))
     + (SELECT count(*) FROM lottery_draws d WHERE d.drawn_at > greatest(localtimestamp, now() AT TIME ZONE 'UTC'))
       AS room_dates;
SELECT count(*) AS credit_dates FROM credit_transactions
 WHERE created_at > greatest(localtimestamp, now() AT TIME ZONE 'UTC');
SELECT (SELECT count(*) FROM room_entries e LEFT JOIN room_entry_purchases p ON p.id = e.purchase_id
         WHERE e.purchase_type = 'cash'
           AND (p.id IS NULL OR p.amount IS DISTINCT FROM e.amount_paid OR p.user_id <> e.user_id OR p.room_id <> e.room_id
                OR p.status NOT IN ('succeeded', 'refunded', 'partially_refunded')))
     -- every paid purchase pays exactly one cash entry
     + (SELECT count(*) FROM room_entry_purchases p
         WHERE p.status IN ('succeeded', 'refunded', 'partially_refunded')
           AND NOT EXISTS (SELECT 1 FROM room_entries e WHERE e.purchase_id = p.id AND e.purchase_type = 'cash'))
     + (SELECT coalesce(sum(n - 1), 0) FROM (
          SELECT count(*) AS n FROM room_entries e
            JOIN room_entry_purchases p ON p.id = e.purchase_id AND p.amount = e.amount_paid AND p.user_id = e.user_id
                 AND p.room_id = e.room_id AND p.status IN ('succeeded', 'refunded', 'partially_refunded')
           WHERE e.purchase_type = 'cash' GROUP BY p.id HAVING count(*) > 1) d)
     -- an entry is paid one way only
     + (SELECT count(*) FROM room_entries e
         WHERE CASE e.purchase_type WHEN 'cash' THEN coalesce(e.credits_spent, 0) <> 0
                                    WHEN 'credits' THEN e.purchase_id IS NOT NULL OR coalesce(e.amount_paid, 0) <> 0
                                    WHEN 'trivia' THEN e.purchase_id IS NOT NULL OR coalesce(e.amount_paid, 0) <> 0
                                                       OR coalesce(e.credits_spent, 0) <> 0
                                    ELSE false END)
       AS purchase_cash;
SELECT count(*) AS purchase_refunds FROM room_entry_purchases p JOIN rooms r ON r.id = p.room_id
 WHERE (p.status = 'refunded' AND p.refunded_amount IS DISTINCT FROM p.amount)
    OR (p.status = 'partially_refunded' AND NOT (p.refunded_amount > 0 AND p.refunded_amount < p.amount))
    OR (p.refunded_amount > 0 AND p.status NOT IN ('refunded', 'partially_refunded'))
    OR (p.refunded_amount > 0 AND p.refund_choice IS NULL)
    OR (p.refund_choice = 'credits' AND p.refunded_amount > 0
        AND p.credits_converted IS DISTINCT FROM round(p.refunded_amount * 100)::int)
    OR (p.refund_choice = 'cash' AND coalesce(p.credits_converted, 0) <> 0)
    OR ((p.refunded_amount > 0 OR p.credits_converted > 0) AND r.status NOT IN ('expired', 'refunding', 'closed')
        AND NOT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = p.room_id));
SELECT count(*) AS purchase_drawn_refund FROM room_entry_purchases p
 WHERE (p.refunded_amount > 0 OR p.status IN ('refunded', 'partially_refunded') OR p.credits_converted > 0)
   AND EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = p.room_id);
SELECT count(*) AS draw_winner FROM (
  SELECT r.status, coalesce(d.n, 0) AS draws, coalesce(w.n, 0) AS winners, d.entry, d.usr, w.entry AS marked, w.usr AS marked_usr
    FROM rooms r
    LEFT JOIN (SELECT room_id, count(*) AS n, min(winner_entry_id::text) AS entry, min(winner_user_id::text) AS usr
                 FROM lottery_draws GROUP BY room_id) d ON d.room_id = r.id
    LEFT JOIN (SELECT room_id, count(*) AS n, min(id::text) AS entry, min(user_id::text) AS usr
                 FROM room_entries WHERE is_winner GROUP BY room_id) w ON w.room_id = r.id) x
 WHERE (x.status = 'settled' AND x.draws <> 1) OR (x.status NOT IN ('settled', 'closed') AND x.draws > 0)
    OR (x.draws > 0 AND x.winners <> 1) OR (x.draws = 0 AND x.winners > 0)
    OR (x.draws = 1 AND x.winners = 1 AND (x.marked <> x.entry OR x.marked_usr <> x.usr));
SELECT count(*) AS draw_ticket FROM lottery_draws d JOIN room_entries e ON e.id = d.winner_entry_id
 WHERE d.winning_ticket NOT BETWEEN e.tickets_start AND e.tickets_end
    OR d.winning_ticket NOT BETWEEN 1 AND d.total_tickets OR e.room_id <> d.room_id;
SELECT count(*) AS draw_reveals FROM (SELECT DISTINCT e.room_id, e.user_id FROM room_entries e
                                        JOIN lottery_draws d ON d.room_id = e.room_id) b
  JOIN lottery_draws d ON d.room_id = b.room_id
  LEFT JOIN reveals v ON v.room_id = b.room_id AND v.user_id = b.user_id
 WHERE v.id IS NULL OR v.status IS NULL
    OR (b.user_id = d.winner_user_id AND v.status NOT IN ('revealed_won', 'claimed', 'fulfillment', 'shipped', 'delivered'))
    OR (b.user_id <> d.winner_user_id AND v.status <> 'revealed_lost');
-- one reveal per buyer of a drawn room, and none for anyone else
SELECT count(*) AS draw_reveals_counted FROM (
  SELECT row_number() OVER (PARTITION BY v.room_id, v.user_id ORDER BY v.created_at, v.id) AS nth,
         EXISTS (SELECT 1 FROM room_entries e WHERE e.room_id = v.room_id AND e.user_id = v.user_id) AS buyer
    FROM reveals v WHERE EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = v.room_id)) x
 WHERE NOT x.buyer OR x.nth > 1;
SELECT count(*) AS user_stats FROM users u
  LEFT JOIN (SELECT user_id, count(*) AS n, coalesce(sum(amount_paid), 0) AS spent FROM room_entries GROUP BY user_id) e
    ON e.user_id = u.id
  LEFT JOIN (SELECT winner_user_id, count(*) AS n FROM lottery_draws GROUP BY winner_user_id) w ON w.winner_user_id = u.id
 WHERE coalesce(u.total_entries, 0) <> coalesce(e.n, 0) OR coalesce(u.total_spent, 0) <> coalesce(e.spent, 0)
    OR coalesce(u.total_won, 0) <> coalesce(w.n, 0);
COMMIT;
