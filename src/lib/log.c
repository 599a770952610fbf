/* SPDX-License-Identifier: MIT */
/*
 * The audit log: events appended in the change's own transaction.
 */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "merkle-private.h"
#include "srr/log.h"
#include "util/arena.h"

int
log_serialize(struct srr_register *reg, const struct srr_record *rec, char **out, size_t *len)
{
	char why[160] = "";
	int rc = srr_record_serialize(out, len, rec, why, sizeof(why));
	if (rc == SRR_E_NOMEM)
		return reg_error(reg, rc, "out of memory");
	if (rc)
		return reg_error(reg, SRR_E_INPUT, "%s record: %s", srr_record_type(rec), why);
	return 0;
}

int
sha256_hex(struct srr_register *reg, const void *data, size_t len, char hex[65])
{
	unsigned char md[32];
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md) < 0)
		return reg_error(reg, SRR_E_IO, "SHA-256 failed");
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof(md); i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

static int
next_seq(struct srr_register *reg, int64_t *seq)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT coalesce(max(seq), 0) + 1 FROM event");
	if (!st)
		return SRR_E_DB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return reg_db_error(reg, "reading the event log");
	*seq = sqlite3_column_int64(st, 0);
	return 0;
}

/* --- the hash tree ------------------------------------------------------ */

/* Rebuild the frontier from the first size leaves: after the migration
 * that brought the tree, or when the stored one does not match the log. */
static int
frontier_rebuild(struct srr_register *reg, struct merkle_frontier *f, int64_t size)
{
	merkle_frontier_init(f);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT leaf FROM event WHERE seq <= ?1 ORDER BY seq");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, size);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		merkle_hash h;
		merkle_leaf_hash(h, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		merkle_frontier_append(f, h, NULL, NULL);
	}
	if (s != SQLITE_DONE)
		return reg_db_error(reg, "reading the event log");
	if (f->size != (uint64_t)size)
		return reg_error(reg, SRR_E_FORMAT,
				 "the event log has gaps: %llu events up to event %lld",
				 (unsigned long long)f->size, (long long)size);
	return 0;
}

/* The frontier of the log's first size events: the cached one, the stored
 * one, or rebuilt from the leaves, in that order. */
static int
frontier_get(struct srr_register *reg, int64_t size, struct merkle_frontier **out)
{
	if (!reg->frontier && !(reg->frontier = malloc(sizeof(*reg->frontier))))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	struct merkle_frontier *f = reg->frontier;
	*out = f;
	if (reg->frontier_valid && f->size == (uint64_t)size)
		return 0;
	reg->frontier_valid = false;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT frontier FROM log_state WHERE id = 1 AND size = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, size);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return reg_db_error(reg, "reading the log's hash tree");
	int rc = 0;
	if (s != SQLITE_ROW || merkle_frontier_decode(f, sqlite3_column_blob(st, 0),
						      (size_t)sqlite3_column_bytes(st, 0)) ||
	    f->size != (uint64_t)size)
		rc = frontier_rebuild(reg, f, size);
	if (rc == 0)
		reg->frontier_valid = true;
	return rc;
}

/* Add the new leaf to the tree. The frontier is stored once, when the
 * change's transaction commits (log_store_frontier): one write per change
 * however many events it appends. */
static int
frontier_append(struct srr_register *reg, int64_t seq, const char *leaf, size_t len)
{
	struct merkle_frontier *f;
	int rc = frontier_get(reg, seq - 1, &f);
	if (rc)
		return rc;
	merkle_hash h;
	merkle_leaf_hash(h, leaf, len);
	merkle_frontier_append(f, h, NULL, NULL);
	reg->frontier_dirty = true;
	return 0;
}

int
log_store_frontier(struct srr_register *reg)
{
	if (!reg->frontier_dirty)
		return 0;
	reg->frontier_dirty = false;
	/* After a savepoint rolled back the cache is no longer the log's:
	 * leave the stored one, whose size then differs from the log's, to be
	 * rebuilt from the leaves when next needed. */
	if (!reg->frontier_valid)
		return 0;
	struct merkle_frontier *f = reg->frontier;
	unsigned char buf[8 + 64 * MERKLE_HASH_LEN];
	size_t n = merkle_frontier_encode(f, buf);
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO log_state (id, size, frontier) VALUES (1, ?1, ?2)"
			      " ON CONFLICT (id) DO UPDATE SET size = excluded.size,"
			      " frontier = excluded.frontier");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, (int64_t)f->size);
	sqlite3_bind_blob(st, 2, buf, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "storing the log's hash tree");
	return 0;
}

int
log_root(struct srr_register *reg, int64_t *size, unsigned char root[32])
{
	int rc = srr_log_size(size, reg);
	struct merkle_frontier *f;
	if (rc == 0)
		rc = frontier_get(reg, *size, &f);
	if (rc == 0)
		merkle_frontier_root(f, root);
	return rc;
}

int
log_append(struct srr_register *reg, const char *action, const char *entity,
	   const struct srr_record *rec)
{
	if (reg->tx_depth == 0)
		return reg_error(reg, SRR_E_STATE, "internal error: %s outside a transaction",
				 action);
	_cleanup_free_ char *bytes = NULL;
	size_t len;
	int rc = log_serialize(reg, rec, &bytes, &len);
	if (rc)
		return rc;
	char hex[65], now[21];
	rc = sha256_hex(reg, bytes, len, hex);
	if (rc)
		return rc;
	int64_t seq = reg->tx_next_seq;
	if (seq == 0 && (rc = next_seq(reg, &seq)))
		return rc;
	reg_now(now);

	struct srr_record *ev;
	if (srr_record_new(&ev, "event"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(ev, "seq", seq);
	srr_record_add(ev, "time", now);
	srr_record_add(ev, "actor", reg_actor(reg));
	srr_record_add(ev, "action", action);
	srr_record_add(ev, "entity", entity);
	srr_record_add(ev, "record-sha256", hex);
	_cleanup_free_ char *leaf = NULL;
	size_t leaf_len;
	rc = log_serialize(reg, ev, &leaf, &leaf_len);
	srr_record_free(ev);
	if (rc)
		return rc;

	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO event (seq, time, actor, action, entity, record, leaf)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, seq);
	bind_text(st, 2, now);
	bind_text(st, 3, reg_actor(reg));
	bind_text(st, 4, action);
	bind_text(st, 5, entity);
	sqlite3_bind_blob(st, 6, bytes, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, leaf, (int)leaf_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "appending to the event log");
	rc = frontier_append(reg, seq, leaf, leaf_len);
	if (rc == 0)
		reg->tx_next_seq = seq + 1;
	return rc;
}

struct srr_event_list {
	LIST_FIELDS(struct srr_event);
};

SRR_EXPORT int
srr_log_size(int64_t *out, struct srr_register *reg)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(reg, "SELECT count(*) FROM event");
	if (!st)
		return SRR_E_DB;
	if (sqlite3_step(st) != SQLITE_ROW)
		return reg_db_error(reg, "reading the event log");
	*out = sqlite3_column_int64(st, 0);
	return 0;
}

SRR_EXPORT int
srr_event_list_new(struct srr_event_list **out, struct srr_register *reg, int64_t since,
		   size_t limit)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT seq, time, actor, action, entity, record, leaf FROM event"
			      " WHERE seq > ?1 ORDER BY seq LIMIT ?2");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);

	struct srr_event_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_event *e = list_push(&l->items, l->n, &l->cap, sizeof(*e));
		if (!e)
			goto oom;
		e->seq = sqlite3_column_int64(st, 0);
		e->time = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 1));
		e->actor = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 2));
		e->action = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 3));
		e->entity = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 4));
		e->record_len = (size_t)sqlite3_column_bytes(st, 5);
		e->record = arena_strndup(&l->arena, sqlite3_column_blob(st, 5), e->record_len);
		e->leaf_len = (size_t)sqlite3_column_bytes(st, 6);
		e->leaf = arena_strndup(&l->arena, sqlite3_column_blob(st, 6), e->leaf_len);
		if (!e->time || !e->actor || !e->action || !e->entity || !e->record || !e->leaf)
			goto oom;
		l->n++;
	}
	if (rc != SQLITE_DONE) {
		srr_event_list_free(l);
		return reg_db_error(reg, "reading the event log");
	}
	*out = l;
	return 0;
oom:
	srr_event_list_free(l);
	return reg_error(reg, SRR_E_NOMEM, "out of memory");
}

DEFINE_LIST_ACCESSORS(event, struct srr_event)
