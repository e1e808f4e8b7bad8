# 50-summary.sh - a short summary from the views.
set -euo pipefail
p() { psql -X -q -v ON_ERROR_STOP=1 -d "$DEMO_DB" -P footer=off "$@"; }
echo
echo "== rooms by status"
p -c "SELECT status, count(*) AS rooms, sum(total_tickets) AS tickets, sum(current_funding) AS funding
        FROM rooms GROUP BY status ORDER BY min(created_at), status"
echo "== active lots (v_active_lots)"
p -c "SELECT product_name, status, funding_target, current_funding, round(funding_percentage, 1) AS pct,
             total_tickets, total_participants, host_name FROM v_active_lots"
echo "== top buyers (v_user_dashboard)"
p -c "SELECT username, total_entries, credit_balance, active_lots, total_active_tickets
        FROM v_user_dashboard WHERE total_entries > 0
       ORDER BY total_active_tickets DESC, username LIMIT 5"
echo "== credits"
p -c "SELECT transaction_type, count(*) AS transactions, sum(amount) AS credits
        FROM credit_transactions GROUP BY transaction_type ORDER BY transaction_type"
