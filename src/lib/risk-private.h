/* SPDX-License-Identifier: MIT */
#ifndef SRR_RISK_PRIVATE_H
#define SRR_RISK_PRIVATE_H

#include "entity-private.h"
#include "register-private.h"
#include "srr/record.h"
#include "srr/policy.h"
#include "srr/risk.h"

/* Refuse a risk matrix of n_likelihood x n_impact that an open risk falls
 * outside of (a policy change must not leave risks without a level). */
int risk_check_scales(struct srr_register *reg, unsigned n_likelihood, unsigned n_impact);

/* Risk id as stored: no levels, no acceptance state (no policy read).
 * For what needs the stored facts only, such as an approval's bytes. */
int risk_find_stored(struct srr_risk_list **out, struct srr_register *reg, int64_t id);

/* Risk id as its record, from its rows now: what its latest event logged
 * unless the rows were changed without one. SRR_E_NOTFOUND. */
int risk_state_record(struct srr_register *reg, int64_t id, struct srr_record **out);

/* The index of the level a risk is judged by under p: its residual level
 * once treated, else its inherent one; off the matrix, the worst level. */
int risk_effective_level(const struct srr_policy *p, unsigned likelihood, unsigned impact,
			 unsigned residual_likelihood, unsigned residual_impact);

/* An acceptance's state before signatures are looked at: expired after
 * accept_until, pending above tolerance, else accepted. */
enum srr_acceptance risk_acceptance_unsigned(int effective, const struct srr_policy *p,
					     const char *accept_until, int64_t today);

/* fn for every risk ("risk/ID"), by id. */
int risk_entities(struct srr_register *reg, entity_fn fn, void *userdata);

#endif
