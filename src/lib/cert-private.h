/* SPDX-License-Identifier: MIT */
#ifndef SRR_CERT_PRIVATE_H
#define SRR_CERT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "register-private.h"

/* An X.509 certificate as srr keeps it: DER bytes and the names it is
 * looked up by. */
struct cert {
	unsigned char *der;
	size_t der_len;
	char sha256[65];      /* of the DER */
	char spki_sha256[65]; /* of the SubjectPublicKeyInfo */
	char *subject;	      /* RFC 4514 DN */
	bool ca;	      /* basicConstraints CA:TRUE */
};

struct cert_list {
	struct cert *v;
	size_t n;
};

/* Read every certificate in a PEM (or a single DER) file and append them.
 * On error: message "what: path: reason" on reg. */
int cert_load_file(struct srr_register *reg, struct cert_list *out, const char *path,
		   const char *what);
void cert_list_release(struct cert_list *l);

/* Store certificates in the register (idempotent by SHA-256). */
int cert_store(struct srr_register *reg, const struct cert_list *l);

/* Append the certificate in DER to l. */
int cert_add_der(struct srr_register *reg, struct cert_list *l, const void *der, size_t len);

/* The DER of the certificates with these SHA-256s, from the register,
 * appended to l. */
int cert_fetch(struct srr_register *reg, struct cert_list *l, const char *const *sha256, size_t n);

/* Trust anchors for signer checks. */
int cert_trust_new(gnutls_x509_trust_list_t *out, const struct cert_list *anchors);

/* The checks an approver's certificate must pass (SPEC "Approver
 * certificates"). Each returns 0, or 1 with why (a sentence fragment) and
 * *check naming the check: "usage", "chain" or "validity". */
int cert_check_usage(gnutls_x509_crt_t crt, const char **check, char *why, size_t size);
/* Chains to an anchor of tl (times not checked). */
int cert_check_chain(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt, const char **check,
		     char *why, size_t size);
/* It and the anchor of tl that issued it were valid at time at. */
int cert_check_validity(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt, time_t at,
			const char **check, char *why, size_t size);

/* "CN=..., O=..." of crt into buf. */
void cert_dn(gnutls_x509_crt_t crt, char *buf, size_t size);

#endif
