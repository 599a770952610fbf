/* SPDX-License-Identifier: MIT */
/*
 * srr verify, the log part: every event re-read and re-hashed, the tree
 * rebuilt and held against every signed checkpoint, and the register's
 * rows held against the events that should have produced them.
 *
 * One pass over the events in order, in constant memory: what a tamperer
 * changes directly in the SQLite file shows up as an event that
 * contradicts itself, a gap or a step back in the sequence, a root that
 * no longer matches a signature, or a row no event explains.
 */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint-private.h"
#include "entity-private.h"
#include "libsrr-private.h"
#include "log-private.h"
#include "merkle-private.h"
#include "srr/log.h"
#include "verify-private.h"

/* Past this many problems of one kind, only a count is kept: a log
 * renumbered from event 5 on is one story, not a million lines. */
#define REPORT_MAX 20

enum kind { K_EVENT, K_ROOT, K_STATE, K_COUNT };

struct vlog {
	struct srr_register *reg;
	struct vreport *out;
	const struct vcp *cps; /* sorted by size */
	size_t n_cps;
	size_t next_cp;
	struct merkle_frontier tree;
	struct merkle_prover *prover; /* for --since, else NULL */
	int64_t prove_to;	      /* leaves the prover takes */
	size_t shown[K_COUNT], hidden[K_COUNT];
	int64_t last_good;	      /* size of the last checkpoint that matched */
	int64_t prev_seq;
	const struct vsince *since;
	int since_match; /* the kept root against the log's: -1 not reached, 0 no, 1 yes */
	char prev_time[21];
};

__attribute__((format(printf, 6, 7))) void
vreport_log(struct vreport *r, const char *check, int64_t event, int64_t checkpoint, int failure,
	    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (failure)
		r->res->failures++;
	if (r->fn) {
		struct srr_finding f = { .check = check,
					 .message = msg,
					 .failure = failure,
					 .event = event,
					 .checkpoint = checkpoint };
		r->fn(r->userdata, &f);
	}
}

/* Report one problem of a kind, or only count it past REPORT_MAX. */
#define PROBLEM(v, kind, check, event, cp, ...)                                                    \
	do {                                                                                       \
		if ((v)->shown[kind] < REPORT_MAX) {                                               \
			(v)->shown[kind]++;                                                        \
			vreport_log((v)->out, check, event, cp, 1, __VA_ARGS__);                   \
		} else {                                                                           \
			(v)->hidden[kind]++;                                                       \
			(v)->out->res->failures++;                                                 \
		}                                                                                  \
	} while (0)

/* --- one event ------------------------------------------------------------ */

struct erow {
	int64_t seq;
	const char *time, *actor, *action, *entity;
	const char *record, *leaf;
	size_t record_len, leaf_len;
};

/* The leaf log_append() writes for these columns and record hash is the
 * only one that passes the checks below: compare bytes, parse only to
 * say what differs. */
static bool
leaf_as_written(const struct erow *e, const char *hex)
{
	struct srr_record *ev;
	if (!e->time || !e->actor || !e->action || !e->entity || srr_record_new(&ev, "event"))
		return false;
	srr_record_add_int(ev, "seq", e->seq);
	srr_record_add(ev, "time", e->time);
	srr_record_add(ev, "actor", e->actor);
	srr_record_add(ev, "action", e->action);
	srr_record_add(ev, "entity", e->entity);
	srr_record_add(ev, "record-sha256", hex);
	char *bytes = NULL, why[160];
	size_t len = 0;
	bool same = srr_record_serialize(&bytes, &len, ev, why, sizeof(why)) == 0 &&
		    len == e->leaf_len && memcmp(bytes, e->leaf, len) == 0;
	free(bytes);
	srr_record_free(ev);
	return same;
}

/* The event's leaf must say what its columns say. */
static void
check_leaf(struct vlog *v, const struct erow *e)
{
	char hex0[65];
	if (sha256_hex(v->reg, e->record, e->record_len, hex0) == 0 && leaf_as_written(e, hex0))
		return;
	struct srr_record *leaf = NULL;
	char why[160] = "";
	if (srr_record_parse(&leaf, e->leaf, e->leaf_len, why, sizeof(why)) != 0 ||
	    strcmp(srr_record_type(leaf), "event") != 0) {
		PROBLEM(v, K_EVENT, "event", e->seq, 0, "event %lld: its leaf is not an event record%s%s",
			(long long)e->seq, *why ? ": " : "", why);
		srr_record_free(leaf);
		return;
	}
	char seq[24], hex[65];
	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	const char *const names[] = { "seq", "time", "actor", "action", "entity" };
	const char *const cols[] = { seq, e->time, e->actor, e->action, e->entity };
	for (size_t i = 0; i < 5; i++) {
		const char *in_leaf = srr_record_get(leaf, names[i]);
		if (!cols[i] || strcmp(in_leaf, cols[i]) != 0) {
			PROBLEM(v, K_EVENT, "event", e->seq, 0,
				"event %lld: its leaf says %s '%s', the table '%s': the event was "
				"edited, or events were inserted, deleted or reordered",
				(long long)e->seq, names[i], in_leaf, cols[i] ? cols[i] : "");
			srr_record_free(leaf);
			return;
		}
	}
	if (sha256_hex(v->reg, e->record, e->record_len, hex) == 0 &&
	    strcmp(hex, srr_record_get(leaf, "record-sha256")) != 0)
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld: its record does not have the SHA-256 its leaf names: the "
			"record was changed",
			(long long)e->seq);
	srr_record_free(leaf);
}

/* The record must be canonical, and of the entity's type. */
static void
check_record(struct vlog *v, const struct erow *e)
{
	struct srr_record *rec = NULL;
	char why[160] = "";
	if (srr_record_parse(&rec, e->record, e->record_len, why, sizeof(why)) != 0) {
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld: its record is not canonical srr-record/1: %s", (long long)e->seq,
			why);
		return;
	}
	const char *type = srr_record_type(rec);
	size_t tl = strlen(type);
	if (!e->entity || strncmp(e->entity, type, tl) != 0 || e->entity[tl] != '/')
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld: a %s record cannot be the state of %s", (long long)e->seq, type,
			e->entity ? e->entity : "?");
	srr_record_free(rec);
}

/* Hold the tree against the checkpoints that end where it now does. */
static void
check_roots(struct vlog *v)
{
	merkle_hash root;
	bool have = false;
	for (; v->next_cp < v->n_cps && v->cps[v->next_cp].size == (int64_t)v->tree.size;
	     v->next_cp++) {
		const struct vcp *c = &v->cps[v->next_cp];
		if (!c->parsed)
			continue; /* its body is reported on its own */
		if (!have)
			merkle_frontier_root(&v->tree, root);
		have = true;
		if (memcmp(root, c->root, 32) == 0) {
			v->last_good = c->size;
			continue;
		}
		PROBLEM(v, K_ROOT, "checkpoint", v->last_good + 1, c->id,
			"C-%lld: the log's first %lld events do not have the root it signed: "
			"events %lld to %lld hold one that was changed, inserted, deleted or "
			"reordered since",
			(long long)c->id, (long long)c->size, (long long)v->last_good + 1,
			(long long)c->size);
	}
}

static void
check_event(struct vlog *v, const struct erow *e)
{
	int64_t expect = v->prev_seq + 1;
	v->prev_seq = e->seq;
	if (e->seq > expect)
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld follows event %lld: the events between were deleted",
			(long long)e->seq, (long long)expect - 1);
	else if (e->seq < expect)
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld follows event %lld: the log was reordered", (long long)e->seq,
			(long long)expect - 1);
	check_leaf(v, e);
	check_record(v, e);
	if (e->time && strcmp(e->time, v->prev_time) < 0)
		PROBLEM(v, K_EVENT, "event", e->seq, 0,
			"event %lld is dated %s, before the event ahead of it (%s): the log was "
			"reordered or its times edited",
			(long long)e->seq, e->time, v->prev_time);
	if (e->time)
		snprintf(v->prev_time, sizeof(v->prev_time), "%s", e->time);
	/* The tree is over the leaves as stored, whatever they say. */
	merkle_hash h;
	merkle_leaf_hash(h, e->leaf, e->leaf_len);
	merkle_frontier_append(&v->tree, h, NULL, NULL);
	if (v->prover && (int64_t)v->tree.size <= v->prove_to)
		merkle_prover_leaf(v->prover, h);
	if (v->since && (int64_t)v->tree.size == v->since->body.size) {
		merkle_hash root;
		merkle_frontier_root(&v->tree, root);
		v->since_match = memcmp(root, v->since->body.root, 32) == 0;
	}
	check_roots(v);
}

static int
walk_events(struct vlog *v)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(v->reg, "SELECT seq, time, actor, action, entity, record, leaf FROM event"
				 " ORDER BY seq");
	if (!st)
		return SRR_E_DB;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct erow e = {
			.seq = sqlite3_column_int64(st, 0),
			.time = (const char *)sqlite3_column_text(st, 1),
			.actor = (const char *)sqlite3_column_text(st, 2),
			.action = (const char *)sqlite3_column_text(st, 3),
			.entity = (const char *)sqlite3_column_text(st, 4),
			.record = sqlite3_column_blob(st, 5),
			.record_len = (size_t)sqlite3_column_bytes(st, 5),
			.leaf = sqlite3_column_blob(st, 6),
			.leaf_len = (size_t)sqlite3_column_bytes(st, 6),
		};
		if (!e.record)
			e.record = "";
		if (!e.leaf)
			e.leaf = "";
		check_event(v, &e);
		v->out->res->events++;
	}
	if (s != SQLITE_DONE)
		return reg_db_error(v->reg, "reading the event log");
	return 0;
}

/* --- the register's rows against the log ---------------------------------- */

/* Each entity's latest event must hold the state its rows give now. */
static int
check_logged_entity(struct vlog *v, const char *entity, int64_t seq, const void *logged,
		    size_t logged_len)
{
	_cleanup_free_ char *now = NULL;
	size_t len = 0;
	int rc = entity_record(v->reg, entity, &now, &len);
	if (rc == SRR_E_NOTFOUND) {
		PROBLEM(v, K_STATE, "state", seq, 0,
			"%s: event %lld logged it, but the register no longer holds it: its rows "
			"were deleted without an event",
			entity, (long long)seq);
		return 0;
	}
	if (rc == SRR_E_FORMAT) {
		PROBLEM(v, K_STATE, "state", seq, 0, "%s: changed without an event: %s", entity,
			srr_errmsg(v->reg));
		return 0;
	}
	if (rc == SRR_E_INPUT) {
		PROBLEM(v, K_STATE, "state", seq, 0, "event %lld names '%s', not an entity",
			(long long)seq, entity);
		return 0;
	}
	if (rc)
		return rc;
	if (len != logged_len || memcmp(now, logged, len) != 0)
		PROBLEM(v, K_STATE, "state", seq, 0,
			"%s: its rows differ from what its last event (%lld) logged: changed "
			"without an event",
			entity, (long long)seq);
	return 0;
}

static int
walk_logged(struct vlog *v)
{
	/* The latest event per entity, streamed from the (entity, seq) index;
	 * its record fetched by seq. */
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(v->reg, "SELECT entity, max(seq) FROM event GROUP BY entity");
	_cleanup_stmt_ sqlite3_stmt *rec = reg_stmt(v->reg, "SELECT record FROM event WHERE seq = ?1");
	if (!st || !rec)
		return SRR_E_DB;
	int s, rc = 0;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		v->out->res->entities++;
		int64_t seq = sqlite3_column_int64(st, 1);
		sqlite3_reset(rec);
		sqlite3_bind_int64(rec, 1, seq);
		if (sqlite3_step(rec) != SQLITE_ROW)
			return reg_db_error(v->reg, "reading the event log");
		rc = check_logged_entity(v, (const char *)sqlite3_column_text(st, 0), seq,
					 sqlite3_column_blob(rec, 0),
					 (size_t)sqlite3_column_bytes(rec, 0));
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = reg_db_error(v->reg, "reading the event log");
	return rc;
}

/* Every entity the register holds must have an event. */
static int
check_unlogged(void *userdata, const char *entity)
{
	struct vlog *v = userdata;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(v->reg, "SELECT 1 FROM event WHERE entity = ?1 LIMIT 1");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, entity);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		PROBLEM(v, K_STATE, "state", 0, 0,
			"%s: in the register, but no event logged it: inserted without an event",
			entity);
	else if (s != SQLITE_ROW)
		return reg_db_error(v->reg, "reading the event log");
	return 0;
}

/* --- checkpoints ---------------------------------------------------------- */

static void
check_checkpoint_bodies(struct vlog *v, int64_t log_size)
{
	size_t unsynced = 0;
	int64_t first = 0;
	for (size_t i = 0; i < v->n_cps; i++) {
		const struct vcp *c = &v->cps[i];
		if (!c->parsed) {
			vreport_log(v->out, "checkpoint", 0, c->id, 1, "C-%lld: %s",
				    (long long)c->id, c->why);
			continue;
		}
		if (strcmp(c->origin, v->reg->id) != 0)
			vreport_log(v->out, "checkpoint", 0, c->id, 1,
				    "C-%lld: signed for register %s, this is %s", (long long)c->id,
				    c->origin, v->reg->id);
		if (c->size > log_size)
			vreport_log(v->out, "checkpoint", 0, c->id, 1,
				    "C-%lld: signed %lld events, the log holds %lld: the log was "
				    "truncated",
				    (long long)c->id, (long long)c->size, (long long)log_size);
		if (!c->synced && unsynced++ == 0)
			first = c->id;
	}
	if (unsynced)
		vreport_log(v->out, "clock", 0, first, 0,
			    "%zu checkpoint%s (the first C-%lld) %s signed while the system clock "
			    "was not synchronised (NTP): %s only as good as that clock",
			    unsynced, unsynced == 1 ? "" : "s", (long long)first,
			    unsynced == 1 ? "was" : "were",
			    unsynced == 1 ? "its time is" : "their times are");
}

static void
report_hidden(struct vlog *v)
{
	static const char *const what[] = { "events", "checkpoints", "entities" };
	static const char *const check[] = { "event", "checkpoint", "state" };
	for (int k = 0; k < K_COUNT; k++)
		if (v->hidden[k])
			vreport_log(v->out, check[k], 0, 0, 0,
				    "and %zu more %s with problems like the ones above", v->hidden[k],
				    what[k]);
}

/* --- --since -------------------------------------------------------------- */

int
verify_since_load(struct srr_register *reg, const char *path, struct vsince *out)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(path, "rb");
	if (!f)
		return reg_error(reg, SRR_E_IO, "--since: %s: %s", path, strerror(errno));
	size_t n = fread(out->bytes, 1, sizeof(out->bytes), f);
	bool more = fgetc(f) != EOF;
	fclose(f);
	char why[160];
	if (more || checkpoint_parse(&out->body, out->bytes, n, why, sizeof(why)))
		return reg_error(reg, SRR_E_INPUT, "--since: %s: not an srr checkpoint: %s", path,
				 more ? "too long" : why);
	out->len = n;
	/* Its signature, as srr checkpoint export wrote it. */
	char sig[4096];
	if ((size_t)snprintf(sig, sizeof(sig), "%s.p7s", path) >= sizeof(sig) ||
	    !(f = fopen(sig, "rb")))
		return 0;
	enum { P7S_MAX = 1 << 16 };
	out->p7s = malloc(P7S_MAX);
	if (!out->p7s) {
		fclose(f);
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	}
	out->p7s_len = fread(out->p7s, 1, P7S_MAX, f);
	more = fgetc(f) != EOF;
	bool bad = ferror(f);
	fclose(f);
	if (more || bad) {
		free(out->p7s);
		out->p7s = NULL;
		return reg_error(reg, SRR_E_INPUT, "--since: %s: %s", sig,
				 more ? "too long for a signature" : strerror(errno));
	}
	return 0;
}

/* The checkpoint kept earlier against the log: its root directly, and a
 * consistency proof (RFC 9162 2.1.4) to the newest signed checkpoint. */
static void
check_since(struct vlog *v, const struct vsince *s)
{
	const struct checkpoint_body *b = &s->body;
	if (strcmp(b->origin, v->reg->id) != 0) {
		vreport_log(v->out, "since", 0, 0, 1,
			    "the kept checkpoint is of register %s, this is %s", b->origin,
			    v->reg->id);
		return;
	}
	if (v->since_match < 0) {
		vreport_log(v->out, "since", 0, 0, 1,
			    "the kept checkpoint signed %lld events, the log holds %llu: the log "
			    "was truncated",
			    (long long)b->size, (unsigned long long)v->tree.size);
		return;
	}
	if (v->since_match == 0) {
		vreport_log(v->out, "since", 0, 0, 1,
			    "the log's first %lld events are not the ones the kept checkpoint "
			    "signed: history was rewritten",
			    (long long)b->size);
		return;
	}
	if (!v->prover) {
		vreport_log(v->out, "since", 0, 0, 1,
			    "the log's first %lld events are the ones the kept checkpoint signed, "
			    "but no signed checkpoint here covers as many: checkpoints were removed",
			    (long long)b->size);
		return;
	}
	merkle_hash old_root, new_root;
	const merkle_hash *proof;
	size_t len;
	if (merkle_prover_old_root(v->prover, s->slot, old_root) ||
	    merkle_prover_proof(v->prover, s->slot, &proof, &len) ||
	    merkle_prover_root(v->prover, new_root)) {
		vreport_log(v->out, "since", 0, 0, 1, "the log ends before event %lld",
			    (long long)v->prove_to);
		return;
	}
	const struct vcp *to = &v->cps[s->to];
	if (memcmp(old_root, b->root, 32) != 0)
		vreport_log(v->out, "since", 0, 0, 1,
			    "the log's first %lld events are not the ones the kept checkpoint "
			    "signed: history was rewritten",
			    (long long)b->size);
	else if (memcmp(new_root, to->root, 32) != 0 ||
		 merkle_verify_consistency((uint64_t)b->size, (uint64_t)to->size, b->root,
					   to->root, proof, len) != 0)
		vreport_log(v->out, "since", 0, to->id, 1,
			    "no consistency proof from the kept checkpoint (%lld events) to C-%lld "
			    "(%lld events)",
			    (long long)b->size, (long long)to->id, (long long)to->size);
	else
		vreport_log(v->out, "since", 0, to->id, 0,
			    "the log of the kept checkpoint (%lld events) is the start of C-%lld "
			    "(%lld events): consistency proof of %zu hash%s verified",
			    (long long)b->size, (long long)to->id, (long long)to->size, len,
			    len == 1 ? "" : "es");
}

/* The largest parsed checkpoint of at least size and at most max events
 * (one the log can still prove against), or -1. */
static long
newest_covering(const struct vcp *cps, size_t n, int64_t size, int64_t max)
{
	long best = -1;
	for (size_t i = 0; i < n; i++)
		if (cps[i].parsed && cps[i].size >= size && cps[i].size <= max &&
		    (best < 0 || cps[i].size > cps[best].size))
			best = (long)i;
	return best;
}

int
verify_log(struct srr_register *reg, struct vreport *out, const struct vcp *cps, size_t n_cps,
	   struct vsince *since)
{
	struct vlog *v = calloc(1, sizeof(*v));
	if (!v)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	*v = (struct vlog){
		.reg = reg, .out = out, .cps = cps, .n_cps = n_cps, .since = since, .since_match = -1
	};
	merkle_frontier_init(&v->tree);
	int64_t log_size = 0;
	int rc = srr_log_size(&log_size, reg);
	if (rc == 0 && since) {
		long to = newest_covering(cps, n_cps, since->body.size, log_size);
		if (to >= 0) {
			since->to = (size_t)to;
			v->prove_to = cps[to].size;
			if (merkle_prover_new(&v->prover, (uint64_t)v->prove_to) ||
			    (since->slot = merkle_prover_want_consistency(
				     v->prover, (uint64_t)since->body.size)) < 0)
				rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
		}
	}
	if (rc == 0) {
		check_checkpoint_bodies(v, log_size);
		rc = walk_events(v);
	}
	if (rc == 0)
		rc = walk_logged(v);
	if (rc == 0)
		rc = entity_each(reg, check_unlogged, v);
	if (rc == 0 && since)
		check_since(v, since);
	if (rc == 0) {
		report_hidden(v);
		for (size_t i = 0; i < n_cps; i++)
			if (cps[i].parsed && cps[i].size <= log_size && cps[i].size > out->res->covered)
				out->res->covered = cps[i].size;
		if (log_size > out->res->covered)
			vreport_log(out, "checkpoint", 0, 0, 0,
				    "the last %lld event%s %s not covered by a signed checkpoint yet",
				    (long long)(log_size - out->res->covered),
				    log_size - out->res->covered == 1 ? "" : "s",
				    log_size - out->res->covered == 1 ? "is" : "are");
	}
	merkle_prover_free(v->prover);
	free(v);
	return rc;
}
