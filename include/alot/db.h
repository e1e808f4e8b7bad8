/*
 * alot/db.h - the database part of libalot (links libpq).
 *
 * The core of libalot never includes this header, so that alot-verify can
 * be built without libpq.  Every value goes to the server as a parameter
 * (PQexecParams); no function here builds SQL from data.
 */
#ifndef ALOT_DB_H
#define ALOT_DB_H

#include <libpq-fe.h>

#include "alot/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Connect with a libpq connection string or URI (conninfo), or, when
 * conninfo is NULL or "", with the PG* environment variables alone.
 * The session is made safe and predictable before it is returned:
 * search_path is "pg_catalog, public" (nothing shadows built-ins),
 * TimeZone is UTC (TIMESTAMP columns hold UTC), client_encoding UTF8,
 * and application_name is app_name when the connection string sets none.
 * On success *out owns the connection: release it with PQfinish().
 */
alot_code alot_db_connect(const char *conninfo, const char *app_name,
                          PGconn **out, alot_error *err) ALOT_WARN_UNUSED;

/*
 * Run sql with nparams text parameters (NULL entries are SQL NULLs).
 * On success *out owns the result (PQclear() it); on failure *out is NULL
 * and err carries the server's message and, as detail, its DETAIL/HINT.
 * A broken connection is reported as ALOT_ERR_DB with "connection lost".
 */
alot_code alot_db_exec(PGconn *conn, const char *sql, int nparams,
                       const char *const *params, PGresult **out,
                       alot_error *err) ALOT_WARN_UNUSED;

/* Run a statement whose result is not needed (BEGIN, COMMIT, SET ...). */
alot_code alot_db_command(PGconn *conn, const char *sql, int nparams,
                          const char *const *params, alot_error *err) ALOT_WARN_UNUSED;

/*
 * The SQLSTATE of the last failed alot_db_exec()/alot_db_command() on this
 * thread, "" when none; e.g. "40001" (serialization failure), "55P03"
 * (lock not available), "23505" (unique violation).
 */
const char *alot_db_last_sqlstate(void);

/*
 * Decode row row_no of res into row (cleared first) by column name, for
 * the model of a table or view (alot/model.h); text-format results.
 * Every column of the model must be in res; columns res has beyond them
 * are ignored, so "SELECT *" keeps working as migrations add columns.
 */
struct alot_model;
alot_code alot_row_from_pg(const struct alot_model *model, void *row, const PGresult *res,
                           int row_no, alot_error *err) ALOT_WARN_UNUSED;

/* Column number of name in res, or -1 with err set when it is missing. */
int alot_db_column(const PGresult *res, const char *name, alot_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ALOT_DB_H */
