/* SPDX-License-Identifier: MIT */
#ifndef SRR_SLA_H
#define SRR_SLA_H

/**
 * @file srr/sla.h
 * Service levels per contract and their measurements per period
 * (EN 319 401 REQ-7.14.3-07, REQ-7.14.1-06).
 *
 * Targets and values are decimal strings ("99.9", "-3", "250"), kept exact:
 * at most 15 significant digits, canonical form (no "+", no leading zeros,
 * no trailing fractional zeros). Input like "99.90" is canonicalised.
 */

#include <stddef.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

enum srr_comparator {
	SRR_CMP_NONE = 0,
	SRR_CMP_GE, /**< met when value >= target (availability) */
	SRR_CMP_LE, /**< met when value <= target (response time) */
};
const char *srr_comparator_name(enum srr_comparator cmp);
enum srr_comparator srr_comparator_from_name(const char *name);

enum srr_period {
	SRR_PERIOD_NONE = 0,
	SRR_PERIOD_MONTH,   /**< periods "YYYY-MM" */
	SRR_PERIOD_QUARTER, /**< periods "YYYY-Qn" */
};
const char *srr_period_name(enum srr_period period);
enum srr_period srr_period_from_name(const char *name);

struct srr_sla {
	const char *supplier;
	const char *contract;
	const char *metric; /**< [a-z0-9][a-z0-9_-]*, unique per contract */
	const char *target;
	enum srr_comparator comparator;
	const char *unit; /**< or NULL */
	enum srr_period period;
	/* read views only: */
	size_t n_measurements;
	size_t n_breaches;
	const char *last_period; /**< NULL when nothing was recorded */
	const char *last_value;
	int last_breach;
};

struct srr_measurement {
	const char *supplier;
	const char *contract;
	const char *metric;
	const char *period;
	const char *value;
	int breach;	      /**< derived from comparator and target */
	const char *recorded; /**< RFC 3339 UTC of the last write */
};

struct srr_sla_list;
struct srr_measurement_list;

int srr_sla_add(struct srr_register *reg, const struct srr_sla *sla);

/**
 * Record the value for one period; recording a period again corrects it
 * (the log keeps both). @p breach, if given, receives 1 when the value
 * misses the target.
 */
int srr_sla_record(struct srr_register *reg, const char *supplier, const char *contract,
		   const char *metric, const char *period, const char *value, int *breach);

/** SLAs, filtered by @p supplier and @p contract when not NULL. */
int srr_sla_list_new(struct srr_sla_list **out, struct srr_register *reg, const char *supplier,
		     const char *contract);
size_t srr_sla_list_count(const struct srr_sla_list *list);
const struct srr_sla *srr_sla_list_get(const struct srr_sla_list *list, size_t i);
void srr_sla_list_free(struct srr_sla_list *list);

/** Measurements of one SLA, oldest period first. */
int srr_measurement_list_new(struct srr_measurement_list **out, struct srr_register *reg,
			     const char *supplier, const char *contract, const char *metric);
size_t srr_measurement_list_count(const struct srr_measurement_list *list);
const struct srr_measurement *srr_measurement_list_get(const struct srr_measurement_list *list,
						       size_t i);
void srr_measurement_list_free(struct srr_measurement_list *list);

/**
 * Canonicalise a decimal: @p out (at least 32 bytes) receives the canonical
 * form. SRR_E_INPUT if @p in is not a decimal of at most 15 digits.
 */
int srr_decimal_canonical(char *out, size_t out_size, const char *in);

#ifdef __cplusplus
}
#endif

#endif
