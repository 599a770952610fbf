/* SPDX-License-Identifier: MIT */
/*
 * srr export: the register as an auditor bundle, or as YAML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srr/import.h>

#include "cli.h"

const struct command export_command = {
	"export",
	cmd_export,
	"Write an auditor bundle, or the register as YAML",
	"Usage: srr export --bundle DIR [--sample N --seed S]\n"
	"       srr export --yaml FILE\n"
	"\n"
	"  --bundle DIR   write the bundle into DIR (created; an existing DIR must\n"
	"                 be empty)\n"
	"  --sample N     only N approvals and reviews, drawn at random ...\n"
	"  --seed S       ... reproducibly from S (0 to 2^63-1): the same register,\n"
	"                 N and S give the same sample\n"
	"\n"
	"The bundle holds the policy, the approvals with their signatures, the\n"
	"signed checkpoints, the events of every approval and review (of the\n"
	"sample) with an inclusion proof against the newest checkpoint, the signer\n"
	"certificates and, unless sampled, the whole log; a MANIFEST lists the\n"
	"SHA-256 of every file. Check it with 'srr verify-bundle DIR --trust CA.pem'.\n"
	"Format: docs/formats/bundle.md.\n"
	"\n"
	"  --yaml FILE    write every supplier, retired ones too, with its contracts,\n"
	"                 SLAs, measurements, reviews, incidents and risks as YAML\n"
	"                 to FILE ('-': standard output), in the shape 'srr import'\n"
	"                 reads (docs/formats/yaml.md). FILE is replaced whole or\n"
	"                 not at all; the same register gives the same bytes.\n",
};

static int
write_yaml(struct cli *cli, FILE *f, void *userdata)
{
	return srr_export_yaml(cli->reg, f);
}

static int
export_yaml(struct cli *cli, const char *file)
{
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (strcmp(file, "-") == 0)
		return srr_export_yaml(cli->reg, stdout) ? cli_fail(cli, -1) : EXIT_OK;
	long bytes = 0;
	rc = cli_write_file(cli, file, write_yaml, NULL, &bytes);
	if (rc)
		return rc;
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "yaml");
		json_string(&j, file);
		json_key(&j, "bytes");
		json_int(&j, bytes);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Exported the register as YAML to %s (%ld bytes)\n", file, bytes);
	}
	return EXIT_OK;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	const char *dir = NULL, *yaml = NULL, *sample = NULL, *seed = NULL;
	const struct cli_opt opts[] = {
		{ "bundle", CLI_STR, &dir },
		{ "yaml", CLI_STR, &yaml },
		{ "sample", CLI_STR, &sample },
		{ "seed", CLI_STR, &seed },
		{ NULL },
	};
	int rc = cli_parse(cli, &export_command, argc, argv, opts, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!dir == !yaml)
		return cli_usage_error(cli, &export_command,
				       dir ? "--bundle and --yaml cannot go together"
					   : "missing --bundle DIR or --yaml FILE");
	if (yaml && (sample || seed))
		return cli_usage_error(cli, &export_command,
				       "--sample and --seed are for --bundle");
	if (yaml)
		return *yaml ? export_yaml(cli, yaml)
			     : cli_usage_error(cli, &export_command,
					       "--yaml '': the file name is empty");
	if (!sample != !seed)
		return cli_usage_error(cli, &export_command, "--sample and --seed go together");
	struct srr_bundle_options o = { 0 };
	long long n = 0, s = 0;
	if (sample && (!cli_parse_uint(sample, 1000000000, &n) || n == 0))
		return cli_error(cli, "--sample '%s': must be a number from 1", sample);
	if (seed && !cli_parse_uint(seed, INT64_MAX, &s))
		return cli_error(cli, "--seed '%s': must be a number from 0 to 2^63-1", seed);
	o.sample = (size_t)n;
	o.seed = (uint64_t)s;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_bundle_summary sum;
	if (srr_bundle_export(cli->reg, dir, &o, &sum))
		return cli_fail(cli, -1);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "bundle");
		json_string(&j, dir);
		json_key(&j, "kind");
		json_string(&j, o.sample ? "sample" : "full");
		json_key(&j, "files");
		json_int(&j, (long long)sum.files);
		json_key(&j, "approvals");
		json_int(&j, (long long)sum.approvals);
		json_key(&j, "reviews");
		json_int(&j, (long long)sum.reviews);
		json_key(&j, "proofs");
		json_int(&j, (long long)sum.proofs);
		json_key(&j, "checkpoint");
		json_int(&j, sum.checkpoint);
		json_key(&j, "events");
		json_int(&j, sum.events);
		json_key(&j, "left_out");
		json_int(&j, (long long)sum.left_out);
		json_object_end(&j);
		json_end(&j);
		return EXIT_OK;
	}
	printf("Exported %s bundle to %s: %zu files, %zu approval%s, %zu review%s, %zu "
	       "inclusion proof%s against C-%lld\n",
	       o.sample ? "a sample" : "a full", dir, sum.files, sum.approvals,
	       sum.approvals == 1 ? "" : "s", sum.reviews, sum.reviews == 1 ? "" : "s",
	       sum.proofs, sum.proofs == 1 ? "" : "s", (long long)sum.checkpoint);
	if (sum.left_out)
		printf("Not in it: %zu approval or review event%s after C-%lld (sign a checkpoint "
		       "to include them)\n",
		       sum.left_out, sum.left_out == 1 ? "" : "s", (long long)sum.checkpoint);
	return EXIT_OK;
}
