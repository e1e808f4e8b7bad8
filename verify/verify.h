/*
 * verify.h - alot-verify's internal interface: bounded line input and the
 * report printers.
 */
#ifndef ALOT_VERIFY_H
#define ALOT_VERIFY_H

#include <stdio.h>

#include "alot/record.h"
#include "cli/cli.h"

/* ---- input ----------------------------------------------------------- */

/* A line reader that never holds more than max bytes of one line. */
typedef struct line_reader {
	FILE *f;
	char *buf;
	size_t max;
	unsigned long line_no;
} line_reader;

int line_reader_open(line_reader *r, const char *path, size_t max); /* "-" is stdin */
void line_reader_close(line_reader *r);

/*
 * The next line, without its newline: 1 with *line and *len set, or 0 at the end.
 * A line longer than max is skipped to its end and returned with *len set
 * to (size_t)-1, so the caller can report it and go on.  -1 on a read error.
 */
int line_reader_next(line_reader *r, const char **line, size_t *len);

/* ---- output ---------------------------------------------------------- */

typedef enum output_format { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_QUIET } output_format;

/* What one record is, for the report. */
typedef struct record_label {
	const char *source;       /* the file name, or "-" */
	unsigned long line_no;
	const char *kind;         /* "draw", "commitment", or NULL when unparsed */
	char room[ALOT_UUID_STRLEN];
} record_label;

/* Print the outcome of one record; a malformed one has format_error set. */
void print_record(output_format fmt, const record_label *label, const alot_report *report,
                  const char *format_error);
void print_summary(output_format fmt, unsigned long verified, unsigned long failed);

#endif /* ALOT_VERIFY_H */
