/*
 * draws.c - the draw-protocol check: every draw re-verifies under the draw
 * protocol (docs/protocol.md) with the same code as alot-verify, against
 * the database: the stored record verifies (with --pubkey, its signature
 * too), it agrees with its lottery_draws row, and the room's entries, read
 * now, still hash to its ledger root; and the rest of the draw's evidence
 * holds (rule E2): its room's commitment row and signed record, and under
 * protocol 2 its freeze row and record, agree with each other and are the
 * ones the draw record follows.  A database without the protocol's
 * columns (built from the design document) has draws that cannot be
 * re-verified: each is a finding.  Draws are read a page of 200 at a
 * time, and the entries of the page's rooms streamed in one query, merged
 * with the page by room, so memory stays bounded and the queries few.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/record.h"
#include "ledger.h"

#define PAGE_SIZE 200  /* draws a page */
#define STR(x) XSTR(x)
#define XSTR(x) #x
/* A timestamp as the records write it. */
#define TS_FORMAT "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"

static const char unverifiable_sql[] =
	"SELECT 'lottery_draws', d.id::text, 'a signed draw record', 'none',"
	"       format('room %s: the draw has no protocol record and cannot be re-verified', d.room_id),"
	"       0::float8, NULL, 'error'"
	"  FROM lottery_draws d"
	" WHERE ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[]))"
	"   AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))";

static const char page_sql[] =
	"SELECT d.id, d.room_id, d.record, d.winning_ticket, d.winner_entry_id, d.winner_user_id,"
	"       d.server_seed, d.client_seed, d.nonce, d.combined_seed, d.total_tickets,"
	"       (SELECT to_char(r.drawn_at, " TS_FORMAT ") FROM rooms r WHERE r.id = d.room_id),"
	"       c.room_id IS NOT NULL, c.record, c.protocol_version, c.commitment, c.key_id,"
	"       to_char(c.committed_at, " TS_FORMAT "), c.beacon_rule,"
	"       f.room_id IS NOT NULL, f.record, f.protocol_version, f.ledger_root, f.total_tickets,"
	"       f.entry_count, f.key_id, to_char(f.frozen_at, " TS_FORMAT ")"
	"  FROM lottery_draws d"
	"  LEFT JOIN room_commitments c ON c.room_id = d.room_id"
	"  LEFT JOIN room_freezes f ON f.room_id = d.room_id"
	" WHERE d.room_id > $3::uuid AND ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[]))"
	"   AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))"
	" ORDER BY d.room_id LIMIT " STR(PAGE_SIZE);

/* The entries of a page's rooms, in the page's room order: one query a page. */
static const char entries_sql[] =
	"SELECT id, user_id, tickets_start, tickets_end, room_id FROM room_entries"
	" WHERE room_id = ANY($1::uuid[]) ORDER BY room_id, tickets_start, id";

struct draw_ctx {
	const check *c;
	audit *a;
};

/* The records of one draw's evidence: the draw's, its room's commitment and freeze. */
struct records {
	alot_record draw, commitment, freeze;
};

static void
vfinding(struct draw_ctx *ctx, const char *tbl, const char *id, const char *expected, const char *actual,
         const char *fmt, va_list ap)
{
	char message[512];
	finding f;

	vsnprintf(message, sizeof(message), fmt, ap);
	f.check = ctx->c->name;
	f.severity = "error";
	f.table = tbl;
	f.id = id;
	f.expected = expected;
	f.actual = actual;
	f.message = message;
	f.amount = 0;
	f.unit = NULL;
	report_finding(ctx->a, ctx->c, &f);
}

/* A finding about the draw (table lottery_draws, its id). */
static void
draw_finding(struct draw_ctx *ctx, const char *id, const char *expected, const char *actual,
             const char *fmt, ...) ALOT_PRINTF(5, 6);

static void
draw_finding(struct draw_ctx *ctx, const char *id, const char *expected, const char *actual,
             const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(ctx, "lottery_draws", id, expected, actual, fmt, ap);
	va_end(ap);
}

/* A finding about a row of the room's evidence (room_commitments, room_freezes: the room's id). */
static void
row_finding(struct draw_ctx *ctx, const char *tbl, const char *room, const char *expected,
            const char *actual, const char *fmt, ...) ALOT_PRINTF(6, 7);

static void
row_finding(struct draw_ctx *ctx, const char *tbl, const char *room, const char *expected,
            const char *actual, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(ctx, tbl, room, expected, actual, fmt, ap);
	va_end(ap);
}

/* The room's ledger, now: coverage, root and count, streamed. */
struct ledger_state {
	alot_coverage cov;
	alot_merkle_builder merkle;
	int broken;
	char why[ALOT_ERROR_MESSAGE_MAX];
};

/* What a page's draw expects of its room's entries, from its verified record. */
struct page_draw {
	char id[ALOT_UUID_STRLEN], room[ALOT_UUID_STRLEN];
	int has_ledger;       /* the record parsed: its ledger is compared */
	unsigned char root[ALOT_HASH_LEN];
	uint32_t entry_count, total_tickets;
};

struct page {
	struct draw_ctx *ctx;
	struct page_draw draws[PAGE_SIZE];
	int n, cur;           /* the draws, and the one whose entries are streaming */
	int active;           /* st holds draws[cur]'s entries */
	struct ledger_state st;
};

static void
add_entry(struct ledger_state *st, PGresult *res)
{
	alot_ticket_range r;
	alot_error inner;

	if (st->broken)
		return;
	if (alot_uuid_parse(PQgetvalue(res, 0, 0), &r.entry_id, NULL) != ALOT_OK ||
	    alot_uuid_parse(PQgetvalue(res, 0, 1), &r.user_id, NULL) != ALOT_OK ||
	    atoll(PQgetvalue(res, 0, 2)) < 1 || atoll(PQgetvalue(res, 0, 3)) < 1) {
		st->broken = 1;
		snprintf(st->why, sizeof(st->why), "entry %s has an invalid range", PQgetvalue(res, 0, 0));
		return;
	}
	r.tickets_start = (uint32_t)atoll(PQgetvalue(res, 0, 2));
	r.tickets_end = (uint32_t)atoll(PQgetvalue(res, 0, 3));
	if (alot_coverage_add(&st->cov, &r, &inner) != ALOT_OK) {
		st->broken = 1;
		snprintf(st->why, sizeof(st->why), "%s", inner.message);
		return;
	}
	alot_merkle_add(&st->merkle, &r);
}

/* Compare the entries streamed for d (none when !active) with its record's ledger. */
static void
finish_draw(struct page *pg, const struct page_draw *d, int active)
{
	/* A copy: a second draw of the room (draw-winner's finding) is compared with the same entries. */
	struct ledger_state copy = pg->st, *st = &copy;
	unsigned char root[ALOT_HASH_LEN];
	char want[65], got[65];
	uint32_t n = 0;

	if (!d->has_ledger)
		return;
	if (!active || st->broken || alot_coverage_finish(&st->cov, &n, NULL) != ALOT_OK ||
	    alot_merkle_finish(&st->merkle, root, NULL) != ALOT_OK) {
		draw_finding(pg->ctx, d->id, "the entries the draw covered", active && st->broken ? st->why : "no entries",
		             "room %s: the entries no longer form the ticket ledger of the draw: %s",
		             d->room, active && st->broken ? st->why : "there are none");
	} else if (!alot_ct_equal(root, d->root, ALOT_HASH_LEN)) {
		alot_hex_encode(d->root, ALOT_HASH_LEN, want);
		alot_hex_encode(root, ALOT_HASH_LEN, got);
		draw_finding(pg->ctx, d->id, want, got,
		             "room %s: the entries (%llu, tickets 1-%u) no longer hash to the drawn ledger root"
		             " (%u entries, tickets 1-%u)", d->room, (unsigned long long)st->cov.entry_count, n,
		             d->entry_count, d->total_tickets);
	} else if (st->cov.entry_count != d->entry_count || n != d->total_tickets) {
		/* The same root: the record's counts are what differ; name the one, with both values. */
		int entries = st->cov.entry_count != d->entry_count;

		snprintf(want, sizeof(want), "%u", entries ? d->entry_count : d->total_tickets);
		snprintf(got, sizeof(got), "%llu", entries ? (unsigned long long)st->cov.entry_count : (unsigned long long)n);
		draw_finding(pg->ctx, d->id, want, got,
		             "room %s: the entries hash to the drawn ledger root, but their %s is %s, the record's %s",
		             d->room, entries ? "entry count" : "ticket count", got, want);
	}
}

/* The current draw has all its entries: finish it; the next draw of the same room shares them. */
static void
next_draw(struct page *pg)
{
	finish_draw(pg, &pg->draws[pg->cur], pg->active);
	pg->cur++;
	if (pg->cur < pg->n && strcmp(pg->draws[pg->cur].room, pg->draws[pg->cur - 1].room) != 0)
		pg->active = 0;
}

/* Draws before the room of this row have all their entries: finish them. */
static alot_code
page_entry(PGresult *res, void *arg, alot_error *err)
{
	struct page *pg = arg;
	const char *room = PQgetvalue(res, 0, 4);

	(void)err;
	while (pg->cur < pg->n && strcmp(pg->draws[pg->cur].room, room) < 0)
		next_draw(pg);
	if (pg->cur >= pg->n || strcmp(pg->draws[pg->cur].room, room) != 0)
		return ALOT_OK;  /* not a room of this page (cannot happen: the query asks for them) */
	if (!pg->active) {
		memset(&pg->st, 0, sizeof(pg->st));
		pg->st.cov = (alot_coverage)ALOT_COVERAGE_INIT;
		alot_merkle_init(&pg->st.merkle);
		pg->active = 1;
	}
	add_entry(&pg->st, res);
	return ALOT_OK;
}

/* Stream the entries of the page's rooms, and compare each room's with its draw. */
static alot_code
check_page_ledgers(struct page *pg, PGconn *conn, alot_error *err)
{
	char *rooms = malloc((size_t)pg->n * ALOT_UUID_STRLEN + 3), *p = rooms;
	const char *params[1];
	alot_code rc;
	int i;

	if (rooms == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	*p++ = '{';
	for (i = 0; i < pg->n; i++)
		p += sprintf(p, "%s%s", i > 0 ? "," : "", pg->draws[i].room);
	strcpy(p, "}");
	params[0] = rooms;
	pg->cur = 0;
	pg->active = 0;
	rc = stream_params(conn, entries_sql, 1, params, page_entry, pg, err);
	while (rc == ALOT_OK && pg->cur < pg->n)
		next_draw(pg);
	free(rooms);
	return rc;
}

/* Rule E3: the room's drawn_at is the signed record's (column 11, as the record writes it). */
static void
compare_drawn_at(struct draw_ctx *ctx, PGresult *res, int i, const alot_draw_record *rec)
{
	const char *got = PQgetisnull(res, i, 11) ? NULL : PQgetvalue(res, i, 11);

	if (got != NULL && strcmp(got, rec->drawn_at) == 0)
		return;
	draw_finding(ctx, PQgetvalue(res, i, 0), rec->drawn_at, got,
	             "room %s: the room's drawn_at is %s, its signed draw record's is %s", PQgetvalue(res, i, 1),
	             got != NULL ? got : "NULL", rec->drawn_at);
}

/* A column of a page row, and the value its signed record gives it. */
struct column {
	const char *name;
	int col;
	char want[ALOT_BEACON_RULE_MAX + 1];
};

/*
 * A row's columns and its signed record's values must be the same: a
 * finding for each column that differs, naming it, with the record's
 * value as expected and the column's (NULL when it is) as actual.  The
 * finding is the draw's for the draw row, else the room's row of table.
 */
static void
compare_columns(struct draw_ctx *ctx, PGresult *res, int i, const char *tbl, const char *what,
                const struct column *cols, size_t n)
{
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);
	size_t k;

	for (k = 0; k < n; k++) {
		const char *got = PQgetisnull(res, i, cols[k].col) ? NULL : PQgetvalue(res, i, cols[k].col);

		if (got != NULL && strcmp(got, cols[k].want) == 0)
			continue;
		if (strcmp(tbl, "lottery_draws") == 0)
			draw_finding(ctx, id, cols[k].want, got, "room %s: the %s row's %s is %s, its signed record's is %s",
			             room, what, cols[k].name, got != NULL ? got : "NULL", cols[k].want);
		else
			row_finding(ctx, tbl, room, cols[k].want, got,
			            "room %s: the %s row's %s is %s, its signed record's is %s (draw %s)", room, what,
			            cols[k].name, got != NULL ? got : "NULL", cols[k].want, id);
	}
}

static void
compare_row(struct draw_ctx *ctx, PGresult *res, int i, const alot_draw_record *rec)
{
	struct column cols[] = {
		{ "winning_ticket", 3, "" }, { "winner_entry_id", 4, "" }, { "winner_user_id", 5, "" },
		{ "server_seed", 6, "" }, { "nonce", 8, "" }, { "combined_seed", 9, "" }, { "total_tickets", 10, "" },
	};

	snprintf(cols[0].want, sizeof(cols[0].want), "%u", rec->draw.winning_ticket);
	alot_uuid_format(&rec->winner.entry_id, cols[1].want);
	alot_uuid_format(&rec->winner.user_id, cols[2].want);
	alot_hex_encode(rec->server_seed, ALOT_SEED_LEN, cols[3].want);
	snprintf(cols[4].want, sizeof(cols[4].want), "%u", rec->draw.nonce);
	alot_hex_encode(rec->combined_seed, ALOT_HASH_LEN, cols[5].want);
	snprintf(cols[6].want, sizeof(cols[6].want), "%u", rec->lot.total_tickets);
	compare_columns(ctx, res, i, "lottery_draws", "draw", cols, sizeof(cols) / sizeof(cols[0]));
	compare_drawn_at(ctx, res, i, rec);
}

/*
 * Parse the record in column col as a record of kind type, into rec.
 * 0, with a finding on the room's row of table, when it is not one.
 */
static int
parse_evidence(struct draw_ctx *ctx, PGresult *res, int i, int col, alot_record_type type,
               const char *tbl, alot_record *rec)
{
	const char *room = PQgetvalue(res, i, 1), *kind = alot_record_type_name(type);
	alot_error perr;

	alot_error_set(&perr, ALOT_ERR_INVALID, "it is not a %s record", kind);
	if (alot_record_parse(PQgetvalue(res, i, col), (size_t)PQgetlength(res, i, col), rec, &perr) == ALOT_OK &&
	    rec->type == type)
		return 1;
	row_finding(ctx, tbl, room, "a well-formed signed record", "malformed",
	            "room %s: the stored %s record is malformed: %s (draw %s)", room, kind, perr.message,
	            PQgetvalue(res, i, 0));
	return 0;
}

/* A finding on the room's row of table for each check of report that failed; 1 when none did. */
static int
report_failures(struct draw_ctx *ctx, PGresult *res, int i, const char *tbl, const char *kind,
                const alot_report *report)
{
	const char *room = PQgetvalue(res, i, 1);
	int clean = 1;
	size_t k;

	for (k = 0; k < report->count; k++)
		if (report->checks[k].status == ALOT_CHECK_FAIL) {
			row_finding(ctx, tbl, room, "PASS", "FAIL", "room %s: the %s record fails %s: %s (draw %s)",
			            room, kind, report->checks[k].name, report->checks[k].message, PQgetvalue(res, i, 0));
			clean = 0;
		}
	return clean;
}

/* The draw's finding for each way report says the draw does not follow its room's kind record. */
static void
report_mismatch(struct draw_ctx *ctx, PGresult *res, int i, const char *kind, const char *tbl,
                const alot_report *report)
{
	char expected[64];
	size_t k;

	snprintf(expected, sizeof(expected), "the room's signed %s", kind);
	for (k = 0; k < report->count; k++)
		if (report->checks[k].status == ALOT_CHECK_FAIL)
			draw_finding(ctx, PQgetvalue(res, i, 0), expected, "another",
			             "room %s: the draw record does not follow its room's signed %s record (%s): %s",
			             PQgetvalue(res, i, 1), kind, tbl, report->checks[k].message);
}

/*
 * Rule E2, the commitment: the drawn room has its commitment row, whose
 * signed record verifies, agrees with the row, and is the one the draw
 * record names (alot_commitment_matches_draw: room, lot, commitment,
 * time, key).
 */
static void
check_commitment(struct draw_ctx *ctx, PGresult *res, int i, const alot_draw_record *draw, alot_record *c)
{
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);
	struct column cols[] = {
		{ "protocol_version", 14, "" }, { "commitment", 15, "" }, { "key_id", 16, "" },
		{ "committed_at", 17, "" }, { "beacon_rule", 18, "" },
	};
	alot_report report;

	if (PQgetvalue(res, i, 12)[0] != 't') {
		draw_finding(ctx, id, "a commitment row", "none",
		             "room %s: the drawn room has no commitment row (room_commitments): its draw cannot be"
		             " shown to follow a seed committed before the sale", room);
		return;
	}
	if (!parse_evidence(ctx, res, i, 13, ALOT_RECORD_COMMITMENT, "room_commitments", c))
		return;
	alot_report_init(&report);
	(void)!alot_commitment_record_verify(&c->u.commitment, ctx->a->pubkey, &report);
	if (!report_failures(ctx, res, i, "room_commitments", "commitment", &report))
		return;
	snprintf(cols[0].want, sizeof(cols[0].want), "%u", c->u.commitment.lot.version);
	alot_hex_encode(c->u.commitment.commitment, ALOT_HASH_LEN, cols[1].want);
	alot_hex_encode(c->u.commitment.key_id, ALOT_KEY_ID_LEN, cols[2].want);
	snprintf(cols[3].want, sizeof(cols[3].want), "%s", c->u.commitment.committed_at);
	snprintf(cols[4].want, sizeof(cols[4].want), "%s", c->u.commitment.lot.beacon_rule);
	compare_columns(ctx, res, i, "room_commitments", "commitment", cols, sizeof(cols) / sizeof(cols[0]));
	alot_report_init(&report);
	(void)!alot_commitment_matches_draw(&c->u.commitment, draw, ctx->a->pubkey, &report);
	report_mismatch(ctx, res, i, "commitment", "room_commitments", &report);
}

/*
 * Rule E2, the freeze (protocol 2): the room has its freeze row, whose
 * signed record verifies, agrees with the row, and is the one the draw
 * names, over the same lot, commitment, ledger and times
 * (alot_freeze_matches_draw).
 */
static void
check_freeze(struct draw_ctx *ctx, PGresult *res, int i, const alot_draw_record *draw, alot_record *f)
{
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);
	struct column cols[] = {
		{ "protocol_version", 21, "" }, { "ledger_root", 22, "" }, { "total_tickets", 23, "" },
		{ "entry_count", 24, "" }, { "key_id", 25, "" }, { "frozen_at", 26, "" },
	};
	unsigned char hash[ALOT_HASH_LEN];
	alot_report report;

	if (!alot_lot_is_v2(&draw->lot))
		return;
	if (PQgetvalue(res, i, 19)[0] != 't') {
		draw_finding(ctx, id, "a freeze row", "none",
		             "room %s: the protocol 2 draw's room has no freeze row (room_freezes): its ledger cannot"
		             " be shown to have been frozen before the draw", room);
		return;
	}
	if (!parse_evidence(ctx, res, i, 20, ALOT_RECORD_FREEZE, "room_freezes", f))
		return;
	alot_report_init(&report);
	(void)!alot_freeze_record_verify(&f->u.freeze, ctx->a->pubkey, &report);
	if (!report_failures(ctx, res, i, "room_freezes", "freeze", &report))
		return;
	snprintf(cols[0].want, sizeof(cols[0].want), "%u", f->u.freeze.lot.version);
	alot_hex_encode(f->u.freeze.lot.ledger_root, ALOT_HASH_LEN, cols[1].want);
	snprintf(cols[2].want, sizeof(cols[2].want), "%u", f->u.freeze.lot.total_tickets);
	snprintf(cols[3].want, sizeof(cols[3].want), "%u", f->u.freeze.lot.entry_count);
	alot_hex_encode(f->u.freeze.key_id, ALOT_KEY_ID_LEN, cols[4].want);
	snprintf(cols[5].want, sizeof(cols[5].want), "%s", f->u.freeze.frozen_at);
	compare_columns(ctx, res, i, "room_freezes", "freeze", cols, sizeof(cols) / sizeof(cols[0]));
	alot_record_hash(PQgetvalue(res, i, 20), (size_t)PQgetlength(res, i, 20), hash);
	alot_report_init(&report);
	(void)!alot_freeze_matches_draw(&f->u.freeze, hash, draw, ctx->a->pubkey, &report);
	report_mismatch(ctx, res, i, "freeze", "room_freezes", &report);
}

/* Verify the records of row i, and note what its room's entries must hash to. */
static void
verify_one(struct draw_ctx *ctx, PGresult *res, int i, struct records *recs, struct page_draw *d)
{
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);
	alot_record *rec = &recs->draw;
	alot_report report;
	alot_error perr;
	size_t k;

	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->room, sizeof(d->room), "%s", room);
	d->has_ledger = 0;
	if (PQgetisnull(res, i, 2)) {
		draw_finding(ctx, id, "a signed draw record", "none",
		             "room %s: the draw has no protocol record and cannot be re-verified", room);
		return;
	}
	alot_error_set(&perr, ALOT_ERR_INVALID, "it is not a draw record");
	if (alot_record_parse(PQgetvalue(res, i, 2), (size_t)PQgetlength(res, i, 2), rec, &perr) != ALOT_OK ||
	    rec->type != ALOT_RECORD_DRAW) {
		draw_finding(ctx, id, "a well-formed draw record", "malformed",
		             "room %s: the stored draw record is malformed: %s", room, perr.message);
		return;
	}
	alot_report_init(&report);
	(void)!alot_draw_record_verify(&rec->u.draw, ctx->a->pubkey, &report);
	for (k = 0; k < report.count; k++)
		if (report.checks[k].status == ALOT_CHECK_FAIL)
			draw_finding(ctx, id, "PASS", "FAIL", "room %s: the draw record fails %s: %s", room,
			             report.checks[k].name, report.checks[k].message);
	compare_row(ctx, res, i, &rec->u.draw);
	check_commitment(ctx, res, i, &rec->u.draw, &recs->commitment);
	check_freeze(ctx, res, i, &rec->u.draw, &recs->freeze);
	d->has_ledger = 1;
	memcpy(d->root, rec->u.draw.lot.ledger_root, ALOT_HASH_LEN);
	d->entry_count = rec->u.draw.lot.entry_count;
	d->total_tickets = rec->u.draw.lot.total_tickets;
}

alot_code
check_draw_protocol(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err)
{
	struct draw_ctx ctx = { c, a };
	char after[ALOT_UUID_STRLEN] = "00000000-0000-0000-0000-000000000000";
	struct records *recs = NULL;
	struct page *pg = NULL;
	alot_code rc = ALOT_OK;
	int i, n;

	if (!a->has_protocol)
		return run_sql_check(&(check){ c->name, c->group, c->title, c->key, unverifiable_sql, run_sql_check,
		                               c->index, c->two_keyed }, a, conn, s, err);
	if ((recs = malloc(sizeof(*recs))) == NULL || (pg = calloc(1, sizeof(*pg))) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	pg->ctx = &ctx;
	do {
		const char *params[] = { s->users, s->rooms, after };
		PGresult *res;

		if ((rc = alot_db_exec(conn, page_sql, 3, params, &res, err)) != ALOT_OK)
			break;
		n = PQntuples(res);
		for (i = 0; i < n; i++)
			verify_one(&ctx, res, i, recs, &pg->draws[i]);
		pg->n = n;
		if (n > 0)
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, n - 1, 1));
		PQclear(res);
		if (n > 0)
			rc = check_page_ledgers(pg, conn, err);
	} while (rc == ALOT_OK && n == PAGE_SIZE);
out:
	free(pg);
	free(recs);
	return rc;
}
