/*
 * alot/exit.h - the exit-code contract shared by alot-draw, alot-verify
 * and alot-ledger.
 */
#ifndef ALOT_EXIT_H
#define ALOT_EXIT_H

typedef enum alot_exit {
	ALOT_EXIT_OK = 0,      /* success, or the content is clean */
	ALOT_EXIT_FAILED = 1,  /* the content failed: a record did not verify,
	                          the audit found problems, a draw was refused */
	ALOT_EXIT_ERROR = 2    /* the tool could not run: usage, I/O, connection */
} alot_exit;

#endif /* ALOT_EXIT_H */
