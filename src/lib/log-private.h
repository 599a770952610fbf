/* SPDX-License-Identifier: MIT */
#ifndef SRR_LOG_PRIVATE_H
#define SRR_LOG_PRIVATE_H

#include "register-private.h"
#include "srr/record.h"

/* Append the event for a change: the one path every mutation goes through,
 * and the only writer of the event table. Must run inside the change's
 * transaction (reg_begin). rec is the entity's new state. */
int log_append(struct srr_register *reg, const char *action, const char *entity,
	       const struct srr_record *rec);

/* Serialise rec, reporting a schema violation as an internal error on reg
 * (the model validated the input; a failure here is a bug). */
int log_serialize(struct srr_register *reg, const struct srr_record *rec, char **out, size_t *len);

/* Store the hash tree's frontier if appends changed it: reg_end() calls it
 * before the outermost COMMIT. */
int log_store_frontier(struct srr_register *reg);

/* The log's size and the root of its hash tree (RFC 9162 MTH). */
int log_root(struct srr_register *reg, int64_t *size, unsigned char root[32]);

/* SHA-256 of data as 64 lowercase hex digits. */
int sha256_hex(struct srr_register *reg, const void *data, size_t len, char hex[65]);

#endif
