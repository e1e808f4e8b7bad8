/*
 * gen_bundle.c - a bundle of N signed draw records (JSON lines) for the
 * verifier benchmark, signed with a fresh throwaway key.
 *
 *   gen-bundle N KEYDIR > bundle.jsonl      (writes KEYDIR/pub.pem)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/record.h"

int
main(int argc, char **argv)
{
	char secret[512], public[512], *text;
	alot_signing_key *key = NULL;
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_ticket_range ledger[12];
	unsigned char seed[32];
	alot_error err;
	unsigned long n, i, j;

	if (argc != 3 || rec == NULL)
		return 2;
	n = strtoul(argv[1], NULL, 10);
	snprintf(secret, sizeof(secret), "%s/sign.pem", argv[2]);
	snprintf(public, sizeof(public), "%s/pub.pem", argv[2]);
	if (alot_keygen_write(secret, public, &err) != ALOT_OK ||
	    alot_signing_key_load(secret, &key, &err) != ALOT_OK) {
		fprintf(stderr, "gen-bundle: %s\n", err.message);
		return 2;
	}
	for (i = 0; i < n; i++) {
		memset(rec, 0, sizeof(*rec));
		for (j = 0; j < 12; j++) {
			memset(&ledger[j], 0, sizeof(ledger[j]));
			memcpy(ledger[j].entry_id.b, &i, sizeof(i));
			ledger[j].entry_id.b[15] = (unsigned char)j;
			ledger[j].user_id.b[0] = (unsigned char)(j % 5);
			ledger[j].tickets_start = (uint32_t)(j * 5 + 1);
			ledger[j].tickets_end = (uint32_t)(j * 5 + 5);
		}
		memcpy(rec->lot.room_id.b, &i, sizeof(i));
		rec->lot.funding_target_cents = 50000;
		strcpy(rec->lot.beacon_rule, "none");
		strcpy(rec->committed_at, "2026-01-01T00:00:00.000000Z");
		strcpy(rec->funded_at, "2026-01-02T00:00:00.000000Z");
		strcpy(rec->drawn_at, "2026-01-02T00:05:00.000000Z");
		alot_sha256(&i, sizeof(i), seed);
		if (alot_draw_record_compute(rec, seed, ledger, 12, &err) != ALOT_OK ||
		    alot_draw_record_sign(rec, key, &text, &err) != ALOT_OK) {
			fprintf(stderr, "gen-bundle: %s\n", err.message);
			return 2;
		}
		puts(text);
		free(text);
	}
	alot_signing_key_free(key);
	free(rec);
	return 0;
}
