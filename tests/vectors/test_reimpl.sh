#!/usr/bin/env bash
# test_reimpl.sh - the second implementation written from docs/protocol.md
# alone (tests/vectors/reimpl.py) agrees with every vector and every record,
# and it can fail: one flipped hex digit in a v2 vector's expected value and
# one in a valid record's signature each make it exit 1 and name them.
set -euo pipefail
reimpl="$ALOT_SRC/tests/vectors/reimpl.py"

python3 "$reimpl" "$ALOT_SRC/vectors"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$ALOT_SRC/vectors" "$tmp/vectors"

# flip_hex FILE KEY: flip the lowest bit of the first hex digit of the first
# value of "KEY" in FILE, and check that exactly one place changed.
flip_hex() {
	local file=$1 key=$2 old new
	old=$(grep -o "\"$key\": *\"[0-9a-f]*\"" "$file" | head -n 1 | sed 's/.*"\([0-9a-f]*\)"$/\1/')
	[ -n "$old" ] || { echo "no hex value of $key in $file"; exit 1; }
	[ "$(grep -o "$old" "$file" | wc -l)" -eq 1 ] || { echo "$key of $file is not unique"; exit 1; }
	new=$(printf '%x' $(( 0x${old:0:1} ^ 1 )))${old:1}
	sed -i "s/$old/$new/" "$file"
	grep -q "$new" "$file"
}

flip_hex "$tmp/vectors/v2/many-entries.json" lot_hash
flip_hex "$tmp/vectors/records-v2/valid/many-entries.draw.json" signature

set +e
python3 "$reimpl" "$tmp/vectors" >"$tmp/out" 2>&1
rc=$?
set -e
cat "$tmp/out"
[ "$rc" -eq 1 ] || { echo "FAIL: reimpl.py exited $rc on corrupted vectors, not 1"; exit 1; }
grep -q '^v2/many-entries.json: lot_hash: expected ' "$tmp/out" ||
	{ echo "FAIL: the flipped lot_hash of v2/many-entries.json is not named"; exit 1; }
grep -q '^records-v2/valid/many-entries.draw.json: .*signature: ' "$tmp/out" ||
	{ echo "FAIL: the flipped signature of records-v2/valid/many-entries.draw.json is not named"; exit 1; }
grep -q '^reimpl: .* mismatch' "$tmp/out" ||
	{ echo "FAIL: no failing summary line"; exit 1; }
echo "reimpl.py fails on a flipped expected value and a flipped signature, naming both"
