/* SPDX-License-Identifier: MIT */
#ifndef SRR_YAML_SCALAR_PRIVATE_H
#define SRR_YAML_SCALAR_PRIVATE_H

/* The one place that decides how srr writes a text value as YAML
 * (docs/formats/yaml.md), so that every reader takes it back as the same
 * string. Pure: no I/O. */

#include <stdbool.h>
#include <stddef.h>

/* The most bytes yaml_scalar() writes for len bytes of text. */
#define YAML_SCALAR_MAX(len) (4 * (size_t)(len) + 2)

/* Can the UTF-8 text s (len bytes) be written plain, so that YAML 1.1
 * and 1.2 readers alike take it for this very string, in block and flow
 * context? Not when it is empty, has a character YAML gives a meaning,
 * starts or ends with a space, or reads as null, a boolean, a number or
 * a date. False for text that is not UTF-8. */
bool yaml_plain_ok(const char *s, size_t len);

/* Write s as a YAML scalar into dst (room for YAML_SCALAR_MAX(len)):
 * plain when yaml_plain_ok(), else double-quoted, escaping backslash,
 * quote, C0 and C1 controls, DEL, and the characters YAML takes for line
 * breaks or byte order marks. Returns the bytes written; 0 when s is not
 * UTF-8. */
size_t yaml_scalar(char *dst, const char *s, size_t len);

#endif
