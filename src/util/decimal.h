/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_DECIMAL_H
#define SRR_UTIL_DECIMAL_H

/* Exact decimals as text: SLA targets and values are compared digit by
 * digit, never through binary floating point, so 99.9 >= 99.9 always. */

#include <stdbool.h>
#include <stddef.h>

#define DECIMAL_MAX_DIGITS 15
#define DECIMAL_BUF	   32

/* Canonical form: -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?, never "-0". */
bool decimal_is_canonical(const char *s);
/* Accepts an optional sign, leading/trailing zeros and a bare fraction
 * (".5"); writes the canonical form. False if not a decimal or too long. */
bool decimal_canonicalize(char *out, size_t out_size, const char *in);
/* Compare two canonical decimals: <0, 0, >0. */
int decimal_cmp(const char *a, const char *b);

#endif
