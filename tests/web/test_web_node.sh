#!/usr/bin/env bash
# test_web_node.sh - the browser verifier (alot-verify.wasm, driven by
# web/page/verifier.js) under node gives exactly what the native
# alot-verify gives: on every vector record with its companions, and on
# every record the demo exports (run here against the harness's cluster),
# the same exit status, the same verdict per record, the same checks in the
# same order with the same status and message, the same text report; and
# its make-proof command makes, byte for byte, the proofs alot-draw export
# --proof wrote, and proofs that verify.  tests/web/compare.mjs does the
# comparing; this script builds the demo's records and checks the counts.
set -euo pipefail

web="$BUILD/web"
fail() { echo "FAIL: $*" >&2; exit 1; }
for f in alot-verify.wasm alot-verify.js verifier.js; do
	[ -f "$web/$f" ] || fail "$web/$f is missing: build the browser verifier first (make web BUILD=$BUILD; make check builds it)"
done
command -v node >/dev/null || fail "node not found (scripts/ensure-deps.sh installs it)"

tmp=$(mktemp -d)
db="t_web_node_$$"
cleanup() {
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The demo's published records: draws under rule "none" (60-draw), their
# log proofs under a 2-of-2 witness policy (65-log), and a draw under the
# NIST beacon rule with a TEST-ONLY certificate (75-beacon).
export DEMO_DB="$db" DEMO_OUT="$tmp/demo" ALOT_SRC BUILD
mkdir -p "$DEMO_OUT"
for stage in 10-schema 20-catalog 30-commit 40-fill 60-draw 65-log 75-beacon; do
	bash "$ALOT_SRC/scripts/demo.d/$stage.sh" >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log"; fail "demo stage $stage"; }
done
out="$DEMO_OUT/records"
ls "$out"/*.draw.json "$out"/*.proof-*.json "$out"/*.tlog-proof >/dev/null || fail "the demo exported no draws, proofs or log proofs"

mkdir -p "$tmp/scratch"
node "$ALOT_SRC/tests/web/compare.mjs" "$web" "$BUILD/alot-verify" "$ALOT_SRC/vectors" "$out" "$tmp/scratch" | tee "$tmp/compare.out"

# The counts compare.mjs printed, against what is on disk: every vector
# file, every demo draw, each exported buyer proof made again byte for byte.
vector_files=$(find "$ALOT_SRC"/vectors/records*/{valid,invalid} -type f ! -name index.json | wc -l)
draws=$(ls "$out"/*.draw.json | wc -l)
proofs=$(ls "$out"/*.proof-*.json | wc -l)
valid_proofs=$(cat "$ALOT_SRC"/vectors/records*/valid/index.json | grep -c '"proof":')
grep -q "^vectors: [0-9]* invocations over $vector_files files" "$tmp/compare.out" ||
	fail "not every one of the $vector_files vector files was compared"
grep -q "^demo: [0-9]* invocations over $draws drawn rooms ($draws in the log" "$tmp/compare.out" ||
	fail "not every one of the demo's $draws draws was compared, in the log too"
grep -q "^demo: .* $proofs buyer proofs" "$tmp/compare.out" || fail "not every one of the demo's $proofs buyer proofs was compared"
grep -q "[0-9]* proofs made, $((valid_proofs + proofs)) equal to export's byte for byte" "$tmp/compare.out" ||
	fail "not every proof file ($valid_proofs vector, $proofs demo) was made again byte for byte"
compared=$(sed -n 's/^compared \([0-9]*\) invocations.*/\1/p' "$tmp/compare.out")
[ "${compared:-0}" -ge 300 ] || fail "only ${compared:-0} invocations compared"
echo "ok: the browser verifier under node agrees with alot-verify on $compared invocations"

# The demo's own stage: the page hosted beside one room's records, its
# WebAssembly agreeing with the static binary, and the link a buyer opens.
# (Its room is one of 60-draw's, never the beacon stage's, whose test
# certificate neither verifier trusts.)
bash "$ALOT_SRC/scripts/demo.d/77-web.sh" >"$tmp/web-stage.out" 2>&1 || { cat "$tmp/web-stage.out"; fail "demo stage 77-web"; }
grep -q "^   its WebAssembly, under node, as the static binary: 3 of 3 records verified$" "$tmp/web-stage.out" ||
	fail "demo stage 77-web: $(cat "$tmp/web-stage.out")"
link_room=$(sed -n 's|.*&draw=records/\([0-9a-f-]*\)\.draw\.json&.*|\1|p' "$tmp/web-stage.out")
[ -n "$link_room" ] && ! grep -q '"beacon_rule":"nist-beacon' "$out/$link_room.draw.json" ||
	fail "demo stage 77-web links a draw the page cannot verify: $(cat "$tmp/web-stage.out")"
echo "ok: the demo's page stage, on room $link_room"
