/*
 * note.c - C2SP signed notes (c2sp.org/signed-note): strict parsing,
 * verification against known keys, Ed25519 signing and cosignature/v1
 * (c2sp.org/tlog-cosignature) timestamped cosigning; verifier keys
 * (vkeys); and the checkpoint text (c2sp.org/tlog-checkpoint).
 *
 * Byte for byte the formats of golang.org/x/mod/sumdb/note, parsed more
 * strictly: base64 must be canonical, and a known key whose signature
 * does not verify rejects the whole note.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "alot/note.h"
#include "encoding.h"

#define SIG_PREFIX      "\xe2\x80\x94 " /* U+2014 EM DASH, space */
#define SIG_PREFIX_LEN  4
#define KEY_ID_BYTES    4
#define COSIG_TS_BYTES  8
#define COSIG_SIG_LEN   (COSIG_TS_BYTES + ALOT_SIG_LEN)
#define COSIG_HEADER    "cosignature/v1\ntime "
#define TIMESTAMP_MAX   UINT64_C(0x7fffffffffffffff)
#define VKEY_MAX        (ALOT_NOTE_NAME_MAX + 1 + 8 + 1 + 48)

/* ---- text rules ------------------------------------------------------ */

/*
 * The length (1..4) of the well-formed UTF-8 sequence at p (n bytes
 * available), its code point into *cp; 0 when it is not well-formed
 * (overlong, surrogate, beyond U+10FFFF, truncated).
 */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, c = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Unicode White_Space, as Go's unicode.IsSpace (which sumdb/note uses). */
static int
is_unicode_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/*
 * ALOT_OK when len bytes at s are valid UTF-8 without control characters
 * other than newline (newline too when allow_newline is 0).  what names s.
 */
static alot_code
check_text(const char *s, size_t len, int allow_newline, const char *what, alot_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0)
			return alot_error_set(err, ALOT_ERR_INVALID, "%s is not valid UTF-8 at byte %zu",
			                      what, i + 1);
		if (c < 0x20 && !(c == '\n' && allow_newline))
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "%s has a control character at byte %zu", what, i + 1);
		i += n;
	}
	return ALOT_OK;
}

/* 1 when len bytes at s are a key name: non-empty, no Unicode space, no '+'. */
static int
valid_name(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t c;

	if (len == 0 || len > ALOT_NOTE_NAME_MAX)
		return 0;
	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0 || c < 0x20 || c == '+' || is_unicode_space(c))
			return 0;
		i += n;
	}
	return 1;
}

/* ALOT_OK when text (len bytes) can be signed: a note text ending in a newline. */
static alot_code
check_note_text(const char *text, size_t len, alot_error *err)
{
	if (len == 0 || text[len - 1] != '\n')
		return alot_error_set(err, ALOT_ERR_INVALID, "the note text does not end in a newline");
	if (len > ALOT_NOTE_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the note text is longer than %d bytes",
		                      ALOT_NOTE_MAX);
	return check_text(text, len, 1, "the note text", err);
}

/* ---- key ids and vkeys ------------------------------------------------ */

uint32_t
alot_note_key_id(const char *name, unsigned char alg, const unsigned char key[ALOT_PUBKEY_LEN])
{
	unsigned char digest[ALOT_HASH_LEN] = {0};
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const unsigned char newline = '\n';

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, name, strlen(name)) != 1 ||
	    EVP_DigestUpdate(ctx, &newline, 1) != 1 || EVP_DigestUpdate(ctx, &alg, 1) != 1 ||
	    EVP_DigestUpdate(ctx, key, ALOT_PUBKEY_LEN) != 1 ||
	    EVP_DigestFinal_ex(ctx, digest, NULL) != 1)
		memset(digest, 0, sizeof(digest)); /* no key has id 0 by accident but a 2^-32 chance */
	EVP_MD_CTX_free(ctx);
	return Alot_get_u32(digest);
}

static int
known_alg(unsigned char alg)
{
	return alg == ALOT_NOTE_ALG_ED25519 || alg == ALOT_NOTE_ALG_COSIG_V1;
}

/* The parts of a vkey: name, "+", 8 hex digits, "+", base64. */
static alot_code
split_vkey(const char *text, size_t len, size_t *name_len, char hex[9], const char **b64,
           size_t *b64_len, alot_error *err)
{
	const char *plus = memchr(text, '+', len);
	size_t n;

	if (plus == NULL)
		return alot_error_set(err, ALOT_ERR_INVALID, "the verifier key has no \"+\" after its name");
	n = (size_t)(plus - text);
	if (!valid_name(text, n))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the verifier key's name is empty, too long or has a space or a control character");
	if (len - n < 10 || text[n + 9] != '+')
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the verifier key's key id is not 8 hex digits followed by \"+\"");
	memcpy(hex, text + n + 1, 8);
	hex[8] = '\0';
	*name_len = n;
	*b64 = text + n + 10;
	*b64_len = len - n - 10;
	return ALOT_OK;
}

alot_code
alot_note_verifier_parse(const char *text, size_t len, alot_note_verifier *out,
                         alot_error *err)
{
	unsigned char id[4], material[1 + ALOT_PUBKEY_LEN];
	char hex[9];
	const char *b64 = NULL;
	size_t name_len = 0, b64_len = 0, n;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > VKEY_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the verifier key is too long");
	if ((rc = split_vkey(text, len, &name_len, hex, &b64, &b64_len, err)) != ALOT_OK)
		goto out;
	if ((rc = alot_hex_decode(hex, id, sizeof(id), err)) != ALOT_OK) {
		alot_error_prefix(err, "the verifier key's key id");
		goto out;
	}
	rc = alot_base64_decode(b64, b64_len, material, sizeof(material), &n, err);
	if (rc == ALOT_OK && n != sizeof(material))
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the verifier key's key is %zu bytes, not %zu",
		                    n, sizeof(material));
	if (rc != ALOT_OK) {
		alot_error_prefix(err, "the verifier key");
		goto out;
	}
	if (!known_alg(material[0])) {
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "the verifier key's algorithm 0x%02x is not Ed25519 (0x01) or cosignature/v1 (0x04)",
		                    material[0]);
		goto out;
	}
	memcpy(out->name, text, name_len);
	out->name[name_len] = '\0';
	out->alg = material[0];
	memcpy(out->key, material + 1, ALOT_PUBKEY_LEN);
	out->key_id = Alot_get_u32(id);
	if (alot_note_key_id(out->name, out->alg, out->key) != out->key_id)
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "the verifier key's key id %s is not the id of its name and key", hex);
out:
	if (rc != ALOT_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

alot_code
alot_note_verifier_format(const char *name, unsigned char alg, const alot_public_key *key,
                          char **text, alot_error *err)
{
	unsigned char material[1 + ALOT_PUBKEY_LEN];
	char *b64 = NULL, *s = NULL;
	size_t cap;
	alot_code rc;

	*text = NULL;
	if (!valid_name(name, strlen(name)))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "key name \"%s\" is empty, too long or has a space, a \"+\" or a control character",
		                      name);
	if (!known_alg(alg))
		return alot_error_set(err, ALOT_ERR_INVALID, "signature type 0x%02x is not supported", alg);
	material[0] = alg;
	memcpy(material + 1, key->raw, ALOT_PUBKEY_LEN);
	if ((rc = alot_base64_encode(material, sizeof(material), &b64, err)) != ALOT_OK)
		goto out;
	cap = strlen(name) + 1 + 8 + 1 + strlen(b64) + 1;
	if ((s = malloc(cap)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory formatting a verifier key");
		goto out;
	}
	snprintf(s, cap, "%s+%08" PRIx32 "+%s", name, alot_note_key_id(name, alg, key->raw), b64);
	*text = s;
out:
	free(b64);
	return rc;
}

/* ---- parsing ------------------------------------------------------------ */

/* The last "\n\n" in msg (len bytes): the offset of its first newline, or -1. */
static long
last_blank_line(const char *msg, size_t len)
{
	size_t i;

	for (i = len; i >= 2; i--)
		if (msg[i - 2] == '\n' && msg[i - 1] == '\n')
			return (long)(i - 2);
	return -1;
}

/* Parse one signature line (without its newline) into sig; buf holds its decoding. */
static alot_code
parse_signature_line(const char *line, size_t len, unsigned char *buf, size_t cap,
                     alot_note_signature *sig, alot_error *err)
{
	const char *name = line + SIG_PREFIX_LEN, *space, *b64;
	size_t name_len, b64_len, n;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "a signature line does not start with an em dash and a space");
	space = memchr(name, ' ', len - SIG_PREFIX_LEN);
	if (space == NULL)
		return alot_error_set(err, ALOT_ERR_INVALID, "a signature line has no space after its key name");
	name_len = (size_t)(space - name);
	b64 = space + 1;
	b64_len = len - SIG_PREFIX_LEN - name_len - 1;
	if (!valid_name(name, name_len))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "a signature line's key name is empty, too long or has a space or a \"+\"");
	if (alot_base64_decode(b64, b64_len, buf, cap, &n, err) != ALOT_OK)
		return alot_error_prefix(err, "the signature of \"%.*s\"", (int)name_len, name);
	if (n < KEY_ID_BYTES + 1)
		return alot_error_set(err, ALOT_ERR_INVALID, "the signature of \"%.*s\" is shorter than 5 bytes",
		                      (int)name_len, name);
	memcpy(sig->name, name, name_len);
	sig->name[name_len] = '\0';
	sig->key_id = Alot_get_u32(buf);
	sig->sig_len = n - KEY_ID_BYTES;
	sig->oversized = sig->sig_len > ALOT_NOTE_SIG_MAX;
	if (!sig->oversized)
		memcpy(sig->sig, buf + KEY_ID_BYTES, sig->sig_len);
	return ALOT_OK;
}

static alot_code
parse_signatures(const char *sigs, size_t len, alot_note *out, alot_error *err)
{
	size_t cap = len / 4 * 3 + 3, at = 0;
	unsigned char *buf = malloc(cap);
	alot_code rc = ALOT_OK;

	if (buf == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory parsing a note");
	while (at < len) {
		const char *nl = memchr(sigs + at, '\n', len - at); /* found: sigs ends in '\n' */
		size_t line_len = (size_t)(nl - (sigs + at));

		if (out->sig_count == ALOT_NOTE_MAX_SIGS) {
			rc = alot_error_set(err, ALOT_ERR_INVALID, "the note has more than %d signatures",
			                    ALOT_NOTE_MAX_SIGS);
			goto out;
		}
		rc = parse_signature_line(sigs + at, line_len, buf, cap, &out->sigs[out->sig_count], err);
		if (rc != ALOT_OK)
			goto out;
		out->sig_count++;
		at += line_len + 1;
	}
out:
	free(buf);
	return rc;
}

alot_code
alot_note_parse(const char *msg, size_t len, alot_note *out, alot_error *err)
{
	long split;
	size_t text_len;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (len > ALOT_NOTE_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the note is longer than %d bytes", ALOT_NOTE_MAX);
	if ((rc = check_text(msg, len, 1, "the note", err)) != ALOT_OK)
		return rc;
	split = last_blank_line(msg, len);
	if (split < 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "the note has no blank line before its signatures");
	text_len = (size_t)split + 1;
	if (text_len + 1 == len || msg[len - 1] != '\n')
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the note's signatures are missing or do not end in a newline");
	if ((rc = parse_signatures(msg + text_len + 1, len - text_len - 1, out, err)) != ALOT_OK)
		goto out;
	if ((out->text = malloc(text_len + 1)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory parsing a note");
		goto out;
	}
	memcpy(out->text, msg, text_len);
	out->text[text_len] = '\0';
	out->text_len = text_len;
out:
	if (rc != ALOT_OK)
		alot_note_free(out);
	return rc;
}

void
alot_note_free(alot_note *note)
{
	if (note == NULL)
		return;
	free(note->text);
	memset(note, 0, sizeof(*note));
}

/* ---- verification ------------------------------------------------------ */

/* "cosignature/v1\ntime T\n" || text, malloc()ed, its length into *len. */
static unsigned char *
cosigned_message(uint64_t timestamp, const char *text, size_t text_len, size_t *len)
{
	char header[64];
	int h = snprintf(header, sizeof(header), COSIG_HEADER "%" PRIu64 "\n", timestamp);
	unsigned char *msg = malloc((size_t)h + text_len);

	if (msg == NULL)
		return NULL;
	memcpy(msg, header, (size_t)h);
	memcpy(msg + h, text, text_len);
	*len = (size_t)h + text_len;
	return msg;
}

static uint64_t
get_u64(const unsigned char *p)
{
	return (uint64_t)Alot_get_u32(p) << 32 | Alot_get_u32(p + 4);
}

/* Verify one signature line that matches verifier v; its timestamp into *ts. */
static alot_code
verify_one(const alot_note *note, const alot_note_signature *sig, const alot_note_verifier *v,
           uint64_t *ts, alot_error *err)
{
	alot_public_key pub;
	unsigned char *msg = NULL;
	size_t msg_len = 0;
	alot_code rc = ALOT_ERR_VERIFY;

	memset(&pub, 0, sizeof(pub));
	memcpy(pub.raw, v->key, ALOT_PUBKEY_LEN);
	*ts = 0;
	if (v->alg == ALOT_NOTE_ALG_ED25519) {
		if (sig->oversized || sig->sig_len != ALOT_SIG_LEN)
			goto out;
		rc = alot_verify_signature(&pub, (const unsigned char *)note->text, note->text_len,
		                           sig->sig, err);
	} else if (v->alg == ALOT_NOTE_ALG_COSIG_V1) {
		if (sig->oversized || sig->sig_len != COSIG_SIG_LEN || get_u64(sig->sig) > TIMESTAMP_MAX)
			goto out;
		if ((msg = cosigned_message(get_u64(sig->sig), note->text, note->text_len, &msg_len)) == NULL) {
			rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory verifying a cosignature");
			goto out;
		}
		rc = alot_verify_signature(&pub, msg, msg_len, sig->sig + COSIG_TS_BYTES, err);
		if (rc == ALOT_OK)
			*ts = get_u64(sig->sig);
	} else {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "verifier key \"%s\" has unsupported type 0x%02x",
		                    v->name, v->alg);
	}
out:
	if (rc == ALOT_ERR_VERIFY)
		alot_error_set(err, rc, "the signature of known key \"%s\" (%08" PRIx32 ") does not verify",
		               v->name, v->key_id);
	free(msg);
	return rc;
}

alot_code
alot_note_verify(const alot_note *note, const alot_note_verifier *verifiers, size_t n,
                 int *verified, uint64_t *timestamps, alot_error *err)
{
	size_t s, k;
	uint64_t ts;
	alot_code rc = ALOT_OK;

	for (k = 0; k < n; k++) {
		verified[k] = 0;
		if (timestamps != NULL)
			timestamps[k] = 0;
	}
	for (s = 0; s < note->sig_count; s++) {
		const alot_note_signature *sig = &note->sigs[s];

		for (k = 0; k < n; k++) {
			if (verifiers[k].key_id != sig->key_id || strcmp(verifiers[k].name, sig->name) != 0)
				continue;
			if ((rc = verify_one(note, sig, &verifiers[k], &ts, err)) != ALOT_OK)
				goto out;
			if (verified[k])
				continue; /* a repeated signature: the first one counts */
			verified[k] = 1;
			if (timestamps != NULL)
				timestamps[k] = ts;
		}
	}
out:
	if (rc != ALOT_OK)
		for (k = 0; k < n; k++)
			verified[k] = 0;
	return rc;
}

/* ---- signing ------------------------------------------------------------ */

/* "— name base64(bytes)\n" into *line. */
static alot_code
signature_line(const char *name, const unsigned char *bytes, size_t len, char **line,
               alot_error *err)
{
	char *b64 = NULL, *s;
	size_t cap;
	alot_code rc;

	if ((rc = alot_base64_encode(bytes, len, &b64, err)) != ALOT_OK)
		return rc;
	cap = SIG_PREFIX_LEN + strlen(name) + 1 + strlen(b64) + 2;
	if ((s = malloc(cap)) == NULL)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory signing a note");
	else
		snprintf(s, cap, SIG_PREFIX "%s %s\n", name, b64);
	*line = s;
	free(b64);
	return rc;
}

static alot_code
check_signer_name(const char *name, alot_error *err)
{
	if (!valid_name(name, strlen(name)))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "key name \"%s\" is empty, too long or has a space, a \"+\" or a control character",
		                      name);
	return ALOT_OK;
}

alot_code
alot_note_sign_line(const alot_signing_key *key, const char *name, const char *text,
                    size_t len, char **line, alot_error *err)
{
	unsigned char bytes[KEY_ID_BYTES + ALOT_SIG_LEN];
	alot_public_key pub;
	alot_code rc;

	*line = NULL;
	if ((rc = check_signer_name(name, err)) != ALOT_OK ||
	    (rc = check_note_text(text, len, err)) != ALOT_OK)
		return rc;
	alot_signing_key_public(key, &pub);
	Alot_put_u32(bytes, 0, alot_note_key_id(name, ALOT_NOTE_ALG_ED25519, pub.raw));
	if ((rc = alot_sign(key, (const unsigned char *)text, len, bytes + KEY_ID_BYTES, err)) != ALOT_OK)
		return rc;
	return signature_line(name, bytes, sizeof(bytes), line, err);
}

alot_code
alot_note_cosign_line(const alot_signing_key *key, const char *name, const char *text,
                      size_t len, uint64_t timestamp, char **line, alot_error *err)
{
	unsigned char bytes[KEY_ID_BYTES + COSIG_SIG_LEN], *msg = NULL;
	alot_public_key pub;
	size_t msg_len = 0;
	alot_code rc;

	*line = NULL;
	if ((rc = check_signer_name(name, err)) != ALOT_OK ||
	    (rc = check_note_text(text, len, err)) != ALOT_OK)
		goto out;
	if (timestamp < 1 || timestamp > TIMESTAMP_MAX) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "cosignature timestamp %" PRIu64
		                    " is outside 1 .. 2^63-1", timestamp);
		goto out;
	}
	if ((msg = cosigned_message(timestamp, text, len, &msg_len)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory cosigning a note");
		goto out;
	}
	alot_signing_key_public(key, &pub);
	Alot_put_u32(bytes, 0, alot_note_key_id(name, ALOT_NOTE_ALG_COSIG_V1, pub.raw));
	Alot_put_u64(bytes, KEY_ID_BYTES, timestamp);
	rc = alot_sign(key, msg, msg_len, bytes + KEY_ID_BYTES + COSIG_TS_BYTES, err);
	if (rc == ALOT_OK)
		rc = signature_line(name, bytes, sizeof(bytes), line, err);
out:
	free(msg);
	return rc;
}

/* ---- checkpoints -------------------------------------------------------- */

/* The decimal of len bytes at s, without leading zeroes, into *v. */
static int
parse_decimal(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (len == 0 || (s[0] == '0' && len > 1))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return 0;
		d = (unsigned)(s[i] - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return 0;
		*v = *v * 10 + d;
	}
	return 1;
}

/* The next line of text at *at (without its newline); 0 when there is none. */
static int
next_line(const char *text, size_t len, size_t *at, const char **line, size_t *line_len)
{
	const char *nl;

	if (*at >= len || (nl = memchr(text + *at, '\n', len - *at)) == NULL)
		return 0;
	*line = text + *at;
	*line_len = (size_t)(nl - *line);
	*at += *line_len + 1;
	return 1;
}

static alot_code
parse_checkpoint_head(const char *text, size_t len, size_t *at, alot_checkpoint *out,
                      alot_error *err)
{
	const char *line;
	size_t n, got;

	if (!next_line(text, len, at, &line, &n) || n == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint has no origin line");
	if (n > ALOT_NOTE_NAME_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint's origin is longer than %d bytes",
		                      ALOT_NOTE_NAME_MAX);
	memcpy(out->origin, line, n);
	out->origin[n] = '\0';
	if (!next_line(text, len, at, &line, &n) || !parse_decimal(line, n, &out->size))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the checkpoint's second line is not a tree size in decimal without leading zeroes");
	if (!next_line(text, len, at, &line, &n))
		return alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint has no root hash line");
	if (alot_base64_decode(line, n, out->root, ALOT_HASH_LEN, &got, err) != ALOT_OK)
		return alot_error_prefix(err, "the checkpoint's root hash");
	if (got != ALOT_HASH_LEN)
		return alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint's root hash is %zu bytes, not 32", got);
	return ALOT_OK;
}

alot_code
alot_checkpoint_parse(const char *text, size_t len, alot_checkpoint *out, alot_error *err)
{
	const char *line;
	size_t at = 0, n;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (len == 0 || text[len - 1] != '\n') {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint does not end in a newline");
		goto out;
	}
	if ((rc = check_text(text, len, 1, "the checkpoint", err)) != ALOT_OK ||
	    (rc = parse_checkpoint_head(text, len, &at, out, err)) != ALOT_OK)
		goto out;
	while (next_line(text, len, &at, &line, &n)) {
		if (n == 0) {
			rc = alot_error_set(err, ALOT_ERR_INVALID, "the checkpoint has an empty extension line");
			goto out;
		}
		out->extension_lines++;
	}
out:
	if (rc != ALOT_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

alot_code
alot_checkpoint_format(const alot_checkpoint *cp, char **text, alot_error *err)
{
	char *b64 = NULL, *s;
	size_t cap, olen = strnlen(cp->origin, sizeof(cp->origin));
	alot_code rc;

	*text = NULL;
	if (olen == 0 || olen > ALOT_NOTE_NAME_MAX || memchr(cp->origin, '\n', olen) != NULL ||
	    check_text(cp->origin, olen, 0, "the checkpoint's origin", err) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the checkpoint's origin is empty, too long or has a control character");
	if ((rc = alot_base64_encode(cp->root, ALOT_HASH_LEN, &b64, err)) != ALOT_OK)
		return rc;
	cap = olen + 1 + 20 + 1 + strlen(b64) + 2;
	if ((s = malloc(cap)) == NULL)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory formatting a checkpoint");
	else
		snprintf(s, cap, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, b64);
	*text = s;
	free(b64);
	return rc;
}
