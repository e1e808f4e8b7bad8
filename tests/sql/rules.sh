# rules.sh - helpers for the tests of the database's own rules (sourced
# after lib.sh).  Each statement runs in the database "$db"; STATE is a
# query whose result changes whenever anything a refused statement must not
# touch changes; "checks" counts the assertions.
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
