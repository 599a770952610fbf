/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "list-private.h"

void *
list_push(void *items, size_t n, size_t *cap, size_t size)
{
	/* items is the address of a "T *": read and write it as bytes, which
	 * is defined for any object pointer type. */
	void *v;
	memcpy(&v, items, sizeof(v));
	if (n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;
		if (grown > SIZE_MAX / size)
			return NULL;
		void *bigger = realloc(v, grown * size);
		if (!bigger)
			return NULL;
		v = bigger;
		memcpy(items, &v, sizeof(v));
		*cap = grown;
	}
	char *slot = (char *)v + n * size;
	memset(slot, 0, size);
	return slot;
}
