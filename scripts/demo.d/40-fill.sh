# 40-fill.sh - rooms open, buyers buy, rooms fund, expire and refund.
set -euo pipefail
echo "== opening rooms and selling tickets"
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d "$DEMO_DB" -f "$ALOT_SRC/sql/demo/02-open-and-fill.sql"
