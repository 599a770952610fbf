/* SPDX-License-Identifier: MIT */
/*
 * srr verify: every approval re-checked without trusting what the
 * register says about it.
 *
 * The signature checks (parse the CMS, compare its certificate, verify
 * over the frozen bytes) are independent and run on worker threads; each
 * distinct signer certificate is checked once (usage, chain); what is left
 * per signature is comparing times and applying the policy's rules.
 */
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "approval-private.h"
#include "cert-private.h"
#include "crl-private.h"
#include "cms-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "srr/approval.h"
#include "srr/checkpoint.h"
#include "verify-private.h"

#define MAX_THREADS 8
#define WHY_MAX	    320

/* A distinct signer certificate and what was found about it. */
struct vcert {
	struct cert c; /* DER, hashes, subject */
	gnutls_x509_crt_t crt;
	const char *check; /* NULL: usage and chain are fine */
	char why[WHY_MAX];
	/* cert_check_validity() passes for signing times in [good_from,
	 * good_until] (empty when unknown): read once, as its issuer lookup
	 * costs about a tenth of an ECDSA verify. */
	time_t good_from, good_until;
	/* From revoked_at on, signatures do not count (the policy's CRLs). */
	bool revoked;
	time_t revoked_at;
};

/* One signature to check: on an approval, or on a checkpoint (a NULL). */
struct job {
	const struct srr_approval *a;
	const struct srr_checkpoint *cp;
	size_t index; /* 1-based signature, 0 for a signed refusal */
	const char *data;
	size_t data_len;
	const unsigned char *p7s;
	size_t p7s_len;
	struct vcert *vc; /* NULL: the certificate is not in the register (set once
			     every certificate is loaded: the array moves while it grows) */
	long cert;	  /* index into vctx.certs, or -1 */
	/* results */
	const char *check; /* NULL: the signature is good */
	char why[WHY_MAX];
	time_t signed_at;
};

struct vctx {
	struct srr_register *reg;
	const struct srr_policy *p;
	gnutls_x509_trust_list_t tl;
	struct crl_list crls;
	struct vcert *certs;
	size_t n_certs;
	struct job *jobs;
	size_t n_jobs;
	size_t next_job; /* the workers' shared counter */
	char **notes;	 /* per approval: what check_request found, or NULL */
	srr_finding_fn fn;
	void *userdata;
	struct srr_verify_result *res;
	struct vreport out;
};

__attribute__((format(printf, 3, 4))) static void
fail(struct job *j, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof(j->why), fmt, ap);
	va_end(ap);
	j->check = check;
}

/* Parse one CMS, check it carries the recorded certificate, and verify it
 * over the signed bytes. Thread-safe: touches only j and its own crt. */
static void
check_signature(struct job *j, gnutls_x509_crt_t crt)
{
	struct cms c;
	const char *check = NULL;
	if (cms_parse(&c, j->p7s, j->p7s_len, &check, j->why, sizeof(j->why)) == 0 &&
	    cms_cert_is(&c, j->vc->c.der, j->vc->c.der_len, &check, j->why, sizeof(j->why)) == 0)
		cms_verify(&c, crt, j->data, j->data_len,
			   j->cp ? "checkpoint body" : "approved record", &check, j->why,
			   sizeof(j->why));
	j->signed_at = c.signed_at;
	j->check = check;
	cms_release(&c);
}

/* Workers take chunks of jobs from a shared counter until none are left:
 * the thread that also reads the register joins in when it is done. */
#define CHUNK 16

static void *
work(void *arg)
{
	struct vctx *v = arg;
	/* Each thread parses its own copies of the certificates: GnuTLS
	 * objects are not to be shared between threads. */
	gnutls_x509_crt_t *crts = calloc(v->n_certs ? v->n_certs : 1, sizeof(*crts));
	for (;;) {
		size_t from = __atomic_fetch_add(&v->next_job, CHUNK, __ATOMIC_RELAXED);
		if (from >= v->n_jobs)
			break;
		size_t to = from + CHUNK < v->n_jobs ? from + CHUNK : v->n_jobs;
		for (size_t i = from; i < to; i++) {
			struct job *j = &v->jobs[i];
			if (!j->vc)
				continue; /* reported when judged */
			size_t k = (size_t)(j->vc - v->certs);
			if (crts && !crts[k]) {
				gnutls_datum_t d = { j->vc->c.der, (unsigned)j->vc->c.der_len };
				if (gnutls_x509_crt_init(&crts[k]) >= 0 &&
				    gnutls_x509_crt_import(crts[k], &d, GNUTLS_X509_FMT_DER) < 0) {
					gnutls_x509_crt_deinit(crts[k]);
					crts[k] = NULL;
				}
			}
			if (!crts || !crts[k])
				fail(j, "certificate", "the signer certificate cannot be read");
			else
				check_signature(j, crts[k]);
		}
	}
	for (size_t k = 0; crts && k < v->n_certs; k++)
		if (crts[k])
			gnutls_x509_crt_deinit(crts[k]);
	free(crts);
	return NULL;
}

static unsigned
thread_count(const struct srr_verify_options *o, size_t jobs)
{
	long n = o && o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	/* Below a few dozen signatures a thread costs more than it saves. */
	if (jobs < 32)
		n = 1;
	return (unsigned)n;
}

/* The times cert_check_validity() accepts: the certificate's validity and
 * its issuing anchor's. A time outside (or an unreadable one) is left to
 * cert_check_validity(), which names the failure. */
static void
validity_window(struct vctx *v, struct vcert *vc)
{
	vc->good_from = 1;
	vc->good_until = 0;
	time_t from = gnutls_x509_crt_get_activation_time(vc->crt);
	time_t until = gnutls_x509_crt_get_expiration_time(vc->crt);
	if (from == (time_t)-1 || until == (time_t)-1)
		return;
	gnutls_x509_crt_t issuer = NULL; /* borrowed from the trust list */
	if (gnutls_x509_trust_list_get_issuer(v->tl, vc->crt, &issuer, 0) >= 0 && issuer &&
	    !gnutls_x509_crt_equals(issuer, vc->crt)) {
		time_t f = gnutls_x509_crt_get_activation_time(issuer);
		time_t u = gnutls_x509_crt_get_expiration_time(issuer);
		if (f == (time_t)-1 || u == (time_t)-1)
			return;
		from = f > from ? f : from;
		until = u < until ? u : until;
	}
	vc->good_from = from;
	vc->good_until = until;
}

/* The distinct certificate sha256, loaded once. */
static int
find_cert(struct vctx *v, const char *sha256, long *out)
{
	*out = -1;
	if (!sha256)
		return 0;
	for (size_t i = 0; i < v->n_certs; i++)
		if (strcmp(v->certs[i].c.sha256, sha256) == 0) {
			*out = (long)i;
			return 0;
		}
	struct cert_list cl = { 0 };
	const char *const one[] = { sha256 };
	int rc = cert_fetch(v->reg, &cl, one, 1);
	if (rc == SRR_E_FORMAT) {
		cert_list_release(&cl);
		return 0; /* missing: reported per signature */
	}
	if (rc) {
		cert_list_release(&cl);
		return rc;
	}
	struct vcert *nv = realloc(v->certs, (v->n_certs + 1) * sizeof(*nv));
	if (!nv) {
		cert_list_release(&cl);
		return reg_error(v->reg, SRR_E_NOMEM, "out of memory");
	}
	v->certs = nv;
	struct vcert *vc = &nv[v->n_certs++];
	memset(vc, 0, sizeof(*vc));
	vc->c = cl.v[0];
	free(cl.v);
	/* Usage and chain: once per certificate, not per signature. */
	gnutls_datum_t d = { vc->c.der, (unsigned)vc->c.der_len };
	if (gnutls_x509_crt_init(&vc->crt) < 0 ||
	    gnutls_x509_crt_import(vc->crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		vc->check = "certificate";
		snprintf(vc->why, sizeof(vc->why), "the signer certificate cannot be read");
	} else if (!cert_check_usage(vc->crt, &vc->check, vc->why, sizeof(vc->why)) &&
		   cert_check_chain(v->tl, vc->crt, &vc->check, vc->why, sizeof(vc->why))) {
		/* vc->check set */
	}
	if (!vc->check) {
		validity_window(v, vc);
		vc->revoked = crl_revoked_at(&v->crls, v->tl, vc->crt, &vc->revoked_at);
	}
	*out = (long)(v->n_certs - 1);
	return 0;
}

static void
release_certs(struct vctx *v)
{
	for (size_t i = 0; i < v->n_certs; i++) {
		if (v->certs[i].crt)
			gnutls_x509_crt_deinit(v->certs[i].crt);
		free(v->certs[i].c.der);
		free(v->certs[i].c.subject);
	}
	free(v->certs);
}

__attribute__((format(printf, 6, 7))) static void
report(struct vctx *v, const struct srr_approval *a, size_t sig, const char *signer,
       const char *check, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bool failure = strcmp(check, "pending") != 0;
	if (failure)
		v->res->failures++;
	if (v->fn) {
		struct srr_finding f = { a->id, sig, signer, check, msg, failure };
		v->fn(v->userdata, &f);
	}
}

/* What every signature must pass once its crypto is done: the signer
 * certificate is there, its usage and chain are good, it was valid at the
 * signing time, and that time is the one the register recorded. Sets
 * *check and *why (into buf when it has to be written) on a failure. */
static void
judge_signer(struct vctx *v, struct job *j, const char *recorded_time, const char **check,
	     const char **why, char buf[WHY_MAX])
{
	char t[21];
	*check = j->check;
	*why = j->why;
	if (!j->vc) {
		*check = "certificate";
		*why = "the signer certificate is missing from the register";
	}
	if (!*check && j->vc->check) {
		*check = j->vc->check;
		*why = j->vc->why;
	}
	if (!*check && (j->signed_at < j->vc->good_from || j->signed_at > j->vc->good_until) &&
	    cert_check_validity(v->tl, j->vc->crt, j->signed_at, check, buf, WHY_MAX))
		*why = buf;
	if (!*check && j->vc->revoked && j->signed_at >= j->vc->revoked_at) {
		*check = "revocation";
		crl_why(buf, WHY_MAX, j->vc->revoked_at, j->signed_at);
		*why = buf;
	}
	cms_utc(t, j->signed_at);
	if (!*check && strcmp(t, recorded_time) != 0) {
		*check = "signature";
		snprintf(buf, WHY_MAX, "signed at %s, but the register says %s", t, recorded_time);
		*why = buf;
	}
}

/* The crypto of job j is done: certificate, time and the policy's rules.
 * Returns the approver it counts as, or NULL. */
static const struct srr_approver *
judge(struct vctx *v, struct job *j, const struct srr_rule *rule, const char *recorded_time)
{
	const struct srr_approval *a = j->a;
	const char *signer = j->vc ? j->vc->c.subject : "?";
	const struct srr_approver *who =
		j->vc ? approval_find_approver(v->p, j->vc->c.sha256, j->vc->c.spki_sha256) : NULL;
	if (who)
		signer = who->name;
	const char *check, *why;
	char buf[WHY_MAX];
	judge_signer(v, j, recorded_time, &check, &why, buf);
	if (!check && j->index == 0 && !who) {
		check = "approver";
		snprintf(buf, sizeof(buf), "the signer is not an approver in policy version %u",
			 v->p->version);
		why = buf;
	}
	if (!check && j->index > 0 &&
	    approval_signer_rule(v->p, rule, a->requester, j->vc->c.sha256, j->vc->c.spki_sha256,
				 &who, &check, buf, sizeof(buf)))
		why = buf;
	if (check) {
		report(v, a, j->index, signer, j->index ? check : "rejection", "%s%s%s",
		       j->index ? "" : check, j->index ? "" : ": ", why);
		return NULL;
	}
	return who;
}

/* The request's own bytes: its hash, and its last event. What is wrong
 * goes into *note ("check\tmessage" lines), reported when judged: this
 * runs while the workers check signatures. */
__attribute__((format(printf, 2, 3))) static int
note(char **n, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t had = *n ? strlen(*n) : 0, len = strlen(line);
	char *m = realloc(*n, had + len + 2);
	if (!m)
		return SRR_E_NOMEM;
	memcpy(m + had, line, len);
	m[had + len] = '\n';
	m[had + len + 1] = '\0';
	*n = m;
	return 0;
}

static int
check_request(struct vctx *v, const struct srr_approval *a, char **n)
{
	char hex[65];
	int rc = sha256_hex(v->reg, a->record, a->record_len, hex);
	if (rc)
		return rc;
	if (strcmp(hex, a->record_sha256) != 0)
		rc = note(n, "record\tthe approved record's SHA-256 is %s, the request says %s", hex,
			  a->record_sha256);
	_cleanup_free_ char *now = NULL;
	size_t len;
	if (rc == 0)
		rc = approval_record(v->reg, a->id, &now, &len);
	if (rc)
		return rc;
	char entity[48];
	snprintf(entity, sizeof(entity), "approval/%lld", (long long)a->id);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		v->reg, "SELECT seq, record FROM event WHERE entity = ?1 ORDER BY seq DESC LIMIT 1");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, entity);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		rc = note(n, "record\tno event in the log records this request");
	else if (s != SQLITE_ROW)
		return reg_db_error(v->reg, "reading the event log");
	else if ((size_t)sqlite3_column_bytes(st, 1) != len ||
		 memcmp(sqlite3_column_blob(st, 1), now, len) != 0)
		rc = note(n, "record\tthe request and its signatures differ from what event %lld logged",
			  (long long)sqlite3_column_int64(st, 0));
	if (rc == 0 && a->rejection_p7s) {
		_cleanup_free_ char *bytes = NULL;
		rc = approval_rejection_bytes(v->reg, a, a->reason, &bytes, &len);
		if (rc == 0 && (len != a->rejection_len || memcmp(bytes, a->rejection, len) != 0))
			rc = note(n, "rejection\tthe signed refusal does not match the recorded reason");
	}
	return rc == SRR_E_NOMEM ? reg_error(v->reg, rc, "out of memory") : rc;
}

/* Report the notes check_request left. */
static void
report_notes(struct vctx *v, const struct srr_approval *a, const char *n)
{
	while (n && *n) {
		const char *tab = strchr(n, '\t'), *end = strchr(n, '\n');
		char check[16];
		snprintf(check, sizeof(check), "%.*s", (int)(tab - n), n);
		report(v, a, 0, NULL, check, "%.*s", (int)(end - tab - 1), tab + 1);
		n = end + 1;
	}
}

/* Queue every signature; collect the distinct certificates. */
static int
plan(struct vctx *v, const struct srr_approval_list *l, const struct srr_checkpoint_list *cl)
{
	size_t n = srr_checkpoint_list_count(cl);
	for (size_t i = 0; i < srr_approval_list_count(l); i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		n += a->n_signatures + (a->rejection_p7s ? 1 : 0);
	}
	v->jobs = calloc(n ? n : 1, sizeof(*v->jobs));
	if (!v->jobs)
		return reg_error(v->reg, SRR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < srr_approval_list_count(l); i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		size_t jobs = a->n_signatures + (a->rejection_p7s ? 1 : 0);
		for (size_t k = 0; k < jobs; k++) {
			struct job *j = &v->jobs[v->n_jobs];
			const char *cert;
			j->a = a;
			if (k < a->n_signatures) {
				j->index = k + 1;
				j->data = a->record;
				j->data_len = a->record_len;
				j->p7s = a->signatures[k].p7s;
				j->p7s_len = a->signatures[k].p7s_len;
				cert = a->signatures[k].cert_sha256;
			} else { /* the signed refusal */
				j->index = 0;
				j->data = a->rejection ? a->rejection : "";
				j->data_len = a->rejection_len;
				j->p7s = a->rejection_p7s;
				j->p7s_len = a->rejection_p7s_len;
				cert = a->rejection_cert;
			}
			int rc = find_cert(v, cert, &j->cert);
			if (rc)
				return rc;
			v->n_jobs++;
		}
	}
	for (size_t i = 0; i < srr_checkpoint_list_count(cl); i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(cl, i);
		struct job *j = &v->jobs[v->n_jobs];
		j->cp = c;
		j->data = c->body;
		j->data_len = c->body_len;
		j->p7s = c->p7s;
		j->p7s_len = c->p7s_len;
		int rc = find_cert(v, c->cert_sha256, &j->cert);
		if (rc)
			return rc;
		v->n_jobs++;
	}
	for (size_t i = 0; i < v->n_jobs; i++)
		v->jobs[i].vc = v->jobs[i].cert >= 0 ? &v->certs[v->jobs[i].cert] : NULL;
	return 0;
}

/* A checkpoint's signature: the certificate's usage and chain, its
 * validity at the signing time, and the time the register recorded. */
static void
judge_checkpoint(struct vctx *v, struct job *j)
{
	const struct srr_checkpoint *c = j->cp;
	const char *check, *why;
	char buf[WHY_MAX];
	v->res->checkpoints++;
	judge_signer(v, j, c->signed_at, &check, &why, buf);
	if (check)
		vreport_log(&v->out, "checkpoint", 0, c->id, 1, "C-%lld: %s (%s): %s",
			    (long long)c->id, check, j->vc ? j->vc->c.subject : c->signer, why);
}

static int
judge_all(struct vctx *v, const struct srr_approval_list *l)
{
	size_t next = 0;
	for (size_t i = 0; i < srr_approval_list_count(l); i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		struct srr_verify_result *r = v->res;
		r->approvals++;
		r->signatures += a->n_signatures;
		report_notes(v, a, v->notes[i]);
		/* The rule comes from the policy in force, as the read path's. */
		const struct srr_rule *rule = approval_rule(v->p, a->subject, a->level);
		/* Distinct approvers: at most one per signature. */
		const struct srr_approver **counted =
			calloc(a->n_signatures + 1, sizeof(*counted));
		if (!counted)
			return reg_error(v->reg, SRR_E_NOMEM, "out of memory");
		unsigned have = 0;
		for (size_t k = 0; k < a->n_signatures; k++) {
			struct job *j = &v->jobs[next++];
			const struct srr_approver *who = judge(v, j, rule, a->signatures[k].signed_at);
			if (!who)
				continue;
			bool dup = false;
			for (unsigned m = 0; m < have; m++)
				dup = dup || counted[m] == who;
			if (dup)
				report(v, a, j->index, who->name, "duplicate",
				       "%s has signed already: counted once", who->name);
			else
				counted[have++] = who;
		}
		free(counted);
		if (a->rejection_p7s)
			judge(v, &v->jobs[next++], rule, a->rejected);


		switch (a->status) {
		case SRR_APPROVAL_REJECTED:
			r->rejected++;
			break;
		case SRR_APPROVAL_STALE:
			r->stale++;
			if (!approval_superseded(l, i))
				report(v, a, 0, NULL, "stale", "%s: the approval no longer counts",
				       a->stale_because);
			break;
		case SRR_APPROVAL_APPROVED:
			r->approved++;
			if (have < a->quorum)
				report(v, a, 0, NULL, "quorum",
				       "shown as approved, but only %u of the %u signatures it "
				       "needs verify",
				       have, a->quorum);
			break;
		default:
			r->pending++;
			if (!a->quorum)
				report(v, a, 0, NULL, "quorum",
				       "no approval rule of policy version %u covers it",
				       v->p->version);
			else
				report(v, a, 0, NULL, "pending", "%u of %u signatures so far",
				       a->have, a->quorum);
			break;
		}
	}
	for (; next < v->n_jobs; next++)
		judge_checkpoint(v, &v->jobs[next]);
	return 0;
}

/* The kept checkpoint's own signature, when FILE.p7s is beside it: made
 * by a signer who chains to the anchors, over exactly the kept bytes. */
static void
check_kept(struct vctx *v, const struct vsince *s)
{
	if (!s->p7s) {
		vreport_log(&v->out, "since", 0, 0, 0,
			    "no signature beside the kept checkpoint (FILE.p7s): it is trusted "
			    "as kept");
		return;
	}
	struct cms c;
	const char *check = NULL;
	char why[WHY_MAX];
	gnutls_x509_crt_t crt = NULL;
	if (cms_parse(&c, s->p7s, s->p7s_len, &check, why, sizeof(why)) == 0) {
		if (gnutls_x509_crt_init(&crt) < 0 ||
		    gnutls_x509_crt_import(crt, &c.cert, GNUTLS_X509_FMT_DER) < 0) {
			check = "certificate";
			snprintf(why, sizeof(why), "the signer certificate cannot be read");
		} else if (!cert_check_usage(crt, &check, why, sizeof(why)) &&
			   !cert_check_chain(v->tl, crt, &check, why, sizeof(why)) &&
			   !cert_check_validity(v->tl, crt, c.signed_at, &check, why,
						sizeof(why)) &&
			   !crl_check(&v->crls, v->tl, crt, c.signed_at, &check, why,
				      sizeof(why))) {
			cms_verify(&c, crt, s->bytes, s->len, "kept checkpoint", &check, why,
				   sizeof(why));
		}
	}
	if (check)
		vreport_log(&v->out, "since", 0, 0, 1, "the kept checkpoint's signature: %s: %s",
			    check, why);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	cms_release(&c);
}

static int
cmp_vcp(const void *a, const void *b)
{
	const struct vcp *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The checkpoints' bodies, parsed and sorted by size for the log walk. */
static int
parse_checkpoints(struct srr_register *reg, const struct srr_checkpoint_list *cl,
		  struct vcp **out)
{
	size_t n = srr_checkpoint_list_count(cl);
	struct vcp *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(cl, i);
		struct checkpoint_body b;
		v[i].id = c->id;
		v[i].size = c->size;
		if (checkpoint_parse(&b, c->body, c->body_len, v[i].why, sizeof(v[i].why)) != 0)
			continue;
		if (b.size != c->size) {
			snprintf(v[i].why, sizeof(v[i].why),
				 "its body signs %lld events, the table says %lld", (long long)b.size,
				 (long long)c->size);
			continue;
		}
		v[i].parsed = true;
		memcpy(v[i].root, b.root, 32);
		memcpy(v[i].origin, b.origin, sizeof(b.origin));
		v[i].synced = b.synced;
	}
	qsort(v, n, sizeof(*v), cmp_vcp);
	*out = v;
	return 0;
}

static int
load_anchors(struct srr_register *reg, const struct srr_verify_options *options,
	     const struct srr_policy *p, struct cert_list *anchors)
{
	if (!options || !options->trust_file)
		return cert_fetch(reg, anchors, p->anchors, p->n_anchors);
	int rc = cert_load_file(reg, anchors, options->trust_file, "trust anchors");
	/* As policy set does: an anchor issues certificates. */
	for (size_t i = 0; rc == 0 && i < anchors->n; i++)
		if (!anchors->v[i].ca)
			rc = reg_error(reg, SRR_E_INPUT, "trust anchors: %s: %s is not a CA certificate",
				       options->trust_file, anchors->v[i].subject);
	return rc;
}

/* Signatures on the workers; meanwhile this thread reads what the register
 * says (status, staleness), walks the log, then helps. */
static int
run_checks(struct vctx *v, const struct srr_verify_options *options,
	   struct srr_approval_list *l, const struct vcp *cps, size_t n_cps,
	   struct vsince *since)
{
	pthread_t t[MAX_THREADS];
	unsigned want = thread_count(options, v->n_jobs), started = 0;
	while (started + 1 < want && pthread_create(&t[started], NULL, work, v) == 0)
		started++;
	int rc = approval_list_derive(v->reg, l, true);
	for (size_t i = 0; rc == 0 && i < srr_approval_list_count(l); i++)
		rc = check_request(v, srr_approval_list_get(l, i), &v->notes[i]);
	if (rc == 0)
		rc = verify_log(v->reg, &v->out, cps, n_cps, since);
	if (rc)
		__atomic_store_n(&v->next_job, v->n_jobs, __ATOMIC_RELAXED);
	work(v);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return rc;
}

SRR_EXPORT int
srr_verify(struct srr_register *reg, const struct srr_verify_options *options,
	   srr_finding_fn fn, void *userdata, struct srr_verify_result *result)
{
	struct srr_verify_result dummy;
	if (!result)
		result = &dummy;
	memset(result, 0, sizeof(*result));
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	struct vctx v = { .reg = reg, .fn = fn, .userdata = userdata, .res = result };
	v.out = (struct vreport){ fn, userdata, result };
	struct srr_policy_list *pl = NULL;
	struct srr_approval_list *l = NULL;
	struct srr_checkpoint_list *cl = NULL;
	struct cert_list anchors = { 0 };
	struct vcp *cps = NULL;
	struct vsince since = { 0 }, *sp = NULL;
	if (options && options->since_file) {
		rc = verify_since_load(reg, options->since_file, &since);
		if (rc)
			return rc;
		sp = &since;
	}
	/* One read transaction: the register cannot change under the check. */
	rc = reg_exec(reg, "BEGIN");
	if (rc) {
		free(since.p7s);
		return rc;
	}
	rc = policy_current(&pl, reg);
	if (rc == 0) {
		v.p = srr_policy_list_get(pl, 0);
		rc = load_anchors(reg, options, v.p, &anchors);
	}
	if (rc == 0 && cert_trust_new(&v.tl, &anchors))
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (rc == 0) {
		rc = crl_fetch(reg, &v.crls, v.p->crls, v.p->n_crls);
		if (rc == SRR_E_FORMAT || rc == SRR_E_INPUT) {
			/* A CRL row gone or altered: say so, judge with the rest. */
			vreport_log(&v.out, "policy", 0, 0, 1, "%s", srr_errmsg(reg));
			rc = 0;
		}
	}
	if (rc == 0)
		rc = approval_list_rows(&l, reg);
	if (rc == 0)
		rc = checkpoint_list_query(&cl, reg, 0);
	if (rc == 0)
		rc = parse_checkpoints(reg, cl, &cps);
	if (rc == 0)
		rc = plan(&v, l, cl);
	if (rc == 0 && !(v.notes = calloc(srr_approval_list_count(l) + 1, sizeof(*v.notes))))
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (rc == 0)
		rc = run_checks(&v, options, l, cps, srr_checkpoint_list_count(cl), sp);
	if (rc == 0)
		rc = judge_all(&v, l);
	if (rc == 0 && sp)
		check_kept(&v, sp);
	reg_exec(reg, "COMMIT");
	for (size_t i = 0; v.notes && l && i < srr_approval_list_count(l); i++)
		free(v.notes[i]);
	free(v.notes);
	free(v.jobs);
	free(cps);
	if (sp)
		free(sp->p7s);
	release_certs(&v);
	crl_list_release(&v.crls);
	if (v.tl)
		gnutls_x509_trust_list_deinit(v.tl, 1);
	cert_list_release(&anchors);
	srr_checkpoint_list_free(cl);
	srr_approval_list_free(l);
	srr_policy_list_free(pl);
	return rc;
}
