/*
 * common.c - helpers shared by alot-draw's commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "draw.h"

void
draw_options_defaults(draw_options *opts)
{
	opts->conninfo = NULL;
	opts->signing_key = getenv("ALOT_SIGNING_KEY");
	opts->seal_key = getenv("ALOT_SEAL_KEY");
	opts->room = NULL;
	opts->admin = NULL;
}

int
parse_uuid_option(const char *option, const char *value, alot_uuid *out)
{
	/* PostgreSQL takes any case; so do the options.  Records are lowercase only. */
	if (alot_uuid_parse_any_case(value, out) != ALOT_OK) {
		cli_error("invalid value \"%s\" for option %s: not a UUID", value, option);
		cli_try_help();
		return 0;
	}
	return 1;
}

int
parse_seconds_option(const char *option, const char *value, long min, long max, long *out)
{
	uint64_t v;

	if (!parse_u64(value, &v) || v < (uint64_t)min || v > (uint64_t)max) {
		cli_error("invalid value \"%s\" for option %s: expected seconds from %ld to %ld", value, option, min, max);
		return 0;
	}
	*out = (long)v;
	return 1;
}

int
add_beacon_cert(char **certs, size_t *n, const char *file)
{
	if (*n == BEACON_MAX_CERTS) {
		cli_error("--beacon-cert may be given at most %d times", BEACON_MAX_CERTS);
		return 0;
	}
	certs[(*n)++] = (char *)file;
	return 1;
}

const char *
uuid_text(const alot_uuid *id)
{
	static char ring[4][ALOT_UUID_STRLEN];
	static unsigned next;
	char *out = ring[next++ % 4];

	alot_uuid_format(id, out);
	return out;
}

PGconn *
draw_connect(const draw_options *opts)
{
	PGconn *conn = NULL;
	alot_error err;

	if (alot_db_connect(opts->conninfo, "alot-draw", &conn, &err) != ALOT_OK) {
		cli_report(&err);
		return NULL;
	}
	return conn;
}

int
report_failure(const alot_error *err)
{
	cli_report(err);
	return cli_exit_for(err->code);
}

int
db_failure(const char *what, const alot_error *err)
{
	cli_error("%s: %s", what, err->message);
	if (err->detail[0])
		cli_detail("%s", err->detail);
	return ALOT_EXIT_ERROR;
}

int
draw_session_open(const draw_options *opts, draw_session *s)
{
	alot_error err;

	memset(s, 0, sizeof(*s));
	if (alot_seal_key_load(opts->seal_key, &s->seal, &err) != ALOT_OK ||
	    alot_signing_key_load(opts->signing_key, &s->key, &err) != ALOT_OK)
		return report_failure(&err);
	if ((s->conn = draw_connect(opts)) == NULL)
		return ALOT_EXIT_ERROR;
	return ALOT_EXIT_OK;
}

void
draw_session_close(draw_session *s)
{
	PQfinish(s->conn);
	alot_seal_key_free(s->seal);
	alot_signing_key_free(s->key);
	memset(s, 0, sizeof(*s));
}
