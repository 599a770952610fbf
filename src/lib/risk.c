/* SPDX-License-Identifier: MIT */
/*
 * Risks per supplier: inherent and residual likelihood x impact, treatment,
 * actions, acceptance. Levels come from the policy in force when read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "risk-private.h"
#include "srr/risk.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/text.h"
#include "util/date.h"

#define TITLE_MAX   256
#define TEXT_MAX    65536
#define ACTIONS_MAX 64

static const char *const treatment_names[] = { NULL, "mitigate", "accept", "transfer", "avoid" };

SRR_EXPORT const char *
srr_treatment_name(enum srr_treatment t)
{
	return t > SRR_TREATMENT_NONE && t <= SRR_TREATMENT_AVOID ? treatment_names[t] : NULL;
}

SRR_EXPORT enum srr_treatment
srr_treatment_from_name(const char *name)
{
	for (int t = SRR_TREATMENT_MITIGATE; name && t <= SRR_TREATMENT_AVOID; t++)
		if (strcmp(treatment_names[t], name) == 0)
			return (enum srr_treatment)t;
	return SRR_TREATMENT_NONE;
}

SRR_EXPORT const char *
srr_acceptance_name(enum srr_acceptance a)
{
	switch (a) {
	case SRR_ACCEPTANCE_NONE:
		return "none";
	case SRR_ACCEPTANCE_ACCEPTED:
		return "accepted";
	case SRR_ACCEPTANCE_PENDING:
		return "pending";
	case SRR_ACCEPTANCE_EXPIRED:
		return "expired";
	}
	return NULL;
}

int
risk_check_scales(struct srr_register *reg, unsigned n_likelihood, unsigned n_impact)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT id, max(likelihood, coalesce(residual_likelihood, 0)),"
		     " max(impact, coalesce(residual_impact, 0)) FROM risk WHERE status = 'open'"
		     " AND (likelihood > ?1 OR residual_likelihood > ?1 OR impact > ?2"
		     " OR residual_impact > ?2) ORDER BY id LIMIT 1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int(st, 1, (int)n_likelihood);
	sqlite3_bind_int(st, 2, (int)n_impact);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return reg_error(
			reg, SRR_E_INPUT,
			"open risk R-%lld (likelihood %d, impact %d) falls outside the new "
			"%u x %u risk matrix: re-assess or close it first",
			(long long)sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
			sqlite3_column_int(st, 2), n_likelihood, n_impact);
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "checking risks against the policy");
	return 0;
}

SRR_EXPORT int
srr_risk_parse_id(int64_t *id, const char *text)
{
	long long n;
	bool ok = text_parse_id(&n, text, 'R');
	*id = n;
	return ok ? 0 : SRR_E_INPUT;
}

struct srr_risk_list {
	LIST_FIELDS(struct srr_risk);
};

static int
check_scale(struct srr_register *reg, const struct srr_policy *p, const char *what, unsigned l,
	    unsigned i)
{
	if (l < 1 || l > p->n_likelihood)
		return reg_error(reg, SRR_E_INPUT,
				 "%slikelihood %u is outside the risk matrix (1 to %zu)", what, l,
				 p->n_likelihood);
	if (i < 1 || i > p->n_impact)
		return reg_error(reg, SRR_E_INPUT,
				 "%simpact %u is outside the risk matrix (1 to %zu)", what, i,
				 p->n_impact);
	return 0;
}

static int
check_date_opt(struct srr_register *reg, const char *what, const char *d)
{
	int64_t days;
	if (d && !date_parse(d, &days))
		return reg_error(reg, SRR_E_INPUT, "%s '%s' is not a valid date (YYYY-MM-DD)", what,
				 d);
	return 0;
}

static int
to_record(struct srr_register *reg, const struct srr_risk *r, struct srr_record **out)
{
	struct srr_record *rec = NULL;
	if (srr_record_new(&rec, "risk"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(rec, "id", r->id);
	srr_record_add(rec, "supplier", r->supplier);
	srr_record_add(rec, "title", r->title);
	srr_record_add(rec, "description", r->description);
	srr_record_add(rec, "owner", r->owner);
	srr_record_add_int(rec, "likelihood", r->likelihood);
	srr_record_add_int(rec, "impact", r->impact);
	srr_record_add(rec, "review-date", r->review_date);
	srr_record_add(rec, "status", r->closed ? "closed" : "open");
	srr_record_add(rec, "treatment", srr_treatment_name(r->treatment));
	if (r->residual_likelihood)
		srr_record_add_int(rec, "residual-likelihood", r->residual_likelihood);
	if (r->residual_impact)
		srr_record_add_int(rec, "residual-impact", r->residual_impact);
	srr_record_add(rec, "justification", r->justification);
	srr_record_add(rec, "accept-until", r->accept_until);
	for (size_t i = 0; i < r->n_actions; i++) {
		srr_record_add(rec, "action", r->actions[i].text);
		srr_record_add(rec, "action-owner", r->actions[i].owner);
		srr_record_add(rec, "action-due", r->actions[i].due);
		srr_record_add(rec, "action-done", r->actions[i].done);
	}
	*out = rec;
	return 0;
}

/* Do a and b serialise to the same record? */
static int
same_record(struct srr_register *reg, const struct srr_risk *a, const struct srr_risk *b,
	    bool *same)
{
	struct srr_record *ra = NULL, *rb = NULL;
	char *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	int rc = to_record(reg, a, &ra);
	if (rc == 0)
		rc = to_record(reg, b, &rb);
	if (rc == 0)
		rc = log_serialize(reg, ra, &ba, &la);
	if (rc == 0)
		rc = log_serialize(reg, rb, &bb, &lb);
	*same = rc == 0 && la == lb && memcmp(ba, bb, la) == 0;
	free(ba);
	free(bb);
	srr_record_free(ra);
	srr_record_free(rb);
	return rc;
}

static int
log_risk(struct srr_register *reg, const char *action, const struct srr_risk *r)
{
	struct srr_record *rec = NULL;
	int rc = to_record(reg, r, &rec);
	if (rc)
		return rc;
	char entity[48];
	snprintf(entity, sizeof(entity), "risk/%lld", (long long)r->id);
	rc = log_append(reg, action, entity, rec);
	srr_record_free(rec);
	return rc;
}

static int
write_actions(struct srr_register *reg, int64_t id, const struct srr_action *a, size_t n,
	      bool fresh)
{
	_cleanup_stmt_ sqlite3_stmt *del =
		fresh ? NULL : reg_stmt(reg, "DELETE FROM risk_action WHERE risk_id = ?1");
	if (!fresh && !del)
		return SRR_E_DB;
	if (!fresh && (sqlite3_bind_int64(del, 1, id), sqlite3_step(del) != SQLITE_DONE))
		return reg_db_error(reg, "writing treatment actions");
	for (size_t i = 0; i < n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO risk_action (risk_id, pos, text, owner, due, done)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, a[i].text);
		bind_text(st, 4, a[i].owner);
		bind_text(st, 5, a[i].due);
		bind_text(st, 6, a[i].done);
		if (sqlite3_step(st) != SQLITE_DONE)
			return reg_db_error(reg, "writing treatment actions");
	}
	return 0;
}

static int
check_actions(struct srr_register *reg, const struct srr_action *a, size_t n)
{
	if (n > ACTIONS_MAX)
		return reg_error(reg, SRR_E_INPUT, "more than %d treatment actions", ACTIONS_MAX);
	for (size_t i = 0; i < n; i++) {
		char what[64];
		snprintf(what, sizeof(what), "action %zu", i + 1);
		int rc = reg_check_text(reg, what, a[i].text ? a[i].text : "", TITLE_MAX, false);
		if (rc == 0 && a[i].owner) {
			snprintf(what, sizeof(what), "action %zu owner", i + 1);
			rc = reg_check_text(reg, what, a[i].owner, TITLE_MAX, false);
		}
		snprintf(what, sizeof(what), "action %zu due date", i + 1);
		if (rc == 0)
			rc = check_date_opt(reg, what, a[i].due);
		snprintf(what, sizeof(what), "action %zu done date", i + 1);
		if (rc == 0)
			rc = check_date_opt(reg, what, a[i].done);
		int64_t done;
		if (rc == 0 && a[i].done && date_parse(a[i].done, &done) && done > reg_today(reg))
			rc = reg_error(reg, SRR_E_INPUT, "action %zu done date %s is in the future",
				       i + 1, a[i].done);
		if (rc)
			return rc;
	}
	return 0;
}

static int
do_add(struct srr_register *reg, const struct srr_risk *in, int64_t *id)
{
	struct srr_policy_list *pl;
	int64_t sid;
	bool retired = false;
	int rc = supplier_lookup(reg, in->supplier, &sid, &retired);
	if (rc == 0 && retired)
		rc = reg_error(reg, SRR_E_STATE, "supplier '%s' is retired", in->supplier);
	if (rc)
		return rc;
	rc = policy_current(&pl, reg);
	if (rc)
		return rc;
	const struct srr_policy *p = srr_policy_list_get(pl, 0);
	rc = reg_check_text(reg, "risk title", in->title ? in->title : "", TITLE_MAX, false);
	if (rc == 0 && in->description)
		rc = reg_check_text(reg, "risk description", in->description, TEXT_MAX, true);
	if (rc == 0 && in->owner)
		rc = reg_check_text(reg, "risk owner", in->owner, TITLE_MAX, false);
	if (rc == 0)
		rc = check_scale(reg, p, "", in->likelihood, in->impact);
	if (rc == 0)
		rc = check_date_opt(reg, "risk review date", in->review_date);
	srr_policy_list_free(pl);
	if (rc)
		return rc;
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "INSERT INTO risk (supplier_id, title, description, owner, likelihood,"
		     " impact, review_date, created, updated)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, in->title);
	bind_text(st, 3, in->description);
	bind_text(st, 4, in->owner);
	sqlite3_bind_int(st, 5, (int)in->likelihood);
	sqlite3_bind_int(st, 6, (int)in->impact);
	bind_text(st, 7, in->review_date);
	bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "adding a risk");
	struct srr_risk r = { 0 };
	r.id = *id = sqlite3_last_insert_rowid(reg->db);
	r.supplier = in->supplier;
	r.title = in->title;
	r.description = in->description;
	r.owner = in->owner;
	r.likelihood = in->likelihood;
	r.impact = in->impact;
	r.review_date = in->review_date;
	return log_risk(reg, "risk.add", &r);
}

SRR_EXPORT int
srr_risk_add(struct srr_register *reg, const struct srr_risk *risk, int64_t *id)
{
	int64_t dummy;
	if (!id)
		id = &dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_add(reg, risk, id));
}

static int
write_risk(struct srr_register *reg, const struct srr_risk *r)
{
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "UPDATE risk SET status = ?2, treatment = ?3, residual_likelihood = ?4,"
		     " residual_impact = ?5, justification = ?6, accept_until = ?7, updated = ?8,"
		     " review_date = ?9 WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, r->id);
	bind_text(st, 2, r->closed ? "closed" : "open");
	bind_text(st, 3, srr_treatment_name(r->treatment));
	if (r->residual_likelihood)
		sqlite3_bind_int(st, 4, (int)r->residual_likelihood);
	if (r->residual_impact)
		sqlite3_bind_int(st, 5, (int)r->residual_impact);
	bind_text(st, 6, r->justification);
	bind_text(st, 7, r->accept_until);
	bind_text(st, 8, now);
	bind_text(st, 9, r->review_date);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "updating a risk");
	return write_actions(reg, r->id, r->actions, r->n_actions, false);
}

static int
check_plan(struct srr_register *reg, const struct srr_policy *p,
	   const struct srr_treatment_plan *plan)
{
	if (!srr_treatment_name(plan->treatment))
		return reg_error(reg, SRR_E_INPUT,
				 "treatment must be mitigate, accept, transfer or avoid");
	int rc = check_scale(reg, p, "residual ", plan->residual_likelihood, plan->residual_impact);
	if (rc == 0 && plan->set_actions)
		rc = check_actions(reg, plan->actions, plan->n_actions);
	if (rc)
		return rc;
	if (plan->treatment != SRR_TREATMENT_ACCEPT) {
		if (plan->justification || plan->until)
			return reg_error(reg, SRR_E_INPUT,
					 "a justification and an expiry only apply to accept");
		return 0;
	}
	/* REQ-5-07 j): the reasons for accepting residual risk are recorded. */
	if (!plan->justification || !*plan->justification)
		return reg_error(reg, SRR_E_INPUT, "accepting a risk needs a justification");
	rc = reg_check_text(reg, "justification", plan->justification, TEXT_MAX, true);
	if (rc)
		return rc;
	int64_t until, today = reg_today(reg);
	if (!plan->until)
		return reg_error(reg, SRR_E_INPUT, "accepting a risk needs an expiry date");
	if (!date_parse(plan->until, &until))
		return reg_error(reg, SRR_E_INPUT,
				 "acceptance expiry '%s' is not a valid date (YYYY-MM-DD)",
				 plan->until);
	if (until <= today)
		return reg_error(reg, SRR_E_INPUT, "acceptance expiry %s is not after today",
				 plan->until);
	if (until - today > (int64_t)p->acceptance_max_days) {
		char last[DATE_LEN + 1];
		date_format(last, today + p->acceptance_max_days);
		return reg_error(
			reg, SRR_E_INPUT,
			"acceptance expiry %s is past the policy's maximum of %u days (%s)",
			plan->until, p->acceptance_max_days, last);
	}
	return 0;
}

static int
do_treat(struct srr_register *reg, int64_t id, const struct srr_treatment_plan *plan)
{
	struct srr_risk_list *l;
	struct srr_policy_list *pl;
	int rc = srr_risk_find(&l, reg, id);
	if (rc)
		return rc;
	rc = policy_current(&pl, reg);
	if (rc) {
		srr_risk_list_free(l);
		return rc;
	}
	struct srr_risk r = l->items[0];
	if (r.closed)
		rc = reg_error(reg, SRR_E_STATE, "risk R-%lld is closed", (long long)id);
	if (rc == 0)
		rc = check_plan(reg, srr_policy_list_get(pl, 0), plan);
	/* Treatment lowers risk or leaves it: a residual above the inherent
	 * risk means the assessment is wrong, not the treatment. */
	if (rc == 0 && plan->residual_likelihood * plan->residual_impact > r.likelihood * r.impact)
		rc = reg_error(reg, SRR_E_INPUT,
			       "residual risk %u x %u is higher than the inherent risk %u x %u of "
			       "R-%lld: re-assess the risk instead",
			       plan->residual_likelihood, plan->residual_impact, r.likelihood,
			       r.impact, (long long)id);
	if (rc == 0) {
		r.treatment = plan->treatment;
		r.residual_likelihood = plan->residual_likelihood;
		r.residual_impact = plan->residual_impact;
		r.justification = plan->justification;
		r.accept_until = plan->until;
		if (plan->set_actions) {
			r.actions = plan->actions;
			r.n_actions = plan->n_actions;
		}
		bool same;
		rc = same_record(reg, &l->items[0], &r, &same);
		if (rc == 0 && same)
			goto out; /* nothing changed: nothing to write or log */
		rc = write_risk(reg, &r);
	}
	if (rc == 0)
		rc = log_risk(reg, "risk.treat", &r);
out:
	srr_policy_list_free(pl);
	srr_risk_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_risk_treat(struct srr_register *reg, int64_t id, const struct srr_treatment_plan *plan)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_treat(reg, id, plan));
}

static int
do_action_done(struct srr_register *reg, int64_t id, size_t index, const char *date)
{
	struct srr_risk_list *l;
	int rc = srr_risk_find(&l, reg, id);
	if (rc)
		return rc;
	struct srr_risk r = l->items[0];
	char today[DATE_LEN + 1];
	int64_t days;
	if (!date) {
		date_format(today, reg_today(reg));
		date = today;
	}
	struct srr_action *acts = NULL;
	if (index < 1 || index > r.n_actions)
		rc = reg_error(reg, SRR_E_NOTFOUND, "risk R-%lld has no action %zu (it has %zu)",
			       (long long)id, index, r.n_actions);
	else if (!date_parse(date, &days))
		rc = reg_error(reg, SRR_E_INPUT, "done date '%s' is not a valid date (YYYY-MM-DD)",
			       date);
	else if (days > reg_today(reg))
		rc = reg_error(reg, SRR_E_INPUT, "done date %s is in the future", date);
	else if (r.closed)
		rc = reg_error(reg, SRR_E_STATE, "risk R-%lld is closed", (long long)id);
	else if (r.actions[index - 1].done)
		rc = reg_error(reg, SRR_E_STATE, "action %zu of risk R-%lld was done on %s", index,
			       (long long)id, r.actions[index - 1].done);
	if (rc == 0) {
		acts = malloc(r.n_actions * sizeof(*acts));
		if (!acts)
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	if (rc == 0) {
		memcpy(acts, r.actions, r.n_actions * sizeof(*acts));
		acts[index - 1].done = date;
		r.actions = acts;
		rc = write_risk(reg, &r);
	}
	if (rc == 0)
		rc = log_risk(reg, "risk.action-done", &r);
	free(acts);
	srr_risk_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_risk_action_done(struct srr_register *reg, int64_t id, size_t index, const char *date)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_action_done(reg, id, index, date));
}

static int
do_reviewed(struct srr_register *reg, int64_t id, const char *date, const char *next)
{
	struct srr_risk_list *l;
	int rc = srr_risk_find(&l, reg, id);
	if (rc)
		return rc;
	struct srr_risk r = l->items[0];
	char today[DATE_LEN + 1], next_buf[DATE_LEN + 1];
	int64_t day, next_day;
	if (!date) {
		date_format(today, reg_today(reg));
		date = today;
	}
	if (r.closed)
		rc = reg_error(reg, SRR_E_STATE, "risk R-%lld is closed", (long long)id);
	else if (!date_parse(date, &day))
		rc = reg_error(reg, SRR_E_INPUT,
			       "review date '%s' is not a valid date (YYYY-MM-DD)", date);
	else if (day > reg_today(reg))
		rc = reg_error(reg, SRR_E_INPUT, "review date %s is in the future", date);
	else if (next && !date_parse(next, &next_day))
		rc = reg_error(reg, SRR_E_INPUT,
			       "next review date '%s' is not a valid date (YYYY-MM-DD)", next);
	else if (next && next_day <= day)
		rc = reg_error(reg, SRR_E_INPUT, "next review date %s is not after the review %s",
			       next, date);
	if (rc == 0 && !next) {
		/* REQ-5-04: at least annually. */
		date_format(next_buf, date_add_months(day, 12));
		next = next_buf;
	}
	r.review_date = next;
	if (rc == 0)
		rc = write_risk(reg, &r);
	if (rc == 0)
		rc = log_risk(reg, "risk.review", &r);
	srr_risk_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_risk_reviewed(struct srr_register *reg, int64_t id, const char *date, const char *next)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_reviewed(reg, id, date, next));
}

static int
do_close(struct srr_register *reg, int64_t id)
{
	struct srr_risk_list *l;
	int rc = srr_risk_find(&l, reg, id);
	if (rc)
		return rc;
	struct srr_risk r = l->items[0];
	if (r.closed)
		rc = reg_error(reg, SRR_E_STATE, "risk R-%lld is already closed", (long long)id);
	r.closed = 1;
	if (rc == 0)
		rc = write_risk(reg, &r);
	if (rc == 0)
		rc = log_risk(reg, "risk.close", &r);
	srr_risk_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_risk_close(struct srr_register *reg, int64_t id)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_close(reg, id));
}

static int
load_actions(struct srr_register *reg, struct srr_risk_list *l, struct srr_risk *r)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg,
		"SELECT text, owner, due, done FROM risk_action WHERE risk_id = ?1 ORDER BY pos");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, r->id);
	struct srr_action *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!arena_push(&l->arena, &v, n, &cap, sizeof(*v)))
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		struct arena *a = &l->arena;
		v[n].text = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		v[n].owner = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		v[n].due = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		v[n].done = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		if (!v[n].text)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		n++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading treatment actions");
	r->actions = v;
	r->n_actions = n;
	return 0;
}

int
risk_effective_level(const struct srr_policy *p, unsigned likelihood, unsigned impact,
		     unsigned residual_likelihood, unsigned residual_impact)
{
	int effective = residual_likelihood
				? srr_policy_level(p, residual_likelihood, residual_impact)
				: srr_policy_level(p, likelihood, impact);
	/* Off the policy's scale (a policy with shorter scales): the worst
	 * band, so it is never quietly tolerated. */
	return effective < 0 ? (int)p->n_levels - 1 : effective;
}

enum srr_acceptance
risk_acceptance_unsigned(int effective, const struct srr_policy *p, const char *accept_until,
			 int64_t today)
{
	int64_t until = 0;
	if (accept_until && date_parse(accept_until, &until) && until < today)
		return SRR_ACCEPTANCE_EXPIRED;
	/* Approvals arrive with signed sign-off; until then it waits. */
	return effective > (int)p->tolerance ? SRR_ACCEPTANCE_PENDING : SRR_ACCEPTANCE_ACCEPTED;
}

/* Levels and acceptance state, from the policy and the register's today.
 * Level names are copied: the policy goes before the list does. */
static int
derive(struct srr_risk *r, struct arena *a, const struct srr_policy *p, int64_t today)
{
	int inherent = srr_policy_level(p, r->likelihood, r->impact);
	int residual = r->residual_likelihood
			       ? srr_policy_level(p, r->residual_likelihood, r->residual_impact)
			       : -1;
	r->level = inherent >= 0 ? arena_strdup(a, p->levels[inherent].name) : NULL;
	r->residual_level = residual >= 0 ? arena_strdup(a, p->levels[residual].name) : NULL;
	if ((inherent >= 0 && !r->level) || (residual >= 0 && !r->residual_level))
		return SRR_E_NOMEM;
	int effective = risk_effective_level(p, r->likelihood, r->impact, r->residual_likelihood,
					     r->residual_impact);
	r->residual_rank = effective + 1;
	r->above_tolerance = effective > (int)p->tolerance;
	r->acceptance = r->treatment == SRR_TREATMENT_ACCEPT
				? risk_acceptance_unsigned(effective, p, r->accept_until, today)
				: SRR_ACCEPTANCE_NONE;
	return 0;
}

/* An acceptance above tolerance counts once management signed exactly it. */
static int
signed_off(struct srr_register *reg, struct srr_risk *r)
{
	if (r->acceptance != SRR_ACCEPTANCE_PENDING)
		return 0;
	_cleanup_free_ char *bytes = NULL;
	size_t len;
	char why[160], entity[48];
	int rc = approval_risk_bytes(reg, SRR_SUBJECT_RISK, r, &bytes, &len, why, sizeof(why));
	if (rc)
		return rc < 0 ? rc : 0;
	snprintf(entity, sizeof(entity), "risk/%lld", (long long)r->id);
	bool approved;
	rc = approval_bytes_approved(reg, SRR_SUBJECT_RISK, entity, bytes, len, &approved);
	if (rc == 0 && approved)
		r->acceptance = SRR_ACCEPTANCE_ACCEPTED;
	return rc;
}

static int
load_rows(struct srr_register *reg, struct srr_risk_list *l, sqlite3_stmt *st, bool derived)
{
	struct srr_policy_list *pl = NULL;
	int rc = derived ? policy_current(&pl, reg) : 0;
	if (rc)
		return rc;
	const struct srr_policy *p = derived ? srr_policy_list_get(pl, 0) : NULL;
	int64_t today = reg_today(reg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_risk *r = list_push(&l->items, l->n, &l->cap, sizeof(*r));
		if (!r)
			break;
		struct arena *a = &l->arena;
		r->id = sqlite3_column_int64(st, 0);
		r->supplier = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		r->title = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		r->description = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		r->owner = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
		r->likelihood = (unsigned)sqlite3_column_int(st, 5);
		r->impact = (unsigned)sqlite3_column_int(st, 6);
		r->review_date = arena_strdup(a, (const char *)sqlite3_column_text(st, 7));
		r->closed = strcmp((const char *)sqlite3_column_text(st, 8), "closed") == 0;
		r->treatment = srr_treatment_from_name((const char *)sqlite3_column_text(st, 9));
		r->residual_likelihood = (unsigned)sqlite3_column_int(st, 10);
		r->residual_impact = (unsigned)sqlite3_column_int(st, 11);
		r->justification = arena_strdup(a, (const char *)sqlite3_column_text(st, 12));
		r->accept_until = arena_strdup(a, (const char *)sqlite3_column_text(st, 13));
		r->created = arena_strdup(a, (const char *)sqlite3_column_text(st, 14));
		r->updated = arena_strdup(a, (const char *)sqlite3_column_text(st, 15));
		if (!r->supplier || !r->title || !r->created || !r->updated)
			break;
		rc = load_actions(reg, l, r);
		if (rc) {
			srr_policy_list_free(pl);
			return rc;
		}
		if (derived && derive(r, a, p, today)) {
			rc = SQLITE_ROW; /* reported as out of memory below */
			break;
		}
		rc = derived ? signed_off(reg, r) : 0;
		if (rc) {
			srr_policy_list_free(pl);
			return rc;
		}
		l->n++;
	}
	srr_policy_list_free(pl);
	if (rc == SQLITE_ROW)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading risks");
	return 0;
}

#define RISK_QUERY                                                                                 \
	"SELECT r.id, s.key, r.title, r.description, r.owner, r.likelihood, r.impact,"             \
	" r.review_date, r.status, r.treatment, r.residual_likelihood, r.residual_impact,"         \
	" r.justification, r.accept_until, r.created, r.updated"                                   \
	" FROM risk r JOIN supplier s ON s.id = r.supplier_id"

static int
run_list(struct srr_risk_list **out, struct srr_register *reg, sqlite3_stmt *st, bool derived)
{
	struct srr_risk_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc = load_rows(reg, l, st, derived);
	if (rc) {
		srr_risk_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

SRR_EXPORT int
srr_risk_list_new(struct srr_risk_list **out, struct srr_register *reg, const char *supplier,
		  int include_closed)
{
	int rc = reg_require_open(reg);
	int64_t sid;
	if (rc == 0 && supplier)
		rc = supplier_lookup(reg, supplier, &sid, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, RISK_QUERY " WHERE (?1 IS NULL OR s.key = ?1)"
					 " AND (?2 OR r.status = 'open') ORDER BY r.id");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, supplier);
	sqlite3_bind_int(st, 2, include_closed ? 1 : 0);
	return run_list(out, reg, st, true);
}

static int
find(struct srr_risk_list **out, struct srr_register *reg, int64_t id, bool derived)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, RISK_QUERY " WHERE r.id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = run_list(out, reg, st, derived);
	if (rc == 0 && (*out)->n == 0) {
		srr_risk_list_free(*out);
		*out = NULL;
		return reg_error(reg, SRR_E_NOTFOUND, "no risk R-%lld", (long long)id);
	}
	return rc;
}

SRR_EXPORT int
srr_risk_find(struct srr_risk_list **out, struct srr_register *reg, int64_t id)
{
	return find(out, reg, id, true);
}

int
risk_find_stored(struct srr_risk_list **out, struct srr_register *reg, int64_t id)
{
	return find(out, reg, id, false);
}

DEFINE_LIST_ACCESSORS(risk, struct srr_risk)

int
risk_state_record(struct srr_register *reg, int64_t id, struct srr_record **out)
{
	struct srr_risk_list *l;
	int rc = risk_find_stored(&l, reg, id);
	if (rc)
		return rc;
	rc = to_record(reg, &l->items[0], out);
	srr_risk_list_free(l);
	return rc;
}

int
risk_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'risk/' || id FROM risk ORDER BY id");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

/* A risk's stored state as an import states it: what add and treat each
 * check, except the rules for new decisions (an acceptance's expiry after
 * today and within the policy's maximum), since a register's history holds
 * acceptances that have run out. */
static int
check_put(struct srr_register *reg, const struct srr_policy *p, const struct srr_risk *r)
{
	int rc = reg_check_text(reg, "risk title", r->title ? r->title : "", TITLE_MAX, false);
	if (rc == 0 && r->description)
		rc = reg_check_text(reg, "risk description", r->description, TEXT_MAX, true);
	if (rc == 0 && r->owner)
		rc = reg_check_text(reg, "risk owner", r->owner, TITLE_MAX, false);
	if (rc == 0)
		rc = check_scale(reg, p, "", r->likelihood, r->impact);
	if (rc == 0)
		rc = check_date_opt(reg, "risk review date", r->review_date);
	if (rc == 0)
		rc = check_actions(reg, r->actions, r->n_actions);
	if (rc)
		return rc;
	if (r->treatment == SRR_TREATMENT_NONE) {
		if (r->residual_likelihood || r->residual_impact || r->justification ||
		    r->accept_until)
			return reg_error(reg, SRR_E_INPUT,
					 "a residual risk, justification or expiry needs a treatment");
		return 0;
	}
	rc = check_scale(reg, p, "residual ", r->residual_likelihood, r->residual_impact);
	if (rc == 0 && r->residual_likelihood * r->residual_impact > r->likelihood * r->impact)
		rc = reg_error(reg, SRR_E_INPUT,
			       "residual risk %u x %u is higher than the inherent risk %u x %u",
			       r->residual_likelihood, r->residual_impact, r->likelihood,
			       r->impact);
	if (rc)
		return rc;
	if (r->treatment != SRR_TREATMENT_ACCEPT) {
		if (r->justification || r->accept_until)
			return reg_error(reg, SRR_E_INPUT,
					 "a justification and an expiry only apply to accept");
		return 0;
	}
	if (!r->justification || !*r->justification)
		return reg_error(reg, SRR_E_INPUT, "accepting a risk needs a justification");
	rc = reg_check_text(reg, "justification", r->justification, TEXT_MAX, true);
	int64_t until;
	if (rc == 0 && !r->accept_until)
		rc = reg_error(reg, SRR_E_INPUT, "accepting a risk needs an expiry date");
	if (rc == 0 && !date_parse(r->accept_until, &until))
		rc = reg_error(reg, SRR_E_INPUT,
			       "acceptance expiry '%s' is not a valid date (YYYY-MM-DD)",
			       r->accept_until);
	return rc;
}

/* Import: the risk's state becomes *r (under policy p). */
int
risk_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_policy *p,
	 struct srr_risk *r, enum put_result *result)
{
	int64_t sid;
	int rc = put_supplier_id(reg, ctx, r->supplier, &sid);
	if (rc == 0)
		rc = check_put(reg, p, r);
	if (rc == 0)
		rc = put_match_id(reg, ctx, "risk", "SELECT supplier_id FROM risk WHERE id = ?1",
				  "SELECT id FROM risk WHERE supplier_id = ?1 AND title = ?2"
				  " LIMIT 2",
				  sid, r->supplier, "title", r->title, &r->id);
	if (rc)
		return rc;
	struct srr_record *rec = NULL;
	char entity[48];
	*result = PUT_ADDED;
	if (r->id) {
		snprintf(entity, sizeof(entity), "risk/%lld", (long long)r->id);
		rc = to_record(reg, r, &rec);
		if (rc == 0)
			rc = put_compare(reg, ctx, entity, rec, result);
	}
	if (rc == 0 && *result != PUT_SAME) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO risk (id, supplier_id, title, description, owner,"
			     " likelihood, impact, review_date, status, treatment,"
			     " residual_likelihood, residual_impact, justification, accept_until,"
			     " created, updated)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
			     " ?15, ?15) ON CONFLICT (id) DO UPDATE SET title = excluded.title,"
			     " description = excluded.description, owner = excluded.owner,"
			     " likelihood = excluded.likelihood, impact = excluded.impact,"
			     " review_date = excluded.review_date, status = excluded.status,"
			     " treatment = excluded.treatment,"
			     " residual_likelihood = excluded.residual_likelihood,"
			     " residual_impact = excluded.residual_impact,"
			     " justification = excluded.justification,"
			     " accept_until = excluded.accept_until, updated = excluded.updated");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			if (r->id)
				sqlite3_bind_int64(st, 1, r->id);
			sqlite3_bind_int64(st, 2, sid);
			bind_text(st, 3, r->title);
			bind_text(st, 4, r->description);
			bind_text(st, 5, r->owner);
			sqlite3_bind_int(st, 6, (int)r->likelihood);
			sqlite3_bind_int(st, 7, (int)r->impact);
			bind_text(st, 8, r->review_date);
			bind_text(st, 9, r->closed ? "closed" : "open");
			bind_text(st, 10, srr_treatment_name(r->treatment));
			if (r->residual_likelihood)
				sqlite3_bind_int(st, 11, (int)r->residual_likelihood);
			if (r->residual_impact)
				sqlite3_bind_int(st, 12, (int)r->residual_impact);
			bind_text(st, 13, r->justification);
			bind_text(st, 14, r->accept_until);
			bind_text(st, 15, now);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "writing a risk");
			else if (!r->id)
				r->id = sqlite3_last_insert_rowid(reg->db);
		}
		if (rc == 0)
			rc = write_actions(reg, r->id, r->actions, r->n_actions, *result == PUT_ADDED);
		if (rc == 0 && !rec) {
			snprintf(entity, sizeof(entity), "risk/%lld", (long long)r->id);
			rc = to_record(reg, r, &rec);
		}
		if (rc == 0)
			rc = put_log(reg, ctx, entity, rec, *result);
	}
	srr_record_free(rec);
	return rc;
}
