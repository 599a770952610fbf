/* SPDX-License-Identifier: MIT */
#ifndef SRR_CONTRACT_PRIVATE_H
#define SRR_CONTRACT_PRIVATE_H

#include <stdint.h>

#include "register-private.h"

/* The row id of a supplier's contract; SRR_E_NOTFOUND (message set). */
int contract_lookup(struct srr_register *reg, const char *supplier, const char *ref, int64_t *id);

/* A clear error for a malformed contract reference; 0 if fine. */
int contract_check_ref(struct srr_register *reg, const char *ref);

#endif
