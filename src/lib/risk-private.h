/* SPDX-License-Identifier: MIT */
#ifndef SRR_RISK_PRIVATE_H
#define SRR_RISK_PRIVATE_H

#include "register-private.h"

/* Refuse a risk matrix of n_likelihood x n_impact that an open risk falls
 * outside of (a policy change must not leave risks without a level). */
int risk_check_scales(struct srr_register *reg, unsigned n_likelihood, unsigned n_impact);

#endif
