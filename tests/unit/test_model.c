/*
 * test_model.c - unit tests for the schema model (lib/core/model.c): enums,
 * scalar codecs, NULLs, and the JSON round trip of every table and view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alot/model.h"

static void
every_enum_round_trips_and_rejects_unknown(void **state)
{
	const alot_enum_desc *descs[] = {
		&alot_user_status_desc, &alot_product_tier_desc, &alot_product_condition_desc,
		&alot_lot_type_desc, &alot_room_status_desc, &alot_visibility_desc,
		&alot_purchase_type_desc, &alot_purchase_status_desc, &alot_refund_choice_desc,
		&alot_dispute_status_desc, &alot_credit_type_desc, &alot_reveal_status_desc,
		&alot_delivery_confirmer_desc, &alot_issue_type_desc, &alot_host_status_desc,
		&alot_admin_role_desc,
	};
	alot_error err;
	size_t i, j;
	int v;

	(void)state;
	for (i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		for (j = 0; j < descs[i]->count; j++) {
			assert_int_equal(alot_enum_from_string(descs[i], descs[i]->names[j], &v, &err), ALOT_OK);
			assert_int_equal(v, (int)j);
			assert_string_equal(alot_enum_to_string(descs[i], v), descs[i]->names[j]);
		}
		assert_int_equal(alot_enum_from_string(descs[i], "bogus", &v, &err), ALOT_ERR_INVALID);
		assert_non_null(strstr(err.message, descs[i]->column));
		assert_null(alot_enum_to_string(descs[i], (int)descs[i]->count));
	}
	assert_int_equal(alot_enum_from_string(&alot_room_status_desc, "Open", &v, &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "rooms.status: unknown value \"Open\"");
	assert_int_equal(alot_room_status_desc.count, 8);
	assert_int_equal(alot_credit_type_desc.count, 7);
}

static void
money_codec(void **state)
{
	int64_t c;
	char buf[32];

	(void)state;
	assert_int_equal(alot_money_parse("12.34", &c, NULL), ALOT_OK);
	assert_int_equal(c, 1234);
	assert_int_equal(alot_money_parse("12.3", &c, NULL), ALOT_OK);
	assert_int_equal(c, 1230);
	assert_int_equal(alot_money_parse("7", &c, NULL), ALOT_OK);
	assert_int_equal(c, 700);
	assert_int_equal(alot_money_parse("-0.05", &c, NULL), ALOT_OK);
	assert_int_equal(c, -5);
	assert_int_equal(alot_money_parse("12.345", &c, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_money_parse("12.", &c, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_money_parse("1e3", &c, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_money_parse("", &c, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_money_parse("99999999999999999999", &c, NULL), ALOT_ERR_INVALID);
	alot_money_format(-5, buf, sizeof(buf));
	assert_string_equal(buf, "-0.05");
	alot_money_format(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "12345.67");
}

static void
time_codec(void **state)
{
	int64_t us;
	char buf[40];

	(void)state;
	assert_int_equal(alot_time_parse("2026-02-09 10:00:00.5", &us, NULL), ALOT_OK);
	assert_int_equal(us, INT64_C(1770631200500000));
	alot_time_format(us, buf, sizeof(buf));
	assert_string_equal(buf, "2026-02-09T10:00:00.500000Z");
	assert_int_equal(alot_time_parse(buf, &us, NULL), ALOT_OK);
	assert_int_equal(us, INT64_C(1770631200500000));
	assert_int_equal(alot_time_parse("1969-12-31 23:59:59.999999", &us, NULL), ALOT_OK);
	assert_int_equal(us, -1);
	alot_time_format(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
	assert_int_equal(alot_time_parse("2026-13-01 00:00:00", &us, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_time_parse("2026-02-09", &us, NULL), ALOT_ERR_INVALID);
	assert_int_equal(alot_time_parse("2026-02-09 10:00:00+02", &us, NULL), ALOT_ERR_INVALID);
}

static void
text_values_are_validated(void **state)
{
	alot_room_entry e;
	alot_user u;
	alot_error err;
	char long_name[80];

	(void)state;
	memset(&e, 0, sizeof(e));
	memset(&u, 0, sizeof(u));
	/* room_entries: id room_id user_id tickets_start tickets_end ticket_count purchase_type amount_paid */
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 3, "2147483648", &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 3, "2147483647", &err), ALOT_OK);
	assert_int_equal(e.tickets_start, 2147483647);
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 6, "coupon", &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "room_entries.purchase_type: unknown value \"coupon\"");
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 7, "5.001", &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 7, NULL, &err), ALOT_OK);
	assert_int_equal(alot_row_is_null(&alot_model_room_entries, &e, "amount_paid"), 1);
	assert_int_equal(alot_row_is_null(&alot_model_room_entries, &e, "tickets_start"), 0);
	assert_int_equal(alot_row_is_null(&alot_model_room_entries, &e, "nope"), -1);
	assert_int_equal(alot_row_set_text(&alot_model_room_entries, &e, 0, "not-a-uuid", &err), ALOT_ERR_INVALID);
	/* users.username is VARCHAR(50): 50 characters pass, 51 do not. */
	memset(long_name, 'x', 51);
	long_name[51] = '\0';
	assert_int_equal(alot_row_set_text(&alot_model_users, &u, 2, long_name, &err), ALOT_ERR_INVALID);
	long_name[50] = '\0';
	assert_int_equal(alot_row_set_text(&alot_model_users, &u, 2, long_name, &err), ALOT_OK);
	assert_string_equal(u.username, long_name);
	alot_row_clear(&alot_model_users, &u);
	assert_null(u.username);
}

/* Fill every column of every model with a valid value, round-trip through JSON. */
static const char *
sample(const alot_column *c)
{
	switch (c->type) {
	case ALOT_COL_UUID: return "6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f71";
	case ALOT_COL_TEXT: return "abc";
	case ALOT_COL_INT: return "-42";
	case ALOT_COL_BIGINT: return "9000000000";
	case ALOT_COL_BOOL: return "t";
	case ALOT_COL_REAL: return "12.5";
	case ALOT_COL_MONEY: return "1234.56";
	case ALOT_COL_TIMESTAMP: return "2026-02-09 10:00:00.123456";
	case ALOT_COL_JSON: return "{\"a\": [1, 2]}";
	case ALOT_COL_ENUM: return c->enum_desc->names[c->enum_desc->count - 1];
	}
	return NULL;
}

static void
every_model_round_trips_through_json(void **state)
{
	size_t m, i;

	(void)state;
	for (m = 0; alot_models[m] != NULL; m++) {
		const alot_model *model = alot_models[m];
		void *row = calloc(1, model->size), *back = calloc(1, model->size);
		json_t *obj, *again;

		for (i = 0; i < model->column_count; i++)
			assert_int_equal(alot_row_set_text(model, row, i, i == 1 ? NULL : sample(&model->columns[i]), NULL), ALOT_OK);
		assert_int_equal(alot_row_to_json(model, row, &obj, NULL), ALOT_OK);
		assert_true(json_is_null(json_object_get(obj, model->columns[1].name)));
		assert_int_equal(alot_row_from_json(model, back, obj, NULL), ALOT_OK);
		assert_int_equal(alot_row_is_null(model, back, model->columns[1].name), 1);
		assert_int_equal(alot_row_to_json(model, back, &again, NULL), ALOT_OK);
		assert_true(json_equal(obj, again));
		json_decref(again);
		/* Strict: an unknown key, a missing key and a wrong type are rejected. */
		json_object_set_new(obj, "surprise", json_true());
		assert_int_equal(alot_row_from_json(model, back, obj, NULL), ALOT_ERR_INVALID);
		json_object_del(obj, "surprise");
		json_object_del(obj, model->columns[0].name);
		assert_int_equal(alot_row_from_json(model, back, obj, NULL), ALOT_ERR_INVALID);
		json_object_set_new(obj, model->columns[0].name, json_integer(5));
		assert_int_equal(alot_row_from_json(model, back, obj, NULL), ALOT_ERR_INVALID);
		json_decref(obj);
		alot_row_clear(model, row);
		alot_row_clear(model, back);
		free(row);
		free(back);
	}
	assert_int_equal(m, 15);
	assert_ptr_equal(alot_model_find("rooms"), &alot_model_rooms);
	assert_null(alot_model_find("room"));
}

static void
json_timestamps_must_be_utc(void **state)
{
	alot_room_trivia_attempt t;
	json_t *obj = json_pack("{s:s, s:s, s:s, s:i, s:s, s:b, s:b, s:n, s:s}",
	                        "id", "6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f71",
	                        "room_id", "6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f72",
	                        "user_id", "6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f73",
	                        "attempt_number", 1, "answer_submitted", "Rolex", "is_correct", 1,
	                        "failed_all_attempts", 0, "cooldown_until", "created_at", "2026-02-09T10:00:00Z");

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(alot_row_from_json(&alot_model_room_trivia_attempts, &t, obj, NULL), ALOT_OK);
	assert_int_equal(t.attempt_number, 1);
	assert_int_equal(alot_row_is_null(&alot_model_room_trivia_attempts, &t, "cooldown_until"), 1);
	json_object_set_new(obj, "created_at", json_string("2026-02-09 10:00:00"));
	assert_int_equal(alot_row_from_json(&alot_model_room_trivia_attempts, &t, obj, NULL), ALOT_ERR_INVALID);
	json_decref(obj);
	alot_row_clear(&alot_model_room_trivia_attempts, &t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_enum_round_trips_and_rejects_unknown),
		cmocka_unit_test(money_codec),
		cmocka_unit_test(time_codec),
		cmocka_unit_test(text_values_are_validated),
		cmocka_unit_test(every_model_round_trips_through_json),
		cmocka_unit_test(json_timestamps_must_be_utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
