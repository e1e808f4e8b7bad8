/*
 * export.c - "alot-draw export": write what a room's draw publishes: the
 * commitment record, the freeze record (protocol 2), the signed draw
 * record, the full ticket ledger, and the inclusion proof of any entry; or
 * every draw record as JSON lines.  Beside each record file, the record's
 * c2sp.org/tlog-proof@v1 (ROOM.KIND.tlog-proof): its inclusion in the
 * transparency log at the newest checkpoint, with every cosignature.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/model.h"
#include "alot/record.h"
#include "draw.h"

static const char usage[] =
	"alot-draw export writes published records, ticket ledgers and inclusion proofs.\n"
	"\n"
	"Usage:\n"
	"  alot-draw export --room ID [--proof ENTRY_ID]... [OPTION]...\n"
	"  alot-draw export --all [--since TIME] [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -r, --room=ID           export one room: ROOM.commitment.json, ROOM.freeze.json (once\n"
	"                          frozen), ROOM.draw.json and ROOM.ledger.jsonl (once drawn),\n"
	"                          and each record's ROOM.KIND.tlog-proof once a checkpoint has it\n"
	"  -p, --proof=ENTRY_ID    also write ROOM.proof-ENTRY_ID.json, the entry's inclusion proof\n"
	"  -a, --all               export every draw: draws.jsonl, commitments.jsonl, freezes.jsonl,\n"
	"                          and each room's ROOM.draw.json, ROOM.freeze.json and ledger\n"
	"      --since=TIME        with --all, only draws at or after TIME (e.g. 2026-02-01)\n"
	"  -o, --output=DIR        the folder to write into (default: the current folder)\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n";

#define MAX_PROOFS 64

struct export_options {
	draw_options db;
	const char *dir;
	int all;
	const char *since;
	size_t proof_count;
	const char *proofs[MAX_PROOFS];
};

/*
 * Every file is first written to a temporary file in the output folder
 * (".NAME.XXXXXX", made by mkstemp, flushed to disk), and only when the
 * whole export has succeeded are they all renamed into place.  A failed
 * export, --all included, leaves no file of its own behind: neither a
 * partial one nor a temporary one.
 */
struct staged {
	char *tmp;
	char *path;
};

static struct staged *staged;
static size_t staged_count, staged_cap;
/* What to say once the files are in place. */
static char done_note[512];
/* Records written without a tlog-proof: no checkpoint includes them yet. */
static unsigned long unproven;

static void
unlink_staged(void)
{
	size_t i;

	for (i = 0; i < staged_count; i++) {
		if (staged[i].tmp != NULL)
			unlink(staged[i].tmp);
		free(staged[i].tmp);
		free(staged[i].path);
	}
	free(staged);
	staged = NULL;
	staged_count = staged_cap = 0;
}

/* Write text and suffix to a temporary file beside dir/name, to be renamed later. */
static int
write_file(const char *dir, const char *name, const char *text, const char *suffix)
{
	char path[4096], tmp[4200];
	size_t i;
	FILE *f = NULL;
	mode_t mask;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name);
	/* One room can be written twice in one export (--all): the last text wins. */
	for (i = 0; i < staged_count; i++)
		if (strcmp(staged[i].path, path) == 0) {
			unlink(staged[i].tmp);
			free(staged[i].tmp);
			free(staged[i].path);
			staged[i] = staged[--staged_count];
			break;
		}
	if (staged_count == staged_cap) {
		size_t want = staged_cap ? staged_cap * 2 : 16;
		struct staged *bigger = realloc(staged, want * sizeof(*bigger));

		if (bigger == NULL) {
			cli_error("out of memory");
			return 0;
		}
		staged = bigger;
		staged_cap = want;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		cli_error("could not write \"%s\": %s", path, strerror(errno));
		return 0;
	}
	staged[staged_count].tmp = strdup(tmp);
	staged[staged_count].path = strdup(path);
	if (staged[staged_count].tmp == NULL || staged[staged_count].path == NULL) {
		free(staged[staged_count].tmp);
		free(staged[staged_count].path);
		close(fd);
		unlink(tmp);
		cli_error("out of memory");
		return 0;
	}
	staged_count++;
	mask = umask(0);
	umask(mask);
	ok = fchmod(fd, 0666 & ~mask) == 0 && (f = fdopen(fd, "w")) != NULL;
	if (!ok)
		close(fd);
	ok = ok && fputs(text, f) >= 0 && fputs(suffix, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	if (!ok)
		cli_error("could not write \"%s\": %s", path, strerror(errno));
	return ok;
}

/*
 * Rename every staged file into place.  Each target is checked first, so
 * that a target that cannot be replaced (a folder, say) fails the export
 * before any file is renamed.
 */
static int
commit_staged(void)
{
	struct stat st;
	size_t i;

	for (i = 0; i < staged_count; i++)
		if (lstat(staged[i].path, &st) == 0 && !S_ISREG(st.st_mode)) {
			cli_error("could not write \"%s\": it exists and is not a regular file", staged[i].path);
			return 0;
		}
	for (i = 0; i < staged_count; i++) {
		if (rename(staged[i].tmp, staged[i].path) != 0) {
			cli_error("could not write \"%s\": %s", staged[i].path, strerror(errno));
			return 0;
		}
		free(staged[i].tmp);
		staged[i].tmp = NULL;
	}
	return 1;
}

/*
 * ROOM.KIND.json and, when a checkpoint of the transparency log includes
 * the record, ROOM.KIND.tlog-proof beside it.
 */
static int
write_record(PGconn *conn, const struct export_options *o, const char *kind, const char *record)
{
	char name[256], *proof = NULL;
	alot_error err;
	int ok;

	snprintf(name, sizeof(name), "%s.%s.json", o->db.room, kind);
	if (!write_file(o->dir, name, record, "\n"))
		return 0;
	switch (log_record_proof(conn, kind, o->db.room, &proof, &err)) {
	case ALOT_OK:
		snprintf(name, sizeof(name), "%s.%s.tlog-proof", o->db.room, kind);
		ok = write_file(o->dir, name, proof, "");
		break;
	case ALOT_ERR_NOT_FOUND:
		unproven++;
		ok = 1;
		break;
	case ALOT_ERR_DB:
		ok = 0;
		(void)db_failure("could not read the transparency log", &err);
		break;
	default:
		ok = 0;
		cli_report(&err);
		break;
	}
	free(proof);
	return ok;
}

/* The ledger file: a header line, then one line per entry. */
static char *
ledger_text(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n, alot_error *err)
{
	size_t cap = 512 + n * 160, len = 0, i;
	char *out = malloc(cap), *line = NULL;

	if (out == NULL || alot_ledger_header_json(rec, &line, err) != ALOT_OK)
		goto fail;
	len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
	free(line);
	for (i = 0; i < n; i++) {
		if (alot_ledger_line_json(&ledger[i], &line, err) != ALOT_OK)
			goto fail;
		len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
		free(line);
	}
	return out;
fail:
	free(out);
	alot_error_set(err, ALOT_ERR_NOMEM, "out of memory writing the ledger");
	return NULL;
}

/* The ledger in the database must still be the one the record's root covers. */
static alot_code
check_ledger(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n,
             const char *room, alot_error *err)
{
	alot_merkle_builder *b = malloc(sizeof(*b));
	unsigned char root[ALOT_HASH_LEN];
	size_t i;
	alot_code rc = ALOT_OK;

	if (b == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	alot_merkle_init(b);
	for (i = 0; i < n; i++)
		alot_merkle_add(b, &ledger[i]);
	if (n != rec->lot.entry_count || alot_merkle_finish(b, root, NULL) != ALOT_OK ||
	    !alot_ct_equal(root, rec->lot.ledger_root, ALOT_HASH_LEN))
		rc = alot_error_set(err, ALOT_ERR_VERIFY,
		                    "room %s: the entries in the database no longer hash to the published ledger root", room);
	free(b);
	return rc;
}

static int
export_proof(const struct export_options *o, const alot_draw_record *rec,
             const alot_ticket_range *ledger, size_t n, const char *entry)
{
	alot_inclusion_proof *proof = malloc(sizeof(*proof));
	alot_uuid id;
	alot_error err;
	char name[256], *text = NULL;
	size_t i;
	int rc = ALOT_EXIT_ERROR;

	if (proof == NULL || !parse_uuid_option("--proof", entry, &id))
		goto out;
	for (i = 0; i < n && !alot_uuid_equal(&ledger[i].entry_id, &id); i++)
		;
	if (i == n) {
		cli_error("entry %s is not in room %s", entry, o->db.room);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if (alot_inclusion_proof_make(rec, ledger, n, i, proof, &err) != ALOT_OK ||
	    alot_inclusion_proof_json(proof, &text, &err) != ALOT_OK) {
		rc = report_failure(&err);
		goto out;
	}
	snprintf(name, sizeof(name), "%s.proof-%s.json", o->db.room, entry);
	rc = write_file(o->dir, name, text, "\n") ? ALOT_EXIT_OK : ALOT_EXIT_ERROR;
out:
	free(text);
	free(proof);
	return rc;
}

/* The draw's record, ledger and proofs; called inside a snapshot. */
static int
export_draw(PGconn *conn, const struct export_options *o, const char *record_text)
{
	alot_record *rec = malloc(sizeof(*rec));
	alot_ticket_range *ledger = NULL;
	alot_error err;
	char name[256], *text = NULL;
	size_t n = 0, i;
	int rc = ALOT_EXIT_ERROR;

	if (rec == NULL)
		goto out;
	if (alot_record_parse(record_text, strlen(record_text), rec, &err) != ALOT_OK ||
	    rec->type != ALOT_RECORD_DRAW) {
		cli_error("room %s: the stored draw record is malformed: %s", o->db.room, err.message);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if (load_ledger(conn, o->db.room, &ledger, &n, &err) != ALOT_OK ||
	    check_ledger(&rec->u.draw, ledger, n, o->db.room, &err) != ALOT_OK ||
	    (text = ledger_text(&rec->u.draw, ledger, n, &err)) == NULL) {
		rc = report_failure(&err);
		goto out;
	}
	if (!write_record(conn, o, "draw", record_text))
		goto out;
	snprintf(name, sizeof(name), "%s.ledger.jsonl", o->db.room);
	if (!write_file(o->dir, name, text, ""))
		goto out;
	rc = ALOT_EXIT_OK;
	for (i = 0; i < o->proof_count && rc == ALOT_EXIT_OK; i++)
		rc = export_proof(o, &rec->u.draw, ledger, n, o->proofs[i]);
out:
	free(text);
	free(ledger);
	free(rec);
	return rc;
}

/* ROOM.freeze.json: the room's freeze record (protocol 2), and its tlog-proof. */
static int
write_freeze(PGconn *conn, const struct export_options *o, const char *record)
{
	return write_record(conn, o, "freeze", record);
}

static const char room_sql[] =
	"SELECT c.record, d.record, f.record FROM ONLY rooms r"
	"  LEFT JOIN ONLY room_commitments c ON c.room_id = r.id"
	"  LEFT JOIN ONLY lottery_draws d ON d.room_id = r.id"
	"  LEFT JOIN ONLY room_freezes f ON f.room_id = r.id"
	" WHERE r.id = $1";

static int
export_room(PGconn *conn, const struct export_options *o)
{
	const char *params[] = { o->db.room };
	PGresult *res = NULL;
	alot_error err;
	int rc;

	if (alot_db_exec(conn, room_sql, 1, params, &res, &err) != ALOT_OK)
		return db_failure("could not read the room", &err);
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		cli_error(PQntuples(res) == 0 ? "room %s does not exist" : "room %s has no commitment yet",
		          o->db.room);
		PQclear(res);
		return ALOT_EXIT_FAILED;
	}
	rc = write_record(conn, o, "commitment", PQgetvalue(res, 0, 0)) ? ALOT_EXIT_OK : ALOT_EXIT_ERROR;
	if (rc == ALOT_EXIT_OK && !PQgetisnull(res, 0, 2) && !write_freeze(conn, o, PQgetvalue(res, 0, 2)))
		rc = ALOT_EXIT_ERROR;
	if (rc == ALOT_EXIT_OK && PQgetisnull(res, 0, 1)) {
		snprintf(done_note, sizeof(done_note), "%s: room %s is not drawn yet: wrote its commitment record%s only\n",
		         cli_progname(), o->db.room, PQgetisnull(res, 0, 2) ? "" : " and its freeze record");
		if (o->proof_count > 0) {
			cli_error("room %s has no draw to prove entries against", o->db.room);
			rc = ALOT_EXIT_FAILED;
		}
	} else if (rc == ALOT_EXIT_OK) {
		rc = export_draw(conn, o, PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

static const char all_sql[] =
	"SELECT d.room_id, d.record, c.record, f.record FROM ONLY lottery_draws d"
	"  JOIN ONLY room_commitments c ON c.room_id = d.room_id"
	"  LEFT JOIN ONLY room_freezes f ON f.room_id = d.room_id"
	" WHERE d.record IS NOT NULL AND ($1::timestamp IS NULL OR d.drawn_at >= $1::timestamp)"
	" ORDER BY d.drawn_at, d.room_id";

/* Append one record per line to a growing buffer. */
static int
append_line(char **buf, size_t *len, size_t *cap, const char *line)
{
	size_t n = strlen(line);

	if (*len + n + 2 > *cap) {
		size_t want = (*cap + n + 2) * 2;
		char *bigger = realloc(*buf, want);

		if (bigger == NULL)
			return 0;
		*buf = bigger;
		*cap = want;
	}
	memcpy(*buf + *len, line, n);
	(*buf)[*len + n] = '\n';
	*len += n + 1;
	(*buf)[*len] = '\0';
	return 1;
}

static int
export_all(PGconn *conn, struct export_options *o)
{
	const char *params[] = { o->since };
	char *draws = NULL, *commitments = NULL, *freezes = NULL;
	size_t dlen = 0, dcap = 0, clen = 0, ccap = 0, flen = 0, fcap = 0;
	PGresult *res;
	alot_error err;
	int i, rc = ALOT_EXIT_OK;

	if (alot_db_exec(conn, all_sql, 1, params, &res, &err) != ALOT_OK)
		return db_failure("could not read the draws", &err);
	for (i = 0; i < PQntuples(res) && rc == ALOT_EXIT_OK; i++) {
		o->db.room = PQgetvalue(res, i, 0);
		if (!append_line(&draws, &dlen, &dcap, PQgetvalue(res, i, 1)) ||
		    !append_line(&commitments, &clen, &ccap, PQgetvalue(res, i, 2)) ||
		    (!PQgetisnull(res, i, 3) && !append_line(&freezes, &flen, &fcap, PQgetvalue(res, i, 3))))
			rc = ALOT_EXIT_ERROR;
		else if (!PQgetisnull(res, i, 3) && !write_freeze(conn, o, PQgetvalue(res, i, 3)))
			rc = ALOT_EXIT_ERROR;
		else
			rc = export_draw(conn, o, PQgetvalue(res, i, 1));
	}
	if (rc == ALOT_EXIT_OK && (!write_file(o->dir, "draws.jsonl", draws ? draws : "", "") ||
	                           !write_file(o->dir, "commitments.jsonl", commitments ? commitments : "", "") ||
	                           !write_file(o->dir, "freezes.jsonl", freezes ? freezes : "", "")))
		rc = ALOT_EXIT_ERROR;
	if (rc == ALOT_EXIT_OK)
		snprintf(done_note, sizeof(done_note), "%s: exported %d draw records to \"%s\"\n",
		         cli_progname(), PQntuples(res), o->dir);
	PQclear(res);
	free(draws);
	free(commitments);
	free(freezes);
	return rc;
}

static int
parse_args(int argc, char **argv, struct export_options *o)
{
	static const struct option long_options[] = {
		{ "room", required_argument, NULL, 'r' },
		{ "proof", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 1 },
		{ "output", required_argument, NULL, 'o' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:p:ao:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'r': o->db.room = optarg; break;
		case 'a': o->all = 1; break;
		case 1: o->since = optarg; break;
		case 'o': o->dir = optarg; break;
		case 'd': o->db.conninfo = optarg; break;
		case 'p':
			if (o->proof_count == MAX_PROOFS) {
				cli_error("at most %d --proof options", MAX_PROOFS);
				return 0;
			}
			o->proofs[o->proof_count++] = optarg;
			break;
		default: return 0;
		}
	}
	if (optind < argc || (o->db.room != NULL) == o->all) {
		cli_error(optind < argc ? "too many arguments" : "give either --room or --all");
		return 0;
	}
	if ((o->all && o->proof_count > 0) || (!o->all && o->since != NULL)) {
		cli_error(o->all ? "--proof goes with --room" : "--since goes with --all");
		return 0;
	}
	return 1;
}

/* --since: a date, or a date and time, in UTC. */
static int
check_since(const char *since, char *out, size_t len)
{
	int64_t micros;

	snprintf(out, len, strlen(since) == 10 ? "%s 00:00:00" : "%s", since);
	if (alot_time_parse(out, &micros, NULL) != ALOT_OK) {
		cli_error("invalid value \"%s\" for option --since: expected a UTC date or time like 2026-02-01", since);
		return 0;
	}
	return 1;
}

int
cmd_export(int argc, char **argv)
{
	struct export_options o;
	char since[64];
	PGconn *conn = NULL;
	alot_error err;
	int rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	memset(&o, 0, sizeof(o));
	draw_options_defaults(&o.db);
	o.dir = ".";
	if (!parse_args(argc, argv, &o))
		return usage_error();
	if (o.db.room != NULL && !parse_uuid_option("--room", o.db.room, &o.db.room_id))
		return ALOT_EXIT_ERROR;
	if (o.since != NULL) {
		if (!check_since(o.since, since, sizeof(since)))
			return usage_error();
		o.since = since;
	}
	if (access(o.dir, W_OK) != 0) {
		cli_error("cannot write to folder \"%s\": %s", o.dir, strerror(errno));
		return ALOT_EXIT_ERROR;
	}
	if ((conn = draw_connect(&o.db)) == NULL)
		return ALOT_EXIT_ERROR;
	/* One snapshot for the records and the ledgers they cover. */
	if (alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &err) != ALOT_OK)
		rc = db_failure("could not start a snapshot", &err);
	else
		rc = o.all ? export_all(conn, &o) : export_room(conn, &o);
	(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	PQfinish(conn);
	if (rc == ALOT_EXIT_OK && !commit_staged())
		rc = ALOT_EXIT_ERROR;
	if (rc == ALOT_EXIT_OK) {
		fputs(done_note, stderr);
		if (unproven > 0)
			cli_hint("run \"alot-draw log checkpoint\" (and \"alot-draw log witness\"), then export again: "
			         "%lu record%s no checkpoint of the transparency log includes yet got no .tlog-proof",
			         unproven, unproven == 1 ? " that" : "s that");
	} else if (staged_count > 0)
		fprintf(stderr, "%s: the export failed: no file was written\n", cli_progname());
	unlink_staged();
	return rc;
}

int
export_room_files(PGconn *conn, const char *room, const alot_uuid *room_id, const char *dir)
{
	struct export_options o;
	alot_error err;
	int rc;

	memset(&o, 0, sizeof(o));
	draw_options_defaults(&o.db);
	o.db.room = room;
	o.db.room_id = *room_id;
	o.dir = dir;
	done_note[0] = '\0';
	unproven = 0;
	if (access(o.dir, W_OK) != 0) {
		cli_error("cannot write to folder \"%s\": %s", o.dir, strerror(errno));
		return ALOT_EXIT_ERROR;
	}
	if (alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &err) != ALOT_OK)
		rc = db_failure("could not start a snapshot", &err);
	else
		rc = export_room(conn, &o);
	(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	if (rc == ALOT_EXIT_OK && !commit_staged())
		rc = ALOT_EXIT_ERROR;
	if (rc == ALOT_EXIT_OK)
		fputs(done_note, stderr);
	else if (staged_count > 0)
		fprintf(stderr, "%s: the export failed: no file was written\n", cli_progname());
	unlink_staged();
	return rc;
}
