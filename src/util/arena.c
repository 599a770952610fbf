/* SPDX-License-Identifier: MIT */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

#define CHUNK_MIN 4096

void *
arena_alloc(struct arena *a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t n = size > CHUNK_MIN ? size : CHUNK_MIN;
		if (n > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + n);
		if (!c)
			return NULL;
		c->size = n;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void *
arena_push(struct arena *a, void *arrayp, size_t n, size_t *cap, size_t size)
{
	void *v;
	memcpy(&v, arrayp, sizeof(v));
	if (n == *cap) {
		size_t grown = *cap ? 2 * *cap : 4;
		if (grown > SIZE_MAX / size)
			return NULL;
		void *bigger = arena_alloc(a, grown * size);
		if (!bigger)
			return NULL;
		if (n)
			memcpy(bigger, v, n * size);
		v = bigger;
		memcpy(arrayp, &v, sizeof(v));
		*cap = grown;
	}
	char *slot = (char *)v + n * size;
	memset(slot, 0, size);
	return slot;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
