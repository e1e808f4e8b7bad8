/*
 * run.c - running queries in single-row mode (memory: one row), turning
 * rows into findings, and collecting and printing them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alot/db.h"
#include "alot/text.h"
#include "ledger.h"

/*
 * A failed result is a lost connection when libpq made it up itself (no
 * SQLSTATE: the server closed the socket), or the server said so: class
 * 08 (connection exception) or 57P (shutdown, crash, restart).
 */
int
connection_lost(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	return state == NULL || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0;
}

alot_code
lost_connection(PGconn *conn, alot_error *err)
{
	char why[ALOT_ERROR_DETAIL_MAX];

	snprintf(why, sizeof(why), "%s", PQerrorMessage(conn));
	why[strcspn(why, "\n")] = '\0';
	alot_error_set(err, ALOT_ERR_DB, "connection to the database lost");
	return alot_error_detail(err, "%s", why);
}

static alot_code
stream(PGconn *conn, const char *sql, int nparams, const char *const *params, int typed,
       row_fn row, void *arg, alot_error *err)
{
	PGresult *res;
	alot_code rc = ALOT_OK;

	/* Typed uuid[] (OID 2951) where given, so a query may leave one unused. */
	static const Oid uuid_array[] = { 2951, 2951, 2951 };
	const Oid *types = nparams <= 3 && typed ? uuid_array : NULL;

	if (!PQsendQueryParams(conn, sql, nparams, types, params, NULL, NULL, 0) || !PQsetSingleRowMode(conn))
		return alot_error_set(err, ALOT_ERR_DB, PQstatus(conn) == CONNECTION_BAD ? "connection to the database lost"
		                                                                         : "could not send a query");
	/* Every result is read, even after a failure, so the connection stays usable. */
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && rc == ALOT_OK)
			rc = row(res, arg, err);
		else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == ALOT_OK) {
			if (PQstatus(conn) == CONNECTION_BAD || connection_lost(res))
				rc = lost_connection(conn, err);
			else
				rc = alot_error_set(err, ALOT_ERR_DB, "%s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
				                    ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn));
		}
		PQclear(res);
	}
	if (rc == ALOT_OK && PQstatus(conn) == CONNECTION_BAD)
		rc = lost_connection(conn, err);
	return rc;
}

alot_code
stream_params(PGconn *conn, const char *sql, int nparams, const char *const *params,
              row_fn row, void *arg, alot_error *err)
{
	return stream(conn, sql, nparams, params, 0, row, arg, err);
}

alot_code
stream_query(PGconn *conn, const char *sql, const scope *s, row_fn row, void *arg, alot_error *err)
{
	const char *params[] = { s->users, s->rooms };

	return stream(conn, sql, 2, params, 1, row, arg, err);
}

struct sql_row_ctx {
	const check *c;
	audit *a;
};

static const char *
value(PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : PQgetvalue(res, 0, col);
}

static alot_code
sql_row(PGresult *res, void *arg, alot_error *err)
{
	struct sql_row_ctx *ctx = arg;
	finding f;

	(void)err;
	f.check = ctx->c->name;
	f.table = value(res, 0);
	f.id = value(res, 1);
	f.expected = value(res, 2);
	f.actual = value(res, 3);
	f.message = value(res, 4);
	f.amount = value(res, 5) ? atof(value(res, 5)) : 0;
	f.unit = value(res, 6);
	f.severity = value(res, 7) ? value(res, 7) : "error";
	report_finding(ctx->a, ctx->c, &f);
	return ALOT_OK;
}

alot_code
run_sql_check(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err)
{
	struct sql_row_ctx ctx = { c, a };

	return stream_query(conn, c->sql, s, sql_row, &ctx, err);
}

/*
 * A string for a JSON finding: exactly the database's text when it is
 * valid UTF-8, else its escaped form (alot_escaped(): printable ASCII
 * and UTF-8 only), so that broken bytes never drop a finding.  NULL is
 * null; NULL is returned only when out of memory.
 */
static json_t *
json_text(const char *s)
{
	json_t *v;
	char *esc;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	if ((esc = alot_escaped(s)) == NULL)
		return NULL;
	v = json_string(esc);
	free(esc);
	return v;
}

/* Print one finding as a JSON line; 0 when it could not be (out of memory). */
static int
print_json_finding(const finding *f)
{
	static const char *const names[] = { "check", "severity", "table", "id", "expected", "actual", "message" };
	const char *values[] = { f->check, f->severity, f->table, f->id, f->expected, f->actual, f->message };
	json_t *obj = json_object();
	char *text = NULL;
	size_t i;
	int ok = obj != NULL;

	for (i = 0; ok && i < sizeof(names) / sizeof(names[0]); i++)
		ok = json_object_set_new(obj, names[i], json_text(values[i])) == 0;
	if (ok && f->unit != NULL && f->amount != 0)
		ok = json_object_set_new(obj, "amount", json_real(f->amount)) == 0 &&
		     json_object_set_new(obj, "unit", json_text(f->unit)) == 0;
	if (ok)
		ok = (text = json_dumps(obj, JSON_COMPACT)) != NULL;
	if (ok)
		printf("%s\n", text);
	free(text);
	json_decref(obj);
	return ok;
}

/* Has this finding been reported already?  (Only for an audit that runs its checks over overlapping scopes.) */
static int
seen_before(audit *a, const check *c, const finding *f)
{
	char *key;
	size_t len;
	int seen;

	len = strlen(c->name) + 6 + (f->table ? strlen(f->table) : 0) + (f->id ? strlen(f->id) : 0) +
	      (f->expected ? strlen(f->expected) : 0) + (f->actual ? strlen(f->actual) : 0) +
	      (f->message ? strlen(f->message) : 0) + 1;
	if ((key = malloc(len)) == NULL)
		return 0;  /* out of memory: reported twice rather than lost */
	snprintf(key, len, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", c->name, f->table ? f->table : "",
	         f->id ? f->id : "", f->expected ? f->expected : "", f->actual ? f->actual : "",
	         f->message ? f->message : "");
	seen = json_object_get(a->seen, key) != NULL;
	if (!seen)
		(void)json_object_set_new_nocheck(a->seen, key, json_true());
	free(key);
	return seen;
}

#ifdef ALOT_TEST_HOOKS
static _Thread_local unsigned long reported_here;

unsigned long
reported_by_this_thread(void)
{
	return reported_here;
}
#endif

void
report_finding(audit *a, const check *c, const finding *f)
{
	check_tally *t;

#ifdef ALOT_TEST_HOOKS
	reported_here++;  /* what the query found, reported now or already */
#endif
	pthread_mutex_lock(&a->lock);
	if (a->seen != NULL && ((a->users != NULL && a->rooms != NULL) || c->two_keyed) && seen_before(a, c, f)) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	t = &a->tallies[c->index];
	if (t->count < MAX_EXAMPLES) {
		/* Database text, escaped for the terminal: no control byte or broken UTF-8 reaches it. */
		char raw[2048];
		int n = snprintf(raw, sizeof(raw), "%s %s: %s (expected %s, actual %s)",
		                 f->table ? f->table : "?", f->id ? f->id : "?", f->message ? f->message : "",
		                 f->expected ? f->expected : "NULL", f->actual ? f->actual : "NULL");
		size_t len = n < 0 ? 0 : (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1;

		(void)alot_escape(raw, len, t->examples[t->count], sizeof(t->examples[0]));
	}
	t->count++;
	if (f->unit != NULL && strcmp(f->unit, "USD") == 0)
		t->usd += f->amount;
	else if (f->unit != NULL)
		t->credits += f->amount;
	a->total++;
	if (a->format == FORMAT_JSON && !print_json_finding(f))
		a->unprinted++;
	pthread_mutex_unlock(&a->lock);
}

void
print_report(const audit *a, const int *selected)
{
	unsigned long failing = 0, run = 0;
	size_t i;
	int j;

	if (a->format != FORMAT_TEXT)
		return;
	for (i = 0; i < check_count; i++) {
		const check_tally *t = &a->tallies[i];

		if (!selected[i])
			continue;
		run++;
		if (t->count == 0) {
			printf("ok    %-24s %s\n", checks[i].name, checks[i].title);
			continue;
		}
		failing++;
		printf("FAIL  %-24s %lu finding%s", checks[i].name, t->count, t->count == 1 ? "" : "s");
		if (t->usd != 0)
			printf(", $%.2f involved", t->usd);
		if (t->credits != 0)
			printf(", %.0f credits involved", t->credits);
		printf("\n");
		for (j = 0; j < MAX_EXAMPLES && (unsigned long)j < t->count; j++)
			printf("        %s\n", t->examples[j]);
		if (t->count > MAX_EXAMPLES)
			printf("        ... and %lu more (--format json lists them all)\n", t->count - MAX_EXAMPLES);
	}
	if (failing == 0)
		printf("clean: %lu checks, no findings\n", run);
	else
		printf("%lu finding%s in %lu of %lu checks\n", a->total, a->total == 1 ? "" : "s", failing, run);
}

/* A testing and debugging aid: stop after the first check (or table scanned) until FILE is gone. */
void
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
