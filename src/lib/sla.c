/* SPDX-License-Identifier: MIT */
/*
 * SLAs per contract and their measurements; breach is derived from the
 * comparator and target when a value is recorded, with exact decimals.
 */
#include <stdio.h>
#include <string.h>

#include "contract-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "sla-private.h"
#include "srr/sla.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/decimal.h"
#include "util/text.h"

#define METRIC_MAX 64
#define UNIT_MAX   64
#define ENTITY_MAX 256

struct srr_sla_list {
	LIST_FIELDS(struct srr_sla);
};

struct srr_measurement_list {
	LIST_FIELDS(struct srr_measurement);
};

SRR_EXPORT const char *
srr_comparator_name(enum srr_comparator cmp)
{
	return cmp == SRR_CMP_GE ? "ge" : cmp == SRR_CMP_LE ? "le" : NULL;
}

SRR_EXPORT enum srr_comparator
srr_comparator_from_name(const char *name)
{
	if (name && strcmp(name, "ge") == 0)
		return SRR_CMP_GE;
	if (name && strcmp(name, "le") == 0)
		return SRR_CMP_LE;
	return SRR_CMP_NONE;
}

SRR_EXPORT const char *
srr_period_name(enum srr_period p)
{
	return p == SRR_PERIOD_MONTH ? "month" : p == SRR_PERIOD_QUARTER ? "quarter" : NULL;
}

SRR_EXPORT enum srr_period
srr_period_from_name(const char *name)
{
	if (name && strcmp(name, "month") == 0)
		return SRR_PERIOD_MONTH;
	if (name && strcmp(name, "quarter") == 0)
		return SRR_PERIOD_QUARTER;
	return SRR_PERIOD_NONE;
}

SRR_EXPORT int
srr_decimal_canonical(char *out, size_t out_size, const char *in)
{
	return in && decimal_canonicalize(out, out_size, in) ? 0 : SRR_E_INPUT;
}

static int
check_metric(struct srr_register *reg, const char *metric)
{
	if (!metric || !text_is_slug(metric, METRIC_MAX, "_"))
		return reg_error(
			reg, SRR_E_INPUT,
			"SLA metric '%s' is invalid: use lowercase letters, digits, '-' and "
			"'_', at most %d bytes",
			metric ? metric : "", METRIC_MAX);
	return 0;
}

static int
canonical_number(struct srr_register *reg, const char *what, const char *in, char *out)
{
	if (!in || !decimal_canonicalize(out, DECIMAL_BUF, in))
		return reg_error(reg, SRR_E_INPUT,
				 "%s '%s' is not a decimal number (at most %d digits)", what,
				 in ? in : "", DECIMAL_MAX_DIGITS);
	return 0;
}

/* sla_lookup() in a contract whose row id is known (supplier and contract
 * name it in messages). */
static int
sla_lookup_in(struct srr_register *reg, int64_t cid, const char *supplier, const char *contract,
	      const char *metric, int64_t *id, struct srr_sla *out, char *target)
{
	int rc = check_metric(reg, metric);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT id, target, comparator, period FROM sla"
			      " WHERE contract_id = ?1 AND metric = ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, cid);
	bind_text(st, 2, metric);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND,
				 "contract '%s' of supplier '%s' has no SLA '%s'", contract,
				 supplier, metric);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "looking up an SLA");
	*id = sqlite3_column_int64(st, 0);
	if (out) {
		snprintf(target, DECIMAL_BUF, "%s", (const char *)sqlite3_column_text(st, 1));
		out->target = target;
		out->comparator =
			srr_comparator_from_name((const char *)sqlite3_column_text(st, 2));
		out->period = srr_period_from_name((const char *)sqlite3_column_text(st, 3));
	}
	return 0;
}

static int
sla_lookup(struct srr_register *reg, const char *supplier, const char *contract, const char *metric,
	   int64_t *id, struct srr_sla *out, char *target)
{
	int64_t cid;
	int rc = contract_lookup(reg, supplier, contract, &cid);
	if (rc == 0)
		rc = sla_lookup_in(reg, cid, supplier, contract, metric, id, out, target);
	return rc;
}

static int
sla_to_record(struct srr_register *reg, const struct srr_sla *s, struct srr_record **out)
{
	struct srr_record *r;
	if (srr_record_new(&r, "sla"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add(r, "supplier", s->supplier);
	srr_record_add(r, "contract", s->contract);
	srr_record_add(r, "metric", s->metric);
	srr_record_add(r, "target", s->target);
	srr_record_add(r, "comparator", srr_comparator_name(s->comparator));
	srr_record_add(r, "unit", s->unit);
	srr_record_add(r, "period", srr_period_name(s->period));
	*out = r;
	return 0;
}

/* breach as recorded with the value, not derived again: the target it was
 * measured against is the SLA's own record. */
static int
measurement_to_record(struct srr_register *reg, const struct srr_measurement *m,
		      struct srr_record **out)
{
	struct srr_record *r;
	if (srr_record_new(&r, "measurement"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add(r, "supplier", m->supplier);
	srr_record_add(r, "contract", m->contract);
	srr_record_add(r, "metric", m->metric);
	srr_record_add(r, "period", m->period);
	srr_record_add(r, "value", m->value);
	srr_record_add(r, "breach", m->breach ? "yes" : "no");
	*out = r;
	return 0;
}

static int
do_add(struct srr_register *reg, const struct srr_sla *in)
{
	struct srr_sla s = *in;
	char target[DECIMAL_BUF];
	int64_t cid, id, sid;
	bool retired = false;
	int rc = supplier_lookup(reg, s.supplier, &sid, &retired);
	if (rc == 0 && retired)
		rc = reg_error(reg, SRR_E_STATE, "supplier '%s' is retired", s.supplier);
	if (rc == 0)
		rc = contract_lookup(reg, s.supplier, s.contract, &cid);
	if (rc == 0)
		rc = check_metric(reg, s.metric);
	if (rc == 0)
		rc = canonical_number(reg, "SLA target", s.target, target);
	if (rc == 0 && !srr_comparator_name(s.comparator))
		rc = reg_error(reg, SRR_E_INPUT, "SLA comparator must be ge or le");
	if (rc == 0 && s.period == SRR_PERIOD_NONE)
		s.period = SRR_PERIOD_MONTH;
	if (rc == 0 && !srr_period_name(s.period))
		rc = reg_error(reg, SRR_E_INPUT, "SLA period must be month or quarter");
	if (rc == 0 && s.unit)
		rc = reg_check_text(reg, "SLA unit", s.unit, UNIT_MAX, false);
	if (rc)
		return rc;
	s.target = target;
	rc = sla_lookup(reg, s.supplier, s.contract, s.metric, &id, NULL, NULL);
	if (rc == 0)
		return reg_error(reg, SRR_E_EXISTS,
				 "contract '%s' of supplier '%s' already has an SLA '%s'",
				 s.contract, s.supplier, s.metric);
	if (rc != SRR_E_NOTFOUND)
		return rc;

	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO sla (contract_id, metric, target, comparator, unit,"
			      " period, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, cid);
	bind_text(st, 2, s.metric);
	bind_text(st, 3, s.target);
	bind_text(st, 4, srr_comparator_name(s.comparator));
	bind_text(st, 5, s.unit);
	bind_text(st, 6, srr_period_name(s.period));
	bind_text(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "adding an SLA");

	struct srr_record *r;
	rc = sla_to_record(reg, &s, &r);
	if (rc)
		return rc;
	char entity[ENTITY_MAX];
	snprintf(entity, sizeof(entity), "sla/%s/%s/%s", s.supplier, s.contract, s.metric);
	rc = log_append(reg, "sla.add", entity, r);
	srr_record_free(r);
	return rc;
}

SRR_EXPORT int
srr_sla_add(struct srr_register *reg, const struct srr_sla *sla)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_add(reg, sla));
}

static int
check_period(struct srr_register *reg, enum srr_period kind, const char *period)
{
	if (kind == SRR_PERIOD_QUARTER) {
		if (!period || !period_quarter_valid(period))
			return reg_error(reg, SRR_E_INPUT,
					 "period '%s' is not a quarter (YYYY-Qn) as this SLA needs",
					 period ? period : "");
	} else if (!period || !period_month_valid(period)) {
		return reg_error(reg, SRR_E_INPUT,
				 "period '%s' is not a month (YYYY-MM) as this SLA needs",
				 period ? period : "");
	}
	int64_t first, last;
	if (period_bounds(period, &first, &last) && first > reg_today(reg))
		return reg_error(reg, SRR_E_INPUT, "period %s has not started yet", period);
	return 0;
}

/* The value recorded for a period, if any; "" when none. */
static int
current_value(struct srr_register *reg, int64_t id, const char *period, char *value)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT value FROM sla_measurement WHERE sla_id = ?1 AND period = ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, period);
	int rc = sqlite3_step(st);
	value[0] = '\0';
	if (rc == SQLITE_ROW)
		snprintf(value, DECIMAL_BUF, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading a measurement");
	return 0;
}

static int
do_record(struct srr_register *reg, const char *supplier, const char *contract, const char *metric,
	  const char *period, const char *value_in, int *breach)
{
	struct srr_sla s = { 0 };
	char target[DECIMAL_BUF], value[DECIMAL_BUF], old[DECIMAL_BUF];
	int64_t id;
	int rc = sla_lookup(reg, supplier, contract, metric, &id, &s, target);
	if (rc == 0)
		rc = check_period(reg, s.period, period);
	if (rc == 0)
		rc = canonical_number(reg, "SLA value", value_in, value);
	if (rc == 0)
		rc = current_value(reg, id, period, old);
	if (rc)
		return rc;
	int c = decimal_cmp(value, s.target);
	*breach = s.comparator == SRR_CMP_GE ? c < 0 : c > 0;
	if (strcmp(old, value) == 0)
		return 0;

	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "INSERT INTO sla_measurement (sla_id, period, value, breach, recorded)"
		     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sla_id, period) DO UPDATE"
		     " SET value = excluded.value, breach = excluded.breach,"
		     " recorded = excluded.recorded");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, period);
	bind_text(st, 3, value);
	sqlite3_bind_int(st, 4, *breach);
	bind_text(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "recording a measurement");

	struct srr_record *r;
	const struct srr_measurement m = { .supplier = supplier,
					   .contract = contract,
					   .metric = metric,
					   .period = period,
					   .value = value,
					   .breach = *breach };
	rc = measurement_to_record(reg, &m, &r);
	if (rc)
		return rc;
	char entity[ENTITY_MAX];
	snprintf(entity, sizeof(entity), "measurement/%s/%s/%s/%s", supplier, contract, metric,
		 period);
	rc = log_append(reg, old[0] ? "sla.correct" : "sla.record", entity, r);
	srr_record_free(r);
	return rc;
}

SRR_EXPORT int
srr_sla_record(struct srr_register *reg, const char *supplier, const char *contract,
	       const char *metric, const char *period, const char *value, int *breach)
{
	int dummy;
	if (!breach)
		breach = &dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_record(reg, supplier, contract, metric, period, value, breach));
}

SRR_EXPORT int
srr_sla_list_new(struct srr_sla_list **out, struct srr_register *reg, const char *supplier,
		 const char *contract)
{
	int rc = reg_require_open(reg);
	int64_t id;
	if (rc == 0 && supplier && contract)
		rc = contract_lookup(reg, supplier, contract, &id);
	else if (rc == 0 && supplier)
		rc = supplier_lookup(reg, supplier, &id, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT s.key, c.ref, l.metric, l.target, l.comparator, l.unit, l.period,"
		     " (SELECT count(*) FROM sla_measurement WHERE sla_id = l.id),"
		     " (SELECT count(*) FROM sla_measurement WHERE sla_id = l.id AND breach),"
		     " m.period, m.value, m.breach"
		     " FROM sla l JOIN contract c ON c.id = l.contract_id"
		     " JOIN supplier s ON s.id = c.supplier_id"
		     " LEFT JOIN sla_measurement m ON m.sla_id = l.id AND m.period ="
		     " (SELECT max(period) FROM sla_measurement WHERE sla_id = l.id)"
		     " WHERE (?1 IS NULL OR s.key = ?1) AND (?2 IS NULL OR c.ref = ?2)"
		     " ORDER BY s.key, c.ref, l.metric");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, supplier);
	bind_text(st, 2, contract);
	struct srr_sla_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_sla *s = list_push(&l->items, l->n, &l->cap, sizeof(*s));
		if (!s)
			goto oom;
		struct arena *a = &l->arena;
		s->supplier = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		s->contract = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		s->metric = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		s->target = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		s->comparator = srr_comparator_from_name((const char *)sqlite3_column_text(st, 4));
		s->unit = arena_strdup(a, (const char *)sqlite3_column_text(st, 5));
		s->period = srr_period_from_name((const char *)sqlite3_column_text(st, 6));
		s->n_measurements = (size_t)sqlite3_column_int64(st, 7);
		s->n_breaches = (size_t)sqlite3_column_int64(st, 8);
		s->last_period = arena_strdup(a, (const char *)sqlite3_column_text(st, 9));
		s->last_value = arena_strdup(a, (const char *)sqlite3_column_text(st, 10));
		s->last_breach = sqlite3_column_int(st, 11);
		if (!s->supplier || !s->contract || !s->metric || !s->target)
			goto oom;
		l->n++;
	}
	if (rc != SQLITE_DONE) {
		srr_sla_list_free(l);
		return reg_db_error(reg, "reading SLAs");
	}
	*out = l;
	return 0;
oom:
	srr_sla_list_free(l);
	return reg_error(reg, SRR_E_NOMEM, "out of memory");
}

DEFINE_LIST_ACCESSORS(sla, struct srr_sla)

SRR_EXPORT int
srr_measurement_list_new(struct srr_measurement_list **out, struct srr_register *reg,
			 const char *supplier, const char *contract, const char *metric)
{
	int rc = reg_require_open(reg);
	int64_t id;
	if (rc == 0)
		rc = sla_lookup(reg, supplier, contract, metric, &id, NULL, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT period, value, breach, recorded FROM sla_measurement"
			      " WHERE sla_id = ?1 ORDER BY period");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	struct srr_measurement_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	struct arena *a = &l->arena;
	const char *sup = arena_strdup(a, supplier), *con = arena_strdup(a, contract),
		   *met = arena_strdup(a, metric);
	if (!sup || !con || !met)
		goto oom;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_measurement *m = list_push(&l->items, l->n, &l->cap, sizeof(*m));
		if (!m)
			goto oom;
		m->supplier = sup;
		m->contract = con;
		m->metric = met;
		m->period = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		m->value = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		m->breach = sqlite3_column_int(st, 2);
		m->recorded = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		if (!m->period || !m->value || !m->recorded)
			goto oom;
		l->n++;
	}
	if (rc != SQLITE_DONE) {
		srr_measurement_list_free(l);
		return reg_db_error(reg, "reading measurements");
	}
	*out = l;
	return 0;
oom:
	srr_measurement_list_free(l);
	return reg_error(reg, SRR_E_NOMEM, "out of memory");
}

DEFINE_LIST_ACCESSORS(measurement, struct srr_measurement)

int
sla_state_record(struct srr_register *reg, const char *supplier, const char *contract,
		 const char *metric, struct srr_record **out)
{
	int64_t id;
	int rc = sla_lookup(reg, supplier, contract, metric, &id, NULL, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT target, comparator, unit, period FROM sla WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return reg_db_error(reg, "reading an SLA");
	const struct srr_sla s = {
		.supplier = supplier,
		.contract = contract,
		.metric = metric,
		.target = (const char *)sqlite3_column_text(st, 0),
		.comparator = srr_comparator_from_name((const char *)sqlite3_column_text(st, 1)),
		.unit = (const char *)sqlite3_column_text(st, 2),
		.period = srr_period_from_name((const char *)sqlite3_column_text(st, 3)),
	};
	return sla_to_record(reg, &s, out);
}

int
measurement_state_record(struct srr_register *reg, const char *supplier, const char *contract,
			 const char *metric, const char *period, struct srr_record **out)
{
	int64_t id;
	int rc = sla_lookup(reg, supplier, contract, metric, &id, NULL, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT value, breach FROM sla_measurement WHERE sla_id = ?1 AND period = ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, period);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND,
				 "SLA '%s' of contract '%s' of supplier '%s' has no value for %s",
				 metric, contract, supplier, period);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "reading a measurement");
	const struct srr_measurement m = { .supplier = supplier,
					   .contract = contract,
					   .metric = metric,
					   .period = period,
					   .value = (const char *)sqlite3_column_text(st, 0),
					   .breach = sqlite3_column_int(st, 1) };
	return measurement_to_record(reg, &m, out);
}

/* Suppliers by key, contracts by ref, SLAs by metric, periods: each level
 * from a unique index, so in order without a sort (whose memory would grow
 * with the register). CROSS JOIN keeps SQLite to that loop order. */
int
sla_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'sla/' || s.key || '/' || c.ref || '/' || l.metric"
			      " FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
			      " CROSS JOIN sla l ON l.contract_id = c.id"
			      " ORDER BY s.key, c.ref, l.metric");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

int
measurement_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT 'measurement/' || s.key || '/' || c.ref || '/' || l.metric || '/' ||"
		     " m.period FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
		     " CROSS JOIN sla l ON l.contract_id = c.id"
		     " CROSS JOIN sla_measurement m ON m.sla_id = l.id"
		     " ORDER BY s.key, c.ref, l.metric, m.period");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static bool
is_breach(const struct srr_sla *s, const char *value)
{
	int c = decimal_cmp(value, s->target);
	return s->comparator == SRR_CMP_GE ? c < 0 : c > 0;
}

/* An SLA whose target or comparator changed: each measurement's breach
 * against the new terms, logged where it flips (a measurement the import
 * has just written is already judged by them, and does not flip). */
static int
rejudge_measurements(struct srr_register *reg, const struct put_ctx *ctx, int64_t id,
		     const struct srr_sla *s)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT period, value, breach FROM sla_measurement WHERE sla_id = ?1"
		     " ORDER BY period");
	_cleanup_stmt_ sqlite3_stmt *up = reg_stmt(
		reg, "UPDATE sla_measurement SET breach = ?3 WHERE sla_id = ?1 AND period = ?2");
	if (!st || !up)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	int rc, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_measurement m = {
			.supplier = s->supplier,
			.contract = s->contract,
			.metric = s->metric,
			.period = (const char *)sqlite3_column_text(st, 0),
			.value = (const char *)sqlite3_column_text(st, 1),
		};
		m.breach = is_breach(s, m.value);
		if (m.breach == sqlite3_column_int(st, 2))
			continue;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, id);
		bind_text(up, 2, m.period);
		sqlite3_bind_int(up, 3, m.breach);
		if (sqlite3_step(up) != SQLITE_DONE)
			return reg_db_error(reg, "updating a measurement");
		struct srr_record *r;
		rc = measurement_to_record(reg, &m, &r);
		if (rc)
			return rc;
		char entity[ENTITY_MAX];
		snprintf(entity, sizeof(entity), "measurement/%s/%s/%s/%s", s->supplier,
			 s->contract, s->metric, m.period);
		rc = put_log(reg, ctx, entity, r, PUT_CHANGED);
		srr_record_free(r);
		if (rc)
			return rc;
	}
	if (step != SQLITE_DONE)
		return reg_db_error(reg, "reading measurements");
	return 0;
}

/* Import: the SLA's terms become *in. */
int
sla_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_sla *in,
	enum put_result *result, bool *rejudge)
{
	struct srr_sla s = *in;
	char target[DECIMAL_BUF];
	int64_t cid, id = 0;
	int rc = put_contract_id(reg, ctx, s.supplier, s.contract, &cid);
	if (rc == 0)
		rc = check_metric(reg, s.metric);
	if (rc == 0)
		rc = canonical_number(reg, "SLA target", s.target, target);
	if (rc == 0 && !srr_comparator_name(s.comparator))
		rc = reg_error(reg, SRR_E_INPUT, "SLA comparator must be ge or le");
	if (rc == 0 && !srr_period_name(s.period))
		rc = reg_error(reg, SRR_E_INPUT, "SLA period must be month or quarter");
	if (rc == 0 && s.unit)
		rc = reg_check_text(reg, "SLA unit", s.unit, UNIT_MAX, false);
	if (rc)
		return rc;
	s.target = target;
	struct srr_record *rec;
	rc = sla_to_record(reg, &s, &rec);
	if (rc)
		return rc;
	char entity[ENTITY_MAX];
	snprintf(entity, sizeof(entity), "sla/%s/%s/%s", s.supplier, s.contract, s.metric);
	rc = put_compare(reg, ctx, entity, rec, result);
	struct srr_sla old = { 0 };
	char old_target[DECIMAL_BUF];
	if (rc == 0 && *result == PUT_CHANGED)
		rc = sla_lookup(reg, s.supplier, s.contract, s.metric, &id, &old, old_target);
	if (rc == 0 && *result == PUT_CHANGED && old.period != s.period) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "SELECT count(*) FROM sla_measurement WHERE sla_id = ?1");
		if (!st)
			rc = SRR_E_DB;
		else if (sqlite3_bind_int64(st, 1, id), sqlite3_step(st) != SQLITE_ROW)
			rc = reg_db_error(reg, "counting measurements");
		else if (sqlite3_column_int64(st, 0) > 0)
			rc = reg_error(reg, SRR_E_STATE,
				       "SLA '%s' has measurements by %s: its period cannot change",
				       s.metric, srr_period_name(old.period));
	}
	if (rc == 0 && *result != PUT_SAME) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, *result == PUT_ADDED
				     ? "INSERT INTO sla (contract_id, metric, target, comparator,"
				       " unit, period, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
				     : "UPDATE sla SET target = ?3, comparator = ?4, unit = ?5,"
				       " period = ?6 WHERE contract_id = ?1 AND metric = ?2");
		if (!st) {
			srr_record_free(rec);
			return SRR_E_DB;
		}
		sqlite3_bind_int64(st, 1, cid);
		bind_text(st, 2, s.metric);
		bind_text(st, 3, s.target);
		bind_text(st, 4, srr_comparator_name(s.comparator));
		bind_text(st, 5, s.unit);
		bind_text(st, 6, srr_period_name(s.period));
		if (*result == PUT_ADDED)
			bind_text(st, 7, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = reg_db_error(reg, "writing an SLA");
	}
	if (rc == 0)
		rc = put_log(reg, ctx, entity, rec, *result);
	srr_record_free(rec);
	if (rejudge)
		*rejudge = rc == 0 && *result == PUT_CHANGED &&
			   (old.comparator != s.comparator || decimal_cmp(old.target, s.target) != 0);
	return rc;
}

int
sla_rejudge(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_sla *in)
{
	struct srr_sla s = { 0 };
	char target[DECIMAL_BUF];
	int64_t id;
	int rc = sla_lookup(reg, in->supplier, in->contract, in->metric, &id, &s, target);
	if (rc)
		return rc;
	s.supplier = in->supplier;
	s.contract = in->contract;
	s.metric = in->metric;
	return rejudge_measurements(reg, ctx, id, &s);
}

/* Import: the period's value becomes m->value (breach derived). */
int
measurement_put(struct srr_register *reg, const struct put_ctx *ctx,
		const struct srr_measurement *in, enum put_result *result)
{
	struct srr_sla s = { 0 };
	char target[DECIMAL_BUF], value[DECIMAL_BUF];
	int64_t cid, id;
	int rc = put_contract_id(reg, ctx, in->supplier, in->contract, &cid);
	if (rc == 0)
		rc = sla_lookup_in(reg, cid, in->supplier, in->contract, in->metric, &id, &s,
				   target);
	if (rc == 0)
		rc = check_period(reg, s.period, in->period);
	if (rc == 0)
		rc = canonical_number(reg, "SLA value", in->value, value);
	if (rc)
		return rc;
	struct srr_measurement m = *in;
	m.value = value;
	m.breach = is_breach(&s, value);
	struct srr_record *rec;
	rc = measurement_to_record(reg, &m, &rec);
	if (rc)
		return rc;
	char entity[ENTITY_MAX];
	snprintf(entity, sizeof(entity), "measurement/%s/%s/%s/%s", m.supplier, m.contract,
		 m.metric, m.period);
	rc = put_compare(reg, ctx, entity, rec, result);
	if (rc == 0 && *result != PUT_SAME) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO sla_measurement (sla_id, period, value, breach, recorded)"
			     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sla_id, period) DO UPDATE"
			     " SET value = excluded.value, breach = excluded.breach,"
			     " recorded = excluded.recorded");
		if (!st) {
			srr_record_free(rec);
			return SRR_E_DB;
		}
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, m.period);
		bind_text(st, 3, m.value);
		sqlite3_bind_int(st, 4, m.breach);
		bind_text(st, 5, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = reg_db_error(reg, "recording a measurement");
	}
	if (rc == 0)
		rc = put_log(reg, ctx, entity, rec, *result);
	srr_record_free(rec);
	return rc;
}
