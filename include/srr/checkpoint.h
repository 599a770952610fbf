/* SPDX-License-Identifier: MIT */
#ifndef SRR_CHECKPOINT_H
#define SRR_CHECKPOINT_H

/**
 * @file srr/checkpoint.h
 * Signed checkpoints of the audit log: the size and root of its hash tree
 * (RFC 9162) in C2SP tlog-checkpoint form, signed as a detached CMS with a
 * key on a PKCS#11 token. Whoever keeps a checkpoint can later prove that
 * the log they are shown extends the one it signed.
 */

#include <stddef.h>
#include <stdint.h>

#include <srr/common.h>
#include <srr/register.h>
#include <srr/token.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_checkpoint {
	int64_t id;	    /**< shown as C-<id> */
	int64_t size;	    /**< events the tree holds */
	const char *origin; /**< the register id */
	const char *root;   /**< base64 of the tree's root hash, as in the body */
	int clock_synced;   /**< 1: the signer's clock was synchronised (NTP), 0: it was not */
	const char *body;   /**< the signed bytes (tlog-checkpoint text) */
	size_t body_len;
	const unsigned char *p7s; /**< detached CMS SignedData (DER) over body */
	size_t p7s_len;
	const char *cert_sha256; /**< the signer certificate's SHA-256 */
	const char *signer;	 /**< its subject DN */
	const char *signed_at;	 /**< the CMS signing time, RFC 3339 UTC */
	const char *actor;	 /**< who ran the signing command */
};

struct srr_checkpoint_list;

/**
 * Sign a checkpoint of the whole log with the key of @p tok. The signer
 * certificate must chain to the policy's trust anchors, carry the usage an
 * approval signer needs and be valid now. One transaction; the new
 * checkpoint's id in @p id (may be NULL).
 */
int srr_checkpoint_sign(struct srr_register *reg, struct srr_token *tok, int64_t *id);

/** Every checkpoint, oldest first. */
int srr_checkpoint_list_new(struct srr_checkpoint_list **out, struct srr_register *reg);
size_t srr_checkpoint_list_count(const struct srr_checkpoint_list *list);
const struct srr_checkpoint *srr_checkpoint_list_get(const struct srr_checkpoint_list *list,
						     size_t i);
void srr_checkpoint_list_free(struct srr_checkpoint_list *list);

/** The newest checkpoint only (an empty list when there is none). */
int srr_checkpoint_latest(struct srr_checkpoint_list **out, struct srr_register *reg);

/** "C-7" or "7" into 7; SRR_E_INPUT otherwise. */
int srr_checkpoint_parse_id(int64_t *id, const char *text);

/**
 * Write checkpoint @p id as @p path (the body) and @p path.p7s (the
 * signature): what an auditor keeps to run verify --since later. Refuses
 * to overwrite.
 */
int srr_checkpoint_export(struct srr_register *reg, int64_t id, const char *path);

#ifdef __cplusplus
}
#endif

#endif
