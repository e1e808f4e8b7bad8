/*
 * check.c - the checks on one record: its own (libalot's verification
 * API), then the other records of its room given with it (the commitment
 * a draw or a freeze follows, a draw's freeze record, and any conflicting
 * record: equivocation), then a draw's companion files, each matched to
 * the draw of its room: the room's full ledger (streamed in bounded
 * memory, once per draw of that room) and one entry's proof; last the
 * transparency log's checks (logproof.c).  A companion that is itself
 * malformed fails the check it feeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

const char record_too_long[] = "the record is over the size limit of 256 KiB";

int
companions_load_ledger(companions *c, const char *name)
{
	const char *line;
	size_t len;
	alot_ledger_header h;
	FILE *f;

	c->ledger_name = name;
	if ((f = source_open(name, FETCH_LEDGER_LIMIT)) == NULL ||
	    (f = source_seekable(f, name, FETCH_LEDGER_LIMIT)) == NULL)
		return 0;
	if (!line_reader_init(&c->ledger, f, ALOT_LEDGER_LINE_MAX)) {
		source_close(f);
		return 0;
	}
	c->have_ledger = 1;
	/* The header names the room, so the ledger meets the draw it is for;
	 * one that names none meets every draw, whose "ledger" check says why. */
	memset(&c->ledger_room, 0, sizeof(c->ledger_room));
	if (line_reader_next(&c->ledger, &line, &len) == 1 && len != (size_t)-1 &&
	    alot_ledger_header_parse(line, len, &h, NULL) == ALOT_OK) {
		c->ledger_room = h.room_id;
		c->ledger_header_ok = 1;
	}
	if (ferror(c->ledger.f)) {
		cli_error("could not read \"%s\": %s", name, strerror(errno));
		return 0;
	}
	return 1;
}

/* A proof file: the published proof and one "\n" (docs/protocol.md 7.6). */
int
companions_load_proof(companions *c, const char *name, const alot_uuid *entry)
{
	char *buf = malloc(ALOT_RECORD_MAX + 2);
	alot_error err;
	size_t len;
	FILE *f = NULL;
	int ok = 0;

	c->proof_name = name;
	c->proof_entry = *entry;
	if (buf == NULL || (c->proof = malloc(sizeof(*c->proof))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if ((f = source_open(name, FETCH_RECORD_LIMIT)) == NULL)
		goto out;
	len = fread(buf, 1, ALOT_RECORD_MAX + 2, f);
	if (ferror(f)) {
		cli_error("could not read \"%s\": %s", name, strerror(errno));
		goto out;
	}
	ok = 1;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > ALOT_RECORD_MAX)
		snprintf(c->proof_error, sizeof(c->proof_error), "the proof \"%.100s\" is over the size limit of 256 KiB", name);
	else if (alot_inclusion_proof_parse(buf, len, c->proof, &err) != ALOT_OK)
		snprintf(c->proof_error, sizeof(c->proof_error), "the proof \"%.100s\" is malformed: %s", name, err.message);
out:
	source_close(f);
	free(buf);
	return ok;
}

int
companions_load_beacon_certs(companions *c, const char *const *files, size_t n)
{
	alot_error err;
	size_t failed;

	if ((c->trust = alot_beacon_trust_load(files, n, &failed, &err)) != NULL &&
	    (c->nist = alot_beacon_trust_load(NULL, 0, &failed, &err)) != NULL)
		return 1;
	if (failed < n && err.code != ALOT_ERR_IO)
		cli_error("--beacon-cert \"%s\": %s", files[failed], err.message);
	else
		cli_report(&err);
	return 0;
}

void
companions_free(companions *c)
{
	if (c->have_ledger)
		line_reader_close(&c->ledger);
	alot_beacon_trust_free(c->trust);
	alot_beacon_trust_free(c->nist);
	free(c->proof);
	memset(c, 0, sizeof(*c));
}

/*
 * "commitment-record" of a draw or a freeze: the room's commitment, if one
 * was given.  Two different ones fail it whatever their order (and
 * "equivocation" fails the pair itself).
 */
static void
check_commitment_record(const alot_public_key *key, const companions *c, const alot_record *rec,
                        alot_report *report)
{
	const alot_lot *lot = alot_record_lot(rec);
	size_t count;
	const alot_commitment_record *commitment = index_commitments(c->index, &lot->room_id, &count);

	if (commitment == NULL) {
		/* Asked for with --commitment, a missing one fails; else nothing claimed it. */
		if (c->commitments_name != NULL)
			alot_report_set(report, "commitment-record", ALOT_CHECK_FAIL,
			                "no validly signed commitment record of this room in \"%s\"", c->commitments_name);
		else
			alot_report_set(report, "commitment-record", ALOT_CHECK_SKIP,
			                "not checked: no commitment record of this room given");
	} else if (count > 1) {
		alot_report_set(report, "commitment-record", ALOT_CHECK_FAIL,
		                "%zu different validly signed commitment records of this room were given: "
		                "which one the room followed is unknown", count);
	} else if (rec->type == ALOT_RECORD_DRAW) {
		(void)!alot_commitment_matches_draw(commitment, &rec->u.draw, key, report);
	} else {
		(void)!alot_commitment_matches_freeze(commitment, &rec->u.freeze, key, report);
	}
}

/* "freeze-record" of a v2 draw: the freeze record it names, if given. */
static void
check_freeze_record(const alot_public_key *key, const companions *c, const alot_draw_record *draw,
                    alot_report *report)
{
	const indexed_freeze *f = index_freeze(c->index, &draw->lot.room_id, draw->freeze_record_hash);

	if (f == NULL)
		alot_report_set(report, "freeze-record", ALOT_CHECK_SKIP,
		                "not checked: no freeze record of this room given");
	else
		(void)!alot_freeze_matches_draw(&f->record, f->hash, draw, key, report);
}

/* "equivocation": another validly signed record of this type for this room. */
static void
check_equivocation(const alot_public_key *key, const companions *c, const alot_record *rec,
                   const unsigned char hash[ALOT_HASH_LEN], alot_report *report)
{
	const alot_check *sig = alot_report_find(report, "signature");
	const seen_record *other;
	char where[64];

	/* A record the operator did not sign is no statement of its own to conflict. */
	if (key == NULL || sig == NULL || sig->status != ALOT_CHECK_PASS)
		return;
	other = index_conflict(c->index, key, rec->type, &alot_record_lot(rec)->room_id, hash);
	if (other == NULL) {
		alot_report_set(report, "equivocation", ALOT_CHECK_PASS, "%s", "");
		return;
	}
	snprintf(where, sizeof(where), "line %lu of ", other->line_no);
	alot_report_set(report, "equivocation", ALOT_CHECK_FAIL,
	                "another validly signed %s record of this room, with other content, is at %s\"%.100s\"",
	                alot_record_type_name(rec->type), where, other->source);
}

/* Stream the whole ledger (again, if an earlier draw of the room used it). */
static void
check_ledger(companions *c, const alot_draw_record *draw, alot_report *report)
{
	alot_ledger_verifier *v = malloc(sizeof(*v));
	const char *line;
	size_t len;
	int got;

	if (v == NULL || !line_reader_rewind(&c->ledger)) {
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "could not read \"%s\"", c->ledger_name);
		free(v);
		return;
	}
	alot_ledger_verifier_init(v, draw);
	while ((got = line_reader_next(&c->ledger, &line, &len)) == 1) {
		if (len == (size_t)-1)
			break; /* reported below, over what finish says */
		alot_ledger_verifier_line(v, line, len);
	}
	(void)!alot_ledger_verifier_finish(v, report);
	if (got == 1)
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "line %lu is over the size limit of %d bytes",
		                c->ledger.line_no, ALOT_LEDGER_LINE_MAX);
	else if (got < 0)
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "could not read \"%s\"", c->ledger_name);
	free(v);
}

static void
check_proof(companions *c, const alot_draw_record *draw, alot_report *report)
{
	if (c->proof_error[0] != '\0') {
		c->proof_used = 1;
		alot_report_set(report, "proof", ALOT_CHECK_FAIL, "%s", c->proof_error);
	} else if (alot_uuid_equal(&c->proof->room_id, &draw->lot.room_id)) {
		c->proof_used = 1;
		(void)!alot_inclusion_proof_verify(c->proof, draw, &c->proof_entry, report);
	}
}

static void
summarize_beacon(const companions *c, const alot_beacon_outcome *o, beacon_summary *b)
{
	size_t at = 0;

	/* Both pulses signed by the NIST certificate built in, not by one given with --beacon-cert. */
	b->nist_certificate = alot_beacon_trust_has(c->nist, o->pulse.certificate_id) &&
	                      alot_beacon_trust_has(c->nist, o->previous.certificate_id);
	b->log_time = o->log_time;
	b->freeze_index = o->freeze_index;
	b->chain = o->pulse.chain_index;
	b->pulse_index = o->pulse.pulse_index;
	snprintf(b->pulse_time, sizeof(b->pulse_time), "%s", o->pulse.time_stamp);
	b->witnesses = o->policy.witness_count;
	b->quorum = o->policy.quorum;
	for (size_t i = 0; i < o->policy.witness_count && at < sizeof(b->witness_names); i++)
		at += (size_t)snprintf(b->witness_names + at, sizeof(b->witness_names) - at, "%s%s", i ? ", " : "",
		                       o->policy.witnesses[i].name);
}

/*
 * The beacon checks of a draw under a beacon rule, against the room's
 * freeze record that the draw names (its published text is the log's
 * entry; the parser guarantees that serializing it gives those bytes).
 */
static void
check_beacon_draw(const companions *c, const alot_draw_record *draw, alot_report *report,
                  beacon_summary *b)
{
	const indexed_freeze *f = index_freeze(c->index, &draw->lot.room_id, draw->freeze_record_hash);
	alot_beacon_outcome *o = malloc(sizeof(*o));
	char *text = NULL;

	b->checked = 1;
	if (o == NULL || (f != NULL && alot_freeze_record_json(&f->record, &text, NULL) != ALOT_OK)) {
		alot_report_set(report, "beacon-policy", ALOT_CHECK_FAIL, "out of memory");
		goto out;
	}
	if (alot_draw_beacon_verify(draw, text, text ? strlen(text) : 0, c->trust, report, o) == ALOT_OK)
		summarize_beacon(c, o, b);
out:
	free(text);
	free(o);
}

/* The record's own checks, then those against the other records of its room. */
static void
check_own(const alot_public_key *key, const companions *c, const alot_record *rec,
          const unsigned char hash[ALOT_HASH_LEN], alot_report *report, beacon_summary *beacon)
{
	const alot_draw_record *draw = &rec->u.draw;

	(void)!alot_record_verify(rec, key, report);
	if (rec->type != ALOT_RECORD_COMMITMENT)
		check_commitment_record(key, c, rec, report);
	if (rec->type == ALOT_RECORD_DRAW && alot_lot_is_v2(&draw->lot))
		check_freeze_record(key, c, draw, report);
	if (rec->type == ALOT_RECORD_DRAW && draw->has_beacon)
		check_beacon_draw(c, draw, report, beacon);
	check_equivocation(key, c, rec, hash, report);
}

void
check_record(const alot_public_key *key, companions *c, const alot_record *rec,
             const unsigned char hash[ALOT_HASH_LEN], const unsigned char leaf[ALOT_HASH_LEN],
             alot_report *report, log_outcome *log, beacon_summary *beacon)
{
	const alot_draw_record *draw = &rec->u.draw;

	check_own(key, c, rec, hash, report, beacon);
	if (rec->type == ALOT_RECORD_DRAW && c->have_ledger &&
	    (!c->ledger_header_ok || alot_uuid_equal(&c->ledger_room, &draw->lot.room_id))) {
		c->ledger_used = 1;
		check_ledger(c, draw, report);
	}
	if (rec->type == ALOT_RECORD_DRAW && c->proof != NULL)
		check_proof(c, draw, report);
	if (c->log != NULL)
		check_log(c->log, leaf, report, log);
}
