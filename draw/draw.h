/*
 * draw.h - alot-draw's internal interface: the commands and the helpers
 * they share (options, keys, connections, room ids).
 */
#ifndef ALOT_DRAW_H
#define ALOT_DRAW_H

#include <libpq-fe.h>

#include "alot/crypto.h"
#include "alot/protocol.h"
#include "cli/cli.h"

/* Each command parses its own arguments and returns an alot_exit. */
int cmd_keygen(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_execute(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_status(int argc, char **argv);

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

/* Parse a UUID option; prints the error and returns 0 when it is not one. */
int parse_uuid_option(const char *option, const char *value, alot_uuid *out);

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
int command_preamble(int argc, char **argv, const char *usage, int *rc);

/* After a getopt error: the Try line, and the usage-error exit code. */
int usage_error(void);

/* A libpq error result as an alot_error; returns the exit code (2). */
int db_failure(const char *what, const alot_error *err);

/*
 * A room's ticket ledger in ticket order (the caller holds the room's lock
 * in an open transaction).  *out is malloc'd; the caller frees it.
 */
alot_code load_ledger(PGconn *conn, const char *room, alot_ticket_range **out, size_t *n,
                      alot_error *err);

#endif /* ALOT_DRAW_H */
