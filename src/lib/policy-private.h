/* SPDX-License-Identifier: MIT */
#ifndef SRR_POLICY_PRIVATE_H
#define SRR_POLICY_PRIVATE_H

#include "register-private.h"
#include "srr/policy.h"

/* The policy in force (stored or built-in). */
int policy_current(struct srr_policy_list **out, struct srr_register *reg);

/* The version of the stored policy in force; 0 when none was set (the
 * built-in default applies). */
int policy_version(struct srr_register *reg, unsigned *version);

#endif
