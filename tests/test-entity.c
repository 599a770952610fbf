/* SPDX-License-Identifier: MIT */
/*
 * Entities by their log names: for every action there is, the state the
 * rows give now is byte for byte what the entity's latest event logged;
 * the walk yields exactly the entities the log names; rows changed,
 * deleted or inserted behind the library's back show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/entity-private.h"
#include "lib/register-private.h"
#include "lib/schema-private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The default policy with its approval rules, under a name of ours. */
static void
set_policy(struct srr_register *reg, const char *name, unsigned want)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "version: 1\nname: %s\nreview:\n"
		 "  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\n"
		 "risk:\n"
		 "  likelihood: [rare, unlikely, possible, likely, almost-certain]\n"
		 "  impact: [negligible, minor, moderate, major, severe]\n"
		 "  levels:\n"
		 "    - {name: low, max: 4}\n    - {name: medium, max: 9}\n"
		 "    - {name: high, max: 16}\n    - {name: critical, max: 25}\n"
		 "  tolerance: medium\n  acceptance_max_days: 365\n"
		 "approval_rules:\n"
		 "  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}\n"
		 "  - {subject: risk, residual: [high, critical], roles: [board], quorum: 2}\n"
		 "  - {subject: treatment, roles: [management], quorum: 1}\n"
		 "  - {subject: review, roles: [management], quorum: 1}\n"
		 "  - {subject: policy, roles: [board], quorum: 1}\n",
		 name);
	test_write_file(test_path("policy.yaml"), text);
	unsigned v = 0;
	int rc = srr_policy_set(reg, test_path("policy.yaml"), &v);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	ck_assert_uint_eq(v, want);
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

/* Run SQL on the register's own connection, as someone who owns the file
 * could (no event). */
static void
tamper(struct srr_register *reg, const char *sql)
{
	raw_exec(reg->db, sql);
}

static struct srr_register *
open_as_tester(const char *path)
{
	struct srr_register *reg;
	ck_assert_int_eq(srr_register_new(&reg), 0);
	ck_assert_int_eq(srr_register_set_actor(reg, "tester"), 0);
	ck_assert_msg(srr_register_open(reg, path) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_register_set_today(reg, "2026-06-15"), 0);
	return reg;
}

/* Take a new register back to schema level 1 (the tables of later levels
 * are empty yet) and open it again: the migration logs register.migrate. */
static struct srr_register *
migrate_from_level_1(struct srr_register *reg)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s", test_path("register.db"));
	srr_register_free(reg);

	sqlite3 *lvl1, *db;
	ck_assert_int_eq(sqlite3_open(":memory:", &lvl1), SQLITE_OK);
	raw_exec(lvl1, srr_migrations[0].sql);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "SELECT name FROM sqlite_master WHERE type = 'table'"
					    " AND name NOT LIKE 'sqlite_%'",
					    -1, &st, NULL),
			 SQLITE_OK);
	char drops[4096] = "";
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		sqlite3_stmt *q;
		ck_assert_int_eq(sqlite3_prepare_v2(lvl1,
						    "SELECT 1 FROM sqlite_master WHERE name = ?1",
						    -1, &q, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_ROW)
			n += (size_t)snprintf(drops + n, sizeof(drops) - n, "DROP TABLE \"%s\";",
					      name);
		sqlite3_finalize(q);
		ck_assert_uint_lt(n, sizeof(drops));
	}
	sqlite3_finalize(st);
	ck_assert_uint_gt(n, 0);
	raw_exec(db, drops);
	raw_exec(db, "PRAGMA user_version = 1");
	sqlite3_close(db);
	sqlite3_close(lvl1);
	return open_as_tester(path);
}

/* Each entity's latest event against its state now; returns how many. */
static size_t
assert_rows_match_log(struct srr_register *reg)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(reg->db,
					    "SELECT e.entity, e.record FROM event e JOIN"
					    " (SELECT entity, max(seq) AS seq FROM event"
					    " GROUP BY entity) l ON e.seq = l.seq ORDER BY e.seq",
					    -1, &st, NULL),
			 SQLITE_OK);
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *entity = (const char *)sqlite3_column_text(st, 0);
		const char *logged = sqlite3_column_blob(st, 1);
		size_t logged_len = (size_t)sqlite3_column_bytes(st, 1);
		char *now = NULL;
		size_t len = 0;
		int rc = entity_record(reg, entity, &now, &len);
		ck_assert_msg(rc == 0, "%s: %d %s", entity, rc, srr_errmsg(reg));
		ck_assert_msg(len == logged_len && memcmp(now, logged, len) == 0,
			      "%s now:\n%.*s\nlogged:\n%.*s", entity, (int)len, now,
			      (int)logged_len, logged);
		free(now);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* Check the rows against the log after every step of full_register(),
 * so that each action's record is held against the rows while it is its
 * entity's latest. */
static bool check_each_step;

static void
ok(struct srr_register *reg, int rc)
{
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	if (check_each_step)
		assert_rows_match_log(reg);
}

/* Every action that needs no token, several times over, with every
 * optional field both set and not. Returns the register, today
 * 2026-06-15. */
static struct srr_register *
full_register(void)
{
	struct srr_register *reg = test_register_new();
	ok(reg, 0);
	reg = migrate_from_level_1(reg);
	ok(reg, 0);

	set_policy(reg, "first policy", 1);
	ok(reg, 0);
	set_policy(reg, "second policy", 2);
	ok(reg, 0);

	/* Suppliers; acme-eu sorts after acme by key but before it by name. */
	static const char *const services[] = { "Hosting", "Backup \\\\files01\\tsp" };
	static const struct srr_contact contacts[] = {
		{ .name = "Jane Roe", .email = "jane@acme.example", .role = "security" },
		{ .name = "Service desk", .email = "desk@acme.example" },
		{ .name = "Night shift" },
	};
	struct srr_supplier sup[] = {
		{ .key = "acme",
		  .name = "Acme Cloud GmbH",
		  .tier = SRR_TIER_CRITICAL,
		  .country = "DE",
		  .n_services = 2,
		  .services = services,
		  .n_contacts = 3,
		  .contacts = contacts },
		{ .key = "acme-eu", .name = "Acme EU", .tier = SRR_TIER_HIGH },
		{ .key = "bolt", .name = " Bolt ", .tier = SRR_TIER_LOW },
		{ .key = "0", .name = "Zero", .tier = SRR_TIER_MEDIUM },
	};
	for (size_t i = 0; i < ARRAY_SIZE(sup); i++)
		ok(reg, srr_supplier_add(reg, &sup[i]));
	static const char *const subs[] = { "bolt", "acme-eu", "0" };
	struct srr_supplier_change ch = { .name = "Acme Cloud SE",
					  .set_subcontractors = 1,
					  .n_subcontractors = 3,
					  .subcontractors = subs };
	int changed = 0;
	ok(reg, srr_supplier_update(reg, "acme", &ch, &changed));
	ck_assert_int_eq(changed, 1);
	struct srr_supplier_change clear = { .country = "", .tier = SRR_TIER_HIGH };
	ok(reg, srr_supplier_update(reg, "acme", &clear, &changed));
	ok(reg, srr_supplier_retire(reg, "0"));

	/* Contracts. */
	struct srr_contract con[] = {
		{ .supplier = "acme",
		  .ref = "C-2024.1",
		  .start = "2024-01-01",
		  .end = "2027-12-31",
		  .notice_days = 90,
		  .clauses = SRR_CLAUSE_RIGHT_TO_AUDIT | SRR_CLAUSE_SLA_REPORTING },
		{ .supplier = "acme",
		  .ref = "C_2",
		  .start = "2025-01-01",
		  .end = "2026-12-31",
		  .notice_days = -1 },
		{ .supplier = "acme-eu",
		  .ref = "EU1",
		  .start = "2026-01-01",
		  .end = "2026-12-31",
		  .notice_days = 0,
		  .clauses = SRR_CLAUSE_ALL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(con); i++)
		ok(reg, srr_contract_add(reg, &con[i]));
	struct srr_contract_change cc = { .end = "2028-06-30",
					  .notice_days = -2,
					  .set_clauses = 1,
					  .clauses = SRR_CLAUSE_DATA_LOCATION |
						     SRR_CLAUSE_RIGHT_TO_AUDIT };
	ok(reg, srr_contract_update(reg, "acme", "C-2024.1", &cc, &changed));
	ck_assert_int_eq(changed, 1);
	ok(reg, srr_contract_terminate(reg, "acme", "C_2", "2026-03-31"));
	ok(reg, srr_contract_terminate(reg, "acme-eu", "EU1", NULL));

	/* SLAs and measurements: first values, corrections, both periods. */
	struct srr_sla slas[] = {
		{ .supplier = "acme",
		  .contract = "C-2024.1",
		  .metric = "availability",
		  .target = "99.90",
		  .comparator = SRR_CMP_GE,
		  .unit = "percent" },
		{ .supplier = "acme",
		  .contract = "C-2024.1",
		  .metric = "incident_response-time",
		  .target = "4",
		  .comparator = SRR_CMP_LE,
		  .period = SRR_PERIOD_QUARTER },
	};
	for (size_t i = 0; i < ARRAY_SIZE(slas); i++)
		ok(reg, srr_sla_add(reg, &slas[i]));
	static const struct {
		const char *metric, *period, *value;
	} values[] = {
		{ "availability", "2026-01", "99.95" },
		{ "availability", "2026-02", "98" },
		{ "availability", "2026-02", "99.910" }, /* corrected: no longer a breach */
		{ "availability", "2026-03", "99.99" },
		{ "availability", "2026-03", "97.5" }, /* corrected: now a breach */
		{ "incident_response-time", "2026-Q1", "5.5" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		ok(reg, srr_sla_record(reg, "acme", "C-2024.1", values[i].metric, values[i].period,
				       values[i].value, NULL));

	/* Reviews, with and without evidence and findings. */
	test_write_file(test_path("report.txt"), "pen test report\n");
	const struct srr_evidence ev[] = { { .path = test_path("report.txt") } };
	struct srr_review rev[] = {
		{ .supplier = "acme",
		  .date = "2026-05-01",
		  .outcome = SRR_OUTCOME_CONDITIONAL,
		  .findings = "Two findings.\nBoth C:\\new.",
		  .n_evidence = 1,
		  .evidence = ev },
		{ .supplier = "bolt", .date = "2026-06-15", .outcome = SRR_OUTCOME_PASS },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rev); i++)
		ok(reg, srr_review_record(reg, &rev[i], NULL));

	/* Incidents: one notified later, one at once, one never. */
	struct srr_incident inc[] = {
		{ .supplier = "acme",
		  .identified = "2026-06-01T08:00:00Z",
		  .severity = SRR_SEVERITY_HIGH,
		  .summary = "Failover failed.\nCause: cert" },
		{ .supplier = "bolt",
		  .identified = "2026-06-02T08:00:00Z",
		  .notified = "2026-06-02T09:30:00Z",
		  .summary = "Late patch" },
		{ .supplier = "acme-eu",
		  .identified = "2026-06-03T08:00:00Z",
		  .severity = SRR_SEVERITY_CRITICAL,
		  .summary = "Outage" },
	};
	int64_t inc_id[ARRAY_SIZE(inc)];
	for (size_t i = 0; i < ARRAY_SIZE(inc); i++)
		ok(reg, srr_incident_add(reg, &inc[i], &inc_id[i]));
	ok(reg, srr_incident_notified(reg, inc_id[0], "2026-06-03T10:00:00Z"));

	/* Risks: treated with actions, one done, reviewed; accepted; closed. */
	struct srr_risk rk[] = {
		{ .supplier = "acme",
		  .title = "Single-region hosting",
		  .description = "One region.\nNo failover.",
		  .owner = "CISO",
		  .likelihood = 4,
		  .impact = 5,
		  .review_date = "2026-12-01" },
		{ .supplier = "acme", .title = "Key person", .likelihood = 3, .impact = 3 },
		{ .supplier = "bolt", .title = "Old TLS", .likelihood = 2, .impact = 2 },
	};
	int64_t rid[ARRAY_SIZE(rk)];
	for (size_t i = 0; i < ARRAY_SIZE(rk); i++)
		ok(reg, srr_risk_add(reg, &rk[i], &rid[i]));
	static const struct srr_action acts[] = {
		{ .text = "Second region", .owner = "Ops", .due = "2026-09-30" },
		{ .text = "Failover test" },
	};
	struct srr_treatment_plan mitigate = { .treatment = SRR_TREATMENT_MITIGATE,
					       .residual_likelihood = 2,
					       .residual_impact = 5,
					       .set_actions = 1,
					       .n_actions = 2,
					       .actions = acts };
	ok(reg, srr_risk_treat(reg, rid[0], &mitigate));
	ok(reg, srr_risk_action_done(reg, rid[0], 2, "2026-06-10"));
	ok(reg, srr_risk_reviewed(reg, rid[0], NULL, NULL));
	ok(reg, srr_risk_reviewed(reg, rid[1], "2026-06-01", "2026-09-01"));
	struct srr_treatment_plan accept = { .treatment = SRR_TREATMENT_ACCEPT,
					     .residual_likelihood = 2,
					     .residual_impact = 2,
					     .justification = "Cover exists.\nSee \\\\doc.",
					     .until = "2027-01-31" };
	ok(reg, srr_risk_treat(reg, rid[1], &accept));
	ok(reg, srr_risk_close(reg, rid[2]));

	/* Approval requests of every subject; one refused without a key. */
	int64_t aid;
	ok(reg, srr_approval_request(reg, SRR_SUBJECT_RISK, "R-2", &aid));
	ok(reg, srr_approval_request(reg, SRR_SUBJECT_TREATMENT, "R-1", &aid));
	ok(reg, srr_approval_reject(reg, aid, "Actions too vague.\nRedo.", NULL));
	ok(reg, srr_approval_request(reg, SRR_SUBJECT_REVIEW, "acme", NULL));
	ok(reg, srr_approval_request(reg, SRR_SUBJECT_POLICY, NULL, NULL));
	return reg;
}

struct names {
	char **v;
	size_t n, cap;
	size_t stop_after; /* 0: never */
};

static int
collect(void *userdata, const char *entity)
{
	struct names *l = userdata;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n] = strdup(entity);
	ck_assert_ptr_nonnull(l->v[l->n]);
	l->n++;
	return l->stop_after && l->n == l->stop_after ? 7 : 0;
}

static void
names_release(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct names
walk(struct srr_register *reg)
{
	struct names l = { 0 };
	int rc = entity_each(reg, collect, &l);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	return l;
}

static bool
walked(const struct names *l, const char *entity)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], entity) == 0)
			return true;
	return false;
}

/* The walk yields each entity the log names, once, and nothing else. */
static void
assert_walk_is_log(struct srr_register *reg)
{
	struct names l = walk(reg);
	qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(reg->db,
					    "SELECT DISTINCT entity FROM event ORDER BY entity"
					    " COLLATE BINARY",
					    -1, &st, NULL),
			 SQLITE_OK);
	size_t i = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *entity = (const char *)sqlite3_column_text(st, 0);
		ck_assert_msg(i < l.n, "%s: not walked", entity);
		ck_assert_str_eq(l.v[i], entity);
		i++;
	}
	sqlite3_finalize(st);
	ck_assert_msg(i == l.n, "walked %zu entities, the log names %zu", l.n, i);
	names_release(&l);
}

static size_t
type_rank(const char *entity)
{
	static const char *const order[] = { "register",    "supplier", "contract", "sla",
					     "measurement", "policy",	"review",   "incident",
					     "risk",	    "approval" };
	size_t len = strcspn(entity, "/");
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (strlen(order[i]) == len && strncmp(order[i], entity, len) == 0)
			return i;
	ck_abort_msg("%s: unknown type", entity);
	return 0;
}

/* By type, then part by part: keys by bytes, ids by number. */
static int
cmp_entity(const char *a, const char *b)
{
	size_t ra = type_rank(a), rb = type_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	bool by_number = ra >= type_rank("policy/1");
	for (a = strchr(a, '/'), b = strchr(b, '/'); a && b;
	     a = strchr(a + 1, '/'), b = strchr(b + 1, '/')) {
		size_t la = strcspn(a + 1, "/"), lb = strcspn(b + 1, "/");
		int c;
		if (by_number && la != lb)
			c = la < lb ? -1 : 1;
		else {
			c = strncmp(a + 1, b + 1, la < lb ? la : lb);
			if (c == 0 && la != lb)
				c = la < lb ? -1 : 1;
		}
		if (c)
			return c;
	}
	return 0;
}

/* --- tests ------------------------------------------------------------- */

START_TEST(every_action_round_trips)
{
	struct srr_register *reg = full_register();
	static const char *const actions[] = {
		"register.init",    "register.migrate", "supplier.add",	     "supplier.update",
		"supplier.retire",  "contract.add",	"contract.update",   "contract.terminate",
		"sla.add",	    "sla.record",	"sla.correct",	     "policy.set",
		"review.record",    "incident.add",	"incident.notified", "risk.add",
		"risk.treat",	    "risk.action-done", "risk.review",	     "risk.close",
		"approval.request", "approval.reject",
	};
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM event WHERE action = '%s'",
			 actions[i]);
		ck_assert_msg(test_query_int(reg, sql) > 0, "no %s event", actions[i]);
	}
	ck_assert_int_eq(test_query_int(reg, "SELECT count(DISTINCT action) FROM event"),
			 (long long)ARRAY_SIZE(actions));
	size_t n = assert_rows_match_log(reg);
	ck_assert_uint_eq(n,
			  (size_t)test_query_int(reg, "SELECT count(DISTINCT entity) FROM event"));
	ck_assert_uint_eq(n, 28); /* every entity of full_register() */
	assert_walk_is_log(reg);

	/* And again after a reopen: nothing depends on the session. */
	reg = test_register_reopen(reg, test_path("register.db"));
	assert_rows_match_log(reg);
	assert_walk_is_log(reg);
	srr_register_free(reg);
}
END_TEST

START_TEST(each_step_round_trips)
{
	check_each_step = true;
	struct srr_register *reg = full_register();
	check_each_step = false;
	assert_walk_is_log(reg);
	srr_register_free(reg);
}
END_TEST

START_TEST(walk_order_and_stop)
{
	struct srr_register *reg = full_register();
	/* Ids past 9, so that an order by text would show. */
	for (int i = 0; i < 10; i++) {
		struct srr_incident in = { .supplier = "bolt",
					   .identified = "2026-06-01T00:00:00Z",
					   .summary = "again" };
		ck_assert_int_eq(srr_incident_add(reg, &in, NULL), 0);
	}
	struct names l = walk(reg);
	ck_assert_uint_eq(l.n, 28 + 10);
	char want[128];
	snprintf(want, sizeof(want), "register/%s", srr_register_id(reg));
	ck_assert_str_eq(l.v[0], want);
	for (size_t i = 1; i < l.n; i++)
		ck_assert_msg(cmp_entity(l.v[i - 1], l.v[i]) < 0, "%s before %s", l.v[i - 1],
			      l.v[i]);
	ck_assert_str_eq(l.v[l.n - 1], "approval/4");
	ck_assert(walked(&l, "supplier/0"));
	ck_assert(walked(&l, "measurement/acme/C-2024.1/incident_response-time/2026-Q1"));
	ck_assert(walked(&l, "policy/2"));
	ck_assert(walked(&l, "incident/13"));
	size_t all = l.n;
	names_release(&l);

	/* fn's value stops the walk and is returned. */
	for (size_t stop = 1; stop <= all; stop += all / 7 + 1) {
		struct names s = { .stop_after = stop };
		ck_assert_int_eq(entity_each(reg, collect, &s), 7);
		ck_assert_uint_eq(s.n, stop);
		names_release(&s);
	}
	srr_register_free(reg);
}
END_TEST

/* The walk streams: none of its queries sorts (a sort holds every row in
 * memory or a temporary file). Its queries are the statements the walk
 * left in the register's cache that make names. */
START_TEST(walk_never_sorts)
{
	struct srr_register *reg = full_register();
	struct names l = walk(reg);
	names_release(&l);
	size_t n = 0;
	for (unsigned i = 0; i < reg->n_stmts; i++) {
		const char *sql = reg->stmts[i].sql;
		if (strncmp(sql, "SELECT '", 8) != 0 || !strstr(sql, "/' ||"))
			continue;
		char plan[1024];
		snprintf(plan, sizeof(plan), "EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_prepare_v2(reg->db, plan, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *step = (const char *)sqlite3_column_text(st, 3);
			ck_assert_msg(!strstr(step, "TEMP B-TREE"), "%s: %s", sql, step);
		}
		sqlite3_finalize(st);
		n++;
	}
	ck_assert_uint_eq(n, 9); /* every type but the register itself */
	srr_register_free(reg);
}
END_TEST

/* The state of entity differs from its latest event. */
static void
assert_differs(struct srr_register *reg, const char *entity)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(reg->db,
					    "SELECT record FROM event WHERE entity = ?1"
					    " ORDER BY seq DESC LIMIT 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	char *now = NULL;
	size_t len = 0;
	int rc = entity_record(reg, entity, &now, &len);
	ck_assert_msg(rc == 0, "%s: %s", entity, srr_errmsg(reg));
	ck_assert_msg(len != (size_t)sqlite3_column_bytes(st, 0) ||
			      memcmp(now, sqlite3_column_blob(st, 0), len) != 0,
		      "%s: the change does not show", entity);
	free(now);
	sqlite3_finalize(st);
}

static void
assert_record_fails(struct srr_register *reg, const char *entity, int want, const char *needle)
{
	char *now = (char *)1;
	size_t len = 1;
	int rc = entity_record(reg, entity, &now, &len);
	ck_assert_msg(rc == want, "%s: %d, not %d (%s)", entity, rc, want, srr_errmsg(reg));
	ck_assert_ptr_null(now);
	ck_assert_uint_eq(len, 0);
	if (needle)
		test_assert_errmsg_has(reg, needle);
}

START_TEST(changed_rows_show)
{
	struct srr_register *reg = full_register();
	static const struct {
		const char *sql, *entity;
	} changes[] = {
		{ "UPDATE supplier SET name = 'X' WHERE key = 'acme'", "supplier/acme" },
		{ "UPDATE supplier_contact SET role = 'sales' WHERE pos = 0", "supplier/acme" },
		{ "DELETE FROM subcontractor WHERE sub_id = (SELECT id FROM supplier"
		  " WHERE key = 'bolt')",
		  "supplier/acme" },
		{ "UPDATE supplier SET status = 'active' WHERE key = '0'", "supplier/0" },
		{ "UPDATE contract SET clauses = 0 WHERE ref = 'C-2024.1'",
		  "contract/acme/C-2024.1" },
		{ "UPDATE contract SET terminated = NULL WHERE ref = 'C_2'", "contract/acme/C_2" },
		{ "UPDATE sla SET target = '90' WHERE metric = 'availability'",
		  "sla/acme/C-2024.1/availability" },
		{ "UPDATE sla_measurement SET breach = 1 - breach WHERE period = '2026-01'",
		  "measurement/acme/C-2024.1/availability/2026-01" },
		{ "UPDATE policy SET record = CAST(replace(CAST(record AS TEXT), 'medium', 'high')"
		  " AS BLOB) WHERE version = 2",
		  "policy/2" },
		{ "UPDATE review_evidence SET size = size + 1", "review/1" },
		{ "UPDATE incident SET notified = NULL WHERE id = 1", "incident/1" },
		{ "UPDATE risk_action SET done = NULL WHERE risk_id = 1", "risk/1" },
		{ "UPDATE risk SET status = 'open' WHERE id = 3", "risk/3" },
		{ "UPDATE approval SET reason = 'Fine.' WHERE id = 2", "approval/2" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
		tamper(reg, changes[i].sql);
		assert_differs(reg, changes[i].entity);
	}
	/* The walk is about what exists, not what it holds. */
	assert_walk_is_log(reg);

	/* Rows srr would never write make no record at all. */
	tamper(reg, "UPDATE supplier SET country = 'de' WHERE key = 'bolt'");
	assert_record_fails(reg, "supplier/bolt", SRR_E_FORMAT, "supplier/bolt");
	tamper(reg, "UPDATE sla_measurement SET value = '1.50' WHERE period = '2026-Q1'");
	assert_record_fails(reg, "measurement/acme/C-2024.1/incident_response-time/2026-Q1",
			    SRR_E_FORMAT, "invalid value");
	srr_register_free(reg);
}
END_TEST

START_TEST(deleted_rows_are_not_found)
{
	struct srr_register *reg = full_register();
	tamper(reg, "PRAGMA foreign_keys = OFF");
	static const struct {
		const char *sql, *entity;
	} deletions[] = {
		{ "DELETE FROM supplier WHERE key = '0'", "supplier/0" },
		{ "DELETE FROM contract WHERE ref = 'EU1'", "contract/acme-eu/EU1" },
		{ "DELETE FROM sla_measurement WHERE period = '2026-03'",
		  "measurement/acme/C-2024.1/availability/2026-03" },
		{ "DELETE FROM sla_measurement WHERE period = '2026-Q1';"
		  " DELETE FROM sla WHERE metric = 'incident_response-time'",
		  "sla/acme/C-2024.1/incident_response-time" },
		{ "DELETE FROM policy WHERE version = 1", "policy/1" },
		{ "DELETE FROM review_evidence; DELETE FROM review WHERE id = 1", "review/1" },
		{ "DELETE FROM incident WHERE id = 2", "incident/2" },
		{ "DELETE FROM risk_action WHERE risk_id = 1; DELETE FROM risk WHERE id = 1",
		  "risk/1" },
		{ "DELETE FROM approval WHERE id = 3", "approval/3" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(deletions); i++) {
		tamper(reg, deletions[i].sql);
		assert_record_fails(reg, deletions[i].entity, SRR_E_NOTFOUND, NULL);
		struct names l = walk(reg);
		ck_assert_msg(!walked(&l, deletions[i].entity), "%s still walked",
			      deletions[i].entity);
		names_release(&l);
	}
	/* Everything else still matches its log. */
	tamper(reg, "PRAGMA foreign_keys = ON");
	srr_register_free(reg);
}
END_TEST

START_TEST(inserted_rows_are_walked)
{
	struct srr_register *reg = full_register();
	tamper(reg, "INSERT INTO supplier (key, name, tier, created, updated)"
		    " VALUES ('ghost', 'Ghost', 'low', '2026-01-01T00:00:00Z',"
		    " '2026-01-01T00:00:00Z')");
	tamper(reg, "INSERT INTO risk (supplier_id, title, likelihood, impact, created, updated)"
		    " SELECT id, 'Ghost risk', 1, 1, '2026-01-01T00:00:00Z',"
		    " '2026-01-01T00:00:00Z' FROM supplier WHERE key = 'ghost'");
	tamper(reg, "INSERT INTO sla_measurement (sla_id, period, value, breach, recorded)"
		    " SELECT id, '2025-12', '100', 0, '2026-01-01T00:00:00Z' FROM sla"
		    " WHERE metric = 'availability'");
	struct names l = walk(reg);
	static const char *const ghosts[] = {
		"supplier/ghost",
		"risk/4",
		"measurement/acme/C-2024.1/availability/2025-12",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ghosts); i++) {
		ck_assert_msg(walked(&l, ghosts[i]), "%s not walked", ghosts[i]);
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM event WHERE entity = '%s'",
			 ghosts[i]);
		ck_assert_int_eq(test_query_int(reg, sql), 0);
		char *now = NULL;
		size_t len = 0;
		ck_assert_msg(entity_record(reg, ghosts[i], &now, &len) == 0, "%s",
			      srr_errmsg(reg));
		ck_assert_uint_gt(len, 0);
		free(now);
	}
	ck_assert_uint_eq(l.n, (size_t)test_query_int(reg, "SELECT count(DISTINCT entity) FROM"
							   " event") +
				       ARRAY_SIZE(ghosts));
	names_release(&l);

	/* A key srr would never write is walked as the rows spell it, and
	 * is no entity name: nothing can have logged it. */
	tamper(reg, "INSERT INTO supplier (key, name, tier, created, updated)"
		    " VALUES ('a/b', 'Slash', 'low', '2026-01-01T00:00:00Z',"
		    " '2026-01-01T00:00:00Z')");
	l = walk(reg);
	ck_assert(walked(&l, "supplier/a/b"));
	names_release(&l);
	assert_record_fails(reg, "supplier/a/b", SRR_E_INPUT, "is not an entity name");
	/* The rows the log knows still match it. */
	assert_rows_match_log(reg);
	srr_register_free(reg);
}
END_TEST

START_TEST(names)
{
	struct srr_register *reg = full_register();
	static const char *const malformed[] = {
		"",
		"supplier",
		"supplier/",
		"/acme",
		"supplier//acme",
		"supplier/acme/",
		"supplier/Acme",
		"supplier/acme/x",
		"Supplier/acme",
		"suppliers/acme",
		"event/1",
		"supplier/-acme",
		"supplier/acme_cloud",
		"contract/acme",
		"contract/acme/.C1",
		"contract/acme/C 1",
		"sla/acme/C-2024.1/Availability",
		"sla/acme/C-2024.1/avail.ability",
		"measurement/acme/C-2024.1/availability",
		"measurement/acme/C-2024.1/availability/2026-13",
		"measurement/acme/C-2024.1/availability/2026-Q5",
		"measurement/acme/C-2024.1/availability/2026-01-01",
		"risk/01",
		"risk/R-1",
		"risk/-1",
		"risk/+1",
		"risk/1x",
		"risk/1234567890123456789",
		"policy/v1",
		"register/XYZ",
		"register/abc",
		"register/ABCDEF",
		"approval/1/2",
		"supplier/acme\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++)
		assert_record_fails(reg, malformed[i], SRR_E_INPUT, "is not an entity name");
	assert_record_fails(reg, NULL, SRR_E_INPUT, "not an entity name");
	char longkey[9 + 65 + 1] = "supplier/";
	memset(longkey + 9, 'a', 65);
	longkey[9 + 65] = '\0';
	assert_record_fails(reg, longkey, SRR_E_INPUT, "is not a supplier key");
	longkey[9 + 64] = '\0';
	assert_record_fails(reg, longkey, SRR_E_NOTFOUND, "no supplier");
	char longname[1024];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	memcpy(longname, "supplier/", 9);
	assert_record_fails(reg, longname, SRR_E_INPUT, "too long");

	static const struct {
		const char *entity, *needle;
	} absent[] = {
		{ "supplier/nobody", "no supplier 'nobody'" },
		{ "contract/acme/C9", "no contract 'C9'" },
		{ "contract/nobody/C1", "no supplier 'nobody'" },
		{ "sla/acme/C-2024.1/latency", "no SLA 'latency'" },
		{ "measurement/acme/C-2024.1/availability/2025-01", "no value for 2025-01" },
		{ "measurement/acme/C-2024.1/availability/2026-Q1", "no value for 2026-Q1" },
		{ "policy/0", "no policy version 0" },
		{ "policy/3", "no policy version 3" },
		{ "policy/99999999999", "no policy version" },
		{ "review/0", "no review 0" },
		{ "review/99", "no review 99" },
		{ "incident/99", "no incident 99" },
		{ "risk/99", "no risk R-99" },
		{ "approval/99", "no approval A-99" },
		{ "register/00112233445566778899aabbccddeeff", "this is register" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		assert_record_fails(reg, absent[i].entity, SRR_E_NOTFOUND, absent[i].needle);
	srr_register_free(reg);
}
END_TEST

START_TEST(closed_register)
{
	struct srr_register *reg;
	ck_assert_int_eq(srr_register_new(&reg), 0);
	assert_record_fails(reg, "supplier/acme", SRR_E_STATE, "no register is open");
	struct names l = { 0 };
	ck_assert_int_eq(entity_each(reg, collect, &l), SRR_E_STATE);
	ck_assert_uint_eq(l.n, 0);
	srr_register_free(reg);
}
END_TEST

static Suite *
entity_suite(void)
{
	Suite *s = suite_create("entity");
	TCase *tc = tcase_create("entity");
	tcase_add_test(tc, every_action_round_trips);
	tcase_add_test(tc, each_step_round_trips);
	tcase_add_test(tc, walk_order_and_stop);
	tcase_add_test(tc, walk_never_sorts);
	tcase_add_test(tc, changed_rows_show);
	tcase_add_test(tc, deleted_rows_are_not_found);
	tcase_add_test(tc, inserted_rows_are_walked);
	tcase_add_test(tc, names);
	tcase_add_test(tc, closed_register);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(entity_suite());
}
