/*
 * check.c - the witness's decision on an add-checkpoint request, shared by
 * "add-checkpoint" (stdin) and "serve" (HTTP): its configuration (the
 * trusted log keys, its own key and name, the state folder) and every
 * check of c2sp.org/tlog-witness, in the specification's order: 400 for a
 * request that does not parse, 404 for an unknown origin, 403 for no valid
 * trusted signature (or a trusted key's bad one), 400 for old > size,
 * then, under the log's lock, 409 when old is not the size last cosigned
 * and 422 for a consistency failure.  Old must equal the stored size and
 * may not exceed the new size, so no path cosigns a smaller tree than the
 * last.  The state is stored durably before the cosignature is made, and
 * the cosignature before it is answered: the checkpoint cosigned last,
 * asked again, gets that very cosignature (its timestamp included), so
 * that asking again cannot move the time a witness vouches for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "witness.h"

#define VKEY_FILE_MAX 1024

/* A log's vkey file: a verifier of signature type 0x01. */
static alot_code
load_log_key(const char *path, alot_note_verifier *out, alot_error *err)
{
	char buf[VKEY_FILE_MAX];
	size_t len;
	FILE *f = fopen(path, "rb");
	alot_code rc = ALOT_OK;

	if (f == NULL) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not open log key \"%s\": %s", path,
		                    strerror(errno));
		goto out;
	}
	len = fread(buf, 1, sizeof(buf), f);
	if (ferror(f) || len == sizeof(buf)) {
		rc = alot_error_set(err, ferror(f) ? ALOT_ERR_IO : ALOT_ERR_INVALID,
		                    ferror(f) ? "could not read log key \"%s\"" : "log key \"%s\" is too large",
		                    path);
		goto out;
	}
	if ((rc = alot_note_verifier_parse(buf, len, out, err)) != ALOT_OK) {
		alot_error_prefix(err, "log key \"%s\"", path);
		goto out;
	}
	if (out->alg != ALOT_NOTE_ALG_ED25519)
		rc = alot_error_set(err, ALOT_ERR_INVALID,
		                    "log key \"%s\" is not a log's Ed25519 key (alg 0x01)", path);
out:
	if (f != NULL)
		fclose(f);
	return rc;
}

static alot_code
refuse(witness_answer *ans, int status, alot_code rc)
{
	ans->status = status;
	return rc;
}

/* 404 or 403: the origin's trusted keys, and at least one valid signature by them. */
static alot_code
check_log_signature(const witness_request *req, const alot_note_verifier *logs, size_t n,
                    witness_answer *ans, alot_error *err)
{
	alot_note_verifier trusted[WITNESS_MAX_LOG_KEYS];
	int verified[WITNESS_MAX_LOG_KEYS] = { 0 };
	size_t i, count = 0;
	alot_code rc;

	for (i = 0; i < n; i++)
		if (strcmp(logs[i].name, req->checkpoint.origin) == 0)
			trusted[count++] = logs[i];
	if (count == 0)
		return refuse(ans, 404, alot_error_set(err, ALOT_ERR_NOT_FOUND,
		              "unknown log \"%s\"", req->checkpoint.origin));
	rc = alot_note_verify(&req->note, trusted, count, verified, NULL, err);
	if (rc == ALOT_ERR_VERIFY)
		return refuse(ans, 403, rc);
	if (rc != ALOT_OK)
		return rc;
	for (i = 0; i < count; i++)
		if (verified[i])
			return ALOT_OK;
	return refuse(ans, 403, alot_error_set(err, ALOT_ERR_VERIFY,
	              "checkpoint of \"%s\" has no signature by a trusted key of that log",
	              req->checkpoint.origin));
}

/* 422 unless the new checkpoint extends the stored one (size old, or nothing). */
static alot_code
check_consistency(const witness_request *req, int found, const alot_checkpoint *stored,
                  witness_answer *ans, alot_error *err)
{
	const alot_checkpoint *cp = &req->checkpoint;
	unsigned char empty[ALOT_HASH_LEN];
	alot_code rc;

	alot_tlog_empty_root(empty);
	if (cp->size == 0 && !alot_ct_equal(cp->root, empty, ALOT_HASH_LEN))
		return refuse(ans, 422, alot_error_set(err, ALOT_ERR_VERIFY,
		              "checkpoint of size 0 does not have the empty tree's root"));
	if (req->old_size == 0 && req->proof_len != 0)
		return refuse(ans, 422, alot_error_set(err, ALOT_ERR_VERIFY,
		              "consistency proof given from old size 0"));
	if (!found)
		return ALOT_OK;
	rc = alot_tlog_verify_consistency(stored->size, cp->size, stored->root, cp->root,
	                                  (const unsigned char (*)[ALOT_HASH_LEN])req->proof,
	                                  req->proof_len, err);
	if (rc == ALOT_ERR_VERIFY || rc == ALOT_ERR_INVALID) {
		if (stored->size == cp->size)
			alot_error_set(err, ALOT_ERR_VERIFY,
			               "checkpoint of \"%s\" at size %llu has another root than the one cosigned",
			               cp->origin, (unsigned long long)cp->size);
		else
			alot_error_prefix(err, "checkpoint of \"%s\"", cp->origin);
		return refuse(ans, 422, ALOT_ERR_VERIFY);
	}
	return rc;
}

/* 1 when the stored note (len bytes of text) has the same checkpoint text as the request's. */
static int
same_checkpoint(const char *text, size_t len, const witness_request *req)
{
	alot_note note;
	int same;

	memset(&note, 0, sizeof(note));
	same = alot_note_parse(text, len, &note, NULL) == ALOT_OK && note.text_len == req->note.text_len &&
	       memcmp(note.text, req->note.text, note.text_len) == 0;
	alot_note_free(&note);
	return same;
}

/*
 * The stored cosignature line when it is the witness's valid cosignature
 * of the request's checkpoint text (*line malloc()ed), else *line NULL:
 * none stored, or the previous checkpoint's after a crash.
 */
static alot_code
stored_cosignature(const witness_config *cfg, const witness_request *req, char **line,
                   alot_error *err)
{
	alot_note note;
	char *stored = NULL, *msg = NULL;
	int found = 0, verified = 0;
	size_t n;
	alot_code rc;

	*line = NULL;
	memset(&note, 0, sizeof(note));
	if ((rc = witness_state_read_cosignature(&cfg->state, &found, &stored, err)) != ALOT_OK || !found)
		goto out;
	n = strlen(stored);
	if (n == 0 || stored[n - 1] != '\n' || memchr(stored, '\n', n - 1) != NULL)
		goto out; /* not one line: ignored, and replaced */
	if ((msg = malloc(req->note.text_len + 1 + n)) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(msg, req->note.text, req->note.text_len);
	msg[req->note.text_len] = '\n';
	memcpy(msg + req->note.text_len + 1, stored, n);
	if (alot_note_parse(msg, req->note.text_len + 1 + n, &note, NULL) == ALOT_OK &&
	    alot_note_verify(&note, &cfg->self, 1, &verified, NULL, NULL) == ALOT_OK && verified) {
		*line = stored;
		stored = NULL;
	}
out:
	alot_note_free(&note);
	free(msg);
	free(stored);
	return rc;
}

/* Cosign the request's checkpoint with the current time into *line (malloc()ed). */
static alot_code
cosign(const witness_config *cfg, const witness_request *req, char **line, alot_error *err)
{
	time_t now = time(NULL);

	if (now < 1)
		return alot_error_set(err, ALOT_ERR_INTERNAL, "the system clock is before 1970");
	return alot_note_cosign_line(cfg->key, cfg->name, req->note.text, req->note.text_len,
	                             (uint64_t)now, line, err);
}

/*
 * Under the log's lock: 409, 422, or the answer's cosignature in
 * ans->line: the stored one when the request is the checkpoint cosigned
 * last, else a new one, stored durably with the new state first.
 */
static alot_code
check_and_update(witness_config *cfg, const witness_request *req, witness_answer *ans,
                 alot_error *err)
{
	witness_state *state = &cfg->state;
	alot_checkpoint stored;
	char *text = NULL, *line = NULL;
	size_t len = 0;
	int found = 0;
	alot_code rc;

	memset(&stored, 0, sizeof(stored));
	if ((rc = witness_state_lock(state, req->checkpoint.origin, err)) != ALOT_OK ||
	    (rc = witness_state_read(state, req->checkpoint.origin, &found, &text, &len,
	                             &stored, err)) != ALOT_OK)
		goto out;
	if (req->old_size != (found ? stored.size : 0)) {
		ans->latest_size = found ? stored.size : 0;
		rc = refuse(ans, 409, alot_error_set(err, ALOT_ERR_REFUSED,
		            "old size %llu is not %llu, the size last cosigned for \"%s\"",
		            (unsigned long long)req->old_size, (unsigned long long)ans->latest_size,
		            req->checkpoint.origin));
		goto out;
	}
	if ((rc = check_consistency(req, found, &stored, ans, err)) != ALOT_OK)
		goto out;
	/*
	 * One checkpoint per size: another text of the size last cosigned (the
	 * same root with an extension line) would get a new, later timestamp,
	 * and a log could use that to move its log time (docs/witness.md).
	 */
	if (found && stored.size == req->checkpoint.size && !same_checkpoint(text, len, req)) {
		rc = refuse(ans, 422, alot_error_set(err, ALOT_ERR_VERIFY,
		            "another checkpoint of \"%s\" at size %llu was cosigned already: "
		            "this witness cosigns one checkpoint per size",
		            req->checkpoint.origin, (unsigned long long)stored.size));
		goto out;
	}
	if (found && same_checkpoint(text, len, req) &&
	    ((rc = stored_cosignature(cfg, req, &line, err)) != ALOT_OK || line != NULL))
		goto out;
	if ((rc = witness_state_write(state, req->note_text, req->note_len, err)) != ALOT_OK ||
	    (rc = cosign(cfg, req, &line, err)) != ALOT_OK ||
	    (rc = witness_state_write_cosignature(state, line, strlen(line), err)) != ALOT_OK)
		goto out;
out:
	if (rc == ALOT_OK && line != NULL) {
		ans->line = line;
		line = NULL;
	}
	free(line);
	free(text);
	return rc;
}

/* Every check of the request; ans->status is set on a refusal. */
static alot_code
check_request(witness_config *cfg, const char *body, size_t len, witness_request *req,
              witness_answer *ans, alot_error *err)
{
	alot_code rc;

	rc = witness_request_parse(body, len, req, err);
	if (rc == ALOT_ERR_INVALID)
		return refuse(ans, 400, rc);
	if (rc != ALOT_OK || (rc = check_log_signature(req, cfg->logs, cfg->log_count, ans, err)) != ALOT_OK)
		return rc;
	if (req->old_size > req->checkpoint.size)
		return refuse(ans, 400, alot_error_set(err, ALOT_ERR_INVALID,
		              "old size %llu is larger than the checkpoint's size %llu",
		              (unsigned long long)req->old_size,
		              (unsigned long long)req->checkpoint.size));
	return check_and_update(cfg, req, ans, err);
}

alot_code
witness_handle(witness_config *cfg, const char *body, size_t len, witness_answer *ans)
{
	witness_request req;
	alot_code rc;

	memset(ans, 0, sizeof(*ans));
	memset(&req, 0, sizeof(req));
	if (len > WITNESS_BODY_MAX) {
		rc = refuse(ans, 400, alot_error_set(&ans->err, ALOT_ERR_INVALID,
		            "request is larger than %d bytes", WITNESS_BODY_MAX));
		goto out;
	}
	rc = check_request(cfg, body, len, &req, ans, &ans->err);
	if (ans->status == 0 && rc == ALOT_OK)
		ans->status = 200;
out:
	witness_state_unlock(&cfg->state);
	witness_request_free(&req);
	return ans->status != 0 ? ALOT_OK : rc;
}

void
witness_answer_free(witness_answer *ans)
{
	free(ans->line);
	ans->line = NULL;
}

const char *
witness_reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Entity";
	default: return "Internal Server Error";
	}
}

alot_code
witness_config_load(const witness_options *o, witness_config *cfg, alot_error *err)
{
	alot_public_key pub;
	char *vkey = NULL;
	size_t i;
	alot_code rc = ALOT_OK;

	memset(cfg, 0, sizeof(*cfg));
	cfg->state.dir_fd = cfg->state.lock_fd = -1;
	cfg->name = o->name;
	for (i = 0; i < o->log_count; i++)
		if ((rc = load_log_key(o->logs[i], &cfg->logs[i], err)) != ALOT_OK)
			goto out;
	cfg->log_count = o->log_count;
	if ((rc = alot_signing_key_load(o->key, &cfg->key, err)) != ALOT_OK)
		goto out;
	alot_signing_key_public(cfg->key, &pub);
	if ((rc = alot_note_verifier_format(o->name, ALOT_NOTE_ALG_COSIG_V1, &pub, &vkey, err)) != ALOT_OK ||
	    (rc = alot_note_verifier_parse(vkey, strlen(vkey), &cfg->self, err)) != ALOT_OK)
		goto out;
	rc = witness_state_open(o->state, 1, &cfg->state, err);
out:
	free(vkey);
	return rc;
}

void
witness_config_free(witness_config *cfg)
{
	witness_state_close(&cfg->state);
	alot_signing_key_free(cfg->key);
	cfg->key = NULL;
}
