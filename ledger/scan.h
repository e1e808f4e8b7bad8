/*
 * scan.h - the single-pass audit engine of alot-ledger: binary COPY
 * streams, the compact state kept per user and per room, the multiset
 * hashes that reconcile rows in any order, and the candidate sets the scan
 * hands to the confirming SQL checks.  docs/ledger.md, "How the audit
 * runs", explains the design; this header is internal to ledger/.
 */
#ifndef ALOT_LEDGER_SCAN_H
#define ALOT_LEDGER_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libpq-fe.h>

#include "alot/error.h"

/* ---- binary COPY (copy.c) --------------------------------------------- */

#define COPY_MAX_COLS 16

typedef struct copy_field {
	const unsigned char *data;
	int32_t len;                 /* -1: NULL */
} copy_field;

/* One COPY ... TO STDOUT (FORMAT binary), read a row at a time. */
typedef struct copy_reader {
	PGconn *conn;
	const char *table;           /* for messages */
	int ncols;
	char *msg;                   /* the current CopyData message (libpq's) */
	const unsigned char *pos, *end;
	int header_done;
	uint64_t rows;
	copy_field f[COPY_MAX_COLS];
} copy_reader;

/* Start sql (a COPY ... TO STDOUT (FORMAT binary) of ncols columns). */
alot_code copy_begin(copy_reader *r, PGconn *conn, const char *sql, const char *name, int ncols,
                     alot_error *err) ALOT_WARN_UNUSED;
/*
 * Read the next row into r->f: 1 a row, 0 the end (the COPY succeeded),
 * -1 an error (err set; the stream is drained so the connection stays usable).
 */
int copy_next(copy_reader *r, alot_error *err);
/* Release the reader, draining an unfinished COPY. */
void copy_end(copy_reader *r);

/* Decoders: 0 on success, -1 when the field is NULL or not of that type. */
int field_uuid(const copy_field *f, unsigned char out[16]);
int field_int4(const copy_field *f, int32_t *out);
int field_bool(const copy_field *f, int *out);
int field_timestamp(const copy_field *f, int64_t *out);
/* NUMERIC as an exact count of ten-thousandths; -1 also for NaN, infinity,
 * more than four decimals, or beyond int64. */
int field_numeric(const copy_field *f, int64_t *out);
/* 1 when the text field equals s exactly, 0 otherwise (NULL included); inline, so strlen(literal) folds. */
static inline int
field_is(const copy_field *f, const char *s)
{
	size_t n = strlen(s);

	return f->len == (int32_t)n && memcmp(f->data, s, n) == 0;
}

/* ---- hashing and arithmetic modulo 2^61 - 1 (mset.c) -------------------- */

#define MSET_P ((UINT64_C(1) << 61) - 1)

/* SipHash-2-4 of len bytes under a 16-byte key. */
uint64_t siphash24(const unsigned char key[16], const void *data, size_t len);

static inline uint64_t
modp_reduce(uint64_t x)
{
	x = (x & MSET_P) + (x >> 61);
	return x >= MSET_P ? x - MSET_P : x;
}

static inline uint64_t
modp_add(uint64_t a, uint64_t b)
{
	return modp_reduce(a + b);  /* a, b < 2^61: no overflow */
}

static inline uint64_t
modp_sub(uint64_t a, uint64_t b)
{
	return modp_reduce(a + (MSET_P - b));
}

static inline uint64_t
modp_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	return modp_reduce(modp_reduce((uint64_t)(p & MSET_P)) + (uint64_t)(p >> 61));
}

/* A signed integer as a field element. */
static inline uint64_t
modp_int(int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	m = modp_reduce(modp_reduce(m & MSET_P) + (m >> 61));
	return v < 0 && m != 0 ? MSET_P - m : m;
}

/*
 * A multiset element: a tagged tuple of fixed-size fields hashed with a
 * secret per-run key.  Adding elements of one side and subtracting those
 * of the other gives 0 when the two multisets are equal, and otherwise 0
 * with probability 2^-61 (the key is drawn fresh for every run).
 */
typedef struct mset_elem {
	unsigned char buf[96];
	size_t len;
} mset_elem;

void mset_begin(mset_elem *e, char tag);
void mset_bytes(mset_elem *e, const void *p, size_t n);
void mset_i64(mset_elem *e, int64_t v);
/* A possibly NULL field: its bytes, or a marker no value has. */
void mset_field(mset_elem *e, const copy_field *f);
uint64_t mset_hash(const unsigned char key[16], const mset_elem *e);

/* ---- open-addressing tables keyed by 16 bytes (table.c) -------------------- */

/*
 * Every slot starts with its 16-byte key and a 32-bit flags word whose
 * bit 0 marks the slot used.  Linear probing; the table grows (and its
 * memory is counted) as keys arrive.
 */
#define SLOT_USED 1u

typedef struct slot_head {
	unsigned char key[16];
	uint32_t flags;
} slot_head;

/*
 * In a candidate set's slots: the key was nominated by a rule's evidence.
 * Without it, the key is only re-checked: its rows could not be judged in
 * the order they arrived (an unordered credit chain), which is no suspicion.
 */
#define CAND_SUSPECT 2u

typedef struct table {
	unsigned char *slots;
	void *base;                  /* an mmap() of mapped bytes holding slots, or NULL */
	size_t mapped;
	size_t slot_size;
	size_t cap, count;
	uint64_t seed;
} table;

alot_code table_init(table *t, size_t slot_size, size_t expected, uint64_t seed,
                     alot_error *err) ALOT_WARN_UNUSED;
void table_free(table *t);
/* The slots table_init() allocates for expected keys. */
size_t table_capacity(size_t expected);
/* The hash that places key (also used to partition keys between passes). */
uint64_t table_hash(uint64_t seed, const unsigned char key[16]);
/* The slot of key, or NULL; with insert, a new zeroed slot (NULL only when out of memory). */
void *table_get(table *t, const unsigned char key[16], uint64_t h, int insert);
/* Iterate: the next used slot at or after *i, or NULL at the end. */
void *table_next(const table *t, size_t *i);
size_t table_bytes(const table *t);

#endif /* ALOT_LEDGER_SCAN_H */
