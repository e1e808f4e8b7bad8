/*
 * add.c - "alot-witness add-checkpoint": the tlog-witness add-checkpoint
 * call on the command line.  The request body comes on stdin; the answer
 * is the 200 body (the cosignature line) with exit 0, or the HTTP status
 * line a witness would answer (and, for 409, the body: the size last
 * cosigned) with exit 1.  The checks are check.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "witness.h"

static const char usage[] =
	"alot-witness add-checkpoint checks a log's new checkpoint against the last one it\n"
	"cosigned, and cosigns it (c2sp.org/tlog-witness add-checkpoint).\n"
	"\n"
	"Usage:\n"
	"  alot-witness add-checkpoint --state DIR --key FILE --name NAME --log VKEYFILE... <REQUEST\n"
	"\n"
	"Options:\n"
	WITNESS_OPTIONS_USAGE
	"  -V, --version         output version information, then exit\n"
	"  -?, --help            show this help, then exit\n"
	"\n"
	"The request on stdin is \"old N\", the consistency proof (one base64 hash a line),\n"
	"an empty line and the signed checkpoint.  Exit 0: the cosignature line on stdout.\n"
	"Exit 1: the refusal's HTTP status line on stdout (409: and the size last cosigned).\n"
	"Exit 2: could not run.\n";

int
witness_option(int c, const char *arg, witness_options *o)
{
	switch (c) {
	case 's': o->state = arg; return 1;
	case 'k': o->key = arg; return 1;
	case 'n': o->name = arg; return 1;
	case 'l':
		if (o->log_count == WITNESS_MAX_LOG_KEYS) {
			usage_fail("too many --log keys");
			return -1;
		}
		o->logs[o->log_count++] = arg;
		return 1;
	default:
		return 0;
	}
}

int
witness_options_complete(const witness_options *o)
{
	if (o->state == NULL || o->key == NULL || o->name == NULL || o->log_count == 0) {
		usage_fail("give --state, --key, --name and at least one --log");
		return 0;
	}
	return 1;
}

static int
parse_add_options(int argc, char **argv, witness_options *o)
{
	static const struct option long_options[] = {
		WITNESS_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int c, taken;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, WITNESS_SHORT_OPTIONS, long_options, NULL)) != -1) {
		if ((taken = witness_option(c, optarg, o)) < 0)
			return ALOT_EXIT_ERROR;
		if (taken == 0)
			return usage_error();
	}
	if (optind < argc)
		return usage_fail("too many arguments");
	return witness_options_complete(o) ? ALOT_EXIT_OK : ALOT_EXIT_ERROR;
}

/* Stdin, at most WITNESS_BODY_MAX + 1 bytes (one more says it is too large). */
static alot_code
read_body(char **body, size_t *len, alot_error *err)
{
	char *buf = malloc(WITNESS_BODY_MAX + 1);
	size_t got = 0, n;
	alot_code rc = ALOT_OK;

	if (buf == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (got <= WITNESS_BODY_MAX &&
	       (n = fread(buf + got, 1, WITNESS_BODY_MAX + 1 - got, stdin)) > 0)
		got += n;
	if (ferror(stdin)) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not read the request from stdin");
		goto out;
	}
	*body = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	return rc;
}

/* The answer on stdout: the cosignature (exit 0) or the status line and why (exit 1). */
static int
print_answer(const witness_answer *ans)
{
	int code = ALOT_EXIT_OK;

	if (ans->status == 200)
		fputs(ans->line, stdout);
	else
		printf("%d %s\n", ans->status, witness_reason_phrase(ans->status));
	if (ans->status == 409)
		printf("%llu\n", (unsigned long long)ans->latest_size);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("could not write the answer to stdout");
		return ALOT_EXIT_ERROR;
	}
	if (ans->status != 200)
		code = report_exit(&ans->err, ALOT_EXIT_FAILED);
	return code;
}

int
cmd_add_checkpoint(int argc, char **argv)
{
	witness_options o;
	witness_config cfg;
	witness_answer ans;
	char *body = NULL;
	size_t len = 0;
	alot_error err;
	int code;

	memset(&cfg, 0, sizeof(cfg));
	cfg.state.dir_fd = cfg.state.lock_fd = -1;
	memset(&ans, 0, sizeof(ans));
	if (command_preamble(argc, argv, usage, &code))
		return code;
	if ((code = parse_add_options(argc, argv, &o)) != ALOT_EXIT_OK)
		goto out;
	if (witness_config_load(&o, &cfg, &err) != ALOT_OK || read_body(&body, &len, &err) != ALOT_OK) {
		code = report_exit(&err, ALOT_EXIT_ERROR);
		goto out;
	}
	if (witness_handle(&cfg, body, len, &ans) != ALOT_OK)
		code = report_exit(&ans.err, ALOT_EXIT_ERROR);
	else
		code = print_answer(&ans);
out:
	witness_answer_free(&ans);
	free(body);
	witness_config_free(&cfg);
	return code;
}
