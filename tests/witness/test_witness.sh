#!/usr/bin/env bash
# test_witness.sh - alot-witness against requests made by an independent
# implementation (tests/witness/mklog.py over tests/lib/tlogfix.py, signing
# with openssl): every answer of tlog-witness add-checkpoint with its exact
# status line and exit code, the cosignature checked by openssl, the state
# after each step, concurrent requests, crashes between the steps of an
# update (the hooks build), the state folder's mode, vkey, status and the
# command line.  No database.
set -euo pipefail

witness="$BUILD/alot-witness"
hooks="$BUILD/test-bin/alot-witness-hooks"
mklog="$ALOT_SRC/tests/witness/mklog.py"
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
# fail, run NAME COMMAND..., expect NAME RC, has NAME out|err PATTERN
. "$ALOT_SRC/tests/verify/cli-lib.sh"

origin=example.com/log
name=witness.example/w1
state="$tmp/state"

mk() { python3 "$mklog" "$@"; }
req() { # FILE SIZE OLD [mklog options]: a request for the log $origin
	local file=$1
	shift
	mk request "$tmp/log.pem" "$origin" "$@" >"$tmp/$file"
}
add_with() { # BINARY NAME REQUEST [STATE]: run add-checkpoint on a request file
	local bin=$1 n=$2 r=$3 dir=${4:-$state}
	set +e
	"$bin" add-checkpoint --state "$dir" --key "$tmp/w.key" --name "$name" \
		--log "$tmp/log.vkey" --log "$tmp/log2.vkey" <"$tmp/$r" >"$tmp/$n.out" 2>"$tmp/$n.err"
	echo $? >"$tmp/$n.rc"
	set -e
}
add() { add_with "$witness" "$@"; }
out_is() { # NAME EXPECTED: stdout is exactly EXPECTED (lines given with \n)
	local want
	want=$(printf "$2")
	[ "$(cat "$tmp/$1.out")" = "$want" ] || fail "$1: stdout is \"$(cat "$tmp/$1.out")\", expected \"$want\""
}
refused() { # NAME STATUS-LINE [BODY]: exit 1, the status line (and body), one diagnostic line
	expect "$1" 1
	out_is "$1" "$2${3:+\\n$3}"
	[ "$(wc -l <"$tmp/$1.err")" -eq 1 ] || fail "$1: expected one diagnostic line: $(cat "$tmp/$1.err")"
	has "$1" err "^alot-witness: "
}
cosigned() { # NAME REQUEST: exit 0, one cosignature line that verifies over REQUEST's checkpoint, time now
	local ts now
	expect "$1" 0
	[ "$(wc -l <"$tmp/$1.out")" -eq 1 ] || fail "$1: expected one line: $(cat "$tmp/$1.out")"
	has "$1" out "^— $name [A-Za-z0-9+/]*=*\$"
	ts=$(mk cosig "$tmp/w.pub" "$name" "$tmp/$2" "$tmp/$1.out") || fail "$1: the cosignature does not verify"
	now=$(date +%s)
	[ "$ts" -le "$now" ] && [ "$ts" -ge $((now - 600)) ] || fail "$1: timestamp $ts is not now ($now)"
}
stored_size() { # the size status shows for $origin
	"$witness" status --state "${1:-$state}" | awk -F '\t' -v o="$origin" '$1 == o { print $2 }'
}

# Keys: the witness's by alot-witness keygen, the logs' by openssl.
run keygen "$witness" keygen --secret "$tmp/w.key" --public "$tmp/w.pub"
expect keygen 0
[ "$(stat -c %a "$tmp/w.key")" = 600 ] || fail "keygen: secret key mode is $(stat -c %a "$tmp/w.key")"
for k in log log2 evil; do
	openssl genpkey -algorithm ed25519 -out "$tmp/$k.pem" 2>/dev/null
	chmod 600 "$tmp/$k.pem"
done
mk vkey "$tmp/log.pem" "$origin" >"$tmp/log.vkey"
mk vkey "$tmp/log2.pem" other.example/log >"$tmp/log2.vkey"

# ---- vkey -------------------------------------------------------------
run vkey "$witness" vkey --key "$tmp/w.key" --name "$name"
expect vkey 0
want=$(python3 -c "
import sys; sys.path.insert(0, '$ALOT_SRC/tests/lib'); import tlogfix as t
print(t.vkey('$name', 4, t.raw_pubkey('$tmp/w.pub')))")
out_is vkey "$want"
python3 -c "import base64, sys; sys.exit(base64.b64decode(sys.argv[1].split('+', 2)[2])[0] != 4)" "$want" || fail "vkey: $want is not alg 0x04"

# ---- the first checkpoint, growth, re-submission ----------------------
req r5 5 0 --ext "extension line"
add first r5
cosigned first r5
[ "$(stored_size)" = 5 ] || fail "first: stored size $(stored_size)"
cmp -s <(tail -n +3 "$tmp/r5") "$state/$(printf %s "$origin" | sha256sum | cut -c1-64).checkpoint" ||
	fail "first: the state file is not the checkpoint as received"
[ "$(stat -c %a "$state")" = 700 ] || fail "first: state folder mode $(stat -c %a "$state")"

req r9 9 5
add grow r9
cosigned grow r9
[ "$(stored_size)" = 9 ] || fail "grow: stored size $(stored_size)"

add again r9                      # "old 9" is wrong now: 409 with the size
refused again "409 Conflict" 9
has again err "old size 5 is not 9"
req r9same 9 9
add same r9same                   # the checkpoint cosigned last, asked again: the very same cosignature
cosigned same r9same
cmp -s "$tmp/grow.out" "$tmp/same.out" ||
	fail "same: asked again, the witness cosigned anew: $(cat "$tmp/same.out"), first $(cat "$tmp/grow.out")"
sleep 1.1                         # a new cosignature would carry a later second
add same2 r9same
cmp -s "$tmp/grow.out" "$tmp/same2.out" || fail "same2: a second later, another cosignature: $(cat "$tmp/same2.out")"
stem0=$(printf %s "$origin" | sha256sum | cut -c1-64)
cmp -s "$tmp/grow.out" "$state/$stem0.cosignature" || fail "same: the stored cosignature is not the one answered"
# The same tree under another text (an extension line): one checkpoint per
# size, so no second, later cosignature of that tree (docs/witness.md).
req r9ext 9 9 --ext "reroll-1"
add other_text r9ext
refused other_text "422 Unprocessable Entity"
has other_text err "another checkpoint of \"$origin\" at size 9 was cosigned already"
cmp -s "$tmp/grow.out" "$state/$stem0.cosignature" || fail "other_text: the stored cosignature changed"

# ---- refusals -----------------------------------------------------------
req fork 9 9 --seed b             # another root at the same size: a fork
add fork fork
refused fork "422 Unprocessable Entity"
req rollback 5 9                  # smaller than the stored tree, old > size
add rollback rollback
refused rollback "400 Bad Request"
req rollback2 5 5                 # smaller, old = its size: old is not what was cosigned
add rollback2 rollback2
refused rollback2 "409 Conflict" 9
req badproof 14 9 --flip 0
add badproof badproof
refused badproof "422 Unprocessable Entity"
req noproof 14 9 --no-proof
add noproof noproof
refused noproof "422 Unprocessable Entity"
req longproof 14 9 --extra-proof
add longproof longproof
refused longproof "422 Unprocessable Entity"
req forkproof 14 9 --old-seed b   # a valid proof, but from another tree of size 9
add forkproof forkproof
refused forkproof "422 Unprocessable Entity"
req mismatch 14 7                 # old 7 with a proof from 7: not the stored 9
add mismatch mismatch
refused mismatch "409 Conflict" 9
mk request "$tmp/log.pem" unknown.example/log 3 0 >"$tmp/unknown"
add unknown unknown
refused unknown "404 Not Found"
mk request "$tmp/evil.pem" "$origin" 14 9 >"$tmp/wrongkey"   # same name, another key: ignored
add wrongkey wrongkey
refused wrongkey "403 Forbidden"
req badsig 14 9 --bad-sig         # the trusted key's signature does not verify
add badsig badsig
refused badsig "403 Forbidden"
mk request "$tmp/log.pem" other.example/log 3 0 --sign-name "$origin" >"$tmp/crosslog"
add crosslog crosslog             # signed by the wrong log's key for that origin
refused crosslog "403 Forbidden"
[ "$(stored_size)" = 9 ] || fail "refusals changed the state: size $(stored_size)"

# Malformed requests: 400.
malformed() { # NAME BODY
	printf '%b' "$2" >"$tmp/$1"
	add "$1" "$1"
	refused "$1" "400 Bad Request"
}
note=$(tail -n +3 "$tmp/r9same")
malformed mal-zero "old 09\n\n$note\n"
malformed mal-sign "old -1\n\n$note\n"
malformed mal-word "new 9\n\n$note\n"
malformed mal-space "old  9\n\n$note\n"
malformed mal-huge "old 99999999999999999999\n\n$note\n"
malformed mal-noblank "old 9\n$note\n"
malformed mal-hash "old 9\nAAAA\n\n$note\n"
malformed mal-empty ""
malformed mal-note "old 9\n\nexample.com/log\n9\n"
malformed mal-cp "old 9\n\nnot a checkpoint\n\n$(sed -n '$p' "$tmp/r9same")\n"
req mal-63 14 9 --proof-lines 64
add mal-63 mal-63
refused mal-63 "400 Bad Request"
has mal-63 err "more than 63"
head -c 80000 /dev/zero | tr '\0' 'x' >"$tmp/mal-big"
add mal-big mal-big
refused mal-big "400 Bad Request"

# Size 0 and old 0 rules, on a fresh state.
fresh="$tmp/fresh"
empty=$(python3 -c "import base64, hashlib; print(base64.b64encode(hashlib.sha256(b'').digest()).decode())")
req zero-bad 0 0 --root-b64 "$(mk root 3)"
add_with "$witness" zero-bad zero-bad "$fresh"
refused zero-bad "422 Unprocessable Entity"
req zero-proof 6 0 --proof-from 3
add_with "$witness" zero-proof zero-proof "$fresh"
refused zero-proof "422 Unprocessable Entity"
req zero 0 0 --root-b64 "$empty"
add_with "$witness" zero zero "$fresh"
cosigned zero zero
req after-zero 6 0
add_with "$witness" after-zero after-zero "$fresh"
cosigned after-zero after-zero
[ "$(stored_size "$fresh")" = 6 ] || fail "after-zero: stored size $(stored_size "$fresh")"

# ---- status -------------------------------------------------------------
mk request "$tmp/log2.pem" other.example/log 3 0 >"$tmp/other"
add other other
cosigned other other
: >"$state/$(printf %s other.example/log | sha256sum | cut -c1-64).checkpoint.tmp"   # ignored
run status "$witness" status --state "$state"
expect status 0
out_is status "$origin\t9\t$(mk root 9)\nother.example/log\t3\t$(mk root 3)"
run status-none "$witness" status --state "$tmp/none"
expect status-none 2
has status-none err "could not open state folder"

# ---- concurrency: requests from the same old size, exactly one wins ----
# Three rounds of eight: without the lock, some round lets two through.
base=9
for round in 1 2 3; do
	for i in 1 2 3 4 5 6 7 8; do req "par$i" $((base + i)) "$base"; done
	for i in 1 2 3 4 5 6 7 8; do add "par$i" "par$i" & done
	wait
	wins=0
	for i in 1 2 3 4 5 6 7 8; do
		if [ "$(cat "$tmp/par$i.rc")" = 0 ]; then
			wins=$((wins + 1))
			winner=$((base + i))
			cosigned "par$i" "par$i"
		fi
	done
	[ "$wins" = 1 ] || fail "concurrency round $round: $wins requests from old size $base were cosigned"
	[ "$(stored_size)" = "$winner" ] || fail "concurrency: stored $(stored_size), winner $winner"
	for i in 1 2 3 4 5 6 7 8; do   # every other one lost: 409 with the winner's size
		[ "$(cat "$tmp/par$i.rc")" = 0 ] || refused "par$i" "409 Conflict" "$winner"
	done
	base=$winner
done

# ---- crashes between the steps of an update (hooks build) ---------------
[ -x "$hooks" ] || fail "no $hooks: build it with make (witness/build.mk)"
if grep -a -q -e ALOT_WITNESS_CRASH_AT -e after-temp -e after-rename -e after-cosignature "$witness"; then
	fail "the release binary contains the test hooks"
fi
grep -a -q ALOT_WITNESS_CRASH_AT "$hooks" || fail "the hooks binary has no hooks"
stem=$(printf %s "$origin" | sha256sum | cut -c1-64)
[ "$base" -lt 30 ] || fail "concurrency: grew to $base, the crash tests need less than 30"
req crash1 30 "$base"
ALOT_WITNESS_CRASH_AT=after-temp add_with "$hooks" crash-temp crash1
expect crash-temp 99
[ ! -s "$tmp/crash-temp.out" ] || fail "crash-temp: printed $(cat "$tmp/crash-temp.out")"
[ -f "$state/$stem.checkpoint.tmp" ] || fail "crash-temp: no temporary file left to recover from"
[ "$(stored_size)" = "$base" ] || fail "crash-temp: stored size $(stored_size), expected $base"
req crash1b 30 "$base" --seed b --old-seed a   # another tree of size 30 extending $base
add crash-temp-other crash1b                   # nothing was cosigned at 30: accepted
cosigned crash-temp-other crash1b
[ ! -e "$state/$stem.checkpoint.tmp" ] || fail "crash-temp: the stale temporary file was not removed"
[ "$(stored_size)" = 30 ] || fail "crash-temp: stored size $(stored_size) after recovery"

# Grow the stored tree (crash1b's) to 40.
python3 - "$tmp/log.pem" "$origin" "$base" >"$tmp/crash2" <<'EOF'
import os, sys
sys.path.insert(0, os.path.join(os.environ["ALOT_SRC"], "tests/lib"))
import tlogfix as t
key, origin, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
# The stored tree: entries a:0..base-1, then b:base..29 (crash1b); grow it to 40 with b.
leaves = [t.leaf_hash(b"a:%d" % i) for i in range(base)]
leaves += [t.leaf_hash(b"b:%d" % i) for i in range(base, 40)]
text = t.checkpoint_text(origin, 40, t.tree_hash(leaves))
proof = t.consistency_proof(30, leaves)
body = "old 30\n" + "".join(t.b64(h) + "\n" for h in proof) + "\n"
sys.stdout.write(body + t.signed_note(text, [t.sign_line(text, origin, key)]))
EOF
ALOT_WITNESS_CRASH_AT=after-rename add_with "$hooks" crash-rename crash2
expect crash-rename 99
[ ! -s "$tmp/crash-rename.out" ] || fail "crash-rename: printed $(cat "$tmp/crash-rename.out")"
[ "$(stored_size)" = 40 ] || fail "crash-rename: stored size $(stored_size), expected 40"
cmp -s <(sed '1,/^$/d' "$tmp/crash2") "$state/$stem.checkpoint" ||
	fail "crash-rename: the state is not the new checkpoint"
req crash2-fork 40 40 --seed d           # another checkpoint of the crashed size: refused
add crash2-fork crash2-fork
refused crash2-fork "422 Unprocessable Entity"
add crash2-old crash2                    # the crashed request again, from 30: 409 with 40
refused crash2-old "409 Conflict" 40
{ echo "old 40"; echo; sed '1,/^$/d' "$tmp/crash2"; } >"$tmp/crash2-same"
add crash2-same crash2-same              # the same checkpoint, from 40: cosigned
cosigned crash2-same crash2-same
[ "$(stored_size)" = 40 ] || fail "crash recovery: stored size $(stored_size)"
add crash2-same-again crash2-same        # and from then on always that cosignature
cmp -s "$tmp/crash2-same.out" "$tmp/crash2-same-again.out" || fail "crash2-same-again: another cosignature"

# A crash after the cosignature is stored, before it is answered: asked
# again, the witness answers the stored one (which nobody saw yet).
python3 - "$tmp/log.pem" "$origin" "$base" >"$tmp/crash3" <<'EOF2'
import os, sys
sys.path.insert(0, os.path.join(os.environ["ALOT_SRC"], "tests/lib"))
import tlogfix as t
key, origin, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
leaves = [t.leaf_hash(b"a:%d" % i) for i in range(base)]
leaves += [t.leaf_hash(b"b:%d" % i) for i in range(base, 50)]
text = t.checkpoint_text(origin, 50, t.tree_hash(leaves))
proof = t.consistency_proof(40, leaves)
body = "old 40\n" + "".join(t.b64(h) + "\n" for h in proof) + "\n"
sys.stdout.write(body + t.signed_note(text, [t.sign_line(text, origin, key)]))
EOF2
ALOT_WITNESS_CRASH_AT=after-cosignature add_with "$hooks" crash-cosig crash3
expect crash-cosig 99
[ ! -s "$tmp/crash-cosig.out" ] || fail "crash-cosig: printed $(cat "$tmp/crash-cosig.out")"
[ "$(stored_size)" = 50 ] || fail "crash-cosig: stored size $(stored_size), expected 50"
cp "$state/$stem.cosignature" "$tmp/crash3.stored"
{ echo "old 50"; echo; sed '1,/^$/d' "$tmp/crash3"; } >"$tmp/crash3-same"
add crash3-same crash3-same
cosigned crash3-same crash3-same
cmp -s "$tmp/crash3.stored" "$tmp/crash3-same.out" || fail "crash3-same: not the cosignature stored before the crash"

# ---- configuration the witness refuses to run with: exit 2 --------------
chmod 770 "$state"
add loose r9same
expect loose 2
has loose err "state folder .* is writable by its group or others (mode 0770)"
[ ! -s "$tmp/loose.out" ] || fail "loose: printed $(cat "$tmp/loose.out")"
chmod 700 "$state"
cp "$tmp/w.key" "$tmp/w-loose.key"
chmod 640 "$tmp/w-loose.key"
could_not_run loose-key "accessible by its group or others" \
	"$witness" add-checkpoint --state "$state" --key "$tmp/w-loose.key" --name "$name" --log "$tmp/log.vkey"
"$witness" vkey --key "$tmp/w.key" --name "$name" >"$tmp/w.vkey"
could_not_run cosig-as-log "not a log's Ed25519 key" \
	"$witness" add-checkpoint --state "$state" --key "$tmp/w.key" --name "$name" --log "$tmp/w.vkey"
could_not_run bad-name "" \
	"$witness" add-checkpoint --state "$state" --key "$tmp/w.key" --name "bad name" --log "$tmp/log.vkey"

# ---- the command line ---------------------------------------------------
run help "$witness" --help
expect help 0
has help out "^Usage:"
run help-add "$witness" add-checkpoint --help
expect help-add 0
has help-add out "add-checkpoint --state DIR --key FILE --name NAME --log VKEYFILE"
run version "$witness" --version
expect version 0
out_is version "alot-witness (ALOT!) $(sed -n 's/^VERSION *:= *//p' "$ALOT_SRC/Makefile")"
could_not_run bad-option "Try \"alot-witness --help\"" "$witness" add-checkpoint --frobnicate
could_not_run no-command "no command given" "$witness"
could_not_run bad-command "unknown command \"cosign\"" "$witness" cosign
could_not_run missing "give --state, --key, --name and at least one --log" \
	"$witness" add-checkpoint --state "$state" --key "$tmp/w.key"
could_not_run vkey-missing "give --key and --name" "$witness" vkey --key "$tmp/w.key"
run keygen-again "$witness" keygen --secret "$tmp/w.key" --public "$tmp/w2.pub"
expect keygen-again 2

echo "test_witness: ok"
