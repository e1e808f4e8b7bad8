/*
 * model.c - the schema model's descriptors, generated from the column lists
 * of alot/model.h, and the generic codecs they drive: PostgreSQL text
 * values and JSON, in both directions.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/model.h"
#include "encoding.h"

/* ---- descriptors ---------------------------------------------------- */

#define ENUM_NAME(sym, str) str,
#define DEFINE_ENUM(type, LIST, column) \
	static const char *const type##_names[] = { LIST(ENUM_NAME) }; \
	const alot_enum_desc type##_desc = { column, sizeof(type##_names) / sizeof(type##_names[0]), type##_names };

DEFINE_ENUM(alot_user_status, ALOT_USER_STATUS, "users.status")
DEFINE_ENUM(alot_product_tier, ALOT_PRODUCT_TIER, "product_classes.tier")
DEFINE_ENUM(alot_product_condition, ALOT_PRODUCT_CONDITION, "product_classes.condition")
DEFINE_ENUM(alot_lot_type, ALOT_LOT_TYPE, "rooms.lot_type")
DEFINE_ENUM(alot_room_status, ALOT_ROOM_STATUS, "rooms.status")
DEFINE_ENUM(alot_visibility, ALOT_VISIBILITY, "rooms.visibility")
DEFINE_ENUM(alot_purchase_type, ALOT_PURCHASE_TYPE, "room_entries.purchase_type")
DEFINE_ENUM(alot_purchase_status, ALOT_PURCHASE_STATUS, "room_entry_purchases.status")
DEFINE_ENUM(alot_refund_choice, ALOT_REFUND_CHOICE, "room_entry_purchases.refund_choice")
DEFINE_ENUM(alot_dispute_status, ALOT_DISPUTE_STATUS, "room_entry_purchases.dispute_status")
DEFINE_ENUM(alot_credit_type, ALOT_CREDIT_TYPE, "credit_transactions.transaction_type")
DEFINE_ENUM(alot_reveal_status, ALOT_REVEAL_STATUS, "reveals.status")
DEFINE_ENUM(alot_delivery_confirmer, ALOT_DELIVERY_CONFIRMER, "reveals.delivery_confirmed_by")
DEFINE_ENUM(alot_issue_type, ALOT_ISSUE_TYPE, "reveals.issue_type")
DEFINE_ENUM(alot_host_status, ALOT_HOST_STATUS, "hosts.status")
DEFINE_ENUM(alot_admin_role, ALOT_ADMIN_ROLE, "admin_users.role")

/* Per-kind descriptor parts: the VARCHAR length, or the enum descriptor. */
#define LEN_UUID(a)      0
#define LEN_TEXT(a)      a
#define LEN_INT(a)       0
#define LEN_BIGINT(a)    0
#define LEN_BOOL(a)      0
#define LEN_REAL(a)      0
#define LEN_MONEY(a)     0
#define LEN_TIMESTAMP(a) 0
#define LEN_JSON(a)      0
#define LEN_ENUM(a)      0
#define DESC_UUID(a)      NULL
#define DESC_TEXT(a)      NULL
#define DESC_INT(a)       NULL
#define DESC_BIGINT(a)    NULL
#define DESC_BOOL(a)      NULL
#define DESC_REAL(a)      NULL
#define DESC_MONEY(a)     NULL
#define DESC_TIMESTAMP(a) NULL
#define DESC_JSON(a)      NULL
#define DESC_ENUM(a)      &a##_desc

#define DEFINE_MODEL(stype, table, LIST) \
	static const alot_column table##_columns[] = { LIST(COLUMN_OF_##table) }; \
	const alot_model alot_model_##table = { #table, sizeof(stype), \
		sizeof(table##_columns) / sizeof(table##_columns[0]), table##_columns };
#define COLUMN(stype, name, type, arg) \
	{ #name, ALOT_COL_##type, offsetof(stype, name), LEN_##type(arg), DESC_##type(arg) },

#define COLUMN_OF_users(n, t, a) COLUMN(alot_user, n, t, a)
#define COLUMN_OF_product_classes(n, t, a) COLUMN(alot_product_class, n, t, a)
#define COLUMN_OF_rooms(n, t, a) COLUMN(alot_room, n, t, a)
#define COLUMN_OF_room_entries(n, t, a) COLUMN(alot_room_entry, n, t, a)
#define COLUMN_OF_room_entry_purchases(n, t, a) COLUMN(alot_room_entry_purchase, n, t, a)
#define COLUMN_OF_lottery_draws(n, t, a) COLUMN(alot_lottery_draw, n, t, a)
#define COLUMN_OF_user_universal_credits(n, t, a) COLUMN(alot_user_universal_credits, n, t, a)
#define COLUMN_OF_credit_transactions(n, t, a) COLUMN(alot_credit_transaction, n, t, a)
#define COLUMN_OF_room_trivia_attempts(n, t, a) COLUMN(alot_room_trivia_attempt, n, t, a)
#define COLUMN_OF_reveals(n, t, a) COLUMN(alot_reveal, n, t, a)
#define COLUMN_OF_hosts(n, t, a) COLUMN(alot_host, n, t, a)
#define COLUMN_OF_admin_users(n, t, a) COLUMN(alot_admin_user, n, t, a)
#define COLUMN_OF_audit_logs(n, t, a) COLUMN(alot_audit_log, n, t, a)
#define COLUMN_OF_v_active_lots(n, t, a) COLUMN(alot_v_active_lot, n, t, a)
#define COLUMN_OF_v_user_dashboard(n, t, a) COLUMN(alot_v_user_dashboard, n, t, a)

DEFINE_MODEL(alot_user, users, ALOT_USERS_COLUMNS)
DEFINE_MODEL(alot_product_class, product_classes, ALOT_PRODUCT_CLASSES_COLUMNS)
DEFINE_MODEL(alot_room, rooms, ALOT_ROOMS_COLUMNS)
DEFINE_MODEL(alot_room_entry, room_entries, ALOT_ROOM_ENTRIES_COLUMNS)
DEFINE_MODEL(alot_room_entry_purchase, room_entry_purchases, ALOT_ROOM_ENTRY_PURCHASES_COLUMNS)
DEFINE_MODEL(alot_lottery_draw, lottery_draws, ALOT_LOTTERY_DRAWS_COLUMNS)
DEFINE_MODEL(alot_user_universal_credits, user_universal_credits, ALOT_USER_UNIVERSAL_CREDITS_COLUMNS)
DEFINE_MODEL(alot_credit_transaction, credit_transactions, ALOT_CREDIT_TRANSACTIONS_COLUMNS)
DEFINE_MODEL(alot_room_trivia_attempt, room_trivia_attempts, ALOT_ROOM_TRIVIA_ATTEMPTS_COLUMNS)
DEFINE_MODEL(alot_reveal, reveals, ALOT_REVEALS_COLUMNS)
DEFINE_MODEL(alot_host, hosts, ALOT_HOSTS_COLUMNS)
DEFINE_MODEL(alot_admin_user, admin_users, ALOT_ADMIN_USERS_COLUMNS)
DEFINE_MODEL(alot_audit_log, audit_logs, ALOT_AUDIT_LOGS_COLUMNS)
DEFINE_MODEL(alot_v_active_lot, v_active_lots, ALOT_V_ACTIVE_LOTS_COLUMNS)
DEFINE_MODEL(alot_v_user_dashboard, v_user_dashboard, ALOT_V_USER_DASHBOARD_COLUMNS)

const alot_model *const alot_models[] = {
	&alot_model_users, &alot_model_product_classes, &alot_model_rooms,
	&alot_model_room_entries, &alot_model_room_entry_purchases, &alot_model_lottery_draws,
	&alot_model_user_universal_credits, &alot_model_credit_transactions,
	&alot_model_room_trivia_attempts, &alot_model_reveals, &alot_model_hosts,
	&alot_model_admin_users, &alot_model_audit_logs, &alot_model_v_active_lots,
	&alot_model_v_user_dashboard, NULL
};

const alot_model *
alot_model_find(const char *name)
{
	size_t i;

	for (i = 0; alot_models[i] != NULL; i++)
		if (strcmp(alot_models[i]->name, name) == 0)
			return alot_models[i];
	return NULL;
}

/* ---- enums ----------------------------------------------------------- */

alot_code
alot_enum_from_string(const alot_enum_desc *desc, const char *name, int *value, alot_error *err)
{
	size_t i;

	for (i = 0; i < desc->count; i++) {
		if (strcmp(desc->names[i], name) == 0) {
			*value = (int)i;
			return ALOT_OK;
		}
	}
	return alot_error_set(err, ALOT_ERR_INVALID, "%s: unknown value \"%.64s\"", desc->column, name);
}

const char *
alot_enum_to_string(const alot_enum_desc *desc, int value)
{
	if (value < 0 || (size_t)value >= desc->count)
		return NULL;
	return desc->names[value];
}

/* ---- scalar codecs ---------------------------------------------------- */

void
alot_money_format(int64_t cents, char *out, size_t len)
{
	uint64_t abs = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;

	snprintf(out, len, "%s%" PRIu64 ".%02" PRIu64, cents < 0 ? "-" : "", abs / 100, abs % 100);
}

alot_code
alot_money_parse(const char *text, int64_t *cents, alot_error *err)
{
	const char *p = text;
	int negative = 0, decimals = -1;
	uint64_t v = 0;

	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals == 2)
			goto bad;
		if (v > (UINT64_C(1) << 62) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (decimals == 0)
		goto bad; /* "12." */
	for (; decimals < 2; decimals = decimals < 0 ? 1 : decimals + 1)
		v *= 10;
	*cents = negative ? -(int64_t)v : (int64_t)v;
	return ALOT_OK;
bad:
	return alot_error_set(err, ALOT_ERR_INVALID,
	                      "\"%.40s\" is not an amount with at most 2 decimals", text);
}

alot_code
alot_time_parse(const char *text, int64_t *micros, alot_error *err)
{
	struct tm tm;
	int y, mo, d, h, mi, s, n = 0, frac_digits = 0;
	long frac = 0;
	const char *p;
	time_t secs;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, "%4d-%2d-%2d%*[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
	    n != 19)
		goto bad;
	p = text + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && frac_digits < 6; p++, frac_digits++)
			frac = frac * 10 + (*p - '0');
		if (frac_digits == 0)
			goto bad;
		for (; frac_digits < 6; frac_digits++)
			frac *= 10;
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	secs = timegm(&tm);
	*micros = (int64_t)secs * 1000000 + frac;
	return ALOT_OK;
bad:
	return alot_error_set(err, ALOT_ERR_INVALID, "\"%.40s\" is not a timestamp", text);
}

void
alot_time_format(int64_t micros, char *out, size_t len)
{
	int64_t frac = micros % 1000000;
	time_t secs = (time_t)(micros / 1000000);
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	gmtime_r(&secs, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

/* Characters (UTF-8 code points) in s. */
static size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static alot_code
parse_int(const char *text, int64_t min, int64_t max, int64_t *out, const char *col, alot_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return alot_error_set(err, ALOT_ERR_INVALID, "%s: \"%.40s\" is not an integer from %lld to %lld",
		                      col, text, (long long)min, (long long)max);
	*out = v;
	return ALOT_OK;
}

#define FIELD(row, c, type) ((type *)((char *)(row) + (c)->offset))
#define CFIELD(row, c, type) ((const type *)((const char *)(row) + (c)->offset))

static void
free_value(const alot_column *c, void *row)
{
	if (c->type == ALOT_COL_TEXT) {
		free(*FIELD(row, c, char *));
		*FIELD(row, c, char *) = NULL;
	} else if (c->type == ALOT_COL_JSON) {
		json_decref(*FIELD(row, c, json_t *));
		*FIELD(row, c, json_t *) = NULL;
	}
}

static alot_code
set_value(const alot_column *c, void *row, const char *text, alot_error *err)
{
	int64_t v;
	int e;
	alot_code rc = ALOT_OK;
	json_error_t jerr;

	switch (c->type) {
	case ALOT_COL_UUID:
		if (alot_uuid_parse(text, FIELD(row, c, alot_uuid), NULL) != ALOT_OK)
			rc = alot_error_set(err, ALOT_ERR_INVALID, "%s: \"%.40s\" is not a UUID", c->name, text);
		break;
	case ALOT_COL_TEXT:
		if (c->max_length > 0 && utf8_length(text) > c->max_length)
			return alot_error_set(err, ALOT_ERR_INVALID, "%s: longer than %zu characters",
			                      c->name, c->max_length);
		if ((*FIELD(row, c, char *) = strdup(text)) == NULL)
			rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		break;
	case ALOT_COL_INT:
		if ((rc = parse_int(text, INT32_MIN, INT32_MAX, &v, c->name, err)) == ALOT_OK)
			*FIELD(row, c, int32_t) = (int32_t)v;
		break;
	case ALOT_COL_BIGINT:
		rc = parse_int(text, INT64_MIN, INT64_MAX, FIELD(row, c, int64_t), c->name, err);
		break;
	case ALOT_COL_BOOL:
		if (strcmp(text, "t") != 0 && strcmp(text, "f") != 0)
			return alot_error_set(err, ALOT_ERR_INVALID, "%s: \"%.10s\" is not t or f", c->name, text);
		*FIELD(row, c, int) = text[0] == 't';
		break;
	case ALOT_COL_REAL:
		*FIELD(row, c, double) = strtod(text, NULL);
		break;
	case ALOT_COL_MONEY:
		if (alot_money_parse(text, FIELD(row, c, int64_t), err) != ALOT_OK)
			rc = alot_error_set(err, ALOT_ERR_INVALID, "%s: \"%.40s\" is not an amount with at most 2 decimals",
			                    c->name, text);
		break;
	case ALOT_COL_TIMESTAMP:
		if (alot_time_parse(text, FIELD(row, c, int64_t), err) != ALOT_OK)
			rc = alot_error_set(err, ALOT_ERR_INVALID, "%s: \"%.40s\" is not a timestamp", c->name, text);
		break;
	case ALOT_COL_JSON:
		if ((*FIELD(row, c, json_t *) = json_loads(text, JSON_DECODE_ANY, &jerr)) == NULL)
			rc = alot_error_set(err, ALOT_ERR_INVALID, "%s: invalid JSON: %s", c->name, jerr.text);
		break;
	case ALOT_COL_ENUM:
		if ((rc = alot_enum_from_string(c->enum_desc, text, &e, err)) == ALOT_OK)
			*FIELD(row, c, int) = e;
		break;
	}
	return rc;
}

alot_code
alot_row_set_text(const alot_model *model, void *row, size_t col, const char *text, alot_error *err)
{
	const alot_column *c = &model->columns[col];
	uint64_t *nulls = (uint64_t *)row;

	free_value(c, row);
	if (text == NULL) {
		*nulls |= UINT64_C(1) << col;
		return ALOT_OK;
	}
	*nulls &= ~(UINT64_C(1) << col);
	return set_value(c, row, text, err);
}

int
alot_row_is_null(const alot_model *model, const void *row, const char *column)
{
	size_t i;

	for (i = 0; i < model->column_count; i++)
		if (strcmp(model->columns[i].name, column) == 0)
			return (int)((*(const uint64_t *)row >> i) & 1);
	return -1;
}

void
alot_row_clear(const alot_model *model, void *row)
{
	size_t i;

	for (i = 0; i < model->column_count; i++)
		free_value(&model->columns[i], row);
	memset(row, 0, model->size);
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *
value_json(const alot_column *c, const void *row)
{
	char buf[64], uuid[ALOT_UUID_STRLEN];

	switch (c->type) {
	case ALOT_COL_UUID:
		alot_uuid_format(CFIELD(row, c, alot_uuid), uuid);
		return json_string(uuid);
	case ALOT_COL_TEXT:
		return json_string(*CFIELD(row, c, char *) ? *CFIELD(row, c, char *) : "");
	case ALOT_COL_INT:
		return json_integer(*CFIELD(row, c, int32_t));
	case ALOT_COL_BIGINT:
		return json_integer(*CFIELD(row, c, int64_t));
	case ALOT_COL_BOOL:
		return json_boolean(*CFIELD(row, c, int));
	case ALOT_COL_REAL:
		return json_real(*CFIELD(row, c, double));
	case ALOT_COL_MONEY:
		alot_money_format(*CFIELD(row, c, int64_t), buf, sizeof(buf));
		return json_string(buf);
	case ALOT_COL_TIMESTAMP:
		alot_time_format(*CFIELD(row, c, int64_t), buf, sizeof(buf));
		return json_string(buf);
	case ALOT_COL_JSON:
		return *CFIELD(row, c, json_t *) ? json_deep_copy(*CFIELD(row, c, json_t *)) : json_null();
	case ALOT_COL_ENUM:
		return json_string(alot_enum_to_string(c->enum_desc, *CFIELD(row, c, int)));
	}
	return NULL;
}

alot_code
alot_row_to_json(const alot_model *model, const void *row, json_t **out, alot_error *err)
{
	json_t *obj = json_object();
	size_t i;

	*out = NULL;
	for (i = 0; obj != NULL && i < model->column_count; i++) {
		const alot_column *c = &model->columns[i];
		int is_null = (int)((*(const uint64_t *)row >> i) & 1);
		json_t *v = is_null ? json_null() : value_json(c, row);

		if (v == NULL || json_object_set_new(obj, c->name, v) != 0) {
			json_decref(obj);
			return alot_error_set(err, ALOT_ERR_INVALID, "%s.%s cannot be encoded", model->name, c->name);
		}
	}
	if (obj == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	*out = obj;
	return ALOT_OK;
}

/* The text form set_value() takes, from a JSON value of the column's kind. */
static alot_code
json_text(const alot_column *c, json_t *v, char *buf, size_t len, char **dumped, alot_error *err)
{
	*dumped = NULL;
	switch (c->type) {
	case ALOT_COL_INT:
	case ALOT_COL_BIGINT:
		if (!json_is_integer(v))
			break;
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return ALOT_OK;
	case ALOT_COL_BOOL:
		if (!json_is_boolean(v))
			break;
		snprintf(buf, len, "%s", json_is_true(v) ? "t" : "f");
		return ALOT_OK;
	case ALOT_COL_REAL:
		if (!json_is_number(v))
			break;
		snprintf(buf, len, "%.17g", json_number_value(v));
		return ALOT_OK;
	case ALOT_COL_JSON:
		*dumped = Alot_json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		return *dumped ? ALOT_OK : alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	default:
		if (!json_is_string(v))
			break;
		if (c->type == ALOT_COL_TIMESTAMP && strchr(json_string_value(v), 'Z') == NULL)
			break; /* JSON timestamps are UTC and say so */
		snprintf(buf, len, "%s", json_string_value(v));
		if (strlen(json_string_value(v)) >= len && c->type != ALOT_COL_TEXT)
			break;
		if (c->type == ALOT_COL_TEXT)
			*dumped = strdup(json_string_value(v));
		return ALOT_OK;
	}
	return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" has the wrong JSON type", c->name);
}

alot_code
alot_row_from_json(const alot_model *model, void *row, const json_t *obj, alot_error *err)
{
	const char *key;
	json_t *v;
	size_t i;
	char buf[128], *dumped;
	alot_code rc;

	alot_row_clear(model, row);
	if (!json_is_object(obj))
		return alot_error_set(err, ALOT_ERR_INVALID, "a %s row must be a JSON object", model->name);
	json_object_foreach((json_t *)obj, key, v) {
		if (alot_row_is_null(model, row, key) < 0)
			return alot_error_set(err, ALOT_ERR_INVALID, "%s has no column \"%.64s\"", model->name, key);
	}
	for (i = 0; i < model->column_count; i++) {
		const alot_column *c = &model->columns[i];

		if ((v = json_object_get(obj, c->name)) == NULL) {
			rc = alot_error_set(err, ALOT_ERR_INVALID, "missing field \"%s\"", c->name);
			goto fail;
		}
		if (json_is_null(v)) { /* SQL NULL; a JSON column's null is NULL too */
			rc = alot_row_set_text(model, row, i, NULL, err);
			continue;
		}
		if ((rc = json_text(c, v, buf, sizeof(buf), &dumped, err)) != ALOT_OK)
			goto fail;
		rc = alot_row_set_text(model, row, i, dumped ? dumped : buf, err);
		free(dumped);
		if (rc != ALOT_OK)
			goto fail;
	}
	return ALOT_OK;
fail:
	alot_row_clear(model, row);
	return rc;
}
