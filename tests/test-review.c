/* SPDX-License-Identifier: MIT */
/*
 * Supplier reviews: outcome, findings, evidence hashed and referenced by
 * absolute path; every refusal stores nothing; newest first.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-common.h"
#include "lib/register-private.h"
#include "util/date.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct snapshot {
	long long events, reviews, evidence;
};

static struct snapshot
snap(struct srr_register *reg)
{
	return (struct snapshot){
		.events = test_log_size(reg),
		.reviews = test_count_rows(reg, "review"),
		.evidence = test_count_rows(reg, "review_evidence"),
	};
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.reviews, before->reviews);
	ck_assert_int_eq(now.evidence, before->evidence);
}

/* A register on 2026-06-15 with suppliers acme and bolt. */
static struct srr_register *
setup(void)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, "2026-06-15"), 0);
	static const char *const keys[] = { "acme", "bolt" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct srr_supplier s = { .key = keys[i], .name = keys[i], .tier = SRR_TIER_HIGH };
		ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	}
	return reg;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* SHA-256 of the file's bytes, computed here. */
static void
file_sha256(const char *path, char out[65])
{
	size_t len;
	char *data = test_read_file(path, &len);
	unsigned char md[32];
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md), 0);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(data);
}

static int64_t
record_ok(struct srr_register *reg, const struct srr_review *r)
{
	int64_t id = -1;
	int rc = srr_review_record(reg, r, &id);
	ck_assert_msg(rc == 0, "review of %s on %s: %s", r->supplier, r->date, srr_errmsg(reg));
	ck_assert_int_gt(id, 0);
	return id;
}

static void
refused(struct srr_register *reg, const struct srr_review *r, int want, const char *says)
{
	struct snapshot before = snap(reg);
	int64_t id = -7;
	int rc = srr_review_record(reg, r, &id);
	ck_assert_msg(rc == want, "gave %d (%s), not %d", rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
}

/* The last event is review.record of review id by actor; its record. */
static struct srr_record *
last_record(struct srr_register *reg, int64_t id, const char *actor)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_str_eq(e->action, "review.record");
	char entity[64];
	snprintf(entity, sizeof(entity), "review/%lld", (long long)id);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, actor);
	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_str_eq(srr_record_type(rec), "review");
	srr_event_list_free(l);
	return rec;
}

static const struct srr_review *
only_review(const struct srr_review_list *l, int64_t id)
{
	for (size_t i = 0; i < srr_review_list_count(l); i++)
		if (srr_review_list_get(l, i)->id == id)
			return srr_review_list_get(l, i);
	ck_abort_msg("review %lld not listed", (long long)id);
	return NULL;
}

START_TEST(review_record_and_round_trip)
{
	struct srr_register *reg = setup();
	struct snapshot before = snap(reg);
	const char *findings =
		"Two findings:\n  1. backups untested \\ restore\n  2. « MFA » missing\n";
	struct srr_review r = { .supplier = "acme",
				.date = "2026-06-15",
				.outcome = SRR_OUTCOME_CONDITIONAL,
				.findings = findings };
	int64_t id = record_ok(reg, &r);
	struct snapshot after = snap(reg);
	ck_assert_int_eq(after.events, before.events + 1);
	ck_assert_int_eq(after.reviews, before.reviews + 1);
	ck_assert_int_eq(after.evidence, 0);

	struct srr_record *rec = last_record(reg, id, "tester");
	char idtext[32];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	ck_assert_str_eq(srr_record_get(rec, "id"), idtext);
	ck_assert_str_eq(srr_record_get(rec, "supplier"), "acme");
	ck_assert_str_eq(srr_record_get(rec, "date"), "2026-06-15");
	ck_assert_str_eq(srr_record_get(rec, "outcome"), "conditional");
	ck_assert_str_eq(srr_record_get(rec, "reviewer"), "tester");
	ck_assert_str_eq(srr_record_get(rec, "findings"), findings);
	ck_assert_ptr_null(srr_record_get(rec, "evidence"));
	srr_record_free(rec);

	struct srr_review_list *l;
	ck_assert_int_eq(srr_review_list_new(&l, reg, "acme"), 0);
	ck_assert_uint_eq(srr_review_list_count(l), 1);
	const struct srr_review *got = srr_review_list_get(l, 0);
	ck_assert_int_eq(got->id, id);
	ck_assert_str_eq(got->supplier, "acme");
	ck_assert_str_eq(got->date, "2026-06-15");
	ck_assert_int_eq(got->outcome, SRR_OUTCOME_CONDITIONAL);
	ck_assert_str_eq(got->findings, findings);
	ck_assert_str_eq(got->reviewer, "tester");
	ck_assert_uint_eq(got->n_evidence, 0);
	int64_t t;
	ck_assert_msg(time_parse(got->created, &t), "created '%s'", got->created);
	ck_assert_ptr_null(srr_review_list_get(l, 1));
	srr_review_list_free(l);

	/* Without findings, and with the id out-parameter left out. */
	struct srr_review bare = { .supplier = "acme",
				   .date = "2026-01-31",
				   .outcome = SRR_OUTCOME_PASS };
	ck_assert_msg(srr_review_record(reg, &bare, NULL) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), before.events + 2);
	ck_assert_int_eq(srr_review_list_new(&l, reg, "acme"), 0);
	ck_assert_uint_eq(srr_review_list_count(l), 2);
	ck_assert_ptr_null(srr_review_list_get(l, 1)->findings);
	ck_assert_int_eq(srr_review_list_get(l, 1)->outcome, SRR_OUTCOME_PASS);
	srr_review_list_free(l);

	/* The same after reopening. */
	reg = test_register_reopen(reg, test_path("register.db"));
	ck_assert_int_eq(srr_review_list_new(&l, reg, NULL), 0);
	ck_assert_str_eq(only_review(l, id)->findings, findings);
	srr_review_list_free(l);
	srr_review_list_free(NULL);
	srr_register_free(reg);
}
END_TEST

START_TEST(review_evidence_hashed)
{
	struct srr_register *reg = setup();
	char dir[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(test_path("."), dir));
	ck_assert_int_eq(mkdir(test_path("sub"), 0700), 0);

	/* Binary bytes, an empty file, and one bigger than one read. */
	static const unsigned char bin[] = { 0x00, 0xff, 0x0a, 0x0d, 'p', 'd', 'f', 0x00 };
	write_bytes(test_path("report.bin"), bin, sizeof(bin));
	write_bytes(test_path("empty.txt"), "", 0);
	size_t big_len = 200000;
	unsigned char *big = malloc(big_len);
	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	write_bytes(test_path("scan.dat"), big, big_len);
	free(big);

	/* One by a relative path from the working directory, one through
	 * "sub/..": both are stored with their absolute, clean path. */
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	struct srr_evidence ev[] = {
		{ .path = "report.bin" },
		{ .path = test_path("sub/../empty.txt") },
		{ .path = test_path("scan.dat") },
	};
	struct srr_review r = { .supplier = "acme",
				.date = "2026-06-01",
				.outcome = SRR_OUTCOME_FAIL,
				.findings = "see the scan",
				.n_evidence = ARRAY_SIZE(ev),
				.evidence = ev };
	int64_t id = -1;
	int rc = srr_review_record(reg, &r, &id);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_count_rows(reg, "review_evidence"), 3);

	static const char *const names[] = { "report.bin", "empty.txt", "scan.dat" };
	static const int64_t sizes[] = { sizeof(bin), 0, 200000 };
	char want_path[3][PATH_MAX + 32], want_sha[3][65];
	for (size_t i = 0; i < 3; i++) {
		snprintf(want_path[i], sizeof(want_path[i]), "%s/%s", dir, names[i]);
		file_sha256(want_path[i], want_sha[i]);
	}
	ck_assert_str_eq(want_sha[1],
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	struct srr_review_list *l;
	ck_assert_int_eq(srr_review_list_new(&l, reg, "acme"), 0);
	const struct srr_review *got = only_review(l, id);
	ck_assert_uint_eq(got->n_evidence, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(got->evidence[i].path, want_path[i]);
		ck_assert_str_eq(got->evidence[i].sha256, want_sha[i]);
		ck_assert_int_eq(got->evidence[i].size, sizes[i]);
	}
	srr_review_list_free(l);

	/* The record carries path, hash and size of each, in order. */
	struct srr_record *rec = last_record(reg, id, "tester");
	size_t k = 0;
	for (size_t i = 0; i < srr_record_count(rec); i++) {
		const char *name = srr_record_name(rec, i), *value = srr_record_value(rec, i);
		if (strcmp(name, "evidence") == 0) {
			ck_assert_uint_lt(k, 3);
			ck_assert_str_eq(value, want_path[k]);
			ck_assert_str_eq(srr_record_name(rec, i + 1), "evidence-sha256");
			ck_assert_str_eq(srr_record_value(rec, i + 1), want_sha[k]);
			ck_assert_str_eq(srr_record_name(rec, i + 2), "evidence-size");
			char size[32];
			snprintf(size, sizeof(size), "%lld", (long long)sizes[k]);
			ck_assert_str_eq(srr_record_value(rec, i + 2), size);
			k++;
		}
	}
	ck_assert_uint_eq(k, 3);
	srr_record_free(rec);

	/* Evidence changed afterwards keeps the hash it had when recorded. */
	write_bytes(test_path("report.bin"), "changed", 7);
	ck_assert_int_eq(srr_review_list_new(&l, reg, "acme"), 0);
	ck_assert_str_eq(only_review(l, id)->evidence[0].sha256, want_sha[0]);
	srr_review_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(review_evidence_refused)
{
	struct srr_register *reg = setup();
	write_bytes(test_path("a.txt"), "a", 1);
	ck_assert_int_eq(mkdir(test_path("sub"), 0700), 0);

	/* A missing file, first or after a good one: named, nothing stored. */
	const char *missing = test_path("missing.pdf");
	struct srr_evidence one[] = { { .path = missing } };
	struct srr_review r = { .supplier = "acme",
				.date = "2026-06-01",
				.outcome = SRR_OUTCOME_PASS,
				.n_evidence = 1,
				.evidence = one };
	refused(reg, &r, SRR_E_NOTFOUND, missing);
	struct srr_evidence two[] = { { .path = test_path("a.txt") }, { .path = missing } };
	r.evidence = two;
	r.n_evidence = 2;
	refused(reg, &r, SRR_E_NOTFOUND, missing);

	/* The same file twice, however it is spelled. */
	struct srr_evidence twice[] = { { .path = test_path("a.txt") },
					{ .path = test_path("sub/../a.txt") } };
	r.evidence = twice;
	refused(reg, &r, SRR_E_INPUT, "twice");
	twice[1].path = twice[0].path;
	refused(reg, &r, SRR_E_INPUT, "twice");

	/* A directory is not evidence; nor is a device or a FIFO, which
	 * would be hashed forever (or block the open). */
	struct srr_evidence dir[] = { { .path = test_path("sub") } };
	r.evidence = dir;
	r.n_evidence = 1;
	refused(reg, &r, SRR_E_INPUT, "sub: not a regular file");
	dir[0].path = "/dev/zero";
	refused(reg, &r, SRR_E_INPUT, "/dev/zero: not a regular file");
	ck_assert_int_eq(mkfifo(test_path("fifo"), 0600), 0);
	dir[0].path = test_path("fifo");
	refused(reg, &r, SRR_E_INPUT, "fifo: not a regular file");

	/* A name a record cannot hold. */
	write_bytes(test_path("new\nline"), "a", 1);
	dir[0].path = test_path("new\nline");
	refused(reg, &r, SRR_E_INPUT, "its name contains a control character");

	/* More than 64 files. */
	struct srr_evidence many[65];
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i].path = test_path("a.txt");
	r.evidence = many;
	r.n_evidence = ARRAY_SIZE(many);
	refused(reg, &r, SRR_E_INPUT, "64");
	srr_register_free(reg);
}
END_TEST

START_TEST(review_input_refused)
{
	struct srr_register *reg = setup();
	struct srr_review r = { .supplier = "acme",
				.date = "2026-06-16",
				.outcome = SRR_OUTCOME_PASS };
	/* Tomorrow is the future; today is not. */
	refused(reg, &r, SRR_E_INPUT, "2026-06-16");
	test_assert_errmsg_has(reg, "future");
	r.date = "2026-06-15";
	record_ok(reg, &r);
	ck_assert_int_eq(srr_register_set_today(reg, "2026-06-14"), 0);
	refused(reg, &r, SRR_E_INPUT, "future");
	ck_assert_int_eq(srr_register_set_today(reg, "2026-06-15"), 0);

	static const char *const bad_dates[] = { "2026-02-30", "2026-13-01",	       "2026-6-1",
						 "15.06.2026", "2026-06-01T00:00:00Z", "" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_dates); i++) {
		r.date = bad_dates[i];
		refused(reg, &r, SRR_E_INPUT, "not a valid date");
	}
	r.date = NULL;
	refused(reg, &r, SRR_E_INPUT, "not a valid date");
	r.date = "2026-02-28";

	r.outcome = SRR_OUTCOME_NONE;
	refused(reg, &r, SRR_E_INPUT, "outcome");
	r.outcome = (enum srr_outcome)4;
	refused(reg, &r, SRR_E_INPUT, "outcome");
	r.outcome = SRR_OUTCOME_PASS;

	r.findings = "bell \a in findings";
	refused(reg, &r, SRR_E_INPUT, "control character");
	r.findings = "tab\tin findings";
	refused(reg, &r, SRR_E_INPUT, "control character");
	r.findings = "bad \xc3\x28 UTF-8";
	refused(reg, &r, SRR_E_INPUT, "UTF-8");
	char *huge = malloc(65538);
	ck_assert_ptr_nonnull(huge);
	memset(huge, 'x', 65537);
	huge[65537] = '\0';
	r.findings = huge;
	refused(reg, &r, SRR_E_INPUT, "longer than");
	huge[65536] = '\0';
	record_ok(reg, &r);
	free(huge);
	r.findings = NULL;

	r.supplier = "nobody";
	refused(reg, &r, SRR_E_NOTFOUND, "nobody");
	r.supplier = NULL;
	struct snapshot before = snap(reg);
	ck_assert_int_ne(srr_review_record(reg, &r, NULL), 0);
	assert_unchanged(reg, &before);

	struct srr_review_list *l = NULL;
	ck_assert_int_eq(srr_review_list_new(&l, reg, "nobody"), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(review_list_newest_first)
{
	struct srr_register *reg = setup();
	static const struct {
		const char *supplier, *date;
	} reviews[] = {
		{ "acme", "2026-01-10" }, { "acme", "2026-03-05" }, { "bolt", "2026-04-01" },
		{ "acme", "2026-02-01" }, { "acme", "2026-03-05" }, { "bolt", "2025-12-31" },
	};
	int64_t ids[ARRAY_SIZE(reviews)];
	for (size_t i = 0; i < ARRAY_SIZE(reviews); i++) {
		struct srr_review r = { .supplier = reviews[i].supplier,
					.date = reviews[i].date,
					.outcome = SRR_OUTCOME_PASS };
		ids[i] = record_ok(reg, &r);
	}
	/* By date, newest first; on one date the later record first. */
	struct srr_review_list *l;
	ck_assert_int_eq(srr_review_list_new(&l, reg, "acme"), 0);
	ck_assert_uint_eq(srr_review_list_count(l), 4);
	ck_assert_int_eq(srr_review_list_get(l, 0)->id, ids[4]);
	ck_assert_int_eq(srr_review_list_get(l, 1)->id, ids[1]);
	ck_assert_int_eq(srr_review_list_get(l, 2)->id, ids[3]);
	ck_assert_int_eq(srr_review_list_get(l, 3)->id, ids[0]);
	srr_review_list_free(l);

	ck_assert_int_eq(srr_review_list_new(&l, reg, NULL), 0);
	ck_assert_uint_eq(srr_review_list_count(l), 6);
	static const size_t order[] = { 2, 4, 1, 3, 0, 5 };
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct srr_review *got = srr_review_list_get(l, i);
		ck_assert_int_eq(got->id, ids[order[i]]);
		ck_assert_str_eq(got->supplier, reviews[order[i]].supplier);
		ck_assert_str_eq(got->date, reviews[order[i]].date);
	}
	srr_review_list_free(l);

	/* A supplier without reviews lists none. */
	struct srr_supplier s = { .key = "calm", .name = "Calm", .tier = SRR_TIER_LOW };
	ck_assert_int_eq(srr_supplier_add(reg, &s), 0);
	ck_assert_int_eq(srr_review_list_new(&l, reg, "calm"), 0);
	ck_assert_uint_eq(srr_review_list_count(l), 0);
	ck_assert_ptr_null(srr_review_list_get(l, 0));
	srr_review_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(review_reviewer_is_the_actor)
{
	struct srr_register *reg = setup();
	ck_assert_int_eq(srr_register_set_actor(reg, "Ada Auditor"), 0);
	struct srr_review r = { .supplier = "bolt",
				.date = "2026-05-05",
				.outcome = SRR_OUTCOME_PASS,
				.reviewer = "someone else" /* ignored on input */ };
	int64_t id = record_ok(reg, &r);
	struct srr_record *rec = last_record(reg, id, "Ada Auditor");
	ck_assert_str_eq(srr_record_get(rec, "reviewer"), "Ada Auditor");
	srr_record_free(rec);
	struct srr_review_list *l;
	ck_assert_int_eq(srr_review_list_new(&l, reg, "bolt"), 0);
	ck_assert_str_eq(srr_review_list_get(l, 0)->reviewer, "Ada Auditor");
	srr_review_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(review_outcome_names)
{
	static const struct {
		enum srr_outcome o;
		const char *name;
	} names[] = {
		{ SRR_OUTCOME_PASS, "pass" },
		{ SRR_OUTCOME_CONDITIONAL, "conditional" },
		{ SRR_OUTCOME_FAIL, "fail" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		ck_assert_str_eq(srr_outcome_name(names[i].o), names[i].name);
		ck_assert_int_eq(srr_outcome_from_name(names[i].name), names[i].o);
	}
	ck_assert_ptr_null(srr_outcome_name(SRR_OUTCOME_NONE));
	ck_assert_ptr_null(srr_outcome_name((enum srr_outcome)4));
	ck_assert_int_eq(srr_outcome_from_name("Pass"), SRR_OUTCOME_NONE);
	ck_assert_int_eq(srr_outcome_from_name(""), SRR_OUTCOME_NONE);
	ck_assert_int_eq(srr_outcome_from_name(NULL), SRR_OUTCOME_NONE);
}
END_TEST

static Suite *
review_suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("review");
	tcase_add_test(tc, review_record_and_round_trip);
	tcase_add_test(tc, review_evidence_hashed);
	tcase_add_test(tc, review_evidence_refused);
	tcase_add_test(tc, review_input_refused);
	tcase_add_test(tc, review_list_newest_first);
	tcase_add_test(tc, review_reviewer_is_the_actor);
	tcase_add_test(tc, review_outcome_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(review_suite());
}
