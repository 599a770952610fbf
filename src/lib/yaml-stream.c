/* SPDX-License-Identifier: MIT */
/*
 * A big YAML list read item by item, libyaml on a thread of its own
 * (yaml-stream-private.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/arena.h"
#include "util/cleanup.h"
#include "yaml-stream-private.h"

/* Items the reader may be ahead of the caller: enough to keep both busy,
 * few enough that memory stays small. */
#define QUEUE_LEN 16

struct slot {
	enum ystream_next kind;
	struct arena arena;
	struct ynode *root;
};

struct ystream {
	FILE *in;
	const char *list_key;
	yaml_parser_t parser;
	/* What was handed to libyaml: how many bytes, up to where (line and
	 * column in characters, as libyaml counts them), a UTF-8 sequence cut
	 * by the chunk's end, and what went wrong in the handler. */
	uint64_t fed;
	uint64_t fed_at_event;
	unsigned line, col;
	unsigned char carry[4];
	size_t n_carry;
	bool eof;
	char reader_error[160];
	unsigned err_line, err_col;
	/* The item being built. */
	struct arena *arena;
	size_t nodes;
	/* The first error; the reader stops there. */
	bool failed;
	struct ystream_error error;
	/* Items from the reader thread to the caller. */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct slot slots[QUEUE_LEN];
	size_t head, count;
	bool stop;	/* the caller wants no more */
	struct slot *held; /* the item the caller holds */
};

__attribute__((format(printf, 4, 5))) static void
fail(struct ystream *ys, unsigned line, unsigned col, const char *fmt, ...)
{
	if (ys->failed)
		return;
	ys->failed = true;
	ys->error.line = line;
	ys->error.col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ys->error.msg, sizeof(ys->error.msg), fmt, ap);
	va_end(ap);
}

#define fail_at(ys, node, ...) fail((ys), (node)->line, (node)->col, __VA_ARGS__)

static void
nomem(struct ystream *ys)
{
	fail(ys, ys->line, ys->col, "out of memory");
	ys->error.nomem = true;
}

/* ---- reading ----------------------------------------------------------- */

/* Length of the UTF-8 sequence led by c, 0 if c cannot lead one. */
static size_t
utf8_lead(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Check buf[0..n) (whole sequences, but the last may be cut) and count
 * lines; returns how many bytes are whole, or SIZE_MAX after an error. */
static size_t
reader_scan(struct ystream *ys, const unsigned char *buf, size_t n, bool last)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = buf[i];
		if (c == '\n') {
			ys->line++;
			ys->col = 1;
			i++;
			continue;
		}
		if (c >= 0x20 && c < 0x80) {
			ys->col++;
			i++;
			continue;
		}
		if (c == 0) {
			snprintf(ys->reader_error, sizeof(ys->reader_error),
				 "NUL byte (the file must be UTF-8 text)");
			goto bad;
		}
		size_t len = utf8_lead(c);
		if (len == 0)
			goto invalid;
		if (i + len > n) {
			if (last)
				goto invalid;
			return i; /* cut: the rest comes with the next chunk */
		}
		for (size_t k = 1; k < len; k++)
			if ((buf[i + k] & 0xc0) != 0x80)
				goto invalid;
		/* Overlong, surrogate and past-U+10FFFF forms. */
		if ((c == 0xe0 && buf[i + 1] < 0xa0) || (c == 0xed && buf[i + 1] > 0x9f) ||
		    (c == 0xf0 && buf[i + 1] < 0x90) || (c == 0xf4 && buf[i + 1] > 0x8f))
			goto invalid;
		ys->col++;
		i += len;
	}
	return n;
invalid:
	snprintf(ys->reader_error, sizeof(ys->reader_error),
		 "invalid UTF-8 (byte 0x%02x; the file must be UTF-8)", buf[i]);
bad:
	ys->err_line = ys->line;
	ys->err_col = ys->col;
	return SIZE_MAX;
}

static int
read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	struct ystream *ys = data;
	*size_read = 0;
	if (ys->reader_error[0])
		return 0;
	if (ys->fed - ys->fed_at_event > YSTREAM_VALUE_MAX) {
		snprintf(ys->reader_error, sizeof(ys->reader_error),
			 "a value longer than %u bytes follows", YSTREAM_VALUE_MAX);
		ys->err_line = ys->err_line ? ys->err_line : 1;
		return 0;
	}
	if (ys->eof && ys->n_carry == 0)
		return 1; /* size_read 0: the end */
	size_t have = ys->n_carry;
	memcpy(buffer, ys->carry, have);
	ys->n_carry = 0;
	if (!ys->eof && size > have) {
		size_t got = fread(buffer + have, 1, size - have, ys->in);
		if (got == 0) {
			if (ferror(ys->in)) {
				snprintf(ys->reader_error, sizeof(ys->reader_error),
					 "reading the file: %s", strerror(errno));
				ys->err_line = ys->line;
				ys->err_col = ys->col;
				return 0;
			}
			ys->eof = true;
		}
		have += got;
	}
	size_t whole = reader_scan(ys, buffer, have, ys->eof);
	if (whole == SIZE_MAX)
		return 0;
	ys->n_carry = have - whole;
	memcpy(ys->carry, buffer + whole, ys->n_carry);
	*size_read = whole;
	ys->fed += whole;
	if (whole == 0 && !ys->eof)
		return read_handler(data, buffer, size, size_read); /* only a cut sequence */
	return 1;
}

/* The next event; on a syntax or reader error, reports it and fails. */
static bool
next_event(struct ystream *ys, yaml_event_t *ev)
{
	if (yaml_parser_parse(&ys->parser, ev)) {
		ys->fed_at_event = ys->fed;
		ys->err_line = (unsigned)ev->end_mark.line + 1;
		ys->err_col = (unsigned)ev->end_mark.column + 1;
		return true;
	}
	const yaml_parser_t *p = &ys->parser;
	if (ys->reader_error[0]) {
		fail(ys, ys->err_line, ys->err_col, "%s", ys->reader_error);
	} else if (p->error == YAML_MEMORY_ERROR) {
		nomem(ys);
	} else {
		const yaml_mark_t *m = p->error == YAML_READER_ERROR ? &p->mark : &p->problem_mark;
		fail(ys, (unsigned)m->line + 1, (unsigned)m->column + 1, "%s%s%s",
		     p->problem ? p->problem : "YAML syntax error", p->context ? " " : "",
		     p->context ? p->context : "");
	}
	return false;
}

/* ---- one item as a tree -------------------------------------------------- */

static struct ynode *
new_node(struct ystream *ys, enum ynode_kind kind, const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;
	if (++ys->nodes > YSTREAM_ITEM_NODES_MAX) {
		fail(ys, line, col, "one item holds more than %d YAML nodes", YSTREAM_ITEM_NODES_MAX);
		return NULL;
	}
	struct ynode *n = arena_alloc(ys->arena, sizeof(*n));
	if (!n) {
		nomem(ys);
		return NULL;
	}
	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static bool
tag_ok(const yaml_char_t *tag)
{
	static const char *const core[] = { "str", "int", "float", "bool", "null", "timestamp",
					    "seq", "map" };
	if (!tag)
		return true;
	const char *prefix = "tag:yaml.org,2002:";
	if (strncmp((const char *)tag, prefix, strlen(prefix)) != 0)
		return false;
	for (size_t i = 0; i < ARRAY_LEN(core); i++)
		if (strcmp((const char *)tag + strlen(prefix), core[i]) == 0)
			return true;
	return false;
}

static struct ynode *build(struct ystream *ys, yaml_event_t *ev, int depth);

static struct ynode *
build_collection(struct ystream *ys, yaml_event_t *start, enum ynode_kind kind, int depth)
{
	struct ynode *n = new_node(ys, kind, start);
	if (!n)
		return NULL;
	yaml_event_type_t end = kind == Y_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	struct ynode *key = NULL;
	size_t cap = 0;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(ys, &ev))
			return NULL;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return n;
		}
		struct ynode *child = build(ys, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!child)
			return NULL;
		if (kind == Y_MAP && !key) {
			if (child->kind != Y_SCALAR) {
				fail_at(ys, child, "a mapping key must be a scalar");
				return NULL;
			}
			if (ytree_get(n, child->value)) {
				fail_at(ys, child, "key '%s' is given twice", child->value);
				return NULL;
			}
			key = child;
			continue;
		}
		size_t slots = kind == Y_MAP ? 2 * n->n : n->n;
		bool room = arena_push(ys->arena, &n->items, slots, &cap, sizeof(*n->items)) &&
			    (kind == Y_SEQ ||
			     arena_push(ys->arena, &n->items, slots + 1, &cap, sizeof(*n->items)));
		if (!room) {
			nomem(ys);
			return NULL;
		}
		if (kind == Y_MAP) {
			n->items[slots] = key;
			n->items[slots + 1] = child;
			key = NULL;
		} else {
			n->items[slots] = child;
		}
		n->n++;
	}
}

static struct ynode *
build(struct ystream *ys, yaml_event_t *ev, int depth)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	const char *why = NULL;
	if (ev->type == YAML_ALIAS_EVENT)
		why = "aliases (*name) are not allowed";
	else if (anchor)
		why = "anchors (&name) are not allowed";
	else if (!tag_ok(tag))
		why = "tags other than YAML's core ones are not allowed";
	else if (depth > YSTREAM_DEPTH_MAX)
		why = "nested deeper than the shape allows";
	if (why) {
		fail(ys, line, col, "%s", why);
		return NULL;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return build_collection(ys, ev, Y_SEQ, depth);
	if (ev->type == YAML_MAPPING_START_EVENT)
		return build_collection(ys, ev, Y_MAP, depth);
	struct ynode *n = new_node(ys, Y_SCALAR, ev);
	if (!n)
		return NULL;
	if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length) {
		fail(ys, line, col, "NUL character in a scalar");
		return NULL;
	}
	n->value = arena_strndup(ys->arena, (const char *)ev->data.scalar.value,
				 ev->data.scalar.length);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (!n->value) {
		nomem(ys);
		return NULL;
	}
	return n;
}

/* ---- the reader thread --------------------------------------------------- */

/* Hand a slot to the caller; false when the caller stopped listening. */
static bool
push(struct ystream *ys, enum ystream_next kind, struct arena *arena, struct ynode *root)
{
	pthread_mutex_lock(&ys->mu);
	while (ys->count == QUEUE_LEN && !ys->stop)
		pthread_cond_wait(&ys->changed, &ys->mu);
	bool stopped = ys->stop;
	if (!stopped) {
		struct slot *s = &ys->slots[(ys->head + ys->count) % QUEUE_LEN];
		s->kind = kind;
		s->arena = arena ? *arena : (struct arena)ARENA_INIT;
		s->root = root;
		ys->count++;
		pthread_cond_broadcast(&ys->changed);
	}
	pthread_mutex_unlock(&ys->mu);
	if (stopped && arena)
		arena_release(arena);
	return !stopped;
}

static bool
is_empty_scalar(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == 0 &&
	       ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* STREAM-START DOCUMENT-START MAPPING-START key SEQUENCE-START, the items,
 * and their ends. Returns true when the stream ended well. */
static bool
produce(struct ystream *ys)
{
	yaml_event_t ev;
	bool seen_doc = false, seen_list = false;
	while (next_event(ys, &ev)) {
		yaml_event_type_t t = ev.type;
		unsigned line = (unsigned)ev.start_mark.line + 1,
			 col = (unsigned)ev.start_mark.column + 1;
		bool empty = is_empty_scalar(&ev);
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			return true;
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT || empty)
			continue;
		if (t == YAML_DOCUMENT_START_EVENT) {
			if (seen_doc) {
				fail(ys, line, col, "only one YAML document is allowed");
				return false;
			}
			seen_doc = true;
			continue;
		}
		if (t != YAML_MAPPING_START_EVENT) {
			fail(ys, line, col, "the document must be a mapping with '%s'", ys->list_key);
			return false;
		}
		for (;;) { /* the root mapping's keys */
			if (!next_event(ys, &ev))
				return false;
			if (ev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&ev);
				break;
			}
			line = (unsigned)ev.start_mark.line + 1;
			col = (unsigned)ev.start_mark.column + 1;
			char key[64] = "";
			if (ev.type == YAML_SCALAR_EVENT)
				snprintf(key, sizeof(key), "%s", (const char *)ev.data.scalar.value);
			yaml_event_delete(&ev);
			if (strcmp(key, ys->list_key) != 0) {
				fail(ys, line, col, "unknown key '%s' at the top (known: %s)", key,
				     ys->list_key);
				return false;
			}
			if (seen_list) {
				fail(ys, line, col, "key '%s' is given twice", key);
				return false;
			}
			seen_list = true;
			if (!next_event(ys, &ev))
				return false;
			line = (unsigned)ev.start_mark.line + 1;
			col = (unsigned)ev.start_mark.column + 1;
			t = ev.type;
			empty = is_empty_scalar(&ev);
			yaml_event_delete(&ev);
			if (empty)
				continue; /* "suppliers:" and nothing */
			if (t != YAML_SEQUENCE_START_EVENT) {
				fail(ys, line, col, "'%s' must be a list", ys->list_key);
				return false;
			}
			for (;;) { /* the items */
				if (!next_event(ys, &ev))
					return false;
				if (ev.type == YAML_SEQUENCE_END_EVENT) {
					yaml_event_delete(&ev);
					break;
				}
				struct arena arena = ARENA_INIT;
				ys->arena = &arena;
				ys->nodes = 0;
				struct ynode *item = build(ys, &ev, 2);
				yaml_event_delete(&ev);
				if (!item) {
					arena_release(&arena);
					return false;
				}
				if (!push(ys, YSTREAM_ITEM, &arena, item))
					return false;
			}
		}
	}
	return false;
}

static void *
reader_main(void *data)
{
	struct ystream *ys = data;
	bool ok = produce(ys);
	push(ys, ok ? YSTREAM_END : YSTREAM_ERROR, NULL, NULL);
	return NULL;
}

bool
ystream_open(struct ystream **out, FILE *in, const char *list_key)
{
	struct ystream *ys = calloc(1, sizeof(*ys));
	if (!ys)
		return false;
	ys->in = in;
	ys->list_key = list_key;
	ys->line = 1;
	ys->col = 1;
	if (!yaml_parser_initialize(&ys->parser)) {
		free(ys);
		return false;
	}
	yaml_parser_set_input(&ys->parser, read_handler, ys);
	pthread_mutex_init(&ys->mu, NULL);
	pthread_cond_init(&ys->changed, NULL);
	if (pthread_create(&ys->thread, NULL, reader_main, ys) != 0) {
		pthread_mutex_destroy(&ys->mu);
		pthread_cond_destroy(&ys->changed);
		yaml_parser_delete(&ys->parser);
		free(ys);
		return false;
	}
	*out = ys;
	return true;
}

/* Give back the slot the caller held. Under the lock. */
static void
release_held(struct ystream *ys)
{
	if (!ys->held)
		return;
	arena_release(&ys->held->arena);
	ys->held = NULL;
	ys->head = (ys->head + 1) % QUEUE_LEN;
	ys->count--;
	pthread_cond_broadcast(&ys->changed);
}

enum ystream_next
ystream_next(struct ystream *s, const struct ynode **item, struct ystream_error *err)
{
	pthread_mutex_lock(&s->mu);
	release_held(s);
	while (s->count == 0)
		pthread_cond_wait(&s->changed, &s->mu);
	struct slot *slot = &s->slots[s->head];
	enum ystream_next kind = slot->kind;
	if (kind == YSTREAM_ITEM) {
		s->held = slot;
		*item = slot->root;
	} else if (kind == YSTREAM_ERROR) {
		*err = s->error; /* written before the push, read after it */
	}
	pthread_mutex_unlock(&s->mu);
	return kind;
}

void
ystream_close(struct ystream *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	release_held(s);
	s->stop = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	/* The reader is gone: what it queued is nobody's. */
	for (size_t i = 0; i < s->count; i++)
		arena_release(&s->slots[(s->head + i) % QUEUE_LEN].arena);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->changed);
	yaml_parser_delete(&s->parser);
	free(s);
}
