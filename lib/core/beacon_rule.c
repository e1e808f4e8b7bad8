/*
 * beacon_rule.c - the beacon rules a commitment can bind (docs/protocol.md
 * sections 5.1 and 12): "none", and "nist-beacon-2.0:chain=C:after=freeze:
 * policy=HEX", whose witness policy is named by its hash; and the witness
 * policy's text, parsed strictly so that one policy has one text and so
 * one hash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "alot/beacon.h"
#include "alot/crypto.h"
#include "alot/note.h"
#include "alot/protocol.h"
#include "encoding.h"

#define NIST_PREFIX  "nist-beacon-2.0:chain="
#define AFTER_POLICY ":after=freeze:policy="
#define POLICY_TAG   "ALOT-v2/witness-policy"

/* A decimal without sign or leading zero, 1..2^63-1, of exactly len bytes. */
static int
parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19 || (s[0] == '0' && len > 1))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v == 0 || v > max)
		return 0;
	*out = v;
	return 1;
}

static int
lower_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

alot_code
alot_beacon_rule_parse(const char *text, alot_beacon_rule *out, alot_error *err)
{
	const char *chain, *after;
	size_t plen = strlen(NIST_PREFIX), alen = strlen(AFTER_POLICY);

	memset(out, 0, sizeof(*out));
	if (strcmp(text, "none") == 0)
		return ALOT_OK;
	if (strncmp(text, NIST_PREFIX, plen) != 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "beacon rule \"%.128s\" is not one this verifier knows",
		                      text);
	chain = text + plen;
	if ((after = strchr(chain, ':')) == NULL ||
	    !parse_decimal(chain, (size_t)(after - chain), INT64_MAX, &out->chain))
		return alot_error_set(err, ALOT_ERR_INVALID, "beacon rule \"%.128s\": the chain is not a number",
		                      text);
	if (strncmp(after, AFTER_POLICY, alen) != 0)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "beacon rule \"%.128s\": expected \"" AFTER_POLICY "\" after the chain", text);
	after += alen;
	if (strlen(after) != 64 || !lower_hex(after, 64) ||
	    alot_hex_decode(after, out->policy_hash, sizeof(out->policy_hash), NULL) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "beacon rule \"%.128s\": the policy is not 64 lowercase hex digits", text);
	out->kind = ALOT_BEACON_NIST;
	return ALOT_OK;
}

int
alot_beacon_rule_known(const char *rule)
{
	alot_beacon_rule parsed;

	return alot_beacon_rule_parse(rule, &parsed, NULL) == ALOT_OK;
}

void
alot_beacon_rule_format(uint64_t chain, const unsigned char policy_hash[32], char *buf, size_t len)
{
	char hex[65];

	alot_hex_encode(policy_hash, 32, hex);
	snprintf(buf, len, NIST_PREFIX "%llu" AFTER_POLICY "%s", (unsigned long long)chain, hex);
}

void
alot_witness_policy_hash(const char *text, size_t len, unsigned char out[32])
{
	size_t tag_len = strlen(POLICY_TAG);
	unsigned char prefix[4];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 32;
	int ok;

	/* Streamed: a policy can be a few KiB and needs no copy. */
	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	Alot_put_u32(prefix, 0, (uint32_t)tag_len);
	ok = ok && EVP_DigestUpdate(ctx, prefix, 4) == 1 && EVP_DigestUpdate(ctx, POLICY_TAG, tag_len) == 1;
	Alot_put_u32(prefix, 0, (uint32_t)len);
	ok = ok && EVP_DigestUpdate(ctx, prefix, 4) == 1 && EVP_DigestUpdate(ctx, text, len) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &n) == 1;
	if (!ok)
		memset(out, 0, 32);
	EVP_MD_CTX_free(ctx);
}

/* One line of the policy: "word value\n" at *pos; value gets a NUL-terminated copy. */
static int
policy_line(const char *text, size_t len, size_t *pos, const char *word, char *value, size_t cap)
{
	size_t wlen = strlen(word), start = *pos, end;

	if (len - start < wlen + 1 || memcmp(text + start, word, wlen) != 0 || text[start + wlen] != ' ')
		return 0;
	start += wlen + 1;
	for (end = start; end < len && text[end] != '\n'; end++)
		if ((unsigned char)text[end] < 0x20 || (unsigned char)text[end] > 0x7e)
			return 0;
	if (end == len || end == start || end - start >= cap)
		return 0;
	memcpy(value, text + start, end - start);
	value[end - start] = '\0';
	*pos = end + 1;
	return 1;
}

static alot_code
policy_key(const char *value, unsigned char alg, const char *what, alot_note_verifier *out,
           alot_error *err)
{
	if (alot_note_verifier_parse(value, strlen(value), out, err) != ALOT_OK)
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy's %s key is not a verifier key",
		                      what);
	if (out->alg != alg)
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy's %s key is not %s", what,
		                      alg == ALOT_NOTE_ALG_ED25519 ? "an Ed25519 log key"
		                                                   : "a cosignature/v1 witness key");
	return ALOT_OK;
}

static int
witness_repeated(const alot_tlog_policy *p)
{
	const alot_note_verifier *last = &p->witnesses[p->witness_count - 1];

	if (strcmp(p->log.name, last->name) == 0 || memcmp(p->log.key, last->key, sizeof(last->key)) == 0)
		return 1;
	for (size_t i = 0; i + 1 < p->witness_count; i++)
		if (strcmp(p->witnesses[i].name, last->name) == 0 ||
		    memcmp(p->witnesses[i].key, last->key, sizeof(last->key)) == 0)
			return 1;
	return 0;
}

alot_code
alot_witness_policy_parse(const char *text, size_t len, alot_tlog_policy *out, alot_error *err)
{
	char value[1024];
	size_t pos = 0;
	uint64_t quorum;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	if (len > ALOT_WITNESS_POLICY_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy is over %d bytes",
		                      ALOT_WITNESS_POLICY_MAX);
	if (!policy_line(text, len, &pos, "log", value, sizeof(value)))
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy does not start with a \"log\" line");
	if ((rc = policy_key(value, ALOT_NOTE_ALG_ED25519, "log", &out->log, err)) != ALOT_OK)
		return rc;
	while (policy_line(text, len, &pos, "witness", value, sizeof(value))) {
		if (out->witness_count == ALOT_TLOG_MAX_WITNESSES)
			return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy has more than %d witnesses",
			                      ALOT_TLOG_MAX_WITNESSES);
		rc = policy_key(value, ALOT_NOTE_ALG_COSIG_V1, "witness", &out->witnesses[out->witness_count], err);
		if (rc != ALOT_OK)
			return rc;
		out->witness_count++;
		if (witness_repeated(out))
			return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy names a key or a name twice");
	}
	if (out->witness_count == 0)
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy names no witness");
	if (!policy_line(text, len, &pos, "quorum", value, sizeof(value)) ||
	    !parse_decimal(value, strlen(value), out->witness_count, &quorum))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "the witness policy does not end with \"quorum K\", 1 <= K <= %zu",
		                      out->witness_count);
	if (pos != len)
		return alot_error_set(err, ALOT_ERR_INVALID, "the witness policy has text after its \"quorum\" line");
	out->quorum = (size_t)quorum;
	return ALOT_OK;
}
