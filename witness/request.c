/*
 * request.c - parsing a tlog-witness add-checkpoint request body, strictly:
 * "old N" (decimal, no leading zeroes), at most 63 base64 hashes one per
 * line, an empty line, then a signed note whose text is a checkpoint.
 * Every line ends in a newline.  Whatever does not parse is a 400.
 */
#include <stdlib.h>
#include <string.h>

#include "witness.h"

/* The line at *pos (up to its newline, excluded) into *line, *len; 0 when none ends. */
static int
next_line(const char *body, size_t size, size_t *pos, const char **line, size_t *len)
{
	const char *nl = memchr(body + *pos, '\n', size - *pos);

	if (nl == NULL)
		return 0;
	*line = body + *pos;
	*len = (size_t)(nl - *line);
	*pos += *len + 1;
	return 1;
}

/* A decimal uint64 without leading zeroes (but "0"), of exactly len digits. */
static int
parse_decimal(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20 || (s[0] == '0' && len > 1))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

static alot_code
parse_old_line(const char *body, size_t size, size_t *pos, uint64_t *old, alot_error *err)
{
	const char *line;
	size_t len;

	if (!next_line(body, size, pos, &line, &len) || len < 4 || memcmp(line, "old ", 4) != 0 ||
	    !parse_decimal(line + 4, len - 4, old))
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "request: the first line is not \"old\" and a tree size");
	return ALOT_OK;
}

static alot_code
parse_proof_lines(const char *body, size_t size, size_t *pos, witness_request *req,
                  alot_error *err)
{
	const char *line;
	size_t len, got;
	alot_error ignored;

	for (;;) {
		if (!next_line(body, size, pos, &line, &len))
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "request: no empty line before the checkpoint");
		if (len == 0)
			return ALOT_OK;
		if (req->proof_len == ALOT_TLOG_MAX_PROOF)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "request: more than %d consistency proof lines",
			                      ALOT_TLOG_MAX_PROOF);
		if (len != WITNESS_PROOF_LINE_LEN ||
		    alot_base64_decode(line, len, req->proof[req->proof_len], ALOT_HASH_LEN, &got,
		                       &ignored) != ALOT_OK || got != ALOT_HASH_LEN)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "request: consistency proof line %zu is not a base64 hash",
			                      req->proof_len + 1);
		req->proof_len++;
	}
}

alot_code
witness_request_parse(const char *body, size_t len, witness_request *req, alot_error *err)
{
	size_t pos = 0;
	alot_code rc;

	memset(req, 0, sizeof(*req));
	if ((rc = parse_old_line(body, len, &pos, &req->old_size, err)) != ALOT_OK)
		goto out;
	if ((rc = parse_proof_lines(body, len, &pos, req, err)) != ALOT_OK)
		goto out;
	req->note_text = body + pos;
	req->note_len = len - pos;
	if ((rc = alot_note_parse(req->note_text, req->note_len, &req->note, err)) != ALOT_OK) {
		alot_error_prefix(err, "request: the checkpoint is not a signed note");
		goto out;
	}
	if ((rc = alot_checkpoint_parse(req->note.text, req->note.text_len, &req->checkpoint,
	                                err)) != ALOT_OK) {
		alot_error_prefix(err, "request: the note is not a checkpoint");
		goto out;
	}
out:
	return rc;
}

void
witness_request_free(witness_request *req)
{
	alot_note_free(&req->note);
	memset(req, 0, sizeof(*req));
}
