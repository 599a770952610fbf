/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_ARENA_H
#define SRR_UTIL_ARENA_H

/* A bump allocator for read views: a list and every string its views point
 * to live in one arena and go with one free. */

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		NULL                                                                               \
	}

void *arena_alloc(struct arena *a, size_t size);
/* NULL in, NULL out (and that is not a failure). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* An array in the arena with room for item n (of size bytes): *arrayp
 * (the address of a "T *") is moved to twice the room when full, *cap
 * tracks it. Returns the zeroed slot of item n, or NULL. The old copy
 * stays in the arena until it is released: at most as much again. */
void *arena_push(struct arena *a, void *arrayp, size_t n, size_t *cap, size_t size);
void arena_release(struct arena *a);

#endif
