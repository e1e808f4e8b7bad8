/*
 * run_steps.c - the steps "alot-draw run" takes for each funded room, in
 * order, each one idempotent so that a service stopped (or killed) at any
 * point resumes where it stopped:
 *
 *   freeze      freeze_room(), as "alot-draw freeze": already when the
 *               room has its freeze record
 *   checkpoint  (NIST rule) the log's checkpoint of exactly the freeze's
 *               index + 1 (log_checkpoint_make): already when stored
 *   witness     (NIST rule) every witness asked for that checkpoint, as
 *               "log witness --size": already when each has a stored
 *               cosignature of it
 *   publish     (NIST rule, --publish) the log's tiles, as "log publish"
 *   draw        draw_room(), which waits for the rule's pulse: already
 *               when the room has its draw row
 *   export      (--export) the room's records, as "export --room"
 *
 * A room under rule "none" is frozen, drawn and exported.  A step that
 * does not end done or already ends the room's turn; the next scan takes
 * it again from the first step.
 *
 * The draw runs in a child process with a connection of its own: the
 * pulse wait inside draw_room() is not woken by signals, so a stop ends
 * the child, and the database rolls back whatever transaction it had
 * open.  Everything a draw depends on (freeze, start, chosen pulses) was
 * committed before its seed is unsealed, so the draw run again signs the
 * same bytes.
 *
 * An exported room is pending between its first step and its export: a
 * marker file EXPORT/.alot-run/ROOM, so that a room drawn by a service
 * that stopped before exporting it is still exported by the next one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/record.h"
#include "run.h"

#define MARKER_DIR ".alot-run"

/* What the freeze step learnt of the room. */
struct room_state {
	int version;      /* the commitment's protocol version */
	int nist;         /* its beacon rule is a NIST rule */
};

/* ---- pending exports -------------------------------------------------- */

static void
marker_path(const struct run_config *cfg, const char *room, char *buf, size_t len)
{
	if (room == NULL)
		snprintf(buf, len, "%s/%s", cfg->export_dir, MARKER_DIR);
	else
		snprintf(buf, len, "%s/%s/%s", cfg->export_dir, MARKER_DIR, room);
}

/* Flush the folder path to disk (a marker made or removed survives a crash). */
static void
sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* EXPORT/.alot-run/ROOM exists (made now when it did not); 0 when it cannot be made (printed). */
static int
marker_make(const struct run_config *cfg, const char *room)
{
	char dir[4096], path[4200];
	int fd;

	marker_path(cfg, NULL, dir, sizeof(dir));
	marker_path(cfg, room, path, sizeof(path));
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("could not create folder \"%s\": %s", dir, strerror(errno));
		return 0;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		cli_error("could not write \"%s\": %s", path, strerror(errno));
		return 0;
	}
	(void)fsync(fd);
	close(fd);
	sync_dir(dir);
	return 1;
}

static void
marker_remove(const struct run_config *cfg, const char *room)
{
	char dir[4096], path[4200];

	marker_path(cfg, NULL, dir, sizeof(dir));
	marker_path(cfg, room, path, sizeof(path));
	if (unlink(path) != 0 && errno != ENOENT)
		cli_error("could not remove \"%s\": %s", path, strerror(errno));
	sync_dir(dir);
}

/* ---- the scan ----------------------------------------------------------- */

/*
 * Frozen rooms first, in the order of their freezes in the log: a witness
 * never cosigns a smaller tree than one it cosigned, so the checkpoint of
 * an earlier freeze must be witnessed before a later one's.
 */
static const char funded_sql[] =
	"SELECT r.id FROM ONLY rooms r"
	"  LEFT JOIN log_entries e ON e.room_id = r.id AND e.kind = 'freeze'"
	" WHERE r.status = 'funded'"
	"   AND EXISTS (SELECT 1 FROM ONLY room_commitments c WHERE c.room_id = r.id)"
	"   AND NOT EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.room_id = r.id)"
	" ORDER BY e.idx NULLS LAST, r.funded_at NULLS LAST, r.id";

void
run_rooms_free(char **rooms, size_t n)
{
	size_t i;

	for (i = 0; rooms != NULL && i < n; i++)
		free(rooms[i]);
	free(rooms);
}

/* Append a copy of room unless it is listed already; 0 when out of memory. */
static int
add_room(char ***rooms, size_t *n, size_t *cap, const char *room)
{
	size_t i;
	char **bigger;

	for (i = 0; i < *n; i++)
		if (strcmp((*rooms)[i], room) == 0)
			return 1;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((bigger = realloc(*rooms, *cap * sizeof(*bigger))) == NULL)
			return 0;
		*rooms = bigger;
	}
	if (((*rooms)[*n] = strdup(room)) == NULL)
		return 0;
	(*n)++;
	return 1;
}

/* The pending markers' rooms (names that are UUIDs), in name order. */
static int
add_pending(const struct run_config *cfg, char ***rooms, size_t *n, size_t *cap)
{
	struct dirent **names = NULL;
	char dir[4096];
	alot_uuid id;
	int i, count, ok = 1;

	marker_path(cfg, NULL, dir, sizeof(dir));
	if ((count = scandir(dir, &names, NULL, alphasort)) < 0) {
		if (errno != ENOENT)
			cli_error("could not read folder \"%s\": %s", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < count; i++) {
		if (ok && alot_uuid_parse(names[i]->d_name, &id, NULL) == ALOT_OK)
			ok = add_room(rooms, n, cap, uuid_text(&id));
		free(names[i]);
	}
	free(names);
	return ok;
}

alot_code
run_scan(PGconn *conn, const struct run_config *cfg, char ***rooms, size_t *n)
{
	PGresult *res = NULL;
	size_t cap = 0;
	alot_error err;
	int i, ok = 1;
	alot_code rc;

	*rooms = NULL;
	*n = 0;
	if ((rc = alot_db_exec(conn, funded_sql, 0, NULL, &res, &err)) != ALOT_OK) {
		(void)db_failure("could not look for funded rooms", &err);
		goto out;
	}
	for (i = 0; ok && i < PQntuples(res); i++)
		ok = add_room(rooms, n, &cap, PQgetvalue(res, i, 0));
	if (ok && cfg->export_dir != NULL)
		ok = add_pending(cfg, rooms, n, &cap);
	if (!ok) {
		cli_error("out of memory");
		rc = ALOT_ERR_NOMEM;
	}
out:
	PQclear(res);
	if (rc != ALOT_OK) {
		run_rooms_free(*rooms, *n);
		*rooms = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- freeze --------------------------------------------------------------- */

/* The lock first, in a statement of its own (see execute.c). */
static const char lock_sql[] = "SELECT r.status FROM ONLY rooms r WHERE r.id = $1 FOR UPDATE";
static const char state_sql[] =
	"SELECT c.protocol_version, c.record, c.beacon_rule, f.record FROM ONLY rooms r"
	"  LEFT JOIN ONLY room_commitments c ON c.room_id = r.id"
	"  LEFT JOIN ONLY room_freezes f ON f.room_id = r.id"
	" WHERE r.id = $1";

/* A step's libalot failure: printed, and its result. */
static enum run_result
step_failure(const alot_error *err, const char *what)
{
	if (err->code == ALOT_ERR_DB) {
		(void)db_failure(what, err);
		return RUN_ERROR;
	}
	return report_failure(err) == ALOT_EXIT_FAILED ? RUN_REFUSED : RUN_ERROR;
}

/*
 * Freeze the room, in one transaction under its lock, as "alot-draw
 * freeze" does; *st what the room is committed to.  *skip: protocol 1,
 * which has no freeze (no line is logged).
 */
static enum run_result
step_freeze(PGconn *conn, const struct run_config *cfg, const char *room, const alot_uuid *id,
            struct room_state *st, int *skip, char *detail, size_t len)
{
	const char *params[] = { room };
	PGresult *res = NULL;
	room_freeze f;
	alot_error err;
	char root[65], status[32] = "";
	int committed = 0;
	enum run_result result = RUN_ERROR;

	memset(&f, 0, sizeof(f));
	*skip = 0;
	if (alot_db_command(conn, "BEGIN", 0, NULL, &err) != ALOT_OK ||
	    alot_db_exec(conn, lock_sql, 1, params, &res, &err) != ALOT_OK) {
		result = step_failure(&err, "could not read the room");
		snprintf(detail, len, "could not read the room: %s", err.message);
		goto out;
	}
	if (PQntuples(res) == 1)
		snprintf(status, sizeof(status), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	if (status[0] == '\0') {
		cli_error("room %s does not exist", room);
		snprintf(detail, len, "room %s does not exist", room);
		result = RUN_REFUSED;
		goto out;
	}
	if (alot_db_exec(conn, state_sql, 1, params, &res, &err) != ALOT_OK) {
		result = step_failure(&err, "could not read the room");
		snprintf(detail, len, "could not read the room: %s", err.message);
		goto out;
	}
	if (PQgetisnull(res, 0, 1)) {
		cli_error("room %s has no seed commitment: it cannot be frozen", room);
		snprintf(detail, len, "room %s has no seed commitment", room);
		result = RUN_REFUSED;
		goto out;
	}
	st->version = atoi(PQgetvalue(res, 0, 0));
	st->nist = beacon_rule_is_nist(PQgetvalue(res, 0, 2));
	if (!PQgetisnull(res, 0, 3)) {
		snprintf(detail, len, "room %s was frozen before", room);
		result = RUN_ALREADY;
		goto out;
	}
	if (st->version != ALOT_PROTOCOL_V2) {
		*skip = 1;
		result = RUN_DONE;
		goto out;
	}
	if (strcmp(status, "funded") != 0) {
		cli_error("room %s is %s, not funded: it cannot be frozen", room, status);
		snprintf(detail, len, "room %s is %s, not funded", room, status);
		result = RUN_REFUSED;
		goto out;
	}
	if (freeze_room(conn, room, id, PQgetvalue(res, 0, 1), cfg->key, &f, &err) != ALOT_OK) {
		result = step_failure(&err, "could not freeze the room");
		snprintf(detail, len, "%s", err.message);
		goto out;
	}
	if (alot_db_command(conn, "COMMIT", 0, NULL, &err) != ALOT_OK) {
		result = step_failure(&err, "the freeze was not committed");
		snprintf(detail, len, "the freeze was not committed: %s", err.message);
		goto out;
	}
	committed = 1;
	alot_hex_encode(f.record.lot.ledger_root, ALOT_HASH_LEN, root);
	snprintf(detail, len, "froze %u tickets in %u entries, ledger root %s", f.record.lot.total_tickets,
	         f.record.lot.entry_count, root);
	result = RUN_DONE;
out:
	if (!committed)
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	PQclear(res);
	room_freeze_free(&f);
	return result;
}

/* ---- checkpoint, witness, publish ---------------------------------------- */

/* The size of the freeze's beacon checkpoint: its log index + 1. */
static enum run_result
freeze_size(PGconn *conn, const char *room, uint64_t *size, char *detail, size_t len)
{
	uint64_t index;
	alot_error err;

	if (log_record_index(conn, "freeze", room, &index, &err) != ALOT_OK) {
		snprintf(detail, len, "%s", err.message);
		if (err.code != ALOT_ERR_NOT_FOUND)
			return step_failure(&err, "could not read the log");
		cli_report(&err);
		return RUN_ERROR;
	}
	*size = index + 1;
	return RUN_DONE;
}

static enum run_result
step_checkpoint(PGconn *conn, const struct run_config *cfg, const char *room, uint64_t *size, char *detail,
                size_t len)
{
	log_checkpoint cp;
	alot_error err;
	enum run_result result;

	memset(&cp, 0, sizeof(cp));
	if ((result = freeze_size(conn, room, size, detail, len)) != RUN_DONE)
		return result;
	if (cfg->log_key == NULL) {
		cli_error("room %s is drawn under a NIST beacon rule: the service needs --log-key and --origin", room);
		snprintf(detail, len, "no --log-key and --origin to sign the checkpoint of size %" PRIu64, *size);
		return RUN_REFUSED;
	}
	switch (log_checkpoint_at(conn, *size, &cp, &err)) {
	case ALOT_OK:
		log_checkpoint_free(&cp);
		snprintf(detail, len, "the checkpoint of size %" PRIu64 " was signed before", *size);
		return RUN_ALREADY;
	case ALOT_ERR_NOT_FOUND:
		break;
	default:
		snprintf(detail, len, "%s", err.message);
		return step_failure(&err, "could not read the checkpoints");
	}
	if (log_checkpoint_make(conn, cfg->log_key, cfg->origin, *size, &err) != ALOT_OK) {
		snprintf(detail, len, "%s", err.message);
		return step_failure(&err, "could not store the checkpoint");
	}
	snprintf(detail, len, "signed the checkpoint of size %" PRIu64 " (the freeze is entry %" PRIu64 ")", *size,
	         *size - 1);
	return RUN_DONE;
}

static const char cosigned_sql[] =
	"SELECT EXISTS (SELECT 1 FROM log_cosignatures WHERE size = $1::bigint AND witness = $2 AND key_id = $3::bigint)";

/* 1 when every witness has a stored cosignature of the checkpoint of size. */
static alot_code
all_cosigned(PGconn *conn, const struct run_config *cfg, uint64_t size, int *all, alot_error *err)
{
	char size_text[24], key_id[16];
	PGresult *res;
	size_t i;
	alot_code rc = ALOT_OK;

	*all = 1;
	snprintf(size_text, sizeof(size_text), "%" PRIu64, size);
	for (i = 0; i < cfg->witnesses && *all && rc == ALOT_OK; i++) {
		const char *params[] = { size_text, cfg->witness_vkeys[i].name, key_id };

		snprintf(key_id, sizeof(key_id), "%" PRIu32, cfg->witness_vkeys[i].key_id);
		if ((rc = alot_db_exec(conn, cosigned_sql, 3, params, &res, err)) == ALOT_OK) {
			*all = PQgetvalue(res, 0, 0)[0] == 't';
			PQclear(res);
		}
	}
	return rc;
}

static enum run_result
step_witness(PGconn *conn, const struct run_config *cfg, const char *room, uint64_t size, char *detail,
             size_t len)
{
	alot_error err;
	int all = 0, rc;

	if (cfg->witnesses == 0) {
		cli_error("room %s is drawn under a NIST beacon rule: the service needs its witnesses (--witness-key, "
		          "--witness-exec)", room);
		snprintf(detail, len, "no witness to ask for the checkpoint of size %" PRIu64, size);
		return RUN_REFUSED;
	}
	if (all_cosigned(conn, cfg, size, &all, &err) != ALOT_OK) {
		snprintf(detail, len, "%s", err.message);
		return step_failure(&err, "could not read the cosignatures");
	}
	if (all) {
		snprintf(detail, len, "checkpoint %" PRIu64 " was cosigned before by the %zu witness%s", size,
		         cfg->witnesses, cfg->witnesses == 1 ? "" : "es");
		return RUN_ALREADY;
	}
	rc = log_witness_size(conn, cfg->witness_keys, cfg->witness_commands, cfg->witnesses, size);
	if (rc == ALOT_EXIT_OK) {
		snprintf(detail, len, "checkpoint %" PRIu64 " cosigned by the %zu witness%s", size, cfg->witnesses,
		         cfg->witnesses == 1 ? "" : "es");
		return RUN_DONE;
	}
	snprintf(detail, len, "%s of checkpoint %" PRIu64,
	         rc == ALOT_EXIT_FAILED ? "a witness refused or did not verify its cosignature"
	                                : "a witness could not be asked for its cosignature", size);
	return rc == ALOT_EXIT_FAILED ? RUN_REFUSED : RUN_ERROR;
}

static enum run_result
step_publish(PGconn *conn, const struct run_config *cfg, char *detail, size_t len)
{
	int rc = publish_run(conn, cfg->publish_dir);

	snprintf(detail, len, rc == ALOT_EXIT_OK ? "published the log's newest checkpoint to \"%s\""
	                                         : "could not publish the log to \"%s\"", cfg->publish_dir);
	return rc == ALOT_EXIT_OK ? RUN_DONE : rc == ALOT_EXIT_FAILED ? RUN_REFUSED : RUN_ERROR;
}

/* ---- draw ------------------------------------------------------------------ */

static const char drawn_sql[] =
	"SELECT winning_ticket, total_tickets FROM ONLY lottery_draws WHERE room_id = $1";

/* *drawn, and the winning ticket of the room's draw row when it has one, into detail. */
static alot_code
read_drawn(PGconn *conn, const char *room, const char *what, int *drawn, char *detail, size_t len, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	alot_code rc;

	if ((rc = alot_db_exec(conn, drawn_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if ((*drawn = PQntuples(res) == 1))
		snprintf(detail, len, "%s: ticket %s of %s won", what, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return ALOT_OK;
}

/* In the child: draw the room on a connection of its own; its exit code. */
static int
draw_child(const struct run_config *cfg, const char *room, int nist)
{
	draw_options opts = cfg->db;
	char *record = NULL;
	PGconn *conn;
	int rc;

	opts.room = room;
	if (alot_uuid_parse(room, &opts.room_id, NULL) != ALOT_OK) {
		cli_error("room %s is not a UUID", room);
		return ALOT_EXIT_ERROR;
	}
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	rc = draw_room(conn, &opts, nist ? &cfg->beacon : NULL, &record);
	if (record != NULL) {
		alot_wipe(record, strlen(record));
		free(record);
	}
	PQfinish(conn);
	return rc;
}

/*
 * Keep the last diagnostic line of the child (not a detail or hint line)
 * in last, without the program's prefix; relay everything to stderr.
 */
static void
relay_child(const char *buf, size_t n, char *line, size_t *used, char *last, size_t last_len)
{
	size_t i, plen = strlen(cli_progname());

	(void)!write(STDERR_FILENO, buf, n);
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (*used + 1 < 1024)
				line[(*used)++] = buf[i];
			continue;
		}
		line[*used] = '\0';
		if (strncmp(line, cli_progname(), plen) == 0 && strncmp(line + plen, ": ", 2) == 0 &&
		    strncmp(line + plen + 2, "detail: ", 8) != 0 && strncmp(line + plen + 2, "hint: ", 6) != 0)
			snprintf(last, last_len, "%s", line + plen + 2);
		*used = 0;
	}
}

/*
 * Run draw_child() in a child process, relaying its output (stdout and
 * stderr) to stderr; on a stop, end it.  Its exit code, or -1 when it was
 * ended by the stop (*abandoned) or a signal.
 */
static int
draw_in_child(const struct run_config *cfg, const char *room, int nist, char *last, size_t last_len,
              int *abandoned)
{
	char buf[4096], line[1024];
	size_t used = 0;
	int fds[2], status = 0, killed = 0, rc = -1;
	ssize_t n;
	pid_t pid;

	last[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0) {
		cli_error("could not start the draw: %s", strerror(errno));
		return ALOT_EXIT_ERROR;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		cli_error("could not start the draw: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return ALOT_EXIT_ERROR;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (dup2(fds[1], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
			_exit(ALOT_EXIT_ERROR);
		rc = draw_child(cfg, room, nist);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { run_wake_fd(), POLLIN, 0 } };

		if (run_stopping() && !killed) {
			kill(pid, SIGTERM);
			killed = 1;
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN)
			run_wake_drain();
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(fds[0], buf, sizeof(buf))) < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			relay_child(buf, (size_t)n, line, &used, last, last_len);
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cli_error("could not wait for the draw: %s", strerror(errno));
			return ALOT_EXIT_ERROR;
		}
	/* Ended by the stop (ours, or a signal to the whole group), unless it had drawn the room by then. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == ALOT_EXIT_OK)
		rc = ALOT_EXIT_OK;
	else if (killed || run_stopping())
		*abandoned = 1;
	else if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	return rc;
}

static enum run_result
step_draw(PGconn *conn, const struct run_config *cfg, const char *room, int nist, char *detail, size_t len,
          int *abandoned)
{
	char last[1024];
	alot_error err;
	int drawn = 0, rc;

	if (read_drawn(conn, room, "drawn before", &drawn, detail, len, &err) != ALOT_OK) {
		snprintf(detail, len, "%s", err.message);
		return step_failure(&err, "could not read the room's draw");
	}
	if (drawn)
		return RUN_ALREADY;
	rc = draw_in_child(cfg, room, nist, last, sizeof(last), abandoned);
	if (rc == -1) {
		snprintf(detail, len, *abandoned ? "abandoned: the service was asked to stop" : "the draw was ended by a signal");
		return RUN_ERROR;
	}
	if (rc != ALOT_EXIT_OK) {
		snprintf(detail, len, "%s", last[0] ? last : "the draw did not complete");
		return rc == ALOT_EXIT_FAILED ? RUN_REFUSED : RUN_ERROR;
	}
	if (read_drawn(conn, room, "drew the room", &drawn, detail, len, &err) != ALOT_OK) {
		snprintf(detail, len, "%s", err.message);
		return step_failure(&err, "could not read the room's draw");
	}
	if (!drawn) {
		cli_error("room %s: the draw ended well but its draw row is missing", room);
		snprintf(detail, len, "the draw ended well but its draw row is missing");
		return RUN_ERROR;
	}
	return RUN_DONE;
}

/* ---- export, and the room's turn ------------------------------------------------ */

static enum run_result
step_export(PGconn *conn, const struct run_config *cfg, const char *room, char *detail, size_t len)
{
	alot_uuid id;
	int rc;

	if (alot_uuid_parse(room, &id, NULL) != ALOT_OK) {
		snprintf(detail, len, "not a room id");
		return RUN_ERROR;
	}
	rc = export_room_files(conn, room, &id, cfg->export_dir);
	if (rc != ALOT_EXIT_OK) {
		snprintf(detail, len, "could not export the room's records to \"%s\"", cfg->export_dir);
		return rc == ALOT_EXIT_FAILED ? RUN_REFUSED : RUN_ERROR;
	}
	marker_remove(cfg, room);
	snprintf(detail, len, "exported the room's records to \"%s\"", cfg->export_dir);
	return RUN_DONE;
}

static int
exit_for(enum run_result r)
{
	return r == RUN_DONE || r == RUN_ALREADY ? ALOT_EXIT_OK : r == RUN_REFUSED ? ALOT_EXIT_FAILED : ALOT_EXIT_ERROR;
}

/* Log a step's end; 1 when the room's turn goes on. */
static int
logged(const char *room, const char *step, enum run_result r, const char *detail)
{
	run_log(room, step, r, "%s", detail);
	return (r == RUN_DONE || r == RUN_ALREADY) && !run_stopping();
}

int
run_room(PGconn *conn, const struct run_config *cfg, const char *room, const char *held_by,
         int *abandoned, int *unwitnessed)
{
	struct room_state st = { 0, 0 };
	enum run_result r = RUN_DONE;
	char detail[1200] = "";
	uint64_t size = 0;
	alot_error err;
	alot_uuid id;
	int skip = 0, drawn = 0;

	*abandoned = *unwitnessed = 0;
	if (alot_uuid_parse(room, &id, NULL) != ALOT_OK)
		return ALOT_EXIT_ERROR;
	if (cfg->export_dir != NULL && !marker_make(cfg, room)) {
		run_log(room, "export", RUN_ERROR, "could not mark the room's export as pending in \"%s\"", cfg->export_dir);
		return ALOT_EXIT_ERROR;
	}
	/* A room drawn already (its export pending) needs only its export. */
	if (read_drawn(conn, room, "drawn before", &drawn, detail, sizeof(detail), &err) != ALOT_OK) {
		r = step_failure(&err, "could not read the room's draw");
		run_log(room, "draw", r, "%s", err.message);
		goto out;
	}
	if (drawn)
		goto draw;
	r = step_freeze(conn, cfg, room, &id, &st, &skip, detail, sizeof(detail));
	if (!skip && !logged(room, "freeze", r, detail))
		goto out;
	if (st.nist) {
		/*
		 * Witnesses never go back to a smaller tree: while an earlier
		 * room's freeze lacks its cosignatures at its own size, cosigning
		 * a larger checkpoint would leave that room undrawable for good.
		 */
		*unwitnessed = 1;
		if (held_by != NULL) {
			run_log(room, "witness", RUN_REFUSED, "waits for room %s, frozen before it, to be witnessed first",
			        held_by);
			r = RUN_REFUSED;
			goto out;
		}
		r = step_checkpoint(conn, cfg, room, &size, detail, sizeof(detail));
		if (!logged(room, "checkpoint", r, detail))
			goto out;
		r = step_witness(conn, cfg, room, size, detail, sizeof(detail));
		if (!logged(room, "witness", r, detail))
			goto out;
		*unwitnessed = 0;
		if (cfg->publish_dir != NULL) {
			r = step_publish(conn, cfg, detail, sizeof(detail));
			if (!logged(room, "publish", r, detail))
				goto out;
		}
	}
draw:
	r = step_draw(conn, cfg, room, st.nist, detail, sizeof(detail), abandoned);
	if (*abandoned && r == RUN_ERROR)
		goto out; /* not logged: the stop line says it */
	if (!logged(room, "draw", r, detail))
		goto out;
	if (cfg->export_dir != NULL) {
		r = step_export(conn, cfg, room, detail, sizeof(detail));
		(void)logged(room, "export", r, detail);
	}
out:
	return exit_for(r);
}
