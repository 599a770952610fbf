/* SPDX-License-Identifier: MIT */
/*
 * Certificate revocation lists: loading PEM/DER files through GnuTLS, the
 * register's crl table (keyed by SHA-256 of the DER), and the one question
 * srr asks of them: since when is this certificate revoked?
 */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crl-private.h"

static void
hex(char *out, const unsigned char *md, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int
describe(struct srr_register *reg, struct crl *c, gnutls_x509_crl_t crl, const char *what,
	 const char *path)
{
	gnutls_datum_t der = { NULL, 0 }, dn = { NULL, 0 };
	unsigned char md[32];
	int err = gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &der);
	if (err >= 0)
		err = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, md);
	if (err >= 0)
		err = gnutls_x509_crl_get_issuer_dn3(crl, &dn, 0);
	if (err < 0) {
		gnutls_free(der.data);
		gnutls_free(dn.data);
		return reg_error(reg, SRR_E_INPUT, "%s: %s: %s", what, path, gnutls_strerror(err));
	}
	hex(c->sha256, md, sizeof(md));
	c->der = malloc(der.size);
	c->issuer = strndup((const char *)dn.data, dn.size);
	if (c->der)
		memcpy(c->der, der.data, der.size);
	c->der_len = der.size;
	gnutls_free(der.data);
	gnutls_free(dn.data);
	if (!c->der || !c->issuer)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	return 0;
}

static int
append(struct srr_register *reg, struct crl_list *l, gnutls_x509_crl_t *crls, unsigned n,
       const char *what, const char *path)
{
	int rc = 0;
	struct crl *v = realloc(l->v, (l->n + n) * sizeof(*v));
	if (!v)
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	else
		l->v = v;
	for (unsigned i = 0; i < n; i++) {
		if (rc == 0) {
			struct crl *c = &l->v[l->n];
			memset(c, 0, sizeof(*c));
			rc = describe(reg, c, crls[i], what, path);
			l->n++;
		}
		gnutls_x509_crl_deinit(crls[i]);
	}
	return rc;
}

int
crl_load_file(struct srr_register *reg, struct crl_list *out, const char *path, const char *what)
{
	gnutls_datum_t data;
	int err = gnutls_load_file(path, &data);
	if (err < 0)
		return reg_error(reg, SRR_E_IO, "%s: cannot read %s", what, path);
	gnutls_x509_crl_t *crls = NULL;
	unsigned n = 0;
	err = gnutls_x509_crl_list_import2(&crls, &n, &data, GNUTLS_X509_FMT_PEM, 0);
	if (err < 0 || n == 0) {
		gnutls_free(crls);
		crls = NULL;
		n = 0;
		err = gnutls_x509_crl_list_import2(&crls, &n, &data, GNUTLS_X509_FMT_DER, 0);
	}
	gnutls_free(data.data);
	if (err < 0 || n == 0) {
		gnutls_free(crls);
		return reg_error(reg, SRR_E_INPUT,
				 "%s: %s holds no certificate revocation list (PEM or DER)", what,
				 path);
	}
	int rc = append(reg, out, crls, n, what, path);
	gnutls_free(crls);
	return rc;
}

int
crl_add_der(struct srr_register *reg, struct crl_list *l, const void *der, size_t len)
{
	gnutls_x509_crl_t crl;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	if (gnutls_x509_crl_init(&crl) < 0)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int err = gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER);
	if (err < 0) {
		gnutls_x509_crl_deinit(crl);
		return reg_error(reg, SRR_E_INPUT, "not a certificate revocation list: %s",
				 gnutls_strerror(err));
	}
	return append(reg, l, &crl, 1, "revocation list", "(DER)");
}

void
crl_list_release(struct crl_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].der);
		free(l->v[i].issuer);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
crl_store(struct srr_register *reg, const struct crl_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT OR IGNORE INTO crl (sha256, der, issuer) VALUES (?1, ?2, ?3)");
		if (!st)
			return SRR_E_DB;
		const struct crl *c = &l->v[i];
		bind_text(st, 1, c->sha256);
		sqlite3_bind_blob(st, 2, c->der, (int)c->der_len, SQLITE_STATIC);
		bind_text(st, 3, c->issuer);
		if (sqlite3_step(st) != SQLITE_DONE)
			return reg_db_error(reg, "storing a revocation list");
	}
	return 0;
}

int
crl_fetch(struct srr_register *reg, struct crl_list *l, const char *const *sha256, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "SELECT der FROM crl WHERE sha256 = ?1");
		if (!st)
			return SRR_E_DB;
		bind_text(st, 1, sha256[i]);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			return reg_error(reg, SRR_E_FORMAT,
					 "revocation list %s is missing from the register", sha256[i]);
		if (s != SQLITE_ROW)
			return reg_db_error(reg, "reading a revocation list");
		const void *der = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		/* The policy names it by hash: other bytes are another CRL. */
		unsigned char md[32];
		char have[65];
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, md) < 0)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		hex(have, md, sizeof(md));
		if (strcmp(have, sha256[i]) != 0)
			return reg_error(reg, SRR_E_FORMAT,
					 "revocation list %s in the register does not match its "
					 "SHA-256",
					 sha256[i]);
		int rc = crl_add_der(reg, l, der, len);
		if (rc)
			return rc;
	}
	return 0;
}

/* The CRL's signature is good by issuer; its dates do not matter here.
 * GnuTLS marks a CRL past its next update (or not yet issued) INVALID as
 * well: with only those reasons, it is still the issuer's. */
static bool
signed_by(gnutls_x509_crl_t crl, gnutls_x509_crt_t *issuers, unsigned n)
{
	const unsigned dates = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
			       GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
	unsigned status = 0;
	if (gnutls_x509_crl_verify(crl, issuers, n, 0, &status) < 0)
		return false;
	unsigned rest = status & ~dates;
	if (status & dates)
		rest &= ~(unsigned)GNUTLS_CERT_INVALID;
	return rest == 0;
}

int
crl_check_issuer(const struct cert_list *anchors, const struct crl *c, char *why, size_t size)
{
	gnutls_x509_crl_t crl = NULL;
	gnutls_x509_crt_t *crts = calloc(anchors->n + 1, sizeof(*crts));
	gnutls_datum_t d = { c->der, (unsigned)c->der_len };
	unsigned n = 0;
	bool ok = false;
	if (crts && gnutls_x509_crl_init(&crl) >= 0 &&
	    gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER) >= 0) {
		for (size_t i = 0; i < anchors->n; i++) {
			gnutls_datum_t a = { anchors->v[i].der, (unsigned)anchors->v[i].der_len };
			if (gnutls_x509_crt_init(&crts[n]) < 0)
				break;
			if (gnutls_x509_crt_import(crts[n], &a, GNUTLS_X509_FMT_DER) < 0) {
				gnutls_x509_crt_deinit(crts[n]);
				continue;
			}
			n++;
		}
		ok = signed_by(crl, crts, n);
	}
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	free(crts);
	if (crl)
		gnutls_x509_crl_deinit(crl);
	if (ok)
		return 0;
	snprintf(why, size, "revocation list of %s is not signed by a trust anchor of the policy",
		 c->issuer);
	return 1;
}

static bool
same(const gnutls_datum_t *a, const gnutls_datum_t *b)
{
	return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

/* When crl lists the serial, the time it gives. */
static bool
lists(gnutls_x509_crl_t crl, const unsigned char *serial, size_t serial_len, time_t *at)
{
	gnutls_x509_crl_iter_t iter = NULL;
	bool found = false;
	for (;;) {
		unsigned char s[64];
		size_t n = sizeof(s);
		time_t t;
		int err = gnutls_x509_crl_iter_crt_serial(crl, &iter, s, &n, &t);
		if (err < 0) /* the end, or an entry too odd to be ours */
			break;
		if (n == serial_len && memcmp(s, serial, n) == 0 && (!found || t < *at)) {
			*at = t;
			found = true;
		}
	}
	gnutls_x509_crl_iter_deinit(iter);
	return found;
}

int
crl_revoked_at(const struct crl_list *l, gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt,
	       time_t *at)
{
	unsigned char serial[64];
	size_t serial_len = sizeof(serial);
	gnutls_datum_t want = { NULL, 0 };
	gnutls_x509_crt_t issuer = NULL; /* borrowed from tl */
	if (l->n == 0 || gnutls_x509_crt_get_serial(crt, serial, &serial_len) < 0 ||
	    gnutls_x509_crt_get_raw_issuer_dn(crt, &want) < 0)
		return 0;
	if (gnutls_x509_trust_list_get_issuer(tl, crt, &issuer, 0) < 0)
		issuer = NULL;
	bool revoked = false;
	for (size_t i = 0; issuer && i < l->n; i++) {
		gnutls_x509_crl_t crl;
		gnutls_datum_t d = { l->v[i].der, (unsigned)l->v[i].der_len }, have = { NULL, 0 };
		time_t t;
		if (gnutls_x509_crl_init(&crl) < 0)
			break;
		if (gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER) >= 0 &&
		    gnutls_x509_crl_get_raw_issuer_dn(crl, &have) >= 0 && same(&have, &want) &&
		    signed_by(crl, &issuer, 1) && lists(crl, serial, serial_len, &t) &&
		    (!revoked || t < *at)) {
			*at = t;
			revoked = true;
		}
		gnutls_free(have.data);
		gnutls_x509_crl_deinit(crl);
	}
	gnutls_free(want.data);
	return revoked;
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

void
crl_why(char *why, size_t size, time_t revoked, time_t at)
{
	char r[21], a[21];
	utc(r, revoked);
	utc(a, at);
	snprintf(why, size, "certificate was revoked at %s, and this was signed at %s", r, a);
}

int
crl_check(const struct crl_list *l, gnutls_x509_trust_list_t tl, gnutls_x509_crt_t crt,
	  time_t at, const char **check, char *why, size_t size)
{
	time_t revoked;
	if (!crl_revoked_at(l, tl, crt, &revoked) || at < revoked)
		return 0;
	*check = "revocation";
	crl_why(why, size, revoked, at);
	return 1;
}
