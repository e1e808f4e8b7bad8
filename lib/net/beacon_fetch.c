/*
 * beacon_fetch.c - NIST Randomness Beacon 2.0 pulses over HTTPS (net.h):
 * BASE/chain/C/pulse/N and BASE/chain/C/pulse/last, each answer parsed and
 * checked with the core (alot_beacon_pulse_parse, alot_beacon_pulse_check)
 * before anything uses it, transient failures tried again with backoff,
 * and the beacon rule's search (docs/protocol.md section 12): the first
 * pulse of a chain strictly after a time, and its predecessor.
 *
 * The search: .../pulse/last; while it is not after the time, wait for
 * the pulse that should follow (until its expected time and a little, then
 * polling), at most the caller's wait.  Then the index that the period
 * puts first after the time, and from there by pulseIndex (consecutive
 * also across gaps in time): a step back twice as far each time until a
 * pulse at or before the time, then a binary search.  Real time and real
 * sleeps: the tests run a local beacon with short periods.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/net.h"

#define URL_MAX         2048
#define DEFAULT_TRIES   3
#define DEFAULT_BACKOFF 1000L   /* ms */
#define MARGIN_MAX      2000L   /* ms after a pulse's expected time before asking for it */
#define POLL_MIN        250L    /* ms between polls, at least */
#define POLL_MAX        5000L   /* ms between polls, at most */

void
net_beacon_format_time(int64_t ms, char *buf, size_t len)
{
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	char day[24];

	if (gmtime_r(&secs, &tm) == NULL || strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "%" PRId64 " ms", ms);
		return;
	}
	snprintf(buf, len, "%s.%03dZ", day, (int)(ms - (int64_t)secs * 1000));
}

void
net_beacon_doc_free(net_beacon_doc *doc)
{
	if (doc == NULL)
		return;
	free(doc->json);
	memset(doc, 0, sizeof(*doc));
}

void
net_beacon_pair_free(net_beacon_pair *pair)
{
	if (pair == NULL)
		return;
	net_beacon_doc_free(&pair->pulse);
	net_beacon_doc_free(&pair->previous);
}

/* ---- time ----------------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void ALOT_PRINTF(2, 3)
note(const net_beacon_client *c, const char *fmt, ...)
{
	char line[ALOT_ERROR_MESSAGE_MAX + ALOT_ERROR_DETAIL_MAX];
	va_list ap;

	if (c->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->note(c->note_arg, line);
}

/* ---- one pulse -------------------------------------------------------- */

/* "pulse N of chain C" or "the last pulse of chain C", into buf. */
static void
pulse_name(uint64_t chain, uint64_t index, char *buf, size_t len)
{
	if (index == NET_BEACON_LAST)
		snprintf(buf, len, "the last pulse of chain %" PRIu64, chain);
	else
		snprintf(buf, len, "pulse %" PRIu64 " of chain %" PRIu64, index, chain);
}

static alot_code
pulse_url(const net_beacon_client *c, uint64_t chain, uint64_t index, char *url, alot_error *err)
{
	const char *base = c->base_url != NULL ? c->base_url : NET_BEACON_DEFAULT_BASE;
	size_t n = strlen(base);
	int w;

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (index == NET_BEACON_LAST)
		w = snprintf(url, URL_MAX, "%.*s/chain/%" PRIu64 "/pulse/last", (int)n, base, chain);
	else
		w = snprintf(url, URL_MAX, "%.*s/chain/%" PRIu64 "/pulse/%" PRIu64, (int)n, base, chain, index);
	if (n > URL_MAX || w < 0 || w >= URL_MAX)
		return alot_error_set(err, ALOT_ERR_INVALID, "the beacon's base URL is over %d bytes", URL_MAX / 2);
	return ALOT_OK;
}

/* GET url into *body, trying again after a transient failure. */
static alot_code
get_with_retries(const net_beacon_client *c, const char *url, char **body, size_t *len,
                 net_result *res, alot_error *err)
{
	net_options opts = c->http;
	int tries = c->attempts > 0 ? c->attempts : DEFAULT_TRIES;
	long backoff = c->backoff_ms > 0 ? c->backoff_ms : DEFAULT_BACKOFF;
	alot_code rc;

	opts.limit = ALOT_BEACON_PULSE_MAX;
	for (int i = 1;; i++) {
		rc = net_get_buffer(url, &opts, body, len, res, err);
		if (rc == ALOT_OK || i >= tries || !net_transient(res))
			return rc;
		if (backoff % 1000 == 0)
			note(c, "could not fetch \"%s\": %s; trying again in %ld s", url, err->message, backoff / 1000);
		else
			note(c, "could not fetch \"%s\": %s; trying again in %ld ms", url, err->message, backoff);
		sleep_ms(backoff);
		backoff *= 2;
	}
}

/* The pulse in doc (just parsed) is the one asked for and verifies. */
static alot_code
check_doc(const net_beacon_client *c, uint64_t chain, uint64_t index, const char *name,
          net_beacon_doc *doc, alot_beacon_verdict *verdict, alot_error *err)
{
	const alot_beacon_pulse *p = &doc->pulse;
	char why[256], hex[2 * ALOT_BEACON_HASH_LEN + 1];

	if (p->chain_index != chain || (index != NET_BEACON_LAST && p->pulse_index != index))
		return alot_error_set(err, ALOT_ERR_VERIFY, "the beacon answered pulse %" PRIu64 " of chain %"
		                      PRIu64 " for %s", p->pulse_index, p->chain_index, name);
	if ((*verdict = alot_beacon_pulse_check(p, c->trust, why, sizeof(why))) != ALOT_BEACON_OK) {
		alot_error_set(err, ALOT_ERR_VERIFY, "pulse %" PRIu64 " of chain %" PRIu64 " does not verify: %s",
		               p->pulse_index, p->chain_index, why);
		if (*verdict == ALOT_BEACON_UNKNOWN_CERTIFICATE) {
			for (size_t i = 0; i < ALOT_BEACON_HASH_LEN; i++)
				snprintf(hex + 2 * i, 3, "%02x", p->certificate_id[i]);
			alot_error_detail(err, "its certificateId is %s", hex);
		}
		return ALOT_ERR_VERIFY;
	}
	if (p->period == 0)
		return alot_error_set(err, ALOT_ERR_VERIFY, "pulse %" PRIu64 " of chain %" PRIu64
		                      " is malformed: its period is 0", p->pulse_index, p->chain_index);
	return ALOT_OK;
}

alot_code
net_beacon_get(const net_beacon_client *c, uint64_t chain, uint64_t index, net_beacon_doc *out,
               alot_beacon_verdict *verdict, alot_error *err)
{
	char url[URL_MAX], name[64];
	alot_beacon_verdict v = ALOT_BEACON_OK;
	net_result res;
	alot_code rc;

	memset(out, 0, sizeof(*out));
	pulse_name(chain, index, name, sizeof(name));
	if ((rc = pulse_url(c, chain, index, url, err)) != ALOT_OK)
		goto out;
	if ((rc = get_with_retries(c, url, &out->json, &out->len, &res, err)) != ALOT_OK) {
		if (rc == ALOT_ERR_IO && res.failure == NET_FAIL_HTTP && res.http_status == 404)
			rc = ALOT_ERR_NOT_FOUND;
		alot_error_prefix(err, "could not fetch %s from \"%s\"", name, url);
		err->code = rc; /* the network's failure, or NOT_FOUND */
		goto out;
	}
	if ((rc = alot_beacon_pulse_parse(out->json, out->len, &out->pulse, err)) != ALOT_OK) {
		alot_error_prefix(err, "%s from \"%s\" is malformed", name, url);
		rc = err->code = ALOT_ERR_VERIFY;
		goto out;
	}
	rc = check_doc(c, chain, index, name, out, &v, err);
out:
	if (verdict != NULL)
		*verdict = v;
	if (rc != ALOT_OK)
		net_beacon_doc_free(out);
	return rc;
}

/* ---- the first pulse after a time ------------------------------------ */

/* The search's state: the pulses at hand and the limits. */
struct search {
	const net_beacon_client *c;
	uint64_t chain;
	int64_t after;          /* ms */
	int64_t deadline;       /* ms: the end of the wait */
	long wait_seconds;
	net_beacon_doc lo;      /* a pulse at or before after, when have_lo */
	net_beacon_doc hi;      /* a pulse after after, when have_hi */
	int have_lo, have_hi;
	alot_beacon_verdict verdict;
	int not_yet;            /* the wait ended before a pulse after the time came */
};

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Wait after last (not after the time) for the next poll: until the
 * expected time of the first pulse after the time and a margin, or a poll
 * interval when that has passed.  ALOT_ERR_NOT_FOUND when the wait ends
 * first.
 */
static alot_code
wait_for_next(struct search *s, const alot_beacon_pulse *last, int *announced, alot_error *err)
{
	int64_t period = last->period, now = now_ms(), expected, wake;
	int64_t margin = clamp(period / 4, 0, MARGIN_MAX), poll = clamp(period / 4, POLL_MIN, POLL_MAX);
	char after[32], expect[32], newest[32];

	expected = last->time_ms + period * ((s->after - last->time_ms) / period + 1);
	net_beacon_format_time(s->after, after, sizeof(after));
	net_beacon_format_time(expected, expect, sizeof(expect));
	net_beacon_format_time(last->time_ms, newest, sizeof(newest));
	if (now >= s->deadline || expected > s->deadline) {
		s->not_yet = 1;
		return alot_error_set(err, ALOT_ERR_NOT_FOUND, "no pulse of chain %" PRIu64 " after %s within %ld "
		                      "seconds: the newest is pulse %" PRIu64 " at %s, the next expected at %s",
		                      s->chain, after, s->wait_seconds, last->pulse_index, newest, expect);
	}
	if (!*announced)
		note(s->c, "waiting for the first pulse of chain %" PRIu64 " after %s: expected at %s",
		     s->chain, after, expect);
	*announced = 1;
	wake = now < expected + margin ? expected + margin : now + poll;
	sleep_ms((wake < s->deadline ? wake : s->deadline) - now);
	return ALOT_OK;
}

/* s->hi: the last pulse, once it is after the time (waiting for it when it is not yet). */
static alot_code
newest_after(struct search *s, alot_error *err)
{
	net_beacon_doc last;
	int waiting = 0, announced = 0;
	alot_code rc;

	for (;;) {
		rc = net_beacon_get(s->c, s->chain, NET_BEACON_LAST, &last, &s->verdict, err);
		if (rc == ALOT_OK && last.pulse.time_ms > s->after) {
			s->hi = last;
			s->have_hi = 1;
			return ALOT_OK;
		}
		if (rc == ALOT_OK) {
			waiting = 1;
			rc = wait_for_next(s, &last.pulse, &announced, err);
			net_beacon_doc_free(&last);
			if (rc != ALOT_OK)
				return rc;
			continue;
		}
		/* While waiting, a beacon that cannot be reached for a while is waited for too. */
		if (rc != ALOT_ERR_IO || !waiting || now_ms() >= s->deadline)
			return rc;
		note(s->c, "%s; polling again", err->message);
		sleep_ms(clamp(s->deadline - now_ms(), 0, POLL_MAX));
	}
}

/* Fetch pulse index into lo or hi, by its time. */
static alot_code
probe(struct search *s, uint64_t index, alot_error *err)
{
	net_beacon_doc doc;
	alot_code rc;

	if ((rc = net_beacon_get(s->c, s->chain, index, &doc, &s->verdict, err)) != ALOT_OK)
		return rc;
	if (doc.pulse.time_ms > s->after) {
		net_beacon_doc_free(&s->hi);
		s->hi = doc;
	} else {
		net_beacon_doc_free(&s->lo);
		s->lo = doc;
		s->have_lo = 1;
	}
	return ALOT_OK;
}

/* From s->hi (after the time) to hi and lo consecutive, lo at or before the time. */
static alot_code
narrow(struct search *s, alot_error *err)
{
	const alot_beacon_pulse *hi = &s->hi.pulse;
	int64_t k = (hi->time_ms - s->after + (int64_t)hi->period - 1) / (int64_t)hi->period;
	uint64_t guess, step = 1;
	char after[32], first[32];
	alot_code rc;

	/* The first index after the time if the pulses came at every period since. */
	guess = (uint64_t)k < hi->pulse_index ? hi->pulse_index - (uint64_t)k + 1 : 1;
	if (guess < s->hi.pulse.pulse_index && (rc = probe(s, guess, err)) != ALOT_OK)
		return rc;
	/* Back from hi, twice as far each time, to a pulse at or before the time. */
	while (!s->have_lo) {
		if (s->hi.pulse.pulse_index <= 1) {
			net_beacon_format_time(s->after, after, sizeof(after));
			net_beacon_format_time(s->hi.pulse.time_ms, first, sizeof(first));
			return alot_error_set(err, ALOT_ERR_NOT_FOUND, "chain %" PRIu64 " has no pulse at or "
			                      "before %s: its first pulse is at %s", s->chain, after, first);
		}
		uint64_t index = s->hi.pulse.pulse_index > step ? s->hi.pulse.pulse_index - step : 1;
		if ((rc = probe(s, index, err)) != ALOT_OK)
			return rc;
		step = step < UINT64_MAX / 2 ? step * 2 : step;
	}
	while (s->hi.pulse.pulse_index - s->lo.pulse.pulse_index > 1) {
		uint64_t mid = s->lo.pulse.pulse_index + (s->hi.pulse.pulse_index - s->lo.pulse.pulse_index) / 2;
		if ((rc = probe(s, mid, err)) != ALOT_OK)
			return rc;
	}
	if (s->hi.pulse.pulse_index <= s->lo.pulse.pulse_index)
		return alot_error_set(err, ALOT_ERR_VERIFY, "chain %" PRIu64 "'s pulse %" PRIu64 " at or before "
		                      "the time does not come before its pulse %" PRIu64 " after it", s->chain,
		                      s->lo.pulse.pulse_index, s->hi.pulse.pulse_index);
	return ALOT_OK;
}

alot_code
net_beacon_after(const net_beacon_client *c, uint64_t chain, int64_t after_ms, long wait_seconds,
                 net_beacon_pair *out, alot_error *err)
{
	struct search s;
	char why[256];
	alot_code rc;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.chain = chain;
	s.after = after_ms;
	s.wait_seconds = wait_seconds > 0 ? wait_seconds : 0;
	s.deadline = now_ms() + (int64_t)s.wait_seconds * 1000;
	if ((rc = newest_after(&s, err)) != ALOT_OK || (rc = narrow(&s, err)) != ALOT_OK)
		goto out;
	if (!alot_beacon_pulses_linked(&s.lo.pulse, &s.hi.pulse, why, sizeof(why))) {
		rc = alot_error_set(err, ALOT_ERR_VERIFY, "pulse %" PRIu64 " of chain %" PRIu64
		                    " is not linked to its predecessor: %s", s.hi.pulse.pulse_index, chain, why);
		goto out;
	}
	out->pulse = s.hi;
	out->previous = s.lo;
	memset(&s.hi, 0, sizeof(s.hi));
	memset(&s.lo, 0, sizeof(s.lo));
	rc = ALOT_OK;
out:
	out->verdict = s.verdict;
	out->not_yet = rc == ALOT_ERR_NOT_FOUND && s.not_yet;
	net_beacon_doc_free(&s.hi);
	net_beacon_doc_free(&s.lo);
	return rc;
}
