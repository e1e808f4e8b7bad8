#!/usr/bin/env bash
# test_export_status.sh - "alot-draw status" puts every room, whatever its
# status, in exactly one group; "alot-draw export" writes atomically: a
# failed export (--all or --room) leaves neither partial nor temporary
# files, and exits with the right code.
set -euo pipefail

draw="$BUILD/alot-draw"
verify="$BUILD/alot-verify"
db="t_expst_$$"
tmp=$(mktemp -d)
cleanup() {
	chmod -R u+w "$tmp" 2>/dev/null || true
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
# fail, run NAME COMMAND..., expect NAME RC, has NAME out|err PATTERN
. "$ALOT_SRC/tests/verify/cli-lib.sh"
# q, id, new_db, add_rooms, operator_keys
. "$ALOT_SRC/tests/draw/lib.sh"

new_db
operator_keys

# Rooms 31..40, one for each place a room can stand.
add_rooms 31 40 '[{"amount": 2, "tickets": 2}]'
for r in 32 33 34 35 36 37 38 39; do
	"$draw" commit --room "$(id $r)" >/dev/null
done
q "UPDATE rooms SET status = 'open', opened_at = now() WHERE id IN (SELECT room_id FROM room_commitments) AND id <> '$(id 32)';
   SELECT allocate_room_entry(r.id, ('00000000-0000-4000-8000-' || lpad((1 + g % 6)::text, 12, '0'))::uuid,
                              1 + g % 4, 'cash', 1 + g % 4)
     FROM rooms r, generate_series(1, 12) AS g WHERE r.status = 'open' AND r.id <> '$(id 37)' ORDER BY r.id, g;
   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp()
    WHERE id IN ('$(id 34)', '$(id 35)', '$(id 36)', '$(id 39)');
   UPDATE rooms SET status = 'expired' WHERE id = '$(id 37)';
   UPDATE rooms SET status = 'refunding' WHERE id = '$(id 38)';
   UPDATE rooms SET status = 'drawing' WHERE id = '$(id 39)';
   UPDATE rooms SET status = NULL WHERE id = '$(id 40)';" >/dev/null
for r in 35 36; do
	"$draw" execute --room "$(id $r)" --admin "$(id 101)" >/dev/null 2>&1 || fail "room $r was not drawn"
done
# A closed room: ended without a draw, from 'open'.
q "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
   VALUES ('$(id 41)', '$(id 50)', 20, '2030-01-01', '[{\"amount\": 2, \"tickets\": 2}]')" >/dev/null
"$draw" commit --room "$(id 41)" >/dev/null
q "UPDATE rooms SET status = 'open' WHERE id = '$(id 41)'; UPDATE rooms SET status = 'closed' WHERE id = '$(id 41)'" >/dev/null

# ---- status: every room, once, in its group ---------------------------------
run status "$draw" status
expect status 0
out="$tmp/status.out"
# group_of ROOM: the title of the group the room is listed under.
group_of() { awk -v id="$(id "$1")" '/^[^ ].*\([0-9]+\):$/ { g = $0; sub(/ \([0-9]+\):$/, "", g) } $1 == id { print g }' "$out"; }
for want in "31:Waiting for a commitment" "32:Committed, not open yet" "33:Open, selling tickets" \
            "34:Ready to draw" "39:Ready to draw" "35:Drawn" "36:Drawn" "37:Ended without a draw" \
            "38:Ended without a draw" "41:Ended without a draw" "40:Other (no group above: check these rooms)"; do
	r=${want%%:*}
	[ "$(group_of "$r")" = "${want#*:}" ] || fail "status lists room $r under \"$(group_of "$r")\", not \"${want#*:}\": $(cat "$out")"
done
total=$(q "SELECT count(*) FROM rooms")
listed=$(grep -c '^  00000000-' "$out")
[ "$listed" = "$total" ] || fail "status lists $listed rooms of $total: $(cat "$out")"
for r in $(q "SELECT id FROM rooms"); do
	[ "$(grep -c "^  $r " "$out")" = 1 ] || fail "status lists room $r $(grep -c "^  $r " "$out") times"
done
sum=$(awk '/^[^ ].*\([0-9]+\):$/ { gsub(/.*\(|\):$/, ""); n += $0 } END { print n }' "$out")
[ "$sum" = "$total" ] || fail "the group counts add up to $sum, not $total"
for s in $(q "SELECT DISTINCT coalesce(status, '(none)') FROM rooms"); do
	grep -q "^  00000000-[0-9a-f-]*  $s " "$out" || fail "no room of status $s in the status output"
done
grep -q "^  $(id 39) .*draw started\|^  $(id 39) .*frozen\|^  $(id 39) .*not frozen yet" "$out" || fail "room 39's detail: $(cat "$out")"
echo "ok: status lists every room once, in its group, whatever its status"

# ---- export: atomic ---------------------------------------------------------
mkdir "$tmp/good"
run all_ok "$draw" export --all -o "$tmp/good"
expect all_ok 0
has all_ok err "exported 2 draw records"
for r in 35 36; do
	for f in draw.json freeze.json ledger.jsonl; do
		[ -s "$tmp/good/$(id $r).$f" ] || fail "export --all did not write $(id $r).$f"
	done
done
[ -z "$(find "$tmp/good" -name '.*' -o -name '*tmp*' | grep -v "^$tmp/good$")" ] || fail "export left temporary files: $(ls -A "$tmp/good")"
run verify_all "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/good/commitments.jsonl" "$tmp/good/draws.jsonl"
expect verify_all 0

# A target that is a folder, for the second room drawn: the export fails
# (exit 2) and writes nothing, not even the first room's files.
second=$(q "SELECT room_id FROM lottery_draws ORDER BY drawn_at DESC, room_id DESC LIMIT 1")
mkdir -p "$tmp/bad/$second.ledger.jsonl"
echo keep >"$tmp/bad/draws.jsonl"
run all_bad "$draw" export --all -o "$tmp/bad"
expect all_bad 2
has all_bad err "$second.ledger.jsonl"
[ "$(ls -A "$tmp/bad" | sort | tr '\n' ' ')" = "$second.ledger.jsonl draws.jsonl " ] ||
	fail "a failed export --all left files: $(ls -A "$tmp/bad")"
[ "$(cat "$tmp/bad/draws.jsonl")" = keep ] || fail "a failed export --all changed an existing file"
[ -z "$(ls -A "$tmp/bad/$second.ledger.jsonl")" ] || fail "a failed export wrote into the folder"

# A proof of an entry not in the room: exit 1, and no file of the room is written.
mkdir "$tmp/proof"
run proof_bad "$draw" export --room "$(id 35)" --proof "$(id 999)" -o "$tmp/proof"
expect proof_bad 1
has proof_bad err "entry $(id 999) is not in room $(id 35)"
[ -z "$(ls -A "$tmp/proof")" ] || fail "a failed export --room left files: $(ls -A "$tmp/proof")"

# Existing files are replaced whole (a new file renamed over the old one).
printf 'old' >"$tmp/good/$(id 35).draw.json"
ino=$(stat -c %i "$tmp/good/$(id 35).draw.json")
run room_ok "$draw" export --room "$(id 35)" -o "$tmp/good"
expect room_ok 0
cmp -s "$tmp/good/$(id 35).draw.json" <(q "SELECT record FROM lottery_draws WHERE room_id = '$(id 35)'") ||
	fail "export did not replace the old draw record"
[ "$(stat -c %i "$tmp/good/$(id 35).draw.json")" != "$ino" ] || fail "export rewrote the file in place"
[ "$(stat -c %a "$tmp/good/$(id 35).ledger.jsonl")" = "$(printf '%o' $(( 0666 & ~$(umask) )))" ] ||
	fail "export's file mode $(stat -c %a "$tmp/good/$(id 35).ledger.jsonl") ignores the umask"

# An undrawn room: its commitment only, and the note says so.
mkdir "$tmp/early"
run early "$draw" export --room "$(id 34)" -o "$tmp/early"
expect early 0
has early err "is not drawn yet: wrote its commitment record only"
[ "$(ls -A "$tmp/early")" = "$(id 34).commitment.json" ] || fail "undrawn room export: $(ls -A "$tmp/early")"
echo "ok: export writes each file whole, and a failed export leaves no file behind"

# Database text reaches the terminal escaped: a product name cannot repaint the screen.
q "UPDATE product_classes SET name = 'Rolex' || chr(27) || '[2J' || chr(13) || 'FAKE'" >/dev/null
run escaped "$draw" status
expect escaped 0
if grep -q $'\x1b' "$tmp/escaped.out" || grep -q $'\r' "$tmp/escaped.out"; then fail "status printed a raw control character"; fi
has escaped out 'Rolex\\x1b\[2J\\x0dFAKE'
echo "ok: status escapes database text"
