/* SPDX-License-Identifier: MIT */
/*
 * The register as YAML (srr_export_yaml): every field in the documented
 * order and style, byte for byte; the same bytes twice, and again after
 * srr_import() into an empty register; text that YAML would read as
 * something else quoted, and every scalar read back by libyaml as the
 * string the register holds; failures to write and rows srr never writes
 * refused.
 */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include <srr/import.h>

#include "test-common.h"
#include "lib/yaml-scalar-private.h"
#include "lib/register-private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- the quoting table --------------------------------------------------- */

static const struct {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
} scalars[] = {
	{ "acme", 0, "acme" },
	{ "Acme Cloud GmbH", 0, "Acme Cloud GmbH" },
	{ "jane+ops@acme.example", 0, "jane+ops@acme.example" },
	{ "Smith & Sons (UK)", 0, "Smith & Sons (UK)" },
	{ "it's", 0, "it's" },
	{ "a  b", 0, "a  b" },
	{ "/srv/evidence/report-1.pdf", 0, "/srv/evidence/report-1.pdf" },
	{ "3M Company", 0, "3M Company" },
	{ "2024-001", 0, "2024-001" },
	{ "1e", 0, "1e" },
	{ "C-2024-001", 0, "C-2024-001" },
	{ "ünïcödé", 0, "ünïcödé" },
	{ "Müller GmbH", 0, "Müller GmbH" },
	{ "", 0, "\"\"" },
	{ "yes", 0, "\"yes\"" },
	{ "Yes", 0, "\"Yes\"" },
	{ "yEs", 0, "\"yEs\"" },
	{ "NO", 0, "\"NO\"" },
	{ "n", 0, "\"n\"" },
	{ "Y", 0, "\"Y\"" },
	{ "on", 0, "\"on\"" },
	{ "OFF", 0, "\"OFF\"" },
	{ "true", 0, "\"true\"" },
	{ "False", 0, "\"False\"" },
	{ "null", 0, "\"null\"" },
	{ "NULL", 0, "\"NULL\"" },
	{ "~", 0, "\"~\"" },
	{ "123", 0, "\"123\"" },
	{ "0", 0, "\"0\"" },
	{ "007", 0, "\"007\"" },
	{ "1_000", 0, "\"1_000\"" },
	{ "0x1F", 0, "\"0x1F\"" },
	{ "0o17", 0, "\"0o17\"" },
	{ "0b101", 0, "\"0b101\"" },
	{ "1e3", 0, "\"1e3\"" },
	{ "2.5E-3", 0, "\"2.5E-3\"" },
	{ "1.5", 0, "\"1.5\"" },
	{ "1.2.3", 0, "\"1.2.3\"" },
	{ "1.", 0, "\"1.\"" },
	{ ".5", 0, "\".5\"" },
	{ "-1", 0, "\"-1\"" },
	{ "+1", 0, "\"+1\"" },
	{ ".inf", 0, "\".inf\"" },
	{ ".NaN", 0, "\".NaN\"" },
	{ "12:30", 0, "\"12:30\"" },
	{ "190:20:30", 0, "\"190:20:30\"" },
	{ "2024-01-01", 0, "\"2024-01-01\"" },
	{ "2024-1-1", 0, "\"2024-1-1\"" },
	{ "2024-01-01T10:00:00Z", 0, "\"2024-01-01T10:00:00Z\"" },
	{ "a: b", 0, "\"a: b\"" },
	{ "a:b", 0, "\"a:b\"" },
	{ "#hash", 0, "\"#hash\"" },
	{ "a #b", 0, "\"a #b\"" },
	{ " leading space", 0, "\" leading space\"" },
	{ "trailing ", 0, "\"trailing \"" },
	{ "a, b", 0, "\"a, b\"" },
	{ "[x]", 0, "\"[x]\"" },
	{ "{x}", 0, "\"{x}\"" },
	{ "x]", 0, "\"x]\"" },
	{ "- item", 0, "\"- item\"" },
	{ "-dash", 0, "\"-dash\"" },
	{ "?q", 0, "\"?q\"" },
	{ "!tag", 0, "\"!tag\"" },
	{ "&anchor", 0, "\"&anchor\"" },
	{ "*alias", 0, "\"*alias\"" },
	{ "|", 0, "\"|\"" },
	{ ">", 0, "\">\"" },
	{ "%TAG", 0, "\"%TAG\"" },
	{ "@at", 0, "\"@at\"" },
	{ "`tick", 0, "\"`tick\"" },
	{ "'quoted'", 0, "\"'quoted'\"" },
	{ "---", 0, "\"---\"" },
	{ "...", 0, "\"...\"" },
	{ "=", 0, "\"=\"" },
	{ "<<", 0, "\"<<\"" },
	{ "say \"hi\"", 0, "\"say \\\"hi\\\"\"" },
	{ "back\\slash", 0, "\"back\\\\slash\"" },
	{ "line\nbreak", 0, "\"line\\nbreak\"" },
	{ "tab\there", 0, "\"tab\\there\"" },
	{ "cr\r", 0, "\"cr\\r\"" },
	{ "bell\a", 0, "\"bell\\x07\"" },
	{ "del\x7f", 0, "\"del\\x7f\"" },
	{ "nul\0byte", 8, "\"nul\\x00byte\"" },
	{ "nel\xc2\x85", 0, "\"nel\\x85\"" },
	{ "csi\xc2\x9b", 0, "\"csi\\x9b\"" },
	{ "ls\xe2\x80\xa8ps\xe2\x80\xa9", 0, "\"ls\\u2028ps\\u2029\"" },
	{ "\xef\xbb\xbf"
	  "bom",
	  0, "\"\\ufeffbom\"" },
	{ "non\xef\xbf\xbe", 0, "\"non\\ufffe\"" },
	{ "nbsp\xc2\xa0x", 0, "nbsp\xc2\xa0x" },
	{ "ü: x", 0, "\"ü: x\"" },
};

/* What YAML 1.1 (the type repository) and 1.2 (core schema) resolve a
 * plain scalar to when it is not a string: written out here from the
 * specifications, independently of the exporter's own checks. */
static const char *const resolvers[] = {
	"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
	"^(~|null|Null|NULL|)$",
	"^[-+]?0b[0-1_]+$",
	"^[-+]?0[0-7_]+$",
	"^[-+]?(0|[1-9][0-9_]*)$",
	"^[-+]?0x[0-9a-fA-F_]+$",
	"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
	"^[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?$",
	"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
	"^[-+]?\\.(inf|Inf|INF)$",
	"^\\.(nan|NaN|NAN)$",
	"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
	"(([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?"
	"([ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?)?$",
	"^(<<|=)$",
	"^[-+]?[0-9]+$",
	"^0o[0-7]+$",
	"^0x[0-9a-fA-F]+$",
	"^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
};

/* Would a YAML 1.1 or 1.2 reader take plain s for anything but a string? */
static const char *
resolves_to_non_string(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(resolvers); i++) {
		regex_t re;
		ck_assert_int_eq(regcomp(&re, resolvers[i], REG_EXTENDED | REG_NOSUB), 0);
		int m = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (m == 0)
			return resolvers[i];
	}
	return NULL;
}

/* The nth scalar of doc as libyaml reads it (malloc'd), and whether it
 * was plain. */
static char *
read_back(const char *doc, int nth, size_t *len, bool *plain)
{
	yaml_parser_t p;
	yaml_event_t ev;
	char *value = NULL;
	int scalars_seen = 0;
	ck_assert(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)doc, strlen(doc));
	for (bool done = false; !done;) {
		ck_assert_msg(yaml_parser_parse(&p, &ev), "%s: %s", doc, p.problem);
		if (ev.type == YAML_SCALAR_EVENT && ++scalars_seen == nth) {
			*len = ev.data.scalar.length;
			*plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			value = malloc(*len + 1);
			memcpy(value, ev.data.scalar.value, *len + 1);
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	ck_assert_ptr_nonnull(value);
	return value;
}

/* The value read back from before + yaml + after, its nth scalar, is in. */
static void
assert_reads_back(const char *in, size_t len, const char *yaml, const char *before,
		  const char *after, int nth)
{
	char doc[512];
	snprintf(doc, sizeof(doc), "%s%s%s", before, yaml, after);
	size_t got_len;
	bool plain;
	char *got = read_back(doc, nth, &got_len, &plain);
	ck_assert_msg(got_len == len && memcmp(got, in, len) == 0, "%s read back as '%s'", doc,
		      got);
	ck_assert(!plain || !resolves_to_non_string(got));
	free(got);
}

START_TEST(export_scalar_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(scalars); i++) {
		const char *in = scalars[i].in;
		size_t len = scalars[i].len ? scalars[i].len : strlen(in);
		char out[512];
		size_t n = yaml_scalar(out, in, len);
		ck_assert_uint_le(n, YAML_SCALAR_MAX(len));
		out[n] = '\0';
		ck_assert_msg(strcmp(out, scalars[i].out) == 0, "'%s' written as '%s', not '%s'",
			      in, out, scalars[i].out);
		ck_assert_int_eq(yaml_plain_ok(in, len), out[0] != '"');
		if (out[0] != '"') {
			const char *re = resolves_to_non_string(in);
			ck_assert_msg(!re, "'%s' is plain but matches %s", in, re);
		}
		/* Block and flow context alike. */
		assert_reads_back(in, len, out, "k: ", "\n", 2);
		assert_reads_back(in, len, out, "k: [", ", x]\n", 2);
		assert_reads_back(in, len, out, "k: {a: ", ", b: x}\n", 3);
	}
}
END_TEST

START_TEST(export_scalar_not_utf8)
{
	char out[64];
	ck_assert_uint_eq(yaml_scalar(out, "bad\xff", 4), 0);
	ck_assert_uint_eq(yaml_scalar(out, "\xc3", 1), 0);
	ck_assert_uint_eq(yaml_scalar(out, "\xed\xa0\x80", 3), 0); /* a surrogate */
	ck_assert(!yaml_plain_ok("bad\xff", 4));
}
END_TEST

/* --- a register with every field ----------------------------------------- */

static void
add_supplier(struct srr_register *reg, const struct srr_supplier *s)
{
	ck_assert_msg(srr_supplier_add(reg, s) == 0, "%s: %s", s->key, srr_errmsg(reg));
}

static void
add_suppliers(struct srr_register *reg)
{
	add_supplier(reg,
		     &(struct srr_supplier){ .key = "123", .name = "123", .tier = SRR_TIER_LOW });
	add_supplier(reg, &(struct srr_supplier){
				  .key = "bolt", .name = "Bolt Ltd", .tier = SRR_TIER_HIGH });
	add_supplier(reg, &(struct srr_supplier){ .key = "yes",
						  .name = "true",
						  .tier = SRR_TIER_MEDIUM,
						  .country = "NO" });
	ck_assert_int_eq(srr_supplier_retire(reg, "yes"), 0);
	static const char *const services[] = { "HSM hosting", "yes", "a: b" };
	static const struct srr_contact contacts[] = {
		{ "Jane Roe", "jane@acme.example", "security" },
		{ "#hash", NULL, NULL },
		{ "Bob", NULL, " leading space" },
	};
	static const char *const subs[] = { "bolt", "123" };
	add_supplier(reg, &(struct srr_supplier){ .key = "acme",
						  .name = "Acme Cloud GmbH",
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
				  .clauses = SRR_CLAUSE_SLA_REPORTING | SRR_CLAUSE_RIGHT_TO_AUDIT |
					     SRR_CLAUSE_INCIDENT_NOTIFICATION_24H };
	ck_assert_msg(srr_contract_add(reg, &c) == 0, "%s", srr_errmsg(reg));
	c = (struct srr_contract){ .supplier = "acme",
				   .ref = "2.0",
				   .start = "2023-01-01",
				   .end = "2025-12-31",
				   .notice_days = -1 };
	ck_assert_msg(srr_contract_add(reg, &c) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_contract_terminate(reg, "acme", "2.0", "2025-06-30"), 0);
	/* Added in the other order: the file lists them by metric. */
	struct srr_sla s = { .supplier = "acme",
			     .contract = "C-1",
			     .metric = "response-time",
			     .target = "4",
			     .comparator = SRR_CMP_LE,
			     .period = SRR_PERIOD_QUARTER };
	ck_assert_msg(srr_sla_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	s = (struct srr_sla){ .supplier = "acme",
			      .contract = "C-1",
			      .metric = "availability",
			      .target = "99.9",
			      .comparator = SRR_CMP_GE,
			      .unit = "percent",
			      .period = SRR_PERIOD_MONTH };
	ck_assert_msg(srr_sla_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	static const char *const m[][3] = {
		{ "availability", "2026-10", "99.50" },
		{ "availability", "2026-09", "99.95" },
		{ "response-time", "2026-Q2", "5" },
		{ "response-time", "2026-Q1", "3.5" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		ck_assert_msg(srr_sla_record(reg, "acme", "C-1", m[i][0], m[i][1], m[i][2], NULL) ==
				      0,
			      "%s", srr_errmsg(reg));
}

static void
add_reviews(struct srr_register *reg, const char *ev1, const char *ev2)
{
	test_write_file(ev1, "report\n");
	test_write_file(ev2, "");
	struct srr_evidence ev[] = { { .path = ev1 }, { .path = ev2 } };
	struct srr_review r = { .supplier = "acme",
				.date = "2026-03-01",
				.outcome = SRR_OUTCOME_CONDITIONAL,
				.findings = "Two \"gaps\":\nbackup and DR",
				.n_evidence = 2,
				.evidence = ev };
	ck_assert_msg(srr_review_record(reg, &r, NULL) == 0, "%s", srr_errmsg(reg));
	/* Earlier, recorded later: reviews are listed by id, not date. */
	r = (struct srr_review){ .supplier = "acme",
				 .date = "2025-01-15",
				 .outcome = SRR_OUTCOME_PASS };
	ck_assert_msg(srr_review_record(reg, &r, NULL) == 0, "%s", srr_errmsg(reg));
}

static void
add_incidents(struct srr_register *reg)
{
	struct srr_incident in = { .supplier = "acme",
				   .identified = "2026-11-01T00:00:00Z",
				   .severity = SRR_SEVERITY_LOW,
				   .summary = "ünïcödé" };
	ck_assert_msg(srr_incident_add(reg, &in, NULL) == 0, "%s", srr_errmsg(reg));
	in = (struct srr_incident){ .supplier = "acme",
				    .identified = "2026-10-01T08:00:00Z",
				    .severity = SRR_SEVERITY_HIGH,
				    .summary = "2024-01-01" };
	int64_t id;
	ck_assert_msg(srr_incident_add(reg, &in, &id) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_incident_notified(reg, id, "2026-10-01T20:00:00Z"), 0);
}

static int64_t
add_risk(struct srr_register *reg, const struct srr_risk *r)
{
	int64_t id;
	ck_assert_msg(srr_risk_add(reg, r, &id) == 0, "%s", srr_errmsg(reg));
	return id;
}

static void
add_risks(struct srr_register *reg)
{
	int64_t id = add_risk(reg, &(struct srr_risk){ .supplier = "acme",
						       .title = "Single-region hosting",
						       .description = "line one\nline two",
						       .owner = "ciso",
						       .likelihood = 3,
						       .impact = 4,
						       .review_date = "2027-01-01" });
	struct srr_action acts[] = {
		{ .text = "Second region", .owner = "ops", .due = "2027-03-01" },
		{ .text = "Failover test" },
	};
	struct srr_treatment_plan plan = { .treatment = SRR_TREATMENT_MITIGATE,
					   .residual_likelihood = 2,
					   .residual_impact = 3,
					   .set_actions = 1,
					   .n_actions = 2,
					   .actions = acts };
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(srr_risk_action_done(reg, id, 1, "2026-11-20"), 0);
	id = add_risk(reg,
		      &(struct srr_risk){
			      .supplier = "acme", .title = "123", .likelihood = 2, .impact = 3 });
	plan = (struct srr_treatment_plan){ .treatment = SRR_TREATMENT_ACCEPT,
					    .residual_likelihood = 2,
					    .residual_impact = 2,
					    .justification = "compensating controls",
					    .until = "2027-06-30" };
	ck_assert_msg(srr_risk_treat(reg, id, &plan) == 0, "%s", srr_errmsg(reg));
	id = add_risk(reg, &(struct srr_risk){ .supplier = "acme",
					       .title = "Legacy API",
					       .likelihood = 1,
					       .impact = 1 });
	ck_assert_int_eq(srr_risk_close(reg, id), 0);
}

/* The register of the tests: every field the YAML has. ev1 and ev2 are
 * the evidence files' absolute paths. */
static struct srr_register *
full_register(char ev1[PATH_MAX], char ev2[PATH_MAX])
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_today(reg, "2026-12-01"), 0);
	ck_assert_ptr_nonnull(realpath(test_path("."), ev1));
	snprintf(ev2, PATH_MAX, "%s/ev2.txt", ev1);
	strcat(ev1, "/ev1.pdf");
	add_suppliers(reg);
	add_contracts(reg);
	add_reviews(reg, ev1, ev2);
	add_incidents(reg);
	add_risks(reg);
	return reg;
}

static char *export(struct srr_register *reg, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	int rc = srr_export_yaml(reg, f);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(fclose(f), 0);
	if (len)
		*len = n;
	return buf;
}

static const char expected[] =
	"suppliers:\n"
	"  - key: \"123\"\n"
	"    name: \"123\"\n"
	"    tier: low\n"
	"  - key: acme\n"
	"    name: Acme Cloud GmbH\n"
	"    tier: critical\n"
	"    country: DE\n"
	"    services: [HSM hosting, \"yes\", \"a: b\"]\n"
	"    contacts:\n"
	"      - {name: Jane Roe, email: jane@acme.example, role: security}\n"
	"      - {name: \"#hash\"}\n"
	"      - {name: Bob, role: \" leading space\"}\n"
	"    subcontractors: [\"123\", bolt]\n"
	"    contracts:\n"
	"      - ref: \"2.0\"\n"
	"        start: 2023-01-01\n"
	"        end: 2025-12-31\n"
	"        terminated: 2025-06-30\n"
	"      - ref: C-1\n"
	"        start: 2024-01-01\n"
	"        end: 2026-12-31\n"
	"        notice_days: 90\n"
	"        clauses: [right-to-audit, incident-notification-24h, sla-reporting]\n"
	"        slas:\n"
	"          - metric: availability\n"
	"            target: 99.9\n"
	"            comparator: ge\n"
	"            unit: percent\n"
	"            period: month\n"
	"            measurements:\n"
	"              - {period: 2026-09, value: 99.95}\n"
	"              - {period: 2026-10, value: 99.5}\n"
	"          - metric: response-time\n"
	"            target: 4\n"
	"            comparator: le\n"
	"            period: quarter\n"
	"            measurements:\n"
	"              - {period: 2026-Q1, value: 3.5}\n"
	"              - {period: 2026-Q2, value: 5}\n"
	"    reviews:\n"
	"      - id: 1\n"
	"        date: 2026-03-01\n"
	"        outcome: conditional\n"
	"        findings: \"Two \\\"gaps\\\":\\nbackup and DR\"\n"
	"        reviewer: tester\n"
	"        evidence:\n"
	"          - {path: @EV1@, sha256: "
	"331d26d6d8f862e46ba900811be8a7a1e4dbaa229b14c99becfd5e5151490d95, size: 7}\n"
	"          - {path: @EV2@, sha256: "
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, size: 0}\n"
	"      - id: 2\n"
	"        date: 2025-01-15\n"
	"        outcome: pass\n"
	"        reviewer: tester\n"
	"    incidents:\n"
	"      - id: 1\n"
	"        identified: 2026-11-01T00:00:00Z\n"
	"        severity: low\n"
	"        summary: ünïcödé\n"
	"      - id: 2\n"
	"        identified: 2026-10-01T08:00:00Z\n"
	"        notified: 2026-10-01T20:00:00Z\n"
	"        severity: high\n"
	"        summary: \"2024-01-01\"\n"
	"    risks:\n"
	"      - id: R-1\n"
	"        title: Single-region hosting\n"
	"        description: \"line one\\nline two\"\n"
	"        owner: ciso\n"
	"        likelihood: 3\n"
	"        impact: 4\n"
	"        review_date: 2027-01-01\n"
	"        treatment: mitigate\n"
	"        residual_likelihood: 2\n"
	"        residual_impact: 3\n"
	"        actions:\n"
	"          - {text: Second region, owner: ops, due: 2027-03-01, done: 2026-11-20}\n"
	"          - {text: Failover test}\n"
	"      - id: R-2\n"
	"        title: \"123\"\n"
	"        likelihood: 2\n"
	"        impact: 3\n"
	"        treatment: accept\n"
	"        residual_likelihood: 2\n"
	"        residual_impact: 2\n"
	"        justification: compensating controls\n"
	"        accept_until: 2027-06-30\n"
	"      - id: R-3\n"
	"        title: Legacy API\n"
	"        likelihood: 1\n"
	"        impact: 1\n"
	"        closed: true\n"
	"  - key: bolt\n"
	"    name: Bolt Ltd\n"
	"    tier: high\n"
	"  - key: \"yes\"\n"
	"    name: \"true\"\n"
	"    tier: medium\n"
	"    country: \"NO\"\n"
	"    retired: true\n";

/* The expected text with the evidence paths, written as the exporter
 * writes any text. */
static char *
expected_with(const char *ev1, const char *ev2)
{
	char p1[YAML_SCALAR_MAX(PATH_MAX) + 1], p2[YAML_SCALAR_MAX(PATH_MAX) + 1];
	p1[yaml_scalar(p1, ev1, strlen(ev1))] = '\0';
	p2[yaml_scalar(p2, ev2, strlen(ev2))] = '\0';
	size_t size = sizeof(expected) + strlen(p1) + strlen(p2);
	char *want = malloc(size);
	ck_assert_ptr_nonnull(want);
	const char *at1 = strstr(expected, "@EV1@"), *at2 = strstr(expected, "@EV2@");
	snprintf(want, size, "%.*s%s%.*s%s%s", (int)(at1 - expected), expected, p1,
		 (int)(at2 - at1 - 5), at1 + 5, p2, at2 + 5);
	return want;
}

START_TEST(export_every_field)
{
	char ev1[PATH_MAX], ev2[PATH_MAX];
	struct srr_register *reg = full_register(ev1, ev2);
	long long events = test_log_size(reg);
	size_t len;
	char *got = export(reg, &len);
	char *want = expected_with(ev1, ev2);
	ck_assert_uint_eq(len, strlen(got));
	ck_assert_str_eq(got, want);
	/* Exporting logs nothing and gives the same bytes again. */
	ck_assert_int_eq(test_log_size(reg), events);
	char *again = export(reg, NULL);
	ck_assert_str_eq(again, got);
	free(again);
	free(want);
	free(got);
	srr_register_free(reg);
}
END_TEST

/* srr_import() of the export into an empty register gives a register
 * that exports the same bytes (docs/formats/yaml.md). */
START_TEST(export_import_round_trip)
{
	char ev1[PATH_MAX], ev2[PATH_MAX];
	struct srr_register *reg = full_register(ev1, ev2);
	size_t len;
	char *first = export(reg, &len);
	struct srr_register *copy;
	ck_assert_int_eq(srr_register_new(&copy), 0);
	ck_assert_int_eq(srr_register_set_actor(copy, "importer"), 0);
	ck_assert_int_eq(srr_register_create(copy, test_path("copy.db")), 0);
	ck_assert_int_eq(srr_register_set_today(copy, "2026-12-01"), 0);
	FILE *in = fmemopen(first, len, "r");
	ck_assert_ptr_nonnull(in);
	struct srr_import_summary sum;
	int rc = srr_import(copy, in, "export.yaml", NULL, &sum);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(copy));
	fclose(in);
	ck_assert_uint_eq(sum.suppliers, 4);
	char *second = export(copy, NULL);
	ck_assert_str_eq(second, first);
	free(second);
	free(first);
	srr_register_free(copy);
	srr_register_free(reg);
}
END_TEST

START_TEST(export_empty_register)
{
	struct srr_register *reg = test_register_new();
	char *got = export(reg, NULL);
	ck_assert_str_eq(got, "suppliers: []\n");
	free(got);
	srr_register_free(reg);
}
END_TEST

/* --- reading the export back --------------------------------------------- */

/* Keys whose values are typed (dates, numbers, ids, ...), written plain
 * on purpose: srr import reads them by their text. */
static bool
typed_key(const char *key)
{
	static const char *const keys[] = { "start",
					    "end",
					    "terminated",
					    "notice_days",
					    "target",
					    "value",
					    "period",
					    "date",
					    "identified",
					    "notified",
					    "id",
					    "likelihood",
					    "impact",
					    "review_date",
					    "residual_likelihood",
					    "residual_impact",
					    "accept_until",
					    "due",
					    "done",
					    "size",
					    "retired",
					    "closed" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

struct frame {
	bool mapping;
	bool want_key;
	char key[32]; /* a mapping's current key; a sequence's: its parent's */
};

struct walk {
	struct frame stack[16];
	int depth;
	size_t values;
	const char *const *texts; /* text values that must each be read back */
	bool *seen;
	size_t n_texts;
};

static void
walk_scalar(struct walk *w, const yaml_event_t *ev)
{
	struct frame *top = &w->stack[w->depth - 1];
	const char *s = (const char *)ev->data.scalar.value;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (top->mapping && top->want_key) {
		ck_assert(plain);
		ck_assert_uint_lt(strlen(s), sizeof(top->key));
		strcpy(top->key, s);
		top->want_key = false;
		return;
	}
	if (top->mapping)
		top->want_key = true;
	w->values++;
	if (plain && !typed_key(top->key)) {
		const char *re = resolves_to_non_string(s);
		ck_assert_msg(!re, "%s: plain '%s' matches %s", top->key, s, re);
	}
	for (size_t i = 0; i < w->n_texts; i++)
		if (strcmp(s, w->texts[i]) == 0 && ev->data.scalar.length == strlen(s))
			w->seen[i] = true;
}

static void
walk_start(struct walk *w, bool mapping)
{
	ck_assert_int_lt(w->depth, (int)ARRAY_SIZE(w->stack));
	struct frame *f = &w->stack[w->depth++];
	*f = (struct frame){ .mapping = mapping, .want_key = true };
	if (w->depth > 1) {
		struct frame *parent = &w->stack[w->depth - 2];
		strcpy(f->key, parent->key);
		if (parent->mapping)
			parent->want_key = true;
	}
}

/* Parse doc with libyaml's event parser; every text value in texts must
 * come back exactly, and no plain text value may resolve to a non-string. */
static size_t
walk_document(const char *doc, size_t len, const char *const *texts, size_t n_texts)
{
	struct walk w = { .texts = texts, .n_texts = n_texts };
	w.seen = calloc(n_texts + 1, sizeof(bool));
	yaml_parser_t p;
	yaml_event_t ev;
	ck_assert(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)doc, len);
	for (bool done = false; !done;) {
		ck_assert_msg(yaml_parser_parse(&p, &ev), "line %zu: %s", p.problem_mark.line + 1,
			      p.problem);
		if (ev.type == YAML_SCALAR_EVENT)
			walk_scalar(&w, &ev);
		else if (ev.type == YAML_MAPPING_START_EVENT ||
			 ev.type == YAML_SEQUENCE_START_EVENT)
			walk_start(&w, ev.type == YAML_MAPPING_START_EVENT);
		else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
			w.depth--;
		ck_assert_int_ne(ev.type, YAML_ALIAS_EVENT);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	for (size_t i = 0; i < n_texts; i++)
		ck_assert_msg(w.seen[i], "'%s' was not read back", texts[i]);
	free(w.seen);
	return w.values;
}

START_TEST(export_reads_back)
{
	char ev1[PATH_MAX], ev2[PATH_MAX];
	struct srr_register *reg = full_register(ev1, ev2);
	size_t len;
	char *doc = export(reg, &len);
	const char *const texts[] = { "123",
				      "true",
				      "NO",
				      "yes",
				      "a: b",
				      "#hash",
				      " leading space",
				      "2.0",
				      "Two \"gaps\":\nbackup and DR",
				      "ünïcödé",
				      "2024-01-01",
				      "line one\nline two",
				      "jane@acme.example",
				      ev1,
				      ev2 };
	/* Values: 26 of suppliers (list items and contact fields included),
	 * 11 of contracts, 17 of SLAs and measurements, 15 of reviews and
	 * evidence, 9 of incidents, 29 of risks and actions. */
	ck_assert_uint_eq(walk_document(doc, len, texts, ARRAY_SIZE(texts)), 107);
	free(doc);
	srr_register_free(reg);
}
END_TEST

/* --- refusals ------------------------------------------------------------ */

START_TEST(export_write_error)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return; /* no /dev/full here: nothing to test with */
	char ev1[PATH_MAX], ev2[PATH_MAX];
	struct srr_register *reg = full_register(ev1, ev2);
	ck_assert_int_eq(srr_export_yaml(reg, f), SRR_E_IO);
	test_assert_errmsg_has(reg, "writing the YAML export: No space left on device");
	fclose(f);
	/* The read transaction is over: the register can be changed. */
	ck_assert_int_eq(srr_supplier_retire(reg, "bolt"), 0);
	srr_register_free(reg);
}
END_TEST

static void
corrupt(struct srr_register *reg, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(reg->db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg);
}

static void
assert_refused(struct srr_register *reg, const char *says)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_int_eq(srr_export_yaml(reg, f), SRR_E_FORMAT);
	test_assert_errmsg_has(reg, says);
	fclose(f);
	free(buf);
}

START_TEST(export_rows_srr_never_writes)
{
	char ev1[PATH_MAX], ev2[PATH_MAX];
	struct srr_register *reg = full_register(ev1, ev2);
	corrupt(reg, "PRAGMA ignore_check_constraints = ON");
	corrupt(reg, "UPDATE supplier SET tier = 'huge' WHERE key = 'bolt'");
	assert_refused(reg, "cannot export supplier/bolt as YAML: its tier 'huge' is not one "
			    "srr writes");
	corrupt(reg, "UPDATE supplier SET tier = 'high' WHERE key = 'bolt'");
	corrupt(reg, "UPDATE supplier SET name = CAST(x'41ff' AS TEXT) WHERE key = 'bolt'");
	assert_refused(reg, "supplier/bolt as YAML: its name is not UTF-8 text");
	corrupt(reg, "UPDATE supplier SET name = 'Bolt' WHERE key = 'bolt'");
	corrupt(reg, "UPDATE sla_measurement SET period = '2026-13' WHERE value = '5'");
	assert_refused(reg, "measurement/acme/C-1/response-time/2026-13 as YAML: its period");
	corrupt(reg, "UPDATE sla_measurement SET period = '2026-Q2' WHERE value = '5'");
	corrupt(reg, "UPDATE contract SET start = '2023-02-30' WHERE ref = '2.0'");
	assert_refused(reg, "contract/acme/2.0 as YAML: its start '2023-02-30'");
	corrupt(reg, "UPDATE contract SET start = '2023-01-01' WHERE ref = '2.0'");
	corrupt(reg, "UPDATE risk SET treatment = 'ignore' WHERE id = 2");
	assert_refused(reg, "risk/2 as YAML: its treatment 'ignore'");
	corrupt(reg, "UPDATE risk SET treatment = 'accept' WHERE id = 2");
	corrupt(reg, "UPDATE review_evidence SET sha256 = 'abc' WHERE pos = 1");
	assert_refused(reg, "review/1 as YAML: its evidence sha256 'abc'");
	srr_register_free(reg);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("yaml");
	tcase_add_test(tc, export_scalar_table);
	tcase_add_test(tc, export_scalar_not_utf8);
	tcase_add_test(tc, export_every_field);
	tcase_add_test(tc, export_import_round_trip);
	tcase_add_test(tc, export_empty_register);
	tcase_add_test(tc, export_reads_back);
	tcase_add_test(tc, export_write_error);
	tcase_add_test(tc, export_rows_srr_never_writes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(export_suite());
}
