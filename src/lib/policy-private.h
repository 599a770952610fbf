/* SPDX-License-Identifier: MIT */
#ifndef SRR_POLICY_PRIVATE_H
#define SRR_POLICY_PRIVATE_H

#include "register-private.h"
#include "srr/policy.h"

/* The policy in force (stored or built-in). */
int policy_current(struct srr_policy_list **out, struct srr_register *reg);

#endif
