/*
 * report.c - alot-verify's output: a human report naming every check with
 * PASS, FAIL or SKIP, and what a verified record proves and rests on; or
 * one JSON object per record for machines; a record's place in the
 * transparency log and its log time; a consistency check's verdict; the
 * monitor's findings and summary.  Text from the input (error
 * messages quoting it, file names) is escaped (alot_escape()) before it
 * reaches a terminal, so that a record cannot paint a verdict of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alot/text.h"
#include "verify.h"

/* What a verified record proves, and what that rests on (docs/protocol.md 8, 9, 12). */
struct meaning {
	const char *proves;
	const char *rests_on;
	char buf_proves[1024], buf_rests_on[1024];
};

/*
 * A draw under the beacon rule: what the beacon checks established.  The
 * witnesses' names come from the record: escaped before they are printed.
 */
static void
beacon_meaning(const beacon_summary *b, struct meaning *m)
{
	char when[32], *names = alot_escaped(b->witness_names), *pulse_time = alot_escaped(b->pulse_time);

	format_log_time(b->log_time, when);
	snprintf(m->buf_proves, sizeof(m->buf_proves),
	         "the winner follows, exactly uniformly, from the committed seed, the lot bound at commitment, "
	         "the frozen ledger and %s pulse %llu of chain %llu (%s%s), the first pulse after the "
	         "freeze record was witnessed in the log (its log time, %s): the winner was fixed by a value "
	         "nobody knew when the ledger was frozen, so nobody, the operator included, could choose or "
	         "predict it",
	         b->nist_certificate ? "NIST beacon" : "beacon", (unsigned long long)b->pulse_index,
	         (unsigned long long)b->chain, pulse_time ? pulse_time : "?",
	         b->nist_certificate ? "" : ", signed by a certificate given with --beacon-cert, not NIST's built-in one",
	         when);
	snprintf(m->buf_rests_on, sizeof(m->buf_rests_on),
	         "the operator's key; %s not colluding with the operator (the pulse's certificate, its "
	         "signature and its chain were checked); and fewer than %zu of the %zu witnesses the "
	         "commitment named (%s) lying about when they saw the frozen ledger: check that you trust "
	         "them. It does not prevent the operator from withholding the draw once the pulse is out: a "
	         "monitor of the log reports a frozen room left undrawn",
	         b->nist_certificate ? "NIST" : "the holder of the --beacon-cert certificate's key",
	         b->quorum, b->witnesses, names ? names : "?");
	m->proves = m->buf_proves;
	m->rests_on = m->buf_rests_on;
	free(names);
	free(pulse_time);
}

static void
meaning_of(const alot_record *rec, const beacon_summary *beacon, struct meaning *m)
{
	const alot_lot *lot = alot_record_lot(rec);

	m->proves = m->rests_on = NULL;
	switch (rec->type) {
	case ALOT_RECORD_COMMITMENT:
		m->proves = alot_lot_is_v2(lot)
		           ? "the operator committed to a server seed for this room and to its lot (product, target, deadline, lot type, prices, beacon rule)"
		           : "the operator committed to a server seed for this room (protocol 1: the lot is not bound)";
		m->rests_on = "the operator's key; the seed stays secret until the draw";
		break;
	case ALOT_RECORD_FREEZE:
		m->proves = "the operator declared this room's ledger frozen at funding: its tickets, entries and Merkle root";
		m->rests_on = "the operator's key; each buyer checks their own entry with an inclusion proof";
		break;
	case ALOT_RECORD_DRAW:
		if (beacon != NULL && beacon->checked) {
			beacon_meaning(beacon, m);
			break;
		}
		m->proves = alot_lot_is_v2(lot)
		           ? "the winner follows, exactly uniformly, from the committed seed, the lot bound at commitment and the ledger over which it was drawn"
		           : "the winner follows, exactly uniformly, from the committed seed and the ledger over which it was drawn (protocol 1: the lot was not bound at commitment, and no freeze record fixed the ledger)";
		m->rests_on = "the operator's key; under beacon rule \"none\" the operator knew the server seed before the ledger froze and could have shaped the ledger: "
		             "the draw is consistent, not proven fair against the operator";
		break;
	}
}

static void
print_escaped(const char *prefix, const char *s, const char *suffix)
{
	char *e = alot_escaped(s);

	printf("%s%s%s", prefix, e ? e : "(out of memory)", suffix);
	free(e);
}

void
format_log_time(uint64_t t, char buf[32])
{
	struct tm tm;
	time_t when = (time_t)t;

	if (t > (uint64_t)253402300799ULL || gmtime_r(&when, &tm) == NULL)
		snprintf(buf, 32, "@%llu", (unsigned long long)t); /* after the year 9999 */
	else
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* What the log's checks prove about a verified record, and what they rest on; 0 when nothing. */
static int
log_meaning(const log_outcome *log, char *proves, char *rests_on, size_t size)
{
	char when[32], *origin;

	if (log == NULL || !log->included)
		return 0;
	origin = alot_escaped(log->origin);
	if (log->witnessed) {
		format_log_time(log->log_time, when);
		snprintf(proves, size,
		         "this record was entry %llu of the log \"%s\", which %zu of the %zu witnesses named saw as one "
		         "append-only history, by %s (its log time)",
		         (unsigned long long)log->index, origin ? origin : "?", log->quorum, log->witnesses, when);
		snprintf(rests_on, size,
		         "the log's key, and at least one of those %zu witnesses being honest (a witness cosigns only a "
		         "checkpoint consistent with every one it cosigned before); it does not prove the log holds "
		         "no other record of this room: a monitor reading the whole log does (--monitor)",
		         log->quorum);
	} else {
		snprintf(proves, size, "the log \"%s\" signed a checkpoint that holds this record as entry %llu",
		         origin ? origin : "?", (unsigned long long)log->index);
		snprintf(rests_on, size,
		         "the log's key alone: with no witness, the log could show others a different history");
	}
	free(origin);
	return 1;
}

static void
print_text(const record_label *l, const alot_report *report, const char *format_error,
           const alot_record *rec)
{
	struct meaning m;
	char when[32], log_proves[512], log_rests_on[512];
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
		meaning_of(rec, l->beacon, &m);
		if (l->log != NULL && l->log->witnessed) {
			format_log_time(l->log->log_time, when);
			printf("  log time: %s\n", when);
		}
		printf("  proves: %s\n  rests on: %s\n", m.proves, m.rests_on);
		if (log_meaning(l->log, log_proves, log_rests_on, sizeof(log_proves)))
			printf("  log proves: %s\n  log rests on: %s\n", log_proves, log_rests_on);
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

/*
 * "log_index", "log_size" and "log_time" (RFC 3339, null when not
 * witnessed), "log_proves" and "log_rests_on" of a verified record.
 */
static void
add_log_json(json_t *obj, const log_outcome *log, int verified)
{
	char when[32], proves[512], rests_on[512];
	int ok = verified && log->included;

	if (ok && log->witnessed)
		format_log_time(log->log_time, when);
	json_object_set_new(obj, "log_index", ok ? json_integer((json_int_t)log->index) : json_null());
	json_object_set_new(obj, "log_size", ok ? json_integer((json_int_t)log->size) : json_null());
	json_object_set_new(obj, "log_time", ok && log->witnessed ? json_string(when) : json_null());
	if (ok && log_meaning(log, proves, rests_on, sizeof(proves))) {
		json_object_set_new(obj, "log_proves", json_string(proves));
		json_object_set_new(obj, "log_rests_on", json_string(rests_on));
	}
}

static void
print_json(const record_label *l, const alot_report *report, const char *format_error,
           const alot_record *rec)
{
	json_t *checks = json_array();
	struct meaning m;
	int verified = format_error == NULL && report->failures == 0;
	json_t *obj;
	size_t i;

	m.proves = m.rests_on = NULL;
	if (verified && rec != NULL)
		meaning_of(rec, l->beacon, &m);
	json_array_append_new(checks, check_json("format", format_error ? "FAIL" : "PASS", format_error ? format_error : ""));
	for (i = 0; format_error == NULL && i < report->count; i++)
		json_array_append_new(checks, check_json(report->checks[i].name,
		                                         alot_check_status_name(report->checks[i].status),
		                                         report->checks[i].message));
	obj = json_pack("{s:o, s:I, s:s?, s:s?, s:b, s:s?, s:s?, s:o}", "source", safe_string(l->source),
	                "line", (json_int_t)l->line_no, "type", l->kind, "room_id", l->kind ? l->room : NULL,
	                "verified", verified, "proves", m.proves, "rests_on", m.rests_on, "checks", checks);
	if (obj != NULL && l->log != NULL)
		add_log_json(obj, l->log, verified);
	dump_json(obj);
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

/* ---- the log: consistency, the monitor --------------------------------- */

void
print_consistency(output_format fmt, const char *old_name, const char *new_name, const char *origin,
                  uint64_t old_size, uint64_t new_size, const alot_report *report)
{
	static const char proves[] = "the log's tree at the newer size extends its tree at the older size: "
	                             "every entry of the older checkpoint is in the newer, unchanged and in place";
	static const char rests_on[] = "the log's key; without witnesses, a log could still show others a "
	                               "different history (witnesses cosign one history only)";
	json_t *checks;
	size_t i;

	if (fmt == OUTPUT_TEXT) {
		print_escaped("", old_name, " -> ");
		print_escaped("", new_name, ": ");
		print_escaped("checkpoints of the log \"", origin, "\"");
		printf(", sizes %llu and %llu\n", (unsigned long long)old_size, (unsigned long long)new_size);
		for (i = 0; i < report->count; i++) {
			printf("  %s  %s", alot_check_status_name(report->checks[i].status), report->checks[i].name);
			print_escaped(report->checks[i].message[0] ? ": " : "", report->checks[i].message, "\n");
		}
		printf("  result: %s\n", report->failures == 0 ? "VERIFIED" : "FAILED");
		if (report->failures == 0)
			printf("  proves: %s\n  rests on: %s\n", proves, rests_on);
	} else if (fmt == OUTPUT_JSON) {
		checks = json_array();
		for (i = 0; i < report->count; i++)
			json_array_append_new(checks, check_json(report->checks[i].name,
			                                         alot_check_status_name(report->checks[i].status),
			                                         report->checks[i].message));
		dump_json(json_pack("{s:s, s:o, s:o, s:o, s:I, s:I, s:b, s:s?, s:s?, s:o}", "type", "consistency",
		                    "old", safe_string(old_name), "new", safe_string(new_name), "origin",
		                    safe_string(origin), "old_size", (json_int_t)old_size, "new_size",
		                    (json_int_t)new_size, "verified", report->failures == 0,
		                    "proves", report->failures == 0 ? proves : NULL,
		                    "rests_on", report->failures == 0 ? rests_on : NULL, "checks", checks));
	}
}

/* "entry 3" or "entries 3, 7" */
static void
print_indexes(const uint64_t *indexes, size_t n)
{
	size_t i;

	printf("%s ", n == 1 ? "entry" : "entries");
	for (i = 0; i < n; i++)
		printf("%s%llu", i ? ", " : "", (unsigned long long)indexes[i]);
}

void
print_finding(output_format fmt, const char *finding, const uint64_t *indexes, size_t n, const alot_uuid *room,
              const char *message)
{
	char id[ALOT_UUID_STRLEN];
	json_t *obj, *list;
	size_t i;

	if (room != NULL)
		alot_uuid_format(room, id);
	if (fmt == OUTPUT_TEXT) {
		printf("%s: ", finding);
		if (n > 0)
			print_indexes(indexes, n);
		if (room != NULL)
			printf("%sroom %s", n > 0 ? ", " : "", id);
		print_escaped(n > 0 || room != NULL ? ": " : "", message, "\n");
	} else if (fmt == OUTPUT_JSON) {
		obj = json_pack("{s:s, s:o}", "finding", finding, "message", safe_string(message));
		if (obj != NULL && n == 1)
			json_object_set_new(obj, "index", json_integer((json_int_t)indexes[0]));
		if (obj != NULL && n > 1 && (list = json_array()) != NULL) {
			for (i = 0; i < n; i++)
				json_array_append_new(list, json_integer((json_int_t)indexes[i]));
			json_object_set_new(obj, "indexes", list);
		}
		if (obj != NULL && room != NULL)
			json_object_set_new(obj, "room", json_string(id));
		dump_json(obj);
	}
}

void
print_monitor_summary(output_format fmt, const monitor_summary *s)
{
	char when[32];

	if (s->log_time != 0)
		format_log_time(s->log_time, when);
	if (fmt == OUTPUT_TEXT && s->unchecked) {
		print_escaped("log \"", s->origin, "\"");
		printf(": the checkpoint does not verify: nothing checked%s%s: %lu finding%s\n", s->state ? ", state " : "",
		       s->state ? s->state : "", s->findings, s->findings == 1 ? "" : "s");
	} else if (fmt == OUTPUT_TEXT) {
		print_escaped("log \"", s->origin, "\"");
		printf(" at size %llu: checked %llu of %llu entries", (unsigned long long)s->size,
		       (unsigned long long)s->entries, (unsigned long long)s->size);
		if (s->size == 0)
			printf(" (the log is empty)");
		printf(", %llu records verified", (unsigned long long)s->records_verified);
		if (s->log_time != 0)
			printf(", checkpoint witnessed by %s", when);
		if (s->state != NULL)
			printf(", state %s", s->state);
		if (s->findings == 0)
			printf(": clean\n");
		else
			printf(": %lu finding%s\n", s->findings, s->findings == 1 ? "" : "s");
	} else if (fmt == OUTPUT_JSON) {
		dump_json(json_pack("{s:{s:o, s:I, s:I, s:I, s:I, s:s?, s:s?, s:b}}", "summary", "origin",
		                    safe_string(s->origin), "size", (json_int_t)s->size, "entries_checked",
		                    (json_int_t)s->entries, "records_verified", (json_int_t)s->records_verified,
		                    "findings", (json_int_t)s->findings, "checkpoint_time",
		                    s->log_time != 0 ? when : NULL, "state", s->state, "clean", s->findings == 0));
	}
}
