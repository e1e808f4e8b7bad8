/*
 * merkle_bench.c - the Merkle root of a ledger of N entries beside its
 * floor, both measured in this run: SHA-256 in bulk over as many 64-byte
 * blocks as the tree hashes.  A leaf hash (41 bytes, padded) is one block
 * and a node hash (65 bytes) two, so a tree of n leaves hashes 3n - 2.
 *
 *   merkle_bench [ENTRIES]      (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/crypto.h"
#include "alot/merkle.h"

#define ROUNDS 5
#define STR_(x) #x
#define STR(x) STR_(x)

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
	size_t blocks = 3 * n - 2;
	unsigned char *bytes = malloc(blocks * 64), root[32], digest[32];
	alot_merkle_builder *b = malloc(sizeof(*b));
	double t0, t, merkle, floor_s;
	int round;

	if (n == 0 || ledger == NULL || bytes == NULL || b == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		memcpy(ledger[i].entry_id.b, &i, sizeof(i));
		ledger[i].user_id.b[0] = (unsigned char)(i % 251);
		ledger[i].tickets_start = (uint32_t)(2 * i + 1);
		ledger[i].tickets_end = (uint32_t)(2 * i + 2);
	}
	for (i = 0; i < blocks * 64; i++)
		bytes[i] = (unsigned char)(i * 131);
	/* Best of ROUNDS, alternating: another process on the machine slows a
	 * round, never speeds one up. */
	merkle = floor_s = 1e9;
	for (round = 0; round < ROUNDS; round++) {
		t0 = now();
		alot_merkle_init(b);
		for (i = 0; i < n; i++)
			alot_merkle_add(b, &ledger[i]);
		if (alot_merkle_finish(b, root, NULL) != ALOT_OK)
			return 2;
		t = now() - t0;
		merkle = t < merkle ? t : merkle;
		t0 = now();
		alot_sha256(bytes, blocks * 64, digest);
		t = now() - t0;
		floor_s = t < floor_s ? t : floor_s;
	}
	printf("merkle root of %zu entries: %.3f s (%zu blocks of 64 bytes; best of " STR(ROUNDS) ")\n", n, merkle, blocks);
	printf("floor: SHA-256 in bulk over %zu blocks of 64 bytes: %.3f s, %.1f MB/s\n", blocks, floor_s,
	       blocks * 64 / floor_s / 1e6);
	printf("ratio: the Merkle root takes %.2fx its floor (goal: at most 1.5x)\n", merkle / floor_s);
	free(ledger);
	free(bytes);
	free(b);
	return 0;
}
