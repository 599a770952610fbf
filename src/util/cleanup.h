/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_CLEANUP_H
#define SRR_UTIL_CLEANUP_H

/* Scope-bound cleanup, as libinput and systemd do it: keeps error paths to
 * a plain return. Internal only; never in a public header. */

#include <stdlib.h>

static inline void
cleanup_freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_(fn)  __attribute__((cleanup(fn)))
#define _cleanup_free_ _cleanup_(cleanup_freep)

/* Define cleanup_<fn>p for a free function taking a pointer. */
#define DEFINE_CLEANUP(type, fn)                                                                   \
	static inline void cleanup_##fn##p(type **p)                                               \
	{                                                                                          \
		if (*p)                                                                            \
			fn(*p);                                                                    \
	}

/* Hand ownership out of a cleanup-managed variable. */
#define steal_ptr(p)                                                                               \
	({                                                                                         \
		__typeof__(p) _tmp = (p);                                                          \
		(p) = NULL;                                                                        \
		_tmp;                                                                              \
	})

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
