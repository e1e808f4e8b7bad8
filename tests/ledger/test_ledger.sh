#!/usr/bin/env bash
# test_ledger.sh - alot-ledger against real databases: a clean one (the demo
# data, drawn by alot-draw) is clean; for every check, a copy that violates
# it, and only it, is found; a database built with the design document's
# schema and triggers; the auditor role; --jobs; --user/--room; a server
# restart in the middle of an audit; the command line.
set -euo pipefail

ledger_bin="$BUILD/alot-ledger"
# The audit runs only from a read-only session: as superuser, the tests set
# default_transaction_read_only in the connection's options (the guard is
# then satisfied, not bypassed); the auditor tests below log in without it.
ledger() { PGOPTIONS="-c default_transaction_read_only=on" "$ledger_bin" "$@"; }
tmp=$(mktemp -d)
clean="t_ledger_$$"
dbs=("$clean")
role="t_auditor_$$"
cleanup() {
	local d
	for d in "${dbs[@]}"; do dropdb --if-exists --force "$d" >/dev/null 2>&1 || true; done
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# run ARGS: alot-ledger ARGS; sets cli_rc, and $tmp/cli.out and $tmp/cli.err.
run() { set +e; ledger "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"; cli_rc=$?; set -e; }

# The clean fixture: the demo's schema, data and real draws.
export DEMO_DB="$clean" DEMO_OUT="$tmp/demo" ALOT_SRC BUILD
mkdir -p "$DEMO_OUT"
for stage in 10-schema 20-catalog 30-commit 40-fill 60-draw; do
	bash "$ALOT_SRC/scripts/demo.d/$stage.sh" >"$tmp/fixture.log" 2>&1 || { cat "$tmp/fixture.log"; fail "fixture stage $stage"; }
done

# audit DB [ARGS]: run the audit as JSON; sets rc, and checks (the distinct check names found).
# Every audit runs twice: the scan (default) and every check's own query
# (--engine=sql), the reference; their findings must be the same, line for line.
audit() {
	local db=$1 sql_rc
	shift
	set +e
	ledger -d "dbname=$db" --format json --engine=sql "$@" >"$tmp/sql.jsonl" 2>"$tmp/sql-err.txt"
	sql_rc=$?
	ledger -d "dbname=$db" --format json "$@" >"$tmp/out.jsonl" 2>"$tmp/err.txt"
	rc=$?
	set -e
	[ "$rc" = "$sql_rc" ] || fail "scan exit $rc, sql exit $sql_rc: $(cat "$tmp/err.txt" "$tmp/sql-err.txt")"
	[ "$rc" != 2 ] || fail "the audit could not run: $(cat "$tmp/err.txt")"
	cmp -s <(sort "$tmp/out.jsonl") <(sort "$tmp/sql.jsonl") ||
		fail "the scan's findings differ from the plain queries': $(diff <(sort "$tmp/out.jsonl") <(sort "$tmp/sql.jsonl") | head -5)"
	checks=$(python3 -c '
import json, sys
names = set()
for line in open(sys.argv[1]):
    f = json.loads(line)
    assert set(f) >= {"check", "severity", "table", "id", "expected", "actual", "message"}, f
    names.add(f["check"])
print(" ".join(sorted(names)))' "$tmp/out.jsonl")
}

audit "$clean"
[ "$rc" = 0 ] && [ -z "$checks" ] || fail "the clean database has findings ($rc): $checks $(cat "$tmp/err.txt")"
set +e
ledger -d "dbname=$clean" >"$tmp/text.txt"
text_rc=$?
set -e
[ "$text_rc" = 0 ] && grep -q "^clean: 23 checks, no findings" "$tmp/text.txt" || fail "text report: $(cat "$tmp/text.txt")"
echo "ok: the clean database is clean (23 checks)"

# violation CHECK SQL [ALSO]: a copy with SQL applied must fail CHECK (and
# nothing else but ALSO, where a violation cannot avoid it).
n=0
covered=()
# damaged_copy COPY SQL: a copy of the clean fixture, its integrity rules
# off, with SQL applied.
damaged_copy() {
	local copy=$1 sql=$2
	dbs+=("$copy")
	q postgres "CREATE DATABASE $copy TEMPLATE $clean"
	# (lottery_draws: migration 0011 makes draws append-only.)
	q "$copy" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	           ALTER TABLE room_entries DISABLE TRIGGER USER;
	           ALTER TABLE lottery_draws DISABLE TRIGGER USER;
	           ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
	           ALTER TABLE credit_transactions DROP CONSTRAINT chk_balance_consistency;
	           ALTER TABLE credit_transactions DROP CONSTRAINT chk_credit_tx_balances;
	           ALTER TABLE credit_transactions DROP CONSTRAINT chk_credit_tx_type;
	           ALTER TABLE user_universal_credits DROP CONSTRAINT chk_balance_positive;
	           $sql" >/dev/null
}
# no_dropped_nominations DB WHAT: the test build confirms every key the scan
# nominated in a query of its own (ALOT_LEDGER_TEST_DROPS, ledger/build.mk):
# each must be confirmed by a finding, and the findings are the audit's.
hooks_bin="$BUILD/test-bin/alot-ledger-hooks"
no_dropped_nominations() {
	set +e
	ALOT_LEDGER_TEST_DROPS=1 PGOPTIONS="-c default_transaction_read_only=on" "$hooks_bin" -d "dbname=$1" --format json \
		>"$tmp/drops.jsonl" 2>"$tmp/drops.err"
	set -e
	cmp -s <(sort "$tmp/drops.jsonl") <(sort "$tmp/out.jsonl") || fail "$2: the probe's findings are not the audit's"
	! grep -q "nomination of .* found nothing" "$tmp/drops.err" || fail "$2: the scan nominated what its confirmation dropped: $(grep "nomination of .* found nothing" "$tmp/drops.err")"
}
violation() {
	local check=$1 sql=$2 also=${3:-} copy="t_ledger_v${n}_$$"
	n=$((n + 1))
	damaged_copy "$copy" "$sql"
	audit "$copy"
	[ "$rc" = 1 ] || fail "$check: exit $rc, expected 1"
	local want
	want=$(echo "$check $also" | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//')
	[ "$checks" = "$want" ] || fail "$check: the violation was found by: $checks"
	no_dropped_nominations "$copy" "$check"
	covered+=("$check")
	echo "ok: $check"
}

# chained USER AMOUNT TYPE [ROOM ENTRY PURCHASE]: SQL for a transaction that
# continues USER's chain a microsecond after its last, with the credits row
# following it, so that only the rule under test breaks.
chained() {
	local user="'$1'" amount=$2 type=$3 room=${4:+"'$4'"} entry=${5:+"'$5'"} purchase=${6:+"'$6'"}
	echo "INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type,
	                                       room_id, room_entry_id, purchase_id, created_at)
	      SELECT $user, $amount, l.balance_after, l.balance_after + $amount, '$type', ${room:-NULL}::uuid,
	             ${entry:-NULL}::uuid, ${purchase:-NULL}::uuid, l.created_at + interval '1 microsecond'
	        FROM (SELECT balance_after, created_at FROM credit_transactions WHERE user_id = $user
	               ORDER BY created_at DESC, id DESC LIMIT 1) l;
	      UPDATE user_universal_credits SET balance = balance + $amount, total_earned = total_earned + greatest($amount, 0),
	             total_spent = total_spent + greatest(-($amount), 0) WHERE user_id = $user;"
}
# expect_message TEXT: the last audit's only finding has this message.
expect_message() {
	[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] && grep -qF "\"message\":\"$1\"" "$tmp/out.jsonl" ||
		fail "expected the one finding \"$1\", got: $(cat "$tmp/out.jsonl")"
}
GRANT_TX="(SELECT id FROM credit_transactions WHERE transaction_type = 'admin_grant' ORDER BY id LIMIT 1)"
OPEN_ROOM="(SELECT id FROM rooms WHERE status = 'open' ORDER BY id LIMIT 1)"
DRAWN_ROOM="(SELECT room_id FROM lottery_draws ORDER BY room_id LIMIT 1)"
violation credit-arithmetic "
	WITH last AS (SELECT DISTINCT ON (user_id) id, user_id FROM credit_transactions ORDER BY user_id, created_at DESC, id DESC LIMIT 1)
	UPDATE credit_transactions t SET balance_after = balance_after + 7 FROM last WHERE t.id = last.id;
	UPDATE user_universal_credits c SET balance = t.balance_after FROM credit_transactions t
	 WHERE t.id = (SELECT DISTINCT ON (user_id) id FROM credit_transactions ORDER BY user_id, created_at DESC, id DESC LIMIT 1)
	   AND c.user_id = t.user_id;"
violation credit-chain "
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, description, created_at)
	SELECT user_id, amount, balance_before, balance_after, transaction_type, description, created_at + interval '1 microsecond'
	  FROM credit_transactions WHERE id = $GRANT_TX;
	UPDATE user_universal_credits SET total_earned = total_earned + (SELECT amount FROM credit_transactions WHERE id = $GRANT_TX)
	 WHERE user_id = (SELECT user_id FROM credit_transactions WHERE id = $GRANT_TX);"
grep -q 'duplicate: the row repeats transaction' "$tmp/out.jsonl" || fail "credit-chain: the duplicate was not diagnosed"
violation credit-negative "
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee01', 'neg@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_spent) VALUES ('00000000-0000-4000-8000-00000000ee01', -50, 50);
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type)
	VALUES ('00000000-0000-4000-8000-00000000ee01', -50, 0, -50, 'redemption');"
violation credit-balance "UPDATE user_universal_credits SET balance = balance + 5
	WHERE user_id = (SELECT user_id FROM credit_transactions ORDER BY id LIMIT 1);"
violation credit-totals "UPDATE user_universal_credits SET total_expired = total_expired + 3
	WHERE user_id = (SELECT user_id FROM credit_transactions ORDER BY id LIMIT 1);"
violation credit-missing-account "
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee02', 'lost@example.com', 'x');
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type)
	VALUES ('00000000-0000-4000-8000-00000000ee02', 100, 0, 100, 'admin_grant');"
# The finding is the user's (table users, the user's id), not a transaction's.
python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
assert len(f) == 1 and (f[0]["table"], f[0]["id"], f[0]["expected"], f[0]["actual"], f[0]["message"]) == ("users",
    "00000000-0000-4000-8000-00000000ee02", "a user_universal_credits row", "none",
    "user 00000000-0000-4000-8000-00000000ee02 has 1 credit transactions but no credits row: its credits are nowhere"), f
' "$tmp/out.jsonl" || fail "credit-missing-account: the finding does not name the user: $(cat "$tmp/out.jsonl")"
violation credit-unknown-type "
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee03', 'bonus@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned) VALUES ('00000000-0000-4000-8000-00000000ee03', 100, 100);
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type)
	VALUES ('00000000-0000-4000-8000-00000000ee03', 100, 0, 100, 'bonus');"
# A debit written as a credit, in a chain that follows it: only its sign is wrong.
t_user=$(q "$clean" "SELECT user_id FROM user_universal_credits WHERE balance > 0 ORDER BY user_id LIMIT 1")
violation credit-types "$(chained "$t_user" 100 admin_deduct)"
grep -qF "\"message\":\"user $t_user: admin_deduct debits the account, but this transaction is of 100 credits\"" "$tmp/out.jsonl" ||
	fail "credit-types: a debit with a credit's sign: $(cat "$tmp/out.jsonl")"
# Consolation credits, paid, in a room that was never drawn.
read -r o_entry o_user o_room <<<"$(q "$clean" "SELECT e.id, e.user_id, e.room_id FROM room_entries e
	JOIN user_universal_credits c ON c.user_id = e.user_id WHERE e.room_id = $OPEN_ROOM ORDER BY e.id LIMIT 1" | tr '|' ' ')"
[ -n "$o_entry" ] || fail "the fixture's open room has no buyer with a credits row"
violation credit-types "UPDATE room_entries SET credits_awarded = 50 WHERE id = '$o_entry';
	$(chained "$o_user" 50 lot_settlement "$o_room" "$o_entry")"
grep -qF "was awarded 50 consolation credits, but the room was never drawn" "$tmp/out.jsonl" ||
	fail "credit-types: an award in an undrawn room: $(cat "$tmp/out.jsonl")"
violation credit-references "UPDATE room_entries SET credits_spent = credits_spent + 100
	WHERE id = (SELECT id FROM room_entries WHERE credits_spent > 0 ORDER BY id LIMIT 1);"
violation room-coverage "UPDATE room_entries SET tickets_start = tickets_start + 1, tickets_end = tickets_end + 1
	WHERE id = (SELECT id FROM room_entries WHERE room_id = $OPEN_ROOM ORDER BY tickets_start DESC LIMIT 1);"
grep -q 'are in no entry: gap before entry' "$tmp/out.jsonl" || fail "room-coverage: the gap was not named"
# The entry after the gap is its owner's: a --user audit of the owner finds the gap too.
gap_entry=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$tmp/out.jsonl")
gap_db="t_ledger_v$((n - 1))_$$"
owner=$(q "$gap_db" "SELECT user_id FROM room_entries WHERE id = '$gap_entry'")
audit "$gap_db" --user "$owner" --check room-coverage
[ "$rc" = 1 ] && grep -q "\"id\":\"$gap_entry\".*gap before entry" "$tmp/out.jsonl" || fail "room-coverage with --user: exit $rc $(cat "$tmp/out.jsonl")"
violation room-counters "UPDATE rooms SET total_participants = total_participants + 1 WHERE id = $OPEN_ROOM;"
# (Migration 0011 binds a committed room's target: trg_rooms_lot_bound is disabled to change it.)
violation room-funding "ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
	UPDATE rooms SET funding_target = current_funding + 1 WHERE id = $DRAWN_ROOM;"
violation room-timestamps "UPDATE rooms SET opened_at = NULL WHERE id = $OPEN_ROOM;"
# An expired room that reached its target: funded, and its draw withheld.
EXPIRED_ROOM="(SELECT id FROM rooms WHERE status = 'expired' ORDER BY id LIMIT 1)"
violation room-funding "ALTER TABLE rooms DISABLE TRIGGER trg_rooms_lot_bound;
	UPDATE rooms SET funding_target = current_funding WHERE id = $EXPIRED_ROOM;"
grep -qF "but raised" "$tmp/out.jsonl" && grep -qF "of its" "$tmp/out.jsonl" && grep -qF "target: it was funded, and its draw withheld" "$tmp/out.jsonl" ||
	fail "room-funding: an expired room at its target: $(cat "$tmp/out.jsonl")"
violation purchase-cash "UPDATE room_entry_purchases SET amount = amount + 1
	WHERE id = (SELECT purchase_id FROM room_entries WHERE room_id = $OPEN_ROOM AND purchase_type = 'cash' ORDER BY id LIMIT 1);"
violation purchase-refunds "UPDATE room_entry_purchases SET refunded_amount = amount - 1
	WHERE id = (SELECT id FROM room_entry_purchases WHERE refund_choice = 'cash' AND status = 'refunded' ORDER BY id LIMIT 1);"
violation purchase-drawn-refund "UPDATE room_entry_purchases SET status = 'refunded', refunded_amount = amount, refund_choice = 'cash'
	WHERE id = (SELECT id FROM room_entry_purchases WHERE room_id = $DRAWN_ROOM ORDER BY id LIMIT 1);"
violation draw-winner "UPDATE room_entries SET is_winner = true
	WHERE id = (SELECT e.id FROM room_entries e JOIN lottery_draws d ON d.room_id = e.room_id
	             WHERE e.id <> d.winner_entry_id ORDER BY e.id LIMIT 1);"
# A changed winning ticket contradicts the signed record too: draw-protocol must see it as well.
violation draw-ticket "UPDATE lottery_draws SET winning_ticket = total_tickets + 1 WHERE room_id = $DRAWN_ROOM;" draw-protocol
violation draw-reveals "UPDATE reveals SET status = 'revealed_won'
	WHERE id = (SELECT v.id FROM reveals v JOIN lottery_draws d ON d.room_id = v.room_id
	             WHERE v.user_id <> d.winner_user_id ORDER BY v.id LIMIT 1);"
# A NULL reveal status in a drawn room is neither won nor lost, and shows as NULL.
violation draw-reveals "UPDATE reveals SET status = NULL
	WHERE id = (SELECT v.id FROM reveals v JOIN lottery_draws d ON d.room_id = v.room_id
	             WHERE v.user_id <> d.winner_user_id ORDER BY v.id LIMIT 1);"
python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
assert len(f) == 1 and f[0]["table"] == "reveals" and f[0]["actual"] is None and f[0]["message"].endswith(" is NULL"), f
' "$tmp/out.jsonl" || fail "draw-reveals: a NULL status: $(cat "$tmp/out.jsonl")"
# A second reveal of one buyer (the design document's UNIQUE (user_id, room_id) dropped:
# the audit does not rely on it), and a reveal of a user who bought nothing in the room.
read -r rv_id rv_room rv_user <<<"$(q "$clean" "SELECT v.id, v.room_id, v.user_id FROM reveals v JOIN lottery_draws d ON d.room_id = v.room_id
	WHERE v.user_id <> d.winner_user_id ORDER BY v.id LIMIT 1" | tr '|' ' ')"
violation draw-reveals "ALTER TABLE reveals DROP CONSTRAINT reveals_user_id_room_id_key;
	INSERT INTO reveals (id, user_id, room_id, room_entry_id, status, created_at)
	SELECT '00000000-0000-4000-8000-00000000ee70', user_id, room_id, room_entry_id, status, created_at + interval '1 microsecond'
	  FROM reveals WHERE id = '$rv_id';"
expect_message "room $rv_room: buyer $rv_user has 2 reveals: reveal 00000000-0000-4000-8000-00000000ee70 repeats $rv_id"
nb_user=$(q "$clean" "SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM room_entries e WHERE e.user_id = u.id AND e.room_id = '$rv_room')
	ORDER BY id LIMIT 1")
violation draw-reveals "INSERT INTO reveals (user_id, room_id, room_entry_id, status)
	SELECT '$nb_user', room_id, room_entry_id, 'revealed_lost' FROM reveals WHERE id = '$rv_id';"
expect_message "room $rv_room: user $nb_user has a reveal (revealed_lost) but no entry in the room"
# A buyer of a drawn room without a reveal: the finding is the buyer's (table users).
violation draw-reveals "DELETE FROM reveals
	WHERE id = (SELECT v.id FROM reveals v JOIN lottery_draws d ON d.room_id = v.room_id
	             WHERE v.user_id <> d.winner_user_id ORDER BY v.id LIMIT 1);"
python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
assert len(f) == 1 and f[0]["table"] == "users" and f[0]["actual"] == "no reveal" and f[0]["message"].endswith(" is missing"), f
' "$tmp/out.jsonl" || fail "draw-reveals: a missing reveal: $(cat "$tmp/out.jsonl")"
forged=$(q "$clean" "SELECT record FROM lottery_draws ORDER BY room_id LIMIT 1" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
r["client_seed"] = ("0" if r["client_seed"][0] != "0" else "1") + r["client_seed"][1:]
print(json.dumps(r, sort_keys=True, separators=(",", ":")))')
violation draw-protocol "UPDATE lottery_draws SET record = '$forged' WHERE room_id = $DRAWN_ROOM;"
grep -q 'fails client-seed' "$tmp/out.jsonl" || fail "draw-protocol: the failing protocol check was not named"
violation user-stats "UPDATE users SET total_won = total_won + 1 WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1);"

# ---- references both ways and exactly once: credit-references, purchase-cash ----------------
# Each damage below keeps every other rule whole (the chain goes on, the
# credits row and the counters follow, with chained()), so that only the
# counting rule breaks.
# clean_variant WHAT SQL: a copy with SQL applied is still clean, under both engines.
clean_variant() {
	local copy="t_ledger_c${n}_$$"
	n=$((n + 1))
	damaged_copy "$copy" "$2"
	audit "$copy"
	[ "$rc" = 0 ] && [ -z "$checks" ] || fail "$1: a clean variant has findings ($rc): $checks"
	echo "ok: clean: $1"
}
read -r c_entry c_user c_room c_spent <<<"$(q "$clean" "SELECT e.id, e.user_id, e.room_id, e.credits_spent FROM room_entries e
	JOIN user_universal_credits c ON c.user_id = e.user_id
	WHERE e.purchase_type = 'credits' AND c.balance >= e.credits_spent ORDER BY e.id LIMIT 1" | tr '|' ' ')"
[ -n "$c_entry" ] || fail "the fixture has no credits entry whose buyer could pay for it twice"
violation credit-references "$(chained "$c_user" "-$c_spent" entry_purchase "$c_room" "$c_entry")"
grep -qF "\"message\":\"entry $c_entry of user $c_user is charged 2 times: transaction " "$tmp/out.jsonl" &&
	[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "a second charge: $(cat "$tmp/out.jsonl")"
charge=$(q "$clean" "SELECT id FROM credit_transactions WHERE room_entry_id = '$c_entry'")
other_room=$(q "$clean" "SELECT id FROM rooms WHERE id <> '$c_room' ORDER BY id LIMIT 1")
violation credit-references "UPDATE credit_transactions SET room_id = '$other_room' WHERE id = '$charge';"
expect_message "entry_purchase $charge does not match its room entry"
grep -qF "\"expected\":\"an entry of user $c_user in room $other_room spending $c_spent credits\",\"actual\":\"entry $c_entry of user $c_user in room $c_room spent $c_spent credits\"" "$tmp/out.jsonl" ||
	fail "a charge in another room: both sides are not named: $(cat "$tmp/out.jsonl")"

# A charge made by another user's transaction: one finding, which both users' audits
# see (the entry's owner's too), reported once even when the two users are
# confirmed in different queries.
other_user=$(q "$clean" "SELECT id FROM users WHERE id <> '$c_user' ORDER BY id LIMIT 1")
x_db="t_ledger_x_$$"
damaged_copy "$x_db" "UPDATE credit_transactions SET user_id = '$other_user' WHERE id = '$charge';"
for batch in 1 2000; do
	ALOT_LEDGER_CONFIRM_BATCH=$batch audit "$x_db" --check credit-references
	expect_message "entry_purchase $charge does not match its room entry"
done
for who in "$c_user" "$other_user"; do
	audit "$x_db" --check credit-references --user "$who"
	expect_message "entry_purchase $charge does not match its room entry"
done
echo "ok: a charge of one user's entry by another's transaction: one finding, in both users' audits"

# An award of consolation credits to a losing entry of a drawn room: paid once is clean,
# paid twice or never is found.
read -r a_entry a_user a_room <<<"$(q "$clean" "SELECT e.id, e.user_id, e.room_id FROM room_entries e
	JOIN lottery_draws d ON d.room_id = e.room_id AND d.winner_entry_id <> e.id
	JOIN user_universal_credits c ON c.user_id = e.user_id ORDER BY e.id LIMIT 1" | tr '|' ' ')"
[ -n "$a_entry" ] || fail "the fixture has no losing entry whose buyer has a credits row"
award="UPDATE room_entries SET credits_awarded = 50 WHERE id = '$a_entry';"
clean_variant "an award paid once" "$award $(chained "$a_user" 50 lot_settlement "$a_room" "$a_entry")"
violation credit-references "$award $(chained "$a_user" 50 lot_settlement "$a_room" "$a_entry") $(chained "$a_user" 50 lot_settlement "$a_room" "$a_entry")"
grep -qF "\"message\":\"entry $a_entry of user $a_user is paid its award 2 times: transaction " "$tmp/out.jsonl" &&
	[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "an award paid twice: $(cat "$tmp/out.jsonl")"
violation credit-references "$award"
expect_message "user $a_user was awarded 50 credits on entry $a_entry, but the ledger never paid them"

# A refund converted to credits twice.
read -r r_purchase r_user r_room r_credits <<<"$(q "$clean" "SELECT id, user_id, room_id, credits_converted FROM room_entry_purchases
	WHERE credits_converted > 0 ORDER BY id LIMIT 1" | tr '|' ' ')"
[ -n "$r_purchase" ] || fail "the fixture has no refund converted to credits"
violation credit-references "$(chained "$r_user" "$r_credits" expired_conversion "$r_room" "" "$r_purchase")"
grep -qF "\"message\":\"purchase $r_purchase of user $r_user is converted to credits 2 times: transaction " "$tmp/out.jsonl" &&
	[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "a refund converted twice: $(cat "$tmp/out.jsonl")"

# A paid purchase with no entry: money taken, no tickets.
read -r p_user p_room <<<"$(q "$clean" "SELECT user_id, room_id FROM room_entries WHERE room_id = $OPEN_ROOM ORDER BY id LIMIT 1" | tr '|' ' ')"
violation purchase-cash "INSERT INTO room_entry_purchases (id, room_id, user_id, amount, status)
	VALUES ('00000000-0000-4000-8000-00000000dd01', '$p_room', '$p_user', 5, 'succeeded');"
expect_message "room $p_room: purchase 00000000-0000-4000-8000-00000000dd01 of user $p_user (succeeded, 5.00) paid for no entry: money taken, no tickets"
# Two entries paid by one purchase: a second entry of the same buyer, room and amount,
# with the room's and the buyer's counters following it.
read -r s_entry s_user s_room s_count s_paid s_purchase <<<"$(q "$clean" "SELECT id, user_id, room_id, ticket_count, amount_paid, purchase_id
	FROM room_entries WHERE room_id = $OPEN_ROOM AND purchase_type = 'cash' ORDER BY id LIMIT 1" | tr '|' ' ')"
violation purchase-cash "
	INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid,
	                          purchase_id, created_at)
	SELECT '00000000-0000-4000-8000-00000000dd02', r.id, '$s_user', r.total_tickets + 1, r.total_tickets + $s_count, $s_count,
	       'cash', $s_paid, '$s_purchase', e.created_at + interval '1 microsecond'
	  FROM rooms r, room_entries e WHERE r.id = '$s_room' AND e.id = '$s_entry';
	UPDATE rooms SET total_tickets = total_tickets + $s_count, current_funding = current_funding + $s_paid WHERE id = '$s_room';
	UPDATE users SET total_entries = total_entries + 1, total_spent = total_spent + $s_paid WHERE id = '$s_user';"
expect_message "room $s_room: purchase $s_purchase of user $s_user pays 2 entries: entry 00000000-0000-4000-8000-00000000dd02 is paid by the money of entry $s_entry"
# A cash entry that also spent credits, charged for them: paid twice.
read -r m_entry m_user m_room <<<"$(q "$clean" "SELECT e.id, e.user_id, e.room_id FROM room_entries e
	JOIN user_universal_credits c ON c.user_id = e.user_id
	WHERE e.purchase_type = 'cash' AND e.room_id = $OPEN_ROOM AND c.balance >= 100 ORDER BY e.id LIMIT 1" | tr '|' ' ')"
[ -n "$m_entry" ] || fail "the fixture has no cash entry whose buyer holds 100 credits"
violation purchase-cash "UPDATE room_entries SET credits_spent = 100 WHERE id = '$m_entry';
	$(chained "$m_user" -100 entry_purchase "$m_room" "$m_entry")"
expect_message "room $m_room: cash entry $m_entry of user $m_user is paid more than one way"
echo "ok: references are counted: a second charge, award, conversion or entry of one purchase, a purchase with no entry, an award never paid, an entry paid twice"

# expect_finding CHECK FIELD=JSON...: a finding of CHECK in the last audit has exactly these fields.
expect_finding() {
	python3 - "$tmp/out.jsonl" "$@" <<'PY' || fail "no $1 finding with ${*:2}: $(cat "$tmp/out.jsonl")"
import json, sys
path, check, *pairs = sys.argv[1:]
want = {k: json.loads(v) for k, v in (p.split("=", 1) for p in pairs)}
for line in open(path):
    f = json.loads(line)
    if f["check"] == check and all(f.get(k) == v for k, v in want.items()):
        sys.exit(0)
sys.exit(1)
PY
}
last_copy() { echo "t_ledger_v$((n - 1))_$$"; }
one_finding() { [ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "$1: $(cat "$tmp/out.jsonl")"; }
message_has() { grep -qF -- "$1" "$tmp/out.jsonl" || fail "no finding says \"$1\": $(cat "$tmp/out.jsonl")"; }

# ---- a NULL is shown as NULL (JSON null), never as 0 ----------------------------------------
violation credit-balance "UPDATE user_universal_credits SET balance = NULL
	WHERE user_id = (SELECT user_id FROM credit_transactions ORDER BY id LIMIT 1);"
null_user=$(q "$(last_copy)" "SELECT user_id FROM credit_transactions ORDER BY id LIMIT 1")
null_end=$(q "$(last_copy)" "SELECT balance_after FROM credit_transactions WHERE user_id = '$null_user' ORDER BY created_at DESC, id DESC LIMIT 1")
expect_finding credit-balance actual=null expected="\"$null_end\"" \
	message="\"user $null_user: the balance is NULL, the ledger ends at $null_end\""
violation room-counters "UPDATE rooms SET total_participants = NULL WHERE id = $OPEN_ROOM;"
null_room=$(q "$(last_copy)" "SELECT id FROM rooms WHERE status = 'open' ORDER BY id LIMIT 1")
null_part=$(q "$(last_copy)" "SELECT count(DISTINCT user_id) FROM room_entries WHERE room_id = '$null_room'")
expect_finding room-counters id="\"$null_room\"" actual=null expected="\"$null_part\"" \
	message="\"room $null_room: total_participants is NULL, its entries give $null_part\""
set +e; ledger -d "dbname=$(last_copy)" --check room-counters >"$tmp/text.txt"; set -e
grep -qF "room $null_room: total_participants is NULL, its entries give $null_part (expected $null_part, actual NULL)" "$tmp/text.txt" ||
	fail "a NULL in the text report: $(cat "$tmp/text.txt")"
violation user-stats "UPDATE users SET total_entries = NULL
	WHERE id = (SELECT user_id FROM room_entries ORDER BY id LIMIT 1);"
null_user=$(q "$(last_copy)" "SELECT user_id FROM room_entries ORDER BY id LIMIT 1")
null_entries=$(q "$(last_copy)" "SELECT count(*) FROM room_entries WHERE user_id = '$null_user'")
expect_finding user-stats actual=null \
	message="\"user $null_user: total_entries is NULL, the entries and draws give $null_entries\""
echo "ok: a NULL is shown as NULL, not 0"

# ---- draw-protocol names the column of the draw row that disagrees with its record ----------
violation draw-protocol "UPDATE lottery_draws SET nonce = nonce + 1 WHERE room_id = $DRAWN_ROOM;"
read -r np_room np_nonce < <(q "$(last_copy)" "SELECT room_id, nonce FROM lottery_draws ORDER BY room_id LIMIT 1" | tr '|' ' ')
expect_finding draw-protocol expected="\"$((np_nonce - 1))\"" actual="\"$np_nonce\"" \
	message="\"room $np_room: the draw row's nonce is $np_nonce, its signed record's is $((np_nonce - 1))\""
[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "draw-protocol: a changed nonce: $(cat "$tmp/out.jsonl")"
# The room's drawn_at is its signed record's (moved back a millisecond: still after funded_at).
violation draw-protocol "ALTER TABLE rooms DISABLE TRIGGER USER;
	UPDATE rooms SET drawn_at = drawn_at - interval '1 millisecond' WHERE id = $DRAWN_ROOM;"
read -r da_room da_record < <(q "$(last_copy)" "SELECT room_id, record::jsonb->>'drawn_at' FROM lottery_draws ORDER BY room_id LIMIT 1" | tr '|' ' ')
da_room_at=$(q "$(last_copy)" "SELECT to_char(drawn_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM rooms WHERE id = '$da_room'")
expect_finding draw-protocol expected="\"$da_record\"" actual="\"$da_room_at\"" \
	message="\"room $da_room: the room's drawn_at is $da_room_at, its signed draw record's is $da_record\""
[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "draw-protocol: a moved drawn_at: $(cat "$tmp/out.jsonl")"
# A record whose entry count is not its ledger's: the root is the same on
# both sides, so the finding names the count that differs, with both values.
miscounted=$(q "$clean" "SELECT record FROM lottery_draws ORDER BY room_id LIMIT 1" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
r["entry_count"] += 1
print(json.dumps(r, sort_keys=True, separators=(",", ":")))')
violation draw-protocol "UPDATE lottery_draws SET record = '$miscounted' WHERE room_id = $DRAWN_ROOM;"
read -r np_room np_count < <(q "$(last_copy)" "SELECT room_id, (record::jsonb->>'entry_count')::int - 1 FROM lottery_draws ORDER BY room_id LIMIT 1" | tr '|' ' ')
expect_finding draw-protocol expected="\"$((np_count + 1))\"" actual="\"$np_count\"" \
	message="\"room $np_room: the entries hash to the drawn ledger root, but their entry count is $np_count, the record's $((np_count + 1))\""
echo "ok: draw-protocol names the column that disagrees with the signed record"

# ---- rules B3 and B5: sold inside the room's sale window, nothing dated after the snapshot ----
# An open room's first entry, and where its window lies.
read -r w_room w_entry < <(q "$clean" "SELECT e.room_id, e.id FROM room_entries e JOIN rooms r ON r.id = e.room_id
	WHERE r.status = 'open' ORDER BY e.room_id, e.tickets_start LIMIT 1" | tr '|' ' ')
window_violation() {  # window_violation SQL-SETTING-created_at WHY [ENTRY]
	local entry=${3:-$w_entry}
	violation room-dates "UPDATE room_entries SET created_at = $1 WHERE id = '$entry';"
	expect_finding room-dates table='"room_entries"' id="\"$entry\""
	message_has "entry $entry of user"
	message_has "$2"
	one_finding "an entry $2"
}
window_violation "(SELECT opened_at - interval '1 hour' FROM rooms WHERE id = '$w_room')" "was sold before the room opened"
# The demo's rooms opened (opened_at) before their seeds were committed, now: a sale in between.
window_violation "(SELECT opened_at + interval '1 hour' FROM rooms WHERE id = '$w_room')" "was sold before the room's seed was committed"
window_violation "localtimestamp + interval '1 day'" "is dated after the snapshot's time"
window_violation "NULL" "has no created_at: it cannot be placed in the room's sale window"
expect_finding room-dates id="\"$w_entry\"" expected='"a created_at"' actual='"NULL"'
read -r f_room f_entry < <(q "$clean" "SELECT e.room_id, e.id FROM room_entries e JOIN rooms r ON r.id = e.room_id
	WHERE r.status = 'settled' ORDER BY e.room_id, e.tickets_start LIMIT 1" | tr '|' ' ')
window_violation "(SELECT funded_at + interval '1 millisecond' FROM rooms WHERE id = '$f_room')" "was sold after the room was funded" "$f_entry"
read -r x_room x_entry < <(q "$clean" "SELECT e.room_id, e.id FROM room_entries e JOIN rooms r ON r.id = e.room_id
	WHERE r.status = 'expired' ORDER BY e.room_id, e.tickets_start LIMIT 1" | tr '|' ' ')
window_violation "(SELECT deadline + interval '1 millisecond' FROM rooms WHERE id = '$x_room')" "was sold after the room's deadline" "$x_entry"
x_at=$(q "$(last_copy)" "SELECT created_at FROM room_entries WHERE id = '$x_entry'")
x_deadline=$(q "$clean" "SELECT deadline FROM rooms WHERE id = '$x_room'")
x_paid=$(q "$clean" "SELECT amount_paid FROM room_entries WHERE id = '$x_entry'")
expect_finding room-dates expected="\"at or before $x_deadline (deadline)\"" actual="\"$x_at\"" amount="$x_paid" unit='"USD"'
# A room that says it never opened holds entries: each was sold outside any window.
violation room-dates "ALTER TABLE rooms DISABLE TRIGGER USER; UPDATE rooms SET status = 'created', opened_at = NULL WHERE id = '$w_room';"
[ "$(wc -l <"$tmp/out.jsonl")" = "$(q "$clean" "SELECT count(*) FROM room_entries WHERE room_id = '$w_room'")" ] ||
	fail "a room that never opened: $(cat "$tmp/out.jsonl")"
message_has "was sold in a room that never opened (created)"
# Rows of a room dated after the snapshot: the room's own times, a purchase's, a draw's.
d_room=$(q "$clean" "SELECT room_id FROM lottery_draws ORDER BY room_id LIMIT 1")
violation room-dates "ALTER TABLE rooms DISABLE TRIGGER USER; UPDATE rooms SET settled_at = localtimestamp + interval '1 day' WHERE id = '$d_room';"
expect_finding room-dates table='"rooms"' id="\"$d_room\""
message_has "room $d_room: its settled_at is dated after the snapshot's time"
one_finding "a room settled in the future"
p_id=$(q "$clean" "SELECT id FROM room_entry_purchases ORDER BY id LIMIT 1")
violation room-dates "UPDATE room_entry_purchases SET completed_at = localtimestamp + interval '1 day' WHERE id = '$p_id';"
expect_finding room-dates table='"room_entry_purchases"' id="\"$p_id\""
one_finding "a purchase completed in the future"
violation room-dates "UPDATE lottery_draws SET drawn_at = localtimestamp + interval '1 day' WHERE room_id = '$d_room';"
expect_finding room-dates table='"lottery_draws"' id="\"$(q "$clean" "SELECT id FROM lottery_draws WHERE room_id = '$d_room'")\""
one_finding "a draw dated in the future"
# The latest transaction of all moved a day ahead: still its user's last, now in the future.
t_id=$(q "$clean" "SELECT id FROM credit_transactions ORDER BY created_at DESC, id DESC LIMIT 1")
violation credit-dates "UPDATE credit_transactions SET created_at = localtimestamp + interval '1 day' WHERE id = '$t_id';"
expect_finding credit-dates table='"credit_transactions"' id="\"$t_id\"" unit='"credits"'
one_finding "a transaction dated in the future"
echo "ok: room-dates and credit-dates: sales outside the room's window, and rows dated after the snapshot (rules B3, B5)"

# ---- rule E2: a draw's complete evidence, its room's commitment and freeze rows and records ----
read -r e2_room e2_draw < <(q "$clean" "SELECT room_id, id FROM lottery_draws ORDER BY room_id LIMIT 1" | tr '|' ' ')
other_room=$(q "$clean" "SELECT room_id FROM lottery_draws ORDER BY room_id DESC LIMIT 1")
# (Migrations 0010 and 0011 make both tables append-only: their triggers are disabled to damage them.)
evidence_sql="ALTER TABLE room_commitments DISABLE TRIGGER USER; ALTER TABLE room_freezes DISABLE TRIGGER USER;"
violation draw-protocol "$evidence_sql DELETE FROM room_commitments WHERE room_id = '$e2_room';"
expect_finding draw-protocol table='"lottery_draws"' id="\"$e2_draw\"" expected='"a commitment row"' actual='"none"'
one_finding "a missing commitment row"
violation draw-protocol "$evidence_sql UPDATE room_commitments SET committed_at = committed_at - interval '1 second' WHERE room_id = '$e2_room';"
e2_committed=$(q "$clean" "SELECT record::jsonb->>'committed_at' FROM room_commitments WHERE room_id = '$e2_room'")
e2_moved=$(q "$(last_copy)" "SELECT to_char(committed_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM room_commitments WHERE room_id = '$e2_room'")
expect_finding draw-protocol table='"room_commitments"' id="\"$e2_room\"" expected="\"$e2_committed\"" actual="\"$e2_moved\"" \
	message="\"room $e2_room: the commitment row's committed_at is $e2_moved, its signed record's is $e2_committed (draw $e2_draw)\""
one_finding "an altered commitment row"
# Another room's signed commitment in its place: the row no longer matches it, nor the draw.
violation draw-protocol "$evidence_sql UPDATE room_commitments SET record = (SELECT record FROM room_commitments WHERE room_id = '$other_room')
	WHERE room_id = '$e2_room';"
expect_finding draw-protocol table='"room_commitments"' id="\"$e2_room\"" actual="\"$(q "$clean" "SELECT commitment FROM room_commitments WHERE room_id = '$e2_room'")\""
message_has "room $e2_room: the draw record does not follow its room's signed commitment record (room_commitments): the commitment record is for another room"
# A commitment record whose signature was tampered with: only --pubkey can tell.
forged_commitment=$(q "$clean" "SELECT record FROM room_commitments WHERE room_id = '$e2_room'" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
s = r["signature"]
r["signature"] = s[:-1] + ("0" if s[-1] != "0" else "1")
print(json.dumps(r, sort_keys=True, separators=(",", ":")))')
damaged_copy "t_ledger_e2sig_$$" "$evidence_sql UPDATE room_commitments SET record = '$forged_commitment' WHERE room_id = '$e2_room';"
audit "t_ledger_e2sig_$$"
[ "$rc" = 0 ] || fail "without --pubkey a commitment's signature is not checked, the rest holds: $(cat "$tmp/out.jsonl")"
audit "t_ledger_e2sig_$$" --pubkey "$DEMO_OUT/records/pubkey.pem"
[ "$rc" = 1 ] && [ "$checks" = "draw-protocol" ] || fail "a forged commitment under --pubkey: $rc $checks"
expect_finding draw-protocol table='"room_commitments"' id="\"$e2_room\"" expected='"PASS"' actual='"FAIL"'
message_has "room $e2_room: the commitment record fails signature"
one_finding "a forged commitment signature"
# Protocol 2: the freeze row gone, altered, or another room's freeze record in its place.
violation draw-protocol "$evidence_sql DELETE FROM room_freezes WHERE room_id = '$e2_room';"
expect_finding draw-protocol table='"lottery_draws"' id="\"$e2_draw\"" expected='"a freeze row"' actual='"none"'
one_finding "a missing freeze row"
violation draw-protocol "$evidence_sql UPDATE room_freezes SET total_tickets = total_tickets + 1 WHERE room_id = '$e2_room';"
e2_tickets=$(q "$clean" "SELECT total_tickets FROM room_freezes WHERE room_id = '$e2_room'")
expect_finding draw-protocol table='"room_freezes"' id="\"$e2_room\"" expected="\"$e2_tickets\"" actual="\"$((e2_tickets + 1))\"" \
	message="\"room $e2_room: the freeze row's total_tickets is $((e2_tickets + 1)), its signed record's is $e2_tickets (draw $e2_draw)\""
one_finding "an altered freeze row"
violation draw-protocol "$evidence_sql UPDATE room_freezes SET record = (SELECT record FROM room_freezes WHERE room_id = '$other_room')
	WHERE room_id = '$e2_room';"
message_has "room $e2_room: the draw record does not follow its room's signed freeze record (room_freezes): the freeze record is for another room"
echo "ok: draw-protocol holds a draw to its room's commitment and freeze rows and signed records (rule E2)"

# Every check has a violating fixture of its own.
missing=$(comm -23 <("$ledger_bin" --list-checks | awk '{print $1}' | sort) <(printf '%s\n' "${covered[@]}" | sort -u))
[ -z "$missing" ] || fail "checks without a violating fixture: $missing"

# ---- database text: escaped in the text report, exact (and never lost) in JSON --------------
# A transaction type and description with a terminal escape and a CR, and a
# type of broken UTF-8 (stored through a binary cast: the server would refuse it otherwise).
evil="t_ledger_evil_$$"
dbs+=("$evil")
q postgres "CREATE DATABASE $evil TEMPLATE $clean"
q "$evil" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	ALTER TABLE credit_transactions DROP CONSTRAINT chk_credit_tx_type;
	CREATE CAST (bytea AS text) WITHOUT FUNCTION;
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee41', 'esc@example.com', 'x'),
	  ('00000000-0000-4000-8000-00000000ee42', 'utf@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned) VALUES ('00000000-0000-4000-8000-00000000ee41', 100, 100),
	  ('00000000-0000-4000-8000-00000000ee42', 100, 100);
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, description) VALUES
	  ('00000000-0000-4000-8000-00000000ee41', 100, 0, 100, E'\\x1b[2J\\rbonus', E'\\x1b[2J\\rrepainted'),
	  ('00000000-0000-4000-8000-00000000ee42', 100, 0, 100, decode('626fc3286e7573', 'hex')::text, decode('ff1b0d', 'hex')::text);
	DROP CAST (bytea AS text);" >/dev/null
[ "$(q "$evil" "SELECT encode(transaction_type::bytea, 'hex') FROM credit_transactions WHERE user_id = '00000000-0000-4000-8000-00000000ee42'")" = 626fc3286e7573 ] ||
	fail "the fixture's broken UTF-8 was not stored"
audit "$evil"
[ "$rc" = 1 ] && [ "$checks" = "credit-unknown-type" ] || fail "hostile text: exit $rc, $checks"
if grep -q $'\x1b' "$tmp/out.jsonl"; then fail "an escape byte reached the JSON output"; fi
python3 -c '
import json, sys
found = {}
for line in open(sys.argv[1], encoding="utf-8"):
    f = json.loads(line)
    found[f["message"].split(":")[0]] = f
a = found.get("user 00000000-0000-4000-8000-00000000ee41")
b = found.get("user 00000000-0000-4000-8000-00000000ee42")
assert a and a["actual"] == "\x1b[2J\rbonus", a
assert b and b["actual"] == "bo\\xc3(nus", b
assert len(found) == 2, found' "$tmp/out.jsonl" || fail "hostile text in JSON: $(cat "$tmp/out.jsonl")"
set +e
ledger -d "dbname=$evil" >"$tmp/evil.txt" 2>"$tmp/evil.err"
evil_rc=$?
set -e
[ "$evil_rc" = 1 ] || fail "hostile text, text report: exit $evil_rc $(cat "$tmp/evil.err")"
if grep -q $'[\x1b\r]' "$tmp/evil.txt"; then fail "an escape or CR reached the text report"; fi
grep -qF 'unknown transaction type "\x1b[2J\x0dbonus"' "$tmp/evil.txt" &&
	grep -qF 'unknown transaction type "bo\xc3(nus"' "$tmp/evil.txt" &&
	grep -q '^2 findings in 1 of 23 checks$' "$tmp/evil.txt" || fail "hostile text, text report: $(cat -v "$tmp/evil.txt")"
echo "ok: database text is escaped in the text report and exact JSON, broken UTF-8 included"

# ---- signatures with --pubkey -------------------------------------------------
dbs+=("t_ledger_sig_$$")
q postgres "CREATE DATABASE t_ledger_sig_$$ TEMPLATE $clean"
resigned=$(q "$clean" "SELECT record FROM lottery_draws ORDER BY room_id LIMIT 1" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
s = r["signature"]
r["signature"] = s[:-1] + ("0" if s[-1] != "0" else "1")
print(json.dumps(r, sort_keys=True, separators=(",", ":")))')
# (Migration 0011 makes draws append-only: its trigger is disabled to forge one.)
q "t_ledger_sig_$$" "ALTER TABLE lottery_draws DISABLE TRIGGER USER;
	UPDATE lottery_draws SET record = '$resigned' WHERE room_id = $DRAWN_ROOM"
audit "t_ledger_sig_$$"
[ "$rc" = 0 ] || fail "without --pubkey the signature is not checked, the rest holds"
audit "t_ledger_sig_$$" --pubkey "$DEMO_OUT/records/pubkey.pem"
[ "$rc" = 1 ] && [ "$checks" = "draw-protocol" ] && grep -q "fails signature" "$tmp/out.jsonl" || fail "--pubkey: $checks"
echo "ok: --pubkey checks the draws' signatures"

# ---- a drawn room's entries changed after the draw ------------------------------------
# Two of the drawn rooms (read in one page, their entries in one query):
# one entry given to another buyer (the ledger root changes), one range
# shifted (the entries no longer tile the tickets); the third room is intact.
moved="t_ledger_moved_$$"
dbs+=("$moved")
q postgres "CREATE DATABASE $moved TEMPLATE $clean"
[ "$(q "$moved" "SELECT count(*) FROM lottery_draws")" -ge 3 ] || fail "the fixture needs three draws"
q "$moved" "ALTER TABLE room_entries DISABLE TRIGGER USER;
	ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
	UPDATE room_entries SET user_id = (SELECT id FROM users WHERE id <> room_entries.user_id ORDER BY id LIMIT 1)
	 WHERE id = (SELECT e.id FROM room_entries e JOIN lottery_draws d ON d.room_id = e.room_id
	              WHERE d.room_id = (SELECT room_id FROM lottery_draws ORDER BY room_id LIMIT 1)
	                AND e.id <> d.winner_entry_id ORDER BY e.tickets_start LIMIT 1);
	UPDATE room_entries SET tickets_start = tickets_start - 1, ticket_count = ticket_count + 1
	 WHERE id = (SELECT e.id FROM room_entries e JOIN lottery_draws d ON d.room_id = e.room_id
	              WHERE d.room_id = (SELECT room_id FROM lottery_draws ORDER BY room_id DESC LIMIT 1)
	                AND e.id <> d.winner_entry_id AND e.tickets_start > 1 ORDER BY e.tickets_start LIMIT 1);" >/dev/null
audit "$moved" --check draw-protocol
first=$(q "$moved" "SELECT id FROM lottery_draws ORDER BY room_id LIMIT 1")
last=$(q "$moved" "SELECT id FROM lottery_draws ORDER BY room_id DESC LIMIT 1")
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/out.jsonl")" = 2 ] &&
	grep -q "\"id\":\"$first\".*no longer hash to the drawn ledger root" "$tmp/out.jsonl" &&
	grep -q "\"id\":\"$last\".*the entries no longer form the ticket ledger of the draw" "$tmp/out.jsonl" ||
	fail "entries changed after the draw: $(cat "$tmp/out.jsonl")"
echo "ok: draw-protocol: entries changed after the draw no longer hash to its ledger root"

# A second draw of a room (possible once the schema's UNIQUE (room_id) is
# dropped): draw-winner's finding; draw-protocol compares both with the
# room's entries and finds them intact, not missing.
twice="t_ledger_twice_$$"
dbs+=("$twice")
q postgres "CREATE DATABASE $twice TEMPLATE $clean"
q "$twice" "ALTER TABLE lottery_draws DROP CONSTRAINT lottery_draws_room_id_key;
	INSERT INTO lottery_draws SELECT (jsonb_populate_record(d, jsonb_build_object('id', gen_random_uuid()))).*
	  FROM lottery_draws d WHERE d.room_id = (SELECT room_id FROM lottery_draws ORDER BY room_id LIMIT 1 OFFSET 1);" >/dev/null
audit "$twice" --check draw-protocol --check draw-winner
[ "$rc" = 1 ] && [ "$checks" = "draw-winner" ] || fail "a room drawn twice: $checks $(cat "$tmp/out.jsonl")"
echo "ok: a room drawn twice: both draws are compared with its entries"

# ---- --jobs, --check, --skip, --user, --room -------------------------------------
multi="t_ledger_multi_$$"
dbs+=("$multi")
q postgres "CREATE DATABASE $multi TEMPLATE $clean"
q "$multi" "ALTER TABLE room_entries DISABLE TRIGGER USER;
            UPDATE rooms SET total_participants = total_participants + 1 WHERE status IN ('open', 'settled');
            UPDATE user_universal_credits SET balance = balance + 5;
            UPDATE users SET total_won = total_won + 1 WHERE id IN (SELECT id FROM users ORDER BY id LIMIT 3);" >/dev/null
audit "$multi" --jobs 1
sort "$tmp/out.jsonl" >"$tmp/jobs1"
audit "$multi" --jobs 3
sort "$tmp/out.jsonl" >"$tmp/jobs3"
[ -s "$tmp/jobs1" ] && cmp -s "$tmp/jobs1" "$tmp/jobs3" || fail "--jobs 3 found other findings than --jobs 1"
audit "$multi" --check room-counters
[ "$checks" = "room-counters" ] || fail "--check: $checks"
audit "$multi" --skip room-counters --skip credit-balance
[ "$checks" = "user-stats" ] || fail "--skip: $checks"
room=$(q "$multi" "SELECT id FROM rooms WHERE status = 'open' ORDER BY id LIMIT 1")
audit "$multi" --room "$room"
[ "$checks" = "room-counters" ] && [ "$(wc -l <"$tmp/out.jsonl")" = 1 ] && grep -q "$room" "$tmp/out.jsonl" || fail "--room: $(cat "$tmp/out.jsonl")"
user=$(q "$multi" "SELECT user_id FROM user_universal_credits ORDER BY user_id LIMIT 1")
audit "$multi" --user "$user" --check credit-balance
[ "$(wc -l <"$tmp/out.jsonl")" = 1 ] && grep -q "$user" "$tmp/out.jsonl" || fail "--user: $(cat "$tmp/out.jsonl")"
echo "ok: --jobs 3 equals --jobs 1; --check, --skip, --room and --user narrow the audit"

# --user and --room together: the union of the two audits, each finding once.
audit "$multi" --room "$room"
sort "$tmp/out.jsonl" >"$tmp/room.jsonl"
audit "$multi" --user "$user"
sort "$tmp/out.jsonl" >"$tmp/user.jsonl"
audit "$multi" --user "$user" --room "$room"
[ "$rc" = 1 ] && cmp -s <(sort "$tmp/out.jsonl") <(sort -u "$tmp/room.jsonl" "$tmp/user.jsonl") ||
	fail "--user and --room: not the union: exit $rc $(cat "$tmp/out.jsonl")"
grep -q "$room" "$tmp/out.jsonl" && grep -q "$user" "$tmp/out.jsonl" || fail "--user and --room: $(cat "$tmp/out.jsonl")"
echo "ok: --user and --room together audit both"

# ---- never a false clean: an audit of nothing could not run ----------------------------
nobody=00000000-0000-4000-8000-0000000000ff
refused() {  # refused MESSAGE ARGS...: exit 2, nothing on stdout, MESSAGE the only line on stderr
	local want=$1
	shift
	run -d "dbname=$multi" "$@"
	[ "$cli_rc" = 2 ] && [ ! -s "$tmp/cli.out" ] && [ "$(cat "$tmp/cli.err")" = "alot-ledger: $want" ] ||
		fail "$*: exit $cli_rc, stdout $(cat "$tmp/cli.out"), stderr $(cat "$tmp/cli.err")"
}
refused "--user $nobody: no such user: nothing to audit" --user "$nobody"
refused "--user $nobody: no such user: nothing to audit" --user "$nobody" --format json
refused "--room $nobody: no such room: nothing to audit" --room "$nobody"
refused "--room $nobody: no such room: nothing to audit" --user "$user" --room "$nobody"
refused "--user $nobody: no such user: nothing to audit" --user "$nobody" --room "$room"
refused "--check and --skip leave no check to run: nothing to audit" --check credit-chain --skip credit-chain
skip_all=()
for c in $(ledger --list-checks | awk '{print $1}'); do skip_all+=(--skip "$c"); done
refused "--check and --skip leave no check to run: nothing to audit" "${skip_all[@]}"
echo "ok: an unknown --user or --room, or no check left, is an audit of nothing: exit 2"

# ---- the scan: what it nominates, and confirming in batches or over everything -----------
# Every user's balance was changed: each is nominated and confirmed, 7 to a query.
ALOT_LEDGER_CONFIRM_BATCH=7 audit "$multi" --verbose
nusers=$(q "$multi" "SELECT count(*) FROM user_universal_credits")
grep -q "^alot-ledger: confirm credit-balance: $nusers users$" "$tmp/err.txt" || fail "nominations: $(cat "$tmp/err.txt")"
cmp -s <(sort "$tmp/out.jsonl") "$tmp/jobs1" || fail "confirming in batches of 7 changed the findings"
# Past the limit of nominations a check runs over everything: the same findings.
ALOT_LEDGER_CANDIDATES_MAX=3 audit "$multi" --verbose
grep -q "^alot-ledger: confirm credit-balance: all users (too many nominated to list)$" "$tmp/err.txt" ||
	fail "no fallback to all users: $(cat "$tmp/err.txt")"
cmp -s <(sort "$tmp/out.jsonl") "$tmp/jobs1" || fail "confirming over everything changed the findings"
# A clean database is proved clean by the scan alone: nothing is nominated, no query runs.
audit "$clean" --verbose
[ "$rc" = 0 ] && ! grep -q "confirm" "$tmp/err.txt" && grep -q "^alot-ledger: scan: 1 pass over 9 tables" "$tmp/err.txt" ||
	fail "the clean database was not proved clean by the scan: $(cat "$tmp/err.txt")"
echo "ok: the scan nominates, the checks confirm (in batches, or over everything past the limit)"

# ---- a memory limit splits the scan into passes, with the same findings -------------------
audit "$multi" --memory-limit 2k --verbose
passes=$(sed -n 's/^alot-ledger: scan: \([0-9]*\) passes over 9 tables.*/\1/p' "$tmp/err.txt")
[ -n "$passes" ] && [ "$passes" -ge 4 ] || fail "--memory-limit 2k: $(cat "$tmp/err.txt")"
cmp -s <(sort "$tmp/out.jsonl") "$tmp/jobs1" || fail "$passes passes found other findings than one"
echo "ok: --memory-limit 2k scans in $passes passes and finds the same"

# ---- rows out of time order are detected and walked in order ------------------------------
# A user's transactions stored newest first: physical order is not time order.
order="t_ledger_order_$$"
dbs+=("$order")
q postgres "CREATE DATABASE $order TEMPLATE $clean"
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee10', 'late@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned, total_spent) VALUES ('00000000-0000-4000-8000-00000000ee10', 250, 300, 50);
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('00000000-0000-4000-8000-00000000ee10', -50, 300, 250, 'redemption', '2026-03-03'),
	  ('00000000-0000-4000-8000-00000000ee10', 200, 100, 300, 'admin_grant', '2026-03-02'),
	  ('00000000-0000-4000-8000-00000000ee10', 100, 0, 100, 'admin_grant', '2026-03-01');" >/dev/null
audit "$order" --verbose
[ "$rc" = 0 ] && grep -q "^alot-ledger: scan: 1 user's transactions came out of time order: the chain is walked in order$" "$tmp/err.txt" &&
	grep -q "^alot-ledger: confirm credit-chain: 1 user$" "$tmp/err.txt" ||
	fail "a valid chain stored out of order: exit $rc $(cat "$tmp/err.txt" "$tmp/out.jsonl")"
# The probe of dropped nominations can see one: the re-check of a chain out of
# order is the one nomination that may find nothing (it is not a suspicion:
# the scan cannot walk such a chain), and the probe names it.
set +e
ALOT_LEDGER_TEST_DROPS=1 PGOPTIONS="-c default_transaction_read_only=on" "$hooks_bin" -d "dbname=$order" >/dev/null 2>"$tmp/drops.unsorted"
set -e
sort "$tmp/drops.unsorted" >"$tmp/drops.err"
[ "$(grep "found nothing" "$tmp/drops.err")" = "alot-ledger-hooks: test: credit-balance: the re-check of user {00000000-0000-4000-8000-00000000ee10} found nothing
alot-ledger-hooks: test: credit-chain: the re-check of user {00000000-0000-4000-8000-00000000ee10} found nothing" ] ||
	fail "the probe of dropped nominations did not name the re-checked chain: $(cat "$tmp/drops.err")"
! grep -a -q ALOT_LEDGER_TEST_DROPS "$ledger_bin" || fail "the release alot-ledger contains the test hook"
# The same rows with a break in the middle: found, and diagnosed in time order.
q "$order" "UPDATE credit_transactions SET balance_before = 120, balance_after = 320
             WHERE user_id = '00000000-0000-4000-8000-00000000ee10' AND created_at = '2026-03-02'" >/dev/null
audit "$order" --check credit-chain
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/out.jsonl")" = 1 ] && grep -q '"message":"user 00000000-0000-4000-8000-00000000ee10: ' "$tmp/out.jsonl" ||
	fail "a broken chain stored out of order: $(cat "$tmp/out.jsonl")"
echo "ok: transactions out of time order are detected and their chains walked in order"

# A back-dated row consumes the next row as lookahead; the next user's chain
# must still start from 0 (it once went on from the previous user's balance).
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee21', 'a@example.com', 'x'),
	  ('00000000-0000-4000-8000-00000000ee22', 'b@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned) VALUES ('00000000-0000-4000-8000-00000000ee21', 200, 200),
	  ('00000000-0000-4000-8000-00000000ee22', 100, 100);
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('00000000-0000-4000-8000-00000000ee21', 100, 0, 100, 'admin_grant', '2026-04-01'),
	  ('00000000-0000-4000-8000-00000000ee21', 50, 150, 200, 'admin_grant', '2026-04-02'),
	  ('00000000-0000-4000-8000-00000000ee21', 50, 100, 150, 'admin_grant', '2026-04-03'),
	  ('00000000-0000-4000-8000-00000000ee22', 100, 0, 100, 'admin_grant', '2026-04-01');" >/dev/null
audit "$order" --check credit-chain --engine=sql
[ "$(grep -c 'back-dated row' "$tmp/out.jsonl")" = 1 ] && ! grep -q '00000000-0000-4000-8000-00000000ee22' "$tmp/out.jsonl" ||
	fail "the chain after a back-dated row: $(cat "$tmp/out.jsonl")"
echo "ok: after a back-dated row, the next user's chain starts from 0"

# An undated transaction of a user without a credits row (the design
# document's trigger leaves such users): no order to walk, still found.
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee30', 'undated@example.com', 'x');
	INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at)
	VALUES ('00000000-0000-4000-8000-00000000ee30', 100, 0, 100, 'admin_grant', NULL);" >/dev/null
audit "$order" --check credit-missing-account
[ "$rc" = 1 ] && grep -q '"table":"users","id":"00000000-0000-4000-8000-00000000ee30"' "$tmp/out.jsonl" ||
	fail "an undated transaction without a credits row: $(cat "$tmp/out.jsonl")"
echo "ok: a user with only an undated transaction and no credits row is found"

# An undated transaction in the middle of a chain: the chain's diagnosis
# names it as undated, and where its balances place it, not as two drifts.
U50=00000000-0000-4000-8000-00000000ee50
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	INSERT INTO users (id, email, hashed_password) VALUES ('$U50', 'nodate@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned) VALUES ('$U50', 250, 250);
	INSERT INTO credit_transactions (id, user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('00000000-0000-4000-8000-0000000050a1', '$U50', 100, 0, 100, 'admin_grant', '2026-06-01'),
	  ('00000000-0000-4000-8000-0000000050a2', '$U50', 50, 100, 150, 'admin_grant', NULL),
	  ('00000000-0000-4000-8000-0000000050a3', '$U50', 50, 150, 200, 'admin_grant', '2026-06-03'),
	  ('00000000-0000-4000-8000-0000000050a4', '$U50', 50, 200, 250, 'admin_grant', '2026-06-04');" >/dev/null
for scope in "--user $U50" ""; do
	# shellcheck disable=SC2086
	audit "$order" --check credit-chain $scope
	[ "$rc" = 1 ] && [ "$(grep -c "$U50" "$tmp/out.jsonl")" = 1 ] || fail "an undated transaction in a chain ($scope): $(cat "$tmp/out.jsonl")"
	expect_finding credit-chain id='"00000000-0000-4000-8000-0000000050a2"' expected='"a created_at"' actual=null \
		message="\"user $U50: no date: transaction 00000000-0000-4000-8000-0000000050a2 has no created_at; its balances (100 to 150) place it just before transaction 00000000-0000-4000-8000-0000000050a3\""
done
# One that bridges no break of the chain: still named, and the break is a drift.
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	UPDATE credit_transactions SET balance_before = 110, balance_after = 160 WHERE id = '00000000-0000-4000-8000-0000000050a2'" >/dev/null
audit "$order" --check credit-chain --user "$U50"
expect_finding credit-chain id='"00000000-0000-4000-8000-0000000050a2"' actual=null \
	message="\"user $U50: no date: transaction 00000000-0000-4000-8000-0000000050a2 has no created_at, so it has no place in the chain (balance 110 to 160), and fits at no break of it\""
expect_finding credit-chain id='"00000000-0000-4000-8000-0000000050a3"' \
	message="\"user $U50: drift: balance_before jumps to 150, the chain stood at 100 (+50 credits) and goes on from there: a missing row, or this row (admin_grant, +50 credits) written from a stale balance\""
echo "ok: an undated transaction is named as undated, and placed where its balances fit"

# credit-balance places an undated transaction as the chain does: the
# ledger ends at the last dated row, or at the undated row that continues
# it; never at an undated row because NULL sorts first.  U50's balance is
# its true end (250) with the undated row fitting nowhere (above) and in
# the middle; U51's undated row continues the chain's end.
U51=00000000-0000-4000-8000-00000000ee51
q "$order" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	INSERT INTO users (id, email, hashed_password) VALUES ('$U51', 'nodate-end@example.com', 'x');
	INSERT INTO user_universal_credits (user_id, balance, total_earned) VALUES ('$U51', 180, 180);
	INSERT INTO credit_transactions (id, user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('00000000-0000-4000-8000-0000000051a1', '$U51', 100, 0, 100, 'admin_grant', '2026-06-01'),
	  ('00000000-0000-4000-8000-0000000051a2', '$U51', 80, 100, 180, 'admin_grant', NULL),
	  ('00000000-0000-4000-8000-0000000051a3', '$U51', 500, 700, 1200, 'admin_grant', NULL);
	UPDATE user_universal_credits SET total_earned = 680 WHERE user_id = '$U51'" >/dev/null
for fit in nowhere middle; do
	[ "$fit" = nowhere ] || q "$order" "UPDATE credit_transactions SET balance_before = 100, balance_after = 150
		WHERE id = '00000000-0000-4000-8000-0000000050a2'" >/dev/null
	for u in "$U50" "$U51"; do
		audit "$order" --check credit-balance --user "$u"
		[ "$rc" = 0 ] || fail "credit-balance with an undated transaction ($fit, $u): $(cat "$tmp/out.jsonl")"
	done
done
# A wrong balance is measured from the true end, not from the undated row.
q "$order" "UPDATE user_universal_credits SET balance = 240 WHERE user_id = '$U50'" >/dev/null
audit "$order" --check credit-balance --user "$U50"
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/out.jsonl")" = 1 ] || fail "credit-balance after an undated transaction: $(cat "$tmp/out.jsonl")"
expect_finding credit-balance expected='"250"' actual='"240"' amount=10 \
	message="\"user $U50: the balance is 240, the ledger ends at 250\""
q "$order" "UPDATE user_universal_credits SET balance = 250 WHERE user_id = '$U50'" >/dev/null
echo "ok: credit-balance ends the ledger where the chain places its undated transactions"

# ---- one stale balance, one loss: the findings that follow from the chain say so -----------
# Each user: a grant of 1000, a grant of 100, then a redemption of 100
# written from the balance before that grant (1000, not 1100): 100 credits
# vanish from the chain.  The credits row: U60's kept by the amounts (the
# true balance, 1000); U61's never saw the redemption (1100, spent 0);
# U62's written from the same stale state (900, earned 1000: the grant lost).
# U63, the demo's case (scripts/demo.d/80-audit.sh): a grant of 100 written
# from 0 while the chain stood at 1000, which its credits row never saw.
stale="t_ledger_stale_$$"
dbs+=("$stale")
q postgres "CREATE DATABASE $stale TEMPLATE $clean"
stale_rows() {  # stale_rows N: the three transactions of user ...ee6N
	local u=00000000-0000-4000-8000-00000000ee6$1 t=00000000-0000-4000-8000-000000006$1
	echo "INSERT INTO users (id, email, hashed_password) VALUES ('$u', 'stale$1@example.com', 'x');
	INSERT INTO credit_transactions (id, user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('${t}a1', '$u', 1000, 0, 1000, 'admin_grant', '2026-07-01'),
	  ('${t}a2', '$u', 100, 1000, 1100, 'admin_grant', '2026-07-02'),
	  ('${t}a3', '$u', -100, 1000, 900, 'redemption', '2026-07-03');"
}
q "$stale" "ALTER TABLE credit_transactions DISABLE TRIGGER USER;
	$(stale_rows 0) $(stale_rows 1) $(stale_rows 2)
	INSERT INTO users (id, email, hashed_password) VALUES ('00000000-0000-4000-8000-00000000ee63', 'stale3@example.com', 'x');
	INSERT INTO credit_transactions (id, user_id, amount, balance_before, balance_after, transaction_type, created_at) VALUES
	  ('00000000-0000-4000-8000-0000000063a1', '00000000-0000-4000-8000-00000000ee63', 1000, 0, 1000, 'admin_grant', '2026-07-01'),
	  ('00000000-0000-4000-8000-0000000063a2', '00000000-0000-4000-8000-00000000ee63', 100, 0, 100, 'admin_grant', '2026-07-02');
	INSERT INTO user_universal_credits (id, user_id, balance, total_earned, total_spent) VALUES
	  ('00000000-0000-4000-8000-0000000060c0', '00000000-0000-4000-8000-00000000ee60', 1000, 1100, 100),
	  ('00000000-0000-4000-8000-0000000060c1', '00000000-0000-4000-8000-00000000ee61', 1100, 1100, 0),
	  ('00000000-0000-4000-8000-0000000060c2', '00000000-0000-4000-8000-00000000ee62', 900, 1000, 100),
	  ('00000000-0000-4000-8000-0000000060c3', '00000000-0000-4000-8000-00000000ee63', 1000, 1000, 0);" >/dev/null
audit "$stale"
python3 - "$tmp/out.jsonl" <<'PY' || fail "one stale balance: $(cat "$tmp/out.jsonl")"
import json, sys
got = sorted(json.dumps(json.loads(l), sort_keys=True) for l in open(sys.argv[1]))
U = "00000000-0000-4000-8000-00000000ee6"
def f(check, table, id, expected, actual, message, amount=None):
    d = {"check": check, "severity": "error", "table": table, "id": id, "expected": expected, "actual": actual, "message": message}
    if amount is not None:
        d.update(amount=amount, unit="credits")
    return d
want = []
for n in "012":
    want.append(f("credit-chain", "credit_transactions", "00000000-0000-4000-8000-000000006%sa3" % n, "1100", "1000",
                  "user %s%s: drift: balance_before jumps to 1000, the chain stood at 1100 (-100 credits) and goes on from"
                  " there: a missing row, or this row (redemption, -100 credits) written from a stale balance" % (U, n), 100.0))
want.append(f("credit-balance", "user_universal_credits", "00000000-0000-4000-8000-0000000060c0", "900", "1000",
              "user %s0: the balance is 1000, the ledger ends at 900: of the +100 credits, +100 follow from the credit-chain"
              " finding (the ledger's amounts sum to 1000: its balances lost 100 credits), none is the balance's own" % U))
want.append(f("credit-balance", "user_universal_credits", "00000000-0000-4000-8000-0000000060c1", "900", "1100",
              "user %s1: the balance is 1100, the ledger ends at 900: of the +200 credits, +100 follow from the credit-chain"
              " finding (the ledger's amounts sum to 1000: its balances lost 100 credits), +100 from the credit-totals"
              " finding (the totals give 1100), none is the balance's own" % U))
want.append(f("credit-totals", "user_universal_credits", "00000000-0000-4000-8000-0000000060c1", "100", "0",
              "user %s1: total_spent is 0, the ledger sums to 100" % U, 100.0))
want.append(f("credit-totals", "user_universal_credits", "00000000-0000-4000-8000-0000000060c2", "1100", "1000",
              "user %s2: total_earned is 1000, the ledger sums to 1100: it follows from the credit-chain finding: the totals"
              " give 900, where the ledger's balances end, while its amounts sum to 1000 (-100 credits)" % U))
want.append(f("credit-chain", "credit_transactions", "00000000-0000-4000-8000-0000000063a2", "1000", "0",
              "user %s3: drift: balance_before jumps to 0, the chain stood at 1000 (-1000 credits) and goes on from"
              " there: a missing row, or this row (admin_grant, +100 credits) written from a stale balance" % U, 1000.0))
want.append(f("credit-balance", "user_universal_credits", "00000000-0000-4000-8000-0000000060c3", "100", "1000",
              "user %s3: the balance is 1000, the ledger ends at 100: of the +900 credits, +1000 follow from the credit-chain"
              " finding (the ledger's amounts sum to 1100: its balances lost 1000 credits), -100 from the credit-totals"
              " finding (the totals give 1000), none is the balance's own" % U))
want.append(f("credit-totals", "user_universal_credits", "00000000-0000-4000-8000-0000000060c3", "1100", "1000",
              "user %s3: total_earned is 1000, the ledger sums to 1100" % U, 100.0))
want = sorted(json.dumps(w, sort_keys=True) for w in want)
if got != want:
    for l in sorted(set(got) ^ set(want)):
        print(("got  " if l in got else "want ") + l, file=sys.stderr)
    sys.exit(1)
PY
# The text report counts each credit once: what each stale row's balances
# lost (100, 100, 100, 1000), and what U61's and U63's rows never saw (100 each).
set +e; ledger -d "dbname=$stale" >"$tmp/text.txt"; set -e
grep -q '^FAIL  credit-chain             4 findings, 1300 credits involved$' "$tmp/text.txt" &&
	grep -q '^FAIL  credit-balance           3 findings$' "$tmp/text.txt" &&
	grep -q '^FAIL  credit-totals            3 findings, 200 credits involved$' "$tmp/text.txt" ||
	fail "one stale balance, text report: $(cat "$tmp/text.txt")"
echo "ok: one stale balance is one loss: the balance and totals findings say what follows from the chain's, counted once"

# ---- random damage: the scan finds exactly what the plain queries find ----------------------
# Forty mutations, each applied on top of the ones before (a seeded random row
# each time), and after each the two engines must agree line for line, and
# every key the scan nominated is confirmed by a finding.
fuzz="t_ledger_fuzz_$$"
dbs+=("$fuzz")
q postgres "CREATE DATABASE $fuzz TEMPLATE $clean"
# (lottery_draws: migration 0011 makes draws append-only; its mutations below need the trigger off.)
q "$fuzz" "ALTER TABLE credit_transactions DISABLE TRIGGER USER; ALTER TABLE room_entries DISABLE TRIGGER USER;
           ALTER TABLE rooms DISABLE TRIGGER USER; ALTER TABLE lottery_draws DISABLE TRIGGER USER;
           ALTER TABLE room_entries DROP CONSTRAINT excl_room_entries_no_overlap;
           ALTER TABLE credit_transactions DROP CONSTRAINT chk_balance_consistency;
           ALTER TABLE credit_transactions DROP CONSTRAINT chk_credit_tx_balances;
           ALTER TABLE credit_transactions DROP CONSTRAINT chk_credit_tx_type;
           ALTER TABLE user_universal_credits DROP CONSTRAINT chk_balance_positive;" >/dev/null
pick() { echo "(SELECT id FROM $1 ORDER BY random() LIMIT 1)"; }
mutations=(
	"UPDATE credit_transactions SET amount = amount + 3 WHERE id = $(pick credit_transactions)"
	"UPDATE credit_transactions SET balance_before = balance_before - 5 WHERE id = $(pick credit_transactions)"
	"UPDATE credit_transactions SET created_at = created_at - interval '400 days' WHERE id = $(pick credit_transactions)"
	"UPDATE credit_transactions SET user_id = (SELECT id FROM users ORDER BY random() LIMIT 1) WHERE id = $(pick credit_transactions)"
	"UPDATE credit_transactions SET transaction_type = 'expiry' WHERE id = $(pick credit_transactions)"
	"INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, room_entry_id, created_at) SELECT user_id, amount, balance_before, balance_after, transaction_type, room_entry_id, created_at FROM credit_transactions WHERE id = $(pick credit_transactions)"
	"UPDATE room_entries SET tickets_end = tickets_end + 1 WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET ticket_count = ticket_count + 1 WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET user_id = (SELECT id FROM users ORDER BY random() LIMIT 1) WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET amount_paid = amount_paid + 0.5 WHERE id = (SELECT id FROM room_entries WHERE amount_paid IS NOT NULL ORDER BY random() LIMIT 1)"
	"UPDATE room_entries SET credits_spent = credits_spent + 10 WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET credits_awarded = 50 WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET is_winner = NOT coalesce(is_winner, false) WHERE id = $(pick room_entries)"
	"UPDATE rooms SET status = (ARRAY['created','open','funded','settled','expired','closed'])[1 + floor(random() * 6)::int] WHERE id = $(pick rooms)"
	"UPDATE rooms SET current_funding = current_funding + 1 WHERE id = $(pick rooms)"
	"UPDATE rooms SET opened_at = NULL WHERE id = $(pick rooms)"
	"UPDATE room_entry_purchases SET amount = amount + 1 WHERE id = $(pick room_entry_purchases)"
	"UPDATE room_entry_purchases SET status = 'refunded', refunded_amount = amount, refund_choice = 'credits', credits_converted = round(amount * 100) WHERE id = $(pick room_entry_purchases)"
	"UPDATE room_entry_purchases SET user_id = (SELECT id FROM users ORDER BY random() LIMIT 1) WHERE id = $(pick room_entry_purchases)"
	"UPDATE lottery_draws SET winning_ticket = winning_ticket + 1 WHERE id = $(pick lottery_draws)"
	"UPDATE lottery_draws SET winner_user_id = (SELECT id FROM users ORDER BY random() LIMIT 1) WHERE id = $(pick lottery_draws)"
	"UPDATE reveals SET status = (ARRAY['pending','revealed_lost','revealed_won','shipped'])[1 + floor(random() * 4)::int] WHERE id = $(pick reveals)"
	"DELETE FROM reveals WHERE id = $(pick reveals)"
	"UPDATE users SET total_spent = total_spent + 0.25 WHERE id = $(pick users)"
	"UPDATE user_universal_credits SET total_earned = total_earned - 1 WHERE id = $(pick user_universal_credits)"
	"DELETE FROM user_universal_credits WHERE id = $(pick user_universal_credits)"
	"UPDATE credit_transactions SET room_id = (SELECT id FROM rooms ORDER BY random() LIMIT 1) WHERE id = (SELECT id FROM credit_transactions WHERE room_id IS NOT NULL ORDER BY random() LIMIT 1)"
	"UPDATE credit_transactions SET transaction_type = 'admin_deduct' WHERE id = (SELECT id FROM credit_transactions WHERE amount > 0 ORDER BY random() LIMIT 1)"
	"INSERT INTO room_entry_purchases (room_id, user_id, amount, status) SELECT room_id, user_id, amount, status FROM room_entry_purchases WHERE id = $(pick room_entry_purchases)"
	"UPDATE room_entries SET purchase_id = (SELECT purchase_id FROM room_entries WHERE purchase_id IS NOT NULL ORDER BY random() LIMIT 1) WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET credits_awarded = 25 WHERE id = (SELECT room_entry_id FROM credit_transactions WHERE transaction_type = 'entry_purchase' ORDER BY random() LIMIT 1)"
	"INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, room_id, purchase_id, created_at) SELECT user_id, amount, balance_before, balance_after, transaction_type, room_id, purchase_id, created_at FROM credit_transactions WHERE id = (SELECT id FROM credit_transactions WHERE transaction_type = 'expired_conversion' ORDER BY random() LIMIT 1)"
	"UPDATE room_entries SET created_at = created_at - interval '40 days' WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET created_at = created_at + interval '90 days' WHERE id = $(pick room_entries)"
	"UPDATE room_entries SET created_at = NULL WHERE id = $(pick room_entries)"
	"UPDATE credit_transactions SET created_at = created_at + interval '30 days' WHERE id = $(pick credit_transactions)"
	"UPDATE room_entry_purchases SET completed_at = localtimestamp + interval '1 day' WHERE id = $(pick room_entry_purchases)"
	"UPDATE lottery_draws SET drawn_at = drawn_at + interval '10 days' WHERE id = $(pick lottery_draws)"
	"UPDATE rooms SET deadline = deadline - interval '60 days' WHERE id = $(pick rooms)"
)
for i in $(seq 1 40); do
	m=${mutations[$(( (i * 7) % ${#mutations[@]} ))]}
	psql -X -q -d "$fuzz" -c "SELECT setseed(0.$((i * 37 % 1000)))" -c "$m" >/dev/null 2>&1 || true
	audit "$fuzz" || fail "after mutation $i ($m)"
	no_dropped_nominations "$fuzz" "after mutation $i ($m)"
done
[ "$rc" = 1 ] || fail "forty mutations left the database clean"
echo "ok: forty random mutations, and after each the scan and the plain queries agree, and no nomination was dropped ($(wc -l <"$tmp/out.jsonl") findings)"

# A scoped audit never finds less within its scope than the whole audit finds
# there, and nothing the whole audit does not: a --user audit covers the
# user's rows (credits, transactions, entries, purchases, draws won, reveals),
# a --room audit the room's (the room, its entries, purchases, draws, reveals
# and transactions; credit-chain is a user's whole chain, run with --user).
sort "$tmp/out.jsonl" >"$tmp/whole.jsonl"
scope_rows() {  # scope_rows user|room ID: the ids of the rows that scope covers
	if [ "$1" = user ]; then
		q "$fuzz" "SELECT '$2' UNION SELECT id::text FROM user_universal_credits WHERE user_id = '$2'
		  UNION SELECT id::text FROM credit_transactions WHERE user_id = '$2' UNION SELECT id::text FROM room_entries WHERE user_id = '$2'
		  UNION SELECT id::text FROM room_entry_purchases WHERE user_id = '$2' UNION SELECT id::text FROM lottery_draws WHERE winner_user_id = '$2'
		  UNION SELECT id::text FROM reveals WHERE user_id = '$2'"
	else
		q "$fuzz" "SELECT '$2' UNION SELECT id::text FROM room_entries WHERE room_id = '$2'
		  UNION SELECT id::text FROM room_entry_purchases WHERE room_id = '$2' UNION SELECT id::text FROM lottery_draws WHERE room_id = '$2'
		  UNION SELECT id::text FROM reveals WHERE room_id = '$2' UNION SELECT id::text FROM credit_transactions WHERE room_id = '$2'"
	fi
}
scoped_total=0
for kind in user room; do
	# The users and rooms the findings name, and (for users) the owners of the entries they point at.
	ids=$(grep -o "$kind [0-9a-f-]\{36\}" "$tmp/whole.jsonl" | awk '{print $2}' | sort -u | head -4)
	if [ "$kind" = user ]; then
		entries=$(python3 -c '
import json, sys
print(",".join(sorted({"\x27%s\x27" % json.loads(l)["id"] for l in open(sys.argv[1]) if json.loads(l)["table"] == "room_entries"})))' "$tmp/whole.jsonl")
		[ -z "$entries" ] || ids="$ids $(q "$fuzz" "SELECT DISTINCT user_id FROM room_entries WHERE id::text IN ($entries) ORDER BY 1 LIMIT 4")"
	fi
	for id in $ids; do
		scope_rows "$kind" "$id" >"$tmp/rows.txt"
		audit "$fuzz" --"$kind" "$id"
		within=$(python3 -c '
import json, sys
kind, whole, scoped, rows = sys.argv[1], open(sys.argv[2]).read().splitlines(), open(sys.argv[3]).read().splitlines(), set(open(sys.argv[4]).read().split())
need = [l for l in whole if json.loads(l)["id"] in rows and not (kind == "room" and json.loads(l)["check"] == "credit-chain")]
missing = [l for l in need if l not in scoped]
extra = [l for l in scoped if l not in whole]
assert not missing, ("missed", missing[:3])
assert not extra, ("invented", extra[:3])
print(len(need))' "$kind" "$tmp/whole.jsonl" "$tmp/out.jsonl" "$tmp/rows.txt") || fail "--$kind $id against the whole audit"
		scoped_total=$((scoped_total + within))
	done
done
[ "$scoped_total" -gt 0 ] || fail "the scoped audits had nothing of the whole audit's to find"
echo "ok: scoped audits find all the whole audit finds within their scope, and nothing else ($scoped_total findings)"

# ---- the auditor role is enough ---------------------------------------------------
# alot_auditor's own default_transaction_read_only does not reach a login
# granted it: such a login can write (a temporary table), and is refused.
q postgres "CREATE ROLE $role LOGIN IN ROLE alot_auditor" >/dev/null
PGUSER=$role psql -X -q -d "$clean" -c "CREATE TEMP TABLE t_probe (x int)" >"$tmp/probe.err" 2>&1 ||
	fail "the fixture's login cannot write: the refusal below would prove nothing: $(cat "$tmp/probe.err")"
set +e
PGUSER=$role "$ledger_bin" -d "dbname=$multi" --jobs 2 --format json >"$tmp/role.jsonl" 2>"$tmp/role.err"
role_rc=$?
set -e
[ "$role_rc" = 2 ] && [ ! -s "$tmp/role.jsonl" ] &&
	grep -q "^alot-ledger: the session of role \"$role\" can write (default_transaction_read_only is off): the audit runs only from a read-only session$" "$tmp/role.err" &&
	grep -q "^alot-ledger: hint: .*ALTER ROLE $role SET default_transaction_read_only = on.*--allow-writable" "$tmp/role.err" ||
	fail "a writable auditor login: exit $role_rc $(cat "$tmp/role.jsonl" "$tmp/role.err")"
# The login path of docs/ledger.md: the setting on the login role itself.
q postgres "ALTER ROLE $role SET default_transaction_read_only = on" >/dev/null
if PGUSER=$role psql -X -q -d "$clean" -c "CREATE TEMP TABLE t_probe (x int)" >/dev/null 2>&1; then
	fail "the read-only login can still write"
fi
set +e
PGUSER=$role "$ledger_bin" -d "dbname=$multi" --jobs 2 --format json >"$tmp/role.jsonl" 2>"$tmp/role.err"
role_rc=$?
set -e
[ "$role_rc" = 1 ] && [ "$(sort "$tmp/role.jsonl" | cmp - "$tmp/jobs1" && echo same)" = same ] ||
	fail "as a read-only alot_auditor login: exit $role_rc $(cat "$tmp/role.err")"
# A superuser session is writable: refused, unless --allow-writable.
set +e
"$ledger_bin" -d "dbname=$multi" --format json >"$tmp/su.jsonl" 2>"$tmp/su.err"
su_rc=$?
"$ledger_bin" -d "dbname=$multi" --format json --allow-writable >"$tmp/su2.jsonl" 2>"$tmp/su2.err"
su2_rc=$?
set -e
[ "$su_rc" = 2 ] && [ ! -s "$tmp/su.jsonl" ] && grep -q "can write" "$tmp/su.err" || fail "a writable superuser session: exit $su_rc $(cat "$tmp/su.err")"
[ "$su2_rc" = 1 ] && cmp -s <(sort "$tmp/su2.jsonl") "$tmp/jobs1" || fail "--allow-writable: exit $su2_rc $(cat "$tmp/su2.err")"
echo "ok: only a read-only session audits: a writable alot_auditor login is refused, the read-only login runs the whole audit, --allow-writable overrides"

# ---- a database built with the design document's schema, and its triggers' data ------
doc="t_ledger_doc_$$"
dbs+=("$doc")
createdb "$doc"
psql -X -q -v ON_ERROR_STOP=1 -d "$doc" -f "$ALOT_SRC/tests/fixtures/design-doc-schema.sql" >/dev/null
q "$doc" "
INSERT INTO users (id, email, hashed_password) VALUES
  ('00000000-0000-4000-8000-0000000000a1', 'ann@example.com', 'x'), ('00000000-0000-4000-8000-0000000000a2', 'bob@example.com', 'x');
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('00000000-0000-4000-8000-0000000000b1', 'Sub', 'watch', 'GRAIL', 9000, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, status, entry_bundles, opened_at)
VALUES ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000b1', 100, '2030-01-01', 'open', '[]', now());
INSERT INTO room_entry_purchases (id, room_id, user_id, amount, status)
VALUES ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', 5, 'succeeded');
INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, amount_paid, purchase_id)
VALUES ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', 1, 5, 5, 'cash', 5, '00000000-0000-4000-8000-0000000000d1');
INSERT INTO room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type, credits_spent)
VALUES ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a2', 6, 10, 5, 'credits', 500);
INSERT INTO user_universal_credits (user_id) VALUES ('00000000-0000-4000-8000-0000000000a2');
INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at)
VALUES ('00000000-0000-4000-8000-0000000000a2', 1000, 0, 1000, 'admin_grant', now() - interval '3 minutes');
INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, room_id, room_entry_id, created_at)
VALUES ('00000000-0000-4000-8000-0000000000a2', -500, 1000, 500, 'entry_purchase', '00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000e2', now() - interval '2 minutes');
-- defect f: a transaction from a stale balance, accepted; 500 credits vanish
INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at)
VALUES ('00000000-0000-4000-8000-0000000000a2', 100, 0, 100, 'admin_grant', now() - interval '1 minute');" >/dev/null
[ "$(q "$doc" "SELECT total_tickets || '/' || total_participants FROM rooms")" = "5/1" ] || fail "the document's trigger behaved unexpectedly"
[ "$(q "$doc" "SELECT balance FROM user_universal_credits")" = 100 ] || fail "the document's credit trigger behaved unexpectedly"
audit "$doc"
[ "$rc" = 1 ] && [ "$checks" = "credit-chain credit-totals room-counters user-stats" ] || fail "design-document database: $checks $(cat "$tmp/err.txt")"
grep -q '"message":"user 00000000-0000-4000-8000-0000000000a2: drift: balance_before jumps to 0, the chain stood at 500' "$tmp/out.jsonl" ||
	fail "the vanished credits were not diagnosed"
grep -q 'total_tickets is 5, its entries give 10' "$tmp/out.jsonl" || fail "the uncounted credit entry was not found"
echo "ok: a design-document database: the credit entry its trigger left out, the vanished credits, the totals it never kept"

# ---- the server restarts in the middle of an audit ------------------------------------
set +e
ALOT_LEDGER_PAUSE_AFTER_CHECK="$tmp/paused" ledger -d "dbname=$clean" --jobs 1 >"$tmp/restart.out" 2>"$tmp/restart.err" &
pid=$!
for _ in $(seq 300); do [ -e "$tmp/paused" ] && break; sleep 0.1; done
[ -e "$tmp/paused" ] || fail "the audit never paused"
"$ALOT_TEST_PGCTL" restart -m immediate >/dev/null 2>&1
rm -f "$tmp/paused"
wait $pid
restart_rc=$?
set -e
[ "$restart_rc" = 2 ] || fail "restart: exit $restart_rc, expected 2: $(cat "$tmp/restart.err")"
grep -q "connection to the database lost" "$tmp/restart.err" || fail "restart: no clear message: $(cat "$tmp/restart.err")"
grep -q "the audit did not finish" "$tmp/restart.err" || fail "restart: not said to be incomplete"
if grep -q clean "$tmp/restart.out"; then fail "a broken audit said clean"; fi
for _ in $(seq 50); do q postgres "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
echo "ok: a server restart mid-audit: exit 2, a clear message, never clean"

# ---- command line -----------------------------------------------------------------------
run --help
[ "$cli_rc" = 0 ] && grep -q "Usage:" "$tmp/cli.out" && grep -q -- "--allow-writable" "$tmp/cli.out" &&
	grep -q "with --user,$" "$tmp/cli.out" && grep -q "both: the findings of either audit (the union)" "$tmp/cli.out" || fail "--help"
run --version
[ "$cli_rc" = 0 ] && grep -q "^alot-ledger (ALOT!) " "$tmp/cli.out" || fail "--version"
run --list-checks
[ "$cli_rc" = 0 ] && [ "$(wc -l <"$tmp/cli.out")" = 23 ] || fail "--list-checks"
run --bogus
[ "$cli_rc" = 2 ] && grep -q 'Try "alot-ledger --help" for more information.' "$tmp/cli.err" || fail "bad option"
run --check no-such-check -d "dbname=$clean"
[ "$cli_rc" = 2 ] && grep -q 'unknown check "no-such-check"' "$tmp/cli.err" || fail "unknown check"
run --room 42
[ "$cli_rc" = 2 ] && grep -q 'invalid value "42" for option --room: not a UUID' "$tmp/cli.err" || fail "bad room"
# A room in upper case is the same room: the same audit, byte for byte.
some_room=$(q "$clean" "SELECT id FROM rooms ORDER BY id LIMIT 1")
run --room "$some_room" -d "dbname=$clean" --format json
cp "$tmp/cli.out" "$tmp/lower.out"
lower_rc=$cli_rc
run --room "${some_room^^}" -d "dbname=$clean" --format json
[ "$cli_rc" = "$lower_rc" ] && [ "$cli_rc" != 2 ] && cmp -s "$tmp/cli.out" "$tmp/lower.out" || fail "an upper-case --room audits differently: $(cat "$tmp/cli.err")"
run --engine fast
[ "$cli_rc" = 2 ] && grep -q 'invalid value "fast" for option --engine: use scan or sql' "$tmp/cli.err" || fail "bad engine"
run --memory-limit 12
[ "$cli_rc" = 2 ] && grep -q 'invalid value "12" for option --memory-limit: give a size of at least 1k' "$tmp/cli.err" || fail "bad limit"
run --explain
[ "$cli_rc" = 0 ] && [ "$(grep -c '^COPY .* TO STDOUT (FORMAT binary);$' "$tmp/cli.out")" = 9 ] || fail "--explain"
run -d "host=/nonexistent dbname=x"
[ "$cli_rc" = 2 ] && grep -q "could not connect to the database" "$tmp/cli.err" || fail "no database"
echo "ok: the command line"
echo "all ledger tests passed"
