/* SPDX-License-Identifier: MIT */
#ifndef SRR_SUPPLIER_PRIVATE_H
#define SRR_SUPPLIER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"

/* The row id of supplier key, for other entities' foreign keys.
 * SRR_E_NOTFOUND (message set) when there is none. retired may be NULL. */
int supplier_lookup(struct srr_register *reg, const char *key, int64_t *id, bool *retired);

/* A clear error for a malformed key; 0 if it is fine. */
int supplier_check_key(struct srr_register *reg, const char *key);

/* Supplier key as its record, from its rows now: what its latest event
 * logged unless the rows were changed without one. SRR_E_NOTFOUND. */
int supplier_state_record(struct srr_register *reg, const char *key, struct srr_record **out);

/* fn for every supplier ("supplier/KEY"), by key. */
int supplier_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
