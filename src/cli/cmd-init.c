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
	static const struct option opts[] = { { "policy", required_argument, NULL, 'p' },
					      COMMON_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	const char *policy = NULL;
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'p') {
			policy = optarg;
			continue;
		}
		int rc = cli_common_option(cli, &init_command, opt, argv);
		if (rc)
			return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	}
	if (optind < argc)
		return cli_usage_error(cli, &init_command, "unexpected argument '%s'",
				       argv[optind]);

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
