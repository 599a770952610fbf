/* SPDX-License-Identifier: MIT */
/*
 * The report as one JSON document: the summary the HTML page draws, then
 * every table the CSV files hold, as arrays of objects with typed values.
 */
#include <errno.h>
#include <string.h>

#include "approval-private.h"
#include "libsrr-private.h"
#include "report-private.h"
#include "util/date.h"
#include "util/json.h"

struct json_tables {
	struct json *j;
	size_t n;
	const struct report_column *cols;
};

static int
jt_begin(void *userdata, const char *table, size_t n, const struct report_column *cols)
{
	struct json_tables *t = userdata;
	t->n = n;
	t->cols = cols;
	json_key(t->j, table);
	json_array_begin(t->j);
	return 0;
}

static int
jt_row(void *userdata, const char *const *v)
{
	struct json_tables *t = userdata;
	json_object_begin(t->j);
	for (size_t i = 0; i < t->n; i++) {
		json_key(t->j, t->cols[i].name);
		if (!v[i]) {
			json_null(t->j);
			continue;
		}
		switch (t->cols[i].type) {
		case REPORT_INT:
		case REPORT_NUMBER:
			json_number_text(t->j, v[i]);
			break;
		case REPORT_BOOL:
			json_bool(t->j, strcmp(v[i], "0") != 0);
			break;
		default:
			json_string(t->j, v[i]);
		}
	}
	json_object_end(t->j);
	return 0;
}

static int
jt_end(void *userdata)
{
	struct json_tables *t = userdata;
	json_array_end(t->j);
	return 0;
}

static void
kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

static void
matrix(struct json *j, const char *key, const struct srr_policy *p, const long *cells)
{
	json_key(j, key);
	json_array_begin(j);
	for (size_t l = 0; l < p->n_likelihood; l++) {
		json_array_begin(j);
		for (size_t i = 0; i < p->n_impact; i++)
			json_int(j, cells[l * p->n_impact + i]);
		json_array_end(j);
	}
	json_array_end(j);
}

static void
summary(struct json *j, struct srr_register *reg, const struct report_summary *s)
{
	static const char *const tiers[] = { NULL, "critical", "high", "medium", "low" };
	const struct srr_policy *p = s->policy;
	char day[DATE_LEN + 1], m[REPORT_MONTH_LEN];
	date_format(day, s->as_of);

	json_key(j, "as_of");
	json_string(j, day);
	json_key(j, "register");
	json_string(j, srr_register_id(reg));
	json_key(j, "srr");
	json_string(j, srr_version());
	json_key(j, "policy");
	json_object_begin(j);
	kv_int(j, "version", p->version);
	json_key(j, "name");
	json_string(j, p->name);
	json_key(j, "approval");
	if (s->policy_approval) {
		char id[24];
		snprintf(id, sizeof(id), "A-%lld", (long long)s->policy_approval->id);
		json_string(j, id);
	} else {
		json_null(j);
	}
	json_object_end(j);

	json_key(j, "suppliers");
	json_object_begin(j);
	kv_int(j, "active", s->suppliers);
	kv_int(j, "retired", s->retired);
	json_key(j, "by_tier");
	json_object_begin(j);
	for (int t = SRR_TIER_CRITICAL; t <= SRR_TIER_LOW; t++)
		kv_int(j, tiers[t], s->by_tier[t]);
	json_object_end(j);
	kv_int(j, "without_contact", s->no_contact);
	kv_int(j, "without_service", s->no_service);
	kv_int(j, "never_reviewed", s->never_reviewed);
	kv_int(j, "subcontractor_links", s->subcontractor_links);
	json_object_end(j);

	json_key(j, "contracts");
	json_object_begin(j);
	kv_int(j, "in_force", s->contracts);
	kv_int(j, "ended", s->contracts_ended);
	kv_int(j, "ending_soon", s->contracts_ending);
	kv_int(j, "missing_clauses", s->clause_gaps);
	json_object_end(j);

	json_key(j, "slas");
	json_object_begin(j);
	kv_int(j, "slas", s->slas);
	kv_int(j, "measurements", s->measurements);
	kv_int(j, "breaches", s->breaches);
	kv_int(j, "never_measured", s->slas_unmeasured);
	json_key(j, "breaches_by_month");
	json_object_begin(j);
	for (int i = 0; i < REPORT_MONTHS; i++) {
		report_month_label(m, s->last_month - REPORT_MONTHS + 1 + i);
		kv_int(j, m, s->month_breaches[i]);
	}
	json_object_end(j);
	json_key(j, "most_breaches");
	json_array_begin(j);
	for (size_t i = 0; i < s->n_top; i++) {
		json_object_begin(j);
		json_key(j, "supplier");
		json_string(j, s->top[i].key);
		json_key(j, "name");
		json_string(j, s->top[i].name);
		kv_int(j, "breaches", s->top[i].total);
		json_key(j, "by_month");
		json_array_begin(j);
		for (int k = 0; k < REPORT_MONTHS; k++)
			json_int(j, s->top[i].months[k]);
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);

	json_key(j, "reviews");
	json_int(j, s->reviews);
	json_key(j, "incidents");
	json_object_begin(j);
	kv_int(j, "incidents", s->incidents);
	kv_int(j, "late", s->incidents_late);
	json_object_end(j);

	json_key(j, "risks");
	json_object_begin(j);
	kv_int(j, "open", s->risks_open);
	kv_int(j, "closed", s->risks_closed);
	kv_int(j, "untreated", s->untreated);
	kv_int(j, "above_tolerance", s->above_tolerance);
	json_key(j, "tolerance");
	json_string(j, p->levels[p->tolerance].name);
	json_key(j, "likelihood");
	json_array_begin(j);
	for (size_t i = 0; i < p->n_likelihood; i++)
		json_string(j, p->likelihood[i]);
	json_array_end(j);
	json_key(j, "impact");
	json_array_begin(j);
	for (size_t i = 0; i < p->n_impact; i++)
		json_string(j, p->impact[i]);
	json_array_end(j);
	matrix(j, "inherent", p, s->inherent);
	matrix(j, "residual", p, s->residual);
	json_key(j, "acceptances");
	json_object_begin(j);
	kv_int(j, "accepted", s->acceptance[SRR_ACCEPTANCE_ACCEPTED]);
	kv_int(j, "pending", s->acceptance[SRR_ACCEPTANCE_PENDING]);
	kv_int(j, "expired", s->acceptance[SRR_ACCEPTANCE_EXPIRED]);
	json_object_end(j);
	json_object_end(j);

	json_key(j, "due");
	json_object_begin(j);
	kv_int(j, "within_days", s->within);
	kv_int(j, "overdue", s->total_overdue);
	kv_int(j, "upcoming",
	       (long long)srr_due_list_count(s->due) - s->total_overdue - s->total_waiting);
	kv_int(j, "waiting", s->total_waiting);
	json_key(j, "by_kind");
	json_object_begin(j);
	for (unsigned k = 1; k < REPORT_DUE_KINDS; k++) {
		if (!s->overdue[k] && !s->upcoming[k] && !s->waiting[k])
			continue;
		json_key(j, srr_due_kind_name((enum srr_due_kind)k));
		json_object_begin(j);
		kv_int(j, "overdue", s->overdue[k]);
		kv_int(j, "upcoming", s->upcoming[k]);
		kv_int(j, "waiting", s->waiting[k]);
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);

	json_key(j, "approvals");
	json_object_begin(j);
	kv_int(j, "approved", s->by_status[SRR_APPROVAL_APPROVED]);
	kv_int(j, "pending", s->by_status[SRR_APPROVAL_PENDING]);
	kv_int(j, "stale", s->by_status[SRR_APPROVAL_STALE]);
	kv_int(j, "rejected", s->by_status[SRR_APPROVAL_REJECTED]);
	kv_int(j, "signatures", (long long)s->signatures);
	json_object_end(j);

	json_key(j, "log");
	json_object_begin(j);
	kv_int(j, "events", s->events);
	kv_int(j, "checkpoints", (long long)srr_checkpoint_list_count(s->checkpoints));
	json_key(j, "latest_checkpoint");
	if (s->latest) {
		json_object_begin(j);
		kv_int(j, "id", s->latest->id);
		kv_int(j, "size", s->latest->size);
		json_key(j, "signer");
		json_string(j, s->latest->signer);
		json_key(j, "signed_at");
		json_string(j, s->latest->signed_at);
		json_key(j, "clock_synchronised");
		json_bool(j, s->latest->clock_synced);
		json_object_end(j);
	} else {
		json_null(j);
	}
	kv_int(j, "uncovered", s->events - (s->latest ? s->latest->size : 0));
	json_object_end(j);
}

SRR_EXPORT int
srr_report_json(struct srr_register *reg, const struct srr_report_options *options, FILE *f)
{
	struct report_scope scope;
	struct report_summary *s = NULL;
	int rc = report_open(reg, options, f, &scope, &s);
	if (rc)
		return rc;
	{
		struct json j;
		json_init(&j, f, true);
		json_object_begin(&j);
		json_key(&j, "report");
		json_object_begin(&j);
		summary(&j, reg, s);
		json_object_end(&j);
		json_key(&j, "tables");
		json_object_begin(&j);
		struct json_tables t = { .j = &j };
		struct report_sink sink = { jt_begin, jt_row, jt_end, &t };
		rc = report_tables(reg, s, &sink);
		json_object_end(&j);
		json_object_end(&j);
		json_end(&j);
		if (rc == 0 && (fflush(f) != 0 || ferror(f)))
			rc = reg_error(reg, SRR_E_IO, "writing the report: %s", strerror(errno));
	}
	report_summary_free(s);
	return report_end(reg, &scope, rc);
}
