/*
 * lot.c - a room's lot as the database holds it now: the terms protocol 2
 * binds at commitment (product class, funding target, deadline, lot type,
 * entry bundles), and which of them differs from a committed lot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/model.h"
#include "alot/record.h"
#include "draw.h"

static const char lot_sql[] =
	"SELECT r.product_class_id, r.funding_target,"
	"       to_char(r.deadline, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), r.lot_type,"
	"       jsonb_typeof(r.entry_bundles),"
	"       CASE WHEN jsonb_typeof(r.entry_bundles) = 'array' THEN jsonb_array_length(r.entry_bundles) END"
	"  FROM ONLY rooms r WHERE r.id = $1";

/*
 * Each bundle in order, its amount in cents and its tickets; both NULL
 * when the element is not an object with an "amount" of at most 2
 * decimals, of 0 to 2^53 - 1 cents (MAX_BUNDLE_CENTS), and an integer
 * "tickets" of 1 to 2^31 - 1 (an SQL INTEGER, as a room's tickets are).
 * Every cast is guarded by the CASE that proves it safe.
 */
static const char bundles_sql[] =
	"SELECT b.ord, left(b.elem::text, 80),"
	"       CASE WHEN b.ok THEN (b.amount * 100)::bigint END,"
	"       CASE WHEN b.ok THEN b.tickets::integer END"
	"  FROM (SELECT x.ord, x.elem, a.amount, a.tickets,"
	"               coalesce(jsonb_typeof(x.elem) = 'object'"
	"                        AND a.amount >= 0 AND a.amount * 100 <= 9007199254740991"
	"                        AND a.amount * 100 = trunc(a.amount * 100)"
	"                        AND a.tickets >= 1 AND a.tickets <= 2147483647 AND a.tickets = trunc(a.tickets),"
	"                        false) AS ok"
	"          FROM ONLY rooms r"
	"         CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r.entry_bundles) = 'array'"
	"                                                      THEN r.entry_bundles ELSE '[]'::jsonb END)"
	"               WITH ORDINALITY AS x(elem, ord)"
	"         CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(x.elem -> 'amount') = 'number'"
	"                                         THEN (x.elem ->> 'amount')::numeric END AS amount,"
	"                                    CASE WHEN jsonb_typeof(x.elem -> 'tickets') = 'number'"
	"                                         THEN (x.elem ->> 'tickets')::numeric END AS tickets) AS a"
	"         WHERE r.id = $1) AS b"
	" ORDER BY b.ord";

/* A decimal integer of the whole string, in [min, max]. */
static int
parse_count(const char *text, unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (text[0] < '0' || text[0] > '9')
		return 0;
	v = strtoull(text, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

static alot_code
read_bundles(PGconn *conn, const char *room, alot_entry_bundle *bundles, size_t *count,
             alot_error *err)
{
	const char *params[] = { room };
	PGresult *res;
	unsigned long long cents, tickets;
	alot_code rc;
	int i;

	if ((rc = alot_db_exec(conn, bundles_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if (PQntuples(res) > ALOT_MAX_BUNDLES) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s has %d entry bundles: at most %d can be committed",
		                    room, PQntuples(res), ALOT_MAX_BUNDLES);
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 2) || PQgetisnull(res, i, 3) ||
		    !parse_count(PQgetvalue(res, i, 2), 0, MAX_BUNDLE_CENTS, &cents) ||
		    !parse_count(PQgetvalue(res, i, 3), 1, ALOT_MAX_TICKETS, &tickets)) {
			rc = alot_error_set(err, ALOT_ERR_REFUSED,
			                    "room %s: entry bundle %s is not an object with a non-negative \"amount\""
			                    " of at most 2 decimals and a positive integer \"tickets\"",
			                    room, PQgetvalue(res, i, 0));
			alot_error_detail(err, "the bundle is %s (amounts go up to 90071992547409.91, tickets up to %u)",
			                  PQgetvalue(res, i, 1), ALOT_MAX_TICKETS);
			goto out;
		}
		bundles[i].amount_cents = cents;
		bundles[i].tickets = (uint32_t)tickets;
	}
	*count = (size_t)PQntuples(res);
out:
	PQclear(res);
	return rc;
}

alot_code
room_lot_read(PGconn *conn, const char *room, const alot_uuid *room_id, alot_lot *lot,
              alot_error *err)
{
	const char *params[] = { room };
	alot_entry_bundle bundles[ALOT_MAX_BUNDLES];
	size_t count = 0;
	PGresult *res;
	int64_t cents;
	alot_code rc;

	memset(lot, 0, sizeof(*lot));
	lot->version = ALOT_PROTOCOL_V2;
	lot->room_id = *room_id;
	if ((rc = alot_db_exec(conn, lot_sql, 1, params, &res, err)) != ALOT_OK)
		return rc;
	if (PQntuples(res) != 1) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s does not exist", room);
		goto out;
	}
	if (alot_uuid_parse(PQgetvalue(res, 0, 0), &lot->product_class_id, NULL) != ALOT_OK) {
		rc = alot_error_set(err, ALOT_ERR_DB, "room %s: unexpected product_class_id \"%.40s\"", room,
		                    PQgetvalue(res, 0, 0));
		goto out;
	}
	if (alot_money_parse(PQgetvalue(res, 0, 1), &cents, NULL) != ALOT_OK || cents < 0) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its funding target \"%.40s\" is not a non-negative amount",
		                    room, PQgetvalue(res, 0, 1));
		goto out;
	}
	lot->funding_target_cents = (uint64_t)cents;
	snprintf(lot->deadline, sizeof(lot->deadline), "%s", PQgetvalue(res, 0, 2));
	if (strlen(PQgetvalue(res, 0, 2)) != ALOT_TIMESTAMP_LEN || alot_timestamp_check(lot->deadline, NULL) != ALOT_OK) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its deadline \"%.40s\" is not a time protocol 2 can bind",
		                    room, PQgetvalue(res, 0, 2));
		goto out;
	}
	if (!alot_lot_type_known(PQgetvalue(res, 0, 3))) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its lot type \"%.20s\" is neither \"known\" nor \"mystery\"",
		                    room, PQgetvalue(res, 0, 3));
		goto out;
	}
	snprintf(lot->lot_type, sizeof(lot->lot_type), "%s", PQgetvalue(res, 0, 3));
	if (strcmp(PQgetvalue(res, 0, 4), "array") != 0) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s: its entry_bundles is a JSON %s, not an array of bundles",
		                    room, PQgetvalue(res, 0, 4));
		goto out;
	}
	if (atol(PQgetvalue(res, 0, 5)) > ALOT_MAX_BUNDLES) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s has %s entry bundles: at most %d can be committed",
		                    room, PQgetvalue(res, 0, 5), ALOT_MAX_BUNDLES);
		goto out;
	}
	if ((rc = read_bundles(conn, room, bundles, &count, err)) != ALOT_OK)
		goto out;
	alot_entry_bundles_hash(bundles, count, lot->entry_bundles_hash);
out:
	PQclear(res);
	return rc;
}

/* The value of one term of a lot (alot_lot_differs()'s names), as text. */
static void
term_text(const alot_lot *lot, const char *term, char *buf, size_t len)
{
	if (strcmp(term, "protocol version") == 0)
		snprintf(buf, len, "%u", lot->version);
	else if (strcmp(term, "room") == 0)
		alot_uuid_format(&lot->room_id, buf);
	else if (strcmp(term, "beacon rule") == 0)
		snprintf(buf, len, "\"%.40s\"", lot->beacon_rule);
	else if (strcmp(term, "product class") == 0)
		alot_uuid_format(&lot->product_class_id, buf);
	else if (strcmp(term, "funding target") == 0) {
		buf[0] = '$';
		alot_money_format((int64_t)lot->funding_target_cents, buf + 1, len - 1);
	}
	else if (strcmp(term, "deadline") == 0)
		snprintf(buf, len, "%s", lot->deadline);
	else if (strcmp(term, "lot type") == 0)
		snprintf(buf, len, "%s", lot->lot_type);
	else
		alot_hex_encode(lot->entry_bundles_hash, 8, buf); /* the hash's first bytes */
}

const char *
lot_term_differs(const alot_lot *committed, const alot_lot *now, char *buf, size_t len)
{
	const char *term = alot_lot_differs(committed, now);
	char a[64], b[64];

	if (term == NULL)
		return NULL;
	term_text(committed, term, a, sizeof(a));
	term_text(now, term, b, sizeof(b));
	snprintf(buf, len, "the %s %s (committed %s, now %s)", term,
	         term[strlen(term) - 1] == 's' ? "differ" : "differs", a, b);
	return buf;
}
