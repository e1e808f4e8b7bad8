/*
 * inclusion_bench.c - the cost of one offline inclusion check in the
 * transparency log: verifying a record's RFC 9162 inclusion proof in a tree
 * of N entries, and, for the floor, one SHA-256 of a record's size.
 *
 *   inclusion-bench [N] [ROUNDS]     (default 1,000,000 entries, 200,000 rounds)
 *
 * Prints microseconds per check.  A benchmark, never run by "make check".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/tlog.h"

struct memlog {
	unsigned char (*hashes[64])[ALOT_HASH_LEN];
	uint64_t count[64];
};

static alot_code
mem_read(void *ctx, unsigned level, uint64_t index, unsigned char out[ALOT_HASH_LEN],
         alot_error *err)
{
	struct memlog *log = ctx;

	if (level >= 64 || index >= log->count[level])
		return alot_error_set(err, ALOT_ERR_NOT_FOUND, "no stored hash (%u, %llu)", level,
		                      (unsigned long long)index);
	memcpy(out, log->hashes[level][index], ALOT_HASH_LEN);
	return ALOT_OK;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Build a log of n entries in memory with the library's append. */
static int
build_log(struct memlog *log, uint64_t n)
{
	unsigned char leaf[ALOT_HASH_LEN], out[ALOT_TLOG_MAX_PROOF + 1][ALOT_HASH_LEN];
	unsigned levels[ALOT_TLOG_MAX_PROOF + 1];
	size_t count, k;
	uint64_t i;
	alot_error err;
	unsigned l;

	for (l = 0; l < 64; l++) {
		log->hashes[l] = malloc(((n >> l) + 1) * ALOT_HASH_LEN);
		if (log->hashes[l] == NULL)
			return -1;
	}
	for (i = 0; i < n; i++) {
		alot_tlog_leaf_hash(&i, sizeof(i), leaf);
		if (alot_tlog_append_hashes(i, leaf, mem_read, log, out, levels, &count, &err) != ALOT_OK) {
			fprintf(stderr, "inclusion-bench: %s\n", err.message);
			return -1;
		}
		for (k = 0; k < count; k++)
			memcpy(log->hashes[levels[k]][log->count[levels[k]]++], out[k], ALOT_HASH_LEN);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct memlog log;
	unsigned char root[ALOT_HASH_LEN], leaf[ALOT_HASH_LEN], proof[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	char record[2048];
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 200000, r;
	uint64_t index = n / 3;
	size_t len;
	alot_error err;
	double t0, check_us, hash_us;

	if (n == 0 || rounds <= 0 || build_log(&log, n) != 0 ||
	    alot_tlog_tree_hash(n, mem_read, &log, root, &err) != ALOT_OK ||
	    alot_tlog_inclusion_proof(index, n, mem_read, &log, proof, &len, &err) != ALOT_OK)
		return 2;
	memset(record, 'r', sizeof(record));
	alot_tlog_leaf_hash(&index, sizeof(index), leaf);
	t0 = now_seconds();
	for (r = 0; r < rounds; r++)
		if (alot_tlog_verify_inclusion(leaf, index, n, proof, len, root, &err) != ALOT_OK)
			return 1;
	check_us = (now_seconds() - t0) * 1e6 / (double)rounds;
	t0 = now_seconds();
	for (r = 0; r < rounds; r++)
		alot_tlog_leaf_hash(record, sizeof(record), leaf);
	hash_us = (now_seconds() - t0) * 1e6 / (double)rounds;
	printf("inclusion check, %llu entries (%zu hashes): %.2f us\n", (unsigned long long)n, len,
	       check_us);
	printf("floor: one leaf hash of a 2 KiB record: %.2f us; ratio %.2fx\n", hash_us,
	       check_us / hash_us);
	return 0;
}
