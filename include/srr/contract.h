/* SPDX-License-Identifier: MIT */
#ifndef SRR_CONTRACT_H
#define SRR_CONTRACT_H

/**
 * @file srr/contract.h
 * Contracts per supplier, with the security clause checklist of
 * EN 319 401 REQ-7.14.3-09 and -13 a)-h). A clause not ticked is a gap.
 */

#include <stddef.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The clause checklist, as bits; the order is the canonical order. */
enum srr_clause {
	SRR_CLAUSE_RIGHT_TO_AUDIT = 1u << 0,
	SRR_CLAUSE_INCIDENT_NOTIFICATION_24H = 1u << 1,
	SRR_CLAUSE_SUBCONTRACTING_APPROVAL = 1u << 2,
	SRR_CLAUSE_SECURITY_REQUIREMENTS = 1u << 3,
	SRR_CLAUSE_VULNERABILITY_HANDLING = 1u << 4,
	SRR_CLAUSE_DATA_LOCATION = 1u << 5,
	SRR_CLAUSE_TERMINATION_ASSISTANCE = 1u << 6,
	SRR_CLAUSE_SLA_REPORTING = 1u << 7,
};
#define SRR_CLAUSE_COUNT 8
#define SRR_CLAUSE_ALL	 0xffu

/** Name of the @p i-th clause of the checklist (0-based); NULL past the end. */
const char *srr_clause_name(unsigned i);
/** The clause bit for @p name ("right-to-audit", ...), or 0. */
unsigned srr_clause_from_name(const char *name);

/** A contract's state on the register's "today". */
enum srr_contract_state {
	SRR_CONTRACT_ACTIVE = 1,
	SRR_CONTRACT_NOT_STARTED, /**< start is after today */
	SRR_CONTRACT_EXPIRED,	  /**< end is before today */
	SRR_CONTRACT_TERMINATED,  /**< terminated early */
};
const char *srr_contract_state_name(enum srr_contract_state state);

struct srr_contract {
	const char *supplier;	       /**< supplier key */
	const char *ref;	       /**< [A-Za-z0-9][A-Za-z0-9._-]*, unique per supplier */
	const char *start;	       /**< YYYY-MM-DD */
	const char *end;	       /**< YYYY-MM-DD, not before start */
	int notice_days;	       /**< -1 when not given */
	unsigned clauses;	       /**< enum srr_clause bits present */
	const char *terminated;	       /**< YYYY-MM-DD, or NULL; read views only */
	enum srr_contract_state state; /**< derived; read views only */
	unsigned gaps;		       /**< SRR_CLAUSE_ALL & ~clauses; read views only */
};

/** A change: NULL / -2 leaves a field; set_clauses replaces the checklist. */
struct srr_contract_change {
	const char *start;
	const char *end;
	int notice_days; /**< -2 leaves it, -1 clears it */
	int set_clauses;
	unsigned clauses;
};

struct srr_contract_list;

int srr_contract_add(struct srr_register *reg, const struct srr_contract *c);
int srr_contract_update(struct srr_register *reg, const char *supplier, const char *ref,
			const struct srr_contract_change *change, int *changed);
/** End a contract early on @p date (NULL: today). */
int srr_contract_terminate(struct srr_register *reg, const char *supplier, const char *ref,
			   const char *date);

/** Contracts of @p supplier, or of every supplier when NULL; by supplier, ref. */
int srr_contract_list_new(struct srr_contract_list **out, struct srr_register *reg,
			  const char *supplier);
int srr_contract_find(struct srr_contract_list **out, struct srr_register *reg,
		      const char *supplier, const char *ref);
size_t srr_contract_list_count(const struct srr_contract_list *list);
const struct srr_contract *srr_contract_list_get(const struct srr_contract_list *list, size_t i);
void srr_contract_list_free(struct srr_contract_list *list);

#ifdef __cplusplus
}
#endif

#endif
