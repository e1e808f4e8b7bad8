# lib.sh - helpers for the schema tests (sourced; needs the harness's PG*).
set -euo pipefail

TEST_DBS=()
cleanup_dbs() {
	local db
	for db in "${TEST_DBS[@]}"; do dropdb --if-exists --force "$db" >/dev/null 2>&1 || true; done
}
trap cleanup_dbs EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# new_db KIND: a fresh database named after the test, loaded with our schema
# (KIND=ours) or the design document's (KIND=doc).  Prints its name.
new_db() {
	local kind=$1 db
	db="t_$(basename "$0" .sh)_${kind}_$$_${RANDOM}"
	createdb "$db"
	TEST_DBS+=("$db")
	case $kind in
	ours) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
	      # These tests are about tickets and credits: open rooms without
	      # the draw protocol's seed commitment (tested in tests/draw/), and
	      # (migration 0011) entries sold in them and rooms set funded below
	      # their target; the ledger freeze is tested in test_ledger_freeze.sh.
	      psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "ALTER TABLE rooms DISABLE TRIGGER trg_rooms_require_commitment" \
	                                           -c "ALTER TABLE rooms DISABLE TRIGGER trg_rooms_status_flow" \
	                                           -c "ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen" ;;
	doc) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/tests/fixtures/design-doc-schema.sql" >/dev/null ;;
	*) fail "unknown kind $kind" ;;
	esac
	echo "$db"
}

# q DB SQL: run SQL, print unaligned tuples.
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# base fixture: two users, a product and an open room with ids u1, u2, p1, r1.
FIXTURE_BASE="
INSERT INTO users (id, email, username, hashed_password) VALUES
  ('00000000-0000-4000-8000-0000000000a1', 'ann@example.com', 'ann', 'x'),
  ('00000000-0000-4000-8000-0000000000a2', 'bob@example.com', 'bob', 'x');
INSERT INTO product_classes (id, name, category, tier, retail_value, images) VALUES
  ('00000000-0000-4000-8000-0000000000b1', 'Submariner', 'watch', 'GRAIL', 9000, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, status, entry_bundles) VALUES
  ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000b1',
   100, '2030-01-01', 'open', '[{\"amount\": 5, \"tickets\": 5}]');
"
U1=00000000-0000-4000-8000-0000000000a1
U2=00000000-0000-4000-8000-0000000000a2
R1=00000000-0000-4000-8000-0000000000c1

# expect_both NAME SCRIPT_FUNCTION: the check passes on ours, fails on the
# document's schema (proving the test would catch the defect).
expect_fixed() {
	local name=$1 fn=$2 ours doc
	ours=$(new_db ours); doc=$(new_db doc)
	if ! "$fn" "$ours"; then fail "$name: fails on our schema"; fi
	if "$fn" "$doc" 2>/dev/null; then fail "$name: passes on the design document's schema"; fi
	echo "ok: $name (fixed in ours, present in the design document)"
}
