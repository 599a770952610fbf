/* SPDX-License-Identifier: MIT */
#ifndef SRR_APPROVAL_PRIVATE_H
#define SRR_APPROVAL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "entity-private.h"
#include "register-private.h"
#include "srr/approval.h"
#include "srr/policy.h"
#include "srr/record.h"
#include "srr/risk.h"

/* "the acceptance of risk R-3", "review 7", ... for messages. */
void approval_describe(char *buf, size_t size, enum srr_subject subject, const char *target);

/* The bytes a risk or treatment approval of r signs: 0; 1 with why when
 * r has no such decision (not accepted, not treated); or an error. */
int approval_risk_bytes(struct srr_register *reg, enum srr_subject subject,
			const struct srr_risk *r, char **bytes, size_t *len, char *why,
			size_t size);

/* Has a request for exactly these bytes of target its quorum under the
 * policy in force (signatures as stored, not re-verified)? */
int approval_bytes_approved(struct srr_register *reg, enum srr_subject subject,
			    const char *target, const char *bytes, size_t len, bool *approved);

/* The residual level under p of an acceptance or treatment-plan record
 * (borrowed from p), or NULL when it has none. */
const char *approval_level_of(const struct srr_policy *p, const struct srr_record *rec);

/* The first rule of p for subject (at residual level, for risks), or NULL. */
const struct srr_rule *approval_rule(const struct srr_policy *p, enum srr_subject subject,
				     const char *level);

/* The approver of policy p holding this certificate (by its SHA-256 or
 * its key's), or NULL. */
const struct srr_approver *approval_find_approver(const struct srr_policy *p, const char *cert,
						  const char *spki);

/* NULL when a signature by this certificate counts toward rule on a
 * request by requester; else why not (in why), *check naming the rule
 * ("approver", "requester", "role"). *who: the approver, or NULL. */
const char *approval_signer_rule(const struct srr_policy *p, const struct srr_rule *rule,
				 const char *requester, const char *cert, const char *spki,
				 const struct srr_approver **who, const char **check, char *why,
				 size_t size);

/* Every request as stored, nothing derived (status, quorum, counts): the
 * part of srr_approval_list_new() that only reads. */
int approval_list_rows(struct srr_approval_list **out, struct srr_register *reg);
/* Then derive them under the policy in force (staleness too if asked). */
int approval_list_derive(struct srr_register *reg, struct srr_approval_list *l, bool check_stale);

/* Is request i history: a later one asks for the same subject (for the
 * policy: for any version)? A stale request that is history is no longer
 * a problem to report. */
bool approval_superseded(const struct srr_approval_list *l, size_t i);

/* The approval's own canonical record, as its events log it, from its
 * rows now. SRR_E_NOTFOUND. */
int approval_record(struct srr_register *reg, int64_t id, char **bytes, size_t *len);

/* fn for every approval request ("approval/ID"), by id. */
int approval_entities(struct srr_register *reg, entity_fn fn, void *userdata);

/* The bytes a signed refusal of a signs. */
int approval_rejection_bytes(struct srr_register *reg, const struct srr_approval *a,
			     const char *reason, char **bytes, size_t *len);

/* --- signing with a token (approvals, refusals, checkpoints) --- */
struct cert;
struct cert_list;

/* The token's certificate, appended to cl. */
int signer_cert(struct srr_register *reg, struct srr_token *tok, struct cert_list *cl);

/* The checks on a signer certificate that do not depend on what it signs:
 * usage, chain to p's trust anchors, validity at time at. label starts
 * the message ("A-3", "checkpoint"). */
int signer_check(struct srr_register *reg, const struct srr_policy *p, const struct cert *c,
		 time_t at, const char *label);

/* Sign bytes with tok (detached CMS) and read back the signing time. */
int signer_sign(struct srr_register *reg, struct srr_token *tok, const void *bytes, size_t len,
		unsigned char **p7s, size_t *p7s_len, char signed_at[21]);

#endif
