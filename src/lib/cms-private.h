/* SPDX-License-Identifier: MIT */
#ifndef SRR_CMS_PRIVATE_H
#define SRR_CMS_PRIVATE_H

/* Checking a detached CMS SignedData as srr makes them (docs/formats/
 * approval.md section 5): exactly one signer, SHA-256, a signing time, the
 * signer certificate inside. Used by srr verify and srr verify-bundle.
 * Thread-safe: each call touches only its own objects. */

#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stddef.h>
#include <time.h>

struct cms {
	gnutls_pkcs7_t p7;
	gnutls_datum_t cert; /* DER of the first certificate it carries; empty if none */
	time_t signed_at;    /* (time_t)-1 until cms_parse() succeeds */
};

/* Parse p7s (DER, borrowed for the call only). 0, or 1 with why (a sentence
 * fragment: "not a CMS SignedData: ...", "holds 2 signatures, not one",
 * "carries no signing time", "is not made with SHA-256 (...)") and *check
 * "signature". c is to be cms_release()d either way. */
int cms_parse(struct cms *c, const void *p7s, size_t len, const char **check, char *why,
	      size_t size);

/* 0 when the certificate inside is exactly der; else 1, check "certificate". */
int cms_cert_is(const struct cms *c, const void *der, size_t len, const char **check, char *why,
		size_t size);

/* Verify the signature over data with crt. Only the signature: the
 * certificate's times are for the caller to judge against the signing
 * time, not the clock (a signature stays good after its certificate
 * expires). 0, or 1 with why ("does not verify over the <what>: ...") and
 * check "signature". */
int cms_verify(const struct cms *c, gnutls_x509_crt_t crt, const void *data, size_t len,
	       const char *what, const char **check, char *why, size_t size);

void cms_release(struct cms *c);

/* t as RFC 3339 UTC, "?" when it cannot be shown. */
void cms_utc(char buf[21], time_t t);

#endif
