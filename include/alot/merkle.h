/*
 * alot/merkle.h - the Merkle tree over a room's ticket ledger, in the style
 * of RFC 9162 section 2.1: leaf hash SHA-256(0x00 || leaf), node hash
 * SHA-256(0x01 || left || right), split at the largest power of two.
 *
 * Part of the core.  Nothing here allocates except alot_merkle_proof(),
 * whose output buffer the caller provides.
 */
#ifndef ALOT_MERKLE_H
#define ALOT_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "alot/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_LEAF_LEN       40 /* entry_id || user_id || u32 start || u32 end */
#define ALOT_MAX_PROOF_LEN  64 /* hashes in an audit path */

/* The 40 bytes of a ledger entry's leaf. */
void alot_leaf_bytes(const alot_ticket_range *range, unsigned char out[ALOT_LEAF_LEN]);
void alot_merkle_leaf_hash(const alot_ticket_range *range, unsigned char out[ALOT_HASH_LEN]);
void alot_merkle_node_hash(const unsigned char left[ALOT_HASH_LEN],
                           const unsigned char right[ALOT_HASH_LEN],
                           unsigned char out[ALOT_HASH_LEN]);

/*
 * Streaming root: O(log n) memory.  Initialize with alot_merkle_init(), add
 * the leaves in ledger order, then finish (at least one leaf).
 */
typedef struct alot_merkle_builder {
	unsigned char stack[ALOT_MAX_PROOF_LEN][ALOT_HASH_LEN];
	unsigned char level[ALOT_MAX_PROOF_LEN];
	size_t depth;
	uint64_t leaves;
} alot_merkle_builder;

void alot_merkle_init(alot_merkle_builder *b);
void alot_merkle_add_leaf_hash(alot_merkle_builder *b, const unsigned char leaf[ALOT_HASH_LEN]);
void alot_merkle_add(alot_merkle_builder *b, const alot_ticket_range *range);
alot_code alot_merkle_finish(alot_merkle_builder *b, unsigned char root[ALOT_HASH_LEN],
                             alot_error *err) ALOT_WARN_UNUSED;

/* The root of n leaf hashes (n >= 1). */
void alot_merkle_root(const unsigned char (*leaves)[ALOT_HASH_LEN], size_t n,
                      unsigned char root[ALOT_HASH_LEN]);

/*
 * The audit path of leaf index among n leaf hashes, into path (room for
 * ALOT_MAX_PROOF_LEN hashes); its length into *path_len.
 */
alot_code alot_merkle_proof(const unsigned char (*leaves)[ALOT_HASH_LEN], size_t n,
                            size_t index, unsigned char (*path)[ALOT_HASH_LEN],
                            size_t *path_len, alot_error *err) ALOT_WARN_UNUSED;

/*
 * ALOT_OK when leaf_hash at index of a tree of tree_size leaves, with the
 * audit path, hashes to root (RFC 9162 2.1.3.2); ALOT_ERR_VERIFY otherwise.
 */
alot_code alot_merkle_verify_proof(const unsigned char leaf_hash[ALOT_HASH_LEN],
                                   uint64_t index, uint64_t tree_size,
                                   const unsigned char (*path)[ALOT_HASH_LEN], size_t path_len,
                                   const unsigned char root[ALOT_HASH_LEN],
                                   alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_MERKLE_H */
