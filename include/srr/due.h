/* SPDX-License-Identifier: MIT */
#ifndef SRR_DUE_H
#define SRR_DUE_H

/**
 * @file srr/due.h
 * What is due, and each supplier's risk score: both derived from the
 * register and the policy in force on a given day, never stored, so they
 * can never be stale.
 */

#include <stddef.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

enum srr_due_kind {
	SRR_DUE_REVIEW = 1,	     /**< scheduled review by the tier's cadence */
	SRR_DUE_REVIEW_INCIDENT,     /**< unscheduled review after an incident */
	SRR_DUE_REVIEW_SLA_BREACH,   /**< unscheduled review after an SLA breach */
	SRR_DUE_CONTRACT_NOTICE,     /**< last day to give notice on a contract */
	SRR_DUE_CONTRACT_END,	     /**< a contract ends (or ended) */
	SRR_DUE_ACCEPTANCE_EXPIRY,   /**< a risk acceptance expires */
	SRR_DUE_ACCEPTANCE_APPROVAL, /**< an acceptance above tolerance awaits approval */
	SRR_DUE_ACTION,		     /**< a treatment action is due */
	SRR_DUE_RISK_REVIEW,	     /**< a risk is due for review */
	SRR_DUE_NOTIFICATION,	     /**< an incident notified late, or not yet */
	SRR_DUE_APPROVAL,	     /**< an approval request awaits signatures, or is stale */
};
/** "review", "review-incident", ...: stable names for scripts. */
const char *srr_due_kind_name(enum srr_due_kind kind);

struct srr_due_item {
	enum srr_due_kind kind;
	const char *supplier;	 /**< supplier key */
	const char *subject;	 /**< entity: "contract/acme/C-1", "risk/7", ... */
	const char *what;	 /**< one line for people */
	const char *who;	 /**< owner or role to act, or NULL */
	const char *due;	 /**< YYYY-MM-DD */
	long days;		 /**< due minus as-of: negative when overdue */
	int overdue;		 /**< due before the as-of day */
	const char *requirement; /**< EN 319 401 clause it serves */
};

struct srr_due_list;

/**
 * Everything overdue, and everything due within @p within days after
 * @p as_of ("YYYY-MM-DD"; NULL: the register's today). Ordered by due date.
 */
int srr_due_list_new(struct srr_due_list **out, struct srr_register *reg, const char *as_of,
		     unsigned within);
size_t srr_due_list_count(const struct srr_due_list *list);
const struct srr_due_item *srr_due_list_get(const struct srr_due_list *list, size_t i);
/** The day the list was judged on, "YYYY-MM-DD"; borrowed. */
const char *srr_due_list_as_of(const struct srr_due_list *list);
/** Number of overdue items. */
size_t srr_due_list_overdue(const struct srr_due_list *list);
void srr_due_list_free(struct srr_due_list *list);

/** One factor of a supplier's score: @c count things worth @c weight each. */
struct srr_score_factor {
	const char *name; /**< "residual", "tier", "sla_breach", ... */
	long count;
	unsigned weight;
	long points;	 /**< count x weight */
	const char *why; /**< one line for people */
};

#define SRR_SCORE_FACTORS 6

struct srr_score {
	const char *supplier;
	long total;
	struct srr_score_factor factors[SRR_SCORE_FACTORS];
};

struct srr_score_list;

/**
 * Scores of every active supplier (or just @p supplier) as of @p as_of
 * (NULL: today), with the policy's weights. Ordered by key.
 */
int srr_score_list_new(struct srr_score_list **out, struct srr_register *reg, const char *supplier,
		       const char *as_of);
size_t srr_score_list_count(const struct srr_score_list *list);
const struct srr_score *srr_score_list_get(const struct srr_score_list *list, size_t i);
void srr_score_list_free(struct srr_score_list *list);

#ifdef __cplusplus
}
#endif

#endif
