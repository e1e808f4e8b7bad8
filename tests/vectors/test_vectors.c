/*
 * test_vectors.c - every test vector of protocols 1 and 2 is recomputed
 * from its inputs, value by value, and every published record under
 * vectors/records/ and vectors/records-v2/ passes (valid/) or fails
 * exactly its labelled check and no other (invalid/).
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

/* Protocol 2: the entry bundles' hash and the lot hash. */
static void
check_lot_v2(json_t *in, json_t *ex, alot_lot *lot)
{
	alot_entry_bundle bundles[ALOT_MAX_BUNDLES];
	json_t *list = json_object_get(in, "entry_bundles"), *b;
	unsigned char h[32];
	size_t i;

	assert_true(json_array_size(list) <= ALOT_MAX_BUNDLES);
	json_array_foreach(list, i, b) {
		bundles[i].amount_cents = (uint64_t)json_integer_value(json_object_get(b, "amount_cents"));
		bundles[i].tickets = (uint32_t)json_integer_value(json_object_get(b, "tickets"));
	}
	alot_entry_bundles_hash(bundles, json_array_size(list), lot->entry_bundles_hash);
	hex_equal(lot->entry_bundles_hash, 32, json_object_get(ex, "entry_bundles_hash"));
	strcpy(lot->deadline, json_string_value(json_object_get(in, "deadline")));
	strcpy(lot->lot_type, json_string_value(json_object_get(in, "lot_type")));
	alot_lot_hash(lot, h);
	hex_equal(h, 32, json_object_get(ex, "lot_hash"));
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
	lot.version = (uint32_t)json_integer_value(json_object_get(v, "version"));
	uuid_of(json_object_get(in, "room_id"), &lot.room_id);
	uuid_of(json_object_get(in, "product_class_id"), &lot.product_class_id);
	lot.funding_target_cents = (uint64_t)json_integer_value(json_object_get(in, "funding_target_cents"));
	strcpy(lot.beacon_rule, json_string_value(json_object_get(in, "beacon_rule")));
	n = read_ledger(json_object_get(in, "ledger"), ledger);
	if (lot.version == ALOT_PROTOCOL_V2)
		check_lot_v2(in, ex, &lot);

	alot_lot_commitment(&lot, seed, h);
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
	assert_int_equal(alot_draw_ticket(lot.version, seed, h, lot.total_tickets, draw, NULL), ALOT_OK);
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
	text = json_dumps(json_object_get(json_object_get(v, "records"), "draw"), JSON_COMPACT | JSON_SORT_KEYS);
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
vectors_of(const char *version_dir)
{
	char dir[1100], path[1400];
	struct dirent *d;
	DIR *dh;
	int count = 0;

	snprintf(dir, sizeof(dir), "%s/%s", vectors_dir, version_dir);
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

static void
every_vector_recomputes(void **state)
{
	(void)state;
	vectors_of("v1");
	vectors_of("v2");
}

/* The records folder of the version being checked. */
static const char *records = "records";

static char *
read_companion(const char *rel, size_t *len)
{
	char path[1400];

	snprintf(path, sizeof(path), "%s/%s/%s", vectors_dir, records, rel);
	return slurp(path, len);
}

/* A record file: one published record and its newline. */
static void
parse_record_file(const char *rel, alot_record *rec, unsigned char hash[32])
{
	size_t len;
	char *text = read_companion(rel, &len);

	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(alot_record_parse(text, len - 1, rec, NULL), ALOT_OK);
	alot_record_hash(text, len - 1, hash);
	free(text);
}

static void
check_ledger_file(const char *rel, const alot_draw_record *draw, alot_report *report)
{
	alot_ledger_verifier *lv = malloc(sizeof(*lv));
	char *text, *line, *save = NULL;

	assert_non_null(lv);
	text = read_companion(rel, NULL);
	alot_ledger_verifier_init(lv, draw);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		alot_ledger_verifier_line(lv, line, strlen(line));
	(void)!alot_ledger_verifier_finish(lv, report);
	free(lv);
	free(text);
}

static void
check_proof_file(const char *rel, json_t *c, const alot_draw_record *draw, alot_report *report)
{
	alot_inclusion_proof proof;
	alot_uuid entry;
	size_t len;
	char *text = read_companion(rel, &len);

	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(alot_inclusion_proof_parse(text, len - 1, &proof, NULL), ALOT_OK);
	uuid_of(json_object_get(c, "entry"), &entry);
	(void)!alot_inclusion_proof_verify(&proof, draw, &entry, report);
	free(text);
}

/*
 * The beacon checks of a draw under the beacon rule: NIST's certificate
 * and the index's "beacon_cert" ones trusted, against the freeze record
 * given (NULL: none).
 */
static void
check_beacon(json_t *c, const alot_draw_record *draw, const char *freeze_text, alot_report *report)
{
	alot_beacon_trust *trust = alot_beacon_trust_new();
	json_t *cert;
	size_t i, len;
	char *pem;

	assert_non_null(trust);
	assert_int_equal(alot_beacon_trust_add_builtin(trust, NULL), ALOT_OK);
	json_array_foreach(json_object_get(c, "beacon_cert"), i, cert) {
		pem = read_companion(json_string_value(cert), &len);
		assert_int_equal(alot_beacon_trust_add(trust, (unsigned char *)pem, len, NULL), ALOT_OK);
		free(pem);
	}
	(void)!alot_draw_beacon_verify(draw, freeze_text, freeze_text ? strlen(freeze_text) : 0, trust, report,
	                               NULL);
	alot_beacon_trust_free(trust);
}

/* The companions of a draw, as alot-verify checks them. */
static void
check_companions(json_t *c, const alot_record *rec, alot_report *report)
{
	unsigned char hash[32];
	const char *companion;
	alot_record *other = malloc(sizeof(*other));
	char *freeze_text = NULL;
	size_t len;

	assert_non_null(other);
	if ((companion = json_string_value(json_object_get(c, "commitment"))) != NULL) {
		parse_record_file(companion, other, hash);
		(void)!alot_commitment_matches_draw(&other->u.commitment, &rec->u.draw, &pubkey, report);
	}
	if ((companion = json_string_value(json_object_get(c, "freeze"))) != NULL) {
		parse_record_file(companion, other, hash);
		assert_int_equal(other->type, ALOT_RECORD_FREEZE);
		(void)!alot_freeze_matches_draw(&other->u.freeze, hash, &rec->u.draw, &pubkey, report);
		freeze_text = read_companion(companion, &len);
		freeze_text[len - 1] = '\0'; /* the log's entry is the record without its newline */
	}
	if (rec->u.draw.has_beacon)
		check_beacon(c, &rec->u.draw, freeze_text, report);
	free(freeze_text);
	if ((companion = json_string_value(json_object_get(c, "ledger"))) != NULL)
		check_ledger_file(companion, &rec->u.draw, report);
	if ((companion = json_string_value(json_object_get(c, "proof"))) != NULL)
		check_proof_file(companion, c, &rec->u.draw, report);
	free(other);
}

/* Verify one indexed record with its companions and the records it is given with. */
static void
run_case(json_t *c, alot_report *report, int *parsed)
{
	unsigned char hash[32], other_hash[32];
	alot_record *rec = malloc(sizeof(*rec)), *other = malloc(sizeof(*other));
	alot_error err;
	json_t *with;
	size_t len, i;
	char *text;

	assert_non_null(rec);
	assert_non_null(other);
	alot_report_init(report);
	text = read_companion(json_string_value(json_object_get(c, "record")), &len);
	/* A record file ends in one newline, which is not part of the record. */
	*parsed = len > 0 && text[len - 1] == '\n' && alot_record_parse(text, len - 1, rec, &err) == ALOT_OK;
	if (*parsed)
		alot_record_hash(text, len - 1, hash);
	free(text);
	if (*parsed) {
		(void)!alot_record_verify(rec, &pubkey, report);
		if (rec->type == ALOT_RECORD_DRAW)
			check_companions(c, rec, report);
		json_array_foreach(json_object_get(c, "with"), i, with) {
			parse_record_file(json_string_value(with), other, other_hash);
			(void)!alot_records_equivocate(rec, hash, other, other_hash, &pubkey, json_string_value(with),
			                               report);
		}
	}
	free(rec);
	free(other);
}

static json_t *
load_index(const char *which)
{
	char path[1400];
	json_t *index;

	snprintf(path, sizeof(path), "%s/%s/%s/index.json", vectors_dir, records, which);
	index = json_load_file(path, 0, NULL);
	assert_non_null(index);
	return index;
}

static void
valid_of(const char *dir, size_t min_cases, size_t checks)
{
	json_t *index, *c;
	alot_report report;
	size_t i, j;
	int parsed;

	records = dir;
	index = load_index("valid");
	assert_true(json_array_size(index) >= min_cases);
	json_array_foreach(index, i, c) {
		run_case(c, &report, &parsed);
		assert_true(parsed);
		for (j = 0; j < report.count; j++) {
			if (report.checks[j].status != ALOT_CHECK_PASS)
				fail_msg("%s: %s %s: %s", json_string_value(json_object_get(c, "record")),
				         report.checks[j].name, alot_check_status_name(report.checks[j].status),
				         report.checks[j].message);
		}
		assert_int_equal(report.count, checks);
	}
	json_decref(index);
}

static void
valid_records_pass_every_check(void **state)
{
	(void)state;
	/* beacon .. timestamps, commitment-record, ledger, proof; v2 adds freeze-record */
	valid_of("records", 10, 12);
	valid_of("records-v2", 10, 13);
	/* and the beacon rule its seven: beacon-policy .. beacon-value */
	valid_of("records-beacon", 3, 20);
}

/* Each invalid case breaks one rule: its check fails, and no other. */
static void
invalid_of(const char *dir, size_t min_cases)
{
	json_t *index, *c;
	alot_report report;
	const alot_check *check;
	const char *label, *name;
	size_t i, j;
	int parsed;

	records = dir;
	index = load_index("invalid");
	assert_true(json_array_size(index) >= min_cases);
	json_array_foreach(index, i, c) {
		label = json_string_value(json_object_get(c, "check"));
		name = json_string_value(json_object_get(c, "record"));
		run_case(c, &report, &parsed);
		if (strcmp(label, "format") == 0) {
			if (parsed)
				fail_msg("%s/%s parsed, but must be rejected as malformed", dir, name);
			continue;
		}
		assert_true(parsed);
		check = alot_report_find(&report, label);
		if (check == NULL || check->status != ALOT_CHECK_FAIL)
			fail_msg("%s/%s: check %s did not fail", dir, name, label);
		for (j = 0; j < report.count; j++)
			if (report.checks[j].status == ALOT_CHECK_FAIL && strcmp(report.checks[j].name, label) != 0)
				fail_msg("%s/%s breaks %s, but also %s: %s", dir, name, label, report.checks[j].name,
				         report.checks[j].message);
	}
	json_decref(index);
}

static void
invalid_records_fail_their_check(void **state)
{
	(void)state;
	invalid_of("records", 30);
	invalid_of("records-v2", 30);
	invalid_of("records-beacon", 11);
}

/*
 * Strict means strict: every ASCII control byte, at every kind of place
 * (inside a string, between tokens, after a number, before and after the
 * record), makes a published record malformed.
 */
static void
every_control_byte_everywhere_is_malformed(void **state)
{
	char path[1400], *text, *bad;
	const char *anchors[] = { "\"type\":\"alot", "\"nonce\":", "\"entry_count\":" };
	alot_record *rec = malloc(sizeof(*rec));
	size_t len, at[6], i, j, n = 0;
	int b;

	(void)state;
	assert_non_null(rec);
	snprintf(path, sizeof(path), "%s/records-v2/valid/many-entries.draw.json", vectors_dir);
	text = slurp(path, &len);
	len--; /* the newline */
	assert_int_equal(alot_record_parse(text, len, rec, NULL), ALOT_OK);
	at[n++] = 0;                                               /* before the record */
	at[n++] = len;                                             /* after it */
	at[n++] = (size_t)(strstr(text, anchors[0]) - text) + strlen(anchors[0]); /* inside a string */
	at[n++] = (size_t)(strchr(text, ',') - text) + 1;          /* between tokens */
	at[n++] = (size_t)(strstr(text, anchors[1]) - text) + strlen(anchors[1]) + 1; /* after a number */
	at[n++] = (size_t)(strstr(text, anchors[2]) - text) + strlen(anchors[2]); /* before a number */
	bad = malloc(len + 2);
	assert_non_null(bad);
	for (b = 0; b < 128; b++) {
		if (b >= 0x20 && b != 0x7f)
			continue;
		for (i = 0; i < n; i++) {
			memcpy(bad, text, at[i]);
			bad[at[i]] = (char)b;
			memcpy(bad + at[i] + 1, text + at[i], len - at[i]);
			if (alot_record_parse(bad, len + 1, rec, NULL) == ALOT_OK)
				fail_msg("byte 0x%02x at %zu was accepted", b, at[i]);
		}
	}
	for (j = 0; j < n; j++)
		assert_true(at[j] <= len);
	free(bad);
	free(text);
	free(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_vector_recomputes),
		cmocka_unit_test(valid_records_pass_every_check),
		cmocka_unit_test(invalid_records_fail_their_check),
		cmocka_unit_test(every_control_byte_everywhere_is_malformed),
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
