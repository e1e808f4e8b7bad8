/*
 * run.c - "alot-draw run": the draw service.  It draws every room that
 * reaches funded, so that no person picks the moment of a draw: it
 * LISTENs on alot_room_funded (migration 0015 NOTIFYs it when a room is
 * funded), scans for funded rooms at start and every --poll seconds, and
 * takes each room through the steps of run_steps.c (freeze, checkpoint,
 * witness, publish, draw, export), each logged as one JSON line on
 * stdout.  --once scans once and exits (cron, tests).
 *
 * SIGTERM and SIGINT stop it: the current step finishes (or, for the draw,
 * whose pulse wait no signal interrupts, is abandoned by ending the child
 * that runs it), a "stop" line is logged, and it exits 0.  The signal
 * handler only writes to a self-pipe, which every wait polls.
 *
 * Everything any step prints on stdout goes to stderr: the JSON lines own
 * stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alot/db.h"
#include "alot/text.h"
#include "run.h"

static const char usage[] =
	"alot-draw run is the draw service: it draws every room that is funded, with no\n"
	"person choosing when.\n"
	"\n"
	"Usage:\n"
	"  alot-draw run --admin ADMIN_ID [OPTION]...\n"
	"\n"
	"Options:\n"
	"  -a, --admin=ADMIN_ID      the admin_users id the service draws as (can_execute_draws)\n"
	"  -k, --signing-key=FILE    Ed25519 private key that signs the records [$ALOT_SIGNING_KEY]\n"
	"  -s, --seal-key=FILE       seal key of the rooms' server seeds [$ALOT_SEAL_KEY]\n"
	"      --log-key=FILE        the transparency log's private key (signs checkpoints)\n"
	"      --origin=ORIGIN       the log's origin (e.g. alot.example/log)\n"
	"  -w, --witness-key=FILE    a witness's vkey (c2sp.org/signed-note, cosignature/v1)\n"
	"  -x, --witness-exec=CMD    the command that asks that witness (run with /bin/sh -c);\n"
	"                            give one after each --witness-key\n"
	"      --publish=DIR         publish the log's tiles into DIR before each draw\n"
	"      --export=DIR          write each drawn room's records into DIR\n"
	"      --poll=SECONDS        scan for funded rooms this often besides the database's\n"
	"                            notifications (default: 30)\n"
	"      --once                scan once, take every room found, then exit\n"
	"      --beacon-url=URL      the NIST beacon 2.0 API (default: NIST's)\n"
	"      --cacert=FILE         CA certificates for the beacon's HTTPS (default: the system's)\n"
	"      --beacon-cert=FILE    also trust this beacon certificate (PEM or DER); repeatable\n"
	"      --beacon-wait=SECONDS the longest a draw waits for its pulse (default: 3600)\n"
	"  -d, --dbname=CONNSTR      database connection string (default: the PG* variables)\n"
	"  -V, --version             output version information, then exit\n"
	"  -?, --help                show this help, then exit\n"
	"\n"
	"Each room is frozen, then, under a NIST beacon rule, its log checkpoint signed,\n"
	"witnessed and published, then drawn once its pulse is out, then exported. Each\n"
	"step is one JSON line on stdout; a refused step is tried again at the next scan.\n"
	"SIGTERM or SIGINT stops the service cleanly (exit 0). With --once, the exit\n"
	"status is 0 when every room went through, 1 when a step was refused, 2 when one\n"
	"could not run.\n";

#define DEFAULT_POLL 30L
#define CHANNEL "alot_room_funded"

/* ---- signals ------------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;
static int wake_fds[2] = { -1, -1 };

static void
on_stop(int sig)
{
	int saved = errno;

	stop_signal = sig;
	if (wake_fds[1] >= 0)
		(void)!write(wake_fds[1], "x", 1);
	errno = saved;
}

int
run_stopping(void)
{
	return stop_signal != 0;
}

int
run_wake_fd(void)
{
	return wake_fds[0];
}

void
run_wake_drain(void)
{
	char buf[64];

	while (read(wake_fds[0], buf, sizeof(buf)) > 0)
		;
}

/* The self-pipe and the handlers (SA_RESTART: only the waits, which poll the pipe, wake up). */
static int
signals_setup(void)
{
	struct sigaction sa;

	if (pipe2(wake_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		cli_error("could not make a pipe: %s", strerror(errno));
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) {
		cli_error("could not handle signals: %s", strerror(errno));
		return 0;
	}
	return 1;
}

/* ---- the JSON lines -------------------------------------------------------- */

static FILE *json_out;

static const char *const result_names[] = { "done", "already", "refused", "error" };

/* Now, in RFC 3339 UTC to the millisecond. */
static void
now_text(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char secs[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", secs, ts.tv_nsec / 1000000L);
}

void
run_log(const char *room, const char *step, enum run_result result, const char *fmt, ...)
{
	char when[48], raw[2048], detail[4096];
	json_t *line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	alot_escape(raw, strlen(raw), detail, sizeof(detail));
	now_text(when, sizeof(when));
	line = json_pack("{s:s, s:s?, s:s, s:s, s:s}", "time", when, "room", room, "step", step, "result",
	                 result_names[result], "detail", detail);
	/* json_dumpf: what json_dumps() returns is jansson's to free (alot_json_wipe_on_free()). */
	if (line == NULL || json_dumpf(line, json_out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
		cli_error("could not write a JSON line");
	fputc('\n', json_out);
	fflush(json_out);
	json_decref(line);
#ifdef ALOT_TEST_HOOKS
	{
		const char *crash = getenv("ALOT_RUN_CRASH_AT");

		if (crash != NULL && strcmp(crash, step) == 0 && (result == RUN_DONE || result == RUN_ALREADY))
			raise(SIGKILL);
	}
#endif
}

/*
 * stdout becomes the JSON lines' own descriptor, and descriptor 1 stderr:
 * what the commands' code prints on stdout is a diagnostic here.
 */
static int
own_stdout(void)
{
	int fd;

	fflush(stdout);
	if ((fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 || (json_out = fdopen(fd, "w")) == NULL ||
	    dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		cli_error("could not set up standard output: %s", strerror(errno));
		return 0;
	}
	return 1;
}

/* ---- the watch loop ----------------------------------------------------------- */

/* Connect and LISTEN; NULL when either fails (printed). */
static PGconn *
connect_listening(const struct run_config *cfg)
{
	PGconn *conn = draw_connect(&cfg->db);
	alot_error err;

	if (conn != NULL && !cfg->once && alot_db_command(conn, "LISTEN " CHANNEL, 0, NULL, &err) != ALOT_OK) {
		(void)db_failure("could not listen for funded rooms", &err);
		PQfinish(conn);
		conn = NULL;
	}
	return conn;
}

/* Take every notification libpq holds; 1 when there was one. */
static int
drain_notifies(PGconn *conn)
{
	PGnotify *n;
	int any = 0;

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return 0;
	(void)PQconsumeInput(conn);
	while ((n = PQnotifies(conn)) != NULL) {
		any = 1;
		PQfreemem(n);
	}
	return any;
}

/*
 * Wait up to seconds for a notification, a stop or the time to pass.
 * Returns 1 when a notification came.
 */
static int
wait_for_news(PGconn *conn, long seconds)
{
	struct timespec start, now;
	long left_ms = seconds * 1000L;
	int sock = conn != NULL && PQstatus(conn) == CONNECTION_OK ? PQsocket(conn) : -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!run_stopping() && left_ms > 0) {
		struct pollfd p[2] = { { run_wake_fd(), POLLIN, 0 }, { sock, POLLIN, 0 } };
		int n = poll(p, sock >= 0 ? 2 : 1, left_ms > INT_MAX ? INT_MAX : (int)left_ms);

		if (n > 0 && (p[0].revents & POLLIN))
			run_wake_drain();
		if (n > 0 && sock >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (drain_notifies(conn))
				return 1;
			if (PQstatus(conn) != CONNECTION_OK)
				return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ms = seconds * 1000L - ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L);
	}
	return 0;
}

/* One scan: every room it finds, in order.  The worst exit code of them. */
static int
scan_once(PGconn *conn, const struct run_config *cfg, char stopped_in[ALOT_UUID_STRLEN])
{
	char **rooms = NULL;
	const char *held_by = NULL;
	size_t n = 0, i;
	int rc = ALOT_EXIT_OK, one, abandoned = 0, unwitnessed = 0;

	if (run_scan(conn, cfg, &rooms, &n) != ALOT_OK)
		return ALOT_EXIT_ERROR;
	/* Rooms come in the order of their freezes: the first one not witnessed holds the later ones. */
	for (i = 0; i < n && !run_stopping() && PQstatus(conn) == CONNECTION_OK; i++) {
		one = run_room(conn, cfg, rooms[i], held_by, &abandoned, &unwitnessed);
		if (unwitnessed && held_by == NULL)
			held_by = rooms[i];
		if (abandoned)
			snprintf(stopped_in, ALOT_UUID_STRLEN, "%s", rooms[i]);
		if (one > rc)
			rc = one;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		cli_error("the connection to the database was lost");
		rc = ALOT_EXIT_ERROR;
	}
	run_rooms_free(rooms, n);
	return rc;
}

static int
serve(struct run_config *cfg)
{
	char stopped_in[ALOT_UUID_STRLEN] = "";
	PGconn *conn = NULL;
	int rc = ALOT_EXIT_OK, one;

	while (!run_stopping()) {
		if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
			PQfinish(conn);
			if ((conn = connect_listening(cfg)) == NULL) {
				if (cfg->once) {
					rc = ALOT_EXIT_ERROR;
					break;
				}
				(void)wait_for_news(NULL, cfg->poll);
				continue;
			}
		}
		/* Notifications that came during a scan are for rooms it has taken, or will take now. */
		(void)drain_notifies(conn);
		one = scan_once(conn, cfg, stopped_in);
		if (cfg->once) {
			rc = one;
			break;
		}
		if (drain_notifies(conn))
			continue;
		(void)wait_for_news(conn, cfg->poll);
	}
	if (run_stopping()) {
		run_log(stopped_in[0] ? stopped_in : NULL, "stop", RUN_DONE, "stopped by %s%s%s",
		        stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
		        stopped_in[0] ? ": abandoned the draw of room " : "", stopped_in);
		rc = ALOT_EXIT_OK;
	}
	PQfinish(conn);
	return rc;
}

/* ---- options ------------------------------------------------------------------- */

enum {
	OPT_LOG_KEY = 256, OPT_ORIGIN, OPT_PUBLISH, OPT_EXPORT, OPT_POLL, OPT_ONCE,
	OPT_BEACON_URL, OPT_CACERT, OPT_BEACON_CERT, OPT_BEACON_WAIT
};

static int
parse_args(int argc, char **argv, struct run_config *cfg, const char **log_key_path)
{
	static const struct option long_options[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "seal-key", required_argument, NULL, 's' },
		{ "log-key", required_argument, NULL, OPT_LOG_KEY },
		{ "origin", required_argument, NULL, OPT_ORIGIN },
		{ "witness-key", required_argument, NULL, 'w' },
		{ "witness-exec", required_argument, NULL, 'x' },
		{ "publish", required_argument, NULL, OPT_PUBLISH },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "poll", required_argument, NULL, OPT_POLL },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "beacon-url", required_argument, NULL, OPT_BEACON_URL },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "beacon-cert", required_argument, NULL, OPT_BEACON_CERT },
		{ "beacon-wait", required_argument, NULL, OPT_BEACON_WAIT },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	size_t commands = 0;
	int c;

	while ((c = getopt_long(argc, argv, "a:k:s:w:x:d:", long_options, NULL)) != -1) {
		switch (c) {
		case 'a': cfg->db.admin = optarg; break;
		case 'k': cfg->db.signing_key = optarg; break;
		case 's': cfg->db.seal_key = optarg; break;
		case 'd': cfg->db.conninfo = optarg; break;
		case OPT_LOG_KEY: *log_key_path = optarg; break;
		case OPT_ORIGIN: cfg->origin = optarg; break;
		case 'w':
		case 'x':
			if ((c == 'w' ? cfg->witnesses : commands) == RUN_MAX_WITNESSES) {
				cli_error("at most %d witnesses", RUN_MAX_WITNESSES);
				return 0;
			}
			if (c == 'w')
				cfg->witness_keys[cfg->witnesses++] = optarg;
			else
				cfg->witness_commands[commands++] = optarg;
			break;
		case OPT_PUBLISH: cfg->publish_dir = optarg; break;
		case OPT_EXPORT: cfg->export_dir = optarg; break;
		case OPT_POLL:
			if (!parse_seconds_option("--poll", optarg, 1, 86400, &cfg->poll))
				return 0;
			break;
		case OPT_ONCE: cfg->once = 1; break;
		case OPT_BEACON_URL: cfg->beacon.url = optarg; break;
		case OPT_CACERT: cfg->beacon.cacert = optarg; break;
		case OPT_BEACON_CERT:
			if (!add_beacon_cert(cfg->beacon.certs, &cfg->beacon.cert_count, optarg))
				return 0;
			break;
		case OPT_BEACON_WAIT:
			if (!parse_seconds_option("--beacon-wait", optarg, 0, BEACON_MAX_WAIT, &cfg->beacon.wait))
				return 0;
			break;
		default: return 0;
		}
	}
	if (optind < argc) {
		cli_error("too many arguments");
		return 0;
	}
	if (cfg->db.admin == NULL || cfg->db.signing_key == NULL || cfg->db.seal_key == NULL) {
		cli_error("--admin, --signing-key and --seal-key are required");
		return 0;
	}
	if (cfg->witnesses != commands) {
		cli_error("give each --witness-key with its --witness-exec");
		return 0;
	}
	if ((*log_key_path == NULL) != (cfg->origin == NULL)) {
		cli_error("--log-key and --origin go together");
		return 0;
	}
	return 1;
}

/* A folder the service writes into; prints why not. */
static int
writable_dir(const char *option, const char *dir)
{
	struct stat st;

	errno = 0;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
		cli_error("%s: cannot write to folder \"%s\": %s", option, dir, errno ? strerror(errno) : "not a folder");
		return 0;
	}
	return 1;
}

static int
load_witness(const char *path, alot_note_verifier *vkey)
{
	char text[1024];
	FILE *f = fopen(path, "r");
	alot_error err;
	size_t n;

	if (f == NULL) {
		cli_error("could not read witness key \"%s\": %s", path, strerror(errno));
		return 0;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (alot_note_verifier_parse(text, n, vkey, &err) != ALOT_OK) {
		cli_error("witness key \"%s\": %s", path, err.message);
		return 0;
	}
	if (vkey->alg != ALOT_NOTE_ALG_COSIG_V1) {
		cli_error("witness key \"%s\" is not a cosignature/v1 key (type 0x04)", path);
		return 0;
	}
	return 1;
}

/* Everything the options name, read before the service starts: a bad file stops it now. */
static int
load_config(struct run_config *cfg, const char *log_key_path, alot_uuid *admin_id)
{
	alot_beacon_trust *trust = NULL;
	alot_seal_key *seal = NULL;
	alot_error err;
	size_t i;

	if (!parse_uuid_option("--admin", cfg->db.admin, admin_id))
		return ALOT_EXIT_ERROR;
	alot_uuid_format(admin_id, cfg->admin_text);
	cfg->db.admin = cfg->admin_text;
	if (alot_signing_key_load(cfg->db.signing_key, &cfg->key, &err) != ALOT_OK ||
	    alot_seal_key_load(cfg->db.seal_key, &seal, &err) != ALOT_OK ||
	    (log_key_path != NULL && alot_signing_key_load(log_key_path, &cfg->log_key, &err) != ALOT_OK))
		return report_failure(&err);
	alot_seal_key_free(seal);
	for (i = 0; i < cfg->witnesses; i++)
		if (!load_witness(cfg->witness_keys[i], &cfg->witness_vkeys[i]))
			return ALOT_EXIT_ERROR;
	if ((cfg->publish_dir != NULL && !writable_dir("--publish", cfg->publish_dir)) ||
	    (cfg->export_dir != NULL && !writable_dir("--export", cfg->export_dir)))
		return ALOT_EXIT_ERROR;
	if ((trust = beacon_trust_load(cfg->beacon.certs, cfg->beacon.cert_count)) == NULL)
		return ALOT_EXIT_ERROR;
	alot_beacon_trust_free(trust);
	return ALOT_EXIT_OK;
}

int
cmd_run(int argc, char **argv)
{
	struct run_config cfg;
	const char *log_key_path = NULL;
	alot_uuid admin_id;
	int rc;

	if (command_preamble(argc, argv, usage, &rc))
		return rc;
	memset(&cfg, 0, sizeof(cfg));
	draw_options_defaults(&cfg.db);
	beacon_options_defaults(&cfg.beacon);
	cfg.poll = DEFAULT_POLL;
	if (!parse_args(argc, argv, &cfg, &log_key_path))
		return usage_error();
	if ((rc = load_config(&cfg, log_key_path, &admin_id)) != ALOT_EXIT_OK)
		goto out;
	if (!signals_setup() || !own_stdout()) {
		rc = ALOT_EXIT_ERROR;
		goto out;
	}
	rc = serve(&cfg);
out:
	alot_signing_key_free(cfg.key);
	alot_signing_key_free(cfg.log_key);
	if (json_out != NULL)
		fclose(json_out);
	return rc;
}
