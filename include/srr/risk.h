/* SPDX-License-Identifier: MIT */
#ifndef SRR_RISK_H
#define SRR_RISK_H

/**
 * @file srr/risk.h
 * Risks per supplier and their treatment (EN 319 401 REQ-5-02, -04, -05 b),
 * -07 b) j), REQ-7.14.3-01). Levels are not stored: they come from the
 * policy's risk matrix when read, so a policy change re-levels every risk.
 */

#include <stddef.h>
#include <stdint.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

enum srr_treatment {
	SRR_TREATMENT_NONE = 0,
	SRR_TREATMENT_MITIGATE,
	SRR_TREATMENT_ACCEPT,
	SRR_TREATMENT_TRANSFER,
	SRR_TREATMENT_AVOID,
};
const char *srr_treatment_name(enum srr_treatment t);
enum srr_treatment srr_treatment_from_name(const char *name);

/** Where an acceptance stands; srr_acceptance_name() gives the stable
 * tokens "none", "accepted", "pending", "expired". */
enum srr_acceptance {
	SRR_ACCEPTANCE_NONE = 0, /**< the treatment is not accept */
	SRR_ACCEPTANCE_ACCEPTED, /**< within tolerance, justified, not expired */
	SRR_ACCEPTANCE_PENDING,	 /**< above tolerance: needs a signed approval */
	SRR_ACCEPTANCE_EXPIRED,	 /**< past its accept-until date */
};
const char *srr_acceptance_name(enum srr_acceptance a);

/** A treatment action. */
struct srr_action {
	const char *text;
	const char *owner; /**< or NULL */
	const char *due;   /**< YYYY-MM-DD or NULL */
	const char *done;  /**< YYYY-MM-DD or NULL */
};

struct srr_risk {
	int64_t id; /**< shown as R-<id> */
	const char *supplier;
	const char *title;
	const char *description; /**< or NULL */
	const char *owner;	 /**< or NULL */
	unsigned likelihood;	 /**< 1..n of the policy's scale */
	unsigned impact;
	const char *review_date; /**< YYYY-MM-DD or NULL */
	int closed;
	enum srr_treatment treatment;
	unsigned residual_likelihood; /**< 0 until treated */
	unsigned residual_impact;
	const char *justification;
	const char *accept_until;
	size_t n_actions;
	const struct srr_action *actions;
	/* read views only, derived from the policy in force: */
	const char *level;	    /**< inherent level name */
	const char *residual_level; /**< or NULL until treated */
	int residual_rank;	    /**< 1-based index of the residual (else inherent) level */
	int above_tolerance;	    /**< residual (else inherent) level above tolerance */
	enum srr_acceptance acceptance;
	const char *created;
	const char *updated;
};

/** A treatment decision for srr_risk_treat(). */
struct srr_treatment_plan {
	enum srr_treatment treatment;
	unsigned residual_likelihood;
	unsigned residual_impact;
	const char *justification; /**< required for accept */
	const char *until;	   /**< required for accept: at most acceptance_max_days away */
	int set_actions;	   /**< replace the action list */
	size_t n_actions;
	const struct srr_action *actions;
};

struct srr_risk_list;

/** Add a risk (inherent likelihood and impact on the policy's scales). */
int srr_risk_add(struct srr_register *reg, const struct srr_risk *risk, int64_t *id);

/** Decide the treatment and residual risk of risk @p id. */
int srr_risk_treat(struct srr_register *reg, int64_t id, const struct srr_treatment_plan *plan);

/** Mark action @p index (1-based) of risk @p id done on @p date (NULL: today). */
int srr_risk_action_done(struct srr_register *reg, int64_t id, size_t index, const char *date);

/**
 * Record that risk @p id was reviewed on @p date (NULL: today) and set its
 * next review date to @p next (NULL: a year after @p date).
 */
int srr_risk_reviewed(struct srr_register *reg, int64_t id, const char *date, const char *next);

/** Close a risk that no longer applies; its history stays. */
int srr_risk_close(struct srr_register *reg, int64_t id);

/** Risks of @p supplier (all when NULL), by id; closed ones only if asked. */
int srr_risk_list_new(struct srr_risk_list **out, struct srr_register *reg, const char *supplier,
		      int include_closed);
int srr_risk_find(struct srr_risk_list **out, struct srr_register *reg, int64_t id);
size_t srr_risk_list_count(const struct srr_risk_list *list);
const struct srr_risk *srr_risk_list_get(const struct srr_risk_list *list, size_t i);
void srr_risk_list_free(struct srr_risk_list *list);

/** Parse "R-7" or "7"; 0 and SRR_E_INPUT if it is neither. */
int srr_risk_parse_id(int64_t *id, const char *text);

#ifdef __cplusplus
}
#endif

#endif
