/* SPDX-License-Identifier: MIT */
/*
 * The log part of an auditor bundle: each event's leaf, record and
 * inclusion proof against a signed checkpoint, and in a full bundle the
 * whole log replayed, leaf by leaf, into the Merkle tree the checkpoints
 * sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle-private.h"

static int
nomem(struct bv *v)
{
	return reg_error(v->b.ctx, SRR_E_NOMEM, "out of memory");
}

static int
cmp_seq(const void *a, const void *b)
{
	int64_t x = ((const struct bevent *)a)->seq, y = ((const struct bevent *)b)->seq;
	return x < y ? -1 : x > y;
}

struct bevent *
bv_event(const struct bv *v, int64_t seq)
{
	struct bevent key = { .seq = seq };
	return v->n_events ? bsearch(&key, v->events, v->n_events, sizeof(key), cmp_seq) : NULL;
}

/* The events any of events/ and proofs/ name, sorted by seq. */
static int
collect(struct bv *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->b.n_files; i++) {
		enum bkind k = v->b.files[i].kind;
		n += k == BK_LEAF || k == BK_EVENT_REC || k == BK_PROOF;
	}
	if (!(v->events = calloc(n ? n : 1, sizeof(*v->events))))
		return nomem(v);
	for (size_t i = 0; i < v->b.n_files; i++) {
		struct bfile *f = &v->b.files[i];
		if (f->kind != BK_LEAF && f->kind != BK_EVENT_REC && f->kind != BK_PROOF)
			continue;
		struct bevent *e = &v->events[v->n_events++];
		e->seq = f->id;
		*(f->kind == BK_LEAF	    ? &e->leaf_f
		  : f->kind == BK_EVENT_REC ? &e->rec_f
					    : &e->proof_f) = f;
	}
	qsort(v->events, v->n_events, sizeof(*v->events), cmp_seq);
	/* One entry per seq. */
	size_t out = 0;
	for (size_t i = 0; i < v->n_events; i++) {
		struct bevent *e = &v->events[i];
		if (out && v->events[out - 1].seq == e->seq) {
			struct bevent *m = &v->events[out - 1];
			m->leaf_f = m->leaf_f ? m->leaf_f : e->leaf_f;
			m->rec_f = m->rec_f ? m->rec_f : e->rec_f;
			m->proof_f = m->proof_f ? m->proof_f : e->proof_f;
		} else {
			v->events[out++] = *e;
		}
	}
	v->n_events = out;
	return 0;
}

/* events/<seq>.leaf: an event record of its own seq. 0 when it holds. */
static int
check_leaf(struct bv *v, struct bevent *e)
{
	struct bwhere w = { .event = e->seq };
	_cleanup_free_ char *data = NULL;
	size_t len;
	int rc = bundle_load(&v->b, e->leaf_f, &data, &len);
	struct srr_record *r = NULL;
	if (rc == 0)
		rc = bundle_parse(&v->b, &w, e->leaf_f->path, "event", data, len, &r);
	if (rc)
		return rc;
	const char *seq = srr_record_get(r, "seq");
	if (strtoll(seq, NULL, 10) != e->seq || strlen(seq) > 18) {
		bundle_report(&v->b, &w, 1, "event", "%s: its seq is %s: the leaf of another event",
			      e->leaf_f->path, seq);
		rc = 1;
	}
	e->entity = strdup(srr_record_get(r, "entity"));
	e->action = strdup(srr_record_get(r, "action"));
	snprintf(e->record_sha256, sizeof(e->record_sha256), "%s",
		 srr_record_get(r, "record-sha256"));
	srr_record_free(r);
	if (!e->entity || !e->action)
		return nomem(v);
	merkle_leaf_hash(e->leaf_hash, data, len);
	e->parsed = rc == 0;
	return rc;
}

/* events/<seq>.rec: a record whose SHA-256 the leaf names. */
static int
check_record(struct bv *v, struct bevent *e)
{
	struct bwhere w = { .event = e->seq };
	_cleanup_free_ char *data = NULL;
	size_t len;
	int rc = bundle_load(&v->b, e->rec_f, &data, &len);
	if (rc)
		return rc;
	char hex[65], why[256];
	bundle_sha256(hex, data, len);
	if (e->parsed && strcmp(hex, e->record_sha256) != 0) {
		bundle_report(&v->b, &w, 1, "event",
			      "%s: SHA-256 differs from the record-sha256 events/%lld.leaf names",
			      e->rec_f->path, (long long)e->seq);
		return 1;
	}
	struct srr_record *r;
	rc = srr_record_parse(&r, data, len, why, sizeof(why));
	if (rc == SRR_E_NOMEM)
		return nomem(v);
	if (rc) {
		bundle_report(&v->b, &w, 1, "record", "%s: not a canonical srr-record/1 record: %s",
			      e->rec_f->path, why);
		return 1;
	}
	srr_record_free(r);
	return 0;
}

static int
unhex(unsigned char *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned x;
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			return -1;
		out[i] = (unsigned char)x;
	}
	return 0;
}

/* Why the inclusion proof r fails for e, or NULL when it holds. */
static const char *
proof_fails(struct bv *v, const struct bevent *e, const struct srr_record *r, char *buf,
	    size_t size, int64_t *cp_id)
{
	long long seq = strtoll(srr_record_get(r, "seq"), NULL, 10);
	long long cpid = strtoll(srr_record_get(r, "checkpoint"), NULL, 10);
	long long tree = strtoll(srr_record_get(r, "tree-size"), NULL, 10);
	*cp_id = cpid;
	const struct bcp *cp = bv_checkpoint(v, cpid);
	if (seq != e->seq)
		snprintf(buf, size, "it is the proof of event %lld", seq);
	else if (!cp)
		snprintf(buf, size, "checkpoints/C-%lld.cp is not in the bundle", cpid);
	else if (!cp->good)
		snprintf(buf, size, "C-%lld does not verify", cpid);
	else if (tree != cp->body.size)
		snprintf(buf, size, "its tree-size is %lld, C-%lld signs %lld events", tree, cpid,
			 (long long)cp->body.size);
	else if (!e->parsed)
		snprintf(buf, size, "events/%lld.leaf is not its leaf", (long long)e->seq);
	else if (e->seq > tree)
		snprintf(buf, size, "C-%lld covers %lld events only", cpid, tree);
	else
		buf[0] = '\0';
	if (buf[0])
		return buf;
	size_t n = 0;
	for (size_t i = 0; i < srr_record_count(r); i++)
		n += strcmp(srr_record_name(r, i), "hash") == 0;
	merkle_hash *path = calloc(n ? n : 1, sizeof(*path));
	if (!path) {
		snprintf(buf, size, "out of memory");
		return buf;
	}
	for (size_t i = 0, k = 0; i < srr_record_count(r); i++)
		if (strcmp(srr_record_name(r, i), "hash") == 0)
			unhex(path[k++], srr_record_value(r, i), MERKLE_HASH_LEN);
	if (merkle_verify_inclusion((uint64_t)e->seq - 1, (uint64_t)tree, e->leaf_hash,
				    (const merkle_hash *)path, n, cp->body.root))
		snprintf(buf, size, "its hashes do not lead to C-%lld's root", cpid);
	free(path);
	return buf[0] ? buf : NULL;
}

static int
check_proof(struct bv *v, struct bevent *e)
{
	struct bwhere w = { .event = e->seq };
	_cleanup_free_ char *data = NULL;
	size_t len;
	int rc = bundle_load(&v->b, e->proof_f, &data, &len);
	struct srr_record *r = NULL;
	if (rc == 0)
		rc = bundle_parse(&v->b, &w, e->proof_f->path, "inclusion", data, len, &r);
	if (rc)
		return rc;
	v->b.res->proofs++;
	char why[BUNDLE_WHY_MAX];
	int64_t cp = 0;
	if (proof_fails(v, e, r, why, sizeof(why), &cp)) {
		w.checkpoint = cp;
		bundle_report(&v->b, &w, 1, "proof",
			      "%s: does not prove event %lld against C-%lld: %s", e->proof_f->path,
			      (long long)e->seq, (long long)cp, why);
		rc = 1;
	}
	srr_record_free(r);
	return rc;
}

static void
report_missing(struct bv *v, const struct bevent *e)
{
	struct bwhere w = { .event = e->seq };
	long long s = (long long)e->seq;
	const char *have = e->leaf_f  ? e->leaf_f->path
			   : e->rec_f ? e->rec_f->path
				      : e->proof_f->path;
	if (!e->leaf_f)
		bundle_report(&v->b, &w, 1, "event", "events/%lld.leaf is missing: %s is there", s,
			      have);
	if (!e->rec_f)
		bundle_report(&v->b, &w, 1, "event", "events/%lld.rec is missing: %s is there", s,
			      have);
	if (!e->proof_f)
		bundle_report(&v->b, &w, 1, "proof",
			      "proofs/%lld.proof is missing: events/%lld.leaf has no inclusion "
			      "proof",
			      s, s);
}

static int
cmp_entity(const void *a, const void *b)
{
	const struct bevent *x = *(struct bevent *const *)a, *y = *(struct bevent *const *)b;
	int c = strcmp(x->entity, y->entity);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
bv_events(struct bv *v)
{
	int rc = collect(v);
	for (size_t i = 0; rc >= 0 && i < v->n_events; i++) {
		struct bevent *e = &v->events[i];
		bool whole = e->leaf_f && e->rec_f && e->proof_f;
		if (!whole)
			report_missing(v, e);
		int bad = 0;
		if (e->leaf_f)
			bad |= rc = check_leaf(v, e);
		if (rc >= 0 && e->rec_f)
			bad |= rc = check_record(v, e);
		if (rc >= 0 && e->proof_f)
			bad |= rc = check_proof(v, e);
		e->proven = rc >= 0 && whole && !bad;
	}
	if (rc < 0)
		return rc;
	if (!(v->by_entity = calloc(v->n_events + 1, sizeof(*v->by_entity))))
		return nomem(v);
	for (size_t i = 0; i < v->n_events; i++)
		if (v->events[i].proven)
			v->by_entity[v->n_by_entity++] = &v->events[i];
	qsort(v->by_entity, v->n_by_entity, sizeof(*v->by_entity), cmp_entity);
	return 0;
}

const struct bevent *
bv_newest(const struct bv *v, const char *entity)
{
	/* The first index whose entity sorts after this one. */
	size_t lo = 0, hi = v->n_by_entity;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->by_entity[mid]->entity, entity) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && strcmp(v->by_entity[lo - 1]->entity, entity) == 0 ? v->by_entity[lo - 1]
									   : NULL;
}

int
bv_logs(const struct bv *v, const char *entity, const char *sha256)
{
	/* The first of entity's proven events. */
	size_t lo = 0, hi = v->n_by_entity;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->by_entity[mid]->entity, entity) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int found = -1;
	for (size_t i = lo; i < v->n_by_entity && strcmp(v->by_entity[i]->entity, entity) == 0;
	     i++) {
		if (strcmp(v->by_entity[i]->record_sha256, sha256) == 0)
			return 1;
		found = 0;
	}
	return found;
}

void
bv_events_release(struct bv *v)
{
	for (size_t i = 0; i < v->n_events; i++) {
		free(v->events[i].entity);
		free(v->events[i].action);
	}
	free(v->events);
	free(v->by_entity);
}

/* --- a full bundle's log -------------------------------------------------- */

struct replay {
	struct merkle_frontier tree;
	const struct bcp **cps; /* the good checkpoints, by size */
	size_t n_cps, next_cp;
	int64_t covered; /* events under the bundle's checkpoint */
	int64_t policy_seq;
	char policy_sha256[65];
};

static int
cmp_cp_size(const void *a, const void *b)
{
	const struct bcp *x = *(const struct bcp *const *)a, *y = *(const struct bcp *const *)b;
	return x->body.size < y->body.size ? -1 : x->body.size > y->body.size;
}

/* What the log says about the bundle's own files at leaf seq. */
static void
hold_event(struct bv *v, struct replay *r, int64_t seq, const merkle_hash h,
	   const struct srr_record *leaf)
{
	const char *entity = srr_record_get(leaf, "entity");
	const char *action = srr_record_get(leaf, "action");
	struct bevent *e = bv_event(v, seq);
	struct bwhere w = { .event = seq };
	if (e && e->parsed && memcmp(e->leaf_hash, h, MERKLE_HASH_LEN) != 0)
		bundle_report(&v->b, &w, 1, "event", "%s differs from leaf %lld of log/leaves",
			      e->leaf_f->path, (long long)seq);
	if (seq > r->covered)
		return;
	bool proved = strncmp(entity, "approval/", 9) == 0 || strncmp(entity, "review/", 7) == 0;
	if (proved && !(e && e->leaf_f))
		bundle_report(
			&v->b, &w, 1, "event",
			"events/%lld.leaf is missing: a full bundle proves every approval and "
			"review event, and C-%lld covers event %lld (%s %s)",
			(long long)seq, (long long)v->desc_cp, (long long)seq, action, entity);
	int64_t id;
	if (strcmp(action, "approval.request") == 0 && strncmp(entity, "approval/", 9) == 0 &&
	    bundle_parse_id(entity + 9, strlen(entity + 9), &id) && !bv_has_approval(v, id))
		bundle_report(&v->b, &w, 1, "approval",
			      "approvals/A-%lld.approval.rec is missing: C-%lld covers the request "
			      "(event %lld) and a full bundle holds every approval",
			      (long long)id, (long long)v->desc_cp, (long long)seq);
	if (strcmp(action, "policy.set") == 0) {
		r->policy_seq = seq;
		snprintf(r->policy_sha256, sizeof(r->policy_sha256), "%s",
			 srr_record_get(leaf, "record-sha256"));
	}
}

/* Leaf seq and its record: 0 when they hold, 1 when the log is broken
 * there (reported: the rest is not read). */
static int
replay_one(struct bv *v, struct replay *r, const struct bstream *ls, const char *leaf,
	   size_t leaf_len, const char *rec, size_t rec_len)
{
	int64_t seq = (int64_t)ls->n;
	struct bwhere w = { .event = seq };
	char why[256], hex[65];
	struct srr_record *ev;
	int rc = srr_record_parse(&ev, leaf, leaf_len, why, sizeof(why));
	if (rc == SRR_E_NOMEM)
		return nomem(v);
	if (rc || strcmp(srr_record_type(ev), "event") != 0) {
		if (rc == 0)
			snprintf(why, sizeof(why), "a %s record", srr_record_type(ev));
		bundle_report(&v->b, &w, 1, "log",
			      "log/leaves: leaf %lld (at byte %llu) is not an event record: %s",
			      (long long)seq, (unsigned long long)ls->offset, why);
		srr_record_free(ev);
		return 1;
	}
	const char *s = srr_record_get(ev, "seq");
	bool ok = false;
	bundle_sha256(hex, rec, rec_len);
	if (strtoll(s, NULL, 10) != seq || strlen(s) > 18)
		bundle_report(&v->b, &w, 1, "log",
			      "log/leaves: leaf %lld has seq %s: leaves are in log order, from 1",
			      (long long)seq, s);
	else if (strcmp(hex, srr_record_get(ev, "record-sha256")) != 0)
		bundle_report(&v->b, &w, 1, "log",
			      "log/records: record %lld is not the one leaf %lld names (SHA-256 "
			      "differs)",
			      (long long)seq, (long long)seq);
	else
		ok = true;
	if (!ok) {
		srr_record_free(ev);
		return 1;
	}
	merkle_hash h;
	merkle_leaf_hash(h, leaf, leaf_len);
	merkle_frontier_append(&r->tree, h, NULL, NULL);
	hold_event(v, r, seq, h, ev);
	srr_record_free(ev);
	for (; r->next_cp < r->n_cps && r->cps[r->next_cp]->body.size == seq; r->next_cp++) {
		const struct bcp *cp = r->cps[r->next_cp];
		merkle_hash root;
		merkle_frontier_root(&r->tree, root);
		if (memcmp(root, cp->body.root, MERKLE_HASH_LEN) != 0) {
			struct bwhere cw = { .event = seq, .checkpoint = cp->id };
			bundle_report(&v->b, &cw, 1, "checkpoint",
				      "%s: its root is not that of the first %lld leaves of "
				      "log/leaves",
				      cp->body_f->path, (long long)seq);
		}
	}
	return 0;
}

/* Once the whole log is read: what must match its length. */
static void
replay_end(struct bv *v, struct replay *r, int64_t n)
{
	v->b.res->events = n;
	if (v->have_desc && n != v->desc_events)
		bundle_report(&v->b, NULL, 1, "log",
			      "log/leaves: holds %lld events, bundle.rec says %lld", (long long)n,
			      (long long)v->desc_events);
	for (; r->next_cp < r->n_cps; r->next_cp++) {
		const struct bcp *cp = r->cps[r->next_cp];
		struct bwhere w = { .checkpoint = cp->id };
		bundle_report(&v->b, &w, 1, "checkpoint",
			      "%s: signs %lld events, log/leaves holds %lld", cp->body_f->path,
			      (long long)cp->body.size, (long long)n);
	}
	for (size_t i = 0; i < v->n_events; i++)
		if (v->events[i].seq > n && v->events[i].leaf_f) {
			struct bwhere w = { .event = v->events[i].seq };
			bundle_report(&v->b, &w, 1, "event",
				      "%s: log/leaves holds %lld events only",
				      v->events[i].leaf_f->path, (long long)n);
		}
	if (v->policy_sha256[0] && r->covered && !r->policy_seq)
		bundle_report(&v->b, NULL, 1, "policy",
			      "policy.rec: no policy.set event under C-%lld in log/leaves",
			      (long long)v->desc_cp);
	else if (v->policy_sha256[0] && r->policy_seq &&
		 strcmp(v->policy_sha256, r->policy_sha256) != 0)
		bundle_report(
			&v->b, NULL, 1, "policy",
			"policy.rec: not the policy in force: the last policy.set event under "
			"C-%lld (event %lld) logs another",
			(long long)v->desc_cp, (long long)r->policy_seq);
}

static int
replay_walk(struct bv *v, struct replay *r, struct bstream *ls, struct bstream *rs, bool *whole)
{
	char why[256];
	for (;;) {
		const char *leaf, *rec;
		size_t leaf_len, rec_len;
		int a = bundle_stream_next(ls, &leaf, &leaf_len, why, sizeof(why));
		if (a < 0) {
			bundle_report(&v->b, NULL, 1, "log", "log/leaves: after leaf %llu: %s",
				      (unsigned long long)ls->n, why);
			return 0;
		}
		int b = bundle_stream_next(rs, &rec, &rec_len, why, sizeof(why));
		if (b < 0) {
			bundle_report(&v->b, NULL, 1, "log", "log/records: after record %llu: %s",
				      (unsigned long long)rs->n, why);
			return 0;
		}
		if (a == 0 && b == 0) {
			*whole = true;
			return 0;
		}
		if (a == 0 || b == 0) {
			bundle_report(&v->b, NULL, 1, "log",
				      "log/%s holds %llu %s, log/%s more: one record per leaf",
				      a ? "records" : "leaves",
				      (unsigned long long)(a ? rs->n : ls->n),
				      a ? "records" : "leaves", a ? "leaves" : "records");
			return 0;
		}
		int rc = replay_one(v, r, ls, leaf, leaf_len, rec, rec_len);
		if (rc)
			return rc < 0 ? rc : 0;
	}
}

int
bv_replay(struct bv *v)
{
	struct bfile *lf = bundle_file(&v->b, "log/leaves"),
		     *rf = bundle_file(&v->b, "log/records");
	if (!lf)
		bundle_report(&v->b, NULL, 1, "log",
			      "log/leaves is missing: a full bundle holds the whole log");
	if (!rf)
		bundle_report(&v->b, NULL, 1, "log",
			      "log/records is missing: a full bundle holds the whole log");
	if (!lf || !rf)
		return 0;
	struct replay r = { 0 };
	merkle_frontier_init(&r.tree);
	if (!(r.cps = calloc(v->n_cps + 1, sizeof(*r.cps))))
		return nomem(v);
	for (size_t i = 0; i < v->n_cps; i++)
		if (v->cps[i].good)
			r.cps[r.n_cps++] = &v->cps[i];
	qsort(r.cps, r.n_cps, sizeof(*r.cps), cmp_cp_size);
	const struct bcp *cp = bv_checkpoint(v, v->desc_cp);
	r.covered = cp && cp->good ? cp->body.size : 0;
	struct bstream ls, rs;
	bool whole = false;
	int rc = bundle_stream_open(&v->b, lf, &ls);
	if (rc == 0) {
		rc = bundle_stream_open(&v->b, rf, &rs);
		if (rc == 0) {
			rc = replay_walk(v, &r, &ls, &rs, &whole);
			bundle_stream_close(&v->b, &rs, whole);
		}
		if (rc == 0 && whole)
			replay_end(v, &r, (int64_t)ls.n);
		bundle_stream_close(&v->b, &ls, whole);
	}
	free(r.cps);
	return rc < 0 ? rc : 0;
}
