/*
 * explain.c - every check alot-verify can report, each with one sentence
 * in plain words of what it proves when it passes (--list-checks).  This
 * table is the one source of those sentences: the browser verifier runs
 * "alot-verify --list-checks --format json" and shows them beside each
 * check, and tests/verify/test_verify_list_checks.sh requires every check
 * name the sources report to be here.  What a check does not prove is in
 * docs/verifier.md section 4.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "verify.h"

static const check_description descriptions[] = {
	/* Every record's own checks (lib/core/verify.c), in report order. */
	{ "format", "The record is in its exact published form: every field present and of the right kind, "
	            "nothing added, repeated or re-encoded." },
	{ "beacon", "The record's rule for outside randomness is one the protocol defines (none, or NIST's beacon), "
	            "with exactly the value and evidence that rule takes." },
	{ "signature", "The operator's key signed exactly this record: nobody changed it after it was signed." },
	{ "commitment", "The secret seed revealed at the draw is the one the operator committed to when the room "
	                "opened (protocol 2: with the product, target, deadline, lot type, prices and beacon rule), "
	                "so it was not swapped later." },
	{ "client-seed", "The client seed was computed from the room's lot, its frozen ledger and the beacon, not "
	                 "picked by the operator." },
	{ "combined-seed", "Every try of the draw mixed the revealed seed, the client seed and the try's number, "
	                   "as the protocol says." },
	{ "rejection-sampling", "Every try that would have favoured some tickets was thrown away and only the first "
	                        "fair one kept, so every ticket had exactly the same chance." },
	{ "winning-ticket", "Drawing again from the seeds gives this same winning ticket: nobody chose it." },
	{ "winner-inclusion", "The winning entry holds the winning ticket and is in the ledger the draw was made "
	                      "over." },
	{ "ledger-shape", "The frozen ledger's numbers of tickets and entries are possible ones." },
	{ "timestamps", "The room was committed, funded, frozen and drawn in that order, by the times the operator "
	                "recorded." },
	/* Against the other records and files given (verify/check.c). */
	{ "commitment-record", "The commitment record given verifies and matches this record in every term: "
	                       "version, room, lot, commitment, time and key." },
	{ "freeze-record", "The freeze record given verifies, is the one this draw names, and the draw was made "
	                   "over exactly the ledger it froze." },
	{ "equivocation", "No other record given is a different record of the same kind for the same room signed "
	                  "by the operator: the operator did not say two things." },
	{ "ledger", "The full ledger covers tickets 1 to N with no gap, overlap or repeated entry, matches the "
	            "record's entry count and root, and holds the winner." },
	{ "proof", "Your entry, with your tickets, is in the ledger the draw was made over." },
	/* The NIST beacon rule (lib/core/verify_beacon.c). */
	{ "beacon-policy", "The witnesses who had to see the frozen ledger are the ones the commitment named "
	                   "before any ticket was sold." },
	{ "beacon-log-time", "Those witnesses saw the frozen ledger in the transparency log, and the time by "
	                     "which they saw it is known." },
	{ "beacon-certificate", "The beacon pulses are signed by NIST's certificate (or one given with "
	                        "--beacon-cert)." },
	{ "beacon-pulse", "The beacon pulses are intact: their signatures and random values check out." },
	{ "beacon-chain", "The pulse used and the one before it are consecutive pulses of NIST's chain." },
	{ "beacon-timing", "The pulse used is the first one NIST published after the witnesses saw the frozen "
	                   "ledger, so nobody could wait for a pulse they liked." },
	{ "beacon-value", "The draw used that pulse's random value." },
	/* The transparency log (verify/logproof.c). */
	{ "log-inclusion", "The record is an entry of the operator's transparency log, at a checkpoint the log's "
	                   "key signed." },
	{ "log-witnesses", "Enough of the witnesses you trust cosigned that checkpoint, so the log showed them this "
	                   "same history." },
	{ "log-consistency", "The newer checkpoint extends the older one: nothing the log held before was changed "
	                     "or removed." },
	{ "log-proof", "Every log proof file given is well formed and shows a record given." },
};

const check_description *
check_descriptions(size_t *count)
{
	*count = sizeof(descriptions) / sizeof(descriptions[0]);
	return descriptions;
}

/* The list as JSON: one array of {"name", "proves"}, on one line. */
static void
print_json(const check_description *d, size_t n)
{
	json_t *list = json_array();
	char *text;
	size_t i;

	for (i = 0; list != NULL && i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "name", d[i].name, "proves", d[i].proves));
	text = list ? json_dumps(list, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (text != NULL)
		printf("%s\n", text);
	else
		cli_error("out of memory writing the list of checks");
	free(text);
	json_decref(list);
}

void
print_check_list(output_format fmt)
{
	size_t i, n;
	const check_description *d = check_descriptions(&n);

	if (fmt == OUTPUT_JSON)
		print_json(d, n);
	else if (fmt == OUTPUT_TEXT)
		for (i = 0; i < n; i++)
			printf("%s: %s\n", d[i].name, d[i].proves);
}
