/* SPDX-License-Identifier: MIT */
#ifndef SRR_POLICY_PRIVATE_H
#define SRR_POLICY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/policy.h"

/* The policy in force (stored or built-in). */
int policy_current(struct srr_policy_list **out, struct srr_register *reg);

/* The YAML policy in buf (name for messages; certificate paths relative to
 * dir, none allowed when NULL) as its canonical record for version, as
 * srr policy check reads a file: *bytes malloc'd. For tests/fuzz. */
int policy_parse_buffer(struct srr_register *reg, const char *name, const char *dir,
			const char *buf, size_t len, unsigned version, char **bytes, size_t *blen);

/* The version of the stored policy in force; 0 when none was set (the
 * built-in default applies). */
int policy_version(struct srr_register *reg, unsigned *version);

/* The stored record of policy version: what its policy.set event logged
 * (both are one serialisation of one record) unless the row was changed
 * without one. SRR_E_NOTFOUND. *bytes is malloc'd. */
int policy_state_record(struct srr_register *reg, int64_t version, char **bytes, size_t *len);

/* fn for every stored policy version ("policy/VERSION"), oldest first. */
int policy_entities(struct srr_register *reg, entity_fn fn, void *userdata);

/* A policy view built from its record alone, without a register (an
 * auditor bundle's policy.rec): set_at, set_by and source are NULL.
 * SRR_E_FORMAT when bytes are not a canonical policy record; reg only
 * carries the message. */
int policy_from_record(struct srr_policy_list **out, struct srr_register *reg, const char *bytes,
		       size_t len);

#endif
