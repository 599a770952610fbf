/* SPDX-License-Identifier: MIT */
/*
 * srr: global options and the command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{ "init", cmd_init, "Create a new register", NULL },
	{ "supplier", cmd_supplier, "Add, list, show, update and retire suppliers", NULL },
	{ "contract", cmd_contract, "Contracts per supplier and their clause checklist", NULL },
	{ "sla", cmd_sla, "Service levels per contract and their measurements", NULL },
	{ "policy", cmd_policy, "Set and show the supplier policy", NULL },
	{ "review", cmd_review, "Record and list supplier reviews", NULL },
	{ "incident", cmd_incident, "Record and list supplier incidents", NULL },
	{ "risk", cmd_risk, "Risks per supplier and their treatment", NULL },
	{ "approval", cmd_approval, "Ask for, list, show, export and reject approvals", NULL },
	{ "approve", cmd_approve, "Sign an approval with a key on a PKCS#11 token", NULL },
	{ "checkpoint", cmd_checkpoint, "Sign, list and export checkpoints of the audit log", NULL },
	{ "verify", cmd_verify, "Re-verify the log, its checkpoints and every approval", NULL },
	{ "verify-bundle", cmd_verify_bundle, "Verify an auditor bundle offline", NULL },
	{ "import", cmd_import, "Add or update suppliers from a YAML file", NULL },
	{ "export", cmd_export, "Write the register as YAML, or an auditor bundle", NULL },
	{ "report", cmd_report, "Write the HTML report, or the register as CSV or JSON", NULL },
	{ "due", cmd_due, "What is overdue and what is due soon", NULL },
	{ "log", cmd_log, "List the events of the audit log", NULL },
};

static void
usage(FILE *f)
{
	fputs("Usage: srr [--db PATH] [--actor NAME] [--json] COMMAND [ARGS]\n\n"
	      "A supplier risk register for EN 319 401 / NIS2.\n\nCommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fputs("  help           Show help for a command\n"
	      "  version        Print the version\n\n"
	      "Global options:\n"
	      "  --db PATH      the register file (default $SRR_DB, else ./register.db)\n"
	      "  --actor NAME   who makes the change (default $SRR_ACTOR, else the login name)\n"
	      "  --json         one JSON document on stdout\n\n"
	      "Exit status: 0 success, 1 problems found, 2 usage error, 3 any other error.\n"
	      "See srr(1) and 'srr COMMAND --help'.\n",
	      f);
}

static int
version(struct cli *cli)
{
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "version");
		json_string(&j, srr_version());
		json_key(&j, "schema");
		json_int(&j, srr_schema_version());
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("srr %s (register schema %d)\n", srr_version(), srr_schema_version());
	}
	return EXIT_OK;
}

static const struct command *
find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
help(struct cli *cli, int argc, char **argv)
{
	if (argc < 1) {
		usage(stdout);
		return EXIT_OK;
	}
	const struct command *cmd = find(argv[0]);
	if (!cmd) {
		cli_eprintf("srr help: unknown command '%s' (see 'srr --help')", argv[0]);
		return EXIT_USAGE;
	}
	char *args[] = { argv[0], argc > 1 ? argv[1] : "--help", "--help", NULL };
	cli->cmd = cmd->name;
	return cmd->fn(cli, argc > 1 ? 3 : 2, args);
}

int
main(int argc, char **argv)
{
	struct cli cli = { .cmd = "" };
	static const struct option opts[] = { COMMON_OPTIONS,
					      { "version", no_argument, NULL, 'V' },
					      { NULL, 0, NULL, 0 } };
	int opt;
	opterr = 0;
	/* '+': stop at the command; its own options are its own. */
	while ((opt = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			cli.db = optarg;
			break;
		case OPT_ACTOR:
			cli.actor = optarg;
			break;
		case OPT_JSON:
			cli.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return version(&cli);
		case ':':
			cli_eprintf("srr: option '%s' needs a value (see 'srr --help')",
				    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			/* Without "=value": it may be a secret (a PIN). */
			cli_eprintf("srr: unknown option '%.*s' (see 'srr --help')",
				    (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	int rc;
	if (strcmp(name, "help") == 0) {
		rc = help(&cli, argc - optind - 1, argv + optind + 1);
	} else if (strcmp(name, "version") == 0) {
		for (int i = optind + 1; i < argc; i++)
			cli.json |= strcmp(argv[i], "--json") == 0;
		rc = version(&cli);
	} else {
		const struct command *cmd = find(name);
		if (!cmd) {
			cli_eprintf("srr: unknown command '%s' (see 'srr --help')", name);
			return EXIT_USAGE;
		}
		cli.cmd = cmd->name;
		rc = cmd->fn(&cli, argc - optind, argv + optind);
	}
	srr_register_free(cli.reg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "srr: error writing output\n");
		return EXIT_ERROR;
	}
	return rc;
}
