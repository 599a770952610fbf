/* SPDX-License-Identifier: MIT */
/*
 * The CSV report (srr_report_csv) and the tables under it
 * (report_tables): RFC 4180 quoting and the formula apostrophe field by
 * field; a small register written out, each file's header, row count and
 * cells read back with an RFC 4180 reader of the test's own to what the
 * library's lists say; every typed value of its type; an existing
 * directory with files in it refused; a failure half-way leaves nothing.
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-common.h"
#include "lib/report-private.h"
#include "util/date.h"
#include "util/decimal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define AS_OF	      "2026-12-01"

/* --- an RFC 4180 reader, strict ------------------------------------------ */

struct csv_row {
	char **f;
	size_t n;
};

struct csv {
	struct csv_row *rows; /* rows[0]: the header */
	size_t n;
};

static void
add_field(struct csv_row *r, const char *buf, size_t len)
{
	r->f = realloc(r->f, (r->n + 1) * sizeof(*r->f));
	ck_assert_ptr_nonnull(r->f);
	char *s = malloc(len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, buf, len);
	s[len] = '\0';
	r->f[r->n++] = s;
}

/* One field at *pos into buf (len bytes); NULL or why it is malformed. */
static const char *
read_field(const char *s, size_t len, size_t *pos, char *buf, size_t *n)
{
	size_t p = *pos;
	*n = 0;
	if (p < len && s[p] == '"') {
		for (p++;; p++) {
			if (p >= len)
				return "a quote is not closed";
			if (s[p] == '"' && p + 1 < len && s[p + 1] == '"')
				buf[(*n)++] = s[p++];
			else if (s[p] == '"')
				break;
			else
				buf[(*n)++] = s[p];
		}
		p++;
		if (p < len && s[p] != ',' && s[p] != '\r')
			return "text after a closing quote";
	} else {
		for (; p < len && s[p] != ',' && s[p] != '\r'; p++) {
			if (s[p] == '"')
				return "a quote inside an unquoted field";
			if (s[p] == '\n')
				return "a bare LF outside quotes";
			buf[(*n)++] = s[p];
		}
	}
	*pos = p;
	return NULL;
}

/* Parse s: every record ends in CRLF, CR and LF only inside quotes. */
static struct csv
csv_parse(const char *s, size_t len, const char *name)
{
	struct csv c = { 0 };
	char *buf = malloc(len + 1);
	ck_assert_ptr_nonnull(buf);
	size_t pos = 0;
	while (pos < len) {
		c.rows = realloc(c.rows, (c.n + 1) * sizeof(*c.rows));
		ck_assert_ptr_nonnull(c.rows);
		struct csv_row *r = &c.rows[c.n++];
		*r = (struct csv_row){ 0 };
		for (;;) {
			size_t n;
			const char *why = read_field(s, len, &pos, buf, &n);
			ck_assert_msg(!why, "%s, byte %zu: %s", name, pos, why);
			add_field(r, buf, n);
			if (pos < len && s[pos] == ',') {
				pos++;
				continue;
			}
			ck_assert_msg(pos + 1 < len && s[pos] == '\r' && s[pos + 1] == '\n',
				      "%s, byte %zu: a record does not end in CRLF", name, pos);
			pos += 2;
			break;
		}
	}
	free(buf);
	return c;
}

static void
csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->rows[i].n; k++)
			free(c->rows[i].f[k]);
		free(c->rows[i].f);
	}
	free(c->rows);
}

/* The text a field holds: the apostrophe put before a formula taken off
 * (docs/formats/report.md: one, from apostrophes followed by a lead). */
static const char *
unguard(const char *f)
{
	const char *p = f;
	while (*p == '\'')
		p++;
	return p > f && *p && strchr("=+-@\t\r", *p) ? f + 1 : f;
}

/* --- the quoting table --------------------------------------------------- */

static const struct {
	enum report_type type;
	const char *in; /* NULL: no value */
	const char *out;
} fields[] = {
	{ REPORT_TEXT, "acme", "acme" },
	{ REPORT_TEXT, "", "" },
	{ REPORT_TEXT, NULL, "" },
	{ REPORT_INT, NULL, "" },
	{ REPORT_TEXT, "a,b", "\"a,b\"" },
	{ REPORT_TEXT, "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ REPORT_TEXT, "\"", "\"\"\"\"" },
	{ REPORT_TEXT, "cr\rx", "\"cr\rx\"" },
	{ REPORT_TEXT, "lf\nx", "\"lf\nx\"" },
	{ REPORT_TEXT, "crlf\r\nx", "\"crlf\r\nx\"" },
	{ REPORT_TEXT, "x\n", "\"x\n\"" },
	{ REPORT_TEXT, " leading space", " leading space" },
	{ REPORT_TEXT, "trailing space ", "trailing space " },
	{ REPORT_TEXT, "a=b", "a=b" },
	{ REPORT_TEXT, "=1+1", "'=1+1" },
	{ REPORT_TEXT, "=", "'=" },
	{ REPORT_TEXT, "+49 30 1234", "'+49 30 1234" },
	{ REPORT_TEXT, "-3", "'-3" },
	{ REPORT_TEXT, "-", "'-" },
	{ REPORT_TEXT, "@SUM(A1)", "'@SUM(A1)" },
	{ REPORT_TEXT, "\tindented", "'\tindented" },
	{ REPORT_TEXT, "\rx", "\"'\rx\"" },
	{ REPORT_TEXT, "\n=x", "\"\n=x\"" },
	{ REPORT_TEXT, " =x", " =x" },
	{ REPORT_TEXT, "-a,b", "\"'-a,b\"" },
	{ REPORT_TEXT, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
	{ REPORT_TEXT, "'quoted'", "'quoted'" },
	{ REPORT_TEXT, "'", "'" },
	{ REPORT_TEXT, "'=x", "''=x" },
	{ REPORT_TEXT, "''-x", "'''-x" },
	{ REPORT_TEXT, "ünïcödé", "ünïcödé" },
	{ REPORT_TEXT, "Müller, GmbH", "\"Müller, GmbH\"" },
	{ REPORT_TEXT, "=Müller", "'=Müller" },
	{ REPORT_INT, "-3", "-3" },
	{ REPORT_INT, "+3", "+3" },
	{ REPORT_INT, "=1", "=1" },
	{ REPORT_NUMBER, "-0.5", "-0.5" },
	{ REPORT_NUMBER, "99.9", "99.9" },
	{ REPORT_BOOL, "1", "1" },
	{ REPORT_DATE, "2026-01-01", "2026-01-01" },
	{ REPORT_TIME, "2026-11-27T21:56:53Z", "2026-11-27T21:56:53Z" },
};

static char *
field_text(enum report_type type, const char *value)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	report_csv_field(f, type, value);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(csv_field_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *got = field_text(fields[i].type, fields[i].in);
		ck_assert_msg(strcmp(got, fields[i].out) == 0,
			      "case %zu: '%s' written as '%s', not '%s'", i,
			      fields[i].in ? fields[i].in : "(null)", got, fields[i].out);
		/* As the one field of a record, it reads back as it was. */
		size_t len = strlen(got);
		char *rec = malloc(len + 3);
		ck_assert_ptr_nonnull(rec);
		memcpy(rec, got, len);
		memcpy(rec + len, "\r\n", 3);
		struct csv c = csv_parse(rec, len + 2, "field");
		ck_assert_uint_eq(c.n, 1);
		ck_assert_uint_eq(c.rows[0].n, 1);
		const char *back = c.rows[0].f[0];
		if (fields[i].type == REPORT_TEXT)
			back = unguard(back);
		const char *want = fields[i].in ? fields[i].in : "";
		ck_assert_msg(strcmp(back, want) == 0, "case %zu: '%s' read back as '%s'", i, want,
			      back);
		csv_free(&c);
		free(rec);
		free(got);
	}
}
END_TEST

/* --- a small register ---------------------------------------------------- */

static void
add_supplier(struct srr_register *reg, const struct srr_supplier *s)
{
	ck_assert_msg(srr_supplier_add(reg, s) == 0, "%s: %s", s->key, srr_errmsg(reg));
}

static void
add_suppliers(struct srr_register *reg)
{
	add_supplier(reg, &(struct srr_supplier){
				  .key = "bolt", .name = "Bolt, Ltd", .tier = SRR_TIER_HIGH });
	static const char *const services[] = { "HSM hosting", "-dash service" };
	static const struct srr_contact contacts[] = {
		{ "Jane Roe", "jane@acme.example", "security" },
	};
	static const char *const subs[] = { "bolt" };
	add_supplier(reg, &(struct srr_supplier){ .key = "acme",
						  .name = "=HYPERLINK(\"x\")",
						  .tier = SRR_TIER_CRITICAL,
						  .country = "DE",
						  .n_services = ARRAY_SIZE(services),
						  .services = services,
						  .n_contacts = ARRAY_SIZE(contacts),
						  .contacts = contacts,
						  .n_subcontractors = ARRAY_SIZE(subs),
						  .subcontractors = subs });
}

static void
add_contracts(struct srr_register *reg)
{
	struct srr_contract c = { .supplier = "acme",
				  .ref = "C-1",
				  .start = "2024-01-01",
				  .end = "2026-12-31",
				  .notice_days = 90,
				  .clauses = SRR_CLAUSE_RIGHT_TO_AUDIT | SRR_CLAUSE_SLA_REPORTING };
	ck_assert_msg(srr_contract_add(reg, &c) == 0, "%s", srr_errmsg(reg));
	c = (struct srr_contract){ .supplier = "bolt",
				   .ref = "B-1",
				   .start = "2023-01-01",
				   .end = "2027-12-31",
				   .notice_days = -1,
				   .clauses = SRR_CLAUSE_ALL };
	ck_assert_msg(srr_contract_add(reg, &c) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_contract_terminate(reg, "bolt", "B-1", "2026-06-30"), 0);
	struct srr_sla s = { .supplier = "acme",
			     .contract = "C-1",
			     .metric = "availability",
			     .target = "99.9",
			     .comparator = SRR_CMP_GE,
			     .unit = "percent",
			     .period = SRR_PERIOD_MONTH };
	ck_assert_msg(srr_sla_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	int breach = -1;
	ck_assert_int_eq(
		srr_sla_record(reg, "acme", "C-1", "availability", "2026-09", "99.95", &breach), 0);
	ck_assert_int_eq(breach, 0);
	ck_assert_int_eq(
		srr_sla_record(reg, "acme", "C-1", "availability", "2026-10", "99.50", &breach), 0);
	ck_assert_int_eq(breach, 1);
}

static void
add_review_and_incidents(struct srr_register *reg, const char *ev)
{
	test_write_file(ev, "report\n");
	struct srr_evidence e[] = { { .path = ev } };
	struct srr_review r = { .supplier = "acme",
				.date = "2026-03-01",
				.outcome = SRR_OUTCOME_CONDITIONAL,
				.findings = "Two \"gaps\":\nbackup, DR",
				.n_evidence = 1,
				.evidence = e };
	ck_assert_msg(srr_review_record(reg, &r, NULL) == 0, "%s", srr_errmsg(reg));
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-01T00:00:00Z",
				   .severity = SRR_SEVERITY_LOW,
				   .summary = "Outage, 3 hours" };
	ck_assert_msg(srr_incident_add(reg, &in, NULL) == 0, "%s", srr_errmsg(reg));
	in = (struct srr_incident){ .supplier = "acme",
				    .identified = "2026-10-01T08:00:00Z",
				    .severity = SRR_SEVERITY_HIGH,
				    .summary = "+ phishing" };
	int64_t id;
	ck_assert_msg(srr_incident_add(reg, &in, &id) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_incident_notified(reg, id, "2026-10-01T20:00:00Z"), 0);
}

static int64_t
add_risk(struct srr_register *reg, const struct srr_risk *r, const struct srr_treatment_plan *p)
{
	int64_t id;
	ck_assert_msg(srr_risk_add(reg, r, &id) == 0, "%s", srr_errmsg(reg));
	ck_assert_msg(srr_risk_treat(reg, id, p) == 0, "%s", srr_errmsg(reg));
	return id;
}

static void
add_risks(struct srr_register *reg)
{
	struct srr_action acts[] = {
		{ .text = "Second region", .owner = "ops", .due = "2027-03-01" },
		{ .text = "@ops: failover test" },
	};
	add_risk(reg,
		 &(struct srr_risk){ .supplier = "acme",
				     .title = "Single-region hosting",
				     .description = "line one\nline two, with \"quotes\"",
				     .owner = "ciso",
				     .likelihood = 3,
				     .impact = 4 },
		 &(struct srr_treatment_plan){ .treatment = SRR_TREATMENT_MITIGATE,
					       .residual_likelihood = 2,
					       .residual_impact = 3,
					       .set_actions = 1,
					       .n_actions = ARRAY_SIZE(acts),
					       .actions = acts });
	add_risk(reg,
		 &(struct srr_risk){
			 .supplier = "bolt", .title = "Key person", .likelihood = 2, .impact = 3 },
		 &(struct srr_treatment_plan){ .treatment = SRR_TREATMENT_ACCEPT,
					       .residual_likelihood = 2,
					       .residual_impact = 2,
					       .justification = "compensating controls",
					       .until = "2027-06-30" });
	add_risk(reg,
		 &(struct srr_risk){ .supplier = "acme",
				     .title = "Legacy crypto",
				     .likelihood = 4,
				     .impact = 5 },
		 &(struct srr_treatment_plan){ .treatment = SRR_TREATMENT_ACCEPT,
					       .residual_likelihood = 4,
					       .residual_impact = 4,
					       .justification = "=budget",
					       .until = "2027-06-30" });
	int64_t aid;
	ck_assert_msg(srr_approval_request(reg, SRR_SUBJECT_RISK, "R-3", &aid) == 0, "%s",
		      srr_errmsg(reg));
}

/* Two suppliers, one named like a formula, one with a comma; contracts
 * (one terminated), an SLA with a breach, a review with evidence and a
 * line break in its findings, a late incident and one on time, a risk
 * treated, one accepted within tolerance, one above it with its approval
 * requested. */
static struct srr_register *
small_register(void)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, AS_OF), 0);
	add_suppliers(reg);
	add_contracts(reg);
	add_review_and_incidents(reg, test_path("ev1.pdf"));
	add_risks(reg);
	return reg;
}

/* --- reading a report back ----------------------------------------------- */

static const struct {
	const char *file;
	const char *header;
} headers[] = {
	{ "suppliers.csv", "key,name,tier,country,status,created,updated,last_review,"
			   "last_outcome,score" },
	{ "services.csv", "supplier,position,service" },
	{ "contacts.csv", "supplier,position,name,email,role" },
	{ "subcontractors.csv", "supplier,subcontractor" },
	{ "contracts.csv", "supplier,ref,start,end,notice_days,notice_by,status,terminated,"
			   "clauses,missing_clauses,created,updated" },
	{ "slas.csv", "supplier,contract,metric,target,comparator,unit,period,measurements,"
		      "breaches,last_period,last_value,last_breach" },
	{ "measurements.csv", "supplier,contract,metric,period,value,breach,recorded" },
	{ "reviews.csv", "id,supplier,date,outcome,reviewer,findings,created" },
	{ "evidence.csv", "review,position,path,sha256,size" },
	{ "incidents.csv", "id,supplier,identified,notified,severity,summary,late" },
	{ "risks.csv", "id,supplier,title,description,owner,likelihood,impact,level,treatment,"
		       "residual_likelihood,residual_impact,residual_level,above_tolerance,"
		       "acceptance,justification,accept_until,review_date,closed,created,"
		       "updated" },
	{ "actions.csv", "risk,position,text,owner,due,done" },
	{ "approvals.csv", "id,subject,target,status,level,quorum,have,requester,requested,"
			   "stale_because,rejected_by,rejected,reason,record_sha256" },
	{ "signatures.csv", "approval,position,approver,cert_subject,cert_sha256,signed_at,"
			    "actor,counts,why_not" },
	{ "checkpoints.csv", "id,size,root,signer,cert_sha256,signed_at,actor,"
			     "clock_synchronised" },
	{ "due.csv", "kind,supplier,subject,what,who,due,days,overdue,requirement" },
	{ "requirements.csv", "requirement,title,status,kept,evidence,gaps,limitation" },
};

struct report {
	char dir[PATH_MAX];
	struct csv t[ARRAY_SIZE(headers)];
	char *raw[ARRAY_SIZE(headers)];
};

static size_t
table_index(const char *file)
{
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		if (strcmp(headers[i].file, file) == 0)
			return i;
	ck_abort_msg("no table %s", file);
	return 0;
}

/* Column name's field of data row (1-based: row 0 is the header). */
static const char *
cell(const struct report *r, const char *file, size_t row, const char *name)
{
	const struct csv *c = &r->t[table_index(file)];
	ck_assert_msg(row < c->n, "%s has no row %zu", file, row);
	for (size_t k = 0; k < c->rows[0].n; k++)
		if (strcmp(c->rows[0].f[k], name) == 0) {
			ck_assert_uint_eq(c->rows[row].n, c->rows[0].n);
			return unguard(c->rows[row].f[k]);
		}
	ck_abort_msg("%s has no column %s", file, name);
	return NULL;
}

static size_t
rows_of(const struct report *r, const char *file)
{
	return r->t[table_index(file)].n - 1;
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Read every file of dir: exactly the tables, each owner-only, no BOM,
 * its header as documented, every row as wide as it. */
static void
read_report(struct report *r, const char *dir)
{
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	ck_assert_uint_eq(count_entries(dir), ARRAY_SIZE(headers));
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++) {
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/%s", dir, headers[i].file);
		struct stat sb;
		ck_assert_msg(stat(path, &sb) == 0, "no %s", path);
		ck_assert_uint_eq(sb.st_mode & 0777, 0600);
		size_t len;
		r->raw[i] = test_read_file(path, &len);
		ck_assert_msg(memcmp(r->raw[i], headers[i].header, strlen(headers[i].header)) ==
					      0 &&
				      memcmp(r->raw[i] + strlen(headers[i].header), "\r\n", 2) == 0,
			      "%s starts '%.80s'", headers[i].file, r->raw[i]);
		r->t[i] = csv_parse(r->raw[i], len, headers[i].file);
		for (size_t k = 1; k < r->t[i].n; k++)
			ck_assert_msg(r->t[i].rows[k].n == r->t[i].rows[0].n,
				      "%s row %zu has %zu fields, the header %zu", headers[i].file,
				      k, r->t[i].rows[k].n, r->t[i].rows[0].n);
	}
}

static void
report_free(struct report *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++) {
		csv_free(&r->t[i]);
		free(r->raw[i]);
	}
}

static void
write_report(struct srr_register *reg, const char *as_of, const char *dir)
{
	struct srr_report_options o = { .as_of = as_of };
	int rc = srr_report_csv(reg, &o, dir);
	ck_assert_msg(rc == 0, "srr_report_csv: %s", srr_errmsg(reg));
}

/* --- the report of the small register ------------------------------------ */

static void
check_counts(const struct report *r)
{
	static const struct {
		const char *file;
		size_t rows;
	} want[] = {
		{ "suppliers.csv", 2 },	     { "services.csv", 2 },   { "contacts.csv", 1 },
		{ "subcontractors.csv", 1 }, { "contracts.csv", 2 },  { "slas.csv", 1 },
		{ "measurements.csv", 2 },   { "reviews.csv", 1 },    { "evidence.csv", 1 },
		{ "incidents.csv", 2 },	     { "risks.csv", 3 },      { "actions.csv", 2 },
		{ "approvals.csv", 1 },	     { "signatures.csv", 0 }, { "checkpoints.csv", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(rows_of(r, want[i].file) == want[i].rows, "%s: %zu rows, not %zu",
			      want[i].file, rows_of(r, want[i].file), want[i].rows);
	ck_assert_uint_eq(rows_of(r, "requirements.csv"), srr_requirement_count());
	ck_assert_uint_ge(rows_of(r, "due.csv"), 1);
}

static void
check_suppliers(const struct report *r, struct srr_register *reg)
{
	const char *raw = r->raw[table_index("suppliers.csv")];
	/* Quoted for the quotes, the apostrophe inside the quotes. */
	ck_assert_ptr_nonnull(
		strstr(raw, "\r\nacme,\"'=HYPERLINK(\"\"x\"\")\",critical,DE,active,"));
	ck_assert_ptr_nonnull(strstr(raw, "\r\nbolt,\"Bolt, Ltd\",high,,active,"));
	ck_assert_str_eq(cell(r, "suppliers.csv", 1, "key"), "acme");
	ck_assert_str_eq(cell(r, "suppliers.csv", 1, "name"), "=HYPERLINK(\"x\")");
	ck_assert_str_eq(cell(r, "suppliers.csv", 1, "last_review"), "2026-03-01");
	ck_assert_str_eq(cell(r, "suppliers.csv", 1, "last_outcome"), "conditional");
	ck_assert_str_eq(cell(r, "suppliers.csv", 2, "name"), "Bolt, Ltd");
	ck_assert_str_eq(cell(r, "suppliers.csv", 2, "country"), "");
	ck_assert_str_eq(cell(r, "suppliers.csv", 2, "last_review"), "");
	/* The score as srr_score_list_new() gives it on the day. */
	struct srr_score_list *sl;
	ck_assert_int_eq(srr_score_list_new(&sl, reg, NULL, AS_OF), 0);
	ck_assert_uint_eq(srr_score_list_count(sl), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct srr_score *s = srr_score_list_get(sl, i);
		char total[24];
		snprintf(total, sizeof(total), "%ld", s->total);
		ck_assert_str_eq(cell(r, "suppliers.csv", i + 1, "key"), s->supplier);
		ck_assert_str_eq(cell(r, "suppliers.csv", i + 1, "score"), total);
	}
	srr_score_list_free(sl);
	ck_assert_ptr_nonnull(
		strstr(r->raw[table_index("services.csv")], "\r\nacme,2,'-dash service\r\n"));
	ck_assert_str_eq(cell(r, "services.csv", 2, "service"), "-dash service");
	ck_assert_str_eq(cell(r, "contacts.csv", 1, "email"), "jane@acme.example");
	ck_assert_str_eq(cell(r, "subcontractors.csv", 1, "subcontractor"), "bolt");
}

static void
check_contracts(const struct report *r)
{
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "ref"), "C-1");
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "notice_days"), "90");
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "notice_by"), "2026-10-02");
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "status"), "active");
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "clauses"), "right-to-audit;sla-reporting");
	ck_assert_str_eq(cell(r, "contracts.csv", 1, "missing_clauses"),
			 "incident-notification-24h;subcontracting-approval;"
			 "security-requirements;vulnerability-handling;data-location;"
			 "termination-assistance");
	ck_assert_str_eq(cell(r, "contracts.csv", 2, "notice_days"), "");
	ck_assert_str_eq(cell(r, "contracts.csv", 2, "notice_by"), "");
	ck_assert_str_eq(cell(r, "contracts.csv", 2, "status"), "terminated");
	ck_assert_str_eq(cell(r, "contracts.csv", 2, "terminated"), "2026-06-30");
	ck_assert_str_eq(cell(r, "contracts.csv", 2, "missing_clauses"), "");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "target"), "99.9");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "measurements"), "2");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "breaches"), "1");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "last_period"), "2026-10");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "last_value"), "99.5");
	ck_assert_str_eq(cell(r, "slas.csv", 1, "last_breach"), "1");
	ck_assert_str_eq(cell(r, "measurements.csv", 1, "period"), "2026-09");
	ck_assert_str_eq(cell(r, "measurements.csv", 1, "breach"), "0");
	ck_assert_str_eq(cell(r, "measurements.csv", 2, "value"), "99.5");
	ck_assert_str_eq(cell(r, "measurements.csv", 2, "breach"), "1");
}

static void
check_reviews_incidents(const struct report *r)
{
	ck_assert_str_eq(cell(r, "reviews.csv", 1, "id"), "1");
	ck_assert_str_eq(cell(r, "reviews.csv", 1, "findings"), "Two \"gaps\":\nbackup, DR");
	ck_assert_str_eq(cell(r, "reviews.csv", 1, "reviewer"), "tester");
	ck_assert_str_eq(cell(r, "evidence.csv", 1, "review"), "1");
	ck_assert_str_eq(cell(r, "evidence.csv", 1, "position"), "1");
	ck_assert_str_eq(cell(r, "evidence.csv", 1, "size"), "7");
	ck_assert_str_eq(cell(r, "evidence.csv", 1, "sha256"),
			 "331d26d6d8f862e46ba900811be8a7a1e4dbaa229b14c99becfd5e5151490d95");
	ck_assert_str_eq(cell(r, "incidents.csv", 1, "summary"), "Outage, 3 hours");
	ck_assert_str_eq(cell(r, "incidents.csv", 1, "notified"), "");
	ck_assert_str_eq(cell(r, "incidents.csv", 1, "late"), "1");
	ck_assert_str_eq(cell(r, "incidents.csv", 2, "summary"), "+ phishing");
	ck_assert_str_eq(cell(r, "incidents.csv", 2, "late"), "0");
}

/* Every risk as srr_risk_list_new() derives it on the day. */
static void
check_risks(const struct report *r, struct srr_register *reg)
{
	struct srr_risk_list *l;
	ck_assert_int_eq(srr_risk_list_new(&l, reg, NULL, 1), 0);
	ck_assert_uint_eq(srr_risk_list_count(l), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct srr_risk *k = srr_risk_list_get(l, i);
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)k->id);
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "id"), id);
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "title"), k->title);
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "description"),
				 k->description ? k->description : "");
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "level"), k->level);
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "residual_level"), k->residual_level);
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "acceptance"),
				 srr_acceptance_name(k->acceptance));
		ck_assert_str_eq(cell(r, "risks.csv", i + 1, "above_tolerance"),
				 k->above_tolerance ? "1" : "0");
	}
	srr_risk_list_free(l);
	ck_assert_str_eq(cell(r, "risks.csv", 1, "description"),
			 "line one\nline two, with \"quotes\"");
	ck_assert_str_eq(cell(r, "risks.csv", 1, "treatment"), "mitigate");
	ck_assert_str_eq(cell(r, "risks.csv", 2, "acceptance"), "accepted");
	ck_assert_str_eq(cell(r, "risks.csv", 3, "acceptance"), "pending");
	ck_assert_str_eq(cell(r, "risks.csv", 3, "above_tolerance"), "1");
	ck_assert_str_eq(cell(r, "risks.csv", 3, "justification"), "=budget");
	ck_assert_ptr_nonnull(strstr(r->raw[table_index("risks.csv")], ",'=budget,2027-06-30,"));
	ck_assert_str_eq(cell(r, "risks.csv", 3, "closed"), "0");
	ck_assert_str_eq(cell(r, "actions.csv", 1, "risk"), "1");
	ck_assert_str_eq(cell(r, "actions.csv", 1, "due"), "2027-03-01");
	ck_assert_str_eq(cell(r, "actions.csv", 2, "position"), "2");
	ck_assert_str_eq(cell(r, "actions.csv", 2, "text"), "@ops: failover test");
	ck_assert_str_eq(cell(r, "approvals.csv", 1, "target"), "risk/3");
	ck_assert_str_eq(cell(r, "approvals.csv", 1, "status"), "pending");
	ck_assert_str_eq(cell(r, "approvals.csv", 1, "have"), "0");
	ck_assert_str_eq(cell(r, "approvals.csv", 1, "requester"), "tester");
}

/* The notice on C-1 (2026-12-31 less 90 days) is overdue on the day. */
static void
check_due(const struct report *r)
{
	bool notice = false;
	for (size_t i = 1; i <= rows_of(r, "due.csv"); i++)
		if (strcmp(cell(r, "due.csv", i, "kind"), "contract-notice") == 0) {
			notice = true;
			ck_assert_str_eq(cell(r, "due.csv", i, "subject"), "contract/acme/C-1");
			ck_assert_str_eq(cell(r, "due.csv", i, "due"), "2026-10-02");
			ck_assert_str_eq(cell(r, "due.csv", i, "days"), "-60");
			ck_assert_str_eq(cell(r, "due.csv", i, "overdue"), "1");
		}
	ck_assert(notice);
	const struct srr_requirement *q = srr_requirement_get(0);
	ck_assert_str_eq(cell(r, "requirements.csv", 1, "requirement"), q->id);
}

START_TEST(csv_small_register)
{
	struct srr_register *reg = small_register();
	struct report r = { 0 };
	write_report(reg, AS_OF, test_path("out"));
	read_report(&r, test_path("out"));
	check_counts(&r);
	check_suppliers(&r, reg);
	check_contracts(&r);
	check_reviews_incidents(&r);
	check_risks(&r, reg);
	check_due(&r);
	/* A wider window lists more of what is coming (the risk reviews a
	 * year after the risks were added, for one). */
	size_t due = rows_of(&r, "due.csv");
	report_free(&r);
	struct srr_report_options o = { .as_of = AS_OF, .within = 3650 };
	ck_assert_msg(srr_report_csv(reg, &o, test_path("wide")) == 0, "%s", srr_errmsg(reg));
	read_report(&r, test_path("wide"));
	ck_assert_uint_gt(rows_of(&r, "due.csv"), due);
	ck_assert_uint_eq(rows_of(&r, "suppliers.csv"), 2);
	report_free(&r);
	srr_register_free(reg);
}
END_TEST

/* The as-of day decides derived states, whatever the register's today. */
START_TEST(csv_as_of)
{
	struct srr_register *reg = small_register();
	ck_assert_int_eq(srr_register_set_today(reg, NULL), 0);
	struct report r = { 0 };
	write_report(reg, "2027-01-15", test_path("later"));
	read_report(&r, test_path("later"));
	ck_assert_str_eq(cell(&r, "contracts.csv", 1, "status"), "expired");
	ck_assert_str_eq(cell(&r, "contracts.csv", 2, "status"), "terminated");
	report_free(&r);
	write_report(reg, "2025-01-01", test_path("earlier"));
	read_report(&r, test_path("earlier"));
	ck_assert_str_eq(cell(&r, "contracts.csv", 1, "status"), "active");
	ck_assert_str_eq(cell(&r, "contracts.csv", 2, "status"), "active");
	/* The review of 2026-03-01 had not happened. */
	ck_assert_str_eq(cell(&r, "suppliers.csv", 1, "last_review"), "");
	report_free(&r);
	/* The days at the edges: C-1 ends 2026-12-31, B-1 was terminated on
	 * 2026-06-30. */
	static const struct {
		const char *day, *c1, *b1;
	} edges[] = {
		{ "2026-06-29", "active", "active" },
		{ "2026-06-30", "active", "terminated" },
		{ "2026-12-31", "active", "terminated" },
		{ "2027-01-01", "expired", "terminated" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		write_report(reg, edges[i].day, test_path(edges[i].day));
		read_report(&r, test_path(edges[i].day));
		ck_assert_str_eq(cell(&r, "contracts.csv", 1, "status"), edges[i].c1);
		ck_assert_str_eq(cell(&r, "contracts.csv", 2, "status"), edges[i].b1);
		report_free(&r);
	}
	srr_register_free(reg);
}
END_TEST

/* --- every value of its column's type ------------------------------------ */

struct typecheck {
	const char *table;
	const struct report_column *columns;
	size_t n_columns;
	size_t tables;
	bool open;
};

static int
tc_begin(void *userdata, const char *table, size_t n, const struct report_column *columns)
{
	struct typecheck *t = userdata;
	ck_assert(!t->open);
	ck_assert_uint_lt(t->tables, ARRAY_SIZE(headers));
	char file[64];
	snprintf(file, sizeof(file), "%s.csv", table);
	ck_assert_str_eq(file, headers[t->tables].file);
	t->table = table;
	t->columns = columns;
	t->n_columns = n;
	t->open = true;
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_gt(strlen(columns[i].name), 0);
		ck_assert_uint_eq(strspn(columns[i].name, "abcdefghijklmnopqrstuvwxyz0123456789_"),
				  strlen(columns[i].name));
	}
	return 0;
}

static bool
typed_ok(enum report_type type, const char *v)
{
	int64_t x;
	char *end;
	switch (type) {
	case REPORT_TEXT:
		return true;
	case REPORT_INT:
		strtoll(v, &end, 10);
		return *v && !*end;
	case REPORT_NUMBER:
		return decimal_is_canonical(v);
	case REPORT_BOOL:
		return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
	case REPORT_DATE:
		return strlen(v) == DATE_LEN && date_parse(v, &x);
	case REPORT_TIME:
		return strlen(v) == TIME_LEN && time_parse(v, &x);
	}
	return false;
}

static int
tc_row(void *userdata, const char *const *values)
{
	struct typecheck *t = userdata;
	ck_assert(t->open);
	for (size_t i = 0; i < t->n_columns; i++)
		ck_assert_msg(!values[i] || typed_ok(t->columns[i].type, values[i]),
			      "%s.%s: '%s' is not of its type", t->table, t->columns[i].name,
			      values[i]);
	return 0;
}

static int
tc_end(void *userdata)
{
	struct typecheck *t = userdata;
	ck_assert(t->open);
	t->open = false;
	t->tables++;
	return 0;
}

/* The summary a report walks its tables with, as of AS_OF. */
static struct report_summary *
tables_summary(struct srr_register *reg)
{
	int64_t day;
	ck_assert(date_parse(AS_OF, &day));
	ck_assert_int_eq(srr_register_set_today(reg, AS_OF), 0);
	struct report_summary *s = NULL;
	int rc = report_summary_new(&s, reg, day, 0);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	return s;
}

START_TEST(tables_typed)
{
	struct srr_register *reg = small_register();
	struct typecheck t = { 0 };
	struct report_sink sink = { tc_begin, tc_row, tc_end, &t };
	struct report_summary *summary = tables_summary(reg);
	int rc = report_tables(reg, summary, &sink);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	report_summary_free(summary);
	ck_assert_uint_eq(t.tables, ARRAY_SIZE(headers));
	srr_register_free(reg);
}
END_TEST

/* A sink's error ends the walk and is what it returns. */
static int
fail_row(void *userdata, const char *const *values)
{
	return SRR_E_IO;
}

START_TEST(tables_sink_error)
{
	struct srr_register *reg = small_register();
	struct typecheck t = { 0 };
	struct report_sink sink = { tc_begin, fail_row, tc_end, &t };
	struct report_summary *summary = tables_summary(reg);
	ck_assert_int_eq(report_tables(reg, summary, &sink), SRR_E_IO);
	report_summary_free(summary);
	ck_assert_uint_eq(t.tables, 0);
	srr_register_free(reg);
}
END_TEST

/* --- the directory -------------------------------------------------------- */

START_TEST(csv_dir_existing)
{
	struct srr_register *reg = small_register();
	const char *full = test_path("full");
	char keep[PATH_MAX];
	ck_assert_int_eq(mkdir(full, 0700), 0);
	snprintf(keep, sizeof(keep), "%s/keep.txt", full);
	test_write_file(keep, "mine\n");
	struct srr_report_options o = { .as_of = AS_OF };
	ck_assert_int_eq(srr_report_csv(reg, &o, full), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, "not empty");
	test_assert_errmsg_has(reg, full);
	ck_assert_uint_eq(count_entries(full), 1);
	size_t len;
	char *text = test_read_file(keep, &len);
	ck_assert_str_eq(text, "mine\n");
	free(text);

	/* A file where the directory should be. */
	ck_assert_int_eq(srr_report_csv(reg, &o, keep), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, "not a directory");

	/* An empty directory is taken. */
	const char *empty = test_path("empty");
	ck_assert_int_eq(mkdir(empty, 0700), 0);
	write_report(reg, AS_OF, empty);
	ck_assert_uint_eq(count_entries(empty), ARRAY_SIZE(headers));
	srr_register_free(reg);
}
END_TEST

static bool
exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

START_TEST(csv_failure_leaves_nothing)
{
	struct srr_register *reg = small_register();
	struct srr_report_options o = { .as_of = AS_OF };

	/* Bad input: nothing made. */
	const char *bad = test_path("bad");
	o.as_of = "2026-02-30";
	ck_assert_int_eq(srr_report_csv(reg, &o, bad), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "2026-02-30");
	ck_assert(!exists(bad));
	o.as_of = AS_OF;
	ck_assert_int_eq(srr_report_csv(reg, &o, ""), SRR_E_INPUT);
	ck_assert_int_eq(srr_report_csv(reg, &o, test_path("no/such/dir")), SRR_E_IO);
	test_assert_errmsg_has(reg, "no/such/dir");

	/* A file limit the last, longest table runs into: every file before
	 * it goes, and the directory it made. */
	const char *cut = test_path("cut");
	struct rlimit saved, small = { 3000, 3000 };
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small.rlim_max = saved.rlim_max;
	void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	int rc = srr_report_csv(reg, &o, cut);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old);
	ck_assert_int_eq(rc, SRR_E_IO);
	test_assert_errmsg_has(reg, "requirements.csv");
	ck_assert(!exists(cut));

	/* The same in a directory that was there: it stays, empty. */
	ck_assert_int_eq(mkdir(cut, 0700), 0);
	old = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = srr_report_csv(reg, &o, cut);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old);
	ck_assert_int_eq(rc, SRR_E_IO);
	ck_assert_uint_eq(count_entries(cut), 0);

	/* Inside a read-only directory (root may write there anyway). */
	const char *ro = test_path("ro");
	char inside[PATH_MAX];
	ck_assert_int_eq(mkdir(ro, 0500), 0);
	snprintf(inside, sizeof(inside), "%s/out", ro);
	if (geteuid() != 0) {
		ck_assert_int_eq(srr_report_csv(reg, &o, inside), SRR_E_IO);
		test_assert_errmsg_has(reg, inside);
		ck_assert(!exists(inside));
	}
	ck_assert_int_eq(chmod(ro, 0700), 0);

	/* And the register still writes a whole report. */
	write_report(reg, AS_OF, cut);
	ck_assert_uint_eq(count_entries(cut), ARRAY_SIZE(headers));
	srr_register_free(reg);
}
END_TEST

static Suite *
report_csv_suite(void)
{
	Suite *s = suite_create("report-csv");
	TCase *tc = tcase_create("csv");
	tcase_add_test(tc, csv_field_table);
	tcase_add_test(tc, csv_small_register);
	tcase_add_test(tc, csv_as_of);
	tcase_add_test(tc, tables_typed);
	tcase_add_test(tc, tables_sink_error);
	tcase_add_test(tc, csv_dir_existing);
	tcase_add_test(tc, csv_failure_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(report_csv_suite());
}
