/* SPDX-License-Identifier: MIT */
/*
 * Signing keys on a real SoftHSM2 token that token-fixture.sh makes for
 * this run: signatures read back with GnuTLS and verified with the real
 * openssl, a wrong PIN asked for once and never again, and each way of
 * failing to open a key with its own error.
 */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test-common.h"
#include "token-common.h"

#define RECORD "srr-record/1\ntype risk-acceptance\nrisk R-7\nresidual-level medium\n"

static struct srr_register *
context(void)
{
	struct srr_register *reg = NULL;
	ck_assert_int_eq(srr_register_new(&reg), 0);
	return reg;
}

static struct srr_token *
open_ok(struct srr_register *reg, const char *uri, const char *module, struct answer *a)
{
	struct srr_token *tok = NULL;
	int rc = srr_token_open(&tok, reg, uri, module, answer_pin, a);
	ck_assert_msg(rc == 0, "open %s: %s", uri, srr_errmsg(reg));
	ck_assert_ptr_nonnull(tok);
	return tok;
}

/* Open that must fail with code; returns the message. */
static const char *
open_fails(struct srr_register *reg, const char *uri, const char *module, struct answer *a,
	   int code)
{
	struct srr_token *tok = (struct srr_token *)&tok; /* must be reset */
	int rc = srr_token_open(&tok, reg, uri, module, answer_pin, a);
	ck_assert_msg(rc == code, "open %s: got %d (%s), want %d", uri, rc, srr_errmsg(reg), code);
	ck_assert_ptr_null(tok);
	const char *m = srr_errmsg(reg);
	ck_assert_msg(*m != '\0', "no error message");
	for (const char *p = m; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20, "control character in '%s'", m);
	return m;
}

#define assert_has(msg, what)                                                                      \
	ck_assert_msg(strstr((msg), (what)) != NULL, "'%s' does not say '%s'", (msg), (what))
#define assert_lacks(msg, what)                                                                    \
	ck_assert_msg(strstr((msg), (what)) == NULL, "'%s' says '%s'", (msg), (what))

/* A fresh directory for one test's files, inside the fixture (removed
 * with it by main, also when Check forks). */
static const char *
workdir(void)
{
	static char dir[1200];
	snprintf(dir, sizeof(dir), "%s/run-XXXXXX", fx.dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The real openssl, as an auditor runs it; true if it says Verification
 * successful. */
static bool
openssl_verifies(const char *p7s, const char *rec)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "openssl cms -verify -binary -inform DER -in '%s' -content '%s' -CAfile '%s' "
		 "-out /dev/null 2>/dev/null",
		 p7s, rec, fx.ca);
	int st = system(cmd);
	ck_assert_msg(st != -1 && WIFEXITED(st), "cannot run openssl");
	return WEXITSTATUS(st) == 0;
}

static void
sign_ok(struct srr_register *reg, struct srr_token *tok, unsigned char **p7s, size_t *len)
{
	int rc = srr_token_sign(tok, p7s, len, RECORD, strlen(RECORD));
	ck_assert_msg(rc == 0, "sign: %s", srr_errmsg(reg));
	ck_assert_ptr_nonnull(*p7s);
	ck_assert_uint_gt(*len, 0);
}

/* Sign with tok, then check the .p7s with openssl against the record,
 * and that one changed byte of the record fails. */
static void
assert_openssl_interop(struct srr_register *reg, struct srr_token *tok)
{
	unsigned char *p7s = NULL;
	size_t len = 0;
	sign_ok(reg, tok, &p7s, &len);

	const char *dir = workdir();
	char p7s_path[1300], rec_path[1300], bad_path[1300];
	snprintf(p7s_path, sizeof(p7s_path), "%s/A-1.p7s", dir);
	snprintf(rec_path, sizeof(rec_path), "%s/A-1.rec", dir);
	snprintf(bad_path, sizeof(bad_path), "%s/A-1-changed.rec", dir);
	write_bytes(p7s_path, p7s, len);
	write_bytes(rec_path, RECORD, strlen(RECORD));
	char changed[] = RECORD;
	changed[strlen(changed) - 2] ^= 0x01; /* "medium" -> "mediul" */
	write_bytes(bad_path, changed, strlen(changed));
	free(p7s);

	ck_assert_msg(openssl_verifies(p7s_path, rec_path), "openssl cms -verify failed");
	ck_assert_msg(!openssl_verifies(p7s_path, bad_path), "openssl verified a changed record");
}

START_TEST(sign_verifies_with_openssl)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	struct srr_token *tok = open_ok(reg, fx.key_uri, fx.module, &a);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_str_eq(a.label, fx.token);
	ck_assert_uint_eq(a.flags, 0);

	assert_openssl_interop(reg, tok);
	/* One login serves every signature of the open key. */
	assert_openssl_interop(reg, tok);
	ck_assert_int_eq(a.calls, 1);

	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(sign_rsa_verifies_with_openssl)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	struct srr_token *tok = open_ok(reg, fx.rsa_uri, fx.module, &a);
	assert_openssl_interop(reg, tok);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

static void
read_der_cert(const char *pem_path, gnutls_datum_t *der)
{
	gnutls_datum_t pem = { NULL, 0 };
	gnutls_x509_crt_t crt;
	ck_assert_int_eq(gnutls_load_file(pem_path, &pem), 0);
	ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
	ck_assert_int_eq(gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM), 0);
	ck_assert_int_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der), 0);
	gnutls_x509_crt_deinit(crt);
	gnutls_free(pem.data);
}

START_TEST(signature_has_time_and_certificate)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	struct srr_token *tok = open_ok(reg, fx.key_uri, fx.module, &a);

	/* The certificate is the one the fixture wrote next to the key. */
	const unsigned char *der = NULL;
	size_t der_len = 0;
	ck_assert_int_eq(srr_token_certificate(tok, &der, &der_len), 0);
	gnutls_datum_t want = { NULL, 0 };
	read_der_cert(fx.cert, &want);
	ck_assert_uint_eq(der_len, want.size);
	ck_assert_mem_eq(der, want.data, want.size);
	gnutls_free(want.data);

	unsigned char *p7s = NULL;
	size_t len = 0;
	time_t before = time(NULL);
	sign_ok(reg, tok, &p7s, &len);
	time_t after = time(NULL);

	gnutls_pkcs7_t p7;
	gnutls_datum_t in = { p7s, (unsigned)len };
	ck_assert_int_eq(gnutls_pkcs7_init(&p7), 0);
	ck_assert_int_eq(gnutls_pkcs7_import(p7, &in, GNUTLS_X509_FMT_DER), 0);

	gnutls_pkcs7_signature_info_st info;
	ck_assert_int_eq(gnutls_pkcs7_get_signature_count(p7), 1);
	ck_assert_int_eq(gnutls_pkcs7_get_signature_info(p7, 0, &info), 0);
	/* signingTime has whole seconds */
	ck_assert_int_ge(info.signing_time, before - 1);
	ck_assert_int_le(info.signing_time, after);
	ck_assert_int_eq(info.algo, GNUTLS_SIGN_ECDSA_SHA256);
	gnutls_pkcs7_signature_info_deinit(&info);

	ck_assert_int_eq(gnutls_pkcs7_get_crt_count(p7), 1);
	gnutls_datum_t raw = { NULL, 0 };
	ck_assert_int_eq(gnutls_pkcs7_get_crt_raw2(p7, 0, &raw), 0);
	ck_assert_uint_eq(raw.size, der_len);
	ck_assert_mem_eq(raw.data, der, der_len);
	gnutls_free(raw.data);

	/* Detached: the record is not inside, and the signature covers it. */
	gnutls_datum_t embedded = { NULL, 0 };
	ck_assert_int_lt(gnutls_pkcs7_get_embedded_data(p7, 0, &embedded), 0);
	gnutls_x509_crt_t signer;
	gnutls_datum_t der_d = { (unsigned char *)der, (unsigned)der_len };
	ck_assert_int_eq(gnutls_x509_crt_init(&signer), 0);
	ck_assert_int_eq(gnutls_x509_crt_import(signer, &der_d, GNUTLS_X509_FMT_DER), 0);
	gnutls_datum_t data = { (unsigned char *)RECORD, (unsigned)strlen(RECORD) };
	ck_assert_int_eq(gnutls_pkcs7_verify_direct(p7, signer, 0, &data, 0), 0);
	gnutls_datum_t other = { (unsigned char *)RECORD, (unsigned)strlen(RECORD) - 1 };
	ck_assert_int_lt(gnutls_pkcs7_verify_direct(p7, signer, 0, &other, 0), 0);
	gnutls_x509_crt_deinit(signer);

	gnutls_pkcs7_deinit(p7);
	free(p7s);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(key_by_id)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	char uri[512];
	snprintf(uri, sizeof(uri), "pkcs11:token=%s;id=%%01;type=private", fx.token);
	struct srr_token *tok = open_ok(reg, uri, fx.module, &a);
	const unsigned char *der = NULL;
	size_t der_len = 0;
	ck_assert_int_eq(srr_token_certificate(tok, &der, &der_len), 0);
	gnutls_datum_t want = { NULL, 0 };
	read_der_cert(fx.cert, &want);
	ck_assert_uint_eq(der_len, want.size);
	ck_assert_mem_eq(der, want.data, want.size);
	gnutls_free(want.data);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(wrong_pin_asked_once)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = "97531" };
	const char *m = open_fails(reg, fx.key_uri, fx.module, &a, SRR_E_PIN);
	/* GnuTLS asks again after a wrong PIN; srr must not pass that on. */
	ck_assert_int_eq(a.calls, 1);
	assert_has(m, "wrong PIN");
	assert_has(m, fx.token);
	assert_lacks(m, "97531");

	/* Nothing stays behind: the right PIN opens the key. */
	struct answer right = { .pin = fx.pin };
	struct srr_token *tok = open_ok(reg, fx.key_uri, fx.module, &right);
	ck_assert_int_eq(right.calls, 1);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(no_pin_given)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = NULL };
	const char *m = open_fails(reg, fx.key_uri, fx.module, &a, SRR_E_PIN);
	ck_assert_int_eq(a.calls, 1);
	assert_has(m, "no PIN given");

	struct answer empty = { .pin = "" };
	m = open_fails(reg, fx.key_uri, fx.module, &empty, SRR_E_PIN);
	ck_assert_int_eq(empty.calls, 1);
	assert_has(m, "no PIN given");

	/* Without a callback a token that needs a login cannot be used. */
	struct srr_token *tok = NULL;
	ck_assert_int_eq(srr_token_open(&tok, reg, fx.key_uri, fx.module, NULL, NULL), SRR_E_PIN);
	ck_assert_ptr_null(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(missing_token)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	const char *m = open_fails(reg, "pkcs11:token=no-such-token;object=approver;type=private",
				   fx.module, &a, SRR_E_TOKEN);
	ck_assert_int_eq(a.calls, 0);
	assert_has(m, "no PKCS#11 token");
	assert_has(m, "no-such-token");
	/* ... and which tokens there are */
	assert_has(m, fx.token);
	srr_register_free(reg);
}
END_TEST

/* GnuTLS would take the first token a URI matches; srr wants one. */
START_TEST(ambiguous_token)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	const char *m =
		open_fails(reg, "pkcs11:object=approver;type=private", fx.module, &a, SRR_E_TOKEN);
	ck_assert_int_eq(a.calls, 0);
	assert_has(m, "matches 2 tokens");
	assert_has(m, "srr-other");
	assert_has(m, "token=LABEL");
	srr_register_free(reg);
}
END_TEST

START_TEST(missing_key)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	char uri[512];
	snprintf(uri, sizeof(uri), "pkcs11:token=%s;object=no-such-key;type=private", fx.token);
	const char *m = open_fails(reg, uri, fx.module, &a, SRR_E_TOKEN);
	assert_has(m, "no private key");
	assert_has(m, "no-such-key");
	srr_register_free(reg);
}
END_TEST

START_TEST(key_without_certificate)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	const char *m = open_fails(reg, fx.nocert_uri, fx.module, &a, SRR_E_TOKEN);
	assert_has(m, "no certificate");
	assert_has(m, "object=nocert");
	assert_lacks(m, "no private key");
	srr_register_free(reg);
}
END_TEST

START_TEST(module_missing)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	const char *m =
		open_fails(reg, fx.key_uri, "/nonexistent/libnosuchpkcs11.so", &a, SRR_E_TOKEN);
	ck_assert_int_eq(a.calls, 0);
	assert_has(m, "cannot load PKCS#11 module");
	assert_has(m, "/nonexistent/libnosuchpkcs11.so");
	assert_has(m, "No such file");
	srr_register_free(reg);
}
END_TEST

START_TEST(bad_uris)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	const char *m = open_fails(reg, "approver.pem", fx.module, &a, SRR_E_INPUT);
	assert_has(m, "not a PKCS#11 URI");

	char uri[512];
	snprintf(uri, sizeof(uri), "pkcs11:token=%s", fx.token);
	m = open_fails(reg, uri, fx.module, &a, SRR_E_INPUT);
	assert_has(m, "names no key");

	/* A PIN in the URI would come from argv: refused, and not repeated. */
	snprintf(uri, sizeof(uri), "%s?pin-value=%s", fx.key_uri, fx.pin);
	m = open_fails(reg, uri, fx.module, &a, SRR_E_INPUT);
	assert_has(m, "carries a PIN");
	assert_lacks(m, "pin-value=");
	snprintf(uri, sizeof(uri), "%s?pin-source=file:/dev/null", fx.key_uri);
	m = open_fails(reg, uri, fx.module, &a, SRR_E_INPUT);
	assert_has(m, "carries a PIN");
	ck_assert_int_eq(a.calls, 0);

	ck_assert_int_eq(srr_token_open((struct srr_token *[]){ NULL }, reg, "", NULL, NULL, NULL),
			 SRR_E_INPUT);
	srr_register_free(reg);
}
END_TEST

/* Without a module srr takes p11-kit's registered modules, SoftHSM2's
 * among them where its package registers it (Debian does). */
START_TEST(registered_modules)
{
	if (access("/usr/share/p11-kit/modules/softhsm2.module", R_OK) != 0) {
		fprintf(stderr, "softhsm2 is not registered with p11-kit: not checked\n");
		return;
	}
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin };
	struct srr_token *tok = open_ok(reg, fx.key_uri, NULL, &a);
	ck_assert_int_eq(a.calls, 1);
	assert_openssl_interop(reg, tok);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

/* Two keys open at once share the loaded module; closing one leaves the
 * other usable. */
START_TEST(two_keys_open)
{
	struct srr_register *reg = context();
	struct answer a = { .pin = fx.pin }, b = { .pin = fx.pin };
	struct srr_token *ec = open_ok(reg, fx.key_uri, fx.module, &a);
	struct srr_token *rsa = open_ok(reg, fx.rsa_uri, fx.module, &b);
	srr_token_free(ec);
	assert_openssl_interop(reg, rsa);
	srr_token_free(rsa);
	srr_token_free(NULL);
	srr_register_free(reg);
}
END_TEST

static Suite *
token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");
	/* A token, certtool and openssl per test: more than Check's 4 s
	 * under valgrind. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sign_verifies_with_openssl);
	tcase_add_test(tc, sign_rsa_verifies_with_openssl);
	tcase_add_test(tc, signature_has_time_and_certificate);
	tcase_add_test(tc, key_by_id);
	tcase_add_test(tc, wrong_pin_asked_once);
	tcase_add_test(tc, no_pin_given);
	tcase_add_test(tc, missing_token);
	tcase_add_test(tc, ambiguous_token);
	tcase_add_test(tc, missing_key);
	tcase_add_test(tc, key_without_certificate);
	tcase_add_test(tc, module_missing);
	tcase_add_test(tc, bad_uris);
	tcase_add_test(tc, registered_modules);
	tcase_add_test(tc, two_keys_open);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return token_test_main(token_suite);
}
