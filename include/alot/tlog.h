/*
 * alot/tlog.h - the transparency log's Merkle tree (RFC 9162 section 2.1,
 * the hashing of RFC 6962), its proofs, the static layout of
 * c2sp.org/tlog-tiles and the proof files of c2sp.org/tlog-proof.
 *
 * Leaves are hashed SHA-256(0x00 || entry), nodes SHA-256(0x01 || l || r),
 * exactly as the ticket ledger's tree (alot/merkle.h) and as Certificate
 * Transparency and the Go checksum database do.  The tree's stored hashes
 * are addressed by (level, index): the hash of the complete subtree over
 * leaves [index * 2^level, (index + 1) * 2^level).  Where they live (the
 * database, tiles on disk, memory) is the caller's: functions that need
 * them read them through an alot_tlog_reader.
 *
 * Part of the core (OpenSSL only).  Ownership: every output goes to
 * caller-provided memory, except the strings returned through "char **",
 * which are malloc()ed and the caller's to free().
 */
#ifndef ALOT_TLOG_H
#define ALOT_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "alot/crypto.h"
#include "alot/error.h"
#include "alot/note.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_TLOG_MAX_PROOF   63      /* hashes in an inclusion or consistency proof */
#define ALOT_TLOG_ENTRY_MAX   65535   /* bytes of one entry: an entry bundle's uint16 length */
#define ALOT_TLOG_TILE_HEIGHT 8
#define ALOT_TLOG_TILE_WIDTH  256
#define ALOT_TLOG_PATH_MAX    96      /* bytes of a tile path, NUL included */

/* SHA-256(0x00 || entry): the leaf hash of a log entry of len bytes. */
void alot_tlog_leaf_hash(const void *entry, size_t len, unsigned char out[ALOT_HASH_LEN]);

/* SHA-256 of nothing: the root of the empty tree (RFC 9162 2.1.1). */
void alot_tlog_empty_root(unsigned char out[ALOT_HASH_LEN]);

/*
 * Reads the stored hash (level, index) into out.  Returns ALOT_OK, or an
 * error (err set) that the caller passes on.  ctx is the caller's.
 */
typedef alot_code (*alot_tlog_reader)(void *ctx, unsigned level, uint64_t index,
                                      unsigned char out[ALOT_HASH_LEN], alot_error *err);

/* The root of the first size leaves (size 0: the empty root). */
alot_code alot_tlog_tree_hash(uint64_t size, alot_tlog_reader read, void *ctx,
                              unsigned char root[ALOT_HASH_LEN],
                              alot_error *err) ALOT_WARN_UNUSED;

/*
 * The inclusion proof of leaf index in the tree of size leaves (RFC 9162
 * 2.1.3.1), its length into *len.  ALOT_ERR_INVALID when index >= size.
 */
alot_code alot_tlog_inclusion_proof(uint64_t index, uint64_t size, alot_tlog_reader read,
                                    void *ctx, unsigned char (*proof)[ALOT_HASH_LEN],
                                    size_t *len, alot_error *err) ALOT_WARN_UNUSED;

/*
 * The consistency proof from old_size to new_size (RFC 9162 2.1.4.1),
 * empty when old_size is 0 or equal to new_size.  ALOT_ERR_INVALID when
 * old_size > new_size.
 */
alot_code alot_tlog_consistency_proof(uint64_t old_size, uint64_t new_size,
                                      alot_tlog_reader read, void *ctx,
                                      unsigned char (*proof)[ALOT_HASH_LEN], size_t *len,
                                      alot_error *err) ALOT_WARN_UNUSED;

/*
 * ALOT_OK when leaf_hash is leaf index of the tree of size leaves whose
 * root is root (RFC 9162 2.1.3.2); ALOT_ERR_VERIFY (err saying so)
 * otherwise, ALOT_ERR_INVALID when index >= size or the proof is too long.
 */
alot_code alot_tlog_verify_inclusion(const unsigned char leaf_hash[ALOT_HASH_LEN],
                                     uint64_t index, uint64_t size,
                                     const unsigned char (*proof)[ALOT_HASH_LEN], size_t len,
                                     const unsigned char root[ALOT_HASH_LEN],
                                     alot_error *err) ALOT_WARN_UNUSED;

/*
 * ALOT_OK when the tree of new_size leaves with root new_root extends the
 * tree of old_size leaves with root old_root (RFC 9162 2.1.4.2).  An old
 * size of 0 needs an empty proof; equal sizes need an empty proof and
 * equal roots.  ALOT_ERR_VERIFY when the proof does not prove it,
 * ALOT_ERR_INVALID when old_size > new_size.
 */
alot_code alot_tlog_verify_consistency(uint64_t old_size, uint64_t new_size,
                                       const unsigned char old_root[ALOT_HASH_LEN],
                                       const unsigned char new_root[ALOT_HASH_LEN],
                                       const unsigned char (*proof)[ALOT_HASH_LEN], size_t len,
                                       alot_error *err) ALOT_WARN_UNUSED;

/*
 * Appending: the stored hashes that leaf index adds, given the hashes
 * already stored.  The leaf's own hash is (0, index); each completed
 * parent is (level, index >> level).  Writes them in that order into
 * out (room for ALOT_TLOG_MAX_PROOF + 1) and their levels into levels,
 * their count into *count.  Reads at most one stored hash per level.
 */
alot_code alot_tlog_append_hashes(uint64_t index, const unsigned char leaf_hash[ALOT_HASH_LEN],
                                  alot_tlog_reader read, void *ctx,
                                  unsigned char (*out)[ALOT_HASH_LEN], unsigned *levels,
                                  size_t *count, alot_error *err) ALOT_WARN_UNUSED;

/* ---- tiles (c2sp.org/tlog-tiles) ----------------------------------- */

/*
 * The path of tile n at level (0..63), or of entry bundle n when level is
 * ALOT_TLOG_ENTRIES, of width hashes (1..256; 256 is a full tile, others
 * get ".p/W"), into buf: "tile/0/x001/x234/067", "tile/entries/000.p/7".
 * Any other level or width gives the empty string.
 */
#define ALOT_TLOG_ENTRIES (-1)
void alot_tlog_tile_path(int level, uint64_t n, unsigned width, char buf[ALOT_TLOG_PATH_MAX]);

/*
 * The width of tile n at level in a tree of size leaves: 256 for a full
 * tile, 1..255 for the partial rightmost one, 0 when the tile does not
 * exist at that size.  Level ALOT_TLOG_ENTRIES counts as level 0.
 */
unsigned alot_tlog_tile_width(int level, uint64_t n, uint64_t size);

/* ---- proof files (c2sp.org/tlog-proof@v1) -------------------------- */

typedef struct alot_tlog_proof {
	uint64_t index;
	size_t len;                                  /* hashes in path */
	unsigned char path[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	alot_note checkpoint;                        /* the signed, perhaps cosigned, checkpoint */
	alot_checkpoint tree;                        /* its parsed text */
} alot_tlog_proof;

/*
 * Parse a tlog-proof of len bytes strictly: the header line, no "extra"
 * line (this project sets none), the index, the path, a blank line, and a
 * signed note whose text is a checkpoint of more than index leaves.  No
 * signature is checked here.  Release with alot_tlog_proof_free() (also
 * after a failure, when *out is zeroed).  ALOT_ERR_INVALID naming what is
 * wrong.
 */
alot_code alot_tlog_proof_parse(const char *text, size_t len, alot_tlog_proof *out,
                                alot_error *err) ALOT_WARN_UNUSED;
void alot_tlog_proof_free(alot_tlog_proof *proof);

/* The text of a tlog-proof: index, path, and the signed note (whole, as given). */
alot_code alot_tlog_proof_format(uint64_t index, const unsigned char (*path)[ALOT_HASH_LEN],
                                 size_t len, const char *signed_checkpoint,
                                 size_t checkpoint_len, char **text,
                                 alot_error *err) ALOT_WARN_UNUSED;

/* ---- witness policy ------------------------------------------------ */

/*
 * A verifier's policy: the log's key (its name is the origin) and the
 * witnesses, of which at least quorum must have cosigned.
 */
#define ALOT_TLOG_MAX_WITNESSES 16
typedef struct alot_tlog_policy {
	alot_note_verifier log;
	size_t witness_count;
	alot_note_verifier witnesses[ALOT_TLOG_MAX_WITNESSES];
	size_t quorum;
} alot_tlog_policy;

/* The outcome of a checkpoint under a policy. */
typedef struct alot_tlog_verdict {
	alot_checkpoint tree;
	size_t cosigned;                             /* policy witnesses that cosigned */
	int cosigned_by[ALOT_TLOG_MAX_WITNESSES];
	uint64_t timestamps[ALOT_TLOG_MAX_WITNESSES];
	/*
	 * The checkpoint's time under the policy: the quorum-th earliest
	 * cosignature timestamp, when the moment at least one witness the
	 * policy trusts had seen it (0 when quorum is 0 or not reached).
	 */
	uint64_t policy_time;
} alot_tlog_verdict;

/*
 * Verify a signed checkpoint under policy: its text a checkpoint whose
 * origin is the log key's name, signed by the log key, and cosigned by
 * at least quorum of the witnesses.  ALOT_ERR_VERIFY (err naming what
 * failed: the origin, the log signature, a witness's bad cosignature, the
 * quorum) otherwise; *out is filled as far as it got.  ALOT_ERR_INVALID
 * when the note's text is not a checkpoint or the policy is malformed (a
 * log key not 0x01, a witness key not 0x04, quorum > witness_count).
 */
alot_code alot_tlog_checkpoint_verify(const alot_note *note, const alot_tlog_policy *policy,
                                      alot_tlog_verdict *out,
                                      alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_TLOG_H */
