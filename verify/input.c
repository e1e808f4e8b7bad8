/*
 * input.c - reading untrusted input line by line in bounded memory:
 * record files, JSON-lines bundles, commitment lists, ledgers.
 */
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int
line_reader_init(line_reader *r, FILE *f, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->max = max;
	if ((r->buf = malloc(max + 1)) == NULL) {
		cli_error("out of memory");
		r->f = NULL; /* the caller still owns the stream */
		return 0;
	}
	return 1;
}

void
line_reader_close(line_reader *r)
{
	source_close(r->f);
	free(r->buf);
	r->f = NULL;
	r->buf = NULL;
}

int
line_reader_rewind(line_reader *r)
{
	r->line_no = 0;
	r->stopped = 0;
	r->next_offset = r->line_offset = 0;
	return fseek(r->f, 0, SEEK_SET) == 0;
}

int
line_reader_next(line_reader *r, const char **line, size_t *len)
{
	size_t n = 0;
	int c, too_long = 0;

	if (r->stopped)
		return 0;
	r->line_offset = r->next_offset;
	/* One reader per stream: the unlocked getc is safe and several times faster. */
	while ((c = getc_unlocked(r->f)) != EOF && c != '\n') {
		if (n == r->max) {
			too_long = r->stopped = 1;
			break;
		}
		r->buf[n++] = (char)c;
	}
	if (ferror(r->f))
		return -1;
	r->next_offset += n + (c == '\n');
	if (c == EOF && n == 0 && !too_long)
		return 0;
	r->line_no++;
	/* A CR before the LF stays in the line: it is no part of a published record. */
	r->buf[n] = '\0';
	*line = r->buf;
	*len = too_long ? (size_t)-1 : n;
	return 1;
}
