/* SPDX-License-Identifier: MIT */
/*
 * srr sla add|record|list|show
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int sla_add(struct cli *cli, int argc, char **argv);
static int sla_record(struct cli *cli, int argc, char **argv);
static int sla_list(struct cli *cli, int argc, char **argv);
static int sla_show(struct cli *cli, int argc, char **argv);

const struct command sla_commands[] = {
	{ "add", sla_add, "Add a service level to a contract",
	  "Usage: srr sla add SUPPLIER REF METRIC --target X --comparator ge|le\n"
	  "                   [--unit U] [--period month|quarter]\n"
	  "\n"
	  "  METRIC              lowercase letters, digits, '-' and '_', e.g. availability\n"
	  "  --target X          a decimal number, e.g. 99.9\n"
	  "  --comparator ge|le  met when the value is >= (ge) or <= (le) the target\n"
	  "  --unit U            e.g. percent, hours\n"
	  "  --period P          month (default) or quarter\n" },
	{ "record", sla_record, "Record a measurement for one period",
	  "Usage: srr sla record SUPPLIER REF METRIC --period PERIOD --value X\n"
	  "\n"
	  "  --period PERIOD     YYYY-MM for monthly SLAs, YYYY-Qn for quarterly ones\n"
	  "  --value X           the measured decimal value\n"
	  "\n"
	  "A breach is computed from the comparator and target. Recording a period\n"
	  "again corrects it; the log keeps both.\n" },
	{ "list", sla_list, "List service levels with their latest measurement",
	  "Usage: srr sla list [SUPPLIER [REF]] [--breaches]\n"
	  "\n"
	  "  --breaches          only SLAs with at least one breach\n" },
	{ "show", sla_show, "Show the measurements of one service level",
	  "Usage: srr sla show SUPPLIER REF METRIC\n" },
};
const size_t n_sla_commands = sizeof(sla_commands) / sizeof(sla_commands[0]);

int
cmd_sla(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "sla", sla_commands, n_sla_commands, argc, argv);
}

static int
sla_add(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &sla_commands[0];
	struct srr_sla s = { 0 };
	const char *cmp = NULL, *period = NULL;
	const struct cli_opt opts[] = {
		{ "target", CLI_STR, &s.target },
		{ "comparator", CLI_STR, &cmp },
		{ "unit", CLI_STR, &s.unit },
		{ "period", CLI_STR, &period },
		{ NULL },
	};
	int prc = cli_parse(cli, cmd, argc, argv, opts, 3, 3, "SUPPLIER, REF and METRIC");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!s.target)
		return cli_usage_error(cli, cmd, "missing --target");
	if (!cmp)
		return cli_usage_error(cli, cmd, "missing --comparator");
	s.comparator = srr_comparator_from_name(cmp);
	if (s.comparator == SRR_CMP_NONE)
		return cli_error(cli, "--comparator '%s': must be ge or le", cmp);
	if (period) {
		s.period = srr_period_from_name(period);
		if (s.period == SRR_PERIOD_NONE)
			return cli_error(cli, "--period '%s': must be month or quarter", period);
	}
	s.supplier = argv[optind];
	s.contract = argv[optind + 1];
	s.metric = argv[optind + 2];
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_sla_add(cli->reg, &s))
		return cli_fail(cli, -1);
	cli_done(cli, "added", s.metric, "Added SLA");
	return EXIT_OK;
}

static int
sla_record(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &sla_commands[1];
	const char *period = NULL, *value = NULL;
	const struct cli_opt opts[] = {
		{ "period", CLI_STR, &period },
		{ "value", CLI_STR, &value },
		{ NULL },
	};
	int prc = cli_parse(cli, cmd, argc, argv, opts, 3, 3, "SUPPLIER, REF and METRIC");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!period)
		return cli_usage_error(cli, cmd, "missing --period");
	if (!value)
		return cli_usage_error(cli, cmd, "missing --value");
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	int breach = 0;
	const char *metric = argv[optind + 2];
	if (srr_sla_record(cli->reg, argv[optind], argv[optind + 1], metric, period, value,
			   &breach))
		return cli_fail(cli, -1);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "metric");
		json_string(&j, metric);
		json_key(&j, "period");
		json_string(&j, period);
		json_key(&j, "breach");
		json_bool(&j, breach);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Recorded %s for %s: %s\n", metric, period, breach ? "BREACH" : "met");
	}
	return EXIT_OK;
}

static void
json_sla(struct json *j, const struct srr_sla *s)
{
	json_object_begin(j);
	json_key(j, "supplier");
	json_string(j, s->supplier);
	json_key(j, "contract");
	json_string(j, s->contract);
	json_key(j, "metric");
	json_string(j, s->metric);
	json_key(j, "target");
	json_number_text(j, s->target);
	json_key(j, "comparator");
	json_string(j, srr_comparator_name(s->comparator));
	json_key(j, "unit");
	json_string(j, s->unit);
	json_key(j, "period");
	json_string(j, srr_period_name(s->period));
	json_key(j, "measurements");
	json_int(j, (long long)s->n_measurements);
	json_key(j, "breaches");
	json_int(j, (long long)s->n_breaches);
	json_key(j, "last");
	if (s->last_period) {
		json_object_begin(j);
		json_key(j, "period");
		json_string(j, s->last_period);
		json_key(j, "value");
		json_number_text(j, s->last_value);
		json_key(j, "breach");
		json_bool(j, s->last_breach);
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_object_end(j);
}

static int
sla_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &sla_commands[2];
	bool breaches = false;
	const struct cli_opt opts[] = { { "breaches", CLI_FLAG, &breaches }, { NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 0, 2, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	const char *supplier = optind < argc ? argv[optind] : NULL;
	const char *ref = optind + 1 < argc ? argv[optind + 1] : NULL;
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_sla_list *l;
	if (srr_sla_list_new(&l, cli->reg, supplier, ref))
		return cli_fail(cli, -1);
	struct json j;
	struct table *t = NULL;
	if (cli->json) {
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "slas");
		json_array_begin(&j);
	} else {
		static const char *const hdr[] = { "SUPPLIER", "REF",  "METRIC",  "TARGET",
						   "PERIOD",   "LAST", "BREACHES" };
		t = table_new(7, hdr);
	}
	for (size_t i = 0; i < srr_sla_list_count(l); i++) {
		const struct srr_sla *s = srr_sla_list_get(l, i);
		if (breaches && s->n_breaches == 0)
			continue;
		if (cli->json) {
			json_sla(&j, s);
			continue;
		}
		char target[96], last[96], nb[48];
		snprintf(target, sizeof(target), "%s %s%s%s",
			 s->comparator == SRR_CMP_GE ? ">=" : "<=", s->target, s->unit ? " " : "",
			 s->unit ? s->unit : "");
		if (s->last_period)
			snprintf(last, sizeof(last), "%s: %s%s", s->last_period, s->last_value,
				 s->last_breach ? " BREACH" : "");
		else
			snprintf(last, sizeof(last), "-");
		snprintf(nb, sizeof(nb), "%zu/%zu", s->n_breaches, s->n_measurements);
		table_row(t, s->supplier, s->contract, s->metric, target,
			  srr_period_name(s->period), last, nb);
	}
	if (cli->json) {
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		table_print(t);
	}
	srr_sla_list_free(l);
	return EXIT_OK;
}

static int
sla_show(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &sla_commands[3];
	int rc = cli_parse_plain(cli, cmd, argc, argv, 3, "SUPPLIER, REF and METRIC");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	const char *sup = argv[optind], *ref = argv[optind + 1], *metric = argv[optind + 2];
	struct srr_sla_list *sl;
	struct srr_measurement_list *ml;
	if (srr_measurement_list_new(&ml, cli->reg, sup, ref, metric))
		return cli_fail(cli, -1);
	if (srr_sla_list_new(&sl, cli->reg, sup, ref)) {
		srr_measurement_list_free(ml);
		return cli_fail(cli, -1);
	}
	const struct srr_sla *s = NULL;
	for (size_t i = 0; i < srr_sla_list_count(sl); i++)
		if (strcmp(srr_sla_list_get(sl, i)->metric, metric) == 0)
			s = srr_sla_list_get(sl, i);
	size_t n = srr_measurement_list_count(ml);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "sla");
		json_sla(&j, s);
		json_key(&j, "measurements");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			const struct srr_measurement *m = srr_measurement_list_get(ml, i);
			json_object_begin(&j);
			json_key(&j, "period");
			json_string(&j, m->period);
			json_key(&j, "value");
			json_number_text(&j, m->value);
			json_key(&j, "breach");
			json_bool(&j, m->breach);
			json_key(&j, "recorded");
			json_string(&j, m->recorded);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("SLA %s of %s/%s: %s %s%s%s per %s\n", s->metric, s->supplier, s->contract,
		       s->comparator == SRR_CMP_GE ? ">=" : "<=", s->target, s->unit ? " " : "",
		       s->unit ? s->unit : "", srr_period_name(s->period));
		static const char *const hdr[] = { "PERIOD", "VALUE", "RESULT", "RECORDED" };
		struct table *t = table_new(4, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_measurement *m = srr_measurement_list_get(ml, i);
			table_row(t, m->period, m->value, m->breach ? "BREACH" : "met",
				  m->recorded);
		}
		table_print(t);
	}
	srr_sla_list_free(sl);
	srr_measurement_list_free(ml);
	return EXIT_OK;
}
