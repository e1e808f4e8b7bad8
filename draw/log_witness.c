/*
 * log_witness.c - "alot-draw log witness": collect witness cosignatures of
 * the newest checkpoint, or of the one of --size.  Each witness is a command (run with /bin/sh -c)
 * that speaks the alot-witness CLI contract: a c2sp.org/tlog-witness
 * add-checkpoint request on stdin; exit 0 with the cosignature lines on
 * stdout, exit 1 with an HTTP status line (and for 409 Conflict the
 * witness's size), exit 2 when it could not run.  Every cosignature is
 * verified against the witness's vkey before it is stored.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/note.h"
#include "alot/text.h"
#include "alot/tlog.h"
#include "draw.h"

static const char usage[] =
	"alot-draw log witness collects witness cosignatures of the newest checkpoint.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log witness --witness-key VKEYFILE --witness-exec COMMAND [...] [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -w, --witness-key=FILE    a witness's vkey (c2sp.org/signed-note, cosignature/v1)\n"
	"  -x, --witness-exec=CMD    the command that asks that witness (run with /bin/sh -c);\n"
	"                            give one after each --witness-key\n"
	"  -n, --size=N              ask for the stored checkpoint of size N (default: the newest)\n"
	"  -d, --dbname=CONNSTR      database connection string (default: the PG* variables)\n"
	"  -V, --version             output version information, then exit\n"
	"  -?, --help                show this help, then exit\n"
	"\n"
	"Each command reads a tlog-witness add-checkpoint request on stdin, as\n"
	"\"alot-witness add-checkpoint\" does. Exit status: 0 every witness cosigned,\n"
	"1 a witness refused, 2 a witness could not be run.\n";

#define MAX_WITNESSES 16
#define MAX_OUTPUT (1024 * 1024)

struct witness {
	const char *key_path;
	const char *command;
	alot_note_verifier vkey;
};

/* What a witness command did. */
struct witness_reply {
	int status;      /* its exit status; -1 when it did not exit normally */
	char *out;       /* its stdout, NUL-terminated */
	char *err;       /* its stderr, NUL-terminated */
};

static void
reply_free(struct witness_reply *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* The whole of f (at most MAX_OUTPUT bytes), NUL-terminated; NULL when out of memory. */
static char *
slurp(FILE *f)
{
	char *buf = malloc(MAX_OUTPUT + 1);
	size_t n;

	if (buf == NULL)
		return NULL;
	rewind(f);
	n = fread(buf, 1, MAX_OUTPUT, f);
	buf[n] = '\0';
	return buf;
}

/* Run command with request on stdin; its output into *reply.  0 when it could not be started. */
static int
run_witness(const char *command, const char *request, struct witness_reply *reply)
{
	FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
	pid_t pid;
	int status, ok = 0;

	memset(reply, 0, sizeof(*reply));
	reply->status = -1;
	if (in == NULL || out == NULL || err == NULL || fputs(request, in) < 0 || fflush(in) != 0) {
		cli_error("could not run a witness: %s", strerror(errno));
		goto out;
	}
	rewind(in);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		cli_error("could not run a witness: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(fileno(in), 0) < 0 || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cli_error("could not wait for a witness: %s", strerror(errno));
			goto out;
		}
	reply->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	reply->out = slurp(out);
	reply->err = slurp(err);
	ok = reply->out != NULL && reply->err != NULL;
	if (!ok)
		cli_error("out of memory");
out:
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	if (err != NULL)
		fclose(err);
	return ok;
}

/* The add-checkpoint request: old size, consistency proof, blank line, checkpoint. */
static alot_code
build_request(PGconn *conn, const log_checkpoint *cp, uint64_t old_size, char **request, alot_error *err)
{
	unsigned char (*proof)[ALOT_HASH_LEN] = malloc(ALOT_TLOG_MAX_PROOF * ALOT_HASH_LEN);
	char *line = NULL;
	size_t len = 0, i, used;
	alot_code rc;

	*request = NULL;
	if (proof == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if ((rc = alot_tlog_consistency_proof(old_size, cp->size, log_read_hash, conn, proof, &len, err)) != ALOT_OK)
		goto out;
	if ((*request = malloc(32 + len * 46 + 1 + strlen(cp->note) + 1)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	used = (size_t)sprintf(*request, "old %" PRIu64 "\n", old_size);
	for (i = 0; i < len && rc == ALOT_OK; i++) {
		if ((rc = alot_base64_encode(proof[i], ALOT_HASH_LEN, &line, err)) == ALOT_OK)
			used += (size_t)sprintf(*request + used, "%s\n", line);
		free(line);
		line = NULL;
	}
	sprintf(*request + used, "\n%s", cp->note);
out:
	if (rc != ALOT_OK) {
		free(*request);
		*request = NULL;
	}
	free(proof);
	return rc;
}

static const char cosigned_sql[] =
	"SELECT coalesce(max(size), 0), EXISTS (SELECT 1 FROM log_cosignatures WHERE witness = $1 AND key_id = $2::bigint"
	"                                                                   AND size = $3::bigint)"
	"  FROM log_cosignatures WHERE witness = $1 AND key_id = $2::bigint";
static const char store_sql[] =
	"INSERT INTO log_cosignatures (size, witness, key_id, timestamp, line)"
	" VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5) ON CONFLICT DO NOTHING";

/* The largest size w has cosigned (0 when none), and whether it has cosigned cp. */
static alot_code
cosigned_size(PGconn *conn, const struct witness *w, const log_checkpoint *cp, uint64_t *size, int *has_cp,
              alot_error *err)
{
	char key_id[16], cp_size[24];
	const char *params[] = { w->vkey.name, key_id, cp_size };
	PGresult *res = NULL;
	alot_code rc;

	snprintf(key_id, sizeof(key_id), "%" PRIu32, w->vkey.key_id);
	snprintf(cp_size, sizeof(cp_size), "%" PRIu64, cp->size);
	if ((rc = alot_db_exec(conn, cosigned_sql, 3, params, &res, err)) == ALOT_OK &&
	    !parse_u64(PQgetvalue(res, 0, 0), size))
		rc = alot_error_set(err, ALOT_ERR_DB, "log_cosignatures holds a size that is not one");
	if (rc == ALOT_OK)
		*has_cp = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	return rc;
}

/*
 * line (without its newline) as w's cosignature of cp: ALOT_OK with
 * *timestamp when it is one, ALOT_ERR_NOT_FOUND when it is another key's,
 * ALOT_ERR_VERIFY when it names w's key but does not verify.
 */
static alot_code
check_cosignature(const log_checkpoint *cp, const struct witness *w, const char *line, size_t len,
                  uint64_t *timestamp, alot_error *err)
{
	size_t note_len = strlen(cp->note);
	char *text = malloc(note_len + len + 2);
	alot_note note;
	int verified = 0;
	alot_code rc;

	memset(&note, 0, sizeof(note));
	if (text == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	memcpy(text, cp->note, note_len);
	memcpy(text + note_len, line, len);
	text[note_len + len] = '\n';
	if ((rc = alot_note_parse(text, note_len + len + 1, &note, err)) != ALOT_OK) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "a line of its answer is not a signature line: %s", err->message);
		goto out;
	}
	if ((rc = alot_note_verify(&note, &w->vkey, 1, &verified, timestamp, err)) != ALOT_OK)
		goto out;
	if (!verified)
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "not a cosignature of its key");
	else if (w->vkey.alg != ALOT_NOTE_ALG_COSIG_V1 || *timestamp == 0)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "its signature is not a timestamped cosignature/v1");
out:
	alot_note_free(&note);
	free(text);
	return rc;
}

/* Verify and store every cosignature by w in the answer; the count into *stored. */
static alot_code
store_cosignatures(PGconn *conn, const log_checkpoint *cp, const struct witness *w, const char *answer,
                   size_t *stored, uint64_t *timestamp, alot_error *err)
{
	const char *line = answer, *end;
	char size_text[24], key_id[16], time_text[24], *copy;
	alot_code rc = ALOT_OK;

	*stored = 0;
	snprintf(size_text, sizeof(size_text), "%" PRIu64, cp->size);
	snprintf(key_id, sizeof(key_id), "%" PRIu32, w->vkey.key_id);
	for (; *line && rc == ALOT_OK; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		rc = check_cosignature(cp, w, line, (size_t)(end - line), timestamp, err);
		if (rc == ALOT_ERR_NOT_FOUND) {
			rc = ALOT_OK;
			continue;
		}
		if (rc != ALOT_OK)
			break;
		if ((copy = strndup(line, (size_t)(end - line))) == NULL)
			return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		snprintf(time_text, sizeof(time_text), "%" PRIu64, *timestamp);
		{
			const char *params[] = { size_text, w->vkey.name, key_id, time_text, copy };

			rc = alot_db_command(conn, store_sql, 5, params, err);
		}
		free(copy);
		if (rc == ALOT_OK)
			(*stored)++;
	}
	if (rc == ALOT_OK && *stored == 0)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "its answer holds no cosignature by its key");
	return rc;
}

/* Relay what a witness said on stderr, escaped, one line at a time. */
static void
relay(const char *name, const char *what, const char *text)
{
	const char *line = text, *end;
	char buf[1024];

	for (; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		alot_escape(line, (size_t)(end - line), buf, sizeof(buf));
		cli_detail("witness %s %s: %s", name, what, buf);
	}
}

/* The 409 answer's size: "409 Conflict\nSIZE\n". */
static int
conflict_size(const char *out, uint64_t *size)
{
	const char *body = strchr(out, '\n');
	char digits[24];
	size_t n;

	if (strncmp(out, "409 ", 4) != 0 || body == NULL)
		return 0;
	body++;
	n = strcspn(body, "\n");
	if (n == 0 || n >= sizeof(digits))
		return 0;
	memcpy(digits, body, n);
	digits[n] = '\0';
	return parse_u64(digits, size);
}

/* Ask one witness; returns an alot_exit. */
static int
ask_witness(PGconn *conn, const log_checkpoint *cp, const struct witness *w, const char *name)
{
	struct witness_reply reply;
	uint64_t old_size, timestamp = 0;
	char *request = NULL, status[ALOT_ERROR_MESSAGE_MAX * 10];
	size_t stored = 0;
	alot_error err;
	int attempt, has_cp = 0, rc = ALOT_EXIT_ERROR;

	memset(&reply, 0, sizeof(reply));
	if (cosigned_size(conn, w, cp, &old_size, &has_cp, &err) != ALOT_OK) {
		rc = db_failure("could not read the cosignatures", &err);
		goto out;
	}
	if (has_cp || (old_size == cp->size && cp->size > 0)) {
		printf("witness %s: checkpoint %" PRIu64 " is cosigned already\n", name, cp->size);
		rc = ALOT_EXIT_OK;
		goto out;
	}
	/* A witness never cosigns a smaller tree than the last it cosigned. */
	if (old_size > cp->size) {
		printf("witness %s: refused checkpoint %" PRIu64 ": it cosigned checkpoint %" PRIu64 " already\n", name,
		       cp->size, old_size);
		cli_error("witness %s cannot cosign checkpoint %" PRIu64 ": it has cosigned the larger checkpoint %" PRIu64,
		          name, cp->size, old_size);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		free(request);
		reply_free(&reply);
		if (build_request(conn, cp, old_size, &request, &err) != ALOT_OK) {
			rc = report_failure(&err);
			goto out;
		}
		if (!run_witness(w->command, request, &reply))
			goto out;
		/* 409 Conflict: the witness holds another size; try once from that one. */
		if (reply.status != 1 || attempt > 0 || !conflict_size(reply.out, &old_size) || old_size > cp->size)
			break;
		fprintf(stderr, "%s: witness %s last cosigned size %" PRIu64 ": asking again from there\n",
		        cli_progname(), name, old_size);
	}
	if (reply.status == 0) {
		if (store_cosignatures(conn, cp, w, reply.out, &stored, &timestamp, &err) != ALOT_OK) {
			/* The message can quote the witness's answer. */
			alot_escape(err.message, strlen(err.message), status, sizeof(status));
			cli_error("witness %s: %s", name, status);
			printf("witness %s: refused: its cosignature of checkpoint %" PRIu64 " does not verify\n", name, cp->size);
			rc = err.code == ALOT_ERR_DB ? ALOT_EXIT_ERROR : ALOT_EXIT_FAILED;
			goto out;
		}
		printf("witness %s: cosigned checkpoint %" PRIu64 " at %" PRIu64 "\n", name, cp->size, timestamp);
		rc = ALOT_EXIT_OK;
	} else if (reply.status == 1) {
		alot_escape(reply.out, strcspn(reply.out, "\n"), status, sizeof(status));
		printf("witness %s: refused checkpoint %" PRIu64 ": %s\n", name, cp->size, status);
		cli_error("witness %s refused checkpoint %" PRIu64 ": %s", name, cp->size, status);
		relay(name, "said", reply.err);
		rc = ALOT_EXIT_FAILED;
	} else {
		printf("witness %s: could not run (exit status %d)\n", name, reply.status);
		cli_error("witness %s could not run (exit status %d)", name, reply.status);
		relay(name, "said", reply.err);
		rc = ALOT_EXIT_ERROR;
	}
out:
	free(request);
	reply_free(&reply);
	return rc;
}

/* Read and parse a witness's vkey file. */
static int
load_vkey(struct witness *w)
{
	char text[1024];
	FILE *f = fopen(w->key_path, "r");
	alot_error err;
	size_t n;

	if (f == NULL) {
		cli_error("could not read witness key \"%s\": %s", w->key_path, strerror(errno));
		return 0;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (alot_note_verifier_parse(text, n, &w->vkey, &err) != ALOT_OK) {
		cli_error("witness key \"%s\": %s", w->key_path, err.message);
		return 0;
	}
	if (w->vkey.alg != ALOT_NOTE_ALG_COSIG_V1) {
		cli_error("witness key \"%s\" is not a cosignature/v1 key (type 0x04)", w->key_path);
		return 0;
	}
	return 1;
}

/* Ask every witness for the checkpoint of size (have_size), or the newest. */
static int
witness_all(PGconn *conn, struct witness *ws, size_t n, int have_size, uint64_t size)
{
	log_checkpoint cp;
	alot_error err;
	char *name;
	size_t i;
	int rc = ALOT_EXIT_OK, one;

	if ((have_size ? log_checkpoint_at(conn, size, &cp, &err) : log_newest_checkpoint(conn, &cp, &err)) != ALOT_OK) {
		if (err.code == ALOT_ERR_NOT_FOUND && have_size) {
			cli_error("the log has no checkpoint of size %" PRIu64 " to witness", size);
			cli_hint("run \"alot-draw log checkpoint --size %" PRIu64 "\" first", size);
			return ALOT_EXIT_FAILED;
		}
		if (err.code == ALOT_ERR_NOT_FOUND) {
			cli_error("the log has no checkpoint to witness");
			cli_hint("run \"alot-draw log checkpoint\" first");
			return ALOT_EXIT_FAILED;
		}
		return db_failure("could not read the checkpoint", &err);
	}
	for (i = 0; i < n; i++) {
		if ((name = alot_escaped(ws[i].vkey.name)) == NULL) {
			cli_error("out of memory");
			rc = ALOT_EXIT_ERROR;
			break;
		}
		one = ask_witness(conn, &cp, &ws[i], name);
		free(name);
		if (one == ALOT_EXIT_ERROR || (one == ALOT_EXIT_FAILED && rc == ALOT_EXIT_OK))
			rc = one;
	}
	log_checkpoint_free(&cp);
	return rc;
}

int
log_witness_size(PGconn *conn, const char *const *key_paths, const char *const *commands, size_t n,
                 uint64_t size)
{
	struct witness ws[MAX_WITNESSES];
	size_t i;

	if (n == 0 || n > MAX_WITNESSES) {
		cli_error("give 1 to %d witnesses", MAX_WITNESSES);
		return ALOT_EXIT_ERROR;
	}
	memset(ws, 0, sizeof(ws));
	for (i = 0; i < n; i++) {
		ws[i].key_path = key_paths[i];
		ws[i].command = commands[i];
		if (!load_vkey(&ws[i]))
			return ALOT_EXIT_ERROR;
	}
	return witness_all(conn, ws, n, 1, size);
}

int
log_cmd_witness(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "witness-key", required_argument, NULL, 'w' },
		{ "witness-exec", required_argument, NULL, 'x' },
		{ "size", required_argument, NULL, 'n' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct witness ws[MAX_WITNESSES];
	size_t keys = 0, commands = 0, i;
	draw_options opts;
	uint64_t size = 0;
	PGconn *conn;
	int c, rc, have_size = 0;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	memset(ws, 0, sizeof(ws));
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "w:x:n:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'w':
		case 'x':
			if ((c == 'w' ? keys : commands) == MAX_WITNESSES) {
				cli_error("at most %d witnesses", MAX_WITNESSES);
				return usage_error();
			}
			if (c == 'w')
				ws[keys++].key_path = optarg;
			else
				ws[commands++].command = optarg;
			break;
		case 'n':
			if (!parse_u64(optarg, &size)) {
				cli_error("invalid value \"%s\" for --size: expected a decimal number", optarg);
				return usage_error();
			}
			have_size = 1;
			break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || keys == 0 || keys != commands) {
		cli_error(optind < argc ? "too many arguments" : "give each --witness-key with its --witness-exec");
		return usage_error();
	}
	for (i = 0; i < keys; i++)
		if (!load_vkey(&ws[i]))
			return ALOT_EXIT_ERROR;
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	rc = witness_all(conn, ws, keys, have_size, size);
	PQfinish(conn);
	return rc;
}
