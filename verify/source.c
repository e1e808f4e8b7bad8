/*
 * source.c - where alot-verify's input comes from: a file, standard input,
 * or, in the --url build (alot-verify-net, compiled with -DALOT_WITH_CURL),
 * an https:// URL.  A download goes through libcurl with TLS verification
 * on, https only (redirects too), a size limit and a time limit, into an
 * anonymous temporary file, so that it is then read exactly as a file is.
 * The offline build has no network code at all and says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef ALOT_WITH_CURL
#include <curl/curl.h>
#endif

#include "verify.h"

int
source_is_url(const char *name)
{
	return strncasecmp(name, "https://", 8) == 0 || strncasecmp(name, "http://", 7) == 0;
}

void
source_close(FILE *f)
{
	if (f != NULL && f != stdin)
		fclose(f);
}

FILE *
source_seekable(FILE *f, const char *name, unsigned long long limit)
{
	char buf[65536];
	unsigned long long total = 0;
	FILE *copy;
	size_t n;

	if (f == NULL || fseek(f, 0, SEEK_CUR) == 0)
		return f;
	/* A pipe or a terminal: read it once into an anonymous file. */
	if ((copy = tmpfile()) == NULL) {
		cli_error("could not buffer \"%s\": %s", name, strerror(errno));
		source_close(f);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && (total += n) <= limit)
		if (fwrite(buf, 1, n, copy) != n)
			break;
	if (total > limit) {
		cli_error("\"%s\" is over the limit of %llu bytes", name, limit);
		fclose(copy);
		copy = NULL;
	} else if (ferror(f) || ferror(copy) || fflush(copy) != 0 || fseek(copy, 0, SEEK_SET) != 0) {
		cli_error("could not read \"%s\": %s", name, strerror(errno ? errno : EIO));
		fclose(copy);
		copy = NULL;
	}
	source_close(f);
	return copy;
}

static FILE *
open_file(const char *name)
{
	FILE *f;

	if (strcmp(name, "-") == 0)
		return stdin;
	if ((f = fopen(name, "rb")) == NULL)
		cli_error("could not open \"%s\": %s", name, strerror(errno));
	return f;
}

#ifndef ALOT_WITH_CURL

static void
refuse_network(void)
{
	cli_error("this build of alot-verify works offline only: it cannot fetch URLs");
	cli_hint("download the record and its ledger, then verify the files, or use alot-verify-net");
}

int
source_configure_fetch(const char *cacert, long timeout_seconds)
{
	(void)cacert;
	(void)timeout_seconds;
	refuse_network();
	return 0;
}

void
source_cleanup(void)
{
}

FILE *
source_open(const char *name, unsigned long long limit)
{
	(void)limit;
	if (source_is_url(name)) {
		refuse_network();
		return NULL;
	}
	return open_file(name);
}

#else /* ALOT_WITH_CURL */

static const char *fetch_cacert;
static long fetch_timeout = FETCH_DEFAULT_TIMEOUT;
static int curl_ready;

int
source_configure_fetch(const char *cacert, long timeout_seconds)
{
	FILE *f;

	if (cacert != NULL) {
		/* Fail here with the file's name rather than later inside TLS. */
		if ((f = fopen(cacert, "rb")) == NULL) {
			cli_error("could not open \"%s\": %s", cacert, strerror(errno));
			return 0;
		}
		fclose(f);
	}
	fetch_cacert = cacert;
	fetch_timeout = timeout_seconds;
	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cli_error("could not initialize libcurl");
		return 0;
	}
	curl_ready = 1;
	return 1;
}

void
source_cleanup(void)
{
	if (curl_ready)
		curl_global_cleanup();
	curl_ready = 0;
}

struct download {
	FILE *f;
	unsigned long long size, limit;
	int over_limit;
	int write_errno;  /* set when the temporary file could not take the body */
};

static size_t
write_body(char *data, size_t size, size_t n, void *arg)
{
	struct download *d = arg;
	size_t len = size * n;

	if (len > d->limit - d->size) {
		d->over_limit = 1;
		return 0;
	}
	d->size += len;
	if (fwrite(data, 1, len, d->f) != len) {
		d->write_errno = errno ? errno : EIO;
		return 0;
	}
	return len;
}

static int
set_options(CURL *curl, const char *url, struct download *d, char *errbuf)
{
	long connect = fetch_timeout < 10 ? fetch_timeout : 10;

	return curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK &&
	       (fetch_cacert == NULL || curl_easy_setopt(curl, CURLOPT_CAINFO, fetch_cacert) == CURLE_OK) &&
	       curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_TIMEOUT, fetch_timeout) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->limit) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_USERAGENT, "alot-verify/" ALOT_VERSION) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body) == CURLE_OK &&
	       curl_easy_setopt(curl, CURLOPT_WRITEDATA, d) == CURLE_OK;
}

/* One line saying why url could not be fetched. */
static void
report_fetch_error(const char *url, CURL *curl, CURLcode code, const struct download *d,
                   const char *errbuf)
{
	long status = 0;

	if (d->over_limit || code == CURLE_FILESIZE_EXCEEDED)
		cli_error("could not fetch \"%s\": the answer is over the size limit of %llu bytes",
		          url, d->limit);
	else if (d->write_errno != 0)
		cli_error("could not fetch \"%s\": could not write a temporary file: %s", url, strerror(d->write_errno));
	else if (code == CURLE_OPERATION_TIMEDOUT)
		cli_error("could not fetch \"%s\": no complete answer within %ld seconds", url, fetch_timeout);
	else if (code == CURLE_HTTP_RETURNED_ERROR &&
	         curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
		cli_error("could not fetch \"%s\": the server answered HTTP status %ld", url, status);
	else if (code == CURLE_PARTIAL_FILE)
		cli_error("could not fetch \"%s\": the answer was cut short after %llu bytes", url, d->size);
	else
		cli_error("could not fetch \"%s\": %s", url, errbuf[0] ? errbuf : curl_easy_strerror(code));
}

static FILE *
fetch(const char *url, unsigned long long limit)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct download d = { NULL, 0, limit, 0, 0 };
	CURL *curl = NULL;
	CURLcode code;
	int ok = 0;

	if (!curl_ready && !source_configure_fetch(NULL, FETCH_DEFAULT_TIMEOUT))
		goto out;
	if ((d.f = tmpfile()) == NULL) {
		cli_error("could not fetch \"%s\": could not create a temporary file: %s", url, strerror(errno));
		goto out;
	}
	if ((curl = curl_easy_init()) == NULL || !set_options(curl, url, &d, errbuf)) {
		cli_error("could not fetch \"%s\": could not set up libcurl", url);
		goto out;
	}
	if ((code = curl_easy_perform(curl)) != CURLE_OK) {
		report_fetch_error(url, curl, code, &d, errbuf);
		goto out;
	}
	if (fflush(d.f) != 0 || fseek(d.f, 0, SEEK_SET) != 0) {
		cli_error("could not fetch \"%s\": could not write a temporary file: %s", url, strerror(errno));
		goto out;
	}
	ok = 1;
out:
	curl_easy_cleanup(curl);
	if (!ok && d.f != NULL) {
		fclose(d.f);
		d.f = NULL;
	}
	return d.f;
}

FILE *
source_open(const char *name, unsigned long long limit)
{
	if (strncasecmp(name, "http://", 7) == 0) {
		cli_error("refusing \"%s\": plain http:// has no TLS, so anyone on the way could "
		          "withhold or swap what you fetch", name);
		cli_hint("use the https:// address, or download the files and verify them offline");
		return NULL;
	}
	return source_is_url(name) ? fetch(name, limit) : open_file(name);
}

#endif /* ALOT_WITH_CURL */
