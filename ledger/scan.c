/*
 * scan.c - the audit's single pass.  Every table the checks read is copied
 * out once, in binary, in whatever physical order the server produces, and
 * folded into compact state: per user (64 bytes), per room, per (room,
 * buyer) pair and per drawn entry.  The scan never reports a finding
 * itself: it nominates, per check, the users or rooms whose rows may break
 * it, and the check's own SQL (checks.c, chain.c) then runs for those keys
 * alone and says exactly what is wrong.  A clean database is thus proved
 * clean at the speed of COPY, and every finding is the same as the plain
 * SQL audit's (--engine=sql), which the tests compare.
 *
 * The nomination must never miss a key (it may name too many; the SQL
 * decides).  It rests on three kinds of evidence:
 *   - row checks, evaluated on each row as it arrives;
 *   - sums compared with stored totals, kept exactly or as random linear
 *     forms modulo 2^61 - 1 (credit totals, user stats);
 *   - multiset hashes (mset.c) for every "these rows and those rows must
 *     match" rule: references between transactions, entries and
 *     purchases, buyers and reveals, draws and winners, and ticket ranges
 *     tiling 1..N (the starts and the ends + 1 are the same multiset but
 *     for 1 and N + 1, which holds for ranges with start <= end exactly
 *     when they tile 1..N without gap or overlap).
 * These are order-free.  The credit chain is not: each user's transactions
 * must come in (created_at, id) order, which physical order usually is
 * but need not be (updates, free-space reuse, synchronize_seqscans).  A
 * user whose rows arrive out of that order is nominated, and the chain is
 * then walked in order by the server for that user (chain.c).
 *
 * Memory: a pass keeps state for the users and rooms whose hash falls in
 * its share; with P passes each pass holds about 1/P of it.  P is chosen
 * from the tables' sizes so that a pass fits --memory-limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/crypto.h"
#include "alot/db.h"
#include "ledger.h"

enum room_status {
	ST_NULL, ST_CREATED, ST_OPEN, ST_FUNDED, ST_DRAWING, ST_SETTLED,
	ST_EXPIRED, ST_REFUNDING, ST_CLOSED, ST_OTHER
};

#define U_TX        0x02u /* the user's chain has started: a dated transaction */
#define U_ACCOUNT   0x04u /* ... a user_universal_credits row */
#define U_USERROW   0x08u /* ... a users row */
#define U_UNORDERED 0x10u /* ... transactions that came out of (created_at, id) order */
#define U_HAS_TX    0x20u /* ... any transaction, dated or not */

typedef struct user_state {
	unsigned char key[16];
	uint32_t flags;
	int32_t last_after;   /* balance_after of the latest transaction so far */
	int64_t last_ts;      /* its created_at */
	uint64_t last_id;     /* the first 8 bytes of its id, big-endian: uuid order */
	uint64_t credits_sum; /* the ledger's totals minus user_universal_credits' (linear form) */
	uint64_t stats_sum;   /* entries and draws minus the users row's stats (linear form) */
	uint64_t refs_sum;    /* references: what entries and purchases expect minus what the ledger holds */
} user_state;

#define R_ROW     0x02u   /* the room has a rooms row */
#define R_ENTRIES 0x04u   /* ... entries */
#define R_DRAW_UNKNOWN 0x08u /* a draw of the room is not in the drawn table: its winner is unknown here */

typedef struct room_state {
	unsigned char key[16];
	uint32_t flags;
	uint8_t status, draws, winners, pad;
	unsigned char winner_user[16]; /* the draw's winner, when there is one draw */
	int64_t row_funding, funding, tickets;
	int32_t row_tickets, row_participants, participants, max_end;
	uint64_t coverage;    /* starts minus ends + 1 */
	uint64_t winner_sum;  /* the draw's (entry, user) minus the is_winner entries' */
	uint64_t reveal_sum;  /* each buyer's expected reveal minus the reveals */
	uint64_t cash_sum;    /* cash entries minus paid purchases */
	int64_t opened_at, funded_at, deadline, committed_at; /* the sale window (NO_TIME: NULL) */
} room_state;

#define NO_TIME INT64_MIN

#define D_FOUND 0x02u

typedef struct drawn_entry {
	unsigned char key[16]; /* lottery_draws.winner_entry_id */
	uint32_t flags;
	int32_t ticket;
	unsigned char room[16];
} drawn_entry;

/* Coefficients of the linear forms, three to a form (linear_form()). */
enum { K_EARNED, K_SPENT, K_EXPIRED, K_ENTRIES, K_CASH, K_WON, K_COUNT };

typedef struct scan {
	audit *a;
	const int *selected;
	candidates *cand;
	unsigned char hkey[16], pkey[16]; /* SipHash keys: multisets, pairs */
	uint64_t seed;
	uint64_t k[K_COUNT];
	unsigned parts, pass;
	size_t max_candidates;
	int null_user, null_room;  /* a user or room column was NULL: no key to nominate */
	table users, rooms, pairs, drawn;
	int oom;
	scan_stats *stats;
} scan;

/* ---- the statements ------------------------------------------------------ */

typedef struct stream {
	const char *table;
	const char *sql;
	int ncols;
	void (*row)(scan *sc, const copy_field *f);
	int protocol_only;  /* a table of the protocol's migrations, absent from the design document's schema */
} stream;

static void on_room(scan *sc, const copy_field *f);
static void on_commitment(scan *sc, const copy_field *f);
static void on_draw(scan *sc, const copy_field *f);
static void on_purchase(scan *sc, const copy_field *f);
static void on_entry(scan *sc, const copy_field *f);
static void on_reveal(scan *sc, const copy_field *f);
static void on_transaction(scan *sc, const copy_field *f);
static void on_credits(scan *sc, const copy_field *f);
static void on_user(scan *sc, const copy_field *f);

/* In this order: rooms and draws are known before the rows that refer to them. */
static const stream streams[] = {
	{ "rooms", "COPY rooms (id, status, funding_target, current_funding, total_tickets,"
	  " total_participants, created_at, opened_at, funded_at, drawn_at, settled_at, expired_at,"
	  " closed_at, deadline) TO STDOUT (FORMAT binary)", 14, on_room, 0 },
	{ "room_commitments", "COPY room_commitments (room_id, committed_at) TO STDOUT (FORMAT binary)", 2,
	  on_commitment, 1 },
	{ "lottery_draws", "COPY lottery_draws (room_id, winner_entry_id, winner_user_id, winning_ticket,"
	  " total_tickets, drawn_at) TO STDOUT (FORMAT binary)", 6, on_draw, 0 },
	{ "room_entry_purchases", "COPY room_entry_purchases (id, room_id, user_id, amount, status,"
	  " refund_choice, refunded_amount, credits_converted, created_at, completed_at, refunded_at)"
	  " TO STDOUT (FORMAT binary)", 11, on_purchase, 0 },
	{ "room_entries", "COPY room_entries (id, room_id, user_id, tickets_start, tickets_end, ticket_count,"
	  " purchase_type, amount_paid, credits_spent, credits_awarded, purchase_id, is_winner, created_at)"
	  " TO STDOUT (FORMAT binary)", 13, on_entry, 0 },
	{ "reveals", "COPY reveals (room_id, user_id, status) TO STDOUT (FORMAT binary)", 3, on_reveal, 0 },
	{ "credit_transactions", "COPY credit_transactions (user_id, id, created_at, amount, balance_before,"
	  " balance_after, transaction_type, room_entry_id, purchase_id, room_id) TO STDOUT (FORMAT binary)", 10,
	  on_transaction, 0 },
	{ "user_universal_credits", "COPY user_universal_credits (user_id, balance, total_earned, total_spent,"
	  " total_expired) TO STDOUT (FORMAT binary)", 5, on_credits, 0 },
	{ "users", "COPY users (id, total_entries, total_spent, total_won) TO STDOUT (FORMAT binary)", 4, on_user, 0 },
};
#define STREAM_COUNT (sizeof(streams) / sizeof(streams[0]))

void
scan_print_statements(FILE *out)
{
	size_t i;

	for (i = 0; i < STREAM_COUNT; i++)
		fprintf(out, "%s;\n", streams[i].sql);
}

/* ---- nominating -------------------------------------------------------------- */

/* The key's slot in check id's candidates (added when insert), or NULL. */
static slot_head *
candidate_slot(scan *sc, int id, const unsigned char key[16], int insert)
{
	candidates *c = &sc->cand[id];

	return sc->selected[id] && !c->all ? table_get(&c->keys, key, table_hash(c->keys.seed, key), insert) : NULL;
}

static void
add_candidate(scan *sc, int id, const unsigned char key[16], uint32_t why)
{
	candidates *c = &sc->cand[id];
	slot_head *slot;

	if (!sc->selected[id] || c->all)
		return;
	if (c->keys.count >= sc->max_candidates || (slot = candidate_slot(sc, id, key, 1)) == NULL) {
		c->all = 1;  /* too many (or no memory): confirm over everything */
		return;
	}
	slot->flags |= why;
}

/* The key's rows may break check id: its confirmation must find it (tests/ledger, the drops probe). */
static void
nominate(scan *sc, int id, const unsigned char key[16])
{
	add_candidate(sc, id, key, CAND_SUSPECT);
}

/* The key's rows could not be judged as they arrived: the server judges them, suspected or not. */
static void
recheck(scan *sc, int id, const unsigned char key[16])
{
	add_candidate(sc, id, key, 0);
}

/* ---- state lookup; NULL when the key belongs to another pass ------------------- */

static int
mine(const scan *sc, uint64_t h)
{
	return (h & (sc->parts - 1)) == sc->pass;
}

static void *
lookup(scan *sc, table *t, const unsigned char key[16], int insert)
{
	uint64_t h = table_hash(sc->seed, key);
	void *s;

	if (!mine(sc, h))
		return NULL;
	s = table_get(t, key, h, insert);
	if (s == NULL && insert)
		sc->oom = 1;
	return s;
}

/*
 * Every user and room column the scan keys on is NOT NULL in every schema;
 * where one is NULL all the same, no key can name the row, and the checks
 * of that kind run over everything.
 */
static void *
keyed_state(scan *sc, table *t, int *null_key, const copy_field *f, int insert)
{
	unsigned char id[16];

	if (field_uuid(f, id) < 0) {
		*null_key = 1;
		return NULL;
	}
	return lookup(sc, t, id, insert);
}

static user_state *
user_at(scan *sc, const copy_field *f, int insert)
{
	return keyed_state(sc, &sc->users, &sc->null_user, f, insert);
}

static room_state *
room_at(scan *sc, const copy_field *f, int insert)
{
	return keyed_state(sc, &sc->rooms, &sc->null_room, f, insert);
}

static void
nominate_everything(scan *sc)
{
	size_t i;

	for (i = 0; i < CHECK_COUNT; i++)
		if ((checks[i].key == KEY_USER && sc->null_user) || (checks[i].key == KEY_ROOM && sc->null_room))
			sc->cand[i].all = 1;
}

/* Is the user (room) of f this pass's, whether or not it has state yet? */
static int
mine_key(const scan *sc, const copy_field *f)
{
	unsigned char id[16];

	return field_uuid(f, id) == 0 && mine(sc, table_hash(sc->seed, id));
}

static uint64_t
elem_hash(const scan *sc, const mset_elem *e)
{
	return mset_hash(sc->hkey, e);
}

/*
 * k[first] * a + k[first + 1] * b + k[first + 2] * c: three totals compared
 * as one field element (K_EARNED.. for credits, K_ENTRIES.. for user stats).
 */
static uint64_t
linear_form(const scan *sc, int first, int64_t a, int64_t b, int64_t c)
{
	return modp_add(modp_add(modp_mul(sc->k[first], modp_int(a)), modp_mul(sc->k[first + 1], modp_int(b))),
	                modp_mul(sc->k[first + 2], modp_int(c)));
}

/* An int4 that may be NULL, as coalesce(v, 0). */
static int32_t
int_or_zero(const copy_field *f)
{
	int32_t v = 0;

	(void)field_int4(f, &v);
	return v;
}

/* A NUMERIC that may be NULL (as 0); -1 when it cannot be compared exactly. */
static int
numeric_or_zero(const copy_field *f, int64_t *v)
{
	*v = 0;
	return f->len < 0 ? 0 : field_numeric(f, v);
}

/* ---- rooms ------------------------------------------------------------------------ */

static uint8_t
room_status_of(const copy_field *f)
{
	static const char *const names[] = { NULL, "created", "open", "funded", "drawing", "settled",
	                                     "expired", "refunding", "closed" };
	uint8_t i;

	if (f->len < 0)
		return ST_NULL;
	for (i = ST_CREATED; i <= ST_CLOSED; i++)
		if (field_is(f, names[i]))
			return i;
	return ST_OTHER;
}

static int
is_one_of(uint8_t st, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return st == a || st == b || st == c || st == d;
}

/*
 * The rules of room-timestamps (checks.c), over created_at .. closed_at
 * (f[0..6]); a NULL status satisfies none of the status rules, as in SQL.
 */
static int
timestamps_wrong(uint8_t st, const copy_field *f)
{
	int64_t t[7];
	int has[7], i;

	for (i = 0; i < 7; i++)
		has[i] = field_timestamp(&f[i], &t[i]) == 0;
	enum { CREATED, OPENED, FUNDED, DRAWN, SETTLED, EXPIRED, CLOSED };
	if (st != ST_NULL && st != ST_CREATED && st != ST_CLOSED && !has[OPENED])
		return 1;
	if (st == ST_CREATED && (has[OPENED] || has[FUNDED] || has[DRAWN] || has[SETTLED] || has[EXPIRED]))
		return 1;
	if (is_one_of(st, ST_FUNDED, ST_DRAWING, ST_SETTLED, ST_SETTLED) && !has[FUNDED])
		return 1;
	if (is_one_of(st, ST_OPEN, ST_EXPIRED, ST_REFUNDING, ST_REFUNDING) && has[FUNDED])
		return 1;
	if (st == ST_SETTLED && (!has[DRAWN] || !has[SETTLED]))
		return 1;
	if (is_one_of(st, ST_OPEN, ST_FUNDED, ST_EXPIRED, ST_REFUNDING) && (has[DRAWN] || has[SETTLED]))
		return 1;
	if ((st == ST_EXPIRED || st == ST_REFUNDING) && !has[EXPIRED])
		return 1;
	if (st == ST_CLOSED && !has[CLOSED])
		return 1;
	for (i = OPENED; i <= SETTLED; i++)
		if (has[i] && has[i - 1] && t[i] < t[i - 1])
			return 1;
	return 0;
}

/* A timestamp, or NO_TIME for NULL. */
static int64_t
time_or_none(const copy_field *f)
{
	int64_t t;

	return field_timestamp(f, &t) == 0 ? t : NO_TIME;
}

/* 1 when one of the n timestamps f[0..n-1] is after the snapshot's time (rule B5). */
static int
any_after_snapshot(const scan *sc, const copy_field *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (time_or_none(&f[i]) > sc->a->snapshot_us)
			return 1;
	return 0;
}

static void
on_room(scan *sc, const copy_field *f)
{
	room_state *r = room_at(sc, &f[0], 1);
	int64_t target;

	if (r == NULL)
		return;
	r->flags |= R_ROW;
	r->status = room_status_of(&f[1]);
	if (numeric_or_zero(&f[3], &r->row_funding) < 0) {
		nominate(sc, CK_ROOM_COUNTERS, r->key);
		nominate(sc, CK_ROOM_FUNDING, r->key);
	}
	r->row_tickets = int_or_zero(&f[4]);
	r->row_participants = int_or_zero(&f[5]);
	if (is_one_of(r->status, ST_FUNDED, ST_DRAWING, ST_SETTLED, ST_SETTLED) &&
	    (field_numeric(&f[2], &target) < 0 || r->row_funding < target || f[3].len < 0))
		nominate(sc, CK_ROOM_FUNDING, r->key);
	/* An expired room that reached its target: a draw withheld (rule B4). */
	if (is_one_of(r->status, ST_EXPIRED, ST_REFUNDING, ST_REFUNDING, ST_REFUNDING) && f[3].len >= 0 &&
	    (field_numeric(&f[2], &target) < 0 || r->row_funding >= target))
		nominate(sc, CK_ROOM_FUNDING, r->key);
	if (timestamps_wrong(r->status, &f[6]))
		nominate(sc, CK_ROOM_TIMESTAMPS, r->key);
	if (any_after_snapshot(sc, &f[6], 7))
		nominate(sc, CK_ROOM_DATES, r->key);
	r->opened_at = time_or_none(&f[7]);
	r->funded_at = time_or_none(&f[8]);
	r->deadline = time_or_none(&f[13]);
	r->committed_at = NO_TIME;
}

/* A room's seed commitment: no entry is sold before it (rule B3). */
static void
on_commitment(scan *sc, const copy_field *f)
{
	room_state *r = room_at(sc, &f[0], 0);

	if (r != NULL)
		r->committed_at = time_or_none(&f[1]);
}

/* ---- draws ------------------------------------------------------------------------- */

static uint64_t
winner_hash(const scan *sc, const copy_field *entry, const copy_field *user)
{
	mset_elem e;

	mset_begin(&e, 'W');
	mset_field(&e, entry);
	mset_field(&e, user);
	return elem_hash(sc, &e);
}

static void
on_draw(scan *sc, const copy_field *f)
{
	room_state *r = room_at(sc, &f[0], 1);
	user_state *u = user_at(sc, &f[2], 1);
	int32_t ticket, total;

	if (u != NULL)
		u->stats_sum = modp_add(u->stats_sum, linear_form(sc, K_ENTRIES, 0, 0, 1));
	if (r == NULL)
		return;
	if (any_after_snapshot(sc, &f[5], 1))
		nominate(sc, CK_ROOM_DATES, r->key);
	if (r->draws < 255)
		r->draws++;
	if (r->draws == 1 && field_uuid(&f[2], r->winner_user) < 0)
		nominate(sc, CK_DRAW_REVEALS, r->key);
	r->winner_sum = modp_add(r->winner_sum, winner_hash(sc, &f[1], &f[2]));
	if (field_int4(&f[3], &ticket) < 0 || field_int4(&f[4], &total) < 0 || ticket < 1 || ticket > total) {
		nominate(sc, CK_DRAW_TICKET, r->key);
		r->flags |= R_DRAW_UNKNOWN;
	} else {
		unsigned char entry[16];
		drawn_entry *d;

		if (field_uuid(&f[1], entry) < 0 || (d = table_get(&sc->drawn, entry, table_hash(sc->seed, entry), 1)) == NULL) {
			nominate(sc, CK_DRAW_TICKET, r->key);
			r->flags |= R_DRAW_UNKNOWN;
			return;
		}
		if (d->ticket != 0) {  /* two draws name one entry */
			room_state *other = lookup(sc, &sc->rooms, d->room, 0);

			nominate(sc, CK_DRAW_TICKET, d->room);
			nominate(sc, CK_DRAW_TICKET, r->key);
			/* d now holds this draw: the other room's draw is no longer known here. */
			if (other != NULL)
				other->flags |= R_DRAW_UNKNOWN;
		}
		d->ticket = ticket;
		memcpy(d->room, r->key, 16);
	}
}

/* ---- purchases ---------------------------------------------------------------------- */

enum { PS_OTHER, PS_SUCCEEDED, PS_REFUNDED, PS_PARTIAL };

static int
purchase_status(const copy_field *f)
{
	return field_is(f, "succeeded") ? PS_SUCCEEDED : field_is(f, "refunded") ? PS_REFUNDED
	       : field_is(f, "partially_refunded") ? PS_PARTIAL : PS_OTHER;
}

/* A cash entry and the purchase that paid it must agree on these. */
static uint64_t
cash_hash(const scan *sc, const copy_field *purchase, const copy_field *user, const copy_field *room, int64_t amount)
{
	mset_elem e;

	mset_begin(&e, 'P');
	mset_field(&e, purchase);
	mset_field(&e, user);
	mset_field(&e, room);
	mset_i64(&e, amount);
	return elem_hash(sc, &e);
}

/*
 * A reference between the ledger and an entry or purchase: tag, the row,
 * the user, the room, the credits.  Each side counts: an entry or purchase
 * adds one element, each transaction that pays or charges it takes one
 * away, so a second copy of a transaction leaves the sum unbalanced too.
 */
static uint64_t
ref_hash(const scan *sc, char tag, const copy_field *row, const copy_field *user, const copy_field *room,
         int64_t credits)
{
	mset_elem e;

	mset_begin(&e, tag);
	mset_field(&e, row);
	mset_field(&e, user);
	mset_field(&e, room);
	mset_i64(&e, credits);
	return elem_hash(sc, &e);
}

/* The rules of purchase-refunds that need nothing but the purchase row. */
static int
refund_row_wrong(int status, const copy_field *choice, int64_t amount, int has_refund, int64_t refunded,
                 int has_conv, int32_t converted)
{
	int credits = field_is(choice, "credits"), cash = field_is(choice, "cash");

	if (status == PS_REFUNDED && (!has_refund || refunded != amount))
		return 1;
	if (status == PS_PARTIAL && !(has_refund && refunded > 0 && refunded < amount))
		return 1;
	if (has_refund && refunded > 0 && (status != PS_REFUNDED && status != PS_PARTIAL))
		return 1;
	if (has_refund && refunded > 0 && choice->len < 0)
		return 1;
	/* round(refunded_amount * 100): refunded is in ten-thousandths of a dollar. */
	if (credits && has_refund && refunded > 0 &&
	    (!has_conv || converted != (refunded + (refunded >= 0 ? 50 : -50)) / 100))
		return 1;
	return cash && has_conv && converted != 0;
}

static void
on_purchase(scan *sc, const copy_field *f)
{
	int status = purchase_status(&f[4]), has_refund = f[6].len >= 0, has_conv = f[7].len >= 0;
	int64_t amount = 0, refunded = 0;
	int32_t converted = int_or_zero(&f[7]);
	int bad = field_numeric(&f[3], &amount) < 0 || numeric_or_zero(&f[6], &refunded) < 0;
	int refund_activity = refunded > 0 || converted > 0 || status == PS_REFUNDED || status == PS_PARTIAL;
	room_state *r = room_at(sc, &f[1], 1);
	user_state *u = user_at(sc, &f[2], 1);
	unsigned char user[16];

	if (r != NULL) {
		if (any_after_snapshot(sc, &f[8], 3))
			nominate(sc, CK_ROOM_DATES, r->key);
		if (status != PS_OTHER && !bad)
			r->cash_sum = modp_sub(r->cash_sum, cash_hash(sc, &f[0], &f[2], &f[1], amount));
		else if (status != PS_OTHER)
			nominate(sc, CK_PURCHASE_CASH, r->key);
		if ((refund_activity || bad) && r->draws > 0)
			nominate(sc, CK_PURCHASE_DRAWN_REFUND, r->key);
		/*
		 * A refund belongs to an expired room (in a drawn room it is
		 * purchase-drawn-refund's); the user is nominated from the room's pass.
		 */
		if ((refunded > 0 || converted > 0 || bad) && r->draws == 0 && (r->flags & R_ROW) &&
		    r->status != ST_NULL && r->status != ST_EXPIRED && r->status != ST_REFUNDING &&
		    r->status != ST_CLOSED && field_uuid(&f[2], user) == 0)
			nominate(sc, CK_PURCHASE_REFUNDS, user);
	}
	if (u == NULL)
		return;
	if (bad || refund_row_wrong(status, &f[5], amount, has_refund, refunded, has_conv, converted))
		nominate(sc, CK_PURCHASE_REFUNDS, u->key);
	if (field_is(&f[5], "credits") && converted > 0)
		u->refs_sum = modp_add(u->refs_sum, ref_hash(sc, 'R', &f[0], &f[2], &f[1], converted));
}

/* ---- entries ------------------------------------------------------------------------ */

static uint64_t
endpoint_hash(const scan *sc, int64_t ticket)
{
	mset_elem e;

	mset_begin(&e, 'C');
	mset_i64(&e, ticket);
	return elem_hash(sc, &e);
}

/* The reveal a buyer must have: won or lost (w, l), or another state (o). */
static uint64_t
reveal_hash(const scan *sc, const copy_field *user, char outcome)
{
	mset_elem e;

	mset_begin(&e, 'V');
	mset_field(&e, user);
	mset_bytes(&e, &outcome, 1);
	return elem_hash(sc, &e);
}

/* The pair (room, user), as a 128-bit keyed hash: its first sighting counts a participant. */
static int
first_sighting(scan *sc, const copy_field *room, const copy_field *user)
{
	unsigned char both[32], key[16];
	uint64_t h[2];
	slot_head *s;

	if (room->len != 16 || user->len != 16)
		return 0;
	memcpy(both, room->data, 16);
	memcpy(both + 16, user->data, 16);
	h[0] = siphash24(sc->pkey, both, 32);
	both[0] ^= 0x80;  /* a second, independent output */
	h[1] = siphash24(sc->pkey, both, 32);
	memcpy(key, h, 16);
	if ((s = table_get(&sc->pairs, key, h[0], 1)) == NULL) {
		sc->oom = 1;
		return 0;
	}
	if (s->flags & 2u)
		return 0;
	s->flags |= 2u;
	return 1;
}

/*
 * An entry is paid one way only (purchase-cash): a cash entry spends no
 * credits, a credits entry names no purchase and pays no cash, a trivia
 * entry pays nothing.  The fields are those of the room_entries stream.
 */
static int
paid_more_than_once(const copy_field *f, int64_t paid)
{
	int32_t spent = int_or_zero(&f[8]);

	if (field_is(&f[6], "cash"))
		return spent != 0;
	if (field_is(&f[6], "credits"))
		return f[10].len >= 0 || paid != 0;
	if (field_is(&f[6], "trivia"))
		return f[10].len >= 0 || paid != 0 || spent != 0;
	return 0;
}

/*
 * Rules B3 and B5 for an entry (room-dates, checks.c): dated, not after the
 * snapshot, and sold inside its room's window.  Without a rooms row the
 * check has no window to hold it to.
 */
static int
sold_outside_window(const scan *sc, const room_state *r, const copy_field *at)
{
	int64_t t = time_or_none(at);

	if (!(r->flags & R_ROW))
		return 0;
	if (t == NO_TIME || t > sc->a->snapshot_us)
		return 1;
	if (r->status == ST_NULL || r->status == ST_CREATED || (r->status == ST_CLOSED && r->opened_at == NO_TIME))
		return 1;  /* a room that never opened */
	return (r->opened_at != NO_TIME && t < r->opened_at) || (r->committed_at != NO_TIME && t < r->committed_at) ||
	       (r->funded_at != NO_TIME && t > r->funded_at) || (r->deadline != NO_TIME && t > r->deadline);
}

static void
entry_room(scan *sc, room_state *r, const copy_field *f)
{
	int32_t start = 0, end = 0, count = 0;
	int64_t paid = 0;
	int winner = 0, paid_ok, won = 0;
	drawn_entry *d;
	unsigned char id[16], user[16];

	r->flags |= R_ENTRIES;
	if (field_int4(&f[3], &start) < 0 || field_int4(&f[4], &end) < 0 || start < 1 || end < start) {
		nominate(sc, CK_ROOM_COVERAGE, r->key);
	} else {
		r->coverage = modp_add(r->coverage, modp_sub(endpoint_hash(sc, start), endpoint_hash(sc, (int64_t)end + 1)));
		if (end > r->max_end)
			r->max_end = end;
	}
	if (field_int4(&f[5], &count) < 0 || (int64_t)count != (int64_t)end - start + 1)
		nominate(sc, CK_ROOM_COVERAGE, r->key);
	r->tickets += count;
	if (!(paid_ok = numeric_or_zero(&f[7], &paid) == 0) || __builtin_add_overflow(r->funding, paid, &r->funding))
		nominate(sc, CK_ROOM_COUNTERS, r->key);
	if (f[2].len != 16)
		sc->null_user = 1;
	if (first_sighting(sc, &f[1], &f[2])) {
		r->participants++;
		if (r->draws >= 1)
			r->reveal_sum = modp_add(r->reveal_sum, reveal_hash(sc, &f[2],
			                         f[2].len == 16 && memcmp(f[2].data, r->winner_user, 16) == 0 ? 'w' : 'l'));
	}
	if (field_bool(&f[11], &winner) == 0 && winner) {
		if (r->winners < 255)
			r->winners++;
		r->winner_sum = modp_sub(r->winner_sum, winner_hash(sc, &f[0], &f[2]));
	}
	if (sc->drawn.count > 0 && field_uuid(&f[0], id) == 0 &&
	    (d = table_get(&sc->drawn, id, table_hash(sc->seed, id), 0)) != NULL) {
		d->flags |= D_FOUND;
		if (memcmp(d->room, r->key, 16) != 0 || d->ticket < start || d->ticket > end)
			nominate(sc, CK_DRAW_TICKET, d->room);
		won = memcmp(d->room, r->key, 16) == 0;
	}
	if (int_or_zero(&f[9]) > 0 && (r->draws == 0 || won || (r->flags & R_DRAW_UNKNOWN)) && field_uuid(&f[2], user) == 0)
		nominate(sc, CK_CREDIT_TYPES, user);  /* consolation credits: only a losing entry of a drawn room */
	if (field_is(&f[6], "cash")) {
		if (f[7].len < 0 || !paid_ok || f[10].len < 0)
			nominate(sc, CK_PURCHASE_CASH, r->key);
		else
			r->cash_sum = modp_add(r->cash_sum, cash_hash(sc, &f[10], &f[2], &f[1], paid));
	}
	if (paid_more_than_once(f, paid))
		nominate(sc, CK_PURCHASE_CASH, r->key);
	if (sold_outside_window(sc, r, &f[12]))
		nominate(sc, CK_ROOM_DATES, r->key);
}

static void
entry_user(scan *sc, user_state *u, const copy_field *f)
{
	int64_t paid = 0;
	int32_t spent = int_or_zero(&f[8]), awarded = int_or_zero(&f[9]);

	if (numeric_or_zero(&f[7], &paid) < 0)
		nominate(sc, CK_USER_STATS, u->key);
	u->stats_sum = modp_add(u->stats_sum, linear_form(sc, K_ENTRIES, 1, paid, 0));
	if (spent > 0)
		u->refs_sum = modp_add(u->refs_sum, ref_hash(sc, 'S', &f[0], &f[2], &f[1], spent));
	if (awarded > 0)
		u->refs_sum = modp_add(u->refs_sum, ref_hash(sc, 'A', &f[0], &f[2], &f[1], awarded));
}

static void
on_entry(scan *sc, const copy_field *f)
{
	room_state *r = room_at(sc, &f[1], 1);
	user_state *u = user_at(sc, &f[2], 1);

	if (r != NULL)
		entry_room(sc, r, f);
	if (u != NULL)
		entry_user(sc, u, f);
}

/* ---- reveals ------------------------------------------------------------------------ */

static void
on_reveal(scan *sc, const copy_field *f)
{
	room_state *r = room_at(sc, &f[0], 0);
	char outcome;

	if (r == NULL || r->draws == 0)
		return;
	if (f[2].len < 0) {
		nominate(sc, CK_DRAW_REVEALS, r->key);
		return;
	}
	outcome = field_is(&f[2], "revealed_lost") ? 'l'
	          : field_is(&f[2], "revealed_won") || field_is(&f[2], "claimed") || field_is(&f[2], "fulfillment") ||
	            field_is(&f[2], "shipped") || field_is(&f[2], "delivered") ? 'w' : 'o';
	r->reveal_sum = modp_sub(r->reveal_sum, reveal_hash(sc, &f[1], outcome));
}

/* ---- credit transactions -------------------------------------------------------------- */

enum tx_type { TX_UNKNOWN, TX_LOT_SETTLEMENT, TX_EXPIRED_CONVERSION, TX_ENTRY_PURCHASE, TX_ADMIN_GRANT,
               TX_ADMIN_DEDUCT, TX_REDEMPTION, TX_EXPIRY };

/* One of the seven transaction types of the design document, or TX_UNKNOWN. */
static enum tx_type
tx_type_of(const copy_field *f)
{
	static const char *const types[] = { NULL, "lot_settlement", "expired_conversion", "entry_purchase",
	                                     "admin_grant", "admin_deduct", "redemption", "expiry" };
	int i;

	for (i = TX_LOT_SETTLEMENT; i <= TX_EXPIRY; i++)
		if (field_is(f, types[i]))
			return (enum tx_type)i;
	return TX_UNKNOWN;
}

/* credit-types: the sign each known type must have (checks.c). */
static int
sign_wrong(enum tx_type type, int32_t amount)
{
	int credit = type == TX_LOT_SETTLEMENT || type == TX_EXPIRED_CONVERSION || type == TX_ADMIN_GRANT;

	return credit ? amount <= 0 : amount >= 0;
}

/*
 * The totals rule of docs/schema.md, as a linear form; as in SQL, a NULL
 * type is neither 'expiry' nor another type (its amount is only earned).
 */
static uint64_t
totals_form(const scan *sc, int64_t amount, int expiry, int null_type)
{
	return linear_form(sc, K_EARNED, amount > 0 ? amount : 0, amount < 0 && !expiry && !null_type ? -amount : 0,
	                   expiry ? -amount : 0);
}

static uint64_t
be64_prefix(const copy_field *f)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8 && i < f->len; i++)
		v = v << 8 | f->data[i];
	return v;
}

/* What the chain's arrival order suggested is void: the chain was not walked in time order. */
static void
unsuspect_chain(scan *sc, const unsigned char key[16])
{
	slot_head *slot = candidate_slot(sc, CK_CREDIT_CHAIN, key, 0);

	if (slot != NULL)
		slot->flags &= ~CAND_SUSPECT;
}

/*
 * The user's rows cannot be walked in arrival order: the server walks them
 * in order.  The first time, the chain's suspicions so far, drawn from that
 * order, are void (a NULL balance or amount suspects the user again after).
 */
static void
unordered(scan *sc, user_state *u)
{
	if (!(u->flags & U_UNORDERED)) {
		sc->stats->unordered_users++;
		unsuspect_chain(sc, u->key);
	}
	u->flags |= U_UNORDERED;
	recheck(sc, CK_CREDIT_CHAIN, u->key);
	recheck(sc, CK_CREDIT_BALANCE, u->key);
}

/* One link of the chain, in arrival order; out of (created_at, id) order, the user is re-walked. */
static void
chain_link(scan *sc, user_state *u, const copy_field *f, int32_t before, int32_t after)
{
	int64_t ts;
	uint64_t id = be64_prefix(&f[1]);
	int later;

	if (field_timestamp(&f[2], &ts) < 0) {  /* NULL created_at: let the server order it */
		unordered(sc, u);
		return;
	}
	if (!(u->flags & U_TX)) {
		u->flags |= U_TX;
		if (before != 0)
			nominate(sc, CK_CREDIT_CHAIN, u->key);
		later = 1;
	} else {
		/* Equal first 8 bytes of the id cannot be ordered here: treated as out of order. */
		later = ts > u->last_ts || (ts == u->last_ts && id > u->last_id);
		if (!later)
			unordered(sc, u);
		else if (before != u->last_after)
			nominate(sc, CK_CREDIT_CHAIN, u->key);
	}
	if (later) {
		u->last_ts = ts;
		u->last_id = id;
		u->last_after = after;
	}
}

static void
on_transaction(scan *sc, const copy_field *f)
{
	user_state *u = user_at(sc, &f[0], 1);
	int32_t amount, before, after;
	enum tx_type type;

	if (u == NULL)
		return;
	u->flags |= U_HAS_TX;
	if (any_after_snapshot(sc, &f[2], 1))
		nominate(sc, CK_CREDIT_DATES, u->key);
	if (field_int4(&f[3], &amount) < 0 || field_int4(&f[4], &before) < 0 || field_int4(&f[5], &after) < 0) {
		/* NOT NULL in every schema; if not, the server judges this user on every count. */
		static const int all_credit_checks[] = {
			CK_CREDIT_ARITHMETIC, CK_CREDIT_CHAIN, CK_CREDIT_NEGATIVE, CK_CREDIT_BALANCE, CK_CREDIT_TOTALS,
			CK_CREDIT_MISSING_ACCOUNT, CK_CREDIT_UNKNOWN_TYPE, CK_CREDIT_REFERENCES, CK_PURCHASE_REFUNDS
		};
		size_t i;

		for (i = 0; i < sizeof(all_credit_checks) / sizeof(all_credit_checks[0]); i++)
			nominate(sc, all_credit_checks[i], u->key);
		u->flags |= U_UNORDERED;
		return;
	}
	if ((int64_t)after != (int64_t)before + amount)
		nominate(sc, CK_CREDIT_ARITHMETIC, u->key);
	if (before < 0 || after < 0)
		nominate(sc, CK_CREDIT_NEGATIVE, u->key);
	type = tx_type_of(&f[6]);
	if (type == TX_UNKNOWN)
		nominate(sc, CK_CREDIT_UNKNOWN_TYPE, u->key);
	else if (sign_wrong(type, amount))
		nominate(sc, CK_CREDIT_TYPES, u->key);
	u->credits_sum = modp_add(u->credits_sum, totals_form(sc, amount, type == TX_EXPIRY, f[6].len < 0));
	if (type == TX_ENTRY_PURCHASE)
		u->refs_sum = modp_sub(u->refs_sum, ref_hash(sc, 'S', &f[7], &f[0], &f[9], -(int64_t)amount));
	else if (type == TX_LOT_SETTLEMENT)
		u->refs_sum = modp_sub(u->refs_sum, ref_hash(sc, 'A', &f[7], &f[0], &f[9], amount));
	else if (type == TX_EXPIRED_CONVERSION)
		u->refs_sum = modp_sub(u->refs_sum, ref_hash(sc, 'R', &f[8], &f[0], &f[9], amount));
	chain_link(sc, u, f, before, after);
}

/* ---- credits and users rows ----------------------------------------------------------- */

static void
on_credits(scan *sc, const copy_field *f)
{
	int32_t balance = int_or_zero(&f[1]), earned = int_or_zero(&f[2]);
	int32_t spent = int_or_zero(&f[3]), expired = int_or_zero(&f[4]);
	user_state *u = user_at(sc, &f[0], 0);
	unsigned char id[16];

	if (u == NULL) {  /* no transactions, entries or purchases: everything is 0 */
		if (mine_key(sc, &f[0]) && field_uuid(&f[0], id) == 0) {
			if (balance != 0)
				nominate(sc, CK_CREDIT_BALANCE, id);
			if (earned != 0 || spent != 0 || expired != 0)
				nominate(sc, CK_CREDIT_TOTALS, id);
		}
		return;
	}
	u->flags |= U_ACCOUNT;
	u->credits_sum = modp_sub(u->credits_sum, linear_form(sc, K_EARNED, earned, spent, expired));
	if (u->flags & U_UNORDERED)
		return;  /* nominated already */
	/* With only undated transactions the chain never started: U_UNORDERED is set. */
	if (balance != ((u->flags & U_TX) ? u->last_after : 0))
		nominate(sc, CK_CREDIT_BALANCE, u->key);
}

static void
on_user(scan *sc, const copy_field *f)
{
	int32_t entries = int_or_zero(&f[1]), won = int_or_zero(&f[3]);
	int64_t spent = 0;
	int bad = numeric_or_zero(&f[2], &spent) < 0;
	user_state *u = user_at(sc, &f[0], 0);
	unsigned char id[16];

	if (u == NULL) {
		if (mine_key(sc, &f[0]) && field_uuid(&f[0], id) == 0 && (bad || entries != 0 || spent != 0 || won != 0))
			nominate(sc, CK_USER_STATS, id);
		return;
	}
	u->flags |= U_USERROW;
	if (bad)
		nominate(sc, CK_USER_STATS, u->key);
	u->stats_sum = modp_sub(u->stats_sum, linear_form(sc, K_ENTRIES, entries, spent, won));
}

/* ---- the end of a pass: what the sums say ----------------------------------------------- */

static void
settle_users(scan *sc)
{
	user_state *u;
	size_t i = 0;

	while ((u = table_next(&sc->users, &i)) != NULL) {
		if ((u->flags & U_HAS_TX) && !(u->flags & U_ACCOUNT))
			nominate(sc, CK_CREDIT_MISSING_ACCOUNT, u->key);
		if ((u->flags & U_ACCOUNT) && u->credits_sum != 0)
			nominate(sc, CK_CREDIT_TOTALS, u->key);
		if ((u->flags & U_USERROW) && u->stats_sum != 0)
			nominate(sc, CK_USER_STATS, u->key);
		if (u->refs_sum != 0)
			nominate(sc, CK_CREDIT_REFERENCES, u->key);
	}
}

/* The rules of draw-winner (checks.c) on a room's counts; a NULL status is no status. */
static int
winner_wrong(const room_state *r)
{
	if (r->status == ST_SETTLED && r->draws != 1)
		return 1;
	if (r->status != ST_NULL && r->status != ST_SETTLED && r->status != ST_CLOSED && r->draws > 0)
		return 1;
	if (r->draws > 0 && r->winners != 1)
		return 1;
	if (r->draws == 0 && r->winners > 0)
		return 1;
	return r->draws == 1 && r->winners == 1 && r->winner_sum != 0;
}

static void
settle_rooms(scan *sc)
{
	room_state *r;
	drawn_entry *d;
	size_t i = 0;

	while ((r = table_next(&sc->rooms, &i)) != NULL) {
		if ((r->flags & R_ENTRIES) &&
		    r->coverage != modp_sub(endpoint_hash(sc, 1), endpoint_hash(sc, (int64_t)r->max_end + 1)))
			nominate(sc, CK_ROOM_COVERAGE, r->key);
		if ((r->flags & R_ROW) && (r->tickets != r->row_tickets || r->participants != r->row_participants ||
		                           r->funding != r->row_funding))
			nominate(sc, CK_ROOM_COUNTERS, r->key);
		if ((r->flags & R_ROW) && winner_wrong(r))
			nominate(sc, CK_DRAW_WINNER, r->key);
		if (r->draws > 1 || (r->draws == 1 && r->reveal_sum != 0))
			nominate(sc, CK_DRAW_REVEALS, r->key);
		if (r->cash_sum != 0)
			nominate(sc, CK_PURCHASE_CASH, r->key);
	}
	i = 0;
	while ((d = table_next(&sc->drawn, &i)) != NULL)
		if (!(d->flags & D_FOUND))
			nominate(sc, CK_DRAW_TICKET, d->room);
}

/* ---- running it ----------------------------------------------------------------------------- */

/* How many rows a table holds: the planner's estimate, or a count when it has none. */
static alot_code
estimate_rows(PGconn *conn, const char *name, const char *count_sql, double *rows, alot_error *err)
{
	const char *params[] = { name };
	PGresult *res;
	alot_code rc;

	rc = alot_db_exec(conn, "SELECT coalesce((SELECT reltuples FROM pg_catalog.pg_class"
	                  " WHERE oid = pg_catalog.to_regclass('public.' || $1)), -1)", 1, params, &res, err);
	if (rc != ALOT_OK)
		return rc;
	*rows = atof(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (*rows >= 0)
		return ALOT_OK;
	if ((rc = alot_db_exec(conn, count_sql, 0, NULL, &res, err)) != ALOT_OK)
		return rc;
	*rows = atof(PQgetvalue(res, 0, 0));
	PQclear(res);
	return ALOT_OK;
}

typedef struct sizes {
	double users, rooms, entries, draws;
} sizes;

static alot_code
table_sizes(PGconn *conn, sizes *z, alot_error *err)
{
	alot_code rc;

	if ((rc = estimate_rows(conn, "users", "SELECT count(*) FROM users", &z->users, err)) != ALOT_OK ||
	    (rc = estimate_rows(conn, "rooms", "SELECT count(*) FROM rooms", &z->rooms, err)) != ALOT_OK ||
	    (rc = estimate_rows(conn, "room_entries", "SELECT count(*) FROM room_entries", &z->entries, err)) != ALOT_OK)
		return rc;
	return estimate_rows(conn, "lottery_draws", "SELECT count(*) FROM lottery_draws", &z->draws, err);
}

/* The state of one pass over 1/parts of the keys, in bytes, as init_pass() allocates it. */
static double
pass_bytes(const sizes *z, unsigned parts)
{
	return (double)table_capacity((size_t)(z->users / parts)) * sizeof(user_state) +
	       (double)table_capacity((size_t)(z->rooms / parts)) * sizeof(room_state) +
	       (double)table_capacity((size_t)(z->entries / parts)) * sizeof(slot_head) +
	       (double)table_capacity((size_t)(z->draws / parts)) * sizeof(drawn_entry);
}

static alot_code
init_pass(scan *sc, const sizes *z, alot_error *err)
{
	alot_code rc;

	if ((rc = table_init(&sc->users, sizeof(user_state), (size_t)(z->users / sc->parts), sc->seed, err)) != ALOT_OK ||
	    (rc = table_init(&sc->rooms, sizeof(room_state), (size_t)(z->rooms / sc->parts), sc->seed, err)) != ALOT_OK ||
	    (rc = table_init(&sc->pairs, sizeof(slot_head), (size_t)(z->entries / sc->parts), sc->seed, err)) != ALOT_OK)
		return rc;
	return table_init(&sc->drawn, sizeof(drawn_entry), (size_t)(z->draws / sc->parts), sc->seed, err);
}

static void
free_pass(scan *sc)
{
	size_t bytes = table_bytes(&sc->users) + table_bytes(&sc->rooms) + table_bytes(&sc->pairs) +
	               table_bytes(&sc->drawn);

	if (bytes > sc->stats->state_bytes)
		sc->stats->state_bytes = bytes;
	table_free(&sc->users);
	table_free(&sc->rooms);
	table_free(&sc->pairs);
	table_free(&sc->drawn);
}

static alot_code
run_stream(scan *sc, PGconn *conn, const stream *st, int progress, alot_error *err)
{
	copy_reader r;
	alot_code rc;
	int n = 0;

	if (progress)
		fprintf(stderr, "\ralot-ledger: pass %u of %u: %s                              ", sc->pass + 1, sc->parts,
		        st->table);
	if ((rc = copy_begin(&r, conn, st->sql, st->table, st->ncols, err)) != ALOT_OK)
		goto out;
	while (!sc->oom && (n = copy_next(&r, err)) > 0) {
		st->row(sc, r.f);
		if (progress && (r.rows & 0xfffff) == 0)
			fprintf(stderr, "\ralot-ledger: pass %u of %u: %s: %llu rows   ", sc->pass + 1, sc->parts,
			        st->table, (unsigned long long)r.rows);
	}
	sc->stats->rows += r.rows;
	copy_end(&r);
	if (sc->oom)
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory for the scan's state");
	else if (n < 0)
		rc = err->code;
out:
	return rc == ALOT_OK ? rc : alot_error_prefix(err, "%s", st->table);
}

static alot_code
init_scan(scan *sc, candidates *cand, alot_error *err)
{
	unsigned char rnd[16 + 16 + 8 + 8 * K_COUNT];
	size_t i;
	long max;
	alot_code rc;

	/* Fresh secret keys each run: no one can prepare rows whose hashes cancel. */
	if ((rc = alot_random_bytes(rnd, sizeof(rnd), err)) != ALOT_OK)
		return rc;
	memcpy(sc->hkey, rnd, 16);
	memcpy(sc->pkey, rnd + 16, 16);
	memcpy(&sc->seed, rnd + 32, 8);
	for (i = 0; i < K_COUNT; i++) {
		memcpy(&sc->k[i], rnd + 40 + 8 * i, 8);
		sc->k[i] = modp_reduce(sc->k[i]) | 1;  /* nonzero */
	}
	alot_wipe(rnd, sizeof(rnd));
	/* A testing aid: ALOT_LEDGER_CANDIDATES_MAX=N lowers the point where a check runs over everything. */
	max = getenv("ALOT_LEDGER_CANDIDATES_MAX") != NULL ? atol(getenv("ALOT_LEDGER_CANDIDATES_MAX")) : 0;
	sc->max_candidates = max > 0 && max < CANDIDATES_MAX ? (size_t)max : CANDIDATES_MAX;
	for (i = 0; i < CHECK_COUNT; i++)
		if ((rc = table_init(&cand[i].keys, sizeof(slot_head), 64, sc->seed ^ i, err)) != ALOT_OK)
			return rc;
	return ALOT_OK;
}

alot_code
scan_database(audit *a, PGconn *conn, const int *selected, size_t memory_limit, int progress,
              candidates *cand, scan_stats *stats, alot_error *err)
{
	scan sc;
	sizes z;
	alot_code rc;
	size_t s;
	struct timespec t0, t1;

	memset(&sc, 0, sizeof(sc));
	sc.a = a;
	sc.selected = selected;
	sc.cand = cand;
	sc.stats = stats;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = init_scan(&sc, cand, err)) != ALOT_OK || (rc = table_sizes(conn, &z, err)) != ALOT_OK)
		goto out;
	/*
	 * Each pass reads every table again: split only while a pass's state is
	 * over the limit and splitting still shrinks it by a quarter (tiny
	 * tables have a floor no number of passes goes below).
	 */
	for (sc.parts = 1; sc.parts < 1024 && pass_bytes(&z, sc.parts) > (double)memory_limit &&
	                   pass_bytes(&z, sc.parts * 2) < 0.75 * pass_bytes(&z, sc.parts); sc.parts *= 2)
		;
	stats->passes = sc.parts;
	stats->tables = STREAM_COUNT;
	for (sc.pass = 0; sc.pass < sc.parts; sc.pass++) {
		if ((rc = init_pass(&sc, &z, err)) != ALOT_OK)
			goto out;
		for (s = 0; s < STREAM_COUNT && rc == ALOT_OK; s++) {
			if (streams[s].protocol_only && !a->has_protocol)
				continue;
			rc = run_stream(&sc, conn, &streams[s], progress, err);
			pause_if_asked();
		}
		if (rc != ALOT_OK)
			goto out;
		settle_users(&sc);
		settle_rooms(&sc);
		free_pass(&sc);
	}
	nominate_everything(&sc);
out:
	free_pass(&sc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	alot_wipe(sc.hkey, sizeof(sc.hkey));
	alot_wipe(sc.pkey, sizeof(sc.pkey));
	return rc;
}
