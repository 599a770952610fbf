/* SPDX-License-Identifier: MIT */
/*
 * srr report --csv: one file per table of report-tables.c, in a new
 * directory, all or none (docs/formats/report.md, "Tables").
 *
 * RFC 4180: a header row, CRLF after every row, a field quoted when it
 * holds a comma, a double quote, CR or LF, quotes doubled. Spreadsheets
 * run a cell that starts with '=', '+', '-', '@', tab or CR as a formula,
 * and a supplier's name is whatever someone typed: such a text field gets
 * a leading apostrophe, which spreadsheets take as "this is text". Typed
 * columns (numbers, dates, flags) are written as they are: "-3" in an
 * integer column is the number.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files-private.h"
#include "libsrr-private.h"
#include "report-private.h"

/* Large writes: the whole register goes through these streams. */
#define CSV_BUFFER (1u << 20)
#define CSV_QUOTED ",\"\r\n"

/* Would a spreadsheet run this text as a formula? Leading apostrophes are
 * skipped, so that "'=x" gets one too: a reader drops exactly one
 * apostrophe from a field that starts with apostrophes and then one of
 * these, and has the text back. */
static bool
formula_lead(const char *s)
{
	while (*s == '\'')
		s++;
	return *s && strchr("=+-@\t\r", *s);
}

/* The stream is the writer's own (write_stream_new()): no other thread uses it,
 * so the unlocked stdio calls, at ten fields per row of a million rows. */
void
report_csv_field(FILE *f, enum report_type type, const char *value)
{
	if (!value)
		return;
	size_t n = strcspn(value, CSV_QUOTED);
	bool quote = value[n] != '\0';
	bool guard = type == REPORT_TEXT && formula_lead(value);
	if (quote)
		putc_unlocked('"', f);
	if (guard)
		putc_unlocked('\'', f);
	if (!quote) {
		fwrite_unlocked(value, 1, n, f);
		return;
	}
	for (const char *p = value; *p;) {
		size_t k = strcspn(p, "\"");
		fwrite_unlocked(p, 1, k, f);
		p += k;
		if (*p == '"') {
			fputs_unlocked("\"\"", f);
			p++;
		}
	}
	putc_unlocked('"', f);
}

struct csv {
	struct srr_register *reg;
	const char *dir;
	struct written done;
	FILE *f; /* the table being written */
	char *buf;
	char path[4096];
	const struct report_column *columns;
	size_t n_columns;
};

static int
csv_write_error(struct csv *c)
{
	int e = errno ? errno : EIO;
	return reg_error(c->reg, SRR_E_IO, "%s: %s", c->path, strerror(e));
}

static int
csv_begin(void *userdata, const char *table, size_t n, const struct report_column *columns)
{
	struct csv *c = userdata;
	if ((size_t)snprintf(c->path, sizeof(c->path), "%s/%s.csv", c->dir, table) >=
	    sizeof(c->path))
		return reg_error(c->reg, SRR_E_INPUT, "report directory path too long: %s", c->dir);
	int rc = write_stream_new(c->reg, &c->done, c->path, &c->f);
	if (rc)
		return rc;
	setvbuf(c->f, c->buf, _IOFBF, CSV_BUFFER);
	c->columns = columns;
	c->n_columns = n;
	errno = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', c->f);
		report_csv_field(c->f, REPORT_TEXT, columns[i].name);
	}
	fputs_unlocked("\r\n", c->f);
	return ferror_unlocked(c->f) ? csv_write_error(c) : 0;
}

static int
csv_row(void *userdata, const char *const *values)
{
	struct csv *c = userdata;
	errno = 0;
	for (size_t i = 0; i < c->n_columns; i++) {
		if (i)
			putc_unlocked(',', c->f);
		report_csv_field(c->f, c->columns[i].type, values[i]);
	}
	fputs_unlocked("\r\n", c->f);
	/* A full disk stops the walk at the row it fails on. */
	return ferror_unlocked(c->f) ? csv_write_error(c) : 0;
}

static int
csv_end(void *userdata)
{
	struct csv *c = userdata;
	FILE *f = c->f;
	c->f = NULL;
	return write_stream_close(c->reg, f, c->path);
}

SRR_EXPORT int
srr_report_csv(struct srr_register *reg, const struct srr_report_options *options, const char *dir)
{
	if (!reg)
		return SRR_E_INPUT;
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (!dir || !*dir)
		return reg_error(reg, SRR_E_INPUT, "no directory given for the CSV report");
	struct csv c = { .reg = reg, .dir = dir };
	if (!(c.buf = malloc(CSV_BUFFER)))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	struct report_sink sink = { csv_begin, csv_row, csv_end, &c };
	/* One read transaction and one day: the files are one snapshot. */
	struct report_scope scope;
	rc = report_begin(reg, options, &scope);
	if (rc) {
		free(c.buf);
		return rc;
	}
	struct report_summary *summary = NULL;
	rc = report_summary_new(&summary, reg, scope.as_of, options ? options->within : 0);
	if (rc == 0)
		rc = write_dir(reg, &c.done, dir);
	if (rc == 0)
		rc = report_tables(reg, summary, &sink);
	report_summary_free(summary);
	if (c.f)
		fclose(c.f); /* a table cut short: the file goes below */
	rc = report_end(reg, &scope, rc);
	written_undo(&c.done, rc != 0);
	free(c.buf);
	return rc;
}
