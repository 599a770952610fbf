/* SPDX-License-Identifier: MIT */
/*
 * A full disk in the middle of a change: PRAGMA max_page_count on the
 * register's own connection stands for the disk, so SQLite answers
 * SQLITE_FULL when the change needs one more page. Each change must then
 * fail with a message that names the register and says it is full, leave
 * the register's content exactly as it was (every row of every table), the
 * log still verifying, and the register usable once there is room again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"

#include "lib/register-private.h"

/* --- the register's content, every table, as bytes ----------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* Every row of one query: each value's type, length and bytes. */
static void
put_rows(struct buf *b, sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			int type = sqlite3_column_type(st, i);
			const void *v = type == SQLITE_BLOB ? sqlite3_column_blob(st, i)
							    : (const void *)sqlite3_column_text(st, i);
			size_t n = (size_t)sqlite3_column_bytes(st, i);
			put(b, &type, sizeof(type));
			put(b, &n, sizeof(n));
			if (n)
				put(b, v, n);
		}
		put(b, "\n", 1);
	}
	ck_assert_int_eq(rc, SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The schema, user_version and every row of every table, in rowid order,
 * read on the register's own connection. */
static struct buf
content(struct srr_register *reg)
{
	struct buf b = { 0 };
	put_rows(&b, reg->db, "PRAGMA user_version");
	put_rows(&b, reg->db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(reg->db,
					    "SELECT name FROM sqlite_schema WHERE type = 'table'"
					    " AND name NOT LIKE 'sqlite_%' ORDER BY name",
					    -1, &st, NULL),
			 SQLITE_OK);
	size_t tables = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char sql[256];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY rowid", name);
		put(&b, name, strlen(name) + 1);
		put_rows(&b, reg->db, sql);
		tables++;
	}
	sqlite3_finalize(st);
	ck_assert_uint_gt(tables, 10);
	return b;
}

static void
assert_same(const struct buf *a, const struct buf *b, const char *what)
{
	ck_assert_msg(a->len == b->len && memcmp(a->p, b->p, a->len) == 0,
		      "%s: the register's content changed (%zu bytes, now %zu)", what, a->len,
		      b->len);
}

static void
assert_verifies(struct srr_register *reg)
{
	struct srr_verify_result r;
	ck_assert_msg(srr_verify(reg, NULL, NULL, NULL, &r) == 0, "verify: %s", srr_errmsg(reg));
	ck_assert_uint_eq(r.failures, 0);
	ck_assert_int_eq(r.events, test_log_size(reg));
}

/* The disk: no more pages than the register has now plus extra; huge
 * again when extra < 0. */
static void
limit_pages(struct srr_register *reg, long long extra)
{
	char sql[64];
	long long n = extra < 0 ? 1073741823LL : test_query_int(reg, "PRAGMA page_count") + extra;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", n);
	ck_assert_int_eq(test_query_int(reg, sql), n);
}

/* --- YAML to import ------------------------------------------------------ */

/* n suppliers from index first, each with a contract, an SLA and a risk:
 * a few hundred bytes of rows and events each. */
static char *
suppliers_yaml(size_t first, size_t n, size_t *len)
{
	size_t cap = n * 600 + 64, used = 0;
	char *y = malloc(cap);
	ck_assert_ptr_nonnull(y);
	used += (size_t)snprintf(y + used, cap - used, "suppliers:\n");
	for (size_t i = first; i < first + n; i++)
		used += (size_t)snprintf(
			y + used, cap - used,
			"  - key: s%05zu\n"
			"    name: Supplier number %zu of the full disk test\n"
			"    tier: medium\n"
			"    services: [Hosting, Backup]\n"
			"    contracts:\n"
			"      - ref: C-%zu\n"
			"        start: 2024-01-01\n"
			"        end: 2027-12-31\n"
			"        slas:\n"
			"          - {metric: availability, target: 99.9, comparator: ge, period: month}\n"
			"    risks:\n"
			"      - {title: Risk of supplier %zu, likelihood: 2, impact: 3}\n",
			i, i, i, i);
	ck_assert_uint_lt(used, cap);
	*len = used;
	return y;
}

static int
import(struct srr_register *reg, size_t first, size_t n)
{
	size_t len;
	char *y = suppliers_yaml(first, n, &len);
	FILE *f = fmemopen(y, len, "rb");
	ck_assert_ptr_nonnull(f);
	int rc = srr_import(reg, f, "suppliers.yaml", NULL, NULL);
	fclose(f);
	free(y);
	return rc;
}

/* The message names the register and says it is full, on one line. */
static void
assert_full_message(struct srr_register *reg)
{
	test_assert_errmsg_has(reg, test_path("register.db"));
	test_assert_errmsg_has(reg, "disk or database full");
}

/* --- the tests ------------------------------------------------------------ */

START_TEST(import_runs_out_of_pages)
{
	struct srr_register *reg = test_register_new();
	ck_assert_msg(import(reg, 0, 100) == 0, "import: %s", srr_errmsg(reg));
	long long events = test_log_size(reg);
	struct buf before = content(reg);

	/* Room for about a tenth of the file. */
	limit_pages(reg, 40);
	int rc = import(reg, 100, 1000);
	ck_assert_int_eq(rc, SRR_E_DB);
	assert_full_message(reg);

	/* Read on the same connection, and again on a fresh one. */
	struct buf now = content(reg);
	assert_same(&before, &now, "after the failed import");
	free(now.p);
	assert_verifies(reg);
	reg = test_register_reopen(reg, test_path("register.db"));
	now = content(reg);
	assert_same(&before, &now, "after the failed import, reopened");
	free(now.p);
	ck_assert_int_eq(test_log_size(reg), events);

	/* With room again the same file imports. */
	ck_assert_msg(import(reg, 100, 1000) == 0, "import: %s", srr_errmsg(reg));
	ck_assert_int_eq(test_count_rows(reg, "supplier"), 1100);
	assert_verifies(reg);
	free(before.p);
	srr_register_free(reg);
}
END_TEST

/* One small change at a time until the disk is full: the one that finds
 * no page leaves the register as the one before it did. */
START_TEST(supplier_add_runs_out_of_pages)
{
	struct srr_register *reg = test_register_new();
	ck_assert_msg(import(reg, 0, 20) == 0, "import: %s", srr_errmsg(reg));
	limit_pages(reg, 2);
	struct buf before = content(reg);
	int rc = 0;
	size_t added = 0;
	for (; added < 1000; added++) {
		char key[32];
		snprintf(key, sizeof(key), "add-%zu", added);
		struct srr_supplier s = { .key = key,
					  .name = "A supplier added one by one until the disk is full",
					  .tier = SRR_TIER_LOW };
		rc = srr_supplier_add(reg, &s);
		if (rc)
			break;
		free(before.p);
		before = content(reg);
	}
	ck_assert_msg(rc == SRR_E_DB, "%zu adds, then %d: %s", added, rc, srr_errmsg(reg));
	ck_assert_uint_gt(added, 0);
	assert_full_message(reg);
	struct buf now = content(reg);
	assert_same(&before, &now, "after the failed add");
	free(now.p);
	assert_verifies(reg);

	limit_pages(reg, -1);
	struct srr_supplier s = { .key = "after", .name = "After", .tier = SRR_TIER_LOW };
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "add: %s", srr_errmsg(reg));
	assert_verifies(reg);
	free(before.p);
	srr_register_free(reg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fulldisk");
	TCase *tc = tcase_create("fulldisk");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, import_runs_out_of_pages);
	tcase_add_test(tc, supplier_add_runs_out_of_pages);
	suite_add_tcase(s, tc);
	return test_run(s);
}
