/*
 * chain.c - the credit-chain check: each user's transactions, in
 * (created_at, id) order, must chain from a first balance_before of 0,
 * each balance_before being the previous balance_after.  A break is
 * diagnosed with one row of lookahead:
 *   duplicate   the row repeats the previous one (same amounts and references)
 *   back-dated  the row is dated before the next one but continues from it
 *   bad row     this row's balances are wrong; the chain resumes after it
 *   drift       the chain jumps and goes on from the new balance: a missing
 *               row, or a row written from a stale balance (design defect f)
 *   no date     a row without created_at has no place in the order: it is
 *               its own finding, and set aside (the server sends a user's
 *               undated rows first); where the chain breaks and an undated
 *               row bridges the break exactly, it goes there instead of a
 *               drift, and the finding says so
 * The server orders the rows (ORDER BY user_id, created_at, id), so the
 * physical order of the table never matters here; memory is three rows.
 * The scan (scan.c) walks every user's chain in arrival order and asks
 * this check only for the users whose chain broke or whose rows came out
 * of time order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

static const char chain_sql[] =
	"SELECT t.user_id, t.id, t.amount, t.balance_before, t.balance_after, t.transaction_type,"
	"       coalesce(t.room_id::text, '') || '/' || coalesce(t.room_entry_id::text, '') || '/' ||"
	"       coalesce(t.purchase_id::text, '') || '/' || coalesce(t.description, ''),"
	"       t.created_at IS NULL"
	"  FROM credit_transactions t"
	" WHERE ($1::uuid[] IS NULL OR t.user_id = ANY($1::uuid[])) AND $2::uuid[] IS NULL"
	" ORDER BY t.user_id, t.created_at NULLS FIRST, t.id";

#define MAX_UNDATED 16  /* a user's undated rows kept to bridge breaks; more are reported at once */

typedef struct tx {
	char user[40];
	char id[40];
	long long amount, before, after;
	char type[64];
	char refs[256];
	int undated;            /* created_at is NULL */
} tx;

struct chain {
	const check *c;
	audit *a;
	tx pending;             /* the row to judge, once the next is known */
	int has_pending;
	tx last;                /* the row judged before it, for duplicates */
	int has_last;
	long long prev_after;   /* the balance the chain stands at */
	int first;              /* pending is the user's first row */
	char user[40];          /* the user of the rows below */
	tx undated[MAX_UNDATED];/* the user's rows without created_at, not yet placed */
	int n_undated;
};

static void
chain_finding(struct chain *ch, const tx *row, const char *kind, const char *detail)
{
	char expected[32], actual[32], message[512];
	finding f;

	snprintf(expected, sizeof(expected), "%lld", ch->prev_after);
	snprintf(actual, sizeof(actual), "%lld", row->before);
	snprintf(message, sizeof(message), "user %s: %s: %s", row->user, kind, detail);
	f.check = ch->c->name;
	f.severity = "error";
	f.table = "credit_transactions";
	f.id = row->id;
	f.expected = expected;
	f.actual = actual;
	f.message = message;
	f.amount = (double)llabs(row->before - ch->prev_after);
	f.unit = "credits";
	report_finding(ch->a, ch->c, &f);
}

/* An undated row: where it fits (before, or NULL: at the end), or nowhere (fits 0). */
static void
undated_finding(struct chain *ch, const tx *row, int fits, const char *before)
{
	char message[512];
	finding f;

	if (!fits)
		snprintf(message, sizeof(message), "user %s: no date: transaction %s has no created_at,"
		         " so it has no place in the chain (balance %lld to %lld), and fits at no break of it",
		         row->user, row->id, row->before, row->after);
	else if (before != NULL)
		snprintf(message, sizeof(message), "user %s: no date: transaction %s has no created_at;"
		         " its balances (%lld to %lld) place it just before transaction %s",
		         row->user, row->id, row->before, row->after, before);
	else
		snprintf(message, sizeof(message), "user %s: no date: transaction %s has no created_at;"
		         " its balances (%lld to %lld) place it at the end of the chain",
		         row->user, row->id, row->before, row->after);
	f.check = ch->c->name;
	f.severity = "error";
	f.table = "credit_transactions";
	f.id = row->id;
	f.expected = "a created_at";
	f.actual = NULL;
	f.message = message;
	f.amount = (double)llabs(row->amount);
	f.unit = "credits";
	report_finding(ch->a, ch->c, &f);
}

/*
 * The chain stands at prev_after and the next dated row starts at "to"
 * (to_id; NULL at the end of the chain): an undated row that goes from
 * the one to the other takes its place there.  Returns 1 when one did.
 */
static int
place_undated(struct chain *ch, long long to, const char *to_id)
{
	int i;

	for (i = 0; i < ch->n_undated; i++) {
		tx *u = &ch->undated[i];

		if (u->before != ch->prev_after || (to_id != NULL && u->after != to))
			continue;
		undated_finding(ch, u, 1, to_id);
		ch->prev_after = u->after;
		ch->undated[i] = ch->undated[--ch->n_undated];
		return 1;
	}
	return 0;
}

static int
duplicate_of(const tx *a, const tx *b)
{
	return a->amount == b->amount && a->before == b->before && a->after == b->after &&
	       strcmp(a->type, b->type) == 0 && strcmp(a->refs, b->refs) == 0;
}

/*
 * Judge the pending row, knowing the next one (NULL at the user's end).
 * Returns 1 when the next row was consumed as part of the diagnosis.
 */
static int
judge(struct chain *ch, const tx *next, const tx *last)
{
	tx *cur = &ch->pending;
	char detail[400];

	if (cur->before != ch->prev_after)
		(void)place_undated(ch, cur->before, cur->id);
	if (cur->before == ch->prev_after) {
		ch->prev_after = cur->after;
		return 0;
	}
	if (last != NULL && duplicate_of(last, cur)) {
		snprintf(detail, sizeof(detail), "the row repeats transaction %s", last->id);
		chain_finding(ch, cur, "duplicate", detail);
		return 0; /* the chain stands where it was */
	}
	if (next != NULL && next->before == ch->prev_after && cur->before == next->after) {
		snprintf(detail, sizeof(detail), "the row follows transaction %s but is dated before it", next->id);
		chain_finding(ch, cur, "back-dated row", detail);
		ch->prev_after = cur->after;
		return 1;
	}
	if (next != NULL && next->before == ch->prev_after + cur->amount) {
		snprintf(detail, sizeof(detail), "balance_before %lld should be %lld; the next row goes on from %lld",
		         cur->before, ch->prev_after, ch->prev_after + cur->amount);
		chain_finding(ch, cur, "one bad row", detail);
		ch->prev_after += cur->amount;
		return 0;
	}
	/* The row is named with its own amount: written from a stale balance, it is the event. */
	snprintf(detail, sizeof(detail),
	         "%s %lld, the chain stood at %lld (%+lld credits) and goes on from there:"
	         " a missing row, or this row (%s, %+lld credits) written from a stale balance",
	         ch->first ? "the first balance_before is" : "balance_before jumps to",
	         cur->before, ch->prev_after, cur->before - ch->prev_after, cur->type, cur->amount);
	chain_finding(ch, cur, "drift", detail);
	ch->prev_after = cur->after;
	return 0;
}

static void
parse_row(PGresult *res, tx *t)
{
	snprintf(t->user, sizeof(t->user), "%s", PQgetvalue(res, 0, 0));
	snprintf(t->id, sizeof(t->id), "%s", PQgetvalue(res, 0, 1));
	t->amount = atoll(PQgetvalue(res, 0, 2));
	t->before = atoll(PQgetvalue(res, 0, 3));
	t->after = atoll(PQgetvalue(res, 0, 4));
	snprintf(t->type, sizeof(t->type), "%s", PQgetvalue(res, 0, 5));
	snprintf(t->refs, sizeof(t->refs), "%s", PQgetvalue(res, 0, 6));
	t->undated = PQgetvalue(res, 0, 7)[0] == 't';
}

/* The user's rows are over: judge the pending one without lookahead. */
static void
finish_user(struct chain *ch)
{
	int i;

	if (ch->has_pending)
		judge(ch, NULL, ch->has_last ? &ch->last : NULL);
	else if (!ch->has_last)
		ch->prev_after = 0;  /* only undated rows: the chain stands at 0 */
	/* What is left: one may end the chain; the others fit nowhere. */
	(void)place_undated(ch, 0, NULL);
	for (i = 0; i < ch->n_undated; i++)
		undated_finding(ch, &ch->undated[i], 0, NULL);
	ch->n_undated = 0;
	ch->has_pending = 0;
	ch->has_last = 0;
}

static alot_code
chain_row(PGresult *res, void *arg, alot_error *err)
{
	struct chain *ch = arg;
	tx row;
	int consumed;

	(void)err;
	parse_row(res, &row);
	/* A new user: after a back-dated row the lookahead was consumed and only "last" is left. */
	if (ch->user[0] != '\0' && strcmp(row.user, ch->user) != 0)
		finish_user(ch);
	snprintf(ch->user, sizeof(ch->user), "%s", row.user);
	if (row.undated) {  /* they come first: set aside, to be placed where the chain breaks */
		if (ch->n_undated < MAX_UNDATED)
			ch->undated[ch->n_undated++] = row;
		else
			undated_finding(ch, &row, 0, NULL);
		return ALOT_OK;
	}
	if (!ch->has_pending) {
		if (!ch->has_last) {
			ch->prev_after = 0; /* a user's chain starts at 0 */
			ch->first = 1;
		}
		ch->pending = row;
		ch->has_pending = 1;
		return ALOT_OK;
	}
	consumed = judge(ch, &row, ch->has_last ? &ch->last : NULL);
	ch->first = 0;
	ch->has_last = 1;
	if (consumed) {
		ch->last = row;       /* judged along with the pending row */
		ch->has_pending = 0;
	} else {
		ch->last = ch->pending;
		ch->pending = row;
	}
	return ALOT_OK;
}

alot_code
check_credit_chain(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err)
{
	struct chain ch;
	alot_code rc;

	memset(&ch, 0, sizeof(ch));
	ch.c = c;
	ch.a = a;
	rc = stream_query(conn, chain_sql, s, chain_row, &ch, err);
	if (rc == ALOT_OK && ch.user[0] != '\0')
		finish_user(&ch);
	return rc;
}
