/*
 * db.c - connecting to PostgreSQL and running parameterized statements.
 */
#include <stdio.h>
#include <string.h>

#include "alot/db.h"

static _Thread_local char last_sqlstate[6];

const char *
alot_db_last_sqlstate(void)
{
	return last_sqlstate;
}

/* Fill err from a failed result (or from the connection when res is NULL). */
static alot_code
set_db_error(PGconn *conn, const PGresult *res, alot_error *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;

	snprintf(last_sqlstate, sizeof(last_sqlstate), "%s", state ? state : "");
	if (PQstatus(conn) == CONNECTION_BAD) {
		alot_error_set(err, ALOT_ERR_DB, "connection to the database lost");
		return alot_error_detail(err, "%s", strtok(PQerrorMessage(conn), "\n") ?: "");
	}
	if (primary == NULL) {
		char msg[ALOT_ERROR_MESSAGE_MAX];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		return alot_error_set(err, ALOT_ERR_DB, "query failed: %s", msg);
	}
	alot_error_set(err, ALOT_ERR_DB, "%s", primary);
	if (detail || hint)
		alot_error_detail(err, "%s%s%s", detail ? detail : "",
		                  detail && hint ? " " : "", hint ? hint : "");
	return ALOT_ERR_DB;
}

static const char session_setup[] =
	"SELECT pg_catalog.set_config('search_path', 'pg_catalog, public', false),"
	"       pg_catalog.set_config('TimeZone', 'UTC', false),"
	"       pg_catalog.set_config('client_encoding', 'UTF8', false)";

alot_code
alot_db_connect(const char *conninfo, const char *app_name, PGconn **out,
                alot_error *err)
{
	const char *keys[] = { "dbname", "fallback_application_name", NULL };
	const char *vals[] = { conninfo ? conninfo : "", app_name, NULL };
	PGconn *conn;
	alot_code rc;

	*out = NULL;
	/* expand_dbname=1: dbname may be a full connection string or URI. */
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory connecting to the database");
	if (PQstatus(conn) != CONNECTION_OK) {
		char msg[ALOT_ERROR_DETAIL_MAX];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(conn);
		alot_error_set(err, ALOT_ERR_DB, "could not connect to the database");
		return alot_error_detail(err, "%s", msg);
	}
	rc = alot_db_command(conn, session_setup, 0, NULL, err);
	if (rc != ALOT_OK) {
		PQfinish(conn);
		return rc;
	}
	*out = conn;
	return ALOT_OK;
}

alot_code
alot_db_exec(PGconn *conn, const char *sql, int nparams,
             const char *const *params, PGresult **out, alot_error *err)
{
	PGresult *res;
	ExecStatusType st;

	*out = NULL;
	last_sqlstate[0] = '\0';
	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		alot_code rc = set_db_error(conn, res, err);

		PQclear(res);
		return rc;
	}
	*out = res;
	return ALOT_OK;
}

alot_code
alot_db_command(PGconn *conn, const char *sql, int nparams,
                const char *const *params, alot_error *err)
{
	PGresult *res;
	alot_code rc = alot_db_exec(conn, sql, nparams, params, &res, err);

	PQclear(res);
	return rc;
}

int
alot_db_column(const PGresult *res, const char *name, alot_error *err)
{
	int col = PQfnumber(res, name);

	if (col < 0)
		alot_error_set(err, ALOT_ERR_DB, "result has no column \"%s\"", name);
	return col;
}
