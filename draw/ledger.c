/*
 * ledger.c - reading a room's frozen ticket ledger: every entry's
 * (id, user, tickets_start, tickets_end) in ticket order, streamed with
 * COPY for speed on rooms of millions of entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "draw.h"

/*
 * COPY takes no parameters, so the room id travels as a parameter of
 * set_config() (local to the transaction) and the COPY text is constant.
 * FROM ONLY: the rows of a table that inherits from room_entries are no
 * entries of the ledger (no trigger of room_entries guards them).
 */
static const char set_room_sql[] = "SELECT pg_catalog.set_config('alot.ledger_room', $1, true)";
static const char copy_sql[] =
	"COPY (SELECT id, user_id, tickets_start, tickets_end FROM ONLY room_entries"
	"      WHERE room_id = pg_catalog.current_setting('alot.ledger_room')::uuid"
	"      ORDER BY tickets_start, id) TO STDOUT";

/* "uuid\tuuid\tstart\tend\n" */
static alot_code
parse_line(const char *line, int len, alot_ticket_range *r, alot_error *err)
{
	char id[ALOT_UUID_STRLEN], user[ALOT_UUID_STRLEN], *end;
	long long start, stop;

	if (len < 2 * 37 + 3 || line[36] != '\t' || line[73] != '\t')
		return alot_error_set(err, ALOT_ERR_DB, "unexpected ledger row from the database");
	memcpy(id, line, 36);
	id[36] = '\0';
	memcpy(user, line + 37, 36);
	user[36] = '\0';
	start = strtoll(line + 74, &end, 10);
	stop = *end == '\t' ? strtoll(end + 1, &end, 10) : -1;
	if (alot_uuid_parse(id, &r->entry_id, NULL) != ALOT_OK ||
	    alot_uuid_parse(user, &r->user_id, NULL) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_DB, "unexpected ledger row from the database");
	if (start < 1 || stop < start || stop > (long long)ALOT_MAX_TICKETS)
		return alot_error_set(err, ALOT_ERR_VERIFY, "entry %s has an invalid ticket range %lld-%lld",
		                      id, start, stop);
	r->tickets_start = (uint32_t)start;
	r->tickets_end = (uint32_t)stop;
	return ALOT_OK;
}

static alot_code
copy_rows(PGconn *conn, alot_ticket_range **out, size_t *n, alot_error *err)
{
	size_t cap = 1024;
	alot_ticket_range *v = malloc(cap * sizeof(*v));
	alot_code rc = ALOT_OK;
	char *buf;
	int len;

	if (v == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory reading the ledger");
	while ((len = PQgetCopyData(conn, &buf, 0)) > 0) {
		if (rc == ALOT_OK && *n == cap) {
			alot_ticket_range *bigger = realloc(v, 2 * cap * sizeof(*v));

			if (bigger == NULL)
				rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory reading the ledger");
			else {
				v = bigger;
				cap *= 2;
			}
		}
		if (rc == ALOT_OK)
			rc = parse_line(buf, len, &v[*n], err);
		if (rc == ALOT_OK)
			(*n)++;
		PQfreemem(buf);
	}
	if (len == -2 && rc == ALOT_OK)
		rc = alot_error_set(err, ALOT_ERR_DB, "reading the ledger failed: %s", PQerrorMessage(conn));
	*out = v;
	return rc;
}

alot_code
load_ledger(PGconn *conn, const char *room, alot_ticket_range **out, size_t *n, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	alot_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = alot_db_command(conn, set_room_sql, 1, params, err)) != ALOT_OK)
		return rc;
	res = PQexec(conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		PQclear(res);
		return alot_error_set(err, ALOT_ERR_DB, "could not read the ledger: %s", PQerrorMessage(conn));
	}
	PQclear(res);
	rc = copy_rows(conn, out, n, err);
	/* Collect the COPY's final result, whatever happened. */
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == ALOT_OK)
			rc = alot_error_set(err, ALOT_ERR_DB, "reading the ledger failed: %s",
			                    PQresultErrorMessage(res));
		PQclear(res);
	}
	if (rc != ALOT_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
