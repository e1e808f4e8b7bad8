/*
 * source.c - where alot-verify's input comes from: a file, standard input,
 * or, in the --url build (alot-verify-net, compiled with -DALOT_WITH_CURL),
 * an https:// URL.  A download goes through the network layer (lib/net:
 * libcurl with TLS verification on, https only, redirects too, a size
 * limit and a time limit) into an anonymous temporary file, so that it is
 * then read exactly as a file is.  The offline build has no network code
 * at all and says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "verify.h"
#ifdef ALOT_WITH_CURL
#include "net/net.h"
#endif

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
open_file(const char *name, unsigned long long limit)
{
	unsigned long long file_limit = limit >= FETCH_LEDGER_LIMIT ? FILE_LEDGER_LIMIT
	                                : limit >= FETCH_BUNDLE_LIMIT ? FILE_BUNDLE_LIMIT : 0;
	struct stat st;
	FILE *f;

	if (strcmp(name, "-") == 0)
		return stdin;
	if ((f = fopen(name, "rb")) == NULL) {
		cli_error("could not open \"%s\": %s", name, strerror(errno));
		return NULL;
	}
	/* Records and proofs are read with a bounded fread; bundles and ledgers to their end. */
	if (file_limit != 0 && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > file_limit) {
		cli_error("\"%s\" is over the limit of %llu bytes", name, file_limit);
		fclose(f);
		return NULL;
	}
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
	if (source_is_url(name)) {
		refuse_network();
		return NULL;
	}
	return open_file(name, limit);
}

#else /* ALOT_WITH_CURL */

static const char *fetch_cacert;
static long fetch_timeout = FETCH_DEFAULT_TIMEOUT;
static int fetch_ready;

int
source_configure_fetch(const char *cacert, long timeout_seconds)
{
	alot_error err;
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
	if (!fetch_ready && net_init(&err) != ALOT_OK) {
		cli_error("%s", err.message);
		return 0;
	}
	fetch_ready = 1;
	return 1;
}

void
source_cleanup(void)
{
	if (fetch_ready)
		net_cleanup();
	fetch_ready = 0;
}

/* The temporary file a download goes into. */
struct download {
	FILE *f;
	int write_errno;  /* set when the temporary file could not take the body */
};

static int
write_body(const void *data, size_t len, void *arg)
{
	struct download *d = arg;

	if (fwrite(data, 1, len, d->f) != len) {
		d->write_errno = errno ? errno : EIO;
		return 0;
	}
	return 1;
}

static FILE *
fetch(const char *url, unsigned long long limit)
{
	struct download d = { NULL, 0 };
	net_options opts;
	net_result res;
	alot_error err;
	int ok = 0;

	if (!fetch_ready && !source_configure_fetch(NULL, FETCH_DEFAULT_TIMEOUT))
		goto out;
	if ((d.f = tmpfile()) == NULL) {
		cli_error("could not fetch \"%s\": could not create a temporary file: %s", url, strerror(errno));
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.cacert = fetch_cacert;
	opts.timeout = fetch_timeout;
	opts.limit = limit;
	opts.user_agent = "alot-verify/" ALOT_VERSION;
	if (net_get(url, &opts, write_body, &d, &res, &err) != ALOT_OK) {
		if (res.failure == NET_FAIL_SINK)
			cli_error("could not fetch \"%s\": could not write a temporary file: %s", url,
			          strerror(d.write_errno));
		else
			cli_error("could not fetch \"%s\": %s", url, err.message);
		goto out;
	}
	if (fflush(d.f) != 0 || fseek(d.f, 0, SEEK_SET) != 0) {
		cli_error("could not fetch \"%s\": could not write a temporary file: %s", url, strerror(errno));
		goto out;
	}
	ok = 1;
out:
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
	return source_is_url(name) ? fetch(name, limit) : open_file(name, limit);
}

#endif /* ALOT_WITH_CURL */
