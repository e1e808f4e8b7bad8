#!/usr/bin/env bash
# test_beacon_draw.sh - draws under the NIST beacon rule end to end, against
# a real PostgreSQL, two real alot-witness instances and TEST-signed pulses
# (tests/lib/mkpulse.py): "commit --beacon-rule nist-beacon-2.0
# --witness-policy" binds the policy (and refuses one that does not parse,
# is not the database log's, or is not the one a full rule names); "log
# checkpoint --size" and "log witness --size" make and cosign the
# checkpoint of the size the freeze made the log; "execute" refuses, exit
# 1 and naming the step or the check, without that checkpoint, with a
# witness of the policy missing, with a pulse that is not the first after
# the log time, a tampered pulse, an untrusted certificate (hint
# --beacon-cert) and a wrong predecessor, and stores nothing then; it draws
# with the right pulses (files, air-gapped; and fetched from a local HTTPS
# beacon through lib/net), the record carries the four beacon fields byte
# for byte, a run again prints the same bytes, and a run on a copy of the
# database made after the pulses were stored signs the very same record
# even when given other pulses.  alot-verify checks the records.
#
# The witnesses use the system clock, so the pulses are made after
# witnessing, from the log time read back from the database.
set -euo pipefail

draw="$BUILD/alot-draw"
witness="$BUILD/alot-witness"
verify="$BUILD/alot-verify"
mkpulse="$ALOT_SRC/tests/lib/mkpulse.py"
db="t_beacon_draw_$$"
copy="t_beacon_draw_copy_$$" copy2="t_beacon_draw_copy2_$$"
tmp=$(mktemp -d)
. "$(dirname "$0")/../verify/cli-lib.sh"
. "$ALOT_SRC/tests/lib/testca.sh"
. "$ALOT_SRC/tests/draw/lib.sh"
cleanup() {
	stop_servers
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	dropdb --if-exists --force "$copy" >/dev/null 2>&1 || true
	dropdb --if-exists --force "$copy2" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -x "$witness" ] || fail "$witness is not built"
hasnt() { ! grep -q -- "$3" "$tmp/$1.$2" || fail "$1: $2 has \"$3\": $(cat "$tmp/$1.$2")"; }

new_db
add_rooms 11 16 '[{"amount": 2, "tickets": 2}, {"amount": 5.00, "tickets": 5}]'

# ---- keys: the operator's, the log's, two witnesses', a test beacon certificate ----
operator_keys
run seal2 "$draw" keygen --seal-key "$tmp/seal2.key"
expect seal2 0
log_key
run otherlog "$draw" keygen --signing-key "$tmp/other.pem" --public-key "$tmp/otherpub.pem"
expect otherlog 0
"$draw" log vkey --key "$tmp/other.pem" --origin "$ORIGIN" >"$tmp/other.vkey"
witness_keys w1 w2
python3 "$mkpulse" cert "$tmp/bc" >/dev/null
BK="$tmp/bc/beacon-test.key" BC="$tmp/bc/beacon-test.pem"
witness_policy
HASH=$(python3 -c '
import hashlib, struct, sys
lp = lambda b: struct.pack(">I", len(b)) + b
print(hashlib.sha256(lp(b"ALOT-v2/witness-policy") + lp(open(sys.argv[1], "rb").read())).hexdigest())' "$tmp/policy")
RULE="nist-beacon-2.0:chain=2:after=freeze:policy=$HASH"

# ---- commit under the rule ----------------------------------------------------
run help_commit "$draw" commit --help
has help_commit out "--witness-policy"
run nopolicy "$draw" commit --room "$(id 11)" --beacon-rule nist-beacon-2.0
expect nopolicy 2
has nopolicy err "the beacon rule nist-beacon-2.0 needs --witness-policy FILE"
run policy_none "$draw" commit --room "$(id 11)" --witness-policy "$tmp/policy"
expect policy_none 2
has policy_none err '--witness-policy is for a nist-beacon-2.0 rule, not "none"'
printf 'log %s\nquorum 1\n' "$(cat "$tmp/log.vkey")" >"$tmp/bad-policy"
run badpolicy "$draw" commit --room "$(id 11)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/bad-policy"
expect badpolicy 1
has badpolicy err "witness policy \"$tmp/bad-policy\": the witness policy names no witness"
[ "$(wc -l <"$tmp/badpolicy.err")" = 1 ] || fail "badpolicy: more than one line: $(cat "$tmp/badpolicy.err")"
run wronghash "$draw" commit --room "$(id 11)" --beacon-rule "nist-beacon-2.0:chain=2:after=freeze:policy=$(printf '0%.0s' {1..64})" \
	--witness-policy "$tmp/policy"
expect wronghash 1
has wronghash err "the beacon rule names another witness policy than \"$tmp/policy\", whose hash is $HASH"
run missingfile "$draw" commit --room "$(id 11)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/nothing"
expect missingfile 2
[ "$(q "SELECT count(*) FROM room_commitments")" = 0 ] || fail "a refused commit stored a commitment"
run commit11 "$draw" commit --room "$(id 11)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/policy"
expect commit11 0
has commit11 out "\"beacon_rule\":\"$RULE\""
has commit11 err "beacon rule $RULE (2 witnesses, quorum 2)"
[ "$(q "SELECT encode(hash, 'hex') FROM witness_policies")" = "$HASH" ] || fail "the stored policy's hash"
[ "$(q "SELECT policy FROM witness_policies")" = "$(cat "$tmp/policy")" ] || fail "the stored policy's text"
# The full rule is accepted too, and the policy stored once.
run commit12 "$draw" commit --room "$(id 12)" --beacon-rule "$RULE" --witness-policy "$tmp/policy"
expect commit12 0
[ "$(q "SELECT count(*) FROM witness_policies")" = 1 ] || fail "the policy was stored twice"
# Once the log has a checkpoint, a policy of another log key is refused.
run cp_first "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp_first 0
printf 'log %s\nwitness %s\nquorum 1\n' "$(cat "$tmp/other.vkey")" "$(cat "$tmp/w1.vkey")" >"$tmp/other-policy"
run otherkey "$draw" commit --room "$(id 13)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/other-policy"
expect otherkey 1
has otherkey err "witness policy \"$tmp/other-policy\": its log key did not sign the checkpoints of this database's log \"$ORIGIN\""
"$draw" log vkey --key "$tmp/other.pem" --origin other.example/log >"$tmp/other2.vkey"
printf 'log %s\nwitness %s\nquorum 1\n' "$(cat "$tmp/other2.vkey")" "$(cat "$tmp/w1.vkey")" >"$tmp/other2-policy"
run otherorigin "$draw" commit --room "$(id 13)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/other2-policy"
expect otherorigin 1
has otherorigin err "its log key is the key of \"other.example/log\", not of this database's log \"$ORIGIN\""
[ "$(q "SELECT count(*) FROM room_commitments WHERE room_id = '$(id 13)'")" = 0 ] || fail "room 13 was committed"
echo "ok: commit binds the rule nist-beacon-2.0 to a stored witness policy, and refuses a policy that does not parse, is not the database log's, or is not the rule's"

# ---- the freeze, and the log steps the draw needs --------------------------------
fund "$(id 11)"
run noadmin "$draw" execute --room "$(id 11)" --admin "$(id 102)" --beacon-pulse /dev/null --beacon-previous /dev/null
expect noadmin 1
run halfpulse "$draw" execute --room "$(id 11)" --admin "$(id 101)" --beacon-pulse "$tmp/x"
expect halfpulse 2
has halfpulse err "give --beacon-pulse and --beacon-previous together"
run nocp "$draw" execute --room "$(id 11)" --admin "$(id 101)" --beacon-pulse /dev/null --beacon-previous /dev/null
expect nocp 1
has nocp err "froze room $(id 11) first"
F=$(q "SELECT idx FROM log_entries WHERE room_id = '$(id 11)' AND kind = 'freeze'")
S=$((F + 1))
has nocp err "room $(id 11): its freeze record is log entry $F, and the log has no checkpoint of size $S: its log time is unknown"
has nocp err "hint: run \"alot-draw log checkpoint --size $S\" and \"alot-draw log witness --size $S\""
[ ! -s "$tmp/nocp.out" ] || fail "nocp printed a record"
[ "$(q "SELECT count(*) FROM room_draw_starts")" = 0 ] || fail "the draw started without its pulses"
# Entries after the freeze: the checkpoint of the freeze's size is an earlier one.
run commit14 "$draw" commit --room "$(id 14)"
expect commit14 0
run cp_beyond "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN" --size 999
expect cp_beyond 1
has cp_beyond err "size 999 is beyond the log's size $((S + 1))"
run cpS "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN" --size "$S"
expect cpS 0
has cpS err "signed the checkpoint of size $S"
[ "$(sed -n 2p "$tmp/cpS.out")" = "$S" ] || fail "the checkpoint of --size $S is of size $(sed -n 2p "$tmp/cpS.out")"
run cpS_again "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN" --size "$S"
expect cpS_again 0
has cpS_again err "the checkpoint of size $S was signed already; this is it"
cmp -s "$tmp/cpS.out" "$tmp/cpS_again.out" || fail "the checkpoint of size $S changed"
[ "$(q "SELECT max(size) FROM log_checkpoints")" = "$S" ] || fail "the log's checkpoints: $(q "SELECT string_agg(size::text, ' ') FROM log_checkpoints")"
run wit_nosize "$draw" log witness --size 9999 --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)"
expect wit_nosize 1
has wit_nosize err "the log has no checkpoint of size 9999 to witness"
# One witness only: the draw needs every witness of the policy.
run wit1 "$draw" log witness --size "$S" --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)"
expect wit1 0
has wit1 out "witness w1.example: cosigned checkpoint $S at "
run onewit "$draw" execute --room "$(id 11)" --admin "$(id 101)" --beacon-pulse /dev/null --beacon-previous /dev/null
expect onewit 1
has onewit err "room $(id 11): checkpoint $S, the first that holds its freeze record, lacks the cosignature of 1 of the 2 witnesses of its policy: w2.example"
has onewit err "hint: run \"alot-draw log checkpoint --size $S\" and \"alot-draw log witness --size $S\""
run wit2 "$draw" log witness --size "$S" --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)" \
                                          --witness-key "$tmp/w2.vkey" --witness-exec "$(wcmd w2)"
expect wit2 0
has wit2 out "witness w1.example: checkpoint $S is cosigned already"
has wit2 out "witness w2.example: cosigned checkpoint $S at "
# The log time: the 2nd earliest of the two cosignatures (quorum 2).
T=$(q "SELECT max(timestamp) FROM log_cosignatures WHERE size = $S")
TT=$(date -u -d "@$T" +%Y-%m-%dT%H:%M:%SZ)
echo "ok: without the checkpoint of the freeze's size, or with a witness of the policy missing, execute refuses and names the steps; log checkpoint --size and log witness --size make them"

# ---- the pulses: chain 2, a minute apart, straddling the log time ---------------------
# Pulse 1000 at floor(T/60)*60 - 120 s: 1002 is at or before T, 1003 the first after it.
START=$(python3 -c "import sys, time; t = int(sys.argv[1]) // 60 * 60 - 120; print(time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(t)))" "$T")
python3 "$mkpulse" chain --key "$BK" --cert "$BC" --chain 2 --start-index 1000 --start-time "$START" --count 6 \
	--out "$tmp/pulses"
P="$tmp/pulses/pulse-1003.json" Q="$tmp/pulses/pulse-1002.json"
ex() { # ex NAME [OPTION]...: execute room 11 with the test certificate trusted
	local name=$1
	shift
	run "$name" "$draw" execute --room "$(id 11)" --admin "$(id 101)" "$@"
}
ex late --beacon-pulse "$tmp/pulses/pulse-1004.json" --beacon-previous "$P" --beacon-cert "$BC"
expect late 1
has late err "room $(id 11): the beacon check beacon-timing failed: the pulse (1004) is not the first after the freeze's log time $TT"
has late err "room $(id 11): these pulses cannot be its draw's: nothing was stored"
has late err "hint: the pulse must be the first of chain 2 after the freeze's log time $TT ($T)"
ex early --beacon-pulse "$Q" --beacon-previous "$tmp/pulses/pulse-1001.json" --beacon-cert "$BC"
expect early 1
has early err "the beacon check beacon-timing failed: the pulse (1002, .*) is not after the freeze's log time $TT"
python3 "$mkpulse" tamper "$P" localRandomValue "$(printf 'ab%.0s' {1..64})" >"$tmp/tampered.json"
ex tampered --beacon-pulse "$tmp/tampered.json" --beacon-previous "$Q" --beacon-cert "$BC"
expect tampered 1
has tampered err "the beacon check beacon-pulse failed: the pulse (1003): "
ex untrusted --beacon-pulse "$P" --beacon-previous "$Q"
expect untrusted 1
has untrusted err "the beacon check beacon-certificate failed: the pulse (1003) is signed by certificate"
has untrusted err "hint: .*--beacon-cert FILE"
hasnt untrusted err "hint: the pulse must be"
ex wrongprev --beacon-pulse "$P" --beacon-previous "$tmp/pulses/pulse-1001.json" --beacon-cert "$BC"
expect wrongprev 1
has wrongprev err "the beacon check beacon-chain failed: the previous pulse and the pulse: "
ex garbage --beacon-pulse "$tmp/policy" --beacon-previous "$Q" --beacon-cert "$BC"
expect garbage 1
has garbage err "the beacon check beacon-pulse failed: the pulse: "
for r in late early tampered untrusted wrongprev garbage; do
	[ ! -s "$tmp/$r.out" ] || fail "$r printed a record"
done
[ "$(q "SELECT count(*) FROM room_draw_beacons")/$(q "SELECT count(*) FROM room_draw_starts")/$(q "SELECT count(*) FROM lottery_draws")" = 0/0/0 ] ||
	fail "a refused draw stored its pulses, its start or a draw"
echo "ok: a pulse not the first after the log time (either side), tampered, of an untrusted certificate (hint --beacon-cert), with a wrong predecessor, or not a pulse at all is refused, naming the check; nothing is stored"

# ---- the draw ------------------------------------------------------------------------
# A first attempt with the wrong seal key: the pulses and the start are stored, the seed does not open.
ex wrongseal --beacon-pulse "$P" --beacon-previous "$Q" --beacon-cert "$BC" --seal-key "$tmp/seal2.key"
[ "$(cat "$tmp/wrongseal.rc")" != 0 ] || fail "a draw with another seal key succeeded"
has wrongseal err "check that --seal-key is the key the room was committed with"
has wrongseal err "room $(id 11): the freeze's log time is $TT ($T, checkpoint $S); its pulse is pulse 1003 of chain 2 at"
[ "$(q "SELECT count(*) FROM room_draw_beacons")/$(q "SELECT count(*) FROM room_draw_starts")/$(q "SELECT count(*) FROM lottery_draws")" = 1/1/0 ] ||
	fail "after the aborted draw: pulses, start, draw are not 1/1/0"
[ "$(q "SELECT log_time || '/' || freeze_index || '/' || checkpoint_size FROM room_draw_beacons")" = "$T/$F/$S" ] ||
	fail "the stored log time: $(q "SELECT log_time || '/' || freeze_index || '/' || checkpoint_size FROM room_draw_beacons")"
q "SELECT encode(pulse, 'hex') FROM room_draw_beacons" | python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' \
	>"$tmp/stored-pulse"
cmp -s "$tmp/stored-pulse" "$P" || fail "the stored pulse is not the file byte for byte"
# Two copies of the database as it is now: the pulses are fixed.
createdb -T "$db" "$copy"
createdb -T "$db" "$copy2"
ex draw --beacon-pulse "$P" --beacon-previous "$Q" --beacon-cert "$BC"
expect draw 0
has draw err "drew room $(id 11)"
hasnt draw err "hint:"
R="$tmp/draw.out"
python3 - "$R" "$P" "$Q" "$tmp/policy" "$S" <<'PY' || fail "the record's beacon fields"
import base64, hashlib, json, sys
rec = json.loads(open(sys.argv[1]).read())
pulse, prev, policy = (open(p, "rb").read() for p in sys.argv[2:5])
b = lambda k: base64.b64decode(rec[k], validate=True)
assert rec["type"] == "alot.draw" and rec["version"] == 2, rec["type"]
assert b("beacon_pulse") == pulse, "beacon_pulse is not the pulse as served"
assert b("beacon_previous_pulse") == prev, "beacon_previous_pulse is not the previous pulse as served"
assert b("witness_policy") == policy, "witness_policy is not the policy"
assert base64.b64encode(pulse).decode() == rec["beacon_pulse"], "not standard base64 with padding"
proof = b("freeze_log_proof").decode()
head, note = proof.split("\n\n", 1)
assert head.split("\n")[0] == "c2sp.org/tlog-proof@v1", head
assert note.split("\n")[1] == sys.argv[5], "the proof's checkpoint is not of size %s" % sys.argv[5]
assert note.count("\u2014 w1.example ") == 1 and note.count("\u2014 w2.example ") == 1, "the proof lacks a cosignature"
assert rec["beacon_value"] == json.loads(pulse)["pulse"]["outputValue"].lower(), "beacon_value is not the pulse's outputValue"
PY
run again "$draw" execute --room "$(id 11)" --admin "$(id 101)"
expect again 0
has again err "room $(id 11) was already drawn; this is its record"
cmp -s "$R" "$tmp/again.out" || fail "run again, the record differs"
# On the copy, with other pulse files (the late ones, and no certificate given even): the stored pulses, the same record.
run copydraw env PGDATABASE="$copy" "$draw" execute --room "$(id 11)" --admin "$(id 101)" \
	--beacon-pulse "$tmp/pulses/pulse-1004.json" --beacon-previous "$P" --beacon-cert "$BC"
expect copydraw 0
cmp -s "$R" "$tmp/copydraw.out" || fail "the draw on the copy signed another record: $(cat "$tmp/copydraw.err")"
# On the other, without the certificate: the stored pulses are checked again before the record is signed.
run copyuntrusted env PGDATABASE="$copy2" "$draw" execute --room "$(id 11)" --admin "$(id 101)"
expect copyuntrusted 1
has copyuntrusted err "room $(id 11): the beacon check beacon-certificate failed"
has copyuntrusted err "room $(id 11): its beacon evidence does not verify"
has copyuntrusted err "detail: .*--beacon-cert FILE"
[ ! -s "$tmp/copyuntrusted.out" ] || fail "copyuntrusted printed a record"
[ "$(QDB=$copy2 q "SELECT count(*) FROM lottery_draws")" = 0 ] || fail "copyuntrusted drew"
dropdb --force "$copy"
dropdb --force "$copy2"
echo "ok: execute draws with the first pulse after the log time; the record carries pulse, previous pulse, freeze proof and policy byte for byte; run again, and on a copy made once the pulses were stored, it signs the same bytes; the stored pulses are checked again before signing"

# ---- the verifier --------------------------------------------------------------------
mkdir "$tmp/exp"
run exp "$draw" export --room "$(id 11)" -o "$tmp/exp"
expect exp 0
E="$tmp/exp/$(id 11)"
run verify "$verify" --pubkey "$tmp/pub.pem" --beacon-cert "$BC" --commitment "$E.commitment.json" "$E.freeze.json" "$E.draw.json"
expect verify 0
run verify_untrusted "$verify" --pubkey "$tmp/pub.pem" --commitment "$E.commitment.json" "$E.freeze.json" "$E.draw.json"
expect verify_untrusted 1
has verify_untrusted out "beacon-certificate"
echo "ok: alot-verify accepts the draw with the test certificate, and fails beacon-certificate without it"

# ---- pulses fetched over HTTPS (lib/net) ------------------------------------------------
fund "$(id 12)"
run freeze12 "$draw" freeze --room "$(id 12)"
expect freeze12 0
F12=$(q "SELECT idx FROM log_entries WHERE room_id = '$(id 12)' AND kind = 'freeze'")
S12=$((F12 + 1))
run cp12 "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN" --size "$S12"
expect cp12 0
run wit12 "$draw" log witness --size "$S12" --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)" \
                                             --witness-key "$tmp/w2.vkey" --witness-exec "$(wcmd w2)"
expect wit12 0
T12=$(q "SELECT max(timestamp) FROM log_cosignatures WHERE size = $S12")
# A pulse a second, from T12 - 5 s: 5005 is at T12, 5006 (a second later, published then) the first after it.
START12=$(python3 -c "import sys, time; print(time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(int(sys.argv[1]) - 5)))" "$T12")
mkdir -p "$tmp/www"
python3 "$mkpulse" chain --key "$BK" --cert "$BC" --chain 2 --start-index 5000 --start-time "$START12" --count 8 \
	--period-ms 1000 --out "$tmp/www/c12"
test_ca
start_server "the beacon server" "$tmp/port" "$tmp/server.log" \
	python3 "$ALOT_SRC/tests/lib/beacon_server.py" "$tmp/server.pem" "$tmp/server.key" "$tmp/www" "$tmp/port"
base="https://127.0.0.1:$(cat "$tmp/port")/files/c12"
run fetch_untrusted "$draw" execute --room "$(id 12)" --admin "$(id 101)" --beacon-url "$base" --cacert "$tmp/ca.pem"
expect fetch_untrusted 1
has fetch_untrusted err "hint: .*--beacon-cert FILE"
[ "$(q "SELECT count(*) FROM room_draw_beacons WHERE room_id = '$(id 12)'")" = 0 ] || fail "untrusted fetched pulses were stored"
run fetch "$draw" execute --room "$(id 12)" --admin "$(id 101)" --beacon-url "$base" --cacert "$tmp/ca.pem" --beacon-cert "$BC"
expect fetch 0
python3 - "$tmp/fetch.out" "$tmp/www/c12/pulse-5006.json" "$tmp/www/c12/pulse-5005.json" <<'PY' || fail "the fetched pulses"
import base64, json, sys
rec = json.loads(open(sys.argv[1]).read())
assert base64.b64decode(rec["beacon_pulse"]) == open(sys.argv[2], "rb").read(), "not pulse 5006 as served"
assert base64.b64decode(rec["beacon_previous_pulse"]) == open(sys.argv[3], "rb").read(), "not pulse 5005 as served"
PY
run fetch_again "$draw" execute --room "$(id 12)" --admin "$(id 101)"
expect fetch_again 0
cmp -s "$tmp/fetch.out" "$tmp/fetch_again.out" || fail "the fetched draw, run again, differs"
echo "ok: execute fetches the first pulse after the log time and its predecessor over HTTPS, refuses an untrusted one, and stores them"

# ---- the draw role --------------------------------------------------------------------
role="t_beacon_draw_role_$$"
q "CREATE ROLE $role LOGIN IN ROLE alot_draw" >/dev/null
trap 'psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true; cleanup' EXIT
run role_commit env PGUSER="$role" "$draw" commit --room "$(id 15)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/policy"
expect role_commit 0
echo "ok: the draw role commits under the rule"
dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
echo "test_beacon_draw: ok"
