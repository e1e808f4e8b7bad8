/*
 * serve.c - "alot-witness serve": a small HTTP/1.1 front end speaking
 * c2sp.org/tlog-witness: POST /add-checkpoint, answered with the same
 * checks as "add-checkpoint" (check.c).  Single-threaded, one request per
 * connection (Connection: close), bounded headers and body, and a read
 * timeout so that one slow client cannot hold it for long.  Meant to run
 * behind a reverse proxy for TLS; it does not speak TLS itself.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "alot/text.h"
#include "witness.h"

#define HEADER_MAX   8192
#define IO_TIMEOUT_S 10

static const char serve_usage[] =
	"alot-witness serve answers tlog-witness add-checkpoint requests over HTTP.\n"
	"\n"
	"Usage:\n"
	"  alot-witness serve --listen HOST:PORT --state DIR --key FILE --name NAME --log VKEYFILE...\n"
	"\n"
	"Options:\n"
	"  -L, --listen=HOST:PORT\n"
	"                        the address to listen on, e.g. 127.0.0.1:7380\n"
	WITNESS_OPTIONS_USAGE
	"  -m, --max-requests=N  exit after N requests (default: serve until killed)\n"
	"  -V, --version         output version information, then exit\n"
	"  -?, --help            show this help, then exit\n"
	"\n"
	"POST /add-checkpoint only; one request per connection; no TLS (put it behind a proxy).\n";

/* One parsed HTTP request head. */
typedef struct http_head {
	char method[16];
	char path[64];
	long long content_length;   /* -1: none given */
	int chunked;
	size_t head_len;            /* bytes up to and including the blank line */
} http_head;

static int
send_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, data, len, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		data += n;
		len -= (size_t)n;
	}
	return 1;
}

static void
respond(int fd, int status, const char *type, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                 "Connection: close\r\n\r\n",
	                 status, witness_reason_phrase(status), type, strlen(body));

	if (n > 0 && (size_t)n < sizeof(head) && send_all(fd, head, (size_t)n))
		send_all(fd, body, strlen(body));
}

/* The value of header name (case-insensitive) in the head's lines, or NULL. */
static const char *
header_value(const char *head, const char *name, char *buf, size_t cap)
{
	const char *line = strstr(head, "\r\n"), *end, *v;
	size_t nlen = strlen(name);

	while (line != NULL && (line += 2, (end = strstr(line, "\r\n")) != NULL) && end != line) {
		if ((size_t)(end - line) > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			for (v = line + nlen + 1; *v == ' ' || *v == '\t'; v++)
				;
			snprintf(buf, cap, "%.*s", (int)(end - v), v);
			return buf;
		}
		line = end;
	}
	return NULL;
}

/* Parse the request line and the headers this server needs; 0 when malformed. */
static int
parse_head(const char *head, size_t head_len, http_head *h)
{
	char buf[HEADER_MAX], value[64], version[16], *end;
	const char *cl;

	/* A copy: the bytes after the head, in the caller's buffer, are the body's. */
	memcpy(buf, head, head_len);
	buf[head_len] = '\0';
	h->head_len = head_len;
	h->content_length = -1;
	if (sscanf(buf, "%15s %63s %15s", h->method, h->path, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7) != 0)
		return 0;
	if ((cl = header_value(buf, "Content-Length", value, sizeof(value))) != NULL) {
		errno = 0;
		h->content_length = strtoll(cl, &end, 10);
		if (errno != 0 || end == cl || *end != '\0' || h->content_length < 0)
			return 0;
	}
	h->chunked = header_value(buf, "Transfer-Encoding", value, sizeof(value)) != NULL;
	return 1;
}

/* Read until the blank line that ends the head; *got bytes in buf, 0 on a bad or slow client. */
static int
read_head(int fd, char *buf, size_t cap, size_t *got, size_t *head_len)
{
	ssize_t n;
	char *end;

	*got = 0;
	while (*got < cap - 1) {
		if ((n = recv(fd, buf + *got, cap - 1 - *got, 0)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return 0;
		}
		*got += (size_t)n;
		buf[*got] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			*head_len = (size_t)(end - buf) + 4;
			return 1;
		}
	}
	return 0;
}

/* The body: len bytes, the first have bytes of which came with the head. */
static char *
read_body(int fd, const char *have, size_t have_len, size_t len)
{
	char *body = malloc(len + 1);
	size_t got = have_len < len ? have_len : len;
	ssize_t n;

	if (body == NULL)
		return NULL;
	memcpy(body, have, got);
	while (got < len) {
		if ((n = recv(fd, body + got, len - got, 0)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			free(body);
			return NULL;
		}
		got += (size_t)n;
	}
	return body;
}

/* Answer a decided request: a refusal's body is why (one escaped line), logged on stderr too. */
static void
answer(int fd, const witness_answer *ans)
{
	char size[32], *why = NULL, *line = NULL;

	if (ans->status == 200) {
		respond(fd, 200, "text/plain; charset=utf-8", ans->line);
		return;
	}
	report_exit(&ans->err, 0);
	if (ans->status == 409) {
		snprintf(size, sizeof(size), "%llu\n", (unsigned long long)ans->latest_size);
		respond(fd, 409, "text/x.tlog.size", size);
		return;
	}
	why = alot_escaped(ans->err.message);
	if (why != NULL && (line = malloc(strlen(why) + 2)) != NULL)
		sprintf(line, "%s\n", why);
	respond(fd, ans->status, "text/plain; charset=utf-8", line ? line : "");
	free(line);
	free(why);
}

static void
serve_connection(int fd, witness_config *cfg)
{
	char head[HEADER_MAX], *body = NULL;
	size_t got = 0, head_len = 0;
	http_head h;
	witness_answer ans;

	memset(&ans, 0, sizeof(ans));
	if (!read_head(fd, head, sizeof(head), &got, &head_len) || !parse_head(head, head_len, &h)) {
		respond(fd, 400, "text/plain", "");
		goto out;
	}
	if (strcmp(h.path, "/add-checkpoint") != 0) {
		respond(fd, 404, "text/plain", "");
		goto out;
	}
	if (strcmp(h.method, "POST") != 0) {
		respond(fd, 405, "text/plain", "");
		goto out;
	}
	if (h.chunked || h.content_length < 0) {
		respond(fd, 411, "text/plain", "");
		goto out;
	}
	if (h.content_length > WITNESS_BODY_MAX) {
		respond(fd, 413, "text/plain", "");
		goto out;
	}
	if ((body = read_body(fd, head + head_len, got - head_len, (size_t)h.content_length)) == NULL)
		goto out;
	if (witness_handle(cfg, body, (size_t)h.content_length, &ans) != ALOT_OK) {
		report_exit(&ans.err, 0);
		respond(fd, 500, "text/plain", "");
		goto out;
	}
	answer(fd, &ans);
out:
	witness_answer_free(&ans);
	free(body);
}

static int
listen_on(const char *address)
{
	char host[256];
	const char *colon = strrchr(address, ':');
	struct addrinfo hints, *ai = NULL;
	int fd = -1, one = 1;

	if (colon == NULL || colon == address || (size_t)(colon - address) >= sizeof(host)) {
		cli_error("--listen \"%s\" is not HOST:PORT", address);
		goto out;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - address), address);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 ||
	    (fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
		cli_error("could not listen on \"%s\": %s", address, errno ? strerror(errno) : "bad address");
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	return fd;
}

static void
set_timeouts(int fd)
{
	struct timeval tv = { IO_TIMEOUT_S, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int
serve_loop(int listen_fd, witness_config *cfg, long long max_requests)
{
	long long served = 0;
	int fd;

	while (max_requests == 0 || served < max_requests) {
		if ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			cli_error("accept failed: %s", strerror(errno));
			return ALOT_EXIT_ERROR;
		}
		set_timeouts(fd);
		serve_connection(fd, cfg);
		close(fd);
		served++;
	}
	return ALOT_EXIT_OK;
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "max-requests", required_argument, NULL, 'm' },
		WITNESS_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	witness_options o;
	witness_config cfg;
	const char *address = NULL;
	long long max_requests = 0;
	char *end;
	alot_error err;
	int c, taken, listen_fd = -1, code;

	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	cfg.state.dir_fd = cfg.state.lock_fd = -1;
	if (command_preamble(argc, argv, serve_usage, &code))
		return code;
	while ((c = getopt_long(argc, argv, "L:m:" WITNESS_SHORT_OPTIONS, long_options, NULL)) != -1) {
		if (c == 'L')
			address = optarg;
		else if (c == 'm') {
			max_requests = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || max_requests < 1)
				return usage_fail("--max-requests is not a positive number");
		} else if ((taken = witness_option(c, optarg, &o)) <= 0)
			return taken < 0 ? ALOT_EXIT_ERROR : usage_error();
	}
	if (optind < argc || address == NULL)
		return usage_fail("give --listen HOST:PORT");
	if (!witness_options_complete(&o))
		return ALOT_EXIT_ERROR;
	signal(SIGPIPE, SIG_IGN);
	if (witness_config_load(&o, &cfg, &err) != ALOT_OK) {
		code = report_exit(&err, ALOT_EXIT_ERROR);
		goto out;
	}
	if ((listen_fd = listen_on(address)) < 0) {
		code = ALOT_EXIT_ERROR;
		goto out;
	}
	fprintf(stderr, "%s: listening on %s\n", cli_progname(), address);
	code = serve_loop(listen_fd, &cfg, max_requests);
out:
	if (listen_fd >= 0)
		close(listen_fd);
	witness_config_free(&cfg);
	return code;
}
