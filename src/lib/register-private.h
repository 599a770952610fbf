/* SPDX-License-Identifier: MIT */
#ifndef SRR_REGISTER_PRIVATE_H
#define SRR_REGISTER_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "srr/register.h"
#include "util/cleanup.h"

struct merkle_frontier;

#define SRR_APPLICATION_ID 0x73727231 /* "srr1" in PRAGMA application_id */
#define ERRMSG_MAX	   512
#define STMT_CACHE_MAX	   256

struct stmt_cache_entry {
	const char *sql; /* a string literal: looked up by address */
	sqlite3_stmt *stmt;
};

struct srr_register {
	sqlite3 *db;
	char *path;
	char *actor;
	char id[65];
	int schema;
	int tx_depth;
	int64_t today; /* days since epoch; INT64_MIN: use the clock */
	/* The log's hash tree frontier after its last event, cached between
	 * appends (log.c); NULL or invalid after a rollback. */
	struct merkle_frontier *frontier;
	bool frontier_valid;
	bool frontier_dirty; /* appended to since the last store */
	/* The next event's seq while a transaction that appended is open
	 * (BEGIN IMMEDIATE: no other writer); 0 when unknown. */
	int64_t tx_next_seq;
	char errmsg[ERRMSG_MAX];
	struct stmt_cache_entry stmts[STMT_CACHE_MAX];
	unsigned n_stmts;
};

/* Set the error message and return code (negative enum srr_error). */
__attribute__((format(printf, 3, 4))) int reg_error(struct srr_register *reg, int code,
						    const char *fmt, ...);
/* An SQLite failure: "what: SQLite's message", mapped to an srr error. */
int reg_db_error(struct srr_register *reg, const char *what);

/* Fails with a clear message unless a register is open. */
int reg_require_open(struct srr_register *reg);

/* A cached prepared statement for the literal sql, reset and unbound when
 * the _cleanup_stmt_ variable holding it leaves scope. NULL on error
 * (message set). */
sqlite3_stmt *reg_stmt(struct srr_register *reg, const char *sql);
static inline void
cleanup_stmt_resetp(sqlite3_stmt **st)
{
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
	}
}
#define _cleanup_stmt_ _cleanup_(cleanup_stmt_resetp)

/* Run one statement without results. */
int reg_exec(struct srr_register *reg, const char *sql);

/* Transactions nest: the outermost is BEGIN IMMEDIATE (so a writer never
 * deadlocks upgrading a read lock under WAL), inner ones are savepoints.
 * reg_end commits when rc is 0, else rolls back, and returns rc or the
 * commit's error. */
int reg_begin(struct srr_register *reg);
int reg_end(struct srr_register *reg, int rc);

/* Bind helpers: NULL binds SQL NULL. */
int bind_text(sqlite3_stmt *st, int idx, const char *s);

/* The day derived states are computed for, and the time stamped on
 * changes (UTC). */
int64_t reg_today(const struct srr_register *reg);
void reg_now(char buf[21]);

/* "Now" for checks that refuse times in the future: the end of the
 * register's today when one was set, else the clock. */
int64_t reg_now_secs(const struct srr_register *reg);

/* The latest moment of day that has happened: its last second, or the
 * clock's now when day is the clock's today. */
int64_t reg_moment_of(int64_t day);

/* The actor recorded on changes. */
const char *reg_actor(const struct srr_register *reg);

/* The register's own record (its id and schema level) as the register
 * is now: what its register.init or register.migrate event logged. */
struct srr_record;
int register_state_record(struct srr_register *reg, struct srr_record **out);

/* Validate one text field a user gave: UTF-8, 1..max bytes, no control
 * characters (LF allowed when multiline). "what" names the field. */
int reg_check_text(struct srr_register *reg, const char *what, const char *s, size_t max,
		   bool multiline);

#endif
