/*
 * test_beacon_rule.c - unit tests for lib/core/beacon_rule.c: the beacon
 * rules a commitment can bind ("none" and the NIST rule, parsed strictly
 * and formatted back), and the witness policy the NIST rule names (its
 * strict text and its hash, against the vectors' policy and an
 * independent computation of its hash).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alot/beacon.h"
#include "alot/note.h"
#include "alot/protocol.h"

#define HASH "70e74971cad795ebf33ca2f1db1c65ee3d81a107a5830be38bb6125c8dd8a7f3"
#define RULE "nist-beacon-2.0:chain=2:after=freeze:policy=" HASH

static const char log_line[] = "log vectors.alot.example/log+b7e5633c+AQ39Nf0mt0zy/gZEFm4Y9CTBBrKFhuHOfDseyptTgzgM\n";
static const char w1[] = "witness witness-1.vectors.alot.example+3ecbda29+BOm6CdMauHrtgo1GhjvBQRjCZiT5Dn5UnI95CQTXYMhv\n";
static const char w2[] = "witness witness-2.vectors.alot.example+78252e17+BGDDkdejbkV5NeHjUFIKTR/Ql7e3qJDumB0HdSggtoka\n";

static void
rules_parse_strictly(void **state)
{
	static const char *const bad[] = {
		"nist-beacon-2.0", "nist-beacon-2.0:chain=:after=freeze:policy=" HASH,
		"nist-beacon-2.0:chain=0:after=freeze:policy=" HASH, "nist-beacon-2.0:chain=02:after=freeze:policy=" HASH,
		"nist-beacon-2.0:chain=2x:after=freeze:policy=" HASH, "nist-beacon-2.0:chain=2:after=draw:policy=" HASH,
		"nist-beacon-2.0:chain=2:after=freeze:policy=" HASH "0", "nist-beacon-2.0:chain=2:after=freeze:policy=abc",
		"nist-beacon-2.0:chain=2:after=freeze:policy=70E74971cad795ebf33ca2f1db1c65ee3d81a107a5830be38bb6125c8dd8a7f3",
		"nist-beacon-2.0:chain=2:after=freeze", "None", "none:", "drand:round=1",
	};
	alot_beacon_rule rule;
	alot_error err;
	char text[ALOT_BEACON_RULE_MAX + 1];

	(void)state;
	assert_int_equal(alot_beacon_rule_parse("none", &rule, &err), ALOT_OK);
	assert_int_equal(rule.kind, ALOT_BEACON_NONE);
	assert_int_equal(alot_beacon_rule_parse(RULE, &rule, &err), ALOT_OK);
	assert_int_equal(rule.kind, ALOT_BEACON_NIST);
	assert_int_equal(rule.chain, 2);
	assert_int_equal(rule.policy_hash[0], 0x70);
	assert_int_equal(rule.policy_hash[31], 0xf3);
	alot_beacon_rule_format(rule.chain, rule.policy_hash, text, sizeof(text));
	assert_string_equal(text, RULE);
	assert_true(alot_beacon_rule_known(RULE));
	assert_true(alot_beacon_rule_known("none"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (alot_beacon_rule_parse(bad[i], &rule, &err) == ALOT_OK)
			fail_msg("rule \"%s\" was accepted", bad[i]);
		assert_int_equal(err.code, ALOT_ERR_INVALID);
		assert_false(alot_beacon_rule_known(bad[i]));
	}
	assert_int_equal(alot_beacon_rule_parse("nist-beacon-2.0:chain=x:after=freeze:policy=" HASH, &rule, &err),
	                 ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "the chain is not a number"));
}

/* The vectors' policy: its parse, and its hash as the commitment's rule names it. */
static void
policy_parses_and_hashes(void **state)
{
	char text[1024];
	unsigned char hash[32];
	char hex[65];
	alot_tlog_policy p;
	alot_error err;

	(void)state;
	snprintf(text, sizeof(text), "%s%s%squorum 2\n", log_line, w1, w2);
	assert_int_equal(alot_witness_policy_parse(text, strlen(text), &p, &err), ALOT_OK);
	assert_string_equal(p.log.name, "vectors.alot.example/log");
	assert_int_equal(p.witness_count, 2);
	assert_string_equal(p.witnesses[1].name, "witness-2.vectors.alot.example");
	assert_int_equal(p.quorum, 2);
	alot_witness_policy_hash(text, strlen(text), hash);
	alot_hex_encode(hash, 32, hex);
	assert_string_equal(hex, HASH); /* the same as Python's hashlib over LP(tag) || LP(text) */
	text[strlen(text) - 2] = '1';   /* quorum 1: another policy, another hash */
	alot_witness_policy_hash(text, strlen(text), hash);
	alot_hex_encode(hash, 32, hex);
	assert_string_not_equal(hex, HASH);
}

static void
expect_bad(const char *text, const char *why)
{
	alot_tlog_policy p;
	alot_error err;

	if (alot_witness_policy_parse(text, strlen(text), &p, &err) == ALOT_OK)
		fail_msg("policy accepted: %s", text);
	assert_int_equal(err.code, ALOT_ERR_INVALID);
	if (strstr(err.message, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.message, why);
}

static void
bad_policies_are_refused(void **state)
{
	char text[2048];

	(void)state;
	snprintf(text, sizeof(text), "%s%squorum 2", log_line, w1);
	expect_bad(text, "quorum K");                              /* no final newline */
	snprintf(text, sizeof(text), "%s%squorum 2\n", log_line, w1);
	expect_bad(text, "1 <= K <= 1");                           /* more than the witnesses */
	snprintf(text, sizeof(text), "%s%squorum 0\n", log_line, w1);
	expect_bad(text, "quorum K");
	snprintf(text, sizeof(text), "%s%squorum 01\n", log_line, w1);
	expect_bad(text, "quorum K");
	snprintf(text, sizeof(text), "%squorum 1\n", log_line);
	expect_bad(text, "names no witness");
	snprintf(text, sizeof(text), "%s%s%squorum 1\n", log_line, w1, w1);
	expect_bad(text, "names a key or a name twice");
	/* A witness under the log's name (with witness 1's key, its key id made for that name). */
	{
		alot_note_verifier v;
		alot_public_key pub;
		char *vkey = NULL;

		assert_int_equal(alot_note_verifier_parse(w1 + 8, strlen(w1) - 9, &v, NULL), ALOT_OK);
		memcpy(pub.raw, v.key, sizeof(pub.raw));
		assert_int_equal(alot_note_verifier_format("vectors.alot.example/log", ALOT_NOTE_ALG_COSIG_V1, &pub,
		                                           &vkey, NULL), ALOT_OK);
		snprintf(text, sizeof(text), "%switness %s\nquorum 1\n", log_line, vkey);
		expect_bad(text, "names a key or a name twice");
		free(vkey);
	}
	snprintf(text, sizeof(text), "%s%squorum 1\nextra\n", log_line, w1);
	expect_bad(text, "text after");
	snprintf(text, sizeof(text), "%s%s", w1, "quorum 1\n");
	expect_bad(text, "does not start with a \"log\" line");
	/* A witness key as the log's, the log's as a witness's. */
	snprintf(text, sizeof(text), "log%s%squorum 1\n", w1 + strlen("witness"), w1);
	expect_bad(text, "an Ed25519 log key");
	snprintf(text, sizeof(text), "%switness%squorum 1\n", log_line, log_line + strlen("log"));
	expect_bad(text, "a cosignature/v1 witness key");
	/* CRLF line ends, a tab, two spaces: not the policy's one text. */
	snprintf(text, sizeof(text), "log %s", log_line + 4);
	text[strlen(text) - 1] = '\r';
	strcat(text, "\n");
	strcat(text, w1);
	strcat(text, "quorum 1\n");
	expect_bad(text, "log");
	snprintf(text, sizeof(text), "%switness\t%squorum 1\n", log_line, w1 + 8);
	expect_bad(text, "names no witness");
	snprintf(text, sizeof(text), "%switness  %squorum 1\n", log_line, w1 + 8);
	expect_bad(text, "verifier key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules_parse_strictly),
		cmocka_unit_test(policy_parses_and_hashes),
		cmocka_unit_test(bad_policies_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
