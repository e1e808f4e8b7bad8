/*
 * cli.c - diagnostics and exit-code mapping shared by the three tools.
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
