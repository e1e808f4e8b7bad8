/*
 * gen_log.c - the records of ROOMS rooms that went through protocol 2 from
 * commitment to draw, for the transparency log's benchmark: per room a
 * commitment, a freeze and a draw record, signed with a fresh throwaway key,
 * in publication order, as "kind TAB room TAB record" lines (COPY text; the
 * published form has no tab and no backslash).
 *
 *   gen-log ROOMS KEYDIR > records.tsv      (writes KEYDIR/pub.pem)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/record.h"

#define ENTRIES 12

static alot_signing_key *key;

static void
make_ledger(unsigned long room, alot_ticket_range *ledger)
{
	unsigned j;

	for (j = 0; j < ENTRIES; j++) {
		memset(&ledger[j], 0, sizeof(ledger[j]));
		memcpy(ledger[j].entry_id.b, &room, sizeof(room));
		ledger[j].entry_id.b[15] = (unsigned char)j;
		ledger[j].user_id.b[0] = (unsigned char)(j % 5);
		ledger[j].tickets_start = j * 5 + 1;
		ledger[j].tickets_end = j * 5 + 5;
	}
}

static void
make_lot(unsigned long room, alot_lot *lot)
{
	static const alot_entry_bundle bundles[] = { { 500, 5 } };

	memset(lot, 0, sizeof(*lot));
	lot->version = ALOT_PROTOCOL_V2;
	memcpy(lot->room_id.b, &room, sizeof(room));
	lot->product_class_id.b[0] = 7;
	lot->funding_target_cents = 6000;
	strcpy(lot->deadline, "2026-03-01T00:00:00.000000Z");
	strcpy(lot->lot_type, "known");
	strcpy(lot->beacon_rule, "none");
	alot_entry_bundles_hash(bundles, 1, lot->entry_bundles_hash);
}

static void
emit(const char *kind, const alot_lot *lot, char *text)
{
	char room[ALOT_UUID_STRLEN];

	alot_uuid_format(&lot->room_id, room);
	printf("%s\t%s\t%s\n", kind, room, text);
	free(text);
}

static int
one_room(unsigned long room, alot_draw_record *draw, alot_error *err)
{
	alot_ticket_range ledger[ENTRIES];
	alot_commitment_record c;
	alot_freeze_record f;
	unsigned char seed[ALOT_SEED_LEN];
	char *text;
	alot_lot lot;

	make_ledger(room, ledger);
	make_lot(room, &lot);
	alot_sha256(&room, sizeof(room), seed);
	memset(&c, 0, sizeof(c));
	c.lot = lot;
	alot_lot_commitment(&lot, seed, c.commitment);
	strcpy(c.committed_at, "2026-01-01T00:00:00.000000Z");
	if (alot_commitment_record_sign(&c, key, &text, err) != ALOT_OK)
		return -1;
	emit("commitment", &lot, text);
	memset(&f, 0, sizeof(f));
	f.lot = lot;
	memcpy(f.commitment, c.commitment, ALOT_HASH_LEN);
	strcpy(f.committed_at, c.committed_at);
	strcpy(f.funded_at, "2026-01-02T00:00:00.000000Z");
	strcpy(f.frozen_at, "2026-01-02T00:01:00.000000Z");
	if (alot_freeze_record_compute(&f, ledger, ENTRIES, err) != ALOT_OK ||
	    alot_freeze_record_sign(&f, key, &text, err) != ALOT_OK)
		return -1;
	memset(draw, 0, sizeof(*draw));
	draw->lot = lot;
	alot_record_hash(text, strlen(text), draw->freeze_record_hash);
	emit("freeze", &lot, text);
	strcpy(draw->committed_at, f.committed_at);
	strcpy(draw->funded_at, f.funded_at);
	strcpy(draw->frozen_at, f.frozen_at);
	strcpy(draw->drawn_at, "2026-01-02T00:05:00.000000Z");
	if (alot_draw_record_compute(draw, seed, ledger, ENTRIES, err) != ALOT_OK ||
	    alot_draw_record_sign(draw, key, &text, err) != ALOT_OK)
		return -1;
	emit("draw", &lot, text);
	return 0;
}

int
main(int argc, char **argv)
{
	char secret[512], public[512];
	alot_draw_record *draw = calloc(1, sizeof(*draw));
	unsigned long rooms, i;
	alot_error err;
	int rc = 2;

	if (argc != 3 || draw == NULL)
		goto out;
	rooms = strtoul(argv[1], NULL, 10);
	snprintf(secret, sizeof(secret), "%s/sign.pem", argv[2]);
	snprintf(public, sizeof(public), "%s/pub.pem", argv[2]);
	if (alot_keygen_write(secret, public, &err) != ALOT_OK ||
	    alot_signing_key_load(secret, &key, &err) != ALOT_OK)
		goto fail;
	for (i = 1; i <= rooms; i++)
		if (one_room(i, draw, &err) != 0)
			goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "gen-log: %s\n", err.message);
out:
	alot_signing_key_free(key);
	free(draw);
	return rc;
}
