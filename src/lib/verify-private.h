/* SPDX-License-Identifier: MIT */
#ifndef SRR_VERIFY_PRIVATE_H
#define SRR_VERIFY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "checkpoint-private.h"
#include "register-private.h"
#include "srr/approval.h"

/* Where findings go. */
struct vreport {
	srr_finding_fn fn;
	void *userdata;
	struct srr_verify_result *res;
};

/* A finding about the log (approval 0); failure 0 is a warning. */
__attribute__((format(printf, 6, 7))) void vreport_log(struct vreport *r, const char *check,
						       int64_t event, int64_t checkpoint,
						       int failure, const char *fmt, ...);

/* A stored checkpoint as the log check needs it. */
struct vcp {
	int64_t id;
	int64_t size; /* the body's */
	unsigned char root[32];
	char origin[33];
	int synced;
	bool parsed;   /* else why says what is wrong with the body */
	char why[160];
};

/* verify --since: the checkpoint the auditor kept. */
struct vsince {
	struct checkpoint_body body;
	char bytes[512]; /* the body as kept */
	size_t len;
	unsigned char *p7s; /* FILE.p7s beside it, or NULL (malloc'd) */
	size_t p7s_len;
	long slot; /* its consistency proof in the prover */
	size_t to; /* index of the checkpoint it is proven against */
};

/* Read and parse the kept checkpoint file and read FILE.p7s if it is
 * there (SRR_E_INPUT / SRR_E_IO); free p7s when done. */
int verify_since_load(struct srr_register *reg, const char *path, struct vsince *out);

/* The events, the tree against cps (sorted by size), the rows against
 * the events, and since when given. */
int verify_log(struct srr_register *reg, struct vreport *out, const struct vcp *cps, size_t n_cps,
	       struct vsince *since);

#endif
