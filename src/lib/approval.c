/* SPDX-License-Identifier: MIT */
/*
 * Approval requests and their signatures.
 *
 * A request freezes the canonical bytes of its subject; signatures are
 * detached CMS over those bytes. What a request amounts to (pending,
 * approved, stale, rejected) is derived whenever it is read, from the
 * stored signatures and the policy in force; nothing says "approved" in
 * the database. verify.c re-checks the signatures cryptographically.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "approval-private.h"
#include "cert-private.h"
#include "crl-private.h"
#include "checkpoint-private.h"
#include "files-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "review-private.h"
#include "risk-private.h"
#include "srr/approval.h"
#include "srr/risk.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/text.h"

#define REASON_MAX 4096

static const char *const status_names[] = { NULL, "pending", "approved", "stale", "rejected" };

SRR_EXPORT const char *
srr_approval_status_name(enum srr_approval_status s)
{
	return s >= SRR_APPROVAL_PENDING && s <= SRR_APPROVAL_REJECTED ? status_names[s] : NULL;
}

SRR_EXPORT int
srr_approval_parse_id(int64_t *id, const char *text)
{
	long long n;
	bool ok = text_parse_id(&n, text, 'A');
	*id = n;
	return ok ? 0 : SRR_E_INPUT;
}

static enum srr_subject
subject_from_name(const char *name)
{
	for (int s = SRR_SUBJECT_RISK; s <= SRR_SUBJECT_POLICY; s++)
		if (strcmp(srr_subject_name((enum srr_subject)s), name) == 0)
			return (enum srr_subject)s;
	return SRR_SUBJECT_NONE;
}

/* "risk/3" -> 3 when the entity is of that type. */
static bool
entity_id(const char *entity, const char *type, int64_t *id)
{
	size_t n = strlen(type);
	if (strncmp(entity, type, n) != 0 || entity[n] != '/')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(entity + n + 1, &end, 10);
	if (errno || *end || v < 0 || end == entity + n + 1)
		return false;
	*id = v;
	return true;
}

void
approval_describe(char *buf, size_t size, enum srr_subject subject, const char *target)
{
	const char *slash = strchr(target, '/');
	const char *id = slash ? slash + 1 : target;
	switch (subject) {
	case SRR_SUBJECT_RISK:
		snprintf(buf, size, "the acceptance of risk R-%s", id);
		break;
	case SRR_SUBJECT_TREATMENT:
		snprintf(buf, size, "the treatment plan of risk R-%s", id);
		break;
	case SRR_SUBJECT_REVIEW:
		snprintf(buf, size, "review %s", id);
		break;
	default:
		snprintf(buf, size, "policy version %s", id);
		break;
	}
}

/* --- the subject's canonical bytes ------------------------------------- */

static int
risk_subject_record(struct srr_register *reg, enum srr_subject subject, const struct srr_risk *r,
		    struct srr_record **out, char *why, size_t size)
{
	if (subject == SRR_SUBJECT_RISK && r->treatment != SRR_TREATMENT_ACCEPT) {
		snprintf(why, size, "risk R-%lld is not treated by acceptance (treatment: %s)",
			 (long long)r->id,
			 r->treatment ? srr_treatment_name(r->treatment) : "none yet");
		return 1;
	}
	if (subject == SRR_SUBJECT_TREATMENT && !r->treatment) {
		snprintf(why, size, "risk R-%lld has no treatment plan", (long long)r->id);
		return 1;
	}
	struct srr_record *rec;
	if (srr_record_new(&rec, subject == SRR_SUBJECT_RISK ? "acceptance" : "treatment-plan"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(rec, "risk", r->id);
	srr_record_add(rec, "supplier", r->supplier);
	srr_record_add(rec, "title", r->title);
	srr_record_add(rec, "description", r->description);
	srr_record_add_int(rec, "likelihood", r->likelihood);
	srr_record_add_int(rec, "impact", r->impact);
	if (subject == SRR_SUBJECT_TREATMENT)
		srr_record_add(rec, "treatment", srr_treatment_name(r->treatment));
	srr_record_add_int(rec, "residual-likelihood", r->residual_likelihood);
	srr_record_add_int(rec, "residual-impact", r->residual_impact);
	srr_record_add(rec, "justification", r->justification);
	srr_record_add(rec, "accept-until", r->accept_until);
	for (size_t i = 0; subject == SRR_SUBJECT_TREATMENT && i < r->n_actions; i++) {
		srr_record_add(rec, "action", r->actions[i].text);
		srr_record_add(rec, "action-owner", r->actions[i].owner);
		srr_record_add(rec, "action-due", r->actions[i].due);
	}
	*out = rec;
	return 0;
}

int
approval_risk_bytes(struct srr_register *reg, enum srr_subject subject, const struct srr_risk *r,
		    char **bytes, size_t *len, char *why, size_t size)
{
	struct srr_record *rec = NULL;
	int rc = risk_subject_record(reg, subject, r, &rec, why, size);
	if (rc == 0)
		rc = log_serialize(reg, rec, bytes, len);
	srr_record_free(rec);
	return rc;
}

/*
 * The bytes of target as they are today: 0 and *bytes, 1 and why when the
 * target no longer has such bytes (no longer accepted, superseded policy),
 * or an error.
 */
static int
subject_bytes(struct srr_register *reg, enum srr_subject subject, const char *target,
	      char **bytes, size_t *len, char *why, size_t size)
{
	int64_t id;
	*bytes = NULL;
	switch (subject) {
	case SRR_SUBJECT_RISK:
	case SRR_SUBJECT_TREATMENT: {
		struct srr_risk_list *l;
		if (!entity_id(target, "risk", &id))
			break;
		int rc = risk_find_stored(&l, reg, id);
		if (rc == SRR_E_NOTFOUND) {
			snprintf(why, size, "risk R-%lld no longer exists", (long long)id);
			return 1;
		}
		if (rc)
			return rc;
		rc = approval_risk_bytes(reg, subject, srr_risk_list_get(l, 0), bytes, len, why,
					 size);
		srr_risk_list_free(l);
		return rc;
	}
	case SRR_SUBJECT_REVIEW: {
		if (!entity_id(target, "review", &id))
			break;
		struct srr_record *rec = NULL;
		int rc = review_record(reg, id, &rec);
		if (rc == SRR_E_NOTFOUND) {
			snprintf(why, size, "review %lld no longer exists", (long long)id);
			return 1;
		}
		if (rc == 0)
			rc = log_serialize(reg, rec, bytes, len);
		srr_record_free(rec);
		return rc;
	}
	case SRR_SUBJECT_POLICY: {
		unsigned v;
		if (!entity_id(target, "policy", &id))
			break;
		int rc = policy_version(reg, &v);
		if (rc)
			return rc;
		if ((int64_t)v != id) {
			snprintf(why, size, "policy version %u is in force, not version %lld", v,
				 (long long)id);
			return 1;
		}
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "SELECT record FROM policy WHERE version = ?1");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) != SQLITE_ROW)
			return reg_db_error(reg, "reading the policy");
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*bytes = malloc(*len + 1);
		if (!*bytes)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		memcpy(*bytes, sqlite3_column_blob(st, 0), *len);
		(*bytes)[*len] = '\0';
		return 0;
	}
	default:
		break;
	}
	return reg_error(reg, SRR_E_FORMAT, "approval target '%s' is not a %s", target,
			 srr_subject_name(subject) ? srr_subject_name(subject) : "known subject");
}

/* --- the policy's rules ------------------------------------------------ */

/* The residual level of a risk subject's frozen record under p, or NULL. */
const char *
approval_level_of(const struct srr_policy *p, const struct srr_record *rec)
{
	const char *l = srr_record_get(rec, "residual-likelihood");
	const char *i = srr_record_get(rec, "residual-impact");
	int level = p && l && i ? srr_policy_level(p, (unsigned)strtoul(l, NULL, 10),
						   (unsigned)strtoul(i, NULL, 10))
				: -1;
	return level >= 0 ? p->levels[level].name : NULL;
}

static const char *
record_level(const struct srr_policy *p, enum srr_subject subject, const char *record, size_t len)
{
	if (subject != SRR_SUBJECT_RISK && subject != SRR_SUBJECT_TREATMENT)
		return NULL;
	struct srr_record *rec;
	if (srr_record_parse(&rec, record, len, NULL, 0))
		return NULL;
	const char *level = approval_level_of(p, rec);
	srr_record_free(rec);
	return level;
}

static bool
has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

const struct srr_rule *
approval_rule(const struct srr_policy *p, enum srr_subject subject, const char *level)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct srr_rule *r = &p->rules[i];
		if (r->subject != subject)
			continue;
		if (r->n_residual == 0 || has(r->residual, r->n_residual, level))
			return r;
	}
	return NULL;
}

const struct srr_approver *
approval_find_approver(const struct srr_policy *p, const char *cert, const char *spki)
{
	for (size_t i = 0; i < p->n_approvers; i++) {
		const struct srr_approver *a = &p->approvers[i];
		if ((a->cert_sha256 && strcmp(a->cert_sha256, cert) == 0) ||
		    (a->spki_sha256 && spki && strcmp(a->spki_sha256, spki) == 0))
			return a;
	}
	return NULL;
}

const char *
approval_signer_rule(const struct srr_policy *p, const struct srr_rule *rule,
		     const char *requester, const char *cert, const char *spki,
		     const struct srr_approver **who, const char **check, char *why, size_t size)
{
	const struct srr_approver *a = approval_find_approver(p, cert, spki);
	*who = a;
	if (!a) {
		*check = "approver";
		snprintf(why, size, "the signer certificate is not an approver's in policy version %u",
			 p->version);
		return why;
	}
	if (has(a->actors, a->n_actors, requester)) {
		*check = "requester";
		snprintf(why, size, "%s asked for this approval and cannot approve it", a->name);
		return why;
	}
	bool role = false;
	for (size_t i = 0; rule && i < rule->n_roles; i++)
		role = role || has(a->roles, a->n_roles, rule->roles[i]);
	if (!role) {
		*check = "role";
		snprintf(why, size, "%s holds no role this approval needs", a->name);
		return why;
	}
	return NULL;
}

/* --- reading ----------------------------------------------------------- */

struct srr_approval_list {
	LIST_FIELDS(struct srr_approval);
	const char ***spki; /* per item: its signers' key hashes */
	size_t spki_cap;
};

SRR_EXPORT size_t
srr_approval_list_count(const struct srr_approval_list *l)
{
	return l->n;
}

SRR_EXPORT const struct srr_approval *
srr_approval_list_get(const struct srr_approval_list *l, size_t i)
{
	return i < l->n ? &l->items[i] : NULL;
}

SRR_EXPORT void
srr_approval_list_free(struct srr_approval_list *l)
{
	if (!l)
		return;
	arena_release(&l->arena);
	free(l->items);
	free(l->spki);
	free(l);
}

static int
load_signatures(struct srr_register *reg, struct srr_approval_list *l, struct srr_approval *a,
		const char ***spki)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT s.cert, c.subject, c.spki_sha256, s.signed, s.actor, s.p7s"
		     " FROM signature s LEFT JOIN certificate c ON c.sha256 = s.cert"
		     " WHERE s.approval_id = ?1 ORDER BY s.rowid");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, a->id);
	struct srr_signature *v = NULL;
	const char **keys = NULL;
	size_t n = 0, cap = 0, kcap = 0;
	int s;
	struct arena *ar = &l->arena;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_signature *g = arena_push(ar, &v, n, &cap, sizeof(*v));
		const char **k = arena_push(ar, &keys, n, &kcap, sizeof(*keys));
		if (!g || !k)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		g->cert_sha256 = arena_strdup(ar, (const char *)sqlite3_column_text(st, 0));
		g->cert_subject = arena_strdup(ar, (const char *)sqlite3_column_text(st, 1));
		*k = arena_strdup(ar, (const char *)sqlite3_column_text(st, 2));
		g->signed_at = arena_strdup(ar, (const char *)sqlite3_column_text(st, 3));
		g->actor = arena_strdup(ar, (const char *)sqlite3_column_text(st, 4));
		g->p7s_len = (size_t)sqlite3_column_bytes(st, 5);
		g->p7s = (const unsigned char *)arena_strndup(ar, sqlite3_column_blob(st, 5),
							      g->p7s_len);
		if (!g->cert_sha256 || !g->signed_at || !g->actor || !g->p7s)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		n++;
	}
	if (s != SQLITE_DONE)
		return reg_db_error(reg, "reading signatures");
	a->signatures = v;
	a->n_signatures = n;
	*spki = keys;
	return 0;
}

/* Status, quorum and which signatures count, under policy p. */
static int
derive(struct srr_register *reg, struct arena *ar, struct srr_approval *a, const char **spki,
       const struct srr_policy *p, bool check_stale)
{
	a->level = record_level(p, a->subject, a->record, a->record_len);
	if (a->level && !(a->level = arena_strdup(ar, a->level)))
		return SRR_E_NOMEM;
	const struct srr_rule *rule = approval_rule(p, a->subject, a->level);
	a->quorum = rule ? rule->quorum : 0;
	a->n_roles = rule ? rule->n_roles : 0;
	if (rule) {
		const char **roles = arena_alloc(ar, (rule->n_roles + 1) * sizeof(*roles));
		if (!roles)
			return SRR_E_NOMEM;
		for (size_t i = 0; i < rule->n_roles; i++)
			if (!(roles[i] = arena_strdup(ar, rule->roles[i])))
				return SRR_E_NOMEM;
		a->roles = roles;
	}
	/* Two signatures by one person count once. */
	const struct srr_approver **counted = arena_alloc(ar, (a->n_signatures + 1) * sizeof(*counted));
	if (!counted)
		return SRR_E_NOMEM;
	a->have = 0;
	for (size_t i = 0; i < a->n_signatures; i++) {
		struct srr_signature *g = (struct srr_signature *)&a->signatures[i];
		const struct srr_approver *who;
		const char *check;
		char why[256];
		const char *no = approval_signer_rule(p, rule, a->requester, g->cert_sha256, spki[i],
						      &who, &check, why, sizeof(why));
		if (who && !(g->approver = arena_strdup(ar, who->name)))
			return SRR_E_NOMEM;
		if (!no && !rule)
			no = "no approval rule of the policy covers it";
		for (unsigned j = 0; !no && j < a->have; j++)
			if (counted[j] == who) {
				snprintf(why, sizeof(why), "%s has signed already", who->name);
				no = why;
			}
		if (no) {
			if (!(g->why_not = arena_strdup(ar, no)))
				return SRR_E_NOMEM;
			continue;
		}
		g->counts = 1;
		counted[a->have++] = who;
	}

	if (a->rejected_by) {
		a->status = SRR_APPROVAL_REJECTED;
		return 0;
	}
	if (!check_stale)
		goto counted;
	char *now = NULL, why[256] = "";
	size_t len = 0;
	int rc = subject_bytes(reg, a->subject, a->target, &now, &len, why, sizeof(why));
	if (rc < 0)
		return rc;
	if (rc == 0 && (len != a->record_len || memcmp(now, a->record, len) != 0)) {
		char what[64];
		approval_describe(what, sizeof(what), a->subject, a->target);
		snprintf(why, sizeof(why), "%s changed since the request", what);
		rc = 1;
	}
	free(now);
	if (rc == 1) {
		a->status = SRR_APPROVAL_STALE;
		a->stale_because = arena_strdup(ar, why);
		return a->stale_because ? 0 : SRR_E_NOMEM;
	}
counted:
	a->status = a->quorum && a->have >= a->quorum ? SRR_APPROVAL_APPROVED : SRR_APPROVAL_PENDING;
	return 0;
}

/* The rows of st and their signatures, nothing derived yet. */
static int
load_rows(struct srr_approval_list **out, struct srr_register *reg, sqlite3_stmt *st)
{
	struct srr_approval_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	struct arena *ar = &l->arena;
	int rc = 0, s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_approval *a = list_push(&l->items, l->n, &l->cap, sizeof(*a));
		const char ***spki = list_push(&l->spki, l->n, &l->spki_cap, sizeof(*l->spki));
		if (!a || !spki) {
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
			break;
		}
		a->id = sqlite3_column_int64(st, 0);
		a->subject = subject_from_name((const char *)sqlite3_column_text(st, 1));
		a->target = arena_strdup(ar, (const char *)sqlite3_column_text(st, 2));
		a->record_len = (size_t)sqlite3_column_bytes(st, 3);
		a->record = arena_strndup(ar, sqlite3_column_blob(st, 3), a->record_len);
		a->record_sha256 = arena_strdup(ar, (const char *)sqlite3_column_text(st, 4));
		a->requester = arena_strdup(ar, (const char *)sqlite3_column_text(st, 5));
		a->requested = arena_strdup(ar, (const char *)sqlite3_column_text(st, 6));
		a->rejected_by = arena_strdup(ar, (const char *)sqlite3_column_text(st, 7));
		a->rejected = arena_strdup(ar, (const char *)sqlite3_column_text(st, 8));
		a->reason = arena_strdup(ar, (const char *)sqlite3_column_text(st, 9));
		a->rejection_len = (size_t)sqlite3_column_bytes(st, 10);
		a->rejection = a->rejection_len ? arena_strndup(ar, sqlite3_column_blob(st, 10),
								a->rejection_len)
						: NULL;
		a->rejection_p7s_len = (size_t)sqlite3_column_bytes(st, 11);
		a->rejection_p7s =
			a->rejection_p7s_len
				? (const unsigned char *)arena_strndup(
					  ar, sqlite3_column_blob(st, 11), a->rejection_p7s_len)
				: NULL;
		a->rejection_cert = arena_strdup(ar, (const char *)sqlite3_column_text(st, 12));
		if (!a->target || !a->record || !a->record_sha256 || !a->requester ||
		    !a->requested) {
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
			break;
		}
		if (a->subject == SRR_SUBJECT_NONE) {
			rc = reg_error(reg, SRR_E_FORMAT, "approval A-%lld has an unknown subject",
				       (long long)a->id);
			break;
		}
		rc = load_signatures(reg, l, a, spki);
		if (rc == 0)
			l->n++;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = reg_db_error(reg, "reading approvals");
	if (rc) {
		srr_approval_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int
approval_list_derive(struct srr_register *reg, struct srr_approval_list *l, bool check_stale)
{
	struct srr_policy_list *pl;
	int rc = policy_current(&pl, reg);
	const struct srr_policy *p = rc ? NULL : srr_policy_list_get(pl, 0);
	for (size_t i = 0; rc == 0 && i < l->n; i++)
		if ((rc = derive(reg, &l->arena, &l->items[i], l->spki[i], p, check_stale)) ==
		    SRR_E_NOMEM)
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (p)
		srr_policy_list_free(pl);
	return rc;
}

static int
load(struct srr_approval_list **out, struct srr_register *reg, sqlite3_stmt *st, bool check_stale)
{
	int rc = load_rows(out, reg, st);
	if (rc == 0 && (rc = approval_list_derive(reg, *out, check_stale))) {
		srr_approval_list_free(*out);
		*out = NULL;
	}
	return rc;
}

#define APPROVAL_COLUMNS                                                                           \
	"SELECT id, subject, target, record, record_sha256, requester, requested, rejected_by,"    \
	" rejected, reason, rejection, rejection_p7s, rejection_cert FROM approval"

bool
approval_superseded(const struct srr_approval_list *l, size_t i)
{
	const struct srr_approval *a = &l->items[i];
	for (size_t k = i + 1; k < l->n; k++) {
		const struct srr_approval *b = &l->items[k];
		/* A policy request is for the policy, whichever version. */
		if (b->subject == a->subject &&
		    (a->subject == SRR_SUBJECT_POLICY || strcmp(b->target, a->target) == 0))
			return true;
	}
	return false;
}

int
approval_list_rows(struct srr_approval_list **out, struct srr_register *reg)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, APPROVAL_COLUMNS " ORDER BY id");
	return st ? load_rows(out, reg, st) : SRR_E_DB;
}

SRR_EXPORT int
srr_approval_list_new(struct srr_approval_list **out, struct srr_register *reg)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, APPROVAL_COLUMNS " ORDER BY id");
	return st ? load(out, reg, st, true) : SRR_E_DB;
}

SRR_EXPORT int
srr_approval_find(struct srr_approval_list **out, struct srr_register *reg, int64_t id)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, APPROVAL_COLUMNS " WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = load(out, reg, st, true);
	if (rc == 0 && (*out)->n == 0) {
		srr_approval_list_free(*out);
		*out = NULL;
		return reg_error(reg, SRR_E_NOTFOUND, "no approval A-%lld", (long long)id);
	}
	return rc;
}

int
approval_bytes_approved(struct srr_register *reg, enum srr_subject subject, const char *target,
			const char *bytes, size_t len, bool *approved)
{
	*approved = false;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, APPROVAL_COLUMNS " WHERE target = ?1 AND subject = ?2 AND record = ?3"
				      " AND rejected IS NULL ORDER BY id");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, target);
	bind_text(st, 2, srr_subject_name(subject));
	sqlite3_bind_blob(st, 3, bytes, (int)len, SQLITE_STATIC);
	struct srr_approval_list *l;
	/* These are today's bytes: no staleness to derive (and deriving it
	 * would read the subject, which is what asks). */
	int rc = load(&l, reg, st, false);
	if (rc)
		return rc;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].status == SRR_APPROVAL_APPROVED)
			*approved = true;
	srr_approval_list_free(l);
	return 0;
}

/* --- the approval's own record (what its events log) ------------------- */

/* The approval's own record, built from its rows. */
static int
approval_record_build(struct srr_register *reg, int64_t id, struct srr_record **out)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT subject, target, record_sha256, requester, requested,"
			      " rejected_by, rejected, reason, rejection_p7s, rejection_cert"
			      " FROM approval WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	int row = sqlite3_step(st);
	if (row == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND, "no approval A-%lld", (long long)id);
	if (row != SQLITE_ROW)
		return reg_db_error(reg, "reading an approval");
	struct srr_record *rec;
	if (srr_record_new(&rec, "approval"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(rec, "id", id);
	srr_record_add(rec, "subject", (const char *)sqlite3_column_text(st, 0));
	srr_record_add(rec, "target", (const char *)sqlite3_column_text(st, 1));
	srr_record_add(rec, "record-sha256", (const char *)sqlite3_column_text(st, 2));
	srr_record_add(rec, "requester", (const char *)sqlite3_column_text(st, 3));
	srr_record_add(rec, "requested", (const char *)sqlite3_column_text(st, 4));
	_cleanup_stmt_ sqlite3_stmt *sg =
		reg_stmt(reg, "SELECT p7s, cert, signed FROM signature"
			      " WHERE approval_id = ?1 ORDER BY rowid");
	int rc = sg ? 0 : SRR_E_DB;
	if (sg) {
		sqlite3_bind_int64(sg, 1, id);
		int s;
		while (rc == 0 && (s = sqlite3_step(sg)) == SQLITE_ROW) {
			/* The hash of the signature itself, not of a column that
			 * claims to be it. */
			char sig[65];
			rc = sha256_hex(reg, sqlite3_column_blob(sg, 0),
					(size_t)sqlite3_column_bytes(sg, 0), sig);
			srr_record_add(rec, "signature", sig);
			srr_record_add(rec, "signer", (const char *)sqlite3_column_text(sg, 1));
			srr_record_add(rec, "signed", (const char *)sqlite3_column_text(sg, 2));
		}
		if (rc == 0 && s != SQLITE_DONE)
			rc = reg_db_error(reg, "reading signatures");
	}
	srr_record_add(rec, "rejected-by", (const char *)sqlite3_column_text(st, 5));
	srr_record_add(rec, "rejected", (const char *)sqlite3_column_text(st, 6));
	srr_record_add(rec, "reason", (const char *)sqlite3_column_text(st, 7));
	char hex[65] = "";
	if (rc == 0 && sqlite3_column_bytes(st, 8) > 0) {
		rc = sha256_hex(reg, sqlite3_column_blob(st, 8), (size_t)sqlite3_column_bytes(st, 8),
				hex);
		srr_record_add(rec, "rejection-signature", hex);
		srr_record_add(rec, "rejection-signer", (const char *)sqlite3_column_text(st, 9));
	}
	if (rc == 0)
		*out = rec;
	else
		srr_record_free(rec);
	return rc;
}

int
approval_record(struct srr_register *reg, int64_t id, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = approval_record_build(reg, id, &rec);
	if (rc == 0)
		rc = log_serialize(reg, rec, bytes, len);
	srr_record_free(rec);
	return rc;
}

int
approval_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'approval/' || id FROM approval ORDER BY id");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static int
log_approval(struct srr_register *reg, const char *action, int64_t id)
{
	struct srr_record *rec = NULL;
	int rc = approval_record_build(reg, id, &rec);
	char entity[48];
	snprintf(entity, sizeof(entity), "approval/%lld", (long long)id);
	if (rc == 0)
		rc = log_append(reg, action, entity, rec);
	srr_record_free(rec);
	return rc;
}

/* --- requesting -------------------------------------------------------- */

static int
resolve_target(struct srr_register *reg, enum srr_subject subject, const char *target,
	       char *entity, size_t size)
{
	int64_t id;
	switch (subject) {
	case SRR_SUBJECT_RISK:
	case SRR_SUBJECT_TREATMENT: {
		if (!target || srr_risk_parse_id(&id, target))
			return reg_error(reg, SRR_E_INPUT, "'%s' is not a risk id (R-n)",
					 target ? target : "");
		struct srr_risk_list *l;
		int rc = srr_risk_find(&l, reg, id);
		if (rc)
			return rc;
		int closed = srr_risk_list_get(l, 0)->closed;
		srr_risk_list_free(l);
		if (closed)
			return reg_error(reg, SRR_E_STATE, "risk R-%lld is closed", (long long)id);
		snprintf(entity, size, "risk/%lld", (long long)id);
		return 0;
	}
	case SRR_SUBJECT_REVIEW: {
		int64_t sid;
		int rc = supplier_check_key(reg, target);
		if (rc == 0)
			rc = supplier_lookup(reg, target, &sid, NULL);
		if (rc)
			return rc;
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "SELECT id FROM review WHERE supplier_id = ?1 ORDER BY date DESC, id DESC"
			     " LIMIT 1");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, sid);
		int s = sqlite3_step(st);
		if (s == SQLITE_DONE)
			return reg_error(reg, SRR_E_NOTFOUND, "supplier '%s' has no review to sign off",
					 target);
		if (s != SQLITE_ROW)
			return reg_db_error(reg, "reading reviews");
		snprintf(entity, size, "review/%lld", (long long)sqlite3_column_int64(st, 0));
		return 0;
	}
	case SRR_SUBJECT_POLICY: {
		unsigned v;
		if (target)
			return reg_error(reg, SRR_E_INPUT,
					 "a policy approval is for the policy in force: no target");
		int rc = policy_version(reg, &v);
		if (rc)
			return rc;
		if (v == 0)
			return reg_error(reg, SRR_E_STATE,
					 "the built-in default policy cannot be approved: set your "
					 "own with 'srr policy set FILE'");
		snprintf(entity, size, "policy/%u", v);
		return 0;
	}
	default:
		return reg_error(reg, SRR_E_INPUT,
				 "approval subject must be risk, treatment, review or policy");
	}
}

static int
do_request(struct srr_register *reg, enum srr_subject subject, const char *target, int64_t *id)
{
	char entity[48], why[256] = "";
	int rc = resolve_target(reg, subject, target, entity, sizeof(entity));
	if (rc)
		return rc;
	_cleanup_free_ char *bytes = NULL;
	size_t len = 0;
	rc = subject_bytes(reg, subject, entity, &bytes, &len, why, sizeof(why));
	if (rc == 1)
		return reg_error(reg, SRR_E_STATE, "%s: nothing to approve", why);
	if (rc)
		return rc;
	char hex[65];
	rc = sha256_hex(reg, bytes, len, hex);
	if (rc)
		return rc;

	/* Is a rule there to approve it by, and is it asked for already? */
	struct srr_policy_list *pl;
	rc = policy_current(&pl, reg);
	if (rc)
		return rc;
	const struct srr_policy *p = srr_policy_list_get(pl, 0);
	const char *level = record_level(p, subject, bytes, len);
	char what[64];
	approval_describe(what, sizeof(what), subject, entity);
	if (!approval_rule(p, subject, level))
		rc = reg_error(reg, SRR_E_STATE,
			       "no approval rule of policy version %u covers %s%s%s", p->version,
			       what, level ? " at residual level " : "", level ? level : "");
	srr_policy_list_free(pl);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *dup = reg_stmt(
		reg, APPROVAL_COLUMNS " WHERE target = ?1 AND subject = ?2 AND record_sha256 = ?3"
				      " AND rejected IS NULL ORDER BY id");
	if (!dup)
		return SRR_E_DB;
	bind_text(dup, 1, entity);
	bind_text(dup, 2, srr_subject_name(subject));
	bind_text(dup, 3, hex);
	struct srr_approval_list *l;
	rc = load(&l, reg, dup, true);
	if (rc)
		return rc;
	for (size_t i = 0; rc == 0 && i < l->n; i++)
		if (l->items[i].status == SRR_APPROVAL_PENDING ||
		    l->items[i].status == SRR_APPROVAL_APPROVED)
			rc = reg_error(reg, SRR_E_EXISTS, "approval A-%lld already asks for %s (%s)",
				       (long long)l->items[i].id, what,
				       srr_approval_status_name(l->items[i].status));
	srr_approval_list_free(l);
	if (rc)
		return rc;

	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO approval (subject, target, record, record_sha256,"
			      " requester, requested) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, srr_subject_name(subject));
	bind_text(st, 2, entity);
	sqlite3_bind_blob(st, 3, bytes, (int)len, SQLITE_STATIC);
	bind_text(st, 4, hex);
	bind_text(st, 5, reg_actor(reg));
	bind_text(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "storing an approval request");
	*id = sqlite3_last_insert_rowid(reg->db);
	return log_approval(reg, "approval.request", *id);
}

SRR_EXPORT int
srr_approval_request(struct srr_register *reg, enum srr_subject subject, const char *target,
		     int64_t *id)
{
	int64_t dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_request(reg, subject, target, id ? id : &dummy));
}

/* --- signing ----------------------------------------------------------- */

/* The checks on a signer certificate that do not depend on the request:
 * usage, chain to the policy's anchors, validity at time at. */
int
signer_check(struct srr_register *reg, const struct srr_policy *p, const struct cert *c,
	     time_t at, const char *label)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = { c->der, (unsigned)c->der_len };
	if (gnutls_x509_crt_init(&crt) < 0)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return reg_error(reg, SRR_E_VERIFY, "%s: unreadable signer certificate", label);
	}
	const char *check = NULL;
	char why[320];
	struct cert_list anchors = { 0 };
	gnutls_x509_trust_list_t tl = NULL;
	int rc = 0;
	if (cert_check_usage(crt, &check, why, sizeof(why)))
		rc = SRR_E_VERIFY;
	if (rc == 0 && p->n_anchors == 0) {
		check = "chain";
		snprintf(why, sizeof(why), "policy version %u has no trust anchors", p->version);
		rc = SRR_E_VERIFY;
	}
	if (rc == 0)
		rc = cert_fetch(reg, &anchors, p->anchors, p->n_anchors);
	if (rc == 0 && cert_trust_new(&tl, &anchors))
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (rc == 0 && (cert_check_chain(tl, crt, &check, why, sizeof(why)) ||
			cert_check_validity(tl, crt, at, &check, why, sizeof(why))))
		rc = SRR_E_VERIFY;
	struct crl_list crls = { 0 };
	if (rc == 0)
		rc = crl_fetch(reg, &crls, p->crls, p->n_crls);
	if (rc == 0 && crl_check(&crls, tl, crt, at, &check, why, sizeof(why)))
		rc = SRR_E_VERIFY;
	if (rc == SRR_E_VERIFY)
		rc = reg_error(reg, SRR_E_VERIFY, "%s: %s (%s): %s", label, check, c->subject, why);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	crl_list_release(&crls);
	cert_list_release(&anchors);
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* Sign bytes with tok and read back the signing time it put in. */
int
signer_sign(struct srr_register *reg, struct srr_token *tok, const void *bytes, size_t len,
     unsigned char **p7s, size_t *p7s_len, char signed_at[21])
{
	int rc = srr_token_sign(tok, p7s, p7s_len, bytes, len);
	if (rc)
		return rc;
	gnutls_pkcs7_t p7;
	gnutls_pkcs7_signature_info_st info;
	gnutls_datum_t d = { *p7s, (unsigned)*p7s_len };
	int err = gnutls_pkcs7_init(&p7);
	if (err >= 0)
		err = gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER);
	if (err >= 0)
		err = gnutls_pkcs7_get_signature_info(p7, 0, &info);
	if (err >= 0) {
		struct tm tm;
		if (info.signing_time == (time_t)-1 || !gmtime_r(&info.signing_time, &tm))
			err = GNUTLS_E_PARSING_ERROR;
		else
			strftime(signed_at, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
		gnutls_pkcs7_signature_info_deinit(&info);
	}
	gnutls_pkcs7_deinit(p7);
	if (err < 0) {
		free(*p7s);
		*p7s = NULL;
		return reg_error(reg, SRR_E_TOKEN, "the token made an unreadable signature: %s",
				 gnutls_strerror(err));
	}
	return 0;
}

int
signer_cert(struct srr_register *reg, struct srr_token *tok, struct cert_list *cl)
{
	const unsigned char *der;
	size_t len;
	srr_token_certificate(tok, &der, &len);
	return cert_add_der(reg, cl, der, len);
}

static int
do_approve(struct srr_register *reg, int64_t id, struct srr_token *tok)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct srr_approval_list *l = NULL;
	struct srr_policy_list *pl = NULL;
	struct cert_list cl = { 0 };
	unsigned char *p7s = NULL;
	size_t p7s_len = 0;
	char label[32], signed_at[21];
	snprintf(label, sizeof(label), "A-%lld", (long long)id);
	int rc = srr_approval_find(&l, reg, id);
	if (rc == 0)
		rc = policy_current(&pl, reg);
	if (rc)
		goto out;
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	const struct srr_policy *p = srr_policy_list_get(pl, 0);
	if (a->status == SRR_APPROVAL_STALE) {
		rc = reg_error(reg, SRR_E_STATE, "%s is stale (%s): ask for a new approval", label,
			       a->stale_because);
		goto out;
	}
	if (a->status != SRR_APPROVAL_PENDING) {
		rc = reg_error(reg, SRR_E_STATE, "%s is %s already", label,
			       srr_approval_status_name(a->status));
		goto out;
	}
	const struct srr_rule *rule = approval_rule(p, a->subject, a->level);
	if (!rule) {
		rc = reg_error(reg, SRR_E_STATE, "%s: no approval rule of policy version %u covers it",
			       label, p->version);
		goto out;
	}
	rc = signer_cert(reg, tok, &cl);
	if (rc == 0)
		rc = signer_check(reg, p, &cl.v[0], time(NULL), label);
	if (rc)
		goto out;
	const struct srr_approver *who;
	const char *check;
	char why[256];
	if (approval_signer_rule(p, rule, a->requester, cl.v[0].sha256, cl.v[0].spki_sha256, &who,
				 &check, why, sizeof(why))) {
		rc = reg_error(reg, SRR_E_VERIFY, "%s: %s (%s): %s", label, check, cl.v[0].subject,
			       why);
		goto out;
	}
	for (size_t i = 0; i < a->n_signatures; i++) {
		const struct srr_signature *g = &a->signatures[i];
		if (strcmp(g->cert_sha256, cl.v[0].sha256) == 0 ||
		    (g->approver && strcmp(g->approver, who->name) == 0)) {
			rc = reg_error(reg, SRR_E_EXISTS, "%s: %s has signed it already", label,
				       who->name);
			goto out;
		}
	}
	rc = signer_sign(reg, tok, a->record, a->record_len, &p7s, &p7s_len, signed_at);
	if (rc == 0)
		rc = cert_store(reg, &cl);
	if (rc)
		goto out;
	st = reg_stmt(reg, "INSERT INTO signature (approval_id, cert, p7s, signed, actor)"
			   " VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st) {
		rc = SRR_E_DB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, cl.v[0].sha256);
	sqlite3_bind_blob(st, 3, p7s, (int)p7s_len, SQLITE_STATIC);
	bind_text(st, 4, signed_at);
	bind_text(st, 5, reg_actor(reg));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = reg_db_error(reg, "storing a signature");
	if (rc == 0)
		rc = log_approval(reg, "approval.sign", id);
	/* A checkpoint that covers the signature's event, signed in the same
	 * session (one PIN) and the same transaction. */
	if (rc == 0)
		rc = checkpoint_add(reg, tok, &cl.v[0], checkpoint_clock_synced(), NULL);
out:
	free(p7s);
	cert_list_release(&cl);
	srr_policy_list_free(pl);
	srr_approval_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_approve(struct srr_register *reg, int64_t id, struct srr_token *tok)
{
	if (!tok)
		return reg_error(reg, SRR_E_INPUT, "approving needs a key on a token");
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_approve(reg, id, tok));
}

/* --- refusing ---------------------------------------------------------- */

int
approval_rejection_bytes(struct srr_register *reg, const struct srr_approval *a, const char *reason,
			 char **bytes, size_t *len)
{
	struct srr_record *rec;
	if (srr_record_new(&rec, "rejection"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(rec, "approval", a->id);
	srr_record_add(rec, "target", a->target);
	srr_record_add(rec, "record-sha256", a->record_sha256);
	srr_record_add(rec, "reason", reason);
	int rc = log_serialize(reg, rec, bytes, len);
	srr_record_free(rec);
	return rc;
}

static int
do_reject(struct srr_register *reg, int64_t id, const char *reason, struct srr_token *tok)
{
	_cleanup_stmt_ sqlite3_stmt *st = NULL;
	struct srr_approval_list *l = NULL;
	struct srr_policy_list *pl = NULL;
	struct cert_list cl = { 0 };
	unsigned char *p7s = NULL;
	size_t p7s_len = 0;
	char *bytes = NULL;
	size_t len = 0;
	char label[32], signed_at[21];
	snprintf(label, sizeof(label), "A-%lld", (long long)id);
	if (!reason || !*reason)
		return reg_error(reg, SRR_E_INPUT, "rejecting needs a reason");
	int rc = reg_check_text(reg, "reason", reason, REASON_MAX, true);
	if (rc == 0)
		rc = srr_approval_find(&l, reg, id);
	if (rc == 0)
		rc = policy_current(&pl, reg);
	if (rc)
		goto out;
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	const struct srr_policy *p = srr_policy_list_get(pl, 0);
	if (a->status != SRR_APPROVAL_PENDING) {
		rc = reg_error(reg, SRR_E_STATE, "%s is %s: only a pending request can be rejected",
			       label, srr_approval_status_name(a->status));
		goto out;
	}
	if (tok) {
		/* A signed refusal is by someone the policy names. */
		rc = signer_cert(reg, tok, &cl);
		if (rc == 0)
			rc = signer_check(reg, p, &cl.v[0], time(NULL), label);
		if (rc == 0 && !approval_find_approver(p, cl.v[0].sha256, cl.v[0].spki_sha256))
			rc = reg_error(reg, SRR_E_VERIFY,
				       "%s: approver (%s): the signer certificate is not an "
				       "approver's in policy version %u",
				       label, cl.v[0].subject, p->version);
		if (rc == 0)
			rc = approval_rejection_bytes(reg, a, reason, &bytes, &len);
		if (rc == 0)
			rc = signer_sign(reg, tok, bytes, len, &p7s, &p7s_len, signed_at);
		if (rc == 0)
			rc = cert_store(reg, &cl);
		if (rc)
			goto out;
	}
	char now[21];
	reg_now(now);
	st = reg_stmt(reg, "UPDATE approval SET rejected_by = ?2, rejected = ?3, reason = ?4,"
			      " rejection = ?5, rejection_p7s = ?6, rejection_cert = ?7 WHERE id = ?1");
	if (!st) {
		rc = SRR_E_DB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, reg_actor(reg));
	bind_text(st, 3, tok ? signed_at : now);
	bind_text(st, 4, reason);
	if (tok) {
		sqlite3_bind_blob(st, 5, bytes, (int)len, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, p7s, (int)p7s_len, SQLITE_STATIC);
		bind_text(st, 7, cl.v[0].sha256);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = reg_db_error(reg, "storing a rejection");
	if (rc == 0)
		rc = log_approval(reg, "approval.reject", id);
	/* A signed refusal is covered by a checkpoint as a signature is. */
	if (rc == 0 && tok)
		rc = checkpoint_add(reg, tok, &cl.v[0], checkpoint_clock_synced(), NULL);
out:
	free(bytes);
	free(p7s);
	cert_list_release(&cl);
	srr_policy_list_free(pl);
	srr_approval_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_approval_reject(struct srr_register *reg, int64_t id, const char *reason,
		    struct srr_token *tok)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_reject(reg, id, reason, tok));
}

/* --- export ------------------------------------------------------------ */

/* The signer certificate in PEM, followed by the anchors that issued it. */
static int
chain_pem(struct srr_register *reg, const char *cert_sha256, const struct cert_list *anchors,
	  char **out, size_t *out_len)
{
	struct cert_list cl = { 0 };
	const char *const one[] = { cert_sha256 };
	int rc = cert_fetch(reg, &cl, one, 1);
	size_t len = 0;
	char *buf = NULL;
	for (size_t i = 0; rc == 0 && i <= anchors->n; i++) {
		const struct cert *c = i == 0 ? &cl.v[0] : &anchors->v[i - 1];
		gnutls_x509_crt_t crt, signer = NULL;
		gnutls_datum_t d = { c->der, (unsigned)c->der_len }, pem = { NULL, 0 };
		if (gnutls_x509_crt_init(&crt) < 0) {
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
			break;
		}
		bool take = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) >= 0;
		if (take && i > 0) {
			gnutls_datum_t sd = { cl.v[0].der, (unsigned)cl.v[0].der_len };
			take = gnutls_x509_crt_init(&signer) >= 0 &&
			       gnutls_x509_crt_import(signer, &sd, GNUTLS_X509_FMT_DER) >= 0 &&
			       gnutls_x509_crt_check_issuer(signer, crt);
		}
		if (take && gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem) >= 0) {
			char *nb = realloc(buf, len + pem.size + 1);
			if (nb) {
				buf = nb;
				memcpy(buf + len, pem.data, pem.size);
				len += pem.size;
				buf[len] = '\0';
			} else {
				rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
			}
		}
		gnutls_free(pem.data);
		if (signer)
			gnutls_x509_crt_deinit(signer);
		gnutls_x509_crt_deinit(crt);
	}
	cert_list_release(&cl);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

SRR_EXPORT int
srr_approval_export(struct srr_register *reg, int64_t id, const char *dir)
{
	if (!dir || !*dir)
		return reg_error(reg, SRR_E_INPUT, "no export directory given");
	struct srr_approval_list *l = NULL;
	struct srr_policy_list *pl = NULL;
	struct cert_list anchors = { 0 };
	_cleanup_free_ char *own = NULL;
	size_t own_len = 0;
	struct written w = { 0 };
	int rc = srr_approval_find(&l, reg, id);
	if (rc == 0)
		rc = policy_current(&pl, reg);
	if (rc == 0) {
		const struct srr_policy *p = srr_policy_list_get(pl, 0);
		rc = cert_fetch(reg, &anchors, p->anchors, p->n_anchors);
	}
	if (rc == 0 && mkdir(dir, 0755) != 0 && errno != EEXIST)
		rc = reg_error(reg, SRR_E_IO, "%s: %s", dir, strerror(errno));
	if (rc)
		goto out;
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	char name[64];
	snprintf(name, sizeof(name), "A-%lld.rec", (long long)id);
	rc = write_new_in(reg, &w, dir, name, a->record, a->record_len);
	/* Who asked, and the hashes of every signature: the approval's own
	 * record, as its last event logged it. */
	if (rc == 0)
		rc = approval_record(reg, id, &own, &own_len);
	snprintf(name, sizeof(name), "A-%lld.approval.rec", (long long)id);
	if (rc == 0)
		rc = write_new_in(reg, &w, dir, name, own, own_len);
	for (size_t i = 0; rc == 0 && i <= a->n_signatures; i++) {
		const unsigned char *p7s = i < a->n_signatures ? a->signatures[i].p7s
							       : a->rejection_p7s;
		size_t p7s_len = i < a->n_signatures ? a->signatures[i].p7s_len
						     : a->rejection_p7s_len;
		const char *cert = i < a->n_signatures ? a->signatures[i].cert_sha256
						       : a->rejection_cert;
		char stem[48];
		if (i < a->n_signatures) {
			snprintf(stem, sizeof(stem), "A-%lld-%zu", (long long)id, i + 1);
		} else {
			if (!p7s)
				break;
			snprintf(stem, sizeof(stem), "A-%lld-rejection", (long long)id);
			snprintf(name, sizeof(name), "%s.rec", stem);
			rc = write_new_in(reg, &w, dir, name, a->rejection, a->rejection_len);
		}
		_cleanup_free_ char *pem = NULL;
		size_t pem_len = 0;
		snprintf(name, sizeof(name), "%s.p7s", stem);
		if (rc == 0)
			rc = write_new_in(reg, &w, dir, name, p7s, p7s_len);
		if (rc == 0)
			rc = chain_pem(reg, cert, &anchors, &pem, &pem_len);
		snprintf(name, sizeof(name), "%s.pem", stem);
		if (rc == 0)
			rc = write_new_in(reg, &w, dir, name, pem, pem_len);
	}
out:
	/* All or nothing: a clash half-way takes back what was written. */
	written_undo(&w, rc != 0);
	cert_list_release(&anchors);
	srr_policy_list_free(pl);
	srr_approval_list_free(l);
	return rc;
}
