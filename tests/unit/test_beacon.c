/*
 * test_beacon.c - unit tests for lib/core/beacon.c: two real NIST beacon
 * 2.0 pulses (../shared/data/nist-beacon) parse, serialize, verify under
 * the builtin certificate and are linked; every flipped signature byte
 * and every changed field fails; unknown certificates, other versions and
 * cipher suites; each way two pulses can fail to be linked; TEST-signed
 * chains from tests/lib/mkpulse.py (gap and new-certificate pulses);
 * malformed documents, naming the field; the trust store; time parsing.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "alot/beacon.h"

#define REAL_DATA   "../shared/data/nist-beacon/chain2-pulses-1862118-1862119.json"
#define START_TIME  "2026-07-16T13:58:00.000Z"
#define REAL_ID_HEX "528943a555f5f8ca54423be6dfb95925a35c7b552046420e7d7cd072058a14d6" \
                    "536ad3a8e9754b6582f164a90b0cd86a65d659f5426a2659a947595d1c816c8c"

static char dir[64];
static char *real_docs[2];  /* {"pulse": ...} of previous_pulse, pulse */
static char *real_cert_pem; /* certificate_pem, as given (CRLF) */

/* ---- helpers ------------------------------------------------------- */

static const char *
src_dir(void)
{
	const char *src = getenv("ALOT_SRC");

	return src ? src : ".";
}

static int ALOT_PRINTF(1, 2)
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The whole file at path, NUL-terminated; NULL when it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* A file of the temporary folder. */
static char *
tmp_file(const char *name, size_t *len)
{
	char path[256];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = slurp(path, len);
	if (text == NULL)
		fail_msg("cannot read %s", path);
	return text;
}

static char *
dump_wrapped(json_t *pulse)
{
	json_t *doc = json_pack("{s:O}", "pulse", pulse);
	char *text = json_dumps(doc, JSON_INDENT(2));

	json_decref(doc);
	return text;
}

static int
load_real_data(void)
{
	char path[512];
	json_error_t jerr;
	json_t *root;
	const char *keys[2] = {"previous_pulse", "pulse"};

	snprintf(path, sizeof(path), "%s/%s", src_dir(), REAL_DATA);
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "cannot read %s: %s\n", path, jerr.text);
		return -1;
	}
	for (int i = 0; i < 2; i++)
		real_docs[i] = dump_wrapped(json_object_get(root, keys[i]));
	real_cert_pem = strdup(json_string_value(json_object_get(root, "certificate_pem")));
	json_decref(root);
	return real_docs[0] && real_docs[1] && real_cert_pem ? 0 : -1;
}

/* Test certificates a and b, a chain signed by them, and pulses changed and signed again. */
static int
make_test_pulses(void)
{
	const char *py = "python3";
	char mk[512];
	int rc = 0;

	snprintf(mk, sizeof(mk), "%s %s/tests/lib/mkpulse.py", py, src_dir());
	rc |= run("%s cert %s/a >/dev/null && %s cert %s/b >/dev/null", mk, dir, mk, dir);
	rc |= run("%s chain --key %s/a/beacon-test.key --cert %s/a/beacon-test.pem --chain 2 "
	          "--start-index 1000 --start-time " START_TIME " --count 5 --gap-at 1002=180000 "
	          "--new-cert-at 1004 --key2 %s/b/beacon-test.key --cert2 %s/b/beacon-test.pem "
	          "--out %s/c", mk, dir, dir, dir, dir, dir);
	rc |= run("%s chain --key %s/a/beacon-test.key --cert %s/a/beacon-test.pem --chain 2 "
	          "--start-index 2000 --start-time " START_TIME " --count 2 --status-at 2001=1 "
	          "--out %s/n", mk, dir, dir, dir);
	rc |= run("%s tamper %s/c/pulse-1001.json listValues.0.value %0128d --resign %s/a/beacon-test.key"
	          " --cert %s/a/beacon-test.pem > %s/t-prev.json", mk, dir, 0, dir, dir, dir);
	rc |= run("%s tamper %s/c/pulse-1001.json cipherSuite 1 --resign %s/a/beacon-test.key"
	          " --cert %s/a/beacon-test.pem > %s/t-cs.json", mk, dir, dir, dir, dir);
	rc |= run("%s tamper %s/c/pulse-1001.json version '\"1.0\"' --resign %s/a/beacon-test.key"
	          " --cert %s/a/beacon-test.pem > %s/t-v.json", mk, dir, dir, dir, dir);
	rc |= run("%s tamper %s/c/pulse-1001.json statusCode 9 > %s/t-unsigned.json", mk, dir, dir);
	rc |= run("openssl x509 -in %s/b/beacon-test.pem -outform DER -out %s/b.der", dir, dir);
	rc |= run("openssl req -x509 -newkey ed25519 -nodes -keyout %s/e.key -out %s/e.pem "
	          "-subj /CN=e -days 1 2>/dev/null", dir, dir);
	return rc == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/alot-beacon-XXXXXX");
	if (mkdtemp(dir) == NULL || load_real_data() != 0)
		return -1;
	return make_test_pulses();
}

static int
teardown(void **state)
{
	(void)state;
	free(real_docs[0]);
	free(real_docs[1]);
	free(real_cert_pem);
	return run("rm -rf %s", dir);
}

static alot_beacon_pulse
parse_ok(const char *doc)
{
	alot_beacon_pulse p;
	alot_error err;

	if (alot_beacon_pulse_parse(doc, strlen(doc), &p, &err) != ALOT_OK)
		fail_msg("pulse does not parse: %s", err.message);
	return p;
}

static alot_beacon_pulse
test_pulse(const char *name)
{
	size_t len;
	char *doc = tmp_file(name, &len);
	alot_beacon_pulse p = parse_ok(doc);

	free(doc);
	return p;
}

static alot_beacon_pulse
chain_pulse(uint64_t index)
{
	char name[64];

	snprintf(name, sizeof(name), "c/pulse-%llu.json", (unsigned long long)index);
	return test_pulse(name);
}

static alot_beacon_trust *
builtin_trust(void)
{
	alot_beacon_trust *t = alot_beacon_trust_new();
	alot_error err;

	assert_non_null(t);
	assert_int_equal(alot_beacon_trust_add_builtin(t, &err), ALOT_OK);
	return t;
}

static void
trust_file(alot_beacon_trust *t, const char *name)
{
	size_t len;
	char *data = tmp_file(name, &len);
	alot_error err;

	if (alot_beacon_trust_add(t, (unsigned char *)data, len, &err) != ALOT_OK)
		fail_msg("%s: %s", name, err.message);
	free(data);
}

static alot_beacon_trust *
test_trust(void)
{
	alot_beacon_trust *t = alot_beacon_trust_new();

	assert_non_null(t);
	trust_file(t, "a/beacon-test.pem");
	trust_file(t, "b.der");
	return t;
}

static void
sha512(const void *data, size_t len, unsigned char out[64])
{
	assert_int_equal(EVP_Digest(data, len, out, NULL, EVP_sha512(), NULL), 1);
}

static void
hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* ---- the real pulses ------------------------------------------------ */

static void
real_pulses_parse(void **state)
{
	alot_beacon_pulse prev = parse_ok(real_docs[0]), p = parse_ok(real_docs[1]);
	char id[129];

	(void)state;
	assert_string_equal(p.uri, "https://beacon.nist.gov/beacon/2.0/chain/2/pulse/1862119");
	assert_string_equal(p.version, "2.0");
	assert_int_equal(p.cipher_suite, 0);
	assert_int_equal(p.period, 60000);
	assert_int_equal(p.chain_index, 2);
	assert_int_equal(p.pulse_index, 1862119);
	assert_int_equal(prev.pulse_index, 1862118);
	assert_string_equal(p.time_stamp, "2026-07-16T13:50:00.000Z");
	assert_int_equal(p.time_ms, INT64_C(1784209800000));
	assert_int_equal(prev.time_ms, INT64_C(1784209740000));
	assert_int_equal(p.status_code, 0);
	assert_int_equal(p.external_status_code, 0);
	assert_int_equal(p.signature_len, 512);
	hex(p.certificate_id, 64, id);
	assert_string_equal(id, REAL_ID_HEX);
	assert_string_equal(p.list_uris[1], "https://beacon.nist.gov/beacon/2.0/chain/2/pulse/1862069");
	assert_string_equal(p.list_uris[4], "https://beacon.nist.gov/beacon/2.0/chain/2/pulse/1595005");
	assert_int_equal(p.list_values[0][0], 0x15); /* previous: 155762F9... */
	assert_int_equal(p.output_value[0], 0x0a);    /* 0ADF5A22... */
	assert_int_equal(p.output_value[63], 0xb7);
}

/* The serialization is the one an independent implementation (mkpulse.py) computes. */
static void
real_pulses_serialize(void **state)
{
	static const char *want[2] = {
		"4c229f0757dee0b223ae51f6df8236e1ade67090eb21794b08c17245b420c3a0"
		"0c7d2f85a1430f617a8121529a40ee222a1891252840f2ecf32f4dd76f0a0a49",
		"f59438be8effc492c573d6e575298a38d53b43ac7d490a90d06eb767126ed054"
		"f32374eb398a4261e72dc8fd18219bdcceff9e1bbabd4e34591039a589260641",
	};
	unsigned char *ser, md[64];
	char got[129];
	size_t len;
	alot_error err;

	(void)state;
	for (int i = 0; i < 2; i++) {
		alot_beacon_pulse p = parse_ok(real_docs[i]);

		assert_int_equal(alot_beacon_pulse_serialize(&p, &ser, &len, &err), ALOT_OK);
		assert_int_equal(len, 807);
		assert_memory_equal(ser, "\0\0\0\x38https://beacon.nist.gov/", 28);
		assert_memory_equal(ser + 60, "\0\0\0\x03" "2.0" "\0\0\0\0" "\0\0\xea\x60", 15);
		assert_memory_equal(ser + len - 4, "\0\0\0\0", 4);
		sha512(ser, len, md);
		hex(md, 64, got);
		assert_string_equal(got, want[i]);
		free(ser);
	}
}

static void
real_pulses_verify_and_are_linked(void **state)
{
	alot_beacon_pulse prev = parse_ok(real_docs[0]), p = parse_ok(real_docs[1]);
	alot_beacon_trust *t = builtin_trust();
	unsigned char *ser, md[64];
	unsigned char buf[2048];
	size_t len;
	alot_error err;
	char why[256];

	(void)state;
	assert_true(alot_beacon_trust_has(t, p.certificate_id));
	assert_int_equal(alot_beacon_pulse_check(&prev, t, why, sizeof(why)), ALOT_BEACON_OK);
	assert_int_equal(alot_beacon_pulse_check(&p, t, why, sizeof(why)), ALOT_BEACON_OK);
	assert_string_equal(why, "");
	/* outputValue = SHA-512(serialization || signature), no length prefix */
	assert_int_equal(alot_beacon_pulse_serialize(&p, &ser, &len, &err), ALOT_OK);
	memcpy(buf, ser, len);
	memcpy(buf + len, p.signature, p.signature_len);
	sha512(buf, len + p.signature_len, md);
	assert_memory_equal(md, p.output_value, 64);
	free(ser);
	assert_int_equal(alot_beacon_pulses_linked(&prev, &p, why, sizeof(why)), 1);
	assert_string_equal(why, "");
	assert_int_equal(alot_beacon_pulses_linked(&p, &prev, why, sizeof(why)), 0);
	assert_int_equal(alot_beacon_pulse_check(&p, t, NULL, 0), ALOT_BEACON_OK);
	alot_beacon_trust_free(t);
}

/* Every string of 128 or more hex digits in v in lower (upper) case. */
static void
recase_hex(json_t *v, int upper)
{
	const char *key;
	json_t *e;
	size_t i, n;
	char *t;

	if (json_is_object(v)) {
		json_object_foreach(v, key, e)
			recase_hex(e, upper);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			recase_hex(e, upper);
	} else if (json_is_string(v) && (n = json_string_length(v)) >= 128 &&
	           strspn(json_string_value(v), "0123456789abcdefABCDEF") == n) {
		t = strdup(json_string_value(v));
		for (i = 0; i < n; i++)
			t[i] = (char)(upper ? toupper((unsigned char)t[i]) : tolower((unsigned char)t[i]));
		json_string_set(v, t);
		free(t);
	}
}

/* NIST serves hex in upper case but the certificateId in lower case: either case decodes. */
static void
hex_in_either_case(void **state)
{
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	alot_beacon_trust *t = builtin_trust();
	json_t *root = json_loads(real_docs[1], 0, NULL);
	char *text;

	(void)state;
	for (int upper = 0; upper < 2; upper++) {
		recase_hex(root, upper);
		text = json_dumps(root, 0);
		assert_null(strstr(text, upper ? "528943a5" : "0ADF5A22"));
		q = parse_ok(text);
		assert_memory_equal(&p, &q, sizeof(p));
		assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_OK);
		free(text);
	}
	json_decref(root);
	alot_beacon_trust_free(t);
}

static void
every_signature_byte_changed_fails(void **state)
{
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	alot_beacon_trust *t = builtin_trust();
	static const unsigned char flips[] = {0x01, 0x80, 0xff};

	(void)state;
	for (size_t i = 0; i < p.signature_len; i++)
		for (size_t f = 0; f < sizeof(flips); f++) {
			q = p;
			q.signature[i] ^= flips[f];
			if (alot_beacon_pulse_check(&q, t, NULL, 0) != ALOT_BEACON_BAD_SIGNATURE)
				fail_msg("signature byte %zu ^ 0x%02x verifies", i, flips[f]);
		}
	q = p;
	q.signature_len--;
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_BAD_SIGNATURE);
	q = p;
	q.signature[q.signature_len++] = 0;
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_BAD_SIGNATURE);
	q = p;
	q.signature_len = 0;
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_BAD_SIGNATURE);
	alot_beacon_trust_free(t);
}

/* Change one byte of field at off (len bytes) of a copy of p: check gives want. */
static void
expect_changed(const alot_beacon_pulse *p, const alot_beacon_trust *t, size_t off, const char *name,
               alot_beacon_verdict want)
{
	alot_beacon_pulse q = *p;
	char why[256];
	alot_beacon_verdict v;

	((unsigned char *)&q)[off] ^= 0x01;
	v = alot_beacon_pulse_check(&q, t, why, sizeof(why));
	if (v != want)
		fail_msg("%s changed: verdict %d, want %d (%s)", name, v, want, why);
	assert_true(want == ALOT_BEACON_OK || why[0] != '\0');
}

#define CHANGED(field, want) expect_changed(&p, t, offsetof(alot_beacon_pulse, field), #field, want)

static void
every_field_changed_fails(void **state)
{
	alot_beacon_pulse p = parse_ok(real_docs[1]);
	alot_beacon_trust *t = builtin_trust();

	(void)state;
	CHANGED(uri[10], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(uri[55], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(version[0], ALOT_BEACON_UNSUPPORTED);
	CHANGED(cipher_suite, ALOT_BEACON_UNSUPPORTED);
	CHANGED(period, ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(certificate_id[0], ALOT_BEACON_UNKNOWN_CERTIFICATE);
	CHANGED(certificate_id[63], ALOT_BEACON_UNKNOWN_CERTIFICATE);
	CHANGED(chain_index, ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(pulse_index, ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(time_stamp[18], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(time_stamp[22], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(local_random_value[0], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(local_random_value[63], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(external_source_id[5], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(external_status_code, ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(external_value[63], ALOT_BEACON_BAD_SIGNATURE);
	for (size_t i = 0; i < ALOT_BEACON_LIST_VALUES; i++) {
		CHANGED(list_values[i][0], ALOT_BEACON_BAD_SIGNATURE);
		CHANGED(list_values[i][63], ALOT_BEACON_BAD_SIGNATURE);
		CHANGED(list_uris[i][10], ALOT_BEACON_OK); /* not signed: kept only to show */
	}
	CHANGED(precommitment_value[31], ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(status_code, ALOT_BEACON_BAD_SIGNATURE);
	CHANGED(output_value[0], ALOT_BEACON_BAD_OUTPUT);
	CHANGED(output_value[63], ALOT_BEACON_BAD_OUTPUT);
	/* time_ms is derived from time_stamp, which is what is signed */
	CHANGED(time_ms, ALOT_BEACON_OK);
	alot_beacon_trust_free(t);
}

/* Two list values swapped in the document: the serialization takes them by type. */
static void
list_values_are_taken_by_type(void **state)
{
	json_t *root = json_loads(real_docs[1], 0, NULL), *pulse = json_object_get(root, "pulse");
	json_t *list = json_object_get(pulse, "listValues"), *hour = json_array_get(list, 1);
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	char *text;

	(void)state;
	json_incref(hour);
	assert_int_equal(json_array_remove(list, 1), 0);
	assert_int_equal(json_array_append_new(list, hour), 0);
	text = dump_wrapped(pulse);
	q = parse_ok(text);
	assert_memory_equal(&p, &q, sizeof(p));
	free(text);
	json_decref(root);
}

static void
unknown_certificates(void **state)
{
	alot_beacon_pulse p = parse_ok(real_docs[1]);
	alot_beacon_trust *empty = alot_beacon_trust_new(), *tests = test_trust();
	char why[256];

	(void)state;
	assert_non_null(empty);
	assert_int_equal(alot_beacon_pulse_check(&p, empty, why, sizeof(why)),
	                 ALOT_BEACON_UNKNOWN_CERTIFICATE);
	assert_non_null(strstr(why, "certificate"));
	assert_int_equal(alot_beacon_pulse_check(&p, tests, why, sizeof(why)),
	                 ALOT_BEACON_UNKNOWN_CERTIFICATE);
	assert_false(alot_beacon_trust_has(tests, p.certificate_id));
	assert_int_equal(alot_beacon_pulse_check(&p, NULL, why, sizeof(why)),
	                 ALOT_BEACON_UNKNOWN_CERTIFICATE);
	alot_beacon_trust_free(empty);
	alot_beacon_trust_free(tests);
}

static void
other_versions_and_cipher_suites_are_unsupported(void **state)
{
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	alot_beacon_trust *t = builtin_trust(), *tests = test_trust();
	char why[256];

	(void)state;
	q = p;
	q.cipher_suite = 1;
	assert_int_equal(alot_beacon_pulse_check(&q, t, why, sizeof(why)), ALOT_BEACON_UNSUPPORTED);
	assert_non_null(strstr(why, "cipher suite 1"));
	q = p;
	strcpy(q.version, "1.0");
	assert_int_equal(alot_beacon_pulse_check(&q, t, why, sizeof(why)), ALOT_BEACON_UNSUPPORTED);
	assert_non_null(strstr(why, "1.0"));
	/* correctly signed, yet not a format this verifier knows */
	q = test_pulse("t-cs.json");
	assert_int_equal(q.cipher_suite, 1);
	assert_int_equal(alot_beacon_pulse_check(&q, tests, why, sizeof(why)), ALOT_BEACON_UNSUPPORTED);
	q = test_pulse("t-v.json");
	assert_string_equal(q.version, "1.0");
	assert_int_equal(alot_beacon_pulse_check(&q, tests, why, sizeof(why)), ALOT_BEACON_UNSUPPORTED);
	alot_beacon_trust_free(t);
	alot_beacon_trust_free(tests);
}

/* ---- links ---------------------------------------------------------- */

static void
expect_unlinked(const alot_beacon_pulse *prev, const alot_beacon_pulse *next, const char *word)
{
	char why[256];

	assert_int_equal(alot_beacon_pulses_linked(prev, next, why, sizeof(why)), 0);
	if (strstr(why, word) == NULL)
		fail_msg("\"%s\" does not name \"%s\"", why, word);
}

static void
link_failures_are_named(void **state)
{
	alot_beacon_pulse prev = parse_ok(real_docs[0]), p = parse_ok(real_docs[1]), q;

	(void)state;
	q = p;
	q.chain_index = 3;
	expect_unlinked(&prev, &q, "chain 3 does not follow chain 2");
	q = p;
	q.pulse_index++;
	expect_unlinked(&prev, &q, "index gap");
	q = p;
	q.pulse_index = prev.pulse_index;
	expect_unlinked(&prev, &q, "index gap");
	q = p;
	q.list_values[0][7] ^= 1;
	expect_unlinked(&prev, &q, "previous value");
	q = p;
	q.local_random_value[0] ^= 1;
	expect_unlinked(&prev, &q, "precommitmentValue");
	q = prev;
	q.precommitment_value[63] ^= 1;
	expect_unlinked(&q, &p, "precommitmentValue");
	q = p;
	q.time_ms = prev.time_ms;
	expect_unlinked(&prev, &q, "not later");
	q = p;
	q.time_ms = prev.time_ms - 1;
	expect_unlinked(&prev, &q, "not later");
	q = p;
	q.status_code = ALOT_BEACON_STATUS_NEW_CHAIN;
	expect_unlinked(&prev, &q, "new chain");
	q = p;
	q.status_code = ALOT_BEACON_STATUS_GAP | ALOT_BEACON_STATUS_NEW_CERT;
	assert_int_equal(alot_beacon_pulses_linked(&prev, &q, NULL, 0), 1);
	q = prev;
	q.pulse_index = UINT64_MAX;
	p.pulse_index = 0;
	expect_unlinked(&q, &p, "index gap");
}

/* A TEST-signed chain: every pulse verifies, gap (status 2) and new certificate (4) links hold. */
static void
test_signed_chain_verifies_and_links(void **state)
{
	alot_beacon_trust *t = test_trust(), *only_a = alot_beacon_trust_new();
	alot_beacon_pulse p[5];
	char why[256];

	(void)state;
	for (int i = 0; i < 5; i++) {
		p[i] = chain_pulse(1000 + (uint64_t)i);
		if (alot_beacon_pulse_check(&p[i], t, why, sizeof(why)) != ALOT_BEACON_OK)
			fail_msg("test pulse %d: %s", 1000 + i, why);
		if (i > 0 && !alot_beacon_pulses_linked(&p[i - 1], &p[i], why, sizeof(why)))
			fail_msg("test pulses %d and %d: %s", 999 + i, 1000 + i, why);
	}
	assert_int_equal(p[2].status_code, ALOT_BEACON_STATUS_GAP);
	assert_int_equal(p[2].time_ms - p[1].time_ms, 180000);
	assert_int_equal(p[4].status_code, ALOT_BEACON_STATUS_NEW_CERT);
	assert_memory_not_equal(p[3].certificate_id, p[4].certificate_id, 64);
	assert_string_equal(p[0].time_stamp, START_TIME);
	assert_memory_equal(p[3].list_values[1], p[2].output_value, 64); /* hour: 14:02 */
	trust_file(only_a, "a/beacon-test.pem");
	assert_int_equal(alot_beacon_pulse_check(&p[3], only_a, NULL, 0), ALOT_BEACON_OK);
	assert_int_equal(alot_beacon_pulse_check(&p[4], only_a, NULL, 0),
	                 ALOT_BEACON_UNKNOWN_CERTIFICATE);
	/* the real pulses are not trusted by a test store, nor test pulses by the builtin one */
	alot_beacon_trust_free(only_a);
	only_a = builtin_trust();
	assert_int_equal(alot_beacon_pulse_check(&p[0], only_a, NULL, 0),
	                 ALOT_BEACON_UNKNOWN_CERTIFICATE);
	alot_beacon_trust_free(only_a);
	alot_beacon_trust_free(t);
}

static void
test_signed_link_failures(void **state)
{
	alot_beacon_trust *t = test_trust();
	alot_beacon_pulse p0 = chain_pulse(1000), p1 = chain_pulse(1001), p2 = chain_pulse(1002);
	alot_beacon_pulse n0 = test_pulse("n/pulse-2000.json"), n1 = test_pulse("n/pulse-2001.json");
	alot_beacon_pulse moved = test_pulse("t-prev.json"), unsigned_ = test_pulse("t-unsigned.json");

	(void)state;
	/* a new chain's first pulse, correctly signed, follows nothing */
	assert_int_equal(alot_beacon_pulse_check(&n0, t, NULL, 0), ALOT_BEACON_OK);
	assert_int_equal(alot_beacon_pulse_check(&n1, t, NULL, 0), ALOT_BEACON_OK);
	expect_unlinked(&n0, &n1, "new chain");
	/* signed again after its previous value changed: verifies, is not linked */
	assert_int_equal(alot_beacon_pulse_check(&moved, t, NULL, 0), ALOT_BEACON_OK);
	expect_unlinked(&p0, &moved, "previous value");
	expect_unlinked(&p0, &p2, "index gap");
	expect_unlinked(&p1, &p0, "index gap");
	assert_int_equal(alot_beacon_pulse_check(&unsigned_, t, NULL, 0), ALOT_BEACON_BAD_SIGNATURE);
	alot_beacon_trust_free(t);
}

/* ---- malformed documents ------------------------------------------- */

/* Parse text; it must fail and the message name want. */
static void
expect_invalid(const char *text, size_t len, const char *want)
{
	alot_beacon_pulse p;
	alot_error err;
	static const alot_beacon_pulse zero;

	memset(&p, 0x5a, sizeof(p));
	if (alot_beacon_pulse_parse(text, len, &p, &err) != ALOT_ERR_INVALID)
		fail_msg("parses, but should fail naming %s", want);
	if (strstr(err.message, want) == NULL)
		fail_msg("\"%s\" does not name %s", err.message, want);
	assert_memory_equal(&p, &zero, sizeof(p));
}

struct field {
	int parent;       /* -1 pulse, -2 external, else listValues[parent] */
	const char *key;
	const char *name; /* as the message names it */
	char type;        /* s string, h hex, i integer, o object, a array */
};

static const struct field fields[] = {
	{-1, "uri", "uri", 's'},
	{-1, "version", "version", 's'},
	{-1, "cipherSuite", "cipherSuite", 'i'},
	{-1, "period", "period", 'i'},
	{-1, "certificateId", "certificateId", 'h'},
	{-1, "chainIndex", "chainIndex", 'i'},
	{-1, "pulseIndex", "pulseIndex", 'i'},
	{-1, "timeStamp", "timeStamp", 's'},
	{-1, "localRandomValue", "localRandomValue", 'h'},
	{-1, "external", "external", 'o'},
	{-2, "sourceId", "external.sourceId", 'h'},
	{-2, "statusCode", "external.statusCode", 'i'},
	{-2, "value", "external.value", 'h'},
	{-1, "listValues", "listValues", 'a'},
	{0, "type", "listValues[0].type", 's'},
	{0, "uri", "listValues[0].uri", 's'},
	{0, "value", "listValues[0].value", 'h'},
	{3, "type", "listValues[3].type", 's'},
	{4, "value", "listValues[4].value", 'h'},
	{-1, "precommitmentValue", "precommitmentValue", 'h'},
	{-1, "statusCode", "statusCode", 'i'},
	{-1, "signatureValue", "signatureValue", 'h'},
	{-1, "outputValue", "outputValue", 'h'},
};

static json_t *
parent_of(json_t *pulse, int parent)
{
	if (parent == -1)
		return pulse;
	if (parent == -2)
		return json_object_get(pulse, "external");
	return json_array_get(json_object_get(pulse, "listValues"), (size_t)parent);
}

/* The real pulse with field f set to v (removed when v is NULL), as a document. */
static char *
with_field(const struct field *f, json_t *v)
{
	json_t *root = json_loads(real_docs[1], 0, NULL);
	json_t *obj = parent_of(json_object_get(root, "pulse"), f->parent);
	char *text;

	assert_non_null(obj);
	if (v == NULL)
		assert_int_equal(json_object_del(obj, f->key), 0);
	else
		assert_int_equal(json_object_set_new(obj, f->key, v), 0);
	text = dump_wrapped(json_object_get(root, "pulse"));
	json_decref(root);
	return text;
}

static void
expect_field_invalid(const struct field *f, json_t *v, const char *want)
{
	char *text = with_field(f, v);
	char name[128];

	snprintf(name, sizeof(name), "%s %s", f->name, want);
	expect_invalid(text, strlen(text), name);
	free(text);
}

static void
missing_fields_are_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		expect_field_invalid(&fields[i], NULL, "is missing");
}

static void
wrong_types_are_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		switch (f->type) {
		case 's':
		case 'h':
			expect_field_invalid(f, json_integer(1), "is not a string");
			expect_field_invalid(f, json_null(), "is not a string");
			break;
		case 'i':
			expect_field_invalid(f, json_string("1"), "is not an integer");
			expect_field_invalid(f, json_real(1.0), "is not an integer");
			expect_field_invalid(f, json_integer(-1), "is not an integer");
			expect_field_invalid(f, json_true(), "is not an integer");
			break;
		case 'o':
			expect_field_invalid(f, json_string("{}"), "is not an object");
			break;
		case 'a':
			expect_field_invalid(f, json_object(), "is not an array");
			break;
		}
	}
}

static void
bad_hex_and_values_are_named(void **state)
{
	static const struct field cert = {-1, "certificateId", "certificateId", 'h'};
	static const struct field sig = {-1, "signatureValue", "signatureValue", 'h'};
	static const struct field cs = {-1, "cipherSuite", "cipherSuite", 'i'};
	static const struct field pi = {-1, "pulseIndex", "pulseIndex", 'i'};
	static const struct field ts = {-1, "timeStamp", "timeStamp", 's'};
	static const struct field uri = {-1, "uri", "uri", 's'};
	static const struct field ver = {-1, "version", "version", 's'};
	static const struct field lt = {2, "type", "listValues[2].type", 's'};
	char hex128[130], long_uri[300], *text;

	(void)state;
	memset(hex128, 'a', 128);
	hex128[128] = '\0';
	hex128[77] = 'g';
	expect_field_invalid(&cert, json_string(hex128), "is not 128 hex digits");
	hex128[77] = ' ';
	expect_field_invalid(&cert, json_string(hex128), "is not 128 hex digits");
	hex128[77] = 'a';
	hex128[127] = '\0';
	expect_field_invalid(&cert, json_string(hex128), "is not 128 hex digits");
	hex128[127] = 'a';
	hex128[128] = 'a';
	hex128[129] = '\0';
	expect_field_invalid(&cert, json_string(hex128), "is not 128 hex digits");
	expect_field_invalid(&cert, json_string(""), "is not 128 hex digits");
	expect_field_invalid(&cert, json_string("0x00"), "is not 128 hex digits");
	expect_field_invalid(&sig, json_string("abc"), "is not hex");
	expect_field_invalid(&sig, json_string(""), "is not hex");
	expect_field_invalid(&sig, json_string("zz"), "is not hex");
	expect_field_invalid(&cs, json_integer(INT64_C(0x100000000)), "is not an integer");
	expect_field_invalid(&pi, json_integer(-5), "is not an integer");
	text = with_field(&ts, json_string("2026-07-16 13:50:00Z"));
	expect_invalid(text, strlen(text), "pulse field timeStamp: time");
	free(text);
	text = with_field(&ts, json_string("2026-02-29T13:50:00.000Z"));
	expect_invalid(text, strlen(text), "pulse field timeStamp: time");
	free(text);
	expect_field_invalid(&ts, json_string("2026-07-16T13:50:00.000000000000000000000000Z"),
	                     "is not a text");
	memset(long_uri, 'u', sizeof(long_uri) - 1);
	long_uri[sizeof(long_uri) - 1] = '\0';
	expect_field_invalid(&uri, json_string(long_uri), "is not a text");
	text = with_field(&uri, json_stringn("a\0b", 3)); /* jansson refuses \u0000 */
	expect_invalid(text, strlen(text), "malformed JSON");
	free(text);
	expect_field_invalid(&ver, json_string("2.0.0.0.0.0.0.0.0"), "is not a text");
	expect_field_invalid(&lt, json_string("week"), "is not previous");
	expect_field_invalid(&lt, json_string("hour"), "is not previous");
}

static void
malformed_documents_fail(void **state)
{
	json_t *root = json_loads(real_docs[1], 0, NULL), *pulse = json_object_get(root, "pulse");
	json_t *list = json_object_get(pulse, "listValues");
	char *inner = json_dumps(pulse, 0), *text, *big;
	size_t n;

	(void)state;
	expect_invalid(inner, strlen(inner), "not {\"pulse\"");
	expect_invalid("[]", 2, "not {\"pulse\"");
	expect_invalid("{\"pulse\": []}", 13, "not {\"pulse\"");
	expect_invalid("{\"Pulse\": {}}", 13, "not {\"pulse\"");
	expect_invalid("{\"pulse\": {}", 12, "malformed JSON");
	expect_invalid("", 0, "malformed JSON");
	expect_invalid("{\"pulse\": {}}", 13, "uri is missing");
	/* a document of the right form but with a field given twice */
	n = strlen(real_docs[1]);
	text = malloc(n + 32);
	snprintf(text, n + 32, "{\"pulse\": {\"uri\": \"x\", %s", strstr(real_docs[1], "\"pulse\": {") + 10);
	expect_invalid(text, strlen(text), "malformed JSON");
	free(text);
	/* a list of four, a list of six */
	json_array_append(list, json_array_get(list, 0));
	text = dump_wrapped(pulse);
	expect_invalid(text, strlen(text), "listValues is not an array of 5");
	free(text);
	json_array_remove(list, 5);
	json_array_remove(list, 4);
	text = dump_wrapped(pulse);
	expect_invalid(text, strlen(text), "listValues is not an array of 5");
	free(text);
	json_array_set_new(list, 0, json_string("previous"));
	json_array_append_new(list, json_object());
	text = dump_wrapped(pulse);
	expect_invalid(text, strlen(text), "listValues[0] is not an object");
	free(text);
	/* over the size limit, even if well-formed */
	big = malloc(ALOT_BEACON_PULSE_MAX + 64);
	n = strlen(real_docs[1]);
	memcpy(big, real_docs[1], n - 1);
	memset(big + n - 1, ' ', ALOT_BEACON_PULSE_MAX + 1 - n);
	memcpy(big + ALOT_BEACON_PULSE_MAX, "}", 2);
	expect_invalid(big, ALOT_BEACON_PULSE_MAX + 1, "over 16384");
	memcpy(big + ALOT_BEACON_PULSE_MAX - 1, "}", 2); /* exactly the limit */
	assert_int_equal(strlen(big), ALOT_BEACON_PULSE_MAX);
	(void)parse_ok(big);
	free(big);
	json_decref(root);
	free(inner);
}

/* NIST may add fields: unknown keys are ignored and the pulse still verifies. */
static void
unknown_keys_are_ignored(void **state)
{
	json_t *root = json_loads(real_docs[1], 0, NULL), *pulse = json_object_get(root, "pulse");
	alot_beacon_trust *t = builtin_trust();
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	char *text;

	(void)state;
	json_object_set_new(pulse, "quantumFlavour", json_string("strange"));
	json_object_set_new(json_object_get(pulse, "external"), "note", json_integer(7));
	json_object_set_new(json_array_get(json_object_get(pulse, "listValues"), 2), "extra",
	                    json_null());
	text = dump_wrapped(pulse);
	q = parse_ok(text);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_OK);
	free(text);
	json_decref(root);
	alot_beacon_trust_free(t);
}

/* ---- time ----------------------------------------------------------- */

static void
time_parse_edge_cases(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} good[] = {
		{"2026-07-16T13:49:00.000Z", INT64_C(1784209740000)},
		{"2026-07-16T13:49:00Z", INT64_C(1784209740000)},
		{"2026-07-16T13:49:00.5Z", INT64_C(1784209740500)},
		{"2026-07-16T13:49:00.05Z", INT64_C(1784209740050)},
		{"2026-07-16T13:49:00.999Z", INT64_C(1784209740999)},
		{"1970-01-01T00:00:00.000Z", 0},
		{"1969-12-31T23:59:59.999Z", -1},
		{"2000-02-29T00:00:00Z", INT64_C(951782400000)},
		{"2024-02-29T23:59:59Z", INT64_C(1709251199000)},
		{"2026-12-31T23:59:59.999Z", INT64_C(1798761599999)},
		{"9999-12-31T23:59:59.999Z", INT64_C(253402300799999)},
		{"0000-01-01T00:00:00Z", INT64_C(-62167219200000)},
	};
	static const char *bad[] = {
		"", "2026", "2026-07-16", "2026-07-16T13:49:00", "2026-07-16T13:49:00.000",
		"2026-07-16t13:49:00Z", "2026-07-16T13:49:00z", "2026-07-16 13:49:00Z",
		"2026-07-16T13:49:00.Z", "2026-07-16T13:49:00.0000Z", "2026-07-16T13:49:00+00:00",
		"2026-07-16T13:49:00.000+00:00", "2026-07-16T13:49:00.000ZZ", " 2026-07-16T13:49:00Z",
		"2026-7-16T13:49:00Z", "2026-07-16T13:49:0Z", "+026-07-16T13:49:00Z",
		"2026-00-16T13:49:00Z", "2026-13-16T13:49:00Z", "2026-07-00T13:49:00Z",
		"2026-07-32T13:49:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-07-16T24:00:00Z", "2026-07-16T13:60:00Z",
		"2026-07-16T23:59:60Z", "2026-07-16T13:49:00.-10Z", "2026-07-16T13:49:00.1a0Z",
	};
	int64_t ms;
	alot_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (alot_beacon_time_parse(good[i].text, &ms, &err) != ALOT_OK)
			fail_msg("%s: %s", good[i].text, err.message);
		if (ms != good[i].ms)
			fail_msg("%s: %lld, want %lld", good[i].text, (long long)ms, (long long)good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (alot_beacon_time_parse(bad[i], &ms, &err) != ALOT_ERR_INVALID)
			fail_msg("\"%s\" parses", bad[i]);
		assert_non_null(strstr(err.message, "time"));
	}
}

/* ---- trust store ---------------------------------------------------- */

static void
trust_store_reads_pem_and_der(void **state)
{
	alot_beacon_trust *t = alot_beacon_trust_new(), *t2 = alot_beacon_trust_new();
	alot_beacon_pulse p = parse_ok(real_docs[1]), q;
	unsigned char md[64];
	size_t na, nb, len;
	char *a = tmp_file("a/beacon-test.pem", &na), *b = tmp_file("b/beacon-test.pem", &nb);
	char *der = tmp_file("b.der", &len), *both, *lf, *s, *d;
	unsigned char id[64];
	alot_error err;

	(void)state;
	assert_non_null(t);
	assert_non_null(t2);
	/* the file's PEM has CRLF line ends; the same with LF is the same certificate */
	assert_non_null(strstr(real_cert_pem, "\r\n"));
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)real_cert_pem, strlen(real_cert_pem),
	                                       &err), ALOT_OK);
	assert_true(alot_beacon_trust_has(t, p.certificate_id));
	lf = strdup(real_cert_pem);
	for (s = d = lf; *s; s++)
		if (*s != '\r')
			*d++ = *s;
	*d = '\0';
	assert_int_equal(alot_beacon_trust_add(t2, (unsigned char *)lf, strlen(lf), &err), ALOT_OK);
	assert_true(alot_beacon_trust_has(t2, p.certificate_id));
	assert_int_equal(alot_beacon_pulse_check(&p, t2, NULL, 0), ALOT_BEACON_OK);
	/* several certificates in one text; adding one again changes nothing */
	both = malloc(na + nb + 16);
	snprintf(both, na + nb + 16, "%s\n%s", a, b);
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)both, strlen(both), &err), ALOT_OK);
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)a, na, &err), ALOT_OK);
	q = chain_pulse(1001);
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_OK);
	q = chain_pulse(1004);
	assert_int_equal(alot_beacon_pulse_check(&q, t, NULL, 0), ALOT_BEACON_OK);
	/* certificateId is SHA-512 of the DER */
	alot_beacon_certificate_id((unsigned char *)der, len, id);
	assert_true(alot_beacon_trust_has(t, id));
	assert_false(alot_beacon_trust_has(t2, id));
	sha512(der, len, md);
	assert_memory_equal(id, md, 64);
	assert_int_equal(alot_beacon_trust_add(t2, (unsigned char *)der, len, &err), ALOT_OK);
	assert_true(alot_beacon_trust_has(t2, id));
	free(both);
	free(lf);
	free(a);
	free(b);
	free(der);
	alot_beacon_trust_free(t);
	alot_beacon_trust_free(t2);
}

static void
trust_store_rejects_what_is_no_rsa_certificate(void **state)
{
	alot_beacon_trust *t = alot_beacon_trust_new();
	size_t len, n;
	char *der = tmp_file("b.der", &len), *e = tmp_file("e.pem", &n);
	char *pem = tmp_file("a/beacon-test.pem", &n);
	alot_error err;

	(void)state;
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)"", 0, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)"hello", 5, &err), ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "no certificate"));
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)der, len - 1, &err),
	                 ALOT_ERR_INVALID);
	der[len] = 0;
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)der, len + 1, &err),
	                 ALOT_ERR_INVALID);
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)e, strlen(e), &err), ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "not RSA"));
	/* a PEM certificate whose base64 was damaged */
	pem[100] = pem[100] == 'A' ? 'B' : 'A';
	pem[101] = '*';
	assert_int_equal(alot_beacon_trust_add(t, (unsigned char *)pem, strlen(pem), &err),
	                 ALOT_ERR_INVALID);
	assert_non_null(strstr(err.message, "malformed"));
	alot_beacon_trust_free(t);
	alot_beacon_trust_free(NULL);
	free(der);
	free(e);
	free(pem);
}

static void
builtin_certificate_is_nists(void **state)
{
	alot_beacon_trust *t = builtin_trust();
	unsigned char id[64];
	char h[129];

	(void)state;
	for (int i = 0; i < 64; i++)
		sscanf(REAL_ID_HEX + 2 * i, "%2hhx", &id[i]);
	hex(id, 64, h);
	assert_string_equal(h, REAL_ID_HEX);
	assert_true(alot_beacon_trust_has(t, id));
	id[0] ^= 1;
	assert_false(alot_beacon_trust_has(t, id));
	alot_beacon_trust_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_pulses_parse),
		cmocka_unit_test(real_pulses_serialize),
		cmocka_unit_test(real_pulses_verify_and_are_linked),
		cmocka_unit_test(hex_in_either_case),
		cmocka_unit_test(every_signature_byte_changed_fails),
		cmocka_unit_test(every_field_changed_fails),
		cmocka_unit_test(list_values_are_taken_by_type),
		cmocka_unit_test(unknown_certificates),
		cmocka_unit_test(other_versions_and_cipher_suites_are_unsupported),
		cmocka_unit_test(link_failures_are_named),
		cmocka_unit_test(test_signed_chain_verifies_and_links),
		cmocka_unit_test(test_signed_link_failures),
		cmocka_unit_test(missing_fields_are_named),
		cmocka_unit_test(wrong_types_are_named),
		cmocka_unit_test(bad_hex_and_values_are_named),
		cmocka_unit_test(malformed_documents_fail),
		cmocka_unit_test(unknown_keys_are_ignored),
		cmocka_unit_test(time_parse_edge_cases),
		cmocka_unit_test(trust_store_reads_pem_and_der),
		cmocka_unit_test(trust_store_rejects_what_is_no_rsa_certificate),
		cmocka_unit_test(builtin_certificate_is_nists),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
