/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MANIFEST of an auditor bundle
 * (docs/formats/bundle.md), as srr verify-bundle reads it: bundle_open()
 * walks a small bundle made once per process in a temp dir, reads the
 * input as its MANIFEST and holds the two against each other; then
 * bundle_hash_rest() hashes what the MANIFEST lists.
 *
 * Checked: the bundle opens (a bad MANIFEST is findings, never an error);
 * every finding is one printable line about the MANIFEST or a file; at
 * most ten malformed lines are reported one by one; a hash a file takes
 * from the MANIFEST is one the input lists for exactly that path; and the
 * right MANIFEST (made here) gives no finding at all, one that lists every
 * file at its SHA-256 leaves none unlisted.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/bundle-private.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-manifest: %s:%d: check failed: %s\n", __FILE__,      \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The bundle's files besides the MANIFEST (their contents need not be
 * valid: only names and hashes matter here), sorted by path. */
static const struct {
	const char *path, *text;
} files[] = {
	{ "approvals/A-1.rec", "srr-record/1 approval-request\n" },
	{ "bundle.rec", "srr-record/1 bundle\n" },
	{ "certs/0000000000000000000000000000000000000000000000000000000000000000.der", "DER" },
	{ "checkpoints/C-1.cp", "3f9a0c27b1d84e65a2c7f0e19b5d6a48\n1\n" },
	{ "checkpoints/C-1.p7s", "" },
	{ "events/1.leaf", "leaf\n" },
	{ "events/1.rec", "record\n" },
	{ "notes.txt", "not part of a bundle\n" },
	{ "policy.rec", "srr-record/1 policy\n" },
	{ "proofs/1.proof", "proof\n" },
};
#define N_FILES (sizeof(files) / sizeof(files[0]))

static struct srr_register *ctx;
static char dir[4096];
static char manifest[N_FILES * 200]; /* the right one */

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
	srr_register_free(ctx);
	if (dir[0])
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
write_file(const char *rel, const void *data, size_t len)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir(path, 0700) && access(path, F_OK))
		die(path);
	*slash = '/';
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/srr-fuzz-manifest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp");
	atexit(cleanup);
	if (srr_register_new(&ctx))
		die("srr_register_new");
	size_t at = 0;
	for (size_t i = 0; i < N_FILES; i++) {
		write_file(files[i].path, files[i].text, strlen(files[i].text));
		char hex[65];
		bundle_sha256(hex, files[i].text, strlen(files[i].text));
		at += (size_t)snprintf(manifest + at, sizeof(manifest) - at, "%s  %s\n", hex,
				       files[i].path);
	}
	return 0;
}

struct seen {
	size_t findings, malformed, more;
};

static void
on_finding(void *userdata, const struct srr_finding *f)
{
	struct seen *seen = userdata;
	seen->findings++;
	check(f->failure == 1);
	check(strcmp(f->check, "manifest") == 0 || strcmp(f->check, "file") == 0);
	check(f->approval == 0 && f->signature == 0 && f->event == 0 && f->checkpoint == 0);
	check(f->message[0]);
	for (const unsigned char *p = (const unsigned char *)f->message; *p; p++)
		check(*p >= 0x20 && *p != 0x7f);
	seen->malformed += strncmp(f->message, "MANIFEST line ", 14) == 0;
	seen->more += strstr(f->message, "more malformed line") != NULL;
}

/* Does data hold the line "<hex>  <path>\n"? */
static int
lists(const char *data, size_t size, const char *hex, const char *path)
{
	char line[700];
	int n = snprintf(line, sizeof(line), "%s  %s\n", hex, path);
	check(n > 0 && (size_t)n < sizeof(line));
	for (const char *p = data, *end = data + size; p < end;) {
		if ((size_t)(end - p) >= (size_t)n && memcmp(p, line, (size_t)n) == 0)
			return 1;
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		p = lf ? lf + 1 : end;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_file("MANIFEST", data, size);
	struct seen seen = { 0 };
	struct srr_bundle_result res = { 0 };
	struct bundle b = {
		.ctx = ctx, .dirfd = -1, .fn = on_finding, .userdata = &seen, .res = &res
	};
	int rc = bundle_open(&b, dir);
	if (rc) {
		fprintf(stderr, "fuzz-manifest: bundle_open: %d: %s\n", rc, srr_errmsg(ctx));
		abort();
	}
	check(b.have_manifest);
	check(b.n_files == N_FILES + 1 && res.files == N_FILES + 1);
	check(bundle_hash_rest(&b) == 0);
	check(res.failures == seen.findings);
	check(seen.malformed <= 10 && seen.more <= 1);
	check(seen.more == 0 || seen.malformed == 10);

	size_t listed = 0;
	for (size_t i = 0; i < b.n_files; i++) {
		const struct bfile *f = &b.files[i];
		check(f->kind != BK_MANIFEST || !f->manifest[0]);
		if (f->manifest[0]) {
			check(lists((const char *)data, size, f->manifest, f->path));
			listed++;
		}
	}
	/* notes.txt is not part of a bundle: one finding whatever is listed. */
	int right = size == strlen(manifest) && memcmp(data, manifest, size) == 0;
	check(!right || (seen.findings == 1 && listed == N_FILES));
	bundle_close(&b);
	return 0;
}
