/*
 * keygen.c - "alot-draw keygen": an Ed25519 key pair for signing records,
 * or a seal key for server seeds at rest.  Never overwrites a key.
 */
#include <getopt.h>
#include <stdio.h>

#include "draw.h"

static const char usage[] =
	"alot-draw keygen makes the operator's keys.\n"
	"\n"
	"Usage:\n"
	"  alot-draw keygen --signing-key FILE --public-key FILE\n"
	"  alot-draw keygen --seal-key FILE\n"
	"\n"
	"Options:\n"
	"  -k, --signing-key=FILE  write the Ed25519 private key here (mode 0600)\n"
	"  -p, --public-key=FILE   write its public key here; publish it\n"
	"  -s, --seal-key=FILE     write a new AES-256 key for sealing server seeds (mode 0600)\n"
	"  -V, --version           output version information, then exit\n"
	"  -?, --help              show this help, then exit\n"
	"\n"
	"An existing file is never overwritten. Keep both secret keys outside the database.\n";

int
cmd_keygen(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "signing-key", required_argument, NULL, 'k' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "seal-key", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *secret = NULL, *public = NULL, *seal = NULL;
	alot_error err;
	int c, rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	while ((c = getopt_long(argc, argv, "k:p:s:", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': secret = optarg; break;
		case 'p': public = optarg; break;
		case 's': seal = optarg; break;
		default:
			return usage_error();
		}
	}
	if (optind < argc || (seal == NULL) == (secret == NULL && public == NULL) ||
	    (seal == NULL && (secret == NULL || public == NULL))) {
		cli_error("give either --signing-key and --public-key, or --seal-key");
		cli_try_help();
		return ALOT_EXIT_ERROR;
	}
	if (seal != NULL) {
		if (alot_seal_key_generate(seal, &err) != ALOT_OK)
			return report_failure(&err);
		fprintf(stderr, "%s: wrote seal key \"%s\" (mode 0600)\n", cli_progname(), seal);
		return ALOT_EXIT_OK;
	}
	if (alot_keygen_write(secret, public, &err) != ALOT_OK)
		return report_failure(&err);
	fprintf(stderr, "%s: wrote signing key \"%s\" (mode 0600) and public key \"%s\"\n",
	        cli_progname(), secret, public);
	return ALOT_EXIT_OK;
}
