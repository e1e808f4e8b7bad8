# 75-beacon.sh - the NIST beacon rule: nobody, the operator included, can
# choose or predict the winner.  First a draw made with two REAL pulses of
# NIST's beacon (recorded in ../shared/data/nist-beacon; the test vectors
# records-beacon/) is verified offline.  Then a new room is committed under
# the rule, naming the log and its two witnesses; once funded, the draw
# service (alot-draw run) freezes it, has the freeze witnessed, waits for
# the first pulse after that, and draws.  Live pulses cannot be NIST's here
# (no network): a local beacon signs them with a TEST-ONLY certificate that
# only this demo trusts.  Last, the verifier refuses a draw that used a
# later pulse than the rule names: the operator shopping for an outcome.
set -euo pipefail
draw="$BUILD/alot-draw"
witness="$BUILD/alot-witness"
verify=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
keys="$DEMO_OUT/keys"
out="$DEMO_OUT/records"
vec="$ALOT_SRC/vectors/records-beacon"
bdir="$DEMO_OUT/beacon"
db="dbname=$DEMO_DB"
origin=demo.alot.example/log
export ALOT_SIGNING_KEY="$keys/signing.pem" ALOT_SEAL_KEY="$keys/seal.key"
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$DEMO_DB" -c "$1"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
mkdir -p -m 0700 "$bdir"

echo
echo "== the NIST beacon rule: a draw with two real NIST pulses (1862118 and 1862119), verified offline"
"$verify" --pubkey "$vec/pubkey.pem" --ledger "$vec/valid/beacon-real.ledger.jsonl" "$vec/valid/beacon-real.draw.json" \
	"$vec/valid/beacon-real.commitment.json" "$vec/valid/beacon-real.freeze.json" |
	grep -E '^\S|beacon-|result|proves|rests on|records verified' | head -n 12 | sed 's/^/   /'

echo
echo "== a witness policy: the log's key and both witnesses, all of whom must see the frozen ledger"
{
	echo "log $(cat "$out/log.vkey")"
	echo "witness $(cat "$out/witness1.vkey")"
	echo "witness $(cat "$out/witness2.vkey")"
	echo "quorum 2"
} >"$out/witness-policy.txt"
sed 's/^/   /' "$out/witness-policy.txt"

room=$(q "SELECT gen_random_uuid()")
q "INSERT INTO rooms (id, product_class_id, host_id, lot_type, funding_target, deadline, entry_bundles, shareable_link)
   SELECT '$room', product_class_id, host_id, lot_type, 20.00, LOCALTIMESTAMP + INTERVAL '30 days',
          '[{\"amount\": 5, \"tickets\": 5}]', 'lot-speedmaster-beacon'
     FROM rooms WHERE shareable_link = 'lot-speedmaster'" >/dev/null
echo "== alot-draw commit --beacon-rule nist-beacon-2.0: room $room, bound to that policy before it opens"
"$draw" commit --room "$room" --beacon-rule nist-beacon-2.0 --witness-policy "$out/witness-policy.txt" -d "$db" \
	>"$out/$room.commitment.json" 2>/dev/null
grep -o '"beacon_rule":"[^"]*"' "$out/$room.commitment.json" | sed 's/^/   /'

echo "== four buyers fund it"
q "UPDATE rooms SET status = 'open', opened_at = clock_timestamp() WHERE id = '$room'" >/dev/null
for user in $(q "SELECT id FROM users ORDER BY id LIMIT 4"); do
	q "WITH p AS (INSERT INTO room_entry_purchases (room_id, user_id, amount, status, stripe_payment_intent_id,
	                                                 stripe_charge_id, completed_at)
	              VALUES ('$room', '$user', 5, 'succeeded', 'pi_' || md5(random()::text), 'ch_' || md5(random()::text),
	                      clock_timestamp()) RETURNING id)
	   SELECT allocate_room_entry('$room', '$user', 5, 'cash', 5, 0, p.id) FROM p" >/dev/null
done
q "UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id = '$room'" >/dev/null
q "SELECT format('   %s entries, %s tickets: %s', count(*), sum(ticket_count), (SELECT status FROM rooms WHERE id = '$room'))
     FROM room_entries WHERE room_id = '$room'"

echo
echo "== a local beacon (no network here): NIST's API, pulses every 2 s, signed by a TEST-ONLY certificate"
ossl() { openssl "$@" 2>>"$bdir/openssl.log" || { cat "$bdir/openssl.log" >&2; exit 2; }; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=ALOT demo CA" \
	-keyout "$bdir/ca.key" -out "$bdir/ca.pem" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$bdir/server.key" -out "$bdir/server.csr"
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$bdir/server.ext"
ossl x509 -req -in "$bdir/server.csr" -CA "$bdir/ca.pem" -CAkey "$bdir/ca.key" -CAcreateserial -days 2 \
	-extfile "$bdir/server.ext" -out "$bdir/server.pem"
python3 "$ALOT_SRC/tests/lib/mkpulse.py" cert "$bdir/cert" >/dev/null
cp "$bdir/cert/beacon-test.pem" "$out/beacon-test-certificate.pem"
python3 "$ALOT_SRC/tests/lib/live_beacon.py" "$bdir/server.pem" "$bdir/server.key" "$bdir/cert/beacon-test.key" \
	"$bdir/cert/beacon-test.pem" "$bdir/port" --period-ms 2000 2>"$bdir/beacon.log" &
pids+=($!)
for _ in $(seq 300); do [ -s "$bdir/port" ] && break; sleep 0.1; done
[ -s "$bdir/port" ] || { echo "the local beacon did not start: $(cat "$bdir/beacon.log")" >&2; exit 1; }
url="https://127.0.0.1:$(cat "$bdir/port")/beacon/2.0"
echo "   $url"

ask() { # the command alot-draw runs to ask witness $1
	echo "$witness add-checkpoint --state $DEMO_OUT/witness$1/state --key $DEMO_OUT/witness$1/key.pem" \
		"--name witness$1.example --log $out/log.vkey"
}
admin=$(q "SELECT id FROM admin_users WHERE role = 'admin' AND active ORDER BY id LIMIT 1")
echo
echo "== alot-draw run --once: the draw service takes every funded room; no person picks the moment"
"$draw" run --once --admin "$admin" -d "$db" --log-key "$keys/log.pem" --origin "$origin" \
	--witness-key "$out/witness1.vkey" --witness-exec "$(ask 1)" \
	--witness-key "$out/witness2.vkey" --witness-exec "$(ask 2)" \
	--publish "$DEMO_OUT/log" --export "$out" \
	--beacon-url "$url" --cacert "$bdir/ca.pem" --beacon-cert "$out/beacon-test-certificate.pem" --beacon-wait 60 \
	2>"$bdir/run.err" | cut -c1-150 | sed 's/^/   /' || { cat "$bdir/run.err" >&2; exit 1; }
[ -s "$out/$room.draw.json" ] || { echo "the service did not draw room $room" >&2; cat "$bdir/run.err" >&2; exit 1; }

echo
echo "== anyone checks it offline: the winner was fixed by a pulse that came after the witnesses saw the frozen ledger"
"$verify" --pubkey "$out/pubkey.pem" --beacon-cert "$out/beacon-test-certificate.pem" \
	--ledger "$out/$room.ledger.jsonl" "$out/$room.draw.json" "$out/$room.commitment.json" "$out/$room.freeze.json" |
	grep -E '^\S|beacon-|result|proves|rests on|records verified' | head -n 14 | sed 's/^/   /'

echo
echo "== the operator shops for an outcome: it signs a draw with a later pulse than the rule names (a test vector)"
set +e
"$verify" --pubkey "$vec/pubkey.pem" "$vec/invalid/beacon-timing--not-first.json" \
	"$vec/valid/beacon-real.commitment.json" "$vec/valid/beacon-real.freeze.json" >"$bdir/shop.out"
rc=$?
set -e
grep -E 'FAIL|records verified' "$bdir/shop.out" | sed 's/^/   /'
echo "   alot-verify exit status: $rc (1: the draw did not verify)"
[ "$rc" = 1 ]
