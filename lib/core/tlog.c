/*
 * tlog.c - the transparency log's Merkle tree (RFC 9162 section 2.1):
 * tree hashes from stored complete-subtree hashes, inclusion and
 * consistency proofs and their verification, the hashes an appended leaf
 * completes, the tile layout of c2sp.org/tlog-tiles, tlog-proof files
 * (c2sp.org/tlog-proof@v1), and checkpoints under a witness policy.
 *
 * Stored hashes are addressed by (level, index); every MTH(D[a:b]) the
 * RFC's recursions need is folded from the complete subtrees that make
 * up [a, b), so an incomplete right edge costs at most one read per level.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/merkle.h"
#include "alot/tlog.h"

#define PROOF_HEADER     "c2sp.org/tlog-proof@v1"
#define PROOF_HEADER_LEN (sizeof(PROOF_HEADER) - 1)
#define HASH_B64_LEN     44
#define MAX_LEVEL        63

void
alot_tlog_leaf_hash(const void *entry, size_t len, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char *buf = malloc(len + 1);

	if (buf == NULL) {
		memset(out, 0, ALOT_HASH_LEN); /* never the hash of anything */
		return;
	}
	buf[0] = 0x00;
	if (len > 0)
		memcpy(buf + 1, entry, len);
	alot_sha256(buf, len + 1, out);
	free(buf);
}

void
alot_tlog_empty_root(unsigned char out[ALOT_HASH_LEN])
{
	alot_sha256("", 0, out);
}

/* ---- tree hashes ------------------------------------------------------- */

/* The largest power of two smaller than n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

/* The level of the largest complete subtree starting at start within [start, end). */
static unsigned
largest_subtree_at(uint64_t start, uint64_t end)
{
	unsigned level = 0;

	while (level < MAX_LEVEL && (start & ((UINT64_C(1) << (level + 1)) - 1)) == 0 &&
	       end - start >= (UINT64_C(1) << (level + 1)))
		level++;
	return level;
}

/*
 * MTH(D[start:end]) for a range of the RFC's recursions (start aligned to
 * a power of two at least end - start): the complete subtrees covering it,
 * largest first, folded from the right.
 */
static alot_code
range_hash(uint64_t start, uint64_t end, alot_tlog_reader read, void *ctx,
           unsigned char out[ALOT_HASH_LEN], alot_error *err)
{
	unsigned char parts[MAX_LEVEL + 1][ALOT_HASH_LEN];
	size_t n = 0;
	alot_code rc = ALOT_OK;

	while (start < end) {
		unsigned level = largest_subtree_at(start, end);

		if ((rc = read(ctx, level, start >> level, parts[n], err)) != ALOT_OK)
			goto out;
		n++;
		start += UINT64_C(1) << level;
	}
	if (n == 0) {
		rc = alot_error_set(err, ALOT_ERR_INTERNAL, "the hash of an empty range was asked for");
		goto out;
	}
	memcpy(out, parts[n - 1], ALOT_HASH_LEN);
	while (--n > 0)
		alot_merkle_node_hash(parts[n - 1], out, out);
out:
	return rc;
}

alot_code
alot_tlog_tree_hash(uint64_t size, alot_tlog_reader read, void *ctx,
                    unsigned char root[ALOT_HASH_LEN], alot_error *err)
{
	if (size == 0) {
		alot_tlog_empty_root(root);
		return ALOT_OK;
	}
	return range_hash(0, size, read, ctx, root, err);
}

/* ---- proofs ------------------------------------------------------------- */

typedef struct proof_out {
	unsigned char (*hashes)[ALOT_HASH_LEN];
	size_t len;
	alot_tlog_reader read;
	void *ctx;
} proof_out;

static alot_code
append_range(proof_out *p, uint64_t start, uint64_t end, alot_error *err)
{
	if (p->len == ALOT_TLOG_MAX_PROOF)
		return alot_error_set(err, ALOT_ERR_INVALID, "the proof would have more than %d hashes",
		                      ALOT_TLOG_MAX_PROOF);
	return range_hash(start, end, p->read, p->ctx, p->hashes[p->len++], err);
}

/* PATH(m, D[a:b]) of RFC 9162 2.1.3.1, m absolute. */
static alot_code
inclusion_path(proof_out *p, uint64_t m, uint64_t a, uint64_t b, alot_error *err)
{
	uint64_t k;
	alot_code rc;

	if (b - a <= 1)
		return ALOT_OK;
	k = split_point(b - a);
	if (m < a + k) {
		if ((rc = inclusion_path(p, m, a, a + k, err)) != ALOT_OK)
			return rc;
		return append_range(p, a + k, b, err);
	}
	if ((rc = inclusion_path(p, m, a + k, b, err)) != ALOT_OK)
		return rc;
	return append_range(p, a, a + k, err);
}

alot_code
alot_tlog_inclusion_proof(uint64_t index, uint64_t size, alot_tlog_reader read, void *ctx,
                          unsigned char (*proof)[ALOT_HASH_LEN], size_t *len, alot_error *err)
{
	proof_out p = {proof, 0, read, ctx};
	alot_code rc;

	*len = 0;
	if (index >= size)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "leaf index %" PRIu64 " is outside a tree of %" PRIu64 " leaves",
		                      index, size);
	rc = inclusion_path(&p, index, 0, size, err);
	if (rc == ALOT_OK)
		*len = p.len;
	return rc;
}

/* SUBPROOF(m, D[a:b], whole) of RFC 9162 2.1.4.1, m relative to a. */
static alot_code
consistency_path(proof_out *p, uint64_t m, uint64_t a, uint64_t b, int whole, alot_error *err)
{
	uint64_t k;
	alot_code rc;

	if (m == b - a)
		return whole ? ALOT_OK : append_range(p, a, b, err);
	k = split_point(b - a);
	if (m <= k) {
		if ((rc = consistency_path(p, m, a, a + k, whole, err)) != ALOT_OK)
			return rc;
		return append_range(p, a + k, b, err);
	}
	if ((rc = consistency_path(p, m - k, a + k, b, 0, err)) != ALOT_OK)
		return rc;
	return append_range(p, a, a + k, err);
}

alot_code
alot_tlog_consistency_proof(uint64_t old_size, uint64_t new_size, alot_tlog_reader read,
                            void *ctx, unsigned char (*proof)[ALOT_HASH_LEN], size_t *len,
                            alot_error *err)
{
	proof_out p = {proof, 0, read, ctx};
	alot_code rc = ALOT_OK;

	*len = 0;
	if (old_size > new_size)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "old tree size %" PRIu64 " is larger than new tree size %" PRIu64,
		                      old_size, new_size);
	if (old_size > 0 && old_size < new_size)
		rc = consistency_path(&p, old_size, 0, new_size, 1, err);
	if (rc == ALOT_OK)
		*len = p.len;
	return rc;
}

/* Shift fn and sn right until fn's lowest bit is set or fn is 0. */
static void
climb_left_edge(uint64_t *fn, uint64_t *sn)
{
	while (!(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

alot_code
alot_tlog_verify_inclusion(const unsigned char leaf_hash[ALOT_HASH_LEN], uint64_t index,
                           uint64_t size, const unsigned char (*proof)[ALOT_HASH_LEN], size_t len,
                           const unsigned char root[ALOT_HASH_LEN], alot_error *err)
{
	unsigned char r[ALOT_HASH_LEN];
	uint64_t fn = index, sn = size - 1;
	size_t i;

	if (index >= size)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "leaf index %" PRIu64 " is outside a tree of %" PRIu64 " leaves",
		                      index, size);
	if (len > ALOT_TLOG_MAX_PROOF)
		return alot_error_set(err, ALOT_ERR_INVALID, "the inclusion proof has more than %d hashes",
		                      ALOT_TLOG_MAX_PROOF);
	memcpy(r, leaf_hash, ALOT_HASH_LEN);
	for (i = 0; i < len; i++) {
		if (sn == 0)
			return alot_error_set(err, ALOT_ERR_VERIFY, "the inclusion proof is too long");
		if ((fn & 1) || fn == sn) {
			alot_merkle_node_hash(proof[i], r, r);
			climb_left_edge(&fn, &sn);
		} else {
			alot_merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the inclusion proof is too short");
	if (!alot_ct_equal(r, root, ALOT_HASH_LEN))
		return alot_error_set(err, ALOT_ERR_VERIFY,
		                      "the inclusion proof of leaf %" PRIu64 " does not lead to the root of size %" PRIu64,
		                      index, size);
	return ALOT_OK;
}

/* Steps 2 to 6 of RFC 9162 2.1.4.2 over path (its first hash included). */
static alot_code
fold_consistency(uint64_t old_size, uint64_t new_size, const unsigned char *first,
                 const unsigned char (*rest)[ALOT_HASH_LEN], size_t n,
                 const unsigned char old_root[ALOT_HASH_LEN],
                 const unsigned char new_root[ALOT_HASH_LEN], alot_error *err)
{
	unsigned char fr[ALOT_HASH_LEN], sr[ALOT_HASH_LEN];
	uint64_t fn = old_size - 1, sn = new_size - 1;
	size_t i;

	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, first, ALOT_HASH_LEN);
	memcpy(sr, first, ALOT_HASH_LEN);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return alot_error_set(err, ALOT_ERR_VERIFY, "the consistency proof is too long");
		if ((fn & 1) || fn == sn) {
			alot_merkle_node_hash(rest[i], fr, fr);
			alot_merkle_node_hash(rest[i], sr, sr);
			climb_left_edge(&fn, &sn);
		} else {
			alot_merkle_node_hash(sr, rest[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the consistency proof is too short");
	if (!alot_ct_equal(fr, old_root, ALOT_HASH_LEN) || !alot_ct_equal(sr, new_root, ALOT_HASH_LEN))
		return alot_error_set(err, ALOT_ERR_VERIFY,
		                      "the consistency proof does not lead from size %" PRIu64 " to size %" PRIu64,
		                      old_size, new_size);
	return ALOT_OK;
}

alot_code
alot_tlog_verify_consistency(uint64_t old_size, uint64_t new_size,
                             const unsigned char old_root[ALOT_HASH_LEN],
                             const unsigned char new_root[ALOT_HASH_LEN],
                             const unsigned char (*proof)[ALOT_HASH_LEN], size_t len,
                             alot_error *err)
{
	if (old_size > new_size)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "old tree size %" PRIu64 " is larger than new tree size %" PRIu64,
		                      old_size, new_size);
	if (len > ALOT_TLOG_MAX_PROOF)
		return alot_error_set(err, ALOT_ERR_INVALID, "the consistency proof has more than %d hashes",
		                      ALOT_TLOG_MAX_PROOF);
	if (old_size == new_size) {
		if (len != 0 || !alot_ct_equal(old_root, new_root, ALOT_HASH_LEN))
			return alot_error_set(err, ALOT_ERR_VERIFY,
			                      "trees of the same size %" PRIu64 " need equal roots and an empty proof",
			                      old_size);
		return ALOT_OK;
	}
	if (old_size == 0) {
		if (len != 0)
			return alot_error_set(err, ALOT_ERR_VERIFY, "a consistency proof from size 0 must be empty");
		return ALOT_OK;
	}
	if ((old_size & (old_size - 1)) == 0) /* a power of two: the old root starts the path */
		return fold_consistency(old_size, new_size, old_root, proof, len, old_root, new_root, err);
	if (len == 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the consistency proof is empty");
	return fold_consistency(old_size, new_size, proof[0], proof + 1, len - 1, old_root, new_root,
	                        err);
}

alot_code
alot_tlog_append_hashes(uint64_t index, const unsigned char leaf_hash[ALOT_HASH_LEN],
                        alot_tlog_reader read, void *ctx, unsigned char (*out)[ALOT_HASH_LEN],
                        unsigned *levels, size_t *count, alot_error *err)
{
	unsigned char left[ALOT_HASH_LEN];
	uint64_t i = index;
	unsigned level = 0;
	alot_code rc = ALOT_OK;

	*count = 0;
	if (index == UINT64_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "leaf index %" PRIu64 " is past the log's end", index);
	memcpy(out[0], leaf_hash, ALOT_HASH_LEN);
	levels[0] = 0;
	while (i & 1) {
		if ((rc = read(ctx, level, i - 1, left, err)) != ALOT_OK)
			goto out;
		alot_merkle_node_hash(left, out[level], out[level + 1]);
		level++;
		levels[level] = level;
		i >>= 1;
	}
	*count = (size_t)level + 1;
out:
	return rc;
}

/* ---- tiles ---------------------------------------------------------------- */

void
alot_tlog_tile_path(int level, uint64_t n, unsigned width, char buf[ALOT_TLOG_PATH_MAX])
{
	char digits[48] = "";
	char tmp[48];
	int at;

	buf[0] = '\0';
	if (level < ALOT_TLOG_ENTRIES || level > MAX_LEVEL || width < 1 || width > ALOT_TLOG_TILE_WIDTH)
		return;
	snprintf(digits, sizeof(digits), "%03u", (unsigned)(n % 1000));
	while (n >= 1000) {
		n /= 1000;
		snprintf(tmp, sizeof(tmp), "x%03u/%s", (unsigned)(n % 1000), digits);
		memcpy(digits, tmp, sizeof(digits));
	}
	if (level == ALOT_TLOG_ENTRIES)
		at = snprintf(buf, ALOT_TLOG_PATH_MAX, "tile/entries/%s", digits);
	else
		at = snprintf(buf, ALOT_TLOG_PATH_MAX, "tile/%d/%s", level, digits);
	if (width < ALOT_TLOG_TILE_WIDTH && at > 0)
		snprintf(buf + at, ALOT_TLOG_PATH_MAX - (size_t)at, ".p/%u", width);
}

unsigned
alot_tlog_tile_width(int level, uint64_t n, uint64_t size)
{
	uint64_t hashes, full;

	if (level == ALOT_TLOG_ENTRIES)
		level = 0;
	if (level < 0 || level > MAX_LEVEL || 8 * level >= 64)
		return 0;
	hashes = size >> (8 * level); /* floor(size / 256^level) */
	full = hashes / ALOT_TLOG_TILE_WIDTH;
	if (n < full)
		return ALOT_TLOG_TILE_WIDTH;
	if (n > full)
		return 0;
	return (unsigned)(hashes % ALOT_TLOG_TILE_WIDTH);
}

/* ---- proof files -------------------------------------------------------- */

/* The line at *at of text (len bytes), without its newline; 0 when none is left. */
static int
take_line(const char *text, size_t len, size_t *at, const char **line, size_t *line_len)
{
	const char *nl;

	if (*at >= len || (nl = memchr(text + *at, '\n', len - *at)) == NULL)
		return 0;
	*line = text + *at;
	*line_len = (size_t)(nl - *line);
	*at += *line_len + 1;
	return 1;
}

static int
parse_index(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (len == 0 || (s[0] == '0' && len > 1))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || *v > (UINT64_MAX - d) / 10)
			return 0;
		*v = *v * 10 + d;
	}
	return 1;
}

static alot_code
parse_proof_head(const char *text, size_t len, size_t *at, alot_tlog_proof *out, alot_error *err)
{
	const char *line;
	size_t n;

	if (!take_line(text, len, at, &line, &n) || n != PROOF_HEADER_LEN ||
	    memcmp(line, PROOF_HEADER, n) != 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "the proof does not start with \"%s\"", PROOF_HEADER);
	if (!take_line(text, len, at, &line, &n))
		return alot_error_set(err, ALOT_ERR_INVALID, "the proof has no index line");
	if (n >= 5 && memcmp(line, "extra", 5) == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "the proof has an extra line, which this log never sets");
	if (n < 6 || memcmp(line, "index ", 6) != 0 || !parse_index(line + 6, n - 6, &out->index))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the proof's second line is not \"index\" and a decimal without leading zeroes");
	return ALOT_OK;
}

static alot_code
parse_proof_path(const char *text, size_t len, size_t *at, alot_tlog_proof *out, alot_error *err)
{
	const char *line;
	size_t n, got;

	for (;;) {
		if (!take_line(text, len, at, &line, &n))
			return alot_error_set(err, ALOT_ERR_INVALID, "the proof has no blank line before its checkpoint");
		if (n == 0)
			return ALOT_OK;
		if (out->len == ALOT_TLOG_MAX_PROOF)
			return alot_error_set(err, ALOT_ERR_INVALID, "the proof has more than %d hashes",
			                      ALOT_TLOG_MAX_PROOF);
		if (alot_base64_decode(line, n, out->path[out->len], ALOT_HASH_LEN, &got, err) != ALOT_OK)
			return alot_error_prefix(err, "the proof's hash %zu", out->len + 1);
		if (got != ALOT_HASH_LEN)
			return alot_error_set(err, ALOT_ERR_INVALID, "the proof's hash %zu is %zu bytes, not 32",
			                      out->len + 1, got);
		out->len++;
	}
}

alot_code
alot_tlog_proof_parse(const char *text, size_t len, alot_tlog_proof *out, alot_error *err)
{
	size_t at = 0;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = parse_proof_head(text, len, &at, out, err)) != ALOT_OK ||
	    (rc = parse_proof_path(text, len, &at, out, err)) != ALOT_OK)
		goto out;
	if ((rc = alot_note_parse(text + at, len - at, &out->checkpoint, err)) != ALOT_OK) {
		alot_error_prefix(err, "the proof's checkpoint");
		goto out;
	}
	rc = alot_checkpoint_parse(out->checkpoint.text, out->checkpoint.text_len, &out->tree, err);
	if (rc == ALOT_OK && out->index >= out->tree.size)
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "the proof's index %" PRIu64 " is outside its checkpoint's tree of %" PRIu64 " leaves",
		                    out->index, out->tree.size);
out:
	if (rc != ALOT_OK)
		alot_tlog_proof_free(out);
	return rc;
}

void
alot_tlog_proof_free(alot_tlog_proof *proof)
{
	if (proof == NULL)
		return;
	alot_note_free(&proof->checkpoint);
	memset(proof, 0, sizeof(*proof));
}

/* Refuse a signed_checkpoint that is not a signed note over a checkpoint. */
static alot_code
check_signed_checkpoint(const char *note_text, size_t len, alot_error *err)
{
	alot_note note;
	alot_checkpoint cp;
	alot_code rc;

	if ((rc = alot_note_parse(note_text, len, &note, err)) != ALOT_OK)
		return alot_error_prefix(err, "the proof's checkpoint");
	rc = alot_checkpoint_parse(note.text, note.text_len, &cp, err);
	alot_note_free(&note);
	return rc;
}

alot_code
alot_tlog_proof_format(uint64_t index, const unsigned char (*path)[ALOT_HASH_LEN], size_t len,
                       const char *signed_checkpoint, size_t checkpoint_len, char **text,
                       alot_error *err)
{
	char *s = NULL, *b64 = NULL;
	size_t cap, at, i;
	alot_code rc;

	*text = NULL;
	if (len > ALOT_TLOG_MAX_PROOF)
		return alot_error_set(err, ALOT_ERR_INVALID, "an inclusion proof of %zu hashes is too long", len);
	if ((rc = check_signed_checkpoint(signed_checkpoint, checkpoint_len, err)) != ALOT_OK)
		return rc;
	cap = PROOF_HEADER_LEN + 1 + 6 + 20 + 1 + len * (HASH_B64_LEN + 1) + 1 + checkpoint_len + 1;
	if ((s = malloc(cap)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory formatting a proof");
		goto out;
	}
	at = (size_t)snprintf(s, cap, PROOF_HEADER "\nindex %" PRIu64 "\n", index);
	for (i = 0; i < len; i++) {
		if ((rc = alot_base64_encode(path[i], ALOT_HASH_LEN, &b64, err)) != ALOT_OK)
			goto out;
		at += (size_t)snprintf(s + at, cap - at, "%s\n", b64);
		free(b64);
		b64 = NULL;
	}
	s[at++] = '\n';
	memcpy(s + at, signed_checkpoint, checkpoint_len);
	s[at + checkpoint_len] = '\0';
	*text = s;
	s = NULL;
out:
	free(b64);
	free(s);
	return rc;
}

/* ---- witness policy ------------------------------------------------------ */

static alot_code
check_policy(const alot_tlog_policy *policy, alot_error *err)
{
	size_t i;

	if (policy->log.alg != ALOT_NOTE_ALG_ED25519)
		return alot_error_set(err, ALOT_ERR_INVALID, "the policy's log key \"%s\" is not an Ed25519 key",
		                      policy->log.name);
	if (policy->witness_count > ALOT_TLOG_MAX_WITNESSES || policy->quorum > policy->witness_count)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the policy's quorum %zu is more than its %zu witnesses",
		                      policy->quorum, policy->witness_count);
	for (i = 0; i < policy->witness_count; i++)
		if (policy->witnesses[i].alg != ALOT_NOTE_ALG_COSIG_V1)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "the policy's witness key \"%s\" is not a cosignature/v1 key",
			                      policy->witnesses[i].name);
	return ALOT_OK;
}

static int
compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The quorum-th earliest timestamp of the witnesses that cosigned. */
static uint64_t
quorum_time(const alot_tlog_verdict *v, size_t witnesses, size_t quorum)
{
	uint64_t times[ALOT_TLOG_MAX_WITNESSES];
	size_t i, n = 0;

	for (i = 0; i < witnesses; i++)
		if (v->cosigned_by[i])
			times[n++] = v->timestamps[i];
	if (quorum == 0 || n < quorum)
		return 0;
	qsort(times, n, sizeof(times[0]), compare_u64);
	return times[quorum - 1];
}

alot_code
alot_tlog_checkpoint_verify(const alot_note *note, const alot_tlog_policy *policy,
                            alot_tlog_verdict *out, alot_error *err)
{
	alot_note_verifier keys[1 + ALOT_TLOG_MAX_WITNESSES];
	int verified[1 + ALOT_TLOG_MAX_WITNESSES];
	uint64_t times[1 + ALOT_TLOG_MAX_WITNESSES];
	size_t i;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_policy(policy, err)) != ALOT_OK ||
	    (rc = alot_checkpoint_parse(note->text, note->text_len, &out->tree, err)) != ALOT_OK)
		goto out;
	if (strcmp(out->tree.origin, policy->log.name) != 0) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "the checkpoint's origin \"%s\" is not the log \"%s\"",
		                    out->tree.origin, policy->log.name);
		goto out;
	}
	keys[0] = policy->log;
	memcpy(keys + 1, policy->witnesses, policy->witness_count * sizeof(keys[0]));
	rc = alot_note_verify(note, keys, 1 + policy->witness_count, verified, times, err);
	if (rc != ALOT_OK)
		goto out;
	if (!verified[0]) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "the checkpoint is not signed by the log key \"%s\"",
		                    policy->log.name);
		goto out;
	}
	for (i = 0; i < policy->witness_count; i++) {
		out->cosigned_by[i] = verified[1 + i];
		out->timestamps[i] = times[1 + i];
		out->cosigned += (size_t)verified[1 + i];
	}
	if (out->cosigned < policy->quorum) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY,
		                    "%zu of the policy's witnesses cosigned the checkpoint, the quorum is %zu",
		                    out->cosigned, policy->quorum);
		goto out;
	}
	out->policy_time = quorum_time(out, policy->witness_count, policy->quorum);
out:
	return rc;
}
