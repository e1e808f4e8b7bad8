/*
 * gen-vectors.c - generates the test vectors of protocols 1 and 2 and
 * their published records under vectors/ (docs/protocol.md, "Test
 * vectors"): v1/ and records/ for protocol 1, v2/ and records-v2/ for
 * protocol 2.
 *
 *   gen-vectors SIGNING_KEY.pem PUBLIC_KEY.pem OUTDIR NIST_PULSES.json
 *
 * (gen-beacon.c adds records-beacon/, the NIST beacon rule's records, from
 * the real pulses in NIST_PULSES.json.)
 *
 * Deterministic: server seeds and ids are derived from each vector's name
 * (SHA-256 of "ALOT-vN test vector/<name>/<what>/<counter>"), the timestamps
 * are fixed, and Ed25519 signatures are deterministic, so running it again
 * gives the same bytes.  Seeds are searched (counter = 0, 1, ...) where a
 * vector needs a property: a winning ticket at a boundary, or rejections.
 * The signing key is a TEST-ONLY key committed beside the vectors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alot/record.h"
#include "gen.h"

#define COMMITTED_AT "2026-01-10T12:00:00.000000Z"
#define FUNDED_AT    "2026-01-20T18:30:00.000000Z"
#define DRAWN_AT     "2026-01-20T18:35:00.123456Z"
#define FROZEN_AT    "2026-01-20T18:31:02.500000Z"  /* protocol 2 */
#define DEADLINE     "2026-02-28T23:59:59.000000Z"  /* protocol 2 */
#define MAX_ENTRIES  64

typedef int (*condition_fn)(const alot_draw_record *rec);

struct vector_case {
	const char *name;
	const char *description;
	const uint32_t *sizes;  /* tickets per entry */
	size_t n;
	condition_fn condition; /* NULL: the first seed */
};

const char *outdir;
alot_signing_key *signing_key;
json_t *valid_index, *invalid_index;
/* What is being generated: protocol 1 or 2, into which folders. */
uint32_t gen_version = ALOT_PROTOCOL_V1;
const char *vec_dir = "v1", *rec_dir = "records";

/* Protocol 2: every room sells these bundles (dollars, tickets). */
const alot_entry_bundle bundles[3] = { { 200, 2 }, { 500, 5 }, { 2500, 25 } };

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "gen-vectors: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

void
check(alot_code rc, const alot_error *err)
{
	if (rc != ALOT_OK)
		die("%s", err->message);
}

/* 32 bytes derived from the vector's name, what they are for, and a counter. */
void
derive(const char *name, const char *what, unsigned counter, unsigned char out[32])
{
	char buf[256];

	snprintf(buf, sizeof(buf), "ALOT-v%u test vector/%s/%s/%u", gen_version, name, what, counter);
	alot_sha256(buf, strlen(buf), out);
}

/* A version-4 UUID derived like the seeds. */
void
derive_uuid(const char *name, const char *what, unsigned i, alot_uuid *out)
{
	unsigned char h[32];

	derive(name, what, i, h);
	memcpy(out->b, h, ALOT_UUID_LEN);
	out->b[6] = (unsigned char)((out->b[6] & 0x0f) | 0x40);
	out->b[8] = (unsigned char)((out->b[8] & 0x3f) | 0x80);
}

static void
make_ledger(const struct vector_case *vc, alot_ticket_range *ledger)
{
	uint32_t next = 1;
	size_t i;

	for (i = 0; i < vc->n; i++) {
		derive_uuid(vc->name, "entry", (unsigned)i, &ledger[i].entry_id);
		/* A few buyers hold several entries, as in a real room. */
		derive_uuid(vc->name, "user", (unsigned)(i % 5), &ledger[i].user_id);
		ledger[i].tickets_start = next;
		ledger[i].tickets_end = next + vc->sizes[i] - 1;
		next += vc->sizes[i];
	}
}

static void
set_lot(const struct vector_case *vc, alot_draw_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	derive_uuid(vc->name, "room", 0, &rec->lot.room_id);
	derive_uuid(vc->name, "product", 0, &rec->lot.product_class_id);
	rec->lot.funding_target_cents = 250000;
	strcpy(rec->lot.beacon_rule, "none");
	strcpy(rec->committed_at, COMMITTED_AT);
	strcpy(rec->funded_at, FUNDED_AT);
	strcpy(rec->drawn_at, DRAWN_AT);
	if (gen_version == ALOT_PROTOCOL_V2) {
		rec->lot.version = ALOT_PROTOCOL_V2;
		strcpy(rec->lot.deadline, DEADLINE);
		strcpy(rec->lot.lot_type, "known");
		alot_entry_bundles_hash(bundles, sizeof(bundles) / sizeof(bundles[0]), rec->lot.entry_bundles_hash);
		strcpy(rec->frozen_at, FROZEN_AT);
	}
}

/* Find the first seed whose draw meets the case's condition. */
static void
compute_case(const struct vector_case *vc, const alot_ticket_range *ledger,
             alot_draw_record *rec, unsigned char seed[32])
{
	alot_error err;
	unsigned counter;

	for (counter = 0; counter < 100000; counter++) {
		set_lot(vc, rec);
		derive(vc->name, "server-seed", counter, seed);
		check(alot_draw_record_compute(rec, seed, ledger, vc->n, &err), &err);
		if (vc->condition == NULL || vc->condition(rec))
			return;
	}
	die("no seed found for vector %s", vc->name);
}

/* ---- output helpers ------------------------------------------------- */

void
write_file(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, rel);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die("could not write %s: %s", path, strerror(errno));
}

/* A record file: the record's one line of JSON and a newline. */
void
write_record(const char *rel, const char *text)
{
	size_t len = strlen(text);
	char *line = malloc(len + 2);

	if (line == NULL)
		die("out of memory");
	memcpy(line, text, len);
	memcpy(line + len, "\n", 2);
	write_file(rel, len ? line : "");
	free(line);
}

/* A file under the current records folder: a record (with its newline) or raw text. */
static void
write_rel(const char *rel, const char *text, int as_record)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", rec_dir, rel);
	if (as_record)
		write_record(path, text);
	else
		write_file(path, text);
}

void
write_json(const char *rel, json_t *obj)
{
	char *text = json_dumps(obj, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (text == NULL)
		die("out of memory");
	write_record(rel, text);
	free(text);
}

static json_t *
hex(const unsigned char *p, size_t len)
{
	char buf[2 * ALOT_SIG_LEN + 1];

	alot_hex_encode(p, len, buf);
	return json_string(buf);
}

static json_t *
uuid_json(const alot_uuid *id)
{
	char buf[ALOT_UUID_STRLEN];

	alot_uuid_format(id, buf);
	return json_string(buf);
}

static json_t *
parse_text(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	if (v == NULL)
		die("generated text is not JSON");
	return v;
}

char *
draw_text(alot_draw_record *rec, int sign)
{
	alot_error err;
	char *text;

	if (sign)
		check(alot_draw_record_sign(rec, signing_key, &text, &err), &err);
	else
		check(alot_draw_record_json(rec, &text, &err), &err);
	return text;
}

char *
commitment_text(const alot_draw_record *rec, alot_commitment_record *c)
{
	alot_error err;
	char *text;

	memset(c, 0, sizeof(*c));
	c->lot = rec->lot; /* the commitment record shows only the terms it binds */
	memcpy(c->commitment, rec->commitment, ALOT_HASH_LEN);
	strcpy(c->committed_at, rec->committed_at);
	check(alot_commitment_record_sign(c, signing_key, &text, &err), &err);
	return text;
}

/* Protocol 2: the freeze record of a draw's ledger, and its hash into the draw. */
char *
freeze_text(alot_draw_record *rec, alot_freeze_record *f)
{
	alot_error err;
	char *text;

	memset(f, 0, sizeof(*f));
	f->lot = rec->lot;
	f->lot.beacon_value_len = 0;
	memcpy(f->commitment, rec->commitment, ALOT_HASH_LEN);
	strcpy(f->committed_at, rec->committed_at);
	strcpy(f->funded_at, rec->funded_at);
	strcpy(f->frozen_at, rec->frozen_at);
	check(alot_freeze_record_sign(f, signing_key, &text, &err), &err);
	alot_record_hash(text, strlen(text), rec->freeze_record_hash);
	return text;
}

char *
ledger_text(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n)
{
	size_t cap = 1024 + n * 256, len = 0, i;
	char *out = malloc(cap), *line;
	alot_error err;

	if (out == NULL)
		die("out of memory");
	check(alot_ledger_header_json(rec, &line, &err), &err);
	len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
	free(line);
	for (i = 0; i < n; i++) {
		check(alot_ledger_line_json(&ledger[i], &line, &err), &err);
		len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
		free(line);
	}
	return out;
}

char *
proof_text(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n, size_t index)
{
	alot_inclusion_proof proof;
	alot_error err;
	char *text;

	check(alot_inclusion_proof_make(rec, ledger, n, index, &proof, &err), &err);
	check(alot_inclusion_proof_json(&proof, &text, &err), &err);
	return text;
}

/* ---- the vector file ------------------------------------------------ */

static json_t *
attempts_json(const alot_draw_result *d)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < d->attempt_count; i++)
		json_array_append_new(arr, json_pack("{s:I, s:o, s:I, s:b}",
		                                     "nonce", (json_int_t)d->attempts[i].nonce,
		                                     "combined_seed", hex(d->attempts[i].combined_seed, 32),
		                                     "value", (json_int_t)d->attempts[i].value,
		                                     "accepted", d->attempts[i].accepted));
	return arr;
}

/* Protocol 2's inputs and intermediate values, added to a vector. */
static void
add_v2_values(json_t *v, const alot_draw_record *rec, const char *freeze_rec)
{
	json_t *inputs = json_object_get(v, "inputs"), *expected = json_object_get(v, "expected");
	json_t *list = json_array();
	unsigned char lot_hash[32];
	size_t i;

	for (i = 0; i < sizeof(bundles) / sizeof(bundles[0]); i++)
		json_array_append_new(list, json_pack("{s:I, s:I}", "amount_cents", (json_int_t)bundles[i].amount_cents,
		                                      "tickets", (json_int_t)bundles[i].tickets));
	json_object_set_new(inputs, "entry_bundles", list);
	json_object_set_new(inputs, "deadline", json_string(rec->lot.deadline));
	json_object_set_new(inputs, "lot_type", json_string(rec->lot.lot_type));
	json_object_set_new(inputs, "frozen_at", json_string(rec->frozen_at));
	alot_lot_hash(&rec->lot, lot_hash);
	json_object_set_new(expected, "entry_bundles_hash", hex(rec->lot.entry_bundles_hash, 32));
	json_object_set_new(expected, "lot_hash", hex(lot_hash, 32));
	json_object_set_new(expected, "freeze_record_hash", hex(rec->freeze_record_hash, 32));
	json_object_set_new(json_object_get(v, "records"), "freeze", parse_text(freeze_rec));
}

static json_t *
vector_json(const struct vector_case *vc, const alot_ticket_range *ledger,
            const alot_draw_record *rec, const unsigned char seed[32],
            const char *commitment_rec, const char *draw_rec)
{
	json_t *entries = json_array(), *leaves = json_array(), *proof = json_array();
	unsigned char leaf[32];
	size_t i;

	for (i = 0; i < vc->n; i++) {
		json_array_append_new(entries, json_pack("{s:o, s:o, s:I, s:I}",
		                      "entry_id", uuid_json(&ledger[i].entry_id),
		                      "user_id", uuid_json(&ledger[i].user_id),
		                      "tickets_start", (json_int_t)ledger[i].tickets_start,
		                      "tickets_end", (json_int_t)ledger[i].tickets_end));
		alot_merkle_leaf_hash(&ledger[i], leaf);
		json_array_append_new(leaves, hex(leaf, 32));
	}
	for (i = 0; i < rec->winner_proof_len; i++)
		json_array_append_new(proof, hex(rec->winner_proof[i], 32));
	return json_pack("{s:s, s:s, s:i, s:{s:o, s:o, s:o, s:I, s:s, s:s, s:o, s:s, s:s, s:s}, "
	                 "s:{s:o, s:o, s:o, s:I, s:I, s:o, s:I, s:o, s:I, s:o, s:I, "
	                 "s:{s:o, s:o, s:I, s:I, s:I}, s:o, s:o}, s:{s:o, s:o}}",
	                 "name", vc->name, "description", vc->description, "version", (int)gen_version,
	                 "inputs",
	                 "server_seed", hex(seed, 32),
	                 "room_id", uuid_json(&rec->lot.room_id),
	                 "product_class_id", uuid_json(&rec->lot.product_class_id),
	                 "funding_target_cents", (json_int_t)rec->lot.funding_target_cents,
	                 "beacon_rule", rec->lot.beacon_rule,
	                 "beacon_value", "",
	                 "ledger", entries,
	                 "committed_at", rec->committed_at,
	                 "funded_at", rec->funded_at,
	                 "drawn_at", rec->drawn_at,
	                 "expected",
	                 "commitment", hex(rec->commitment, 32),
	                 "leaf_hashes", leaves,
	                 "ledger_root", hex(rec->lot.ledger_root, 32),
	                 "total_tickets", (json_int_t)rec->lot.total_tickets,
	                 "entry_count", (json_int_t)rec->lot.entry_count,
	                 "client_seed", hex(rec->client_seed, 32),
	                 "rejection_limit", (json_int_t)alot_rejection_limit(rec->lot.total_tickets),
	                 "attempts", attempts_json(&rec->draw),
	                 "nonce", (json_int_t)rec->draw.nonce,
	                 "combined_seed", hex(rec->combined_seed, 32),
	                 "winning_ticket", (json_int_t)rec->draw.winning_ticket,
	                 "winner",
	                 "entry_id", uuid_json(&rec->winner.entry_id),
	                 "user_id", uuid_json(&rec->winner.user_id),
	                 "tickets_start", (json_int_t)rec->winner.tickets_start,
	                 "tickets_end", (json_int_t)rec->winner.tickets_end,
	                 "leaf_index", (json_int_t)rec->winner_leaf_index,
	                 "winner_proof", proof,
	                 "key_id", hex(rec->key_id, ALOT_KEY_ID_LEN),
	                 "records",
	                 "commitment", parse_text(commitment_rec),
	                 "draw", parse_text(draw_rec));
}

/* ---- the cases ------------------------------------------------------ */

static int
first_ticket(const alot_draw_record *r)
{
	return r->draw.winning_ticket == 1;
}

static int
last_ticket(const alot_draw_record *r)
{
	return r->draw.winning_ticket == r->lot.total_tickets;
}

static int
entry_start(const alot_draw_record *r)
{
	return r->draw.winning_ticket == r->winner.tickets_start &&
	       r->winner.tickets_end > r->winner.tickets_start && r->draw.winning_ticket != 1;
}

static int
entry_end(const alot_draw_record *r)
{
	return r->draw.winning_ticket == r->winner.tickets_end &&
	       r->winner.tickets_end > r->winner.tickets_start &&
	       r->draw.winning_ticket != r->lot.total_tickets;
}

static int
rejected_once(const alot_draw_record *r)
{
	return r->draw.nonce == 1;
}

static int
rejected_twice(const alot_draw_record *r)
{
	return r->draw.nonce >= 2;
}

static const uint32_t one[] = { 1 };
static const uint32_t thousand[] = { 1000 };
static const uint32_t mixed[] = { 3, 1, 4, 1, 5, 9, 2, 6 };
static const uint32_t max_n[] = { 1000, 2147483647u - 1001u, 1 };
static const uint32_t half[] = { 536870912u, 536870913u }; /* N = 2^30 + 1 */
static uint32_t many[40];

#define CASE(name, desc, sizes, cond) { name, desc, sizes, sizeof(sizes) / sizeof(sizes[0]), cond }
static const struct vector_case cases[] = {
	CASE("one-ticket", "a room with one entry of one ticket: N = 1", one, NULL),
	CASE("one-entry-many-tickets", "one entry holding all 1000 tickets", thousand, NULL),
	CASE("many-entries", "40 entries of 1 to 13 tickets from 5 buyers", many, NULL),
	CASE("max-tickets", "N = 2^31-1, the most tickets a room can have", max_n, NULL),
	CASE("boundary-first-ticket", "the winning ticket is ticket 1", mixed, first_ticket),
	CASE("boundary-last-ticket", "the winning ticket is ticket N", mixed, last_ticket),
	CASE("boundary-entry-start", "the winning ticket is the first of its entry's tickets", mixed, entry_start),
	CASE("boundary-entry-end", "the winning ticket is the last of its entry's tickets", mixed, entry_end),
	CASE("rejection", "N = 2^30+1: the first try is rejected, nonce 1 wins", half, rejected_once),
	CASE("rejection-twice", "N = 2^30+1: two or more tries are rejected", half, rejected_twice),
};

/* ---- valid records -------------------------------------------------- */

static void
add_valid(const char *name, size_t proof_index, const alot_ticket_range *ledger)
{
	char uuid[ALOT_UUID_STRLEN], rel[512];

	alot_uuid_format(&ledger[proof_index].entry_id, uuid);
	snprintf(rel, sizeof(rel), "valid/%s.draw.json", name);
	json_t *item = json_pack("{s:s, s:s+++, s:s+++, s:s+++, s:s}",
	                         "record", rel,
	                         "commitment", "valid/", name, ".commitment.json", "",
	                         "ledger", "valid/", name, ".ledger.jsonl", "",
	                         "proof", "valid/", name, ".proof.json", "",
	                         "entry", uuid);
	if (gen_version == ALOT_PROTOCOL_V2)
		json_object_set_new(item, "freeze", json_pack("s+++", "valid/", name, ".freeze.json", ""));
	json_array_append_new(valid_index, item);
}

static void
emit_case(const struct vector_case *vc, alot_draw_record *rec, alot_ticket_range *ledger)
{
	unsigned char seed[32];
	alot_commitment_record c;
	alot_freeze_record f;
	char *ctext, *dtext, *ltext, *ptext, *ftext = NULL, rel[512];
	json_t *v;

	make_ledger(vc, ledger);
	compute_case(vc, ledger, rec, seed);
	ctext = commitment_text(rec, &c);
	if (gen_version == ALOT_PROTOCOL_V2)
		ftext = freeze_text(rec, &f);
	dtext = draw_text(rec, 1);
	v = vector_json(vc, ledger, rec, seed, ctext, dtext);
	if (ftext != NULL)
		add_v2_values(v, rec, ftext);
	snprintf(rel, sizeof(rel), "%s/%s.json", vec_dir, vc->name);
	write_json(rel, v);
	json_decref(v);

	snprintf(rel, sizeof(rel), "%s/valid/%s.draw.json", rec_dir, vc->name);
	write_record(rel, dtext);
	snprintf(rel, sizeof(rel), "%s/valid/%s.commitment.json", rec_dir, vc->name);
	write_record(rel, ctext);
	if (ftext != NULL) {
		snprintf(rel, sizeof(rel), "%s/valid/%s.freeze.json", rec_dir, vc->name);
		write_record(rel, ftext);
		free(ftext);
	}
	ltext = ledger_text(rec, ledger, vc->n);
	snprintf(rel, sizeof(rel), "%s/valid/%s.ledger.jsonl", rec_dir, vc->name);
	write_file(rel, ltext);
	ptext = proof_text(rec, ledger, vc->n, vc->n - 1);
	snprintf(rel, sizeof(rel), "%s/valid/%s.proof.json", rec_dir, vc->name);
	write_record(rel, ptext);
	add_valid(vc->name, vc->n - 1, ledger);
	free(ctext);
	free(dtext);
	free(ltext);
	free(ptext);
}

/* ---- invalid records ------------------------------------------------ */

/*
 * Record an invalid case: file under records/invalid/, labelled with the
 * check that must fail; companions (commitment, ledger, proof, entry) are
 * optional and relative to records/.
 */
void
add_invalid(const char *check_name, const char *what, const char *text, const char *description,
            json_t *companions)
{
	char rel[600], file[512];

	snprintf(file, sizeof(file), "invalid/%s--%s.json", check_name, what);
	snprintf(rel, sizeof(rel), "%s/%s", rec_dir, file);
	write_record(rel, text);
	if (companions == NULL)
		companions = json_object();
	json_object_set_new(companions, "record", json_string(file));
	json_object_set_new(companions, "check", json_string(check_name));
	json_object_set_new(companions, "description", json_string(description));
	json_array_append_new(invalid_index, companions);
}

/*
 * A tampered record: signed again with the operator's key (resign: a lying
 * operator), or left with its old signature (someone changed the published
 * record).
 */
static void
tampered(const alot_draw_record *base, int resign, const char *check_name, const char *what,
         const char *description, void (*mutate)(alot_draw_record *))
{
	alot_draw_record *rec = malloc(sizeof(*rec));
	char *text;

	*rec = *base;
	mutate(rec);
	text = draw_text(rec, resign);
	add_invalid(check_name, what, text, description, NULL);
	free(text);
	free(rec);
}

#define resigned(base, ...) tampered(base, 1, __VA_ARGS__)
#define unsigned_tamper(base, ...) tampered(base, 0, __VA_ARGS__)

static void flip_signature(alot_draw_record *r) { r->signature[10] ^= 0x01; }
static void flip_key_id(alot_draw_record *r) { r->key_id[0] ^= 0x80; }
static const alot_ticket_range *case_ledger; /* the ledger of the record being tampered with */
static size_t case_n;

/* The whole draw computed again after a change, but the published commitment kept. */
static void
recompute_keep_commitment(alot_draw_record *r)
{
	unsigned char old[32], seed[32];
	alot_error err;

	memcpy(old, r->commitment, 32);
	memcpy(seed, r->server_seed, 32);
	check(alot_draw_record_compute(r, seed, case_ledger, case_n, &err), &err);
	memcpy(r->commitment, old, 32);
}

static void flip_seed(alot_draw_record *r) { r->server_seed[0] ^= 0x01; recompute_keep_commitment(r); }
static void flip_commitment(alot_draw_record *r) { r->commitment[31] ^= 0x01; }
static void flip_client_seed(alot_draw_record *r) { r->client_seed[5] ^= 0x01; }
static void flip_combined(alot_draw_record *r) { r->combined_seed[12] ^= 0x01; }
static void other_room(alot_draw_record *r) { r->lot.room_id.b[15] ^= 0x01; recompute_keep_commitment(r); }
static void next_ticket(alot_draw_record *r) { r->draw.winning_ticket = r->draw.winning_ticket % r->lot.total_tickets + 1; }
static void flip_proof(alot_draw_record *r) { r->winner_proof[0][0] ^= 0x01; }
static void
recompute(alot_draw_record *r)
{
	unsigned char seed[32];
	alot_error err;

	memcpy(seed, r->server_seed, 32);
	check(alot_draw_record_compute(r, seed, case_ledger, case_n, &err), &err);
}

static void unknown_beacon(alot_draw_record *r) { strcpy(r->lot.beacon_rule, "coin-flip"); recompute(r); }
static void drawn_early(alot_draw_record *r) { strcpy(r->drawn_at, "2026-01-19T00:00:00.000000Z"); }
static void bad_nonce(alot_draw_record *r) { r->draw.nonce += 1; }
static void drawn_a_second_later(alot_draw_record *r) { r->drawn_at[18] = (char)(r->drawn_at[18] + 1); }

static void
accept_first_try(alot_draw_record *r)
{
	r->draw.attempts[0].accepted = 1;
}

/*
 * The biased shortcut: the first try's value modulo N, however large,
 * with the tries shown as they are and the winner that ticket's entry.
 */
static void
skip_rejection(alot_draw_record *r)
{
	alot_inclusion_proof proof;
	alot_error err;
	size_t i;

	r->draw.winning_ticket = r->draw.attempts[0].value % r->lot.total_tickets + 1;
	for (i = 0; i + 1 < case_n && case_ledger[i].tickets_end < r->draw.winning_ticket; i++)
		;
	check(alot_inclusion_proof_make(r, case_ledger, case_n, i, &proof, &err), &err);
	r->winner = case_ledger[i];
	r->winner_leaf_index = (uint32_t)i;
	r->winner_proof_len = proof.path_len;
	memcpy(r->winner_proof, proof.path, sizeof(proof.path));
}

/* Another entry claims the win, its own range made to hold the ticket. */
static const alot_ticket_range *other_entry;
static void
swap_winner(alot_draw_record *r)
{
	r->winner.entry_id = other_entry->entry_id;
	r->winner.user_id = other_entry->user_id;
}

/* Replace the first occurrence of from in text by to (one tamper). */
static char *
replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(len);

	if (at == NULL || out == NULL)
		die("tamper pattern %s not found", from);
	snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static void
format_case(const char *base, const char *what, const char *from, const char *to,
            const char *description)
{
	char *text = replaced(base, from, to);

	add_invalid("format", what, text, description, NULL);
	free(text);
}

/* Each form case breaks exactly one rule: text around it stays in published form. */
static char *
uppercased_hex(const char *base)
{
	char *text = strdup(base), *at = strstr(text, "\"server_seed\":\"");
	size_t i;

	if (text == NULL || at == NULL)
		die("no server_seed to uppercase");
	at += strlen("\"server_seed\":\"");
	for (i = 0; i < 64 && !(at[i] >= 'a' && at[i] <= 'f'); i++)
		;
	if (i == 64)
		die("server seed without a hex letter");
	at[i] = (char)(at[i] - 'a' + 'A');
	return text;
}

/* "key":123 -> "key":"123" */
static char *
quoted_number(const char *base, const char *key)
{
	char pattern[64], digits[32], from[96], to[96];
	const char *at;
	size_t n;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	if ((at = strstr(base, pattern)) == NULL)
		die("no %s to quote", key);
	at += strlen(pattern);
	n = strspn(at, "0123456789");
	snprintf(digits, sizeof(digits), "%.*s", (int)n, at);
	snprintf(from, sizeof(from), "%s%s,", pattern, digits);
	snprintf(to, sizeof(to), "%s\"%s\",", pattern, digits);
	return replaced(base, from, to);
}

/* "winner_tickets_end":E,"winner_tickets_start":S in the other order. */
static char *
swapped_keys(const char *base)
{
	const char *e = strstr(base, "\"winner_tickets_end\":"), *st = strstr(base, "\"winner_tickets_start\":");
	char from[128], to[128];
	unsigned long ev, sv;

	if (e == NULL || st == NULL || sscanf(e, "\"winner_tickets_end\":%lu", &ev) != 1 ||
	    sscanf(st, "\"winner_tickets_start\":%lu", &sv) != 1)
		die("no winner tickets to swap");
	snprintf(from, sizeof(from), "\"winner_tickets_end\":%lu,\"winner_tickets_start\":%lu", ev, sv);
	snprintf(to, sizeof(to), "\"winner_tickets_start\":%lu,\"winner_tickets_end\":%lu", sv, ev);
	return replaced(base, from, to);
}

static char *
with_suffix(const char *base, const char *suffix)
{
	size_t len = strlen(base) + strlen(suffix) + 1;
	char *text = malloc(len);

	if (text == NULL)
		die("out of memory");
	snprintf(text, len, "%s%s", base, suffix);
	return text;
}

/* A NUL byte right after a number: written byte by byte, as text cannot hold it. */
static void
add_nul_case(const char *base)
{
	const char *at = strstr(base, "\"nonce\":0,");
	char rel[600], path[1200], file[512];
	size_t cut;
	FILE *f;

	if (at == NULL)
		die("no nonce for the NUL case");
	cut = (size_t)(at - base) + strlen("\"nonce\":0");
	snprintf(file, sizeof(file), "invalid/format--nul-after-number.json");
	snprintf(rel, sizeof(rel), "%s/%s", rec_dir, file);
	snprintf(path, sizeof(path), "%s/%s", outdir, rel);
	if ((f = fopen(path, "wb")) == NULL || fwrite(base, 1, cut, f) != cut || fputc('\0', f) == EOF ||
	    fputs(base + cut, f) < 0 || fputc('\n', f) == EOF || fclose(f) != 0)
		die("could not write %s", path);
	json_array_append_new(invalid_index, json_pack("{s:s, s:s, s:s}", "record", file, "check", "format",
	                      "description", "a NUL byte right after a number"));
}

static void
add_text_case(const char *what, char *text, const char *description)
{
	add_invalid("format", what, text, description, NULL);
	free(text);
}

static void
emit_format_cases(const char *base)
{
	char *truncated = strdup(base), version[16], version_next[32];

	snprintf(version, sizeof(version), "\"version\":%u,", gen_version);
	snprintf(version_next, sizeof(version_next), "\"version\":%u,", gen_version + 2);
	format_case(base, "unknown-field", "\"client_seed\"", "\"bonus\":1,\"client_seed\"",
	            "a field the protocol does not define (in its sorted place)");
	format_case(base, "duplicate-key", "\"nonce\":", "\"nonce\":0,\"nonce\":", "the key \"nonce\" appears twice");
	format_case(base, "missing-version", version, "", "no \"version\" field");
	format_case(base, "version-unknown", version, version_next, "a protocol version this verifier does not know");
	format_case(base, "float", version, gen_version == 1 ? "\"version\":1.0," : "\"version\":2.0,",
	            "a number written as a float");
	format_case(base, "null", "\"beacon_value\":\"\"", "\"beacon_value\":null", "a null value");
	add_text_case("uppercase-hex", uppercased_hex(base), "hex must be lowercase (one digit of the seed in upper case)");
	format_case(base, "wrong-type", "\"type\":\"alot.draw\"", "\"type\":\"alot.raffle\"", "an unknown record type");
	add_text_case("string-number", quoted_number(base, "entry_count"), "a number given as a string");
	format_case(base, "whitespace", ",\"client_seed\"", ", \"client_seed\"", "one space between fields: not the published form");
	format_case(base, "escaped-character", "\"type\":\"alot.draw\"", "\"type\":\"alot\\u002edraw\"",
	            "a character written as an escape: the same value, not the published form");
	format_case(base, "negative-zero", "\"nonce\":0,", "\"nonce\":-0,", "zero written as -0: the same value, not the published form");
	add_text_case("unsorted-keys", swapped_keys(base), "two keys out of order: not the published form");
	add_text_case("carriage-return", with_suffix(base, "\r"), "the line ends in CR LF: the CR is not part of the published form");
	add_nul_case(base);
	if (gen_version == ALOT_PROTOCOL_V2)
		format_case(base, "unknown-lot-type", "\"lot_type\":\"known\"", "\"lot_type\":\"rare\"",
		            "a lot type protocol 2 does not define");
	truncated[strlen(truncated) / 2] = '\0';
	add_invalid("format", "truncated", truncated, "the record cut in half", NULL);
	add_invalid("format", "not-an-object", "[1,2,3]", "an array, not a record", NULL);
	add_invalid("format", "empty", "", "an empty file", NULL);
	free(truncated);
}

/*
 * A draw over a ledger in which one entry id appears twice, computed step
 * by step (alot_draw_record_compute() refuses such a ledger): the record
 * is consistent, the ledger file it comes with is not.
 */
static void
emit_repeated_id_case(const alot_draw_record *base, const alot_ticket_range *ledger, size_t n)
{
	alot_draw_record *rec = malloc(sizeof(*rec));
	alot_ticket_range *dup = malloc(n * sizeof(*dup));
	unsigned char (*leaves)[32] = malloc(n * 32);
	char *text, *ltext;
	alot_error err;
	size_t i;

	if (rec == NULL || dup == NULL || leaves == NULL)
		die("out of memory");
	*rec = *base;
	memcpy(dup, ledger, n * sizeof(*dup));
	dup[n - 1].entry_id = dup[0].entry_id;
	for (i = 0; i < n; i++)
		alot_merkle_leaf_hash(&dup[i], leaves[i]);
	alot_merkle_root((const unsigned char (*)[32])leaves, n, rec->lot.ledger_root);
	alot_client_seed(&rec->lot, rec->client_seed);
	check(alot_draw_ticket(rec->lot.version, rec->server_seed, rec->client_seed, rec->lot.total_tickets,
	                       &rec->draw, &err), &err);
	memcpy(rec->combined_seed, rec->draw.attempts[rec->draw.nonce].combined_seed, 32);
	for (i = 0; i + 1 < n && dup[i].tickets_end < rec->draw.winning_ticket; i++)
		;
	rec->winner = dup[i];
	rec->winner_leaf_index = (uint32_t)i;
	check(alot_merkle_proof((const unsigned char (*)[32])leaves, n, i, rec->winner_proof,
	                        &rec->winner_proof_len, &err), &err);
	if (gen_version == ALOT_PROTOCOL_V2) {
		alot_freeze_record f;

		free(freeze_text(rec, &f));
	}
	text = draw_text(rec, 1);
	ltext = ledger_text(rec, dup, n);
	write_rel("invalid/ledger--repeated-entry-id.ledger.jsonl", ltext, 0);
	add_invalid("ledger", "repeated-entry-id", text, "the ledger holds one entry id twice",
	            json_pack("{s:s}", "ledger", "invalid/ledger--repeated-entry-id.ledger.jsonl"));
	free(ltext);
	free(text);
	free(leaves);
	free(dup);
	free(rec);
}

/* Companion files that fail: the commitment record, the ledger, the proof. */
static void
emit_companion_cases(alot_draw_record *rec, const alot_ticket_range *ledger, size_t n,
                     const char *valid_name)
{
	alot_commitment_record c;
	alot_draw_record *other = malloc(sizeof(*other));
	alot_ticket_range *bad = malloc(n * sizeof(*bad));
	char *ctext, *text, uuid[ALOT_UUID_STRLEN], rel[512];
	json_t *comp;

	/* A commitment published at open that is not the draw's. */
	*other = *rec;
	other->commitment[0] ^= 0x01;
	ctext = commitment_text(other, &c);
	write_rel("invalid/commitment-record--other-commitment.commitment.json", ctext, 1);
	text = draw_text(rec, 1);
	comp = json_pack("{s:s}", "commitment", "invalid/commitment-record--other-commitment.commitment.json");
	add_invalid("commitment-record", "other-commitment", text,
	            "the commitment record published at open holds another commitment", comp);
	free(ctext);

	/* A ledger with a gap: one entry's tickets moved up by one. */
	memcpy(bad, ledger, n * sizeof(*bad));
	bad[n / 2].tickets_start += 1;
	ctext = ledger_text(rec, bad, n);
	write_rel("invalid/ledger--gap.ledger.jsonl", ctext, 0);
	free(ctext);
	add_invalid("ledger", "gap", text, "the ledger file leaves a ticket in no entry",
	            json_pack("{s:s}", "ledger", "invalid/ledger--gap.ledger.jsonl"));

	/* A ledger that drops the last entry. */
	ctext = ledger_text(rec, ledger, n - 1);
	write_rel("invalid/ledger--missing-entry.ledger.jsonl", ctext, 0);
	free(ctext);
	add_invalid("ledger", "missing-entry", text, "the ledger file lacks the last entry",
	            json_pack("{s:s}", "ledger", "invalid/ledger--missing-entry.ledger.jsonl"));

	/* An entry's buyer swapped: same tickets, another user: the root differs. */
	memcpy(bad, ledger, n * sizeof(*bad));
	bad[0].user_id = bad[1].user_id.b[0] != bad[0].user_id.b[0] ? bad[1].user_id : bad[2].user_id;
	ctext = ledger_text(rec, bad, n);
	write_rel("invalid/ledger--other-buyer.ledger.jsonl", ctext, 0);
	free(ctext);
	add_invalid("ledger", "other-buyer", text, "the ledger file gives the first entry to another buyer",
	            json_pack("{s:s}", "ledger", "invalid/ledger--other-buyer.ledger.jsonl"));

	/* A proof whose audit path was altered, and one for another entry than asked. */
	{
		alot_inclusion_proof proof;
		alot_error err;

		check(alot_inclusion_proof_make(rec, ledger, n, 3, &proof, &err), &err);
		proof.path[1][7] ^= 0x01;
		check(alot_inclusion_proof_json(&proof, &ctext, &err), &err);
		write_rel("invalid/proof--tampered-path.proof.json", ctext, 1);
		free(ctext);
		alot_uuid_format(&ledger[3].entry_id, uuid);
		add_invalid("proof", "tampered-path", text, "an inclusion proof whose audit path was altered",
		            json_pack("{s:s, s:s}", "proof", "invalid/proof--tampered-path.proof.json", "entry", uuid));

		check(alot_inclusion_proof_make(rec, ledger, n, 4, &proof, &err), &err);
		proof.entry.tickets_end += 1; /* claims one more ticket than it bought */
		check(alot_inclusion_proof_json(&proof, &ctext, &err), &err);
		write_rel("invalid/proof--more-tickets.proof.json", ctext, 1);
		free(ctext);
		alot_uuid_format(&ledger[4].entry_id, uuid);
		add_invalid("proof", "more-tickets", text, "an inclusion proof claiming one more ticket",
		            json_pack("{s:s, s:s}", "proof", "invalid/proof--more-tickets.proof.json", "entry", uuid));

		check(alot_inclusion_proof_make(rec, ledger, n, 5, &proof, &err), &err);
		proof.entry_count += 1; /* the same path, claimed for a larger tree */
		check(alot_inclusion_proof_json(&proof, &ctext, &err), &err);
		write_rel("invalid/proof--entry-count.proof.json", ctext, 1);
		free(ctext);
		alot_uuid_format(&ledger[5].entry_id, uuid);
		add_invalid("proof", "entry-count", text, "an inclusion proof whose own entry count is not the draw's",
		            json_pack("{s:s, s:s}", "proof", "invalid/proof--entry-count.proof.json", "entry", uuid));

		snprintf(rel, sizeof(rel), "valid/%s.proof.json", valid_name);
		alot_uuid_format(&ledger[0].entry_id, uuid);
		add_invalid("proof", "other-entry", text, "a valid proof, but of another entry than the one asked for",
		            json_pack("{s:s, s:s}", "proof", rel, "entry", uuid));
	}
	free(text);
	emit_repeated_id_case(rec, ledger, n);
	free(other);
	free(bad);
}

/* ---- protocol 2's own cases --------------------------------------- */

static const alot_ticket_range *v2_ledger;
static size_t v2_n;

/* The operator raises the target after committing and recomputes the whole draw. */
static void
raise_target(alot_draw_record *r)
{
	unsigned char seed[32];
	alot_error err;

	memcpy(seed, r->server_seed, 32);
	r->lot.funding_target_cents += 296900;
	check(alot_draw_record_compute(r, seed, v2_ledger, v2_n, &err), &err);
}

static void
raise_target_keep_commitment(alot_draw_record *r)
{
	unsigned char old[32];

	memcpy(old, r->commitment, 32);
	raise_target(r);
	memcpy(r->commitment, old, 32);
}

static void flip_freeze_hash(alot_draw_record *r) { r->freeze_record_hash[3] ^= 0x01; }
static void frozen_early(alot_draw_record *r) { strcpy(r->frozen_at, "2026-01-20T18:29:59.999999Z"); }
static void drawn_later(alot_draw_record *r) { strcpy(r->drawn_at, "2026-01-20T18:36:00.000000Z"); }

/* A case checked together with other records (with: files relative to the records folder). */
static void
add_with(const char *check_name, const char *what, const char *text, const char *description,
         const char *with_file)
{
	add_invalid(check_name, what, text, description, json_pack("{s:[s]}", "with", with_file));
}

static void
emit_v2_cases(alot_draw_record *rec, const alot_ticket_range *ledger, size_t n)
{
	alot_draw_record *other = malloc(sizeof(*other));
	alot_commitment_record c;
	alot_freeze_record f;
	char *text, *ftext;
	alot_error err;

	v2_ledger = ledger;
	v2_n = n;
	resigned(rec, "commitment", "target-raised",
	         "the target raised after the commitment, the draw recomputed: the lot no longer hashes to the commitment",
	         raise_target_keep_commitment);
	/* The same, with a commitment made anew: the one published at open still names the old lot. */
	*other = *rec;
	raise_target(other);
	text = draw_text(other, 1);
	add_invalid("commitment-record", "lot-changed", text,
	            "the lot differs from the one the commitment record published at open binds",
	            json_pack("{s:s}", "commitment", "valid/many-entries.commitment.json"));
	free(text);
	resigned(rec, "timestamps", "frozen-before-funded", "frozen before the room was funded", frozen_early);

	/* A freeze record of another ledger, named by the draw. */
	*other = *rec;
	memset(&f, 0, sizeof(f));
	ftext = freeze_text(other, &f);
	free(ftext);
	f.lot.ledger_root[0] ^= 0x01;
	check(alot_freeze_record_sign(&f, signing_key, &ftext, &err), &err);
	write_rel("invalid/freeze-record--other-ledger.freeze.json", ftext, 1);
	alot_record_hash(ftext, strlen(ftext), other->freeze_record_hash);
	free(ftext);
	text = draw_text(other, 1);
	add_invalid("freeze-record", "other-ledger", text, "the draw is not over the ledger its freeze record froze",
	            json_pack("{s:s}", "freeze", "invalid/freeze-record--other-ledger.freeze.json"));
	free(text);
	*other = *rec;
	flip_freeze_hash(other);
	text = draw_text(other, 1);
	add_invalid("freeze-record", "not-named", text, "the draw names another freeze record than the room's",
	            json_pack("{s:s}", "freeze", "valid/many-entries.freeze.json"));
	free(text);

	/* Equivocation: a second, validly signed record of each kind for the room. */
	*other = *rec;
	drawn_later(other);
	text = draw_text(other, 1);
	add_with("equivocation", "two-draws", text, "a second validly signed draw record of the room",
	         "valid/many-entries.draw.json");
	free(text);
	*other = *rec;
	strcpy(other->committed_at, "2026-01-10T12:00:01.000000Z");
	text = commitment_text(other, &c);
	add_with("equivocation", "two-commitments", text, "a second validly signed commitment record of the room",
	         "valid/many-entries.commitment.json");
	free(text);
	*other = *rec;
	strcpy(other->frozen_at, "2026-01-20T18:31:03.000000Z");
	text = freeze_text(other, &f);
	add_with("equivocation", "two-freezes", text, "a second validly signed freeze record of the room",
	         "valid/many-entries.freeze.json");
	free(text);
	free(other);
}

static void
emit_invalid(alot_draw_record *many_rec, const alot_ticket_range *ledger, size_t n,
             alot_draw_record *rejection_rec, const alot_ticket_range *rejection_ledger, size_t rejection_n)
{
	char *base = draw_text(many_rec, 1);

	case_ledger = ledger;
	case_n = n;
	unsigned_tamper(many_rec, "signature", "flipped-byte", "one byte of the signature flipped", flip_signature);
	unsigned_tamper(many_rec, "signature", "wrong-key-id", "the record names another key", flip_key_id);
	unsigned_tamper(many_rec, "signature", "drawn-at-changed", "the time of the draw changed after signing", drawn_a_second_later);
	resigned(many_rec, "commitment", "seed-flipped", "the revealed seed is not the committed one", flip_seed);
	resigned(many_rec, "commitment", "commitment-flipped", "the commitment is not the seed's", flip_commitment);
	resigned(many_rec, "commitment", "other-room", "the draw moved to another room: the commitment names the first", other_room);
	resigned(many_rec, "client-seed", "flipped", "the client seed does not follow from the lot", flip_client_seed);
	resigned(many_rec, "combined-seed", "final-flipped", "the final combined seed is not the accepted try's", flip_combined);
	resigned(many_rec, "winning-ticket", "next-ticket", "the winning ticket is not the drawn one", next_ticket);
	other_entry = &ledger[0];
	resigned(many_rec, "winner-inclusion", "other-entry", "another entry claims the winning ticket", swap_winner);
	resigned(many_rec, "winner-inclusion", "proof-flipped", "the winner's audit path was altered", flip_proof);
	resigned(many_rec, "beacon", "unknown-rule", "a beacon rule the protocol does not define", unknown_beacon);
	resigned(many_rec, "timestamps", "drawn-before-funded", "drawn before the room was funded", drawn_early);
	resigned(rejection_rec, "rejection-sampling", "rejected-try-accepted", "a try above the bound marked accepted", accept_first_try);
	resigned(rejection_rec, "rejection-sampling", "nonce-off", "the nonce does not count the rejections", bad_nonce);
	case_ledger = rejection_ledger;
	case_n = rejection_n;
	resigned(rejection_rec, "winning-ticket", "modulo-bias",
	         "the biased shortcut: the first value modulo N wins although it was rejected", skip_rejection);
	emit_format_cases(base);
	emit_companion_cases(many_rec, ledger, n, "many-entries");
	if (gen_version == ALOT_PROTOCOL_V2)
		emit_v2_cases(many_rec, ledger, n);
	free(base);
}

void
make_dirs(void)
{
	const char *dirs[] = { "", "/valid", "/invalid" };
	char path[1024];
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", outdir, vec_dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("could not create %s: %s", path, strerror(errno));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s", outdir, rec_dir, dirs[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die("could not create %s: %s", path, strerror(errno));
	}
}

/* The test key is committed with mode 0644 (git keeps no 0600): load a private copy. */
alot_signing_key *
load_test_key(const char *path)
{
	alot_signing_key *key = NULL;
	char tmp[] = "/tmp/alot-gen-key.XXXXXX", buf[4096];
	alot_error err;
	size_t n;
	FILE *in = fopen(path, "r"), *out;
	int fd = mkstemp(tmp);

	if (in == NULL || fd < 0 || (out = fdopen(fd, "w")) == NULL)
		die("could not read the test signing key %s", path);
	n = fread(buf, 1, sizeof(buf), in);
	fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	check(alot_signing_key_load(tmp, &key, &err), &err);
	unlink(tmp);
	alot_wipe(buf, sizeof(buf));
	return key;
}

void
copy_pubkey(const char *pem)
{
	char buf[4096], path[256];
	size_t n;
	FILE *in = fopen(pem, "r");

	if (in == NULL)
		die("could not read %s", pem);
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	snprintf(path, sizeof(path), "%s/pubkey.pem", rec_dir);
	write_file(path, buf);
}

/* The valid and invalid indexes of the current records folder, which are then released. */
void
write_indexes(void)
{
	char rel[600];

	snprintf(rel, sizeof(rel), "%s/valid/index.json", rec_dir);
	write_json(rel, valid_index);
	snprintf(rel, sizeof(rel), "%s/invalid/index.json", rec_dir);
	write_json(rel, invalid_index);
	json_decref(valid_index);
	json_decref(invalid_index);
	valid_index = invalid_index = NULL;
}

/* Every vector and record of one protocol version. */
static void
generate(uint32_t version, const char *pubkey)
{
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_draw_record *many_rec = calloc(1, sizeof(*many_rec));
	alot_draw_record *rejection_rec = calloc(1, sizeof(*rejection_rec));
	alot_ticket_range ledger[MAX_ENTRIES], many_ledger[MAX_ENTRIES], rejection_ledger[MAX_ENTRIES];
	size_t rejection_n = 0;
	size_t i;

	if (rec == NULL || many_rec == NULL || rejection_rec == NULL)
		die("out of memory");
	gen_version = version;
	vec_dir = version == ALOT_PROTOCOL_V2 ? "v2" : "v1";
	rec_dir = version == ALOT_PROTOCOL_V2 ? "records-v2" : "records";
	make_dirs();
	copy_pubkey(pubkey);
	valid_index = json_array();
	invalid_index = json_array();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		emit_case(&cases[i], rec, ledger);
		if (strcmp(cases[i].name, "many-entries") == 0) {
			*many_rec = *rec;
			memcpy(many_ledger, ledger, sizeof(ledger));
		} else if (strcmp(cases[i].name, "rejection") == 0) {
			*rejection_rec = *rec;
			memcpy(rejection_ledger, ledger, sizeof(ledger));
			rejection_n = cases[i].n;
		}
	}
	emit_invalid(many_rec, many_ledger, cases[2].n, rejection_rec, rejection_ledger, rejection_n);
	write_indexes();
	free(rec);
	free(many_rec);
	free(rejection_rec);
}

int
main(int argc, char **argv)
{
	size_t i;

	char keys_dir[1024], *slash;

	if (argc != 5)
		die("usage: gen-vectors SIGNING_KEY.pem PUBLIC_KEY.pem OUTDIR NIST_PULSES.json");
	/* The other TEST-ONLY keys (log, witnesses, beacon certificates) sit beside the signing key. */
	snprintf(keys_dir, sizeof(keys_dir), "%s", argv[1]);
	if ((slash = strrchr(keys_dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(keys_dir, ".");
	outdir = argv[3];
	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (uint32_t)(i * 7 % 13) + 1;
	signing_key = load_test_key(argv[1]);
	generate(ALOT_PROTOCOL_V1, argv[2]);
	generate(ALOT_PROTOCOL_V2, argv[2]);
	generate_beacon(keys_dir, argv[4], argv[2]);
	alot_signing_key_free(signing_key);
	return 0;
}
