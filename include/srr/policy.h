/* SPDX-License-Identifier: MIT */
#ifndef SRR_POLICY_H
#define SRR_POLICY_H

/**
 * @file srr/policy.h
 * The supplier policy: review cadence, the risk matrix and tolerance,
 * score weights, approvers, approval rules and trust anchors
 * (EN 319 401 REQ-5-05 a), REQ-5-07 b), REQ-7.14.3-10). Written in YAML
 * (docs/policy.md), stored in the register as a canonical record, one
 * version per change. Until one is set, the built-in default applies
 * (version 0, the text of contrib/policy-default.yaml).
 */

#include <stddef.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A risk level band: scores (likelihood x impact) up to @c max. */
struct srr_level {
	const char *name;
	unsigned max;
};

struct srr_weights {
	unsigned residual;
	unsigned tier;
	unsigned sla_breach;
	unsigned overdue_review;
	unsigned clause_gap;
	unsigned late_notification;
};

/** A person who may sign approvals. */
struct srr_approver {
	const char *name;
	const char *cert_sha256; /**< SHA-256 of the certificate's DER, or NULL */
	const char *spki_sha256; /**< SHA-256 of its SubjectPublicKeyInfo */
	size_t n_actors;
	const char *const *actors; /**< the --actor names this person uses */
	size_t n_roles;
	const char *const *roles;
};

enum srr_subject {
	SRR_SUBJECT_NONE = 0,
	SRR_SUBJECT_RISK,      /**< a risk acceptance */
	SRR_SUBJECT_TREATMENT, /**< a treatment plan */
	SRR_SUBJECT_REVIEW,    /**< a supplier review sign-off */
	SRR_SUBJECT_POLICY,    /**< the policy itself */
};
const char *srr_subject_name(enum srr_subject subject);

/** Who must sign what: @c quorum distinct people holding one of @c roles. */
struct srr_rule {
	enum srr_subject subject;
	size_t n_residual; /**< risk only: the residual levels it covers; 0: all */
	const char *const *residual;
	size_t n_roles;
	const char *const *roles;
	unsigned quorum;
};

struct srr_policy {
	unsigned version; /**< 0: the built-in default */
	const char *name;
	const char *set_at; /**< RFC 3339 UTC, NULL for the default */
	const char *set_by;
	unsigned cadence_months[5]; /**< indexed by enum srr_tier; 1..12 */
	unsigned after_incident_days;
	unsigned after_sla_breach_days;
	size_t n_likelihood;
	const char *const *likelihood; /**< names of 1..n */
	size_t n_impact;
	const char *const *impact;
	size_t n_levels;
	const struct srr_level *levels; /**< ascending */
	size_t tolerance;		/**< index into levels */
	unsigned acceptance_max_days;
	struct srr_weights weights;
	size_t n_anchors;
	const char *const *anchors; /**< SHA-256 of each trust anchor's DER */
	size_t n_crls;
	const char *const *crls; /**< SHA-256 of each revocation list's DER */
	size_t n_approvers;
	const struct srr_approver *approvers;
	size_t n_rules;
	const struct srr_rule *rules;
	const char *source; /**< the YAML it was set from */
	const char *record; /**< its srr-record/1 bytes */
};

struct srr_policy_list;

/**
 * Read, check and store the policy in @p path (one transaction with its
 * policy.set event). Certificate paths are relative to the file. Errors
 * name "file:line:column". @p version (optional) receives the new version.
 */
int srr_policy_set(struct srr_register *reg, const char *path, unsigned *version);

/** Read and check @p path without storing anything. */
int srr_policy_check(struct srr_register *reg, const char *path);

/** The policy in force (@p version 0) or a stored version, as a list of one. */
int srr_policy_find(struct srr_policy_list **out, struct srr_register *reg, unsigned version);
const struct srr_policy *srr_policy_list_get(const struct srr_policy_list *list, size_t i);
size_t srr_policy_list_count(const struct srr_policy_list *list);
void srr_policy_list_free(struct srr_policy_list *list);

/**
 * The level index of a likelihood x impact pair under @p p, or -1 when
 * either is outside the matrix (1-based scales).
 */
int srr_policy_level(const struct srr_policy *p, unsigned likelihood, unsigned impact);

#ifdef __cplusplus
}
#endif

#endif
