/* SPDX-License-Identifier: MIT */
/*
 * Findings of the checking commands (verify-bundle; verify may share it):
 * printed as they come, or kept for one JSON document at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_findings_add(void *userdata, const struct srr_finding *f)
{
	struct cli_findings *fs = userdata;
	if (!fs->json) {
		fs->print(f);
		return;
	}
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 16;
		struct cli_finding *v = realloc(fs->v, cap * sizeof(*v));
		if (!v) {
			fs->oom = true;
			return;
		}
		fs->v = v;
		fs->cap = cap;
	}
	struct cli_finding *c = &fs->v[fs->n++];
	c->approval = f->approval;
	c->event = f->event;
	c->checkpoint = f->checkpoint;
	c->signature = (long long)f->signature;
	c->signer = f->signer ? strdup(f->signer) : NULL;
	c->check = strdup(f->check);
	c->message = strdup(f->message);
	c->failure = f->failure;
	fs->oom |= (f->signer && !c->signer) || !c->check || !c->message;
}

void
cli_findings_json(struct json *j, const struct cli_findings *fs)
{
	json_key(j, "findings");
	json_array_begin(j);
	for (size_t i = 0; i < fs->n; i++) {
		const struct cli_finding *c = &fs->v[i];
		json_object_begin(j);
		json_key(j, "approval");
		json_int(j, c->approval);
		json_key(j, "event");
		json_int(j, c->event);
		json_key(j, "checkpoint");
		json_int(j, c->checkpoint);
		json_key(j, "signature");
		json_int(j, c->signature);
		json_key(j, "signer");
		json_string(j, c->signer);
		json_key(j, "check");
		json_string(j, c->check);
		json_key(j, "message");
		json_string(j, c->message);
		json_key(j, "failure");
		json_bool(j, c->failure);
		json_object_end(j);
	}
	json_array_end(j);
}

void
cli_findings_free(struct cli_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].signer);
		free(fs->v[i].check);
		free(fs->v[i].message);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}
