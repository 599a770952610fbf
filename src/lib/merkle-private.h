/* SPDX-License-Identifier: MIT */
#ifndef SRR_MERKLE_PRIVATE_H
#define SRR_MERKLE_PRIVATE_H

/* The log's Merkle tree, as RFC 9162 section 2.1 (and RFC 6962 2.1) define
 * it: SHA-256, leaf hash H(0x00 || leaf), node hash H(0x01 || left || right),
 * split at the largest power of two strictly less than the size. Pure code:
 * no I/O, no SQLite, no globals; log.c stores what these compute.
 * Test vectors and their sources: tests/data/merkle/. */

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN 32
typedef unsigned char merkle_hash[MERKLE_HASH_LEN];

/* out may be the same array as any input. */
void merkle_leaf_hash(merkle_hash out, const void *leaf, size_t len);
void merkle_node_hash(merkle_hash out, const merkle_hash left, const merkle_hash right);
/* SHA-256 of the empty string: the root of a tree of no leaves. */
void merkle_empty_root(merkle_hash out);

/* The right frontier (compact range) of a tree of `size` leaves: h[l] is the
 * root of the perfect subtree of 2^l leaves ending the tree's
 * leftmost-remaining part, valid exactly when bit l of size is set.
 * Appending is O(log n) hashes worst
 * case, amortised O(1). */
struct merkle_frontier {
	uint64_t size;
	merkle_hash h[64];
};

/* Called for every perfect subtree an append completes, bottom up (level 0
 * is the leaf itself): index is its position among the subtrees of that
 * level (leaf index >> level). Over a run of appends the calls come in
 * increasing order of (end of the subtree's range, level). */
typedef void (*merkle_node_fn)(void *userdata, unsigned level, uint64_t index,
			       const merkle_hash hash);

void merkle_frontier_init(struct merkle_frontier *f);
/* fn may be NULL. A tree holds at most UINT64_MAX leaves: an append to a
 * full one changes nothing. */
void merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf_hash,
			    merkle_node_fn fn, void *userdata);
void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out);

/* Persisted form: 8-byte big-endian size, then the hashes of the set bits
 * from the highest level down (32 bytes each). */
#define MERKLE_FRONTIER_MAX_ENCODED (8 + 64 * MERKLE_HASH_LEN)
/* Returns the number of bytes written to buf (MERKLE_FRONTIER_MAX_ENCODED
 * bytes at least). */
size_t merkle_frontier_encode(const struct merkle_frontier *f, unsigned char *buf);
/* 0, or -1 when len does not match the size the buffer starts with (f is
 * then untouched). */
int merkle_frontier_decode(struct merkle_frontier *f, const unsigned char *buf, size_t len);

/* RFC 9162 2.1.3.2 and 2.1.4.2: 0 when the proof holds, -1 when it does not
 * or is malformed (wrong length, index >= size, old size > new size, ...).
 * old_size 0 holds only with an empty proof and old_root the empty root;
 * old_size == new_size only with an empty proof and equal roots.
 * A proof of merkle_hash * needs a cast to const merkle_hash *: C11 does
 * not convert pointers to arrays of different qualification. */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf_hash,
			    const merkle_hash *proof, size_t proof_len, const merkle_hash root);
int merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const merkle_hash old_root,
			      const merkle_hash new_root, const merkle_hash *proof,
			      size_t proof_len);

/* Proofs for a tree of `size` leaves, made in one streaming pass over the
 * leaf hashes in order, in memory proportional to the number of proofs asked
 * for times log(size), never to size. Ask first (every want before the
 * first leaf), then feed every leaf hash 0..size-1, then read the proofs. */
struct merkle_prover;

/* 0, or -1 when out of memory. */
int merkle_prover_new(struct merkle_prover **out, uint64_t size);
/* A slot number >= 0, or -1 (index >= size, a leaf already fed, out of memory). */
long merkle_prover_want_inclusion(struct merkle_prover *p, uint64_t index);
/* old_size in 1..size (size gives an empty proof); a slot or -1 as above. */
long merkle_prover_want_consistency(struct merkle_prover *p, uint64_t old_size);
/* 0, or -1 when fed more than size leaves or out of memory (the leaf is then
 * not taken: it may be fed again). Without wants it just computes the root. */
int merkle_prover_leaf(struct merkle_prover *p, const merkle_hash leaf_hash);
/* After exactly size leaves: the proof of a slot (borrowed: valid until
 * merkle_prover_free; NULL when empty). -1 before that or for a bad slot. */
int merkle_prover_proof(const struct merkle_prover *p, long slot, const merkle_hash **proof,
			size_t *len);
int merkle_prover_root(const struct merkle_prover *p, merkle_hash out);
/* The root the tree had when it held old_size leaves, for a consistency
 * slot; -1 for an inclusion slot or before the last leaf. */
int merkle_prover_old_root(const struct merkle_prover *p, long slot, merkle_hash out);
void merkle_prover_free(struct merkle_prover *p);

#endif
