/* SPDX-License-Identifier: MIT */
#ifndef SRR_REVIEW_H
#define SRR_REVIEW_H

/**
 * @file srr/review.h
 * Supplier reviews (EN 319 401 REQ-7.14.3-10, -12, REQ-7.14.1-06). The next
 * scheduled review is never stored: it is derived from the last review and
 * the tier's cadence when asked (srr/due.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

enum srr_outcome {
	SRR_OUTCOME_NONE = 0,
	SRR_OUTCOME_PASS,
	SRR_OUTCOME_CONDITIONAL,
	SRR_OUTCOME_FAIL,
};
const char *srr_outcome_name(enum srr_outcome outcome);
enum srr_outcome srr_outcome_from_name(const char *name);

/** Evidence is referenced, not copied: its absolute path, SHA-256 and size. */
struct srr_evidence {
	const char *path;
	const char *sha256;
	int64_t size;
};

struct srr_review {
	int64_t id;
	const char *supplier;
	const char *date; /**< YYYY-MM-DD, not in the future */
	enum srr_outcome outcome;
	const char *findings; /**< free text, may span lines; or NULL */
	const char *reviewer; /**< read views: the actor who recorded it */
	size_t n_evidence;
	const struct srr_evidence *evidence; /**< input: only @c path is read */
	const char *created;
};

struct srr_review_list;

/**
 * Record a completed review. Evidence files are read to hash them; a
 * missing or unreadable file is an error and nothing is stored.
 * @param[out] id optional: the new review's id
 */
int srr_review_record(struct srr_register *reg, const struct srr_review *review, int64_t *id);

/** Reviews of @p supplier (all when NULL), newest first. */
int srr_review_list_new(struct srr_review_list **out, struct srr_register *reg,
			const char *supplier);
size_t srr_review_list_count(const struct srr_review_list *list);
const struct srr_review *srr_review_list_get(const struct srr_review_list *list, size_t i);
void srr_review_list_free(struct srr_review_list *list);

#ifdef __cplusplus
}
#endif

#endif
