/* SPDX-License-Identifier: MIT */
/*
 * A signing key on a PKCS#11 token through GnuTLS: the key by RFC 7512
 * URI, its certificate found on the token by public key, a PIN callback
 * that never retries, and detached CMS signatures (SPEC "Approval
 * signature"). p11-kit only parses and matches URIs; every PKCS#11 call
 * goes through GnuTLS.
 */
#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srr/token.h"
#include "libsrr-private.h"
#include "register-private.h"

/* What happened to the PIN during one open or sign. */
enum pin_event {
	PIN_NONE,
	PIN_GIVEN,     /* the caller gave one */
	PIN_WRONG,     /* the token refused it and GnuTLS asked again */
	PIN_CANCELLED, /* the caller gave none */
};

struct srr_token {
	struct srr_register *reg; /* borrowed: errors go here */
	bool p11_ref;		  /* holds one gnutls_pkcs11_init() reference */
	gnutls_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t der; /* crt in DER */
	srr_pin_fn pin;
	void *userdata;
	enum pin_event pin_event;
	enum pin_event refused; /* PIN_WRONG or PIN_CANCELLED: never ask again */
	char label[64];		/* the token's label, for messages */
	char *uri;		/* the key's, for messages */
};

DEFINE_CLEANUP(P11KitUri, p11_kit_uri_free)
DEFINE_CLEANUP(struct gnutls_pubkey_st, gnutls_pubkey_deinit)
DEFINE_CLEANUP(struct gnutls_pkcs7_int, gnutls_pkcs7_deinit)

static void
cleanup_gnutls_freep(void *p)
{
	gnutls_free(*(void **)p);
}
#define _cleanup_gnutls_free_ _cleanup_(cleanup_gnutls_freep)

/*
 * GnuTLS calls this when the token needs a login, and calls it again
 * (GNUTLS_PIN_WRONG) after the token refused the PIN. Each wrong PIN
 * costs one of the few tries a smartcard allows before it locks, so the
 * second call fails instead of asking, and the key never asks again.
 */
static int
pin_cb(void *data, int attempt, const char *token_url, const char *token_label, unsigned int flags,
       char *pin, size_t pin_max)
{
	struct srr_token *tok = data;

	if (token_label && *token_label)
		snprintf(tok->label, sizeof(tok->label), "%s", token_label);
	if (attempt > 0 || (flags & GNUTLS_PIN_WRONG))
		tok->refused = PIN_WRONG;
	/* srr only logs in as the user; a request for the SO PIN is not ours
	 * to answer. */
	else if (!tok->pin || (flags & GNUTLS_PIN_SO))
		tok->refused = PIN_CANCELLED;
	if (tok->refused != PIN_NONE) {
		tok->pin_event = tok->refused;
		return GNUTLS_E_PKCS11_PIN_ERROR;
	}
	unsigned f = 0;
	if (flags & GNUTLS_PIN_COUNT_LOW)
		f |= SRR_PIN_COUNT_LOW;
	if (flags & GNUTLS_PIN_FINAL_TRY)
		f |= SRR_PIN_FINAL_TRY;
	if (flags & GNUTLS_PIN_CONTEXT_SPECIFIC)
		f |= SRR_PIN_CONTEXT;
	/* The PIN goes straight into GnuTLS's buffer, so srr holds no copy
	 * of its own; a refused answer is wiped before GnuTLS sees it. */
	int rc = tok->pin(tok->userdata, tok->label, f, pin, pin_max);
	if (rc != 0 || !memchr(pin, '\0', pin_max) || pin[0] == '\0') {
		gnutls_memset(pin, 0, pin_max);
		tok->pin_event = tok->refused = PIN_CANCELLED;
		return GNUTLS_E_PKCS11_PIN_ERROR;
	}
	tok->pin_event = PIN_GIVEN;
	return 0;
}

/* A locked PIN has its own message, apart from a wrong one: trying
 * again will not help (on a TPM not even the right PIN), someone must
 * unlock the token. Said the same whether the token's flags show it
 * before login or the login itself is refused (CKR_PIN_LOCKED). */
static int
pin_locked(struct srr_token *tok)
{
	return reg_error(tok->reg, SRR_E_PIN,
			 "token '%s': PIN is locked after too many wrong PINs: it must be "
			 "unlocked before it signs again",
			 tok->label);
}

/* A GnuTLS failure of an operation that may have logged in. */
static int
token_error(struct srr_token *tok, int err, const char *what, const char *uri)
{
	const char *l = tok->label;
	if (tok->pin_event == PIN_WRONG)
		return reg_error(
			tok->reg, SRR_E_PIN,
			"token '%s': wrong PIN (not retried: tokens lock after a few wrong PINs)",
			l);
	if (tok->pin_event == PIN_CANCELLED)
		return reg_error(tok->reg, SRR_E_PIN, "token '%s': no PIN given", l);
	switch (err) {
	case GNUTLS_E_PKCS11_PIN_LOCKED:
		return pin_locked(tok);
	case GNUTLS_E_PKCS11_PIN_EXPIRED:
		return reg_error(tok->reg, SRR_E_PIN, "token '%s': PIN has expired", l);
	case GNUTLS_E_PKCS11_PIN_ERROR:
		/* CKR_PIN_INVALID or CKR_PIN_LEN_RANGE: not a wrong PIN, one the
		 * token cannot take. */
		return reg_error(tok->reg, SRR_E_PIN, "token '%s': PIN refused: %s", l,
				 gnutls_strerror(err));
	case GNUTLS_E_MEMORY_ERROR:
		return reg_error(tok->reg, SRR_E_NOMEM, "%s: out of memory", what);
	}
	return reg_error(tok->reg, SRR_E_TOKEN, "%s %s: %s", what, uri, gnutls_strerror(err));
}

static int
load_module(struct srr_token *tok, const char *module)
{
	/* Manual mode loads only the module asked for. GnuTLS counts
	 * gnutls_pkcs11_init() calls: each open holds one reference and
	 * srr_token_free() drops it. */
	int err = gnutls_pkcs11_init(module ? GNUTLS_PKCS11_FLAG_MANUAL : GNUTLS_PKCS11_FLAG_AUTO,
				     NULL);
	if (err < 0)
		return reg_error(tok->reg, SRR_E_TOKEN, "cannot initialise PKCS#11: %s",
				 gnutls_strerror(err));
	tok->p11_ref = true;
	if (!module)
		return 0;
	/* GnuTLS says "initialization error" for a file that is not there. */
	if (strchr(module, '/') && access(module, R_OK) != 0)
		return reg_error(tok->reg, SRR_E_TOKEN, "cannot load PKCS#11 module %s: %s", module,
				 strerror(errno));
	err = gnutls_pkcs11_add_provider(module, NULL);
	if (err >= 0)
		return 0;
	if (strstr(module, "p11-kit-proxy"))
		return reg_error(tok->reg, SRR_E_TOKEN,
				 "cannot load PKCS#11 module %s: %s (leave out the module to use "
				 "p11-kit's registered modules)",
				 module, gnutls_strerror(err));
	return reg_error(tok->reg, SRR_E_TOKEN, "cannot load PKCS#11 module %s: %s", module,
			 gnutls_strerror(err));
}

/* Append a token label to the "found: ..." list of an error message. */
static void
list_label(char *buf, size_t size, const unsigned char *label, size_t max)
{
	size_t n = strlen(buf);
	if (n + 8 >= size)
		return;
	snprintf(buf + n, size - n, "%s'%.*s'", n ? ", " : "",
		 (int)p11_kit_space_strlen(label, max), (const char *)label);
}

/*
 * The one token the URI matches: its label for messages and its flags,
 * so that a locked PIN is reported without asking for it. GnuTLS would
 * take the first of several matches (p11-kit's trust module often comes
 * first), so a URI matching more than one is refused. Without a match the
 * error names the tokens there are.
 */
static int
find_token(struct srr_token *tok, P11KitUri *want, const char *uri, unsigned *flags)
{
	char seen[256] = "", matched[256] = "";
	unsigned n = 0;
	for (unsigned seq = 0;; seq++) {
		_cleanup_gnutls_free_ char *url = NULL;
		int err = gnutls_pkcs11_token_get_url(seq, GNUTLS_PKCS11_URL_LIB_VERSION, &url);
		if (err == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (err < 0)
			return reg_error(tok->reg, SRR_E_TOKEN, "cannot list PKCS#11 tokens: %s",
					 gnutls_strerror(err));
		_cleanup_(cleanup_p11_kit_uri_freep) P11KitUri *have = p11_kit_uri_new();
		if (!have)
			return reg_error(tok->reg, SRR_E_NOMEM, "out of memory");
		if (p11_kit_uri_parse(url, P11_KIT_URI_FOR_ANY, have) != P11_KIT_URI_OK)
			continue;
		CK_TOKEN_INFO *ti = p11_kit_uri_get_token_info(have);
		list_label(seen, sizeof(seen), ti->label, sizeof(ti->label));
		if (!p11_kit_uri_match_token_info(want, ti) ||
		    !p11_kit_uri_match_module_info(want, p11_kit_uri_get_module_info(have)))
			continue;
		list_label(matched, sizeof(matched), ti->label, sizeof(ti->label));
		if (n++ > 0)
			continue;
		snprintf(tok->label, sizeof(tok->label), "%.*s",
			 (int)p11_kit_space_strlen(ti->label, sizeof(ti->label)),
			 (const char *)ti->label);
		err = gnutls_pkcs11_token_get_flags(url, flags);
		if (err < 0)
			return reg_error(tok->reg, SRR_E_TOKEN, "token '%s': %s", tok->label,
					 gnutls_strerror(err));
	}
	if (n == 0)
		return reg_error(tok->reg, SRR_E_TOKEN, "no PKCS#11 token matches %s (%s%s)", uri,
				 seen[0] ? "found: " : "no tokens found", seen);
	if (n > 1)
		return reg_error(tok->reg, SRR_E_TOKEN,
				 "%s matches %u tokens (%s): name one with token=LABEL or serial=",
				 uri, n, matched);
	return 0;
}

/* Refuse what GnuTLS would take but srr must not: a PIN in the URI
 * (it would come from argv or a log) and a URI naming no key. */
static int
check_uri(struct srr_token *tok, P11KitUri *u, const char *uri)
{
	int r = p11_kit_uri_parse(uri, P11_KIT_URI_FOR_ANY, u);
	if (r != P11_KIT_URI_OK)
		return reg_error(tok->reg, SRR_E_INPUT,
				 "key %s is not a PKCS#11 URI (RFC 7512): %s",
				 strstr(uri, "pin-") ? "URI" : uri, p11_kit_uri_message(r));
	if (p11_kit_uri_get_pin_value(u) || p11_kit_uri_get_pin_source(u))
		return reg_error(tok->reg, SRR_E_INPUT,
				 "key URI carries a PIN (pin-value or pin-source): refused, the "
				 "PIN is asked for");
	if (!p11_kit_uri_get_attribute(u, CKA_ID) && !p11_kit_uri_get_attribute(u, CKA_LABEL))
		return reg_error(tok->reg, SRR_E_INPUT,
				 "key URI %s names no key: add object=LABEL or id=ID", uri);
	return 0;
}

/* Of two certificates for the key, the one valid now, else the newer. */
static bool
better(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	time_t now = time(NULL);
	time_t a_from = gnutls_x509_crt_get_activation_time(a);
	time_t b_from = gnutls_x509_crt_get_activation_time(b);
	bool a_ok = a_from <= now && now <= gnutls_x509_crt_get_expiration_time(a);
	bool b_ok = b_from <= now && now <= gnutls_x509_crt_get_expiration_time(b);
	if (a_ok != b_ok)
		return a_ok;
	return a_from > b_from;
}

static int
key_id(struct srr_token *tok, unsigned char *id, size_t *len, const char *uri)
{
	_cleanup_(cleanup_gnutls_pubkey_deinitp) gnutls_pubkey_t pub = NULL;
	int err = gnutls_pubkey_init(&pub);
	if (err >= 0)
		err = gnutls_pubkey_import_privkey(pub, tok->key, 0, 0);
	if (err >= 0)
		err = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, id, len);
	if (err < 0)
		return reg_error(tok->reg, SRR_E_TOKEN, "cannot read the public key of %s: %s", uri,
				 gnutls_strerror(err));
	return 0;
}

/*
 * The key's certificate: among the certificates on the matching tokens,
 * one whose public key is the key's. Matching by key rather than by label
 * or CKA_ID finds it whatever the token called it, and never pairs the
 * key with a certificate its signatures would not verify against.
 */
static int
find_certificate(struct srr_token *tok, P11KitUri *u, const char *uri)
{
	unsigned char want[64], got[64];
	size_t want_len = sizeof(want);
	int rc = key_id(tok, want, &want_len, uri);
	if (rc < 0)
		return rc;

	p11_kit_uri_clear_attributes(u);
	_cleanup_free_ char *on_token = NULL;
	if (p11_kit_uri_format(u, P11_KIT_URI_FOR_ANY, &on_token) != P11_KIT_URI_OK)
		return reg_error(tok->reg, SRR_E_NOMEM, "out of memory");
	gnutls_pkcs11_obj_t *objs = NULL;
	unsigned n = 0;
	int err =
		gnutls_pkcs11_obj_list_import_url4(&objs, &n, on_token, GNUTLS_PKCS11_OBJ_FLAG_CRT);
	if (err < 0)
		return token_error(tok, err, "cannot list the certificates for", uri);

	gnutls_x509_crt_t best = NULL;
	for (unsigned i = 0; i < n; i++) {
		gnutls_x509_crt_t crt = NULL;
		size_t got_len = sizeof(got);
		if (gnutls_x509_crt_init(&crt) >= 0 &&
		    gnutls_x509_crt_import_pkcs11(crt, objs[i]) >= 0 &&
		    gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, got, &got_len) >= 0 &&
		    got_len == want_len && memcmp(got, want, want_len) == 0 &&
		    (!best || better(crt, best))) {
			gnutls_x509_crt_deinit(best);
			best = crt;
			crt = NULL;
		}
		gnutls_x509_crt_deinit(crt);
		gnutls_pkcs11_obj_deinit(objs[i]);
	}
	gnutls_free(objs);
	if (!best)
		return reg_error(tok->reg, SRR_E_TOKEN,
				 "key %s has no certificate on token '%s' (write it to the token "
				 "next to the key)",
				 uri, tok->label);
	tok->crt = best;
	err = gnutls_x509_crt_export2(tok->crt, GNUTLS_X509_FMT_DER, &tok->der);
	if (err < 0)
		return token_error(tok, err, "cannot encode the certificate of", uri);
	return 0;
}

static int
load_key(struct srr_token *tok, const char *uri)
{
	int err = gnutls_privkey_init(&tok->key);
	if (err < 0)
		return token_error(tok, err, "cannot load", uri);
	/* On the key, not process-wide: a later sign may ask again (keys
	 * with CKA_ALWAYS_AUTHENTICATE) and must reach this token's callback. */
	gnutls_privkey_set_pin_function(tok->key, pin_cb, tok);
	tok->pin_event = PIN_NONE;
	err = gnutls_privkey_import_url(tok->key, uri, 0);
	if (err == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE && tok->pin_event != PIN_WRONG &&
	    tok->pin_event != PIN_CANCELLED)
		return reg_error(tok->reg, SRR_E_TOKEN, "no private key at %s on token '%s'", uri,
				 tok->label);
	if (err < 0)
		return token_error(tok, err, "cannot load the key", uri);
	return 0;
}

static int
open_token(struct srr_token *tok, const char *uri, const char *module)
{
	_cleanup_(cleanup_p11_kit_uri_freep) P11KitUri *u = p11_kit_uri_new();
	if (!u)
		return reg_error(tok->reg, SRR_E_NOMEM, "out of memory");
	int rc = check_uri(tok, u, uri);
	if (rc == 0)
		rc = load_module(tok, module);
	unsigned flags = 0;
	if (rc == 0)
		rc = find_token(tok, u, uri, &flags);
	if (rc == 0 && (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED))
		rc = pin_locked(tok);
	if (rc == 0)
		rc = load_key(tok, uri);
	if (rc == 0)
		rc = find_certificate(tok, u, uri);
	return rc;
}

SRR_EXPORT int
srr_token_open(struct srr_token **out, struct srr_register *reg, const char *uri,
	       const char *module, srr_pin_fn pin, void *userdata)
{
	*out = NULL;
	if (!uri || !*uri)
		return reg_error(reg, SRR_E_INPUT, "no key URI given");
	if (module && !*module)
		return reg_error(reg, SRR_E_INPUT, "empty PKCS#11 module path");
	struct srr_token *tok = calloc(1, sizeof(*tok));
	if (!tok)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	tok->reg = reg;
	tok->pin = pin;
	tok->userdata = userdata;
	snprintf(tok->label, sizeof(tok->label), "?");
	tok->uri = strdup(uri);
	if (!tok->uri) {
		free(tok);
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	int rc = open_token(tok, uri, module);
	if (rc < 0) {
		srr_token_free(tok);
		return rc;
	}
	*out = tok;
	return 0;
}

/*
 * A signature refused after the key was found. SoftHSM2 answers
 * CKR_OBJECT_HANDLE_INVALID when the key's object (or the token's
 * directory) went away after the open; a smartcard pulled out gives a
 * device, session or token error. GnuTLS's text for these ("PKCS #11
 * error in data") does not say that, so the message does.
 */
static int
sign_error(struct srr_token *tok, int err)
{
	switch (err) {
	case GNUTLS_E_PKCS11_DATA_ERROR:
	case GNUTLS_E_PKCS11_KEY_ERROR:
	case GNUTLS_E_PKCS11_DEVICE_ERROR:
	case GNUTLS_E_PKCS11_SESSION_ERROR:
	case GNUTLS_E_PKCS11_TOKEN_ERROR:
	case GNUTLS_E_PKCS11_SLOT_ERROR:
		if (tok->pin_event != PIN_WRONG && tok->pin_event != PIN_CANCELLED)
			return reg_error(tok->reg, SRR_E_TOKEN,
					 "token '%s': cannot sign with key %s: %s (was the key "
					 "deleted or the token removed?)",
					 tok->label, tok->uri, gnutls_strerror(err));
	}
	return token_error(tok, err, "cannot sign with key", tok->uri);
}

SRR_EXPORT int
srr_token_sign(struct srr_token *tok, unsigned char **p7s, size_t *p7s_len, const void *data,
	       size_t len)
{
	*p7s = NULL;
	*p7s_len = 0;
	if (len > UINT_MAX)
		return reg_error(tok->reg, SRR_E_INPUT, "%zu bytes are too many to sign", len);
	_cleanup_(cleanup_gnutls_pkcs7_deinitp) gnutls_pkcs7_t p7 = NULL;
	_cleanup_gnutls_free_ unsigned char *der = NULL;
	gnutls_datum_t in = { (unsigned char *)data, (unsigned)len }, out = { NULL, 0 };
	tok->pin_event = PIN_NONE;
	int err = gnutls_pkcs7_init(&p7);
	/* No EMBED_DATA: detached, the signed bytes travel as the .rec. */
	if (err >= 0)
		err = gnutls_pkcs7_sign(p7, tok->crt, tok->key, &in, NULL, NULL, GNUTLS_DIG_SHA256,
					GNUTLS_PKCS7_INCLUDE_TIME | GNUTLS_PKCS7_INCLUDE_CERT);
	if (err >= 0)
		err = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &out);
	der = out.data;
	if (err < 0)
		return sign_error(tok, err);
	*p7s = malloc(out.size);
	if (!*p7s)
		return reg_error(tok->reg, SRR_E_NOMEM, "out of memory");
	memcpy(*p7s, out.data, out.size);
	*p7s_len = out.size;
	return 0;
}

SRR_EXPORT int
srr_token_certificate(const struct srr_token *tok, const unsigned char **der, size_t *len)
{
	*der = tok->der.data;
	*len = tok->der.size;
	return 0;
}

SRR_EXPORT void
srr_token_free(struct srr_token *tok)
{
	if (!tok)
		return;
	/* The key's session must close before the module is finalised. */
	if (tok->key)
		gnutls_privkey_deinit(tok->key);
	if (tok->crt)
		gnutls_x509_crt_deinit(tok->crt);
	gnutls_free(tok->der.data);
	free(tok->uri);
	if (tok->p11_ref)
		gnutls_pkcs11_deinit();
	free(tok);
}
