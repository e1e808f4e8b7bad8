# 80-audit.sh - audit the demo database (clean), then a deliberately
# corrupted copy of it, with alot-ledger, as an auditor's login whose
# sessions are read-only by construction (docs/ledger.md).
set -euo pipefail
ledger="$BUILD/alot-ledger"
auditor=demo_auditor
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DROP ROLE IF EXISTS $auditor;
CREATE ROLE $auditor LOGIN IN ROLE alot_auditor;
ALTER ROLE $auditor SET default_transaction_read_only = on;
SQL
echo
echo "== alot-ledger: the demo database, after its draws (as $auditor, a read-only login granted alot_auditor)"
"$ledger" -d "dbname=$DEMO_DB user=$auditor" --pubkey "$DEMO_OUT/records/pubkey.pem" --verbose 2>&1 | sed 's/^/   /'
echo "== the same audit from a session that could write is refused"
set +e
"$ledger" -d "dbname=$DEMO_DB" 2>&1 | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-ledger exit status: $rc (2: it could not run)"
[ "$rc" = 2 ]
echo
echo "== a corrupted copy: a grant from a stale balance, a moved ticket range, a double refund, a forged winner"
copy="${DEMO_DB}_corrupted"
psql -X -q -d postgres -c "CREATE DATABASE $copy TEMPLATE $DEMO_DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$copy" <<'SQL'
-- What the design document's triggers let happen, and worse: done with the
-- safeguards of our schema switched off, as on a database built from the document.
ALTER TABLE credit_transactions DISABLE TRIGGER USER;
ALTER TABLE room_entries DISABLE TRIGGER USER;
ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
-- A grant of 100 written from a stale balance of 0 (defect f): its balances fall
-- below the chain's, and the user's credits row never sees the grant.
INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, description)
SELECT user_id, 100, 0, 100, 'admin_grant', 'stale balance' FROM user_universal_credits WHERE balance > 500 ORDER BY user_id LIMIT 1;
-- An open room's entry slides into its neighbour's tickets.
UPDATE room_entries SET tickets_start = tickets_start - 1, ticket_count = ticket_count + 1
 WHERE id = (SELECT e.id FROM room_entries e JOIN rooms r ON r.id = e.room_id
              WHERE r.status = 'open' ORDER BY e.room_id, e.tickets_start OFFSET 3 LIMIT 1);
-- A drawn room's buyer is refunded as well.
UPDATE room_entry_purchases SET status = 'refunded', refunded_amount = amount, refund_choice = 'cash'
 WHERE id = (SELECT p.id FROM room_entry_purchases p JOIN lottery_draws d ON d.room_id = p.room_id ORDER BY p.id LIMIT 1);
-- Someone marks a second winner in a drawn room.
UPDATE room_entries SET is_winner = true
 WHERE id = (SELECT e.id FROM room_entries e JOIN lottery_draws d ON d.room_id = e.room_id
              WHERE e.id <> d.winner_entry_id ORDER BY e.id LIMIT 1);
SQL
set +e
echo "   (the scan nominates rooms and users; each check's query confirms them)"
"$ledger" -d "dbname=$copy user=$auditor" --verbose 2>&1 | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-ledger exit status: $rc (1: the audit found problems)"
[ "$rc" = 1 ]
psql -X -q -d postgres -c "DROP DATABASE $copy" -c "DROP ROLE $auditor" >/dev/null 2>&1 || true
