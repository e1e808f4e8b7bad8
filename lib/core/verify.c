/*
 * verify.c - verifying published records of the draw protocol, versions 1
 * and 2: every step is recomputed from the record's inputs and compared,
 * and each check is reported under its stable name (docs/protocol.md,
 * "Verification").
 * Checks are independent: each recomputes from verified inputs, so one
 * tampered field fails its own check and the rest still run.
 */
#include <stdarg.h>
#include <stdint.h>
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

/*
 * "beacon": the rule is one this verifier knows, and a draw's value and
 * evidence fit it: none and no evidence under "none"; under a NIST beacon
 * rule (protocol 2 only) a 64-byte value and the evidence that the beacon
 * checks read (section 12).  has_beacon is -1 for records that carry no
 * value (commitments, freezes).
 */
static void
check_beacon(const alot_lot *lot, int has_beacon, alot_report *r)
{
	alot_beacon_rule rule;

	if (alot_beacon_rule_parse(lot->beacon_rule, &rule, NULL) != ALOT_OK)
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "beacon rule \"%s\" is not one this verifier knows",
		                lot->beacon_rule);
	else if (rule.kind == ALOT_BEACON_NONE && (lot->beacon_value_len != 0 || has_beacon == 1))
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "beacon rule \"none\" takes no beacon value");
	else if (rule.kind == ALOT_BEACON_NIST && !alot_lot_is_v2(lot))
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "a NIST beacon rule needs protocol 2");
	else if (rule.kind == ALOT_BEACON_NIST && has_beacon == 0)
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL,
		                "the beacon rule takes the pulses, the freeze's log proof and the witness policy, "
		                "and the record has none");
	else if (rule.kind == ALOT_BEACON_NIST && has_beacon == 1 && lot->beacon_value_len != 64)
		alot_report_set(r, "beacon", ALOT_CHECK_FAIL, "the beacon value must be 64 bytes: a pulse's outputValue");
	else
		pass(r, "beacon");
}

/* "signature": the record names key and key signed its canonical form. */
static void
check_signature(uint32_t version, const char *canonical, const unsigned char key_id[ALOT_KEY_ID_LEN],
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
	len = 4 + strlen(Alot_signature_tag(version)) + clen;
	if ((msg = malloc(len)) == NULL) {
		alot_report_set(r, "signature", ALOT_CHECK_FAIL, "out of memory");
		return;
	}
	memcpy(msg + Alot_put_lp_str(msg, 0, Alot_signature_tag(version)), canonical, clen);
	if (alot_verify_signature(key, msg, len, sig, NULL) == ALOT_OK)
		pass(r, "signature");
	else
		alot_report_set(r, "signature", ALOT_CHECK_FAIL,
		                "the signature does not match the record's content and key");
	free(msg);
}

/*
 * "beacon" and "signature" of a record of any kind; canonical is its
 * canonical text (NULL when no key was given or out of memory), freed here.
 */
static void
check_beacon_and_signature(const alot_lot *lot, int has_beacon, char *canonical, const unsigned char *key_id,
                           const unsigned char *sig, const alot_public_key *key, alot_report *r)
{
	check_beacon(lot, has_beacon, r);
	check_signature(lot->version, canonical, key_id, sig, key, r);
	free(canonical);
}

/* The canonical text of a record, when a key is given to check it with. */
#define CANONICAL(fn, rec, key) \
	((key) != NULL && fn((rec), &canonical, NULL) == ALOT_OK ? canonical : NULL)

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
		alot_combined_seed(rec->lot.version, rec->server_seed, client, (uint32_t)i, seed);
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
	if (alot_draw_ticket(rec->lot.version, rec->server_seed, client, rec->lot.total_tickets, d, NULL) != ALOT_OK)
		alot_report_set(r, "winning-ticket", ALOT_CHECK_FAIL, "no ticket can be drawn from %u tickets",
		                rec->lot.total_tickets);
	else if (d->winning_ticket != rec->draw.winning_ticket) /* the nonce is rejection-sampling's */
		alot_report_set(r, "winning-ticket", ALOT_CHECK_FAIL,
		                "the draw gives ticket %u (at nonce %u), the record claims ticket %u",
		                d->winning_ticket, d->nonce, rec->draw.winning_ticket);
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

/*
 * "timestamps": the given times (NULL: absent) are in protocol order.
 * Fixed-width UTC timestamps compare as strings.
 */
static void
check_times(const char *committed, const char *funded, const char *frozen, const char *drawn,
            alot_report *r)
{
	const char *names[] = { "committed", "funded", "frozen", "drawn" };
	const char *times[] = { committed, funded, frozen, drawn };
	int i, prev = 0;

	for (i = 1; i < 4; i++) {
		if (times[i] == NULL)
			continue;
		if (strcmp(times[prev], times[i]) > 0) {
			alot_report_set(r, "timestamps", ALOT_CHECK_FAIL, "%s at %s, before %s at %s", names[i],
			                times[i], names[prev], times[prev]);
			return;
		}
		prev = i;
	}
	pass(r, "timestamps");
}

alot_code
alot_draw_record_verify(const alot_draw_record *rec, const alot_public_key *key, alot_report *report)
{
	unsigned char computed[ALOT_HASH_LEN], client[ALOT_HASH_LEN];
	char *canonical = NULL;

	check_beacon_and_signature(&rec->lot, rec->has_beacon != 0,
	                           CANONICAL(alot_draw_record_canonical, rec, key), rec->key_id,
	                           rec->signature, key, report);
	alot_lot_commitment(&rec->lot, rec->server_seed, computed);
	check_hash(report, "commitment", rec->commitment, computed,
	           alot_lot_is_v2(&rec->lot)
	               ? "the revealed server seed and the lot do not hash to the commitment"
	               : "the revealed server seed does not hash to the commitment");
	alot_client_seed(&rec->lot, client);
	check_hash(report, "client-seed", rec->client_seed, client,
	           "the client seed does not follow from the lot's data and ledger root");
	check_combined(rec, client, report);
	check_rejection(rec, report);
	check_ticket(rec, client, report);
	check_winner(rec, report);
	check_times(rec->committed_at, rec->funded_at, alot_lot_is_v2(&rec->lot) ? rec->frozen_at : NULL,
	            rec->drawn_at, report);
	return outcome(report);
}

alot_code
alot_commitment_record_verify(const alot_commitment_record *rec, const alot_public_key *key,
                              alot_report *report)
{
	char *canonical = NULL;

	check_beacon_and_signature(&rec->lot, -1, CANONICAL(alot_commitment_record_canonical, rec, key),
	                           rec->key_id, rec->signature, key, report);
	check_times(rec->committed_at, NULL, NULL, NULL, report);
	return outcome(report);
}

/* "ledger-shape": 1 <= entry_count <= N <= 2^31 - 1. */
static void
check_ledger_shape(const alot_lot *lot, alot_report *r)
{
	if (lot->total_tickets == 0 || lot->total_tickets > ALOT_MAX_TICKETS || lot->entry_count == 0 ||
	    lot->entry_count > lot->total_tickets)
		alot_report_set(r, "ledger-shape", ALOT_CHECK_FAIL,
		                "%u entries holding %u tickets is not a ledger: 1 <= entries <= tickets <= %u",
		                lot->entry_count, lot->total_tickets, ALOT_MAX_TICKETS);
	else
		pass(r, "ledger-shape");
}

alot_code
alot_freeze_record_verify(const alot_freeze_record *rec, const alot_public_key *key,
                          alot_report *report)
{
	char *canonical = NULL;

	check_beacon_and_signature(&rec->lot, -1, CANONICAL(alot_freeze_record_canonical, rec, key), rec->key_id,
	                           rec->signature, key, report);
	check_ledger_shape(&rec->lot, report);
	check_times(rec->committed_at, rec->funded_at, rec->frozen_at, NULL, report);
	return outcome(report);
}

const char *
alot_lot_differs(const alot_lot *a, const alot_lot *b)
{
	if (a->version != b->version)
		return "protocol version";
	if (!alot_uuid_equal(&a->room_id, &b->room_id))
		return "room";
	if (strcmp(a->beacon_rule, b->beacon_rule) != 0)
		return "beacon rule";
	if (a->version != ALOT_PROTOCOL_V2)
		return NULL; /* protocol 1 commits to nothing else */
	if (!alot_uuid_equal(&a->product_class_id, &b->product_class_id))
		return "product class";
	if (a->funding_target_cents != b->funding_target_cents)
		return "funding target";
	if (strcmp(a->deadline, b->deadline) != 0)
		return "deadline";
	if (strcmp(a->lot_type, b->lot_type) != 0)
		return "lot type";
	if (memcmp(a->entry_bundles_hash, b->entry_bundles_hash, ALOT_HASH_LEN) != 0)
		return "entry bundles";
	return NULL;
}

static const char lot_differs[] = "the lot is not the one committed to";
static const char lot_not_frozen[] = "the lot is not the one frozen";

/* Fail check with what; a lot that differs also says which term. */
static void
set_mismatch(alot_report *report, const char *check, const char *what, const char *differs)
{
	if (differs != NULL && (what == lot_differs || what == lot_not_frozen))
		alot_report_set(report, check, ALOT_CHECK_FAIL, "%s: the %s differs", what, differs);
	else
		alot_report_set(report, check, ALOT_CHECK_FAIL, "%s", what);
}

/* The checks of a commitment against a later record of its room. */
static alot_code
match_commitment(const alot_commitment_record *c, const alot_lot *lot,
                 const unsigned char commitment[ALOT_HASH_LEN], const char *committed_at,
                 const unsigned char key_id[ALOT_KEY_ID_LEN], const alot_public_key *key,
                 alot_report *report)
{
	alot_report own;
	const char *what = NULL, *differs;

	alot_report_init(&own);
	differs = alot_lot_differs(&c->lot, lot);
	if (alot_commitment_record_verify(c, key, &own) != ALOT_OK)
		what = "the commitment record does not verify";
	else if (!alot_uuid_equal(&c->lot.room_id, &lot->room_id))
		what = "the commitment record is for another room";
	else if (differs != NULL)
		what = lot_differs;
	else if (!alot_ct_equal(c->commitment, commitment, ALOT_HASH_LEN))
		what = "the commitment is not the one published at open";
	else if (strcmp(c->committed_at, committed_at) != 0)
		what = "committed_at is not the commitment record's";
	else if (memcmp(c->key_id, key_id, ALOT_KEY_ID_LEN) != 0)
		what = "the records were signed with different keys";
	if (what != NULL)
		set_mismatch(report, "commitment-record", what, differs);
	else
		pass(report, "commitment-record");
	return outcome(report);
}

alot_code
alot_commitment_matches_draw(const alot_commitment_record *c, const alot_draw_record *d,
                             const alot_public_key *key, alot_report *report)
{
	return match_commitment(c, &d->lot, d->commitment, d->committed_at, d->key_id, key, report);
}

alot_code
alot_commitment_matches_freeze(const alot_commitment_record *c, const alot_freeze_record *f,
                               const alot_public_key *key, alot_report *report)
{
	return match_commitment(c, &f->lot, f->commitment, f->committed_at, f->key_id, key, report);
}

alot_code
alot_freeze_matches_draw(const alot_freeze_record *f, const unsigned char freeze_hash[ALOT_HASH_LEN],
                         const alot_draw_record *d, const alot_public_key *key, alot_report *report)
{
	alot_report own;
	const char *what = NULL, *differs = alot_lot_differs(&f->lot, &d->lot);

	alot_report_init(&own);
	if (alot_freeze_record_verify(f, key, &own) != ALOT_OK)
		what = "the freeze record does not verify";
	else if (!alot_uuid_equal(&f->lot.room_id, &d->lot.room_id))
		what = "the freeze record is for another room";
	else if (!alot_ct_equal(freeze_hash, d->freeze_record_hash, ALOT_HASH_LEN))
		what = "the draw names another freeze record than this one";
	else if (differs != NULL)
		what = lot_not_frozen;
	else if (!alot_ct_equal(f->commitment, d->commitment, ALOT_HASH_LEN))
		what = "the freeze follows another commitment";
	else if (f->lot.total_tickets != d->lot.total_tickets || f->lot.entry_count != d->lot.entry_count ||
	         !alot_ct_equal(f->lot.ledger_root, d->lot.ledger_root, ALOT_HASH_LEN))
		what = "the draw is not over the frozen ledger (tickets, entries or root differ)";
	else if (strcmp(f->committed_at, d->committed_at) != 0 || strcmp(f->funded_at, d->funded_at) != 0 ||
	         strcmp(f->frozen_at, d->frozen_at) != 0)
		what = "the draw's committed_at, funded_at or frozen_at is not the freeze record's";
	else if (memcmp(f->key_id, d->key_id, ALOT_KEY_ID_LEN) != 0)
		what = "the records were signed with different keys";
	if (what != NULL)
		set_mismatch(report, "freeze-record", what, differs);
	else
		pass(report, "freeze-record");
	return outcome(report);
}

alot_code
alot_record_verify(const alot_record *rec, const alot_public_key *key, alot_report *report)
{
	switch (rec->type) {
	case ALOT_RECORD_COMMITMENT: return alot_commitment_record_verify(&rec->u.commitment, key, report);
	case ALOT_RECORD_FREEZE: return alot_freeze_record_verify(&rec->u.freeze, key, report);
	case ALOT_RECORD_DRAW: break;
	}
	return alot_draw_record_verify(&rec->u.draw, key, report);
}

int
alot_record_signed_by(const alot_record *rec, const alot_public_key *key)
{
	alot_report own;
	char *canonical = NULL;
	const unsigned char *key_id, *sig;
	alot_code rc;

	switch (rec->type) {
	case ALOT_RECORD_COMMITMENT:
		rc = alot_commitment_record_canonical(&rec->u.commitment, &canonical, NULL);
		key_id = rec->u.commitment.key_id;
		sig = rec->u.commitment.signature;
		break;
	case ALOT_RECORD_FREEZE:
		rc = alot_freeze_record_canonical(&rec->u.freeze, &canonical, NULL);
		key_id = rec->u.freeze.key_id;
		sig = rec->u.freeze.signature;
		break;
	default:
		rc = alot_draw_record_canonical(&rec->u.draw, &canonical, NULL);
		key_id = rec->u.draw.key_id;
		sig = rec->u.draw.signature;
		break;
	}
	alot_report_init(&own);
	check_signature(alot_record_lot(rec)->version, rc == ALOT_OK ? canonical : NULL, key_id, sig, key, &own);
	free(canonical);
	return key != NULL && own.failures == 0 && own.count == 1 && own.checks[0].status == ALOT_CHECK_PASS;
}

int
alot_records_equivocate(const alot_record *a, const unsigned char a_hash[ALOT_HASH_LEN],
                        const alot_record *b, const unsigned char b_hash[ALOT_HASH_LEN],
                        const alot_public_key *key, const char *what, alot_report *report)
{
	char room[ALOT_UUID_STRLEN];

	if (key == NULL || a->type != b->type ||
	    !alot_uuid_equal(&alot_record_lot(a)->room_id, &alot_record_lot(b)->room_id) ||
	    memcmp(a_hash, b_hash, ALOT_HASH_LEN) == 0 || !alot_record_signed_by(a, key) ||
	    !alot_record_signed_by(b, key))
		return 0;
	alot_uuid_format(&alot_record_lot(a)->room_id, room);
	alot_report_set(report, "equivocation", ALOT_CHECK_FAIL,
	                "another validly signed %s record of room %s differs from this one%s%s",
	                alot_record_type_name(a->type), room, what ? ": " : "", what ? what : "");
	return 1;
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
	else if (h.version != (alot_lot_is_v2(&rec->lot) ? ALOT_PROTOCOL_V2 : ALOT_PROTOCOL_V1))
		ledger_fail(v, "the ledger's header is of protocol version %u, the record's is not", h.version);
	else if (!alot_uuid_equal(&h.room_id, &rec->lot.room_id))
		ledger_fail(v, "the ledger is for another room");
	else if (h.entry_count != rec->lot.entry_count || h.total_tickets != rec->lot.total_tickets ||
	         memcmp(h.ledger_root, rec->lot.ledger_root, ALOT_HASH_LEN) != 0)
		ledger_fail(v, "the ledger's header does not match the record's entry count, tickets and root");
}

/* Keep every entry id, so that finish can find one that appears twice. */
static int
remember_id(alot_ledger_verifier *v, const alot_uuid *id)
{
	alot_uuid *more;

	if (v->id_count == v->id_cap) {
		size_t cap = v->id_cap ? 2 * v->id_cap : 1024;

		if (cap > SIZE_MAX / sizeof(*more) || (more = realloc(v->ids, cap * sizeof(*more))) == NULL) {
			ledger_fail(v, "out of memory for the ledger's entry ids");
			return 0;
		}
		v->ids = more;
		v->id_cap = cap;
	}
	v->ids[v->id_count++] = *id;
	return 1;
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
	if (!remember_id(v, &range.entry_id))
		return;
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
	char id[ALOT_UUID_STRLEN];
	alot_uuid dup;
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
	if (!v->failed && Alot_repeated_uuid(v->ids, v->id_count, &dup)) {
		alot_uuid_format(&dup, id);
		ledger_fail(v, "entry id %s appears more than once in the ledger", id);
	}
	free(v->ids);
	v->ids = NULL;
	v->id_count = v->id_cap = 0;
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

	if (p->version != (alot_lot_is_v2(&d->lot) ? ALOT_PROTOCOL_V2 : ALOT_PROTOCOL_V1))
		what = "the proof is of another protocol version than the draw";
	else if (!alot_uuid_equal(&p->room_id, &d->lot.room_id))
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
