/*
 * alot/beacon.h - NIST Randomness Beacon 2.0 pulses, checked offline
 * (NISTIR 8213; docs/protocol.md section 12): strict parsing of a pulse as
 * NIST serves it, its length-prefixed serialization, the RSA signature
 * over it (cipher suite 0: PKCS#1 v1.5 with SHA-512), its outputValue, the
 * link between two consecutive pulses, and the certificates a verifier
 * trusts, named by certificateId = SHA-512 of their DER bytes.
 *
 * Part of the core (OpenSSL and jansson only; no network: fetching lives
 * in lib/net).
 * Ownership: alot_beacon_pulse is a plain value owned by the caller.  A
 * trust store is allocated by alot_beacon_trust_new() and released with
 * alot_beacon_trust_free(); the bytes alot_beacon_pulse_serialize()
 * returns are malloc()ed and owned by the caller (free()).
 */
#ifndef ALOT_BEACON_H
#define ALOT_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "alot/error.h"
#include "alot/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_BEACON_PULSE_MAX   16384 /* bytes of one pulse document as NIST serves it */
#define ALOT_BEACON_HASH_LEN    64    /* SHA-512: every value of a pulse */
#define ALOT_BEACON_SIG_MAX     1024  /* bytes of an RSA signature (up to 8192-bit keys) */
#define ALOT_BEACON_URI_MAX     256
#define ALOT_BEACON_CERT_MAX    16384 /* bytes of a certificate's DER */
#define ALOT_BEACON_LIST_VALUES 5     /* previous, hour, day, month, year */

/* statusCode bits (NIST Beacon 2.0 format): */
#define ALOT_BEACON_STATUS_NEW_CHAIN  1u /* the first pulse of a chain: no predecessor */
#define ALOT_BEACON_STATUS_GAP        2u /* more than one period since the predecessor; chain intact */
#define ALOT_BEACON_STATUS_NEW_CERT   4u /* signed with another certificate than the predecessor */

/* One pulse, as parsed.  Hex values are decoded; text is kept as given. */
typedef struct alot_beacon_pulse {
	char uri[ALOT_BEACON_URI_MAX + 1];
	char version[16];                         /* "2.0" */
	uint32_t cipher_suite;                    /* 0 */
	uint32_t period;                          /* milliseconds */
	unsigned char certificate_id[ALOT_BEACON_HASH_LEN];
	uint64_t chain_index;
	uint64_t pulse_index;
	char time_stamp[32];                      /* "2026-07-16T13:49:00.000Z", as served */
	int64_t time_ms;                          /* time_stamp in milliseconds since the epoch */
	unsigned char local_random_value[ALOT_BEACON_HASH_LEN];
	unsigned char external_source_id[ALOT_BEACON_HASH_LEN];
	uint32_t external_status_code;
	unsigned char external_value[ALOT_BEACON_HASH_LEN];
	/* listValues in this order: previous, hour, day, month, year */
	unsigned char list_values[ALOT_BEACON_LIST_VALUES][ALOT_BEACON_HASH_LEN];
	char list_uris[ALOT_BEACON_LIST_VALUES][ALOT_BEACON_URI_MAX + 1];
	unsigned char precommitment_value[ALOT_BEACON_HASH_LEN];
	uint32_t status_code;
	size_t signature_len;
	unsigned char signature[ALOT_BEACON_SIG_MAX];
	unsigned char output_value[ALOT_BEACON_HASH_LEN];
} alot_beacon_pulse;

/*
 * Parse a pulse document of len bytes (at most ALOT_BEACON_PULSE_MAX), as
 * NIST's API serves it: {"pulse": {...}} with every field of the 2.0
 * format, of its JSON type (hex in either case; every value 64 bytes, the
 * signature 1 to ALOT_BEACON_SIG_MAX), listValues the five types once
 * each in any order.  Keys the format does not know are ignored (NIST may
 * add some; the signature covers only the known ones); a key given twice
 * is refused.  ALOT_ERR_INVALID naming the field that is missing or wrong
 * ("pulse field external.statusCode is missing"); out is zeroed then.
 */
alot_code alot_beacon_pulse_parse(const char *json, size_t len, alot_beacon_pulse *out,
                                  alot_error *err) ALOT_WARN_UNUSED;

/*
 * The pulse's serialization that its signature covers (NISTIR 8213,
 * cipher suite 0): every field in the format's order, strings and byte
 * values length-prefixed with a 4-byte big-endian length, integers
 * big-endian.  *out is malloc()ed; the caller frees it.
 */
alot_code alot_beacon_pulse_serialize(const alot_beacon_pulse *pulse, unsigned char **out,
                                      size_t *len, alot_error *err) ALOT_WARN_UNUSED;

/*
 * "2026-07-16T13:49:00.000Z" to milliseconds since the epoch: UTC only
 * ("Z"), the fraction optional (1 to 3 digits), no leap second, years
 * 0000 to 9999.  ALOT_ERR_INVALID otherwise.
 */
alot_code alot_beacon_time_parse(const char *text, int64_t *ms, alot_error *err) ALOT_WARN_UNUSED;

/* ---- trusted certificates ------------------------------------------ */

typedef struct alot_beacon_trust alot_beacon_trust;

/* An empty store; NULL when out of memory. */
alot_beacon_trust *alot_beacon_trust_new(void);
void alot_beacon_trust_free(alot_beacon_trust *trust);
/*
 * Add the certificate NIST's beacon signs with that this build ships
 * (engine.beacon.nist.gov, certificateId 528943a5...; the one in
 * ../shared/data/nist-beacon/).
 */
alot_code alot_beacon_trust_add_builtin(alot_beacon_trust *trust, alot_error *err) ALOT_WARN_UNUSED;
/*
 * Add every certificate of a PEM text (LF or CRLF lines, several
 * certificates), or one DER certificate, of len bytes.  ALOT_ERR_INVALID
 * when there is none, one is malformed, or its key is not RSA; a
 * certificate already trusted is not added twice.
 */
alot_code alot_beacon_trust_add(alot_beacon_trust *trust, const unsigned char *data, size_t len,
                                alot_error *err) ALOT_WARN_UNUSED;
#define ALOT_BEACON_CERT_FILE_MAX (4 * ALOT_BEACON_CERT_MAX) /* bytes of one certificate file */
/*
 * A new store trusting the built-in certificate and those of each of the
 * n files (PEM or DER, at most ALOT_BEACON_CERT_FILE_MAX bytes each); free
 * it with alot_beacon_trust_free().  NULL on failure, with *failed the
 * index of the file that failed (n when none did): ALOT_ERR_IO (err naming
 * the file) when it cannot be read, ALOT_ERR_INVALID (err saying what,
 * not naming the file) when it is too long or holds no certificate.
 */
alot_beacon_trust *alot_beacon_trust_load(const char *const *files, size_t n, size_t *failed,
                                          alot_error *err) ALOT_WARN_UNUSED;
/* 1 when a certificate with this certificateId is trusted. */
int alot_beacon_trust_has(const alot_beacon_trust *trust,
                          const unsigned char id[ALOT_BEACON_HASH_LEN]);
/* SHA-512 of a certificate's DER bytes. */
void alot_beacon_certificate_id(const unsigned char *der, size_t len,
                                unsigned char out[ALOT_BEACON_HASH_LEN]);

/* ---- checks --------------------------------------------------------- */

typedef enum alot_beacon_verdict {
	ALOT_BEACON_OK = 0,
	ALOT_BEACON_UNKNOWN_CERTIFICATE, /* certificateId is not in the store: nothing else was checked */
	ALOT_BEACON_UNSUPPORTED,         /* a version or cipher suite this verifier does not know */
	ALOT_BEACON_BAD_SIGNATURE,       /* the signature does not verify over the serialization */
	ALOT_BEACON_BAD_OUTPUT           /* outputValue is not SHA-512(serialization || signature), no LP */
} alot_beacon_verdict;

/*
 * Check one pulse on its own, in this order: its version ("2.0") and
 * cipher suite (0), its certificate (trusted by certificateId), the
 * signature over the serialization, and outputValue.  The first that
 * fails is the verdict.  why (may be NULL) gets a lowercase sentence
 * naming what failed ("" when ALOT_BEACON_OK).  Certificate validity
 * dates are not checked: trust is by certificateId alone.
 */
alot_beacon_verdict alot_beacon_pulse_check(const alot_beacon_pulse *pulse,
                                            const alot_beacon_trust *trust,
                                            char *why, size_t why_len) ALOT_WARN_UNUSED;

/*
 * Check that next follows prev in one chain: the same chainIndex,
 * pulseIndex one more, a later timeStamp, next's "previous" list value
 * equal to prev's outputValue, prev's precommitmentValue equal to
 * SHA-512(next's localRandomValue), and next not the first of a chain
 * (status bit ALOT_BEACON_STATUS_NEW_CHAIN).  Returns 1 when every one
 * holds; else 0 and why names the first that does not.
 */
int alot_beacon_pulses_linked(const alot_beacon_pulse *prev, const alot_beacon_pulse *next,
                              char *why, size_t why_len) ALOT_WARN_UNUSED;


/* ---- the rule (docs/protocol.md section 12) ------------------------- */

/*
 * A beacon rule, parsed.  "none", or
 * "nist-beacon-2.0:chain=C:after=freeze:policy=HEX": the value is the
 * outputValue of the first pulse of NIST chain C whose timeStamp is after
 * the freeze record's log time under the witness policy whose hash
 * (alot_witness_policy_hash) is HEX.
 */
typedef enum alot_beacon_kind {
	ALOT_BEACON_NONE = 0,
	ALOT_BEACON_NIST = 1
} alot_beacon_kind;

typedef struct alot_beacon_rule {
	alot_beacon_kind kind;
	uint64_t chain;                                /* ALOT_BEACON_NIST */
	unsigned char policy_hash[32];                 /* ALOT_BEACON_NIST */
} alot_beacon_rule;

/* ALOT_ERR_INVALID, naming what is wrong, when text is no rule this implementation knows. */
alot_code alot_beacon_rule_parse(const char *text, alot_beacon_rule *out,
                                 alot_error *err) ALOT_WARN_UNUSED;
/* The rule's text (buf of ALOT_BEACON_RULE_MAX + 1 bytes) for chain and a policy's hash. */
void alot_beacon_rule_format(uint64_t chain, const unsigned char policy_hash[32], char *buf,
                             size_t len);

#define ALOT_WITNESS_POLICY_MAX 4096  /* bytes of a witness policy's text */

/*
 * A witness policy's text: "log VKEY\n", one "witness VKEY\n" per witness
 * (1 to ALOT_TLOG_MAX_WITNESSES, no key twice), then "quorum K\n" with
 * 1 <= K <= the number of witnesses.  Parsed strictly into out (the log
 * key must be an Ed25519 note key, the witnesses cosignature/v1 keys).
 */
alot_code alot_witness_policy_parse(const char *text, size_t len, alot_tlog_policy *out,
                                    alot_error *err) ALOT_WARN_UNUSED;
/* SHA-256( LP("ALOT-v2/witness-policy") || LP(text) ). */
void alot_witness_policy_hash(const char *text, size_t len, unsigned char out[32]);

#ifdef __cplusplus
}
#endif

#endif /* ALOT_BEACON_H */
