/*
 * commit.c - "alot-draw commit": generate a room's server seed, seal it at
 * rest, store its commitment and print the signed commitment record, all
 * before the room opens.  The commitment is of protocol 2: it binds the
 * room's lot (product class, funding target, deadline, lot type, entry
 * bundles, beacon rule) together with the seed.  Under the NIST beacon
 * rule (docs/protocol.md section 12) the rule names a witness policy by
 * its hash; the policy, which must be the database log's, is stored with
 * the commitment (witness_policies), and the database refuses a
 * commitment whose policy it does not hold.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/record.h"
#include "draw.h"

static const char usage[] =
	"alot-draw commit generates and commits a room's server seed.\n"
	"\n"
	"Usage:\n"
	"  alot-draw commit --room ID [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -r, --room=ID           the room (lot) to commit; it must still be 'created'\n"
	"  -k, --signing-key=FILE  Ed25519 private key that signs the record [$ALOT_SIGNING_KEY]\n"
	"  -s, --seal-key=FILE     seal key for the seed at rest [$ALOT_SEAL_KEY]\n"
	"  -b, --beacon-rule=RULE  the beacon rule fixed by the commitment: none (the default),\n"
	"                          nist-beacon-2.0 (NIST's chain 2, after the freeze's log time\n"
	"                          under --witness-policy), or such a rule in full\n"
	"  -w, --witness-policy=FILE  the witness policy a nist-beacon-2.0 rule names: \"log VKEY\",\n"
	"                          a \"witness VKEY\" line per witness, \"quorum K\"\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Prints the signed commitment record (protocol 2: it binds the room's lot), to\n"
	"publish before the first ticket is sold.\n";

/* What commit needs of the room, read under its row lock. */
struct room_state {
	int exists;
	int committed;
	long entries;
	char status[32];
	char now[ALOT_TIMESTAMP_LEN + 1];
};

static const char room_sql[] =
	"SELECT r.status,"
	"       (SELECT count(*) FROM ONLY room_entries e WHERE e.room_id = r.id),"
	"       EXISTS (SELECT 1 FROM ONLY room_commitments c WHERE c.room_id = r.id),"
	"       to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
	"  FROM ONLY rooms r WHERE r.id = $1 FOR UPDATE OF r";

static const char policy_sql[] =
	"INSERT INTO witness_policies (hash, policy) VALUES (decode($1, 'hex'), $2) ON CONFLICT (hash) DO NOTHING";

/* The beacon rule and, under the NIST rule, its witness policy. */
struct rule_choice {
	char rule[ALOT_BEACON_RULE_MAX + 1];
	const char *policy_path;     /* --witness-policy */
	char *policy;                /* its text (malloc'd), NULL under rule none */
	size_t policy_len;
	alot_tlog_policy parsed;
	unsigned char hash[32];
};

static const char insert_sql[] =
	"INSERT INTO room_commitments (room_id, protocol_version, commitment, beacon_rule, key_id,"
	"                              seed_ciphertext, seed_nonce, seed_tag, committed_at, record)"
	" VALUES ($1, $2, $3, $4, $5, decode($6, 'hex'), decode($7, 'hex'), decode($8, 'hex'),"
	"         $9::timestamp, $10)";

static alot_code
read_room(PGconn *conn, const char *room, struct room_state *st, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	alot_code rc = alot_db_exec(conn, room_sql, 1, params, &res, err);

	memset(st, 0, sizeof(*st));
	if (rc != ALOT_OK)
		return rc;
	if (PQntuples(res) == 1) {
		st->exists = 1;
		snprintf(st->status, sizeof(st->status), "%s", PQgetvalue(res, 0, 0));
		st->entries = atol(PQgetvalue(res, 0, 1));
		st->committed = PQgetvalue(res, 0, 2)[0] == 't';
		snprintf(st->now, sizeof(st->now), "%s", PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return ALOT_OK;
}

/* A room may be committed only while nothing was sold and nothing committed. */
static int
refuse_room(const char *room, const struct room_state *st)
{
	if (!st->exists) {
		cli_error("room %s does not exist", room);
		return 1;
	}
	if (st->committed) {
		cli_error("room %s already has a commitment", room);
		cli_hint("a commitment is published once; \"alot-draw export --room %s\" writes it again", room);
		return 1;
	}
	if (strcmp(st->status, "created") != 0 || st->entries > 0) {
		cli_error("room %s is %s with %ld entries: its seed must be committed before it opens",
		          room, st->status, st->entries);
		return 1;
	}
	return 0;
}

/* Seal the seed, sign the record over lot and insert both; the caller commits. */
static alot_code
store_commitment(PGconn *conn, const draw_options *opts, const alot_seal_key *seal,
                 const alot_signing_key *key, const alot_lot *lot, const char *now,
                 char **record, alot_error *err)
{
	unsigned char seed[ALOT_SEED_LEN], cipher[ALOT_SEED_LEN];
	unsigned char nonce[ALOT_SEAL_NONCE_LEN], tag[ALOT_SEAL_TAG_LEN];
	char commitment[65], key_id[17], cipher_hex[65], nonce_hex[25], tag_hex[33], version[12];
	alot_commitment_record rec;
	alot_code rc;

	memset(&rec, 0, sizeof(rec));
	*record = NULL;
	if ((rc = alot_random_bytes(seed, sizeof(seed), err)) != ALOT_OK ||
	    (rc = alot_seal(seal, opts->room_id.b, ALOT_UUID_LEN, seed, sizeof(seed), cipher,
	                    nonce, tag, err)) != ALOT_OK)
		goto out;
	rec.lot = *lot;
	alot_lot_commitment(&rec.lot, seed, rec.commitment);
	snprintf(rec.committed_at, sizeof(rec.committed_at), "%s", now);
	if ((rc = alot_commitment_record_sign(&rec, key, record, err)) != ALOT_OK)
		goto out;
	alot_hex_encode(rec.commitment, ALOT_HASH_LEN, commitment);
	alot_hex_encode(rec.key_id, ALOT_KEY_ID_LEN, key_id);
	alot_hex_encode(cipher, sizeof(cipher), cipher_hex);
	alot_hex_encode(nonce, sizeof(nonce), nonce_hex);
	alot_hex_encode(tag, sizeof(tag), tag_hex);
	snprintf(version, sizeof(version), "%u", rec.lot.version);
	{
		const char *params[] = { opts->room, version, commitment, lot->beacon_rule, key_id, cipher_hex,
		                         nonce_hex, tag_hex, now, *record };

		rc = alot_db_command(conn, insert_sql, 10, params, err);
	}
out:
	alot_wipe(seed, sizeof(seed));
	return rc;
}

/* Under the NIST rule: the policy is the database log's, and stored (once, by its hash). */
static alot_code
store_policy(PGconn *conn, const struct rule_choice *choice, alot_error *err)
{
	char hash_hex[65];
	const char *params[] = { hash_hex, choice->policy };
	alot_code rc;

	if (choice->policy == NULL)
		return ALOT_OK;
	if ((rc = witness_policy_check_log(conn, choice->policy_path, &choice->parsed, err)) != ALOT_OK)
		return rc;
	alot_hex_encode(choice->hash, sizeof(choice->hash), hash_hex);
	return alot_db_command(conn, policy_sql, 2, params, err);
}

static int
commit_room(PGconn *conn, const draw_options *opts, const alot_seal_key *seal,
            const alot_signing_key *key, const struct rule_choice *choice)
{
	struct room_state st;
	alot_lot lot;
	alot_error err;
	char *record = NULL;
	int rc = ALOT_EXIT_ERROR;

	if (alot_db_command(conn, "BEGIN", 0, NULL, &err) != ALOT_OK ||
	    read_room(conn, opts->room, &st, &err) != ALOT_OK) {
		rc = db_failure("could not read the room", &err);
		goto out;
	}
	if (refuse_room(opts->room, &st)) {
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	/* The lot the commitment binds, read under the room's lock. */
	if (room_lot_read(conn, opts->room, &opts->room_id, &lot, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not read the room's lot", &err) : report_failure(&err);
		goto out;
	}
	if (store_policy(conn, choice, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not store the witness policy", &err) : report_failure(&err);
		goto out;
	}
	snprintf(lot.beacon_rule, sizeof(lot.beacon_rule), "%s", choice->rule);
	if (store_commitment(conn, opts, seal, key, &lot, st.now, &record, &err) != ALOT_OK ||
	    alot_db_command(conn, "COMMIT", 0, NULL, &err) != ALOT_OK) {
		/* Two commits at once: the loser hits the primary key. */
		if (strcmp(alot_db_last_sqlstate(), "23505") == 0) {
			cli_error("room %s already has a commitment", opts->room);
			rc = ALOT_EXIT_FAILED;
		} else {
			rc = err.code == ALOT_ERR_DB ? db_failure("could not store the commitment", &err)
			                             : report_failure(&err);
		}
		goto out;
	}
	printf("%s\n", record);
	fprintf(stderr, "%s: committed the server seed of room %s\n", cli_progname(), opts->room);
	if (choice->policy != NULL)
		fprintf(stderr, "%s: room %s: beacon rule %s (%zu witnesses, quorum %zu)\n", cli_progname(), opts->room,
		        choice->rule, choice->parsed.witness_count, choice->parsed.quorum);
	rc = ALOT_EXIT_OK;
out:
	if (rc != ALOT_EXIT_OK)
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	free(record);
	return rc;
}

/*
 * The rule the options give: "none"; "nist-beacon-2.0", which the policy
 * file completes (chain 2); or a full rule, whose policy hash must be the
 * file's.  Returns an exit code (the reason printed).
 */
static int
choose_rule(const char *given, struct rule_choice *c)
{
	alot_beacon_rule parsed;
	alot_error err;
	char hex[65];
	int rc;

	if (strcmp(given, "nist-beacon-2.0") != 0 && strncmp(given, "nist-beacon-2.0:", 16) != 0) {
		if (!alot_beacon_rule_known(given)) {
			cli_error("unknown beacon rule \"%s\": the protocol defines \"none\" and \"nist-beacon-2.0\"", given);
			return ALOT_EXIT_ERROR;
		}
		if (c->policy_path != NULL) {
			cli_error("--witness-policy is for a nist-beacon-2.0 rule, not \"%s\"", given);
			return ALOT_EXIT_ERROR;
		}
		snprintf(c->rule, sizeof(c->rule), "%s", given);
		return ALOT_EXIT_OK;
	}
	if (c->policy_path == NULL) {
		cli_error("the beacon rule nist-beacon-2.0 needs --witness-policy FILE");
		return ALOT_EXIT_ERROR;
	}
	if ((rc = witness_policy_load(c->policy_path, &c->policy, &c->policy_len, &c->parsed, c->hash)) != ALOT_EXIT_OK)
		return rc;
	if (strcmp(given, "nist-beacon-2.0") == 0) {
		alot_beacon_rule_format(2, c->hash, c->rule, sizeof(c->rule));
		return ALOT_EXIT_OK;
	}
	if (alot_beacon_rule_parse(given, &parsed, &err) != ALOT_OK) {
		cli_error("%s", err.message);
		return ALOT_EXIT_ERROR;
	}
	if (!alot_ct_equal(parsed.policy_hash, c->hash, sizeof(c->hash))) {
		alot_hex_encode(c->hash, sizeof(c->hash), hex);
		cli_error("the beacon rule names another witness policy than \"%s\", whose hash is %s", c->policy_path, hex);
		return ALOT_EXIT_FAILED;
	}
	snprintf(c->rule, sizeof(c->rule), "%s", given);
	return ALOT_EXIT_OK;
}

int
cmd_commit(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "room", required_argument, NULL, 'r' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "seal-key", required_argument, NULL, 's' },
		{ "beacon-rule", required_argument, NULL, 'b' },
		{ "witness-policy", required_argument, NULL, 'w' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct rule_choice choice;
	draw_options opts;
	draw_session session;
	const char *rule = "none";
	int c, rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	memset(&choice, 0, sizeof(choice));
	while ((c = getopt_long(argc, argv, "r:k:s:b:w:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'r': opts.room = optarg; break;
		case 'k': opts.signing_key = optarg; break;
		case 's': opts.seal_key = optarg; break;
		case 'b': rule = optarg; break;
		case 'w': choice.policy_path = optarg; break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || opts.room == NULL || opts.signing_key == NULL || opts.seal_key == NULL) {
		cli_error(optind < argc ? "too many arguments" : "--room, --signing-key and --seal-key are required");
		return usage_error();
	}
	if (!parse_uuid_option("--room", opts.room, &opts.room_id))
		return ALOT_EXIT_ERROR;
	opts.room = uuid_text(&opts.room_id);
	if ((rc = choose_rule(rule, &choice)) != ALOT_EXIT_OK)
		goto out;
	if ((rc = draw_session_open(&opts, &session)) == ALOT_EXIT_OK)
		rc = commit_room(session.conn, &opts, session.seal, session.key, &choice);
	draw_session_close(&session);
out:
	free(choice.policy);
	return rc;
}
