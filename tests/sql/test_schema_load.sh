#!/usr/bin/env bash
# test_schema_load.sh - the schema loads, re-applies harmlessly, and keeps
# every table, column, index, constraint, trigger and view of the design
# document with a compatible type (defect a: the document's order does not load).
. "$(dirname "$0")/lib.sh"

# Defect a: the document, in document order, does not load.
db=$(new_db ours)
scratch="t_docorder_$$"; createdb "$scratch"; TEST_DBS+=("$scratch")
if psql -X -q -v ON_ERROR_STOP=1 -d "$scratch" -f "$ALOT_SRC/tests/fixtures/design-doc-document-order.sql" >/dev/null 2>&1; then
	fail "the document-order SQL loaded; defect a no longer reproduces"
fi
echo "ok: document order does not load"

# The fixtures are what the extractor makes of the design document.
if [ -f "$ALOT_SRC/../shared/seed/alot-schema.md" ]; then
	diff <(python3 "$ALOT_SRC/tests/fixtures/extract-design-doc.py" "$ALOT_SRC/../shared/seed/alot-schema.md") \
		"$ALOT_SRC/tests/fixtures/design-doc-schema.sql" || fail "design-doc-schema.sql is stale"
	echo "ok: fixture matches the design document"
fi

# Applying it again is harmless and records each migration once.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null || fail "second load failed"
n_files=$(ls "$ALOT_SRC"/sql/migrations/[0-9][0-9][0-9][0-9]_*.sql | wc -l)
[ "$(q "$db" 'SELECT count(*) FROM schema_migrations')" = "$n_files" ] || fail "migrations recorded wrongly"
[ "$(q "$db" 'SELECT count(DISTINCT version) FROM schema_migrations')" = "$n_files" ] || fail "duplicate migration rows"
echo "ok: re-applying is harmless ($n_files migrations)"

# Completeness: everything of the document exists in ours, with the same type.
doc=$(new_db doc)
columns="SELECT c.table_name, c.column_name, c.data_type,
                coalesce(c.character_maximum_length, -1), coalesce(c.numeric_precision, -1),
                coalesce(c.numeric_scale, -1)
           FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.table_name <> 'schema_migrations'
          ORDER BY 1, 2"
missing=$(LC_ALL=C comm -23 <(q "$doc" "$columns" | LC_ALL=C sort) <(q "$db" "$columns" | LC_ALL=C sort))
[ -z "$missing" ] || fail "columns of the design document missing or changed in ours: $missing"
[ "$(q "$doc" "SELECT count(DISTINCT table_name) FROM information_schema.columns WHERE table_schema='public'")" = 15 ] ||
	fail "the design document should have 13 tables and 2 views"
for what in "SELECT indexname FROM pg_indexes WHERE schemaname='public' ORDER BY 1" \
            "SELECT conname FROM pg_constraint WHERE connamespace='public'::regnamespace ORDER BY 1" \
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1" \
            "SELECT table_name FROM information_schema.views WHERE table_schema='public' ORDER BY 1"; do
	missing=$(LC_ALL=C comm -23 <(q "$doc" "$what" | LC_ALL=C sort) <(q "$db" "$what" | LC_ALL=C sort))
	[ -z "$missing" ] || fail "missing from ours ($what): $missing"
done
echo "ok: every table, column, index, constraint, trigger and view of the document is kept"

# Roles: the auditor reads and cannot write; the draw role cannot touch credits.
q "$db" "CREATE ROLE t_auditor_$$ LOGIN IN ROLE alot_auditor; CREATE ROLE t_draw_$$ LOGIN IN ROLE alot_draw;" >/dev/null
trap 'q postgres "DROP ROLE IF EXISTS t_auditor_$$; DROP ROLE IF EXISTS t_draw_$$" >/dev/null 2>&1 || true; cleanup_dbs' EXIT
q "$db" "REASSIGN OWNED BY t_auditor_$$ TO CURRENT_USER" >/dev/null
[ "$(PGUSER=t_auditor_$$ q "$db" 'SELECT count(*) FROM credit_transactions')" = 0 ] || fail "auditor cannot read"
if PGUSER=t_auditor_$$ q "$db" "UPDATE rooms SET status = 'closed'" 2>/dev/null; then fail "auditor could write"; fi
if PGUSER=t_auditor_$$ q "$db" "BEGIN READ WRITE; DELETE FROM users; COMMIT" 2>/dev/null; then fail "auditor could delete"; fi
if PGUSER=t_draw_$$ q "$db" "DELETE FROM credit_transactions" 2>/dev/null; then fail "draw role could delete credits"; fi
if PGUSER=t_draw_$$ q "$db" "UPDATE rooms SET funding_target = 1" 2>/dev/null; then fail "draw role could change a room's target"; fi
PGUSER=t_draw_$$ q "$db" "UPDATE rooms SET status = status WHERE false" >/dev/null || fail "draw role cannot update room status"
echo "ok: roles are least-privilege"
echo "all schema load checks passed"
