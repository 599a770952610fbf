/* SPDX-License-Identifier: MIT */
/*
 * srr-record/1: the canonical bytes of a record (docs/formats/record.md).
 *
 * Pure code: no I/O, no clock. One schema per record type drives both the
 * writer and the parser, so the writer cannot emit what the parser rejects.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srr/record.h"
#include "libsrr-private.h"
#include "util/cleanup.h"
#include "util/date.h"
#include "util/decimal.h"
#include "util/strbuf.h"
#include "util/text.h"

#define FIELD_MAX  65536       /* bytes of one unescaped value */
#define RECORD_MAX (16u << 20) /* bytes of one serialised record */
#define KEY_MAX	   64

enum vtype {
	V_TEXT, /* any text, may span lines */
	V_LINE, /* text without LF */
	V_KEY,	/* supplier key: [a-z0-9][a-z0-9-]* */
	V_REF,	/* contract ref: [A-Za-z0-9][A-Za-z0-9._-]* */
	V_SLUG, /* metric: [a-z0-9][a-z0-9_-]* */
	V_DATE,
	V_TIME,
	V_UINT,
	V_DEC,
	V_ENUM,
	V_HEX,
	V_SHA256,  /* 64 lowercase hex digits */
	V_PERIOD,  /* YYYY-MM or YYYY-Qn */
	V_ENTITY,  /* type/part[/part...] */
	V_ACTION,  /* noun.verb */
	V_COUNTRY, /* ISO 3166-1 alpha-2 */
};

enum mult { ONE, OPT, MANY };

struct field_spec {
	const char *name;
	enum vtype type;
	enum mult mult;
	const char *const *enums; /* V_ENUM: allowed values, NULL-terminated */
	unsigned group;		  /* >0 on a MANY field: it and the next group-1 fields repeat */
	bool sorted;		  /* MANY: strictly increasing (enum index or bytes) */
};

struct type_spec {
	const char *type;
	const struct field_spec *fields;
	size_t n;
};

static const char *const tiers[] = { "critical", "high", "medium", "low", NULL };
static const char *const supplier_status[] = { "active", "retired", NULL };
static const char *const contract_status[] = { "active", "terminated", NULL };
static const char *const clauses[] = { "right-to-audit",
				       "incident-notification-24h",
				       "subcontracting-approval",
				       "security-requirements",
				       "vulnerability-handling",
				       "data-location",
				       "termination-assistance",
				       "sla-reporting",
				       NULL };
static const char *const comparators[] = { "ge", "le", NULL };
static const char *const periods[] = { "month", "quarter", NULL };
static const char *const yesno[] = { "no", "yes", NULL };

static const struct field_spec register_fields[] = {
	{ "id", V_HEX, ONE },
	{ "schema", V_UINT, ONE },
};

static const struct field_spec supplier_fields[] = {
	{ "key", V_KEY, ONE },
	{ "name", V_LINE, ONE },
	{ "tier", V_ENUM, ONE, tiers },
	{ "country", V_COUNTRY, OPT },
	{ "status", V_ENUM, ONE, supplier_status },
	{ "service", V_LINE, MANY },
	{ "contact", V_LINE, MANY, NULL, 3 },
	{ "contact-email", V_LINE, OPT },
	{ "contact-role", V_LINE, OPT },
	{ "subcontractor", V_KEY, MANY, NULL, 0, true },
};

static const struct field_spec contract_fields[] = {
	{ "supplier", V_KEY, ONE },	{ "ref", V_REF, ONE },
	{ "start", V_DATE, ONE },	{ "end", V_DATE, ONE },
	{ "notice-days", V_UINT, OPT }, { "status", V_ENUM, ONE, contract_status },
	{ "terminated", V_DATE, OPT },	{ "clause", V_ENUM, MANY, clauses, 0, true },
};

static const struct field_spec sla_fields[] = {
	{ "supplier", V_KEY, ONE },
	{ "contract", V_REF, ONE },
	{ "metric", V_SLUG, ONE },
	{ "target", V_DEC, ONE },
	{ "comparator", V_ENUM, ONE, comparators },
	{ "unit", V_LINE, OPT },
	{ "period", V_ENUM, ONE, periods },
};

static const struct field_spec measurement_fields[] = {
	{ "supplier", V_KEY, ONE },  { "contract", V_REF, ONE }, { "metric", V_SLUG, ONE },
	{ "period", V_PERIOD, ONE }, { "value", V_DEC, ONE },	 { "breach", V_ENUM, ONE, yesno },
};

static const struct field_spec event_fields[] = {
	{ "seq", V_UINT, ONE },	     { "time", V_TIME, ONE },
	{ "actor", V_LINE, ONE },    { "action", V_ACTION, ONE },
	{ "entity", V_ENTITY, ONE }, { "record-sha256", V_SHA256, ONE },
};

static const char *const outcomes[] = { "pass", "conditional", "fail", NULL };
static const char *const severities[] = { "low", "medium", "high", "critical", NULL };
static const char *const risk_status[] = { "open", "closed", NULL };
static const char *const treatments[] = { "mitigate", "accept", "transfer", "avoid", NULL };
static const char *const subjects[] = { "risk", "treatment", "review", "policy", NULL };

static const struct field_spec review_fields[] = {
	{ "id", V_UINT, ONE },
	{ "supplier", V_KEY, ONE },
	{ "date", V_DATE, ONE },
	{ "outcome", V_ENUM, ONE, outcomes },
	{ "reviewer", V_LINE, ONE },
	{ "findings", V_TEXT, OPT },
	{ "evidence", V_LINE, MANY, NULL, 3 },
	{ "evidence-sha256", V_SHA256, ONE },
	{ "evidence-size", V_UINT, ONE },
};

static const struct field_spec incident_fields[] = {
	{ "id", V_UINT, ONE },
	{ "supplier", V_KEY, ONE },
	{ "identified", V_TIME, ONE },
	{ "notified", V_TIME, OPT },
	{ "severity", V_ENUM, ONE, severities },
	{ "summary", V_TEXT, ONE },
};

static const struct field_spec risk_fields[] = {
	{ "id", V_UINT, ONE },
	{ "supplier", V_KEY, ONE },
	{ "title", V_LINE, ONE },
	{ "description", V_TEXT, OPT },
	{ "owner", V_LINE, OPT },
	{ "likelihood", V_UINT, ONE },
	{ "impact", V_UINT, ONE },
	{ "review-date", V_DATE, OPT },
	{ "status", V_ENUM, ONE, risk_status },
	{ "treatment", V_ENUM, OPT, treatments },
	{ "residual-likelihood", V_UINT, OPT },
	{ "residual-impact", V_UINT, OPT },
	{ "justification", V_TEXT, OPT },
	{ "accept-until", V_DATE, OPT },
	{ "action", V_LINE, MANY, NULL, 4 },
	{ "action-owner", V_LINE, OPT },
	{ "action-due", V_DATE, OPT },
	{ "action-done", V_DATE, OPT },
};

static const struct field_spec policy_fields[] = {
	{ "version", V_UINT, ONE },
	{ "name", V_LINE, ONE },
	{ "cadence-critical", V_UINT, ONE },
	{ "cadence-high", V_UINT, ONE },
	{ "cadence-medium", V_UINT, ONE },
	{ "cadence-low", V_UINT, ONE },
	{ "after-incident-days", V_UINT, ONE },
	{ "after-sla-breach-days", V_UINT, ONE },
	{ "likelihood", V_LINE, MANY },
	{ "impact", V_LINE, MANY },
	{ "level", V_LINE, MANY, NULL, 2 },
	{ "level-max", V_UINT, ONE },
	{ "tolerance", V_LINE, ONE },
	{ "acceptance-max-days", V_UINT, ONE },
	{ "weight-residual", V_UINT, ONE },
	{ "weight-tier", V_UINT, ONE },
	{ "weight-sla-breach", V_UINT, ONE },
	{ "weight-overdue-review", V_UINT, ONE },
	{ "weight-clause-gap", V_UINT, ONE },
	{ "weight-late-notification", V_UINT, ONE },
	{ "trust-anchor", V_SHA256, MANY, NULL, 0, true },
	{ "crl", V_SHA256, MANY, NULL, 0, true },
	{ "approver", V_LINE, MANY, NULL, 5 },
	{ "approver-cert", V_SHA256, OPT },
	{ "approver-spki", V_SHA256, OPT },
	{ "approver-actor", V_LINE, MANY },
	{ "approver-role", V_LINE, MANY },
	{ "rule", V_ENUM, MANY, subjects, 4 },
	{ "rule-residual", V_LINE, MANY },
	{ "rule-role", V_LINE, MANY },
	{ "rule-quorum", V_UINT, ONE },
};

/* What a risk acceptance approval signs: the risk as accepted. Levels are
 * not in it (they follow the policy); the action list is the treatment
 * plan's. */
static const struct field_spec acceptance_fields[] = {
	{ "risk", V_UINT, ONE },
	{ "supplier", V_KEY, ONE },
	{ "title", V_LINE, ONE },
	{ "description", V_TEXT, OPT },
	{ "likelihood", V_UINT, ONE },
	{ "impact", V_UINT, ONE },
	{ "residual-likelihood", V_UINT, ONE },
	{ "residual-impact", V_UINT, ONE },
	{ "justification", V_TEXT, ONE },
	{ "accept-until", V_DATE, ONE },
};

/* What a treatment plan approval signs: the decision and its actions,
 * without their progress (marking an action done does not change the
 * plan). */
static const struct field_spec treatment_plan_fields[] = {
	{ "risk", V_UINT, ONE },
	{ "supplier", V_KEY, ONE },
	{ "title", V_LINE, ONE },
	{ "description", V_TEXT, OPT },
	{ "likelihood", V_UINT, ONE },
	{ "impact", V_UINT, ONE },
	{ "treatment", V_ENUM, ONE, treatments },
	{ "residual-likelihood", V_UINT, ONE },
	{ "residual-impact", V_UINT, ONE },
	{ "justification", V_TEXT, OPT },
	{ "accept-until", V_DATE, OPT },
	{ "action", V_LINE, MANY, NULL, 3 },
	{ "action-owner", V_LINE, OPT },
	{ "action-due", V_DATE, OPT },
};

/* An approval request and the signatures on it (the state its events log). */
static const struct field_spec approval_fields[] = {
	{ "id", V_UINT, ONE },
	{ "subject", V_ENUM, ONE, subjects },
	{ "target", V_ENTITY, ONE },
	{ "record-sha256", V_SHA256, ONE },
	{ "requester", V_LINE, ONE },
	{ "requested", V_TIME, ONE },
	{ "signature", V_SHA256, MANY, NULL, 3 }, /* of the .p7s */
	{ "signer", V_SHA256, ONE },		  /* the certificate's SHA-256 */
	{ "signed", V_TIME, ONE },
	{ "rejected-by", V_LINE, OPT },
	{ "rejected", V_TIME, OPT },
	{ "reason", V_TEXT, OPT },
	{ "rejection-signature", V_SHA256, OPT },
	{ "rejection-signer", V_SHA256, OPT },
};

/* What a signed refusal signs. */
static const struct field_spec rejection_fields[] = {
	{ "approval", V_UINT, ONE },
	{ "target", V_ENTITY, ONE },
	{ "record-sha256", V_SHA256, ONE },
	{ "reason", V_TEXT, ONE },
};

/* An auditor bundle's description (docs/formats/bundle.md). */
static const char *const bundle_kinds[] = { "full", "sample", NULL };
static const struct field_spec bundle_fields[] = {
	{ "format", V_UINT, ONE },   { "origin", V_HEX, ONE },
	{ "created", V_TIME, ONE },  { "kind", V_ENUM, ONE, bundle_kinds },
	{ "events", V_UINT, ONE },   { "checkpoint", V_UINT, ONE },
	{ "sample", V_UINT, OPT },   { "seed", V_UINT, OPT },
	{ "item", V_ENTITY, MANY, NULL, 0, true },
};

/* An RFC 9162 inclusion proof of one event against a checkpoint. */
static const struct field_spec inclusion_fields[] = {
	{ "seq", V_UINT, ONE },
	{ "checkpoint", V_UINT, ONE },
	{ "tree-size", V_UINT, ONE },
	{ "hash", V_SHA256, MANY },
};

#define TYPE(name, f)                                                                              \
	{                                                                                          \
		name, f, ARRAY_LEN(f)                                                              \
	}
static const struct type_spec types[] = {
	TYPE("acceptance", acceptance_fields),
	TYPE("bundle", bundle_fields),
	TYPE("inclusion", inclusion_fields),
	TYPE("approval", approval_fields),
	TYPE("rejection", rejection_fields),
	TYPE("treatment-plan", treatment_plan_fields),
	TYPE("contract", contract_fields), TYPE("event", event_fields),
	TYPE("incident", incident_fields), TYPE("measurement", measurement_fields),
	TYPE("policy", policy_fields),	   TYPE("register", register_fields),
	TYPE("review", review_fields),	   TYPE("risk", risk_fields),
	TYPE("sla", sla_fields),	   TYPE("supplier", supplier_fields),
};

/* name and value share one allocation, owned by name: a record is built
 * for every change and every event, so each field costs one malloc. */
struct field {
	char *name;
	char *value;
};

struct srr_record {
	char *type; /* in the same allocation as the record */
	struct field *f;
	size_t n, cap;
	bool oom;
};

static const struct type_spec *
find_type(const char *type)
{
	for (size_t i = 0; i < ARRAY_LEN(types); i++)
		if (strcmp(types[i].type, type) == 0)
			return &types[i];
	return NULL;
}

__attribute__((format(printf, 3, 4))) static int
fail(char *errbuf, size_t size, const char *fmt, ...)
{
	if (errbuf && size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(errbuf, size, fmt, ap);
		va_end(ap);
	}
	return SRR_E_INPUT;
}

SRR_EXPORT int
srr_record_new(struct srr_record **out, const char *type)
{
	size_t len = strlen(type);
	struct srr_record *r = calloc(1, sizeof(*r) + len + 1);
	if (!r)
		return SRR_E_NOMEM;
	r->type = (char *)(r + 1);
	memcpy(r->type, type, len + 1);
	*out = r;
	return 0;
}

SRR_EXPORT void
srr_record_free(struct srr_record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i].name);
	free(r->f);
	free(r);
}

static int
add_n(struct srr_record *r, const char *name, const char *value, size_t vlen)
{
	if (r->oom)
		return SRR_E_NOMEM;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct field *f = realloc(r->f, cap * sizeof(*f));
		if (!f)
			goto oom;
		r->f = f;
		r->cap = cap;
	}
	size_t nlen = strlen(name);
	char *n = malloc(nlen + 1 + vlen + 1);
	if (!n)
		goto oom;
	char *v = n + nlen + 1;
	memcpy(n, name, nlen + 1);
	memcpy(v, value, vlen);
	v[vlen] = '\0';
	r->f[r->n++] = (struct field){ n, v };
	return 0;
oom:
	/* Remember: a record missing a field must never serialise. */
	r->oom = true;
	return SRR_E_NOMEM;
}

SRR_EXPORT int
srr_record_add(struct srr_record *r, const char *name, const char *value)
{
	if (!value || !*value)
		return 0;
	return add_n(r, name, value, strlen(value));
}

SRR_EXPORT int
srr_record_add_int(struct srr_record *r, const char *name, long long value)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", value);
	return add_n(r, name, buf, (size_t)n);
}

static bool
is_ref(const char *s, size_t max)
{
	size_t len = strlen(s);
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			ok = true;
		if (!ok)
			return false;
	}
	return true;
}

static int
enum_index(const char *const *enums, const char *v)
{
	for (int i = 0; enums[i]; i++)
		if (strcmp(enums[i], v) == 0)
			return i;
	return -1;
}

static bool
value_ok(const struct field_spec *fs, const char *v)
{
	size_t len = strlen(v);
	int64_t t;
	if (len == 0 || len > FIELD_MAX || !utf8_valid(v, len))
		return false;
	if (text_find_control(v, len, fs->type == V_TEXT) != len)
		return false;
	switch (fs->type) {
	case V_TEXT:
	case V_LINE:
		return true;
	case V_KEY:
		return text_is_slug(v, KEY_MAX, NULL);
	case V_SLUG:
		return text_is_slug(v, KEY_MAX, "_");
	case V_REF:
		return is_ref(v, KEY_MAX);
	case V_DATE:
		return date_parse(v, &t);
	case V_TIME:
		return time_parse(v, &t);
	case V_UINT:
		if (len > 18 || (v[0] == '0' && len > 1))
			return false;
		return strspn(v, "0123456789") == len;
	case V_DEC:
		return decimal_is_canonical(v);
	case V_ENUM:
		return enum_index(fs->enums, v) >= 0;
	case V_HEX:
		return len % 2 == 0 && len <= 128 && strspn(v, "0123456789abcdef") == len;
	case V_SHA256:
		return len == 64 && strspn(v, "0123456789abcdef") == len;
	case V_PERIOD:
		return period_month_valid(v) || period_quarter_valid(v);
	case V_COUNTRY:
		return len == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z';
	case V_ACTION: {
		const char *dot = strchr(v, '.');
		if (!dot || dot == v || !dot[1])
			return false;
		return strspn(v, "abcdefghijklmnopqrstuvwxyz-.") == len && !strchr(dot + 1, '.');
	}
	case V_ENTITY: {
		const char *slash = strchr(v, '/');
		if (!slash || slash == v)
			return false;
		for (const char *p = slash; p; p = strchr(p + 1, '/')) {
			size_t seg = strcspn(p + 1, "/");
			char part[KEY_MAX + 1];
			if (seg == 0 || seg > KEY_MAX)
				return false;
			memcpy(part, p + 1, seg);
			part[seg] = '\0';
			if (!is_ref(part, KEY_MAX))
				return false;
		}
		return strspn(v, "abcdefghijklmnopqrstuvwxyz") == (size_t)(slash - v);
	}
	}
	return false;
}

static int
compare_sorted(const struct field_spec *fs, const char *a, const char *b)
{
	if (fs->type == V_ENUM)
		return enum_index(fs->enums, a) - enum_index(fs->enums, b);
	return strcmp(a, b);
}

/* Walk the fields against the schema. On failure *at is the index of the
 * offending field (or r->n when one is missing at the end). */
static int
validate(const struct srr_record *r, const struct type_spec *ts, size_t *at, char *err,
	 size_t errsz)
{
	size_t i = 0;
	for (size_t s = 0; s < ts->n; s++) {
		const struct field_spec *fs = &ts->fields[s];
		unsigned group = fs->group ? fs->group : 1;
		size_t count = 0, prev = 0;
		while (i < r->n && strcmp(r->f[i].name, fs->name) == 0) {
			*at = i;
			if (!value_ok(fs, r->f[i].value))
				return fail(err, errsz, "invalid value for '%s'", fs->name);
			if (fs->sorted && count > 0 &&
			    compare_sorted(fs, r->f[prev].value, r->f[i].value) >= 0)
				return fail(err, errsz, "'%s' values out of order or repeated",
					    fs->name);
			prev = i++;
			count++;
			/* The rest of a group belongs to this occurrence. */
			for (unsigned g = 1; g < group; g++) {
				const struct field_spec *gs = &ts->fields[s + g];
				size_t seen = 0;
				while (i < r->n && strcmp(r->f[i].name, gs->name) == 0) {
					*at = i;
					if (!value_ok(gs, r->f[i].value))
						return fail(err, errsz, "invalid value for '%s'",
							    gs->name);
					if (gs->sorted && seen > 0 &&
					    compare_sorted(gs, r->f[i - 1].value, r->f[i].value) >=
						    0)
						return fail(err, errsz,
							    "'%s' values out of order or repeated",
							    gs->name);
					i++;
					if (++seen == 1 && gs->mult != MANY)
						break;
				}
				if (seen == 0 && gs->mult == ONE) {
					*at = i;
					return fail(err, errsz, "missing field '%s'", gs->name);
				}
			}
			if (fs->mult != MANY)
				break;
		}
		if (count == 0 && fs->mult == ONE) {
			*at = i;
			return fail(err, errsz, "missing field '%s'", fs->name);
		}
		s += group - 1;
	}
	if (i < r->n) {
		*at = i;
		const char *name = r->f[i].name;
		for (size_t s = 0; s < ts->n; s++)
			if (strcmp(ts->fields[s].name, name) == 0)
				return fail(err, errsz, "field '%s' out of order or repeated",
					    name);
		return fail(err, errsz, "unknown field '%s' in a %s record", name, ts->type);
	}
	return 0;
}

static void
put_escaped(struct strbuf *sb, const char *v)
{
	for (;;) {
		size_t n = strcspn(v, "\\\n");
		strbuf_append(sb, v, n);
		v += n;
		if (!*v)
			return;
		strbuf_append(sb, *v == '\\' ? "\\\\" : "\\n", 2);
		v++;
	}
}

static int write_record(char **out, size_t *len, const struct srr_record *r, char *err,
			size_t errsz);

SRR_EXPORT int
srr_record_serialize(char **out, size_t *len, const struct srr_record *r, char *err, size_t errsz)
{
	if (r->oom)
		return SRR_E_NOMEM;
	const struct type_spec *ts = find_type(r->type);
	if (!ts)
		return fail(err, errsz, "unknown record type '%s'", r->type);
	size_t at = 0;
	int rc = validate(r, ts, &at, err, errsz);
	if (rc)
		return rc;
	return write_record(out, len, r, err, errsz);
}

static int
write_record(char **out, size_t *len, const struct srr_record *r, char *err, size_t errsz)
{
	/* One allocation for the usual record (escapes may still grow it). */
	size_t size = sizeof(SRR_RECORD_MAGIC " ") + strlen(r->type) + 1;
	for (size_t i = 0; i < r->n; i++)
		size += strlen(r->f[i].name) + strlen(r->f[i].value) + 2;
	struct strbuf sb = STRBUF_INIT;
	strbuf_reserve(&sb, size);
	strbuf_puts(&sb, SRR_RECORD_MAGIC " ");
	strbuf_puts(&sb, r->type);
	strbuf_putc(&sb, '\n');
	for (size_t i = 0; i < r->n; i++) {
		strbuf_puts(&sb, r->f[i].name);
		strbuf_putc(&sb, ' ');
		put_escaped(&sb, r->f[i].value);
		strbuf_putc(&sb, '\n');
	}
	if (!sb.oom && sb.len > RECORD_MAX) {
		strbuf_release(&sb);
		return fail(err, errsz, "record larger than %u bytes", RECORD_MAX);
	}
	*out = strbuf_steal(&sb, len);
	return *out ? 0 : SRR_E_NOMEM;
}

static bool
name_ok(const char *s, size_t n)
{
	if (n == 0 || n > KEY_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Unescape one value into sb; false on a stray backslash. */
static bool
unescape(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_reset(sb);
	const char *end = s + n;
	while (s < end) {
		const char *bs = memchr(s, '\\', (size_t)(end - s));
		if (!bs) {
			strbuf_append(sb, s, (size_t)(end - s));
			break;
		}
		strbuf_append(sb, s, (size_t)(bs - s));
		if (bs + 1 == end)
			return false;
		if (bs[1] == '\\')
			strbuf_putc(sb, '\\');
		else if (bs[1] == 'n')
			strbuf_putc(sb, '\n');
		else
			return false;
		s = bs + 2;
	}
	return true;
}

SRR_EXPORT int
srr_record_parse(struct srr_record **out, const char *buf, size_t len, char *err, size_t errsz)
{
	*out = NULL;
	if (len > RECORD_MAX)
		return fail(err, errsz, "record larger than %u bytes", RECORD_MAX);
	if (len == 0 || buf[len - 1] != '\n')
		return fail(err, errsz, "record does not end with a line feed");
	if (!utf8_valid(buf, len))
		return fail(err, errsz, "record is not valid UTF-8");
	size_t bad = text_find_control(buf, len, true);
	if (bad != len) {
		unsigned line = 1;
		for (size_t i = 0; i < bad; i++)
			line += buf[i] == '\n';
		return fail(err, errsz, "line %u: control character 0x%02x", line,
			    (unsigned char)buf[bad]);
	}

	const char *nl = memchr(buf, '\n', len);
	size_t mlen = strlen(SRR_RECORD_MAGIC);
	if ((size_t)(nl - buf) <= mlen + 1 || memcmp(buf, SRR_RECORD_MAGIC " ", mlen + 1) != 0)
		return fail(err, errsz, "line 1: not an " SRR_RECORD_MAGIC " record");
	_cleanup_free_ char *type = strndup(buf + mlen + 1, (size_t)(nl - buf) - mlen - 1);
	if (!type)
		return SRR_E_NOMEM;
	const struct type_spec *ts = find_type(type);
	if (!ts)
		return fail(err, errsz, "line 1: unknown record type '%s'", type);

	struct srr_record *r;
	int rc = srr_record_new(&r, type);
	if (rc)
		return rc;
	/* Declared before the first jump to out: cleanup must see NULL. */
	_cleanup_free_ char *again = NULL;
	struct strbuf val = STRBUF_INIT;
	const char *p = nl + 1, *end = buf + len;
	unsigned line = 2;
	for (; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *sp = memchr(p, ' ', (size_t)(eol - p));
		if (!sp || !name_ok(p, (size_t)(sp - p))) {
			rc = fail(err, errsz, "line %u: expected 'name value'", line);
			goto out;
		}
		if (sp + 1 == eol) {
			rc = fail(err, errsz, "line %u: empty value", line);
			goto out;
		}
		if (!unescape(&val, sp + 1, (size_t)(eol - sp - 1))) {
			rc = fail(err, errsz, "line %u: invalid escape (only \\\\ and \\n)", line);
			goto out;
		}
		if (val.oom) {
			rc = SRR_E_NOMEM;
			goto out;
		}
		_cleanup_free_ char *name = strndup(p, (size_t)(sp - p));
		if (!name || (rc = add_n(r, name, val.buf, val.len)))
			goto out_nomem;
		p = eol + 1;
	}

	size_t at = 0;
	char why[160];
	rc = validate(r, ts, &at, why, sizeof(why));
	if (rc) {
		fail(err, errsz, "line %zu: %s", at + 2, why);
		goto out;
	}
	/* Belt and braces: canonical means the bytes come back unchanged. */
	size_t again_len;
	rc = write_record(&again, &again_len, r, err, errsz);
	if (rc)
		goto out;
	if (again_len != len || memcmp(again, buf, len) != 0) {
		rc = fail(err, errsz, "record is not in canonical form");
		goto out;
	}
	strbuf_release(&val);
	*out = r;
	return 0;
out_nomem:
	rc = SRR_E_NOMEM;
out:
	strbuf_release(&val);
	srr_record_free(r);
	return rc;
}

SRR_EXPORT const char *
srr_record_type(const struct srr_record *r)
{
	return r->type;
}

SRR_EXPORT size_t
srr_record_count(const struct srr_record *r)
{
	return r->n;
}

SRR_EXPORT const char *
srr_record_name(const struct srr_record *r, size_t i)
{
	return i < r->n ? r->f[i].name : NULL;
}

SRR_EXPORT const char *
srr_record_value(const struct srr_record *r, size_t i)
{
	return i < r->n ? r->f[i].value : NULL;
}

SRR_EXPORT const char *
srr_record_get(const struct srr_record *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].name, name) == 0)
			return r->f[i].value;
	return NULL;
}
