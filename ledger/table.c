/*
 * table.c - open-addressing hash tables keyed by 16 bytes (a UUID, or a
 * 128-bit keyed hash of a pair), with linear probing.  The scan keeps all
 * of its state in them: one slot per user, per room, per (room, buyer)
 * pair, per drawn entry, per candidate.  Slots are fixed-size structs
 * starting with a slot_head; the table knows only the head.
 *
 * Lookups in a large table land on random pages: with 4 KiB pages nearly
 * every one misses the TLB as well as the cache, which was most of the
 * scan's own time.  Large tables are therefore mapped on 2 MiB boundaries
 * and offered to the kernel as transparent huge pages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "scan.h"

#define MAX_LOAD_NUM 4  /* grow past 80% full */
#define MAX_LOAD_DEN 5

uint64_t
table_hash(uint64_t seed, const unsigned char key[16])
{
	uint64_t a, b;
	unsigned __int128 m;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	/* Two rounds of a 128-bit multiply-fold (as in wyhash): keys need not be random UUIDs. */
	m = (unsigned __int128)(a ^ seed ^ UINT64_C(0xa0761d6478bd642f)) * (b ^ UINT64_C(0xe7037ed1a0b428db));
	a = (uint64_t)m ^ (uint64_t)(m >> 64);
	m = (unsigned __int128)(a ^ UINT64_C(0x8ebc6af09c88c6e3)) * (seed ^ UINT64_C(0x589965cc75374cc3));
	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

size_t
table_capacity(size_t expected)
{
	/* Room for 3% more keys than expected (a hash share varies) below the load limit. */
	return (expected + expected / 32 + 8) * MAX_LOAD_DEN / MAX_LOAD_NUM;
}

static size_t
home(const table *t, uint64_t h)
{
	return (size_t)(((unsigned __int128)h * t->cap) >> 64);
}

static slot_head *
at(const table *t, size_t i)
{
	return (slot_head *)(t->slots + i * t->slot_size);
}

#define HUGE_PAGE ((size_t)2 << 20)

/* Zeroed memory for n slots; *mapped is the length of an mmap() to undo, or 0 for calloc(). */
static unsigned char *
alloc_slots(size_t n, size_t slot_size, void **base, size_t *mapped)
{
	size_t bytes = n * slot_size;
	unsigned char *p;

	*base = NULL;
	*mapped = 0;
	if (slot_size == 0 || n > (SIZE_MAX - HUGE_PAGE) / slot_size)
		return NULL;
	if (bytes < 2 * HUGE_PAGE)
		return calloc(n, slot_size);
	p = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	*mapped = bytes + HUGE_PAGE;
	p = (unsigned char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	(void)madvise(p, bytes, MADV_HUGEPAGE);  /* a hint: without it, the table still works */
	return p;
}

static void
free_slots(unsigned char *slots, void *base, size_t mapped)
{
	if (mapped != 0)
		munmap(base, mapped);
	else
		free(slots);
}

alot_code
table_init(table *t, size_t slot_size, size_t expected, uint64_t seed, alot_error *err)
{
	memset(t, 0, sizeof(*t));
	t->slot_size = slot_size;
	t->seed = seed;
	t->cap = table_capacity(expected);
	t->slots = alloc_slots(t->cap, slot_size, &t->base, &t->mapped);
	if (t->slots == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory for %zu table slots", t->cap);
	return ALOT_OK;
}

void
table_free(table *t)
{
	free_slots(t->slots, t->base, t->mapped);
	memset(t, 0, sizeof(*t));
}

static int
grow(table *t)
{
	table bigger = *t;
	size_t i;

	bigger.cap = t->cap * 2;
	bigger.count = 0;
	if ((bigger.slots = alloc_slots(bigger.cap, t->slot_size, &bigger.base, &bigger.mapped)) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		slot_head *s = at(t, i);
		size_t j;

		if (!(s->flags & SLOT_USED))
			continue;
		for (j = home(&bigger, table_hash(t->seed, s->key)); at(&bigger, j)->flags & SLOT_USED;
		     j = j + 1 == bigger.cap ? 0 : j + 1)
			;
		memcpy(at(&bigger, j), s, t->slot_size);
		bigger.count++;
	}
	free_slots(t->slots, t->base, t->mapped);
	*t = bigger;
	return 0;
}

void *
table_get(table *t, const unsigned char key[16], uint64_t h, int insert)
{
	size_t i = home(t, h);
	slot_head *s;

	for (;;) {
		s = at(t, i);
		if (!(s->flags & SLOT_USED))
			break;
		if (memcmp(s->key, key, 16) == 0)
			return s;
		i = i + 1 == t->cap ? 0 : i + 1;
	}
	if (!insert)
		return NULL;
	if ((t->count + 1) * MAX_LOAD_DEN > t->cap * MAX_LOAD_NUM) {
		if (grow(t) < 0)
			return NULL;
		return table_get(t, key, h, insert);
	}
	memcpy(s->key, key, 16);
	s->flags = SLOT_USED;
	t->count++;
	return s;
}

void *
table_next(const table *t, size_t *i)
{
	for (; *i < t->cap; (*i)++)
		if (at(t, *i)->flags & SLOT_USED)
			return at(t, (*i)++);
	return NULL;
}

size_t
table_bytes(const table *t)
{
	return t->cap * t->slot_size;
}
