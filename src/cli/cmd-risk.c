/* SPDX-License-Identifier: MIT */
/*
 * srr risk add|treat|done|close|list|show
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int risk_add(struct cli *cli, int argc, char **argv);
static int risk_treat(struct cli *cli, int argc, char **argv);
static int risk_done(struct cli *cli, int argc, char **argv);
static int risk_review(struct cli *cli, int argc, char **argv);
static int risk_close(struct cli *cli, int argc, char **argv);
static int risk_list(struct cli *cli, int argc, char **argv);
static int risk_show(struct cli *cli, int argc, char **argv);

const struct command risk_commands[] = {
	{ "add", risk_add, "Add a risk to a supplier (prints its id, e.g. R-7)",
	  "Usage: srr risk add SUPPLIER --title T --likelihood N --impact N\n"
	  "                    [--description T] [--owner NAME] [--review-date DATE]\n"
	  "\n"
	  "  --likelihood N, --impact N   1-based positions on the policy's scales\n"
	  "  --review-date DATE           when to review it (default: a year after adding)\n" },
	{ "treat", risk_treat, "Decide a risk's treatment and residual risk",
	  "Usage: srr risk treat RISK --treatment mitigate|accept|transfer|avoid\n"
	  "                      --residual-likelihood N --residual-impact N\n"
	  "                      [--justification T --until DATE] [--action A]...\n"
	  "\n"
	  "  --justification T   why the residual risk is accepted (required for accept)\n"
	  "  --until DATE        when the acceptance expires (required for accept; at most\n"
	  "                      the policy's acceptance_max_days away)\n"
	  "  --action TEXT[,OWNER[,DUE]]  a treatment action (repeatable; replaces them)\n"
	  "\n"
	  "Accepting a residual risk above the policy's tolerance needs a signed\n"
	  "approval; until then the risk shows 'acceptance pending approval'.\n" },
	{ "done", risk_done, "Mark a treatment action done",
	  "Usage: srr risk done RISK N [--date DATE]\n" },
	{ "review", risk_review, "Record a risk review and set the next one",
	  "Usage: srr risk review RISK [--date DATE] [--next DATE]\n"
	  "\n"
	  "  --date DATE   when it was reviewed (default: today, UTC)\n"
	  "  --next DATE   the next review (default: a year after --date; REQ-5-04)\n" },
	{ "close", risk_close, "Close a risk that no longer applies",
	  "Usage: srr risk close RISK\n" },
	{ "list", risk_list, "List open risks with their levels",
	  "Usage: srr risk list [SUPPLIER] [--all]\n"
	  "\n"
	  "  --all    include closed risks\n" },
	{ "show", risk_show, "Show one risk, its treatment and actions",
	  "Usage: srr risk show RISK\n" },
};
const size_t n_risk_commands = sizeof(risk_commands) / sizeof(risk_commands[0]);

int
cmd_risk(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "risk", risk_commands, n_risk_commands, argc, argv);
}

/* For people: what the acceptance state means. */
static const char *
acceptance_text(enum srr_acceptance a)
{
	switch (a) {
	case SRR_ACCEPTANCE_PENDING:
		return "acceptance pending approval";
	case SRR_ACCEPTANCE_EXPIRED:
		return "acceptance expired";
	case SRR_ACCEPTANCE_ACCEPTED:
		return "accepted";
	case SRR_ACCEPTANCE_NONE:
		break;
	}
	return NULL;
}

static int
parse_scale(struct cli *cli, const char *opt, const char *s, unsigned *out)
{
	long long v;
	if (!cli_parse_uint(s, 1000, &v) || v == 0)
		return cli_error(cli,
				 "%s '%s': must be a position on the policy's scale (1, 2, ...)",
				 opt, s);
	*out = (unsigned)v;
	return EXIT_OK;
}

static int
parse_risk_id(struct cli *cli, const char *s, int64_t *id)
{
	if (srr_risk_parse_id(id, s))
		return cli_error(cli, "'%s' is not a risk id (R-7 or 7)", s);
	return EXIT_OK;
}

static int
risk_add(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &risk_commands[0];
	struct srr_risk r = { 0 };
	const char *lik = NULL, *imp = NULL;
	const struct cli_opt opts[] = {
		{ "title", CLI_STR, &r.title },
		{ "description", CLI_STR, &r.description },
		{ "owner", CLI_STR, &r.owner },
		{ "likelihood", CLI_STR, &lik },
		{ "impact", CLI_STR, &imp },
		{ "review-date", CLI_STR, &r.review_date },
		{ NULL },
	};
	int prc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "SUPPLIER");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!r.title)
		return cli_usage_error(cli, cmd, "missing --title");
	if (!lik || !imp)
		return cli_usage_error(cli, cmd, "missing --%s", lik ? "impact" : "likelihood");
	int rc = parse_scale(cli, "--likelihood", lik, &r.likelihood);
	if (rc == EXIT_OK)
		rc = parse_scale(cli, "--impact", imp, &r.impact);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	r.supplier = argv[optind];
	int64_t id = 0;
	if (srr_risk_add(cli->reg, &r, &id))
		return cli_fail(cli, -1);
	char text[32];
	snprintf(text, sizeof(text), "R-%lld", (long long)id);
	if (cli->json)
		cli_done(cli, "risk", text, "");
	else
		printf("%s\n", text);
	return EXIT_OK;
}

/* "TEXT[,OWNER[,DUE]]" into a, pointing into the (modifiable) copy. */
static int
parse_action(struct cli *cli, char *s, struct srr_action *a)
{
	char *owner = strchr(s, ',');
	char *due = NULL;
	if (owner) {
		*owner++ = '\0';
		due = strchr(owner, ',');
		if (due)
			*due++ = '\0';
	}
	if (due && strchr(due, ','))
		return cli_error(cli, "--action: expected TEXT[,OWNER[,DUE]]");
	a->text = s;
	a->owner = owner && *owner ? owner : NULL;
	a->due = due && *due ? due : NULL;
	return EXIT_OK;
}

static int
risk_treat(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &risk_commands[1];
	struct srr_treatment_plan plan = { 0 };
	const char *treatment = NULL, *lik = NULL, *imp = NULL;
	struct strv actions = { 0 };
	const struct cli_opt opts[] = {
		{ "treatment", CLI_STR, &treatment },
		{ "residual-likelihood", CLI_STR, &lik },
		{ "residual-impact", CLI_STR, &imp },
		{ "justification", CLI_STR, &plan.justification },
		{ "until", CLI_STR, &plan.until },
		{ "action", CLI_LIST, &actions },
		{ NULL },
	};
	int rc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "RISK");
	if (rc == EXIT_OK && !treatment)
		rc = cli_usage_error(cli, cmd, "missing --treatment");
	if (rc == EXIT_OK && (!lik || !imp))
		rc = cli_usage_error(cli, cmd, "missing --residual-%s",
				     lik ? "impact" : "likelihood");
	int64_t id = 0;
	if (rc == EXIT_OK)
		rc = parse_risk_id(cli, argv[optind], &id);
	if (rc == EXIT_OK) {
		plan.treatment = srr_treatment_from_name(treatment);
		if (plan.treatment == SRR_TREATMENT_NONE)
			rc = cli_error(cli,
				       "--treatment '%s': must be mitigate, accept, transfer "
				       "or avoid",
				       treatment);
	}
	if (rc == EXIT_OK)
		rc = parse_scale(cli, "--residual-likelihood", lik, &plan.residual_likelihood);
	if (rc == EXIT_OK)
		rc = parse_scale(cli, "--residual-impact", imp, &plan.residual_impact);
	struct srr_action *acts = NULL;
	char **copies = NULL;
	if (rc == EXIT_OK && actions.n) {
		acts = calloc(actions.n, sizeof(*acts));
		copies = calloc(actions.n, sizeof(*copies));
		if (!acts || !copies)
			rc = cli_error(cli, "out of memory");
		for (size_t i = 0; rc == EXIT_OK && i < actions.n; i++) {
			copies[i] = strdup(actions.v[i]);
			rc = copies[i] ? parse_action(cli, copies[i], &acts[i])
				       : cli_error(cli, "out of memory");
		}
		plan.set_actions = 1;
		plan.actions = acts;
		plan.n_actions = actions.n;
	}
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc == EXIT_OK && srr_risk_treat(cli->reg, id, &plan))
		rc = cli_fail(cli, -1);
	if (rc == EXIT_OK) {
		struct srr_risk_list *l;
		if (srr_risk_find(&l, cli->reg, id)) {
			rc = cli_fail(cli, -1);
		} else {
			const struct srr_risk *r = srr_risk_list_get(l, 0);
			char text[32];
			snprintf(text, sizeof(text), "R-%lld", (long long)id);
			if (cli->json) {
				struct json j;
				cli_json_begin(cli, &j);
				json_object_begin(&j);
				json_key(&j, "risk");
				json_string(&j, text);
				json_key(&j, "residual_level");
				json_string(&j, r->residual_level);
				json_key(&j, "acceptance");
				json_string(&j, srr_acceptance_name(r->acceptance));
				json_object_end(&j);
				json_end(&j);
			} else {
				printf("Treated %s: %s, residual %s", text,
				       srr_treatment_name(r->treatment), r->residual_level);
				if (r->acceptance != SRR_ACCEPTANCE_NONE)
					printf(", %s", acceptance_text(r->acceptance));
				putchar('\n');
			}
			srr_risk_list_free(l);
		}
	}
	for (size_t i = 0; copies && i < actions.n; i++)
		free(copies[i]);
	free(copies);
	free(acts);
	strv_free(&actions);
	return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
}

static int
risk_done(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &risk_commands[2];
	const char *date = NULL;
	const struct cli_opt opts[] = { { "date", CLI_STR, &date }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 2, 2, "RISK and N");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int64_t id = 0;
	long long n = 0;
	int rc = parse_risk_id(cli, argv[optind], &id);
	if (rc == EXIT_OK && (!cli_parse_uint(argv[optind + 1], 1000, &n) || n == 0))
		rc = cli_error(cli, "'%s' is not an action number (1, 2, ...)", argv[optind + 1]);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_risk_action_done(cli->reg, id, (size_t)n, date))
		return cli_fail(cli, -1);
	if (cli->json) {
		struct json j;
		char text[32];
		snprintf(text, sizeof(text), "R-%lld", (long long)id);
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "risk");
		json_string(&j, text);
		json_key(&j, "done");
		json_int(&j, n);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Marked action %lld of R-%lld done\n", n, (long long)id);
	}
	return EXIT_OK;
}

static int
risk_close(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse_plain(cli, &risk_commands[4], argc, argv, 1, "RISK");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	int64_t id = 0;
	rc = parse_risk_id(cli, argv[optind], &id);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_risk_close(cli->reg, id))
		return cli_fail(cli, -1);
	char text[32];
	snprintf(text, sizeof(text), "R-%lld", (long long)id);
	cli_done(cli, "closed", text, "Closed risk");
	return EXIT_OK;
}

static int
risk_review(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &risk_commands[3];
	const char *date = NULL, *next = NULL;
	const struct cli_opt opts[] = { { "date", CLI_STR, &date },
					{ "next", CLI_STR, &next },
					{ NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "RISK");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int64_t id = 0;
	int rc = parse_risk_id(cli, argv[optind], &id);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_risk_list *l;
	if (srr_risk_reviewed(cli->reg, id, date, next) || srr_risk_find(&l, cli->reg, id))
		return cli_fail(cli, -1);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	char text[32];
	snprintf(text, sizeof(text), "R-%lld", (long long)id);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "risk");
		json_string(&j, text);
		json_key(&j, "next_review");
		json_string(&j, r->review_date);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Reviewed %s; next review %s\n", text, r->review_date);
	}
	srr_risk_list_free(l);
	return EXIT_OK;
}

static void
json_risk(struct json *j, const struct srr_risk *r)
{
	char id[32];
	snprintf(id, sizeof(id), "R-%lld", (long long)r->id);
	json_object_begin(j);
	json_key(j, "id");
	json_string(j, id);
	json_key(j, "supplier");
	json_string(j, r->supplier);
	json_key(j, "title");
	json_string(j, r->title);
	json_key(j, "description");
	json_string(j, r->description);
	json_key(j, "owner");
	json_string(j, r->owner);
	json_key(j, "status");
	json_string(j, r->closed ? "closed" : "open");
	json_key(j, "likelihood");
	json_int(j, r->likelihood);
	json_key(j, "impact");
	json_int(j, r->impact);
	json_key(j, "level");
	json_string(j, r->level);
	json_key(j, "treatment");
	json_string(j, srr_treatment_name(r->treatment));
	json_key(j, "residual_likelihood");
	if (r->residual_likelihood)
		json_int(j, r->residual_likelihood);
	else
		json_null(j);
	json_key(j, "residual_impact");
	if (r->residual_impact)
		json_int(j, r->residual_impact);
	else
		json_null(j);
	json_key(j, "residual_level");
	json_string(j, r->residual_level);
	json_key(j, "above_tolerance");
	json_bool(j, r->above_tolerance);
	json_key(j, "acceptance");
	json_string(j, srr_acceptance_name(r->acceptance));
	json_key(j, "justification");
	json_string(j, r->justification);
	json_key(j, "accept_until");
	json_string(j, r->accept_until);
	json_key(j, "review_date");
	json_string(j, r->review_date);
	json_key(j, "actions");
	json_array_begin(j);
	for (size_t i = 0; i < r->n_actions; i++) {
		json_object_begin(j);
		json_key(j, "text");
		json_string(j, r->actions[i].text);
		json_key(j, "owner");
		json_string(j, r->actions[i].owner);
		json_key(j, "due");
		json_string(j, r->actions[i].due);
		json_key(j, "done");
		json_string(j, r->actions[i].done);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static int
risk_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &risk_commands[5];
	bool all = false;
	const struct cli_opt opts[] = { { "all", CLI_FLAG, &all }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 0, 1, "SUPPLIER");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_risk_list *l;
	if (srr_risk_list_new(&l, cli->reg, optind < argc ? argv[optind] : NULL, all))
		return cli_fail(cli, -1);
	size_t n = srr_risk_list_count(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "risks");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++)
			json_risk(&j, srr_risk_list_get(l, i));
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		static const char *const hdr[] = { "ID",       "SUPPLIER", "LEVEL", "TREATMENT",
						   "RESIDUAL", "STATE",	   "TITLE" };
		struct table *t = table_new(7, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_risk *r = srr_risk_list_get(l, i);
			char id[32];
			snprintf(id, sizeof(id), "R-%lld", (long long)r->id);
			const char *state = r->closed ? "closed"
					    : r->acceptance != SRR_ACCEPTANCE_NONE
						    ? acceptance_text(r->acceptance)
					    : r->above_tolerance ? "above tolerance"
								 : "open";
			table_row(t, id, r->supplier, r->level, srr_treatment_name(r->treatment),
				  r->residual_level, state, r->title);
		}
		table_print(t);
	}
	srr_risk_list_free(l);
	return EXIT_OK;
}

static int
risk_show(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse_plain(cli, &risk_commands[6], argc, argv, 1, "RISK");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	int64_t id = 0;
	rc = parse_risk_id(cli, argv[optind], &id);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_risk_list *l;
	if (srr_risk_find(&l, cli->reg, id))
		return cli_fail(cli, -1);
	const struct srr_risk *r = srr_risk_list_get(l, 0);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_risk(&j, r);
		json_end(&j);
	} else {
		printf("Risk R-%lld of %s (%s): %s\n", (long long)r->id, r->supplier,
		       r->closed ? "closed" : "open", r->title);
		if (r->description)
			printf("  Description:  %s\n", r->description);
		printf("  Owner:        %s\n", r->owner ? r->owner : "-");
		printf("  Inherent:     likelihood %u x impact %u = %s\n", r->likelihood, r->impact,
		       r->level);
		if (r->treatment) {
			printf("  Treatment:    %s\n", srr_treatment_name(r->treatment));
			printf("  Residual:     likelihood %u x impact %u = %s%s\n",
			       r->residual_likelihood, r->residual_impact, r->residual_level,
			       r->above_tolerance ? " (above tolerance)" : "");
		} else {
			printf("  Treatment:    not decided%s\n",
			       r->above_tolerance ? " (above tolerance)" : "");
		}
		if (r->acceptance != SRR_ACCEPTANCE_NONE) {
			printf("  Acceptance:   %s, until %s\n",
			       r->acceptance == SRR_ACCEPTANCE_PENDING
				       ? "pending approval"
				       : srr_acceptance_name(r->acceptance),
			       r->accept_until);
			printf("  Why accepted: %s\n", r->justification);
		}
		printf("  Review date:  %s\n",
		       r->review_date ? r->review_date : "a year after it was added");
		for (size_t i = 0; i < r->n_actions; i++) {
			const struct srr_action *a = &r->actions[i];
			printf("  Action %zu:     [%s] %s", i + 1, a->done ? "x" : " ", a->text);
			if (a->owner)
				printf(" (owner %s)", a->owner);
			if (a->due)
				printf(" due %s", a->due);
			if (a->done)
				printf(", done %s", a->done);
			putchar('\n');
		}
	}
	srr_risk_list_free(l);
	return EXIT_OK;
}
