/* SPDX-License-Identifier: MIT */
/*
 * srr log: the audit log's events.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_SINCE = OPT_FIRST_LOCAL, OPT_LIMIT, OPT_RECORDS };

const struct command log_command = {
	"log",
	cmd_log,
	"List the events of the audit log",
	"Usage: srr log [--since N] [--limit N] [--records]\n"
	"\n"
	"  --since N     only events after sequence number N\n"
	"  --limit N     at most N events\n"
	"  --records     also print each event's srr-record/1 state\n"
	"\n"
	"With --json, each event carries its record and its canonical leaf bytes.\n",
};

int
cmd_log(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "records", no_argument, NULL, OPT_RECORDS },
		COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	long long since = 0, limit = 0;
	bool records = false;
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SINCE:
			if (!cli_parse_uint(optarg, INT64_MAX, &since))
				return cli_error(cli, "--since '%s': must be a sequence number",
						 optarg);
			break;
		case OPT_LIMIT:
			if (!cli_parse_uint(optarg, INT64_MAX, &limit))
				return cli_error(cli, "--limit '%s': must be a number", optarg);
			break;
		case OPT_RECORDS:
			records = true;
			break;
		default: {
			int rc = cli_common_option(cli, &log_command, opt, argv);
			if (rc)
				return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
		}
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, &log_command, "unexpected argument '%s'", argv[optind]);
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_event_list *l;
	if (srr_event_list_new(&l, cli->reg, since, (size_t)limit))
		return cli_fail(cli, -1);
	size_t n = srr_event_list_count(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "register");
		json_string(&j, srr_register_id(cli->reg));
		json_key(&j, "events");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			const struct srr_event *e = srr_event_list_get(l, i);
			json_object_begin(&j);
			json_key(&j, "seq");
			json_int(&j, e->seq);
			json_key(&j, "time");
			json_string(&j, e->time);
			json_key(&j, "actor");
			json_string(&j, e->actor);
			json_key(&j, "action");
			json_string(&j, e->action);
			json_key(&j, "entity");
			json_string(&j, e->entity);
			json_key(&j, "record");
			json_string_n(&j, e->record, e->record_len);
			json_key(&j, "leaf");
			json_string_n(&j, e->leaf, e->leaf_len);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct srr_event *e = srr_event_list_get(l, i);
			printf("%-6lld %s  %-18s %-10s %s\n", (long long)e->seq, e->time, e->action,
			       e->actor, e->entity);
			if (records)
				printf("%.*s\n", (int)e->record_len, e->record);
		}
	}
	srr_event_list_free(l);
	return EXIT_OK;
}
