#!/usr/bin/env bash
# test_verify_net.sh - alot-verify-net (the --url build) against a local
# HTTPS server with its own test CA: good records and their ledgers fetched
# and verified as offline; tampered content exits 1; every way a download
# can fail (time limit, cut-short body, HTTP errors, size limit, untrusted
# or mismatched certificate, plain http, redirect to http) exits 2 with
# one clear line.  Nothing here depends on timing: the stalled answers
# never come, so only the client's own limit can end them.
set -euo pipefail

net="$BUILD/alot-verify-net"
R="$ALOT_SRC/vectors/records"
K="$R/pubkey.pem"
tmp=$(mktemp -d)
. "$ALOT_SRC/tests/verify/cli-lib.sh"
. "$ALOT_SRC/tests/lib/testca.sh"
cleanup() {
	stop_servers
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- a test CA and a certificate for 127.0.0.1 ------------------------------
test_ca

# ---- what the server publishes ------------------------------------------------
www="$tmp/www"
mkdir -p "$www"
cp "$R"/valid/many-entries.* "$R"/valid/one-ticket.* "$www/"
for f in "$ALOT_SRC"/vectors/records-v2/valid/many-entries.*; do cp "$f" "$www/v2-$(basename "$f")"; done
cp "$R/invalid/signature--flipped-byte.json" "$www/tampered.draw.json"
cp "$R/valid/one-ticket.ledger.jsonl" "$www/tampered.ledger.jsonl"
cp "$R/invalid/ledger--gap.json" "$www/gap.draw.json"
cp "$R/invalid/ledger--gap.ledger.jsonl" "$www/gap.ledger.jsonl"
cp "$R/valid/one-ticket.draw.json" "$www/no-ledger.draw.json"
echo '<html><body>Sorry, we moved.</body></html>' >"$www/html.draw.json"
cp "$R/valid/one-ticket.ledger.jsonl" "$www/html.ledger.jsonl"

start_server "the HTTPS server" "$tmp/port" "$tmp/server.log" \
	python3 "$ALOT_SRC/tests/verify/https_server.py" "$tmp/server.pem" "$tmp/server.key" "$www" "$tmp/port"
base="https://127.0.0.1:$(cat "$tmp/port")"
v() { "$net" --pubkey "$K" --cacert "$tmp/ca.pem" "$@"; }

# ---- good records, with every companion fetched -------------------------------------
run good v --url "$base/files/many-entries.draw.json"
expect good 0
has good out "^$base/files/many-entries.draw.json:1: draw record of room"
has good out "PASS  ledger"
has good out "1 of 1 records verified"
entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry_id"])' "$R/valid/many-entries.proof.json")
run all v --url "$base/files/many-entries.draw.json" --commitment "$base/files/many-entries.commitment.json" \
	--proof "$base/files/many-entries.proof.json" --entry "$entry"
expect all 0
# The draw passes its own 10 checks, commitment-record, equivocation, ledger and proof.
passes=$(awk '/draw record of room/ {on=1; next} /^[^ ]/ {on=0} on && /^  PASS/' "$tmp/all.out" | wc -l)
[ "$passes" = 14 ] || fail "all: $passes PASS lines for the draw, not 14: $(cat "$tmp/all.out")"
has all out "2 of 2 records verified"
# Protocol 2: the freeze record fetched as a record beside the draw.
run v2 v --url "$base/files/v2-many-entries.draw.json" --commitment "$base/files/v2-many-entries.commitment.json" \
	"$base/files/v2-many-entries.freeze.json"
expect v2 0
has v2 out "PASS  freeze-record"
has v2 out "PASS  ledger"
has v2 out "3 of 3 records verified"
# A record that cannot be fetched, after --url's record was: exit 2, nothing freed twice.
could_not_run missing_second "the server answered HTTP status 404" \
	v --url "$base/files/v2-many-entries.draw.json" "$base/files/nothing-here.json"
run explicit v --url "$base/files/no-ledger.draw.json" --ledger "$base/files/one-ticket.ledger.jsonl"
expect explicit 0
has explicit out "PASS  ledger"
run redirect v --url "$base/redirect-https/one-ticket.draw.json" --ledger "$base/files/one-ticket.ledger.jsonl"
expect redirect 0
run json v --format json --url "$base/files/one-ticket.draw.json"
expect json 0
python3 -c 'import json,sys; o = json.load(open(sys.argv[1])); assert o["verified"] and o["source"].startswith("https://"), o' \
	"$tmp/json.out" || fail "json: $(cat "$tmp/json.out")"
run local_too v --url "$base/files/one-ticket.draw.json" "$R/valid/rejection.draw.json"
expect local_too 0
has local_too out "2 of 2 records verified"
run positional v "$base/files/one-ticket.draw.json" "$base/files/many-entries.draw.json"
expect positional 0
has positional out "2 of 2 records verified"
echo "ok: records, ledgers, commitments and proofs fetched over HTTPS verify as offline"

# ---- fetched content that fails: exit 1 ---------------------------------------------
run tampered v --url "$base/files/tampered.draw.json"
expect tampered 1
has tampered out "FAIL  signature"
run gap v --url "$base/files/gap.draw.json"
expect gap 1
has gap out "FAIL  ledger"
run html v --url "$base/files/html.draw.json"
expect html 1
has html out "FAIL  format: malformed JSON"
echo "ok: tampered records, ledgers and non-records fetched exit 1 naming the check"

# ---- downloads that fail: exit 2, one clear line, no report --------------------------
p=$(cat "$tmp/port")
L="--ledger=$base/files/one-ticket.ledger.jsonl"
could_not_run stall "could not fetch \"$base/stall/one-ticket.draw.json\": no complete answer within 1 seconds" \
	v --timeout 1 $L --url "$base/stall/one-ticket.draw.json"
could_not_run stall_body "could not fetch \"$base/stall-body/one-ticket.ledger.jsonl\": no complete answer within 1 seconds" \
	v --timeout 1 --url "$base/files/one-ticket.draw.json" --ledger "$base/stall-body/one-ticket.ledger.jsonl"
could_not_run truncated "could not fetch \"$base/truncated/one-ticket.draw.json\": the answer was cut short after" \
	v $L --url "$base/truncated/one-ticket.draw.json"
could_not_run notfound "could not fetch \"$base/status/404/one-ticket.draw.json\": the server answered HTTP status 404" \
	v $L --url "$base/status/404/one-ticket.draw.json"
could_not_run servererror "the server answered HTTP status 500" v $L --url "$base/status/500/one-ticket.draw.json"
could_not_run noledger "could not fetch \"$base/files/no-ledger.ledger.jsonl\": the server answered HTTP status 404" \
	v --url "$base/files/no-ledger.draw.json"
could_not_run big "the answer is over the size limit of 262146 bytes" v $L --url "$base/big/one-ticket.draw.json"
could_not_run endless "the answer is over the size limit of 262146 bytes" v $L --url "$base/endless/one-ticket.draw.json"
could_not_run untrusted "could not fetch \"$base/files/one-ticket.draw.json\": SSL certificate problem" \
	"$net" --pubkey "$K" $L --url "$base/files/one-ticket.draw.json"
could_not_run wronghost "could not fetch \"https://localhost:$p/files/one-ticket.draw.json\"" \
	v $L --url "https://localhost:$p/files/one-ticket.draw.json"
could_not_run plain "refusing \"http://127.0.0.1:$p/files/one-ticket.draw.json\": plain http:// has no TLS" \
	v --url "http://127.0.0.1:$p/files/one-ticket.draw.json"
has plain err "hint: use the https:// address"
could_not_run redirect_http "could not fetch \"$base/redirect-http/one-ticket.draw.json\":" \
	v $L --url "$base/redirect-http/one-ticket.draw.json"
could_not_run nosuffix "cannot tell where the ledger of \"$base/files/one-ticket\" is published" \
	v --url "$base/files/one-ticket"
could_not_run badca "could not open \"$tmp/nope.pem\"" v --cacert "$tmp/nope.pem" --url "$base/files/one-ticket.draw.json"
run badtimeout v --timeout 0 --url "$base/files/one-ticket.draw.json"
expect badtimeout 2
has badtimeout err 'Try "alot-verify-net --help"'
echo "ok: time limits, cut-short bodies, HTTP errors, size limits, TLS failures and http:// exit 2"

# ---- the offline build refuses URLs ---------------------------------------------
run offline "$BUILD/alot-verify" --pubkey "$K" --ledger "$base/files/one-ticket.ledger.jsonl" "$R/valid/one-ticket.draw.json"
expect offline 2
has offline err "works offline only"
grep -q "with --url" <<<"$("$net" --version)" || fail "alot-verify-net --version does not say it can fetch"
grep -q libcurl <<<"$(ldd "$net")" || fail "alot-verify-net does not link libcurl: the wrong binary is under test"
echo "all alot-verify-net tests passed"
