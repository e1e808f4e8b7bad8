/*
 * text.c - escaping untrusted text for terminals and text reports
 * (alot/text.h): one function every tool uses, so that no record, file or
 * database value can paint a verdict of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alot/text.h"

/*
 * The code point of the well-formed UTF-8 sequence at s (n bytes left),
 * its length into *seq; 0 when s starts no well-formed sequence
 * (overlong, surrogate, above U+10FFFF, cut short, or a lone byte).
 */
static uint32_t
utf8_decode(const unsigned char *s, size_t n, size_t *seq)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*seq = len;
	return cp;
}

/* Characters that move or reorder text, or end a line, although they print nothing. */
static int
invisible_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The output being written: whole pieces while they fit, then nothing more. */
struct sink {
	char *out;
	size_t outlen;
	size_t at;       /* the length needed so far */
	size_t written;  /* what out holds */
	int full;
};

static void
put(struct sink *k, const char *piece, size_t n)
{
	if (!k->full && k->outlen > 0 && k->written + n < k->outlen) {
		memcpy(k->out + k->written, piece, n);
		k->written += n;
	} else {
		k->full = 1; /* cut at a character boundary */
	}
	k->at += n;
}

size_t
alot_escape(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	struct sink k = { out, outlen, 0, 0, 0 };
	size_t i = 0, seq;
	char buf[16];

	while (i < len) {
		uint32_t cp = s[i] >= 0x80 ? utf8_decode(s + i, len - i, &seq) : 0;

		if (cp == 0)
			seq = 1;
		if (s[i] == '\\')
			put(&k, "\\\\", 2);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			put(&k, (const char *)s + i, 1);
		else if (cp != 0 && !invisible_control(cp))
			put(&k, (const char *)s + i, seq);
		else if (cp != 0)
			put(&k, buf, (size_t)snprintf(buf, sizeof(buf), "\\u{%04X}", (unsigned)cp));
		else
			put(&k, buf, (size_t)snprintf(buf, sizeof(buf), "\\x%02x", s[i]));
		i += seq;
	}
	if (outlen > 0)
		out[k.written] = '\0';
	return k.at;
}

char *
alot_escaped(const char *s)
{
	size_t len = strlen(s), need = alot_escape(s, len, NULL, 0);
	char *out = malloc(need + 1);

	if (out != NULL)
		alot_escape(s, len, out, need + 1);
	return out;
}
