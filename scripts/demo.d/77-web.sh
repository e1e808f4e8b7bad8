# 77-web.sh - the browser verifier: the page "make web" built, hosted the
# way an operator would host it, beside one room's published files.  The
# page's own WebAssembly is run here under node on that room's draw, and
# must give the static binary's verdict; then the demo prints the address
# a buyer would open to check the same draw in a browser.
set -euo pipefail
out="$DEMO_OUT/records"
site="$DEMO_OUT/site"
verify=$(ls "$BUILD"/dist/alot-verify-*-linux-x86_64)
[ -f "$BUILD/web/alot-verify.wasm" ] || { echo "demo: $BUILD/web is not built (make web)" >&2; exit 2; }

# The first of the demo's own draws (the beacon stage's room, drawn with a
# test certificate the page rightly does not trust, is left out).
record=$(grep -L '"beacon_rule":"nist-beacon' "$out"/*.draw.json | head -n 1)
[ -n "$record" ] || { echo "demo: no draw record without a beacon rule in $out" >&2; exit 1; }
room=$(basename "$record" .draw.json)
rm -rf "$site"
mkdir -p "$site/records"
cp "$BUILD"/web/* "$site/"
cp "$out/pubkey.pem" "$out/$room".{commitment,freeze,draw}.json "$out/$room.ledger.jsonl" "$site/records/"

echo
echo "== the browser verifier (make web): the page, hosted beside room $room's records"
(cd "$site" && sha256sum --quiet -c SHA256SUMS) && echo "   the page's files match its SHA256SUMS"
args=(--pubkey "$site/records/pubkey.pem" --commitment "$site/records/$room.commitment.json"
      --ledger "$site/records/$room.ledger.jsonl" "$site/records/$room.freeze.json" "$site/records/$room.draw.json")
native=$("$verify" "${args[@]}" | tail -n 1) ||
	{ echo "demo: alot-verify did not verify room $room's draw: $native" >&2; exit 1; }
web=$(node "$ALOT_SRC/web/node-verify.mjs" "$site" "${args[@]}" | tail -n 1) ||
	{ echo "demo: the page's verifier, under node, did not verify room $room's draw: $web" >&2; exit 1; }
[ "$web" = "$native" ] || { echo "demo: the page's verifier said \"$web\", the static binary \"$native\"" >&2; exit 1; }
echo "   its WebAssembly, under node, as the static binary: $web"
query="pubkey=records/pubkey.pem&commitment=records/$room.commitment.json&freeze=records/$room.freeze.json"
query="$query&draw=records/$room.draw.json&ledger=records/$room.ledger.jsonl"
echo "   serve the folder and open the draw's verification in a browser:"
echo "     python3 -m http.server --bind 127.0.0.1 --directory $site 8000"
echo "     http://127.0.0.1:8000/?$query"
