/* SPDX-License-Identifier: MIT */
#ifndef SRR_SLA_PRIVATE_H
#define SRR_SLA_PRIVATE_H

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"

/* An SLA, and one period's measurement of it, as their records from their
 * rows now: what their latest events logged unless the rows were changed
 * without one. SRR_E_NOTFOUND. */
int sla_state_record(struct srr_register *reg, const char *supplier, const char *contract,
		     const char *metric, struct srr_record **out);
int measurement_state_record(struct srr_register *reg, const char *supplier, const char *contract,
			     const char *metric, const char *period, struct srr_record **out);

/* fn for every SLA ("sla/KEY/REF/METRIC") and every measurement
 * ("measurement/KEY/REF/METRIC/PERIOD"), by supplier, contract, metric
 * and period. */
int sla_entities(struct srr_register *reg, entity_fn fn, void *userdata);
int measurement_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
