/*
 * freeze.c - "alot-draw freeze": freeze a funded room's ticket ledger
 * (protocol 2).  Under the room's row lock, in one transaction: the lot
 * must still be the one its commitment binds, the entries must pay the
 * funding target and cover 1..N; the signed freeze record then fixes N,
 * the entry count and the Merkle root the draw will be over.  The server
 * seed is never touched.  "execute" runs the same code (freeze_room())
 * on a funded room that is not frozen yet.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/model.h"
#include "alot/record.h"
#include "draw.h"

static const char usage[] =
	"alot-draw freeze freezes the ticket ledger of a funded room (protocol 2).\n"
	"\n"
	"Usage:\n"
	"  alot-draw freeze --room ID [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -r, --room=ID           the funded room to freeze\n"
	"  -k, --signing-key=FILE  Ed25519 private key that signs the record [$ALOT_SIGNING_KEY]\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Prints the signed freeze record, to publish before the draw. Running it again\n"
	"prints the same record. \"alot-draw execute\" freezes a room itself when needed.\n";

/* What freezing needs of the room, read after its lock was granted. */
static const char facts_sql[] =
	"SELECT (SELECT coalesce(sum(e.amount_paid), 0) FROM ONLY room_entries e WHERE e.room_id = r.id),"
	"       to_char(r.funded_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), r.total_tickets,"
	"       to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
	"       f.record, f.ledger_root, f.total_tickets, f.entry_count, f.key_id"
	"  FROM ONLY rooms r LEFT JOIN ONLY room_freezes f ON f.room_id = r.id WHERE r.id = $1";

enum { F_PAID, F_FUNDED_AT, F_TOTAL, F_NOW, F_RECORD, F_ROOT, F_N, F_COUNT, F_KEY_ID };

static const char insert_sql[] =
	"INSERT INTO room_freezes (room_id, protocol_version, ledger_root, total_tickets, entry_count,"
	"                          key_id, frozen_at, record)"
	" VALUES ($1, 2, $2, $3, $4, $5, $6::timestamp, $7)";

void
room_freeze_free(room_freeze *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f->ledger);
	memset(f, 0, sizeof(*f));
}

alot_code
check_commitment_key(const char *room, const alot_commitment_record *commitment, const alot_signing_key *key,
                     alot_error *err)
{
	alot_public_key pub;

	alot_signing_key_public(key, &pub);
	if (memcmp(pub.key_id, commitment->key_id, ALOT_KEY_ID_LEN) == 0)
		return ALOT_OK;
	alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its commitment was signed with another key than --signing-key", room);
	return alot_error_detail(err, "a room is frozen and drawn with the key that committed it");
}

/* The commitment record, parsed into f->commitment: version 2, this room, this key. */
static alot_code
take_commitment(const char *room, const alot_uuid *room_id, const char *text,
                const alot_signing_key *key, room_freeze *f, alot_error *err)
{
	alot_record *rec = malloc(sizeof(*rec));
	alot_code rc = ALOT_OK;

	if (rec == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if (alot_record_parse(text, strlen(text), rec, err) != ALOT_OK || rec->type != ALOT_RECORD_COMMITMENT ||
	    !alot_lot_is_v2(&rec->u.commitment.lot) || !alot_uuid_equal(&rec->u.commitment.lot.room_id, room_id)) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY,
		                    "room %s: its stored commitment record is not a protocol 2 commitment of this room", room);
		goto out;
	}
	f->commitment = rec->u.commitment;
	rc = check_commitment_key(room, &f->commitment, key, err);
out:
	free(rec);
	return rc;
}

/* The lot in the database must still be the one committed to. */
static alot_code
check_lot(PGconn *conn, const char *room, const alot_uuid *room_id, const room_freeze *f,
          alot_error *err)
{
	alot_lot now;
	char buf[200];
	const char *differs;
	alot_code rc;

	if ((rc = room_lot_read(conn, room, room_id, &now, err)) != ALOT_OK)
		return rc;
	memcpy(now.beacon_rule, f->commitment.lot.beacon_rule, sizeof(now.beacon_rule));
	if ((differs = lot_term_differs(&f->commitment.lot, &now, buf, sizeof(buf))) != NULL)
		return alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its lot is not the one committed to: %s",
		                      room, differs);
	return ALOT_OK;
}

static alot_code
check_funding(const char *room, const char *paid_text, const room_freeze *f, alot_error *err)
{
	char paid_s[32], target_s[32];
	int64_t paid;

	if (alot_money_parse(paid_text, &paid, NULL) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_DB, "room %s: unexpected sum of amount_paid \"%.40s\"", room, paid_text);
	if (paid < 0 || (uint64_t)paid < f->commitment.lot.funding_target_cents) {
		alot_money_format(paid, paid_s, sizeof(paid_s));
		alot_money_format((int64_t)f->commitment.lot.funding_target_cents, target_s, sizeof(target_s));
		alot_error_set(err, ALOT_ERR_REFUSED, "room %s is funded with $%s of its $%s target", room, paid_s, target_s);
		return alot_error_detail(err, "a room is drawn only when its entries' amount_paid reach its funding target");
	}
	return ALOT_OK;
}

/* The stored freeze record into f, after checking it against its row and the commitment. */
static alot_code
take_freeze(const char *room, const alot_uuid *room_id, const PGresult *res, room_freeze *f,
            alot_error *err)
{
	alot_record *rec = malloc(sizeof(*rec));
	const char *text = PQgetvalue(res, 0, F_RECORD);
	char root[65], key_id[17], buf[200];
	const char *differs = NULL;
	alot_code rc = ALOT_OK;

	if (rec == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if (alot_record_parse(text, strlen(text), rec, err) != ALOT_OK || rec->type != ALOT_RECORD_FREEZE ||
	    !alot_uuid_equal(&rec->u.freeze.lot.room_id, room_id)) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "room %s: its stored freeze record is not a freeze record of this room",
		                    room);
		goto out;
	}
	f->record = rec->u.freeze;
	alot_hex_encode(f->record.lot.ledger_root, ALOT_HASH_LEN, root);
	alot_hex_encode(f->record.key_id, ALOT_KEY_ID_LEN, key_id);
	if (strcmp(root, PQgetvalue(res, 0, F_ROOT)) != 0 || strcmp(key_id, PQgetvalue(res, 0, F_KEY_ID)) != 0 ||
	    strtoul(PQgetvalue(res, 0, F_N), NULL, 10) != f->record.lot.total_tickets ||
	    strtoul(PQgetvalue(res, 0, F_COUNT), NULL, 10) != f->record.lot.entry_count)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "room %s: its room_freezes row disagrees with its freeze record", room);
	else if ((differs = lot_term_differs(&f->commitment.lot, &f->record.lot, buf, sizeof(buf))) != NULL)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "room %s: its freeze record's lot is not the one committed to: %s",
		                    room, differs);
	else if (!alot_ct_equal(f->record.commitment, f->commitment.commitment, ALOT_HASH_LEN) ||
	         strcmp(f->record.committed_at, f->commitment.committed_at) != 0 ||
	         memcmp(f->record.key_id, f->commitment.key_id, ALOT_KEY_ID_LEN) != 0)
		rc = alot_error_set(err, ALOT_ERR_VERIFY,
		                    "room %s: its freeze record does not follow its commitment (commitment, time or key differ)",
		                    room);
	if (rc == ALOT_OK && (f->text = strdup(text)) == NULL)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
out:
	free(rec);
	return rc;
}

/* The ledger now (in check) must be the frozen one (in f->record). */
static alot_code
check_frozen_ledger(const char *room, const alot_freeze_record *check, const room_freeze *f,
                    alot_error *err)
{
	char then[65], now[65];

	if (check->lot.total_tickets == f->record.lot.total_tickets &&
	    check->lot.entry_count == f->record.lot.entry_count &&
	    alot_ct_equal(check->lot.ledger_root, f->record.lot.ledger_root, ALOT_HASH_LEN))
		return ALOT_OK;
	alot_hex_encode(f->record.lot.ledger_root, ALOT_HASH_LEN, then);
	alot_hex_encode(check->lot.ledger_root, ALOT_HASH_LEN, now);
	alot_error_set(err, ALOT_ERR_REFUSED,
	               "room %s: its entries are no longer the frozen ledger: frozen %u tickets in %u entries,"
	               " now %u tickets in %u entries", room, f->record.lot.total_tickets, f->record.lot.entry_count,
	               check->lot.total_tickets, check->lot.entry_count);
	return alot_error_detail(err, "frozen ledger root %s, root of the entries now %s", then, now);
}

/* committed_at <= funded_at <= frozen_at, as verifiers check. */
static alot_code
check_times(const char *room, const alot_freeze_record *rec, alot_error *err)
{
	if (alot_timestamp_check(rec->funded_at, NULL) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its funded_at \"%.40s\" is not a protocol time",
		                      room, rec->funded_at);
	if (strcmp(rec->committed_at, rec->funded_at) > 0)
		return alot_error_set(err, ALOT_ERR_REFUSED, "room %s was funded at %s, before its commitment at %s",
		                      room, rec->funded_at, rec->committed_at);
	if (strcmp(rec->funded_at, rec->frozen_at) > 0)
		return alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its funded_at %s is later than now (%s)",
		                      room, rec->funded_at, rec->frozen_at);
	return ALOT_OK;
}

static alot_code
insert_freeze(PGconn *conn, const char *room, const room_freeze *f, alot_error *err)
{
	char root[65], key_id[17], total[16], count[16];
	const char *params[] = { room, root, total, count, key_id, f->record.frozen_at, f->text };

	alot_hex_encode(f->record.lot.ledger_root, ALOT_HASH_LEN, root);
	alot_hex_encode(f->record.key_id, ALOT_KEY_ID_LEN, key_id);
	snprintf(total, sizeof(total), "%u", f->record.lot.total_tickets);
	snprintf(count, sizeof(count), "%u", f->record.lot.entry_count);
	return alot_db_command(conn, insert_sql, 7, params, err);
}

alot_code
freeze_room(PGconn *conn, const char *room, const alot_uuid *room_id, const char *commitment_text,
            const alot_signing_key *key, room_freeze *f, alot_error *err)
{
	const char *params[] = { room };
	alot_freeze_record check;
	PGresult *res = NULL;
	alot_code rc;

	memset(f, 0, sizeof(*f));
	if ((rc = take_commitment(room, room_id, commitment_text, key, f, err)) != ALOT_OK ||
	    (rc = check_lot(conn, room, room_id, f, err)) != ALOT_OK ||
	    (rc = alot_db_exec(conn, facts_sql, 1, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) != 1) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s does not exist", room);
		goto out;
	}
	if ((rc = check_funding(room, PQgetvalue(res, 0, F_PAID), f, err)) != ALOT_OK)
		goto out;
	if (PQgetisnull(res, 0, F_FUNDED_AT)) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s is funded but has no funded_at time", room);
		goto out;
	}
	/* The ledger as it stands, with every check a freeze makes. */
	if ((rc = load_ledger(conn, room, &f->ledger, &f->n, err)) != ALOT_OK)
		goto out;
	memset(&check, 0, sizeof(check));
	check.lot = f->commitment.lot;
	if ((rc = alot_freeze_record_compute(&check, f->ledger, f->n, err)) != ALOT_OK) {
		if (rc == ALOT_ERR_VERIFY)
			alot_error_prefix(err, "room %s", room);
		goto out;
	}
	if (!PQgetisnull(res, 0, F_RECORD) &&
	    ((rc = take_freeze(room, room_id, res, f, err)) != ALOT_OK ||
	     (rc = check_frozen_ledger(room, &check, f, err)) != ALOT_OK))
		goto out;
	if (PQgetisnull(res, 0, F_TOTAL) ||
	    strtoll(PQgetvalue(res, 0, F_TOTAL), NULL, 10) != (long long)check.lot.total_tickets) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s counts %s tickets, its entries hold %u",
		                    room, PQgetisnull(res, 0, F_TOTAL) ? "no" : PQgetvalue(res, 0, F_TOTAL),
		                    check.lot.total_tickets);
		alot_error_detail(err, "rooms.total_tickets must agree with the ledger a draw of protocol 2 is over");
		goto out;
	}
	if (f->text != NULL)
		goto out; /* frozen before, and still the frozen ledger */

	f->record = check;
	memcpy(f->record.commitment, f->commitment.commitment, ALOT_HASH_LEN);
	memcpy(f->record.committed_at, f->commitment.committed_at, sizeof(f->record.committed_at));
	snprintf(f->record.funded_at, sizeof(f->record.funded_at), "%s", PQgetvalue(res, 0, F_FUNDED_AT));
	snprintf(f->record.frozen_at, sizeof(f->record.frozen_at), "%s", PQgetvalue(res, 0, F_NOW));
	if ((rc = check_times(room, &f->record, err)) != ALOT_OK ||
	    (rc = alot_freeze_record_sign(&f->record, key, &f->text, err)) != ALOT_OK ||
	    (rc = insert_freeze(conn, room, f, err)) != ALOT_OK)
		goto out;
	f->created = 1;
out:
	PQclear(res);
	return rc;
}

/* ---- the command ---------------------------------------------------- */

/* The lock first, in a statement of its own (see execute.c). */
static const char lock_sql[] = "SELECT r.status FROM ONLY rooms r WHERE r.id = $1 FOR UPDATE";
static const char state_sql[] =
	"SELECT c.protocol_version, c.record, f.record FROM ONLY rooms r"
	"  LEFT JOIN ONLY room_commitments c ON c.room_id = r.id"
	"  LEFT JOIN ONLY room_freezes f ON f.room_id = r.id"
	" WHERE r.id = $1";

struct freeze_state {
	int exists;
	char status[32];
	int committed;
	int version;
	char *commitment_record;
	char *freeze_record;
};

static alot_code
read_state(PGconn *conn, const char *room, struct freeze_state *st, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	alot_code rc;

	memset(st, 0, sizeof(*st));
	if ((rc = alot_db_exec(conn, lock_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if ((st->exists = PQntuples(res) == 1))
		snprintf(st->status, sizeof(st->status), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!st->exists)
		return ALOT_OK;
	if ((rc = alot_db_exec(conn, state_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if (PQntuples(res) == 1) {
		if ((st->committed = !PQgetisnull(res, 0, 1))) {
			st->version = atoi(PQgetvalue(res, 0, 0));
			st->commitment_record = strdup(PQgetvalue(res, 0, 1));
		}
		if (!PQgetisnull(res, 0, 2))
			st->freeze_record = strdup(PQgetvalue(res, 0, 2));
		if ((st->committed && st->commitment_record == NULL) ||
		    (!PQgetisnull(res, 0, 2) && st->freeze_record == NULL))
			rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	}
	PQclear(res);
	return rc;
}

/* Refusals of the room's state; 1 when refused (message printed). */
static int
refuse_room(const char *room, const struct freeze_state *st)
{
	if (!st->exists)
		cli_error("room %s does not exist", room);
	else if (strcmp(st->status, "funded") != 0) {
		cli_error("room %s is %s, not funded: it cannot be frozen", room, st->status);
		if (strcmp(st->status, "open") == 0 || strcmp(st->status, "created") == 0)
			cli_hint("a room's ledger is frozen once the room is funded");
	} else if (!st->committed)
		cli_error("room %s has no seed commitment: it cannot be frozen", room);
	else if (st->version != ALOT_PROTOCOL_V2) {
		cli_error("room %s was committed under protocol %d, which has no freeze", room, st->version);
		cli_hint("\"alot-draw execute --room %s\" draws it under the protocol it was committed with", room);
	} else
		return 0;
	return 1;
}

static int
freeze_command(PGconn *conn, const draw_options *opts, const alot_signing_key *key)
{
	struct freeze_state st;
	room_freeze f;
	alot_error err;
	char root[65];
	int rc = ALOT_EXIT_ERROR, committed = 0;

	memset(&st, 0, sizeof(st));
	memset(&f, 0, sizeof(f));
	if (alot_db_command(conn, "BEGIN", 0, NULL, &err) != ALOT_OK ||
	    read_state(conn, opts->room, &st, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not read the room", &err) : report_failure(&err);
		goto out;
	}
	if (st.exists && st.freeze_record != NULL) {
		printf("%s\n", st.freeze_record);
		fprintf(stderr, "%s: room %s was already frozen; this is its freeze record\n", cli_progname(), opts->room);
		rc = ALOT_EXIT_OK;
		goto out;
	}
	if (refuse_room(opts->room, &st)) {
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if (freeze_room(conn, opts->room, &opts->room_id, st.commitment_record, key, &f, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not freeze the room", &err) : report_failure(&err);
		goto out;
	}
	if (alot_db_command(conn, "COMMIT", 0, NULL, &err) != ALOT_OK) {
		rc = db_failure("the freeze was not committed", &err);
		goto out;
	}
	committed = 1;
	printf("%s\n", f.text);
	alot_hex_encode(f.record.lot.ledger_root, ALOT_HASH_LEN, root);
	fprintf(stderr, "%s: froze room %s: %u tickets in %u entries, ledger root %s\n", cli_progname(),
	        opts->room, f.record.lot.total_tickets, f.record.lot.entry_count, root);
	rc = ALOT_EXIT_OK;
out:
	if (!committed)
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	room_freeze_free(&f);
	free(st.commitment_record);
	free(st.freeze_record);
	return rc;
}

int
cmd_freeze(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "room", required_argument, NULL, 'r' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	draw_options opts;
	alot_signing_key *key = NULL;
	PGconn *conn = NULL;
	alot_error err;
	int c, rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "r:k:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'r': opts.room = optarg; break;
		case 'k': opts.signing_key = optarg; break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || opts.room == NULL || opts.signing_key == NULL) {
		cli_error(optind < argc ? "too many arguments" : "--room and --signing-key are required");
		return usage_error();
	}
	if (!parse_uuid_option("--room", opts.room, &opts.room_id))
		return ALOT_EXIT_ERROR;
	opts.room = uuid_text(&opts.room_id);
	if (alot_signing_key_load(opts.signing_key, &key, &err) != ALOT_OK)
		rc = report_failure(&err);
	else if ((conn = draw_connect(&opts)) == NULL)
		rc = ALOT_EXIT_ERROR;
	else
		rc = freeze_command(conn, &opts, key);
	PQfinish(conn);
	alot_signing_key_free(key);
	return rc;
}
