/* SPDX-License-Identifier: MIT */
/*
 * Supplier incidents: identified and notified times, lateness derived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "srr/incident.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"

#define SUMMARY_MAX 4096

static const char *const severity_names[] = { NULL, "low", "medium", "high", "critical" };

SRR_EXPORT const char *
srr_severity_name(enum srr_severity s)
{
	return s > SRR_SEVERITY_NONE && s <= SRR_SEVERITY_CRITICAL ? severity_names[s] : NULL;
}

SRR_EXPORT enum srr_severity
srr_severity_from_name(const char *name)
{
	for (int s = SRR_SEVERITY_LOW; name && s <= SRR_SEVERITY_CRITICAL; s++)
		if (strcmp(severity_names[s], name) == 0)
			return (enum srr_severity)s;
	return SRR_SEVERITY_NONE;
}

struct srr_incident_list {
	LIST_FIELDS(struct srr_incident);
};

static int
check_time(struct srr_register *reg, const char *what, const char *t, int64_t *secs)
{
	if (!t || !time_parse(t, secs))
		return reg_error(reg, SRR_E_INPUT,
				 "%s time '%s' is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)",
				 what, t ? t : "");
	if (*secs > reg_now_secs(reg))
		return reg_error(reg, SRR_E_INPUT, "%s time %s is in the future", what, t);
	return 0;
}

static int
to_record(struct srr_register *reg, const struct srr_incident *in, struct srr_record **out)
{
	struct srr_record *r;
	if (srr_record_new(&r, "incident"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(r, "id", in->id);
	srr_record_add(r, "supplier", in->supplier);
	srr_record_add(r, "identified", in->identified);
	srr_record_add(r, "notified", in->notified);
	srr_record_add(r, "severity", srr_severity_name(in->severity));
	srr_record_add(r, "summary", in->summary);
	*out = r;
	return 0;
}

static int
log_incident(struct srr_register *reg, const char *action, const struct srr_incident *in)
{
	struct srr_record *r;
	int rc = to_record(reg, in, &r);
	if (rc)
		return rc;
	char entity[48];
	snprintf(entity, sizeof(entity), "incident/%lld", (long long)in->id);
	rc = log_append(reg, action, entity, r);
	srr_record_free(r);
	return rc;
}

/* Everything about an incident on its own, and its supplier's row id. */
static int
check_incident(struct srr_register *reg, const struct srr_incident *in, int64_t *sid)
{
	int64_t ident, notified;
	int rc = supplier_lookup(reg, in->supplier, sid, NULL);
	if (rc == 0)
		rc = check_time(reg, "identified", in->identified, &ident);
	if (rc == 0 && in->notified)
		rc = check_time(reg, "notified", in->notified, &notified);
	if (rc == 0 && in->notified && notified < ident)
		rc = reg_error(reg, SRR_E_INPUT, "notified time %s is before identified time %s",
			       in->notified, in->identified);
	if (rc == 0 && !srr_severity_name(in->severity))
		rc = reg_error(reg, SRR_E_INPUT, "severity must be low, medium, high or critical");
	if (rc == 0)
		rc = reg_check_text(reg, "incident summary", in->summary ? in->summary : "",
				    SUMMARY_MAX, true);
	return rc;
}

static int
do_add(struct srr_register *reg, const struct srr_incident *input, int64_t *id)
{
	struct srr_incident in = *input;
	int64_t sid;
	if (in.severity == SRR_SEVERITY_NONE)
		in.severity = SRR_SEVERITY_MEDIUM;
	int rc = check_incident(reg, &in, &sid);
	if (rc)
		return rc;
	char now[21];
	reg_now(now);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO incident (supplier_id, identified, notified, severity,"
			      " summary, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, in.identified);
	bind_text(st, 3, in.notified);
	bind_text(st, 4, srr_severity_name(in.severity));
	bind_text(st, 5, in.summary);
	bind_text(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "adding an incident");
	in.id = *id = sqlite3_last_insert_rowid(reg->db);
	return log_incident(reg, "incident.add", &in);
}

SRR_EXPORT int
srr_incident_add(struct srr_register *reg, const struct srr_incident *incident, int64_t *id)
{
	int64_t dummy;
	if (!id)
		id = &dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_add(reg, incident, id));
}

static int
do_notified(struct srr_register *reg, int64_t id, const char *time_text)
{
	struct srr_incident_list *l;
	int rc = srr_incident_find(&l, reg, id);
	if (rc)
		return rc;
	struct srr_incident in = l->items[0];
	int64_t ident = 0, notified;
	time_parse(in.identified, &ident);
	rc = check_time(reg, "notified", time_text, &notified);
	if (rc == 0 && in.notified)
		rc = reg_error(reg, SRR_E_STATE, "incident %lld was already notified at %s",
			       (long long)id, in.notified);
	if (rc == 0 && notified < ident)
		rc = reg_error(reg, SRR_E_INPUT, "notified time %s is before identified time %s",
			       time_text, in.identified);
	if (rc == 0) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "UPDATE incident SET notified = ?2 WHERE id = ?1");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			sqlite3_bind_int64(st, 1, id);
			bind_text(st, 2, time_text);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "updating an incident");
		}
	}
	in.notified = time_text;
	if (rc == 0)
		rc = log_incident(reg, "incident.notified", &in);
	srr_incident_list_free(l);
	return rc;
}

SRR_EXPORT int
srr_incident_notified(struct srr_register *reg, int64_t id, const char *time_text)
{
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_notified(reg, id, time_text));
}

static int
load_rows(struct srr_register *reg, struct srr_incident_list *l, sqlite3_stmt *st)
{
	/* "Still not notified" is late once 24 hours have passed by now. */
	int64_t moment = reg_moment_of(reg_today(reg));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_incident *in = list_push(&l->items, l->n, &l->cap, sizeof(*in));
		if (!in)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		struct arena *a = &l->arena;
		in->id = sqlite3_column_int64(st, 0);
		in->supplier = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		in->identified = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		in->notified = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
		in->severity = srr_severity_from_name((const char *)sqlite3_column_text(st, 4));
		in->summary = arena_strdup(a, (const char *)sqlite3_column_text(st, 5));
		in->created = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
		if (!in->supplier || !in->identified || !in->summary || !in->created)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		int64_t ident = 0, notified = 0;
		time_parse(in->identified, &ident);
		if (in->notified && time_parse(in->notified, &notified))
			in->late = notified - ident > SRR_NOTIFY_WINDOW_SECONDS;
		else
			in->late = moment - ident > SRR_NOTIFY_WINDOW_SECONDS;
		l->n++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading incidents");
	return 0;
}

#define INCIDENT_QUERY                                                                             \
	"SELECT i.id, s.key, i.identified, i.notified, i.severity, i.summary, i.created"           \
	" FROM incident i JOIN supplier s ON s.id = i.supplier_id"

static int
run_list(struct srr_incident_list **out, struct srr_register *reg, sqlite3_stmt *st)
{
	struct srr_incident_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	int rc = load_rows(reg, l, st);
	if (rc) {
		srr_incident_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

SRR_EXPORT int
srr_incident_list_new(struct srr_incident_list **out, struct srr_register *reg,
		      const char *supplier)
{
	int rc = reg_require_open(reg);
	int64_t sid;
	if (rc == 0 && supplier)
		rc = supplier_lookup(reg, supplier, &sid, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, INCIDENT_QUERY
			 " WHERE ?1 IS NULL OR s.key = ?1 ORDER BY i.identified DESC, i.id DESC");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, supplier);
	return run_list(out, reg, st);
}

SRR_EXPORT int
srr_incident_find(struct srr_incident_list **out, struct srr_register *reg, int64_t id)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, INCIDENT_QUERY " WHERE i.id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	rc = run_list(out, reg, st);
	if (rc == 0 && (*out)->n == 0) {
		srr_incident_list_free(*out);
		*out = NULL;
		return reg_error(reg, SRR_E_NOTFOUND, "no incident %lld", (long long)id);
	}
	return rc;
}

DEFINE_LIST_ACCESSORS(incident, struct srr_incident)

int
incident_state_record(struct srr_register *reg, int64_t id, struct srr_record **out)
{
	struct srr_incident_list *l;
	int rc = srr_incident_find(&l, reg, id);
	if (rc)
		return rc;
	rc = to_record(reg, &l->items[0], out);
	srr_incident_list_free(l);
	return rc;
}

int
incident_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'incident/' || id FROM incident ORDER BY id");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

/* Import: the incident's state becomes *in. */
int
incident_put(struct srr_register *reg, const struct put_ctx *ctx, struct srr_incident *in,
	     enum put_result *result)
{
	int64_t sid;
	int rc = check_incident(reg, in, &sid);
	if (rc == 0)
		rc = put_match_id(reg, ctx, "incident", "SELECT supplier_id FROM incident WHERE id = ?1",
				  "SELECT id FROM incident WHERE supplier_id = ?1 AND identified = ?2"
				  " LIMIT 2",
				  sid, in->supplier, "identified", in->identified, &in->id);
	if (rc)
		return rc;
	struct srr_record *rec = NULL;
	char entity[48];
	*result = PUT_ADDED;
	if (in->id) {
		snprintf(entity, sizeof(entity), "incident/%lld", (long long)in->id);
		rc = to_record(reg, in, &rec);
		if (rc == 0)
			rc = put_compare(reg, ctx, entity, rec, result);
	}
	if (rc == 0 && *result != PUT_SAME) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO incident (id, supplier_id, identified, notified, severity,"
			     " summary, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			     " ON CONFLICT (id) DO UPDATE SET identified = excluded.identified,"
			     " notified = excluded.notified, severity = excluded.severity,"
			     " summary = excluded.summary");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			if (in->id)
				sqlite3_bind_int64(st, 1, in->id);
			sqlite3_bind_int64(st, 2, sid);
			bind_text(st, 3, in->identified);
			bind_text(st, 4, in->notified);
			bind_text(st, 5, srr_severity_name(in->severity));
			bind_text(st, 6, in->summary);
			bind_text(st, 7, now);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "writing an incident");
			else if (!in->id)
				in->id = sqlite3_last_insert_rowid(reg->db);
		}
		if (rc == 0 && !rec) {
			snprintf(entity, sizeof(entity), "incident/%lld", (long long)in->id);
			rc = to_record(reg, in, &rec);
		}
		if (rc == 0)
			rc = put_log(reg, ctx, entity, rec, *result);
	}
	srr_record_free(rec);
	return rc;
}
