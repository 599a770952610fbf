/* SPDX-License-Identifier: MIT */
#ifndef SRR_REPORT_H
#define SRR_REPORT_H

/**
 * @file srr/report.h
 * Reports for people and spreadsheets: one self-contained HTML page (the
 * register at a glance, risk heat maps, what is due, SLA breaches, the
 * state of every approval, the log and the EN 319 401 coverage), one CSV
 * file per entity, or the same as one JSON document. Everything is read
 * from the register and the policy in force as of one day; nothing is
 * stored.
 */

#include <stddef.h>
#include <stdio.h>
#include <srr/common.h>
#include <srr/register.h>

#ifdef __cplusplus
extern "C" {
#endif

struct srr_report_options {
	/** The day the report is for, YYYY-MM-DD; NULL: today (UTC). */
	const char *as_of;
	/** Days ahead counted as "upcoming"; 0: 30. */
	unsigned within;
	/** Rows of each long list the HTML page shows before it points to
	 * the CSV files; 0: 100. */
	size_t max_rows;
};

/**
 * Write the HTML report to @p out: one file with inline CSS and SVG, no
 * script, nothing fetched. Every text from the register is escaped.
 */
int srr_report_html(struct srr_register *reg, const struct srr_report_options *options,
		    FILE *out);

/**
 * Write one CSV file per entity (RFC 4180: CRLF, fields quoted when they
 * hold a comma, quote or line break) into the new directory @p dir: all
 * files or none. A text field that a spreadsheet would take for a formula
 * (it starts with '=', '+', '-', '@', tab or carriage return) is written
 * with a leading apostrophe.
 */
int srr_report_csv(struct srr_register *reg, const struct srr_report_options *options,
		   const char *dir);

/**
 * Write the report as one JSON document to @p out: the summary the HTML
 * page shows and every row of every CSV file (the same columns, typed).
 */
int srr_report_json(struct srr_register *reg, const struct srr_report_options *options,
		    FILE *out);

/** A row of the EN 319 401 / NIS2 mapping (docs/en319401.md). */
struct srr_requirement {
	const char *id;	      /**< "REQ-7.14.3-11, REQ-7.14.3-14" */
	const char *title;    /**< what it asks, in a few words */
	const char *evidence; /**< what srr keeps for it */
	const char *status;   /**< "done" or "partial" */
	const char *gap;      /**< partial: what srr does not do; else NULL */
};

/** The mapping the reports use, in the order docs/en319401.md lists it. */
size_t srr_requirement_count(void);
const struct srr_requirement *srr_requirement_get(size_t i);

#ifdef __cplusplus
}
#endif

#endif
