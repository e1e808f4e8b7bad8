/*
 * main.c - alot-verify: checks published ALOT! draw records offline, with
 * nothing but the records and the operator's public key.  Every step of
 * docs/protocol.md is recomputed; see docs/verifier.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

static const char usage[] =
	"alot-verify checks published ALOT! draw records, offline.\n"
	"\n"
	"Usage:\n"
	"  alot-verify --pubkey KEY [OPTION]... RECORD...\n"
	"\n"
	"RECORD is a file holding one record, or many as JSON lines; \"-\" reads standard input.\n"
	"\n"
	"Options:\n"
	"  -k, --pubkey=FILE       the operator's Ed25519 public key (PEM); required\n"
	"  -c, --commitment=FILE   commitment records published at open (JSON lines): each\n"
	"                          draw must match the one for its room\n"
	"  -l, --ledger=FILE       the full ticket ledger of a draw's room\n"
	"  -p, --proof=FILE        an inclusion proof of one entry; with --entry\n"
	"  -e, --entry=ID          the entry (yours) the proof must show\n"
	"  -f, --format=FORMAT     output format: text (default) or json (one object per record)\n"
	"  -q, --quiet             print nothing; the exit status tells\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Exit status: 0 every record verified, 1 a record failed or is malformed,\n"
	"2 the tool could not run (usage, unreadable file).\n";

struct verify_options {
	alot_public_key pubkey;
	const char *commitments;
	const char *ledger;
	const char *proof;
	const char *entry;
	alot_uuid entry_id;
	output_format format;
};

/* The companions found for a draw, by room. */
struct companions {
	size_t count;
	alot_commitment_record *commitments;
	alot_uuid ledger_room;
	int ledger_used;
	alot_inclusion_proof *proof;
	int proof_used;
};

struct totals {
	unsigned long verified;
	unsigned long failed;
};

static int
read_small_file(const char *path, char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		return 0;
	}
	*len = fread(buf, 1, cap, f);
	fclose(f);
	return 1;
}

/* Commitment records, one per line; malformed ones are reported and make the run fail. */
static int
load_commitments(const char *path, struct companions *c, struct totals *t)
{
	line_reader r;
	const char *line;
	size_t len, cap = 0;
	alot_record *rec = malloc(sizeof(*rec));
	alot_error err;
	int got;

	if (rec == NULL || !line_reader_open(&r, path, ALOT_RECORD_MAX)) {
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		free(rec);
		return 0;
	}
	while ((got = line_reader_next(&r, &line, &len)) == 1) {
		if (len == 0)
			continue;
		if (len == (size_t)-1 || alot_record_parse(line, len, rec, &err) != ALOT_OK ||
		    rec->type != ALOT_RECORD_COMMITMENT) {
			cli_error("%s:%lu: not a commitment record%s%s", path, r.line_no,
			          len == (size_t)-1 ? "" : ": ", len == (size_t)-1 ? "" : err.message);
			t->failed++;
			continue;
		}
		if (c->count == cap) {
			alot_commitment_record *more = realloc(c->commitments, (cap ? 2 * cap : 16) * sizeof(*more));

			if (more == NULL)
				break;
			c->commitments = more;
			cap = cap ? 2 * cap : 16;
		}
		c->commitments[c->count++] = rec->u.commitment;
	}
	line_reader_close(&r);
	free(rec);
	return got == 0;
}

static const alot_commitment_record *
find_commitment(const struct companions *c, const alot_uuid *room)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (alot_uuid_equal(&c->commitments[i].room_id, room))
			return &c->commitments[i];
	return NULL;
}

/* The ledger's room, from its header, to know which draw it belongs to. */
static int
peek_ledger_room(const char *path, alot_uuid *room)
{
	line_reader r;
	const char *line;
	size_t len;
	alot_ledger_header h;

	if (!line_reader_open(&r, path, ALOT_LEDGER_LINE_MAX)) {
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		return 0;
	}
	memset(room, 0, sizeof(*room));
	if (line_reader_next(&r, &line, &len) == 1 && len != (size_t)-1 &&
	    alot_ledger_header_parse(line, len, &h, NULL) == ALOT_OK)
		*room = h.room_id;
	line_reader_close(&r);
	return 1;
}

static void
check_ledger(const char *path, const alot_draw_record *draw, alot_report *report)
{
	alot_ledger_verifier *v = malloc(sizeof(*v));
	line_reader r;
	const char *line;
	size_t len;

	if (v == NULL || !line_reader_open(&r, path, ALOT_LEDGER_LINE_MAX)) {
		alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "could not read \"%s\"", path);
		free(v);
		return;
	}
	alot_ledger_verifier_init(v, draw);
	while (line_reader_next(&r, &line, &len) == 1) {
		if (len == (size_t)-1) {
			alot_report_set(report, "ledger", ALOT_CHECK_FAIL, "line %lu is over the size limit", r.line_no);
			goto out;
		}
		alot_ledger_verifier_line(v, line, len);
	}
	(void)!alot_ledger_verifier_finish(v, report);
out:
	line_reader_close(&r);
	free(v);
}

/* Verify one parsed record with whatever companions belong to it. */
static void
verify_record(const struct verify_options *o, struct companions *c, const alot_record *rec,
              alot_report *report)
{
	const alot_commitment_record *commitment;

	if (rec->type == ALOT_RECORD_COMMITMENT) {
		(void)!alot_commitment_record_verify(&rec->u.commitment, &o->pubkey, report);
		return;
	}
	(void)!alot_draw_record_verify(&rec->u.draw, &o->pubkey, report);
	if (o->commitments != NULL) {
		commitment = find_commitment(c, &rec->u.draw.lot.room_id);
		if (commitment == NULL)
			alot_report_set(report, "commitment-record", ALOT_CHECK_FAIL,
			                "no commitment record for this room in \"%s\"", o->commitments);
		else
			(void)!alot_commitment_matches_draw(commitment, &rec->u.draw, &o->pubkey, report);
	}
	if (o->ledger != NULL && alot_uuid_equal(&c->ledger_room, &rec->u.draw.lot.room_id)) {
		c->ledger_used = 1;
		check_ledger(o->ledger, &rec->u.draw, report);
	}
	if (c->proof != NULL && alot_uuid_equal(&c->proof->room_id, &rec->u.draw.lot.room_id)) {
		c->proof_used = 1;
		(void)!alot_inclusion_proof_verify(c->proof, &rec->u.draw, &o->entry_id, report);
	}
}

static void
handle_line(const struct verify_options *o, struct companions *c, record_label *label,
            const char *line, size_t len, alot_record *rec, struct totals *t)
{
	alot_report report;
	alot_error err;
	const char *format_error = NULL;

	alot_report_init(&report);
	label->kind = NULL;
	if (len == (size_t)-1)
		format_error = "the record is over the size limit of 256 KiB";
	else if (alot_record_parse(line, len, rec, &err) != ALOT_OK)
		format_error = err.message;
	else {
		label->kind = rec->type == ALOT_RECORD_DRAW ? "draw" : "commitment";
		alot_uuid_format(rec->type == ALOT_RECORD_DRAW ? &rec->u.draw.lot.room_id
		                                               : &rec->u.commitment.room_id, label->room);
		verify_record(o, c, rec, &report);
	}
	print_record(o->format, label, &report, format_error);
	if (format_error == NULL && report.failures == 0)
		t->verified++;
	else
		t->failed++;
}

/* Every record of one input; 0 when the input could not be read. */
static int
verify_input(const struct verify_options *o, struct companions *c, const char *path,
             alot_record *rec, struct totals *t)
{
	line_reader r;
	record_label label;
	const char *line;
	size_t len;
	unsigned long before = t->verified + t->failed;
	int got;

	if (!line_reader_open(&r, path, ALOT_RECORD_MAX)) {
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		return 0;
	}
	memset(&label, 0, sizeof(label));
	label.source = path;
	while ((got = line_reader_next(&r, &line, &len)) == 1) {
		if (len == 0)
			continue;
		label.line_no = r.line_no;
		handle_line(o, c, &label, line, len, rec, t);
	}
	line_reader_close(&r);
	if (got < 0) {
		cli_error("could not read \"%s\": %s", path, strerror(errno));
		return 0;
	}
	if (t->verified + t->failed == before) {
		/* An empty input is a malformed record, not a clean run. */
		label.line_no = 1;
		handle_line(o, c, &label, "", 0, rec, t);
	}
	return 1;
}

static int
load_proof(const struct verify_options *o, struct companions *c)
{
	char *buf = malloc(ALOT_RECORD_MAX + 1);
	alot_error err;
	size_t len;
	int ok = 0;

	if (buf == NULL || (c->proof = malloc(sizeof(*c->proof))) == NULL ||
	    !read_small_file(o->proof, buf, ALOT_RECORD_MAX + 1, &len))
		goto out;
	if (alot_inclusion_proof_parse(buf, len, c->proof, &err) != ALOT_OK) {
		/* A malformed proof is content that failed, not a tool error. */
		if (o->format != OUTPUT_QUIET)
			printf("%s: FAIL  proof: %s\n", o->proof, err.message);
		free(c->proof);
		c->proof = NULL;
		ok = -1;
		goto out;
	}
	ok = 1;
out:
	free(buf);
	return ok;
}

static int
parse_args(int argc, char **argv, struct verify_options *o, const char **pubkey)
{
	static const struct option long_options[] = {
		{ "pubkey", required_argument, NULL, 'k' },
		{ "commitment", required_argument, NULL, 'c' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "proof", required_argument, NULL, 'p' },
		{ "entry", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "url", required_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, '?' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "k:c:l:p:e:f:qu:V?", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': *pubkey = optarg; break;
		case 'c': o->commitments = optarg; break;
		case 'l': o->ledger = optarg; break;
		case 'p': o->proof = optarg; break;
		case 'e': o->entry = optarg; break;
		case 'q': o->format = OUTPUT_QUIET; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o->format = OUTPUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = OUTPUT_JSON;
			else {
				cli_error("invalid value \"%s\" for option --format: use text or json", optarg);
				return 0;
			}
			break;
		case 'u':
			cli_error("this build of alot-verify works offline only: --url is not available");
			cli_hint("download the record and its ledger, then verify the files");
			return 0;
		default:
			return 0;
		}
	}
	if (*pubkey == NULL || optind == argc || (o->proof == NULL) != (o->entry == NULL)) {
		cli_error(*pubkey == NULL ? "--pubkey is required: records are checked against the operator's key"
		          : optind == argc ? "no record given"
		          : "--proof and --entry go together");
		return 0;
	}
	if (o->entry != NULL && alot_uuid_parse(o->entry, &o->entry_id, NULL) != ALOT_OK) {
		cli_error("invalid value \"%s\" for option --entry: not a lowercase UUID", o->entry);
		return 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	struct verify_options o;
	struct companions c;
	struct totals t = { 0, 0 };
	const char *pubkey = NULL;
	alot_record *rec = malloc(sizeof(*rec));
	alot_error err;
	int i, rc = ALOT_EXIT_ERROR, proof_state = 0;

	cli_set_progname(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-?") == 0) {
			fputs(usage, stdout);
			free(rec);
			return ALOT_EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			puts("alot-verify (ALOT!) " ALOT_VERSION " (protocol 1, offline)");
			free(rec);
			return ALOT_EXIT_OK;
		}
	}
	if (rec == NULL || !parse_args(argc, argv, &o, &pubkey)) {
		cli_try_help();
		goto out;
	}
	if (alot_public_key_load(pubkey, &o.pubkey, &err) != ALOT_OK) {
		cli_report(&err);
		goto out;
	}
	if ((o.commitments != NULL && !load_commitments(o.commitments, &c, &t)) ||
	    (o.ledger != NULL && !peek_ledger_room(o.ledger, &c.ledger_room)) ||
	    (o.proof != NULL && (proof_state = load_proof(&o, &c)) == 0))
		goto out;
	if (proof_state < 0)
		t.failed++;
	for (i = optind; i < argc; i++)
		if (!verify_input(&o, &c, argv[i], rec, &t))
			goto out;
	if (o.ledger != NULL && !c.ledger_used) {
		cli_error("the ledger \"%s\" is not for the room of any draw record given", o.ledger);
		t.failed++;
	}
	if (c.proof != NULL && !c.proof_used) {
		cli_error("the proof \"%s\" is not for the room of any draw record given", o.proof);
		t.failed++;
	}
	print_summary(o.format, t.verified, t.failed);
	rc = t.failed == 0 ? ALOT_EXIT_OK : ALOT_EXIT_FAILED;
out:
	free(c.commitments);
	free(c.proof);
	free(rec);
	return rc;
}
