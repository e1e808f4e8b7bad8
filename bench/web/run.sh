#!/usr/bin/env bash
# bench/web/run.sh - the browser verifier (build/web/alot-verify.wasm) beside
# the native alot-verify on the same inputs: the time to a first verdict
# (the module loaded and compiled, one record verified), the time per
# record over a bundle of RECORDS signed draws (default 10,000; made by
# gen-bundle, as bench-verify makes its bundle), and one draw checked
# against its full ledger of ENTRIES entries (default 100,000; gen-ledger);
# in node and in headless chromium, each as a ratio to the native binary's
# time measured in the same run.  Also the assets' gzipped sizes.
# A benchmark, not a test: "make bench-web [BENCH_WEB_RECORDS=n BENCH_WEB_ENTRIES=n]".
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$src/build}
records=${1:-10000}
entries=${2:-100000}
runs=3
web="$build/web"
for f in "$web/alot-verify.wasm" "$build/alot-verify" "$build/bench/gen-bundle" "$build/bench/gen-ledger"; do
	[ -e "$f" ] || { echo "bench-web: $f is missing (make bench-web builds it)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== generating $records signed draw records, and one draw over a ledger of $entries entries"
"$build/bench/gen-bundle" "$records" "$tmp" >"$tmp/bundle.jsonl"
head -n 1 "$tmp/bundle.jsonl" >"$tmp/one.jsonl"
mkdir "$tmp/ledger"
"$build/bench/gen-ledger" "$entries" "$tmp/ledger" >"$tmp/ledger/draw.json"
echo "   bundle $(du -h "$tmp/bundle.jsonl" | cut -f1), ledger $(du -h "$tmp/ledger/ledger.jsonl" | cut -f1)"

# The native floor: the best of $runs runs of each, process start to exit, in ms.
native() {
	python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(int(sys.argv[1])):
    t = time.monotonic()
    rc = subprocess.call(sys.argv[2:])
    ms = (time.monotonic() - t) * 1000
    if rc != 0:
        sys.exit(f"bench-web: {sys.argv[2:]} exited {rc}")
    best = ms if best is None else min(best, ms)
print(f"{best:.1f}")
PY
}
verify="$build/alot-verify"
n_first=$(native "$verify" --quiet --pubkey "$tmp/pub.pem" "$tmp/one.jsonl")
n_bundle=$(native "$verify" --quiet --pubkey "$tmp/pub.pem" "$tmp/bundle.jsonl")
n_ledger=$(native "$verify" --quiet --pubkey "$tmp/ledger/pub.pem" --ledger "$tmp/ledger/ledger.jsonl" "$tmp/ledger/draw.json")

echo "== node $(node --version)"
node "$src/bench/web/node-bench.mjs" "$web" "$tmp" "$runs" >"$tmp/node.json"

echo "== chromium (headless, /usr/bin/chromium through playwright-core in $build/web-test)"
mkdir -p "$build/web-test"
cp "$src/tests/web/package.json" "$src/tests/web/package-lock.json" "$build/web-test/"
(cd "$build/web-test" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
node "$src/bench/web/chromium-bench.mjs" "$web" "$tmp" "$build/web-test" "$runs" >"$tmp/chromium.json"

gz() { gzip -9 -c "$1" | wc -c; }
python3 - "$records" "$entries" "$n_first" "$n_bundle" "$n_ledger" "$tmp/node.json" "$tmp/chromium.json" \
	"$(stat -c %s "$web/alot-verify.wasm")" "$(gz "$web/alot-verify.wasm")" \
	"$(stat -c %s "$web/alot-verify.js")" "$(gz "$web/alot-verify.js")" <<'PY'
import json, sys
records, entries = int(sys.argv[1]), int(sys.argv[2])
n_first, n_bundle, n_ledger = (float(v) for v in sys.argv[3:6])
node = json.load(open(sys.argv[6]))
chrome = json.load(open(sys.argv[7]))
wasm, wasm_gz, js, js_gz = (int(v) for v in sys.argv[8:12])
us = lambda ms: ms * 1000 / records
print(f"native alot-verify: first verdict {n_first:.0f} ms (process start to exit), "
      f"{us(n_bundle):.0f} us a record over {records:,}, ledger of {entries:,} entries {n_ledger:.0f} ms")
print(f"node:     module loaded and compiled {node['load_ms']:.0f} ms, first verdict {node['first_verdict_ms']:.0f} ms; "
      f"{us(node['bundle_ms']):.0f} us a record: {node['bundle_ms'] / n_bundle:.2f}x native; "
      f"ledger {node['ledger_ms']:.0f} ms: {node['ledger_ms'] / n_ledger:.2f}x native")
for name in ("cold", "warm"):
    v = chrome[name]
    print(f"chromium {chrome['chromium']}, {name}: page {v['page_ms']:.0f} ms, module fetched {v['fetched_ms']:.0f} ms, "
          f"compiled {v['compiled_ms']:.0f} ms, first verdict {v['first_verdict_ms']:.0f} ms after navigation start, "
          f"{v['first_verdict_ms'] - v['page_ms']:.0f} ms after the page arrived (goal: 200 ms)")
for name, what in (("first", "first visit"), ("again", "median of the next 5")):
    v = chrome["page"][name]
    print(f"chromium, web/index.html from a link naming one record, {what}: VERIFIED {v['at_ms']:.0f} ms "
          f"after navigation start, {v['at_ms'] - v['page_ms']:.0f} ms after the page arrived (goal: 200 ms)")
w = chrome["warm"]
print(f"chromium: {us(w['bundle_ms']):.0f} us a record: {w['bundle_ms'] / n_bundle:.2f}x native (goal: at most 3x); "
      f"ledger {w['ledger_ms']:.0f} ms: {w['ledger_ms'] / n_ledger:.2f}x native")
print(f"assets: alot-verify.wasm {wasm:,} bytes, {wasm_gz:,} gzipped (-9); alot-verify.js {js:,} bytes, {js_gz:,} gzipped")
PY
