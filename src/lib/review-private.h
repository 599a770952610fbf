/* SPDX-License-Identifier: MIT */
#ifndef SRR_REVIEW_PRIVATE_H
#define SRR_REVIEW_PRIVATE_H

#include <stdint.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"

/* Review id as its canonical record, from the stored rows: what its
 * review.record event logs and what a sign-off approval signs. */
int review_record(struct srr_register *reg, int64_t id, struct srr_record **out);

/* fn for every review ("review/ID"), by id. */
int review_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
