/* SPDX-License-Identifier: MIT */
/*
 * srr checkpoint: sign, list and export signed checkpoints of the log.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int checkpoint_sign(struct cli *cli, int argc, char **argv);
static int checkpoint_list(struct cli *cli, int argc, char **argv);
static int checkpoint_export(struct cli *cli, int argc, char **argv);

const struct command checkpoint_command = {
	"checkpoint",
	checkpoint_sign,
	"Sign a checkpoint of the audit log with a key on a PKCS#11 token",
	"Usage: srr checkpoint --key PKCS11-URI [--module PATH] [--pin-file FILE]\n"
	"       srr checkpoint list\n"
	"       srr checkpoint export ID FILE\n"
	"\n"
	"  --key URI          the signing key; its certificate must chain to the\n"
	"                     policy's trust anchors\n"
	"  --module PATH      load only this PKCS#11 module\n"
	"  --pin-file FILE    read the PIN from FILE's first line (mode 0600)\n"
	"\n"
	"Signs the size and Merkle root of the whole log (C2SP tlog-checkpoint\n"
	"text, detached CMS), noting whether the system clock is synchronised.\n"
	"'srr approve' signs one too. 'export' writes FILE and FILE.p7s: keep them,\n"
	"and 'srr verify --since FILE' later proves the log only grew since.\n",
};

static const struct command subcommands[] = {
	{ "list", checkpoint_list, "List the signed checkpoints", "Usage: srr checkpoint list\n" },
	{ "export", checkpoint_export, "Write a checkpoint and its signature to files",
	  "Usage: srr checkpoint export ID FILE\n"
	  "\n"
	  "Writes the checkpoint body to FILE and its detached CMS signature to\n"
	  "FILE.p7s; existing files are not overwritten.\n" },
};

int
cmd_checkpoint(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return cli_dispatch(cli, "checkpoint", subcommands,
				    sizeof(subcommands) / sizeof(subcommands[0]), argc, argv);
	return checkpoint_sign(cli, argc, argv);
}

static void
json_checkpoint(struct json *j, const struct srr_checkpoint *c)
{
	json_object_begin(j);
	json_key(j, "id");
	json_int(j, c->id);
	json_key(j, "size");
	json_int(j, c->size);
	json_key(j, "root");
	json_string(j, c->root);
	json_key(j, "origin");
	json_string(j, c->origin);
	json_key(j, "clock_synchronised");
	json_bool(j, c->clock_synced);
	json_key(j, "signer");
	json_string(j, c->signer);
	json_key(j, "signer_sha256");
	json_string(j, c->cert_sha256);
	json_key(j, "signed");
	json_string(j, c->signed_at);
	json_key(j, "actor");
	json_string(j, c->actor);
	json_object_end(j);
}

static int
checkpoint_sign(struct cli *cli, int argc, char **argv)
{
	const char *key = NULL, *module = NULL;
	struct pin_prompt pp = { 0 };
	const struct cli_opt opts[] = {
		{ "key", CLI_STR, &key },
		{ "module", CLI_STR, &module },
		{ "pin-file", CLI_STR, &pp.pin_file },
		{ NULL },
	};
	int rc = cli_parse(cli, &checkpoint_command, argc, argv, opts, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!key)
		return cli_usage_error(cli, &checkpoint_command, "missing --key");
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_token *tok;
	int64_t id = 0;
	rc = cli_token_open(cli, &tok, key, module, &pp);
	if (rc == EXIT_OK && srr_checkpoint_sign(cli->reg, tok, &id))
		rc = cli_fail(cli, -1);
	srr_token_free(tok);
	struct srr_checkpoint_list *l;
	if (rc == EXIT_OK && srr_checkpoint_latest(&l, cli->reg))
		rc = cli_fail(cli, -1);
	if (rc)
		return rc;
	const struct srr_checkpoint *c = srr_checkpoint_list_get(l, 0);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_checkpoint(&j, c);
		json_end(&j);
	} else {
		printf("Signed checkpoint C-%lld: %lld events, root %s%s\n", (long long)c->id,
		       (long long)c->size, c->root,
		       c->clock_synced ? "" : " (clock not synchronised)");
	}
	srr_checkpoint_list_free(l);
	return EXIT_OK;
}

static int
checkpoint_list(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse(cli, &subcommands[0], argc, argv, NULL, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_checkpoint_list *l;
	if (srr_checkpoint_list_new(&l, cli->reg))
		return cli_fail(cli, -1);
	size_t n = srr_checkpoint_list_count(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "checkpoints");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++)
			json_checkpoint(&j, srr_checkpoint_list_get(l, i));
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		static const char *const hdr[] = { "ID", "EVENTS", "SIGNED", "CLOCK", "SIGNER" };
		struct table *t = table_new(5, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_checkpoint *c = srr_checkpoint_list_get(l, i);
			char id[24], size[24];
			snprintf(id, sizeof(id), "C-%lld", (long long)c->id);
			snprintf(size, sizeof(size), "%lld", (long long)c->size);
			table_row(t, id, size, c->signed_at, c->clock_synced ? "synced" : "unsynced",
				  c->signer);
		}
		table_print(t);
	}
	srr_checkpoint_list_free(l);
	return EXIT_OK;
}

static int
checkpoint_export(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse(cli, &subcommands[1], argc, argv, NULL, 2, 2, "ID FILE");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	int64_t id;
	if (srr_checkpoint_parse_id(&id, argv[optind]))
		return cli_error(cli, "not a checkpoint id: '%s' (C-n)", argv[optind]);
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	if (srr_checkpoint_export(cli->reg, id, argv[optind + 1]))
		return cli_fail(cli, -1);
	char text[64];
	snprintf(text, sizeof(text), "Exported C-%lld to", (long long)id);
	cli_done(cli, "file", argv[optind + 1], text);
	return EXIT_OK;
}
