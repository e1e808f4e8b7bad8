# 60-draw.sh - freeze some funded rooms' ledgers, draw every funded room
# (execute freezes the others first), show a refused attempt, and export
# the published records (commitments, freezes, draws), ledgers and an
# inclusion proof.
set -euo pipefail
draw="$BUILD/alot-draw"
keys="$DEMO_OUT/keys"
out="$DEMO_OUT/records"
export ALOT_SIGNING_KEY="$keys/signing.pem" ALOT_SEAL_KEY="$keys/seal.key"
q() { psql -X -At -d "$DEMO_DB" -c "$1"; }
dana=$(q "SELECT id FROM admin_users WHERE role = 'admin' AND active ORDER BY id LIMIT 1")
milo=$(q "SELECT id FROM admin_users WHERE role = 'moderator' LIMIT 1")
echo
echo "== alot-draw status"
"$draw" status -d "dbname=$DEMO_DB"
first=$(q "SELECT id FROM rooms WHERE status = 'funded' ORDER BY funded_at, id LIMIT 1")
echo
echo "== alot-draw freeze: the first funded rooms' ledgers are frozen and the signed freeze records published"
for room in $(q "SELECT id FROM rooms WHERE status = 'funded' ORDER BY funded_at, id LIMIT 2"); do
	"$draw" freeze --room "$room" -d "dbname=$DEMO_DB" >"$out/$room.freeze.json" 2>"$out/freeze.err" ||
		{ cat "$out/freeze.err" >&2; exit 1; }
	sed 's/^/   /' "$out/freeze.err"
	echo "   room $room: $(cut -c1-110 "$out/$room.freeze.json")..."
done
rm -f "$out/freeze.err"
echo "== freezing again prints the same record"
"$draw" freeze --room "$first" -d "dbname=$DEMO_DB" 2>&1 >"$out/again.json" | sed 's/^/   /'
cmp "$out/again.json" "$out/$first.freeze.json" && echo "   identical record"
rm -f "$out/again.json"
echo "== alot-draw status: which funded rooms are frozen"
"$draw" status -d "dbname=$DEMO_DB" | sed -n '/^Ready to draw/,/^Drawn/p' | sed '$d'
echo
echo "== a moderator without can_execute_draws tries to draw (refused, and audited)"
"$draw" execute --room "$first" --admin "$milo" -d "dbname=$DEMO_DB" && exit 1 || echo "   exit status $? (refused)"
echo
echo "== alot-draw execute: the draw admin draws every funded room over its frozen ledger"
echo "   (a room not frozen yet is frozen first, in the same transaction)"
for room in $(q "SELECT id FROM rooms WHERE status = 'funded' ORDER BY funded_at, id"); do
	"$draw" execute --room "$room" --admin "$dana" -d "dbname=$DEMO_DB" >"$out/$room.executed.json" 2>"$out/execute.err" ||
		{ cat "$out/execute.err" >&2; exit 1; }
	grep "froze room" "$out/execute.err" | sed 's/^/   /' || true
	q "SELECT format('   room %s: ticket %s of %s won by %s (entry %s, nonce %s)', d.room_id, d.winning_ticket,
	          d.total_tickets, u.username, d.winner_entry_id, d.nonce)
	     FROM lottery_draws d JOIN users u ON u.id = d.winner_user_id WHERE d.room_id = '$room'"
done
echo "== running it again prints the same record"
"$draw" execute --room "$first" --admin "$dana" -d "dbname=$DEMO_DB" 2>&1 >"$out/again.json" | sed 's/^/   /'
cmp "$out/again.json" "$out/$first.executed.json" && echo "   identical record"
rm -f "$out/again.json" "$out"/*.executed.json "$out/execute.err"
echo
echo "== alot-draw export: commitment, freeze and draw records, ledgers and a buyer's inclusion proof into $out"
entry=$(q "SELECT id FROM room_entries WHERE room_id = '$first' ORDER BY tickets_start LIMIT 1 OFFSET 3")
"$draw" export --all -o "$out" -d "dbname=$DEMO_DB"
"$draw" export --room "$first" --proof "$entry" -o "$out" -d "dbname=$DEMO_DB"
ls "$out" | sed 's/^/   /'
echo "== the audit log"
q "SELECT format('   %s  %-14s  %s', to_char(created_at, 'HH24:MI:SS'), action, coalesce(details->>'reason', 'ticket ' || (details->>'winning_ticket')))
     FROM audit_logs WHERE action LIKE 'draw%' ORDER BY created_at"
