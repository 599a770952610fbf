/* SPDX-License-Identifier: MIT */
/*
 * Suppliers: validation, rows, and their canonical record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "supplier-private.h"
#include "srr/supplier.h"
#include "util/arena.h"
#include "util/text.h"

#define KEY_MAX	 64
#define TEXT_MAX 256

struct srr_supplier_list {
	LIST_FIELDS(struct srr_supplier);
};

static const char *const tier_names[] = { NULL, "critical", "high", "medium", "low" };

SRR_EXPORT const char *
srr_tier_name(enum srr_tier tier)
{
	return tier > SRR_TIER_NONE && tier <= SRR_TIER_LOW ? tier_names[tier] : NULL;
}

SRR_EXPORT enum srr_tier
srr_tier_from_name(const char *name)
{
	for (int t = SRR_TIER_CRITICAL; name && t <= SRR_TIER_LOW; t++)
		if (strcmp(tier_names[t], name) == 0)
			return (enum srr_tier)t;
	return SRR_TIER_NONE;
}

SRR_EXPORT int
srr_supplier_key_valid(const char *key)
{
	return key && text_is_slug(key, KEY_MAX, NULL);
}

int
supplier_check_key(struct srr_register *reg, const char *key)
{
	if (!key || !*key)
		return reg_error(reg, SRR_E_INPUT, "no supplier key given");
	if (!srr_supplier_key_valid(key))
		return reg_error(reg, SRR_E_INPUT,
				 "supplier key '%s' is invalid: use lowercase letters, digits and "
				 "'-', starting with a letter or digit, at most %d bytes",
				 key, KEY_MAX);
	return 0;
}

int
supplier_lookup(struct srr_register *reg, const char *key, int64_t *id, bool *retired)
{
	int rc = supplier_check_key(reg, key);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT id, status FROM supplier WHERE key = ?1");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND, "no supplier '%s'", key);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "looking up a supplier");
	*id = sqlite3_column_int64(st, 0);
	if (retired)
		*retired = strcmp((const char *)sqlite3_column_text(st, 1), "retired") == 0;
	return 0;
}

static int
check_country(struct srr_register *reg, const char *cc)
{
	if (!cc)
		return 0;
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return reg_error(reg, SRR_E_INPUT,
				 "country '%s' is not an ISO 3166-1 alpha-2 code (e.g. DE)", cc);
	return 0;
}

static int
check_contact(struct srr_register *reg, const struct srr_contact *c, size_t i)
{
	char what[64];
	snprintf(what, sizeof(what), "contact %zu name", i + 1);
	int rc = reg_check_text(reg, what, c->name ? c->name : "", TEXT_MAX, false);
	if (rc == 0 && c->email) {
		snprintf(what, sizeof(what), "contact %zu email", i + 1);
		rc = reg_check_text(reg, what, c->email, TEXT_MAX, false);
		const char *at = strchr(c->email, '@');
		if (rc == 0 && (!at || at == c->email || !at[1] || strchr(c->email, ' ')))
			rc = reg_error(reg, SRR_E_INPUT, "contact %zu email '%s' is not an address",
				       i + 1, c->email);
	}
	if (rc == 0 && c->role) {
		snprintf(what, sizeof(what), "contact %zu role", i + 1);
		rc = reg_check_text(reg, what, c->role, TEXT_MAX, false);
	}
	return rc;
}

/* Everything about a supplier that needs no other row. */
static int
check_supplier(struct srr_register *reg, const struct srr_supplier *s)
{
	int rc = supplier_check_key(reg, s->key);
	if (rc == 0)
		rc = reg_check_text(reg, "supplier name", s->name ? s->name : "", TEXT_MAX, false);
	if (rc == 0 && !srr_tier_name(s->tier))
		rc = reg_error(reg, SRR_E_INPUT,
			       "supplier tier must be one of critical, high, medium, low");
	if (rc == 0)
		rc = check_country(reg, s->country);
	for (size_t i = 0; rc == 0 && i < s->n_services; i++) {
		char what[64];
		snprintf(what, sizeof(what), "service %zu", i + 1);
		rc = reg_check_text(reg, what, s->services[i] ? s->services[i] : "", TEXT_MAX,
				    false);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(s->services[i], s->services[j]) == 0)
				rc = reg_error(reg, SRR_E_INPUT, "service '%s' is listed twice",
					       s->services[i]);
	}
	for (size_t i = 0; rc == 0 && i < s->n_contacts; i++)
		rc = check_contact(reg, &s->contacts[i], i);
	for (size_t i = 0; rc == 0 && i < s->n_subcontractors; i++) {
		rc = supplier_check_key(reg, s->subcontractors[i]);
		if (rc == 0 && strcmp(s->subcontractors[i], s->key) == 0)
			rc = reg_error(reg, SRR_E_INPUT,
				       "supplier '%s' cannot be its own subcontractor", s->key);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(s->subcontractors[i], s->subcontractors[j]) == 0)
				rc = reg_error(reg, SRR_E_INPUT,
					       "subcontractor '%s' is listed twice",
					       s->subcontractors[i]);
	}
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
to_record(struct srr_register *reg, const struct srr_supplier *s, struct srr_record **out)
{
	struct srr_record *r;
	if (srr_record_new(&r, "supplier"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add(r, "key", s->key);
	srr_record_add(r, "name", s->name);
	srr_record_add(r, "tier", srr_tier_name(s->tier));
	srr_record_add(r, "country", s->country);
	srr_record_add(r, "status", s->retired ? "retired" : "active");
	for (size_t i = 0; i < s->n_services; i++)
		srr_record_add(r, "service", s->services[i]);
	for (size_t i = 0; i < s->n_contacts; i++) {
		srr_record_add(r, "contact", s->contacts[i].name);
		srr_record_add(r, "contact-email", s->contacts[i].email);
		srr_record_add(r, "contact-role", s->contacts[i].role);
	}
	/* A set, so canonically sorted; the caller's order does not matter. */
	const char **subs = NULL;
	if (s->n_subcontractors) {
		subs = malloc(s->n_subcontractors * sizeof(*subs));
		if (!subs) {
			srr_record_free(r);
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		}
		memcpy(subs, s->subcontractors, s->n_subcontractors * sizeof(*subs));
		qsort(subs, s->n_subcontractors, sizeof(*subs), cmp_str);
	}
	for (size_t i = 0; i < s->n_subcontractors; i++)
		srr_record_add(r, "subcontractor", subs[i]);
	free(subs);
	*out = r;
	return 0;
}

static int
serialize(struct srr_register *reg, const struct srr_supplier *s, char **out, size_t *len)
{
	struct srr_record *r;
	int rc = to_record(reg, s, &r);
	if (rc)
		return rc;
	rc = log_serialize(reg, r, out, len);
	srr_record_free(r);
	return rc;
}

static int
log_supplier(struct srr_register *reg, const char *action, const struct srr_supplier *s)
{
	struct srr_record *r;
	int rc = to_record(reg, s, &r);
	if (rc)
		return rc;
	char entity[KEY_MAX + 16];
	snprintf(entity, sizeof(entity), "supplier/%s", s->key);
	rc = log_append(reg, action, entity, r);
	srr_record_free(r);
	return rc;
}

/* Would making sub a subcontractor of id close a loop? */
static int
check_no_cycle(struct srr_register *reg, int64_t id, const char *key, int64_t sub,
	       const char *sub_key)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "WITH RECURSIVE reach(id) AS (SELECT ?1 UNION SELECT s.sub_id FROM"
			      " subcontractor s JOIN reach r ON s.supplier_id = r.id)"
			      " SELECT 1 FROM reach WHERE id = ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, sub);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return reg_error(reg, SRR_E_INPUT,
				 "subcontractor '%s' would make a cycle: '%s' already relies on "
				 "'%s' through its subcontractors",
				 sub_key, sub_key, key);
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "checking subcontractors");
	return 0;
}

static int
step_done(struct srr_register *reg, sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, what);
	return 0;
}

static int
write_children(struct srr_register *reg, int64_t id, const struct srr_supplier *s, bool subs,
	       bool fresh)
{
	static const char *const clear[] = {
		"DELETE FROM supplier_service WHERE supplier_id = ?1",
		"DELETE FROM supplier_contact WHERE supplier_id = ?1",
		"DELETE FROM subcontractor WHERE supplier_id = ?1",
	};
	int rc = 0;
	for (size_t i = 0; !fresh && rc == 0 && i < ARRAY_LEN(clear); i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, clear[i]);
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		rc = step_done(reg, st, "writing a supplier");
	}
	for (size_t i = 0; rc == 0 && i < s->n_services; i++) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "INSERT INTO supplier_service (supplier_id, pos, name) "
				      "VALUES (?1, ?2, ?3)");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, s->services[i]);
		rc = step_done(reg, st, "writing a service");
	}
	for (size_t i = 0; rc == 0 && i < s->n_contacts; i++) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "INSERT INTO supplier_contact (supplier_id, pos, name, email,"
				      " role) VALUES (?1, ?2, ?3, ?4, ?5)");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, s->contacts[i].name);
		bind_text(st, 4, s->contacts[i].email);
		bind_text(st, 5, s->contacts[i].role);
		rc = step_done(reg, st, "writing a contact");
	}
	for (size_t i = 0; subs && rc == 0 && i < s->n_subcontractors; i++) {
		int64_t sub;
		rc = supplier_lookup(reg, s->subcontractors[i], &sub, NULL);
		if (rc == SRR_E_NOTFOUND)
			rc = reg_error(reg, SRR_E_NOTFOUND, "subcontractor '%s' is not a supplier",
				       s->subcontractors[i]);
		if (rc == 0)
			rc = check_no_cycle(reg, id, s->key, sub, s->subcontractors[i]);
		if (rc)
			break;
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO subcontractor (supplier_id, sub_id) VALUES (?1, ?2)");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, sub);
		rc = step_done(reg, st, "writing a subcontractor");
	}
	return rc;
}

static int
do_add(struct srr_register *reg, const struct srr_supplier *in)
{
	struct srr_supplier s = *in;
	s.retired = 0;
	int rc = check_supplier(reg, &s);
	if (rc)
		return rc;
	int64_t id;
	rc = supplier_lookup(reg, s.key, &id, NULL);
	if (rc == 0)
		return reg_error(reg, SRR_E_EXISTS, "supplier '%s' already exists", s.key);
	if (rc != SRR_E_NOTFOUND)
		return rc;

	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO supplier (key, name, tier, country, created, updated)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, s.key);
	bind_text(st, 2, s.name);
	bind_text(st, 3, srr_tier_name(s.tier));
	bind_text(st, 4, s.country);
	bind_text(st, 5, now);
	rc = step_done(reg, st, "adding a supplier");
	if (rc)
		return rc;
	id = sqlite3_last_insert_rowid(reg->db);
	rc = write_children(reg, id, &s, true, true);
	if (rc == 0)
		rc = log_supplier(reg, "supplier.add", &s);
	return rc;
}

SRR_EXPORT int
srr_supplier_add(struct srr_register *reg, const struct srr_supplier *s)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_add(reg, s));
}

/* Read one supplier's children into the list's arena. */
static int
load_children(struct srr_register *reg, struct srr_supplier_list *l, struct srr_supplier *s,
	      int64_t id)
{
	struct arena *a = &l->arena;
	_cleanup_stmt_ sqlite3_stmt *sv = reg_stmt(
		reg, "SELECT name FROM supplier_service WHERE supplier_id = ?1 ORDER BY pos");
	_cleanup_stmt_ sqlite3_stmt *ct =
		reg_stmt(reg, "SELECT name, email, role FROM supplier_contact"
			      " WHERE supplier_id = ?1 ORDER BY pos");
	_cleanup_stmt_ sqlite3_stmt *sb =
		reg_stmt(reg, "SELECT s.key FROM subcontractor c JOIN supplier s ON s.id = c.sub_id"
			      " WHERE c.supplier_id = ?1 ORDER BY s.key");
	if (!sv || !ct || !sb)
		return SRR_E_DB;

	sqlite3_bind_int64(sv, 1, id);
	sqlite3_bind_int64(ct, 1, id);
	sqlite3_bind_int64(sb, 1, id);
	/* Counting first would cost a query each; lists are short, so grow. */
	const char **services = NULL, **subs = NULL;
	struct srr_contact *contacts = NULL;
	size_t ns = 0, nc = 0, nb = 0, cap_s = 0, cap_c = 0, cap_b = 0;
	int rc;
	while ((rc = sqlite3_step(sv)) == SQLITE_ROW) {
		const char **slot = arena_push(a, &services, ns, &cap_s, sizeof(*slot));
		if (!slot || !(*slot = arena_strdup(a, (const char *)sqlite3_column_text(sv, 0))))
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		ns++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading services");
	while ((rc = sqlite3_step(ct)) == SQLITE_ROW) {
		struct srr_contact *c = arena_push(a, &contacts, nc, &cap_c, sizeof(*c));
		if (!c)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		c->name = arena_strdup(a, (const char *)sqlite3_column_text(ct, 0));
		c->email = arena_strdup(a, (const char *)sqlite3_column_text(ct, 1));
		c->role = arena_strdup(a, (const char *)sqlite3_column_text(ct, 2));
		if (!c->name)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		nc++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading contacts");
	while ((rc = sqlite3_step(sb)) == SQLITE_ROW) {
		const char **slot = arena_push(a, &subs, nb, &cap_b, sizeof(*slot));
		if (!slot || !(*slot = arena_strdup(a, (const char *)sqlite3_column_text(sb, 0))))
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		nb++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading subcontractors");
	s->services = services;
	s->n_services = ns;
	s->contacts = contacts;
	s->n_contacts = nc;
	s->subcontractors = subs;
	s->n_subcontractors = nb;
	return 0;
}

static int
load_rows(struct srr_register *reg, struct srr_supplier_list *l, sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_supplier *s = list_push(&l->items, l->n, &l->cap, sizeof(*s));
		if (!s)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		struct arena *a = &l->arena;
		s->key = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		s->name = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		s->tier = srr_tier_from_name((const char *)sqlite3_column_text(st, 3));
		s->country = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
		s->retired = strcmp((const char *)sqlite3_column_text(st, 5), "retired") == 0;
		s->created = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
		s->updated = arena_strdup(a, (const char *)sqlite3_column_text(st, 7));
		if (!s->key || !s->name || !s->created || !s->updated)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		rc = load_children(reg, l, s, sqlite3_column_int64(st, 0));
		if (rc)
			return rc;
		l->n++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading suppliers");
	return 0;
}

#define SUPPLIER_COLUMNS "id, key, name, tier, country, status, created, updated"

SRR_EXPORT int
srr_supplier_list_new(struct srr_supplier_list **out, struct srr_register *reg, int include_retired)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT " SUPPLIER_COLUMNS " FROM supplier"
			      " WHERE ?1 OR status = 'active' ORDER BY key");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int(st, 1, include_retired ? 1 : 0);
	struct srr_supplier_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	rc = load_rows(reg, l, st);
	if (rc) {
		srr_supplier_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

SRR_EXPORT int
srr_supplier_find(struct srr_supplier_list **out, struct srr_register *reg, const char *key)
{
	int rc = reg_require_open(reg);
	if (rc == 0)
		rc = supplier_check_key(reg, key);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT " SUPPLIER_COLUMNS " FROM supplier WHERE key = ?1");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, key);
	struct srr_supplier_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	rc = load_rows(reg, l, st);
	if (rc == 0 && l->n == 0)
		rc = reg_error(reg, SRR_E_NOTFOUND, "no supplier '%s'", key);
	if (rc) {
		srr_supplier_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

DEFINE_LIST_ACCESSORS(supplier, struct srr_supplier)

int
supplier_state_record(struct srr_register *reg, const char *key, struct srr_record **out)
{
	struct srr_supplier_list *l;
	int rc = srr_supplier_find(&l, reg, key);
	if (rc)
		return rc;
	rc = to_record(reg, &l->items[0], out);
	srr_supplier_list_free(l);
	return rc;
}

int
supplier_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'supplier/' || key FROM supplier ORDER BY key");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static int
write_supplier(struct srr_register *reg, const struct srr_supplier *s, bool children)
{
	int64_t id;
	int rc = supplier_lookup(reg, s->key, &id, NULL);
	if (rc)
		return rc;
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "UPDATE supplier SET name = ?2, tier = ?3, country = ?4,"
			      " status = ?5, updated = ?6 WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, s->name);
	bind_text(st, 3, srr_tier_name(s->tier));
	bind_text(st, 4, s->country);
	bind_text(st, 5, s->retired ? "retired" : "active");
	bind_text(st, 6, now);
	rc = step_done(reg, st, "updating a supplier");
	if (rc == 0 && children)
		rc = write_children(reg, id, s, true, false);
	return rc;
}

static int
do_update(struct srr_register *reg, const char *key, const struct srr_supplier_change *ch,
	  int *changed)
{
	struct srr_supplier_list *l;
	int rc = srr_supplier_find(&l, reg, key);
	if (rc)
		return rc;
	const struct srr_supplier *old = &l->items[0];
	struct srr_supplier s = *old;
	if (ch->name)
		s.name = ch->name;
	if (ch->tier != SRR_TIER_NONE)
		s.tier = ch->tier;
	if (ch->country)
		s.country = *ch->country ? ch->country : NULL;
	if (ch->set_services) {
		s.services = ch->services;
		s.n_services = ch->n_services;
	}
	if (ch->set_contacts) {
		s.contacts = ch->contacts;
		s.n_contacts = ch->n_contacts;
	}
	if (ch->set_subcontractors) {
		s.subcontractors = ch->subcontractors;
		s.n_subcontractors = ch->n_subcontractors;
	}
	_cleanup_free_ char *before = NULL, *after = NULL;
	size_t blen, alen;
	rc = check_supplier(reg, &s);
	if (rc == 0)
		rc = serialize(reg, old, &before, &blen);
	if (rc == 0)
		rc = serialize(reg, &s, &after, &alen);
	if (rc == 0 && blen == alen && memcmp(before, after, blen) == 0) {
		srr_supplier_list_free(l);
		return 0;
	}
	if (rc == 0)
		rc = write_supplier(reg, &s, true);
	if (rc == 0)
		rc = log_supplier(reg, "supplier.update", &s);
	if (rc == 0)
		*changed = 1;
	srr_supplier_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_supplier_update(struct srr_register *reg, const char *key,
		    const struct srr_supplier_change *change, int *changed)
{
	int dummy = 0;
	if (!changed)
		changed = &dummy;
	*changed = 0;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	rc = reg_end(reg, do_update(reg, key, change, changed));
	if (rc)
		*changed = 0;
	return rc;
}

static int
do_retire(struct srr_register *reg, const char *key)
{
	struct srr_supplier_list *l;
	int rc = srr_supplier_find(&l, reg, key);
	if (rc)
		return rc;
	struct srr_supplier s = l->items[0];
	if (s.retired)
		rc = reg_error(reg, SRR_E_STATE, "supplier '%s' is already retired", key);
	s.retired = 1;
	if (rc == 0)
		rc = write_supplier(reg, &s, false);
	if (rc == 0)
		rc = log_supplier(reg, "supplier.retire", &s);
	srr_supplier_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_supplier_retire(struct srr_register *reg, const char *key)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_retire(reg, key));
}

/* Import: the supplier's state becomes s (retired included). */
int
supplier_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_supplier *s,
	     bool subs_later, int64_t *id, enum put_result *result)
{
	struct srr_record *rec = NULL;
	char entity[KEY_MAX + 16];
	int rc = check_supplier(reg, s);
	if (rc == 0)
		rc = to_record(reg, s, &rec);
	if (rc)
		return rc;
	snprintf(entity, sizeof(entity), "supplier/%s", s->key);
	rc = put_compare(reg, ctx, entity, rec, result);
	if (rc == 0 && *result == PUT_ADDED) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO supplier (key, name, tier, country, status, created,"
			     " updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
		if (!st) {
			srr_record_free(rec);
			return SRR_E_DB;
		}
		bind_text(st, 1, s->key);
		bind_text(st, 2, s->name);
		bind_text(st, 3, srr_tier_name(s->tier));
		bind_text(st, 4, s->country);
		bind_text(st, 5, s->retired ? "retired" : "active");
		bind_text(st, 6, now);
		rc = step_done(reg, st, "adding a supplier");
		*id = sqlite3_last_insert_rowid(reg->db);
		if (rc == 0)
			rc = write_children(reg, *id, s, !subs_later, true);
	} else if (rc == 0) {
		rc = supplier_lookup(reg, s->key, id, NULL);
		if (rc == 0 && *result == PUT_CHANGED)
			rc = write_supplier(reg, s, false);
		if (rc == 0 && *result == PUT_CHANGED)
			rc = write_children(reg, *id, s, !subs_later, false);
	}
	if (rc == 0)
		rc = put_log(reg, ctx, entity, rec, *result);
	srr_record_free(rec);
	return rc;
}

int
supplier_add_sub(struct srr_register *reg, int64_t id, const char *key)
{
	int64_t sub;
	int rc = supplier_lookup(reg, key, &sub, NULL);
	if (rc == SRR_E_NOTFOUND)
		return reg_error(reg, SRR_E_NOTFOUND, "subcontractor '%s' is not a supplier", key);
	if (rc)
		return rc;
	if (sub == id)
		return reg_error(reg, SRR_E_INPUT, "supplier '%s' cannot be its own subcontractor",
				 key);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO subcontractor (supplier_id, sub_id) VALUES (?1, ?2)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, sub);
	return step_done(reg, st, "writing a subcontractor");
}

/* The graph as arrays: suppliers by id (dense index), each one's edges. */
struct graph {
	int64_t *ids; /* index -> supplier id, ascending */
	size_t n;
	size_t *first; /* index -> first edge, n + 1 entries */
	size_t *to;    /* edge -> index */
	size_t m;
};

static size_t
graph_index(const struct graph *g, int64_t id)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
graph_free(struct graph *g)
{
	free(g->ids);
	free(g->first);
	free(g->to);
}

static int
graph_load(struct srr_register *reg, struct graph *g)
{
	_cleanup_stmt_ sqlite3_stmt *cnt = reg_stmt(
		reg, "SELECT (SELECT count(*) FROM supplier), (SELECT count(*) FROM subcontractor)");
	_cleanup_stmt_ sqlite3_stmt *ids = reg_stmt(reg, "SELECT id FROM supplier ORDER BY id");
	_cleanup_stmt_ sqlite3_stmt *edges = reg_stmt(
		reg, "SELECT supplier_id, sub_id FROM subcontractor ORDER BY supplier_id, sub_id");
	if (!cnt || !ids || !edges)
		return SRR_E_DB;
	if (sqlite3_step(cnt) != SQLITE_ROW)
		return reg_db_error(reg, "counting subcontractors");
	size_t n = (size_t)sqlite3_column_int64(cnt, 0), m = (size_t)sqlite3_column_int64(cnt, 1);
	g->ids = malloc((n ? n : 1) * sizeof(*g->ids));
	g->first = calloc(n + 1, sizeof(*g->first));
	g->to = malloc((m ? m : 1) * sizeof(*g->to));
	if (!g->ids || !g->first || !g->to)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc;
	while (g->n < n && (rc = sqlite3_step(ids)) == SQLITE_ROW)
		g->ids[g->n++] = sqlite3_column_int64(ids, 0);
	while (g->m < m && (rc = sqlite3_step(edges)) == SQLITE_ROW) {
		size_t from = graph_index(g, sqlite3_column_int64(edges, 0));
		size_t to = graph_index(g, sqlite3_column_int64(edges, 1));
		if (from >= g->n || to >= g->n)
			return reg_error(reg, SRR_E_FORMAT, "a subcontractor row names no supplier");
		g->first[from + 1]++;
		g->to[g->m++] = to;
	}
	for (size_t i = 0; i < g->n; i++)
		g->first[i + 1] += g->first[i];
	return 0;
}

int
supplier_find_cycle(struct srr_register *reg, int64_t **cycle, size_t *n)
{
	struct graph g = { 0 };
	int rc = graph_load(reg, &g);
	/* Depth first, without recursion: pos[v] is v's place on the path + 1
	 * while v is on it, SIZE_MAX once done. An edge to a supplier on the
	 * path closes a cycle. */
	size_t *pos = rc == 0 ? calloc(g.n + 1, sizeof(*pos)) : NULL;
	size_t *path = rc == 0 ? malloc((g.n + 1) * sizeof(*path)) : NULL;
	size_t *next = rc == 0 ? malloc((g.n + 1) * sizeof(*next)) : NULL;
	if (rc == 0 && (!pos || !path || !next))
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	for (size_t root = 0; rc == 0 && root < g.n; root++) {
		if (pos[root])
			continue;
		size_t depth = 0;
		path[depth] = root;
		next[depth] = g.first[root];
		pos[root] = ++depth;
		while (rc == 0 && depth > 0) {
			size_t v = path[depth - 1];
			if (next[depth - 1] == g.first[v + 1]) {
				pos[v] = SIZE_MAX;
				depth--;
				continue;
			}
			size_t w = g.to[next[depth - 1]++];
			if (pos[w] == SIZE_MAX)
				continue;
			if (pos[w] == 0) {
				path[depth] = w;
				next[depth] = g.first[w];
				pos[w] = ++depth;
				continue;
			}
			size_t from = pos[w] - 1, k = depth - from + 1;
			*cycle = malloc(k * sizeof(**cycle));
			if (!*cycle) {
				rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
				break;
			}
			for (size_t i = 0; i < k - 1; i++)
				(*cycle)[i] = g.ids[path[from + i]];
			(*cycle)[k - 1] = g.ids[w];
			*n = k;
			rc = reg_error(reg, SRR_E_INPUT, "subcontractors make a cycle");
		}
	}
	free(pos);
	free(path);
	free(next);
	graph_free(&g);
	return rc;
}
