/* SPDX-License-Identifier: MIT */
/*
 * srr_import() from memory: the reader's UTF-8 checks across chunk
 * boundaries, where its errors point, the value size limit, dry runs, the
 * error cap, and the callbacks. The CLI test (tests/cli/test-import.sh)
 * has the shape's errors and the round trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"

struct seen {
	size_t errors, changes;
	char first[512];
	unsigned line, col;
	char last_entity[128];
};

static void
on_error(void *userdata, const char *file, unsigned line, unsigned col, const char *msg)
{
	struct seen *s = userdata;
	if (s->errors++ == 0) {
		snprintf(s->first, sizeof(s->first), "%s: %s", file, msg);
		s->line = line;
		s->col = col;
	}
}

static void
on_change(void *userdata, enum srr_import_change change, const char *entity)
{
	struct seen *s = userdata;
	ck_assert(change == SRR_IMPORT_ADDED || change == SRR_IMPORT_CHANGED);
	s->changes++;
	snprintf(s->last_entity, sizeof(s->last_entity), "%s", entity);
}

/* Import len bytes of text; returns srr_import's result. */
static int
import_text(struct srr_register *reg, const char *text, size_t len, int dry_run, int all_errors,
	    size_t max_errors, struct seen *seen, struct srr_import_summary *sum)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	ck_assert_ptr_nonnull(f);
	memset(seen, 0, sizeof(*seen));
	struct srr_import_options o = {
		.dry_run = dry_run,
		.all_errors = all_errors,
		.max_errors = max_errors,
		.on_error = on_error,
		.on_change = on_change,
		.userdata = seen,
	};
	int rc = srr_import(reg, f, "mem.yaml", &o, sum);
	fclose(f);
	return rc;
}

/* n suppliers whose names are full of multi-byte characters, so that the
 * reader's chunks end inside a sequence again and again. */
static char *
wide_file(size_t n, size_t *len)
{
	static const char *const pieces[] = { "\xe2\x82\xac", "\xc3\xbc", "\xf0\x9d\x84\x9e", "a" };
	size_t cap = n * 400 + 64, used = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	used += (size_t)snprintf(buf + used, cap - used, "suppliers:\n");
	for (size_t i = 0; i < n; i++) {
		used += (size_t)snprintf(buf + used, cap - used, "  - key: s%zu\n    name: \"N",
					 i);
		for (size_t k = 0; k < 40 + i % 7; k++)
			used += (size_t)snprintf(buf + used, cap - used, "%s",
						 pieces[(i + k) % 4]);
		used += (size_t)snprintf(buf + used, cap - used, "\"\n    tier: low\n");
	}
	*len = used;
	return buf;
}

START_TEST(utf8_across_chunks)
{
	struct srr_register *reg = test_register_new();
	size_t len;
	char *text = wide_file(3000, &len);
	ck_assert_uint_gt(len, 4 * 65536); /* several chunks */
	struct seen seen;
	struct srr_import_summary sum;
	int rc = import_text(reg, text, len, 0, 0, 0, &seen, &sum);
	ck_assert_msg(rc == 0, "%s", seen.first);
	ck_assert_uint_eq(sum.suppliers, 3000);
	ck_assert_uint_eq(sum.added, 3000);
	ck_assert_uint_eq(seen.changes, 3000);
	ck_assert_str_eq(seen.last_entity, "supplier/s2999");
	struct srr_supplier_list *l;
	ck_assert_int_eq(srr_supplier_find(&l, reg, "s2999"), 0);
	const char *name = srr_supplier_list_get(l, 0)->name;
	ck_assert_uint_gt(strlen(name), 80);
	ck_assert(strstr(name, "\xf0\x9d\x84\x9e") != NULL);
	srr_supplier_list_free(l);

	/* A bad byte far down, after thousands of wide characters: the line
	 * and column (in characters) are exact. */
	size_t at = len - 30;
	while (text[at] != '\n')
		at--;
	at += 1 + strlen("    tier: ");
	text[at] = '\xff';
	unsigned line = 1;
	for (size_t i = 0; i < at; i++)
		line += text[i] == '\n';
	long long before = test_log_size(reg);
	rc = import_text(reg, text, len, 0, 0, 0, &seen, &sum);
	ck_assert_int_eq(rc, SRR_E_INPUT);
	ck_assert_str_eq(seen.first, "mem.yaml: invalid UTF-8 (byte 0xff; the file must be UTF-8)");
	ck_assert_uint_eq(seen.line, line);
	ck_assert_uint_eq(seen.col, 11);
	ck_assert_int_eq(test_log_size(reg), before);
	free(text);
	srr_register_free(reg);
}
END_TEST

START_TEST(utf8_forms)
{
	static const char *const bad[] = {
		"\xc0\x80",	    /* overlong NUL */
		"\xe0\x80\xaf",	    /* overlong '/' */
		"\xed\xa0\x80",	    /* a surrogate */
		"\xf4\x90\x80\x80", /* past U+10FFFF */
		"\x80",		    /* a continuation byte alone */
		"\xe2\x82",	    /* cut at the end of the file */
	};
	struct srr_register *reg = test_register_new();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		int n = snprintf(text, sizeof(text), "suppliers:\n  - {key: a, tier: low, name: X%s",
				 bad[i]);
		struct seen seen;
		struct srr_import_summary sum;
		ck_assert_int_eq(import_text(reg, text, (size_t)n, 0, 0, 0, &seen, &sum),
				 SRR_E_INPUT);
		ck_assert_msg(strstr(seen.first, "invalid UTF-8") != NULL, "%zu: %s", i,
			      seen.first);
		ck_assert_uint_eq(seen.line, 2);
		ck_assert_uint_eq(seen.col, 32);
	}
	/* A NUL byte. */
	static const char nul[] = "suppliers:\n  - {key: a, name: A\0B, tier: low}\n";
	struct seen seen;
	struct srr_import_summary sum;
	ck_assert_int_eq(import_text(reg, nul, sizeof(nul) - 1, 0, 0, 0, &seen, &sum),
			 SRR_E_INPUT);
	ck_assert_str_eq(seen.first, "mem.yaml: NUL byte (the file must be UTF-8 text)");
	ck_assert_uint_eq(seen.col, 21);
	ck_assert_int_eq(test_log_size(reg), 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(value_limit)
{
	struct srr_register *reg = test_register_new();
	/* Half a MiB passes the reader (and fails the supplier name's own
	 * limit); a MiB and a half does not reach it. */
	for (int big = 0; big < 2; big++) {
		size_t n = big ? 3u << 19 : 1u << 19;
		char *text = malloc(n + 64);
		ck_assert_ptr_nonnull(text);
		int head = snprintf(text, 64, "suppliers:\n  - key: a\n    tier: low\n    name: ");
		memset(text + head, 'x', n);
		text[head + n] = '\n';
		struct seen seen;
		struct srr_import_summary sum;
		ck_assert_int_eq(import_text(reg, text, (size_t)head + n + 1, 0, 0, 0, &seen, &sum),
				 SRR_E_INPUT);
		if (big) {
			ck_assert_str_eq(seen.first,
					 "mem.yaml: a value longer than 1048576 bytes follows");
			ck_assert_uint_eq(seen.line, 4);
		} else {
			ck_assert_msg(strstr(seen.first, "supplier name") != NULL, "%s",
				      seen.first);
		}
		free(text);
	}
	srr_register_free(reg);
}
END_TEST

START_TEST(dry_run_and_error_cap)
{
	struct srr_register *reg = test_register_new();
	static const char good[] = "suppliers:\n  - {key: a, name: A, tier: low}\n"
				   "  - {key: b, name: B, tier: high, subcontractors: [a]}\n";
	struct seen seen;
	struct srr_import_summary sum;
	ck_assert_int_eq(import_text(reg, good, sizeof(good) - 1, 1, 0, 0, &seen, &sum), 0);
	ck_assert_uint_eq(sum.added, 2);
	ck_assert_uint_eq(seen.changes, 2);
	ck_assert_int_eq(test_log_size(reg), 1);
	ck_assert_int_eq(test_count_rows(reg, "supplier"), 0);
	ck_assert_int_eq(import_text(reg, good, sizeof(good) - 1, 0, 0, 0, &seen, &sum), 0);
	ck_assert_int_eq(test_log_size(reg), 3);
	ck_assert_int_eq(test_count_rows(reg, "subcontractor"), 1);
	/* Again: nothing. */
	ck_assert_int_eq(import_text(reg, good, sizeof(good) - 1, 0, 0, 0, &seen, &sum), 0);
	ck_assert_uint_eq(sum.added + sum.changed, 0);
	ck_assert_uint_eq(sum.entities, 2);
	ck_assert_int_eq(test_log_size(reg), 3);

	static const char bad[] = "suppliers:\n  - {key: c, name: C, tier: x}\n"
				  "  - {key: d, name: D, tier: y}\n  - {key: e, name: E, tier: z}\n"
				  "  - {key: f, name: F, tier: low}\n";
	ck_assert_int_eq(import_text(reg, bad, sizeof(bad) - 1, 0, 0, 0, &seen, &sum),
			 SRR_E_INPUT);
	ck_assert_uint_eq(seen.errors, 1);
	ck_assert_uint_eq(sum.errors, 1);
	test_assert_errmsg_has(reg, "mem.yaml:2:29: 'tier' must be one of");
	ck_assert_int_eq(import_text(reg, bad, sizeof(bad) - 1, 0, 1, 0, &seen, &sum),
			 SRR_E_INPUT);
	ck_assert_uint_eq(seen.errors, 3);
	ck_assert_int_eq(import_text(reg, bad, sizeof(bad) - 1, 0, 1, 2, &seen, &sum),
			 SRR_E_INPUT);
	ck_assert_uint_eq(seen.errors, 2);
	ck_assert_int_eq(test_log_size(reg), 3);
	ck_assert_int_eq(test_count_rows(reg, "supplier"), 2);
	srr_register_free(reg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, utf8_across_chunks);
	tcase_add_test(tc, utf8_forms);
	tcase_add_test(tc, value_limit);
	tcase_add_test(tc, dry_run_and_error_cap);
	suite_add_tcase(s, tc);
	return test_run(s);
}
