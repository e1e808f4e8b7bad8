/*
 * cli.h - helpers shared by the three command-line tools (not part of
 * libalot's public API: libalot itself never prints).
 *
 * Diagnostics follow the PostgreSQL client tools: "prog: message" on
 * stderr, lowercase, no trailing period, then optional "prog: detail: ..."
 * and "prog: hint: ..." lines.
 */
#ifndef ALOT_CLI_H
#define ALOT_CLI_H

#include <stddef.h>

#include "alot/error.h"
#include "alot/exit.h"

/* Set the program name used as the prefix of every diagnostic. */
void cli_set_progname(const char *argv0);
const char *cli_progname(void);

/* "prog: <message>" on stderr. */
void cli_error(const char *fmt, ...) ALOT_PRINTF(1, 2);
/* "prog: detail: <message>" on stderr. */
void cli_detail(const char *fmt, ...) ALOT_PRINTF(1, 2);
/* "prog: hint: <message>" on stderr. */
void cli_hint(const char *fmt, ...) ALOT_PRINTF(1, 2);

/* Print err's message and, when set, its detail line. */
void cli_report(const alot_error *err);

/* The "Try \"prog --help\" for more information." line after a usage error. */
void cli_try_help(void);

/*
 * A command's --help and --version, wherever they stand before "--" in
 * argv (getopt_long would reject them beside a missing required option):
 * prints usage or the version, sets *rc and returns 1; else returns 0.
 * Also makes argv[0] the program's name, which getopt uses in its messages.
 */
int cli_command_preamble(int argc, char **argv, const char *usage, int *rc);

/* A command of a tool with commands, and the function that runs it. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
};

/*
 * Run the command argv[1] names, from the n in commands, with argv from
 * there; or handle --help/-? (print usage) and --version/-V.  what names
 * a command in the errors ("command", "log subcommand").  Returns the
 * exit code.
 */
int cli_dispatch(int argc, char **argv, const char *usage, const char *what,
                 const struct cli_command *commands, size_t n);

/* After a usage error: the "Try ..." line, and ALOT_EXIT_ERROR. */
int cli_usage_error(void);

/* Map a libalot error code to the exit-code contract. */
alot_exit cli_exit_for(alot_code code);

#endif /* ALOT_CLI_H */
