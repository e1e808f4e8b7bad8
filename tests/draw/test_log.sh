#!/usr/bin/env bash
# test_log.sh - "alot-draw log" end to end against a real PostgreSQL and
# the real alot-witness: records published by commit, freeze and execute
# are in the log; "log vkey" and "log checkpoint" make a C2SP vkey and a
# signed checkpoint whose root Python recomputes from the entries and whose
# signature openssl verifies; "log publish" writes the tlog-tiles layout
# (tiles and entry bundles byte for byte as Python computes them) and, run
# again, writes no full tile twice; "log consistency" prints a proof Python
# verifies; "export" writes tlog-proof files whose inclusion proofs verify,
# and a hint for records no checkpoint includes; "log witness" collects
# cosignatures from two alot-witness instances (openssl verifies them),
# follows a 409 Conflict once, and reports refusals, bad cosignatures and
# witnesses that could not run with the exit codes of the contract.
set -euo pipefail

draw="$BUILD/alot-draw"
witness="$BUILD/alot-witness"
db="t_draw_log_$$"
tmp=$(mktemp -d)
cleanup() {
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/../verify/cli-lib.sh"
. "$ALOT_SRC/tests/draw/lib.sh"
[ -x "$witness" ] || fail "$witness is not built"

# tl.py: the independent computations (RFC 9162 trees and proofs, C2SP formats).
cat >"$tmp/tl.py" <<'PY'
import base64, hashlib, struct, sys
H = lambda b: hashlib.sha256(b).digest()
def entries(path):
    return [bytes.fromhex(l.strip()) for l in open(path) if l.strip()]
def leaf(e): return H(b"\x00" + e)
def mth(l):
    if not l: return H(b"")
    if len(l) == 1: return l[0]
    k = 1
    while k * 2 < len(l): k *= 2
    return H(b"\x01" + mth(l[:k]) + mth(l[k:]))
def verify_inclusion(index, size, h, proof, root):
    # RFC 9162 2.1.3.2
    if index >= size: return False
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = H(b"\x01" + p + r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1; sn >>= 1
        else:
            r = H(b"\x01" + r + p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root
def verify_consistency(n1, n2, r1, r2, proof):
    # RFC 9162 2.1.4.2
    if n1 == n2: return not proof and r1 == r2
    if n1 == 0: return not proof
    if not proof: return False
    if n1 & (n1 - 1) == 0: proof = [r1] + proof
    fn, sn = n1 - 1, n2 - 1
    while fn & 1:
        fn >>= 1; sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr = H(b"\x01" + c + fr); sr = H(b"\x01" + c + sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1; sn >>= 1
        else:
            sr = H(b"\x01" + sr + c)
        fn >>= 1; sn >>= 1
    return fr == r1 and sr == r2 and sn == 0
cmd = sys.argv[1]
if cmd == "root":            # root ENTRIES SIZE: base64 root of the first SIZE entries
    print(base64.b64encode(mth([leaf(e) for e in entries(sys.argv[2])[:int(sys.argv[3])]])).decode())
elif cmd == "hashtile":      # hashtile ENTRIES LEVEL N WIDTH OUT: the expected tile
    es = [leaf(e) for e in entries(sys.argv[2])]
    lv, n, w = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    span = 256 ** lv
    open(sys.argv[6], "wb").write(b"".join(mth(es[(n * 256 + i) * span:(n * 256 + i + 1) * span]) for i in range(w)))
elif cmd == "bundle":        # bundle ENTRIES N WIDTH OUT
    es = entries(sys.argv[2])
    n, w = int(sys.argv[3]), int(sys.argv[4])
    open(sys.argv[5], "wb").write(b"".join(struct.pack(">H", len(e)) + e for e in es[n * 256:n * 256 + w]))
elif cmd == "consistency":   # consistency ENTRIES OLD NEW PROOF
    es = [leaf(e) for e in entries(sys.argv[2])]
    n1, n2 = int(sys.argv[3]), int(sys.argv[4])
    proof = [base64.b64decode(l) for l in open(sys.argv[5]).read().split()]
    sys.exit(0 if verify_consistency(n1, n2, mth(es[:n1]), mth(es[:n2]), proof) else "the consistency proof does not verify")
elif cmd == "proof":         # proof TLOGPROOF RECORD CHECKPOINT: a tlog-proof of RECORD
    text = open(sys.argv[2]).read()
    head, note = text.split("\n\n", 1)
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1", lines[0]
    assert lines[1].startswith("index "), lines[1]
    index = int(lines[1][6:])
    proof = [base64.b64decode(l) for l in lines[2:]]
    assert note == open(sys.argv[4]).read(), "the proof's checkpoint is not the published one"
    origin, size, root = note.split("\n")[:3]
    record = open(sys.argv[3], "rb").read().rstrip(b"\n")
    ok = verify_inclusion(index, int(size), leaf(record), proof, base64.b64decode(root))
    print(index)
    sys.exit(0 if ok else "the inclusion proof does not verify")
elif cmd == "sigs":          # sigs NOTE DIR: split each signature line into DIR/N.{name,keyid,time,sig,msg}
    note = open(sys.argv[2]).read()
    text, sigs = note.rsplit("\n\n", 1)
    text += "\n"
    for i, line in enumerate(sigs.strip("\n").split("\n")):
        assert line.startswith("\u2014 "), line
        name, b = line[2:].split(" ")
        raw = base64.b64decode(b)
        if len(raw) == 4 + 64:
            msg, sig, t = text.encode(), raw[4:], 0
        else:
            t = struct.unpack(">Q", raw[4:12])[0]
            msg, sig = ("cosignature/v1\ntime %d\n" % t).encode() + text.encode(), raw[12:]
        d = "%s/%d." % (sys.argv[3], i)
        open(d + "name", "w").write(name)
        open(d + "keyid", "w").write(raw[:4].hex())
        open(d + "time", "w").write(str(t))
        open(d + "sig", "wb").write(sig)
        open(d + "msg", "wb").write(msg)
    print(i + 1)
elif cmd == "vkey":          # vkey VKEY PUBPEM NAME ALG: the vkey is NAME's key of PUBPEM, alg ALG
    name, kid, b = open(sys.argv[2]).read().rstrip("\n").split("+", 2)
    raw = base64.b64decode(b)
    der = base64.b64decode("".join(l for l in open(sys.argv[3]).read().split("\n") if l and not l.startswith("-----")))
    alg = bytes([int(sys.argv[5], 16)])
    assert name == sys.argv[4], name
    assert raw == alg + der[-32:], "the vkey's key is not the public key"
    assert kid == H(name.encode() + b"\n" + alg + der[-32:])[:4].hex(), "the key id is wrong"
PY
py() { python3 "$tmp/tl.py" "$@"; }
# dump_entries: every log entry, as hex, in order.
dump_entries() { q "SELECT encode(convert_to(record, 'UTF8'), 'hex') FROM log_entries ORDER BY idx" >"$tmp/entries"; }
# openssl_verify PUBPEM DIR I: signature I split by "sigs" verifies under PUBPEM.
openssl_verify() {
	openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2/$3.msg" -sigfile "$2/$3.sig" >/dev/null 2>&1
}

new_db
add_rooms 11 14 '[{"amount": 2, "tickets": 2}, {"amount": 5.00, "tickets": 5}]'
q "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$(id 50)', 20, '2030-01-01', '[]'
     FROM generate_series(1000, 1600) AS i;" >/dev/null
# filler N FROM: N more commitments (rows written directly: only their records matter to the log).
filler() {
	q "INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id, seed_ciphertext,
	                                 seed_nonce, seed_tag, committed_at, record)
	   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 2, repeat('ab', 32), 'none', repeat('cd', 8),
	          decode(repeat('00', 32), 'hex'), decode(repeat('00', 12), 'hex'), decode(repeat('00', 16), 'hex'),
	          clock_timestamp() AT TIME ZONE 'UTC', '{\"filler\":' || i || ',\"pad\":\"' || repeat('é', i % 40) || '\"}'
	     FROM generate_series($2, $2 + $1 - 1) AS i" >/dev/null
}

# ---- the records of commit, freeze and execute are logged ------------------
operator_keys
run logkey "$draw" keygen --signing-key "$tmp/log.pem" --public-key "$tmp/logpub.pem"
expect logkey 0
for r in 11 12 13; do
	run "commit$r" "$draw" commit --room "$(id $r)"
	expect "commit$r" 0
done
q "UPDATE rooms SET status = 'open', opened_at = now() WHERE id IN ('$(id 11)', '$(id 12)', '$(id 13)');
   SELECT allocate_room_entry(r.id, ('00000000-0000-4000-8000-' || lpad((1 + g % 6)::text, 12, '0'))::uuid, 2, 'cash', 2)
     FROM rooms r, generate_series(1, 10) AS g WHERE r.id IN ('$(id 11)', '$(id 12)') ORDER BY r.id, g;
   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id IN ('$(id 11)', '$(id 12)');" >/dev/null
run execute11 "$draw" execute --room "$(id 11)" --admin "$(id 101)"
expect execute11 0
run freeze12 "$draw" freeze --room "$(id 12)"
expect freeze12 0
[ "$(q "SELECT string_agg(idx || ':' || kind || ':' || right(room_id::text, 2), ' ' ORDER BY idx) FROM log_entries")" = \
  "0:commitment:11 1:commitment:12 2:commitment:13 3:freeze:11 4:draw:11 5:freeze:12" ] ||
	fail "the log's entries: $(q "SELECT string_agg(idx || ':' || kind, ' ' ORDER BY idx) FROM log_entries")"
[ "$(q "SELECT record FROM log_entries WHERE idx = 4")" = "$(cat "$tmp/execute11.out")" ] || fail "the draw's entry is not its record"
[ "$(q "SELECT record FROM log_entries WHERE idx = 5")" = "$(cat "$tmp/freeze12.out")" ] || fail "the freeze's entry is not its record"
echo "ok: commit, freeze and execute append their records to the log, in order, as printed"

# ---- usage ----------------------------------------------------------------------
run loghelp "$draw" log --help
expect loghelp 0
has loghelp out "^  checkpoint   sign the checkpoint"
run pubhelp "$draw" log publish --help
expect pubhelp 0
has pubhelp out "^  alot-draw log publish --output DIR"
run logbad "$draw" log frobnicate
expect logbad 2
has logbad err 'unknown log subcommand "frobnicate"'
has logbad err 'Try "alot-draw --help" for more information.'
run lognone "$draw" log
expect lognone 2
run logopt "$draw" log checkpoint --bogus
expect logopt 2
echo "ok: log --help, each subcommand's --help, unknown subcommands and options"

# ---- vkey and checkpoint ------------------------------------------------------
filler 300 1000 # 306 entries: a full tile and a partial one
run vkey "$draw" log vkey --key "$tmp/log.pem" --origin "$ORIGIN"
expect vkey 0
cp "$tmp/vkey.out" "$tmp/log.vkey"
py vkey "$tmp/log.vkey" "$tmp/logpub.pem" "$ORIGIN" 01 || fail "the log's vkey: $(cat "$tmp/log.vkey")"
run nokey "$draw" log checkpoint --origin "$ORIGIN"
expect nokey 2
has nokey err "--key and --origin are required"
run cp306 "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp306 0
has cp306 err "signed the checkpoint of size 306"
dump_entries
[ "$(sed -n 1p "$tmp/cp306.out")/$(sed -n 2p "$tmp/cp306.out")/$(sed -n 3p "$tmp/cp306.out")/$(sed -n 4p "$tmp/cp306.out")" = \
  "$ORIGIN/306/$(py root "$tmp/entries" 306)/" ] || fail "the checkpoint's text: $(cat "$tmp/cp306.out")"
[ "$(wc -l <"$tmp/cp306.out")" = 5 ] || fail "the checkpoint has more than the log's signature"
mkdir "$tmp/sigs306"
[ "$(py sigs "$tmp/cp306.out" "$tmp/sigs306")" = 1 ] && [ "$(cat "$tmp/sigs306/0.name")" = "$ORIGIN" ] &&
	[ "$(cat "$tmp/sigs306/0.keyid")" = "$(cut -d+ -f2 "$tmp/log.vkey")" ] || fail "the checkpoint's signature line"
openssl_verify "$tmp/logpub.pem" "$tmp/sigs306" 0 || fail "openssl does not verify the checkpoint's signature"
[ "$(q "SELECT note FROM log_checkpoints WHERE size = 306")" = "$(cat "$tmp/cp306.out")" ] || fail "the stored checkpoint"
run cp306_again "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp306_again 0
has cp306_again err "the checkpoint of size 306 was signed already; this is it"
cmp -s "$tmp/cp306.out" "$tmp/cp306_again.out" || fail "a second checkpoint at the same size differs"
run other_origin "$draw" log checkpoint --key "$tmp/log.pem" --origin other.example/log
expect other_origin 1
has other_origin err "the log's origin is \"$ORIGIN\", not \"other.example/log\""
[ "$(q "SELECT count(*) FROM log_checkpoints")" = 1 ] || fail "checkpoints stored"
echo "ok: log vkey is the log's C2SP vkey; log checkpoint signs the root Python computes, once per size, under one origin"

# ---- publish ------------------------------------------------------------------
mkdir "$tmp/pub"
run pub1 "$draw" log publish -o "$tmp/pub"
expect pub1 0
has pub1 out "published checkpoint 306 to \"$tmp/pub\": 5 tiles written, 0 kept"
cmp -s "$tmp/pub/checkpoint" "$tmp/cp306.out" || fail "the published checkpoint"
check_tile() { # check_tile KIND LEVEL|- N WIDTH PATH
	if [ "$1" = hash ]; then py hashtile "$tmp/entries" "$2" "$3" "$4" "$tmp/want"
	else py bundle "$tmp/entries" "$3" "$4" "$tmp/want"; fi
	[ -f "$tmp/pub/$5" ] || fail "tile $5 was not written: $(cd "$tmp/pub" && find . -type f | sort | tr '\n' ' ')"
	cmp -s "$tmp/want" "$tmp/pub/$5" || fail "tile $5 ($(stat -c %s "$tmp/pub/$5") bytes) is not the expected $(stat -c %s "$tmp/want") bytes"
}
check_tile hash 0 0 256 tile/0/000
check_tile hash 0 1 50 tile/0/001.p/50
check_tile hash 1 0 1 tile/1/000.p/1
check_tile bundle - 0 256 tile/entries/000
check_tile bundle - 1 50 tile/entries/001.p/50
[ "$(stat -c %s "$tmp/pub/tile/0/000")" = 8192 ] || fail "a full tile is not 8192 bytes"
[ "$(cd "$tmp/pub" && find . -type f | sort | tr '\n' ' ')" = \
  "./checkpoint ./tile/0/000 ./tile/0/001.p/50 ./tile/1/000.p/1 ./tile/entries/000 ./tile/entries/001.p/50 " ] ||
	fail "publish wrote other files: $(cd "$tmp/pub" && find . | sort | tr '\n' ' ')"
inode_tile=$(stat -c %i "$tmp/pub/tile/0/000") inode_bundle=$(stat -c %i "$tmp/pub/tile/entries/000")
run pub2 "$draw" log publish -o "$tmp/pub"
expect pub2 0
has pub2 out "published checkpoint 306 to \"$tmp/pub\": 3 tiles written, 2 kept"
[ "$(stat -c %i "$tmp/pub/tile/0/000")/$(stat -c %i "$tmp/pub/tile/entries/000")" = "$inode_tile/$inode_bundle" ] ||
	fail "the second publish rewrote a full tile"
# 526 entries: tile 0/001 is full now, 0/000 stays as it was.
filler 220 1300
run cp526 "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp526 0
dump_entries
run pub3 "$draw" log publish -o "$tmp/pub"
expect pub3 0
has pub3 out "published checkpoint 526 to \"$tmp/pub\": 5 tiles written, 2 kept"
check_tile hash 0 0 256 tile/0/000
check_tile hash 0 1 256 tile/0/001
check_tile hash 0 2 14 tile/0/002.p/14
check_tile hash 1 0 2 tile/1/000.p/2
check_tile bundle - 1 256 tile/entries/001
check_tile bundle - 2 14 tile/entries/002.p/14
[ "$(stat -c %i "$tmp/pub/tile/0/000")/$(stat -c %i "$tmp/pub/tile/entries/000")" = "$inode_tile/$inode_bundle" ] ||
	fail "the publish at 526 rewrote a full tile of 306"
cmp -s "$tmp/pub/checkpoint" "$tmp/cp526.out" || fail "the published checkpoint at 526"
[ -z "$(find "$tmp/pub" -name '.*' | grep -v "^$tmp/pub$")" ] || fail "publish left temporary files"
run nodir "$draw" log publish -o "$tmp/missing"
expect nodir 2
echo "ok: log publish writes the checkpoint, hash tiles and entry bundles byte for byte; full tiles are never written twice"

# ---- consistency ----------------------------------------------------------------
run cons "$draw" log consistency --old 306
expect cons 0
[ "$(wc -l <"$tmp/cons.out")" -ge 2 ] || fail "a short consistency proof: $(cat "$tmp/cons.out")"
py consistency "$tmp/entries" 306 526 "$tmp/cons.out" || fail "the consistency proof 306 -> 526"
run cons_file "$draw" log consistency --old 7 --new 300 -o "$tmp/cons7.txt"
expect cons_file 0
[ ! -s "$tmp/cons_file.out" ] || fail "consistency -o printed the proof too"
py consistency "$tmp/entries" 7 300 "$tmp/cons7.txt" || fail "the consistency proof 7 -> 300"
run cons_back "$draw" log consistency --old 527
expect cons_back 1
has cons_back err "the old size 527 is larger than the new size 526"
run cons_beyond "$draw" log consistency --old 1 --new 9999
expect cons_beyond 1
has cons_beyond err "size 9999 is beyond the log's size 526"
run cons_bad "$draw" log consistency --old 01
expect cons_bad 2
echo "ok: log consistency prints RFC 9162 proofs that verify; refuses sizes out of order or beyond the log"

# ---- witnesses ------------------------------------------------------------------
for w in w1 w2 w3; do
	run "wkey_$w" "$draw" keygen --signing-key "$tmp/$w.pem" --public-key "$tmp/$w.pub"
	expect "wkey_$w" 0
	run "wvkey_$w" "$witness" vkey --key "$tmp/$w.pem" --name "$w.example"
	expect "wvkey_$w" 0
	cp "$tmp/wvkey_$w.out" "$tmp/$w.vkey"
	py vkey "$tmp/$w.vkey" "$tmp/$w.pub" "$w.example" 04 || fail "witness $w's vkey"
done
# wcmd W [KEY_OF] (lib.sh): the command that asks witness W.
run wit1 "$draw" log witness --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)" \
                             --witness-key "$tmp/w2.vkey" --witness-exec "$(wcmd w2)"
expect wit1 0
has wit1 out "^witness w1.example: cosigned checkpoint 526 at [0-9]"
has wit1 out "^witness w2.example: cosigned checkpoint 526 at [0-9]"
[ "$(q "SELECT string_agg(witness || ':' || size, ' ' ORDER BY witness) FROM log_cosignatures")" = "w1.example:526 w2.example:526" ] ||
	fail "stored cosignatures: $(q "SELECT string_agg(witness || ':' || size, ' ') FROM log_cosignatures")"
run pub4 "$draw" log publish -o "$tmp/pub"
expect pub4 0
mkdir "$tmp/sigs526"
[ "$(py sigs "$tmp/pub/checkpoint" "$tmp/sigs526")" = 3 ] || fail "the published checkpoint lacks its cosignatures: $(cat "$tmp/pub/checkpoint")"
openssl_verify "$tmp/logpub.pem" "$tmp/sigs526" 0 || fail "the log's signature"
for i in 1 2; do
	[ "$(cat "$tmp/sigs526/$i.name")" = "w$i.example" ] || fail "cosignature $i is not w$i's"
	[ "$(cat "$tmp/sigs526/$i.time")" -gt 1700000000 ] || fail "cosignature $i's timestamp"
	openssl_verify "$tmp/w$i.pub" "$tmp/sigs526" "$i" || fail "openssl does not verify w$i's cosignature/v1"
done
# Nothing new: nothing asked.
run wit_again "$draw" log witness --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)"
expect wit_again 0
has wit_again out "witness w1.example: checkpoint 526 is cosigned already"
# The log grows: the witnesses check the consistency proof from 526.
filler 40 1550
run cp566 "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp566 0
run wit2 "$draw" log witness --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)" \
                             --witness-key "$tmp/w2.vkey" --witness-exec "$(wcmd w2)"
expect wit2 0
has wit2 out "witness w1.example: cosigned checkpoint 566"
has wit2 out "witness w2.example: cosigned checkpoint 566"
echo "ok: log witness collects cosignatures from two alot-witness instances, verified, stored and published; new checkpoints are witnessed from the last one"

# 409: w3 cosigned 526 behind our back; alot-draw asks from 0, then from 526.
{ echo "old 0"; echo; printf '%s\n' "$(q "SELECT note FROM log_checkpoints WHERE size = 526")"; } >"$tmp/req526"
eval "$(wcmd w3)" <"$tmp/req526" >"$tmp/w3direct.out" || fail "w3 refused 526: $(cat "$tmp/w3direct.out")"
run wit3 "$draw" log witness --witness-key "$tmp/w3.vkey" --witness-exec "$(wcmd w3)"
expect wit3 0
has wit3 out "witness w3.example: cosigned checkpoint 566"
has wit3 err "witness w3.example last cosigned size 526: asking again from there"
filler 1 1590
run cp567 "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp567 0
# A witness that does not know the log: 404, relayed, exit 1.
run other_log "$draw" keygen --signing-key "$tmp/other.pem" --public-key "$tmp/otherpub.pem"
"$draw" log vkey --key "$tmp/other.pem" --origin other.example/log >"$tmp/other.vkey"
run wit404 "$draw" log witness --witness-key "$tmp/w1.vkey" \
	--witness-exec "\"$witness\" add-checkpoint --state \"$tmp/state-x\" --key \"$tmp/w1.pem\" --name w1.example --log \"$tmp/other.vkey\""
expect wit404 1
has wit404 out "witness w1.example: refused checkpoint 567: 404 Not Found"
has wit404 err "witness w1.example refused checkpoint 567: 404 Not Found"
has wit404 err "detail: witness w1.example said: alot-witness: "
# A witness whose answer is signed by another key: no cosignature of its key, exit 1.
run witbad "$draw" log witness --witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1 w2)"
expect witbad 1
has witbad err "witness w1.example: its answer holds no cosignature by its key"
# A forged line under w1's own key id: it does not verify, exit 1.
forged="printf '\\342\\200\\224 w1.example %s\\n' $(python3 -c "import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1]) + bytes(8 + 64)).decode())" "$(cut -d+ -f2 "$tmp/w1.vkey")")"
run witforged "$draw" log witness --witness-key "$tmp/w1.vkey" --witness-exec "cat >/dev/null; $forged"
expect witforged 1
has witforged out "witness w1.example: refused: its cosignature of checkpoint 567 does not verify"
# A witness that cannot run: exit 2, its stderr relayed escaped.
run witdead "$draw" log witness --witness-key "$tmp/w2.vkey" --witness-exec "printf 'boom\\033[2J\\n' >&2; exit 2"
expect witdead 2
has witdead out "witness w2.example: could not run (exit status 2)"
has witdead err 'said: boom\\x1b\[2J'
[ "$(q "SELECT count(*) FROM log_cosignatures WHERE size = 567")" = 0 ] || fail "a refused cosignature was stored"
run witpairs "$draw" log witness --witness-key "$tmp/w1.vkey"
expect witpairs 2
has witpairs err "give each --witness-key with its --witness-exec"
echo "ok: log witness follows a 409 once; relays 404, refuses foreign and forged cosignatures (exit 1), reports a witness that cannot run (exit 2)"

# ---- export writes tlog-proofs ----------------------------------------------------
run pub5 "$draw" log publish -o "$tmp/pub"
expect pub5 0
mkdir "$tmp/exp"
run exp11 "$draw" export --room "$(id 11)" -o "$tmp/exp"
expect exp11 0
[ "$(ls "$tmp/exp" | sort | tr '\n' ' ')" = \
  "$(id 11).commitment.json $(id 11).commitment.tlog-proof $(id 11).draw.json $(id 11).draw.tlog-proof $(id 11).freeze.json $(id 11).freeze.tlog-proof $(id 11).ledger.jsonl " ] ||
	fail "export wrote: $(ls "$tmp/exp" | tr '\n' ' ')"
for kind in commitment:0 freeze:3 draw:4; do
	k=${kind%%:*}
	[ "$(py proof "$tmp/exp/$(id 11).$k.tlog-proof" "$tmp/exp/$(id 11).$k.json" "$tmp/pub/checkpoint")" = "${kind#*:}" ] ||
		fail "the $k tlog-proof"
done
! grep -q "hint:" "$tmp/exp11.err" || fail "a hint though every record is in a checkpoint: $(cat "$tmp/exp11.err")"
# Room 14, committed after the newest checkpoint: no proof, and a hint.
run commit14 "$draw" commit --room "$(id 14)"
expect commit14 0
mkdir "$tmp/exp14"
run exp14 "$draw" export --room "$(id 14)" -o "$tmp/exp14"
expect exp14 0
[ "$(ls "$tmp/exp14")" = "$(id 14).commitment.json" ] || fail "export of an unlogged record wrote: $(ls "$tmp/exp14")"
has exp14 err "hint: run \"alot-draw log checkpoint\" (and \"alot-draw log witness\"), then export again: 1 record that no checkpoint"
run exp_all "$draw" export --all -o "$tmp/exp"
expect exp_all 0
[ -f "$tmp/exp/$(id 11).draw.tlog-proof" ] && [ -f "$tmp/exp/$(id 11).freeze.tlog-proof" ] || fail "export --all wrote no tlog-proofs"
echo "ok: export writes each record's tlog-proof, whose inclusion proof verifies at the published, cosigned checkpoint; a hint for records no checkpoint includes"

# ---- the draw role ----------------------------------------------------------------
role="t_draw_log_role_$$"
q "CREATE ROLE $role LOGIN IN ROLE alot_draw" >/dev/null
trap 'psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true; cleanup' EXIT
run cp568_role env PGUSER="$role" "$draw" log checkpoint --key "$tmp/log.pem" --origin "$ORIGIN"
expect cp568_role 0
has cp568_role out "^568$"
run pub_role env PGUSER="$role" "$draw" log publish -o "$tmp/pub"
expect pub_role 0
echo "ok: the draw role signs checkpoints and publishes"
dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
