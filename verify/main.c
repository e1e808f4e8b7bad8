/*
 * main.c - alot-verify: checks published ALOT! draw records with nothing
 * but the records and the operator's public key.  Every step of
 * docs/protocol.md is recomputed by libalot's verification API; this file
 * is the command line.  Built twice from the same sources: alot-verify,
 * offline, and alot-verify-net (-DALOT_WITH_CURL), which can also fetch
 * over HTTPS.  See docs/verifier.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify.h"

#ifdef ALOT_WITH_CURL
#define PROG       "alot-verify-net"
#define PROG_ARGS  "[RECORD]... [--url=URL]"
#define BUILD_KIND "with --url"
#define RECORD_HELP "RECORD is a file or an https:// URL holding one record, or many as JSON lines;\n" \
	"\"-\" reads standard input.\n"
#define URL_HELP \
	"  -u, --url=URL           fetch the record at URL (https only), and its ledger: by\n" \
	"                          default URL with .draw.json replaced by .ledger.jsonl;\n" \
	"                          --commitment, --ledger and --proof may be URLs too\n" \
	"      --cacert=FILE       trust the CAs in FILE (PEM) instead of the system's\n" \
	"      --timeout=SECONDS   give up on a download after SECONDS (default 60)\n"
#else
#define PROG       "alot-verify"
#define PROG_ARGS  "RECORD..."
#define BUILD_KIND "offline"
#define RECORD_HELP "RECORD is a file holding one record, or many as JSON lines; \"-\" reads standard input.\n" \
	"Records may be commitment, freeze and draw records: each is checked against the\n" \
	"others of its room, and two different signed records of one kind for one room fail.\n"
#define URL_HELP \
	"  -u, --url=URL           (alot-verify-net only) fetch the record over HTTPS\n"
#endif

static const char usage[] =
	PROG " checks published ALOT! draw records.\n"
	"\n"
	"Usage:\n"
	"  " PROG " --pubkey KEY [OPTION]... " PROG_ARGS "\n"
	"  " PROG " --log-key VKEY --checkpoint OLD --checkpoint NEW --consistency-proof FILE\n"
	"  " PROG " --monitor DIR --pubkey KEY --log-key VKEY [OPTION]...\n"
	"\n"
	RECORD_HELP
	"\n"
	"Options:\n"
	"  -k, --pubkey=FILE       the operator's Ed25519 public key (PEM); required\n"
	"                          but for a consistency check alone\n"
	"  -c, --commitment=FILE   commitment records published at open (JSON lines): each\n"
	"                          is verified, and each draw and freeze must match its room's\n"
	"  -l, --ledger=FILE       the full ticket ledger of a draw's room\n"
	"  -p, --proof=FILE        an inclusion proof of one entry; with --entry\n"
	"  -e, --entry=ID          the entry (yours) the proof must show\n"
	URL_HELP
	"\nThe transparency log (docs/verifier.md):\n"
	"      --log-key=VKEY      the log's verifier key (signed-note, alg 0x01); its name\n"
	"                          is the log's origin; every record must then be shown in\n"
	"                          the log by a --log-proof\n"
	"      --witness-key=VKEY  a witness's verifier key (cosignature/v1, alg 0x04);\n"
	"                          repeatable, at most 16\n"
	"      --witnesses=K       at least K of the witnesses must cosign (default: all)\n"
	"      --log-proof=FILE    a record's c2sp.org/tlog-proof (ROOM.KIND.tlog-proof);\n"
	"                          repeatable\n"
	"      --checkpoint=FILE   a checkpoint of the log: give two, the older first, and\n"
	"      --consistency-proof=FILE\n"
	"                          the proof that the newer extends the older (base64\n"
	"                          hashes, one per line); RECORD and --pubkey are optional\n"
	"      --monitor=DIR       read the whole published log in DIR (tlog-tiles) and report\n"
	"                          findings; needs --pubkey and --log-key, takes no RECORD\n"
	"      --state=FILE        (--monitor) the checkpoint seen last: the log must extend\n"
	"                          it; saved there when the log's integrity holds\n"
	"      --max-undrawn=DURATION\n"
	"                          (--monitor) a room frozen longer than this with no\n"
	"                          draw is a withheld draw: 90s, 30m, 72h or 7d\n"
	"      --now=TIME          (--monitor) the time to judge by, as 2026-03-01T00:00:00Z\n"
	"                          (default: now)\n"
	"\nThe beacon (docs/verifier.md):\n"
	"      --beacon-cert=FILE  also trust this NIST beacon certificate (PEM or DER),\n"
	"                          named by the SHA-512 of its DER bytes; NIST's current\n"
	"                          one is built in; repeatable\n"
	"\nOutput:\n"
	"  -f, --format=FORMAT     output format: text (default) or json (one object per record)\n"
	"  -q, --quiet             print nothing; the exit status tells\n"
	"      --list-checks       list every check, with what it proves when it passes\n"
	"                          (with --format json: one array), then exit\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"Exit status: 0 every record verified (--monitor: no finding), 1 a record failed\n"
	"or is malformed (--monitor: a finding), 2 the tool could not run (usage,\n"
	"unreadable file or key, failed download).\n";

enum {
	OPT_CACERT = 256, OPT_TIMEOUT, OPT_LOG_KEY, OPT_WITNESS_KEY, OPT_WITNESSES, OPT_LOG_PROOF,
	OPT_CHECKPOINT, OPT_CONSISTENCY, OPT_MONITOR, OPT_STATE, OPT_MAX_UNDRAWN, OPT_NOW, OPT_BEACON_CERT,
	OPT_LIST_CHECKS
};

struct verify_options {
	const char *pubkey;
	const char *commitments;
	const char *ledger;
	const char *proof;
	const char *entry;
	const char *url;
	const char *cacert;
	long timeout;
	int fetch_options;      /* --url, --cacert or --timeout given */
	char *derived_ledger;   /* --url's ledger, when --ledger is not given */
	output_format format;
	const char *log_key;
	const char *witness_keys[ALOT_TLOG_MAX_WITNESSES];
	size_t nwitness_keys;
	long quorum;            /* --witnesses; 0 when not given */
	const char **log_proofs; /* argv's, argc of them at most */
	size_t nlog_proofs;
	const char *checkpoints[2];
	size_t ncheckpoints;
	const char *consistency;
	const char *monitor;
	const char *state;
	long long max_undrawn;  /* seconds; -1 when not given */
	long long now;          /* POSIX seconds; -1 when not given */
	const char **beacon_certs; /* --beacon-cert: argv's, argc of them at most */
	size_t nbeacon_certs;
	int list_checks;        /* --list-checks: list them, check nothing */
};

struct totals {
	unsigned long verified;
	unsigned long failed;
};

/* One input of records: a RECORD argument, --url's record, or --commitment's file. */
struct input {
	const char *name;
	FILE *f;
	int commitments_only;  /* --commitment: each line must be a commitment record */
};

static void
handle_line(const alot_public_key *key, companions *c, output_format fmt, record_label *label,
            const char *line, size_t len, int commitments_only, alot_record *rec, struct totals *t)
{
	unsigned char hash[ALOT_HASH_LEN], leaf[ALOT_HASH_LEN];
	alot_report report;
	alot_error err;
	log_outcome log;
	beacon_summary beacon;
	const char *format_error = NULL;

	alot_report_init(&report);
	memset(&log, 0, sizeof(log));
	memset(&beacon, 0, sizeof(beacon));
	label->kind = NULL;
	label->log = c->log != NULL && c->log->active ? &log : NULL;
	label->beacon = &beacon;
	if (len == (size_t)-1)
		format_error = record_too_long;
	else if (alot_record_parse(line, len, rec, &err) != ALOT_OK)
		format_error = err.message;
	else if (commitments_only && rec->type != ALOT_RECORD_COMMITMENT)
		format_error = "a commitment record was expected here (--commitment)";
	else {
		label->kind = alot_record_type_name(rec->type);
		alot_uuid_format(&alot_record_lot(rec)->room_id, label->room);
		alot_record_hash(line, len, hash);
		alot_tlog_leaf_hash(line, len, leaf);
		check_record(key, c, rec, hash, leaf, &report, &log, &beacon);
	}
	print_record(fmt, label, &report, format_error, format_error == NULL ? rec : NULL);
	if (format_error == NULL && report.failures == 0)
		t->verified++;
	else
		t->failed++;
}

/* Read every line of in, then rewind it: the first pass sees every record. */
static int
index_input(record_index *ix, const alot_public_key *key, struct input *in, alot_record *rec)
{
	line_reader r;
	const char *line;
	size_t len;
	int got;

	if (!line_reader_init(&r, in->f, ALOT_RECORD_MAX))
		return 0;
	while ((got = line_reader_next(&r, &line, &len)) == 1)
		if (len != 0 && !index_add(ix, key, line, len, in->name, r.line_no, fileno(in->f), r.line_offset, rec)) {
			got = -2;
			break;
		}
	r.f = NULL; /* the input stays open for the second pass */
	line_reader_close(&r);
	if (got == -1)
		cli_error("could not read \"%s\": %s", in->name, strerror(errno));
	if (got != 0 || fseek(in->f, 0, SEEK_SET) != 0) {
		if (got == 0)
			cli_error("could not read \"%s\" again", in->name);
		return 0;
	}
	return 1;
}

static const char pretty_printed[] =
	"this looks like a pretty-printed record: records are one per line (JSON lines), "
	"exactly as published, with no whitespace";

/* A first line that opens an object and stops: a record spread over lines. */
static int
looks_pretty_printed(const char *line, size_t len)
{
	size_t i;

	if (len == (size_t)-1 || line[0] != '{')
		return 0;
	for (i = 1; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

/* Every record of input in, which stays open: others may be read again from it. */
static int
verify_input(const alot_public_key *key, companions *c, output_format fmt, struct input *in,
             alot_record *rec, struct totals *t)
{
	line_reader r;
	record_label label;
	const char *line;
	size_t len;
	unsigned long before = t->verified + t->failed;
	int got;

	if (!line_reader_init(&r, in->f, ALOT_RECORD_MAX))
		return 0;
	memset(&label, 0, sizeof(label));
	label.source = in->name;
	while ((got = line_reader_next(&r, &line, &len)) == 1) {
		if (len == 0)
			continue;
		label.line_no = r.line_no;
		if (t->verified + t->failed == before && looks_pretty_printed(line, len)) {
			/* One record spread over lines: one failure that says why, not one per line. */
			print_record(fmt, &label, NULL, pretty_printed, NULL);
			t->failed++;
			break;
		}
		handle_line(key, c, fmt, &label, line, len, in->commitments_only, rec, t);
	}
	r.f = NULL;
	line_reader_close(&r);
	if (got < 0) {
		cli_error("could not read \"%s\": %s", in->name, strerror(errno));
		return 0;
	}
	if (t->verified + t->failed == before) {
		/* An empty input is a malformed record, not a clean run. */
		label.line_no = 1;
		handle_line(key, c, fmt, &label, "", 0, in->commitments_only, rec, t);
	}
	return 1;
}

/* --url's ledger: the file published beside the record (alot-draw export's names). */
static int
derive_ledger(struct verify_options *o)
{
	static const char draw_suffix[] = ".draw.json", ledger_suffix[] = ".ledger.jsonl";
	size_t len = strlen(o->url), stem = len - (sizeof(draw_suffix) - 1);

	if (len < sizeof(draw_suffix) || strcmp(o->url + stem, draw_suffix) != 0) {
		cli_error("cannot tell where the ledger of \"%s\" is published", o->url);
		cli_hint("give its address with --ledger=URL");
		return 0;
	}
	if ((o->derived_ledger = malloc(stem + sizeof(ledger_suffix))) == NULL) {
		cli_error("out of memory");
		return 0;
	}
	memcpy(o->derived_ledger, o->url, stem);
	memcpy(o->derived_ledger + stem, ledger_suffix, sizeof(ledger_suffix));
	o->ledger = o->derived_ledger;
	return 1;
}

/* A count or a duration: digits only, at most max. */
static int
parse_number(const char *text, long long max, long long *out)
{
	char *end;

	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		return 0;
	*out = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

/* "90s", "30m", "72h", "7d" into seconds. */
static int
parse_duration(const char *text, long long *seconds)
{
	static const char units[] = "smhd";
	static const long long scale[] = { 1, 60, 3600, 86400 };
	size_t len = strlen(text);
	const char *unit;
	char digits[24];

	if (len < 2 || len > sizeof(digits) || (unit = strchr(units, text[len - 1])) == NULL)
		return 0;
	memcpy(digits, text, len - 1);
	digits[len - 1] = '\0';
	if (!parse_number(digits, 1000000000LL, seconds))
		return 0;
	*seconds *= scale[unit - units];
	return 1;
}

/* "YYYY-MM-DDTHH:MM:SSZ", with an optional fraction of a second, into POSIX seconds. */
static int
parse_time(const char *text, long long *seconds)
{
	struct tm tm;
	const char *rest;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL || rest - text != 19)
		return 0;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (strcmp(rest, "Z") != 0 || (t = timegm(&tm)) == (time_t)-1)
		return 0;
	*seconds = (long long)t;
	return 1;
}

/* The options of the transparency log. */
static int
parse_log_option(int opt, struct verify_options *o)
{
	long long n;

	switch (opt) {
	case OPT_LOG_KEY: o->log_key = optarg; return 1;
	case OPT_WITNESS_KEY:
		if (o->nwitness_keys < ALOT_TLOG_MAX_WITNESSES) {
			o->witness_keys[o->nwitness_keys++] = optarg;
			return 1;
		}
		cli_error("too many --witness-key options: at most %d", ALOT_TLOG_MAX_WITNESSES);
		return 0;
	case OPT_WITNESSES:
		if (parse_number(optarg, ALOT_TLOG_MAX_WITNESSES, &n) && n >= 1) {
			o->quorum = (long)n;
			return 1;
		}
		cli_error("invalid value \"%s\" for option --witnesses: give a number, 1 to %d", optarg,
		          ALOT_TLOG_MAX_WITNESSES);
		return 0;
	case OPT_LOG_PROOF: o->log_proofs[o->nlog_proofs++] = optarg; return 1;
	case OPT_CHECKPOINT:
		if (o->ncheckpoints < 2) {
			o->checkpoints[o->ncheckpoints++] = optarg;
			return 1;
		}
		cli_error("--checkpoint is given twice, not more: the older checkpoint, then the newer");
		return 0;
	case OPT_CONSISTENCY: o->consistency = optarg; return 1;
	case OPT_MONITOR: o->monitor = optarg; return 1;
	case OPT_STATE: o->state = optarg; return 1;
	case OPT_MAX_UNDRAWN:
		if (parse_duration(optarg, &o->max_undrawn))
			return 1;
		cli_error("invalid value \"%s\" for option --max-undrawn: give a duration such as 90s, 30m, 72h or 7d",
		          optarg);
		return 0;
	case OPT_NOW:
		if (parse_time(optarg, &o->now))
			return 1;
		cli_error("invalid value \"%s\" for option --now: give a UTC time such as 2026-03-01T00:00:00Z", optarg);
		return 0;
	default:
		return 0;
	}
}

static int
parse_option(int opt, struct verify_options *o)
{
	char *end;

	if (opt == OPT_BEACON_CERT) {
		o->beacon_certs[o->nbeacon_certs++] = optarg;
		return 1;
	}
	if (opt == OPT_LIST_CHECKS) {
		o->list_checks = 1;
		return 1;
	}
	if (opt >= OPT_LOG_KEY)
		return parse_log_option(opt, o);
	switch (opt) {
	case 'k': o->pubkey = optarg; return 1;
	case 'c': o->commitments = optarg; return 1;
	case 'l': o->ledger = optarg; return 1;
	case 'p': o->proof = optarg; return 1;
	case 'e': o->entry = optarg; return 1;
	case 'q': o->format = OUTPUT_QUIET; return 1;
	case 'u': o->url = optarg; o->fetch_options = 1; return 1;
	case OPT_CACERT: o->cacert = optarg; o->fetch_options = 1; return 1;
	case OPT_TIMEOUT:
		errno = 0;
		o->timeout = strtol(optarg, &end, 10);
		o->fetch_options = 1;
		if (errno == 0 && *end == '\0' && o->timeout > 0 && o->timeout <= 86400)
			return 1;
		cli_error("invalid value \"%s\" for option --timeout: give seconds, 1 to 86400", optarg);
		return 0;
	case 'f':
		if (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0) {
			o->format = optarg[0] == 't' ? OUTPUT_TEXT : OUTPUT_JSON;
			return 1;
		}
		cli_error("invalid value \"%s\" for option --format: use text or json", optarg);
		return 0;
	default:
		return 0;
	}
}

/* 1 when a file of the transparency log is "-". */
static int
log_reads_stdin(const struct verify_options *o)
{
	const char *names[4 + ALOT_TLOG_MAX_WITNESSES];
	size_t i, n = 0;

	names[n++] = o->log_key;
	names[n++] = o->consistency;
	names[n++] = o->checkpoints[0];
	names[n++] = o->checkpoints[1];
	for (i = 0; i < o->nwitness_keys; i++)
		names[n++] = o->witness_keys[i];
	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], "-") == 0)
			return 1;
	for (i = 0; i < o->nlog_proofs; i++)
		if (strcmp(o->log_proofs[i], "-") == 0)
			return 1;
	return 0;
}

/* What is wrong with the options of the transparency log; NULL if nothing. */
static const char *
log_usage_problem(const struct verify_options *o, int have_records)
{
	if (o->quorum != 0 && (size_t)o->quorum > o->nwitness_keys)
		return "--witnesses asks for more witnesses than --witness-key gives";
	if (o->monitor != NULL) {
		if (have_records || o->url != NULL || o->nlog_proofs != 0 || o->ncheckpoints != 0 || o->consistency)
			return "--monitor reads a whole log: it takes no RECORD, --url, --log-proof or --checkpoint";
		if (o->pubkey == NULL || o->log_key == NULL)
			return "--monitor needs --pubkey and --log-key";
		return NULL;
	}
	if (o->state != NULL || o->max_undrawn >= 0 || o->now >= 0)
		return "--state, --max-undrawn and --now go with --monitor";
	if ((o->ncheckpoints != 0 || o->consistency != NULL) && (o->ncheckpoints != 2 || o->consistency == NULL))
		return "a consistency check takes --checkpoint twice (the older, then the newer) and --consistency-proof";
	if (o->ncheckpoints != 0 && o->log_key == NULL)
		return "a consistency check needs --log-key: both checkpoints must be the log's";
	return NULL;
}

static const char *
usage_problem(const struct verify_options *o, int have_records)
{
	const char *problem;

	if (o->list_checks)
		return NULL;
	if ((problem = log_usage_problem(o, have_records)) != NULL)
		return problem;
	if (o->monitor != NULL || (o->ncheckpoints == 2 && !have_records && o->url == NULL))
		return NULL;
	if (o->pubkey == NULL)
		return "--pubkey is required: records are checked against the operator's key";
	if (!have_records && o->url == NULL)
		return "no record given";
	if ((o->proof == NULL) != (o->entry == NULL))
		return "--proof and --entry go together";
	if ((o->commitments && strcmp(o->commitments, "-") == 0) || (o->ledger && strcmp(o->ledger, "-") == 0) ||
	    (o->proof && strcmp(o->proof, "-") == 0) || log_reads_stdin(o))
		return "only records can be read from standard input";
	return NULL;
}

static int
parse_args(int argc, char **argv, struct verify_options *o, alot_uuid *entry)
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
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "log-key", required_argument, NULL, OPT_LOG_KEY },
		{ "witness-key", required_argument, NULL, OPT_WITNESS_KEY },
		{ "witnesses", required_argument, NULL, OPT_WITNESSES },
		{ "log-proof", required_argument, NULL, OPT_LOG_PROOF },
		{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
		{ "consistency-proof", required_argument, NULL, OPT_CONSISTENCY },
		{ "monitor", required_argument, NULL, OPT_MONITOR },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "max-undrawn", required_argument, NULL, OPT_MAX_UNDRAWN },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "beacon-cert", required_argument, NULL, OPT_BEACON_CERT },
		{ "list-checks", no_argument, NULL, OPT_LIST_CHECKS },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, '?' },
		{ NULL, 0, NULL, 0 }
	};
	const char *problem;
	int opt;

	o->timeout = FETCH_DEFAULT_TIMEOUT;
	o->max_undrawn = o->now = -1;
	while ((opt = getopt_long(argc, argv, "k:c:l:p:e:f:qu:V?", long_options, NULL)) != -1)
		if (!parse_option(opt, o))
			return 0;
	if ((problem = usage_problem(o, optind < argc)) != NULL) {
		cli_error("%s", problem);
		return 0;
	}
	if (o->entry != NULL && alot_uuid_parse_any_case(o->entry, entry) != ALOT_OK) {
		cli_error("invalid value \"%s\" for option --entry: not a UUID", o->entry);
		return 0;
	}
	return 1;
}

/* --help and --version win over everything else, as in PostgreSQL's tools. */
static int
help_or_version(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-?") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			puts(PROG " (ALOT!) " ALOT_VERSION " (protocols 1 and 2, " BUILD_KIND ")");
			return 1;
		}
	}
	return 0;
}

/*
 * Read the key, --url's record (first, so that a failed download names
 * it) and the companions; 0 when the tool cannot run.
 */
static int
set_up(struct verify_options *o, const alot_uuid *entry, alot_public_key *key, companions *c,
       FILE **url_record)
{
	alot_error err;

	if (alot_public_key_load(o->pubkey, key, &err) != ALOT_OK) {
		cli_report(&err);
		return 0;
	}
	if (o->fetch_options && !source_configure_fetch(o->cacert, o->timeout))
		return 0;
	if (o->url != NULL && o->ledger == NULL && !derive_ledger(o))
		return 0;
	if (o->url != NULL && (*url_record = source_open(o->url, FETCH_RECORD_LIMIT)) == NULL)
		return 0;
	c->commitments_name = o->commitments;
	if (!companions_load_beacon_certs(c, o->beacon_certs, o->nbeacon_certs))
		return 0;
	return (o->ledger == NULL || companions_load_ledger(c, o->ledger)) &&
	       (o->proof == NULL || companions_load_proof(c, o->proof, entry));
}

/* A companion that met no draw checked nothing: say so, and fail. */
static void
report_unused(const companions *c, const struct verify_options *o, struct totals *t)
{
	if (o->ledger != NULL && !c->ledger_used) {
		print_companion_failure(o->format, o->ledger, "ledger", "not for the room of any draw record given");
		t->failed++;
	}
	if (c->proof != NULL && !c->proof_used) {
		print_companion_failure(o->format, o->proof, "proof", "not for the room of any draw record given");
		t->failed++;
	}
}

/*
 * Open every input of records, each readable twice: --url's record, the
 * --commitment file, then the RECORD arguments.  0 when one cannot be read.
 */
static int
open_inputs(const struct verify_options *o, int argc, char **argv, FILE *url_record,
            struct input *in, size_t *n)
{
	int i;

	*n = 0;
	if (url_record != NULL)
		in[(*n)++] = (struct input){ o->url, url_record, 0 };
	if (o->commitments != NULL) {
		FILE *f = source_open(o->commitments, FETCH_BUNDLE_LIMIT);

		if (f == NULL || (f = source_seekable(f, o->commitments, FETCH_BUNDLE_LIMIT)) == NULL)
			return 0;
		in[(*n)++] = (struct input){ o->commitments, f, 1 };
	}
	for (i = optind; i < argc; i++) {
		FILE *f = source_open(argv[i], FETCH_BUNDLE_LIMIT);

		if (f == NULL || (f = source_seekable(f, argv[i], FETCH_BUNDLE_LIMIT)) == NULL)
			return 0;
		in[(*n)++] = (struct input){ argv[i], f, 0 };
	}
	return 1;
}

/* Load the log's policy and proofs, when any log option was given; 0 when the tool cannot run. */
static int
set_up_log(const struct verify_options *o, log_context *lc)
{
	size_t i;

	if (o->log_key == NULL && o->nwitness_keys == 0 && o->nlog_proofs == 0)
		return 1;
	if (!log_load_policy(lc, o->log_key, o->witness_keys, o->nwitness_keys, (size_t)o->quorum))
		return 0;
	for (i = 0; i < o->nlog_proofs; i++)
		if (!log_load_proof(lc, o->log_proofs[i]))
			return 0;
	return 1;
}

/* --monitor: the whole published log; the exit status. */
static int
run_monitor(const struct verify_options *o, const log_context *lc)
{
	monitor_options m;
	alot_public_key key;
	alot_error err;

	if (alot_public_key_load(o->pubkey, &key, &err) != ALOT_OK) {
		cli_report(&err);
		return ALOT_EXIT_ERROR;
	}
	memset(&m, 0, sizeof(m));
	m.dir = o->monitor;
	m.key = &key;
	m.log = lc;
	m.state = o->state;
	m.max_undrawn = o->max_undrawn;
	m.now = o->now >= 0 ? o->now : (long long)time(NULL);
	m.format = o->format;
	return monitor_run(&m);
}

/* The records given, every one seen before any is checked; the exit status, the totals into *t. */
static int
run_records(struct verify_options *o, int argc, char **argv, const alot_uuid *entry, companions *c,
            record_index *ix, struct totals *t)
{
	struct input *in = NULL;
	alot_public_key key;
	alot_record *rec = NULL;
	FILE *url_record = NULL;
	size_t i, n = 0;
	int ok, rc = ALOT_EXIT_ERROR;

	if ((rec = malloc(sizeof(*rec))) == NULL || (in = calloc((size_t)argc + 2, sizeof(*in))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if (!set_up(o, entry, &key, c, &url_record))
		goto out;
	if (url_record != NULL && (url_record = source_seekable(url_record, o->url, FETCH_RECORD_LIMIT)) == NULL)
		goto out;
	/* The inputs own --url's record from here on, whether or not every input opens. */
	ok = open_inputs(o, argc, argv, url_record, in, &n);
	url_record = NULL;
	if (!ok)
		goto out;
	/* First every record is seen, so that each is checked against all the others. */
	for (i = 0; i < n; i++)
		if (!index_input(ix, &key, &in[i], rec))
			goto out;
	index_finish(ix);
	c->index = ix;
	for (i = 0; i < n; i++)
		if (!verify_input(&key, c, o->format, &in[i], rec, t))
			goto out;
	report_unused(c, o, t);
	if (c->log != NULL)
		t->failed += log_report_unused(c->log, o->format);
	rc = ALOT_EXIT_OK;
out:
	for (i = 0; i < n; i++)
		source_close(in[i].f);
	free(in);
	source_close(url_record);
	free(rec);
	return rc;
}

int
main(int argc, char **argv)
{
	struct verify_options o;
	companions c;
	record_index ix;
	log_context lc;
	struct totals t = { 0, 0 };
	alot_uuid entry;
	int consistent, have_records, rc = ALOT_EXIT_ERROR;

	cli_set_progname(argv[0]);
	argv[0] = (char *)cli_progname(); /* getopt's messages name the program, not its path */
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&lc, 0, sizeof(lc));
	index_init(&ix);
	if (help_or_version(argc, argv))
		return ALOT_EXIT_OK;
	if ((o.log_proofs = calloc((size_t)argc, sizeof(*o.log_proofs))) == NULL ||
	    (o.beacon_certs = calloc((size_t)argc, sizeof(*o.beacon_certs))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if (!parse_args(argc, argv, &o, &entry)) {
		cli_try_help();
		goto out;
	}
	if (o.list_checks) {
		print_check_list(o.format);
		rc = ALOT_EXIT_OK;
		goto out;
	}
	if (!set_up_log(&o, &lc))
		goto out;
	if (o.monitor != NULL) {
		rc = run_monitor(&o, &lc);
		goto out;
	}
	c.log = &lc;
	have_records = optind < argc || o.url != NULL;
	if (have_records && run_records(&o, argc, argv, &entry, &c, &ix, &t) != ALOT_EXIT_OK)
		goto out;
	consistent = 1;
	if (o.ncheckpoints == 2 &&
	    (consistent = log_check_consistency(&lc, o.checkpoints[0], o.checkpoints[1], o.consistency, o.format)) < 0)
		goto out;
	if (have_records)
		print_summary(o.format, t.verified, t.failed);
	rc = t.failed == 0 && consistent ? ALOT_EXIT_OK : ALOT_EXIT_FAILED;
out:
	companions_free(&c);
	index_free(&ix);
	log_free(&lc);
	free(o.derived_ledger);
	free(o.log_proofs);
	free(o.beacon_certs);
	source_cleanup();
	return rc;
}
