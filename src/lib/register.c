/* SPDX-License-Identifier: MIT */
/*
 * The register file: create, open, migrate, transactions, the last error.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libsrr-private.h"
#include "log-private.h"
#include "register-private.h"
#include "schema-private.h"
#include "srr/policy.h"
#include "srr/record.h"
#include "util/date.h"
#include "util/text.h"

#define BUSY_TIMEOUT_MS 10000
#define ACTOR_MAX	128
/* A register is used by one thread at a time (srr/register.h), so the
 * connection needs no mutex of its own: SQLite would otherwise take one on
 * every step, bind and column call. */
#define OPEN_FLAGS (SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)

SRR_EXPORT const char *
srr_strerror(int err)
{
	switch (err) {
	case SRR_OK:
		return "success";
	case SRR_E_NOMEM:
		return "out of memory";
	case SRR_E_IO:
		return "input/output error";
	case SRR_E_DB:
		return "database error";
	case SRR_E_INPUT:
		return "invalid input";
	case SRR_E_NOTFOUND:
		return "not found";
	case SRR_E_EXISTS:
		return "already exists";
	case SRR_E_FORMAT:
		return "unsupported file";
	case SRR_E_TOKEN:
		return "token error";
	case SRR_E_PIN:
		return "PIN error";
	case SRR_E_VERIFY:
		return "verification failed";
	case SRR_E_STATE:
		return "not allowed in the current state";
	}
	return "unknown error";
}

SRR_EXPORT const char *
srr_version(void)
{
	return SRR_VERSION;
}

SRR_EXPORT int
srr_schema_version(void)
{
	return (int)srr_n_migrations;
}

int
reg_error(struct srr_register *reg, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(reg->errmsg, sizeof(reg->errmsg), fmt, ap);
	va_end(ap);
	/* Messages quote the caller's input: keep them one line and free of
	 * terminal escapes whatever that input was, and say where a long one
	 * was cut. */
	text_one_line(reg->errmsg, sizeof(reg->errmsg), n);
	return code;
}

int
reg_db_error(struct srr_register *reg, const char *what)
{
	int ext = reg->db ? sqlite3_extended_errcode(reg->db) : SQLITE_ERROR;
	const char *msg = reg->db ? sqlite3_errmsg(reg->db) : "no database";
	switch (ext & 0xff) {
	case SQLITE_NOMEM:
		return reg_error(reg, SRR_E_NOMEM, "%s: out of memory", what);
	case SQLITE_FULL:
		return reg_error(reg, SRR_E_DB, "%s: %s: disk or database full", what, reg->path);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return reg_error(reg, SRR_E_DB, "%s: %s is locked by another process", what,
				 reg->path);
	case SQLITE_READONLY:
		return reg_error(reg, SRR_E_IO, "%s: %s is read-only", what, reg->path);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return reg_error(reg, SRR_E_FORMAT, "%s: %s: %s", what, reg->path, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN: {
		/* "disk I/O error" alone does not say what to fix: the system's
		 * reason does, when SQLite kept it. It does not for a failed
		 * write (only ENOSPC becomes SQLITE_FULL): say what those are. */
		int sys = reg->db ? sqlite3_system_errno(reg->db) : 0;
		if (sys)
			return reg_error(reg, SRR_E_IO, "%s: %s: %s (%s)", what, reg->path, msg,
					 strerror(sys));
		if (ext == SQLITE_IOERR_WRITE)
			return reg_error(reg, SRR_E_IO,
					 "%s: %s: write failed (disk full, file size limit or "
					 "device error)",
					 what, reg->path);
		return reg_error(reg, SRR_E_IO, "%s: %s: %s", what, reg->path, msg);
	}
	}
	return reg_error(reg, SRR_E_DB, "%s: %s", what, msg);
}

SRR_EXPORT const char *
srr_errmsg(const struct srr_register *reg)
{
	return reg ? reg->errmsg : "out of memory";
}

SRR_EXPORT int
srr_register_new(struct srr_register **out)
{
	struct srr_register *reg = calloc(1, sizeof(*reg));
	if (!reg)
		return SRR_E_NOMEM;
	reg->today = INT64_MIN;
	*out = reg;
	return 0;
}

static void
close_db(struct srr_register *reg)
{
	for (unsigned i = 0; i < reg->n_stmts; i++)
		sqlite3_finalize(reg->stmts[i].stmt);
	reg->n_stmts = 0;
	sqlite3_close_v2(reg->db);
	reg->db = NULL;
	reg->id[0] = '\0';
	reg->schema = 0;
	reg->tx_depth = 0;
	reg->frontier_valid = false;
}

SRR_EXPORT void
srr_register_free(struct srr_register *reg)
{
	if (!reg)
		return;
	close_db(reg);
	free(reg->frontier);
	free(reg->path);
	free(reg->actor);
	free(reg);
}

int
reg_require_open(struct srr_register *reg)
{
	if (!reg->db)
		return reg_error(reg, SRR_E_STATE, "no register is open");
	return 0;
}

sqlite3_stmt *
reg_stmt(struct srr_register *reg, const char *sql)
{
	for (unsigned i = 0; i < reg->n_stmts; i++)
		if (reg->stmts[i].sql == sql)
			return reg->stmts[i].stmt;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(reg->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		reg_db_error(reg, "preparing a query");
		return NULL;
	}
	/* Every query is a string literal of this library, so the cache is
	 * sized to hold them all; running out is a bug, not a load problem. */
	if (reg->n_stmts == STMT_CACHE_MAX) {
		sqlite3_finalize(st);
		reg_error(reg, SRR_E_DB, "internal error: statement cache full");
		return NULL;
	}
	reg->stmts[reg->n_stmts++] = (struct stmt_cache_entry){ sql, st };
	return st;
}

/* Run sql; on failure the message starts with what. */
static int
exec_as(struct srr_register *reg, const char *sql, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(reg->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		return reg_db_error(reg, what);
	}
	return 0;
}

int
reg_exec(struct srr_register *reg, const char *sql)
{
	return exec_as(reg, sql, sql);
}

int
reg_begin(struct srr_register *reg)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	rc = exec_as(reg, reg->tx_depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT srr",
		     "starting a change");
	if (rc == 0)
		reg->tx_depth++;
	return rc;
}

int
reg_end(struct srr_register *reg, int rc)
{
	reg->tx_depth--;
	if (reg->tx_depth == 0 || rc != 0)
		reg->tx_next_seq = 0;
	if (rc == 0 && reg->tx_depth == 0)
		rc = log_store_frontier(reg);
	if (rc == 0) {
		int crc = exec_as(reg, reg->tx_depth == 0 ? "COMMIT" : "RELEASE srr",
				  "saving the change");
		if (crc == 0)
			return 0;
		rc = crc;
	}
	/* Keep the message of what failed, not of the rollback. */
	char *msg = NULL;
	reg->frontier_valid = false; /* it may hold a leaf rolled back */
	if (reg->tx_depth == 0)
		reg->frontier_dirty = false;
	sqlite3_exec(reg->db, reg->tx_depth == 0 ? "ROLLBACK" : "ROLLBACK TO srr; RELEASE srr",
		     NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc;
}

int
bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

int64_t
reg_today(const struct srr_register *reg)
{
	if (reg->today != INT64_MIN)
		return reg->today;
	time_t now = time(NULL);
	return (int64_t)now / 86400;
}

int64_t
reg_now_secs(const struct srr_register *reg)
{
	if (reg->today != INT64_MIN)
		return reg->today * 86400 + 86399;
	return (int64_t)time(NULL);
}

int64_t
reg_moment_of(int64_t day)
{
	int64_t now = (int64_t)time(NULL), eod = day * 86400 + 86399;
	return now < eod && now >= day * 86400 ? now : eod;
}

void
reg_now(char buf[21])
{
	/* Called for every row and event a change writes: format each
	 * second once (per thread). */
	static _Thread_local int64_t last = -1;
	static _Thread_local char text[21];
	int64_t now = (int64_t)time(NULL);
	if (now != last) {
		time_format(text, now);
		last = now;
	}
	memcpy(buf, text, sizeof(text));
}

const char *
reg_actor(const struct srr_register *reg)
{
	return reg->actor ? reg->actor : "unknown";
}

int
reg_check_text(struct srr_register *reg, const char *what, const char *s, size_t max,
	       bool multiline)
{
	size_t len = strlen(s);
	if (len == 0)
		return reg_error(reg, SRR_E_INPUT, "%s is empty", what);
	if (len > max)
		return reg_error(reg, SRR_E_INPUT, "%s is longer than %zu bytes", what, max);
	if (!utf8_valid(s, len))
		return reg_error(reg, SRR_E_INPUT, "%s is not valid UTF-8", what);
	size_t bad = text_find_control(s, len, multiline);
	if (bad != len)
		return reg_error(reg, SRR_E_INPUT,
				 "%s contains a control character (0x%02x at byte %zu)", what,
				 (unsigned char)s[bad], bad + 1);
	return 0;
}

SRR_EXPORT int
srr_register_set_actor(struct srr_register *reg, const char *actor)
{
	int rc = reg_check_text(reg, "actor", actor ? actor : "", ACTOR_MAX, false);
	if (rc)
		return rc;
	char *copy = strdup(actor);
	if (!copy)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	free(reg->actor);
	reg->actor = copy;
	return 0;
}

SRR_EXPORT int
srr_register_set_today(struct srr_register *reg, const char *date)
{
	if (!date) {
		reg->today = INT64_MIN;
		return 0;
	}
	int64_t days;
	if (!date_parse(date, &days))
		return reg_error(reg, SRR_E_INPUT, "'%s' is not a date (YYYY-MM-DD)", date);
	reg->today = days;
	return 0;
}

SRR_EXPORT const char *
srr_register_id(const struct srr_register *reg)
{
	return reg->db ? reg->id : NULL;
}

SRR_EXPORT int
srr_register_schema_version(const struct srr_register *reg)
{
	return reg->schema;
}

static int
pragma_int(struct srr_register *reg, const char *sql, int *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(reg->db, sql, -1, &st, NULL) != SQLITE_OK)
		return reg_db_error(reg, "reading the register");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "reading the register");
	return 0;
}

static int
configure(struct srr_register *reg)
{
	sqlite3_extended_result_codes(reg->db, 1);
	sqlite3_busy_timeout(reg->db, BUSY_TIMEOUT_MS);
	/* FULL: a committed change survives power loss, not just a crash. */
	return reg_exec(reg, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
			     "PRAGMA trusted_schema = OFF");
}

static int
load_id(struct srr_register *reg)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, "SELECT value FROM meta WHERE name = 'id'");
	if (!st)
		return SRR_E_DB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return reg_error(reg, SRR_E_FORMAT, "%s: register has no id", reg->path);
	snprintf(reg->id, sizeof(reg->id), "%s", (const char *)sqlite3_column_text(st, 0));
	return 0;
}

/* The register's own record: its id and schema level. */
int
register_state_record(struct srr_register *reg, struct srr_record **out)
{
	struct srr_record *rec;
	int rc = srr_record_new(&rec, "register");
	if (rc)
		return reg_error(reg, rc, "out of memory");
	srr_record_add(rec, "id", reg->id);
	srr_record_add_int(rec, "schema", reg->schema);
	*out = rec;
	return 0;
}

static int
log_register(struct srr_register *reg, const char *action)
{
	struct srr_record *rec;
	int rc = register_state_record(reg, &rec);
	if (rc)
		return rc;
	char entity[80];
	snprintf(entity, sizeof(entity), "register/%s", reg->id);
	rc = log_append(reg, action, entity, rec);
	srr_record_free(rec);
	return rc;
}

/* Bring the schema from its level to ours, all levels in one transaction,
 * logged as register.migrate (a new register logs register.init instead). */
static int
migrate(struct srr_register *reg, int from)
{
	int rc = reg_begin(reg);
	for (unsigned i = (unsigned)from; rc == 0 && i < srr_n_migrations; i++) {
		char *msg = NULL;
		if (sqlite3_exec(reg->db, srr_migrations[i].sql, NULL, NULL, &msg) != SQLITE_OK) {
			rc = reg_error(reg, SRR_E_DB, "%s: schema migration %s failed: %s",
				       reg->path, srr_migrations[i].name, msg ? msg : "?");
			sqlite3_free(msg);
		}
	}
	if (rc == 0) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %u", srr_n_migrations);
		rc = reg_exec(reg, sql);
	}
	int old = reg->schema;
	reg->schema = (int)srr_n_migrations;
	if (rc == 0 && from > 0)
		rc = load_id(reg);
	if (rc == 0 && from > 0)
		rc = log_register(reg, "register.migrate");
	rc = reg_end(reg, rc);
	if (rc)
		reg->schema = old;
	return rc;
}

static int
set_path(struct srr_register *reg, const char *path)
{
	if (reg->db)
		return reg_error(reg, SRR_E_STATE, "a register is already open");
	if (!path || !*path)
		return reg_error(reg, SRR_E_INPUT, "no register path given");
	char *copy = strdup(path);
	if (!copy)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	free(reg->path);
	reg->path = copy;
	return 0;
}

SRR_EXPORT int
srr_register_open(struct srr_register *reg, const char *path)
{
	int rc = set_path(reg, path);
	if (rc)
		return rc;
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return reg_error(reg, SRR_E_NOTFOUND,
					 "%s: no such register (create one with 'srr init')", path);
		return reg_error(reg, SRR_E_IO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return reg_error(reg, SRR_E_FORMAT, "%s: not a regular file", path);

	if (sqlite3_open_v2(path, &reg->db, OPEN_FLAGS, NULL) != SQLITE_OK) {
		rc = reg_db_error(reg, "opening the register");
		close_db(reg);
		return rc;
	}
	int app_id = 0, version = 0;
	rc = configure(reg);
	if (rc == 0)
		rc = pragma_int(reg, "PRAGMA application_id", &app_id);
	if (rc == SRR_E_FORMAT) {
		rc = reg_error(reg, SRR_E_FORMAT,
			       "%s: not an srr register (not an SQLite database)", path);
	} else if (rc == 0 && app_id != SRR_APPLICATION_ID) {
		rc = reg_error(reg, SRR_E_FORMAT,
			       "%s: not an srr register (an SQLite file of another application)",
			       path);
	}
	if (rc == 0)
		rc = pragma_int(reg, "PRAGMA user_version", &version);
	if (rc == 0 && version > (int)srr_n_migrations)
		rc = reg_error(reg, SRR_E_FORMAT,
			       "%s: register schema %d is newer than this srr understands (%u); "
			       "upgrade srr",
			       path, version, srr_n_migrations);
	if (rc == 0 && version < 1)
		rc = reg_error(reg, SRR_E_FORMAT, "%s: srr register was never initialised", path);
	if (rc == 0) {
		reg->schema = version;
		if (version < (int)srr_n_migrations)
			rc = migrate(reg, version);
	}
	if (rc == 0)
		rc = load_id(reg);
	if (rc)
		close_db(reg);
	return rc;
}

static void
unlink_register(const char *path)
{
	char buf[4096];
	unlink(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-journal", path);
	unlink(buf);
}

static int
init_contents(struct srr_register *reg, const char *policy)
{
	unsigned char raw[16];
	if (gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof(raw)) < 0)
		return reg_error(reg, SRR_E_IO, "no random bytes for the register id");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(reg->id + 2 * i, 3, "%02x", raw[i]);

	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", SRR_APPLICATION_ID);
	int rc = reg_exec(reg, sql);
	if (rc == 0) {
		/* WAL: readers never block the writer, and commits are atomic. */
		rc = reg_exec(reg, "PRAGMA journal_mode = WAL");
	}
	if (rc == 0)
		rc = migrate(reg, 0);
	if (rc)
		return rc;

	rc = reg_begin(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO meta (name, value) VALUES ('id', ?1)");
	if (!st)
		return reg_end(reg, SRR_E_DB);
	bind_text(st, 1, reg->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = reg_db_error(reg, "writing the register id");
	if (rc == 0)
		rc = log_register(reg, "register.init");
	/* Nested: the policy's own transaction becomes a savepoint of this one. */
	if (rc == 0 && policy)
		rc = srr_policy_set(reg, policy, NULL);
	return reg_end(reg, rc);
}

SRR_EXPORT int
srr_register_create(struct srr_register *reg, const char *path)
{
	return srr_register_create_with_policy(reg, path, NULL);
}

SRR_EXPORT int
srr_register_create_with_policy(struct srr_register *reg, const char *path, const char *policy)
{
	int rc = set_path(reg, path);
	if (rc)
		return rc;
	int fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return reg_error(reg, SRR_E_EXISTS, "%s: already exists", path);
		return reg_error(reg, SRR_E_IO, "cannot create %s: %s", path, strerror(errno));
	}
	/* Whatever the umask said: the register is for its owner only. */
	if (fchmod(fd, 0600) < 0) {
		rc = reg_error(reg, SRR_E_IO, "cannot set mode 0600 on %s: %s", path,
			       strerror(errno));
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);

	if (sqlite3_open_v2(path, &reg->db, OPEN_FLAGS, NULL) != SQLITE_OK)
		rc = reg_db_error(reg, "creating the register");
	if (rc == 0)
		rc = configure(reg);
	if (rc == 0)
		rc = init_contents(reg, policy);
	if (rc) {
		close_db(reg);
		unlink_register(path);
	}
	return rc;
}
