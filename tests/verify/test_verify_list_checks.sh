#!/usr/bin/env bash
# test_verify_list_checks.sh - alot-verify --list-checks, the one source of
# the sentences the browser verifier shows beside each check: every check
# name that alot-verify --format json reports over every vector record
# (with the companions the vector tests give) has an entry, and so has
# every check name the sources report (lib/core, verify/), and nothing
# else; the text and JSON lists agree; one line is exact; a bad --format
# is exit 2.
set -euo pipefail

verify="$BUILD/alot-verify"
V="$ALOT_SRC/vectors"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"

run text "$verify" --list-checks
expect text 0
[ ! -s "$tmp/text.err" ] || fail "--list-checks wrote to stderr: $(cat "$tmp/text.err")"
run json "$verify" --list-checks --format json
expect json 0
# Neither needs a key or a record; other options are parsed as usual.
run bad_format "$verify" --list-checks --format xml
expect bad_format 2
has bad_format err 'alot-verify: invalid value "xml" for option --format: use text or json'
[ ! -s "$tmp/bad_format.out" ] || fail "a bad --format still listed: $(cat "$tmp/bad_format.out")"

want='proof: Your entry, with your tickets, is in the ledger the draw was made over.'
[ "$(grep '^proof: ' "$tmp/text.out")" = "$want" ] || fail "the proof line is \"$(grep '^proof: ' "$tmp/text.out")\""

# The names every vector record reports, verified as the vector tests do.
runs=$(python3 - "$verify" "$V" "$tmp/reported" <<'PY'

import json, os, subprocess, sys

verify, vectors, reported = sys.argv[1:4]
names, runs = set(), 0

def run(folder, args):
    global runs
    key = os.path.join(vectors, folder, "pubkey.pem")
    out = subprocess.run([verify, "--pubkey", key, "--format", "json"] + args,
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{folder}: exit {out.returncode}: {' '.join(args)}: {out.stderr}")
    for line in out.stdout.splitlines():
        names.update(c["name"] for c in json.loads(line)["checks"])
    runs += 1

def companions(folder, case):
    d = os.path.join(vectors, folder)
    args = []
    for opt in ("commitment", "ledger", "proof"):
        if opt in case:
            args += ["--" + opt, os.path.join(d, case[opt])]
    if "entry" in case:
        args += ["--entry", case["entry"]]
    for cert in case.get("beacon_cert", []):
        args += ["--beacon-cert", os.path.join(d, cert)]
    extra = ([case["freeze"]] if "freeze" in case else []) + case.get("with", [])
    return args + [os.path.join(d, case["record"])] + [os.path.join(d, f) for f in extra]

for folder in ("records", "records-v2", "records-beacon"):
    for kind in ("valid", "invalid"):
        d = os.path.join(vectors, folder, kind)
        for case in json.load(open(os.path.join(d, "index.json"))):
            run(folder, companions(folder, case))
        # Each record file alone, too.
        for f in sorted(os.listdir(d)):
            if f.endswith(".json") and f != "index.json" and not f.endswith(".proof.json"):
                run(folder, [os.path.join(d, f)])
open(reported, "w").write("".join(n + "\n" for n in sorted(names)))
print(runs)
PY
)
n=$(wc -l <"$tmp/reported")
[ "$runs" -ge 250 ] || fail "only $runs runs over the vectors"
# format, the eleven checks of a record, five across records and files, seven of the beacon.
[ "$n" -ge 23 ] || fail "the vectors reported only $n check names: $(tr '\n' ' ' <"$tmp/reported")"

# The names the sources report: alot_report_set() and its helpers, the
# companion files' own failures, and "format".
{
	echo format
	grep -rhoE '(alot_report_set|pass|check_hash|set_mismatch)\([a-z]+, *"[a-z-]+"' \
		"$ALOT_SRC/lib/core" "$ALOT_SRC/verify" | sed -E 's/.*"([a-z-]+)"$/\1/'
	grep -rhoE 'print_companion_failure\([^"]*"[a-z-]+"' "$ALOT_SRC/verify" | sed -E 's/.*"([a-z-]+)"$/\1/'
} | sort -u >"$tmp/sources"
for name in log-consistency beacon-value log-proof; do
	grep -qx "$name" "$tmp/sources" || fail "the grep of the sources misses $name: $(tr '\n' ' ' <"$tmp/sources")"
done

sed 's/: .*//' "$tmp/text.out" >"$tmp/listed"
[ "$(sort "$tmp/listed" | uniq -d)" = "" ] || fail "listed twice: $(sort "$tmp/listed" | uniq -d)"
gone=$(sort "$tmp/listed" | comm -23 "$tmp/reported" -)
[ -z "$gone" ] || fail "reported over the vectors but not listed: $(echo "$gone" | tr '\n' ' ')"
[ "$(sort "$tmp/listed")" = "$(cat "$tmp/sources")" ] ||
	fail "the list and the sources' check names differ: $(sort "$tmp/listed" | diff - "$tmp/sources" | grep '^[<>]' | tr '\n' ' ')"
! grep -qvE '^[a-z-]+: [A-Z].*\.$' "$tmp/text.out" || fail "a line is not \"name: Sentence.\": $(grep -vE '^[a-z-]+: [A-Z].*\.$' "$tmp/text.out")"
echo "ok: $(wc -l <"$tmp/listed") checks listed: the $n names $runs runs over the vectors report, and every name in the sources"

# The JSON list: one line, one array, the same names and sentences in the same order.
[ "$(wc -l <"$tmp/json.out")" = 1 ] || fail "the JSON list is not one line"
python3 - "$tmp/json.out" "$tmp/text.out" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
assert isinstance(items, list) and all(sorted(i) == ["name", "proves"] for i in items), items[:2]
assert [f"{i['name']}: {i['proves']}" for i in items] == lines, "the JSON and text lists differ"
PY
echo "ok: the JSON list is the text list"
