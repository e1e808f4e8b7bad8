/*
 * alot/protocol.h - the draw protocol v1 (docs/protocol.md): commitments,
 * the ticket ledger's coverage, the client seed, the combined seed and the
 * winning ticket by rejection sampling.
 *
 * Part of the core (OpenSSL only).  Every function here is a pure
 * computation over caller-provided buffers: nothing is allocated, nothing
 * is owned.  Callers wipe server seeds after use (alot_wipe()).
 */
#ifndef ALOT_PROTOCOL_H
#define ALOT_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "alot/crypto.h"
#include "alot/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_PROTOCOL_VERSION  1
#define ALOT_MAX_TICKETS       2147483647u /* tickets are SQL INTEGERs */
#define ALOT_MAX_NONCE         1023u       /* tries 0..1023; see the spec */
#define ALOT_BEACON_RULE_MAX   128         /* characters */
#define ALOT_BEACON_VALUE_MAX  64          /* bytes */
#define ALOT_UUID_LEN          16
#define ALOT_UUID_STRLEN       37          /* 36 characters and a NUL */

typedef struct alot_uuid {
	unsigned char b[ALOT_UUID_LEN];
} alot_uuid;

/* Strict parse of a canonical lowercase UUID ("8-4-4-4-12" hex digits). */
alot_code alot_uuid_parse(const char *text, alot_uuid *out, alot_error *err) ALOT_WARN_UNUSED;
/* Canonical lowercase text of id into out. */
void alot_uuid_format(const alot_uuid *id, char out[ALOT_UUID_STRLEN]);
int alot_uuid_equal(const alot_uuid *a, const alot_uuid *b);

/* One entry of a room's ticket ledger: a leaf of its Merkle tree. */
typedef struct alot_ticket_range {
	alot_uuid entry_id;
	alot_uuid user_id;
	uint32_t tickets_start;
	uint32_t tickets_end;
} alot_ticket_range;

/* commitment = SHA-256(LP(tag) || LP(room_id) || LP(server_seed)). */
void alot_commitment(const alot_uuid *room_id, const unsigned char seed[ALOT_SEED_LEN],
                     unsigned char out[ALOT_HASH_LEN]);

/*
 * Streaming check that a ledger, fed in ticket order, covers 1..N exactly.
 * Zero-initialize (ALOT_COVERAGE_INIT), add every range, then finish.
 * Errors name the entries at a gap or an overlap.
 */
typedef struct alot_coverage {
	uint64_t next_ticket;  /* the ticket the next range must start at */
	uint64_t entry_count;
	alot_uuid last_entry;
} alot_coverage;
#define ALOT_COVERAGE_INIT { 1, 0, { { 0 } } }

alot_code alot_coverage_add(alot_coverage *cov, const alot_ticket_range *range,
                            alot_error *err) ALOT_WARN_UNUSED;
/* N (the highest ticket) into *total_tickets; fails on an empty ledger. */
alot_code alot_coverage_finish(const alot_coverage *cov, uint32_t *total_tickets,
                               alot_error *err) ALOT_WARN_UNUSED;

/* The beacon rules a v1 implementation knows: only "none" so far. */
int alot_beacon_rule_known(const char *rule);

/* The lot's data that the client seed binds. */
typedef struct alot_lot {
	alot_uuid room_id;
	alot_uuid product_class_id;
	uint64_t funding_target_cents;
	uint32_t total_tickets;          /* N */
	uint32_t entry_count;
	unsigned char ledger_root[ALOT_HASH_LEN];
	char beacon_rule[ALOT_BEACON_RULE_MAX + 1];
	unsigned char beacon_value[ALOT_BEACON_VALUE_MAX];
	size_t beacon_value_len;         /* 0 under rule "none" */
} alot_lot;

void alot_client_seed(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN]);

/* combined = SHA-256(LP(tag) || LP(server_seed) || LP(client_seed) || u32be(nonce)). */
void alot_combined_seed(const unsigned char server_seed[ALOT_SEED_LEN],
                        const unsigned char client_seed[ALOT_HASH_LEN], uint32_t nonce,
                        unsigned char out[ALOT_HASH_LEN]);

/* The rejection bound for N tickets: values below it are accepted. */
uint64_t alot_rejection_limit(uint32_t total_tickets);

/* One try of the rejection sampling. */
typedef struct alot_attempt {
	uint32_t nonce;
	unsigned char combined_seed[ALOT_HASH_LEN];
	uint32_t value;   /* the first 4 bytes of combined_seed, big-endian */
	int accepted;     /* value < alot_rejection_limit(N) */
} alot_attempt;

typedef struct alot_draw_result {
	uint32_t winning_ticket;  /* (value mod N) + 1 of the accepted try */
	uint32_t nonce;           /* the accepted try's nonce = rejections */
	size_t attempt_count;     /* nonce + 1 */
	alot_attempt attempts[ALOT_MAX_NONCE + 1];
} alot_draw_result;

/*
 * The winning ticket in 1..N.  Fails (ALOT_ERR_INVALID) when N is 0 or
 * above ALOT_MAX_TICKETS, and (ALOT_ERR_INTERNAL) if every try up to
 * ALOT_MAX_NONCE is rejected, which has probability below 2^-1024.
 */
alot_code alot_draw_ticket(const unsigned char server_seed[ALOT_SEED_LEN],
                           const unsigned char client_seed[ALOT_HASH_LEN],
                           uint32_t total_tickets, alot_draw_result *out,
                           alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_PROTOCOL_H */
