/*
 * run.h - what the draw service's two files share: "alot-draw run"
 * (run.c: options, signals, the watch loop, the JSON lines) and the steps
 * of one room (run_steps.c).
 */
#ifndef ALOT_DRAW_RUN_H
#define ALOT_DRAW_RUN_H

#include <stdint.h>

#include "alot/note.h"
#include "draw.h"

#define RUN_MAX_WITNESSES 16

/* What the service was started with; read-only once the loop runs. */
struct run_config {
	draw_options db;                  /* conninfo, signing_key, seal_key, admin (room: per room) */
	char admin_text[ALOT_UUID_STRLEN]; /* what db.admin points to */
	alot_signing_key *key;            /* signs freeze records */
	alot_signing_key *log_key;        /* signs checkpoints; NULL without --log-key */
	const char *origin;               /* --origin */
	const char *witness_keys[RUN_MAX_WITNESSES];
	const char *witness_commands[RUN_MAX_WITNESSES];
	alot_note_verifier witness_vkeys[RUN_MAX_WITNESSES];
	size_t witnesses;
	const char *publish_dir;          /* --publish; NULL: not published */
	const char *export_dir;           /* --export; NULL: not exported */
	long poll;                        /* --poll, seconds */
	int once;                         /* --once */
	struct beacon_options beacon;     /* --beacon-url, --cacert, --beacon-cert, --beacon-wait */
};

/* How a step ended: the "result" of its JSON line. */
enum run_result { RUN_DONE, RUN_ALREADY, RUN_REFUSED, RUN_ERROR };

/*
 * One JSON line on stdout (run.c): {"time", "room", "step", "result",
 * "detail"}; room may be NULL.  detail is escaped (alot_escape) before
 * jansson quotes it.  In the test build, ALOT_RUN_CRASH_AT=STEP kills the
 * process here, right after step is logged as done or already.
 */
void run_log(const char *room, const char *step, enum run_result result, const char *fmt, ...)
	ALOT_PRINTF(4, 5);

/* 1 once SIGTERM or SIGINT arrived (run.c). */
int run_stopping(void);

/* The read end of the self-pipe the signal handler writes to (run.c): poll it to wake up. */
int run_wake_fd(void);

/* Empty the self-pipe after poll() said it is readable (run.c). */
void run_wake_drain(void);

/*
 * Every step of one room, in order, until one does not end done or
 * already, or a stop was asked for (run_steps.c).  Returns the room's exit
 * code: 0 every step done or already, 1 a step refused, 2 a step could not
 * run.  *abandoned is set when a stop ended a step before it finished.
 * Under the beacon rule, *unwitnessed is set when the room's checkpoint
 * did not get every witness's cosignature; held_by (NULL: none) names an
 * earlier room in that state, and then this room's witness step waits
 * (refused) rather than let the witnesses move past that room's size.
 */
int run_room(PGconn *conn, const struct run_config *cfg, const char *room, const char *held_by,
             int *abandoned, int *unwitnessed);

/*
 * The rooms a scan takes, in order (run_steps.c): every funded, committed
 * room without a draw, those frozen first by their freeze's log index, then
 * by funded_at; then those whose export is pending (run_room() was under
 * way when the service stopped).  *rooms (malloc'd
 * array of malloc'd ids; free with run_rooms_free()).  Returns an alot_code
 * (ALOT_ERR_DB: the query failed, printed).
 */
alot_code run_scan(PGconn *conn, const struct run_config *cfg, char ***rooms, size_t *n);
void run_rooms_free(char **rooms, size_t n);

#endif /* ALOT_DRAW_RUN_H */
