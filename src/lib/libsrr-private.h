/* SPDX-License-Identifier: MIT */
#ifndef SRR_LIBSRR_PRIVATE_H
#define SRR_LIBSRR_PRIVATE_H

/* Marks the definition of a public function: the library is built with
 * -fvisibility=hidden and a version script, so only these are exported. */
#define SRR_EXPORT __attribute__((visibility("default")))

#endif
