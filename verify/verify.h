/*
 * verify.h - alot-verify's internal interface: where input comes from
 * (files, standard input, and https:// URLs in the --url build), bounded
 * line input, the checks on one record with its companions, the report.
 */
#ifndef ALOT_VERIFY_H
#define ALOT_VERIFY_H

#include <stdio.h>

#include "alot/record.h"
#include "cli/cli.h"

/* ---- sources: files, "-", and URLs (source.c) --------------------------- */

/* The most one download may hold, by what it is (docs/verifier.md). */
#define FETCH_RECORD_LIMIT      ((unsigned long long)ALOT_RECORD_MAX + 2) /* one record and its line end */
#define FETCH_BUNDLE_LIMIT      (64ULL << 20) /* a bundle of records, a list of commitments */
#define FETCH_LEDGER_LIMIT      (1ULL << 30)
#define FETCH_DEFAULT_TIMEOUT   60L /* seconds per download */

/* 1 when name is an http:// or https:// URL rather than a file. */
int source_is_url(const char *name);

/*
 * Set up downloads: the CA bundle to trust (NULL: the system's) and the
 * time limit of one download.  The offline build refuses with a message:
 * 0 then, 1 on success.
 */
int source_configure_fetch(const char *cacert, long timeout_seconds);
void source_cleanup(void);

/*
 * Open name for reading: a file, "-" for standard input, or an https://
 * URL fetched into an anonymous temporary file of at most limit bytes
 * (the --url build only).  On failure prints why and returns NULL: the
 * tool could not run.  The caller closes it with source_close().
 */
FILE *source_open(const char *name, unsigned long long limit);
void source_close(FILE *f);

/* ---- line input (input.c) ------------------------------------------------ */

/* A line reader that never holds more than max bytes of one line. */
typedef struct line_reader {
	FILE *f;
	char *buf;
	size_t max;
	unsigned long line_no;
} line_reader;

/* Read f, which the reader then owns; 0 when out of memory. */
int line_reader_init(line_reader *r, FILE *f, size_t max);
void line_reader_close(line_reader *r);
/* Back to the first line; 0 when the input cannot seek (a pipe). */
int line_reader_rewind(line_reader *r);

/*
 * The next line, without its newline: 1 with *line and *len set, or 0 at the end.
 * A line longer than max is skipped to its end and returned with *len set
 * to (size_t)-1, so the caller can report it and go on.  -1 on a read error.
 */
int line_reader_next(line_reader *r, const char **line, size_t *len);

/* ---- output (report.c) ---------------------------------------------------- */

typedef enum output_format { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_QUIET } output_format;

/* What one record is, for the report. */
typedef struct record_label {
	const char *source;       /* the file name, "-", or the URL */
	unsigned long line_no;
	const char *kind;         /* "draw", "commitment", or NULL when unparsed */
	char room[ALOT_UUID_STRLEN];
} record_label;

/* Print the outcome of one record; a malformed one has format_error set (report unused). */
void print_record(output_format fmt, const record_label *label, const alot_report *report,
                  const char *format_error);
void print_summary(output_format fmt, unsigned long verified, unsigned long failed);

/* ---- one record and its companions (check.c) ---------------------------- */

/*
 * What a draw is checked against besides the operator's key: commitment
 * records published at open, a room's full ledger, one entry's proof.
 * Each is matched to the draw of its room.
 */
typedef struct companions {
	const char *commitments_name;
	alot_commitment_record *commitments;
	size_t commitment_count;
	const char *ledger_name;
	line_reader ledger;         /* a file or a fetched copy: rewound for each draw */
	int have_ledger;
	alot_uuid ledger_room;
	int ledger_used;
	const char *proof_name;
	alot_inclusion_proof *proof;
	alot_uuid proof_entry;
	int proof_used;
} companions;

/*
 * Load the companions named; 0 when one could not be read (printed).
 * Malformed commitment records or proofs are content that failed:
 * reported, and counted in *failed.
 */
int companions_load_commitments(companions *c, const char *name, output_format fmt,
                                unsigned long *failed);
int companions_load_ledger(companions *c, const char *name);
int companions_load_proof(companions *c, const char *name, const alot_uuid *entry,
                          output_format fmt, unsigned long *failed);
void companions_free(companions *c);

/* Why a line over ALOT_RECORD_MAX is not read. */
extern const char record_too_long[];

/* Run every check on one parsed record: its own, then its companions'. */
void check_record(const alot_public_key *key, companions *c, const alot_record *rec,
                  alot_report *report);

#endif /* ALOT_VERIFY_H */
