#!/usr/bin/env bash
# test_vectors_fresh.sh - the committed vectors are exactly what the committed
# generator produces now, so they cannot drift from the code.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/v1" "$out/records"
"$BUILD/vectors/gen-vectors" "$ALOT_SRC/vectors/keys/TEST-ONLY-signing-key.pem" \
	"$ALOT_SRC/vectors/keys/TEST-ONLY-public-key.pem" "$out" \
	"$ALOT_SRC/../shared/data/nist-beacon/chain2-pulses-1862118-1862119.json"
diff -r "$out/v1" "$ALOT_SRC/vectors/v1"
diff -r "$out/records" "$ALOT_SRC/vectors/records"
diff -r "$out/v2" "$ALOT_SRC/vectors/v2"
diff -r "$out/records-v2" "$ALOT_SRC/vectors/records-v2"
diff -r "$out/records-beacon" "$ALOT_SRC/vectors/records-beacon"
echo "vectors are up to date: $(ls "$out/v1" "$out/v2" | grep -c json) vectors, $(ls "$out/records/invalid" "$out/records-v2/invalid" "$out/records-beacon/invalid" | grep -c json) invalid files"
