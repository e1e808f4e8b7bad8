/*
 * log.c - "alot-draw log": the operator's side of the transparency log
 * (docs/alot-draw.md, "The transparency log").  The log itself is kept by
 * the database (migration 0013); these subcommands sign its checkpoints
 * (c2sp.org/tlog-checkpoint in a c2sp.org/signed-note), print the log's
 * vkey and consistency proofs, collect witness cosignatures
 * (log_witness.c) and publish the tiles (log_publish.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/note.h"
#include "alot/tlog.h"
#include "draw.h"

static const char usage[] =
	"alot-draw log signs, witnesses and publishes the transparency log of every record.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log SUBCOMMAND [OPTION]...\n"
	"\n"
	"Subcommands:\n"
	"  checkpoint   sign the checkpoint of the log's current size (or of --size) and store it\n"
	"  vkey         print the log's verifier key (its note key, for witnesses and verifiers)\n"
	"  witness      collect witness cosignatures of the newest checkpoint\n"
	"  publish      write the newest checkpoint, hash tiles and entry bundles (c2sp.org/tlog-tiles)\n"
	"  consistency  print a consistency proof between two sizes of the log\n"
	"\n"
	"Options:\n"
	"  -V, --version    output version information, then exit\n"
	"  -?, --help       show this help, then exit\n"
	"\n"
	"Run \"alot-draw log SUBCOMMAND --help\" for a subcommand's options.\n";

static const char checkpoint_usage[] =
	"alot-draw log checkpoint signs the checkpoint of the log's current size.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log checkpoint --key FILE --origin ORIGIN [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -k, --key=FILE         the log's Ed25519 private key (made by \"alot-draw keygen\")\n"
	"  -O, --origin=ORIGIN    the log's origin, also its key name (e.g. alot.example/log)\n"
	"  -n, --size=N           sign the checkpoint of the first N entries (default: them all)\n"
	"  -d, --dbname=CONNSTR   database connection string (default: the PG* variables)\n"
	"  -V, --version          output version information, then exit\n"
	"  -?, --help             show this help, then exit\n"
	"\n"
	"Prints the signed checkpoint. A checkpoint stored at that size already is kept\n"
	"and printed again. A room drawn under a NIST beacon rule needs the checkpoint\n"
	"of the size its freeze record made the log (\"alot-draw execute\" names it).\n";

static const char vkey_usage[] =
	"alot-draw log vkey prints the log's verifier key.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log vkey --key FILE --origin ORIGIN\n"
	"\n"
	"Options:\n"
	"  -k, --key=FILE         the log's Ed25519 private key\n"
	"  -O, --origin=ORIGIN    the log's origin, its key name\n"
	"  -V, --version          output version information, then exit\n"
	"  -?, --help             show this help, then exit\n"
	"\n"
	"The vkey (name+keyhash+base64, c2sp.org/signed-note, type 0x01) is what\n"
	"witnesses and \"alot-verify --log-key\" are given.\n";

static const char consistency_usage[] =
	"alot-draw log consistency prints a consistency proof between two sizes of the log.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log consistency --old N [--new M] [OPTION]...\n"
	"\n"
	"Options:\n"
	"      --old=N            the older size\n"
	"      --new=M            the newer size (default: the newest checkpoint's)\n"
	"  -o, --output=FILE      write the proof to FILE instead of standard output\n"
	"  -d, --dbname=CONNSTR   database connection string (default: the PG* variables)\n"
	"  -V, --version          output version information, then exit\n"
	"  -?, --help             show this help, then exit\n"
	"\n"
	"The proof is RFC 9162's, one base64 hash per line.\n";

static int
need_key_and_origin(const char *key, const char *origin)
{
	if (key == NULL || origin == NULL) {
		cli_error("--key and --origin are required");
		return 0;
	}
	return 1;
}

/* ---- checkpoint ------------------------------------------------------- */

static const char other_origin_sql[] = "SELECT origin FROM log_checkpoints WHERE origin <> $1 LIMIT 1";
static const char at_size_sql[] = "SELECT note FROM log_checkpoints WHERE size = $1::bigint";
static const char insert_checkpoint_sql[] =
	"INSERT INTO log_checkpoints (size, origin, root, note) VALUES ($1::bigint, $2, decode($3, 'hex'), $4)";

/* The note stored at size into *note (malloc'd), or NULL when none is. */
static alot_code
stored_checkpoint(PGconn *conn, uint64_t size, char **note, alot_error *err)
{
	char size_text[24];
	const char *params[] = { size_text };
	PGresult *res = NULL;
	alot_code rc;

	*note = NULL;
	snprintf(size_text, sizeof(size_text), "%" PRIu64, size);
	if ((rc = alot_db_exec(conn, at_size_sql, 1, params, &res, err)) == ALOT_OK && PQntuples(res) == 1 &&
	    (*note = strdup(PQgetvalue(res, 0, 0))) == NULL)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	PQclear(res);
	return rc;
}

/* ALOT_ERR_REFUSED when earlier checkpoints have another origin. */
static alot_code
check_origin(PGconn *conn, const char *origin, alot_error *err)
{
	const char *params[] = { origin };
	PGresult *res = NULL;
	alot_code rc;

	if ((rc = alot_db_exec(conn, other_origin_sql, 1, params, &res, err)) == ALOT_OK && PQntuples(res) > 0)
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "the log's origin is \"%s\", not \"%s\"",
		                    PQgetvalue(res, 0, 0), origin);
	PQclear(res);
	return rc;
}

/* Sign the checkpoint of size and store it; *note (malloc'd) is the signed note. */
static alot_code
sign_checkpoint(PGconn *conn, const alot_signing_key *key, const char *origin, uint64_t size,
                char **note, alot_error *err)
{
	alot_checkpoint cp;
	char *text = NULL, *line = NULL, root_hex[2 * ALOT_HASH_LEN + 1], size_text[24];
	alot_code rc;

	*note = NULL;
	memset(&cp, 0, sizeof(cp));
	if (strlen(origin) > ALOT_NOTE_NAME_MAX) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "origin \"%s\" is longer than %d bytes", origin, ALOT_NOTE_NAME_MAX);
		goto out;
	}
	snprintf(cp.origin, sizeof(cp.origin), "%s", origin);
	cp.size = size;
	if ((rc = alot_tlog_tree_hash(size, log_read_hash, conn, cp.root, err)) != ALOT_OK ||
	    (rc = alot_checkpoint_format(&cp, &text, err)) != ALOT_OK ||
	    (rc = alot_note_sign_line(key, origin, text, strlen(text), &line, err)) != ALOT_OK)
		goto out;
	if ((*note = malloc(strlen(text) + 1 + strlen(line) + 1)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	sprintf(*note, "%s\n%s", text, line);
	alot_hex_encode(cp.root, ALOT_HASH_LEN, root_hex);
	snprintf(size_text, sizeof(size_text), "%" PRIu64, size);
	{
		const char *params[] = { size_text, origin, root_hex, *note };

		rc = alot_db_command(conn, insert_checkpoint_sql, 4, params, err);
	}
out:
	if (rc != ALOT_OK) {
		free(*note);
		*note = NULL;
	}
	free(text);
	free(line);
	return rc;
}

/*
 * The checkpoint of size (SIZE_HEAD: the log's size, into *size) stored:
 * the one stored already (*created 0), or one signed now (*created 1).
 * *note (malloc'd) is its signed note.
 */
#define SIZE_HEAD UINT64_MAX

static alot_code
checkpoint_store(PGconn *conn, const alot_signing_key *key, const char *origin, uint64_t *size,
                 char **note, int *created, alot_error *err)
{
	uint64_t head;
	alot_code rc;

	*note = NULL;
	*created = 0;
	if ((rc = check_origin(conn, origin, err)) != ALOT_OK || (rc = log_size(conn, &head, err)) != ALOT_OK)
		return rc;
	if (*size == SIZE_HEAD)
		*size = head;
	if (*size > head)
		return alot_error_set(err, ALOT_ERR_REFUSED, "size %" PRIu64 " is beyond the log's size %" PRIu64,
		                      *size, head);
	if ((rc = stored_checkpoint(conn, *size, note, err)) != ALOT_OK || *note != NULL)
		return rc;
	if ((rc = sign_checkpoint(conn, key, origin, *size, note, err)) == ALOT_OK) {
		*created = 1;
		return ALOT_OK;
	}
	/* Another run stored this size first: it is the checkpoint. */
	if (strcmp(alot_db_last_sqlstate(), "23505") != 0)
		return rc;
	if ((rc = stored_checkpoint(conn, *size, note, err)) == ALOT_OK && *note == NULL)
		rc = alot_error_set(err, ALOT_ERR_DB, "the checkpoint of size %" PRIu64 " vanished", *size);
	return rc;
}

alot_code
log_checkpoint_make(PGconn *conn, const alot_signing_key *log_key, const char *origin, uint64_t size,
                    alot_error *err)
{
	char *note = NULL;
	int created;
	alot_code rc;

	if (size == SIZE_HEAD)
		return alot_error_set(err, ALOT_ERR_INVALID, "size %" PRIu64 " is no tree size", size);
	rc = checkpoint_store(conn, log_key, origin, &size, &note, &created, err);
	free(note);
	return rc;
}

static int
checkpoint_run(PGconn *conn, const alot_signing_key *key, const char *origin, uint64_t size)
{
	char *note = NULL;
	alot_error err;
	int rc = ALOT_EXIT_ERROR, created = 0;

	if (checkpoint_store(conn, key, origin, &size, &note, &created, &err) != ALOT_OK)
		goto fail;
	fputs(note, stdout);
	if (created)
		fprintf(stderr, "%s: signed the checkpoint of size %" PRIu64 "\n", cli_progname(), size);
	else
		fprintf(stderr, "%s: the checkpoint of size %" PRIu64 " was signed already; this is it\n",
		        cli_progname(), size);
	rc = ALOT_EXIT_OK;
	goto out;
fail:
	rc = err.code == ALOT_ERR_DB ? db_failure("could not store the checkpoint", &err) : report_failure(&err);
out:
	free(note);
	return rc;
}

static int
log_cmd_checkpoint(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "origin", required_argument, NULL, 'O' },
		{ "size", required_argument, NULL, 'n' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key_path = NULL, *origin = NULL;
	alot_signing_key *key = NULL;
	uint64_t size = SIZE_HEAD;
	draw_options opts;
	PGconn *conn = NULL;
	alot_error err;
	int c, rc;

	if (command_preamble(argc, argv, checkpoint_usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "k:O:n:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': key_path = optarg; break;
		case 'O': origin = optarg; break;
		case 'n':
			if (!parse_u64(optarg, &size) || size == SIZE_HEAD) {
				cli_error("invalid value \"%s\" for --size: expected a decimal number", optarg);
				return usage_error();
			}
			break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc) {
		cli_error("too many arguments");
		return usage_error();
	}
	if (!need_key_and_origin(key_path, origin))
		return usage_error();
	if (alot_signing_key_load(key_path, &key, &err) != ALOT_OK)
		return report_failure(&err);
	if ((conn = draw_connect(&opts)) == NULL)
		rc = ALOT_EXIT_ERROR;
	else
		rc = checkpoint_run(conn, key, origin, size);
	PQfinish(conn);
	alot_signing_key_free(key);
	return rc;
}

/* ---- vkey ------------------------------------------------------------- */

static int
log_cmd_vkey(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "origin", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key_path = NULL, *origin = NULL;
	alot_signing_key *key = NULL;
	alot_public_key pub;
	alot_error err;
	char *vkey = NULL;
	int c, rc;

	if (command_preamble(argc, argv, vkey_usage, &rc))
		return rc;
	while ((c = getopt_long(argc, argv, "k:O:", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': key_path = optarg; break;
		case 'O': origin = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc) {
		cli_error("too many arguments");
		return usage_error();
	}
	if (!need_key_and_origin(key_path, origin))
		return usage_error();
	if (alot_signing_key_load(key_path, &key, &err) != ALOT_OK) {
		rc = report_failure(&err);
		goto out;
	}
	alot_signing_key_public(key, &pub);
	if (alot_note_verifier_format(origin, ALOT_NOTE_ALG_ED25519, &pub, &vkey, &err) != ALOT_OK) {
		rc = report_failure(&err);
		goto out;
	}
	printf("%s\n", vkey);
	rc = ALOT_EXIT_OK;
out:
	free(vkey);
	alot_signing_key_free(key);
	return rc;
}

/* ---- consistency ------------------------------------------------------ */

/* The proof's text, one base64 hash per line, into *text (malloc'd). */
static alot_code
proof_lines(const unsigned char (*proof)[ALOT_HASH_LEN], size_t len, char **text, alot_error *err)
{
	char *line = NULL;
	size_t i, used = 0;
	alot_code rc = ALOT_OK;

	if ((*text = malloc(len * 46 + 1)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	(*text)[0] = '\0';
	for (i = 0; i < len && rc == ALOT_OK; i++) {
		if ((rc = alot_base64_encode(proof[i], ALOT_HASH_LEN, &line, err)) == ALOT_OK)
			used += (size_t)sprintf(*text + used, "%s\n", line);
		free(line);
		line = NULL;
	}
	if (rc != ALOT_OK) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* The newer size: --new, or the newest checkpoint's; refused beyond the log. */
static alot_code
newer_size(PGconn *conn, const char *given, uint64_t old_size, uint64_t *out, alot_error *err)
{
	log_checkpoint cp;
	uint64_t head;
	alot_code rc;

	if (given != NULL) {
		*out = 0;
		(void)parse_u64(given, out);
	} else {
		if ((rc = log_newest_checkpoint(conn, &cp, err)) != ALOT_OK)
			return rc == ALOT_ERR_NOT_FOUND ? alot_error_set(err, ALOT_ERR_REFUSED,
			                                                   "the log has no checkpoint yet: give --new") : rc;
		*out = cp.size;
		log_checkpoint_free(&cp);
	}
	if ((rc = log_size(conn, &head, err)) != ALOT_OK)
		return rc;
	if (*out > head)
		return alot_error_set(err, ALOT_ERR_REFUSED, "size %" PRIu64 " is beyond the log's size %" PRIu64, *out, head);
	if (old_size > *out)
		return alot_error_set(err, ALOT_ERR_REFUSED, "the old size %" PRIu64 " is larger than the new size %" PRIu64,
		                      old_size, *out);
	return ALOT_OK;
}

static int
consistency_run(PGconn *conn, uint64_t old_size, const char *new_text, const char *output)
{
	unsigned char (*proof)[ALOT_HASH_LEN] = malloc(ALOT_TLOG_MAX_PROOF * ALOT_HASH_LEN);
	uint64_t new_size;
	size_t len = 0;
	alot_error err;
	char *text = NULL;
	int rc = ALOT_EXIT_ERROR;

	if (proof == NULL) {
		cli_error("out of memory");
		goto out;
	}
	/* One snapshot: the sizes and the hashes they rest on. */
	if (alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &err) != ALOT_OK ||
	    newer_size(conn, new_text, old_size, &new_size, &err) != ALOT_OK ||
	    alot_tlog_consistency_proof(old_size, new_size, log_read_hash, conn, proof, &len, &err) != ALOT_OK ||
	    proof_lines((const unsigned char (*)[ALOT_HASH_LEN])proof, len, &text, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not read the log", &err) : report_failure(&err);
		goto out;
	}
	if (output == NULL)
		fputs(text, stdout);
	else if (!write_file_atomic(output, text, strlen(text), 1))
		goto out;
	fprintf(stderr, "%s: consistency proof from size %" PRIu64 " to %" PRIu64 ": %zu hashes\n",
	        cli_progname(), old_size, new_size, len);
	rc = ALOT_EXIT_OK;
out:
	(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	free(text);
	free(proof);
	return rc;
}

static int
log_cmd_consistency(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "old", required_argument, NULL, 1 },
		{ "new", required_argument, NULL, 2 },
		{ "output", required_argument, NULL, 'o' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *old_text = NULL, *new_text = NULL, *output = NULL;
	draw_options opts;
	uint64_t old_size, new_size;
	PGconn *conn;
	int c, rc;

	if (command_preamble(argc, argv, consistency_usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "o:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 1: old_text = optarg; break;
		case 2: new_text = optarg; break;
		case 'o': output = optarg; break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || old_text == NULL) {
		cli_error(optind < argc ? "too many arguments" : "--old is required");
		return usage_error();
	}
	if (!parse_u64(old_text, &old_size) || (new_text != NULL && !parse_u64(new_text, &new_size))) {
		cli_error("invalid value \"%s\" for a size: expected a decimal number",
		          parse_u64(old_text, &old_size) ? new_text : old_text);
		return usage_error();
	}
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	rc = consistency_run(conn, old_size, new_text, output);
	PQfinish(conn);
	return rc;
}

/* ---- dispatch ---------------------------------------------------------- */

static const struct cli_command subcommands[] = {
	{ "checkpoint", log_cmd_checkpoint },
	{ "vkey", log_cmd_vkey },
	{ "witness", log_cmd_witness },
	{ "publish", log_cmd_publish },
	{ "consistency", log_cmd_consistency },
};

int
cmd_log(int argc, char **argv)
{
	return cli_dispatch(argc, argv, usage, "log subcommand", subcommands,
	                    sizeof(subcommands) / sizeof(subcommands[0]));
}
