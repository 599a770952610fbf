/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_STRBUF_H
#define SRR_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A growable byte buffer, always NUL-terminated. After an allocation
 * failure it stays failed (oom) and further appends do nothing, so callers
 * check once at the end. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, false                                                                  \
	}

/* Make room for n more bytes, so that appending them allocates nothing. */
void strbuf_reserve(struct strbuf *sb, size_t n);
void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void strbuf_printf(struct strbuf *sb, const char *fmt, ...);
void strbuf_reset(struct strbuf *sb);
/* Take the buffer (never NULL unless oom); the strbuf is reset. */
char *strbuf_steal(struct strbuf *sb, size_t *len);
void strbuf_release(struct strbuf *sb);

#endif
