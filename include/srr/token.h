/* SPDX-License-Identifier: MIT */
#ifndef SRR_TOKEN_H
#define SRR_TOKEN_H

/**
 * @file srr/token.h
 * A signing key and its certificate on a PKCS#11 token (smartcard, HSM,
 * SoftHSM2), and detached CMS signatures made with it.
 *
 * Keys are named by RFC 7512 URIs ("pkcs11:token=...;object=...").
 * The library never prompts: the PIN comes from a callback the caller
 * supplies, is asked for at most once per login, and a wrong PIN fails at
 * once instead of being retried (a real smartcard locks after a few).
 *
 * The set of loaded PKCS#11 modules is process-wide (GnuTLS keeps it):
 * not thread-safe, like the register context.
 */

#include <stddef.h>

#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_token;

/** What the token says about the PIN it asks for (flags of srr_pin_fn). */
enum srr_pin_flag {
	SRR_PIN_COUNT_LOW = 1 << 0, /**< wrong PINs were given: few tries remain */
	SRR_PIN_FINAL_TRY = 1 << 1, /**< one more wrong PIN locks the token */
	SRR_PIN_CONTEXT = 1 << 2,   /**< the key wants the PIN again for one signature */
};

/**
 * Asked for the user PIN of the token labelled @p token_label. Write it
 * NUL-terminated into @p pin (@p pin_size bytes) and return 0, or return
 * nonzero to cancel. @p flags is a set of enum srr_pin_flag. Never called
 * again after a wrong PIN or a cancel: srr does not retry.
 */
typedef int (*srr_pin_fn)(void *userdata, const char *token_label, unsigned int flags, char *pin,
			  size_t pin_size);

/**
 * Load the private key named by the PKCS#11 URI @p uri and its certificate
 * (the certificate on the same token whose public key is the key's).
 *
 * @p module: the PKCS#11 module to load (a path) and no other (GnuTLS's
 * manual mode, which refuses p11-kit-proxy.so); NULL uses the modules
 * registered with p11-kit. The loaded modules are process-wide: while
 * other keys are open, theirs stay loaded too. @p pin is called when the
 * token needs a login. @p reg receives the error message (it need not be
 * open); it, @p pin and @p userdata must stay valid until
 * srr_token_free(), since a key may ask for its PIN again when it signs.
 *
 * @return 0; SRR_E_INPUT for a URI that is not a PKCS#11 URI, names no key
 * or carries a PIN; SRR_E_TOKEN when the module cannot be loaded, no token
 * or more than one matches, there is no private key at the URI, or the key
 * has no certificate; SRR_E_PIN for a wrong, cancelled, expired or locked
 * PIN.
 */
int srr_token_open(struct srr_token **out, struct srr_register *reg, const char *uri,
		   const char *module, srr_pin_fn pin, void *userdata);

/**
 * Sign @p data: a detached CMS (PKCS#7) SignedData in DER with SHA-256,
 * the signing time and the signer certificate, as SPEC's "Approval
 * signature" format. @p p7s is malloc'd; free it with free().
 * Errors go to the register given to srr_token_open().
 */
int srr_token_sign(struct srr_token *tok, unsigned char **p7s, size_t *p7s_len, const void *data,
		   size_t len);

/** The signer certificate (DER), borrowed: valid until srr_token_free(). */
int srr_token_certificate(const struct srr_token *tok, const unsigned char **der, size_t *len);

/** Close the key and release the module; NULL is a no-op. */
void srr_token_free(struct srr_token *tok);

#ifdef __cplusplus
}
#endif

#endif
