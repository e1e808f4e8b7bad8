/*
 * verify.h - alot-verify's internal interface: where input comes from
 * (files, standard input, and https:// URLs in the --url build), bounded
 * line input, the index of every record given, the checks on one record
 * with its companions, the report.
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

/*
 * f, or when f cannot seek (a pipe, standard input) a temporary copy of
 * at most limit bytes of it, so that it can be read more than once;
 * closes f then.  NULL (with the reason printed, naming name) when the
 * copy fails or f holds more.
 */
FILE *source_seekable(FILE *f, const char *name, unsigned long long limit);

/* ---- line input (input.c) ------------------------------------------------ */

/* A line reader that never holds more than max bytes of one line. */
typedef struct line_reader {
	FILE *f;
	char *buf;
	size_t max;
	unsigned long line_no;
	unsigned long long next_offset; /* where the next line starts, in bytes */
	unsigned long long line_offset; /* where the line last returned starts */
	int stopped;  /* a line was too long: nothing after it is read */
} line_reader;

/* Read f, which the reader then owns; 0 when out of memory (f stays the caller's). */
int line_reader_init(line_reader *r, FILE *f, size_t max);
void line_reader_close(line_reader *r);
/* Back to the first line; 0 when the input cannot seek (a pipe). */
int line_reader_rewind(line_reader *r);

/*
 * The next line, without its newline: 1 with *line and *len set, or 0 at the end.
 * A line longer than max is returned with *len set to (size_t)-1, so that
 * the caller reports it; reading stops there (an endless line, such as
 * /dev/zero, must not hang the tool), and the next call returns 0.
 * -1 on a read error.
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

/*
 * Print the outcome of one record; a malformed one has format_error set
 * (report and rec unused).  rec, when given, says what a verified record
 * proves and what it rests on.
 */
void print_record(output_format fmt, const record_label *label, const alot_report *report,
                  const char *format_error, const alot_record *rec);
void print_summary(output_format fmt, unsigned long verified, unsigned long failed);
/* A companion file (kind "ledger" or "proof") whose check never ran or failed on its own. */
void print_companion_failure(output_format fmt, const char *name, const char *kind, const char *why);

/* ---- every record given, seen before any is reported (index.c) -------- */

typedef enum signed_state { SIGNED_UNKNOWN = 0, SIGNED_VALID, SIGNED_INVALID } signed_state;

/*
 * One record seen.  Draws are only located (the first pass neither parses
 * nor verifies them: the second does); whether one is validly signed is
 * found out, by reading it again, only when another record of its room
 * differs from it.
 */
typedef struct seen_record {
	alot_record_type type;
	alot_uuid room;
	unsigned char hash[ALOT_HASH_LEN];  /* alot_record_hash() of its published text */
	const char *source;
	unsigned long line_no;
	int fd;                             /* its input, still open: read again with pread() */
	unsigned long long offset;
	size_t len;
	signed_state sig;
} seen_record;

typedef struct indexed_freeze {
	alot_freeze_record record;
	unsigned char hash[ALOT_HASH_LEN];
} indexed_freeze;

/* The validly signed records given, and the commitments and freezes in full. */
typedef struct record_index {
	seen_record *seen;
	size_t count, cap;
	alot_commitment_record *commitments;
	size_t ncommitments, commitments_cap;
	indexed_freeze *freezes;
	size_t nfreezes, freezes_cap;
} record_index;

void index_init(record_index *ix);
void index_free(record_index *ix);
/*
 * Index one line of input (len (size_t)-1: too long), read from fd at
 * offset: a commitment or freeze record validly signed by key, or any line
 * that names a draw of a room; rec is scratch space.  0 when out of memory.
 */
int index_add(record_index *ix, const alot_public_key *key, const char *line, size_t len,
              const char *source, unsigned long line_no, int fd, unsigned long long offset,
              alot_record *rec);
/* After the last index_add(): sort for the lookups below. */
void index_finish(record_index *ix);
/*
 * A record validly signed by key, of type for room, whose hash is not
 * hash; NULL if none.  Reads a candidate again to learn its signature.
 */
const seen_record *index_conflict(record_index *ix, const alot_public_key *key, alot_record_type type,
                                  const alot_uuid *room, const unsigned char hash[ALOT_HASH_LEN]);
/* The room's validly signed commitment records, *count of them in a row; NULL if none. */
const alot_commitment_record *index_commitments(const record_index *ix, const alot_uuid *room,
                                                size_t *count);
/*
 * The room's validly signed freeze record whose hash is hash, or else any
 * other one of the room (which then is not the one named); NULL if none.
 */
const indexed_freeze *index_freeze(const record_index *ix, const alot_uuid *room,
                                   const unsigned char hash[ALOT_HASH_LEN]);

/* ---- one record and its companions (check.c) ---------------------------- */

/*
 * What a draw is checked against besides the operator's key: commitment
 * records published at open, a room's full ledger, one entry's proof.
 * Each is matched to the draw of its room.
 */
typedef struct companions {
	const char *commitments_name; /* --commitment: every draw needs its room's */
	record_index *index;          /* every record given */
	const char *ledger_name;
	line_reader ledger;         /* a file or a fetched copy: rewound for each draw */
	int have_ledger;
	int ledger_header_ok;       /* else the ledger meets every draw, and fails each */
	alot_uuid ledger_room;
	int ledger_used;
	const char *proof_name;
	alot_inclusion_proof *proof;
	char proof_error[2 * ALOT_CHECK_MESSAGE_MAX]; /* a malformed proof fails every draw's "proof" */
	alot_uuid proof_entry;
	int proof_used;
} companions;

/*
 * Load the companions named; 0 when one could not be read (printed).  A
 * malformed ledger or proof is content that fails: the "ledger" or
 * "proof" check of every draw given then fails, saying why.
 */
int companions_load_ledger(companions *c, const char *name);
int companions_load_proof(companions *c, const char *name, const alot_uuid *entry);
void companions_free(companions *c);

/* Why a line over ALOT_RECORD_MAX is not read. */
extern const char record_too_long[];

/*
 * Run every check on one parsed record, whose published text hashes to
 * hash: its own, the records of its room given with it (commitment,
 * freeze, equivocation), then the draw's companion files.
 */
void check_record(const alot_public_key *key, companions *c, const alot_record *rec,
                  const unsigned char hash[ALOT_HASH_LEN], alot_report *report);

#endif /* ALOT_VERIFY_H */
