/*
 * base64.c - strict base64 (RFC 4648 section 4: the standard alphabet,
 * with padding) for signed notes, checkpoints and tlog-proof files.
 *
 * Decoding accepts the canonical encoding only: a length that is a
 * multiple of four, padding exactly where it must be, no whitespace, and
 * zero bits in the unused low bits of the last symbol.
 */
#include <stdlib.h>
#include <string.h>

#include "alot/crypto.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

alot_code
alot_base64_encode(const unsigned char *in, size_t len, char **out, alot_error *err)
{
	size_t i, o = 0;
	char *s;

	*out = NULL;
	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return alot_error_set(err, ALOT_ERR_INVALID, "%zu bytes are too many to encode", len);
	s = malloc((len + 2) / 3 * 4 + 1);
	if (s == NULL)
		return alot_error_set(err, ALOT_ERR_NOMEM, "out of memory encoding base64");
	for (i = 0; i + 2 < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];

		s[o++] = alphabet[v >> 18 & 63];
		s[o++] = alphabet[v >> 12 & 63];
		s[o++] = alphabet[v >> 6 & 63];
		s[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		s[o++] = alphabet[in[i] >> 2];
		s[o++] = alphabet[(in[i] & 3) << 4];
		s[o++] = '=';
		s[o++] = '=';
	} else if (len - i == 2) {
		s[o++] = alphabet[in[i] >> 2];
		s[o++] = alphabet[(in[i] & 3) << 4 | in[i + 1] >> 4];
		s[o++] = alphabet[(in[i + 1] & 15) << 2];
		s[o++] = '=';
	}
	s[o] = '\0';
	*out = s;
	return ALOT_OK;
}

static int
symbol_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The number of '=' at the end of a group-aligned input (0, 1 or 2; 3 for too many). */
static size_t
padding_of(const char *in, size_t len)
{
	size_t pad = 0;

	while (pad < len && pad < 3 && in[len - 1 - pad] == '=')
		pad++;
	return pad;
}

alot_code
alot_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
                   size_t *outlen, alot_error *err)
{
	size_t pad, n, i, o = 0;
	unsigned long acc = 0;

	*outlen = 0;
	if (len % 4 != 0)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "base64 of %zu characters is not a multiple of four", len);
	pad = padding_of(in, len);
	if (pad > 2)
		return alot_error_set(err, ALOT_ERR_INVALID, "base64 has too much padding");
	n = len / 4 * 3 - pad;
	if (n > cap)
		return alot_error_set(err, ALOT_ERR_INVALID,
		                      "base64 decodes to %zu bytes, more than the %zu expected", n, cap);
	for (i = 0; i < len - pad; i++) {
		int v = symbol_value(in[i]);

		if (v < 0)
			return alot_error_set(err, ALOT_ERR_INVALID,
			                      "invalid base64 character at position %zu", i + 1);
		acc = acc << 6 | (unsigned long)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if (pad == 2) {
		if (acc & 0x0f)
			return alot_error_set(err, ALOT_ERR_INVALID, "base64 is not canonical: unused bits are set");
		out[o++] = (unsigned char)(acc >> 4);
	} else if (pad == 1) {
		if (acc & 0x03)
			return alot_error_set(err, ALOT_ERR_INVALID, "base64 is not canonical: unused bits are set");
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	*outlen = o;
	return ALOT_OK;
}
