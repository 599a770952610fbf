/* SPDX-License-Identifier: MIT */
/*
 * Certificates: loading PEM/DER files through GnuTLS, and the register's
 * certificate table (keyed by SHA-256 of the DER).
 */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert-private.h"

static void
hex(char *out, const unsigned char *md, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int
describe(struct srr_register *reg, struct cert *c, gnutls_x509_crt_t crt, const char *what,
	 const char *path)
{
	gnutls_datum_t der = { NULL, 0 }, dn = { NULL, 0 };
	unsigned char md[32];
	size_t idlen = sizeof(md);
	int err = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	if (err >= 0)
		err = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, md);
	if (err >= 0)
		hex(c->sha256, md, sizeof(md));
	if (err >= 0)
		err = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, md, &idlen);
	if (err >= 0)
		hex(c->spki_sha256, md, idlen);
	if (err >= 0)
		err = gnutls_x509_crt_get_dn3(crt, &dn, 0);
	if (err < 0) {
		gnutls_free(der.data);
		gnutls_free(dn.data);
		return reg_error(reg, SRR_E_INPUT, "%s: %s: %s", what, path, gnutls_strerror(err));
	}
	c->der = malloc(der.size);
	c->subject = strndup((const char *)dn.data, dn.size);
	if (c->der)
		memcpy(c->der, der.data, der.size);
	c->der_len = der.size;
	unsigned critical;
	c->ca = gnutls_x509_crt_get_basic_constraints(crt, &critical, NULL, NULL) > 0;
	gnutls_free(der.data);
	gnutls_free(dn.data);
	if (!c->der || !c->subject)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	return 0;
}

int
cert_load_file(struct srr_register *reg, struct cert_list *out, const char *path, const char *what)
{
	gnutls_datum_t data;
	int err = gnutls_load_file(path, &data);
	if (err < 0)
		return reg_error(reg, SRR_E_IO, "%s: cannot read %s", what, path);
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	err = gnutls_x509_crt_list_import2(&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0);
	if (err < 0)
		err = gnutls_x509_crt_list_import2(&crts, &n, &data, GNUTLS_X509_FMT_DER, 0);
	gnutls_free(data.data);
	if (err < 0 || n == 0)
		return reg_error(reg, SRR_E_INPUT, "%s: %s holds no X.509 certificate (PEM or DER)",
				 what, path);
	int rc = 0;
	struct cert *v = realloc(out->v, (out->n + n) * sizeof(*v));
	if (!v)
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	else
		out->v = v;
	for (unsigned i = 0; i < n; i++) {
		if (rc == 0) {
			struct cert *c = &out->v[out->n];
			memset(c, 0, sizeof(*c));
			rc = describe(reg, c, crts[i], what, path);
			out->n++;
		}
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	return rc;
}

void
cert_list_release(struct cert_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].der);
		free(l->v[i].subject);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
cert_store(struct srr_register *reg, const struct cert_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "INSERT OR IGNORE INTO certificate (sha256, der, subject,"
				      " spki_sha256) VALUES (?1, ?2, ?3, ?4)");
		if (!st)
			return SRR_E_DB;
		const struct cert *c = &l->v[i];
		bind_text(st, 1, c->sha256);
		sqlite3_bind_blob(st, 2, c->der, (int)c->der_len, SQLITE_STATIC);
		bind_text(st, 3, c->subject);
		bind_text(st, 4, c->spki_sha256);
		if (sqlite3_step(st) != SQLITE_DONE)
			return reg_db_error(reg, "storing a certificate");
	}
	return 0;
}

int
cert_add_der(struct srr_register *reg, struct cert_list *l, const void *der, size_t len)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	int err = gnutls_x509_crt_init(&crt);
	if (err < 0)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	err = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
	if (err < 0) {
		gnutls_x509_crt_deinit(crt);
		return reg_error(reg, SRR_E_INPUT, "not an X.509 certificate: %s",
				 gnutls_strerror(err));
	}
	struct cert *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		gnutls_x509_crt_deinit(crt);
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	l->v = v;
	memset(&v[l->n], 0, sizeof(*v));
	int rc = describe(reg, &v[l->n], crt, "certificate", "(DER)");
	l->n++;
	gnutls_x509_crt_deinit(crt);
	return rc;
}

int
cert_fetch(struct srr_register *reg, struct cert_list *l, const char *const *sha256, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "SELECT der FROM certificate WHERE sha256 = ?1");
		if (!st)
			return SRR_E_DB;
		bind_text(st, 1, sha256[i]);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			return reg_error(reg, SRR_E_FORMAT, "certificate %s is missing from the register",
					 sha256[i]);
		if (s != SQLITE_ROW)
			return reg_db_error(reg, "reading a certificate");
		int rc = cert_add_der(reg, l, sqlite3_column_blob(st, 0),
				      (size_t)sqlite3_column_bytes(st, 0));
		if (rc)
			return rc;
	}
	return 0;
}

int
cert_trust_new(gnutls_x509_trust_list_t *out, const struct cert_list *anchors)
{
	gnutls_x509_trust_list_t tl;
	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		return SRR_E_NOMEM;
	for (size_t i = 0; i < anchors->n; i++) {
		gnutls_x509_crt_t crt;
		gnutls_datum_t d = { anchors->v[i].der, (unsigned)anchors->v[i].der_len };
		if (gnutls_x509_crt_init(&crt) < 0)
			goto fail;
		if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crt);
			goto fail;
		}
		/* The list owns crt from here on. */
		if (gnutls_x509_trust_list_add_cas(tl, &crt, 1, 0) < 0) {
			gnutls_x509_crt_deinit(crt);
			goto fail;
		}
	}
	*out = tl;
	return 0;
fail:
	gnutls_x509_trust_list_deinit(tl, 1);
	return SRR_E_NOMEM;
}

void
cert_dn(gnutls_x509_crt_t crt, char *buf, size_t size)
{
	gnutls_datum_t dn = { NULL, 0 };
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0)
		snprintf(buf, size, "%.*s", (int)dn.size, (const char *)dn.data);
	else
		snprintf(buf, size, "(no subject)");
	gnutls_free(dn.data);
}

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
cert_check_usage(gnutls_x509_crt_t crt, const char **check, char *why, size_t size)
{
	unsigned ku = 0, critical;
	int err = gnutls_x509_crt_get_key_usage(crt, &ku, &critical);
	if (err == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return refuse(check, "usage", why, size,
			      "certificate has no key usage (needs digitalSignature or "
			      "nonRepudiation)");
	if (err < 0)
		return refuse(check, "usage", why, size, "certificate key usage unreadable: %s",
			      gnutls_strerror(err));
	if (!(ku & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)))
		return refuse(check, "usage", why, size,
			      "certificate key usage lacks digitalSignature and nonRepudiation");
	bool any = false, email = false;
	for (unsigned i = 0;; i++) {
		char oid[128];
		size_t n = sizeof(oid);
		err = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &n, &critical);
		if (err == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (err < 0)
			return refuse(check, "usage", why, size,
				      "certificate extended key usage unreadable: %s",
				      gnutls_strerror(err));
		any = true;
		if (strcmp(oid, GNUTLS_KP_EMAIL_PROTECTION) == 0)
			email = true;
	}
	if (any && !email)
		return refuse(check, "usage", why, size,
			      "certificate extended key usage does not include emailProtection");
	return 0;
}

static void
utc(char buf[21], time_t t)
{
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(buf, 21, "?");
}

static int
check_time(gnutls_x509_crt_t crt, const char *whose, time_t at, const char **check, char *why,
	   size_t size)
{
	time_t from = gnutls_x509_crt_get_activation_time(crt);
	time_t until = gnutls_x509_crt_get_expiration_time(crt);
	char a[21], b[21], t[21];
	utc(a, from);
	utc(b, until);
	utc(t, at);
	if (from == (time_t)-1 || until == (time_t)-1)
		return refuse(check, "validity", why, size, "%s validity is unreadable", whose);
	if (at < from)
		return refuse(check, "validity", why, size,
			      "%s was not yet valid at %s (valid from %s)", whose, t, a);
	if (at > until)
		return refuse(check, "validity", why, size,
			      "%s had expired at %s (valid until %s)", whose, t, b);
	return 0;
}

int
cert_check_chain(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt, const char **check, char *why,
		 size_t size)
{
	/* Times are checked against the signing time (cert_check_validity),
	 * not the clock: a signature stays good after its certificate expires. */
	unsigned status = 0;
	int err = gnutls_x509_trust_list_verify_crt2(
		tl, &crt, 1, NULL, 0,
		GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
		&status, NULL);
	if (err < 0)
		return refuse(check, "chain", why, size, "chain check failed: %s",
			      gnutls_strerror(err));
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		return refuse(check, "chain", why, size,
			      "certificate is not issued by a trust anchor");
	if (status) {
		gnutls_datum_t out = { NULL, 0 };
		gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
		refuse(check, "chain", why, size, "certificate does not chain to a trust anchor: %s",
		       out.data ? (const char *)out.data : "rejected");
		gnutls_free(out.data);
		return 1;
	}
	return 0;
}

int
cert_check_validity(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt, time_t at,
		    const char **check, char *why, size_t size)
{
	if (check_time(crt, "certificate", at, check, why, size))
		return 1;
	gnutls_x509_crt_t issuer = NULL;
	if (gnutls_x509_trust_list_get_issuer(tl, crt, &issuer, 0) >= 0 && issuer &&
	    !gnutls_x509_crt_equals(issuer, crt))
		return check_time(issuer, "its issuing trust anchor", at, check, why, size);
	return 0;
}
