/*
 * crypto.c - SHA-256, randomness, hex, Ed25519 keys and signatures, and
 * AES-256-GCM sealing of server seeds, on OpenSSL 3.
 *
 * Every secret passes through memory this file wipes (OPENSSL_cleanse) on
 * every path; key files that their group or others can read are refused.
 */
/*
 * SHA-256 uses OpenSSL's low-level SHA256_Init/Update/Final, which 3.0
 * deprecates in favour of EVP; see alot_sha256() for why.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "alot/crypto.h"
#include "encoding.h"

struct alot_signing_key {
	EVP_PKEY *pkey;
};

struct alot_seal_key {
	unsigned char key[ALOT_SEAL_KEY_LEN];
};

/* Key files are small; anything larger is not one of ours. */
#define KEY_FILE_MAX 4096

/*
 * The Merkle tree hashes two short inputs (a 41-byte leaf, a 65-byte node)
 * per ticket range, millions per draw.  Through EVP each hash allocates a
 * context and OpenSSL 3's one-shot SHA256() also fetches the algorithm, and
 * that costs more than the one or two blocks hashed.  The low-level
 * interface keeps its context on the stack and calls the same block
 * function, so it gives the same digest at close to the bulk rate
 * (bench/README.md, "the Merkle tree").
 */
void
alot_sha256(const void *data, size_t len, unsigned char out[ALOT_HASH_LEN])
{
	SHA256_CTX ctx;

	SHA256_Init(&ctx);
	SHA256_Update(&ctx, data, len);
	SHA256_Final(out, &ctx);
	OPENSSL_cleanse(&ctx, sizeof(ctx)); /* the input may be a seed */
}

alot_code
alot_random_bytes(unsigned char *buf, size_t len, alot_error *err)
{
	if (len > (size_t)INT32_MAX || RAND_priv_bytes(buf, (int)len) != 1)
		return alot_error_set(err, ALOT_ERR_CRYPTO, "the random number generator failed");
	return ALOT_OK;
}

int
alot_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
alot_wipe(void *p, size_t len)
{
	if (p != NULL)
		OPENSSL_cleanse(p, len);
}

/* ---- hex ----------------------------------------------------------- */

void
alot_hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

alot_code
alot_hex_decode(const char *hex, unsigned char *out, size_t outlen, alot_error *err)
{
	size_t i, len = strlen(hex);

	if (len != 2 * outlen)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "expected %zu hex digits, found %zu characters",
		                      2 * outlen, len);
	for (i = 0; i < outlen; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "invalid character at position %zu: only lowercase hex digits are allowed",
			                      hi < 0 ? 2 * i + 1 : 2 * i + 2);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return ALOT_OK;
}

/* ---- key files ----------------------------------------------------- */

/* A PEM public key, where a secret was expected: said so, rather than "its mode". */
static int
holds_public_key(const unsigned char *buf, size_t len)
{
	static const char pem[] = "-----BEGIN PUBLIC KEY-----";

	return memmem(buf, len, pem, sizeof(pem) - 1) != NULL;
}

/*
 * Read a secret key file into buf (wiped by the caller), refusing one that
 * its group or others can access.  A symbolic link is followed (secrets
 * are often mounted as links): the mode is checked on the file opened,
 * its target, so a swap between check and read is not possible.
 */
static alot_code
read_secret_file(const char *path, unsigned char *buf, size_t cap, size_t *len,
                 alot_error *err)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	alot_code rc = ALOT_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return alot_error_set(err, ALOT_ERR_NOT_FOUND, "key file \"%s\" does not exist", path);
		return alot_error_set(err, ALOT_ERR_IO, "could not open key file \"%s\": %s",
		                      path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "key file \"%s\" is not a regular file", path);
		goto out;
	}
	while ((n = read(fd, buf + got, cap - got)) > 0 && got + (size_t)n < cap)
		got += (size_t)n;
	if (n < 0) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not read key file \"%s\": %s", path, strerror(errno));
		goto out;
	}
	if (n > 0) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "key file \"%s\" is too large to be a key", path);
		goto out;
	}
	if (holds_public_key(buf, got)) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "key file \"%s\" holds a public key, not a secret one", path);
		alot_error_detail(err, "give the private key made by \"alot-draw keygen --signing-key\"");
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED,
		                    "key file \"%s\" is accessible by its group or others (mode %04o)",
		                    path, (unsigned)(st.st_mode & 07777));
		alot_error_detail(err, "a secret key must be readable by its owner only: chmod 600 \"%s\"", path);
		goto out;
	}
	*len = got;
out:
	if (rc != ALOT_OK)
		alot_wipe(buf, cap);
	close(fd);
	return rc;
}

/* Create path exclusively with mode and write len bytes, fsync'd. */
static alot_code
write_new_file(const char *path, mode_t mode, const void *data, size_t len, alot_error *err)
{
	const unsigned char *p = data;
	size_t done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0) {
		if (errno == EEXIST)
			return alot_error_set(err, ALOT_ERR_REFUSED,
			                      "\"%s\" already exists: refusing to overwrite a key", path);
		return alot_error_set(err, ALOT_ERR_IO, "could not create \"%s\": %s", path, strerror(errno));
	}
	/* The umask may have narrowed the mode; a public key must stay readable. */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return ALOT_OK;
fail:
	alot_error_set(err, ALOT_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(path);
	return ALOT_ERR_IO;
}

/* PEM text of pkey (private when secret) in a buffer the caller wipes and frees. */
static alot_code
pem_of_key(EVP_PKEY *pkey, int secret, char **out, size_t *len, alot_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ok;

	*out = NULL;
	if (bio == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	ok = secret ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)
	            : PEM_write_bio_PUBKEY(bio, pkey);
	n = BIO_get_mem_data(bio, &data);
	if (ok == 1 && n > 0 && (*out = OPENSSL_malloc((size_t)n)) != NULL) {
		memcpy(*out, data, (size_t)n);
		*len = (size_t)n;
	}
	/* The memory BIO's buffer held the private key too. */
	if (n > 0)
		OPENSSL_cleanse(data, (size_t)n);
	BIO_free(bio);
	if (*out == NULL)
		return alot_error_set(err, ALOT_ERR_CRYPTO, "could not encode the key as PEM");
	return ALOT_OK;
}

alot_code
alot_keygen_write(const char *secret_path, const char *public_path, alot_error *err)
{
	EVP_PKEY *pkey = NULL;
	char *secret_pem = NULL, *public_pem = NULL;
	size_t secret_len = 0, public_len = 0;
	struct stat st;
	alot_code rc;

	/* Check both first, so that a refusal leaves neither file touched. */
	if (lstat(secret_path, &st) == 0 || lstat(public_path, &st) == 0)
		return alot_error_set(err, ALOT_ERR_REFUSED,
		                      "\"%s\" already exists: refusing to overwrite a key",
		                      lstat(secret_path, &st) == 0 ? secret_path : public_path);
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (pkey == NULL) {
		rc = alot_error_set(err, ALOT_ERR_CRYPTO, "could not generate an Ed25519 key");
		goto out;
	}
	if ((rc = pem_of_key(pkey, 1, &secret_pem, &secret_len, err)) != ALOT_OK ||
	    (rc = pem_of_key(pkey, 0, &public_pem, &public_len, err)) != ALOT_OK)
		goto out;
	if ((rc = write_new_file(secret_path, 0600, secret_pem, secret_len, err)) != ALOT_OK)
		goto out;
	if ((rc = write_new_file(public_path, 0644, public_pem, public_len, err)) != ALOT_OK)
		unlink(secret_path); /* never leave half a pair */
out:
	if (secret_pem != NULL)
		OPENSSL_clear_free(secret_pem, secret_len);
	OPENSSL_free(public_pem);
	EVP_PKEY_free(pkey);
	return rc;
}

static alot_code
require_ed25519(EVP_PKEY *pkey, const char *what, alot_error *err)
{
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519)
		return alot_error_set(err, ALOT_ERR_INVALID, "%s is not an Ed25519 key", what);
	return ALOT_OK;
}

alot_code
alot_signing_key_load(const char *path, alot_signing_key **out, alot_error *err)
{
	unsigned char buf[KEY_FILE_MAX];
	size_t len = 0;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	alot_code rc;

	*out = NULL;
	if ((rc = read_secret_file(path, buf, sizeof(buf), &len, err)) != ALOT_OK)
		goto out;
	bio = BIO_new_mem_buf(buf, (int)len);
	pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	if (pkey == NULL) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "\"%s\" is not a PEM private key", path);
		goto out;
	}
	if ((rc = require_ed25519(pkey, path, err)) != ALOT_OK)
		goto out;
	if ((*out = OPENSSL_zalloc(sizeof(**out))) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	(*out)->pkey = pkey;
	pkey = NULL;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return rc;
}

void
alot_signing_key_free(alot_signing_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey); /* OpenSSL clears the key material it frees */
	OPENSSL_free(key);
}

void
alot_key_id(const unsigned char raw[ALOT_PUBKEY_LEN], unsigned char out[ALOT_KEY_ID_LEN])
{
	unsigned char buf[64], digest[ALOT_HASH_LEN];
	size_t n = 0;

	n = Alot_put_lp(buf, n, (const unsigned char *)ALOT_TAG_KEY_ID, strlen(ALOT_TAG_KEY_ID));
	n = Alot_put_lp(buf, n, raw, ALOT_PUBKEY_LEN);
	alot_sha256(buf, n, digest);
	memcpy(out, digest, ALOT_KEY_ID_LEN);
}

static void
public_key_of(EVP_PKEY *pkey, alot_public_key *out)
{
	size_t len = ALOT_PUBKEY_LEN;

	EVP_PKEY_get_raw_public_key(pkey, out->raw, &len);
	alot_key_id(out->raw, out->key_id);
}

void
alot_signing_key_public(const alot_signing_key *key, alot_public_key *out)
{
	public_key_of(key->pkey, out);
}

/*
 * An Ed25519 SubjectPublicKeyInfo (RFC 8410) is these 12 bytes and the
 * 32-byte key.  Reading it directly spares OpenSSL 3's decoder search,
 * which tries every key type it knows: in the browser verifier it was
 * about half of a one-record verification (32 ms, 15 ms without it).  Anything else takes the general path, so that every
 * other key is refused with the same message as before.
 */
static const unsigned char ED25519_SPKI_PREFIX[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
};

/* 1 when pem's first PEM block is an Ed25519 "PUBLIC KEY", its key in out. */
static int
ed25519_spki_from_pem(BIO *bio, alot_public_key *out)
{
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long len = 0;
	int ok = PEM_read_bio(bio, &name, &header, &der, &len) == 1 && strcmp(name, PEM_STRING_PUBLIC) == 0 &&
	         header[0] == '\0' && len == (long)(sizeof(ED25519_SPKI_PREFIX) + ALOT_PUBKEY_LEN) &&
	         memcmp(der, ED25519_SPKI_PREFIX, sizeof(ED25519_SPKI_PREFIX)) == 0;

	if (ok) {
		memcpy(out->raw, der + sizeof(ED25519_SPKI_PREFIX), ALOT_PUBKEY_LEN);
		alot_key_id(out->raw, out->key_id);
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	return ok;
}

alot_code
alot_public_key_from_pem(const char *pem, size_t len, alot_public_key *out, alot_error *err)
{
	BIO *bio = len <= KEY_FILE_MAX ? BIO_new_mem_buf(pem, (int)len) : NULL;
	EVP_PKEY *pkey = NULL;
	alot_code rc = ALOT_OK;

	if (bio != NULL && ed25519_spki_from_pem(bio, out))
		goto out;
	ERR_clear_error();
	if (bio != NULL && BIO_reset(bio) == 1)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pkey == NULL)
		rc = alot_error_set(err, ALOT_ERR_INVALID, "not a PEM public key");
	else if ((rc = require_ed25519(pkey, "the public key", err)) == ALOT_OK)
		public_key_of(pkey, out);
out:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

alot_code
alot_public_key_load(const char *path, alot_public_key *out, alot_error *err)
{
	char buf[KEY_FILE_MAX + 1];
	size_t len;
	alot_code rc;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		if (errno == ENOENT)
			return alot_error_set(err, ALOT_ERR_NOT_FOUND, "public key file \"%s\" does not exist", path);
		return alot_error_set(err, ALOT_ERR_IO, "could not open public key file \"%s\": %s",
		                      path, strerror(errno));
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len > KEY_FILE_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "public key file \"%s\" is too large", path);
	rc = alot_public_key_from_pem(buf, len, out, err);
	if (rc != ALOT_OK)
		alot_error_set(err, rc, "\"%s\" is not a PEM Ed25519 public key", path);
	return rc;
}

alot_code
alot_sign(const alot_signing_key *key, const unsigned char *msg, size_t len,
          unsigned char sig[ALOT_SIG_LEN], alot_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = ALOT_SIG_LEN;
	alot_code rc = ALOT_OK;

	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 || siglen != ALOT_SIG_LEN)
		rc = alot_error_set(err, ALOT_ERR_CRYPTO, "could not sign");
	EVP_MD_CTX_free(ctx);
	return rc;
}

alot_code
alot_verify_signature(const alot_public_key *key, const unsigned char *msg, size_t len,
                      const unsigned char sig[ALOT_SIG_LEN], alot_error *err)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key->raw, ALOT_PUBKEY_LEN);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	alot_code rc = ALOT_OK;

	if (pkey == NULL || ctx == NULL || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) != 1)
		rc = alot_error_set(err, ALOT_ERR_CRYPTO, "could not set up signature verification");
	else if (EVP_DigestVerify(ctx, sig, ALOT_SIG_LEN, msg, len) != 1)
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "the signature does not match the key and the content");
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return rc;
}

/* ---- sealing ------------------------------------------------------- */

alot_code
alot_seal_key_generate(const char *path, alot_error *err)
{
	unsigned char key[ALOT_SEAL_KEY_LEN];
	char text[2 * ALOT_SEAL_KEY_LEN + 2];
	alot_code rc;

	if ((rc = alot_random_bytes(key, sizeof(key), err)) != ALOT_OK)
		goto out;
	alot_hex_encode(key, sizeof(key), text);
	text[2 * ALOT_SEAL_KEY_LEN] = '\n';
	rc = write_new_file(path, 0600, text, sizeof(text) - 1, err);
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}

alot_code
alot_seal_key_load(const char *path, alot_seal_key **out, alot_error *err)
{
	unsigned char buf[KEY_FILE_MAX];
	size_t len = 0;
	alot_seal_key *key = NULL;
	alot_code rc;

	*out = NULL;
	if ((rc = read_secret_file(path, buf, sizeof(buf), &len, err)) != ALOT_OK)
		goto out;
	if (len == 2 * ALOT_SEAL_KEY_LEN + 1 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	if ((key = OPENSSL_secure_zalloc(sizeof(*key))) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (alot_hex_decode((const char *)buf, key->key, sizeof(key->key), NULL) != ALOT_OK) {
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "seal key file \"%s\" must hold exactly 64 lowercase hex digits", path);
		goto out;
	}
	*out = key;
	key = NULL;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	alot_seal_key_free(key);
	return rc;
}

void
alot_seal_key_free(alot_seal_key *key)
{
	if (key != NULL)
		OPENSSL_secure_clear_free(key, sizeof(*key));
}

/* One AES-256-GCM pass: encrypt (enc = 1) or decrypt-and-verify (enc = 0). */
static int
gcm_crypt(int enc, const alot_seal_key *key, const unsigned char *aad, size_t aad_len,
          const unsigned char *in, size_t len, unsigned char *out,
          const unsigned char nonce[ALOT_SEAL_NONCE_LEN], unsigned char tag[ALOT_SEAL_TAG_LEN])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ok = 0;

	if (ctx == NULL || len > INT32_MAX || aad_len > INT32_MAX)
		goto out;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->key, nonce, enc) != 1)
		goto out;
	if (aad_len > 0 && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, ALOT_SEAL_TAG_LEN, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1)
		goto out;
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, ALOT_SEAL_TAG_LEN, tag) != 1)
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx); /* clears the expanded key */
	return ok;
}

alot_code
alot_seal(const alot_seal_key *key, const unsigned char *aad, size_t aad_len,
          const unsigned char *plain, size_t len, unsigned char *cipher,
          unsigned char nonce[ALOT_SEAL_NONCE_LEN], unsigned char tag[ALOT_SEAL_TAG_LEN],
          alot_error *err)
{
	alot_code rc;

	/* A fresh random nonce per seal; keys seal few seeds, far from GCM's limit. */
	if ((rc = alot_random_bytes(nonce, ALOT_SEAL_NONCE_LEN, err)) != ALOT_OK)
		return rc;
	if (!gcm_crypt(1, key, aad, aad_len, plain, len, cipher, nonce, tag))
		return alot_error_set(err, ALOT_ERR_CRYPTO, "could not encrypt");
	return ALOT_OK;
}

alot_code
alot_unseal(const alot_seal_key *key, const unsigned char *aad, size_t aad_len,
            const unsigned char *cipher, size_t len,
            const unsigned char nonce[ALOT_SEAL_NONCE_LEN],
            const unsigned char tag[ALOT_SEAL_TAG_LEN], unsigned char *plain,
            alot_error *err)
{
	unsigned char tag_copy[ALOT_SEAL_TAG_LEN];

	memcpy(tag_copy, tag, sizeof(tag_copy));
	if (!gcm_crypt(0, key, aad, aad_len, cipher, len, plain, nonce, tag_copy)) {
		OPENSSL_cleanse(plain, len);
		return alot_error_set(err, ALOT_ERR_VERIFY,
		                      "the sealed seed does not open: wrong seal key, wrong room, or tampered data");
	}
	return ALOT_OK;
}
