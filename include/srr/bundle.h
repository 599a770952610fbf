/* SPDX-License-Identifier: MIT */
#ifndef SRR_BUNDLE_H
#define SRR_BUNDLE_H

/**
 * @file srr/bundle.h
 * The auditor bundle (docs/formats/bundle.md): approvals, signatures,
 * signed checkpoints and inclusion proofs in a directory that verifies
 * without the register and without a network.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <srr/approval.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_bundle_options {
	/** Draw a sample of this many approvals and reviews; 0: a full bundle. */
	size_t sample;
	/** The sample's seed: the same register, sample and seed give the same bundle items. */
	uint64_t seed;
};

struct srr_bundle_summary {
	size_t files;
	size_t approvals;
	size_t reviews;
	size_t proofs;
	size_t left_out;    /**< events after the checkpoint that could not be proven */
	int64_t checkpoint; /**< the checkpoint the proofs are against (C-<id>) */
	int64_t events;	    /**< the log's size */
};

/**
 * Write a bundle into @p dir (created; an existing one must be empty). Needs
 * a signed checkpoint. All or nothing: on failure nothing is left behind.
 * @p options may be NULL (a full bundle); @p summary may be NULL.
 */
int srr_bundle_export(struct srr_register *reg, const char *dir,
		      const struct srr_bundle_options *options, struct srr_bundle_summary *summary);

struct srr_bundle_result {
	size_t files;
	size_t checkpoints;
	size_t proofs;
	size_t approvals;
	size_t signatures;
	int64_t events; /**< leaves checked in a full bundle's log */
	size_t failures;
};

/**
 * Verify the bundle in @p dir against the CA certificates in @p trust_file
 * (PEM), without a register: @p ctx only carries the error message (an
 * srr_register that need not be open). Each problem goes to @p fn (may be
 * NULL). Returns 0 when the checks ran (look at @p result->failures), or
 * an error when the bundle or the trust file cannot be read at all.
 */
int srr_bundle_verify(struct srr_register *ctx, const char *dir, const char *trust_file,
		      srr_finding_fn fn, void *userdata, struct srr_bundle_result *result);

#ifdef __cplusplus
}
#endif

#endif
