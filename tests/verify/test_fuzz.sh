#!/usr/bin/env bash
# test_fuzz.sh - a short libFuzzer run over the record, ledger and proof
# parsers, seeded with every vector; any crash, leak or sanitizer report fails.
set -euo pipefail
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
for r in records records-v2; do
	for d in valid invalid; do for f in "$ALOT_SRC"/vectors/$r/$d/*; do cp "$f" "$corpus/$r-$d-$(basename "$f")"; done; done
done
"$BUILD/fuzz/fuzz-records" -runs=30000 -max_len=8192 -seed=1 "$corpus" 2>&1 | tail -n 5
