/* SPDX-License-Identifier: MIT */
/*
 * The register file: create, open, refusals, pragmas, the init event,
 * the append-only event table, the context's settings and errors.
 */
#include <gnutls/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test-common.h"
#include "lib/register-private.h"
#include "util/date.h"

/* test_path() rotates a few static buffers: keep our own copy. */
#define LOCAL_PATH(var, name)                                                                      \
	char var[4096];                                                                            \
	snprintf(var, sizeof(var), "%s", test_path(name))

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	ck_assert_msg(rc == SQLITE_OK, "sqlite3_open %s: %s", path, sqlite3_errmsg(db));
	return db;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

/* Run sql expecting failure; returns the error text (static buffer). */
static const char *
raw_exec_fail(sqlite3 *db, const char *sql)
{
	static char buf[512];
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc != SQLITE_OK, "'%s' should have failed", sql);
	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
	sqlite3_free(msg);
	return buf;
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *
raw_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	char *v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static struct srr_register *
new_ctx(void)
{
	struct srr_register *reg = NULL;
	ck_assert_int_eq(srr_register_new(&reg), 0);
	ck_assert_ptr_nonnull(reg);
	return reg;
}

START_TEST(create_mode_0600)
{
	test_tmpdir();
	LOCAL_PATH(path, "register.db");
	mode_t old = umask(0);
	struct srr_register *reg = new_ctx();
	int rc = srr_register_create(reg, path);
	umask(old);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));

	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	/* SQLite gives the WAL file the main file's mode. */
	char wal[4200];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &st) == 0)
		ck_assert_int_eq(st.st_mode & 07777, 0600);

	ck_assert_int_eq(srr_register_schema_version(reg), srr_schema_version());
	ck_assert_int_ge(srr_schema_version(), 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(create_refuses_existing_file)
{
	test_tmpdir();
	LOCAL_PATH(path, "register.db");
	test_write_file(path, "precious\n");
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_create(reg, path), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, path);
	ck_assert_ptr_null(srr_register_id(reg));
	/* Untouched. */
	size_t len;
	char *text = test_read_file(path, &len);
	ck_assert_str_eq(text, "precious\n");
	free(text);
	srr_register_free(reg);
}
END_TEST

START_TEST(create_refuses_existing_register)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	char id[65];
	snprintf(id, sizeof(id), "%s", srr_register_id(reg));
	long long n = test_log_size(reg);
	srr_register_free(reg);

	reg = new_ctx();
	ck_assert_int_eq(srr_register_create(reg, path), SRR_E_EXISTS);
	srr_register_free(reg);

	/* The first register is intact. */
	reg = new_ctx();
	reg = test_register_reopen(reg, path);
	ck_assert_str_eq(srr_register_id(reg), id);
	ck_assert_int_eq(test_log_size(reg), n);
	srr_register_free(reg);
}
END_TEST

START_TEST(create_missing_directory)
{
	test_tmpdir();
	LOCAL_PATH(path, "no-such-dir/register.db");
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_create(reg, path), SRR_E_IO);
	test_assert_errmsg_has(reg, path);
	ck_assert_ptr_null(srr_register_id(reg));
	struct stat st;
	ck_assert_int_ne(stat(path, &st), 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(create_and_open_need_a_path)
{
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_create(reg, NULL), SRR_E_INPUT);
	ck_assert_int_eq(srr_register_create(reg, ""), SRR_E_INPUT);
	ck_assert_int_eq(srr_register_open(reg, NULL), SRR_E_INPUT);
	ck_assert_int_eq(srr_register_open(reg, ""), SRR_E_INPUT);
	ck_assert_str_ne(srr_errmsg(reg), "");
	srr_register_free(reg);
}
END_TEST

START_TEST(open_twice_refused)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_STATE);
	ck_assert_int_eq(srr_register_create(reg, test_path("other.db")), SRR_E_STATE);
	/* Still usable. */
	ck_assert_int_eq(test_log_size(reg), 1);
	struct stat st;
	ck_assert_int_ne(stat(test_path("other.db"), &st), 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(open_missing_file)
{
	test_tmpdir();
	LOCAL_PATH(path, "missing.db");
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, path);
	ck_assert_ptr_null(srr_register_id(reg));
	/* Opening must not create it. */
	struct stat st;
	ck_assert_int_ne(stat(path, &st), 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(open_directory)
{
	const char *dir = test_tmpdir();
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, dir), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, dir);
	srr_register_free(reg);
}
END_TEST

START_TEST(open_not_sqlite)
{
	test_tmpdir();
	LOCAL_PATH(path, "notes.txt");
	char text[2048] = "";
	for (int i = 0; i < 40; i++)
		strcat(text, "this is not a database, just some notes\n");
	test_write_file(path, text);
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, "not an srr register");
	test_assert_errmsg_has(reg, path);
	ck_assert_ptr_null(srr_register_id(reg));
	srr_register_free(reg);

	/* The file is left alone. */
	size_t len;
	char *back = test_read_file(path, &len);
	ck_assert_str_eq(back, text);
	free(back);
}
END_TEST

START_TEST(open_foreign_sqlite)
{
	test_tmpdir();
	LOCAL_PATH(path, "foreign.db");
	sqlite3 *db = raw_open(path);
	raw_exec(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
		     "INSERT INTO notes (body) VALUES ('hello');"
		     "PRAGMA user_version = 1");
	sqlite3_close(db);

	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, "not an srr register");
	ck_assert_ptr_null(srr_register_id(reg));
	srr_register_free(reg);

	/* Not migrated behind the owner's back. */
	db = raw_open(path);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'event'"), 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM notes"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(open_newer_schema)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	srr_register_free(reg);

	sqlite3 *db = raw_open(path);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", srr_schema_version() + 1);
	raw_exec(db, sql);
	sqlite3_close(db);

	reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, "newer");
	test_assert_errmsg_has(reg, path);
	ck_assert_ptr_null(srr_register_id(reg));
	srr_register_free(reg);

	/* And its level was not lowered. */
	db = raw_open(path);
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), srr_schema_version() + 1);
	sqlite3_close(db);
}
END_TEST

/* A level-1 register (as the first release wrote it) is brought up to the
 * current level on open, in one transaction with a register.migrate event. */
START_TEST(open_migrates_older_schema)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	long long events = test_log_size(reg);
	srr_register_free(reg);

	sqlite3 *db = raw_open(path);
	raw_exec(db, "DROP TABLE checkpoint; DROP TABLE log_state;"
		     " DROP TABLE signature; DROP TABLE approval;"
		     " DROP TABLE review_evidence; DROP TABLE review; DROP TABLE incident;"
		     " DROP TABLE risk_action; DROP TABLE risk; DROP TABLE policy;"
		     " DROP TABLE certificate; DROP TABLE crl; PRAGMA user_version = 1");
	sqlite3_close(db);

	reg = new_ctx();
	ck_assert_msg(srr_register_open(reg, path) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_register_schema_version(reg), srr_schema_version());
	ck_assert_int_eq(test_log_size(reg), events + 1);
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, events, 0), 0);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_str_eq(e->action, "register.migrate");
	char want[64];
	snprintf(want, sizeof(want), "\nschema %d\n", srr_schema_version());
	ck_assert_ptr_nonnull(strstr(e->record, want));
	srr_event_list_free(l);
	/* The new tables work. */
	struct srr_supplier s = { .key = "a", .name = "A", .tier = SRR_TIER_LOW };
	ck_assert_int_eq(srr_supplier_add(reg, &s), 0);
	struct srr_review r = { .supplier = "a", .date = "2026-01-01", .outcome = SRR_OUTCOME_PASS };
	ck_assert_msg(srr_review_record(reg, &r, NULL) == 0, "%s", srr_errmsg(reg));
	srr_register_free(reg);

	db = raw_open(path);
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), srr_schema_version());
	sqlite3_close(db);
}
END_TEST

START_TEST(open_never_initialised)
{
	test_tmpdir();
	LOCAL_PATH(path, "half.db");
	sqlite3 *db = raw_open(path);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", SRR_APPLICATION_ID);
	raw_exec(db, sql);
	sqlite3_close(db);

	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_open(reg, path), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, path);
	srr_register_free(reg);
}
END_TEST

START_TEST(pragmas_in_effect)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");

	/* WAL is a property of the file: seen by any connection. */
	sqlite3 *db = raw_open(path);
	char *mode = raw_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	ck_assert_int_eq(raw_int(db, "PRAGMA application_id"), SRR_APPLICATION_ID);
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), srr_schema_version());
	sqlite3_close(db);

	/* Foreign keys are per connection: the library's own must have them. */
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(raw_int(reg->db, "PRAGMA foreign_keys"), 1);
		const char *err = raw_exec_fail(
			reg->db, "INSERT INTO supplier_service (supplier_id, pos, name)"
				 " VALUES (4242, 0, 'orphan')");
		ck_assert_msg(strstr(err, "FOREIGN KEY") != NULL, "got '%s'", err);
		ck_assert_int_eq(raw_int(reg->db, "SELECT count(*) FROM supplier_service"), 0);
		reg = test_register_reopen(reg, path);
	}
	srr_register_free(reg);
}
END_TEST

static bool
is_lower_hex(const char *s)
{
	return strspn(s, "0123456789abcdef") == strlen(s);
}

START_TEST(register_id_stable)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	const char *id = srr_register_id(reg);
	ck_assert_ptr_nonnull(id);
	ck_assert_uint_eq(strlen(id), 32);
	ck_assert(is_lower_hex(id));
	char saved[65];
	snprintf(saved, sizeof(saved), "%s", id);

	reg = test_register_reopen(reg, path);
	ck_assert_str_eq(srr_register_id(reg), saved);
	reg = test_register_reopen(reg, path);
	ck_assert_str_eq(srr_register_id(reg), saved);
	ck_assert_int_eq(srr_register_schema_version(reg), srr_schema_version());

	/* A second register has another id. */
	struct srr_register *other = new_ctx();
	ck_assert_int_eq(srr_register_create(other, test_path("second.db")), 0);
	ck_assert_str_ne(srr_register_id(other), saved);
	srr_register_free(other);
	srr_register_free(reg);
}
END_TEST

START_TEST(init_event_is_first)
{
	struct srr_register *reg = test_register_new();
	int64_t before = (int64_t)time(NULL);
	ck_assert_int_eq(test_log_size(reg), 1);

	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	ck_assert_ptr_null(srr_event_list_get(l, 1));
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_int_eq(e->seq, 1);
	ck_assert_str_eq(e->action, "register.init");
	ck_assert_str_eq(e->actor, "tester");
	char entity[80];
	snprintf(entity, sizeof(entity), "register/%s", srr_register_id(reg));
	ck_assert_str_eq(e->entity, entity);
	int64_t t;
	ck_assert_msg(time_parse(e->time, &t), "event time '%s'", e->time);
	ck_assert_int_le(t, before + 5);
	ck_assert_int_ge(t, before - 600);

	/* Its record is the register's state, in canonical form. */
	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_str_eq(srr_record_type(rec), "register");
	ck_assert_str_eq(srr_record_get(rec, "id"), srr_register_id(reg));
	char schema[16];
	snprintf(schema, sizeof(schema), "%d", srr_schema_version());
	ck_assert_str_eq(srr_record_get(rec, "schema"), schema);
	srr_record_free(rec);

	/* Its leaf names it and hashes the record. */
	ck_assert_msg(srr_record_parse(&rec, e->leaf, e->leaf_len, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_str_eq(srr_record_type(rec), "event");
	ck_assert_str_eq(srr_record_get(rec, "seq"), "1");
	ck_assert_str_eq(srr_record_get(rec, "action"), "register.init");
	ck_assert_str_eq(srr_record_get(rec, "actor"), "tester");
	ck_assert_str_eq(srr_record_get(rec, "entity"), entity);
	ck_assert_str_eq(srr_record_get(rec, "time"), e->time);
	unsigned char md[32];
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, e->record, e->record_len, md), 0);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(srr_record_get(rec, "record-sha256"), hex);
	srr_record_free(rec);
	srr_event_list_free(l);

	/* since/limit. */
	ck_assert_int_eq(srr_event_list_new(&l, reg, 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 0);
	srr_event_list_free(l);
	srr_register_free(reg);
}
END_TEST

static void
check_append_only(sqlite3 *db)
{
	const char *err = raw_exec_fail(db, "UPDATE event SET actor = 'mallory' WHERE seq = 1");
	ck_assert_msg(strstr(err, "append-only") != NULL, "got '%s'", err);
	err = raw_exec_fail(db, "UPDATE event SET record = X'00'");
	ck_assert_msg(strstr(err, "append-only") != NULL, "got '%s'", err);
	err = raw_exec_fail(db, "DELETE FROM event WHERE seq = 1");
	ck_assert_msg(strstr(err, "append-only") != NULL, "got '%s'", err);
	err = raw_exec_fail(db, "DELETE FROM event");
	ck_assert_msg(strstr(err, "append-only") != NULL, "got '%s'", err);
	/* REPLACE is a delete and an insert: refused too. */
	raw_exec_fail(db, "INSERT OR REPLACE INTO event (seq, time, actor, action, entity, record,"
			  " leaf) VALUES (1, 't', 'a', 'x.y', 'a/b', X'00', X'00')");
	err = raw_exec_fail(db, "INSERT INTO event (seq, time, actor, action, entity, record, leaf)"
				" VALUES (5, 't', 'a', 'x.y', 'a/b', X'00', X'00')");
	ck_assert_msg(strstr(err, "in sequence") != NULL, "got '%s'", err);
	err = raw_exec_fail(db, "INSERT INTO event (seq, time, actor, action, entity, record, leaf)"
				" VALUES (0, 't', 'a', 'x.y', 'a/b', X'00', X'00')");
	ck_assert_msg(strstr(err, "in sequence") != NULL, "got '%s'", err);
	err = raw_exec_fail(db, "INSERT INTO event (seq, time, actor, action, entity, record, leaf)"
				" VALUES (1, 't', 'a', 'x.y', 'a/b', X'00', X'00')");
	ck_assert_msg(strstr(err, "in sequence") != NULL, "got '%s'", err);
}

START_TEST(event_table_append_only)
{
	struct srr_register *reg = test_register_new();
	LOCAL_PATH(path, "register.db");
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	char *leaf = strdup(srr_event_list_get(l, 0)->leaf);
	srr_event_list_free(l);

	/* Through another connection, and through the library's own. */
	sqlite3 *db = raw_open(path);
	check_append_only(db);
	sqlite3_close(db);
	check_append_only(reg->db);

	reg = test_register_reopen(reg, path);
	ck_assert_int_eq(test_log_size(reg), 1);
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	ck_assert_str_eq(srr_event_list_get(l, 0)->leaf, leaf);
	ck_assert_str_eq(srr_event_list_get(l, 0)->actor, "tester");
	srr_event_list_free(l);
	free(leaf);
	srr_register_free(reg);
}
END_TEST

static void
add_supplier(struct srr_register *reg, const char *key)
{
	struct srr_supplier s = { .key = key, .name = "Some Supplier", .tier = SRR_TIER_LOW };
	int rc = srr_supplier_add(reg, &s);
	ck_assert_msg(rc == 0, "add %s: %s", key, srr_errmsg(reg));
}

static char *
last_actor(struct srr_register *reg)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	char *a = strdup(srr_event_list_get(l, 0)->actor);
	srr_event_list_free(l);
	return a;
}

START_TEST(set_actor_validates)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_actor(reg, "alice"), 0);

	char long_actor[130];
	memset(long_actor, 'a', 129);
	long_actor[129] = '\0';
	static const char *const bad[] = { "",	       "a\tb",	  "a\nb",     "bob\r",
					   "\x1b[31m", "del\x7f", "\xff\xfe", "\xc3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(srr_register_set_actor(reg, bad[i]), SRR_E_INPUT);
		test_assert_errmsg_has(reg, "actor");
	}
	ck_assert_int_eq(srr_register_set_actor(reg, NULL), SRR_E_INPUT);
	ck_assert_int_eq(srr_register_set_actor(reg, long_actor), SRR_E_INPUT);

	/* The refused values left the actor as it was. */
	add_supplier(reg, "one");
	char *a = last_actor(reg);
	ck_assert_str_eq(a, "alice");
	free(a);

	long_actor[128] = '\0';
	ck_assert_int_eq(srr_register_set_actor(reg, long_actor), 0);
	add_supplier(reg, "two");
	a = last_actor(reg);
	ck_assert_str_eq(a, long_actor);
	free(a);

	ck_assert_int_eq(srr_register_set_actor(reg, "Jöhn Dœ (procurement)"), 0);
	add_supplier(reg, "three");
	a = last_actor(reg);
	ck_assert_str_eq(a, "Jöhn Dœ (procurement)");
	free(a);
	srr_register_free(reg);
}
END_TEST

START_TEST(set_today_validates)
{
	struct srr_register *reg = new_ctx();
	ck_assert_int_eq(srr_register_set_today(reg, "2026-02-28"), 0);
	ck_assert_int_eq(srr_register_set_today(reg, NULL), 0);
	ck_assert_int_eq(srr_register_set_today(reg, "2024-02-29"), 0);
	static const char *const bad[] = { "2026-02-30",  "2026-1-01",	"",	     "today",
					   "2026-01-01x", "1900-02-29", "2026-13-01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(srr_register_set_today(reg, bad[i]), SRR_E_INPUT);
		test_assert_errmsg_has(reg, bad[i]);
	}
	srr_register_free(reg);
}
END_TEST

START_TEST(errmsg_texts)
{
	ck_assert_str_eq(srr_errmsg(NULL), "out of memory");
	struct srr_register *reg = new_ctx();
	ck_assert_ptr_nonnull(srr_errmsg(reg));
	ck_assert_str_eq(srr_errmsg(reg), "");

	/* Each failure replaces the message and is one line. */
	ck_assert_int_eq(srr_register_set_today(reg, "2026-02-30"), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "2026-02-30");
	ck_assert_ptr_null(strchr(srr_errmsg(reg), '\n'));
	ck_assert_int_eq(srr_register_set_actor(reg, ""), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "actor");
	ck_assert_ptr_null(strstr(srr_errmsg(reg), "2026-02-30"));
	ck_assert_ptr_null(strchr(srr_errmsg(reg), '\n'));
	srr_register_free(reg);
}
END_TEST

START_TEST(no_register_open)
{
	struct srr_register *reg = new_ctx();
	ck_assert_ptr_null(srr_register_id(reg));
	ck_assert_int_eq(srr_register_schema_version(reg), 0);
	int64_t n = -7;
	ck_assert_int_eq(srr_log_size(&n, reg), SRR_E_STATE);
	ck_assert_int_eq(n, -7);
	struct srr_supplier s = { .key = "acme", .name = "Acme", .tier = SRR_TIER_LOW };
	ck_assert_int_eq(srr_supplier_add(reg, &s), SRR_E_STATE);
	test_assert_errmsg_has(reg, "no register");
	struct srr_supplier_list *sl = NULL;
	ck_assert_int_eq(srr_supplier_list_new(&sl, reg, 1), SRR_E_STATE);
	ck_assert_ptr_null(sl);
	struct srr_event_list *el = NULL;
	ck_assert_int_eq(srr_event_list_new(&el, reg, 0, 0), SRR_E_STATE);
	ck_assert_ptr_null(el);
	srr_register_free(reg);
	srr_register_free(NULL);
}
END_TEST

START_TEST(strerror_each_code)
{
	static const struct {
		int code;
		const char *text;
	} codes[] = {
		{ SRR_OK, "success" },
		{ SRR_E_NOMEM, "out of memory" },
		{ SRR_E_IO, "input/output error" },
		{ SRR_E_DB, "database error" },
		{ SRR_E_INPUT, "invalid input" },
		{ SRR_E_NOTFOUND, "not found" },
		{ SRR_E_EXISTS, "already exists" },
		{ SRR_E_FORMAT, "unsupported file" },
		{ SRR_E_TOKEN, "token error" },
		{ SRR_E_PIN, "PIN error" },
		{ SRR_E_VERIFY, "verification failed" },
		{ SRR_E_STATE, "not allowed in the current state" },
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_str_eq(srr_strerror(codes[i].code), codes[i].text);
		/* Every text is distinct. */
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(srr_strerror(codes[i].code), srr_strerror(codes[j].code));
	}
	ck_assert_str_eq(srr_strerror(-12), "unknown error");
	ck_assert_str_eq(srr_strerror(1), "unknown error");
	ck_assert_str_eq(srr_strerror(-1000), "unknown error");
}
END_TEST

START_TEST(version_string)
{
	const char *v = srr_version();
	ck_assert_ptr_nonnull(v);
	unsigned a, b, c;
	char tail;
	ck_assert_int_eq(sscanf(v, "%u.%u.%u%c", &a, &b, &c, &tail), 3);
}
END_TEST

static Suite *
register_suite(void)
{
	Suite *s = suite_create("register");
	TCase *tc = tcase_create("create");
	tcase_add_test(tc, create_mode_0600);
	tcase_add_test(tc, create_refuses_existing_file);
	tcase_add_test(tc, create_refuses_existing_register);
	tcase_add_test(tc, create_missing_directory);
	tcase_add_test(tc, create_and_open_need_a_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_test(tc, open_twice_refused);
	tcase_add_test(tc, open_missing_file);
	tcase_add_test(tc, open_directory);
	tcase_add_test(tc, open_not_sqlite);
	tcase_add_test(tc, open_foreign_sqlite);
	tcase_add_test(tc, open_newer_schema);
	tcase_add_test(tc, open_never_initialised);
	tcase_add_test(tc, open_migrates_older_schema);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_test(tc, pragmas_in_effect);
	tcase_add_test(tc, register_id_stable);
	tcase_add_test(tc, init_event_is_first);
	tcase_add_test(tc, event_table_append_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("context");
	tcase_add_test(tc, set_actor_validates);
	tcase_add_test(tc, set_today_validates);
	tcase_add_test(tc, errmsg_texts);
	tcase_add_test(tc, no_register_open);
	tcase_add_test(tc, strerror_each_code);
	tcase_add_test(tc, version_string);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(register_suite());
}
