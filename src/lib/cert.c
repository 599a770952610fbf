/* SPDX-License-Identifier: MIT */
/*
 * Certificates: loading PEM/DER files through GnuTLS, and the register's
 * certificate table (keyed by SHA-256 of the DER).
 */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
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
