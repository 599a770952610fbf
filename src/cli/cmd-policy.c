/* SPDX-License-Identifier: MIT */
/*
 * srr policy set|check|show
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int policy_set(struct cli *cli, int argc, char **argv);
static int policy_check(struct cli *cli, int argc, char **argv);
static int policy_show(struct cli *cli, int argc, char **argv);

const struct command policy_commands[] = {
	{ "set", policy_set, "Store a new policy version from a YAML file",
	  "Usage: srr policy set FILE.yaml\n"
	  "\n"
	  "Reads and checks the policy (docs/policy.md), reads the certificates it\n"
	  "names (paths relative to the file), and stores it as the next version.\n"
	  "Errors name FILE:LINE:COLUMN; nothing is stored then. Setting the policy\n"
	  "already in force again stores nothing. A policy whose risk scales would\n"
	  "leave an open risk off the matrix is refused.\n" },
	{ "check", policy_check, "Check a policy file without storing it",
	  "Usage: srr policy check FILE.yaml\n"
	  "\n"
	  "Needs no register: check a policy before 'srr init --policy'.\n" },
	{ "show", policy_show, "Show the policy in force",
	  "Usage: srr policy show [--version N] [--yaml]\n"
	  "\n"
	  "  --version N   a stored version instead of the one in force\n"
	  "  --yaml        print the YAML it was set from\n" },
};
const size_t n_policy_commands = sizeof(policy_commands) / sizeof(policy_commands[0]);

int
cmd_policy(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "policy", policy_commands, n_policy_commands, argc, argv);
}

static int
policy_set(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse_plain(cli, &policy_commands[0], argc, argv, 1, "FILE.yaml");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *file = argv[optind];
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	unsigned version;
	if (srr_policy_set(cli->reg, file, &version))
		return cli_fail(cli, -1);
	cli_done_id(cli, "version", version, "Policy in force: version");
	return EXIT_OK;
}

static int
policy_check(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse_plain(cli, &policy_commands[1], argc, argv, 1, "FILE.yaml");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *file = argv[optind];
	/* Checking needs no register: a policy can be checked before init. */
	rc = cli_context(cli);
	if (rc)
		return rc;
	if (srr_policy_check(cli->reg, file))
		return cli_fail(cli, -1);
	cli_done(cli, "valid", file, "Policy is valid:");
	return EXIT_OK;
}

static void
json_names(struct json *j, const char *key, const char *const *v, size_t n)
{
	json_key(j, key);
	json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		json_string(j, v[i]);
	json_array_end(j);
}

static void
show_json(const struct srr_policy *p)
{
	struct json j;
	json_init(&j, stdout, true);
	json_object_begin(&j);
	json_key(&j, "version");
	json_int(&j, p->version);
	json_key(&j, "name");
	json_string(&j, p->name);
	json_key(&j, "set_at");
	json_string(&j, p->set_at);
	json_key(&j, "set_by");
	json_string(&j, p->set_by);
	json_key(&j, "cadence_months");
	json_object_begin(&j);
	for (int t = SRR_TIER_CRITICAL; t <= SRR_TIER_LOW; t++) {
		json_key(&j, srr_tier_name((enum srr_tier)t));
		json_int(&j, p->cadence_months[t]);
	}
	json_object_end(&j);
	json_key(&j, "after_incident_days");
	json_int(&j, p->after_incident_days);
	json_key(&j, "after_sla_breach_days");
	json_int(&j, p->after_sla_breach_days);
	json_names(&j, "likelihood", p->likelihood, p->n_likelihood);
	json_names(&j, "impact", p->impact, p->n_impact);
	json_key(&j, "levels");
	json_array_begin(&j);
	for (size_t i = 0; i < p->n_levels; i++) {
		json_object_begin(&j);
		json_key(&j, "name");
		json_string(&j, p->levels[i].name);
		json_key(&j, "max");
		json_int(&j, p->levels[i].max);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "tolerance");
	json_string(&j, p->levels[p->tolerance].name);
	json_key(&j, "acceptance_max_days");
	json_int(&j, p->acceptance_max_days);
	json_key(&j, "weights");
	json_object_begin(&j);
	json_key(&j, "residual");
	json_int(&j, p->weights.residual);
	json_key(&j, "tier");
	json_int(&j, p->weights.tier);
	json_key(&j, "sla_breach");
	json_int(&j, p->weights.sla_breach);
	json_key(&j, "overdue_review");
	json_int(&j, p->weights.overdue_review);
	json_key(&j, "clause_gap");
	json_int(&j, p->weights.clause_gap);
	json_key(&j, "late_notification");
	json_int(&j, p->weights.late_notification);
	json_object_end(&j);
	json_names(&j, "trust_anchors", p->anchors, p->n_anchors);
	json_names(&j, "crls", p->crls, p->n_crls);
	json_key(&j, "approvers");
	json_array_begin(&j);
	for (size_t i = 0; i < p->n_approvers; i++) {
		const struct srr_approver *a = &p->approvers[i];
		json_object_begin(&j);
		json_key(&j, "name");
		json_string(&j, a->name);
		json_key(&j, "cert_sha256");
		json_string(&j, a->cert_sha256);
		json_key(&j, "spki_sha256");
		json_string(&j, a->spki_sha256);
		json_names(&j, "actors", a->actors, a->n_actors);
		json_names(&j, "roles", a->roles, a->n_roles);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "approval_rules");
	json_array_begin(&j);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct srr_rule *r = &p->rules[i];
		json_object_begin(&j);
		json_key(&j, "subject");
		json_string(&j, srr_subject_name(r->subject));
		json_names(&j, "residual", r->residual, r->n_residual);
		json_names(&j, "roles", r->roles, r->n_roles);
		json_key(&j, "quorum");
		json_int(&j, r->quorum);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_end(&j);
}

static void
print_names(const char *const *v, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? sep : "", v[i]);
}

static void
show_text(const struct srr_policy *p)
{
	if (p->version)
		printf("Policy version %u: %s (set %s by %s)\n", p->version, p->name, p->set_at,
		       p->set_by);
	else
		printf("Policy: %s (built-in default; none set)\n", p->name);
	printf("Review cadence:    critical %u, high %u, medium %u, low %u months\n",
	       p->cadence_months[SRR_TIER_CRITICAL], p->cadence_months[SRR_TIER_HIGH],
	       p->cadence_months[SRR_TIER_MEDIUM], p->cadence_months[SRR_TIER_LOW]);
	printf("Unscheduled review: %u days after an incident, %u after an SLA breach\n",
	       p->after_incident_days, p->after_sla_breach_days);
	printf("Likelihood:        ");
	print_names(p->likelihood, p->n_likelihood, ", ");
	printf("\nImpact:            ");
	print_names(p->impact, p->n_impact, ", ");
	printf("\nLevels:            ");
	for (size_t i = 0; i < p->n_levels; i++)
		printf("%s%s (<= %u)", i ? ", " : "", p->levels[i].name, p->levels[i].max);
	printf("\nTolerance:         %s (residual above it needs a signed acceptance)\n",
	       p->levels[p->tolerance].name);
	printf("Acceptance:        at most %u days\n", p->acceptance_max_days);
	printf("Score weights:     residual %u, tier %u, sla_breach %u, overdue_review %u, "
	       "clause_gap %u, late_notification %u\n",
	       p->weights.residual, p->weights.tier, p->weights.sla_breach,
	       p->weights.overdue_review, p->weights.clause_gap, p->weights.late_notification);
	printf("Trust anchors:     %zu\n", p->n_anchors);
	for (size_t i = 0; i < p->n_anchors; i++)
		printf("  sha256:%s\n", p->anchors[i]);
	if (p->n_crls)
		printf("Revocation lists:  %zu\n", p->n_crls);
	for (size_t i = 0; i < p->n_crls; i++)
		printf("  sha256:%s\n", p->crls[i]);
	printf("Approvers:         %zu\n", p->n_approvers);
	for (size_t i = 0; i < p->n_approvers; i++) {
		const struct srr_approver *a = &p->approvers[i];
		printf("  %s (actors: ", a->name);
		print_names(a->actors, a->n_actors, ", ");
		printf("; roles: ");
		print_names(a->roles, a->n_roles, ", ");
		printf("; spki sha256:%s)\n", a->spki_sha256);
	}
	printf("Approval rules:\n");
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct srr_rule *r = &p->rules[i];
		printf("  %s", srr_subject_name(r->subject));
		if (r->n_residual) {
			printf(" (residual ");
			print_names(r->residual, r->n_residual, ", ");
			printf(")");
		}
		printf(": %u of ", r->quorum);
		print_names(r->roles, r->n_roles, "/");
		printf("\n");
	}
}

static int
policy_show(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &policy_commands[2];
	bool yaml = false;
	const char *version_text = NULL;
	const struct cli_opt opts[] = {
		{ "yaml", CLI_FLAG, &yaml },
		{ "version", CLI_STR, &version_text },
		{ NULL },
	};
	int prc = cli_parse(cli, cmd, argc, argv, opts, 0, 0, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	long long version = 0;
	if (version_text && (!cli_parse_uint(version_text, 1000000, &version) || version == 0))
		return cli_error(cli, "--version '%s': must be a version number", version_text);
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_policy_list *l;
	if (srr_policy_find(&l, cli->reg, (unsigned)version))
		return cli_fail(cli, -1);
	const struct srr_policy *p = srr_policy_list_get(l, 0);
	if (yaml)
		fputs(p->source, stdout);
	else if (cli->json)
		show_json(p);
	else
		show_text(p);
	srr_policy_list_free(l);
	return EXIT_OK;
}
