#!/usr/bin/env bash
# test_draw.sh - alot-draw against a real PostgreSQL: keys, commit, execute
# (refusals, concurrency, a kill -9 inside the transaction, gaps and
# overlaps), export, the seed's secrecy, and the least-privilege role.
set -euo pipefail

draw="$BUILD/alot-draw"
verify="$BUILD/alot-verify"
db="t_draw_$$"
tmp=$(mktemp -d)
role="t_draw_role_$$"
cleanup() {
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
id() { printf '00000000-0000-4000-8000-%012d' "$1"; }

# run NAME CMD...: run a command, keep its exit code, stdout and stderr.
run() {
	local name=$1
	shift
	set +e
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	set -e
}
rc() { cat "$tmp/$1.rc"; }
expect_rc() { [ "$(rc "$1")" = "$2" ] || fail "$1: exit $(rc "$1"), expected $2; stderr: $(cat "$tmp/$1.err")"; }
expect_err() { grep -q -- "$2" "$tmp/$1.err" || fail "$1: stderr lacks \"$2\": $(cat "$tmp/$1.err")"; }

createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
export PGDATABASE="$db"
# Fixture: buyers, three admins, a product, and rooms 11..16 still 'created'.
q "INSERT INTO users (id, email, hashed_password)
   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'u' || i || '@example.com', 'x'
     FROM generate_series(1, 9) AS i;
   INSERT INTO admin_users (id, user_id, role, permissions, active) VALUES
     ('$(id 101)', '$(id 7)', 'admin', '{\"can_execute_draws\": true}', true),
     ('$(id 102)', '$(id 8)', 'moderator', '{\"can_execute_draws\": false}', true),
     ('$(id 103)', '$(id 9)', 'admin', '{\"can_execute_draws\": true}', false);
   INSERT INTO product_classes (id, name, category, tier, retail_value, images)
   VALUES ('$(id 50)', 'Speedmaster', 'watch', 'RARE', 7600, '[]');
   INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$(id 50)', 20, '2030-01-01', '[]'
     FROM generate_series(11, 16) AS i;"
ADMIN=$(id 101)

# ---- keygen ------------------------------------------------------------
run keygen "$draw" keygen --signing-key "$tmp/sign.pem" --public-key "$tmp/pub.pem"
expect_rc keygen 0
[ "$(stat -c %a "$tmp/sign.pem")" = 600 ] || fail "signing key mode $(stat -c %a "$tmp/sign.pem")"
[ "$(stat -c %a "$tmp/pub.pem")" = 644 ] || fail "public key mode"
sum=$(sha256sum "$tmp/sign.pem")
run keygen2 "$draw" keygen --signing-key "$tmp/sign.pem" --public-key "$tmp/other.pem"
expect_rc keygen2 1
expect_err keygen2 "already exists: refusing to overwrite a key"
[ "$(sha256sum "$tmp/sign.pem")" = "$sum" ] && [ ! -e "$tmp/other.pem" ] || fail "keygen touched files when refusing"
run seal "$draw" keygen --seal-key "$tmp/seal.key"
expect_rc seal 0
[ "$(stat -c %a "$tmp/seal.key")" = 600 ] || fail "seal key mode"
run seal2 "$draw" keygen --seal-key "$tmp/seal.key"
expect_rc seal2 1
export ALOT_SIGNING_KEY="$tmp/sign.pem" ALOT_SEAL_KEY="$tmp/seal.key"
echo "ok: keygen writes 0600 keys and never overwrites"

# ---- commit ------------------------------------------------------------
# A seal key others can read is refused, and nothing is written.
cp "$tmp/seal.key" "$tmp/open.key"
chmod 0644 "$tmp/open.key"
run open_key "$draw" commit --room "$(id 11)" --seal-key "$tmp/open.key"
expect_rc open_key 1
expect_err open_key "is accessible by its group or others"
[ "$(q "SELECT count(*) FROM room_commitments")" = 0 ] || fail "a commitment was written with a refused key"

# A room cannot open without a commitment.
if q "UPDATE rooms SET status = 'open' WHERE id = '$(id 11)'" 2>"$tmp/open.err"; then fail "room opened uncommitted"; fi
grep -q "its server seed is not committed" "$tmp/open.err" || fail "no clear error opening an uncommitted room"

for r in 11 12 13 14 15 16; do
	run "commit$r" "$draw" commit --room "$(id $r)"
	expect_rc "commit$r" 0
	cp "$tmp/commit$r.out" "$tmp/commitments-$r.jsonl"
done
run verify_commit "$verify" --pubkey "$tmp/pub.pem" "$tmp/commit11.out"
expect_rc verify_commit 0
run recommit "$draw" commit --room "$(id 11)"
expect_rc recommit 1
expect_err recommit "room $(id 11) already has a commitment"
[ "$(q "SELECT count(*) FROM room_commitments")" = 6 ] || fail "commitments"
if q "UPDATE room_commitments SET commitment = repeat('0', 64)" 2>/dev/null; then fail "a commitment changed"; fi
echo "ok: commit seals the seed, prints a verifiable record, and refuses twice"

# Open the rooms and sell tickets: 12 buyers' entries in each.
q "UPDATE rooms SET status = 'open', opened_at = now() WHERE id <> '$(id 16)';
   SELECT allocate_room_entry(r.id, ('00000000-0000-4000-8000-' || lpad((1 + g % 6)::text, 12, '0'))::uuid,
                              1 + g % 4, 'cash', 1 + g % 4)
     FROM rooms r, generate_series(1, 12) AS g WHERE r.status = 'open' ORDER BY r.id, g;" >/dev/null

# ---- refusals ------------------------------------------------------------
run not_funded "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc not_funded 1
expect_err not_funded "room $(id 11) is open, not funded: it cannot be drawn"
q "UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE status = 'open'" >/dev/null
for admin in 102:"lacks the can_execute_draws permission" 103:"is not active" 104:"no such admin user"; do
	n=${admin%%:*}
	run "admin$n" "$draw" execute --room "$(id 11)" --admin "$(id "$n")"
	expect_rc "admin$n" 1
	expect_err "admin$n" "${admin#*:}"
done
[ "$(q "SELECT count(*) FROM audit_logs WHERE action = 'draw_refused' AND entity_id = '$(id 11)'")" = 3 ] ||
	fail "refusals were not audited"
[ "$(q "SELECT count(*) FROM audit_logs WHERE action = 'draw_refused' AND admin_user_id = '$(id 102)'
        AND details->>'reason' LIKE '%can_execute_draws%'")" = 1 ] || fail "refusal audit lacks the admin or reason"
[ "$(q "SELECT count(*) FROM lottery_draws")" = 0 ] || fail "a refused draw wrote a draw"
echo "ok: wrong admin, missing permission, inactive admin: refused and audited"

# ---- the seed stays secret until the draw --------------------------------
run status "$draw" status
expect_rc status 0
grep -q "Ready to draw (5)" "$tmp/status.out" || fail "status: $(cat "$tmp/status.out")"
run export_early "$draw" export --room "$(id 11)" -o "$tmp"
expect_rc export_early 0
pg_dump --no-owner "$db" >"$tmp/before-draw.sql"
cat "$tmp"/*.out "$tmp"/*.err "$tmp/$(id 11).commitment.json" >"$tmp/before-draw.log"
cp "$ALOT_TEST_PGDATA/../server.log" "$tmp/server-before.log" 2>/dev/null || true

# ---- execute -------------------------------------------------------------
run draw11 "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc draw11 0
seed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['server_seed'])" "$tmp/draw11.out")
for f in "$tmp/before-draw.sql" "$tmp/before-draw.log" "$tmp/server-before.log"; do
	[ -f "$f" ] || continue
	if grep -qi "$seed" "$f"; then fail "the server seed appears in $(basename "$f") before the draw"; fi
	python3 - "$f" "$seed" <<-'PY' || fail "the raw server seed appears in $(basename "$f")"
	import sys
	data = open(sys.argv[1], 'rb').read()
	sys.exit(1 if bytes.fromhex(sys.argv[2]) in data else 0)
	PY
done
grep -q "seed_ciphertext" "$tmp/before-draw.sql" || fail "the dump has no sealed seed column"
echo "ok: no server seed in plaintext in a dump, the logs or any output before the draw"

run verify11 "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/commitments-11.jsonl" "$tmp/draw11.out"
expect_rc verify11 0
w=$(q "SELECT winner_entry_id || '|' || winner_user_id || '|' || winning_ticket FROM lottery_draws WHERE room_id = '$(id 11)'")
[ "$(q "SELECT status || '|' || (drawn_at IS NOT NULL) || '|' || (settled_at IS NOT NULL) FROM rooms WHERE id = '$(id 11)'")" = "settled|true|true" ] ||
	fail "room not settled"
[ "$(q "SELECT count(*) FROM room_entries WHERE room_id = '$(id 11)' AND is_winner")" = 1 ] || fail "winners"
[ "$(q "SELECT id FROM room_entries WHERE room_id = '$(id 11)' AND is_winner")" = "${w%%|*}" ] || fail "winning entry"
[ "$(q "SELECT count(*) FILTER (WHERE status = 'revealed_won') || '/' || count(*) FILTER (WHERE status = 'revealed_lost') || '/' || count(*)
        FROM reveals WHERE room_id = '$(id 11)'")" = "1/5/6" ] || fail "reveals"
[ "$(q "SELECT user_id FROM reveals WHERE room_id = '$(id 11)' AND status = 'revealed_won'")" = "$(echo "$w" | cut -d'|' -f2)" ] ||
	fail "the winner's reveal"
[ "$(q "SELECT total_won FROM users WHERE id = '$(echo "$w" | cut -d'|' -f2)'")" = 1 ] || fail "total_won"
[ "$(q "SELECT count(*) FROM audit_logs WHERE action = 'draw_executed' AND entity_id = '$(id 11)'
        AND admin_user_id = '$ADMIN' AND (details->>'winning_ticket')::int = $(echo "$w" | cut -d'|' -f3)")" = 1 ] ||
	fail "the draw was not audited"
run draw11_again "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc draw11_again 0
cmp -s "$tmp/draw11.out" "$tmp/draw11_again.out" || fail "a second run printed another record"
expect_err draw11_again "was already drawn"
[ "$(q "SELECT count(*) FROM lottery_draws")" = 1 ] || fail "a second run drew again"
echo "ok: execute settles the room, marks the winner, reveals, stats and audit; twice gives one draw"

# ---- two at the same moment ----------------------------------------------
"$draw" execute --room "$(id 12)" --admin "$ADMIN" >"$tmp/c1.out" 2>"$tmp/c1.err" &
p1=$!
"$draw" execute --room "$(id 12)" --admin "$ADMIN" >"$tmp/c2.out" 2>"$tmp/c2.err" &
p2=$!
wait $p1 || fail "concurrent run 1 failed: $(cat "$tmp/c1.err")"
wait $p2 || fail "concurrent run 2 failed: $(cat "$tmp/c2.err")"
cmp -s "$tmp/c1.out" "$tmp/c2.out" || fail "two concurrent runs printed different records"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$(id 12)'")" = 1 ] || fail "two draws for one room"
echo "ok: two processes at once: exactly one draw, the same record"

# ---- kill -9 inside the transaction ----------------------------------------
state() {
	q "SELECT (SELECT count(*) FROM lottery_draws WHERE room_id = '$(id 13)') || '/' ||
	          (SELECT count(*) FROM room_entries WHERE room_id = '$(id 13)' AND is_winner) || '/' ||
	          (SELECT count(*) FROM reveals WHERE room_id = '$(id 13)') || '/' ||
	          (SELECT status FROM rooms WHERE id = '$(id 13)') || '/' ||
	          (SELECT sum(total_won) FROM users) || '/' ||
	          (SELECT count(*) FROM audit_logs WHERE entity_id = '$(id 13)')"
}
before=$(state)
ALOT_DRAW_PAUSE_BEFORE_COMMIT="$tmp/paused" "$draw" execute --room "$(id 13)" --admin "$ADMIN" \
	>"$tmp/killed.out" 2>"$tmp/killed.err" &
victim=$!
for _ in $(seq 300); do [ -e "$tmp/paused" ] && break; sleep 0.1; done
[ -e "$tmp/paused" ] || fail "the draw never reached its pause"
kill -9 $victim
wait $victim 2>/dev/null || true
[ ! -s "$tmp/killed.out" ] || fail "a killed draw printed a record"
[ "$(state)" = "$before" ] || fail "a killed draw left state: $before -> $(state)"
run after_kill "$draw" execute --room "$(id 13)" --admin "$ADMIN"
expect_rc after_kill 0
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$(id 13)'")" = 1 ] || fail "no draw after the kill"
echo "ok: kill -9 inside the transaction leaves nothing; a later execute succeeds"

# ---- gaps and overlaps are refused, naming the entries ----------------------
q "ALTER TABLE room_entries DISABLE TRIGGER trg_check_room_entry_range;
   ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
   DELETE FROM room_entries WHERE room_id IN ('$(id 14)', '$(id 15)');
   INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid) VALUES
     ('$(id 901)', '$(id 14)', '$(id 1)', 1, 5, 5, 'cash', 5), ('$(id 902)', '$(id 14)', '$(id 2)', 7, 30, 24, 'cash', 24),
     ('$(id 903)', '$(id 15)', '$(id 1)', 1, 5, 5, 'cash', 5), ('$(id 904)', '$(id 15)', '$(id 2)', 4, 30, 27, 'cash', 27);" >/dev/null
run gap "$draw" execute --room "$(id 14)" --admin "$ADMIN"
expect_rc gap 1
expect_err gap "tickets 6-6 are in no entry: gap before entry $(id 902)"
expect_err gap "the previous entry $(id 901) ends at ticket 5"
run overlap "$draw" execute --room "$(id 15)" --admin "$ADMIN"
expect_rc overlap 1
expect_err overlap "entry $(id 904) (tickets 4-30) overlaps entry $(id 903), which ends at ticket 5"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id IN ('$(id 14)', '$(id 15)')")" = 0 ] || fail "a bad ledger was drawn"
echo "ok: gaps and overlaps refused, naming the entry ids"

# ---- export --------------------------------------------------------------
mkdir "$tmp/pub"
entry=$(q "SELECT id FROM room_entries WHERE room_id = '$(id 11)' ORDER BY tickets_start OFFSET 4 LIMIT 1")
run export "$draw" export --room "$(id 11)" --proof "$entry" -o "$tmp/pub"
expect_rc export 0
for f in commitment.json draw.json ledger.jsonl "proof-$entry.json"; do
	[ -s "$tmp/pub/$(id 11).$f" ] || fail "export did not write $f"
done
run verify_all "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/pub/$(id 11).commitment.json" \
	--ledger "$tmp/pub/$(id 11).ledger.jsonl" --proof "$tmp/pub/$(id 11).proof-$entry.json" --entry "$entry" \
	"$tmp/pub/$(id 11).draw.json"
expect_rc verify_all 0
[ "$(grep -c PASS "$tmp/verify_all.out")" = 13 ] || fail "not every check passed: $(cat "$tmp/verify_all.out")"
[ "$(wc -l <"$tmp/pub/$(id 11).ledger.jsonl")" = 13 ] || fail "ledger lines"
run export_other "$draw" export --room "$(id 11)" --proof "$(id 903)" -o "$tmp/pub"
expect_rc export_other 1
expect_err export_other "entry $(id 903) is not in room $(id 11)"
run export_all "$draw" export --all -o "$tmp/pub"
expect_rc export_all 0
[ "$(wc -l <"$tmp/pub/draws.jsonl")" = 3 ] || fail "draws.jsonl lines: $(wc -l <"$tmp/pub/draws.jsonl")"
run verify_bundle "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/pub/commitments.jsonl" "$tmp/pub/draws.jsonl"
expect_rc verify_bundle 0
grep -q "3 of 3 records verified" "$tmp/verify_bundle.out" || fail "bundle: $(cat "$tmp/verify_bundle.out")"
mkdir "$tmp/later"
run export_since "$draw" export --all --since 2999-01-01 -o "$tmp/later"
expect_rc export_since 0
[ ! -s "$tmp/later/draws.jsonl" ] || fail "--since did not filter"
echo "ok: export writes records, ledgers and proofs that verify"

# ---- the draw role suffices --------------------------------------------------
q "CREATE ROLE $role LOGIN IN ROLE alot_draw" >/dev/null
run as_role env PGUSER="$role" "$draw" execute --room "$(id 16)" --admin "$ADMIN"
expect_rc as_role 1
expect_err as_role "room $(id 16) is created, not funded"
q "UPDATE rooms SET status = 'open' WHERE id = '$(id 16)';
   SELECT allocate_room_entry('$(id 16)', '$(id 3)', 4, 'trivia');
   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id = '$(id 16)';" >/dev/null
run as_role2 env PGUSER="$role" "$draw" execute --room "$(id 16)" --admin "$ADMIN"
expect_rc as_role2 0
echo "ok: the alot_draw role is enough to draw"

# ---- command line ------------------------------------------------------------
for cmd in keygen commit execute export status; do
	run "help_$cmd" "$draw" "$cmd" --help
	expect_rc "help_$cmd" 0
	grep -q "Usage:" "$tmp/help_$cmd.out" || fail "$cmd --help"
	run "version_$cmd" "$draw" "$cmd" --version
	expect_rc "version_$cmd" 0
	grep -q "^alot-draw (ALOT!) " "$tmp/version_$cmd.out" || fail "$cmd --version"
done
run badopt "$draw" execute --bogus
expect_rc badopt 2
expect_err badopt 'Try "alot-draw --help" for more information.'
run badcmd "$draw" frobnicate
expect_rc badcmd 2
expect_err badcmd 'unknown command "frobnicate"'
run baduuid "$draw" execute --room 42 --admin "$ADMIN"
expect_rc baduuid 2
expect_err baduuid 'invalid value "42" for option --room: not a lowercase UUID'
run nodb "$draw" status -d "host=/nonexistent dbname=x"
expect_rc nodb 2
expect_err nodb "could not connect to the database"
echo "ok: --help, --version, usage errors and connection errors"
echo "all draw tests passed"
