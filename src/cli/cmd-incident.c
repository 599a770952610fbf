/* SPDX-License-Identifier: MIT */
/*
 * srr incident add|notified|list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int incident_add(struct cli *cli, int argc, char **argv);
static int incident_notified(struct cli *cli, int argc, char **argv);
static int incident_list(struct cli *cli, int argc, char **argv);

const struct command incident_commands[] = {
	{ "add", incident_add, "Record a supplier incident",
	  "Usage: srr incident add SUPPLIER --identified TIME --summary TEXT\n"
	  "                        [--notified TIME] [--severity low|medium|high|critical]\n"
	  "\n"
	  "  --identified TIME  when the incident was identified (RFC 3339 UTC,\n"
	  "                     e.g. 2026-11-02T09:30:00Z)\n"
	  "  --notified TIME    when the supplier notified us; later than 24 hours after\n"
	  "                     identification is flagged (EN 319 401 REQ-7.9.3-01)\n"
	  "  --severity S       default medium\n"
	  "\n"
	  "An incident makes an unscheduled review of the supplier due.\n" },
	{ "notified", incident_notified, "Record when the supplier notified an incident",
	  "Usage: srr incident notified ID --at TIME\n" },
	{ "list", incident_list, "List incidents, newest first",
	  "Usage: srr incident list [SUPPLIER]\n" },
};
const size_t n_incident_commands = sizeof(incident_commands) / sizeof(incident_commands[0]);

int
cmd_incident(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "incident", incident_commands, n_incident_commands, argc, argv);
}

static int
incident_add(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &incident_commands[0];
	struct srr_incident in = { 0 };
	const char *severity = NULL;
	const struct cli_opt opts[] = {
		{ "identified", CLI_STR, &in.identified },
		{ "notified", CLI_STR, &in.notified },
		{ "summary", CLI_STR, &in.summary },
		{ "severity", CLI_STR, &severity },
		{ NULL },
	};
	int prc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "SUPPLIER");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!in.identified)
		return cli_usage_error(cli, cmd, "missing --identified");
	if (!in.summary)
		return cli_usage_error(cli, cmd, "missing --summary");
	if (severity) {
		in.severity = srr_severity_from_name(severity);
		if (in.severity == SRR_SEVERITY_NONE)
			return cli_error(cli,
					 "--severity '%s': must be low, medium, high or critical",
					 severity);
	}
	in.supplier = argv[optind];
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	int64_t id;
	if (srr_incident_add(cli->reg, &in, &id))
		return cli_fail(cli, -1);
	cli_done_id(cli, "incident", id, "Recorded incident");
	return EXIT_OK;
}

static int
parse_id(struct cli *cli, const char *s, int64_t *id)
{
	long long v;
	if (!cli_parse_uint(s, INT64_MAX, &v) || v == 0)
		return cli_error(cli, "'%s' is not an incident id", s);
	*id = v;
	return EXIT_OK;
}

static int
incident_notified(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &incident_commands[1];
	const char *at = NULL;
	const struct cli_opt opts[] = { { "at", CLI_STR, &at }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "ID");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!at)
		return cli_usage_error(cli, cmd, "missing --at");
	int64_t id = 0;
	int rc = parse_id(cli, argv[optind], &id);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_incident_notified(cli->reg, id, at))
		return cli_fail(cli, -1);
	cli_done_id(cli, "notified", id, "Recorded notification of incident");
	return EXIT_OK;
}

static int
incident_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &incident_commands[2];
	int prc = cli_parse(cli, cmd, argc, argv, NULL, 0, 1, "SUPPLIER");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_incident_list *l;
	if (srr_incident_list_new(&l, cli->reg, optind < argc ? argv[optind] : NULL))
		return cli_fail(cli, -1);
	size_t n = srr_incident_list_count(l);
	struct json j;
	struct table *t = NULL;
	if (cli->json) {
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "incidents");
		json_array_begin(&j);
	} else {
		static const char *const hdr[] = { "ID",       "SUPPLIER", "IDENTIFIED", "NOTIFIED",
						   "SEVERITY", "LATE",	   "SUMMARY" };
		t = table_new(7, hdr);
	}
	for (size_t i = 0; i < n; i++) {
		const struct srr_incident *in = srr_incident_list_get(l, i);
		if (cli->json) {
			json_object_begin(&j);
			json_key(&j, "id");
			json_int(&j, in->id);
			json_key(&j, "supplier");
			json_string(&j, in->supplier);
			json_key(&j, "identified");
			json_string(&j, in->identified);
			json_key(&j, "notified");
			json_string(&j, in->notified);
			json_key(&j, "severity");
			json_string(&j, srr_severity_name(in->severity));
			json_key(&j, "late");
			json_bool(&j, in->late);
			json_key(&j, "summary");
			json_string(&j, in->summary);
			json_object_end(&j);
			continue;
		}
		char id[24], summary[64];
		snprintf(id, sizeof(id), "%lld", (long long)in->id);
		/* One line per incident: the first line of the summary, cut short,
		 * never in the middle of a UTF-8 character. */
		size_t len = strcspn(in->summary, "\n");
		if (len > sizeof(summary) - 1) {
			len = sizeof(summary) - 1;
			while (len > 0 && ((unsigned char)in->summary[len] & 0xc0) == 0x80)
				len--;
		}
		memcpy(summary, in->summary, len);
		summary[len] = '\0';
		table_row(t, id, in->supplier, in->identified, in->notified,
			  srr_severity_name(in->severity), in->late ? "LATE" : "no", summary);
	}
	if (cli->json) {
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		table_print(t);
	}
	srr_incident_list_free(l);
	return EXIT_OK;
}
