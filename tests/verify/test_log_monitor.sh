#!/usr/bin/env bash
# test_log_monitor.sh - alot-verify --monitor over published logs that
# tests/verify/mklog.py lays out (c2sp.org/tlog-tiles): a clean log exits
# 0; every finding is produced by a crafted or tampered log and named with
# its entries and room, exit 1; the state file follows the log only while
# its integrity holds; what cannot be read is exit 2.
set -euo pipefail

verify="$BUILD/alot-verify"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"
. "$ALOT_SRC/tests/verify/log-lib.sh"

V="$V2/valid"
I="$V2/invalid"
K="$tmp/keys"
one=("$V/one-ticket.commitment.json" "$V/one-ticket.freeze.json" "$V/one-ticket.draw.json")
many=("$V/many-entries.commitment.json" "$V/many-entries.freeze.json" "$V/many-entries.draw.json")
rej=("$V/rejection.commitment.json" "$V/rejection.freeze.json" "$V/rejection.draw.json")
ONE=f2609769-9318-4c85-99c8-de8707f94c55
MANY=0d410350-ee9b-43b4-809f-807293170566
W=(--witness w1.example=1768900000 --witness w2.example=1768900100)
policy=(--pubkey "$OPKEY" --log-key "$K/log.vkey" --witness-key "$K/w1.example.vkey" --witness-key "$K/w2.example.vkey")
monitor() { # NAME LOGDIR [OPTION]...
	local name=$1 dir=$2
	shift 2
	run "$name" "$verify" --monitor "$dir" "${policy[@]}" "$@"
}
only_finding() { # NAME LINE: the one finding line, exactly
	local got
	got=$(grep -v '^log "' "$tmp/$1.out" || true)
	[ "$got" = "$2" ] || fail "$1: findings are not exactly \"$2\": $(cat "$tmp/$1.out")"
	expect "$1" 1
	has "$1" out ": 1 finding$"
}

# ---- clean, and the state file following it --------------------------------
mklog --out "$tmp/clean" "${W[@]}" "${one[@]}" "${many[@]}"
monitor clean "$tmp/clean" --state "$tmp/state"
expect clean 0
[ "$(cat "$tmp/clean.out")" = 'log "alot.example/log" at size 6: checked 6 of 6 entries, 6 records verified, checkpoint witnessed by 2026-01-20T09:08:20Z, state created: clean' ] ||
	fail "clean: $(cat "$tmp/clean.out")"
[ "$(cat "$tmp/clean.err")" = "alot-verify: checked 6 of 6 entries" ] || fail "clean: stderr: $(cat "$tmp/clean.err")"
cmp -s "$tmp/state" "$tmp/clean/checkpoint" || fail "clean: the state is not the checkpoint"
monitor again "$tmp/clean" --state "$tmp/state"
expect again 0
has again out "state unchanged: clean$"
echo "ok: a clean log exits 0, says what it checked, and creates the state file"

mklog --out "$tmp/grown" "${W[@]}" "${one[@]}" "${many[@]}" "${rej[@]}"
monitor grown "$tmp/grown" --state "$tmp/state"
expect grown 0
has grown out "at size 9: checked 9 of 9 entries, 9 records verified, .*state updated: clean$"
cmp -s "$tmp/state" "$tmp/grown/checkpoint" || fail "grown: the state is not the new checkpoint"
echo "ok: a log that grew is consistent with the state, which is updated"

monitor rollback "$tmp/clean" --state "$tmp/state"
only_finding rollback "rollback: the checkpoint's size 6 is below the size 9 of the checkpoint saved in the state file"
has rollback out "state not saved: 1 finding$"
cmp -s "$tmp/state" "$tmp/grown/checkpoint" || fail "rollback: the state changed"
echo "ok: a smaller checkpoint than the state's is a rollback, and the state is kept"

mklog --out "$tmp/fork" "${W[@]}" "${many[@]}" "${one[@]}" "${rej[@]}" "${one[0]}"
monitor fork "$tmp/fork" --state "$tmp/state"
has fork out "^inconsistent-with-state: the log's tree at size 9, the size of the checkpoint saved in the state file, is not the one saved: the log changed its history (a fork)$"
expect fork 1
cmp -s "$tmp/state" "$tmp/grown/checkpoint" || fail "fork: the state changed"
echo "ok: a log whose history differs from the state's is inconsistent-with-state"

# ---- the protocol's findings, each with its entries and room -------------------
mklog --out "$tmp/dupdraw" "${W[@]}" "${many[@]}" "$I/equivocation--two-draws.json"
monitor dupdraw "$tmp/dupdraw"
only_finding dupdraw "duplicate-draw: entries 2, 3, room $MANY: two different draw records of one room, both signed by the operator"
mklog --out "$tmp/dupcommit" "${W[@]}" "${many[@]}" "$I/equivocation--two-commitments.json"
monitor dupcommit "$tmp/dupcommit"
only_finding dupcommit "duplicate-commitment: entries 0, 3, room $MANY: two different commitment records of one room, both signed by the operator"
mklog --out "$tmp/dupfreeze" "${W[@]}" "${many[@]}" "$I/equivocation--two-freezes.json"
monitor dupfreeze "$tmp/dupfreeze"
only_finding dupfreeze "duplicate-freeze: entries 1, 3, room $MANY: two different freeze records of one room, both signed by the operator"
mklog --out "$tmp/twice" "${W[@]}" "${one[@]}" "${one[2]}"
monitor twice "$tmp/twice"
only_finding twice "duplicate-draw: entries 2, 3, room $ONE: the same draw record is logged twice"
echo "ok: a second commitment, freeze or draw of a room is named with both entries"

mklog --out "$tmp/nocommit" "${W[@]}" "${one[1]}" "${one[2]}"
monitor nocommit "$tmp/nocommit"
only_finding nocommit "freeze-without-commitment: entry 0, room $ONE: a freeze record with no commitment record of its room before it"
mklog --out "$tmp/nofreeze" "${W[@]}" "${one[0]}" "${one[2]}"
monitor nofreeze "$tmp/nofreeze"
only_finding nofreeze "draw-without-freeze: entry 1, room $ONE: a draw record with no freeze record of its room before it"
mklog --out "$tmp/v1" "${W[@]}" "$ALOT_SRC/vectors/records/valid/one-ticket.draw.json"
monitor v1 "$tmp/v1"
v1room=$(grep -o '"room_id":"[^"]*"' "$ALOT_SRC/vectors/records/valid/one-ticket.draw.json" | cut -d'"' -f4)
only_finding v1 "draw-without-commitment: entry 0, room $v1room: a draw record with no commitment record of its room before it"
mklog --out "$tmp/v1ok" "${W[@]}" "$ALOT_SRC/vectors/records/valid/one-ticket.commitment.json" "$ALOT_SRC/vectors/records/valid/one-ticket.draw.json"
monitor v1ok "$tmp/v1ok"
expect v1ok 0
echo "ok: a freeze without its commitment, a v2 draw without its freeze, a v1 draw without its commitment"

mklog --out "$tmp/order" "${W[@]}" "${one[0]}" "${one[2]}" "${one[1]}"
monitor order "$tmp/order"
only_finding order "out-of-order: entries 1, 2, room $ONE: the draw record comes before the room's freeze record"
mklog --out "$tmp/order2" "${W[@]}" "${one[1]}" "${one[0]}" "${one[2]}"
monitor order2 "$tmp/order2"
only_finding order2 "out-of-order: entries 0, 1, room $ONE: the freeze record comes before the room's commitment record"
echo "ok: a record before the one the protocol requires first is out-of-order"

mklog --out "$tmp/ledger" "${W[@]}" "${many[0]}" "$I/freeze-record--other-ledger.freeze.json" "${many[2]}"
monitor ledger "$tmp/ledger"
only_finding ledger "draw-not-over-frozen-ledger: entries 2, 1, room $MANY: the draw is not over the ledger the freeze record froze: freeze_record_hash names another freeze record"
echo "ok: a draw not over the frozen ledger"

mklog --out "$tmp/undrawn" "${W[@]}" "${one[0]}" "${one[1]}" "${many[@]}"
monitor withheld "$tmp/undrawn" --max-undrawn 7d --now 2026-03-01T00:00:00Z
only_finding withheld "withheld-draw: entry 1, room $ONE: frozen at 2026-01-20T18:31:02.500000Z, 3389338 seconds before the time judged by, and no draw in the log (limit 604800 seconds)"
monitor notyet "$tmp/undrawn" --max-undrawn 7d --now 2026-01-21T00:00:00Z
expect notyet 0
monitor nolimit "$tmp/undrawn"
expect nolimit 0
echo "ok: a room frozen longer than --max-undrawn by --now with no draw is a withheld draw"

mklog --out "$tmp/invalid" "${W[@]}" "${one[@]}" "$I/signature--flipped-byte.json" "text:not a record"
monitor invalid "$tmp/invalid"
expect invalid 1
has invalid out "^record-invalid: entry 3, room [0-9a-f-]*: the draw record fails signature: "
has invalid out "^record-invalid: entry 4: not a record: format: "
has invalid out "checked 5 of 5 entries, 3 records verified, .*: 2 findings$"
echo "ok: a record that does not verify is record-invalid, naming the entry and the check"

# ---- the log's integrity ---------------------------------------------------
cp -r "$tmp/clean" "$tmp/t1"
printf '\x00' | dd of="$tmp/t1/tile/0/000.p/6" bs=1 seek=40 conv=notrunc status=none
monitor tile "$tmp/t1" --state "$tmp/t1-state"
only_finding tile "tile-mismatch: entry 1: hash 1 of tile/0/000.p/6 is not the one the log's entries give"
has tile out "state not saved: 1 finding$"
[ ! -e "$tmp/t1-state" ] || fail "tile: the state was saved"

mklog --out "$tmp/t2" "${W[@]}" "${many[@]}" "${one[@]}"
cp "$tmp/clean/checkpoint" "$tmp/t2/checkpoint"
monitor root "$tmp/t2"
only_finding root "root-mismatch: the root of the log's 6 entries is not the checkpoint's"

cp -r "$tmp/clean" "$tmp/t3"
rm "$tmp/t3/tile/0/000.p/6"
monitor notile "$tmp/t3"
only_finding notile "missing-tile: entry 0: tile/0/000.p/6 is missing"
cp -r "$tmp/clean" "$tmp/t4"
rm "$tmp/t4/tile/entries/000.p/6"
monitor nobundle "$tmp/t4"
only_finding nobundle "missing-tile: entry 0: tile/entries/000.p/6 is missing"
has nobundle out "checked 0 of 6 entries"

cp -r "$tmp/clean" "$tmp/t5"
truncate -s -1 "$tmp/t5/tile/entries/000.p/6"
monitor cut "$tmp/t5"
only_finding cut "entry-bundle-malformed: entry 5: tile/entries/000.p/6 is cut short: entry 5 of 6 is incomplete"
cp -r "$tmp/clean" "$tmp/t6"
printf 'xy' >>"$tmp/t6/tile/entries/000.p/6"
monitor trailing "$tmp/t6"
only_finding trailing "entry-bundle-malformed: entry 6: tile/entries/000.p/6 has 2 bytes after its 6 entries"
echo "ok: a tampered tile, a wrong root, a missing tile or bundle, a malformed bundle: named, exit 1, no state saved"

# Beyond one tile: full tiles hashed into level 1, and its partial tile compared.
entries=()
for i in $(seq 1 300); do entries+=("text:entry $i"); done
mklog --out "$tmp/big" "${W[@]}" "${entries[@]}"
monitor big "$tmp/big" --format json
expect big 1
python3 - "$tmp/big.out" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
findings = [l for l in lines if "finding" in l]
assert len(findings) == 300 and all(f["finding"] == "record-invalid" for f in findings), findings[:3]
assert findings[299]["index"] == 299, findings[299]
s = lines[-1]["summary"]
assert (s["size"], s["entries_checked"], s["findings"], s["clean"]) == (300, 300, 300, False), s
EOF
[ -e "$tmp/big/tile/1/000.p/1" ] || fail "big: no level-1 tile"
printf '\x00' | dd of="$tmp/big/tile/1/000.p/1" bs=1 seek=3 conv=notrunc status=none
monitor big1 "$tmp/big"
has big1 out "^tile-mismatch: entry 0: hash 0 of tile/1/000.p/1 is not the one the log's entries give$"
echo "ok: a 300-entry log: full level-0 tiles hash into level 1, whose tampered tile is found"

# ---- the checkpoint ---------------------------------------------------------
cp -r "$tmp/clean" "$tmp/c1"
edit "$tmp/clean/checkpoint" "$tmp/c1/checkpoint" 'flip(s, "— alot.example/log ")'
monitor cpsig "$tmp/c1"
expect cpsig 1
has cpsig out "^checkpoint-invalid: "
has cpsig out ": the checkpoint does not verify: nothing checked: 1 finding$"
mklog --out "$tmp/solo" --witness w1.example=1768900000 "${one[@]}"
monitor cpquorum "$tmp/solo"
expect cpquorum 1
has cpquorum out "^checkpoint-invalid: "
echo "ok: a checkpoint with a bad signature or too few cosignatures is checkpoint-invalid"

mklog --out "$tmp/empty" "${W[@]}"
monitor empty "$tmp/empty"
expect empty 0
[ "$(cat "$tmp/empty.out")" = 'log "alot.example/log" at size 0: checked 0 of 0 entries (the log is empty), 0 records verified, checkpoint witnessed by 2026-01-20T09:08:20Z: clean' ] ||
	fail "empty: $(cat "$tmp/empty.out")"
echo "ok: an empty log is clean and says it checked 0 entries"

# ---- JSON lines ------------------------------------------------------------
monitor json "$tmp/dupdraw" --format json
expect json 1
python3 - "$tmp/json.out" "$MANY" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
f = lines[0]
assert f == {"finding": "duplicate-draw", "indexes": [2, 3], "room": sys.argv[2],
             "message": "two different draw records of one room, both signed by the operator"}, f
s = lines[1]["summary"]
assert s["findings"] == 1 and s["clean"] is False and s["entries_checked"] == 4 and s["records_verified"] == 4, s
assert s["checkpoint_time"] == "2026-01-20T09:08:20Z", s
EOF
monitor json1 "$tmp/nofreeze" --format json
python3 -c 'import json,sys; f=json.loads(open(sys.argv[1]).readline()); assert f["index"] == 1 and "indexes" not in f, f' "$tmp/json1.out"
echo "ok: --format json prints one object per finding and a summary"

# ---- could not run ---------------------------------------------------------
could_not_run nodir "could not read the log \"$tmp/nope\"" "$verify" --monitor "$tmp/nope" "${policy[@]}"
mkdir "$tmp/nocheckpoint"
could_not_run nocp "could not open \"$tmp/nocheckpoint/checkpoint\"" "$verify" --monitor "$tmp/nocheckpoint" "${policy[@]}"
could_not_run nokey "--monitor needs --pubkey and --log-key" "$verify" --monitor "$tmp/clean" --pubkey "$OPKEY"
could_not_run records "--monitor reads a whole log: it takes no RECORD" "$verify" --monitor "$tmp/clean" "${policy[@]}" "${one[0]}"
could_not_run stateonly "--state, --max-undrawn and --now go with --monitor" "$verify" --pubkey "$OPKEY" --state "$tmp/state" "${one[0]}"
could_not_run badnow "invalid value \"yesterday\" for option --now" "$verify" --monitor "$tmp/clean" "${policy[@]}" --now yesterday
could_not_run baddur "invalid value \"7w\" for option --max-undrawn" "$verify" --monitor "$tmp/clean" "${policy[@]}" --max-undrawn 7w
printf 'garbage\n' >"$tmp/badstate"
could_not_run badstate "the state file \"$tmp/badstate\" holds no checkpoint of this log" "$verify" --monitor "$tmp/clean" "${policy[@]}" --state "$tmp/badstate"
echo "ok: no log, no checkpoint, missing keys, bad options, a state file of no checkpoint: exit 2"
