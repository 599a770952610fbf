/* SPDX-License-Identifier: MIT */
/*
 * Certificate revocation lists (src/lib/crl.c) on the fixed vectors in
 * tests/data/crl/: a CA, a certificate it revoked at 2026-06-01T12:00:00Z
 * (serial 2) and one it did not (serial 3), its CRL in PEM and DER, a CRL
 * of another CA, and a forged CRL: the CA's name, another key, listing the
 * certificate the real CA kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"

#include "lib/cert-private.h"
#include "lib/crl-private.h"
#include "lib/register-private.h"

#define REVOKED_AT 1780315200 /* 2026-06-01T12:00:00Z */

static char *
vector(const char *name)
{
	static char path[4][4096];
	static unsigned next;
	const char *base = getenv("SRR_TEST_DATA");
	ck_assert_msg(base && *base, "SRR_TEST_DATA is not set");
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/crl/%s", base, name);
	return p;
}

/* SQL on the register's own connection, as someone with the file would. */
static void
exec(struct srr_register *reg, const char *sql)
{
	char *msg = NULL;
	ck_assert_msg(sqlite3_exec(reg->db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql,
		      msg);
}

static gnutls_x509_crt_t
crt_from(const char *name)
{
	gnutls_datum_t d;
	gnutls_x509_crt_t crt;
	ck_assert_int_ge(gnutls_load_file(vector(name), &d), 0);
	ck_assert_int_ge(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_ge(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	gnutls_free(d.data);
	return crt;
}

/* The trust list of the test CA, and its certificate list. */
static gnutls_x509_trust_list_t
anchors(struct srr_register *reg, struct cert_list *cl)
{
	gnutls_x509_trust_list_t tl;
	ck_assert_int_eq(cert_load_file(reg, cl, vector("ca.pem"), "anchor"), 0);
	ck_assert_int_eq(cert_trust_new(&tl, cl), 0);
	return tl;
}

START_TEST(load_pem_and_der)
{
	struct srr_register *reg = test_register_new();
	struct crl_list pem = { 0 }, der = { 0 };
	ck_assert_int_eq(crl_load_file(reg, &pem, vector("crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_load_file(reg, &der, vector("crl.der"), "crl"), 0);
	ck_assert_uint_eq(pem.n, 1);
	ck_assert_uint_eq(der.n, 1);
	/* Named by the SHA-256 of the DER, whichever way it came. */
	ck_assert_str_eq(pem.v[0].sha256, der.v[0].sha256);
	ck_assert_str_eq(pem.v[0].issuer, "CN=srr CRL test CA");
	size_t len;
	char *bytes = test_read_file(vector("crl.der"), &len);
	ck_assert_uint_eq(pem.v[0].der_len, len);
	ck_assert_mem_eq(pem.v[0].der, bytes, len);
	free(bytes);

	/* Not a CRL: a certificate, junk, nothing. */
	struct crl_list bad = { 0 };
	ck_assert_int_eq(crl_load_file(reg, &bad, vector("ca.pem"), "crl"), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "holds no certificate revocation list");
	test_write_file(test_path("junk.pem"), "-----BEGIN X509 CRL-----\nnope\n-----END X509 CRL-----\n");
	ck_assert_int_eq(crl_load_file(reg, &bad, test_path("junk.pem"), "crl"), SRR_E_INPUT);
	ck_assert_int_eq(crl_load_file(reg, &bad, test_path("missing.pem"), "crl"), SRR_E_IO);
	test_assert_errmsg_has(reg, "missing.pem");
	ck_assert_uint_eq(bad.n, 0);
	crl_list_release(&pem);
	crl_list_release(&der);
	crl_list_release(&bad);
	srr_register_free(reg);
}
END_TEST

START_TEST(issuer_must_be_an_anchor)
{
	struct srr_register *reg = test_register_new();
	struct cert_list cl = { 0 };
	ck_assert_int_eq(cert_load_file(reg, &cl, vector("ca.pem"), "anchor"), 0);
	struct crl_list l = { 0 };
	ck_assert_int_eq(crl_load_file(reg, &l, vector("crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_load_file(reg, &l, vector("other-crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_load_file(reg, &l, vector("forged-crl.pem"), "crl"), 0);
	char why[320];
	ck_assert_int_eq(crl_check_issuer(&cl, &l.v[0], why, sizeof(why)), 0);
	ck_assert_int_eq(crl_check_issuer(&cl, &l.v[1], why, sizeof(why)), 1);
	ck_assert_str_eq(why, "revocation list of CN=srr CRL other CA is not signed by a trust "
			      "anchor of the policy");
	/* The anchor's name is not enough: its key must have signed. */
	ck_assert_int_eq(crl_check_issuer(&cl, &l.v[2], why, sizeof(why)), 1);
	/* No anchors at all. */
	struct cert_list none = { 0 };
	ck_assert_int_eq(crl_check_issuer(&none, &l.v[0], why, sizeof(why)), 1);
	crl_list_release(&l);
	cert_list_release(&cl);
	srr_register_free(reg);
}
END_TEST

START_TEST(revoked_from_its_time)
{
	struct srr_register *reg = test_register_new();
	struct cert_list cl = { 0 };
	gnutls_x509_trust_list_t tl = anchors(reg, &cl);
	struct crl_list l = { 0 };
	ck_assert_int_eq(crl_load_file(reg, &l, vector("crl.pem"), "crl"), 0);
	gnutls_x509_crt_t revoked = crt_from("revoked.pem"), kept = crt_from("kept.pem");

	time_t at = 0;
	ck_assert_int_eq(crl_revoked_at(&l, tl, revoked, &at), 1);
	ck_assert_int_eq((long long)at, REVOKED_AT);
	ck_assert_int_eq(crl_revoked_at(&l, tl, kept, &at), 0);

	const char *check = NULL;
	char why[320];
	/* Before the revocation time: good. At it and after: refused. */
	ck_assert_int_eq(crl_check(&l, tl, revoked, REVOKED_AT - 1, &check, why, sizeof(why)), 0);
	ck_assert_ptr_null(check);
	ck_assert_int_eq(crl_check(&l, tl, revoked, REVOKED_AT, &check, why, sizeof(why)), 1);
	ck_assert_str_eq(check, "revocation");
	ck_assert_str_eq(why, "certificate was revoked at 2026-06-01T12:00:00Z, and this was "
			      "signed at 2026-06-01T12:00:00Z");
	ck_assert_int_eq(crl_check(&l, tl, kept, REVOKED_AT + 86400, &check, why, sizeof(why)), 0);

	/* No CRL, no revocation. */
	struct crl_list empty = { 0 };
	ck_assert_int_eq(crl_revoked_at(&empty, tl, revoked, &at), 0);
	crl_list_release(&l);

	/* A CRL in the CA's name but not by its key says nothing; nor does
	 * another CA's listing the same serial. */
	ck_assert_int_eq(crl_load_file(reg, &l, vector("forged-crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_load_file(reg, &l, vector("other-crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_revoked_at(&l, tl, kept, &at), 0);
	ck_assert_int_eq(crl_revoked_at(&l, tl, revoked, &at), 0);

	gnutls_x509_crt_deinit(revoked);
	gnutls_x509_crt_deinit(kept);
	gnutls_x509_trust_list_deinit(tl, 1);
	crl_list_release(&l);
	cert_list_release(&cl);
	srr_register_free(reg);
}
END_TEST

START_TEST(stored_by_hash)
{
	struct srr_register *reg = test_register_new();
	struct crl_list l = { 0 }, back = { 0 };
	ck_assert_int_eq(crl_load_file(reg, &l, vector("crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_load_file(reg, &l, vector("other-crl.pem"), "crl"), 0);
	ck_assert_int_eq(crl_store(reg, &l), 0);
	ck_assert_int_eq(crl_store(reg, &l), 0); /* idempotent */
	ck_assert_int_eq(test_count_rows(reg, "crl"), 2);
	const char *names[] = { l.v[1].sha256, l.v[0].sha256 };
	ck_assert_int_eq(crl_fetch(reg, &back, names, 2), 0);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_str_eq(back.v[0].sha256, l.v[1].sha256);
	ck_assert_str_eq(back.v[1].issuer, "CN=srr CRL test CA");
	crl_list_release(&back);

	/* A row whose bytes are not what its name says is refused, even when
	 * they still parse as the same CRL (a byte appended), and so is a
	 * missing one. */
	const char *one[] = { l.v[0].sha256 };
	exec(reg, "UPDATE crl SET der = CAST(der || x'00' AS BLOB)");
	ck_assert_int_eq(test_query_int(reg, "SELECT count(*) FROM crl WHERE typeof(der) = 'blob'"),
			 2);
	ck_assert_int_eq(crl_fetch(reg, &back, one, 1), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, "does not match its SHA-256");
	exec(reg, "DELETE FROM crl");
	ck_assert_int_eq(crl_fetch(reg, &back, one, 1), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, "is missing from the register");
	crl_list_release(&back);
	crl_list_release(&l);
	srr_register_free(reg);
}
END_TEST

static Suite *
crl_suite(void)
{
	Suite *s = suite_create("crl");
	TCase *tc = tcase_create("crl");
	tcase_add_test(tc, load_pem_and_der);
	tcase_add_test(tc, issuer_must_be_an_anchor);
	tcase_add_test(tc, revoked_from_its_time);
	tcase_add_test(tc, stored_by_hash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(crl_suite());
}
