# lib.sh - the scaffolding alot-draw's shell tests share (sourced, not run;
# after tests/verify/cli-lib.sh, for fail, run and expect): a database with
# our schema and committed-to-be rooms, funding a room, and the keys of the
# operator, the log and the witnesses, with their witness policy.  The
# sourcing test sets db (its database), tmp (its scratch folder), draw
# (alot-draw) and, for the witnesses, witness (alot-witness).

ORIGIN=alot.example/log

# q SQL: run SQL in $db ($QDB when set), print unaligned tuples.
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "${QDB:-$db}" -c "$1"; }
# id N: the test uuid numbered N.
id() { printf '00000000-0000-4000-8000-%012d' "$1"; }

# new_db: create $db, load our schema, and make it PGDATABASE.
new_db() {
	createdb "$db"
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$ALOT_SRC/sql/schema.sql" >/dev/null
	export PGDATABASE="$db"
}

# add_rooms FIRST LAST BUNDLES: users 1..7, admin 101 (user 7, may execute
# draws), product 50, and rooms FIRST..LAST of it, status 'created', a $20
# target, entry bundles BUNDLES (a JSON array).
add_rooms() {
	q "INSERT INTO users (id, email, hashed_password)
	   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'u' || i || '@example.com', 'x'
	     FROM generate_series(1, 7) AS i;
	   INSERT INTO admin_users (id, user_id, role, permissions, active) VALUES
	     ('$(id 101)', '$(id 7)', 'admin', '{\"can_execute_draws\": true}', true);
	   INSERT INTO product_classes (id, name, category, tier, retail_value, images)
	   VALUES ('$(id 50)', 'Speedmaster', 'watch', 'RARE', 7600, '[]');
	   INSERT INTO rooms (id, product_class_id, funding_target, deadline, entry_bundles)
	   SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '$(id 50)', 20, '2030-01-01', '$3'
	     FROM generate_series($1, $2) AS i;" >/dev/null
}

# fund ROOM: open it, sell its 10 tickets in 2-ticket entries, fund it.
fund() {
	q "UPDATE rooms SET status = 'open', opened_at = now() WHERE id = '$1';
	   SELECT allocate_room_entry('$1', ('00000000-0000-4000-8000-' || lpad((1 + g % 6)::text, 12, '0'))::uuid, 2, 'cash', 2)
	     FROM generate_series(1, 10) AS g ORDER BY g;
	   UPDATE rooms SET status = 'funded', funded_at = clock_timestamp() WHERE id = '$1';" >/dev/null
}

# operator_keys: the operator's signing key ($tmp/sign.pem, $tmp/pub.pem;
# run as "keys") and seal key ($tmp/seal.key; run as "seal"), each made by
# keygen with exit 0, in ALOT_SIGNING_KEY and ALOT_SEAL_KEY.
operator_keys() {
	run keys "$draw" keygen --signing-key "$tmp/sign.pem" --public-key "$tmp/pub.pem"
	expect keys 0
	run seal "$draw" keygen --seal-key "$tmp/seal.key"
	expect seal 0
	export ALOT_SIGNING_KEY="$tmp/sign.pem" ALOT_SEAL_KEY="$tmp/seal.key"
}

# log_key: the log's signing key ($tmp/log.pem, $tmp/logpub.pem; run as
# "logkey", exit 0) and its vkey for origin $ORIGIN, $tmp/log.vkey.
log_key() {
	run logkey "$draw" keygen --signing-key "$tmp/log.pem" --public-key "$tmp/logpub.pem"
	expect logkey 0
	"$draw" log vkey --key "$tmp/log.pem" --origin "$ORIGIN" >"$tmp/log.vkey"
}

# witness_keys W...: for each witness W, its key $tmp/W.pem, $tmp/W.pub (run
# as "wkey_W", exit 0) and its vkey as W.example, $tmp/W.vkey.
witness_keys() {
	local w
	for w in "$@"; do
		run "wkey_$w" "$draw" keygen --signing-key "$tmp/$w.pem" --public-key "$tmp/$w.pub"
		expect "wkey_$w" 0
		"$witness" vkey --key "$tmp/$w.pem" --name "$w.example" >"$tmp/$w.vkey"
	done
}

# wcmd W [KEY_OF]: the command that asks witness W (signing with KEY_OF's key)
# to cosign a checkpoint of the log $tmp/log.vkey, its state in $tmp/state-W.
wcmd() {
	echo "\"$witness\" add-checkpoint --state \"$tmp/state-$1\" --key \"$tmp/${2:-$1}.pem\" --name $1.example --log \"$tmp/log.vkey\""
}

# witness_policy: $tmp/policy, the policy of the log $tmp/log.vkey and the
# witnesses w1 and w2, quorum 2.
witness_policy() {
	printf 'log %s\nwitness %s\nwitness %s\nquorum 2\n' "$(cat "$tmp/log.vkey")" "$(cat "$tmp/w1.vkey")" "$(cat "$tmp/w2.vkey")" \
		>"$tmp/policy"
}
