/*
 * verify.h - alot-verify's internal interface: where input comes from
 * (files, standard input, and https:// URLs in the --url build), bounded
 * line input, the index of every record given, the checks on one record
 * with its companions, the report.
 */
#ifndef ALOT_VERIFY_H
#define ALOT_VERIFY_H

#include <stdio.h>

#include "alot/note.h"
#include "alot/record.h"
#include "alot/tlog.h"
#include "cli/cli.h"

/* ---- sources: files, "-", and URLs (source.c) --------------------------- */

/* The most one download may hold, by what it is (docs/verifier.md). */
#define FETCH_RECORD_LIMIT      ((unsigned long long)ALOT_RECORD_MAX + 2) /* one record and its line end */
#define FETCH_BUNDLE_LIMIT      (64ULL << 20) /* a bundle of records, a list of commitments */
#define FETCH_LEDGER_LIMIT      (1ULL << 30)
/*
 * The most a regular file may hold: it is read line by line in bounded
 * memory, never copied, so its limits are the largest real inputs, not
 * what a temporary copy may take.  A bundle: 16 GiB (a million draw
 * records of 16 KiB).  A ledger: the largest one the protocol allows, a
 * header and 2^31 - 1 entries, each line at its limit.
 */
#define FILE_BUNDLE_LIMIT       (16ULL << 30)
#define FILE_LEDGER_LIMIT       (((unsigned long long)ALOT_MAX_TICKETS + 1) * (ALOT_LEDGER_LINE_MAX + 1))
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

/*
 * What the log's checks found for one record (logproof.c): where it is in
 * the log, and its log time when both "log-inclusion" and
 * "log-witnesses" passed.
 */
typedef struct log_outcome {
	int included;             /* "log-inclusion" passed */
	int witnessed;            /* "log-witnesses" passed */
	uint64_t index;           /* its entry in the log (of the proof with the earliest log time) */
	uint64_t size;            /* that proof's checkpoint size */
	uint64_t log_time;        /* POSIX seconds; 0 when not witnessed */
	size_t cosigned, quorum, witnesses;
	const char *origin;       /* the log key's name */
} log_outcome;

/*
 * What the beacon checks established for a draw under a beacon rule
 * (check.c), for the verdict: the freeze's log time and the pulse.
 */
typedef struct beacon_summary {
	int checked;              /* a beacon draw: the beacon checks ran */
	uint64_t log_time;        /* POSIX seconds */
	uint64_t freeze_index;
	uint64_t chain, pulse_index;
	char pulse_time[32];      /* as NIST gave it */
	int nist_certificate;     /* both pulses signed by the NIST certificate built in, not a --beacon-cert one */
	size_t witnesses, quorum;
	char witness_names[512];  /* the policy's witnesses, ", "-separated (untrusted text) */
} beacon_summary;

/* What one record is, for the report. */
typedef struct record_label {
	const char *source;       /* the file name, "-", or the URL */
	unsigned long line_no;
	const char *kind;         /* "draw", "commitment", or NULL when unparsed */
	char room[ALOT_UUID_STRLEN];
	const log_outcome *log;   /* NULL when no log option was given */
	const beacon_summary *beacon; /* NULL unless a draw under a beacon rule */
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
/* "2026-01-21T10:00:00Z" of POSIX seconds t, into buf. */
void format_log_time(uint64_t t, char buf[32]);
/*
 * The outcome of a consistency check between two checkpoints of the log
 * named origin (sizes 0 when unparsed), with what it proves when verified.
 */
void print_consistency(output_format fmt, const char *old_name, const char *new_name,
                       const char *origin, uint64_t old_size, uint64_t new_size,
                       const alot_report *report);
/*
 * One monitor finding: its stable name, the log entries it names (n of
 * them; none for the whole log), the room (NULL: none) and what is wrong.
 */
void print_finding(output_format fmt, const char *finding, const uint64_t *indexes, size_t n,
                   const alot_uuid *room, const char *message);
/* The monitor's last line (text) or object (JSON). */
typedef struct monitor_summary {
	const char *origin;
	uint64_t size;
	uint64_t entries;           /* entries read and hashed */
	uint64_t records_verified;
	unsigned long findings;
	uint64_t log_time;          /* the checkpoint's time under the policy; 0 without witnesses */
	const char *state;          /* what happened to --state: "created", "updated", "unchanged", "not saved", NULL */
	int unchecked;              /* the checkpoint did not verify: nothing was read */
} monitor_summary;
void print_monitor_summary(output_format fmt, const monitor_summary *s);

/* ---- the checks, in plain words (explain.c) ------------------------------ */

/* A check's name and one sentence of what it proves when it passes. */
typedef struct check_description {
	const char *name;
	const char *proves;
} check_description;

/* Every check alot-verify can report, *count of them. */
const check_description *check_descriptions(size_t *count);
/* --list-checks: "name: sentence" lines, or one JSON array of {name, proves}. */
void print_check_list(output_format fmt);

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
	struct log_context *log;      /* the log's policy and --log-proof files */
	alot_beacon_trust *trust;     /* the beacon certificates trusted: NIST's, and --beacon-cert's */
	alot_beacon_trust *nist;      /* NIST's alone: whether a verdict may say "NIST" */
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
 * hash (alot_record_hash) and leaf (alot_tlog_leaf_hash): its own, the
 * records of its room given with it (commitment, freeze, equivocation),
 * the draw's companion files, then the log's (into *log).
 */
void check_record(const alot_public_key *key, companions *c, const alot_record *rec,
                  const unsigned char hash[ALOT_HASH_LEN], const unsigned char leaf[ALOT_HASH_LEN],
                  alot_report *report, log_outcome *log, beacon_summary *beacon);
/* Trust NIST's certificate and those in each of the n files; 0 when one cannot be read (printed). */
int companions_load_beacon_certs(companions *c, const char *const *files, size_t n);

/* ---- the transparency log: policy, proofs, consistency (logproof.c) ----- */

#define LOG_FILE_MAX (ALOT_NOTE_MAX + 8192) /* a vkey, a checkpoint, a tlog-proof, a consistency proof */

/*
 * Read the whole of name (a file, or an https:// URL in the --url build)
 * into *buf (malloc()ed, NUL-terminated, the caller's), at most limit
 * bytes: 1, with *too_long set when it holds more (then *buf holds the
 * first limit); 0 when it could not be read (printed).
 */
int read_whole(const char *name, size_t limit, char **buf, size_t *len, int *too_long);

/* One --log-proof file, parsed or malformed. */
typedef struct log_proof_file {
	const char *name;
	int parsed;
	alot_tlog_proof proof;
	char error[2 * ALOT_CHECK_MESSAGE_MAX]; /* why it is malformed */
	int used;                               /* a record given matched it */
} log_proof_file;

/* The verifier's policy and the tlog-proof files given. */
typedef struct log_context {
	int active;              /* a log option was given: every record gets the log's checks */
	int have_log_key;
	alot_tlog_policy policy; /* the log key, the witnesses and the quorum */
	log_proof_file *proofs;
	size_t nproofs;
} log_context;

/*
 * Load the policy: the log's vkey (alg 0x01, NULL: none), the n witness
 * vkeys (alg 0x04) and the quorum (0: all of them).  0 when a key cannot
 * be read or is not a key of its kind (printed: the tool cannot run).
 */
int log_load_policy(log_context *lc, const char *log_key, const char *const *witness_keys,
                    size_t n, size_t quorum);
/*
 * Load a --log-proof file; 0 when it could not be read (printed).  A
 * malformed one is content that fails: kept, with why, for the report.
 */
int log_load_proof(log_context *lc, const char *name);
void log_free(log_context *lc);

/*
 * "log-inclusion" and "log-witnesses" of the record whose leaf hash is
 * leaf: the proofs that show it in the log, their checkpoints under the
 * policy; what was found into *out.
 */
void check_log(log_context *lc, const unsigned char leaf[ALOT_HASH_LEN], alot_report *report,
               log_outcome *out);
/* Report each --log-proof file that failed on its own or matched no record; their number. */
unsigned long log_report_unused(const log_context *lc, output_format fmt);

/*
 * "log-consistency" (and "log-witnesses" under a witness policy) between
 * the checkpoints in old_name and new_name, by the consistency proof in
 * proof_name (base64 hashes, one per line); printed.  1 verified, 0 failed,
 * -1 the tool could not run (a file could not be read: printed).
 */
int log_check_consistency(const log_context *lc, const char *old_name, const char *new_name,
                          const char *proof_name, output_format fmt);

/*
 * A checkpoint's witnesses under the policy (lc->policy's witnesses and
 * quorum): "log-witnesses" into report (PASS with the policy time into
 * *policy_time, or FAIL saying how many cosigned, or SKIP without
 * witnesses); *cosigned counts them.
 */
void check_witnesses(const log_context *lc, const alot_note *note, const char *what,
                     alot_report *report, uint64_t *policy_time, size_t *cosigned);

/* ---- the monitor (monitor.c, rooms.c) ------------------------------------- */

typedef struct monitor_options {
	const char *dir;              /* the published log */
	const alot_public_key *key;   /* the operator's */
	const log_context *log;       /* the policy */
	const char *state;            /* NULL: none */
	long long max_undrawn;        /* seconds; -1: no withheld-draw check */
	long long now;                /* POSIX seconds */
	output_format format;
} monitor_options;

/* Read and check the whole published log; the exit status. */
int monitor_run(const monitor_options *o);

/* Where findings go: counted, and printed as they come. */
typedef struct finding_sink {
	output_format format;
	unsigned long findings;
	unsigned long integrity;      /* of them, findings about the log's own integrity */
} finding_sink;

void report_finding(finding_sink *s, int integrity, const char *finding, const uint64_t *indexes,
                    size_t n, const alot_uuid *room, const char *fmt, ...) ALOT_PRINTF(7, 8);

/* Every record of the log by room (rooms.c): the protocol's findings. */
typedef struct room_table room_table;

/* What the protocol's findings need of one record. */
typedef struct room_fact {
	alot_record_type type;
	alot_uuid room;
	unsigned char hash[ALOT_HASH_LEN];              /* alot_record_hash() of its published text */
	uint32_t version;
	unsigned char ledger_root[ALOT_HASH_LEN];
	uint32_t entry_count, total_tickets;
	unsigned char freeze_record_hash[ALOT_HASH_LEN]; /* a v2 draw's */
	char frozen_at[ALOT_TIMESTAMP_LEN + 1];          /* a freeze's */
} room_fact;

/* The facts of rec, whose published text is text (len bytes).  Thread-safe. */
void room_fact_of(const alot_record *rec, const char *text, size_t len, room_fact *out);

room_table *rooms_new(void);
void rooms_free(room_table *t);
/* The validly signed record of entry index; 0 when out of memory. */
int rooms_add(room_table *t, finding_sink *s, uint64_t index, const room_fact *f);
/* After the last entry: what needs the whole log (order, withheld draws). */
void rooms_finish(room_table *t, finding_sink *s, long long max_undrawn, long long now);

#endif /* ALOT_VERIFY_H */
