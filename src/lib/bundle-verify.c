/* SPDX-License-Identifier: MIT */
/*
 * srr verify-bundle: an auditor bundle checked offline, without the
 * register, against the auditor's own CA certificates
 * (docs/formats/bundle.md, "What srr verify-bundle checks").
 *
 * Order: the MANIFEST against the directory (bundle-files.c), bundle.rec,
 * the certificates, the checkpoints, each event with its proof
 * (bundle-log.c), the policy, the approvals under it (bundle-approval.c),
 * a sample's items, and for a full bundle the whole log replayed into the
 * signed tree (bundle-log.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle-private.h"
#include "cms-private.h"
#include "libsrr-private.h"
#include "policy-private.h"

static int
nomem(struct bv *v)
{
	return reg_error(v->b.ctx, SRR_E_NOMEM, "out of memory");
}

/* --- bundle.rec ------------------------------------------------------------ */

static void
read_items(struct bv *v, const struct srr_record *r)
{
	size_t n = 0;
	for (size_t i = 0; i < srr_record_count(r); i++)
		n += strcmp(srr_record_name(r, i), "item") == 0;
	v->items = calloc(n + 1, sizeof(*v->items));
	for (size_t i = 0; v->items && i < srr_record_count(r); i++) {
		const char *item = srr_record_value(r, i);
		int64_t id;
		if (strcmp(srr_record_name(r, i), "item") != 0)
			continue;
		if (!((strncmp(item, "approval/", 9) == 0 &&
		       bundle_parse_id(item + 9, strlen(item + 9), &id)) ||
		      (strncmp(item, "review/", 7) == 0 &&
		       bundle_parse_id(item + 7, strlen(item + 7), &id))))
			bundle_report(&v->b, NULL, 1, "item",
				      "bundle.rec: item %s is neither approval/ID nor review/ID",
				      item);
		v->items[v->n_items++] = (char *)item; /* borrowed until the record goes */
	}
}

static int
describe(struct bv *v, const struct srr_record *r)
{
	const char *format = srr_record_get(r, "format");
	if (strcmp(format, "1") != 0) {
		bundle_report(&v->b, NULL, 1, "record",
			      "bundle.rec: format %s: this srr reads format 1", format);
		return 0;
	}
	snprintf(v->origin, sizeof(v->origin), "%s", srr_record_get(r, "origin"));
	v->full = strcmp(srr_record_get(r, "kind"), "full") == 0;
	v->desc_events = strtoll(srr_record_get(r, "events"), NULL, 10);
	v->desc_cp = strtoll(srr_record_get(r, "checkpoint"), NULL, 10);
	const char *sample = srr_record_get(r, "sample"), *seed = srr_record_get(r, "seed");
	read_items(v, r);
	if (!v->items)
		return nomem(v);
	if (v->full && (sample || seed || v->n_items))
		bundle_report(&v->b, NULL, 1, "record",
			      "bundle.rec: a full bundle has no sample, seed or items");
	if (!v->full && (!sample || !seed))
		bundle_report(&v->b, NULL, 1, "record",
			      "bundle.rec: a sample bundle names its sample size and seed");
	if (!v->full && sample && (unsigned long long)v->n_items > strtoull(sample, NULL, 10))
		bundle_report(&v->b, NULL, 1, "record",
			      "bundle.rec: lists %zu items, its sample is %s", v->n_items, sample);
	v->have_desc = true;
	return 0;
}

static int
check_description(struct bv *v, struct srr_record **desc)
{
	struct bfile *f = bundle_file(&v->b, "bundle.rec");
	*desc = NULL;
	if (!f) {
		bundle_report(
			&v->b, NULL, 1, "record",
			"bundle.rec is missing: which register, what kind of bundle and which "
			"checkpoint are unknown");
		v->full = bundle_file(&v->b, "log/leaves") != NULL;
		return 0;
	}
	_cleanup_free_ char *data = NULL;
	size_t len;
	int rc = bundle_load(&v->b, f, &data, &len);
	if (rc == 0)
		rc = bundle_parse(&v->b, NULL, f->path, "bundle", data, len, desc);
	if (rc)
		return rc > 0 ? 0 : rc;
	return describe(v, *desc);
}

/* --- certificates ----------------------------------------------------------- */

static int
cmp_cert(const void *a, const void *b)
{
	return strcmp(((const struct bcert *)a)->sha256, ((const struct bcert *)b)->sha256);
}

static struct bcert *
find_cert(const struct bv *v, const char *sha256)
{
	struct bcert key;
	snprintf(key.sha256, sizeof(key.sha256), "%s", sha256);
	return v->n_certs ? bsearch(&key, v->certs, v->n_certs, sizeof(key), cmp_cert) : NULL;
}

/* certs/<sha256>.der: named by its hash, a certificate; its usage and
 * chain judged once for every signature it makes. */
static int
load_cert(struct bv *v, struct bfile *f, struct bcert *c)
{
	snprintf(c->sha256, sizeof(c->sha256), "%.64s", f->path + 6);
	_cleanup_free_ char *data = NULL;
	size_t len;
	int rc = bundle_load(&v->b, f, &data, &len);
	if (rc)
		return rc > 0 ? 0 : rc;
	char hex[65];
	bundle_sha256(hex, data, len);
	if (strcmp(hex, c->sha256) != 0) {
		bundle_report(&v->b, NULL, 1, "certificate",
			      "%s: its SHA-256 is %s: a certificate is named by the SHA-256 of its "
			      "DER",
			      f->path, hex);
		return 0;
	}
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	int err = gnutls_x509_crt_init(&c->crt);
	if (err < 0)
		return nomem(v);
	err = gnutls_x509_crt_import(c->crt, &d, GNUTLS_X509_FMT_DER);
	struct cert_list cl = { 0 };
	if (err >= 0 && (rc = cert_add_der(v->b.ctx, &cl, data, len)) == SRR_E_NOMEM) {
		cert_list_release(&cl);
		return rc;
	}
	if (err < 0 || rc) {
		bundle_report(&v->b, NULL, 1, "certificate",
			      "%s: not an X.509 certificate (DER): %s", f->path,
			      err < 0 ? gnutls_strerror(err) : srr_errmsg(v->b.ctx));
		cert_list_release(&cl);
		return 0;
	}
	c->c = cl.v[0];
	free(cl.v);
	c->usable = true;
	if (cert_check_usage(c->crt, &c->check, c->why, sizeof(c->why)) == 0)
		cert_check_chain(v->tl, c->crt, &c->check, c->why, sizeof(c->why));
	return 0;
}

static int
load_certs(struct bv *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->b.n_files; i++)
		n += v->b.files[i].kind == BK_CERT;
	if (!(v->certs = calloc(n + 1, sizeof(*v->certs))))
		return nomem(v);
	int rc = 0;
	/* Files are sorted by path, so these come sorted by hash. */
	for (size_t i = 0; rc == 0 && i < v->b.n_files; i++)
		if (v->b.files[i].kind == BK_CERT)
			rc = load_cert(v, &v->b.files[i], &v->certs[v->n_certs++]);
	return rc;
}

static void
release_certs(struct bv *v)
{
	for (size_t i = 0; i < v->n_certs; i++) {
		if (v->certs[i].crt)
			gnutls_x509_crt_deinit(v->certs[i].crt);
		free(v->certs[i].c.der);
		free(v->certs[i].c.subject);
	}
	free(v->certs);
}

/* --- signatures -------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static void
sig_fail(struct sigcheck *s, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	s->check = check;
}

/* The signer certificate: listed, or the one inside. NULL after sig_fail. */
static struct bcert *
sig_cert(struct bv *v, struct sigcheck *s, const struct cms *c)
{
	char hex[65];
	const char *sha = s->want_cert;
	if (!sha) {
		bundle_sha256(hex, c->cert.data, c->cert.size);
		sha = hex;
	}
	struct bcert *bc = find_cert(v, sha);
	if (!bc)
		sig_fail(s, "certificate",
			 "its signer certificate certs/%s.der is not in the bundle", sha);
	else if (!bc->usable)
		sig_fail(s, "certificate", "its signer certificate certs/%s.der is unusable", sha);
	return s->check ? NULL : bc;
}

void
bv_check_sig(struct bv *v, struct sigcheck *s)
{
	char hex[65], t[21];
	s->check = NULL;
	s->cert = NULL;
	if (s->want_sha256) {
		bundle_sha256(hex, s->p7s, s->p7s_len);
		if (strcmp(hex, s->want_sha256) != 0) {
			sig_fail(s, "signature", "SHA-256 differs from the one %s lists", s->lists);
			return;
		}
	}
	struct cms c;
	if (cms_parse(&c, s->p7s, s->p7s_len, &s->check, s->why, sizeof(s->why)) ||
	    !(s->cert = sig_cert(v, s, &c)) ||
	    cms_cert_is(&c, s->cert->c.der, s->cert->c.der_len, &s->check, s->why,
			sizeof(s->why)) ||
	    cms_verify(&c, s->cert->crt, s->data, s->data_len, s->what, &s->check, s->why,
		       sizeof(s->why))) {
		cms_release(&c);
		return;
	}
	if (s->cert->check) {
		s->check = s->cert->check;
		snprintf(s->why, sizeof(s->why), "%s", s->cert->why);
	} else if (!cert_check_validity(v->tl, s->cert->crt, c.signed_at, &s->check, s->why,
					sizeof(s->why))) {
		cms_utc(t, c.signed_at);
		if (s->want_time && strcmp(t, s->want_time) != 0)
			sig_fail(s, "signature", "signed at %s, but %s says %s", t, s->lists,
				 s->want_time);
		else if (v->crls_read)
			crl_check(&v->crls, v->tl, s->cert->crt, c.signed_at, &s->check, s->why,
				  sizeof(s->why));
	}
	s->signed_at = c.signed_at;
	cms_release(&c);
}

/* --- checkpoints ------------------------------------------------------------- */

static int
cmp_cp(const void *a, const void *b)
{
	int64_t x = ((const struct bcp *)a)->id, y = ((const struct bcp *)b)->id;
	return x < y ? -1 : x > y;
}

const struct bcp *
bv_checkpoint(const struct bv *v, int64_t id)
{
	struct bcp key = { .id = id };
	return v->n_cps ? bsearch(&key, v->cps, v->n_cps, sizeof(key), cmp_cp) : NULL;
}

static int
collect_checkpoints(struct bv *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->b.n_files; i++)
		n += v->b.files[i].kind == BK_CP_BODY || v->b.files[i].kind == BK_CP_SIG;
	if (!(v->cps = calloc(n + 1, sizeof(*v->cps))))
		return nomem(v);
	for (size_t i = 0; i < v->b.n_files; i++) {
		struct bfile *f = &v->b.files[i];
		if (f->kind != BK_CP_BODY && f->kind != BK_CP_SIG)
			continue;
		/* C-<id>.cp sorts right before C-<id>.p7s. */
		struct bcp *cp = v->n_cps && v->cps[v->n_cps - 1].id == f->id
					 ? &v->cps[v->n_cps - 1]
					 : &v->cps[v->n_cps++];
		cp->id = f->id;
		*(f->kind == BK_CP_BODY ? &cp->body_f : &cp->sig_f) = f;
	}
	qsort(v->cps, v->n_cps, sizeof(*v->cps), cmp_cp);
	return 0;
}

/* The body parses, is of this bundle's register, and is signed. */
static int
check_checkpoint(struct bv *v, struct bcp *cp, const char *body, size_t len)
{
	struct bwhere w = { .checkpoint = cp->id };
	char why[160];
	if (checkpoint_parse(&cp->body, body, len, why, sizeof(why))) {
		bundle_report(&v->b, &w, 1, "checkpoint", "%s: not a checkpoint body: %s",
			      cp->body_f->path, why);
		return 0;
	}
	bool mine = !v->origin[0] || strcmp(cp->body.origin, v->origin) == 0;
	if (!mine)
		bundle_report(&v->b, &w, 1, "checkpoint",
			      "%s: signs the log of register %s, this bundle is of register %s",
			      cp->body_f->path, cp->body.origin, v->origin);
	_cleanup_free_ char *p7s = NULL;
	size_t p7s_len;
	int rc = bundle_load(&v->b, cp->sig_f, &p7s, &p7s_len);
	if (rc)
		return rc > 0 ? 0 : rc;
	struct sigcheck s = { .path = cp->sig_f->path,
			      .p7s = p7s,
			      .p7s_len = p7s_len,
			      .data = body,
			      .data_len = len,
			      .what = "checkpoint body" };
	bv_check_sig(v, &s);
	v->b.res->checkpoints++;
	if (s.check) {
		w.signer = s.cert ? s.cert->c.subject : NULL;
		bundle_report(&v->b, &w, 1, s.check, "%s: %s", s.path, s.why);
	}
	cp->good = mine && !s.check;
	cp->signer = s.cert;
	cp->signed_at = s.signed_at;
	return 0;
}

static int
check_checkpoints(struct bv *v)
{
	int rc = collect_checkpoints(v);
	for (size_t i = 0; rc == 0 && i < v->n_cps; i++) {
		struct bcp *cp = &v->cps[i];
		struct bwhere w = { .checkpoint = cp->id };
		long long id = (long long)cp->id;
		if (!cp->body_f || !cp->sig_f) {
			bundle_report(
				&v->b, &w, 1, "checkpoint",
				"checkpoints/C-%lld.%s is missing: checkpoints/C-%lld.%s is there",
				id, cp->body_f ? "p7s" : "cp", id, cp->body_f ? "cp" : "p7s");
			continue;
		}
		_cleanup_free_ char *body = NULL;
		size_t len;
		rc = bundle_load(&v->b, cp->body_f, &body, &len);
		if (rc == 0)
			rc = check_checkpoint(v, cp, body, len);
		rc = rc > 0 ? 0 : rc;
	}
	if (rc == 0 && v->have_desc && !bv_checkpoint(v, v->desc_cp)) {
		struct bwhere w = { .checkpoint = v->desc_cp };
		bundle_report(&v->b, &w, 1, "checkpoint",
			      "bundle.rec names checkpoint C-%lld, but checkpoints/C-%lld.cp is "
			      "missing",
			      (long long)v->desc_cp, (long long)v->desc_cp);
	}
	return rc;
}

/* --- the policy -------------------------------------------------------------- */

/* A proven policy.set event logs exactly these bytes. */
static bool
policy_proven(const struct bv *v, const char *version)
{
	char entity[48];
	snprintf(entity, sizeof(entity), "policy/%s", version);
	for (size_t i = 0; i < v->n_events; i++) {
		const struct bevent *e = &v->events[i];
		if (e->proven && strcmp(e->action, "policy.set") == 0 &&
		    strcmp(e->entity, entity) == 0 &&
		    strcmp(e->record_sha256, v->policy_sha256) == 0)
			return true;
	}
	return false;
}

static int
check_policy(struct bv *v)
{
	struct bfile *f = bundle_file(&v->b, "policy.rec");
	if (!f) {
		if (v->n_approvals)
			bundle_report(
				&v->b, NULL, 1, "policy",
				"policy.rec is missing: the approvals cannot be judged without "
				"the policy in force");
		return 0;
	}
	_cleanup_free_ char *data = NULL;
	size_t len;
	struct srr_record *r = NULL;
	int rc = bundle_load(&v->b, f, &data, &len);
	if (rc == 0)
		rc = bundle_parse(&v->b, NULL, f->path, "policy", data, len, &r);
	if (rc)
		return rc > 0 ? 0 : rc;
	bundle_sha256(v->policy_sha256, data, len);
	if (!policy_proven(v, srr_record_get(r, "version")))
		bundle_report(&v->b, NULL, 1, "policy",
			      "policy.rec: no proven policy.set event of policy/%s logs it",
			      srr_record_get(r, "version"));
	srr_record_free(r);
	rc = policy_from_record(&v->pl, v->b.ctx, data, len);
	if (rc == SRR_E_NOMEM)
		return rc;
	if (rc)
		bundle_report(&v->b, NULL, 1, "policy", "policy.rec: %s", srr_errmsg(v->b.ctx));
	else
		v->p = srr_policy_list_get(v->pl, 0);
	return 0;
}

/* --- a sample's items -------------------------------------------------------------- */

static bool
is_item(const struct bv *v, const char *entity)
{
	for (size_t i = 0; i < v->n_items; i++)
		if (strcmp(v->items[i], entity) == 0)
			return true;
	return false;
}

static void
check_items(struct bv *v)
{
	if (!v->have_desc || v->full)
		return;
	for (size_t i = 0; i < v->n_items; i++) {
		const char *item = v->items[i];
		int64_t id;
		if (strncmp(item, "approval/", 9) == 0 &&
		    bundle_parse_id(item + 9, strlen(item + 9), &id) && !bv_has_approval(v, id))
			bundle_report(&v->b, NULL, 1, "item",
				      "bundle.rec lists %s, but approvals/A-%lld.approval.rec is "
				      "missing",
				      item, (long long)id);
		else if (strncmp(item, "review/", 7) == 0 && !bv_newest(v, item))
			bundle_report(
				&v->b, NULL, 1, "item",
				"bundle.rec lists %s, but no proven event of it is in the bundle",
				item);
	}
	for (size_t i = 0; i < v->n_approvals; i++) {
		char entity[48];
		snprintf(entity, sizeof(entity), "approval/%lld", (long long)v->approvals[i]);
		if (!is_item(v, entity))
			bundle_report(
				&v->b, NULL, 1, "item",
				"approvals/A-%lld.approval.rec: %s is not an item of this sample "
				"(bundle.rec)",
				(long long)v->approvals[i], entity);
	}
	for (size_t i = 0; i < v->b.n_files; i++)
		if (v->b.files[i].kind == BK_LOG_LEAVES || v->b.files[i].kind == BK_LOG_RECORDS)
			bundle_report(&v->b, NULL, 1, "log", "%s: a sample bundle holds no log",
				      v->b.files[i].path);
}

/* --- revocation --------------------------------------------------------------- */

/* crls/<sha256>.crl for each revocation list policy.rec names. Approval
 * signatures are judged after this (bv_check_sig); checkpoints were judged
 * before the policy was known, so they are held against the lists here. */
static int
check_crls(struct bv *v)
{
	if (!v->p)
		return 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < v->p->n_crls; i++) {
		char path[80], hex[65];
		snprintf(path, sizeof(path), "crls/%s.crl", v->p->crls[i]);
		struct bfile *f = bundle_file(&v->b, path);
		_cleanup_free_ char *data = NULL;
		size_t len;
		if (!f) {
			bundle_report(&v->b, NULL, 1, "policy",
				      "policy.rec names the revocation list %s, which is missing",
				      path);
			continue;
		}
		rc = bundle_load(&v->b, f, &data, &len);
		if (rc) {
			rc = rc > 0 ? 0 : rc;
			continue;
		}
		bundle_sha256(hex, data, len);
		if (strcmp(hex, v->p->crls[i]) != 0) {
			bundle_report(&v->b, NULL, 1, "policy", "%s: its SHA-256 is %s", path, hex);
			continue;
		}
		rc = crl_add_der(v->b.ctx, &v->crls, data, len);
		if (rc == SRR_E_INPUT) {
			bundle_report(&v->b, NULL, 1, "policy", "%s: %s", path,
				      srr_errmsg(v->b.ctx));
			rc = 0;
		}
	}
	v->crls_read = true;
	for (size_t i = 0; rc == 0 && i < v->n_cps; i++) {
		struct bcp *cp = &v->cps[i];
		const char *check = NULL;
		char why[BUNDLE_WHY_MAX];
		if (!cp->good || !cp->signer ||
		    !crl_check(&v->crls, v->tl, cp->signer->crt, cp->signed_at, &check, why,
			       sizeof(why)))
			continue;
		struct bwhere w = { .checkpoint = cp->id, .signer = cp->signer->c.subject };
		bundle_report(&v->b, &w, 1, check, "%s: %s", cp->sig_f->path, why);
		cp->good = false;
	}
	return rc;
}

/* --- the whole ------------------------------------------------------------------------ */

static int
run(struct bv *v)
{
	struct srr_record *desc = NULL;
	int rc = check_description(v, &desc);
	if (rc == 0)
		rc = load_certs(v);
	if (rc == 0)
		rc = check_checkpoints(v);
	if (rc == 0)
		rc = bv_events(v);
	if (rc == 0)
		rc = bv_collect_approvals(v);
	if (rc == 0)
		rc = check_policy(v);
	if (rc == 0)
		rc = check_crls(v);
	if (rc == 0)
		rc = bv_check_approvals(v);
	if (rc == 0)
		check_items(v);
	if (rc == 0 && v->full)
		rc = bv_replay(v);
	if (rc == 0)
		rc = bundle_hash_rest(&v->b);
	free(v->app_files);
	free(v->apps);
	free(v->items); /* the strings were desc's */
	srr_record_free(desc);
	return rc;
}

static int
load_anchors(struct srr_register *ctx, const char *path, struct cert_list *anchors)
{
	int rc = cert_load_file(ctx, anchors, path, "trust anchors");
	/* As srr verify --trust: an anchor issues certificates. */
	for (size_t i = 0; rc == 0 && i < anchors->n; i++)
		if (!anchors->v[i].ca)
			rc = reg_error(ctx, SRR_E_INPUT,
				       "trust anchors: %s: %s is not a CA certificate", path,
				       anchors->v[i].subject);
	return rc;
}

SRR_EXPORT int
srr_bundle_verify(struct srr_register *ctx, const char *dir, const char *trust_file,
		  srr_finding_fn fn, void *userdata, struct srr_bundle_result *result)
{
	struct srr_bundle_result dummy;
	if (!result)
		result = &dummy;
	memset(result, 0, sizeof(*result));
	if (!ctx)
		return SRR_E_INPUT;
	if (!dir || !*dir)
		return reg_error(ctx, SRR_E_INPUT, "no bundle directory given");
	if (!trust_file || !*trust_file)
		return reg_error(ctx, SRR_E_INPUT,
				 "no trust anchors given (a PEM file of CA "
				 "certificates)");
	struct bv v = {
		.b = { .ctx = ctx, .dirfd = -1, .fn = fn, .userdata = userdata, .res = result }
	};
	struct cert_list anchors = { 0 };
	int rc = load_anchors(ctx, trust_file, &anchors);
	if (rc == 0 && cert_trust_new(&v.tl, &anchors))
		rc = reg_error(ctx, SRR_E_NOMEM, "out of memory");
	if (rc == 0)
		rc = bundle_open(&v.b, dir);
	if (rc == 0)
		rc = run(&v);
	bv_events_release(&v);
	free(v.cps);
	free(v.approvals);
	release_certs(&v);
	srr_policy_list_free(v.pl);
	crl_list_release(&v.crls);
	if (v.tl)
		gnutls_x509_trust_list_deinit(v.tl, 1);
	cert_list_release(&anchors);
	bundle_close(&v.b);
	return rc;
}
