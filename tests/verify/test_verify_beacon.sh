#!/usr/bin/env bash
# test_verify_beacon.sh - alot-verify on draws under the NIST beacon rule
# (docs/protocol.md section 12): the real NIST pulses verify with the
# certificate built in, and the verdict says what that proves and rests on
# (text and JSON); test-signed pulses need their certificate (--beacon-cert)
# and fail beacon-certificate without it; a later pulse than the rule names
# fails beacon-timing; unreadable or malformed --beacon-cert files stop the
# tool (exit 2, one line); a draw under rule "none" keeps saying the
# operator could have chosen.
set -euo pipefail

verify="$BUILD/alot-verify"
B="$ALOT_SRC/vectors/records-beacon"
V2="$ALOT_SRC/vectors/records-v2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"
room=("$B/valid/beacon-real.commitment.json" "$B/valid/beacon-real.freeze.json")

run real "$verify" --pubkey "$B/pubkey.pem" --ledger "$B/valid/beacon-real.ledger.jsonl" \
	"$B/valid/beacon-real.draw.json" "${room[@]}"
expect real 0
for check in beacon-policy beacon-log-time beacon-certificate beacon-pulse beacon-chain beacon-timing beacon-value; do
	has real out "PASS  $check"
done
has real out "NIST beacon pulse 1862119 of chain 2 (2026-07-16T13:50:00.000Z)"
has real out "its log time, 2026-07-16T13:49:40Z"
has real out "nobody, the operator included, could choose or predict it"
has real out "rests on: the operator's key; NIST not colluding with the operator"
has real out "fewer than 2 of the 2 witnesses the commitment named (witness-1.vectors.alot.example, witness-2.vectors.alot.example)"
has real out "3 of 3 records verified"
echo "ok: the real pulses verify, and the verdict says what it proves and rests on"

run json "$verify" --pubkey "$B/pubkey.pem" --format json "$B/valid/beacon-real.draw.json" "${room[@]}"
expect json 0
python3 - "$tmp/json.out" <<'PY'
import json, sys
draw = json.loads(open(sys.argv[1]).readline())
assert draw["verified"] is True, draw
assert "nobody knew when the ledger was frozen" in draw["proves"], draw["proves"]
assert "NIST not colluding" in draw["rests_on"], draw["rests_on"]
names = [c["name"] for c in draw["checks"] if c["status"] == "PASS"]
assert "beacon-timing" in names and "beacon-pulse" in names, names
PY
echo "ok: the JSON report carries the same verdict"

run untrusted "$verify" --pubkey "$B/pubkey.pem" "$B/valid/beacon-gap.draw.json" "${room[@]}"
expect untrusted 1
has untrusted out "FAIL  beacon-certificate: the pulse (1862119) is signed by certificate "
has untrusted out "not one this verifier trusts"
has untrusted out "SKIP  beacon-pulse: not checked"
run trusted "$verify" --pubkey "$B/pubkey.pem" --beacon-cert "$B/beacon-test-1.pem" \
	"$B/valid/beacon-gap.draw.json" "${room[@]}"
expect trusted 0
has trusted out "beacon pulse 1862119 of chain 2 (2026-07-16T13:52:00.000Z, signed by a certificate given with --beacon-cert, not NIST's built-in one)"
has trusted out "rests on: the operator's key; the holder of the --beacon-cert certificate's key not colluding"
# A certificate change (status 4) needs both certificates; DER works as PEM does.
openssl x509 -in "$B/beacon-test-2.pem" -outform DER -out "$tmp/second.der"
run new_cert "$verify" --pubkey "$B/pubkey.pem" --beacon-cert "$B/beacon-test-1.pem" \
	--beacon-cert "$tmp/second.der" "$B/valid/beacon-new-certificate.draw.json" "${room[@]}"
expect new_cert 0
run new_cert_one "$verify" --pubkey "$B/pubkey.pem" --beacon-cert "$B/beacon-test-1.pem" \
	"$B/valid/beacon-new-certificate.draw.json" "${room[@]}"
expect new_cert_one 1
has new_cert_one out "FAIL  beacon-certificate: the pulse (1862119)"
echo "ok: test-signed pulses verify only with their certificates"

run later "$verify" --pubkey "$B/pubkey.pem" "$B/invalid/beacon-timing--not-first.json" "${room[@]}"
expect later 1
has later out "FAIL  beacon-timing: the pulse (1862119) is not the first after the freeze's log time 2026-07-16T13:48:58Z: its predecessor (2026-07-16T13:49:00.000Z) is after it too"
has later out "2 of 3 records verified"
run no_freeze "$verify" --pubkey "$B/pubkey.pem" "$B/valid/beacon-real.draw.json" "$B/valid/beacon-real.commitment.json"
expect no_freeze 1
has no_freeze out "FAIL  beacon-log-time: the room's freeze record was not given"
echo "ok: a later pulse, and a draw without its freeze record, fail"

could_not_run missing_cert "alot-verify: could not open \"$tmp/none.pem\"" \
	"$verify" --pubkey "$B/pubkey.pem" --beacon-cert "$tmp/none.pem" "$B/valid/beacon-real.draw.json"
echo "not a certificate" >"$tmp/junk.pem"
could_not_run junk_cert "alot-verify: --beacon-cert \"$tmp/junk.pem\": " \
	"$verify" --pubkey "$B/pubkey.pem" --beacon-cert "$tmp/junk.pem" "$B/valid/beacon-real.draw.json"
echo "ok: an unreadable or malformed --beacon-cert stops the tool"

run none "$verify" --pubkey "$V2/pubkey.pem" "$V2/valid/many-entries.draw.json"
expect none 0
has none out "under beacon rule \"none\" the operator knew the server seed before the ledger froze"
echo "all beacon verification tests passed"
