#!/usr/bin/env bash
# test_draw.sh - alot-draw against a real PostgreSQL: keys, commit (protocol
# 2: the lot is bound, bundles within the protocol's bounds), freeze,
# execute (refusals, concurrency, the freeze and the draw's start committed
# before the seed is touched, draws aborted after the seed reached the
# server and run again signing the same bytes, tampered lots, funding and
# ledgers, child tables of the protocol's tables, gaps and overlaps), rooms
# committed under protocol 1, export, the seed's secrecy (also in the
# server's log, with log_statement = all), and the least-privilege role.
set -euo pipefail

draw="$BUILD/alot-draw"
verify="$BUILD/alot-verify"
db="t_draw_$$"
copy="t_draw_copy_$$"
copy2="t_draw_copy2_$$"
tmp=$(mktemp -d)
role="t_draw_role_$$"
server_log="$ALOT_TEST_PGDATA/../server.log"
locker=
cleanup() {
	if [ -n "$locker" ]; then
		exec 7>&- || true
		kill "$locker" 2>/dev/null || true
	fi
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	dropdb --if-exists --force "$copy" >/dev/null 2>&1 || true
	dropdb --if-exists --force "$copy2" >/dev/null 2>&1 || true
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
qc() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$copy" -c "$1"; }
id() { printf '00000000-0000-4000-8000-%012d' "$1"; }
# jget FILE KEY: one field of a JSON record.
jget() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

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
# both_refused NAME ROOM MESSAGE [OPTION...]: freeze and execute of ROOM
# (with the OPTIONs) both exit 1, saying MESSAGE.
both_refused() {
	local name=$1 room=$2 msg=$3 t
	shift 3
	run "${name}_freeze" "$draw" freeze --room "$room" "$@"
	run "${name}_execute" "$draw" execute --room "$room" --admin "$ADMIN" "$@"
	for t in "${name}_freeze" "${name}_execute"; do
		expect_rc "$t" 1
		expect_err "$t" "$msg"
	done
}
draws_of() { q "SELECT count(*) FROM lottery_draws WHERE room_id = '$(id "$1")'"; }
freezes_of() { q "SELECT count(*) FROM room_freezes WHERE room_id = '$(id "$1")'"; }
starts_of() { q "SELECT count(*) FROM room_draw_starts WHERE room_id = '$(id "$1")'"; }
# started_at ROOM: the start of its draw, as a protocol time.
started_at() { q "SELECT to_char(started_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM room_draw_starts WHERE room_id = '$(id "$1")'"; }

[ -r "$server_log" ] || fail "the harness's server log $server_log is not readable"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
# Every statement of every session, with its parameters, goes to the server
# log: the server seed must never be among them.
q "ALTER DATABASE $db SET log_statement = 'all'" >/dev/null
export PGDATABASE="$db"
# Fixture: buyers, three admins, a product, and rooms still 'created':
# 11..16, 21..23 with a $20 target, 20 with a $1000 one, 17..19 with entry
# bundles protocol 2 cannot bind; room 12 is a mystery lot.
bundles='[{"amount": 2, "tickets": 2}, {"amount": 5.00, "tickets": 5}]'
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
   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$(id 50)',
          CASE WHEN i = 20 THEN 1000 ELSE 20 END, '2030-01-01', '$bundles'
     FROM generate_series(11, 23) AS i WHERE i NOT IN (17, 18, 19);
   UPDATE rooms SET lot_type = 'mystery' WHERE id = '$(id 12)';
   INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles) VALUES
     ('$(id 17)', '$(id 50)', 20, '2030-01-01', '[{\"amount\": 1.005, \"tickets\": 1}]'),
     ('$(id 18)', '$(id 50)', 20, '2030-01-01', '{\"amount\": 1, \"tickets\": 1}'),
     ('$(id 19)', '$(id 50)', 20, '2030-01-01',
      (SELECT jsonb_agg(jsonb_build_object('amount', i, 'tickets', i)) FROM generate_series(1, 65) AS i));"
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

for r in 11 12 13 14 15 16 20 21 22 23; do
	run "commit$r" "$draw" commit --room "$(id $r)"
	expect_rc "commit$r" 0
	cp "$tmp/commit$r.out" "$tmp/commitments-$r.jsonl"
done
run verify_commit "$verify" --pubkey "$tmp/pub.pem" "$tmp/commit11.out"
expect_rc verify_commit 0
run recommit "$draw" commit --room "$(id 11)"
expect_rc recommit 1
expect_err recommit "room $(id 11) already has a commitment"
[ "$(q "SELECT count(*) FROM room_commitments")" = 10 ] || fail "commitments"
[ "$(q "SELECT count(*) FROM room_commitments WHERE protocol_version = 2")" = 10 ] || fail "commitments not of protocol 2"
if q "UPDATE room_commitments SET commitment = repeat('0', 64)" 2>/dev/null; then fail "a commitment changed"; fi
# The record is of protocol 2 and binds the lot, entry bundles included
# (hashed here independently: docs/protocol.md, "The lot").
python3 - "$tmp/commit11.out" "$tmp/commit12.out" "$(id 11)" "$(id 50)" <<'PY' || fail "the commitment record does not bind the lot"
import hashlib, json, struct, sys
def lp(b): return struct.pack(">I", len(b)) + b
bundles = [(200, 2), (500, 5)]
h = hashlib.sha256(lp(b"ALOT-v2/entry-bundles") + struct.pack(">I", len(bundles)) +
                   b"".join(struct.pack(">QI", c, t) for c, t in bundles)).hexdigest()
for path, lot_type in ((sys.argv[1], "known"), (sys.argv[2], "mystery")):
    r = json.load(open(path))
    want = {"type": "alot.commitment", "version": 2, "product_class_id": sys.argv[4],
            "funding_target_cents": 2000, "deadline": "2030-01-01T00:00:00.000000Z",
            "lot_type": lot_type, "entry_bundles_hash": h, "beacon_rule": "none"}
    for k, v in want.items():
        if r.get(k) != v:
            sys.exit("%s: %s is %r, expected %r" % (path, k, r.get(k), v))
assert json.load(open(sys.argv[1]))["room_id"] == sys.argv[3]
PY
[ "$(q "SELECT record FROM room_commitments WHERE room_id = '$(id 11)'")" = "$(cat "$tmp/commit11.out")" ] ||
	fail "the stored commitment record is not the printed one"
echo "ok: commit seals the seed, prints a verifiable protocol 2 record binding the lot, and refuses twice"

# Entry bundles protocol 2 cannot bind are refused, naming the room.
run bundles17 "$draw" commit --room "$(id 17)"
expect_rc bundles17 1
expect_err bundles17 "room $(id 17): entry bundle 1 is not an object with a non-negative \"amount\" of at most 2 decimals"
run bundles18 "$draw" commit --room "$(id 18)"
expect_rc bundles18 1
expect_err bundles18 "room $(id 18): its entry_bundles is a JSON object, not an array of bundles"
run bundles19 "$draw" commit --room "$(id 19)"
expect_rc bundles19 1
expect_err bundles19 "room $(id 19) has 65 entry bundles: at most 64 can be committed"
# (amount_cents is 0 to 2^53 - 1, tickets 1 to 2^31 - 1: no room holds more.)
for bad in '[{"amount": -1, "tickets": 1}]' '[{"amount": "2", "tickets": 2}]' '[{"amount": 2, "tickets": 0}]' \
           '[{"amount": 2, "tickets": 2.5}]' '[{"amount": 2}]' '[[2, 2]]' \
           '[{"amount": 90071992547409.92, "tickets": 1}]' '[{"amount": 1e15, "tickets": 1}]' \
           '[{"amount": 2, "tickets": 2147483648}]' '[{"amount": 2, "tickets": 4294967296}]'; do
	q "UPDATE rooms SET entry_bundles = '$bad' WHERE id = '$(id 17)'" >/dev/null
	run bundles_bad "$draw" commit --room "$(id 17)"
	expect_rc bundles_bad 1
	expect_err bundles_bad "room $(id 17): entry bundle 1 is not an object"
done
[ "$(q "SELECT count(*) FROM room_commitments WHERE room_id IN ('$(id 17)', '$(id 18)', '$(id 19)')")" = 0 ] ||
	fail "a room with bad bundles was committed"
echo "ok: commit refuses entry bundles it cannot bind, naming the room"

# Open the committed rooms (but 16) and sell tickets: 12 buyers' entries in each.
q "UPDATE rooms SET status = 'open', opened_at = now()
    WHERE id <> '$(id 16)' AND id IN (SELECT room_id FROM room_commitments);
   SELECT allocate_room_entry(r.id, ('00000000-0000-4000-8000-' || lpad((1 + g % 6)::text, 12, '0'))::uuid,
                              1 + g % 4, 'cash', 1 + g % 4)
     FROM rooms r, generate_series(1, 12) AS g WHERE r.status = 'open' ORDER BY r.id, g;" >/dev/null

# ---- refusals ------------------------------------------------------------
run not_funded "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc not_funded 1
expect_err not_funded "room $(id 11) is open, not funded: it cannot be drawn"
run freeze_open "$draw" freeze --room "$(id 11)"
expect_rc freeze_open 1
expect_err freeze_open "room $(id 11) is open, not funded: it cannot be frozen"
[ "$(freezes_of 11)" = 0 ] || fail "an open room was frozen"
run freeze_created "$draw" freeze --room "$(id 16)"
expect_rc freeze_created 1
expect_err freeze_created "room $(id 16) is created, not funded: it cannot be frozen"
run freeze_nocommit "$draw" freeze --room "$(id 17)"
expect_rc freeze_nocommit 1
run freeze_none "$draw" freeze --room "$(id 99)"
expect_rc freeze_none 1
expect_err freeze_none "room $(id 99) does not exist"
run execute_none "$draw" execute --room "$(id 99)" --admin "$ADMIN"
expect_rc execute_none 1
expect_err execute_none "room $(id 99) does not exist"
# Funded: every room whose entries pay its target; room 20 ($30 of $1000)
# only by a superuser with the funding rule switched off.
q "UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE status = 'open' AND id <> '$(id 20)'" >/dev/null
if q "UPDATE rooms SET status = 'funded' WHERE id = '$(id 20)'" 2>/dev/null; then fail "room 20 funded below target"; fi
q "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_status_flow;
   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id = '$(id 20)';
   ALTER TABLE rooms ENABLE TRIGGER trg_rooms_status_flow; COMMIT;" >/dev/null
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
echo "ok: not funded, wrong admin, missing permission, inactive admin: refused and audited"

# ---- freeze ----------------------------------------------------------------
run freeze22 "$draw" freeze --room "$(id 22)"
expect_rc freeze22 0
expect_err freeze22 "froze room $(id 22): 30 tickets in 12 entries, ledger root "
[ "$(jget "$tmp/freeze22.out" type)/$(jget "$tmp/freeze22.out" version)/$(jget "$tmp/freeze22.out" total_tickets)/$(jget "$tmp/freeze22.out" entry_count)" = \
  "alot.freeze/2/30/12" ] || fail "freeze record: $(cat "$tmp/freeze22.out")"
[ "$(jget "$tmp/freeze22.out" commitment)" = "$(jget "$tmp/commit22.out" commitment)" ] || fail "the freeze names another commitment"
[ "$(q "SELECT protocol_version || '/' || ledger_root || '/' || total_tickets || '/' || entry_count || '/' || key_id
        FROM room_freezes WHERE room_id = '$(id 22)'")" = \
  "2/$(jget "$tmp/freeze22.out" ledger_root)/30/12/$(jget "$tmp/freeze22.out" key_id)" ] || fail "the room_freezes row"
[ "$(q "SELECT record FROM room_freezes WHERE room_id = '$(id 22)'")" = "$(cat "$tmp/freeze22.out")" ] ||
	fail "the stored freeze record is not the printed one"
[ "$(q "SELECT to_char(frozen_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM room_freezes WHERE room_id = '$(id 22)'")" = \
  "$(jget "$tmp/freeze22.out" frozen_at)" ] || fail "frozen_at"
run verify_freeze "$verify" --pubkey "$tmp/pub.pem" "$tmp/freeze22.out"
expect_rc verify_freeze 0
run freeze22_again "$draw" freeze --room "$(id 22)"
expect_rc freeze22_again 0
expect_err freeze22_again "room $(id 22) was already frozen; this is its freeze record"
cmp -s "$tmp/freeze22.out" "$tmp/freeze22_again.out" || fail "a second freeze printed another record"
[ "$(freezes_of 22)" = 1 ] || fail "a second freeze wrote another row"
# No seal key needed, none read: freezing never touches the seed.
run freeze_noseal env -u ALOT_SEAL_KEY "$draw" freeze --room "$(id 22)"
expect_rc freeze_noseal 0
run freeze_nokey env -u ALOT_SIGNING_KEY "$draw" freeze --room "$(id 22)"
expect_rc freeze_nokey 2
expect_err freeze_nokey "--room and --signing-key are required"
echo "ok: freeze signs and stores the frozen ledger once; again, the same record"

# Funded below target (by a superuser, the rule off): refused by both.
both_refused below "$(id 20)" "room $(id 20) is funded with \$30.00 of its \$1000.00 target"
# A room is frozen and drawn with the key that committed it.
run otherkey "$draw" keygen --signing-key "$tmp/other-sign.pem" --public-key "$tmp/other-pub.pem"
expect_rc otherkey 0
both_refused otherkey "$(id 20)" "room $(id 20): its commitment was signed with another key than --signing-key" \
	--signing-key "$tmp/other-sign.pem"
[ "$(freezes_of 20)/$(draws_of 20)" = 0/0 ] || fail "a room funded below target was frozen or drawn"
# A frozen room's draw does not even start with another key.
run execute_otherkey22 "$draw" execute --room "$(id 22)" --admin "$ADMIN" --signing-key "$tmp/other-sign.pem"
expect_rc execute_otherkey22 1
expect_err execute_otherkey22 "room $(id 22): its commitment was signed with another key than --signing-key"
[ "$(starts_of 22)/$(draws_of 22)" = 0/0 ] || fail "a draw started with another key"
# The lot changed after the commitment (a superuser, the lot rule off): refused.
q "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
   UPDATE rooms SET funding_target = 25 WHERE id = '$(id 21)';
   ALTER TABLE rooms ENABLE TRIGGER trg_rooms_lot_bound; COMMIT;" >/dev/null
both_refused lot "$(id 21)" \
	"room $(id 21): its lot is not the one committed to: the funding target differs (committed \$20.00, now \$25.00)"
q "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
   UPDATE rooms SET funding_target = 20, entry_bundles = '[{\"amount\": 2, \"tickets\": 3}]' WHERE id = '$(id 21)';
   ALTER TABLE rooms ENABLE TRIGGER trg_rooms_lot_bound; COMMIT;" >/dev/null
run lot_bundles "$draw" execute --room "$(id 21)" --admin "$ADMIN"
expect_rc lot_bundles 1
expect_err lot_bundles "room $(id 21): its lot is not the one committed to: the entry bundles differ"
q "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
   UPDATE rooms SET entry_bundles = '$bundles', deadline = '2030-01-02' WHERE id = '$(id 21)';
   ALTER TABLE rooms ENABLE TRIGGER trg_rooms_lot_bound; COMMIT;" >/dev/null
run lot_deadline "$draw" execute --room "$(id 21)" --admin "$ADMIN"
expect_rc lot_deadline 1
expect_err lot_deadline "the deadline differs (committed 2030-01-01T00:00:00.000000Z, now 2030-01-02T00:00:00.000000Z)"
[ "$(freezes_of 21)/$(draws_of 21)" = 0/0 ] || fail "a room whose lot changed was frozen or drawn"
# rooms.total_tickets disagreeing with the entries: refused under protocol 2.
q "BEGIN; ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
   UPDATE rooms SET deadline = '2030-01-01', total_tickets = 31 WHERE id = '$(id 21)';
   ALTER TABLE rooms ENABLE TRIGGER trg_rooms_lot_bound; COMMIT;" >/dev/null
run total21 "$draw" execute --room "$(id 21)" --admin "$ADMIN"
expect_rc total21 1
expect_err total21 "room $(id 21) counts 31 tickets, its entries hold 30"
[ "$(freezes_of 21)/$(draws_of 21)" = 0/0 ] || fail "a room with a wrong total_tickets was frozen or drawn"
echo "ok: a room funded below target, a lot changed since its commitment, a wrong ticket count: refused"

# ---- the seed stays secret until the draw --------------------------------
run status "$draw" status
expect_rc status 0
grep -q "Ready to draw (9)" "$tmp/status.out" || fail "status: $(cat "$tmp/status.out")"
grep -q "^  $(id 22) .*frozen at " "$tmp/status.out" || fail "status does not show room 22 frozen: $(cat "$tmp/status.out")"
grep -q "^  $(id 11) .*not frozen yet" "$tmp/status.out" || fail "status does not show room 11 unfrozen"
run export_early "$draw" export --room "$(id 11)" -o "$tmp"
expect_rc export_early 0
pg_dump --no-owner "$db" >"$tmp/before-draw.sql"
cat "$tmp"/*.out "$tmp"/*.err "$tmp/$(id 11).commitment.json" >"$tmp/before-draw.log"

# ---- execute: a funded room never frozen is frozen, then drawn -----------
run draw11 "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc draw11 0
expect_err draw11 "froze room $(id 11) first: 30 tickets in 12 entries"
seed=$(jget "$tmp/draw11.out" server_seed)
for f in "$tmp/before-draw.sql" "$tmp/before-draw.log"; do
	if grep -qi "$seed" "$f"; then fail "the server seed appears in $(basename "$f") before the draw"; fi
	python3 - "$f" "$seed" <<-'PY' || fail "the raw server seed appears in $(basename "$f")"
	import sys
	data = open(sys.argv[1], 'rb').read()
	sys.exit(1 if bytes.fromhex(sys.argv[2]) in data else 0)
	PY
done
grep -q "seed_ciphertext" "$tmp/before-draw.sql" || fail "the dump has no sealed seed column"
echo "ok: no server seed in plaintext in a dump or any output before the draw"

[ "$(freezes_of 11)/$(starts_of 11)/$(draws_of 11)" = 1/1/1 ] || fail "execute did not freeze, start and draw room 11"
[ "$(jget "$tmp/draw11.out" drawn_at)" = "$(started_at 11)" ] || fail "room 11's drawn_at is not the start of its draw"
q "SELECT record FROM room_freezes WHERE room_id = '$(id 11)'" >"$tmp/freeze11.json"
python3 - "$tmp/draw11.out" "$tmp/freeze11.json" "$tmp/commit11.out" <<'PY' || fail "the draw is not over the freeze"
import hashlib, json, struct, sys
d, text = json.load(open(sys.argv[1])), open(sys.argv[2]).read().rstrip("\n")
f, c = json.loads(text), json.load(open(sys.argv[3]))
tag = b"ALOT-v2/record"
h = hashlib.sha256(struct.pack(">I", len(tag)) + tag + text.encode()).hexdigest()
assert d["version"] == 2 and f["type"] == "alot.freeze", (d["version"], f["type"])
assert d["freeze_record_hash"] == h, "freeze_record_hash"
for k in ("total_tickets", "entry_count", "ledger_root", "frozen_at", "funded_at", "committed_at", "commitment"):
    assert d[k] == f[k], k
for k in ("product_class_id", "funding_target_cents", "deadline", "lot_type", "entry_bundles_hash", "beacon_rule"):
    assert d[k] == c[k] == f[k], k
assert f["frozen_at"] <= d["drawn_at"], "drawn before frozen"
PY
run verify11 "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/commitments-11.jsonl" "$tmp/draw11.out"
expect_rc verify11 0
run verify11_cfd "$verify" --pubkey "$tmp/pub.pem" "$tmp/commit11.out" "$tmp/freeze11.json" "$tmp/draw11.out"
expect_rc verify11_cfd 0
[ "$(q "SELECT protocol_version FROM lottery_draws WHERE room_id = '$(id 11)'")" = 2 ] || fail "lottery_draws.protocol_version"
[ "$(q "SELECT record FROM lottery_draws WHERE room_id = '$(id 11)'")" = "$(cat "$tmp/draw11.out")" ] ||
	fail "the stored draw record is not the printed one"
[ "$(q "SELECT server_seed FROM lottery_draws WHERE room_id = '$(id 11)'")" = "$seed" ] || fail "lottery_draws.server_seed"
w=$(q "SELECT winner_entry_id || '|' || winner_user_id || '|' || winning_ticket FROM lottery_draws WHERE room_id = '$(id 11)'")
[ "$w" = "$(jget "$tmp/draw11.out" winner_entry_id)|$(jget "$tmp/draw11.out" winner_user_id)|$(jget "$tmp/draw11.out" winning_ticket)" ] ||
	fail "the lottery_draws row is not the record's draw"
[ "$(q "SELECT status || '|' || (drawn_at IS NOT NULL) || '|' || (settled_at IS NOT NULL) FROM rooms WHERE id = '$(id 11)'")" = "settled|true|true" ] ||
	fail "room not settled"
[ "$(q "SELECT count(*) FROM room_entries WHERE room_id = '$(id 11)' AND is_winner")" = 1 ] || fail "winners"
[ "$(q "SELECT id FROM room_entries WHERE room_id = '$(id 11)' AND is_winner")" = "${w%%|*}" ] || fail "winning entry"
[ "$(q "SELECT count(*) FILTER (WHERE status = 'revealed_won') || '/' || count(*) FILTER (WHERE status = 'revealed_lost') || '/' || count(*)
        FROM reveals WHERE room_id = '$(id 11)'")" = "1/5/6" ] || fail "reveals"
[ "$(q "SELECT user_id FROM reveals WHERE room_id = '$(id 11)' AND status = 'revealed_won'")" = "$(echo "$w" | cut -d'|' -f2)" ] ||
	fail "the winner's reveal"
[ "$(q "SELECT total_won FROM users WHERE id = '$(echo "$w" | cut -d'|' -f2)'")" = 1 ] || fail "total_won"
digest=$(python3 -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read().rstrip(b'\n')).hexdigest())" "$tmp/draw11.out")
[ "$(q "SELECT count(*) FROM audit_logs WHERE action = 'draw_executed' AND entity_id = '$(id 11)'
        AND admin_user_id = '$ADMIN' AND (details->>'winning_ticket')::int = $(echo "$w" | cut -d'|' -f3)
        AND (details->>'protocol_version')::int = 2 AND details->>'record_sha256' = '$digest'")" = 1 ] ||
	fail "the draw was not audited"
run draw11_again "$draw" execute --room "$(id 11)" --admin "$ADMIN"
expect_rc draw11_again 0
cmp -s "$tmp/draw11.out" "$tmp/draw11_again.out" || fail "a second run printed another record"
expect_err draw11_again "was already drawn"
[ "$(q "SELECT count(*) FROM lottery_draws")" = 1 ] || fail "a second run drew again"
run freeze11_after "$draw" freeze --room "$(id 11)"
expect_rc freeze11_after 0
cmp -s "$tmp/freeze11.json" "$tmp/freeze11_after.out" || fail "freeze of a drawn room printed another record"
echo "ok: execute freezes an unfrozen room, draws over its freeze, settles, marks, reveals, audits; twice gives one draw"

# ---- the freeze and the start are committed before the seed is touched ----
# With a seal key that does not open room 12's seed the draw fails, after
# execute committed the room's freeze and the start of its draw.
run seal_other "$draw" keygen --seal-key "$tmp/other-seal.key"
expect_rc seal_other 0
run wrong_seal "$draw" execute --room "$(id 12)" --admin "$ADMIN" --seal-key "$tmp/other-seal.key"
[ "$(rc wrong_seal)" != 0 ] || fail "a draw with another seal key succeeded"
expect_err wrong_seal "check that --seal-key is the key the room was committed with"
expect_err wrong_seal "froze room $(id 12) first"
[ ! -s "$tmp/wrong_seal.out" ] || fail "a draw with another seal key printed a record"
[ "$(freezes_of 12)/$(starts_of 12)/$(draws_of 12)" = 1/1/0 ] || fail "room 12 after the failed draw: freeze/start/draw $(freezes_of 12)/$(starts_of 12)/$(draws_of 12)"
start12=$(started_at 12)
echo "ok: the freeze and the start of a draw are committed before the seed is opened (a wrong seal key fails after them)"

# ---- two at the same moment ----------------------------------------------
"$draw" execute --room "$(id 12)" --admin "$ADMIN" >"$tmp/c1.out" 2>"$tmp/c1.err" &
p1=$!
"$draw" execute --room "$(id 12)" --admin "$ADMIN" >"$tmp/c2.out" 2>"$tmp/c2.err" &
p2=$!
wait $p1 || fail "concurrent run 1 failed: $(cat "$tmp/c1.err")"
wait $p2 || fail "concurrent run 2 failed: $(cat "$tmp/c2.err")"
cmp -s "$tmp/c1.out" "$tmp/c2.out" || fail "two concurrent runs printed different records"
[ "$(draws_of 12)/$(freezes_of 12)" = 1/1 ] || fail "two draws or freezes for one room"
[ "$(jget "$tmp/c1.out" lot_type)" = mystery ] || fail "the mystery lot's draw"
[ "$(jget "$tmp/c1.out" drawn_at)/$(starts_of 12)" = "$start12/1" ] || fail "room 12 was not drawn at the start of its first attempt"
echo "ok: two processes at once: exactly one freeze and one draw, the same record"

# ---- a draw aborted after the seed reached the server ----------------------
# Room 13 is frozen first; a copy of the database then draws it
# independently.  In the original, another session holds audit_logs
# locked: execute blocks on its last statement, after the COPY of
# lottery_draws (the seed is on the server), and is killed there twice:
# its backend terminated, then the client killed -9.  The start of the
# draw was committed before (it is there while the first attempt waits);
# nothing else remains of either, and the real draw gives the copy's
# seed, ticket and winner, with drawn_at the start.  A second copy, made
# right after the aborts, draws the very same bytes: so did each aborted
# attempt, whose record (and seed) whoever watched it may hold.
# Room 23 is drawn in the copy too: its seed serves the protocol 1 test.
run freeze13 "$draw" freeze --room "$(id 13)"
expect_rc freeze13 0
createdb -T "$db" "$copy"
psql -X -q -d postgres -c "ALTER DATABASE $copy SET log_statement = 'all'" >/dev/null
run copy13 "$draw" execute --room "$(id 13)" --admin "$ADMIN" -d "dbname=$copy"
expect_rc copy13 0
run copy23 "$draw" execute --room "$(id 23)" --admin "$ADMIN" -d "dbname=$copy"
expect_rc copy23 0

state() {
	q "SELECT (SELECT count(*) FROM lottery_draws WHERE room_id = '$(id 13)') || '/' ||
	          (SELECT count(*) FROM room_entries WHERE room_id = '$(id 13)' AND is_winner) || '/' ||
	          (SELECT count(*) FROM reveals WHERE room_id = '$(id 13)') || '/' ||
	          (SELECT status FROM rooms WHERE id = '$(id 13)') || '/' ||
	          (SELECT sum(total_won) FROM users) || '/' ||
	          (SELECT count(*) FROM audit_logs WHERE entity_id = '$(id 13)') || '/' ||
	          (SELECT record FROM room_freezes WHERE room_id = '$(id 13)')"
}
lock_audit_logs() {
	rm -f "$tmp/lock.fifo"
	mkfifo "$tmp/lock.fifo"
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <"$tmp/lock.fifo" >"$tmp/locker.out" 2>&1 &
	locker=$!
	exec 7>"$tmp/lock.fifo"
	echo "BEGIN; LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE;" >&7
	for _ in $(seq 300); do
		[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		        WHERE c.relname = 'audit_logs' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && return 0
		sleep 0.1
	done
	fail "the locker never locked audit_logs: $(cat "$tmp/locker.out")"
}
unlock_audit_logs() {
	echo "ROLLBACK;" >&7
	exec 7>&-
	wait "$locker" || fail "the locker failed: $(cat "$tmp/locker.out")"
	locker=
}
# The pid of execute's backend once it waits for the lock, after its COPY.
blocked_backend() {
	local pid
	for _ in $(seq 300); do
		pid=$(q "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'alot-draw'
		          AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit_logs%'")
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || fail "execute never blocked on audit_logs"
	# Its lottery_draws row is written (uncommitted): the seed is on the server.
	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
	        WHERE l.pid = $pid AND c.relname = 'lottery_draws' AND l.mode = 'RowExclusiveLock'")" = 1 ] ||
		fail "execute blocked before writing lottery_draws"
	# The start of the draw is committed: this session sees it.
	[ "$(starts_of 13)" = 1 ] || fail "the seed reached the server before the start of the draw was committed"
	echo "$pid"
}
before=$(state)
# 1: the backend is terminated while the draw waits.
lock_audit_logs
"$draw" execute --room "$(id 13)" --admin "$ADMIN" >"$tmp/abort1.out" 2>"$tmp/abort1.err" &
victim=$!
backend=$(blocked_backend)
[ "$(q "SELECT pg_terminate_backend($backend)")" = t ] || fail "could not terminate the draw's backend"
set +e
wait $victim
echo $? >"$tmp/abort1.rc"
set -e
unlock_audit_logs
expect_rc abort1 2
[ ! -s "$tmp/abort1.out" ] || fail "an aborted draw printed a record"
[ "$(state)" = "$before" ] || fail "an aborted draw left state: $before -> $(state)"
[ "$(q "SELECT status FROM rooms WHERE id = '$(id 13)'")/$(draws_of 13)/$(starts_of 13)" = funded/0/1 ] || fail "room 13 after the abort"
start13=$(started_at 13)
# 2: the client is killed -9 while the draw waits; its transaction dies with it.
lock_audit_logs
"$draw" execute --room "$(id 13)" --admin "$ADMIN" >"$tmp/abort2.out" 2>"$tmp/abort2.err" &
victim=$!
backend=$(blocked_backend)
kill -9 $victim
wait $victim 2>/dev/null || true
unlock_audit_logs
for _ in $(seq 300); do
	[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE pid = $backend")" = 0 ] && break
	sleep 0.1
done
[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE pid = $backend")" = 0 ] || fail "the killed client's backend lives on"
[ ! -s "$tmp/abort2.out" ] || fail "a killed draw printed a record"
[ "$(state)" = "$before" ] || fail "a killed draw left state: $before -> $(state)"
[ "$(started_at 13)" = "$start13" ] || fail "the second attempt changed the start of the draw"
# A copy of the database as the aborted attempts left it.
createdb -T "$db" "$copy2"
psql -X -q -d postgres -c "ALTER DATABASE $copy2 SET log_statement = 'all'" >/dev/null
# 3: the real draw: the same seed, ticket and winner as the copy's, at the start.
run draw13 "$draw" execute --room "$(id 13)" --admin "$ADMIN"
expect_rc draw13 0
[ "$(draws_of 13)" = 1 ] || fail "no draw after the aborts"
[ "$(jget "$tmp/draw13.out" drawn_at)" = "$start13" ] || fail "the draw after the aborts is not drawn at their start"
# The same bytes from the copy made after the aborts: any run signs them.
run copy2_13 "$draw" execute --room "$(id 13)" --admin "$ADMIN" -d "dbname=$copy2"
expect_rc copy2_13 0
cmp -s "$tmp/draw13.out" "$tmp/copy2_13.out" || fail "a run after the aborts signed another record: $(diff "$tmp/draw13.out" "$tmp/copy2_13.out")"
for k in server_seed commitment client_seed winning_ticket winner_entry_id winner_user_id nonce ledger_root freeze_record_hash frozen_at; do
	[ "$(jget "$tmp/draw13.out" $k)" = "$(jget "$tmp/copy13.out" $k)" ] ||
		fail "the draw after the aborts differs from the independent one in $k"
done
[ "$(q "SELECT winner_entry_id || '/' || winning_ticket || '/' || server_seed FROM lottery_draws WHERE room_id = '$(id 13)'")" = \
  "$(qc "SELECT winner_entry_id || '/' || winning_ticket || '/' || server_seed FROM lottery_draws WHERE room_id = '$(id 13)'")" ] ||
	fail "the lottery_draws rows of the original and the copy differ"
echo "ok: a draw aborted after the seed reached the server (terminated, killed -9) leaves only the start of the draw, committed first; run again, the same winner and byte for byte the same record"

# ---- entries changed after the freeze ---------------------------------------
q "BEGIN; ALTER TABLE room_entries DISABLE TRIGGER USER;
   INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
   VALUES ('$(id 905)', '$(id 22)', '$(id 1)', 31, 35, 5, 'cash', 5);
   ALTER TABLE room_entries ENABLE TRIGGER USER; COMMIT;" >/dev/null
run tampered22 "$draw" execute --room "$(id 22)" --admin "$ADMIN"
expect_rc tampered22 1
expect_err tampered22 "room $(id 22): its entries are no longer the frozen ledger: frozen 30 tickets in 12 entries, now 35 tickets in 13 entries"
[ "$(draws_of 22)" = 0 ] || fail "a tampered ledger was drawn"
last=$(q "SELECT id FROM room_entries WHERE room_id = '$(id 22)' AND tickets_start = (SELECT max(tickets_start) FROM room_entries WHERE room_id = '$(id 22)' AND id <> '$(id 905)')")
q "BEGIN; ALTER TABLE room_entries DISABLE TRIGGER USER;
   DELETE FROM room_entries WHERE id = '$(id 905)';
   UPDATE room_entries SET tickets_end = 35, ticket_count = ticket_count + 5 WHERE id = '$last';
   ALTER TABLE room_entries ENABLE TRIGGER USER; COMMIT;" >/dev/null
run tampered22b "$draw" execute --room "$(id 22)" --admin "$ADMIN"
expect_rc tampered22b 1
expect_err tampered22b "its entries are no longer the frozen ledger: frozen 30 tickets in 12 entries, now 35 tickets in 12 entries"
[ "$(draws_of 22)" = 0 ] || fail "a tampered ledger was drawn"
# Put back as it was frozen: the draw goes ahead, over the frozen ledger.
# Child tables (a superuser's: the guard refuses every other role) of
# room_entries, lottery_draws and rooms hold an entry, a forged draw and a
# room: alot-draw reads FROM ONLY each table, so none of them counts.
q "BEGIN; ALTER TABLE room_entries DISABLE TRIGGER USER;
   UPDATE room_entries SET tickets_end = 30, ticket_count = ticket_count - 5 WHERE id = '$last';
   ALTER TABLE room_entries ENABLE TRIGGER USER; COMMIT;
   CREATE TABLE t_child_entries () INHERITS (room_entries);
   INSERT INTO t_child_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid)
   VALUES ('$(id 906)', '$(id 22)', '$(id 1)', 31, 35, 5, 'cash', 5);
   CREATE TABLE t_child_draws () INHERITS (lottery_draws);
   INSERT INTO t_child_draws (room_id, server_seed, client_seed, total_tickets, combined_seed, winning_ticket,
                              winner_user_id, winner_entry_id, protocol_version, record)
   VALUES ('$(id 22)', 'a', 'b', 35, 'c', 33, '$(id 1)', '$(id 906)', 2, 'a forged draw record');
   CREATE TABLE t_child_rooms () INHERITS (rooms);
   INSERT INTO t_child_rooms (id, product_class_id, funding_target, deadline, entry_bundles, status)
   VALUES ('$(id 98)', '$(id 50)', 20, '2030-01-01', '[]', 'funded');" >/dev/null
both_refused child "$(id 98)" "room $(id 98) does not exist"
run draw22 "$draw" execute --room "$(id 22)" --admin "$ADMIN"
expect_rc draw22 0
[ "$(jget "$tmp/draw22.out" ledger_root)" = "$(jget "$tmp/freeze22.out" ledger_root)" ] || fail "room 22's draw is not over its freeze"
[ "$(jget "$tmp/draw22.out" total_tickets)/$(jget "$tmp/draw22.out" entry_count)" = 30/12 ] || fail "room 22's draw counts the child table's entry"
if grep -q "froze room" "$tmp/draw22.err"; then fail "execute froze a frozen room again"; fi
[ "$(q "SELECT count(*) FROM ONLY lottery_draws WHERE room_id = '$(id 22)'")" = 1 ] || fail "room 22 has no draw of its own"
q "DROP TABLE t_child_entries, t_child_draws, t_child_rooms" >/dev/null
echo "ok: entries inserted or changed after the freeze: refused, no draw; as frozen, drawn; rows of child tables count for nothing"

# ---- gaps and overlaps are refused, naming the entries ----------------------
# (Rooms 14 and 15 are funded: migration 0011 freezes their entries, so
# trg_room_entries_frozen is disabled too to corrupt them.)
q "ALTER TABLE room_entries DISABLE TRIGGER trg_check_room_entry_range;
   ALTER TABLE room_entries DISABLE TRIGGER trg_room_entries_frozen;
   ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
   DELETE FROM room_entries WHERE room_id IN ('$(id 14)', '$(id 15)');
   INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid) VALUES
     ('$(id 901)', '$(id 14)', '$(id 1)', 1, 5, 5, 'cash', 5), ('$(id 902)', '$(id 14)', '$(id 2)', 7, 30, 24, 'cash', 24),
     ('$(id 903)', '$(id 15)', '$(id 1)', 1, 5, 5, 'cash', 5), ('$(id 904)', '$(id 15)', '$(id 2)', 4, 30, 27, 'cash', 27);" >/dev/null
run gap "$draw" execute --room "$(id 14)" --admin "$ADMIN"
expect_rc gap 1
expect_err gap "room $(id 14): tickets 6-6 are in no entry: gap before entry $(id 902)"
expect_err gap "the previous entry $(id 901) ends at ticket 5"
run overlap "$draw" execute --room "$(id 15)" --admin "$ADMIN"
expect_rc overlap 1
expect_err overlap "entry $(id 904) (tickets 4-30) overlaps entry $(id 903), which ends at ticket 5"
run gap_freeze "$draw" freeze --room "$(id 14)"
expect_rc gap_freeze 1
expect_err gap_freeze "tickets 6-6 are in no entry"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id IN ('$(id 14)', '$(id 15)')")" = 0 ] || fail "a bad ledger was drawn"
[ "$(q "SELECT count(*) FROM room_freezes WHERE room_id IN ('$(id 14)', '$(id 15)')")" = 0 ] || fail "a bad ledger was frozen"
echo "ok: gaps and overlaps refused, naming the entry ids"

# ---- a room committed under protocol 1 is drawn under protocol 1 -------------
# Room 23's commitment is rewritten as the protocol 1 commitment of the
# same sealed seed (its seed is known from the copy's draw), signed with
# the operator's key: as a room committed before protocol 2 would be.
seed23=$(jget "$tmp/copy23.out" server_seed)
python3 - "$tmp/commit23.out" "$seed23" "$tmp/v1-message" "$tmp/v1-canonical" <<'PY'
import hashlib, json, struct, sys, uuid
def lp(b): return struct.pack(">I", len(b)) + b
c2 = json.load(open(sys.argv[1]))
room, seed = uuid.UUID(c2["room_id"]).bytes, bytes.fromhex(sys.argv[2])
rec = {"type": "alot.commitment", "version": 1, "room_id": c2["room_id"], "beacon_rule": "none",
       "commitment": hashlib.sha256(lp(b"ALOT-v1/commitment") + lp(room) + lp(seed)).hexdigest(),
       "committed_at": c2["committed_at"], "key_id": c2["key_id"]}
canonical = json.dumps(rec, sort_keys=True, separators=(",", ":"))
open(sys.argv[3], "wb").write(lp(b"ALOT-v1/record-signature") + canonical.encode())
open(sys.argv[4], "w").write(canonical)
PY
openssl pkeyutl -sign -inkey "$tmp/sign.pem" -rawin -in "$tmp/v1-message" -out "$tmp/v1-signature"
python3 - "$tmp/v1-canonical" "$tmp/v1-signature" >"$tmp/commit23v1.json" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
rec["signature"] = open(sys.argv[2], "rb").read().hex()
print(json.dumps(rec, sort_keys=True, separators=(",", ":")))
PY
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v rec="$(cat "$tmp/commit23v1.json")" \
     -v c="$(jget "$tmp/commit23v1.json" commitment)" -v room="$(id 23)" >/dev/null <<'SQL'
BEGIN;
ALTER TABLE room_commitments DISABLE TRIGGER trg_room_commitments_immutable;
UPDATE room_commitments SET protocol_version = 1, commitment = :'c', record = :'rec' WHERE room_id = :'room';
ALTER TABLE room_commitments ENABLE TRIGGER trg_room_commitments_immutable;
COMMIT;
SQL
run freeze23 "$draw" freeze --room "$(id 23)"
expect_rc freeze23 1
expect_err freeze23 "room $(id 23) was committed under protocol 1, which has no freeze"
run draw23 "$draw" execute --room "$(id 23)" --admin "$ADMIN"
expect_rc draw23 0
[ "$(jget "$tmp/draw23.out" version)/$(jget "$tmp/draw23.out" server_seed)" = "1/$seed23" ] || fail "room 23 not drawn under protocol 1"
[ "$(q "SELECT protocol_version FROM lottery_draws WHERE room_id = '$(id 23)'")/$(freezes_of 23)" = 1/0 ] ||
	fail "room 23's lottery_draws row or freeze"
run verify23 "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/commit23v1.json" "$tmp/draw23.out"
expect_rc verify23 0
echo "ok: a room committed under protocol 1 is drawn under protocol 1, and verifies"

# ---- export --------------------------------------------------------------
mkdir "$tmp/pub"
entry=$(q "SELECT id FROM room_entries WHERE room_id = '$(id 11)' ORDER BY tickets_start OFFSET 4 LIMIT 1")
run export "$draw" export --room "$(id 11)" --proof "$entry" -o "$tmp/pub"
expect_rc export 0
for f in commitment.json freeze.json draw.json ledger.jsonl "proof-$entry.json"; do
	[ -s "$tmp/pub/$(id 11).$f" ] || fail "export did not write $f"
done
cmp -s "$tmp/pub/$(id 11).freeze.json" "$tmp/freeze11.json" || fail "export wrote another freeze record"
run verify_all "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/pub/$(id 11).commitment.json" \
	--ledger "$tmp/pub/$(id 11).ledger.jsonl" --proof "$tmp/pub/$(id 11).proof-$entry.json" --entry "$entry" \
	"$tmp/pub/$(id 11).draw.json"
expect_rc verify_all 0
[ "$(grep -c PASS "$tmp/verify_all.out")" -ge 13 ] && ! grep -q FAIL "$tmp/verify_all.out" ||
	fail "not every check passed: $(cat "$tmp/verify_all.out")"
[ "$(wc -l <"$tmp/pub/$(id 11).ledger.jsonl")" = 13 ] || fail "ledger lines"
run export22 "$draw" export --room "$(id 22)" -o "$tmp/pub"
expect_rc export22 0
run verify22 "$verify" --pubkey "$tmp/pub.pem" "$tmp/pub/$(id 22).commitment.json" "$tmp/pub/$(id 22).freeze.json" \
	"$tmp/pub/$(id 22).draw.json"
expect_rc verify22 0
run export_other "$draw" export --room "$(id 11)" --proof "$(id 903)" -o "$tmp/pub"
expect_rc export_other 1
expect_err export_other "entry $(id 903) is not in room $(id 11)"
mkdir "$tmp/frozen"
run export_frozen "$draw" export --room "$(id 20)" -o "$tmp/frozen"
expect_rc export_frozen 0
expect_err export_frozen "is not drawn yet: wrote its commitment record only"
run export_all "$draw" export --all -o "$tmp/pub"
expect_rc export_all 0
[ "$(wc -l <"$tmp/pub/draws.jsonl")" = 5 ] || fail "draws.jsonl lines: $(wc -l <"$tmp/pub/draws.jsonl")"
[ "$(wc -l <"$tmp/pub/commitments.jsonl")" = 5 ] || fail "commitments.jsonl lines"
[ "$(wc -l <"$tmp/pub/freezes.jsonl")" = 4 ] || fail "freezes.jsonl lines: $(wc -l <"$tmp/pub/freezes.jsonl")"
grep -qxF "$(cat "$tmp/freeze22.out")" "$tmp/pub/freezes.jsonl" || fail "freezes.jsonl lacks room 22's freeze"
[ -s "$tmp/pub/$(id 12).freeze.json" ] && [ -s "$tmp/pub/$(id 12).draw.json" ] && [ ! -e "$tmp/pub/$(id 23).freeze.json" ] ||
	fail "export --all did not write each protocol 2 room's freeze record (and only theirs)"
run verify_bundle "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/pub/commitments.jsonl" "$tmp/pub/draws.jsonl"
expect_rc verify_bundle 0
# Every record verified (the commitments given with --commitment may be counted too).
grep -Eq "^([0-9]+) of \1 records verified" "$tmp/verify_bundle.out" && ! grep -q "FAIL" "$tmp/verify_bundle.out" &&
	[ "$(grep -c "^.*draws.jsonl:[0-9]*: draw record" "$tmp/verify_bundle.out")" = 5 ] || fail "bundle: $(cat "$tmp/verify_bundle.out")"
run verify_freezes "$verify" --pubkey "$tmp/pub.pem" "$tmp/pub/freezes.jsonl"
expect_rc verify_freezes 0
mkdir "$tmp/later"
run export_since "$draw" export --all --since 2999-01-01 -o "$tmp/later"
expect_rc export_since 0
[ ! -s "$tmp/later/draws.jsonl" ] && [ -e "$tmp/later/freezes.jsonl" ] && [ ! -s "$tmp/later/freezes.jsonl" ] ||
	fail "--since did not filter"
echo "ok: export writes records (freezes too), ledgers and proofs that verify"

# ---- the draw role suffices --------------------------------------------------
q "CREATE ROLE $role LOGIN IN ROLE alot_draw" >/dev/null
run as_role env PGUSER="$role" "$draw" execute --room "$(id 16)" --admin "$ADMIN"
expect_rc as_role 1
expect_err as_role "room $(id 16) is created, not funded"
# A cash entry of the room's whole target: migration 0011 funds a room only
# when its entries' amount_paid reach funding_target (trivia entries pay nothing).
q "UPDATE rooms SET status = 'open' WHERE id = '$(id 16)';
   SELECT allocate_room_entry('$(id 16)', '$(id 3)', 4, 'cash', 20);
   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id = '$(id 16)';" >/dev/null
run as_role_freeze env PGUSER="$role" "$draw" freeze --room "$(id 16)"
expect_rc as_role_freeze 0
run as_role2 env PGUSER="$role" "$draw" execute --room "$(id 16)" --admin "$ADMIN"
expect_rc as_role2 0
[ "$(draws_of 16)/$(freezes_of 16)" = 1/1 ] || fail "the role's freeze and draw"
echo "ok: the alot_draw role is enough to freeze and draw"

# ---- the seed never reached the server's log ---------------------------------
# log_statement = all logged every statement and its parameters above,
# the aborted draws' included.
grep -q "COPY lottery_draws" "$server_log" || fail "the server log has no COPY: log_statement was not in effect"
grep -q "INSERT INTO audit_logs" "$server_log" || fail "the server log has no draw statements"
grep -q "parameters: " "$server_log" || fail "the server log has no parameters"
for s in $(q "SELECT server_seed FROM lottery_draws") $(qc "SELECT server_seed FROM lottery_draws") \
         $(psql -X -q -At -d "$copy2" -c "SELECT server_seed FROM lottery_draws"); do
	if grep -qi "$s" "$server_log"; then fail "the server seed $s appears in the server log"; fi
done
echo "ok: no server seed in the server's log, with every statement and parameter logged"

# ---- command line ------------------------------------------------------------
for cmd in keygen commit freeze execute export status; do
	run "help_$cmd" "$draw" "$cmd" --help
	expect_rc "help_$cmd" 0
	grep -q "Usage:" "$tmp/help_$cmd.out" || fail "$cmd --help"
	run "version_$cmd" "$draw" "$cmd" --version
	expect_rc "version_$cmd" 0
	grep -q "^alot-draw (ALOT!) " "$tmp/version_$cmd.out" || fail "$cmd --version"
done
run help "$draw" --help
grep -q "^  freeze " "$tmp/help.out" || fail "alot-draw --help does not list freeze"
run badopt "$draw" execute --bogus
expect_rc badopt 2
expect_err badopt 'Try "alot-draw --help" for more information.'
run badopt_freeze "$draw" freeze --room "$(id 11)" extra
expect_rc badopt_freeze 2
expect_err badopt_freeze "too many arguments"
run badcmd "$draw" frobnicate
expect_rc badcmd 2
expect_err badcmd 'unknown command "frobnicate"'
expect_err badopt '^alot-draw: unrecognized option' # not "execute:"
# No test hook ships in the binary (the pause before COMMIT is gone; tests use locks instead).
if grep -a -q 'ALOT_DRAW_PAUSE' "$draw"; then fail "alot-draw still carries a test hook"; fi
run baduuid "$draw" execute --room 42 --admin "$ADMIN"
expect_rc baduuid 2
expect_err baduuid 'invalid value "42" for option --room: not a UUID'
run baduuid_freeze "$draw" freeze --room 42
expect_rc baduuid_freeze 2
run nodb "$draw" status -d "host=/nonexistent dbname=x"
expect_rc nodb 2
expect_err nodb "could not connect to the database"
run nodb_freeze "$draw" freeze --room "$(id 11)" -d "host=/nonexistent dbname=x"
expect_rc nodb_freeze 2
echo "ok: --help, --version, usage errors and connection errors"

# ---- the largest room the protocol allows: N = 2^31 - 1, sold, frozen, drawn, verified --
q "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
   VALUES ('$(id 24)', '$(id 50)', 1, '2030-01-01', '$bundles')"
run commit24 "$draw" commit --room "$(id 24)"
expect_rc commit24 0
q "UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$(id 24)';
   SELECT allocate_room_entry('$(id 24)', '$(id 1)', 2147483646, 'trivia');
   SELECT allocate_room_entry('$(id 24)', '$(id 2)', 1, 'cash', 1);
   UPDATE rooms SET status = 'funded' WHERE id = '$(id 24)';" >/dev/null
run freeze24 "$draw" freeze --room "$(id 24)"
expect_rc freeze24 0
run execute24 "$draw" execute --room "$(id 24)" --admin "$ADMIN"
expect_rc execute24 0
[ "$(jget "$tmp/execute24.out" total_tickets)" = 2147483647 ] || fail "the largest room was not drawn over 2147483647 tickets"
[ "$(q "SELECT total_tickets FROM lottery_draws WHERE room_id = '$(id 24)'")" = 2147483647 ] || fail "no draw row of N = 2^31 - 1"
run verify24 "$verify" --pubkey "$tmp/pub.pem" "$tmp/commit24.out" "$tmp/freeze24.out" "$tmp/execute24.out"
expect_rc verify24 0
echo "ok: a room of 2147483647 tickets is sold, frozen, drawn and verified"

# ---- the largest bundle commit binds: 2^53 - 1 cents, 2^31 - 1 tickets -----
q "INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
   VALUES ('$(id 25)', '$(id 50)', 1, '2030-01-01', '[{\"amount\": 90071992547409.91, \"tickets\": 2147483647}, {\"amount\": 0, \"tickets\": 1}]')"
run commit25 "$draw" commit --room "$(id 25)"
expect_rc commit25 0
python3 - "$tmp/commit25.out" <<'PY' || fail "the largest bundle's hash"
import hashlib, json, struct, sys
def lp(b): return struct.pack(">I", len(b)) + b
bundles = [(2**53 - 1, 2**31 - 1), (0, 1)]
h = hashlib.sha256(lp(b"ALOT-v2/entry-bundles") + struct.pack(">I", len(bundles)) +
                   b"".join(struct.pack(">QI", c, t) for c, t in bundles)).hexdigest()
assert json.load(open(sys.argv[1]))["entry_bundles_hash"] == h
PY
echo "ok: commit binds bundles of up to 2^53 - 1 cents and 2^31 - 1 tickets, and refuses one cent or one ticket more"
echo "all draw tests passed"
