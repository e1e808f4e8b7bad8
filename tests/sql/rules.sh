# rules.sh - helpers for the tests of the database's own rules (sourced
# after lib.sh).  Each statement runs in the database "$db"; STATE is a
# query whose result changes whenever anything a refused statement must not
# touch changes; "checks" counts the assertions.  Below them, the
# scaffolding those tests share: their scratch folder, role names and
# cleanup (rules_setup), the roles (roles_sql), a database with every
# trigger on (rules_db) and its first user and product (user_product).
checks=0

# run_as ROLE SQL...: run each SQL (one -c each, one session) as ROLE ("" is
# the harness's superuser); stops at the first error.
run_as() {
	local role=$1 args=() s
	shift
	for s in "$@"; do args+=(-c "$s"); done
	PGUSER=${role:-$PGUSER} psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "${args[@]}"
}
sq() { run_as "" "$@"; }

# refused WHAT ROLE PATTERN SQL...: the SQL fails as ROLE with a message that
# matches PATTERN (extended regex), and STATE is as it was.
refused() {
	local what=$1 role=$2 pattern=$3 before after
	shift 3
	before=$(sq "$STATE")
	if run_as "$role" "$@" >"$tmp/out" 2>"$tmp/err"; then fail "$what (as ${role:-superuser}): accepted"; fi
	grep -Eq -- "$pattern" "$tmp/err" ||
		fail "$what (as ${role:-superuser}): refused, but not because /$pattern/: $(cat "$tmp/err")"
	after=$(sq "$STATE")
	[ "$before" = "$after" ] || fail "$what (as ${role:-superuser}): refused, but the database changed"
	checks=$((checks + 1))
}
# accepted WHAT ROLE SQL...: the SQL succeeds as ROLE.
accepted() {
	local what=$1 role=$2
	shift 2
	run_as "$role" "$@" >"$tmp/out" 2>"$tmp/err" || fail "$what (as ${role:-superuser}): refused: $(cat "$tmp/err")"
	checks=$((checks + 1))
}
# expect WHAT SQL VALUE: the superuser reads VALUE.
expect() {
	local got
	got=$(sq "$2")
	[ "$got" = "$3" ] || fail "$1: got '$got', expected '$3'"
	checks=$((checks + 1))
}

# rules_setup TAG ROLE...: the scaffolding of a rules test: $tmp, a scratch
# folder; for each ROLE (app, draw, ...) a role name t_TAG_ROLE_$$ in the
# variable ROLE in capitals (APP, DRAW, ...), all in ROLES (a test may add
# more); and the cleanup at exit: the databases first (a role owns objects
# in them), then every role of ROLES, then $tmp.  The roles are created by
# the test, when it needs them (roles_sql).
rules_setup() {
	local tag=$1 r
	shift
	tmp=$(mktemp -d)
	ROLES=()
	for r in "$@"; do
		printf -v "${r^^}" 't_%s_%s_%s' "$tag" "$r" "$$"
		ROLES+=("t_${tag}_${r}_$$")
	done
	trap rules_cleanup EXIT
}
rules_cleanup() {
	local r
	cleanup_dbs # first: the owner role owns objects in the test databases
	for r in "${ROLES[@]}"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}

# roles_sql [OWNER_ROLE]: SQL that creates the logins APP (in alot_app),
# DRAW (in alot_draw), AUDITOR (in alot_auditor) and OWNER (in OWNER_ROLE,
# or in none).
roles_sql() {
	echo "CREATE ROLE $APP LOGIN IN ROLE alot_app; CREATE ROLE $DRAW LOGIN IN ROLE alot_draw;
	      CREATE ROLE $AUDITOR LOGIN IN ROLE alot_auditor; CREATE ROLE $OWNER LOGIN${1:+ IN ROLE $1};"
}

# id N: the test uuid numbered N.
id() { printf '00000000-0000-4000-8000-%012d' "$1"; }

# rules_db NAME: a fresh database NAME with our schema, every trigger on
# (unlike lib.sh's new_db, which switches the draw protocol's off), dropped
# at exit.  Not run in $(...): the cleanup must know the database.
rules_db() {
	TEST_DBS+=("$1")
	createdb "$1"
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
}

# user_product: in $db, the user $U1 and the product $P1 (the test sets them).
user_product() {
	sq "INSERT INTO users (id, email, hashed_password) VALUES ('$U1', 'a@example.com', 'x');
	    INSERT INTO product_classes (id, name, category, tier, retail_value, images) VALUES
	      ('$P1', 'Submariner', 'watch', 'GRAIL', 9000, '[]');" >/dev/null
}
