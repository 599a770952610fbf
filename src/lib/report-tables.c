/* SPDX-License-Identifier: MIT */
/*
 * The register as tables, for the CSV files and the JSON document
 * (docs/formats/report.md): each entity's rows as typed text columns,
 * handed to a sink one row at a time.
 *
 * What is stored comes straight from SQL cursors, each walking an index
 * in the table's order, so 100,000 suppliers and their million rows
 * stream in constant memory. What srr derives by its rules as of a day
 * (scores, risk levels and acceptance, approval status, what is due) is
 * read through the library's own lists, which hold their whole answer:
 * the rules stay in one place. Two derivations simple enough to be one
 * comparison each (a contract's state, a late notification) are made per
 * row here, as contract.c and incident.c make them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsrr-private.h"
#include "report-private.h"
#include "srr/approval.h"
#include "srr/checkpoint.h"
#include "srr/contract.h"
#include "srr/due.h"
#include "srr/incident.h"
#include "srr/risk.h"
#include "util/date.h"

DEFINE_CLEANUP(struct srr_score_list, srr_score_list_free)
DEFINE_CLEANUP(struct srr_risk_list, srr_risk_list_free)
DEFINE_CLEANUP(struct srr_approval_list, srr_approval_list_free)
DEFINE_CLEANUP(struct srr_checkpoint_list, srr_checkpoint_list_free)

/* The longest table (risks) has 20 columns. */
#define COLUMNS_MAX 24
/* The clause names of a contract joined by ';'. */
#define CLAUSES_MAX (SRR_CLAUSE_COUNT * 32)

struct walk {
	struct srr_register *reg;
	const struct report_sink *sink;
	const struct report_summary *summary; /* its due list is the due table */
	int64_t as_of;
	unsigned within; /* days of upcoming due items */
	char day[DATE_LEN + 1];
	const char *table; /* being written, for messages */
	const char *v[COLUMNS_MAX];
	char num[COLUMNS_MAX][24]; /* numbers formatted for v */
	char clauses[CLAUSES_MAX], gaps[CLAUSES_MAX];
	/* suppliers: the scores, merged by key */
	const struct srr_score_list *scores;
	size_t next_score;
};

/* A table read with one cursor: its columns, the query whose result
 * columns they are (?1 is the as-of day), and how a row becomes values
 * (NULL: column for column). */
struct table {
	const char *name;
	const struct report_column *columns;
	size_t n_columns;
	const char *sql;
	void (*fill)(struct walk *w, sqlite3_stmt *st);
};

/* clang-format off */
#define TABLE(name, columns, sql, fill) { name, columns, ARRAY_LEN(columns), sql, fill }
/* clang-format on */

/* --- values -------------------------------------------------------------- */

/* n in decimal, in column i's buffer: a few million of these per report. */
static const char *
num(struct walk *w, size_t i, long long n)
{
	char *p = w->num[i] + sizeof(w->num[i]) - 1;
	unsigned long long u = n < 0 ? -(unsigned long long)n : (unsigned long long)n;
	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--p = '-';
	return p;
}

/* A count of 0 that means "not set" (residual likelihood before a
 * treatment) is no value. */
static const char *
num_set(struct walk *w, size_t i, long long n)
{
	return n ? num(w, i, n) : NULL;
}

static const char *
flag(int b)
{
	return b ? "1" : "0";
}

static const char *
text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The names of the clause bits set, in the checklist's order, joined by
 * ';'; NULL when none is. */
static const char *
clause_names(char buf[CLAUSES_MAX], unsigned bits)
{
	size_t len = 0;
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		const char *name = srr_clause_name(i);
		size_t n = strlen(name);
		if (len)
			buf[len++] = ';';
		memcpy(buf + len, name, n);
		len += n;
	}
	buf[len] = '\0';
	return len ? buf : NULL;
}

/* --- the sink ------------------------------------------------------------ */

static int
begin(struct walk *w, const char *name, const struct report_column *columns, size_t n)
{
	w->table = name;
	return w->sink->begin(w->sink->userdata, name, n, columns);
}

static int
row(struct walk *w)
{
	return w->sink->row(w->sink->userdata, w->v);
}

static int
end(struct walk *w)
{
	return w->sink->end(w->sink->userdata);
}

static int
read_error(struct walk *w)
{
	char what[96];
	snprintf(what, sizeof(what), "reading the register's %s for the report", w->table);
	return reg_db_error(w->reg, what);
}

static int
cursor_table(struct walk *w, const struct table *t)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(w->reg, t->sql);
	if (!st)
		return SRR_E_DB;
	if (sqlite3_bind_parameter_count(st) > 0)
		bind_text(st, 1, w->day);
	int rc = begin(w, t->name, t->columns, t->n_columns);
	int step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->fill)
			t->fill(w, st);
		else
			for (size_t i = 0; i < t->n_columns; i++)
				w->v[i] = text(st, (int)i);
		rc = row(w);
	}
	if (rc)
		return rc;
	if (step != SQLITE_DONE)
		return read_error(w);
	return end(w);
}

/* --- suppliers ----------------------------------------------------------- */

static const struct report_column supplier_columns[] = {
	{ "key", REPORT_TEXT },	    { "name", REPORT_TEXT },	    { "tier", REPORT_TEXT },
	{ "country", REPORT_TEXT }, { "status", REPORT_TEXT },	    { "created", REPORT_TIME },
	{ "updated", REPORT_TIME }, { "last_review", REPORT_DATE }, { "last_outcome", REPORT_TEXT },
	{ "score", REPORT_INT },
};

/* The latest review on or before the day, as the score and srr due take
 * it; then its score, from the list ordered by key as this cursor is. */
static void
fill_supplier(struct walk *w, sqlite3_stmt *st)
{
	for (int i = 0; i < 9; i++)
		w->v[i] = text(st, i);
	const char *key = w->v[0];
	size_t n = srr_score_list_count(w->scores);
	const struct srr_score *s = NULL;
	while (w->next_score < n &&
	       strcmp((s = srr_score_list_get(w->scores, w->next_score))->supplier, key) < 0)
		w->next_score++;
	bool scored = w->next_score < n && strcmp(s->supplier, key) == 0;
	w->v[9] = scored ? num(w, 9, s->total) : NULL;
}

static const struct table suppliers =
	TABLE("suppliers", supplier_columns,
	      "SELECT s.key, s.name, s.tier, s.country, s.status, s.created, s.updated,"
	      " r.date, r.outcome FROM supplier s LEFT JOIN review r ON r.id ="
	      " (SELECT x.id FROM review x WHERE x.supplier_id = s.id AND x.date <= ?1"
	      " ORDER BY x.date DESC, x.id DESC LIMIT 1) ORDER BY s.key",
	      fill_supplier);

/* Retired suppliers have no score: the list leaves them out. */
static int
walk_suppliers(struct walk *w)
{
	_cleanup_(cleanup_srr_score_list_freep) struct srr_score_list *scores = NULL;
	int rc = srr_score_list_new(&scores, w->reg, NULL, w->day);
	if (rc)
		return rc;
	w->scores = scores;
	w->next_score = 0;
	rc = cursor_table(w, &suppliers);
	w->scores = NULL;
	return rc;
}

/* --- what hangs off a supplier: stored rows only -------------------------- */

/* CROSS JOIN keeps SQLite to walking the suppliers by key and each one's
 * rows by their primary key: no sorting, whatever the register's size. */

static const struct report_column service_columns[] = {
	{ "supplier", REPORT_TEXT },
	{ "position", REPORT_INT },
	{ "service", REPORT_TEXT },
};

static const struct table services =
	TABLE("services", service_columns,
	      "SELECT s.key, v.pos + 1, v.name FROM supplier s"
	      " CROSS JOIN supplier_service v ON v.supplier_id = s.id ORDER BY s.key, v.pos",
	      NULL);

static const struct report_column contact_columns[] = {
	{ "supplier", REPORT_TEXT }, { "position", REPORT_INT }, { "name", REPORT_TEXT },
	{ "email", REPORT_TEXT },    { "role", REPORT_TEXT },
};

static const struct table contacts =
	TABLE("contacts", contact_columns,
	      "SELECT s.key, t.pos + 1, t.name, t.email, t.role FROM supplier s"
	      " CROSS JOIN supplier_contact t ON t.supplier_id = s.id ORDER BY s.key, t.pos",
	      NULL);

static const struct report_column subcontractor_columns[] = {
	{ "supplier", REPORT_TEXT },
	{ "subcontractor", REPORT_TEXT },
};

static const struct table subcontractors =
	TABLE("subcontractors", subcontractor_columns,
	      "SELECT s.key, t.key FROM supplier s CROSS JOIN subcontractor x"
	      " ON x.supplier_id = s.id CROSS JOIN supplier t ON t.id = x.sub_id"
	      " ORDER BY s.key, t.key",
	      NULL);

/* --- contracts ----------------------------------------------------------- */

static const struct report_column contract_columns[] = {
	{ "supplier", REPORT_TEXT },   { "ref", REPORT_TEXT },
	{ "start", REPORT_DATE },      { "end", REPORT_DATE },
	{ "notice_days", REPORT_INT }, { "notice_by", REPORT_DATE },
	{ "status", REPORT_TEXT },     { "terminated", REPORT_DATE },
	{ "clauses", REPORT_TEXT },    { "missing_clauses", REPORT_TEXT },
	{ "created", REPORT_TIME },    { "updated", REPORT_TIME },
};

/* The state srr_contract_list_new() gives (contract.c, derive_state): a
 * termination takes effect on its date. */
static enum srr_contract_state
contract_state(int64_t start, int64_t end, const char *terminated, int64_t day)
{
	int64_t t;
	if (terminated && date_parse(terminated, &t) && day >= t)
		return SRR_CONTRACT_TERMINATED;
	if (day < start)
		return SRR_CONTRACT_NOT_STARTED;
	if (day > end)
		return SRR_CONTRACT_EXPIRED;
	return SRR_CONTRACT_ACTIVE;
}

static void
fill_contract(struct walk *w, sqlite3_stmt *st)
{
	int64_t start = 0, end = 0;
	for (int i = 0; i < 4; i++)
		w->v[i] = text(st, i);
	date_parse(w->v[2], &start);
	date_parse(w->v[3], &end);
	w->v[4] = text(st, 4);
	w->v[5] = NULL;
	if (w->v[4]) {
		/* The last day to give notice, as srr due lists it. */
		date_format(w->num[5], end - sqlite3_column_int64(st, 4));
		w->v[5] = w->num[5];
	}
	w->v[7] = text(st, 5);
	w->v[6] = srr_contract_state_name(contract_state(start, end, w->v[7], w->as_of));
	unsigned bits = (unsigned)sqlite3_column_int(st, 6) & SRR_CLAUSE_ALL;
	w->v[8] = clause_names(w->clauses, bits);
	w->v[9] = clause_names(w->gaps, SRR_CLAUSE_ALL & ~bits);
	w->v[10] = text(st, 7);
	w->v[11] = text(st, 8);
}

static const struct table contracts =
	TABLE("contracts", contract_columns,
	      "SELECT s.key, c.ref, c.start, c.end, c.notice_days, c.terminated, c.clauses,"
	      " c.created, c.updated FROM supplier s CROSS JOIN contract c"
	      " ON c.supplier_id = s.id ORDER BY s.key, c.ref",
	      fill_contract);

/* --- SLAs and measurements ----------------------------------------------- */

static const struct report_column sla_columns[] = {
	{ "supplier", REPORT_TEXT },	 { "contract", REPORT_TEXT },
	{ "metric", REPORT_TEXT },	 { "target", REPORT_NUMBER },
	{ "comparator", REPORT_TEXT },	 { "unit", REPORT_TEXT },
	{ "period", REPORT_TEXT },	 { "measurements", REPORT_INT },
	{ "breaches", REPORT_INT },	 { "last_period", REPORT_TEXT },
	{ "last_value", REPORT_NUMBER }, { "last_breach", REPORT_BOOL },
};

/* The counts and the latest period as srr_sla_list_new() gives them. */
static const struct table slas =
	TABLE("slas", sla_columns,
	      "SELECT s.key, c.ref, l.metric, l.target, l.comparator, l.unit, l.period,"
	      " (SELECT count(*) FROM sla_measurement WHERE sla_id = l.id),"
	      " (SELECT count(*) FROM sla_measurement WHERE sla_id = l.id AND breach),"
	      " m.period, m.value, m.breach"
	      " FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
	      " CROSS JOIN sla l ON l.contract_id = c.id"
	      " LEFT JOIN sla_measurement m ON m.sla_id = l.id AND m.period ="
	      " (SELECT max(period) FROM sla_measurement WHERE sla_id = l.id)"
	      " ORDER BY s.key, c.ref, l.metric",
	      NULL);

static const struct report_column measurement_columns[] = {
	{ "supplier", REPORT_TEXT }, { "contract", REPORT_TEXT }, { "metric", REPORT_TEXT },
	{ "period", REPORT_TEXT },   { "value", REPORT_NUMBER },  { "breach", REPORT_BOOL },
	{ "recorded", REPORT_TIME },
};

static const struct table measurements =
	TABLE("measurements", measurement_columns,
	      "SELECT s.key, c.ref, l.metric, m.period, m.value, m.breach, m.recorded"
	      " FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
	      " CROSS JOIN sla l ON l.contract_id = c.id"
	      " CROSS JOIN sla_measurement m ON m.sla_id = l.id"
	      " ORDER BY s.key, c.ref, l.metric, m.period",
	      NULL);

/* --- reviews and incidents, by id ---------------------------------------- */

static const struct report_column review_columns[] = {
	{ "id", REPORT_INT },	    { "supplier", REPORT_TEXT }, { "date", REPORT_DATE },
	{ "outcome", REPORT_TEXT }, { "reviewer", REPORT_TEXT }, { "findings", REPORT_TEXT },
	{ "created", REPORT_TIME },
};

static const struct table reviews =
	TABLE("reviews", review_columns,
	      "SELECT r.id, s.key, r.date, r.outcome, r.reviewer, r.findings, r.created"
	      " FROM review r JOIN supplier s ON s.id = r.supplier_id ORDER BY r.id",
	      NULL);

static const struct report_column evidence_columns[] = {
	{ "review", REPORT_INT },  { "position", REPORT_INT }, { "path", REPORT_TEXT },
	{ "sha256", REPORT_TEXT }, { "size", REPORT_INT },
};

static const struct table evidence =
	TABLE("evidence", evidence_columns,
	      "SELECT review_id, pos + 1, path, sha256, size FROM review_evidence"
	      " ORDER BY review_id, pos",
	      NULL);

static const struct report_column incident_columns[] = {
	{ "id", REPORT_INT },	     { "supplier", REPORT_TEXT }, { "identified", REPORT_TIME },
	{ "notified", REPORT_TIME }, { "severity", REPORT_TEXT }, { "summary", REPORT_TEXT },
	{ "late", REPORT_BOOL },
};

/* Late as srr_incident_list_new() derives it (incident.c): notified more
 * than 24 hours after it was identified, or not yet and 24 hours have
 * passed by the end of the day (by now, when the day is today). */
static void
fill_incident(struct walk *w, sqlite3_stmt *st)
{
	for (int i = 0; i < 6; i++)
		w->v[i] = text(st, i);
	int64_t ident = 0, notified = 0;
	time_parse(w->v[2], &ident);
	if (!w->v[3] || !time_parse(w->v[3], &notified))
		notified = reg_moment_of(w->as_of);
	w->v[6] = flag(notified - ident > SRR_NOTIFY_WINDOW_SECONDS);
}

static const struct table incidents =
	TABLE("incidents", incident_columns,
	      "SELECT i.id, s.key, i.identified, i.notified, i.severity, i.summary"
	      " FROM incident i JOIN supplier s ON s.id = i.supplier_id ORDER BY i.id",
	      fill_incident);

/* --- risks and their actions: levels and acceptance by risk.c ------------ */

static const struct report_column risk_columns[] = {
	{ "id", REPORT_INT },
	{ "supplier", REPORT_TEXT },
	{ "title", REPORT_TEXT },
	{ "description", REPORT_TEXT },
	{ "owner", REPORT_TEXT },
	{ "likelihood", REPORT_INT },
	{ "impact", REPORT_INT },
	{ "level", REPORT_TEXT },
	{ "treatment", REPORT_TEXT },
	{ "residual_likelihood", REPORT_INT },
	{ "residual_impact", REPORT_INT },
	{ "residual_level", REPORT_TEXT },
	{ "above_tolerance", REPORT_BOOL },
	{ "acceptance", REPORT_TEXT },
	{ "justification", REPORT_TEXT },
	{ "accept_until", REPORT_DATE },
	{ "review_date", REPORT_DATE },
	{ "closed", REPORT_BOOL },
	{ "created", REPORT_TIME },
	{ "updated", REPORT_TIME },
};

static const struct report_column action_columns[] = {
	{ "risk", REPORT_INT },	  { "position", REPORT_INT }, { "text", REPORT_TEXT },
	{ "owner", REPORT_TEXT }, { "due", REPORT_DATE },     { "done", REPORT_DATE },
};

static int
risk_row(struct walk *w, const struct srr_risk *r)
{
	const char **v = w->v;
	v[0] = num(w, 0, r->id);
	v[1] = r->supplier;
	v[2] = r->title;
	v[3] = r->description;
	v[4] = r->owner;
	v[5] = num(w, 5, r->likelihood);
	v[6] = num(w, 6, r->impact);
	v[7] = r->level;
	v[8] = srr_treatment_name(r->treatment);
	v[9] = num_set(w, 9, r->residual_likelihood);
	v[10] = num_set(w, 10, r->residual_impact);
	v[11] = r->residual_level;
	v[12] = flag(r->above_tolerance);
	v[13] = srr_acceptance_name(r->acceptance);
	v[14] = r->justification;
	v[15] = r->accept_until;
	v[16] = r->review_date;
	v[17] = flag(r->closed);
	v[18] = r->created;
	v[19] = r->updated;
	return row(w);
}

static int
action_rows(struct walk *w, const struct srr_risk *r)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->n_actions; i++) {
		const struct srr_action *a = &r->actions[i];
		w->v[0] = num(w, 0, r->id);
		w->v[1] = num(w, 1, (long long)i + 1);
		w->v[2] = a->text;
		w->v[3] = a->owner;
		w->v[4] = a->due;
		w->v[5] = a->done;
		rc = row(w);
	}
	return rc;
}

/* srr_risk_list_new() derives each risk's levels under the policy in
 * force and its acceptance on the register's day (the as-of day here),
 * signed approvals included: the one place those rules live. */
static int
walk_risks(struct walk *w)
{
	_cleanup_(cleanup_srr_risk_list_freep) struct srr_risk_list *l = NULL;
	int rc = srr_risk_list_new(&l, w->reg, NULL, 1);
	if (rc)
		return rc;
	size_t n = srr_risk_list_count(l);
	rc = begin(w, "risks", risk_columns, ARRAY_LEN(risk_columns));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = risk_row(w, srr_risk_list_get(l, i));
	if (rc == 0)
		rc = end(w);
	if (rc == 0)
		rc = begin(w, "actions", action_columns, ARRAY_LEN(action_columns));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = action_rows(w, srr_risk_list_get(l, i));
	return rc ? rc : end(w);
}

/* --- approvals and their signatures: status by approval.c ---------------- */

static const struct report_column approval_columns[] = {
	{ "id", REPORT_INT },		{ "subject", REPORT_TEXT },
	{ "target", REPORT_TEXT },	{ "status", REPORT_TEXT },
	{ "level", REPORT_TEXT },	{ "quorum", REPORT_INT },
	{ "have", REPORT_INT },		{ "requester", REPORT_TEXT },
	{ "requested", REPORT_TIME },	{ "stale_because", REPORT_TEXT },
	{ "rejected_by", REPORT_TEXT }, { "rejected", REPORT_TIME },
	{ "reason", REPORT_TEXT },	{ "record_sha256", REPORT_TEXT },
};

static const struct report_column signature_columns[] = {
	{ "approval", REPORT_INT },	{ "position", REPORT_INT },
	{ "approver", REPORT_TEXT },	{ "cert_subject", REPORT_TEXT },
	{ "cert_sha256", REPORT_TEXT }, { "signed_at", REPORT_TIME },
	{ "actor", REPORT_TEXT },	{ "counts", REPORT_BOOL },
	{ "why_not", REPORT_TEXT },
};

static int
approval_row(struct walk *w, const struct srr_approval *a)
{
	const char **v = w->v;
	v[0] = num(w, 0, a->id);
	v[1] = srr_subject_name(a->subject);
	v[2] = a->target;
	v[3] = srr_approval_status_name(a->status);
	v[4] = a->level;
	v[5] = num(w, 5, a->quorum);
	v[6] = num(w, 6, a->have);
	v[7] = a->requester;
	v[8] = a->requested;
	v[9] = a->stale_because;
	v[10] = a->rejected_by;
	v[11] = a->rejected;
	v[12] = a->reason;
	v[13] = a->record_sha256;
	return row(w);
}

static int
signature_rows(struct walk *w, const struct srr_approval *a)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->n_signatures; i++) {
		const struct srr_signature *g = &a->signatures[i];
		w->v[0] = num(w, 0, a->id);
		w->v[1] = num(w, 1, (long long)i + 1);
		w->v[2] = g->approver;
		w->v[3] = g->cert_subject;
		w->v[4] = g->cert_sha256;
		w->v[5] = g->signed_at;
		w->v[6] = g->actor;
		w->v[7] = flag(g->counts);
		w->v[8] = g->why_not;
		rc = row(w);
	}
	return rc;
}

static int
walk_approvals(struct walk *w)
{
	_cleanup_(cleanup_srr_approval_list_freep) struct srr_approval_list *l = NULL;
	int rc = srr_approval_list_new(&l, w->reg);
	if (rc)
		return rc;
	size_t n = srr_approval_list_count(l);
	rc = begin(w, "approvals", approval_columns, ARRAY_LEN(approval_columns));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = approval_row(w, srr_approval_list_get(l, i));
	if (rc == 0)
		rc = end(w);
	if (rc == 0)
		rc = begin(w, "signatures", signature_columns, ARRAY_LEN(signature_columns));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = signature_rows(w, srr_approval_list_get(l, i));
	return rc ? rc : end(w);
}

/* --- checkpoints --------------------------------------------------------- */

static const struct report_column checkpoint_columns[] = {
	{ "id", REPORT_INT },		{ "size", REPORT_INT },
	{ "root", REPORT_TEXT },	{ "signer", REPORT_TEXT },
	{ "cert_sha256", REPORT_TEXT }, { "signed_at", REPORT_TIME },
	{ "actor", REPORT_TEXT },	{ "clock_synchronised", REPORT_BOOL },
};

static int
walk_checkpoints(struct walk *w)
{
	_cleanup_(cleanup_srr_checkpoint_list_freep) struct srr_checkpoint_list *l = NULL;
	int rc = srr_checkpoint_list_new(&l, w->reg);
	if (rc)
		return rc;
	rc = begin(w, "checkpoints", checkpoint_columns, ARRAY_LEN(checkpoint_columns));
	for (size_t i = 0; rc == 0 && i < srr_checkpoint_list_count(l); i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(l, i);
		w->v[0] = num(w, 0, c->id);
		w->v[1] = num(w, 1, c->size);
		w->v[2] = c->root;
		w->v[3] = c->signer;
		w->v[4] = c->cert_sha256;
		w->v[5] = c->signed_at;
		w->v[6] = c->actor;
		w->v[7] = flag(c->clock_synced);
		rc = row(w);
	}
	return rc ? rc : end(w);
}

/* --- what is due --------------------------------------------------------- */

static const struct report_column due_columns[] = {
	{ "kind", REPORT_TEXT }, { "supplier", REPORT_TEXT }, { "subject", REPORT_TEXT },
	{ "what", REPORT_TEXT }, { "who", REPORT_TEXT },      { "due", REPORT_DATE },
	{ "days", REPORT_INT },	 { "overdue", REPORT_BOOL },  { "requirement", REPORT_TEXT },
};

/* Everything overdue and what falls due within the window, as srr due
 * --as-of --within lists it. */
static int
walk_due(struct walk *w)
{
	const struct srr_due_list *l = w->summary->due;
	int rc = begin(w, "due", due_columns, ARRAY_LEN(due_columns));
	for (size_t i = 0; rc == 0 && i < srr_due_list_count(l); i++) {
		const struct srr_due_item *it = srr_due_list_get(l, i);
		w->v[0] = srr_due_kind_name(it->kind);
		w->v[1] = it->supplier;
		w->v[2] = it->subject;
		w->v[3] = it->what;
		w->v[4] = it->who;
		w->v[5] = it->due;
		w->v[6] = num(w, 6, it->days);
		w->v[7] = flag(it->overdue);
		w->v[8] = it->requirement;
		rc = row(w);
	}
	return rc ? rc : end(w);
}

/* --- the walk ------------------------------------------------------------ */

static int
walk(struct walk *w)
{
	static const struct table *const stored[] = {
		&services,     &contacts, &subcontractors, &contracts, &slas,
		&measurements, &reviews,  &evidence,	   &incidents,
	};
	int rc = walk_suppliers(w);
	for (size_t i = 0; rc == 0 && i < ARRAY_LEN(stored); i++)
		rc = cursor_table(w, stored[i]);
	if (rc == 0)
		rc = walk_risks(w);
	if (rc == 0)
		rc = walk_approvals(w);
	if (rc == 0)
		rc = walk_checkpoints(w);
	if (rc == 0)
		rc = walk_due(w);
	if (rc == 0)
		rc = report_coverage_table(w->reg, w->summary, w->sink);
	return rc;
}

int
report_tables(struct srr_register *reg, const struct report_summary *summary,
	      const struct report_sink *sink)
{
	struct walk w = { .reg = reg,
			  .sink = sink,
			  .summary = summary,
			  .as_of = summary->as_of,
			  .within = summary->within };
	date_format(w.day, w.as_of);
	/* Every derived state of the lists read here follows the register's
	 * day: make it the as-of day for the walk (report_begin() has done
	 * so already when the caller used it). */
	int64_t saved = reg->today;
	reg->today = w.as_of;
	int rc = walk(&w);
	reg->today = saved;
	return rc;
}
