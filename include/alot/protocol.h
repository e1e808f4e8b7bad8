/*
 * alot/protocol.h - the draw protocol, versions 1 and 2 (docs/protocol.md):
 * the lot and its hash, commitments, the ticket ledger's coverage, the
 * client seed, the combined seed and the winning ticket by rejection
 * sampling.  Version 2 binds the lot at commitment; version 1 is kept so
 * that records already published keep verifying.
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

#define ALOT_PROTOCOL_V1       1
#define ALOT_PROTOCOL_V2       2
#define ALOT_PROTOCOL_VERSION  ALOT_PROTOCOL_V2 /* the version alot-draw writes */
#define ALOT_MAX_TICKETS       2147483647u /* tickets are SQL INTEGERs */
#define ALOT_MAX_NONCE         1023u       /* tries 0..1023; see the spec */
#define ALOT_BEACON_RULE_MAX   128         /* characters */
#define ALOT_BEACON_VALUE_MAX  64          /* bytes */
#define ALOT_UUID_LEN          16
#define ALOT_UUID_STRLEN       37          /* 36 characters and a NUL */
#define ALOT_TIMESTAMP_LEN     27          /* "2026-11-25T02:01:51.123456Z" */
#define ALOT_LOT_TYPE_MAX      16          /* "known" or "mystery" */

typedef struct alot_uuid {
	unsigned char b[ALOT_UUID_LEN];
} alot_uuid;

/* Strict parse of a canonical lowercase UUID ("8-4-4-4-12" hex digits). */
alot_code alot_uuid_parse(const char *text, alot_uuid *out, alot_error *err) ALOT_WARN_UNUSED;
/* A UUID as a person may type it, in any case (command-line options; never records). */
alot_code alot_uuid_parse_any_case(const char *text, alot_uuid *out) ALOT_WARN_UNUSED;
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

/* Protocol 1's commitment = SHA-256(LP(tag) || LP(room_id) || LP(server_seed)). */
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

/*
 * 1 when this implementation knows the beacon rule: "none", and the NIST
 * Randomness Beacon rule of docs/protocol.md section 12 (alot/beacon.h).
 */
int alot_beacon_rule_known(const char *rule);

/* 1 when text is a lot type of protocol 2: "known" or "mystery". */
int alot_lot_type_known(const char *text);

/*
 * A room's lot: what the commitment binds (protocol 2: room, product,
 * target, deadline, lot type, entry bundles, beacon rule), and the frozen
 * ledger and beacon value that the client seed adds at the draw.
 * version is ALOT_PROTOCOL_V1 or ALOT_PROTOCOL_V2; any other value is
 * taken as 1, so that a zeroed lot is a version 1 lot.  Protocol 1 binds
 * neither deadline, lot_type nor entry_bundles_hash.
 */
typedef struct alot_lot {
	uint32_t version;
	alot_uuid room_id;
	alot_uuid product_class_id;
	uint64_t funding_target_cents;
	char deadline[ALOT_TIMESTAMP_LEN + 1];          /* protocol 2 */
	char lot_type[ALOT_LOT_TYPE_MAX + 1];           /* protocol 2 */
	unsigned char entry_bundles_hash[ALOT_HASH_LEN]; /* protocol 2 */
	char beacon_rule[ALOT_BEACON_RULE_MAX + 1];
	uint32_t total_tickets;          /* N */
	uint32_t entry_count;
	unsigned char ledger_root[ALOT_HASH_LEN];
	unsigned char beacon_value[ALOT_BEACON_VALUE_MAX];
	size_t beacon_value_len;         /* 0 under rule "none" */
} alot_lot;

/*
 * NULL when a and b are the same lot as a commitment binds it (version,
 * room, beacon rule; protocol 2: every other term); else the name of the
 * first term that differs: "protocol version", "room", "beacon rule",
 * "product class", "funding target", "deadline", "lot type", "entry bundles".
 * The ledger and the beacon value are no terms of the lot.
 */
const char *alot_lot_differs(const alot_lot *a, const alot_lot *b);

/* 1 when lot is a protocol 2 lot. */
int alot_lot_is_v2(const alot_lot *lot);

/*
 * Protocol 2's lot hash: SHA-256 over the terms the commitment binds
 * (docs/protocol.md, "The lot").  Only for version 2 lots.
 */
void alot_lot_hash(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN]);

/*
 * The hash of a room's entry bundles (protocol 2): the bundles in their
 * order, each as (price in cents, tickets).  bundles holds count pairs,
 * at most ALOT_MAX_BUNDLES (a room with more cannot be committed).
 */
#define ALOT_MAX_BUNDLES 64
typedef struct alot_entry_bundle {
	uint64_t amount_cents;
	uint32_t tickets;
} alot_entry_bundle;
void alot_entry_bundles_hash(const alot_entry_bundle *bundles, size_t count,
                             unsigned char out[ALOT_HASH_LEN]);

/*
 * The commitment of lot's version: protocol 1 binds the room and the
 * seed; protocol 2 binds the lot hash and the seed.
 */
void alot_lot_commitment(const alot_lot *lot, const unsigned char seed[ALOT_SEED_LEN],
                         unsigned char out[ALOT_HASH_LEN]);

/* The client seed of lot's version, over the lot and its frozen ledger. */
void alot_client_seed(const alot_lot *lot, unsigned char out[ALOT_HASH_LEN]);

/*
 * combined = SHA-256(LP(tag) || LP(server_seed) || LP(client_seed) || u32be(nonce)),
 * with the tag of protocol version (1 or 2).
 */
void alot_combined_seed(uint32_t version, const unsigned char server_seed[ALOT_SEED_LEN],
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
alot_code alot_draw_ticket(uint32_t version, const unsigned char server_seed[ALOT_SEED_LEN],
                           const unsigned char client_seed[ALOT_HASH_LEN],
                           uint32_t total_tickets, alot_draw_result *out,
                           alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_PROTOCOL_H */
