/*
 * draws.c - the draw-protocol check: every draw re-verifies under the draw
 * protocol (docs/protocol.md) with the same code as alot-verify, against
 * the database: the stored record verifies (with --pubkey, its signature
 * too), it agrees with its lottery_draws row, and the room's entries, read
 * now, still hash to its ledger root.  A database without the protocol's
 * columns (built from the design document) has draws that cannot be
 * re-verified: each is a finding.  Draws are read a page at a time and
 * each room's entries streamed, so memory stays bounded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/record.h"
#include "ledger.h"

#define PAGE "200"

static const char unverifiable_sql[] =
	"SELECT 'lottery_draws', d.id::text, 'a signed draw record of protocol v1', 'none',"
	"       format('room %s: the draw has no protocol record and cannot be re-verified', d.room_id),"
	"       0::float8, NULL, 'error'"
	"  FROM lottery_draws d"
	" WHERE ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[]))"
	"   AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))";

static const char page_sql[] =
	"SELECT d.id, d.room_id, d.record, d.winning_ticket, d.winner_entry_id, d.winner_user_id,"
	"       d.server_seed, d.client_seed, d.nonce, d.combined_seed, d.total_tickets"
	"  FROM lottery_draws d"
	" WHERE d.room_id > $3::uuid AND ($2::uuid[] IS NULL OR d.room_id = ANY($2::uuid[]))"
	"   AND ($1::uuid[] IS NULL OR d.winner_user_id = ANY($1::uuid[]))"
	" ORDER BY d.room_id LIMIT " PAGE;

static const char entries_sql[] =
	"SELECT id, user_id, tickets_start, tickets_end FROM room_entries"
	" WHERE room_id = $1 ORDER BY tickets_start, id";

struct draw_ctx {
	const check *c;
	audit *a;
};

static void
draw_finding(struct draw_ctx *ctx, const char *id, const char *expected, const char *actual,
             const char *fmt, ...) ALOT_PRINTF(5, 6);

static void
draw_finding(struct draw_ctx *ctx, const char *id, const char *expected, const char *actual,
             const char *fmt, ...)
{
	char message[512];
	finding f;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	f.check = ctx->c->name;
	f.severity = "error";
	f.table = "lottery_draws";
	f.id = id;
	f.expected = expected;
	f.actual = actual;
	f.message = message;
	f.amount = 0;
	f.unit = NULL;
	report_finding(ctx->a, ctx->c, &f);
}

/* The room's ledger, now: coverage, root and count, streamed. */
struct ledger_state {
	alot_coverage cov;
	alot_merkle_builder merkle;
	int broken;
	char why[ALOT_ERROR_MESSAGE_MAX];
};

static alot_code
entry_row(PGresult *res, void *arg, alot_error *err)
{
	struct ledger_state *st = arg;
	alot_ticket_range r;
	alot_error inner;

	(void)err;
	if (st->broken)
		return ALOT_OK;
	if (alot_uuid_parse(PQgetvalue(res, 0, 0), &r.entry_id, NULL) != ALOT_OK ||
	    alot_uuid_parse(PQgetvalue(res, 0, 1), &r.user_id, NULL) != ALOT_OK ||
	    atoll(PQgetvalue(res, 0, 2)) < 1 || atoll(PQgetvalue(res, 0, 3)) < 1) {
		st->broken = 1;
		snprintf(st->why, sizeof(st->why), "entry %s has an invalid range", PQgetvalue(res, 0, 0));
		return ALOT_OK;
	}
	r.tickets_start = (uint32_t)atoll(PQgetvalue(res, 0, 2));
	r.tickets_end = (uint32_t)atoll(PQgetvalue(res, 0, 3));
	if (alot_coverage_add(&st->cov, &r, &inner) != ALOT_OK) {
		st->broken = 1;
		snprintf(st->why, sizeof(st->why), "%s", inner.message);
		return ALOT_OK;
	}
	alot_merkle_add(&st->merkle, &r);
	return ALOT_OK;
}

static alot_code
check_ledger_now(struct draw_ctx *ctx, PGconn *conn, const char *id, const char *room,
                 const alot_draw_record *rec, alot_error *err)
{
	struct ledger_state *st = calloc(1, sizeof(*st));
	const char *params[] = { room };
	unsigned char root[ALOT_HASH_LEN];
	char want[65], got[65];
	uint32_t n = 0;
	alot_code rc;

	if (st == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	st->cov = (alot_coverage)ALOT_COVERAGE_INIT;
	alot_merkle_init(&st->merkle);
	rc = stream_params(conn, entries_sql, 1, params, entry_row, st, err);
	if (rc == ALOT_OK) {
		if (st->broken || alot_coverage_finish(&st->cov, &n, NULL) != ALOT_OK ||
		    alot_merkle_finish(&st->merkle, root, NULL) != ALOT_OK) {
			draw_finding(ctx, id, "the entries the draw covered", st->broken ? st->why : "no entries",
			             "room %s: the entries no longer form the ticket ledger of the draw: %s",
			             room, st->broken ? st->why : "there are none");
		} else if (!alot_ct_equal(root, rec->lot.ledger_root, ALOT_HASH_LEN) ||
		           st->cov.entry_count != rec->lot.entry_count || n != rec->lot.total_tickets) {
			alot_hex_encode(rec->lot.ledger_root, ALOT_HASH_LEN, want);
			alot_hex_encode(root, ALOT_HASH_LEN, got);
			draw_finding(ctx, id, want, got,
			             "room %s: the entries (%llu, tickets 1-%u) no longer hash to the drawn ledger root"
			             " (%u entries, tickets 1-%u)", room, (unsigned long long)st->cov.entry_count, n,
			             rec->lot.entry_count, rec->lot.total_tickets);
		}
	}
	free(st);
	return rc;
}

/* The record's values and the row's columns must be the same. */
static void
compare_row(struct draw_ctx *ctx, PGresult *res, int i, const alot_draw_record *rec)
{
	char buf[5][80], entry[ALOT_UUID_STRLEN], user[ALOT_UUID_STRLEN];
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);

	snprintf(buf[0], sizeof(buf[0]), "%u", rec->draw.winning_ticket);
	snprintf(buf[1], sizeof(buf[1]), "%u", rec->draw.nonce);
	snprintf(buf[2], sizeof(buf[2]), "%u", rec->lot.total_tickets);
	alot_uuid_format(&rec->winner.entry_id, entry);
	alot_uuid_format(&rec->winner.user_id, user);
	alot_hex_encode(rec->server_seed, ALOT_SEED_LEN, buf[3]);
	alot_hex_encode(rec->combined_seed, ALOT_HASH_LEN, buf[4]);
	if (strcmp(PQgetvalue(res, i, 3), buf[0]) != 0 || strcmp(PQgetvalue(res, i, 4), entry) != 0 ||
	    strcmp(PQgetvalue(res, i, 5), user) != 0 || strcmp(PQgetvalue(res, i, 6), buf[3]) != 0 ||
	    strcmp(PQgetvalue(res, i, 8), buf[1]) != 0 || strcmp(PQgetvalue(res, i, 9), buf[4]) != 0 ||
	    strcmp(PQgetvalue(res, i, 10), buf[2]) != 0)
		draw_finding(ctx, id, "the values of the signed record", "other values in lottery_draws",
		             "room %s: the draw row (ticket %s, entry %s) disagrees with its signed record (ticket %s, entry %s)",
		             room, PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), buf[0], entry);
}

static alot_code
verify_one(struct draw_ctx *ctx, PGconn *conn, PGresult *res, int i, alot_record *rec, alot_error *err)
{
	const char *id = PQgetvalue(res, i, 0), *room = PQgetvalue(res, i, 1);
	alot_report report;
	alot_error perr;
	size_t k;

	if (PQgetisnull(res, i, 2)) {
		draw_finding(ctx, id, "a signed draw record of protocol v1", "none",
		             "room %s: the draw has no protocol record and cannot be re-verified", room);
		return ALOT_OK;
	}
	if (alot_record_parse(PQgetvalue(res, i, 2), (size_t)PQgetlength(res, i, 2), rec, &perr) != ALOT_OK ||
	    rec->type != ALOT_RECORD_DRAW) {
		draw_finding(ctx, id, "a well-formed draw record", "malformed",
		             "room %s: the stored draw record is malformed: %s", room, perr.message);
		return ALOT_OK;
	}
	alot_report_init(&report);
	(void)!alot_draw_record_verify(&rec->u.draw, ctx->a->pubkey, &report);
	for (k = 0; k < report.count; k++)
		if (report.checks[k].status == ALOT_CHECK_FAIL)
			draw_finding(ctx, id, "PASS", "FAIL", "room %s: the draw record fails %s: %s", room,
			             report.checks[k].name, report.checks[k].message);
	compare_row(ctx, res, i, &rec->u.draw);
	return check_ledger_now(ctx, conn, id, room, &rec->u.draw, err);
}

alot_code
check_draw_protocol(const check *c, audit *a, PGconn *conn, const scope *s, alot_error *err)
{
	struct draw_ctx ctx = { c, a };
	char after[ALOT_UUID_STRLEN] = "00000000-0000-0000-0000-000000000000";
	alot_record *rec;
	alot_code rc = ALOT_OK;
	int i, n;

	if (!a->has_protocol)
		return run_sql_check(&(check){ c->name, c->group, c->title, c->key, unverifiable_sql, run_sql_check,
		                               c->index }, a, conn, s, err);
	if ((rec = malloc(sizeof(*rec))) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	do {
		const char *params[] = { s->users, s->rooms, after };
		PGresult *res;

		if ((rc = alot_db_exec(conn, page_sql, 3, params, &res, err)) != ALOT_OK)
			break;
		n = PQntuples(res);
		for (i = 0; i < n && rc == ALOT_OK; i++)
			rc = verify_one(&ctx, conn, res, i, rec, err);
		if (n > 0)
			snprintf(after, sizeof(after), "%s", PQgetvalue(res, n - 1, 1));
		PQclear(res);
	} while (rc == ALOT_OK && n == atoi(PAGE));
	free(rec);
	return rc;
}
