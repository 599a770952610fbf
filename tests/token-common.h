/* SPDX-License-Identifier: MIT */
#ifndef SRR_TOKEN_COMMON_H
#define SRR_TOKEN_COMMON_H

/*
 * The SoftHSM2 token that tests/token-fixture.sh makes once per test
 * executable (suite 'token'), and the PIN callback the tests answer with.
 */
#include <stddef.h>

#include "test-common.h"

/* What token-fixture.sh printed (see its header for each key). */
struct token_fixture {
	char dir[1024];
	char module[1024], token[64], pin[64];
	char ca[1024], ca_key[1024], other_ca[1024];
	char cert[1024], rsa_cert[1024];
	char key_uri[256], rsa_uri[256], nocert_uri[256];
	char bob_uri[256], bob_cert[1024];
	char carol_uri[256], carol_cert[1024];
	char badku_uri[256], badku_cert[1024];
	char badeku_uri[256], badeku_cert[1024];
	char expired_uri[256], expired_cert[1024];
	char unknown_uri[256], unknown_cert[1024];
};
extern struct token_fixture fx;

/* The caller's PIN callback: answers with a fixed PIN (NULL: cancels)
 * and counts how often it was asked. */
struct answer {
	const char *pin;
	int calls;
	unsigned flags;
	char label[64];
};

/* An srr_pin_fn; userdata is a struct answer. */
int answer_pin(void *userdata, const char *token_label, unsigned int flags, char *pin, size_t size);

/*
 * main() of a token test: run $SRR_TOKEN_FIXTURE once, before Check forks
 * (each test opens its keys inside the test, so a forked child never
 * inherits a PKCS#11 session), run the suite, remove the token. Returns
 * the exit status: 77 when a SoftHSM2 tool is missing.
 */
int token_test_main(Suite *(*make_suite)(void));

#endif
