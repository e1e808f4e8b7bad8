#!/usr/bin/env bash
# test_log_inclusion.sh - alot-verify and the transparency log, offline: a
# record shown in the log by its c2sp.org/tlog-proof under a witness policy
# ("log-inclusion", "log-witnesses", the log time), every tampering failing
# its named check with exit 1, and the consistency of two checkpoints
# ("log-consistency").  The log is made by tests/verify/mklog.py, which
# shares no code with alot-verify.
set -euo pipefail

verify="$BUILD/alot-verify"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"
. "$ALOT_SRC/tests/verify/log-lib.sh"

V="$V2/valid"
records=("$V/one-ticket.commitment.json" "$V/one-ticket.freeze.json" "$V/one-ticket.draw.json"
	"$V/many-entries.commitment.json" "$V/many-entries.freeze.json" "$V/many-entries.draw.json")
T1=1768900000 # 2026-01-20T09:06:40Z
T2=1768900100 # 2026-01-20T09:08:20Z
mklog --out "$tmp/log" --proofs "$tmp/p" --witness w1.example=$T1 --witness w2.example=$T2 \
	--old-size 3 --old-checkpoint "$tmp/old.checkpoint" --consistency "$tmp/consistency" "${records[@]}"
mklog --out "$tmp/solo" --proofs "$tmp/solo-p" --witness w1.example=$T1 "${records[@]}"
K="$tmp/keys"
policy=(--pubkey "$OPKEY" --log-key "$K/log.vkey" --witness-key "$K/w1.example.vkey" --witness-key "$K/w2.example.vkey")
draw="$V/one-ticket.draw.json"

# ---- valid: 2 of 2, the log time is the later cosignature ------------------
run ok "$verify" "${policy[@]}" --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect ok 0
has ok out "^  PASS  log-inclusion$"
has ok out "^  PASS  log-witnesses$"
has ok out "^  log time: 2026-01-20T09:08:20Z$"
has ok out "^  log proves: this record was entry 2 of the log \"alot.example/log\", which 2 of the 2 witnesses named saw as one append-only history, by 2026-01-20T09:08:20Z"
has ok out "^  log rests on: the log's key, and at least one of those 2 witnesses being honest"
has ok out "^1 of 1 records verified$"
echo "ok: a draw in the log under 2 of 2 witnesses verifies, with its log time"

run one "$verify" "${policy[@]}" --witnesses 1 --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect one 0
has one out "^  log time: 2026-01-20T09:06:40Z$"
echo "ok: under 1 of 2 the log time is the earliest cosignature"

run json "$verify" "${policy[@]}" --format json --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect json 0
python3 - "$tmp/json.out" <<'EOF'
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert o["verified"] is True, o
assert (o["log_index"], o["log_size"], o["log_time"]) == (2, 6, "2026-01-20T09:08:20Z"), o
checks = {c["name"]: c["status"] for c in o["checks"]}
assert checks["log-inclusion"] == "PASS" and checks["log-witnesses"] == "PASS", checks
assert o["log_proves"].startswith("this record was entry 2 of the log"), o
EOF
echo "ok: --format json gives log_index, log_size and log_time"

proofs=()
for i in 0 1 2 3 4 5; do proofs+=(--log-proof "$tmp/p/$i.tlog-proof"); done
run all "$verify" "${policy[@]}" "${proofs[@]}" "${records[@]}"
expect all 0
[ "$(grep -c '^  PASS  log-inclusion$' "$tmp/all.out")" = 6 ] || fail "all: not 6 inclusions: $(cat "$tmp/all.out")"
has all out "^6 of 6 records verified$"
echo "ok: six records, six proofs, each matched to its record"

# Two proofs of one record: the earliest log time.
run two "$verify" "${policy[@]}" --witnesses 1 --log-proof "$tmp/solo-p/2.tlog-proof" --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect two 0
has two out "^  log time: 2026-01-20T09:06:40Z$"
echo "ok: with two proofs of one record the log time is the earlier"

# ---- what is not shown fails, or is skipped, never passes -----------------
run missing "$verify" "${policy[@]}" --log-proof "$tmp/p/2.tlog-proof" "$draw" "$V/one-ticket.commitment.json"
expect missing 1
has missing out "^  FAIL  log-inclusion: no log proof given for this record: none of the 1 given shows it at its index$"
has missing out "^1 of 2 records verified$"
run none "$verify" "${policy[@]}" "$draw"
expect none 1
has none out "^  FAIL  log-inclusion: no log proof given for this record$"
has none out "^  SKIP  log-witnesses: not checked: no checkpoint includes the record$"
echo "ok: with --log-key a record without its proof fails log-inclusion"

run nokey "$verify" --pubkey "$OPKEY" --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect nokey 0
has nokey out "^  SKIP  log-inclusion: not checked: no --log-key given$"
lacks nokey out "PASS  log-inclusion"
lacks nokey out "log time"
echo "ok: without --log-key log-inclusion is skipped, never passed"

run nowit "$verify" --pubkey "$OPKEY" --log-key "$K/log.vkey" --log-proof "$tmp/p/2.tlog-proof" "$draw"
expect nowit 0
has nowit out "^  PASS  log-inclusion$"
has nowit out "^  SKIP  log-witnesses: not checked: no --witness-key given$"
has nowit out "^  log rests on: the log's key alone: with no witness, the log could show others a different history$"
lacks nowit out "log time"
echo "ok: without witnesses log-witnesses is skipped and no log time is claimed"

run quorum "$verify" "${policy[@]}" --log-proof "$tmp/solo-p/2.tlog-proof" "$draw"
expect quorum 1
has quorum out "^  FAIL  log-witnesses: \"$tmp/solo-p/2.tlog-proof\": cosigned by 1 of the 2 witnesses given, fewer than the 2 required$"
lacks quorum out "log time"
echo "ok: a checkpoint cosigned by fewer than K witnesses fails log-witnesses, naming how many"

run unused "$verify" "${policy[@]}" --log-proof "$tmp/p/2.tlog-proof" --log-proof "$tmp/p/5.tlog-proof" "$draw"
expect unused 1
has unused out "^$tmp/p/5.tlog-proof: log-proof file$"
has unused out "^  FAIL  log-proof: not for any record given: its path shows no record given at index 5 of a tree of size 6$"
echo "ok: a proof that matches no record given fails"

# ---- tampering: exit 1, a named check failing --------------------------------
P="$tmp/p/2.tlog-proof"
tampered() { # NAME CHECK MESSAGE EXPR: the proof edited by EXPR fails CHECK with MESSAGE
	edit "$P" "$tmp/$1.tlog-proof" "$4"
	run "$1" "$verify" "${policy[@]}" --log-proof "$tmp/$1.tlog-proof" "$draw"
	expect "$1" 1
	has "$1" out "^  FAIL  $2: $3"
	has "$1" out "^0 of [12] records verified$"
	[ ! -s "$tmp/$1.err" ] || fail "$1: stderr: $(cat "$tmp/$1.err")"
}
shows_none="no log proof given for this record: none of the 1 given shows it"
tampered hash log-inclusion "$shows_none" 'flip(s, "")'
tampered index log-inclusion "$shows_none" 'line(s, 1, "index 1")'
tampered size log-inclusion "" 'line(s, 7, "7")'
tampered root log-inclusion "" 'line(s, 8, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")'
tampered origin log-inclusion "\"$tmp/origin.tlog-proof\": " 'line(s, 6, "alot.example/other")'
tampered logsig log-inclusion "\"$tmp/logsig.tlog-proof\": " 'flip(s, "— alot.example/log ")'
tampered unsigned log-inclusion "\"$tmp/unsigned.tlog-proof\": " 'line(s, 10, "— alot.example/other AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")'
tampered cosig log-witnesses "\"$tmp/cosig.tlog-proof\": " 'flip(s, "— w2.example ")'
grep -q "FAIL  log-proof" "$tmp/hash.out" || fail "hash: the tampered proof is not reported unused"
echo "ok: a tampered path, index, size, root, origin, log signature or cosignature fails its check, exit 1"

mklog --out "$tmp/other" --keys "$tmp/otherkeys" --proofs "$tmp/other-p" "${records[@]}"
run otherlog "$verify" "${policy[@]}" --log-proof "$tmp/other-p/2.tlog-proof" "$draw"
expect otherlog 1
has otherlog out "^  FAIL  log-inclusion: \"$tmp/other-p/2.tlog-proof\": "
echo "ok: a proof from another log of the same origin fails log-inclusion"

# ---- a malformed proof file is content that fails --------------------------
printf 'c2sp.org/tlog-proof@v1\nindex 02\n' >"$tmp/bad.tlog-proof"
run bad "$verify" "${policy[@]}" --log-proof "$tmp/bad.tlog-proof" "$draw"
expect bad 1
has bad out "^  FAIL  log-proof: \"$tmp/bad.tlog-proof\" is malformed: "
[ "$(grep -c 'FAIL  log-proof:' "$tmp/bad.out")" = 1 ] || fail "bad: not one line: $(cat "$tmp/bad.out")"
has bad out "^  FAIL  log-inclusion: no log proof given for this record"
edit "$P" "$tmp/extra.tlog-proof" 'line(s, 0, "c2sp.org/tlog-proof@v1\nextra AAAA")'
run extra "$verify" "${policy[@]}" --log-proof "$tmp/extra.tlog-proof" "$draw"
expect extra 1
has extra out "^  FAIL  log-proof: \"$tmp/extra.tlog-proof\" is malformed: "
echo "ok: a malformed proof file fails with one line naming it, exit 1"

# ---- could not run: exit 2 --------------------------------------------------
could_not_run nofile "could not open \"$tmp/nope.tlog-proof\"" "$verify" "${policy[@]}" --log-proof "$tmp/nope.tlog-proof" "$draw"
could_not_run wrongalg "is a key of algorithm 0x04, not 0x01" "$verify" --pubkey "$OPKEY" --log-key "$K/w1.example.vkey" "$draw"
could_not_run wrongwalg "is a key of algorithm 0x01, not 0x04" "$verify" --pubkey "$OPKEY" --log-key "$K/log.vkey" --witness-key "$K/log.vkey" "$draw"
printf 'not a key\n' >"$tmp/garbage.vkey"
could_not_run badkey "is not a signed-note verifier key" "$verify" --pubkey "$OPKEY" --log-key "$tmp/garbage.vkey" "$draw"
could_not_run quorum3 "--witnesses asks for more witnesses than --witness-key gives" "$verify" "${policy[@]}" --witnesses 3 "$draw"
could_not_run quorum0 "invalid value \"0\" for option --witnesses" "$verify" "${policy[@]}" --witnesses 0 "$draw"
echo "ok: unreadable proofs, wrong or bad keys and impossible quorums cannot run, exit 2"

# ---- consistency between two checkpoints -----------------------------------
C=("$verify" --log-key "$K/log.vkey" --checkpoint "$tmp/old.checkpoint" --checkpoint "$tmp/log/checkpoint")
run cons "${C[@]}" --consistency-proof "$tmp/consistency"
expect cons 0
has cons out "^$tmp/old.checkpoint -> $tmp/log/checkpoint: checkpoints of the log \"alot.example/log\", sizes 3 and 6$"
has cons out "^  PASS  log-consistency$"
has cons out "^  SKIP  log-witnesses: not checked: no --witness-key given$"
has cons out "^  result: VERIFIED$"
run conswit "${C[@]}" --witness-key "$K/w1.example.vkey" --witness-key "$K/w2.example.vkey" --consistency-proof "$tmp/consistency" --format json
expect conswit 0
python3 - "$tmp/conswit.out" <<'EOF'
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["type"] == "consistency" and o["verified"] is True and (o["old_size"], o["new_size"]) == (3, 6), o
assert {c["name"]: c["status"] for c in o["checks"]} == {"log-consistency": "PASS", "log-witnesses": "PASS"}, o
EOF
echo "ok: a valid consistency proof verifies, with and without witnesses"

edit "$tmp/consistency" "$tmp/cons-flipped" 'flip("\n" + s, "")[1:]'
run consbad "${C[@]}" --consistency-proof "$tmp/cons-flipped"
expect consbad 1
has consbad out "^  FAIL  log-consistency: the proof does not show that size 6 extends size 3"
run consswap "$verify" --log-key "$K/log.vkey" --checkpoint "$tmp/log/checkpoint" --checkpoint "$tmp/old.checkpoint" --consistency-proof "$tmp/consistency"
expect consswap 1
has consswap out "^  FAIL  log-consistency: the old checkpoint (size 6) is larger than the new one (size 3)"
printf 'not base64\n' >"$tmp/cons-garbage"
run consgarbage "${C[@]}" --consistency-proof "$tmp/cons-garbage"
expect consgarbage 1
has consgarbage out "^  FAIL  log-consistency: the consistency proof is malformed: line 1 is not a base64 SHA-256 hash$"
edit "$tmp/old.checkpoint" "$tmp/old-tampered" 'flip(s, "— alot.example/log ")'
run conssig "$verify" --log-key "$K/log.vkey" --checkpoint "$tmp/old-tampered" --checkpoint "$tmp/log/checkpoint" --consistency-proof "$tmp/consistency"
expect conssig 1
has conssig out "^  FAIL  log-consistency: \"$tmp/old-tampered\": "
run consother "$verify" --log-key "$K/log.vkey" --checkpoint "$tmp/old.checkpoint" --checkpoint "$tmp/other/checkpoint" --consistency-proof "$tmp/consistency"
expect consother 1
has consother out "^  FAIL  log-consistency: \"$tmp/other/checkpoint\": "
run conswq "$verify" --log-key "$K/log.vkey" --witness-key "$K/w1.example.vkey" --witness-key "$K/w2.example.vkey" \
	--checkpoint "$tmp/old.checkpoint" --checkpoint "$tmp/solo/checkpoint" --consistency-proof "$tmp/consistency"
expect conswq 1
has conswq out "^  PASS  log-consistency$"
has conswq out "^  FAIL  log-witnesses: \"$tmp/solo/checkpoint\": cosigned by 1 of the 2 witnesses given, fewer than the 2 required$"
could_not_run cons3 "--checkpoint is given twice, not more" "${C[@]}" --checkpoint "$tmp/old.checkpoint" --consistency-proof "$tmp/consistency"
could_not_run cons1 "a consistency check takes --checkpoint twice" "$verify" --log-key "$K/log.vkey" --checkpoint "$tmp/old.checkpoint" --consistency-proof "$tmp/consistency"
could_not_run consnokey "a consistency check needs --log-key" "$verify" --checkpoint "$tmp/old.checkpoint" --checkpoint "$tmp/log/checkpoint" --consistency-proof "$tmp/consistency"
could_not_run consmissing "could not open \"$tmp/nope\"" "${C[@]}" --consistency-proof "$tmp/nope"
echo "ok: a tampered proof, swapped checkpoints, a garbled proof, a bad signature fail log-consistency, too few witnesses log-witnesses (1); usage errors 2"
