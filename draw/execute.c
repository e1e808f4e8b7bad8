/*
 * execute.c - "alot-draw execute": draw a funded room's winner, in two
 * transactions that each hold the room's row lock.
 *
 * The start (protocol 2): the room is frozen if it is not (its ledger
 * checked against the lot the commitment binds) and the start of its draw
 * written if missing (room_draw_starts, the server's clock), and both are
 * committed before the seed is touched.  The draw: the ledger is checked
 * again (protocol 2: against the frozen ledger), the seed unsealed, the
 * draw computed and signed with drawn_at = the start and the published
 * freeze record, and every table the draw touches updated.
 *
 * A second run, concurrent or later, finds the draw and prints the same
 * record.  A crash during the draw leaves only the freeze and the start;
 * run again, the draw signs the same bytes (the seed, the lot, the ledger,
 * the freeze record and the start are all fixed by then, and Ed25519 is
 * deterministic), so a record seen by whoever watched an aborted run is
 * the record.  Protocol 1 has no freeze and no start: it draws in the
 * second transaction alone, drawn_at = its clock.
 *
 * Under a NIST beacon rule (docs/protocol.md section 12) the pulses are
 * fixed between the two, before the seed is unsealed too: the start waits
 * for them, and beacon_draw.c stores them with it, in one transaction,
 * once they pass every beacon check; the draw reads them back, and checks
 * its record's beacon evidence again before it signs.
 *
 * The server seed never travels in a statement's text or parameters (which
 * the server may log): the lottery_draws row, and with it the draw record
 * that reveals the seed, goes through COPY FROM STDIN.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/model.h"
#include "alot/record.h"
#include "draw.h"
#include "net/net.h"

static const char usage[] =
	"alot-draw execute draws the winner of a funded room.\n"
	"\n"
	"Usage:\n"
	"  alot-draw execute --room ID --admin ADMIN_ID [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -r, --room=ID           the funded room to draw\n"
	"  -a, --admin=ADMIN_ID    the admin_users id of the admin executing the draw\n"
	"  -k, --signing-key=FILE  Ed25519 private key that signs the record [$ALOT_SIGNING_KEY]\n"
	"  -s, --seal-key=FILE     seal key of the room's server seed [$ALOT_SEAL_KEY]\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Under a NIST beacon rule (the pulse: the first after the freeze's log time):\n"
	"      --beacon-pulse=FILE     the pulse, exactly as NIST served it (air-gapped)\n"
	"      --beacon-previous=FILE  its predecessor, exactly as NIST served it\n"
	"      --beacon-url=URL        fetch them from this beacon API instead\n"
	"                              (default " NET_BEACON_DEFAULT_BASE ")\n"
	"      --cacert=FILE           trust the CA certificates in FILE for HTTPS\n"
	"      --beacon-wait=SECONDS   wait at most this long for the pulse (default 3600)\n"
	"      --beacon-cert=FILE      also trust the beacon certificates in FILE (PEM or DER)\n"
	"                              beside the builtin NIST one; may be repeated\n"
	"\n"
	"Prints the signed draw record. Running it again prints the same record.\n"
	"A room committed under protocol 2 is drawn over its frozen ledger: a room not\n"
	"frozen yet is frozen first (\"alot-draw freeze\"), and the freeze and the\n"
	"start of the draw are committed before the seed is opened. Under a NIST beacon\n"
	"rule the freeze's checkpoint (\"alot-draw log checkpoint --size\") must be\n"
	"cosigned by every witness of the room's policy (\"alot-draw log witness --size\"),\n"
	"and the pulses are stored before the seed is opened.\n";

/* The room and its commitment, as read under the room's lock. */
struct draw_input {
	int exists;
	int drawn;
	char status[32];
	char product_class_id[ALOT_UUID_STRLEN];
	char funding_target[32];
	char funded_at[ALOT_TIMESTAMP_LEN + 1];
	int rooms_total_tickets;
	char *stored_record;          /* lottery_draws.record of an earlier run */
	int committed;
	int commitment_version;       /* room_commitments.protocol_version */
	char commitment_hex[65];
	char sealed_hex[65], nonce_hex[25], tag_hex[33];
	char *commitment_record;
	int frozen;                   /* a room_freezes row exists */
	char started_at[ALOT_TIMESTAMP_LEN + 1]; /* room_draw_starts.started_at, or "" */
	char beacon_rule[ALOT_BEACON_RULE_MAX + 1]; /* room_commitments.beacon_rule */
	int nist;                     /* under a NIST beacon rule */
	int beacon_chosen;            /* a room_draw_beacons row exists */
};

/* What one run draws with. */
struct draw_ctx {
	const draw_options *opts;
	const char *admin;
	const alot_seal_key *seal;
	const alot_signing_key *key;
	const struct beacon_options *beacon;
	const alot_beacon_trust *trust;
};

static void
draw_input_free(struct draw_input *in)
{
	free(in->stored_record);
	free(in->commitment_record);
}

static char *
dup_value(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : strdup(PQgetvalue(res, 0, col));
}

/*
 * The room's lock comes first, in a statement of its own: under READ
 * COMMITTED, a run that waited for the lock sees the other run's draw only
 * in the statements it starts after the lock is granted.
 */
static const char room_sql[] =
	"SELECT r.status, r.product_class_id, r.funding_target,"
	"       to_char(r.funded_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), r.total_tickets"
	"  FROM ONLY rooms r WHERE r.id = $1 FOR UPDATE";

static const char drawn_sql[] = "SELECT record FROM ONLY lottery_draws WHERE room_id = $1";

static const char commitment_sql[] =
	"SELECT c.commitment, encode(c.seed_ciphertext, 'hex'), encode(c.seed_nonce, 'hex'),"
	"       encode(c.seed_tag, 'hex'), c.record, c.protocol_version,"
	"       EXISTS (SELECT 1 FROM ONLY room_freezes f WHERE f.room_id = c.room_id),"
	"       (SELECT to_char(s.started_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
	"          FROM ONLY room_draw_starts s WHERE s.room_id = c.room_id),"
	"       c.beacon_rule, EXISTS (SELECT 1 FROM ONLY room_draw_beacons b WHERE b.room_id = c.room_id)"
	"  FROM ONLY room_commitments c WHERE c.room_id = $1";

static alot_code
read_input(PGconn *conn, const char *room, struct draw_input *in, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	alot_code rc;

	memset(in, 0, sizeof(*in));
	if ((rc = alot_db_exec(conn, room_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if ((in->exists = PQntuples(res) == 1)) {
		snprintf(in->status, sizeof(in->status), "%s", PQgetvalue(res, 0, 0));
		snprintf(in->product_class_id, sizeof(in->product_class_id), "%s", PQgetvalue(res, 0, 1));
		snprintf(in->funding_target, sizeof(in->funding_target), "%s", PQgetvalue(res, 0, 2));
		snprintf(in->funded_at, sizeof(in->funded_at), "%s", PQgetvalue(res, 0, 3));
		in->rooms_total_tickets = atoi(PQgetvalue(res, 0, 4));
	}
	PQclear(res);
	if (!in->exists)
		return ALOT_OK;
	if ((rc = alot_db_exec(conn, drawn_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if ((in->drawn = PQntuples(res) == 1))
		in->stored_record = dup_value(res, 0);
	PQclear(res);
	if (in->drawn)
		return ALOT_OK;
	if ((rc = alot_db_exec(conn, commitment_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if ((in->committed = PQntuples(res) == 1)) {
		snprintf(in->commitment_hex, sizeof(in->commitment_hex), "%s", PQgetvalue(res, 0, 0));
		snprintf(in->sealed_hex, sizeof(in->sealed_hex), "%s", PQgetvalue(res, 0, 1));
		snprintf(in->nonce_hex, sizeof(in->nonce_hex), "%s", PQgetvalue(res, 0, 2));
		snprintf(in->tag_hex, sizeof(in->tag_hex), "%s", PQgetvalue(res, 0, 3));
		in->commitment_record = dup_value(res, 4);
		in->commitment_version = atoi(PQgetvalue(res, 0, 5));
		in->frozen = PQgetvalue(res, 0, 6)[0] == 't';
		snprintf(in->started_at, sizeof(in->started_at), "%s", PQgetvalue(res, 0, 7));
		snprintf(in->beacon_rule, sizeof(in->beacon_rule), "%s", PQgetvalue(res, 0, 8));
		in->nist = in->commitment_version == ALOT_PROTOCOL_V2 && beacon_rule_is_nist(in->beacon_rule);
		in->beacon_chosen = PQgetvalue(res, 0, 9)[0] == 't';
	}
	PQclear(res);
	return ALOT_OK;
}

/* ---- the admin ------------------------------------------------------ */

static const char admin_sql[] =
	"SELECT active IS TRUE, coalesce(permissions -> 'can_execute_draws' = 'true'::jsonb, false)"
	"  FROM admin_users WHERE id = $1";

/* NULL when the admin may draw, else why not. */
static const char *
admin_refusal(PGconn *conn, const char *admin, alot_error *err, int *failed)
{
	const char *params[] = { admin };
	const char *why = NULL;
	PGresult *res;

	*failed = alot_db_exec(conn, admin_sql, 1, params, &res, err) != ALOT_OK;
	if (*failed)
		return NULL;
	if (PQntuples(res) == 0)
		why = "no such admin user";
	else if (PQgetvalue(res, 0, 0)[0] != 't')
		why = "the admin user is not active";
	else if (PQgetvalue(res, 0, 1)[0] != 't')
		why = "the admin user lacks the can_execute_draws permission";
	PQclear(res);
	return why;
}

/* A refused attempt is itself audited, in a transaction of its own. */
static void
log_refusal(PGconn *conn, const char *admin, const char *room, const char *why)
{
	static const char sql[] =
		"INSERT INTO audit_logs (admin_user_id, user_id, action, entity_type, entity_id, details)"
		" SELECT a.id, a.user_id, 'draw_refused', 'lot', $2::uuid,"
		"        jsonb_build_object('reason', $3::text, 'admin_user_id', $1::text)"
		"   FROM (SELECT 1) AS one LEFT JOIN admin_users a ON a.id = $1::uuid";
	const char *params[] = { admin, room, why };
	alot_error err;

	if (alot_db_command(conn, sql, 3, params, &err) != ALOT_OK)
		cli_error("could not write the refusal to the audit log: %s", err.message);
}

/* ---- computing and storing the draw --------------------------------- */

/* Refusals before any secret is touched; 1 when refused (message printed). */
static int
refuse_room(const char *room, const struct draw_input *in)
{
	if (!in->exists)
		cli_error("room %s does not exist", room);
	else if (strcmp(in->status, "funded") != 0)
		cli_error("room %s is %s, not funded: it cannot be drawn", room, in->status);
	else if (!in->committed)
		cli_error("room %s has no seed commitment: it cannot be drawn", room);
	else if (in->funded_at[0] == '\0')
		cli_error("room %s is funded but has no funded_at time", room);
	else
		return 0;
	return 1;
}

/* Unseal the seed and check it against the published commitment of lot. */
static alot_code
unseal_seed(const struct draw_input *in, const alot_lot *lot, const unsigned char record_commitment[ALOT_HASH_LEN],
            const alot_seal_key *seal, unsigned char seed[ALOT_SEED_LEN], alot_error *err)
{
	unsigned char cipher[ALOT_SEED_LEN], nonce[ALOT_SEAL_NONCE_LEN], tag[ALOT_SEAL_TAG_LEN];
	unsigned char stored[ALOT_HASH_LEN], computed[ALOT_HASH_LEN];
	alot_code rc;

	if (alot_hex_decode(in->sealed_hex, cipher, sizeof(cipher), NULL) != ALOT_OK ||
	    alot_hex_decode(in->nonce_hex, nonce, sizeof(nonce), NULL) != ALOT_OK ||
	    alot_hex_decode(in->tag_hex, tag, sizeof(tag), NULL) != ALOT_OK ||
	    alot_hex_decode(in->commitment_hex, stored, sizeof(stored), NULL) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_DB, "the room's stored commitment is malformed");
	if (!alot_ct_equal(stored, record_commitment, ALOT_HASH_LEN))
		return alot_error_set(err, ALOT_ERR_VERIFY, "the room's commitment row and commitment record disagree");
	if ((rc = alot_unseal(seal, lot->room_id.b, ALOT_UUID_LEN, cipher, sizeof(cipher), nonce, tag, seed, err)) != ALOT_OK)
		return alot_error_detail(err, "check that --seal-key is the key the room was committed with");
	alot_lot_commitment(lot, seed, computed);
	if (!alot_ct_equal(computed, stored, ALOT_HASH_LEN)) {
		alot_wipe(seed, ALOT_SEED_LEN);
		return alot_error_set(err, ALOT_ERR_VERIFY, "the unsealed seed does not match the published commitment");
	}
	return ALOT_OK;
}

/* Protocol 1: the lot's inputs and the timestamps, from the room and its commitment record. */
static alot_code
fill_lot_v1(alot_draw_record *rec, const struct draw_input *in, const alot_commitment_record *commitment,
            const alot_signing_key *key, const char *now, alot_error *err)
{
	alot_public_key pub;
	int64_t cents;
	alot_code rc;

	rec->lot.version = ALOT_PROTOCOL_V1;
	rec->lot.room_id = commitment->lot.room_id;
	if ((rc = alot_uuid_parse(in->product_class_id, &rec->lot.product_class_id, err)) != ALOT_OK ||
	    (rc = alot_money_parse(in->funding_target, &cents, err)) != ALOT_OK)
		return rc;
	alot_signing_key_public(key, &pub);
	if (memcmp(pub.key_id, commitment->key_id, ALOT_KEY_ID_LEN) != 0)
		return alot_error_set(err, ALOT_ERR_REFUSED,
		                      "room %s: its commitment was signed with another key than --signing-key",
		                      uuid_text(&commitment->lot.room_id));
	rec->lot.funding_target_cents = (uint64_t)cents;
	memcpy(rec->lot.beacon_rule, commitment->lot.beacon_rule, sizeof(rec->lot.beacon_rule));
	memcpy(rec->committed_at, commitment->committed_at, sizeof(rec->committed_at));
	snprintf(rec->funded_at, sizeof(rec->funded_at), "%s", in->funded_at);
	snprintf(rec->drawn_at, sizeof(rec->drawn_at), "%s", now);
	return ALOT_OK;
}

/* Protocol 2: the committed lot, the times and hash of the freeze record, and drawn_at. */
static void
fill_lot_v2(alot_draw_record *rec, const room_freeze *f, const char *drawn_at)
{
	rec->lot = f->commitment.lot;
	memcpy(rec->committed_at, f->record.committed_at, sizeof(rec->committed_at));
	memcpy(rec->funded_at, f->record.funded_at, sizeof(rec->funded_at));
	memcpy(rec->frozen_at, f->record.frozen_at, sizeof(rec->frozen_at));
	snprintf(rec->drawn_at, sizeof(rec->drawn_at), "%s", drawn_at);
	alot_record_hash(f->text, strlen(f->text), rec->freeze_record_hash);
}

/* ---- storing the draw ------------------------------------------------ */

/*
 * The lottery_draws row goes through COPY: its values (the seed, and the
 * record that reveals it) never appear in a statement's text or
 * parameters, which log_statement would write to the server's log.
 */
static const char copy_draw_sql[] =
	"COPY lottery_draws (room_id, server_seed, client_seed, nonce, total_tickets, combined_seed,"
	"                    winning_ticket, winner_user_id, winner_entry_id, drawn_at,"
	"                    protocol_version, ledger_root, record) FROM STDIN";

/* The values a draw writes, by name; each statement picks its own. */
enum draw_value {
	V_ROOM, V_SEED, V_CLIENT, V_NONCE, V_TOTAL, V_COMBINED, V_TICKET, V_USER, V_ENTRY,
	V_DRAWN_AT, V_VERSION, V_ROOT, V_RECORD, V_ADMIN, V_DIGEST, V_COUNT
};

static const enum draw_value copy_columns[] = {
	V_ROOM, V_SEED, V_CLIENT, V_NONCE, V_TOTAL, V_COMBINED, V_TICKET, V_USER, V_ENTRY,
	V_DRAWN_AT, V_VERSION, V_ROOT, V_RECORD
};

struct statement {
	const char *sql;
	int nparams;
	enum draw_value params[12];
};

/* After the COPY of lottery_draws; none of these carries the seed or the record. */
static const struct statement store_statements[] = {
	{ "UPDATE ONLY room_entries SET is_winner = (id = $2) WHERE room_id = $1 AND is_winner IS DISTINCT FROM (id = $2)",
	  2, { V_ROOM, V_ENTRY } },
	/* Every buyer's reveal, in one pass: created if missing, revealed either way. */
	{ "INSERT INTO reveals AS v (user_id, room_id, room_entry_id, status, revealed_at)"
	  " SELECT DISTINCT ON (e.user_id) e.user_id, e.room_id,"
	  "        CASE WHEN e.user_id = $2 THEN $3 ELSE e.id END,"
	  "        CASE WHEN e.user_id = $2 THEN 'revealed_won' ELSE 'revealed_lost' END, $4::timestamp"
	  "   FROM ONLY room_entries e WHERE e.room_id = $1"
	  "  ORDER BY e.user_id, e.tickets_start"
	  " ON CONFLICT (user_id, room_id) DO UPDATE"
	  "    SET status = EXCLUDED.status, revealed_at = EXCLUDED.revealed_at,"
	  "        room_entry_id = CASE WHEN EXCLUDED.status = 'revealed_won' THEN EXCLUDED.room_entry_id"
	  "                             ELSE v.room_entry_id END",
	  4, { V_ROOM, V_USER, V_ENTRY, V_DRAWN_AT } },
	/* A reveal whose owner has no entry left in the room lost too. */
	{ "UPDATE reveals SET status = 'revealed_lost', revealed_at = $2::timestamp"
	  " WHERE room_id = $1 AND status = 'pending'",
	  2, { V_ROOM, V_DRAWN_AT } },
	{ "UPDATE ONLY rooms SET status = 'settled', drawn_at = $2::timestamp, settled_at = $2::timestamp WHERE id = $1",
	  2, { V_ROOM, V_DRAWN_AT } },
	{ "UPDATE users SET total_won = total_won + 1, updated_at = $2::timestamp WHERE id = $1",
	  2, { V_USER, V_DRAWN_AT } },
	{ "UPDATE admin_users SET last_action_at = $2::timestamp WHERE id = $1",
	  2, { V_ADMIN, V_DRAWN_AT } },
	/* The record's digest, not the record: the record reveals the seed. */
	{ "INSERT INTO audit_logs (admin_user_id, user_id, action, entity_type, entity_id, details, created_at)"
	  " SELECT a.id, a.user_id, 'draw_executed', 'lot', $2,"
	  "        jsonb_build_object('winning_ticket', $3::int, 'winner_entry_id', $4::text,"
	  "                           'winner_user_id', $5::text, 'ledger_root', $6::text,"
	  "                           'nonce', $7::int, 'total_tickets', $8::int,"
	  "                           'record_sha256', $9::text, 'protocol_version', $11::int),"
	  "        $10::timestamp"
	  "   FROM admin_users a WHERE a.id = $1",
	  11, { V_ADMIN, V_ROOM, V_TICKET, V_ENTRY, V_USER, V_ROOT, V_NONCE, V_TOTAL, V_DIGEST,
	        V_DRAWN_AT, V_VERSION } },
};

/* The server's primary message of a failed result, never its detail (which may quote the row). */
static alot_code
copy_failure(PGconn *conn, const PGresult *res, alot_error *err)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (msg == NULL && PQstatus(conn) == CONNECTION_BAD)
		return alot_error_set(err, ALOT_ERR_DB, "connection lost while writing the draw");
	alot_error_set(err, ALOT_ERR_DB, "could not write the draw: %s", msg ? msg : "COPY failed");
	return state ? alot_error_detail(err, "SQLSTATE %s", state) : err->code;
}

/*
 * One row of COPY's text format: the values joined by tabs.  No value
 * may hold a tab, a newline, a carriage return or a backslash (COPY would
 * need them escaped); none does by construction: hex, UUIDs, integers,
 * protocol timestamps and the record's compact JSON, whose strings are all
 * of those.  Checked rather than assumed.
 */
static alot_code
copy_draw_row(PGconn *conn, const char *const *values, alot_error *err)
{
	size_t len = 0, at = 0, i;
	char *row = NULL;
	PGresult *res = NULL;
	alot_code rc = ALOT_OK;

	for (i = 0; i < sizeof(copy_columns) / sizeof(copy_columns[0]); i++) {
		if (strpbrk(values[copy_columns[i]], "\t\n\r\\") != NULL)
			return alot_error_set(err, ALOT_ERR_INTERNAL,
			                      "a value of the draw holds a character COPY would have to escape");
		len += strlen(values[copy_columns[i]]) + 1;
	}
	if ((row = malloc(len)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	for (i = 0; i < sizeof(copy_columns) / sizeof(copy_columns[0]); i++) {
		size_t n = strlen(values[copy_columns[i]]);

		memcpy(row + at, values[copy_columns[i]], n);
		at += n;
		row[at++] = i + 1 < sizeof(copy_columns) / sizeof(copy_columns[0]) ? '\t' : '\n';
	}
	res = PQexec(conn, copy_draw_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = copy_failure(conn, res, err);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (PQputCopyData(conn, row, (int)len) != 1 || PQputCopyEnd(conn, NULL) != 1)
		rc = copy_failure(conn, NULL, err);
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == ALOT_OK)
			rc = copy_failure(conn, res, err);
		PQclear(res);
	}
out:
	alot_wipe(row, len);
	free(row);
	return rc;
}

/* Write the draw everywhere it belongs, in the caller's transaction. */
static alot_code
store_draw(PGconn *conn, const alot_draw_record *rec, const char *room, const char *admin,
           const char *record, alot_error *err)
{
	char seed[65], client[65], combined[65], root[65], digest_hex[65], version[12];
	char nonce[16], total[16], ticket[16], entry[ALOT_UUID_STRLEN], user[ALOT_UUID_STRLEN];
	unsigned char digest[ALOT_HASH_LEN];
	const char *values[V_COUNT], *params[12];
	size_t i;
	int j;
	alot_code rc;

	alot_hex_encode(rec->server_seed, ALOT_SEED_LEN, seed);
	alot_hex_encode(rec->client_seed, ALOT_HASH_LEN, client);
	alot_hex_encode(rec->combined_seed, ALOT_HASH_LEN, combined);
	alot_hex_encode(rec->lot.ledger_root, ALOT_HASH_LEN, root);
	alot_sha256(record, strlen(record), digest);
	alot_hex_encode(digest, ALOT_HASH_LEN, digest_hex);
	snprintf(nonce, sizeof(nonce), "%u", rec->draw.nonce);
	snprintf(total, sizeof(total), "%u", rec->lot.total_tickets);
	snprintf(ticket, sizeof(ticket), "%u", rec->draw.winning_ticket);
	snprintf(version, sizeof(version), "%u", alot_lot_is_v2(&rec->lot) ? ALOT_PROTOCOL_V2 : ALOT_PROTOCOL_V1);
	alot_uuid_format(&rec->winner.entry_id, entry);
	alot_uuid_format(&rec->winner.user_id, user);
	values[V_ROOM] = room; values[V_SEED] = seed; values[V_CLIENT] = client;
	values[V_NONCE] = nonce; values[V_TOTAL] = total; values[V_COMBINED] = combined;
	values[V_TICKET] = ticket; values[V_USER] = user; values[V_ENTRY] = entry;
	values[V_DRAWN_AT] = rec->drawn_at; values[V_VERSION] = version; values[V_ROOT] = root;
	values[V_RECORD] = record; values[V_ADMIN] = admin; values[V_DIGEST] = digest_hex;
	/* lottery_draws first: the entry trigger lets only a drawn entry be the winner. */
	rc = copy_draw_row(conn, values, err);
	alot_wipe(seed, sizeof(seed));
	values[V_SEED] = values[V_RECORD] = NULL;
	for (i = 0; i < sizeof(store_statements) / sizeof(store_statements[0]) && rc == ALOT_OK; i++) {
		const struct statement *st = &store_statements[i];

		for (j = 0; j < st->nparams; j++)
			params[j] = values[st->params[j]];
		rc = alot_db_command(conn, st->sql, st->nparams, params, err);
	}
	return rc;
}

static alot_code
current_time(PGconn *conn, char out[ALOT_TIMESTAMP_LEN + 1], alot_error *err)
{
	PGresult *res;
	alot_code rc = alot_db_exec(conn,
		"SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
		0, NULL, &res, err);

	if (rc == ALOT_OK) {
		snprintf(out, ALOT_TIMESTAMP_LEN + 1, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	return rc;
}

/* Free a string that may hold the secret seed (a draw record not yet committed). */
static void
free_secret(char *s)
{
	if (s != NULL) {
		alot_wipe(s, strlen(s));
		free(s);
	}
}

/* The commitment record of the room, parsed: its version must be the row's. */
static alot_code
parse_commitment(const struct draw_input *in, const alot_uuid *room, alot_commitment_record *out,
                 alot_error *err)
{
	alot_record *rec = malloc(sizeof(*rec));
	alot_code rc = ALOT_OK;

	if (rec == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if (in->commitment_record == NULL ||
	    alot_record_parse(in->commitment_record, strlen(in->commitment_record), rec, err) != ALOT_OK ||
	    rec->type != ALOT_RECORD_COMMITMENT || !alot_uuid_equal(&rec->u.commitment.lot.room_id, room))
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "its stored commitment record is not a commitment record of the room");
	else if ((int)rec->u.commitment.lot.version != in->commitment_version)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "its commitment row says protocol %d, its record protocol %u",
		                    in->commitment_version, rec->u.commitment.lot.version);
	else
		*out = rec->u.commitment;
	free(rec);
	return rc;
}

/* ---- the start of the draw (protocol 2) ----------------------------- */

/* Written once, at the server's clock; a later run keeps the first one's. */
static const char start_sql[] =
	"INSERT INTO room_draw_starts (room_id, started_at)"
	" VALUES ($1, clock_timestamp() AT TIME ZONE 'UTC') ON CONFLICT (room_id) DO NOTHING";

/*
 * Before the seed is touched: a protocol 2 room is frozen when it is not
 * (*f, f->created when this call froze it) and the start of its draw
 * written when missing; the caller commits.  Nothing to do under protocol
 * 1.  A room frozen and started already is left as it is: the draw's own
 * transaction checks the ledger against the freeze.  Under a NIST beacon
 * rule the start waits for the pulses (beacon_choose() writes both).
 */
static alot_code
start_draw(PGconn *conn, const struct draw_input *in, const draw_options *opts,
           const alot_signing_key *key, room_freeze *f, alot_error *err)
{
	const char *params[] = { opts->room };
	alot_commitment_record commitment;
	alot_code rc;

	if ((rc = parse_commitment(in, &opts->room_id, &commitment, err)) != ALOT_OK) {
		if (rc == ALOT_ERR_VERIFY)
			alot_error_prefix(err, "room %s", opts->room);
		return rc;
	}
	if (!alot_lot_is_v2(&commitment.lot) || (in->frozen && in->started_at[0] != '\0'))
		return ALOT_OK;
	if ((rc = check_commitment_key(opts->room, &commitment, key, err)) != ALOT_OK)
		return rc;
	/* freeze_room()'s messages name the room already. */
	if (!in->frozen &&
	    (rc = freeze_room(conn, opts->room, &opts->room_id, in->commitment_record, key, f, err)) != ALOT_OK)
		return rc;
	if (in->nist && !in->beacon_chosen)
		return ALOT_OK;
	return alot_db_command(conn, start_sql, 1, params, err);
}

/* ---- the draw ------------------------------------------------------- */

/*
 * Compute, sign and store the draw; the caller commits.  Protocol 2: over
 * the frozen ledger (checked again here), drawn_at the start of the draw;
 * protocol 1: over the entries, drawn_at now.  *record is the text.
 */
static alot_code
compute_draw(PGconn *conn, const struct draw_input *in, const struct draw_ctx *ctx, char **record,
             alot_error *err)
{
	const draw_options *opts = ctx->opts;
	const alot_signing_key *key = ctx->key;
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_commitment_record commitment;
	alot_ticket_range *ledger = NULL;
	const alot_ticket_range *drawn_ledger;
	unsigned char seed[ALOT_SEED_LEN];
	char now[ALOT_TIMESTAMP_LEN + 1];
	room_freeze f;
	size_t n = 0;
	alot_code rc;

	*record = NULL;
	memset(&f, 0, sizeof(f));
	if (rec == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if ((rc = parse_commitment(in, &opts->room_id, &commitment, err)) != ALOT_OK)
		goto out;
	if (alot_lot_is_v2(&commitment.lot)) {
		if (!in->frozen || in->started_at[0] == '\0') {
			rc = alot_error_set(err, ALOT_ERR_INTERNAL, "its draw was not started: it has no %s",
			                    in->frozen ? "room_draw_starts row" : "freeze record");
			goto out;
		}
		/* freeze_room()'s messages name the room already. */
		if ((rc = freeze_room(conn, opts->room, &opts->room_id, in->commitment_record, key, &f, err)) != ALOT_OK)
			goto out_unprefixed;
		if (strcmp(f.record.frozen_at, in->started_at) > 0) {
			rc = alot_error_set(err, ALOT_ERR_REFUSED, "its draw started at %s, before its freeze at %s",
			                    in->started_at, f.record.frozen_at);
			goto out;
		}
		fill_lot_v2(rec, &f, in->started_at);
		/* The pulses stored before the start: the record carries them, and their outputValue. */
		if (in->nist && (rc = beacon_fill(conn, opts->room, rec, err)) != ALOT_OK)
			goto out;
		drawn_ledger = f.ledger;
		n = f.n;
	} else {
		if ((rc = load_ledger(conn, opts->room, &ledger, &n, err)) != ALOT_OK ||
		    (rc = current_time(conn, now, err)) != ALOT_OK ||
		    (rc = fill_lot_v1(rec, in, &commitment, key, now, err)) != ALOT_OK)
			goto out;
		if (n > 0 && (int64_t)ledger[n - 1].tickets_end != in->rooms_total_tickets)
			fprintf(stderr, "%s: warning: room %s counts %d tickets, its entries hold %u; drawing over the entries\n",
			        cli_progname(), opts->room, in->rooms_total_tickets, ledger[n - 1].tickets_end);
		drawn_ledger = ledger;
	}
	if ((rc = unseal_seed(in, &rec->lot, commitment.commitment, ctx->seal, seed, err)) != ALOT_OK)
		goto out;
	rc = alot_draw_record_compute(rec, seed, drawn_ledger, n, err);
	if (rc != ALOT_OK)
		goto out;
	/* Protocol 2: over exactly the frozen ledger (freeze_room() compared it). */
	if (alot_lot_is_v2(&rec->lot) &&
	    (rec->lot.total_tickets != f.record.lot.total_tickets || rec->lot.entry_count != f.record.lot.entry_count ||
	     !alot_ct_equal(rec->lot.ledger_root, f.record.lot.ledger_root, ALOT_HASH_LEN))) {
		rc = alot_error_set(err, ALOT_ERR_INTERNAL, "the draw is not over the frozen ledger");
		goto out;
	}
	/* Under the beacon rule: the record's beacon evidence passes every beacon check before it is signed. */
	if (in->nist && (rc = beacon_recheck(opts->room, rec, f.text, ctx->trust, err)) != ALOT_OK)
		goto out;
	if ((rc = alot_draw_record_sign(rec, key, record, err)) != ALOT_OK ||
	    (rc = store_draw(conn, rec, opts->room, ctx->admin, *record, err)) != ALOT_OK)
		goto out;
out:
	if (rc == ALOT_ERR_VERIFY || rc == ALOT_ERR_REFUSED || rc == ALOT_ERR_INTERNAL)
		alot_error_prefix(err, "room %s", opts->room);
out_unprefixed:
	alot_wipe(seed, sizeof(seed));
	alot_wipe(rec, sizeof(*rec)); /* the seed stays secret unless the draw commits */
	free(rec);
	free(ledger);
	room_freeze_free(&f);
	if (rc != ALOT_OK) {
		free_secret(*record);
		*record = NULL;
	}
	return rc;
}

/* ---- the two transactions ------------------------------------------ */

enum stage { STAGE_START, STAGE_DRAW };

/*
 * One transaction under the room's lock: the start of the draw, or the
 * draw.  A room drawn already (by an earlier or a concurrent run) gives
 * its record, at either stage.  *done: nothing is left to do (*record, the
 * record, when the room is drawn); *need_beacon: the start is waiting for
 * the pulses of the room's beacon rule.
 */
static int
run_stage(PGconn *conn, const struct draw_ctx *ctx, enum stage stage, int *done, int *need_beacon,
          char **out_record)
{
	const draw_options *opts = ctx->opts;
	struct draw_input in;
	room_freeze f;
	alot_error err;
	char *record = NULL, root[65];
	int rc = ALOT_EXIT_ERROR, committed = 0;
	alot_code code;

	memset(&in, 0, sizeof(in));
	memset(&f, 0, sizeof(f));
	*done = 1;
	*need_beacon = 0;
	if (alot_db_command(conn, "BEGIN", 0, NULL, &err) != ALOT_OK ||
	    read_input(conn, opts->room, &in, &err) != ALOT_OK) {
		rc = db_failure("could not read the room", &err);
		goto out;
	}
	if (in.drawn) {
		if (in.stored_record == NULL) {
			cli_error("room %s was drawn without a protocol record", opts->room);
			rc = ALOT_EXIT_FAILED;
			goto out;
		}
		*out_record = in.stored_record;
		in.stored_record = NULL;
		fprintf(stderr, "%s: room %s was already drawn; this is its record\n", cli_progname(), opts->room);
		rc = ALOT_EXIT_OK;
		goto out;
	}
	if (refuse_room(opts->room, &in)) {
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	code = stage == STAGE_START ? start_draw(conn, &in, opts, ctx->key, &f, &err)
	                            : compute_draw(conn, &in, ctx, &record, &err);
	if (code != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure(stage == STAGE_START ? "the draw could not start" : "the draw failed",
		                                          &err)
		                             : report_failure(&err);
		goto out;
	}
	if (alot_db_command(conn, "COMMIT", 0, NULL, &err) != ALOT_OK) {
		rc = db_failure(stage == STAGE_START ? "the start of the draw was not committed" : "the draw was not committed",
		                &err);
		goto out;
	}
	committed = 1;
	rc = ALOT_EXIT_OK;
	if (f.created) {
		alot_hex_encode(f.record.lot.ledger_root, ALOT_HASH_LEN, root);
		fprintf(stderr, "%s: froze room %s first: %u tickets in %u entries, ledger root %s\n", cli_progname(),
		        opts->room, f.record.lot.total_tickets, f.record.lot.entry_count, root);
	}
	if (stage == STAGE_START) {
		*done = 0;
		*need_beacon = in.nist && !in.beacon_chosen;
		goto out;
	}
	/* Committed: the record is published, the seed revealed. */
	*out_record = record;
	record = NULL;
	fprintf(stderr, "%s: drew room %s\n", cli_progname(), opts->room);
out:
	if (!committed)
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	draw_input_free(&in);
	room_freeze_free(&f);
	free_secret(record);
	return rc;
}

/* The start, committed before the seed is touched (with the pulses under the beacon rule); then the draw. */
static int
execute_room(PGconn *conn, const struct draw_ctx *ctx, char **record)
{
	int rc, done, need_beacon;

	rc = run_stage(conn, ctx, STAGE_START, &done, &need_beacon, record);
	if (rc != ALOT_EXIT_OK || done)
		return rc;
	if (need_beacon && (rc = beacon_choose(conn, ctx->opts->room, ctx->beacon, ctx->trust)) != ALOT_EXIT_OK)
		return rc;
	return run_stage(conn, ctx, STAGE_DRAW, &done, &need_beacon, record);
}

/* The admin may draw (a refusal is audited), then the draw. */
static int
draw_checked(PGconn *conn, struct draw_ctx *ctx, char **record)
{
	const char *why;
	alot_error err;
	int failed;

	why = admin_refusal(conn, ctx->admin, &err, &failed);
	if (failed)
		return db_failure("could not check the admin", &err);
	if (why != NULL) {
		cli_error("admin %s may not draw room %s: %s", ctx->admin, ctx->opts->room, why);
		log_refusal(conn, ctx->admin, ctx->opts->room, why);
		return ALOT_EXIT_FAILED;
	}
	return execute_room(conn, ctx, record);
}

int
draw_room(PGconn *conn, const draw_options *opts, const struct beacon_options *beacon, char **record_text)
{
	struct beacon_options none;
	alot_signing_key *key = NULL;
	alot_seal_key *seal = NULL;
	alot_beacon_trust *trust = NULL;
	struct draw_ctx ctx;
	alot_error err;
	int rc = ALOT_EXIT_ERROR;

	*record_text = NULL;
	if (beacon == NULL) {
		beacon_options_defaults(&none);
		beacon = &none;
	}
	if (opts->admin == NULL || opts->room == NULL) {
		cli_error("a draw needs a room and an admin");
		goto out;
	}
	if (alot_seal_key_load(opts->seal_key, &seal, &err) != ALOT_OK ||
	    alot_signing_key_load(opts->signing_key, &key, &err) != ALOT_OK) {
		rc = report_failure(&err);
		goto out;
	}
	if ((trust = beacon_trust_load(beacon->certs, beacon->cert_count)) == NULL)
		goto out;
	ctx.opts = opts;
	ctx.admin = opts->admin;
	ctx.seal = seal;
	ctx.key = key;
	ctx.beacon = beacon;
	ctx.trust = trust;
	rc = draw_checked(conn, &ctx, record_text);
out:
	if (rc != ALOT_EXIT_OK) {
		free_secret(*record_text);
		*record_text = NULL;
	}
	alot_beacon_trust_free(trust);
	alot_signing_key_free(key);
	alot_seal_key_free(seal);
	return rc;
}

/* One of the beacon options into b; 0 after a usage error (printed), -1 when c is none of them. */
static int
beacon_option(int c, const char *arg, struct beacon_options *b)
{
	switch (c) {
	case 1: b->pulse_file = arg; return 1;
	case 2: b->previous_file = arg; return 1;
	case 3: b->url = arg; return 1;
	case 4: b->cacert = arg; return 1;
	case 5: return parse_seconds_option("--beacon-wait", arg, 0, BEACON_MAX_WAIT, &b->wait);
	case 6: return add_beacon_cert(b->certs, &b->cert_count, arg);
	default: return -1;
	}
}

/* The beacon options make sense together; prints why not. */
static int
beacon_options_valid(const struct beacon_options *b)
{
	if ((b->pulse_file == NULL) != (b->previous_file == NULL)) {
		cli_error("give --beacon-pulse and --beacon-previous together");
		return 0;
	}
	if (b->pulse_file != NULL && (b->url != NULL || b->cacert != NULL)) {
		cli_error("--beacon-pulse reads the pulses from files: --beacon-url and --cacert fetch them");
		return 0;
	}
	return 1;
}

int
cmd_execute(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "room", required_argument, NULL, 'r' },
		{ "admin", required_argument, NULL, 'a' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "seal-key", required_argument, NULL, 's' },
		{ "dbname", required_argument, NULL, 'd' },
		{ "beacon-pulse", required_argument, NULL, 1 },
		{ "beacon-previous", required_argument, NULL, 2 },
		{ "beacon-url", required_argument, NULL, 3 },
		{ "cacert", required_argument, NULL, 4 },
		{ "beacon-wait", required_argument, NULL, 5 },
		{ "beacon-cert", required_argument, NULL, 6 },
		{ NULL, 0, NULL, 0 }
	};
	struct beacon_options beacon;
	draw_options opts;
	PGconn *conn = NULL;
	const char *admin = NULL;
	char *record = NULL;
	alot_uuid admin_id;
	int c, rc, taken;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	beacon_options_defaults(&beacon);
	while ((c = getopt_long(argc, argv, "r:a:k:s:d:", long_options, NULL)) != -1) {
		if ((taken = beacon_option(c, optarg, &beacon)) == 0)
			return usage_error();
		if (taken == 1)
			continue;
		switch (c) {
		case 'r': opts.room = optarg; break;
		case 'a': admin = optarg; break;
		case 'k': opts.signing_key = optarg; break;
		case 's': opts.seal_key = optarg; break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || opts.room == NULL || admin == NULL || opts.signing_key == NULL ||
	    opts.seal_key == NULL) {
		cli_error(optind < argc ? "too many arguments"
		                        : "--room, --admin, --signing-key and --seal-key are required");
		return usage_error();
	}
	if (!beacon_options_valid(&beacon))
		return usage_error();
	if (!parse_uuid_option("--room", opts.room, &opts.room_id) ||
	    !parse_uuid_option("--admin", admin, &admin_id))
		return ALOT_EXIT_ERROR;
	opts.room = uuid_text(&opts.room_id);
	opts.admin = uuid_text(&admin_id);
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	rc = draw_room(conn, &opts, &beacon, &record);
	if (rc == ALOT_EXIT_OK && (printf("%s\n", record) < 0 || fflush(stdout) != 0)) {
		cli_error("could not write the record to stdout");
		rc = ALOT_EXIT_ERROR;
	}
	PQfinish(conn);
	free_secret(record);
	return rc;
}
