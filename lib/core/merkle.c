/*
 * merkle.c - the ticket ledger's Merkle tree (RFC 9162 section 2.1 style):
 * leaf and node hashes, a streaming root in O(log n) memory, audit paths
 * and their verification.
 */
#include <string.h>

#include "alot/merkle.h"
#include "encoding.h"

void
alot_leaf_bytes(const alot_ticket_range *r, unsigned char out[ALOT_LEAF_LEN])
{
	memcpy(out, r->entry_id.b, ALOT_UUID_LEN);
	memcpy(out + ALOT_UUID_LEN, r->user_id.b, ALOT_UUID_LEN);
	Alot_put_u32(out, 2 * ALOT_UUID_LEN, r->tickets_start);
	Alot_put_u32(out, 2 * ALOT_UUID_LEN + 4, r->tickets_end);
}

void
alot_merkle_leaf_hash(const alot_ticket_range *r, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[1 + ALOT_LEAF_LEN];

	buf[0] = 0x00;
	alot_leaf_bytes(r, buf + 1);
	alot_sha256(buf, sizeof(buf), out);
}

void
alot_merkle_node_hash(const unsigned char left[ALOT_HASH_LEN],
                      const unsigned char right[ALOT_HASH_LEN], unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[1 + 2 * ALOT_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, ALOT_HASH_LEN);
	memcpy(buf + 1 + ALOT_HASH_LEN, right, ALOT_HASH_LEN);
	alot_sha256(buf, sizeof(buf), out);
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
