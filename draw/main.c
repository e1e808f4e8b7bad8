/*
 * main.c - alot-draw: for admins.  Generates keys, commits server seeds,
 * executes draws atomically and exports the signed records
 * (docs/alot-draw.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/record.h"
#include "draw.h"

static const char usage[] =
	"alot-draw commits server seeds, executes draws and publishes signed draw records.\n"
	"\n"
	"Usage:\n"
	"  alot-draw COMMAND [OPTION]...\n"
	"\n"
	"Commands:\n"
	"  keygen    make an Ed25519 signing key pair, or a seal key for server seeds\n"
	"  commit    generate and commit a room's server seed and lot before it opens\n"
	"  freeze    freeze a funded room's ticket ledger (protocol 2)\n"
	"  execute   draw a funded room's winner over its frozen ledger, in one transaction\n"
	"  export    write published records, ticket ledgers and inclusion proofs\n"
	"  status    list every room by where it stands: committed, open, ready to draw, drawn ...\n"
	"  log       sign, witness and publish the transparency log of every record\n"
	"  beacon    fetch and check the NIST beacon pulses of the beacon rule\n"
	"  run       the draw service: freeze, witness and draw every room that is funded\n"
	"\n"
	"Options:\n"
	"  -V, --version    output version information, then exit\n"
	"  -?, --help       show this help, then exit\n"
	"\n"
	"Run \"alot-draw COMMAND --help\" for a command's options.\n"
	"Exit status: 0 done, 1 refused (room not ready, no permission, ...), 2 could not run.\n";

static const struct cli_command commands[] = {
	{ "keygen", cmd_keygen },
	{ "commit", cmd_commit },
	{ "freeze", cmd_freeze },
	{ "execute", cmd_execute },
	{ "export", cmd_export },
	{ "status", cmd_status },
	{ "log", cmd_log },
	{ "beacon", cmd_beacon },
	{ "run", cmd_run },
};

int
main(int argc, char **argv)
{
	cli_set_progname(argv[0]);
	/* Draw records hold the seed until they are committed: wipe what jansson frees. */
	alot_json_wipe_on_free();
	return cli_dispatch(argc, argv, usage, "command", commands,
	                    sizeof(commands) / sizeof(commands[0]));
}
