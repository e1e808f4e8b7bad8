/*
 * status.c - "alot-draw status": the rooms waiting for a commitment, the
 * rooms ready to draw (and whether each is frozen), and the rooms drawn.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "alot/db.h"
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

struct section {
	const char *title;
	const char *sql;
};

static const struct section sections[] = {
	{ "Waiting for a commitment",
	  "SELECT r.id, r.status, p.name, '' FROM ONLY rooms r JOIN product_classes p ON p.id = r.product_class_id"
	  " WHERE r.status = 'created'"
	  "   AND NOT EXISTS (SELECT 1 FROM ONLY room_commitments c WHERE c.room_id = r.id)"
	  " ORDER BY r.created_at, r.id" },
	{ "Ready to draw",
	  "SELECT r.id, r.status, p.name, r.total_tickets || ' tickets, funded at ' || to_char(r.funded_at, 'YYYY-MM-DD HH24:MI')"
	  "       || CASE WHEN c.protocol_version = 1 THEN ', protocol 1 (no freeze)'"
	  "               WHEN f.room_id IS NULL THEN ', not frozen yet'"
	  "               ELSE ', frozen at ' || to_char(f.frozen_at, 'YYYY-MM-DD HH24:MI') END"
	  "  FROM ONLY rooms r JOIN product_classes p ON p.id = r.product_class_id"
	  "  JOIN ONLY room_commitments c ON c.room_id = r.id"
	  "  LEFT JOIN ONLY room_freezes f ON f.room_id = r.id"
	  " WHERE r.status = 'funded'"
	  "   AND NOT EXISTS (SELECT 1 FROM ONLY lottery_draws d WHERE d.room_id = r.id)"
	  " ORDER BY r.funded_at, r.id" },
	{ "Drawn",
	  "SELECT r.id, r.status, p.name, 'ticket ' || d.winning_ticket || ' of ' || d.total_tickets"
	  "       || ', winner ' || d.winner_user_id || ', drawn at ' || to_char(d.drawn_at, 'YYYY-MM-DD HH24:MI')"
	  "  FROM ONLY lottery_draws d JOIN ONLY rooms r ON r.id = d.room_id"
	  "  JOIN product_classes p ON p.id = r.product_class_id"
	  " ORDER BY d.drawn_at, r.id" },
};

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
	size_t s;
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
	for (s = 0; s < sizeof(sections) / sizeof(sections[0]) && rc == ALOT_EXIT_OK; s++) {
		PGresult *res;
		int i;

		if (alot_db_exec(conn, sections[s].sql, 0, NULL, &res, &err) != ALOT_OK) {
			rc = db_failure("could not list the rooms", &err);
			break;
		}
		printf("%s (%d):\n", sections[s].title, PQntuples(res));
		for (i = 0; i < PQntuples(res); i++)
			printf("  %s  %-8s  %-32s  %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			       PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
		PQclear(res);
	}
	PQfinish(conn);
	return rc;
}
