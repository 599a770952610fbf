/* SPDX-License-Identifier: MIT */
/*
 * srr import: suppliers and everything that hangs off them, from YAML.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct command import_command = {
	"import",
	cmd_import,
	"Add or update suppliers and what hangs off them from a YAML file",
	"Usage: srr import FILE.yaml|- [--dry-run] [--all-errors]\n"
	"\n"
	"  FILE.yaml      the shape of docs/formats/yaml.md ('srr export --yaml'\n"
	"                 writes it); - reads standard input\n"
	"  --dry-run      list what would be added or changed, change nothing\n"
	"  --all-errors   go on after an error and list up to 100 (nothing is\n"
	"                 changed either way)\n"
	"\n"
	"Suppliers are matched by key, contracts by ref, SLAs by metric,\n"
	"measurements by period, reviews, incidents and risks by id (else by\n"
	"date, identified time and title). Each listed entity is stated whole;\n"
	"entities the file does not list stay as they are. The whole file is one\n"
	"transaction with one log event per added or changed entity: importing\n"
	"the same file again changes nothing. Errors name FILE:LINE:COLUMN.\n",
};

struct import_out {
	struct cli *cli;
	bool dry_run;
	struct json *json; /* the "changes" array while it is open */
};

static void
on_change(void *userdata, enum srr_import_change change, const char *entity)
{
	struct import_out *o = userdata;
	const char *what = change == SRR_IMPORT_ADDED ? "add" : "change";
	if (!o->dry_run)
		return;
	if (o->json) {
		json_object_begin(o->json);
		json_key(o->json, "change");
		json_string(o->json, what);
		json_key(o->json, "entity");
		json_string(o->json, entity);
		json_object_end(o->json);
	} else {
		printf("%-6s %s\n", what, entity);
	}
}

static void
on_error(void *userdata, const char *file, unsigned line, unsigned column, const char *message)
{
	struct import_out *o = userdata;
	cli_eprintf("srr %s: %s:%u:%u: %s", o->cli->cmd, file, line, column, message);
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	bool dry_run = false, all_errors = false;
	const struct cli_opt opts[] = {
		{ "dry-run", CLI_FLAG, &dry_run },
		{ "all-errors", CLI_FLAG, &all_errors },
		{ NULL },
	};
	int rc = cli_parse(cli, &import_command, argc, argv, opts, 1, 1, "FILE.yaml");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *path = argv[optind];
	bool from_stdin = strcmp(path, "-") == 0;
	FILE *in = from_stdin ? stdin : fopen(path, "rb");
	if (!in)
		return cli_error(cli, "%s: %s", path, strerror(errno));
	rc = cli_open(cli, false);
	if (rc) {
		if (!from_stdin)
			fclose(in);
		return rc;
	}
	/* A dry run's changes stream into the JSON document as they come;
	 * it is printed only if the import succeeds, so it is built in
	 * memory (a dry run of a huge file lists every entity either way). */
	struct json j;
	struct import_out o = { .cli = cli, .dry_run = dry_run };
	char *doc = NULL;
	size_t doc_len = 0;
	FILE *mem = NULL;
	if (cli->json) {
		mem = open_memstream(&doc, &doc_len);
		if (!mem) {
			if (!from_stdin)
				fclose(in);
			return cli_error(cli, "out of memory");
		}
		json_init(&j, mem, true);
		json_object_begin(&j);
		json_key(&j, "changes");
		json_array_begin(&j);
		o.json = &j;
	}
	struct srr_import_options opt = {
		.dry_run = dry_run,
		.all_errors = all_errors,
		.on_change = on_change,
		.on_error = on_error,
		.userdata = &o,
	};
	struct srr_import_summary sum;
	rc = srr_import(cli->reg, in, from_stdin ? "<stdin>" : path, &opt, &sum);
	if (!from_stdin)
		fclose(in);
	if (rc) {
		if (mem) {
			fclose(mem);
			free(doc);
		}
		/* The errors were printed as they came; a failure that is
		 * not the file's has not been. */
		return sum.errors ? EXIT_ERROR : cli_fail(cli, rc);
	}
	size_t unchanged = sum.entities - sum.added - sum.changed;
	if (cli->json) {
		json_array_end(&j);
		json_key(&j, "file");
		json_string(&j, path);
		json_key(&j, "dry_run");
		json_bool(&j, dry_run);
		json_key(&j, "suppliers");
		json_int(&j, (long long)sum.suppliers);
		json_key(&j, "entities");
		json_int(&j, (long long)sum.entities);
		json_key(&j, "added");
		json_int(&j, (long long)sum.added);
		json_key(&j, "changed");
		json_int(&j, (long long)sum.changed);
		json_key(&j, "unchanged");
		json_int(&j, (long long)unchanged);
		json_object_end(&j);
		json_end(&j);
		fclose(mem);
		fwrite(doc, 1, doc_len, stdout);
		free(doc);
		return EXIT_OK;
	}
	printf("%s %s: %zu supplier%s, %zu entities: %zu added, %zu changed, %zu unchanged%s\n",
	       dry_run ? "dry run of" : "imported", path, sum.suppliers,
	       sum.suppliers == 1 ? "" : "s", sum.entities, sum.added, sum.changed, unchanged,
	       dry_run ? " (nothing was changed)" : "");
	return EXIT_OK;
}
