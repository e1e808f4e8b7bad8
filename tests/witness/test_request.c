/*
 * test_request.c - alot-witness's request parser and state names: the
 * add-checkpoint body is taken strictly (every deviation is a 400 with
 * ALOT_ERR_INVALID), and a log's state files are named by the lowercase
 * hex of SHA-256(origin), the name tlog-witness's monitoring path uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../witness/witness.h"

/* A well-formed (not validly signed: parsing does not verify) checkpoint note. */
#define NOTE \
	"example.com/log\n" \
	"9\n" \
	"a89R8bA18F603Q2fWgMenreOy3CtXrL8L72Ioe8uxb8=\n" \
	"\n" \
	"\xe2\x80\x94 example.com/log 1dU70LUBXnk+74zD17MaOvLufAl/kJLwIVVcD9CeY/TzvGlk8BfyGSq+was0anTs+yS+iT3lqAj5uJOwmZnB4msGFgc=\n"
#define HASH_A "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
#define HASH_B "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"

static alot_code
parse(const char *body, witness_request *req)
{
	alot_error err;
	alot_code rc = witness_request_parse(body, strlen(body), req, &err);

	if (rc != ALOT_OK)
		assert_non_null(strstr(err.message, "request"));
	return rc;
}

static void
refused(const char *body)
{
	witness_request req;

	assert_int_equal(parse(body, &req), ALOT_ERR_INVALID);
	witness_request_free(&req);
}

static void
a_request_with_a_proof_parses(void **state)
{
	witness_request req;

	(void)state;
	assert_int_equal(parse("old 5\n" HASH_A HASH_B "\n" NOTE, &req), ALOT_OK);
	assert_int_equal(req.old_size, 5);
	assert_int_equal(req.proof_len, 2);
	assert_int_equal(req.proof[0][0], 0x3e);      /* "PlRN" */
	assert_int_equal(req.proof[1][0], 0x8e);      /* "jrJZ" */
	assert_string_equal(req.checkpoint.origin, "example.com/log");
	assert_int_equal(req.checkpoint.size, 9);
	assert_int_equal(req.note_len, strlen(NOTE));
	assert_memory_equal(req.note_text, NOTE, strlen(NOTE));
	assert_int_equal(req.note.sig_count, 1);
	witness_request_free(&req);
}

static void
old_zero_and_the_largest_size_parse(void **state)
{
	witness_request req;

	(void)state;
	assert_int_equal(parse("old 0\n\n" NOTE, &req), ALOT_OK);
	assert_int_equal(req.old_size, 0);
	assert_int_equal(req.proof_len, 0);
	witness_request_free(&req);
	assert_int_equal(parse("old 18446744073709551615\n\n" NOTE, &req), ALOT_OK);
	assert_true(req.old_size == UINT64_MAX);
	witness_request_free(&req);
}

static void
the_old_line_is_strict(void **state)
{
	(void)state;
	refused("old 05\n\n" NOTE);
	refused("old 00\n\n" NOTE);
	refused("old +5\n\n" NOTE);
	refused("old -5\n\n" NOTE);
	refused("old 5 \n\n" NOTE);
	refused("old  5\n\n" NOTE);
	refused("old\t5\n\n" NOTE);
	refused("Old 5\n\n" NOTE);
	refused("old \n\n" NOTE);
	refused("old 18446744073709551616\n\n" NOTE);
	refused("old 5\r\n\n" NOTE);
	refused("old 5");
	refused("");
}

static void
proof_lines_are_strict(void **state)
{
	char body[8192];
	size_t n = 0;
	int i;

	(void)state;
	refused("old 5\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\n" NOTE);   /* no padding */
	refused("old 5\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkax=\n\n" NOTE);  /* unused bits set */
	refused("old 5\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpk\n\n" NOTE);     /* 31 bytes */
	refused("old 5\n " HASH_A "\n" NOTE);
	refused("old 5\n" HASH_A);                                                /* no empty line */
	refused("old 5\n" HASH_A "\n");                                           /* no note */
	n += (size_t)snprintf(body + n, sizeof(body) - n, "old 5\n");
	for (i = 0; i < ALOT_TLOG_MAX_PROOF + 1; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", HASH_A);
	snprintf(body + n, sizeof(body) - n, "\n%s", NOTE);
	refused(body);                                                            /* 64 lines */
}

static void
sixty_three_proof_lines_are_allowed(void **state)
{
	char body[8192];
	size_t n = 0;
	int i;
	witness_request req;

	(void)state;
	n += (size_t)snprintf(body + n, sizeof(body) - n, "old 5\n");
	for (i = 0; i < ALOT_TLOG_MAX_PROOF; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", HASH_B);
	snprintf(body + n, sizeof(body) - n, "\n%s", NOTE);
	assert_int_equal(parse(body, &req), ALOT_OK);
	assert_int_equal(req.proof_len, ALOT_TLOG_MAX_PROOF);
	witness_request_free(&req);
}

static void
the_note_must_be_a_signed_checkpoint(void **state)
{
	(void)state;
	refused("old 5\n\nexample.com/log\n9\na89R8bA18F603Q2fWgMenreOy3CtXrL8L72Ioe8uxb8=\n");
	refused("old 5\n\nexample.com/log\nnine\na89R8bA18F603Q2fWgMenreOy3CtXrL8L72Ioe8uxb8=\n\n"
	        "\xe2\x80\x94 example.com/log 1dU70LUBXnk+74zD17MaOvLufAl/kJLwIVVcD9CeY/TzvGlk8BfyGSq+was0anTs+yS+iT3lqAj5uJOwmZnB4msGFgc=\n");
	refused("old 5\n\n\n" NOTE);                                              /* two empty lines */
}

static void
state_files_are_named_by_the_origin_hash(void **state)
{
	char stem[WITNESS_STEM_LEN + 1];

	(void)state;
	witness_state_stem("example.com/log", stem);
	assert_string_equal(stem, "4d3203c8f35cdf600e475f55fede6081a703d3d322f208865fca2ec4f0e030f8");
	witness_state_stem("", stem);
	assert_string_equal(stem, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_request_with_a_proof_parses),
		cmocka_unit_test(old_zero_and_the_largest_size_parse),
		cmocka_unit_test(the_old_line_is_strict),
		cmocka_unit_test(proof_lines_are_strict),
		cmocka_unit_test(sixty_three_proof_lines_are_allowed),
		cmocka_unit_test(the_note_must_be_a_signed_checkpoint),
		cmocka_unit_test(state_files_are_named_by_the_origin_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
