/*
 * gen-beacon.c - the records of the NIST beacon rule (docs/protocol.md
 * section 12) under vectors/records-beacon/: one room committed under
 * "nist-beacon-2.0:chain=2:after=freeze:policy=...", its freeze record as
 * entry 1 of a TEST-ONLY log, the checkpoint of size 2 cosigned by two
 * TEST-ONLY witnesses, and draws over that ledger.
 *
 * The valid draw uses the two real NIST pulses of ../shared/data/nist-beacon
 * (1862118 at 13:49:00 and 1862119 at 13:50:00 on 2026-07-16), with the
 * witnesses' cosignatures at 13:49:20 and 13:49:40: the log time falls
 * between them.  Cases that need other pulses (a time gap, a new
 * certificate, a broken link, a chain start, an untrusted certificate)
 * sign their own with TEST-ONLY RSA certificates, which only the vectors'
 * index trusts ("beacon_cert").  Every invalid record breaks exactly one
 * check, the one its name gives.  Deterministic, like gen-vectors.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "alot/beacon.h"
#include "alot/note.h"
#include "alot/record.h"
#include "alot/tlog.h"
#include "gen.h"

#define B_COMMITTED "2026-07-10T09:00:00.000000Z"
#define B_DEADLINE  "2026-07-31T23:59:59.000000Z"
#define B_FUNDED    "2026-07-16T13:48:50.000000Z"
#define B_FROZEN    "2026-07-16T13:48:55.250000Z"
#define B_DRAWN     "2026-07-16T13:50:04.500000Z"
#define LOG_ORIGIN  "vectors.alot.example/log"
#define ROOM        "beacon-real"
#define TEST_URI    "https://beacon.test.invalid/beacon/2.0/chain/2/pulse/"

static const uint32_t sizes[] = { 3, 1, 4, 1, 5, 9, 2, 6 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* A pulse document as NIST serves it, and what it says. */
struct pulse_doc {
	char *text;
	alot_beacon_pulse p;
};

/* A TEST-ONLY beacon certificate: its key, its PEM file (relative to records-beacon/) and id. */
struct test_cert {
	EVP_PKEY *key;
	unsigned char id[ALOT_BEACON_HASH_LEN];
	char file[64];
};

static alot_signing_key *log_key, *witness_key[2];
static char *policy_text, *other_policy_text;
static char witness_name[2][32] = { "witness-1.vectors.alot.example", "witness-2.vectors.alot.example" };
static struct test_cert certs[2];
static struct pulse_doc real_q, real_p;

/* The room's records, shared by every case. */
static alot_draw_record *room;
static alot_ticket_range ledger[NSIZES];
static unsigned char seed[32];
static char *commitment_rec, *freeze_rec;

/* ---- keys, certificates, policy ------------------------------------- */

static char *
vkey_of(const alot_signing_key *key, const char *name, unsigned char alg)
{
	alot_public_key pub;
	alot_error err;
	char *text;

	alot_signing_key_public(key, &pub);
	check(alot_note_verifier_format(name, alg, &pub, &text, &err), &err);
	return text;
}

static char *
make_policy(unsigned quorum)
{
	char *log = vkey_of(log_key, LOG_ORIGIN, ALOT_NOTE_ALG_ED25519), *w[2], *out;
	size_t cap = 2048;

	for (int i = 0; i < 2; i++)
		w[i] = vkey_of(witness_key[i], witness_name[i], ALOT_NOTE_ALG_COSIG_V1);
	if ((out = malloc(cap)) == NULL)
		die("out of memory");
	snprintf(out, cap, "log %s\nwitness %s\nwitness %s\nquorum %u\n", log, w[0], w[1], quorum);
	free(log);
	free(w[0]);
	free(w[1]);
	return out;
}

static void
load_cert(const char *keys_dir, int n, struct test_cert *c)
{
	char path[1024];
	unsigned char *der = NULL;
	X509 *x;
	FILE *f;
	int len;

	snprintf(path, sizeof(path), "%s/TEST-ONLY-beacon-%d-key.pem", keys_dir, n);
	if ((f = fopen(path, "r")) == NULL || (c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		die("could not read %s", path);
	fclose(f);
	snprintf(path, sizeof(path), "%s/TEST-ONLY-beacon-%d-cert.pem", keys_dir, n);
	if ((f = fopen(path, "r")) == NULL || (x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
		die("could not read %s", path);
	fclose(f);
	if ((len = i2d_X509(x, &der)) <= 0)
		die("could not encode %s", path);
	alot_beacon_certificate_id(der, (size_t)len, c->id);
	OPENSSL_free(der);
	X509_free(x);
	snprintf(c->file, sizeof(c->file), "beacon-test-%d.pem", n);
}

static void
copy_cert(const char *keys_dir, int n)
{
	char path[1024], buf[8192], rel[128];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/TEST-ONLY-beacon-%d-cert.pem", keys_dir, n);
	if ((f = fopen(path, "r")) == NULL)
		die("could not read %s", path);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	snprintf(rel, sizeof(rel), "%s/%s", rec_dir, certs[n - 1].file);
	write_file(rel, buf);
}

/* ---- pulses ---------------------------------------------------------- */

static void
parse_pulse(struct pulse_doc *d)
{
	alot_error err;

	check(alot_beacon_pulse_parse(d->text, strlen(d->text), &d->p, &err), &err);
}

/* {"pulse": obj} in NIST's field order, compact. */
static char *
served(json_t *obj)
{
	json_t *doc = json_pack("{s:O}", "pulse", obj);
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (text == NULL)
		die("out of memory");
	json_decref(doc);
	return text;
}

static void
load_real(const char *path)
{
	json_error_t jerr;
	json_t *all = json_load_file(path, 0, &jerr);

	if (all == NULL)
		die("could not read %s: %s", path, jerr.text);
	real_q.text = served(json_object_get(all, "previous_pulse"));
	real_p.text = served(json_object_get(all, "pulse"));
	json_decref(all);
	parse_pulse(&real_q);
	parse_pulse(&real_p);
}

static json_t *
upper_hex(const unsigned char *p, size_t len)
{
	char buf[2 * ALOT_BEACON_SIG_MAX + 1];

	alot_hex_encode(p, len, buf);
	for (char *c = buf; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	return json_string(buf);
}

static json_t *
pulse_json(const alot_beacon_pulse *p)
{
	static const char *const types[ALOT_BEACON_LIST_VALUES] = { "previous", "hour", "day", "month", "year" };
	char cert[2 * ALOT_BEACON_HASH_LEN + 1];
	json_t *list = json_array();

	for (int i = 0; i < ALOT_BEACON_LIST_VALUES; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "type", types[i], "uri", p->list_uris[i],
		                                      "value", upper_hex(p->list_values[i], ALOT_BEACON_HASH_LEN)));
	alot_hex_encode(p->certificate_id, ALOT_BEACON_HASH_LEN, cert);
	return json_pack("{s:s, s:s, s:i, s:i, s:s, s:I, s:I, s:s, s:o, s:{s:o, s:i, s:o}, s:o, s:o, s:i, s:o, s:o}",
	                 "uri", p->uri, "version", p->version, "cipherSuite", (int)p->cipher_suite,
	                 "period", (int)p->period, "certificateId", cert, "chainIndex", (json_int_t)p->chain_index,
	                 "pulseIndex", (json_int_t)p->pulse_index, "timeStamp", p->time_stamp,
	                 "localRandomValue", upper_hex(p->local_random_value, ALOT_BEACON_HASH_LEN),
	                 "external", "sourceId", upper_hex(p->external_source_id, ALOT_BEACON_HASH_LEN),
	                 "statusCode", (int)p->external_status_code,
	                 "value", upper_hex(p->external_value, ALOT_BEACON_HASH_LEN),
	                 "listValues", list,
	                 "precommitmentValue", upper_hex(p->precommitment_value, ALOT_BEACON_HASH_LEN),
	                 "statusCode", (int)p->status_code,
	                 "signatureValue", upper_hex(p->signature, p->signature_len),
	                 "outputValue", upper_hex(p->output_value, ALOT_BEACON_HASH_LEN));
}

static void
sha512(const void *a, size_t alen, const void *b, size_t blen, unsigned char out[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) != 1 || EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    EVP_DigestUpdate(ctx, b, blen) != 1 || EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		die("sha-512 failed");
	EVP_MD_CTX_free(ctx);
}

/* A pulse's random values, derived from its case and index. */
static void
derive64(const char *what, uint64_t index, unsigned char out[64])
{
	char buf[160];

	snprintf(buf, sizeof(buf), "ALOT-v2 test pulse/%s/%llu", what, (unsigned long long)index);
	sha512(buf, strlen(buf), "", 0, out);
}

/* Sign p (all but signature and output set) with cert; fill signature and outputValue. */
static void
sign_pulse(alot_beacon_pulse *p, const struct test_cert *cert)
{
	unsigned char *ser;
	size_t len, siglen = sizeof(p->signature);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	alot_error err;

	memcpy(p->certificate_id, cert->id, ALOT_BEACON_HASH_LEN);
	check(alot_beacon_pulse_serialize(p, &ser, &len, &err), &err);
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha512(), NULL, cert->key) != 1 ||
	    EVP_DigestSign(ctx, p->signature, &siglen, ser, len) != 1)
		die("could not sign a test pulse");
	p->signature_len = siglen;
	sha512(ser, len, p->signature, siglen, p->output_value);
	EVP_MD_CTX_free(ctx);
	free(ser);
}

/*
 * A test pulse of chain 2 at index and time, following prev (NULL: none),
 * whose precommitment is the SHA-512 of next_local.
 */
static void
test_pulse(alot_beacon_pulse *p, const char *what, uint64_t index, const char *ts,
           const alot_beacon_pulse *prev, const unsigned char next_local[64], uint32_t status)
{
	static const char *const kinds[] = { "previous", "hour", "day", "month", "year" };
	alot_error err;

	memset(p, 0, sizeof(*p));
	snprintf(p->uri, sizeof(p->uri), TEST_URI "%llu", (unsigned long long)index);
	strcpy(p->version, "2.0");
	p->period = 60000;
	p->chain_index = 2;
	p->pulse_index = index;
	snprintf(p->time_stamp, sizeof(p->time_stamp), "%s", ts);
	check(alot_beacon_time_parse(ts, &p->time_ms, &err), &err);
	derive64(what, index, p->local_random_value);
	for (int i = 0; i < ALOT_BEACON_LIST_VALUES; i++) {
		derive64(kinds[i], index - 1 - (uint64_t)i * 60, p->list_values[i]);
		snprintf(p->list_uris[i], sizeof(p->list_uris[i]), TEST_URI "%llu",
		         (unsigned long long)(index - 1 - (uint64_t)i * 60));
	}
	if (prev != NULL)
		memcpy(p->list_values[0], prev->output_value, 64);
	sha512(next_local, 64, "", 0, p->precommitment_value);
	p->status_code = status;
}

static void
to_doc(struct pulse_doc *d, const alot_beacon_pulse *p)
{
	json_t *obj = pulse_json(p);

	if (obj == NULL)
		die("out of memory");
	d->text = served(obj);
	json_decref(obj);
	parse_pulse(d);
}

/*
 * A test-signed pair: Q at q_ts, P at p_ts with status, each signed by
 * the certificate given.  what separates the random values of cases.
 */
static void
test_pair(const char *what, const char *q_ts, int q_cert, const char *p_ts, int p_cert, uint32_t status,
          struct pulse_doc *q, struct pulse_doc *p)
{
	alot_beacon_pulse pq, pp;
	unsigned char next_local[64], after[64];

	derive64(what, 1862119, next_local);
	derive64(what, 1862120, after);
	test_pulse(&pq, what, 1862118, q_ts, NULL, next_local, 0);
	sign_pulse(&pq, &certs[q_cert]);
	test_pulse(&pp, what, 1862119, p_ts, &pq, after, status);
	sign_pulse(&pp, &certs[p_cert]);
	to_doc(q, &pq);
	to_doc(p, &pp);
}

/* ---- the log ---------------------------------------------------------- */

static void
node(const unsigned char l[32], const unsigned char r[32], unsigned char out[32])
{
	unsigned char buf[65];

	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	alot_sha256(buf, sizeof(buf), out);
}

static uint64_t
posix(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	           &tm.tm_sec) != 6)
		die("bad time %s", iso);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint64_t)timegm(&tm);
}

/* What a case's freeze proof shows: the checkpoint's size and who cosigned when. */
struct log_view {
	uint64_t size;          /* 2: the beacon checkpoint; 3: a later one */
	const char *times[2];   /* cosignature times; NULL: that witness did not cosign */
	const char *again;      /* a second cosignature of witness 1, placed first; NULL: none */
	const char *extension;  /* an extension line of the checkpoint; NULL: none (the log's have none) */
};

static char *
freeze_proof(const struct log_view *v)
{
	unsigned char lc[32], lf[32], lx[32], root[32], path[2][32], inner[32];
	char *root64, text[512], *sig, *cosig, note[8192], *out;
	alot_error err;
	size_t at, plen;

	alot_tlog_leaf_hash(commitment_rec, strlen(commitment_rec), lc);
	alot_tlog_leaf_hash(freeze_rec, strlen(freeze_rec), lf);
	alot_tlog_leaf_hash("a later entry", 13, lx);
	node(lc, lf, inner);
	memcpy(path[0], lc, 32);
	plen = 1;
	if (v->size == 3) {
		node(inner, lx, root);
		memcpy(path[1], lx, 32);
		plen = 2;
	} else {
		memcpy(root, inner, 32);
	}
	check(alot_base64_encode(root, 32, &root64, &err), &err);
	snprintf(text, sizeof(text), "%s\n%llu\n%s\n%s%s", LOG_ORIGIN, (unsigned long long)v->size, root64,
	         v->extension ? v->extension : "", v->extension ? "\n" : "");
	free(root64);
	check(alot_note_sign_line(log_key, LOG_ORIGIN, text, strlen(text), &sig, &err), &err);
	at = (size_t)snprintf(note, sizeof(note), "%s\n%s", text, sig);
	free(sig);
	if (v->again != NULL) {
		check(alot_note_cosign_line(witness_key[0], witness_name[0], text, strlen(text), posix(v->again),
		                            &cosig, &err), &err);
		at += (size_t)snprintf(note + at, sizeof(note) - at, "%s", cosig);
		free(cosig);
	}
	for (int i = 0; i < 2; i++) {
		if (v->times[i] == NULL)
			continue;
		check(alot_note_cosign_line(witness_key[i], witness_name[i], text, strlen(text), posix(v->times[i]),
		                            &cosig, &err), &err);
		at += (size_t)snprintf(note + at, sizeof(note) - at, "%s", cosig);
		free(cosig);
	}
	check(alot_tlog_proof_format(1, (const unsigned char (*)[32])path, plen, note, at, &out, &err), &err);
	return out;
}

/* ---- the room and its draws ----------------------------------------- */

static void
set_beacon_lot(alot_draw_record *rec)
{
	unsigned char hash[32];

	memset(rec, 0, sizeof(*rec));
	derive_uuid(ROOM, "room", 0, &rec->lot.room_id);
	derive_uuid(ROOM, "product", 0, &rec->lot.product_class_id);
	rec->lot.version = ALOT_PROTOCOL_V2;
	rec->lot.funding_target_cents = 250000;
	strcpy(rec->lot.deadline, B_DEADLINE);
	strcpy(rec->lot.lot_type, "known");
	alot_entry_bundles_hash(bundles, 3, rec->lot.entry_bundles_hash);
	alot_witness_policy_hash(policy_text, strlen(policy_text), hash);
	alot_beacon_rule_format(2, hash, rec->lot.beacon_rule, sizeof(rec->lot.beacon_rule));
	strcpy(rec->committed_at, B_COMMITTED);
	strcpy(rec->funded_at, B_FUNDED);
	strcpy(rec->frozen_at, B_FROZEN);
	strcpy(rec->drawn_at, B_DRAWN);
}

static void
make_room(void)
{
	alot_commitment_record c;
	alot_freeze_record f;
	alot_error err;
	uint32_t next = 1;

	for (size_t i = 0; i < NSIZES; i++) {
		derive_uuid(ROOM, "entry", (unsigned)i, &ledger[i].entry_id);
		derive_uuid(ROOM, "user", (unsigned)(i % 3), &ledger[i].user_id);
		ledger[i].tickets_start = next;
		ledger[i].tickets_end = next + sizes[i] - 1;
		next += sizes[i];
	}
	if ((room = malloc(sizeof(*room))) == NULL)
		die("out of memory");
	set_beacon_lot(room);
	derive(ROOM, "server-seed", 0, seed);
	check(alot_draw_record_compute(room, seed, ledger, NSIZES, &err), &err);
	commitment_rec = commitment_text(room, &c);
	freeze_rec = freeze_text(room, &f);
}

/* What differs from case to case. */
struct beacon_case {
	const char *check;        /* NULL: a valid record */
	const char *name;
	const char *description;
	const struct pulse_doc *q, *p;
	struct log_view log;
	const char *policy;       /* the record's witness_policy; NULL: the rule's */
	int value_from_q;         /* beacon_value is Q's output instead of P's */
	int no_evidence;          /* the record has no beacon fields */
	int no_freeze;            /* the freeze record is not given */
	int trust[2];             /* which test certificates the index trusts */
};

#define STD_LOG { 2, { "2026-07-16T13:49:20Z", "2026-07-16T13:49:40Z" }, NULL, NULL }

static void
fill_evidence(alot_draw_record *rec, const struct beacon_case *bc)
{
	const char *policy = bc->policy ? bc->policy : policy_text;
	char *proof = freeze_proof(&bc->log);

	rec->has_beacon = !bc->no_evidence;
	rec->beacon.pulse_len = strlen(bc->p->text);
	memcpy(rec->beacon.pulse, bc->p->text, rec->beacon.pulse_len);
	rec->beacon.previous_len = strlen(bc->q->text);
	memcpy(rec->beacon.previous, bc->q->text, rec->beacon.previous_len);
	rec->beacon.log_proof_len = strlen(proof);
	memcpy(rec->beacon.log_proof, proof, rec->beacon.log_proof_len);
	rec->beacon.policy_len = strlen(policy);
	memcpy(rec->beacon.policy, policy, rec->beacon.policy_len);
	free(proof);
}

static json_t *
companions_of(const struct beacon_case *bc, const char *base)
{
	char uuid[ALOT_UUID_STRLEN];
	json_t *c = json_object(), *trusted = json_array();

	alot_uuid_format(&ledger[NSIZES - 1].entry_id, uuid);
	json_object_set_new(c, "commitment", json_pack("s++", "valid/", ROOM, ".commitment.json"));
	if (!bc->no_freeze)
		json_object_set_new(c, "freeze", json_pack("s++", "valid/", ROOM, ".freeze.json"));
	json_object_set_new(c, "ledger", json_pack("s++", "valid/", ROOM, ".ledger.jsonl"));
	if (bc->check == NULL) {
		json_object_set_new(c, "proof", json_pack("s++", "valid/", base, ".proof.json"));
		json_object_set_new(c, "entry", json_string(uuid));
	}
	for (int i = 0; i < 2; i++)
		if (bc->trust[i])
			json_array_append_new(trusted, json_string(certs[i].file));
	json_object_set_new(c, "beacon_cert", trusted);
	return c;
}

static void
emit(const struct beacon_case *bc)
{
	alot_draw_record *rec = malloc(sizeof(*rec));
	char rel[600], *text, *ptext;
	alot_error err;
	json_t *c;

	if (rec == NULL)
		die("out of memory");
	*rec = *room;
	memcpy(rec->lot.beacon_value, (bc->value_from_q ? bc->q : bc->p)->p.output_value, 64);
	rec->lot.beacon_value_len = 64;
	check(alot_draw_record_compute(rec, seed, ledger, NSIZES, &err), &err);
	fill_evidence(rec, bc);
	text = draw_text(rec, 1);
	c = companions_of(bc, bc->name);
	if (bc->check != NULL) {
		add_invalid(bc->check, bc->name, text, bc->description, c);
	} else {
		snprintf(rel, sizeof(rel), "%s/valid/%s.draw.json", rec_dir, bc->name);
		write_record(rel, text);
		ptext = proof_text(rec, ledger, NSIZES, NSIZES - 1);
		snprintf(rel, sizeof(rel), "%s/valid/%s.proof.json", rec_dir, bc->name);
		write_record(rel, ptext);
		free(ptext);
		snprintf(rel, sizeof(rel), "valid/%s.draw.json", bc->name);
		json_object_set_new(c, "record", json_string(rel));
		json_array_append_new(valid_index, c);
	}
	free(text);
	free(rec);
}

static void
write_room(void)
{
	char rel[600], *ltext;

	snprintf(rel, sizeof(rel), "%s/valid/%s.commitment.json", rec_dir, ROOM);
	write_record(rel, commitment_rec);
	snprintf(rel, sizeof(rel), "%s/valid/%s.freeze.json", rec_dir, ROOM);
	write_record(rel, freeze_rec);
	ltext = ledger_text(room, ledger, NSIZES);
	snprintf(rel, sizeof(rel), "%s/valid/%s.ledger.jsonl", rec_dir, ROOM);
	write_file(rel, ltext);
	free(ltext);
}

/* A copy of a document with the first occurrence of from replaced by to. */
static void
edited(const struct pulse_doc *in, const char *from, const char *to, struct pulse_doc *out)
{
	const char *at = strstr(in->text, from);
	size_t len = strlen(in->text) - strlen(from) + strlen(to);

	if (at == NULL || (out->text = malloc(len + 1)) == NULL)
		die("no \"%s\" to replace in a pulse", from);
	snprintf(out->text, len + 1, "%.*s%s%s", (int)(at - in->text), in->text, to, at + strlen(from));
	parse_pulse(out);
}

static void
emit_cases(void)
{
	struct pulse_doc gap_q, gap_p, cert_q, cert_p, link_q, link_p, other_q, other_p, chain_q, chain_p, tampered;
	char hour[2 * 64 + 1], changed[2 * 64 + 1];

	test_pair("gap", "2026-07-16T13:41:00.000Z", 0, "2026-07-16T13:52:00.000Z", 0, ALOT_BEACON_STATUS_GAP,
	          &gap_q, &gap_p);
	test_pair("new-certificate", "2026-07-16T13:49:00.000Z", 0, "2026-07-16T13:50:00.000Z", 1,
	          ALOT_BEACON_STATUS_NEW_CERT, &cert_q, &cert_p);
	test_pair("link", "2026-07-16T13:49:00.000Z", 0, "2026-07-16T13:50:00.000Z", 0, 0, &link_q, &link_p);
	test_pair("other-predecessor", "2026-07-16T13:49:00.000Z", 0, "2026-07-16T13:50:00.000Z", 0, 0,
	          &other_q, &other_p);
	test_pair("new-chain", "2026-07-16T13:49:00.000Z", 0, "2026-07-16T13:50:00.000Z", 0,
	          ALOT_BEACON_STATUS_NEW_CHAIN, &chain_q, &chain_p);
	/* The hour value enters the signature only: changing it breaks the pulse, not the chain. */
	alot_hex_encode(real_p.p.list_values[1], 64, hour);
	for (char *c = hour; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	memcpy(changed, hour, sizeof(hour));
	changed[0] = changed[0] == '0' ? '1' : '0';
	edited(&real_p, hour, changed, &tampered);
	{
		const struct beacon_case cases[] = {
			{ NULL, ROOM, "the real NIST pulses 1862118 and 1862119", &real_q, &real_p, STD_LOG, NULL, 0, 0, 0, { 0, 0 } },
			{ NULL, "beacon-gap", "test pulses with an outage between them (status 2): the chain is intact",
			  &gap_q, &gap_p, STD_LOG, NULL, 0, 0, 0, { 1, 0 } },
			{ NULL, "beacon-new-certificate", "the pulse is signed with a new certificate (status 4), which is trusted",
			  &cert_q, &cert_p, STD_LOG, NULL, 0, 0, 0, { 1, 1 } },
			{ "beacon-timing", "not-first", "a later pulse than the rule names: the freeze was witnessed by 13:48:58, "
			  "so the rule's pulse is the one of 13:49:00, not 13:50:00 (the operator shopping for an outcome)",
			  &real_q, &real_p, { 2, { "2026-07-16T13:48:56Z", "2026-07-16T13:48:58Z" }, NULL, NULL }, NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-pulse", "tampered", "the pulse's hour value changed: its signature no longer verifies",
			  &real_q, &tampered, STD_LOG, NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-chain", "wrong-predecessor", "the previous pulse is another pulse of the same index and time",
			  &other_q, &link_p, STD_LOG, NULL, 0, 0, 0, { 1, 0 } },
			{ "beacon-chain", "new-chain-status", "the pulse says it starts a new chain (status 1): it has no predecessor",
			  &chain_q, &chain_p, STD_LOG, NULL, 0, 0, 0, { 1, 0 } },
			{ "beacon-certificate", "foreign", "pulses signed by a certificate the verifier does not trust",
			  &link_q, &link_p, STD_LOG, NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-log-time", "later-checkpoint", "the freeze's proof is against a later, larger checkpoint",
			  &real_q, &real_p, { 3, { "2026-07-16T13:49:20Z", "2026-07-16T13:49:40Z" }, NULL, NULL }, NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-log-time", "witness-missing", "one of the policy's two witnesses did not cosign",
			  &real_q, &real_p, { 2, { "2026-07-16T13:49:20Z", NULL }, NULL, NULL }, NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-log-time", "witness-twice", "a witness's second, later cosignature put before its first: "
			  "which time counts would be the operator's choice",
			  &real_q, &real_p, { 2, { "2026-07-16T13:49:20Z", "2026-07-16T13:49:40Z" }, "2026-07-16T13:49:55Z", NULL },
			  NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-log-time", "extension-line", "the same tree with an extension line, cosigned anew at later "
			  "times: a second text of the checkpoint, and so a second log time",
			  &real_q, &real_p, { 2, { "2026-07-16T13:49:50Z", "2026-07-16T13:49:52Z" }, NULL, "reroll-1" },
			  NULL, 0, 0, 0, { 0, 0 } },
			{ "beacon-log-time", "freeze-not-given", "the room's freeze record is not given: no log time",
			  &real_q, &real_p, STD_LOG, NULL, 0, 0, 1, { 0, 0 } },
			{ "beacon-policy", "other-policy", "the record's witness policy is not the one the rule names",
			  &real_q, &real_p, STD_LOG, other_policy_text, 0, 0, 0, { 0, 0 } },
			{ "beacon-value", "previous-output", "the beacon value is the previous pulse's output",
			  &real_q, &real_p, STD_LOG, NULL, 1, 0, 0, { 0, 0 } },
			{ "beacon", "no-evidence", "a NIST beacon rule, and no pulses, log proof or policy in the record",
			  &real_q, &real_p, STD_LOG, NULL, 0, 1, 0, { 0, 0 } },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			emit(&cases[i]);
	}
	{
		struct pulse_doc *docs[] = { &gap_q, &gap_p, &cert_q, &cert_p, &link_q, &link_p, &other_q, &other_p,
		                             &chain_q, &chain_p, &tampered };

		for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
			free(docs[i]->text);
	}
}

void
generate_beacon(const char *keys_dir, const char *nist_pulses, const char *pubkey)
{
	char path[1024], rel[128];

	gen_version = ALOT_PROTOCOL_V2;
	vec_dir = "v2";
	rec_dir = "records-beacon";
	make_dirs();
	copy_pubkey(pubkey);
	snprintf(path, sizeof(path), "%s/TEST-ONLY-log-key.pem", keys_dir);
	log_key = load_test_key(path);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/TEST-ONLY-witness-%d-key.pem", keys_dir, i + 1);
		witness_key[i] = load_test_key(path);
		load_cert(keys_dir, i + 1, &certs[i]);
		copy_cert(keys_dir, i + 1);
	}
	policy_text = make_policy(2);
	other_policy_text = make_policy(1);
	load_real(nist_pulses);
	make_room();
	write_room();
	valid_index = json_array();
	invalid_index = json_array();
	emit_cases();
	write_indexes();
	snprintf(rel, sizeof(rel), "%s/witness-policy.txt", rec_dir);
	write_file(rel, policy_text);
	free(real_q.text);
	free(real_p.text);
	free(commitment_rec);
	free(freeze_rec);
	free(room);
	free(policy_text);
	free(other_policy_text);
	alot_signing_key_free(log_key);
	for (int i = 0; i < 2; i++) {
		alot_signing_key_free(witness_key[i]);
		EVP_PKEY_free(certs[i].key);
	}
}
