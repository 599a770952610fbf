/* SPDX-License-Identifier: MIT */
/*
 * src/lib/bundle-*: what srr_bundle_verify() makes of a bundle directory it
 * must not trust, before any signature is looked at: the MANIFEST held
 * against the walk, unsafe names and paths, symbolic links, FIFOs, nesting,
 * sizes, and the record-by-record reader of log/. Bundles that verify,
 * and tampered real ones, are tests/cli/test-bundle.sh's (they need a
 * token). No register is opened here.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-common.h"
#include "lib/bundle-private.h"
#include "util/cleanup.h"

/* The findings of one run, as "check: message" lines. */
struct seen {
	char text[65536];
	size_t failures, infos;
};

static void
on_finding(void *userdata, const struct srr_finding *f)
{
	struct seen *s = userdata;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof(s->text) - n, "%s: %s\n", f->check, f->message);
	ck_assert_msg(strchr(f->message, '\n') == NULL, "a message of more than one line: %s",
		      f->message);
	if (f->failure)
		s->failures++;
	else
		s->infos++;
}

static const char *
ca(void)
{
	static char path[1024];
	const char *data = getenv("SRR_TEST_DATA");
	snprintf(path, sizeof(path), "%s/bundle/ca.pem", data ? data : "tests/data");
	return path;
}

static void
mkdirs(const char *rel)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s", test_path(rel));
	for (char *p = path + strlen(test_path("")); *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	mkdir(path, 0755);
}

__attribute__((format(printf, 2, 3))) static void
put(const char *rel, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	test_write_file(test_path(rel), buf);
}

/* Verify the bundle "b" in the test's directory: 0 and the findings. */
static int
run(struct seen *s)
{
	struct srr_register *ctx;
	ck_assert_int_eq(srr_register_new(&ctx), 0);
	memset(s, 0, sizeof(*s));
	struct srr_bundle_result r;
	int rc = srr_bundle_verify(ctx, test_path("b"), ca(), on_finding, s, &r);
	ck_assert_msg(rc == 0, "verify: %s", srr_errmsg(ctx));
	ck_assert_uint_eq(r.failures, s->failures);
	srr_register_free(ctx);
	return rc;
}

static void
has(const struct seen *s, const char *line)
{
	ck_assert_msg(strstr(s->text, line) != NULL, "no finding '%s' in:\n%s", line, s->text);
}

static void
lacks(const struct seen *s, const char *part)
{
	ck_assert_msg(strstr(s->text, part) == NULL, "a finding with '%s' in:\n%s", part, s->text);
}

#define SHA_X "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" /* "x" */

START_TEST(test_unreadable)
{
	test_tmpdir();
	struct srr_register *ctx;
	ck_assert_int_eq(srr_register_new(&ctx), 0);
	ck_assert_int_eq(srr_bundle_verify(ctx, test_path("none"), ca(), NULL, NULL, NULL),
			 SRR_E_IO);
	test_assert_errmsg_has(ctx, "none: No such file or directory");
	mkdirs("b");
	ck_assert_int_eq(
		srr_bundle_verify(ctx, test_path("b"), test_path("no.pem"), NULL, NULL, NULL),
		SRR_E_IO);
	test_assert_errmsg_has(ctx, "trust anchors: cannot read");
	put("b/bundle.rec", "x");
	ck_assert_int_eq(srr_bundle_verify(ctx, test_path("b/bundle.rec"), ca(), NULL, NULL, NULL),
			 SRR_E_IO);
	test_assert_errmsg_has(ctx, "Not a directory");
	ck_assert_int_eq(srr_bundle_verify(ctx, test_path("b"), NULL, NULL, NULL, NULL),
			 SRR_E_INPUT);
	srr_register_free(ctx);
}
END_TEST

START_TEST(test_empty)
{
	test_tmpdir();
	mkdirs("b");
	struct seen s;
	run(&s);
	has(&s, "manifest: MANIFEST is missing: ");
	has(&s, "record: bundle.rec is missing: ");
	ck_assert_uint_eq(s.failures, 2);
}
END_TEST

START_TEST(test_manifest_lines)
{
	test_tmpdir();
	mkdirs("b/certs");
	put("b/notes", "x");
	put("b/MANIFEST",
	    "%s  ../etc/passwd\n"
	    "%s  /etc/passwd\n"
	    "%s  ./notes\n"
	    "%s  a//b\n"
	    "%s  MANIFEST\n"
	    "%s notes\n"
	    "2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881  notes\n"
	    "%s  notes\n"
	    "%s  notes\n"
	    "%s  certs/gone.der\n"
	    "%s  bundle.rec",
	    SHA_X, SHA_X, SHA_X, SHA_X, SHA_X, SHA_X, SHA_X, SHA_X, SHA_X, SHA_X);
	struct seen s;
	run(&s);
	has(&s, "manifest: MANIFEST line 1: unsafe path '../etc/passwd' ");
	has(&s, "manifest: MANIFEST line 2: unsafe path '/etc/passwd' ");
	has(&s, "manifest: MANIFEST line 3: unsafe path './notes' ");
	has(&s, "manifest: MANIFEST line 4: unsafe path 'a//b' ");
	has(&s, "manifest: MANIFEST line 5: lists the MANIFEST itself\n");
	has(&s, "manifest: MANIFEST line 6: not '<SHA-256");
	has(&s, "manifest: MANIFEST line 7: not '<SHA-256");
	has(&s, "manifest: MANIFEST line 9: a second line for one file");
	/* certs/gone.der sorts before notes: out of order, so not looked up. */
	has(&s, "manifest: MANIFEST line 10: out of order: lines are sorted by path, each once\n");
	has(&s, "manifest: MANIFEST line 11: no LF at the end\n");
	lacks(&s, "more malformed");
	has(&s, "file: notes: not part of a bundle");
	/* Line 8 listed it; the walk found it; its hash is right. */
	lacks(&s, "notes is not in the MANIFEST");
	lacks(&s, "notes: SHA-256 differs");
}
END_TEST

/* A NUL byte in a line: the finding says so (it once showed whatever the
 * stack held, found by tests/fuzz/fuzz-manifest). */
START_TEST(test_manifest_nul)
{
	test_tmpdir();
	mkdirs("b");
	put("b/notes", "x");
	char line[] = SHA_X "  no?tes\n";
	line[68] = '\0';
	FILE *f = fopen(test_path("b/MANIFEST"), "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(line, 1, sizeof(line) - 1, f), sizeof(line) - 1);
	ck_assert_int_eq(fclose(f), 0);
	struct seen s;
	run(&s);
	has(&s, "manifest: MANIFEST line 1: holds a NUL byte\n");
	has(&s, "manifest: notes is not in the MANIFEST\n");
}
END_TEST

START_TEST(test_manifest_files)
{
	test_tmpdir();
	mkdirs("b/certs");
	put("b/certs/x.der", "y");
	put("b/extra", "x");
	put("b/MANIFEST",
	    "%s  bundle.rec\n"
	    "%s  certs/x.der\n",
	    SHA_X, SHA_X);
	struct seen s;
	run(&s);
	has(&s, "manifest: MANIFEST names bundle.rec, which is missing\n");
	has(&s, "manifest: extra is not in the MANIFEST\n");
	has(&s, "file: certs/x.der: not part of a bundle");
	/* An unknown file's hash is not the point: it should not be there. */
	lacks(&s, "certs/x.der: SHA-256 differs");
}
END_TEST

START_TEST(test_walk)
{
	test_tmpdir();
	mkdirs("b/events");
	mkdirs("b/a/b/c/d/e");
	mkdirs("outside");
	put("outside/secret", "x");
	put("b/a/b/c/d/e/f", "x");
	ck_assert_int_eq(symlink("../outside/secret", test_path("b/events/1.leaf")), 0);
	ck_assert_int_eq(symlink("../outside", test_path("b/proofs")), 0);
	ck_assert_int_eq(mkfifo(test_path("b/events/2.leaf"), 0600), 0);
	put("b/events/line\nbreak", "x");
	put("b/events/sp ace", "x");
	put("b/MANIFEST", "%s  proofs/secret\n", SHA_X);
	struct seen s;
	run(&s);
	has(&s, "file: events/1.leaf: a symbolic link: a bundle holds none (not followed)\n");
	has(&s, "file: proofs: a symbolic link: a bundle holds none (not followed)\n");
	has(&s, "file: events/2.leaf: not a regular file or directory: a bundle holds none\n");
	has(&s, "file: events/line\\x0abreak: unsafe name ");
	has(&s, "file: events/sp\\x20ace: unsafe name ");
	has(&s, "file: a/b/c/d: directories nested deeper than a bundle's: not read\n");
	/* The MANIFEST does not open what the walk refused. */
	has(&s, "manifest: MANIFEST names proofs/secret, which is missing\n");
}
END_TEST

START_TEST(test_sizes)
{
	test_tmpdir();
	mkdirs("b");
	int fd = open(test_path("b/bundle.rec"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)BUNDLE_FILE_MAX + 1), 0);
	close(fd);
	put("b/policy.rec", "srr-record/1 policy\n");
	put("b/MANIFEST",
	    "%s  bundle.rec\n"
	    "%s  policy.rec\n",
	    SHA_X, SHA_X);
	struct seen s;
	run(&s);
	has(&s, "file: bundle.rec: 16777217 bytes, more than the 16777216 such a file may hold: "
		"not read\n");
	has(&s, "manifest: policy.rec: SHA-256 differs from the MANIFEST: the file was edited\n");
	has(&s, "record: policy.rec: not a canonical srr-record/1 record: ");
}
END_TEST

/* The log/ reader: records split where a line starts "srr-record/1 ". */
static void
stream(const char *text, const char *const *want, size_t n_want, const char *error)
{
	test_tmpdir();
	mkdirs("b/log");
	if (text)
		test_write_file(test_path("b/log/leaves"), text);
	struct srr_bundle_result res = { 0 };
	struct srr_register *ctx;
	ck_assert_int_eq(srr_register_new(&ctx), 0);
	struct bundle b = { .ctx = ctx, .dirfd = -1, .res = &res };
	ck_assert_int_eq(bundle_open(&b, test_path("b")), 0);
	struct bfile *f = bundle_file(&b, "log/leaves");
	ck_assert_ptr_nonnull(f);
	struct bstream st;
	ck_assert_int_eq(bundle_stream_open(&b, f, &st), 0);
	const char *rec;
	size_t len, i = 0;
	char why[128] = "";
	int r;
	while ((r = bundle_stream_next(&st, &rec, &len, why, sizeof(why))) == 1) {
		ck_assert_uint_lt(i, n_want);
		ck_assert_uint_eq(len, strlen(want[i]));
		ck_assert_msg(memcmp(rec, want[i], len) == 0, "record %zu: '%.*s'", i, (int)len,
			      rec);
		i++;
	}
	if (error) {
		ck_assert_int_eq(r, -1);
		ck_assert_msg(strstr(why, error), "why: %s", why);
	} else {
		ck_assert_int_eq(r, 0);
	}
	ck_assert_uint_eq(i, n_want);
	bundle_stream_close(&b, &st, false);
	bundle_close(&b);
	srr_register_free(ctx);
}

START_TEST(test_stream)
{
	static const char *const two[] = { "srr-record/1 event\nseq 1\n", "srr-record/1 event\n" };
	stream("srr-record/1 event\nseq 1\nsrr-record/1 event\n", two, 2, NULL);
	/* A last line without LF ends the last record. */
	static const char *const cut[] = { "srr-record/1 a\n", "srr-record/1 b\nx" };
	stream("srr-record/1 a\nsrr-record/1 b\nx", cut, 2, NULL);
	/* What comes before the first record is one of its own (it will not parse). */
	static const char *const junk[] = { "junk\n\n", "srr-record/1 a\n" };
	stream("junk\n\nsrr-record/1 a\n", junk, 2, NULL);
	/* The magic only counts at the start of a line, with its space. */
	static const char *const inner[] = { "srr-record/1 a\nx srr-record/1 b\nsrr-record/1c\n" };
	stream(inner[0], inner, 1, NULL);
	stream("", NULL, 0, NULL);
}
END_TEST

START_TEST(test_stream_long)
{
	size_t n = BUNDLE_FILE_MAX + 10;
	char *big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	memcpy(big, "srr-record/1 a\n", 15);
	big[n] = '\0';
	static const char *const none[] = { NULL };
	stream(big, none, 0, "a record longer than 16777216 bytes");
	free(big);
}
END_TEST

static Suite *
bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("read");
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_manifest_lines);
	tcase_add_test(tc, test_manifest_files);
	tcase_add_test(tc, test_manifest_nul);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_stream_long);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(bundle_suite());
}
