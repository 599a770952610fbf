/* SPDX-License-Identifier: MIT */
/*
 * srr init: create a register.
 */
#include <stdio.h>

#include "cli.h"

const struct command init_command = {
	"init",
	cmd_init,
	"Create a new register",
	"Usage: srr init [--policy FILE.yaml]\n"
	"\n"
	"Creates the register file (mode 0600, refuses an existing file) and logs\n"
	"its register.init event. The path comes from --db, $SRR_DB or ./register.db.\n"
	"\n"
	"  --policy FILE   set the first policy in the same transaction (see\n"
	"                  'srr policy set'); without it the built-in default applies\n",
};

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	const char *policy = NULL;
	const struct cli_opt opts[] = { { "policy", CLI_STR, &policy }, { NULL } };
	int prc = cli_parse(cli, &init_command, argc, argv, opts, 0, 0, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;

	int rc = cli_open_with_policy(cli, true, policy);
	if (rc)
		return rc;
	const char *path = cli_db_path(cli);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "path");
		json_string(&j, path);
		json_key(&j, "id");
		json_string(&j, srr_register_id(cli->reg));
		json_key(&j, "schema");
		json_int(&j, srr_register_schema_version(cli->reg));
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Created register %s (id %s)\n", path, srr_register_id(cli->reg));
	}
	return EXIT_OK;
}
