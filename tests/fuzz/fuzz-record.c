/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the srr-record/1 parser (docs/formats/record.md).
 *
 * The format's rule: the parser accepts exactly the bytes the writer would
 * emit. So an accepted input must serialise back to itself, and so must the
 * same fields added one by one through the public writer: a record the
 * parser takes but the writer refuses (or spells differently) is a bug in
 * one of them. A refusal must be SRR_E_INPUT with a one-line "what" message.
 */
#include <srr/record.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-record: %s:%d: check failed: %s\n", __FILE__,        \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void
check_message(const char *err, size_t size)
{
	size_t n = strnlen(err, size);
	check(n > 0 && n < size);
	for (size_t i = 0; i < n; i++)
		check((unsigned char)err[i] >= 0x20 && err[i] != 0x7f);
}

/* The same record, field by field, through the writer. */
static void
check_rebuilt(const struct srr_record *rec, const uint8_t *data, size_t size)
{
	struct srr_record *copy;
	check(srr_record_new(&copy, srr_record_type(rec)) == 0);
	size_t n = srr_record_count(rec);
	for (size_t i = 0; i < n; i++)
		check(srr_record_add(copy, srr_record_name(rec, i), srr_record_value(rec, i)) == 0);
	check(srr_record_count(copy) == n);
	check(srr_record_name(rec, n) == NULL && srr_record_value(rec, n) == NULL);

	char *out = NULL, err[256] = "";
	size_t len = 0;
	int rc = srr_record_serialize(&out, &len, copy, err, sizeof(err));
	if (rc)
		fprintf(stderr, "fuzz-record: the writer refuses what the parser took: %s\n", err);
	check(rc == 0);
	check(len == size && memcmp(out, data, size) == 0);
	check(out[len] == '\0');
	free(out);
	srr_record_free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srr_record *rec = NULL;
	char err[256];
	memset(err, 0x55, sizeof(err));
	int rc = srr_record_parse(&rec, (const char *)data, size, err, sizeof(err));
	if (rc) {
		check(rc == SRR_E_INPUT);
		check(rec == NULL);
		check_message(err, sizeof(err));
		return 0;
	}
	check(rec != NULL);

	char *out = NULL;
	size_t len = 0;
	rc = srr_record_serialize(&out, &len, rec, err, sizeof(err));
	check(rc == 0);
	check(len == size && memcmp(out, data, size) == 0);
	free(out);

	/* Every field is reachable by name (the first of that name). */
	for (size_t i = 0; i < srr_record_count(rec); i++)
		check(srr_record_get(rec, srr_record_name(rec, i)) != NULL);

	check_rebuilt(rec, data, size);
	srr_record_free(rec);
	return 0;
}
