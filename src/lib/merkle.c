/* SPDX-License-Identifier: MIT */
/*
 * The log's Merkle tree (RFC 9162 2.1): hashing, the right frontier the log
 * keeps to append in O(log n), proof verification, and a prover that makes
 * inclusion and consistency proofs in one pass over the leaf hashes.
 */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "list-private.h"
#include "merkle-private.h"

/* Leaves up to this size are hashed from one stack buffer with the prefix
 * byte in front: one gnutls_hash_fast call measured faster than a hash
 * handle fed the prefix and the leaf separately. */
#define LEAF_COPY_MAX 1024

#define BIT(l) ((uint64_t)1 << (l))

static void
sha256(merkle_hash out, const void *data, size_t len)
{
	/* SHA-256 fails only in a broken GnuTLS; a zero hash then makes every
	 * proof fail instead of leaving out undefined. */
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out) < 0)
		memset(out, 0, MERKLE_HASH_LEN);
}

static void
sha256_prefixed(merkle_hash out, unsigned char prefix, const void *data, size_t len)
{
	gnutls_hash_hd_t h;
	int err = gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
	if (err < 0) {
		memset(out, 0, MERKLE_HASH_LEN);
		return;
	}
	err = gnutls_hash(h, &prefix, 1);
	if (err >= 0)
		err = gnutls_hash(h, data, len);
	gnutls_hash_deinit(h, err >= 0 ? out : NULL);
	if (err < 0)
		memset(out, 0, MERKLE_HASH_LEN);
}

void
merkle_leaf_hash(merkle_hash out, const void *leaf, size_t len)
{
	unsigned char buf[1 + LEAF_COPY_MAX];
	if (len > LEAF_COPY_MAX) {
		sha256_prefixed(out, 0x00, leaf, len);
		return;
	}
	buf[0] = 0x00;
	if (len)
		memcpy(buf + 1, leaf, len);
	sha256(out, buf, 1 + len);
}

void
merkle_node_hash(merkle_hash out, const merkle_hash left, const merkle_hash right)
{
	unsigned char buf[1 + 2 * MERKLE_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	sha256(out, buf, sizeof(buf));
}

void
merkle_empty_root(merkle_hash out)
{
	sha256(out, "", 0);
}

void
merkle_frontier_init(struct merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

void
merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf_hash, merkle_node_fn fn,
		       void *userdata)
{
	uint64_t index = f->size;
	unsigned level = 0;
	merkle_hash h;

	if (index == UINT64_MAX)
		return;
	memcpy(h, leaf_hash, MERKLE_HASH_LEN);
	if (fn)
		fn(userdata, 0, index, h);
	/* As in binary addition: each set low bit of the size is a subtree
	 * of that level waiting for a right sibling, which the carry brings. */
	while (index & BIT(level)) {
		merkle_node_hash(h, f->h[level], h);
		level++;
		if (fn)
			fn(userdata, level, index >> level, h);
	}
	memcpy(f->h[level], h, MERKLE_HASH_LEN);
	f->size++;
}

/* The root of the tree made of the frontier's subtrees of the levels below
 * `below`: MTH of the leaves [size with those bits cleared, size). Some such
 * bit must be set. */
static void
frontier_fold(const struct merkle_frontier *f, unsigned below, merkle_hash out)
{
	uint64_t bits = below >= 64 ? f->size : f->size & (BIT(below) - 1);

	memcpy(out, f->h[__builtin_ctzll(bits)], MERKLE_HASH_LEN);
	for (bits &= bits - 1; bits; bits &= bits - 1)
		merkle_node_hash(out, f->h[__builtin_ctzll(bits)], out);
}

void
merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out)
{
	if (f->size == 0)
		merkle_empty_root(out);
	else
		frontier_fold(f, 64, out);
}

size_t
merkle_frontier_encode(const struct merkle_frontier *f, unsigned char *buf)
{
	size_t n = 8;
	for (unsigned i = 0; i < 8; i++)
		buf[i] = (unsigned char)(f->size >> (56 - 8 * i));
	for (unsigned l = 64; l-- > 0;) {
		if (f->size & BIT(l)) {
			memcpy(buf + n, f->h[l], MERKLE_HASH_LEN);
			n += MERKLE_HASH_LEN;
		}
	}
	return n;
}

int
merkle_frontier_decode(struct merkle_frontier *f, const unsigned char *buf, size_t len)
{
	uint64_t size = 0;
	if (len < 8)
		return -1;
	for (unsigned i = 0; i < 8; i++)
		size = size << 8 | buf[i];
	if (len != 8 + (size_t)__builtin_popcountll(size) * MERKLE_HASH_LEN)
		return -1;
	merkle_frontier_init(f);
	f->size = size;
	buf += 8;
	for (unsigned l = 64; l-- > 0;) {
		if (size & BIT(l)) {
			memcpy(f->h[l], buf, MERKLE_HASH_LEN);
			buf += MERKLE_HASH_LEN;
		}
	}
	return 0;
}

static bool
hash_eq(const merkle_hash a, const merkle_hash b)
{
	return memcmp(a, b, MERKLE_HASH_LEN) == 0;
}

/* The step both RFC 9162 verifiers take after hashing in a left sibling:
 * climb past the levels where the node is a right child with no sibling. */
static void
skip_lone_levels(uint64_t *fn, uint64_t *sn)
{
	while (!(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int
merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf_hash,
			const merkle_hash *proof, size_t proof_len, const merkle_hash root)
{
	uint64_t fn = index, sn = size - 1;
	merkle_hash r;

	if (index >= size)
		return -1;
	memcpy(r, leaf_hash, MERKLE_HASH_LEN);
	for (size_t i = 0; i < proof_len; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(r, proof[i], r);
			skip_lone_levels(&fn, &sn);
		} else {
			merkle_node_hash(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && hash_eq(r, root) ? 0 : -1;
}

/* The trivial cases of a consistency proof: an empty old tree, or no
 * growth. Both need an empty proof and say nothing the roots do not. */
static int
verify_consistency_trivial(uint64_t old_size, const merkle_hash old_root,
			   const merkle_hash new_root, size_t proof_len)
{
	merkle_hash empty;
	if (proof_len != 0)
		return -1;
	if (old_size == 0) {
		merkle_empty_root(empty);
		return hash_eq(old_root, empty) ? 0 : -1;
	}
	return hash_eq(old_root, new_root) ? 0 : -1;
}

int
merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const merkle_hash old_root,
			  const merkle_hash new_root, const merkle_hash *proof, size_t proof_len)
{
	if (old_size > new_size)
		return -1;
	if (old_size == 0 || old_size == new_size)
		return verify_consistency_trivial(old_size, old_root, new_root, proof_len);
	if (proof_len == 0)
		return -1;

	/* When the old tree is a perfect subtree of the new one, its root
	 * is the proof's implicit first element. */
	bool perfect = (old_size & (old_size - 1)) == 0;
	const unsigned char *c = perfect ? old_root : proof[0];
	size_t i = perfect ? 0 : 1;
	uint64_t fn = old_size - 1, sn = new_size - 1;
	merkle_hash fr, sr;

	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, MERKLE_HASH_LEN);
	memcpy(sr, c, MERKLE_HASH_LEN);
	for (; i < proof_len; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(fr, proof[i], fr);
			merkle_node_hash(sr, proof[i], sr);
			skip_lone_levels(&fn, &sn);
		} else {
			merkle_node_hash(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && hash_eq(fr, old_root) && hash_eq(sr, new_root) ? 0 : -1;
}

/*
 * The prover. Every element of a proof (RFC 9162 2.1.3.1 PATH, 2.1.4.1
 * SUBPROOF) is the root of a range of leaves [start, end) that is either a
 * perfect subtree (a power of two long, aligned to its length) or ends at
 * the tree's size and starts on a boundary of its final frontier: the right
 * part of a split is one or the other, and a left part or the last SUBPROOF
 * element is always perfect. So the wants plan their ranges up front; the
 * perfect ones are caught from the frontier's node callback as they
 * complete, the others folded from the final frontier. The old root of a
 * consistency want is the fold of the old size's frontier subtrees, which
 * are perfect too and caught the same way.
 */

struct range {
	uint64_t start, end;
};

struct want {
	size_t first;	      /* its first range (and hash) in p->ranges (p->hashes) */
	unsigned char nproof; /* the proof's ranges, in proof order */
	unsigned char nold;   /* then the old tree's frontier subtrees, left to right */
	bool consistency;
	merkle_hash old_root;
};

/* A perfect subtree some range needs, by the end of its leaves and level. */
struct node {
	uint64_t end;
	unsigned level;
	merkle_hash hash;
};

struct merkle_prover {
	uint64_t size;
	struct merkle_frontier f;
	struct want *wants;
	size_t nwants, capwants;
	struct range *ranges;
	size_t nranges, capranges;
	/* Made at the first leaf: sorted in the order the frontier completes
	 * them, (end, level), without duplicates; next is the first not yet
	 * caught. hashes holds one per range, filled after the last leaf. */
	struct node *nodes;
	size_t nnodes, next;
	merkle_hash *hashes;
	bool planned;
};

int
merkle_prover_new(struct merkle_prover **out, uint64_t size)
{
	struct merkle_prover *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->size = size;
	merkle_frontier_init(&p->f);
	*out = p;
	return 0;
}

void
merkle_prover_free(struct merkle_prover *p)
{
	if (!p)
		return;
	free(p->wants);
	free(p->ranges);
	free(p->nodes);
	free(p->hashes);
	free(p);
}

/* Largest power of two strictly less than n (n >= 2): the RFC's split. */
static uint64_t
split_of(uint64_t n)
{
	return BIT(63 - __builtin_clzll(n - 1));
}

/* PATH(m, D[0:n]) as ranges, top down (the proof lists them bottom up). */
static size_t
plan_inclusion(struct range *r, uint64_t m, uint64_t n)
{
	uint64_t lo = 0, hi = n;
	size_t k = 0;
	while (hi - lo > 1) {
		uint64_t mid = lo + split_of(hi - lo);
		if (m < mid) {
			r[k++] = (struct range){ mid, hi };
			hi = mid;
		} else {
			r[k++] = (struct range){ lo, mid };
			lo = mid;
		}
	}
	return k;
}

/* SUBPROOF(m, D[0:n], true) as ranges, top down. Invariant lo < m <= hi,
 * so the loop ends with m == hi; whole is the RFC's b, true while [lo, hi)
 * still starts at the old tree's start. */
static size_t
plan_consistency(struct range *r, uint64_t m, uint64_t n)
{
	uint64_t lo = 0, hi = n;
	bool whole = true;
	size_t k = 0;
	while (m != hi) {
		uint64_t mid = lo + split_of(hi - lo);
		if (m <= mid) {
			r[k++] = (struct range){ mid, hi };
			hi = mid;
		} else {
			r[k++] = (struct range){ lo, mid };
			lo = mid;
			whole = false;
		}
	}
	if (!whole)
		r[k++] = (struct range){ lo, hi };
	return k;
}

static int
range_push(struct merkle_prover *p, uint64_t start, uint64_t end)
{
	struct range *r = list_push(&p->ranges, p->nranges, &p->capranges, sizeof(*r));
	if (!r)
		return -1;
	*r = (struct range){ start, end };
	p->nranges++;
	return 0;
}

/* Push the proof's ranges in proof order, then for a consistency want the
 * old tree's frontier subtrees; roll back on failure. */
static long
want_add(struct merkle_prover *p, const struct range *top_down, size_t n, uint64_t old_size)
{
	size_t first = p->nranges;
	uint64_t start = 0;
	struct want *w;

	for (size_t i = n; i-- > 0;)
		if (range_push(p, top_down[i].start, top_down[i].end) < 0)
			goto fail;
	for (unsigned l = 64; l-- > 0;) {
		if (!(old_size & BIT(l)))
			continue;
		if (range_push(p, start, start + BIT(l)) < 0)
			goto fail;
		start += BIT(l);
	}
	if (p->nwants >= LONG_MAX)
		goto fail;
	w = list_push(&p->wants, p->nwants, &p->capwants, sizeof(*w));
	if (!w)
		goto fail;
	*w = (struct want){ .first = first,
			    .nproof = (unsigned char)n,
			    .nold = (unsigned char)(p->nranges - first - n),
			    .consistency = old_size != 0 };
	return (long)p->nwants++;
fail:
	p->nranges = first;
	return -1;
}

long
merkle_prover_want_inclusion(struct merkle_prover *p, uint64_t index)
{
	struct range r[64];
	if (p->planned || index >= p->size)
		return -1;
	return want_add(p, r, plan_inclusion(r, index, p->size), 0);
}

long
merkle_prover_want_consistency(struct merkle_prover *p, uint64_t old_size)
{
	struct range r[66];
	if (p->planned || old_size == 0 || old_size > p->size)
		return -1;
	return want_add(p, r, plan_consistency(r, old_size, p->size), old_size);
}

static bool
range_perfect(const struct range *r)
{
	uint64_t len = r->end - r->start;
	return (len & (len - 1)) == 0 && (r->start & (len - 1)) == 0;
}

static int
node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->level > y->level) - (x->level < y->level);
}

/* The distinct perfect subtrees among the ranges, into p->nodes (room for
 * nranges), sorted in the order the frontier completes them. */
static size_t
collect_nodes(struct merkle_prover *p)
{
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < p->nranges; i++) {
		const struct range *r = &p->ranges[i];
		if (range_perfect(r))
			p->nodes[n++] = (struct node){
				.end = r->end, .level = (unsigned)__builtin_ctzll(r->end - r->start)
			};
	}
	if (n)
		qsort(p->nodes, n, sizeof(*p->nodes), node_cmp);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || node_cmp(&p->nodes[kept - 1], &p->nodes[i]) != 0)
			p->nodes[kept++] = p->nodes[i];
	return kept;
}

/* At the first leaf: the perfect subtrees to catch, and room for hashes. */
static int
plan(struct merkle_prover *p)
{
	if (p->nranges) {
		p->nodes = calloc(p->nranges, sizeof(*p->nodes));
		p->hashes = calloc(p->nranges, sizeof(*p->hashes));
		if (!p->nodes || !p->hashes) {
			free(p->nodes);
			free(p->hashes);
			p->nodes = NULL;
			p->hashes = NULL;
			return -1;
		}
	}
	p->nnodes = collect_nodes(p);
	if (p->nnodes > 0 && p->nnodes < p->nranges) {
		struct node *fewer = realloc(p->nodes, p->nnodes * sizeof(*p->nodes));
		p->nodes = fewer ? fewer : p->nodes;
	}
	p->planned = true;
	return 0;
}

static void
catch_node(void *userdata, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct merkle_prover *p = userdata;
	struct node *n;

	/* Subtrees complete in increasing (end, level) and every wanted one
	 * completes, so only the next wanted node can be this one. */
	if (p->next == p->nnodes)
		return;
	n = &p->nodes[p->next];
	if (n->level == level && n->end == (index + 1) << level) {
		memcpy(n->hash, hash, MERKLE_HASH_LEN);
		p->next++;
	}
}

/* folds[j] is the root of the final frontier's subtrees below level j:
 * the hash of each range ending at the size that is not a perfect subtree,
 * computed once for all of them. */
static void
frontier_folds(const struct merkle_frontier *f, merkle_hash folds[65])
{
	memset(folds[0], 0, MERKLE_HASH_LEN);
	for (unsigned l = 0; l < 64; l++) {
		if (!(f->size & BIT(l)))
			memcpy(folds[l + 1], folds[l], MERKLE_HASH_LEN);
		else if (f->size & (BIT(l) - 1))
			merkle_node_hash(folds[l + 1], f->h[l], folds[l]);
		else
			memcpy(folds[l + 1], f->h[l], MERKLE_HASH_LEN);
	}
}

static void
range_hash(const struct merkle_prover *p, merkle_hash folds[65], const struct range *r,
	   merkle_hash out)
{
	if (range_perfect(r)) {
		struct node key = { .end = r->end,
				    .level = (unsigned)__builtin_ctzll(r->end - r->start) };
		const struct node *n =
			bsearch(&key, p->nodes, p->nnodes, sizeof(*p->nodes), node_cmp);
		memcpy(out, n->hash, MERKLE_HASH_LEN);
	} else {
		/* Ends at the size, starts on a frontier boundary. */
		memcpy(out, folds[64 - __builtin_clzll(p->size - r->start)], MERKLE_HASH_LEN);
	}
}

/* After the last leaf: every range's hash, and the old roots. */
static void
fill(struct merkle_prover *p)
{
	merkle_hash folds[65];

	frontier_folds(&p->f, folds);
	for (size_t i = 0; i < p->nwants; i++) {
		struct want *w = &p->wants[i];
		size_t end = w->first + w->nproof + w->nold;
		for (size_t j = w->first; j < end; j++)
			range_hash(p, folds, &p->ranges[j], p->hashes[j]);
		if (!w->consistency)
			continue;
		memcpy(w->old_root, p->hashes[end - 1], MERKLE_HASH_LEN);
		for (size_t j = end - 1; j-- > w->first + w->nproof;)
			merkle_node_hash(w->old_root, p->hashes[j], w->old_root);
	}
}

int
merkle_prover_leaf(struct merkle_prover *p, const merkle_hash leaf_hash)
{
	if (p->f.size >= p->size)
		return -1;
	if (!p->planned && plan(p) < 0)
		return -1;
	merkle_frontier_append(&p->f, leaf_hash, p->next < p->nnodes ? catch_node : NULL, p);
	if (p->f.size == p->size)
		fill(p);
	return 0;
}

static const struct want *
done_want(const struct merkle_prover *p, long slot)
{
	if (p->f.size != p->size || slot < 0 || (size_t)slot >= p->nwants)
		return NULL;
	return &p->wants[slot];
}

int
merkle_prover_proof(const struct merkle_prover *p, long slot, const merkle_hash **proof,
		    size_t *len)
{
	const struct want *w = done_want(p, slot);
	if (!w)
		return -1;
	*proof = w->nproof ? (const merkle_hash *)&p->hashes[w->first] : NULL;
	*len = w->nproof;
	return 0;
}

int
merkle_prover_root(const struct merkle_prover *p, merkle_hash out)
{
	if (p->f.size != p->size)
		return -1;
	merkle_frontier_root(&p->f, out);
	return 0;
}

int
merkle_prover_old_root(const struct merkle_prover *p, long slot, merkle_hash out)
{
	const struct want *w = done_want(p, slot);
	if (!w || !w->consistency)
		return -1;
	memcpy(out, w->old_root, MERKLE_HASH_LEN);
	return 0;
}
