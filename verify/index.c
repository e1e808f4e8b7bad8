/*
 * index.c - every record alot-verify is given, seen once before any is
 * reported: so that a record can be checked against the others of its
 * room (the commitment a draw follows, its freeze record) and two
 * validly signed records of one room that differ fail "equivocation",
 * both of them, in whatever order they were given (docs/protocol.md,
 * section 8).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify.h"

void
index_init(record_index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void
index_free(record_index *ix)
{
	free(ix->seen);
	free(ix->commitments);
	free(ix->freezes);
	memset(ix, 0, sizeof(*ix));
}

/* Grow *items (of size bytes each, *cap of them) to hold one more. */
static int
reserve(void **items, size_t size, size_t count, size_t *cap)
{
	void *more;
	size_t n;

	if (count < *cap)
		return 1;
	n = *cap ? 2 * *cap : 64;
	if (n > SIZE_MAX / size || (more = realloc(*items, n * size)) == NULL) {
		cli_error("out of memory");
		return 0;
	}
	*items = more;
	*cap = n;
	return 1;
}

/* Keep where a record is; commitments and freezes, which others are checked against, in full. */
static int
remember(record_index *ix, const seen_record *seen, const alot_record *rec)
{
	if (!reserve((void **)&ix->seen, sizeof(*ix->seen), ix->count, &ix->cap))
		return 0;
	ix->seen[ix->count++] = *seen;
	if (rec == NULL)
		return 1;
	if (rec->type == ALOT_RECORD_COMMITMENT) {
		if (!reserve((void **)&ix->commitments, sizeof(*ix->commitments), ix->ncommitments,
		             &ix->commitments_cap))
			return 0;
		ix->commitments[ix->ncommitments++] = rec->u.commitment;
	} else if (rec->type == ALOT_RECORD_FREEZE) {
		if (!reserve((void **)&ix->freezes, sizeof(*ix->freezes), ix->nfreezes, &ix->freezes_cap))
			return 0;
		ix->freezes[ix->nfreezes].record = rec->u.freeze;
		memcpy(ix->freezes[ix->nfreezes].hash, seen->hash, ALOT_HASH_LEN);
		ix->nfreezes++;
	}
	return 1;
}

/* The first of len bytes at text that follow the first occurrence of key; NULL if none. */
static const char *
after(const char *text, size_t len, const char *key)
{
	const char *at = memmem(text, len, key, strlen(key));

	return at != NULL ? at + strlen(key) : NULL;
}

/*
 * A draw is located without parsing it, from the fields every published
 * one has; a line that only looks like one is no statement of anyone's
 * and is found out if it is ever read again (index_conflict()).
 */
static int
locate_draw(const char *line, size_t len, alot_uuid *room)
{
	const char *id = after(line, len, "\"room_id\":\"");
	char text[ALOT_UUID_STRLEN];

	if (after(line, len, "\"type\":\"alot.draw\"") == NULL || id == NULL ||
	    (size_t)(line + len - id) < ALOT_UUID_STRLEN - 1)
		return 0;
	memcpy(text, id, ALOT_UUID_STRLEN - 1);
	text[ALOT_UUID_STRLEN - 1] = '\0';
	return alot_uuid_parse(text, room, NULL) == ALOT_OK;
}

int
index_add(record_index *ix, const alot_public_key *key, const char *line, size_t len,
          const char *source, unsigned long line_no, int fd, unsigned long long offset,
          alot_record *rec)
{
	seen_record seen;

	if (len == (size_t)-1)
		return 1;
	memset(&seen, 0, sizeof(seen));
	seen.source = source;
	seen.line_no = line_no;
	seen.fd = fd;
	seen.offset = offset;
	seen.len = len;
	alot_record_hash(line, len, seen.hash);
	if (locate_draw(line, len, &seen.room)) {
		seen.type = ALOT_RECORD_DRAW;
		seen.sig = SIGNED_UNKNOWN;
		return remember(ix, &seen, NULL);
	}
	/* Malformed or not signed by the operator: not a statement of the operator's. */
	if (alot_record_parse(line, len, rec, NULL) != ALOT_OK || rec->type == ALOT_RECORD_DRAW ||
	    !alot_record_signed_by(rec, key))
		return 1;
	seen.type = rec->type;
	seen.room = alot_record_lot(rec)->room_id;
	seen.sig = SIGNED_VALID;
	return remember(ix, &seen, rec);
}

/* Whether s is a record validly signed by key: read again and verified the first time asked. */
static int
validly_signed(seen_record *s, const alot_public_key *key)
{
	char *text;
	alot_record *rec;
	ssize_t got;

	if (s->sig != SIGNED_UNKNOWN)
		return s->sig == SIGNED_VALID;
	s->sig = SIGNED_INVALID;
	text = malloc(s->len + 1);
	rec = malloc(sizeof(*rec));
	if (text != NULL && rec != NULL &&
	    (got = pread(s->fd, text, s->len, (off_t)s->offset)) >= 0 && (size_t)got == s->len &&
	    alot_record_parse(text, s->len, rec, NULL) == ALOT_OK && rec->type == s->type &&
	    alot_uuid_equal(&alot_record_lot(rec)->room_id, &s->room) && alot_record_signed_by(rec, key))
		s->sig = SIGNED_VALID;
	free(text);
	free(rec);
	return s->sig == SIGNED_VALID;
}

static int
seen_cmp(const void *a, const void *b)
{
	const seen_record *x = a, *y = b;
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((c = memcmp(x->room.b, y->room.b, ALOT_UUID_LEN)) != 0)
		return c;
	return memcmp(x->hash, y->hash, ALOT_HASH_LEN);
}

static int
commitment_cmp(const void *a, const void *b)
{
	return memcmp(((const alot_commitment_record *)a)->lot.room_id.b,
	              ((const alot_commitment_record *)b)->lot.room_id.b, ALOT_UUID_LEN);
}

static int
freeze_cmp(const void *a, const void *b)
{
	return memcmp(((const indexed_freeze *)a)->record.lot.room_id.b,
	              ((const indexed_freeze *)b)->record.lot.room_id.b, ALOT_UUID_LEN);
}

/* Sorted by type and room, every lookup is a binary search. */
void
index_finish(record_index *ix)
{
	if (ix->count > 1)
		qsort(ix->seen, ix->count, sizeof(*ix->seen), seen_cmp);
	if (ix->ncommitments > 1)
		qsort(ix->commitments, ix->ncommitments, sizeof(*ix->commitments), commitment_cmp);
	if (ix->nfreezes > 1)
		qsort(ix->freezes, ix->nfreezes, sizeof(*ix->freezes), freeze_cmp);
}

/* The first of n items of size bytes whose room is not below room (room_at: its offset). */
static size_t
lower_bound(const void *items, size_t n, size_t size, size_t room_at, const alot_uuid *room,
            const alot_record_type *type)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *item = (const char *)items + mid * size;
		int c = 0;

		if (type != NULL && ((const seen_record *)item)->type != *type)
			c = ((const seen_record *)item)->type < *type ? -1 : 1;
		if (c == 0)
			c = memcmp(item + room_at, room->b, ALOT_UUID_LEN);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const seen_record *
index_conflict(record_index *ix, const alot_public_key *key, alot_record_type type, const alot_uuid *room,
               const unsigned char hash[ALOT_HASH_LEN])
{
	size_t i = lower_bound(ix->seen, ix->count, sizeof(*ix->seen), offsetof(seen_record, room), room, &type);

	for (; i < ix->count && ix->seen[i].type == type && alot_uuid_equal(&ix->seen[i].room, room); i++)
		if (memcmp(ix->seen[i].hash, hash, ALOT_HASH_LEN) != 0 && validly_signed(&ix->seen[i], key))
			return &ix->seen[i];
	return NULL;
}

const alot_commitment_record *
index_commitments(const record_index *ix, const alot_uuid *room, size_t *count)
{
	size_t i = lower_bound(ix->commitments, ix->ncommitments, sizeof(*ix->commitments),
	                       offsetof(alot_commitment_record, lot.room_id), room, NULL), j = i;

	while (j < ix->ncommitments && alot_uuid_equal(&ix->commitments[j].lot.room_id, room))
		j++;
	*count = j - i;
	return j > i ? &ix->commitments[i] : NULL;
}

const indexed_freeze *
index_freeze(const record_index *ix, const alot_uuid *room, const unsigned char hash[ALOT_HASH_LEN])
{
	size_t i = lower_bound(ix->freezes, ix->nfreezes, sizeof(*ix->freezes),
	                       offsetof(indexed_freeze, record.lot.room_id), room, NULL);
	const indexed_freeze *first = i < ix->nfreezes && alot_uuid_equal(&ix->freezes[i].record.lot.room_id, room)
	                              ? &ix->freezes[i] : NULL;

	for (; i < ix->nfreezes && alot_uuid_equal(&ix->freezes[i].record.lot.room_id, room); i++)
		if (memcmp(ix->freezes[i].hash, hash, ALOT_HASH_LEN) == 0)
			return &ix->freezes[i];
	return first;
}
