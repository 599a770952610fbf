/* SPDX-License-Identifier: MIT */
/*
 * Contracts: dates, notice period, the clause checklist, termination.
 */
#include <stdio.h>
#include <string.h>

#include "contract-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "srr/contract.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"

#define REF_MAX	   64
#define NOTICE_MAX 3650

static const char *const clause_names[SRR_CLAUSE_COUNT] = {
	"right-to-audit",	   "incident-notification-24h",
	"subcontracting-approval", "security-requirements",
	"vulnerability-handling",  "data-location",
	"termination-assistance",  "sla-reporting",
};

struct srr_contract_list {
	LIST_FIELDS(struct srr_contract);
};

SRR_EXPORT const char *
srr_clause_name(unsigned i)
{
	return i < SRR_CLAUSE_COUNT ? clause_names[i] : NULL;
}

SRR_EXPORT unsigned
srr_clause_from_name(const char *name)
{
	for (unsigned i = 0; name && i < SRR_CLAUSE_COUNT; i++)
		if (strcmp(clause_names[i], name) == 0)
			return 1u << i;
	return 0;
}

SRR_EXPORT const char *
srr_contract_state_name(enum srr_contract_state state)
{
	switch (state) {
	case SRR_CONTRACT_ACTIVE:
		return "active";
	case SRR_CONTRACT_NOT_STARTED:
		return "not-started";
	case SRR_CONTRACT_EXPIRED:
		return "expired";
	case SRR_CONTRACT_TERMINATED:
		return "terminated";
	}
	return NULL;
}

int
contract_check_ref(struct srr_register *reg, const char *ref)
{
	if (!ref || !*ref)
		return reg_error(reg, SRR_E_INPUT, "no contract reference given");
	size_t len = strlen(ref);
	bool ok = len <= REF_MAX;
	for (size_t i = 0; ok && i < len; i++) {
		char c = ref[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     (i > 0 && (c == '.' || c == '_' || c == '-'));
	}
	if (!ok)
		return reg_error(
			reg, SRR_E_INPUT,
			"contract reference '%s' is invalid: use letters, digits, '.', '_' "
			"and '-', starting with a letter or digit, at most %d bytes",
			ref, REF_MAX);
	return 0;
}

int
contract_lookup(struct srr_register *reg, const char *supplier, const char *ref, int64_t *id)
{
	int64_t sid;
	int rc = supplier_lookup(reg, supplier, &sid, NULL);
	if (rc == 0)
		rc = contract_check_ref(reg, ref);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT id FROM contract WHERE supplier_id = ?1 AND ref = ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, ref);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND, "supplier '%s' has no contract '%s'",
				 supplier, ref);
	if (rc != SQLITE_ROW)
		return reg_db_error(reg, "looking up a contract");
	*id = sqlite3_column_int64(st, 0);
	return 0;
}

static int
check_date(struct srr_register *reg, const char *what, const char *s, int64_t *days)
{
	if (!s || !*s)
		return reg_error(reg, SRR_E_INPUT, "no contract %s date given", what);
	if (!date_parse(s, days))
		return reg_error(reg, SRR_E_INPUT,
				 "contract %s date '%s' is not a valid date (YYYY-MM-DD)", what, s);
	return 0;
}

static int
check_contract(struct srr_register *reg, const struct srr_contract *c)
{
	int64_t start, end;
	int rc = supplier_check_key(reg, c->supplier);
	if (rc == 0)
		rc = contract_check_ref(reg, c->ref);
	if (rc == 0)
		rc = check_date(reg, "start", c->start, &start);
	if (rc == 0)
		rc = check_date(reg, "end", c->end, &end);
	if (rc == 0 && end < start)
		rc = reg_error(reg, SRR_E_INPUT, "contract end %s is before its start %s", c->end,
			       c->start);
	if (rc == 0 && (c->notice_days < -1 || c->notice_days > NOTICE_MAX))
		rc = reg_error(reg, SRR_E_INPUT, "notice period must be 0 to %d days", NOTICE_MAX);
	if (rc == 0 && (c->clauses & ~SRR_CLAUSE_ALL))
		rc = reg_error(reg, SRR_E_INPUT, "unknown contract clause bits 0x%x", c->clauses);
	return rc;
}

static int
to_record(struct srr_register *reg, const struct srr_contract *c, struct srr_record **out)
{
	struct srr_record *r;
	if (srr_record_new(&r, "contract"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add(r, "supplier", c->supplier);
	srr_record_add(r, "ref", c->ref);
	srr_record_add(r, "start", c->start);
	srr_record_add(r, "end", c->end);
	if (c->notice_days >= 0)
		srr_record_add_int(r, "notice-days", c->notice_days);
	/* From the date, as the status column is written with it. */
	srr_record_add(r, "status", c->terminated ? "terminated" : "active");
	srr_record_add(r, "terminated", c->terminated);
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++)
		if (c->clauses & (1u << i))
			srr_record_add(r, "clause", clause_names[i]);
	*out = r;
	return 0;
}

static int
log_contract(struct srr_register *reg, const char *action, const struct srr_contract *c,
	     char **bytes, size_t *len)
{
	struct srr_record *r;
	int rc = to_record(reg, c, &r);
	if (rc)
		return rc;
	if (action) {
		char entity[2 * REF_MAX + 16];
		snprintf(entity, sizeof(entity), "contract/%s/%s", c->supplier, c->ref);
		rc = log_append(reg, action, entity, r);
	} else {
		rc = log_serialize(reg, r, bytes, len);
	}
	srr_record_free(r);
	return rc;
}

static int
do_add(struct srr_register *reg, const struct srr_contract *in)
{
	struct srr_contract c = *in;
	c.terminated = NULL;
	int rc = check_contract(reg, &c);
	if (rc)
		return rc;
	int64_t sid, id;
	bool retired;
	rc = supplier_lookup(reg, c.supplier, &sid, &retired);
	if (rc)
		return rc;
	if (retired)
		return reg_error(reg, SRR_E_STATE, "supplier '%s' is retired", c.supplier);
	rc = contract_lookup(reg, c.supplier, c.ref, &id);
	if (rc == 0)
		return reg_error(reg, SRR_E_EXISTS, "supplier '%s' already has a contract '%s'",
				 c.supplier, c.ref);
	if (rc != SRR_E_NOTFOUND)
		return rc;
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "INSERT INTO contract (supplier_id, ref, start, end, notice_days,"
		     " clauses, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, c.ref);
	bind_text(st, 3, c.start);
	bind_text(st, 4, c.end);
	if (c.notice_days >= 0)
		sqlite3_bind_int(st, 5, c.notice_days);
	sqlite3_bind_int(st, 6, (int)c.clauses);
	bind_text(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "adding a contract");
	return log_contract(reg, "contract.add", &c, NULL, NULL);
}

SRR_EXPORT int
srr_contract_add(struct srr_register *reg, const struct srr_contract *c)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_add(reg, c));
}

static enum srr_contract_state
derive_state(const struct srr_contract *c, int64_t today)
{
	int64_t start = 0, end = 0, terminated;
	/* A termination takes effect on its date, as in srr_due_list_new(). */
	if (c->terminated && date_parse(c->terminated, &terminated) && today >= terminated)
		return SRR_CONTRACT_TERMINATED;
	date_parse(c->start, &start);
	date_parse(c->end, &end);
	if (today < start)
		return SRR_CONTRACT_NOT_STARTED;
	if (today > end)
		return SRR_CONTRACT_EXPIRED;
	return SRR_CONTRACT_ACTIVE;
}

static int
load_rows(struct srr_register *reg, struct srr_contract_list *l, sqlite3_stmt *st)
{
	int64_t today = reg_today(reg);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_contract *c = list_push(&l->items, l->n, &l->cap, sizeof(*c));
		if (!c)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		struct arena *a = &l->arena;
		c->supplier = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		c->ref = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		c->start = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		c->end = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		c->notice_days =
			sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
		c->clauses = (unsigned)sqlite3_column_int(st, 5);
		c->terminated = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
		if (!c->supplier || !c->ref || !c->start || !c->end ||
		    (sqlite3_column_type(st, 6) != SQLITE_NULL && !c->terminated))
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		c->gaps = SRR_CLAUSE_ALL & ~c->clauses;
		c->state = derive_state(c, today);
		l->n++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading contracts");
	return 0;
}

#define CONTRACT_QUERY                                                                             \
	"SELECT s.key, c.ref, c.start, c.end, c.notice_days, c.clauses, c.terminated"              \
	" FROM contract c JOIN supplier s ON s.id = c.supplier_id"

SRR_EXPORT int
srr_contract_list_new(struct srr_contract_list **out, struct srr_register *reg,
		      const char *supplier)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (supplier) {
		int64_t sid;
		rc = supplier_lookup(reg, supplier, &sid, NULL);
		if (rc)
			return rc;
	}
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, CONTRACT_QUERY " WHERE ?1 IS NULL OR s.key = ?1 ORDER BY s.key, c.ref");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, supplier);
	struct srr_contract_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	rc = load_rows(reg, l, st);
	if (rc) {
		srr_contract_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

SRR_EXPORT int
srr_contract_find(struct srr_contract_list **out, struct srr_register *reg, const char *supplier,
		  const char *ref)
{
	int rc = reg_require_open(reg);
	int64_t id;
	if (rc == 0)
		rc = contract_lookup(reg, supplier, ref, &id);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, CONTRACT_QUERY " WHERE c.id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	struct srr_contract_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	rc = load_rows(reg, l, st);
	if (rc) {
		srr_contract_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

DEFINE_LIST_ACCESSORS(contract, struct srr_contract)

int
contract_state_record(struct srr_register *reg, const char *supplier, const char *ref,
		      struct srr_record **out)
{
	struct srr_contract_list *l;
	int rc = srr_contract_find(&l, reg, supplier, ref);
	if (rc)
		return rc;
	rc = to_record(reg, &l->items[0], out);
	srr_contract_list_free(l);
	return rc;
}

int
contract_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	/* Suppliers by key, each one's contracts by ref, both from unique
	 * indexes: in order without a sort (whose memory would grow with the
	 * register). CROSS JOIN keeps SQLite to that loop order. */
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'contract/' || s.key || '/' || c.ref"
			      " FROM supplier s CROSS JOIN contract c ON c.supplier_id = s.id"
			      " ORDER BY s.key, c.ref");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static int
write_contract(struct srr_register *reg, const struct srr_contract *c)
{
	int64_t id;
	int rc = contract_lookup(reg, c->supplier, c->ref, &id);
	if (rc)
		return rc;
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "UPDATE contract SET start = ?2, end = ?3, notice_days = ?4,"
			      " clauses = ?5, status = ?6, terminated = ?7, updated = ?8"
			      " WHERE id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, c->start);
	bind_text(st, 3, c->end);
	if (c->notice_days >= 0)
		sqlite3_bind_int(st, 4, c->notice_days);
	sqlite3_bind_int(st, 5, (int)c->clauses);
	bind_text(st, 6, c->terminated ? "terminated" : "active");
	bind_text(st, 7, c->terminated);
	bind_text(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "updating a contract");
	return 0;
}

static int
do_update(struct srr_register *reg, const char *supplier, const char *ref,
	  const struct srr_contract_change *ch, int *changed)
{
	struct srr_contract_list *l;
	int rc = srr_contract_find(&l, reg, supplier, ref);
	if (rc)
		return rc;
	struct srr_contract c = l->items[0];
	if (ch->start)
		c.start = ch->start;
	if (ch->end)
		c.end = ch->end;
	if (ch->notice_days != -2)
		c.notice_days = ch->notice_days;
	if (ch->set_clauses)
		c.clauses = ch->clauses;
	_cleanup_free_ char *before = NULL, *after = NULL;
	size_t blen, alen;
	rc = check_contract(reg, &c);
	if (rc == 0 && c.terminated && strcmp(c.terminated, c.start) < 0)
		rc = reg_error(reg, SRR_E_INPUT, "contract start %s is after its termination %s",
			       c.start, c.terminated);
	if (rc == 0 && c.terminated && strcmp(c.terminated, c.end) > 0)
		rc = reg_error(reg, SRR_E_INPUT, "contract end %s is before its termination %s",
			       c.end, c.terminated);
	if (rc == 0)
		rc = log_contract(reg, NULL, &l->items[0], &before, &blen);
	if (rc == 0)
		rc = log_contract(reg, NULL, &c, &after, &alen);
	if (rc == 0 && (blen != alen || memcmp(before, after, blen) != 0)) {
		rc = write_contract(reg, &c);
		if (rc == 0)
			rc = log_contract(reg, "contract.update", &c, NULL, NULL);
		if (rc == 0)
			*changed = 1;
	}
	srr_contract_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_contract_update(struct srr_register *reg, const char *supplier, const char *ref,
		    const struct srr_contract_change *change, int *changed)
{
	int dummy = 0;
	if (!changed)
		changed = &dummy;
	*changed = 0;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	rc = reg_end(reg, do_update(reg, supplier, ref, change, changed));
	if (rc)
		*changed = 0;
	return rc;
}

static int
do_terminate(struct srr_register *reg, const char *supplier, const char *ref, const char *date)
{
	struct srr_contract_list *l;
	int rc = srr_contract_find(&l, reg, supplier, ref);
	if (rc)
		return rc;
	struct srr_contract c = l->items[0];
	char today[DATE_LEN + 1];
	int64_t days;
	if (!date) {
		date_format(today, reg_today(reg));
		date = today;
	}
	if (!date_parse(date, &days))
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date '%s' is not a valid date (YYYY-MM-DD)", date);
	else if (c.terminated)
		rc = reg_error(reg, SRR_E_STATE,
			       "contract '%s' of supplier '%s' was terminated on %s", ref, supplier,
			       c.terminated);
	else if (strcmp(date, c.start) < 0)
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date %s is before the contract start %s", date,
			       c.start);
	else if (strcmp(date, c.end) > 0)
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date %s is after the contract end %s: it ends anyway",
			       date, c.end);
	c.terminated = date;
	if (rc == 0)
		rc = write_contract(reg, &c);
	if (rc == 0)
		rc = log_contract(reg, "contract.terminate", &c, NULL, NULL);
	srr_contract_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_contract_terminate(struct srr_register *reg, const char *supplier, const char *ref,
		       const char *date)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_terminate(reg, supplier, ref, date));
}

/* Import: the contract's state becomes c (terminated included). */
int
contract_put(struct srr_register *reg, const struct put_ctx *ctx, const struct srr_contract *c,
	     int64_t *id, enum put_result *result)
{
	int64_t sid, day;
	int rc = check_contract(reg, c);
	if (rc == 0 && c->terminated && !date_parse(c->terminated, &day))
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date '%s' is not a valid date (YYYY-MM-DD)",
			       c->terminated);
	if (rc == 0 && c->terminated && strcmp(c->terminated, c->start) < 0)
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date %s is before the contract start %s", c->terminated,
			       c->start);
	if (rc == 0 && c->terminated && strcmp(c->terminated, c->end) > 0)
		rc = reg_error(reg, SRR_E_INPUT,
			       "termination date %s is after the contract end %s", c->terminated,
			       c->end);
	if (rc == 0)
		rc = put_supplier_id(reg, ctx, c->supplier, &sid);
	struct srr_record *rec = NULL;
	if (rc == 0)
		rc = to_record(reg, c, &rec);
	if (rc)
		return rc;
	char entity[2 * REF_MAX + 16];
	snprintf(entity, sizeof(entity), "contract/%s/%s", c->supplier, c->ref);
	rc = put_compare(reg, ctx, entity, rec, result);
	if (rc == 0 && *result == PUT_ADDED) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO contract (supplier_id, ref, start, end, notice_days,"
			     " clauses, status, terminated, created, updated)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)");
		if (!st) {
			srr_record_free(rec);
			return SRR_E_DB;
		}
		sqlite3_bind_int64(st, 1, sid);
		bind_text(st, 2, c->ref);
		bind_text(st, 3, c->start);
		bind_text(st, 4, c->end);
		if (c->notice_days >= 0)
			sqlite3_bind_int(st, 5, c->notice_days);
		sqlite3_bind_int(st, 6, (int)c->clauses);
		bind_text(st, 7, c->terminated ? "terminated" : "active");
		bind_text(st, 8, c->terminated);
		bind_text(st, 9, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = reg_db_error(reg, "adding a contract");
		*id = sqlite3_last_insert_rowid(reg->db);
	} else if (rc == 0) {
		rc = contract_lookup(reg, c->supplier, c->ref, id);
		if (rc == 0 && *result == PUT_CHANGED)
			rc = write_contract(reg, c);
	}
	if (rc == 0)
		rc = put_log(reg, ctx, entity, rec, *result);
	srr_record_free(rec);
	return rc;
}
