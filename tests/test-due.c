/* SPDX-License-Identifier: MIT */
/*
 * srr due and supplier scores against hand-computed tables: month ends,
 * leap days, the boundary between due and overdue, and what closes an
 * unscheduled review.
 */
#include <stdio.h>
#include <string.h>

#include "test-common.h"

/* A register whose "today" is far enough ahead to record the dated facts. */
static struct srr_register *
setup(const char *today)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, today), 0);
	return reg;
}

static void
add_supplier(struct srr_register *reg, const char *key, enum srr_tier tier)
{
	struct srr_supplier s = { .key = key, .name = key, .tier = tier };
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
}

static void
review(struct srr_register *reg, const char *key, const char *date)
{
	struct srr_review r = { .supplier = key, .date = date, .outcome = SRR_OUTCOME_PASS };
	ck_assert_msg(srr_review_record(reg, &r, NULL) == 0, "%s", srr_errmsg(reg));
}

/* The single item of kind for supplier key as of the day, or NULL. */
static const struct srr_due_item *
find_item(const struct srr_due_list *l, enum srr_due_kind kind, const char *key)
{
	const struct srr_due_item *found = NULL;
	for (size_t i = 0; i < srr_due_list_count(l); i++) {
		const struct srr_due_item *it = srr_due_list_get(l, i);
		if (it->kind == kind && strcmp(it->supplier, key) == 0) {
			ck_assert_msg(!found, "two %s items for %s", srr_due_kind_name(kind), key);
			found = it;
		}
	}
	return found;
}

/* Scheduled review = last review + tier cadence (default policy: critical 3,
 * high 6, medium 12, low 12 months), clamped to the month's end. */
static const struct {
	enum srr_tier tier;
	const char *last, *due;
} cadence_cases[] = {
	{ SRR_TIER_CRITICAL, "2025-11-30", "2026-02-28" }, /* Feb, not leap */
	{ SRR_TIER_CRITICAL, "2027-11-30", "2028-02-29" }, /* leap day */
	{ SRR_TIER_CRITICAL, "2027-11-29", "2028-02-29" },
	{ SRR_TIER_CRITICAL, "2026-01-31", "2026-04-30" }, /* 31 -> 30 */
	{ SRR_TIER_HIGH, "2027-08-31", "2028-02-29" },
	{ SRR_TIER_HIGH, "2026-03-31", "2026-09-30" },
	{ SRR_TIER_MEDIUM, "2028-02-29", "2029-02-28" }, /* leap day + a year */
	{ SRR_TIER_LOW, "2026-12-31", "2027-12-31" },
	{ SRR_TIER_HIGH, "2026-07-15", "2027-01-15" }, /* across a year end */
};

START_TEST(scheduled_review_dates)
{
	const char *last = cadence_cases[_i].last, *due = cadence_cases[_i].due;
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", cadence_cases[_i].tier);
	review(reg, "s", last);

	/* The day before due, due itself, and the day after. */
	int64_t y, m, d;
	ck_assert_int_eq(sscanf(due, "%4ld-%2ld-%2ld", &y, &m, &d), 3);
	struct srr_due_list *l;
	ck_assert_int_eq(srr_due_list_new(&l, reg, due, 0), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_REVIEW, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, due);
	ck_assert_int_eq(it->overdue, 0);
	ck_assert_int_eq(it->days, 0);
	ck_assert_str_eq(it->requirement, "REQ-7.14.3-10");
	ck_assert_int_eq(srr_due_list_overdue(l), 0);
	srr_due_list_free(l);

	/* Seen from a year later it is overdue, by the exact number of days. */
	char later[64];
	snprintf(later, sizeof(later), "%04ld-%02ld-%02ld", y + 1, m, d > 28 ? 28L : d);
	ck_assert_int_eq(srr_due_list_new(&l, reg, later, 0), 0);
	it = find_item(l, SRR_DUE_REVIEW, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->overdue, 1);
	ck_assert_int_lt(it->days, -300);
	ck_assert_int_ge(srr_due_list_overdue(l), 1);
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(due_window_and_overdue_boundary)
{
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_CRITICAL);
	review(reg, "s", "2028-01-15"); /* due 2028-04-15 */
	struct srr_due_list *l;
	/* 10 days before: not listed within 9 days, listed within 10. */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-05", 9), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_REVIEW, "s"));
	srr_due_list_free(l);
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-05", 10), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_REVIEW, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->days, 10);
	ck_assert_int_eq(it->overdue, 0);
	srr_due_list_free(l);
	/* The day after: overdue by one day. */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-16", 0), 0);
	it = find_item(l, SRR_DUE_REVIEW, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->days, -1);
	ck_assert_int_eq(it->overdue, 1);
	srr_due_list_free(l);
	/* A later review moves the next due date; reviews after the as-of day
	 * do not count for it. */
	review(reg, "s", "2028-04-20");
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-19", 0), 0);
	ck_assert_str_eq(find_item(l, SRR_DUE_REVIEW, "s")->due, "2028-04-15");
	srr_due_list_free(l);
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-21", 0), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_REVIEW, "s"));
	srr_due_list_free(l);
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-21", 100), 0);
	ck_assert_str_eq(find_item(l, SRR_DUE_REVIEW, "s")->due, "2028-07-20");
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(cadence_follows_the_policy_in_force)
{
	/* A next-review date is never stored: changing the policy changes it. */
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_LOW);
	review(reg, "s", "2028-01-31");
	struct srr_due_list *l;
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-02-01", 400), 0);
	ck_assert_str_eq(find_item(l, SRR_DUE_REVIEW, "s")->due, "2029-01-31");
	srr_due_list_free(l);

	FILE *f = fopen(test_path("p.yaml"), "w");
	ck_assert_ptr_nonnull(f);
	fputs("version: 1\nname: monthly\nreview:\n  cadence_months: {critical: 1, high: 1, "
	      "medium: 1, low: 1}\nrisk:\n  likelihood: [a, b]\n  impact: [x, y]\n  levels:\n"
	      "    - {name: low, max: 2}\n    - {name: high, max: 4}\n  tolerance: low\n"
	      "  acceptance_max_days: 30\n",
	      f);
	fclose(f);
	ck_assert_msg(srr_policy_set(reg, test_path("p.yaml"), NULL) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-02-01", 400), 0);
	ck_assert_str_eq(find_item(l, SRR_DUE_REVIEW, "s")->due, "2028-02-29");
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(incident_makes_a_review_due)
{
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_LOW);
	review(reg, "s", "2028-01-10");
	struct srr_incident in = { .supplier = "s", .identified = "2028-02-28T23:30:00Z",
				   .notified = "2028-02-29T10:00:00Z", .summary = "outage" };
	ck_assert_msg(srr_incident_add(reg, &in, NULL) == 0, "%s", srr_errmsg(reg));
	struct srr_due_list *l;
	/* after_incident_days 30 from 2028-02-28 (leap year) = 2028-03-29 */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-30", 0), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_REVIEW_INCIDENT, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "2028-03-29");
	ck_assert_int_eq(it->overdue, 1);
	ck_assert_str_eq(it->requirement, "REQ-7.14.1-06");
	/* Notified within 24 hours: no notification item. */
	ck_assert_ptr_null(find_item(l, SRR_DUE_NOTIFICATION, "s"));
	srr_due_list_free(l);
	/* Not yet identified on an earlier day: nothing. */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-02-27", 365), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_REVIEW_INCIDENT, "s"));
	srr_due_list_free(l);
	/* A review on the day of the incident closes it. */
	review(reg, "s", "2028-02-28");
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-30", 0), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_REVIEW_INCIDENT, "s"));
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(late_notification_is_flagged)
{
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_LOW);
	struct srr_incident in = { .supplier = "s", .identified = "2028-03-01T08:00:00Z",
				   .notified = "2028-03-02T08:00:01Z", .summary = "breach" };
	ck_assert_int_eq(srr_incident_add(reg, &in, NULL), 0);
	struct srr_incident on_time = { .supplier = "s", .identified = "2028-04-01T08:00:00Z",
					.notified = "2028-04-02T08:00:00Z", .summary = "x" };
	ck_assert_int_eq(srr_incident_add(reg, &on_time, NULL), 0);
	struct srr_incident_list *il;
	ck_assert_int_eq(srr_incident_list_new(&il, reg, "s"), 0);
	ck_assert_int_eq(srr_incident_list_count(il), 2);
	ck_assert_int_eq(srr_incident_list_get(il, 0)->late, 0); /* exactly 24 h */
	ck_assert_int_eq(srr_incident_list_get(il, 1)->late, 1); /* 24 h + 1 s */
	srr_incident_list_free(il);
	struct srr_due_list *l;
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-05-01", 0), 0);
	const struct srr_due_item *it = NULL;
	size_t n = 0;
	for (size_t i = 0; i < srr_due_list_count(l); i++)
		if (srr_due_list_get(l, i)->kind == SRR_DUE_NOTIFICATION) {
			it = srr_due_list_get(l, i);
			n++;
		}
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(it->subject, "incident/1");
	ck_assert_str_eq(it->requirement, "REQ-7.9.3-01");
	srr_due_list_free(l);
	struct srr_score_list *sl;
	ck_assert_int_eq(srr_score_list_new(&sl, reg, "s", "2028-05-01"), 0);
	ck_assert_int_eq(srr_score_list_get(sl, 0)->factors[5].count, 1);
	srr_score_list_free(sl);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_breach_makes_a_review_due)
{
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_LOW);
	review(reg, "s", "2028-01-05");
	struct srr_contract c = { .supplier = "s", .ref = "C", .start = "2027-01-01",
				  .end = "2029-12-31", .notice_days = -1 };
	ck_assert_int_eq(srr_contract_add(reg, &c), 0);
	struct srr_sla sla = { .supplier = "s", .contract = "C", .metric = "avail",
			       .target = "99.9", .comparator = SRR_CMP_GE };
	ck_assert_int_eq(srr_sla_add(reg, &sla), 0);
	int breach = -1;
	ck_assert_int_eq(srr_sla_record(reg, "s", "C", "avail", "2028-01", "99.95", &breach), 0);
	ck_assert_int_eq(breach, 0);
	ck_assert_int_eq(srr_sla_record(reg, "s", "C", "avail", "2028-02", "99.8", &breach), 0);
	ck_assert_int_eq(breach, 1);
	struct srr_due_list *l;
	/* Period 2028-02 ends on the leap day; + 30 days = 2028-03-30. */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-30", 0), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_REVIEW_SLA_BREACH, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "2028-03-30");
	ck_assert_int_eq(it->overdue, 0);
	srr_due_list_free(l);
	struct srr_score_list *sl;
	ck_assert_int_eq(srr_score_list_new(&sl, reg, "s", "2028-03-31"), 0);
	const struct srr_score *sc = srr_score_list_get(sl, 0);
	ck_assert_str_eq(sc->factors[2].name, "sla_breach");
	ck_assert_int_eq(sc->factors[2].count, 1);
	ck_assert_str_eq(sc->factors[3].name, "overdue_review");
	ck_assert_int_eq(sc->factors[3].count, 1);
	srr_score_list_free(sl);
	/* A review during the breached month does not close it; after, it does. */
	review(reg, "s", "2028-02-29");
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-31", 0), 0);
	ck_assert_ptr_nonnull(find_item(l, SRR_DUE_REVIEW_SLA_BREACH, "s"));
	srr_due_list_free(l);
	review(reg, "s", "2028-03-01");
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-31", 0), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_REVIEW_SLA_BREACH, "s"));
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(contract_notice_and_end)
{
	struct srr_register *reg = setup("2030-01-01");
	add_supplier(reg, "s", SRR_TIER_LOW);
	review(reg, "s", "2028-01-05");
	struct srr_contract c = { .supplier = "s", .ref = "C", .start = "2027-01-01",
				  .end = "2028-03-31", .notice_days = 31,
				  .clauses = SRR_CLAUSE_ALL };
	ck_assert_int_eq(srr_contract_add(reg, &c), 0);
	struct srr_due_list *l;
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-02-01", 60), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_CONTRACT_NOTICE, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "2028-02-29"); /* 2028-03-31 - 31 days */
	it = find_item(l, SRR_DUE_CONTRACT_END, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "2028-03-31");
	ck_assert_int_eq(it->overdue, 0);
	srr_due_list_free(l);
	/* After the end, with the supplier still active: the end is overdue
	 * and the notice item is gone. */
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-01", 0), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_CONTRACT_NOTICE, "s"));
	ck_assert_int_eq(find_item(l, SRR_DUE_CONTRACT_END, "s")->overdue, 1);
	srr_due_list_free(l);
	/* Terminated: nothing more to do about it. */
	ck_assert_int_eq(srr_contract_terminate(reg, "s", "C", "2028-03-15"), 0);
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-04-01", 0), 0);
	ck_assert_ptr_null(find_item(l, SRR_DUE_CONTRACT_END, "s"));
	srr_due_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_items_and_score)
{
	struct srr_register *reg = setup("2028-01-10");
	add_supplier(reg, "s", SRR_TIER_CRITICAL);
	review(reg, "s", "2028-01-05");
	struct srr_risk r = { .supplier = "s", .title = "t", .likelihood = 4, .impact = 4,
			      .review_date = "2028-06-30", .owner = "olga" };
	int64_t id;
	ck_assert_int_eq(srr_risk_add(reg, &r, &id), 0);
	struct srr_action acts[] = { { .text = "fix", .owner = "ann", .due = "2028-02-29" } };
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_ACCEPT,
					   .residual_likelihood = 4,
					   .residual_impact = 4,
					   .justification = "cheaper",
					   .until = "2028-12-31",
					   .set_actions = 1,
					   .n_actions = 1,
					   .actions = acts };
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	struct srr_due_list *l;
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2028-03-01", 0), 0);
	const struct srr_due_item *it = find_item(l, SRR_DUE_ACTION, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "2028-02-29");
	ck_assert_str_eq(it->who, "ann");
	ck_assert_int_eq(it->overdue, 1);
	/* 16 is high, above the default tolerance (medium): pending approval. */
	it = find_item(l, SRR_DUE_ACCEPTANCE_APPROVAL, "s");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->overdue, 0);
	srr_due_list_free(l);
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2029-01-01", 0), 0);
	ck_assert_int_eq(find_item(l, SRR_DUE_ACCEPTANCE_EXPIRY, "s")->overdue, 1);
	ck_assert_int_eq(find_item(l, SRR_DUE_RISK_REVIEW, "s")->overdue, 1);
	ck_assert_str_eq(find_item(l, SRR_DUE_RISK_REVIEW, "s")->due, "2028-06-30");
	srr_due_list_free(l);

	/* Score on 2028-03-01: residual high = rank 3 x 10, tier critical
	 * 4 x 5, no breaches, the review (2028-01-05 + 3 months) not yet due. */
	struct srr_score_list *sl;
	ck_assert_int_eq(srr_score_list_new(&sl, reg, NULL, "2028-03-01"), 0);
	ck_assert_int_eq(srr_score_list_count(sl), 1);
	const struct srr_score *sc = srr_score_list_get(sl, 0);
	ck_assert_int_eq(sc->factors[0].points, 30);
	ck_assert_int_eq(sc->factors[1].points, 20);
	ck_assert_int_eq(sc->factors[3].count, 0);
	ck_assert_int_eq(sc->total, 50);
	srr_score_list_free(sl);
	/* On 2028-04-06 the scheduled review is overdue: + 4. */
	ck_assert_int_eq(srr_score_list_new(&sl, reg, "s", "2028-04-06"), 0);
	ck_assert_int_eq(srr_score_list_get(sl, 0)->total, 54);
	srr_score_list_free(sl);
	ck_assert_int_eq(srr_score_list_new(&sl, reg, "nobody", NULL), SRR_E_NOTFOUND);
	srr_register_free(reg);
}
END_TEST

START_TEST(bad_as_of)
{
	struct srr_register *reg = setup("2030-01-01");
	struct srr_due_list *l = NULL;
	ck_assert_int_eq(srr_due_list_new(&l, reg, "2026-02-30", 0), SRR_E_INPUT);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(srr_errmsg(reg), "2026-02-30"));
	srr_register_free(reg);
}
END_TEST

static Suite *
due_suite(void)
{
	Suite *s = suite_create("due");
	TCase *tc = tcase_create("due");
	tcase_add_loop_test(tc, scheduled_review_dates, 0,
			    sizeof(cadence_cases) / sizeof(cadence_cases[0]));
	tcase_add_test(tc, due_window_and_overdue_boundary);
	tcase_add_test(tc, cadence_follows_the_policy_in_force);
	tcase_add_test(tc, incident_makes_a_review_due);
	tcase_add_test(tc, late_notification_is_flagged);
	tcase_add_test(tc, sla_breach_makes_a_review_due);
	tcase_add_test(tc, contract_notice_and_end);
	tcase_add_test(tc, risk_items_and_score);
	tcase_add_test(tc, bad_as_of);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(due_suite());
}
