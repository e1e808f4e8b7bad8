/*
 * alot/record.h - the published records of draw protocol v1
 * (docs/protocol.md): commitment records, draw records, ticket ledger
 * files and inclusion proofs.  Building and signing them, parsing them
 * strictly from untrusted input, and verifying every step with named
 * checks.
 *
 * Part of the core (OpenSSL and jansson only).
 * Ownership: record structs are plain values owned by the caller; the
 * text that *_sign() and *_json() return is allocated with malloc() and
 * owned by the caller, who releases it with free().  Structs that hold a
 * revealed server seed are wiped by the caller with alot_wipe() when the
 * seed is still secret (before the draw is published).
 */
#ifndef ALOT_RECORD_H
#define ALOT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "alot/crypto.h"
#include "alot/merkle.h"
#include "alot/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_RECORD_MAX       (256 * 1024) /* bytes of one record */
#define ALOT_LEDGER_LINE_MAX  512          /* bytes of one ledger line */
#define ALOT_TIMESTAMP_LEN    27           /* "2026-11-25T02:01:51.123456Z" */

typedef enum alot_record_type {
	ALOT_RECORD_COMMITMENT = 1,
	ALOT_RECORD_DRAW = 2
} alot_record_type;

typedef struct alot_commitment_record {
	alot_uuid room_id;
	unsigned char commitment[ALOT_HASH_LEN];
	char beacon_rule[ALOT_BEACON_RULE_MAX + 1];
	char committed_at[ALOT_TIMESTAMP_LEN + 1];
	unsigned char key_id[ALOT_KEY_ID_LEN];
	unsigned char signature[ALOT_SIG_LEN];
} alot_commitment_record;

typedef struct alot_draw_record {
	alot_lot lot;                               /* room, product, target, N, entries, root, beacon */
	unsigned char commitment[ALOT_HASH_LEN];
	unsigned char server_seed[ALOT_SEED_LEN];   /* revealed */
	unsigned char client_seed[ALOT_HASH_LEN];
	alot_draw_result draw;                      /* every try, the nonce, the winning ticket */
	unsigned char combined_seed[ALOT_HASH_LEN]; /* of the accepted try */
	alot_ticket_range winner;
	uint32_t winner_leaf_index;
	size_t winner_proof_len;
	unsigned char winner_proof[ALOT_MAX_PROOF_LEN][ALOT_HASH_LEN];
	char committed_at[ALOT_TIMESTAMP_LEN + 1];
	char funded_at[ALOT_TIMESTAMP_LEN + 1];
	char drawn_at[ALOT_TIMESTAMP_LEN + 1];
	unsigned char key_id[ALOT_KEY_ID_LEN];
	unsigned char signature[ALOT_SIG_LEN];
} alot_draw_record;

/* Either record, as parsed. */
typedef struct alot_record {
	alot_record_type type;
	union {
		alot_commitment_record commitment;
		alot_draw_record draw;
	} u;
} alot_record;

/* An inclusion proof file: one entry's leaf and audit path. */
typedef struct alot_inclusion_proof {
	alot_uuid room_id;
	unsigned char ledger_root[ALOT_HASH_LEN];
	uint32_t entry_count;
	uint32_t leaf_index;
	alot_ticket_range entry;
	size_t path_len;
	unsigned char path[ALOT_MAX_PROOF_LEN][ALOT_HASH_LEN];
} alot_inclusion_proof;

/* ---- timestamps ---------------------------------------------------- */

/* ALOT_OK when text is exactly "YYYY-MM-DDTHH:MM:SS.ffffffZ", a valid UTC time. */
alot_code alot_timestamp_check(const char *text, alot_error *err) ALOT_WARN_UNUSED;

/* ---- building and signing (alot-draw, the vector generator) -------- */

/*
 * Compute a draw into rec.  On entry rec->lot holds room_id,
 * product_class_id, funding_target_cents, beacon_rule and beacon_value;
 * the timestamps may be set.  ledger holds the room's n entries in ticket
 * order.  Fills everything else but key_id and signature: the coverage
 * check (ALOT_ERR_VERIFY naming the entries on a gap or overlap), N, the
 * entry count, the root, the commitment, the client seed, every try, the
 * winner, its leaf index and its audit path.  server_seed is copied in.
 */
alot_code alot_draw_record_compute(alot_draw_record *rec,
                                   const unsigned char server_seed[ALOT_SEED_LEN],
                                   const alot_ticket_range *ledger, size_t n,
                                   alot_error *err) ALOT_WARN_UNUSED;

/* Set key_id and signature with key, and return the record's JSON text. */
alot_code alot_commitment_record_sign(alot_commitment_record *rec, const alot_signing_key *key,
                                      char **text, alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_sign(alot_draw_record *rec, const alot_signing_key *key,
                                char **text, alot_error *err) ALOT_WARN_UNUSED;

/* The JSON text of a record as it stands (signature included). */
alot_code alot_commitment_record_json(const alot_commitment_record *rec, char **text,
                                      alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_json(const alot_draw_record *rec, char **text,
                                alot_error *err) ALOT_WARN_UNUSED;

/*
 * The canonical bytes a record's signature covers, without the signature
 * field: keys sorted, no whitespace (docs/protocol.md, "Signatures").
 */
alot_code alot_commitment_record_canonical(const alot_commitment_record *rec, char **text,
                                           alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_canonical(const alot_draw_record *rec, char **text,
                                     alot_error *err) ALOT_WARN_UNUSED;

/* The ledger file's header line, and one entry's line (no newline). */
alot_code alot_ledger_header_json(const alot_draw_record *rec, char **text,
                                  alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_ledger_line_json(const alot_ticket_range *range, char **text,
                                alot_error *err) ALOT_WARN_UNUSED;

/* The inclusion proof of ledger[index] (n entries in ticket order). */
alot_code alot_inclusion_proof_make(const alot_draw_record *rec, const alot_ticket_range *ledger,
                                    size_t n, size_t index, alot_inclusion_proof *out,
                                    alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_inclusion_proof_json(const alot_inclusion_proof *proof, char **text,
                                    alot_error *err) ALOT_WARN_UNUSED;

/* ---- strict parsing of untrusted input ----------------------------- */

/*
 * Parse one record of len bytes (at most ALOT_RECORD_MAX).  Strict: the
 * type and version are required, unknown fields, duplicate keys, floats,
 * nulls, uppercase hex and wrong lengths are rejected (ALOT_ERR_INVALID,
 * err naming the field).  Parsing checks form only; verification checks
 * content.
 */
alot_code alot_record_parse(const char *text, size_t len, alot_record *out,
                            alot_error *err) ALOT_WARN_UNUSED;
/* A ledger file's header line, which describes the room and root it claims. */
typedef struct alot_ledger_header {
	alot_uuid room_id;
	uint32_t entry_count;
	uint32_t total_tickets;
	unsigned char ledger_root[ALOT_HASH_LEN];
} alot_ledger_header;
alot_code alot_ledger_header_parse(const char *text, size_t len, alot_ledger_header *out,
                                   alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_ledger_line_parse(const char *text, size_t len, alot_ticket_range *out,
                                 alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_inclusion_proof_parse(const char *text, size_t len, alot_inclusion_proof *out,
                                     alot_error *err) ALOT_WARN_UNUSED;

/* ---- verification -------------------------------------------------- */

typedef enum alot_check_status {
	ALOT_CHECK_PASS = 0,
	ALOT_CHECK_FAIL = 1,
	ALOT_CHECK_SKIP = 2
} alot_check_status;

#define ALOT_CHECK_MESSAGE_MAX 256
#define ALOT_REPORT_MAX_CHECKS 16

typedef struct alot_check {
	const char *name;                    /* stable: see docs/protocol.md */
	alot_check_status status;
	char message[ALOT_CHECK_MESSAGE_MAX]; /* why it failed or was skipped; "" on pass */
} alot_check;

/* The outcome of every check on one record, in order. */
typedef struct alot_report {
	size_t count;
	size_t failures;
	alot_check checks[ALOT_REPORT_MAX_CHECKS];
} alot_report;

void alot_report_init(alot_report *report);
/* Add or replace the result of check name. */
void alot_report_set(alot_report *report, const char *name, alot_check_status status,
                     const char *fmt, ...) ALOT_PRINTF(4, 5);
const alot_check *alot_report_find(const alot_report *report, const char *name);
const char *alot_check_status_name(alot_check_status status); /* "PASS", "FAIL", "SKIP" */

/*
 * Verify a draw record: "beacon", "signature" (key id and Ed25519 with key;
 * SKIP when key is NULL), "commitment", "client-seed", "combined-seed",
 * "rejection-sampling", "winning-ticket", "winner-inclusion", "timestamps".
 * Every check runs even after one fails.  ALOT_OK when none failed, else
 * ALOT_ERR_VERIFY.
 */
alot_code alot_draw_record_verify(const alot_draw_record *rec, const alot_public_key *key,
                                  alot_report *report) ALOT_WARN_UNUSED;

/* Verify a commitment record: "beacon", "signature", "timestamps". */
alot_code alot_commitment_record_verify(const alot_commitment_record *rec,
                                        const alot_public_key *key,
                                        alot_report *report) ALOT_WARN_UNUSED;

/*
 * "commitment-record": the commitment record published at open verifies
 * under key and matches the draw (room, commitment, beacon rule, key,
 * time of commitment).
 */
alot_code alot_commitment_matches_draw(const alot_commitment_record *commitment,
                                       const alot_draw_record *draw, const alot_public_key *key,
                                       alot_report *report) ALOT_WARN_UNUSED;

/*
 * "ledger": the full ticket ledger, streamed line by line in bounded
 * memory, covers 1..N, has the record's entry count and root, and holds
 * the winner at its leaf index.  Feed the header, then every line, then
 * finish, which records the check; a failure on the way is kept and
 * reported at finish.
 */
typedef struct alot_ledger_verifier {
	const alot_draw_record *rec;
	alot_coverage coverage;
	alot_merkle_builder merkle;
	uint64_t index;
	int header_seen;
	int winner_seen;
	int failed;
	char message[ALOT_CHECK_MESSAGE_MAX];
} alot_ledger_verifier;

void alot_ledger_verifier_init(alot_ledger_verifier *v, const alot_draw_record *rec);
void alot_ledger_verifier_line(alot_ledger_verifier *v, const char *line, size_t len);
alot_code alot_ledger_verifier_finish(alot_ledger_verifier *v, alot_report *report) ALOT_WARN_UNUSED;

/*
 * "proof": an inclusion proof shows that entry (NULL: the proof's own
 * entry) is in the draw's ledger with its tickets.
 */
alot_code alot_inclusion_proof_verify(const alot_inclusion_proof *proof,
                                      const alot_draw_record *draw, const alot_uuid *entry,
                                      alot_report *report) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_RECORD_H */
