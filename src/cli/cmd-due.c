/* SPDX-License-Identifier: MIT */
/*
 * srr due: what is overdue and what comes next. Exit 1 when anything is
 * overdue, so a timer or cron job can alert on it.
 */
#include <stdio.h>

#include "cli.h"

const struct command due_command = {
	"due",
	cmd_due,
	"What is overdue and what is due soon",
	"Usage: srr due [--within DAYS] [--as-of DATE]\n"
	"\n"
	"  --within DAYS   also list what falls due within DAYS after the as-of day\n"
	"                  (default 30)\n"
	"  --as-of DATE    the day to judge (default: today, UTC)\n"
	"\n"
	"Lists scheduled reviews (tier cadence), unscheduled reviews after incidents\n"
	"and SLA breaches, contract notice deadlines and ends, risk acceptances\n"
	"expiring or awaiting approval, treatment actions, risk reviews and late\n"
	"incident notifications, each with the EN 319 401 requirement it serves.\n"
	"Exit status 1 when anything is overdue, else 0.\n",
};

int
cmd_due(struct cli *cli, int argc, char **argv)
{
	const char *within_text = NULL, *as_of = NULL;
	const struct cli_opt opts[] = {
		{ "within", CLI_STR, &within_text },
		{ "as-of", CLI_STR, &as_of },
		{ NULL },
	};
	int prc = cli_parse(cli, &due_command, argc, argv, opts, 0, 0, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	long long within = 30;
	if (within_text && !cli_parse_uint(within_text, 3650, &within))
		return cli_error(cli, "--within '%s': must be 0 to 3650 days", within_text);
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_due_list *l;
	if (srr_due_list_new(&l, cli->reg, as_of, (unsigned)within))
		return cli_fail(cli, -1);
	size_t n = srr_due_list_count(l), overdue = srr_due_list_overdue(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "as_of");
		json_string(&j, srr_due_list_as_of(l));
		json_key(&j, "within");
		json_int(&j, within);
		json_key(&j, "overdue");
		json_int(&j, (long long)overdue);
		json_key(&j, "items");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			const struct srr_due_item *it = srr_due_list_get(l, i);
			json_object_begin(&j);
			json_key(&j, "kind");
			json_string(&j, srr_due_kind_name(it->kind));
			json_key(&j, "supplier");
			json_string(&j, it->supplier);
			json_key(&j, "subject");
			json_string(&j, it->subject);
			json_key(&j, "what");
			json_string(&j, it->what);
			json_key(&j, "who");
			json_string(&j, it->who);
			json_key(&j, "due");
			json_string(&j, it->due);
			json_key(&j, "days");
			json_int(&j, it->days);
			json_key(&j, "overdue");
			json_bool(&j, it->overdue);
			json_key(&j, "requirement");
			json_string(&j, it->requirement);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else if (n == 0) {
		printf("Nothing due within %lld days.\n", within);
	} else {
		static const char *const hdr[] = { "DUE", "STATE",	 "KIND",
						   "WHO", "REQUIREMENT", "WHAT" };
		struct table *t = table_new(6, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_due_item *it = srr_due_list_get(l, i);
			char state[48];
			if (it->overdue)
				snprintf(state, sizeof(state), "OVERDUE %ldd", -it->days);
			else if (it->days < 0)
				snprintf(state, sizeof(state), "open since %ldd", -it->days);
			else
				snprintf(state, sizeof(state), "in %ldd", it->days);
			table_row(t, it->due, state, srr_due_kind_name(it->kind), it->who,
				  it->requirement, it->what);
		}
		table_print(t);
		printf("%zu overdue, %zu listed\n", overdue, n);
	}
	srr_due_list_free(l);
	return overdue ? EXIT_PROBLEMS : EXIT_OK;
}
