/* SPDX-License-Identifier: MIT */
#ifndef SRR_SCHEMA_PRIVATE_H
#define SRR_SCHEMA_PRIVATE_H

/* The embedded migrations (generated from schema/ by schema/embed.py).
 * srr_migrations[i] brings a register from level i to level i + 1. */
struct srr_migration {
	const char *name;
	const char *sql;
};

extern const struct srr_migration srr_migrations[];
extern const unsigned srr_n_migrations;

#endif
