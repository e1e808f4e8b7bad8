/*
 * alot/error.h - error reporting for libalot.
 *
 * Every fallible libalot function returns an alot_code and, on failure,
 * fills a caller-provided alot_error with a one-line message and an
 * optional detail line.  The library never prints and never exits: the
 * tools decide how to show an error and which exit code it maps to.
 *
 * Messages follow the PostgreSQL client style: lowercase, no trailing
 * period, naming the input and what is wrong with it.
 */
#ifndef ALOT_ERROR_H
#define ALOT_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALOT_WARN_UNUSED __attribute__((warn_unused_result))
#define ALOT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ALOT_WARN_UNUSED
#define ALOT_PRINTF(f, a)
#endif

typedef enum alot_code {
	ALOT_OK = 0,
	ALOT_ERR_INVALID,   /* malformed or out-of-range input */
	ALOT_ERR_VERIFY,    /* content did not verify (signature, hash, proof) */
	ALOT_ERR_NOT_FOUND, /* a referenced row, key or file does not exist */
	ALOT_ERR_REFUSED,   /* a rule forbids it (permissions, state, overwrite) */
	ALOT_ERR_IO,        /* file or network I/O failed */
	ALOT_ERR_CRYPTO,    /* the crypto library failed */
	ALOT_ERR_DB,        /* the database failed or the connection broke */
	ALOT_ERR_NOMEM,     /* out of memory */
	ALOT_ERR_INTERNAL   /* a bug: an invariant of libalot does not hold */
} alot_code;

#define ALOT_ERROR_MESSAGE_MAX 256
#define ALOT_ERROR_DETAIL_MAX 512

typedef struct alot_error {
	alot_code code;
	char message[ALOT_ERROR_MESSAGE_MAX]; /* one line, no trailing period */
	char detail[ALOT_ERROR_DETAIL_MAX];   /* optional, "" when none */
} alot_error;

/* Reset err to ALOT_OK with empty message and detail.  err may be NULL. */
void alot_error_clear(alot_error *err);

/*
 * Set err (which may be NULL) to code and a printf-formatted message,
 * clearing the detail.  Returns code, so callers can write
 * "return alot_error_set(err, ALOT_ERR_INVALID, ...)".
 */
alot_code alot_error_set(alot_error *err, alot_code code, const char *fmt, ...)
	ALOT_PRINTF(3, 4);

/* Set the detail line of err (which may be NULL).  Returns err->code. */
alot_code alot_error_detail(alot_error *err, const char *fmt, ...)
	ALOT_PRINTF(2, 3);

/*
 * Prefix err's message with a printf-formatted context and ": ", keeping
 * its code and detail ("room 42: " + "tickets 6-6 are in no entry").
 * Returns err->code.
 */
alot_code alot_error_prefix(alot_error *err, const char *fmt, ...) ALOT_PRINTF(2, 3);

/* A static, lowercase name for code ("invalid input", "verification failed"...). */
const char *alot_code_name(alot_code code);

#ifdef __cplusplus
}
#endif

#endif /* ALOT_ERROR_H */
