/* SPDX-License-Identifier: MIT */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
utf8_valid(const char *s, size_t len)
{
	return utf8_valid_prefix(s, len) == len;
}

size_t
utf8_valid_prefix(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

size_t
text_find_control(const char *s, size_t len, bool allow_lf)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(allow_lf && c == '\n')) || c == 0x7f)
			return i;
		/* C1 controls U+0080..U+009F, UTF-8 C2 80..C2 9F */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return i;
	}
	return len;
}

bool
text_is_slug(const char *s, size_t max, const char *extra)
{
	size_t len = strlen(s);
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (i > 0 && !ok)
			ok = c == '-' || (extra && c != '\0' && strchr(extra, c));
		if (!ok)
			return false;
	}
	return true;
}

bool
text_parse_id(long long *id, const char *text, char prefix)
{
	*id = 0;
	if (!text)
		return false;
	if ((text[0] == prefix || text[0] == prefix - 'A' + 'a') && text[1] == '-')
		text += 2;
	size_t len = strlen(text);
	if (*text < '1' || *text > '9' || len > 18 || strspn(text, "0123456789") != len)
		return false;
	*id = strtoll(text, NULL, 10);
	return true;
}

void
text_escape_controls(char *out, size_t size, const char *s)
{
	size_t n = 0;
	if (!size)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[5];
		if (c >= 0x20 && c != 0x7f) {
			esc[0] = (char)c;
			esc[1] = '\0';
		} else if (c == '\t' || c == '\n' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
			esc[2] = '\0';
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		}
		size_t len = strlen(esc);
		if (n + len >= size)
			break;
		memcpy(out + n, esc, len);
		n += len;
	}
	out[n] = '\0';
}

void
text_one_line(char *buf, size_t size, int n)
{
	if (size < 4)
		return;
	if (n > 0 && (size_t)n >= size) {
		size_t end = size - 4;
		while (end > 0 && ((unsigned char)buf[end] & 0xc0) == 0x80)
			end--;
		memcpy(buf + end, "...", 4);
	}
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}
