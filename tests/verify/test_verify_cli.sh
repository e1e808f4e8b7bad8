#!/usr/bin/env bash
# test_verify_cli.sh - alot-verify as users run it: every vector through the
# binary, the command line's exit codes, stdout and stderr, strict and
# bounded input, the static binary with nothing but itself, and the
# offline build's freedom from libpq and libcurl.
set -euo pipefail

verify="$BUILD/alot-verify"
static=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
R="$ALOT_SRC/vectors/records"
K="$R/pubkey.pem"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"

# ---- every vector, through the binary -------------------------------------
n=0
while IFS=$'\t' read -r record commitment ledger proof entry; do
	run valid "$verify" --pubkey "$K" --commitment "$R/$commitment" --ledger "$R/$ledger" \
		--proof "$R/$proof" --entry "$entry" "$R/$record"
	expect valid 0
	has valid out "result: VERIFIED"
	[ "$(grep -c '^  PASS' "$tmp/valid.out")" = 13 ] || fail "$record: not 13 PASS lines"
	n=$((n + 1))
done < <(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1])):
    print("\t".join([c["record"], c["commitment"], c["ledger"], c["proof"], c["entry"]]))' "$R/valid/index.json")
[ $n -ge 10 ] || fail "only $n valid records"
echo "ok: $n valid records verify with every check"

n=0
while IFS=$'\t' read -r record check extra; do
	# shellcheck disable=SC2086
	run invalid "$verify" --pubkey "$K" $extra "$R/$record"
	expect invalid 1
	has invalid out "FAIL  $check"
	n=$((n + 1))
done < <(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1])):
    extra = []
    for opt in ("commitment", "ledger", "proof"):
        if opt in c: extra += ["--" + opt, sys.argv[2] + "/" + c[opt]]
    if "entry" in c: extra += ["--entry", c["entry"]]
    print("\t".join([c["record"], c["check"], " ".join(extra)]))' "$R/invalid/index.json" "$R")
[ $n -ge 30 ] || fail "only $n invalid records"
echo "ok: $n invalid records fail their labelled check, exit 1"

# ---- the command line -------------------------------------------------------
run help "$verify" --help
expect help 0
has help out "Usage:"
run version "$verify" --version
expect version 0
has version out "alot-verify (ALOT!) "
run badopt "$verify" --bogus
expect badopt 2
has badopt err 'Try "alot-verify --help" for more information.'
run nokey "$verify" "$R/valid/one-ticket.draw.json"
expect nokey 2
has nokey err "alot-verify: --pubkey is required"
run norecord "$verify" --pubkey "$K"
expect norecord 2
has norecord err "alot-verify: no record given"
run missing "$verify" --pubkey "$K" "$tmp/nope.json"
expect missing 2
has missing err "alot-verify: could not open \"$tmp/nope.json\": No such file or directory"
run badkey "$verify" --pubkey "$tmp/nope.pem" "$R/valid/one-ticket.draw.json"
expect badkey 2
has badkey err "public key file \"$tmp/nope.pem\" does not exist"
run notkey "$verify" --pubkey "$R/valid/one-ticket.draw.json" "$R/valid/one-ticket.draw.json"
expect notkey 2
has notkey err "is not a PEM Ed25519 public key"
run badformat "$verify" --pubkey "$K" --format xml "$R/valid/one-ticket.draw.json"
expect badformat 2
has badformat err 'invalid value "xml" for option --format'
run url "$verify" --pubkey "$K" --url https://127.0.0.1/x.json x
expect url 2
has url err "works offline only"
echo "ok: --help, --version and usage errors exit 2 with a Try line"

echo '{"type": "alot.draw", "version": 1' >"$tmp/malformed.json"
run malformed "$verify" --pubkey "$K" "$tmp/malformed.json"
expect malformed 1
has malformed out "FAIL  format: malformed JSON"
: >"$tmp/empty.json"
run empty "$verify" --pubkey "$K" "$tmp/empty.json"
expect empty 1
python3 -c 'print("{\"a\":\"" + "x" * 300000 + "\"}")' >"$tmp/huge.json"
run huge "$verify" --pubkey "$K" "$tmp/huge.json"
expect huge 1
has huge out "over the size limit"
run stdin "$verify" --pubkey "$K" - <"$R/valid/rejection.draw.json"
expect stdin 0
has stdin out "^-:1: draw record of room"
cat "$R"/valid/*.draw.json "$R/invalid/signature--flipped-byte.json" "$R"/valid/one-ticket.draw.json >"$tmp/bundle.jsonl"
run bundle "$verify" --pubkey "$K" "$tmp/bundle.jsonl"
expect bundle 1
[ "$(grep -c 'result: VERIFIED' "$tmp/bundle.out")" = 11 ] || fail "bundle: the good records were not all reported"
has bundle out "11 of 12 records verified"
run quiet_ok "$verify" --quiet --pubkey "$K" "$R/valid/one-ticket.draw.json"
expect quiet_ok 0
run quiet_bad "$verify" -q --pubkey "$K" "$tmp/bundle.jsonl"
expect quiet_bad 1
[ ! -s "$tmp/quiet_ok.out" ] && [ ! -s "$tmp/quiet_bad.out" ] && [ ! -s "$tmp/quiet_bad.err" ] || fail "--quiet printed"
run json "$verify" --format json --pubkey "$K" "$tmp/bundle.jsonl"
expect json 1
python3 - "$tmp/json.out" <<'PY' || fail "--format json output is not one object per record"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 12, len(lines)
for line in lines:
    o = json.loads(line)
    assert set(o) == {"source", "line", "type", "room_id", "verified", "checks"}, o.keys()
    assert all(set(c) == {"name", "status", "message"} for c in o["checks"])
assert sum(not json.loads(l)["verified"] for l in lines) == 1
bad = [json.loads(l) for l in lines if not json.loads(l)["verified"]][0]
assert {"name": "signature", "status": "FAIL"}.items() <= [c for c in bad["checks"] if c["name"] == "signature"][0].items()
PY
echo "ok: malformed, empty, oversized, stdin, bundles, --quiet and --format json"

# ---- companions: malformed ones are content that failed; stdin is for records --------
could_not_run ledger_stdin "only records can be read from standard input" \
	"$verify" --pubkey "$K" --ledger - "$R/valid/one-ticket.draw.json"
{ echo 'not json'; cat "$R/valid/one-ticket.commitment.json"; } >"$tmp/commitments.jsonl"
run bad_commitment "$verify" --pubkey "$K" --commitment "$tmp/commitments.jsonl" "$R/valid/one-ticket.draw.json"
expect bad_commitment 1
has bad_commitment out "^$tmp/commitments.jsonl:1: unreadable record"
has bad_commitment out "PASS  commitment-record"
has bad_commitment out "1 of 2 records verified"
head -c 100 "$R/valid/one-ticket.proof.json" >"$tmp/proof.json"
entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry_id"])' "$R/valid/one-ticket.proof.json")
run bad_proof "$verify" --pubkey "$K" --proof "$tmp/proof.json" --entry "$entry" "$R/valid/one-ticket.draw.json"
expect bad_proof 1
has bad_proof out "FAIL  format: malformed JSON"
has bad_proof out "^$tmp/proof.json:1: unreadable record"
has bad_proof out "1 of 2 records verified"
echo "ok: malformed commitment records and proofs fail, a ledger cannot come from stdin"

# ---- the downloadable static binary --------------------------------------------
grep -q NEEDED <<<"$(readelf -d "$static" 2>/dev/null)" && fail "the static binary needs shared libraries"
grep -q INTERP <<<"$(readelf -l "$static")" && fail "the static binary has a dynamic loader"
(cd "$(dirname "$static")" && sha256sum -c SHA256SUMS >/dev/null) || fail "SHA256SUMS does not match"
mkdir -p "$tmp/root"
cp "$static" "$tmp/root/alot-verify"
cp "$K" "$R/valid/many-entries.draw.json" "$R/valid/many-entries.ledger.jsonl" "$tmp/root/"
chroot=$(command -v chroot)
in_empty_root() {
	if [ "$(id -u)" = 0 ]; then
		env -i "$chroot" "$tmp/root" /alot-verify "$@"
	else
		env -i "$(command -v unshare)" -r "$chroot" "$tmp/root" /alot-verify "$@"
	fi
}
set +e
in_empty_root --pubkey /pubkey.pem --ledger /many-entries.ledger.jsonl \
	/many-entries.draw.json >"$tmp/chroot.out" 2>"$tmp/chroot.err"
echo $? >"$tmp/chroot.rc"
set -e
expect chroot 0
has chroot out "1 of 1 records verified"
echo "ok: the static binary verifies in an empty root, with no library and no environment"

# ---- the offline build links neither libpq nor libcurl ----------------------------
if nm "$verify" | grep -E ' [TUtu] (PQ[a-z]|curl_)' >/dev/null; then fail "alot-verify has libpq or libcurl symbols"; fi
if readelf -d "$verify" | grep -E 'NEEDED.*(libpq|libcurl)' >/dev/null; then fail "alot-verify needs libpq or libcurl"; fi
if grep -a -q -E 'PQconnectdb|curl_easy_perform' "$static"; then fail "the static binary contains libpq or libcurl"; fi
grep -q 'NEEDED.*libcrypto' <<<"$(readelf -d "$verify")" || fail "the symbol check looks at the wrong binary"
echo "ok: no libpq or libcurl in the offline builds"
echo "all verify CLI tests passed"
