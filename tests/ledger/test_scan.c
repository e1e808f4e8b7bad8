/*
 * test_scan.c - unit tests for the pieces of alot-ledger's scan that need
 * no database: SipHash-2-4 against the reference vectors, arithmetic
 * modulo 2^61 - 1, the binary NUMERIC decoder and the other field
 * decoders, the hash tables, and the multiset properties the scan relies
 * on (order does not matter; a changed element does; NULL is no value).
 * The COPY reader itself is exercised against a real server by
 * tests/ledger/test_ledger.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../ledger/scan.h"

/* The reference vectors of SipHash-2-4: key 00..0f, message 00..n-1. */
static void
siphash_matches_the_reference_vectors(void **state)
{
	static const struct {
		size_t n;
		uint64_t want;
	} v[] = {
		{ 0, UINT64_C(0x726fdb47dd0e0e31) }, { 1, UINT64_C(0x74f839c593dc67fd) },
		{ 2, UINT64_C(0x0d6c8009d9a94f5a) }, { 8, UINT64_C(0x93f5f5799a932462) },
		{ 15, UINT64_C(0xa129ca6149be45e5) }, { 16, UINT64_C(0x3f2acc7f57c29bdb) },
	};
	unsigned char key[16], msg[16];
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = msg[i] = (unsigned char)i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(siphash24(key, msg, v[i].n) == v[i].want);
}

static void
arithmetic_is_modulo_the_mersenne_prime(void **state)
{
	(void)state;
	assert_true(modp_int(-1) == MSET_P - 1);
	assert_true(modp_int(0) == 0);
	assert_true(modp_int(INT64_MIN) == MSET_P - (uint64_t)((UINT64_C(1) << 63) % MSET_P));
	assert_true(modp_add(MSET_P - 1, 1) == 0);
	assert_true(modp_sub(0, 1) == MSET_P - 1);
	assert_true(modp_mul(MSET_P - 1, MSET_P - 1) == 1);  /* (-1)(-1) */
	assert_true(modp_mul(modp_int(-5), modp_int(7)) == modp_int(-35));
	assert_true(modp_reduce(UINT64_MAX) == (UINT64_MAX % MSET_P));
	assert_true(modp_add(modp_int(123456789), modp_int(-123456789)) == 0);
}

/* A NUMERIC in binary form: ndigits, weight, sign, dscale, then base-10000 digits. */
static copy_field
numeric(unsigned char *buf, int16_t weight, uint16_t sign, int ndigits, const uint16_t *digits)
{
	int i;

	buf[0] = 0;
	buf[1] = (unsigned char)ndigits;
	buf[2] = (unsigned char)((uint16_t)weight >> 8);
	buf[3] = (unsigned char)weight;
	buf[4] = (unsigned char)(sign >> 8);
	buf[5] = (unsigned char)sign;
	buf[6] = 0;
	buf[7] = 2;
	for (i = 0; i < ndigits; i++) {
		buf[8 + 2 * i] = (unsigned char)(digits[i] >> 8);
		buf[9 + 2 * i] = (unsigned char)digits[i];
	}
	return (copy_field){ buf, 8 + 2 * ndigits };
}

static void
numeric_decodes_to_exact_ten_thousandths(void **state)
{
	unsigned char buf[64];
	copy_field f;
	int64_t v;

	(void)state;
	f = numeric(buf, 0, 0, 0, NULL);                                  /* 0 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == 0);
	f = numeric(buf, 0, 0, 1, (const uint16_t[]){ 2 });                /* 2.00 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == 20000);
	f = numeric(buf, 0, 0, 2, (const uint16_t[]){ 1234, 5678 });       /* 1234.5678 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == 12345678);
	f = numeric(buf, -1, 0x4000, 1, (const uint16_t[]){ 2500 });       /* -0.25 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == -2500);
	f = numeric(buf, 1, 0, 3, (const uint16_t[]){ 1234, 5678, 9000 }); /* 12345678.9 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == INT64_C(123456789000));
	f = numeric(buf, 2, 0, 1, (const uint16_t[]){ 7 });                /* 7 * 10^8 */
	assert_int_equal(field_numeric(&f, &v), 0);
	assert_true(v == INT64_C(7000000000000));
}

static void
numeric_refuses_what_it_cannot_compare_exactly(void **state)
{
	unsigned char buf[64];
	copy_field f;
	int64_t v;

	(void)state;
	f = numeric(buf, -2, 0, 1, (const uint16_t[]){ 1 });              /* 0.00000001 */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = numeric(buf, 0, 0xC000, 0, NULL);                             /* NaN */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = numeric(buf, 0, 0xD000, 0, NULL);                             /* Infinity */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = numeric(buf, 5, 0, 1, (const uint16_t[]){ 1 });                /* 10^20: beyond int64 */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = numeric(buf, 0, 0, 1, (const uint16_t[]){ 10000 });            /* not a base-10000 digit */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = (copy_field){ NULL, -1 };                                       /* NULL */
	assert_int_equal(field_numeric(&f, &v), -1);
	f = numeric(buf, 0, 0, 2, (const uint16_t[]){ 1, 2 });
	f.len -= 1;                                                         /* truncated */
	assert_int_equal(field_numeric(&f, &v), -1);
}

static void
fields_decode_network_byte_order(void **state)
{
	const unsigned char i4[] = { 0xff, 0xff, 0xff, 0xfe }, ts[] = { 0, 0, 0, 0, 0, 0, 1, 0 };
	copy_field f;
	int32_t i;
	int64_t t;
	int b;

	(void)state;
	f = (copy_field){ i4, 4 };
	assert_int_equal(field_int4(&f, &i), 0);
	assert_int_equal(i, -2);
	f.len = 3;
	assert_int_equal(field_int4(&f, &i), -1);
	f = (copy_field){ ts, 8 };
	assert_int_equal(field_timestamp(&f, &t), 0);
	assert_true(t == 256);
	f = (copy_field){ (const unsigned char *)"\1", 1 };
	assert_int_equal(field_bool(&f, &b), 0);
	assert_int_equal(b, 1);
	f = (copy_field){ (const unsigned char *)"cash", 4 };
	assert_true(field_is(&f, "cash"));
	assert_false(field_is(&f, "cas"));
	assert_false(field_is(&f, "cashy"));
	f = (copy_field){ NULL, -1 };
	assert_false(field_is(&f, ""));
}

typedef struct test_slot {
	unsigned char key[16];
	uint32_t flags;
	uint32_t value;
} test_slot;

static void
tables_grow_and_find_every_key(void **state)
{
	table t;
	unsigned char key[16] = { 0 };
	uint32_t i, n = 20000;
	size_t it = 0, seen = 0;
	test_slot *s;

	(void)state;
	assert_int_equal(table_init(&t, sizeof(test_slot), 10, 42, NULL), 0);
	for (i = 0; i < n; i++) {
		memcpy(key, &i, sizeof(i));  /* sequential keys: the hash must spread them */
		s = table_get(&t, key, table_hash(42, key), 1);
		assert_non_null(s);
		assert_true(s->flags & SLOT_USED);
		s->value = i * 3;
	}
	assert_int_equal(t.count, n);
	assert_true(t.cap > n);
	for (i = 0; i < n; i++) {
		memcpy(key, &i, sizeof(i));
		s = table_get(&t, key, table_hash(42, key), 0);
		assert_non_null(s);
		assert_int_equal(s->value, i * 3);
	}
	i = n + 1;
	memcpy(key, &i, sizeof(i));
	assert_null(table_get(&t, key, table_hash(42, key), 0));
	while (table_next(&t, &it) != NULL)
		seen++;
	assert_int_equal(seen, n);
	assert_int_equal(table_bytes(&t), t.cap * sizeof(test_slot));
	table_free(&t);
}

/* Past 4 MiB a table is mapped for huge pages; growing moves it to a bigger mapping. */
static void
large_tables_grow_through_mappings(void **state)
{
	table t;
	unsigned char key[16] = { 1 };
	uint32_t i, n = 300000;
	test_slot *s;

	(void)state;
	assert_int_equal(table_init(&t, sizeof(test_slot), 200000, 7, NULL), 0);
	assert_true(t.mapped != 0);
	assert_int_equal((uintptr_t)t.slots % (2u << 20), 0);
	for (i = 0; i < n; i++) {
		memcpy(key + 4, &i, sizeof(i));
		s = table_get(&t, key, table_hash(7, key), 1);
		assert_non_null(s);
		s->value = i;
	}
	assert_true(t.mapped != 0 && t.cap == 2 * table_capacity(200000));  /* grew once */
	for (i = 0; i < n; i += 997) {
		memcpy(key + 4, &i, sizeof(i));
		s = table_get(&t, key, table_hash(7, key), 0);
		assert_non_null(s);
		assert_int_equal(s->value, i);
	}
	table_free(&t);
}

static uint64_t
elem(const unsigned char key[16], char tag, const copy_field *f, int64_t v)
{
	mset_elem e;

	mset_begin(&e, tag);
	mset_field(&e, f);
	mset_i64(&e, v);
	return mset_hash(key, &e);
}

static void
multisets_ignore_order_but_not_content(void **state)
{
	const unsigned char key[16] = { 9, 8, 7 };
	copy_field a = { (const unsigned char *)"aaaa", 4 }, b = { (const unsigned char *)"bbbb", 4 };
	copy_field empty = { (const unsigned char *)"", 0 }, null = { NULL, -1 };
	uint64_t left, right;

	(void)state;
	/* {(a,1), (b,2)} added in one order and taken away in the other: 0. */
	left = modp_add(elem(key, 'S', &a, 1), elem(key, 'S', &b, 2));
	right = modp_add(elem(key, 'S', &b, 2), elem(key, 'S', &a, 1));
	assert_true(modp_sub(left, right) == 0);
	/* Swapping the values between the rows is a different multiset. */
	right = modp_add(elem(key, 'S', &a, 2), elem(key, 'S', &b, 1));
	assert_true(modp_sub(left, right) != 0);
	/* A duplicated element is not the element once. */
	assert_true(modp_sub(modp_add(elem(key, 'S', &a, 1), elem(key, 'S', &a, 1)), elem(key, 'S', &a, 1)) != 0);
	/* Tags separate kinds; NULL is neither the empty value nor any other. */
	assert_true(elem(key, 'S', &a, 1) != elem(key, 'A', &a, 1));
	assert_true(elem(key, 'S', &null, 1) != elem(key, 'S', &empty, 1));
	/* Hashes are field elements. */
	assert_true(elem(key, 'S', &a, 1) < MSET_P);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siphash_matches_the_reference_vectors),
		cmocka_unit_test(arithmetic_is_modulo_the_mersenne_prime),
		cmocka_unit_test(numeric_decodes_to_exact_ten_thousandths),
		cmocka_unit_test(numeric_refuses_what_it_cannot_compare_exactly),
		cmocka_unit_test(fields_decode_network_byte_order),
		cmocka_unit_test(tables_grow_and_find_every_key),
		cmocka_unit_test(large_tables_grow_through_mappings),
		cmocka_unit_test(multisets_ignore_order_but_not_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
