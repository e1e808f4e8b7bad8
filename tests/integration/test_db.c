/*
 * test_db.c - the database part of libalot against the harness's real
 * PostgreSQL: connecting (connection string and PG* variables), the safe
 * session settings, parameters that stay data, lost connections, and
 * decoding every table and view of the schema into the model by name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alot/db.h"
#include "alot/model.h"

static char dbname[64];
static char conninfo[128];

static int
setup(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(dbname, sizeof(dbname), "t_db_%d", (int)getpid());
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	snprintf(cmd, sizeof(cmd), "createdb %s && psql -X -q -v ON_ERROR_STOP=1 -d %s -f %s/sql/schema.sql >/dev/null"
	         " && psql -X -q -v ON_ERROR_STOP=1 -d %s -f %s/tests/fixtures/model-rows.sql >/dev/null",
	         dbname, dbname, getenv("ALOT_SRC"), dbname, getenv("ALOT_SRC"));
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "dropdb --if-exists --force %s", dbname);
	return system(cmd) == 0 ? 0 : -1;
}

static PGconn *
connect_or_fail(const char *info)
{
	PGconn *conn = NULL;
	alot_error err;

	if (alot_db_connect(info, "alot-test", &conn, &err) != ALOT_OK)
		fail_msg("connect: %s (%s)", err.message, err.detail);
	return conn;
}

static char *
one_value(PGconn *conn, const char *sql)
{
	PGresult *res;
	char *v;

	assert_int_equal(alot_db_exec(conn, sql, 0, NULL, &res, NULL), ALOT_OK);
	v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static void
session_is_safe(void **state)
{
	PGconn *conn = connect_or_fail(conninfo);
	char *v;

	(void)state;
	v = one_value(conn, "SHOW search_path");
	assert_string_equal(v, "pg_catalog, public");
	free(v);
	v = one_value(conn, "SHOW TimeZone");
	assert_string_equal(v, "UTC");
	free(v);
	v = one_value(conn, "SELECT current_database()");
	assert_string_equal(v, dbname);
	free(v);
	v = one_value(conn, "SHOW application_name");
	assert_string_equal(v, "alot-test");
	free(v);
	PQfinish(conn);
}

static void
pg_environment_is_used(void **state)
{
	PGconn *conn;
	char *v;

	(void)state;
	setenv("PGDATABASE", dbname, 1);
	conn = connect_or_fail(NULL);
	v = one_value(conn, "SELECT current_database()");
	assert_string_equal(v, dbname);
	free(v);
	PQfinish(conn);
	setenv("PGDATABASE", "postgres", 1);
}

static void
parameters_stay_data(void **state)
{
	PGconn *conn = connect_or_fail(conninfo);
	const char *evil = "x'); DROP TABLE users; --";
	const char *params[] = { evil };
	PGresult *res;
	char *v;

	(void)state;
	assert_int_equal(alot_db_exec(conn, "SELECT $1::text", 1, params, &res, NULL), ALOT_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), evil);
	PQclear(res);
	v = one_value(conn, "SELECT count(*) FROM users");
	assert_string_equal(v, "2");
	free(v);
	PQfinish(conn);
}

static void
errors_carry_message_and_sqlstate(void **state)
{
	PGconn *conn = connect_or_fail(conninfo), *bad = NULL;
	alot_error err;
	const char *params[] = { "40000000-0000-4000-8000-000000000001" };

	(void)state;
	assert_int_equal(alot_db_command(conn, "UPDATE rooms SET status = 'bogus' WHERE id = $1", 1, params, &err),
	                 ALOT_ERR_DB);
	assert_non_null(strstr(err.message, "chk_rooms_status"));
	assert_string_equal(alot_db_last_sqlstate(), "23514");
	assert_int_equal(alot_db_connect("host=/nonexistent-socket-dir dbname=x", "t", &bad, &err), ALOT_ERR_DB);
	assert_null(bad);
	assert_string_equal(err.message, "could not connect to the database");
	assert_true(strlen(err.detail) > 0);
	PQfinish(conn);
}

static void
lost_connection_is_reported(void **state)
{
	PGconn *conn = connect_or_fail(conninfo), *killer = connect_or_fail(conninfo);
	char pid[16], *v;
	const char *params[] = { pid };
	alot_error err;

	(void)state;
	v = one_value(conn, "SELECT pg_backend_pid()");
	snprintf(pid, sizeof(pid), "%s", v);
	free(v);
	assert_int_equal(alot_db_command(killer, "SELECT pg_terminate_backend($1::int)", 1, params, NULL), ALOT_OK);
	usleep(200000);
	assert_int_equal(alot_db_command(conn, "SELECT 1", 0, NULL, &err), ALOT_ERR_DB);
	assert_string_equal(err.message, "connection to the database lost");
	PQfinish(conn);
	PQfinish(killer);
}

static void
every_table_and_view_decodes(void **state)
{
	PGconn *conn = connect_or_fail(conninfo);
	char sql[128];
	size_t m;

	(void)state;
	for (m = 0; alot_models[m] != NULL; m++) {
		const alot_model *model = alot_models[m];
		void *row = calloc(1, model->size);
		PGresult *res;
		alot_error err;
		json_t *obj;

		snprintf(sql, sizeof(sql), "SELECT * FROM %s", model->name);
		assert_int_equal(alot_db_exec(conn, sql, 0, NULL, &res, NULL), ALOT_OK);
		if (PQntuples(res) < 1)
			fail_msg("%s has no rows in the fixture", model->name);
		if (alot_row_from_pg(model, row, res, 0, &err) != ALOT_OK)
			fail_msg("%s: %s", model->name, err.message);
		assert_int_equal(alot_row_to_json(model, row, &obj, NULL), ALOT_OK);
		json_decref(obj);
		alot_row_clear(model, row);
		free(row);
		PQclear(res);
	}
	PQfinish(conn);
}

static void
values_and_nulls_decode_exactly(void **state)
{
	PGconn *conn = connect_or_fail(conninfo);
	PGresult *res;
	alot_user u;
	alot_room r;
	alot_room_entry e;
	char buf[40];

	(void)state;
	/* Columns in another order than the table's: decoding goes by name. */
	assert_int_equal(alot_db_exec(conn, "SELECT status, last_login_at, username, full_name, id, email, hashed_password,"
	                 " date_of_birth, phone_number, avatar_url, verified_email, email_verification_token,"
	                 " verified_identity, stripe_customer_id, total_entries, total_spent, total_won,"
	                 " created_at, updated_at FROM users ORDER BY email", 0, NULL, &res, NULL), ALOT_OK);
	memset(&u, 0, sizeof(u));
	assert_int_equal(alot_row_from_pg(&alot_model_users, &u, res, 0, NULL), ALOT_OK);
	assert_string_equal(u.username, "ann");
	assert_int_equal(u.status, ALOT_USER_ACTIVE);
	assert_int_equal(u.total_entries, 1);
	assert_int_equal(u.total_spent, 500);
	alot_time_format(u.last_login_at, buf, sizeof(buf));
	assert_string_equal(buf, "2026-02-09T10:00:00.123456Z");
	assert_int_equal(alot_row_from_pg(&alot_model_users, &u, res, 1, NULL), ALOT_OK);
	assert_int_equal(alot_row_is_null(&alot_model_users, &u, "full_name"), 1);
	assert_int_equal(alot_row_is_null(&alot_model_users, &u, "last_login_at"), 1);
	alot_row_clear(&alot_model_users, &u);
	PQclear(res);

	assert_int_equal(alot_db_exec(conn, "SELECT * FROM rooms", 0, NULL, &res, NULL), ALOT_OK);
	memset(&r, 0, sizeof(r));
	assert_int_equal(alot_row_from_pg(&alot_model_rooms, &r, res, 0, NULL), ALOT_OK);
	assert_int_equal(r.status, ALOT_ROOM_OPEN);
	assert_int_equal(r.funding_target, 10000);
	assert_int_equal(r.current_funding, 500);
	assert_int_equal(r.total_tickets, 5);
	assert_true(json_is_array(r.entry_bundles));
	alot_row_clear(&alot_model_rooms, &r);
	PQclear(res);

	/* A partial result lacks columns of the model: refused, naming the column. */
	assert_int_equal(alot_db_exec(conn, "SELECT id, room_id FROM room_entries", 0, NULL, &res, NULL), ALOT_OK);
	memset(&e, 0, sizeof(e));
	{
		alot_error err;

		assert_int_equal(alot_row_from_pg(&alot_model_room_entries, &e, res, 0, &err), ALOT_ERR_DB);
		assert_string_equal(err.message, "room_entries: the result has no column \"user_id\"");
	}
	PQclear(res);
	PQfinish(conn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_is_safe),
		cmocka_unit_test(pg_environment_is_used),
		cmocka_unit_test(parameters_stay_data),
		cmocka_unit_test(errors_carry_message_and_sqlstate),
		cmocka_unit_test(lost_connection_is_reported),
		cmocka_unit_test(every_table_and_view_decodes),
		cmocka_unit_test(values_and_nulls_decode_exactly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
