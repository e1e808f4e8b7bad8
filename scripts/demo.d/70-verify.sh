# 70-verify.sh - verify every record the demo draws published, offline,
# with the static binary; then tamper with one and watch it fail.
set -euo pipefail
out="$DEMO_OUT/records"
verify=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
echo
echo "== alot-verify (the static, offline binary): every published draw, with its commitment and ledger"
for record in "$out"/*.draw.json; do
	room=$(basename "$record" .draw.json)
	"$verify" --quiet --pubkey "$out/pubkey.pem" --commitment "$out/$room.commitment.json" \
		--ledger "$out/$room.ledger.jsonl" "$record"
	echo "   room $room: verified (exit $?)"
done
proofs=("$out"/*.proof-*.json)
proof=${proofs[0]}
room=$(basename "$proof" | cut -d. -f1)
entry=$(basename "$proof" .json | sed 's/.*\.proof-//')
echo "== a buyer checks that their entry $entry was in the draw"
"$verify" --pubkey "$out/pubkey.pem" --proof "$proof" --entry "$entry" "$out/$room.draw.json" | sed 's/^/   /'
echo "== the whole bundle at once"
"$verify" --pubkey "$out/pubkey.pem" --commitment "$out/commitments.jsonl" "$out/draws.jsonl" | tail -n 1 | sed 's/^/   /'
echo
echo "== someone changes the winning ticket in a published record"
python3 - "$out/$room.draw.json" "$DEMO_OUT/tampered.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["winning_ticket"] = r["winning_ticket"] % r["total_tickets"] + 1
open(sys.argv[2], "w").write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
PY
set +e
"$verify" --pubkey "$out/pubkey.pem" "$DEMO_OUT/tampered.json" | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
echo "   alot-verify exit status: $rc (1: the record did not verify)"
[ "$rc" = 1 ]
