/* SPDX-License-Identifier: MIT */
/*
 * src/lib/merkle: RFC 9162 hashing, the frontier, the verifiers and the
 * streaming prover, against the published RFC 6962 vectors and the Python
 * reference's (tests/data/merkle/), and against the RFC's recursions
 * computed here from all the leaf hashes.
 */
#include <gnutls/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/merkle-private.h"
#include "util/cleanup.h"

/* C11 wants the cast from merkle_hash * (see merkle-private.h). */
#define CH(p)  ((const merkle_hash *)(p))
#define BIT(l) ((uint64_t)1 << (l))

/* ck_assert_msg without Check's bookkeeping on success (a write to its
 * pipe per call), which dominates loops over thousands of vectors. */
#define REQUIRE(cond, ...)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg(__VA_ARGS__);                                                 \
	} while (0)

static const char *const vector_files[] = { "vectors.txt", "generated.txt" };

/* ---- The vector files (format in tests/data/merkle/README.md) ---- */

struct proof_vec {
	uint64_t m, n; /* the index or old size, and the size */
	merkle_hash *h;
	size_t len;
};

struct vectors {
	merkle_hash *leaf; /* the leaves' hashes */
	size_t nleaves;
	merkle_hash *root; /* by size; has_root says which lines gave one */
	bool *has_root;
	size_t nroots, nroot_lines;
	struct proof_vec *incl, *cons;
	size_t nincl, ncons;
};

static void *
grow(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	ck_assert_ptr_nonnull(p);
	return p;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static size_t
unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = strlen(s);
	if (strcmp(s, "-") == 0)
		return 0;
	REQUIRE(n % 2 == 0 && n / 2 <= max, "bad hex '%s'", s);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
		REQUIRE(hi >= 0 && lo >= 0, "bad hex '%s'", s);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return n / 2;
}

static void
unhex_hash(const char *s, merkle_hash out)
{
	REQUIRE(unhex(s, out, MERKLE_HASH_LEN) == MERKLE_HASH_LEN, "not a hash: '%s'", s);
}

static char *
next_word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	char *e = w + strcspn(w, " \t");
	*s = *e ? e + 1 : e;
	*e = '\0';
	return w;
}

static uint64_t
parse_size(const char *w)
{
	char *end;
	unsigned long long v = strtoull(w, &end, 10);
	REQUIRE(*w && !*end, "bad number '%s'", w);
	return v;
}

/* "-" or comma-separated hashes. */
static void
parse_proof(struct proof_vec *p, char *text)
{
	p->h = NULL;
	p->len = 0;
	if (strcmp(text, "-") == 0)
		return;
	for (char *save = NULL, *w = strtok_r(text, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		p->h = grow(p->h, p->len + 1, sizeof(*p->h));
		unhex_hash(w, p->h[p->len++]);
	}
}

static void
add_leaf(struct vectors *v, const char *hex)
{
	unsigned char data[256];
	size_t len = unhex(hex, data, sizeof(data));
	v->leaf = grow(v->leaf, v->nleaves + 1, sizeof(*v->leaf));
	merkle_leaf_hash(v->leaf[v->nleaves++], data, len);
}

static void
add_root(struct vectors *v, uint64_t size, const char *hex)
{
	REQUIRE(size <= v->nleaves, "root of more leaves than given");
	if (v->nroots <= size) {
		v->root = grow(v->root, size + 1, sizeof(*v->root));
		v->has_root = grow(v->has_root, size + 1, sizeof(*v->has_root));
		memset(v->has_root + v->nroots, 0, (size + 1 - v->nroots) * sizeof(bool));
		v->nroots = size + 1;
	}
	unhex_hash(hex, v->root[size]);
	v->has_root[size] = true;
	v->nroot_lines++;
}

static void
add_proof(struct vectors *v, bool incl, char *rest)
{
	struct proof_vec **list = incl ? &v->incl : &v->cons;
	size_t *n = incl ? &v->nincl : &v->ncons;
	*list = grow(*list, *n + 1, sizeof(**list));
	struct proof_vec *p = &(*list)[(*n)++];
	p->m = parse_size(next_word(&rest));
	p->n = parse_size(next_word(&rest));
	REQUIRE(p->n <= v->nleaves, "proof for more leaves than given");
	parse_proof(p, next_word(&rest));
}

static void
parse_line(struct vectors *v, char *line)
{
	char *kind = next_word(&line);
	if (!*kind || *kind == '#')
		return;
	if (strcmp(kind, "leaf") == 0) {
		add_leaf(v, next_word(&line));
	} else if (strcmp(kind, "root") == 0) {
		uint64_t size = parse_size(next_word(&line));
		add_root(v, size, next_word(&line));
	} else if (strcmp(kind, "inclusion") == 0 || strcmp(kind, "consistency") == 0) {
		add_proof(v, kind[0] == 'i', line);
	} else {
		ck_abort_msg("unknown vector line '%s'", kind);
	}
}

static void
load(struct vectors *v, const char *name)
{
	const char *base = getenv("SRR_TEST_DATA");
	char path[4096];
	size_t len;

	ck_assert_msg(base && *base, "SRR_TEST_DATA is not set");
	snprintf(path, sizeof(path), "%s/merkle/%s", base, name);
	memset(v, 0, sizeof(*v));
	char *text = test_read_file(path, &len);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		parse_line(v, l);
	free(text);
	ck_assert_uint_gt(v->nleaves, 0);
	ck_assert_uint_gt(v->nincl, 0);
	ck_assert_uint_gt(v->ncons, 0);
}

static void
vectors_free(struct vectors *v)
{
	for (size_t i = 0; i < v->nincl; i++)
		free(v->incl[i].h);
	for (size_t i = 0; i < v->ncons; i++)
		free(v->cons[i].h);
	free(v->incl);
	free(v->cons);
	free(v->leaf);
	free(v->root);
	free(v->has_root);
}

static const unsigned char *
root_of(const struct vectors *v, uint64_t size)
{
	REQUIRE(size < v->nroots && v->has_root[size], "no root for size %llu",
		(unsigned long long)size);
	return v->root[size];
}

static void
assert_hash_eq(const merkle_hash got, const merkle_hash want, const char *what)
{
	REQUIRE(memcmp(got, want, MERKLE_HASH_LEN) == 0, "%s differs", what);
}

static void
assert_proof_eq(const merkle_hash *got, size_t got_len, const merkle_hash *want, size_t want_len,
		const char *what, uint64_t m, uint64_t n)
{
	REQUIRE(got_len == want_len, "%s %llu %llu: %zu hashes, want %zu", what,
		(unsigned long long)m, (unsigned long long)n, got_len, want_len);
	for (size_t i = 0; i < got_len; i++)
		REQUIRE(memcmp(got[i], want[i], MERKLE_HASH_LEN) == 0,
			"%s %llu %llu: hash %zu differs", what, (unsigned long long)m,
			(unsigned long long)n, i);
}

/* ---- The RFC's recursions, straight, over all the leaf hashes ---- */

/* level[l][i] is MTH of the perfect subtree of leaves [i << l, (i + 1) << l),
 * pairs hashed bottom up, so MTH of any range costs O(log n). */
struct ref {
	uint64_t n;
	merkle_hash *level[64];
	unsigned nlevels;
};

static void
ref_init(struct ref *r, const merkle_hash *leaves, uint64_t n)
{
	memset(r, 0, sizeof(*r));
	r->n = n;
	r->level[0] = grow(NULL, n ? n : 1, sizeof(merkle_hash));
	memcpy(r->level[0], leaves, n * sizeof(merkle_hash));
	for (r->nlevels = 1; n >> r->nlevels; r->nlevels++) {
		unsigned l = r->nlevels;
		r->level[l] = grow(NULL, n >> l, sizeof(merkle_hash));
		for (uint64_t i = 0; i < n >> l; i++)
			merkle_node_hash(r->level[l][i], r->level[l - 1][2 * i],
					 r->level[l - 1][2 * i + 1]);
	}
}

static void
ref_free(struct ref *r)
{
	for (unsigned l = 0; l < r->nlevels; l++)
		free(r->level[l]);
}

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t
ref_split(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

/* MTH(D[lo:hi]), RFC 9162 2.1.1. */
static void
ref_mth(const struct ref *r, uint64_t lo, uint64_t hi, merkle_hash out)
{
	uint64_t n = hi - lo;
	merkle_hash a, b;
	if (n == 0) {
		merkle_empty_root(out);
	} else if ((n & (n - 1)) == 0 && lo % n == 0) {
		unsigned l = (unsigned)__builtin_ctzll(n);
		memcpy(out, r->level[l][lo >> l], MERKLE_HASH_LEN);
	} else {
		uint64_t k = ref_split(n);
		ref_mth(r, lo, lo + k, a);
		ref_mth(r, lo + k, hi, b);
		merkle_node_hash(out, a, b);
	}
}

/* PATH(m, D[lo:hi]), RFC 9162 2.1.3.1; m counts from lo. */
static void
ref_path(const struct ref *r, uint64_t m, uint64_t lo, uint64_t hi, merkle_hash *out, size_t *len)
{
	if (hi - lo == 1)
		return;
	uint64_t k = ref_split(hi - lo);
	if (m < k) {
		ref_path(r, m, lo, lo + k, out, len);
		ref_mth(r, lo + k, hi, out[(*len)++]);
	} else {
		ref_path(r, m - k, lo + k, hi, out, len);
		ref_mth(r, lo, lo + k, out[(*len)++]);
	}
}

/* SUBPROOF(m, D[lo:hi], b), RFC 9162 2.1.4.1; m counts from lo. */
static void
ref_subproof(const struct ref *r, uint64_t m, uint64_t lo, uint64_t hi, bool b, merkle_hash *out,
	     size_t *len)
{
	if (m == hi - lo) {
		if (!b)
			ref_mth(r, lo, hi, out[(*len)++]);
		return;
	}
	uint64_t k = ref_split(hi - lo);
	if (m <= k) {
		ref_subproof(r, m, lo, lo + k, b, out, len);
		ref_mth(r, lo + k, hi, out[(*len)++]);
	} else {
		ref_subproof(r, m - k, lo + k, hi, false, out, len);
		ref_mth(r, lo, lo + k, out[(*len)++]);
	}
}

/* "leaf-0", "leaf-1", ... as the Python reference names them. */
static merkle_hash *
named_leaves(uint64_t n)
{
	merkle_hash *h = grow(NULL, n, sizeof(*h));
	for (uint64_t i = 0; i < n; i++) {
		char name[32];
		int len = snprintf(name, sizeof(name), "leaf-%llu", (unsigned long long)i);
		merkle_leaf_hash(h[i], name, (size_t)len);
	}
	return h;
}

/* ---- Hashes ---- */

static void
sha256_of(merkle_hash out, unsigned char prefix, const void *data, size_t len)
{
	unsigned char *buf = grow(NULL, len + 1, 1);
	buf[0] = prefix;
	memcpy(buf + 1, data, len);
	ck_assert_int_ge(gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, len + 1, out), 0);
	free(buf);
}

START_TEST(hash_known_answers)
{
	merkle_hash h, want, a, b;

	merkle_empty_root(h);
	unhex_hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	assert_hash_eq(h, want, "empty root");

	merkle_leaf_hash(a, "", 0);
	unhex_hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want);
	assert_hash_eq(a, want, "leaf hash of the empty leaf");
	merkle_leaf_hash(b, "\x00", 1);
	merkle_node_hash(h, a, b);
	unhex_hash("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", want);
	assert_hash_eq(h, want, "node hash");

	/* The output may be an input. */
	merkle_node_hash(a, a, b);
	assert_hash_eq(a, want, "node hash into its left input");
}
END_TEST

/* Leaves either side of the size merkle.c copies to the stack, and a long one. */
START_TEST(hash_leaf_lengths)
{
	static const size_t lens[] = { 1, 200, 1023, 1024, 1025, 4096, 100000 };
	unsigned char *data = grow(NULL, 100000, 1);
	merkle_hash got, want;

	for (size_t i = 0; i < 100000; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
		merkle_leaf_hash(got, data, lens[i]);
		sha256_of(want, 0x00, data, lens[i]);
		ck_assert_msg(memcmp(got, want, MERKLE_HASH_LEN) == 0, "leaf of %zu bytes",
			      lens[i]);
	}
	free(data);
}
END_TEST

/* ---- The frontier ---- */

START_TEST(frontier_roots)
{
	struct vectors v;
	struct merkle_frontier f;
	merkle_hash root;
	size_t checked = 0;

	load(&v, vector_files[_i]);
	merkle_frontier_init(&f);
	for (uint64_t size = 0;; size++) {
		ck_assert_uint_eq(f.size, size);
		if (size < v.nroots && v.has_root[size]) {
			merkle_frontier_root(&f, root);
			assert_hash_eq(root, v.root[size], "frontier root");
			checked++;
		}
		if (size == v.nleaves)
			break;
		merkle_frontier_append(&f, v.leaf[size], NULL, NULL);
	}
	ck_assert_uint_eq(checked, v.nroot_lines);
	vectors_free(&v);
}
END_TEST

struct recorder {
	const struct ref *ref;
	uint64_t end;	/* the end of the leaf being appended */
	unsigned calls; /* in this append */
	unsigned last_level;
	uint64_t per_level[64]; /* how many reported, per level */
};

static void
record_node(void *userdata, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct recorder *r = userdata;
	merkle_hash want;

	/* Bottom up, and each the subtree ending with the new leaf. */
	REQUIRE(level < 64 && level == (r->calls == 0 ? 0 : r->last_level + 1),
		"level %u out of order", level);
	REQUIRE(((index + 1) << level) == r->end, "subtree does not end with the new leaf");
	/* Counted per level, and each index reported once, in order. */
	REQUIRE(index == r->per_level[level], "level %u: index %llu out of order", level,
		(unsigned long long)index);
	r->per_level[level]++;
	ref_mth(r->ref, index << level, (index + 1) << level, want);
	assert_hash_eq(hash, want, "reported subtree");
	r->last_level = level;
	r->calls++;
}

/* Each append reports the perfect subtrees it completes, once each: the
 * leaf and one more per trailing one bit of its index. */
START_TEST(frontier_reports_each_subtree_once)
{
	const uint64_t n = 1037;
	merkle_hash *leaves = named_leaves(n);
	struct recorder rec = { 0 };
	struct merkle_frontier f;
	struct ref ref;

	ref_init(&ref, CH(leaves), n);
	rec.ref = &ref;
	merkle_frontier_init(&f);
	for (uint64_t i = 0; i < n; i++) {
		rec.end = i + 1;
		rec.calls = 0;
		merkle_frontier_append(&f, leaves[i], record_node, &rec);
		REQUIRE(rec.calls == 1 + (unsigned)__builtin_ctzll(i + 1), "append %llu: %u calls",
			(unsigned long long)i, rec.calls);
	}
	for (unsigned l = 0; l < 64; l++)
		ck_assert_uint_eq(rec.per_level[l], n >> l);
	ref_free(&ref);
	free(leaves);
}
END_TEST

static void
assert_decode_rejects(const unsigned char *buf, size_t len)
{
	struct merkle_frontier f, before;
	memset(&f, 0x5a, sizeof(f));
	before = f;
	REQUIRE(merkle_frontier_decode(&f, buf, len) == -1, "decoded %zu bytes", len);
	REQUIRE(memcmp(&f, &before, sizeof(f)) == 0, "a failed decode changed the frontier");
}

static void
assert_round_trip(const struct merkle_frontier *f)
{
	unsigned char buf[MERKLE_FRONTIER_MAX_ENCODED + 64], again[MERKLE_FRONTIER_MAX_ENCODED];
	struct merkle_frontier g;
	merkle_hash a, b;

	size_t len = merkle_frontier_encode(f, buf);
	REQUIRE(len == 8 + MERKLE_HASH_LEN * (size_t)__builtin_popcountll(f->size), "encoded %zu",
		len);
	REQUIRE(merkle_frontier_decode(&g, buf, len) == 0 && g.size == f->size, "decode");
	merkle_frontier_root(f, a);
	merkle_frontier_root(&g, b);
	assert_hash_eq(a, b, "decoded root");
	REQUIRE(merkle_frontier_encode(&g, again) == len && memcmp(buf, again, len) == 0,
		"encoded again differently");

	memset(buf + len, 0, sizeof(buf) - len);
	for (size_t bad = 0; bad < 8; bad++)
		assert_decode_rejects(buf, bad);
	assert_decode_rejects(buf, len - 1);
	assert_decode_rejects(buf, len + 1);
	assert_decode_rejects(buf, len + MERKLE_HASH_LEN);
	if (len > 8)
		assert_decode_rejects(buf, len - MERKLE_HASH_LEN);
}

/* Encode, decode, and go on appending to the decoded frontier: as the log
 * does across runs. */
START_TEST(frontier_encode_decode)
{
	const uint64_t n = 600;
	merkle_hash *leaves = named_leaves(n);
	struct merkle_frontier f, resumed;
	unsigned char buf[MERKLE_FRONTIER_MAX_ENCODED];
	merkle_hash a, b;

	merkle_frontier_init(&f);
	for (uint64_t i = 0; i <= n; i++) {
		assert_round_trip(&f);
		if (i % 37 == 0)
			REQUIRE(merkle_frontier_decode(&resumed, buf,
						       merkle_frontier_encode(&f, buf)) == 0,
				"decode");
		merkle_frontier_root(&f, a);
		merkle_frontier_root(&resumed, b);
		assert_hash_eq(a, b, "resumed frontier root");
		if (i < n) {
			merkle_frontier_append(&f, leaves[i], NULL, NULL);
			merkle_frontier_append(&resumed, leaves[i], NULL, NULL);
		}
	}
	free(leaves);
}
END_TEST

/* The largest tree: 64 hashes, the whole buffer; it takes no more leaves. */
START_TEST(frontier_full)
{
	unsigned char buf[MERKLE_FRONTIER_MAX_ENCODED], again[MERKLE_FRONTIER_MAX_ENCODED];
	struct merkle_frontier f;
	merkle_hash a, b;

	memset(buf, 0xff, 8);
	for (size_t i = 8; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	ck_assert_int_eq(merkle_frontier_decode(&f, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(f.size, UINT64_MAX);
	assert_round_trip(&f);
	merkle_frontier_root(&f, a);
	merkle_frontier_append(&f, a, NULL, NULL);
	ck_assert_uint_eq(f.size, UINT64_MAX);
	merkle_frontier_root(&f, b);
	assert_hash_eq(a, b, "root after a refused append");
	ck_assert_uint_eq(merkle_frontier_encode(&f, again), sizeof(buf));
	ck_assert(memcmp(buf, again, sizeof(buf)) == 0);
}
END_TEST

/* ---- The prover against the vectors ---- */

static long
granted(long slot)
{
	REQUIRE(slot >= 0, "the prover refused a want");
	return slot;
}

static bool
size_has_proofs(const struct vectors *v, uint64_t size)
{
	for (size_t i = 0; i < v->nincl; i++)
		if (v->incl[i].n == size)
			return true;
	for (size_t i = 0; i < v->ncons; i++)
		if (v->cons[i].n == size)
			return true;
	return false;
}

static void
check_prover_slot(const struct merkle_prover *p, long slot, const struct proof_vec *want,
		  const char *what)
{
	const merkle_hash *proof;
	size_t len;
	REQUIRE(merkle_prover_proof(p, slot, &proof, &len) == 0, "no proof");
	assert_proof_eq(proof, len, CH(want->h), want->len, what, want->m, want->n);
}

/* One prover per tree size, asked for every proof the vectors hold for it. */
static void
check_prover_size(const struct vectors *v, uint64_t size, long *slots_incl, long *slots_cons)
{
	struct merkle_prover *p;
	merkle_hash root;

	ck_assert_int_eq(merkle_prover_new(&p, size), 0);
	for (size_t i = 0; i < v->nincl; i++)
		if (v->incl[i].n == size)
			slots_incl[i] = granted(merkle_prover_want_inclusion(p, v->incl[i].m));
	for (size_t i = 0; i < v->ncons; i++)
		if (v->cons[i].n == size)
			slots_cons[i] = granted(merkle_prover_want_consistency(p, v->cons[i].m));
	for (uint64_t i = 0; i < size; i++)
		REQUIRE(merkle_prover_leaf(p, v->leaf[i]) == 0, "leaf");
	REQUIRE(merkle_prover_root(p, root) == 0, "root");
	assert_hash_eq(root, root_of(v, size), "prover root");
	for (size_t i = 0; i < v->nincl; i++)
		if (v->incl[i].n == size)
			check_prover_slot(p, slots_incl[i], &v->incl[i], "inclusion");
	for (size_t i = 0; i < v->ncons; i++) {
		if (v->cons[i].n != size)
			continue;
		check_prover_slot(p, slots_cons[i], &v->cons[i], "consistency");
		REQUIRE(merkle_prover_old_root(p, slots_cons[i], root) == 0, "old root");
		assert_hash_eq(root, root_of(v, v->cons[i].m), "prover old root");
	}
	merkle_prover_free(p);
}

START_TEST(prover_matches_vectors)
{
	struct vectors v;
	load(&v, vector_files[_i]);
	long *slots_incl = grow(NULL, v.nincl, sizeof(long));
	long *slots_cons = grow(NULL, v.ncons, sizeof(long));
	for (uint64_t size = 1; size <= v.nleaves; size++)
		if (size_has_proofs(&v, size))
			check_prover_size(&v, size, slots_incl, slots_cons);
	free(slots_incl);
	free(slots_cons);
	vectors_free(&v);
}
END_TEST

/* ---- The verifiers ---- */

/* memcpy, but an empty proof may be NULL. */
static void
copy_hashes(merkle_hash *dst, const merkle_hash *src, size_t n)
{
	if (n)
		memcpy(dst, src, n * sizeof(merkle_hash));
}

/* proof with extra at position at (0 .. len), in out (len + 1 hashes). */
static const merkle_hash *
with_inserted(merkle_hash *out, const merkle_hash *proof, size_t len, size_t at,
	      const merkle_hash extra)
{
	copy_hashes(out, proof, at);
	memcpy(out[at], extra, MERKLE_HASH_LEN);
	if (at < len)
		copy_hashes(out + at + 1, proof + at, len - at);
	return CH(out);
}

static void
garbage(merkle_hash out)
{
	memset(out, 0xab, MERKLE_HASH_LEN);
}

static void
assert_inclusion_exact(uint64_t index, uint64_t size, const merkle_hash leaf,
		       const merkle_hash *proof, size_t len, const merkle_hash root)
{
	merkle_hash bad[70], junk, empty, above;
	garbage(junk);
	merkle_empty_root(empty);
	merkle_node_hash(above, junk, root);

#define REJECT(i, s, l, p, n, r)                                                                   \
	REQUIRE(merkle_verify_inclusion(i, s, l, p, n, r) == -1, "inclusion %llu %llu: line %d",   \
		(unsigned long long)index, (unsigned long long)size, __LINE__)
	REQUIRE(merkle_verify_inclusion(index, size, leaf, proof, len, root) == 0,
		"inclusion %llu %llu fails", (unsigned long long)index, (unsigned long long)size);
	REJECT(index - 1, size, leaf, proof, len, root);
	REJECT(index + 1, size, leaf, proof, len, root);
	REJECT(index ^ 2, size, leaf, proof, len, root);
	REJECT(index, size * 2, leaf, proof, len, root);
	REJECT(index, size / 2, leaf, proof, len, root);
	REJECT(index, size, junk, proof, len, root);
	REJECT(index, size, leaf, proof, len, junk);
	REJECT(index, size, leaf, proof, len, empty);
	for (size_t i = 0; i < len; i++) {
		copy_hashes(bad, proof, len);
		bad[i][i % MERKLE_HASH_LEN] ^= (unsigned char)(1 << (i % 8));
		REJECT(index, size, leaf, CH(bad), len, root);
	}
	if (len > 0)
		REJECT(index, size, leaf, proof, len - 1, root);
	REJECT(index, size, leaf, with_inserted(bad, proof, len, len, junk), len + 1, root);
	REJECT(index, size, leaf, with_inserted(bad, proof, len, len, root), len + 1, root);
	/* Hashes past the top of the tree: their root is not this tree's. */
	REJECT(index, size, leaf, with_inserted(bad, proof, len, len, junk), len + 1, above);
	REJECT(index, size, leaf, with_inserted(bad, proof, len, 0, junk), len + 1, root);
	REJECT(index, size, leaf, with_inserted(bad, proof, len, 0, leaf), len + 1, root);
	if (len > 1)
		REJECT(index, size, leaf, with_inserted(bad, proof, len, 1, junk), len + 1, root);
#undef REJECT
}

static void
assert_consistency_rejects_trivial(uint64_t m, const merkle_hash root, const merkle_hash *proof,
				   size_t len)
{
	merkle_hash junk, one[1];
	garbage(junk);
	memcpy(one[0], root, MERKLE_HASH_LEN);
	/* No growth: the roots must agree and the proof be empty. */
	REQUIRE(merkle_verify_consistency(m, m, root, junk, proof, len) == -1, "other new root");
	REQUIRE(merkle_verify_consistency(m, m, junk, root, proof, len) == -1, "other old root");
	REQUIRE(merkle_verify_consistency(m, m, root, root, CH(one), 1) == -1, "non-empty proof");
}

static void
assert_consistency_exact(uint64_t m, uint64_t n, const merkle_hash r1, const merkle_hash r2,
			 const merkle_hash *proof, size_t len)
{
	merkle_hash bad[70], junk, above1, above2;
	garbage(junk);
	merkle_node_hash(above1, junk, r1);
	merkle_node_hash(above2, junk, r2);

#define REJECT(a, b, x, y, p, k)                                                                   \
	REQUIRE(merkle_verify_consistency(a, b, x, y, p, k) == -1,                                 \
		"consistency %llu %llu: line %d", (unsigned long long)m, (unsigned long long)n,    \
		__LINE__)
	REQUIRE(merkle_verify_consistency(m, n, r1, r2, proof, len) == 0,
		"consistency %llu %llu fails", (unsigned long long)m, (unsigned long long)n);
	if (len == 0) {
		assert_consistency_rejects_trivial(m, r1, proof, len);
		return;
	}
	REJECT(m - 1, n, r1, r2, proof, len);
	REJECT(m + 1, n, r1, r2, proof, len);
	REJECT(m ^ 2, n, r1, r2, proof, len);
	REJECT(m, n * 2, r1, r2, proof, len);
	REJECT(m, n / 2, r1, r2, proof, len);
	REJECT(m, n, junk, r2, proof, len);
	REJECT(m, n, r1, junk, proof, len);
	REJECT(m, n, r2, r1, proof, len);
	REJECT(m, n, r1, r2, proof, 0);
	REJECT(m, n, r1, r2, proof, len - 1);
	for (size_t i = 0; i < len; i++) {
		copy_hashes(bad, proof, len);
		bad[i][(i + 5) % MERKLE_HASH_LEN] ^= (unsigned char)(0x80 >> (i % 8));
		REJECT(m, n, r1, r2, CH(bad), len);
	}
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, len, junk), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, len, r1), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, len, r2), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, len, proof[len - 1]), len + 1);
	REJECT(m, n, r1, above2, with_inserted(bad, proof, len, len, junk), len + 1);
	REJECT(m, n, above1, above2, with_inserted(bad, proof, len, len, junk), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, 0, junk), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, 0, r1), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, 0, r2), len + 1);
	REJECT(m, n, r1, r2, with_inserted(bad, proof, len, 0, proof[0]), len + 1);
#undef REJECT
}

START_TEST(verify_vectors)
{
	struct vectors v;
	load(&v, vector_files[_i]);
	for (size_t i = 0; i < v.nincl; i++) {
		const struct proof_vec *p = &v.incl[i];
		assert_inclusion_exact(p->m, p->n, v.leaf[p->m], CH(p->h), p->len,
				       root_of(&v, p->n));
	}
	for (size_t i = 0; i < v.ncons; i++) {
		const struct proof_vec *p = &v.cons[i];
		assert_consistency_exact(p->m, p->n, root_of(&v, p->m), root_of(&v, p->n), CH(p->h),
					 p->len);
	}
	vectors_free(&v);
}
END_TEST

START_TEST(verify_malformed)
{
	merkle_hash h, empty, junk, proof[3];
	garbage(junk);
	merkle_empty_root(empty);
	merkle_leaf_hash(h, "data", 4);
	memset(proof, 0x11, sizeof(proof));

	/* A one-leaf tree: its root is the leaf hash, the proof empty. */
	ck_assert_int_eq(merkle_verify_inclusion(0, 1, h, NULL, 0, h), 0);
	ck_assert_int_eq(merkle_verify_inclusion(0, 1, h, NULL, 0, junk), -1);
	ck_assert_int_eq(merkle_verify_inclusion(0, 0, h, NULL, 0, h), -1);
	ck_assert_int_eq(merkle_verify_inclusion(1, 1, h, NULL, 0, h), -1);
	ck_assert_int_eq(merkle_verify_inclusion(2, 1, h, NULL, 0, h), -1);
	ck_assert_int_eq(merkle_verify_inclusion(0, 0, empty, NULL, 0, empty), -1);
	ck_assert_int_eq(merkle_verify_inclusion(BIT(63), UINT64_MAX, h, CH(proof), 3, h), -1);
	ck_assert_int_eq(merkle_verify_inclusion(UINT64_MAX, UINT64_MAX, h, CH(proof), 3, h), -1);

	/* From the empty tree: only with the empty root and no proof. */
	ck_assert_int_eq(merkle_verify_consistency(0, 0, empty, empty, NULL, 0), 0);
	ck_assert_int_eq(merkle_verify_consistency(0, 5, empty, junk, NULL, 0), 0);
	ck_assert_int_eq(merkle_verify_consistency(0, 5, junk, junk, NULL, 0), -1);
	ck_assert_int_eq(merkle_verify_consistency(0, 5, empty, junk, CH(proof), 1), -1);
	ck_assert_int_eq(merkle_verify_consistency(0, 0, empty, empty, CH(&empty), 1), -1);
	/* Back in time, or growth with no proof. */
	ck_assert_int_eq(merkle_verify_consistency(1, 0, h, empty, NULL, 0), -1);
	ck_assert_int_eq(merkle_verify_consistency(2, 1, h, h, NULL, 0), -1);
	ck_assert_int_eq(merkle_verify_consistency(1, 2, h, junk, NULL, 0), -1);
	ck_assert_int_eq(merkle_verify_consistency(1, 1, h, h, NULL, 0), 0);
	ck_assert_int_eq(
		merkle_verify_consistency(UINT64_MAX - 1, UINT64_MAX, h, junk, CH(proof), 3), -1);
	ck_assert_int_eq(merkle_verify_consistency(BIT(62), UINT64_MAX, h, junk, CH(proof), 3), -1);
}
END_TEST

/* ---- The prover against the recursions, many wants at once ---- */

static void
check_prover_against_ref(const struct merkle_prover *p, const struct ref *ref, const long *incl,
			 const long *cons)
{
	merkle_hash want[70], root;
	const merkle_hash *proof;
	size_t len, want_len;

	for (uint64_t i = 0; i < ref->n; i++) {
		want_len = 0;
		ref_path(ref, i, 0, ref->n, want, &want_len);
		REQUIRE(merkle_prover_proof(p, incl[i], &proof, &len) == 0, "no proof");
		assert_proof_eq(proof, len, CH(want), want_len, "inclusion", i, ref->n);
	}
	for (uint64_t m = 1; m <= ref->n; m++) {
		want_len = 0;
		ref_subproof(ref, m, 0, ref->n, true, want, &want_len);
		REQUIRE(merkle_prover_proof(p, cons[m - 1], &proof, &len) == 0, "no proof");
		assert_proof_eq(proof, len, CH(want), want_len, "consistency", m, ref->n);
		ref_mth(ref, 0, m, want[0]);
		REQUIRE(merkle_prover_old_root(p, cons[m - 1], root) == 0, "no old root");
		assert_hash_eq(root, want[0], "old root");
	}
}

/* Every inclusion proof and every consistency proof of a tree of 1037
 * leaves (1024 + 8 + 4 + 1: several frontier levels) from one pass. */
START_TEST(prover_all_proofs)
{
	const uint64_t n = 1037;
	merkle_hash *leaves = named_leaves(n);
	long *incl = grow(NULL, n, sizeof(long)), *cons = grow(NULL, n, sizeof(long));
	struct merkle_prover *p;
	struct ref ref;
	merkle_hash root, want;

	ref_init(&ref, CH(leaves), n);
	ck_assert_int_eq(merkle_prover_new(&p, n), 0);
	for (uint64_t i = 0; i < n; i++) {
		incl[i] = granted(merkle_prover_want_inclusion(p, i));
		cons[i] = granted(merkle_prover_want_consistency(p, i + 1));
	}
	for (uint64_t i = 0; i < n; i++)
		REQUIRE(merkle_prover_leaf(p, leaves[i]) == 0, "leaf");
	ck_assert_int_eq(merkle_prover_root(p, root), 0);
	ref_mth(&ref, 0, n, want);
	assert_hash_eq(root, want, "root");
	check_prover_against_ref(p, &ref, incl, cons);
	merkle_prover_free(p);
	ref_free(&ref);
	free(leaves);
	free(incl);
	free(cons);
}
END_TEST

/* The order of the calls, and what each refuses. */
START_TEST(prover_protocol)
{
	struct merkle_prover *p;
	const merkle_hash *proof;
	merkle_hash h, root;
	size_t len;

	/* The empty tree: nothing to want, the root at once. */
	ck_assert_int_eq(merkle_prover_new(&p, 0), 0);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, 0), -1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 0), -1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 1), -1);
	merkle_leaf_hash(h, "a", 1);
	ck_assert_int_eq(merkle_prover_leaf(p, h), -1);
	ck_assert_int_eq(merkle_prover_root(p, root), 0);
	merkle_empty_root(h);
	assert_hash_eq(root, h, "empty prover root");
	ck_assert_int_eq(merkle_prover_proof(p, 0, &proof, &len), -1);
	merkle_prover_free(p);

	/* Two leaves. */
	ck_assert_int_eq(merkle_prover_new(&p, 2), 0);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, 2), -1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 3), -1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 0), -1);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, 1), 0);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 2), 1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 1), 2);
	ck_assert_int_eq(merkle_prover_proof(p, 0, &proof, &len), -1);
	ck_assert_int_eq(merkle_prover_root(p, root), -1);
	ck_assert_int_eq(merkle_prover_old_root(p, 1, root), -1);
	merkle_leaf_hash(h, "a", 1);
	ck_assert_int_eq(merkle_prover_leaf(p, h), 0);
	/* Too late to ask: the first leaf may have been needed. */
	ck_assert_int_eq(merkle_prover_want_inclusion(p, 0), -1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, 1), -1);
	ck_assert_int_eq(merkle_prover_proof(p, 0, &proof, &len), -1);
	ck_assert_int_eq(merkle_prover_leaf(p, h), 0);
	ck_assert_int_eq(merkle_prover_leaf(p, h), -1);

	ck_assert_int_eq(merkle_prover_proof(p, 0, &proof, &len), 0);
	ck_assert_uint_eq(len, 1);
	assert_hash_eq(proof[0], h, "sibling");
	ck_assert_int_eq(merkle_prover_proof(p, 1, &proof, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(merkle_prover_old_root(p, 2, root), 0);
	assert_hash_eq(root, h, "old root of one leaf");
	ck_assert_int_eq(merkle_prover_old_root(p, 0, root), -1);
	ck_assert_int_eq(merkle_prover_proof(p, 3, &proof, &len), -1);
	ck_assert_int_eq(merkle_prover_proof(p, -1, &proof, &len), -1);
	merkle_prover_free(p);
	merkle_prover_free(NULL);
}
END_TEST

/* Asking costs memory by the proof, not by the tree: a tree of 2^40 leaves
 * takes its wants at once (it is never fed). */
START_TEST(prover_huge_size)
{
	struct merkle_prover *p;
	const merkle_hash *proof;
	size_t len;

	ck_assert_int_eq(merkle_prover_new(&p, BIT(40) + 3), 0);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, BIT(39) + 5), 0);
	ck_assert_int_eq(merkle_prover_want_consistency(p, BIT(40) - 1), 1);
	ck_assert_int_eq(merkle_prover_want_consistency(p, BIT(40) + 3), 2);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, BIT(40) + 3), -1);
	ck_assert_int_eq(merkle_prover_proof(p, 0, &proof, &len), -1);
	merkle_prover_free(p);

	ck_assert_int_eq(merkle_prover_new(&p, UINT64_MAX), 0);
	ck_assert_int_eq(merkle_prover_want_inclusion(p, UINT64_MAX - 1), 0);
	ck_assert_int_eq(merkle_prover_want_consistency(p, BIT(63) + 1), 1);
	merkle_prover_free(p);
}
END_TEST

static Suite *
merkle_suite(void)
{
	Suite *s = suite_create("merkle");
	TCase *tc = tcase_create("hash");
	tcase_add_test(tc, hash_known_answers);
	tcase_add_test(tc, hash_leaf_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("frontier");
	tcase_add_loop_test(tc, frontier_roots, 0, ARRAY_LEN(vector_files));
	tcase_add_test(tc, frontier_reports_each_subtree_once);
	tcase_add_test(tc, frontier_encode_decode);
	tcase_add_test(tc, frontier_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("verify");
	tcase_add_loop_test(tc, verify_vectors, 0, ARRAY_LEN(vector_files));
	tcase_add_test(tc, verify_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("prover");
	tcase_add_loop_test(tc, prover_matches_vectors, 0, ARRAY_LEN(vector_files));
	tcase_add_test(tc, prover_all_proofs);
	tcase_add_test(tc, prover_protocol);
	tcase_add_test(tc, prover_huge_size);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(merkle_suite());
}
