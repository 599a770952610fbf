/* SPDX-License-Identifier: MIT */
#ifndef SRR_SUPPLIER_H
#define SRR_SUPPLIER_H

/**
 * @file srr/supplier.h
 * Suppliers: the register of third parties and what they provide
 * (EN 319 401 REQ-7.14.3-11, -14) and their subcontractors (REQ-7.14.2-03).
 */

#include <stddef.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A contact point at a supplier. @c email and @c role may be NULL. */
struct srr_contact {
	const char *name;
	const char *email;
	const char *role;
};

/**
 * A supplier as read from, or handed to, the register. Read views are
 * borrowed from the list that holds them; every string is UTF-8.
 */
struct srr_supplier {
	const char *key;  /**< [a-z0-9][a-z0-9-]*, at most 64 bytes */
	const char *name; /**< legal name */
	enum srr_tier tier;
	const char *country; /**< ISO 3166-1 alpha-2, or NULL */
	int retired;	     /**< 0 active, 1 retired */
	const char *created; /**< RFC 3339 UTC; read views only */
	const char *updated; /**< RFC 3339 UTC; read views only */
	size_t n_services;
	const char *const *services; /**< ICT products/services provided */
	size_t n_contacts;
	const struct srr_contact *contacts;
	size_t n_subcontractors;
	const char *const *subcontractors; /**< keys of fourth parties, sorted */
};

/**
 * A change to a supplier: NULL / SRR_TIER_NONE / 0 leaves a field as it
 * is; country "" clears it; a set_* flag replaces that whole list.
 */
struct srr_supplier_change {
	const char *name;
	enum srr_tier tier;
	const char *country;
	int set_services;
	size_t n_services;
	const char *const *services;
	int set_contacts;
	size_t n_contacts;
	const struct srr_contact *contacts;
	int set_subcontractors;
	size_t n_subcontractors;
	const char *const *subcontractors;
};

/** A list of suppliers, owning every string its views point to. */
struct srr_supplier_list;

/**
 * Add a supplier (one transaction with its supplier.add event). The key
 * must be new; subcontractors must exist and must not form a cycle.
 * @c created, @c updated and @c retired of @p s are ignored.
 */
int srr_supplier_add(struct srr_register *reg, const struct srr_supplier *s);

/**
 * Apply @p change to supplier @p key. A change that leaves the record as
 * it was writes nothing and logs nothing.
 * @param[out] changed optional: set to 1 if anything changed, else 0
 */
int srr_supplier_update(struct srr_register *reg, const char *key,
			const struct srr_supplier_change *change, int *changed);

/** Mark a supplier retired; its history and contracts stay. */
int srr_supplier_retire(struct srr_register *reg, const char *key);

/** Every supplier, ordered by key; with @p include_retired 0, active only. */
int srr_supplier_list_new(struct srr_supplier_list **out, struct srr_register *reg,
			  int include_retired);

/** A list holding exactly the supplier @p key (SRR_E_NOTFOUND if none). */
int srr_supplier_find(struct srr_supplier_list **out, struct srr_register *reg, const char *key);

size_t srr_supplier_list_count(const struct srr_supplier_list *list);
/** Borrowed from @p list; NULL if @p i is out of range. */
const struct srr_supplier *srr_supplier_list_get(const struct srr_supplier_list *list, size_t i);
/** NULL is a no-op. */
void srr_supplier_list_free(struct srr_supplier_list *list);

/** Check a supplier key's syntax without touching a register. */
int srr_supplier_key_valid(const char *key);

#ifdef __cplusplus
}
#endif

#endif
