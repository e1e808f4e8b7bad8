/*
 * alot/crypto.h - the cryptographic primitives of libalot (OpenSSL 3).
 *
 * Part of the core: no libpq, no libcurl.  Secrets (signing keys, seal
 * keys, server seeds) live only in memory this library wipes with
 * OPENSSL_cleanse() on every path; comparisons of secret or
 * authenticating values use CRYPTO_memcmp().
 *
 * Ownership: a function that returns an object through "**out" transfers
 * it to the caller, who releases it with the matching _free(); _free(NULL)
 * is a no-op.  Fixed-size outputs go to caller-provided buffers.
 */
#ifndef ALOT_CRYPTO_H
#define ALOT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "alot/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_HASH_LEN        32 /* SHA-256 */
#define ALOT_SEED_LEN        32 /* server seed */
#define ALOT_PUBKEY_LEN      32 /* raw Ed25519 public key */
#define ALOT_SIG_LEN         64 /* Ed25519 signature */
#define ALOT_KEY_ID_LEN       8 /* bytes; 16 hex characters in records */
#define ALOT_SEAL_KEY_LEN    32 /* AES-256 */
#define ALOT_SEAL_NONCE_LEN  12 /* GCM nonce */
#define ALOT_SEAL_TAG_LEN    16 /* GCM tag */

/* ---- hashing, randomness, memory ------------------------------------ */

/* SHA-256 of len bytes at data into out. */
void alot_sha256(const void *data, size_t len, unsigned char out[ALOT_HASH_LEN]);

/* len bytes from OpenSSL's CSPRNG (RAND_priv_bytes). */
alot_code alot_random_bytes(unsigned char *buf, size_t len, alot_error *err) ALOT_WARN_UNUSED;

/* Constant-time equality of two len-byte buffers (CRYPTO_memcmp): 1 equal, 0 not. */
int alot_ct_equal(const void *a, const void *b, size_t len) ALOT_WARN_UNUSED;

/* Wipe len bytes at p (OPENSSL_cleanse); the compiler cannot drop it. */
void alot_wipe(void *p, size_t len);

/* ---- hex ----------------------------------------------------------- */

/* Lowercase hex of len bytes into out, which holds 2*len+1 chars. */
void alot_hex_encode(const unsigned char *in, size_t len, char *out);

/*
 * Strict decode: exactly 2*outlen lowercase hex digits, nothing else.
 * ALOT_ERR_INVALID (err names what is wrong) on any other input.
 */
alot_code alot_hex_decode(const char *hex, unsigned char *out, size_t outlen,
                          alot_error *err) ALOT_WARN_UNUSED;

/* ---- base64 (RFC 4648 section 4, with padding) --------------------- */

/* The base64 of len bytes into *out (NUL-terminated, malloc()ed, the caller's). */
alot_code alot_base64_encode(const unsigned char *in, size_t len, char **out,
                             alot_error *err) ALOT_WARN_UNUSED;

/*
 * Strict decode of len characters: the standard alphabet, padding
 * required, no whitespace, and the canonical encoding only (unused bits
 * zero).  At most cap bytes into out, their number into *outlen;
 * ALOT_ERR_INVALID on anything else, including a result longer than cap.
 */
alot_code alot_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
                             size_t *outlen, alot_error *err) ALOT_WARN_UNUSED;

/* ---- Ed25519 signing ------------------------------------------------ */

typedef struct alot_signing_key alot_signing_key; /* opaque, secret */

typedef struct alot_public_key {
	unsigned char raw[ALOT_PUBKEY_LEN];
	unsigned char key_id[ALOT_KEY_ID_LEN]; /* see alot_key_id() */
} alot_public_key;

/*
 * The key id that names a public key in records: the first 8 bytes of
 * SHA-256("ALOT-v1-key-id" as a length-prefixed tag || raw key); the exact
 * encoding is in docs/protocol.md.
 */
void alot_key_id(const unsigned char raw[ALOT_PUBKEY_LEN],
                 unsigned char out[ALOT_KEY_ID_LEN]);

/*
 * Generate an Ed25519 key pair and write the private key (PKCS#8 PEM,
 * mode 0600) to secret_path and the public key (SubjectPublicKeyInfo PEM,
 * mode 0644) to public_path.  Refuses (ALOT_ERR_REFUSED) when either file
 * exists; never leaves a half-written pair behind.
 */
alot_code alot_keygen_write(const char *secret_path, const char *public_path,
                            alot_error *err) ALOT_WARN_UNUSED;

/*
 * Load a private key written by alot_keygen_write().  Refuses
 * (ALOT_ERR_REFUSED) a file that its group or others can read or write.
 */
alot_code alot_signing_key_load(const char *path, alot_signing_key **out,
                                alot_error *err) ALOT_WARN_UNUSED;
void alot_signing_key_free(alot_signing_key *key);
void alot_signing_key_public(const alot_signing_key *key, alot_public_key *out);

/* Load a public key from a PEM file, or from PEM text of len bytes. */
alot_code alot_public_key_load(const char *path, alot_public_key *out,
                               alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_public_key_from_pem(const char *pem, size_t len,
                                   alot_public_key *out, alot_error *err) ALOT_WARN_UNUSED;

/* Ed25519 signature of len bytes of msg (pure Ed25519, no prehash). */
alot_code alot_sign(const alot_signing_key *key, const unsigned char *msg,
                    size_t len, unsigned char sig[ALOT_SIG_LEN],
                    alot_error *err) ALOT_WARN_UNUSED;

/* ALOT_OK when sig is key's signature of msg, else ALOT_ERR_VERIFY. */
alot_code alot_verify_signature(const alot_public_key *key,
                                const unsigned char *msg, size_t len,
                                const unsigned char sig[ALOT_SIG_LEN],
                                alot_error *err) ALOT_WARN_UNUSED;

/* ---- sealing server seeds at rest (AES-256-GCM) -------------------- */

typedef struct alot_seal_key alot_seal_key; /* opaque, secret */

/*
 * Write a new random seal key to path (64 lowercase hex digits and a
 * newline, mode 0600).  Refuses (ALOT_ERR_REFUSED) when path exists.
 */
alot_code alot_seal_key_generate(const char *path, alot_error *err) ALOT_WARN_UNUSED;

/*
 * Load a seal key.  Refuses (ALOT_ERR_REFUSED) a file that its group or
 * others can read or write, and rejects (ALOT_ERR_INVALID) any content
 * but 64 hex digits with an optional trailing newline.
 */
alot_code alot_seal_key_load(const char *path, alot_seal_key **out,
                             alot_error *err) ALOT_WARN_UNUSED;
void alot_seal_key_free(alot_seal_key *key); /* wipes the key */

/*
 * Encrypt len bytes of plain under key with a fresh random nonce, binding
 * aad (associated data, e.g. the room id) into the tag.  Writes len bytes
 * of ciphertext to cipher, the nonce and the tag to their buffers.
 */
alot_code alot_seal(const alot_seal_key *key, const unsigned char *aad,
                    size_t aad_len, const unsigned char *plain, size_t len,
                    unsigned char *cipher,
                    unsigned char nonce[ALOT_SEAL_NONCE_LEN],
                    unsigned char tag[ALOT_SEAL_TAG_LEN],
                    alot_error *err) ALOT_WARN_UNUSED;

/*
 * Decrypt and authenticate.  ALOT_ERR_VERIFY when the key, the aad, the
 * nonce, the tag or the ciphertext is wrong; plain is then wiped.
 */
alot_code alot_unseal(const alot_seal_key *key, const unsigned char *aad,
                      size_t aad_len, const unsigned char *cipher, size_t len,
                      const unsigned char nonce[ALOT_SEAL_NONCE_LEN],
                      const unsigned char tag[ALOT_SEAL_TAG_LEN],
                      unsigned char *plain, alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_CRYPTO_H */
