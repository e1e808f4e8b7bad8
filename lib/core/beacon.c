/*
 * beacon.c - NIST Randomness Beacon 2.0 pulses, checked offline (NISTIR
 * 8213): strict parsing of a pulse as NIST serves it, the serialization
 * its signature covers, the signature (cipher suite 0: RSA PKCS#1 v1.5
 * over SHA-512) and outputValue, the link between consecutive pulses, and
 * the store of trusted certificates by certificateId.
 *
 * Confirmed against two real pulses of chain 2 (../shared/data/nist-beacon):
 * the signature covers the serialization below, and outputValue is
 * SHA-512(serialization || signatureValue), the signature NOT length-
 * prefixed.  Unknown keys of the pulse document are accepted and ignored
 * (NIST may add fields; the signature covers only the known ones), but
 * every known field must be there with its JSON type.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "alot/beacon.h"
#include "encoding.h"

#define TRUST_MAX   64              /* certificates in one store */
#define PEM_MAX     (1024 * 1024)   /* bytes of a PEM text given to alot_beacon_trust_add */
#define HEX64_LEN   (2 * ALOT_BEACON_HASH_LEN)

extern const char Alot_beacon_builtin_pem[]; /* beacon_cert.c */

static const char *const list_types[ALOT_BEACON_LIST_VALUES] = {
	"previous", "hour", "day", "month", "year"
};

struct trusted_cert {
	unsigned char id[ALOT_BEACON_HASH_LEN];
	EVP_PKEY *pkey;
};

struct alot_beacon_trust {
	size_t n;
	struct trusted_cert certs[TRUST_MAX];
};

/* ---- parsing ------------------------------------------------------- */

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex in either case, of exactly 2*len digits, into out; 0 when it is not. */
static int
hex_decode_any(const char *s, size_t n, unsigned char *out, size_t len)
{
	size_t i;
	int hi, lo;

	if (n != 2 * len)
		return 0;
	for (i = 0; i < len; i++) {
		hi = hex_digit(s[2 * i]);
		lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 1;
}

/* obj's member key, which must be there; name is its path in messages. */
static json_t *
member(json_t *obj, const char *key, const char *name, alot_error *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is missing", name);
	return v;
}

/* A string without NUL of at most max bytes, copied into out (max + 1 bytes). */
static alot_code
get_text(json_t *obj, const char *key, const char *name, char *out, size_t max, alot_error *err)
{
	json_t *v = member(obj, key, name, err);
	size_t n;

	if (v == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_string(v))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is not a string", name);
	n = json_string_length(v);
	if (n > max || memchr(json_string_value(v), '\0', n) != NULL)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "pulse field %s is not a text of at most %zu bytes", name, max);
	memcpy(out, json_string_value(v), n + 1);
	return ALOT_OK;
}

static alot_code
get_uint(json_t *obj, const char *key, const char *name, uint64_t max, uint64_t *out,
         alot_error *err)
{
	json_t *v = member(obj, key, name, err);

	if (v == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "pulse field %s is not an integer from 0 to %" PRIu64, name, max);
	*out = (uint64_t)json_integer_value(v);
	return ALOT_OK;
}

static alot_code
get_u32(json_t *obj, const char *key, const char *name, uint32_t *out, alot_error *err)
{
	uint64_t v;
	alot_code rc = get_uint(obj, key, name, UINT32_MAX, &v, err);

	*out = (uint32_t)v;
	return rc;
}

/* A string of hex (either case) of exactly len bytes. */
static alot_code
get_hex(json_t *obj, const char *key, const char *name, unsigned char *out, size_t len,
        alot_error *err)
{
	json_t *v = member(obj, key, name, err);

	if (v == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_string(v))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is not a string", name);
	if (!hex_decode_any(json_string_value(v), json_string_length(v), out, len))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is not %zu hex digits",
		                      name, 2 * len);
	return ALOT_OK;
}

static alot_code
get_signature(json_t *obj, alot_beacon_pulse *p, alot_error *err)
{
	json_t *v = member(obj, "signatureValue", "signatureValue", err);
	size_t n;

	if (v == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_string(v))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field signatureValue is not a string");
	n = json_string_length(v);
	if (n == 0 || n % 2 != 0 || n > 2 * ALOT_BEACON_SIG_MAX ||
	    !hex_decode_any(json_string_value(v), n, p->signature, n / 2))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "pulse field signatureValue is not hex of 1 to %d bytes",
		                      ALOT_BEACON_SIG_MAX);
	p->signature_len = n / 2;
	return ALOT_OK;
}

static alot_code
get_object(json_t *obj, const char *key, json_t **out, alot_error *err)
{
	*out = member(obj, key, key, err);
	if (*out == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_object(*out))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is not an object", key);
	return ALOT_OK;
}

static alot_code
parse_external(json_t *pulse, alot_beacon_pulse *p, alot_error *err)
{
	json_t *ext;
	alot_code rc;

	if ((rc = get_object(pulse, "external", &ext, err)) != ALOT_OK)
		return rc;
	if ((rc = get_hex(ext, "sourceId", "external.sourceId", p->external_source_id,
	                  ALOT_BEACON_HASH_LEN, err)) != ALOT_OK ||
	    (rc = get_u32(ext, "statusCode", "external.statusCode", &p->external_status_code,
	                  err)) != ALOT_OK)
		return rc;
	return get_hex(ext, "value", "external.value", p->external_value, ALOT_BEACON_HASH_LEN, err);
}

/* One listValues entry i: its type names the slot; each type once. */
static alot_code
parse_list_value(json_t *entry, size_t i, alot_beacon_pulse *p, int seen[], alot_error *err)
{
	char name[48], type[16];
	size_t t;
	alot_code rc;

	snprintf(name, sizeof(name), "listValues[%zu]", i);
	if (!json_is_object(entry))
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field %s is not an object", name);
	snprintf(name, sizeof(name), "listValues[%zu].type", i);
	if ((rc = get_text(entry, "type", name, type, sizeof(type) - 1, err)) != ALOT_OK)
		return rc;
	for (t = 0; t < ALOT_BEACON_LIST_VALUES && strcmp(type, list_types[t]) != 0; t++)
		;
	if (t == ALOT_BEACON_LIST_VALUES || seen[t])
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "pulse field %s is not previous, hour, day, month or year, each once",
		                      name);
	seen[t] = 1;
	snprintf(name, sizeof(name), "listValues[%zu].uri", i);
	if ((rc = get_text(entry, "uri", name, p->list_uris[t], ALOT_BEACON_URI_MAX, err)) != ALOT_OK)
		return rc;
	snprintf(name, sizeof(name), "listValues[%zu].value", i);
	return get_hex(entry, "value", name, p->list_values[t], ALOT_BEACON_HASH_LEN, err);
}

static alot_code
parse_list_values(json_t *pulse, alot_beacon_pulse *p, alot_error *err)
{
	int seen[ALOT_BEACON_LIST_VALUES] = {0};
	json_t *list = member(pulse, "listValues", "listValues", err);
	size_t i;
	alot_code rc;

	if (list == NULL)
		return ALOT_ERR_INVALID;
	if (!json_is_array(list) || json_array_size(list) != ALOT_BEACON_LIST_VALUES)
		return alot_error_set(err, ALOT_ERR_INVALID, "pulse field listValues is not an array of %d",
		                      ALOT_BEACON_LIST_VALUES);
	for (i = 0; i < ALOT_BEACON_LIST_VALUES; i++)
		if ((rc = parse_list_value(json_array_get(list, i), i, p, seen, err)) != ALOT_OK)
			return rc;
	return ALOT_OK;
}

/* The scalar fields before external, in the format's order. */
static alot_code
parse_head(json_t *pulse, alot_beacon_pulse *p, alot_error *err)
{
	alot_code rc;

	if ((rc = get_text(pulse, "uri", "uri", p->uri, ALOT_BEACON_URI_MAX, err)) != ALOT_OK ||
	    (rc = get_text(pulse, "version", "version", p->version, sizeof(p->version) - 1, err)) !=
	        ALOT_OK ||
	    (rc = get_u32(pulse, "cipherSuite", "cipherSuite", &p->cipher_suite, err)) != ALOT_OK ||
	    (rc = get_u32(pulse, "period", "period", &p->period, err)) != ALOT_OK ||
	    (rc = get_hex(pulse, "certificateId", "certificateId", p->certificate_id,
	                  ALOT_BEACON_HASH_LEN, err)) != ALOT_OK ||
	    (rc = get_uint(pulse, "chainIndex", "chainIndex", INT64_MAX, &p->chain_index, err)) !=
	        ALOT_OK ||
	    (rc = get_uint(pulse, "pulseIndex", "pulseIndex", INT64_MAX, &p->pulse_index, err)) !=
	        ALOT_OK ||
	    (rc = get_text(pulse, "timeStamp", "timeStamp", p->time_stamp, sizeof(p->time_stamp) - 1,
	                   err)) != ALOT_OK)
		return rc;
	if (alot_beacon_time_parse(p->time_stamp, &p->time_ms, err) != ALOT_OK)
		return alot_error_prefix(err, "pulse field timeStamp");
	return get_hex(pulse, "localRandomValue", "localRandomValue", p->local_random_value,
	               ALOT_BEACON_HASH_LEN, err);
}

static alot_code
parse_pulse(json_t *pulse, alot_beacon_pulse *p, alot_error *err)
{
	alot_code rc;

	if ((rc = parse_head(pulse, p, err)) != ALOT_OK ||
	    (rc = parse_external(pulse, p, err)) != ALOT_OK ||
	    (rc = parse_list_values(pulse, p, err)) != ALOT_OK ||
	    (rc = get_hex(pulse, "precommitmentValue", "precommitmentValue", p->precommitment_value,
	                  ALOT_BEACON_HASH_LEN, err)) != ALOT_OK ||
	    (rc = get_u32(pulse, "statusCode", "statusCode", &p->status_code, err)) != ALOT_OK ||
	    (rc = get_signature(pulse, p, err)) != ALOT_OK)
		return rc;
	return get_hex(pulse, "outputValue", "outputValue", p->output_value, ALOT_BEACON_HASH_LEN, err);
}

alot_code
alot_beacon_pulse_parse(const char *json, size_t len, alot_beacon_pulse *out, alot_error *err)
{
	json_error_t jerr;
	json_t *root = NULL, *pulse;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (len > ALOT_BEACON_PULSE_MAX) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the pulse document of %zu bytes is over %d",
		                    len, ALOT_BEACON_PULSE_MAX);
		goto out;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		/* Not jerr.text: it quotes the input, which may hold terminal escapes. */
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the pulse is malformed JSON at line %d, column %d",
		                    jerr.line, jerr.column);
		goto out;
	}
	pulse = json_object_get(root, "pulse");
	if (!json_is_object(root) || !json_is_object(pulse) || json_object_size(root) != 1) {
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "the pulse document is not {\"pulse\": {...}} as NIST serves it");
		goto out;
	}
	rc = parse_pulse(pulse, out, err);
out:
	if (rc != ALOT_OK)
		memset(out, 0, sizeof(*out));
	json_decref(root);
	return rc;
}

/* ---- time ---------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned
days_in_month(unsigned y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m - 1] + (m == 2 && leap);
}

/* n decimal digits at s into *v; 0 when one is not a digit. */
static int
digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 1;
}

/* The optional ".d", ".dd" or ".ddd" then "Z" at s, milliseconds into *ms. */
static int
fraction(const char *s, unsigned *ms)
{
	size_t n = 0;

	*ms = 0;
	if (*s == '.') {
		for (s++; n < 3 && s[n] >= '0' && s[n] <= '9'; n++)
			*ms = *ms * 10 + (unsigned)(s[n] - '0');
		if (n == 0)
			return 0;
		for (size_t k = n; k < 3; k++)
			*ms *= 10;
	}
	return strcmp(s + n, "Z") == 0;
}

alot_code
alot_beacon_time_parse(const char *text, int64_t *ms, alot_error *err)
{
	unsigned y, mo, d, h, mi, s, frac;

	*ms = 0;
	if (strlen(text) < 20 || !digits(text, 4, &y) || text[4] != '-' || !digits(text + 5, 2, &mo) ||
	    text[7] != '-' || !digits(text + 8, 2, &d) || text[10] != 'T' ||
	    !digits(text + 11, 2, &h) || text[13] != ':' || !digits(text + 14, 2, &mi) ||
	    text[16] != ':' || !digits(text + 17, 2, &s) || !fraction(text + 19, &frac))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "time \"%.40s\" is not YYYY-MM-DDTHH:MM:SS[.mmm]Z", text);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
		return alot_error_set(err, ALOT_ERR_INVALID, "time \"%.40s\" is not a valid UTC time",
		                      text);
	*ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + s;
	*ms = *ms * 1000 + frac;
	return ALOT_OK;
}

/* ---- serialization ------------------------------------------------- */

static size_t
serialized_len(const alot_beacon_pulse *p)
{
	return 4 + strlen(p->uri) + 4 + strlen(p->version) + 4 + 4 + 4 + ALOT_BEACON_HASH_LEN + 8 +
	       8 + 4 + strlen(p->time_stamp) + (4 + ALOT_BEACON_HASH_LEN) * 3 + 4 +
	       (4 + ALOT_BEACON_HASH_LEN) * ALOT_BEACON_LIST_VALUES + 4 + ALOT_BEACON_HASH_LEN + 4;
}

static size_t
serialize_into(const alot_beacon_pulse *p, unsigned char *b)
{
	size_t at = 0, i;

	at = Alot_put_lp_str(b, at, p->uri);
	at = Alot_put_lp_str(b, at, p->version);
	at = Alot_put_u32(b, at, p->cipher_suite);
	at = Alot_put_u32(b, at, p->period);
	at = Alot_put_lp(b, at, p->certificate_id, ALOT_BEACON_HASH_LEN);
	at = Alot_put_u64(b, at, p->chain_index);
	at = Alot_put_u64(b, at, p->pulse_index);
	at = Alot_put_lp_str(b, at, p->time_stamp);
	at = Alot_put_lp(b, at, p->local_random_value, ALOT_BEACON_HASH_LEN);
	at = Alot_put_lp(b, at, p->external_source_id, ALOT_BEACON_HASH_LEN);
	at = Alot_put_u32(b, at, p->external_status_code);
	at = Alot_put_lp(b, at, p->external_value, ALOT_BEACON_HASH_LEN);
	for (i = 0; i < ALOT_BEACON_LIST_VALUES; i++)
		at = Alot_put_lp(b, at, p->list_values[i], ALOT_BEACON_HASH_LEN);
	at = Alot_put_lp(b, at, p->precommitment_value, ALOT_BEACON_HASH_LEN);
	return Alot_put_u32(b, at, p->status_code);
}

alot_code
alot_beacon_pulse_serialize(const alot_beacon_pulse *pulse, unsigned char **out, size_t *len,
                            alot_error *err)
{
	size_t n;

	*out = NULL;
	*len = 0;
	if (strnlen(pulse->uri, sizeof(pulse->uri)) == sizeof(pulse->uri) ||
	    strnlen(pulse->version, sizeof(pulse->version)) == sizeof(pulse->version) ||
	    strnlen(pulse->time_stamp, sizeof(pulse->time_stamp)) == sizeof(pulse->time_stamp))
		return alot_error_set(err, ALOT_ERR_INVALID, "the pulse's text fields are not terminated");
	n = serialized_len(pulse);
	if ((*out = malloc(n)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory serializing a pulse");
	*len = serialize_into(pulse, *out);
	if (*len != n) {
		free(*out);
		*out = NULL;
		*len = 0;
		return alot_error_set(err, ALOT_ERR_INTERNAL, "a pulse's serialization has the wrong size");
	}
	return ALOT_OK;
}

/* ---- trusted certificates ------------------------------------------ */

alot_beacon_trust *
alot_beacon_trust_new(void)
{
	return calloc(1, sizeof(alot_beacon_trust));
}

void
alot_beacon_trust_free(alot_beacon_trust *trust)
{
	size_t i;

	if (trust == NULL)
		return;
	for (i = 0; i < trust->n; i++)
		EVP_PKEY_free(trust->certs[i].pkey);
	free(trust);
}

void
alot_beacon_certificate_id(const unsigned char *der, size_t len,
                           unsigned char out[ALOT_BEACON_HASH_LEN])
{
	if (EVP_Digest(der, len, out, NULL, EVP_sha512(), NULL) != 1)
		memset(out, 0, ALOT_BEACON_HASH_LEN); /* matches no real certificate */
}

static const struct trusted_cert *
find_cert(const alot_beacon_trust *trust, const unsigned char id[ALOT_BEACON_HASH_LEN])
{
	size_t i;

	for (i = 0; trust != NULL && i < trust->n; i++)
		if (memcmp(trust->certs[i].id, id, ALOT_BEACON_HASH_LEN) == 0)
			return &trust->certs[i];
	return NULL;
}

int
alot_beacon_trust_has(const alot_beacon_trust *trust, const unsigned char id[ALOT_BEACON_HASH_LEN])
{
	return find_cert(trust, id) != NULL;
}

/* Add one certificate whose DER bytes are der (len bytes): its key must be RSA. */
static alot_code
add_cert(alot_beacon_trust *trust, X509 *x, const unsigned char *der, size_t len, alot_error *err)
{
	unsigned char id[ALOT_BEACON_HASH_LEN];
	EVP_PKEY *pkey;

	if (len > ALOT_BEACON_CERT_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "a certificate of %zu bytes is over %d", len,
		                      ALOT_BEACON_CERT_MAX);
	alot_beacon_certificate_id(der, len, id);
	if (find_cert(trust, id) != NULL)
		return ALOT_OK;
	if (trust->n == TRUST_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "more than %d trusted beacon certificates",
		                      TRUST_MAX);
	if ((pkey = X509_get_pubkey(x)) == NULL)
		return alot_error_set(err, ALOT_ERR_INVALID, "a certificate's public key cannot be read");
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		return alot_error_set(err, ALOT_ERR_INVALID, "a certificate's key is not RSA");
	}
	memcpy(trust->certs[trust->n].id, id, ALOT_BEACON_HASH_LEN);
	trust->certs[trust->n++].pkey = pkey;
	return ALOT_OK;
}

static alot_code
add_der(alot_beacon_trust *trust, const unsigned char *data, size_t len, alot_error *err)
{
	const unsigned char *p = data;
	X509 *x = NULL;
	alot_code rc;

	if (len > ALOT_BEACON_CERT_MAX) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "a certificate of %zu bytes is over %d", len,
		                    ALOT_BEACON_CERT_MAX);
		goto out;
	}
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != data + len) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the data is no DER certificate");
		goto out;
	}
	rc = add_cert(trust, x, data, len, err);
out:
	X509_free(x);
	ERR_clear_error();
	return rc;
}

/* The next certificate of a PEM text into *x (NULL at the end). */
static alot_code
next_pem(BIO *bio, size_t count, X509 **x, alot_error *err)
{
	unsigned long e;

	ERR_clear_error();
	*x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (*x != NULL)
		return ALOT_OK;
	e = ERR_peek_last_error();
	ERR_clear_error();
	if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
		return ALOT_OK;
	return alot_error_set(err, ALOT_ERR_INVALID, "certificate %zu of the PEM text is malformed",
	                      count + 1);
}

static alot_code
add_pem(alot_beacon_trust *trust, const unsigned char *data, size_t len, alot_error *err)
{
	BIO *bio = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	size_t count = 0;
	int n;
	alot_code rc = ALOT_OK;

	if (len > PEM_MAX || (bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "a PEM text of %zu bytes is too long", len);
		goto out;
	}
	for (;;) {
		if ((rc = next_pem(bio, count, &x, err)) != ALOT_OK || x == NULL)
			break;
		if ((n = i2d_X509(x, &der)) <= 0) {
			rc = alot_error_set(err, ALOT_ERR_CRYPTO, "certificate %zu cannot be encoded", count + 1);
			break;
		}
		if ((rc = add_cert(trust, x, der, (size_t)n, err)) != ALOT_OK)
			break;
		OPENSSL_free(der);
		X509_free(x);
		der = NULL, x = NULL;
		count++;
	}
	if (rc == ALOT_OK && count == 0)
		rc = alot_error_set(err, ALOT_ERR_INVALID, "the PEM text holds no certificate");
out:
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

alot_code
alot_beacon_trust_add(alot_beacon_trust *trust, const unsigned char *data, size_t len,
                      alot_error *err)
{
	if (trust == NULL || data == NULL || len == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "no certificate given");
	/* DER: a SEQUENCE with a long-form length (a certificate is over 127 bytes); never text */
	if (len >= 2 && data[0] == 0x30 && data[1] >= 0x81 && data[1] <= 0x84)
		return add_der(trust, data, len, err);
	return add_pem(trust, data, len, err);
}

alot_code
alot_beacon_trust_add_builtin(alot_beacon_trust *trust, alot_error *err)
{
	return alot_beacon_trust_add(trust, (const unsigned char *)Alot_beacon_builtin_pem,
	                             strlen(Alot_beacon_builtin_pem), err);
}

/* The certificates of the file at path into trust. */
static alot_code
add_file(alot_beacon_trust *trust, const char *path, alot_error *err)
{
	unsigned char *buf = malloc(ALOT_BEACON_CERT_FILE_MAX + 1);
	FILE *f = NULL;
	size_t len;
	alot_code rc;

	if (buf == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not open \"%s\": %s", path, strerror(errno));
		goto out;
	}
	len = fread(buf, 1, ALOT_BEACON_CERT_FILE_MAX + 1, f);
	if (ferror(f))
		rc = alot_error_set(err, ALOT_ERR_IO, "could not read \"%s\": %s", path, strerror(errno ? errno : EIO));
	else if (len > ALOT_BEACON_CERT_FILE_MAX)
		rc = alot_error_set(err, ALOT_ERR_INVALID, "it is over the limit of %d bytes", ALOT_BEACON_CERT_FILE_MAX);
	else
		rc = alot_beacon_trust_add(trust, buf, len, err);
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}

alot_beacon_trust *
alot_beacon_trust_load(const char *const *files, size_t n, size_t *failed, alot_error *err)
{
	alot_beacon_trust *trust = alot_beacon_trust_new();
	alot_code rc = ALOT_OK;

	*failed = n;
	if (trust == NULL) {
		alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if ((rc = alot_beacon_trust_add_builtin(trust, err)) != ALOT_OK)
		goto out;
	for (size_t i = 0; i < n && rc == ALOT_OK; i++)
		if ((rc = add_file(trust, files[i], err)) != ALOT_OK)
			*failed = i;
out:
	if (rc != ALOT_OK) {
		alot_beacon_trust_free(trust);
		trust = NULL;
	}
	return trust;
}

/* ---- checks --------------------------------------------------------- */

static void ALOT_PRINTF(3, 4)
say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

/* 1 when sig verifies over msg under pkey (RSA PKCS#1 v1.5, SHA-512). */
static int
rsa_sha512_verifies(EVP_PKEY *pkey, const unsigned char *msg, size_t len, const unsigned char *sig,
                    size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;

	if (ctx == NULL || EVP_DigestVerifyInit(ctx, &pctx, EVP_sha512(), NULL, pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	ok = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* 1 when outputValue = SHA-512(serialization || signatureValue). */
static int
output_matches(const alot_beacon_pulse *p, const unsigned char *ser, size_t len)
{
	unsigned char md[ALOT_BEACON_HASH_LEN];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, ser, len) == 1 &&
	    EVP_DigestUpdate(ctx, p->signature, p->signature_len) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, NULL) == 1)
		ok = CRYPTO_memcmp(md, p->output_value, sizeof(md)) == 0;
	EVP_MD_CTX_free(ctx);
	return ok;
}

alot_beacon_verdict
alot_beacon_pulse_check(const alot_beacon_pulse *pulse, const alot_beacon_trust *trust, char *why,
                        size_t why_len)
{
	const struct trusted_cert *cert;
	unsigned char *ser = NULL;
	size_t len;
	alot_error err;
	alot_beacon_verdict v;

	say(why, why_len, "%s", "");
	if (strcmp(pulse->version, "2.0") != 0 || pulse->cipher_suite != 0) {
		say(why, why_len, "version \"%.15s\" with cipher suite %" PRIu32
		    " is not beacon 2.0 with cipher suite 0", pulse->version, pulse->cipher_suite);
		v = ALOT_BEACON_UNSUPPORTED;
		goto out;
	}
	if ((cert = find_cert(trust, pulse->certificate_id)) == NULL) {
		say(why, why_len, "the pulse's certificateId is not a trusted certificate");
		v = ALOT_BEACON_UNKNOWN_CERTIFICATE;
		goto out;
	}
	if (alot_beacon_pulse_serialize(pulse, &ser, &len, &err) != ALOT_OK ||
	    pulse->signature_len == 0 || pulse->signature_len > ALOT_BEACON_SIG_MAX ||
	    !rsa_sha512_verifies(cert->pkey, ser, len, pulse->signature, pulse->signature_len)) {
		say(why, why_len, "the signature does not verify under the pulse's certificate");
		v = ALOT_BEACON_BAD_SIGNATURE;
		goto out;
	}
	if (!output_matches(pulse, ser, len)) {
		say(why, why_len, "outputValue is not SHA-512 of the serialization and signature");
		v = ALOT_BEACON_BAD_OUTPUT;
		goto out;
	}
	v = ALOT_BEACON_OK;
out:
	free(ser);
	return v;
}

static int
precommitment_matches(const alot_beacon_pulse *prev, const alot_beacon_pulse *next)
{
	unsigned char md[ALOT_BEACON_HASH_LEN];

	if (EVP_Digest(next->local_random_value, ALOT_BEACON_HASH_LEN, md, NULL, EVP_sha512(), NULL) !=
	    1)
		return 0;
	return memcmp(md, prev->precommitment_value, sizeof(md)) == 0;
}

int
alot_beacon_pulses_linked(const alot_beacon_pulse *prev, const alot_beacon_pulse *next, char *why,
                          size_t why_len)
{
	say(why, why_len, "%s", "");
	if (next->chain_index != prev->chain_index)
		say(why, why_len, "chain %" PRIu64 " does not follow chain %" PRIu64, next->chain_index,
		    prev->chain_index);
	else if (prev->pulse_index == UINT64_MAX || next->pulse_index != prev->pulse_index + 1)
		say(why, why_len, "pulse %" PRIu64 " does not follow pulse %" PRIu64 " (an index gap)",
		    next->pulse_index, prev->pulse_index);
	else if (next->status_code & ALOT_BEACON_STATUS_NEW_CHAIN)
		say(why, why_len, "pulse %" PRIu64 " starts a new chain (status %" PRIu32 ")",
		    next->pulse_index, next->status_code);
	else if (next->time_ms <= prev->time_ms)
		say(why, why_len, "pulse %" PRIu64 "'s time %s is not later than %s", next->pulse_index,
		    next->time_stamp, prev->time_stamp);
	else if (memcmp(next->list_values[0], prev->output_value, ALOT_BEACON_HASH_LEN) != 0)
		say(why, why_len, "pulse %" PRIu64 "'s previous value is not pulse %" PRIu64
		    "'s outputValue", next->pulse_index, prev->pulse_index);
	else if (!precommitment_matches(prev, next))
		say(why, why_len, "pulse %" PRIu64 "'s precommitmentValue is not SHA-512 of pulse %" PRIu64
		    "'s localRandomValue", prev->pulse_index, next->pulse_index);
	else
		return 1;
	return 0;
}
