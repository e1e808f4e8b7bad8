#!/usr/bin/env bash
# run-tests.sh - run every test program and shell test, one at a time, and
# close with "N passed, N failed".  Run it through tests/pg-harness.sh so
# that database tests find their server in PG*.
#
#   BUILD=build tests/run-tests.sh          every test
#   TESTS=ledger BUILD=build tests/...      only tests whose path contains "ledger"
#
# Each test's output goes to $BUILD/test-logs/; a failing test's log tail is
# shown.  Tests get ALOT_SRC (the source tree) and BUILD (the build folder).
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$src/build}
filter=${TESTS:-}
logs="$build/test-logs"
mkdir -p "$logs"
export ALOT_SRC="$src" BUILD="$build"
# A test that hangs is a failure, not a stuck CI run.
limit=${ALOT_TEST_TIMEOUT:-900}

tests=()
while IFS= read -r t; do tests+=("$t"); done < <(
	{ [ -d "$build/tests" ] && find "$build/tests" -type f -name 'test_*' -perm -u+x
	  find "$src/tests" -type f -name 'test_*.sh'; } | sort)

passed=0 failed=0 failed_names=()
for t in "${tests[@]}"; do
	name=${t#"$build/"}
	name=${name#"$src/"}
	[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
	log="$logs/$(echo "$name" | tr '/' '_').log"
	start=$(date +%s)
	if [[ "$t" == *.sh ]]; then
		(cd "$src" && timeout "$limit" bash "$t") >"$log" 2>&1
	else
		(cd "$src" && timeout "$limit" "$t") >"$log" 2>&1
	fi
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		printf 'ok    %-55s %4ss\n' "$name" "$secs"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		printf 'FAIL  %-55s %4ss (exit %d, log %s)\n' "$name" "$secs" "$rc" "$log"
		tail -n 40 "$log" | sed 's/^/      | /'
	fi
done

if [ $failed -ne 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
