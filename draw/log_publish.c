/*
 * log_publish.c - "alot-draw log publish": write the static layout of
 * c2sp.org/tlog-tiles for the newest checkpoint: its hash tiles at every
 * level, its entry bundles and, last, the checkpoint with every stored
 * cosignature.  Incremental: a full tile that exists is final and is not
 * written again; the partial tiles of the checkpoint's size are.  Every
 * file goes through a temporary file renamed into place.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/tlog.h"
#include "draw.h"

static const char usage[] =
	"alot-draw log publish writes the log's tiles and newest checkpoint for a static web server.\n"
	"\n"
	"Usage:\n"
	"  alot-draw log publish --output DIR [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -o, --output=DIR        the folder to publish into (DIR/checkpoint, DIR/tile/...)\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Full tiles already in DIR are kept; only new ones are written. The checkpoint\n"
	"is written last, so DIR never names tiles it does not hold.\n";

struct publish_counts {
	uint64_t written;
	uint64_t kept;
};

/* mkdir -p of the folders of path (not of its last part). */
static int
make_parents(const char *path)
{
	char buf[4096];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strchr(buf + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			cli_error("could not create folder \"%s\": %s", buf, strerror(errno));
			return 0;
		}
		*p = '/';
	}
	return 1;
}

static const char tile_sql[] =
	"SELECT count(*), encode(coalesce(string_agg(hash, ''::bytea ORDER BY idx), ''::bytea), 'hex')"
	"  FROM log_hashes WHERE level = $1::smallint AND idx >= $2::bigint AND idx < $3::bigint";
static const char bundle_sql[] =
	"SELECT record FROM log_entries WHERE idx >= $1::bigint AND idx < $2::bigint ORDER BY idx";

/* The bytes of hash tile n of level (width hashes) into *data (malloc'd). */
static alot_code
read_hash_tile(PGconn *conn, int level, uint64_t n, unsigned width, unsigned char **data, size_t *len,
               alot_error *err)
{
	char level_text[8], from[24], to[24];
	const char *params[] = { level_text, from, to };
	PGresult *res = NULL;
	alot_code rc;

	*data = NULL;
	snprintf(level_text, sizeof(level_text), "%d", level * ALOT_TLOG_TILE_HEIGHT);
	snprintf(from, sizeof(from), "%" PRIu64, n * ALOT_TLOG_TILE_WIDTH);
	snprintf(to, sizeof(to), "%" PRIu64, n * ALOT_TLOG_TILE_WIDTH + width);
	if ((rc = alot_db_exec(conn, tile_sql, 3, params, &res, err)) != ALOT_OK)
		goto out;
	if (strtoull(PQgetvalue(res, 0, 0), NULL, 10) != width) {
		rc = alot_error_set(err, ALOT_ERR_DB, "log_hashes lacks hashes of tile %d/%" PRIu64, level, n);
		goto out;
	}
	*len = (size_t)width * ALOT_HASH_LEN;
	if ((*data = malloc(*len)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = alot_hex_decode(PQgetvalue(res, 0, 1), *data, *len, err);
out:
	PQclear(res);
	if (rc != ALOT_OK) {
		free(*data);
		*data = NULL;
	}
	return rc;
}

/* Entry bundle n (width entries): each entry as a big-endian uint16 length and its bytes. */
static alot_code
read_bundle(PGconn *conn, uint64_t n, unsigned width, unsigned char **data, size_t *len, alot_error *err)
{
	char from[24], to[24];
	const char *params[] = { from, to };
	PGresult *res = NULL;
	size_t cap = 0, size;
	int i;
	alot_code rc;

	*data = NULL;
	*len = 0;
	snprintf(from, sizeof(from), "%" PRIu64, n * ALOT_TLOG_TILE_WIDTH);
	snprintf(to, sizeof(to), "%" PRIu64, n * ALOT_TLOG_TILE_WIDTH + width);
	if ((rc = alot_db_exec(conn, bundle_sql, 2, params, &res, err)) != ALOT_OK)
		goto out;
	if ((unsigned)PQntuples(res) != width) {
		rc = alot_error_set(err, ALOT_ERR_DB, "log_entries lacks entries of bundle %" PRIu64, n);
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++)
		cap += 2 + (size_t)PQgetlength(res, i, 0);
	if ((*data = malloc(cap ? cap : 1)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		size = (size_t)PQgetlength(res, i, 0);
		if (size > ALOT_TLOG_ENTRY_MAX) {
			rc = alot_error_set(err, ALOT_ERR_INVALID, "log entry %" PRIu64 " is longer than %d bytes",
			                    n * ALOT_TLOG_TILE_WIDTH + (uint64_t)i, ALOT_TLOG_ENTRY_MAX);
			goto out;
		}
		(*data)[(*len)++] = (unsigned char)(size >> 8);
		(*data)[(*len)++] = (unsigned char)size;
		memcpy(*data + *len, PQgetvalue(res, i, 0), size);
		*len += size;
	}
out:
	PQclear(res);
	if (rc != ALOT_OK) {
		free(*data);
		*data = NULL;
	}
	return rc;
}

/* Write tile n of level (ALOT_TLOG_ENTRIES: the entry bundle) at size, unless it is full and exists. */
static int
publish_tile(PGconn *conn, const char *dir, int level, uint64_t n, uint64_t size, struct publish_counts *counts)
{
	unsigned width = alot_tlog_tile_width(level, n, size);
	char tile[ALOT_TLOG_PATH_MAX], path[4096];
	unsigned char *data = NULL;
	struct stat st;
	size_t len = 0;
	alot_error err;
	alot_code rc;
	int ok = 0;

	alot_tlog_tile_path(level, n, width, tile);
	snprintf(path, sizeof(path), "%s/%s", dir, tile);
	if (width == ALOT_TLOG_TILE_WIDTH && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (level == ALOT_TLOG_ENTRIES || st.st_size == ALOT_TLOG_TILE_WIDTH * ALOT_HASH_LEN)) {
		counts->kept++;
		return 1;
	}
	rc = level == ALOT_TLOG_ENTRIES ? read_bundle(conn, n, width, &data, &len, &err)
	                                : read_hash_tile(conn, level, n, width, &data, &len, &err);
	if (rc != ALOT_OK) {
		(void)(rc == ALOT_ERR_DB ? db_failure("could not read the log", &err) : report_failure(&err));
		goto out;
	}
	if (!make_parents(path) || !write_file_atomic(path, data, len, 0))
		goto out;
	counts->written++;
	ok = 1;
out:
	free(data);
	return ok;
}

/* Every tile of the tree of size leaves: the hash tiles of each level, then the entry bundles. */
static int
publish_tiles(PGconn *conn, const char *dir, uint64_t size, struct publish_counts *counts)
{
	uint64_t hashes, n;
	int level;

	for (level = 0; level < 8 && (hashes = size >> (ALOT_TLOG_TILE_HEIGHT * level)) > 0; level++)
		for (n = 0; n * ALOT_TLOG_TILE_WIDTH < hashes; n++)
			if (!publish_tile(conn, dir, level, n, size, counts))
				return 0;
	for (n = 0; n * ALOT_TLOG_TILE_WIDTH < size; n++)
		if (!publish_tile(conn, dir, ALOT_TLOG_ENTRIES, n, size, counts))
			return 0;
	return 1;
}

int
publish_run(PGconn *conn, const char *dir)
{
	struct publish_counts counts = { 0, 0 };
	log_checkpoint cp;
	char path[4096];
	alot_error err;
	int rc = ALOT_EXIT_ERROR;

	memset(&cp, 0, sizeof(cp));
	/* One snapshot: the checkpoint and the rows of its tiles. */
	if (alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &err) != ALOT_OK ||
	    log_newest_checkpoint(conn, &cp, &err) != ALOT_OK) {
		if (err.code == ALOT_ERR_NOT_FOUND) {
			cli_error("the log has no checkpoint to publish");
			cli_hint("run \"alot-draw log checkpoint\" first");
			rc = ALOT_EXIT_FAILED;
		} else {
			rc = db_failure("could not read the newest checkpoint", &err);
		}
		goto out;
	}
	if (!publish_tiles(conn, dir, cp.size, &counts))
		goto out;
	/* The tiles reach the disk before the checkpoint that names them. */
	sync();
	snprintf(path, sizeof(path), "%s/checkpoint", dir);
	if (!write_file_atomic(path, cp.cosigned, strlen(cp.cosigned), 1))
		goto out;
	printf("published checkpoint %" PRIu64 " to \"%s\": %" PRIu64 " tiles written, %" PRIu64 " kept\n",
	       cp.size, dir, counts.written, counts.kept);
	rc = ALOT_EXIT_OK;
out:
	(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	log_checkpoint_free(&cp);
	return rc;
}

int
log_cmd_publish(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL;
	draw_options opts;
	struct stat st;
	PGconn *conn;
	int c, rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "o:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'd': opts.conninfo = optarg; break;
		default: return usage_error();
		}
	}
	if (optind < argc || dir == NULL) {
		cli_error(optind < argc ? "too many arguments" : "--output is required");
		return usage_error();
	}
	errno = 0;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
		cli_error("cannot write to folder \"%s\": %s", dir, errno ? strerror(errno) : "not a folder");
		return ALOT_EXIT_ERROR;
	}
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	rc = publish_run(conn, dir);
	PQfinish(conn);
	return rc;
}
