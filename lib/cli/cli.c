/*
 * cli.c - diagnostics, exit-code mapping and the --help/--version preamble
 * shared by the tools.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *progname = "alot";

void
cli_set_progname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *
cli_progname(void)
{
	return progname;
}

static void vprint_line(const char *label, const char *fmt, va_list ap) ALOT_PRINTF(2, 0);

static void
vprint_line(const char *label, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_line("", fmt, ap);
	va_end(ap);
}

void
cli_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_line("detail: ", fmt, ap);
	va_end(ap);
}

void
cli_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_line("hint: ", fmt, ap);
	va_end(ap);
}

void
cli_report(const alot_error *err)
{
	cli_error("%s", err->message[0] ? err->message : alot_code_name(err->code));
	if (err->detail[0])
		cli_detail("%s", err->detail);
}

void
cli_try_help(void)
{
	fprintf(stderr, "Try \"%s --help\" for more information.\n", progname);
}

alot_exit
cli_exit_for(alot_code code)
{
	switch (code) {
	case ALOT_OK:
		return ALOT_EXIT_OK;
	case ALOT_ERR_VERIFY:
	case ALOT_ERR_REFUSED:
		return ALOT_EXIT_FAILED;
	default:
		return ALOT_EXIT_ERROR;
	}
}

int
cli_command_preamble(int argc, char **argv, const char *usage, int *rc)
{
	int i;

	argv[0] = (char *)progname;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-?") == 0) {
			fputs(usage, stdout);
			*rc = ALOT_EXIT_OK;
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			printf("%s (ALOT!) %s\n", progname, ALOT_VERSION);
			*rc = ALOT_EXIT_OK;
			return 1;
		}
	}
	return 0;
}

int
cli_usage_error(void)
{
	cli_try_help();
	return ALOT_EXIT_ERROR;
}

int
cli_dispatch(int argc, char **argv, const char *usage, const char *what,
             const struct cli_command *commands, size_t n)
{
	size_t i;

	if (argc < 2) {
		cli_error("no %s given", what);
		return cli_usage_error();
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0) {
		fputs(usage, stdout);
		return ALOT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s (ALOT!) %s\n", progname, ALOT_VERSION);
		return ALOT_EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown %s \"%s\"", what, argv[1]);
	return cli_usage_error();
}
