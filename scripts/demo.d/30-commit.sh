# 30-commit.sh - the operator's keys, and a committed server seed for every
# room about to open (a room cannot open without one).  The commitment is
# of protocol 2: it binds the room's lot (product, target, deadline, lot
# type, entry bundles) with the seed, so the lot cannot change afterwards.
set -euo pipefail
draw="$BUILD/alot-draw"
keys="$DEMO_OUT/keys"
mkdir -p "$keys" "$DEMO_OUT/records"
chmod 0700 "$keys"
echo
echo "== alot-draw keygen: the operator's signing key and seal key"
"$draw" keygen --signing-key "$keys/signing.pem" --public-key "$DEMO_OUT/records/pubkey.pem"
"$draw" keygen --seal-key "$keys/seal.key"
echo "== alot-draw commit: one signed commitment record per room, binding its lot, published before it opens"
psql -X -At -d "$DEMO_DB" -c "SELECT id FROM rooms WHERE shareable_link <> 'lot-next-speedmaster' ORDER BY created_at, id" |
while read -r room; do
	"$draw" commit --room "$room" --signing-key "$keys/signing.pem" --seal-key "$keys/seal.key" \
		-d "dbname=$DEMO_DB" >"$DEMO_OUT/records/$room.commitment.json" 2>/dev/null
	echo "   room $room: $(cut -c1-110 "$DEMO_OUT/records/$room.commitment.json")..."
done
