#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent reference for srr's Merkle tree (src/lib/merkle.c).

Written straight from the recursive definitions of RFC 9162 section 2.1
(the same as RFC 6962 2.1): MTH, PATH, PROOF/SUBPROOF, and the two
verification algorithms, with hashlib's SHA-256. Nothing here is shared with
the C code. The format of the vector files is in README.md.

  reference.py check vectors.txt       reproduce the published RFC 6962
                                       vectors (exit 1 on any difference)
  reference.py generate > generated.txt
"""

import hashlib
import sys


def sha256(data):
    return hashlib.sha256(data).digest()


def split(n):
    """The largest power of two strictly less than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Tree:
    """The list D of leaves; ranges D[lo:hi] are written (lo, hi)."""

    def __init__(self, leaves):
        self.leaves = leaves
        self.cache = {}  # MTH of ranges of two leaves or more: only speed

    def mth(self, lo, hi):
        """MTH(D[lo:hi]), RFC 9162 2.1.1."""
        n = hi - lo
        if n == 0:
            return sha256(b"")
        if n == 1:
            return sha256(b"\x00" + self.leaves[lo])
        if (lo, hi) not in self.cache:
            k = split(n)
            self.cache[(lo, hi)] = sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))
        return self.cache[(lo, hi)]

    def path(self, m, lo, hi):
        """PATH(m, D[lo:hi]), RFC 9162 2.1.3.1; m counts from lo."""
        n = hi - lo
        if n == 1:
            return []
        k = split(n)
        if m < k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def proof(self, m, n):
        """PROOF(m, D[0:n]), RFC 9162 2.1.4.1."""
        return self.subproof(m, 0, n, True)

    def subproof(self, m, lo, hi, b):
        """SUBPROOF(m, D[lo:hi], b); m counts from lo."""
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = split(n)
        if m <= k:
            return self.subproof(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]


def node(left, right):
    return sha256(b"\x01" + left + right)


def verify_inclusion(index, size, leaf_hash, path, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    """RFC 9162 2.1.4.2, for 0 < first < second."""
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


def hexlist(hashes):
    return ",".join(h.hex() for h in hashes) if hashes else "-"


def unhexlist(text):
    return [] if text == "-" else [bytes.fromhex(h) for h in text.split(",")]


def check(path):
    """Compare every line of a vector file with what Tree computes."""
    leaves, bad, count = [], 0, 0
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "leaf":
                leaves.append(b"" if words[1] == "-" else bytes.fromhex(words[1]))
                continue
            tree = Tree(leaves)
            if words[0] == "root":
                ok = tree.mth(0, int(words[1])) == bytes.fromhex(words[2])
            elif words[0] == "inclusion":
                m, n, want = int(words[1]), int(words[2]), unhexlist(words[3])
                ok = tree.path(m, 0, n) == want and verify_inclusion(
                    m, n, tree.mth(m, m + 1), want, tree.mth(0, n))
            elif words[0] == "consistency":
                m, n, want = int(words[1]), int(words[2]), unhexlist(words[3])
                ok = tree.proof(m, n) == want and (m == n or verify_consistency(
                    m, n, tree.mth(0, m), tree.mth(0, n), want))
            else:
                raise SystemExit(f"{path}:{lineno}: unknown line '{words[0]}'")
            count += 1
            if not ok:
                print(f"{path}:{lineno}: differs: {line.strip()}", file=sys.stderr)
                bad += 1
    print(f"{count - bad} passed, {bad} failed")
    return bad == 0


# The larger sizes: either side of powers of two, and one of several bits.
LARGE_SIZES = [127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 1100]
SMALL_MAX = 33


def sampled(size):
    """Indices (for inclusion) and old sizes (for consistency) to try in a
    large tree: the ends, the thirds and both sides of each power of two."""
    picks = {0, 1, 2, size // 3, size // 2, 2 * size // 3, size - 2, size - 1, size}
    p = 1
    while p <= size:
        picks |= {p - 1, p, p + 1}
        p *= 2
    return sorted(x for x in picks if 0 <= x <= size)


def generate(out):
    leaves = [b"leaf-%d" % i for i in range(max(LARGE_SIZES))]
    tree = Tree(leaves)
    w = out.write
    w("# Generated by reference.py (RFC 9162 2.1 recursions); see README.md.\n")
    w(f'# {len(leaves)} leaves "leaf-0".."leaf-{len(leaves) - 1}"; roots of every size;\n')
    w(f"# every inclusion and consistency proof of sizes 1..{SMALL_MAX}; sampled ones\n")
    w(f"# of sizes {', '.join(map(str, LARGE_SIZES))}.\n")
    for leaf in leaves:
        w(f"leaf {leaf.hex()}\n")
    for n in range(len(leaves) + 1):
        w(f"root {n} {tree.mth(0, n).hex()}\n")
    for n in list(range(1, SMALL_MAX + 1)) + LARGE_SIZES:
        picks = range(n + 1) if n <= SMALL_MAX else sampled(n)
        for m in (x for x in picks if x < n):
            w(f"inclusion {m} {n} {hexlist(tree.path(m, 0, n))}\n")
        for m in (x for x in picks if x >= 1):
            w(f"consistency {m} {n} {hexlist(tree.proof(m, n))}\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        return 0 if check(argv[2]) else 1
    if len(argv) == 2 and argv[1] == "generate":
        generate(sys.stdout)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
