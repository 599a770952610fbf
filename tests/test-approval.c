/* SPDX-License-Identifier: MIT */
/*
 * Approvals signed on a real SoftHSM2 token (token-fixture.sh) and checked
 * with the real openssl: requests freeze a subject's bytes; each refusal
 * (requester, role, usage, validity, chain, approver, PIN, state) names its
 * check and stores nothing; the quorum counts people; a record changed
 * through srr or behind its back makes the approval stale or fails
 * srr_verify with the check that caught it.
 */
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "test-common.h"
#include "token-common.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define assert_has(msg, what)                                                                      \
	ck_assert_msg(strstr((msg), (what)) != NULL, "'%s' does not say '%s'", (msg), (what))
#define assert_lacks(msg, what)                                                                    \
	ck_assert_msg(strstr((msg), (what)) == NULL, "'%s' says '%s'", (msg), (what))

/* --- the register and its policy --------------------------------------- */

enum policy_flags {
	WITH_RSA = 1 << 0, /* Rita, the RSA key's certificate, is an approver */
};

/* YYYY-MM-DD, days from today (UTC, as the register's default today). */
static void
date_in(char out[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The default rules and matrix; every fixture certificate but the RSA
 * one (unless asked) is an approver's, so that a bad certificate fails
 * on its usage, validity or chain and not for being unknown. */
static void
write_policy(const char *path, const char *name, unsigned flags)
{
	static const struct {
		const char *name, *actor, *roles;
		size_t cert; /* offset into fx */
	} people[] = {
		{ "Alice Example", "alice", "[management]", offsetof(struct token_fixture, cert) },
		{ "Bob Example", "bob", "[management, board]",
		  offsetof(struct token_fixture, bob_cert) },
		{ "Carol Example", "carol", "[management, board]",
		  offsetof(struct token_fixture, carol_cert) },
		{ "Kim Key-Agreement", "kim", "[management, board]",
		  offsetof(struct token_fixture, badku_cert) },
		{ "Sam Server", "sam", "[management, board]",
		  offsetof(struct token_fixture, badeku_cert) },
		{ "Ed Expired", "ed", "[management, board]",
		  offsetof(struct token_fixture, expired_cert) },
		{ "Olga Other-CA", "olga", "[management, board]",
		  offsetof(struct token_fixture, unknown_cert) },
		{ "Rita RSA", "rita", "[management]", offsetof(struct token_fixture, rsa_cert) },
	};
	char text[8192];
	size_t n = (size_t)snprintf(
		text, sizeof(text),
		"version: 1\nname: %s\nreview:\n"
		"  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\n"
		"risk:\n"
		"  likelihood: [rare, unlikely, possible, likely, almost-certain]\n"
		"  impact: [negligible, minor, moderate, major, severe]\n"
		"  levels:\n"
		"    - {name: low, max: 4}\n    - {name: medium, max: 9}\n"
		"    - {name: high, max: 16}\n    - {name: critical, max: 25}\n"
		"  tolerance: medium\n  acceptance_max_days: 365\n"
		"trust_anchors: ['%s']\napprovers:\n",
		name, fx.ca);
	for (size_t i = 0; i < ARRAY_SIZE(people); i++) {
		if (strcmp(people[i].actor, "rita") == 0 && !(flags & WITH_RSA))
			continue;
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "  - {name: %s, cert: '%s', actors: [%s], roles: %s}\n",
				      people[i].name, (const char *)&fx + people[i].cert,
				      people[i].actor, people[i].roles);
	}
	n += (size_t)snprintf(
		text + n, sizeof(text) - n,
		"approval_rules:\n"
		"  - {subject: risk, residual: [low, medium], roles: [management], quorum: 1}\n"
		"  - {subject: risk, residual: [high], roles: [management], quorum: 2}\n"
		"  - {subject: risk, residual: [critical], roles: [board], quorum: 2}\n"
		"  - {subject: treatment, roles: [management], quorum: 1}\n"
		"  - {subject: review, roles: [management], quorum: 1}\n"
		"  - {subject: policy, roles: [board], quorum: 1}\n");
	ck_assert_uint_lt(n, sizeof(text));
	test_write_file(path, text);
}

static void
set_policy(struct srr_register *reg, const char *name, unsigned flags, unsigned want_version)
{
	write_policy(test_path("policy.yaml"), name, flags);
	unsigned v = 0;
	int rc = srr_policy_set(reg, test_path("policy.yaml"), &v);
	ck_assert_msg(rc == 0, "policy: %s", srr_errmsg(reg));
	ck_assert_uint_eq(v, want_version);
}

/* A register with the test policy and supplier acme. */
static struct srr_register *
setup(unsigned flags)
{
	struct srr_register *reg = test_register_new();
	set_policy(reg, "srr test policy", flags, 1);
	struct srr_supplier s = { .key = "acme", .name = "Acme Cloud", .tier = SRR_TIER_HIGH };
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	return reg;
}

static void
treat(struct srr_register *reg, int64_t risk, unsigned rl, unsigned ri, const char *why)
{
	char until[11];
	date_in(until, 30);
	struct srr_treatment_plan p = { .treatment = SRR_TREATMENT_ACCEPT,
					.residual_likelihood = rl,
					.residual_impact = ri,
					.justification = why,
					.until = until };
	int rc = srr_risk_treat(reg, risk, &p);
	ck_assert_msg(rc == 0, "treat R-%lld: %s", (long long)risk, srr_errmsg(reg));
}

/* A risk of acme (inherent 5 x 5) accepted at residual rl x ri. */
static int64_t
accepted_risk(struct srr_register *reg, unsigned rl, unsigned ri)
{
	struct srr_risk r = {
		.supplier = "acme", .title = "Single-region hosting", .likelihood = 5, .impact = 5
	};
	int64_t id = 0;
	int rc = srr_risk_add(reg, &r, &id);
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	treat(reg, id, rl, ri, "A second region is contracted for 2027");
	return id;
}

static enum srr_acceptance
acceptance(struct srr_register *reg, int64_t risk)
{
	struct srr_risk_list *l = NULL;
	ck_assert_int_eq(srr_risk_find(&l, reg, risk), 0);
	enum srr_acceptance a = srr_risk_list_get(l, 0)->acceptance;
	srr_risk_list_free(l);
	return a;
}

static void
actor(struct srr_register *reg, const char *name)
{
	ck_assert_int_eq(srr_register_set_actor(reg, name), 0);
}

/* --- what a refusal must leave alone ------------------------------------ */

struct snapshot {
	long long events, approvals, signatures, certificates, rejected;
};

static struct snapshot
snap(struct srr_register *reg)
{
	return (struct snapshot){
		.events = test_log_size(reg),
		.approvals = test_count_rows(reg, "approval"),
		.signatures = test_count_rows(reg, "signature"),
		.certificates = test_count_rows(reg, "certificate"),
		.rejected = test_query_int(reg, "SELECT count(*) FROM approval"
						" WHERE rejected IS NOT NULL"),
	};
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.approvals, before->approvals);
	ck_assert_int_eq(now.signatures, before->signatures);
	ck_assert_int_eq(now.certificates, before->certificates);
	ck_assert_int_eq(now.rejected, before->rejected);
}

/* The newest event is action on approval/id, by who. */
static void
assert_last_event(struct srr_register *reg, const char *action, int64_t id, const char *who)
{
	struct srr_event_list *l = NULL;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	char entity[48];
	snprintf(entity, sizeof(entity), "approval/%lld", (long long)id);
	ck_assert_str_eq(e->action, action);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, who);
	srr_event_list_free(l);
}

static long long
events_of(struct srr_register *reg, const char *action)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM event WHERE action = '%s'", action);
	return test_query_int(reg, sql);
}

/* --- requests ----------------------------------------------------------- */

static int64_t
request_ok(struct srr_register *reg, const char *who, enum srr_subject subject, const char *target)
{
	actor(reg, who);
	struct snapshot before = snap(reg);
	int64_t id = 0;
	int rc = srr_approval_request(reg, subject, target, &id);
	ck_assert_msg(rc == 0, "request %s %s: %s", srr_subject_name(subject),
		      target ? target : "-", srr_errmsg(reg));
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(test_count_rows(reg, "approval"), before.approvals + 1);
	ck_assert_int_eq(test_log_size(reg), before.events + 1);
	assert_last_event(reg, "approval.request", id, who);
	return id;
}

static int64_t
request_risk(struct srr_register *reg, const char *who, int64_t risk)
{
	char target[32];
	snprintf(target, sizeof(target), "R-%lld", (long long)risk);
	return request_ok(reg, who, SRR_SUBJECT_RISK, target);
}

/* Request id as a list of one; free it with srr_approval_list_free. */
static struct srr_approval_list *
find_ok(struct srr_register *reg, int64_t id)
{
	struct srr_approval_list *l = NULL;
	int rc = srr_approval_find(&l, reg, id);
	ck_assert_msg(rc == 0, "A-%lld: %s", (long long)id, srr_errmsg(reg));
	ck_assert_uint_eq(srr_approval_list_count(l), 1);
	ck_assert_int_eq(srr_approval_list_get(l, 0)->id, id);
	return l;
}

static void
assert_status(struct srr_register *reg, int64_t id, enum srr_approval_status want, unsigned have)
{
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_msg(a->status == want, "A-%lld is %s, not %s", (long long)id,
		      srr_approval_status_name(a->status), srr_approval_status_name(want));
	ck_assert_uint_eq(a->have, have);
	srr_approval_list_free(l);
}

/* --- keys ---------------------------------------------------------------- */

/* An open key and the PIN answer it keeps using until closed. */
struct key {
	struct srr_token *tok;
	struct answer a;
};

static struct key *
key_open(struct srr_register *reg, const char *uri)
{
	struct key *k = calloc(1, sizeof(*k));
	ck_assert_ptr_nonnull(k);
	k->a.pin = fx.pin;
	int rc = srr_token_open(&k->tok, reg, uri, fx.module, answer_pin, &k->a);
	ck_assert_msg(rc == 0, "open %s: %s", uri, srr_errmsg(reg));
	/* Asked once; not at all while another key keeps the token logged in
	 * (PKCS#11 logs in per token, not per key). */
	ck_assert_int_le(k->a.calls, 1);
	return k;
}

static void
key_close(struct key *k)
{
	if (!k)
		return;
	srr_token_free(k->tok);
	free(k);
}

static void
approve_ok(struct srr_register *reg, const char *who, int64_t id, struct key *k)
{
	actor(reg, who);
	struct snapshot before = snap(reg);
	int calls = k->a.calls;
	int rc = srr_approve(reg, id, k->tok);
	ck_assert_msg(rc == 0, "A-%lld as %s: %s", (long long)id, who, srr_errmsg(reg));
	ck_assert_int_eq(test_count_rows(reg, "signature"), before.signatures + 1);
	ck_assert_int_eq(test_log_size(reg), before.events + 1);
	assert_last_event(reg, "approval.sign", id, who);
	/* One login serves every signature of an open key. */
	ck_assert_int_eq(k->a.calls, calls);
}

/* srr_approve must fail with code, say each of says (NULL-terminated) and
 * store nothing. */
static void
approve_refused(struct srr_register *reg, int64_t id, struct key *k, int code, ...)
{
	struct snapshot before = snap(reg);
	int rc = srr_approve(reg, id, k ? k->tok : NULL);
	ck_assert_msg(rc == code, "A-%lld: got %d (%s), want %d", (long long)id, rc,
		      srr_errmsg(reg), code);
	va_list ap;
	va_start(ap, code);
	for (const char *s; (s = va_arg(ap, const char *));)
		test_assert_errmsg_has(reg, s);
	va_end(ap);
	assert_unchanged(reg, &before);
}

/* --- srr_verify's findings ----------------------------------------------- */

struct finding {
	int64_t approval;
	size_t signature;
	char check[16];
	char line[768];
	int failure;
};

struct found {
	struct finding *v;
	size_t n, failures;
	size_t log_failures; /* the log's (rows changed directly, ...) */
};

static void
collect(void *userdata, const struct srr_finding *f)
{
	static const char *const checks[] = {
		"record", "signature", "certificate", "chain",	"validity", "usage",	 "approver",
		"role",	  "requester", "duplicate",   "quorum", "stale",    "rejection", "pending",
	};
	struct found *fd = userdata;
	/* The log's own findings (checkpoints, the clock) are test-tamper.sh's
	 * and test-checkpoint.c's; here only what concerns approvals. */
	if (f->approval == 0) {
		fd->log_failures += (size_t)f->failure;
		return;
	}
	bool known = false;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		known = known || strcmp(f->check, checks[i]) == 0;
	ck_assert_msg(known, "unknown check '%s'", f->check);
	ck_assert_msg(f->message && *f->message, "finding %s without a message", f->check);
	for (const char *p = f->message; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20, "control character in '%s'", f->message);
	ck_assert_int_gt(f->approval, 0);
	ck_assert_int_eq(f->failure, strcmp(f->check, "pending") != 0);
	fd->v = realloc(fd->v, (fd->n + 1) * sizeof(*fd->v));
	ck_assert_ptr_nonnull(fd->v);
	struct finding *n = &fd->v[fd->n++];
	n->approval = f->approval;
	n->signature = f->signature;
	n->failure = f->failure;
	snprintf(n->check, sizeof(n->check), "%s", f->check);
	snprintf(n->line, sizeof(n->line), "A-%lld/%zu %s %s [%s]: %s", (long long)f->approval,
		 f->signature, f->failure ? "FAIL" : "info", f->check, f->signer ? f->signer : "-",
		 f->message);
	fd->failures += (size_t)f->failure;
}

static void
found_free(struct found *fd)
{
	free(fd->v);
	*fd = (struct found){ 0 };
}

static void
found_print(const struct found *fd)
{
	for (size_t i = 0; i < fd->n; i++)
		fprintf(stderr, "  %s\n", fd->v[i].line);
}

/* Run srr_verify; findings into fd (freed by the caller). */
static void
verify_ok(struct srr_register *reg, const struct srr_verify_options *o, struct srr_verify_result *r,
	  struct found *fd)
{
	*fd = (struct found){ 0 };
	int rc = srr_verify(reg, o, collect, fd, r);
	ck_assert_msg(rc == 0, "verify: %s", srr_errmsg(reg));
	ck_assert_uint_eq(r->failures, fd->failures + fd->log_failures);
	r->failures -= fd->log_failures; /* the tests here judge approvals */
	ck_assert_uint_eq(r->approved + r->pending + r->stale + r->rejected, r->approvals);
}

/* The finding on approval id, signature sig (SIZE_MAX: any), with check;
 * NULL if there is none. */
static const struct finding *
finding(const struct found *fd, int64_t id, size_t sig, const char *check)
{
	for (size_t i = 0; i < fd->n; i++)
		if (fd->v[i].approval == id && (sig == SIZE_MAX || fd->v[i].signature == sig) &&
		    strcmp(fd->v[i].check, check) == 0)
			return &fd->v[i];
	return NULL;
}

#define assert_finding(fd, id, sig, check)                                                         \
	do {                                                                                       \
		if (!finding((fd), (id), (sig), (check))) {                                        \
			found_print(fd);                                                           \
			ck_abort_msg("no '%s' finding on A-%lld/%zu", (check), (long long)(id),    \
				     (size_t)(sig));                                               \
		}                                                                                  \
	} while (0)

static size_t
count_check(const struct found *fd, const char *check)
{
	size_t n = 0;
	for (size_t i = 0; i < fd->n; i++)
		n += strcmp(fd->v[i].check, check) == 0;
	return n;
}

/* srr_verify finds nothing wrong (pending requests are information). */
static void
assert_verifies(struct srr_register *reg, const struct srr_verify_options *o,
		struct srr_verify_result *r)
{
	struct found fd;
	verify_ok(reg, o, r, &fd);
	if (r->failures)
		found_print(&fd);
	ck_assert_uint_eq(r->failures, 0);
	ck_assert_uint_eq(fd.n, r->pending);
	found_free(&fd);
}

/* --- the register file, changed behind srr's back ------------------------ */

static sqlite3 *
raw_open(void)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(
		sqlite3_open_v2(test_path("register.db"), &db, SQLITE_OPEN_READWRITE, NULL),
		SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* One statement that must change exactly one row. */
static void
tamper(const char *sql)
{
	sqlite3 *db = raw_open();
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_free(err);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* Flip one bit of byte (from the end) of the first signature on id. */
static void
tamper_p7s(int64_t id, size_t from_end)
{
	sqlite3 *db = raw_open();
	sqlite3_stmt *st;
	ck_assert_int_eq(
		sqlite3_prepare_v2(db,
				   "SELECT rowid, p7s FROM signature WHERE approval_id = ?1"
				   " ORDER BY rowid LIMIT 1",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t rowid = sqlite3_column_int64(st, 0);
	size_t len = (size_t)sqlite3_column_bytes(st, 1);
	ck_assert_uint_gt(len, from_end);
	unsigned char *p7s = malloc(len);
	ck_assert_ptr_nonnull(p7s);
	memcpy(p7s, sqlite3_column_blob(st, 1), len);
	sqlite3_finalize(st);
	p7s[len - 1 - from_end] ^= 0x01;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE signature SET p7s = ?2 WHERE rowid = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_blob(st, 2, p7s, (int)len, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	free(p7s);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* --- files and openssl ---------------------------------------------------- */

/* The real openssl, as an auditor runs it: true if it verifies. */
static bool
openssl_verifies(const char *p7s, const char *rec, const char *ca)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "openssl cms -verify -binary -inform DER -in '%s' -content '%s' -CAfile '%s' "
		 "-out /dev/null 2>/dev/null",
		 p7s, rec, ca);
	int st = system(cmd);
	ck_assert_msg(st != -1 && WIFEXITED(st), "cannot run openssl");
	ck_assert_msg(WEXITSTATUS(st) != 127, "openssl not found");
	return WEXITSTATUS(st) == 0;
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The DER of each certificate in a PEM file; returns how many. */
static unsigned
load_pem(const char *path, gnutls_datum_t *der, unsigned max)
{
	gnutls_datum_t pem = { NULL, 0 };
	ck_assert_int_eq(gnutls_load_file(path, &pem), 0);
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	ck_assert_int_ge(gnutls_x509_crt_list_import2(&crts, &n, &pem, GNUTLS_X509_FMT_PEM, 0), 0);
	ck_assert_uint_le(n, max);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_int_eq(gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER, &der[i]), 0);
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	gnutls_free(pem.data);
	return n;
}

static void
assert_same_cert(const gnutls_datum_t *a, const char *pem_path)
{
	gnutls_datum_t b[1];
	ck_assert_uint_eq(load_pem(pem_path, b, 1), 1);
	ck_assert_uint_eq(a->size, b[0].size);
	ck_assert_mem_eq(a->data, b[0].data, a->size);
	gnutls_free(b[0].data);
}

/* === 1. sign and verify ================================================== */

START_TEST(sign_and_verify)
{
	struct srr_register *reg = setup(0);
	int64_t risk = accepted_risk(reg, 3, 3); /* 9: medium, within tolerance */
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_ACCEPTED);
	int64_t id = request_risk(reg, "procurement", risk);

	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_int_eq(a->subject, SRR_SUBJECT_RISK);
	ck_assert_str_eq(a->target, "risk/1");
	ck_assert_str_eq(srr_approval_status_name(a->status), "pending");
	ck_assert_str_eq(a->requester, "procurement");
	ck_assert_str_eq(a->level, "medium");
	ck_assert_uint_eq(a->quorum, 1);
	ck_assert_uint_eq(a->n_roles, 1);
	ck_assert_str_eq(a->roles[0], "management");
	ck_assert_uint_eq(a->have, 0);
	ck_assert_uint_eq(a->n_signatures, 0);
	ck_assert_uint_eq(strlen(a->record_sha256), 64);
	ck_assert_uint_eq(a->record_len, strlen(a->record));
	ck_assert_msg(strncmp(a->record, "srr-record/1 acceptance\n", 24) == 0, "%s", a->record);
	assert_has(a->record, "\nresidual-impact 3\n");
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);

	l = find_ok(reg, id);
	a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "approved");
	ck_assert_uint_eq(a->have, 1);
	ck_assert_uint_eq(a->n_signatures, 1);
	const struct srr_signature *g = &a->signatures[0];
	ck_assert_str_eq(g->approver, "Alice Example");
	ck_assert_int_eq(g->counts, 1);
	ck_assert_ptr_null(g->why_not);
	ck_assert_str_eq(g->actor, "alice");
	assert_has(g->cert_subject, "Alice Approver");
	ck_assert_uint_eq(strlen(g->cert_sha256), 64);
	ck_assert_uint_eq(strlen(g->signed_at), 20);
	ck_assert_int_eq(g->signed_at[19], 'Z');
	ck_assert_uint_gt(g->p7s_len, 100);
	srr_approval_list_free(l);
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_ACCEPTED);

	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.approvals, 1);
	ck_assert_uint_eq(r.signatures, 1);
	ck_assert_uint_eq(r.approved, 1);
	ck_assert_uint_eq(r.pending, 0);
	ck_assert_int_eq(events_of(reg, "approval.sign"), 1);
	ck_assert_int_eq(events_of(reg, "approval.request"), 1);
	srr_register_free(reg);
}
END_TEST

/* === 2. RSA-2048 ========================================================== */

START_TEST(sign_rsa)
{
	struct srr_register *reg = setup(WITH_RSA);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 2, 2));
	struct key *rita = key_open(reg, fx.rsa_uri);
	approve_ok(reg, "rita", id, rita);
	key_close(rita);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 1);

	struct srr_approval_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_approval_list_get(l, 0)->signatures[0].approver, "Rita RSA");
	ck_assert_str_eq(srr_approval_list_get(l, 0)->level, "low");
	srr_approval_list_free(l);

	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.signatures, 1);
	ck_assert_uint_eq(r.approved, 1);

	char dir[1100], p7s[1200], rec[1200];
	snprintf(dir, sizeof(dir), "%s", test_path("out"));
	ck_assert_msg(srr_approval_export(reg, id, dir) == 0, "%s", srr_errmsg(reg));
	snprintf(p7s, sizeof(p7s), "%s/A-1-1.p7s", dir);
	snprintf(rec, sizeof(rec), "%s/A-1.rec", dir);
	ck_assert(openssl_verifies(p7s, rec, fx.ca));
	srr_register_free(reg);
}
END_TEST

/* === 3. openssl interop =================================================== */

START_TEST(export_verifies_with_openssl)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);

	/* The directory is created; the files hold what was signed. */
	char dir[1100], p7s[1200], rec[1200], pem[1200], changed[1200];
	snprintf(dir, sizeof(dir), "%s", test_path("audit/A-1"));
	ck_assert_int_eq(mkdir(test_path("audit"), 0700), 0);
	struct snapshot before = snap(reg);
	ck_assert_msg(srr_approval_export(reg, id, dir) == 0, "%s", srr_errmsg(reg));
	assert_unchanged(reg, &before);
	snprintf(p7s, sizeof(p7s), "%s/A-1-1.p7s", dir);
	snprintf(rec, sizeof(rec), "%s/A-1.rec", dir);
	snprintf(pem, sizeof(pem), "%s/A-1-1.pem", dir);
	snprintf(changed, sizeof(changed), "%s/A-1-changed.rec", dir);
	ck_assert(exists(p7s) && exists(rec) && exists(pem));
	ck_assert(!exists(test_path("audit/A-1/A-1-rejection.p7s")));

	size_t len;
	char *bytes = test_read_file(rec, &len);
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_uint_eq(len, a->record_len);
	ck_assert_mem_eq(bytes, a->record, len);
	size_t p7s_len;
	char *p7s_bytes = test_read_file(p7s, &p7s_len);
	ck_assert_uint_eq(p7s_len, a->signatures[0].p7s_len);
	ck_assert_mem_eq(p7s_bytes, a->signatures[0].p7s, p7s_len);
	free(p7s_bytes);
	srr_approval_list_free(l);

	ck_assert_msg(openssl_verifies(p7s, rec, fx.ca), "openssl cms -verify failed");
	ck_assert_msg(!openssl_verifies(p7s, rec, fx.other_ca), "verified against another CA");
	/* One byte of the record changed: "residual-impact 3" -> "2". */
	char *at = strstr(bytes, "residual-impact 3\n");
	ck_assert_ptr_nonnull(at);
	at[16] = '2';
	FILE *f = fopen(changed, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(bytes);
	ck_assert_msg(!openssl_verifies(p7s, changed, fx.ca), "verified a changed record");

	/* The .pem: the signer certificate first, then the CA that issued it. */
	size_t pem_len;
	char *text = test_read_file(pem, &pem_len);
	ck_assert_msg(strncmp(text, "-----BEGIN CERTIFICATE-----\n", 28) == 0, "%.40s", text);
	free(text);
	gnutls_datum_t der[4];
	ck_assert_uint_eq(load_pem(pem, der, ARRAY_SIZE(der)), 2);
	assert_same_cert(&der[0], fx.cert);
	assert_same_cert(&der[1], fx.ca);
	gnutls_free(der[0].data);
	gnutls_free(der[1].data);

	/* The request's own record, as its last event logged it. */
	char own[1200];
	snprintf(own, sizeof(own), "%s/A-1.approval.rec", dir);
	char *logged = test_read_file(own, &len);
	struct srr_event_list *ev = NULL;
	ck_assert_int_eq(srr_event_list_new(&ev, reg, 0, 0), 0);
	const struct srr_event *last = NULL;
	for (size_t i = 0; i < srr_event_list_count(ev); i++)
		if (strcmp(srr_event_list_get(ev, i)->entity, "approval/1") == 0)
			last = srr_event_list_get(ev, i);
	ck_assert_ptr_nonnull(last);
	ck_assert_str_eq(last->action, "approval.sign");
	ck_assert_uint_eq(len, last->record_len);
	ck_assert_mem_eq(logged, last->record, len);
	srr_event_list_free(ev);
	free(logged);
	srr_register_free(reg);
}
END_TEST

START_TEST(export_refused)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s", test_path("out"));
	ck_assert_msg(srr_approval_export(reg, id, dir) == 0, "%s", srr_errmsg(reg));
	ck_assert(exists(test_path("out/A-1.rec")));
	ck_assert(!exists(test_path("out/A-1-1.p7s")));

	/* Nothing is overwritten; an unknown request is not found. */
	ck_assert_int_eq(srr_approval_export(reg, id, dir), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, "A-1.rec");
	ck_assert_int_eq(srr_approval_export(reg, id, ""), SRR_E_INPUT);
	ck_assert_int_eq(srr_approval_export(reg, 99, test_path("other")), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "A-99");
	ck_assert(!exists(test_path("other")));
	/* A directory that cannot be made. */
	test_write_file(test_path("file"), "x");
	ck_assert_int_eq(srr_approval_export(reg, id, test_path("file/sub")), SRR_E_IO);
	test_assert_errmsg_has(reg, "file/sub");
	srr_register_free(reg);
}
END_TEST

/* === 4. tampering with the file ============================================ */

/* A register with risk R-1 accepted at 3 x 3 and A-1 approved by Alice. */
static struct srr_register *
approved_medium(void)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	ck_assert_int_eq(id, 1);
	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);
	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	return reg;
}

START_TEST(tamper_record)
{
	struct srr_register *reg = approved_medium();
	/* One byte of the frozen record: "residual-impact 3" -> "2". */
	tamper("UPDATE approval SET record = CAST(replace(CAST(record AS TEXT),"
	       " 'residual-impact 3', 'residual-impact 2') AS BLOB) WHERE id = 1");
	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	ck_assert_uint_gt(r.failures, 0);
	assert_finding(&fd, 1, 1, "signature");
	assert_finding(&fd, 1, 0, "record");
	assert_has(finding(&fd, 1, 0, "record")->line, "SHA-256");
	ck_assert_str_eq(finding(&fd, 1, 1, "signature")->line + strlen("A-1/1 FAIL signature "),
			 "[Alice Example]: does not verify over the approved record: "
			 "Public key signature verification has failed.");
	/* The frozen bytes are no longer the risk's either. */
	assert_finding(&fd, 1, 0, "stale");
	found_free(&fd);
	assert_status(reg, 1, SRR_APPROVAL_STALE, 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(tamper_signature)
{
	struct srr_register *reg = approved_medium();
	tamper_p7s(1, 0); /* the last byte: the ECDSA signature value */
	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, 1, 1, "signature");
	assert_has(finding(&fd, 1, 1, "signature")->line, "does not verify");
	/* Read back, it still looks approved: verify says it is not. */
	assert_finding(&fd, 1, 0, "quorum");
	/* The frozen record and the risk are untouched. */
	ck_assert_ptr_null(finding(&fd, 1, SIZE_MAX, "stale"));
	ck_assert_ptr_null(finding(&fd, 1, 1, "record"));
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

START_TEST(tamper_signature_structure)
{
	struct srr_register *reg = approved_medium();
	/* The first byte: no longer a DER SEQUENCE. */
	tamper("UPDATE signature SET p7s = CAST(X'00' || substr(p7s, 2) AS BLOB)"
	       " WHERE approval_id = 1");
	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, 1, 1, "signature");
	assert_has(finding(&fd, 1, 1, "signature")->line, "not a CMS SignedData");
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

START_TEST(tamper_risk_row)
{
	struct srr_register *reg = approved_medium();
	tamper("UPDATE risk SET residual_impact = 2 WHERE id = 1");
	struct srr_approval_list *l = find_ok(reg, 1);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "stale");
	ck_assert_str_eq(a->stale_because, "the acceptance of risk R-1 changed since the request");
	srr_approval_list_free(l);

	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, 1, 0, "stale");
	ck_assert_uint_eq(r.failures, 1);
	ck_assert_uint_eq(r.stale, 1);
	/* The signature itself is still good. */
	ck_assert_ptr_null(finding(&fd, 1, 1, "signature"));
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

START_TEST(tamper_signature_row_deleted)
{
	struct srr_register *reg = approved_medium();
	tamper("DELETE FROM signature WHERE approval_id = 1");
	assert_status(reg, 1, SRR_APPROVAL_PENDING, 0);
	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	/* The log recorded a signature the register no longer has. */
	assert_finding(&fd, 1, 0, "record");
	assert_has(finding(&fd, 1, 0, "record")->line, "differ from what event");
	ck_assert_uint_eq(r.failures, 1);
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

/* The signingTime of a CMS, RFC 3339 UTC. */
static void
signing_time(char out[21], const unsigned char *p7s, size_t len)
{
	gnutls_pkcs7_t p7;
	gnutls_pkcs7_signature_info_st info;
	gnutls_datum_t d = { (unsigned char *)p7s, (unsigned)len };
	ck_assert_int_eq(gnutls_pkcs7_init(&p7), 0);
	ck_assert_int_eq(gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER), 0);
	ck_assert_int_eq(gnutls_pkcs7_get_signature_info(p7, 0, &info), 0);
	struct tm tm;
	ck_assert_ptr_nonnull(gmtime_r(&info.signing_time, &tm));
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gnutls_pkcs7_signature_info_deinit(&info);
	gnutls_pkcs7_deinit(p7);
}

/*
 * The event of each signature logs the SHA-256 of its CMS (p7s_sha256);
 * srr_verify must hold the stored CMS to it. Swapping in another good
 * signature by the same key over the same bytes made in the same second
 * passes every other check.
 */
START_TEST(tamper_signature_swapped)
{
	struct srr_register *reg = setup(0);
	struct key *alice = key_open(reg, fx.key_uri);
	unsigned char *other = NULL;
	size_t other_len = 0;
	int64_t id = 0;
	/* Try a few times: the two signatures must share their second. */
	for (int attempt = 0; attempt < 5 && !other; attempt++) {
		id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
		approve_ok(reg, "alice", id, alice);
		struct srr_approval_list *l = find_ok(reg, id);
		const struct srr_approval *a = srr_approval_list_get(l, 0);
		ck_assert_int_eq(
			srr_token_sign(alice->tok, &other, &other_len, a->record, a->record_len),
			0);
		char when[21];
		signing_time(when, other, other_len);
		bool same = strcmp(when, a->signatures[0].signed_at) == 0;
		srr_approval_list_free(l);
		if (!same) {
			free(other);
			other = NULL;
		}
	}
	key_close(alice);
	ck_assert_msg(other != NULL, "could not sign twice within one second");

	sqlite3 *db = raw_open();
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "UPDATE signature SET p7s = ?2 WHERE approval_id = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, other, (int)other_len, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	free(other);

	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	if (!finding(&fd, id, SIZE_MAX, "record") && !finding(&fd, id, SIZE_MAX, "signature")) {
		found_print(&fd);
		ck_abort_msg("A-%lld: a signature that is not the one the log recorded verifies",
			     (long long)id);
	}
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

/* === 5. the record changes through srr ===================================== */

START_TEST(record_updated_goes_stale)
{
	struct srr_register *reg = approved_medium();
	actor(reg, "riskowner");
	treat(reg, 1, 3, 3, "The second region goes live in 2026 instead");

	struct srr_approval_list *l = find_ok(reg, 1);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "stale");
	ck_assert_str_eq(a->stale_because, "the acceptance of risk R-1 changed since the request");
	srr_approval_list_free(l);

	struct key *bob = key_open(reg, fx.bob_uri);
	actor(reg, "bob");
	approve_refused(reg, 1, bob, SRR_E_STATE, "A-1 is stale", "ask for a new approval", NULL);

	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, 1, 0, "stale");
	assert_has(finding(&fd, 1, 0, "stale")->line, "changed since the request");
	ck_assert_uint_eq(r.failures, 1);
	ck_assert_uint_eq(r.stale, 1);
	found_free(&fd);

	/* A new request for the new bytes; once approved, the old one is
	 * history, not a failure. */
	int64_t id = request_risk(reg, "procurement", 1);
	ck_assert_int_eq(id, 2);
	l = find_ok(reg, id);
	assert_has(srr_approval_list_get(l, 0)->record, "The second region goes live in 2026");
	srr_approval_list_free(l);
	approve_ok(reg, "bob", id, bob);
	key_close(bob);
	assert_status(reg, 2, SRR_APPROVAL_APPROVED, 1);
	assert_status(reg, 1, SRR_APPROVAL_STALE, 1);
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.approvals, 2);
	ck_assert_uint_eq(r.approved, 1);
	ck_assert_uint_eq(r.stale, 1);
	ck_assert_uint_eq(r.signatures, 2);
	srr_register_free(reg);
}
END_TEST

/* === 6. self-approval ======================================================= */

START_TEST(requester_cannot_approve)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "alice", accepted_risk(reg, 3, 3));
	struct key *alice = key_open(reg, fx.key_uri);
	approve_refused(reg, id, alice, SRR_E_VERIFY, "A-1: requester", "Alice Approver",
			"Alice Example asked for this approval and cannot approve it", NULL);
	/* Whoever runs it: the key is Alice's. */
	actor(reg, "procurement");
	approve_refused(reg, id, alice, SRR_E_VERIFY, "requester", NULL);
	key_close(alice);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 0);
	ck_assert_int_eq(events_of(reg, "approval.sign"), 0);

	struct key *bob = key_open(reg, fx.bob_uri);
	approve_ok(reg, "bob", id, bob);
	key_close(bob);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 1);
	srr_register_free(reg);
}
END_TEST

/* === 7. a quorum of two ==================================================== */

START_TEST(quorum_of_two)
{
	struct srr_register *reg = setup(0);
	int64_t risk = accepted_risk(reg, 3, 4); /* 12: high, above tolerance */
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_PENDING);
	int64_t id = request_risk(reg, "procurement", risk);
	struct srr_approval_list *l = find_ok(reg, id);
	ck_assert_str_eq(srr_approval_list_get(l, 0)->level, "high");
	ck_assert_uint_eq(srr_approval_list_get(l, 0)->quorum, 2);
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 1);
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_PENDING);

	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	ck_assert_uint_eq(r.failures, 0);
	ck_assert_uint_eq(r.pending, 1);
	assert_finding(&fd, id, 0, "pending");
	assert_has(finding(&fd, id, 0, "pending")->line, "1 of 2 signatures so far");
	found_free(&fd);

	/* Two signatures by one person count once: the second is refused. */
	approve_refused(reg, id, alice, SRR_E_EXISTS, "Alice Example has signed it already", NULL);
	key_close(alice);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 1);

	struct key *bob = key_open(reg, fx.bob_uri);
	approve_ok(reg, "bob", id, bob);
	key_close(bob);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 2);
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_ACCEPTED);

	/* Carol would make three: not pending any more. */
	struct key *carol = key_open(reg, fx.carol_uri);
	actor(reg, "carol");
	approve_refused(reg, id, carol, SRR_E_STATE, "A-1 is approved already", NULL);
	key_close(carol);

	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.signatures, 2);
	ck_assert_uint_eq(r.approved, 1);
	srr_register_free(reg);
}
END_TEST

/* === 8. PIN ================================================================= */

START_TEST(wrong_pin)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	struct snapshot before = snap(reg);
	struct answer a = { .pin = "97531" };
	struct srr_token *tok = (struct srr_token *)&tok;
	ck_assert_int_eq(srr_token_open(&tok, reg, fx.key_uri, fx.module, answer_pin, &a),
			 SRR_E_PIN);
	ck_assert_ptr_null(tok);
	ck_assert_int_eq(a.calls, 1);
	test_assert_errmsg_has(reg, "wrong PIN");
	assert_lacks(srr_errmsg(reg), "97531");
	ck_assert_int_eq(srr_approve(reg, id, NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "needs a key");
	assert_unchanged(reg, &before);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 0);
	srr_register_free(reg);
}
END_TEST

/* === 9. certificates that may not sign ====================================== */

START_TEST(bad_certificates_refused)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	static const struct {
		size_t uri; /* offset into fx */
		const char *actor, *check, *says;
	} bad[] = {
		{ offsetof(struct token_fixture, badku_uri), "kim", "A-1: usage (",
		  "lacks digitalSignature" },
		{ offsetof(struct token_fixture, badeku_uri), "sam", "A-1: usage (",
		  "emailProtection" },
		{ offsetof(struct token_fixture, expired_uri), "ed", "A-1: validity (",
		  "had expired" },
		{ offsetof(struct token_fixture, unknown_uri), "olga", "A-1: chain (",
		  "not issued by a trust anchor" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct key *k = key_open(reg, (const char *)&fx + bad[i].uri);
		actor(reg, bad[i].actor);
		approve_refused(reg, id, k, SRR_E_VERIFY, bad[i].check, bad[i].says, NULL);
		key_close(k);
	}
	assert_status(reg, id, SRR_APPROVAL_PENDING, 0);

	/* A signed refusal is held to the same checks. */
	struct key *ed = key_open(reg, fx.expired_uri);
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_approval_reject(reg, id, "no", ed->tok), SRR_E_VERIFY);
	test_assert_errmsg_has(reg, "validity");
	assert_unchanged(reg, &before);
	key_close(ed);

	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.pending, 1);
	ck_assert_uint_eq(r.signatures, 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(key_without_certificate)
{
	struct srr_register *reg = setup(0);
	struct answer a = { .pin = fx.pin };
	struct srr_token *tok = (struct srr_token *)&tok;
	ck_assert_int_eq(srr_token_open(&tok, reg, fx.nocert_uri, fx.module, answer_pin, &a),
			 SRR_E_TOKEN);
	ck_assert_ptr_null(tok);
	test_assert_errmsg_has(reg, "no certificate");
	srr_register_free(reg);
}
END_TEST

START_TEST(signer_not_in_policy)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	struct key *rita = key_open(reg, fx.rsa_uri);
	actor(reg, "rita");
	approve_refused(reg, id, rita, SRR_E_VERIFY, "A-1: approver (", "Rita RSA Approver",
			"is not an approver's in policy version 1", NULL);
	key_close(rita);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 0);
	srr_register_free(reg);
}
END_TEST

START_TEST(role_mismatch)
{
	struct srr_register *reg = setup(0);
	int64_t risk = accepted_risk(reg, 5, 4); /* 20: critical, two of the board */
	int64_t id = request_risk(reg, "procurement", risk);
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(a->level, "critical");
	ck_assert_uint_eq(a->quorum, 2);
	ck_assert_uint_eq(a->n_roles, 1);
	ck_assert_str_eq(a->roles[0], "board");
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	actor(reg, "alice");
	approve_refused(reg, id, alice, SRR_E_VERIFY, "A-1: role (",
			"Alice Example holds no role this approval needs", NULL);
	key_close(alice);

	struct key *bob = key_open(reg, fx.bob_uri);
	struct key *carol = key_open(reg, fx.carol_uri);
	approve_ok(reg, "bob", id, bob);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 1);
	approve_ok(reg, "carol", id, carol);
	key_close(bob);
	key_close(carol);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 2);
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_ACCEPTED);
	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	srr_register_free(reg);
}
END_TEST

/*
 * Signatures that srr_approve would have refused, written straight into
 * the file by someone with write access to it: srr_verify checks each
 * signer certificate again (at the signing time) and names the check.
 */
static void
forge_signature(struct srr_register *reg, int64_t id, const char *uri, const char *cn)
{
	struct key *k = key_open(reg, uri);
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	unsigned char *p7s = NULL;
	size_t len = 0;
	ck_assert_int_eq(srr_token_sign(k->tok, &p7s, &len, a->record, a->record_len), 0);
	srr_approval_list_free(l);
	key_close(k);
	char when[21];
	signing_time(when, p7s, len);

	sqlite3 *db = raw_open();
	sqlite3_stmt *st;
	ck_assert_int_eq(
		sqlite3_prepare_v2(db,
				   "INSERT INTO signature (approval_id, cert, p7s, signed, actor)"
				   " SELECT ?1, sha256, ?2, ?3, 'forger' FROM certificate"
				   " WHERE subject LIKE '%' || ?4 || '%'",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, p7s, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, when, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, cn, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	free(p7s);
}

START_TEST(verify_rechecks_signers)
{
	struct srr_register *reg = approved_medium();
	forge_signature(reg, 1, fx.expired_uri, "CN=Ed Expired");
	forge_signature(reg, 1, fx.badku_uri, "CN=Kim Key-Agreement");
	forge_signature(reg, 1, fx.unknown_uri, "CN=Olga Other-CA");
	forge_signature(reg, 1, fx.badeku_uri, "CN=Sam Server");

	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	ck_assert_uint_eq(r.signatures, 5);
	/* Alice's signature is fine; each forged one fails on its own check. */
	ck_assert_ptr_null(finding(&fd, 1, 1, "validity"));
	ck_assert_ptr_null(finding(&fd, 1, 1, "signature"));
	assert_finding(&fd, 1, 2, "validity");
	assert_has(finding(&fd, 1, 2, "validity")->line, "[Ed Expired]");
	assert_has(finding(&fd, 1, 2, "validity")->line, "had expired");
	assert_finding(&fd, 1, 3, "usage");
	assert_has(finding(&fd, 1, 3, "usage")->line, "digitalSignature");
	assert_finding(&fd, 1, 4, "chain");
	assert_finding(&fd, 1, 5, "usage");
	assert_has(finding(&fd, 1, 5, "usage")->line, "emailProtection");
	/* And the log never recorded them. */
	assert_finding(&fd, 1, 0, "record");
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

/* GnuTLS's clock, two years ahead: Alice's one-year certificate has
 * expired by then. */
static time_t
two_years_on(time_t *t)
{
	time_t now = time(NULL) + (time_t)2 * 366 * 86400;
	if (t)
		*t = now;
	return now;
}

/* A signature stays good after its signer's certificate expires: what
 * counts is that it was valid at the signing time. */
START_TEST(verify_after_certificate_expired)
{
	struct srr_register *reg = approved_medium();
	struct srr_verify_result r;
	struct found fd = { 0 };
	gnutls_global_set_time_function(two_years_on);
	int rc = srr_verify(reg, NULL, collect, &fd, &r);
	gnutls_global_set_time_function(time);
	ck_assert_msg(rc == 0, "verify: %s", srr_errmsg(reg));
	if (r.failures)
		found_print(&fd);
	ck_assert_uint_eq(r.failures, 0);
	ck_assert_uint_eq(r.signatures, 1);
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

/* === 10. the auditor's trust anchors ======================================== */

START_TEST(verify_with_trust_file)
{
	struct srr_register *reg = setup(0);
	struct key *alice = key_open(reg, fx.key_uri);
	struct key *bob = key_open(reg, fx.bob_uri);
	int64_t a1 = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	int64_t a2 = request_risk(reg, "procurement", accepted_risk(reg, 3, 4));
	approve_ok(reg, "alice", a1, alice);
	approve_ok(reg, "alice", a2, alice);
	approve_ok(reg, "bob", a2, bob);
	key_close(alice);
	key_close(bob);

	struct srr_verify_options o = { .trust_file = fx.other_ca };
	struct srr_verify_result r;
	struct found fd;
	verify_ok(reg, &o, &r, &fd);
	ck_assert_uint_eq(r.signatures, 3);
	ck_assert_uint_eq(count_check(&fd, "chain"), 3);
	assert_finding(&fd, a1, 1, "chain");
	assert_finding(&fd, a2, 1, "chain");
	assert_finding(&fd, a2, 2, "chain");
	assert_has(finding(&fd, a2, 2, "chain")->line, "[Bob Example]");
	/* Shown as approved, but nothing verifies under these anchors. */
	assert_finding(&fd, a1, 0, "quorum");
	assert_finding(&fd, a2, 0, "quorum");
	ck_assert_uint_eq(r.failures, 5);
	found_free(&fd);

	o.trust_file = fx.ca;
	assert_verifies(reg, &o, &r);
	ck_assert_uint_eq(r.approved, 2);

	/* Several anchors in one file: any one will do. */
	size_t n1, n2;
	char *other = test_read_file(fx.other_ca, &n1);
	char *ca = test_read_file(fx.ca, &n2);
	char *both = malloc(n1 + n2 + 1);
	ck_assert_ptr_nonnull(both);
	memcpy(both, other, n1);
	memcpy(both + n1, ca, n2 + 1);
	test_write_file(test_path("both.pem"), both);
	free(other);
	free(ca);
	free(both);
	o.trust_file = test_path("both.pem");
	assert_verifies(reg, &o, &r);

	/* Could not check is not "checked: wrong". */
	o.trust_file = test_path("missing.pem");
	ck_assert_int_eq(srr_verify(reg, &o, NULL, NULL, &r), SRR_E_IO);
	test_assert_errmsg_has(reg, "missing.pem");
	test_write_file(test_path("junk.pem"), "not a certificate\n");
	o.trust_file = test_path("junk.pem");
	ck_assert_int_eq(srr_verify(reg, &o, NULL, NULL, &r), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "junk.pem");
	srr_register_free(reg);
}
END_TEST

/* === 11. rejection ========================================================== */

START_TEST(reject_unsigned)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	actor(reg, "mallory");
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_approval_reject(reg, id, "", NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "needs a reason");
	ck_assert_int_eq(srr_approval_reject(reg, id, "bad\x01reason", NULL), SRR_E_INPUT);
	ck_assert_int_eq(srr_approval_reject(reg, 42, "no", NULL), SRR_E_NOTFOUND);
	assert_unchanged(reg, &before);

	ck_assert_msg(srr_approval_reject(reg, id, "Second region not signed yet", NULL) == 0, "%s",
		      srr_errmsg(reg));
	assert_last_event(reg, "approval.reject", id, "mallory");
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "rejected");
	ck_assert_str_eq(a->rejected_by, "mallory");
	ck_assert_str_eq(a->reason, "Second region not signed yet");
	ck_assert_ptr_nonnull(a->rejected);
	ck_assert_ptr_null(a->rejection);
	ck_assert_ptr_null(a->rejection_p7s);
	ck_assert_ptr_null(a->rejection_cert);
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	actor(reg, "alice");
	approve_refused(reg, id, alice, SRR_E_STATE, "A-1 is rejected already", NULL);
	before = snap(reg);
	ck_assert_int_eq(srr_approval_reject(reg, id, "again", NULL), SRR_E_STATE);
	test_assert_errmsg_has(reg, "only a pending request can be rejected");
	assert_unchanged(reg, &before);

	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.rejected, 1);

	/* A refused request does not block asking again. */
	int64_t again = request_risk(reg, "procurement", 1);
	approve_ok(reg, "alice", again, alice);
	key_close(alice);
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.approved, 1);
	ck_assert_uint_eq(r.rejected, 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(reject_signed)
{
	struct srr_register *reg = setup(WITH_RSA);
	int64_t risk = accepted_risk(reg, 3, 4);
	int64_t id = request_risk(reg, "procurement", risk);
	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);

	struct key *bob = key_open(reg, fx.bob_uri);
	actor(reg, "bob");
	ck_assert_msg(srr_approval_reject(reg, id, "Exit plan missing", bob->tok) == 0, "%s",
		      srr_errmsg(reg));
	key_close(bob);
	assert_last_event(reg, "approval.reject", id, "bob");
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "rejected");
	ck_assert_ptr_nonnull(a->rejection);
	ck_assert_msg(strncmp(a->rejection, "srr-record/1 rejection\n", 23) == 0, "%s",
		      a->rejection);
	assert_has(a->rejection, "\nreason Exit plan missing\n");
	assert_has(a->rejection, a->record_sha256);
	ck_assert_uint_gt(a->rejection_p7s_len, 100);
	ck_assert_uint_eq(strlen(a->rejection_cert), 64);
	srr_approval_list_free(l);
	ck_assert_int_eq(acceptance(reg, risk), SRR_ACCEPTANCE_PENDING);

	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.rejected, 1);

	/* The refusal exports and verifies with openssl. */
	char dir[1100], p7s[1200], rec[1200];
	snprintf(dir, sizeof(dir), "%s", test_path("out"));
	ck_assert_msg(srr_approval_export(reg, id, dir) == 0, "%s", srr_errmsg(reg));
	snprintf(p7s, sizeof(p7s), "%s/A-1-rejection.p7s", dir);
	snprintf(rec, sizeof(rec), "%s/A-1-rejection.rec", dir);
	ck_assert(openssl_verifies(p7s, rec, fx.ca));
	snprintf(p7s, sizeof(p7s), "%s/A-1-1.p7s", dir);
	snprintf(rec, sizeof(rec), "%s/A-1.rec", dir);
	ck_assert(openssl_verifies(p7s, rec, fx.ca));
	ck_assert(exists(test_path("out/A-1-rejection.pem")));

	/* The signed refusal's event is covered by a checkpoint it signed. */
	struct srr_checkpoint_list *cl;
	ck_assert_int_eq(srr_checkpoint_latest(&cl, reg), 0);
	ck_assert_uint_eq(srr_checkpoint_list_count(cl), 1);
	ck_assert_int_eq(srr_checkpoint_list_get(cl, 0)->size, test_log_size(reg));
	srr_checkpoint_list_free(cl);

	/* Its reason changed behind srr's back no longer matches what Bob signed. */
	tamper("UPDATE approval SET reason = 'Exit plan present' WHERE id = 1");
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, 1, 0, "rejection");
	found_free(&fd);
	srr_register_free(reg);
}
END_TEST

START_TEST(reject_signed_by_stranger)
{
	struct srr_register *reg = setup(0);
	int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	struct key *rita = key_open(reg, fx.rsa_uri);
	actor(reg, "rita");
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_approval_reject(reg, id, "not mine to accept", rita->tok),
			 SRR_E_VERIFY);
	test_assert_errmsg_has(reg, "A-1: approver (");
	test_assert_errmsg_has(reg, "not an approver's in policy version 1");
	assert_unchanged(reg, &before);
	key_close(rita);
	assert_status(reg, id, SRR_APPROVAL_PENDING, 0);
	srr_register_free(reg);
}
END_TEST

/* === 12. review and policy subjects ========================================= */

START_TEST(review_sign_off)
{
	struct srr_register *reg = setup(0);
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_REVIEW, "acme", NULL),
			 SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "has no review to sign off");
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_REVIEW, "nobody", NULL),
			 SRR_E_NOTFOUND);
	assert_unchanged(reg, &before);

	char today[11], earlier[11];
	date_in(today, 0);
	date_in(earlier, -40);
	struct srr_review old = { .supplier = "acme",
				  .date = earlier,
				  .outcome = SRR_OUTCOME_FAIL };
	struct srr_review rv = { .supplier = "acme",
				 .date = today,
				 .outcome = SRR_OUTCOME_CONDITIONAL,
				 .findings = "Exit plan due in Q3" };
	int64_t old_id = 0, rv_id = 0;
	ck_assert_msg(srr_review_record(reg, &old, &old_id) == 0, "%s", srr_errmsg(reg));
	ck_assert_msg(srr_review_record(reg, &rv, &rv_id) == 0, "%s", srr_errmsg(reg));

	int64_t id = request_ok(reg, "auditor", SRR_SUBJECT_REVIEW, "acme");
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	char target[32];
	snprintf(target, sizeof(target), "review/%lld", (long long)rv_id);
	ck_assert_str_eq(a->target, target); /* the latest review */
	ck_assert_int_eq(a->subject, SRR_SUBJECT_REVIEW);
	ck_assert_ptr_null(a->level);
	ck_assert_uint_eq(a->quorum, 1);
	ck_assert_str_eq(a->roles[0], "management");
	assert_has(a->record, "Exit plan due in Q3");
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 1);
	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);
	ck_assert_uint_eq(r.approved, 1);
	srr_register_free(reg);
}
END_TEST

START_TEST(policy_approval)
{
	struct srr_register *reg = setup(0);
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_POLICY, "1", NULL), SRR_E_INPUT);
	test_assert_errmsg_has(reg, "no target");
	assert_unchanged(reg, &before);

	int64_t id = request_ok(reg, "ciso", SRR_SUBJECT_POLICY, NULL);
	struct srr_approval_list *l = find_ok(reg, id);
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(a->target, "policy/1");
	ck_assert_uint_eq(a->quorum, 1);
	ck_assert_str_eq(a->roles[0], "board");
	ck_assert_msg(strncmp(a->record, "srr-record/1 policy\n", 20) == 0, "%s", a->record);
	srr_approval_list_free(l);

	struct key *alice = key_open(reg, fx.key_uri);
	actor(reg, "alice");
	approve_refused(reg, id, alice, SRR_E_VERIFY, "role", NULL);
	key_close(alice);
	struct key *bob = key_open(reg, fx.bob_uri);
	approve_ok(reg, "bob", id, bob);
	key_close(bob);
	assert_status(reg, id, SRR_APPROVAL_APPROVED, 1);
	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);

	/* A new policy version: the signed one is no longer in force. */
	actor(reg, "ciso");
	set_policy(reg, "srr test policy, revised", 0, 2);
	l = find_ok(reg, id);
	a = srr_approval_list_get(l, 0);
	ck_assert_str_eq(srr_approval_status_name(a->status), "stale");
	ck_assert_str_eq(a->stale_because, "policy version 2 is in force, not version 1");
	srr_approval_list_free(l);
	struct found fd;
	verify_ok(reg, NULL, &r, &fd);
	assert_finding(&fd, id, 0, "stale");
	assert_has(finding(&fd, id, 0, "stale")->line, "policy version 2 is in force");
	ck_assert_uint_eq(r.failures, 1);
	found_free(&fd);

	int64_t v2 = request_ok(reg, "ciso", SRR_SUBJECT_POLICY, NULL);
	l = find_ok(reg, v2);
	ck_assert_str_eq(srr_approval_list_get(l, 0)->target, "policy/2");
	srr_approval_list_free(l);
	srr_register_free(reg);
}
END_TEST

/* === 13. duplicate requests ================================================== */

START_TEST(duplicate_request)
{
	struct srr_register *reg = setup(0);
	int64_t risk = accepted_risk(reg, 3, 3);
	int64_t id = request_risk(reg, "procurement", risk);
	actor(reg, "someone-else");
	struct snapshot before = snap(reg);
	int64_t dup = -1;
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_RISK, "R-1", &dup), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, "approval A-1 already asks for the acceptance of risk R-1");
	test_assert_errmsg_has(reg, "(pending)");
	assert_unchanged(reg, &before);

	struct key *alice = key_open(reg, fx.key_uri);
	approve_ok(reg, "alice", id, alice);
	key_close(alice);
	before = snap(reg);
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_RISK, "R-1", NULL), SRR_E_EXISTS);
	test_assert_errmsg_has(reg, "(approved)");
	assert_unchanged(reg, &before);

	/* Other subjects of the same risk are other requests. */
	int64_t plan = request_ok(reg, "procurement", SRR_SUBJECT_TREATMENT, "R-1");
	ck_assert_int_eq(plan, 2);
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_RISK, "R-9", NULL), SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_approval_request(reg, SRR_SUBJECT_RISK, "nine", NULL), SRR_E_INPUT);
	srr_register_free(reg);
}
END_TEST

/* === 14. verify on threads ================================================== */

#define MANY 60

static void
assert_same_findings(const struct found *a, const struct found *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		ck_assert_str_eq(a->v[i].line, b->v[i].line);
}

START_TEST(verify_threads_agree)
{
	struct srr_register *reg = setup(0);
	const char *uris[] = { fx.key_uri, fx.bob_uri, fx.carol_uri };
	const char *names[] = { "alice", "bob", "carol" };
	struct key *keys[3];
	for (size_t k = 0; k < 3; k++)
		keys[k] = key_open(reg, uris[k]);
	for (int i = 0; i < MANY; i++) {
		int64_t id = request_risk(reg, "procurement", accepted_risk(reg, 1 + i % 3, 3));
		if (i % 15 != 14) /* four stay pending */
			approve_ok(reg, names[i % 3], id, keys[i % 3]);
	}
	for (size_t k = 0; k < 3; k++)
		key_close(keys[k]);
	tamper_p7s(7, 0);
	tamper_p7s(40, 0);

	struct srr_verify_result r[3];
	struct found fd[3];
	const unsigned threads[] = { 1, 2, 0 };
	for (size_t t = 0; t < 3; t++) {
		struct srr_verify_options o = { .threads = threads[t] };
		verify_ok(reg, &o, &r[t], &fd[t]);
	}
	ck_assert_uint_eq(r[0].approvals, MANY);
	ck_assert_uint_eq(r[0].signatures, MANY - 4);
	ck_assert_uint_eq(r[0].pending, 4);
	ck_assert_uint_eq(r[0].approved, MANY - 4);
	assert_finding(&fd[0], 7, 1, "signature");
	assert_finding(&fd[0], 40, 1, "signature");
	assert_finding(&fd[0], 7, 0, "quorum");
	assert_finding(&fd[0], 40, 0, "quorum");
	ck_assert_uint_eq(count_check(&fd[0], "signature"), 2);
	ck_assert_uint_eq(count_check(&fd[0], "quorum"), 2);
	ck_assert_uint_eq(count_check(&fd[0], "pending"), 4);
	/* Anything else is about the two changed signatures (the log's hash
	 * of each CMS no longer matches it). */
	for (size_t i = 0; i < fd[0].n; i++)
		ck_assert_msg(fd[0].v[i].approval == 7 || fd[0].v[i].approval == 40 ||
				      strcmp(fd[0].v[i].check, "pending") == 0,
			      "%s", fd[0].v[i].line);
	for (size_t t = 1; t < 3; t++) {
		ck_assert_mem_eq(&r[t], &r[0], sizeof(r[0]));
		assert_same_findings(&fd[t], &fd[0]);
	}
	for (size_t t = 0; t < 3; t++)
		found_free(&fd[t]);
	srr_register_free(reg);
}
END_TEST

/* === 15. a full disk while approving ========================================= */

/* PRAGMA max_page_count on the register's connection stands for the disk:
 * no page more than the register has. Signatures go on until one finds
 * no room; that one leaves no signature, no event, no checkpoint, says
 * the register is full, and completes once there is room. */
START_TEST(approve_disk_full)
{
	struct srr_register *reg = setup(0);
	int64_t ids[20];
	for (size_t i = 0; i < 20; i++)
		ids[i] = request_risk(reg, "procurement", accepted_risk(reg, 3, 3));
	struct key *alice = key_open(reg, fx.key_uri);
	actor(reg, "alice");
	int rc = 0;
	size_t i = 0;
	struct snapshot before;
	long long checkpoints = 0;
	for (; i < 20; i++) {
		long long pages = test_query_int(reg, "PRAGMA page_count");
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", pages);
		ck_assert_int_eq(test_query_int(reg, sql), pages);
		before = snap(reg);
		checkpoints = test_count_rows(reg, "checkpoint");
		rc = srr_approve(reg, ids[i], alice->tok);
		if (rc)
			break;
	}
	ck_assert_msg(rc == SRR_E_DB, "%zu approvals, then %d: %s", i, rc, srr_errmsg(reg));
	test_assert_errmsg_has(reg, "disk or database full");
	test_assert_errmsg_has(reg, test_path("register.db"));
	assert_unchanged(reg, &before);
	ck_assert_int_eq(test_count_rows(reg, "checkpoint"), checkpoints);
	struct srr_verify_result r;
	assert_verifies(reg, NULL, &r);

	ck_assert_int_eq(test_query_int(reg, "PRAGMA max_page_count = 1073741823"), 1073741823);
	approve_ok(reg, "alice", ids[i], alice);
	ck_assert_int_eq(test_count_rows(reg, "checkpoint"), checkpoints + 1);
	assert_verifies(reg, NULL, &r);
	key_close(alice);
	srr_register_free(reg);
}
END_TEST

static Suite *
approval_suite(void)
{
	Suite *s = suite_create("approval");
	TCase *tc = tcase_create("approval");
	/* Keys on a token, openssl: more than Check's 4 s under valgrind. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, sign_and_verify);
	tcase_add_test(tc, approve_disk_full);
	tcase_add_test(tc, sign_rsa);
	tcase_add_test(tc, export_verifies_with_openssl);
	tcase_add_test(tc, export_refused);
	tcase_add_test(tc, tamper_record);
	tcase_add_test(tc, tamper_signature);
	tcase_add_test(tc, tamper_signature_structure);
	tcase_add_test(tc, tamper_risk_row);
	tcase_add_test(tc, tamper_signature_row_deleted);
	tcase_add_test(tc, tamper_signature_swapped);
	tcase_add_test(tc, record_updated_goes_stale);
	tcase_add_test(tc, requester_cannot_approve);
	tcase_add_test(tc, quorum_of_two);
	tcase_add_test(tc, wrong_pin);
	tcase_add_test(tc, bad_certificates_refused);
	tcase_add_test(tc, key_without_certificate);
	tcase_add_test(tc, signer_not_in_policy);
	tcase_add_test(tc, role_mismatch);
	tcase_add_test(tc, verify_rechecks_signers);
	tcase_add_test(tc, verify_after_certificate_expired);
	tcase_add_test(tc, verify_with_trust_file);
	tcase_add_test(tc, reject_unsigned);
	tcase_add_test(tc, reject_signed);
	tcase_add_test(tc, reject_signed_by_stranger);
	tcase_add_test(tc, review_sign_off);
	tcase_add_test(tc, policy_approval);
	tcase_add_test(tc, duplicate_request);
	tcase_add_test(tc, verify_threads_agree);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return token_test_main(approval_suite);
}
