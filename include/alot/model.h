/*
 * alot/model.h - the C model of the ALOT! schema: a struct per table and
 * view of the design document, an enum per status or type column, and
 * generic, descriptor-driven codecs (JSON here; libpq rows in alot/db.h).
 *
 * Part of the core (jansson only).  Each table is described once, by an
 * X-macro column list below, from which both its struct and its
 * descriptor (alot_model_<table>) are generated, so they cannot disagree.
 *
 * Representation of SQL types:
 *   UUID        alot_uuid (16 bytes)
 *   TEXT        char *, owned by the row (VARCHAR(n): at most n characters)
 *   INT         int32_t          BIGINT   int64_t (view counts)
 *   BOOL        int (0 or 1)     REAL     double (view NUMERIC results)
 *   MONEY       int64_t cents (DECIMAL(p, 2); more decimals are rejected)
 *   TIMESTAMP   int64_t microseconds since 1970-01-01 00:00:00 UTC;
 *               JSON "2026-02-09T10:00:00.123456Z"
 *   JSON        json_t *, owned by the row
 *   ENUM        the column's enum type; unknown strings are rejected
 * SQL NULL: bit i of the row's "nulls" is set when column i (in the order
 * of the column list) is NULL; alot_row_is_null() tests it by name.  The
 * value of a NULL column is zero.
 *
 * Ownership: a row owns its strings and JSON values; alot_row_clear()
 * releases them.  alot_row_to_json() returns a new reference.
 */
#ifndef ALOT_MODEL_H
#define ALOT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alot/error.h"
#include "alot/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- enums ------------------------------------------------------------ */

typedef struct alot_enum_desc {
	const char *column;        /* "rooms.status" */
	size_t count;
	const char *const *names;  /* names[value] */
} alot_enum_desc;

/* value of name; ALOT_ERR_INVALID naming the column and the value when unknown. */
alot_code alot_enum_from_string(const alot_enum_desc *desc, const char *name, int *value,
                                alot_error *err) ALOT_WARN_UNUSED;
/* The name of value, or NULL when it is out of range. */
const char *alot_enum_to_string(const alot_enum_desc *desc, int value);

#define ALOT_ENUM_MEMBER(sym, str) sym,
#define ALOT_DECLARE_ENUM(type, LIST) \
	typedef enum type { LIST(ALOT_ENUM_MEMBER) } type; \
	extern const alot_enum_desc type##_desc;

#define ALOT_USER_STATUS(X) X(ALOT_USER_ACTIVE, "active") X(ALOT_USER_SUSPENDED, "suspended") \
	X(ALOT_USER_BANNED, "banned")
#define ALOT_PRODUCT_TIER(X) X(ALOT_TIER_ICON, "ICON") X(ALOT_TIER_RARE, "RARE") \
	X(ALOT_TIER_GRAIL, "GRAIL") X(ALOT_TIER_MYTHIC, "MYTHIC")
#define ALOT_PRODUCT_CONDITION(X) X(ALOT_CONDITION_NEW, "new") X(ALOT_CONDITION_EXCELLENT, "excellent") \
	X(ALOT_CONDITION_GOOD, "good") X(ALOT_CONDITION_FAIR, "fair")
#define ALOT_LOT_TYPE(X) X(ALOT_LOT_KNOWN, "known") X(ALOT_LOT_MYSTERY, "mystery")
#define ALOT_ROOM_STATUS(X) X(ALOT_ROOM_CREATED, "created") X(ALOT_ROOM_OPEN, "open") \
	X(ALOT_ROOM_FUNDED, "funded") X(ALOT_ROOM_DRAWING, "drawing") X(ALOT_ROOM_SETTLED, "settled") \
	X(ALOT_ROOM_EXPIRED, "expired") X(ALOT_ROOM_REFUNDING, "refunding") X(ALOT_ROOM_CLOSED, "closed")
#define ALOT_VISIBILITY(X) X(ALOT_VISIBILITY_PUBLIC, "public") X(ALOT_VISIBILITY_PRIVATE, "private") \
	X(ALOT_VISIBILITY_UNLISTED, "unlisted")
#define ALOT_PURCHASE_TYPE(X) X(ALOT_PAID_CASH, "cash") X(ALOT_PAID_CREDITS, "credits") \
	X(ALOT_PAID_TRIVIA, "trivia")
#define ALOT_PURCHASE_STATUS(X) X(ALOT_PURCHASE_PENDING, "pending") \
	X(ALOT_PURCHASE_SUCCEEDED, "succeeded") X(ALOT_PURCHASE_FAILED, "failed") \
	X(ALOT_PURCHASE_REFUNDED, "refunded") X(ALOT_PURCHASE_PARTIALLY_REFUNDED, "partially_refunded")
#define ALOT_REFUND_CHOICE(X) X(ALOT_REFUND_CASH, "cash") X(ALOT_REFUND_CREDITS, "credits")
#define ALOT_DISPUTE_STATUS(X) X(ALOT_DISPUTE_NEEDS_RESPONSE, "needs_response") \
	X(ALOT_DISPUTE_UNDER_REVIEW, "under_review") X(ALOT_DISPUTE_WON, "won") X(ALOT_DISPUTE_LOST, "lost")
#define ALOT_CREDIT_TYPE(X) X(ALOT_CREDIT_LOT_SETTLEMENT, "lot_settlement") \
	X(ALOT_CREDIT_EXPIRED_CONVERSION, "expired_conversion") X(ALOT_CREDIT_ENTRY_PURCHASE, "entry_purchase") \
	X(ALOT_CREDIT_ADMIN_GRANT, "admin_grant") X(ALOT_CREDIT_ADMIN_DEDUCT, "admin_deduct") \
	X(ALOT_CREDIT_REDEMPTION, "redemption") X(ALOT_CREDIT_EXPIRY, "expiry")
#define ALOT_REVEAL_STATUS(X) X(ALOT_REVEAL_PENDING, "pending") X(ALOT_REVEAL_LOST, "revealed_lost") \
	X(ALOT_REVEAL_WON, "revealed_won") X(ALOT_REVEAL_CLAIMED, "claimed") \
	X(ALOT_REVEAL_FULFILLMENT, "fulfillment") X(ALOT_REVEAL_SHIPPED, "shipped") \
	X(ALOT_REVEAL_DELIVERED, "delivered")
#define ALOT_DELIVERY_CONFIRMER(X) X(ALOT_CONFIRMED_BY_CARRIER, "carrier") X(ALOT_CONFIRMED_BY_USER, "user")
#define ALOT_ISSUE_TYPE(X) X(ALOT_ISSUE_DAMAGED, "damaged") X(ALOT_ISSUE_LOST, "lost") \
	X(ALOT_ISSUE_WRONG_ITEM, "wrong_item") X(ALOT_ISSUE_NOT_AUTHENTIC, "not_authentic")
#define ALOT_HOST_STATUS(X) X(ALOT_HOST_PENDING, "pending") X(ALOT_HOST_APPROVED, "approved") \
	X(ALOT_HOST_SUSPENDED, "suspended") X(ALOT_HOST_BANNED, "banned")
#define ALOT_ADMIN_ROLE(X) X(ALOT_ADMIN_SUPER_ADMIN, "super_admin") X(ALOT_ADMIN_ADMIN, "admin") \
	X(ALOT_ADMIN_MODERATOR, "moderator") X(ALOT_ADMIN_SUPPORT, "support")

ALOT_DECLARE_ENUM(alot_user_status, ALOT_USER_STATUS)
ALOT_DECLARE_ENUM(alot_product_tier, ALOT_PRODUCT_TIER)
ALOT_DECLARE_ENUM(alot_product_condition, ALOT_PRODUCT_CONDITION)
ALOT_DECLARE_ENUM(alot_lot_type, ALOT_LOT_TYPE)
ALOT_DECLARE_ENUM(alot_room_status, ALOT_ROOM_STATUS)
ALOT_DECLARE_ENUM(alot_visibility, ALOT_VISIBILITY)
ALOT_DECLARE_ENUM(alot_purchase_type, ALOT_PURCHASE_TYPE)
ALOT_DECLARE_ENUM(alot_purchase_status, ALOT_PURCHASE_STATUS)
ALOT_DECLARE_ENUM(alot_refund_choice, ALOT_REFUND_CHOICE)
ALOT_DECLARE_ENUM(alot_dispute_status, ALOT_DISPUTE_STATUS)
ALOT_DECLARE_ENUM(alot_credit_type, ALOT_CREDIT_TYPE)
ALOT_DECLARE_ENUM(alot_reveal_status, ALOT_REVEAL_STATUS)
ALOT_DECLARE_ENUM(alot_delivery_confirmer, ALOT_DELIVERY_CONFIRMER)
ALOT_DECLARE_ENUM(alot_issue_type, ALOT_ISSUE_TYPE)
ALOT_DECLARE_ENUM(alot_host_status, ALOT_HOST_STATUS)
ALOT_DECLARE_ENUM(alot_admin_role, ALOT_ADMIN_ROLE)

/* ---- columns, tables and views -------------------------------------- */

typedef enum alot_col_type {
	ALOT_COL_UUID, ALOT_COL_TEXT, ALOT_COL_INT, ALOT_COL_BIGINT, ALOT_COL_BOOL,
	ALOT_COL_REAL, ALOT_COL_MONEY, ALOT_COL_TIMESTAMP, ALOT_COL_JSON, ALOT_COL_ENUM
} alot_col_type;

typedef struct alot_column {
	const char *name;
	alot_col_type type;
	size_t offset;
	size_t max_length;               /* TEXT: VARCHAR(n), 0 for unbounded */
	const alot_enum_desc *enum_desc; /* ENUM only */
} alot_column;

typedef struct alot_model {
	const char *name;                /* the table or view */
	size_t size;                     /* of its struct */
	size_t column_count;
	const alot_column *columns;
} alot_model;

/* C types of the column kinds (the argument is the length or the enum). */
#define ALOT_CTYPE_UUID(a)      alot_uuid
#define ALOT_CTYPE_TEXT(a)      char *
#define ALOT_CTYPE_INT(a)       int32_t
#define ALOT_CTYPE_BIGINT(a)    int64_t
#define ALOT_CTYPE_BOOL(a)      int
#define ALOT_CTYPE_REAL(a)      double
#define ALOT_CTYPE_MONEY(a)     int64_t
#define ALOT_CTYPE_TIMESTAMP(a) int64_t
#define ALOT_CTYPE_JSON(a)      json_t *
#define ALOT_CTYPE_ENUM(a)      a
#define ALOT_STRUCT_FIELD(name, type, arg) ALOT_CTYPE_##type(arg) name;
#define ALOT_DECLARE_MODEL(stype, table, LIST) \
	typedef struct stype { uint64_t nulls; LIST(ALOT_STRUCT_FIELD) } stype; \
	extern const alot_model alot_model_##table;

#define ALOT_USERS_COLUMNS(X) \
	X(id, UUID, 0) X(email, TEXT, 255) X(username, TEXT, 50) X(hashed_password, TEXT, 255) \
	X(full_name, TEXT, 255) X(date_of_birth, TEXT, 10) X(phone_number, TEXT, 20) \
	X(avatar_url, TEXT, 500) X(verified_email, BOOL, 0) X(email_verification_token, TEXT, 255) \
	X(verified_identity, BOOL, 0) X(stripe_customer_id, TEXT, 255) X(total_entries, INT, 0) \
	X(total_spent, MONEY, 0) X(total_won, INT, 0) X(status, ENUM, alot_user_status) \
	X(created_at, TIMESTAMP, 0) X(updated_at, TIMESTAMP, 0) X(last_login_at, TIMESTAMP, 0)

#define ALOT_PRODUCT_CLASSES_COLUMNS(X) \
	X(id, UUID, 0) X(sku, TEXT, 100) X(name, TEXT, 255) X(brand, TEXT, 255) \
	X(category, TEXT, 50) X(tier, ENUM, alot_product_tier) X(retail_value, MONEY, 0) \
	X(appraised_value, MONEY, 0) X(description, TEXT, 0) X(specifications, JSON, 0) \
	X(condition, ENUM, alot_product_condition) X(images, JSON, 0) X(videos, JSON, 0) \
	X(authenticity_certificate_url, TEXT, 500) X(serial_number, TEXT, 255) \
	X(created_at, TIMESTAMP, 0) X(updated_at, TIMESTAMP, 0)

#define ALOT_ROOMS_COLUMNS(X) \
	X(id, UUID, 0) X(product_class_id, UUID, 0) X(host_id, UUID, 0) X(lot_type, ENUM, alot_lot_type) \
	X(funding_target, MONEY, 0) X(deadline, TIMESTAMP, 0) X(status, ENUM, alot_room_status) \
	X(current_funding, MONEY, 0) X(total_tickets, INT, 0) X(total_participants, INT, 0) \
	X(entry_bundles, JSON, 0) X(visibility, ENUM, alot_visibility) X(marketplace_listed, BOOL, 0) \
	X(shareable_link, TEXT, 255) X(trivia_enabled, BOOL, 0) X(trivia_question, TEXT, 0) \
	X(trivia_answer_hash, TEXT, 64) X(trivia_attempts_allowed, INT, 0) \
	X(trivia_cooldown_minutes, INT, 0) X(mystery_revealed, BOOL, 0) \
	X(mystery_reveal_threshold, MONEY, 0) X(created_at, TIMESTAMP, 0) X(opened_at, TIMESTAMP, 0) \
	X(funded_at, TIMESTAMP, 0) X(drawn_at, TIMESTAMP, 0) X(settled_at, TIMESTAMP, 0) \
	X(expired_at, TIMESTAMP, 0) X(closed_at, TIMESTAMP, 0)

#define ALOT_ROOM_ENTRIES_COLUMNS(X) \
	X(id, UUID, 0) X(room_id, UUID, 0) X(user_id, UUID, 0) X(tickets_start, INT, 0) \
	X(tickets_end, INT, 0) X(ticket_count, INT, 0) X(purchase_type, ENUM, alot_purchase_type) \
	X(amount_paid, MONEY, 0) X(credits_spent, INT, 0) X(purchase_id, UUID, 0) \
	X(is_winner, BOOL, 0) X(credits_awarded, INT, 0) X(created_at, TIMESTAMP, 0)

#define ALOT_ROOM_ENTRY_PURCHASES_COLUMNS(X) \
	X(id, UUID, 0) X(room_id, UUID, 0) X(user_id, UUID, 0) X(amount, MONEY, 0) \
	X(currency, TEXT, 3) X(stripe_payment_intent_id, TEXT, 255) \
	X(stripe_checkout_session_id, TEXT, 255) X(stripe_charge_id, TEXT, 255) \
	X(status, ENUM, alot_purchase_status) X(refund_eligible, BOOL, 0) \
	X(refund_choice, ENUM, alot_refund_choice) X(refunded_amount, MONEY, 0) \
	X(refunded_at, TIMESTAMP, 0) X(stripe_refund_id, TEXT, 255) X(credits_converted, INT, 0) \
	X(disputed, BOOL, 0) X(disputed_at, TIMESTAMP, 0) X(dispute_status, ENUM, alot_dispute_status) \
	X(metadata, JSON, 0) X(created_at, TIMESTAMP, 0) X(completed_at, TIMESTAMP, 0) \
	X(updated_at, TIMESTAMP, 0)

#define ALOT_LOTTERY_DRAWS_COLUMNS(X) \
	X(id, UUID, 0) X(room_id, UUID, 0) X(server_seed, TEXT, 64) X(client_seed, TEXT, 64) \
	X(nonce, INT, 0) X(total_tickets, INT, 0) X(combined_seed, TEXT, 64) X(winning_ticket, INT, 0) \
	X(winner_user_id, UUID, 0) X(winner_entry_id, UUID, 0) X(drawn_at, TIMESTAMP, 0) \
	X(verified, BOOL, 0) X(verification_details, JSON, 0)

#define ALOT_USER_UNIVERSAL_CREDITS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(balance, INT, 0) X(total_earned, INT, 0) \
	X(total_spent, INT, 0) X(total_expired, INT, 0) X(created_at, TIMESTAMP, 0) \
	X(updated_at, TIMESTAMP, 0)

#define ALOT_CREDIT_TRANSACTIONS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(amount, INT, 0) X(balance_before, INT, 0) \
	X(balance_after, INT, 0) X(transaction_type, ENUM, alot_credit_type) X(room_id, UUID, 0) \
	X(room_entry_id, UUID, 0) X(purchase_id, UUID, 0) X(description, TEXT, 0) \
	X(metadata, JSON, 0) X(created_at, TIMESTAMP, 0)

#define ALOT_ROOM_TRIVIA_ATTEMPTS_COLUMNS(X) \
	X(id, UUID, 0) X(room_id, UUID, 0) X(user_id, UUID, 0) X(attempt_number, INT, 0) \
	X(answer_submitted, TEXT, 0) X(is_correct, BOOL, 0) X(failed_all_attempts, BOOL, 0) \
	X(cooldown_until, TIMESTAMP, 0) X(created_at, TIMESTAMP, 0)

#define ALOT_REVEALS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(room_id, UUID, 0) X(room_entry_id, UUID, 0) \
	X(status, ENUM, alot_reveal_status) X(created_at, TIMESTAMP, 0) X(revealed_at, TIMESTAMP, 0) \
	X(claimed_at, TIMESTAMP, 0) X(shipping_address, JSON, 0) X(tracking_number, TEXT, 255) \
	X(carrier, TEXT, 50) X(shipped_at, TIMESTAMP, 0) X(delivered_at, TIMESTAMP, 0) \
	X(delivery_confirmed_by, ENUM, alot_delivery_confirmer) X(issue_reported, BOOL, 0) \
	X(issue_type, ENUM, alot_issue_type) X(issue_description, TEXT, 0) \
	X(issue_reported_at, TIMESTAMP, 0) X(issue_resolved, BOOL, 0)

#define ALOT_HOSTS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(display_name, TEXT, 255) X(slug, TEXT, 100) \
	X(description, TEXT, 0) X(logo_url, TEXT, 500) X(banner_url, TEXT, 500) \
	X(website_url, TEXT, 500) X(instagram_handle, TEXT, 100) X(twitter_handle, TEXT, 100) \
	X(youtube_channel, TEXT, 100) X(status, ENUM, alot_host_status) X(approved, BOOL, 0) \
	X(approved_at, TIMESTAMP, 0) X(approved_by, UUID, 0) X(revenue_share_percentage, MONEY, 0) \
	X(listing_fee, MONEY, 0) X(stripe_connect_account_id, TEXT, 255) \
	X(stripe_onboarding_completed, BOOL, 0) X(total_lots_created, INT, 0) \
	X(total_lots_funded, INT, 0) X(total_revenue, MONEY, 0) X(auto_approve_lots, BOOL, 0) \
	X(require_custody_proof, BOOL, 0) X(created_at, TIMESTAMP, 0) X(updated_at, TIMESTAMP, 0)

#define ALOT_ADMIN_USERS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(role, ENUM, alot_admin_role) X(permissions, JSON, 0) \
	X(active, BOOL, 0) X(created_at, TIMESTAMP, 0) X(last_action_at, TIMESTAMP, 0)

#define ALOT_AUDIT_LOGS_COLUMNS(X) \
	X(id, UUID, 0) X(user_id, UUID, 0) X(admin_user_id, UUID, 0) X(action, TEXT, 100) \
	X(entity_type, TEXT, 50) X(entity_id, UUID, 0) X(details, JSON, 0) X(ip_address, TEXT, 0) \
	X(user_agent, TEXT, 0) X(created_at, TIMESTAMP, 0)

#define ALOT_V_ACTIVE_LOTS_COLUMNS(X) \
	X(id, UUID, 0) X(status, ENUM, alot_room_status) X(funding_target, MONEY, 0) \
	X(current_funding, MONEY, 0) X(funding_percentage, REAL, 0) X(total_tickets, INT, 0) \
	X(total_participants, INT, 0) X(deadline, TIMESTAMP, 0) X(hours_remaining, REAL, 0) \
	X(product_name, TEXT, 255) X(product_brand, TEXT, 255) X(tier, ENUM, alot_product_tier) \
	X(retail_value, MONEY, 0) X(primary_image, JSON, 0) X(host_name, TEXT, 255)

#define ALOT_V_USER_DASHBOARD_COLUMNS(X) \
	X(user_id, UUID, 0) X(username, TEXT, 50) X(total_entries, INT, 0) X(total_won, INT, 0) \
	X(credit_balance, INT, 0) X(active_lots, BIGINT, 0) X(total_active_tickets, BIGINT, 0)

ALOT_DECLARE_MODEL(alot_user, users, ALOT_USERS_COLUMNS)
ALOT_DECLARE_MODEL(alot_product_class, product_classes, ALOT_PRODUCT_CLASSES_COLUMNS)
ALOT_DECLARE_MODEL(alot_room, rooms, ALOT_ROOMS_COLUMNS)
ALOT_DECLARE_MODEL(alot_room_entry, room_entries, ALOT_ROOM_ENTRIES_COLUMNS)
ALOT_DECLARE_MODEL(alot_room_entry_purchase, room_entry_purchases, ALOT_ROOM_ENTRY_PURCHASES_COLUMNS)
ALOT_DECLARE_MODEL(alot_lottery_draw, lottery_draws, ALOT_LOTTERY_DRAWS_COLUMNS)
ALOT_DECLARE_MODEL(alot_user_universal_credits, user_universal_credits, ALOT_USER_UNIVERSAL_CREDITS_COLUMNS)
ALOT_DECLARE_MODEL(alot_credit_transaction, credit_transactions, ALOT_CREDIT_TRANSACTIONS_COLUMNS)
ALOT_DECLARE_MODEL(alot_room_trivia_attempt, room_trivia_attempts, ALOT_ROOM_TRIVIA_ATTEMPTS_COLUMNS)
ALOT_DECLARE_MODEL(alot_reveal, reveals, ALOT_REVEALS_COLUMNS)
ALOT_DECLARE_MODEL(alot_host, hosts, ALOT_HOSTS_COLUMNS)
ALOT_DECLARE_MODEL(alot_admin_user, admin_users, ALOT_ADMIN_USERS_COLUMNS)
ALOT_DECLARE_MODEL(alot_audit_log, audit_logs, ALOT_AUDIT_LOGS_COLUMNS)
ALOT_DECLARE_MODEL(alot_v_active_lot, v_active_lots, ALOT_V_ACTIVE_LOTS_COLUMNS)
ALOT_DECLARE_MODEL(alot_v_user_dashboard, v_user_dashboard, ALOT_V_USER_DASHBOARD_COLUMNS)

/* Every table and view, in the design document's order; NULL-terminated. */
extern const alot_model *const alot_models[];
/* The model of a table or view by name, or NULL. */
const alot_model *alot_model_find(const char *name);

/* ---- rows ------------------------------------------------------------ */

/* 1 when column (by name) is NULL in row; -1 when the model has no such column. */
int alot_row_is_null(const alot_model *model, const void *row, const char *column);
/* Release what row owns and zero it (a zeroed row is a valid empty row). */
void alot_row_clear(const alot_model *model, void *row);

/*
 * Set column col of row from PostgreSQL's text output (NULL text: SQL NULL),
 * validating it (range, length, enum membership, at most 2 decimals).
 */
alot_code alot_row_set_text(const alot_model *model, void *row, size_t col,
                            const char *text, alot_error *err) ALOT_WARN_UNUSED;

/* The row as a JSON object with every column (NULL as null).  New reference in *out. */
alot_code alot_row_to_json(const alot_model *model, const void *row, json_t **out,
                           alot_error *err) ALOT_WARN_UNUSED;
/*
 * Fill row (cleared first) from a JSON object.  Strict: every column must
 * be present (null for SQL NULL), unknown keys and wrong types are rejected.
 */
alot_code alot_row_from_json(const alot_model *model, void *row, const json_t *obj,
                             alot_error *err) ALOT_WARN_UNUSED;

/* Money as "-12.34" into out (at least 24 bytes); parse "12", "12.3", "12.34". */
void alot_money_format(int64_t cents, char *out, size_t len);
alot_code alot_money_parse(const char *text, int64_t *cents, alot_error *err) ALOT_WARN_UNUSED;
/* Timestamps: PostgreSQL's "2026-02-09 10:00:00.5" or RFC 3339 "2026-02-09T10:00:00.5Z". */
alot_code alot_time_parse(const char *text, int64_t *micros, alot_error *err) ALOT_WARN_UNUSED;
/* "2026-02-09T10:00:00.500000Z" into out (at least 28 bytes). */
void alot_time_format(int64_t micros, char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ALOT_MODEL_H */
