/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the policy (docs/policy.md), both ways in:
 *
 * - YAML, as srr policy check and srr policy set read it
 *   (policy_parse_buffer()), with certificate paths relative to a temp dir
 *   made once per process that holds ca.pem (a CA) and alice.pem (a
 *   certificate it issued), so that trust_anchors and approvers' cert take
 *   their real paths;
 * - an srr-record/1 policy record, as srr verify-bundle reads a bundle's
 *   policy.rec (policy_from_record()): any input that starts with
 *   "srr-record/1 policy\n".
 *
 * Checked: YAML is accepted or refused with SRR_E_INPUT (SRR_E_IO for a
 * file it names that is not there) and one printable line that starts with
 * the file's name (the writer refusing what the parser made would not);
 * the record an
 * accepted policy makes is canonical (parses and serialises back to
 * itself), is the same when made again, and gives a view whose version,
 * name and levels are those of the record, whose tolerance is one of its
 * levels and whose level of every likelihood and impact is one of them. A
 * record is accepted or refused with SRR_E_FORMAT; an accepted one gives a
 * view that holds together the same way.
 */
#include <srr/policy.h>
#include <srr/record.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/policy-private.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-policy: %s:%d: check failed: %s\n", __FILE__,        \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The CA and signer of corpus/cms/ (fuzz-cms.c): certtool, ECDSA P-256. */
static const char ca_pem[] = "-----BEGIN CERTIFICATE-----\n"
			     "MIIBcjCCARigAwIBAgIUBsRJLJCa3Q46AAac6XOAdRmLDyswCgYIKoZIzj0EAwIw\n"
			     "FjEUMBIGA1UEAxMLc3JyIGZ1enogQ0EwIBcNMjYxMTI5MDc1MDEwWhgPMjA1MTA3\n"
			     "MjEwNzUwMTBaMBYxFDASBgNVBAMTC3NyciBmdXp6IENBMFkwEwYHKoZIzj0CAQYI\n"
			     "KoZIzj0DAQcDQgAESVlp1c1Kb/P7yMgzzcACGp+ZRLF3/Eif+IwC9zuzXJ7oq+Ih\n"
			     "FA1PY+EAKnuWkAnRh+UE8cUU6YyvqEx4f43beaNCMEAwDwYDVR0TAQH/BAUwAwEB\n"
			     "/zAOBgNVHQ8BAf8EBAMCAgQwHQYDVR0OBBYEFD1LMMywKWik//EMyuaj3L+7uUYe\n"
			     "MAoGCCqGSM49BAMCA0gAMEUCIDXyftX3PdlR0sEVcDMHZhTb6lfq/pVW3gSmoPRQ\n"
			     "RNdMAiEA6LqENh8ZQJmZ/I8hgMyyiiuVWRjoNV0I3Zb5g6MF90Q=\n"
			     "-----END CERTIFICATE-----\n";

static const char alice_pem[] = "-----BEGIN CERTIFICATE-----\n"
				"MIIBqDCCAU6gAwIBAgIUR21Gt3RrSFcRZzI7hoPQvq6hieEwCgYIKoZIzj0EAwIw\n"
				"FjEUMBIGA1UEAxMLc3JyIGZ1enogQ0EwIBcNMjYxMTI5MDc1MDEwWhgPMjA1MTA3\n"
				"MjEwNzUwMTBaMBkxFzAVBgNVBAMTDkFsaWNlIEFwcHJvdmVyMFkwEwYHKoZIzj0C\n"
				"AQYIKoZIzj0DAQcDQgAErtDYUy7Z/koVUUpM+IeJXA9QYE927Vka1WUebAKNW1B2\n"
				"XgKwQWGt0zS0/OunX6rW3wYSynr+Z/yfZGH94aYDpqN1MHMwDAYDVR0TAQH/BAIw\n"
				"ADATBgNVHSUEDDAKBggrBgEFBQcDBDAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYE\n"
				"FA066+A/wr+y+hjclEssVe52Wsl+MB8GA1UdIwQYMBaAFD1LMMywKWik//EMyuaj\n"
				"3L+7uUYeMAoGCCqGSM49BAMCA0gAMEUCIHg0cx+OFnCEaye8wWTi4ZljOXkYM17/\n"
				"aj0kvLgGSRL1AiEA8oSxQPUaHPRwZCk0Tf7hxNp021LMWmPMKPpUoEz2UYA=\n"
				"-----END CERTIFICATE-----\n";

static struct srr_register *reg;
static char dir[4096], name[4200];

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	srr_register_free(reg);
	if (dir[0])
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *file, const char *text)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/srr-fuzz-policy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(cleanup);
	put("ca.pem", ca_pem);
	put("alice.pem", alice_pem);
	snprintf(name, sizeof(name), "%s/policy.yaml", dir);
	if (srr_register_new(&reg)) {
		fprintf(stderr, "fuzz-policy: srr_register_new failed\n");
		exit(1);
	}
	return 0;
}

static void
check_message(void)
{
	const char *m = srr_errmsg(reg);
	check(m && *m);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++)
		check(*p >= 0x20 && *p != 0x7f);
}

/* The view holds together, and agrees with the record it was built from. */
static void
check_view(const struct srr_policy *p, const char *bytes, size_t len)
{
	struct srr_record *r;
	char why[256];
	check(srr_record_parse(&r, bytes, len, why, sizeof(why)) == 0);
	check(p->version >= 1 && p->name != NULL);
	check(strcmp(p->name, srr_record_get(r, "name")) == 0);
	size_t levels = 0;
	for (size_t i = 0; i < srr_record_count(r); i++)
		levels += strcmp(srr_record_name(r, i), "level") == 0;
	srr_record_free(r);
	check(p->n_levels == levels);
	check(p->n_levels == 0 || p->tolerance < p->n_levels);
	for (size_t i = 0; i < p->n_levels; i++)
		check(p->levels[i].name != NULL);
	for (unsigned l = 1; l <= p->n_likelihood && l <= 20; l++)
		for (unsigned i = 1; i <= p->n_impact && i <= 20; i++) {
			int v = srr_policy_level(p, l, i);
			check(v >= -1 && v < (int)p->n_levels);
		}
	for (size_t i = 0; i < p->n_approvers; i++) {
		const struct srr_approver *a = &p->approvers[i];
		check(a->name != NULL);
		for (size_t k = 0; k < a->n_actors; k++)
			check(a->actors[k] != NULL);
		for (size_t k = 0; k < a->n_roles; k++)
			check(a->roles[k] != NULL);
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct srr_rule *ru = &p->rules[i];
		for (size_t k = 0; k < ru->n_residual; k++)
			check(ru->residual[k] != NULL);
		for (size_t k = 0; k < ru->n_roles; k++)
			check(ru->roles[k] != NULL);
	}
	check(p->record != NULL && strlen(p->record) == len && memcmp(p->record, bytes, len) == 0);
}

static void
from_record(const char *bytes, size_t len)
{
	struct srr_policy_list *pl = NULL;
	int rc = policy_from_record(&pl, reg, bytes, len);
	if (rc) {
		check(rc == SRR_E_FORMAT);
		check(pl == NULL);
		check_message();
		return;
	}
	check(srr_policy_list_count(pl) == 1);
	check_view(srr_policy_list_get(pl, 0), bytes, len);
	srr_policy_list_free(pl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = SRR_RECORD_MAGIC " policy\n";
	/* A copy of exactly size bytes: ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	check(buf != NULL);
	memcpy(buf, data, size);
	if (size >= sizeof(head) - 1 && memcmp(buf, head, sizeof(head) - 1) == 0) {
		from_record(buf, size);
		free(buf);
		return 0;
	}

	char *bytes = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	int rc = policy_parse_buffer(reg, name, dir, buf, size, 1, &bytes, &len);
	if (rc) {
		if (rc != SRR_E_INPUT && rc != SRR_E_IO) {
			fprintf(stderr, "fuzz-policy: %d (%s): %s\n", rc, srr_strerror(rc),
				srr_errmsg(reg));
			abort();
		}
		check(bytes == NULL);
		check_message();
		/* Every refusal is about the file at a place in it: one that is
		 * not (say, the writer refusing the record the parser made) is
		 * a bug. */
		size_t n = strlen(name);
		check(strncmp(srr_errmsg(reg), name, n) == 0 && srr_errmsg(reg)[n] == ':');
		free(buf);
		return 0;
	}
	/* Canonical: the record parses and serialises back to itself. */
	struct srr_record *r;
	char why[256], *out;
	size_t out_len;
	check(srr_record_parse(&r, bytes, len, why, sizeof(why)) == 0);
	check(strcmp(srr_record_type(r), "policy") == 0);
	check(srr_record_serialize(&out, &out_len, r, why, sizeof(why)) == 0);
	check(out_len == len && memcmp(out, bytes, len) == 0);
	free(out);
	srr_record_free(r);
	/* Deterministic: the same YAML makes the same record. */
	check(policy_parse_buffer(reg, name, dir, buf, size, 1, &again, &again_len) == 0);
	check(again_len == len && memcmp(again, bytes, len) == 0);
	free(again);

	from_record(bytes, len);
	free(bytes);
	free(buf);
	return 0;
}
