/* SPDX-License-Identifier: MIT */
/*
 * srr import: the YAML shape of docs/formats/yaml.md, streamed.
 *
 * The reader thread (yaml-stream.c) hands over one supplier item at a
 * time as a small tree; this side checks it, turns it into the modules'
 * structs and puts each entity (import-private.h), then drops it. Memory
 * holds a few supplier items, whatever the file's size. Subcontractor
 * links wait in a TEMP table until every supplier of the file exists; the
 * whole file is one transaction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract-private.h"
#include "entity-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "srr/contract.h"
#include "srr/import.h"
#include "srr/incident.h"
#include "srr/policy.h"
#include "srr/review.h"
#include "srr/risk.h"
#include "srr/sla.h"
#include "srr/supplier.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/text.h"
#include "yaml-stream-private.h"
#include "yaml-tree-private.h"

#define MAX_ERRORS 100

struct importer {
	struct srr_register *reg;
	const struct srr_import_options *opt;
	struct srr_import_summary *sum;
	const char *name;
	FILE *in;
	struct arena arena; /* what the current item's structs need */
	const struct srr_policy *policy;
	struct srr_policy_list *policies;
	bool fatal; /* a failure that is not the file's: stop */
	struct put_ctx ctx;
};

__attribute__((format(printf, 4, 5))) static int
fail(struct importer *im, unsigned line, unsigned col, const char *fmt, ...)
{
	char raw[ERRMSG_MAX], msg[ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* Messages quote the file: keep them one printable line. */
	text_escape_controls(msg, sizeof(msg), raw);
	if (im->sum->errors == 0)
		reg_error(im->reg, SRR_E_INPUT, "%s:%u:%u: %s", im->name, line, col, msg);
	im->sum->errors++;
	if (im->opt->on_error)
		im->opt->on_error(im->opt->userdata, im->name, line, col, msg);
	return SRR_E_INPUT;
}

#define fail_at(im, node, ...) fail((im), (node)->line, (node)->col, __VA_ARGS__)

/* Has the import seen as many errors as it may report? */
static bool
enough(const struct importer *im)
{
	if (im->fatal || (im->sum->errors > 0 && !im->opt->all_errors))
		return true;
	size_t max = im->opt->max_errors ? im->opt->max_errors : MAX_ERRORS;
	return im->sum->errors >= max;
}

/* ---- what every put shares ------------------------------------------------ */

int
put_compare(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
	    const struct srr_record *rec, enum put_result *result)
{
	char *now = NULL, *want = NULL;
	size_t now_len = 0, want_len = 0;
	if (ctx->supplier_new) {
		*result = PUT_ADDED;
		return 0;
	}
	int rc = entity_record(reg, entity, &now, &now_len);
	if (rc == SRR_E_NOTFOUND) {
		*result = PUT_ADDED;
		return 0;
	}
	if (rc == 0)
		rc = log_serialize(reg, rec, &want, &want_len);
	if (rc == 0)
		*result = now_len == want_len && memcmp(now, want, now_len) == 0 ? PUT_SAME
										   : PUT_CHANGED;
	free(now);
	free(want);
	return rc;
}

int
put_log(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
	const struct srr_record *rec, enum put_result result)
{
	if (result == PUT_SAME)
		return 0;
	char action[48];
	snprintf(action, sizeof(action), "%s.import", srr_record_type(rec));
	int rc = log_append(reg, action, entity, rec);
	if (rc == 0 && ctx && ctx->report)
		ctx->report(ctx->userdata, result, entity);
	return rc;
}

int
put_supplier_id(struct srr_register *reg, const struct put_ctx *ctx, const char *key, int64_t *id)
{
	if (ctx && ctx->supplier_id && key && strcmp(key, ctx->supplier_key) == 0) {
		*id = ctx->supplier_id;
		return 0;
	}
	return supplier_lookup(reg, key, id, NULL);
}

int
put_contract_id(struct srr_register *reg, const struct put_ctx *ctx, const char *supplier,
		const char *ref, int64_t *id)
{
	if (ctx && ctx->contract_id && supplier && ref && strcmp(supplier, ctx->supplier_key) == 0 &&
	    strcmp(ref, ctx->contract_ref) == 0) {
		*id = ctx->contract_id;
		return 0;
	}
	return contract_lookup(reg, supplier, ref, id);
}

int
put_match_id(struct srr_register *reg, const struct put_ctx *ctx, const char *what,
	     const char *owner_sql, const char *match_sql, int64_t sid, const char *supplier,
	     const char *name, const char *value, int64_t *id)
{
	if (!*id && ctx->supplier_new)
		return 0; /* nothing of a supplier just added to match */
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, *id ? owner_sql : match_sql);
	if (!st)
		return SRR_E_DB;
	if (*id) {
		sqlite3_bind_int64(st, 1, *id);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_int64(st, 0) != sid)
			return reg_error(reg, SRR_E_INPUT, "%s %lld belongs to another supplier",
					 what, (long long)*id);
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			return reg_db_error(reg, "looking up an id");
		return 0;
	}
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, value);
	int s, n = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		n++;
	}
	if (s != SQLITE_DONE)
		return reg_db_error(reg, "matching by key");
	if (n > 1)
		return reg_error(reg, SRR_E_INPUT,
				 "supplier '%s' has more than one %s with %s '%s': give its id",
				 supplier, what, name, value);
	return 0;
}

/* ---- fields ---------------------------------------------------------------- */

/* A plain ~, null or nothing: the field is absent. */
static bool
is_null(const struct ynode *n)
{
	return !n || (n->kind == Y_SCALAR && n->plain &&
		      (!*n->value || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
		       strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0));
}

/* Every key of map is one of keys (NULL-terminated); what names the map. */
static int
check_keys(struct importer *im, const struct ynode *map, const char *what,
	   const char *const *keys)
{
	int rc = 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k->value) != 0)
			j++;
		if (keys[j])
			continue;
		char allowed[512] = "";
		size_t len = 0;
		for (j = 0; keys[j] && len < sizeof(allowed); j++)
			len += (size_t)snprintf(allowed + len, sizeof(allowed) - len, "%s%s",
						j ? ", " : "", keys[j]);
		rc = fail_at(im, k, "unknown key '%s' in %s (known: %s)", k->value, what, allowed);
		if (enough(im))
			return rc;
	}
	return rc;
}

/* A text field: NULL when absent; an error (rc set) when not a scalar or
 * absent though required. */
static const char *
text(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const struct ynode *v = ytree_get(map, key);
	if (is_null(v)) {
		if (required && *rc == 0)
			*rc = fail_at(im, v ? v : map, "'%s' is missing", key);
		return NULL;
	}
	if (v->kind != Y_SCALAR) {
		if (*rc == 0)
			*rc = fail_at(im, v, "'%s' must be a single value, not %s", key,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	return v->value;
}

/* An enum field: the index of its value in names (NULL-terminated, first
 * index 1); 0 when absent and not required. */
static int
choice(struct importer *im, const struct ynode *map, const char *key, bool required,
       const char *const *names, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	if (!s)
		return 0;
	char list[160] = "";
	size_t len = 0;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0)
			return i + 1;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					names[i]);
	}
	if (*rc == 0)
		*rc = fail_at(im, ytree_get(map, key), "'%s' must be one of %s, not '%s'", key, list,
			      s);
	return 0;
}

static bool
parse_uint(const char *s, long long max, long long *out)
{
	long long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static long long
whole(struct importer *im, const struct ynode *map, const char *key, bool required,
      long long max, long long absent, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	long long v;
	if (!s)
		return absent;
	if (!parse_uint(s, max, &v)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' must be a whole number from 0 to %lld, not '%s'", key,
				      max, s);
		return absent;
	}
	return v;
}

static int
boolean(struct importer *im, const struct ynode *map, const char *key, int *rc)
{
	const char *s = text(im, map, key, false, rc);
	if (!s || strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return 0;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return 1;
	if (*rc == 0)
		*rc = fail_at(im, ytree_get(map, key), "'%s' must be true or false, not '%s'", key,
			      s);
	return 0;
}

static const char *
date(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	int64_t days;
	if (s && !date_parse(s, &days)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' is not a valid date (YYYY-MM-DD): '%s'", key, s);
		return NULL;
	}
	return s;
}

static const char *
timestamp(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	int64_t secs;
	if (s && !time_parse(s, &secs)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ): '%s'",
				      key, s);
		return NULL;
	}
	return s;
}

/* A list field: NULL when absent. */
static const struct ynode *
list(struct importer *im, const struct ynode *map, const char *key, int *rc)
{
	const struct ynode *v = ytree_get(map, key);
	if (is_null(v))
		return NULL;
	if (v->kind != Y_SEQ) {
		if (*rc == 0)
			*rc = fail_at(im, v, "'%s' must be a list, not %s", key,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	return v;
}

/* Item i of a list that must hold mappings of known keys. */
static const struct ynode *
map_item(struct importer *im, const struct ynode *seq, size_t i, const char *what,
	 const char *const *keys, int *rc)
{
	const struct ynode *v = seq->items[i];
	if (v->kind != Y_MAP) {
		if (*rc == 0)
			*rc = fail_at(im, v, "each of the %ss must be a mapping, not %s", what,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	int krc = check_keys(im, v, what, keys);
	if (krc && *rc == 0)
		*rc = krc;
	return krc ? NULL : v;
}

/* A list of texts as an array in the arena. */
static const char **
texts(struct importer *im, const struct ynode *map, const char *key, size_t *n, int *rc)
{
	const struct ynode *seq = list(im, map, key, rc);
	*n = 0;
	if (!seq || seq->n == 0)
		return NULL;
	const char **out = arena_alloc(&im->arena, seq->n * sizeof(*out));
	if (!out) {
		im->fatal = true;
		*rc = reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *v = seq->items[i];
		if (v->kind != Y_SCALAR || is_null(v)) {
			if (*rc == 0)
				*rc = fail_at(im, v, "each of '%s' must be a single value", key);
			return NULL;
		}
		out[i] = v->value;
	}
	*n = seq->n;
	return out;
}

/* ---- applying ---------------------------------------------------------------- */

/* A put failed: report the register's message at node, unless it is not
 * about the file. */
static int
put_failed(struct importer *im, const struct ynode *node, int rc)
{
	if (rc == SRR_E_NOMEM || rc == SRR_E_DB || rc == SRR_E_IO ||
	    rc == SRR_E_FORMAT) {
		im->fatal = true;
		return rc;
	}
	return fail_at(im, node, "%s", srr_errmsg(im->reg));
}

static void
report(void *userdata, enum put_result result, const char *entity)
{
	struct importer *im = userdata;
	if (result == PUT_ADDED)
		im->sum->added++;
	else if (result == PUT_CHANGED)
		im->sum->changed++;
	if (result != PUT_SAME && im->opt->on_change)
		im->opt->on_change(im->opt->userdata, (enum srr_import_change)result, entity);
}

/* Two items of one list with the same value for key. */
static int
check_unique(struct importer *im, const struct ynode *seq, const char *key, const char *what)
{
	int rc = 0;
	for (size_t i = 0; seq && i < seq->n; i++) {
		const struct ynode *a = ytree_get(seq->items[i], key);
		if (!a || a->kind != Y_SCALAR || is_null(a))
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct ynode *b = ytree_get(seq->items[j], key);
			if (b && b->kind == Y_SCALAR && strcmp(a->value, b->value) == 0) {
				rc = fail_at(im, a, "%s '%s' is listed twice (first at line %u)",
					     what, a->value, b->line);
				if (enough(im))
					return rc;
				break;
			}
		}
	}
	return rc;
}

static const char *const supplier_keys[] = { "key",	      "name",	   "tier",	"country",
					     "retired",	      "services",  "contacts",	"subcontractors",
					     "contracts",     "reviews",   "incidents", "risks",
					     NULL };
static const char *const contact_keys[] = { "name", "email", "role", NULL };
static const char *const contract_keys[] = { "ref",	   "start",   "end",  "notice_days",
					     "terminated", "clauses", "slas", NULL };
static const char *const sla_keys[] = { "metric", "target",	  "comparator", "unit",
					"period", "measurements", NULL };
static const char *const measurement_keys[] = { "period", "value", NULL };
static const char *const review_keys[] = { "id",       "date",	   "outcome",
					   "findings", "reviewer", "evidence", NULL };
static const char *const evidence_keys[] = { "path", "sha256", "size", NULL };
static const char *const incident_keys[] = { "id",	 "identified", "notified",
					     "severity", "summary",    NULL };
static const char *const risk_keys[] = { "id",		      "title",		"description",
					 "owner",	      "likelihood",	"impact",
					 "review_date",	      "closed",		"treatment",
					 "residual_likelihood", "residual_impact", "justification",
					 "accept_until",      "actions",	NULL };
static const char *const action_keys[] = { "text", "owner", "due", "done", NULL };

static const char *const tiers[] = { "critical", "high", "medium", "low", NULL };
static const char *const comparators[] = { "ge", "le", NULL };
static const char *const periods[] = { "month", "quarter", NULL };
static const char *const outcomes[] = { "pass", "conditional", "fail", NULL };
static const char *const severities[] = { "low", "medium", "high", "critical", NULL };
static const char *const treatments[] = { "mitigate", "accept", "transfer", "avoid", NULL };

static int
apply_slas(struct importer *im, const char *supplier, const char *ref, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "metric", "SLA metric");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "SLA", sla_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_sla s = {
			.supplier = supplier,
			.contract = ref,
			.metric = text(im, m, "metric", true, &irc),
			.target = text(im, m, "target", true, &irc),
			.comparator = (enum srr_comparator)choice(im, m, "comparator", true,
								  comparators, &irc),
			.unit = text(im, m, "unit", false, &irc),
			.period = (enum srr_period)choice(im, m, "period", true, periods, &irc),
		};
		const struct ynode *ms = list(im, m, "measurements", &irc);
		if (irc == 0)
			irc = check_unique(im, ms, "period", "measurement period");
		enum put_result res;
		bool rejudge = false;
		int prc = irc ? irc : sla_put(im->reg, &im->ctx, &s, &res, &rejudge);
		if (prc) {
			rc = irc ? irc : put_failed(im, m, prc);
			continue;
		}
		im->sum->entities++;
		for (size_t j = 0; ms && j < ms->n && !enough(im); j++) {
			int jrc = 0;
			const struct ynode *v =
				map_item(im, ms, j, "measurement", measurement_keys, &jrc);
			struct srr_measurement mm = {
				.supplier = supplier,
				.contract = ref,
				.metric = s.metric,
			};
			if (v) {
				mm.period = text(im, v, "period", true, &jrc);
				mm.value = text(im, v, "value", true, &jrc);
			}
			if (jrc == 0 && (jrc = measurement_put(im->reg, &im->ctx, &mm, &res)) != 0)
				jrc = put_failed(im, v, jrc);
			if (jrc)
				rc = jrc;
			else
				im->sum->entities++;
		}
		if (rejudge && !enough(im)) {
			int jrc = sla_rejudge(im->reg, &im->ctx, &s);
			if (jrc)
				rc = put_failed(im, m, jrc);
		}
	}
	return rc;
}

static int
apply_contracts(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "ref", "contract ref");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "contract", contract_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_contract c = {
			.supplier = supplier,
			.ref = text(im, m, "ref", true, &irc),
			.start = date(im, m, "start", true, &irc),
			.end = date(im, m, "end", true, &irc),
			.notice_days = (int)whole(im, m, "notice_days", false, 36500, -1, &irc),
			.terminated = date(im, m, "terminated", false, &irc),
		};
		size_t n = 0;
		const char **clauses = texts(im, m, "clauses", &n, &irc);
		for (size_t k = 0; irc == 0 && k < n; k++) {
			unsigned bit = srr_clause_from_name(clauses[k]);
			const struct ynode *v = ytree_get(m, "clauses")->items[k];
			if (!bit)
				irc = fail_at(im, v, "unknown contract clause '%s'", clauses[k]);
			else if (c.clauses & bit)
				irc = fail_at(im, v, "clause '%s' is listed twice", clauses[k]);
			c.clauses |= bit;
		}
		const struct ynode *slas = list(im, m, "slas", &irc);
		enum put_result res;
		int64_t cid;
		int prc = irc ? irc : contract_put(im->reg, &im->ctx, &c, &cid, &res);
		if (prc) {
			rc = irc ? irc : put_failed(im, m, prc);
			continue;
		}
		im->sum->entities++;
		im->ctx.contract_id = cid;
		im->ctx.contract_ref = c.ref;
		int src = apply_slas(im, supplier, c.ref, slas);
		im->ctx.contract_id = 0;
		if (src)
			rc = src;
	}
	return rc;
}

static int
apply_reviews(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "id", "review id");
	if (rc == 0)
		rc = check_unique(im, seq, "date", "review date");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "review", review_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_review r = {
			.id = whole(im, m, "id", false, INT64_MAX, 0, &irc),
			.supplier = supplier,
			.date = date(im, m, "date", true, &irc),
			.outcome = (enum srr_outcome)choice(im, m, "outcome", true, outcomes, &irc),
			.findings = text(im, m, "findings", false, &irc),
			.reviewer = text(im, m, "reviewer", false, &irc),
		};
		const struct ynode *ev = list(im, m, "evidence", &irc);
		struct srr_evidence *e =
			ev && ev->n ? arena_alloc(&im->arena, ev->n * sizeof(*e)) : NULL;
		if (ev && ev->n && !e) {
			im->fatal = true;
			return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		}
		for (size_t k = 0; irc == 0 && ev && k < ev->n; k++) {
			const struct ynode *v = map_item(im, ev, k, "evidence", evidence_keys, &irc);
			if (!v)
				break;
			e[k].path = text(im, v, "path", true, &irc);
			e[k].sha256 = text(im, v, "sha256", false, &irc);
			e[k].size = whole(im, v, "size", e[k].sha256 != NULL, INT64_MAX, -1, &irc);
			if (irc == 0 && !e[k].sha256 && ytree_get(v, "size"))
				irc = fail_at(im, v, "evidence 'size' needs its 'sha256'");
		}
		r.evidence = e;
		r.n_evidence = ev ? ev->n : 0;
		enum put_result res;
		if (irc == 0 && (irc = review_put(im->reg, &im->ctx, &r, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

static int
apply_incidents(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "id", "incident id");
	if (rc == 0)
		rc = check_unique(im, seq, "identified", "incident time");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "incident", incident_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_incident in = {
			.id = whole(im, m, "id", false, INT64_MAX, 0, &irc),
			.supplier = supplier,
			.identified = timestamp(im, m, "identified", true, &irc),
			.notified = timestamp(im, m, "notified", false, &irc),
			.severity = (enum srr_severity)choice(im, m, "severity", true, severities,
							      &irc),
			.summary = text(im, m, "summary", true, &irc),
		};
		enum put_result res;
		if (irc == 0 && (irc = incident_put(im->reg, &im->ctx, &in, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

/* A risk id: "R-7" or 7; 0 when absent. */
static int64_t
risk_id(struct importer *im, const struct ynode *m, int *rc)
{
	const char *s = text(im, m, "id", false, rc);
	long long v;
	if (!s)
		return 0;
	if ((s[0] == 'R' || s[0] == 'r') && s[1] == '-')
		s += 2;
	if (!parse_uint(s, INT64_MAX, &v) || v == 0) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(m, "id"), "risk 'id' must be R-n, not '%s'",
				      ytree_get(m, "id")->value);
		return 0;
	}
	return v;
}

static int
apply_risks(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "title", "risk title");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "risk", risk_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_risk r = {
			.id = risk_id(im, m, &irc),
			.supplier = supplier,
			.title = text(im, m, "title", true, &irc),
			.description = text(im, m, "description", false, &irc),
			.owner = text(im, m, "owner", false, &irc),
			.likelihood = (unsigned)whole(im, m, "likelihood", true, 1000, 0, &irc),
			.impact = (unsigned)whole(im, m, "impact", true, 1000, 0, &irc),
			.review_date = date(im, m, "review_date", false, &irc),
			.closed = boolean(im, m, "closed", &irc),
			.treatment = (enum srr_treatment)choice(im, m, "treatment", false,
								treatments, &irc),
			.residual_likelihood =
				(unsigned)whole(im, m, "residual_likelihood", false, 1000, 0, &irc),
			.residual_impact =
				(unsigned)whole(im, m, "residual_impact", false, 1000, 0, &irc),
			.justification = text(im, m, "justification", false, &irc),
			.accept_until = date(im, m, "accept_until", false, &irc),
		};
		const struct ynode *acts = list(im, m, "actions", &irc);
		struct srr_action *a =
			acts && acts->n ? arena_alloc(&im->arena, acts->n * sizeof(*a)) : NULL;
		if (acts && acts->n && !a) {
			im->fatal = true;
			return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		}
		for (size_t k = 0; irc == 0 && acts && k < acts->n; k++) {
			const struct ynode *v = map_item(im, acts, k, "action", action_keys, &irc);
			if (!v)
				break;
			a[k].text = text(im, v, "text", true, &irc);
			a[k].owner = text(im, v, "owner", false, &irc);
			a[k].due = date(im, v, "due", false, &irc);
			a[k].done = date(im, v, "done", false, &irc);
		}
		r.actions = a;
		r.n_actions = acts ? acts->n : 0;
		if (irc == 0 && !im->policy)
			irc = fail_at(im, m, "risks need a policy: set one with 'srr policy set'");
		enum put_result res;
		if (irc == 0 && (irc = risk_put(im->reg, &im->ctx, im->policy, &r, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

/* Remember a supplier key of the file; a second one is an error. */
static int
seen_key(struct importer *im, const struct ynode *keynode)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(im->reg, "INSERT INTO temp.srr_import_key (key, line) VALUES (?1, ?2)");
	if (!st) {
		im->fatal = true;
		return SRR_E_DB;
	}
	bind_text(st, 1, keynode->value);
	sqlite3_bind_int64(st, 2, keynode->line);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		return 0;
	if ((s & 0xff) != SQLITE_CONSTRAINT) {
		im->fatal = true;
		return reg_db_error(im->reg, "remembering supplier keys");
	}
	_cleanup_stmt_ sqlite3_stmt *first =
		reg_stmt(im->reg, "SELECT line FROM temp.srr_import_key WHERE key = ?1");
	if (!first) {
		im->fatal = true;
		return SRR_E_DB;
	}
	bind_text(first, 1, keynode->value);
	unsigned line = sqlite3_step(first) == SQLITE_ROW ? (unsigned)sqlite3_column_int(first, 0)
							 : 0;
	return fail_at(im, keynode, "supplier '%s' is listed twice (first at line %u)",
		       keynode->value, line);
}

static int
queue_subs(struct importer *im, int64_t id, const struct ynode *seq)
{
	for (size_t i = 0; seq && i < seq->n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			im->reg, "INSERT INTO temp.srr_import_sub (supplier_id, key, line, col)"
				 " VALUES (?1, ?2, ?3, ?4)");
		if (!st) {
			im->fatal = true;
			return SRR_E_DB;
		}
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, seq->items[i]->value);
		sqlite3_bind_int64(st, 3, seq->items[i]->line);
		sqlite3_bind_int64(st, 4, seq->items[i]->col);
		if (sqlite3_step(st) != SQLITE_DONE) {
			im->fatal = true;
			return reg_db_error(im->reg, "remembering subcontractors");
		}
	}
	return 0;
}

static int
apply_supplier(struct importer *im, const struct ynode *m)
{
	im->sum->suppliers++;
	if (m->kind != Y_MAP)
		return fail_at(im, m, "each supplier must be a mapping, not %s",
			       ytree_kind_name(m->kind));
	int rc = check_keys(im, m, "a supplier", supplier_keys);
	if (rc)
		return rc;
	struct srr_supplier s = {
		.key = text(im, m, "key", true, &rc),
		.name = text(im, m, "name", true, &rc),
		.tier = (enum srr_tier)choice(im, m, "tier", true, tiers, &rc),
		.country = text(im, m, "country", false, &rc),
		.retired = boolean(im, m, "retired", &rc),
	};
	s.services = texts(im, m, "services", &s.n_services, &rc);
	s.subcontractors = texts(im, m, "subcontractors", &s.n_subcontractors, &rc);
	const struct ynode *contacts = list(im, m, "contacts", &rc);
	struct srr_contact *c = contacts && contacts->n
					? arena_alloc(&im->arena, contacts->n * sizeof(*c))
					: NULL;
	if (contacts && contacts->n && !c) {
		im->fatal = true;
		return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; rc == 0 && contacts && i < contacts->n; i++) {
		const struct ynode *v = map_item(im, contacts, i, "contact", contact_keys, &rc);
		if (!v)
			break;
		c[i].name = text(im, v, "name", true, &rc);
		c[i].email = text(im, v, "email", false, &rc);
		c[i].role = text(im, v, "role", false, &rc);
	}
	s.contacts = c;
	s.n_contacts = contacts ? contacts->n : 0;
	const struct ynode *contracts = list(im, m, "contracts", &rc);
	const struct ynode *reviews = list(im, m, "reviews", &rc);
	const struct ynode *incidents = list(im, m, "incidents", &rc);
	const struct ynode *risks = list(im, m, "risks", &rc);
	if (rc == 0)
		rc = seen_key(im, ytree_get(m, "key"));
	if (rc)
		return rc;
	int64_t id;
	enum put_result res;
	rc = supplier_put(im->reg, &im->ctx, &s, true, &id, &res);
	if (rc)
		return put_failed(im, m, rc);
	im->sum->entities++;
	if (res != PUT_SAME)
		rc = queue_subs(im, id, ytree_get(m, "subcontractors"));
	im->ctx.supplier_new = res == PUT_ADDED;
	im->ctx.supplier_id = id;
	im->ctx.supplier_key = s.key;
	int crc = 0;
	if (rc == 0 && !enough(im))
		crc = apply_contracts(im, s.key, contracts);
	if (rc == 0 && !enough(im) && apply_reviews(im, s.key, reviews))
		crc = SRR_E_INPUT;
	if (rc == 0 && !enough(im) && apply_incidents(im, s.key, incidents))
		crc = SRR_E_INPUT;
	if (rc == 0 && !enough(im) && apply_risks(im, s.key, risks))
		crc = SRR_E_INPUT;
	im->ctx.supplier_new = false;
	im->ctx.supplier_id = 0;
	return rc ? rc : crc;
}

/* Every supplier of the file exists now: link the subcontractors, then
 * make sure the links hold no cycle. */
static int
link_subs(struct importer *im)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		im->reg, "SELECT supplier_id, key, line, col FROM temp.srr_import_sub ORDER BY rowid");
	if (!st) {
		im->fatal = true;
		return SRR_E_DB;
	}
	int s, rc = 0;
	size_t n = 0;
	while (!enough(im) && (s = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		int prc = supplier_add_sub(im->reg, sqlite3_column_int64(st, 0),
					   (const char *)sqlite3_column_text(st, 1));
		if (prc == SRR_E_NOTFOUND || prc == SRR_E_INPUT)
			rc = fail(im, (unsigned)sqlite3_column_int(st, 2),
				  (unsigned)sqlite3_column_int(st, 3), "%s",
				  srr_errmsg(im->reg));
		else if (prc) {
			im->fatal = true;
			return prc;
		}
	}
	if (rc || n == 0 || enough(im))
		return rc;
	int64_t *cycle = NULL;
	size_t len = 0;
	rc = supplier_find_cycle(im->reg, &cycle, &len);
	if (rc != SRR_E_INPUT) {
		if (rc)
			im->fatal = true;
		return rc;
	}
	/* Name the cycle by keys, and place it at a link the file made. */
	char path[ERRMSG_MAX / 2] = "";
	size_t used = 0;
	unsigned line = 1, col = 1;
	_cleanup_stmt_ sqlite3_stmt *key = reg_stmt(im->reg, "SELECT key FROM supplier WHERE id = ?1");
	_cleanup_stmt_ sqlite3_stmt *at = reg_stmt(
		im->reg, "SELECT q.line, q.col FROM temp.srr_import_sub q JOIN supplier s"
			 " ON s.key = q.key WHERE q.supplier_id = ?1 AND s.id = ?2");
	if (!key || !at) {
		free(cycle);
		im->fatal = true;
		return SRR_E_DB;
	}
	for (size_t i = 0; i < len; i++) {
		sqlite3_reset(key);
		sqlite3_bind_int64(key, 1, cycle[i]);
		if (sqlite3_step(key) == SQLITE_ROW && used < sizeof(path))
			used += (size_t)snprintf(path + used, sizeof(path) - used, "%s%s",
						 i ? " -> " : "",
						 (const char *)sqlite3_column_text(key, 0));
		if (i + 1 < len && line == 1 && col == 1) {
			sqlite3_reset(at);
			sqlite3_bind_int64(at, 1, cycle[i]);
			sqlite3_bind_int64(at, 2, cycle[i + 1]);
			if (sqlite3_step(at) == SQLITE_ROW) {
				line = (unsigned)sqlite3_column_int(at, 0);
				col = (unsigned)sqlite3_column_int(at, 1);
			}
		}
	}
	free(cycle);
	return fail(im, line, col, "subcontractors make a cycle: %s", path);
}

/* The file, supplier by supplier, as the reader thread hands them over. */
static int
walk(struct importer *im)
{
	struct ystream *ys;
	if (!ystream_open(&ys, im->in, "suppliers")) {
		im->fatal = true;
		return reg_error(im->reg, SRR_E_NOMEM, "out of memory (or no thread) reading %s",
				 im->name);
	}
	int rc = 0;
	for (;;) {
		const struct ynode *item = NULL;
		struct ystream_error err;
		enum ystream_next k = ystream_next(ys, &item, &err);
		if (k == YSTREAM_END)
			break;
		if (k == YSTREAM_ERROR) {
			im->fatal = true;
			if (err.nomem)
				rc = reg_error(im->reg, SRR_E_NOMEM, "out of memory reading %s",
					       im->name);
			else
				rc = fail(im, err.line, err.col, "%s", err.msg);
			break;
		}
		int irc = apply_supplier(im, item);
		arena_release(&im->arena);
		if (irc)
			rc = irc;
		if (enough(im))
			break;
	}
	ystream_close(ys);
	return rc;
}

static int
run(struct importer *im)
{
	int rc = reg_exec(im->reg, "CREATE TEMP TABLE IF NOT EXISTS srr_import_key"
				   " (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID");
	if (rc == 0)
		rc = reg_exec(im->reg, "CREATE TEMP TABLE IF NOT EXISTS srr_import_sub"
				       " (supplier_id INTEGER, key TEXT, line INTEGER, col INTEGER)");
	if (rc == 0)
		rc = reg_exec(im->reg, "DELETE FROM temp.srr_import_key");
	if (rc == 0)
		rc = reg_exec(im->reg, "DELETE FROM temp.srr_import_sub");
	if (rc) {
		im->fatal = true;
		return rc;
	}
	/* The import writes every page of what it adds: a cache big enough
	 * not to spill them to the WAL before the commit, within the memory
	 * budget (docs/performance.md). */
	rc = reg_exec(im->reg, "PRAGMA cache_size = -32768");
	if (rc) {
		im->fatal = true;
		return rc;
	}
	rc = policy_current(&im->policies, im->reg);
	if (rc == 0)
		im->policy = srr_policy_list_get(im->policies, 0);
	else if (rc != SRR_E_NOTFOUND && rc != SRR_E_STATE) {
		im->fatal = true;
		return rc;
	}
	rc = walk(im);
	if (!im->fatal && !enough(im)) {
		int lrc = link_subs(im);
		if (lrc)
			rc = lrc;
	}
	if (im->sum->errors)
		rc = SRR_E_INPUT;
	return rc;
}

SRR_EXPORT int
srr_import(struct srr_register *reg, FILE *in, const char *name,
	   const struct srr_import_options *options, struct srr_import_summary *summary)
{
	static const struct srr_import_options defaults = { 0 };
	struct srr_import_summary dummy;
	if (!summary)
		summary = &dummy;
	memset(summary, 0, sizeof(*summary));
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (!in)
		return reg_error(reg, SRR_E_INPUT, "no input to import");
	struct importer im = {
		.reg = reg,
		.opt = options ? options : &defaults,
		.sum = summary,
		.name = name ? name : "-",
		.in = in,
	};
	im.ctx.report = report;
	im.ctx.userdata = &im;
	rc = reg_begin(reg);
	if (rc == 0) {
		rc = run(&im);
		if (rc == 0 && im.opt->dry_run) {
			/* Everything was done and checked: undo it. */
			reg_end(reg, SRR_E_STATE);
			rc = 0;
		} else {
			char msg[ERRMSG_MAX];
			snprintf(msg, sizeof(msg), "%s", srr_errmsg(reg));
			int end = reg_end(reg, rc);
			if (rc)
				reg_error(reg, rc, "%s", msg);
			rc = end;
		}
	}
	reg_exec(reg, "PRAGMA cache_size = -2000");
	srr_policy_list_free(im.policies);
	arena_release(&im.arena);
	return rc;
}
