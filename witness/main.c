/*
 * main.c - alot-witness: for independent witnesses.  Cosigns the
 * operator's transparency log checkpoints (c2sp.org/tlog-witness,
 * cosignature/v1) after checking that each extends the last one it
 * cosigned (docs/witness.md).
 */
#include <stdio.h>
#include <string.h>

#include "witness.h"

static const char usage[] =
	"alot-witness cosigns a transparency log's checkpoints once it has checked that they\n"
	"only ever grow.\n"
	"\n"
	"Usage:\n"
	"  alot-witness COMMAND [OPTION]...\n"
	"\n"
	"Commands:\n"
	"  add-checkpoint  check a tlog-witness add-checkpoint request on stdin and cosign it\n"
	"  vkey            print the witness's verifier key (cosignature/v1)\n"
	"  keygen          make the witness's Ed25519 key pair\n"
	"  status          list the logs witnessed: origin, size, root\n"
	"  serve           answer add-checkpoint requests over HTTP (tlog-witness)\n"
	"\n"
	"Options:\n"
	"  -V, --version    output version information, then exit\n"
	"  -?, --help       show this help, then exit\n"
	"\n"
	"Run \"alot-witness COMMAND --help\" for a command's options.\n"
	"Exit status: 0 done, 1 refused (the status line says why), 2 could not run.\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "add-checkpoint", cmd_add_checkpoint },
	{ "vkey", cmd_vkey },
	{ "keygen", cmd_keygen },
	{ "status", cmd_status },
	{ "serve", cmd_serve },
};

int
main(int argc, char **argv)
{
	size_t i;

	cli_set_progname(argv[0]);
	if (argc < 2) {
		cli_error("no command given");
		cli_try_help();
		return ALOT_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0) {
		fputs(usage, stdout);
		return ALOT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("alot-witness (ALOT!) " ALOT_VERSION);
		return ALOT_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command \"%s\"", argv[1]);
	cli_try_help();
	return ALOT_EXIT_ERROR;
}
