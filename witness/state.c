/*
 * state.c - the witness's state folder: per log, "<hex of SHA-256(origin)>"
 * names a ".checkpoint" (the last cosigned checkpoint, the signed note as
 * received), a ".cosignature" (the witness's cosignature line of it, so
 * that the same checkpoint asked again gets the same cosignature), a
 * ".lock" (held exclusively for a whole request, so that the check against
 * the stored size and the update are one atomic step) and, only while one
 * of the two is being replaced, its ".tmp".
 *
 * The update is crash-safe: the new note goes to the temporary file, which
 * is fsync()ed and renamed over the old state, then the folder is
 * fsync()ed; then the cosignature the same way; only then does the caller
 * answer.  After a crash the state is the old or the new checkpoint, never
 * a mix; a cosignature file left from the old checkpoint does not verify
 * over the new one and is not used (check.c verifies it); a temporary file
 * left behind is removed by the next request for that log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "witness.h"

#define SUFFIX_STATE      ".checkpoint"
#define SUFFIX_TEMP       ".checkpoint.tmp"
#define SUFFIX_COSIG      ".cosignature"
#define SUFFIX_COSIG_TEMP ".cosignature.tmp"
#define SUFFIX_LOCK       ".lock"
#define FILE_NAME_MAX (WITNESS_STEM_LEN + sizeof(SUFFIX_COSIG_TEMP))
/* The names of the crash points exist in test builds only (the release binary holds none). */
#ifdef ALOT_TEST_HOOKS
#define CRASH_AT(point) (point)
#else
#define CRASH_AT(point) NULL
#endif
#define COSIG_FILE_MAX    1024 /* "— name base64\n": a name of 255 bytes and 76 of signature */

void
witness_state_stem(const char *origin, char stem[WITNESS_STEM_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char digest[ALOT_HASH_LEN];
	size_t i;

	alot_sha256(origin, strlen(origin), digest);
	for (i = 0; i < ALOT_HASH_LEN; i++) {
		stem[2 * i] = digits[digest[i] >> 4];
		stem[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	stem[WITNESS_STEM_LEN] = '\0';
}

static void
file_name(const witness_state *st, const char *suffix, char name[FILE_NAME_MAX])
{
	snprintf(name, FILE_NAME_MAX, "%s%s", st->stem, suffix);
}

alot_code
witness_state_open(const char *path, int create, witness_state *st, alot_error *err)
{
	struct stat sb;
	alot_code rc = ALOT_OK;

	st->dir_fd = -1;
	st->lock_fd = -1;
	st->stem[0] = '\0';
	st->path = path;
	if (create && mkdir(path, 0700) != 0 && errno != EEXIST) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not create state folder \"%s\": %s",
		                    path, strerror(errno));
		goto out;
	}
	if ((st->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstat(st->dir_fd, &sb) != 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not open state folder \"%s\": %s",
		                    path, strerror(errno));
		goto out;
	}
	if ((sb.st_mode & 022) != 0) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED,
		                    "state folder \"%s\" is writable by its group or others (mode %04o)",
		                    path, (unsigned)(sb.st_mode & 07777));
		alot_error_detail(err, "only the witness may change what it has cosigned: chmod 700 \"%s\"",
		                  path);
		goto out;
	}
out:
	return rc;
}

void
witness_state_close(witness_state *st)
{
	witness_state_unlock(st);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->dir_fd = -1;
}

void
witness_state_unlock(witness_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);   /* releases the flock */
	st->lock_fd = -1;
}

static alot_code
remove_stale(const witness_state *st, const char *suffix, alot_error *err)
{
	char name[FILE_NAME_MAX];

	file_name(st, suffix, name);
	if (unlinkat(st->dir_fd, name, 0) != 0 && errno != ENOENT)
		return alot_error_set(err, ALOT_ERR_IO, "could not remove \"%s/%s\": %s",
		                      st->path, name, strerror(errno));
	return ALOT_OK;
}

static alot_code
remove_stale_temp(const witness_state *st, alot_error *err)
{
	alot_code rc = remove_stale(st, SUFFIX_TEMP, err);

	return rc == ALOT_OK ? remove_stale(st, SUFFIX_COSIG_TEMP, err) : rc;
}

alot_code
witness_state_lock(witness_state *st, const char *origin, alot_error *err)
{
	char name[FILE_NAME_MAX];
	int rc_flock;
	alot_code rc = ALOT_OK;

	witness_state_stem(origin, st->stem);
	file_name(st, SUFFIX_LOCK, name);
	st->lock_fd = openat(st->dir_fd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (st->lock_fd < 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not open lock \"%s/%s\": %s",
		                    st->path, name, strerror(errno));
		goto out;
	}
	while ((rc_flock = flock(st->lock_fd, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (rc_flock != 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not lock \"%s/%s\": %s",
		                    st->path, name, strerror(errno));
		goto out;
	}
	rc = remove_stale_temp(st, err);
out:
	return rc;
}

/* The whole file name in the folder, at most max bytes, into *text (malloc()ed, NUL-terminated). */
static alot_code
read_small_file(const witness_state *st, const char *name, size_t max, int *found, char **text,
                size_t *len, alot_error *err)
{
	char *buf = NULL;
	size_t got = 0;
	ssize_t n = 0;
	int fd;
	alot_code rc = ALOT_OK;

	*found = 0;
	*text = NULL;
	*len = 0;
	if ((fd = openat(st->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno != ENOENT)
			rc = alot_error_set(err, ALOT_ERR_IO, "could not open \"%s/%s\": %s",
			                    st->path, name, strerror(errno));
		goto out;
	}
	if ((buf = malloc(max + 2)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (got <= max &&
	       ((n = read(fd, buf + got, max + 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	if (n < 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not read \"%s/%s\": %s",
		                    st->path, name, strerror(errno));
		goto out;
	}
	if (got > max) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "stored file \"%s/%s\" is too large",
		                    st->path, name);
		goto out;
	}
	buf[got] = '\0';
	*found = 1;
	*text = buf;
	*len = got;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* Parse a stored note as a checkpoint of the log whose stem is st->stem. */
static alot_code
parse_stored(const witness_state *st, const char *name, const char *text, size_t len,
             alot_checkpoint *cp, alot_error *err)
{
	alot_note note = { 0 };
	char stem[WITNESS_STEM_LEN + 1];
	alot_code rc;

	if ((rc = alot_note_parse(text, len, &note, err)) != ALOT_OK ||
	    (rc = alot_checkpoint_parse(note.text, note.text_len, cp, err)) != ALOT_OK) {
		alot_error_prefix(err, "stored checkpoint \"%s/%s\"", st->path, name);
		rc = ALOT_ERR_INVALID;
		goto out;
	}
	witness_state_stem(cp->origin, stem);
	if (strcmp(stem, st->stem) != 0) {
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "stored checkpoint \"%s/%s\" is of another log than its name says",
		                    st->path, name);
		goto out;
	}
out:
	alot_note_free(&note);
	return rc;
}

alot_code
witness_state_read(const witness_state *st, const char *origin, int *found, char **text,
                   size_t *len, alot_checkpoint *cp, alot_error *err)
{
	char name[FILE_NAME_MAX];
	alot_code rc;

	file_name(st, SUFFIX_STATE, name);
	if ((rc = read_small_file(st, name, ALOT_NOTE_MAX, found, text, len, err)) != ALOT_OK || !*found)
		goto out;
	if ((rc = parse_stored(st, name, *text, *len, cp, err)) != ALOT_OK)
		goto out;
	if (strcmp(cp->origin, origin) != 0)
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "stored checkpoint \"%s/%s\" is of another log than its name says",
		                    st->path, name);
out:
	if (rc != ALOT_OK) {
		free(*text);
		*text = NULL;
		*found = 0;
	}
	return rc;
}

alot_code
witness_state_read_file(const witness_state *st, const char *name, alot_checkpoint *cp,
                        alot_error *err)
{
	witness_state named = *st;
	char *text = NULL;
	size_t len = 0;
	int found = 0;
	alot_code rc;

	snprintf(named.stem, sizeof(named.stem), "%.*s", WITNESS_STEM_LEN, name);
	if ((rc = read_small_file(&named, name, ALOT_NOTE_MAX, &found, &text, &len, err)) != ALOT_OK)
		goto out;
	if (!found) {
		rc = alot_error_set(err, ALOT_ERR_NOT_FOUND, "\"%s/%s\" disappeared", st->path, name);
		goto out;
	}
	rc = parse_stored(&named, name, text, len, cp, err);
out:
	free(text);
	return rc;
}

static alot_code
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return ALOT_ERR_IO;
		}
		data += n;
		len -= (size_t)n;
	}
	return ALOT_OK;
}

/*
 * Replace the file of suffix with data through the temporary file of
 * temp_suffix: written, fsync()ed, renamed, the folder fsync()ed.  The
 * crash points (test builds) name the step after which a crash is tried.
 */
static alot_code
write_durably(const witness_state *st, const char *suffix, const char *temp_suffix, const char *data,
              size_t len, const char *after_temp, const char *after_rename, alot_error *err)
{
	char temp[FILE_NAME_MAX], final[FILE_NAME_MAX];
	int fd = -1;
	alot_code rc = ALOT_OK;

	file_name(st, temp_suffix, temp);
	file_name(st, suffix, final);
	if ((rc = remove_stale(st, temp_suffix, err)) != ALOT_OK)
		goto out;
	fd = openat(st->dir_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, data, len) != ALOT_OK || fsync(fd) != 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not write \"%s/%s\": %s",
		                    st->path, temp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = alot_error_set(err, ALOT_ERR_IO, "could not write \"%s/%s\": %s",
		                    st->path, temp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (after_temp != NULL)
		witness_crash_point(after_temp);
	if (renameat(st->dir_fd, temp, st->dir_fd, final) != 0 || fsync(st->dir_fd) != 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not replace \"%s/%s\": %s",
		                    st->path, final, strerror(errno));
		goto out;
	}
	if (after_rename != NULL)
		witness_crash_point(after_rename);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

alot_code
witness_state_write(const witness_state *st, const char *note, size_t len, alot_error *err)
{
	return write_durably(st, SUFFIX_STATE, SUFFIX_TEMP, note, len, CRASH_AT("after-temp"),
	                     CRASH_AT("after-rename"), err);
}

alot_code
witness_state_write_cosignature(const witness_state *st, const char *line, size_t len,
                                alot_error *err)
{
	if (len > COSIG_FILE_MAX)
		return alot_error_set(err, ALOT_ERR_INTERNAL, "a cosignature line of %zu bytes", len);
	return write_durably(st, SUFFIX_COSIG, SUFFIX_COSIG_TEMP, line, len, NULL,
	                     CRASH_AT("after-cosignature"), err);
}

alot_code
witness_state_read_cosignature(const witness_state *st, int *found, char **line, alot_error *err)
{
	char name[FILE_NAME_MAX];
	size_t len = 0;

	file_name(st, SUFFIX_COSIG, name);
	return read_small_file(st, name, COSIG_FILE_MAX, found, line, &len, err);
}
