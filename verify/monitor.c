/*
 * monitor.c - alot-verify --monitor: reads a whole published log
 * (c2sp.org/tlog-tiles: DIR/checkpoint, DIR/tile/L/N[.p/W],
 * DIR/tile/entries/N[.p/W]) in one streaming pass and reports what must
 * not be there.  The checkpoint is verified under the policy; every
 * entry bundle is read, every leaf hash recomputed and compared with the
 * level-0 tiles, every full tile hashed into the level above and compared
 * with it, and the root with the checkpoint's; the tree at the size of
 * the checkpoint seen last (--state) is recomputed from the same leaves.
 * Every record is parsed and verified once with the operator's key, the
 * entries of a bundle spread over one thread per processor and reported
 * in log order, and the protocol's order is checked by room (rooms.c).  Memory: one entry
 * bundle, one tile per level, the Merkle frontier, and one small entry
 * per room.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alot/merkle.h"
#include "verify.h"

#define TILE_LEVELS     8      /* 256^8 = 2^64 leaves */
#define TILE_BYTES      (ALOT_TLOG_TILE_WIDTH * ALOT_HASH_LEN)
#define BUNDLE_MAX      ((size_t)ALOT_TLOG_TILE_WIDTH * (2 + ALOT_TLOG_ENTRY_MAX))
#define PROGRESS_EVERY  4096

/* The hashes of the tile being filled at one level, computed from the level below. */
struct tile_level {
	unsigned char hashes[ALOT_TLOG_TILE_WIDTH][ALOT_HASH_LEN];
	unsigned count;
	uint64_t n;                      /* the tile's index at its level */
};

#define MAX_WORKERS     16

/* One entry of a bundle, and what a worker found. */
struct entry_result {
	const char *text;                /* in the bundle */
	size_t len;
	unsigned char leaf[ALOT_HASH_LEN];
	int verified;                    /* every check of the record passed */
	int signed_ok;                   /* its signature verifies: fact is set */
	int has_room;
	alot_uuid room;
	room_fact fact;
	char message[2 * ALOT_CHECK_MESSAGE_MAX]; /* why it is record-invalid; "" when it is not */
};

/* Entries first, first + step, ... below count, judged on one thread with its own scratch record. */
struct worker {
	const alot_public_key *key;
	struct entry_result *results;
	alot_record *rec;
	unsigned first, step, count;
};

/* A tile or bundle file as read. */
enum file_status { FILE_READ, FILE_MISSING, FILE_BAD_SIZE };

struct monitor {
	const monitor_options *o;
	finding_sink sink;
	alot_note note;
	int have_note;
	alot_checkpoint tree;
	char *checkpoint_text;
	size_t checkpoint_len;
	uint64_t log_time;
	int have_state;                  /* --state held a checkpoint */
	char *state_text;
	size_t state_len;
	alot_checkpoint old;
	struct tile_level level[TILE_LEVELS];
	unsigned char tile0[ALOT_TLOG_TILE_WIDTH][ALOT_HASH_LEN]; /* the published level-0 tile */
	int tile0_ok;
	alot_merkle_builder frontier;
	int incomplete;                  /* a leaf could not be known: no root to compare */
	uint64_t entries, records_verified;
	unsigned char *bundle;
	struct entry_result *results;    /* one per entry of a bundle */
	struct worker workers[MAX_WORKERS];
	unsigned nworkers;
	room_table *rooms;
	int tty;
};

void
report_finding(finding_sink *s, int integrity, const char *finding, const uint64_t *indexes, size_t n,
               const alot_uuid *room, const char *fmt, ...)
{
	char message[2 * ALOT_CHECK_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	s->findings++;
	s->integrity += integrity != 0;
	print_finding(s->format, finding, indexes, n, room, message);
}

/* dir/rel into buf. */
static void
join(const struct monitor *m, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", m->o->dir, rel);
}

/*
 * Read the file rel of exactly want bytes, or (full: of the full tile's
 * size, of which the first want are used) into buf.  A partial tile may be
 * gone once the full one is published (tlog-tiles): fall back to it.
 */
static enum file_status
read_exact(const char *path, unsigned char *buf, size_t want, size_t cap, size_t *got)
{
	struct stat st;
	enum file_status status = FILE_MISSING;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*got = 0;
	if (fd < 0)
		return FILE_MISSING;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	status = FILE_BAD_SIZE;
	if ((want != 0 && (size_t)st.st_size != want) || (size_t)st.st_size > cap)
		goto out;
	while (*got < (size_t)st.st_size && (n = read(fd, buf + *got, (size_t)st.st_size - *got)) > 0)
		*got += (size_t)n;
	status = *got == (size_t)st.st_size ? FILE_READ : FILE_MISSING;
out:
	close(fd);
	return status;
}

/*
 * Tile n of level (or the entry bundle: level ALOT_TLOG_ENTRIES) of width
 * into buf, its path into rel; *full set when the partial tile was gone
 * and the full one was read instead.
 */
static enum file_status
read_tile(const struct monitor *m, int level, uint64_t n, unsigned width, unsigned char *buf, size_t cap,
          size_t *got, char rel[ALOT_TLOG_PATH_MAX], int *full)
{
	char path[4096], full_rel[ALOT_TLOG_PATH_MAX];
	size_t want = level == ALOT_TLOG_ENTRIES ? 0 : (size_t)width * ALOT_HASH_LEN;
	enum file_status s;

	*full = 0;
	alot_tlog_tile_path(level, n, width, rel);
	join(m, rel, path, sizeof(path));
	s = read_exact(path, buf, want, cap, got);
	if (s != FILE_MISSING || width == ALOT_TLOG_TILE_WIDTH)
		return s;
	alot_tlog_tile_path(level, n, ALOT_TLOG_TILE_WIDTH, full_rel);
	join(m, full_rel, path, sizeof(path));
	if (read_exact(path, buf, level == ALOT_TLOG_ENTRIES ? 0 : TILE_BYTES, cap, got) != FILE_READ)
		return s;
	*full = 1;
	return FILE_READ;
}

/* The first entry under hash i of tile n at level. */
static uint64_t
first_entry(int level, uint64_t n, unsigned i)
{
	return (n * ALOT_TLOG_TILE_WIDTH + i) << (ALOT_TLOG_TILE_HEIGHT * level);
}

/* Compare the published tile n of level (width hashes) with the hashes computed. */
static void
compare_tile(struct monitor *m, int level, uint64_t n, unsigned width,
             const unsigned char (*computed)[ALOT_HASH_LEN])
{
	unsigned char tile[ALOT_TLOG_TILE_WIDTH][ALOT_HASH_LEN];
	char rel[ALOT_TLOG_PATH_MAX];
	uint64_t at = first_entry(level, n, 0);
	size_t got;
	int full;
	enum file_status s = read_tile(m, level, n, width, (unsigned char *)tile, sizeof(tile), &got, rel, &full);
	unsigned i;

	if (s != FILE_READ) {
		report_finding(&m->sink, 1, s == FILE_MISSING ? "missing-tile" : "tile-mismatch", &at, 1, NULL,
		               s == FILE_MISSING ? "%s is missing" : "%s is not %u hashes long", rel, width);
		return;
	}
	for (i = 0; i < width; i++)
		if (memcmp(tile[i], computed[i], ALOT_HASH_LEN) != 0) {
			at = first_entry(level, n, i);
			report_finding(&m->sink, 1, "tile-mismatch", &at, 1, NULL,
			               "hash %u of %s is not the one the log's entries give", i, rel);
			return;
		}
}

/* A full tile's hash goes into the tile above it, which is compared once full. */
static void
push_up(struct monitor *m, int level, const unsigned char hash[ALOT_HASH_LEN])
{
	struct tile_level *l = &m->level[level];
	unsigned char root[ALOT_HASH_LEN];

	if (level >= TILE_LEVELS)
		return;
	memcpy(l->hashes[l->count++], hash, ALOT_HASH_LEN);
	if (l->count < ALOT_TLOG_TILE_WIDTH)
		return;
	compare_tile(m, level, l->n, ALOT_TLOG_TILE_WIDTH, (const unsigned char (*)[ALOT_HASH_LEN])l->hashes);
	alot_merkle_root((const unsigned char (*)[ALOT_HASH_LEN])l->hashes, ALOT_TLOG_TILE_WIDTH, root);
	l->count = 0;
	l->n++;
	push_up(m, level + 1, root);
}

static void
progress(struct monitor *m, int last)
{
	if (last)
		fprintf(stderr, "%s%s: checked %llu of %llu entries\n", m->tty && m->entries >= PROGRESS_EVERY ? "\r" : "",
		        cli_progname(), (unsigned long long)m->entries, (unsigned long long)m->tree.size);
	else if (m->tty && m->entries % PROGRESS_EVERY == 0)
		fprintf(stderr, "\r%s: %llu of %llu entries", cli_progname(), (unsigned long long)m->entries,
		        (unsigned long long)m->tree.size);
}

/* The name and message of a report's first failed check. */
static const alot_check *
first_failure(const alot_report *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		if (r->checks[i].status == ALOT_CHECK_FAIL)
			return &r->checks[i];
	return NULL;
}

/* One entry: its leaf hash, and its record parsed and verified once, by a worker. */
static void
judge_entry(const alot_public_key *key, alot_record *rec, struct entry_result *r)
{
	const alot_check *failed, *sig;
	alot_report report;
	alot_error err;

	alot_tlog_leaf_hash(r->text, r->len, r->leaf);
	r->message[0] = '\0';
	r->verified = r->signed_ok = r->has_room = 0;
	if (alot_record_parse(r->text, r->len, rec, &err) != ALOT_OK) {
		snprintf(r->message, sizeof(r->message), "not a record: format: %s", err.message);
		return;
	}
	r->has_room = 1;
	r->room = alot_record_lot(rec)->room_id;
	alot_report_init(&report);
	if (alot_record_verify(rec, key, &report) == ALOT_OK)
		r->verified = 1;
	else if ((failed = first_failure(&report)) != NULL)
		snprintf(r->message, sizeof(r->message), "the %s record fails %s: %s", alot_record_type_name(rec->type),
		         failed->name, failed->message);
	/* Only the operator's statements count for the protocol. */
	sig = alot_report_find(&report, "signature");
	r->signed_ok = sig != NULL && sig->status == ALOT_CHECK_PASS;
	if (r->signed_ok)
		room_fact_of(rec, r->text, r->len, &r->fact);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	unsigned i;

	for (i = w->first; i < w->count; i += w->step)
		judge_entry(w->key, w->rec, &w->results[i]);
	return NULL;
}

/* Judge count entries on every worker, the calling thread being the first. */
static void
judge_all(struct monitor *m, unsigned count)
{
	pthread_t threads[MAX_WORKERS];
	int started[MAX_WORKERS];
	unsigned i, n = count < 16 ? 1 : m->nworkers;

	for (i = 0; i < n; i++) {
		m->workers[i].count = count;
		m->workers[i].first = i;
		m->workers[i].step = n;
	}
	for (i = 1; i < n; i++)
		started[i] = pthread_create(&threads[i], NULL, work, &m->workers[i]) == 0;
	work(&m->workers[0]);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			work(&m->workers[i]);
	}
}

/* The judged entries, in log order: findings, the rooms, progress. */
static int
report_entries(struct monitor *m, uint64_t first, unsigned count, unsigned char (*leaves)[ALOT_HASH_LEN])
{
	unsigned i;

	for (i = 0; i < count; i++) {
		const struct entry_result *r = &m->results[i];
		uint64_t at = first + i;

		memcpy(leaves[i], r->leaf, ALOT_HASH_LEN);
		if (r->message[0] != '\0')
			report_finding(&m->sink, 0, "record-invalid", &at, 1, r->has_room ? &r->room : NULL, "%s",
			               r->message);
		m->records_verified += r->verified != 0;
		if (r->signed_ok && !rooms_add(m->rooms, &m->sink, at, &r->fact)) {
			cli_error("out of memory");
			return 0;
		}
		m->entries++;
		progress(m, 0);
	}
	return 1;
}

/* The bundle's entries (width of them) hashed into leaves and checked; the number read whole. */
static unsigned
read_entries(struct monitor *m, uint64_t n, unsigned width, size_t got, int exact,
             unsigned char (*leaves)[ALOT_HASH_LEN], const char *rel, int *ok)
{
	size_t pos = 0, len;
	uint64_t at;
	unsigned i;

	for (i = 0; i < width; i++) {
		if (pos + 2 > got || pos + 2 + (len = (size_t)m->bundle[pos] << 8 | m->bundle[pos + 1]) > got)
			break;
		m->results[i].text = (const char *)m->bundle + pos + 2;
		m->results[i].len = len;
		pos += 2 + len;
	}
	judge_all(m, i);
	*ok = report_entries(m, n * ALOT_TLOG_TILE_WIDTH, i, leaves);
	at = n * ALOT_TLOG_TILE_WIDTH + i;
	if (i < width)
		report_finding(&m->sink, 1, "entry-bundle-malformed", &at, 1, NULL,
		               "%s is cut short: entry %u of %u is incomplete", rel, i, width);
	else if (exact && pos != got)
		report_finding(&m->sink, 1, "entry-bundle-malformed", &at, 1, NULL,
		               "%s has %zu bytes after its %u entries", rel, got - pos, width);
	return i;
}

/* Leaves that no bundle gave: the published tile's, unchecked, or none (the tree is then incomplete). */
static void
fill_leaves(struct monitor *m, unsigned from, unsigned width, unsigned char (*leaves)[ALOT_HASH_LEN])
{
	unsigned i;

	for (i = from; i < width; i++) {
		if (m->tile0_ok)
			memcpy(leaves[i], m->tile0[i], ALOT_HASH_LEN);
		else
			m->incomplete = 1;
	}
}

/* The frontier after each leaf; the tree at the saved checkpoint's size, when it is reached. */
static void
add_leaves(struct monitor *m, unsigned char (*leaves)[ALOT_HASH_LEN], unsigned width)
{
	alot_merkle_builder at_old;
	unsigned char root[ALOT_HASH_LEN];
	unsigned i;

	for (i = 0; i < width; i++) {
		alot_merkle_add_leaf_hash(&m->frontier, leaves[i]);
		if (!m->have_state || m->frontier.leaves != m->old.size || m->incomplete)
			continue;
		at_old = m->frontier;
		if (alot_merkle_finish(&at_old, root, NULL) == ALOT_OK && memcmp(root, m->old.root, ALOT_HASH_LEN) != 0)
			report_finding(&m->sink, 1, "inconsistent-with-state", NULL, 0, NULL,
			               "the log's tree at size %llu, the size of the checkpoint saved in the state file, "
			               "is not the one saved: the log changed its history (a fork)",
			               (unsigned long long)m->old.size);
	}
}

/* Bundle n and its level-0 tile. */
static int
check_bundle(struct monitor *m, uint64_t n)
{
	unsigned char (*leaves)[ALOT_HASH_LEN] = m->level[0].hashes;
	unsigned width = alot_tlog_tile_width(ALOT_TLOG_ENTRIES, n, m->tree.size), done = 0;
	char rel[ALOT_TLOG_PATH_MAX], tile_rel[ALOT_TLOG_PATH_MAX];
	unsigned char root[ALOT_HASH_LEN];
	enum file_status s;
	uint64_t at = n * ALOT_TLOG_TILE_WIDTH;
	size_t got;
	int ok = 1, full;

	m->tile0_ok = read_tile(m, 0, n, width, (unsigned char *)m->tile0, sizeof(m->tile0), &got, tile_rel,
	                        &full) == FILE_READ;
	s = read_tile(m, ALOT_TLOG_ENTRIES, n, width, m->bundle, BUNDLE_MAX, &got, rel, &full);
	if (s == FILE_READ)
		done = read_entries(m, n, width, got, !full, leaves, rel, &ok);
	else
		report_finding(&m->sink, 1, s == FILE_MISSING ? "missing-tile" : "entry-bundle-malformed", &at, 1, NULL,
		               s == FILE_MISSING ? "%s is missing" : "%s is over the size of 256 entries", rel);
	if (!ok)
		return 0;
	fill_leaves(m, done, width, leaves);
	if (done == width)
		compare_tile(m, 0, n, width, (const unsigned char (*)[ALOT_HASH_LEN])leaves);
	add_leaves(m, leaves, width);
	if (width == ALOT_TLOG_TILE_WIDTH) {
		alot_merkle_root((const unsigned char (*)[ALOT_HASH_LEN])leaves, width, root);
		push_up(m, 1, root);
	}
	return 1;
}

/* After the last bundle: the partial tiles above level 0, and the root. */
static void
check_top(struct monitor *m)
{
	alot_merkle_builder end = m->frontier;
	unsigned char root[ALOT_HASH_LEN];
	int level;

	for (level = 1; level < TILE_LEVELS && !m->incomplete; level++)
		if (m->level[level].count != 0)
			compare_tile(m, level, m->level[level].n, m->level[level].count,
			             (const unsigned char (*)[ALOT_HASH_LEN])m->level[level].hashes);
	if (m->incomplete)
		return;
	if (m->tree.size == 0)
		alot_tlog_empty_root(root);
	else if (alot_merkle_finish(&end, root, NULL) != ALOT_OK)
		return;
	if (memcmp(root, m->tree.root, ALOT_HASH_LEN) != 0)
		report_finding(&m->sink, 1, "root-mismatch", NULL, 0, NULL,
		               "the root of the log's %llu entries is not the checkpoint's",
		               (unsigned long long)m->tree.size);
}

/* The log key alone, for the state file's checkpoint. */
static alot_code
signed_by_log(const struct monitor *m, const alot_note *note, alot_error *err)
{
	alot_tlog_policy log_only;
	alot_tlog_verdict v;

	memset(&log_only, 0, sizeof(log_only));
	log_only.log = m->o->log->policy.log;
	return alot_tlog_checkpoint_verify(note, &log_only, &v, err);
}

/* DIR/checkpoint under the policy; 0 when it cannot be read (-1) or does not verify (a finding). */
static int
load_checkpoint(struct monitor *m)
{
	alot_tlog_verdict v;
	alot_error err;
	char path[4096];
	int too_long;

	join(m, "checkpoint", path, sizeof(path));
	if (!read_whole(path, ALOT_NOTE_MAX, &m->checkpoint_text, &m->checkpoint_len, &too_long))
		return -1;
	if (too_long) {
		report_finding(&m->sink, 1, "checkpoint-invalid", NULL, 0, NULL, "the checkpoint is over %d bytes", ALOT_NOTE_MAX);
		return 0;
	}
	if (alot_note_parse(m->checkpoint_text, m->checkpoint_len, &m->note, &err) != ALOT_OK ||
	    (m->have_note = 1, alot_tlog_checkpoint_verify(&m->note, &m->o->log->policy, &v, &err)) != ALOT_OK) {
		report_finding(&m->sink, 1, "checkpoint-invalid", NULL, 0, NULL, "%s", err.message);
		return 0;
	}
	m->tree = v.tree;
	m->log_time = v.policy_time;
	return 1;
}

/* --state: the checkpoint saved last, if any; 0 when it cannot be read or is not the log's. */
static int
load_state(struct monitor *m)
{
	alot_note note;
	alot_error err;
	int too_long, ok = 0;

	if (m->o->state == NULL || (access(m->o->state, F_OK) != 0 && errno == ENOENT))
		return 1; /* the first run creates it */
	memset(&note, 0, sizeof(note));
	if (!read_whole(m->o->state, ALOT_NOTE_MAX, &m->state_text, &m->state_len, &too_long))
		return 0;
	if (too_long || alot_note_parse(m->state_text, m->state_len, &note, &err) != ALOT_OK ||
	    signed_by_log(m, &note, &err) != ALOT_OK ||
	    alot_checkpoint_parse(note.text, note.text_len, &m->old, &err) != ALOT_OK) {
		cli_error("the state file \"%s\" holds no checkpoint of this log: %s", m->o->state,
		          too_long ? "it is too long" : err.message);
		goto out;
	}
	m->have_state = 1;
	ok = 1;
out:
	alot_note_free(&note);
	return ok;
}

/* Write the checkpoint to --state atomically: a temporary file, synced, renamed over it. */
static int
save_state(const struct monitor *m)
{
	char tmp[4096];
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", m->o->state);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		cli_error("could not write \"%s\": %s", tmp, strerror(errno));
		return 0;
	}
	ok = write(fd, m->checkpoint_text, m->checkpoint_len) == (ssize_t)m->checkpoint_len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, m->o->state) != 0) {
		cli_error("could not write \"%s\": %s", m->o->state, strerror(errno));
		unlink(tmp);
		return 0;
	}
	return 1;
}

/* What --state says after the run; 0 when it could not be written. */
static int
update_state(const struct monitor *m, const char **what)
{
	*what = NULL;
	if (m->o->state == NULL)
		return 1;
	if (m->sink.integrity != 0) {
		*what = "not saved";
		return 1;
	}
	if (m->have_state && m->state_len == m->checkpoint_len &&
	    memcmp(m->state_text, m->checkpoint_text, m->state_len) == 0) {
		*what = "unchanged";
		return 1;
	}
	*what = m->have_state ? "updated" : "created";
	return save_state(m);
}

/* Every bundle, in order, then the tiles above and the root. */
static int
check_log_tree(struct monitor *m)
{
	uint64_t n, bundles = (m->tree.size + ALOT_TLOG_TILE_WIDTH - 1) / ALOT_TLOG_TILE_WIDTH;

	if (m->have_state && m->old.size > m->tree.size)
		report_finding(&m->sink, 1, "rollback", NULL, 0, NULL,
		               "the checkpoint's size %llu is below the size %llu of the checkpoint saved in the state file",
		               (unsigned long long)m->tree.size, (unsigned long long)m->old.size);
	if (m->have_state && m->old.size == 0 && m->tree.size == 0 && memcmp(m->old.root, m->tree.root, ALOT_HASH_LEN))
		report_finding(&m->sink, 1, "inconsistent-with-state", NULL, 0, NULL, "two different empty trees");
	alot_merkle_init(&m->frontier);
	for (n = 0; n < bundles; n++)
		if (!check_bundle(m, n))
			return 0;
	check_top(m);
	return 1;
}

/* One worker per processor (at most MAX_WORKERS), each with its scratch record; 0 when out of memory. */
static int
start_workers(struct monitor *m)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned i;

	m->nworkers = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (unsigned)cpus;
	if ((m->results = calloc(ALOT_TLOG_TILE_WIDTH, sizeof(*m->results))) == NULL)
		return 0;
	json_object_seed(0); /* before any thread parses JSON */
	for (i = 0; i < m->nworkers; i++) {
		m->workers[i].key = m->o->key;
		m->workers[i].results = m->results;
		if ((m->workers[i].rec = malloc(sizeof(*m->workers[i].rec))) == NULL)
			return 0;
	}
	return 1;
}

static int
run(struct monitor *m)
{
	monitor_summary sum;
	int got;

	if (!load_state(m))
		return ALOT_EXIT_ERROR;
	if ((got = load_checkpoint(m)) < 0)
		return ALOT_EXIT_ERROR;
	if (got > 0) {
		if ((m->bundle = malloc(BUNDLE_MAX)) == NULL || !start_workers(m) || (m->rooms = rooms_new()) == NULL) {
			cli_error("out of memory");
			return ALOT_EXIT_ERROR;
		}
		if (!check_log_tree(m))
			return ALOT_EXIT_ERROR;
		rooms_finish(m->rooms, &m->sink, m->o->max_undrawn, m->o->now);
		progress(m, 1);
	}
	memset(&sum, 0, sizeof(sum));
	if (!update_state(m, &sum.state))
		return ALOT_EXIT_ERROR;
	sum.origin = m->o->log->policy.log.name;
	sum.size = m->tree.size;
	sum.entries = m->entries;
	sum.records_verified = m->records_verified;
	sum.findings = m->sink.findings;
	sum.log_time = m->log_time;
	sum.unchecked = got == 0;
	print_monitor_summary(m->o->format, &sum);
	return m->sink.findings == 0 ? ALOT_EXIT_OK : ALOT_EXIT_FAILED;
}

int
monitor_run(const monitor_options *o)
{
	struct monitor *m = calloc(1, sizeof(*m));
	struct stat st;
	unsigned i;
	int rc = ALOT_EXIT_ERROR;

	if (m == NULL) {
		cli_error("out of memory");
		return rc;
	}
	m->o = o;
	m->sink.format = o->format;
	m->tty = isatty(STDERR_FILENO);
	if (stat(o->dir, &st) != 0)
		cli_error("could not read the log \"%s\": %s", o->dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		cli_error("could not read the log \"%s\": not a directory", o->dir);
	else
		rc = run(m);
	if (m->have_note)
		alot_note_free(&m->note);
	free(m->checkpoint_text);
	free(m->state_text);
	free(m->bundle);
	free(m->results);
	for (i = 0; i < m->nworkers; i++)
		free(m->workers[i].rec);
	rooms_free(m->rooms);
	free(m);
	return rc;
}
