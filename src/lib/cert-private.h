/* SPDX-License-Identifier: MIT */
#ifndef SRR_CERT_PRIVATE_H
#define SRR_CERT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
