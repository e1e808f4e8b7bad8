/*
 * test_vectors.c - every protocol v1 test vector is recomputed from its
 * inputs, value by value, and every published record under
 * vectors/records/ passes (valid/) or fails exactly its labelled check
 * (invalid/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "alot/record.h"

static char vectors_dir[1024];
static alot_public_key pubkey;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static void
hex_equal(const unsigned char *bytes, size_t len, json_t *expected)
{
	char hex[2 * ALOT_SIG_LEN + 1];

	alot_hex_encode(bytes, len, hex);
	assert_non_null(json_string_value(expected));
	assert_string_equal(hex, json_string_value(expected));
}

static void
uuid_of(json_t *v, alot_uuid *out)
{
	assert_int_equal(alot_uuid_parse(json_string_value(v), out, NULL), ALOT_OK);
}

static size_t
read_ledger(json_t *entries, alot_ticket_range *ledger)
{
	size_t i;

	for (i = 0; i < json_array_size(entries); i++) {
		json_t *e = json_array_get(entries, i);

		uuid_of(json_object_get(e, "entry_id"), &ledger[i].entry_id);
		uuid_of(json_object_get(e, "user_id"), &ledger[i].user_id);
		ledger[i].tickets_start = (uint32_t)json_integer_value(json_object_get(e, "tickets_start"));
		ledger[i].tickets_end = (uint32_t)json_integer_value(json_object_get(e, "tickets_end"));
	}
	return i;
}

/* Recompute one vector step by step with the primitives, not the record API. */
static void
check_vector(const char *path)
{
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	json_t *in, *ex, *attempts, *winner;
	alot_ticket_range ledger[64];
	unsigned char seed[32], h[32], leaves[64][32];
	alot_draw_result *draw = malloc(sizeof(*draw));
	alot_lot lot;
	size_t n, i, proof_len;
	unsigned char proof[ALOT_MAX_PROOF_LEN][32];
	alot_record rec;
	alot_report report;
	char *text;

	assert_non_null(v);
	assert_non_null(draw);
	in = json_object_get(v, "inputs");
	ex = json_object_get(v, "expected");
	assert_int_equal(alot_hex_decode(json_string_value(json_object_get(in, "server_seed")), seed, 32, NULL), ALOT_OK);
	memset(&lot, 0, sizeof(lot));
	uuid_of(json_object_get(in, "room_id"), &lot.room_id);
	uuid_of(json_object_get(in, "product_class_id"), &lot.product_class_id);
	lot.funding_target_cents = (uint64_t)json_integer_value(json_object_get(in, "funding_target_cents"));
	strcpy(lot.beacon_rule, json_string_value(json_object_get(in, "beacon_rule")));
	n = read_ledger(json_object_get(in, "ledger"), ledger);

	alot_commitment(&lot.room_id, seed, h);
	hex_equal(h, 32, json_object_get(ex, "commitment"));
	for (i = 0; i < n; i++) {
		alot_merkle_leaf_hash(&ledger[i], leaves[i]);
		hex_equal(leaves[i], 32, json_array_get(json_object_get(ex, "leaf_hashes"), i));
	}
	alot_merkle_root((const unsigned char (*)[32])leaves, n, lot.ledger_root);
	hex_equal(lot.ledger_root, 32, json_object_get(ex, "ledger_root"));
	lot.entry_count = (uint32_t)n;
	lot.total_tickets = ledger[n - 1].tickets_end;
	assert_int_equal(lot.total_tickets, json_integer_value(json_object_get(ex, "total_tickets")));
	alot_client_seed(&lot, h);
	hex_equal(h, 32, json_object_get(ex, "client_seed"));
	assert_int_equal(alot_rejection_limit(lot.total_tickets),
	                 json_integer_value(json_object_get(ex, "rejection_limit")));
	assert_int_equal(alot_draw_ticket(seed, h, lot.total_tickets, draw, NULL), ALOT_OK);
	attempts = json_object_get(ex, "attempts");
	assert_int_equal(draw->attempt_count, json_array_size(attempts));
	for (i = 0; i < draw->attempt_count; i++) {
		json_t *a = json_array_get(attempts, i);

		hex_equal(draw->attempts[i].combined_seed, 32, json_object_get(a, "combined_seed"));
		assert_int_equal(draw->attempts[i].value, json_integer_value(json_object_get(a, "value")));
		assert_int_equal(draw->attempts[i].accepted, json_is_true(json_object_get(a, "accepted")));
	}
	assert_int_equal(draw->nonce, json_integer_value(json_object_get(ex, "nonce")));
	assert_int_equal(draw->winning_ticket, json_integer_value(json_object_get(ex, "winning_ticket")));
	winner = json_object_get(ex, "winner");
	i = (size_t)json_integer_value(json_object_get(winner, "leaf_index"));
	assert_true(ledger[i].tickets_start <= draw->winning_ticket);
	assert_true(draw->winning_ticket <= ledger[i].tickets_end);
	assert_int_equal(alot_merkle_proof((const unsigned char (*)[32])leaves, n, i, proof, &proof_len, NULL), ALOT_OK);
	assert_int_equal(proof_len, json_array_size(json_object_get(ex, "winner_proof")));
	for (i = 0; i < proof_len; i++)
		hex_equal(proof[i], 32, json_array_get(json_object_get(ex, "winner_proof"), i));

	/* The published record carries the same values and verifies. */
	text = json_dumps(json_object_get(json_object_get(v, "records"), "draw"), JSON_COMPACT);
	assert_int_equal(alot_record_parse(text, strlen(text), &rec, NULL), ALOT_OK);
	assert_int_equal(rec.type, ALOT_RECORD_DRAW);
	assert_int_equal(rec.u.draw.draw.winning_ticket, draw->winning_ticket);
	assert_memory_equal(rec.u.draw.client_seed, h, 32);
	alot_report_init(&report);
	assert_int_equal(alot_draw_record_verify(&rec.u.draw, &pubkey, &report), ALOT_OK);
	assert_int_equal(report.failures, 0);
	free(text);
	free(draw);
	json_decref(v);
}

static void
every_vector_recomputes(void **state)
{
	char dir[1100], path[1400];
	struct dirent *d;
	DIR *dh;
	int count = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/v1", vectors_dir);
	dh = opendir(dir);
	assert_non_null(dh);
	while ((d = readdir(dh)) != NULL) {
		if (strstr(d->d_name, ".json") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		print_message("vector %s\n", d->d_name);
		check_vector(path);
		count++;
	}
	closedir(dh);
	assert_true(count >= 10);
}

/* Verify one indexed record with its companions, as alot-verify does. */
static void
run_case(json_t *c, alot_report *report, int *parsed)
{
	char path[1400], *text, *line, *save = NULL;
	const char *companion;
	alot_record rec, other;
	alot_error err;
	size_t len;

	alot_report_init(report);
	snprintf(path, sizeof(path), "%s/records/%s", vectors_dir, json_string_value(json_object_get(c, "record")));
	text = slurp(path, &len);
	*parsed = alot_record_parse(text, len, &rec, &err) == ALOT_OK;
	free(text);
	if (!*parsed)
		return;
	assert_int_equal(rec.type, ALOT_RECORD_DRAW);
	(void)!alot_draw_record_verify(&rec.u.draw, &pubkey, report);
	if ((companion = json_string_value(json_object_get(c, "commitment"))) != NULL) {
		snprintf(path, sizeof(path), "%s/records/%s", vectors_dir, companion);
		text = slurp(path, &len);
		assert_int_equal(alot_record_parse(text, len, &other, NULL), ALOT_OK);
		(void)!alot_commitment_matches_draw(&other.u.commitment, &rec.u.draw, &pubkey, report);
		free(text);
	}
	if ((companion = json_string_value(json_object_get(c, "ledger"))) != NULL) {
		alot_ledger_verifier *lv = malloc(sizeof(*lv));

		snprintf(path, sizeof(path), "%s/records/%s", vectors_dir, companion);
		text = slurp(path, &len);
		alot_ledger_verifier_init(lv, &rec.u.draw);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			alot_ledger_verifier_line(lv, line, strlen(line));
		(void)!alot_ledger_verifier_finish(lv, report);
		free(lv);
		free(text);
	}
	if ((companion = json_string_value(json_object_get(c, "proof"))) != NULL) {
		alot_inclusion_proof proof;
		alot_uuid entry;

		snprintf(path, sizeof(path), "%s/records/%s", vectors_dir, companion);
		text = slurp(path, &len);
		assert_int_equal(alot_inclusion_proof_parse(text, len, &proof, NULL), ALOT_OK);
		uuid_of(json_object_get(c, "entry"), &entry);
		(void)!alot_inclusion_proof_verify(&proof, &rec.u.draw, &entry, report);
		free(text);
	}
}

static json_t *
load_index(const char *which)
{
	char path[1400];
	json_t *index;

	snprintf(path, sizeof(path), "%s/records/%s/index.json", vectors_dir, which);
	index = json_load_file(path, 0, NULL);
	assert_non_null(index);
	return index;
}

static void
valid_records_pass_every_check(void **state)
{
	json_t *index = load_index("valid"), *c;
	alot_report report;
	size_t i, j;
	int parsed;

	(void)state;
	assert_true(json_array_size(index) >= 10);
	json_array_foreach(index, i, c) {
		run_case(c, &report, &parsed);
		assert_true(parsed);
		for (j = 0; j < report.count; j++) {
			if (report.checks[j].status != ALOT_CHECK_PASS)
				fail_msg("%s: %s %s: %s", json_string_value(json_object_get(c, "record")),
				         report.checks[j].name, alot_check_status_name(report.checks[j].status),
				         report.checks[j].message);
		}
		/* beacon .. timestamps, commitment-record, ledger, proof */
		assert_int_equal(report.count, 12);
	}
	json_decref(index);
}

static void
invalid_records_fail_their_check(void **state)
{
	json_t *index = load_index("invalid"), *c;
	alot_report report;
	const alot_check *check;
	const char *label;
	size_t i;
	int parsed;

	(void)state;
	assert_true(json_array_size(index) >= 30);
	json_array_foreach(index, i, c) {
		label = json_string_value(json_object_get(c, "check"));
		run_case(c, &report, &parsed);
		if (strcmp(label, "format") == 0) {
			if (parsed)
				fail_msg("%s parsed, but must be rejected as malformed",
				         json_string_value(json_object_get(c, "record")));
			continue;
		}
		assert_true(parsed);
		check = alot_report_find(&report, label);
		if (check == NULL || check->status != ALOT_CHECK_FAIL)
			fail_msg("%s: check %s did not fail", json_string_value(json_object_get(c, "record")), label);
	}
	json_decref(index);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_vector_recomputes),
		cmocka_unit_test(valid_records_pass_every_check),
		cmocka_unit_test(invalid_records_fail_their_check),
	};
	const char *src = getenv("ALOT_SRC");
	char path[1100];

	snprintf(vectors_dir, sizeof(vectors_dir), "%s/vectors", src ? src : ".");
	snprintf(path, sizeof(path), "%s/records/pubkey.pem", vectors_dir);
	if (alot_public_key_load(path, &pubkey, NULL) != ALOT_OK) {
		fprintf(stderr, "test_vectors: cannot load %s\n", path);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
