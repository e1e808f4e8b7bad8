/*
 * error.c - the alot_error reporting used by every libalot function.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alot/error.h"

void
alot_error_clear(alot_error *err)
{
	if (err == NULL)
		return;
	err->code = ALOT_OK;
	err->message[0] = '\0';
	err->detail[0] = '\0';
}

alot_code
alot_error_set(alot_error *err, alot_code code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->detail[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

alot_code
alot_error_detail(alot_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return ALOT_ERR_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return err->code;
}

/* Append src to the NUL-terminated dst of size cap, truncating. */
static void
append(char *dst, size_t cap, const char *src)
{
	size_t used = strlen(dst), n = strlen(src);

	if (n > cap - 1 - used)
		n = cap - 1 - used;
	memcpy(dst + used, src, n);
	dst[used + n] = '\0';
}

alot_code
alot_error_prefix(alot_error *err, const char *fmt, ...)
{
	char context[ALOT_ERROR_MESSAGE_MAX], message[ALOT_ERROR_MESSAGE_MAX];
	va_list ap;

	if (err == NULL)
		return ALOT_ERR_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	memcpy(message, err->message, sizeof(message));
	err->message[0] = '\0';
	/* Truncation is fine: a long context cuts the tail of the message. */
	append(err->message, sizeof(err->message), context);
	append(err->message, sizeof(err->message), ": ");
	append(err->message, sizeof(err->message), message);
	return err->code;
}

const char *
alot_code_name(alot_code code)
{
	switch (code) {
	case ALOT_OK: return "success";
	case ALOT_ERR_INVALID: return "invalid input";
	case ALOT_ERR_VERIFY: return "verification failed";
	case ALOT_ERR_NOT_FOUND: return "not found";
	case ALOT_ERR_REFUSED: return "refused";
	case ALOT_ERR_IO: return "i/o error";
	case ALOT_ERR_CRYPTO: return "crypto error";
	case ALOT_ERR_DB: return "database error";
	case ALOT_ERR_NOMEM: return "out of memory";
	case ALOT_ERR_INTERNAL: return "internal error";
	}
	return "unknown error";
}
