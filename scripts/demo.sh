#!/usr/bin/env bash
# demo.sh - "make demo": the main job of the suite on a throwaway PostgreSQL
# cluster (tests/pg-harness.sh), which is removed at the end.  Runs the
# stages in scripts/demo.d/ in order; each gets the cluster's PG* variables,
# DEMO_DB, DEMO_OUT (a folder for keys and published files) and BUILD.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${ALOT_TEST_PGCTL:-}" ]; then
	exec "$src/tests/pg-harness.sh" "$0" "$@"
fi
export ALOT_SRC="$src" BUILD=${BUILD:-$src/build} DEMO_DB=alot_demo
export DEMO_OUT=${DEMO_OUT:-$BUILD/demo}
rm -rf "$DEMO_OUT"
mkdir -p "$DEMO_OUT"
chmod 0700 "$DEMO_OUT"
for stage in "$src"/scripts/demo.d/[0-9]*.sh; do
	bash "$stage"
done
