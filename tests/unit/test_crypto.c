/*
 * test_crypto.c - unit tests for lib/core/crypto.c: SHA-256, hex, key files
 * (modes, refusals, wrong key types), Ed25519 against RFC 8032, and
 * AES-256-GCM sealing with every way of getting it wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "alot/crypto.h"

static char dir[64];

static int
make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/alot-crypto-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *
path(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void
write_text(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static void
sha256_known_answers(void **state)
{
	unsigned char h[32];
	char hex[65];

	(void)state;
	alot_sha256("", 0, h);
	alot_hex_encode(h, 32, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	alot_sha256("abc", 3, h);
	alot_hex_encode(h, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
hex_is_strict(void **state)
{
	unsigned char out[2];
	alot_error err;

	(void)state;
	assert_int_equal(alot_hex_decode("0aff", out, 2, &err), ALOT_OK);
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(alot_hex_decode("0AFF", out, 2, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_hex_decode("0af", out, 2, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_hex_decode("0aff00", out, 2, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_hex_decode("0ag0", out, 2, &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "invalid character at position 3: only lowercase hex digits are allowed");
	assert_int_equal(alot_ct_equal("abc", "abc", 3), 1);
	assert_int_equal(alot_ct_equal("abc", "abd", 3), 0);
}

/* RFC 8032 section 7.1, test 1: a PKCS#8 wrapping of the raw secret key. */
static void
ed25519_rfc8032_test_1(void **state)
{
	static const char pem[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
		"-----END PRIVATE KEY-----\n";
	alot_signing_key *key = NULL;
	alot_public_key pub;
	unsigned char sig[64];
	char hex[129];

	(void)state;
	write_text(path("rfc.pem"), pem, 0600);
	assert_int_equal(alot_signing_key_load(path("rfc.pem"), &key, NULL), ALOT_OK);
	alot_signing_key_public(key, &pub);
	alot_hex_encode(pub.raw, 32, hex);
	assert_string_equal(hex, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	assert_int_equal(alot_sign(key, (const unsigned char *)"", 0, sig, NULL), ALOT_OK);
	alot_hex_encode(sig, 64, hex);
	assert_string_equal(hex, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
	                         "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
	assert_int_equal(alot_verify_signature(&pub, (const unsigned char *)"", 0, sig, NULL), ALOT_OK);
	sig[63] ^= 1;
	assert_int_equal(alot_verify_signature(&pub, (const unsigned char *)"", 0, sig, NULL), ALOT_ERR_VERIFY);
	alot_signing_key_free(key);
}

static void
key_id_follows_the_spec(void **state)
{
	unsigned char raw[32], buf[64], h[32], id[8];
	size_t n = 0;

	(void)state;
	memset(raw, 7, sizeof(raw));
	/* LP("ALOT-v1/key-id") || LP(raw), LP(x) = u32be(len) || x */
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 14;
	memcpy(buf + n, "ALOT-v1/key-id", 14);
	n += 14;
	buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 32;
	memcpy(buf + n, raw, 32);
	n += 32;
	alot_sha256(buf, n, h);
	alot_key_id(raw, id);
	assert_memory_equal(id, h, 8);
}

static void
keygen_modes_and_refusals(void **state)
{
	alot_signing_key *key = NULL;
	alot_public_key pub, loaded;
	unsigned char sig[64];
	struct stat st;
	alot_error err;

	(void)state;
	assert_int_equal(alot_keygen_write(path("k.pem"), path("k.pub"), &err), ALOT_OK);
	assert_int_equal(stat(path("k.pem"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(path("k.pub"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(alot_keygen_write(path("k.pem"), path("k2.pub"), &err), ALOT_ERR_REFUSED);
	assert_int_equal(access(path("k2.pub"), F_OK), -1);
	assert_int_equal(alot_keygen_write(path("k3.pem"), path("k.pub"), &err), ALOT_ERR_REFUSED);
	assert_int_equal(access(path("k3.pem"), F_OK), -1);

	assert_int_equal(alot_signing_key_load(path("k.pem"), &key, &err), ALOT_OK);
	assert_int_equal(alot_public_key_load(path("k.pub"), &loaded, &err), ALOT_OK);
	alot_signing_key_public(key, &pub);
	assert_memory_equal(pub.raw, loaded.raw, 32);
	assert_memory_equal(pub.key_id, loaded.key_id, 8);
	assert_int_equal(alot_sign(key, (const unsigned char *)"msg", 3, sig, NULL), ALOT_OK);
	assert_int_equal(alot_verify_signature(&pub, (const unsigned char *)"msg", 3, sig, NULL), ALOT_OK);
	assert_int_equal(alot_verify_signature(&pub, (const unsigned char *)"msh", 3, sig, NULL), ALOT_ERR_VERIFY);
	loaded.raw[0] ^= 1;
	assert_int_not_equal(alot_verify_signature(&loaded, (const unsigned char *)"msg", 3, sig, NULL), ALOT_OK);
	alot_signing_key_free(key);

	chmod(path("k.pem"), 0640);
	assert_int_equal(alot_signing_key_load(path("k.pem"), &key, &err), ALOT_ERR_REFUSED);
	assert_null(key);
	assert_non_null(strstr(err.message, "is accessible by its group or others (mode 0640)"));
	chmod(path("k.pem"), 0604);
	assert_int_equal(alot_signing_key_load(path("k.pem"), &key, &err), ALOT_ERR_REFUSED);
	assert_int_equal(alot_signing_key_load(path("missing.pem"), &key, &err), ALOT_ERR_NOT_FOUND);

	/* A key mounted as a symbolic link (as Kubernetes mounts secrets) is read through it; its target's mode counts. */
	chmod(path("k.pem"), 0600);
	assert_int_equal(symlink(path("k.pem"), path("link.pem")), 0);
	assert_int_equal(alot_signing_key_load(path("link.pem"), &key, &err), ALOT_OK);
	alot_signing_key_free(key);
	key = NULL;
	chmod(path("k.pem"), 0644);
	assert_int_equal(alot_signing_key_load(path("link.pem"), &key, &err), ALOT_ERR_REFUSED);
	assert_non_null(strstr(err.message, "(mode 0644)"));
	/* A public key where the private one belongs says so, whatever its mode. */
	assert_int_equal(alot_signing_key_load(path("k.pub"), &key, &err), ALOT_ERR_INVALID);
	assert_null(key);
	assert_non_null(strstr(err.message, "holds a public key, not a secret one"));
}

static void
wrong_key_types_are_rejected(void **state)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	alot_signing_key *key = NULL;
	alot_public_key pub;
	alot_error err;
	FILE *f;

	(void)state;
	assert_non_null(ec);
	f = fopen(path("ec.pem"), "w");
	PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	chmod(path("ec.pem"), 0600);
	f = fopen(path("ec.pub"), "w");
	PEM_write_PUBKEY(f, ec);
	fclose(f);
	EVP_PKEY_free(ec);
	assert_int_equal(alot_signing_key_load(path("ec.pem"), &key, &err), ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "is not an Ed25519 key"));
	assert_int_equal(alot_public_key_load(path("ec.pub"), &pub, &err), ALOT_ERR_INVALID);
	write_text(path("junk.pem"), "not a key\n", 0600);
	assert_int_equal(alot_signing_key_load(path("junk.pem"), &key, &err), ALOT_ERR_INVALID);
}

static void
sealing_round_trip_and_every_failure(void **state)
{
	alot_seal_key *key = NULL, *other = NULL;
	unsigned char seed[32], cipher[32], plain[32], nonce[12], tag[16], zero[32] = { 0 };
	const unsigned char room[16] = "room-0000000001", room2[16] = "room-0000000002";
	alot_error err;
	struct stat st;

	(void)state;
	memset(seed, 0x5a, sizeof(seed));
	assert_int_equal(alot_seal_key_generate(path("seal.key"), &err), ALOT_OK);
	assert_int_equal(stat(path("seal.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(alot_seal_key_generate(path("seal.key"), &err), ALOT_ERR_REFUSED);
	assert_int_equal(alot_seal_key_generate(path("seal2.key"), &err), ALOT_OK);
	assert_int_equal(alot_seal_key_load(path("seal.key"), &key, &err), ALOT_OK);
	assert_int_equal(alot_seal_key_load(path("seal2.key"), &other, &err), ALOT_OK);

	assert_int_equal(alot_seal(key, room, 16, seed, 32, cipher, nonce, tag, &err), ALOT_OK);
	assert_memory_not_equal(cipher, seed, 32);
	assert_int_equal(alot_unseal(key, room, 16, cipher, 32, nonce, tag, plain, &err), ALOT_OK);
	assert_memory_equal(plain, seed, 32);
	/* The wrong key, the wrong room, any flipped byte: refused, output wiped. */
	assert_int_equal(alot_unseal(other, room, 16, cipher, 32, nonce, tag, plain, &err), ALOT_ERR_VERIFY);
	assert_memory_equal(plain, zero, 32);
	assert_int_equal(alot_unseal(key, room2, 16, cipher, 32, nonce, tag, plain, &err), ALOT_ERR_VERIFY);
	cipher[3] ^= 1;
	assert_int_equal(alot_unseal(key, room, 16, cipher, 32, nonce, tag, plain, &err), ALOT_ERR_VERIFY);
	cipher[3] ^= 1;
	nonce[0] ^= 1;
	assert_int_equal(alot_unseal(key, room, 16, cipher, 32, nonce, tag, plain, &err), ALOT_ERR_VERIFY);
	nonce[0] ^= 1;
	tag[15] ^= 1;
	assert_int_equal(alot_unseal(key, room, 16, cipher, 32, nonce, tag, plain, &err), ALOT_ERR_VERIFY);
	assert_memory_equal(plain, zero, 32);
	alot_seal_key_free(key);
	alot_seal_key_free(other);

	write_text(path("bad.key"), "0123\n", 0600);
	assert_int_equal(alot_seal_key_load(path("bad.key"), &key, &err), ALOT_ERR_INVALID);
	write_text(path("upper.key"), "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\n", 0600);
	assert_int_equal(alot_seal_key_load(path("upper.key"), &key, &err), ALOT_ERR_INVALID);
	chmod(path("seal2.key"), 0644);
	assert_int_equal(alot_seal_key_load(path("seal2.key"), &key, &err), ALOT_ERR_REFUSED);
	assert_null(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_known_answers),
		cmocka_unit_test(hex_is_strict),
		cmocka_unit_test(ed25519_rfc8032_test_1),
		cmocka_unit_test(key_id_follows_the_spec),
		cmocka_unit_test(keygen_modes_and_refusals),
		cmocka_unit_test(wrong_key_types_are_rejected),
		cmocka_unit_test(sealing_round_trip_and_every_failure),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
