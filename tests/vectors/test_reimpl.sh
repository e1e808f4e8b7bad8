#!/usr/bin/env bash
# test_reimpl.sh - the second implementation written from docs/protocol.md
# alone (tests/vectors/reimpl.py) agrees with every vector and every record,
# and it can fail: one flipped hex digit in a v2 vector's expected value, one
# in a valid record's signature, and one flipped base64 digit in the trusted
# NIST certificate (so that the real pulses of records-beacon/valid/beacon-real
# name a certificate nobody trusts) each make it exit 1 and name them.
set -euo pipefail
reimpl="$ALOT_SRC/tests/vectors/reimpl.py"
nist=data/nist-beacon/chain2-pulses-1862118-1862119.json

python3 "$reimpl" "$ALOT_SRC/vectors"

# reimpl.py reads NIST's certificate from <vectors>/../../shared/$nist: copy
# the vectors to $tmp/repo/vectors and that file to $tmp/shared/$nist.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/repo" "$tmp/shared/$(dirname "$nist")"
cp -R "$ALOT_SRC/vectors" "$tmp/repo/vectors"
cp "$ALOT_SRC/../shared/$nist" "$tmp/shared/$nist"

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

flip_hex "$tmp/repo/vectors/v2/many-entries.json" lot_hash
flip_hex "$tmp/repo/vectors/records-v2/valid/many-entries.draw.json" signature

# Flip one base64 digit (A <-> B) in the second half of the certificate's last
# full line: its DER bytes, and so its certificateId, change.
python3 - "$tmp/shared/$nist" <<'EOF'
import json, sys
path = sys.argv[1]
with open(path) as f:
    data = json.load(f)
lines = data["certificate_pem"].split("\n")
i = len(lines) - 3               # the last full line of base64 (then a short one, END, "")
j = next(k for k in range(32, len(lines[i])) if lines[i][k] in "AB")
lines[i] = lines[i][:j] + "BA"[lines[i][j] == "B"] + lines[i][j + 1:]
data["certificate_pem"] = "\n".join(lines)
with open(path, "w") as f:
    json.dump(data, f)
EOF

set +e
python3 "$reimpl" "$tmp/repo/vectors" >"$tmp/out" 2>&1
rc=$?
set -e
cat "$tmp/out"
[ "$rc" -eq 1 ] || { echo "FAIL: reimpl.py exited $rc on corrupted vectors, not 1"; exit 1; }
grep -q '^v2/many-entries.json: lot_hash: expected ' "$tmp/out" ||
	{ echo "FAIL: the flipped lot_hash of v2/many-entries.json is not named"; exit 1; }
grep -q '^records-v2/valid/many-entries.draw.json: .*signature: ' "$tmp/out" ||
	{ echo "FAIL: the flipped signature of records-v2/valid/many-entries.draw.json is not named"; exit 1; }
grep -q '^records-beacon/valid/beacon-real.draw.json: expected to pass every check, failed: beacon-certificate: Q names certificate 528943a555f5f8ca.*, which the verifier does not trust' "$tmp/out" ||
	{ echo "FAIL: the untrusted certificate of records-beacon/valid/beacon-real.draw.json is not named"; exit 1; }
grep -q '^reimpl: .* mismatch' "$tmp/out" ||
	{ echo "FAIL: no failing summary line"; exit 1; }
echo "reimpl.py fails on a flipped expected value, a flipped signature and a corrupted NIST certificate, naming each"
