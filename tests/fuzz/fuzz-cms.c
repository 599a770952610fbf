/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the detached CMS signatures srr verify and srr
 * verify-bundle read (.p7s, src/lib/cms.c), checked as verify-bundle
 * checks one: cms_parse(), the certificate inside, cms_verify() over the
 * signed bytes, then usage, chain and validity at the signing time against
 * one trust anchor.
 *
 * Input: two bytes (big-endian) giving the length n of the signed content,
 * n bytes of content, then the DER of the signature (a shorter input is all
 * content). The seeds in corpus/cms/ were made once with openssl cms by a
 * throwaway key whose certificate chains to the CA below (the keys were not
 * kept).
 *
 * Checked: a refusal names its check and is one printable line; a parsed
 * signature has a signing time that prints and its certificate; a
 * signature that verifies over the content does not verify over the
 * content with one bit flipped, nor over the content cut short by a byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cert-private.h"
#include "lib/cms-private.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-cms: %s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* "srr fuzz CA" (certtool, ECDSA P-256, to 2051): the issuer of the seeds'
 * signer "Alice Approver". */
static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\n"
			     "MIIBcjCCARigAwIBAgIUBsRJLJCa3Q46AAac6XOAdRmLDyswCgYIKoZIzj0EAwIw\n"
			     "FjEUMBIGA1UEAxMLc3JyIGZ1enogQ0EwIBcNMjYxMTI5MDc1MDEwWhgPMjA1MTA3\n"
			     "MjEwNzUwMTBaMBYxFDASBgNVBAMTC3NyciBmdXp6IENBMFkwEwYHKoZIzj0CAQYI\n"
			     "KoZIzj0DAQcDQgAESVlp1c1Kb/P7yMgzzcACGp+ZRLF3/Eif+IwC9zuzXJ7oq+Ih\n"
			     "FA1PY+EAKnuWkAnRh+UE8cUU6YyvqEx4f43beaNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
			     "/zAOBgNVHQ8BAf8EBAMCAgQwHQYDVR0OBBYEFD1LMMywKWik//EMyuaj3L+7uUYe\n"
			     "MAoGCCqGSM49BAMCA0gAMEUCIDXyftX3PdlR0sEVcDMHZhTb6lfq/pVW3gSmoPRQ\n"
			     "RNdMAiEA6LqENh8ZQJmZ/I8hgMyyiiuVWRjoNV0I3Zb5g6MF90Q=\n"
			     "-----END CERTIFICATE-----\n";

#define WHY_MAX 320 /* as verify-bundle's */

static gnutls_x509_trust_list_t tl;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gnutls_x509_crt_t ca;
	gnutls_datum_t d = { (unsigned char *)ca_pem, sizeof(ca_pem) - 1 };
	if (gnutls_x509_trust_list_init(&tl, 0) < 0 || gnutls_x509_crt_init(&ca) < 0 ||
	    gnutls_x509_crt_import(ca, &d, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_trust_list_add_cas(tl, &ca, 1, 0) < 0) {
		fprintf(stderr, "fuzz-cms: cannot load the CA\n");
		exit(1);
	}
	return 0;
}

static void
check_refusal(const char *check, const char *want, const char *why, size_t size)
{
	check(check != NULL && strcmp(check, want) == 0);
	size_t n = strnlen(why, size);
	check(n > 0 && n < size);
	for (size_t i = 0; i < n; i++)
		check((unsigned char)why[i] >= 0x20 && why[i] != 0x7f);
}

static void
check_one(const unsigned char *content, size_t n, const unsigned char *p7s, size_t len)
{
	struct cms c;
	const char *what = NULL;
	char why[WHY_MAX];
	memset(why, 0x55, sizeof(why));
	if (cms_parse(&c, p7s, len, &what, why, sizeof(why))) {
		check(what != NULL &&
		      (strcmp(what, "signature") == 0 || strcmp(what, "certificate") == 0));
		check_refusal(what, what, why, sizeof(why));
		check(c.signed_at == (time_t)-1);
		cms_release(&c);
		return;
	}
	check(c.signed_at != (time_t)-1);
	char t[21];
	cms_utc(t, c.signed_at);
	check(strlen(t) == 20 || strcmp(t, "?") == 0);
	check(c.cert.size > 0);

	/* The certificate inside is what cms_cert_is() compares with. */
	what = NULL;
	check(cms_cert_is(&c, c.cert.data, c.cert.size, &what, why, sizeof(why)) == 0);
	check(what == NULL);
	if (c.cert.size > 1) {
		check(cms_cert_is(&c, c.cert.data, c.cert.size - 1, &what, why, sizeof(why)) == 1);
		check_refusal(what, "certificate", why, sizeof(why));
	}

	gnutls_x509_crt_t crt;
	check(gnutls_x509_crt_init(&crt) >= 0);
	if (gnutls_x509_crt_import(crt, &c.cert, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		cms_release(&c);
		return;
	}
	what = NULL;
	if (cms_verify(&c, crt, content, n, "content", &what, why, sizeof(why))) {
		check_refusal(what, "signature", why, sizeof(why));
		check(strstr(why, "does not verify over the content: ") == why);
	} else {
		/* It verified: any other content must not. */
		unsigned char *other = malloc(n + 1);
		check(other != NULL);
		memcpy(other, content, n);
		other[n] = 0;
		other[n / 2] ^= 1;
		check(cms_verify(&c, crt, other, n ? n : 1, "content", &what, why, sizeof(why)) ==
		      1);
		if (n > 0)
			check(cms_verify(&c, crt, content, n - 1, "content", &what, why,
					 sizeof(why)) == 1);
		free(other);

		const char *steps[] = { NULL, NULL, NULL };
		char w[WHY_MAX];
		if (cert_check_usage(crt, &steps[0], w, sizeof(w)))
			check_refusal(steps[0], steps[0], w, sizeof(w));
		if (cert_check_chain(tl, crt, &steps[1], w, sizeof(w)))
			check_refusal(steps[1], steps[1], w, sizeof(w));
		else if (cert_check_validity(tl, crt, c.signed_at, &steps[2], w, sizeof(w)))
			check_refusal(steps[2], steps[2], w, sizeof(w));
	}
	gnutls_x509_crt_deinit(crt);
	cms_release(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size;
	if (size >= 2 && ((size_t)data[0] << 8 | data[1]) <= size - 2) {
		n = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
	}
	/* Copies of exactly their sizes, so that ASan sees a read past either. */
	unsigned char *content = malloc(n ? n : 1), *p7s = malloc(size - n ? size - n : 1);
	check(content && p7s);
	memcpy(content, data, n);
	memcpy(p7s, data + n, size - n);
	check_one(content, n, p7s, size - n);
	free(content);
	free(p7s);
	return 0;
}
