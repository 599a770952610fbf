/* SPDX-License-Identifier: MIT */
/*
 * srr review record|list
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int review_record(struct cli *cli, int argc, char **argv);
static int review_list(struct cli *cli, int argc, char **argv);

const struct command review_commands[] = {
	{ "record", review_record, "Record a completed supplier review",
	  "Usage: srr review record SUPPLIER --date DATE --outcome pass|conditional|fail\n"
	  "                         [--findings TEXT] [--evidence FILE]...\n"
	  "\n"
	  "  --date DATE        the day the review was done (not in the future)\n"
	  "  --outcome O        pass, conditional or fail\n"
	  "  --findings TEXT    what the review found\n"
	  "  --evidence FILE    a file backing the review (repeatable): its absolute\n"
	  "                     path, SHA-256 and size are recorded, the file is not copied\n"
	  "\n"
	  "The next scheduled review is derived from the last one and the tier's\n"
	  "cadence in the policy; see 'srr due'.\n" },
	{ "list", review_list, "List reviews, newest first",
	  "Usage: srr review list [SUPPLIER]\n" },
};
const size_t n_review_commands = sizeof(review_commands) / sizeof(review_commands[0]);

int
cmd_review(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "review", review_commands, n_review_commands, argc, argv);
}

static int
review_record(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &review_commands[0];
	struct srr_review r = { 0 };
	const char *outcome = NULL;
	struct strv evidence = { 0 };
	const struct cli_opt opts[] = {
		{ "date", CLI_STR, &r.date },
		{ "outcome", CLI_STR, &outcome },
		{ "findings", CLI_STR, &r.findings },
		{ "evidence", CLI_LIST, &evidence },
		{ NULL },
	};
	int rc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "SUPPLIER");
	if (rc == EXIT_OK && !r.date)
		rc = cli_usage_error(cli, cmd, "missing --date");
	if (rc == EXIT_OK && !outcome)
		rc = cli_usage_error(cli, cmd, "missing --outcome");
	if (rc == EXIT_OK) {
		r.outcome = srr_outcome_from_name(outcome);
		if (r.outcome == SRR_OUTCOME_NONE)
			rc = cli_error(cli, "--outcome '%s': must be pass, conditional or fail",
				       outcome);
	}
	struct srr_evidence *ev = NULL;
	if (rc == EXIT_OK && evidence.n) {
		ev = calloc(evidence.n, sizeof(*ev));
		if (!ev)
			rc = cli_error(cli, "out of memory");
		for (size_t i = 0; ev && i < evidence.n; i++)
			ev[i].path = evidence.v[i];
		r.evidence = ev;
		r.n_evidence = evidence.n;
	}
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	int64_t id = 0;
	r.supplier = argv[optind];
	if (rc == EXIT_OK && srr_review_record(cli->reg, &r, &id))
		rc = cli_fail(cli, -1);
	if (rc == EXIT_OK)
		cli_done_id(cli, "review", id, "Recorded review");
	free(ev);
	strv_free(&evidence);
	return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
}

static int
review_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &review_commands[1];
	int prc = cli_parse(cli, cmd, argc, argv, NULL, 0, 1, "SUPPLIER");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_review_list *l;
	if (srr_review_list_new(&l, cli->reg, optind < argc ? argv[optind] : NULL))
		return cli_fail(cli, -1);
	size_t n = srr_review_list_count(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "reviews");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			const struct srr_review *r = srr_review_list_get(l, i);
			json_object_begin(&j);
			json_key(&j, "id");
			json_int(&j, r->id);
			json_key(&j, "supplier");
			json_string(&j, r->supplier);
			json_key(&j, "date");
			json_string(&j, r->date);
			json_key(&j, "outcome");
			json_string(&j, srr_outcome_name(r->outcome));
			json_key(&j, "reviewer");
			json_string(&j, r->reviewer);
			json_key(&j, "findings");
			json_string(&j, r->findings);
			json_key(&j, "evidence");
			json_array_begin(&j);
			for (size_t k = 0; k < r->n_evidence; k++) {
				json_object_begin(&j);
				json_key(&j, "path");
				json_string(&j, r->evidence[k].path);
				json_key(&j, "sha256");
				json_string(&j, r->evidence[k].sha256);
				json_key(&j, "size");
				json_int(&j, r->evidence[k].size);
				json_object_end(&j);
			}
			json_array_end(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		static const char *const hdr[] = { "ID",      "SUPPLIER", "DATE",
						   "OUTCOME", "REVIEWER", "EVIDENCE" };
		struct table *t = table_new(6, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_review *r = srr_review_list_get(l, i);
			char id[24], ev[24];
			snprintf(id, sizeof(id), "%lld", (long long)r->id);
			snprintf(ev, sizeof(ev), "%zu file%s", r->n_evidence,
				 r->n_evidence == 1 ? "" : "s");
			table_row(t, id, r->supplier, r->date, srr_outcome_name(r->outcome),
				  r->reviewer, ev);
		}
		table_print(t);
	}
	srr_review_list_free(l);
	return EXIT_OK;
}
