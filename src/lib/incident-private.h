/* SPDX-License-Identifier: MIT */
#ifndef SRR_INCIDENT_PRIVATE_H
#define SRR_INCIDENT_PRIVATE_H

#include <stdint.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"

/* Incident id as its record, from its row now: what its latest event
 * logged unless the row was changed without one. SRR_E_NOTFOUND. */
int incident_state_record(struct srr_register *reg, int64_t id, struct srr_record **out);

/* fn for every incident ("incident/ID"), by id. */
int incident_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
