/*
 * check.c - the checks on one record: its own (libalot's verification
 * API), then those of its companions, each matched to the draw of its room:
 * the commitment record published at open, the room's full ledger (streamed
 * in bounded memory, once per draw of that room) and one entry's proof.
 */
#include <stdlib.h>
#include <string.h>

#include "verify.h"

const char record_too_long[] = "the record is over the size limit of 256 KiB";

/* Report a companion that is itself malformed: content that failed. */
static void
report_malformed(output_format fmt, const char *name, unsigned long line_no, const char *why,
                 unsigned long *failed)
{
	record_label label;

	memset(&label, 0, sizeof(label));
	label.source = name;
	label.line_no = line_no;
	print_record(fmt, &label, NULL, why);
	(*failed)++;
}

/* NULL when line is a well-formed commitment record, put in *out; else why not. */
static const char *
parse_commitment(const char *line, size_t len, alot_record *rec, alot_error *err)
{
	if (len == (size_t)-1)
		return record_too_long;
	if (alot_record_parse(line, len, rec, err) != ALOT_OK)
		return err->message;
	return rec->type == ALOT_RECORD_COMMITMENT ? NULL : "a draw record, not a commitment record";
}

static int
add_commitment(companions *c, const alot_commitment_record *rec, size_t *cap)
{
	alot_commitment_record *more;

	if (c->commitment_count == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		if ((more = realloc(c->commitments, *cap * sizeof(*more))) == NULL) {
			cli_error("out of memory");
			return 0;
		}
		c->commitments = more;
	}
	c->commitments[c->commitment_count++] = *rec;
	return 1;
}

int
companions_load_commitments(companions *c, const char *name, output_format fmt,
                            unsigned long *failed)
{
	line_reader r;
	const char *line, *why;
	size_t len, cap = 0;
	alot_record *rec = malloc(sizeof(*rec));
	alot_error err;
	FILE *f;
	int got = -1;

	c->commitments_name = name;
	if (rec == NULL || (f = source_open(name, FETCH_BUNDLE_LIMIT)) == NULL ||
	    !line_reader_init(&r, f, ALOT_RECORD_MAX))
		goto out;
	while ((got = line_reader_next(&r, &line, &len)) == 1) {
		if (len == 0)
			continue;
		if ((why = parse_commitment(line, len, rec, &err)) != NULL)
			report_malformed(fmt, name, r.line_no, why, failed);
		else if (!add_commitment(c, &rec->u.commitment, &cap))
			break;
	}
	if (got < 0)
		cli_error("could not read \"%s\"", name);
	line_reader_close(&r);
out:
	free(rec);
	return got == 0;
}

int
companions_load_ledger(companions *c, const char *name)
{
	const char *line;
	size_t len;
	alot_ledger_header h;
	FILE *f;

	c->ledger_name = name;
	if ((f = source_open(name, FETCH_LEDGER_LIMIT)) == NULL)
		return 0;
	if (!line_reader_init(&c->ledger, f, ALOT_LEDGER_LINE_MAX))
		return 0;
	c->have_ledger = 1;
	/* The header names the room, so the ledger meets the draw it is for;
	 * a malformed header is left to the "ledger" check to report. */
	memset(&c->ledger_room, 0, sizeof(c->ledger_room));
	if (line_reader_next(&c->ledger, &line, &len) == 1 && len != (size_t)-1 &&
	    alot_ledger_header_parse(line, len, &h, NULL) == ALOT_OK)
		c->ledger_room = h.room_id;
	return 1;
}

int
companions_load_proof(companions *c, const char *name, const alot_uuid *entry,
                      output_format fmt, unsigned long *failed)
{
	char *buf = malloc(ALOT_RECORD_MAX + 1);
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
	len = fread(buf, 1, ALOT_RECORD_MAX + 1, f);
	if (ferror(f)) {
		cli_error("could not read \"%s\"", name);
		goto out;
	}
	ok = 1;
	if (len > ALOT_RECORD_MAX || alot_inclusion_proof_parse(buf, len, c->proof, &err) != ALOT_OK) {
		report_malformed(fmt, name, 1, len > ALOT_RECORD_MAX ? "the proof is over the size limit of 256 KiB"
		                                                     : err.message, failed);
		free(c->proof);
		c->proof = NULL;
	}
out:
	source_close(f);
	free(buf);
	return ok;
}

void
companions_free(companions *c)
{
	if (c->have_ledger)
		line_reader_close(&c->ledger);
	free(c->commitments);
	free(c->proof);
	memset(c, 0, sizeof(*c));
}

static void
check_commitment_record(const alot_public_key *key, const companions *c,
                        const alot_draw_record *draw, alot_report *report)
{
	size_t i;

	for (i = 0; i < c->commitment_count; i++)
		if (alot_uuid_equal(&c->commitments[i].room_id, &draw->lot.room_id)) {
			(void)!alot_commitment_matches_draw(&c->commitments[i], draw, key, report);
			return;
		}
	alot_report_set(report, "commitment-record", ALOT_CHECK_FAIL,
	                "no commitment record for this room in \"%s\"", c->commitments_name);
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
		goto out;
	}
	alot_ledger_verifier_init(v, draw);
	while ((got = line_reader_next(&c->ledger, &line, &len)) == 1) {
		if (len == (size_t)-1) {
			alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "line %lu is over the size limit of %d bytes",
			                c->ledger.line_no, ALOT_LEDGER_LINE_MAX);
			goto out;
		}
		alot_ledger_verifier_line(v, line, len);
	}
	if (got < 0)
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "could not read \"%s\"", c->ledger_name);
	else
		(void)!alot_ledger_verifier_finish(v, report);
out:
	free(v);
}

void
check_record(const alot_public_key *key, companions *c, const alot_record *rec,
             alot_report *report)
{
	const alot_draw_record *draw = &rec->u.draw;

	if (rec->type == ALOT_RECORD_COMMITMENT) {
		(void)!alot_commitment_record_verify(&rec->u.commitment, key, report);
		return;
	}
	(void)!alot_draw_record_verify(draw, key, report);
	if (c->commitments_name != NULL)
		check_commitment_record(key, c, draw, report);
	if (c->have_ledger && alot_uuid_equal(&c->ledger_room, &draw->lot.room_id)) {
		c->ledger_used = 1;
		check_ledger(c, draw, report);
	}
	if (c->proof != NULL && alot_uuid_equal(&c->proof->room_id, &draw->lot.room_id)) {
		c->proof_used = 1;
		(void)!alot_inclusion_proof_verify(c->proof, draw, &c->proof_entry, report);
	}
}
