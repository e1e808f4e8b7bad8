/*
 * net.h - the suite's one network layer (not part of libalot; built into
 * libalot-net.a): an HTTPS GET through libcurl (http.c), and fetching NIST
 * Randomness Beacon 2.0 pulses, each checked with the core before it is
 * returned (beacon_fetch.c).  alot-draw and alot-verify-net link it; the
 * offline alot-verify never does, and nothing here includes libcurl's
 * headers, so neither need the tools.
 *
 * Like libalot it never prints and never exits.  A failure comes back as
 * an alot_code with an alot_error whose message says why, lowercase and
 * without a period, and without the URL (the caller names what it
 * fetched: "could not fetch \"URL\": " + message); a net_result tells the
 * kinds of failure apart (time limit, HTTP status, size limit, TLS ...).
 *
 * Every alot_error argument is required (not NULL): the beacon functions
 * build their messages in it.
 *
 * Ownership: bodies and documents returned through pointers are malloc()ed
 * and belong to the caller (free(), net_beacon_doc_free(),
 * net_beacon_pair_free()).
 */
#ifndef ALOT_NET_H
#define ALOT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "alot/beacon.h"
#include "alot/error.h"

/* ---- HTTPS GET (http.c) ------------------------------------------------ */

/* Why a GET failed. */
typedef enum net_failure {
	NET_OK = 0,
	NET_FAIL_SETUP,      /* not an https:// URL, libcurl could not be set up, out of memory */
	NET_FAIL_CONNECT,    /* the host could not be resolved or reached, or the connection broke */
	NET_FAIL_TLS,        /* the TLS handshake or the server's certificate did not verify */
	NET_FAIL_PROTOCOL,   /* a scheme other than https (a redirect to http://), too many redirects */
	NET_FAIL_TIMEOUT,    /* no complete answer within the time limit */
	NET_FAIL_HTTP,       /* an HTTP status of 400 or more: see http_status */
	NET_FAIL_TOO_LARGE,  /* the body is over the size limit */
	NET_FAIL_CUT_SHORT,  /* the body ended before the length the server announced */
	NET_FAIL_SINK,       /* the caller's sink refused a piece of the body */
	NET_FAIL_OTHER       /* anything else: the message says what */
} net_failure;

/* How to fetch. */
typedef struct net_options {
	const char *cacert;            /* PEM CA bundle to trust; NULL: the system's */
	long timeout;                  /* seconds for the whole request; <= 0: 60 */
	long connect_timeout;          /* seconds to connect; <= 0: the smaller of timeout and 10 */
	unsigned long long limit;      /* the most bytes the body may hold; 0: no limit */
	const char *user_agent;        /* NULL: "alot/VERSION" */
} net_options;

/* What a GET came to, failed or not. */
typedef struct net_result {
	net_failure failure;
	long http_status;              /* the last answer's HTTP status; 0 when none came */
	unsigned long long size;       /* bytes of the body taken */
} net_result;

/*
 * Set up libcurl once per process (net_get does it when needed; calling it
 * first fails early and cleanly).  ALOT_ERR_IO "could not initialize
 * libcurl" on failure.  net_cleanup() undoes it; both may be called again.
 */
alot_code net_init(alot_error *err) ALOT_WARN_UNUSED;
void net_cleanup(void);

/* Takes each piece of the body in turn; returns 0 to stop (NET_FAIL_SINK). */
typedef int (*net_sink)(const void *data, size_t len, void *arg);

/*
 * GET url: https only (redirects too, at most 5), TLS 1.2 or later with
 * the peer and host name verified, within opts' time and size limits,
 * every byte of a 2xx body handed to sink.  ALOT_OK, or ALOT_ERR_IO (the
 * network, the server, or the sink failed: res->failure says which) or
 * ALOT_ERR_INVALID (url is not https://) with err's message saying why:
 *   "the answer is over the size limit of N bytes"
 *   "no complete answer within N seconds"
 *   "the server answered HTTP status N"
 *   "the answer was cut short after N bytes"
 *   libcurl's own words otherwise ("SSL certificate problem: ...").
 * res (required) is filled on every path.
 */
alot_code net_get(const char *url, const net_options *opts, net_sink sink, void *arg,
                  net_result *res, alot_error *err) ALOT_WARN_UNUSED;

/*
 * net_get into memory: *body (malloc()ed, NUL-terminated beyond *len
 * bytes, owned by the caller) on ALOT_OK, NULL otherwise.  A sink
 * failure here is running out of memory (ALOT_ERR_NOMEM).
 */
alot_code net_get_buffer(const char *url, const net_options *opts, char **body, size_t *len,
                         net_result *res, alot_error *err) ALOT_WARN_UNUSED;

/* 1 when trying the same GET again later may help: a time limit, 5xx, 429, cut short, a broken connection. */
int net_transient(const net_result *res);

/* ---- NIST beacon pulses (beacon_fetch.c) ------------------------------- */

#define NET_BEACON_DEFAULT_BASE "https://beacon.nist.gov/beacon/2.0"
#define NET_BEACON_LAST UINT64_MAX /* the index that means BASE/chain/C/pulse/last */

/* How to reach the beacon, and whom to believe. */
typedef struct net_beacon_client {
	const char *base_url;              /* NULL: NET_BEACON_DEFAULT_BASE; no trailing slash needed */
	net_options http;                  /* cacert and time limits; the size limit is ALOT_BEACON_PULSE_MAX */
	const alot_beacon_trust *trust;    /* the certificates a pulse may be signed with (required) */
	int attempts;                      /* tries of one request on a transient failure; <= 0: 3 */
	long backoff_ms;                   /* the wait before the first retry, doubled after each; <= 0: 1000 */
	/* Told (may be NULL) of each retry and wait, as one lowercase line: for the tool to show. */
	void (*note)(void *arg, const char *message);
	void *note_arg;
} net_beacon_client;

/* One pulse as served and as parsed. */
typedef struct net_beacon_doc {
	char *json;                        /* the exact bytes served (malloc()ed, NUL-terminated) */
	size_t len;
	alot_beacon_pulse pulse;           /* parsed, and checked under the client's trust */
} net_beacon_doc;

void net_beacon_doc_free(net_beacon_doc *doc);

/* The pulse of the beacon rule and its predecessor. */
typedef struct net_beacon_pair {
	net_beacon_doc pulse;              /* P: the first pulse of the chain strictly after the time */
	net_beacon_doc previous;           /* Q: P's predecessor (pulseIndex - 1), at or before the time */
	/* On ALOT_ERR_VERIFY: the verdict of the pulse that failed its check (ALOT_BEACON_OK when it
	 * was malformed, not the pulse asked for, or the pair is not linked). */
	alot_beacon_verdict verdict;
	/* On ALOT_ERR_NOT_FOUND: 1 when the beacon had no pulse after the time within the wait
	 * (0: it has no such chain or pulse at all, or none before the time). */
	int not_yet;
} net_beacon_pair;

void net_beacon_pair_free(net_beacon_pair *pair);

/*
 * GET BASE/chain/C/pulse/INDEX (or .../pulse/last for NET_BEACON_LAST),
 * retrying transient failures with backoff, then parse it and check it
 * (alot_beacon_pulse_check): it must be of chain C, and the pulse asked
 * for.  ALOT_OK with *out filled; ALOT_ERR_VERIFY (content: malformed, a
 * bad signature or output, an untrusted certificate, another pulse than
 * asked; *verdict, when not NULL, says which check failed); ALOT_ERR_NOT_FOUND
 * (the server has no such pulse: HTTP 404); ALOT_ERR_IO (could not fetch).
 * err's message names the pulse.  Release *out with net_beacon_doc_free().
 */
alot_code net_beacon_get(const net_beacon_client *client, uint64_t chain, uint64_t index,
                         net_beacon_doc *out, alot_beacon_verdict *verdict,
                         alot_error *err) ALOT_WARN_UNUSED;

/*
 * The first pulse P of chain C whose timeStamp is strictly after after_ms
 * (milliseconds since the epoch) and its predecessor Q: found from
 * .../pulse/last and the period, then by pulseIndex (indexes are
 * consecutive, also across gaps in time), each pulse checked.  When no
 * pulse after after_ms is published yet, waits (until its expected time
 * and a little, then polling) at most wait_seconds in all.  P and Q must
 * be linked (alot_beacon_pulses_linked) with Q at or before after_ms.
 * ALOT_OK with *out filled (exact bytes and parsed pulses);
 * ALOT_ERR_VERIFY (content, as net_beacon_get, or the pair not linked);
 * ALOT_ERR_NOT_FOUND (not published within wait_seconds; or no pulse
 * before the time: the chain starts after it); ALOT_ERR_IO (could not
 * fetch).  Release *out with net_beacon_pair_free() on every path.
 */
alot_code net_beacon_after(const net_beacon_client *client, uint64_t chain, int64_t after_ms,
                           long wait_seconds, net_beacon_pair *out, alot_error *err) ALOT_WARN_UNUSED;

/* "2026-07-16T13:49:00.000Z" for ms since the epoch, into buf (at least 32 bytes). */
void net_beacon_format_time(int64_t ms, char *buf, size_t len);

#endif /* ALOT_NET_H */
