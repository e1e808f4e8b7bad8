/*
 * alot/record.h - the published records of the draw protocol, versions 1
 * and 2 (docs/protocol.md): commitment records, freeze records (v2), draw
 * records, ticket ledger files and inclusion proofs.  Building and signing them, parsing them
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

#include "alot/beacon.h"
#include "alot/crypto.h"
#include "alot/merkle.h"
#include "alot/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_RECORD_MAX       (256 * 1024) /* bytes of one record, without its newline */
#define ALOT_LEDGER_LINE_MAX  512          /* bytes of one ledger line, without its newline */

typedef enum alot_record_type {
	ALOT_RECORD_COMMITMENT = 1,
	ALOT_RECORD_DRAW = 2,
	ALOT_RECORD_FREEZE = 3
} alot_record_type;

/*
 * The commitment record, published before the room opens.  lot holds the
 * room and the beacon rule (protocol 1), and every term the commitment
 * binds (protocol 2); lot.version is the record's version.  The lot's
 * ledger fields are unused.
 */
typedef struct alot_commitment_record {
	alot_lot lot;
	unsigned char commitment[ALOT_HASH_LEN];
	char committed_at[ALOT_TIMESTAMP_LEN + 1];
	unsigned char key_id[ALOT_KEY_ID_LEN];
	unsigned char signature[ALOT_SIG_LEN];
} alot_commitment_record;

/*
 * The freeze record (protocol 2), published when the room is funded: the
 * lot, and the ledger the draw will be over.  lot.beacon_value is unused.
 */
typedef struct alot_freeze_record {
	alot_lot lot;
	unsigned char commitment[ALOT_HASH_LEN];
	char committed_at[ALOT_TIMESTAMP_LEN + 1];
	char funded_at[ALOT_TIMESTAMP_LEN + 1];
	char frozen_at[ALOT_TIMESTAMP_LEN + 1];
	unsigned char key_id[ALOT_KEY_ID_LEN];
	unsigned char signature[ALOT_SIG_LEN];
} alot_freeze_record;

/*
 * What a draw under a beacon rule carries so that anyone can check its
 * beacon value offline (docs/protocol.md section 12): the rule's pulse and
 * its predecessor, each exactly as NIST served it; the freeze record's
 * tlog-proof, whose cosigned checkpoint gives the freeze's log time; and
 * the witness policy the rule names.  In the record each is base64.
 */
#define ALOT_LOG_PROOF_MAX 16384 /* bytes of a tlog-proof in a draw record */
typedef struct alot_beacon_evidence {
	size_t pulse_len;
	char pulse[ALOT_BEACON_PULSE_MAX];
	size_t previous_len;
	char previous[ALOT_BEACON_PULSE_MAX];
	size_t log_proof_len;
	char log_proof[ALOT_LOG_PROOF_MAX];
	size_t policy_len;
	char policy[ALOT_WITNESS_POLICY_MAX];
} alot_beacon_evidence;

typedef struct alot_draw_record {
	alot_lot lot;                               /* version, lot, N, entries, root, beacon */
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
	char frozen_at[ALOT_TIMESTAMP_LEN + 1];          /* protocol 2 */
	char drawn_at[ALOT_TIMESTAMP_LEN + 1];
	unsigned char freeze_record_hash[ALOT_HASH_LEN]; /* protocol 2 */
	/*
	 * Protocol 2 under a beacon rule: has_beacon is 1 and the record has
	 * the fields "beacon_pulse", "beacon_previous_pulse",
	 * "freeze_log_proof" and "witness_policy"; 0 under rule "none".
	 */
	int has_beacon;
	alot_beacon_evidence beacon;
	unsigned char key_id[ALOT_KEY_ID_LEN];
	unsigned char signature[ALOT_SIG_LEN];
} alot_draw_record;

/* Any record, as parsed. */
typedef struct alot_record {
	alot_record_type type;
	union {
		alot_commitment_record commitment;
		alot_draw_record draw;
		alot_freeze_record freeze;
	} u;
} alot_record;

/* The lot of a parsed record (every kind has one). */
const alot_lot *alot_record_lot(const alot_record *rec);
/* "commitment", "freeze" or "draw". */
const char *alot_record_type_name(alot_record_type type);

/* An inclusion proof file: one entry's leaf and audit path. */
typedef struct alot_inclusion_proof {
	uint32_t version;
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
 * Make every block jansson frees wiped first (json_set_alloc_funcs()): a
 * program that builds draw records before they are published calls this
 * once, before any JSON is made, as alot-draw does.  Process-wide.
 */
void alot_json_wipe_on_free(void);

/*
 * Compute a draw into rec.  On entry rec->lot holds the version and the
 * lot's terms (room_id, product_class_id, funding_target_cents,
 * beacon_rule and beacon_value; for version 2 also deadline, lot_type and
 * entry_bundles_hash); the timestamps and, for version 2, the freeze
 * record's hash may be set.  ledger holds the room's n entries in ticket
 * order.  Fills everything else but key_id and signature: the coverage
 * check (ALOT_ERR_VERIFY naming the entries on a gap, an overlap or a
 * repeated entry id), N, the entry count, the root, the commitment, the
 * client seed, every try, the winner, its leaf index and its audit path.
 * server_seed is copied in.
 */
alot_code alot_draw_record_compute(alot_draw_record *rec,
                                   const unsigned char server_seed[ALOT_SEED_LEN],
                                   const alot_ticket_range *ledger, size_t n,
                                   alot_error *err) ALOT_WARN_UNUSED;

/*
 * The frozen ledger into a freeze record: on entry rec->lot holds the
 * version-2 lot's terms; fills N, the entry count and the root after the
 * same checks as alot_draw_record_compute().
 */
alot_code alot_freeze_record_compute(alot_freeze_record *rec, const alot_ticket_range *ledger,
                                     size_t n, alot_error *err) ALOT_WARN_UNUSED;

/* Set key_id and signature with key, and return the record's published text. */
alot_code alot_commitment_record_sign(alot_commitment_record *rec, const alot_signing_key *key,
                                      char **text, alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_freeze_record_sign(alot_freeze_record *rec, const alot_signing_key *key,
                                  char **text, alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_sign(alot_draw_record *rec, const alot_signing_key *key,
                                char **text, alot_error *err) ALOT_WARN_UNUSED;

/* The published text of a record as it stands (signature included, no newline). */
alot_code alot_commitment_record_json(const alot_commitment_record *rec, char **text,
                                      alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_freeze_record_json(const alot_freeze_record *rec, char **text,
                                  alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_json(const alot_draw_record *rec, char **text,
                                alot_error *err) ALOT_WARN_UNUSED;

/*
 * The canonical bytes a record's signature covers, without the signature
 * field: keys sorted, no whitespace (docs/protocol.md, "Signatures").
 */
alot_code alot_commitment_record_canonical(const alot_commitment_record *rec, char **text,
                                           alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_freeze_record_canonical(const alot_freeze_record *rec, char **text,
                                       alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_draw_record_canonical(const alot_draw_record *rec, char **text,
                                     alot_error *err) ALOT_WARN_UNUSED;

/*
 * A record's hash (protocol 2): SHA-256(LP("ALOT-v2/record") || the
 * published text, without its newline).  Names a record in another.
 */
void alot_record_hash(const char *published, size_t len, unsigned char out[ALOT_HASH_LEN]);

/* The ledger file's header line (of the draw's version), and one entry's line (no newline). */
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
 * Parse one record of len bytes (at most ALOT_RECORD_MAX, no newline).
 * Strict: the type and version are required, unknown fields, duplicate
 * keys, floats, nulls, uppercase hex and wrong lengths are rejected, and
 * the bytes must be exactly the record's published form: keys sorted, no
 * whitespace, numbers in their shortest form (ALOT_ERR_INVALID, err naming
 * what is wrong).  Parsing checks form only; verification checks content.
 * The same holds for ledger lines, ledger headers and proofs.
 */
alot_code alot_record_parse(const char *text, size_t len, alot_record *out,
                            alot_error *err) ALOT_WARN_UNUSED;
/* A ledger file's header line, which describes the room and root it claims. */
typedef struct alot_ledger_header {
	uint32_t version;
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
#define ALOT_REPORT_MAX_CHECKS 40

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

/* Verify a freeze record: "beacon", "signature", "ledger-shape", "timestamps". */
alot_code alot_freeze_record_verify(const alot_freeze_record *rec, const alot_public_key *key,
                                    alot_report *report) ALOT_WARN_UNUSED;

/* Verify a record of any kind with the function of its kind. */
alot_code alot_record_verify(const alot_record *rec, const alot_public_key *key,
                             alot_report *report) ALOT_WARN_UNUSED;

/* 1 when rec's signature verifies under key: the record is the operator's statement. */
int alot_record_signed_by(const alot_record *rec, const alot_public_key *key) ALOT_WARN_UNUSED;

/*
 * 1 when a and b are two different records (their published texts hash to
 * a_hash and b_hash) of the same kind for the same room, both validly
 * signed under key: the operator signed conflicting statements.  Then
 * "equivocation" fails in report with what (for example where b was
 * read) named.  0, and report untouched, otherwise.
 */
int alot_records_equivocate(const alot_record *a, const unsigned char a_hash[ALOT_HASH_LEN],
                            const alot_record *b, const unsigned char b_hash[ALOT_HASH_LEN],
                            const alot_public_key *key, const char *what,
                            alot_report *report) ALOT_WARN_UNUSED;

/*
 * "commitment-record": the commitment record published at open verifies
 * under key and matches the draw: same version, room, every term of the
 * lot it binds, commitment, time of commitment and key.
 */
alot_code alot_commitment_matches_draw(const alot_commitment_record *commitment,
                                       const alot_draw_record *draw, const alot_public_key *key,
                                       alot_report *report) ALOT_WARN_UNUSED;
/* The same for a freeze record. */
alot_code alot_commitment_matches_freeze(const alot_commitment_record *commitment,
                                         const alot_freeze_record *freeze,
                                         const alot_public_key *key,
                                         alot_report *report) ALOT_WARN_UNUSED;

/*
 * "freeze-record": the freeze record (whose published text hashes to
 * freeze_hash) verifies under key, is the one the draw names, and has the
 * draw's lot, commitment, ledger (N, entry count, root) and times.
 */
alot_code alot_freeze_matches_draw(const alot_freeze_record *freeze,
                                   const unsigned char freeze_hash[ALOT_HASH_LEN],
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
	alot_uuid *ids;             /* every entry id, to find a repeated one at finish */
	size_t id_count, id_cap;
	alot_coverage coverage;
	alot_merkle_builder merkle;
	uint64_t index;
	int header_seen;
	int winner_seen;
	int failed;
	char message[ALOT_CHECK_MESSAGE_MAX];
} alot_ledger_verifier;

/* Release with alot_ledger_verifier_finish(), which frees what init allocates. */
void alot_ledger_verifier_init(alot_ledger_verifier *v, const alot_draw_record *rec);
void alot_ledger_verifier_line(alot_ledger_verifier *v, const char *line, size_t len);
alot_code alot_ledger_verifier_finish(alot_ledger_verifier *v, alot_report *report) ALOT_WARN_UNUSED;

/*
 * The beacon checks of a draw under a beacon rule (docs/protocol.md
 * section 12), given the room's freeze record (its published text, no
 * newline: the log's entry) and the certificates the verifier trusts:
 * "beacon-policy", "beacon-log-time", "beacon-certificate",
 * "beacon-pulse", "beacon-chain", "beacon-timing" and "beacon-value".
 * Each runs even after another failed; one that cannot run for want of
 * what another failed on is SKIP with the reason.  freeze_text NULL
 * (the freeze record was not given) fails "beacon-log-time".  On
 * ALOT_OK, *out (may be NULL) holds what the verdict rests on.
 */
typedef struct alot_beacon_outcome {
	uint64_t log_time;                   /* POSIX seconds: the freeze's log time */
	uint64_t freeze_index;               /* the freeze's index in the log */
	alot_beacon_pulse pulse, previous;
	alot_tlog_policy policy;
} alot_beacon_outcome;

alot_code alot_draw_beacon_verify(const alot_draw_record *draw, const char *freeze_text,
                                  size_t freeze_len, const alot_beacon_trust *trust,
                                  alot_report *report, alot_beacon_outcome *out) ALOT_WARN_UNUSED;

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
