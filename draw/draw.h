/*
 * draw.h - alot-draw's internal interface: the commands and the helpers
 * they share (options, keys, connections, room ids).
 */
#ifndef ALOT_DRAW_H
#define ALOT_DRAW_H

#include <libpq-fe.h>

#include "alot/crypto.h"
#include "alot/protocol.h"
#include "alot/record.h"
#include "alot/tlog.h"
#include "cli/cli.h"

/* Each command parses its own arguments and returns an alot_exit. */
int cmd_keygen(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_freeze(int argc, char **argv);
int cmd_execute(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_beacon(int argc, char **argv);
int cmd_run(int argc, char **argv);

/*
 * Beacon pulses (beacon.c).  beacon_trust_load: the builtin NIST
 * certificate and those of each --beacon-cert file (PEM or DER); prints
 * why and returns NULL when one cannot be read or is not a certificate
 * (free with alot_beacon_trust_free()).  parse_beacon_time: an RFC 3339
 * UTC time or POSIX seconds into milliseconds; prints why and returns 0
 * when text is neither.
 */
alot_beacon_trust *beacon_trust_load(char *const *files, size_t n);
int parse_beacon_time(const char *text, int64_t *ms);

/* Options common to the commands that use the database and the keys. */
typedef struct draw_options {
	const char *conninfo;     /* -d: a libpq connection string; NULL: PG* variables */
	const char *signing_key;  /* --signing-key */
	const char *seal_key;     /* --seal-key */
	const char *room;         /* --room, as given */
	alot_uuid room_id;
	const char *admin;        /* execute, draw_room(): the admin_users id drawing; NULL when none */
} draw_options;

/*
 * The environment variables that name the key files when no option does:
 * ALOT_SIGNING_KEY and ALOT_SEAL_KEY.
 */
void draw_options_defaults(draw_options *opts);

/* Parse a UUID option, in any case; prints the error and returns 0 when it is not one. */
int parse_uuid_option(const char *option, const char *value, alot_uuid *out);

/* A whole number of seconds from min to max for option; prints the error and returns 0 when not. */
int parse_seconds_option(const char *option, const char *value, long min, long max, long *out);

/*
 * The canonical lowercase text of id, in one of four static buffers used
 * in turn: what the options' UUIDs are normalised to.
 */
const char *uuid_text(const alot_uuid *id);

/* The keys and the connection that commit and execute work with. */
typedef struct draw_session {
	alot_signing_key *key;
	alot_seal_key *seal;
	PGconn *conn;
} draw_session;

/*
 * Load both keys (refusing files others can read) and connect.  Returns
 * ALOT_EXIT_OK, or the exit code with the reason printed.  Close the
 * session on every path: it wipes the keys.
 */
int draw_session_open(const draw_options *opts, draw_session *s);
void draw_session_close(draw_session *s);

/* Connect, or print why not; NULL on failure. */
PGconn *draw_connect(const draw_options *opts);

/* Print a libalot error and return the exit code it maps to. */
int report_failure(const alot_error *err);

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

/* A libpq error result as an alot_error; returns the exit code (2). */
int db_failure(const char *what, const alot_error *err);

/*
 * A room's ticket ledger in ticket order (the caller holds the room's lock
 * in an open transaction).  *out is malloc'd; the caller frees it.  Like
 * every read of the protocol's tables in alot-draw, it reads FROM ONLY the
 * table: the rows of a table that inherits from it are not the ledger.
 */
alot_code load_ledger(PGconn *conn, const char *room, alot_ticket_range **out, size_t *n,
                      alot_error *err);

/*
 * The lot of a room as the database holds it now (lot.c): version 2, the
 * room, product class, funding target, deadline, lot type and the hash of
 * its entry bundles; the beacon rule is left empty (only the commitment
 * holds it).  Refuses (ALOT_ERR_REFUSED, naming the room) a room that does
 * not exist and a lot protocol 2 cannot bind: entry_bundles not an array
 * of objects with an "amount" of at most 2 decimals, from 0 to
 * MAX_BUNDLE_CENTS cents, and an integer "tickets" from 1 to
 * ALOT_MAX_TICKETS (no bundle can hold more tickets than a room), more than ALOT_MAX_BUNDLES bundles, an unknown lot
 * type, a negative target.
 */
#define MAX_BUNDLE_CENTS ((UINT64_C(1) << 53) - 1) /* docs/protocol.md: amount_cents 0..2^53-1 */

alot_code room_lot_read(PGconn *conn, const char *room, const alot_uuid *room_id, alot_lot *lot,
                        alot_error *err);

/*
 * NULL when now has every term that committed binds (protocol 1: room and
 * beacon rule; protocol 2: also product class, target, deadline, lot type,
 * bundles); else a description of the first term that differs, written
 * into buf ("the funding target differs (committed $20.00, now $30.00)").
 */
const char *lot_term_differs(const alot_lot *committed, const alot_lot *now, char *buf, size_t len);

/* A protocol 2 room's freeze, as freeze_room() leaves it. */
typedef struct room_freeze {
	alot_commitment_record commitment; /* the room's commitment record, parsed */
	alot_freeze_record record;         /* the freeze record: the lot and the frozen ledger */
	char *text;                        /* its published text (malloc'd) */
	int created;                       /* 1: this call froze the room */
	alot_ticket_range *ledger;         /* the room's ledger, in ticket order (malloc'd) */
	size_t n;
} room_freeze;

void room_freeze_free(room_freeze *f);

/*
 * Freeze a funded room of protocol 2, or check it against its freeze
 * (freeze.c).  The caller holds the room's row lock in an open transaction
 * and has checked that the room is funded and that commitment_text is its
 * commitment record of version 2.  Refuses (ALOT_ERR_REFUSED or
 * ALOT_ERR_VERIFY, the message naming the room): a signing key other than
 * the commitment's, a lot no longer the one committed to (naming the
 * term), entries that do not pay the funding target, a ledger with a gap,
 * an overlap or a repeated entry, rooms.total_tickets other than the
 * ledger's N, and, when the room is frozen already, a ledger other than
 * the frozen one.  When the room has no freeze yet, signs a freeze record
 * (frozen_at: the server's clock) and inserts it into room_freezes; the
 * caller commits.  Release *out with room_freeze_free() on every path.
 */
/*
 * ALOT_ERR_REFUSED, naming the room, when key is not the one that signed
 * commitment: a room is frozen and drawn with the key that committed it.
 */
alot_code check_commitment_key(const char *room, const alot_commitment_record *commitment,
                               const alot_signing_key *key, alot_error *err);

alot_code freeze_room(PGconn *conn, const char *room, const alot_uuid *room_id,
                      const char *commitment_text, const alot_signing_key *key,
                      room_freeze *out, alot_error *err);

/* ---- the transparency log (log.c, log_db.c, log_witness.c, log_publish.c) ---- */

/* The "log" subcommands (log.c dispatches; each parses its own options). */
int log_cmd_witness(int argc, char **argv);
int log_cmd_publish(int argc, char **argv);

/*
 * What "alot-draw run" (run.c) shares with the commands, each doing what
 * the command does and printing as it does; each returns an exit code.
 * publish_run: "log publish -o DIR" (log_publish.c).  log_witness_size:
 * "log witness --size SIZE" with the n witnesses key_paths[i] /
 * commands[i] (log_witness.c).  export_room_files: "export --room ROOM -o
 * DIR" (export.c).
 */
int publish_run(PGconn *conn, const char *dir);
int log_witness_size(PGconn *conn, const char *const *key_paths, const char *const *commands, size_t n,
                     uint64_t size);
int export_room_files(PGconn *conn, const char *room, const alot_uuid *room_id, const char *dir);

/*
 * An alot_tlog_reader over log_hashes; ctx is the PGconn.  ALOT_ERR_NOT_FOUND
 * when the hash is not stored, ALOT_ERR_DB when the query fails.
 */
alot_code log_read_hash(void *ctx, unsigned level, uint64_t index,
                        unsigned char out[ALOT_HASH_LEN], alot_error *err);

/* The log's size (log_head). */
alot_code log_size(PGconn *conn, uint64_t *size, alot_error *err);

/* A stored checkpoint. */
typedef struct log_checkpoint {
	uint64_t size;
	char origin[ALOT_NOTE_NAME_MAX + 1];
	char *note;     /* the signed note, the log's signature only (malloc'd) */
	char *cosigned; /* the same note with every stored cosignature line (malloc'd) */
} log_checkpoint;

void log_checkpoint_free(log_checkpoint *cp);

/*
 * Sign the checkpoint of the first size entries of the log with log_key
 * under origin and store it (log.c); a checkpoint stored at that size
 * already is kept (idempotent: ALOT_OK either way).  ALOT_ERR_REFUSED
 * when size is beyond the log's size or earlier checkpoints have another
 * origin; the database checks the root again (alot_log_root(size)).
 */
alot_code log_checkpoint_make(PGconn *conn, const alot_signing_key *log_key, const char *origin,
                              uint64_t size, alot_error *err);

/*
 * The checkpoint stored at size into *out (with every stored cosignature
 * in cosigned); ALOT_ERR_NOT_FOUND when there is none.  Release *out with
 * log_checkpoint_free() on every path.
 */
alot_code log_checkpoint_at(PGconn *conn, uint64_t size, log_checkpoint *out, alot_error *err);

/*
 * The index of the log entry that is room's published record of kind,
 * matched on the server; ALOT_ERR_NOT_FOUND when it is not logged.
 */
alot_code log_record_index(PGconn *conn, const char *kind, const char *room, uint64_t *index,
                           alot_error *err);

/*
 * The c2sp.org/tlog-proof@v1 text (malloc'd into *text) of entry index
 * against cp: its inclusion proof at cp's size and cp's note with every
 * cosignature line (cp->cosigned).
 */
alot_code log_entry_proof(PGconn *conn, uint64_t index, const log_checkpoint *cp, char **text,
                          alot_error *err);

/*
 * The newest checkpoint (the largest size) into *out; ALOT_ERR_NOT_FOUND
 * when the log has none.  Release *out with log_checkpoint_free() on every
 * path.
 */
alot_code log_newest_checkpoint(PGconn *conn, log_checkpoint *out, alot_error *err);

/*
 * The c2sp.org/tlog-proof@v1 text (malloc'd into *text) of room's
 * published record of kind ("commitment", "freeze", "draw"), as its table
 * holds it in this snapshot: the index of the log entry that is that
 * record, its inclusion proof at the newest checkpoint, and that checkpoint
 * with every cosignature.  ALOT_ERR_NOT_FOUND when no checkpoint includes
 * the record (none yet, or the record is newer than the newest one).  The
 * record is matched on the server, never sent as a parameter.
 */
alot_code log_record_proof(PGconn *conn, const char *kind, const char *room, char **text,
                           alot_error *err);

/* A strict decimal uint64 (no sign, no leading zero but "0"); 0 when s is not one. */
int parse_u64(const char *s, uint64_t *out);

/*
 * Write len bytes of data to path through a temporary file beside it,
 * renamed into place (mode 0644 less the umask); with sync, flushed to disk
 * first.  Prints why not and returns 0 on failure.
 */
int write_file_atomic(const char *path, const void *data, size_t len, int sync);

/* ---- draws under the NIST beacon rule (beacon_draw.c, execute.c) ---- */

#define BEACON_MAX_CERTS    16
#define BEACON_DEFAULT_WAIT 3600L /* seconds: --beacon-wait */
#define BEACON_MAX_WAIT     (7L * 24 * 3600) /* the longest --beacon-wait or --wait: a week */

/*
 * Where the pulses of a draw under the beacon rule come from, and whom to
 * trust.  With pulse_file (and previous_file), the air-gapped path: both
 * documents exactly as NIST served them; else fetched from url (NULL:
 * NIST's) over HTTPS (cacert: the CA file; NULL: the system's), waiting
 * at most wait seconds for the pulse to be published.  certs: beacon
 * certificates trusted beside the builtin NIST one (--beacon-cert).
 * Set every field with beacon_options_defaults() first.
 */
/* One more --beacon-cert file into certs (n of them, at most BEACON_MAX_CERTS); prints why not. */
int add_beacon_cert(char **certs, size_t *n, const char *file);

struct beacon_options {
	const char *pulse_file;     /* --beacon-pulse */
	const char *previous_file;  /* --beacon-previous */
	const char *url;            /* --beacon-url */
	const char *cacert;         /* --cacert */
	char *certs[BEACON_MAX_CERTS];
	size_t cert_count;          /* --beacon-cert, repeatable */
	long wait;                  /* --beacon-wait */
};

void beacon_options_defaults(struct beacon_options *b);

/*
 * Draw one room, as "alot-draw execute" does (execute.c): the admin
 * (opts->admin) must be active with can_execute_draws, the keys are loaded
 * from opts->signing_key and opts->seal_key, and conn is open with no
 * transaction.  Under a NIST beacon rule the pulses come as beacon says
 * (beacon may be NULL for a room under rule "none").  Returns an exit
 * code: 0 drawn, or drawn already (*record_text: its record); 1 refused
 * (the reason printed); 2 could not run.  *record_text (malloc'd, without
 * its newline; the caller frees it) is NULL unless 0 is returned.
 * Nothing is printed on stdout.
 */
int draw_room(PGconn *conn, const draw_options *opts, const struct beacon_options *beacon,
              char **record_text);

/* 1 when rule is a NIST beacon rule ("nist-beacon-2.0:chain=C:after=freeze:policy=HEX"). */
int beacon_rule_is_nist(const char *rule);

/*
 * Read all of path (at most max bytes) into *out (malloc'd, NUL-terminated
 * beyond *len bytes); what names the file in the messages.  Returns an
 * exit code: 2 unreadable, 1 larger than max (printed).
 */
int draw_read_file(const char *path, size_t max, const char *what, char **out, size_t *len);

/*
 * Read and parse a witness policy file (commit): *text (malloc'd), its
 * parsed policy and its hash.  Returns an exit code (the reason printed).
 */
int witness_policy_load(const char *path, char **text, size_t *len, alot_tlog_policy *policy,
                        unsigned char hash[32]);

/*
 * ALOT_ERR_REFUSED naming the file when the log's checkpoints (when there
 * is one) are of another origin than the policy's log key, or not signed
 * by it: a room's policy must be the database log's.
 */
alot_code witness_policy_check_log(PGconn *conn, const char *path, const alot_tlog_policy *policy,
                                   alot_error *err);

/*
 * Choose the pulses of a frozen room under the NIST rule and store them
 * (room_draw_beacons) with the start of its draw, in one transaction, or
 * refuse: no checkpoint of the freeze's size, a witness of the policy
 * missing, pulses that fail a beacon check.  Before the seed is touched;
 * conn has no transaction open.  Returns an exit code (printed why not).
 */
int beacon_choose(PGconn *conn, const char *room, const struct beacon_options *b,
                  const alot_beacon_trust *trust);

/*
 * The stored pulses, freeze proof and policy of room into rec (has_beacon,
 * beacon, beacon_value = the pulse's outputValue); rec->lot.beacon_rule is
 * set.  ALOT_ERR_INTERNAL when none are stored.
 */
alot_code beacon_fill(PGconn *conn, const char *room, alot_draw_record *rec, alot_error *err);

/*
 * Every beacon check of rec (alot_draw_beacon_verify) before it is signed:
 * ALOT_ERR_VERIFY with each failed check printed, naming the room.
 */
alot_code beacon_recheck(const char *room, const alot_draw_record *rec, const char *freeze_text,
                         const alot_beacon_trust *trust, alot_error *err);

#endif /* ALOT_DRAW_H */
