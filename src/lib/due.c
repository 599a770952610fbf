/* SPDX-License-Identifier: MIT */
/*
 * What is due, and supplier risk scores, as of a day. Nothing here is
 * stored: every answer is derived from the register and the policy in
 * force when asked, so nothing can become stale (a next-review date
 * written at review time would never become overdue after a cadence change).
 *
 * The as-of day filters what carries a date of its own (reviews, incidents,
 * measurements, contracts, actions); suppliers and risks are taken as they
 * are now, so the answer does not depend on when a row happened to be typed in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsrr-private.h"
#include "list-private.h"
#include "approval-private.h"
#include "policy-private.h"
#include "srr/approval.h"
#include "srr/contract.h"
#include "srr/due.h"
#include "srr/incident.h"
#include "srr/record.h"
#include "srr/risk.h"
#include "util/arena.h"
#include "util/date.h"

#define LATE_LOOKBACK_DAYS 365

struct facts {
	int64_t id;
	const char *key;
	enum srr_tier tier;
	int64_t created;     /* day the supplier was added */
	int64_t last_review; /* INT64_MIN: never reviewed (as of the day) */
	long residual;	     /* sum of effective level ranks of open risks */
	long open_breaches;
	long overdue_reviews;
	long clause_gaps;
	long late_notifications;
};

struct srr_due_list {
	LIST_FIELDS(struct srr_due_item);
	size_t overdue;
	char as_of[DATE_LEN + 1];
};

struct srr_score_list {
	LIST_FIELDS(struct srr_score);
};

struct ctx {
	struct srr_register *reg;
	const struct srr_policy *policy;
	int64_t day;   /* as of */
	int64_t until; /* list items due up to this day */
	struct facts *f;
	size_t n;
	struct srr_due_list *out; /* NULL when only scoring */
	const char *only;         /* one supplier's key, or NULL for all */
	struct srr_approval_list *approvals; /* when listing */
	bool *covered; /* per approval: said in an acceptance-approval item */
};

static const char *const kind_names[] = {
	NULL,
	"review",
	"review-incident",
	"review-sla-breach",
	"contract-notice",
	"contract-end",
	"acceptance-expiry",
	"acceptance-approval",
	"action",
	"risk-review",
	"notification",
	"approval",
};

static const char *const requirements[] = {
	NULL,
	"REQ-7.14.3-10",
	"REQ-7.14.1-06",
	"REQ-7.14.1-06",
	"REQ-7.14.3-14",
	"REQ-7.14.3-14",
	"REQ-5-07",
	"REQ-5-05",
	"REQ-5-02",
	"REQ-5-04",
	"REQ-7.9.3-01",
	"REQ-5-05",
};

SRR_EXPORT const char *
srr_due_kind_name(enum srr_due_kind kind)
{
	return kind >= SRR_DUE_REVIEW && kind <= SRR_DUE_APPROVAL ? kind_names[kind] : NULL;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = ((const struct facts *)a)->id, y = ((const struct facts *)b)->id;
	return x < y ? -1 : x > y;
}

static struct facts *
find(struct ctx *c, int64_t id)
{
	struct facts key = { .id = id };
	return bsearch(&key, c->f, c->n, sizeof(*c->f), cmp_id);
}

static bool
is_review_kind(enum srr_due_kind k)
{
	return k == SRR_DUE_REVIEW || k == SRR_DUE_REVIEW_INCIDENT ||
	       k == SRR_DUE_REVIEW_SLA_BREACH;
}

/* Note one item: count it into the facts, and list it when in the window. */
__attribute__((format(printf, 7, 8))) static int
item(struct ctx *c, struct facts *f, enum srr_due_kind kind, const char *subject, const char *who,
     int64_t due, const char *fmt, ...)
{
	/* Waiting for a signature or a late notification has no due date to
	 * be past: they are listed from the day they arose. */
	bool overdue = due < c->day && kind != SRR_DUE_ACCEPTANCE_APPROVAL &&
		       kind != SRR_DUE_NOTIFICATION && kind != SRR_DUE_APPROVAL;
	if (overdue && is_review_kind(kind))
		f->overdue_reviews++;
	struct srr_due_list *l = c->out;
	if (!l || (!overdue && due > c->until))
		return 0;
	char what[512], date[DATE_LEN + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	date_format(date, due);
	struct srr_due_item *it = list_push(&l->items, l->n, &l->cap, sizeof(*it));
	if (!it)
		return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
	it->kind = kind;
	it->supplier = arena_strdup(&l->arena, f->key);
	it->subject = arena_strdup(&l->arena, subject);
	it->what = arena_strdup(&l->arena, what);
	it->who = arena_strdup(&l->arena, who);
	it->due = arena_strdup(&l->arena, date);
	it->days = (long)(due - c->day);
	it->overdue = overdue;
	it->requirement = requirements[kind];
	if ((f->key && !it->supplier) || !it->subject || !it->what || !it->due ||
	    (who && !it->who))
		return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
	l->n++;
	l->overdue += overdue;
	return 0;
}

static int64_t
day_of(const char *text)
{
	int64_t d = 0, t = 0;
	if (text && strlen(text) == TIME_LEN && time_parse(text, &t))
		return t >= 0 ? t / 86400 : (t - 86399) / 86400;
	if (text)
		date_parse(text, &d);
	return d;
}

static int
load_suppliers(struct ctx *c)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		c->reg,
		"SELECT s.id, s.key, s.tier, s.created,"
		" (SELECT max(date) FROM review r WHERE r.supplier_id = s.id AND r.date <= ?1)"
		" FROM supplier s WHERE s.status = 'active' AND (?2 IS NULL OR s.key = ?2)"
		" ORDER BY s.id");
	if (!st)
		return SRR_E_DB;
	char day[DATE_LEN + 1];
	date_format(day, c->day);
	bind_text(st, 1, day);
	bind_text(st, 2, c->only);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? 2 * cap : 64;
			struct facts *f = realloc(c->f, cap * sizeof(*f));
			if (!f)
				return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
			c->f = f;
		}
		struct facts *f = &c->f[c->n];
		memset(f, 0, sizeof(*f));
		f->id = sqlite3_column_int64(st, 0);
		/* Owned by the context (ctx_release); lists copy what they keep. */
		f->key = strdup((const char *)sqlite3_column_text(st, 1));
		if (!f->key)
			return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
		c->n++;
		f->tier = srr_tier_from_name((const char *)sqlite3_column_text(st, 2));
		f->created = day_of((const char *)sqlite3_column_text(st, 3));
		const char *last = (const char *)sqlite3_column_text(st, 4);
		f->last_review = last ? day_of(last) : INT64_MIN;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(c->reg, "reading suppliers");
	return 0;
}

static int
scheduled_reviews(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct facts *f = &c->f[i];
		unsigned months = c->policy->cadence_months[f->tier];
		char subject[96];
		snprintf(subject, sizeof(subject), "supplier/%s", f->key);
		int rc;
		if (f->last_review == INT64_MIN) {
			rc = item(c, f, SRR_DUE_REVIEW, subject, NULL, f->created,
				  "%s tier supplier %s has never been reviewed",
				  srr_tier_name(f->tier), f->key);
		} else {
			char last[DATE_LEN + 1];
			date_format(last, f->last_review);
			rc = item(c, f, SRR_DUE_REVIEW, subject, NULL,
				  date_add_months(f->last_review, (int)months),
				  "review of %s tier supplier %s (every %u months; last %s)",
				  srr_tier_name(f->tier), f->key, months, last);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int
incidents(struct ctx *c)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		c->reg,
		"SELECT id, supplier_id, identified, notified, severity FROM incident ORDER BY id");
	if (!st)
		return SRR_E_DB;
	int64_t end_of_day = reg_moment_of(c->day);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct facts *f = find(c, sqlite3_column_int64(st, 1));
		const char *ident = (const char *)sqlite3_column_text(st, 2);
		const char *notified = (const char *)sqlite3_column_text(st, 3);
		int64_t it = 0, nt = 0, id = sqlite3_column_int64(st, 0);
		time_parse(ident, &it);
		if (!f || day_of(ident) > c->day)
			continue;
		bool known = notified && time_parse(notified, &nt) && nt <= end_of_day;
		bool late = (known ? nt : end_of_day) - it > SRR_NOTIFY_WINDOW_SECONDS;
		bool reviewed = f->last_review != INT64_MIN && f->last_review >= day_of(ident);
		char subject[48];
		snprintf(subject, sizeof(subject), "incident/%lld", (long long)id);
		if (late && c->day - day_of(ident) <= LATE_LOOKBACK_DAYS)
			f->late_notifications++;
		int r = 0;
		if (late && !reviewed)
			r = item(c, f, SRR_DUE_NOTIFICATION, subject, NULL, day_of(ident) + 1,
				 known ? "incident %lld at %s was notified after more than 24 hours"
				       : "incident %lld at %s: no notification within 24 hours",
				 (long long)id, f->key);
		if (r == 0 && !reviewed)
			r = item(c, f, SRR_DUE_REVIEW_INCIDENT, subject, NULL,
				 day_of(ident) + c->policy->after_incident_days,
				 "unscheduled review of %s after %s incident %lld of %s", f->key,
				 (const char *)sqlite3_column_text(st, 4), (long long)id, ident);
		if (r)
			return r;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(c->reg, "reading incidents");
	return 0;
}

static int
sla_breaches(struct ctx *c)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		c->reg, "SELECT c.supplier_id, c.ref, l.metric, m.period, m.value, l.target"
			" FROM sla_measurement m JOIN sla l ON l.id = m.sla_id"
			" JOIN contract c ON c.id = l.contract_id WHERE m.breach"
			" ORDER BY c.supplier_id, m.period");
	if (!st)
		return SRR_E_DB;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct facts *f = find(c, sqlite3_column_int64(st, 0));
		const char *ref = (const char *)sqlite3_column_text(st, 1);
		const char *metric = (const char *)sqlite3_column_text(st, 2);
		const char *period = (const char *)sqlite3_column_text(st, 3);
		int64_t first, last;
		if (!f || !period_bounds(period, &first, &last) || first > c->day)
			continue;
		/* A review after the period ended has seen the breach. */
		if (f->last_review != INT64_MIN && f->last_review > last)
			continue;
		f->open_breaches++;
		char subject[256];
		snprintf(subject, sizeof(subject), "sla/%s/%s/%s", f->key, ref, metric);
		int r = item(c, f, SRR_DUE_REVIEW_SLA_BREACH, subject, NULL,
			     last + c->policy->after_sla_breach_days,
			     "unscheduled review of %s after %s breached its target in %s (%s, "
			     "target %s)",
			     f->key, metric, period, (const char *)sqlite3_column_text(st, 4),
			     (const char *)sqlite3_column_text(st, 5));
		if (r)
			return r;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(c->reg, "reading SLA measurements");
	return 0;
}

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

static int
contracts(struct ctx *c)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		c->reg, "SELECT supplier_id, ref, start, end, notice_days, clauses, terminated"
			" FROM contract ORDER BY supplier_id, ref");
	if (!st)
		return SRR_E_DB;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct facts *f = find(c, sqlite3_column_int64(st, 0));
		const char *ref = (const char *)sqlite3_column_text(st, 1);
		int64_t start = day_of((const char *)sqlite3_column_text(st, 2));
		int64_t end = day_of((const char *)sqlite3_column_text(st, 3));
		const char *terminated = (const char *)sqlite3_column_text(st, 6);
		if (!f || start > c->day || (terminated && day_of(terminated) <= c->day))
			continue;
		if (end >= c->day)
			f->clause_gaps +=
				popcount(SRR_CLAUSE_ALL & ~(unsigned)sqlite3_column_int(st, 5));
		char subject[160];
		snprintf(subject, sizeof(subject), "contract/%s/%s", f->key, ref);
		int r = 0;
		if (sqlite3_column_type(st, 4) != SQLITE_NULL && end >= c->day) {
			int notice = sqlite3_column_int(st, 4);
			if (notice > 0)
				r = item(c, f, SRR_DUE_CONTRACT_NOTICE, subject, NULL, end - notice,
					 "last day to give %d days' notice on contract %s of %s",
					 notice, ref, f->key);
		}
		if (r == 0)
			r = item(c, f, SRR_DUE_CONTRACT_END, subject, NULL, end,
				 end < c->day ? "contract %s of active supplier %s has ended"
					      : "contract %s of %s ends",
				 ref, f->key);
		if (r)
			return r;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(c->reg, "reading contracts");
	return 0;
}

/* Where the acceptance of risk entity stands in its latest request. */
static void
approval_state(struct ctx *c, const char *entity, char *buf, size_t size)
{
	snprintf(buf, size, "no approval requested yet");
	size_t n = c->approvals ? srr_approval_list_count(c->approvals) : 0;
	for (size_t i = n; i-- > 0;) {
		const struct srr_approval *a = srr_approval_list_get(c->approvals, i);
		if (a->subject != SRR_SUBJECT_RISK || strcmp(a->target, entity) != 0)
			continue;
		c->covered[i] = true;
		if (a->status == SRR_APPROVAL_STALE)
			snprintf(buf, size, "A-%lld is stale (%s): ask again", (long long)a->id,
				 a->stale_because);
		else if (a->status == SRR_APPROVAL_REJECTED)
			snprintf(buf, size, "A-%lld was rejected (%s)", (long long)a->id,
				 a->reason ? a->reason : "no reason");
		else
			snprintf(buf, size, "A-%lld has %u of %u signatures", (long long)a->id,
				 a->have, a->quorum);
		return;
	}
}

static const char *const approval_subjects[] = { "", "acceptance", "treatment plan",
						 "review sign-off", "policy approval" };

/* Requests waiting for signatures, and stale ones nobody asked again. */
static int
approval_items(struct ctx *c)
{
	const struct srr_approval_list *l = c->approvals;
	int rc = 0;
	for (size_t i = 0; rc == 0 && l && i < srr_approval_list_count(l); i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		bool stale = a->status == SRR_APPROVAL_STALE;
		if (c->covered[i] || (a->status != SRR_APPROVAL_PENDING && !stale) ||
		    (stale && approval_superseded(l, i)))
			continue;
		struct srr_record *rec = NULL;
		if (srr_record_parse(&rec, a->record, a->record_len, NULL, 0))
			rec = NULL;
		const char *key = rec ? srr_record_get(rec, "supplier") : NULL;
		struct facts none = { .key = key };
		bool skip = c->only && (!key || strcmp(key, c->only) != 0);
		if (!skip && stale)
			rc = item(c, &none, SRR_DUE_APPROVAL, a->target, a->requester, c->day,
				  "%s A-%lld is stale (%s): ask again", approval_subjects[a->subject],
				  (long long)a->id, a->stale_because);
		else if (!skip)
			rc = item(c, &none, SRR_DUE_APPROVAL, a->target, "management",
				  day_of(a->requested), "%s A-%lld awaits signatures: %u of %u",
				  approval_subjects[a->subject], (long long)a->id, a->have,
				  a->quorum);
		srr_record_free(rec);
	}
	return rc;
}

static int
risk_items(struct ctx *c, struct facts *f, const struct srr_risk *r)
{
	char subject[48];
	snprintf(subject, sizeof(subject), "risk/%lld", (long long)r->id);
	int rc = 0;
	if (r->treatment == SRR_TREATMENT_ACCEPT && r->accept_until)
		rc = item(c, f, SRR_DUE_ACCEPTANCE_EXPIRY, subject, r->owner,
			  day_of(r->accept_until), "acceptance of risk R-%lld (%s) expires",
			  (long long)r->id, r->title);
	if (rc == 0 && r->acceptance == SRR_ACCEPTANCE_PENDING) {
		char state[160];
		approval_state(c, subject, state, sizeof(state));
		rc = item(c, f, SRR_DUE_ACCEPTANCE_APPROVAL, subject, "management",
			  day_of(r->updated),
			  "acceptance of %s residual risk R-%lld (%s) is above tolerance and "
			  "pending approval: %s",
			  r->residual_level ? r->residual_level : r->level, (long long)r->id,
			  r->title, state);
	}
	for (size_t i = 0; rc == 0 && i < r->n_actions; i++) {
		const struct srr_action *a = &r->actions[i];
		if (!a->due || (a->done && day_of(a->done) <= c->day))
			continue;
		rc = item(c, f, SRR_DUE_ACTION, subject, a->owner ? a->owner : r->owner,
			  day_of(a->due), "action %zu of risk R-%lld: %s", i + 1, (long long)r->id,
			  a->text);
	}
	if (rc == 0) {
		/* REQ-5-04: at least annually when no date was set. */
		int64_t due = r->review_date ? day_of(r->review_date)
					     : date_add_months(day_of(r->created), 12);
		rc = item(c, f, SRR_DUE_RISK_REVIEW, subject, r->owner, due,
			  "review of risk R-%lld (%s)", (long long)r->id, r->title);
	}
	return rc;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp((*(struct facts *const *)a)->key, (*(struct facts *const *)b)->key);
}

static int
risks(struct ctx *c)
{
	struct srr_risk_list *l;
	if (c->n == 0)
		return 0;
	int rc = srr_risk_list_new(&l, c->reg, c->only, 0);
	if (rc)
		return rc;
	/* Risk views carry supplier keys, not row ids: index the facts by key. */
	struct facts **by_key = calloc(c->n ? c->n : 1, sizeof(*by_key));
	if (!by_key) {
		srr_risk_list_free(l);
		return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
	}
	for (size_t k = 0; k < c->n; k++)
		by_key[k] = &c->f[k];
	qsort(by_key, c->n, sizeof(*by_key), cmp_key);
	for (size_t i = 0; rc == 0 && i < srr_risk_list_count(l); i++) {
		const struct srr_risk *r = srr_risk_list_get(l, i);
		struct facts probe = { .key = r->supplier }, *pp = &probe;
		struct facts **hit = bsearch(&pp, by_key, c->n, sizeof(*by_key), cmp_key);
		if (!hit)
			continue;
		struct facts *f = *hit;
		f->residual += r->residual_rank;
		rc = risk_items(c, f, r);
	}
	free(by_key);
	srr_risk_list_free(l);
	return rc;
}

static void
ctx_release(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		free((char *)c->f[i].key);
	free(c->f);
	free(c->covered);
	srr_approval_list_free(c->approvals);
}

static int
assess(struct ctx *c, struct srr_register *reg, const char *as_of, unsigned within,
       const char *only, struct srr_due_list *out, struct srr_policy_list **pl)
{
	memset(c, 0, sizeof(*c));
	c->reg = reg;
	c->out = out;
	c->only = only;
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	c->day = reg_today(reg);
	if (as_of && !date_parse(as_of, &c->day))
		return reg_error(reg, SRR_E_INPUT,
				 "as-of date '%s' is not a valid date (YYYY-MM-DD)", as_of);
	c->until = c->day + (within > 3650 ? 3650 : within);
	rc = policy_current(pl, reg);
	if (rc)
		return rc;
	c->policy = srr_policy_list_get(*pl, 0);
	/* Derived states (an acceptance's expiry) are judged on the same day. */
	int64_t saved = reg->today;
	reg->today = c->day;
	rc = load_suppliers(c);
	if (rc == 0 && out) {
		rc = srr_approval_list_new(&c->approvals, reg);
		size_t n = rc == 0 ? srr_approval_list_count(c->approvals) : 0;
		if (rc == 0 && !(c->covered = calloc(n ? n : 1, sizeof(*c->covered))))
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	/* Incidents and breaches need last_review only; scheduled reviews
	 * come after them so overdue counts are complete for scoring. */
	if (rc == 0)
		rc = incidents(c);
	if (rc == 0)
		rc = sla_breaches(c);
	if (rc == 0)
		rc = scheduled_reviews(c);
	if (rc == 0)
		rc = contracts(c);
	if (rc == 0)
		rc = risks(c);
	if (rc == 0)
		rc = approval_items(c);
	reg->today = saved;
	return rc;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct srr_due_item *x = a, *y = b;
	int d = strcmp(x->due, y->due);
	if (d)
		return d;
	/* Items of no supplier (the policy's approval) first. */
	d = strcmp(x->supplier ? x->supplier : "", y->supplier ? y->supplier : "");
	if (d)
		return d;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->subject, y->subject);
}

SRR_EXPORT int
srr_due_list_new(struct srr_due_list **out, struct srr_register *reg, const char *as_of,
		 unsigned within)
{
	struct srr_due_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	struct ctx c;
	struct srr_policy_list *pl = NULL;
	int rc = assess(&c, reg, as_of, within, NULL, l, &pl);
	srr_policy_list_free(pl);
	ctx_release(&c);
	if (rc) {
		srr_due_list_free(l);
		return rc;
	}
	if (l->n)
		qsort(l->items, l->n, sizeof(*l->items), cmp_item);
	date_format(l->as_of, c.day);
	*out = l;
	return 0;
}

SRR_EXPORT const char *
srr_due_list_as_of(const struct srr_due_list *l)
{
	return l->as_of;
}

SRR_EXPORT size_t
srr_due_list_overdue(const struct srr_due_list *l)
{
	return l->overdue;
}

DEFINE_LIST_ACCESSORS(due, struct srr_due_item)

static const char *
why(struct arena *a, const char *label, long n)
{
	char buf[160];
	snprintf(buf, sizeof(buf), "%s: %ld", label, n);
	return arena_strdup(a, buf);
}

static int
score_one(struct srr_score_list *l, const struct facts *f, const struct srr_policy *p)
{
	struct srr_score *s = &l->items[l->n];
	struct arena *a = &l->arena;
	const struct srr_weights *w = &p->weights;
	struct {
		const char *name;
		long count;
		unsigned weight;
		const char *label;
	} factors[SRR_SCORE_FACTORS] = {
		{ "residual", f->residual, w->residual,
		  "sum of residual level ranks of open risks" },
		{ "tier", SRR_TIER_LOW + 1 - (long)f->tier, w->tier,
		  "tier rank (critical 4 .. low 1)" },
		{ "sla_breach", f->open_breaches, w->sla_breach,
		  "SLA breaches not yet followed by a review" },
		{ "overdue_review", f->overdue_reviews, w->overdue_review, "overdue reviews" },
		{ "clause_gap", f->clause_gaps, w->clause_gap,
		  "missing clauses in current contracts" },
		{ "late_notification", f->late_notifications, w->late_notification,
		  "incidents notified late in the last 365 days" },
	};
	s->supplier = arena_strdup(a, f->key);
	s->total = 0;
	for (size_t i = 0; i < SRR_SCORE_FACTORS; i++) {
		struct srr_score_factor *x = &s->factors[i];
		x->name = factors[i].name;
		x->count = factors[i].count;
		x->weight = factors[i].weight;
		x->points = x->count * (long)x->weight;
		x->why = why(a, factors[i].label, x->count);
		if (!x->why)
			return SRR_E_NOMEM;
		s->total += x->points;
	}
	if (!s->supplier)
		return SRR_E_NOMEM;
	l->n++;
	return 0;
}

static int
cmp_score_key(const void *a, const void *b)
{
	return strcmp(((const struct srr_score *)a)->supplier,
		      ((const struct srr_score *)b)->supplier);
}

SRR_EXPORT int
srr_score_list_new(struct srr_score_list **out, struct srr_register *reg, const char *supplier,
		   const char *as_of)
{
	struct ctx c;
	struct srr_policy_list *pl = NULL;
	/* One supplier's score needs only that supplier's facts. */
	int rc = assess(&c, reg, as_of, 0, supplier, NULL, &pl);
	struct srr_score_list *l = rc ? NULL : calloc(1, sizeof(*l));
	if (rc == 0 && l)
		l->items = calloc(c.n ? c.n : 1, sizeof(*l->items));
	if (rc == 0 && (!l || !l->items))
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	bool found = supplier == NULL;
	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		if (supplier && strcmp(supplier, c.f[i].key) != 0)
			continue;
		found = true;
		if (score_one(l, &c.f[i], srr_policy_list_get(pl, 0)))
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	if (rc == 0 && !found)
		rc = reg_error(reg, SRR_E_NOTFOUND, "no active supplier '%s'", supplier);
	srr_policy_list_free(pl);
	ctx_release(&c);
	if (rc) {
		srr_score_list_free(l);
		return rc;
	}
	qsort(l->items, l->n, sizeof(*l->items), cmp_score_key);
	*out = l;
	return 0;
}

DEFINE_LIST_ACCESSORS(score, struct srr_score)
