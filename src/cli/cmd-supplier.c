/* SPDX-License-Identifier: MIT */
/*
 * srr supplier add|list|show|update|retire
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What add and update read from the command line. */
struct supplier_args {
	const char *name;
	const char *tier;
	const char *country;
	char cc[3];
	struct strv services, contacts, subs;
	bool no_services, no_contacts, no_subs;
	struct srr_contact *parsed; /* from contacts */
	char **parsed_text;
};

static void
supplier_args_free(struct supplier_args *a)
{
	strv_free(&a->services);
	strv_free(&a->subs);
	for (size_t i = 0; a->parsed_text && i < a->contacts.n; i++)
		free(a->parsed_text[i]);
	strv_free(&a->contacts);
	free(a->parsed_text);
	free(a->parsed);
}

/* "NAME[,EMAIL[,ROLE]]" -> contact; empty fields are left out. */
static int
parse_contacts(struct cli *cli, struct supplier_args *a)
{
	if (a->contacts.n == 0)
		return EXIT_OK;
	a->parsed = calloc(a->contacts.n, sizeof(*a->parsed));
	a->parsed_text = calloc(a->contacts.n, sizeof(*a->parsed_text));
	if (!a->parsed || !a->parsed_text)
		return cli_error(cli, "out of memory");
	for (size_t i = 0; i < a->contacts.n; i++) {
		char *t = strdup(a->contacts.v[i]);
		if (!t)
			return cli_error(cli, "out of memory");
		a->parsed_text[i] = t;
		char *fields[3] = { t, NULL, NULL };
		for (int f = 1; f < 3; f++) {
			char *comma = strchr(fields[f - 1], ',');
			if (!comma)
				break;
			*comma = '\0';
			fields[f] = comma + 1;
		}
		if (fields[2] && strchr(fields[2], ','))
			return cli_error(cli, "--contact '%s': expected NAME[,EMAIL[,ROLE]]",
					 a->contacts.v[i]);
		a->parsed[i].name = fields[0];
		a->parsed[i].email = fields[1] && *fields[1] ? fields[1] : NULL;
		a->parsed[i].role = fields[2] && *fields[2] ? fields[2] : NULL;
	}
	return EXIT_OK;
}

static int
parse_tier(struct cli *cli, const char *s, enum srr_tier *out)
{
	*out = srr_tier_from_name(s);
	if (*out == SRR_TIER_NONE)
		return cli_error(cli, "--tier '%s': must be one of critical, high, medium, low", s);
	return EXIT_OK;
}

/* Accept "de" for "DE"; the library checks the rest. */
static const char *
upper_country(struct supplier_args *a)
{
	if (!a->country || strlen(a->country) != 2)
		return a->country;
	a->cc[0] = (char)toupper((unsigned char)a->country[0]);
	a->cc[1] = (char)toupper((unsigned char)a->country[1]);
	a->cc[2] = '\0';
	return a->cc;
}

/* Parse add/update options; returns EXIT_OK and leaves optind at the
 * supplier KEY, or an exit code. */
static int
parse_edit(struct cli *cli, const struct command *cmd, int argc, char **argv,
	   struct supplier_args *a, bool update)
{
	const struct cli_opt opts[] = {
		{ "name", CLI_STR, &a->name },
		{ "tier", CLI_STR, &a->tier },
		{ "country", CLI_STR, &a->country },
		{ "service", CLI_LIST, &a->services },
		{ "contact", CLI_LIST, &a->contacts },
		{ "subcontractor", CLI_LIST, &a->subs },
		{ "no-services", CLI_FLAG, &a->no_services },
		{ "no-contacts", CLI_FLAG, &a->no_contacts },
		{ "no-subcontractors", CLI_FLAG, &a->no_subs },
		{ NULL },
	};
	int rc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "supplier KEY");
	if (rc)
		return rc;
	if (!update && (a->no_services || a->no_contacts || a->no_subs))
		return cli_usage_error(cli, cmd, "'%s' only applies to update",
				       a->no_services	? "--no-services"
				       : a->no_contacts ? "--no-contacts"
							: "--no-subcontractors");
	if ((a->no_services && a->services.n) || (a->no_contacts && a->contacts.n) ||
	    (a->no_subs && a->subs.n))
		return cli_usage_error(cli, cmd,
				       "a '--no-' option contradicts a value for the same list");
	return parse_contacts(cli, a);
}

static int supplier_add(struct cli *cli, int argc, char **argv);
static int supplier_list(struct cli *cli, int argc, char **argv);
static int supplier_show(struct cli *cli, int argc, char **argv);
static int supplier_update(struct cli *cli, int argc, char **argv);
static int supplier_retire(struct cli *cli, int argc, char **argv);

const struct command supplier_commands[] = {
	{ "add", supplier_add, "Add a supplier",
	  "Usage: srr supplier add KEY --name NAME --tier critical|high|medium|low\n"
	  "                        [--country CC] [--service TEXT]... [--contact C]...\n"
	  "                        [--subcontractor KEY]...\n"
	  "\n"
	  "  KEY                    lowercase letters, digits and '-', e.g. acme-cloud\n"
	  "  --name NAME            legal name\n"
	  "  --tier TIER            criticality: critical, high, medium or low\n"
	  "  --country CC           ISO 3166-1 alpha-2 country code\n"
	  "  --service TEXT         an ICT product or service they provide (repeatable)\n"
	  "  --contact NAME[,EMAIL[,ROLE]]  a contact point (repeatable)\n"
	  "  --subcontractor KEY    a supplier this one relies on (repeatable; no cycles)\n" },
	{ "list", supplier_list, "List suppliers",
	  "Usage: srr supplier list [--all] [--sort key|name|tier|score]\n"
	  "\n"
	  "  --all                  include retired suppliers\n"
	  "  --sort FIELD           order by key (default), name, tier, or score (highest\n"
	  "                         risk first)\n"
	  "\n"
	  "The score is derived now from the policy's weights; 'srr supplier show'\n"
	  "explains it factor by factor.\n" },
	{ "show", supplier_show, "Show one supplier and its contracts",
	  "Usage: srr supplier show KEY\n" },
	{ "update", supplier_update, "Change a supplier",
	  "Usage: srr supplier update KEY [--name NAME] [--tier TIER] [--country CC|'']\n"
	  "                           [--service TEXT]... [--no-services]\n"
	  "                           [--contact C]... [--no-contacts]\n"
	  "                           [--subcontractor KEY]... [--no-subcontractors]\n"
	  "\n"
	  "Options left out keep their value. A list option replaces the whole list;\n"
	  "--no-services, --no-contacts and --no-subcontractors empty it. An empty\n"
	  "--country clears the country. A change that changes nothing logs nothing.\n" },
	{ "retire", supplier_retire, "Retire a supplier (its history stays)",
	  "Usage: srr supplier retire KEY\n" },
};
const size_t n_supplier_commands = sizeof(supplier_commands) / sizeof(supplier_commands[0]);

int
cmd_supplier(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "supplier", supplier_commands, n_supplier_commands, argc, argv);
}

static int
supplier_add(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &supplier_commands[0];
	struct supplier_args a = { 0 };
	int rc = parse_edit(cli, cmd, argc, argv, &a, false);
	if (rc == EXIT_OK && !a.name)
		rc = cli_usage_error(cli, cmd, "missing --name");
	if (rc == EXIT_OK && !a.tier)
		rc = cli_usage_error(cli, cmd, "missing --tier");
	struct srr_supplier s = { 0 };
	if (rc == EXIT_OK)
		rc = parse_tier(cli, a.tier, &s.tier);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc == EXIT_OK) {
		s.key = argv[optind];
		s.name = a.name;
		s.country = upper_country(&a);
		s.services = a.services.v;
		s.n_services = a.services.n;
		s.contacts = a.parsed;
		s.n_contacts = a.contacts.n;
		s.subcontractors = a.subs.v;
		s.n_subcontractors = a.subs.n;
		if (srr_supplier_add(cli->reg, &s))
			rc = cli_fail(cli, -1);
		else
			cli_done(cli, "added", s.key, "Added supplier");
	}
	supplier_args_free(&a);
	return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
}

/* Leaves the object open for the caller to add to and close. */
static void
json_supplier(struct json *j, const struct srr_supplier *s)
{
	json_object_begin(j);
	json_key(j, "key");
	json_string(j, s->key);
	json_key(j, "name");
	json_string(j, s->name);
	json_key(j, "tier");
	json_string(j, srr_tier_name(s->tier));
	json_key(j, "country");
	json_string(j, s->country);
	json_key(j, "status");
	json_string(j, s->retired ? "retired" : "active");
	json_key(j, "services");
	json_array_begin(j);
	for (size_t i = 0; i < s->n_services; i++)
		json_string(j, s->services[i]);
	json_array_end(j);
	json_key(j, "contacts");
	json_array_begin(j);
	for (size_t i = 0; i < s->n_contacts; i++) {
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, s->contacts[i].name);
		json_key(j, "email");
		json_string(j, s->contacts[i].email);
		json_key(j, "role");
		json_string(j, s->contacts[i].role);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "subcontractors");
	json_array_begin(j);
	for (size_t i = 0; i < s->n_subcontractors; i++)
		json_string(j, s->subcontractors[i]);
	json_array_end(j);
	json_key(j, "created");
	json_string(j, s->created);
	json_key(j, "updated");
	json_string(j, s->updated);
}

/* A supplier with its score (NULL when retired: scores are for active ones). */
struct scored {
	const struct srr_supplier *s;
	const struct srr_score *score;
};

static const char *sort_field;

static int
compare_suppliers(const void *pa, const void *pb)
{
	const struct scored *a = pa, *b = pb;
	int c = 0;
	if (strcmp(sort_field, "name") == 0) {
		c = strcmp(a->s->name, b->s->name);
	} else if (strcmp(sort_field, "tier") == 0) {
		c = (int)a->s->tier - (int)b->s->tier;
	} else if (strcmp(sort_field, "score") == 0) {
		/* Highest risk first. */
		long x = a->score ? a->score->total : -1, y = b->score ? b->score->total : -1;
		c = x > y ? -1 : x < y;
	}
	return c ? c : strcmp(a->s->key, b->s->key);
}

static void
json_score(struct json *j, const struct srr_score *sc)
{
	json_key(j, "score");
	if (!sc) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "total");
	json_int(j, sc->total);
	json_key(j, "factors");
	json_array_begin(j);
	for (size_t k = 0; k < SRR_SCORE_FACTORS; k++) {
		const struct srr_score_factor *f = &sc->factors[k];
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, f->name);
		json_key(j, "count");
		json_int(j, f->count);
		json_key(j, "weight");
		json_int(j, f->weight);
		json_key(j, "points");
		json_int(j, f->points);
		json_key(j, "why");
		json_string(j, f->why);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static int
supplier_list(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &supplier_commands[1];
	bool all = false;
	const char *sort = NULL;
	const struct cli_opt opts[] = { { "all", CLI_FLAG, &all },
					{ "sort", CLI_STR, &sort },
					{ NULL } };
	int prc = cli_parse(cli, cmd, argc, argv, opts, 0, 0, "");
	if (prc)
		return prc == CLI_HELP_SHOWN ? EXIT_OK : prc;
	if (!sort)
		sort = "key";
	if (strcmp(sort, "key") && strcmp(sort, "name") && strcmp(sort, "tier") &&
	    strcmp(sort, "score"))
		return cli_error(cli, "--sort '%s': must be key, name, tier or score", sort);
	int rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_supplier_list *l;
	struct srr_score_list *scores;
	if (srr_supplier_list_new(&l, cli->reg, all))
		return cli_fail(cli, -1);
	if (srr_score_list_new(&scores, cli->reg, NULL, NULL)) {
		srr_supplier_list_free(l);
		return cli_fail(cli, -1);
	}
	size_t n = srr_supplier_list_count(l), ns = srr_score_list_count(scores);
	struct scored *v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		srr_score_list_free(scores);
		srr_supplier_list_free(l);
		return cli_error(cli, "out of memory");
	}
	/* Both lists are ordered by key: merge them. */
	for (size_t i = 0, k = 0; i < n; i++) {
		v[i].s = srr_supplier_list_get(l, i);
		while (k < ns && strcmp(srr_score_list_get(scores, k)->supplier, v[i].s->key) < 0)
			k++;
		if (k < ns && strcmp(srr_score_list_get(scores, k)->supplier, v[i].s->key) == 0)
			v[i].score = srr_score_list_get(scores, k);
	}
	sort_field = sort;
	qsort(v, n, sizeof(*v), compare_suppliers);

	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "suppliers");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			json_supplier(&j, v[i].s);
			json_score(&j, v[i].score);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		static const char *const hdr[] = { "KEY",    "TIER",  "COUNTRY",
						   "STATUS", "SCORE", "NAME" };
		struct table *t = table_new(6, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_supplier *s = v[i].s;
			char score[24] = "-";
			if (v[i].score)
				snprintf(score, sizeof(score), "%ld", v[i].score->total);
			table_row(t, s->key, srr_tier_name(s->tier), s->country,
				  s->retired ? "retired" : "active", score, s->name);
		}
		table_print(t);
	}
	free(v);
	srr_score_list_free(scores);
	srr_supplier_list_free(l);
	return EXIT_OK;
}

static void
print_gaps(unsigned gaps)
{
	bool first = true;
	for (unsigned i = 0; i < SRR_CLAUSE_COUNT; i++) {
		if (!(gaps & (1u << i)))
			continue;
		printf("%s%s", first ? "" : ", ", srr_clause_name(i));
		first = false;
	}
	if (first)
		fputs("none", stdout);
}

static int
supplier_show(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &supplier_commands[2];
	int rc = cli_parse_plain(cli, cmd, argc, argv, 1, "supplier KEY");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_supplier_list *l;
	struct srr_contract_list *cl;
	if (srr_supplier_find(&l, cli->reg, argv[optind]))
		return cli_fail(cli, -1);
	if (srr_contract_list_new(&cl, cli->reg, argv[optind])) {
		srr_supplier_list_free(l);
		return cli_fail(cli, -1);
	}
	const struct srr_supplier *s = srr_supplier_list_get(l, 0);
	size_t nc = srr_contract_list_count(cl);
	struct srr_score_list *scores = NULL;
	const struct srr_score *sc = NULL;
	if (!s->retired) {
		if (srr_score_list_new(&scores, cli->reg, s->key, NULL)) {
			srr_contract_list_free(cl);
			srr_supplier_list_free(l);
			return cli_fail(cli, -1);
		}
		sc = srr_score_list_get(scores, 0);
	}
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_supplier(&j, s);
		json_score(&j, sc);
		json_key(&j, "contracts");
		json_array_begin(&j);
		for (size_t i = 0; i < nc; i++) {
			const struct srr_contract *c = srr_contract_list_get(cl, i);
			json_object_begin(&j);
			json_key(&j, "ref");
			json_string(&j, c->ref);
			json_key(&j, "state");
			json_string(&j, srr_contract_state_name(c->state));
			json_key(&j, "end");
			json_string(&j, c->end);
			json_key(&j, "gaps");
			json_array_begin(&j);
			for (unsigned k = 0; k < SRR_CLAUSE_COUNT; k++)
				if (c->gaps & (1u << k))
					json_string(&j, srr_clause_name(k));
			json_array_end(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Supplier %s (%s)\n", s->key, s->retired ? "retired" : "active");
		printf("  Name:           %s\n", s->name);
		printf("  Tier:           %s\n", srr_tier_name(s->tier));
		printf("  Country:        %s\n", s->country ? s->country : "-");
		printf("  Services:       ");
		for (size_t i = 0; i < s->n_services; i++)
			printf("%s%s", i ? "; " : "", s->services[i]);
		printf("%s\n", s->n_services ? "" : "-");
		printf("  Contacts:%s\n", s->n_contacts ? "" : "       -");
		for (size_t i = 0; i < s->n_contacts; i++) {
			const struct srr_contact *c = &s->contacts[i];
			printf("    %s", c->name);
			if (c->email)
				printf(" <%s>", c->email);
			if (c->role)
				printf(" (%s)", c->role);
			putchar('\n');
		}
		printf("  Subcontractors: ");
		for (size_t i = 0; i < s->n_subcontractors; i++)
			printf("%s%s", i ? ", " : "", s->subcontractors[i]);
		printf("%s\n", s->n_subcontractors ? "" : "-");
		printf("  Created:        %s\n  Updated:        %s\n", s->created, s->updated);
		printf("Contracts:%s\n", nc ? "" : "        none");
		for (size_t i = 0; i < nc; i++) {
			const struct srr_contract *c = srr_contract_list_get(cl, i);
			printf("  %s  %s .. %s  %s  gaps: ", c->ref, c->start, c->end,
			       srr_contract_state_name(c->state));
			print_gaps(c->gaps);
			putchar('\n');
		}
		if (sc) {
			printf("Risk score:       %ld\n", sc->total);
			for (size_t k = 0; k < SRR_SCORE_FACTORS; k++) {
				const struct srr_score_factor *f = &sc->factors[k];
				printf("  %-18s %4ld = %ld x %u  (%s)\n", f->name, f->points,
				       f->count, f->weight, f->why);
			}
		}
	}
	srr_score_list_free(scores);
	srr_contract_list_free(cl);
	srr_supplier_list_free(l);
	return EXIT_OK;
}

static int
supplier_update(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &supplier_commands[3];
	struct supplier_args a = { 0 };
	struct srr_supplier_change ch = { 0 };
	int rc = parse_edit(cli, cmd, argc, argv, &a, true);
	if (rc == EXIT_OK && a.tier)
		rc = parse_tier(cli, a.tier, &ch.tier);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc == EXIT_OK) {
		const char *key = argv[optind];
		ch.name = a.name;
		ch.country = upper_country(&a);
		ch.set_services = a.services.n || a.no_services;
		ch.services = a.services.v;
		ch.n_services = a.services.n;
		ch.set_contacts = a.contacts.n || a.no_contacts;
		ch.contacts = a.parsed;
		ch.n_contacts = a.contacts.n;
		ch.set_subcontractors = a.subs.n || a.no_subs;
		ch.subcontractors = a.subs.v;
		ch.n_subcontractors = a.subs.n;
		int changed = 0;
		if (srr_supplier_update(cli->reg, key, &ch, &changed))
			rc = cli_fail(cli, -1);
		else if (cli->json) {
			struct json j;
			cli_json_begin(cli, &j);
			json_object_begin(&j);
			json_key(&j, "supplier");
			json_string(&j, key);
			json_key(&j, "changed");
			json_bool(&j, changed);
			json_object_end(&j);
			json_end(&j);
		} else {
			printf(changed ? "Updated supplier %s\n" : "Supplier %s unchanged\n", key);
		}
	}
	supplier_args_free(&a);
	return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
}

static int
supplier_retire(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &supplier_commands[4];
	int rc = cli_parse_plain(cli, cmd, argc, argv, 1, "supplier KEY");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_supplier_retire(cli->reg, argv[optind]))
		return cli_fail(cli, -1);
	cli_done(cli, "retired", argv[optind], "Retired supplier");
	return EXIT_OK;
}
