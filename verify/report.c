/*
 * report.c - alot-verify's output: a human report naming every check with
 * PASS, FAIL or SKIP, or one JSON object per record for machines.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "verify.h"

static void
print_text(const record_label *l, const alot_report *report, const char *format_error)
{
	size_t i;

	printf("%s:%lu", l->source, l->line_no);
	if (l->kind != NULL)
		printf(": %s record of room %s\n", l->kind, l->room);
	else
		printf(": unreadable record\n");
	if (format_error != NULL) {
		printf("  FAIL  format: %s\n", format_error);
		printf("  result: FAILED\n");
		return;
	}
	printf("  PASS  format\n");
	for (i = 0; i < report->count; i++) {
		const alot_check *c = &report->checks[i];

		printf("  %s  %s%s%s\n", alot_check_status_name(c->status), c->name,
		       c->message[0] ? ": " : "", c->message);
	}
	printf("  result: %s\n", report->failures == 0 ? "VERIFIED" : "FAILED");
}

static void
print_json(const record_label *l, const alot_report *report, const char *format_error)
{
	json_t *checks = json_array(), *obj;
	char *text;
	size_t i;

	json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "name", "format",
	                      "status", format_error ? "FAIL" : "PASS", "message", format_error ? format_error : ""));
	for (i = 0; format_error == NULL && i < report->count; i++)
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s}", "name", report->checks[i].name,
		                      "status", alot_check_status_name(report->checks[i].status),
		                      "message", report->checks[i].message));
	obj = json_pack("{s:s, s:I, s:s?, s:s?, s:b, s:o}", "source", l->source, "line", (json_int_t)l->line_no,
	                "type", l->kind, "room_id", l->kind ? l->room : NULL,
	                "verified", format_error == NULL && report->failures == 0, "checks", checks);
	text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(obj);
}

void
print_record(output_format fmt, const record_label *label, const alot_report *report,
             const char *format_error)
{
	if (fmt == OUTPUT_TEXT)
		print_text(label, report, format_error);
	else if (fmt == OUTPUT_JSON)
		print_json(label, report, format_error);
}

void
print_summary(output_format fmt, unsigned long verified, unsigned long failed)
{
	if (fmt == OUTPUT_TEXT)
		printf("%lu of %lu records verified\n", verified, verified + failed);
}
