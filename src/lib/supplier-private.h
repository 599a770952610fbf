/* SPDX-License-Identifier: MIT */
#ifndef SRR_SUPPLIER_PRIVATE_H
#define SRR_SUPPLIER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "register-private.h"

/* The row id of supplier key, for other entities' foreign keys.
 * SRR_E_NOTFOUND (message set) when there is none. retired may be NULL. */
int supplier_lookup(struct srr_register *reg, const char *key, int64_t *id, bool *retired);

/* A clear error for a malformed key; 0 if it is fine. */
int supplier_check_key(struct srr_register *reg, const char *key);

#endif
