/*
 * protocol.c - the computations of the draw protocol, versions 1 and 2
 * (docs/protocol.md): UUIDs, the lot hash, the commitment, ledger
 * coverage, the client and combined seeds, and the winning ticket by
 * rejection sampling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/protocol.h"
#include "encoding.h"

alot_code
alot_uuid_parse(const char *text, alot_uuid *out, alot_error *err)
{
	char hex[2 * ALOT_UUID_LEN + 1];
	size_t i, n = 0;

	if (strlen(text) != ALOT_UUID_STRLEN - 1)
		goto bad;
	for (i = 0; text[i] != '\0'; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				goto bad;
		} else {
			hex[n++] = text[i];
		}
	}
	hex[n] = '\0';
	if (alot_hex_decode(hex, out->b, ALOT_UUID_LEN, NULL) != ALOT_OK)
		goto bad;
	return ALOT_OK;
bad:
	return alot_error_set(err, ALOT_ERR_INVALID,
	                      "\"%.40s\" is not a lowercase canonical UUID", text);
}

alot_code
alot_uuid_parse_any_case(const char *text, alot_uuid *out)
{
	char lower[ALOT_UUID_STRLEN];
	size_t i;

	for (i = 0; text[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (char)(text[i] >= 'A' && text[i] <= 'F' ? text[i] - 'A' + 'a' : text[i]);
	lower[i] = '\0';
	return text[i] == '\0' ? alot_uuid_parse(lower, out, NULL) : ALOT_ERR_INVALID;
}

void
alot_uuid_format(const alot_uuid *id, char out[ALOT_UUID_STRLEN])
{
	char hex[2 * ALOT_UUID_LEN + 1];

	alot_hex_encode(id->b, ALOT_UUID_LEN, hex);
	snprintf(out, ALOT_UUID_STRLEN, "%.8s-%.4s-%.4s-%.4s-%.12s",
	         hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int
alot_uuid_equal(const alot_uuid *a, const alot_uuid *b)
{
	return memcmp(a->b, b->b, ALOT_UUID_LEN) == 0;
}

void
alot_commitment(const alot_uuid *room_id, const unsigned char seed[ALOT_SEED_LEN],
                unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[128];
	size_t n = 0;

	n = Alot_put_lp_str(buf, n, ALOT_TAG_COMMITMENT);
	n = Alot_put_lp(buf, n, room_id->b, ALOT_UUID_LEN);
	n = Alot_put_lp(buf, n, seed, ALOT_SEED_LEN);
	alot_sha256(buf, n, out);
	alot_wipe(buf, sizeof(buf)); /* it held the seed */
}

alot_code
alot_coverage_add(alot_coverage *cov, const alot_ticket_range *r, alot_error *err)
{
	char id[ALOT_UUID_STRLEN], prev[ALOT_UUID_STRLEN];

	alot_uuid_format(&r->entry_id, id);
	alot_uuid_format(&cov->last_entry, prev);
	if (r->tickets_start == 0 || r->tickets_start > r->tickets_end ||
	    r->tickets_end > ALOT_MAX_TICKETS)
		return alot_error_set(err, ALOT_ERR_VERIFY, "entry %s has an invalid range %u-%u",
		                      id, r->tickets_start, r->tickets_end);
	if (r->tickets_start > cov->next_ticket) {
		alot_error_set(err, ALOT_ERR_VERIFY, "tickets %llu-%u are in no entry: gap before entry %s",
		               (unsigned long long)cov->next_ticket, r->tickets_start - 1, id);
		if (cov->entry_count > 0)
			alot_error_detail(err, "the previous entry %s ends at ticket %llu",
			                  prev, (unsigned long long)cov->next_ticket - 1);
		return ALOT_ERR_VERIFY;
	}
	if (r->tickets_start < cov->next_ticket) {
		alot_error_set(err, ALOT_ERR_VERIFY,
		               "entry %s (tickets %u-%u) overlaps entry %s, which ends at ticket %llu",
		               id, r->tickets_start, r->tickets_end, prev,
		               (unsigned long long)cov->next_ticket - 1);
		return ALOT_ERR_VERIFY;
	}
	cov->next_ticket = (uint64_t)r->tickets_end + 1;
	cov->entry_count++;
	cov->last_entry = r->entry_id;
	return ALOT_OK;
}

alot_code
alot_coverage_finish(const alot_coverage *cov, uint32_t *total_tickets, alot_error *err)
{
	if (cov->entry_count == 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the ledger has no entries");
	*total_tickets = (uint32_t)(cov->next_ticket - 1);
	return ALOT_OK;
}

int
alot_lot_type_known(const char *text)
{
	return strcmp(text, "known") == 0 || strcmp(text, "mystery") == 0;
}

int
alot_lot_is_v2(const alot_lot *lot)
{
	return lot->version == ALOT_PROTOCOL_V2;
}

static size_t
put_text(unsigned char *buf, size_t at, const char *text, size_t max)
{
	return Alot_put_lp(buf, at, (const unsigned char *)text, strnlen(text, max));
}

void
alot_lot_hash(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[32 + 2 * (4 + ALOT_UUID_LEN) + 12 + 4 + ALOT_TIMESTAMP_LEN +
	                  4 + ALOT_LOT_TYPE_MAX + 4 + ALOT_HASH_LEN + 4 + ALOT_BEACON_RULE_MAX];
	unsigned char u64[8];
	size_t n = 0;

	Alot_put_u64(u64, 0, lot->funding_target_cents);
	n = Alot_put_lp_str(buf, n, ALOT_TAG2_LOT);
	n = Alot_put_lp(buf, n, lot->room_id.b, ALOT_UUID_LEN);
	n = Alot_put_lp(buf, n, lot->product_class_id.b, ALOT_UUID_LEN);
	n = Alot_put_lp(buf, n, u64, sizeof(u64));
	n = put_text(buf, n, lot->deadline, ALOT_TIMESTAMP_LEN);
	n = put_text(buf, n, lot->lot_type, ALOT_LOT_TYPE_MAX);
	n = Alot_put_lp(buf, n, lot->entry_bundles_hash, ALOT_HASH_LEN);
	n = put_text(buf, n, lot->beacon_rule, ALOT_BEACON_RULE_MAX);
	alot_sha256(buf, n, out);
}

void
alot_entry_bundles_hash(const alot_entry_bundle *bundles, size_t count,
                        unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[32 + 4 + ALOT_MAX_BUNDLES * 12];
	size_t i, n = 0;

	if (count > ALOT_MAX_BUNDLES)
		count = ALOT_MAX_BUNDLES; /* callers refuse more; see the header */
	n = Alot_put_lp_str(buf, n, ALOT_TAG2_BUNDLES);
	n = Alot_put_u32(buf, n, (uint32_t)count);
	for (i = 0; i < count; i++) {
		n = Alot_put_u64(buf, n, bundles[i].amount_cents);
		n = Alot_put_u32(buf, n, bundles[i].tickets);
	}
	alot_sha256(buf, n, out);
}

void
alot_lot_commitment(const alot_lot *lot, const unsigned char seed[ALOT_SEED_LEN],
                    unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[128], lot_hash[ALOT_HASH_LEN];
	size_t n = 0;

	if (!alot_lot_is_v2(lot)) {
		alot_commitment(&lot->room_id, seed, out);
		return;
	}
	alot_lot_hash(lot, lot_hash);
	n = Alot_put_lp_str(buf, n, ALOT_TAG2_COMMITMENT);
	n = Alot_put_lp(buf, n, lot_hash, ALOT_HASH_LEN);
	n = Alot_put_lp(buf, n, seed, ALOT_SEED_LEN);
	alot_sha256(buf, n, out);
	alot_wipe(buf, sizeof(buf)); /* it held the seed */
}

static void
client_seed_v1(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[64 + 3 * (4 + ALOT_UUID_LEN) + 8 * 4 + ALOT_HASH_LEN +
	                  ALOT_BEACON_RULE_MAX + ALOT_BEACON_VALUE_MAX + 64];
	unsigned char u64[8], u32a[4], u32b[4];
	size_t n = 0;

	Alot_put_u64(u64, 0, lot->funding_target_cents);
	Alot_put_u32(u32a, 0, lot->total_tickets);
	Alot_put_u32(u32b, 0, lot->entry_count);
	n = Alot_put_lp_str(buf, n, ALOT_TAG_CLIENT_SEED);
	n = Alot_put_lp(buf, n, lot->room_id.b, ALOT_UUID_LEN);
	n = Alot_put_lp(buf, n, lot->product_class_id.b, ALOT_UUID_LEN);
	n = Alot_put_lp(buf, n, u64, sizeof(u64));
	n = Alot_put_lp(buf, n, u32a, sizeof(u32a));
	n = Alot_put_lp(buf, n, u32b, sizeof(u32b));
	n = Alot_put_lp(buf, n, lot->ledger_root, ALOT_HASH_LEN);
	n = put_text(buf, n, lot->beacon_rule, ALOT_BEACON_RULE_MAX);
	n = Alot_put_lp(buf, n, lot->beacon_value,
	                lot->beacon_value_len <= ALOT_BEACON_VALUE_MAX ? lot->beacon_value_len : 0);
	alot_sha256(buf, n, out);
}

void
alot_client_seed(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[32 + 4 + ALOT_HASH_LEN + 2 * 8 + 4 + ALOT_HASH_LEN + 4 + ALOT_BEACON_VALUE_MAX];
	unsigned char lot_hash[ALOT_HASH_LEN], u32a[4], u32b[4];
	size_t n = 0;

	if (!alot_lot_is_v2(lot)) {
		client_seed_v1(lot, out);
		return;
	}
	alot_lot_hash(lot, lot_hash);
	Alot_put_u32(u32a, 0, lot->total_tickets);
	Alot_put_u32(u32b, 0, lot->entry_count);
	n = Alot_put_lp_str(buf, n, ALOT_TAG2_CLIENT_SEED);
	n = Alot_put_lp(buf, n, lot_hash, ALOT_HASH_LEN);
	n = Alot_put_lp(buf, n, u32a, sizeof(u32a));
	n = Alot_put_lp(buf, n, u32b, sizeof(u32b));
	n = Alot_put_lp(buf, n, lot->ledger_root, ALOT_HASH_LEN);
	n = Alot_put_lp(buf, n, lot->beacon_value,
	                lot->beacon_value_len <= ALOT_BEACON_VALUE_MAX ? lot->beacon_value_len : 0);
	alot_sha256(buf, n, out);
}

void
alot_combined_seed(uint32_t version, const unsigned char server_seed[ALOT_SEED_LEN],
                   const unsigned char client_seed[ALOT_HASH_LEN], uint32_t nonce,
                   unsigned char out[ALOT_HASH_LEN])
{
	unsigned char buf[128];
	size_t n = 0;

	n = Alot_put_lp_str(buf, n, version == ALOT_PROTOCOL_V2 ? ALOT_TAG2_COMBINED : ALOT_TAG_COMBINED);
	n = Alot_put_lp(buf, n, server_seed, ALOT_SEED_LEN);
	n = Alot_put_lp(buf, n, client_seed, ALOT_HASH_LEN);
	n = Alot_put_u32(buf, n, nonce);
	alot_sha256(buf, n, out);
	alot_wipe(buf, sizeof(buf)); /* it held the server seed */
}

static int
uuid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, ALOT_UUID_LEN);
}

int
Alot_repeated_uuid(alot_uuid *ids, size_t n, alot_uuid *dup)
{
	size_t i;

	qsort(ids, n, sizeof(*ids), uuid_cmp);
	for (i = 1; i < n; i++)
		if (memcmp(ids[i - 1].b, ids[i].b, ALOT_UUID_LEN) == 0) {
			*dup = ids[i];
			return 1;
		}
	return 0;
}

uint64_t
alot_rejection_limit(uint32_t total_tickets)
{
	const uint64_t range = UINT64_C(1) << 32;

	return range - range % total_tickets;
}

alot_code
alot_draw_ticket(uint32_t version, const unsigned char server_seed[ALOT_SEED_LEN],
                 const unsigned char client_seed[ALOT_HASH_LEN], uint32_t total_tickets,
                 alot_draw_result *out, alot_error *err)
{
	uint64_t limit;
	uint32_t nonce;

	/* Only the tries made are written: the result is large, zeroing it all is not free. */
	out->winning_ticket = 0;
	out->nonce = 0;
	out->attempt_count = 0;
	if (total_tickets == 0 || total_tickets > ALOT_MAX_TICKETS)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "total tickets %u is outside 1..%u", total_tickets, ALOT_MAX_TICKETS);
	limit = alot_rejection_limit(total_tickets);
	for (nonce = 0; nonce <= ALOT_MAX_NONCE; nonce++) {
		alot_attempt *a = &out->attempts[nonce];

		a->nonce = nonce;
		alot_combined_seed(version, server_seed, client_seed, nonce, a->combined_seed);
		a->value = Alot_get_u32(a->combined_seed);
		a->accepted = a->value < limit;
		out->attempt_count = nonce + 1;
		if (a->accepted) {
			out->nonce = nonce;
			out->winning_ticket = a->value % total_tickets + 1;
			return ALOT_OK;
		}
	}
	return alot_error_set(err, ALOT_ERR_INTERNAL, "every try up to nonce %u was rejected",
	                      ALOT_MAX_NONCE);
}
