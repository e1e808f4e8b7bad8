/*
 * ledger.h - alot-ledger's internal interface: the checks, the audit
 * context they run in, and the sink that collects their findings.
 */
#ifndef ALOT_LEDGER_H
#define ALOT_LEDGER_H

#include <pthread.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "alot/crypto.h"
#include "alot/error.h"
#include "cli/cli.h"

/* One inconsistency, where it is, and what was expected. */
typedef struct finding {
	const char *check;
	const char *severity;   /* "error" or "warning" */
	const char *table;
	const char *id;
	const char *expected;
	const char *actual;
	const char *message;
	double amount;          /* money (dollars) or credits at stake; 0 when none */
	const char *unit;       /* "USD", "credits" or NULL */
} finding;

#define MAX_EXAMPLES 5

/* Findings per check: a count, the amount at stake, the first examples. */
typedef struct check_tally {
	unsigned long count;
	double usd;
	double credits;
	char examples[MAX_EXAMPLES][512];
} check_tally;

typedef enum output_format { FORMAT_TEXT, FORMAT_JSON } output_format;

/* Everything the checks share; the sink is safe to use from every job. */
typedef struct audit {
	const char *user;          /* --user scope, or NULL */
	const char *room;          /* --room scope, or NULL */
	const alot_public_key *pubkey; /* --pubkey, or NULL */
	int has_protocol;          /* lottery_draws.record exists (migration 0010) */
	output_format format;
	pthread_mutex_t lock;
	check_tally *tallies;      /* one per check, in check order */
	unsigned long total;
} audit;

typedef struct check check;
typedef alot_code (*check_fn)(const check *c, audit *a, PGconn *conn, alot_error *err);

struct check {
	const char *name;       /* stable: see docs/ledger.md */
	const char *group;      /* credits, rooms, purchases, draws, users */
	const char *title;
	const char *sql;        /* a query of findings, or NULL */
	check_fn run;           /* a C check, or run_sql_check for sql */
	size_t index;
};

extern check checks[];
extern const size_t check_count;

/* Record a finding (thread-safe): tallies it and, in JSON, prints it. */
void report_finding(audit *a, const check *c, const finding *f);
void print_report(const audit *a, const int *selected);

alot_code run_sql_check(const check *c, audit *a, PGconn *conn, alot_error *err);
alot_code check_credit_chain(const check *c, audit *a, PGconn *conn, alot_error *err);
alot_code check_draw_protocol(const check *c, audit *a, PGconn *conn, alot_error *err);

/*
 * Run sql with the scope parameters ($1 user, $2 room) in single-row mode,
 * calling row() for each row; memory stays one row.
 */
typedef alot_code (*row_fn)(PGresult *row, void *arg, alot_error *err);
alot_code stream_query(PGconn *conn, const char *sql, const audit *a, row_fn row, void *arg,
                       alot_error *err);
/* The same with the caller's parameters. */
alot_code stream_params(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        row_fn row, void *arg, alot_error *err);

#endif /* ALOT_LEDGER_H */
