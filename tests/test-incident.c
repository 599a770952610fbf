/* SPDX-License-Identifier: MIT */
/*
 * Supplier incidents: identified and notified times (RFC 3339 UTC, never
 * in the future), the 24-hour notification window, notified once; every
 * refusal stores nothing, every change logs one event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/register-private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct snapshot {
	long long events, incidents, notified;
};

static struct snapshot
snap(struct srr_register *reg)
{
	return (struct snapshot){
		.events = test_log_size(reg),
		.incidents = test_query_int(reg, "SELECT count(*) FROM incident"),
		.notified = test_query_int(reg, "SELECT count(notified) FROM incident"),
	};
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.incidents, before->incidents);
	ck_assert_int_eq(now.notified, before->notified);
}

/* A register whose today is 2026-11-30, with supplier acme. */
static struct srr_register *
setup(void)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, "2026-11-30"), 0);
	struct srr_supplier s = { .key = "acme", .name = "Acme", .tier = SRR_TIER_CRITICAL };
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	return reg;
}

static int64_t
add_ok(struct srr_register *reg, const struct srr_incident *in)
{
	struct snapshot before = snap(reg);
	int64_t id = -1;
	int rc = srr_incident_add(reg, in, &id);
	ck_assert_msg(rc == 0, "incident at %s: %s", in->identified, srr_errmsg(reg));
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(test_log_size(reg), before.events + 1);
	return id;
}

static void
add_refused(struct srr_register *reg, const struct srr_incident *in, int want, const char *says)
{
	struct snapshot before = snap(reg);
	int64_t id = -7;
	int rc = srr_incident_add(reg, in, &id);
	ck_assert_msg(rc == want, "gave %d (%s), not %d", rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
}

static void
notified_refused(struct srr_register *reg, int64_t id, const char *time, int want, const char *says)
{
	struct snapshot before = snap(reg);
	int rc = srr_incident_notified(reg, id, time);
	ck_assert_msg(rc == want, "gave %d (%s), not %d", rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
}

/* A list holding exactly incident id; free it. */
static struct srr_incident_list *
find_ok(struct srr_register *reg, int64_t id)
{
	struct srr_incident_list *l = NULL;
	int rc = srr_incident_find(&l, reg, id);
	ck_assert_msg(rc == 0, "incident %lld: %s", (long long)id, srr_errmsg(reg));
	ck_assert_uint_eq(srr_incident_list_count(l), 1);
	return l;
}

static int
late(struct srr_register *reg, int64_t id)
{
	struct srr_incident_list *l = find_ok(reg, id);
	int late = srr_incident_list_get(l, 0)->late;
	srr_incident_list_free(l);
	return late;
}

/* The last event: action on incident id; its record parsed. */
static struct srr_record *
last_record(struct srr_register *reg, const char *action, int64_t id)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_str_eq(e->action, action);
	char entity[64];
	snprintf(entity, sizeof(entity), "incident/%lld", (long long)id);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, "tester");
	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_str_eq(srr_record_type(rec), "incident");
	srr_event_list_free(l);
	return rec;
}

START_TEST(incident_add_without_notified)
{
	struct srr_register *reg = setup();
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-30T08:15:00Z",
				   .summary = "HSM cluster unreachable\nfailover took 40 min" };
	int64_t id = add_ok(reg, &in);

	struct srr_record *rec = last_record(reg, "incident.add", id);
	char idtext[32];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	ck_assert_str_eq(srr_record_get(rec, "id"), idtext);
	ck_assert_str_eq(srr_record_get(rec, "supplier"), "acme");
	ck_assert_str_eq(srr_record_get(rec, "identified"), "2026-11-30T08:15:00Z");
	ck_assert_ptr_null(srr_record_get(rec, "notified"));
	ck_assert_str_eq(srr_record_get(rec, "severity"), "medium");
	ck_assert_str_eq(srr_record_get(rec, "summary"), in.summary);
	srr_record_free(rec);

	struct srr_incident_list *l = find_ok(reg, id);
	const struct srr_incident *got = srr_incident_list_get(l, 0);
	ck_assert_int_eq(got->id, id);
	ck_assert_str_eq(got->supplier, "acme");
	ck_assert_str_eq(got->identified, "2026-11-30T08:15:00Z");
	ck_assert_ptr_null(got->notified);
	ck_assert_int_eq(got->severity, SRR_SEVERITY_MEDIUM);
	ck_assert_str_eq(got->summary, in.summary);
	ck_assert_ptr_nonnull(got->created);
	/* Identified today, not notified yet: not late yet. */
	ck_assert_int_eq(got->late, 0);
	ck_assert_ptr_null(srr_incident_list_get(l, 1));
	srr_incident_list_free(l);

	/* Seen three days later it is: never notified, over 24 hours. */
	ck_assert_int_eq(srr_register_set_today(reg, "2026-12-03"), 0);
	ck_assert_int_eq(late(reg, id), 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_add_with_notified)
{
	struct srr_register *reg = setup();
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-27T10:00:00Z",
				   .notified = "2026-11-27T18:30:00Z",
				   .severity = SRR_SEVERITY_CRITICAL,
				   .summary = "key ceremony logs lost" };
	int64_t id = add_ok(reg, &in);
	struct srr_record *rec = last_record(reg, "incident.add", id);
	ck_assert_str_eq(srr_record_get(rec, "notified"), "2026-11-27T18:30:00Z");
	ck_assert_str_eq(srr_record_get(rec, "severity"), "critical");
	srr_record_free(rec);
	struct srr_incident_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_incident_list_get(l, 0)->notified, "2026-11-27T18:30:00Z");
	ck_assert_int_eq(srr_incident_list_get(l, 0)->severity, SRR_SEVERITY_CRITICAL);
	ck_assert_int_eq(srr_incident_list_get(l, 0)->late, 0);
	srr_incident_list_free(l);
	/* Notified at the moment it was identified is fine too. */
	in.notified = in.identified;
	in.severity = SRR_SEVERITY_LOW;
	id = add_ok(reg, &in);
	ck_assert_int_eq(late(reg, id), 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_late_boundary)
{
	struct srr_register *reg = setup();
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-27T10:00:00Z",
				   .notified = "2026-11-28T10:00:00Z",
				   .summary = "exactly a day" };
	int64_t on_time = add_ok(reg, &in);
	in.notified = "2026-11-28T10:00:01Z";
	in.summary = "a day and a second";
	int64_t late_one = add_ok(reg, &in);
	/* Across a month end. */
	in.identified = "2026-10-31T23:59:59Z";
	in.notified = "2026-11-01T23:59:59Z";
	int64_t month_end = add_ok(reg, &in);
	in.notified = "2026-11-02T00:00:00Z";
	int64_t month_end_late = add_ok(reg, &in);
	ck_assert_int_eq(late(reg, on_time), 0);
	ck_assert_int_eq(late(reg, late_one), 1);
	ck_assert_int_eq(late(reg, month_end), 0);
	ck_assert_int_eq(late(reg, month_end_late), 1);
	/* Whatever day it is now. */
	ck_assert_int_eq(srr_register_set_today(reg, "2030-01-01"), 0);
	ck_assert_int_eq(late(reg, on_time), 0);
	ck_assert_int_eq(late(reg, late_one), 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_add_refused)
{
	struct srr_register *reg = setup();
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-28T10:00:00Z",
				   .notified = "2026-11-28T09:59:59Z",
				   .summary = "s" };
	add_refused(reg, &in, SRR_E_INPUT, "before identified");
	in.notified = NULL;

	/* The future starts after the end of the register's today. */
	in.identified = "2026-12-01T00:00:00Z";
	add_refused(reg, &in, SRR_E_INPUT, "future");
	in.identified = "2026-11-30T23:59:59Z";
	add_ok(reg, &in);
	in.identified = "2026-11-29T10:00:00Z";
	in.notified = "2026-12-01T00:00:00Z";
	add_refused(reg, &in, SRR_E_INPUT, "future");
	in.notified = NULL;

	static const char *const bad_times[] = {
		"2026-11-27 10:00",
		"2026-11-27T10:00:00+01:00",
		"2026-11-27T10:00:00+00:00",
		"2026-11-27T10:00Z",
		"2026-11-27T10:00:00.5Z",
		"2026-11-27t10:00:00z",
		"2026-11-27T24:00:00Z",
		"2026-02-30T10:00:00Z",
		"2026-11-27T10:00:60Z",
		"2026-11-27",
		"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_times); i++) {
		in.identified = bad_times[i];
		add_refused(reg, &in, SRR_E_INPUT, "RFC 3339");
		in.identified = "2026-11-27T10:00:00Z";
		in.notified = bad_times[i];
		add_refused(reg, &in, SRR_E_INPUT, "RFC 3339");
		in.notified = NULL;
	}
	in.identified = NULL;
	add_refused(reg, &in, SRR_E_INPUT, "RFC 3339");
	in.identified = "2026-11-27T10:00:00Z";

	static const char *const bad_summaries[] = {
		"",	   "bell\a",	       "tab\tsummary",	"esc\x1b[31m",
		"del\x7f", "c1 \xc2\x85 next", "bad \xff utf-8"
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_summaries); i++) {
		in.summary = bad_summaries[i];
		add_refused(reg, &in, SRR_E_INPUT, "summary");
	}
	in.summary = NULL;
	add_refused(reg, &in, SRR_E_INPUT, "summary");
	in.summary = "s";

	in.severity = (enum srr_severity)9;
	add_refused(reg, &in, SRR_E_INPUT, "severity");
	in.severity = SRR_SEVERITY_HIGH;

	in.supplier = "nobody";
	add_refused(reg, &in, SRR_E_NOTFOUND, "nobody");
	in.supplier = "Not A Key";
	struct snapshot before = snap(reg);
	ck_assert_int_ne(srr_incident_add(reg, &in, NULL), 0);
	assert_unchanged(reg, &before);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_notified_once)
{
	struct srr_register *reg = setup();
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-27T10:00:00Z",
				   .severity = SRR_SEVERITY_HIGH,
				   .summary = "CRL not published" };
	int64_t id = add_ok(reg, &in);
	ck_assert_int_eq(late(reg, id), 1);

	notified_refused(reg, id, "2026-11-27T09:59:59Z", SRR_E_INPUT, "before identified");
	notified_refused(reg, id, "2026-12-01T00:00:00Z", SRR_E_INPUT, "future");
	notified_refused(reg, id, "2026-11-28 10:00", SRR_E_INPUT, "RFC 3339");
	notified_refused(reg, id, "2026-11-28T10:00:00+01:00", SRR_E_INPUT, "RFC 3339");
	notified_refused(reg, id, NULL, SRR_E_INPUT, "RFC 3339");
	notified_refused(reg, id + 100, "2026-11-28T10:00:00Z", SRR_E_NOTFOUND, "no incident");

	/* Within 24 hours: one event, no longer late. */
	long long events = test_log_size(reg);
	ck_assert_msg(srr_incident_notified(reg, id, "2026-11-28T10:00:00Z") == 0, "%s",
		      srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 1);
	struct srr_record *rec = last_record(reg, "incident.notified", id);
	ck_assert_str_eq(srr_record_get(rec, "identified"), "2026-11-27T10:00:00Z");
	ck_assert_str_eq(srr_record_get(rec, "notified"), "2026-11-28T10:00:00Z");
	ck_assert_str_eq(srr_record_get(rec, "severity"), "high");
	ck_assert_str_eq(srr_record_get(rec, "summary"), "CRL not published");
	srr_record_free(rec);
	struct srr_incident_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_incident_list_get(l, 0)->notified, "2026-11-28T10:00:00Z");
	ck_assert_int_eq(srr_incident_list_get(l, 0)->late, 0);
	srr_incident_list_free(l);

	/* Only once, whatever the time. */
	notified_refused(reg, id, "2026-11-28T10:00:00Z", SRR_E_STATE, "already notified");
	notified_refused(reg, id, "2026-11-29T10:00:00Z", SRR_E_STATE, "already notified");
	l = find_ok(reg, id);
	ck_assert_str_eq(srr_incident_list_get(l, 0)->notified, "2026-11-28T10:00:00Z");
	srr_incident_list_free(l);

	/* Given at add: also only once. */
	in.notified = "2026-11-29T10:00:01Z";
	int64_t id2 = add_ok(reg, &in);
	ck_assert_int_eq(late(reg, id2), 1);
	notified_refused(reg, id2, "2026-11-28T10:00:00Z", SRR_E_STATE, "already notified");

	/* A late notification is recorded and stays late. */
	in.notified = NULL;
	int64_t id3 = add_ok(reg, &in);
	ck_assert_int_eq(srr_incident_notified(reg, id3, "2026-11-30T23:59:59Z"), 0);
	ck_assert_int_eq(late(reg, id3), 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_list_and_find)
{
	struct srr_register *reg = setup();
	struct srr_supplier s = { .key = "bolt", .name = "Bolt", .tier = SRR_TIER_LOW };
	ck_assert_int_eq(srr_supplier_add(reg, &s), 0);
	static const struct {
		const char *supplier, *identified;
	} incidents[] = {
		{ "acme", "2026-10-01T10:00:00Z" }, { "bolt", "2026-11-01T10:00:00Z" },
		{ "acme", "2026-11-15T10:00:00Z" }, { "acme", "2026-09-01T10:00:00Z" },
		{ "acme", "2026-11-15T10:00:00Z" },
	};
	int64_t ids[ARRAY_SIZE(incidents)];
	for (size_t i = 0; i < ARRAY_SIZE(incidents); i++) {
		struct srr_incident in = { .supplier = incidents[i].supplier,
					   .identified = incidents[i].identified,
					   .summary = "x" };
		ids[i] = add_ok(reg, &in);
	}
	struct srr_incident_list *l;
	ck_assert_int_eq(srr_incident_list_new(&l, reg, "acme"), 0);
	ck_assert_uint_eq(srr_incident_list_count(l), 4);
	static const size_t acme_order[] = { 4, 2, 0, 3 };
	for (size_t i = 0; i < ARRAY_SIZE(acme_order); i++)
		ck_assert_int_eq(srr_incident_list_get(l, i)->id, ids[acme_order[i]]);
	srr_incident_list_free(l);
	ck_assert_int_eq(srr_incident_list_new(&l, reg, NULL), 0);
	ck_assert_uint_eq(srr_incident_list_count(l), 5);
	ck_assert_int_eq(srr_incident_list_get(l, 2)->id, ids[1]);
	ck_assert_str_eq(srr_incident_list_get(l, 2)->supplier, "bolt");
	srr_incident_list_free(l);

	l = NULL;
	ck_assert_int_eq(srr_incident_list_new(&l, reg, "nobody"), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(srr_incident_find(&l, reg, 999), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);
	test_assert_errmsg_has(reg, "999");
	srr_incident_list_free(NULL);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_severity_names)
{
	static const char *const names[] = { NULL, "low", "medium", "high", "critical" };
	for (int s = SRR_SEVERITY_LOW; s <= SRR_SEVERITY_CRITICAL; s++) {
		ck_assert_str_eq(srr_severity_name((enum srr_severity)s), names[s]);
		ck_assert_int_eq(srr_severity_from_name(names[s]), s);
	}
	ck_assert_ptr_null(srr_severity_name(SRR_SEVERITY_NONE));
	ck_assert_ptr_null(srr_severity_name((enum srr_severity)5));
	ck_assert_int_eq(srr_severity_from_name("Medium"), SRR_SEVERITY_NONE);
	ck_assert_int_eq(srr_severity_from_name(NULL), SRR_SEVERITY_NONE);
}
END_TEST

static Suite *
incident_suite(void)
{
	Suite *s = suite_create("incident");
	TCase *tc = tcase_create("incident");
	tcase_add_test(tc, incident_add_without_notified);
	tcase_add_test(tc, incident_add_with_notified);
	tcase_add_test(tc, incident_late_boundary);
	tcase_add_test(tc, incident_add_refused);
	tcase_add_test(tc, incident_notified_once);
	tcase_add_test(tc, incident_list_and_find);
	tcase_add_test(tc, incident_severity_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(incident_suite());
}
