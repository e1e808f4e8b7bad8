/*
 * record.c - the published records of protocols 1 and 2: one field table
 * per record type and version drives strict parsing, canonical
 * serialization and signing, so the three can never disagree
 * (docs/protocol.md, "Records").  A record parses only if it is exactly
 * its published form: the parser re-serializes what it read and compares.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alot/record.h"
#include "encoding.h"

enum field_kind {
	K_UUID,     /* alot_uuid, canonical lowercase text */
	K_HASH,     /* 32 bytes, 64 lowercase hex digits */
	K_KEY_ID,   /* 8 bytes, 16 hex digits */
	K_SIG,      /* 64 bytes, 128 hex digits */
	K_U32,      /* uint32_t */
	K_U64,      /* uint64_t below 2^53 */
	K_RULE,     /* beacon rule: [a-z0-9:=+._-], 1..128 characters */
	K_BEACON,   /* 0..64 bytes of hex; aux = offset of its size_t length */
	K_TIME,     /* "YYYY-MM-DDTHH:MM:SS.ffffffZ" */
	K_LOT_TYPE, /* "known" or "mystery" */
	K_BOOL,     /* int, 0 or 1: true or false (a try's "accepted", the one boolean) */
	K_ATTEMPTS, /* alot_draw_result: the array of tries */
	K_PATH,     /* hashes; aux = offset of the size_t count */
	/* base64 of bytes kept as given; aux = offset of the size_t length; the cap is the kind's */
	K_B64_PULSE,  /* a beacon pulse document, at most ALOT_BEACON_PULSE_MAX bytes */
	K_B64_PROOF,  /* a tlog-proof, at most ALOT_LOG_PROOF_MAX bytes */
	K_B64_POLICY  /* a witness policy, at most ALOT_WITNESS_POLICY_MAX bytes */
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t offset;
	size_t aux;
};

/* The draw record's fields common to both versions. */
#define DRAW(f) offsetof(alot_draw_record, f)
#define DRAW_FIELDS \
	{ "room_id", K_UUID, DRAW(lot.room_id), 0 }, \
	{ "product_class_id", K_UUID, DRAW(lot.product_class_id), 0 }, \
	{ "funding_target_cents", K_U64, DRAW(lot.funding_target_cents), 0 }, \
	{ "total_tickets", K_U32, DRAW(lot.total_tickets), 0 }, \
	{ "entry_count", K_U32, DRAW(lot.entry_count), 0 }, \
	{ "ledger_root", K_HASH, DRAW(lot.ledger_root), 0 }, \
	{ "beacon_rule", K_RULE, DRAW(lot.beacon_rule), 0 }, \
	{ "beacon_value", K_BEACON, DRAW(lot.beacon_value), DRAW(lot.beacon_value_len) }, \
	{ "commitment", K_HASH, DRAW(commitment), 0 }, \
	{ "server_seed", K_HASH, DRAW(server_seed), 0 }, \
	{ "client_seed", K_HASH, DRAW(client_seed), 0 }, \
	{ "attempts", K_ATTEMPTS, DRAW(draw), 0 }, \
	{ "nonce", K_U32, DRAW(draw.nonce), 0 }, \
	{ "combined_seed", K_HASH, DRAW(combined_seed), 0 }, \
	{ "winning_ticket", K_U32, DRAW(draw.winning_ticket), 0 }, \
	{ "winner_entry_id", K_UUID, DRAW(winner.entry_id), 0 }, \
	{ "winner_user_id", K_UUID, DRAW(winner.user_id), 0 }, \
	{ "winner_tickets_start", K_U32, DRAW(winner.tickets_start), 0 }, \
	{ "winner_tickets_end", K_U32, DRAW(winner.tickets_end), 0 }, \
	{ "winner_leaf_index", K_U32, DRAW(winner_leaf_index), 0 }, \
	{ "winner_proof", K_PATH, DRAW(winner_proof), DRAW(winner_proof_len) }, \
	{ "committed_at", K_TIME, DRAW(committed_at), 0 }, \
	{ "funded_at", K_TIME, DRAW(funded_at), 0 }, \
	{ "drawn_at", K_TIME, DRAW(drawn_at), 0 }, \
	{ "key_id", K_KEY_ID, DRAW(key_id), 0 }, \
	{ "signature", K_SIG, DRAW(signature), 0 }

static const struct field draw_fields_v1[] = { DRAW_FIELDS };
#define DRAW_FIELDS_V2 \
	DRAW_FIELDS, \
	{ "deadline", K_TIME, DRAW(lot.deadline), 0 }, \
	{ "lot_type", K_LOT_TYPE, DRAW(lot.lot_type), 0 }, \
	{ "entry_bundles_hash", K_HASH, DRAW(lot.entry_bundles_hash), 0 }, \
	{ "frozen_at", K_TIME, DRAW(frozen_at), 0 }, \
	{ "freeze_record_hash", K_HASH, DRAW(freeze_record_hash), 0 }

static const struct field draw_fields_v2[] = { DRAW_FIELDS_V2 };
/* Version 2 under a beacon rule: what lets anyone check the beacon value (section 12). */
static const struct field draw_fields_v2_beacon[] = {
	DRAW_FIELDS_V2,
	{ "beacon_pulse", K_B64_PULSE, DRAW(beacon.pulse), DRAW(beacon.pulse_len) },
	{ "beacon_previous_pulse", K_B64_PULSE, DRAW(beacon.previous), DRAW(beacon.previous_len) },
	{ "freeze_log_proof", K_B64_PROOF, DRAW(beacon.log_proof), DRAW(beacon.log_proof_len) },
	{ "witness_policy", K_B64_POLICY, DRAW(beacon.policy), DRAW(beacon.policy_len) },
};

#define COMMIT(f) offsetof(alot_commitment_record, f)
#define COMMIT_FIELDS \
	{ "room_id", K_UUID, COMMIT(lot.room_id), 0 }, \
	{ "commitment", K_HASH, COMMIT(commitment), 0 }, \
	{ "beacon_rule", K_RULE, COMMIT(lot.beacon_rule), 0 }, \
	{ "committed_at", K_TIME, COMMIT(committed_at), 0 }, \
	{ "key_id", K_KEY_ID, COMMIT(key_id), 0 }, \
	{ "signature", K_SIG, COMMIT(signature), 0 }

static const struct field commitment_fields_v1[] = { COMMIT_FIELDS };
static const struct field commitment_fields_v2[] = {
	COMMIT_FIELDS,
	{ "product_class_id", K_UUID, COMMIT(lot.product_class_id), 0 },
	{ "funding_target_cents", K_U64, COMMIT(lot.funding_target_cents), 0 },
	{ "deadline", K_TIME, COMMIT(lot.deadline), 0 },
	{ "lot_type", K_LOT_TYPE, COMMIT(lot.lot_type), 0 },
	{ "entry_bundles_hash", K_HASH, COMMIT(lot.entry_bundles_hash), 0 },
};

#define FREEZE(f) offsetof(alot_freeze_record, f)
static const struct field freeze_fields_v2[] = {
	{ "room_id", K_UUID, FREEZE(lot.room_id), 0 },
	{ "product_class_id", K_UUID, FREEZE(lot.product_class_id), 0 },
	{ "funding_target_cents", K_U64, FREEZE(lot.funding_target_cents), 0 },
	{ "deadline", K_TIME, FREEZE(lot.deadline), 0 },
	{ "lot_type", K_LOT_TYPE, FREEZE(lot.lot_type), 0 },
	{ "entry_bundles_hash", K_HASH, FREEZE(lot.entry_bundles_hash), 0 },
	{ "beacon_rule", K_RULE, FREEZE(lot.beacon_rule), 0 },
	{ "commitment", K_HASH, FREEZE(commitment), 0 },
	{ "total_tickets", K_U32, FREEZE(lot.total_tickets), 0 },
	{ "entry_count", K_U32, FREEZE(lot.entry_count), 0 },
	{ "ledger_root", K_HASH, FREEZE(lot.ledger_root), 0 },
	{ "committed_at", K_TIME, FREEZE(committed_at), 0 },
	{ "funded_at", K_TIME, FREEZE(funded_at), 0 },
	{ "frozen_at", K_TIME, FREEZE(frozen_at), 0 },
	{ "key_id", K_KEY_ID, FREEZE(key_id), 0 },
	{ "signature", K_SIG, FREEZE(signature), 0 },
};

#define HEADER(f) offsetof(alot_ledger_header, f)
static const struct field ledger_header_fields[] = {
	{ "room_id", K_UUID, HEADER(room_id), 0 },
	{ "entry_count", K_U32, HEADER(entry_count), 0 },
	{ "total_tickets", K_U32, HEADER(total_tickets), 0 },
	{ "ledger_root", K_HASH, HEADER(ledger_root), 0 },
};

#define RANGE(f) offsetof(alot_ticket_range, f)
static const struct field ledger_line_fields[] = {
	{ "entry_id", K_UUID, RANGE(entry_id), 0 },
	{ "user_id", K_UUID, RANGE(user_id), 0 },
	{ "tickets_start", K_U32, RANGE(tickets_start), 0 },
	{ "tickets_end", K_U32, RANGE(tickets_end), 0 },
};

#define PROOF(f) offsetof(alot_inclusion_proof, f)
static const struct field proof_fields[] = {
	{ "room_id", K_UUID, PROOF(room_id), 0 },
	{ "ledger_root", K_HASH, PROOF(ledger_root), 0 },
	{ "entry_count", K_U32, PROOF(entry_count), 0 },
	{ "leaf_index", K_U32, PROOF(leaf_index), 0 },
	{ "entry_id", K_UUID, PROOF(entry.entry_id), 0 },
	{ "user_id", K_UUID, PROOF(entry.user_id), 0 },
	{ "tickets_start", K_U32, PROOF(entry.tickets_start), 0 },
	{ "tickets_end", K_U32, PROOF(entry.tickets_end), 0 },
	{ "audit_path", K_PATH, PROOF(path), PROOF(path_len) },
};

/*
 * One kind of JSON object.  Objects with a type carry "type" and
 * "version"; the version is stored as the uint32_t at version_at (the
 * lot's version of a record).
 */
struct record_kind {
	const char *type;            /* the "type" field; NULL: none (ledger lines, tries) */
	uint32_t version;
	const struct field *fields;
	size_t count;
	alot_record_type record;     /* for records */
	size_t version_at;
	int beacon;                  /* a draw record with the beacon fields (has_beacon) */
};

#define KIND(t, v, f, r, at) { t, v, f, sizeof(f) / sizeof(f[0]), r, at, 0 }
#define KIND_BEACON(t, v, f, r, at) { t, v, f, sizeof(f) / sizeof(f[0]), r, at, 1 }
#define LOT_VERSION(type) (offsetof(type, lot) + offsetof(alot_lot, version))
static const struct record_kind record_kinds[] = {
	KIND("alot.commitment", 1, commitment_fields_v1, ALOT_RECORD_COMMITMENT, LOT_VERSION(alot_commitment_record)),
	KIND("alot.commitment", 2, commitment_fields_v2, ALOT_RECORD_COMMITMENT, LOT_VERSION(alot_commitment_record)),
	KIND("alot.freeze", 2, freeze_fields_v2, ALOT_RECORD_FREEZE, LOT_VERSION(alot_freeze_record)),
	KIND("alot.draw", 1, draw_fields_v1, ALOT_RECORD_DRAW, LOT_VERSION(alot_draw_record)),
	KIND("alot.draw", 2, draw_fields_v2, ALOT_RECORD_DRAW, LOT_VERSION(alot_draw_record)),
	KIND_BEACON("alot.draw", 2, draw_fields_v2_beacon, ALOT_RECORD_DRAW, LOT_VERSION(alot_draw_record)),
};
static const struct record_kind header_kinds[] = {
	KIND("alot.ledger", 1, ledger_header_fields, 0, offsetof(alot_ledger_header, version)),
	KIND("alot.ledger", 2, ledger_header_fields, 0, offsetof(alot_ledger_header, version)),
};
static const struct record_kind proof_kinds[] = {
	KIND("alot.inclusion-proof", 1, proof_fields, 0, offsetof(alot_inclusion_proof, version)),
	KIND("alot.inclusion-proof", 2, proof_fields, 0, offsetof(alot_inclusion_proof, version)),
};
static const struct record_kind line_kind = KIND(NULL, 0, ledger_line_fields, 0, 0);
#define NKINDS(a) (sizeof(a) / sizeof(a[0]))

#define AT(base, off, type) ((type *)((char *)(base) + (off)))
#define CAT(base, off, type) ((const type *)((const char *)(base) + (off)))
typedef unsigned char hash_t[ALOT_HASH_LEN];

/* ---- timestamps ---------------------------------------------------- */

static int
digits(const char *s, int n, int *value)
{
	int i;

	*value = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*value = *value * 10 + (s[i] - '0');
	}
	return 1;
}

alot_code
alot_timestamp_check(const char *t, alot_error *err)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, s, frac;

	if (strlen(t) != ALOT_TIMESTAMP_LEN || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
	    t[13] != ':' || t[16] != ':' || t[19] != '.' || t[26] != 'Z' ||
	    !digits(t, 4, &y) || !digits(t + 5, 2, &mo) || !digits(t + 8, 2, &d) ||
	    !digits(t + 11, 2, &h) || !digits(t + 14, 2, &mi) || !digits(t + 17, 2, &s) ||
	    !digits(t + 20, 6, &frac))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "\"%.40s\" is not a UTC timestamp of the form 2026-01-31T23:59:59.000000Z", t);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || s > 59 ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return alot_error_set(err, ALOT_ERR_INVALID, "\"%s\" is not a valid date and time", t);
	return ALOT_OK;
}

/* ---- parsing ------------------------------------------------------- */

static alot_code
parse_hex_string(json_t *v, unsigned char *out, size_t len, const char *name, alot_error *err)
{
	alot_error inner;

	if (!json_is_string(v))
		return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be a string", name);
	if (alot_hex_decode(json_string_value(v), out, len, &inner) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\": %s", name, inner.message);
	return ALOT_OK;
}

static alot_code
parse_uint(json_t *v, uint64_t max, uint64_t *out, const char *name, alot_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "field \"%s\" must be an integer from 0 to %llu", name,
		                      (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return ALOT_OK;
}

static alot_code
parse_rule(json_t *v, char *out, const char *name, alot_error *err)
{
	const char *s = json_string_value(v);
	size_t i, len = s ? strlen(s) : 0;

	if (s == NULL || len == 0 || len > ALOT_BEACON_RULE_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "field \"%s\" must be a string of 1 to %d characters", name,
		                      ALOT_BEACON_RULE_MAX);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr(":=+._-", s[i]) != NULL))
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "field \"%s\" may hold only a-z, 0-9 and :=+._-", name);
	memcpy(out, s, len + 1);
	return ALOT_OK;
}

static alot_code
parse_beacon(json_t *v, unsigned char *out, size_t *len, const char *name, alot_error *err)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;

	if (s == NULL || n % 2 != 0 || n > 2 * ALOT_BEACON_VALUE_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "field \"%s\" must be hex of at most %d bytes", name,
		                      ALOT_BEACON_VALUE_MAX);
	*len = n / 2;
	return n == 0 ? ALOT_OK : parse_hex_string(v, out, n / 2, name, err);
}

static alot_code
parse_path(json_t *v, unsigned char (*out)[ALOT_HASH_LEN], size_t *len, const char *name,
           alot_error *err)
{
	size_t i;
	alot_code rc;

	if (!json_is_array(v) || json_array_size(v) > ALOT_MAX_PROOF_LEN)
		return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be an array of at most %d hashes",
		                      name, ALOT_MAX_PROOF_LEN);
	*len = json_array_size(v);
	for (i = 0; i < *len; i++)
		if ((rc = parse_hex_string(json_array_get(v, i), out[i], ALOT_HASH_LEN, name, err)) != ALOT_OK)
			return rc;
	return ALOT_OK;
}

static size_t
b64_cap(enum field_kind kind)
{
	switch (kind) {
	case K_B64_PULSE: return ALOT_BEACON_PULSE_MAX;
	case K_B64_PROOF: return ALOT_LOG_PROOF_MAX;
	case K_B64_POLICY: return ALOT_WITNESS_POLICY_MAX;
	default: return 0;
	}
}

/* Strict base64 of 1..cap bytes. */
static alot_code
parse_b64(json_t *v, const struct field *f, void *base, alot_error *err)
{
	const char *s = json_string_value(v);
	size_t cap = b64_cap(f->kind);
	alot_error inner;

	if (s == NULL || strlen(s) == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be a non-empty base64 string",
		                      f->name);
	if (alot_base64_decode(s, strlen(s), AT(base, f->offset, unsigned char), cap,
	                       AT(base, f->aux, size_t), &inner) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be base64 of at most %zu bytes: %s",
		                      f->name, cap, inner.message);
	return ALOT_OK;
}

static alot_code parse_fields(json_t *obj, const struct record_kind *kind, void *base,
                              alot_error *err);

/* One try: {"accepted", "combined_seed", "nonce", "value"}. */
#define ATTEMPT(f) offsetof(alot_attempt, f)
static const struct field attempt_fields[] = {
	{ "accepted", K_BOOL, ATTEMPT(accepted), 0 },
	{ "combined_seed", K_HASH, ATTEMPT(combined_seed), 0 },
	{ "nonce", K_U32, ATTEMPT(nonce), 0 },
	{ "value", K_U32, ATTEMPT(value), 0 },
};
static const struct record_kind attempt_kind = KIND(NULL, 0, attempt_fields, 0, 0);

static alot_code
parse_attempts(json_t *v, alot_draw_result *out, alot_error *err)
{
	size_t i;
	alot_code rc;

	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > ALOT_MAX_NONCE + 1)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "field \"attempts\" must be an array of 1 to %u tries",
		                      ALOT_MAX_NONCE + 1);
	out->attempt_count = json_array_size(v);
	for (i = 0; i < out->attempt_count; i++) {
		json_t *a = json_array_get(v, i);

		if (!json_is_object(a))
			return alot_error_set(err, ALOT_ERR_INVALID, "attempt %zu must be an object", i);
		if ((rc = parse_fields(a, &attempt_kind, &out->attempts[i], err)) != ALOT_OK) {
			alot_error_prefix(err, "attempt %zu", i);
			return rc;
		}
	}
	return ALOT_OK;
}

static alot_code
parse_field(json_t *v, const struct field *f, void *base, alot_error *err)
{
	uint64_t u;
	alot_code rc;

	switch (f->kind) {
	case K_UUID:
		if (!json_is_string(v) || alot_uuid_parse(json_string_value(v), AT(base, f->offset, alot_uuid), NULL) != ALOT_OK)
			return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be a lowercase canonical UUID", f->name);
		return ALOT_OK;
	case K_HASH:
		return parse_hex_string(v, AT(base, f->offset, unsigned char), ALOT_HASH_LEN, f->name, err);
	case K_KEY_ID:
		return parse_hex_string(v, AT(base, f->offset, unsigned char), ALOT_KEY_ID_LEN, f->name, err);
	case K_SIG:
		return parse_hex_string(v, AT(base, f->offset, unsigned char), ALOT_SIG_LEN, f->name, err);
	case K_U32:
		if ((rc = parse_uint(v, UINT32_MAX, &u, f->name, err)) == ALOT_OK)
			*AT(base, f->offset, uint32_t) = (uint32_t)u;
		return rc;
	case K_U64:
		return parse_uint(v, (UINT64_C(1) << 53) - 1, AT(base, f->offset, uint64_t), f->name, err);
	case K_RULE:
		return parse_rule(v, AT(base, f->offset, char), f->name, err);
	case K_BEACON:
		return parse_beacon(v, AT(base, f->offset, unsigned char), AT(base, f->aux, size_t), f->name, err);
	case K_TIME:
		if (!json_is_string(v) || alot_timestamp_check(json_string_value(v), NULL) != ALOT_OK)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "field \"%s\" must be a UTC timestamp like 2026-01-31T23:59:59.000000Z", f->name);
		memcpy(AT(base, f->offset, char), json_string_value(v), ALOT_TIMESTAMP_LEN + 1);
		return ALOT_OK;
	case K_LOT_TYPE:
		if (!json_is_string(v) || !alot_lot_type_known(json_string_value(v)))
			return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be \"known\" or \"mystery\"", f->name);
		snprintf(AT(base, f->offset, char), ALOT_LOT_TYPE_MAX + 1, "%s", json_string_value(v));
		return ALOT_OK;
	case K_BOOL:
		if (!json_is_boolean(v))
			return alot_error_set(err, ALOT_ERR_INVALID, "field \"%s\" must be true or false", f->name);
		*AT(base, f->offset, int) = json_is_true(v);
		return ALOT_OK;
	case K_ATTEMPTS:
		return parse_attempts(v, AT(base, f->offset, alot_draw_result), err);
	case K_PATH:
		return parse_path(v, AT(base, f->offset, hash_t), AT(base, f->aux, size_t), f->name, err);
	case K_B64_PULSE:
	case K_B64_PROOF:
	case K_B64_POLICY:
		return parse_b64(v, f, base, err);
	}
	return alot_error_set(err, ALOT_ERR_INTERNAL, "unknown field kind");
}

static const struct field *
find_field(const struct record_kind *kind, const char *name)
{
	size_t i;

	for (i = 0; i < kind->count; i++)
		if (strcmp(kind->fields[i].name, name) == 0)
			return &kind->fields[i];
	return NULL;
}

/* Every key known, every field present and well-formed. */
static alot_code
parse_fields(json_t *obj, const struct record_kind *kind, void *base, alot_error *err)
{
	const char *key;
	json_t *v;
	size_t i;
	alot_code rc;

	json_object_foreach(obj, key, v) {
		if (kind->type != NULL && (strcmp(key, "type") == 0 || strcmp(key, "version") == 0))
			continue;
		if (find_field(kind, key) == NULL)
			return alot_error_set(err, ALOT_ERR_INVALID, "unknown field \"%.64s\"", key);
	}
	for (i = 0; i < kind->count; i++) {
		v = json_object_get(obj, kind->fields[i].name);
		if (v == NULL)
			return alot_error_set(err, ALOT_ERR_INVALID, "missing field \"%s\"", kind->fields[i].name);
		if ((rc = parse_field(v, &kind->fields[i], base, err)) != ALOT_OK)
			return rc;
	}
	return ALOT_OK;
}

/* Load len bytes of JSON text as one object, strictly. */
static alot_code
load_object(const char *text, size_t len, size_t max, json_t **out, alot_error *err)
{
	json_error_t jerr;

	*out = NULL;
	if (len > max)
		return alot_error_set(err, ALOT_ERR_INVALID, "input of %zu bytes is over the limit of %zu",
		                      len, max);
	*out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*out == NULL)
		return alot_error_set(err, ALOT_ERR_INVALID, "malformed JSON at line %d, column %d: %s",
		                      jerr.line, jerr.column, jerr.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return alot_error_set(err, ALOT_ERR_INVALID, "a record must be a JSON object");
	}
	return ALOT_OK;
}

static alot_code dump_kind(const struct record_kind *kind, const void *base, int with_signature,
                           char **text, alot_error *err);

/*
 * The kind among kinds (all of one type, or all records) that obj's
 * "type" and "version" name; NULL with err set when there is none.
 */
static const struct record_kind *
find_kind(json_t *obj, const struct record_kind *kinds, size_t n, alot_error *err)
{
	const char *type = json_string_value(json_object_get(obj, "type"));
	json_t *v = json_object_get(obj, "version");
	int type_known = 0;
	size_t i;

	if (type == NULL) {
		alot_error_set(err, ALOT_ERR_INVALID, "missing field \"type\"");
		return NULL;
	}
	/*
	 * A draw with "beacon_pulse" is read as one with every beacon field;
	 * any other kind that has it then fails as an unknown field.
	 */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			if (strcmp(kinds[i].type, type) != 0)
				continue;
			type_known = 1;
			if (pass == 0 && kinds[i].beacon != (json_object_get(obj, "beacon_pulse") != NULL))
				continue;
			if (json_is_integer(v) && json_integer_value(v) == (json_int_t)kinds[i].version)
				return &kinds[i];
		}
	if (!type_known)
		alot_error_set(err, ALOT_ERR_INVALID, "field \"type\" must be %s",
		               n == NKINDS(record_kinds) ? "\"alot.commitment\", \"alot.freeze\" or \"alot.draw\""
		                                         : kinds[0].type);
	else if (v == NULL)
		alot_error_set(err, ALOT_ERR_INVALID, "missing field \"version\"");
	else
		alot_error_set(err, ALOT_ERR_INVALID,
		               "unsupported protocol version of \"%s\": this verifier knows %s", type,
		               strcmp(type, "alot.freeze") == 0 ? "version 2" : "versions 1 and 2");
	return NULL;
}

/*
 * The bytes read must be exactly what this kind serializes from the
 * values read: that rules out every other spelling of the same values
 * (whitespace, key order, escapes, "-0", "1e2", a NUL after a number ...).
 */
static alot_code
check_published_form(const struct record_kind *kind, const void *base, const char *text,
                     size_t len, alot_error *err)
{
	char *own = NULL;
	alot_code rc;

	if ((rc = dump_kind(kind, base, 1, &own, err)) != ALOT_OK)
		return rc;
	if (strlen(own) != len || memcmp(own, text, len) != 0)
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "not in published form: keys sorted, no whitespace, numbers without sign, "
		                    "fraction, exponent or leading zeros, no escapes");
	free(own);
	return rc;
}

/* Parse obj as kind into base (zeroed, size bytes), then check the form. */
static alot_code
parse_as(json_t *obj, const struct record_kind *kind, void *base, size_t size, const char *text,
         size_t len, alot_error *err)
{
	alot_code rc;

	memset(base, 0, size);
	if (kind->type != NULL)
		*(uint32_t *)((char *)base + kind->version_at) = kind->version;
	if (kind->beacon)
		((alot_draw_record *)base)->has_beacon = 1;
	if ((rc = parse_fields(obj, kind, base, err)) != ALOT_OK)
		return rc;
	return check_published_form(kind, base, text, len, err);
}

/* Load and parse one object of one of kinds (or of the untyped kind). */
static alot_code
parse_kinds(const char *text, size_t len, size_t max, const struct record_kind *kinds, size_t n,
            void *base, size_t size, alot_error *err)
{
	const struct record_kind *kind = kinds;
	json_t *obj;
	alot_code rc;

	memset(base, 0, size);
	if ((rc = load_object(text, len, max, &obj, err)) != ALOT_OK)
		return rc;
	if (kinds->type != NULL && (kind = find_kind(obj, kinds, n, err)) == NULL)
		rc = ALOT_ERR_INVALID;
	else
		rc = parse_as(obj, kind, base, size, text, len, err);
	json_decref(obj);
	return rc;
}

alot_code
alot_record_parse(const char *text, size_t len, alot_record *out, alot_error *err)
{
	const struct record_kind *kind;
	json_t *obj;
	void *base;
	size_t size;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_object(text, len, ALOT_RECORD_MAX, &obj, err)) != ALOT_OK)
		return rc;
	if ((kind = find_kind(obj, record_kinds, NKINDS(record_kinds), err)) == NULL) {
		json_decref(obj);
		return ALOT_ERR_INVALID;
	}
	out->type = kind->record;
	switch (kind->record) {
	case ALOT_RECORD_COMMITMENT: base = &out->u.commitment; size = sizeof(out->u.commitment); break;
	case ALOT_RECORD_FREEZE: base = &out->u.freeze; size = sizeof(out->u.freeze); break;
	default: base = &out->u.draw; size = sizeof(out->u.draw); break;
	}
	rc = parse_as(obj, kind, base, size, text, len, err);
	json_decref(obj);
	return rc;
}

const alot_lot *
alot_record_lot(const alot_record *rec)
{
	switch (rec->type) {
	case ALOT_RECORD_COMMITMENT: return &rec->u.commitment.lot;
	case ALOT_RECORD_FREEZE: return &rec->u.freeze.lot;
	case ALOT_RECORD_DRAW: break;
	}
	return &rec->u.draw.lot;
}

const char *
alot_record_type_name(alot_record_type type)
{
	switch (type) {
	case ALOT_RECORD_COMMITMENT: return "commitment";
	case ALOT_RECORD_FREEZE: return "freeze";
	case ALOT_RECORD_DRAW: break;
	}
	return "draw";
}

alot_code
alot_ledger_header_parse(const char *text, size_t len, alot_ledger_header *out, alot_error *err)
{
	return parse_kinds(text, len, ALOT_LEDGER_LINE_MAX, header_kinds, NKINDS(header_kinds), out,
	                   sizeof(*out), err);
}

alot_code
alot_ledger_line_parse(const char *text, size_t len, alot_ticket_range *out, alot_error *err)
{
	return parse_kinds(text, len, ALOT_LEDGER_LINE_MAX, &line_kind, 1, out, sizeof(*out), err);
}

alot_code
alot_inclusion_proof_parse(const char *text, size_t len, alot_inclusion_proof *out,
                           alot_error *err)
{
	return parse_kinds(text, len, ALOT_RECORD_MAX, proof_kinds, NKINDS(proof_kinds), out,
	                   sizeof(*out), err);
}

/* ---- serialization ------------------------------------------------- */

/*
 * The canonical writer: a kind's fields straight from the struct to text,
 * keys sorted bytewise, no whitespace, as jansson's JSON_COMPACT |
 * JSON_SORT_KEYS would print them (the form docs/protocol.md specifies),
 * without building a JSON tree.  It runs twice over a record: counting
 * (w->p NULL), then writing into one block of exactly that size, which is
 * never reallocated, so a draw record's seed is never left behind in a
 * freed block.  Verification serializes each record twice (its published
 * form, its signed message); this is most of what it costs besides the
 * signature check (bench/README.md).
 */
struct writer {
	char *p;    /* NULL while counting */
	size_t n;   /* bytes so far */
	int failed; /* a value no record can hold (base64 over its cap) */
};

static void
put(struct writer *w, const char *s, size_t len)
{
	if (w->p != NULL)
		memcpy(w->p + w->n, s, len);
	w->n += len;
}

static void
put_str(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* A JSON string, escaped as jansson escapes (our values never need it). */
static void
put_quoted(struct writer *w, const char *s, size_t len)
{
	static const char hexdigits[] = "0123456789abcdef";
	size_t i, run = 0;

	put(w, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hexdigits[c >> 4], hexdigits[c & 15] };

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			put(w, esc, 2);
		} else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
			esc[1] = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			put(w, esc, 2);
		} else
			put(w, esc, 6);
	}
	put(w, s + run, len - run);
	put(w, "\"", 1);
}

static void
put_hex(struct writer *w, const unsigned char *p, size_t len)
{
	char buf[2 * ALOT_SIG_LEN + 1];

	alot_hex_encode(p, len, buf);
	put_quoted(w, buf, 2 * len);
}

static void
put_uint(struct writer *w, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);

	put(w, buf, (size_t)n);
}

static void
put_b64(struct writer *w, const unsigned char *p, size_t len, size_t cap)
{
	char *text = NULL;

	if (len > cap) {
		w->failed = 1;
		return;
	}
	if (w->p == NULL) { /* counting: the length of base64 with padding */
		w->n += 2 + 4 * ((len + 2) / 3);
		return;
	}
	if (alot_base64_encode(p, len, &text, NULL) != ALOT_OK) {
		w->failed = 1;
		return;
	}
	put_quoted(w, text, strlen(text));
	free(text);
}

static void put_object(struct writer *w, const struct record_kind *kind, const void *base, int with_signature);

static void
put_attempts(struct writer *w, const alot_draw_result *d)
{
	size_t i;

	put(w, "[", 1);
	for (i = 0; i < d->attempt_count && i <= ALOT_MAX_NONCE; i++) {
		if (i > 0)
			put(w, ",", 1);
		put_object(w, &attempt_kind, &d->attempts[i], 1);
	}
	put(w, "]", 1);
}

static void
put_path(struct writer *w, const unsigned char (*path)[ALOT_HASH_LEN], size_t len)
{
	size_t i;

	put(w, "[", 1);
	for (i = 0; i < len && i < ALOT_MAX_PROOF_LEN; i++) {
		if (i > 0)
			put(w, ",", 1);
		put_hex(w, path[i], ALOT_HASH_LEN);
	}
	put(w, "]", 1);
}

static void
put_field(struct writer *w, const struct field *f, const void *base)
{
	char uuid[ALOT_UUID_STRLEN];
	const char *text;
	size_t len;

	switch (f->kind) {
	case K_UUID:
		alot_uuid_format(CAT(base, f->offset, alot_uuid), uuid);
		put_quoted(w, uuid, strlen(uuid));
		return;
	case K_HASH:
		put_hex(w, CAT(base, f->offset, unsigned char), ALOT_HASH_LEN);
		return;
	case K_KEY_ID:
		put_hex(w, CAT(base, f->offset, unsigned char), ALOT_KEY_ID_LEN);
		return;
	case K_SIG:
		put_hex(w, CAT(base, f->offset, unsigned char), ALOT_SIG_LEN);
		return;
	case K_U32:
		put_uint(w, *CAT(base, f->offset, uint32_t));
		return;
	case K_U64:
		put_uint(w, *CAT(base, f->offset, uint64_t));
		return;
	case K_RULE:
	case K_TIME:
	case K_LOT_TYPE:
		text = CAT(base, f->offset, char);
		put_quoted(w, text, strlen(text));
		return;
	case K_BEACON:
		len = *CAT(base, f->aux, size_t);
		put_hex(w, CAT(base, f->offset, unsigned char), len <= ALOT_BEACON_VALUE_MAX ? len : 0);
		return;
	case K_BOOL:
		put_str(w, *CAT(base, f->offset, int) ? "true" : "false");
		return;
	case K_ATTEMPTS:
		put_attempts(w, CAT(base, f->offset, alot_draw_result));
		return;
	case K_PATH:
		put_path(w, CAT(base, f->offset, hash_t), *CAT(base, f->aux, size_t));
		return;
	case K_B64_PULSE:
	case K_B64_PROOF:
	case K_B64_POLICY:
		put_b64(w, CAT(base, f->offset, unsigned char), *CAT(base, f->aux, size_t), b64_cap(f->kind));
		return;
	}
}

/* One key of an object: a field, or (f NULL) "type" or "version". */
struct key {
	const char *name;
	const struct field *f;
};

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->name, ((const struct key *)b)->name);
}

/* The object: its members, sorted by key. */
static void
put_object(struct writer *w, const struct record_kind *kind, const void *base, int with_signature)
{
	struct key keys[64];
	size_t n = 0, i;

	if (kind->type != NULL) {
		keys[n++] = (struct key){ "type", NULL };
		keys[n++] = (struct key){ "version", NULL };
	}
	for (i = 0; i < kind->count && n < sizeof(keys) / sizeof(keys[0]); i++)
		if (with_signature || kind->fields[i].kind != K_SIG)
			keys[n++] = (struct key){ kind->fields[i].name, &kind->fields[i] };
	qsort(keys, n, sizeof(keys[0]), key_cmp);
	put(w, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put(w, ",", 1);
		put_quoted(w, keys[i].name, strlen(keys[i].name));
		put(w, ":", 1);
		if (keys[i].f != NULL)
			put_field(w, keys[i].f, base);
		else if (strcmp(keys[i].name, "type") == 0)
			put_quoted(w, kind->type, strlen(kind->type));
		else
			put_uint(w, kind->version);
	}
	put(w, "}", 1);
}

/* Canonical text into *text (malloc()ed, the caller's). */
static alot_code
dump_kind(const struct record_kind *kind, const void *base, int with_signature, char **text,
          alot_error *err)
{
	struct writer w = { NULL, 0, 0 };

	*text = NULL;
	put_object(&w, kind, base, with_signature);
	if (w.failed)
		return alot_error_set(err, ALOT_ERR_INVALID, "a record's base64 field is longer than its limit");
	if ((w.p = malloc(w.n + 1)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory serializing a record");
	w.n = 0;
	put_object(&w, kind, base, with_signature);
	if (w.failed) {
		free(w.p);
		return alot_error_set(err, ALOT_ERR_INVALID, "a record's base64 field is longer than its limit");
	}
	w.p[w.n] = '\0';
	*text = w.p;
	return ALOT_OK;
}

/* The kind of a record of type t and the given version (1 when not 2). */
static const struct record_kind *
kind_of(alot_record_type t, uint32_t version, int beacon)
{
	size_t i;

	for (i = 0; i < NKINDS(record_kinds); i++)
		if (record_kinds[i].record == t && record_kinds[i].version == version &&
		    record_kinds[i].beacon == beacon)
			return &record_kinds[i];
	for (i = 0; i < NKINDS(record_kinds); i++)
		if (record_kinds[i].record == t && record_kinds[i].version == version)
			return &record_kinds[i];
	for (i = 0; i < NKINDS(record_kinds); i++)
		if (record_kinds[i].record == t)
			return &record_kinds[i]; /* version 1, or a freeze's only version */
	return &record_kinds[0];
}

#define VERSION_OF(lot) ((lot).version == ALOT_PROTOCOL_V2 ? ALOT_PROTOCOL_V2 : ALOT_PROTOCOL_V1)
#define COMMITMENT_KIND(rec) kind_of(ALOT_RECORD_COMMITMENT, VERSION_OF((rec)->lot), 0)
#define FREEZE_KIND(rec) kind_of(ALOT_RECORD_FREEZE, ALOT_PROTOCOL_V2, 0)
#define DRAW_KIND(rec) kind_of(ALOT_RECORD_DRAW, VERSION_OF((rec)->lot), (rec)->has_beacon != 0)

alot_code
alot_commitment_record_json(const alot_commitment_record *rec, char **text, alot_error *err)
{
	return dump_kind(COMMITMENT_KIND(rec), rec, 1, text, err);
}

alot_code
alot_freeze_record_json(const alot_freeze_record *rec, char **text, alot_error *err)
{
	return dump_kind(FREEZE_KIND(rec), rec, 1, text, err);
}

alot_code
alot_draw_record_json(const alot_draw_record *rec, char **text, alot_error *err)
{
	return dump_kind(DRAW_KIND(rec), rec, 1, text, err);
}

alot_code
alot_commitment_record_canonical(const alot_commitment_record *rec, char **text, alot_error *err)
{
	return dump_kind(COMMITMENT_KIND(rec), rec, 0, text, err);
}

alot_code
alot_freeze_record_canonical(const alot_freeze_record *rec, char **text, alot_error *err)
{
	return dump_kind(FREEZE_KIND(rec), rec, 0, text, err);
}

alot_code
alot_draw_record_canonical(const alot_draw_record *rec, char **text, alot_error *err)
{
	return dump_kind(DRAW_KIND(rec), rec, 0, text, err);
}

alot_code
alot_ledger_header_json(const alot_draw_record *rec, char **text, alot_error *err)
{
	alot_ledger_header h;

	h.version = VERSION_OF(rec->lot);
	h.room_id = rec->lot.room_id;
	h.entry_count = rec->lot.entry_count;
	h.total_tickets = rec->lot.total_tickets;
	memcpy(h.ledger_root, rec->lot.ledger_root, ALOT_HASH_LEN);
	return dump_kind(&header_kinds[h.version - 1], &h, 1, text, err);
}

alot_code
alot_ledger_line_json(const alot_ticket_range *range, char **text, alot_error *err)
{
	return dump_kind(&line_kind, range, 1, text, err);
}

alot_code
alot_inclusion_proof_json(const alot_inclusion_proof *proof, char **text, alot_error *err)
{
	uint32_t v = proof->version == ALOT_PROTOCOL_V2 ? ALOT_PROTOCOL_V2 : ALOT_PROTOCOL_V1;

	return dump_kind(&proof_kinds[v - 1], proof, 1, text, err);
}

/* ---- memory that held a secret --------------------------------------- */

/*
 * jansson's strings and buffers hold a draw record's seed while it is
 * built and signed, and jansson frees them itself: with these allocators
 * each block is wiped as it is freed.  Each block carries its size in a
 * header of max_align_t, so that the alignment malloc() gives is kept.
 */
static void *
wiping_malloc(size_t size)
{
	unsigned char *block;

	if (size > SIZE_MAX - sizeof(max_align_t) || (block = malloc(sizeof(max_align_t) + size)) == NULL)
		return NULL;
	memcpy(block, &size, sizeof(size));
	return block + sizeof(max_align_t);
}

static void
wiping_free(void *p)
{
	unsigned char *block;
	size_t size;

	if (p == NULL)
		return;
	block = (unsigned char *)p - sizeof(max_align_t);
	memcpy(&size, block, sizeof(size));
	alot_wipe(p, size);
	free(block);
}

void
alot_json_wipe_on_free(void)
{
	json_set_alloc_funcs(wiping_malloc, wiping_free);
}

char *
Alot_json_dumps(const struct json_t *v, size_t flags)
{
	json_malloc_t unused;
	json_free_t jfree;
	char *j = json_dumps(v, flags), *text = NULL;
	size_t len;

	/* Whatever allocators jansson has, the caller gets plain malloc() memory. */
	if (j == NULL)
		return NULL;
	len = strlen(j);
	if ((text = malloc(len + 1)) != NULL)
		memcpy(text, j, len + 1);
	json_get_alloc_funcs(&unused, &jfree);
	jfree(j);
	return text;
}

/* ---- signing ------------------------------------------------------- */

/* LP(tag) || text, as one buffer.  Caller frees *msg. */
static alot_code
tagged_message(const char *tag, const char *text, size_t tlen, unsigned char **msg, size_t *len,
               alot_error *err)
{
	*len = 4 + strlen(tag) + tlen;
	if ((*msg = malloc(*len)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	memcpy(*msg + Alot_put_lp_str(*msg, 0, tag), text, tlen);
	return ALOT_OK;
}

const char *
Alot_signature_tag(uint32_t version)
{
	return version == ALOT_PROTOCOL_V2 ? ALOT_TAG2_SIGNATURE : ALOT_TAG_SIGNATURE;
}

void
alot_record_hash(const char *published, size_t len, unsigned char out[ALOT_HASH_LEN])
{
	unsigned char *msg;
	size_t mlen;

	if (tagged_message(ALOT_TAG2_RECORD, published, len, &msg, &mlen, NULL) != ALOT_OK) {
		memset(out, 0, ALOT_HASH_LEN); /* out of memory: a hash that names nothing */
		return;
	}
	alot_sha256(msg, mlen, out);
	free(msg);
}

static alot_code
sign_kind(const struct record_kind *kind, void *rec, unsigned char *key_id,
          unsigned char *signature, const alot_signing_key *key, char **text, alot_error *err)
{
	alot_public_key pub;
	char *canonical = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;
	alot_code rc;

	*text = NULL;
	alot_signing_key_public(key, &pub);
	memcpy(key_id, pub.key_id, ALOT_KEY_ID_LEN);
	if ((rc = dump_kind(kind, rec, 0, &canonical, err)) != ALOT_OK ||
	    (rc = tagged_message(Alot_signature_tag(kind->version), canonical, strlen(canonical),
	                         &msg, &len, err)) != ALOT_OK ||
	    (rc = alot_sign(key, msg, len, signature, err)) != ALOT_OK)
		goto out;
	rc = dump_kind(kind, rec, 1, text, err);
out:
	/* A draw record's text holds its seed, secret until the draw is committed. */
	if (canonical != NULL)
		alot_wipe(canonical, strlen(canonical));
	if (msg != NULL)
		alot_wipe(msg, len);
	free(canonical);
	free(msg);
	return rc;
}

alot_code
alot_commitment_record_sign(alot_commitment_record *rec, const alot_signing_key *key,
                            char **text, alot_error *err)
{
	return sign_kind(COMMITMENT_KIND(rec), rec, rec->key_id, rec->signature, key, text, err);
}

alot_code
alot_freeze_record_sign(alot_freeze_record *rec, const alot_signing_key *key, char **text,
                        alot_error *err)
{
	return sign_kind(FREEZE_KIND(rec), rec, rec->key_id, rec->signature, key, text, err);
}

alot_code
alot_draw_record_sign(alot_draw_record *rec, const alot_signing_key *key, char **text,
                      alot_error *err)
{
	return sign_kind(DRAW_KIND(rec), rec, rec->key_id, rec->signature, key, text, err);
}

/* ---- computing a draw ---------------------------------------------- */

/* Index of the range holding ticket (ledger sorted and covering 1..N). */
static size_t
find_ticket(const alot_ticket_range *ledger, size_t n, uint32_t ticket)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ledger[mid].tickets_start <= ticket)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The leaf hashes of a ledger in ticket order, after checking that it
 * covers 1..N with no entry id twice; N into *total.  *leaves is malloc'd.
 */
static alot_code
ledger_leaves(const alot_ticket_range *ledger, size_t n, unsigned char (**leaves)[ALOT_HASH_LEN],
              uint32_t *total, alot_error *err)
{
	alot_coverage cov = ALOT_COVERAGE_INIT;
	alot_uuid *ids = NULL, dup;
	char id[ALOT_UUID_STRLEN];
	size_t i;
	alot_code rc = ALOT_OK;

	*leaves = NULL;
	if (n == 0 || n > ALOT_MAX_TICKETS)
		return alot_error_set(err, ALOT_ERR_VERIFY, "the room has %zu entries: nothing to draw", n);
	if ((*leaves = malloc(n * sizeof(**leaves))) == NULL || (ids = malloc(n * sizeof(*ids))) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory for %zu ledger entries", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((rc = alot_coverage_add(&cov, &ledger[i], err)) != ALOT_OK)
			goto out;
		alot_merkle_leaf_hash(&ledger[i], (*leaves)[i]);
		ids[i] = ledger[i].entry_id;
	}
	if ((rc = alot_coverage_finish(&cov, total, err)) != ALOT_OK)
		goto out;
	if (Alot_repeated_uuid(ids, n, &dup)) {
		alot_uuid_format(&dup, id);
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "entry id %s appears more than once in the ledger", id);
	}
out:
	free(ids);
	if (rc != ALOT_OK) {
		free(*leaves);
		*leaves = NULL;
	}
	return rc;
}

alot_code
alot_freeze_record_compute(alot_freeze_record *rec, const alot_ticket_range *ledger, size_t n,
                           alot_error *err)
{
	unsigned char (*leaves)[ALOT_HASH_LEN];
	alot_code rc = ledger_leaves(ledger, n, &leaves, &rec->lot.total_tickets, err);

	if (rc != ALOT_OK)
		return rc;
	rec->lot.entry_count = (uint32_t)n;
	alot_merkle_root((const unsigned char (*)[ALOT_HASH_LEN])leaves, n, rec->lot.ledger_root);
	free(leaves);
	return ALOT_OK;
}

alot_code
alot_draw_record_compute(alot_draw_record *rec, const unsigned char server_seed[ALOT_SEED_LEN],
                         const alot_ticket_range *ledger, size_t n, alot_error *err)
{
	unsigned char (*leaves)[ALOT_HASH_LEN] = NULL;
	size_t w;
	alot_code rc;

	if ((rc = ledger_leaves(ledger, n, &leaves, &rec->lot.total_tickets, err)) != ALOT_OK)
		return rc;
	rec->lot.entry_count = (uint32_t)n;
	alot_merkle_root((const unsigned char (*)[ALOT_HASH_LEN])leaves, n, rec->lot.ledger_root);
	memcpy(rec->server_seed, server_seed, ALOT_SEED_LEN);
	alot_lot_commitment(&rec->lot, server_seed, rec->commitment);
	alot_client_seed(&rec->lot, rec->client_seed);
	if ((rc = alot_draw_ticket(VERSION_OF(rec->lot), server_seed, rec->client_seed,
	                           rec->lot.total_tickets, &rec->draw, err)) != ALOT_OK)
		goto out;
	memcpy(rec->combined_seed, rec->draw.attempts[rec->draw.nonce].combined_seed, ALOT_HASH_LEN);
	w = find_ticket(ledger, n, rec->draw.winning_ticket);
	rec->winner = ledger[w];
	rec->winner_leaf_index = (uint32_t)w;
	rc = alot_merkle_proof((const unsigned char (*)[ALOT_HASH_LEN])leaves, n, w,
	                       rec->winner_proof, &rec->winner_proof_len, err);
out:
	free(leaves);
	return rc;
}

alot_code
alot_inclusion_proof_make(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n,
                          size_t index, alot_inclusion_proof *out, alot_error *err)
{
	unsigned char (*leaves)[ALOT_HASH_LEN];
	size_t i;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (index >= n)
		return alot_error_set(err, ALOT_ERR_INVALID, "entry index %zu is outside the ledger", index);
	if ((leaves = malloc(n * sizeof(*leaves))) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory for %zu ledger entries", n);
	for (i = 0; i < n; i++)
		alot_merkle_leaf_hash(&ledger[i], leaves[i]);
	out->version = VERSION_OF(rec->lot);
	out->room_id = rec->lot.room_id;
	memcpy(out->ledger_root, rec->lot.ledger_root, ALOT_HASH_LEN);
	out->entry_count = (uint32_t)n;
	out->leaf_index = (uint32_t)index;
	out->entry = ledger[index];
	rc = alot_merkle_proof((const unsigned char (*)[ALOT_HASH_LEN])leaves, n, index, out->path,
	                       &out->path_len, err);
	free(leaves);
	return rc;
}
