/*
 * alot/text.h - untrusted text made safe for a terminal or a text report.
 *
 * Part of the core.  Records, files and database values can hold terminal
 * escape sequences, carriage returns, backspaces, bidirectional overrides
 * or broken UTF-8, any of which can repaint what a report says.  Every
 * tool passes such text through alot_escape() before printing it.
 *
 * Kept as they are: printable ASCII but the backslash, and well-formed
 * UTF-8 of printable characters (so that "Hermès" stays readable).
 * Escaped: "\" as "\\"; every other byte as \xNN (controls, DEL, bytes of
 * invalid, overlong or surrogate UTF-8); C1 controls, line and paragraph
 * separators and the bidirectional controls (U+200E, U+200F, U+202A to
 * U+202E, U+2066 to U+2069) as \u{XXXX}.  The output is printable ASCII
 * and printable UTF-8 only, and the escaping is unambiguous.
 */
#ifndef ALOT_TEXT_H
#define ALOT_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Escape len bytes of in into out (outlen bytes, always NUL-terminated
 * when outlen > 0, cut at a character boundary when too small).  Returns
 * the length the whole escaped text needs, without its NUL, as snprintf
 * does.  At most 10 bytes of output per input byte.
 */
size_t alot_escape(const char *in, size_t len, char *out, size_t outlen);

/* The escaped text of the NUL-terminated s, malloc'd (the caller frees it); NULL when out of memory. */
char *alot_escaped(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* ALOT_TEXT_H */
