#!/usr/bin/env bash
# test_beacon_fetch.sh - "alot-draw beacon fetch" and "beacon check" against
# a local HTTPS beacon (tests/lib/beacon_server.py, its own test CA) that
# serves chains of TEST-signed pulses (tests/lib/mkpulse.py) and NIST's
# real pulses: the first pulse strictly after a time and its predecessor
# are found (by index arithmetic, across a gap in time, at a boundary),
# written byte for byte as served, and checked offline; a pulse not yet
# published is waited for and used; slow, failing and cut-short answers
# are tried again (a beacon that stays slow: exit 2 with one clear line);
# TLS failures, 404 and http:// exit 2; malformed, forged, unlinked and
# untrusted pulses exit 1 naming the pulse.  No timing is
# asserted: the waits are real, with a one-second beacon period.
set -euo pipefail

draw="$BUILD/alot-draw"
mkpulse="$ALOT_SRC/tests/lib/mkpulse.py"
nist="$ALOT_SRC/../shared/data/nist-beacon/chain2-pulses-1862118-1862119.json"
tmp=$(mktemp -d)
. "$ALOT_SRC/tests/verify/cli-lib.sh"
. "$ALOT_SRC/tests/lib/testca.sh"
cleanup() {
	stop_servers
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$draw" ] || fail "$draw is not built"
[ -f "$mkpulse" ] || fail "$mkpulse is missing"
[ -f "$nist" ] || fail "the real NIST pulses are missing: $nist"

# ---- a test CA and a certificate for 127.0.0.1 ------------------------------
test_ca

# ---- what the beacon serves ----------------------------------------------------
# Two TEST beacon certificates: the tests trust the first only.
python3 "$mkpulse" cert "$tmp/bc" >/dev/null
python3 "$mkpulse" cert "$tmp/bc2" >/dev/null
K="$tmp/bc/beacon-test.key" C="$tmp/bc/beacon-test.pem"
www="$tmp/www"
chain() { python3 "$mkpulse" chain --key "${KEY:-$K}" --cert "${CERT:-$C}" --chain 2 "$@"; }
# hist: pulses 1000-1029 a minute apart from 12:00, with 1015 five minutes after 1014
# (12:14 -> 12:19, status 2): 1026 is at 12:30, 1027 at 12:31, the last (1029) at 12:33.
chain --start-index 1000 --start-time 2026-07-16T12:00:00.000Z --count 30 --gap-at 1015=300000 --out "$www/hist"
# Damaged copies of hist, each in pulse 1027.
for d in malformed badsig unlinked; do mkdir -p "$www/$d"; cp "$www"/hist/pulse-*.json "$www/$d/"; done
python3 "$mkpulse" tamper "$www/hist/pulse-1027.json" localRandomValue '"not hex"' >"$www/malformed/pulse-1027.json"
python3 "$mkpulse" tamper "$www/hist/pulse-1027.json" external.statusCode 1 >"$www/badsig/pulse-1027.json"
python3 "$mkpulse" tamper "$www/hist/pulse-1027.json" listValues.0.value "$(printf '00%.0s' $(seq 64))" \
	--resign "$K" --cert "$C" >"$www/unlinked/pulse-1027.json"
# untrusted: the same shape, signed by the other certificate.
KEY="$tmp/bc2/beacon-test.key" CERT="$tmp/bc2/beacon-test.pem" \
	chain --start-index 1000 --start-time 2026-07-16T12:00:00.000Z --count 3 --out "$www/untrusted"
# nist: NIST's two real pulses, as its API serves them.
mkdir -p "$www/nist"
python3 - "$nist" "$www/nist" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for p in (d["previous_pulse"], d["pulse"]):
    with open("%s/pulse-%d.json" % (sys.argv[2], p["pulseIndex"]), "w") as f:
        json.dump({"pulse": p}, f)
PY

start_server "the beacon server" "$tmp/port" "$tmp/server.log" \
	python3 "$ALOT_SRC/tests/lib/beacon_server.py" "$tmp/server.pem" "$tmp/server.key" "$www" "$tmp/port" \
	--slow 30 --late-ms 1500
base="https://127.0.0.1:$(cat "$tmp/port")"
fetch() { "$draw" beacon fetch --cacert "$tmp/ca.pem" "$@"; }
tfetch() { fetch --beacon-cert "$C" "$@"; }
same() { cmp -s "$1" "$2" || fail "$1 is not byte for byte $2"; }

# ---- the first pulse after a time, and its predecessor ------------------------
run a tfetch --base-url "$base/files/hist" --after 2026-07-16T12:30:30Z -o "$tmp/a"
expect a 0
has a out "^pulse 1027 of chain 2 at 2026-07-16T12:31:00.000Z, the first after 2026-07-16T12:30:30.000Z, and its previous pulse 1026 at 2026-07-16T12:30:00.000Z: $tmp/a/pulse.json, $tmp/a/previous.json\$"
[ "$(wc -l <"$tmp/a.out")" = 1 ] || fail "a: more than one line: $(cat "$tmp/a.out")"
same "$tmp/a/pulse.json" "$www/hist/pulse-1027.json"
same "$tmp/a/previous.json" "$www/hist/pulse-1026.json"
# The same time as POSIX seconds, the base URL with a trailing slash.
secs=$(date -u -d 2026-07-16T12:30:30Z +%s)
run posix tfetch --base-url "$base/files/hist/" --after "$secs" -o "$tmp/posix"
expect posix 0
same "$tmp/posix/pulse.json" "$www/hist/pulse-1027.json"
# Before the gap: the period puts pulse 1007 first, the search finds 1011 (12:11) after 12:10.
run before_gap tfetch --base-url "$base/files/hist" --after 2026-07-16T12:10:00Z -o "$tmp/bg"
expect before_gap 0
has before_gap out "^pulse 1011 of chain 2 at 2026-07-16T12:11:00.000Z, .* previous pulse 1010 at 2026-07-16T12:10:00.000Z"
same "$tmp/bg/pulse.json" "$www/hist/pulse-1011.json"
# Inside the gap: 1015 (status 2) is linked to 1014.
run in_gap tfetch --base-url "$base/files/hist" --after 2026-07-16T12:16:00.5Z -o "$tmp/ig"
expect in_gap 0
has in_gap out "^pulse 1015 of chain 2 at 2026-07-16T12:19:00.000Z, .* previous pulse 1014 at 2026-07-16T12:14:00.000Z"
echo "ok: the first pulse after a time and its predecessor, by index arithmetic and across a gap"

# ---- beacon check: the air-gapped path ------------------------------------------
run check "$draw" beacon check "$tmp/a/pulse.json" "$tmp/a/previous.json" --beacon-cert "$C" \
	--after 2026-07-16T12:30:30Z --chain 2
expect check 0
has check out "^pulse 1027 of chain 2 at 2026-07-16T12:31:00.000Z and its previous pulse 1026 at 2026-07-16T12:30:00.000Z verify and are linked\$"
run check_one "$draw" beacon check "$tmp/a/pulse.json" -b "$C"
expect check_one 0
has check_one out "^pulse 1027 of chain 2 at 2026-07-16T12:31:00.000Z verifies\$"
run check_untrusted "$draw" beacon check "$tmp/a/pulse.json"
expect check_untrusted 1
has check_untrusted err "pulse 1027 of chain 2 does not verify: the pulse's certificateId is not a trusted certificate"
has check_untrusted err "hint: .*--beacon-cert"
run check_swapped "$draw" beacon check "$tmp/a/previous.json" "$tmp/a/pulse.json" -b "$C"
expect check_swapped 1
has check_swapped err "\"$tmp/a/previous.json\" is not the pulse after \"$tmp/a/pulse.json\": pulse 1026 does not follow pulse 1027"
run check_late "$draw" beacon check "$tmp/a/pulse.json" "$tmp/a/previous.json" -b "$C" --after 2026-07-16T12:31:00Z
expect check_late 1
has check_late err "pulse 1027 at 2026-07-16T12:31:00.000Z is not after 2026-07-16T12:31:00.000Z"
run check_early "$draw" beacon check "$tmp/a/pulse.json" "$tmp/a/previous.json" -b "$C" --after 2026-07-16T12:29:59Z
expect check_early 1
has check_early err "pulse 1027 is not the first after 2026-07-16T12:29:59.000Z"
run check_chain "$draw" beacon check "$tmp/a/pulse.json" -b "$C" --chain 1
expect check_chain 1
run check_forged "$draw" beacon check "$www/badsig/pulse-1027.json" -b "$C"
expect check_forged 1
has check_forged err "pulse 1027 of chain 2 does not verify: the signature does not verify"
run check_malformed "$draw" beacon check "$www/malformed/pulse-1027.json" -b "$C"
expect check_malformed 1
has check_malformed err "is malformed: "
could_not_run check_missing "could not open \"$tmp/nope.json\"" "$draw" beacon check "$tmp/nope.json"
echo "ok: beacon check verifies pulse files offline, with their link and times"

# ---- NIST's real pulses, under the builtin certificate ----------------------------
nist_secs=$(date -u -d 2026-07-16T13:49:30Z +%s)
for t in 2026-07-16T13:49:00Z 2026-07-16T13:49:59.999Z "$nist_secs"; do
	run nist fetch --base-url "$base/files/nist" --after "$t" -o "$tmp/nist"
	expect nist 0
	has nist out "^pulse 1862119 of chain 2 at 2026-07-16T13:50:00.000Z, .* previous pulse 1862118 at 2026-07-16T13:49:00.000Z"
	same "$tmp/nist/pulse.json" "$www/nist/pulse-1862119.json"
	same "$tmp/nist/previous.json" "$www/nist/pulse-1862118.json"
	rm -rf "$tmp/nist"
done
run nist_check "$draw" beacon check "$www/nist/pulse-1862119.json" "$www/nist/pulse-1862118.json" --after "$nist_secs"
expect nist_check 0
# 13:50:00 itself: the next pulse (13:51) was never published here; no wait, exit 2.
run nist_none fetch --base-url "$base/files/nist" --after 2026-07-16T13:50:00Z --wait 0 -o "$tmp/nist"
expect nist_none 2
has nist_none err "no pulse of chain 2 after 2026-07-16T13:50:00.000Z within 0 seconds: the newest is pulse 1862119 at 2026-07-16T13:50:00.000Z"
has nist_none err "hint: .*--wait"
[ ! -e "$tmp/nist/pulse.json" ] || fail "nist_none: wrote a pulse"
echo "ok: NIST's real pulses are fetched and accepted with the builtin certificate"

# ---- a pulse not yet published is waited for ----------------------------------------
# live: one pulse a second from 2 seconds ago to 7 seconds from now, each published 1.5 s
# after its time ("late"): the first after now+2 s is not there yet.
now=$(date +%s)
chain --start-index 500 --start-time "$(date -u -d "@$((now - 2))" +%Y-%m-%dT%H:%M:%S.000Z)" --count 10 \
	--period-ms 1000 --out "$www/live"
after=$(( now + 2 ))
run wait tfetch --base-url "$base/late/live" --after "$after" --wait 15 -o "$tmp/wait"
expect wait 0
has wait err "waiting for the first pulse of chain 2 after $(date -u -d "@$after" +%Y-%m-%dT%H:%M:%S).000Z"
run wait_check "$draw" beacon check "$tmp/wait/pulse.json" "$tmp/wait/previous.json" -b "$C" --after "$after"
expect wait_check 0
grep -q 'GET /late/live/chain/2/pulse/last' "$tmp/server.log" || fail "wait: never asked for the last pulse"
# A pulse that cannot come within the wait: exit 2 at once.
run wait_short tfetch --base-url "$base/late/live" --after "$(( $(date +%s) + 120 ))" --wait 1 -o "$tmp/ws"
expect wait_short 2
has wait_short err "no pulse of chain 2 after .* within 1 seconds"
echo "ok: a pulse not yet published is waited for, then used; one that cannot come in time exits 2"

# ---- answers that fail: tried again, then exit 2 --------------------------------------
run slow tfetch --base-url "$base/slow/hist" --after 2026-07-16T12:30:30Z --timeout 1 -o "$tmp/slow"
expect slow 2
has slow err "could not fetch the last pulse of chain 2 from \"$base/slow/hist/chain/2/pulse/last\": no complete answer within 1 seconds\$"
[ "$(grep -c 'trying again' "$tmp/slow.err")" = 2 ] || fail "slow: not tried three times: $(cat "$tmp/slow.err")"
[ ! -s "$tmp/slow.out" ] || fail "slow: printed a result"
run flaky tfetch --base-url "$base/flaky/hist" --after 2026-07-16T12:30:30Z -o "$tmp/flaky"
expect flaky 0
has flaky err "the server answered HTTP status 503; trying again"
same "$tmp/flaky/pulse.json" "$www/hist/pulse-1027.json"
run cut tfetch --base-url "$base/cutonce/hist" --after 2026-07-16T12:30:30Z -o "$tmp/cut"
expect cut 0
has cut err "could not fetch \"$base/cutonce/hist/chain/2/pulse/last\": the answer was cut short after [0-9]* bytes; trying again in 1 s"
same "$tmp/cut/pulse.json" "$www/hist/pulse-1027.json"
could_not_run tls "could not fetch the last pulse of chain 2 from \"$base/files/hist/chain/2/pulse/last\": SSL certificate problem" \
	"$draw" beacon fetch -b "$C" --base-url "$base/files/hist" --after 2026-07-16T12:30:30Z -o "$tmp/tls"
could_not_run nochain "could not fetch the last pulse of chain 3 from .*: the server answered HTTP status 404" \
	tfetch --base-url "$base/files/hist" --chain 3 --after 2026-07-16T12:30:30Z -o "$tmp/nochain"
could_not_run plain "not an https:// URL" \
	tfetch --base-url "http://127.0.0.1:$(cat "$tmp/port")/files/hist" --after 2026-07-16T12:30:30Z -o "$tmp/plain"
echo "ok: slow, failing and cut-short answers are tried again (then exit 2); TLS, 404 and http:// exit 2"

# ---- pulses that fail: exit 1, naming the pulse -----------------------------------------
run malformed tfetch --base-url "$base/files/malformed" --after 2026-07-16T12:30:30Z -o "$tmp/m"
expect malformed 1
has malformed err "pulse 1027 of chain 2 from \"$base/files/malformed/chain/2/pulse/1027\" is malformed: "
run badsig tfetch --base-url "$base/files/badsig" --after 2026-07-16T12:30:30Z -o "$tmp/bs"
expect badsig 1
has badsig err "pulse 1027 of chain 2 does not verify: the signature does not verify"
run unlinked tfetch --base-url "$base/files/unlinked" --after 2026-07-16T12:30:30Z -o "$tmp/ul"
expect unlinked 1
has unlinked err "pulse 1027 of chain 2 is not linked to its predecessor: pulse 1027's previous value is not pulse 1026's outputValue"
run untrusted tfetch --base-url "$base/files/untrusted" --after 2026-07-16T12:00:30Z -o "$tmp/ut"
expect untrusted 1
has untrusted err "pulse 1002 of chain 2 does not verify: the pulse's certificateId is not a trusted certificate"
has untrusted err "detail: its certificateId is $(openssl x509 -in "$tmp/bc2/beacon-test.pem" -outform DER | sha512sum | cut -c1-128)\$"
has untrusted err "hint: .*--beacon-cert"
run untrusted_ok fetch -b "$tmp/bc2/beacon-test.pem" --base-url "$base/files/untrusted" --after 2026-07-16T12:00:30Z -o "$tmp/ut2"
expect untrusted_ok 0
for d in m bs ul; do [ ! -e "$tmp/$d/pulse.json" ] || fail "$d: wrote a pulse that failed"; done
echo "ok: malformed, forged, unlinked and untrusted pulses exit 1 naming the pulse"

# ---- options ----------------------------------------------------------------------
could_not_run no_after "--after is required" "$draw" beacon fetch -o "$tmp/x"
has no_after err 'Try "alot-draw --help"\|Try "alot-draw'
could_not_run no_output "--output is required" "$draw" beacon fetch --after 0
could_not_run bad_time "invalid value \"yesterday\" for a time" "$draw" beacon fetch --after yesterday -o "$tmp/x"
could_not_run bad_wait "invalid value \"-1\" for --wait" "$draw" beacon fetch --after 0 --wait -1 -o "$tmp/x"
could_not_run bad_timeout "invalid value \"0\" for --timeout" "$draw" beacon fetch --after 0 --timeout 0 -o "$tmp/x"
could_not_run bad_cert "could not open \"$tmp/nope.pem\"" "$draw" beacon check "$tmp/a/pulse.json" -b "$tmp/nope.pem"
could_not_run no_pulse "a pulse file is required" "$draw" beacon check
could_not_run bad_sub "beacon subcommand" "$draw" beacon frobnicate
run help "$draw" beacon --help
expect help 0
has help out "alot-draw beacon fetch --after TIME --output DIR"
echo "all alot-draw beacon tests passed"
