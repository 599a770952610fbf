/* SPDX-License-Identifier: MIT */
/*
 * How srr writes a text value as YAML (docs/formats/yaml.md): plain when
 * every YAML 1.1 and 1.2 reader takes it back as the same string, in
 * block and flow context; else double-quoted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"
#include "yaml-scalar-private.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* What each byte asks of a scalar: '0' nothing (plain anywhere in it, in
 * block and flow context alike), '1' quotes (an indicator that could end
 * a plain scalar there: ': # , [ ] { }', or something YAML gives a
 * meaning, or a control character), '2' a closer look (above ASCII: the
 * UTF-8 to check, and the few characters to escape). Used as
 * bits, OR-ed over the scalar. */
static const char byte_class[257] =
	"11111111111111111111111111111111" /* C0 */
	"0111110000101000"		   /* 0x20: space to slash */
	"0000000000111111"		   /* 0x30: digits to ? */
	"00000000000000000000000000011110" /* 0x40: @, A-Z to _ */
	"10000000000000000000000000011111" /* 0x60: backtick, a-z to DEL */
	"22222222222222222222222222222222"
	"22222222222222222222222222222222"
	"22222222222222222222222222222222"
	"22222222222222222222222222222222";

/* Length of the UTF-8 character at s when it must be escaped (C1
 * controls, U+2028, U+2029: line breaks to YAML; U+FEFF, U+FFFE,
 * U+FFFF), else 0. s is valid UTF-8 and starts with a byte >= 0x80. */
static size_t
special_len(const unsigned char *s)
{
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 3;
	if (s[0] == 0xef && ((s[1] == 0xbb && s[2] == 0xbf) || (s[1] == 0xbf && s[2] >= 0xbe)))
		return 3;
	return 0;
}

/* Null or a boolean to YAML 1.1 (y, n, yes, no, on, off in any case) or
 * 1.2. */
static bool
is_null_or_bool(const char *s, size_t len)
{
	static const char *const words[] = { "null", "true", "false", "yes", "no",
					     "on",   "off",  "y",     "n" };
	if (len > 5)
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
			return true;
	return false;
}

/* A number to YAML 1.1 or 1.2, with room to spare: 0x/0o/0b forms, digits
 * with underscores, fractions (1., 1.2.3), exponents (1e3, 2.5E-3). Only
 * what starts with a digit: the other ways a number starts (. + -) are
 * never plain. */
static bool
is_number(const char *s, size_t len)
{
	size_t i = 0;
	if (len > 1 && s[0] == '0' && strchr("xXoObB", s[1])) {
		for (i = 2; i < len; i++)
			if (!strchr("0123456789abcdefABCDEF_", s[i]))
				return false;
		return true;
	}
	while (i < len && (is_digit(s[i]) || s[i] == '_'))
		i++;
	if (i < len && s[i] == '.')
		while (++i < len && (is_digit(s[i]) || s[i] == '_' || s[i] == '.'))
			;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t digits = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == digits)
			return false;
	}
	return i == len;
}

/* A YAML 1.1 timestamp's date: YYYY-M-D, one or two digit month and day
 * (those with a time have a colon, which is never plain). */
static bool
is_date(const char *s, size_t len)
{
	size_t i = 0, n;
	for (n = 0; i < len && is_digit(s[i]); n++)
		i++;
	if (n != 4 || i == len || s[i++] != '-')
		return false;
	for (n = 0; i < len && is_digit(s[i]); n++)
		i++;
	if (n < 1 || n > 2 || i == len || s[i++] != '-')
		return false;
	for (n = 0; i < len && is_digit(s[i]); n++)
		i++;
	return n >= 1 && n <= 2 && i == len;
}

enum style { NOT_TEXT = -1, QUOTED, PLAIN };

/* One pass over the bytes; UTF-8 is checked only when there are bytes
 * above ASCII. */
static enum style
style_of(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned bits = 0;
	for (size_t i = 0; i < len; i++)
		bits |= (unsigned)(byte_class[u[i]] - '0');
	if ((bits & 2) && !utf8_valid(s, len))
		return NOT_TEXT;
	if (len == 0 || (bits & 1) || s[len - 1] == ' ' ||
	    !(is_alnum(s[0]) || s[0] == '/' || u[0] >= 0x80))
		return QUOTED;
	for (size_t i = 0; (bits & 2) && i < len; i++)
		if (u[i] >= 0x80 && special_len(u + i))
			return QUOTED;
	if (is_digit(s[0]))
		return is_number(s, len) || is_date(s, len) ? QUOTED : PLAIN;
	return is_null_or_bool(s, len) ? QUOTED : PLAIN;
}

bool
yaml_plain_ok(const char *s, size_t len)
{
	return style_of(s, len) == PLAIN;
}

static char *
put_hex_escape(char *d, char kind, unsigned value, int digits)
{
	static const char hex[] = "0123456789abcdef";
	*d++ = '\\';
	*d++ = kind;
	while (digits--)
		*d++ = hex[(value >> (4 * digits)) & 0xf];
	return d;
}

/* The escape of one character YAML must not see raw; d unchanged when
 * the character is written as it is. *n: its length in s. */
static char *
put_escape(char *d, const unsigned char *s, size_t *n)
{
	*n = 1;
	switch (s[0]) {
	case '\\':
		return memcpy(d, "\\\\", 2), d + 2;
	case '"':
		return memcpy(d, "\\\"", 2), d + 2;
	case '\n':
		return memcpy(d, "\\n", 2), d + 2;
	case '\t':
		return memcpy(d, "\\t", 2), d + 2;
	case '\r':
		return memcpy(d, "\\r", 2), d + 2;
	}
	if (s[0] < 0x20 || s[0] == 0x7f)
		return put_hex_escape(d, 'x', s[0], 2);
	if (s[0] < 0x80 || !(*n = special_len(s))) {
		*n = 1;
		return d;
	}
	if (*n == 2)
		return put_hex_escape(d, 'x', s[1], 2); /* U+0080..U+009F */
	unsigned cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	return put_hex_escape(d, 'u', cp, 4);
}

size_t
yaml_scalar(char *dst, const char *s, size_t len)
{
	enum style style = style_of(s, len);
	if (style == NOT_TEXT)
		return 0;
	if (style == PLAIN) {
		memcpy(dst, s, len);
		return len;
	}
	char *d = dst;
	*d++ = '"';
	for (size_t i = 0, n; i < len; i += n) {
		char *e = put_escape(d, (const unsigned char *)s + i, &n);
		if (e == d) {
			memcpy(d, s + i, n);
			e = d + n;
		}
		d = e;
	}
	*d++ = '"';
	return (size_t)(d - dst);
}
