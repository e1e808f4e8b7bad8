/*
 * merkle.c - the ticket ledger's Merkle tree (RFC 9162 section 2.1 style):
 * leaf and node hashes, a streaming root in O(log n) memory, audit paths
 * and their verification.
 */
/* The block function of OpenSSL's low-level SHA-256, which 3.0 deprecates. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <string.h>

#include <openssl/sha.h>

#include "alot/merkle.h"
#include "encoding.h"

/*
 * Leaf and node hashes are SHA-256 of inputs whose length never changes (41
 * and 65 bytes), so this file pads them itself and runs SHA-256's block
 * function on exactly the one or two blocks each needs: no context to
 * allocate, no padding logic per call, nothing but the compression a bulk
 * SHA-256 of as many blocks would do (bench/draw/merkle_bench.c measures
 * the two).  The input is public; nothing here needs wiping.
 */
static inline uint32_t
to_big_endian(uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return v;
#else
	return __builtin_bswap32(v);
#endif
}

static void
sha256_padded_blocks(const unsigned char *blocks, size_t nblocks, unsigned char out[ALOT_HASH_LEN])
{
	SHA256_CTX c;
	uint32_t be[8];
	size_t i;

	SHA256_Init(&c);
	for (i = 0; i < nblocks; i++)
		SHA256_Transform(&c, blocks + 64 * i);
	/* Big-endian words, stored whole: byte stores here stall the loads
	 * of the next hash, which reads them back at once. */
	for (i = 0; i < 8; i++)
		be[i] = to_big_endian((uint32_t)c.h[i]);
	memcpy(out, be, sizeof(be));
}

/*
 * SHA-256's padding of the two fixed lengths: 0x80, zeros, and the length
 * in bits as a 64-bit big-endian number ending the last block.  Copied
 * whole, like the hashes above.
 */
#define LEAF_INPUT_LEN (1 + ALOT_LEAF_LEN)      /* 41 bytes: one block */
#define NODE_INPUT_LEN (1 + 2 * ALOT_HASH_LEN)  /* 65 bytes: two blocks */
static const unsigned char leaf_padding[64 - LEAF_INPUT_LEN] = {
	[0] = 0x80, [64 - LEAF_INPUT_LEN - 2] = (LEAF_INPUT_LEN * 8) >> 8, [64 - LEAF_INPUT_LEN - 1] = (LEAF_INPUT_LEN * 8) & 0xff
};
static const unsigned char node_padding[128 - NODE_INPUT_LEN] = {
	[0] = 0x80, [128 - NODE_INPUT_LEN - 2] = (NODE_INPUT_LEN * 8) >> 8, [128 - NODE_INPUT_LEN - 1] = (NODE_INPUT_LEN * 8) & 0xff
};

void
alot_leaf_bytes(const alot_ticket_range *r, unsigned char out[ALOT_LEAF_LEN])
{
	uint32_t range[2] = { to_big_endian(r->tickets_start), to_big_endian(r->tickets_end) };

	memcpy(out, r->entry_id.b, ALOT_UUID_LEN);
	memcpy(out + ALOT_UUID_LEN, r->user_id.b, ALOT_UUID_LEN);
	memcpy(out + 2 * ALOT_UUID_LEN, range, sizeof(range));
}

void
alot_merkle_leaf_hash(const alot_ticket_range *r, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[64];

	buf[0] = 0x00;
	alot_leaf_bytes(r, buf + 1);
	memcpy(buf + LEAF_INPUT_LEN, leaf_padding, sizeof(leaf_padding));
	sha256_padded_blocks(buf, 1, out);
}

void
alot_merkle_node_hash(const unsigned char left[ALOT_HASH_LEN],
                      const unsigned char right[ALOT_HASH_LEN], unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[128];

	buf[0] = 0x01;
	memcpy(buf + 1, left, ALOT_HASH_LEN);
	memcpy(buf + 1 + ALOT_HASH_LEN, right, ALOT_HASH_LEN);
	memcpy(buf + NODE_INPUT_LEN, node_padding, sizeof(node_padding));
	sha256_padded_blocks(buf, 2, out);
}

void
alot_merkle_init(alot_merkle_builder *b)
{
	b->depth = 0;
	b->leaves = 0;
}

/*
 * The stack holds the roots of perfect subtrees of strictly decreasing
 * height; adding a leaf merges equal heights like a binary counter.
 * Finishing merges from the right, which is exactly RFC 9162's split at
 * the largest power of two.
 */
void
alot_merkle_add_leaf_hash(alot_merkle_builder *b, const unsigned char leaf[ALOT_HASH_LEN])
{
	memcpy(b->stack[b->depth], leaf, ALOT_HASH_LEN);
	b->level[b->depth] = 0;
	b->depth++;
	b->leaves++;
	while (b->depth >= 2 && b->level[b->depth - 1] == b->level[b->depth - 2]) {
		alot_merkle_node_hash(b->stack[b->depth - 2], b->stack[b->depth - 1],
		                      b->stack[b->depth - 2]);
		b->level[b->depth - 2]++;
		b->depth--;
	}
}

void
alot_merkle_add(alot_merkle_builder *b, const alot_ticket_range *range)
{
	unsigned char leaf[ALOT_HASH_LEN];

	alot_merkle_leaf_hash(range, leaf);
	alot_merkle_add_leaf_hash(b, leaf);
}

alot_code
alot_merkle_finish(alot_merkle_builder *b, unsigned char root[ALOT_HASH_LEN], alot_error *err)
{
	if (b->depth == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "a Merkle tree needs at least one leaf");
	while (b->depth >= 2) {
		alot_merkle_node_hash(b->stack[b->depth - 2], b->stack[b->depth - 1],
		                      b->stack[b->depth - 2]);
		b->depth--;
	}
	memcpy(root, b->stack[0], ALOT_HASH_LEN);
	return ALOT_OK;
}

void
alot_merkle_root(const unsigned char (*leaves)[ALOT_HASH_LEN], size_t n,
                 unsigned char root[ALOT_HASH_LEN])
{
	alot_merkle_builder b;
	size_t i;

	alot_merkle_init(&b);
	for (i = 0; i < n; i++)
		alot_merkle_add_leaf_hash(&b, leaves[i]);
	if (alot_merkle_finish(&b, root, NULL) != ALOT_OK)
		memset(root, 0, ALOT_HASH_LEN);
}

static size_t
largest_power_of_two_below(size_t n)
{
	size_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* RFC 9162 PATH(m, D[n]), appended to path from the leaf upwards. */
static void
audit_path(const unsigned char (*leaves)[ALOT_HASH_LEN], size_t n, size_t m,
           unsigned char (*path)[ALOT_HASH_LEN], size_t *len)
{
	size_t k;

	if (n <= 1)
		return;
	k = largest_power_of_two_below(n);
	if (m < k) {
		audit_path(leaves, k, m, path, len);
		alot_merkle_root(leaves + k, n - k, path[(*len)++]);
	} else {
		audit_path(leaves + k, n - k, m - k, path, len);
		alot_merkle_root(leaves, k, path[(*len)++]);
	}
}

alot_code
alot_merkle_proof(const unsigned char (*leaves)[ALOT_HASH_LEN], size_t n, size_t index,
                  unsigned char (*path)[ALOT_HASH_LEN], size_t *path_len, alot_error *err)
{
	*path_len = 0;
	if (index >= n)
		return alot_error_set(err, ALOT_ERR_INVALID, "leaf index %zu is outside a tree of %zu leaves",
		                      index, n);
	audit_path(leaves, n, index, path, path_len);
	return ALOT_OK;
}

alot_code
alot_merkle_verify_proof(const unsigned char leaf_hash[ALOT_HASH_LEN], uint64_t index,
                         uint64_t tree_size, const unsigned char (*path)[ALOT_HASH_LEN],
                         size_t path_len, const unsigned char root[ALOT_HASH_LEN],
                         alot_error *err)
{
	unsigned char r[ALOT_HASH_LEN];
	uint64_t fn = index, sn = tree_size - 1;
	size_t i;

	if (tree_size == 0 || index >= tree_size || path_len > ALOT_MAX_PROOF_LEN)
		return alot_error_set(err, ALOT_ERR_VERIFY, "leaf index %llu is outside a tree of %llu leaves",
		                      (unsigned long long)index, (unsigned long long)tree_size);
	memcpy(r, leaf_hash, ALOT_HASH_LEN);
	for (i = 0; i < path_len; i++) {
		if (sn == 0)
			return alot_error_set(err, ALOT_ERR_VERIFY, "the audit path is too long");
		if ((fn & 1) || fn == sn) {
			alot_merkle_node_hash(path[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			alot_merkle_node_hash(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the audit path is too short");
	if (!alot_ct_equal(r, root, ALOT_HASH_LEN))
		return alot_error_set(err, ALOT_ERR_VERIFY, "the audit path does not lead to the ledger root");
	return ALOT_OK;
}
