/*
 * beacon.c - "alot-draw beacon": the NIST Randomness Beacon pulses of the
 * beacon rule (docs/protocol.md section 12).  "fetch" finds the first pulse
 * of a chain strictly after a time and its predecessor over HTTPS
 * (lib/net), checks both and their link, and writes them exactly as served:
 * the bytes a draw record carries.  "check" checks such files offline, for
 * the air-gapped path.  Exit 0 ok, 1 a pulse did not verify (its content),
 * 2 could not run (network, options, no pulse within the wait).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alot/beacon.h"
#include "draw.h"
#include "net/net.h"

#define DEFAULT_WAIT     300L  /* seconds */
#define DEFAULT_TIMEOUT  30L   /* seconds per request */

static const char usage[] =
	"alot-draw beacon fetches and checks NIST Randomness Beacon pulses for the beacon rule.\n"
	"\n"
	"Usage:\n"
	"  alot-draw beacon fetch --after TIME --output DIR [OPTION]...\n"
	"  alot-draw beacon check PULSE [PREVIOUS] [OPTION]...\n"
	"\n"
	"Subcommands:\n"
	"  fetch    fetch the first pulse of a chain strictly after TIME and its predecessor,\n"
	"           check them, and write DIR/pulse.json and DIR/previous.json as served\n"
	"  check    check pulse files offline: each signature and output value, the link\n"
	"           between PREVIOUS and PULSE, and with --after their times\n"
	"\n"
	"Options:\n"
	"  -a, --after=TIME         the time the pulse comes strictly after: RFC 3339 UTC\n"
	"                           (2026-07-16T13:49:30Z) or POSIX seconds\n"
	"  -c, --chain=C            the beacon's chain (default 2)\n"
	"  -u, --base-url=URL       fetch: the beacon's API (default " NET_BEACON_DEFAULT_BASE ")\n"
	"      --cacert=FILE        fetch: trust the CA certificates in FILE for HTTPS, not the system's\n"
	"  -b, --beacon-cert=FILE   also trust the beacon certificates in FILE (PEM or DER) beside\n"
	"                           the builtin NIST one; may be given more than once\n"
	"  -w, --wait=SECONDS       fetch: how long to wait for the pulse to be published (default 300)\n"
	"  -t, --timeout=SECONDS    fetch: the time limit of one request (default 30)\n"
	"  -o, --output=DIR         fetch: the folder to write pulse.json and previous.json into\n"
	"  -V, --version            output version information, then exit\n"
	"  -?, --help               show this help, then exit\n"
	"\n"
	"Run \"alot-draw beacon SUBCOMMAND --help\" for one subcommand's options.\n"
	"Exit status: 0 the pulses verify, 1 a pulse did not verify, 2 could not run (network,\n"
	"options, no pulse within the wait).\n";

static const char fetch_usage[] =
	"alot-draw beacon fetch fetches the first pulse of a chain strictly after TIME and its\n"
	"predecessor, checks both and their link, and writes them exactly as served.\n"
	"\n"
	"Usage:\n"
	"  alot-draw beacon fetch --after TIME --output DIR [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -a, --after=TIME         the time the pulse comes strictly after: RFC 3339 UTC\n"
	"                           (2026-07-16T13:49:30Z) or POSIX seconds\n"
	"  -c, --chain=C            the beacon's chain (default 2)\n"
	"  -u, --base-url=URL       the beacon's API (default " NET_BEACON_DEFAULT_BASE ")\n"
	"      --cacert=FILE        trust the CA certificates in FILE for HTTPS, not the system's\n"
	"  -b, --beacon-cert=FILE   also trust the beacon certificates in FILE (PEM or DER) beside\n"
	"                           the builtin NIST one; may be given more than once\n"
	"  -w, --wait=SECONDS       how long to wait for the pulse to be published (default 300)\n"
	"  -t, --timeout=SECONDS    the time limit of one request (default 30)\n"
	"  -o, --output=DIR         the folder to write pulse.json and previous.json into\n"
	"  -V, --version            output version information, then exit\n"
	"  -?, --help               show this help, then exit\n"
	"\n"
	"Prints one line naming both pulses.  Exit status: 0 the pulses verify, 1 a pulse did\n"
	"not verify, 2 could not run (network, options, no pulse within the wait).\n";

static const char check_usage[] =
	"alot-draw beacon check checks pulse files offline: each signature and output value,\n"
	"that PULSE follows PREVIOUS, and with --after that PULSE is the first after TIME.\n"
	"\n"
	"Usage:\n"
	"  alot-draw beacon check PULSE [PREVIOUS] [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -a, --after=TIME         PULSE must be after TIME, PREVIOUS at or before it: RFC 3339\n"
	"                           UTC (2026-07-16T13:49:30Z) or POSIX seconds\n"
	"  -c, --chain=C            the chain the pulses must be of\n"
	"  -b, --beacon-cert=FILE   also trust the beacon certificates in FILE (PEM or DER) beside\n"
	"                           the builtin NIST one; may be given more than once\n"
	"  -V, --version            output version information, then exit\n"
	"  -?, --help               show this help, then exit\n"
	"\n"
	"Exit status: 0 the pulses verify, 1 a pulse did not verify, 2 could not run.\n";

/* ---- shared ----------------------------------------------------------- */

alot_beacon_trust *
beacon_trust_load(char *const *files, size_t n)
{
	alot_beacon_trust *trust;
	alot_error err;
	size_t failed;

	trust = alot_beacon_trust_load((const char *const *)files, n, &failed, &err);
	if (trust == NULL && failed < n && err.code != ALOT_ERR_IO)
		cli_error("--beacon-cert \"%s\": %s", files[failed], err.message);
	else if (trust == NULL)
		cli_report(&err);
	return trust;
}

int
parse_beacon_time(const char *text, int64_t *ms)
{
	alot_error err;
	uint64_t secs;

	if (text[0] >= '0' && text[0] <= '9' && strchr(text, '-') == NULL) {
		if (parse_u64(text, &secs) && secs <= (uint64_t)(INT64_MAX / 1000)) {
			*ms = (int64_t)secs * 1000;
			return 1;
		}
	} else if (alot_beacon_time_parse(text, ms, &err) == ALOT_OK) {
		return 1;
	}
	cli_error("invalid value \"%s\" for a time: expected an RFC 3339 UTC time "
	          "(2026-07-16T13:49:30Z) or POSIX seconds", text);
	return 0;
}

/*
 * A whole number of seconds from min to a week; prints why not.  Not
 * parse_seconds_option(): "alot-draw beacon" words its messages as
 * "for --wait", and its tests hold it to that.
 */
static int
parse_seconds(const char *option, const char *text, long min, long *out)
{
	uint64_t v;

	if (!parse_u64(text, &v) || v < (uint64_t)min || v > (uint64_t)BEACON_MAX_WAIT) {
		cli_error("invalid value \"%s\" for %s: expected %ld to %ld seconds", text, option, min,
		          BEACON_MAX_WAIT);
		return 0;
	}
	*out = (long)v;
	return 1;
}

/* The hint after a pulse whose certificate is not trusted. */
static void
hint_certificate(const char *base)
{
	cli_hint("if the beacon signs with a new certificate, get it (%s/certificate/ID) and pass it "
	         "with --beacon-cert", base != NULL ? base : NET_BEACON_DEFAULT_BASE);
}

/* ---- fetch ------------------------------------------------------------- */

struct fetch_options {
	int64_t after;
	int have_after;
	uint64_t chain;
	const char *base_url, *cacert, *output;
	char *certs[BEACON_MAX_CERTS];
	size_t ncerts;
	long wait, timeout;
};

static void
print_note(void *arg, const char *message)
{
	(void)arg;
	cli_error("%s", message);
}

static int
make_output_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("could not create the folder \"%s\": %s", dir, strerror(errno));
		return 0;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_error("\"%s\" is not a folder", dir);
		return 0;
	}
	return 1;
}

static int
write_pair(const char *dir, const net_beacon_pair *pair, char *pulse_path, char *previous_path,
           size_t len)
{
	snprintf(pulse_path, len, "%s/pulse.json", dir);
	snprintf(previous_path, len, "%s/previous.json", dir);
	return write_file_atomic(previous_path, pair->previous.json, pair->previous.len, 1) &&
	       write_file_atomic(pulse_path, pair->pulse.json, pair->pulse.len, 1);
}

static int
fetch_run(const struct fetch_options *o)
{
	char pulse_path[4200], previous_path[4200], after[32];
	net_beacon_client client;
	net_beacon_pair pair;
	alot_beacon_trust *trust = NULL;
	alot_error err;
	alot_code code;
	FILE *f;
	int rc = ALOT_EXIT_ERROR;

	memset(&pair, 0, sizeof(pair));
	if (o->cacert != NULL) {
		/* Fail here with the file's name rather than later inside TLS. */
		if ((f = fopen(o->cacert, "rb")) == NULL) {
			cli_error("could not open \"%s\": %s", o->cacert, strerror(errno));
			goto out;
		}
		fclose(f);
	}
	if ((trust = beacon_trust_load(o->certs, o->ncerts)) == NULL || !make_output_dir(o->output))
		goto out;
	if (net_init(&err) != ALOT_OK) {
		cli_report(&err);
		goto out;
	}
	memset(&client, 0, sizeof(client));
	client.base_url = o->base_url;
	client.http.cacert = o->cacert;
	client.http.timeout = o->timeout;
	client.http.user_agent = "alot-draw/" ALOT_VERSION;
	client.trust = trust;
	client.note = print_note;
	if ((code = net_beacon_after(&client, o->chain, o->after, o->wait, &pair, &err)) != ALOT_OK) {
		cli_report(&err);
		if (pair.verdict == ALOT_BEACON_UNKNOWN_CERTIFICATE)
			hint_certificate(o->base_url);
		else if (pair.not_yet)
			cli_hint("a pulse after the time comes only once the beacon publishes it: "
			         "run again later, or with a longer --wait");
		rc = code == ALOT_ERR_VERIFY ? ALOT_EXIT_FAILED : ALOT_EXIT_ERROR;
		goto out;
	}
	if (!write_pair(o->output, &pair, pulse_path, previous_path, sizeof(pulse_path)))
		goto out;
	net_beacon_format_time(o->after, after, sizeof(after));
	printf("pulse %" PRIu64 " of chain %" PRIu64 " at %s, the first after %s, and its previous "
	       "pulse %" PRIu64 " at %s: %s, %s\n", pair.pulse.pulse.pulse_index, pair.pulse.pulse.chain_index,
	       pair.pulse.pulse.time_stamp, after, pair.previous.pulse.pulse_index,
	       pair.previous.pulse.time_stamp, pulse_path, previous_path);
	rc = fflush(stdout) == 0 ? ALOT_EXIT_OK : ALOT_EXIT_ERROR;
out:
	net_beacon_pair_free(&pair);
	alot_beacon_trust_free(trust);
	net_cleanup();
	return rc;
}

static const struct option fetch_long_options[] = {
	{ "after", required_argument, NULL, 'a' },
	{ "chain", required_argument, NULL, 'c' },
	{ "base-url", required_argument, NULL, 'u' },
	{ "cacert", required_argument, NULL, 1 },
	{ "beacon-cert", required_argument, NULL, 'b' },
	{ "wait", required_argument, NULL, 'w' },
	{ "timeout", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

/* One option of fetch; 0 after a usage error (printed). */
static int
fetch_option(int c, struct fetch_options *o)
{
	switch (c) {
	case 'a':
		return (o->have_after = parse_beacon_time(optarg, &o->after));
	case 'c':
		if (!parse_u64(optarg, &o->chain)) {
			cli_error("invalid value \"%s\" for --chain: expected a decimal number", optarg);
			return 0;
		}
		return 1;
	case 'u': o->base_url = optarg; return 1;
	case 1: o->cacert = optarg; return 1;
	case 'b': return add_beacon_cert(o->certs, &o->ncerts, optarg);
	case 'w': return parse_seconds("--wait", optarg, 0, &o->wait);
	case 't': return parse_seconds("--timeout", optarg, 1, &o->timeout);
	case 'o': o->output = optarg; return 1;
	default: return 0;
	}
}

static int
beacon_cmd_fetch(int argc, char **argv)
{
	struct fetch_options o;
	int c, rc;

	if (command_preamble(argc, argv, fetch_usage, &rc))
		return rc;
	memset(&o, 0, sizeof(o));
	o.chain = 2;
	o.wait = DEFAULT_WAIT;
	o.timeout = DEFAULT_TIMEOUT;
	while ((c = getopt_long(argc, argv, "a:c:u:b:w:t:o:", fetch_long_options, NULL)) != -1)
		if (!fetch_option(c, &o))
			return usage_error();
	if (optind < argc || !o.have_after || o.output == NULL) {
		cli_error(optind < argc ? "too many arguments" : !o.have_after ? "--after is required" :
		          "--output is required");
		return usage_error();
	}
	return fetch_run(&o);
}

/* ---- check ------------------------------------------------------------- */

/* Read, parse and check one pulse file; an exit code. */
static int
check_file(const char *name, const alot_beacon_trust *trust, alot_beacon_pulse *p)
{
	alot_beacon_verdict v;
	alot_error err;
	char *text = NULL, why[256];
	size_t len;
	int rc = ALOT_EXIT_ERROR;

	if ((rc = draw_read_file(name, ALOT_BEACON_PULSE_MAX, "beacon pulse", &text, &len)) != ALOT_EXIT_OK)
		goto out;
	rc = ALOT_EXIT_FAILED;
	if (alot_beacon_pulse_parse(text, len, p, &err) != ALOT_OK) {
		cli_error("\"%s\" is malformed: %s", name, err.message);
		goto out;
	}
	if ((v = alot_beacon_pulse_check(p, trust, why, sizeof(why))) != ALOT_BEACON_OK) {
		cli_error("\"%s\": pulse %" PRIu64 " of chain %" PRIu64 " does not verify: %s", name,
		          p->pulse_index, p->chain_index, why);
		if (v == ALOT_BEACON_UNKNOWN_CERTIFICATE)
			hint_certificate(NULL);
		goto out;
	}
	rc = ALOT_EXIT_OK;
out:
	free(text);
	return rc;
}

struct check_options {
	int64_t after;
	int have_after, have_chain;
	uint64_t chain;
	char *certs[BEACON_MAX_CERTS];
	size_t ncerts;
};

/* The chain and the times the options ask for; an exit code. */
static int
check_terms(const struct check_options *o, const alot_beacon_pulse *p, const alot_beacon_pulse *q)
{
	char after[32];

	if (o->have_chain && p->chain_index != o->chain) {
		cli_error("pulse %" PRIu64 " is of chain %" PRIu64 ", not chain %" PRIu64, p->pulse_index,
		          p->chain_index, o->chain);
		return ALOT_EXIT_FAILED;
	}
	if (!o->have_after)
		return ALOT_EXIT_OK;
	net_beacon_format_time(o->after, after, sizeof(after));
	if (p->time_ms <= o->after) {
		cli_error("pulse %" PRIu64 " at %s is not after %s", p->pulse_index, p->time_stamp, after);
		return ALOT_EXIT_FAILED;
	}
	if (q != NULL && q->time_ms > o->after) {
		cli_error("pulse %" PRIu64 " is not the first after %s: its previous pulse %" PRIu64
		          " at %s is after it too", p->pulse_index, after, q->pulse_index, q->time_stamp);
		return ALOT_EXIT_FAILED;
	}
	return ALOT_EXIT_OK;
}

static int
check_run(const struct check_options *o, const char *pulse_file, const char *previous_file)
{
	alot_beacon_pulse p, q;
	alot_beacon_trust *trust;
	char why[256];
	int rc = ALOT_EXIT_ERROR;

	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	if ((trust = beacon_trust_load(o->certs, o->ncerts)) == NULL)
		return ALOT_EXIT_ERROR;
	if ((rc = check_file(pulse_file, trust, &p)) != ALOT_EXIT_OK ||
	    (previous_file != NULL && (rc = check_file(previous_file, trust, &q)) != ALOT_EXIT_OK))
		goto out;
	if (previous_file != NULL && !alot_beacon_pulses_linked(&q, &p, why, sizeof(why))) {
		cli_error("\"%s\" is not the pulse after \"%s\": %s", pulse_file, previous_file, why);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if ((rc = check_terms(o, &p, previous_file != NULL ? &q : NULL)) != ALOT_EXIT_OK)
		goto out;
	if (previous_file != NULL)
		printf("pulse %" PRIu64 " of chain %" PRIu64 " at %s and its previous pulse %" PRIu64
		       " at %s verify and are linked\n", p.pulse_index, p.chain_index, p.time_stamp,
		       q.pulse_index, q.time_stamp);
	else
		printf("pulse %" PRIu64 " of chain %" PRIu64 " at %s verifies\n", p.pulse_index, p.chain_index,
		       p.time_stamp);
	rc = fflush(stdout) == 0 ? ALOT_EXIT_OK : ALOT_EXIT_ERROR;
out:
	alot_beacon_trust_free(trust);
	return rc;
}

static int
beacon_cmd_check(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "chain", required_argument, NULL, 'c' },
		{ "beacon-cert", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct check_options o;
	int c, rc;

	if (command_preamble(argc, argv, check_usage, &rc))
		return rc;
	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "a:c:b:", long_options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!(o.have_after = parse_beacon_time(optarg, &o.after)))
				return usage_error();
			break;
		case 'c':
			if (!(o.have_chain = parse_u64(optarg, &o.chain))) {
				cli_error("invalid value \"%s\" for --chain: expected a decimal number", optarg);
				return usage_error();
			}
			break;
		case 'b':
			if (!add_beacon_cert(o.certs, &o.ncerts, optarg))
				return usage_error();
			break;
		default:
			return usage_error();
		}
	}
	if (argc - optind < 1 || argc - optind > 2) {
		cli_error(argc - optind < 1 ? "a pulse file is required" : "too many arguments");
		return usage_error();
	}
	return check_run(&o, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL);
}

/* ---- dispatch ---------------------------------------------------------- */

static const struct cli_command subcommands[] = {
	{ "fetch", beacon_cmd_fetch },
	{ "check", beacon_cmd_check },
};

int
cmd_beacon(int argc, char **argv)
{
	return cli_dispatch(argc, argv, usage, "beacon subcommand", subcommands,
	                    sizeof(subcommands) / sizeof(subcommands[0]));
}
