/* SPDX-License-Identifier: MIT */
#ifndef SRR_YAML_STREAM_PRIVATE_H
#define SRR_YAML_STREAM_PRIVATE_H

/* A YAML file of any size whose root is a mapping with one key holding a
 * list (srr import's "suppliers:"), read item by item: each item of the
 * list becomes a small tree (yaml-tree-private.h's nodes, in an arena)
 * while the caller works on the one before. libyaml's event parser runs on
 * a thread of its own, a few items ahead; memory holds those few items,
 * whatever the file's size.
 *
 * The reader checks UTF-8 and counts lines as the bytes go by, and refuses
 * to feed libyaml more than YSTREAM_VALUE_MAX bytes between two events
 * (libyaml holds a whole scalar in memory before it reports it). Anchors,
 * aliases, tags other than the core ones, keys given twice, nesting deeper
 * than YSTREAM_DEPTH_MAX and items of more than YSTREAM_ITEM_NODES_MAX
 * nodes are refused. The first error ends the stream. */

#include <stdbool.h>
#include <stdio.h>

#include "yaml-tree-private.h"

#define YSTREAM_VALUE_MAX      (1u << 20)
#define YSTREAM_DEPTH_MAX      16
#define YSTREAM_ITEM_NODES_MAX 200000

struct ystream;

struct ystream_error {
	unsigned line, col; /* 1-based */
	bool nomem;	    /* not the file's fault */
	char msg[256];
};

/* Start reading in; list_key names the root mapping's only key. Returns
 * false (out of memory, or no thread) with nothing started. */
bool ystream_open(struct ystream **out, FILE *in, const char *list_key);

enum ystream_next {
	YSTREAM_ITEM,  /* *item is the next item, valid until the next call */
	YSTREAM_END,   /* the file ended well */
	YSTREAM_ERROR, /* *err says what and where; nothing follows */
};
enum ystream_next ystream_next(struct ystream *s, const struct ynode **item,
			       struct ystream_error *err);

/* Stop reading (if it has not ended) and free everything. */
void ystream_close(struct ystream *s);

#endif
