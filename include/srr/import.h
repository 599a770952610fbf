/* SPDX-License-Identifier: MIT */
#ifndef SRR_IMPORT_H
#define SRR_IMPORT_H

/**
 * @file srr/import.h
 * The register as YAML (docs/formats/yaml.md): srr_import() upserts a file
 * in that shape, streamed and in one transaction; srr_export_yaml() writes
 * it back. import(export(register)) gives the same register, and exporting
 * again gives the same bytes.
 */

#include <stddef.h>
#include <stdio.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What an import did, or (dry run) would do, to one entity. */
enum srr_import_change {
	SRR_IMPORT_ADDED = 1,
	SRR_IMPORT_CHANGED,
};

/**
 * Called once per entity the import adds or changes, in log order, with
 * the entity's name as the log spells it ("supplier/acme",
 * "contract/acme/C-1", "risk/7", ...). Unchanged entities are not reported.
 */
typedef void (*srr_import_change_fn)(void *userdata, enum srr_import_change change,
				     const char *entity);

/**
 * Called once per error, with the file name given to srr_import(), the
 * 1-based line and column it is about, and a one-line message.
 */
typedef void (*srr_import_error_fn)(void *userdata, const char *file, unsigned line,
				    unsigned column, const char *message);

struct srr_import_options {
	/** Report what would change, then roll everything back. */
	int dry_run;
	/** Go on after an error (until the file ends or @c max_errors). */
	int all_errors;
	/** With @c all_errors: stop after this many (0: 100). */
	size_t max_errors;
	srr_import_change_fn on_change; /**< optional */
	srr_import_error_fn on_error;	/**< optional */
	void *userdata;
};

struct srr_import_summary {
	size_t suppliers;      /**< supplier items read */
	size_t entities;       /**< entities read, of every type */
	size_t added;	       /**< entities added (or that would be) */
	size_t changed;	       /**< entities changed (or that would be) */
	size_t errors;	       /**< errors reported */
};

/**
 * Import the YAML read from @p in (named @p name in messages; "-" for
 * stdin): every supplier with its contracts, SLAs, measurements, reviews,
 * incidents and risks, upserted by supplier key, contract ref, SLA metric,
 * measurement period and review/incident/risk id (or natural key). One
 * transaction with one event per added or changed entity; on any error
 * nothing is changed and SRR_E_INPUT is returned (errors went to
 * @c on_error; the register's error message is the first one).
 */
int srr_import(struct srr_register *reg, FILE *in, const char *name,
	       const struct srr_import_options *options, struct srr_import_summary *summary);

/** Write every supplier and what hangs off it as YAML to @p out. */
int srr_export_yaml(struct srr_register *reg, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
