/*
 * log_db.c - the transparency log as alot-draw reads it from the database
 * (migration 0013): the stored hashes as an alot_tlog_reader, the log's
 * size, its newest checkpoint with its cosignatures, the tlog-proof of a
 * published record, and the small helpers the log commands share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alot/db.h"
#include "draw.h"

static const char hash_sql[] =
	"SELECT encode(hash, 'hex') FROM log_hashes WHERE level = $1::smallint AND idx = $2::bigint";

alot_code
log_read_hash(void *ctx, unsigned level, uint64_t index, unsigned char out[ALOT_HASH_LEN],
              alot_error *err)
{
	char level_text[8], index_text[24];
	const char *params[] = { level_text, index_text };
	PGresult *res = NULL;
	alot_code rc;

	snprintf(level_text, sizeof(level_text), "%u", level);
	snprintf(index_text, sizeof(index_text), "%" PRIu64, index);
	if ((rc = alot_db_exec(ctx, hash_sql, 2, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) != 1) {
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "log_hashes: hash (%u, %" PRIu64 ") is not stored",
		                    level, index);
		goto out;
	}
	rc = alot_hex_decode(PQgetvalue(res, 0, 0), out, ALOT_HASH_LEN, err);
out:
	PQclear(res);
	return rc;
}

int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (s == NULL || s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return 0;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 1;
}

alot_code
log_size(PGconn *conn, uint64_t *size, alot_error *err)
{
	PGresult *res = NULL;
	alot_code rc;

	if ((rc = alot_db_exec(conn, "SELECT size FROM log_head", 0, NULL, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) != 1 || !parse_u64(PQgetvalue(res, 0, 0), size))
		rc = alot_error_set(err, ALOT_ERR_DB, "log_head does not hold the log's size");
out:
	PQclear(res);
	return rc;
}

void
log_checkpoint_free(log_checkpoint *cp)
{
	if (cp == NULL)
		return;
	free(cp->note);
	free(cp->cosigned);
	memset(cp, 0, sizeof(*cp));
}

#define CHECKPOINT_COLUMNS \
	"SELECT c.size, c.origin, c.note, c.note || coalesce((SELECT string_agg(s.line || E'\\n', '' ORDER BY s.witness, s.key_id)" \
	"                                                     FROM log_cosignatures s WHERE s.size = c.size), '')" \
	"  FROM log_checkpoints c "
static const char newest_sql[] = CHECKPOINT_COLUMNS "ORDER BY c.size DESC LIMIT 1";
static const char at_sql[] = CHECKPOINT_COLUMNS "WHERE c.size = $1::bigint";

/* The checkpoint the query (with nparams params) finds into *out; why names what is missing. */
static alot_code
read_checkpoint(PGconn *conn, const char *sql, int nparams, const char *const *params, const char *why,
                log_checkpoint *out, alot_error *err)
{
	PGresult *res = NULL;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = alot_db_exec(conn, sql, nparams, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) == 0) {
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "%s", why);
		goto out;
	}
	if (!parse_u64(PQgetvalue(res, 0, 0), &out->size)) {
		rc = alot_error_set(err, ALOT_ERR_DB, "log_checkpoints holds a size that is not one");
		goto out;
	}
	snprintf(out->origin, sizeof(out->origin), "%s", PQgetvalue(res, 0, 1));
	out->note = strdup(PQgetvalue(res, 0, 2));
	out->cosigned = strdup(PQgetvalue(res, 0, 3));
	if (out->note == NULL || out->cosigned == NULL)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory reading a checkpoint");
out:
	PQclear(res);
	if (rc != ALOT_OK)
		log_checkpoint_free(out);
	return rc;
}

alot_code
log_newest_checkpoint(PGconn *conn, log_checkpoint *out, alot_error *err)
{
	return read_checkpoint(conn, newest_sql, 0, NULL, "the log has no checkpoint yet", out, err);
}

alot_code
log_checkpoint_at(PGconn *conn, uint64_t size, log_checkpoint *out, alot_error *err)
{
	char size_text[24], why[64];
	const char *params[] = { size_text };

	snprintf(size_text, sizeof(size_text), "%" PRIu64, size);
	snprintf(why, sizeof(why), "the log has no checkpoint of size %" PRIu64, size);
	return read_checkpoint(conn, at_sql, 1, params, why, out, err);
}

/*
 * The entry of a room's published record of a kind, matched on the
 * server: the record itself is never a parameter (a draw record holds the
 * seed, and parameters can reach the server's log).
 */
static const char entry_sql[] =
	"SELECT min(e.idx) FROM log_entries e"
	" WHERE e.room_id = $1::uuid AND e.kind = $2 AND CASE $2"
	"   WHEN 'commitment' THEN EXISTS (SELECT 1 FROM ONLY room_commitments c"
	"                                   WHERE c.room_id = e.room_id AND c.record = e.record)"
	"   WHEN 'freeze' THEN EXISTS (SELECT 1 FROM ONLY room_freezes f WHERE f.room_id = e.room_id AND f.record = e.record)"
	"   WHEN 'draw' THEN EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.room_id = e.room_id AND d.record = e.record)"
	"   END";

alot_code
log_record_index(PGconn *conn, const char *kind, const char *room, uint64_t *index, alot_error *err)
{
	const char *params[] = { room, kind };
	PGresult *res = NULL;
	alot_code rc;

	if ((rc = alot_db_exec(conn, entry_sql, 2, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQgetisnull(res, 0, 0) || !parse_u64(PQgetvalue(res, 0, 0), index))
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "room %s: its %s record is not in the log", room, kind);
out:
	PQclear(res);
	return rc;
}

alot_code
log_entry_proof(PGconn *conn, uint64_t index, const log_checkpoint *cp, char **text, alot_error *err)
{
	unsigned char (*path)[ALOT_HASH_LEN] = malloc(ALOT_TLOG_MAX_PROOF * ALOT_HASH_LEN);
	size_t len = 0;
	alot_code rc;

	*text = NULL;
	if (path == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if ((rc = alot_tlog_inclusion_proof(index, cp->size, log_read_hash, conn, path, &len, err)) == ALOT_OK)
		rc = alot_tlog_proof_format(index, (const unsigned char (*)[ALOT_HASH_LEN])path, len, cp->cosigned,
		                            strlen(cp->cosigned), text, err);
	free(path);
	return rc;
}

alot_code
log_record_proof(PGconn *conn, const char *kind, const char *room, char **text, alot_error *err)
{
	log_checkpoint cp;
	uint64_t index = 0;
	int logged;
	alot_code rc;

	*text = NULL;
	memset(&cp, 0, sizeof(cp));
	rc = log_record_index(conn, kind, room, &index, err);
	if (rc != ALOT_OK && rc != ALOT_ERR_NOT_FOUND)
		goto out;
	logged = rc == ALOT_OK;
	if ((rc = log_newest_checkpoint(conn, &cp, err)) != ALOT_OK)
		goto out;
	if (!logged || index >= cp.size) {
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "room %s: no checkpoint includes its %s record", room, kind);
		goto out;
	}
	rc = log_entry_proof(conn, index, &cp, text, err);
out:
	log_checkpoint_free(&cp);
	return rc;
}

/* The folder part of path ("." when none) into dir. */
static void
dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* Write all len bytes of data to fd. */
static int
write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		data += n;
		len -= (size_t)n;
	}
	return 1;
}

int
write_file_atomic(const char *path, const void *data, size_t len, int sync)
{
	char dir[4096], tmp[4200];
	const char *base = strrchr(path, '/');
	mode_t mask;
	int fd, ok;

	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base ? base + 1 : path);
	if ((fd = mkstemp(tmp)) < 0) {
		cli_error("could not write \"%s\": %s", path, strerror(errno));
		return 0;
	}
	mask = umask(0);
	umask(mask);
	ok = fchmod(fd, 0644 & ~mask) == 0 && write_all(fd, data, len) &&
	     (!sync || fsync(fd) == 0);
	if (close(fd) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		cli_error("could not write \"%s\": %s", path, strerror(errno));
		unlink(tmp);
	}
	return ok;
}
