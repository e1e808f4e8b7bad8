/*
 * status.c - "alot-draw status": every room, in one group by where it
 * stands: waiting for a commitment, committed but not open, open, ready to
 * draw (and whether each is frozen), drawn, ended without a draw, or other.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/db.h"
#include "alot/text.h"
#include "draw.h"

static const char usage[] =
	"alot-draw status lists the rooms by where they stand in the draw protocol.\n"
	"\n"
	"Usage:\n"
	"  alot-draw status [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -d, --dbname=CONNSTR    database connection string (default: the PG* variables)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n";

/*
 * Every room falls in exactly one group: the query gives each room its
 * group's number, the first that matches in this order, so a room in a
 * status no group names still shows (under "Other").
 */
static const char *const groups[] = {
	"Waiting for a commitment",
	"Committed, not open yet",
	"Open, selling tickets",
	"Ready to draw",
	"Drawn",
	"Ended without a draw",
	"Other (no group above: check these rooms)",
};

/* One room's line; database text (status, product name) is escaped before the terminal sees it. */
static void
print_room(const PGresult *res, int row)
{
	char *status = alot_escaped(PQgetvalue(res, row, 2)), *name = alot_escaped(PQgetvalue(res, row, 3));

	printf("  %s  %-9s  %-32s  %s\n", PQgetvalue(res, row, 1), status ? status : "?", name ? name : "?",
	       PQgetvalue(res, row, 4));
	free(status);
	free(name);
}

static const char status_sql[] =
	"SELECT g, id, status, name, detail FROM ("
	" SELECT CASE"
	"   WHEN d.room_id IS NOT NULL THEN 4"
	"   WHEN r.status IN ('expired', 'refunding', 'closed') THEN 5"
	"   WHEN c.room_id IS NULL AND r.status = 'created' THEN 0"
	"   WHEN c.room_id IS NULL THEN 6"
	"   WHEN r.status = 'created' THEN 1"
	"   WHEN r.status = 'open' THEN 2"
	"   WHEN r.status IN ('funded', 'drawing') THEN 3"
	"   ELSE 6 END AS g,"
	"  r.id, coalesce(r.status, '(none)') AS status, coalesce(p.name, '') AS name,"
	"  CASE"
	"   WHEN d.room_id IS NOT NULL THEN"
	"    'ticket ' || d.winning_ticket || ' of ' || d.total_tickets || ', winner ' || d.winner_user_id"
	"    || ', drawn at ' || to_char(d.drawn_at, 'YYYY-MM-DD HH24:MI')"
	"   WHEN c.room_id IS NULL THEN CASE WHEN r.status = 'created' THEN '' ELSE 'no commitment' END"
	"   WHEN r.status IN ('funded', 'drawing') THEN"
	"    r.total_tickets || ' tickets, funded at ' || coalesce(to_char(r.funded_at, 'YYYY-MM-DD HH24:MI'), '?')"
	"    || CASE WHEN c.protocol_version = 1 THEN ', protocol 1 (no freeze)'"
	"            WHEN f.room_id IS NULL THEN ', not frozen yet'"
	"            ELSE ', frozen at ' || to_char(f.frozen_at, 'YYYY-MM-DD HH24:MI') END"
	"    || CASE WHEN s.room_id IS NOT NULL THEN ', draw started, not finished' ELSE '' END"
	"   WHEN r.status = 'open' THEN r.total_tickets || ' tickets sold'"
	"   ELSE 'committed, protocol ' || c.protocol_version END AS detail,"
	"  CASE WHEN d.room_id IS NOT NULL THEN d.drawn_at"
	"       WHEN r.status IN ('funded', 'drawing') THEN r.funded_at"
	"       ELSE r.created_at END AS at"
	" FROM ONLY rooms r LEFT JOIN product_classes p ON p.id = r.product_class_id"
	" LEFT JOIN ONLY room_commitments c ON c.room_id = r.id"
	" LEFT JOIN ONLY room_freezes f ON f.room_id = r.id"
	" LEFT JOIN ONLY lottery_draws d ON d.room_id = r.id"
	" LEFT JOIN ONLY room_draw_starts s ON s.room_id = r.id"
	") t ORDER BY g, at, id";

int
cmd_status(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	draw_options opts;
	PGconn *conn;
	alot_error err;
	PGresult *res;
	size_t g;
	int c, rc = ALOT_EXIT_OK;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	draw_options_defaults(&opts);
	while ((c = getopt_long(argc, argv, "d:", long_options, NULL)) != -1) {
		if (c != 'd')
			return usage_error();
		opts.conninfo = optarg;
	}
	if (optind < argc) {
		cli_error("too many arguments");
		return usage_error();
	}
	if ((conn = draw_connect(&opts)) == NULL)
		return ALOT_EXIT_ERROR;
	if (alot_db_exec(conn, status_sql, 0, NULL, &res, &err) != ALOT_OK) {
		rc = db_failure("could not list the rooms", &err);
	} else {
		int i = 0, n = PQntuples(res);

		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
			int first = i, count;

			while (i < n && atoi(PQgetvalue(res, i, 0)) == (int)g)
				i++;
			count = i - first;
			/* The last group is shown only when a room falls in it. */
			if (count == 0 && g + 1 == sizeof(groups) / sizeof(groups[0]))
				break;
			printf("%s (%d):\n", groups[g], count);
			for (; first < i; first++)
				print_room(res, first);
		}
		PQclear(res);
	}
	PQfinish(conn);
	return rc;
}
