/* SPDX-License-Identifier: MIT */
#ifndef SRR_REPORT_PRIVATE_H
#define SRR_REPORT_PRIVATE_H

/*
 * The reports' data. report-tables.c reads every entity as rows of typed
 * columns and hands them to a sink: the CSV writer makes one file per
 * table, the JSON writer one array of objects per table. The HTML page
 * (report-html.c) is drawn from the summary (report.c), which aggregates
 * in SQL so that a register of 100,000 suppliers reports in seconds.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "register-private.h"
#include "srr/report.h"

enum report_type {
	REPORT_TEXT,
	REPORT_INT,    /* decimal integer text */
	REPORT_NUMBER, /* a canonical decimal (SLA targets and values) */
	REPORT_BOOL,   /* "1" or "0" in the row; true/false in JSON */
	REPORT_DATE,   /* YYYY-MM-DD */
	REPORT_TIME,   /* RFC 3339 UTC */
};

struct report_column {
	const char *name;
	enum report_type type;
};

/* A table's rows go to a sink. values[i] is column i as text, or NULL for
 * no value (an empty CSV field, JSON null). Each callback returns 0 or a
 * negative srr error, which ends the walk. */
struct report_sink {
	int (*begin)(void *userdata, const char *table, size_t n_columns,
		     const struct report_column *columns);
	int (*row)(void *userdata, const char *const *values);
	int (*end)(void *userdata);
	void *userdata;
};

struct report_summary;

/* Walk every table (suppliers, services, contacts, ...; the order and
 * columns are in docs/formats/report.md) as of the summary's day, in the
 * caller's read transaction (report_begin()). The due table is the
 * summary's due list; the requirements table its coverage. */
int report_tables(struct srr_register *reg, const struct report_summary *summary,
		  const struct report_sink *sink);

/* The requirements table (srr_requirement_get) with what this register
 * holds for each row and its gaps as of the day. */
int report_coverage_table(struct srr_register *reg, const struct report_summary *summary,
			  const struct report_sink *sink);

/* The day of options->as_of (today when NULL), or an error. */
int report_as_of(struct srr_register *reg, const struct srr_report_options *options,
		 int64_t *day);

/* Every report reads one snapshot as of one day: report_begin() checks
 * the options, sets the register's day to the as-of day (every derived
 * state follows it) and opens a read transaction; report_end() undoes
 * both and returns rc (or the first error of its own). */
struct report_scope {
	int64_t as_of;
	int64_t saved_today;
	bool own_tx;
};
int report_begin(struct srr_register *reg, const struct srr_report_options *options,
		 struct report_scope *scope);
int report_end(struct srr_register *reg, struct report_scope *scope, int rc);

/* report_begin() and the summary, for a report written to f: on success
 * the caller frees the summary and calls report_end(). */
int report_open(struct srr_register *reg, const struct srr_report_options *options, FILE *f,
		struct report_scope *scope, struct report_summary **summary);

/* One CSV field to f (nothing for NULL), RFC 4180 quoted when it must be,
 * a formula neutralised with an apostrophe in text columns. Write errors
 * stay on f (ferror). */
void report_csv_field(FILE *f, enum report_type type, const char *value);

/* ---- the summary the HTML page and the JSON document show ---- */

#include "srr/srr.h"

#define REPORT_MONTHS 12   /* SLA breaches: months up to the as-of month */
#define REPORT_TOP 10	   /* suppliers with the most breaches shown */
#define REPORT_DUE_KINDS 12 /* enum srr_due_kind values (1..11), 0 unused */

struct report_breach_row {
	char *key, *name;
	long months[REPORT_MONTHS];
	long total;
};

struct report_cover {
	char *evidence; /* what this register holds for the row */
	char *gaps;	/* what it lacks, or NULL */
};

struct report_summary {
	int64_t as_of;
	unsigned within;
	struct srr_policy_list *policy_list;
	const struct srr_policy *policy;
	/* suppliers and agreements */
	long suppliers, retired, by_tier[5];
	long contracts, contracts_ended, contracts_ending, clause_gaps;
	long no_contact, no_service, no_country, no_risk;
	long subcontractor_links, sub_no_clause;
	long slas, slas_unmeasured, measurements, breaches, no_sla_no_audit;
	long reviews, evidence, never_reviewed, incidents, incidents_late;
	/* risks: matrices of n_likelihood x n_impact, row (likelihood - 1) */
	long risks_open, risks_closed, untreated, by_treatment[5], off_matrix;
	long above_tolerance, risk_review_dates, actions;
	long accepted, accepted_above, acceptance[4];
	long *inherent, *residual;
	/* SLA breaches per month: month_breaches[0] is last_month - 11 */
	long last_month; /* year * 12 + month - 1 of the as-of day */
	long month_breaches[REPORT_MONTHS], window_breaches, suppliers_breaching;
	struct report_breach_row top[REPORT_TOP];
	size_t n_top;
	/* due */
	struct srr_due_list *due;
	long overdue[REPORT_DUE_KINDS], upcoming[REPORT_DUE_KINDS], total_overdue;
	long waiting[REPORT_DUE_KINDS], total_waiting; /* asked for before the day, not overdue */
	/* approvals */
	struct srr_approval_list *approvals;
	long by_status[5];
	size_t signatures;
	const struct srr_approval *policy_approval; /* of the version in force */
	/* the log */
	int64_t events;
	struct srr_checkpoint_list *checkpoints;
	const struct srr_checkpoint *latest; /* the one covering most, or NULL */
	long unsynced;
	/* one per srr_requirement_get() row */
	struct report_cover *cover;
};

/* "YYYY-MM" of a month index (year * 12 + month - 1). */
#define REPORT_MONTH_LEN 24
void report_month_label(char buf[REPORT_MONTH_LEN], long month);

int report_summary_new(struct report_summary **out, struct srr_register *reg, int64_t as_of,
		       unsigned within);
void report_summary_free(struct report_summary *s);
/* Fill s->cover from the rest of s. */
int report_cover(struct srr_register *reg, struct report_summary *s);

#endif
