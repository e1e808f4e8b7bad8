/*
 * http.c - the one HTTPS GET of the suite, through libcurl: https only
 * (redirects too), TLS 1.2 or later with the peer and the host name
 * verified (optionally against a CA file of the caller's), connect and
 * total time limits, a size limit, and a failure that says why (net.h).
 * Only a 2xx answer's body reaches the caller's sink.  Never prints.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "net/net.h"

#define DEFAULT_TIMEOUT 60L /* seconds */
#define MAX_CONNECT     10L /* seconds */
#define MAX_REDIRECTS   5L

static int curl_ready;

alot_code
net_init(alot_error *err)
{
	if (curl_ready)
		return ALOT_OK;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return alot_error_set(err, ALOT_ERR_IO, "could not initialize libcurl");
	curl_ready = 1;
	return ALOT_OK;
}

void
net_cleanup(void)
{
	if (curl_ready)
		curl_global_cleanup();
	curl_ready = 0;
}

/* One transfer: where its body goes and what became of it. */
struct transfer {
	net_sink sink;
	void *arg;
	unsigned long long size, limit;
	int over_limit;
	int sink_failed;
};

static size_t
write_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t len = size * n;

	if (t->limit != 0 && len > t->limit - t->size) {
		t->over_limit = 1;
		return 0;
	}
	if (len > 0 && !t->sink(data, len, t->arg)) {
		t->sink_failed = 1;
		return 0;
	}
	t->size += len;
	return len;
}

static long
timeout_of(const net_options *opts)
{
	return opts->timeout > 0 ? opts->timeout : DEFAULT_TIMEOUT;
}

static long
connect_timeout_of(const net_options *opts)
{
	long total = timeout_of(opts);

	if (opts->connect_timeout > 0)
		return opts->connect_timeout < total ? opts->connect_timeout : total;
	return total < MAX_CONNECT ? total : MAX_CONNECT;
}

static int
set_options(CURL *curl, const char *url, const net_options *opts, struct transfer *t, char *errbuf)
{
	const char *agent = opts->user_agent != NULL ? opts->user_agent : "alot/" ALOT_VERSION;

	return curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_MAXREDIRS, MAX_REDIRECTS) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK &&
	       (opts->cacert == NULL || curl_easy_setopt(curl, CURLOPT_CAINFO, opts->cacert) == CURLE_OK) &&
	       curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect_timeout_of(opts)) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_of(opts)) == CURLE_OK &&
	       (t->limit == 0 ||
	        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->limit) == CURLE_OK) &&
	       curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_USERAGENT, agent) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_WRITEDATA, t) == CURLE_OK;
}

/* The kind of failure a libcurl code is. */
static net_failure
classify(CURLcode code)
{
	switch (code) {
	case CURLE_OK:
		return NET_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return NET_FAIL_TIMEOUT;
	case CURLE_HTTP_RETURNED_ERROR:
		return NET_FAIL_HTTP;
	case CURLE_PARTIAL_FILE:
		return NET_FAIL_CUT_SHORT;
	case CURLE_FILESIZE_EXCEEDED:
		return NET_FAIL_TOO_LARGE;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return NET_FAIL_CONNECT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return NET_FAIL_TLS;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_TOO_MANY_REDIRECTS:
		return NET_FAIL_PROTOCOL;
	default:
		return NET_FAIL_OTHER;
	}
}

/* res->failure and err's message for a transfer that ended with code. */
static alot_code
explain(CURLcode code, const net_options *opts, const struct transfer *t, const char *errbuf,
        net_result *res, alot_error *err)
{
	res->failure = t->over_limit ? NET_FAIL_TOO_LARGE : t->sink_failed ? NET_FAIL_SINK : classify(code);
	switch (res->failure) {
	case NET_OK:
		return ALOT_OK;
	case NET_FAIL_TOO_LARGE:
		return alot_error_set(err, ALOT_ERR_IO, "the answer is over the size limit of %llu bytes",
		                      t->limit);
	case NET_FAIL_SINK:
		return alot_error_set(err, ALOT_ERR_IO, "the answer could not be stored");
	case NET_FAIL_TIMEOUT:
		return alot_error_set(err, ALOT_ERR_IO, "no complete answer within %ld seconds",
		                      timeout_of(opts));
	case NET_FAIL_HTTP:
		return alot_error_set(err, ALOT_ERR_IO, "the server answered HTTP status %ld", res->http_status);
	case NET_FAIL_CUT_SHORT:
		return alot_error_set(err, ALOT_ERR_IO, "the answer was cut short after %llu bytes", t->size);
	default:
		return alot_error_set(err, ALOT_ERR_IO, "%s", errbuf[0] ? errbuf : curl_easy_strerror(code));
	}
}

alot_code
net_get(const char *url, const net_options *opts, net_sink sink, void *arg, net_result *res,
        alot_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct transfer t = { sink, arg, 0, opts->limit, 0, 0 };
	CURL *curl = NULL;
	CURLcode code;
	alot_code rc;
	size_t n;

	memset(res, 0, sizeof(*res));
	res->failure = NET_FAIL_SETUP;
	if (strncasecmp(url, "https://", 8) != 0) {
		rc = alot_error_set(err, ALOT_ERR_INVALID, "not an https:// URL");
		goto out;
	}
	if ((rc = net_init(err)) != ALOT_OK)
		goto out;
	if ((curl = curl_easy_init()) == NULL || !set_options(curl, url, opts, &t, errbuf)) {
		rc = alot_error_set(err, ALOT_ERR_IO, "could not set up libcurl");
		goto out;
	}
	code = curl_easy_perform(curl);
	if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->http_status) != CURLE_OK)
		res->http_status = 0;
	/* libcurl's own message ends with a newline at times. */
	n = strlen(errbuf);
	while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == '\r'))
		errbuf[--n] = '\0';
	if (code == CURLE_OK && (res->http_status < 200 || res->http_status > 299))
		code = CURLE_HTTP_RETURNED_ERROR;
	rc = explain(code, opts, &t, errbuf, res, err);
out:
	res->size = t.size;
	curl_easy_cleanup(curl);
	return rc;
}

/* ---- into memory ---------------------------------------------------- */

struct buffer {
	char *data;
	size_t len, cap;
};

static int
buffer_add(const void *data, size_t len, void *arg)
{
	struct buffer *b = arg;
	size_t cap;
	char *p;

	if (len >= (size_t)-1 - b->len)
		return 0;
	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len + 1)
			cap = cap > (size_t)-1 / 2 ? b->len + len + 1 : cap * 2;
		if ((p = realloc(b->data, cap)) == NULL)
			return 0;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 1;
}

alot_code
net_get_buffer(const char *url, const net_options *opts, char **body, size_t *len, net_result *res,
               alot_error *err)
{
	struct buffer b = { NULL, 0, 0 };
	alot_code rc;

	*body = NULL;
	*len = 0;
	rc = net_get(url, opts, buffer_add, &b, res, err);
	if (rc == ALOT_OK && b.data == NULL && (b.data = malloc(1)) == NULL)
		res->failure = NET_FAIL_SINK;
	if (res->failure == NET_FAIL_SINK) {
		rc = alot_error_set(err, ALOT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (rc != ALOT_OK)
		goto out;
	b.data[b.len] = '\0';
	*body = b.data;
	*len = b.len;
	b.data = NULL;
out:
	free(b.data);
	return rc;
}

int
net_transient(const net_result *res)
{
	switch (res->failure) {
	case NET_FAIL_TIMEOUT:
	case NET_FAIL_CUT_SHORT:
	case NET_FAIL_CONNECT:
		return 1;
	case NET_FAIL_HTTP:
		return res->http_status >= 500 || res->http_status == 429 || res->http_status == 408;
	default:
		return 0;
	}
}
