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

# ---- every vector of both protocol versions, through the binary -----------
# Companion records (commitment, freeze, records given "with") are inputs too;
# a valid draw passes every check: its own, commitment-record, (v2)
# freeze-record, equivocation, ledger and proof.
for dir in records records-v2; do
	D="$ALOT_SRC/vectors/$dir"
	n=0
	while IFS=$'\t' read -r record passes args; do
		# shellcheck disable=SC2086
		run valid "$verify" --pubkey "$K" $args "$D/$record"
		expect valid 0
		has valid out "result: VERIFIED"
		got=$(awk -v r="$D/$record:1:" '$0 ~ "^" r {on=1; next} /^[^ ]/ {on=0} on && /^  PASS/' "$tmp/valid.out" | wc -l)
		[ "$got" = "$passes" ] || fail "$dir/$record: $got PASS lines, not $passes"
		has valid out "rests on: .*not proven fair against the operator"
		n=$((n + 1))
	done < <(python3 -c '
import json, sys
d = sys.argv[1]
for c in json.load(open(d + "/valid/index.json")):
    args = ["--commitment", d + "/" + c["commitment"], "--ledger", d + "/" + c["ledger"],
            "--proof", d + "/" + c["proof"], "--entry", c["entry"]]
    passes = 14
    if "freeze" in c:
        args.append(d + "/" + c["freeze"])
        passes += 1
    print("\t".join([c["record"], str(passes), " ".join(args)]))' "$D")
	[ $n -ge 10 ] || fail "$dir: only $n valid records"
	echo "ok: $dir: $n valid records verify with every check, and say what they rest on"

	n=0
	while IFS=$'\t' read -r record check extra; do
		# shellcheck disable=SC2086
		run invalid "$verify" --pubkey "$K" $extra "$D/$record"
		expect invalid 1
		has invalid out "FAIL  $check"
		n=$((n + 1))
	done < <(python3 -c '
import json, sys
d = sys.argv[1]
for c in json.load(open(d + "/invalid/index.json")):
    extra = []
    for opt in ("commitment", "ledger", "proof"):
        if opt in c: extra += ["--" + opt, d + "/" + c[opt]]
    if "entry" in c: extra += ["--entry", c["entry"]]
    extra += [d + "/" + f for f in ([c["freeze"]] if "freeze" in c else []) + c.get("with", [])]
    print("\t".join([c["record"], c["check"], " ".join(extra)]))' "$D")
	[ $n -ge 30 ] || fail "$dir: only $n invalid records"
	echo "ok: $dir: $n invalid records fail their labelled check, exit 1"
done
R2="$ALOT_SRC/vectors/records-v2"

# ---- conflicts: every equivocation form fails, whatever the order ---------------
for kind in draws commitments freezes; do
	other="$R2/invalid/equivocation--two-$kind.json"
	genuine=$(python3 -c 'import json,sys; print([c for c in json.load(open(sys.argv[1])) if c["record"].endswith(sys.argv[2])][0]["with"][0])' \
		"$R2/invalid/index.json" "two-$kind.json")
	for order in "$R2/$genuine $other" "$other $R2/$genuine"; do
		# shellcheck disable=SC2086
		run conflict "$verify" --pubkey "$K" $order
		expect conflict 1
		[ "$(grep -c 'FAIL  equivocation' "$tmp/conflict.out")" = 2 ] || fail "two $kind: not both failed: $(cat "$tmp/conflict.out")"
		has conflict out "0 of 2 records verified"
	done
	# One record given twice, byte for byte, is no conflict.
	run same "$verify" --pubkey "$K" "$R2/$genuine" "$R2/$genuine"
	expect same 0
done
# A forged record (not signed by the operator) beside a genuine one is no conflict:
# the forgery fails its signature, the genuine record verifies.
run forged "$verify" --pubkey "$K" "$R2/valid/many-entries.draw.json" "$R2/invalid/signature--flipped-byte.json"
expect forged 1
has forged out "FAIL  signature"
[ "$(grep -c 'FAIL  equivocation' "$tmp/forged.out")" = 0 ] || fail "a forgery made the genuine record equivocate"
has forged out "1 of 2 records verified"
echo "ok: two different signed draws, commitments or freezes of one room fail both, in either order"

# A draw's own verdict does not depend on the order of the records given with it.
D="$R2/valid/many-entries.draw.json"
for order in "$R2/valid/many-entries.commitment.json $R2/invalid/equivocation--two-commitments.json" \
             "$R2/invalid/equivocation--two-commitments.json $R2/valid/many-entries.commitment.json"; do
	# shellcheck disable=SC2086
	run order_c "$verify" --pubkey "$K" "$D" $order
	expect order_c 1
	has order_c out "FAIL  commitment-record: 2 different validly signed commitment records of this room"
done
for order in "$R2/valid/many-entries.freeze.json $R2/invalid/equivocation--two-freezes.json" \
             "$R2/invalid/equivocation--two-freezes.json $R2/valid/many-entries.freeze.json"; do
	# shellcheck disable=SC2086
	run order_f "$verify" --pubkey "$K" "$D" $order
	expect order_f 1
	has order_f out "PASS  freeze-record"
done
echo "ok: with conflicting companions, a draw's checks give the same verdict in any order"

# --commitment: every line is verified, a bad or conflicting one fails wherever it is.
good="$R2/valid/many-entries.commitment.json"
sed 's/"signature":"\(.\)/"signature":"0/' "$good" >"$tmp/bad-commitment.json"
cmp -s "$good" "$tmp/bad-commitment.json" && fail "the commitment was not corrupted"
for lines in "$good $tmp/bad-commitment.json" "$tmp/bad-commitment.json $good" \
             "$good $R2/invalid/equivocation--two-commitments.json" "$R2/invalid/equivocation--two-commitments.json $good"; do
	# shellcheck disable=SC2086
	cat $lines >"$tmp/commitments.jsonl"
	run commitments "$verify" --pubkey "$K" --commitment "$tmp/commitments.jsonl" "$R2/valid/many-entries.draw.json"
	expect commitments 1
	grep -q -E 'FAIL  (signature|equivocation)' "$tmp/commitments.out" || fail "commitments: no failed line: $(cat "$tmp/commitments.out")"
done
run commitments_draw "$verify" --pubkey "$K" --commitment "$R2/valid/many-entries.draw.json" "$R2/valid/many-entries.draw.json"
expect commitments_draw 1
has commitments_draw out "a commitment record was expected here"
echo "ok: --commitment checks every line: a corrupted or conflicting one fails in any position"

# A companion that fails fails its draw, in the text and in the JSON.
head -n 3 "$R2/valid/many-entries.ledger.jsonl" >"$tmp/short.ledger.jsonl"
echo 'not json' >"$tmp/garbled.ledger.jsonl"
for ledger in "$tmp/short.ledger.jsonl" "$tmp/garbled.ledger.jsonl" /dev/zero; do
	run companion "$verify" --pubkey "$K" --format json --ledger "$ledger" "$R2/valid/many-entries.draw.json"
	expect companion 1
	python3 - "$tmp/companion.out" <<'PY' || fail "a failed ledger $ledger did not fail its draw in JSON: $(cat "$tmp/companion.out")"
import json, sys
(o,) = [json.loads(l) for l in open(sys.argv[1])]
assert o["verified"] is False and o["proves"] is None, o
assert [c["status"] for c in o["checks"] if c["name"] == "ledger"] == ["FAIL"], o["checks"]
PY
done
run pipe_ledger "$verify" --pubkey "$K" --ledger <(cat "$R2/valid/many-entries.ledger.jsonl") "$R2/valid/many-entries.draw.json"
expect pipe_ledger 0
has pipe_ledger out "PASS  ledger"
could_not_run dir_ledger "could not read \"$tmp\"" "$verify" --pubkey "$K" --ledger "$tmp" "$R2/valid/many-entries.draw.json"
echo "ok: a short, garbled or endless ledger fails its draw (JSON too); a piped one works; a folder cannot be read"

# The published form and nothing else; endless input ends.
sed 's/$/\r/' "$R2/valid/many-entries.draw.json" >"$tmp/crlf.json"
run crlf "$verify" --pubkey "$K" "$tmp/crlf.json"
expect crlf 1
has crlf out "FAIL  format: not in published form"
printf '%s' "$(cat "$R2/valid/many-entries.draw.json")" >"$tmp/no-newline.json"
run no_newline "$verify" --pubkey "$K" "$tmp/no-newline.json"
expect no_newline 0
for source in record commitment; do
	if [ $source = record ]; then args=(/dev/zero); else args=(--commitment /dev/zero "$R2/valid/many-entries.draw.json"); fi
	run zero timeout 20 "$verify" --pubkey "$K" "${args[@]}"
	expect zero 1
	has zero out "over the size limit"
done
python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).read()); r["lot_type"]="\u001b[2J\u001b[1;1Hresult: VERIFIED"; print(json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False))' \
	"$R2/valid/many-entries.draw.json" >"$tmp/escape.json"
run escape "$verify" --pubkey "$K" "$tmp/escape.json"
expect escape 1
if grep -q $'\x1b' "$tmp/escape.out"; then fail "a terminal escape from the input reached stdout"; fi
# JSON stays one valid object per record, whatever bytes the input or its name holds.
cp "$R2/valid/many-entries.draw.json" "$tmp/"$'\xff'"name.json"
python3 -c 'import sys; sys.stdout.buffer.write(b"{\"" + b"k" * 63 + "\u00e9\":1}\n".encode())' >"$tmp/utf8.json"
run json_bytes "$verify" --pubkey "$K" --format json "$tmp/"$'\xff'"name.json" "$tmp/utf8.json"
expect json_bytes 1
python3 - "$tmp/json_bytes.out" <<'PY' || fail "JSON output lost a record or a check: $(cat "$tmp/json_bytes.out")"
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["verified"] is True and "\\xff" in a["source"], a
assert b["verified"] is False and [c["name"] for c in b["checks"]] == ["format"], b
PY
run json_unused "$verify" --pubkey "$K" --format json --ledger "$R/valid/one-ticket.ledger.jsonl" "$R2/valid/many-entries.draw.json"
expect json_unused 1
python3 - "$tmp/json_unused.out" <<'PY' || fail "an unused ledger is not a failure in the JSON: $(cat "$tmp/json_unused.out")"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o["verified"] for o in objs] == [True, False], objs
assert objs[1]["type"] == "ledger" and objs[1]["checks"][0]["status"] == "FAIL", objs[1]
PY
echo "ok: CR LF is not the published form, a missing final newline is fine, /dev/zero ends, escapes are escaped"
# A regular file has a total limit too, checked before it is read (sparse
# files: nothing is written to disk): 16 GiB of records, and for a ledger
# the largest the protocol allows, 2^31 entries of 513 bytes.
truncate -s $(( (16 << 30) + 1 )) "$tmp/huge.jsonl"
could_not_run huge_bundle "alot-verify: \"$tmp/huge.jsonl\" is over the limit of 17179869184 bytes" \
	"$verify" --pubkey "$K" "$tmp/huge.jsonl"
could_not_run huge_commitments "is over the limit of 17179869184 bytes" \
	"$verify" --pubkey "$K" --commitment "$tmp/huge.jsonl" "$R2/valid/many-entries.draw.json"
truncate -s $(( (1 << 31) * 513 + 1 )) "$tmp/huge.ledger.jsonl"
could_not_run huge_ledger "alot-verify: \"$tmp/huge.ledger.jsonl\" is over the limit of 1101659111424 bytes" \
	"$verify" --pubkey "$K" --ledger "$tmp/huge.ledger.jsonl" "$R2/valid/many-entries.draw.json"
truncate -s $(( (1 << 31) * 513 )) "$tmp/huge.ledger.jsonl"
run ledger_at_limit timeout 20 "$verify" --pubkey "$K" --ledger "$tmp/huge.ledger.jsonl" "$R2/valid/many-entries.draw.json"
expect ledger_at_limit 1
has ledger_at_limit out "FAIL  ledger"
rm -f "$tmp/huge.jsonl" "$tmp/huge.ledger.jsonl"
echo "ok: a regular file over its total limit is refused before it is read"

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
# Every input is opened before any is read: a missing second one stops the run, nothing printed.
could_not_run missing_second "could not open \"$tmp/nope.json\"" \
	"$verify" --pubkey "$K" --commitment "$R/valid/one-ticket.commitment.json" "$R/valid/one-ticket.draw.json" "$tmp/nope.json"
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
# getopt's own messages name the program, not the path it was run by.
run badopt_path "$verify" --bogus
has badopt_path err "^alot-verify: unrecognized option '--bogus'"
# A UUID option in any case is the same UUID.
entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry_id"])' "$R/valid/one-ticket.proof.json")
run upper_entry "$verify" --pubkey "$K" --proof "$R/valid/one-ticket.proof.json" --entry "${entry^^}" "$R/valid/one-ticket.draw.json"
expect upper_entry 0
has upper_entry out "PASS  proof"
# A pretty-printed record is one failure that says what is wrong, not one per line.
python3 -m json.tool "$R/valid/one-ticket.draw.json" >"$tmp/pretty.json"
run pretty "$verify" --pubkey "$K" "$tmp/pretty.json"
expect pretty 1
has pretty out "FAIL  format: this looks like a pretty-printed record: records are one per line"
[ "$(grep -c '^  FAIL' "$tmp/pretty.out")" = 1 ] || fail "pretty: not one FAIL line: $(cat "$tmp/pretty.out")"
has pretty out "0 of 1 records verified"
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
    assert set(o) == {"source", "line", "type", "room_id", "verified", "proves", "rests_on", "checks"}, o.keys()
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
has bad_commitment out "2 of 3 records verified"
head -c 100 "$R/valid/one-ticket.proof.json" >"$tmp/proof.json"
entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry_id"])' "$R/valid/one-ticket.proof.json")
run bad_proof "$verify" --pubkey "$K" --proof "$tmp/proof.json" --entry "$entry" "$R/valid/one-ticket.draw.json"
expect bad_proof 1
has bad_proof out "FAIL  proof: the proof \"$tmp/proof.json\" is malformed: malformed JSON"
has bad_proof out "0 of 1 records verified"
echo "ok: malformed commitment records and proofs fail, a ledger cannot come from stdin"

# ---- the downloadable static binary --------------------------------------------
grep -q NEEDED <<<"$(readelf -d "$static" 2>/dev/null)" && fail "the static binary needs shared libraries"
grep -q INTERP <<<"$(readelf -l "$static")" && fail "the static binary has a dynamic loader"
(cd "$(dirname "$static")" && sha256sum -c SHA256SUMS >/dev/null) || fail "SHA256SUMS does not match"
mkdir -p "$tmp/root"
cp "$static" "$tmp/root/alot-verify"
cp "$K" "$R/valid/many-entries.draw.json" "$R/valid/many-entries.ledger.jsonl" "$tmp/root/"
B="$ALOT_SRC/vectors/records-beacon"
mkdir -p "$tmp/root/beacon"
cp "$B"/valid/beacon-real.* "$B/invalid/beacon-timing--not-first.json" "$tmp/root/beacon/"
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
# A draw under the NIST beacon rule, with the real pulses: the pulse
# checks need nothing but the binary (its NIST certificate is built in).
set +e
in_empty_root --pubkey /pubkey.pem --ledger /beacon/beacon-real.ledger.jsonl /beacon/beacon-real.draw.json \
	/beacon/beacon-real.commitment.json /beacon/beacon-real.freeze.json >"$tmp/chroot.out" 2>"$tmp/chroot.err"
echo $? >"$tmp/chroot.rc"
set -e
expect chroot 0
has chroot out "PASS  beacon-pulse"
has chroot out "PASS  beacon-timing"
has chroot out "3 of 3 records verified"
has chroot out "nobody knew when the ledger was frozen"
# ... and refuses one that used a later pulse than the rule names.
set +e
in_empty_root --pubkey /pubkey.pem /beacon/beacon-timing--not-first.json /beacon/beacon-real.commitment.json \
	/beacon/beacon-real.freeze.json >"$tmp/chroot.out" 2>"$tmp/chroot.err"
echo $? >"$tmp/chroot.rc"
set -e
expect chroot 1
has chroot out "FAIL  beacon-timing: the pulse (1862119) is not the first after the freeze's log time 2026-07-16T13:48:58Z"
echo "ok: the static binary verifies in an empty root, with no library and no environment, beacon draws too"

# ---- the offline build links neither libpq nor libcurl ----------------------------
if nm "$verify" | grep -E ' [TUtu] (PQ[a-z]|curl_)' >/dev/null; then fail "alot-verify has libpq or libcurl symbols"; fi
if readelf -d "$verify" | grep -E 'NEEDED.*(libpq|libcurl)' >/dev/null; then fail "alot-verify needs libpq or libcurl"; fi
if grep -a -q -E 'PQconnectdb|curl_easy_perform' "$static"; then fail "the static binary contains libpq or libcurl"; fi
grep -q 'NEEDED.*libcrypto' <<<"$(readelf -d "$verify")" || fail "the symbol check looks at the wrong binary"
echo "ok: no libpq or libcurl in the offline builds"
echo "all verify CLI tests passed"
