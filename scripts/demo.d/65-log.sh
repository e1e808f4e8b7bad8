# 65-log.sh - the transparency log: every record published so far is an
# entry, appended by the database in the transaction that made it.  The
# operator signs a checkpoint, two independent witnesses cosign it, the
# log is published as static tiles, and a draw is verified, offline, to be
# in the log under a 2-of-2 witness policy; then the monitor reads the
# whole log.
set -euo pipefail
draw="$BUILD/alot-draw"
witness="$BUILD/alot-witness"
verify=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
keys="$DEMO_OUT/keys"
out="$DEMO_OUT/records"
db="dbname=$DEMO_DB"
origin=demo.alot.example/log
q() { psql -X -At -d "$DEMO_DB" -c "$1"; }
echo
echo "== the transparency log: the database appended every published record, in order"
q "SELECT format('   %s %s records: entries %s', count(*), kind, string_agg(idx::text, ' ' ORDER BY idx))
     FROM log_entries GROUP BY kind ORDER BY min(idx)"
"$draw" keygen -k "$keys/log.pem" -p "$keys/log.pub.pem" 2>/dev/null
"$draw" log vkey --key "$keys/log.pem" --origin "$origin" >"$out/log.vkey"
echo "   the log's verifier key: $(cat "$out/log.vkey")"
echo "== two witnesses, run by other people, each with its own key and state"
for w in 1 2; do
	mkdir -p -m 0700 "$DEMO_OUT/witness$w/state"
	"$witness" keygen --secret "$DEMO_OUT/witness$w/key.pem" --public "$DEMO_OUT/witness$w/key.pub.pem" 2>/dev/null
	"$witness" vkey --key "$DEMO_OUT/witness$w/key.pem" --name "witness$w.example" >"$out/witness$w.vkey"
	echo "   witness $w: $(cat "$out/witness$w.vkey")"
done
ask() { # the command alot-draw runs to ask witness $1
	echo "$witness add-checkpoint --state $DEMO_OUT/witness$1/state --key $DEMO_OUT/witness$1/key.pem" \
		"--name witness$1.example --log $out/log.vkey"
}
echo "== alot-draw log checkpoint: the operator signs the log's state (c2sp.org/tlog-checkpoint)"
"$draw" log checkpoint --key "$keys/log.pem" --origin "$origin" -d "$db" | sed 's/^/   /'
echo "== alot-draw log witness: each witness checks the checkpoint extends what it saw, and cosigns"
"$draw" log witness -d "$db" --witness-key "$out/witness1.vkey" --witness-exec "$(ask 1)" \
	--witness-key "$out/witness2.vkey" --witness-exec "$(ask 2)" | sed 's/^/   /'
echo "== alot-draw log publish: the checkpoint, hash tiles and entry bundles for any static web server"
mkdir -p "$DEMO_OUT/log"
"$draw" log publish -o "$DEMO_OUT/log" -d "$db" | sed 's/^/   /'
(cd "$DEMO_OUT/log" && find . -type f | sort | head -n 6 | sed 's/^/   /')
echo "== alot-draw export: each record now comes with its c2sp.org/tlog-proof"
"$draw" export --all -o "$out" -d "$db" 2>&1 | sed 's/^/   /'
room=$(q "SELECT room_id FROM lottery_draws ORDER BY drawn_at, room_id LIMIT 1")
"$draw" export --room "$room" -o "$out" -d "$db" 2>&1 | sed 's/^/   /'
ls "$out" | grep "^$room" | sed 's/^/   /'
echo
echo "== anyone checks, offline, that room $room's records are in the log both witnesses saw (2 of 2)"
"$verify" --pubkey "$out/pubkey.pem" --log-key "$out/log.vkey" \
	--witness-key "$out/witness1.vkey" --witness-key "$out/witness2.vkey" --witnesses 2 \
	--log-proof "$out/$room.commitment.tlog-proof" --log-proof "$out/$room.freeze.tlog-proof" \
	--log-proof "$out/$room.draw.tlog-proof" \
	"$out/$room.commitment.json" "$out/$room.freeze.json" "$out/$room.draw.json" | sed 's/^/   /'
echo
echo "== alot-verify --monitor: the whole published log, every hash and record, and what must not be there"
"$verify" --monitor "$DEMO_OUT/log" --pubkey "$out/pubkey.pem" --log-key "$out/log.vkey" \
	--witness-key "$out/witness1.vkey" --witness-key "$out/witness2.vkey" \
	--state "$DEMO_OUT/monitor.state" --max-undrawn 7d 2>&1 | sed 's/^/   /'
