/*
 * verify.c - verifying published records of draw protocol v1: every step
 * is recomputed from the record's inputs and compared, and each check is
 * reported under its stable name (docs/protocol.md, "Verification").
 * Checks are independent: each recomputes from verified inputs, so one
 * tampered field fails its own check and the rest still run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/record.h"
#include "encoding.h"

void
alot_report_init(alot_report *report)
{
	memset(report, 0, sizeof(*report));
}

const alot_check *
alot_report_find(const alot_report *report, const char *name)
{
	size_t i;

	for (i = 0; i < report->count; i++)
		if (strcmp(report->checks[i].name, name) == 0)
			return &report->checks[i];
	return NULL;
}

void
alot_report_set(alot_report *report, const char *name, alot_check_status status,
                const char *fmt, ...)
{
	alot_check *c = (alot_check *)alot_report_find(report, name);
	va_list ap;

	if (c == NULL) {
		if (report->count == ALOT_REPORT_MAX_CHECKS)
			return;
		c = &report->checks[report->count++];
		c->name = name;
	} else if (c->status == ALOT_CHECK_FAIL) {
		report->failures--;
	}
	c->status = status;
	if (status == ALOT_CHECK_FAIL)
		report->failures++;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
}

const char *
alot_check_status_name(alot_check_status status)
{
	switch (status) {
	case ALOT_CHECK_PASS: return "PASS";
	case ALOT_CHECK_FAIL: return "FAIL";
	case ALOT_CHECK_SKIP: return "SKIP";
	}
	return "?";
}

static void
pass(alot_report *r, const char *name)
{
	alot_report_set(r, name, ALOT_CHECK_PASS, "%s", "");
}

static alot_code
outcome(const alot_report *r)
{
	return r->failures == 0 ? ALOT_OK : ALOT_ERR_VERIFY;
}

static void
check_beacon(const char *rule, size_t value_len, alot_report *r)
{
	if (!alot_beacon_rule_known(rule))
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "beacon rule \"%s\" is not defined by protocol v1", rule);
	else if (strcmp(rule, "none") == 0 && value_len != 0)
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "beacon rule \"none\" takes no beacon value");
	else
		pass(r, "beacon");
}

/* "signature": the record names key and key signed its canonical form. */
static void
check_signature(const char *canonical, const unsigned char key_id[ALOT_KEY_ID_LEN],
                const unsigned char sig[ALOT_SIG_LEN], const alot_public_key *key,
                alot_report *r)
{
	char named[2 * ALOT_KEY_ID_LEN + 1], given[2 * ALOT_KEY_ID_LEN + 1];
	unsigned char *msg;
	size_t clen, len;

	if (key == NULL) {
		alot_report_set(r, "signature", ALOT_CHECK_SKIP, "no public key given");
		return;
	}
	if (canonical == NULL) {
		alot_report_set(r, "signature", ALOT_CHECK_FAIL, "out of memory");
		return;
	}
	if (!alot_ct_equal(key_id, key->key_id, ALOT_KEY_ID_LEN)) {
		alot_hex_encode(key_id, ALOT_KEY_ID_LEN, named);
		alot_hex_encode(key->key_id, ALOT_KEY_ID_LEN, given);
		alot_report_set(r, "signature", ALOT_CHECK_FAIL,
		                "the record names key %s, the public key given is %s", named, given);
		return;
	}
	clen = strlen(canonical);
	len = 4 + strlen(ALOT_TAG_SIGNATURE) + clen;
	if ((msg = malloc(len)) == NULL) {
		alot_report_set(r, "signature", ALOT_CHECK_FAIL, "out of memory");
		return;
	}
	memcpy(msg + Alot_put_lp_str(msg, 0, ALOT_TAG_SIGNATURE), canonical, clen);
	if (alot_verify_signature(key, msg, len, sig, NULL) == ALOT_OK)
		pass(r, "signature");
	else
		alot_report_set(r, "signature", ALOT_CHECK_FAIL,
		                "the signature does not match the record's content and key");
	free(msg);
}

static void
check_hash(alot_report *r, const char *name, const unsigned char *claimed,
           const unsigned char *computed, const char *what)
{
	char hex[2 * ALOT_HASH_LEN + 1];

	if (alot_ct_equal(claimed, computed, ALOT_HASH_LEN)) {
		pass(r, name);
		return;
	}
	alot_hex_encode(computed, ALOT_HASH_LEN, hex);
	alot_report_set(r, name, ALOT_CHECK_FAIL, "%s: recomputed %s", what, hex);
}

/* "combined-seed": every try's seed, from the true client seed. */
static void
check_combined(const alot_draw_record *rec, const unsigned char client[ALOT_HASH_LEN],
               alot_report *r)
{
	const alot_draw_result *d = &rec->draw;
	unsigned char seed[ALOT_HASH_LEN];
	size_t i;

	for (i = 0; i < d->attempt_count; i++) {
		alot_combined_seed(rec->server_seed, client, (uint32_t)i, seed);
		if (d->attempts[i].nonce != i || !alot_ct_equal(seed, d->attempts[i].combined_seed, ALOT_HASH_LEN)) {
			alot_report_set(r, "combined-seed", ALOT_CHECK_FAIL,
			                "try %zu does not hash to its combined seed with nonce %zu", i, i);
			return;
		}
	}
	if (!alot_ct_equal(rec->combined_seed, d->attempts[d->attempt_count - 1].combined_seed, ALOT_HASH_LEN)) {
		alot_report_set(r, "combined-seed", ALOT_CHECK_FAIL,
		                "combined_seed is not the seed of the accepted try");
		return;
	}
	pass(r, "combined-seed");
}

/* "rejection-sampling": each value, each verdict, and the nonce. */
static void
check_rejection(const alot_draw_record *rec, alot_report *r)
{
	const alot_draw_result *d = &rec->draw;
	uint32_t n = rec->lot.total_tickets;
	uint64_t limit;
	size_t i;

	if (n == 0 || n > ALOT_MAX_TICKETS) {
		alot_report_set(r, "rejection-sampling", ALOT_CHECK_FAIL, "total_tickets %u is outside 1..%u",
		                n, ALOT_MAX_TICKETS);
		return;
	}
	limit = alot_rejection_limit(n);
	for (i = 0; i < d->attempt_count; i++) {
		const alot_attempt *a = &d->attempts[i];
		int last = i + 1 == d->attempt_count;

		if (a->value != Alot_get_u32(a->combined_seed)) {
			alot_report_set(r, "rejection-sampling", ALOT_CHECK_FAIL,
			                "try %zu: value %u is not the first 4 bytes of its combined seed", i, a->value);
			return;
		}
		if (a->accepted != (a->value < limit) || a->accepted != last) {
			alot_report_set(r, "rejection-sampling", ALOT_CHECK_FAIL,
			                "try %zu: value %u must be %s (bound %llu)", i, a->value,
			                a->value < limit ? "accepted" : "rejected", (unsigned long long)limit);
			return;
		}
	}
	if (d->nonce != d->attempt_count - 1) {
		alot_report_set(r, "rejection-sampling", ALOT_CHECK_FAIL,
		                "nonce %u does not count the %zu rejected tries", d->nonce, d->attempt_count - 1);
		return;
	}
	pass(r, "rejection-sampling");
}

/* "winning-ticket": the draw recomputed from the revealed seed and true client seed. */
static void
check_ticket(const alot_draw_record *rec, const unsigned char client[ALOT_HASH_LEN],
             alot_report *r)
{
	alot_draw_result *d = malloc(sizeof(*d));

	if (d == NULL) {
		alot_report_set(r, "winning-ticket", ALOT_CHECK_FAIL, "out of memory");
		return;
	}
	if (alot_draw_ticket(rec->server_seed, client, rec->lot.total_tickets, d, NULL) != ALOT_OK)
		alot_report_set(r, "winning-ticket", ALOT_CHECK_FAIL, "no ticket can be drawn from %u tickets",
		                rec->lot.total_tickets);
	else if (d->winning_ticket != rec->draw.winning_ticket || d->nonce != rec->draw.nonce)
		alot_report_set(r, "winning-ticket", ALOT_CHECK_FAIL,
		                "the draw gives ticket %u at nonce %u, the record claims ticket %u at nonce %u",
		                d->winning_ticket, d->nonce, rec->draw.winning_ticket, rec->draw.nonce);
	else
		pass(r, "winning-ticket");
	free(d);
}

/* "winner-inclusion": the winner holds the ticket and its leaf is under the root. */
static void
check_winner(const alot_draw_record *rec, alot_report *r)
{
	const alot_ticket_range *w = &rec->winner;
	unsigned char leaf[ALOT_HASH_LEN];

	if (rec->draw.winning_ticket < w->tickets_start || rec->draw.winning_ticket > w->tickets_end ||
	    w->tickets_end > rec->lot.total_tickets || w->tickets_start == 0) {
		alot_report_set(r, "winner-inclusion", ALOT_CHECK_FAIL,
		                "the winning entry's tickets %u-%u do not hold ticket %u within 1..%u",
		                w->tickets_start, w->tickets_end, rec->draw.winning_ticket, rec->lot.total_tickets);
		return;
	}
	alot_merkle_leaf_hash(w, leaf);
	if (alot_merkle_verify_proof(leaf, rec->winner_leaf_index, rec->lot.entry_count,
	                             (const unsigned char (*)[ALOT_HASH_LEN])rec->winner_proof,
	                             rec->winner_proof_len, rec->lot.ledger_root, NULL) != ALOT_OK) {
		alot_report_set(r, "winner-inclusion", ALOT_CHECK_FAIL,
		                "the winning entry at leaf %u is not proven to be in the ledger root",
		                rec->winner_leaf_index);
		return;
	}
	pass(r, "winner-inclusion");
}

static void
check_times(const char *committed, const char *funded, const char *drawn, alot_report *r)
{
	/* Fixed-width UTC timestamps compare as strings. */
	if (funded && strcmp(committed, funded) > 0)
		alot_report_set(r, "timestamps", ALOT_CHECK_FAIL, "committed at %s, after funding at %s",
		                committed, funded);
	else if (funded && drawn && strcmp(funded, drawn) > 0)
		alot_report_set(r, "timestamps", ALOT_CHECK_FAIL, "drawn at %s, before funding at %s",
		                drawn, funded);
	else
		pass(r, "timestamps");
}

alot_code
alot_draw_record_verify(const alot_draw_record *rec, const alot_public_key *key, alot_report *report)
{
	unsigned char computed[ALOT_HASH_LEN], client[ALOT_HASH_LEN];
	char *canonical = NULL;

	check_beacon(rec->lot.beacon_rule, rec->lot.beacon_value_len, report);
	if (key != NULL && alot_draw_record_canonical(rec, &canonical, NULL) != ALOT_OK)
		canonical = NULL;
	check_signature(canonical, rec->key_id, rec->signature, key, report);
	free(canonical);
	alot_commitment(&rec->lot.room_id, rec->server_seed, computed);
	check_hash(report, "commitment", rec->commitment, computed,
	           "the revealed server seed does not hash to the commitment");
	alot_client_seed(&rec->lot, client);
	check_hash(report, "client-seed", rec->client_seed, client,
	           "the client seed does not follow from the lot's data and ledger root");
	check_combined(rec, client, report);
	check_rejection(rec, report);
	check_ticket(rec, client, report);
	check_winner(rec, report);
	check_times(rec->committed_at, rec->funded_at, rec->drawn_at, report);
	return outcome(report);
}

alot_code
alot_commitment_record_verify(const alot_commitment_record *rec, const alot_public_key *key,
                              alot_report *report)
{
	char *canonical = NULL;

	check_beacon(rec->beacon_rule, 0, report);
	if (key != NULL && alot_commitment_record_canonical(rec, &canonical, NULL) != ALOT_OK)
		canonical = NULL;
	check_signature(canonical, rec->key_id, rec->signature, key, report);
	free(canonical);
	check_times(rec->committed_at, NULL, NULL, report);
	return outcome(report);
}

alot_code
alot_commitment_matches_draw(const alot_commitment_record *c, const alot_draw_record *d,
                             const alot_public_key *key, alot_report *report)
{
	alot_report own;
	const char *what = NULL;

	alot_report_init(&own);
	if (alot_commitment_record_verify(c, key, &own) != ALOT_OK)
		what = "the commitment record does not verify";
	else if (!alot_uuid_equal(&c->room_id, &d->lot.room_id))
		what = "the commitment record is for another room";
	else if (!alot_ct_equal(c->commitment, d->commitment, ALOT_HASH_LEN))
		what = "the draw's commitment is not the one published at open";
	else if (strcmp(c->beacon_rule, d->lot.beacon_rule) != 0)
		what = "the draw used another beacon rule than the one committed to";
	else if (strcmp(c->committed_at, d->committed_at) != 0)
		what = "the draw's committed_at is not the commitment record's";
	else if (memcmp(c->key_id, d->key_id, ALOT_KEY_ID_LEN) != 0)
		what = "the draw and the commitment were signed with different keys";
	if (what != NULL)
		alot_report_set(report, "commitment-record", ALOT_CHECK_FAIL, "%s", what);
	else
		pass(report, "commitment-record");
	return outcome(report);
}

/* ---- the full ledger, streamed ------------------------------------- */

void
alot_ledger_verifier_init(alot_ledger_verifier *v, const alot_draw_record *rec)
{
	memset(v, 0, sizeof(*v));
	v->rec = rec;
	v->coverage = (alot_coverage)ALOT_COVERAGE_INIT;
	alot_merkle_init(&v->merkle);
}

static void
ledger_fail(alot_ledger_verifier *v, const char *fmt, ...) ALOT_PRINTF(2, 3);

static void
ledger_fail(alot_ledger_verifier *v, const char *fmt, ...)
{
	va_list ap;

	if (v->failed)
		return; /* keep the first failure: it is the cause */
	v->failed = 1;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

static void
ledger_header(alot_ledger_verifier *v, const char *line, size_t len)
{
	const alot_draw_record *rec = v->rec;
	alot_ledger_header h;
	alot_error err;

	v->header_seen = 1;
	if (alot_ledger_header_parse(line, len, &h, &err) != ALOT_OK)
		ledger_fail(v, "line 1 (header): %s", err.message);
	else if (!alot_uuid_equal(&h.room_id, &rec->lot.room_id))
		ledger_fail(v, "the ledger is for another room");
	else if (h.entry_count != rec->lot.entry_count || h.total_tickets != rec->lot.total_tickets ||
	         memcmp(h.ledger_root, rec->lot.ledger_root, ALOT_HASH_LEN) != 0)
		ledger_fail(v, "the ledger's header does not match the record's entry count, tickets and root");
}

void
alot_ledger_verifier_line(alot_ledger_verifier *v, const char *line, size_t len)
{
	alot_ticket_range range;
	alot_error err;

	if (v->failed)
		return;
	if (!v->header_seen) {
		ledger_header(v, line, len);
		return;
	}
	if (alot_ledger_line_parse(line, len, &range, &err) != ALOT_OK) {
		ledger_fail(v, "entry %llu: %s", (unsigned long long)v->index + 1, err.message);
		return;
	}
	if (alot_coverage_add(&v->coverage, &range, &err) != ALOT_OK) {
		ledger_fail(v, "%s", err.message);
		return;
	}
	if (v->index == v->rec->winner_leaf_index) {
		v->winner_seen = 1;
		if (memcmp(&range, &v->rec->winner, sizeof(range)) != 0)
			ledger_fail(v, "the entry at the winner's leaf %u is not the record's winner",
			            v->rec->winner_leaf_index);
	}
	alot_merkle_add(&v->merkle, &range);
	v->index++;
}

alot_code
alot_ledger_verifier_finish(alot_ledger_verifier *v, alot_report *report)
{
	unsigned char root[ALOT_HASH_LEN];
	uint32_t n = 0;

	if (!v->failed && !v->header_seen)
		ledger_fail(v, "the ledger file is empty");
	if (!v->failed && alot_coverage_finish(&v->coverage, &n, NULL) != ALOT_OK)
		ledger_fail(v, "the ledger has no entries");
	if (!v->failed && n != v->rec->lot.total_tickets)
		ledger_fail(v, "the ledger covers tickets 1-%u, the record claims %u", n, v->rec->lot.total_tickets);
	if (!v->failed && v->index != v->rec->lot.entry_count)
		ledger_fail(v, "the ledger has %llu entries, the record claims %u",
		            (unsigned long long)v->index, v->rec->lot.entry_count);
	if (!v->failed && (alot_merkle_finish(&v->merkle, root, NULL) != ALOT_OK ||
	                   !alot_ct_equal(root, v->rec->lot.ledger_root, ALOT_HASH_LEN)))
		ledger_fail(v, "the ledger does not hash to the record's ledger root");
	if (!v->failed && !v->winner_seen)
		ledger_fail(v, "the winner's leaf is not in the ledger");
	if (v->failed)
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "%s", v->message);
	else
		pass(report, "ledger");
	return outcome(report);
}

alot_code
alot_inclusion_proof_verify(const alot_inclusion_proof *p, const alot_draw_record *d,
                            const alot_uuid *entry, alot_report *report)
{
	unsigned char leaf[ALOT_HASH_LEN];
	const char *what = NULL;

	if (!alot_uuid_equal(&p->room_id, &d->lot.room_id))
		what = "the proof is for another room";
	else if (memcmp(p->ledger_root, d->lot.ledger_root, ALOT_HASH_LEN) != 0 ||
	         p->entry_count != d->lot.entry_count)
		what = "the proof is for another ledger than the draw's";
	else if (entry != NULL && !alot_uuid_equal(entry, &p->entry.entry_id))
		what = "the proof is for another entry";
	else if (p->entry.tickets_start == 0 || p->entry.tickets_start > p->entry.tickets_end ||
	         p->entry.tickets_end > d->lot.total_tickets)
		what = "the entry's tickets are not within the draw's tickets";
	if (what == NULL) {
		alot_merkle_leaf_hash(&p->entry, leaf);
		if (alot_merkle_verify_proof(leaf, p->leaf_index, p->entry_count,
		                             (const unsigned char (*)[ALOT_HASH_LEN])p->path, p->path_len,
		                             d->lot.ledger_root, NULL) != ALOT_OK)
			what = "the audit path does not lead from the entry to the ledger root";
	}
	if (what != NULL)
		alot_report_set(report, "proof", ALOT_CHECK_FAIL, "%s", what);
	else
		pass(report, "proof");
	return outcome(report);
}
