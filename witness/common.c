/*
 * common.c - what alot-witness's commands share: --help and --version
 * before the options, usage errors, reporting a libalot error, and the
 * crash points of the test build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alot/text.h"
#include "witness.h"

int
usage_fail(const char *message)
{
	cli_error("%s", message);
	return usage_error();
}

int
report_exit(const alot_error *err, int code)
{
	/* Messages can quote the request (an origin, a key name): escape them. */
	char *message = alot_escaped(err->message[0] ? err->message : alot_code_name(err->code));
	char *detail = alot_escaped(err->detail);

	cli_error("%s", message ? message : "out of memory");
	if (detail != NULL && detail[0])
		cli_detail("%s", detail);
	free(message);
	free(detail);
	return code;
}

#ifdef ALOT_TEST_HOOKS
void
witness_crash_point(const char *point)
{
	const char *at = getenv("ALOT_WITNESS_CRASH_AT");

	if (at != NULL && strcmp(at, point) == 0)
		_exit(99);
}
#endif
