/* SPDX-License-Identifier: MIT */
#ifndef SRR_CONTRACT_PRIVATE_H
#define SRR_CONTRACT_PRIVATE_H

#include <stdint.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"

/* The row id of a supplier's contract; SRR_E_NOTFOUND (message set). */
int contract_lookup(struct srr_register *reg, const char *supplier, const char *ref, int64_t *id);

/* A clear error for a malformed contract reference; 0 if fine. */
int contract_check_ref(struct srr_register *reg, const char *ref);

/* The contract as its record, from its rows now: what its latest event
 * logged unless the rows were changed without one. SRR_E_NOTFOUND. */
int contract_state_record(struct srr_register *reg, const char *supplier, const char *ref,
			  struct srr_record **out);

/* fn for every contract ("contract/KEY/REF"), by supplier key and ref. */
int contract_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
