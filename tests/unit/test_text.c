/*
 * test_text.c - alot_escape(): untrusted text reaches a terminal as
 * printable ASCII and printable UTF-8 only, unambiguously, whatever bytes
 * it held (escape sequences, CR, backspace, broken or overlong UTF-8,
 * bidirectional overrides).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alot/text.h"

static void
expect(const char *in, size_t len, const char *want)
{
	char out[256];
	size_t need = alot_escape(in, len, out, sizeof(out));

	assert_string_equal(out, want);
	assert_int_equal(need, strlen(want));
}

/* A literal with its exact length, NUL bytes included. */
#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, want)

static void
terminal_controls_are_escaped(void **state)
{
	(void)state;
	EXPECT("\x1b[2J\x1b[1;1Hresult: VERIFIED", "\\x1b[2J\\x1b[1;1Hresult: VERIFIED");
	EXPECT("FAIL\rPASS", "FAIL\\x0dPASS");
	EXPECT("FAIL\b\b\b\bPASS", "FAIL\\x08\\x08\\x08\\x08PASS");
	EXPECT("a\nb\tc\x7f", "a\\x0ab\\x09c\\x7f");
	EXPECT("nul\0after", "nul\\x00after");
	/* The escape character itself is escaped: "\x1b" typed as text stays distinct from a real ESC. */
	EXPECT("\\x1b", "\\\\x1b");
}

static void
utf8_is_kept_only_when_well_formed_and_printable(void **state)
{
	(void)state;
	EXPECT("Herm\xc3\xa8s", "Herm\xc3\xa8s");                 /* U+00E8 */
	EXPECT("\xe2\x82\xac 5", "\xe2\x82\xac 5");                 /* U+20AC */
	EXPECT("\xf0\x9f\x8e\x9f", "\xf0\x9f\x8e\x9f");             /* U+1F39F */
	EXPECT("\xff\xfe", "\\xff\\xfe");                           /* never UTF-8 */
	EXPECT("\x80x", "\\x80x");                                  /* lone continuation */
	EXPECT("\xc3", "\\xc3");                                    /* cut short */
	EXPECT("\xc0\xaf", "\\xc0\\xaf");                           /* overlong "/" */
	EXPECT("\xe0\x80\xaf", "\\xe0\\x80\\xaf");                  /* overlong, 3 bytes */
	EXPECT("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");         /* overlong, 4 bytes */
	EXPECT("\xed\xa0\x80", "\\xed\\xa0\\x80");                  /* a surrogate */
	EXPECT("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");         /* above U+10FFFF */
	EXPECT("\xc2\x9b" "2J", "\\u{009B}2J");                     /* C1 CSI */
	EXPECT("abc\xe2\x80\xae" "cba", "abc\\u{202E}cba");         /* right-to-left override */
	EXPECT("\xe2\x80\xa8", "\\u{2028}");                        /* line separator */
}

static void
short_buffers_cut_at_a_boundary(void **state)
{
	char out[8];
	char *all;

	(void)state;
	assert_int_equal(alot_escape("ab\x1b" "cd", 5, out, sizeof(out)), 8);
	assert_string_equal(out, "ab\\x1bc"); /* 7 bytes and the NUL */
	assert_int_equal(alot_escape("abcdefgh\x1b", 9, out, sizeof(out)), 12);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(alot_escape("ab", 2, out, 0), 2);
	all = alot_escaped("x\x1by");
	assert_non_null(all);
	assert_string_equal(all, "x\\x1by");
	free(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_controls_are_escaped),
		cmocka_unit_test(utf8_is_kept_only_when_well_formed_and_printable),
		cmocka_unit_test(short_buffers_cut_at_a_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
