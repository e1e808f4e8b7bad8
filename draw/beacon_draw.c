/*
 * beacon_draw.c - draws under the NIST Randomness Beacon rule
 * (docs/protocol.md section 12), alot-draw's side: the witness policy a
 * commitment binds, and the pulses of a draw, fixed before the seed is
 * unsealed.
 *
 * The room's freeze record is entry i of the transparency log.  Its log
 * time is that of the checkpoint of size i + 1 (the first tree that holds
 * it), which every witness of the room's policy must have cosigned: the
 * K-th earliest of their stored cosignatures.  The pulse is the first of
 * the rule's chain strictly after that time, with its predecessor: given
 * as files exactly as NIST served them (air-gapped), or fetched (lib/net).
 * Before anything is stored, the would-be record's beacon evidence passes
 * every beacon check of the core (alot_draw_beacon_verify), as a verifier
 * will run them; then the pulses, the proof of the freeze and the log time
 * go into room_draw_beacons, with the start of the draw, in one
 * transaction.  A draw run again reads them back: its record signs the
 * same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alot/beacon.h"
#include "alot/db.h"
#include "alot/note.h"
#include "alot/record.h"
#include "alot/text.h"
#include "alot/tlog.h"
#include "draw.h"
#include "net/net.h"

#define BEACON_FETCH_TIMEOUT 30L /* seconds per request */

void
beacon_options_defaults(struct beacon_options *b)
{
	memset(b, 0, sizeof(*b));
	b->wait = BEACON_DEFAULT_WAIT;
}

int
beacon_rule_is_nist(const char *rule)
{
	alot_beacon_rule parsed;

	return alot_beacon_rule_parse(rule, &parsed, NULL) == ALOT_OK && parsed.kind == ALOT_BEACON_NIST;
}

int
draw_read_file(const char *path, size_t max, const char *what, char **out, size_t *len)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0;
	int rc = ALOT_EXIT_ERROR;

	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		goto out;
	}
	if ((buf = malloc(max + 2)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		cli_error("could not read %s \"%s\": %s", what, path, strerror(errno ? errno : EIO));
		goto out;
	}
	if (n > max) {
		cli_error("%s \"%s\" is larger than %zu bytes", what, path, max);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = ALOT_EXIT_OK;
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}

/* ---- the witness policy (commit) -------------------------------------- */

int
witness_policy_load(const char *path, char **text, size_t *len, alot_tlog_policy *policy,
                    unsigned char hash[32])
{
	alot_error err;
	int rc;

	if ((rc = draw_read_file(path, ALOT_WITNESS_POLICY_MAX, "witness policy", text, len)) != ALOT_EXIT_OK)
		return rc;
	if (alot_witness_policy_parse(*text, *len, policy, &err) != ALOT_OK) {
		cli_error("witness policy \"%s\": %s", path, err.message);
		free(*text);
		*text = NULL;
		return ALOT_EXIT_FAILED;
	}
	alot_witness_policy_hash(*text, *len, hash);
	return ALOT_EXIT_OK;
}

static const char newest_note_sql[] = "SELECT origin, note FROM log_checkpoints ORDER BY size DESC LIMIT 1";

alot_code
witness_policy_check_log(PGconn *conn, const char *path, const alot_tlog_policy *policy, alot_error *err)
{
	PGresult *res = NULL;
	alot_note note;
	const char *note_text;
	int verified = 0;
	alot_code rc;

	memset(&note, 0, sizeof(note));
	if ((rc = alot_db_exec(conn, newest_note_sql, 0, NULL, &res, err)) != ALOT_OK || PQntuples(res) == 0)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 0), policy->log.name) != 0) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED,
		                    "witness policy \"%s\": its log key is the key of \"%s\", not of this database's log \"%s\"",
		                    path, policy->log.name, PQgetvalue(res, 0, 0));
		goto out;
	}
	/* The name is not enough: the key must be the one that signs the log's checkpoints. */
	note_text = PQgetvalue(res, 0, 1);
	if (alot_note_parse(note_text, strlen(note_text), &note, err) != ALOT_OK ||
	    alot_note_verify(&note, &policy->log, 1, &verified, NULL, err) != ALOT_OK || !verified)
		rc = alot_error_set(err, ALOT_ERR_REFUSED,
		                    "witness policy \"%s\": its log key did not sign the checkpoints of this database's log \"%s\"",
		                    path, policy->log.name);
out:
	alot_note_free(&note);
	PQclear(res);
	return rc;
}

/* ---- the log time of the freeze ---------------------------------------- */

/* What a room under the rule draws with, as read from the database. */
struct beacon_inputs {
	char rule[ALOT_BEACON_RULE_MAX + 1];
	alot_beacon_rule parsed;
	char *policy_text;             /* witness_policies.policy */
	alot_tlog_policy policy;
	char *freeze_text;             /* room_freezes.record */
	uint64_t freeze_index;
	log_checkpoint cp;             /* the checkpoint of size freeze_index + 1 */
	uint64_t log_time;
	char *proof;                   /* the tlog-proof of the freeze against cp */
};

static void
beacon_inputs_free(struct beacon_inputs *in)
{
	free(in->policy_text);
	free(in->freeze_text);
	free(in->proof);
	log_checkpoint_free(&in->cp);
	memset(in, 0, sizeof(*in));
}

static const char room_rule_sql[] =
	"SELECT c.beacon_rule, w.policy, f.record"
	"  FROM ONLY room_commitments c"
	"  LEFT JOIN witness_policies w ON w.hash = decode(substring(c.beacon_rule FROM 'policy=([0-9a-f]{64})$'), 'hex')"
	"  LEFT JOIN ONLY room_freezes f ON f.room_id = c.room_id"
	" WHERE c.room_id = $1";

/* The room's rule, its policy (parsed) and its freeze record. */
static alot_code
read_rule(PGconn *conn, const char *room, struct beacon_inputs *in, alot_error *err)
{
	const char *params[] = { room };
	PGresult *res = NULL;
	alot_code rc;

	if ((rc = alot_db_exec(conn, room_rule_sql, 1, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) != 1) {
		rc = alot_error_set(err, ALOT_ERR_REFUSED, "room %s has no seed commitment", room);
		goto out;
	}
	snprintf(in->rule, sizeof(in->rule), "%s", PQgetvalue(res, 0, 0));
	if (alot_beacon_rule_parse(in->rule, &in->parsed, err) != ALOT_OK || in->parsed.kind != ALOT_BEACON_NIST) {
		rc = alot_error_set(err, ALOT_ERR_INTERNAL, "room %s is not committed under a NIST beacon rule", room);
		goto out;
	}
	if (PQgetisnull(res, 0, 1)) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "room %s: the witness policy its beacon rule names is not stored",
		                    room);
		goto out;
	}
	if (PQgetisnull(res, 0, 2)) {
		rc = alot_error_set(err, ALOT_ERR_INTERNAL, "room %s is not frozen", room);
		goto out;
	}
	if ((in->policy_text = strdup(PQgetvalue(res, 0, 1))) == NULL ||
	    (in->freeze_text = strdup(PQgetvalue(res, 0, 2))) == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (alot_witness_policy_parse(in->policy_text, strlen(in->policy_text), &in->policy, err) != ALOT_OK) {
		alot_error_prefix(err, "room %s: its stored witness policy", room);
		rc = err->code = ALOT_ERR_VERIFY;
	}
out:
	PQclear(res);
	return rc;
}

/* A log time as "2026-07-16T13:49:00Z", in one of two static buffers used in turn. */
static const char *
log_time_text(uint64_t t)
{
	static char ring[2][32];
	static unsigned next;
	char *out = ring[next++ % 2];
	time_t secs = (time_t)t;
	struct tm tm;

	if (t > (uint64_t)INT64_MAX / 1000 || gmtime_r(&secs, &tm) == NULL ||
	    strftime(out, sizeof(ring[0]), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, sizeof(ring[0]), "%" PRIu64, t);
	return out;
}

/* The hint after a refusal for want of the checkpoint or its cosignatures. */
static void
hint_log_steps(uint64_t size)
{
	cli_hint("run \"alot-draw log checkpoint --size %" PRIu64 "\" and \"alot-draw log witness --size %" PRIu64
	         "\" with every witness of the room's policy, then execute again",
	         size, size);
}

/*
 * The checkpoint of size freeze_index + 1, cosigned by every witness of the
 * policy, and its log time; prints why not and returns an exit code.
 */
static int
read_log_time(PGconn *conn, const char *room, struct beacon_inputs *in)
{
	int verified[ALOT_TLOG_MAX_WITNESSES] = { 0 };
	char missing[ALOT_TLOG_MAX_WITNESSES * (ALOT_NOTE_NAME_MAX + 3)], *name;
	uint64_t size;
	alot_tlog_verdict verdict;
	alot_note note;
	alot_error err;
	size_t i, absent = 0, used = 0;
	int rc = ALOT_EXIT_FAILED;

	memset(&note, 0, sizeof(note));
	missing[0] = '\0';
	if (log_record_index(conn, "freeze", room, &in->freeze_index, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_NOT_FOUND ? report_failure(&err) : db_failure("could not read the log", &err);
		goto out;
	}
	size = in->freeze_index + 1;
	if (log_checkpoint_at(conn, size, &in->cp, &err) != ALOT_OK) {
		if (err.code != ALOT_ERR_NOT_FOUND) {
			rc = db_failure("could not read the log", &err);
			goto out;
		}
		cli_error("room %s: its freeze record is log entry %" PRIu64 ", and the log has no checkpoint of size %" PRIu64
		          ": its log time is unknown", room, in->freeze_index, size);
		hint_log_steps(size);
		goto out;
	}
	if (alot_note_parse(in->cp.cosigned, strlen(in->cp.cosigned), &note, &err) != ALOT_OK ||
	    alot_note_verify(&note, in->policy.witnesses, in->policy.witness_count, verified, NULL, &err) != ALOT_OK) {
		cli_error("room %s: the stored cosignatures of checkpoint %" PRIu64 " do not verify: %s", room, size,
		          err.message);
		goto out;
	}
	for (i = 0; i < in->policy.witness_count; i++) {
		if (verified[i] || (name = alot_escaped(in->policy.witnesses[i].name)) == NULL)
			continue;
		used += (size_t)snprintf(missing + used, sizeof(missing) - used, "%s%s", absent ? ", " : "", name);
		absent++;
		free(name);
	}
	if (absent > 0) {
		cli_error("room %s: checkpoint %" PRIu64 ", the first that holds its freeze record, lacks the cosignature "
		          "of %zu of the %zu witnesses of its policy: %s", room, size, absent, in->policy.witness_count,
		          missing);
		hint_log_steps(size);
		goto out;
	}
	if (alot_tlog_checkpoint_verify(&note, &in->policy, &verdict, &err) != ALOT_OK) {
		cli_error("room %s: checkpoint %" PRIu64 " does not satisfy its witness policy: %s", room, size, err.message);
		goto out;
	}
	in->log_time = verdict.policy_time;
	if (log_entry_proof(conn, in->freeze_index, &in->cp, &in->proof, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not read the log", &err) : report_failure(&err);
		goto out;
	}
	rc = ALOT_EXIT_OK;
out:
	alot_note_free(&note);
	return rc;
}

/* ---- checking the pulses as a verifier will ----------------------------- */

/* rec's beacon evidence and value from the two documents, in->proof and in->policy_text. */
static alot_code
fill_evidence(alot_draw_record *rec, const char *rule, const char *pulse, size_t pulse_len, const char *previous,
              size_t previous_len, const char *proof, const char *policy, alot_error *err)
{
	alot_beacon_evidence *b = &rec->beacon;
	alot_beacon_pulse *p = malloc(sizeof(*p));
	size_t proof_len = strlen(proof), policy_len = strlen(policy);

	if (p == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if (pulse_len > sizeof(b->pulse) || previous_len > sizeof(b->previous) || proof_len > sizeof(b->log_proof) ||
	    policy_len > sizeof(b->policy)) {
		free(p);
		return alot_error_set(err, ALOT_ERR_VERIFY, "the beacon evidence is larger than a draw record holds");
	}
	if (rule != rec->lot.beacon_rule)
		snprintf(rec->lot.beacon_rule, sizeof(rec->lot.beacon_rule), "%s", rule);
	rec->has_beacon = 1;
	memcpy(b->pulse, pulse, pulse_len);
	b->pulse_len = pulse_len;
	memcpy(b->previous, previous, previous_len);
	b->previous_len = previous_len;
	memcpy(b->log_proof, proof, proof_len);
	b->log_proof_len = proof_len;
	memcpy(b->policy, policy, policy_len);
	b->policy_len = policy_len;
	/* beacon_value = P.outputValue; a pulse that does not parse leaves it empty (beacon-pulse says why). */
	rec->lot.beacon_value_len = 0;
	if (alot_beacon_pulse_parse(pulse, pulse_len, p, NULL) == ALOT_OK) {
		memcpy(rec->lot.beacon_value, p->output_value, ALOT_BEACON_HASH_LEN);
		rec->lot.beacon_value_len = ALOT_BEACON_HASH_LEN;
	}
	free(p);
	return ALOT_OK;
}

/* What failed, for the hints. */
#define FAILED_CERTIFICATE 1 /* beacon-certificate */
#define FAILED_CHOICE      2 /* beacon-timing or beacon-chain: not the pulse the rule takes */

/*
 * Every beacon check of rec (alot_draw_beacon_verify), as a verifier runs
 * them: ALOT_OK, or ALOT_ERR_VERIFY with one line printed per failed
 * check, naming it and saying why; *failed holds the FAILED_* bits.
 */
static alot_code
verify_evidence(const char *room, const alot_draw_record *rec, const char *freeze_text,
                const alot_beacon_trust *trust, int *failed, alot_error *err)
{
	alot_report *report = malloc(sizeof(*report));
	const alot_check *c;
	size_t i;
	alot_code rc;

	*failed = 0;
	if (report == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	alot_report_init(report);
	if ((rc = alot_draw_beacon_verify(rec, freeze_text, strlen(freeze_text), trust, report, NULL)) != ALOT_OK) {
		for (i = 0; i < report->count; i++) {
			c = &report->checks[i];
			if (c->status != ALOT_CHECK_FAIL)
				continue;
			if (strcmp(c->name, "beacon-certificate") == 0)
				*failed |= FAILED_CERTIFICATE;
			if (strcmp(c->name, "beacon-timing") == 0 || strcmp(c->name, "beacon-chain") == 0)
				*failed |= FAILED_CHOICE;
			cli_error("room %s: the beacon check %s failed: %s", room, c->name, c->message);
		}
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "its beacon evidence does not verify");
	}
	free(report);
	return rc;
}

#define CERTIFICATE_ADVICE \
	"the builtin certificate is NIST's: trust the certificate that signed the pulses with --beacon-cert FILE " \
	"(PEM or DER)"

static void
hint_certificate(void)
{
	cli_hint(CERTIFICATE_ADVICE);
}

/* ---- getting the pulses ---------------------------------------------------- */

/* The two documents, from the files or the network. */
struct pulse_pair {
	char *pulse, *previous;
	size_t pulse_len, previous_len;
};

static void
pulse_pair_free(struct pulse_pair *p)
{
	free(p->pulse);
	free(p->previous);
	memset(p, 0, sizeof(*p));
}

static void
print_note(void *arg, const char *message)
{
	cli_error("room %s: %s", (const char *)arg, message);
}

static int
fetch_pulses(const char *room, const struct beacon_inputs *in, const struct beacon_options *b,
             const alot_beacon_trust *trust, struct pulse_pair *out)
{
	net_beacon_client client;
	net_beacon_pair pair;
	alot_error err;
	alot_code code;
	int rc = ALOT_EXIT_ERROR;

	memset(&pair, 0, sizeof(pair));
	memset(&client, 0, sizeof(client));
	if (in->log_time > (uint64_t)INT64_MAX / 1000) {
		/* A witness's timestamp no pulse can follow: the check before signing refuses it too. */
		cli_error("room %s: the log time %llu is beyond any pulse's time", room,
		          (unsigned long long)in->log_time);
		rc = ALOT_EXIT_FAILED;
		goto out;
	}
	if (net_init(&err) != ALOT_OK) {
		cli_report(&err);
		goto out;
	}
	client.base_url = b->url;
	client.http.cacert = b->cacert;
	client.http.timeout = BEACON_FETCH_TIMEOUT;
	client.http.user_agent = "alot-draw/" ALOT_VERSION;
	client.trust = trust;
	client.note = print_note;
	client.note_arg = (void *)room;
	code = net_beacon_after(&client, in->parsed.chain, (int64_t)in->log_time * 1000, b->wait, &pair, &err);
	if (code != ALOT_OK) {
		cli_error("room %s: could not get the pulse of its beacon rule: %s", room, err.message);
		if (pair.verdict == ALOT_BEACON_UNKNOWN_CERTIFICATE)
			hint_certificate();
		else if (code == ALOT_ERR_NOT_FOUND)
			cli_hint("no pulse after the freeze's log time is published yet: execute again later, or with a "
			         "longer --beacon-wait (no other pulse may be used)");
		rc = code == ALOT_ERR_VERIFY ? ALOT_EXIT_FAILED : ALOT_EXIT_ERROR;
		goto out;
	}
	out->pulse = pair.pulse.json;
	out->pulse_len = pair.pulse.len;
	out->previous = pair.previous.json;
	out->previous_len = pair.previous.len;
	pair.pulse.json = pair.previous.json = NULL;
	rc = ALOT_EXIT_OK;
out:
	net_beacon_pair_free(&pair);
	return rc;
}

static int
get_pulses(const char *room, const struct beacon_inputs *in, const struct beacon_options *b,
           const alot_beacon_trust *trust, struct pulse_pair *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (b->pulse_file == NULL)
		return fetch_pulses(room, in, b, trust, out);
	if ((rc = draw_read_file(b->pulse_file, ALOT_BEACON_PULSE_MAX, "beacon pulse", &out->pulse,
	                         &out->pulse_len)) != ALOT_EXIT_OK ||
	    (rc = draw_read_file(b->previous_file, ALOT_BEACON_PULSE_MAX, "beacon pulse", &out->previous,
	                         &out->previous_len)) != ALOT_EXIT_OK)
		pulse_pair_free(out);
	return rc;
}

/* ---- storing them, with the start of the draw ----------------------------------- */

static const char lock_sql[] = "SELECT 1 FROM ONLY rooms WHERE id = $1 FOR UPDATE";
static const char chosen_sql[] = "SELECT 1 FROM ONLY room_draw_beacons WHERE room_id = $1";
static const char store_sql[] =
	"INSERT INTO room_draw_beacons (room_id, freeze_index, checkpoint_size, log_time, freeze_log_proof, pulse,"
	"                               previous_pulse)"
	" VALUES ($1, $2::bigint, $3::bigint, $4::bigint, $5, decode($6, 'hex'), decode($7, 'hex'))";
static const char start_sql[] =
	"INSERT INTO room_draw_starts (room_id, started_at)"
	" VALUES ($1, clock_timestamp() AT TIME ZONE 'UTC') ON CONFLICT (room_id) DO NOTHING";

static char *
hex_of(const char *data, size_t len)
{
	char *hex = malloc(2 * len + 1);

	if (hex != NULL)
		alot_hex_encode((const unsigned char *)data, len, hex);
	return hex;
}

/* One transaction: the pulses (unless a concurrent run stored them first) and the start. */
static alot_code
store_pulses(PGconn *conn, const char *room, const struct beacon_inputs *in, const struct pulse_pair *pp,
             int *stored, alot_error *err)
{
	char index[24], size[24], time_text[24], *pulse_hex = hex_of(pp->pulse, pp->pulse_len),
	     *previous_hex = hex_of(pp->previous, pp->previous_len);
	const char *params[] = { room, index, size, time_text, in->proof, pulse_hex, previous_hex };
	PGresult *res = NULL;
	alot_code rc;

	*stored = 0;
	if (pulse_hex == NULL || previous_hex == NULL) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(index, sizeof(index), "%" PRIu64, in->freeze_index);
	snprintf(size, sizeof(size), "%" PRIu64, in->freeze_index + 1);
	snprintf(time_text, sizeof(time_text), "%" PRIu64, in->log_time);
	if ((rc = alot_db_command(conn, "BEGIN", 0, NULL, err)) != ALOT_OK ||
	    (rc = alot_db_command(conn, lock_sql, 1, params, err)) != ALOT_OK ||
	    (rc = alot_db_exec(conn, chosen_sql, 1, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) == 0) {
		if ((rc = alot_db_command(conn, store_sql, 7, params, err)) != ALOT_OK)
			goto out;
		*stored = 1;
	}
	if ((rc = alot_db_command(conn, start_sql, 1, params, err)) != ALOT_OK ||
	    (rc = alot_db_command(conn, "COMMIT", 0, NULL, err)) != ALOT_OK)
		goto out;
out:
	if (rc != ALOT_OK)
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	PQclear(res);
	free(pulse_hex);
	free(previous_hex);
	return rc;
}

int
beacon_choose(PGconn *conn, const char *room, const struct beacon_options *b, const alot_beacon_trust *trust)
{
	struct beacon_inputs in;
	struct pulse_pair pp;
	alot_draw_record *rec = calloc(1, sizeof(*rec));
	alot_beacon_pulse *p = malloc(sizeof(*p));
	alot_error err;
	int rc = ALOT_EXIT_ERROR, failed = 0, stored = 0;

	memset(&in, 0, sizeof(in));
	memset(&pp, 0, sizeof(pp));
	if (rec == NULL || p == NULL) {
		cli_error("out of memory");
		goto out;
	}
	/* One snapshot of the log: the checkpoint, its cosignatures and the proof agree. */
	if (alot_db_command(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, &err) != ALOT_OK ||
	    read_rule(conn, room, &in, &err) != ALOT_OK) {
		rc = err.code == ALOT_ERR_DB ? db_failure("could not read the room", &err) : report_failure(&err);
		(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
		goto out;
	}
	rc = read_log_time(conn, room, &in);
	(void)!alot_db_command(conn, "ROLLBACK", 0, NULL, NULL);
	if (rc != ALOT_EXIT_OK || (rc = get_pulses(room, &in, b, trust, &pp)) != ALOT_EXIT_OK)
		goto out;
	/* The record's beacon evidence must pass every check a verifier runs, before it is fixed. */
	if (fill_evidence(rec, in.rule, pp.pulse, pp.pulse_len, pp.previous, pp.previous_len, in.proof, in.policy_text,
	                  &err) != ALOT_OK ||
	    verify_evidence(room, rec, in.freeze_text, trust, &failed, &err) != ALOT_OK) {
		if (err.code == ALOT_ERR_VERIFY)
			cli_error("room %s: these pulses cannot be its draw's: nothing was stored", room);
		else
			cli_report(&err);
		rc = cli_exit_for(err.code);
		if (failed & FAILED_CERTIFICATE)
			hint_certificate();
		else if ((failed & FAILED_CHOICE) && b->pulse_file != NULL)
			cli_hint("the pulse must be the first of chain %" PRIu64 " after the freeze's log time %s (%" PRIu64
			         "), and the previous pulse its predecessor, both exactly as NIST served them",
			         in.parsed.chain, log_time_text(in.log_time), in.log_time);
		goto out;
	}
	if (store_pulses(conn, room, &in, &pp, &stored, &err) != ALOT_OK) {
		rc = db_failure("could not store the pulses of the draw", &err);
		goto out;
	}
	if (stored && alot_beacon_pulse_parse(pp.pulse, pp.pulse_len, p, NULL) == ALOT_OK)
		fprintf(stderr, "%s: room %s: the freeze's log time is %s (%" PRIu64 ", checkpoint %" PRIu64
		        "); its pulse is pulse %" PRIu64 " of chain %" PRIu64 " at %.31s\n", cli_progname(), room,
		        log_time_text(in.log_time), in.log_time, in.freeze_index + 1, p->pulse_index, p->chain_index,
		        p->time_stamp);
	rc = ALOT_EXIT_OK;
out:
	beacon_inputs_free(&in);
	pulse_pair_free(&pp);
	free(rec);
	free(p);
	return rc;
}

/* ---- the draw: the stored pulses into the record ----------------------------- */

static const char stored_sql[] =
	"SELECT encode(b.pulse, 'hex'), encode(b.previous_pulse, 'hex'), b.freeze_log_proof, w.policy"
	"  FROM ONLY room_draw_beacons b JOIN ONLY room_commitments c ON c.room_id = b.room_id"
	"  JOIN witness_policies w ON w.hash = decode(substring(c.beacon_rule FROM 'policy=([0-9a-f]{64})$'), 'hex')"
	" WHERE b.room_id = $1";

/* Hex text into *out (malloc'd), *len bytes. */
static alot_code
unhex(const char *hex, char **out, size_t *len, alot_error *err)
{
	size_t n = strlen(hex) / 2;
	alot_code rc;

	if ((*out = malloc(n + 1)) == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
	if ((rc = alot_hex_decode(hex, (unsigned char *)*out, n, err)) != ALOT_OK) {
		free(*out);
		*out = NULL;
		return rc;
	}
	(*out)[n] = '\0';
	*len = n;
	return ALOT_OK;
}

alot_code
beacon_fill(PGconn *conn, const char *room, alot_draw_record *rec, alot_error *err)
{
	const char *params[] = { room };
	struct pulse_pair pp;
	PGresult *res = NULL;
	alot_code rc;

	memset(&pp, 0, sizeof(pp));
	if ((rc = alot_db_exec(conn, stored_sql, 1, params, &res, err)) != ALOT_OK)
		goto out;
	if (PQntuples(res) != 1) {
		rc = alot_error_set(err, ALOT_ERR_INTERNAL, "the pulses of its draw were not chosen");
		goto out;
	}
	if ((rc = unhex(PQgetvalue(res, 0, 0), &pp.pulse, &pp.pulse_len, err)) != ALOT_OK ||
	    (rc = unhex(PQgetvalue(res, 0, 1), &pp.previous, &pp.previous_len, err)) != ALOT_OK)
		goto out;
	rc = fill_evidence(rec, rec->lot.beacon_rule, pp.pulse, pp.pulse_len, pp.previous, pp.previous_len,
	                   PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), err);
out:
	PQclear(res);
	pulse_pair_free(&pp);
	return rc;
}

alot_code
beacon_recheck(const char *room, const alot_draw_record *rec, const char *freeze_text,
               const alot_beacon_trust *trust, alot_error *err)
{
	int failed = 0;
	alot_code rc = verify_evidence(room, rec, freeze_text, trust, &failed, err);

	if (rc != ALOT_OK && (failed & FAILED_CERTIFICATE))
		alot_error_detail(err, CERTIFICATE_ADVICE);
	return rc;
}
