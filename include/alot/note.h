/*
 * alot/note.h - C2SP signed notes (c2sp.org/signed-note), the checkpoints
 * they carry (c2sp.org/tlog-checkpoint) and witness cosignatures
 * (c2sp.org/tlog-cosignature, cosignature/v1).  The formats of the Go
 * checksum database (golang.org/x/mod/sumdb/note), byte for byte.
 *
 * Part of the core (OpenSSL only).
 * Ownership: alot_note_parse() fills a caller-owned alot_note whose text
 * it allocates; alot_note_free() releases it (and accepts a zeroed note).
 * Strings returned through "char **" are malloc()ed and the caller's to
 * free().  Everything else is a plain value in caller-provided memory.
 */
#ifndef ALOT_NOTE_H
#define ALOT_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "alot/crypto.h"
#include "alot/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALOT_NOTE_MAX          (64 * 1024) /* bytes of a whole signed note */
#define ALOT_NOTE_MAX_SIGS     32          /* signature lines; the spec asks for at least 16 */
#define ALOT_NOTE_NAME_MAX     255         /* bytes of a key name or an origin */
#define ALOT_NOTE_SIG_MAX      72          /* signature bytes after the key id (cosignature/v1) */

/* Signature types (signed-note "Signature types"). */
#define ALOT_NOTE_ALG_ED25519  0x01        /* a log's checkpoint signature */
#define ALOT_NOTE_ALG_COSIG_V1 0x04        /* a witness's timestamped cosignature */

/* A verifier key: "name+hex(key id)+base64(alg || Ed25519 public key)". */
typedef struct alot_note_verifier {
	char name[ALOT_NOTE_NAME_MAX + 1];
	uint32_t key_id;
	unsigned char alg;                   /* ALOT_NOTE_ALG_ED25519 or _COSIG_V1 */
	unsigned char key[ALOT_PUBKEY_LEN];  /* raw Ed25519 public key */
} alot_note_verifier;

/* SHA-256(name || "\n" || alg || key)[:4], big-endian. */
uint32_t alot_note_key_id(const char *name, unsigned char alg,
                          const unsigned char key[ALOT_PUBKEY_LEN]);

/*
 * Parse a vkey of len bytes (a trailing newline is allowed).  Rejects
 * (ALOT_ERR_INVALID) a bad name, an algorithm other than 0x01 and 0x04, a
 * key of the wrong length, and a key id that is not the key's.
 */
alot_code alot_note_verifier_parse(const char *text, size_t len, alot_note_verifier *out,
                                   alot_error *err) ALOT_WARN_UNUSED;

/* The vkey of a public key under name for alg, without newline, into *text. */
alot_code alot_note_verifier_format(const char *name, unsigned char alg,
                                    const alot_public_key *key, char **text,
                                    alot_error *err) ALOT_WARN_UNUSED;

/* One signature line: "— name base64(key id || sig)". */
typedef struct alot_note_signature {
	char name[ALOT_NOTE_NAME_MAX + 1];
	uint32_t key_id;
	size_t sig_len;                      /* bytes after the key id */
	unsigned char sig[ALOT_NOTE_SIG_MAX]; /* longer signatures are kept as unknown */
	int oversized;                       /* 1 when the signature was longer than sig */
} alot_note_signature;

typedef struct alot_note {
	char *text;                          /* the note text, final newline included */
	size_t text_len;
	size_t sig_count;
	alot_note_signature sigs[ALOT_NOTE_MAX_SIGS];
} alot_note;

/*
 * Parse a signed note of len bytes, strictly as signed-note says: valid
 * UTF-8, no control characters but newline, text ending in a newline, the
 * last blank line separating the signatures, one or more well-formed
 * signature lines, at most ALOT_NOTE_MAX bytes and ALOT_NOTE_MAX_SIGS
 * signatures.  ALOT_ERR_INVALID (err naming what is wrong) otherwise.
 */
alot_code alot_note_parse(const char *msg, size_t len, alot_note *out,
                          alot_error *err) ALOT_WARN_UNUSED;
void alot_note_free(alot_note *note);

/*
 * Check note's signatures against the n known verifiers, as signed-note
 * and tlog-cosignature require: lines whose name and key id match no
 * verifier are ignored; a line that matches one must verify, or the whole
 * note is rejected (ALOT_ERR_VERIFY, err naming the key).  On ALOT_OK,
 * verified[i] is 1 when verifiers[i] signed the note, and, when
 * timestamps is not NULL, timestamps[i] is that cosignature's time
 * (cosignature/v1 only; 0 for Ed25519).  Verifying nothing is not an
 * error here: the caller applies its policy to verified[].  A key that
 * signed twice must verify both times; the first line's timestamp counts.
 * On an error, verified[] is all 0.
 */
alot_code alot_note_verify(const alot_note *note, const alot_note_verifier *verifiers,
                           size_t n, int *verified, uint64_t *timestamps,
                           alot_error *err) ALOT_WARN_UNUSED;

/*
 * The signature line ("— name base64...\n", newline included) of text
 * (len bytes, a note text ending in a newline) by key under name:
 * Ed25519 over the text (alot_note_sign_line), or a cosignature/v1 at
 * timestamp (POSIX seconds, 1 .. 2^63-1) over "cosignature/v1\ntime T\n"
 * followed by the text (alot_note_cosign_line).
 */
alot_code alot_note_sign_line(const alot_signing_key *key, const char *name,
                              const char *text, size_t len, char **line,
                              alot_error *err) ALOT_WARN_UNUSED;
alot_code alot_note_cosign_line(const alot_signing_key *key, const char *name,
                                const char *text, size_t len, uint64_t timestamp,
                                char **line, alot_error *err) ALOT_WARN_UNUSED;

/* ---- checkpoints (c2sp.org/tlog-checkpoint) ------------------------ */

typedef struct alot_checkpoint {
	char origin[ALOT_NOTE_NAME_MAX + 1];
	uint64_t size;
	unsigned char root[ALOT_HASH_LEN];
	size_t extension_lines;              /* opaque lines after the root, kept in the text */
} alot_checkpoint;

/*
 * Parse a checkpoint's note text (len bytes, the text of a parsed note):
 * a non-empty origin, the size in decimal without leading zeroes, the
 * root in base64 (32 bytes), then any non-empty extension lines.
 */
alot_code alot_checkpoint_parse(const char *text, size_t len, alot_checkpoint *out,
                                alot_error *err) ALOT_WARN_UNUSED;

/* The note text of a checkpoint without extension lines: "origin\nsize\nroot\n". */
alot_code alot_checkpoint_format(const alot_checkpoint *cp, char **text,
                                 alot_error *err) ALOT_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif /* ALOT_NOTE_H */
