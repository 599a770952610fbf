/* SPDX-License-Identifier: MIT */
/*
 * The policy: YAML in (docs/policy.md), one canonical record per version
 * out. A view is always built from the stored record, so what the
 * register enforces is exactly what was logged (and, later, signed).
 */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert-private.h"
#include "crl-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "risk-private.h"
#include "srr/policy.h"
#include "srr/record.h"
#include "util/arena.h"
#include "util/text.h"
#include "yaml-tree-private.h"

#define NAME_MAX_LEN 256
#define SCALE_MAX    10
#define LEVELS_MAX   10
#define QUORUM_MAX   10

extern const char srr_default_policy_yaml[];

struct srr_policy_list {
	struct arena arena;
	struct srr_policy policy;
};

struct pctx {
	struct srr_register *reg;
	const char *path; /* for messages */
	char *dir;	  /* certificate paths are relative to it; NULL: none allowed */
	struct srr_record *rec;
	struct cert_list certs;
	struct crl_list crls;
	/* what later checks need */
	struct cert_list anchors; /* borrowed from certs: not released */
	const char *levels[LEVELS_MAX];
	size_t n_levels;
};

static const char *const subject_names[] = { NULL, "risk", "treatment", "review", "policy" };

SRR_EXPORT const char *
srr_subject_name(enum srr_subject s)
{
	return s > SRR_SUBJECT_NONE && s <= SRR_SUBJECT_POLICY ? subject_names[s] : NULL;
}

static enum srr_subject
subject_from_name(const char *name)
{
	for (int s = SRR_SUBJECT_RISK; s <= SRR_SUBJECT_POLICY; s++)
		if (strcmp(subject_names[s], name) == 0)
			return (enum srr_subject)s;
	return SRR_SUBJECT_NONE;
}

__attribute__((format(printf, 3, 4))) static int
perr(struct pctx *c, const struct ynode *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reg_error(c->reg, SRR_E_INPUT, "%s:%u:%u: %s", c->path, n ? n->line : 1,
			 n ? n->col : 1, msg);
}

static int
expect(struct pctx *c, const struct ynode *n, enum ynode_kind kind, const char *what)
{
	if (n->kind != kind)
		return perr(c, n, "%s must be %s, not %s", what, ytree_kind_name(kind),
			    ytree_kind_name(n->kind));
	return 0;
}

/* Refuse keys outside allowed (NULL-terminated). */
static int
check_keys(struct pctx *c, const struct ynode *map, const char *const *allowed, const char *where)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		size_t j = 0;
		while (allowed[j] && strcmp(allowed[j], k->value) != 0)
			j++;
		if (!allowed[j])
			return perr(c, k, "unknown key '%s' in %s", k->value, where);
	}
	return 0;
}

/* A child that must be there (with the parent's position when it is not). */
static int
need(struct pctx *c, const struct ynode *map, const char *key, const char *where,
     struct ynode **out)
{
	*out = ytree_get(map, key);
	if (!*out)
		return perr(c, map, "%s: missing '%s'", where, key);
	return 0;
}

static int
get_uint(struct pctx *c, const struct ynode *n, const char *what, unsigned min, unsigned max,
	 unsigned *out)
{
	int rc = expect(c, n, Y_SCALAR, what);
	if (rc)
		return rc;
	const char *v = n->value;
	size_t len = strlen(v);
	if (len == 0 || len > 6 || strspn(v, "0123456789") != len || (len > 1 && v[0] == '0'))
		return perr(c, n, "%s must be a whole number, not '%s'", what, v);
	unsigned long x = strtoul(v, NULL, 10);
	if ((x < min || x > max) && min == max)
		return perr(c, n, "%s must be %u, not %lu", what, min, x);
	if (x < min || x > max)
		return perr(c, n, "%s must be %u to %u, not %lu", what, min, max, x);
	*out = (unsigned)x;
	return 0;
}

static int
get_text(struct pctx *c, const struct ynode *n, const char *what, const char **out)
{
	int rc = expect(c, n, Y_SCALAR, what);
	if (rc)
		return rc;
	size_t len = strlen(n->value);
	if (len == 0)
		return perr(c, n, "%s is empty", what);
	if (len > NAME_MAX_LEN)
		return perr(c, n, "%s is longer than %d bytes", what, NAME_MAX_LEN);
	if (text_find_control(n->value, len, false) != len)
		return perr(c, n, "%s contains a control character", what);
	*out = n->value;
	return 0;
}

/* A list of distinct names; each appended to the record as field. */
static int
add_names(struct pctx *c, const struct ynode *n, const char *what, const char *field, size_t min,
	  size_t max)
{
	int rc = expect(c, n, Y_SEQ, what);
	if (rc)
		return rc;
	if (n->n < min || n->n > max)
		return perr(c, n, "%s must have %zu to %zu entries", what, min, max);
	for (size_t i = 0; i < n->n; i++) {
		const char *v;
		rc = get_text(c, n->items[i], what, &v);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(n->items[j]->value, v) == 0)
				rc = perr(c, n->items[i], "%s: '%s' is listed twice", what, v);
		if (rc)
			return rc;
		srr_record_add(c->rec, field, v);
	}
	return 0;
}

static const char *const tier_keys[] = { "critical", "high", "medium", "low", NULL };

static int
parse_review(struct pctx *c, const struct ynode *root)
{
	static const char *const keys[] = { "cadence_months", "after_incident_days",
					    "after_sla_breach_days", NULL };
	struct ynode *review, *cad, *n;
	int rc = need(c, root, "review", "policy", &review);
	if (rc == 0)
		rc = expect(c, review, Y_MAP, "review");
	if (rc == 0)
		rc = check_keys(c, review, keys, "review");
	if (rc == 0)
		rc = need(c, review, "cadence_months", "review", &cad);
	if (rc == 0)
		rc = expect(c, cad, Y_MAP, "review.cadence_months");
	if (rc == 0)
		rc = check_keys(c, cad, tier_keys,
				"review.cadence_months (tiers are critical, "
				"high, medium, low)");
	for (size_t t = 0; rc == 0 && tier_keys[t]; t++) {
		char what[64], field[32];
		unsigned months;
		snprintf(what, sizeof(what), "review.cadence_months.%s", tier_keys[t]);
		rc = need(c, cad, tier_keys[t], "review.cadence_months", &n);
		if (rc == 0)
			rc = get_uint(c, n, what, 1, 12, &months);
		snprintf(field, sizeof(field), "cadence-%s", tier_keys[t]);
		if (rc == 0)
			srr_record_add_int(c->rec, field, months);
	}
	static const char *const days[][2] = { { "after_incident_days", "after-incident-days" },
					       { "after_sla_breach_days",
						 "after-sla-breach-days" } };
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		unsigned v = 30;
		n = ytree_get(review, days[i][0]);
		if (n)
			rc = get_uint(c, n, days[i][0], 0, 365, &v);
		if (rc == 0)
			srr_record_add_int(c->rec, days[i][1], v);
	}
	return rc;
}

static int
parse_levels(struct pctx *c, const struct ynode *levels, unsigned top)
{
	int rc = expect(c, levels, Y_SEQ, "risk.levels");
	if (rc)
		return rc;
	if (levels->n < 1 || levels->n > LEVELS_MAX)
		return perr(c, levels, "risk.levels must have 1 to %d bands", LEVELS_MAX);
	static const char *const keys[] = { "name", "max", NULL };
	unsigned prev = 0;
	for (size_t i = 0; rc == 0 && i < levels->n; i++) {
		const struct ynode *l = levels->items[i];
		struct ynode *name, *max;
		const char *v;
		unsigned m = 0;
		rc = expect(c, l, Y_MAP, "a risk level");
		if (rc == 0)
			rc = check_keys(c, l, keys, "a risk level");
		if (rc == 0)
			rc = need(c, l, "name", "risk level", &name);
		if (rc == 0)
			rc = need(c, l, "max", "risk level", &max);
		if (rc == 0)
			rc = get_text(c, name, "risk level name", &v);
		if (rc == 0)
			rc = get_uint(c, max, "risk level max", 1, 10000, &m);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(c->levels[j], v) == 0)
				rc = perr(c, name, "risk level '%s' is listed twice", v);
		if (rc == 0 && m <= prev)
			rc = perr(c, max, "risk level maxima must increase (%u after %u)", m, prev);
		if (rc)
			return rc;
		c->levels[c->n_levels++] = v;
		srr_record_add(c->rec, "level", v);
		srr_record_add_int(c->rec, "level-max", m);
		prev = m;
	}
	if (prev < top)
		return perr(c, levels,
			    "risk.levels must cover every score up to %u (the last max is %u)", top,
			    prev);
	return 0;
}

static int
level_index(struct pctx *c, const char *name)
{
	for (size_t i = 0; i < c->n_levels; i++)
		if (strcmp(c->levels[i], name) == 0)
			return (int)i;
	return -1;
}

static int
parse_risk(struct pctx *c, const struct ynode *root)
{
	static const char *const keys[] = { "likelihood",	   "impact", "levels", "tolerance",
					    "acceptance_max_days", NULL };
	struct ynode *risk, *lik, *imp, *levels, *tol, *days;
	const char *t;
	unsigned max_days;
	int rc = need(c, root, "risk", "policy", &risk);
	if (rc == 0)
		rc = expect(c, risk, Y_MAP, "risk");
	if (rc == 0)
		rc = check_keys(c, risk, keys, "risk");
	if (rc == 0)
		rc = need(c, risk, "likelihood", "risk", &lik);
	if (rc == 0)
		rc = add_names(c, lik, "risk.likelihood", "likelihood", 2, SCALE_MAX);
	if (rc == 0)
		rc = need(c, risk, "impact", "risk", &imp);
	if (rc == 0)
		rc = add_names(c, imp, "risk.impact", "impact", 2, SCALE_MAX);
	if (rc == 0)
		rc = need(c, risk, "levels", "risk", &levels);
	if (rc == 0)
		rc = parse_levels(c, levels, (unsigned)(lik->n * imp->n));
	if (rc == 0)
		rc = need(c, risk, "tolerance", "risk", &tol);
	if (rc == 0)
		rc = get_text(c, tol, "risk.tolerance", &t);
	if (rc == 0 && level_index(c, t) < 0)
		rc = perr(c, tol, "risk.tolerance '%s' is not one of the risk levels", t);
	if (rc == 0)
		srr_record_add(c->rec, "tolerance", t);
	if (rc == 0)
		rc = need(c, risk, "acceptance_max_days", "risk", &days);
	if (rc == 0)
		rc = get_uint(c, days, "risk.acceptance_max_days", 1, 3650, &max_days);
	if (rc == 0)
		srr_record_add_int(c->rec, "acceptance-max-days", max_days);
	return rc;
}

static int
parse_score(struct pctx *c, const struct ynode *root)
{
	static const char *const keys[] = { "residual",	  "tier",
					    "sla_breach", "overdue_review",
					    "clause_gap", "late_notification",
					    NULL };
	static const unsigned defaults[] = { 10, 5, 3, 4, 1, 3 };
	static const char *const top_keys[] = { "weights", NULL };
	const struct ynode *score = ytree_get(root, "score"), *w = NULL;
	int rc = 0;
	if (score) {
		rc = expect(c, score, Y_MAP, "score");
		if (rc == 0)
			rc = check_keys(c, score, top_keys, "score");
		w = ytree_get(score, "weights");
		if (rc == 0 && w)
			rc = expect(c, w, Y_MAP, "score.weights");
		if (rc == 0 && w)
			rc = check_keys(c, w, keys, "score.weights");
	}
	for (size_t i = 0; rc == 0 && keys[i]; i++) {
		unsigned v = defaults[i];
		const struct ynode *n = w ? ytree_get(w, keys[i]) : NULL;
		char what[64], field[48];
		snprintf(what, sizeof(what), "score.weights.%s", keys[i]);
		if (n)
			rc = get_uint(c, n, what, 0, 1000, &v);
		snprintf(field, sizeof(field), "weight-%s", keys[i]);
		for (char *p = field; *p; p++)
			if (*p == '_')
				*p = '-';
		if (rc == 0)
			srr_record_add_int(c->rec, field, v);
	}
	return rc;
}

static int
load_cert(struct pctx *c, const struct ynode *n, const char *what, size_t *first, size_t *count)
{
	const char *file;
	int rc = get_text(c, n, what, &file);
	if (rc)
		return rc;
	if (!c->dir)
		return perr(c, n, "%s: the built-in policy cannot name files", what);
	char path[4096];
	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	*first = c->certs.n;
	char where[512];
	snprintf(where, sizeof(where), "%s:%u:%u: %s", c->path, n->line, n->col, what);
	rc = cert_load_file(c->reg, &c->certs, path, where);
	*count = c->certs.n - *first;
	return rc;
}

static int
cmp_hex(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
parse_anchors(struct pctx *c, const struct ynode *root)
{
	const struct ynode *list = ytree_get(root, "trust_anchors");
	if (!list)
		return 0;
	int rc = expect(c, list, Y_SEQ, "trust_anchors");
	/* Indices, not pointers: loading the next file may move the list. */
	size_t idx[64], n = 0;
	for (size_t i = 0; rc == 0 && i < list->n; i++) {
		size_t first, count;
		rc = load_cert(c, list->items[i], "trust anchor", &first, &count);
		for (size_t k = first; rc == 0 && k < first + count; k++) {
			const struct cert *ct = &c->certs.v[k];
			if (!ct->ca)
				rc = perr(c, list->items[i],
					  "trust anchor %s is not a CA certificate", ct->subject);
			for (size_t j = 0; rc == 0 && j < n; j++)
				if (strcmp(c->certs.v[idx[j]].sha256, ct->sha256) == 0)
					rc = perr(c, list->items[i],
						  "trust anchor %s is listed twice", ct->subject);
			if (rc == 0 && n == ARRAY_LEN(idx))
				rc = perr(c, list->items[i], "more than %zu trust anchors",
					  ARRAY_LEN(idx));
			if (rc == 0)
				idx[n++] = k;
		}
	}
	if (rc)
		return rc;
	const char *hexes[ARRAY_LEN(idx)];
	for (size_t i = 0; i < n; i++)
		hexes[i] = c->certs.v[idx[i]].sha256;
	qsort(hexes, n, sizeof(hexes[0]), cmp_hex);
	for (size_t i = 0; i < n; i++)
		srr_record_add(c->rec, "trust-anchor", hexes[i]);
	c->anchors.v = malloc((n + 1) * sizeof(*c->anchors.v));
	if (!c->anchors.v)
		return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		c->anchors.v[i] = c->certs.v[idx[i]];
	c->anchors.n = n;
	return 0;
}

/* crls: files of revocation lists, each signed by a trust anchor above. */
static int
parse_crls(struct pctx *c, const struct ynode *root)
{
	const struct ynode *list = ytree_get(root, "crls");
	if (!list)
		return 0;
	int rc = expect(c, list, Y_SEQ, "crls");
	for (size_t i = 0; rc == 0 && i < list->n; i++) {
		const struct ynode *n = list->items[i];
		const char *file;
		rc = get_text(c, n, "crl", &file);
		if (rc == 0 && !c->dir)
			rc = perr(c, n, "crl: the built-in policy cannot name files");
		if (rc)
			break;
		char path[4096], where[512], why[320];
		if (file[0] == '/')
			snprintf(path, sizeof(path), "%s", file);
		else
			snprintf(path, sizeof(path), "%s/%s", c->dir, file);
		snprintf(where, sizeof(where), "%s:%u:%u: crl", c->path, n->line, n->col);
		size_t first = c->crls.n;
		rc = crl_load_file(c->reg, &c->crls, path, where);
		for (size_t k = first; rc == 0 && k < c->crls.n; k++) {
			if (crl_check_issuer(&c->anchors, &c->crls.v[k], why, sizeof(why)))
				rc = perr(c, n, "crl %s: %s", file, why);
			for (size_t j = 0; rc == 0 && j < k; j++)
				if (strcmp(c->crls.v[j].sha256, c->crls.v[k].sha256) == 0)
					rc = perr(c, n, "crl %s: the revocation list of %s is "
							"listed twice",
						  file, c->crls.v[k].issuer);
			if (rc == 0 && k >= 64)
				rc = perr(c, n, "more than 64 revocation lists");
		}
	}
	if (rc)
		return rc;
	const char *hexes[64];
	for (size_t i = 0; i < c->crls.n; i++)
		hexes[i] = c->crls.v[i].sha256;
	qsort(hexes, c->crls.n, sizeof(hexes[0]), cmp_hex);
	for (size_t i = 0; i < c->crls.n; i++)
		srr_record_add(c->rec, "crl", hexes[i]);
	return 0;
}

static bool
is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int
parse_approver(struct pctx *c, const struct ynode *a, const struct ynode *all, size_t idx)
{
	static const char *const keys[] = {
		"name", "cert", "spki_sha256", "actors", "roles", NULL
	};
	struct ynode *name, *actors, *roles;
	const struct ynode *cert, *spki;
	const char *v;
	int rc = expect(c, a, Y_MAP, "an approver");
	if (rc == 0)
		rc = check_keys(c, a, keys, "an approver");
	if (rc == 0)
		rc = need(c, a, "name", "approver", &name);
	if (rc == 0)
		rc = get_text(c, name, "approver name", &v);
	for (size_t j = 0; rc == 0 && j < idx; j++)
		if (strcmp(ytree_get(all->items[j], "name")->value, v) == 0)
			rc = perr(c, name, "approver '%s' is listed twice", v);
	if (rc)
		return rc;
	cert = ytree_get(a, "cert");
	spki = ytree_get(a, "spki_sha256");
	if (!!cert == !!spki)
		return perr(c, a, "approver '%s' needs exactly one of 'cert' and 'spki_sha256'", v);
	srr_record_add(c->rec, "approver", v);
	if (cert) {
		size_t first, count;
		rc = load_cert(c, cert, "approver certificate", &first, &count);
		if (rc == 0 && count != 1)
			rc = perr(c, cert,
				  "approver certificate file must hold exactly one certificate");
		if (rc)
			return rc;
		srr_record_add(c->rec, "approver-cert", c->certs.v[first].sha256);
		srr_record_add(c->rec, "approver-spki", c->certs.v[first].spki_sha256);
	} else {
		rc = expect(c, spki, Y_SCALAR, "spki_sha256");
		if (rc == 0 && !is_hex64(spki->value))
			rc = perr(c, spki, "spki_sha256 must be 64 lowercase hex digits");
		if (rc)
			return rc;
		srr_record_add(c->rec, "approver-spki", spki->value);
	}
	rc = need(c, a, "actors", "approver", &actors);
	if (rc == 0)
		rc = add_names(c, actors, "approver actors", "approver-actor", 1, 16);
	if (rc == 0)
		rc = need(c, a, "roles", "approver", &roles);
	if (rc == 0)
		rc = add_names(c, roles, "approver roles", "approver-role", 1, 16);
	/* An actor is one person: two approvers sharing one would let one
	 * person count twice toward a quorum. */
	for (size_t i = 0; rc == 0 && i < actors->n; i++)
		for (size_t j = 0; rc == 0 && j < idx; j++) {
			const struct ynode *other = ytree_get(all->items[j], "actors");
			for (size_t k = 0; rc == 0 && k < other->n; k++)
				if (strcmp(other->items[k]->value, actors->items[i]->value) == 0)
					rc = perr(c, actors->items[i],
						  "actor '%s' already belongs to another approver",
						  actors->items[i]->value);
		}
	return rc;
}

static int
parse_approvers(struct pctx *c, const struct ynode *root)
{
	const struct ynode *list = ytree_get(root, "approvers");
	if (!list)
		return 0;
	int rc = expect(c, list, Y_SEQ, "approvers");
	for (size_t i = 0; rc == 0 && i < list->n; i++)
		rc = parse_approver(c, list->items[i], list, i);
	return rc;
}

static int
parse_rule(struct pctx *c, const struct ynode *r, unsigned *covered)
{
	static const char *const keys[] = { "subject", "residual", "roles", "quorum", NULL };
	struct ynode *subject, *roles, *quorum;
	const struct ynode *residual;
	const char *v;
	unsigned q;
	int rc = expect(c, r, Y_MAP, "an approval rule");
	if (rc == 0)
		rc = check_keys(c, r, keys, "an approval rule");
	if (rc == 0)
		rc = need(c, r, "subject", "approval rule", &subject);
	if (rc == 0)
		rc = get_text(c, subject, "approval rule subject", &v);
	if (rc)
		return rc;
	enum srr_subject s = subject_from_name(v);
	if (s == SRR_SUBJECT_NONE)
		return perr(c, subject,
			    "approval rule subject '%s' must be risk, treatment, review or policy",
			    v);
	srr_record_add(c->rec, "rule", v);
	residual = ytree_get(r, "residual");
	if (residual && s != SRR_SUBJECT_RISK)
		return perr(c, residual, "'residual' only applies to rules for subject risk");
	unsigned mask = 0;
	if (residual) {
		rc = add_names(c, residual, "approval rule residual", "rule-residual", 1,
			       LEVELS_MAX);
		for (size_t i = 0; rc == 0 && i < residual->n; i++) {
			int l = level_index(c, residual->items[i]->value);
			if (l < 0)
				rc = perr(c, residual->items[i],
					  "'%s' is not one of the risk levels",
					  residual->items[i]->value);
			else
				mask |= 1u << l;
		}
	} else {
		mask = (1u << c->n_levels) - 1;
	}
	if (rc)
		return rc;
	if (covered[s] & mask)
		return perr(c, r, "a %s approval rule already covers %s", v,
			    residual ? "one of these levels" : "this subject");
	covered[s] |= mask;
	rc = need(c, r, "roles", "approval rule", &roles);
	if (rc == 0)
		rc = add_names(c, roles, "approval rule roles", "rule-role", 1, 16);
	if (rc == 0)
		rc = need(c, r, "quorum", "approval rule", &quorum);
	if (rc == 0)
		rc = get_uint(c, quorum, "approval rule quorum", 1, QUORUM_MAX, &q);
	if (rc == 0)
		srr_record_add_int(c->rec, "rule-quorum", q);
	return rc;
}

static int
parse_rules(struct pctx *c, const struct ynode *root)
{
	const struct ynode *list = ytree_get(root, "approval_rules");
	if (!list)
		return 0;
	unsigned covered[SRR_SUBJECT_POLICY + 1] = { 0 };
	int rc = expect(c, list, Y_SEQ, "approval_rules");
	for (size_t i = 0; rc == 0 && i < list->n; i++)
		rc = parse_rule(c, list->items[i], covered);
	return rc;
}

/* YAML tree -> policy record (version field set to @version). */
static int
build_record(struct pctx *c, const struct ynode *root, unsigned version)
{
	static const char *const keys[] = { "version",	 "name",	   "review",
					    "risk",	 "score",	   "trust_anchors",
					    "crls",	 "approvers",	   "approval_rules",
					    NULL };
	struct ynode *ver, *name;
	const char *v;
	unsigned format;
	int rc = expect(c, root, Y_MAP, "a policy");
	if (rc == 0)
		rc = check_keys(c, root, keys, "the policy");
	if (rc == 0)
		rc = need(c, root, "version", "policy", &ver);
	if (rc == 0)
		rc = get_uint(c, ver, "version", 1, 1, &format);
	if (rc == 0)
		rc = need(c, root, "name", "policy", &name);
	if (rc == 0)
		rc = get_text(c, name, "policy name", &v);
	if (rc)
		return rc;
	if (srr_record_new(&c->rec, "policy"))
		return reg_error(c->reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(c->rec, "version", version);
	srr_record_add(c->rec, "name", v);
	rc = parse_review(c, root);
	if (rc == 0)
		rc = parse_risk(c, root);
	if (rc == 0)
		rc = parse_score(c, root);
	if (rc == 0)
		rc = parse_anchors(c, root);
	if (rc == 0)
		rc = parse_crls(c, root);
	if (rc == 0)
		rc = parse_approvers(c, root);
	if (rc == 0)
		rc = parse_rules(c, root);
	return rc;
}

static void
pctx_release(struct pctx *c)
{
	srr_record_free(c->rec);
	cert_list_release(&c->certs);
	crl_list_release(&c->crls);
	free(c->anchors.v);
	free(c->dir);
}

/* Parse a YAML policy; on success c->rec holds its record. */
static int
parse_policy(struct pctx *c, const char *name, const char *buf, size_t len, unsigned version)
{
	char err[512];
	struct ynode *root = buf ? ytree_load_buffer(name, buf, len, err, sizeof(err))
				 : ytree_load_file(name, err, sizeof(err));
	if (!root)
		return reg_error(c->reg, SRR_E_INPUT, "%s", err);
	int rc = build_record(c, root, version);
	ytree_free(root);
	return rc;
}

int
policy_parse_buffer(struct srr_register *reg, const char *name, const char *dir, const char *buf,
		    size_t len, unsigned version, char **bytes, size_t *blen)
{
	struct pctx c = { .reg = reg, .path = name };
	if (dir && !(c.dir = strdup(dir)))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc = parse_policy(&c, name, buf, len, version);
	if (rc == 0)
		rc = log_serialize(reg, c.rec, bytes, blen);
	pctx_release(&c);
	return rc;
}

int
policy_version(struct srr_register *reg, unsigned *version)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT coalesce(max(version), 0) FROM policy");
	if (!st)
		return SRR_E_DB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return reg_db_error(reg, "reading the policy");
	*version = (unsigned)sqlite3_column_int(st, 0);
	return 0;
}

int
policy_state_record(struct srr_register *reg, int64_t version, char **bytes, size_t *len)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT record FROM policy WHERE version = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, version);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND, "no policy version %lld", (long long)version);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "reading the policy");
	*len = (size_t)sqlite3_column_bytes(st, 0);
	*bytes = malloc(*len + 1);
	if (!*bytes)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	memcpy(*bytes, sqlite3_column_blob(st, 0), *len);
	(*bytes)[*len] = '\0';
	return 0;
}

int
policy_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'policy/' || version FROM policy ORDER BY version");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static int
read_source(struct srr_register *reg, const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return reg_error(reg, SRR_E_IO, "%s: cannot read the policy file", path);
	char *buf = malloc(YAML_TREE_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, YAML_TREE_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (n > YAML_TREE_MAX_BYTES) {
		free(buf);
		return reg_error(reg, SRR_E_INPUT, "%s:1:1: file is larger than %u bytes", path,
				 YAML_TREE_MAX_BYTES);
	}
	*out = buf;
	*len = n;
	return 0;
}

static int
prepare(struct pctx *c, struct srr_register *reg, const char *path, unsigned version, char **source,
	size_t *len)
{
	memset(c, 0, sizeof(*c));
	c->reg = reg;
	c->path = path;
	char *copy = strdup(path);
	if (!copy)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	c->dir = strdup(dirname(copy));
	free(copy);
	if (!c->dir)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc = read_source(reg, path, source, len);
	if (rc == 0)
		rc = parse_policy(c, path, *source, *len, version);
	return rc;
}

SRR_EXPORT int
srr_policy_check(struct srr_register *reg, const char *path)
{
	struct pctx c;
	char *source = NULL;
	size_t len;
	int rc = prepare(&c, reg, path, 1, &source, &len);
	char *bytes = NULL;
	size_t blen;
	if (rc == 0)
		rc = log_serialize(reg, c.rec, &bytes, &blen);
	free(bytes);
	free(source);
	pctx_release(&c);
	return rc;
}

/* Would path, stored as version, give exactly the stored record of version? */
static int
same_as_current(struct srr_register *reg, const char *path, unsigned version, bool *same)
{
	struct pctx c;
	char *source = NULL, *bytes = NULL;
	size_t len, blen;
	*same = false;
	int rc = prepare(&c, reg, path, version, &source, &len);
	if (rc == 0)
		rc = log_serialize(reg, c.rec, &bytes, &blen);
	if (rc == 0) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "SELECT record FROM policy WHERE version = ?1");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			sqlite3_bind_int(st, 1, (int)version);
			if (sqlite3_step(st) == SQLITE_ROW)
				*same = (size_t)sqlite3_column_bytes(st, 0) == blen &&
					memcmp(sqlite3_column_blob(st, 0), bytes, blen) == 0;
		}
	}
	free(bytes);
	free(source);
	pctx_release(&c);
	return rc;
}

static int
do_set(struct srr_register *reg, const char *path, unsigned *version)
{
	unsigned v;
	int rc = policy_version(reg, &v);
	if (rc)
		return rc;
	v++;
	struct pctx c;
	char *source = NULL, *bytes = NULL;
	size_t len, blen;
	rc = prepare(&c, reg, path, v, &source, &len);
	if (rc == 0)
		rc = log_serialize(reg, c.rec, &bytes, &blen);
	if (rc == 0) {
		unsigned nl = 0, ni = 0;
		for (size_t i = 0; i < srr_record_count(c.rec); i++) {
			nl += strcmp(srr_record_name(c.rec, i), "likelihood") == 0;
			ni += strcmp(srr_record_name(c.rec, i), "impact") == 0;
		}
		rc = risk_check_scales(reg, nl, ni);
	}
	bool same = false;
	if (rc == 0 && v > 1)
		rc = same_as_current(reg, path, v - 1, &same);
	if (rc == 0 && same) {
		*version = v - 1;
		goto out; /* the policy in force already says exactly this */
	}
	if (rc == 0)
		rc = cert_store(reg, &c.certs);
	if (rc == 0)
		rc = crl_store(reg, &c.crls);
	if (rc == 0) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "INSERT INTO policy (version, record, source, created, actor)"
				      " VALUES (?1, ?2, ?3, ?4, ?5)");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			sqlite3_bind_int(st, 1, (int)v);
			sqlite3_bind_blob(st, 2, bytes, (int)blen, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, source, (int)len, SQLITE_STATIC);
			bind_text(st, 4, now);
			bind_text(st, 5, reg_actor(reg));
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "storing the policy");
		}
	}
	if (rc == 0) {
		char entity[32];
		snprintf(entity, sizeof(entity), "policy/%u", v);
		rc = log_append(reg, "policy.set", entity, c.rec);
	}
	if (rc == 0)
		*version = v;
out:
	free(bytes);
	free(source);
	pctx_release(&c);
	return rc;
}

SRR_EXPORT int
srr_policy_set(struct srr_register *reg, const char *path, unsigned *version)
{
	unsigned dummy;
	if (!version)
		version = &dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	if (!utf8_valid(path, strlen(path)))
		return reg_end(reg, reg_error(reg, SRR_E_INPUT, "policy path is not valid UTF-8"));
	return reg_end(reg, do_set(reg, path, version));
}

/* Walk a parsed policy record into the view. */
static int
view_from_record(struct srr_policy_list *l, const struct srr_record *r)
{
	struct arena *a = &l->arena;
	struct srr_policy *p = &l->policy;
	size_t n = srr_record_count(r);
	/* Count first so arrays are allocated once. */
	size_t nl = 0, ni = 0, nv = 0, nt = 0, nc = 0, na = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		const char *f = srr_record_name(r, i);
		nl += strcmp(f, "likelihood") == 0;
		ni += strcmp(f, "impact") == 0;
		nv += strcmp(f, "level") == 0;
		nt += strcmp(f, "trust-anchor") == 0;
		nc += strcmp(f, "crl") == 0;
		na += strcmp(f, "approver") == 0;
		nr += strcmp(f, "rule") == 0;
	}
	const char **lik = arena_alloc(a, (nl + 1) * sizeof(*lik));
	const char **imp = arena_alloc(a, (ni + 1) * sizeof(*imp));
	struct srr_level *lev = arena_alloc(a, (nv + 1) * sizeof(*lev));
	const char **anchors = arena_alloc(a, (nt + 1) * sizeof(*anchors));
	const char **crls = arena_alloc(a, (nc + 1) * sizeof(*crls));
	struct srr_approver *apps = arena_alloc(a, (na + 1) * sizeof(*apps));
	struct srr_rule *rules = arena_alloc(a, (nr + 1) * sizeof(*rules));
	/* Per-group lists: at most n entries in all. */
	const char **pool = arena_alloc(a, (n + 1) * sizeof(*pool));
	if (!lik || !imp || !lev || !anchors || !crls || !apps || !rules || !pool)
		return SRR_E_NOMEM;
	const char *tolerance = NULL;
	struct srr_approver *ap = NULL;
	struct srr_rule *ru = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *f = srr_record_name(r, i);
		const char *v = arena_strdup(a, srr_record_value(r, i));
		if (!v)
			return SRR_E_NOMEM;
		unsigned u = (unsigned)strtoul(v, NULL, 10);
		if (strcmp(f, "version") == 0)
			p->version = u;
		else if (strcmp(f, "name") == 0)
			p->name = v;
		else if (strncmp(f, "cadence-", 8) == 0)
			p->cadence_months[srr_tier_from_name(f + 8)] = u;
		else if (strcmp(f, "after-incident-days") == 0)
			p->after_incident_days = u;
		else if (strcmp(f, "after-sla-breach-days") == 0)
			p->after_sla_breach_days = u;
		else if (strcmp(f, "likelihood") == 0)
			lik[p->n_likelihood++] = v;
		else if (strcmp(f, "impact") == 0)
			imp[p->n_impact++] = v;
		else if (strcmp(f, "level") == 0)
			lev[p->n_levels].name = v;
		else if (strcmp(f, "level-max") == 0)
			lev[p->n_levels++].max = u;
		else if (strcmp(f, "tolerance") == 0)
			tolerance = v;
		else if (strcmp(f, "acceptance-max-days") == 0)
			p->acceptance_max_days = u;
		else if (strcmp(f, "weight-residual") == 0)
			p->weights.residual = u;
		else if (strcmp(f, "weight-tier") == 0)
			p->weights.tier = u;
		else if (strcmp(f, "weight-sla-breach") == 0)
			p->weights.sla_breach = u;
		else if (strcmp(f, "weight-overdue-review") == 0)
			p->weights.overdue_review = u;
		else if (strcmp(f, "weight-clause-gap") == 0)
			p->weights.clause_gap = u;
		else if (strcmp(f, "weight-late-notification") == 0)
			p->weights.late_notification = u;
		else if (strcmp(f, "trust-anchor") == 0)
			anchors[p->n_anchors++] = v;
		else if (strcmp(f, "crl") == 0)
			crls[p->n_crls++] = v;
		else if (strcmp(f, "approver") == 0) {
			ap = &apps[p->n_approvers++];
			ap->name = v;
		} else if (strcmp(f, "approver-cert") == 0)
			ap->cert_sha256 = v;
		else if (strcmp(f, "approver-spki") == 0)
			ap->spki_sha256 = v;
		else if (strcmp(f, "approver-actor") == 0) {
			if (!ap->n_actors)
				ap->actors = pool;
			*pool++ = v;
			ap->n_actors++;
		} else if (strcmp(f, "approver-role") == 0) {
			if (!ap->n_roles)
				ap->roles = pool;
			*pool++ = v;
			ap->n_roles++;
		} else if (strcmp(f, "rule") == 0) {
			ru = &rules[p->n_rules++];
			ru->subject = subject_from_name(v);
		} else if (strcmp(f, "rule-residual") == 0) {
			if (!ru->n_residual)
				ru->residual = pool;
			*pool++ = v;
			ru->n_residual++;
		} else if (strcmp(f, "rule-role") == 0) {
			if (!ru->n_roles)
				ru->roles = pool;
			*pool++ = v;
			ru->n_roles++;
		} else if (strcmp(f, "rule-quorum") == 0)
			ru->quorum = u;
	}
	p->likelihood = lik;
	p->impact = imp;
	p->levels = lev;
	p->anchors = anchors;
	p->crls = crls;
	p->approvers = apps;
	p->rules = rules;
	for (size_t i = 0; tolerance && i < p->n_levels; i++)
		if (strcmp(lev[i].name, tolerance) == 0)
			p->tolerance = i;
	return 0;
}

static int
load_view(struct srr_register *reg, struct srr_policy_list *l, const char *bytes, size_t len)
{
	struct srr_record *r;
	char why[200];
	int rc = srr_record_parse(&r, bytes, len, why, sizeof(why));
	if (rc == SRR_E_NOMEM)
		return reg_error(reg, rc, "out of memory");
	if (rc)
		return reg_error(reg, SRR_E_FORMAT, "stored policy record is damaged: %s", why);
	rc = view_from_record(l, r);
	srr_record_free(r);
	if (rc == 0)
		l->policy.record = arena_strndup(&l->arena, bytes, len);
	if (rc || !l->policy.record)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	return 0;
}

/* The built-in default, parsed from the embedded YAML like any other. */
static int
load_default(struct srr_register *reg, struct srr_policy_list *l)
{
	struct pctx c = { .reg = reg, .path = "built-in policy" };
	int rc = parse_policy(&c, c.path, srr_default_policy_yaml, strlen(srr_default_policy_yaml),
			      0);
	char *bytes = NULL;
	size_t len;
	if (rc == 0)
		rc = log_serialize(reg, c.rec, &bytes, &len);
	if (rc == 0)
		rc = load_view(reg, l, bytes, len);
	if (rc == 0) {
		l->policy.source = srr_default_policy_yaml;
	}
	free(bytes);
	pctx_release(&c);
	return rc;
}

SRR_EXPORT int
srr_policy_find(struct srr_policy_list **out, struct srr_register *reg, unsigned version)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	unsigned current;
	rc = policy_version(reg, &current);
	if (rc)
		return rc;
	if (version == 0)
		version = current;
	else if (version > current && current == 0)
		return reg_error(
			reg, SRR_E_NOTFOUND,
			"no policy version %u: none has been set, the built-in default applies",
			version);
	else if (version > current)
		return reg_error(reg, SRR_E_NOTFOUND, "no policy version %u (the latest is %u)",
				 version, current);
	struct srr_policy_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (version == 0) {
		rc = load_default(reg, l);
	} else {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg,
			"SELECT record, source, created, actor FROM policy WHERE version = ?1");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			sqlite3_bind_int(st, 1, (int)version);
			if (sqlite3_step(st) != SQLITE_ROW) {
				rc = reg_db_error(reg, "reading the policy");
			} else {
				rc = load_view(reg, l, sqlite3_column_blob(st, 0),
					       (size_t)sqlite3_column_bytes(st, 0));
				struct arena *a = &l->arena;
				l->policy.source =
					arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
				l->policy.set_at =
					arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
				l->policy.set_by =
					arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
				if (rc == 0 &&
				    (!l->policy.source || !l->policy.set_at || !l->policy.set_by))
					rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
			}
		}
	}
	if (rc) {
		srr_policy_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

SRR_EXPORT size_t
srr_policy_list_count(const struct srr_policy_list *l)
{
	return l ? 1 : 0;
}

SRR_EXPORT const struct srr_policy *
srr_policy_list_get(const struct srr_policy_list *l, size_t i)
{
	return i == 0 ? &l->policy : NULL;
}

SRR_EXPORT void
srr_policy_list_free(struct srr_policy_list *l)
{
	if (!l)
		return;
	arena_release(&l->arena);
	free(l);
}

SRR_EXPORT int
srr_policy_level(const struct srr_policy *p, unsigned likelihood, unsigned impact)
{
	if (likelihood < 1 || likelihood > p->n_likelihood || impact < 1 || impact > p->n_impact)
		return -1;
	unsigned score = likelihood * impact;
	for (size_t i = 0; i < p->n_levels; i++)
		if (score <= p->levels[i].max)
			return (int)i;
	return -1;
}

int
policy_current(struct srr_policy_list **out, struct srr_register *reg)
{
	return srr_policy_find(out, reg, 0);
}

int
policy_from_record(struct srr_policy_list **out, struct srr_register *reg, const char *bytes,
		   size_t len)
{
	static const char head[] = SRR_RECORD_MAGIC " policy\n";
	if (len < sizeof(head) - 1 || memcmp(bytes, head, sizeof(head) - 1) != 0)
		return reg_error(reg, SRR_E_FORMAT, "not a policy record");
	struct srr_policy_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc = load_view(reg, l, bytes, len);
	if (rc == 0 && l->policy.version == 0)
		rc = reg_error(reg, SRR_E_FORMAT, "a policy record has a version from 1");
	if (rc) {
		srr_policy_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
