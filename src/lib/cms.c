/* SPDX-License-Identifier: MIT */
/*
 * A detached CMS signature as srr makes and checks them: parse, compare
 * the certificate inside, verify over the signed bytes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "cms-private.h"

__attribute__((format(printf, 5, 6))) static int
refuse(const char **check, const char *name, char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	*check = name;
	return 1;
}

int
cms_parse(struct cms *c, const void *p7s, size_t len, const char **check, char *why, size_t size)
{
	memset(c, 0, sizeof(*c));
	c->signed_at = (time_t)-1;
	gnutls_datum_t d = { (unsigned char *)p7s, (unsigned)len };
	int err = len > 0xffffffffu ? GNUTLS_E_MEMORY_ERROR : gnutls_pkcs7_init(&c->p7);
	if (err >= 0)
		err = gnutls_pkcs7_import(c->p7, &d, GNUTLS_X509_FMT_DER);
	if (err < 0)
		return refuse(check, "signature", why, size, "not a CMS SignedData: %s",
			      gnutls_strerror(err));
	int n = gnutls_pkcs7_get_signature_count(c->p7);
	if (n != 1)
		return refuse(check, "signature", why, size, "holds %d signatures, not one", n);
	if (gnutls_pkcs7_get_crt_raw2(c->p7, 0, &c->cert) < 0) {
		c->cert.data = NULL;
		c->cert.size = 0;
		return refuse(check, "certificate", why, size, "carries no signer certificate");
	}
	gnutls_pkcs7_signature_info_st info;
	err = gnutls_pkcs7_get_signature_info(c->p7, 0, &info);
	if (err < 0)
		return refuse(check, "signature", why, size, "signer information unreadable: %s",
			      gnutls_strerror(err));
	time_t at = info.signing_time;
	gnutls_sign_algorithm_t algo = info.algo;
	gnutls_pkcs7_signature_info_deinit(&info);
	if (at == (time_t)-1)
		return refuse(check, "signature", why, size, "carries no signing time");
	if (gnutls_sign_get_hash_algorithm(algo) != GNUTLS_DIG_SHA256)
		return refuse(check, "signature", why, size, "is not made with SHA-256 (%s)",
			      gnutls_sign_get_name(algo) ? gnutls_sign_get_name(algo) : "unknown");
	c->signed_at = at;
	return 0;
}

int
cms_cert_is(const struct cms *c, const void *der, size_t len, const char **check, char *why,
	    size_t size)
{
	if (c->cert.size != len || memcmp(c->cert.data, der, len) != 0)
		return refuse(check, "certificate", why, size,
			      "the certificate in the signature is not the recorded signer's");
	return 0;
}

int
cms_verify(const struct cms *c, gnutls_x509_crt_t crt, const void *data, size_t len,
	   const char *what, const char **check, char *why, size_t size)
{
	/* GnuTLS 3.7 leaks the key it makes when verifying with a certificate
	 * whose public key it cannot import (found by tests/fuzz/fuzz-cms):
	 * refuse such a certificate before it gets there. */
	gnutls_pubkey_t key;
	int err = gnutls_pubkey_init(&key);
	if (err >= 0) {
		err = gnutls_pubkey_import_x509(key, crt, 0);
		gnutls_pubkey_deinit(key);
	}
	if (err < 0)
		return refuse(check, "signature", why, size,
			      "does not verify over the %s: the certificate's public key: %s", what,
			      gnutls_strerror(err));
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	/* GnuTLS checks the clock unless both flags are given. */
	err = len > 0xffffffffu ? GNUTLS_E_MEMORY_ERROR
				: gnutls_pkcs7_verify_direct(
					  c->p7, crt, 0, &d,
					  GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
						  GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
	if (err < 0)
		return refuse(check, "signature", why, size, "does not verify over the %s: %s",
			      what, gnutls_strerror(err));
	return 0;
}

void
cms_release(struct cms *c)
{
	gnutls_free(c->cert.data);
	c->cert.data = NULL;
	if (c->p7)
		gnutls_pkcs7_deinit(c->p7);
	c->p7 = NULL;
}

void
cms_utc(char buf[21], time_t t)
{
	struct tm tm;
	if (t == (time_t)-1 || !gmtime_r(&t, &tm))
		snprintf(buf, 21, "?");
	else
		strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
