/*
 * logproof.c - alot-verify and the transparency log, offline: the
 * verifier's policy (the log's key, the witnesses' keys, how many must
 * cosign), the c2sp.org/tlog-proof files that show a record in the log
 * ("log-inclusion", "log-witnesses", and the record's log time), and a
 * consistency proof between two checkpoints ("log-consistency").  Every
 * computation is libalot's (alot/note.h, alot/tlog.h); this file matches
 * proofs to records and says what each verdict is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int
read_whole(const char *name, size_t limit, char **buf, size_t *len, int *too_long)
{
	FILE *f = NULL;
	int ok = 0;

	*len = 0;
	*too_long = 0;
	if ((*buf = malloc(limit + 2)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if ((f = source_open(name, (unsigned long long)limit + 1)) == NULL)
		goto out;
	*len = fread(*buf, 1, limit + 1, f);
	if (ferror(f)) {
		cli_error("could not read \"%s\": %s", name, strerror(errno));
		goto out;
	}
	if (*len > limit) {
		*too_long = 1;
		*len = limit;
	}
	(*buf)[*len] = '\0';
	ok = 1;
out:
	source_close(f);
	if (!ok) {
		free(*buf);
		*buf = NULL;
	}
	return ok;
}

/* A vkey file: one key of alg, a trailing newline allowed. */
static int
load_vkey(const char *name, unsigned char alg, const char *option, alot_note_verifier *out)
{
	alot_error err;
	char *text = NULL;
	size_t len;
	int too_long, ok = 0;

	if (!read_whole(name, 1024, &text, &len, &too_long))
		goto out;
	if (too_long || alot_note_verifier_parse(text, len, out, &err) != ALOT_OK) {
		cli_error("\"%s\" (%s) is not a signed-note verifier key: %s", name, option,
		          too_long ? "over 1 KiB" : err.message);
		goto out;
	}
	if (out->alg != alg) {
		cli_error("\"%s\" (%s) is a key of algorithm 0x%02x, not 0x%02x (%s)", name, option, out->alg, alg,
		          alg == ALOT_NOTE_ALG_ED25519 ? "a log's Ed25519 key" : "a witness's cosignature/v1 key");
		goto out;
	}
	ok = 1;
out:
	free(text);
	return ok;
}

int
log_load_policy(log_context *lc, const char *log_key, const char *const *witness_keys,
                size_t n, size_t quorum)
{
	size_t i;

	lc->active = 1;
	if (log_key != NULL) {
		if (!load_vkey(log_key, ALOT_NOTE_ALG_ED25519, "--log-key", &lc->policy.log))
			return 0;
		lc->have_log_key = 1;
	}
	for (i = 0; i < n; i++)
		if (!load_vkey(witness_keys[i], ALOT_NOTE_ALG_COSIG_V1, "--witness-key", &lc->policy.witnesses[i]))
			return 0;
	lc->policy.witness_count = n;
	lc->policy.quorum = quorum != 0 ? quorum : n;
	return 1;
}

int
log_load_proof(log_context *lc, const char *name)
{
	log_proof_file *more, *p;
	alot_error err;
	char *text = NULL;
	size_t len;
	int too_long, ok = 0;

	lc->active = 1;
	if ((more = realloc(lc->proofs, (lc->nproofs + 1) * sizeof(*more))) == NULL) {
		cli_error("out of memory");
		return 0;
	}
	lc->proofs = more;
	p = &lc->proofs[lc->nproofs];
	memset(p, 0, sizeof(*p));
	p->name = name;
	if (!read_whole(name, LOG_FILE_MAX, &text, &len, &too_long))
		goto out;
	lc->nproofs++;
	ok = 1;
	if (too_long)
		snprintf(p->error, sizeof(p->error), "\"%.100s\" is malformed: over the size limit of %d bytes", name,
		         LOG_FILE_MAX);
	else if (alot_tlog_proof_parse(text, len, &p->proof, &err) != ALOT_OK)
		snprintf(p->error, sizeof(p->error), "\"%.100s\" is malformed: %s", name, err.message);
	else
		p->parsed = 1;
out:
	free(text);
	return ok;
}

void
log_free(log_context *lc)
{
	size_t i;

	for (i = 0; i < lc->nproofs; i++)
		if (lc->proofs[i].parsed)
			alot_tlog_proof_free(&lc->proofs[i].proof);
	free(lc->proofs);
	memset(lc, 0, sizeof(*lc));
}

/* The k-th earliest (k >= 1) of the timestamps of the n witnesses that cosigned. */
static uint64_t
kth_earliest(const int *cosigned, const uint64_t *timestamps, size_t n, size_t k)
{
	uint64_t t[ALOT_TLOG_MAX_WITNESSES], x;
	size_t i, j, m = 0;

	for (i = 0; i < n; i++)
		if (cosigned[i])
			t[m++] = timestamps[i];
	for (i = 1; i < m; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return k >= 1 && k <= m ? t[k - 1] : 0;
}

void
check_witnesses(const log_context *lc, const alot_note *note, const char *what, alot_report *report,
                uint64_t *policy_time, size_t *cosigned)
{
	const alot_tlog_policy *p = &lc->policy;
	int by[ALOT_TLOG_MAX_WITNESSES];
	uint64_t ts[ALOT_TLOG_MAX_WITNESSES];
	alot_error err;
	size_t i;

	*policy_time = 0;
	*cosigned = 0;
	if (p->witness_count == 0) {
		alot_report_set(report, "log-witnesses", ALOT_CHECK_SKIP, "not checked: no --witness-key given");
		return;
	}
	if (alot_note_verify(note, p->witnesses, p->witness_count, by, ts, &err) != ALOT_OK) {
		alot_report_set(report, "log-witnesses", ALOT_CHECK_FAIL, "%s%s", what, err.message);
		return;
	}
	for (i = 0; i < p->witness_count; i++)
		*cosigned += by[i] != 0;
	if (*cosigned < p->quorum) {
		alot_report_set(report, "log-witnesses", ALOT_CHECK_FAIL,
		                "%scosigned by %zu of the %zu witnesses given, fewer than the %zu required",
		                what, *cosigned, p->witness_count, p->quorum);
		return;
	}
	*policy_time = kth_earliest(by, ts, p->witness_count, p->quorum);
	alot_report_set(report, "log-witnesses", ALOT_CHECK_PASS, "%s", "");
}

/* The outcome of the proofs that match one record, check by check. */
struct judgement {
	size_t matched;
	char inclusion_fail[2 * ALOT_ERROR_MESSAGE_MAX];
	char witnesses_fail[2 * ALOT_ERROR_MESSAGE_MAX];
};

/* The log key alone: the checkpoint's origin and signature, no witness. */
static alot_code
checkpoint_signed(const log_context *lc, const alot_note *note, alot_tlog_verdict *v, alot_error *err)
{
	alot_tlog_policy log_only;

	memset(&log_only, 0, sizeof(log_only));
	log_only.log = lc->policy.log;
	return alot_tlog_checkpoint_verify(note, &log_only, v, err);
}

/* One proof whose path shows the record: its checkpoint under the policy. */
static void
judge_proof(const log_context *lc, const log_proof_file *p, struct judgement *j, log_outcome *out)
{
	alot_tlog_verdict v;
	alot_report witnesses;
	alot_error err;
	uint64_t t;
	size_t cosigned;
	char what[128];

	if (!lc->have_log_key)
		return;
	snprintf(what, sizeof(what), "\"%.100s\": ", p->name);
	if (checkpoint_signed(lc, &p->proof.checkpoint, &v, &err) != ALOT_OK) {
		if (j->inclusion_fail[0] == '\0')
			snprintf(j->inclusion_fail, sizeof(j->inclusion_fail), "%s%s", what, err.message);
		return;
	}
	alot_report_init(&witnesses);
	check_witnesses(lc, &p->proof.checkpoint, what, &witnesses, &t, &cosigned);
	if (witnesses.failures != 0 && j->witnesses_fail[0] == '\0')
		snprintf(j->witnesses_fail, sizeof(j->witnesses_fail), "%s", witnesses.checks[0].message);
	/* The record's place: that of its earliest log time, else of the first proof. */
	if (!out->included || (t != 0 && (out->log_time == 0 || t < out->log_time))) {
		out->index = p->proof.index;
		out->size = p->proof.tree.size;
		out->log_time = t;
		out->cosigned = cosigned;
	}
	out->included = 1;
}

/* 1 when p's path shows leaf at p's index under its checkpoint's root. */
static int
proof_covers(const alot_tlog_proof *p, const unsigned char leaf[ALOT_HASH_LEN])
{
	return alot_tlog_verify_inclusion(leaf, p->index, p->tree.size, (const unsigned char (*)[ALOT_HASH_LEN])p->path,
	                                  p->len, p->tree.root, NULL) == ALOT_OK;
}

static void
set_log_checks(const log_context *lc, const struct judgement *j, alot_report *report, log_outcome *out)
{
	if (!lc->have_log_key) {
		alot_report_set(report, "log-inclusion", ALOT_CHECK_SKIP, "not checked: no --log-key given");
		alot_report_set(report, "log-witnesses", ALOT_CHECK_SKIP, "not checked: no --log-key given");
	} else if (j->matched == 0) {
		if (lc->nproofs == 0)
			alot_report_set(report, "log-inclusion", ALOT_CHECK_FAIL, "no log proof given for this record");
		else
			alot_report_set(report, "log-inclusion", ALOT_CHECK_FAIL,
			                "no log proof given for this record: none of the %zu given shows it at its index",
			                lc->nproofs);
		alot_report_set(report, "log-witnesses", ALOT_CHECK_SKIP, "not checked: no checkpoint includes the record");
	} else if (j->inclusion_fail[0] != '\0') {
		alot_report_set(report, "log-inclusion", ALOT_CHECK_FAIL, "%s", j->inclusion_fail);
		alot_report_set(report, "log-witnesses", ALOT_CHECK_SKIP, "not checked: the checkpoint is not the log's");
	} else {
		alot_report_set(report, "log-inclusion", ALOT_CHECK_PASS, "%s", "");
		if (lc->policy.witness_count == 0)
			alot_report_set(report, "log-witnesses", ALOT_CHECK_SKIP, "not checked: no --witness-key given");
		else if (j->witnesses_fail[0] != '\0')
			alot_report_set(report, "log-witnesses", ALOT_CHECK_FAIL, "%s", j->witnesses_fail);
		else {
			alot_report_set(report, "log-witnesses", ALOT_CHECK_PASS, "%s", "");
			out->witnessed = 1;
		}
	}
	if (report->failures != 0)
		out->log_time = 0;
}

void
check_log(log_context *lc, const unsigned char leaf[ALOT_HASH_LEN], alot_report *report, log_outcome *out)
{
	struct judgement j;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!lc->active)
		return;
	memset(&j, 0, sizeof(j));
	out->origin = lc->policy.log.name;
	out->quorum = lc->policy.quorum;
	out->witnesses = lc->policy.witness_count;
	for (i = 0; i < lc->nproofs; i++) {
		log_proof_file *p = &lc->proofs[i];

		if (!p->parsed || !proof_covers(&p->proof, leaf))
			continue;
		p->used = 1;
		j.matched++;
		judge_proof(lc, p, &j, out);
	}
	set_log_checks(lc, &j, report, out);
	out->included = alot_report_find(report, "log-inclusion")->status == ALOT_CHECK_PASS;
}

unsigned long
log_report_unused(const log_context *lc, output_format fmt)
{
	unsigned long failed = 0;
	char why[2 * ALOT_CHECK_MESSAGE_MAX];
	size_t i;

	for (i = 0; i < lc->nproofs; i++) {
		const log_proof_file *p = &lc->proofs[i];

		if (p->parsed && p->used)
			continue;
		if (p->parsed)
			snprintf(why, sizeof(why),
			         "not for any record given: its path shows no record given at index %llu of a tree of size %llu",
			         (unsigned long long)p->proof.index, (unsigned long long)p->proof.tree.size);
		print_companion_failure(fmt, p->name, "log-proof", p->parsed ? why : p->error);
		failed++;
	}
	return failed;
}

/* ---- consistency between two checkpoints ----------------------------- */

/* A checkpoint file: a signed note whose text is a checkpoint. */
struct checkpoint_file {
	const char *name;
	char *text;
	size_t len;
	int too_long;
	alot_note note;
	int parsed;
	alot_checkpoint tree;
};

/* Base64 hashes, one per line, each line ending in a newline. */
static alot_code
parse_hash_lines(const char *text, size_t len, unsigned char (*hashes)[ALOT_HASH_LEN], size_t *n,
                 alot_error *err)
{
	const char *p = text, *end = text + len, *nl;
	size_t got;

	*n = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return alot_error_set(err, ALOT_ERR_INVALID, "line %zu does not end in a newline", *n + 1);
		if (*n == ALOT_TLOG_MAX_PROOF)
			return alot_error_set(err, ALOT_ERR_INVALID, "more than %d hashes", ALOT_TLOG_MAX_PROOF);
		if (alot_base64_decode(p, (size_t)(nl - p), hashes[*n], ALOT_HASH_LEN, &got, NULL) != ALOT_OK ||
		    got != ALOT_HASH_LEN)
			return alot_error_set(err, ALOT_ERR_INVALID, "line %zu is not a base64 SHA-256 hash", *n + 1);
		(*n)++;
		p = nl + 1;
	}
	return ALOT_OK;
}

/* Read and parse one checkpoint; 0 when it could not be read. */
static int
load_checkpoint(struct checkpoint_file *c, const char *name, alot_report *report)
{
	alot_error err;

	c->name = name;
	if (!read_whole(name, ALOT_NOTE_MAX, &c->text, &c->len, &c->too_long))
		return 0;
	if (c->too_long)
		alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL, "\"%.100s\" is malformed: over %d bytes",
		                name, ALOT_NOTE_MAX);
	else if (alot_note_parse(c->text, c->len, &c->note, &err) != ALOT_OK ||
	         (c->parsed = 1, alot_checkpoint_parse(c->note.text, c->note.text_len, &c->tree, &err)) != ALOT_OK)
		alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL, "\"%.100s\" is malformed: %s", name,
		                err.message);
	return 1;
}

/* Both checkpoints the log's ("log-consistency" fails when not: 0), and their witnesses into *witnesses. */
static int
checkpoints_verify(const log_context *lc, struct checkpoint_file *cp, alot_report *report,
                   alot_check *witnesses)
{
	alot_report w[2];
	alot_tlog_verdict v;
	alot_error err;
	uint64_t t;
	size_t i, cosigned;
	char what[128];

	for (i = 0; i < 2; i++)
		if (checkpoint_signed(lc, &cp[i].note, &v, &err) != ALOT_OK) {
			alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL, "\"%.100s\": %s", cp[i].name,
			                err.message);
			return 0;
		}
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "\"%.100s\": ", cp[i].name);
		alot_report_init(&w[i]);
		check_witnesses(lc, &cp[i].note, what, &w[i], &t, &cosigned);
	}
	*witnesses = w[w[0].failures != 0 ? 0 : 1].checks[0];
	return 1;
}

static void
consistency_verdict(const struct checkpoint_file *cp, const char *proof, size_t proof_len,
                    alot_report *report)
{
	unsigned char hashes[ALOT_TLOG_MAX_PROOF][ALOT_HASH_LEN];
	const alot_checkpoint *a = &cp[0].tree, *b = &cp[1].tree;
	alot_error err;
	size_t n;

	if (a->size > b->size)
		alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL,
		                "the old checkpoint (size %llu) is larger than the new one (size %llu): a rollback, "
		                "or the checkpoints are given in the wrong order",
		                (unsigned long long)a->size, (unsigned long long)b->size);
	else if (parse_hash_lines(proof, proof_len, hashes, &n, &err) != ALOT_OK)
		alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL, "the consistency proof is malformed: %s",
		                err.message);
	else if (alot_tlog_verify_consistency(a->size, b->size, a->root, b->root,
	                                      (const unsigned char (*)[ALOT_HASH_LEN])hashes, n, &err) != ALOT_OK)
		alot_report_set(report, "log-consistency", ALOT_CHECK_FAIL,
		                "the proof does not show that size %llu extends size %llu: %s",
		                (unsigned long long)b->size, (unsigned long long)a->size, err.message);
	else
		alot_report_set(report, "log-consistency", ALOT_CHECK_PASS, "%s", "");
}

int
log_check_consistency(const log_context *lc, const char *old_name, const char *new_name,
                      const char *proof_name, output_format fmt)
{
	struct checkpoint_file cp[2];
	alot_report report;
	alot_check witnesses;
	char *proof = NULL;
	size_t i, proof_len;
	int too_long, rc = -1;

	memset(cp, 0, sizeof(cp));
	alot_report_init(&report);
	if (!load_checkpoint(&cp[0], old_name, &report) || !load_checkpoint(&cp[1], new_name, &report) ||
	    !read_whole(proof_name, LOG_FILE_MAX, &proof, &proof_len, &too_long))
		goto out;
	if (report.failures == 0 && too_long)
		alot_report_set(&report, "log-consistency", ALOT_CHECK_FAIL,
		                "the consistency proof \"%.100s\" is over %d bytes", proof_name, LOG_FILE_MAX);
	if (report.failures == 0 && checkpoints_verify(lc, cp, &report, &witnesses)) {
		consistency_verdict(cp, proof, proof_len, &report);
		alot_report_set(&report, "log-witnesses", witnesses.status, "%s", witnesses.message);
	}
	print_consistency(fmt, old_name, new_name, lc->policy.log.name, cp[0].tree.size, cp[1].tree.size, &report);
	rc = report.failures == 0;
out:
	free(proof);
	for (i = 0; i < 2; i++) {
		if (cp[i].parsed)
			alot_note_free(&cp[i].note);
		free(cp[i].text);
	}
	return rc;
}
