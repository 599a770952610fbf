/* SPDX-License-Identifier: MIT */
/*
 * Entities by the names the log gives them: the state each holds now, as
 * the record its own module builds (the builder its events are logged
 * with), and a walk over all of them. This file parses names and
 * dispatches; the SQL stays with the modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval-private.h"
#include "contract-private.h"
#include "entity-private.h"
#include "incident-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "review-private.h"
#include "risk-private.h"
#include "sla-private.h"
#include "srr/supplier.h"
#include "supplier-private.h"
#include "util/date.h"
#include "util/text.h"

#define PART_MAX  64  /* a key, ref or metric (docs/formats/record.md) */
#define PARTS_MAX 4   /* measurement/KEY/REF/METRIC/PERIOD */
#define HEX_MAX	  128 /* a register id is a record's hex value */
#define NAME_LEN  (16 + PARTS_MAX * (PART_MAX + 1) + 1)

/* What a part of a name must be. None holds a '/', so names split on it. */
enum part {
	P_KEY,	  /* supplier key: [a-z0-9][a-z0-9-]* */
	P_REF,	  /* contract ref: [A-Za-z0-9][A-Za-z0-9._-]* */
	P_SLUG,	  /* SLA metric: [a-z0-9][a-z0-9_-]* */
	P_PERIOD, /* YYYY-MM or YYYY-Qn */
	P_ID,	  /* a row id or version as the log writes it: no sign, no leading zero */
	P_HEX,	  /* the register id */
};

/* A parsed name: buf holds it with each '/' made a NUL. */
struct ename {
	const char *name;
	char buf[NAME_LEN];
	const char *part[PARTS_MAX];
	int64_t id; /* of a name whose part is a P_ID */
};

struct etype {
	const char *type;
	size_t n_parts;
	enum part parts[PARTS_MAX];
	int (*state)(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len);
	int (*each)(struct srr_register *reg, entity_fn fn, void *userdata);
};

int
entity_each_row(struct srr_register *reg, sqlite3_stmt *st, entity_fn fn, void *userdata)
{
	int s = SQLITE_DONE, rc = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(userdata, (const char *)sqlite3_column_text(st, 0));
	if (rc == 0 && s != SQLITE_DONE)
		return reg_db_error(reg, "listing the register's entities");
	return rc;
}

/* --- the state of each type -------------------------------------------- */

/* Rows that make no valid record were not written by srr: "checked, and
 * damaged", unlike a name that is not one (SRR_E_INPUT). */
static int
damaged(struct srr_register *reg, const struct ename *e)
{
	char why[ERRMSG_MAX];
	snprintf(why, sizeof(why), "%s", reg->errmsg);
	return reg_error(reg, SRR_E_FORMAT, "%s: its rows make no valid record (%s)", e->name, why);
}

/* Serialise a module's record exactly as log_append() does. */
static int
serialized(struct srr_register *reg, const struct ename *e, int rc, struct srr_record *rec,
	   char **bytes, size_t *len)
{
	if (rc == 0) {
		rc = log_serialize(reg, rec, bytes, len);
		if (rc == SRR_E_INPUT)
			rc = damaged(reg, e);
	}
	srr_record_free(rec);
	return rc;
}

static int
register_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	if (strcmp(e->part[0], reg->id) != 0)
		return reg_error(reg, SRR_E_NOTFOUND, "%s: this is register %s", e->name, reg->id);
	struct srr_record *rec = NULL;
	int rc = register_state_record(reg, &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
supplier_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = supplier_state_record(reg, e->part[0], &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
contract_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = contract_state_record(reg, e->part[0], e->part[1], &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
sla_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = sla_state_record(reg, e->part[0], e->part[1], e->part[2], &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
measurement_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc =
		measurement_state_record(reg, e->part[0], e->part[1], e->part[2], e->part[3], &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
policy_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	/* Stored as the bytes its event logged: nothing to build. */
	return policy_state_record(reg, e->id, bytes, len);
}

static int
review_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = review_record(reg, e->id, &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
incident_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = incident_state_record(reg, e->id, &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
risk_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	struct srr_record *rec = NULL;
	int rc = risk_state_record(reg, e->id, &rec);
	return serialized(reg, e, rc, rec, bytes, len);
}

static int
approval_state(struct srr_register *reg, const struct ename *e, char **bytes, size_t *len)
{
	int rc = approval_record(reg, e->id, bytes, len);
	return rc == SRR_E_INPUT ? damaged(reg, e) : rc;
}

/* --- the walk ---------------------------------------------------------- */

static int
register_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	char name[16 + sizeof(reg->id)];
	snprintf(name, sizeof(name), "register/%s", reg->id);
	return fn(userdata, name);
}

/* In the order entity_each() walks them (docs/formats/register.md). */
static const struct etype types[] = {
	{ "register", 1, { P_HEX }, register_state, register_entities },
	{ "supplier", 1, { P_KEY }, supplier_state, supplier_entities },
	{ "contract", 2, { P_KEY, P_REF }, contract_state, contract_entities },
	{ "sla", 3, { P_KEY, P_REF, P_SLUG }, sla_state, sla_entities },
	{ "measurement",
	  4,
	  { P_KEY, P_REF, P_SLUG, P_PERIOD },
	  measurement_state,
	  measurement_entities },
	{ "policy", 1, { P_ID }, policy_state, policy_entities },
	{ "review", 1, { P_ID }, review_state, review_entities },
	{ "incident", 1, { P_ID }, incident_state, incident_entities },
	{ "risk", 1, { P_ID }, risk_state, risk_entities },
	{ "approval", 1, { P_ID }, approval_state, approval_entities },
};

int
entity_each(struct srr_register *reg, entity_fn fn, void *userdata)
{
	int rc = reg_require_open(reg);
	for (size_t i = 0; rc == 0 && i < ARRAY_LEN(types); i++)
		rc = types[i].each(reg, fn, userdata);
	return rc;
}

/* --- names ------------------------------------------------------------- */

static bool
part_ok(struct srr_register *reg, enum part kind, const char *p, int64_t *id)
{
	size_t len = strlen(p);
	switch (kind) {
	case P_KEY:
		return srr_supplier_key_valid(p);
	case P_REF:
		return contract_check_ref(reg, p) == 0;
	case P_SLUG:
		return text_is_slug(p, PART_MAX, "_");
	case P_PERIOD:
		return period_month_valid(p) || period_quarter_valid(p);
	case P_ID:
		if (len == 0 || len > 18 || (p[0] == '0' && len > 1) ||
		    strspn(p, "0123456789") != len)
			return false;
		*id = strtoll(p, NULL, 10);
		return true;
	case P_HEX:
		return len > 0 && len % 2 == 0 && len <= HEX_MAX &&
		       strspn(p, "0123456789abcdef") == len;
	}
	return false;
}

static const char *const part_names[] = {
	[P_KEY] = "a supplier key", [P_REF] = "a contract reference",
	[P_SLUG] = "an SLA metric", [P_PERIOD] = "a period (YYYY-MM or YYYY-Qn)",
	[P_ID] = "an id",	    [P_HEX] = "a register id",
};

static int
parse(struct srr_register *reg, const char *name, struct ename *e, const struct etype **out)
{
	size_t len = name ? strlen(name) : 0;
	e->name = name ? name : "";
	e->id = 0;
	if (len == 0 || len >= sizeof(e->buf))
		return reg_error(reg, SRR_E_INPUT, "'%.*s' is not an entity name: %s", 80, e->name,
				 len ? "too long" : "empty");
	memcpy(e->buf, name, len + 1);
	char *slash = strchr(e->buf, '/');
	const struct etype *t = NULL;
	if (slash) {
		*slash = '\0';
		for (size_t i = 0; !t && i < ARRAY_LEN(types); i++)
			if (strcmp(types[i].type, e->buf) == 0)
				t = &types[i];
	}
	if (!t)
		return reg_error(reg, SRR_E_INPUT, "'%s' is not an entity name: no known type",
				 name);
	size_t n = 0;
	for (char *p = slash + 1; p; n++) {
		char *next = strchr(p, '/');
		if (next)
			*next++ = '\0';
		if (n < t->n_parts)
			e->part[n] = p;
		p = next;
	}
	if (n != t->n_parts)
		return reg_error(reg, SRR_E_INPUT,
				 "'%s' is not an entity name: %s names have %zu "
				 "part%s after the type",
				 name, t->type, t->n_parts, t->n_parts == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		if (!part_ok(reg, t->parts[i], e->part[i], &e->id))
			return reg_error(reg, SRR_E_INPUT,
					 "'%s' is not an entity name: '%s' is not %s", name,
					 e->part[i], part_names[t->parts[i]]);
	*out = t;
	return 0;
}

int
entity_record(struct srr_register *reg, const char *entity, char **bytes, size_t *len)
{
	struct ename e;
	const struct etype *t = NULL;
	*bytes = NULL;
	*len = 0;
	int rc = reg_require_open(reg);
	if (rc == 0)
		rc = parse(reg, entity, &e, &t);
	if (rc == 0)
		rc = t->state(reg, &e, bytes, len);
	if (rc) {
		free(*bytes);
		*bytes = NULL;
		*len = 0;
	}
	return rc;
}
