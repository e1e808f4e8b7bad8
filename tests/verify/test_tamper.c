/*
 * test_tamper.c - tamper with a valid draw record of each protocol
 * version in every way, and run alot-verify on each mutation: it must exit
 * 1 and name the check that failed.
 *
 * Three kinds of tamper:
 *   - a third party edits the published record: every field changed,
 *     deleted, duplicated, and an unknown field added (signature or format);
 *   - bytes flipped in the signature, the seed, the root and the proof;
 *   - the operator lies: a field changed and the record signed again with
 *     the operator's key, so only the protocol's own checks can catch it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "alot/record.h"

static char dir[64], records[512], verify_bin[512];
static const char *records_dir = "records"; /* vectors/records (v1), then vectors/records-v2 */
static alot_signing_key *operator_key;
static int runs;

/* Run alot-verify on text; return its exit code, output in out. */
static int
run_verify(const char *text, char *out, size_t cap)
{
	char rec_path[128], out_path[128], freeze[600], cmd[8192];
	FILE *f;
	size_t n;
	int status;

	snprintf(rec_path, sizeof(rec_path), "%s/mutant.json", dir);
	snprintf(out_path, sizeof(out_path), "%s/out.txt", dir);
	f = fopen(rec_path, "w");
	assert_non_null(f);
	fputs(text, f);
	fputc('\n', f);
	fclose(f);
	/* Protocol 2's draw comes with its freeze record too. */
	snprintf(freeze, sizeof(freeze), "%s/valid/rejection-twice.freeze.json", records);
	snprintf(cmd, sizeof(cmd),
	         "%s --pubkey %s/pubkey.pem --commitment %s/valid/rejection-twice.commitment.json"
	         " --ledger %s/valid/rejection-twice.ledger.jsonl %s %s >%s 2>&1",
	         verify_bin, records, records, records, access(freeze, F_OK) == 0 ? freeze : "", rec_path,
	         out_path);
	status = system(cmd);
	f = fopen(out_path, "r");
	assert_non_null(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
	runs++;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The mutant must exit 1 and fail one of the named checks. */
static void
expect_failure(const char *what, const char *text, const char *check1, const char *check2)
{
	char out[16384], want1[64], want2[64];
	int rc = run_verify(text, out, sizeof(out));

	snprintf(want1, sizeof(want1), "FAIL  %s", check1);
	snprintf(want2, sizeof(want2), "FAIL  %s", check2 ? check2 : check1);
	if (rc != 1 || (strstr(out, want1) == NULL && strstr(out, want2) == NULL))
		fail_msg("%s: exit %d, expected 1 and \"%s\"%s%s; output:\n%s", what, rc, want1,
		         check2 ? " or " : "", check2 ? want2 : "", out);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static json_t *
valid_record(void)
{
	char path[1100];
	char *text;
	json_t *obj;

	snprintf(path, sizeof(path), "%s/valid/rejection-twice.draw.json", records);
	text = slurp(path);
	obj = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	assert_non_null(obj);
	return obj;
}

static char *
dump(json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(text);
	return text;
}

/* A changed value of the same kind, that still parses. */
static json_t *
changed(const char *key, json_t *v)
{
	char buf[300];
	size_t len;

	if (json_is_integer(v))
		return json_integer(json_integer_value(v) + 1);
	if (json_is_array(v)) {
		json_t *copy = json_deep_copy(v);

		if (json_array_size(copy) == 0)
			json_array_append_new(copy, json_string("00000000000000000000000000000000"
			                                        "00000000000000000000000000000000"));
		else if (json_is_object(json_array_get(copy, 0)))
			json_object_set_new(json_array_get(copy, 0), "value",
			                    json_integer(json_integer_value(json_object_get(json_array_get(copy, 0), "value")) ^ 1));
		else {
			snprintf(buf, sizeof(buf), "%s", json_string_value(json_array_get(copy, 0)));
			buf[0] = buf[0] == 'a' ? 'b' : 'a';
			json_array_set_new(copy, 0, json_string(buf));
		}
		return copy;
	}
	snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	len = strlen(buf);
	if (strcmp(key, "type") == 0)
		return json_string("alot.raffle");
	if (strcmp(key, "beacon_value") == 0)
		return json_string("00");
	if (strcmp(key, "beacon_rule") == 0)
		return json_string("nonf");
	if (strcmp(key, "lot_type") == 0)
		return json_string(strcmp(buf, "known") == 0 ? "mystery" : "known");
	if (strstr(key, "_at") != NULL || strcmp(key, "deadline") == 0) {
		buf[15] = buf[15] == '0' ? '1' : '0'; /* the minute's last digit */
		return json_string(buf);
	}
	buf[len - 1] = buf[len - 1] == 'a' ? 'b' : 'a';
	return json_string(buf);
}

static void
every_field_changed_deleted_or_added(void **state)
{
	json_t *base = valid_record(), *obj;
	const char *key;
	json_t *v;
	char *text, what[128];

	(void)state;
	json_object_foreach(base, key, v) {
		/* Changed: the signature no longer matches (or the type/version is unknown). */
		obj = json_deep_copy(base);
		json_object_set_new(obj, key, changed(key, v));
		text = dump(obj);
		snprintf(what, sizeof(what), "field %s changed", key);
		expect_failure(what, text, strcmp(key, "type") == 0 || strcmp(key, "version") == 0 ? "format" : "signature", NULL);
		free(text);
		json_decref(obj);
		/* Deleted. */
		obj = json_deep_copy(base);
		json_object_del(obj, key);
		text = dump(obj);
		snprintf(what, sizeof(what), "field %s deleted", key);
		expect_failure(what, text, "format", NULL);
		free(text);
		json_decref(obj);
		/* Given twice, the second value changed. */
		text = dump(base);
		{
			char *dup = malloc(strlen(text) + 512), *inner = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			snprintf(dup, strlen(text) + 512, "{\"%s\":%s,%s", key, inner, text + 1);
			snprintf(what, sizeof(what), "field %s duplicated", key);
			expect_failure(what, dup, "format", NULL);
			free(dup);
			free(inner);
		}
		free(text);
	}
	obj = json_deep_copy(base);
	json_object_set_new(obj, "bonus_tickets", json_integer(5));
	text = dump(obj);
	expect_failure("unknown field added", text, "format", NULL);
	free(text);
	json_decref(obj);
	json_decref(base);
}

/* Flip every byte, one at a time, of a hex field (or of one hash of an array). */
static void
flip_every_byte(json_t *base, const char *key, int index, const char *check1, const char *check2)
{
	json_t *field = json_object_get(base, key), *obj, *target;
	char hex[300], *text, what[128];
	size_t i, len;

	if (index >= 0)
		field = json_array_get(field, (size_t)index);
	snprintf(hex, sizeof(hex), "%s", json_string_value(field));
	len = strlen(hex);
	assert_true(len >= 64);
	for (i = 0; i < len; i += 2) {
		char flipped[300];

		memcpy(flipped, hex, len + 1);
		flipped[i] = flipped[i] == 'f' ? '0' : (char)(flipped[i] == '9' ? 'a' : flipped[i] + 1);
		obj = json_deep_copy(base);
		target = json_string(flipped);
		if (index >= 0)
			json_array_set_new(json_object_get(obj, key), (size_t)index, target);
		else
			json_object_set_new(obj, key, target);
		text = dump(obj);
		snprintf(what, sizeof(what), "%s byte %zu flipped", key, i / 2);
		expect_failure(what, text, check1, check2);
		free(text);
		json_decref(obj);
	}
}

static void
bytes_of_signature_seed_root_and_proof_flipped(void **state)
{
	json_t *base = valid_record();

	(void)state;
	flip_every_byte(base, "signature", -1, "signature", NULL);
	flip_every_byte(base, "server_seed", -1, "signature", NULL);
	flip_every_byte(base, "ledger_root", -1, "signature", NULL);
	assert_true(json_array_size(json_object_get(base, "winner_proof")) > 0);
	flip_every_byte(base, "winner_proof", 0, "signature", NULL);
	json_decref(base);
}

/* Re-sign a mutated record with the operator's key. */
static char *
resign(json_t *obj)
{
	char *text = dump(obj), *signed_text = NULL;
	alot_record *rec = malloc(sizeof(*rec));
	alot_error err;

	if (alot_record_parse(text, strlen(text), rec, &err) != ALOT_OK)
		fail_msg("a mutation does not parse: %s", err.message);
	assert_int_equal(alot_draw_record_sign(&rec->u.draw, operator_key, &signed_text, &err), ALOT_OK);
	free(text);
	free(rec);
	return signed_text;
}

struct lie {
	const char *key;
	const char *check1;
	const char *check2;   /* protocol 2's, when it differs (NULL: the same) */
};

static void
operator_lies_are_caught_by_the_protocol(void **state)
{
	/* Every field but the signature's own, with the check that must catch it. */
	static const struct lie lies[] = {
		{ "room_id", "commitment", NULL },
		{ "product_class_id", "client-seed", "commitment" },
		{ "funding_target_cents", "client-seed", "commitment" },
		{ "total_tickets", "client-seed", NULL },
		{ "entry_count", "client-seed", NULL },
		{ "ledger_root", "client-seed", NULL },
		{ "beacon_rule", "beacon", NULL },
		{ "beacon_value", "beacon", NULL },
		{ "commitment", "commitment", NULL },
		{ "server_seed", "commitment", NULL },
		{ "client_seed", "client-seed", NULL },
		{ "attempts", "rejection-sampling", NULL },
		{ "nonce", "rejection-sampling", NULL },
		{ "combined_seed", "combined-seed", NULL },
		{ "winning_ticket", "winning-ticket", NULL },
		{ "winner_entry_id", "winner-inclusion", NULL },
		{ "winner_user_id", "winner-inclusion", NULL },
		{ "winner_tickets_start", "winner-inclusion", NULL },
		{ "winner_tickets_end", "winner-inclusion", NULL },
		{ "winner_leaf_index", "winner-inclusion", NULL },
		{ "winner_proof", "winner-inclusion", NULL },
		{ "committed_at", "commitment-record", NULL },
		{ "funded_at", "timestamps", NULL },
		{ "drawn_at", "timestamps", NULL },
		/* protocol 2 only */
		{ "deadline", NULL, "commitment" },
		{ "lot_type", NULL, "commitment" },
		{ "entry_bundles_hash", NULL, "commitment" },
		{ "frozen_at", NULL, "freeze-record" },
		{ "freeze_record_hash", NULL, "freeze-record" },
	};
	json_t *base = valid_record(), *obj;
	char *text, what[128];
	size_t i, count = 0;
	int v2;

	(void)state;
	v2 = json_integer_value(json_object_get(base, "version")) == 2;
	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++)
		count += json_object_get(base, lies[i].key) != NULL;
	assert_int_equal(json_object_size(base), count + 4); /* + type, version, key_id, signature */
	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		const char *check = v2 && lies[i].check2 ? lies[i].check2 : lies[i].check1;

		if (json_object_get(base, lies[i].key) == NULL)
			continue;
		obj = json_deep_copy(base);
		if (strcmp(lies[i].key, "funded_at") == 0)
			json_object_set_new(obj, "funded_at", json_string("2027-01-01T00:00:00.000000Z"));
		else if (strcmp(lies[i].key, "drawn_at") == 0)
			json_object_set_new(obj, "drawn_at", json_string("2026-01-15T00:00:00.000000Z"));
		else
			json_object_set_new(obj, lies[i].key, changed(lies[i].key, json_object_get(base, lies[i].key)));
		text = resign(obj);
		snprintf(what, sizeof(what), "the operator signed a changed %s", lies[i].key);
		expect_failure(what, text, check, NULL);
		free(text);
		json_decref(obj);
	}
	/* The unchanged record, re-signed, still verifies: the mutations are what fail. */
	{
		char out[16384];

		text = resign(base);
		assert_int_equal(run_verify(text, out, sizeof(out)), 0);
		free(text);
	}
	json_decref(base);
	print_message("%d mutations run through alot-verify\n", runs);
}

static int
setup(void **state)
{
	const char *src = getenv("ALOT_SRC"), *build = getenv("BUILD");
	char key_copy[128], cmd[1200];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/alot-tamper-XXXXXX");
	if (src == NULL || build == NULL || mkdtemp(dir) == NULL)
		return -1;
	snprintf(records, sizeof(records), "%s/vectors/%s", src, records_dir);
	snprintf(verify_bin, sizeof(verify_bin), "%s/alot-verify", build);
	/* The vectors' TEST-ONLY key plays the operator; keys must be 0600. */
	snprintf(key_copy, sizeof(key_copy), "%s/operator.pem", dir);
	snprintf(cmd, sizeof(cmd), "install -m 0600 %s/vectors/keys/TEST-ONLY-signing-key.pem %s", src, key_copy);
	if (system(cmd) != 0)
		return -1;
	return alot_signing_key_load(key_copy, &operator_key, NULL) == ALOT_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	alot_signing_key_free(operator_key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_field_changed_deleted_or_added),
		cmocka_unit_test(bytes_of_signature_seed_root_and_proof_flipped),
		cmocka_unit_test(operator_lies_are_caught_by_the_protocol),
	};
	int failed;

	/* Every tamper on a record of each protocol version. */
	failed = cmocka_run_group_tests_name("protocol 1", tests, setup, teardown);
	records_dir = "records-v2";
	return failed | cmocka_run_group_tests_name("protocol 2", tests, setup, teardown);
}
