/* SPDX-License-Identifier: MIT */
/*
 * srr verify-bundle: check an auditor bundle offline, without a register.
 */
#include <stdio.h>

#include "cli.h"

const struct command verify_bundle_command = {
	"verify-bundle",
	cmd_verify_bundle,
	"Verify an auditor bundle offline, without the register",
	"Usage: srr verify-bundle DIR --trust CA.pem\n"
	"\n"
	"  --trust CA.pem   the CA certificates (PEM) every signature must chain to:\n"
	"                   obtain them yourself, not from the bundle\n"
	"\n"
	"Checks a bundle written by 'srr export --bundle': the MANIFEST against the\n"
	"files (none missing, none added, no symbolic links or unsafe names), every\n"
	"record, each certificate's name, each signed checkpoint (signature, signer\n"
	"chain, usage and validity at the signing time), each inclusion proof\n"
	"against its checkpoint, the policy against its proven event, and each\n"
	"approval: its records against the newest proven event, every signature over\n"
	"the approved record, the signer's chain, validity, usage, approver, role,\n"
	"the requester rule and the quorum under the bundle's policy. A full bundle's\n"
	"log is replayed into the Merkle tree each checkpoint signs. Opens no\n"
	"register. Prints one line per problem naming the file, then a summary.\n"
	"Exit status 0 when everything holds, 1 when anything failed, 3 when the\n"
	"bundle or the CA file cannot be read at all.\n"
	"Format: docs/formats/bundle.md.\n",
};

static void
print_finding(const struct srr_finding *f)
{
	if (f->signer)
		printf("%s (%s): %s\n", f->check, f->signer, f->message);
	else
		printf("%s: %s\n", f->check, f->message);
}

static void
summary_json(struct cli *cli, const struct cli_findings *fs, const struct srr_bundle_result *r)
{
	struct json j;
	cli_json_begin(cli, &j);
	json_object_begin(&j);
	json_key(&j, "ok");
	json_bool(&j, r->failures == 0);
	json_key(&j, "files");
	json_int(&j, (long long)r->files);
	json_key(&j, "checkpoints");
	json_int(&j, (long long)r->checkpoints);
	json_key(&j, "proofs");
	json_int(&j, (long long)r->proofs);
	json_key(&j, "approvals");
	json_int(&j, (long long)r->approvals);
	json_key(&j, "signatures");
	json_int(&j, (long long)r->signatures);
	json_key(&j, "events");
	json_int(&j, r->events);
	json_key(&j, "failures");
	json_int(&j, (long long)r->failures);
	cli_findings_json(&j, fs);
	json_object_end(&j);
	json_end(&j);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
summary_text(const struct srr_bundle_result *r)
{
	printf("%s: %zu %s, %zu %s, %zu inclusion %s, %zu %s, %zu %s",
	       r->failures ? "FAILED" : "OK", r->files, plural(r->files, "file", "files"),
	       r->checkpoints, plural(r->checkpoints, "checkpoint", "checkpoints"), r->proofs,
	       plural(r->proofs, "proof", "proofs"), r->approvals,
	       plural(r->approvals, "approval", "approvals"), r->signatures,
	       plural(r->signatures, "signature", "signatures"));
	if (r->events)
		printf(", %lld log %s replayed", (long long)r->events,
		       r->events == 1 ? "event" : "events");
	printf(", %zu %s\n", r->failures, plural(r->failures, "failure", "failures"));
}

int
cmd_verify_bundle(struct cli *cli, int argc, char **argv)
{
	const char *trust = NULL;
	const struct cli_opt opts[] = {
		{ "trust", CLI_STR, &trust },
		{ NULL },
	};
	int rc = cli_parse(cli, &verify_bundle_command, argc, argv, opts, 1, 1, "DIR");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!trust)
		return cli_usage_error(cli, &verify_bundle_command,
				       "missing --trust CA.pem: the CA certificates to check "
				       "signatures against");
	const char *dir = argv[optind];
	/* A bundle is checked without a register: a bare library context. */
	rc = cli_context(cli);
	if (rc)
		return rc;
	struct cli_findings fs = { .json = cli->json, .print = print_finding };
	struct srr_bundle_result r;
	rc = srr_bundle_verify(cli->reg, dir, trust, cli_findings_add, &fs, &r);
	if (rc == 0 && fs.oom)
		rc = cli_error(cli, "out of memory");
	else if (rc)
		rc = cli_fail(cli, rc);
	else if (cli->json)
		summary_json(cli, &fs, &r);
	else
		summary_text(&r);
	cli_findings_free(&fs);
	if (rc)
		return rc;
	return r.failures ? EXIT_PROBLEMS : EXIT_OK;
}
