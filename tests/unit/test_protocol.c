/*
 * test_protocol.c - unit tests for every step of the draw protocol (v1, and v2 where it differs)
 * (lib/core/protocol.c, merkle.c): UUIDs, the commitment's exact bytes,
 * ledger coverage, the Merkle tree against a recursive reference, audit
 * paths, the client and combined seeds, and rejection sampling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alot/merkle.h"
#include "alot/protocol.h"
#include "alot/record.h"

static size_t
put_lp(unsigned char *buf, size_t at, const void *data, size_t len)
{
	buf[at] = (unsigned char)(len >> 24);
	buf[at + 1] = (unsigned char)(len >> 16);
	buf[at + 2] = (unsigned char)(len >> 8);
	buf[at + 3] = (unsigned char)len;
	memcpy(buf + at + 4, data, len);
	return at + 4 + len;
}

static void
uuids_are_strict(void **state)
{
	alot_uuid u;
	char text[ALOT_UUID_STRLEN];

	(void)state;
	assert_int_equal(alot_uuid_parse("6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f71", &u, NULL), ALOT_OK);
	alot_uuid_format(&u, text);
	assert_string_equal(text, "6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f71");
	assert_int_equal(u.b[0], 0x6f);
	assert_int_equal(alot_uuid_parse("6F1E0A52-3F4C-4C1B-9A7E-2D1C0B9A8F71", &u, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_uuid_parse("6f1e0a523f4c4c1b9a7e2d1c0b9a8f71", &u, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_uuid_parse("6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f7", &u, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_uuid_parse("6f1e0a52+3f4c-4c1b-9a7e-2d1c0b9a8f71", &u, NULL), ALOT_ERR_INVALID);
}

static void
commitment_is_the_specified_hash(void **state)
{
	alot_uuid room;
	unsigned char seed[32], buf[128], expected[32], got[32];
	size_t n = 0;

	(void)state;
	memset(room.b, 0x11, 16);
	memset(seed, 0x22, 32);
	n = put_lp(buf, n, "ALOT-v1/commitment", 18);
	n = put_lp(buf, n, room.b, 16);
	n = put_lp(buf, n, seed, 32);
	alot_sha256(buf, n, expected);
	alot_commitment(&room, seed, got);
	assert_memory_equal(got, expected, 32);
	room.b[15] ^= 1; /* another room, another commitment */
	alot_commitment(&room, seed, got);
	assert_memory_not_equal(got, expected, 32);
}

static alot_ticket_range
range(int id, uint32_t start, uint32_t end)
{
	alot_ticket_range r;

	memset(&r, 0, sizeof(r));
	r.entry_id.b[15] = (unsigned char)id;
	r.user_id.b[15] = (unsigned char)(id % 3);
	r.tickets_start = start;
	r.tickets_end = end;
	return r;
}

static void
coverage_finds_gaps_and_overlaps(void **state)
{
	alot_coverage cov = ALOT_COVERAGE_INIT, empty = ALOT_COVERAGE_INIT;
	alot_ticket_range a = range(1, 1, 5), b = range(2, 6, 9), gap = range(3, 11, 12),
	                  over = range(4, 9, 12), zero = range(5, 0, 3);
	alot_error err;
	uint32_t n;

	(void)state;
	assert_int_equal(alot_coverage_add(&cov, &a, &err), ALOT_OK);
	assert_int_equal(alot_coverage_add(&cov, &b, &err), ALOT_OK);
	assert_int_equal(alot_coverage_add(&cov, &gap, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "tickets 10-10 are in no entry: gap before entry 00000000-0000-0000-0000-000000000003");
	assert_string_equal(err.detail, "the previous entry 00000000-0000-0000-0000-000000000002 ends at ticket 9");
	assert_int_equal(alot_coverage_add(&cov, &over, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "entry 00000000-0000-0000-0000-000000000004 (tickets 9-12) overlaps entry "
	                                 "00000000-0000-0000-0000-000000000002, which ends at ticket 9");
	assert_int_equal(alot_coverage_finish(&cov, &n, &err), ALOT_OK);
	assert_int_equal(n, 9);
	assert_int_equal(alot_coverage_add(&empty, &zero, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_coverage_finish(&empty, &n, &err), ALOT_ERR_VERIFY);
	b = range(6, 2, 1);
	assert_int_equal(alot_coverage_add(&empty, &b, &err), ALOT_ERR_VERIFY);
}

/* RFC 9162 MTH, written out recursively as the reference. */
static void
reference_root(unsigned char (*leaves)[32], size_t n, unsigned char out[32])
{
	unsigned char l[32], r[32];
	size_t k = 1;

	if (n == 1) {
		memcpy(out, leaves[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	reference_root(leaves, k, l);
	reference_root(leaves + k, n - k, r);
	alot_merkle_node_hash(l, r, out);
}

static void
merkle_root_and_proofs_for_1_to_33_leaves(void **state)
{
	unsigned char leaves[33][32], ref[32], root[32], path[64][32];
	alot_ticket_range ranges[33];
	alot_merkle_builder b;
	size_t n, i, len;

	(void)state;
	for (i = 0; i < 33; i++) {
		ranges[i] = range((int)i, (uint32_t)(2 * i + 1), (uint32_t)(2 * i + 2));
		alot_merkle_leaf_hash(&ranges[i], leaves[i]);
	}
	for (n = 1; n <= 33; n++) {
		reference_root(leaves, n, ref);
		alot_merkle_init(&b);
		for (i = 0; i < n; i++)
			alot_merkle_add(&b, &ranges[i]);
		assert_int_equal(alot_merkle_finish(&b, root, NULL), ALOT_OK);
		assert_memory_equal(root, ref, 32);
		for (i = 0; i < n; i++) {
			assert_int_equal(alot_merkle_proof((const unsigned char (*)[32])leaves, n, i, path, &len, NULL), ALOT_OK);
			assert_int_equal(alot_merkle_verify_proof(leaves[i], i, n, (const unsigned char (*)[32])path, len, root, NULL), ALOT_OK);
			if (n > 1) {
				/* Another index, a flipped path byte, an index outside the tree: refused.
				 * (The tree size itself is bound by the signed record's entry_count.) */
				assert_int_equal(alot_merkle_verify_proof(leaves[i], (i + 1) % n, n, (const unsigned char (*)[32])path, len, root, NULL), ALOT_ERR_VERIFY);
				path[len - 1][0] ^= 1;
				assert_int_equal(alot_merkle_verify_proof(leaves[i], i, n, (const unsigned char (*)[32])path, len, root, NULL), ALOT_ERR_VERIFY);
				path[len - 1][0] ^= 1;
				assert_int_equal(alot_merkle_verify_proof(leaves[i], i, i, (const unsigned char (*)[32])path, len, root, NULL), ALOT_ERR_VERIFY);
			}
		}
	}
	alot_merkle_init(&b);
	assert_int_equal(alot_merkle_finish(&b, root, NULL), ALOT_ERR_INVALID);
}

static void
leaf_and_node_hashes_are_domain_separated(void **state)
{
	alot_ticket_range r = range(7, 1, 2);
	unsigned char bytes[41], leaf[32], expected[32], node[32], a[32], b2[32];

	(void)state;
	bytes[0] = 0x00;
	alot_leaf_bytes(&r, bytes + 1);
	assert_int_equal(bytes[1 + 15], 7);
	assert_int_equal(bytes[1 + 32 + 3], 1);
	assert_int_equal(bytes[1 + 36 + 3], 2);
	alot_sha256(bytes, sizeof(bytes), expected);
	alot_merkle_leaf_hash(&r, leaf);
	assert_memory_equal(leaf, expected, 32);
	memset(a, 1, 32);
	memset(b2, 2, 32);
	alot_merkle_node_hash(a, b2, node);
	alot_merkle_node_hash(b2, a, expected);
	assert_memory_not_equal(node, expected, 32);
	/* The node hash pads its 65 bytes itself: the same as SHA-256 of them. */
	{
		unsigned char cat[65];

		cat[0] = 0x01;
		memcpy(cat + 1, a, 32);
		memcpy(cat + 33, b2, 32);
		alot_sha256(cat, sizeof(cat), expected);
		assert_memory_equal(node, expected, 32);
	}
}

static void
client_seed_is_length_prefixed(void **state)
{
	alot_lot lot, other;
	unsigned char s1[32], s2[32];

	(void)state;
	memset(&lot, 0, sizeof(lot));
	lot.total_tickets = 100;
	lot.entry_count = 10;
	lot.funding_target_cents = 5000;
	strcpy(lot.beacon_rule, "none");
	alot_client_seed(&lot, s1);
	other = lot;
	/* "none" + value "x" must not collide with "nonex" + no value. */
	strcpy(other.beacon_rule, "nonex");
	alot_client_seed(&other, s2);
	assert_memory_not_equal(s1, s2, 32);
	other = lot;
	other.beacon_value[0] = 'x';
	other.beacon_value_len = 1;
	alot_client_seed(&other, s2);
	assert_memory_not_equal(s1, s2, 32);
	other = lot;
	other.ledger_root[31] = 1;
	alot_client_seed(&other, s2);
	assert_memory_not_equal(s1, s2, 32);
	other = lot;
	other.funding_target_cents++;
	alot_client_seed(&other, s2);
	assert_memory_not_equal(s1, s2, 32);
}

static void
combined_seed_binds_the_nonce_at_fixed_width(void **state)
{
	unsigned char server[32], client[32], a[32], b[32], buf[128], expected[32];
	size_t n = 0;

	(void)state;
	memset(server, 3, 32);
	memset(client, 4, 32);
	n = put_lp(buf, n, "ALOT-v1/combined-seed", 21);
	n = put_lp(buf, n, server, 32);
	n = put_lp(buf, n, client, 32);
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 12;
	alot_sha256(buf, n, expected);
	alot_combined_seed(ALOT_PROTOCOL_V1, server, client, 12, a);
	assert_memory_equal(a, expected, 32);
	alot_combined_seed(ALOT_PROTOCOL_V1, server, client, 2, b);
	assert_memory_not_equal(a, b, 32);
}

static void
rejection_limit_is_the_largest_multiple(void **state)
{
	const uint32_t ns[] = { 1, 2, 3, 7, 10, 1000, 65537, 1073741825u, 1431655766u, 2147483647u };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		uint64_t limit = alot_rejection_limit(ns[i]);

		assert_int_equal(limit % ns[i], 0);
		assert_true(limit <= (UINT64_C(1) << 32));
		assert_true((UINT64_C(1) << 32) - limit < ns[i]);
		/* Every N allowed rejects less than half of the values. */
		assert_true(limit > (UINT64_C(1) << 31));
	}
	assert_int_equal(alot_rejection_limit(1073741825u), UINT64_C(3221225475));
}

static void
draw_ticket_is_in_range_and_counts_rejections(void **state)
{
	unsigned char server[32], client[32];
	alot_draw_result *d = malloc(sizeof(*d));
	uint32_t n, seen_rejection = 0;
	int s;

	(void)state;
	memset(client, 9, 32);
	for (s = 0; s < 200; s++) {
		memset(server, s, 32);
		n = 1073741825u; /* N = 2^30 + 1: about a quarter of the tries are rejected */
		assert_int_equal(alot_draw_ticket(ALOT_PROTOCOL_V1, server, client, n, d, NULL), ALOT_OK);
		assert_true(d->winning_ticket >= 1 && d->winning_ticket <= n);
		assert_int_equal(d->attempt_count, d->nonce + 1);
		assert_true(d->attempts[d->nonce].accepted);
		assert_int_equal(d->winning_ticket, d->attempts[d->nonce].value % n + 1);
		if (d->nonce > 0) {
			seen_rejection++;
			assert_false(d->attempts[0].accepted);
			assert_true(d->attempts[0].value >= alot_rejection_limit(n));
		}
	}
	assert_true(seen_rejection > 10);
	assert_int_equal(alot_draw_ticket(ALOT_PROTOCOL_V1, server, client, 0, d, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_draw_ticket(ALOT_PROTOCOL_V1, server, client, 2147483648u, d, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_draw_ticket(ALOT_PROTOCOL_V1, server, client, 1, d, NULL), ALOT_OK);
	assert_int_equal(d->winning_ticket, 1);
	free(d);
}

/* A protocol 2 lot with every term set. */
static void
v2_lot(alot_lot *lot)
{
	static const alot_entry_bundle bundles[] = { { 200, 2 }, { 2500, 25 } };

	memset(lot, 0, sizeof(*lot));
	lot->version = ALOT_PROTOCOL_V2;
	memset(lot->room_id.b, 1, 16);
	memset(lot->product_class_id.b, 2, 16);
	lot->funding_target_cents = 100000;
	strcpy(lot->deadline, "2026-03-01T00:00:00.000000Z");
	strcpy(lot->lot_type, "known");
	alot_entry_bundles_hash(bundles, 2, lot->entry_bundles_hash);
	strcpy(lot->beacon_rule, "none");
}

/* Protocol 2's commitment binds every term of the lot; protocol 1's only the room. */
static void
v2_commitment_binds_every_term_of_the_lot(void **state)
{
	alot_lot lot, other;
	unsigned char seed[32], base[32], got[32];
	int term;

	(void)state;
	memset(seed, 7, 32);
	v2_lot(&lot);
	alot_lot_commitment(&lot, seed, base);
	for (term = 0; term < 7; term++) {
		other = lot;
		switch (term) {
		case 0: other.room_id.b[0] ^= 1; break;
		case 1: other.product_class_id.b[15] ^= 1; break;
		case 2: other.funding_target_cents += 2969; break;
		case 3: other.deadline[3] = '7'; break;
		case 4: strcpy(other.lot_type, "mystery"); break;
		case 5: other.entry_bundles_hash[0] ^= 1; break;
		case 6: strcpy(other.beacon_rule, "nonf"); break;
		}
		alot_lot_commitment(&other, seed, got);
		assert_memory_not_equal(base, got, 32);
	}
	/* The ledger is not a term of the lot: it is frozen later. */
	other = lot;
	other.total_tickets = 99;
	other.ledger_root[0] = 1;
	alot_lot_commitment(&other, seed, got);
	assert_memory_equal(base, got, 32);
	/* Protocol 1 committed to the room and seed alone: the target could move. */
	lot.version = ALOT_PROTOCOL_V1;
	other = lot;
	other.funding_target_cents += 2969;
	alot_lot_commitment(&lot, seed, base);
	alot_lot_commitment(&other, seed, got);
	assert_memory_equal(base, got, 32);
	alot_commitment(&lot.room_id, seed, got);
	assert_memory_equal(base, got, 32);
}

/* The bundle list is counted and ordered: another order or one more bundle is another hash. */
static void
entry_bundles_hash_is_ordered_and_counted(void **state)
{
	const alot_entry_bundle ab[] = { { 200, 2 }, { 500, 5 } }, ba[] = { { 500, 5 }, { 200, 2 } };
	unsigned char h1[32], h2[32], h3[32], buf[64], expected[32];
	size_t n = 0;

	(void)state;
	alot_entry_bundles_hash(ab, 2, h1);
	alot_entry_bundles_hash(ba, 2, h2);
	alot_entry_bundles_hash(ab, 1, h3);
	assert_memory_not_equal(h1, h2, 32);
	assert_memory_not_equal(h1, h3, 32);
	n = put_lp(buf, n, "ALOT-v2/entry-bundles", 21);
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 1;
	memset(buf + n, 0, 7);
	buf[n + 7] = 200;
	n += 8;
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 2;
	alot_sha256(buf, n, expected);
	assert_memory_equal(h3, expected, 32);
}

/* The two versions' combined seeds differ: a v1 draw cannot pass for a v2 one. */
static void
combined_seed_tag_is_the_versions(void **state)
{
	unsigned char server[32], client[32], a[32], b[32];

	(void)state;
	memset(server, 3, 32);
	memset(client, 4, 32);
	alot_combined_seed(ALOT_PROTOCOL_V1, server, client, 0, a);
	alot_combined_seed(ALOT_PROTOCOL_V2, server, client, 0, b);
	assert_memory_not_equal(a, b, 32);
}

/* The size limit counts the record's bytes, without the newline: 262144 is read, 262145 is not. */
static void
record_size_limit_is_exact(void **state)
{
	char *text = malloc(ALOT_RECORD_MAX + 2);
	alot_record *rec = malloc(sizeof(*rec));
	alot_error err;

	(void)state;
	assert_non_null(text);
	assert_non_null(rec);
	memset(text, ' ', ALOT_RECORD_MAX + 1);
	text[0] = '{';
	text[ALOT_RECORD_MAX - 1] = '}';
	assert_int_equal(alot_record_parse(text, ALOT_RECORD_MAX, rec, &err), ALOT_ERR_INVALID);
	assert_null(strstr(err.message, "over the limit"));
	text[ALOT_RECORD_MAX] = '}';
	assert_int_equal(alot_record_parse(text, ALOT_RECORD_MAX + 1, rec, &err), ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "over the limit"));
	free(text);
	free(rec);
}

/* Timestamps: exactly 27 characters of a real UTC time (docs/protocol.md, section 2). */
static void
timestamps_are_real_times(void **state)
{
	static const char *good[] = {
		"2026-01-31T23:59:59.000000Z", "2024-02-29T00:00:00.123456Z", "2000-02-29T12:00:00.000000Z",
		"0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z",
	};
	static const char *bad[] = {
		"0000-01-01T00:00:00.000000Z", /* no year 0 */
		"2025-02-29T00:00:00.000000Z", "1900-02-29T00:00:00.000000Z", /* not leap years */
		"2026-04-31T00:00:00.000000Z", "2026-13-01T00:00:00.000000Z", "2026-00-10T00:00:00.000000Z",
		"2026-01-01T24:00:00.000000Z", "2026-01-01T00:60:00.000000Z", "2026-01-01T00:00:60.000000Z",
		"2026-01-01T00:00:00.00000Z", "2026-01-01T00:00:00.000000", "2026-01-01 00:00:00.000000Z",
		"2026-01-01T00:00:00.000000z", "+026-01-01T00:00:00.000000Z",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (alot_timestamp_check(good[i], NULL) != ALOT_OK)
			fail_msg("refused %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (alot_timestamp_check(bad[i], NULL) == ALOT_OK)
			fail_msg("accepted %s", bad[i]);
}

/* With jansson's blocks wiped as they are freed, records still build, sign and parse. */
static void
records_round_trip_with_wiping_allocators(void **state)
{
	alot_record *rec = malloc(sizeof(*rec));
	alot_commitment_record c;
	char *text = NULL;

	(void)state;
	assert_non_null(rec);
	memset(&c, 0, sizeof(c));
	v2_lot(&c.lot);
	strcpy(c.committed_at, "2026-01-10T12:00:00.000000Z");
	assert_int_equal(alot_commitment_record_json(&c, &text, NULL), ALOT_OK);
	assert_int_equal(alot_record_parse(text, strlen(text), rec, NULL), ALOT_OK);
	assert_int_equal(rec->type, ALOT_RECORD_COMMITMENT);
	assert_null(alot_lot_differs(&rec->u.commitment.lot, &c.lot));
	free(text);
	free(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuids_are_strict),
		cmocka_unit_test(commitment_is_the_specified_hash),
		cmocka_unit_test(coverage_finds_gaps_and_overlaps),
		cmocka_unit_test(merkle_root_and_proofs_for_1_to_33_leaves),
		cmocka_unit_test(leaf_and_node_hashes_are_domain_separated),
		cmocka_unit_test(client_seed_is_length_prefixed),
		cmocka_unit_test(combined_seed_binds_the_nonce_at_fixed_width),
		cmocka_unit_test(rejection_limit_is_the_largest_multiple),
		cmocka_unit_test(draw_ticket_is_in_range_and_counts_rejections),
		cmocka_unit_test(v2_commitment_binds_every_term_of_the_lot),
		cmocka_unit_test(entry_bundles_hash_is_ordered_and_counted),
		cmocka_unit_test(combined_seed_tag_is_the_versions),
		cmocka_unit_test(record_size_limit_is_exact),
		cmocka_unit_test(timestamps_are_real_times),
		cmocka_unit_test(records_round_trip_with_wiping_allocators),
	};

	alot_json_wipe_on_free(); /* before any JSON is made: alot-draw's setting */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
