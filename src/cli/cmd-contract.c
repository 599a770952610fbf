/* SPDX-License-Identifier: MIT */
/*
 * srr contract add|list|show|update|terminate
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int contract_add(struct cli *cli, int argc, char **argv);
static int contract_list(struct cli *cli, int argc, char **argv);
static int contract_show(struct cli *cli, int argc, char **argv);
static int contract_update(struct cli *cli, int argc, char **argv);
static int contract_terminate(struct cli *cli, int argc, char **argv);

#define CLAUSE_HELP                                                                                \
	"Clauses (EN 319 401 REQ-7.14.3-09, -13): right-to-audit,\n"                               \
	"incident-notification-24h, subcontracting-approval, security-requirements,\n"             \
	"vulnerability-handling, data-location, termination-assistance, sla-reporting.\n"          \
	"A clause not given is reported as a gap.\n"

const struct command contract_commands[] = {
	{ "add", contract_add, "Add a contract to a supplier",
	  "Usage: srr contract add SUPPLIER REF --start DATE --end DATE [--notice-days N]\n"
	  "                        [--clause NAME]... [--all-clauses]\n"
	  "\n"
	  "  REF                 letters, digits, '.', '_' and '-', unique per supplier\n"
	  "  --start, --end      YYYY-MM-DD; the end may not be before the start\n"
	  "  --notice-days N     notice period in days\n"
	  "  --clause NAME       a checklist clause the contract has (repeatable)\n"
	  "  --all-clauses       the contract has every clause of the checklist\n"
	  "\n" CLAUSE_HELP },
	{ "list", contract_list, "List contracts",
	  "Usage: srr contract list [SUPPLIER] [--gaps]\n"
	  "\n"
	  "  --gaps              only contracts with missing clauses\n" },
	{ "show", contract_show, "Show one contract, its clauses and gaps",
	  "Usage: srr contract show SUPPLIER REF\n" },
	{ "update", contract_update, "Change a contract",
	  "Usage: srr contract update SUPPLIER REF [--start DATE] [--end DATE]\n"
	  "                           [--notice-days N|none] [--clause NAME]...\n"
	  "                           [--all-clauses] [--no-clauses]\n"
	  "\n"
	  "Options left out keep their value; --clause replaces the whole checklist.\n"
	  "\n" CLAUSE_HELP },
	{ "terminate", contract_terminate, "End a contract early",
	  "Usage: srr contract terminate SUPPLIER REF [--date DATE]\n"
	  "\n"
	  "  --date DATE         the termination date (default: today, UTC)\n" },
};
const size_t n_contract_commands = sizeof(contract_commands) / sizeof(contract_commands[0]);

int
cmd_contract(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "contract", contract_commands, n_contract_commands, argc, argv);
}

struct contract_args {
	const char *start, *end, *notice;
	unsigned clauses;
	bool set_clauses, no_clauses;
};

static int
parse_edit(struct cli *cli, const struct command *cmd, int argc, char **argv,
	   struct contract_args *a, bool update)
{
	struct strv clauses = { 0 };
	bool all = false;
	const struct cli_opt opts[] = {
		{ "start", CLI_STR, &a->start },
		{ "end", CLI_STR, &a->end },
		{ "notice-days", CLI_STR, &a->notice },
		{ "clause", CLI_LIST, &clauses },
		{ "all-clauses", CLI_FLAG, &all },
		{ "no-clauses", CLI_FLAG, &a->no_clauses },
		{ NULL },
	};
	int rc = cli_parse(cli, cmd, argc, argv, opts, 2, 2, "SUPPLIER and REF");
	if (rc == EXIT_OK && a->no_clauses && !update)
		rc = cli_usage_error(cli, cmd, "'--no-clauses' only applies to update");
	if (rc == EXIT_OK && a->no_clauses && (clauses.n || all))
		rc = cli_usage_error(cli, cmd, "'--no-clauses' contradicts '--clause'");
	for (size_t i = 0; rc == EXIT_OK && i < clauses.n; i++) {
		unsigned bit = srr_clause_from_name(clauses.v[i]);
		if (!bit)
			rc = cli_error(cli,
				       "--clause '%s': not a checklist clause "
				       "(see 'srr contract add --help')",
				       clauses.v[i]);
		a->clauses |= bit;
	}
	if (all)
		a->clauses = SRR_CLAUSE_ALL;
	a->set_clauses = clauses.n || all || a->no_clauses;
	strv_free(&clauses);
	return rc;
}

static int
parse_notice(struct cli *cli, const char *s, int *out)
{
	long long v;
	if (!cli_parse_uint(s, 3650, &v))
		return cli_error(
			cli, "--notice-days '%s': must be a whole number of days, 0 to 3650", s);
	*out = (int)v;
	return EXIT_OK;
}

static int
contract_add(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &contract_commands[0];
	struct contract_args a = { 0 };
	int rc = parse_edit(cli, cmd, argc, argv, &a, false);
	if (rc == EXIT_OK && !a.start)
		rc = cli_usage_error(cli, cmd, "missing --start");
	if (rc == EXIT_OK && !a.end)
		rc = cli_usage_error(cli, cmd, "missing --end");
	struct srr_contract c = { .notice_days = -1 };
	if (rc == EXIT_OK && a.notice)
		rc = parse_notice(cli, a.notice, &c.notice_days);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	c.supplier = argv[optind];
	c.ref = argv[optind + 1];
	c.start = a.start;
	c.end = a.end;
	c.clauses = a.clauses;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_contract_add(cli->reg, &c))
		return cli_fail(cli, -1);
	cli_done(cli, "added", c.ref, "Added contract");
	return EXIT_OK;
}

static void
json_contract(struct json *j, const struct srr_contract *c)
{
	json_object_begin(j);
	json_key(j, "supplier");
	json_string(j, c->supplier);
	json_key(j, "ref");
	json_string(j, c->ref);
	json_key(j, "start");
	json_string(j, c->start);
	json_key(j, "end");
	json_string(j, c->end);
	json_key(j, "notice_days");
	if (c->notice_days >= 0)
		json_int(j, c->notice_days);
	else
		json_null(j);
	json_key(j, "state");
	json_string(j, srr_contract_state_name(c->state));
	json_key(j, "terminated");
	json_string(j, c->terminated);
	json_key(j, "clauses");
	json_array_begin(j);
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++)
		if (c->clauses & (1u << i))
			json_string(j, srr_clause_name(i));
	json_array_end(j);
	json_key(j, "gaps");
	json_array_begin(j);
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++)
		if (c->gaps & (1u << i))
			json_string(j, srr_clause_name(i));
	json_array_end(j);
	json_object_end(j);
}

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

static int
contract_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &contract_commands[1];
	bool gaps_only = false;
	const struct cli_opt opts[] = { { "gaps", CLI_FLAG, &gaps_only }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 0, 1, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	const char *supplier = optind < argc ? argv[optind] : NULL;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_contract_list *l;
	if (srr_contract_list_new(&l, cli->reg, supplier))
		return cli_fail(cli, -1);
	size_t n = srr_contract_list_count(l);
	struct json j;
	struct table *t = NULL;
	if (cli->json) {
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "contracts");
		json_array_begin(&j);
	} else {
		static const char *const hdr[] = { "SUPPLIER", "REF",	"START",
						   "END",      "STATE", "GAPS" };
		t = table_new(6, hdr);
	}
	for (size_t i = 0; i < n; i++) {
		const struct srr_contract *c = srr_contract_list_get(l, i);
		if (gaps_only && !c->gaps)
			continue;
		if (cli->json) {
			json_contract(&j, c);
		} else {
			char gaps[16];
			snprintf(gaps, sizeof(gaps), "%u/%u", popcount(c->gaps), SRR_CLAUSE_COUNT);
			table_row(t, c->supplier, c->ref, c->start, c->end,
				  srr_contract_state_name(c->state), gaps);
		}
	}
	if (cli->json) {
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		table_print(t);
	}
	srr_contract_list_free(l);
	return EXIT_OK;
}

static int
contract_show(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &contract_commands[2];
	int rc = cli_parse_plain(cli, cmd, argc, argv, 2, "SUPPLIER and REF");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_contract_list *l;
	if (srr_contract_find(&l, cli->reg, argv[optind], argv[optind + 1]))
		return cli_fail(cli, -1);
	const struct srr_contract *c = srr_contract_list_get(l, 0);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_contract(&j, c);
		json_end(&j);
	} else {
		printf("Contract %s of %s (%s)\n", c->ref, c->supplier,
		       srr_contract_state_name(c->state));
		printf("  Start:       %s\n  End:         %s\n", c->start, c->end);
		if (c->notice_days >= 0)
			printf("  Notice:      %d days\n", c->notice_days);
		else
			printf("  Notice:      -\n");
		if (c->terminated)
			printf("  Terminated:  %s\n", c->terminated);
		printf("  Clauses:\n");
		for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++)
			printf("    [%s] %s\n", c->clauses & (1u << i) ? "x" : " ",
			       srr_clause_name(i));
		printf("  Gaps:        %u of %u clauses missing\n", popcount(c->gaps),
		       SRR_CLAUSE_COUNT);
	}
	srr_contract_list_free(l);
	return EXIT_OK;
}

static int
contract_update(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &contract_commands[3];
	struct contract_args a = { 0 };
	int rc = parse_edit(cli, cmd, argc, argv, &a, true);
	struct srr_contract_change ch = { .notice_days = -2 };
	if (rc == EXIT_OK && a.notice) {
		if (strcmp(a.notice, "none") == 0)
			ch.notice_days = -1;
		else
			rc = parse_notice(cli, a.notice, &ch.notice_days);
	}
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	ch.start = a.start;
	ch.end = a.end;
	ch.set_clauses = a.set_clauses;
	ch.clauses = a.clauses;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	int changed = 0;
	const char *ref = argv[optind + 1];
	if (srr_contract_update(cli->reg, argv[optind], ref, &ch, &changed))
		return cli_fail(cli, -1);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "contract");
		json_string(&j, ref);
		json_key(&j, "changed");
		json_bool(&j, changed);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf(changed ? "Updated contract %s\n" : "Contract %s unchanged\n", ref);
	}
	return EXIT_OK;
}

static int
contract_terminate(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &contract_commands[4];
	const char *date = NULL;
	const struct cli_opt opts[] = { { "date", CLI_STR, &date }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 2, 2, "SUPPLIER and REF");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_contract_terminate(cli->reg, argv[optind], argv[optind + 1], date))
		return cli_fail(cli, -1);
	cli_done(cli, "terminated", argv[optind + 1], "Terminated contract");
	return EXIT_OK;
}
