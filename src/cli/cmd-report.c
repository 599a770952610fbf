/* SPDX-License-Identifier: MIT */
/*
 * srr report: the register for people (HTML), for spreadsheets (CSV) and
 * for other tools (JSON).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srr/report.h>

#include "cli.h"

const struct command report_command = {
	"report",
	cmd_report,
	"Write the HTML report, or the register as CSV files",
	"Usage: srr report --html FILE [--as-of DATE] [--within DAYS] [--max-rows N]\n"
	"       srr report --csv DIR [--as-of DATE] [--within DAYS]\n"
	"       srr --json report [--as-of DATE] [--within DAYS]\n"
	"\n"
	"  --html FILE     one self-contained page ('-': standard output): the register\n"
	"                  at a glance, inherent and residual risk heat maps with the\n"
	"                  tolerance line, what is overdue and upcoming, SLA breaches\n"
	"                  per month, every approval's state, the log and its newest\n"
	"                  signed checkpoint, and the EN 319 401 coverage with the gaps\n"
	"                  found; inline CSS and SVG, no script, nothing fetched.\n"
	"                  FILE is replaced whole or not at all.\n"
	"  --csv DIR       one CSV file per entity (RFC 4180) in the new directory DIR\n"
	"  --json          the summary and every table as one JSON document on stdout\n"
	"  --as-of DATE    the day to report on (default: today, UTC)\n"
	"  --within DAYS   what falls due within DAYS counts as upcoming (default 30)\n"
	"  --max-rows N    rows of each long list on the page (default 100); the CSV\n"
	"                  files hold them all\n"
	"\n"
	"Formats: docs/formats/report.md.\n",
};

static int
write_html(struct cli *cli, FILE *f, void *userdata)
{
	return srr_report_html(cli->reg, userdata, f);
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	const char *html = NULL, *csv = NULL, *as_of = NULL, *within = NULL, *max_rows = NULL;
	const struct cli_opt opts[] = {
		{ "html", CLI_STR, &html },	  { "csv", CLI_STR, &csv },
		{ "as-of", CLI_STR, &as_of },	  { "within", CLI_STR, &within },
		{ "max-rows", CLI_STR, &max_rows }, { NULL },
	};
	int rc = cli_parse(cli, &report_command, argc, argv, opts, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	int outputs = !!html + !!csv + cli->json;
	if (outputs != 1)
		return cli_usage_error(cli, &report_command,
				       outputs ? "give one of --html FILE, --csv DIR and --json"
					       : "missing --html FILE, --csv DIR or --json");
	if ((html && !*html) || (csv && !*csv))
		return cli_usage_error(cli, &report_command, "%s '': the name is empty",
				       html ? "--html" : "--csv");
	if (max_rows && !html)
		return cli_usage_error(cli, &report_command, "--max-rows is for --html");
	struct srr_report_options o = { .as_of = as_of };
	long long n;
	if (within) {
		if (!cli_parse_uint(within, 3650, &n) || n == 0)
			return cli_error(cli, "--within '%s': must be a number of days from 1 to 3650",
					 within);
		o.within = (unsigned)n;
	}
	if (max_rows) {
		if (!cli_parse_uint(max_rows, 1000000, &n) || n == 0)
			return cli_error(cli, "--max-rows '%s': must be a number from 1 to 1000000",
					 max_rows);
		o.max_rows = (size_t)n;
	}
	if ((rc = cli_open(cli, false)))
		return rc;
	if (cli->json)
		return srr_report_json(cli->reg, &o, stdout) ? cli_fail(cli, -1) : EXIT_OK;
	if (csv) {
		if (srr_report_csv(cli->reg, &o, csv))
			return cli_fail(cli, -1);
		printf("Wrote the register as CSV files to %s\n", csv);
		return EXIT_OK;
	}
	if (strcmp(html, "-") == 0)
		return srr_report_html(cli->reg, &o, stdout) ? cli_fail(cli, -1) : EXIT_OK;
	long bytes = 0;
	if ((rc = cli_write_file(cli, html, write_html, &o, &bytes)))
		return rc;
	printf("Wrote the HTML report to %s (%ld bytes)\n", html, bytes);
	return EXIT_OK;
}
