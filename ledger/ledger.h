/*
 * ledger.h - alot-ledger's internal interface: the checks, the audit
 * context they run in, and the sink that collects their findings.
 */
#ifndef ALOT_LEDGER_H
#define ALOT_LEDGER_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "alot/crypto.h"
#include "alot/error.h"
#include "cli/cli.h"
#include "scan.h"

/* The checks, in report order (checks.c defines them in this order). */
enum check_id {
	CK_CREDIT_ARITHMETIC, CK_CREDIT_CHAIN, CK_CREDIT_NEGATIVE, CK_CREDIT_BALANCE,
	CK_CREDIT_TOTALS, CK_CREDIT_MISSING_ACCOUNT, CK_CREDIT_UNKNOWN_TYPE, CK_CREDIT_TYPES, CK_CREDIT_REFERENCES,
	CK_CREDIT_DATES,
	CK_ROOM_COVERAGE, CK_ROOM_COUNTERS, CK_ROOM_FUNDING, CK_ROOM_TIMESTAMPS, CK_ROOM_DATES,
	CK_PURCHASE_CASH, CK_PURCHASE_REFUNDS, CK_PURCHASE_DRAWN_REFUND,
	CK_DRAW_WINNER, CK_DRAW_TICKET, CK_DRAW_REVEALS, CK_DRAW_PROTOCOL, CK_USER_STATS,
	CHECK_COUNT
};

/* Whose rows a check's findings are about: its scan nominates these keys. */
typedef enum key_kind { KEY_USER, KEY_ROOM } key_kind;

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

/*
 * The users or rooms the scan nominates for one check: the check's SQL then
 * runs for them alone.  Past CANDIDATES_MAX keys, "all" is set and the
 * check runs over everything instead.
 */
#define CANDIDATES_MAX 50000
typedef struct candidates {
	table keys;               /* slot_head slots */
	int all;
} candidates;

/* Everything the checks share; the sink is safe to use from every job. */
typedef struct audit {
	const char *users;         /* --user scope as a uuid[] literal, or NULL */
	const char *rooms;         /* --room scope as a uuid[] literal, or NULL */
	const alot_public_key *pubkey; /* --pubkey, or NULL */
	int has_protocol;          /* lottery_draws.record exists (migration 0010) */
	/*
	 * The snapshot's time, that no row may be dated after (rule B5): the
	 * later of the server's local time and UTC (docs/ledger.md says why),
	 * in microseconds since 2000-01-01 as a timestamp's binary form, and
	 * as text; the checks' queries read it as SNAPSHOT_TIME.
	 */
	int64_t snapshot_us;
	char snapshot_time[40];
	output_format format;
	pthread_mutex_t lock;
	check_tally *tallies;      /* one per check, in check order */
	unsigned long total;
	unsigned long unprinted;   /* JSON findings that could not be printed (out of memory) */
	json_t *seen;              /* with --user and --room both, or when the scan's keys are confirmed: the
	                            * findings reported (of every check, or of the two-keyed ones), or NULL */
} audit;

/*
 * A check runs over the rows of the users and rooms its scope names: each a
 * uuid[] literal ("{...}"), or NULL for all of them.  A user-keyed check
 * finds nothing when only rooms are named, and a room-keyed one nothing
 * when only users are.
 */
typedef struct scope {
	const char *users;
	const char *rooms;
} scope;

typedef struct check check;
typedef alot_code (*check_fn)(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err);

struct check {
	const char *name;       /* stable: see docs/ledger.md */
	const char *group;      /* credits, rooms, purchases, draws, users */
	const char *title;
	key_kind key;
	const char *sql;        /* a query of findings, or NULL */
	check_fn run;           /* a C check, or run_sql_check for sql */
	size_t index;
	int two_keyed;          /* one finding can be reached from two keys (a transaction of one user that
	                         * charges another's entry): its confirmed findings are reported once */
};

extern check checks[];
extern const size_t check_count;

#ifdef ALOT_TEST_HOOKS
/*
 * Test builds only: how many findings this thread's queries found so far, so
 * that ALOT_LEDGER_TEST_DROPS can tell a confirmation that found nothing
 * (ledger/build.mk).
 */
unsigned long reported_by_this_thread(void);
#endif

/* Scan statistics, for --verbose. */
typedef struct scan_stats {
	unsigned passes, tables;
	uint64_t rows;
	size_t state_bytes;       /* the largest pass's tables */
	uint64_t unordered_users; /* users whose transactions came out of time order */
	double seconds;
} scan_stats;

/*
 * The scan: every table once per pass, by binary COPY on conn, nominating
 * into cand[CHECK_COUNT] the users and rooms each selected check must be
 * confirmed for.  memory_limit is the state a pass aims at, planned from
 * the tables' estimated sizes: past it, users and rooms are split between
 * several passes.
 */
alot_code scan_database(audit *a, PGconn *conn, const int *selected, size_t memory_limit,
                        int progress, candidates *cand, scan_stats *stats, alot_error *err) ALOT_WARN_UNUSED;
/* The COPY statements the scan runs, one per line, for --explain and the benchmark. */
void scan_print_statements(FILE *out);
void pause_if_asked(void);

/* Record a finding (thread-safe): tallies it and, in JSON, prints it. */
void report_finding(audit *a, const check *c, const finding *f);
void print_report(const audit *a, const int *selected);

alot_code run_sql_check(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err);
alot_code check_credit_chain(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err);
alot_code check_draw_protocol(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err);

/*
 * Run sql with the scope as parameters ($1 users, $2 rooms) in single-row
 * mode, calling row() for each row; memory stays one row.
 */
typedef alot_code (*row_fn)(PGresult *row, void *arg, alot_error *err);

/* Is a failed result (res may be NULL) a lost connection rather than an error of the query? */
int connection_lost(const PGresult *res);
/* Set err to "connection to the database lost", with libpq's reason as detail; returns ALOT_ERR_DB. */
alot_code lost_connection(PGconn *conn, alot_error *err);
alot_code stream_query(PGconn *conn, const char *sql, const scope *s, row_fn row, void *arg,
                       alot_error *err);
/* The same with the caller's parameters. */
alot_code stream_params(PGconn *conn, const char *sql, int nparams, const char *const *params,
                        row_fn row, void *arg, alot_error *err);

#endif /* ALOT_LEDGER_H */
