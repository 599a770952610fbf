/* SPDX-License-Identifier: MIT */
#ifndef SRR_APPROVAL_H
#define SRR_APPROVAL_H

/**
 * @file srr/approval.h
 * Management approvals signed with a PKCS#11 token (EN 319 401 REQ-5-05
 * a) and b), REQ-7.14.3-10): a risk acceptance, a treatment plan, a
 * supplier review sign-off, or the policy itself.
 *
 * A request freezes the canonical srr-record/1 bytes of its subject
 * (docs/formats/approval.md). Each signature is a detached CMS over
 * exactly those bytes, made on the approver's token. Whether a request is
 * approved is derived when read, under the policy in force: its quorum of
 * distinct approvers holding a role the policy's rule asks for, never the
 * requester; and only while the subject's bytes today equal the signed
 * ones (otherwise it is stale). srr_verify() re-checks every signature
 * cryptographically.
 */

#include <stddef.h>
#include <stdint.h>

#include <srr/common.h>
#include <srr/policy.h>
#include <srr/register.h>
#include <srr/token.h>

#ifdef __cplusplus
extern "C" {
#endif

enum srr_approval_status {
	SRR_APPROVAL_PENDING = 1, /**< waiting for (more) signatures */
	SRR_APPROVAL_APPROVED,	  /**< the quorum has signed these bytes */
	SRR_APPROVAL_STALE,	  /**< the subject changed since the request */
	SRR_APPROVAL_REJECTED,	  /**< refused */
};
/** "pending", "approved", "stale", "rejected"; NULL when out of range. */
const char *srr_approval_status_name(enum srr_approval_status status);

/** One signature on a request, as the policy in force sees it. */
struct srr_signature {
	const char *cert_sha256; /**< the signer certificate's SHA-256 */
	const char *cert_subject; /**< its subject DN */
	const char *approver;	  /**< the policy approver it maps to, or NULL */
	const char *signed_at;	  /**< the CMS signing time, RFC 3339 UTC */
	const char *actor;	  /**< the --actor who ran srr approve */
	int counts;		  /**< counts toward the quorum */
	const char *why_not;	  /**< when it does not count: why */
	const unsigned char *p7s; /**< the CMS SignedData (DER) */
	size_t p7s_len;
};

struct srr_approval {
	int64_t id;		  /**< shown as A-<id> */
	enum srr_subject subject;
	const char *target;	  /**< the entity: "risk/3", "review/7", "policy/2" */
	const char *record;	  /**< the frozen srr-record/1 bytes */
	size_t record_len;
	const char *record_sha256;
	const char *requester;
	const char *requested;	  /**< RFC 3339 UTC */
	enum srr_approval_status status;
	const char *level;	  /**< risk subjects: the residual level the rule is chosen by */
	unsigned quorum;	  /**< distinct approvers needed; 0: no rule covers it */
	size_t n_roles;
	const char *const *roles; /**< any one of these roles counts */
	unsigned have;		  /**< distinct approvers who count */
	const char *stale_because; /**< SRR_APPROVAL_STALE: what changed */
	size_t n_signatures;
	const struct srr_signature *signatures;
	const char *rejected_by; /**< SRR_APPROVAL_REJECTED: the actor */
	const char *rejected;	 /**< when */
	const char *reason;
	const char *rejection_cert; /**< the refusal's signer certificate, or NULL */
	const char *rejection;	    /**< the signed refusal record, or NULL */
	size_t rejection_len;
	const unsigned char *rejection_p7s;
	size_t rejection_p7s_len;
};

struct srr_approval_list;

/**
 * Ask for an approval: freeze the canonical bytes of the subject and
 * record the requester (the register's actor).
 *
 * @p target: for SRR_SUBJECT_RISK (the risk's acceptance) and
 * SRR_SUBJECT_TREATMENT (its treatment plan) the risk ("R-3"); for
 * SRR_SUBJECT_REVIEW a supplier key (its latest review); for
 * SRR_SUBJECT_POLICY NULL (the stored policy in force).
 * A second request for the same bytes while one is pending or approved
 * is refused (SRR_E_EXISTS).
 */
int srr_approval_request(struct srr_register *reg, enum srr_subject subject, const char *target,
			 int64_t *id);

/**
 * Sign request @p id with the key of @p tok and store the signature with
 * its event, after checking that the signer may: the certificate chains to
 * a trust anchor of the policy, is valid now, has key usage
 * digitalSignature or nonRepudiation and no extended key usage other than
 * one including emailProtection, maps to an approver whose role the rule
 * for this request asks for, and is not the requester. SRR_E_VERIFY names
 * the check that failed; SRR_E_EXISTS when this person has signed it
 * already; SRR_E_STATE when the request is not pending.
 */
int srr_approve(struct srr_register *reg, int64_t id, struct srr_token *tok);

/**
 * Refuse request @p id for @p reason. With @p tok (may be NULL) the refusal
 * is signed: a "rejection" record naming the request and its bytes, which
 * must be signed by a policy approver.
 */
int srr_approval_reject(struct srr_register *reg, int64_t id, const char *reason,
			struct srr_token *tok);

/**
 * Write request @p id into directory @p dir (created if missing):
 * A-<id>.rec (the signed bytes), A-<id>.approval.rec (the request's own
 * record: requester, the signed bytes' hash, each signature's hash, as its
 * last event logged it), A-<id>-<n>.p7s for each signature n, and
 * A-<id>-<n>.pem, the signer certificate followed by the trust anchors
 * that issued it; a signed refusal as A-<id>-rejection.rec/.p7s/.pem.
 * Existing files are not overwritten (SRR_E_EXISTS).
 */
int srr_approval_export(struct srr_register *reg, int64_t id, const char *dir);

/** Every request, by id. */
int srr_approval_list_new(struct srr_approval_list **out, struct srr_register *reg);
/** Request @p id as a list of one; SRR_E_NOTFOUND if there is none. */
int srr_approval_find(struct srr_approval_list **out, struct srr_register *reg, int64_t id);
size_t srr_approval_list_count(const struct srr_approval_list *list);
const struct srr_approval *srr_approval_list_get(const struct srr_approval_list *list, size_t i);
void srr_approval_list_free(struct srr_approval_list *list);

/** Parse "A-3" or "3"; SRR_E_INPUT if it is neither. */
int srr_approval_parse_id(int64_t *id, const char *text);

/** One problem srr_verify() found. */
struct srr_finding {
	int64_t approval;  /**< the request, A-<id>; 0 for a finding about the log */
	size_t signature;  /**< 1-based signature on it; 0: the request itself */
	const char *signer; /**< with a signature: the approver, else the certificate's DN */
	const char *check; /**< "record", "signature", "certificate", "chain", "validity",
			      "usage", "approver", "role", "requester", "duplicate",
			      "quorum", "stale", "rejection"; about the log: "event",
			      "state", "checkpoint", "clock", "since" */
	const char *message;
	int failure;	   /**< 0: information (a pending request), 1: a failure */
	int64_t event;	   /**< log findings: the (first) event concerned, or 0 */
	int64_t checkpoint; /**< log findings: the checkpoint concerned (C-<id>), or 0 */
};

typedef void (*srr_finding_fn)(void *userdata, const struct srr_finding *finding);

struct srr_verify_options {
	/** PEM file of trust anchors that replace the policy's for this run,
	 * or NULL. */
	const char *trust_file;
	/** Threads for signature checks; 0: one per online CPU (up to 8). */
	unsigned threads;
	/** A checkpoint body kept from earlier (srr checkpoint export): prove
	 * that today's log extends the one it signed. NULL: none. */
	const char *since_file;
};

struct srr_verify_result {
	size_t approvals;
	size_t signatures;
	size_t failures;
	size_t approved, pending, stale, rejected;
	int64_t events;	    /**< events read */
	size_t entities;    /**< entities held against their last event */
	size_t checkpoints; /**< signed checkpoints checked */
	int64_t covered;    /**< events covered by the newest signed checkpoint */
};

/**
 * Re-verify the register. The log: every event's leaf against its columns
 * and record, the sequence, the Merkle tree against every signed
 * checkpoint (signature, signer chain, root), each entity's rows against
 * its last event, and with options->since_file a consistency proof from
 * a checkpoint kept earlier. Every approval: each signature over the
 * frozen bytes, the signer certificate's chain to the trust anchors, its
 * validity at the signing time, its usages, the approver and role it maps
 * to, the requester rule, the quorum, and staleness. Each problem goes to @p fn
 * (may be NULL). Returns 0 when the checks ran (look at
 * @p result->failures), or an error when they could not.
 */
int srr_verify(struct srr_register *reg, const struct srr_verify_options *options,
	       srr_finding_fn fn, void *userdata, struct srr_verify_result *result);

#ifdef __cplusplus
}
#endif

#endif
