/* SPDX-License-Identifier: MIT */
/*
 * srr approval request|list|show|export|reject, srr approve, srr verify
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int approval_request(struct cli *cli, int argc, char **argv);
static int approval_list(struct cli *cli, int argc, char **argv);
static int approval_show(struct cli *cli, int argc, char **argv);
static int approval_export(struct cli *cli, int argc, char **argv);
static int approval_reject(struct cli *cli, int argc, char **argv);

const struct command approval_commands[] = {
	{ "request", approval_request, "Ask for a signed approval",
	  "Usage: srr approval request risk RISK | treatment RISK | review SUPPLIER | policy\n"
	  "\n"
	  "  risk RISK          the acceptance of risk RISK (R-n): its residual risk,\n"
	  "                     justification and expiry\n"
	  "  treatment RISK     the treatment plan of risk RISK and its actions\n"
	  "  review SUPPLIER    the sign-off of the supplier's latest review\n"
	  "  policy             the policy in force\n"
	  "\n"
	  "Freezes the canonical bytes of what is to be approved and prints the\n"
	  "request id (A-n). Signers run 'srr approve A-n'. If the subject changes\n"
	  "before or after it is signed, the request is stale and no longer counts.\n" },
	{ "list", approval_list, "List approval requests and their status",
	  "Usage: srr approval list\n" },
	{ "show", approval_show, "Show a request: the record, signatures, what is missing",
	  "Usage: srr approval show ID\n"
	  "\n"
	  "Status is pending, approved, stale or rejected.\n" },
	{ "export", approval_export, "Write a request's record, signatures and chains",
	  "Usage: srr approval export ID DIR\n"
	  "\n"
	  "Writes A-n.rec (the signed bytes), A-n.approval.rec (the request: who\n"
	  "asked, the hash of each signature), A-n-k.p7s (signature k, detached CMS)\n"
	  "and A-n-k.pem (its signer certificate and issuing CA) into DIR, so that\n"
	  "  openssl cms -verify -binary -inform DER -in A-n-k.p7s -content A-n.rec \\\n"
	  "      -CAfile ca.pem -out /dev/null\n"
	  "checks a signature without srr. Existing files are not overwritten.\n" },
	{ "reject", approval_reject, "Refuse a pending request",
	  "Usage: srr approval reject ID --reason TEXT [--key PKCS11-URI [--module PATH]\n"
	  "                           [--pin-file FILE]]\n"
	  "\n"
	  "  --reason TEXT      why it is refused (recorded)\n"
	  "  --key URI          sign the refusal with this key (an approver's)\n"
	  "  --module PATH      load only this PKCS#11 module\n"
	  "  --pin-file FILE    read the PIN from FILE's first line instead of asking\n" },
};
const size_t n_approval_commands = sizeof(approval_commands) / sizeof(approval_commands[0]);

const struct command approve_command = {
	"approve",
	cmd_approve,
	"Sign an approval request with a key on a PKCS#11 token",
	"Usage: srr approve ID --key PKCS11-URI [--module PATH] [--pin-file FILE]\n"
	"\n"
	"  --key URI          the signing key, an RFC 7512 URI such as\n"
	"                     'pkcs11:token=Alice;object=approver;type=private'\n"
	"  --module PATH      load only this PKCS#11 module (default: the modules\n"
	"                     registered with p11-kit)\n"
	"  --pin-file FILE    read the PIN from FILE's first line (mode 0600) instead\n"
	"                     of asking on the terminal\n"
	"\n"
	"Shows what is about to be signed, asks for the token's PIN once (a wrong\n"
	"PIN is never retried), checks that the key's certificate may approve it\n"
	"(trust anchor, validity, key usage, approver and role in the policy, not\n"
	"the requester, not signed already) and stores a detached CMS signature\n"
	"over the exact bytes with its audit event.\n",
};

const struct command verify_command = {
	"verify",
	cmd_verify,
	"Re-verify the log, its checkpoints and every signed approval",
	"Usage: srr verify [--trust CA.pem] [--since CHECKPOINT-FILE] [--threads N]\n"
	"\n"
	"  --trust CA.pem   trust these CA certificates instead of the policy's\n"
	"  --since FILE     a checkpoint kept earlier ('srr checkpoint export'): prove\n"
	"                   that today's log extends the one it signed\n"
	"  --threads N      threads for signature checks (default: one per CPU)\n"
	"\n"
	"The log: every event against its leaf and record, the sequence, the\n"
	"Merkle tree against each signed checkpoint (signature, signer, root),\n"
	"and each entity's rows against its last event, naming the first bad\n"
	"event. Approvals: each signature over the approved bytes, the signer's chain to a\n"
	"trust anchor, validity at the signing time, key usage, approver and role,\n"
	"the requester rule, the quorum, and whether the approved record has\n"
	"changed since (stale). Prints one line per problem naming the approval\n"
	"and the check. Exit status 1 when anything failed, 0 when nothing did,\n"
	"3 when the check could not run (an unreadable --trust or --since file).\n",
};

int
cmd_approval(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "approval", approval_commands, n_approval_commands, argc, argv);
}

static int
parse_id(struct cli *cli, const char *text, int64_t *id)
{
	if (srr_approval_parse_id(id, text))
		return cli_error(cli, "'%s' is not an approval id (A-n)", text);
	return EXIT_OK;
}

/* "R-3", "review 7", "policy v2" from the entity. */
static void
target_label(char *buf, size_t size, const struct srr_approval *a)
{
	const char *slash = strchr(a->target, '/');
	const char *id = slash ? slash + 1 : a->target;
	switch (a->subject) {
	case SRR_SUBJECT_RISK:
	case SRR_SUBJECT_TREATMENT:
		snprintf(buf, size, "R-%s", id);
		break;
	case SRR_SUBJECT_REVIEW:
		snprintf(buf, size, "review %s", id);
		break;
	default:
		snprintf(buf, size, "policy v%s", id);
		break;
	}
}

static const char *const subject_titles[] = { "", "risk acceptance", "treatment plan",
					       "review sign-off", "policy" };

static int
approval_request(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &approval_commands[0];
	int rc = cli_parse(cli, cmd, argc, argv, NULL, 1, 2, "SUBJECT [TARGET]");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *what = argv[optind];
	const char *target = optind + 1 < argc ? argv[optind + 1] : NULL;
	enum srr_subject subject = SRR_SUBJECT_NONE;
	for (int s = SRR_SUBJECT_RISK; s <= SRR_SUBJECT_POLICY; s++)
		if (strcmp(what, srr_subject_name((enum srr_subject)s)) == 0)
			subject = (enum srr_subject)s;
	if (subject == SRR_SUBJECT_NONE)
		return cli_usage_error(cli, cmd,
				       "'%s': the subject is risk, treatment, review or policy",
				       what);
	if (subject == SRR_SUBJECT_POLICY && target)
		return cli_usage_error(cli, cmd, "'policy' takes no target");
	if (subject != SRR_SUBJECT_POLICY && !target)
		return cli_usage_error(cli, cmd, "'%s' needs a %s", what,
				       subject == SRR_SUBJECT_REVIEW ? "SUPPLIER" : "RISK");
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	int64_t id;
	if (srr_approval_request(cli->reg, subject, target, &id))
		return cli_fail(cli, -1);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "approval");
		json_int(&j, id);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("A-%lld\n", (long long)id);
	}
	return EXIT_OK;
}

static void
json_approval(struct json *j, const struct srr_approval *a, bool full)
{
	json_object_begin(j);
	json_key(j, "id");
	json_int(j, a->id);
	json_key(j, "subject");
	json_string(j, srr_subject_name(a->subject));
	json_key(j, "target");
	json_string(j, a->target);
	json_key(j, "status");
	json_string(j, srr_approval_status_name(a->status));
	json_key(j, "requester");
	json_string(j, a->requester);
	json_key(j, "requested");
	json_string(j, a->requested);
	json_key(j, "record_sha256");
	json_string(j, a->record_sha256);
	json_key(j, "level");
	json_string(j, a->level);
	json_key(j, "quorum");
	json_int(j, a->quorum);
	json_key(j, "roles");
	json_array_begin(j);
	for (size_t i = 0; i < a->n_roles; i++)
		json_string(j, a->roles[i]);
	json_array_end(j);
	json_key(j, "signed");
	json_int(j, a->have);
	json_key(j, "stale_because");
	json_string(j, a->stale_because);
	json_key(j, "signatures");
	json_array_begin(j);
	for (size_t i = 0; i < a->n_signatures; i++) {
		const struct srr_signature *g = &a->signatures[i];
		json_object_begin(j);
		json_key(j, "approver");
		json_string(j, g->approver);
		json_key(j, "certificate");
		json_string(j, g->cert_subject);
		json_key(j, "cert_sha256");
		json_string(j, g->cert_sha256);
		json_key(j, "signed");
		json_string(j, g->signed_at);
		json_key(j, "actor");
		json_string(j, g->actor);
		json_key(j, "counts");
		json_bool(j, g->counts);
		json_key(j, "why_not");
		json_string(j, g->why_not);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "rejected_by");
	json_string(j, a->rejected_by);
	json_key(j, "rejected");
	json_string(j, a->rejected);
	json_key(j, "reason");
	json_string(j, a->reason);
	json_key(j, "rejection_signed");
	json_bool(j, a->rejection_p7s != NULL);
	if (full) {
		json_key(j, "record");
		json_string_n(j, a->record, a->record_len);
	}
	json_object_end(j);
}

static int
approval_list(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse(cli, &approval_commands[1], argc, argv, NULL, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct srr_approval_list *l;
	if (srr_approval_list_new(&l, cli->reg))
		return cli_fail(cli, -1);
	size_t n = srr_approval_list_count(l);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "approvals");
		json_array_begin(&j);
		for (size_t i = 0; i < n; i++)
			json_approval(&j, srr_approval_list_get(l, i), false);
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	} else {
		static const char *const hdr[] = { "ID",     "SUBJECT", "TARGET",
						   "STATUS", "SIGNED",	"REQUESTER" };
		struct table *t = table_new(6, hdr);
		for (size_t i = 0; i < n; i++) {
			const struct srr_approval *a = srr_approval_list_get(l, i);
			char id[24], target[48], sig[32];
			snprintf(id, sizeof(id), "A-%lld", (long long)a->id);
			target_label(target, sizeof(target), a);
			snprintf(sig, sizeof(sig), "%u of %u", a->have, a->quorum);
			table_row(t, id, subject_titles[a->subject], target,
				  srr_approval_status_name(a->status), sig, a->requester);
		}
		table_print(t);
	}
	srr_approval_list_free(l);
	return EXIT_OK;
}

/* The record as "name: value" lines, indented; continuation lines of
 * multi-line values under their value. */
static void
print_record(FILE *f, const char *bytes, size_t len)
{
	struct srr_record *rec;
	char why[160];
	if (srr_record_parse(&rec, bytes, len, why, sizeof(why))) {
		fprintf(f, "    (unreadable record: %s)\n", why);
		return;
	}
	fprintf(f, "    %s\n", srr_record_type(rec));
	for (size_t i = 0; i < srr_record_count(rec); i++) {
		const char *name = srr_record_name(rec, i), *v = srr_record_value(rec, i);
		fprintf(f, "    %s: ", name);
		for (; *v; v++) {
			fputc(*v, f);
			if (*v == '\n' && v[1])
				fprintf(f, "    %*s  ", (int)strlen(name), "");
		}
		fputc('\n', f);
	}
	srr_record_free(rec);
}

static void
print_approval(FILE *f, const struct srr_approval *a)
{
	char target[48];
	target_label(target, sizeof(target), a);
	fprintf(f, "Approval A-%lld: %s of %s\n", (long long)a->id, subject_titles[a->subject],
		target);
	fprintf(f, "  status:    %s", srr_approval_status_name(a->status));
	if (a->status == SRR_APPROVAL_STALE)
		fprintf(f, " (%s)", a->stale_because);
	fprintf(f, "\n  requested: %s by %s\n", a->requested, a->requester);
	if (a->level)
		fprintf(f, "  residual:  %s\n", a->level);
	if (a->quorum) {
		fprintf(f, "  needs:     %u distinct approver%s with role ", a->quorum,
			a->quorum == 1 ? "" : "s");
		for (size_t i = 0; i < a->n_roles; i++)
			fprintf(f, "%s%s", i ? " or " : "", a->roles[i]);
		fprintf(f, "; %u so far\n", a->have);
	} else {
		fprintf(f, "  needs:     no approval rule of the policy covers it\n");
	}
	fprintf(f, "  sha256:    %s\n", a->record_sha256);
	for (size_t i = 0; i < a->n_signatures; i++) {
		const struct srr_signature *g = &a->signatures[i];
		fprintf(f, "  signature %zu: %s <%s>, %s (by %s)%s%s\n", i + 1,
			g->approver ? g->approver : "(not an approver)", g->cert_subject,
			g->signed_at, g->actor, g->counts ? "" : ": does not count: ",
			g->counts ? "" : g->why_not);
	}
	if (a->status == SRR_APPROVAL_PENDING && a->quorum > a->have)
		fprintf(f, "  missing:   %u more signature%s\n", a->quorum - a->have,
			a->quorum - a->have == 1 ? "" : "s");
	if (a->rejected_by)
		fprintf(f, "  rejected:  %s by %s%s: %s\n", a->rejected, a->rejected_by,
			a->rejection_p7s ? " (signed)" : "", a->reason);
	fprintf(f, "  record:\n");
	print_record(f, a->record, a->record_len);
}

static int
find_one(struct cli *cli, const char *text, struct srr_approval_list **l)
{
	int64_t id;
	int rc = parse_id(cli, text, &id);
	if (rc == EXIT_OK)
		rc = cli_open(cli, false);
	if (rc == EXIT_OK && srr_approval_find(l, cli->reg, id))
		rc = cli_fail(cli, -1);
	return rc;
}

static int
approval_show(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse(cli, &approval_commands[2], argc, argv, NULL, 1, 1, "ID");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	struct srr_approval_list *l;
	rc = find_one(cli, argv[optind], &l);
	if (rc)
		return rc;
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_approval(&j, a, true);
		json_end(&j);
	} else {
		print_approval(stdout, a);
	}
	srr_approval_list_free(l);
	return EXIT_OK;
}

static int
approval_export(struct cli *cli, int argc, char **argv)
{
	int rc = cli_parse(cli, &approval_commands[3], argc, argv, NULL, 2, 2, "ID DIR");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	struct srr_approval_list *l;
	rc = find_one(cli, argv[optind], &l);
	if (rc)
		return rc;
	int64_t id = srr_approval_list_get(l, 0)->id;
	srr_approval_list_free(l);
	if (srr_approval_export(cli->reg, id, argv[optind + 1]))
		return cli_fail(cli, -1);
	char text[64];
	snprintf(text, sizeof(text), "Exported A-%lld to", (long long)id);
	cli_done(cli, "directory", argv[optind + 1], text);
	return EXIT_OK;
}

/* Open the key of --key for signing; tok stays NULL without --key. */
static int
open_key(struct cli *cli, const char *key, const char *module, struct pin_prompt *pp,
	 struct srr_token **tok)
{
	*tok = NULL;
	if (!key)
		return EXIT_OK;
	return cli_token_open(cli, tok, key, module, pp);
}

static int
approval_reject(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd = &approval_commands[4];
	const char *reason = NULL, *key = NULL, *module = NULL;
	struct pin_prompt pp = { 0 };
	const struct cli_opt opts[] = {
		{ "reason", CLI_STR, &reason },	  { "key", CLI_STR, &key },
		{ "module", CLI_STR, &module },	  { "pin-file", CLI_STR, &pp.pin_file },
		{ NULL },
	};
	int rc = cli_parse(cli, cmd, argc, argv, opts, 1, 1, "ID");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!reason)
		return cli_usage_error(cli, cmd, "missing --reason");
	if (!key && (module || pp.pin_file))
		return cli_usage_error(cli, cmd, "--module and --pin-file need --key");
	struct srr_approval_list *l;
	rc = find_one(cli, argv[optind], &l);
	if (rc)
		return rc;
	int64_t id = srr_approval_list_get(l, 0)->id;
	srr_approval_list_free(l);
	struct srr_token *tok;
	rc = open_key(cli, key, module, &pp, &tok);
	if (rc == EXIT_OK && srr_approval_reject(cli->reg, id, reason, tok))
		rc = cli_fail(cli, -1);
	srr_token_free(tok);
	if (rc == EXIT_OK && cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "approval");
		json_int(&j, id);
		json_key(&j, "status");
		json_string(&j, "rejected");
		json_key(&j, "signed");
		json_bool(&j, key != NULL);
		json_object_end(&j);
		json_end(&j);
	} else if (rc == EXIT_OK) {
		printf("Rejected A-%lld%s\n", (long long)id, key ? " (signed)" : "");
		struct srr_checkpoint_list *cl = NULL;
		if (key && srr_checkpoint_latest(&cl, cli->reg) == 0 &&
		    srr_checkpoint_list_count(cl))
			printf("Signed checkpoint C-%lld: %lld events\n",
			       (long long)srr_checkpoint_list_get(cl, 0)->id,
			       (long long)srr_checkpoint_list_get(cl, 0)->size);
		srr_checkpoint_list_free(cl);
	}
	return rc;
}

int
cmd_approve(struct cli *cli, int argc, char **argv)
{
	const char *key = NULL, *module = NULL;
	struct pin_prompt pp = { 0 };
	const struct cli_opt opts[] = {
		{ "key", CLI_STR, &key },
		{ "module", CLI_STR, &module },
		{ "pin-file", CLI_STR, &pp.pin_file },
		{ NULL },
	};
	int rc = cli_parse(cli, &approve_command, argc, argv, opts, 1, 1, "ID");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	if (!key)
		return cli_usage_error(cli, &approve_command, "missing --key");
	struct srr_approval_list *l;
	rc = find_one(cli, argv[optind], &l);
	if (rc)
		return rc;
	const struct srr_approval *a = srr_approval_list_get(l, 0);
	int64_t id = a->id;
	if (a->status != SRR_APPROVAL_PENDING) {
		rc = cli_error(cli, "A-%lld is %s%s%s", (long long)id,
			       srr_approval_status_name(a->status),
			       a->stale_because ? ": " : " already",
			       a->stale_because ? a->stale_because : "");
		srr_approval_list_free(l);
		return rc;
	}
	/* The signer sees what they sign before the PIN is asked for. */
	fputs("You are about to sign:\n", stderr);
	print_approval(stderr, a);
	srr_approval_list_free(l);

	struct srr_token *tok;
	rc = cli_token_open(cli, &tok, key, module, &pp);
	if (rc == EXIT_OK && srr_approve(cli->reg, id, tok))
		rc = cli_fail(cli, -1);
	srr_token_free(tok);
	if (rc)
		return rc;
	struct srr_checkpoint_list *cl = NULL;
	if (srr_approval_find(&l, cli->reg, id))
		return cli_fail(cli, -1);
	if (srr_checkpoint_latest(&cl, cli->reg)) {
		srr_approval_list_free(l);
		return cli_fail(cli, -1);
	}
	/* The checkpoint this approve signed: the newest. */
	const struct srr_checkpoint *cp = srr_checkpoint_list_get(cl, 0);
	a = srr_approval_list_get(l, 0);
	if (cli->json) {
		struct json j;
		cli_json_begin(cli, &j);
		json_object_begin(&j);
		json_key(&j, "approval");
		json_int(&j, id);
		json_key(&j, "status");
		json_string(&j, srr_approval_status_name(a->status));
		json_key(&j, "signed");
		json_int(&j, a->have);
		json_key(&j, "quorum");
		json_int(&j, a->quorum);
		json_key(&j, "checkpoint");
		json_int(&j, cp ? cp->id : 0);
		json_object_end(&j);
		json_end(&j);
	} else {
		printf("Signed A-%lld: %s (%u of %u)\n", (long long)id,
		       srr_approval_status_name(a->status), a->have, a->quorum);
		if (cp)
			printf("Signed checkpoint C-%lld: %lld events\n", (long long)cp->id,
			       (long long)cp->size);
	}
	srr_checkpoint_list_free(cl);
	srr_approval_list_free(l);
	return EXIT_OK;
}

/* A finding of srr verify, as a line for people. */
static void
print_finding(const struct srr_finding *f)
{
	if (!f->approval) {
		printf("%s: %s\n", f->check, f->message);
		return;
	}
	printf("A-%lld", (long long)f->approval);
	if (f->signature)
		printf(" signature %zu (%s)", f->signature, f->signer ? f->signer : "?");
	printf(": %s: %s\n", f->check, f->message);
}

static void
findings_json(struct cli *cli, const struct cli_findings *fs, const struct srr_verify_result *r)
{
	struct json j;
	cli_json_begin(cli, &j);
	json_object_begin(&j);
	json_key(&j, "ok");
	json_bool(&j, r->failures == 0);
	json_key(&j, "approvals");
	json_int(&j, (long long)r->approvals);
	json_key(&j, "signatures");
	json_int(&j, (long long)r->signatures);
	json_key(&j, "approved");
	json_int(&j, (long long)r->approved);
	json_key(&j, "pending");
	json_int(&j, (long long)r->pending);
	json_key(&j, "stale");
	json_int(&j, (long long)r->stale);
	json_key(&j, "rejected");
	json_int(&j, (long long)r->rejected);
	json_key(&j, "events");
	json_int(&j, r->events);
	json_key(&j, "entities");
	json_int(&j, (long long)r->entities);
	json_key(&j, "checkpoints");
	json_int(&j, (long long)r->checkpoints);
	json_key(&j, "covered");
	json_int(&j, r->covered);
	json_key(&j, "failures");
	json_int(&j, (long long)r->failures);
	cli_findings_json(&j, fs);
	json_object_end(&j);
	json_end(&j);
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct srr_verify_options o = { 0 };
	const char *threads = NULL;
	const struct cli_opt opts[] = {
		{ "trust", CLI_STR, &o.trust_file },
		{ "threads", CLI_STR, &threads },
		{ "since", CLI_STR, &o.since_file },
		{ NULL },
	};
	int rc = cli_parse(cli, &verify_command, argc, argv, opts, 0, 0, "");
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	long long n = 0;
	if (threads && (!cli_parse_uint(threads, 64, &n) || n == 0))
		return cli_error(cli, "--threads '%s': must be a number from 1 to 64", threads);
	o.threads = (unsigned)n;
	rc = cli_open(cli, false);
	if (rc)
		return rc;
	struct cli_findings fs = { .json = cli->json, .print = print_finding };
	struct srr_verify_result r;
	rc = srr_verify(cli->reg, &o, cli_findings_add, &fs, &r);
	if (rc == 0 && fs.oom)
		rc = cli_error(cli, "out of memory");
	else if (rc)
		rc = cli_fail(cli, rc);
	else if (cli->json)
		findings_json(cli, &fs, &r);
	else
		printf("%s: %lld event%s (%lld under a signed checkpoint, %zu checkpoint%s), "
		       "%zu entit%s, %zu approval%s (%zu approved, %zu pending, %zu stale, "
		       "%zu rejected), %zu signature%s, %zu failure%s\n",
		       r.failures ? "FAILED" : "OK", (long long)r.events, r.events == 1 ? "" : "s",
		       (long long)r.covered, r.checkpoints, r.checkpoints == 1 ? "" : "s",
		       r.entities, r.entities == 1 ? "y" : "ies", r.approvals,
		       r.approvals == 1 ? "" : "s", r.approved, r.pending, r.stale, r.rejected,
		       r.signatures, r.signatures == 1 ? "" : "s", r.failures,
		       r.failures == 1 ? "" : "s");
	cli_findings_free(&fs);
	if (rc)
		return rc;
	return r.failures ? EXIT_PROBLEMS : EXIT_OK;
}
