/* SPDX-License-Identifier: MIT */
#ifndef SRR_TEST_COMMON_H
#define SRR_TEST_COMMON_H

#include <check.h>
#include <srr/srr.h>

/* A fresh temporary directory per test, removed by test_tmpdir_cleanup().
 * Returns a static buffer with the path. */
const char *test_tmpdir(void);
void test_tmpdir_cleanup(void);

/* A path inside the test's temporary directory (static buffer, rotated). */
const char *test_path(const char *name);

/* Create a register in a fresh temp dir, actor "tester"; fails the test on error. */
struct srr_register *test_register_new(void);
/* Reopen the same file with a new context. */
struct srr_register *test_register_reopen(struct srr_register *reg, const char *path);

/* Number of events in the register's log. */
long long test_log_size(struct srr_register *reg);

/* Run the suite (CK_FORK honoured); returns the process exit status. */
int test_run(Suite *s);

/* SELECT count(*) FROM table (a name the test spells out), and the integer
 * result of any one-row query, on the register's own connection. */
long long test_count_rows(struct srr_register *reg, const char *table);
long long test_query_int(struct srr_register *reg, const char *sql);

/* The last error mentions needle and is one printable line. */
void test_assert_errmsg_has(struct srr_register *reg, const char *needle);

/* Write text to path (binary, exactly). */
void test_write_file(const char *path, const char *text);

/* Read a whole file into a malloc'd buffer. */
char *test_read_file(const char *path, size_t *len);

#endif
