/*
 * rooms.c - the monitor's view of the protocol: every validly signed
 * record of the log, by room, in one hash table (rooms kept in the order
 * the log first names them, so that findings come out in log order).  A
 * second record of one kind for a room is reported as it is read; what
 * needs the whole log (a record before the one the protocol requires
 * first, a missing one, a draw not over its frozen ledger, a room frozen
 * too long with no draw) is reported at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify.h"

/* The first record of each kind of one room: its entry (index + 1; 0: none) and what is compared. */
struct room {
	alot_uuid id;
	uint64_t at[4];                           /* by alot_record_type */
	unsigned char hash[4][ALOT_HASH_LEN];     /* alot_record_hash() of each */
	uint32_t draw_version;
	unsigned char draw_root[ALOT_HASH_LEN], draw_freeze_hash[ALOT_HASH_LEN];
	uint32_t draw_entries, draw_tickets;
	unsigned char freeze_root[ALOT_HASH_LEN];
	uint32_t freeze_entries, freeze_tickets;
	long long frozen_at;                      /* POSIX seconds; -1 when unreadable */
	char frozen_text[ALOT_TIMESTAMP_LEN + 1];
};

struct room_table {
	struct room *rooms;   /* in order of first appearance */
	size_t count, cap;
	size_t *slots;        /* open addressing: room index + 1, 0 when free */
	size_t nslots;        /* a power of two, at least twice count */
	unsigned char key[16]; /* random: the log's author cannot choose colliding rooms */
};

room_table *
rooms_new(void)
{
	room_table *t = calloc(1, sizeof(*t));

	if (t == NULL || alot_random_bytes(t->key, sizeof(t->key), NULL) != ALOT_OK) {
		free(t);
		return NULL;
	}
	return t;
}

void
rooms_free(room_table *t)
{
	if (t == NULL)
		return;
	free(t->rooms);
	free(t->slots);
	free(t);
}

static size_t
slot_of(const room_table *t, const alot_uuid *id)
{
	unsigned char in[sizeof(t->key) + ALOT_UUID_LEN], h[ALOT_HASH_LEN];
	uint64_t x;

	memcpy(in, t->key, sizeof(t->key));
	memcpy(in + sizeof(t->key), id->b, ALOT_UUID_LEN);
	alot_sha256(in, sizeof(in), h);
	memcpy(&x, h, sizeof(x));
	return (size_t)x & (t->nslots - 1);
}

/* The slot that holds room id, or the free slot where it goes. */
static size_t *
find_slot(const room_table *t, const alot_uuid *id)
{
	size_t i = slot_of(t, id);

	while (t->slots[i] != 0 && !alot_uuid_equal(&t->rooms[t->slots[i] - 1].id, id))
		i = (i + 1) & (t->nslots - 1);
	return &t->slots[i];
}

static int
grow(room_table *t)
{
	size_t n = t->nslots ? 2 * t->nslots : 1024, i;
	size_t *old = t->slots, nold = t->nslots;

	if ((t->slots = calloc(n, sizeof(*t->slots))) == NULL) {
		t->slots = old;
		return 0;
	}
	t->nslots = n;
	for (i = 0; i < nold; i++)
		if (old[i] != 0)
			*find_slot(t, &t->rooms[old[i] - 1].id) = old[i];
	free(old);
	return 1;
}

/* Room id's entry, added when new; NULL when out of memory. */
static struct room *
room_of(room_table *t, const alot_uuid *id)
{
	struct room *more;
	size_t *slot;

	if (2 * (t->count + 1) > t->nslots && !grow(t))
		return NULL;
	slot = find_slot(t, id);
	if (*slot != 0)
		return &t->rooms[*slot - 1];
	if (t->count == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;

		if ((more = realloc(t->rooms, cap * sizeof(*more))) == NULL)
			return NULL;
		t->rooms = more;
		t->cap = cap;
	}
	memset(&t->rooms[t->count], 0, sizeof(t->rooms[t->count]));
	t->rooms[t->count].id = *id;
	*slot = ++t->count;
	return &t->rooms[t->count - 1];
}

/* A record's timestamp ("2026-01-20T18:31:02.500000Z") in POSIX seconds; -1 when unreadable. */
static long long
timestamp_seconds(const char *text)
{
	struct tm tm;
	const char *rest;

	memset(&tm, 0, sizeof(tm));
	if ((rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL || *rest != '.')
		return -1;
	return (long long)timegm(&tm);
}

void
room_fact_of(const alot_record *rec, const char *text, size_t len, room_fact *out)
{
	const alot_lot *lot = alot_record_lot(rec);

	memset(out, 0, sizeof(*out));
	out->type = rec->type;
	out->room = lot->room_id;
	alot_record_hash(text, len, out->hash);
	out->version = lot->version;
	memcpy(out->ledger_root, lot->ledger_root, ALOT_HASH_LEN);
	out->entry_count = lot->entry_count;
	out->total_tickets = lot->total_tickets;
	if (rec->type == ALOT_RECORD_DRAW)
		memcpy(out->freeze_record_hash, rec->u.draw.freeze_record_hash, ALOT_HASH_LEN);
	else if (rec->type == ALOT_RECORD_FREEZE)
		memcpy(out->frozen_at, rec->u.freeze.frozen_at, sizeof(out->frozen_at));
}

static void
remember(struct room *r, uint64_t index, const room_fact *f)
{
	r->at[f->type] = index + 1;
	memcpy(r->hash[f->type], f->hash, ALOT_HASH_LEN);
	if (f->type == ALOT_RECORD_DRAW) {
		r->draw_version = f->version;
		memcpy(r->draw_root, f->ledger_root, ALOT_HASH_LEN);
		memcpy(r->draw_freeze_hash, f->freeze_record_hash, ALOT_HASH_LEN);
		r->draw_entries = f->entry_count;
		r->draw_tickets = f->total_tickets;
	} else if (f->type == ALOT_RECORD_FREEZE) {
		memcpy(r->freeze_root, f->ledger_root, ALOT_HASH_LEN);
		r->freeze_entries = f->entry_count;
		r->freeze_tickets = f->total_tickets;
		r->frozen_at = timestamp_seconds(f->frozen_at);
		memcpy(r->frozen_text, f->frozen_at, sizeof(r->frozen_text));
	}
}

int
rooms_add(room_table *t, finding_sink *s, uint64_t index, const room_fact *f)
{
	static const char *const duplicate[] = { NULL, "duplicate-commitment", "duplicate-draw", "duplicate-freeze" };
	struct room *r = room_of(t, &f->room);
	uint64_t both[2];

	if (r == NULL)
		return 0;
	if (r->at[f->type] == 0) {
		remember(r, index, f);
		return 1;
	}
	both[0] = r->at[f->type] - 1;
	both[1] = index;
	if (memcmp(r->hash[f->type], f->hash, ALOT_HASH_LEN) == 0)
		report_finding(s, 0, duplicate[f->type], both, 2, &r->id, "the same %s record is logged twice",
		               alot_record_type_name(f->type));
	else
		report_finding(s, 0, duplicate[f->type], both, 2, &r->id,
		               "two different %s records of one room, both signed by the operator",
		               alot_record_type_name(f->type));
	return 1;
}

/* The record of kind first that the record of kind then needs before it: absent or after it. */
static void
needs_before(finding_sink *s, const struct room *r, alot_record_type then, alot_record_type first,
             const char *missing)
{
	uint64_t both[2] = { r->at[then] - 1, r->at[first] - 1 };

	if (r->at[first] == 0)
		report_finding(s, 0, missing, both, 1, &r->id, "a %s record with no %s record of its room before it",
		               alot_record_type_name(then), alot_record_type_name(first));
	else if (r->at[first] > r->at[then])
		report_finding(s, 0, "out-of-order", both, 2, &r->id, "the %s record comes before the room's %s record",
		               alot_record_type_name(then), alot_record_type_name(first));
}

/* The first term of the draw's ledger that is not the freeze's; NULL when none. */
static const char *
ledger_differs(const struct room *r)
{
	if (memcmp(r->draw_freeze_hash, r->hash[ALOT_RECORD_FREEZE], ALOT_HASH_LEN) != 0)
		return "freeze_record_hash names another freeze record";
	if (memcmp(r->draw_root, r->freeze_root, ALOT_HASH_LEN) != 0)
		return "the ledger root differs";
	if (r->draw_entries != r->freeze_entries)
		return "the entry count differs";
	if (r->draw_tickets != r->freeze_tickets)
		return "the ticket count differs";
	return NULL;
}

static void
check_draw(finding_sink *s, const struct room *r)
{
	uint64_t both[2] = { r->at[ALOT_RECORD_DRAW] - 1, r->at[ALOT_RECORD_FREEZE] - 1 };
	const char *what;

	if (r->draw_version < 2) {
		needs_before(s, r, ALOT_RECORD_DRAW, ALOT_RECORD_COMMITMENT, "draw-without-commitment");
		return;
	}
	needs_before(s, r, ALOT_RECORD_DRAW, ALOT_RECORD_FREEZE, "draw-without-freeze");
	if (r->at[ALOT_RECORD_FREEZE] != 0 && (what = ledger_differs(r)) != NULL)
		report_finding(s, 0, "draw-not-over-frozen-ledger", both, 2, &r->id,
		               "the draw is not over the ledger the freeze record froze: %s", what);
}

static void
check_withheld(finding_sink *s, const struct room *r, long long max_undrawn, long long now)
{
	uint64_t at = r->at[ALOT_RECORD_FREEZE] - 1;

	if (r->frozen_at < 0 || now - r->frozen_at <= max_undrawn)
		return;
	report_finding(s, 0, "withheld-draw", &at, 1, &r->id,
	               "frozen at %s, %lld seconds before the time judged by, and no draw in the log (limit %lld seconds)",
	               r->frozen_text, now - r->frozen_at, max_undrawn);
}

void
rooms_finish(room_table *t, finding_sink *s, long long max_undrawn, long long now)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		const struct room *r = &t->rooms[i];

		if (r->at[ALOT_RECORD_FREEZE] != 0)
			needs_before(s, r, ALOT_RECORD_FREEZE, ALOT_RECORD_COMMITMENT, "freeze-without-commitment");
		if (r->at[ALOT_RECORD_DRAW] != 0)
			check_draw(s, r);
		else if (r->at[ALOT_RECORD_FREEZE] != 0 && max_undrawn >= 0)
			check_withheld(s, r, max_undrawn, now);
	}
}
