/* SPDX-License-Identifier: MIT */
/*
 * The approvals of an auditor bundle: each request's records against its
 * newest proven event, every signature over the approved bytes, and the
 * policy's rules (approver, requester, role, quorum) as srr verify applies
 * them (docs/formats/bundle.md, check 7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval-private.h"
#include "bundle-private.h"

static int
nomem(struct bv *v)
{
	return reg_error(v->b.ctx, SRR_E_NOMEM, "out of memory");
}

/* One approval being judged. */
struct judge {
	struct bapp *g;
	const struct srr_record *own;
	enum srr_subject subject;
	const char *target;
	char *rec; /* A-<id>.rec, or NULL */
	size_t rec_len;
	bool rec_parsed; /* A-<id>.rec is a record of its subject's type */
	const char *level;
	const struct srr_rule *rule;
	struct bwhere w;
	char own_path[64];
};

static int
cmp_app_file(const void *a, const void *b)
{
	const struct bfile *x = *(struct bfile *const *)a, *y = *(struct bfile *const *)b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static bool
is_approval_file(enum bkind k)
{
	return k == BK_APPROVAL_REC || k == BK_APPROVAL_OWN || k == BK_APPROVAL_SIG ||
	       k == BK_REJECTION_REC || k == BK_REJECTION_SIG;
}

int
bv_collect_approvals(struct bv *v)
{
	struct bfile ***files = &v->app_files;
	struct bapp **apps = &v->apps;
	size_t *n_apps = &v->n_apps;
	size_t n = 0;
	for (size_t i = 0; i < v->b.n_files; i++)
		n += is_approval_file(v->b.files[i].kind);
	*files = calloc(n + 1, sizeof(**files));
	*apps = calloc(n + 1, sizeof(**apps));
	v->approvals = calloc(n + 1, sizeof(*v->approvals));
	if (!*files || !*apps || !v->approvals)
		return nomem(v);
	n = 0;
	for (size_t i = 0; i < v->b.n_files; i++)
		if (is_approval_file(v->b.files[i].kind))
			(*files)[n++] = &v->b.files[i];
	qsort(*files, n, sizeof(**files), cmp_app_file);
	*n_apps = 0;
	for (size_t i = 0; i < n; i++) {
		struct bfile *f = (*files)[i];
		struct bapp *g = *n_apps && (*apps)[*n_apps - 1].id == f->id
					 ? &(*apps)[*n_apps - 1]
					 : &(*apps)[(*n_apps)++];
		g->id = f->id;
		if (f->kind == BK_APPROVAL_SIG) {
			if (!g->n_sigs)
				g->sigs = &(*files)[i];
			g->n_sigs++;
		}
		if (f->kind == BK_APPROVAL_REC)
			g->rec_f = f;
		else if (f->kind == BK_APPROVAL_OWN)
			g->own_f = f;
		else if (f->kind == BK_REJECTION_REC)
			g->rej_rec_f = f;
		else if (f->kind == BK_REJECTION_SIG)
			g->rej_sig_f = f;
	}
	for (size_t i = 0; i < *n_apps; i++)
		if ((*apps)[i].own_f)
			v->approvals[v->n_approvals++] = (*apps)[i].id;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

bool
bv_has_approval(const struct bv *v, int64_t id)
{
	return v->n_approvals &&
	       bsearch(&id, v->approvals, v->n_approvals, sizeof(id), cmp_id) != NULL;
}

/* A-<id>.approval.rec is what the newest proven event of approval/<id> logged. */
static void
check_logged(struct bv *v, struct judge *j, const char *own, size_t len)
{
	char entity[48], hex[65];
	snprintf(entity, sizeof(entity), "approval/%lld", (long long)j->g->id);
	const struct bevent *e = bv_newest(v, entity);
	bundle_sha256(hex, own, len);
	if (!e)
		bundle_report(&v->b, &j->w, 1, "record",
			      "%s: no proven event of %s is in the bundle", j->own_path, entity);
	else if (strcmp(hex, e->record_sha256) != 0)
		bundle_report(&v->b, &j->w, 1, "record",
			      "%s: not the record of event %lld, the newest proven event of %s "
			      "(SHA-256 differs)",
			      j->own_path, (long long)e->seq, entity);
}

static const char *const subject_records[] = { NULL, "acceptance", "treatment-plan", "review",
					       "policy" };

/* A-<id>.rec is the record the request names, of its subject and target. */
static int
check_signed_record(struct bv *v, struct judge *j)
{
	const char *path = j->g->rec_f->path;
	int rc = bundle_load(&v->b, j->g->rec_f, &j->rec, &j->rec_len);
	if (rc)
		return rc > 0 ? 0 : rc;
	char hex[65];
	bundle_sha256(hex, j->rec, j->rec_len);
	if (strcmp(hex, srr_record_get(j->own, "record-sha256")) != 0)
		bundle_report(&v->b, &j->w, 1, "record",
			      "%s: SHA-256 differs from the record-sha256 %s lists", path,
			      j->own_path);
	/* A review or policy approval signs a logged record: when the bundle
	 * proves events of the target, one of them logs exactly these bytes. */
	else if ((j->subject == SRR_SUBJECT_REVIEW || j->subject == SRR_SUBJECT_POLICY) &&
		 bv_logs(v, j->target, hex) == 0)
		bundle_report(&v->b, &j->w, 1, "record",
			      "%s: no proven event of %s logs these bytes", path, j->target);
	struct srr_record *r;
	rc = bundle_parse(&v->b, &j->w, path, subject_records[j->subject], j->rec, j->rec_len, &r);
	if (rc)
		return rc > 0 ? 0 : rc;
	const char *slash = strchr(j->target, '/');
	const char *field = j->subject == SRR_SUBJECT_REVIEW   ? "id"
			    : j->subject == SRR_SUBJECT_POLICY ? "version"
							       : "risk";
	const char *is = srr_record_get(r, field);
	if (!slash || !is || strcmp(slash + 1, is) != 0)
		bundle_report(&v->b, &j->w, 1, "record", "%s: its %s is %s, but %s's target is %s",
			      path, field, is ? is : "missing", j->own_path, j->target);
	j->level = approval_level_of(v->p, r);
	j->rec_parsed = true;
	srr_record_free(r);
	return 0;
}

/* The signer counts toward the rule: approver, requester, role. */
static const struct srr_approver *
judge_signer(struct bv *v, struct judge *j, const struct sigcheck *s)
{
	const struct srr_approver *who = NULL;
	const char *check;
	char why[BUNDLE_WHY_MAX];
	if (!v->p)
		return NULL;
	const char *requester = srr_record_get(j->own, "requester");
	if (approval_signer_rule(v->p, j->rule, requester, s->cert->c.sha256,
				 s->cert->c.spki_sha256, &who, &check, why, sizeof(why))) {
		j->w.signer = who ? who->name : s->cert->c.subject;
		bundle_report(&v->b, &j->w, 1, check, "%s: %s", s->path, why);
		return NULL;
	}
	return who;
}

/* Signature k (1-based) as the request lists it. */
static int
check_signature(struct bv *v, struct judge *j, size_t k, const char *hash, const char *signer,
		const char *signed_at, const struct srr_approver **who)
{
	char path[96];
	snprintf(path, sizeof(path), "approvals/A-%lld-%zu.p7s", (long long)j->g->id, k);
	struct bfile *f = bundle_file(&v->b, path);
	j->w.signature = k;
	j->w.signer = NULL;
	*who = NULL;
	v->b.res->signatures++;
	if (!f) {
		bundle_report(&v->b, &j->w, 1, "signature", "%s is missing: %s lists signature %zu",
			      path, j->own_path, k);
		return 0;
	}
	if (!j->rec)
		return 0; /* nothing to verify it over: reported */
	_cleanup_free_ char *p7s = NULL;
	size_t len;
	int rc = bundle_load(&v->b, f, &p7s, &len);
	if (rc)
		return rc > 0 ? 0 : rc;
	struct sigcheck s = { .path = f->path,
			      .p7s = p7s,
			      .p7s_len = len,
			      .data = j->rec,
			      .data_len = j->rec_len,
			      .what = "approved record",
			      .lists = j->own_path,
			      .want_sha256 = hash,
			      .want_cert = signer,
			      .want_time = signed_at };
	bv_check_sig(v, &s);
	if (s.check) {
		const struct srr_approver *a =
			s.cert && v->p ? approval_find_approver(v->p, s.cert->c.sha256,
								s.cert->c.spki_sha256)
				       : NULL;
		j->w.signer = a ? a->name : s.cert ? s.cert->c.subject : NULL;
		bundle_report(&v->b, &j->w, 1, s.check, "%s: %s", s.path, s.why);
		return 0;
	}
	*who = judge_signer(v, j, &s);
	return 0;
}

/* Every signature the request lists; extra files; distinct approvers. */
static int
check_signatures(struct bv *v, struct judge *j, unsigned *have)
{
	const struct srr_record *own = j->own;
	size_t n = 0;
	for (size_t i = 0; i < srr_record_count(own); i++)
		n += strcmp(srr_record_name(own, i), "signature") == 0;
	const struct srr_approver **counted = calloc(n + 1, sizeof(*counted));
	if (!counted)
		return nomem(v);
	int rc = 0;
	size_t k = 0;
	*have = 0;
	for (size_t i = 0; rc == 0 && i + 2 < srr_record_count(own); i++) {
		if (strcmp(srr_record_name(own, i), "signature") != 0)
			continue;
		/* The schema keeps signer and signed right after it. */
		const struct srr_approver *who;
		rc = check_signature(v, j, ++k, srr_record_value(own, i),
				     srr_record_value(own, i + 1), srr_record_value(own, i + 2),
				     &who);
		bool dup = false;
		for (unsigned m = 0; who && m < *have; m++)
			dup = dup || counted[m] == who;
		if (dup)
			bundle_report(
				&v->b, &j->w, 1, "duplicate",
				"approvals/A-%lld-%zu.p7s: %s has signed already: counted once",
				(long long)j->g->id, k, who->name);
		else if (who)
			counted[(*have)++] = who;
	}
	free(counted);
	j->w.signature = 0;
	j->w.signer = NULL;
	for (size_t i = 0; i < j->g->n_sigs; i++)
		if ((size_t)j->g->sigs[i]->k > n)
			bundle_report(&v->b, &j->w, 1, "signature", "%s: %s lists %zu signature%s",
				      j->g->sigs[i]->path, j->own_path, n, n == 1 ? "" : "s");
	return rc;
}

/* Why the signed refusal r does not match the request, or NULL. */
static const char *
refusal_differs(const struct judge *j, const struct srr_record *r)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)j->g->id);
	if (strcmp(srr_record_get(r, "approval"), id) != 0)
		return "approval";
	if (strcmp(srr_record_get(r, "target"), j->target) != 0)
		return "target";
	if (strcmp(srr_record_get(r, "record-sha256"), srr_record_get(j->own, "record-sha256")))
		return "record-sha256";
	const char *reason = srr_record_get(j->own, "reason");
	return reason && strcmp(srr_record_get(r, "reason"), reason) == 0 ? NULL : "reason";
}

static int
check_refusal(struct bv *v, struct judge *j, const char *hash)
{
	struct bapp *g = j->g;
	_cleanup_free_ char *rec = NULL, *p7s = NULL;
	size_t rec_len, len;
	struct srr_record *r = NULL;
	int rc = bundle_load(&v->b, g->rej_rec_f, &rec, &rec_len);
	if (rc == 0)
		rc = bundle_parse(&v->b, &j->w, g->rej_rec_f->path, "rejection", rec, rec_len, &r);
	/* Then the signature all the same: it says whether the bytes changed. */
	if (rc == 0 && refusal_differs(j, r))
		bundle_report(&v->b, &j->w, 1, "rejection", "%s: its %s is not the one %s records",
			      g->rej_rec_f->path, refusal_differs(j, r), j->own_path);
	srr_record_free(r);
	if (rc == 0)
		rc = bundle_load(&v->b, g->rej_sig_f, &p7s, &len);
	if (rc)
		return rc > 0 ? 0 : rc;
	struct sigcheck s = { .path = g->rej_sig_f->path,
			      .p7s = p7s,
			      .p7s_len = len,
			      .data = rec,
			      .data_len = rec_len,
			      .what = "refusal",
			      .lists = j->own_path,
			      .want_sha256 = hash,
			      .want_cert = srr_record_get(j->own, "rejection-signer"),
			      .want_time = srr_record_get(j->own, "rejected") };
	bv_check_sig(v, &s);
	if (!s.check && v->p &&
	    !approval_find_approver(v->p, s.cert->c.sha256, s.cert->c.spki_sha256)) {
		s.check = "approver";
		snprintf(s.why, sizeof(s.why), "the signer is not an approver in policy version %u",
			 v->p->version);
	}
	if (s.check) {
		const struct srr_approver *a =
			s.cert && v->p ? approval_find_approver(v->p, s.cert->c.sha256,
								s.cert->c.spki_sha256)
				       : NULL;
		j->w.signer = a ? a->name : s.cert ? s.cert->c.subject : NULL;
		bundle_report(&v->b, &j->w, 1, "rejection", "%s: %s: %s", s.path, s.check, s.why);
		j->w.signer = NULL;
	}
	return 0;
}

static int
check_rejection(struct bv *v, struct judge *j)
{
	struct bapp *g = j->g;
	const char *hash = srr_record_get(j->own, "rejection-signature");
	long long id = (long long)g->id;
	if (!hash) {
		struct bfile *extra = g->rej_rec_f ? g->rej_rec_f : g->rej_sig_f;
		if (extra)
			bundle_report(&v->b, &j->w, 1, "rejection",
				      "%s: %s records no signed refusal", extra->path, j->own_path);
		return 0;
	}
	if (!g->rej_rec_f || !g->rej_sig_f) {
		bundle_report(
			&v->b, &j->w, 1, "rejection",
			"approvals/A-%lld-rejection.%s is missing: %s records a signed refusal", id,
			g->rej_rec_f ? "p7s" : "rec", j->own_path);
		return 0;
	}
	return check_refusal(v, j, hash);
}

/* Enough distinct approvers, unless refused. */
static void
check_quorum(struct bv *v, struct judge *j, unsigned have)
{
	if (!v->p || srr_record_get(j->own, "rejected-by"))
		return;
	/* A risk's rule follows its residual level: unknown without the record. */
	if (!j->rec_parsed &&
	    (j->subject == SRR_SUBJECT_RISK || j->subject == SRR_SUBJECT_TREATMENT))
		return;
	char what[96];
	approval_describe(what, sizeof(what), j->subject, j->target);
	if (!j->rule)
		bundle_report(&v->b, &j->w, 1, "quorum",
			      "%s: no approval rule of policy version %u covers %s%s%s",
			      j->own_path, v->p->version, what,
			      j->level ? " at residual level " : "", j->level ? j->level : "");
	else if (have < j->rule->quorum)
		bundle_report(&v->b, &j->w, 0, "pending", "%s: %u of %u signatures on %s",
			      j->own_path, have, j->rule->quorum, what);
}

static enum srr_subject
subject_of(const char *name)
{
	for (int s = SRR_SUBJECT_RISK; s <= SRR_SUBJECT_POLICY; s++)
		if (strcmp(srr_subject_name((enum srr_subject)s), name) == 0)
			return (enum srr_subject)s;
	return SRR_SUBJECT_NONE;
}

static int
judge_approval(struct bv *v, struct judge *j, const char *own, size_t len)
{
	struct bapp *g = j->g;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)g->id);
	if (strcmp(srr_record_get(j->own, "id"), id) != 0)
		bundle_report(&v->b, &j->w, 1, "record", "%s: the record of A-%s", j->own_path,
			      srr_record_get(j->own, "id"));
	check_logged(v, j, own, len);
	j->subject = subject_of(srr_record_get(j->own, "subject"));
	j->target = srr_record_get(j->own, "target");
	int rc = 0;
	if (!g->rec_f)
		bundle_report(&v->b, &j->w, 1, "record",
			      "approvals/A-%s.rec is missing: the bytes %s lists signatures on", id,
			      j->own_path);
	else
		rc = check_signed_record(v, j);
	j->rule = v->p ? approval_rule(v->p, j->subject, j->level) : NULL;
	unsigned have = 0;
	if (rc == 0)
		rc = check_signatures(v, j, &have);
	if (rc == 0)
		rc = check_rejection(v, j);
	if (rc == 0)
		check_quorum(v, j, have);
	return rc;
}

static int
check_approval(struct bv *v, struct bapp *g)
{
	struct judge j = { .g = g, .w = { .approval = g->id } };
	snprintf(j.own_path, sizeof(j.own_path), "approvals/A-%lld.approval.rec", (long long)g->id);
	v->b.res->approvals++;
	if (!g->own_f) {
		struct bfile *any = g->rec_f	   ? g->rec_f
				    : g->n_sigs	   ? g->sigs[0]
				    : g->rej_rec_f ? g->rej_rec_f
						   : g->rej_sig_f;
		bundle_report(&v->b, &j.w, 1, "record", "%s is missing: %s is there", j.own_path,
			      any->path);
		return 0;
	}
	_cleanup_free_ char *own = NULL;
	size_t len;
	struct srr_record *r = NULL;
	int rc = bundle_load(&v->b, g->own_f, &own, &len);
	if (rc == 0)
		rc = bundle_parse(&v->b, &j.w, j.own_path, "approval", own, len, &r);
	if (rc)
		return rc > 0 ? 0 : rc;
	j.own = r;
	rc = judge_approval(v, &j, own, len);
	free(j.rec);
	srr_record_free(r);
	return rc;
}

int
bv_check_approvals(struct bv *v)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < v->n_apps; i++)
		rc = check_approval(v, &v->apps[i]);
	return rc;
}
