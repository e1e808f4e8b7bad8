# 20-catalog.sh - people, hosts, products, and rooms (all still 'created').
set -euo pipefail
echo "== loading the demo catalog"
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d "$DEMO_DB" -f "$ALOT_SRC/sql/demo/01-catalog.sql"
