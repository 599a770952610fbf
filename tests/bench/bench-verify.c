/* SPDX-License-Identifier: MIT */
/*
 * bench-verify: how fast srr_verify() re-checks approvals, against a bare
 * loop of gnutls_pubkey_verify_data2() over the same ECDSA P-256
 * signatures, measured in the same run (docs/performance.md).
 *
 * Setup (timed apart): a SoftHSM2 token from tests/token-fixture.sh, a
 * register with one approver (alice, management), N risks accepted at a
 * low residual (quorum 1), each asked for by "procurement" and signed by
 * "alice" through srr_approve() on the token. Only the public API.
 *
 * The baseline verifies exactly the signatures srr_verify() verifies: the
 * ECDSA signature value of each approval's CMS over the DER of its signed
 * attributes, which is the one public-key operation gnutls_pkcs7_verify
 * makes per signature. Variants: (a) that loop on one thread, (a2) on
 * two, srr_verify() with (b) one thread, (c) two, (d) the default, and
 * srr_approval_list_new() alone. Rounds run them back to back; ratios are
 * medians of the per-round ratios, as what slows a shared machine for a
 * while slows a whole round. Last, a one-thread breakdown by the GnuTLS
 * steps verify.c takes per signature.
 *
 * Usage: bench-verify [-n APPROVALS] [-r ROUNDS] [-d DIR] [-w SECONDS]
 *   -d DIR keeps the token and register in DIR and reuses them next time.
 *   -w SECONDS waits up to that long before each round for the machine to
 *      be quiet. Each round reports how many CPUs other processes used
 *      while it ran (from /proc/stat); quiet rounds are also summarized
 *      alone, as on a shared machine they are the ones that show what
 *      two cores give.
 * Exits 77 (skipped) when a SoftHSM2 tool is missing.
 */
#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <srr/srr.h>

#include "bench-common.h"

#define MAX_ROUNDS 25

static void
check(int rc, struct srr_register *reg, const char *what)
{
	if (rc)
		bench_die("%s: %s", what, srr_errmsg(reg));
}

/* --- the register ----------------------------------------------------- */

/* n risks accepted at residual 2 x 2 (low: quorum 1), each asked for by
 * procurement and signed by alice on the token. */
static void
build_register(struct srr_register *reg, const struct bench_fixture *fx, const char *path, int n)
{
	char policy[1100], until[11], title[64];
	snprintf(policy, sizeof(policy), "%s/policy.yaml", fx->dir);
	bench_write_policy(fx, policy);
	check(srr_register_create_with_policy(reg, path, policy), reg, "create");
	check(srr_register_set_actor(reg, "procurement"), reg, "actor");
	struct srr_supplier s = { .key = "acme", .name = "Acme Cloud GmbH", .tier = SRR_TIER_HIGH };
	check(srr_supplier_add(reg, &s), reg, "supplier add");
	time_t t = time(NULL) + 30 * 86400;
	strftime(until, sizeof(until), "%Y-%m-%d", gmtime(&t));

	double t0 = bench_now();
	for (int i = 1; i <= n; i++) {
		snprintf(title, sizeof(title), "Benchmark risk %d", i);
		struct srr_risk r = {
			.supplier = "acme", .title = title, .likelihood = 3, .impact = 3
		};
		struct srr_treatment_plan p = { .treatment = SRR_TREATMENT_ACCEPT,
						.residual_likelihood = 2,
						.residual_impact = 2,
						.justification = "Within tolerance; benchmark",
						.until = until };
		int64_t id, aid;
		char rid[32];
		check(srr_risk_add(reg, &r, &id), reg, "risk add");
		check(srr_risk_treat(reg, id, &p), reg, "risk treat");
		snprintf(rid, sizeof(rid), "R-%lld", (long long)id);
		check(srr_approval_request(reg, SRR_SUBJECT_RISK, rid, &aid), reg, "request");
	}
	double t1 = bench_now();
	printf("setup: %d risks, treatments and requests: %.1f s (%.0f /s)\n", n, t1 - t0,
	       n / (t1 - t0));

	struct srr_token *tok = NULL;
	check(srr_register_set_actor(reg, "alice"), reg, "actor");
	check(srr_token_open(&tok, reg, fx->key_uri, fx->module, bench_give_pin, (void *)fx), reg,
	      "token");
	for (int64_t id = 1; id <= n; id++)
		check(srr_approve(reg, id, tok), reg, "approve");
	srr_token_free(tok);
	double t2 = bench_now();
	printf("setup: %d srr_approve on the token: %.1f s (%.0f /s)\n", n, t2 - t1, n / (t2 - t1));
}

/* --- the baseline: the signatures, bare ------------------------------- */

/* One DER element at *p: its tag, contents and the whole element. */
static bool
der_next(const unsigned char **p, const unsigned char *end, unsigned char *tag,
	 const unsigned char **val, size_t *len, const unsigned char **tlv)
{
	const unsigned char *q = *p;
	if (end - q < 2 || (q[0] & 0x1f) == 0x1f)
		return false;
	*tlv = q;
	*tag = *q++;
	size_t l = *q++;
	if (l & 0x80) {
		size_t k = l & 0x7f;
		if (k == 0 || k > 4 || (size_t)(end - q) < k)
			return false;
		for (l = 0; k > 0; k--)
			l = (l << 8) | *q++;
	}
	if ((size_t)(end - q) < l)
		return false;
	*val = q;
	*len = l;
	*p = q + l;
	return true;
}

/* Step into the element at *p, which must have tag want. */
static bool
der_enter(const unsigned char **p, const unsigned char **end, unsigned char want)
{
	unsigned char tag;
	const unsigned char *val, *tlv;
	size_t len;
	if (!der_next(p, *end, &tag, &val, &len, &tlv) || tag != want)
		return false;
	*p = val;
	*end = val + len;
	return true;
}

struct bare {
	gnutls_datum_t attrs; /* signed attributes, DER, tagged as a SET */
	gnutls_datum_t sig;   /* the ECDSA signature value */
	gnutls_datum_t p7s;   /* the whole CMS, and the record it signs: */
	gnutls_datum_t rec;   /* borrowed from the approval list */
};

/*
 * What a CMS signature signs (RFC 5652 5.4): the DER of its signed
 * attributes with the SET OF tag in place of [0] IMPLICIT. Walks
 * ContentInfo / SignedData / the first SignerInfo; the signature value
 * comes from GnuTLS.
 */
static void
extract(struct bare *b, const unsigned char *p7s, size_t p7s_len)
{
	const unsigned char *p = p7s, *end = p7s + p7s_len, *val, *tlv;
	unsigned char tag;
	size_t len;
	bool ok = der_enter(&p, &end, 0x30) &&				    /* ContentInfo */
		  der_next(&p, end, &tag, &val, &len, &tlv) &&		    /* contentType */
		  der_enter(&p, &end, 0xa0) && der_enter(&p, &end, 0x30) && /* SignedData */
		  der_next(&p, end, &tag, &val, &len, &tlv) &&		    /* version */
		  der_next(&p, end, &tag, &val, &len, &tlv) &&		    /* digestAlgorithms */
		  der_next(&p, end, &tag, &val, &len, &tlv);		    /* encapContentInfo */
	while (ok && p < end && (*p == 0xa0 || *p == 0xa1))		    /* certificates, crls */
		ok = der_next(&p, end, &tag, &val, &len, &tlv);
	ok = ok && der_enter(&p, &end, 0x31) && der_enter(&p, &end, 0x30) && /* SignerInfo */
	     der_next(&p, end, &tag, &val, &len, &tlv) &&		     /* version */
	     der_next(&p, end, &tag, &val, &len, &tlv) &&		     /* sid */
	     der_next(&p, end, &tag, &val, &len, &tlv) &&		     /* digestAlgorithm */
	     der_next(&p, end, &tag, &val, &len, &tlv) && tag == 0xa0;	     /* signedAttrs */
	if (!ok)
		bench_die("CMS: cannot find the signed attributes");
	b->attrs.size = (unsigned)(p - tlv);
	b->attrs.data = malloc(b->attrs.size);
	if (!b->attrs.data)
		bench_die("out of memory");
	memcpy(b->attrs.data, tlv, b->attrs.size);
	b->attrs.data[0] = 0x31;

	gnutls_pkcs7_t p7;
	gnutls_pkcs7_signature_info_st info;
	gnutls_datum_t d = { (unsigned char *)p7s, (unsigned)p7s_len };
	if (gnutls_pkcs7_init(&p7) < 0 || gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER) < 0 ||
	    gnutls_pkcs7_get_signature_info(p7, 0, &info) < 0)
		bench_die("CMS: cannot read a signature");
	if (info.algo != GNUTLS_SIGN_ECDSA_SHA256)
		bench_die("CMS: %s, not ECDSA-SHA256", gnutls_sign_get_name(info.algo));
	b->sig.size = info.sig.size;
	b->sig.data = malloc(info.sig.size);
	if (!b->sig.data)
		bench_die("out of memory");
	memcpy(b->sig.data, info.sig.data, info.sig.size);
	gnutls_pkcs7_signature_info_deinit(&info);
	gnutls_pkcs7_deinit(p7);
}

static gnutls_pubkey_t
approver_key(const char *pem_path, gnutls_x509_crt_t *crt)
{
	gnutls_datum_t pem;
	gnutls_pubkey_t key;
	if (gnutls_load_file(pem_path, &pem) < 0 || gnutls_x509_crt_init(crt) < 0 ||
	    gnutls_x509_crt_import(*crt, &pem, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_pubkey_init(&key) < 0 || gnutls_pubkey_import_x509(key, *crt, 0) < 0)
		bench_die("%s: cannot read the approver certificate", pem_path);
	gnutls_free(pem.data);
	return key;
}

static void
bare_loop(gnutls_pubkey_t key, const struct bare *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int err = gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_ECDSA_SHA256, 0, &b[i].attrs,
						     &b[i].sig);
		if (err < 0)
			bench_die("baseline: a signature does not verify: %s",
				  gnutls_strerror(err));
	}
}

/* The bare loop on two threads, half the signatures each: what two cores
 * give when nothing but the ECDSA verify runs (the hardware's ceiling;
 * two busy cores may each run slower than one). */
struct half {
	gnutls_pubkey_t key; /* each thread its own, as GnuTLS objects are not shared */
	const struct bare *b;
	size_t n;
};

static void *
bare_half(void *arg)
{
	struct half *h = arg;
	bare_loop(h->key, h->b, h->n);
	return NULL;
}

static void
bare_two(const char *cert, const struct bare *b, size_t n)
{
	gnutls_x509_crt_t crt[2];
	struct half h[2] = { { approver_key(cert, &crt[0]), b, n / 2 },
			     { approver_key(cert, &crt[1]), b + n / 2, n - n / 2 } };
	pthread_t t;
	if (pthread_create(&t, NULL, bare_half, &h[0]) != 0)
		bench_die("cannot start a thread");
	bare_half(&h[1]);
	pthread_join(t, NULL);
	for (int i = 0; i < 2; i++) {
		gnutls_pubkey_deinit(h[i].key);
		gnutls_x509_crt_deinit(crt[i]);
	}
}

/* --- srr_verify ------------------------------------------------------- */

static void
on_finding(void *userdata, const struct srr_finding *f)
{
	size_t *shown = userdata;
	if (f->failure && (*shown)++ < 5)
		fprintf(stderr, "bench-verify: A-%lld signature %zu: %s: %s\n",
			(long long)f->approval, f->signature, f->check, f->message);
}

static void
verify(struct srr_register *reg, unsigned threads, size_t n)
{
	struct srr_verify_options o = { .threads = threads };
	struct srr_verify_result r;
	size_t shown = 0;
	check(srr_verify(reg, &o, on_finding, &shown, &r), reg, "verify");
	if (r.failures || r.approvals != n || r.signatures != n || r.approved != n) {
		fprintf(stderr,
			"bench-verify: verify: %zu failures, %zu approvals, %zu signatures, %zu "
			"approved; want 0 and %zu of each\n",
			r.failures, r.approvals, r.signatures, r.approved, n);
		exit(EXIT_FAILURE);
	}
}

/* srr_approval_list_new() alone: what the register read costs. */
static void
list_only(struct srr_register *reg)
{
	struct srr_approval_list *l = NULL;
	check(srr_approval_list_new(&l, reg), reg, "approval list");
	srr_approval_list_free(l);
}

/* --- measuring on a shared machine ------------------------------------- */

/* One timed run: wall and CPU seconds (all our threads), and how many
 * CPUs other processes kept busy meanwhile (-1: unknown). */
struct sample {
	double wall, cpu, others;
};

/* Wait up to max seconds for a second in which other processes use less
 * than a tenth of a CPU; false if none came. */
static bool
wait_quiet(int max)
{
	for (int i = 0; i < max; i++) {
		double b0 = bench_machine_busy(), t0 = bench_now();
		sleep(1);
		double b1 = bench_machine_busy();
		if (b0 < 0 || b1 < 0 || (b1 - b0) / (bench_now() - t0) < 0.1)
			return true;
	}
	return false;
}

/*
 * Where srr_verify's time goes on one thread, by the GnuTLS steps that
 * verify.c's check_signature() takes per approval, cumulatively: parse
 * the CMS, read its signer information, then gnutls_pkcs7_verify_direct
 * (which reads the signer information again, checks the content's
 * digest, imports the key from the certificate and verifies).
 */
enum { PARSE, INFO, DIRECT, N_STEPS };

static void
cms_steps(int upto, const struct bare *b, size_t n, gnutls_x509_crt_t crt)
{
	for (size_t i = 0; i < n; i++) {
		gnutls_pkcs7_t p7;
		gnutls_pkcs7_signature_info_st info;
		gnutls_datum_t der = { NULL, 0 };
		if (gnutls_pkcs7_init(&p7) < 0 ||
		    gnutls_pkcs7_import(p7, &b[i].p7s, GNUTLS_X509_FMT_DER) < 0)
			bench_die("CMS: cannot parse");
		if (upto >= INFO) {
			if (gnutls_pkcs7_get_signature_info(p7, 0, &info) < 0)
				bench_die("CMS: cannot read a signature");
			gnutls_pkcs7_signature_info_deinit(&info);
		}
		if (upto >= DIRECT) {
			if (gnutls_pkcs7_get_crt_raw2(p7, 0, &der) < 0)
				bench_die("CMS: no certificate");
			gnutls_free(der.data);
			int err = gnutls_pkcs7_verify_direct(
				p7, crt, 0, &b[i].rec,
				GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
					GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS);
			if (err < 0)
				bench_die("CMS: does not verify: %s", gnutls_strerror(err));
		}
		gnutls_pkcs7_deinit(p7);
	}
}

/* CPU microseconds per approval of one pass of step k (see below). */
static double
step_us(int k, struct srr_register *reg, gnutls_pubkey_t key, gnutls_x509_crt_t crt,
	const struct bare *b, size_t n)
{
	double c0 = bench_cpu_now();
	if (k < N_STEPS)
		cms_steps(k, b, n, crt);
	else if (k == N_STEPS)
		bare_loop(key, b, n);
	else if (k == N_STEPS + 1)
		verify(reg, 1, n);
	else
		list_only(reg);
	return (bench_cpu_now() - c0) / (double)n * 1e6;
}

/* Each step on one thread, three passes, the fastest shown: noise only
 * ever slows a pass down. */
static void
breakdown(struct srr_register *reg, gnutls_pubkey_t key, gnutls_x509_crt_t crt,
	  const struct bare *b, size_t n, int wait)
{
	enum { BARE_STEP = N_STEPS, VERIFY_STEP, LIST_STEP, N_ALL };
	double us[N_ALL];
	if (wait > 0)
		wait_quiet(wait);
	double w0 = bench_now(), start = bench_cpu_now(), b0 = bench_machine_busy();
	for (int k = 0; k < N_ALL; k++)
		us[k] = 1e30;
	for (int pass = 0; pass < 3; pass++)
		for (int k = 0; k < N_ALL; k++) {
			double x = step_us(k, reg, key, crt, b, n);
			us[k] = x < us[k] ? x : us[k];
		}
	double b1 = bench_machine_busy();
	static const char *const steps[] = { "parse the CMS (gnutls_pkcs7_import)",
					     "+ signer info (gnutls_pkcs7_get_signature_info)",
					     "+ gnutls_pkcs7_verify_direct" };
	printf("one thread, CPU microseconds per approval (fastest of 3 passes):\n");
	printf("  %-50s %6.1f\n", "(a) gnutls_pubkey_verify_data2 alone", us[BARE_STEP]);
	for (int k = 0; k < N_STEPS; k++)
		printf("  %-50s %6.1f  (%+.1f)\n", steps[k], us[k], us[k] - (k ? us[k - 1] : 0));
	printf("  %-50s %6.1f\n", "    of which beyond (a)", us[DIRECT] - us[BARE_STEP]);
	printf("  %-50s %6.1f\n", "(b) srr_verify, threads=1", us[VERIFY_STEP]);
	printf("  %-50s %6.1f\n", "    of which beyond the CMS steps",
	       us[VERIFY_STEP] - us[DIRECT]);
	printf("  %-50s %6.1f\n", "srr_approval_list_new alone", us[LIST_STEP]);
	if (b0 >= 0 && b1 >= 0) {
		double others = (b1 - b0 - (bench_cpu_now() - start)) / (bench_now() - w0);
		printf("  (other processes used %.2f CPUs meanwhile)\n", others > 0 ? others : 0);
	}
}

enum { BARE, BARE2, T1, T2, TDEF, LIST, N_VARIANTS };
static const char *const names[] = {
	"(a) bare gnutls_pubkey_verify_data2, 1 thread",
	"(a2) the bare loop on 2 threads",
	"(b) srr_verify, threads=1",
	"(c) srr_verify, threads=2",
	"(d) srr_verify, threads=0 (default)",
	"    srr_approval_list_new alone",
};

/* A round counts as quiet when other processes used less than this. */
#define QUIET 0.15

static void
run(int v, struct srr_register *reg, gnutls_pubkey_t key, const char *cert, const struct bare *b,
    size_t n)
{
	switch (v) {
	case BARE:
		bare_loop(key, b, n);
		break;
	case BARE2:
		bare_two(cert, b, n);
		break;
	case T1:
		verify(reg, 1, n);
		break;
	case T2:
		verify(reg, 2, n);
		break;
	case TDEF:
		verify(reg, 0, n);
		break;
	default:
		list_only(reg);
		break;
	}
}

/* Rate of variant x over variant y (y's wall time over x's), per round,
 * median over the first k rounds: both ran back to back, so what slows
 * the machine for a while slows both. */
static double
ratio(struct sample t[][MAX_ROUNDS], int x, int y, int k)
{
	double v[MAX_ROUNDS];
	for (int r = 0; r < k; r++)
		v[r] = t[y][r].wall / t[x][r].wall;
	return bench_median(v, k);
}

/* Medians of the first k rounds, and the ratios the target is set in. */
static void
summarize(const char *what, struct sample t[][MAX_ROUNDS], int k, int n)
{
	double w[MAX_ROUNDS], c[MAX_ROUNDS], o[MAX_ROUNDS];
	printf("%s (%d), medians:\n", what, k);
	for (int v = 0; v < N_VARIANTS; v++) {
		for (int r = 0; r < k; r++) {
			w[r] = t[v][r].wall;
			c[r] = t[v][r].cpu;
			o[r] = t[v][r].others;
		}
		double wall = bench_median(w, k), cpu = bench_median(c, k),
		       others = bench_median(o, k);
		printf("  %-46s %7.3f s %8.0f /s  cpu %6.3f s  (best %.3f s; others %.2f CPUs)\n",
		       names[v], wall, n / wall, cpu, w[0], others);
	}
	double c2 = ratio(t, T2, BARE, k);
	printf("  per-round ratios, medians:\n");
	printf("  (b)/(a)  = %.2f  srr_verify on one thread vs the bare loop\n",
	       ratio(t, T1, BARE, k));
	printf("  (c)/(a)  = %.2f  target >= 1.30: %s\n", c2, c2 >= 1.3 ? "met" : "NOT met");
	printf("  (c)/(2a) = %.2f  of the two-core ideal (1.3x is 0.65; within 1.5x is 0.67)\n",
	       c2 / 2);
	printf("  (d)/(a)  = %.2f  default thread count\n", ratio(t, TDEF, BARE, k));
	printf("  (a2)/(a) = %.2f  two cores on the bare loop (about 2 on an undisturbed "
	       "machine)\n",
	       ratio(t, BARE2, BARE, k));
	printf("  (c)/(a2) = %.2f  srr_verify against the bare loop, both on two threads\n",
	       ratio(t, T2, BARE2, k));
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-verify [-n APPROVALS] [-r ROUNDS] [-d DIR] [-w SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int n = 10000, rounds = 5, wait = 0, opt;
	const char *keep = NULL;
	while ((opt = getopt(argc, argv, "n:r:d:w:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'd')
			keep = optarg;
		else if (opt == 'w')
			wait = atoi(optarg);
		else
			usage();
	}
	if (n < 1 || rounds < 1 || rounds > MAX_ROUNDS || optind != argc)
		usage();
	const char *script = getenv("SRR_TOKEN_FIXTURE");
	if (!script)
		script = "tests/token-fixture.sh";
	bench_init("bench-verify");
	char what[128];
	snprintf(what, sizeof(what), "GnuTLS %s; libsrr %s", gnutls_check_version(NULL),
		 srr_version());
	bench_machine(what);

	struct bench_fixture fx = { 0 };
	char path[1100];
	bench_workspace(&fx, keep);
	snprintf(path, sizeof(path), "%s/register.db", fx.dir);
	bool reuse = keep && access(path, F_OK) == 0 && bench_token_reuse(&fx);
	printf("workspace: %s%s\n", fx.dir, reuse ? " (reused)" : "");

	struct srr_register *reg = NULL;
	if (srr_register_new(&reg))
		bench_die("out of memory");
	if (reuse) {
		check(srr_register_open(reg, path), reg, path);
	} else {
		double t0 = bench_now();
		if (!bench_token(&fx, script)) {
			fprintf(stderr, "bench-verify: a SoftHSM2 tool is missing: skipped\n");
			return 77;
		}
		printf("setup: token fixture: %.1f s\n", bench_now() - t0);
		build_register(reg, &fx, path, n);
		printf("setup: total %.1f s\n", bench_now() - t0);
	}

	/* The signatures as stored, one per approval. */
	struct srr_approval_list *l = NULL;
	check(srr_approval_list_new(&l, reg), reg, "approval list");
	size_t count = srr_approval_list_count(l);
	if (reuse)
		n = (int)count;
	if (count != (size_t)n)
		bench_die("%s: holds %zu approvals, not %d", path, count, n);
	struct bare *b = calloc(count, sizeof(*b));
	if (!b)
		bench_die("out of memory");
	for (size_t i = 0; i < count; i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		if (a->status != SRR_APPROVAL_APPROVED || a->n_signatures != 1)
			bench_die("%s: an approval is not approved by one signature", path);
		extract(&b[i], a->signatures[0].p7s, a->signatures[0].p7s_len);
		b[i].p7s = (gnutls_datum_t){ (unsigned char *)a->signatures[0].p7s,
					     (unsigned)a->signatures[0].p7s_len };
		b[i].rec = (gnutls_datum_t){ (unsigned char *)a->record, (unsigned)a->record_len };
	}
	gnutls_x509_crt_t crt;
	gnutls_pubkey_t key = approver_key(fx.cert, &crt);

	printf("measuring: %d approvals, %d rounds\n", n, rounds);
	struct sample t[N_VARIANTS][MAX_ROUNDS];
	int quiet = 0;
	for (int r = 0; r < rounds; r++) {
		if (wait > 0 && !wait_quiet(wait))
			printf("round %d: the machine stayed busy for %d s; measuring anyway\n",
			       r + 1, wait);
		/* Rounds interleave the variants, so drift hits each alike. */
		double worst = 0;
		for (int v = 0; v < N_VARIANTS; v++) {
			struct sample *x = &t[v][r];
			double w0 = bench_now(), c0 = bench_cpu_now(), b0 = bench_machine_busy();
			run(v, reg, key, fx.cert, b, count);
			double b1 = bench_machine_busy();
			x->wall = bench_now() - w0;
			x->cpu = bench_cpu_now() - c0;
			x->others = b0 < 0 || b1 < 0 ? -1 : (b1 - b0 - x->cpu) / x->wall;
			if (x->others < 0 && b0 >= 0)
				x->others = 0; /* tick granularity */
			worst = x->others > worst ? x->others : worst;
		}
		printf("round %d: (a) %.3f s  (a2) %.3f s  (b) %.3f s  (c) %.3f s  (d) %.3f s"
		       "  list %.3f s; (c)/(a) %.2f; others used up to %.2f CPUs\n",
		       r + 1, t[BARE][r].wall, t[BARE2][r].wall, t[T1][r].wall, t[T2][r].wall,
		       t[TDEF][r].wall, t[LIST][r].wall, t[BARE][r].wall / t[T2][r].wall, worst);
		if (worst < QUIET) {
			/* Quiet rounds first: summarize() can take them alone. */
			for (int v = 0; v < N_VARIANTS; v++) {
				struct sample tmp = t[v][quiet];
				t[v][quiet] = t[v][r];
				t[v][r] = tmp;
			}
			quiet++;
		}
	}
	summarize("all rounds", t, rounds, n);
	if (quiet > 0 && quiet < rounds)
		summarize("quiet rounds only", t, quiet, n);
	else if (quiet == 0)
		printf("no round was quiet (other processes below %.2f CPUs): the figures above "
		       "understate what two cores give\n",
		       QUIET);

	breakdown(reg, key, crt, b, count, wait);

	srr_approval_list_free(l);
	gnutls_x509_crt_deinit(crt);
	for (size_t i = 0; i < count; i++) {
		free(b[i].attrs.data);
		free(b[i].sig.data);
	}
	free(b);
	gnutls_pubkey_deinit(key);
	srr_register_free(reg);
	if (!keep)
		bench_workspace_remove(&fx);
	return 0;
}
