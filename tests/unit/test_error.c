/*
 * test_error.c - unit tests for alot_error (lib/core/error.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "alot/error.h"

static void
set_formats_message_and_clears_detail(void **state)
{
	alot_error err;

	(void)state;
	alot_error_clear(&err);
	alot_error_detail(&err, "stale");
	assert_int_equal(alot_error_set(&err, ALOT_ERR_INVALID, "room %d is %s", 7, "bad"),
	                 ALOT_ERR_INVALID);
	assert_int_equal(err.code, ALOT_ERR_INVALID);
	assert_string_equal(err.message, "room 7 is bad");
	assert_string_equal(err.detail, "");
	assert_int_equal(alot_error_detail(&err, "see %s", "docs"), ALOT_ERR_INVALID);
	assert_string_equal(err.detail, "see docs");
}

static void
null_error_is_allowed(void **state)
{
	(void)state;
	alot_error_clear(NULL);
	assert_int_equal(alot_error_set(NULL, ALOT_ERR_IO, "x"), ALOT_ERR_IO);
}

static void
long_message_is_truncated_not_overflowed(void **state)
{
	alot_error err;
	char big[1000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	alot_error_set(&err, ALOT_ERR_INVALID, "%s", big);
	assert_int_equal(strlen(err.message), ALOT_ERROR_MESSAGE_MAX - 1);
}

static void
prefix_keeps_code_and_detail(void **state)
{
	alot_error err;

	(void)state;
	alot_error_set(&err, ALOT_ERR_VERIFY, "tickets %d-%d are in no entry", 6, 6);
	alot_error_detail(&err, "the previous entry ends at ticket 5");
	assert_int_equal(alot_error_prefix(&err, "room %s", "r1"), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "room r1: tickets 6-6 are in no entry");
	assert_string_equal(err.detail, "the previous entry ends at ticket 5");
}

static void
code_names_are_distinct(void **state)
{
	(void)state;
	assert_string_equal(alot_code_name(ALOT_OK), "success");
	assert_string_equal(alot_code_name(ALOT_ERR_VERIFY), "verification failed");
	assert_string_equal(alot_code_name((alot_code)999), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_formats_message_and_clears_detail),
		cmocka_unit_test(null_error_is_allowed),
		cmocka_unit_test(long_message_is_truncated_not_overflowed),
		cmocka_unit_test(prefix_keeps_code_and_detail),
		cmocka_unit_test(code_names_are_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
