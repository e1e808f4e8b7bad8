/*
 * main.c - alot-ledger: the read-only audit of a live ALOT! database.
 * Every check reads one consistent snapshot (REPEATABLE READ, READ ONLY);
 * with --jobs N, N connections share it through pg_export_snapshot().
 * By default the audit scans every table once (scan.c) and then confirms
 * the users and rooms the scan nominated with each check's own query,
 * spread over the connections; --engine=sql, or a --user or --room scope,
 * runs every check's query instead (--user and --room together: the union
 * of both audits).  It audits only from a read-only session (every
 * connection's default_transaction_read_only on, unless --allow-writable),
 * and never reports an audit of nothing as clean: no check left, or a
 * --user or --room that names no row, exits 2.  docs/ledger.md documents
 * every check.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/protocol.h"
#include "alot/text.h"
#include "ledger.h"

#define MAX_JOBS 32

static const char usage[] =
	"alot-ledger audits the credit ledger, rooms, purchases and draws of an ALOT! database.\n"
	"\n"
	"Usage:\n"
	"  alot-ledger [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -j, --jobs=N            use N connections sharing one snapshot (default 1)\n"
	"      --engine=ENGINE     scan (one pass over every table, then each check's query\n"
	"                          for what the scan nominated; the default) or sql (each\n"
	"                          check's query over everything)\n"
	"  -m, --memory-limit=SIZE bound the scan's state (default 1G; k, M, G suffixes);\n"
	"                          a larger database is scanned in several passes\n"
	"      --check=NAME        run only this check (repeatable)\n"
	"      --skip=NAME         do not run this check (repeatable)\n"
	"      --user=ID           only this user's credits, entries and stats\n"
	"      --room=ID           only this room's tickets, purchases and draw; with --user,\n"
	"                          both: the findings of either audit (the union)\n"
	"      --allow-writable    audit from a session that can write (by default the\n"
	"                          session must be read-only: default_transaction_read_only)\n"
	"  -k, --pubkey=FILE       also check draw signatures against this public key\n"
	"  -f, --format=FORMAT     text (a report by check, default) or json (one finding per line)\n"
	"  -P, --progress          show progress on stderr (default: when stderr is a terminal)\n"
	"  -v, --verbose           say on stderr what the scan read and nominated\n"
	"      --explain           print the COPY statements the scan runs, then exit\n"
	"      --list-checks       list the checks, then exit\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Exit status: 0 clean, 1 findings, 2 the audit could not run.\n";

#define CONFIRM_BATCH 2000  /* keys per confirming query */

typedef enum engine { ENGINE_SCAN, ENGINE_SQL } engine;

struct options {
	const char *conninfo;
	int jobs;
	int progress;
	int verbose;
	int allow_writable;
	engine engine;
	size_t memory_limit;
	const char *pubkey_file;
	int selected[CHECK_COUNT];
	char users[ALOT_UUID_STRLEN + 2];
	char rooms[ALOT_UUID_STRLEN + 2];
};

/* One query to run: a check over a scope; keys owns the scope's array literal. */
struct task {
	const check *c;
	scope s;
	char *keys;
	int recheck_only;   /* every key of keys was only re-checked, none suspected (CAND_SUSPECT) */
};

struct job_queue {
	audit *a;
	struct task *tasks;
	size_t ntasks, next, done;
	pthread_mutex_t lock;
	int failed;
	alot_error err;
	int progress;
};

struct worker {
	struct job_queue *q;
	PGconn *conn;
};

static const check *
find_check(const char *name)
{
	size_t i;

	for (i = 0; i < check_count; i++)
		if (strcmp(checks[i].name, name) == 0)
			return &checks[i];
	return NULL;
}

static void
fail_queue(struct job_queue *q, const alot_error *err, const char *what)
{
	pthread_mutex_lock(&q->lock);
	if (!q->failed) {
		q->failed = 1;
		q->err = *err;
		alot_error_prefix(&q->err, "%s", what);
	}
	pthread_mutex_unlock(&q->lock);
}

#ifdef ALOT_TEST_HOOKS
/* Test builds only: ALOT_LEDGER_TEST_DROPS=1 reports each nomination the confirmation drops. */
static int
test_drops(void)
{
	const char *v = getenv("ALOT_LEDGER_TEST_DROPS");

	return v != NULL && strcmp(v, "1") == 0;
}

static void
report_if_dropped(const struct task *t, unsigned long before)
{
	if (test_drops() && t->keys != NULL && reported_by_this_thread() == before)
		cli_error("test: %s: the %s of %s %s found nothing", t->c->name,
		          t->recheck_only ? "re-check" : "nomination", t->c->key == KEY_USER ? "user" : "room", t->keys);
}
#endif

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct job_queue *q = w->q;
	alot_error err;
#ifdef ALOT_TEST_HOOKS
	unsigned long before;
#endif

	for (;;) {
		struct task *t;

		pthread_mutex_lock(&q->lock);
		t = q->next < q->ntasks && !q->failed ? &q->tasks[q->next++] : NULL;
		pthread_mutex_unlock(&q->lock);
		if (t == NULL)
			break;
#ifdef ALOT_TEST_HOOKS
		before = reported_by_this_thread();
#endif
		if (t->c->run(t->c, q->a, w->conn, &t->s, &err) != ALOT_OK) {
			char what[64];

			snprintf(what, sizeof(what), "check %s", t->c->name);
			fail_queue(q, &err, what);
			break;
		}
#ifdef ALOT_TEST_HOOKS
		report_if_dropped(t, before);
#endif
		pthread_mutex_lock(&q->lock);
		q->done++;
		if (q->progress) {
			unsigned long found;

			pthread_mutex_lock(&q->a->lock);  /* the sink's count is the sink's */
			found = q->a->total;
			pthread_mutex_unlock(&q->a->lock);
			fprintf(stderr, "\ralot-ledger: %zu of %zu queries done, %lu findings   ", q->done, q->ntasks, found);
		}
		pthread_mutex_unlock(&q->lock);
		pause_if_asked();
	}
	return NULL;
}

/* A snapshot id is the server's, "XXXXXXXX-XXXXXXXX-N": checked before it is quoted. */
static int
snapshot_id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)id[i]) && id[i] != '-')
			return 0;
	return 1;
}

static alot_code
begin_snapshot(PGconn *conn, const char *snapshot, alot_error *err)
{
	char sql[128];
	alot_code rc = alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, err);

	/* Scans start at the table's first block, not where a concurrent scan stands. */
	if (rc == ALOT_OK)
		rc = alot_db_command(conn, "SET LOCAL synchronize_seqscans = off", 0, NULL, err);
	if (rc != ALOT_OK || snapshot == NULL)
		return rc;
	/* SET TRANSACTION SNAPSHOT takes no parameters; the id was validated above. */
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	return alot_db_command(conn, sql, 0, NULL, err);
}

/*
 * The snapshot's time (rule B5), read once in the transaction that exports
 * the snapshot: the columns are timestamps without time zone, which the
 * design document writes with NOW() in the session's zone and the draw
 * protocol in UTC, so a row is dated after the snapshot only when it is
 * later than both readings of its time.
 */
static alot_code
read_snapshot_time(PGconn *conn, audit *a, alot_error *err)
{
	PGresult *res;
	alot_code rc;

	if ((rc = alot_db_exec(conn,
	                       "SELECT t::text, (extract(epoch FROM t - timestamp '2000-01-01') * 1000000)::bigint"
	                       "  FROM (SELECT greatest(localtimestamp, now() AT TIME ZONE 'UTC') AS t) x",
	                       0, NULL, &res, err)) != ALOT_OK)
		return rc;
	snprintf(a->snapshot_time, sizeof(a->snapshot_time), "%s", PQgetvalue(res, 0, 0));
	a->snapshot_us = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return ALOT_OK;
}

/* Every connection's queries compare with the same time: SNAPSHOT_TIME reads this setting. */
static alot_code
share_snapshot_time(PGconn *conn, const audit *a, alot_error *err)
{
	const char *params[] = { a->snapshot_time };
	PGresult *res;
	alot_code rc = alot_db_exec(conn, "SELECT pg_catalog.set_config('alot.snapshot_time', $1, true)", 1, params,
	                            &res, err);

	if (rc == ALOT_OK)
		PQclear(res);
	return rc;
}

static alot_code
open_connections(const struct options *o, PGconn **conns, audit *a, alot_error *err)
{
	char snapshot[80] = "";
	PGresult *res;
	alot_code rc;
	int i;

	if ((rc = alot_db_connect(o->conninfo, "alot-ledger", &conns[0], err)) != ALOT_OK ||
	    (rc = begin_snapshot(conns[0], NULL, err)) != ALOT_OK)
		return rc;
	if ((rc = alot_db_exec(conns[0],
	                       "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'"
	                       " AND table_name = 'lottery_draws' AND column_name = 'record'),"
	                       " pg_catalog.pg_export_snapshot()", 0, NULL, &res, err)) != ALOT_OK)
		return rc;
	a->has_protocol = PQgetvalue(res, 0, 0)[0] == 't';
	snprintf(snapshot, sizeof(snapshot), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	if (!snapshot_id_ok(snapshot))
		return alot_error_set(err, ALOT_ERR_DB, "the server exported an unexpected snapshot id");
	if ((rc = read_snapshot_time(conns[0], a, err)) != ALOT_OK)
		return rc;
	if (o->verbose)
		fprintf(stderr, "alot-ledger: the snapshot's time is %s: no row may be dated after it\n", a->snapshot_time);
	for (i = 1; i < o->jobs; i++)
		if ((rc = alot_db_connect(o->conninfo, "alot-ledger", &conns[i], err)) != ALOT_OK ||
		    (rc = begin_snapshot(conns[i], snapshot, err)) != ALOT_OK)
			return rc;
	for (i = 0; i < o->jobs; i++)
		if ((rc = share_snapshot_time(conns[i], a, err)) != ALOT_OK)
			return rc;
	return ALOT_OK;
}

/* "512M", "1G", "65536": a size in bytes; 0 when invalid. */
static size_t
parse_size(const char *text)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	int shift = 0;

	if (end == text || text[0] == '-')
		return 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'B')
		end++;
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return 0;
	return (size_t)(v << shift);
}

static int
parse_scope(int opt, const char *arg, struct options *o, audit *a)
{
	alot_uuid id;
	char text[ALOT_UUID_STRLEN];

	/* Any case, as PostgreSQL takes it; normalised, as the findings print ids. */
	if (alot_uuid_parse_any_case(arg, &id) != ALOT_OK) {
		cli_error("invalid value \"%s\" for option --%s: not a UUID", arg, opt == 3 ? "user" : "room");
		return 0;
	}
	alot_uuid_format(&id, text);
	/* A one-element uuid[] literal: the form every check's query takes. */
	if (opt == 3) {
		snprintf(o->users, sizeof(o->users), "{%s}", text);
		a->users = o->users;
	} else {
		snprintf(o->rooms, sizeof(o->rooms), "{%s}", text);
		a->rooms = o->rooms;
	}
	return 1;
}

static int
parse_check(int opt, const char *arg, struct options *o, int *chosen, int *skipped)
{
	const check *ch = find_check(arg);

	if (ch == NULL) {
		cli_error("unknown check \"%s\"", arg);
		cli_hint("\"alot-ledger --list-checks\" lists the checks");
		return 0;
	}
	if (opt == 1) {
		o->selected[ch->index] = 1;
		*chosen = 1;
	} else {
		skipped[ch->index] = 1;
	}
	return 1;
}

static int
parse_args(int argc, char **argv, struct options *o, audit *a)
{
	static const struct option long_options[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "check", required_argument, NULL, 1 },
		{ "skip", required_argument, NULL, 2 },
		{ "user", required_argument, NULL, 3 },
		{ "room", required_argument, NULL, 4 },
		{ "engine", required_argument, NULL, 5 },
		{ "memory-limit", required_argument, NULL, 'm' },
		{ "pubkey", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "progress", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "allow-writable", no_argument, NULL, 6 },
		{ NULL, 0, NULL, 0 }
	};
	int c, chosen = 0, skipped[CHECK_COUNT] = { 0 };
	size_t i;

	while ((c = getopt_long(argc, argv, "d:j:k:f:m:Pv", long_options, NULL)) != -1) {
		switch (c) {
		case 'd': o->conninfo = optarg; break;
		case 'k': o->pubkey_file = optarg; break;
		case 'P': o->progress = 1; break;
		case 'v': o->verbose = 1; break;
		case 6: o->allow_writable = 1; break;
		case 'j':
			o->jobs = atoi(optarg);
			if (o->jobs < 1 || o->jobs > MAX_JOBS) {
				cli_error("invalid value \"%s\" for option --jobs: give 1 to %d", optarg, MAX_JOBS);
				return 0;
			}
			break;
		case 'm':
			if ((o->memory_limit = parse_size(optarg)) < 1024) {
				cli_error("invalid value \"%s\" for option --memory-limit: give a size of at least 1k,"
				          " such as 512M or 2G", optarg);
				return 0;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				cli_error("invalid value \"%s\" for option --format: use text or json", optarg);
				return 0;
			}
			a->format = strcmp(optarg, "json") == 0 ? FORMAT_JSON : FORMAT_TEXT;
			break;
		case 5:
			if (strcmp(optarg, "scan") != 0 && strcmp(optarg, "sql") != 0) {
				cli_error("invalid value \"%s\" for option --engine: use scan or sql", optarg);
				return 0;
			}
			o->engine = strcmp(optarg, "sql") == 0 ? ENGINE_SQL : ENGINE_SCAN;
			break;
		case 1:
		case 2:
			if (!parse_check(c, optarg, o, &chosen, skipped))
				return 0;
			break;
		case 3:
		case 4:
			if (!parse_scope(c, optarg, o, a))
				return 0;
			break;
		default:
			return 0;
		}
	}
	if (optind < argc) {
		cli_error("too many arguments");
		return 0;
	}
	for (i = 0; i < check_count; i++)
		o->selected[i] = (chosen ? o->selected[i] : 1) && !skipped[i];
	return 1;
}

/* Does --check and --skip leave any check to run? */
static int
any_selected(const struct options *o)
{
	size_t i;

	for (i = 0; i < check_count; i++)
		if (o->selected[i])
			return 1;
	return 0;
}

static int
handle_info_options(int argc, char **argv, int *rc)
{
	size_t i;
	int k;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-?") == 0) {
			fputs(usage, stdout);
			break;
		}
		if (strcmp(argv[k], "--version") == 0 || strcmp(argv[k], "-V") == 0) {
			puts("alot-ledger (ALOT!) " ALOT_VERSION);
			break;
		}
		if (strcmp(argv[k], "--list-checks") == 0) {
			for (i = 0; i < check_count; i++)
				printf("%-24s %-10s %s\n", checks[i].name, checks[i].group, checks[i].title);
			break;
		}
		if (strcmp(argv[k], "--explain") == 0) {
			scan_print_statements(stdout);
			break;
		}
	}
	*rc = ALOT_EXIT_OK;
	return k < argc;
}

/* ---- the tasks ------------------------------------------------------------- */

static int
add_task(struct job_queue *q, size_t *cap, const check *c, const char *users, const char *rooms, char *keys)
{
	if (q->ntasks == *cap) {
		struct task *t = realloc(q->tasks, (*cap = *cap * 2 + 16) * sizeof(*t));

		if (t == NULL) {
			free(keys);
			return 0;
		}
		q->tasks = t;
	}
	q->tasks[q->ntasks++] = (struct task){ c, { users, rooms }, keys, 0 };
	return 1;
}

/* A testing aid: ALOT_LEDGER_CONFIRM_BATCH=N confirms N keys per query. */
static size_t
confirm_batch(void)
{
	const char *v = getenv("ALOT_LEDGER_CONFIRM_BATCH");
	long n = v != NULL ? atol(v) : 0;

#ifdef ALOT_TEST_HOOKS
	if (test_drops())
		return 1;  /* one key a query: a query that finds nothing names its key */
#endif

	return n > 0 && n < CONFIRM_BATCH ? (size_t)n : CONFIRM_BATCH;
}

/* Close the uuid[] literal of len characters and queue it as c's scope (users or rooms). */
static int
add_batch(struct job_queue *q, size_t *cap, const check *c, char *lit, size_t len, int suspected)
{
	lit[len++] = '}';
	lit[len] = '\0';
	if (!add_task(q, cap, c, c->key == KEY_USER ? lit : NULL, c->key == KEY_ROOM ? lit : NULL, lit))
		return 0;
	q->tasks[q->ntasks - 1].recheck_only = !suspected;
	return 1;
}

/* The nominated keys of c, confirm_batch() to a task, as uuid[] literals. */
static int
add_confirmations(struct job_queue *q, size_t *cap, const check *c, const candidates *cand)
{
	size_t batch = confirm_batch(), i = 0, n = 0, len = 0, room = batch * (ALOT_UUID_STRLEN + 1) + 3;
	char *lit = NULL;
	slot_head *k;
	int suspected = 0;

	while ((k = table_next(&cand->keys, &i)) != NULL) {
		alot_uuid id;

		if (lit == NULL && (lit = malloc(room)) == NULL)
			return 0;
		memcpy(id.b, k->key, 16);
		lit[len++] = n == 0 ? '{' : ',';
		alot_uuid_format(&id, lit + len);
		len += ALOT_UUID_STRLEN - 1;
		suspected |= (k->flags & CAND_SUSPECT) != 0;
		if (++n == batch) {
			if (!add_batch(q, cap, c, lit, len, suspected))
				return 0;
			lit = NULL;
			n = len = suspected = 0;
		}
	}
	return lit == NULL || add_batch(q, cap, c, lit, len, suspected);
}

static void
say_nominated(const check *c, const candidates *cand)
{
	const char *what = c->key == KEY_USER ? "user" : "room";
	size_t n = cand->keys.count;

	if (cand->all)
		cli_error("confirm %s: all %ss (too many nominated to list)", c->name, what);
	else if (n > 0)
		cli_error("confirm %s: %zu %s%s", c->name, n, what, n == 1 ? "" : "s");
}

/* After the scan: one task per batch of nominated keys, or for all keys. */
static int
plan_confirmations(struct job_queue *q, const struct options *o, const candidates *cand)
{
	size_t cap = 0, i;

	for (i = 0; i < check_count; i++) {
		if (!o->selected[i] || i == CK_DRAW_PROTOCOL)
			continue;
		if (o->verbose)
			say_nominated(&checks[i], &cand[i]);
		if (cand[i].all ? !add_task(q, &cap, &checks[i], NULL, NULL, NULL)
		                : !add_confirmations(q, &cap, &checks[i], &cand[i]))
			return 0;
	}
	return 1;
}

/*
 * Every selected check over the audit's scope.  --user and --room together
 * are the union of the two audits: each check runs over the user's rows and
 * over the room's, and a finding both name is reported once (audit.seen).
 */
static int
plan_queries(struct job_queue *q, const struct options *o, const audit *a)
{
	size_t cap = 0, i;

	for (i = 0; i < check_count; i++) {
		if (!o->selected[i])
			continue;
		if (a->users != NULL && a->rooms != NULL) {
			if (!add_task(q, &cap, &checks[i], a->users, NULL, NULL) ||
			    !add_task(q, &cap, &checks[i], NULL, a->rooms, NULL))
				return 0;
		} else if (!add_task(q, &cap, &checks[i], a->users, a->rooms, NULL)) {
			return 0;
		}
	}
	return 1;
}

/* One worker per connection; the first works in this thread, so the queue is emptied even if none can start. */
static void
run_tasks(struct job_queue *q, PGconn **conns, int n)
{
	pthread_t threads[MAX_JOBS];
	struct worker workers[MAX_JOBS];
	int started[MAX_JOBS] = { 0 }, i;

	for (i = 0; i < n; i++) {
		workers[i].q = q;
		workers[i].conn = conns[i];
		if (i > 0)
			started[i] = pthread_create(&threads[i], NULL, work, &workers[i]) == 0;
	}
	work(&workers[0]);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
}

/* ---- the scan, with draw-protocol beside it on a second connection --------------- */

enum { FAILED_NONE, FAILED_SCAN, FAILED_DRAWS };

struct scan_job {
	audit *a;
	PGconn *conn;
	const struct options *o;
	candidates *cand;
	PGcancel *other;  /* the draw-protocol connection, cancelled if the scan fails */
	atomic_int first_failure;  /* FAILED_SCAN or FAILED_DRAWS: whose error is the cause */
	scan_stats stats;
	alot_code rc;
	alot_error err;
};

static void
cancel(PGcancel *c)
{
	char errbuf[256];

	if (c != NULL)
		(void)PQcancel(c, errbuf, sizeof(errbuf));
}

static void *
scan_thread(void *arg)
{
	struct scan_job *j = arg;

	j->rc = scan_database(j->a, j->conn, j->o->selected, j->o->memory_limit, j->o->progress, j->cand,
	                      &j->stats, &j->err);
	if (j->rc != ALOT_OK) {
		int none = FAILED_NONE;

		atomic_compare_exchange_strong(&j->first_failure, &none, FAILED_SCAN);
		cancel(j->other);  /* an audit that cannot finish need not wait for the draws */
	}
	return NULL;
}

static void
say_scanned(const scan_stats *st)
{
	int mb = st->state_bytes >= ((size_t)1 << 20);

	cli_error("scan: %u pass%s over %u tables, %llu rows in %.2f s, %.1f %s of state", st->passes,
	          st->passes == 1 ? "" : "es", st->tables, (unsigned long long)st->rows, st->seconds,
	          (double)st->state_bytes / (mb ? 1 << 20 : 1 << 10), mb ? "MB" : "kB");
	if (st->unordered_users > 0)
		cli_error("scan: %llu user%s transactions came out of time order: %s walked in order",
		          (unsigned long long)st->unordered_users, st->unordered_users == 1 ? "'s" : "s'",
		          st->unordered_users == 1 ? "the chain is" : "their chains are");
}

/* draw-protocol over every draw; on failure, the scan (if it runs beside) is cancelled. */
static alot_code
run_draw_protocol(struct scan_job *job, PGconn *conn, PGcancel *scan_conn, alot_error *err)
{
	const check *proto = &checks[CK_DRAW_PROTOCOL];
	scope all = { NULL, NULL };
	alot_code rc = proto->run(proto, job->a, conn, &all, err);

	if (rc != ALOT_OK) {
		int none = FAILED_NONE;

		atomic_compare_exchange_strong(&job->first_failure, &none, FAILED_DRAWS);
		cancel(scan_conn);
	}
	return rc;
}

/*
 * The scan, and draw-protocol beside it on the second connection when there
 * is one.  If either fails the other is cancelled, and the error reported
 * is the one that came first, not the cancellation it caused.
 */
static void
scan_phase(struct job_queue *q, const struct options *o, PGconn **conns, candidates *cand)
{
	struct scan_job job = { q->a, conns[0], o, cand, NULL, FAILED_NONE, { 0 }, ALOT_OK, { 0 } };
	int proto = o->selected[CK_DRAW_PROTOCOL], beside = proto && o->jobs > 1, threaded = 0;
	alot_code draws_rc = ALOT_OK;
	alot_error draws_err;
	PGcancel *scan_conn = NULL;
	pthread_t t;

	if (beside) {
		job.other = PQgetCancel(conns[1]);
		scan_conn = PQgetCancel(conns[0]);
		threaded = pthread_create(&t, NULL, scan_thread, &job) == 0;
		draws_rc = run_draw_protocol(&job, conns[1], threaded ? scan_conn : NULL, &draws_err);
		if (threaded)
			pthread_join(t, NULL);
		else if (draws_rc == ALOT_OK)  /* no thread to be had: the scan after the draws */
			scan_thread(&job);
	} else {
		scan_thread(&job);
		if (job.rc == ALOT_OK && proto)
			draws_rc = run_draw_protocol(&job, conns[0], NULL, &draws_err);
	}
	PQfreeCancel(job.other);
	PQfreeCancel(scan_conn);
	if (o->progress)
		fputc('\n', stderr);
	if (atomic_load(&job.first_failure) == FAILED_SCAN)
		fail_queue(q, &job.err, "scan");
	if (draws_rc != ALOT_OK)
		fail_queue(q, &draws_err, "check draw-protocol");
	if (job.rc != ALOT_OK)
		fail_queue(q, &job.err, "scan");
	if (!q->failed && o->verbose)
		say_scanned(&job.stats);
}

/* The scan serves every check but draw-protocol, which reads the draws on its own. */
static int
needs_scan(const struct options *o, const audit *a)
{
	size_t i;

	if (o->engine != ENGINE_SCAN || a->users != NULL || a->rooms != NULL)
		return 0;
	for (i = 0; i < check_count; i++)
		if (o->selected[i] && i != CK_DRAW_PROTOCOL)
			return 1;
	return 0;
}

/* A diagnostic of the server's may quote database values: escaped like them. */
static void
report_error(const alot_error *err)
{
	alot_error e = *err;

	(void)alot_escape(err->message, strlen(err->message), e.message, sizeof(e.message));
	(void)alot_escape(err->detail, strlen(err->detail), e.detail, sizeof(e.detail));
	cli_report(&e);
}

/*
 * The audit never reads from a session that can write: every connection's
 * default_transaction_read_only must be on (set for the login role, the
 * database, or in the connection's options) and the audit's transaction
 * READ ONLY, unless --allow-writable.  0 when refused (said on stderr).
 */
static int
sessions_read_only(const struct options *o, PGconn **conns, alot_error *err)
{
	PGresult *res;
	int i;

	for (i = 0; i < o->jobs; i++) {
		int dflt, tx;
		char *role;

		if (alot_db_exec(conns[i], "SELECT current_setting('default_transaction_read_only') = 'on',"
		                           " current_setting('transaction_read_only') = 'on', session_user",
		                 0, NULL, &res, err) != ALOT_OK) {
			report_error(err);
			return 0;
		}
		dflt = PQgetvalue(res, 0, 0)[0] == 't';
		tx = PQgetvalue(res, 0, 1)[0] == 't';
		role = alot_escaped(PQgetvalue(res, 0, 2));
		PQclear(res);
		if (!tx || (!dflt && !o->allow_writable)) {
			cli_error("the session of role \"%s\" can write (default_transaction_read_only is off):"
			          " the audit runs only from a read-only session", role ? role : "?");
			cli_hint("log in as a role set read-only (ALTER ROLE %s SET default_transaction_read_only = on;"
			         " see docs/ledger.md), or give --allow-writable", role ? role : "...");
			free(role);
			return 0;
		}
		free(role);
	}
	return 1;
}

/* Does the --user or --room id name any row?  -1 when the query failed. */
static int
scope_exists(PGconn *conn, const char *literal, int user, alot_error *err)
{
	static const char user_sql[] =
		"SELECT EXISTS (SELECT 1 FROM users WHERE id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM user_universal_credits WHERE user_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM credit_transactions WHERE user_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM room_entries WHERE user_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM room_entry_purchases WHERE user_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM lottery_draws WHERE winner_user_id = ANY($1::uuid[]))";
	static const char room_sql[] =
		"SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM room_entries WHERE room_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM room_entry_purchases WHERE room_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM lottery_draws WHERE room_id = ANY($1::uuid[]))"
		"    OR EXISTS (SELECT 1 FROM credit_transactions WHERE room_id = ANY($1::uuid[]))";
	const char *params[] = { literal };
	PGresult *res;
	int found;

	if (alot_db_exec(conn, user ? user_sql : room_sql, 1, params, &res, err) != ALOT_OK)
		return -1;
	found = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return found;
}

/* An audit of a --user or --room that names no row would check nothing: refused.  0 when refused. */
static int
scopes_exist(PGconn *conn, const audit *a, alot_error *err)
{
	int k;

	for (k = 0; k < 2; k++) {
		const char *lit = k == 0 ? a->users : a->rooms;
		int found;
		char id[ALOT_UUID_STRLEN + 1];

		if (lit == NULL)
			continue;
		if ((found = scope_exists(conn, lit, k == 0, err)) < 0) {
			report_error(err);
			return 0;
		}
		if (!found) {
			snprintf(id, sizeof(id), "%.*s", (int)(strlen(lit) - 2), lit + 1);  /* "{id}" */
			cli_error("--%s %s: no such %s: nothing to audit", k == 0 ? "user" : "room", id,
			          k == 0 ? "user" : "room");
			return 0;
		}
	}
	return 1;
}

static int
run_audit(struct options *o, audit *a)
{
	PGconn *conns[MAX_JOBS] = { 0 };
	candidates cand[CHECK_COUNT];
	struct job_queue q;
	alot_error err;
	int i, rc, scanning = needs_scan(o, a);
	size_t k;

	memset(&q, 0, sizeof(q));
	memset(cand, 0, sizeof(cand));
	q.a = a;
	q.progress = o->progress;
	pthread_mutex_init(&q.lock, NULL);
	if (open_connections(o, conns, a, &err) != ALOT_OK) {
		report_error(&err);
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	if (!sessions_read_only(o, conns, &err) || !scopes_exist(conns[0], a, &err)) {
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	/* Both scopes overlap, and so do the confirmations of a check whose finding two keys reach. */
	if (((a->users != NULL && a->rooms != NULL) || scanning) && (a->seen = json_object()) == NULL) {
		cli_error("out of memory");
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	if (scanning)
		scan_phase(&q, o, conns, cand);
	if (!q.failed && !(scanning ? plan_confirmations(&q, o, cand) : plan_queries(&q, o, a))) {
		err = (alot_error){ ALOT_ERR_NOMEM, "out of memory", "" };
		fail_queue(&q, &err, "planning the queries");
	}
	if (!q.failed)
		run_tasks(&q, conns, o->jobs);
	if (o->progress && q.ntasks > 0)
		fputc('\n', stderr);
	if (q.failed) {
		/* Never a partial "clean": an audit that did not finish could not run. */
		report_error(&q.err);
		cli_detail("the audit did not finish; %lu findings so far are not a complete result", a->total);
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	if (a->unprinted > 0) {
		cli_error("out of memory: %lu of %lu findings could not be printed", a->unprinted, a->total);
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	print_report(a, o->selected);
	rc = a->total == 0 ? ALOT_EXIT_OK : ALOT_EXIT_FAILED;
out:
	for (i = 0; i < o->jobs; i++)
		PQfinish(conns[i]);
	for (k = 0; k < q.ntasks; k++)
		free(q.tasks[k].keys);
	free(q.tasks);
	for (k = 0; k < CHECK_COUNT; k++)
		table_free(&cand[k].keys);
	pthread_mutex_destroy(&q.lock);
	json_decref(a->seen);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	audit a;
	alot_public_key pubkey;
	alot_error err;
	check_tally *tallies;
	int rc;
	size_t i;

	cli_set_progname(argv[0]);
	if (handle_info_options(argc, argv, &rc))
		return rc;
	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	o.jobs = 1;
	o.memory_limit = (size_t)1 << 30;
	o.progress = isatty(STDERR_FILENO);
	for (i = 0; i < check_count; i++)
		checks[i].index = i;
	if (!parse_args(argc, argv, &o, &a)) {
		cli_try_help();
		return ALOT_EXIT_ERROR;
	}
	if (!any_selected(&o)) {
		cli_error("--check and --skip leave no check to run: nothing to audit");
		return ALOT_EXIT_ERROR;
	}
	if (o.pubkey_file != NULL) {
		if (alot_public_key_load(o.pubkey_file, &pubkey, &err) != ALOT_OK) {
			cli_report(&err);
			return ALOT_EXIT_ERROR;
		}
		a.pubkey = &pubkey;
	}
	if ((tallies = calloc(check_count, sizeof(*tallies))) == NULL) {
		cli_error("out of memory");
		return ALOT_EXIT_ERROR;
	}
	a.tallies = tallies;
	pthread_mutex_init(&a.lock, NULL);
	rc = run_audit(&o, &a);
	pthread_mutex_destroy(&a.lock);
	free(tallies);
	return rc;
}
