/* SPDX-License-Identifier: MIT */
/*
 * SLAs and their measurements: exact targets, breach for ge and le,
 * period kinds, corrections, aggregates and ordering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/register-private.h"
#include "util/date.h"
#include "util/decimal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct snapshot {
	long long events, slas, measurements;
	char *rows;
};

static struct snapshot
snap(struct srr_register *reg)
{
	struct snapshot s = { test_log_size(reg), test_count_rows(reg, "sla"),
			      test_count_rows(reg, "sla_measurement"), NULL };
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(reg->db,
					    "SELECT group_concat(sla_id || '|' || period || '|' ||"
					    " value || '|' || breach || '|' || recorded, ';')"
					    " FROM sla_measurement",
					    -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const char *t = (const char *)sqlite3_column_text(st, 0);
	s.rows = strdup(t ? t : "");
	sqlite3_finalize(st);
	return s;
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.slas, before->slas);
	ck_assert_int_eq(now.measurements, before->measurements);
	ck_assert_str_eq(now.rows, before->rows);
	free(now.rows);
}

static void
add_contract(struct srr_register *reg, const char *supplier, const char *ref)
{
	struct srr_contract c = { .supplier = supplier,
				  .ref = ref,
				  .start = "2024-01-01",
				  .end = "2026-12-31",
				  .notice_days = -1,
				  .clauses = SRR_CLAUSE_SLA_REPORTING };
	int rc = srr_contract_add(reg, &c);
	ck_assert_msg(rc == 0, "contract %s/%s: %s", supplier, ref, srr_errmsg(reg));
}

static struct srr_register *
setup(void)
{
	struct srr_register *reg = test_register_new();
	/* Measurements are for periods that have begun: judge from 2030. */
	ck_assert_int_eq(srr_register_set_today(reg, "2030-01-01"), 0);
	static const char *const keys[] = { "acme", "bolt" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct srr_supplier s = { .key = keys[i], .name = "S", .tier = SRR_TIER_HIGH };
		ck_assert_int_eq(srr_supplier_add(reg, &s), 0);
	}
	add_contract(reg, "acme", "C-1");
	add_contract(reg, "acme", "C-2");
	add_contract(reg, "bolt", "C-1");
	return reg;
}

static void
sla_add_ok(struct srr_register *reg, const struct srr_sla *s)
{
	int rc = srr_sla_add(reg, s);
	ck_assert_msg(rc == 0, "sla %s/%s/%s: %s", s->supplier, s->contract, s->metric,
		      srr_errmsg(reg));
}

static struct srr_sla
availability(void)
{
	return (struct srr_sla){ .supplier = "acme",
				 .contract = "C-1",
				 .metric = "availability",
				 .target = "99.90",
				 .comparator = SRR_CMP_GE,
				 .unit = "percent" };
}

static struct srr_sla
response_time(void)
{
	return (struct srr_sla){ .supplier = "acme",
				 .contract = "C-1",
				 .metric = "response_time",
				 .target = "+004.50",
				 .comparator = SRR_CMP_LE,
				 .period = SRR_PERIOD_QUARTER };
}

/* The last event: action, entity, actor; its record parsed. */
static struct srr_record *
last_event(struct srr_register *reg, const char *action, const char *entity)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_str_eq(e->action, action);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, "tester");
	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0,
		      "record of event %lld: %s", (long long)e->seq, err);
	srr_event_list_free(l);
	return rec;
}

/* The record has exactly these fields: "name value" lines, in order. */
static void
assert_fields(const struct srr_record *rec, const char *type, const char *lines)
{
	ck_assert_str_eq(srr_record_type(rec), type);
	size_t i = 0;
	for (const char *p = lines; *p; i++) {
		const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(sp);
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(srr_record_name(rec, i) != NULL, "record ends before field %zu", i);
		ck_assert_msg(strlen(srr_record_name(rec, i)) == (size_t)(sp - p) &&
				      memcmp(srr_record_name(rec, i), p, (size_t)(sp - p)) == 0,
			      "field %zu is '%s', want '%.*s'", i, srr_record_name(rec, i),
			      (int)(sp - p), p);
		ck_assert_msg(strlen(srr_record_value(rec, i)) == (size_t)(nl - sp - 1) &&
				      memcmp(srr_record_value(rec, i), sp + 1,
					     (size_t)(nl - sp - 1)) == 0,
			      "field %zu value is '%s', want '%.*s'", i, srr_record_value(rec, i),
			      (int)(nl - sp - 1), sp + 1);
		p = nl + 1;
	}
	ck_assert_uint_eq(srr_record_count(rec), i);
}

/* The single SLA matching the filters. */
static struct srr_sla_list *
sla_get(struct srr_register *reg, const char *supplier, const char *contract, const char *metric,
	const struct srr_sla **out)
{
	struct srr_sla_list *l;
	ck_assert_int_eq(srr_sla_list_new(&l, reg, supplier, contract), 0);
	*out = NULL;
	for (size_t i = 0; i < srr_sla_list_count(l); i++)
		if (strcmp(srr_sla_list_get(l, i)->metric, metric) == 0)
			*out = srr_sla_list_get(l, i);
	ck_assert_msg(*out != NULL, "no SLA %s", metric);
	return l;
}

START_TEST(sla_names)
{
	ck_assert_str_eq(srr_comparator_name(SRR_CMP_GE), "ge");
	ck_assert_str_eq(srr_comparator_name(SRR_CMP_LE), "le");
	ck_assert_ptr_null(srr_comparator_name(SRR_CMP_NONE));
	ck_assert_ptr_null(srr_comparator_name((enum srr_comparator)7));
	ck_assert_int_eq(srr_comparator_from_name("ge"), SRR_CMP_GE);
	ck_assert_int_eq(srr_comparator_from_name("le"), SRR_CMP_LE);
	ck_assert_int_eq(srr_comparator_from_name(">="), SRR_CMP_NONE);
	ck_assert_int_eq(srr_comparator_from_name("GE"), SRR_CMP_NONE);
	ck_assert_int_eq(srr_comparator_from_name(NULL), SRR_CMP_NONE);
	ck_assert_str_eq(srr_period_name(SRR_PERIOD_MONTH), "month");
	ck_assert_str_eq(srr_period_name(SRR_PERIOD_QUARTER), "quarter");
	ck_assert_ptr_null(srr_period_name(SRR_PERIOD_NONE));
	ck_assert_ptr_null(srr_period_name((enum srr_period)9));
	ck_assert_int_eq(srr_period_from_name("month"), SRR_PERIOD_MONTH);
	ck_assert_int_eq(srr_period_from_name("quarter"), SRR_PERIOD_QUARTER);
	ck_assert_int_eq(srr_period_from_name("year"), SRR_PERIOD_NONE);
	ck_assert_int_eq(srr_period_from_name(NULL), SRR_PERIOD_NONE);
}
END_TEST

START_TEST(sla_add)
{
	struct srr_register *reg = setup();
	long long n = test_log_size(reg);
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	ck_assert_int_eq(test_log_size(reg), n + 1);
	struct srr_record *rec = last_event(reg, "sla.add", "sla/acme/C-1/availability");
	assert_fields(rec, "sla",
		      "supplier acme\n"
		      "contract C-1\n"
		      "metric availability\n"
		      "target 99.9\n"
		      "comparator ge\n"
		      "unit percent\n"
		      "period month\n");
	srr_record_free(rec);

	struct srr_sla r = response_time();
	sla_add_ok(reg, &r);
	ck_assert_int_eq(test_log_size(reg), n + 2);
	rec = last_event(reg, "sla.add", "sla/acme/C-1/response_time");
	assert_fields(rec, "sla",
		      "supplier acme\n"
		      "contract C-1\n"
		      "metric response_time\n"
		      "target 4.5\n"
		      "comparator le\n"
		      "period quarter\n");
	srr_record_free(rec);

	/* Read back: canonical target, default period, no measurements. */
	const struct srr_sla *got;
	struct srr_sla_list *l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_str_eq(got->supplier, "acme");
	ck_assert_str_eq(got->contract, "C-1");
	ck_assert_str_eq(got->target, "99.9");
	ck_assert_int_eq(got->comparator, SRR_CMP_GE);
	ck_assert_str_eq(got->unit, "percent");
	ck_assert_int_eq(got->period, SRR_PERIOD_MONTH);
	ck_assert_uint_eq(got->n_measurements, 0);
	ck_assert_uint_eq(got->n_breaches, 0);
	ck_assert_ptr_null(got->last_period);
	ck_assert_ptr_null(got->last_value);
	ck_assert_int_eq(got->last_breach, 0);
	srr_sla_list_free(l);
	l = sla_get(reg, "acme", "C-1", "response_time", &got);
	ck_assert_str_eq(got->target, "4.5");
	ck_assert_int_eq(got->comparator, SRR_CMP_LE);
	ck_assert_ptr_null(got->unit);
	ck_assert_int_eq(got->period, SRR_PERIOD_QUARTER);
	srr_sla_list_free(l);
	srr_sla_list_free(NULL);

	/* The same metric is fine on another contract. */
	struct srr_sla other = availability();
	other.contract = "C-2";
	other.target = "-0";
	sla_add_ok(reg, &other);
	l = sla_get(reg, "acme", "C-2", "availability", &got);
	ck_assert_str_eq(got->target, "0");
	srr_sla_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_add_invalid_changes_nothing)
{
	struct srr_register *reg = setup();
	struct srr_sla dup = availability();
	sla_add_ok(reg, &dup);
	struct snapshot before = snap(reg);
	char metric65[66];
	memset(metric65, 'm', 65);
	metric65[65] = '\0';

	struct {
		const char *what;
		int code;
		const char *mention;
		struct srr_sla s;
	} cases[] = {
		{ "upper-case metric", SRR_E_INPUT, "Uptime", { .metric = "Uptime" } },
		{ "empty metric", SRR_E_INPUT, "metric", { .metric = "" } },
		{ "metric with a space", SRR_E_INPUT, "up time", { .metric = "up time" } },
		{ "metric starting with '_'", SRR_E_INPUT, "_up", { .metric = "_up" } },
		{ "metric starting with '-'", SRR_E_INPUT, "-up", { .metric = "-up" } },
		{ "65-byte metric", SRR_E_INPUT, "metric", { .metric = metric65 } },
		{ "empty target", SRR_E_INPUT, "target", { .target = "" } },
		{ "word target", SRR_E_INPUT, "high", { .target = "high" } },
		{ "exponent target", SRR_E_INPUT, "1e5", { .target = "1e5" } },
		{ "16-digit target", SRR_E_INPUT, "target", { .target = "1234567890123456" } },
		{ "percent sign", SRR_E_INPUT, "99.9%", { .target = "99.9%" } },
		{ "bad comparator",
		  SRR_E_INPUT,
		  "comparator",
		  { .comparator = (enum srr_comparator)3 } },
		{ "bad period", SRR_E_INPUT, "period", { .period = (enum srr_period)3 } },
		{ "empty unit", SRR_E_INPUT, "unit", { .unit = "" } },
		{ "unit with LF", SRR_E_INPUT, "unit", { .unit = "per\ncent" } },
		{ "unknown supplier", SRR_E_NOTFOUND, "ghost", { .supplier = "ghost" } },
		{ "unknown contract", SRR_E_NOTFOUND, "C-9", { .contract = "C-9" } },
		{ "bad contract ref", SRR_E_INPUT, "C 9", { .contract = "C 9" } },
		{ "duplicate", SRR_E_EXISTS, "availability", { .metric = "availability" } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct srr_sla s = availability();
		s.metric = "latency";
		const struct srr_sla *o = &cases[i].s;
		if (o->supplier)
			s.supplier = o->supplier;
		if (o->contract)
			s.contract = o->contract;
		if (o->metric)
			s.metric = o->metric;
		if (o->target)
			s.target = o->target;
		if (o->comparator)
			s.comparator = o->comparator;
		if (o->period)
			s.period = o->period;
		if (o->unit)
			s.unit = o->unit;
		int rc = srr_sla_add(reg, &s);
		ck_assert_msg(rc == cases[i].code, "%s: got %d (%s), want %d", cases[i].what, rc,
			      srr_errmsg(reg), cases[i].code);
		ck_assert_msg(strstr(srr_errmsg(reg), cases[i].mention) != NULL,
			      "%s: error '%s' does not mention '%s'", cases[i].what,
			      srr_errmsg(reg), cases[i].mention);
		assert_unchanged(reg, &before);
	}

	struct srr_sla s = availability();
	s.metric = "latency";
	s.comparator = SRR_CMP_NONE;
	ck_assert_int_eq(srr_sla_add(reg, &s), SRR_E_INPUT);
	s = availability();
	s.metric = NULL;
	ck_assert_int_eq(srr_sla_add(reg, &s), SRR_E_INPUT);
	s = availability();
	s.metric = "latency";
	s.target = NULL;
	ck_assert_int_eq(srr_sla_add(reg, &s), SRR_E_INPUT);
	assert_unchanged(reg, &before);
	free(before.rows);
	srr_register_free(reg);
}
END_TEST

/* Make every append to the event log fail, as a full disk or a crash at
 * that point would: a temporary trigger on the library's own connection. */
static void
break_event_log(struct srr_register *reg)
{
	char *msg = NULL;
	int rc = sqlite3_exec(reg->db,
			      "CREATE TEMP TRIGGER break_log BEFORE INSERT ON main.event"
			      " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
			      NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "?");
}

static int
record_ok(struct srr_register *reg, const char *metric, const char *period, const char *value)
{
	int breach = -1;
	int rc = srr_sla_record(reg, "acme", "C-1", metric, period, value, &breach);
	ck_assert_msg(rc == 0, "record %s %s=%s: %s", metric, period, value, srr_errmsg(reg));
	ck_assert_msg(breach == 0 || breach == 1, "breach %d", breach);
	return breach;
}

START_TEST(sla_record_breach_ge)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability(); /* >= 99.9 */
	sla_add_ok(reg, &a);
	static const struct {
		const char *period, *value;
		int breach;
	} cases[] = {
		{ "2025-01", "99.9", 0 },  /* equal is met */
		{ "2025-02", "99.90", 0 }, /* equal, written another way */
		{ "2025-03", "99.89", 1 },
		{ "2025-04", "100", 0 },
		{ "2025-05", "99.899999999999", 1 },
		{ "2025-06", "99.900000000001", 0 },
		{ "2025-07", "0", 1 },
		{ "2025-08", "-5", 1 },
		{ "2025-09", "+99.9", 0 },
		{ "2025-10", "099.9000", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long long n = test_log_size(reg);
		int breach = record_ok(reg, "availability", cases[i].period, cases[i].value);
		ck_assert_msg(breach == cases[i].breach, "%s: breach %d, want %d", cases[i].value,
			      breach, cases[i].breach);
		ck_assert_int_eq(test_log_size(reg), n + 1);
		char entity[128];
		snprintf(entity, sizeof(entity), "measurement/acme/C-1/availability/%s",
			 cases[i].period);
		struct srr_record *rec = last_event(reg, "sla.record", entity);
		char canon[32];
		ck_assert_int_eq(srr_decimal_canonical(canon, sizeof(canon), cases[i].value), 0);
		char want[256];
		snprintf(want, sizeof(want),
			 "supplier acme\n"
			 "contract C-1\n"
			 "metric availability\n"
			 "period %s\n"
			 "value %s\n"
			 "breach %s\n",
			 cases[i].period, canon, cases[i].breach ? "yes" : "no");
		assert_fields(rec, "measurement", want);
		srr_record_free(rec);
	}

	/* The stored measurements agree. */
	struct srr_measurement_list *ml;
	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-1", "availability"), 0);
	ck_assert_uint_eq(srr_measurement_list_count(ml), ARRAY_SIZE(cases));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct srr_measurement *m = srr_measurement_list_get(ml, i);
		ck_assert_str_eq(m->period, cases[i].period);
		ck_assert_int_eq(m->breach, cases[i].breach);
		ck_assert(decimal_is_canonical(m->value));
		int64_t t;
		ck_assert(time_parse(m->recorded, &t));
		ck_assert_str_eq(m->supplier, "acme");
		ck_assert_str_eq(m->contract, "C-1");
		ck_assert_str_eq(m->metric, "availability");
	}
	srr_measurement_list_free(ml);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_record_future_period_refused)
{
	struct srr_register *reg = setup();
	struct srr_sla sla = { .supplier = "acme", .contract = "C-1", .metric = "m",
			       .target = "1", .comparator = SRR_CMP_GE };
	ck_assert_int_eq(srr_sla_add(reg, &sla), 0);
	ck_assert_int_eq(srr_register_set_today(reg, "2027-03-31"), 0);
	long long events = test_log_size(reg);
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "m", "2027-04", "1", NULL), SRR_E_INPUT);
	ck_assert_ptr_nonnull(strstr(srr_errmsg(reg), "2027-04 has not started"));
	ck_assert_int_eq(test_log_size(reg), events);
	/* The current period may be recorded (a running figure). */
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "m", "2027-03", "1", NULL), 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_record_breach_le)
{
	struct srr_register *reg = setup();
	struct srr_sla r = response_time(); /* <= 4.5, quarterly */
	sla_add_ok(reg, &r);
	static const struct {
		const char *period, *value;
		int breach;
	} cases[] = {
		{ "2025-Q1", "4.5", 0 }, /* equal is met */
		{ "2025-Q2", "4.50001", 1 }, { "2025-Q3", "4.49999", 0 }, { "2025-Q4", "-1", 0 },
		{ "2026-Q1", "450", 1 },     { "2026-Q2", "4.500", 0 },	  { "2026-Q3", "0", 0 },
		{ "2026-Q4", "5", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int breach = record_ok(reg, "response_time", cases[i].period, cases[i].value);
		ck_assert_msg(breach == cases[i].breach, "%s: breach %d, want %d", cases[i].value,
			      breach, cases[i].breach);
	}
	const struct srr_sla *got;
	struct srr_sla_list *l = sla_get(reg, "acme", "C-1", "response_time", &got);
	ck_assert_uint_eq(got->n_measurements, ARRAY_SIZE(cases));
	ck_assert_uint_eq(got->n_breaches, 3);
	ck_assert_str_eq(got->last_period, "2026-Q4");
	ck_assert_str_eq(got->last_value, "5");
	ck_assert_int_eq(got->last_breach, 1);
	srr_sla_list_free(l);

	/* The breach pointer is optional. */
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "response_time", "2027-Q1", "1", NULL),
			 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_record_period_kind)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	struct srr_sla r = response_time();
	sla_add_ok(reg, &r);
	struct snapshot before = snap(reg);

	static const char *const not_month[] = { "2026-Q1",    "2026-13", "2026-00", "2026-1",
						 "2026-01-01", "",	  "26-01",   "0999-01" };
	for (size_t i = 0; i < ARRAY_SIZE(not_month); i++) {
		int breach = -1;
		ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "availability", not_month[i],
						"99", &breach),
				 SRR_E_INPUT);
		test_assert_errmsg_has(reg, "month");
		assert_unchanged(reg, &before);
	}
	static const char *const not_quarter[] = { "2026-01", "2026-Q5", "2026-Q0",
						   "2026-q1", "2026Q1",	 "" };
	for (size_t i = 0; i < ARRAY_SIZE(not_quarter); i++) {
		ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "response_time", not_quarter[i],
						"1", NULL),
				 SRR_E_INPUT);
		test_assert_errmsg_has(reg, "quarter");
		assert_unchanged(reg, &before);
	}
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "availability", NULL, "99", NULL),
			 SRR_E_INPUT);
	assert_unchanged(reg, &before);
	free(before.rows);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_record_bad_values_and_unknowns)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.95"), 0);
	struct snapshot before = snap(reg);

	static const char *const bad[] = {
		"", "abc", "1e3", "99.9%", "1.2.3", ".", "1234567890123456"
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(
			srr_sla_record(reg, "acme", "C-1", "availability", "2026-01", bad[i], NULL),
			SRR_E_INPUT);
		test_assert_errmsg_has(reg, "value");
		/* A bad correction leaves the old value. */
		assert_unchanged(reg, &before);
	}
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "availability", "2026-02", NULL, NULL),
			 SRR_E_INPUT);

	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "latency", "2026-01", "1", NULL),
			 SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "latency");
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-2", "availability", "2026-01", "1", NULL),
			 SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-404", "availability", "2026-01", "1", NULL),
			 SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_sla_record(reg, "ghost", "C-1", "availability", "2026-01", "1", NULL),
			 SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "Bad Metric", "2026-01", "1", NULL),
			 SRR_E_INPUT);
	assert_unchanged(reg, &before);

	struct srr_measurement_list *ml = NULL;
	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-1", "latency"),
			 SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-9", "availability"),
			 SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "ghost", "C-1", "availability"),
			 SRR_E_NOTFOUND);
	ck_assert_ptr_null(ml);
	free(before.rows);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_rerecord_and_correct)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.95"), 0);
	struct snapshot before = snap(reg);

	/* The same value, in any spelling, logs and writes nothing. */
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.95"), 0);
	assert_unchanged(reg, &before);
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.950"), 0);
	assert_unchanged(reg, &before);
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "+099.95"), 0);
	assert_unchanged(reg, &before);
	free(before.rows);

	/* A different value corrects it: one sla.correct event, breach follows. */
	long long n = test_log_size(reg);
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.5"), 1);
	ck_assert_int_eq(test_log_size(reg), n + 1);
	struct srr_record *rec =
		last_event(reg, "sla.correct", "measurement/acme/C-1/availability/2026-01");
	assert_fields(rec, "measurement",
		      "supplier acme\n"
		      "contract C-1\n"
		      "metric availability\n"
		      "period 2026-01\n"
		      "value 99.5\n"
		      "breach yes\n");
	srr_record_free(rec);

	const struct srr_sla *got;
	struct srr_sla_list *l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_uint_eq(got->n_measurements, 1);
	ck_assert_uint_eq(got->n_breaches, 1);
	ck_assert_str_eq(got->last_value, "99.5");
	ck_assert_int_eq(got->last_breach, 1);
	srr_sla_list_free(l);

	/* And back: met again. */
	ck_assert_int_eq(record_ok(reg, "availability", "2026-01", "99.9"), 0);
	ck_assert_int_eq(test_log_size(reg), n + 2);
	rec = last_event(reg, "sla.correct", "measurement/acme/C-1/availability/2026-01");
	ck_assert_str_eq(srr_record_get(rec, "breach"), "no");
	ck_assert_str_eq(srr_record_get(rec, "value"), "99.9");
	srr_record_free(rec);
	l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_uint_eq(got->n_measurements, 1);
	ck_assert_uint_eq(got->n_breaches, 0);
	ck_assert_int_eq(got->last_breach, 0);
	srr_sla_list_free(l);

	/* The log keeps every value: record, correct, correct. */
	struct srr_event_list *el;
	ck_assert_int_eq(srr_event_list_new(&el, reg, 0, 0), 0);
	size_t seen = 0;
	for (size_t i = 0; i < srr_event_list_count(el); i++)
		seen += strcmp(srr_event_list_get(el, i)->entity,
			       "measurement/acme/C-1/availability/2026-01") == 0;
	ck_assert_uint_eq(seen, 3);
	srr_event_list_free(el);
	srr_register_free(reg);
}
END_TEST

/* The SLA and measurement rows are written before their event: when the
 * event cannot be appended, the rows must go too. */
START_TEST(sla_event_failure_rolls_back)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	record_ok(reg, "availability", "2026-01", "99.95");
	break_event_log(reg);
	struct snapshot before = snap(reg);

	struct srr_sla r = response_time();
	ck_assert_int_eq(srr_sla_add(reg, &r), SRR_E_DB);
	test_assert_errmsg_has(reg, "injected failure");
	assert_unchanged(reg, &before);

	/* A new period, and a correction of an old one. */
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "availability", "2026-02", "99", NULL),
			 SRR_E_DB);
	assert_unchanged(reg, &before);
	ck_assert_int_eq(srr_sla_record(reg, "acme", "C-1", "availability", "2026-01", "90", NULL),
			 SRR_E_DB);
	assert_unchanged(reg, &before);
	free(before.rows);

	const struct srr_sla *got;
	struct srr_sla_list *l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_uint_eq(got->n_measurements, 1);
	ck_assert_str_eq(got->last_value, "99.95");
	ck_assert_int_eq(got->last_breach, 0);
	srr_sla_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(sla_list_aggregates)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	struct srr_sla r = response_time();
	sla_add_ok(reg, &r);
	struct srr_sla b = availability();
	b.supplier = "bolt";
	b.target = "99";
	sla_add_ok(reg, &b);
	struct srr_sla c2 = availability();
	c2.contract = "C-2";
	c2.metric = "uptime";
	sla_add_ok(reg, &c2);

	/* Out of period order on purpose. */
	record_ok(reg, "availability", "2026-03", "99.95");
	record_ok(reg, "availability", "2025-12", "98");
	record_ok(reg, "availability", "2026-01", "99.1");
	record_ok(reg, "availability", "2026-02", "99.9");
	ck_assert_int_eq(
		srr_sla_record(reg, "bolt", "C-1", "availability", "2026-01", "98.9", NULL), 0);

	const struct srr_sla *got;
	struct srr_sla_list *l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_uint_eq(got->n_measurements, 4);
	ck_assert_uint_eq(got->n_breaches, 2);
	ck_assert_str_eq(got->last_period, "2026-03");
	ck_assert_str_eq(got->last_value, "99.95");
	ck_assert_int_eq(got->last_breach, 0);
	srr_sla_list_free(l);

	/* Correcting the latest to a breach shows in last_*. */
	record_ok(reg, "availability", "2026-03", "90");
	l = sla_get(reg, "acme", "C-1", "availability", &got);
	ck_assert_uint_eq(got->n_measurements, 4);
	ck_assert_uint_eq(got->n_breaches, 3);
	ck_assert_str_eq(got->last_value, "90");
	ck_assert_int_eq(got->last_breach, 1);
	srr_sla_list_free(l);

	/* Filters and order: supplier, contract, metric. */
	static const char *const all[] = { "acme/C-1/availability", "acme/C-1/response_time",
					   "acme/C-2/uptime", "bolt/C-1/availability" };
	ck_assert_int_eq(srr_sla_list_new(&l, reg, NULL, NULL), 0);
	ck_assert_uint_eq(srr_sla_list_count(l), ARRAY_SIZE(all));
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		const struct srr_sla *s = srr_sla_list_get(l, i);
		char id[200];
		snprintf(id, sizeof(id), "%s/%s/%s", s->supplier, s->contract, s->metric);
		ck_assert_str_eq(id, all[i]);
	}
	ck_assert_ptr_null(srr_sla_list_get(l, ARRAY_SIZE(all)));
	const struct srr_sla *bolt = srr_sla_list_get(l, 3);
	ck_assert_uint_eq(bolt->n_measurements, 1);
	ck_assert_uint_eq(bolt->n_breaches, 1);
	ck_assert_str_eq(bolt->target, "99");
	srr_sla_list_free(l);

	ck_assert_int_eq(srr_sla_list_new(&l, reg, "acme", NULL), 0);
	ck_assert_uint_eq(srr_sla_list_count(l), 3);
	srr_sla_list_free(l);
	ck_assert_int_eq(srr_sla_list_new(&l, reg, "acme", "C-2"), 0);
	ck_assert_uint_eq(srr_sla_list_count(l), 1);
	ck_assert_str_eq(srr_sla_list_get(l, 0)->metric, "uptime");
	ck_assert_uint_eq(srr_sla_list_get(l, 0)->n_measurements, 0);
	srr_sla_list_free(l);
	ck_assert_int_eq(srr_sla_list_new(&l, reg, "bolt", "C-1"), 0);
	ck_assert_uint_eq(srr_sla_list_count(l), 1);
	srr_sla_list_free(l);

	l = NULL;
	ck_assert_int_eq(srr_sla_list_new(&l, reg, "ghost", NULL), SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_sla_list_new(&l, reg, "acme", "C-9"), SRR_E_NOTFOUND);
	ck_assert_ptr_null(l);
	srr_register_free(reg);
}
END_TEST

/*
 * BUG (src/lib/sla.c srr_sla_list_new): the header says the list is
 * "filtered by supplier and contract when not NULL", but a contract given
 * without a supplier is silently ignored and every SLA comes back. Either
 * filter by it or refuse the call; never answer a different question.
 */
START_TEST(sla_list_contract_filter_alone)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	struct srr_sla c2 = availability();
	c2.contract = "C-2";
	sla_add_ok(reg, &c2);

	/* Collect, free, then assert: keeps valgrind clean while this fails. */
	struct srr_sla_list *l = NULL;
	int rc = srr_sla_list_new(&l, reg, NULL, "C-2");
	size_t n = 0, other = 0;
	for (size_t i = 0; rc == 0 && i < srr_sla_list_count(l); i++, n++)
		other += strcmp(srr_sla_list_get(l, i)->contract, "C-2") != 0;
	srr_sla_list_free(l);
	srr_register_free(reg);
	ck_assert_msg(rc == 0 || rc == SRR_E_INPUT, "rc %d", rc);
	if (rc == 0) {
		ck_assert_uint_ge(n, 1);
		ck_assert_msg(other == 0, "%zu of %zu SLAs are not on contract C-2", other, n);
	}
}
END_TEST

START_TEST(sla_measurement_order)
{
	struct srr_register *reg = setup();
	struct srr_sla a = availability();
	sla_add_ok(reg, &a);
	struct srr_sla r = response_time();
	sla_add_ok(reg, &r);

	struct srr_measurement_list *ml;
	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-1", "availability"), 0);
	ck_assert_uint_eq(srr_measurement_list_count(ml), 0);
	ck_assert_ptr_null(srr_measurement_list_get(ml, 0));
	srr_measurement_list_free(ml);

	static const char *const months[] = { "2026-10", "2025-02", "2026-01",
					      "2026-02", "2025-12", "2026-09" };
	static const char *const sorted[] = { "2025-02", "2025-12", "2026-01",
					      "2026-02", "2026-09", "2026-10" };
	for (size_t i = 0; i < ARRAY_SIZE(months); i++)
		record_ok(reg, "availability", months[i], i % 2 ? "99" : "100");
	static const char *const quarters[] = { "2026-Q4", "2026-Q1", "2025-Q3" };
	for (size_t i = 0; i < ARRAY_SIZE(quarters); i++)
		record_ok(reg, "response_time", quarters[i], "4");

	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-1", "availability"), 0);
	ck_assert_uint_eq(srr_measurement_list_count(ml), ARRAY_SIZE(sorted));
	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++) {
		const struct srr_measurement *m = srr_measurement_list_get(ml, i);
		ck_assert_str_eq(m->period, sorted[i]);
		/* Values went in with the unsorted order's parity. */
		size_t j = 0;
		while (strcmp(months[j], sorted[i]) != 0)
			j++;
		ck_assert_str_eq(m->value, j % 2 ? "99" : "100");
		ck_assert_int_eq(m->breach, j % 2 ? 1 : 0);
	}
	srr_measurement_list_free(ml);

	ck_assert_int_eq(srr_measurement_list_new(&ml, reg, "acme", "C-1", "response_time"), 0);
	ck_assert_uint_eq(srr_measurement_list_count(ml), 3);
	ck_assert_str_eq(srr_measurement_list_get(ml, 0)->period, "2025-Q3");
	ck_assert_str_eq(srr_measurement_list_get(ml, 1)->period, "2026-Q1");
	ck_assert_str_eq(srr_measurement_list_get(ml, 2)->period, "2026-Q4");
	srr_measurement_list_free(ml);
	srr_measurement_list_free(NULL);
	srr_register_free(reg);
}
END_TEST

static Suite *
sla_suite(void)
{
	Suite *s = suite_create("sla");
	TCase *tc = tcase_create("add");
	tcase_add_test(tc, sla_names);
	tcase_add_test(tc, sla_add);
	tcase_add_test(tc, sla_add_invalid_changes_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("record");
	tcase_add_test(tc, sla_record_breach_ge);
	tcase_add_test(tc, sla_record_breach_le);
	tcase_add_test(tc, sla_record_future_period_refused);
	tcase_add_test(tc, sla_record_period_kind);
	tcase_add_test(tc, sla_record_bad_values_and_unknowns);
	tcase_add_test(tc, sla_rerecord_and_correct);
	tcase_add_test(tc, sla_event_failure_rolls_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("list");
	tcase_add_test(tc, sla_list_aggregates);
	tcase_add_test(tc, sla_list_contract_filter_alone);
	tcase_add_test(tc, sla_measurement_order);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(sla_suite());
}
