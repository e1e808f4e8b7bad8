# 10-schema.sh - a fresh database with the ALOT! schema.
set -euo pipefail
echo "== creating database $DEMO_DB and loading sql/schema.sql"
createdb "$DEMO_DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DEMO_DB" -f "$ALOT_SRC/sql/schema.sql"
