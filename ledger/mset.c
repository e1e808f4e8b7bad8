/*
 * mset.c - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), and the multiset elements the scan hashes with
 * it.  A multiset is kept as the sum, modulo the prime 2^61 - 1, of the
 * keyed hashes of its elements (an additive multiset hash): adding one
 * side's elements and subtracting the other's leaves 0 exactly when the
 * sides agree, except with probability 2^-61, whatever order rows come in.
 */
#include <string.h>

#include "scan.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                         \
	do {                                                             \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                    \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                    \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t
le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t
siphash24(const unsigned char key[16], const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575), v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261), v3 = k1 ^ UINT64_C(0x7465646279746573);
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; j < tail; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void
mset_begin(mset_elem *e, char tag)
{
	e->buf[0] = (unsigned char)tag;
	e->len = 1;
}

void
mset_bytes(mset_elem *e, const void *p, size_t n)
{
	/* Every element is a few fixed-size fields; the buffer is sized for them. */
	if (e->len + n > sizeof(e->buf))
		n = sizeof(e->buf) - e->len;
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

void
mset_i64(mset_elem *e, int64_t v)
{
	mset_bytes(e, &v, sizeof(v));
}

void
mset_field(mset_elem *e, const copy_field *f)
{
	/* A length prefix keeps NULL (-1) apart from every value, the empty one included. */
	int32_t len = f->len;

	mset_bytes(e, &len, sizeof(len));
	if (len > 0)
		mset_bytes(e, f->data, (size_t)len);
}

uint64_t
mset_hash(const unsigned char key[16], const mset_elem *e)
{
	return modp_reduce(siphash24(key, e->buf, e->len));
}
