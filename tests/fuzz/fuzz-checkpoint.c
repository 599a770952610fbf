/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for checkpoint_parse(), the checkpoint body
 * (docs/formats/log.md section 5.1) that verify --since and verify-bundle
 * read from files an auditor was handed.
 *
 * The body has one spelling per value: an accepted body must come back
 * byte for byte from checkpoint_body() of what was parsed, and its root
 * field must be the base64 of the root. A refusal must be one printable
 * line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/checkpoint-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-checkpoint: %s:%d: check failed: %s\n", __FILE__,    \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: ASan sees any read past the end. */
	char *body = malloc(size ? size : 1);
	check(body != NULL);
	memcpy(body, data, size);
	struct checkpoint_body cp;
	char why[256];
	memset(why, 0x55, sizeof(why));
	int rc = checkpoint_parse(&cp, body, size, why, sizeof(why));
	if (rc) {
		check(rc == -1);
		size_t n = strnlen(why, sizeof(why));
		check(n > 0 && n < sizeof(why));
		for (size_t i = 0; i < n; i++)
			check((unsigned char)why[i] >= 0x20 && why[i] != 0x7f);
		free(body);
		return 0;
	}
	check(strlen(cp.origin) == 32);
	check(cp.size >= 1 && cp.size <= 999999999999999999);
	check(cp.synced == 0 || cp.synced == 1);
	check(strlen(cp.root_b64) == 44);

	char out[256];
	int len = checkpoint_body(out, sizeof(out), cp.origin, cp.size, cp.root, cp.synced);
	check(len > 0 && (size_t)len == size && memcmp(out, body, size) == 0);
	/* The root line is the base64 of the root the parser returned. */
	const char *line3 = strchr(strchr(out, '\n') + 1, '\n') + 1;
	check(memcmp(line3, cp.root_b64, 44) == 0 && line3[44] == '\n');

	/* And the body it wrote parses to the same values. */
	struct checkpoint_body again;
	check(checkpoint_parse(&again, out, (size_t)len, why, sizeof(why)) == 0);
	check(memcmp(&again, &cp, sizeof(cp)) == 0);
	free(body);
	return 0;
}
