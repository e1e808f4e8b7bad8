/*
 * report.c - alot-verify's output: a human report naming every check with
 * PASS, FAIL or SKIP, and what a verified record proves and rests on; or
 * one JSON object per record for machines.  Text from the input (error
 * messages quoting it, file names) is escaped (alot_escape()) before it
 * reaches a terminal, so that a record cannot paint a verdict of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alot/text.h"
#include "verify.h"

/* What a verified record proves, and what that rests on (docs/protocol.md 8, 9). */
struct meaning {
	const char *proves;
	const char *rests_on;
};

static struct meaning
meaning_of(const alot_record *rec)
{
	const alot_lot *lot = alot_record_lot(rec);
	struct meaning m = { NULL, NULL };

	switch (rec->type) {
	case ALOT_RECORD_COMMITMENT:
		m.proves = alot_lot_is_v2(lot)
		           ? "the operator committed to a server seed for this room and to its lot (product, target, deadline, lot type, prices, beacon rule)"
		           : "the operator committed to a server seed for this room (protocol 1: the lot is not bound)";
		m.rests_on = "the operator's key; the seed stays secret until the draw";
		break;
	case ALOT_RECORD_FREEZE:
		m.proves = "the operator declared this room's ledger frozen at funding: its tickets, entries and Merkle root";
		m.rests_on = "the operator's key; each buyer checks their own entry with an inclusion proof";
		break;
	case ALOT_RECORD_DRAW:
		m.proves = alot_lot_is_v2(lot)
		           ? "the winner follows, exactly uniformly, from the committed seed, the lot bound at commitment and the ledger over which it was drawn"
		           : "the winner follows, exactly uniformly, from the committed seed and the ledger over which it was drawn (protocol 1: the lot was not bound at commitment, and no freeze record fixed the ledger)";
		m.rests_on = "the operator's key; under beacon rule \"none\" the operator knew the server seed before the ledger froze and could have shaped the ledger: "
		             "the draw is consistent, not proven fair against the operator";
		break;
	}
	return m;
}

static void
print_escaped(const char *prefix, const char *s, const char *suffix)
{
	char *e = alot_escaped(s);

	printf("%s%s%s", prefix, e ? e : "(out of memory)", suffix);
	free(e);
}

static void
print_text(const record_label *l, const alot_report *report, const char *format_error,
           const alot_record *rec)
{
	struct meaning m;
	size_t i;

	print_escaped("", l->source, "");
	printf(":%lu", l->line_no);
	if (l->kind != NULL)
		printf(": %s record of room %s\n", l->kind, l->room);
	else
		printf(": unreadable record\n");
	if (format_error != NULL) {
		print_escaped("  FAIL  format: ", format_error, "\n");
		printf("  result: FAILED\n");
		return;
	}
	printf("  PASS  format\n");
	for (i = 0; i < report->count; i++) {
		const alot_check *c = &report->checks[i];

		printf("  %s  %s", alot_check_status_name(c->status), c->name);
		print_escaped(c->message[0] ? ": " : "", c->message, "\n");
	}
	printf("  result: %s\n", report->failures == 0 ? "VERIFIED" : "FAILED");
	if (report->failures == 0 && rec != NULL) {
		m = meaning_of(rec);
		printf("  proves: %s\n  rests on: %s\n", m.proves, m.rests_on);
	}
}

/* A JSON string of s, escaped as the text report is: always valid UTF-8, never a control. */
static json_t *
safe_string(const char *s)
{
	char *e;
	json_t *v;

	if (s == NULL)
		return json_null();
	e = alot_escaped(s);
	v = e ? json_string(e) : NULL;
	free(e);
	return v;
}

static json_t *
check_json(const char *name, const char *status, const char *message)
{
	return json_pack("{s:s, s:s, s:o}", "name", name, "status", status, "message", safe_string(message));
}

static void
dump_json(json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

	if (text != NULL)
		printf("%s\n", text);
	else
		cli_error("out of memory writing the JSON report");
	free(text);
	json_decref(obj);
}

static void
print_json(const record_label *l, const alot_report *report, const char *format_error,
           const alot_record *rec)
{
	json_t *checks = json_array();
	struct meaning m = { NULL, NULL };
	int verified = format_error == NULL && report->failures == 0;
	size_t i;

	if (verified && rec != NULL)
		m = meaning_of(rec);
	json_array_append_new(checks, check_json("format", format_error ? "FAIL" : "PASS", format_error ? format_error : ""));
	for (i = 0; format_error == NULL && i < report->count; i++)
		json_array_append_new(checks, check_json(report->checks[i].name,
		                                         alot_check_status_name(report->checks[i].status),
		                                         report->checks[i].message));
	dump_json(json_pack("{s:o, s:I, s:s?, s:s?, s:b, s:s?, s:s?, s:o}", "source", safe_string(l->source),
	                    "line", (json_int_t)l->line_no, "type", l->kind, "room_id", l->kind ? l->room : NULL,
	                    "verified", verified, "proves", m.proves, "rests_on", m.rests_on, "checks", checks));
}

void
print_record(output_format fmt, const record_label *label, const alot_report *report,
             const char *format_error, const alot_record *rec)
{
	if (fmt == OUTPUT_TEXT)
		print_text(label, report, format_error, rec);
	else if (fmt == OUTPUT_JSON)
		print_json(label, report, format_error, rec);
}

void
print_companion_failure(output_format fmt, const char *name, const char *kind, const char *why)
{
	if (fmt == OUTPUT_TEXT) {
		print_escaped("", name, "");
		printf(": %s file\n  FAIL  %s: %s\n  result: FAILED\n", kind, kind, why);
	} else if (fmt == OUTPUT_JSON) {
		dump_json(json_pack("{s:o, s:s, s:b, s:[o]}", "source", safe_string(name), "type", kind,
		                    "verified", 0, "checks", check_json(kind, "FAIL", why)));
	}
}

void
print_summary(output_format fmt, unsigned long verified, unsigned long failed)
{
	if (fmt == OUTPUT_TEXT)
		printf("%lu of %lu records verified\n", verified, verified + failed);
}
