/* SPDX-License-Identifier: MIT */
#ifndef SRR_LIST_PRIVATE_H
#define SRR_LIST_PRIVATE_H

/* Every read view list has the same shape: an arena owning the strings,
 * an array of items, a count. One growth function and one set of
 * accessors serve them all. */

#include <stddef.h>
#include <stdlib.h>

#include "libsrr-private.h"
#include "util/arena.h"

/* Make room for one more item of size bytes in *items (n used, *cap
 * allocated) and return it zeroed, or NULL when out of memory. */
void *list_push(void *items, size_t n, size_t *cap, size_t size);

#define LIST_FIELDS(type)                                                                          \
	struct arena arena;                                                                        \
	type *items;                                                                               \
	size_t n, cap

/* The three public accessors of struct srr_<name>_list holding type. */
#define DEFINE_LIST_ACCESSORS(name, type)                                                          \
	SRR_EXPORT size_t srr_##name##_list_count(const struct srr_##name##_list *l)               \
	{                                                                                          \
		return l->n;                                                                       \
	}                                                                                          \
	SRR_EXPORT const type *srr_##name##_list_get(const struct srr_##name##_list *l, size_t i)  \
	{                                                                                          \
		return i < l->n ? &l->items[i] : NULL;                                             \
	}                                                                                          \
	SRR_EXPORT void srr_##name##_list_free(struct srr_##name##_list *l)                        \
	{                                                                                          \
		if (!l)                                                                            \
			return;                                                                    \
		arena_release(&l->arena);                                                          \
		free(l->items);                                                                    \
		free(l);                                                                           \
	}

#endif
