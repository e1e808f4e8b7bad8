/*
 * verify_beacon.c - the beacon checks of a draw under the NIST Randomness
 * Beacon rule (docs/protocol.md section 12), offline: the witness policy
 * the rule names, the freeze record's log time from its cosigned
 * checkpoint, the two pulses (certificate, signature and output value,
 * chain link), that the pulse is the first after the log time, and that
 * its output is the draw's beacon value.  Each check runs even after
 * another failed; one that lacks what another failed to establish is
 * SKIP, and says so.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/beacon.h"
#include "alot/note.h"
#include "alot/record.h"
#include "alot/tlog.h"

/* What the checks establish, step by step. */
struct beacon_state {
	alot_beacon_rule rule;
	int have_rule;
	alot_tlog_policy policy;
	int have_policy;
	uint64_t log_time, freeze_index;
	int have_time;
	alot_beacon_pulse pulse[2];     /* [0] the pulse, [1] its predecessor */
	int parsed[2];
};

static const char *const pulse_name[2] = { "the pulse", "the previous pulse" };

/* A log time as "2026-07-16T13:49:40Z", for messages. */
static const char *
utc(uint64_t t, char buf[32])
{
	struct tm tm;
	time_t when = (time_t)t;

	if (t > 253402300799ULL || gmtime_r(&when, &tm) == NULL)
		snprintf(buf, 32, "@%" PRIu64, t);
	else
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
check_policy(const alot_draw_record *d, struct beacon_state *s, alot_report *r)
{
	unsigned char hash[32];
	alot_error err;

	if (alot_beacon_rule_parse(d->lot.beacon_rule, &s->rule, &err) != ALOT_OK ||
	    s->rule.kind != ALOT_BEACON_NIST) {
		alot_report_set(r, "beacon-policy", ALOT_CHECK_FAIL, "the beacon rule is not a NIST beacon rule");
		return;
	}
	s->have_rule = 1;
	if (alot_witness_policy_parse(d->beacon.policy, d->beacon.policy_len, &s->policy, &err) != ALOT_OK) {
		alot_report_set(r, "beacon-policy", ALOT_CHECK_FAIL, "%s", err.message);
		return;
	}
	alot_witness_policy_hash(d->beacon.policy, d->beacon.policy_len, hash);
	if (!alot_ct_equal(hash, s->rule.policy_hash, sizeof(hash))) {
		alot_report_set(r, "beacon-policy", ALOT_CHECK_FAIL,
		                "the witness policy in the record is not the one the beacon rule names");
		return;
	}
	s->have_policy = 1;
	alot_report_set(r, "beacon-policy", ALOT_CHECK_PASS, "%s", "");
}

/*
 * The name of a policy witness with more than one signature line on note,
 * or NULL.  Which of two times would count is the operator's choice (it
 * orders the lines), so the rule takes a witness's one cosignature only.
 */
static const char *
witness_twice(const alot_note *note, const alot_tlog_policy *policy)
{
	for (size_t w = 0; w < policy->witness_count; w++) {
		size_t lines = 0;

		for (size_t i = 0; i < note->sig_count; i++)
			lines += note->sigs[i].key_id == policy->witnesses[w].key_id &&
			         strcmp(note->sigs[i].name, policy->witnesses[w].name) == 0;
		if (lines > 1)
			return policy->witnesses[w].name;
	}
	return NULL;
}

/*
 * The freeze is entry proof->index, in the first tree that holds it,
 * cosigned by every witness; 1 when so, with the log time in *log_time.
 */
static int
judge_log_time(const struct beacon_state *s, const alot_tlog_proof *proof, const char *freeze,
               size_t freeze_len, uint64_t *log_time, alot_report *r)
{
	unsigned char leaf[ALOT_HASH_LEN];
	alot_tlog_verdict v;
	alot_error err;
	const char *twice;

	alot_tlog_leaf_hash(freeze, freeze_len, leaf);
	if (proof->tree.extension_lines != 0) {
		/* Section 11: none.  With one, the same tree is a new text, to be cosigned at a new time. */
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "the checkpoint has %zu extension lines: the log's checkpoints have none",
		                proof->tree.extension_lines);
	} else if (proof->tree.size != proof->index + 1) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "the checkpoint is of %" PRIu64 " entries, not %" PRIu64
		                ": the first tree that holds the freeze (entry %" PRIu64 ")",
		                proof->tree.size, proof->index + 1, proof->index);
	} else if (alot_tlog_verify_inclusion(leaf, proof->index, proof->tree.size,
	                                      (const unsigned char (*)[ALOT_HASH_LEN])proof->path, proof->len,
	                                      proof->tree.root, &err) != ALOT_OK) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "the freeze record is not entry %" PRIu64 " of the checkpoint's tree: %s",
		                proof->index, err.message);
	} else if ((twice = witness_twice(&proof->checkpoint, &s->policy)) != NULL) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "witness \"%.100s\" cosigned the checkpoint more than once", twice);
	} else if (alot_tlog_checkpoint_verify(&proof->checkpoint, &s->policy, &v, &err) != ALOT_OK) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL, "the checkpoint: %s", err.message);
	} else if (v.cosigned != s->policy.witness_count) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "%zu of the policy's %zu witnesses cosigned the checkpoint: the rule takes every one",
		                v.cosigned, s->policy.witness_count);
	} else if (v.policy_time > (uint64_t)INT64_MAX / 1000) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "the log time %" PRIu64 " is beyond any pulse's time", v.policy_time);
	} else {
		*log_time = v.policy_time;
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_PASS, "%s", "");
		return 1;
	}
	return 0;
}

static void
check_log_time(const alot_draw_record *d, const char *freeze, size_t freeze_len, struct beacon_state *s,
               alot_report *r)
{
	alot_tlog_proof proof;
	alot_error err;

	if (!s->have_policy) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_SKIP, "not checked: no witness policy");
		return;
	}
	if (freeze == NULL) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL,
		                "the room's freeze record was not given: without it the log time is unknown");
		return;
	}
	if (alot_tlog_proof_parse(d->beacon.log_proof, d->beacon.log_proof_len, &proof, &err) != ALOT_OK) {
		alot_report_set(r, "beacon-log-time", ALOT_CHECK_FAIL, "the freeze's log proof: %s", err.message);
		return;
	}
	s->have_time = judge_log_time(s, &proof, freeze, freeze_len, &s->log_time, r);
	s->freeze_index = proof.index;
	alot_tlog_proof_free(&proof);
}

static void
parse_pulses(const alot_draw_record *d, struct beacon_state *s, alot_report *r)
{
	const char *doc[2] = { d->beacon.pulse, d->beacon.previous };
	size_t len[2] = { d->beacon.pulse_len, d->beacon.previous_len };
	alot_error err;

	for (int i = 0; i < 2; i++) {
		s->parsed[i] = alot_beacon_pulse_parse(doc[i], len[i], &s->pulse[i], &err) == ALOT_OK;
		if (!s->parsed[i]) {
			alot_report_set(r, "beacon-pulse", ALOT_CHECK_FAIL, "%s: %s", pulse_name[i], err.message);
			return;
		}
	}
}

static void
check_certificates(const struct beacon_state *s, const alot_beacon_trust *trust, alot_report *r)
{
	char hex[2 * ALOT_BEACON_HASH_LEN + 1];

	for (int i = 0; i < 2; i++) {
		if (!s->parsed[i]) {
			alot_report_set(r, "beacon-certificate", ALOT_CHECK_SKIP, "not checked: %s is malformed",
			                pulse_name[i]);
			return;
		}
		if (!alot_beacon_trust_has(trust, s->pulse[i].certificate_id)) {
			alot_hex_encode(s->pulse[i].certificate_id, 16, hex);
			alot_report_set(r, "beacon-certificate", ALOT_CHECK_FAIL,
			                "%s (%" PRIu64 ") is signed by certificate %s..., not one this verifier trusts",
			                pulse_name[i], s->pulse[i].pulse_index, hex);
			return;
		}
	}
	alot_report_set(r, "beacon-certificate", ALOT_CHECK_PASS, "%s", "");
}

static void
check_pulses(const struct beacon_state *s, const alot_beacon_trust *trust, alot_report *r)
{
	char why[200];

	if (alot_report_find(r, "beacon-pulse") != NULL)
		return; /* malformed: said by parse_pulses */
	for (int i = 0; i < 2; i++) {
		if (!alot_beacon_trust_has(trust, s->pulse[i].certificate_id)) {
			alot_report_set(r, "beacon-pulse", ALOT_CHECK_SKIP,
			                "not checked: %s's certificate is not trusted", pulse_name[i]);
			return;
		}
		if (alot_beacon_pulse_check(&s->pulse[i], trust, why, sizeof(why)) != ALOT_BEACON_OK) {
			alot_report_set(r, "beacon-pulse", ALOT_CHECK_FAIL, "%s (%" PRIu64 "): %s", pulse_name[i],
			                s->pulse[i].pulse_index, why);
			return;
		}
	}
	alot_report_set(r, "beacon-pulse", ALOT_CHECK_PASS, "%s", "");
}

static void
check_chain(const struct beacon_state *s, alot_report *r)
{
	char why[200];

	if (!s->parsed[0] || !s->parsed[1] || !s->have_rule) {
		alot_report_set(r, "beacon-chain", ALOT_CHECK_SKIP, "not checked: a pulse is malformed");
		return;
	}
	for (int i = 0; i < 2; i++)
		if (s->pulse[i].chain_index != s->rule.chain) {
			alot_report_set(r, "beacon-chain", ALOT_CHECK_FAIL,
			                "%s is of chain %" PRIu64 ", the rule names chain %" PRIu64, pulse_name[i],
			                s->pulse[i].chain_index, s->rule.chain);
			return;
		}
	if (!alot_beacon_pulses_linked(&s->pulse[1], &s->pulse[0], why, sizeof(why)))
		alot_report_set(r, "beacon-chain", ALOT_CHECK_FAIL, "the previous pulse and the pulse: %s", why);
	else
		alot_report_set(r, "beacon-chain", ALOT_CHECK_PASS, "%s", "");
}

static void
check_timing(const struct beacon_state *s, alot_report *r)
{
	char when[32];
	int64_t log_ms;

	if (!s->have_time || !s->parsed[0] || !s->parsed[1]) {
		alot_report_set(r, "beacon-timing", ALOT_CHECK_SKIP, "not checked: %s",
		                s->have_time ? "a pulse is malformed" : "the log time is not established");
		return;
	}
	log_ms = (int64_t)s->log_time * 1000;
	if (s->pulse[0].time_ms <= log_ms)
		alot_report_set(r, "beacon-timing", ALOT_CHECK_FAIL,
		                "the pulse (%" PRIu64 ", %.31s) is not after the freeze's log time %s",
		                s->pulse[0].pulse_index, s->pulse[0].time_stamp, utc(s->log_time, when));
	else if (s->pulse[1].time_ms > log_ms)
		alot_report_set(r, "beacon-timing", ALOT_CHECK_FAIL,
		                "the pulse (%" PRIu64 ") is not the first after the freeze's log time %s"
		                ": its predecessor (%.31s) is after it too",
		                s->pulse[0].pulse_index, utc(s->log_time, when), s->pulse[1].time_stamp);
	else
		alot_report_set(r, "beacon-timing", ALOT_CHECK_PASS, "%s", "");
}

static void
check_value(const alot_draw_record *d, const struct beacon_state *s, alot_report *r)
{
	if (!s->parsed[0])
		alot_report_set(r, "beacon-value", ALOT_CHECK_SKIP, "not checked: the pulse is malformed");
	else if (d->lot.beacon_value_len != ALOT_BEACON_HASH_LEN ||
	         !alot_ct_equal(d->lot.beacon_value, s->pulse[0].output_value, ALOT_BEACON_HASH_LEN))
		alot_report_set(r, "beacon-value", ALOT_CHECK_FAIL, "the beacon value is not the pulse's outputValue");
	else
		alot_report_set(r, "beacon-value", ALOT_CHECK_PASS, "%s", "");
}

alot_code
alot_draw_beacon_verify(const alot_draw_record *draw, const char *freeze_text, size_t freeze_len,
                        const alot_beacon_trust *trust, alot_report *report, alot_beacon_outcome *out)
{
	struct beacon_state *s = calloc(1, sizeof(*s));
	size_t failures = report->failures;
	alot_code rc = ALOT_ERR_VERIFY;

	if (s == NULL) {
		alot_report_set(report, "beacon-policy", ALOT_CHECK_FAIL, "out of memory");
		return ALOT_ERR_VERIFY;
	}
	check_policy(draw, s, report);
	check_log_time(draw, freeze_text, freeze_len, s, report);
	parse_pulses(draw, s, report);
	check_certificates(s, trust, report);
	check_pulses(s, trust, report);
	check_chain(s, report);
	check_timing(s, report);
	check_value(draw, s, report);
	if (report->failures == failures) {
		rc = ALOT_OK;
		if (out != NULL) {
			out->log_time = s->log_time;
			out->freeze_index = s->freeze_index;
			out->pulse = s->pulse[0];
			out->previous = s->pulse[1];
			out->policy = s->policy;
		}
	}
	free(s);
	return rc;
}
