# 70-verify.sh - verify every record the demo published, offline, with the
# static binary: each draw with its room's commitment, freeze and ledger,
# then the whole bundle at once; a buyer's proof; a tampered record that
# fails; a second draw of a room on a copy of the database, which signs
# the same bytes; and, once the draw's start is deleted too, two
# conflicting, validly signed draws of one room that fail together; and
# the monitor finding that second draw in the copy's transparency log.
set -euo pipefail
out="$DEMO_OUT/records"
verify=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
echo
echo "== alot-verify (the static, offline binary): every draw, with its commitment, freeze record and ledger"
for record in "$out"/*.draw.json; do
	room=$(basename "$record" .draw.json)
	"$verify" --quiet --pubkey "$out/pubkey.pem" --commitment "$out/$room.commitment.json" \
		--ledger "$out/$room.ledger.jsonl" "$out/$room.freeze.json" "$record"
	echo "   room $room: commitment, freeze and draw verified (exit $?)"
done
proofs=("$out"/*.proof-*.json)
proof=${proofs[0]}
room=$(basename "$proof" | cut -d. -f1)
entry=$(basename "$proof" .json | sed 's/.*\.proof-//')
echo "== a buyer checks that their entry $entry was in the draw, and reads what the verdict rests on"
"$verify" --pubkey "$out/pubkey.pem" --commitment "$out/$room.commitment.json" --proof "$proof" --entry "$entry" \
	"$out/$room.freeze.json" "$out/$room.draw.json" | sed 's/^/   /'
echo "== the whole bundle at once: every commitment, freeze and draw, each checked against the others of its room"
"$verify" --pubkey "$out/pubkey.pem" --commitment "$out/commitments.jsonl" "$out/freezes.jsonl" "$out/draws.jsonl" |
	tail -n 1 | sed 's/^/   /'
echo
echo "== someone changes the winning ticket in a published record"
python3 - "$out/$room.draw.json" "$DEMO_OUT/tampered.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["winning_ticket"] = r["winning_ticket"] % r["total_tickets"] + 1
open(sys.argv[2], "w").write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
PY
set +e
"$verify" --pubkey "$out/pubkey.pem" "$DEMO_OUT/tampered.json" | grep -E 'FAIL|result' | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-verify exit status: $rc (1: the record did not verify)"
[ "$rc" = 1 ]

echo
echo "== the operator draws room $room again, on a copy of its database, hoping for another winner"
fork="${DEMO_DB}_fork"
dropdb --if-exists "$fork" 2>/dev/null
createdb -T "$DEMO_DB" "$fork"
trap 'dropdb --if-exists "$fork" >/dev/null 2>&1 || true' EXIT
# Only a superuser can undo a draw: the database refuses it to every other role.
undo_draw() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$fork" >/dev/null <<SQL
BEGIN;
ALTER TABLE lottery_draws DISABLE TRIGGER USER;
ALTER TABLE rooms DISABLE TRIGGER USER;
ALTER TABLE room_entries DISABLE TRIGGER USER;
DELETE FROM lottery_draws WHERE room_id = '$room';
UPDATE room_entries SET is_winner = false WHERE room_id = '$room';
UPDATE rooms SET status = 'funded', drawn_at = NULL, settled_at = NULL WHERE id = '$room';
ALTER TABLE lottery_draws ENABLE TRIGGER USER;
ALTER TABLE rooms ENABLE TRIGGER USER;
ALTER TABLE room_entries ENABLE TRIGGER USER;
COMMIT;
SQL
}
redraw() {
	local dana
	dana=$(psql -X -At -d "$fork" -c "SELECT id FROM admin_users WHERE role = 'admin' AND active ORDER BY id LIMIT 1")
	ALOT_SIGNING_KEY="$DEMO_OUT/keys/signing.pem" ALOT_SEAL_KEY="$DEMO_OUT/keys/seal.key" \
		"$BUILD/alot-draw" execute --room "$room" --admin "$dana" -d "dbname=$fork" >"$1" 2>/dev/null
}
compare() {
	python3 - "$out/$room.draw.json" "$1" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
print(f"   first draw:  ticket {a['winning_ticket']}, entry {a['winner_entry_id']}, drawn at {a['drawn_at']}")
print(f"   second draw: ticket {b['winning_ticket']}, entry {b['winner_entry_id']}, drawn at {b['drawn_at']}")
print("   the same winner: the seed, the lot and the frozen ledger were all fixed" if
      (a["winning_ticket"], a["winner_entry_id"]) == (b["winning_ticket"], b["winner_entry_id"]) else "   ANOTHER WINNER")
PY
}
undo_draw
redraw "$DEMO_OUT/second.draw.json"
compare "$DEMO_OUT/second.draw.json"
# The draw's start (room_draw_starts) was committed before the seed was
# opened, and drawn_at is that start: every run signs the same bytes.
cmp "$out/$room.draw.json" "$DEMO_OUT/second.draw.json" &&
	echo "   byte for byte the first record: drawn_at is the start of the draw, committed before the seed was opened"
"$verify" --quiet --pubkey "$out/pubkey.pem" "$out/$room.draw.json" "$DEMO_OUT/second.draw.json"
echo "   alot-verify exit status: $? (one record, given twice)"
echo "== he deletes the start of the draw too (a superuser, its triggers off), and draws again"
undo_draw
psql -X -q -v ON_ERROR_STOP=1 -d "$fork" >/dev/null <<SQL
BEGIN;
ALTER TABLE room_draw_starts DISABLE TRIGGER USER;
DELETE FROM room_draw_starts WHERE room_id = '$room';
ALTER TABLE room_draw_starts ENABLE TRIGGER USER;
COMMIT;
SQL
redraw "$DEMO_OUT/third.draw.json"
compare "$DEMO_OUT/third.draw.json"
echo "== two different records, both signed by the operator, for one room: the verifier fails both"
set +e
"$verify" --pubkey "$out/pubkey.pem" "$out/$room.draw.json" "$DEMO_OUT/third.draw.json" |
	grep -E 'draw record of room|equivocation|result|records verified' | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-verify exit status: $rc (1: conflicting records)"
[ "$rc" = 1 ]
echo
echo "== he publishes that copy's log, signed with the log's key: the monitor reads it and names the second draw"
ALOT_SIGNING_KEY= "$BUILD/alot-draw" log checkpoint --key "$DEMO_OUT/keys/log.pem" --origin demo.alot.example/log \
	-d "dbname=$fork" >/dev/null 2>&1
mkdir -p "$DEMO_OUT/forked-log"
"$BUILD/alot-draw" log publish -o "$DEMO_OUT/forked-log" -d "dbname=$fork" >/dev/null
cp "$DEMO_OUT/monitor.state" "$DEMO_OUT/monitor-fork.state"
set +e
"$verify" --monitor "$DEMO_OUT/forked-log" --pubkey "$out/pubkey.pem" --log-key "$out/log.vkey" \
	--state "$DEMO_OUT/monitor-fork.state" 2>/dev/null | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-verify --monitor exit status: $rc (1: the log holds what it must not)"
[ "$rc" = 1 ]
