/*
 * state.c - the witness's state folder: per log, "<hex of SHA-256(origin)>"
 * names a ".checkpoint" (the last cosigned checkpoint, the signed note as
 * received), a ".lock" (held exclusively for a whole request, so that the
 * check against the stored size and the update are one atomic step) and,
 * only while it is being replaced, a ".checkpoint.tmp".
 *
 * The update is crash-safe: the new note goes to the temporary file, which
 * is fsync()ed and renamed over the old state, then the folder is
 * fsync()ed; only then does the caller sign.  After a crash the state is
 * the old or the new checkpoint, never a mix, and a temporary file left
 * behind is removed by the next request for that log.
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

#define SUFFIX_STATE ".checkpoint"
#define SUFFIX_TEMP  ".checkpoint.tmp"
#define SUFFIX_LOCK  ".lock"
#define FILE_NAME_MAX (WITNESS_STEM_LEN + sizeof(SUFFIX_TEMP))

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
remove_stale_temp(const witness_state *st, alot_error *err)
{
	char name[FILE_NAME_MAX];

	file_name(st, SUFFIX_TEMP, name);
	if (unlinkat(st->dir_fd, name, 0) != 0 && errno != ENOENT)
		return alot_error_set(err, ALOT_ERR_IO, "could not remove \"%s/%s\": %s",
		                      st->path, name, strerror(errno));
	return ALOT_OK;
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

/* The whole file name in the folder, at most ALOT_NOTE_MAX bytes, into *text (malloc()ed). */
static alot_code
read_note_file(const witness_state *st, const char *name, int *found, char **text,
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
	if ((buf = malloc(ALOT_NOTE_MAX + 1)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (got <= ALOT_NOTE_MAX &&
	       ((n = read(fd, buf + got, ALOT_NOTE_MAX + 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	if (n < 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not read \"%s/%s\": %s",
		                    st->path, name, strerror(errno));
		goto out;
	}
	if (got > ALOT_NOTE_MAX) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "stored checkpoint \"%s/%s\" is too large",
		                    st->path, name);
		goto out;
	}
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
	if ((rc = read_note_file(st, name, found, text, len, err)) != ALOT_OK || !*found)
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
	if ((rc = read_note_file(&named, name, &found, &text, &len, err)) != ALOT_OK)
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

alot_code
witness_state_write(const witness_state *st, const char *note, size_t len, alot_error *err)
{
	char temp[FILE_NAME_MAX], final[FILE_NAME_MAX];
	int fd = -1;
	alot_code rc = ALOT_OK;

	file_name(st, SUFFIX_TEMP, temp);
	file_name(st, SUFFIX_STATE, final);
	if ((rc = remove_stale_temp(st, err)) != ALOT_OK)
		goto out;
	fd = openat(st->dir_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, note, len) != ALOT_OK || fsync(fd) != 0) {
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
	witness_crash_point("after-temp");
	if (renameat(st->dir_fd, temp, st->dir_fd, final) != 0 || fsync(st->dir_fd) != 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not replace \"%s/%s\": %s",
		                    st->path, final, strerror(errno));
		goto out;
	}
	witness_crash_point("after-rename");
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
