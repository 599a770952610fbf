/* SPDX-License-Identifier: MIT */
#ifndef SRR_CRL_PRIVATE_H
#define SRR_CRL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cert-private.h"
#include "register-private.h"

/*
 * Certificate revocation lists named by the policy (crls:). Like the
 * certificates they are kept by the SHA-256 of their DER, which the policy
 * record lists. A certificate counts as revoked from the time its CRL
 * gives: a signature made before it stays good, one made at or after it
 * does not. srr fetches nothing: what it knows of revocation is what the
 * policy in force carries.
 */
struct crl {
	unsigned char *der;
	size_t der_len;
	char sha256[65]; /* of the DER */
	char *issuer;	 /* RFC 4514 DN */
};

struct crl_list {
	struct crl *v;
	size_t n;
};

/* Read every CRL in a PEM (or a single DER) file and append them.
 * On error: message "what: path: reason" on reg. */
int crl_load_file(struct srr_register *reg, struct crl_list *out, const char *path,
		  const char *what);
/* Append the CRL in DER to l. */
int crl_add_der(struct srr_register *reg, struct crl_list *l, const void *der, size_t len);
void crl_list_release(struct crl_list *l);

/* Store CRLs in the register (idempotent by SHA-256). */
int crl_store(struct srr_register *reg, const struct crl_list *l);
/* The CRLs with these SHA-256s, from the register, appended to l; a row
 * whose bytes do not hash to its name is refused (SRR_E_FORMAT). */
int crl_fetch(struct srr_register *reg, struct crl_list *l, const char *const *sha256, size_t n);

/* Whether one of anchors (CA certificates) signed the CRL: 0 yes, 1 no
 * with why. A CRL past its next update still counts: it is what the
 * policy carries. */
int crl_check_issuer(const struct cert_list *anchors, const struct crl *c, char *why,
		     size_t size);

/* When crt was revoked, by a CRL of l that crt's issuing anchor in tl
 * signed: 1 with *at (the earliest such time), 0 when none says so.
 * A CRL that does not verify against that anchor says nothing. */
int crl_revoked_at(const struct crl_list *l, gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt,
		   time_t *at);

/* The check a signature made at time at must pass: 0, or 1 with *check
 * "revocation" and why (a sentence fragment). */
int crl_check(const struct crl_list *l, gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt,
	      time_t at, const char **check, char *why, size_t size);

/* "certificate was revoked at T" into why, for a signature made at at. */
void crl_why(char *why, size_t size, time_t revoked, time_t at);

#endif
