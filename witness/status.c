/*
 * status.c - "alot-witness status": one line per log witnessed, sorted by
 * origin: the origin (escaped), a tab, the size last cosigned, a tab, and
 * its root hash in base64.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alot/text.h"
#include "witness.h"

static const char status_usage[] =
	"alot-witness status lists the logs witnessed and what was last cosigned for each.\n"
	"\n"
	"Usage:\n"
	"  alot-witness status --state DIR\n"
	"\n"
	"Options:\n"
	"  -s, --state=DIR    the witness's state folder\n"
	"  -V, --version      output version information, then exit\n"
	"  -?, --help         show this help, then exit\n"
	"\n"
	"Output: ORIGIN<TAB>SIZE<TAB>ROOT, one line per log, sorted by origin.\n";

#define SUFFIX ".checkpoint"

typedef struct log_list {
	size_t count, cap;
	alot_checkpoint *items;
} log_list;

/* "<64 hex>.checkpoint": a state file (not a lock nor a temporary file). */
static int
is_state_file(const char *name)
{
	size_t i;

	if (strlen(name) != WITNESS_STEM_LEN + strlen(SUFFIX) ||
	    strcmp(name + WITNESS_STEM_LEN, SUFFIX) != 0)
		return 0;
	for (i = 0; i < WITNESS_STEM_LEN; i++)
		if (strchr("0123456789abcdef", name[i]) == NULL)
			return 0;
	return 1;
}

static int
push(log_list *list, const alot_checkpoint *cp)
{
	alot_checkpoint *grown;

	if (list->count == list->cap) {
		list->cap = list->cap ? 2 * list->cap : 16;
		if ((grown = realloc(list->items, list->cap * sizeof(*grown))) == NULL)
			return 0;
		list->items = grown;
	}
	list->items[list->count++] = *cp;
	return 1;
}

static int
by_origin(const void *a, const void *b)
{
	return strcmp(((const alot_checkpoint *)a)->origin, ((const alot_checkpoint *)b)->origin);
}

/* Every state file into list; prints and returns the exit code on a failure. */
static int
collect(witness_state *st, log_list *list)
{
	DIR *dir = NULL;
	struct dirent *de;
	alot_checkpoint cp;
	alot_error err;
	int fd, code = ALOT_EXIT_OK;

	if ((fd = dup(st->dir_fd)) < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		cli_error("could not list state folder \"%s\"", st->path);
		code = ALOT_EXIT_ERROR;
		goto out;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!is_state_file(de->d_name))
			continue;
		if (witness_state_read_file(st, de->d_name, &cp, &err) != ALOT_OK) {
			code = report_exit(&err, ALOT_EXIT_ERROR);
			goto out;
		}
		if (!push(list, &cp)) {
			cli_error("out of memory");
			code = ALOT_EXIT_ERROR;
			goto out;
		}
	}
out:
	if (dir != NULL)
		closedir(dir);
	return code;
}

static int
print_line(const alot_checkpoint *cp)
{
	char *origin = alot_escaped(cp->origin), *root = NULL;
	alot_error err;
	int code = ALOT_EXIT_OK;

	if (origin == NULL || alot_base64_encode(cp->root, ALOT_HASH_LEN, &root, &err) != ALOT_OK) {
		cli_error("out of memory");
		code = ALOT_EXIT_ERROR;
		goto out;
	}
	printf("%s\t%llu\t%s\n", origin, (unsigned long long)cp->size, root);
out:
	free(origin);
	free(root);
	return code;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL;
	witness_state st = { -1, -1, "", NULL };
	log_list list = { 0, 0, NULL };
	alot_error err;
	size_t i;
	int c, code = ALOT_EXIT_OK;

	if (command_preamble(argc, argv, status_usage, &code))
		return code;
	while ((c = getopt_long(argc, argv, "s:", long_options, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		default:
			return usage_error();
		}
	}
	if (optind < argc || path == NULL)
		return usage_fail("give --state");
	if (witness_state_open(path, 0, &st, &err) != ALOT_OK) {
		code = report_exit(&err, ALOT_EXIT_ERROR);
		goto out;
	}
	if ((code = collect(&st, &list)) != ALOT_EXIT_OK)
		goto out;
	qsort(list.items, list.count, sizeof(*list.items), by_origin);
	for (i = 0; i < list.count && code == ALOT_EXIT_OK; i++)
		code = print_line(&list.items[i]);
out:
	free(list.items);
	witness_state_close(&st);
	return code;
}
