/*
 * merkle_bench.c - the Merkle root of a ledger of N entries beside raw
 * SHA-256 over the same leaf bytes, both measured in this run.
 *
 *   merkle_bench [ENTRIES]      (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "alot/merkle.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, i;
	alot_ticket_range *ledger = calloc(n, sizeof(*ledger));
	unsigned char *bytes = malloc(n * ALOT_LEAF_LEN), root[32], digest[32];
	alot_merkle_builder *b = malloc(sizeof(*b));
	double t0, merkle, raw;

	if (n == 0 || ledger == NULL || bytes == NULL || b == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		memcpy(ledger[i].entry_id.b, &i, sizeof(i));
		ledger[i].user_id.b[0] = (unsigned char)(i % 251);
		ledger[i].tickets_start = (uint32_t)(2 * i + 1);
		ledger[i].tickets_end = (uint32_t)(2 * i + 2);
		alot_leaf_bytes(&ledger[i], bytes + i * ALOT_LEAF_LEN);
	}
	t0 = now();
	alot_merkle_init(b);
	for (i = 0; i < n; i++)
		alot_merkle_add(b, &ledger[i]);
	if (alot_merkle_finish(b, root, NULL) != ALOT_OK)
		return 2;
	merkle = now() - t0;
	t0 = now();
	SHA256(bytes, n * ALOT_LEAF_LEN, digest);
	raw = now() - t0;
	printf("merkle root of %zu entries: %.3f s, %.1f MB/s of leaf data\n", n, merkle,
	       n * ALOT_LEAF_LEN / merkle / 1e6);
	printf("raw SHA-256 of the same %zu bytes: %.3f s, %.1f MB/s\n", n * ALOT_LEAF_LEN, raw,
	       n * ALOT_LEAF_LEN / raw / 1e6);
	printf("ratio: the Merkle root takes %.2fx the raw SHA-256 time (it hashes 2n-1 blocks, not one stream)\n",
	       merkle / raw);
	free(ledger);
	free(bytes);
	free(b);
	return 0;
}
