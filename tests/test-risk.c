/* SPDX-License-Identifier: MIT */
/*
 * Risks: likelihood x impact on the policy's matrix, levels derived from
 * the policy in force when read, treatment and acceptance, actions,
 * closing; every refusal stores nothing, every change logs one event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/register-private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set a policy with these risk lines (likelihood .. acceptance_max_days). */
static void
set_policy(struct srr_register *reg, const char *risk)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "version: 1\nname: test\nreview:\n"
		 "  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\n"
		 "risk:\n%s\n",
		 risk);
	test_write_file(test_path("policy.yaml"), text);
	int rc = srr_policy_set(reg, test_path("policy.yaml"), NULL);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
}

/* A register on 2026-01-01 with suppliers acme and bolt. */
static struct srr_register *
setup(void)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, "2026-01-01"), 0);
	static const char *const keys[] = { "acme", "bolt" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct srr_supplier s = { .key = keys[i], .name = keys[i], .tier = SRR_TIER_HIGH };
		ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	}
	return reg;
}

static int64_t
add_ok(struct srr_register *reg, const char *supplier, unsigned likelihood, unsigned impact)
{
	long long events = test_log_size(reg);
	struct srr_risk r = { .supplier = supplier,
			      .title = "Single-region hosting",
			      .likelihood = likelihood,
			      .impact = impact };
	int64_t id = -1;
	int rc = srr_risk_add(reg, &r, &id);
	ck_assert_msg(rc == 0, "%u x %u: %s", likelihood, impact, srr_errmsg(reg));
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(test_log_size(reg), events + 1);
	return id;
}

/* A list holding exactly risk id; free it. */
static struct srr_risk_list *
find_ok(struct srr_register *reg, int64_t id)
{
	struct srr_risk_list *l = NULL;
	int rc = srr_risk_find(&l, reg, id);
	ck_assert_msg(rc == 0, "R-%lld: %s", (long long)id, srr_errmsg(reg));
	ck_assert_uint_eq(srr_risk_list_count(l), 1);
	return l;
}

/* The risk's state as one line, to show that a refusal changed nothing. */
static char *
state(struct srr_register *reg, int64_t id)
{
	struct srr_risk_list *l = find_ok(reg, id);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	char buf[2048];
	int n = snprintf(buf, sizeof(buf), "%d %d %u %u %s %s %s %zu", r->closed, r->treatment,
			 r->residual_likelihood, r->residual_impact,
			 r->justification ? r->justification : "-",
			 r->accept_until ? r->accept_until : "-", r->updated, r->n_actions);
	for (size_t i = 0; i < r->n_actions; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " [%s %s]", r->actions[i].text,
			      r->actions[i].done ? r->actions[i].done : "-");
	srr_risk_list_free(l);
	return strdup(buf);
}

struct snapshot {
	long long events, risks, actions;
};

static struct snapshot
snap(struct srr_register *reg)
{
	return (struct snapshot){
		.events = test_log_size(reg),
		.risks = test_count_rows(reg, "risk"),
		.actions = test_count_rows(reg, "risk_action"),
	};
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.risks, before->risks);
	ck_assert_int_eq(now.actions, before->actions);
}

static void
add_refused(struct srr_register *reg, const struct srr_risk *r, int want, const char *says)
{
	struct snapshot before = snap(reg);
	int64_t id = -7;
	int rc = srr_risk_add(reg, r, &id);
	ck_assert_msg(rc == want, "'%s' %u x %u gave %d (%s), not %d", r->title ? r->title : "-",
		      r->likelihood, r->impact, rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
}

static void
treat_ok(struct srr_register *reg, int64_t id, const struct srr_treatment_plan *plan)
{
	long long events = test_log_size(reg);
	int rc = srr_risk_treat(reg, id, plan);
	ck_assert_msg(rc == 0, "treat R-%lld: %s", (long long)id, srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 1);
}

static void
treat_refused(struct srr_register *reg, int64_t id, const struct srr_treatment_plan *plan, int want,
	      const char *says)
{
	struct snapshot before = snap(reg);
	char *was = state(reg, id);
	int rc = srr_risk_treat(reg, id, plan);
	ck_assert_msg(rc == want, "gave %d (%s), not %d", rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
	char *now = state(reg, id);
	ck_assert_str_eq(now, was);
	free(was);
	free(now);
}

static void
done_refused(struct srr_register *reg, int64_t id, size_t index, const char *date, int want,
	     const char *says)
{
	struct snapshot before = snap(reg);
	char *was = state(reg, id);
	int rc = srr_risk_action_done(reg, id, index, date);
	ck_assert_msg(rc == want, "action %zu on %s gave %d (%s), not %d", index,
		      date ? date : "today", rc, srr_errmsg(reg), want);
	test_assert_errmsg_has(reg, says);
	assert_unchanged(reg, &before);
	char *now = state(reg, id);
	ck_assert_str_eq(now, was);
	free(was);
	free(now);
}

/* The last event: action on risk id; its record parsed. */
static struct srr_record *
last_record(struct srr_register *reg, const char *action, int64_t id)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_str_eq(e->action, action);
	char entity[64];
	snprintf(entity, sizeof(entity), "risk/%lld", (long long)id);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, "tester");
	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_str_eq(srr_record_type(rec), "risk");
	srr_event_list_free(l);
	return rec;
}

/* Every value of field name in rec, joined with "|". */
static const char *
all_of(char *buf, size_t size, const struct srr_record *rec, const char *name)
{
	buf[0] = '\0';
	for (size_t i = 0; i < srr_record_count(rec); i++)
		if (strcmp(srr_record_name(rec, i), name) == 0) {
			size_t len = strlen(buf);
			snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
				 srr_record_value(rec, i));
		}
	return buf;
}

START_TEST(risk_add_and_find)
{
	struct srr_register *reg = setup();
	struct srr_risk in = { .supplier = "acme",
			       .title = "Single-region hosting",
			       .description = "All HSMs in one data centre.\nNo tested failover.",
			       .owner = "Olga Owner",
			       .likelihood = 3,
			       .impact = 4,
			       .review_date = "2026-06-30" };
	int64_t id = -1;
	ck_assert_msg(srr_risk_add(reg, &in, &id) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(id, 1);

	struct srr_record *rec = last_record(reg, "risk.add", id);
	ck_assert_str_eq(srr_record_get(rec, "id"), "1");
	ck_assert_str_eq(srr_record_get(rec, "supplier"), "acme");
	ck_assert_str_eq(srr_record_get(rec, "title"), in.title);
	ck_assert_str_eq(srr_record_get(rec, "description"), in.description);
	ck_assert_str_eq(srr_record_get(rec, "owner"), "Olga Owner");
	ck_assert_str_eq(srr_record_get(rec, "likelihood"), "3");
	ck_assert_str_eq(srr_record_get(rec, "impact"), "4");
	ck_assert_str_eq(srr_record_get(rec, "review-date"), "2026-06-30");
	ck_assert_str_eq(srr_record_get(rec, "status"), "open");
	ck_assert_ptr_null(srr_record_get(rec, "treatment"));
	ck_assert_ptr_null(srr_record_get(rec, "residual-likelihood"));
	srr_record_free(rec);

	struct srr_risk_list *l = find_ok(reg, id);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	ck_assert_int_eq(r->id, id);
	ck_assert_str_eq(r->supplier, "acme");
	ck_assert_str_eq(r->title, in.title);
	ck_assert_str_eq(r->description, in.description);
	ck_assert_str_eq(r->owner, in.owner);
	ck_assert_uint_eq(r->likelihood, 3);
	ck_assert_uint_eq(r->impact, 4);
	ck_assert_str_eq(r->review_date, "2026-06-30");
	ck_assert_int_eq(r->closed, 0);
	ck_assert_int_eq(r->treatment, SRR_TREATMENT_NONE);
	ck_assert_uint_eq(r->residual_likelihood, 0);
	ck_assert_uint_eq(r->residual_impact, 0);
	ck_assert_ptr_null(r->justification);
	ck_assert_ptr_null(r->accept_until);
	ck_assert_uint_eq(r->n_actions, 0);
	/* 12 is high under the default policy; untreated, the inherent level counts. */
	ck_assert_str_eq(r->level, "high");
	ck_assert_ptr_null(r->residual_level);
	ck_assert_int_eq(r->residual_rank, 3);
	ck_assert_int_eq(r->above_tolerance, 1);
	ck_assert_int_eq(r->acceptance, SRR_ACCEPTANCE_NONE);
	ck_assert_str_eq(r->created, r->updated);
	ck_assert_ptr_null(srr_risk_list_get(l, 1));
	srr_risk_list_free(l);

	/* The optional fields may be left out; ids count on. */
	ck_assert_int_eq(add_ok(reg, "acme", 1, 1), 2);
	l = find_ok(reg, 2);
	r = srr_risk_list_get(l, 0);
	ck_assert_ptr_null(r->description);
	ck_assert_ptr_null(r->owner);
	ck_assert_ptr_null(r->review_date);
	srr_risk_list_free(l);
	ck_assert_msg(srr_risk_add(reg, &in, NULL) == 0, "%s", srr_errmsg(reg));

	l = NULL;
	ck_assert_int_eq(srr_risk_find(&l, reg, 99), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);
	test_assert_errmsg_has(reg, "R-99");
	srr_risk_list_free(NULL);
	srr_register_free(reg);
}
END_TEST

static const struct {
	unsigned l, i;
	const char *level;
	int rank, above;
} default_levels[] = {
	{ 1, 1, "low", 1, 0 },	    { 2, 2, "low", 1, 0 },	{ 1, 5, "medium", 2, 0 },
	{ 3, 3, "medium", 2, 0 },   { 2, 5, "high", 3, 1 },	{ 4, 4, "high", 3, 1 },
	{ 4, 5, "critical", 4, 1 }, { 5, 5, "critical", 4, 1 },
};

START_TEST(risk_levels_from_the_default_policy)
{
	struct srr_register *reg = setup();
	for (size_t k = 0; k < ARRAY_SIZE(default_levels); k++) {
		int64_t id = add_ok(reg, "acme", default_levels[k].l, default_levels[k].i);
		struct srr_risk_list *l = find_ok(reg, id);
		const struct srr_risk *r = srr_risk_list_get(l, 0);
		ck_assert_str_eq(r->level, default_levels[k].level);
		ck_assert_int_eq(r->residual_rank, default_levels[k].rank);
		ck_assert_int_eq(r->above_tolerance, default_levels[k].above);
		srr_risk_list_free(l);
	}
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_add_refused)
{
	struct srr_register *reg = setup();
	struct srr_risk r = { .supplier = "acme", .title = "t", .likelihood = 0, .impact = 3 };
	add_refused(reg, &r, SRR_E_INPUT, "likelihood 0 is outside the risk matrix (1 to 5)");
	r.likelihood = 6;
	add_refused(reg, &r, SRR_E_INPUT, "likelihood 6 is outside the risk matrix (1 to 5)");
	r.likelihood = 3;
	r.impact = 0;
	add_refused(reg, &r, SRR_E_INPUT, "impact 0 is outside the risk matrix (1 to 5)");
	r.impact = 6;
	add_refused(reg, &r, SRR_E_INPUT, "impact 6 is outside the risk matrix (1 to 5)");
	r.impact = 3;

	r.title = "";
	add_refused(reg, &r, SRR_E_INPUT, "title");
	r.title = NULL;
	add_refused(reg, &r, SRR_E_INPUT, "title");
	r.title = "two\nlines";
	add_refused(reg, &r, SRR_E_INPUT, "title");
	char long_title[258];
	memset(long_title, 't', 257);
	long_title[257] = '\0';
	r.title = long_title;
	add_refused(reg, &r, SRR_E_INPUT, "title");
	r.title = "t";
	r.description = "bell\a";
	add_refused(reg, &r, SRR_E_INPUT, "description");
	r.description = NULL;
	r.owner = "two\nlines";
	add_refused(reg, &r, SRR_E_INPUT, "owner");
	r.owner = NULL;
	r.review_date = "2026-02-30";
	add_refused(reg, &r, SRR_E_INPUT, "2026-02-30");
	r.review_date = NULL;
	r.supplier = "nobody";
	add_refused(reg, &r, SRR_E_NOTFOUND, "nobody");
	r.supplier = "acme";

	/* The matrix is the policy's: 3 x 4 here. */
	set_policy(reg, "  likelihood: [low, medium, high]\n"
			"  impact: [minor, moderate, major, severe]\n"
			"  levels:\n    - {name: low, max: 3}\n    - {name: high, max: 12}\n"
			"  tolerance: low\n  acceptance_max_days: 90");
	r.likelihood = 4;
	r.impact = 1;
	add_refused(reg, &r, SRR_E_INPUT, "likelihood 4 is outside the risk matrix (1 to 3)");
	r.likelihood = 3;
	r.impact = 5;
	add_refused(reg, &r, SRR_E_INPUT, "impact 5 is outside the risk matrix (1 to 4)");
	int64_t id = add_ok(reg, "acme", 3, 4);
	struct srr_risk_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_risk_list_get(l, 0)->level, "high");
	srr_risk_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_levels_follow_the_policy)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 3, 4);
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 2,
					   .residual_impact = 4 };
	treat_ok(reg, id, &plan);
	struct srr_risk_list *l = find_ok(reg, id);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	ck_assert_str_eq(r->level, "high");
	ck_assert_str_eq(r->residual_level, "medium");
	ck_assert_int_eq(r->residual_rank, 2);
	ck_assert_int_eq(r->above_tolerance, 0);
	char *updated = strdup(r->updated);
	char *record_before = state(reg, id);
	srr_risk_list_free(l);

	/* Wider bands and a lower tolerance: the same risk, new levels. */
	long long events = test_log_size(reg);
	set_policy(reg, "  likelihood: [a, b, c, d, e]\n  impact: [v, w, x, y, z]\n"
			"  levels:\n    - {name: green, max: 8}\n    - {name: amber, max: 15}\n"
			"    - {name: red, max: 25}\n  tolerance: green\n"
			"  acceptance_max_days: 90");
	/* Only the policy.set event: no risk was rewritten. */
	ck_assert_int_eq(test_log_size(reg), events + 1);
	l = find_ok(reg, id);
	r = srr_risk_list_get(l, 0);
	ck_assert_str_eq(r->level, "amber");
	ck_assert_str_eq(r->residual_level, "green");
	ck_assert_int_eq(r->residual_rank, 1);
	ck_assert_int_eq(r->above_tolerance, 0);
	ck_assert_str_eq(r->updated, updated);
	srr_risk_list_free(l);
	char *record_after = state(reg, id);
	ck_assert_str_eq(record_after, record_before);

	/* Narrower: the residual is now above tolerance. */
	set_policy(reg, "  likelihood: [a, b, c, d, e]\n  impact: [v, w, x, y, z]\n"
			"  levels:\n    - {name: green, max: 2}\n    - {name: amber, max: 6}\n"
			"    - {name: red, max: 25}\n  tolerance: green\n"
			"  acceptance_max_days: 90");
	struct srr_risk_list *all;
	ck_assert_int_eq(srr_risk_list_new(&all, reg, "acme", 0), 0);
	ck_assert_uint_eq(srr_risk_list_count(all), 1);
	r = srr_risk_list_get(all, 0);
	ck_assert_str_eq(r->level, "red");
	ck_assert_str_eq(r->residual_level, "red");
	ck_assert_int_eq(r->residual_rank, 3);
	ck_assert_int_eq(r->above_tolerance, 1);
	ck_assert_str_eq(r->updated, updated);
	srr_risk_list_free(all);
	free(updated);
	free(record_before);
	free(record_after);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_treat_refused)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 4, 4);
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_ACCEPT,
					   .residual_likelihood = 2,
					   .residual_impact = 2,
					   .until = "2026-06-30" };
	treat_refused(reg, id, &plan, SRR_E_INPUT, "justification");
	plan.justification = "";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "justification");
	plan.justification = "bell\a";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "justification");
	plan.justification = "Cheaper than a second site;\nreviewed quarterly.";
	plan.until = NULL;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "expiry date");

	/* Today is 2026-01-01 and the default allows 365 days. */
	plan.until = "2027-01-02";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "365 days");
	plan.until = "2026-01-01";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "not after today");
	plan.until = "2025-12-31";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "not after today");
	plan.until = "2026-02-30";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "2026-02-30");
	plan.until = "2026-06-30";

	plan.residual_likelihood = 0;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "(1 to 5)");
	plan.residual_likelihood = 2;
	plan.residual_impact = 6;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "(1 to 5)");
	plan.residual_impact = 2;

	/* A justification and an expiry belong to accept only. */
	plan.treatment = SRR_TREATMENT_MITIGATE;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "only apply to accept");
	plan.until = NULL;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "only apply to accept");
	plan.justification = NULL;
	plan.until = "2026-06-30";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "only apply to accept");
	plan.until = NULL;
	plan.treatment = SRR_TREATMENT_NONE;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "treatment");
	plan.treatment = (enum srr_treatment)5;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "treatment");
	plan.treatment = SRR_TREATMENT_TRANSFER;

	/* Bad actions. */
	struct srr_action acts[] = { { .text = "ok" }, { .text = "" } };
	plan.set_actions = 1;
	plan.n_actions = 2;
	plan.actions = acts;
	treat_refused(reg, id, &plan, SRR_E_INPUT, "action 2");
	acts[1].text = "fine";
	acts[1].due = "2026-13-01";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "action 2 due date");
	acts[1].due = NULL;
	acts[0].owner = "two\nlines";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "action 1 owner");
	acts[0].owner = NULL;
	acts[0].done = "2026-02-30";
	treat_refused(reg, id, &plan, SRR_E_INPUT, "action 1 done date");
	acts[0].done = NULL;

	/* Risks that are not there. */
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_risk_treat(reg, id + 1, &plan), SRR_E_NOTFOUND);
	assert_unchanged(reg, &before);

	/* After all that, a good plan goes through. */
	treat_ok(reg, id, &plan);
	srr_register_free(reg);
}
END_TEST

/* BUG: a plan's actions may carry a done date in the future, which
 * srr_risk_action_done() refuses: check_actions() only parses it. */
START_TEST(risk_plan_action_done_in_the_future)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 3, 3);
	struct srr_action acts[] = { { .text = "Failover test", .done = "2026-01-02" } };
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 2,
					   .residual_impact = 2,
					   .set_actions = 1,
					   .n_actions = 1,
					   .actions = acts };
	treat_refused(reg, id, &plan, SRR_E_INPUT, "action 1 done date");
	/* Today is fine, as for srr_risk_action_done(). */
	acts[0].done = "2026-01-01";
	treat_ok(reg, id, &plan);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_acceptance)
{
	struct srr_register *reg = setup();
	int64_t low = add_ok(reg, "acme", 3, 4);
	int64_t at_tolerance = add_ok(reg, "acme", 4, 4);
	int64_t high = add_ok(reg, "bolt", 5, 5);

	/* Residual low (4), medium (9) = tolerance, high (16). */
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_ACCEPT,
					   .residual_likelihood = 2,
					   .residual_impact = 2,
					   .justification = "compensating controls",
					   .until = "2026-06-30" };
	treat_ok(reg, low, &plan);
	struct srr_record *rec = last_record(reg, "risk.treat", low);
	ck_assert_str_eq(srr_record_get(rec, "treatment"), "accept");
	ck_assert_str_eq(srr_record_get(rec, "residual-likelihood"), "2");
	ck_assert_str_eq(srr_record_get(rec, "residual-impact"), "2");
	ck_assert_str_eq(srr_record_get(rec, "justification"), "compensating controls");
	ck_assert_str_eq(srr_record_get(rec, "accept-until"), "2026-06-30");
	ck_assert_str_eq(srr_record_get(rec, "likelihood"), "3");
	ck_assert_str_eq(srr_record_get(rec, "status"), "open");
	srr_record_free(rec);
	plan.residual_likelihood = 3;
	plan.residual_impact = 3;
	treat_ok(reg, at_tolerance, &plan);
	plan.residual_likelihood = 4;
	plan.residual_impact = 4;
	/* The last day the policy allows. */
	plan.until = "2027-01-01";
	treat_ok(reg, high, &plan);

	static const struct {
		const char *today;
		enum srr_acceptance low, at_tolerance, high;
	} days[] = {
		{ "2026-01-01", SRR_ACCEPTANCE_ACCEPTED, SRR_ACCEPTANCE_ACCEPTED,
		  SRR_ACCEPTANCE_PENDING },
		{ "2026-06-30", SRR_ACCEPTANCE_ACCEPTED, SRR_ACCEPTANCE_ACCEPTED,
		  SRR_ACCEPTANCE_PENDING },
		{ "2026-07-01", SRR_ACCEPTANCE_EXPIRED, SRR_ACCEPTANCE_EXPIRED,
		  SRR_ACCEPTANCE_PENDING },
		{ "2027-01-02", SRR_ACCEPTANCE_EXPIRED, SRR_ACCEPTANCE_EXPIRED,
		  SRR_ACCEPTANCE_EXPIRED },
	};
	for (size_t k = 0; k < ARRAY_SIZE(days); k++) {
		ck_assert_int_eq(srr_register_set_today(reg, days[k].today), 0);
		struct srr_risk_list *l;
		ck_assert_int_eq(srr_risk_list_new(&l, reg, NULL, 0), 0);
		ck_assert_uint_eq(srr_risk_list_count(l), 3);
		const struct srr_risk *r0 = srr_risk_list_get(l, 0), *r1 = srr_risk_list_get(l, 1),
				      *r2 = srr_risk_list_get(l, 2);
		ck_assert_msg(r0->acceptance == days[k].low, "%s: low is %s", days[k].today,
			      srr_acceptance_name(r0->acceptance));
		ck_assert_msg(r1->acceptance == days[k].at_tolerance, "%s: medium is %s",
			      days[k].today, srr_acceptance_name(r1->acceptance));
		ck_assert_msg(r2->acceptance == days[k].high, "%s: high is %s", days[k].today,
			      srr_acceptance_name(r2->acceptance));
		ck_assert_str_eq(r0->residual_level, "low");
		ck_assert_str_eq(r1->residual_level, "medium");
		ck_assert_str_eq(r2->residual_level, "high");
		ck_assert_int_eq(r0->above_tolerance, 0);
		ck_assert_int_eq(r1->above_tolerance, 0);
		ck_assert_int_eq(r2->above_tolerance, 1);
		srr_risk_list_free(l);
	}
	ck_assert_str_eq(srr_acceptance_name(SRR_ACCEPTANCE_PENDING), "pending");
	ck_assert_int_eq(srr_register_set_today(reg, "2026-01-01"), 0);

	/* Another treatment drops the acceptance and its fields. */
	struct srr_treatment_plan mitigate = { .treatment = SRR_TREATMENT_MITIGATE,
					       .residual_likelihood = 4,
					       .residual_impact = 4 };
	treat_ok(reg, high, &mitigate);
	rec = last_record(reg, "risk.treat", high);
	ck_assert_str_eq(srr_record_get(rec, "treatment"), "mitigate");
	ck_assert_ptr_null(srr_record_get(rec, "justification"));
	ck_assert_ptr_null(srr_record_get(rec, "accept-until"));
	srr_record_free(rec);
	struct srr_risk_list *l = find_ok(reg, high);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	ck_assert_int_eq(r->treatment, SRR_TREATMENT_MITIGATE);
	ck_assert_int_eq(r->acceptance, SRR_ACCEPTANCE_NONE);
	ck_assert_ptr_null(r->justification);
	ck_assert_ptr_null(r->accept_until);
	ck_assert_int_eq(r->above_tolerance, 1);
	srr_risk_list_free(l);

	/* The maximum is the policy's: 30 days here. */
	set_policy(reg, "  likelihood: [a, b, c, d, e]\n  impact: [v, w, x, y, z]\n"
			"  levels:\n    - {name: low, max: 4}\n    - {name: medium, max: 9}\n"
			"    - {name: high, max: 25}\n  tolerance: medium\n"
			"  acceptance_max_days: 30");
	plan.until = "2026-02-01";
	treat_refused(reg, high, &plan, SRR_E_INPUT, "30 days");
	plan.until = "2026-01-31";
	treat_ok(reg, high, &plan);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_actions)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 3, 3);
	struct srr_action acts[] = {
		{ .text = "Second region", .owner = "Ina Infra", .due = "2026-03-31" },
		{ .text = "Failover test" },
	};
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 2,
					   .residual_impact = 3,
					   .set_actions = 1,
					   .n_actions = 2,
					   .actions = acts };
	treat_ok(reg, id, &plan);
	ck_assert_int_eq(test_count_rows(reg, "risk_action"), 2);
	struct srr_record *rec = last_record(reg, "risk.treat", id);
	char buf[512];
	ck_assert_str_eq(all_of(buf, sizeof(buf), rec, "action"), "Second region|Failover test");
	ck_assert_str_eq(all_of(buf, sizeof(buf), rec, "action-owner"), "Ina Infra");
	ck_assert_str_eq(all_of(buf, sizeof(buf), rec, "action-due"), "2026-03-31");
	ck_assert_str_eq(all_of(buf, sizeof(buf), rec, "action-done"), "");
	srr_record_free(rec);
	struct srr_risk_list *l = find_ok(reg, id);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	ck_assert_uint_eq(r->n_actions, 2);
	ck_assert_str_eq(r->actions[0].text, "Second region");
	ck_assert_str_eq(r->actions[0].owner, "Ina Infra");
	ck_assert_str_eq(r->actions[0].due, "2026-03-31");
	ck_assert_ptr_null(r->actions[0].done);
	ck_assert_str_eq(r->actions[1].text, "Failover test");
	ck_assert_ptr_null(r->actions[1].owner);
	ck_assert_ptr_null(r->actions[1].due);
	srr_risk_list_free(l);

	/* Without set_actions the list stays. */
	plan.set_actions = 0;
	plan.n_actions = 0;
	plan.actions = NULL;
	plan.residual_impact = 2;
	treat_ok(reg, id, &plan);
	l = find_ok(reg, id);
	ck_assert_uint_eq(srr_risk_list_get(l, 0)->n_actions, 2);
	ck_assert_uint_eq(srr_risk_list_get(l, 0)->residual_impact, 2);
	srr_risk_list_free(l);

	/* Marking done: out of range, future, bad dates refused. */
	done_refused(reg, id, 0, "2025-12-31", SRR_E_NOTFOUND, "no action 0");
	done_refused(reg, id, 3, "2025-12-31", SRR_E_NOTFOUND, "no action 3");
	done_refused(reg, id, 1, "2026-01-02", SRR_E_INPUT, "future");
	done_refused(reg, id, 1, "2025-02-29", SRR_E_INPUT, "2025-02-29");
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_risk_action_done(reg, id + 5, 1, "2025-12-31"), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "R-");
	assert_unchanged(reg, &before);

	long long events = test_log_size(reg);
	ck_assert_msg(srr_risk_action_done(reg, id, 2, "2025-12-31") == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 1);
	rec = last_record(reg, "risk.action-done", id);
	ck_assert_str_eq(all_of(buf, sizeof(buf), rec, "action-done"), "2025-12-31");
	srr_record_free(rec);
	/* NULL is today. */
	ck_assert_msg(srr_risk_action_done(reg, id, 1, NULL) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 2);
	l = find_ok(reg, id);
	r = srr_risk_list_get(l, 0);
	ck_assert_str_eq(r->actions[0].done, "2026-01-01");
	ck_assert_str_eq(r->actions[1].done, "2025-12-31");
	ck_assert_str_eq(r->actions[0].owner, "Ina Infra");
	srr_risk_list_free(l);
	done_refused(reg, id, 1, "2026-01-01", SRR_E_STATE, "was done on 2026-01-01");
	done_refused(reg, id, 2, NULL, SRR_E_STATE, "was done on 2025-12-31");

	/* Replacing the list. */
	struct srr_action one[] = { { .text = "Exit plan", .due = "2026-12-31" } };
	plan.set_actions = 1;
	plan.n_actions = 1;
	plan.actions = one;
	treat_ok(reg, id, &plan);
	l = find_ok(reg, id);
	r = srr_risk_list_get(l, 0);
	ck_assert_uint_eq(r->n_actions, 1);
	ck_assert_str_eq(r->actions[0].text, "Exit plan");
	ck_assert_ptr_null(r->actions[0].done);
	srr_risk_list_free(l);
	ck_assert_int_eq(test_count_rows(reg, "risk_action"), 1);
	plan.n_actions = 0;
	treat_ok(reg, id, &plan);
	ck_assert_int_eq(test_count_rows(reg, "risk_action"), 0);
	done_refused(reg, id, 1, NULL, SRR_E_NOTFOUND, "has no action 1");
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_close_and_list)
{
	struct srr_register *reg = setup();
	int64_t a1 = add_ok(reg, "acme", 2, 2);
	int64_t b1 = add_ok(reg, "bolt", 3, 3);
	int64_t a2 = add_ok(reg, "acme", 4, 4);

	long long events = test_log_size(reg);
	ck_assert_msg(srr_risk_close(reg, a1) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 1);
	struct srr_record *rec = last_record(reg, "risk.close", a1);
	ck_assert_str_eq(srr_record_get(rec, "status"), "closed");
	ck_assert_str_eq(srr_record_get(rec, "likelihood"), "2");
	srr_record_free(rec);
	struct srr_risk_list *l = find_ok(reg, a1);
	ck_assert_int_eq(srr_risk_list_get(l, 0)->closed, 1);
	srr_risk_list_free(l);

	/* Closed: no treatment, no second close. */
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_AVOID,
					   .residual_likelihood = 1,
					   .residual_impact = 1 };
	treat_refused(reg, a1, &plan, SRR_E_STATE, "closed");
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_risk_close(reg, a1), SRR_E_STATE);
	test_assert_errmsg_has(reg, "already closed");
	ck_assert_int_eq(srr_risk_close(reg, 99), SRR_E_NOTFOUND);
	assert_unchanged(reg, &before);

	/* Lists: by id, open only unless asked. */
	ck_assert_int_eq(srr_risk_list_new(&l, reg, NULL, 0), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 2);
	ck_assert_int_eq(srr_risk_list_get(l, 0)->id, b1);
	ck_assert_int_eq(srr_risk_list_get(l, 1)->id, a2);
	srr_risk_list_free(l);
	ck_assert_int_eq(srr_risk_list_new(&l, reg, NULL, 1), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 3);
	ck_assert_int_eq(srr_risk_list_get(l, 0)->id, a1);
	ck_assert_int_eq(srr_risk_list_get(l, 1)->id, b1);
	ck_assert_int_eq(srr_risk_list_get(l, 2)->id, a2);
	srr_risk_list_free(l);
	ck_assert_int_eq(srr_risk_list_new(&l, reg, "acme", 0), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 1);
	ck_assert_int_eq(srr_risk_list_get(l, 0)->id, a2);
	srr_risk_list_free(l);
	ck_assert_int_eq(srr_risk_list_new(&l, reg, "acme", 1), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 2);
	srr_risk_list_free(l);
	l = NULL;
	ck_assert_int_eq(srr_risk_list_new(&l, reg, "nobody", 1), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);

	/* The other risks are untouched. */
	l = find_ok(reg, b1);
	ck_assert_int_eq(srr_risk_list_get(l, 0)->closed, 0);
	srr_risk_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_treat_unchanged_logs_nothing)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 3, 4);
	struct srr_action acts[] = { { .text = "Second region", .due = "2026-03-31" } };
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_ACCEPT,
					   .residual_likelihood = 2,
					   .residual_impact = 2,
					   .justification = "compensating controls",
					   .until = "2026-06-30",
					   .set_actions = 1,
					   .n_actions = 1,
					   .actions = acts };
	treat_ok(reg, id, &plan);
	char *was = state(reg, id);
	/* The same decision again: nothing to write, nothing to log. */
	struct snapshot before = snap(reg);
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	plan.set_actions = 0;
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	assert_unchanged(reg, &before);
	char *now = state(reg, id);
	ck_assert_str_eq(now, was);
	free(now);
	free(was);
	/* One field different is a change. */
	plan.until = "2026-07-01";
	treat_ok(reg, id, &plan);
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_closed_and_retired)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 3, 3);
	struct srr_action acts[] = { { .text = "Exit plan" } };
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 2,
					   .residual_impact = 2,
					   .set_actions = 1,
					   .n_actions = 1,
					   .actions = acts };
	treat_ok(reg, id, &plan);
	ck_assert_int_eq(srr_risk_close(reg, id), 0);
	/* A closed risk's actions stay as they were. */
	done_refused(reg, id, 1, "2025-12-31", SRR_E_STATE, "closed");

	/* No new risks for a retired supplier. */
	ck_assert_int_eq(srr_supplier_retire(reg, "bolt"), 0);
	struct srr_risk r = { .supplier = "bolt", .title = "t", .likelihood = 1, .impact = 1 };
	add_refused(reg, &r, SRR_E_STATE, "retired");
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_policy_cannot_strand_open_risks)
{
	struct srr_register *reg = setup();
	int64_t inherent = add_ok(reg, "acme", 5, 2);
	static const char *const three_by_five =
		"  likelihood: [a, b, c]\n  impact: [v, w, x, y, z]\n"
		"  levels:\n    - {name: low, max: 5}\n    - {name: high, max: 15}\n"
		"  tolerance: low\n  acceptance_max_days: 90";
	char text[4096];
	snprintf(text, sizeof(text),
		 "version: 1\nname: narrow\nreview:\n"
		 "  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\nrisk:\n%s\n",
		 three_by_five);
	test_write_file(test_path("narrow.yaml"), text);

	/* An open risk with likelihood 5 would be off a 3 x 5 matrix. */
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_policy_set(reg, test_path("narrow.yaml"), NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "R-1");
	assert_unchanged(reg, &before);
	struct srr_policy_list *pl;
	ck_assert_int_eq(srr_policy_find(&pl, reg, 0), 0);
	ck_assert_uint_eq(srr_policy_list_get(pl, 0)->version, 0);
	srr_policy_list_free(pl);

	/* A residual off the matrix holds it back too. */
	struct srr_risk_list *l;
	int64_t residual = add_ok(reg, "bolt", 2, 2);
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_TRANSFER,
					   .residual_likelihood = 4,
					   .residual_impact = 1 };
	treat_ok(reg, residual, &plan);
	ck_assert_int_eq(srr_risk_close(reg, inherent), 0);
	before = snap(reg);
	ck_assert_int_eq(srr_policy_set(reg, test_path("narrow.yaml"), NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "R-2");
	assert_unchanged(reg, &before);

	/* Closed risks do not hold a policy back. */
	ck_assert_int_eq(srr_risk_close(reg, residual), 0);
	unsigned v = 0;
	ck_assert_msg(srr_policy_set(reg, test_path("narrow.yaml"), &v) == 0, "%s",
		      srr_errmsg(reg));
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(srr_risk_list_new(&l, reg, NULL, 1), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 2);
	srr_risk_list_free(l);
	srr_register_free(reg);
}
END_TEST

static const struct {
	const char *text;
	int rc;
	int64_t id;
} parse_cases[] = {
	{ "R-7", 0, 7 },
	{ "r-7", 0, 7 },
	{ "7", 0, 7 },
	{ "R-1234567890", 0, 1234567890 },
	{ "999999999999999999", 0, 999999999999999999 },
	{ "R-", SRR_E_INPUT, 0 },
	{ "R-0", SRR_E_INPUT, 0 },
	{ "0", SRR_E_INPUT, 0 },
	{ "x", SRR_E_INPUT, 0 },
	{ "07", SRR_E_INPUT, 0 },
	{ "R-07", SRR_E_INPUT, 0 },
	{ "", SRR_E_INPUT, 0 },
	{ "R", SRR_E_INPUT, 0 },
	{ "R7", SRR_E_INPUT, 0 },
	{ "-7", SRR_E_INPUT, 0 },
	{ "+7", SRR_E_INPUT, 0 },
	{ " 7", SRR_E_INPUT, 0 },
	{ "7 ", SRR_E_INPUT, 0 },
	{ "7x", SRR_E_INPUT, 0 },
	{ "R--7", SRR_E_INPUT, 0 },
	{ "A-7", SRR_E_INPUT, 0 },
	{ "9999999999999999999", SRR_E_INPUT, 0 },
};

START_TEST(risk_parse_id)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		int64_t id = -1;
		int rc = srr_risk_parse_id(&id, parse_cases[i].text);
		ck_assert_msg(rc == parse_cases[i].rc && id == parse_cases[i].id,
			      "'%s': rc %d id %lld", parse_cases[i].text, rc, (long long)id);
	}
	int64_t id = -1;
	ck_assert_int_eq(srr_risk_parse_id(&id, NULL), SRR_E_INPUT);
	ck_assert_int_eq(id, 0);
}
END_TEST

START_TEST(risk_names)
{
	static const char *const names[] = { NULL, "mitigate", "accept", "transfer", "avoid" };
	for (int t = SRR_TREATMENT_MITIGATE; t <= SRR_TREATMENT_AVOID; t++) {
		ck_assert_str_eq(srr_treatment_name((enum srr_treatment)t), names[t]);
		ck_assert_int_eq(srr_treatment_from_name(names[t]), t);
	}
	ck_assert_ptr_null(srr_treatment_name(SRR_TREATMENT_NONE));
	ck_assert_ptr_null(srr_treatment_name((enum srr_treatment)5));
	ck_assert_int_eq(srr_treatment_from_name("Accept"), SRR_TREATMENT_NONE);
	ck_assert_int_eq(srr_treatment_from_name(NULL), SRR_TREATMENT_NONE);
	ck_assert_str_eq(srr_acceptance_name(SRR_ACCEPTANCE_NONE), "none");
	ck_assert_str_eq(srr_acceptance_name(SRR_ACCEPTANCE_ACCEPTED), "accepted");
	/* Stable tokens for scripts (srr/risk.h). */
	ck_assert_str_eq(srr_acceptance_name(SRR_ACCEPTANCE_PENDING), "pending");
	ck_assert_str_eq(srr_acceptance_name(SRR_ACCEPTANCE_EXPIRED), "expired");
	ck_assert_ptr_null(srr_acceptance_name((enum srr_acceptance)9));
}
END_TEST

START_TEST(risk_residual_above_inherent_refused)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 2, 3);
	long long events = test_log_size(reg);
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 3,
					   .residual_impact = 3 };
	ck_assert_int_eq(srr_risk_treat(reg, id, &plan), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "higher than the inherent risk 2 x 3");
	ck_assert_int_eq(test_log_size(reg), events);
	/* Equal is fine: a treatment may leave the risk where it was. */
	plan.residual_likelihood = 3;
	plan.residual_impact = 2;
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	srr_register_free(reg);
}
END_TEST

START_TEST(risk_review_sets_the_next_date)
{
	struct srr_register *reg = setup();
	int64_t id = add_ok(reg, "acme", 2, 2);
	long long events = test_log_size(reg);

	/* Default: a year after the review (REQ-5-04), month end clamped. */
	ck_assert_msg(srr_risk_reviewed(reg, id, "2024-02-29", NULL) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(test_log_size(reg), events + 1);
	struct srr_risk_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_risk_list_get(l, 0)->review_date, "2025-02-28");
	srr_risk_list_free(l);

	ck_assert_int_eq(srr_risk_reviewed(reg, id, NULL, "2026-06-30"), 0);
	l = find_ok(reg, id);
	ck_assert_str_eq(srr_risk_list_get(l, 0)->review_date, "2026-06-30");
	srr_risk_list_free(l);
	events = test_log_size(reg);

	/* Refused, and nothing changes. */
	ck_assert_int_eq(srr_risk_reviewed(reg, id, "2026-01-02", NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "future");
	ck_assert_int_eq(srr_risk_reviewed(reg, id, "2025-02-30", NULL), SRR_E_INPUT);
	ck_assert_int_eq(srr_risk_reviewed(reg, id, "2025-06-01", "2025-06-01"), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "not after");
	ck_assert_int_eq(srr_risk_reviewed(reg, 999, NULL, NULL), SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_risk_close(reg, id), 0);
	events = test_log_size(reg);
	ck_assert_int_eq(srr_risk_reviewed(reg, id, NULL, NULL), SRR_E_STATE);
	ck_assert_int_eq(test_log_size(reg), events);
	l = find_ok(reg, id);
	ck_assert_str_eq(srr_risk_list_get(l, 0)->review_date, "2026-06-30");
	srr_risk_list_free(l);
	srr_register_free(reg);
}
END_TEST

static Suite *
risk_suite(void)
{
	Suite *s = suite_create("risk");
	TCase *tc = tcase_create("risk");
	tcase_add_test(tc, risk_add_and_find);
	tcase_add_test(tc, risk_levels_from_the_default_policy);
	tcase_add_test(tc, risk_add_refused);
	tcase_add_test(tc, risk_levels_follow_the_policy);
	tcase_add_test(tc, risk_treat_refused);
	tcase_add_test(tc, risk_plan_action_done_in_the_future);
	tcase_add_test(tc, risk_acceptance);
	tcase_add_test(tc, risk_actions);
	tcase_add_test(tc, risk_close_and_list);
	tcase_add_test(tc, risk_treat_unchanged_logs_nothing);
	tcase_add_test(tc, risk_closed_and_retired);
	tcase_add_test(tc, risk_policy_cannot_strand_open_risks);
	tcase_add_test(tc, risk_review_sets_the_next_date);
	tcase_add_test(tc, risk_residual_above_inherent_refused);
	tcase_add_test(tc, risk_parse_id);
	tcase_add_test(tc, risk_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(risk_suite());
}
