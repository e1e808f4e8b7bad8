/*
 * gen-vectors.c - generates the protocol v1 test vectors and published
 * records under vectors/ (docs/protocol.md, "Test vectors").
 *
 *   gen-vectors SIGNING_KEY.pem PUBLIC_KEY.pem OUTDIR
 *
 * Deterministic: server seeds and ids are derived from each vector's name
 * (SHA-256 of "ALOT-v1 test vector/<name>/<what>/<counter>"), the timestamps
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

#define COMMITTED_AT "2026-01-10T12:00:00.000000Z"
#define FUNDED_AT    "2026-01-20T18:30:00.000000Z"
#define DRAWN_AT     "2026-01-20T18:35:00.123456Z"
#define MAX_ENTRIES  64

typedef int (*condition_fn)(const alot_draw_record *rec);

struct vector_case {
	const char *name;
	const char *description;
	const uint32_t *sizes;  /* tickets per entry */
	size_t n;
	condition_fn condition; /* NULL: the first seed */
};

static const char *outdir;
static alot_signing_key *signing_key;
static json_t *valid_index, *invalid_index;

static void
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

static void
check(alot_code rc, const alot_error *err)
{
	if (rc != ALOT_OK)
		die("%s", err->message);
}

/* 32 bytes derived from the vector's name, what they are for, and a counter. */
static void
derive(const char *name, const char *what, unsigned counter, unsigned char out[32])
{
	char buf[256];

	snprintf(buf, sizeof(buf), "ALOT-v1 test vector/%s/%s/%u", name, what, counter);
	alot_sha256(buf, strlen(buf), out);
}

/* A version-4 UUID derived like the seeds. */
static void
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

static void
write_file(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, rel);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die("could not write %s: %s", path, strerror(errno));
}

/* A record file: the record's one line of JSON and a newline. */
static void
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

static void
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

static char *
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

static char *
commitment_text(const alot_draw_record *rec, alot_commitment_record *c)
{
	alot_error err;
	char *text;

	memset(c, 0, sizeof(*c));
	c->room_id = rec->lot.room_id;
	memcpy(c->commitment, rec->commitment, ALOT_HASH_LEN);
	strcpy(c->beacon_rule, rec->lot.beacon_rule);
	strcpy(c->committed_at, rec->committed_at);
	check(alot_commitment_record_sign(c, signing_key, &text, &err), &err);
	return text;
}

static char *
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

static char *
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
	                 "name", vc->name, "description", vc->description, "version", 1,
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
	json_array_append_new(valid_index, json_pack("{s:s, s:s+++, s:s+++, s:s+++, s:s}",
	                      "record", rel,
	                      "commitment", "valid/", name, ".commitment.json", "",
	                      "ledger", "valid/", name, ".ledger.jsonl", "",
	                      "proof", "valid/", name, ".proof.json", "",
	                      "entry", uuid));
}

static void
emit_case(const struct vector_case *vc, alot_draw_record *rec, alot_ticket_range *ledger)
{
	unsigned char seed[32];
	alot_commitment_record c;
	char *ctext, *dtext, *ltext, *ptext, rel[512];
	json_t *v;

	make_ledger(vc, ledger);
	compute_case(vc, ledger, rec, seed);
	ctext = commitment_text(rec, &c);
	dtext = draw_text(rec, 1);
	v = vector_json(vc, ledger, rec, seed, ctext, dtext);
	snprintf(rel, sizeof(rel), "v1/%s.json", vc->name);
	write_json(rel, v);
	json_decref(v);

	snprintf(rel, sizeof(rel), "records/valid/%s.draw.json", vc->name);
	write_record(rel, dtext);
	snprintf(rel, sizeof(rel), "records/valid/%s.commitment.json", vc->name);
	write_record(rel, ctext);
	ltext = ledger_text(rec, ledger, vc->n);
	snprintf(rel, sizeof(rel), "records/valid/%s.ledger.jsonl", vc->name);
	write_file(rel, ltext);
	ptext = proof_text(rec, ledger, vc->n, vc->n - 1);
	snprintf(rel, sizeof(rel), "records/valid/%s.proof.json", vc->name);
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
static void
add_invalid(const char *check_name, const char *what, const char *text, const char *description,
            json_t *companions)
{
	char rel[600], file[512];

	snprintf(file, sizeof(file), "invalid/%s--%s.json", check_name, what);
	snprintf(rel, sizeof(rel), "records/%s", file);
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
static void flip_seed(alot_draw_record *r) { r->server_seed[0] ^= 0x01; }
static void flip_commitment(alot_draw_record *r) { r->commitment[31] ^= 0x01; }
static void flip_client_seed(alot_draw_record *r) { r->client_seed[5] ^= 0x01; }
static void flip_combined(alot_draw_record *r) { r->combined_seed[12] ^= 0x01; }
static void other_room(alot_draw_record *r) { r->lot.room_id.b[15] ^= 0x01; }
static void more_tickets(alot_draw_record *r) { r->lot.funding_target_cents += 1; }
static void next_ticket(alot_draw_record *r) { r->draw.winning_ticket = r->draw.winning_ticket % r->lot.total_tickets + 1; }
static void flip_proof(alot_draw_record *r) { r->winner_proof[0][0] ^= 0x01; }
static void flip_root(alot_draw_record *r) { r->lot.ledger_root[0] ^= 0x01; }
static void unknown_beacon(alot_draw_record *r) { strcpy(r->lot.beacon_rule, "coin-flip"); }
static void drawn_early(alot_draw_record *r) { strcpy(r->drawn_at, "2026-01-19T00:00:00.000000Z"); }
static void bad_nonce(alot_draw_record *r) { r->draw.nonce += 1; }

static void
accept_first_try(alot_draw_record *r)
{
	r->draw.attempts[0].accepted = 1;
}

/* The biased shortcut: take the first try however large, modulo N. */
static void
skip_rejection(alot_draw_record *r)
{
	r->draw.attempt_count = 1;
	r->draw.nonce = 0;
	r->draw.attempts[0].accepted = 1;
	r->draw.winning_ticket = r->draw.attempts[0].value % r->lot.total_tickets + 1;
	memcpy(r->combined_seed, r->draw.attempts[0].combined_seed, 32);
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

static void
emit_format_cases(const char *base)
{
	char *truncated = strdup(base);

	format_case(base, "unknown-field", "{", "{\"bonus\":1,", "a field protocol v1 does not define");
	format_case(base, "duplicate-key", "{", "{\"nonce\":0,", "the key \"nonce\" appears twice");
	format_case(base, "missing-version", "\"version\":1", "\"versionx\":1", "no \"version\" field");
	format_case(base, "version-2", "\"version\":1", "\"version\":2", "a protocol version this verifier does not know");
	format_case(base, "float", "\"version\":1", "\"version\":1.0", "a number written as a float");
	format_case(base, "null", "\"beacon_value\":\"\"", "\"beacon_value\":null", "a null value");
	format_case(base, "uppercase-hex", "\"server_seed\":\"", "\"server_seed\":\"A", "hex must be lowercase (and this one is one digit long)");
	format_case(base, "wrong-type", "\"type\":\"alot.draw\"", "\"type\":\"alot.raffle\"", "an unknown record type");
	format_case(base, "string-number", "\"nonce\":", "\"nonce\":\"0\",\"x\":", "a number given as a string");
	truncated[strlen(truncated) / 2] = '\0';
	add_invalid("format", "truncated", truncated, "the record cut in half", NULL);
	add_invalid("format", "not-an-object", "[1, 2, 3]\n", "an array, not a record", NULL);
	add_invalid("format", "empty", "", "an empty file", NULL);
	free(truncated);
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
	write_record("records/invalid/commitment-record--other-commitment.commitment.json", ctext);
	text = draw_text(rec, 1);
	comp = json_pack("{s:s}", "commitment", "invalid/commitment-record--other-commitment.commitment.json");
	add_invalid("commitment-record", "other-commitment", text,
	            "the commitment record published at open holds another commitment", comp);
	free(ctext);

	/* A ledger with a gap: one entry's tickets moved up by one. */
	memcpy(bad, ledger, n * sizeof(*bad));
	bad[n / 2].tickets_start += 1;
	ctext = ledger_text(rec, bad, n);
	write_file("records/invalid/ledger--gap.ledger.jsonl", ctext);
	free(ctext);
	add_invalid("ledger", "gap", text, "the ledger file leaves a ticket in no entry",
	            json_pack("{s:s}", "ledger", "invalid/ledger--gap.ledger.jsonl"));

	/* A ledger that drops the last entry. */
	ctext = ledger_text(rec, ledger, n - 1);
	write_file("records/invalid/ledger--missing-entry.ledger.jsonl", ctext);
	free(ctext);
	add_invalid("ledger", "missing-entry", text, "the ledger file lacks the last entry",
	            json_pack("{s:s}", "ledger", "invalid/ledger--missing-entry.ledger.jsonl"));

	/* An entry's buyer swapped: same tickets, another user: the root differs. */
	memcpy(bad, ledger, n * sizeof(*bad));
	bad[0].user_id = bad[1].user_id.b[0] != bad[0].user_id.b[0] ? bad[1].user_id : bad[2].user_id;
	ctext = ledger_text(rec, bad, n);
	write_file("records/invalid/ledger--other-buyer.ledger.jsonl", ctext);
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
		write_record("records/invalid/proof--tampered-path.proof.json", ctext);
		free(ctext);
		alot_uuid_format(&ledger[3].entry_id, uuid);
		add_invalid("proof", "tampered-path", text, "an inclusion proof whose audit path was altered",
		            json_pack("{s:s, s:s}", "proof", "invalid/proof--tampered-path.proof.json", "entry", uuid));

		check(alot_inclusion_proof_make(rec, ledger, n, 4, &proof, &err), &err);
		proof.entry.tickets_end += 1; /* claims one more ticket than it bought */
		check(alot_inclusion_proof_json(&proof, &ctext, &err), &err);
		write_record("records/invalid/proof--more-tickets.proof.json", ctext);
		free(ctext);
		alot_uuid_format(&ledger[4].entry_id, uuid);
		add_invalid("proof", "more-tickets", text, "an inclusion proof claiming one more ticket",
		            json_pack("{s:s, s:s}", "proof", "invalid/proof--more-tickets.proof.json", "entry", uuid));

		snprintf(rel, sizeof(rel), "valid/%s.proof.json", valid_name);
		alot_uuid_format(&ledger[0].entry_id, uuid);
		add_invalid("proof", "other-entry", text, "a valid proof, but of another entry than the one asked for",
		            json_pack("{s:s, s:s}", "proof", rel, "entry", uuid));
	}
	free(text);
	free(other);
	free(bad);
}

static void
emit_invalid(alot_draw_record *many_rec, const alot_ticket_range *ledger, size_t n,
             alot_draw_record *rejection_rec)
{
	char *base = draw_text(many_rec, 1);

	unsigned_tamper(many_rec, "signature", "flipped-byte", "one byte of the signature flipped", flip_signature);
	unsigned_tamper(many_rec, "signature", "wrong-key-id", "the record names another key", flip_key_id);
	unsigned_tamper(many_rec, "signature", "target-changed", "the funding target changed after signing", more_tickets);
	resigned(many_rec, "commitment", "seed-flipped", "the revealed seed is not the committed one", flip_seed);
	resigned(many_rec, "commitment", "commitment-flipped", "the commitment is not the seed's", flip_commitment);
	resigned(many_rec, "commitment", "other-room", "the seed was committed for another room", other_room);
	resigned(many_rec, "client-seed", "flipped", "the client seed does not follow from the lot", flip_client_seed);
	resigned(many_rec, "client-seed", "target-changed", "the lot's funding target differs from the one hashed", more_tickets);
	resigned(many_rec, "combined-seed", "final-flipped", "the final combined seed is not the accepted try's", flip_combined);
	resigned(many_rec, "winning-ticket", "next-ticket", "the winning ticket is not the drawn one", next_ticket);
	other_entry = &ledger[0];
	resigned(many_rec, "winner-inclusion", "other-entry", "another entry claims the winning ticket", swap_winner);
	resigned(many_rec, "winner-inclusion", "proof-flipped", "the winner's audit path was altered", flip_proof);
	resigned(many_rec, "winner-inclusion", "root-flipped", "the ledger root is not the winner's tree", flip_root);
	resigned(many_rec, "beacon", "unknown-rule", "a beacon rule protocol v1 does not define", unknown_beacon);
	resigned(many_rec, "timestamps", "drawn-before-funded", "drawn before the room was funded", drawn_early);
	resigned(rejection_rec, "rejection-sampling", "rejected-try-accepted", "a try above the bound marked accepted", accept_first_try);
	resigned(rejection_rec, "rejection-sampling", "nonce-off", "the nonce does not count the rejections", bad_nonce);
	resigned(rejection_rec, "winning-ticket", "modulo-bias", "the biased shortcut: first value modulo N, no rejection", skip_rejection);
	emit_format_cases(base);
	emit_companion_cases(many_rec, ledger, n, "many-entries");
	free(base);
}

static void
make_dirs(void)
{
	const char *dirs[] = { "v1", "records", "records/valid", "records/invalid" };
	char path[1024];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, dirs[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die("could not create %s: %s", path, strerror(errno));
	}
}

/* The test key is committed with mode 0644 (git keeps no 0600): load a private copy. */
static void
load_test_key(const char *path)
{
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
	check(alot_signing_key_load(tmp, &signing_key, &err), &err);
	unlink(tmp);
	alot_wipe(buf, sizeof(buf));
}

static void
copy_pubkey(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(path, "r");

	if (in == NULL)
		die("could not read %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	write_file("records/pubkey.pem", buf);
}

int
main(int argc, char **argv)
{
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_draw_record *many_rec = calloc(1, sizeof(*many_rec));
	alot_draw_record *rejection_rec = calloc(1, sizeof(*rejection_rec));
	alot_ticket_range ledger[MAX_ENTRIES], many_ledger[MAX_ENTRIES];
	size_t i;

	if (argc != 4)
		die("usage: gen-vectors SIGNING_KEY.pem PUBLIC_KEY.pem OUTDIR");
	outdir = argv[3];
	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (uint32_t)(i * 7 % 13) + 1;
	load_test_key(argv[1]);
	make_dirs();
	copy_pubkey(argv[2]);
	valid_index = json_array();
	invalid_index = json_array();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		emit_case(&cases[i], rec, ledger);
		if (strcmp(cases[i].name, "many-entries") == 0) {
			*many_rec = *rec;
			memcpy(many_ledger, ledger, sizeof(ledger));
		} else if (strcmp(cases[i].name, "rejection") == 0) {
			*rejection_rec = *rec;
		}
	}
	emit_invalid(many_rec, many_ledger, cases[2].n, rejection_rec);
	write_json("records/valid/index.json", valid_index);
	write_json("records/invalid/index.json", invalid_index);
	json_decref(valid_index);
	json_decref(invalid_index);
	alot_signing_key_free(signing_key);
	free(rec);
	free(many_rec);
	free(rejection_rec);
	return 0;
}
