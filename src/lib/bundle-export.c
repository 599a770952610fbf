/* SPDX-License-Identifier: MIT */
/*
 * srr export --bundle: what an auditor takes away (docs/formats/bundle.md).
 *
 * Everything is read in one read transaction, proofs are made in one pass
 * over the leaves, and the directory is written all or nothing.
 */
#include <gnutls/crypto.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert-private.h"
#include "crl-private.h"
#include "checkpoint-private.h"
#include "files-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "merkle-private.h"
#include "policy-private.h"
#include "srr/approval.h"
#include "srr/bundle.h"
#include "srr/checkpoint.h"

/* One file of the bundle, for the MANIFEST. */
struct mfile {
	char *path; /* relative to the bundle */
	char sha256[65];
};

struct bx {
	struct srr_register *reg;
	const char *dir;
	const struct srr_bundle_options *o;
	struct srr_bundle_summary *sum;
	struct written w;
	struct mfile *files;
	size_t n_files;
	const struct srr_checkpoint *cp; /* the proofs' checkpoint */
	/* entities whose events get proofs, sorted */
	char **items;
	size_t n_items;
	/* events to prove, sorted, and their prover slots */
	int64_t *seqs;
	long *slots;
	size_t n_seqs;
	char **certs; /* signer certificates to include */
	size_t n_certs;
	int64_t policy_seq;
};

static int
nomem(struct bx *b)
{
	return reg_error(b->reg, SRR_E_NOMEM, "out of memory");
}

/* --- writing ------------------------------------------------------------- */

static int
add_file(struct bx *b, const char *rel, const void *data, size_t len)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", b->dir, rel) >= sizeof(path))
		return reg_error(b->reg, SRR_E_INPUT, "bundle path too long: %s", b->dir);
	struct mfile *nf = realloc(b->files, (b->n_files + 1) * sizeof(*nf));
	if (!nf)
		return nomem(b);
	b->files = nf;
	struct mfile *f = &nf[b->n_files];
	if (!(f->path = strdup(rel)))
		return nomem(b);
	b->n_files++;
	int rc = sha256_hex(b->reg, data, len, f->sha256);
	return rc ? rc : write_new(b->reg, &b->w, path, data, len);
}

static int
add_dir(struct bx *b, const char *rel)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", b->dir, rel) >= sizeof(path))
		return reg_error(b->reg, SRR_E_INPUT, "bundle path too long: %s", b->dir);
	return write_dir(b->reg, &b->w, path);
}

/* A big file written as it is read (log/leaves, log/records), hashed on
 * the way. */
struct stream {
	FILE *f;
	gnutls_hash_hd_t h;
	size_t m; /* its b->files entry (the array moves as it grows) */
	char path[4096];
};

static int
stream_open(struct bx *b, struct stream *s, const char *rel)
{
	int rc = add_file(b, rel, "", 0); /* creates it, registers it */
	if (rc)
		return rc;
	s->m = b->n_files - 1;
	snprintf(s->path, sizeof(s->path), "%s/%s", b->dir, rel);
	if (!(s->f = fopen(s->path, "wb")) || gnutls_hash_init(&s->h, GNUTLS_DIG_SHA256) < 0)
		return reg_error(b->reg, SRR_E_IO, "%s: %s", s->path, strerror(errno));
	return 0;
}

static int
stream_write(struct bx *b, struct stream *s, const void *data, size_t len)
{
	if (fwrite(data, 1, len, s->f) != len)
		return reg_error(b->reg, SRR_E_IO, "%s: %s", s->path, strerror(errno));
	gnutls_hash(s->h, data, len);
	return 0;
}

static int
stream_close(struct bx *b, struct stream *s, int rc)
{
	unsigned char md[32];
	if (s->h) {
		gnutls_hash_deinit(s->h, md);
		s->h = NULL;
		for (size_t i = 0; i < 32; i++)
			snprintf(b->files[s->m].sha256 + 2 * i, 3, "%02x", md[i]);
	}
	if (s->f && (fflush(s->f) != 0 || fsync(fileno(s->f)) != 0) && rc == 0)
		rc = reg_error(b->reg, SRR_E_IO, "%s: %s", s->path, strerror(errno));
	if (s->f && fclose(s->f) != 0 && rc == 0)
		rc = reg_error(b->reg, SRR_E_IO, "%s: %s", s->path, strerror(errno));
	s->f = NULL;
	return rc;
}

static int
cmp_mfile(const void *a, const void *b)
{
	return strcmp(((const struct mfile *)a)->path, ((const struct mfile *)b)->path);
}

static int
write_manifest(struct bx *b)
{
	qsort(b->files, b->n_files, sizeof(*b->files), cmp_mfile);
	size_t cap = 1, len = 0;
	for (size_t i = 0; i < b->n_files; i++)
		cap += 67 + strlen(b->files[i].path);
	_cleanup_free_ char *m = malloc(cap);
	if (!m)
		return nomem(b);
	for (size_t i = 0; i < b->n_files; i++)
		len += (size_t)snprintf(m + len, cap - len, "%s  %s\n", b->files[i].sha256,
					b->files[i].path);
	char path[4096];
	snprintf(path, sizeof(path), "%s/MANIFEST", b->dir);
	b->sum->files = b->n_files + 1;
	return write_new(b->reg, &b->w, path, m, len);
}

/* --- choosing ------------------------------------------------------------ */

static int
push_str(struct bx *b, char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return nomem(b);
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return nomem(b);
	(*n)++;
	return 0;
}

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The approvals and reviews logged under the checkpoint, sorted; a sample
 * keeps N of them (docs/formats/bundle.md, "The sample"). */
static int
choose_items(struct bx *b)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		b->reg, "SELECT DISTINCT entity FROM event WHERE seq <= ?1 AND"
			" (entity GLOB 'approval/*' OR entity GLOB 'review/*') ORDER BY entity");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, b->cp->size);
	int s, rc = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = push_str(b, &b->items, &b->n_items, (const char *)sqlite3_column_text(st, 0));
	if (rc == 0 && s != SQLITE_DONE)
		rc = reg_db_error(b->reg, "reading the event log");
	if (rc || !b->o->sample || b->o->sample >= b->n_items)
		return rc;
	uint64_t state = b->o->seed;
	for (size_t i = 0; i < b->o->sample; i++) {
		size_t j = i + (size_t)(splitmix64(&state) % (b->n_items - i));
		char *t = b->items[i];
		b->items[i] = b->items[j];
		b->items[j] = t;
	}
	for (size_t i = b->o->sample; i < b->n_items; i++)
		free(b->items[i]);
	b->n_items = b->o->sample;
	qsort(b->items, b->n_items, sizeof(*b->items), cmp_str);
	return 0;
}

static int
cmp_seq(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int
push_seq(struct bx *b, int64_t seq)
{
	int64_t *ns = realloc(b->seqs, (b->n_seqs + 1) * sizeof(*ns));
	if (!ns)
		return nomem(b);
	b->seqs = ns;
	ns[b->n_seqs++] = seq;
	return 0;
}

/* Every covered event of each item, and the policy's own event. */
static int
choose_events(struct bx *b)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(b->reg, "SELECT seq FROM event WHERE entity = ?1 AND seq <= ?2 ORDER BY seq");
	if (!st)
		return SRR_E_DB;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n_items; i++) {
		sqlite3_reset(st);
		bind_text(st, 1, b->items[i]);
		sqlite3_bind_int64(st, 2, b->cp->size);
		int s;
		while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW)
			rc = push_seq(b, sqlite3_column_int64(st, 0));
		if (rc == 0 && s != SQLITE_DONE)
			rc = reg_db_error(b->reg, "reading the event log");
	}
	/* Events after the checkpoint cannot be proven against it. */
	_cleanup_stmt_ sqlite3_stmt *late = reg_stmt(
		b->reg, "SELECT count(*) FROM event WHERE seq > ?1 AND"
			" (entity GLOB 'approval/*' OR entity GLOB 'review/*')");
	if (rc == 0 && !late)
		rc = SRR_E_DB;
	if (rc == 0) {
		sqlite3_bind_int64(late, 1, b->cp->size);
		if (sqlite3_step(late) == SQLITE_ROW)
			b->sum->left_out = (size_t)sqlite3_column_int64(late, 0);
	}
	if (rc == 0 && b->policy_seq)
		rc = push_seq(b, b->policy_seq);
	qsort(b->seqs, b->n_seqs, sizeof(*b->seqs), cmp_seq);
	return rc;
}

/* The policy.set event of the policy in force, if it is covered. */
static int
find_policy_event(struct bx *b)
{
	unsigned version = 0;
	int rc = policy_version(b->reg, &version);
	if (rc || version == 0)
		return rc;
	char entity[32];
	snprintf(entity, sizeof(entity), "policy/%u", version);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		b->reg, "SELECT max(seq) FROM event WHERE entity = ?1 AND seq <= ?2");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, entity);
	sqlite3_bind_int64(st, 2, b->cp->size);
	if (sqlite3_step(st) == SQLITE_ROW)
		b->policy_seq = sqlite3_column_int64(st, 0);
	if (!b->policy_seq)
		return reg_error(b->reg, SRR_E_STATE,
				 "policy version %u is newer than checkpoint C-%lld: sign a "
				 "checkpoint first ('srr checkpoint --key URI')",
				 version, (long long)b->cp->id);
	return 0;
}

/* --- the log pass -------------------------------------------------------- */

static bool
wanted(const struct bx *b, int64_t seq, size_t *at)
{
	int64_t *hit = bsearch(&seq, b->seqs, b->n_seqs, sizeof(*b->seqs), cmp_seq);
	if (hit)
		*at = (size_t)(hit - b->seqs);
	return hit != NULL;
}

static int
write_event(struct bx *b, sqlite3_stmt *st, int64_t seq)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "events/%lld.leaf", (long long)seq);
	int rc = add_file(b, rel, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
	snprintf(rel, sizeof(rel), "events/%lld.rec", (long long)seq);
	if (rc == 0)
		rc = add_file(b, rel, sqlite3_column_blob(st, 2),
			      (size_t)sqlite3_column_bytes(st, 2));
	if (rc == 0 && seq == b->policy_seq)
		rc = add_file(b, "policy.rec", sqlite3_column_blob(st, 2),
			      (size_t)sqlite3_column_bytes(st, 2));
	return rc;
}

/* One pass over the log: the prover takes the leaves under the
 * checkpoint, wanted events are written, a full bundle copies it all. */
static int
walk_log(struct bx *b, struct merkle_prover *p)
{
	struct stream leaves = { 0 }, records = { 0 };
	bool full = b->o->sample == 0;
	int rc = 0;
	if (full) {
		rc = add_dir(b, "log");
		if (rc == 0)
			rc = stream_open(b, &leaves, "log/leaves");
		if (rc == 0)
			rc = stream_open(b, &records, "log/records");
	}
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(b->reg, "SELECT seq, leaf, record FROM event WHERE seq <= ?1 ORDER BY seq");
	if (rc == 0 && !st)
		rc = SRR_E_DB;
	if (rc == 0)
		sqlite3_bind_int64(st, 1, full ? INT64_MAX : b->cp->size);
	int s = SQLITE_DONE;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const void *leaf = sqlite3_column_blob(st, 1);
		size_t leaf_len = (size_t)sqlite3_column_bytes(st, 1), at;
		if (seq <= b->cp->size) {
			merkle_hash h;
			merkle_leaf_hash(h, leaf ? leaf : "", leaf_len);
			if (merkle_prover_leaf(p, h))
				rc = reg_error(b->reg, SRR_E_FORMAT,
					       "the event log has more events up to %lld than that",
					       (long long)seq);
		}
		if (rc == 0 && wanted(b, seq, &at))
			rc = write_event(b, st, seq);
		if (rc == 0 && full)
			rc = stream_write(b, &leaves, leaf, leaf_len);
		if (rc == 0 && full)
			rc = stream_write(b, &records, sqlite3_column_blob(st, 2),
					  (size_t)sqlite3_column_bytes(st, 2));
		b->sum->events = seq;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = reg_db_error(b->reg, "reading the event log");
	rc = stream_close(b, &leaves, rc);
	return stream_close(b, &records, rc);
}

static int
write_proofs(struct bx *b, const struct merkle_prover *p)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n_seqs; i++) {
		const merkle_hash *proof;
		size_t len;
		if (merkle_prover_proof(p, b->slots[i], &proof, &len))
			return reg_error(b->reg, SRR_E_FORMAT,
					 "the event log has gaps below checkpoint C-%lld: run 'srr "
					 "verify'",
					 (long long)b->cp->id);
		struct srr_record *r;
		if (srr_record_new(&r, "inclusion"))
			return nomem(b);
		srr_record_add_int(r, "seq", b->seqs[i]);
		srr_record_add_int(r, "checkpoint", b->cp->id);
		srr_record_add_int(r, "tree-size", b->cp->size);
		for (size_t k = 0; k < len; k++) {
			char hex[65];
			for (size_t j = 0; j < 32; j++)
				snprintf(hex + 2 * j, 3, "%02x", proof[k][j]);
			srr_record_add(r, "hash", hex);
		}
		_cleanup_free_ char *bytes = NULL;
		size_t blen;
		rc = log_serialize(b->reg, r, &bytes, &blen);
		srr_record_free(r);
		char rel[64];
		snprintf(rel, sizeof(rel), "proofs/%lld.proof", (long long)b->seqs[i]);
		if (rc == 0)
			rc = add_file(b, rel, bytes, blen);
		b->sum->proofs++;
	}
	return rc;
}

static int
prove(struct bx *b)
{
	struct merkle_prover *p = NULL;
	if (merkle_prover_new(&p, (uint64_t)b->cp->size) ||
	    !(b->slots = calloc(b->n_seqs + 1, sizeof(*b->slots)))) {
		merkle_prover_free(p);
		return nomem(b);
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n_seqs; i++)
		if ((b->slots[i] = merkle_prover_want_inclusion(p, (uint64_t)b->seqs[i] - 1)) < 0)
			rc = nomem(b);
	if (rc == 0)
		rc = walk_log(b, p);
	if (rc == 0)
		rc = write_proofs(b, p);
	merkle_prover_free(p);
	return rc;
}

/* --- approvals, checkpoints, certificates -------------------------------- */

static int
want_cert(struct bx *b, const char *sha256)
{
	for (size_t i = 0; i < b->n_certs; i++)
		if (strcmp(b->certs[i], sha256) == 0)
			return 0;
	return push_str(b, &b->certs, &b->n_certs, sha256);
}

/* The newest covered record of approval/<id>: what the bundle proves. */
static int
covered_record(struct bx *b, int64_t id, struct srr_record **out, char **bytes, size_t *len)
{
	char entity[48];
	snprintf(entity, sizeof(entity), "approval/%lld", (long long)id);
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		b->reg, "SELECT record FROM event WHERE entity = ?1 AND seq <= ?2"
			" ORDER BY seq DESC LIMIT 1");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, entity);
	sqlite3_bind_int64(st, 2, b->cp->size);
	*out = NULL;
	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	*len = (size_t)sqlite3_column_bytes(st, 0);
	if (!(*bytes = malloc(*len + 1)))
		return nomem(b);
	memcpy(*bytes, sqlite3_column_blob(st, 0), *len);
	char why[160];
	if (srr_record_parse(out, *bytes, *len, why, sizeof(why)))
		return reg_error(b->reg, SRR_E_FORMAT, "%s: the logged record does not parse: %s",
				 entity, why);
	return 0;
}

/* The signature whose CMS has this SHA-256, or NULL. */
static const struct srr_signature *
signature_by_hash(struct bx *b, const struct srr_approval *a, const char *hex)
{
	for (size_t k = 0; k < a->n_signatures; k++) {
		char h[65];
		if (sha256_hex(b->reg, a->signatures[k].p7s, a->signatures[k].p7s_len, h) == 0 &&
		    strcmp(h, hex) == 0)
			return &a->signatures[k];
	}
	return NULL;
}

static int
write_approval(struct bx *b, const struct srr_approval *a)
{
	struct srr_record *r = NULL;
	_cleanup_free_ char *own = NULL;
	size_t own_len = 0;
	int rc = covered_record(b, a->id, &r, &own, &own_len);
	if (rc || !r)
		return rc;
	char rel[96];
	snprintf(rel, sizeof(rel), "approvals/A-%lld.rec", (long long)a->id);
	rc = add_file(b, rel, a->record, a->record_len);
	snprintf(rel, sizeof(rel), "approvals/A-%lld.approval.rec", (long long)a->id);
	if (rc == 0)
		rc = add_file(b, rel, own, own_len);
	/* The signatures the logged record lists, in its order. */
	size_t k = 0;
	for (size_t i = 0; rc == 0 && i < srr_record_count(r); i++) {
		const char *name = srr_record_name(r, i), *value = srr_record_value(r, i);
		if (strcmp(name, "signature") != 0 && strcmp(name, "rejection-signature") != 0)
			continue;
		bool refusal = name[0] == 'r';
		const struct srr_signature *g = refusal ? NULL : signature_by_hash(b, a, value);
		if (!refusal && !g) {
			rc = reg_error(b->reg, SRR_E_FORMAT,
				       "A-%lld: signature %s is logged but not stored: run 'srr verify'",
				       (long long)a->id, value);
			break;
		}
		if (refusal && a->rejection_p7s) {
			snprintf(rel, sizeof(rel), "approvals/A-%lld-rejection.rec", (long long)a->id);
			rc = add_file(b, rel, a->rejection, a->rejection_len);
			snprintf(rel, sizeof(rel), "approvals/A-%lld-rejection.p7s", (long long)a->id);
			if (rc == 0)
				rc = add_file(b, rel, a->rejection_p7s, a->rejection_p7s_len);
			if (rc == 0)
				rc = want_cert(b, a->rejection_cert);
		} else if (!refusal) {
			snprintf(rel, sizeof(rel), "approvals/A-%lld-%zu.p7s", (long long)a->id, ++k);
			rc = add_file(b, rel, g->p7s, g->p7s_len);
			if (rc == 0)
				rc = want_cert(b, g->cert_sha256);
		}
	}
	srr_record_free(r);
	b->sum->approvals++;
	return rc;
}

static bool
is_item(const struct bx *b, const char *entity)
{
	const char *key = entity;
	return bsearch(&key, b->items, b->n_items, sizeof(*b->items), cmp_str) != NULL;
}

static int
write_approvals(struct bx *b)
{
	struct srr_approval_list *l = NULL;
	int rc = srr_approval_list_new(&l, b->reg);
	if (rc == 0)
		rc = add_dir(b, "approvals");
	for (size_t i = 0; rc == 0 && i < srr_approval_list_count(l); i++) {
		const struct srr_approval *a = srr_approval_list_get(l, i);
		char entity[48];
		snprintf(entity, sizeof(entity), "approval/%lld", (long long)a->id);
		if (is_item(b, entity))
			rc = write_approval(b, a);
	}
	for (size_t i = 0; i < b->n_items; i++)
		b->sum->reviews += strncmp(b->items[i], "review/", 7) == 0;
	srr_approval_list_free(l);
	return rc;
}

static int
write_checkpoint(struct bx *b, const struct srr_checkpoint *c)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "checkpoints/C-%lld.cp", (long long)c->id);
	int rc = add_file(b, rel, c->body, c->body_len);
	snprintf(rel, sizeof(rel), "checkpoints/C-%lld.p7s", (long long)c->id);
	if (rc == 0)
		rc = add_file(b, rel, c->p7s, c->p7s_len);
	return rc ? rc : want_cert(b, c->cert_sha256);
}

static int
write_checkpoints(struct bx *b, const struct srr_checkpoint_list *all)
{
	int rc = add_dir(b, "checkpoints");
	for (size_t i = 0; rc == 0 && i < srr_checkpoint_list_count(all); i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(all, i);
		if (b->o->sample == 0 || c == b->cp)
			rc = write_checkpoint(b, c);
	}
	return rc;
}

static int
write_certs(struct bx *b)
{
	struct cert_list cl = { 0 };
	int rc = add_dir(b, "certs");
	if (rc == 0 && b->n_certs)
		rc = cert_fetch(b->reg, &cl, (const char *const *)b->certs, b->n_certs);
	for (size_t i = 0; rc == 0 && i < cl.n; i++) {
		char rel[96];
		snprintf(rel, sizeof(rel), "certs/%s.der", cl.v[i].sha256);
		rc = add_file(b, rel, cl.v[i].der, cl.v[i].der_len);
	}
	cert_list_release(&cl);
	return rc;
}

/* The revocation lists the policy in the bundle names. */
static int
write_crls(struct bx *b)
{
	struct srr_policy_list *pl = NULL;
	struct crl_list l = { 0 };
	int rc = policy_current(&pl, b->reg);
	const struct srr_policy *p = rc ? NULL : srr_policy_list_get(pl, 0);
	if (p && p->n_crls) {
		rc = add_dir(b, "crls");
		if (rc == 0)
			rc = crl_fetch(b->reg, &l, p->crls, p->n_crls);
	}
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		char rel[96];
		snprintf(rel, sizeof(rel), "crls/%s.crl", l.v[i].sha256);
		rc = add_file(b, rel, l.v[i].der, l.v[i].der_len);
	}
	crl_list_release(&l);
	srr_policy_list_free(pl);
	return rc;
}

static int
write_description(struct bx *b)
{
	struct srr_record *r;
	char now[21];
	reg_now(now);
	if (srr_record_new(&r, "bundle"))
		return nomem(b);
	srr_record_add_int(r, "format", 1);
	srr_record_add(r, "origin", b->reg->id);
	srr_record_add(r, "created", now);
	srr_record_add(r, "kind", b->o->sample ? "sample" : "full");
	srr_record_add_int(r, "events", b->sum->events);
	srr_record_add_int(r, "checkpoint", b->cp->id);
	if (b->o->sample) {
		char seed[24];
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)b->o->seed);
		srr_record_add_int(r, "sample", (long long)b->o->sample);
		srr_record_add(r, "seed", seed);
		for (size_t i = 0; i < b->n_items; i++)
			srr_record_add(r, "item", b->items[i]);
	}
	_cleanup_free_ char *bytes = NULL;
	size_t len;
	int rc = log_serialize(b->reg, r, &bytes, &len);
	srr_record_free(r);
	return rc ? rc : add_file(b, "bundle.rec", bytes, len);
}

/* --- the whole ------------------------------------------------------------ */

static int
export(struct bx *b)
{
	struct srr_checkpoint_list *all = NULL;
	int rc = checkpoint_list_query(&all, b->reg, 0);
	size_t n = rc ? 0 : srr_checkpoint_list_count(all);
	/* The proofs' checkpoint: the one covering the most events, the
	 * newest of equals. */
	for (size_t i = 0; i < n; i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(all, i);
		if (!b->cp || c->size >= b->cp->size)
			b->cp = c;
	}
	if (rc == 0 && !b->cp)
		rc = reg_error(b->reg, SRR_E_STATE,
			       "no signed checkpoint to prove anything against: sign one with "
			       "'srr checkpoint --key URI'");
	if (rc == 0) {
		b->sum->checkpoint = b->cp->id;
		rc = find_policy_event(b);
	}
	if (rc == 0)
		rc = choose_items(b);
	if (rc == 0)
		rc = choose_events(b);
	if (rc == 0)
		rc = write_dir(b->reg, &b->w, b->dir);
	if (rc == 0)
		rc = add_dir(b, "events");
	if (rc == 0)
		rc = add_dir(b, "proofs");
	if (rc == 0)
		rc = prove(b);
	if (rc == 0)
		rc = write_approvals(b);
	if (rc == 0)
		rc = write_checkpoints(b, all);
	if (rc == 0)
		rc = write_certs(b);
	if (rc == 0)
		rc = write_crls(b);
	if (rc == 0)
		rc = write_description(b);
	if (rc == 0)
		rc = write_manifest(b);
	srr_checkpoint_list_free(all);
	return rc;
}

static void
bx_release(struct bx *b)
{
	for (size_t i = 0; i < b->n_files; i++)
		free(b->files[i].path);
	for (size_t i = 0; i < b->n_items; i++)
		free(b->items[i]);
	for (size_t i = 0; i < b->n_certs; i++)
		free(b->certs[i]);
	free(b->files);
	free(b->items);
	free(b->certs);
	free(b->seqs);
	free(b->slots);
}

SRR_EXPORT int
srr_bundle_export(struct srr_register *reg, const char *dir,
		  const struct srr_bundle_options *options, struct srr_bundle_summary *summary)
{
	static const struct srr_bundle_options full = { 0 };
	struct srr_bundle_summary dummy;
	if (!summary)
		summary = &dummy;
	memset(summary, 0, sizeof(*summary));
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (!dir || !*dir)
		return reg_error(reg, SRR_E_INPUT, "no bundle directory given");
	struct bx b = { .reg = reg, .dir = dir, .o = options ? options : &full, .sum = summary };
	/* One read transaction: the bundle is of one state of the register. */
	rc = reg_exec(reg, "BEGIN");
	if (rc)
		return rc;
	rc = export(&b);
	reg_exec(reg, "COMMIT");
	written_undo(&b.w, rc != 0);
	bx_release(&b);
	return rc;
}
