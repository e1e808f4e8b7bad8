#!/usr/bin/env bash
# test_web_browser.sh - the browser verifier's page in a real browser:
# headless chromium (Debian's, through playwright-core) loads $BUILD/web/
# from a local server (tests/web/serve.py) and must show exactly what
# native alot-verify reports for the same files (tests/web/browser.mjs
# drives it):
#   - a protocol-1 draw (offline once loaded) and a protocol-2 draw with
#     its freeze (at phone width, by keyboard), by file input: VERIFIED,
#     the native checks in order, each with its --list-checks sentence;
#     the ledger picture with the winning ticket marked; a buyer's entry
#     found in the ledger, its proof made and checked, its path the one of
#     the vector's proof file;
#   - a beacon draw's files dropped onto the page in any order: VERIFIED;
#   - a buyer's link (query string) with their proof: VERIFIED, the path shown;
#   - a tampered record by link: FAILED, the native failing check and reason;
#   - a file the link names that is missing, a key that is none (exit 2):
#     "could not verify", with the reason;
#   - a 100,000-entry ledger: drawn, one rectangle a column at most.
# Every case: no console error, no CSP violation, no request beyond
# 127.0.0.1, no text below WCAG AA contrast.  Screenshots (verified.png,
# failed.png, phone.png) go to $BUILD/test-logs/web/.
set -euo pipefail

web="$BUILD/web"
verify="$BUILD/alot-verify"
V="$ALOT_SRC/vectors"
K="$V/records/pubkey.pem"
shots="$BUILD/test-logs/web"
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in index.html app.js alot-verify.js alot-verify.wasm BUILDINFO; do
	[ -s "$web/$f" ] || fail "$web/$f is missing: build the page first (make BUILD=$BUILD web)"
done
[ -x "$verify" ] || fail "$verify is missing: build it first (make BUILD=$BUILD)"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (scripts/ensure-deps.sh installs it)"

# playwright-core, installed into the build folder, never the source tree.
modules="$BUILD/web-test"
if [ ! -d "$modules/node_modules/playwright-core" ]; then
	mkdir -p "$modules"
	cp "$ALOT_SRC/tests/web/package.json" "$ALOT_SRC/tests/web/package-lock.json" "$modules/"
	(cd "$modules" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null) ||
		fail "npm ci of playwright-core failed in $modules"
fi

tmp=$(mktemp -d)
server='' driver=''
cleanup() {
	local p
	for p in $driver $server; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' INT TERM  # a timeout or ^C still runs cleanup
mkdir -p "$shots"
rm -f "$shots"/*.png

# The served tree: the page at /, the vectors and the test's own files under /_/.
mkdir -p "$tmp/extra"
python3 "$ALOT_SRC/tests/web/serve.py" "$web" "$V" "$tmp/extra" >"$tmp/port" 2>"$tmp/serve.log" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/port")
[ -n "$port" ] || fail "the server did not start: $(cat "$tmp/serve.log")"

# The plan: each case's files, and what native alot-verify reports for them.
python3 - "$verify" "$V" "$K" "$tmp" "$port" "$modules/node_modules/.." "$shots" >"$tmp/plan.json" <<'PY'
import json, os, subprocess, sys

verify, V, K, tmp, port, modules, shots = sys.argv[1:8]

def native(args):
    """alot-verify --format json: its exit status and records as the page shows them."""
    out = subprocess.run([verify, "--pubkey", K, "--format", "json"] + args, capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    records = []
    for line in out.stdout.splitlines():
        r = json.loads(line)
        records.append(shown(r))
    return out.returncode, records

def shown(r):
    """A record of the JSON report as the page must show it."""
    return {"type": r.get("type", ""), "verified": r["verified"], "proves": r.get("proves"),
            "rests_on": r.get("rests_on"), "checks": [[c["name"], c["status"], c["message"]] for c in r["checks"]]}

def vector(folder, name):
    d = f"{V}/{folder}/valid"
    case = [c for c in json.load(open(f"{d}/index.json")) if c["record"] == f"valid/{name}.draw.json"][0]
    return d, case

def ledger_facts(path, draw):
    lines = open(path).read().splitlines()
    head, entries = json.loads(lines[0]), [json.loads(l) for l in lines[1:]]
    return {"tickets": head["total_tickets"], "entries": len(entries),
            "buyers": len({e["user_id"] for e in entries}), "winning": json.load(open(draw))["winning_ticket"]}

def file_case(name, folder, vec, shot, viewport=None, freeze=False):
    d, case = vector(folder, vec)
    files = {"draw": f"{d}/{vec}.draw.json", "pubkey": K, "commitment": f"{d}/{vec}.commitment.json",
             "ledger": f"{d}/{vec}.ledger.jsonl"}
    args = ["--commitment", files["commitment"], "--ledger", files["ledger"], files["draw"]]
    if freeze:
        files["freeze"] = f"{d}/{vec}.freeze.json"
        args.append(files["freeze"])
    rc, records = native(args)
    assert rc == 0 and all(r["verified"] for r in records), records
    assert all(s == "PASS" for r in records for _, s, _ in r["checks"]), records
    proof = json.load(open(f"{d}/{vec}.proof.json"))
    c = {"name": name, "files": files, "verdict": "VERIFIED", "records": records, "shot": shot,
         "ledger": ledger_facts(files["ledger"], files["draw"]),
         "proof": {"search": case["entry"], "entry": case["entry"], "audit_path": proof["audit_path"],
                   "leaf_index": proof["leaf_index"], "entry_count": proof["entry_count"]}}
    if viewport:
        c["viewport"] = viewport
        c["keyboard"] = True
    return c

cases = [
    dict(file_case("protocol 1 by file input, offline once loaded", "records", "many-entries", "verified.png"), offline=True),
    file_case("protocol 2 with its freeze, at phone width", "records-v2", "many-entries", "phone.png",
              viewport={"width": 375, "height": 812}, freeze=True),
]

# A draw under the NIST beacon rule, its files dropped onto the page in no
# particular order: the page tells each file's kind from its content.
d = f"{V}/records-beacon/valid"
dropped = [f"{d}/beacon-real.ledger.jsonl", f"{d}/beacon-real.freeze.json", f"{V}/records-beacon/pubkey.pem",
           f"{d}/beacon-real.commitment.json", f"{d}/beacon-real.draw.json"]
out = subprocess.run([verify, "--pubkey", dropped[2], "--format", "json", "--commitment", dropped[3], "--ledger", dropped[0],
                      dropped[4], dropped[1]], capture_output=True, text=True)
assert out.returncode == 0, out.stdout + out.stderr
records = [shown(json.loads(line)) for line in out.stdout.splitlines()]
assert "beacon-timing" in [n for r in records for n, _, _ in r["checks"]], records
cases.append({"name": "a beacon draw by drag and drop", "verdict": "VERIFIED", "records": records, "drop": dropped,
              "ledger": ledger_facts(dropped[0], dropped[4])})

# A buyer's link: the draw, its companions, the buyer's proof and entry, all by URL.
d, case = vector("records-v2", "many-entries")
q = {r: f"_/vectors/records-v2/valid/many-entries.{r}.json" for r in ("draw", "commitment", "freeze", "proof")}
q["pubkey"], q["entry"] = "_/vectors/records/pubkey.pem", case["entry"]
rc, records = native(["--commitment", f"{d}/many-entries.commitment.json", "--proof", f"{d}/many-entries.proof.json",
                      "--entry", case["entry"], f"{d}/many-entries.draw.json", f"{d}/many-entries.freeze.json"])
assert rc == 0 and "proof" in [n for r in records for n, _, _ in r["checks"]], records
p = json.load(open(f"{d}/many-entries.proof.json"))
cases.append({"name": "a buyer's link with their proof", "verdict": "VERIFIED", "records": records, "query": q,
              "proof": {"entry": case["entry"], "audit_path": p["audit_path"], "leaf_index": p["leaf_index"],
                        "entry_count": p["entry_count"]}})

# A tampered record, named by relative URLs in the query string.
bad = f"{V}/records/invalid/client-seed--flipped.json"
rc, records = native([bad])
assert rc == 1 and any(s == "FAIL" and n == "client-seed" for r in records for n, s, _ in r["checks"]), records
cases.append({"name": "tampered record by URL", "verdict": "FAILED", "records": records, "shot": "failed.png",
              "verdictText": "1 of 1 record failed: client-seed.",
              "query": {"pubkey": "_/vectors/records/pubkey.pem", "draw": "_/vectors/records/invalid/client-seed--flipped.json"}})

# A file the link names that is not there: the tool never ran.
cases.append({"name": "a missing file by URL", "verdict": "ERROR", "verdictText": "HTTP 404",
              "consoleError": "the server responded with a status of 404",
              "query": {"pubkey": "_/vectors/records/pubkey.pem", "draw": "_/vectors/records/no-such.draw.json"}})

# A key that is no key: the tool cannot run (exit 2), and the page says why, as natively.
junk = f"{tmp}/extra/junk.pem"
open(junk, "w").write("not a key\n")
out = subprocess.run([verify, "--pubkey", junk, "--format", "json", f"{V}/records/valid/one-ticket.draw.json"],
                     capture_output=True, text=True)
assert out.returncode == 2 and out.stdout == "", out
cases.append({"name": "no key: could not verify", "verdict": "ERROR", "verdictText": out.stderr.strip().replace(junk, "/in/pubkey.pem"),
              "files": {"draw": f"{V}/records/valid/one-ticket.draw.json", "pubkey": junk}})

# A ledger of 100,000 entries for the room of a real draw: not its ledger
# (the "ledger" check fails, as natively), but drawn all the same.
d, _ = vector("records-v2", "many-entries")
draw = f"{d}/many-entries.draw.json"
room = json.load(open(draw))["room_id"]
big = f"{tmp}/extra/big.ledger.jsonl"
n, tickets = 100000, 0
with open(big, "w") as f:
    f.write(json.dumps({"entry_count": n, "ledger_root": "00" * 32, "room_id": room, "total_tickets": 250000,
                        "type": "alot.ledger", "version": 2}, separators=(",", ":"), sort_keys=True) + "\n")
    for i in range(n):
        k = 1 + (i * 7919) % 4
        f.write(json.dumps({"entry_id": f"00000000-0000-4000-8000-{i:012d}", "tickets_end": tickets + k,
                            "tickets_start": tickets + 1, "user_id": f"00000000-0000-4000-9000-{i % 977:012d}"},
                           separators=(",", ":"), sort_keys=True) + "\n")
        tickets += k
rc, records = native(["--ledger", big, draw])
assert rc == 1 and [s for r in records for n_, s, _ in r["checks"] if n_ == "ledger"] == ["FAIL"], records
facts = ledger_facts(big, draw)
facts["tickets"] = 250000
cases.append({"name": "a 100,000-entry ledger", "verdict": "FAILED", "records": records,
              "files": {"draw": draw, "pubkey": K, "ledger": big}, "ledger": facts})

listed = subprocess.run([verify, "--list-checks", "--format", "json"], capture_output=True, text=True, check=True)
print(json.dumps({"sentences": {c["name"]: c["proves"] for c in json.loads(listed.stdout)},
                  "modules": os.path.realpath(modules), "url": f"http://127.0.0.1:{port}/index.html",
                  "shots": shots, "cases": cases}))
PY

node "$ALOT_SRC/tests/web/browser.mjs" "$tmp/plan.json" &
driver=$!
wait "$driver" || {
	echo "server log (tail):" >&2
	tail -n 20 "$tmp/serve.log" >&2
	fail "the page did not show what alot-verify reports"
}
for s in verified.png failed.png phone.png; do
	[ -s "$shots/$s" ] || fail "no screenshot $shots/$s"
done
echo "ok: the page verifies as alot-verify does; screenshots in $shots"
