/*
 * gen_ledger.c - one draw record over a ledger of N entries, and that
 * ledger's file, for the browser verifier's benchmark (bench/web/run.sh):
 * signed with a fresh throwaway key, in the form alot-draw export writes.
 *
 *   gen-ledger N KEYDIR > draw.json     (writes KEYDIR/pub.pem and KEYDIR/ledger.jsonl)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/record.h"

int
main(int argc, char **argv)
{
	char secret[512], public[512], path[512], *text = NULL;
	alot_signing_key *key = NULL;
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_ticket_range *ledger;
	unsigned char seed[32];
	alot_error err;
	unsigned long n, i;
	FILE *out;

	if (argc != 3 || rec == NULL || (n = strtoul(argv[1], NULL, 10)) == 0 ||
	    (ledger = calloc(n, sizeof(*ledger))) == NULL)
		return 2;
	snprintf(secret, sizeof(secret), "%s/sign.pem", argv[2]);
	snprintf(public, sizeof(public), "%s/pub.pem", argv[2]);
	snprintf(path, sizeof(path), "%s/ledger.jsonl", argv[2]);
	if (alot_keygen_write(secret, public, &err) != ALOT_OK ||
	    alot_signing_key_load(secret, &key, &err) != ALOT_OK)
		goto fail;
	/* One ticket an entry, from 1,000 buyers. */
	for (i = 0; i < n; i++) {
		memcpy(ledger[i].entry_id.b, &i, sizeof(i));
		ledger[i].entry_id.b[15] = 0x4e;
		ledger[i].user_id.b[0] = (unsigned char)(i % 250);
		ledger[i].user_id.b[1] = (unsigned char)(i % 4);
		ledger[i].tickets_start = ledger[i].tickets_end = (uint32_t)(i + 1);
	}
	rec->lot.funding_target_cents = 50000;
	strcpy(rec->lot.beacon_rule, "none");
	strcpy(rec->committed_at, "2026-01-01T00:00:00.000000Z");
	strcpy(rec->funded_at, "2026-01-02T00:00:00.000000Z");
	strcpy(rec->drawn_at, "2026-01-02T00:05:00.000000Z");
	alot_sha256(&n, sizeof(n), seed);
	if (alot_draw_record_compute(rec, seed, ledger, n, &err) != ALOT_OK ||
	    alot_draw_record_sign(rec, key, &text, &err) != ALOT_OK)
		goto fail;
	puts(text);
	free(text);
	if ((out = fopen(path, "w")) == NULL) {
		perror(path);
		return 2;
	}
	if (alot_ledger_header_json(rec, &text, &err) != ALOT_OK)
		goto fail;
	fprintf(out, "%s\n", text);
	free(text);
	for (i = 0; i < n; i++) {
		if (alot_ledger_line_json(&ledger[i], &text, &err) != ALOT_OK)
			goto fail;
		fprintf(out, "%s\n", text);
		free(text);
	}
	if (fclose(out) != 0)
		return 2;
	alot_signing_key_free(key);
	free(ledger);
	free(rec);
	return 0;
fail:
	fprintf(stderr, "gen-ledger: %s\n", err.message);
	return 2;
}
