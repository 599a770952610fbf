/* SPDX-License-Identifier: MIT */
/*
 * A bounded YAML tree built from libyaml's event parser.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/cleanup.h"
#include "util/text.h"
#include "yaml-tree-private.h"

struct builder {
	yaml_parser_t parser;
	const char *name;
	char *err;
	size_t errsz;
	size_t nodes;
};

__attribute__((format(printf, 4, 5))) static void
fail(struct builder *b, unsigned line, unsigned col, const char *fmt, ...)
{
	if (!b->err || !b->errsz)
		return;
	int n = snprintf(b->err, b->errsz, "%s:%u:%u: ", b->name, line, col);
	if (n < 0 || (size_t)n >= b->errsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errsz - (size_t)n, fmt, ap);
	va_end(ap);
}

void
ytree_free(struct ynode *n)
{
	if (!n)
		return;
	size_t count = n->kind == Y_MAP ? 2 * n->n : n->kind == Y_SEQ ? n->n : 0;
	for (size_t i = 0; i < count; i++)
		ytree_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

static bool
next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return true;
	const yaml_parser_t *p = &b->parser;
	fail(b, (unsigned)p->problem_mark.line + 1, (unsigned)p->problem_mark.column + 1, "%s%s%s",
	     p->problem ? p->problem : "YAML syntax error", p->context ? " " : "",
	     p->context ? p->context : "");
	return false;
}

static struct ynode *
new_node(struct builder *b, enum ynode_kind kind, const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;
	if (++b->nodes > YAML_TREE_MAX_NODES) {
		fail(b, line, col, "document has more than %d nodes", YAML_TREE_MAX_NODES);
		return NULL;
	}
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n) {
		fail(b, line, col, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static struct ynode *parse_node(struct builder *b, yaml_event_t *ev, int depth);

static struct ynode *
parse_collection(struct builder *b, yaml_event_t *start, enum ynode_kind kind, int depth)
{
	struct ynode *n = new_node(b, kind, start);
	if (!n)
		return NULL;
	yaml_event_type_t end = kind == Y_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	struct ynode *key = NULL;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(b, &ev))
			goto error;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return n;
		}
		struct ynode *child = parse_node(b, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!child)
			goto error;
		if (kind == Y_SEQ) {
			struct ynode **items = realloc(n->items, (n->n + 1) * sizeof(*items));
			if (!items) {
				ytree_free(child);
				goto error;
			}
			n->items = items;
			n->items[n->n++] = child;
			continue;
		}
		if (!key) {
			if (child->kind != Y_SCALAR) {
				fail(b, child->line, child->col, "a mapping key must be a scalar");
				ytree_free(child);
				goto error;
			}
			if (ytree_get(n, child->value)) {
				fail(b, child->line, child->col, "duplicate key '%s'",
				     child->value);
				ytree_free(child);
				goto error;
			}
			key = child;
			continue;
		}
		struct ynode **items = realloc(n->items, (2 * n->n + 2) * sizeof(*items));
		if (!items) {
			ytree_free(child);
			goto error;
		}
		n->items = items;
		n->items[2 * n->n] = key;
		n->items[2 * n->n + 1] = child;
		n->n++;
		key = NULL;
	}
error:
	ytree_free(key);
	ytree_free(n);
	return NULL;
}

static struct ynode *
parse_node(struct builder *b, yaml_event_t *ev, int depth)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;
	if (depth > YAML_TREE_MAX_DEPTH) {
		fail(b, line, col, "nested deeper than %d levels", YAML_TREE_MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		fail(b, line, col, "aliases are not allowed");
		return NULL;
	case YAML_SCALAR_EVENT: {
		if (ev->data.scalar.anchor) {
			fail(b, line, col, "anchors are not allowed");
			return NULL;
		}
		const char *v = (const char *)ev->data.scalar.value;
		size_t len = ev->data.scalar.length;
		if (strlen(v) != len) {
			fail(b, line, col, "NUL character in a scalar");
			return NULL;
		}
		struct ynode *n = new_node(b, Y_SCALAR, ev);
		if (!n)
			return NULL;
		n->value = strdup(v);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (!n->value) {
			fail(b, line, col, "out of memory");
			ytree_free(n);
			return NULL;
		}
		return n;
	}
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor) {
			fail(b, line, col, "anchors are not allowed");
			return NULL;
		}
		return parse_collection(b, ev, Y_SEQ, depth);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor) {
			fail(b, line, col, "anchors are not allowed");
			return NULL;
		}
		return parse_collection(b, ev, Y_MAP, depth);
	default:
		fail(b, line, col, "unexpected YAML event");
		return NULL;
	}
}

struct ynode *
ytree_load_buffer(const char *name, const char *buf, size_t len, char *err, size_t errsz)
{
	struct builder b = { .name = name, .err = err, .errsz = errsz };
	if (err && errsz)
		err[0] = '\0';
	if (len > YAML_TREE_MAX_BYTES) {
		fail(&b, 1, 1, "file is larger than %u bytes", YAML_TREE_MAX_BYTES);
		return NULL;
	}
	if (!utf8_valid(buf, len)) {
		/* Name the line: count up to the first bad byte. */
		size_t good = utf8_valid_prefix(buf, len);
		unsigned line = 1, col = 1;
		for (size_t i = 0; i < good; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		fail(&b, line, col, "invalid UTF-8");
		return NULL;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		fail(&b, 1, 1, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	struct ynode *root = NULL;
	yaml_event_t ev;
	bool ok = true;
	/* STREAM-START, DOCUMENT-START, node, DOCUMENT-END, STREAM-END */
	while (ok && next_event(&b, &ev)) {
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT && root) {
			fail(&b, (unsigned)ev.start_mark.line + 1,
			     (unsigned)ev.start_mark.column + 1,
			     "only one YAML document is allowed");
			ok = false;
		} else if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
			   t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
			root = parse_node(&b, &ev, 0);
			ok = root != NULL;
		}
		yaml_event_delete(&ev);
	}
	if (ok && b.err && b.err[0])
		ok = false;
	yaml_parser_delete(&b.parser);
	if (!ok) {
		ytree_free(root);
		return NULL;
	}
	if (!root)
		fail(&b, 1, 1, "empty document");
	return root;
}

struct ynode *
ytree_load_file(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		if (cap > YAML_TREE_MAX_BYTES) {
			free(buf);
			fclose(f);
			snprintf(err, errsz, "%s:1:1: file is larger than %u bytes", path,
				 YAML_TREE_MAX_BYTES);
			return NULL;
		}
		cap *= 2;
		char *grown = realloc(buf, cap);
		if (!grown) {
			free(buf);
			buf = NULL;
		} else {
			buf = grown;
		}
	}
	bool read_error = ferror(f);
	fclose(f);
	if (!buf || read_error) {
		snprintf(err, errsz, "%s: %s", path, buf ? "read error" : "out of memory");
		free(buf);
		return NULL;
	}
	struct ynode *root = ytree_load_buffer(path, buf, len, err, errsz);
	free(buf);
	return root;
}

struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->value, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

const char *
ytree_kind_name(enum ynode_kind kind)
{
	switch (kind) {
	case Y_SCALAR:
		return "a scalar";
	case Y_SEQ:
		return "a list";
	case Y_MAP:
		return "a mapping";
	}
	return "?";
}
