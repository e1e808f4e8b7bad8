/*
 * checks.c - the audit's checks, each with a stable name (docs/ledger.md).
 *
 * Most are one query each that returns the findings themselves, as rows of
 * (table, id, expected, actual, message, amount, unit, severity), streamed
 * in single-row mode.  Every query takes its scope as $1 (users) and $2
 * (rooms), two uuid[] or NULL for all: --user and --room, or the users and
 * rooms the scan nominated (scan.c).  The arrays are compared directly
 * (no CTE between them and the tables), so that the planner, which sees
 * the values, drops the NULL test and uses the indexes.  The queries read
 * only the design document's tables and columns, so the audit runs on a
 * database built from the document too; room-dates reads room_commitments
 * only where the draw protocol's tables exist (check_room_dates).
 * Two checks need more than SQL and are written in C: credit-chain
 * (chain.c) and draw-protocol (draws.c).
 */
#include <stddef.h>

#include "ledger.h"

static const char credit_arithmetic_sql[] =
	"SELECT 'credit_transactions', t.id::text, (t.balance_before + t.amount)::text, t.balance_after::text,"
	"       format('user %s: balance_after %s is not balance_before %s + amount %s',"
	"              t.user_id, t.balance_after, t.balance_before, t.amount),"
	"       abs(t.balance_after - (t.balance_before + t.amount))::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"   AND t.balance_after <> t.balance_before + t.amount";

static const char credit_negative_sql[] =
	"SELECT 'credit_transactions', t.id::text, '>= 0', least(t.balance_before, t.balance_after)::text,"
	"       format('user %s: the balance goes negative (%s before, %s after)',"
	"              t.user_id, t.balance_before, t.balance_after),"
	"       abs(least(t.balance_before, t.balance_after))::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"   AND (t.balance_before < 0 OR t.balance_after < 0)";

/*
 * Where each user's ledger stands, for credit-balance and credit-totals:
 *   ends     the balance the ledger ends at: the last dated transaction's
 *            balance_after, in (created_at, id) order, or, when an undated
 *            transaction continues it (balance_before = that balance; 0
 *            without dated ones), that one's, as credit-chain places it
 *            (chain.c); end_text is it as shown (NULL as NULL, 0 when none)
 *   amounts  the sum of the amounts: where the ledger's balances would end
 *            if they chained; ends - amounts is what the breaks of the chain
 *            (credit-chain, credit-arithmetic) made appear or vanish
 * So that one event is counted once, credit-balance splits its difference
 * into the part that follows from the chain, the part that follows from
 * the totals and its own, and credit-totals says when it follows from the
 * chain (docs/ledger.md, "One event, counted once").
 */
#define LEDGER_ENDS_SQL \
	"WITH tx AS (SELECT t.user_id, t.id, t.created_at, t.amount, t.balance_before, t.balance_after, t.transaction_type" \
	"             FROM credit_transactions t WHERE $1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[]))," \
	"  last AS (SELECT DISTINCT ON (x.user_id) x.user_id, x.balance_after FROM tx x WHERE x.created_at IS NOT NULL" \
	"            ORDER BY x.user_id, x.created_at DESC, x.id DESC)," \
	"  fits AS (SELECT DISTINCT ON (u.user_id) u.user_id, u.balance_after FROM tx u LEFT JOIN last l ON l.user_id = u.user_id" \
	"            WHERE u.created_at IS NULL AND u.balance_before = coalesce(l.balance_after, 0) ORDER BY u.user_id, u.id)," \
	"  led AS (SELECT g.user_id, g.amounts, l.user_id IS NOT NULL AS dated, l.balance_after AS last_after," \
	"                 n.balance_after AS undated_after" \
	"            FROM (SELECT x.user_id, sum(x.amount) AS amounts FROM tx x GROUP BY x.user_id) g" \
	"            LEFT JOIN last l ON l.user_id = g.user_id LEFT JOIN fits n ON n.user_id = g.user_id)," \
	"  ledger AS (SELECT d.user_id, coalesce(d.undated_after, d.last_after, 0) AS ends, d.amounts::bigint AS amounts," \
	"                    CASE WHEN d.undated_after IS NOT NULL THEN d.undated_after::text" \
	"                         WHEN d.dated THEN coalesce(d.last_after::text, 'NULL') ELSE '0' END AS end_text" \
	"               FROM led d)"

/* A signed number of credits, as the chain gives them: +100, -100, 0. */
#define SIGNED(x) "(CASE WHEN (" x ") > 0 THEN '+' ELSE '' END || (" x ")::text)"

/*
 * The balance's difference from where the ledger ends is
 *   (amounts - ends)  what the chain's breaks moved: credit-chain's finding
 * + (totals - amounts) what the totals miss or add: credit-totals' findings
 * + (balance - totals) the balance's own;
 * each part is named when the first two are not 0, and the finding's
 * amount is only the balance's own part, so no credit is counted twice.
 */
static const char credit_balance_sql[] =
	LEDGER_ENDS_SQL
	"SELECT 'user_universal_credits', c.id::text, coalesce(l.end_text, '0'), c.balance::text,"
	"       format('user %s: the balance is %s, the ledger ends at %s', c.user_id, coalesce(c.balance::text, 'NULL'),"
	"              coalesce(l.end_text, '0'))"
	"       || CASE WHEN v.chain = 0 AND v.totals = 0 THEN ''"
	"               ELSE format(': of the %s credits, %s', " SIGNED("v.balance - v.ends") ", concat_ws(', ',"
	"                      CASE WHEN v.chain <> 0 THEN format('%s follow from the credit-chain finding (the ledger''s"
	" amounts sum to %s: its balances %s %s credits)', " SIGNED("v.chain") ", v.amounts,"
	"                                  CASE WHEN v.chain > 0 THEN 'lost' ELSE 'gained' END, abs(v.chain)) END,"
	"                      CASE WHEN v.totals <> 0 THEN format('%s from the credit-totals finding (the totals give %s)',"
	"                                  " SIGNED("v.totals") ", v.amounts + v.totals) END,"
	"                      CASE WHEN v.own = 0 THEN 'none is the balance''s own'"
	"                           ELSE format('%s are the balance''s own', " SIGNED("v.own") ") END)) END,"
	"       abs(v.own)::float8, 'credits', 'error'"
	"  FROM user_universal_credits c LEFT JOIN ledger l ON l.user_id = c.user_id"
	" CROSS JOIN LATERAL (SELECT b.balance, b.ends, b.amounts, b.amounts - b.ends AS chain, b.rtotals - b.amounts AS totals,"
	"                            b.balance - b.rtotals AS own"
	"                       FROM (SELECT coalesce(c.balance, 0)::bigint AS balance, coalesce(l.ends, 0)::bigint AS ends,"
	"                                    coalesce(l.amounts, 0) AS amounts, coalesce(c.total_earned, 0)::bigint"
	"                                    - coalesce(c.total_spent, 0) - coalesce(c.total_expired, 0) AS rtotals) b) v"
	" WHERE ($1::uuid[] IS NULL OR c.user_id = ANY($1::uuid[])) AND $2::uuid[] IS NULL"
	"   AND v.balance <> v.ends";

/*
 * The totals rule of docs/schema.md.  The totals sum the amounts, which a
 * transaction written from a stale balance does not change; but a credits
 * row written from the same stale state misses what the ledger's balances
 * miss.  So when only one total is wrong and the totals give exactly where
 * the ledger's balances end, not what its amounts sum to, the finding
 * follows from credit-chain's, says so, and counts no credit of its own.
 */
static const char credit_totals_sql[] =
	LEDGER_ENDS_SQL ","
	"  sums AS (SELECT t.user_id, sum(greatest(t.amount, 0)) AS earned,"
	"                  sum(CASE WHEN t.amount < 0 AND t.transaction_type <> 'expiry' THEN -t.amount ELSE 0 END) AS spent,"
	"                  sum(CASE WHEN t.transaction_type = 'expiry' THEN -t.amount ELSE 0 END) AS expired"
	"             FROM tx t GROUP BY t.user_id)"
	"SELECT 'user_universal_credits', c.id::text, v.expected::text, v.shown,"
	"       format('user %s: %s is %s, the ledger sums to %s', c.user_id, v.name, coalesce(v.shown, 'NULL'), v.expected)"
	"       || CASE WHEN f.follows THEN format(': it follows from the credit-chain finding: the totals give %s, where the"
	" ledger''s balances end, while its amounts sum to %s (%s credits)', f.rtotals, f.amounts, " SIGNED("f.ends - f.amounts") ")"
	"               ELSE '' END,"
	"       CASE WHEN f.follows THEN 0 ELSE abs(v.actual - v.expected) END::float8, 'credits', 'error'"
	"  FROM user_universal_credits c LEFT JOIN sums m ON m.user_id = c.user_id LEFT JOIN ledger l ON l.user_id = c.user_id"
	" CROSS JOIN LATERAL (VALUES ('total_earned', coalesce(c.total_earned, 0)::bigint, coalesce(m.earned, 0)::bigint, c.total_earned::text),"
	"                            ('total_spent', coalesce(c.total_spent, 0)::bigint, coalesce(m.spent, 0)::bigint, c.total_spent::text),"
	"                            ('total_expired', coalesce(c.total_expired, 0)::bigint, coalesce(m.expired, 0)::bigint, c.total_expired::text))"
	"       AS v(name, actual, expected, shown)"
	" CROSS JOIN LATERAL (SELECT r.rtotals, r.ends, r.amounts,"
	"                            r.wrong = 1 AND r.ends <> r.amounts AND r.rtotals = r.ends AS follows"
	"                       FROM (SELECT coalesce(c.total_earned, 0)::bigint - coalesce(c.total_spent, 0)"
	"                                    - coalesce(c.total_expired, 0) AS rtotals,"
	"                                    coalesce(l.ends, 0)::bigint AS ends, coalesce(l.amounts, 0) AS amounts,"
	"                                    (coalesce(c.total_earned, 0) <> coalesce(m.earned, 0))::int"
	"                                    + (coalesce(c.total_spent, 0) <> coalesce(m.spent, 0))::int"
	"                                    + (coalesce(c.total_expired, 0) <> coalesce(m.expired, 0))::int AS wrong) r) f"
	" WHERE ($1::uuid[] IS NULL OR c.user_id = ANY($1::uuid[])) AND $2::uuid[] IS NULL AND v.actual <> v.expected";

/* The finding is the user's: table users, the user's id (its transactions are many). */
static const char credit_missing_account_sql[] =
	"SELECT 'users', t.user_id::text, 'a user_universal_credits row', 'none',"
	"       format('user %s has %s credit transactions but no credits row: its credits are nowhere',"
	"              t.user_id, count(*)),"
	"       abs(sum(t.amount))::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND $2::uuid[] IS NULL"
	"   AND NOT EXISTS (SELECT 1 FROM user_universal_credits c WHERE c.user_id = t.user_id)"
	" GROUP BY t.user_id";

static const char credit_unknown_type_sql[] =
	"SELECT 'credit_transactions', t.id::text,"
	"       'lot_settlement, expired_conversion, entry_purchase, admin_grant, admin_deduct, redemption or expiry',"
	"       t.transaction_type::text,"
	"       format('user %s: unknown transaction type \"%s\"', t.user_id, t.transaction_type),"
	"       abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"   AND t.transaction_type NOT IN ('lot_settlement', 'expired_conversion', 'entry_purchase',"
	"                                  'admin_grant', 'admin_deduct', 'redemption', 'expiry')";

/*
 * credit-references: each transaction and the row it is about must exist
 * and agree (user, room, credits), both ways, and exactly once:
 *   1. every entry_purchase, lot_settlement and expired_conversion names an
 *      entry or purchase of its own user and room, for its credits;
 *   2. of the transactions that agree with one entry (or purchase), only
 *      the first, in (created_at, id) order, may exist: each later one is
 *      a second charge, award or conversion of the same row;
 *   3. every entry that spent credits was charged, every entry awarded
 *      credits was paid them, and every purchase refunded as credits was
 *      converted.
 * A transaction that agrees with no row is rule 1's finding only; rules 2
 * and 3 count the agreeing ones, so one bad row is one finding.
 */
/*
 * credit-types: what each type of transaction may do.
 *   C4  lot_settlement, expired_conversion and admin_grant credit the
 *       account (amount > 0); entry_purchase, admin_deduct, redemption and
 *       expiry debit it (amount < 0).  A wrong sign passes every balance
 *       rule when the chain was written with it.
 *   C5  consolation credits are awarded only to a losing entry of a drawn
 *       room: never in a room without a draw, never to the entry its draw
 *       names as the winner.
 */
#define CREDIT_TYPES "('lot_settlement', 'expired_conversion', 'admin_grant')"
#define DEBIT_TYPES "('entry_purchase', 'admin_deduct', 'redemption', 'expiry')"

static const char credit_types_sql[] =
	"SELECT 'credit_transactions', t.id::text,"
	"       CASE WHEN t.transaction_type IN " CREDIT_TYPES " THEN 'amount > 0' ELSE 'amount < 0' END, t.amount::text,"
	"       format('user %s: %s %s the account, but this transaction is of %s credits', t.user_id, t.transaction_type,"
	"              CASE WHEN t.transaction_type IN " CREDIT_TYPES " THEN 'credits' ELSE 'debits' END, t.amount),"
	"       abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"   AND ((t.transaction_type IN " CREDIT_TYPES " AND t.amount <= 0) OR (t.transaction_type IN " DEBIT_TYPES " AND t.amount >= 0))"
	" UNION ALL "
	"SELECT 'room_entries', e.id::text, 'consolation credits for a losing entry of a drawn room',"
	"       format('%s credits awarded', e.credits_awarded),"
	"       format('room %s: entry %s of user %s was awarded %s consolation credits, but %s', e.room_id, e.id, e.user_id,"
	"              e.credits_awarded, CASE WHEN x.drawn THEN 'it won the room''s draw' ELSE 'the room was never drawn' END),"
	"       e.credits_awarded::float8, 'credits', 'error'"
	"  FROM room_entries e"
	" CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = e.room_id) AS drawn,"
	"                            EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = e.room_id"
	"                                       AND d.winner_entry_id = e.id) AS won) x"
	" WHERE e.credits_awarded > 0 AND (NOT x.drawn OR x.won)"
	"   AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))";

/*
 * Rule 1's scope: a transaction of the users named, or one that refers to
 * an entry (purchase) of theirs, so that a user's audit sees a charge of
 * their entry that another user's transaction made.  (= ANY (ARRAY(...))
 * keeps both sides on an index.)
 */
#define ENTRY_REF_SCOPE \
	"($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])" \
	"     OR t.room_entry_id = ANY (ARRAY(SELECT x.id FROM room_entries x WHERE x.user_id = ANY($1::uuid[]))))" \
	" AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
#define PURCHASE_REF_SCOPE \
	"($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])" \
	"     OR t.purchase_id = ANY (ARRAY(SELECT x.id FROM room_entry_purchases x WHERE x.user_id = ANY($1::uuid[]))))" \
	" AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
#define REF_MATCHES \
	"          LEFT JOIN room_entries e ON e.id = t.room_entry_id AND t.transaction_type IN ('entry_purchase', 'lot_settlement')" \
	"               AND e.user_id = t.user_id AND e.room_id = t.room_id" \
	"               AND CASE WHEN t.transaction_type = 'entry_purchase' THEN coalesce(e.credits_spent, 0) = -t.amount" \
	"                        ELSE coalesce(e.credits_awarded, 0) = t.amount END" \
	"          LEFT JOIN room_entry_purchases p ON p.id = t.purchase_id AND t.transaction_type = 'expired_conversion'" \
	"               AND p.user_id = t.user_id AND p.room_id = t.room_id AND coalesce(p.credits_converted, 0) = t.amount"

static const char credit_references_sql[] =
	"SELECT 'credit_transactions', t.id::text,"
	"       format('an entry of user %s in room %s spending %s credits', t.user_id, coalesce(t.room_id::text, 'NULL'), -t.amount),"
	"       CASE WHEN e.id IS NULL THEN 'no such entry'"
	"            ELSE format('entry %s of user %s in room %s spent %s credits', e.id, e.user_id, e.room_id,"
	"                        coalesce(e.credits_spent::text, 'NULL')) END,"
	"       format('entry_purchase %s does not match its room entry', t.id), abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t LEFT JOIN room_entries e ON e.id = t.room_entry_id"
	" WHERE t.transaction_type = 'entry_purchase' AND " ENTRY_REF_SCOPE
	"   AND (e.id IS NULL OR e.user_id <> t.user_id OR e.room_id IS DISTINCT FROM t.room_id"
	"        OR coalesce(e.credits_spent, 0) <> -t.amount)"
	" UNION ALL "
	"SELECT 'credit_transactions', t.id::text,"
	"       format('an entry of user %s in room %s awarded %s credits', t.user_id, coalesce(t.room_id::text, 'NULL'), t.amount),"
	"       CASE WHEN e.id IS NULL THEN 'no such entry'"
	"            ELSE format('entry %s of user %s in room %s was awarded %s credits', e.id, e.user_id, e.room_id,"
	"                        coalesce(e.credits_awarded::text, 'NULL')) END,"
	"       format('lot_settlement %s does not match its room entry', t.id), abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t LEFT JOIN room_entries e ON e.id = t.room_entry_id"
	" WHERE t.transaction_type = 'lot_settlement' AND " ENTRY_REF_SCOPE
	"   AND (e.id IS NULL OR e.user_id <> t.user_id OR e.room_id IS DISTINCT FROM t.room_id"
	"        OR coalesce(e.credits_awarded, 0) <> t.amount)"
	" UNION ALL "
	"SELECT 'credit_transactions', t.id::text,"
	"       format('a purchase of user %s in room %s converted to %s credits', t.user_id, coalesce(t.room_id::text, 'NULL'), t.amount),"
	"       CASE WHEN p.id IS NULL THEN 'no such purchase'"
	"            ELSE format('purchase %s of user %s in room %s converted %s credits', p.id, p.user_id, p.room_id,"
	"                        coalesce(p.credits_converted::text, 'NULL')) END,"
	"       format('expired_conversion %s does not match its purchase', t.id), abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t LEFT JOIN room_entry_purchases p ON p.id = t.purchase_id"
	" WHERE t.transaction_type = 'expired_conversion' AND " PURCHASE_REF_SCOPE
	"   AND (p.id IS NULL OR p.user_id <> t.user_id OR p.room_id IS DISTINCT FROM t.room_id"
	"        OR coalesce(p.credits_converted, 0) <> t.amount)"
	" UNION ALL "
	"SELECT 'credit_transactions', x.id::text, format('one %s transaction for %s %s', x.transaction_type, x.what, x.ref),"
	"       format('%s of them', x.copies),"
	"       format('%s %s of user %s is %s %s times: transaction %s repeats %s', x.what, x.ref, x.user_id,"
	"              CASE x.transaction_type WHEN 'entry_purchase' THEN 'charged' WHEN 'lot_settlement' THEN 'paid its award'"
	"                   ELSE 'converted to credits' END, x.copies, x.id, x.first_id),"
	"       abs(x.amount)::float8, 'credits', 'error'"
	"  FROM (SELECT t.id, t.user_id, t.transaction_type, t.amount, coalesce(e.id, p.id) AS ref,"
	"               CASE WHEN e.id IS NOT NULL THEN 'entry' ELSE 'purchase' END AS what,"
	"               count(*) OVER w AS copies, first_value(t.id) OVER w AS first_id, row_number() OVER w AS nth"
	"          FROM credit_transactions t"
	REF_MATCHES
	"         WHERE t.transaction_type IN ('entry_purchase', 'lot_settlement', 'expired_conversion')"
	"           AND (e.id IS NOT NULL OR p.id IS NOT NULL)"
	"           AND ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"        WINDOW w AS (PARTITION BY t.transaction_type, coalesce(e.id, p.id) ORDER BY t.created_at, t.id)) x"
	" WHERE x.nth > 1"
	" UNION ALL "
	"SELECT 'room_entries', e.id::text, format('an entry_purchase transaction of %s credits', -e.credits_spent),"
	"       'none', format('user %s spent %s credits on entry %s, but the ledger never charged them',"
	"                      e.user_id, e.credits_spent, e.id),"
	"       e.credits_spent::float8, 'credits', 'error'"
	"  FROM room_entries e"
	" WHERE e.credits_spent > 0 AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"   AND NOT EXISTS (SELECT 1 FROM credit_transactions t"
	"                    WHERE t.room_entry_id = e.id AND t.transaction_type = 'entry_purchase')"
	" UNION ALL "
	"SELECT 'room_entries', e.id::text, format('a lot_settlement transaction of %s credits', e.credits_awarded),"
	"       'none', format('user %s was awarded %s credits on entry %s, but the ledger never paid them',"
	"                      e.user_id, e.credits_awarded, e.id),"
	"       e.credits_awarded::float8, 'credits', 'error'"
	"  FROM room_entries e"
	" WHERE e.credits_awarded > 0 AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"   AND NOT EXISTS (SELECT 1 FROM credit_transactions t"
	"                    WHERE t.room_entry_id = e.id AND t.transaction_type = 'lot_settlement')"
	" UNION ALL "
	"SELECT 'room_entry_purchases', p.id::text, format('an expired_conversion transaction of %s credits', p.credits_converted),"
	"       'none', format('purchase %s of user %s was refunded as %s credits, but the ledger never paid them',"
	"                      p.id, p.user_id, p.credits_converted),"
	"       p.credits_converted::float8, 'credits', 'error'"
	"  FROM room_entry_purchases p"
	" WHERE p.refund_choice = 'credits' AND p.credits_converted > 0"
	"   AND ($1::uuid[] IS NULL OR p.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR p.room_id = ANY($2::uuid[]))"
	"   AND NOT EXISTS (SELECT 1 FROM credit_transactions t"
	"                    WHERE t.purchase_id = p.id AND t.transaction_type = 'expired_conversion')";

static const char room_coverage_sql[] =
	"WITH e AS (SELECT e.id, e.room_id, e.user_id, e.tickets_start, e.tickets_end,"
	"               lag(e.tickets_end) OVER w AS prev_end, lag(e.id) OVER w AS prev_id"
	"          FROM room_entries e WHERE ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"           AND ($1::uuid[] IS NULL OR e.room_id IN (SELECT u.room_id FROM room_entries u WHERE u.user_id = ANY($1::uuid[])))"
	"        WINDOW w AS (PARTITION BY e.room_id ORDER BY e.tickets_start, e.id))"
	"SELECT 'room_entries', e.id::text, (coalesce(e.prev_end, 0) + 1)::text, e.tickets_start::text,"
	"       CASE WHEN e.tickets_start > coalesce(e.prev_end, 0) + 1"
	"            THEN format('room %s: tickets %s-%s are in no entry: gap before entry %s%s', e.room_id,"
	"                        coalesce(e.prev_end, 0) + 1, e.tickets_start - 1, e.id,"
	"                        coalesce(' (after entry ' || e.prev_id || ')', ''))"
	"            ELSE format('room %s: entry %s (tickets %s-%s) overlaps entry %s, which ends at ticket %s',"
	"                        e.room_id, e.id, e.tickets_start, e.tickets_end, e.prev_id, e.prev_end) END,"
	"       0::float8, NULL, 'error'"
	"  FROM e WHERE e.tickets_start <> coalesce(e.prev_end, 0) + 1 AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[]))"
	" UNION ALL "
	"SELECT 'room_entries', e.id::text, (e.tickets_end - e.tickets_start + 1)::text, e.ticket_count::text,"
	"       format('room %s: entry %s holds tickets %s-%s but counts %s', e.room_id, e.id,"
	"              e.tickets_start, e.tickets_end, coalesce(e.ticket_count::text, 'NULL')),"
	"       0::float8, NULL, 'error'"
	"  FROM room_entries e WHERE ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[]))"
	"   AND e.ticket_count IS DISTINCT FROM e.tickets_end - e.tickets_start + 1";

static const char room_counters_sql[] =
	"WITH agg AS (SELECT e.room_id, sum(e.ticket_count) AS tickets, count(DISTINCT e.user_id) AS participants,"
	"                 coalesce(sum(e.amount_paid), 0) AS funding"
	"            FROM room_entries e WHERE $2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]) GROUP BY e.room_id)"
	"SELECT 'rooms', r.id::text, v.expected::text, v.shown,"
	"       format('room %s: %s is %s, its entries give %s', r.id, v.name, coalesce(v.shown, 'NULL'), v.expected),"
	"       CASE WHEN v.name = 'current_funding' THEN abs(v.actual - v.expected)::float8 ELSE 0 END,"
	"       CASE WHEN v.name = 'current_funding' THEN 'USD' END, 'error'"
	"  FROM rooms r LEFT JOIN agg a ON a.room_id = r.id"
	" CROSS JOIN LATERAL (VALUES ('total_tickets', coalesce(r.total_tickets, 0)::numeric, coalesce(a.tickets, 0)::numeric, r.total_tickets::text),"
	"                            ('total_participants', coalesce(r.total_participants, 0)::numeric, coalesce(a.participants, 0)::numeric, r.total_participants::text),"
	"                            ('current_funding', coalesce(r.current_funding, 0)::numeric, coalesce(a.funding, 0)::numeric, r.current_funding::text))"
	"       AS v(name, actual, expected, shown)"
	" WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL AND v.actual <> v.expected";

static const char room_funding_sql[] =
	"SELECT 'rooms', r.id::text, format('at least %s', r.funding_target), r.current_funding::text,"
	"       format('room %s is %s but raised %s of its %s target', r.id, r.status,"
	"              coalesce(r.current_funding::text, 'NULL'), r.funding_target),"
	"       (r.funding_target - coalesce(r.current_funding, 0))::float8, 'USD', 'error'"
	"  FROM rooms r"
	" WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL"
	"   AND r.status IN ('funded', 'drawing', 'settled') AND coalesce(r.current_funding, 0) < r.funding_target"
	" UNION ALL "
	/* Rule B4: a room that reached its target was funded; expiring it withholds its draw. */
	"SELECT 'rooms', r.id::text, format('less than %s', r.funding_target), r.current_funding::text,"
	"       format('room %s is %s, but raised %s of its %s target: it was funded, and its draw withheld', r.id, r.status,"
	"              r.current_funding, r.funding_target),"
	"       r.current_funding::float8, 'USD', 'error'"
	"  FROM rooms r"
	" WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL"
	"   AND r.status IN ('expired', 'refunding') AND r.current_funding >= r.funding_target";

/* Which timestamps each status requires and forbids, and their order. */
static const char room_timestamps_sql[] =
	"WITH p AS (SELECT r.id, r.status, concat_ws('; ',"
	"    CASE WHEN r.status <> 'created' AND r.status <> 'closed' AND r.opened_at IS NULL THEN 'opened_at is missing' END,"
	"    CASE WHEN r.status = 'created' AND (r.opened_at IS NOT NULL OR r.funded_at IS NOT NULL OR r.drawn_at IS NOT NULL"
	"                                        OR r.settled_at IS NOT NULL OR r.expired_at IS NOT NULL)"
	"         THEN 'a created room has later timestamps' END,"
	"    CASE WHEN r.status IN ('funded', 'drawing', 'settled') AND r.funded_at IS NULL THEN 'funded_at is missing' END,"
	"    CASE WHEN r.status IN ('open', 'expired', 'refunding') AND r.funded_at IS NOT NULL THEN 'funded_at is set' END,"
	"    CASE WHEN r.status = 'settled' AND (r.drawn_at IS NULL OR r.settled_at IS NULL) THEN 'drawn_at or settled_at is missing' END,"
	"    CASE WHEN r.status IN ('open', 'funded', 'expired', 'refunding') AND (r.drawn_at IS NOT NULL OR r.settled_at IS NOT NULL)"
	"         THEN 'drawn_at or settled_at is set' END,"
	"    CASE WHEN r.status IN ('expired', 'refunding') AND r.expired_at IS NULL THEN 'expired_at is missing' END,"
	"    CASE WHEN r.status = 'closed' AND r.closed_at IS NULL THEN 'closed_at is missing' END,"
	"    CASE WHEN r.opened_at < r.created_at OR r.funded_at < r.opened_at OR r.drawn_at < r.funded_at"
	"              OR r.settled_at < r.drawn_at THEN 'timestamps out of order' END) AS problems"
	"    FROM rooms r WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL)"
	"SELECT 'rooms', p.id::text, format('the timestamps of a %s room', p.status), p.problems,"
	"       format('room %s is %s, but %s', p.id, p.status, p.problems), 0::float8, NULL, 'error'"
	"  FROM p WHERE p.problems <> ''";

/*
 * room-dates: rules B3 and B5 for the rows of a room.  An entry is sold
 * inside its room's sale window: not before opened_at (nor, with the
 * protocol's tables, before the room's seed commitment), not after
 * funded_at or the deadline; the first bound it breaks is named.  An entry
 * of a room whose status says it never opened (created, or no status)
 * broke its window too; a room that says it opened without an opened_at is
 * room-timestamps' finding, and its entries are not judged by that bound.
 * No row of the room (the room's own times, its entries, purchases and
 * draws) is dated after the snapshot's time (SNAPSHOT_TIME).
 */
#define SNAPSHOT_TIME "current_setting('alot.snapshot_time')::timestamp"
#define ENTRY_AT_STAKE \
	"       CASE e.purchase_type WHEN 'cash' THEN coalesce(e.amount_paid, 0) WHEN 'credits' THEN coalesce(e.credits_spent, 0)" \
	"            ELSE 0 END::float8," \
	"       CASE e.purchase_type WHEN 'cash' THEN 'USD' WHEN 'credits' THEN 'credits' END, 'error'"
#define ROOM_DATES_SQL(COMMITTED_AT, COMMITMENTS) \
	"SELECT 'room_entries', e.id::text," \
	"       CASE w.k WHEN 0 THEN 'a created_at' WHEN 1 THEN 'not after the snapshot''s time'" \
	"            WHEN 2 THEN 'a room that opened' WHEN 3 THEN format('at or after %s (opened_at)', r.opened_at)" \
	"            WHEN 4 THEN format('at or after %s (its seed commitment)', " COMMITTED_AT ")" \
	"            WHEN 5 THEN format('at or before %s (funded_at)', r.funded_at)" \
	"            ELSE format('at or before %s (deadline)', r.deadline) END," \
	"       coalesce(e.created_at::text, 'NULL')," \
	"       format('room %s: entry %s of user %s %s', e.room_id, e.id, e.user_id, CASE w.k" \
	"                WHEN 0 THEN 'has no created_at: it cannot be placed in the room''s sale window'" \
	"                WHEN 1 THEN 'is dated after the snapshot''s time'" \
	"                WHEN 2 THEN format('was sold in a room that never opened (%s)', coalesce(r.status, 'no status'))" \
	"                WHEN 3 THEN 'was sold before the room opened'" \
	"                WHEN 4 THEN 'was sold before the room''s seed was committed'" \
	"                WHEN 5 THEN 'was sold after the room was funded'" \
	"                ELSE 'was sold after the room''s deadline' END)," \
	ENTRY_AT_STAKE \
	"  FROM room_entries e JOIN rooms r ON r.id = e.room_id" COMMITMENTS \
	" CROSS JOIN LATERAL (SELECT CASE WHEN e.created_at IS NULL THEN 0 WHEN e.created_at > " SNAPSHOT_TIME " THEN 1" \
	"                                 WHEN r.status IS NULL OR r.status = 'created'" \
	"                                      OR (r.status = 'closed' AND r.opened_at IS NULL) THEN 2" \
	"                                 WHEN e.created_at < r.opened_at THEN 3 WHEN e.created_at < " COMMITTED_AT " THEN 4" \
	"                                 WHEN e.created_at > r.funded_at THEN 5 WHEN e.created_at > r.deadline THEN 6" \
	"                            END AS k) w" \
	" WHERE w.k IS NOT NULL" \
	"   AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[]))" \
	" UNION ALL " \
	"SELECT v.tbl, v.id::text, 'not after the snapshot''s time', v.at::text," \
	"       format('room %s: %s %s is dated after the snapshot''s time', v.room_id, v.what, v.col), 0::float8, NULL, 'error'" \
	"  FROM (SELECT 'rooms' AS tbl, r.id, r.id AS room_id, 'its' AS what, c.col, c.at" \
	"          FROM rooms r CROSS JOIN LATERAL (VALUES ('created_at', r.created_at), ('opened_at', r.opened_at)," \
	"                                                  ('funded_at', r.funded_at), ('drawn_at', r.drawn_at)," \
	"                                                  ('settled_at', r.settled_at), ('expired_at', r.expired_at)," \
	"                                                  ('closed_at', r.closed_at)) AS c(col, at)" \
	"         WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL" \
	"        UNION ALL" \
	"        SELECT 'room_entry_purchases', p.id, p.room_id, format('purchase %s of user %s:', p.id, p.user_id), c.col, c.at" \
	"          FROM room_entry_purchases p CROSS JOIN LATERAL (VALUES ('created_at', p.created_at)," \
	"                                      ('completed_at', p.completed_at), ('refunded_at', p.refunded_at)) AS c(col, at)" \
	"         WHERE ($2::uuid[] IS NULL OR p.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR p.user_id = ANY($1::uuid[]))" \
	"        UNION ALL" \
	"        SELECT 'lottery_draws', d.id, d.room_id, format('draw %s:', d.id), 'drawn_at', d.drawn_at" \
	"          FROM lottery_draws d" \
	"         WHERE ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))) v" \
	" WHERE v.at > " SNAPSHOT_TIME

/* The design document's schema has no seed commitments: that bound is not judged there. */
static const char room_dates_doc_sql[] = ROOM_DATES_SQL("NULL::timestamp", "");
static const char room_dates_sql[] =
	ROOM_DATES_SQL("c.committed_at", " LEFT JOIN room_commitments c ON c.room_id = e.room_id");

static alot_code
check_room_dates(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err)
{
	check own = *c;

	own.sql = a->has_protocol ? room_dates_sql : room_dates_doc_sql;
	own.run = run_sql_check;
	return run_sql_check(&own, a, conn, s, err);
}

/* credit-dates: rule B5 for the credit ledger: no transaction is dated after the snapshot's time. */
static const char credit_dates_sql[] =
	"SELECT 'credit_transactions', t.id::text, 'not after the snapshot''s time',"
	"       t.created_at::text,"
	"       format('user %s: %s %s of %s credits is dated after the snapshot''s time', t.user_id, t.transaction_type,"
	"              t.id, t.amount),"
	"       abs(t.amount)::float8, 'credits', 'error'"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR t.room_id = ANY($2::uuid[]))"
	"   AND t.created_at > " SNAPSHOT_TIME;

/*
 * purchase-cash: cash and the tickets it bought, both ways and exactly once:
 *   1. every cash entry names a paid purchase (succeeded, or refunded
 *      later) of its amount, user and room;
 *   2. every paid purchase pays exactly one cash entry: one with none took
 *      money for no tickets, and each entry after the first (in
 *      (created_at, id) order) that names an agreeing purchase is paid by
 *      money the purchase already paid for;
 *   3. an entry is paid one way only: a cash entry spends no credits, a
 *      credits entry names no purchase and pays no cash, a trivia entry pays
 *      nothing.
 */
#define PAID_STATUS "('succeeded', 'refunded', 'partially_refunded')"

static const char purchase_cash_sql[] =
	"SELECT 'room_entries', e.id::text, format('a paid purchase of %s', coalesce(e.amount_paid::text, 'NULL')),"
	"       CASE WHEN p.id IS NULL THEN 'no purchase'"
	"            ELSE format('purchase %s: %s %s of user %s in room %s', p.id, coalesce(p.status::text, 'NULL'),"
	"                        coalesce(p.amount::text, 'NULL'), p.user_id, p.room_id) END,"
	"       format('room %s: cash entry %s of user %s has no matching paid purchase', e.room_id, e.id, e.user_id),"
	"       coalesce(e.amount_paid, 0)::float8, 'USD', 'error'"
	"  FROM room_entries e LEFT JOIN room_entry_purchases p ON p.id = e.purchase_id"
	" WHERE e.purchase_type = 'cash'"
	"   AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"   AND (p.id IS NULL OR p.amount IS DISTINCT FROM e.amount_paid OR p.user_id <> e.user_id"
	"        OR p.room_id <> e.room_id OR p.status NOT IN " PAID_STATUS ")"
	" UNION ALL "
	"SELECT 'room_entry_purchases', p.id::text, 'a cash entry it paid for', 'none',"
	"       format('room %s: purchase %s of user %s (%s, %s) paid for no entry: money taken, no tickets', p.room_id, p.id,"
	"              p.user_id, p.status, p.amount),"
	"       p.amount::float8, 'USD', 'error'"
	"  FROM room_entry_purchases p"
	" WHERE p.status IN " PAID_STATUS
	"   AND ($1::uuid[] IS NULL OR p.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR p.room_id = ANY($2::uuid[]))"
	"   AND NOT EXISTS (SELECT 1 FROM room_entries e WHERE e.purchase_id = p.id AND e.purchase_type = 'cash')"
	" UNION ALL "
	"SELECT 'room_entries', x.id::text, format('the only entry paid by purchase %s', x.purchase_id),"
	"       format('%s entries', x.copies),"
	"       format('room %s: purchase %s of user %s pays %s entries: entry %s is paid by the money of entry %s',"
	"              x.room_id, x.purchase_id, x.user_id, x.copies, x.id, x.first_id),"
	"       x.amount_paid::float8, 'USD', 'error'"
	"  FROM (SELECT e.id, e.room_id, e.user_id, e.purchase_id, e.amount_paid, count(*) OVER w AS copies,"
	"               first_value(e.id) OVER w AS first_id, row_number() OVER w AS nth"
	"          FROM room_entries e JOIN room_entry_purchases p ON p.id = e.purchase_id AND p.amount = e.amount_paid"
	"               AND p.user_id = e.user_id AND p.room_id = e.room_id AND p.status IN " PAID_STATUS
	"         WHERE e.purchase_type = 'cash'"
	"           AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"        WINDOW w AS (PARTITION BY e.purchase_id ORDER BY e.created_at, e.id)) x"
	" WHERE x.nth > 1"
	" UNION ALL "
	"SELECT 'room_entries', e.id::text, CASE e.purchase_type WHEN 'cash' THEN 'cash only, no credits'"
	"                                       WHEN 'credits' THEN 'credits only, no cash and no purchase'"
	"                                       ELSE 'nothing: a trivia entry is free' END,"
	"       format('amount_paid %s, credits_spent %s, purchase %s', coalesce(e.amount_paid::text, 'NULL'),"
	"              coalesce(e.credits_spent::text, 'NULL'), coalesce(e.purchase_id::text, 'NULL')),"
	"       format('room %s: %s entry %s of user %s is paid more than one way', e.room_id, e.purchase_type, e.id, e.user_id),"
	"       0::float8, NULL, 'error'"
	"  FROM room_entries e"
	" WHERE ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[]))"
	"   AND CASE e.purchase_type WHEN 'cash' THEN coalesce(e.credits_spent, 0) <> 0"
	"                            WHEN 'credits' THEN e.purchase_id IS NOT NULL OR coalesce(e.amount_paid, 0) <> 0"
	"                            WHEN 'trivia' THEN e.purchase_id IS NOT NULL OR coalesce(e.amount_paid, 0) <> 0"
	"                                               OR coalesce(e.credits_spent, 0) <> 0"
	"                            ELSE false END";

static const char purchase_refunds_sql[] =
	"WITH q AS (SELECT p.*, r.status AS room_status, concat_ws('; ',"
	"    CASE WHEN p.status = 'refunded' AND p.refunded_amount IS DISTINCT FROM p.amount"
	"         THEN format('refunded, but refunded_amount is %s of %s', coalesce(p.refunded_amount::text, 'NULL'), p.amount) END,"
	"    CASE WHEN p.status = 'partially_refunded' AND NOT (p.refunded_amount > 0 AND p.refunded_amount < p.amount)"
	"         THEN format('partially refunded, but refunded_amount is %s of %s', coalesce(p.refunded_amount::text, 'NULL'), p.amount) END,"
	"    CASE WHEN p.refunded_amount > 0 AND p.status NOT IN ('refunded', 'partially_refunded')"
	"         THEN format('refunded_amount %s on a %s purchase', p.refunded_amount, p.status) END,"
	"    CASE WHEN p.refunded_amount > 0 AND p.refund_choice IS NULL THEN 'refunded without a refund choice' END,"
	"    CASE WHEN p.refund_choice = 'credits' AND p.refunded_amount > 0"
	"              AND p.credits_converted IS DISTINCT FROM round(p.refunded_amount * 100)::int"
	"         THEN format('refunded %s as credits, but credits_converted is %s', p.refunded_amount, coalesce(p.credits_converted::text, 'NULL')) END,"
	"    CASE WHEN p.refund_choice = 'cash' AND coalesce(p.credits_converted, 0) <> 0"
	"         THEN format('refunded in cash, but %s credits were converted too', p.credits_converted) END,"
	"    CASE WHEN (p.refunded_amount > 0 OR p.credits_converted > 0) AND r.status NOT IN ('expired', 'refunding', 'closed')"
	"              AND NOT EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = p.room_id)"
	"         THEN format('a refund in a room that is %s, not expired', r.status) END) AS problems"
	"    FROM room_entry_purchases p JOIN rooms r ON r.id = p.room_id"
	"   WHERE ($1::uuid[] IS NULL OR p.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR p.room_id = ANY($2::uuid[])))"
	"SELECT 'room_entry_purchases', q.id::text, 'a refund that agrees with itself and the ledger', q.problems,"
	"       format('purchase %s of user %s in room %s: %s', q.id, q.user_id, q.room_id, q.problems),"
	"       coalesce(q.refunded_amount, q.amount)::float8, 'USD', 'error'"
	"  FROM q WHERE q.problems <> ''";

static const char purchase_drawn_refund_sql[] =
	"SELECT 'room_entry_purchases', p.id::text, 'no refund: the room was drawn',"
	"       format('%s, refunded %s', p.status, coalesce(p.refunded_amount::text, 'NULL')),"
	"       format('room %s was drawn, but purchase %s of user %s was refunded', p.room_id, p.id, p.user_id),"
	"       coalesce(p.refunded_amount, p.amount)::float8, 'USD', 'error'"
	"  FROM room_entry_purchases p"
	" WHERE ($1::uuid[] IS NULL OR p.user_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR p.room_id = ANY($2::uuid[]))"
	"   AND (p.refunded_amount > 0 OR p.status IN ('refunded', 'partially_refunded') OR p.credits_converted > 0)"
	"   AND EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = p.room_id)";

static const char draw_winner_sql[] =
	"WITH x AS (SELECT r.id, r.status,"
	"               (SELECT count(*) FROM lottery_draws d WHERE d.room_id = r.id) AS draws,"
	"               (SELECT count(*) FROM room_entries e WHERE e.room_id = r.id AND e.is_winner) AS winners,"
	"               (SELECT d.winner_entry_id FROM lottery_draws d WHERE d.room_id = r.id LIMIT 1) AS draw_entry,"
	"               (SELECT d.winner_user_id FROM lottery_draws d WHERE d.room_id = r.id LIMIT 1) AS draw_user,"
	"               (SELECT e.id FROM room_entries e WHERE e.room_id = r.id AND e.is_winner LIMIT 1) AS marked,"
	"               (SELECT e.user_id FROM room_entries e WHERE e.room_id = r.id AND e.is_winner LIMIT 1) AS marked_user"
	"          FROM rooms r WHERE ($2::uuid[] IS NULL OR r.id = ANY($2::uuid[])) AND $1::uuid[] IS NULL)"
	"SELECT 'rooms', x.id::text, 'one draw and one winning entry, the draw''s',"
	"       format('%s draws, %s winning entries', x.draws, x.winners),"
	"       format('room %s (%s): %s', x.id, x.status, concat_ws('; ',"
	"           CASE WHEN x.status = 'settled' AND x.draws <> 1 THEN format('%s draws instead of one', x.draws) END,"
	"           CASE WHEN x.status NOT IN ('settled', 'closed') AND x.draws > 0 THEN 'drawn, but not settled' END,"
	"           CASE WHEN x.draws > 0 AND x.winners <> 1 THEN format('%s entries are marked as winner', x.winners) END,"
	"           CASE WHEN x.draws = 0 AND x.winners > 0 THEN 'an entry is marked as winner without a draw' END,"
	"           CASE WHEN x.draws = 1 AND x.winners = 1 AND x.marked <> x.draw_entry"
	"                THEN format('the marked winner %s is not the draw''s %s', x.marked, x.draw_entry) END,"
	"           CASE WHEN x.draws = 1 AND x.winners = 1 AND x.marked = x.draw_entry AND x.marked_user <> x.draw_user"
	"                THEN format('the draw names user %s, the winning entry belongs to %s', x.draw_user, x.marked_user) END)),"
	"       0::float8, NULL, 'error'"
	"  FROM x"
	" WHERE (x.status = 'settled' AND x.draws <> 1) OR (x.status NOT IN ('settled', 'closed') AND x.draws > 0)"
	"    OR (x.draws > 0 AND x.winners <> 1) OR (x.draws = 0 AND x.winners > 0)"
	"    OR (x.draws = 1 AND x.winners = 1 AND (x.marked <> x.draw_entry OR x.marked_user <> x.draw_user))";

static const char draw_ticket_sql[] =
	"SELECT 'lottery_draws', d.id::text,"
	"       format('a ticket in %s-%s and in 1-%s', e.tickets_start, e.tickets_end, d.total_tickets),"
	"       d.winning_ticket::text,"
	"       format('room %s: winning ticket %s is not in the winning entry %s (tickets %s-%s) or not in 1-%s',"
	"              d.room_id, d.winning_ticket, d.winner_entry_id, e.tickets_start, e.tickets_end, d.total_tickets),"
	"       0::float8, NULL, 'error'"
	"  FROM lottery_draws d JOIN room_entries e ON e.id = d.winner_entry_id"
	" WHERE ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))"
	"   AND (d.winning_ticket NOT BETWEEN e.tickets_start AND e.tickets_end"
	"        OR d.winning_ticket NOT BETWEEN 1 AND d.total_tickets OR e.room_id <> d.room_id)";

static const char draw_reveals_sql[] =
	"WITH buyers AS (SELECT DISTINCT e.room_id, e.user_id FROM room_entries e"
	"              JOIN lottery_draws d ON d.room_id = e.room_id"
	"             WHERE ($2::uuid[] IS NULL OR e.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[])))"
	/* A missing reveal is the buyer's finding: table users, the buyer's id (as credit-missing-account). */
	"SELECT CASE WHEN v.id IS NULL THEN 'users' ELSE 'reveals' END, coalesce(v.id::text, b.user_id::text),"
	"       CASE WHEN b.user_id = d.winner_user_id THEN 'revealed_won' ELSE 'revealed_lost' END,"
	"       CASE WHEN v.id IS NULL THEN 'no reveal' ELSE v.status END,"
	"       format('room %s: the reveal of %s %s is %s', b.room_id,"
	"              CASE WHEN b.user_id = d.winner_user_id THEN 'the winner' ELSE 'buyer' END,"
	"              b.user_id, CASE WHEN v.id IS NULL THEN 'missing' ELSE coalesce(v.status, 'NULL') END),"
	"       0::float8, NULL, 'error'"
	"  FROM buyers b JOIN lottery_draws d ON d.room_id = b.room_id"
	"  LEFT JOIN LATERAL (SELECT v.id, v.status FROM reveals v WHERE v.room_id = b.room_id AND v.user_id = b.user_id"
	"                      ORDER BY v.created_at, v.id LIMIT 1) v ON true"
	" WHERE v.id IS NULL OR v.status IS NULL"
	"    OR (b.user_id = d.winner_user_id AND v.status NOT IN ('revealed_won', 'claimed', 'fulfillment', 'shipped', 'delivered'))"
	"    OR (b.user_id <> d.winner_user_id AND v.status <> 'revealed_lost')"
	" UNION ALL "
	/* Rule A8: one reveal per buyer of a drawn room, and none for anyone else; the first, in (created_at, id) order, counts. */
	"SELECT 'reveals', x.id::text, format('one reveal of buyer %s', x.user_id),"
	"       CASE WHEN x.buyer THEN format('%s reveals', x.copies) ELSE 'no entry in the room' END,"
	"       CASE WHEN x.buyer THEN format('room %s: buyer %s has %s reveals: reveal %s repeats %s', x.room_id, x.user_id,"
	"                                     x.copies, x.id, x.first_id)"
	"            ELSE format('room %s: user %s has a reveal (%s) but no entry in the room', x.room_id, x.user_id,"
	"                        coalesce(x.status, 'NULL')) END,"
	"       0::float8, NULL, 'error'"
	"  FROM (SELECT v.id, v.room_id, v.user_id, v.status,"
	"               EXISTS (SELECT 1 FROM room_entries e WHERE e.room_id = v.room_id AND e.user_id = v.user_id) AS buyer,"
	"               count(*) OVER w AS copies, first_value(v.id) OVER w AS first_id, row_number() OVER w AS nth"
	"          FROM reveals v"
	"         WHERE EXISTS (SELECT 1 FROM lottery_draws d WHERE d.room_id = v.room_id)"
	"           AND ($2::uuid[] IS NULL OR v.room_id = ANY($2::uuid[])) AND ($1::uuid[] IS NULL OR v.user_id = ANY($1::uuid[]))"
	"        WINDOW w AS (PARTITION BY v.room_id, v.user_id ORDER BY v.created_at, v.id)) x"
	" WHERE NOT x.buyer OR x.nth > 1";

static const char user_stats_sql[] =
	"WITH e AS (SELECT e.user_id, count(*) AS entries, coalesce(sum(e.amount_paid), 0) AS spent"
	"          FROM room_entries e WHERE $1::uuid[] IS NULL OR e.user_id = ANY($1::uuid[]) GROUP BY e.user_id),"
	"  w AS (SELECT d.winner_user_id AS user_id, count(*) AS won FROM lottery_draws d"
	"         WHERE $1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]) GROUP BY d.winner_user_id)"
	"SELECT 'users', u.id::text, v.expected::text, v.shown,"
	"       format('user %s: %s is %s, the entries and draws give %s', u.id, v.name, coalesce(v.shown, 'NULL'), v.expected),"
	"       CASE WHEN v.name = 'total_spent' THEN abs(v.actual - v.expected)::float8 ELSE 0 END,"
	"       CASE WHEN v.name = 'total_spent' THEN 'USD' END, 'error'"
	"  FROM users u LEFT JOIN e ON e.user_id = u.id LEFT JOIN w ON w.user_id = u.id"
	" CROSS JOIN LATERAL (VALUES ('total_entries', coalesce(u.total_entries, 0)::numeric, coalesce(e.entries, 0)::numeric, u.total_entries::text),"
	"                            ('total_spent', coalesce(u.total_spent, 0)::numeric, coalesce(e.spent, 0)::numeric, u.total_spent::text),"
	"                            ('total_won', coalesce(u.total_won, 0)::numeric, coalesce(w.won, 0)::numeric, u.total_won::text))"
	"       AS v(name, actual, expected, shown)"
	" WHERE ($1::uuid[] IS NULL OR u.id = ANY($1::uuid[])) AND $2::uuid[] IS NULL AND v.actual <> v.expected";

#define SQL(id, name, group, key, title, sql) [id] = { name, group, title, key, sql, run_sql_check, 0, 0 }
#define SQL_TWO_KEYED(id, name, group, key, title, sql) [id] = { name, group, title, key, sql, run_sql_check, 0, 1 }
#define C_CHECK(id, name, group, key, title, fn) [id] = { name, group, title, key, NULL, fn, 0, 0 }
check checks[CHECK_COUNT] = {
	SQL(CK_CREDIT_ARITHMETIC, "credit-arithmetic", "credits", KEY_USER,
	    "balance_after = balance_before + amount", credit_arithmetic_sql),
	C_CHECK(CK_CREDIT_CHAIN, "credit-chain", "credits", KEY_USER,
	        "each user's ledger chains from 0, row to row", check_credit_chain),
	SQL(CK_CREDIT_NEGATIVE, "credit-negative", "credits", KEY_USER,
	    "the balance is never negative", credit_negative_sql),
	SQL(CK_CREDIT_BALANCE, "credit-balance", "credits", KEY_USER,
	    "the final balance is user_universal_credits.balance", credit_balance_sql),
	SQL(CK_CREDIT_TOTALS, "credit-totals", "credits", KEY_USER,
	    "total_earned, total_spent and total_expired are the ledger's sums", credit_totals_sql),
	SQL(CK_CREDIT_MISSING_ACCOUNT, "credit-missing-account", "credits", KEY_USER,
	    "every user with transactions has a credits row", credit_missing_account_sql),
	SQL(CK_CREDIT_UNKNOWN_TYPE, "credit-unknown-type", "credits", KEY_USER,
	    "every transaction type is known", credit_unknown_type_sql),
	SQL(CK_CREDIT_TYPES, "credit-types", "credits", KEY_USER,
	    "each type has its sign; consolation credits only for losing entries of drawn rooms", credit_types_sql),
	SQL_TWO_KEYED(CK_CREDIT_REFERENCES, "credit-references", "credits", KEY_USER,
	    "transactions and the entries or purchases they concern agree, once each", credit_references_sql),
	SQL(CK_CREDIT_DATES, "credit-dates", "credits", KEY_USER,
	    "no transaction is dated after the snapshot", credit_dates_sql),
	SQL(CK_ROOM_COVERAGE, "room-coverage", "rooms", KEY_ROOM,
	    "ticket ranges cover 1..N without gap or overlap", room_coverage_sql),
	SQL(CK_ROOM_COUNTERS, "room-counters", "rooms", KEY_ROOM,
	    "total_tickets, total_participants and current_funding agree with the entries", room_counters_sql),
	SQL(CK_ROOM_FUNDING, "room-funding", "rooms", KEY_ROOM,
	    "funded and settled rooms reached their target, expired ones did not", room_funding_sql),
	SQL(CK_ROOM_TIMESTAMPS, "room-timestamps", "rooms", KEY_ROOM,
	    "the status agrees with the timestamps", room_timestamps_sql),
	C_CHECK(CK_ROOM_DATES, "room-dates", "rooms", KEY_ROOM,
	        "entries are sold inside their room's sale window; nothing is dated after the snapshot", check_room_dates),
	SQL(CK_PURCHASE_CASH, "purchase-cash", "purchases", KEY_ROOM,
	    "every cash entry has one paid purchase of its amount, and every paid purchase one entry", purchase_cash_sql),
	SQL(CK_PURCHASE_REFUNDS, "purchase-refunds", "purchases", KEY_USER,
	    "refunds agree: amounts, credits and their transactions", purchase_refunds_sql),
	SQL(CK_PURCHASE_DRAWN_REFUND, "purchase-drawn-refund", "purchases", KEY_ROOM,
	    "no drawn room has a refund", purchase_drawn_refund_sql),
	SQL(CK_DRAW_WINNER, "draw-winner", "draws", KEY_ROOM,
	    "settled rooms have one draw and one winning entry, the draw's", draw_winner_sql),
	SQL(CK_DRAW_TICKET, "draw-ticket", "draws", KEY_ROOM,
	    "the winning ticket is in the winning entry's range", draw_ticket_sql),
	SQL(CK_DRAW_REVEALS, "draw-reveals", "draws", KEY_ROOM,
	    "one reveal per buyer: the winner's revealed_won, the others revealed_lost", draw_reveals_sql),
	C_CHECK(CK_DRAW_PROTOCOL, "draw-protocol", "draws", KEY_ROOM,
	        "the draw re-verifies under the draw protocol", check_draw_protocol),
	SQL(CK_USER_STATS, "user-stats", "users", KEY_USER,
	    "total_entries, total_spent and total_won agree", user_stats_sql),
};
const size_t check_count = sizeof(checks) / sizeof(checks[0]);
