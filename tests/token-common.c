/* SPDX-License-Identifier: MIT */
#include "token-common.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct token_fixture fx;

int
answer_pin(void *userdata, const char *token_label, unsigned int flags, char *pin, size_t size)
{
	struct answer *a = userdata;
	a->calls++;
	a->flags = flags;
	snprintf(a->label, sizeof(a->label), "%s", token_label);
	/* Each open asks at most once; refusing a second ask ends GnuTLS's
	 * retry loop, so a test counts the calls instead of hanging. */
	if (!a->pin || a->calls > 1)
		return -1;
	ck_assert_uint_gt(size, strlen(a->pin));
	snprintf(pin, size, "%s", a->pin);
	return 0;
}

/* One KEY=VALUE line of the fixture's output. Values hold ';' (URIs):
 * everything after the first '=' is the value. */
static void
take(char *line)
{
	char *v = strchr(line, '=');
	if (!v)
		return;
	*v++ = '\0';
	static const struct {
		const char *key;
		size_t offset, size;
	} keys[] = {
#define KEY(name, field) { name, offsetof(struct token_fixture, field), sizeof(fx.field) }
		KEY("MODULE", module),
		KEY("TOKEN", token),
		KEY("PIN", pin),
		KEY("CA", ca),
		KEY("CA_KEY", ca_key),
		KEY("OTHER_CA", other_ca),
		KEY("CERT", cert),
		KEY("KEY_URI", key_uri),
		KEY("RSA_URI", rsa_uri),
		KEY("NOCERT_URI", nocert_uri),
		KEY("BOB_URI", bob_uri),
		KEY("BOB_CERT", bob_cert),
		KEY("CAROL_URI", carol_uri),
		KEY("CAROL_CERT", carol_cert),
		KEY("BADKU_URI", badku_uri),
		KEY("BADKU_CERT", badku_cert),
		KEY("BADEKU_URI", badeku_uri),
		KEY("BADEKU_CERT", badeku_cert),
		KEY("EXPIRED_URI", expired_uri),
		KEY("EXPIRED_CERT", expired_cert),
		KEY("UNKNOWN_URI", unknown_uri),
		KEY("UNKNOWN_CERT", unknown_cert),
#undef KEY
	};
	if (strcmp(line, "SOFTHSM2_CONF") == 0)
		setenv("SOFTHSM2_CONF", v, 1);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(line, keys[i].key) == 0)
			snprintf((char *)&fx + keys[i].offset, keys[i].size, "%s", v);
}

static bool
run_fixture(const char *script)
{
	const char *base = getenv("TMPDIR");
	snprintf(fx.dir, sizeof(fx.dir), "%s/srr-token-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(fx.dir)) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "bash '%s' '%s'", script, fx.dir);
	FILE *p = popen(cmd, "r");
	if (!p) {
		perror("popen");
		exit(EXIT_FAILURE);
	}
	char line[2048];
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		take(line);
	}
	int st = pclose(p);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return false;
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || !fx.key_uri[0] || !fx.ca[0]) {
		fprintf(stderr, "token fixture failed\n");
		exit(EXIT_FAILURE);
	}
	/* The RSA key's certificate lies next to the CA's (the fixture does
	 * not print it). */
	const char *slash = strrchr(fx.ca, '/');
	snprintf(fx.rsa_cert, sizeof(fx.rsa_cert), "%.*s/approver-rsa.pem",
		 slash ? (int)(slash - fx.ca) : 1, slash ? fx.ca : ".");
	return true;
}

static void
remove_fixture(void)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", fx.dir);
}

int
token_test_main(Suite *(*make_suite)(void))
{
	const char *script = getenv("SRR_TOKEN_FIXTURE");
	if (!script) {
		fprintf(stderr, "SRR_TOKEN_FIXTURE is not set\n");
		return EXIT_FAILURE;
	}
	if (!run_fixture(script)) {
		remove_fixture();
		fprintf(stderr, "a SoftHSM2 tool is missing: skipped\n");
		return 77;
	}
	int rc = test_run(make_suite());
	remove_fixture();
	return rc;
}
