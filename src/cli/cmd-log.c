/* SPDX-License-Identifier: MIT */
/*
 * srr log: the audit log's events.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
	const char *since_text = NULL, *limit_text = NULL;
	bool records = false;
	const struct cli_opt opts[] = {
		{ "since", CLI_STR, &since_text },
		{ "limit", CLI_STR, &limit_text },
		{ "records", CLI_FLAG, &records },
		{ NULL },
	};
	int prc = cli_parse(cli, &log_command, argc, argv, opts, 0, 0, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	long long since = 0, limit = 0;
	if (since_text && !cli_parse_uint(since_text, INT64_MAX, &since))
		return cli_error(cli, "--since '%s': must be a sequence number", since_text);
	if (limit_text && !cli_parse_uint(limit_text, INT64_MAX, &limit))
		return cli_error(cli, "--limit '%s': must be a number", limit_text);
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
