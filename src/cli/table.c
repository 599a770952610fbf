/* SPDX-License-Identifier: MIT */
/*
 * Aligned text tables. Widths count UTF-8 characters, not bytes, so a
 * "Müller GmbH" column lines up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols, row 0 the header */
	size_t *width;
};

static size_t
text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void
add_row(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));
		if (!c)
			abort(); /* the CLI, not the library: nothing sane left to do */
		t->cells = c;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = cells[i] ? cells[i] : "-";
		char *copy = strdup(s);
		if (!copy)
			abort();
		t->cells[t->nrows * t->ncols + i] = copy;
		size_t w = text_width(s);
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
}

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));
	if (!t || !(t->width = calloc(ncols, sizeof(*t->width))))
		abort();
	t->ncols = ncols;
	add_row(t, headers);
	return t;
}

void
table_row(struct table *t, ...)
{
	const char *cells[16];
	va_list ap;
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols && i < 16; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	add_row(t, cells);
}

void
table_print(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			bool last = c + 1 == t->ncols;
			fputs(s, stdout);
			if (!last)
				for (size_t pad = text_width(s); pad < t->width[c] + 2; pad++)
					fputc(' ', stdout);
			free(t->cells[r * t->ncols + c]);
		}
		fputc('\n', stdout);
	}
	free(t->cells);
	free(t->width);
	free(t);
}
