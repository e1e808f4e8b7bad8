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

static const struct cli_command commands[] = {
	{ "add-checkpoint", cmd_add_checkpoint },
	{ "vkey", cmd_vkey },
	{ "keygen", cmd_keygen },
	{ "status", cmd_status },
	{ "serve", cmd_serve },
};

int
main(int argc, char **argv)
{
	cli_set_progname(argv[0]);
	return cli_dispatch(argc, argv, usage, "command", commands,
	                    sizeof(commands) / sizeof(commands[0]));
}
