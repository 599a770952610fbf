/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_TEXT_H
#define SRR_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
bool utf8_valid(const char *s, size_t len);
/* Length of the longest valid UTF-8 prefix of s. */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Byte offset of the first control character (C0, DEL, or C1 as UTF-8)
 * in s, or len if none.
 * allow_lf lets LF through (multi-line text). */
size_t text_find_control(const char *s, size_t len, bool allow_lf);

/* s matches [a-z0-9][a-z0-9-]* (extra: also allow characters in extra)
 * and is 1..max bytes. */
bool text_is_slug(const char *s, size_t max, const char *extra);

/* "P-12", "p-12" or "12" into 12, where P is prefix: a decimal from 1
 * without leading zeros, at most 18 digits. false (and *id 0) otherwise. */
bool text_parse_id(long long *id, const char *text, char prefix);

/* Copy s into out (size bytes, always terminated, cut if need be) with
 * every control character written as an escape (\t, \n, \r, \xNN), so
 * that text quoted from a file stays one printable line. */
void text_escape_controls(char *out, size_t size, const char *s);

/* buf (size bytes) holds what vsnprintf made of a message, n what it
 * returned: make it one printable line to quote input in. Control
 * characters become '?'; a message cut short ends in "..." at a UTF-8
 * boundary, so the cut shows. */
void text_one_line(char *buf, size_t size, int n);

#endif
