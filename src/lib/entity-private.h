/* SPDX-License-Identifier: MIT */
#ifndef SRR_ENTITY_PRIVATE_H
#define SRR_ENTITY_PRIVATE_H

/* The entities of a register by the names its log gives them
 * (docs/formats/register.md), and the state each holds now, so that a
 * check can hold the rows against the log: the record of an entity's
 * latest event is what entity_record() gives, unless its rows were
 * changed without an event. */

#include <stddef.h>

#include "register-private.h"

/* Called once per entity; the name is borrowed for the call. Non-zero
 * stops the walk. */
typedef int (*entity_fn)(void *userdata, const char *entity);

/* The srr-record/1 bytes of the entity's state now: exactly what
 * log_append() logged for it at its last change if nobody changed its rows
 * since. SRR_E_NOTFOUND (with a message) when the register holds no such
 * entity; SRR_E_INPUT for a malformed entity name; SRR_E_FORMAT when its
 * rows make no valid record (they were written by something else than
 * srr). *bytes is malloc'd. */
int entity_record(struct srr_register *reg, const char *entity, char **bytes, size_t *len);

/* Call fn for every entity the register holds now, by type (register,
 * supplier, contract, sla, measurement, policy, review, incident, risk,
 * approval), then by key or id, with its name as the log spells it.
 * Returns fn's value as soon as it is non-zero. Streams: one row in memory
 * at a time. fn may read the register (entity_record() included) but not
 * change it nor call entity_each(): the walk's queries stay open while it
 * runs. */
int entity_each(struct srr_register *reg, entity_fn fn, void *userdata);

/* For the modules' X_entities(): step st, whose first column is an entity
 * name, calling fn for each row. */
int entity_each_row(struct srr_register *reg, sqlite3_stmt *st, entity_fn fn, void *userdata);

#endif
