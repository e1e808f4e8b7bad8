/*
 * main.c - alot-ledger: the read-only audit of a live ALOT! database.
 * Every check reads one consistent snapshot (REPEATABLE READ, READ ONLY);
 * with --jobs N, N connections share it through pg_export_snapshot() and
 * take checks from one queue.  docs/ledger.md documents every check.
 */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/protocol.h"
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
	"      --check=NAME        run only this check (repeatable)\n"
	"      --skip=NAME         do not run this check (repeatable)\n"
	"      --user=ID           only this user's credits, entries and stats\n"
	"      --room=ID           only this room's tickets, purchases and draw\n"
	"  -k, --pubkey=FILE       also check draw signatures against this public key\n"
	"  -f, --format=FORMAT     text (a report by check, default) or json (one finding per line)\n"
	"  -P, --progress          show progress on stderr (default: when stderr is a terminal)\n"
	"      --list-checks       list the checks, then exit\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Exit status: 0 clean, 1 findings, 2 the audit could not run.\n";

struct options {
	const char *conninfo;
	int jobs;
	int progress;
	const char *pubkey_file;
	int selected[64];
};

struct job_queue {
	audit *a;
	const int *selected;
	pthread_mutex_t lock;
	size_t next;
	size_t done;
	size_t total;
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

/* A testing and debugging aid: stop after the first check until FILE is gone. */
static void
pause_if_asked(void)
{
	static int paused;
	const char *file = getenv("ALOT_LEDGER_PAUSE_AFTER_CHECK");
	int fd, i;

	if (file == NULL || *file == '\0' || paused++)
		return;
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
		close(fd);
	for (i = 0; i < 600 && access(file, F_OK) == 0; i++)
		usleep(100000);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct job_queue *q = w->q;
	alot_error err;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&q->lock);
		while (q->next < check_count && !q->selected[q->next])
			q->next++;
		i = q->next++;
		pthread_mutex_unlock(&q->lock);
		if (i >= check_count || q->failed)
			break;
		if (checks[i].run(&checks[i], q->a, w->conn, &err) != ALOT_OK) {
			pthread_mutex_lock(&q->lock);
			if (!q->failed) {
				q->failed = 1;
				q->err = err;
				alot_error_prefix(&q->err, "check %s", checks[i].name);
			}
			pthread_mutex_unlock(&q->lock);
			break;
		}
		pthread_mutex_lock(&q->lock);
		q->done++;
		if (q->progress)
			fprintf(stderr, "\ralot-ledger: %zu of %zu checks done, %lu findings", q->done, q->total, q->a->total);
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

	if (rc != ALOT_OK || snapshot == NULL)
		return rc;
	/* SET TRANSACTION SNAPSHOT takes no parameters; the id was validated above. */
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	return alot_db_command(conn, sql, 0, NULL, err);
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
	for (i = 1; i < o->jobs; i++)
		if ((rc = alot_db_connect(o->conninfo, "alot-ledger", &conns[i], err)) != ALOT_OK ||
		    (rc = begin_snapshot(conns[i], snapshot, err)) != ALOT_OK)
			return rc;
	return ALOT_OK;
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
		{ "pubkey", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "progress", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int c, chosen = 0, skipped[64] = { 0 };
	const check *ch;
	alot_uuid id;
	size_t i;

	while ((c = getopt_long(argc, argv, "d:j:k:f:P", long_options, NULL)) != -1) {
		switch (c) {
		case 'd': o->conninfo = optarg; break;
		case 'k': o->pubkey_file = optarg; break;
		case 'P': o->progress = 1; break;
		case 'j':
			o->jobs = atoi(optarg);
			if (o->jobs < 1 || o->jobs > MAX_JOBS) {
				cli_error("invalid value \"%s\" for option --jobs: give 1 to %d", optarg, MAX_JOBS);
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
		case 1:
		case 2:
			if ((ch = find_check(optarg)) == NULL) {
				cli_error("unknown check \"%s\"", optarg);
				cli_hint("\"alot-ledger --list-checks\" lists the checks");
				return 0;
			}
			if (c == 1) {
				o->selected[ch->index] = 1;
				chosen = 1;
			} else {
				skipped[ch->index] = 1;
			}
			break;
		case 3:
		case 4:
			if (alot_uuid_parse(optarg, &id, NULL) != ALOT_OK) {
				cli_error("invalid value \"%s\" for option --%s: not a lowercase UUID", optarg,
				          c == 3 ? "user" : "room");
				return 0;
			}
			if (c == 3)
				a->user = optarg;
			else
				a->room = optarg;
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
	}
	*rc = ALOT_EXIT_OK;
	return k < argc;
}

static int
run_audit(struct options *o, audit *a)
{
	PGconn *conns[MAX_JOBS] = { 0 };
	pthread_t threads[MAX_JOBS];
	struct worker workers[MAX_JOBS];
	struct job_queue q;
	alot_error err;
	int i, rc;
	size_t k;

	memset(&q, 0, sizeof(q));
	q.a = a;
	q.selected = o->selected;
	q.progress = o->progress;
	pthread_mutex_init(&q.lock, NULL);
	for (k = 0; k < check_count; k++)
		q.total += (size_t)o->selected[k];
	if (open_connections(o, conns, a, &err) != ALOT_OK) {
		cli_report(&err);
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	for (i = 0; i < o->jobs; i++) {
		workers[i].q = &q;
		workers[i].conn = conns[i];
		pthread_create(&threads[i], NULL, work, &workers[i]);
	}
	for (i = 0; i < o->jobs; i++)
		pthread_join(threads[i], NULL);
	if (o->progress)
		fputc('\n', stderr);
	if (q.failed) {
		/* Never a partial "clean": an audit that did not finish could not run. */
		cli_report(&q.err);
		cli_detail("the audit did not finish; %lu findings so far are not a complete result", a->total);
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	print_report(a, o->selected);
	rc = a->total == 0 ? ALOT_EXIT_OK : ALOT_EXIT_FAILED;
out:
	for (i = 0; i < o->jobs; i++)
		PQfinish(conns[i]);
	pthread_mutex_destroy(&q.lock);
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
	o.progress = isatty(STDERR_FILENO);
	for (i = 0; i < check_count; i++)
		checks[i].index = i;
	if (!parse_args(argc, argv, &o, &a)) {
		cli_try_help();
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
