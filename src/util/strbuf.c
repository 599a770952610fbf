/* SPDX-License-Identifier: MIT */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
grow(struct strbuf *sb, size_t extra)
{
	if (sb->oom)
		return false;
	if (extra >= SIZE_MAX / 2 - sb->len) {
		sb->oom = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void
strbuf_reserve(struct strbuf *sb, size_t n)
{
	grow(sb, n);
}

void
strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	if (!grow(sb, n))
		return;
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(sb, (size_t)n)) {
		sb->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

char *
strbuf_steal(struct strbuf *sb, size_t *len)
{
	if (!sb->oom && !sb->buf)
		grow(sb, 0);
	if (sb->oom) {
		strbuf_release(sb);
		return NULL;
	}
	char *p = sb->buf;
	if (len)
		*len = sb->len;
	*sb = (struct strbuf)STRBUF_INIT;
	return p;
}

void
strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf)STRBUF_INIT;
}
