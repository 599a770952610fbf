/* SPDX-License-Identifier: MIT */
/*
 * Supplier reviews and their evidence (hashed, referenced, not copied).
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import-private.h"
#include "libsrr-private.h"
#include "review-private.h"
#include "list-private.h"
#include "log-private.h"
#include "srr/review.h"
#include "supplier-private.h"
#include "util/arena.h"
#include "util/date.h"

#define FINDINGS_MAX 65536
#define EVIDENCE_MAX 64

static const char *const outcome_names[] = { NULL, "pass", "conditional", "fail" };

SRR_EXPORT const char *
srr_outcome_name(enum srr_outcome o)
{
	return o > SRR_OUTCOME_NONE && o <= SRR_OUTCOME_FAIL ? outcome_names[o] : NULL;
}

SRR_EXPORT enum srr_outcome
srr_outcome_from_name(const char *name)
{
	for (int o = SRR_OUTCOME_PASS; name && o <= SRR_OUTCOME_FAIL; o++)
		if (strcmp(outcome_names[o], name) == 0)
			return (enum srr_outcome)o;
	return SRR_OUTCOME_NONE;
}

struct srr_review_list {
	LIST_FIELDS(struct srr_review);
};

struct hashed {
	char path[PATH_MAX];
	char sha256[65];
	int64_t size;
};

/* Hash a file in chunks: evidence can be large (scan reports, videos). */
static int
hash_file(struct srr_register *reg, const char *path, struct hashed *out)
{
	if (!realpath(path, out->path))
		return reg_error(reg, errno == ENOENT ? SRR_E_NOTFOUND : SRR_E_IO,
				 "evidence file %s: %s", path, strerror(errno));
	/* Not blocking on a FIFO's open, and regular files only: /dev/zero or
	 * a pipe would be hashed forever. */
	int fd = open(out->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return reg_error(reg, SRR_E_IO, "evidence file %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return reg_error(reg, SRR_E_INPUT, "evidence file %s: not a regular file", path);
	}
	/* The name is recorded: it must be text a record and YAML can hold. */
	char what[PATH_MAX + 32];
	snprintf(what, sizeof(what), "evidence file %s: its name", path);
	int rc = reg_check_text(reg, what, out->path, PATH_MAX, false);
	FILE *f = rc ? NULL : fdopen(fd, "rb");
	if (!f) {
		int e = errno;
		close(fd);
		return rc ? rc
			  : reg_error(reg, SRR_E_IO, "evidence file %s: %s", path, strerror(e));
	}
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		fclose(f);
		return reg_error(reg, SRR_E_IO, "SHA-256 unavailable");
	}
	unsigned char buf[65536], md[32];
	size_t n;
	out->size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		gnutls_hash(h, buf, n);
		out->size += (int64_t)n;
	}
	bool bad = ferror(f);
	fclose(f);
	gnutls_hash_deinit(h, md);
	if (bad)
		return reg_error(reg, SRR_E_IO, "evidence file %s: read error", path);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out->sha256 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
check_review(struct srr_register *reg, const struct srr_review *r)
{
	int64_t days;
	char today[DATE_LEN + 1];
	if (!r->date || !date_parse(r->date, &days))
		return reg_error(reg, SRR_E_INPUT,
				 "review date '%s' is not a valid date (YYYY-MM-DD)",
				 r->date ? r->date : "");
	if (days > reg_today(reg)) {
		date_format(today, reg_today(reg));
		return reg_error(reg, SRR_E_INPUT, "review date %s is in the future (today is %s)",
				 r->date, today);
	}
	if (!srr_outcome_name(r->outcome))
		return reg_error(reg, SRR_E_INPUT,
				 "review outcome must be pass, conditional or fail");
	if (r->findings) {
		int rc = reg_check_text(reg, "review findings", r->findings, FINDINGS_MAX, true);
		if (rc)
			return rc;
	}
	if (r->n_evidence > EVIDENCE_MAX)
		return reg_error(reg, SRR_E_INPUT, "more than %d evidence files", EVIDENCE_MAX);
	return 0;
}

int
review_record(struct srr_register *reg, int64_t id, struct srr_record **out)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT s.key, r.date, r.outcome, r.reviewer, r.findings"
			      " FROM review r JOIN supplier s ON s.id = r.supplier_id WHERE r.id = ?1");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		return reg_error(reg, SRR_E_NOTFOUND, "no review %lld", (long long)id);
	if (s != SQLITE_ROW)
		return reg_db_error(reg, "reading a review");
	struct srr_record *rec;
	if (srr_record_new(&rec, "review"))
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	srr_record_add_int(rec, "id", id);
	for (int i = 0; i < 5; i++) {
		static const char *const names[] = { "supplier", "date", "outcome", "reviewer",
						     "findings" };
		srr_record_add(rec, names[i], (const char *)sqlite3_column_text(st, i));
	}
	_cleanup_stmt_ sqlite3_stmt *ev = reg_stmt(
		reg, "SELECT path, sha256, size FROM review_evidence WHERE review_id = ?1 ORDER BY pos");
	if (!ev) {
		srr_record_free(rec);
		return SRR_E_DB;
	}
	sqlite3_bind_int64(ev, 1, id);
	while ((s = sqlite3_step(ev)) == SQLITE_ROW) {
		srr_record_add(rec, "evidence", (const char *)sqlite3_column_text(ev, 0));
		srr_record_add(rec, "evidence-sha256", (const char *)sqlite3_column_text(ev, 1));
		srr_record_add_int(rec, "evidence-size", sqlite3_column_int64(ev, 2));
	}
	if (s != SQLITE_DONE) {
		srr_record_free(rec);
		return reg_db_error(reg, "reading review evidence");
	}
	*out = rec;
	return 0;
}

int
review_entities(struct srr_register *reg, entity_fn fn, void *userdata)
{
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "SELECT 'review/' || id FROM review ORDER BY id");
	return st ? entity_each_row(reg, st, fn, userdata) : SRR_E_DB;
}

static int
do_record(struct srr_register *reg, const struct srr_review *r, int64_t *id)
{
	int64_t sid;
	int rc = supplier_lookup(reg, r->supplier, &sid, NULL);
	if (rc == 0)
		rc = check_review(reg, r);
	if (rc)
		return rc;
	struct hashed *ev = calloc(r->n_evidence ? r->n_evidence : 1, sizeof(*ev));
	if (!ev)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < r->n_evidence; i++) {
		rc = hash_file(reg, r->evidence[i].path, &ev[i]);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(ev[i].path, ev[j].path) == 0)
				rc = reg_error(reg, SRR_E_INPUT, "evidence file %s is given twice",
					       ev[i].path);
	}
	char now[21];
	reg_now(now);
	if (rc == 0) {
		_cleanup_stmt_ sqlite3_stmt *st =
			reg_stmt(reg, "INSERT INTO review (supplier_id, date, outcome, findings,"
				      " reviewer, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			sqlite3_bind_int64(st, 1, sid);
			bind_text(st, 2, r->date);
			bind_text(st, 3, srr_outcome_name(r->outcome));
			bind_text(st, 4, r->findings && *r->findings ? r->findings : NULL);
			bind_text(st, 5, reg_actor(reg));
			bind_text(st, 6, now);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "recording a review");
			*id = sqlite3_last_insert_rowid(reg->db);
		}
	}
	for (size_t i = 0; rc == 0 && i < r->n_evidence; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO review_evidence (review_id, pos, path, sha256, size)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)");
		if (!st) {
			rc = SRR_E_DB;
			break;
		}
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, ev[i].path);
		bind_text(st, 4, ev[i].sha256);
		sqlite3_bind_int64(st, 5, ev[i].size);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = reg_db_error(reg, "recording review evidence");
	}
	if (rc == 0) {
		struct srr_record *rec = NULL;
		rc = review_record(reg, *id, &rec);
		char entity[48];
		snprintf(entity, sizeof(entity), "review/%lld", (long long)*id);
		if (rc == 0)
			rc = log_append(reg, "review.record", entity, rec);
		srr_record_free(rec);
	}
	free(ev);
	return rc;
}

SRR_EXPORT int
srr_review_record(struct srr_register *reg, const struct srr_review *review, int64_t *id)
{
	int64_t dummy;
	if (!id)
		id = &dummy;
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, do_record(reg, review, id));
}

static int
load_evidence(struct srr_register *reg, struct srr_review_list *l, struct srr_review *r)
{
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg,
		"SELECT path, sha256, size FROM review_evidence WHERE review_id = ?1 ORDER BY pos");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, r->id);
	struct srr_evidence *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!arena_push(&l->arena, &v, n, &cap, sizeof(*v)))
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		v[n].path = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 0));
		v[n].sha256 = arena_strdup(&l->arena, (const char *)sqlite3_column_text(st, 1));
		v[n].size = sqlite3_column_int64(st, 2);
		if (!v[n].path || !v[n].sha256)
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		n++;
	}
	if (rc != SQLITE_DONE)
		return reg_db_error(reg, "reading review evidence");
	r->evidence = v;
	r->n_evidence = n;
	return 0;
}

SRR_EXPORT int
srr_review_list_new(struct srr_review_list **out, struct srr_register *reg, const char *supplier)
{
	int rc = reg_require_open(reg);
	int64_t sid;
	if (rc == 0 && supplier)
		rc = supplier_lookup(reg, supplier, &sid, NULL);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT r.id, s.key, r.date, r.outcome, r.findings, r.reviewer, r.created"
		     " FROM review r JOIN supplier s ON s.id = r.supplier_id"
		     " WHERE ?1 IS NULL OR s.key = ?1 ORDER BY r.date DESC, r.id DESC");
	if (!st)
		return SRR_E_DB;
	bind_text(st, 1, supplier);
	struct srr_review_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_review *r = list_push(&l->items, l->n, &l->cap, sizeof(*r));
		if (!r)
			break;
		struct arena *a = &l->arena;
		r->id = sqlite3_column_int64(st, 0);
		r->supplier = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
		r->date = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
		r->outcome = srr_outcome_from_name((const char *)sqlite3_column_text(st, 3));
		r->findings = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
		r->reviewer = arena_strdup(a, (const char *)sqlite3_column_text(st, 5));
		r->created = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
		if (!r->supplier || !r->date || !r->reviewer || !r->created)
			break;
		int erc = load_evidence(reg, l, r);
		if (erc) {
			srr_review_list_free(l);
			return erc;
		}
		l->n++;
	}
	if (rc != SQLITE_DONE) {
		srr_review_list_free(l);
		return rc == SQLITE_ROW ? reg_error(reg, SRR_E_NOMEM, "out of memory")
					: reg_db_error(reg, "reading reviews");
	}
	*out = l;
	return 0;
}

DEFINE_LIST_ACCESSORS(review, struct srr_review)


static int
write_evidence(struct srr_register *reg, int64_t id, const struct srr_evidence *ev, size_t n,
	       bool fresh)
{
	_cleanup_stmt_ sqlite3_stmt *del =
		fresh ? NULL : reg_stmt(reg, "DELETE FROM review_evidence WHERE review_id = ?1");
	if (!fresh && !del)
		return SRR_E_DB;
	if (!fresh && (sqlite3_bind_int64(del, 1, id), sqlite3_step(del) != SQLITE_DONE))
		return reg_db_error(reg, "writing review evidence");
	for (size_t i = 0; i < n; i++) {
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO review_evidence (review_id, pos, path, sha256, size)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)");
		if (!st)
			return SRR_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_text(st, 3, ev[i].path);
		bind_text(st, 4, ev[i].sha256);
		sqlite3_bind_int64(st, 5, ev[i].size);
		if (sqlite3_step(st) != SQLITE_DONE)
			return reg_db_error(reg, "writing review evidence");
	}
	return 0;
}

static bool
is_sha256_hex(const char *s)
{
	size_t n = 0;
	for (; s && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')); n++)
		;
	return s && n == 64 && !s[n];
}

/* Import: the review's state becomes *r. Evidence given by path alone is
 * hashed from the file, as srr_review_record() does. */
int
review_put(struct srr_register *reg, const struct put_ctx *ctx, struct srr_review *r,
	   enum put_result *result)
{
	int64_t sid;
	int rc = put_supplier_id(reg, ctx, r->supplier, &sid);
	if (rc == 0)
		rc = check_review(reg, r);
	if (rc == 0 && r->reviewer)
		rc = reg_check_text(reg, "reviewer", r->reviewer, 256, false);
	if (rc == 0)
		rc = put_match_id(reg, ctx, "review", "SELECT supplier_id FROM review WHERE id = ?1",
				  "SELECT id FROM review WHERE supplier_id = ?1 AND date = ?2"
				  " LIMIT 2",
				  sid, r->supplier, "date", r->date, &r->id);
	if (rc)
		return rc;
	struct srr_evidence *ev = calloc(r->n_evidence ? r->n_evidence : 1, sizeof(*ev));
	struct hashed *hashed = calloc(r->n_evidence ? r->n_evidence : 1, sizeof(*hashed));
	if (!ev || !hashed)
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < r->n_evidence; i++) {
		ev[i] = r->evidence[i];
		if (!ev[i].sha256) {
			rc = hash_file(reg, ev[i].path, &hashed[i]);
			ev[i].path = hashed[i].path;
			ev[i].sha256 = hashed[i].sha256;
			ev[i].size = hashed[i].size;
		} else if (!is_sha256_hex(ev[i].sha256)) {
			rc = reg_error(reg, SRR_E_INPUT,
				       "evidence sha256 '%s' is not 64 lowercase hex digits",
				       ev[i].sha256);
		} else if (ev[i].size < 0) {
			rc = reg_error(reg, SRR_E_INPUT, "evidence size must be 0 or more");
		}
		if (rc == 0)
			rc = reg_check_text(reg, "evidence path", ev[i].path, PATH_MAX, false);
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(ev[i].path, ev[j].path) == 0)
				rc = reg_error(reg, SRR_E_INPUT, "evidence file %s is given twice",
					       ev[i].path);
	}
	const char *reviewer = r->reviewer ? r->reviewer : reg_actor(reg);
	const char *findings = r->findings && *r->findings ? r->findings : NULL;
	struct srr_record *rec = NULL;
	char entity[48];
	*result = PUT_ADDED;
	if (rc == 0 && r->id) {
		snprintf(entity, sizeof(entity), "review/%lld", (long long)r->id);
		/* The record as it would be: build it the one way, from rows of
		 * a review that would say exactly this. Cheaper: compare field
		 * by field through a record made here. */
		if (srr_record_new(&rec, "review")) {
			rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
		} else {
			srr_record_add_int(rec, "id", r->id);
			srr_record_add(rec, "supplier", r->supplier);
			srr_record_add(rec, "date", r->date);
			srr_record_add(rec, "outcome", srr_outcome_name(r->outcome));
			srr_record_add(rec, "reviewer", reviewer);
			srr_record_add(rec, "findings", findings);
			for (size_t i = 0; i < r->n_evidence; i++) {
				srr_record_add(rec, "evidence", ev[i].path);
				srr_record_add(rec, "evidence-sha256", ev[i].sha256);
				srr_record_add_int(rec, "evidence-size", ev[i].size);
			}
			rc = put_compare(reg, ctx, entity, rec, result);
		}
	}
	if (rc == 0 && *result != PUT_SAME) {
		char now[21];
		reg_now(now);
		_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
			reg, "INSERT INTO review (id, supplier_id, date, outcome, findings, reviewer,"
			     " created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE"
			     " SET date = excluded.date, outcome = excluded.outcome,"
			     " findings = excluded.findings, reviewer = excluded.reviewer");
		if (!st) {
			rc = SRR_E_DB;
		} else {
			if (r->id)
				sqlite3_bind_int64(st, 1, r->id);
			sqlite3_bind_int64(st, 2, sid);
			bind_text(st, 3, r->date);
			bind_text(st, 4, srr_outcome_name(r->outcome));
			bind_text(st, 5, findings);
			bind_text(st, 6, reviewer);
			bind_text(st, 7, now);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = reg_db_error(reg, "writing a review");
			else if (!r->id)
				r->id = sqlite3_last_insert_rowid(reg->db);
		}
		if (rc == 0)
			rc = write_evidence(reg, r->id, ev, r->n_evidence, *result == PUT_ADDED);
		if (rc == 0 && !rec) {
			snprintf(entity, sizeof(entity), "review/%lld", (long long)r->id);
			rc = review_record(reg, r->id, &rec);
		}
		if (rc == 0)
			rc = put_log(reg, ctx, entity, rec, *result);
	}
	srr_record_free(rec);
	free(ev);
	free(hashed);
	return rc;
}
