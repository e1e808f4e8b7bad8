/*
 * test_tlog.c - unit tests for lib/core/tlog.c: the real Certificate
 * Transparency proofs of Argon 2020 (inclusion and consistency, and every
 * way of tampering with them), an in-memory log of 1..300 leaves built
 * with alot_tlog_append_hashes (tree hashes against alot_merkle_root,
 * every inclusion and consistency proof of the small sizes against an
 * independent RFC 9162 recursion), tile paths and widths as in
 * c2sp.org/tlog-tiles, tlog-proof files, and checkpoints under a witness
 * policy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "alot/merkle.h"
#include "alot/note.h"
#include "alot/tlog.h"

/* ---- helpers ------------------------------------------------------------ */

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/alot-tlog-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The JSON file name of the CT data; fails (never skips) when it is missing. */
static json_t *
load_ct(const char *name)
{
	const char *src = getenv("ALOT_SRC");
	char path[512];
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "%s/../shared/data/tlog/ct-argon2020/%s", src ? src : ".", name);
	j = json_load_file(path, 0, &jerr);
	if (j == NULL)
		fail_msg("cannot read %s: %s", path, jerr.text);
	return j;
}

static void
b64_hash(const char *s, unsigned char out[ALOT_HASH_LEN])
{
	size_t n;

	assert_int_equal(alot_base64_decode(s, strlen(s), out, ALOT_HASH_LEN, &n, NULL), ALOT_OK);
	assert_int_equal(n, ALOT_HASH_LEN);
}

/* The hashes of a JSON array of base64 strings into proof; their count. */
static size_t
json_hashes(json_t *array, unsigned char (*proof)[ALOT_HASH_LEN])
{
	size_t i;

	assert_true(json_is_array(array));
	assert_true(json_array_size(array) <= ALOT_TLOG_MAX_PROOF);
	for (i = 0; i < json_array_size(array); i++)
		b64_hash(json_string_value(json_array_get(array, i)), proof[i]);
	return json_array_size(array);
}

typedef struct ct_data {
	uint64_t size;
	unsigned char root[ALOT_HASH_LEN];
	unsigned char leaf[ALOT_HASH_LEN];
	unsigned char proof[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	size_t proof_len;
	unsigned char cons[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	size_t cons_len;
} ct_data;

static void
load_ct_data(ct_data *ct)
{
	json_t *sth = load_ct("sth.json"), *entries = load_ct("entries.json");
	json_t *proof = load_ct("proof.json"), *cons = load_ct("consistency.json");
	const char *leaf_b64;
	unsigned char *leaf;
	size_t n, cap;

	ct->size = (uint64_t)json_integer_value(json_object_get(sth, "tree_size"));
	assert_int_equal(ct->size, 961984013);
	b64_hash(json_string_value(json_object_get(sth, "sha256_root_hash")), ct->root);
	leaf_b64 = json_string_value(json_object_get(json_array_get(json_object_get(entries, "entries"), 0),
	                                             "leaf_input"));
	assert_non_null(leaf_b64);
	cap = strlen(leaf_b64) / 4 * 3;
	leaf = malloc(cap);
	assert_int_equal(alot_base64_decode(leaf_b64, strlen(leaf_b64), leaf, cap, &n, NULL), ALOT_OK);
	alot_tlog_leaf_hash(leaf, n, ct->leaf);
	free(leaf);
	assert_int_equal(json_integer_value(json_object_get(proof, "leaf_index")), 10000);
	ct->proof_len = json_hashes(json_object_get(proof, "audit_path"), ct->proof);
	ct->cons_len = json_hashes(json_object_get(cons, "consistency"), ct->cons);
	json_decref(sth);
	json_decref(entries);
	json_decref(proof);
	json_decref(cons);
}

/* ---- the real CT log --------------------------------------------------- */

static void
ct_inclusion_proof_verifies_and_tampering_fails(void **state)
{
	ct_data ct;
	unsigned char root[ALOT_HASH_LEN];
	size_t i, bit;
	alot_error err;

	(void)state;
	load_ct_data(&ct);
	assert_int_equal(ct.proof_len, 30);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_OK);
	for (i = 0; i < ct.proof_len; i++)
		for (bit = 0; bit < 8 * ALOT_HASH_LEN; bit++) {
			ct.proof[i][bit / 8] ^= (unsigned char)(1 << (bit % 8));
			assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof,
			                                            ct.proof_len, ct.root, &err),
			                 ALOT_ERR_VERIFY);
			ct.proof[i][bit / 8] ^= (unsigned char)(1 << (bit % 8));
		}
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10001, ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 9999, ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	/*
	 * A size only shapes the path (the root binds it): sizes of another
	 * shape fail; 961984012 has this one and is caught by the root alone.
	 */
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, 10001, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, 2 * ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, 536870912, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof, ct.proof_len - 1,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "the inclusion proof is too short");
	memcpy(ct.proof[ct.proof_len], ct.proof[0], ALOT_HASH_LEN);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof, ct.proof_len + 1,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	memcpy(root, ct.root, sizeof(root));
	root[31] ^= 1;
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof, ct.proof_len,
	                                            root, &err), ALOT_ERR_VERIFY);
	ct.leaf[0] ^= 0x80;
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, ct.size, ct.size, ct.proof, ct.proof_len,
	                                            ct.root, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 0, 0, ct.proof, 0, ct.root, &err),
	                 ALOT_ERR_INVALID);
	assert_int_equal(alot_tlog_verify_inclusion(ct.leaf, 10000, ct.size, ct.proof,
	                                            ALOT_TLOG_MAX_PROOF + 1, ct.root, &err),
	                 ALOT_ERR_INVALID);
}

static void
ct_consistency_proof_verifies_and_tampering_fails(void **state)
{
	ct_data ct;
	unsigned char old_root[ALOT_HASH_LEN];
	const uint64_t old_size = 3654490;
	size_t i, bit;
	alot_error err;

	(void)state;
	load_ct_data(&ct);
	b64_hash("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=", old_root);
	assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root, ct.cons,
	                                              ct.cons_len, &err), ALOT_OK);
	for (i = 0; i < ct.cons_len; i++)
		for (bit = 0; bit < 8 * ALOT_HASH_LEN; bit++) {
			ct.cons[i][bit / 8] ^= (unsigned char)(1 << (bit % 8));
			assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root,
			                                              ct.cons, ct.cons_len, &err),
			                 ALOT_ERR_VERIFY);
			ct.cons[i][bit / 8] ^= (unsigned char)(1 << (bit % 8));
		}
	for (bit = 0; bit < 8 * ALOT_HASH_LEN; bit++) {
		old_root[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root, ct.cons,
		                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
		old_root[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		ct.root[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root, ct.cons,
		                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
		ct.root[bit / 8] ^= (unsigned char)(1 << (bit % 8));
	}
	assert_int_equal(alot_tlog_verify_consistency(old_size + 1, ct.size, old_root, ct.root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(old_size - 1, ct.size, old_root, ct.root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(old_size, 2 * ct.size, old_root, ct.root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(old_size, 4000000, old_root, ct.root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root, ct.cons,
	                                              ct.cons_len - 1, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, ct.root, old_root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(ct.size, old_size, ct.root, old_root, ct.cons,
	                                              ct.cons_len, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_tlog_verify_consistency(old_size, ct.size, old_root, ct.root, ct.cons, 0,
	                                              &err), ALOT_ERR_VERIFY);
}

/* ---- an in-memory log ---------------------------------------------------- */

#define MEM_LEAVES 300
#define MEM_LEVELS 10

typedef struct mem_log {
	unsigned char hashes[MEM_LEVELS][MEM_LEAVES][ALOT_HASH_LEN];
	uint64_t stored[MEM_LEVELS];   /* hashes stored per level */
	unsigned char leaves[MEM_LEAVES][ALOT_HASH_LEN];
	size_t reads;
	unsigned read_levels;          /* bit l set: level l was read */
} mem_log;

static alot_code
mem_read(void *ctx, unsigned level, uint64_t index, unsigned char out[ALOT_HASH_LEN], alot_error *err)
{
	mem_log *log = ctx;

	if (level >= MEM_LEVELS || index >= log->stored[level])
		return alot_error_set(err, ALOT_ERR_NOT_FOUND, "no stored hash (%u, %llu)", level,
		                      (unsigned long long)index);
	memcpy(out, log->hashes[level][index], ALOT_HASH_LEN);
	log->reads++;
	log->read_levels |= 1u << level;
	return ALOT_OK;
}

static unsigned
trailing_ones(uint64_t i)
{
	unsigned n = 0;

	while (i & 1) {
		n++;
		i >>= 1;
	}
	return n;
}

/* Appends leaf i ("entry i") to log through alot_tlog_append_hashes. */
static void
mem_append(mem_log *log, uint64_t i)
{
	unsigned char out[ALOT_TLOG_MAX_PROOF + 1][ALOT_HASH_LEN];
	unsigned levels[ALOT_TLOG_MAX_PROOF + 1];
	char entry[32];
	size_t count, k;
	alot_error err;

	snprintf(entry, sizeof(entry), "entry %llu", (unsigned long long)i);
	alot_tlog_leaf_hash(entry, strlen(entry), log->leaves[i]);
	log->reads = 0;
	log->read_levels = 0;
	assert_int_equal(alot_tlog_append_hashes(i, log->leaves[i], mem_read, log, out, levels, &count,
	                                         &err), ALOT_OK);
	assert_int_equal(count, 1 + trailing_ones(i));
	assert_int_equal(log->reads, count - 1);
	assert_int_equal(log->read_levels, (1u << (count - 1)) - 1);
	assert_memory_equal(out[0], log->leaves[i], ALOT_HASH_LEN);
	for (k = 0; k < count; k++) {
		assert_int_equal(levels[k], k);
		assert_int_equal(log->stored[k], i >> k);
		memcpy(log->hashes[k][i >> k], out[k], ALOT_HASH_LEN);
		log->stored[k]++;
	}
}

static mem_log *
mem_build(size_t n)
{
	mem_log *log = calloc(1, sizeof(*log));
	size_t i;

	assert_non_null(log);
	for (i = 0; i < n; i++)
		mem_append(log, i);
	return log;
}

/* MTH(D[a:b]) computed straight from the leaves. */
static void
ref_mth(const mem_log *log, size_t a, size_t b, unsigned char out[ALOT_HASH_LEN])
{
	alot_merkle_root(log->leaves + a, b - a, out);
}

static size_t
ref_split(size_t n)
{
	size_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

/* SUBPROOF(m, D[a:b], whole) of RFC 9162 2.1.4.1, from the leaves. */
static void
ref_subproof(const mem_log *log, size_t m, size_t a, size_t b, int whole,
             unsigned char (*proof)[ALOT_HASH_LEN], size_t *len)
{
	size_t k;

	if (m == b - a) {
		if (!whole)
			ref_mth(log, a, b, proof[(*len)++]);
		return;
	}
	k = ref_split(b - a);
	if (m <= k) {
		ref_subproof(log, m, a, a + k, whole, proof, len);
		ref_mth(log, a + k, b, proof[(*len)++]);
	} else {
		ref_subproof(log, m - k, a + k, b, 0, proof, len);
		ref_mth(log, a, a + k, proof[(*len)++]);
	}
}

static void
tree_hash_matches_merkle_root_for_every_size(void **state)
{
	mem_log *log = calloc(1, sizeof(*log));
	unsigned char root[ALOT_HASH_LEN], want[ALOT_HASH_LEN], empty[ALOT_HASH_LEN];
	size_t i;
	alot_error err;

	(void)state;
	assert_non_null(log);
	assert_int_equal(alot_tlog_tree_hash(0, mem_read, log, root, &err), ALOT_OK);
	alot_sha256("", 0, empty);
	assert_memory_equal(root, empty, ALOT_HASH_LEN);
	alot_tlog_empty_root(want);
	assert_memory_equal(want, empty, ALOT_HASH_LEN);
	for (i = 0; i < MEM_LEAVES; i++) {
		mem_append(log, i);
		log->reads = 0;
		assert_int_equal(alot_tlog_tree_hash(i + 1, mem_read, log, root, &err), ALOT_OK);
		alot_merkle_root(log->leaves, i + 1, want);
		assert_memory_equal(root, want, ALOT_HASH_LEN);
		assert_int_equal(log->reads, (size_t)__builtin_popcountll(i + 1));
	}
	/* a size past what is stored is an error the reader reports */
	assert_int_equal(alot_tlog_tree_hash(MEM_LEAVES + 1, mem_read, log, root, &err), ALOT_ERR_NOT_FOUND);
	free(log);
}

static void
leaf_hash_is_sha256_of_zero_and_entry(void **state)
{
	unsigned char got[ALOT_HASH_LEN], want[ALOT_HASH_LEN];
	const unsigned char buf[] = {0x00, 'a', 'b', 'c'};

	(void)state;
	alot_tlog_leaf_hash("abc", 3, got);
	alot_sha256(buf, sizeof(buf), want);
	assert_memory_equal(got, want, ALOT_HASH_LEN);
	alot_tlog_leaf_hash("", 0, got);
	alot_sha256(buf, 1, want);
	assert_memory_equal(got, want, ALOT_HASH_LEN);
}

static void
every_inclusion_proof_of_small_trees_verifies(void **state)
{
	mem_log *log = mem_build(70);
	unsigned char proof[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN], ref[ALOT_MAX_PROOF_LEN][ALOT_HASH_LEN];
	unsigned char root[ALOT_HASH_LEN];
	size_t size, i, len, ref_len, k;
	alot_error err;

	(void)state;
	for (size = 1; size <= 70; size++) {
		alot_merkle_root(log->leaves, size, root);
		for (i = 0; i < size; i++) {
			assert_int_equal(alot_tlog_inclusion_proof(i, size, mem_read, log, proof, &len, &err), ALOT_OK);
			assert_int_equal(alot_merkle_proof(log->leaves, size, i, ref, &ref_len, &err), ALOT_OK);
			assert_int_equal(len, ref_len);
			assert_memory_equal(proof, ref, len * ALOT_HASH_LEN);
			assert_int_equal(alot_tlog_verify_inclusion(log->leaves[i], i, size, proof, len, root, &err),
			                 ALOT_OK);
			for (k = 0; k < len; k++) {
				proof[k][k % ALOT_HASH_LEN] ^= 0x10;
				assert_int_equal(alot_tlog_verify_inclusion(log->leaves[i], i, size, proof, len, root,
				                                            &err), ALOT_ERR_VERIFY);
				proof[k][k % ALOT_HASH_LEN] ^= 0x10;
			}
			if (size > 1)
				assert_int_equal(alot_tlog_verify_inclusion(log->leaves[i], (i + 1) % size, size, proof,
				                                            len, root, &err), ALOT_ERR_VERIFY);
			assert_int_equal(alot_tlog_verify_inclusion(log->leaves[(i + 1) % 70], i, size, proof, len,
			                                            root, &err), ALOT_ERR_VERIFY);
		}
		assert_int_equal(alot_tlog_inclusion_proof(size, size, mem_read, log, proof, &len, &err),
		                 ALOT_ERR_INVALID);
		assert_int_equal(len, 0);
	}
	free(log);
	/* up to 300 leaves: the first, middle and last leaf of every size */
	log = mem_build(MEM_LEAVES);
	for (size = 71; size <= MEM_LEAVES; size++) {
		const size_t picks[3] = {0, size / 2, size - 1};

		alot_merkle_root(log->leaves, size, root);
		for (k = 0; k < 3; k++) {
			i = picks[k];
			assert_int_equal(alot_tlog_inclusion_proof(i, size, mem_read, log, proof, &len, &err), ALOT_OK);
			assert_int_equal(alot_merkle_proof(log->leaves, size, i, ref, &ref_len, &err), ALOT_OK);
			assert_int_equal(len, ref_len);
			assert_memory_equal(proof, ref, len * ALOT_HASH_LEN);
			assert_int_equal(alot_tlog_verify_inclusion(log->leaves[i], i, size, proof, len, root, &err),
			                 ALOT_OK);
		}
	}
	free(log);
}

static void
every_consistency_proof_of_small_trees_verifies(void **state)
{
	mem_log *log = mem_build(70);
	unsigned char proof[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN], ref[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	unsigned char old_root[ALOT_HASH_LEN], new_root[ALOT_HASH_LEN];
	size_t m, n, len, ref_len, k;
	alot_error err;

	(void)state;
	for (n = 1; n <= 70; n++) {
		assert_int_equal(alot_tlog_tree_hash(n, mem_read, log, new_root, &err), ALOT_OK);
		for (m = 0; m <= n; m++) {
			assert_int_equal(alot_tlog_tree_hash(m, mem_read, log, old_root, &err), ALOT_OK);
			assert_int_equal(alot_tlog_consistency_proof(m, n, mem_read, log, proof, &len, &err), ALOT_OK);
			ref_len = 0;
			if (m > 0 && m < n)
				ref_subproof(log, m, 0, n, 1, ref, &ref_len);
			assert_int_equal(len, ref_len);
			assert_memory_equal(proof, ref, len * ALOT_HASH_LEN);
			assert_int_equal(alot_tlog_verify_consistency(m, n, old_root, new_root, proof, len, &err),
			                 ALOT_OK);
			for (k = 0; k < len; k++) {
				proof[k][(k * 7) % ALOT_HASH_LEN] ^= 0x01;
				assert_int_equal(alot_tlog_verify_consistency(m, n, old_root, new_root, proof, len,
				                                              &err), ALOT_ERR_VERIFY);
				proof[k][(k * 7) % ALOT_HASH_LEN] ^= 0x01;
			}
			if (m > 0) {
				old_root[3] ^= 0x40;
				assert_int_equal(alot_tlog_verify_consistency(m, n, old_root, new_root, proof, len,
				                                              &err), ALOT_ERR_VERIFY);
				old_root[3] ^= 0x40;
			}
			if (m < n && len > 0) {
				assert_int_equal(alot_tlog_verify_consistency(m, n, old_root, new_root, proof, len - 1,
				                                              &err), ALOT_ERR_VERIFY);
				assert_int_equal(alot_tlog_verify_consistency(m, 2 * n + 1, old_root, new_root, proof,
				                                              len, &err), ALOT_ERR_VERIFY);
			}
			if (m < n) {
				new_root[5] ^= 0x02;
				assert_int_equal(alot_tlog_verify_consistency(m, n, old_root, new_root, proof, len,
				                                              &err), m == 0 ? ALOT_OK : ALOT_ERR_VERIFY);
				new_root[5] ^= 0x02;
			}
		}
		assert_int_equal(alot_tlog_consistency_proof(n + 1, n, mem_read, log, proof, &len, &err),
		                 ALOT_ERR_INVALID);
	}
	/* equal sizes need equal roots; size 0 needs an empty proof */
	assert_int_equal(alot_tlog_verify_consistency(70, 70, old_root, new_root, proof, 0, &err), ALOT_OK);
	assert_int_equal(alot_tlog_verify_consistency(70, 70, old_root, new_root, proof, 1, &err),
	                 ALOT_ERR_VERIFY);
	old_root[0] ^= 1;
	assert_int_equal(alot_tlog_verify_consistency(5, 5, old_root, new_root, proof, 0, &err),
	                 ALOT_ERR_VERIFY);
	assert_int_equal(alot_tlog_verify_consistency(0, 5, old_root, new_root, proof, 1, &err),
	                 ALOT_ERR_VERIFY);
	free(log);
}

static void
append_passes_on_the_readers_error(void **state)
{
	mem_log *log = calloc(1, sizeof(*log));
	unsigned char out[ALOT_TLOG_MAX_PROOF + 1][ALOT_HASH_LEN], leaf[ALOT_HASH_LEN] = {0};
	unsigned levels[ALOT_TLOG_MAX_PROOF + 1];
	size_t count = 99;
	alot_error err;

	(void)state;
	assert_non_null(log);
	assert_int_equal(alot_tlog_append_hashes(3, leaf, mem_read, log, out, levels, &count, &err),
	                 ALOT_ERR_NOT_FOUND);
	assert_int_equal(count, 0);
	assert_string_equal(err.message, "no stored hash (0, 2)");
	assert_int_equal(alot_tlog_append_hashes(UINT64_MAX, leaf, mem_read, log, out, levels, &count,
	                                         &err), ALOT_ERR_INVALID);
	free(log);
}

/* ---- tiles ---------------------------------------------------------------- */

static void
tile_paths_follow_the_spec(void **state)
{
	char buf[ALOT_TLOG_PATH_MAX];

	(void)state;
	alot_tlog_tile_path(0, 0, 256, buf);
	assert_string_equal(buf, "tile/0/000");
	alot_tlog_tile_path(0, 1234067, 256, buf);
	assert_string_equal(buf, "tile/0/x001/x234/067");
	alot_tlog_tile_path(2, 1000, 256, buf);
	assert_string_equal(buf, "tile/2/x001/000");
	alot_tlog_tile_path(1, 999, 17, buf);
	assert_string_equal(buf, "tile/1/999.p/17");
	alot_tlog_tile_path(63, 5, 1, buf);
	assert_string_equal(buf, "tile/63/005.p/1");
	alot_tlog_tile_path(ALOT_TLOG_ENTRIES, 0, 7, buf);
	assert_string_equal(buf, "tile/entries/000.p/7");
	alot_tlog_tile_path(ALOT_TLOG_ENTRIES, 1234067, 255, buf);
	assert_string_equal(buf, "tile/entries/x001/x234/067.p/255");
	alot_tlog_tile_path(0, UINT64_MAX, 256, buf);
	assert_string_equal(buf, "tile/0/x018/x446/x744/x073/x709/x551/615");
	/* invalid arguments give the empty string */
	alot_tlog_tile_path(64, 0, 256, buf);
	assert_string_equal(buf, "");
	alot_tlog_tile_path(0, 0, 0, buf);
	assert_string_equal(buf, "");
	alot_tlog_tile_path(0, 0, 257, buf);
	assert_string_equal(buf, "");
	alot_tlog_tile_path(-2, 0, 256, buf);
	assert_string_equal(buf, "");
}

static void
tile_widths_follow_the_spec(void **state)
{
	uint64_t n;

	(void)state;
	/* 70,000: 273 full level-0 tiles and one of 112, level 1: one full and 17, level 2: 1 */
	for (n = 0; n < 273; n++)
		assert_int_equal(alot_tlog_tile_width(0, n, 70000), 256);
	assert_int_equal(alot_tlog_tile_width(0, 273, 70000), 112);
	assert_int_equal(alot_tlog_tile_width(0, 274, 70000), 0);
	assert_int_equal(alot_tlog_tile_width(ALOT_TLOG_ENTRIES, 273, 70000), 112);
	assert_int_equal(alot_tlog_tile_width(1, 0, 70000), 256);
	assert_int_equal(alot_tlog_tile_width(1, 1, 70000), 17);
	assert_int_equal(alot_tlog_tile_width(1, 2, 70000), 0);
	assert_int_equal(alot_tlog_tile_width(2, 0, 70000), 1);
	assert_int_equal(alot_tlog_tile_width(2, 1, 70000), 0);
	assert_int_equal(alot_tlog_tile_width(3, 0, 70000), 0);
	/* 256: a full level-0 tile and a level-1 tile of width 1 */
	assert_int_equal(alot_tlog_tile_width(0, 0, 256), 256);
	assert_int_equal(alot_tlog_tile_width(0, 1, 256), 0);
	assert_int_equal(alot_tlog_tile_width(1, 0, 256), 1);
	assert_int_equal(alot_tlog_tile_width(2, 0, 256), 0);
	assert_int_equal(alot_tlog_tile_width(0, 0, 0), 0);
	assert_int_equal(alot_tlog_tile_width(0, 0, 1), 1);
	assert_int_equal(alot_tlog_tile_width(7, 0, UINT64_MAX), 255);
	assert_int_equal(alot_tlog_tile_width(8, 0, UINT64_MAX), 0);
	assert_int_equal(alot_tlog_tile_width(63, 0, UINT64_MAX), 0);
	assert_int_equal(alot_tlog_tile_width(64, 0, UINT64_MAX), 0);
	assert_int_equal(alot_tlog_tile_width(-2, 0, 70000), 0);
}

/* ---- keys, signed checkpoints --------------------------------------------- */

static alot_signing_key *
new_key(const char *name, alot_public_key *pub)
{
	char secret[128], public[128];
	alot_signing_key *key = NULL;
	alot_error err;

	snprintf(secret, sizeof(secret), "%s/%s.key", dir, name);
	snprintf(public, sizeof(public), "%s/%s.pub", dir, name);
	assert_int_equal(alot_keygen_write(secret, public, &err), ALOT_OK);
	assert_int_equal(alot_signing_key_load(secret, &key, &err), ALOT_OK);
	alot_signing_key_public(key, pub);
	return key;
}

static void
make_verifier(const char *name, unsigned char alg, const alot_public_key *pub, alot_note_verifier *v)
{
	char *vkey = NULL;
	alot_error err;

	assert_int_equal(alot_note_verifier_format(name, alg, pub, &vkey, &err), ALOT_OK);
	assert_int_equal(alot_note_verifier_parse(vkey, strlen(vkey), v, &err), ALOT_OK);
	free(vkey);
}

/* text + "\n" + the lines, NUL-terminated, malloc()ed. */
static char *
join_note(const char *text, const char *line1, const char *line2, const char *line3)
{
	size_t cap = strlen(text) + 2 + (line1 ? strlen(line1) : 0) + (line2 ? strlen(line2) : 0) +
	             (line3 ? strlen(line3) : 0);
	char *s = malloc(cap);

	assert_non_null(s);
	snprintf(s, cap, "%s\n%s%s%s", text, line1 ? line1 : "", line2 ? line2 : "", line3 ? line3 : "");
	return s;
}

/* The checkpoint text of the first size leaves of log, origin "alot.test/log". */
static char *
checkpoint_text(mem_log *log, uint64_t size)
{
	alot_checkpoint cp;
	char *text = NULL;
	alot_error err;

	memset(&cp, 0, sizeof(cp));
	strcpy(cp.origin, "alot.test/log");
	cp.size = size;
	assert_int_equal(alot_tlog_tree_hash(size, mem_read, log, cp.root, &err), ALOT_OK);
	assert_int_equal(alot_checkpoint_format(&cp, &text, &err), ALOT_OK);
	return text;
}

static void
proof_files_round_trip_and_reject_malformed_ones(void **state)
{
	mem_log *log = mem_build(70);
	alot_public_key pub;
	alot_signing_key *key = new_key("proof-log", &pub);
	unsigned char path[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN], root[ALOT_HASH_LEN];
	char *cp = checkpoint_text(log, 70), *line = NULL, *note, *text = NULL, *bad;
	alot_tlog_proof proof;
	size_t len, k;
	alot_error err;

	(void)state;
	assert_int_equal(alot_note_sign_line(key, "alot.test/log", cp, strlen(cp), &line, &err), ALOT_OK);
	note = join_note(cp, line, NULL, NULL);
	assert_int_equal(alot_tlog_inclusion_proof(42, 70, mem_read, log, path, &len, &err), ALOT_OK);
	assert_int_equal(len, 7);
	assert_int_equal(alot_tlog_proof_format(42, path, len, note, strlen(note), &text, &err), ALOT_OK);
	assert_true(strncmp(text, "c2sp.org/tlog-proof@v1\nindex 42\n", 32) == 0);
	assert_int_equal(alot_tlog_proof_parse(text, strlen(text), &proof, &err), ALOT_OK);
	assert_int_equal(proof.index, 42);
	assert_int_equal(proof.len, len);
	assert_memory_equal(proof.path, path, len * ALOT_HASH_LEN);
	assert_int_equal(proof.tree.size, 70);
	assert_string_equal(proof.tree.origin, "alot.test/log");
	assert_string_equal(proof.checkpoint.text, cp);
	assert_int_equal(proof.checkpoint.sig_count, 1);
	assert_int_equal(alot_tlog_tree_hash(70, mem_read, log, root, &err), ALOT_OK);
	assert_int_equal(alot_tlog_verify_inclusion(log->leaves[42], proof.index, proof.tree.size,
	                                            proof.path, proof.len, proof.tree.root, &err), ALOT_OK);
	/* the text after the blank line is the signed note exactly */
	assert_string_equal(strstr(text, "\n\n") + 2, note);
	alot_tlog_proof_free(&proof);
	alot_tlog_proof_free(&proof); /* a freed proof is zeroed and can be freed again */

	/* malformed files */
	{
		static const struct { const char *from, *to; } edits[] = {
			{"c2sp.org/tlog-proof@v1\n", "c2sp.org/tlog-proof@v2\n"},
			{"index 42\n", "extra AAAA\nindex 42\n"},
			{"index 42\n", "index 042\n"},
			{"index 42\n", "index  42\n"},
			{"index 42\n", "index 4x\n"},
			{"index 42\n", "index 70\n"},
			{"index 42\n", "index 18446744073709551616\n"},
			{"index 42\n", "Index 42\n"},
		};
		size_t e;

		for (e = 0; e < sizeof(edits) / sizeof(edits[0]); e++) {
			const char *at = strstr(text, edits[e].from);
			size_t cap = strlen(text) + strlen(edits[e].to) + 1;

			assert_non_null(at);
			bad = malloc(cap);
			snprintf(bad, cap, "%.*s%s%s", (int)(at - text), text, edits[e].to, at + strlen(edits[e].from));
			assert_int_equal(alot_tlog_proof_parse(bad, strlen(bad), &proof, &err), ALOT_ERR_INVALID);
			assert_null(proof.checkpoint.text);
			free(bad);
		}
	}
	/* a hash of 31 bytes, a missing blank line, a note that is no checkpoint */
	bad = strdup(text);
	memcpy(strchr(strchr(bad, '\n') + 1, '\n') + 1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", 44);
	assert_int_equal(alot_tlog_proof_parse(bad, strlen(bad), &proof, &err), ALOT_ERR_INVALID);
	free(bad);
	assert_int_equal(alot_tlog_proof_parse(text, (size_t)(strstr(text, "\n\n") - text) + 1, &proof, &err),
	                 ALOT_ERR_INVALID);
	{
		static const char not_cp[] = "hello\n\n— a AAAAAAA=\n";
		static const char not_cp_proof[] = "c2sp.org/tlog-proof@v1\nindex 0\n\nhello\n\n— a AAAAAAA=\n";

		assert_int_equal(alot_tlog_proof_parse(not_cp_proof, strlen(not_cp_proof), &proof, &err),
		                 ALOT_ERR_INVALID);
		assert_int_equal(alot_tlog_proof_format(0, path, 1, not_cp, strlen(not_cp), &bad, &err),
		                 ALOT_ERR_INVALID);
	}
	assert_null(bad);
	/* 63 hashes parse, 64 do not */
	for (k = 0; k < ALOT_TLOG_MAX_PROOF; k++)
		memcpy(path[k], root, ALOT_HASH_LEN);
	free(text);
	assert_int_equal(alot_tlog_proof_format(1, path, ALOT_TLOG_MAX_PROOF, note, strlen(note), &text,
	                                        &err), ALOT_OK);
	assert_int_equal(alot_tlog_proof_parse(text, strlen(text), &proof, &err), ALOT_OK);
	assert_int_equal(proof.len, ALOT_TLOG_MAX_PROOF);
	alot_tlog_proof_free(&proof);
	assert_int_equal(alot_tlog_proof_format(1, path, ALOT_TLOG_MAX_PROOF + 1, note, strlen(note), &bad,
	                                        &err), ALOT_ERR_INVALID);
	{
		const char *second = strchr(strchr(text, '\n') + 1, '\n') + 1;
		size_t head = (size_t)(second - text), cap = strlen(text) + 46;

		bad = malloc(cap);
		snprintf(bad, cap, "%.*s%.45s%s", (int)head, text, second, second);
		assert_int_equal(alot_tlog_proof_parse(bad, strlen(bad), &proof, &err), ALOT_ERR_INVALID);
		assert_string_equal(err.message, "the proof has more than 63 hashes");
		free(bad);
	}
	free(text);
	free(note);
	free(line);
	free(cp);
	alot_signing_key_free(key);
	free(log);
}

static void
checkpoints_verify_under_a_witness_policy(void **state)
{
	mem_log *log = mem_build(5);
	alot_public_key lpub, w1pub, w2pub, opub;
	alot_signing_key *lkey = new_key("policy-log", &lpub), *w1 = new_key("w1", &w1pub);
	alot_signing_key *w2 = new_key("w2", &w2pub), *other = new_key("other", &opub);
	char *cp = checkpoint_text(log, 5), *ls = NULL, *c1 = NULL, *c2 = NULL, *cx = NULL, *msg;
	alot_tlog_policy policy;
	alot_tlog_verdict v;
	alot_note note;
	alot_error err;

	(void)state;
	memset(&policy, 0, sizeof(policy));
	make_verifier("alot.test/log", ALOT_NOTE_ALG_ED25519, &lpub, &policy.log);
	make_verifier("w1.test", ALOT_NOTE_ALG_COSIG_V1, &w1pub, &policy.witnesses[0]);
	make_verifier("w2.test", ALOT_NOTE_ALG_COSIG_V1, &w2pub, &policy.witnesses[1]);
	policy.witness_count = 2;
	policy.quorum = 2;
	assert_int_equal(alot_note_sign_line(lkey, "alot.test/log", cp, strlen(cp), &ls, &err), ALOT_OK);
	assert_int_equal(alot_note_cosign_line(w1, "w1.test", cp, strlen(cp), 1700000200, &c1, &err), ALOT_OK);
	assert_int_equal(alot_note_cosign_line(w2, "w2.test", cp, strlen(cp), 1700000100, &c2, &err), ALOT_OK);

	/* both witnesses: quorum 2 is met at the later time, quorum 1 at the earlier */
	msg = join_note(cp, ls, c1, c2);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_OK);
	assert_int_equal(v.tree.size, 5);
	assert_int_equal(v.cosigned, 2);
	assert_int_equal(v.cosigned_by[0], 1);
	assert_int_equal(v.cosigned_by[1], 1);
	assert_int_equal(v.timestamps[0], 1700000200);
	assert_int_equal(v.timestamps[1], 1700000100);
	assert_int_equal(v.policy_time, 1700000200);
	policy.quorum = 1;
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_OK);
	assert_int_equal(v.policy_time, 1700000100);
	policy.quorum = 0;
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_OK);
	assert_int_equal(v.policy_time, 0);
	policy.quorum = 3;
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_ERR_INVALID);
	alot_note_free(&note);
	free(msg);

	/* one witness missing: quorum 2 fails, quorum 1 passes */
	policy.quorum = 2;
	msg = join_note(cp, ls, c1, NULL);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "1 of the policy's witnesses cosigned the checkpoint, the quorum is 2");
	assert_int_equal(v.cosigned, 1);
	assert_int_equal(v.policy_time, 0);
	policy.quorum = 1;
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_OK);
	assert_int_equal(v.policy_time, 1700000200);
	alot_note_free(&note);
	free(msg);

	/* the log's signature is required even with quorum 0 */
	policy.quorum = 0;
	msg = join_note(cp, c1, c2, NULL);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message, "the checkpoint is not signed by the log key \"alot.test/log\"");
	alot_note_free(&note);
	free(msg);

	/* a known witness name and key id with another key's signature rejects the note */
	policy.quorum = 1;
	assert_int_equal(alot_note_cosign_line(other, "w2.test", cp, strlen(cp), 1700000300, &cx, &err), ALOT_OK);
	memcpy(cx + 4 + 8, c2 + 4 + 8, 6); /* w2's key id (the first 6 base64 characters hold 4.5 bytes) */
	msg = join_note(cp, ls, c1, cx);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(note.sigs[2].key_id, policy.witnesses[1].key_id);
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_ERR_VERIFY);
	assert_non_null(strstr(err.message, "\"w2.test\""));
	alot_note_free(&note);
	free(msg);

	/* another origin */
	strcpy(policy.log.name, "alot.test/other");
	msg = join_note(cp, ls, c1, c2);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(alot_tlog_checkpoint_verify(&note, &policy, &v, &err), ALOT_ERR_VERIFY);
	assert_string_equal(err.message,
	                    "the checkpoint's origin \"alot.test/log\" is not the log \"alot.test/other\"");
	alot_note_free(&note);
	free(msg);

	free(cp);
	free(ls);
	free(c1);
	free(c2);
	free(cx);
	alot_signing_key_free(lkey);
	alot_signing_key_free(w1);
	alot_signing_key_free(w2);
	alot_signing_key_free(other);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ct_inclusion_proof_verifies_and_tampering_fails),
		cmocka_unit_test(ct_consistency_proof_verifies_and_tampering_fails),
		cmocka_unit_test(leaf_hash_is_sha256_of_zero_and_entry),
		cmocka_unit_test(tree_hash_matches_merkle_root_for_every_size),
		cmocka_unit_test(every_inclusion_proof_of_small_trees_verifies),
		cmocka_unit_test(every_consistency_proof_of_small_trees_verifies),
		cmocka_unit_test(append_passes_on_the_readers_error),
		cmocka_unit_test(tile_paths_follow_the_spec),
		cmocka_unit_test(tile_widths_follow_the_spec),
		cmocka_unit_test(proof_files_round_trip_and_reject_malformed_ones),
		cmocka_unit_test(checkpoints_verify_under_a_witness_policy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
