/*
 * keys.c - "alot-witness keygen" (the witness's Ed25519 key pair) and
 * "alot-witness vkey" (its verifier key for cosignature/v1, alg 0x04,
 * which logs and verifiers configure to trust the witness).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "witness.h"

static const char keygen_usage[] =
	"alot-witness keygen makes the witness's Ed25519 key pair.\n"
	"\n"
	"Usage:\n"
	"  alot-witness keygen --secret FILE --public FILE\n"
	"\n"
	"Options:\n"
	"  -s, --secret=FILE   write the private key here (mode 0600)\n"
	"  -p, --public=FILE   write its public key here\n"
	"  -V, --version       output version information, then exit\n"
	"  -?, --help          show this help, then exit\n"
	"\n"
	"An existing file is never overwritten.  Publish the key with \"alot-witness vkey\".\n";

static const char vkey_usage[] =
	"alot-witness vkey prints the witness's verifier key (cosignature/v1).\n"
	"\n"
	"Usage:\n"
	"  alot-witness vkey --key FILE --name NAME\n"
	"\n"
	"Options:\n"
	"  -k, --key=FILE     the witness's Ed25519 private key (mode 0600)\n"
	"  -n, --name=NAME    the witness's key name, e.g. witness.example/w1\n"
	"  -V, --version      output version information, then exit\n"
	"  -?, --help         show this help, then exit\n";

int
cmd_keygen(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "secret", required_argument, NULL, 's' },
		{ "public", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *secret = NULL, *public = NULL;
	alot_error err;
	int c, rc;

	if (command_preamble(argc, argv, keygen_usage, &rc))
		return rc;
	while ((c = getopt_long(argc, argv, "s:p:", long_options, NULL)) != -1) {
		switch (c) {
		case 's': secret = optarg; break;
		case 'p': public = optarg; break;
		default:
			return usage_error();
		}
	}
	if (optind < argc || secret == NULL || public == NULL)
		return usage_fail("give --secret and --public");
	if (alot_keygen_write(secret, public, &err) != ALOT_OK)
		return report_exit(&err, ALOT_EXIT_ERROR);
	fprintf(stderr, "%s: wrote secret key \"%s\" (mode 0600) and public key \"%s\"\n",
	        cli_progname(), secret, public);
	return ALOT_EXIT_OK;
}

int
cmd_vkey(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *keyfile = NULL, *name = NULL;
	alot_signing_key *key = NULL;
	alot_public_key pub;
	char *vkey = NULL;
	alot_error err;
	int c, code = ALOT_EXIT_OK;

	if (command_preamble(argc, argv, vkey_usage, &code))
		return code;
	while ((c = getopt_long(argc, argv, "k:n:", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'n': name = optarg; break;
		default:
			return usage_error();
		}
	}
	if (optind < argc || keyfile == NULL || name == NULL)
		return usage_fail("give --key and --name");
	if (alot_signing_key_load(keyfile, &key, &err) != ALOT_OK) {
		code = report_exit(&err, ALOT_EXIT_ERROR);
		goto out;
	}
	alot_signing_key_public(key, &pub);
	if (alot_note_verifier_format(name, ALOT_NOTE_ALG_COSIG_V1, &pub, &vkey, &err) != ALOT_OK) {
		code = report_exit(&err, ALOT_EXIT_ERROR);
		goto out;
	}
	printf("%s\n", vkey);
out:
	free(vkey);
	alot_signing_key_free(key);
	return code;
}
