/* SPDX-License-Identifier: MIT */
#ifndef SRR_REGISTER_H
#define SRR_REGISTER_H

/**
 * @file srr/register.h
 * The register: one SQLite file holding everything srr knows.
 *
 * A struct srr_register is the context of every call: it holds the open
 * database, the actor recorded on changes, and the text of the last error.
 * It is not thread-safe; use one per thread.
 */

#include <srr/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_register;

/**
 * Allocate a context with no file open. It exists so that the error of a
 * failed open or create can be read with srr_errmsg().
 * @return 0 or SRR_E_NOMEM.
 */
int srr_register_new(struct srr_register **out);

/** Close the file (if any) and free the context; NULL is a no-op. */
void srr_register_free(struct srr_register *reg);

/**
 * Create a new register at @p path (mode 0600; refuses an existing file),
 * apply every schema migration and log the register.init event.
 */
int srr_register_create(struct srr_register *reg, const char *path);

/**
 * Create a register and set its first policy from the YAML file @p policy,
 * all in one transaction: if the policy is refused, no file is left.
 */
int srr_register_create_with_policy(struct srr_register *reg, const char *path, const char *policy);

/**
 * Open an existing register. A missing file, a file that is not an srr
 * register, or one written by a newer srr is refused (SRR_E_NOTFOUND,
 * SRR_E_FORMAT). An older schema is migrated in one transaction.
 */
int srr_register_open(struct srr_register *reg, const char *path);

/**
 * Set who makes the following changes (recorded on every event).
 * Must be 1..128 bytes of UTF-8 without control characters.
 */
int srr_register_set_actor(struct srr_register *reg, const char *actor);

/**
 * Set the day derived states are computed for (contract expired, ...),
 * "YYYY-MM-DD"; NULL means today in UTC, the default.
 */
int srr_register_set_today(struct srr_register *reg, const char *date);

/** The register's random id (hex), borrowed; NULL before open. */
const char *srr_register_id(const struct srr_register *reg);

/** The schema level of the open file (PRAGMA user_version). */
int srr_register_schema_version(const struct srr_register *reg);

/** The highest schema level this libsrr understands. */
int srr_schema_version(void);

/**
 * The text of the last error on @p reg: one line naming what was wrong
 * and where. Borrowed; valid until the next call on @p reg.
 */
const char *srr_errmsg(const struct srr_register *reg);

#ifdef __cplusplus
}
#endif

#endif
