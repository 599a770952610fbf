/* SPDX-License-Identifier: MIT */
#include "test-common.h"

#include "lib/register-private.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[1024];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
test_tmpdir_cleanup(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

const char *
test_tmpdir(void)
{
	test_tmpdir_cleanup();
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/srr-test-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	return tmpdir;
}

const char *
test_path(const char *name)
{
	static char bufs[4][2048];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return b;
}

struct srr_register *
test_register_new(void)
{
	test_tmpdir();
	struct srr_register *reg;
	ck_assert_int_eq(srr_register_new(&reg), 0);
	ck_assert_int_eq(srr_register_set_actor(reg, "tester"), 0);
	int rc = srr_register_create(reg, test_path("register.db"));
	ck_assert_msg(rc == 0, "create: %s", srr_errmsg(reg));
	return reg;
}

struct srr_register *
test_register_reopen(struct srr_register *reg, const char *path)
{
	srr_register_free(reg);
	ck_assert_int_eq(srr_register_new(&reg), 0);
	ck_assert_int_eq(srr_register_set_actor(reg, "tester"), 0);
	int rc = srr_register_open(reg, path);
	ck_assert_msg(rc == 0, "open: %s", srr_errmsg(reg));
	return reg;
}

long long
test_log_size(struct srr_register *reg)
{
	int64_t n = -1;
	ck_assert_int_eq(srr_log_size(&n, reg), 0);
	return (long long)n;
}

int
test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	test_tmpdir_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

long long
test_query_int(struct srr_register *reg, const char *sql)
{
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(reg->db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(reg->db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

long long
test_count_rows(struct srr_register *reg, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return test_query_int(reg, sql);
}

void
test_assert_errmsg_has(struct srr_register *reg, const char *needle)
{
	const char *m = srr_errmsg(reg);
	ck_assert_msg(strstr(m, needle) != NULL, "error '%s' does not mention '%s'", m, needle);
	for (const char *p = m; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "control character in '%s'",
			      m);
}

void
test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	size_t len = strlen(text);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}
