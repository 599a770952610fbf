/* SPDX-License-Identifier: MIT */
/*
 * srr import: the YAML shape of docs/formats/yaml.md, streamed.
 *
 * libyaml's event parser reads the file through a handler that checks
 * UTF-8 and counts lines as the bytes go by, and that refuses to feed more
 * than SCALAR_MAX bytes between two events (libyaml holds a whole scalar
 * in memory before it says anything about it). Each supplier item becomes
 * a small tree in an arena, is checked and applied, and is dropped: memory
 * holds one supplier at a time, whatever the file's size. Subcontractor
 * links wait in a TEMP table until every supplier of the file exists; the
 * whole file is one transaction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "entity-private.h"
#include "import-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "srr/contract.h"
#include "srr/import.h"
#include "srr/incident.h"
#include "srr/policy.h"
#include "srr/review.h"
#include "srr/risk.h"
#include "srr/sla.h"
#include "srr/supplier.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/text.h"
#include "yaml-tree-private.h"

#define SCALAR_MAX	 (1u << 20) /* bytes libyaml may read between two events */
#define DEPTH_MAX	 16	    /* the shape needs 8 */
#define ITEM_NODES_MAX	 200000	    /* nodes in one supplier item */
#define MAX_ERRORS	 100
#define CHUNK		 65536

struct importer {
	struct srr_register *reg;
	const struct srr_import_options *opt;
	struct srr_import_summary *sum;
	const char *name;
	FILE *in;
	yaml_parser_t parser;
	/* The reader: bytes handed to libyaml, where they end (line and
	 * column, in characters as libyaml counts them), a UTF-8 sequence cut
	 * by the chunk boundary, and what went wrong in the handler. */
	uint64_t fed;
	uint64_t fed_at_event;
	unsigned line, col;
	unsigned char carry[4];
	size_t n_carry;
	bool eof;
	char reader_error[160];
	unsigned err_line, err_col;
	/* The current item. */
	struct arena arena;
	size_t nodes;
	const struct srr_policy *policy;
	struct srr_policy_list *policies;
	bool fatal; /* a failure that is not the file's: stop */
	struct put_ctx ctx;
};

__attribute__((format(printf, 4, 5))) static int
fail(struct importer *im, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (im->sum->errors == 0)
		reg_error(im->reg, SRR_E_INPUT, "%s:%u:%u: %s", im->name, line, col, msg);
	im->sum->errors++;
	if (im->opt->on_error)
		im->opt->on_error(im->opt->userdata, im->name, line, col, msg);
	return SRR_E_INPUT;
}

#define fail_at(im, node, ...) fail((im), (node)->line, (node)->col, __VA_ARGS__)

/* Has the import seen as many errors as it may report? */
static bool
enough(const struct importer *im)
{
	if (im->fatal || (im->sum->errors > 0 && !im->opt->all_errors))
		return true;
	size_t max = im->opt->max_errors ? im->opt->max_errors : MAX_ERRORS;
	return im->sum->errors >= max;
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
reader_scan(struct importer *im, const unsigned char *buf, size_t n, bool last)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = buf[i];
		if (c == '\n') {
			im->line++;
			im->col = 1;
			i++;
			continue;
		}
		if (c >= 0x20 && c < 0x80) {
			im->col++;
			i++;
			continue;
		}
		if (c == 0) {
			snprintf(im->reader_error, sizeof(im->reader_error),
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
		im->col++;
		i += len;
	}
	return n;
invalid:
	snprintf(im->reader_error, sizeof(im->reader_error),
		 "invalid UTF-8 (byte 0x%02x; the file must be UTF-8)", buf[i]);
bad:
	im->err_line = im->line;
	im->err_col = im->col;
	return SIZE_MAX;
}

static int
read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	struct importer *im = data;
	*size_read = 0;
	if (im->reader_error[0])
		return 0;
	if (im->fed - im->fed_at_event > SCALAR_MAX) {
		snprintf(im->reader_error, sizeof(im->reader_error),
			 "a value longer than %u bytes follows", SCALAR_MAX);
		im->err_line = im->err_line ? im->err_line : 1;
		return 0;
	}
	if (im->eof && im->n_carry == 0)
		return 1; /* size_read 0: the end */
	size_t have = im->n_carry;
	memcpy(buffer, im->carry, have);
	im->n_carry = 0;
	if (!im->eof && size > have) {
		size_t got = fread(buffer + have, 1, size - have, im->in);
		if (got == 0) {
			if (ferror(im->in)) {
				snprintf(im->reader_error, sizeof(im->reader_error),
					 "reading the file: %s", strerror(errno));
				im->err_line = im->line;
				im->err_col = im->col;
				return 0;
			}
			im->eof = true;
		}
		have += got;
	}
	size_t whole = reader_scan(im, buffer, have, im->eof);
	if (whole == SIZE_MAX)
		return 0;
	im->n_carry = have - whole;
	memcpy(im->carry, buffer + whole, im->n_carry);
	*size_read = whole;
	im->fed += whole;
	if (whole == 0 && !im->eof)
		return read_handler(data, buffer, size, size_read); /* only a cut sequence */
	return 1;
}

/* The next event; on a syntax or reader error, reports it and fails. */
static bool
next_event(struct importer *im, yaml_event_t *ev)
{
	if (yaml_parser_parse(&im->parser, ev)) {
		im->fed_at_event = im->fed;
		im->err_line = (unsigned)ev->end_mark.line + 1;
		im->err_col = (unsigned)ev->end_mark.column + 1;
		return true;
	}
	const yaml_parser_t *p = &im->parser;
	if (im->reader_error[0]) {
		fail(im, im->err_line, im->err_col, "%s", im->reader_error);
	} else if (p->error == YAML_MEMORY_ERROR) {
		reg_error(im->reg, SRR_E_NOMEM, "out of memory reading %s", im->name);
		im->fatal = true;
	} else {
		const yaml_mark_t *m = p->error == YAML_READER_ERROR ? &p->mark : &p->problem_mark;
		fail(im, (unsigned)m->line + 1, (unsigned)m->column + 1, "%s%s%s",
		     p->problem ? p->problem : "YAML syntax error", p->context ? " " : "",
		     p->context ? p->context : "");
	}
	im->fatal = true; /* libyaml cannot go on after an error */
	return false;
}

/* ---- one item as a tree -------------------------------------------------- */

static struct ynode *
new_node(struct importer *im, enum ynode_kind kind, const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1,
		 col = (unsigned)ev->start_mark.column + 1;
	if (++im->nodes > ITEM_NODES_MAX) {
		fail(im, line, col, "one supplier holds more than %d YAML nodes", ITEM_NODES_MAX);
		im->fatal = true;
		return NULL;
	}
	struct ynode *n = arena_alloc(&im->arena, sizeof(*n));
	if (!n) {
		reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		im->fatal = true;
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

static struct ynode *build(struct importer *im, yaml_event_t *ev, int depth);

static struct ynode *
build_collection(struct importer *im, yaml_event_t *start, enum ynode_kind kind, int depth)
{
	struct ynode *n = new_node(im, kind, start);
	if (!n)
		return NULL;
	yaml_event_type_t end = kind == Y_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	struct ynode *key = NULL;
	size_t cap = 0;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(im, &ev))
			return NULL;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return n;
		}
		struct ynode *child = build(im, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!child)
			return NULL;
		if (kind == Y_MAP && !key) {
			if (child->kind != Y_SCALAR) {
				fail_at(im, child, "a mapping key must be a scalar");
				im->fatal = true;
				return NULL;
			}
			if (ytree_get(n, child->value)) {
				fail_at(im, child, "key '%s' is given twice", child->value);
				im->fatal = true;
				return NULL;
			}
			key = child;
			continue;
		}
		size_t slots = kind == Y_MAP ? 2 * n->n : n->n;
		bool room = arena_push(&im->arena, &n->items, slots, &cap, sizeof(*n->items)) &&
			    (kind == Y_SEQ ||
			     arena_push(&im->arena, &n->items, slots + 1, &cap, sizeof(*n->items)));
		if (!room) {
			reg_error(im->reg, SRR_E_NOMEM, "out of memory");
			im->fatal = true;
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
build(struct importer *im, yaml_event_t *ev, int depth)
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
	else if (depth > DEPTH_MAX)
		why = "nested deeper than the shape allows";
	if (why) {
		fail(im, line, col, "%s", why);
		im->fatal = true; /* the rest of the item cannot be read sensibly */
		return NULL;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return build_collection(im, ev, Y_SEQ, depth);
	if (ev->type == YAML_MAPPING_START_EVENT)
		return build_collection(im, ev, Y_MAP, depth);
	struct ynode *n = new_node(im, Y_SCALAR, ev);
	if (!n)
		return NULL;
	if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length) {
		fail(im, line, col, "NUL character in a scalar");
		im->fatal = true;
		return NULL;
	}
	n->value = arena_strndup(&im->arena, (const char *)ev->data.scalar.value,
				 ev->data.scalar.length);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (!n->value) {
		reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		im->fatal = true;
		return NULL;
	}
	return n;
}

/* ---- what every put shares ------------------------------------------------ */

int
put_compare(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
	    const struct srr_record *rec, enum put_result *result)
{
	char *now = NULL, *want = NULL;
	size_t now_len = 0, want_len = 0;
	if (ctx->supplier_new) {
		*result = PUT_ADDED;
		return 0;
	}
	int rc = entity_record(reg, entity, &now, &now_len);
	if (rc == SRR_E_NOTFOUND) {
		*result = PUT_ADDED;
		return 0;
	}
	if (rc == 0)
		rc = log_serialize(reg, rec, &want, &want_len);
	if (rc == 0)
		*result = now_len == want_len && memcmp(now, want, now_len) == 0 ? PUT_SAME
										   : PUT_CHANGED;
	free(now);
	free(want);
	return rc;
}

int
put_log(struct srr_register *reg, const struct put_ctx *ctx, const char *entity,
	const struct srr_record *rec, enum put_result result)
{
	if (result == PUT_SAME)
		return 0;
	char action[48];
	snprintf(action, sizeof(action), "%s.import", srr_record_type(rec));
	int rc = log_append(reg, action, entity, rec);
	if (rc == 0 && ctx && ctx->report)
		ctx->report(ctx->userdata, result, entity);
	return rc;
}

int
put_match_id(struct srr_register *reg, const char *what, const char *owner_sql,
	     const char *match_sql, int64_t sid, const char *supplier, const char *name,
	     const char *value, int64_t *id)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, *id ? owner_sql : match_sql);
	if (!st)
		return SRR_E_DB;
	if (*id) {
		sqlite3_bind_int64(st, 1, *id);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_int64(st, 0) != sid)
			return reg_error(reg, SRR_E_INPUT, "%s %lld belongs to another supplier",
					 what, (long long)*id);
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			return reg_db_error(reg, "looking up an id");
		return 0;
	}
	sqlite3_bind_int64(st, 1, sid);
	bind_text(st, 2, value);
	int s, n = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		n++;
	}
	if (s != SQLITE_DONE)
		return reg_db_error(reg, "matching by key");
	if (n > 1)
		return reg_error(reg, SRR_E_INPUT,
				 "supplier '%s' has more than one %s with %s '%s': give its id",
				 supplier, what, name, value);
	return 0;
}

/* ---- fields ---------------------------------------------------------------- */

/* A plain ~, null or nothing: the field is absent. */
static bool
is_null(const struct ynode *n)
{
	return !n || (n->kind == Y_SCALAR && n->plain &&
		      (!*n->value || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
		       strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0));
}

/* Every key of map is one of keys (NULL-terminated); what names the map. */
static int
check_keys(struct importer *im, const struct ynode *map, const char *what,
	   const char *const *keys)
{
	int rc = 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->items[2 * i];
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k->value) != 0)
			j++;
		if (keys[j])
			continue;
		char allowed[512] = "";
		size_t len = 0;
		for (j = 0; keys[j] && len < sizeof(allowed); j++)
			len += (size_t)snprintf(allowed + len, sizeof(allowed) - len, "%s%s",
						j ? ", " : "", keys[j]);
		rc = fail_at(im, k, "unknown key '%s' in %s (known: %s)", k->value, what, allowed);
		if (enough(im))
			return rc;
	}
	return rc;
}

/* A text field: NULL when absent; an error (rc set) when not a scalar or
 * absent though required. */
static const char *
text(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const struct ynode *v = ytree_get(map, key);
	if (is_null(v)) {
		if (required && *rc == 0)
			*rc = fail_at(im, v ? v : map, "'%s' is missing", key);
		return NULL;
	}
	if (v->kind != Y_SCALAR) {
		if (*rc == 0)
			*rc = fail_at(im, v, "'%s' must be a single value, not %s", key,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	return v->value;
}

/* An enum field: the index of its value in names (NULL-terminated, first
 * index 1); 0 when absent and not required. */
static int
choice(struct importer *im, const struct ynode *map, const char *key, bool required,
       const char *const *names, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	if (!s)
		return 0;
	char list[160] = "";
	size_t len = 0;
	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], s) == 0)
			return i + 1;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					names[i]);
	}
	if (*rc == 0)
		*rc = fail_at(im, ytree_get(map, key), "'%s' must be one of %s, not '%s'", key, list,
			      s);
	return 0;
}

static bool
parse_uint(const char *s, long long max, long long *out)
{
	long long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static long long
whole(struct importer *im, const struct ynode *map, const char *key, bool required,
      long long max, long long absent, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	long long v;
	if (!s)
		return absent;
	if (!parse_uint(s, max, &v)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' must be a whole number from 0 to %lld, not '%s'", key,
				      max, s);
		return absent;
	}
	return v;
}

static int
boolean(struct importer *im, const struct ynode *map, const char *key, int *rc)
{
	const char *s = text(im, map, key, false, rc);
	if (!s || strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return 0;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return 1;
	if (*rc == 0)
		*rc = fail_at(im, ytree_get(map, key), "'%s' must be true or false, not '%s'", key,
			      s);
	return 0;
}

static const char *
date(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	int64_t days;
	if (s && !date_parse(s, &days)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' is not a valid date (YYYY-MM-DD): '%s'", key, s);
		return NULL;
	}
	return s;
}

static const char *
timestamp(struct importer *im, const struct ynode *map, const char *key, bool required, int *rc)
{
	const char *s = text(im, map, key, required, rc);
	int64_t secs;
	if (s && !time_parse(s, &secs)) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(map, key),
				      "'%s' is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ): '%s'",
				      key, s);
		return NULL;
	}
	return s;
}

/* A list field: NULL when absent. */
static const struct ynode *
list(struct importer *im, const struct ynode *map, const char *key, int *rc)
{
	const struct ynode *v = ytree_get(map, key);
	if (is_null(v))
		return NULL;
	if (v->kind != Y_SEQ) {
		if (*rc == 0)
			*rc = fail_at(im, v, "'%s' must be a list, not %s", key,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	return v;
}

/* Item i of a list that must hold mappings of known keys. */
static const struct ynode *
map_item(struct importer *im, const struct ynode *seq, size_t i, const char *what,
	 const char *const *keys, int *rc)
{
	const struct ynode *v = seq->items[i];
	if (v->kind != Y_MAP) {
		if (*rc == 0)
			*rc = fail_at(im, v, "each of the %ss must be a mapping, not %s", what,
				      ytree_kind_name(v->kind));
		return NULL;
	}
	int krc = check_keys(im, v, what, keys);
	if (krc && *rc == 0)
		*rc = krc;
	return krc ? NULL : v;
}

/* A list of texts as an array in the arena. */
static const char **
texts(struct importer *im, const struct ynode *map, const char *key, size_t *n, int *rc)
{
	const struct ynode *seq = list(im, map, key, rc);
	*n = 0;
	if (!seq || seq->n == 0)
		return NULL;
	const char **out = arena_alloc(&im->arena, seq->n * sizeof(*out));
	if (!out) {
		im->fatal = true;
		*rc = reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *v = seq->items[i];
		if (v->kind != Y_SCALAR || is_null(v)) {
			if (*rc == 0)
				*rc = fail_at(im, v, "each of '%s' must be a single value", key);
			return NULL;
		}
		out[i] = v->value;
	}
	*n = seq->n;
	return out;
}

/* ---- applying ---------------------------------------------------------------- */

/* A put failed: report the register's message at node, unless it is not
 * about the file. */
static int
put_failed(struct importer *im, const struct ynode *node, int rc)
{
	if (rc == SRR_E_NOMEM || rc == SRR_E_DB || rc == SRR_E_IO ||
	    rc == SRR_E_FORMAT) {
		im->fatal = true;
		return rc;
	}
	return fail_at(im, node, "%s", srr_errmsg(im->reg));
}

static void
report(void *userdata, enum put_result result, const char *entity)
{
	struct importer *im = userdata;
	if (result == PUT_ADDED)
		im->sum->added++;
	else if (result == PUT_CHANGED)
		im->sum->changed++;
	if (result != PUT_SAME && im->opt->on_change)
		im->opt->on_change(im->opt->userdata, (enum srr_import_change)result, entity);
}

/* Two items of one list with the same value for key. */
static int
check_unique(struct importer *im, const struct ynode *seq, const char *key, const char *what)
{
	int rc = 0;
	for (size_t i = 0; seq && i < seq->n; i++) {
		const struct ynode *a = ytree_get(seq->items[i], key);
		if (!a || a->kind != Y_SCALAR || is_null(a))
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct ynode *b = ytree_get(seq->items[j], key);
			if (b && b->kind == Y_SCALAR && strcmp(a->value, b->value) == 0) {
				rc = fail_at(im, a, "%s '%s' is listed twice (first at line %u)",
					     what, a->value, b->line);
				if (enough(im))
					return rc;
				break;
			}
		}
	}
	return rc;
}

static const char *const supplier_keys[] = { "key",	      "name",	   "tier",	"country",
					     "retired",	      "services",  "contacts",	"subcontractors",
					     "contracts",     "reviews",   "incidents", "risks",
					     NULL };
static const char *const contact_keys[] = { "name", "email", "role", NULL };
static const char *const contract_keys[] = { "ref",	   "start",   "end",  "notice_days",
					     "terminated", "clauses", "slas", NULL };
static const char *const sla_keys[] = { "metric", "target",	  "comparator", "unit",
					"period", "measurements", NULL };
static const char *const measurement_keys[] = { "period", "value", NULL };
static const char *const review_keys[] = { "id",       "date",	   "outcome",
					   "findings", "reviewer", "evidence", NULL };
static const char *const evidence_keys[] = { "path", "sha256", "size", NULL };
static const char *const incident_keys[] = { "id",	 "identified", "notified",
					     "severity", "summary",    NULL };
static const char *const risk_keys[] = { "id",		      "title",		"description",
					 "owner",	      "likelihood",	"impact",
					 "review_date",	      "closed",		"treatment",
					 "residual_likelihood", "residual_impact", "justification",
					 "accept_until",      "actions",	NULL };
static const char *const action_keys[] = { "text", "owner", "due", "done", NULL };

static const char *const tiers[] = { "critical", "high", "medium", "low", NULL };
static const char *const comparators[] = { "ge", "le", NULL };
static const char *const periods[] = { "month", "quarter", NULL };
static const char *const outcomes[] = { "pass", "conditional", "fail", NULL };
static const char *const severities[] = { "low", "medium", "high", "critical", NULL };
static const char *const treatments[] = { "mitigate", "accept", "transfer", "avoid", NULL };

static int
apply_slas(struct importer *im, const char *supplier, const char *ref, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "metric", "SLA metric");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "SLA", sla_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_sla s = {
			.supplier = supplier,
			.contract = ref,
			.metric = text(im, m, "metric", true, &irc),
			.target = text(im, m, "target", true, &irc),
			.comparator = (enum srr_comparator)choice(im, m, "comparator", true,
								  comparators, &irc),
			.unit = text(im, m, "unit", false, &irc),
			.period = (enum srr_period)choice(im, m, "period", true, periods, &irc),
		};
		const struct ynode *ms = list(im, m, "measurements", &irc);
		if (irc == 0)
			irc = check_unique(im, ms, "period", "measurement period");
		enum put_result res;
		int prc = irc ? irc : sla_put(im->reg, &im->ctx, &s, &res);
		if (prc) {
			rc = irc ? irc : put_failed(im, m, prc);
			continue;
		}
		im->sum->entities++;
		for (size_t j = 0; ms && j < ms->n && !enough(im); j++) {
			int jrc = 0;
			const struct ynode *v =
				map_item(im, ms, j, "measurement", measurement_keys, &jrc);
			struct srr_measurement mm = {
				.supplier = supplier,
				.contract = ref,
				.metric = s.metric,
			};
			if (v) {
				mm.period = text(im, v, "period", true, &jrc);
				mm.value = text(im, v, "value", true, &jrc);
			}
			if (jrc == 0 && (jrc = measurement_put(im->reg, &im->ctx, &mm, &res)) != 0)
				jrc = put_failed(im, v, jrc);
			if (jrc)
				rc = jrc;
			else
				im->sum->entities++;
		}
	}
	return rc;
}

static int
apply_contracts(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "ref", "contract ref");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "contract", contract_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_contract c = {
			.supplier = supplier,
			.ref = text(im, m, "ref", true, &irc),
			.start = date(im, m, "start", true, &irc),
			.end = date(im, m, "end", true, &irc),
			.notice_days = (int)whole(im, m, "notice_days", false, 36500, -1, &irc),
			.terminated = date(im, m, "terminated", false, &irc),
		};
		size_t n = 0;
		const char **clauses = texts(im, m, "clauses", &n, &irc);
		for (size_t k = 0; irc == 0 && k < n; k++) {
			unsigned bit = srr_clause_from_name(clauses[k]);
			const struct ynode *v = ytree_get(m, "clauses")->items[k];
			if (!bit)
				irc = fail_at(im, v, "unknown contract clause '%s'", clauses[k]);
			else if (c.clauses & bit)
				irc = fail_at(im, v, "clause '%s' is listed twice", clauses[k]);
			c.clauses |= bit;
		}
		const struct ynode *slas = list(im, m, "slas", &irc);
		enum put_result res;
		int prc = irc ? irc : contract_put(im->reg, &im->ctx, &c, &res);
		if (prc) {
			rc = irc ? irc : put_failed(im, m, prc);
			continue;
		}
		im->sum->entities++;
		int src = apply_slas(im, supplier, c.ref, slas);
		if (src)
			rc = src;
	}
	return rc;
}

static int
apply_reviews(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "id", "review id");
	if (rc == 0)
		rc = check_unique(im, seq, "date", "review date");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "review", review_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_review r = {
			.id = whole(im, m, "id", false, INT64_MAX, 0, &irc),
			.supplier = supplier,
			.date = date(im, m, "date", true, &irc),
			.outcome = (enum srr_outcome)choice(im, m, "outcome", true, outcomes, &irc),
			.findings = text(im, m, "findings", false, &irc),
			.reviewer = text(im, m, "reviewer", false, &irc),
		};
		const struct ynode *ev = list(im, m, "evidence", &irc);
		struct srr_evidence *e =
			ev && ev->n ? arena_alloc(&im->arena, ev->n * sizeof(*e)) : NULL;
		if (ev && ev->n && !e) {
			im->fatal = true;
			return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		}
		for (size_t k = 0; irc == 0 && ev && k < ev->n; k++) {
			const struct ynode *v = map_item(im, ev, k, "evidence", evidence_keys, &irc);
			if (!v)
				break;
			e[k].path = text(im, v, "path", true, &irc);
			e[k].sha256 = text(im, v, "sha256", false, &irc);
			e[k].size = whole(im, v, "size", e[k].sha256 != NULL, INT64_MAX, -1, &irc);
			if (irc == 0 && !e[k].sha256 && ytree_get(v, "size"))
				irc = fail_at(im, v, "evidence 'size' needs its 'sha256'");
		}
		r.evidence = e;
		r.n_evidence = ev ? ev->n : 0;
		enum put_result res;
		if (irc == 0 && (irc = review_put(im->reg, &im->ctx, &r, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

static int
apply_incidents(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "id", "incident id");
	if (rc == 0)
		rc = check_unique(im, seq, "identified", "incident time");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "incident", incident_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_incident in = {
			.id = whole(im, m, "id", false, INT64_MAX, 0, &irc),
			.supplier = supplier,
			.identified = timestamp(im, m, "identified", true, &irc),
			.notified = timestamp(im, m, "notified", false, &irc),
			.severity = (enum srr_severity)choice(im, m, "severity", true, severities,
							      &irc),
			.summary = text(im, m, "summary", true, &irc),
		};
		enum put_result res;
		if (irc == 0 && (irc = incident_put(im->reg, &im->ctx, &in, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

/* A risk id: "R-7" or 7; 0 when absent. */
static int64_t
risk_id(struct importer *im, const struct ynode *m, int *rc)
{
	const char *s = text(im, m, "id", false, rc);
	long long v;
	if (!s)
		return 0;
	if ((s[0] == 'R' || s[0] == 'r') && s[1] == '-')
		s += 2;
	if (!parse_uint(s, INT64_MAX, &v) || v == 0) {
		if (*rc == 0)
			*rc = fail_at(im, ytree_get(m, "id"), "risk 'id' must be R-n, not '%s'",
				      ytree_get(m, "id")->value);
		return 0;
	}
	return v;
}

static int
apply_risks(struct importer *im, const char *supplier, const struct ynode *seq)
{
	int rc = check_unique(im, seq, "title", "risk title");
	for (size_t i = 0; seq && i < seq->n && !enough(im); i++) {
		int irc = 0;
		const struct ynode *m = map_item(im, seq, i, "risk", risk_keys, &irc);
		if (!m) {
			rc = irc;
			continue;
		}
		struct srr_risk r = {
			.id = risk_id(im, m, &irc),
			.supplier = supplier,
			.title = text(im, m, "title", true, &irc),
			.description = text(im, m, "description", false, &irc),
			.owner = text(im, m, "owner", false, &irc),
			.likelihood = (unsigned)whole(im, m, "likelihood", true, 1000, 0, &irc),
			.impact = (unsigned)whole(im, m, "impact", true, 1000, 0, &irc),
			.review_date = date(im, m, "review_date", false, &irc),
			.closed = boolean(im, m, "closed", &irc),
			.treatment = (enum srr_treatment)choice(im, m, "treatment", false,
								treatments, &irc),
			.residual_likelihood =
				(unsigned)whole(im, m, "residual_likelihood", false, 1000, 0, &irc),
			.residual_impact =
				(unsigned)whole(im, m, "residual_impact", false, 1000, 0, &irc),
			.justification = text(im, m, "justification", false, &irc),
			.accept_until = date(im, m, "accept_until", false, &irc),
		};
		const struct ynode *acts = list(im, m, "actions", &irc);
		struct srr_action *a =
			acts && acts->n ? arena_alloc(&im->arena, acts->n * sizeof(*a)) : NULL;
		if (acts && acts->n && !a) {
			im->fatal = true;
			return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
		}
		for (size_t k = 0; irc == 0 && acts && k < acts->n; k++) {
			const struct ynode *v = map_item(im, acts, k, "action", action_keys, &irc);
			if (!v)
				break;
			a[k].text = text(im, v, "text", true, &irc);
			a[k].owner = text(im, v, "owner", false, &irc);
			a[k].due = date(im, v, "due", false, &irc);
			a[k].done = date(im, v, "done", false, &irc);
		}
		r.actions = a;
		r.n_actions = acts ? acts->n : 0;
		if (irc == 0 && !im->policy)
			irc = fail_at(im, m, "risks need a policy: set one with 'srr policy set'");
		enum put_result res;
		if (irc == 0 && (irc = risk_put(im->reg, &im->ctx, im->policy, &r, &res)) != 0)
			irc = put_failed(im, m, irc);
		if (irc)
			rc = irc;
		else
			im->sum->entities++;
	}
	return rc;
}

/* Remember a supplier key of the file; a second one is an error. */
static int
seen_key(struct importer *im, const struct ynode *keynode)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(im->reg, "INSERT INTO temp.srr_import_key (key, line) VALUES (?1, ?2)"
				  " ON CONFLICT (key) DO NOTHING RETURNING 1");
	_cleanup_stmt_ sqlite3_stmt *first =
		reg_stmt(im->reg, "SELECT line FROM temp.srr_import_key WHERE key = ?1");
	if (!st || !first) {
		im->fatal = true;
		return SRR_E_DB;
	}
	bind_text(st, 1, keynode->value);
	sqlite3_bind_int64(st, 2, keynode->line);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		return 0;
	if (s != SQLITE_DONE) {
		im->fatal = true;
		return reg_db_error(im->reg, "remembering supplier keys");
	}
	bind_text(first, 1, keynode->value);
	unsigned line = sqlite3_step(first) == SQLITE_ROW ? (unsigned)sqlite3_column_int(first, 0)
							 : 0;
	return fail_at(im, keynode, "supplier '%s' is listed twice (first at line %u)",
		       keynode->value, line);
}

static int
queue_subs(struct importer *im, int64_t id, const struct ynode *seq)
{
	for (size_t i = 0; seq && i < seq->n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			im->reg, "INSERT INTO temp.srr_import_sub (supplier_id, key, line, col)"
				 " VALUES (?1, ?2, ?3, ?4)");
		if (!st) {
			im->fatal = true;
			return SRR_E_DB;
		}
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, seq->items[i]->value);
		sqlite3_bind_int64(st, 3, seq->items[i]->line);
		sqlite3_bind_int64(st, 4, seq->items[i]->col);
		if (sqlite3_step(st) != SQLITE_DONE) {
			im->fatal = true;
			return reg_db_error(im->reg, "remembering subcontractors");
		}
	}
	return 0;
}

static int
apply_supplier(struct importer *im, const struct ynode *m)
{
	im->sum->suppliers++;
	if (m->kind != Y_MAP)
		return fail_at(im, m, "each supplier must be a mapping, not %s",
			       ytree_kind_name(m->kind));
	int rc = check_keys(im, m, "a supplier", supplier_keys);
	if (rc)
		return rc;
	struct srr_supplier s = {
		.key = text(im, m, "key", true, &rc),
		.name = text(im, m, "name", true, &rc),
		.tier = (enum srr_tier)choice(im, m, "tier", true, tiers, &rc),
		.country = text(im, m, "country", false, &rc),
		.retired = boolean(im, m, "retired", &rc),
	};
	s.services = texts(im, m, "services", &s.n_services, &rc);
	s.subcontractors = texts(im, m, "subcontractors", &s.n_subcontractors, &rc);
	const struct ynode *contacts = list(im, m, "contacts", &rc);
	struct srr_contact *c = contacts && contacts->n
					? arena_alloc(&im->arena, contacts->n * sizeof(*c))
					: NULL;
	if (contacts && contacts->n && !c) {
		im->fatal = true;
		return reg_error(im->reg, SRR_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; rc == 0 && contacts && i < contacts->n; i++) {
		const struct ynode *v = map_item(im, contacts, i, "contact", contact_keys, &rc);
		if (!v)
			break;
		c[i].name = text(im, v, "name", true, &rc);
		c[i].email = text(im, v, "email", false, &rc);
		c[i].role = text(im, v, "role", false, &rc);
	}
	s.contacts = c;
	s.n_contacts = contacts ? contacts->n : 0;
	const struct ynode *contracts = list(im, m, "contracts", &rc);
	const struct ynode *reviews = list(im, m, "reviews", &rc);
	const struct ynode *incidents = list(im, m, "incidents", &rc);
	const struct ynode *risks = list(im, m, "risks", &rc);
	if (rc == 0)
		rc = seen_key(im, ytree_get(m, "key"));
	if (rc)
		return rc;
	int64_t id;
	enum put_result res;
	rc = supplier_put(im->reg, &im->ctx, &s, true, &id, &res);
	if (rc)
		return put_failed(im, m, rc);
	im->sum->entities++;
	if (res != PUT_SAME)
		rc = queue_subs(im, id, ytree_get(m, "subcontractors"));
	im->ctx.supplier_new = res == PUT_ADDED;
	int crc = 0;
	if (rc == 0 && !enough(im))
		crc = apply_contracts(im, s.key, contracts);
	if (rc == 0 && !enough(im) && apply_reviews(im, s.key, reviews))
		crc = SRR_E_INPUT;
	if (rc == 0 && !enough(im) && apply_incidents(im, s.key, incidents))
		crc = SRR_E_INPUT;
	if (rc == 0 && !enough(im) && apply_risks(im, s.key, risks))
		crc = SRR_E_INPUT;
	im->ctx.supplier_new = false;
	return rc ? rc : crc;
}

/* Every supplier of the file exists now: link the subcontractors, then
 * make sure the links hold no cycle. */
static int
link_subs(struct importer *im)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		im->reg, "SELECT supplier_id, key, line, col FROM temp.srr_import_sub ORDER BY rowid");
	if (!st) {
		im->fatal = true;
		return SRR_E_DB;
	}
	int s, rc = 0;
	size_t n = 0;
	while (!enough(im) && (s = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		int prc = supplier_add_sub(im->reg, sqlite3_column_int64(st, 0),
					   (const char *)sqlite3_column_text(st, 1));
		if (prc == SRR_E_NOTFOUND || prc == SRR_E_INPUT)
			rc = fail(im, (unsigned)sqlite3_column_int(st, 2),
				  (unsigned)sqlite3_column_int(st, 3), "%s",
				  srr_errmsg(im->reg));
		else if (prc) {
			im->fatal = true;
			return prc;
		}
	}
	if (rc || n == 0 || enough(im))
		return rc;
	int64_t *cycle = NULL;
	size_t len = 0;
	rc = supplier_find_cycle(im->reg, &cycle, &len);
	if (rc != SRR_E_INPUT) {
		if (rc)
			im->fatal = true;
		return rc;
	}
	/* Name the cycle by keys, and place it at a link the file made. */
	char path[ERRMSG_MAX / 2] = "";
	size_t used = 0;
	unsigned line = 1, col = 1;
	_cleanup_stmt_ sqlite3_stmt *key = reg_stmt(im->reg, "SELECT key FROM supplier WHERE id = ?1");
	_cleanup_stmt_ sqlite3_stmt *at = reg_stmt(
		im->reg, "SELECT q.line, q.col FROM temp.srr_import_sub q JOIN supplier s"
			 " ON s.key = q.key WHERE q.supplier_id = ?1 AND s.id = ?2");
	if (!key || !at) {
		free(cycle);
		im->fatal = true;
		return SRR_E_DB;
	}
	for (size_t i = 0; i < len; i++) {
		sqlite3_reset(key);
		sqlite3_bind_int64(key, 1, cycle[i]);
		if (sqlite3_step(key) == SQLITE_ROW && used < sizeof(path))
			used += (size_t)snprintf(path + used, sizeof(path) - used, "%s%s",
						 i ? " -> " : "",
						 (const char *)sqlite3_column_text(key, 0));
		if (i + 1 < len && line == 1 && col == 1) {
			sqlite3_reset(at);
			sqlite3_bind_int64(at, 1, cycle[i]);
			sqlite3_bind_int64(at, 2, cycle[i + 1]);
			if (sqlite3_step(at) == SQLITE_ROW) {
				line = (unsigned)sqlite3_column_int(at, 0);
				col = (unsigned)sqlite3_column_int(at, 1);
			}
		}
	}
	free(cycle);
	return fail(im, line, col, "subcontractors make a cycle: %s", path);
}

/* STREAM-START DOCUMENT-START MAPPING-START "suppliers" SEQUENCE-START
 * items... and their ends. */
static int
walk(struct importer *im)
{
	yaml_event_t ev;
	int rc = 0;
	bool seen_doc = false, seen_suppliers = false;
	while (!enough(im) && next_event(im, &ev)) {
		yaml_event_type_t t = ev.type;
		unsigned line = (unsigned)ev.start_mark.line + 1,
			 col = (unsigned)ev.start_mark.column + 1;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return rc;
		}
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			if (seen_doc) {
				im->fatal = true;
				return fail(im, line, col, "only one YAML document is allowed");
			}
			seen_doc = true;
			continue;
		}
		if (t != YAML_MAPPING_START_EVENT) {
			bool empty = t == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
				     ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			yaml_event_delete(&ev);
			if (empty)
				continue; /* an empty document: nothing to import */
			im->fatal = true;
			return fail(im, line, col, "the document must be a mapping with 'suppliers'");
		}
		yaml_event_delete(&ev);
		/* The root mapping: keys and their values. */
		for (;;) {
			if (!next_event(im, &ev))
				return SRR_E_INPUT;
			if (ev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&ev);
				break;
			}
			line = (unsigned)ev.start_mark.line + 1;
			col = (unsigned)ev.start_mark.column + 1;
			bool is_suppliers = ev.type == YAML_SCALAR_EVENT &&
					    strcmp((char *)ev.data.scalar.value, "suppliers") == 0;
			bool scalar = ev.type == YAML_SCALAR_EVENT;
			char key[64];
			snprintf(key, sizeof(key), "%s", scalar ? (char *)ev.data.scalar.value : "");
			yaml_event_delete(&ev);
			if (!is_suppliers || seen_suppliers) {
				im->fatal = true;
				if (seen_suppliers && is_suppliers)
					return fail(im, line, col, "key 'suppliers' is given twice");
				return fail(im, line, col, "unknown key '%s' at the top (known: suppliers)",
					    key);
			}
			seen_suppliers = true;
			if (!next_event(im, &ev))
				return SRR_E_INPUT;
			line = (unsigned)ev.start_mark.line + 1;
			col = (unsigned)ev.start_mark.column + 1;
			if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
			    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
				yaml_event_delete(&ev);
				continue; /* suppliers: (nothing) */
			}
			if (ev.type != YAML_SEQUENCE_START_EVENT) {
				yaml_event_delete(&ev);
				im->fatal = true;
				return fail(im, line, col, "'suppliers' must be a list");
			}
			yaml_event_delete(&ev);
			for (;;) {
				if (!next_event(im, &ev))
					return SRR_E_INPUT;
				if (ev.type == YAML_SEQUENCE_END_EVENT) {
					yaml_event_delete(&ev);
					break;
				}
				im->nodes = 0;
				struct ynode *item = build(im, &ev, 2);
				yaml_event_delete(&ev);
				int irc = item ? apply_supplier(im, item) : SRR_E_INPUT;
				arena_release(&im->arena);
				if (irc)
					rc = irc;
				if (enough(im))
					return rc;
			}
		}
	}
	return im->sum->errors || im->fatal ? SRR_E_INPUT : rc;
}

static int
run(struct importer *im)
{
	int rc = reg_exec(im->reg, "CREATE TEMP TABLE IF NOT EXISTS srr_import_key"
				   " (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID");
	if (rc == 0)
		rc = reg_exec(im->reg, "CREATE TEMP TABLE IF NOT EXISTS srr_import_sub"
				       " (supplier_id INTEGER, key TEXT, line INTEGER, col INTEGER)");
	if (rc == 0)
		rc = reg_exec(im->reg, "DELETE FROM temp.srr_import_key");
	if (rc == 0)
		rc = reg_exec(im->reg, "DELETE FROM temp.srr_import_sub");
	if (rc) {
		im->fatal = true;
		return rc;
	}
	/* The import writes every page of what it adds: a cache big enough
	 * not to spill them to the WAL before the commit, within the memory
	 * budget (docs/performance.md). */
	rc = reg_exec(im->reg, "PRAGMA cache_size = -32768");
	if (rc) {
		im->fatal = true;
		return rc;
	}
	rc = policy_current(&im->policies, im->reg);
	if (rc == 0)
		im->policy = srr_policy_list_get(im->policies, 0);
	else if (rc != SRR_E_NOTFOUND && rc != SRR_E_STATE) {
		im->fatal = true;
		return rc;
	}
	rc = walk(im);
	if (!im->fatal && !enough(im)) {
		int lrc = link_subs(im);
		if (lrc)
			rc = lrc;
	}
	if (im->sum->errors)
		rc = SRR_E_INPUT;
	return rc;
}

SRR_EXPORT int
srr_import(struct srr_register *reg, FILE *in, const char *name,
	   const struct srr_import_options *options, struct srr_import_summary *summary)
{
	static const struct srr_import_options defaults = { 0 };
	struct srr_import_summary dummy;
	if (!summary)
		summary = &dummy;
	memset(summary, 0, sizeof(*summary));
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	if (!in)
		return reg_error(reg, SRR_E_INPUT, "no input to import");
	struct importer im = {
		.reg = reg,
		.opt = options ? options : &defaults,
		.sum = summary,
		.name = name ? name : "-",
		.in = in,
		.line = 1,
		.col = 1,
	};
	im.ctx.report = report;
	im.ctx.userdata = &im;
	if (!yaml_parser_initialize(&im.parser))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	yaml_parser_set_input(&im.parser, read_handler, &im);
	rc = reg_begin(reg);
	if (rc == 0) {
		rc = run(&im);
		if (rc == 0 && im.opt->dry_run) {
			/* Everything was done and checked: undo it. */
			reg_end(reg, SRR_E_STATE);
			rc = 0;
		} else {
			char msg[ERRMSG_MAX];
			snprintf(msg, sizeof(msg), "%s", srr_errmsg(reg));
			int end = reg_end(reg, rc);
			if (rc)
				reg_error(reg, rc, "%s", msg);
			rc = end;
		}
	}
	reg_exec(reg, "PRAGMA cache_size = -2000");
	srr_policy_list_free(im.policies);
	arena_release(&im.arena);
	yaml_parser_delete(&im.parser);
	return rc;
}
