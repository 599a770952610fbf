/* SPDX-License-Identifier: MIT */
#ifndef SRR_YAML_TREE_PRIVATE_H
#define SRR_YAML_TREE_PRIVATE_H

/* A small YAML document as a tree, for files that are small by nature (the
 * policy). Every node keeps its line and column for error messages. Aliases,
 * anchors on their own, tags other than the core ones, more than one document,
 * deep nesting and huge documents are refused: a policy needs none of them,
 * and each is a way to make a parser work without bound. */

#include <stddef.h>

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	unsigned line, col;   /* 1-based */
	char *value;	      /* Y_SCALAR */
	int plain;	      /* Y_SCALAR: unquoted (so "~" or "" may mean null) */
	size_t n;	      /* Y_SEQ items, Y_MAP pairs */
	struct ynode **items; /* Y_SEQ: n items; Y_MAP: 2n, key then value */
};

#define YAML_TREE_MAX_DEPTH 16
#define YAML_TREE_MAX_NODES 20000
#define YAML_TREE_MAX_BYTES (1u << 20)

/* Parse the file at path. On failure returns NULL and writes
 * "path:line:col: what" into err. */
struct ynode *ytree_load_file(const char *path, char *err, size_t errsz);
/* Same for a buffer; name is used in messages. */
struct ynode *ytree_load_buffer(const char *name, const char *buf, size_t len, char *err,
				size_t errsz);
void ytree_free(struct ynode *n);

/* The value of key in a map, or NULL. */
struct ynode *ytree_get(const struct ynode *map, const char *key);
const char *ytree_kind_name(enum ynode_kind kind);

#endif
