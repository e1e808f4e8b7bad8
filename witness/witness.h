/*
 * witness.h - alot-witness's internal interface: the commands, the
 * add-checkpoint request, the witness's state on disk, and the helpers
 * the commands share (docs/witness.md).
 */
#ifndef ALOT_WITNESS_H
#define ALOT_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "alot/crypto.h"
#include "alot/note.h"
#include "alot/tlog.h"
#include "cli/cli.h"

/* Each command parses its own arguments and returns an alot_exit. */
int cmd_add_checkpoint(int argc, char **argv);
int cmd_vkey(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/*
 * Handle --help/-? (print usage) and --version/-V for a command before its
 * options are parsed.  Returns 1 when handled, with the exit code in *rc.
 */
static inline int
command_preamble(int argc, char **argv, const char *usage, int *rc)
{
	return cli_command_preamble(argc, argv, usage, rc);
}

/* After a getopt error: the Try line, and the usage-error exit code. */
static inline int
usage_error(void)
{
	return cli_usage_error();
}

/* A usage error with a message: "prog: message", the Try line, exit 2. */
int usage_fail(const char *message);

/* Print a libalot error and return the given exit code. */
int report_exit(const alot_error *err, int code);

/* ---- the add-checkpoint request (request.c) ----------------------- */

/* What the request body may hold: "old N", 63 proof lines, "", the note. */
#define WITNESS_OLD_LINE_MAX   (4 + 20 + 1)
#define WITNESS_PROOF_LINE_LEN 44           /* base64 of 32 bytes */
#define WITNESS_BODY_MAX       (WITNESS_OLD_LINE_MAX + \
                                ALOT_TLOG_MAX_PROOF * (WITNESS_PROOF_LINE_LEN + 1) + 1 + \
                                ALOT_NOTE_MAX)

/* A parsed add-checkpoint request; release with witness_request_free(). */
typedef struct witness_request {
	uint64_t old_size;
	size_t proof_len;
	unsigned char proof[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	const char *note_text;               /* the signed note, within the body */
	size_t note_len;
	alot_note note;
	alot_checkpoint checkpoint;
} witness_request;

/*
 * Parse a request body of len bytes strictly (tlog-witness add-checkpoint):
 * ALOT_ERR_INVALID naming what is wrong, which the witness answers with
 * 400 Bad Request.  note_text points into body, which must outlive req.
 */
alot_code witness_request_parse(const char *body, size_t len, witness_request *req,
                                alot_error *err) ALOT_WARN_UNUSED;
void witness_request_free(witness_request *req);

/* ---- the state folder (state.c) ----------------------------------- */

/* "<hex of SHA-256(origin)>": the file name stem of a log's state. */
#define WITNESS_STEM_LEN (2 * ALOT_HASH_LEN)
void witness_state_stem(const char *origin, char stem[WITNESS_STEM_LEN + 1]);

/* An open state folder and, once locked, one log's lock. */
typedef struct witness_state {
	int dir_fd;
	int lock_fd;
	char stem[WITNESS_STEM_LEN + 1];
	const char *path;                    /* the folder, as given */
} witness_state;

/*
 * Open the state folder (when create, making it, mode 0700, if it does not
 * exist).  Refuses (ALOT_ERR_REFUSED) a folder its group or others can write.
 */
alot_code witness_state_open(const char *path, int create, witness_state *st,
                             alot_error *err) ALOT_WARN_UNUSED;
void witness_state_close(witness_state *st);

/*
 * Take the exclusive lock of origin's state (blocking) and remove a
 * temporary file a crash may have left.  Held until witness_state_close().
 */
alot_code witness_state_lock(witness_state *st, const char *origin,
                             alot_error *err) ALOT_WARN_UNUSED;

/*
 * The stored checkpoint of the locked log: *found 0 when there is none;
 * else the signed note (malloc()ed, the caller's) in *text and *len, its
 * parsed checkpoint in *cp.  A stored file that is not a checkpoint of
 * the expected origin is ALOT_ERR_INVALID.
 */
alot_code witness_state_read(const witness_state *st, const char *origin, int *found,
                             char **text, size_t *len, alot_checkpoint *cp,
                             alot_error *err) ALOT_WARN_UNUSED;

/*
 * Replace the locked log's state with note (len bytes), durably: a
 * temporary file, fsync, rename over the old state, fsync the folder.
 */
alot_code witness_state_write(const witness_state *st, const char *note, size_t len,
                              alot_error *err) ALOT_WARN_UNUSED;

/*
 * The locked log's stored cosignature: the witness's signature line
 * (newline included) of the checkpoint it last cosigned, durably written
 * before that cosignature was answered.  *found 0 when there is none;
 * else *line is malloc()ed (the caller's), NUL-terminated.  The caller
 * checks that it verifies over the stored checkpoint: after a crash
 * between the two writes it is the previous checkpoint's.
 */
alot_code witness_state_read_cosignature(const witness_state *st, int *found, char **line,
                                         alot_error *err) ALOT_WARN_UNUSED;
alot_code witness_state_write_cosignature(const witness_state *st, const char *line, size_t len,
                                          alot_error *err) ALOT_WARN_UNUSED;

/*
 * Read the stored checkpoint in the file name (a "<stem>.checkpoint" in
 * the open folder) for status: the note text and its checkpoint.
 */
alot_code witness_state_read_file(const witness_state *st, const char *name,
                                  alot_checkpoint *cp, alot_error *err) ALOT_WARN_UNUSED;

/* Drop the lock witness_state_lock() took (a no-op when none is held). */
void witness_state_unlock(witness_state *st);

/* ---- the witness: configuration and decision (check.c) ------------- */

#define WITNESS_MAX_LOG_KEYS 64

/* The options add-checkpoint and serve share: --state, --key, --name, --log. */
typedef struct witness_options {
	const char *state;
	const char *key;
	const char *name;
	size_t log_count;
	const char *logs[WITNESS_MAX_LOG_KEYS];
} witness_options;

/* The shared options' getopt table entries, their short letters, and the usage text. */
#define WITNESS_LONG_OPTIONS \
	{ "state", required_argument, NULL, 's' }, \
	{ "key", required_argument, NULL, 'k' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "log", required_argument, NULL, 'l' }
#define WITNESS_SHORT_OPTIONS "s:k:n:l:"
#define WITNESS_OPTIONS_USAGE \
	"  -s, --state=DIR       the witness's state: the last checkpoint cosigned per log\n" \
	"  -k, --key=FILE        the witness's Ed25519 private key (mode 0600)\n" \
	"  -n, --name=NAME       the witness's key name, as in its vkey\n" \
	"  -l, --log=VKEYFILE    a log's verifier key (alg 0x01, named by the log's origin);\n" \
	"                        repeat for each log witnessed\n"

/*
 * Take getopt's option c (with optarg) into o when it is a shared one:
 * 1 taken, 0 not a shared option, -1 a usage error (printed).
 */
int witness_option(int c, const char *arg, witness_options *o);

/* After getopt: 1 when every shared option is given, else a usage error (printed), 0. */
int witness_options_complete(const witness_options *o);

typedef struct witness_config {
	alot_note_verifier logs[WITNESS_MAX_LOG_KEYS];
	size_t log_count;
	alot_signing_key *key;
	const char *name;
	alot_note_verifier self;             /* the witness's own vkey: its stored cosignatures verify under it */
	witness_state state;
} witness_config;

/*
 * Load the log keys (signature type 0x01 only), the witness's key (which
 * must be private to its owner) and check its name, and open the state
 * folder.  Release with witness_config_free(), also after a failure.
 */
alot_code witness_config_load(const witness_options *o, witness_config *cfg,
                              alot_error *err) ALOT_WARN_UNUSED;
void witness_config_free(witness_config *cfg);

/*
 * The answer to one request: status 200 with the cosignature line
 * (malloc()ed, newline included), or a refusal (400, 403, 404, 409 with
 * latest_size, 422) with err saying why.  Release with witness_answer_free().
 */
typedef struct witness_answer {
	int status;
	uint64_t latest_size;
	char *line;
	alot_error err;
} witness_answer;

/*
 * Decide on an add-checkpoint request body of len bytes, update the state
 * and cosign.  The checkpoint cosigned last, asked again, gets the stored
 * cosignature, timestamp and all, not a new one.  ALOT_OK when *ans holds an answer; any other code when the
 * witness could not decide (I/O, state, crypto), with ans->err set.
 */
alot_code witness_handle(witness_config *cfg, const char *body, size_t len,
                         witness_answer *ans) ALOT_WARN_UNUSED;
void witness_answer_free(witness_answer *ans);

/* The HTTP reason phrase of a status this tool answers with. */
const char *witness_reason_phrase(int status);

/*
 * Test builds only (-DALOT_TEST_HOOKS): _exit(99) when the environment's
 * ALOT_WITNESS_CRASH_AT names this point ("after-temp", "after-rename":
 * the checkpoint's update; "after-cosignature": the cosignature stored,
 * not yet answered).  Nothing in release builds.
 */
#ifdef ALOT_TEST_HOOKS
void witness_crash_point(const char *point);
#else
#define witness_crash_point(point) ((void)0)
#endif

#endif /* ALOT_WITNESS_H */
