/* SPDX-License-Identifier: MIT */
#ifndef SRR_CHECKPOINT_PRIVATE_H
#define SRR_CHECKPOINT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "register-private.h"
#include "srr/checkpoint.h"

struct cert;

/* A checkpoint body (docs/formats/log.md), parsed. */
struct checkpoint_body {
	char origin[33];
	int64_t size;
	unsigned char root[32];
	char root_b64[45];
	int synced;
};

/* 1 when the kernel says an NTP daemon disciplines the clock. */
int checkpoint_clock_synced(void);

/* Write the body into buf; its length, or -1 when it does not fit. */
int checkpoint_body(char *buf, size_t size, const char *origin, int64_t tree_size,
		    const unsigned char root[32], int synced);

/* Parse exactly what checkpoint_body() writes; -1 with why otherwise. */
int checkpoint_parse(struct checkpoint_body *out, const char *body, size_t len, char *why,
		     size_t why_size);

/* Sign and store a checkpoint of the whole log inside the caller's
 * transaction; signer is the token's certificate, checked and stored. */
int checkpoint_add(struct srr_register *reg, struct srr_token *tok, const struct cert *signer,
		   int synced, int64_t *id);

/* srr_checkpoint_sign() inside the caller's transaction with a given
 * clock state (tests make both kinds). */
int checkpoint_sign_with(struct srr_register *reg, struct srr_token *tok, int synced, int64_t *id);

/* The checkpoints: all (only 0), the one with id only, or the newest (-1). */
int checkpoint_list_query(struct srr_checkpoint_list **out, struct srr_register *reg,
			  int64_t only);

#endif
