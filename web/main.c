/*
 * main.c - the entry point of the browser verifier (docs/verifier.md).
 *
 * The WebAssembly module is alot-verify itself: verify/main.c compiled with
 * main renamed alot_verify_main, over lib/core, so the page runs the very
 * code the static binary runs and no check exists twice.  This file adds
 * one command the page needs and the command line does not:
 *
 *   make-proof RECORD LEDGER ENTRY_ID
 *
 * prints the inclusion proof of entry ENTRY_ID, computed by lib/core from
 * the room's full ledger file, as "alot-draw export --proof" writes it.
 * The page then checks that proof with alot-verify --proof --entry, so a
 * buyer sees their own entry's path to the signed root.  Making the proof
 * proves nothing by itself; only the check that follows does.
 *
 * Exit codes are alot-verify's: 0, 1 (the entry is not in the ledger, or
 * an input is malformed), 2 (a file could not be read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "entry.h"

int main(int argc, char **argv);

/* The first draw record of path, into rec; the exit code. */
static int
read_draw_record(const char *path, alot_record *rec)
{
	FILE *f = fopen(path, "rb");
	line_reader r;
	const char *line;
	size_t len;
	alot_error err;
	int got, rc = ALOT_EXIT_FAILED;

	if (f == NULL || !line_reader_init(&r, f, ALOT_RECORD_MAX)) {
		fprintf(stderr, "make-proof: could not read \"%s\"\n", path);
		if (f != NULL)
			fclose(f);
		return ALOT_EXIT_ERROR;
	}
	while (rc != ALOT_EXIT_OK && (got = line_reader_next(&r, &line, &len)) == 1)
		if (len != 0 && alot_record_parse(line, len, rec, &err) == ALOT_OK && rec->type == ALOT_RECORD_DRAW)
			rc = ALOT_EXIT_OK;
	if (rc != ALOT_EXIT_OK)
		fprintf(stderr, "make-proof: \"%s\" holds no draw record\n", path);
	line_reader_close(&r);
	return rc;
}

/* The entries of the ledger file path, into a new array (the caller frees it). */
static int
read_ledger(const char *path, alot_ticket_range **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	line_reader r;
	const char *line;
	size_t len, cap = 0;
	alot_ledger_header h;
	alot_error err;
	alot_ticket_range *v = NULL, *grown;
	int got, header = 1, rc = ALOT_EXIT_OK;

	*out = NULL;
	*n = 0;
	if (f == NULL || !line_reader_init(&r, f, ALOT_LEDGER_LINE_MAX)) {
		fprintf(stderr, "make-proof: could not read \"%s\"\n", path);
		if (f != NULL)
			fclose(f);
		return ALOT_EXIT_ERROR;
	}
	while (rc == ALOT_EXIT_OK && (got = line_reader_next(&r, &line, &len)) == 1) {
		if (header) {
			header = 0;
			if (alot_ledger_header_parse(line, len, &h, &err) == ALOT_OK)
				continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = ALOT_EXIT_ERROR;
				break;
			}
			v = grown;
		}
		if (alot_ledger_line_parse(line, len, &v[*n], &err) != ALOT_OK) {
			fprintf(stderr, "make-proof: \"%s\" line %lu: %s\n", path, r.line_no, err.message);
			rc = ALOT_EXIT_FAILED;
		}
		(*n)++;
	}
	line_reader_close(&r);
	if (rc == ALOT_EXIT_OK)
		*out = v;
	else
		free(v);
	return rc;
}

static int
make_proof(const char *record_path, const char *ledger_path, const char *entry)
{
	alot_record *rec = malloc(sizeof(*rec));
	alot_inclusion_proof *proof = malloc(sizeof(*proof));
	alot_ticket_range *ledger = NULL;
	alot_uuid id;
	alot_error err;
	char *text = NULL;
	size_t n = 0, i;
	int rc = ALOT_EXIT_ERROR;

	if (rec == NULL || proof == NULL)
		goto out;
	if (alot_uuid_parse(entry, &id, &err) != ALOT_OK) {
		fprintf(stderr, "make-proof: entry \"%s\" is not a UUID\n", entry);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if ((rc = read_draw_record(record_path, rec)) != ALOT_EXIT_OK ||
	    (rc = read_ledger(ledger_path, &ledger, &n)) != ALOT_EXIT_OK)
		goto out;
	for (i = 0; i < n && !alot_uuid_equal(&ledger[i].entry_id, &id); i++)
		;
	rc = ALOT_EXIT_FAILED;
	if (i == n)
		fprintf(stderr, "make-proof: entry %s is not in the ledger\n", entry);
	else if (alot_inclusion_proof_make(&rec->u.draw, ledger, n, i, proof, &err) != ALOT_OK ||
	         alot_inclusion_proof_json(proof, &text, &err) != ALOT_OK)
		fprintf(stderr, "make-proof: %s\n", err.message);
	else {
		printf("%s\n", text);
		rc = ALOT_EXIT_OK;
	}
out:
	free(text);
	free(ledger);
	free(proof);
	free(rec);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "make-proof") == 0)
		return make_proof(argv[2], argv[3], argv[4]);
	return alot_verify_main(argc, argv);
}
