/* SPDX-License-Identifier: MIT */
/*
 * srr export --yaml: the register in the shape srr import reads
 * (docs/formats/yaml.md).
 *
 * Streamed in constant memory: a few cursors, each ordered by supplier
 * key and then as the file lists the rows, merged here while the
 * suppliers are walked in key order; all in one read transaction, so the
 * file is one state of the register. The text values go through
 * yaml_scalar() (yaml-scalar.c), the one place that decides quoting.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsrr-private.h"
#include "register-private.h"
#include "srr/contract.h"
#include "srr/import.h"
#include "srr/incident.h"
#include "srr/review.h"
#include "srr/risk.h"
#include "srr/sla.h"
#include "util/date.h"
#include "util/decimal.h"
#include "yaml-scalar-private.h"

/* --- output -------------------------------------------------------------- */

#define OUT_SIZE (1u << 20)

/* Our own buffer, written out with large fwrite calls: the caller's
 * stream is left as it was set up. */
struct out {
	FILE *f;
	char *buf;
	size_t len;
	int err; /* errno of the first failed write */
};

static void
out_flush(struct out *o)
{
	errno = 0;
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = errno ? errno : EIO;
	o->len = 0;
}

static inline void
out_put(struct out *o, const char *s, size_t n)
{
	if (OUT_SIZE - o->len < n) {
		out_flush(o);
		if (n > OUT_SIZE) {
			errno = 0;
			if (!o->err && fwrite(s, 1, n, o->f) != n)
				o->err = errno ? errno : EIO;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
out_int(struct out *o, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	out_put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* 0 when s is not UTF-8, -1 when out of memory. */
static int
out_scalar(struct out *o, const char *s, size_t len)
{
	size_t need = YAML_SCALAR_MAX(len), n;
	if (OUT_SIZE - o->len < need)
		out_flush(o);
	if (need <= OUT_SIZE) {
		n = yaml_scalar(o->buf + o->len, s, len);
		o->len += n;
		return n != 0;
	}
	char *tmp = malloc(need);
	if (!tmp)
		return -1;
	n = yaml_scalar(tmp, s, len);
	out_put(o, tmp, n);
	free(tmp);
	return n != 0;
}

#define LIT(x, s) out_put(&(x)->o, s, sizeof(s) - 1)

/* --- the walk ------------------------------------------------------------ */

/* Every cursor's first column is the id of the supplier its rows belong
 * to, and all are ordered by supplier key first: so each supplier's rows
 * come next in every cursor as the suppliers are walked. What hangs off a
 * contract, review or risk comes in its parent's rows (LEFT JOIN), so no
 * table is walked twice. CROSS JOIN keeps SQLite to the join order that
 * walks the indexes in the order asked; only subcontractors (by the other
 * supplier's key), reviews and incidents (by id, where the index is by
 * date) are sorted, one supplier at a time. */
enum cur {
	C_SUPPLIER,
	C_SERVICE,
	C_CONTACT,
	C_SUB,
	C_CONTRACT,
	C_REVIEW,
	C_INCIDENT,
	C_RISK,
	C_COUNT,
};

static const char *const queries[C_COUNT] = {
	[C_SUPPLIER] = "SELECT id, key, name, tier, country, status FROM supplier ORDER BY key",
	[C_SERVICE] = "SELECT s.id, v.name FROM supplier s CROSS JOIN supplier_service v"
		      " ON v.supplier_id = s.id ORDER BY s.key, v.pos",
	[C_CONTACT] = "SELECT s.id, t.name, t.email, t.role FROM supplier s"
		      " CROSS JOIN supplier_contact t ON t.supplier_id = s.id"
		      " ORDER BY s.key, t.pos",
	[C_SUB] = "SELECT s.id, t.key FROM supplier s CROSS JOIN subcontractor x"
		  " ON x.supplier_id = s.id CROSS JOIN supplier t ON t.id = x.sub_id"
		  " ORDER BY s.key, t.key",
	[C_CONTRACT] = "SELECT s.id, c.id, c.ref, c.start, c.end, c.notice_days, c.terminated,"
		       " c.clauses, l.id, l.metric, l.target, l.comparator, l.unit, l.period,"
		       " m.period, m.value"
		       " FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
		       " LEFT JOIN sla l ON l.contract_id = c.id"
		       " LEFT JOIN sla_measurement m ON m.sla_id = l.id"
		       " ORDER BY s.key, c.ref, l.metric, m.period",
	[C_REVIEW] = "SELECT s.id, r.id, r.date, r.outcome, r.findings, r.reviewer,"
		     " e.path, e.sha256, e.size"
		     " FROM supplier s CROSS JOIN review r ON r.supplier_id = s.id"
		     " LEFT JOIN review_evidence e ON e.review_id = r.id"
		     " ORDER BY s.key, r.id, e.pos",
	[C_INCIDENT] = "SELECT s.id, i.id, i.identified, i.notified, i.severity, i.summary"
		       " FROM supplier s CROSS JOIN incident i ON i.supplier_id = s.id"
		       " ORDER BY s.key, i.id",
	[C_RISK] = "SELECT s.id, r.id, r.title, r.description, r.owner, r.likelihood, r.impact,"
		   " r.review_date, r.status, r.treatment, r.residual_likelihood,"
		   " r.residual_impact, r.justification, r.accept_until,"
		   " a.text, a.owner, a.due, a.done"
		   " FROM supplier s CROSS JOIN risk r ON r.supplier_id = s.id"
		   " LEFT JOIN risk_action a ON a.risk_id = r.id ORDER BY s.key, r.id, a.pos",
};

/* The current row's ids are read once per step: the walk compares them
 * at every turn. */
struct cursor {
	sqlite3_stmt *st;
	bool row;	  /* a row is current */
	int64_t sid;	  /* column 0: the supplier's id */
	int64_t id1, id8; /* columns 1 and 8 where they group rows (else 0) */
	bool ids1, ids8;
};

enum entity { E_SUPPLIER, E_CONTRACT, E_SLA, E_MEASUREMENT, E_REVIEW, E_INCIDENT, E_RISK };

struct ex {
	struct srr_register *reg;
	struct out o;
	struct cursor c[C_COUNT];
	int rc;		    /* the first error */
	enum entity entity; /* what is being written, for messages */
	int64_t id;	    /* of the review, incident or risk */
};

enum kind { K_DATE, K_TIME, K_DECIMAL, K_MONTH, K_QUARTER };

static const char *
str(sqlite3_value *v)
{
	return (const char *)sqlite3_value_text(v);
}

/* Column i of the current row of cursor which, as text. */
static const char *
cur_str(const struct ex *x, enum cur which, int i)
{
	return str(sqlite3_column_value(x->c[which].st, i));
}

/* The entity being written, as the log names it. Errors are found on the
 * current rows, which hold every name needed: the contract cursor's rows
 * hold their SLA's and measurement's too. */
static void
entity_name(const struct ex *x, char *buf, size_t size)
{
	const char *key = cur_str(x, C_SUPPLIER, 1);
	switch (x->entity) {
	case E_SUPPLIER:
		snprintf(buf, size, "supplier/%s", key);
		break;
	case E_CONTRACT:
		snprintf(buf, size, "contract/%s/%s", key, cur_str(x, C_CONTRACT, 2));
		break;
	case E_SLA:
		snprintf(buf, size, "sla/%s/%s/%s", key, cur_str(x, C_CONTRACT, 2),
			 cur_str(x, C_CONTRACT, 9));
		break;
	case E_MEASUREMENT:
		snprintf(buf, size, "measurement/%s/%s/%s/%s", key, cur_str(x, C_CONTRACT, 2),
			 cur_str(x, C_CONTRACT, 9), cur_str(x, C_CONTRACT, 14));
		break;
	case E_REVIEW:
		snprintf(buf, size, "review/%lld", (long long)x->id);
		break;
	case E_INCIDENT:
		snprintf(buf, size, "incident/%lld", (long long)x->id);
		break;
	case E_RISK:
		snprintf(buf, size, "risk/%lld", (long long)x->id);
		break;
	}
}

/* A row srr would never have written: the file would not say what the
 * register holds, so there is no file. */
static void
bad_row(struct ex *x, const char *field, const char *value)
{
	if (x->rc)
		return;
	char name[600];
	entity_name(x, name, sizeof(name));
	if (value)
		x->rc = reg_error(x->reg, SRR_E_FORMAT,
				  "cannot export %s as YAML: its %s '%s' is not one srr writes",
				  name, field, value);
	else
		x->rc = reg_error(x->reg, SRR_E_FORMAT,
				  "cannot export %s as YAML: its %s is not UTF-8 text", name,
				  field);
}

/* Column i of the current row. One call that takes the connection's
 * lock; the value's accessors do not (the register context is never
 * shared between threads), which matters at a million rows. */
static sqlite3_value *
val(sqlite3_stmt *st, int i)
{
	return sqlite3_column_value(st, i);
}

static bool
is_null(sqlite3_value *v)
{
	return sqlite3_value_type(v) == SQLITE_NULL;
}

static void
step(struct ex *x, struct cursor *c)
{
	int rc = sqlite3_step(c->st);
	c->row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && !x->rc)
		x->rc = reg_db_error(x->reg, "reading the register for the YAML export");
	if (!c->row)
		return;
	c->sid = sqlite3_value_int64(val(c->st, 0));
	if (c->ids1)
		c->id1 = sqlite3_value_int64(val(c->st, 1));
	if (c->ids8)
		c->id8 = sqlite3_value_int64(val(c->st, 8));
}

/* Is the cursor on a row of supplier sid? */
static bool
at(const struct cursor *c, int64_t sid)
{
	return c->row && c->sid == sid;
}

static void
text(struct ex *x, sqlite3_value *v, const char *what)
{
	const char *s = str(v);
	int ok = out_scalar(&x->o, s ? s : "", (size_t)sqlite3_value_bytes(v));
	if (ok < 0 && !x->rc)
		x->rc = reg_error(x->reg, SRR_E_NOMEM, "out of memory");
	else if (ok == 0)
		bad_row(x, what, NULL);
}

static bool
kind_valid(enum kind k, const char *s)
{
	int64_t v;
	switch (k) {
	case K_DATE:
		return date_parse(s, &v);
	case K_TIME:
		return time_parse(s, &v);
	case K_DECIMAL:
		return decimal_is_canonical(s);
	case K_MONTH:
		return period_month_valid(s);
	case K_QUARTER:
		return period_quarter_valid(s);
	}
	return false;
}

/* A typed value, written plain after checking it is what its type says
 * (the shapes of these never need quotes for srr import). */
static void
typed(struct ex *x, sqlite3_value *v, enum kind k, const char *what)
{
	const char *s = str(v);
	if (!s || !kind_valid(k, s))
		bad_row(x, what, s ? s : "");
	else
		out_put(&x->o, s, (size_t)sqlite3_value_bytes(v));
}

/* "prefix: value\n" lines; nothing when the column is NULL. */
static void
field_text(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i, const char *what)
{
	sqlite3_value *v = val(st, i);
	if (is_null(v))
		return;
	out_put(&x->o, prefix, n);
	text(x, v, what);
	LIT(x, "\n");
}

static void
field_typed(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i, enum kind k,
	    const char *what)
{
	sqlite3_value *v = val(st, i);
	if (is_null(v))
		return;
	out_put(&x->o, prefix, n);
	typed(x, v, k, what);
	LIT(x, "\n");
}

static void
field_int(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i)
{
	sqlite3_value *v = val(st, i);
	if (is_null(v))
		return;
	out_put(&x->o, prefix, n);
	out_int(&x->o, sqlite3_value_int64(v));
	LIT(x, "\n");
}

/* An enumeration's name, checked by its parser (which gives 0 for what
 * srr never writes). */
static void
field_enum(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i,
	   int (*parse)(const char *), const char *what)
{
	sqlite3_value *v = val(st, i);
	const char *s = str(v);
	if (!s || !parse(s)) {
		bad_row(x, what, s ? s : "");
		return;
	}
	out_put(&x->o, prefix, n);
	out_put(&x->o, s, (size_t)sqlite3_value_bytes(v));
	LIT(x, "\n");
}

#define TEXT(x, p, st, i, what)	    field_text(x, p, sizeof(p) - 1, st, i, what)
#define TYPED(x, p, st, i, k, what) field_typed(x, p, sizeof(p) - 1, st, i, k, what)
#define INT(x, p, st, i)	    field_int(x, p, sizeof(p) - 1, st, i)
#define ENUM(x, p, st, i, f, what)  field_enum(x, p, sizeof(p) - 1, st, i, f, what)

static int
parse_tier(const char *s)
{
	return srr_tier_from_name(s);
}

static int
parse_comparator(const char *s)
{
	return srr_comparator_from_name(s);
}

static int
parse_period(const char *s)
{
	return srr_period_from_name(s);
}

static int
parse_outcome(const char *s)
{
	return srr_outcome_from_name(s);
}

static int
parse_severity(const char *s)
{
	return srr_severity_from_name(s);
}

static int
parse_treatment(const char *s)
{
	return srr_treatment_from_name(s);
}

/* "prefix[a, b]\n" from column 1 of the supplier's rows. */
static void
flow_list(struct ex *x, enum cur which, int64_t sid, const char *prefix, const char *what)
{
	struct cursor *c = &x->c[which];
	if (!at(c, sid))
		return;
	out_put(&x->o, prefix, strlen(prefix));
	for (bool first = true; at(c, sid); step(x, c), first = false) {
		if (!first)
			LIT(x, ", ");
		text(x, val(c->st, 1), what);
	}
	LIT(x, "]\n");
}

/* ", name: value" in a flow map; nothing when the column is NULL. */
static void
flow_text(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i, const char *what)
{
	sqlite3_value *v = val(st, i);
	if (is_null(v))
		return;
	out_put(&x->o, prefix, n);
	text(x, v, what);
}

static void
flow_date(struct ex *x, const char *prefix, size_t n, sqlite3_stmt *st, int i, const char *what)
{
	sqlite3_value *v = val(st, i);
	if (is_null(v))
		return;
	out_put(&x->o, prefix, n);
	typed(x, v, K_DATE, what);
}

#define FLOW_TEXT(x, p, st, i, what) flow_text(x, p, sizeof(p) - 1, st, i, what)
#define FLOW_DATE(x, p, st, i, what) flow_date(x, p, sizeof(p) - 1, st, i, what)

static void
write_contacts(struct ex *x, int64_t sid)
{
	struct cursor *c = &x->c[C_CONTACT];
	if (!at(c, sid))
		return;
	LIT(x, "    contacts:\n");
	for (; at(c, sid); step(x, c)) {
		FLOW_TEXT(x, "      - {name: ", c->st, 1, "contact name");
		FLOW_TEXT(x, ", email: ", c->st, 2, "contact email");
		FLOW_TEXT(x, ", role: ", c->st, 3, "contact role");
		LIT(x, "}\n");
	}
}

static void
write_clauses(struct ex *x, int64_t clauses)
{
	if (clauses < 0 || clauses > SRR_CLAUSE_ALL) {
		char v[24];
		snprintf(v, sizeof(v), "%lld", (long long)clauses);
		bad_row(x, "clause set", v);
		return;
	}
	if (!clauses)
		return;
	LIT(x, "        clauses: [");
	const char *sep = "";
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++) {
		if (!(clauses & (1 << i)))
			continue;
		const char *name = srr_clause_name(i);
		out_put(&x->o, sep, strlen(sep));
		out_put(&x->o, name, strlen(name));
		sep = ", ";
	}
	LIT(x, "]\n");
}

/* Contract rows: 1 id, 2 ref, 3 start, 4 end, 5 notice_days, 6 terminated,
 * 7 clauses; its SLAs: 8 id, 9 metric, 10 target, 11 comparator, 12 unit,
 * 13 period; their measurements: 14 period, 15 value. */
static void
write_measurements(struct ex *x, struct cursor *c, int64_t lid, enum kind period)
{
	x->entity = E_MEASUREMENT;
	LIT(x, "            measurements:\n");
	for (; c->row && c->id8 == lid; step(x, c)) {
		LIT(x, "              - {period: ");
		typed(x, val(c->st, 14), period, "period");
		LIT(x, ", value: ");
		typed(x, val(c->st, 15), K_DECIMAL, "value");
		LIT(x, "}\n");
	}
}

/* One SLA and its measurements: the rows of the cursor that hold it. */
static void
write_sla(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	int64_t lid = c->id8;
	x->entity = E_SLA;
	LIT(x, "          - metric: ");
	text(x, val(st, 9), "metric");
	LIT(x, "\n");
	TYPED(x, "            target: ", st, 10, K_DECIMAL, "target");
	ENUM(x, "            comparator: ", st, 11, parse_comparator, "comparator");
	TEXT(x, "            unit: ", st, 12, "unit");
	ENUM(x, "            period: ", st, 13, parse_period, "period");
	bool month = parse_period(str(val(st, 13))) == SRR_PERIOD_MONTH;
	if (is_null(val(st, 14)))
		step(x, c);
	else
		write_measurements(x, c, lid, month ? K_MONTH : K_QUARTER);
}

/* One contract with its SLAs: the rows of the cursor that hold it. */
static void
write_contract(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	int64_t cid = c->id1;
	x->entity = E_CONTRACT;
	LIT(x, "      - ref: ");
	text(x, val(st, 2), "ref");
	LIT(x, "\n");
	TYPED(x, "        start: ", st, 3, K_DATE, "start");
	TYPED(x, "        end: ", st, 4, K_DATE, "end");
	INT(x, "        notice_days: ", st, 5);
	TYPED(x, "        terminated: ", st, 6, K_DATE, "terminated");
	write_clauses(x, sqlite3_value_int64(val(st, 7)));
	if (is_null(val(st, 8))) {
		step(x, c);
		return;
	}
	LIT(x, "        slas:\n");
	while (c->row && c->id1 == cid && !x->rc)
		write_sla(x, c);
}

static bool
sha256_hex(const char *s)
{
	size_t n = 0;
	while (s && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
		n++;
	return n == 64 && !s[n];
}

/* Review rows' evidence: 6 path, 7 sha256, 8 size. */
static void
write_evidence(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	LIT(x, "        evidence:\n");
	for (; c->row && c->id1 == x->id; step(x, c)) {
		LIT(x, "          - {path: ");
		text(x, val(st, 6), "evidence path");
		LIT(x, ", sha256: ");
		sqlite3_value *sha = val(st, 7);
		if (!sha256_hex(str(sha)))
			bad_row(x, "evidence sha256", str(sha));
		text(x, sha, "evidence sha256");
		LIT(x, ", size: ");
		out_int(&x->o, sqlite3_value_int64(val(st, 8)));
		LIT(x, "}\n");
	}
}

/* Review rows: 1 id, 2 date, 3 outcome, 4 findings, 5 reviewer. */
static void
write_review(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	x->entity = E_REVIEW;
	x->id = c->id1;
	LIT(x, "      - id: ");
	out_int(&x->o, x->id);
	LIT(x, "\n");
	TYPED(x, "        date: ", st, 2, K_DATE, "date");
	ENUM(x, "        outcome: ", st, 3, parse_outcome, "outcome");
	TEXT(x, "        findings: ", st, 4, "findings");
	TEXT(x, "        reviewer: ", st, 5, "reviewer");
	if (is_null(val(st, 6)))
		step(x, c);
	else
		write_evidence(x, c);
}

static void
write_incident(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	x->entity = E_INCIDENT;
	x->id = c->id1;
	LIT(x, "      - id: ");
	out_int(&x->o, x->id);
	LIT(x, "\n");
	TYPED(x, "        identified: ", st, 2, K_TIME, "identified time");
	TYPED(x, "        notified: ", st, 3, K_TIME, "notified time");
	ENUM(x, "        severity: ", st, 4, parse_severity, "severity");
	TEXT(x, "        summary: ", st, 5, "summary");
	step(x, c);
}

/* Risk rows' actions: 14 text, 15 owner, 16 due, 17 done. */
static void
write_actions(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	LIT(x, "        actions:\n");
	for (; c->row && c->id1 == x->id; step(x, c)) {
		FLOW_TEXT(x, "          - {text: ", st, 14, "action text");
		FLOW_TEXT(x, ", owner: ", st, 15, "action owner");
		FLOW_DATE(x, ", due: ", st, 16, "action due date");
		FLOW_DATE(x, ", done: ", st, 17, "action done date");
		LIT(x, "}\n");
	}
}

/* Risk rows: 1 id, 2 title, 3 description, 4 owner, 5 likelihood,
 * 6 impact, 7 review_date, 8 status, 9 treatment, 10 residual_likelihood,
 * 11 residual_impact, 12 justification, 13 accept_until. */
static void
write_risk(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	x->entity = E_RISK;
	x->id = c->id1;
	LIT(x, "      - id: R-");
	out_int(&x->o, x->id);
	LIT(x, "\n");
	TEXT(x, "        title: ", st, 2, "title");
	TEXT(x, "        description: ", st, 3, "description");
	TEXT(x, "        owner: ", st, 4, "owner");
	INT(x, "        likelihood: ", st, 5);
	INT(x, "        impact: ", st, 6);
	TYPED(x, "        review_date: ", st, 7, K_DATE, "review date");
	const char *status = str(val(st, 8));
	if (strcmp(status, "closed") == 0)
		LIT(x, "        closed: true\n");
	else if (strcmp(status, "open") != 0)
		bad_row(x, "status", status);
	if (!is_null(val(st, 9)))
		ENUM(x, "        treatment: ", st, 9, parse_treatment, "treatment");
	INT(x, "        residual_likelihood: ", st, 10);
	INT(x, "        residual_impact: ", st, 11);
	TEXT(x, "        justification: ", st, 12, "justification");
	TYPED(x, "        accept_until: ", st, 13, K_DATE, "accept-until date");
	if (is_null(val(st, 14)))
		step(x, c);
	else
		write_actions(x, c);
}

/* The supplier's items of one kind, block style; item() writes one and
 * moves the cursor past its rows. */
static void
block_list(struct ex *x, enum cur which, int64_t sid, const char *header,
	   void (*item)(struct ex *x, struct cursor *c))
{
	struct cursor *c = &x->c[which];
	if (!at(c, sid))
		return;
	out_put(&x->o, header, strlen(header));
	while (at(c, sid) && !x->rc)
		item(x, c);
	x->entity = E_SUPPLIER;
}

static void
write_supplier(struct ex *x, struct cursor *c)
{
	sqlite3_stmt *st = c->st;
	int64_t sid = c->sid;
	x->entity = E_SUPPLIER;
	LIT(x, "  - key: ");
	text(x, val(st, 1), "key");
	LIT(x, "\n");
	TEXT(x, "    name: ", st, 2, "name");
	ENUM(x, "    tier: ", st, 3, parse_tier, "tier");
	TEXT(x, "    country: ", st, 4, "country");
	const char *status = str(val(st, 5));
	if (strcmp(status, "retired") == 0)
		LIT(x, "    retired: true\n");
	else if (strcmp(status, "active") != 0)
		bad_row(x, "status", status);
	flow_list(x, C_SERVICE, sid, "    services: [", "service");
	write_contacts(x, sid);
	flow_list(x, C_SUB, sid, "    subcontractors: [", "subcontractor");
	block_list(x, C_CONTRACT, sid, "    contracts:\n", write_contract);
	block_list(x, C_REVIEW, sid, "    reviews:\n", write_review);
	block_list(x, C_INCIDENT, sid, "    incidents:\n", write_incident);
	block_list(x, C_RISK, sid, "    risks:\n", write_risk);
}

static int
write_all(struct ex *x)
{
	for (int i = 0; i < C_COUNT; i++) {
		struct cursor *c = &x->c[i];
		if (!(c->st = reg_stmt(x->reg, queries[i])))
			return SRR_E_DB;
		c->ids1 = i == C_CONTRACT || i == C_REVIEW || i == C_INCIDENT || i == C_RISK;
		c->ids8 = i == C_CONTRACT;
		step(x, c);
	}
	struct cursor *s = &x->c[C_SUPPLIER];
	if (!x->rc && !s->row)
		LIT(x, "suppliers: []\n");
	else if (!x->rc)
		LIT(x, "suppliers:\n");
	for (; s->row && !x->rc && !x->o.err; step(x, s))
		write_supplier(x, s);
	/* The cursors agree on the order, so each is used up with the
	 * suppliers; a row left over would be a row missing from the file. */
	for (int i = 0; i < C_COUNT && !x->rc && !x->o.err; i++)
		if (x->c[i].row)
			x->rc = reg_error(x->reg, SRR_E_DB,
					  "internal error: the YAML export left rows of query "
					  "%d unwritten",
					  i);
	return x->rc;
}

/* Flush what is written; on an error, leave the rest unwritten. */
static int
finish(struct ex *x, int rc)
{
	if (rc)
		return rc;
	out_flush(&x->o);
	errno = 0;
	if (!x->o.err && fflush(x->o.f) != 0)
		x->o.err = errno ? errno : EIO;
	if (!x->o.err && ferror(x->o.f))
		x->o.err = EIO;
	if (x->o.err)
		rc = reg_error(x->reg, SRR_E_IO, "writing the YAML export: %s", strerror(x->o.err));
	return rc;
}

SRR_EXPORT int
srr_export_yaml(struct srr_register *reg, FILE *out)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (!out)
		return reg_error(reg, SRR_E_INPUT, "no stream to write the YAML export to");
	struct ex x = { .reg = reg, .o = { .f = out } };
	if (!(x.o.buf = malloc(OUT_SIZE)))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	/* One read transaction: the file is one state of the register. */
	bool own = reg->tx_depth == 0 && sqlite3_get_autocommit(reg->db);
	rc = own ? reg_exec(reg, "BEGIN") : 0;
	if (rc == 0) {
		rc = finish(&x, write_all(&x));
		for (int i = 0; i < C_COUNT; i++)
			if (x.c[i].st)
				sqlite3_reset(x.c[i].st);
		int crc = own ? reg_exec(reg, "COMMIT") : 0;
		if (rc == 0)
			rc = crc;
	}
	free(x.o.buf);
	return rc;
}
