/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_JSON_H
#define SRR_UTIL_JSON_H

/* A streaming JSON writer: commas, nesting and string escaping are its job,
 * so callers cannot produce invalid JSON by forgetting one. */

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool pretty;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
/* NULL writes null. */
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A number already in JSON syntax (a canonical decimal). */
void json_number_text(struct json *j, const char *num);
/* Finish the document with a newline. */
void json_end(struct json *j);

#endif
