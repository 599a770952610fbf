/* SPDX-License-Identifier: MIT */
#ifndef SRR_RISK_PRIVATE_H
#define SRR_RISK_PRIVATE_H

#include "register-private.h"
#include "srr/risk.h"

/* Refuse a risk matrix of n_likelihood x n_impact that an open risk falls
 * outside of (a policy change must not leave risks without a level). */
int risk_check_scales(struct srr_register *reg, unsigned n_likelihood, unsigned n_impact);

/* Risk id as stored: no levels, no acceptance state (no policy read).
 * For what needs the stored facts only, such as an approval's bytes. */
int risk_find_stored(struct srr_risk_list **out, struct srr_register *reg, int64_t id);

#endif
