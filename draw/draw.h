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

/* Options common to the commands that use the database and the keys. */
typedef struct draw_options {
	const char *conninfo;     /* -d: a libpq connection string; NULL: PG* variables */
	const char *signing_key;  /* --signing-key */
	const char *seal_key;     /* --seal-key */
	const char *room;         /* --room, as given */
	alot_uuid room_id;
} draw_options;

/*
 * The environment variables that name the key files when no option does:
 * ALOT_SIGNING_KEY and ALOT_SEAL_KEY.
 */
void draw_options_defaults(draw_options *opts);

/* Parse a UUID option, in any case; prints the error and returns 0 when it is not one. */
int parse_uuid_option(const char *option, const char *value, alot_uuid *out);

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

#endif /* ALOT_DRAW_H */
