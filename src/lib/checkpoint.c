/* SPDX-License-Identifier: MIT */
/*
 * Signed checkpoints: the log's size and tree root in C2SP
 * tlog-checkpoint form, signed with a key on a token.
 *
 * A checkpoint is not an event: it signs the log, it is not in it (an
 * event for it could only be covered by the next checkpoint). The table
 * is append-only like the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#include "approval-private.h"
#include "cert-private.h"
#include "checkpoint-private.h"
#include "files-private.h"
#include "libsrr-private.h"
#include "list-private.h"
#include "log-private.h"
#include "policy-private.h"
#include "srr/checkpoint.h"
#include "util/text.h"

int
checkpoint_clock_synced(void)
{
	/* Read-only (modes 0): no privilege needed. TIME_ERROR, or the
	 * kernel's STA_UNSYNC flag, means nothing disciplines the clock. */
	struct timex tx = { 0 };
	int state = ntp_adjtime(&tx);
	return state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

/* --- the body ------------------------------------------------------------ */

static int
base64_root(const unsigned char root[32], char out[45])
{
	gnutls_datum_t in = { (unsigned char *)root, 32 }, b = { NULL, 0 };
	if (gnutls_base64_encode2(&in, &b) < 0 || b.size != 44) {
		gnutls_free(b.data);
		return -1;
	}
	memcpy(out, b.data, 44);
	out[44] = '\0';
	gnutls_free(b.data);
	return 0;
}

int
checkpoint_body(char *buf, size_t size, const char *origin, int64_t tree_size,
		const unsigned char root[32], int synced)
{
	char b64[45];
	if (base64_root(root, b64))
		return -1;
	int n = snprintf(buf, size, "%s\n%lld\n%s\nclock %s\n", origin, (long long)tree_size, b64,
			 synced ? "synchronised" : "unsynchronised");
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* One line of body at *p, ended by LF, into line (NUL-terminated). */
static int
take_line(const char **p, const char *end, char *line, size_t size)
{
	const char *lf = memchr(*p, '\n', (size_t)(end - *p));
	if (!lf || (size_t)(lf - *p) >= size || lf == *p)
		return -1;
	memcpy(line, *p, (size_t)(lf - *p));
	line[lf - *p] = '\0';
	*p = lf + 1;
	return 0;
}

__attribute__((format(printf, 3, 4))) static int
bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -1;
}

int
checkpoint_parse(struct checkpoint_body *out, const char *body, size_t len, char *why,
		 size_t why_size)
{
	const char *p = body, *end = body + len;
	char line[128];
	memset(out, 0, sizeof(*out));
	if (memchr(body, '\0', len))
		return bad(why, why_size, "holds a NUL byte");
	if (take_line(&p, end, line, sizeof(line)) || strlen(line) != 32 ||
	    strspn(line, "0123456789abcdef") != 32)
		return bad(why, why_size, "line 1: not a register id (32 hex digits)");
	memcpy(out->origin, line, 33);
	if (take_line(&p, end, line, sizeof(line)) || line[0] < '1' || line[0] > '9' ||
	    strlen(line) > 18 || strspn(line, "0123456789") != strlen(line))
		return bad(why, why_size, "line 2: not a tree size (a decimal number from 1)");
	out->size = strtoll(line, NULL, 10);
	gnutls_datum_t in = { (unsigned char *)line, 0 }, raw = { NULL, 0 };
	if (take_line(&p, end, line, sizeof(line)) || strlen(line) != 44)
		return bad(why, why_size, "line 3: not a base64 SHA-256 root hash");
	in.size = 44;
	int err = gnutls_base64_decode2(&in, &raw);
	bool ok = err >= 0 && raw.size == 32;
	if (ok)
		memcpy(out->root, raw.data, 32);
	gnutls_free(raw.data);
	char again[45];
	if (!ok || base64_root(out->root, again) || strcmp(again, line) != 0)
		return bad(why, why_size, "line 3: not a base64 SHA-256 root hash");
	memcpy(out->root_b64, line, 45);
	if (take_line(&p, end, line, sizeof(line)))
		return bad(why, why_size, "line 4: no clock line");
	if (strcmp(line, "clock synchronised") == 0)
		out->synced = 1;
	else if (strcmp(line, "clock unsynchronised") != 0)
		return bad(why, why_size,
			   "line 4: not 'clock synchronised' or 'clock unsynchronised'");
	if (p != end)
		return bad(why, why_size, "line 5: data after the clock line");
	return 0;
}

/* --- signing ------------------------------------------------------------- */

int
checkpoint_add(struct srr_register *reg, struct srr_token *tok, const struct cert *signer,
	       int synced, int64_t *id)
{
	if (reg->tx_depth == 0)
		return reg_error(reg, SRR_E_STATE, "internal error: checkpoint outside a transaction");
	int64_t size;
	unsigned char root[32];
	int rc = log_root(reg, &size, root);
	if (rc)
		return rc;
	char body[256];
	int len = checkpoint_body(body, sizeof(body), reg->id, size, root, synced);
	if (len < 0)
		return reg_error(reg, SRR_E_NOMEM, "checkpoint: cannot encode the root");
	_cleanup_free_ unsigned char *p7s = NULL;
	size_t p7s_len = 0;
	char signed_at[21];
	rc = signer_sign(reg, tok, body, (size_t)len, &p7s, &p7s_len, signed_at);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st =
		reg_stmt(reg, "INSERT INTO checkpoint (size, body, p7s, cert, signed, actor)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_blob(st, 2, body, len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, p7s, (int)p7s_len, SQLITE_STATIC);
	bind_text(st, 4, signer->sha256);
	bind_text(st, 5, signed_at);
	bind_text(st, 6, reg_actor(reg));
	if (sqlite3_step(st) != SQLITE_DONE)
		return reg_db_error(reg, "storing a checkpoint");
	if (id)
		*id = sqlite3_last_insert_rowid(reg->db);
	return 0;
}

int
checkpoint_sign_with(struct srr_register *reg, struct srr_token *tok, int synced, int64_t *id)
{
	struct srr_policy_list *pl = NULL;
	struct cert_list cl = { 0 };
	int rc = policy_current(&pl, reg);
	if (rc == 0)
		rc = signer_cert(reg, tok, &cl);
	if (rc == 0)
		rc = signer_check(reg, srr_policy_list_get(pl, 0), &cl.v[0], time(NULL),
				  "checkpoint");
	if (rc == 0)
		rc = cert_store(reg, &cl);
	if (rc == 0)
		rc = checkpoint_add(reg, tok, &cl.v[0], synced, id);
	cert_list_release(&cl);
	srr_policy_list_free(pl);
	return rc;
}

SRR_EXPORT int
srr_checkpoint_sign(struct srr_register *reg, struct srr_token *tok, int64_t *id)
{
	if (!tok)
		return reg_error(reg, SRR_E_INPUT, "signing a checkpoint needs a key on a token");
	int rc = reg_begin(reg);
	if (rc)
		return rc;
	return reg_end(reg, checkpoint_sign_with(reg, tok, checkpoint_clock_synced(), id));
}

/* --- reading ------------------------------------------------------------- */

struct srr_checkpoint_list {
	LIST_FIELDS(struct srr_checkpoint);
};

DEFINE_LIST_ACCESSORS(checkpoint, struct srr_checkpoint)

/* Fill c from a row of (id, size, body, p7s, cert, signed, actor, subject).
 * A body that does not parse keeps origin and root NULL: verify says why. */
static int
checkpoint_from_row(struct srr_checkpoint_list *l, struct srr_checkpoint *c, sqlite3_stmt *st)
{
	struct arena *a = &l->arena;
	c->id = sqlite3_column_int64(st, 0);
	c->size = sqlite3_column_int64(st, 1);
	c->body_len = (size_t)sqlite3_column_bytes(st, 2);
	c->body = arena_strndup(a, sqlite3_column_blob(st, 2), c->body_len);
	c->p7s_len = (size_t)sqlite3_column_bytes(st, 3);
	unsigned char *p7s = arena_alloc(a, c->p7s_len + 1);
	if (p7s && c->p7s_len)
		memcpy(p7s, sqlite3_column_blob(st, 3), c->p7s_len);
	c->p7s = p7s;
	c->cert_sha256 = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
	c->signed_at = arena_strdup(a, (const char *)sqlite3_column_text(st, 5));
	c->actor = arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
	const char *subject = (const char *)sqlite3_column_text(st, 7);
	c->signer = arena_strdup(a, subject ? subject : "?");
	if (!c->body || !p7s || !c->cert_sha256 || !c->signed_at || !c->actor || !c->signer)
		return SRR_E_NOMEM;
	struct checkpoint_body b;
	char why[128];
	if (checkpoint_parse(&b, c->body, c->body_len, why, sizeof(why)) == 0) {
		c->origin = arena_strdup(a, b.origin);
		c->root = arena_strdup(a, b.root_b64);
		c->clock_synced = b.synced;
		if (!c->origin || !c->root)
			return SRR_E_NOMEM;
	}
	return 0;
}

int
checkpoint_list_query(struct srr_checkpoint_list **out, struct srr_register *reg, int64_t only)
{
	int rc = reg_require_open(reg);
	if (rc)
		return rc;
	_cleanup_stmt_ sqlite3_stmt *st = reg_stmt(
		reg, "SELECT k.id, k.size, k.body, k.p7s, k.cert, k.signed, k.actor, c.subject"
		     " FROM checkpoint k LEFT JOIN certificate c ON c.sha256 = k.cert"
		     " WHERE ?1 = 0 OR k.id = ?1"
		     " OR (?1 = -1 AND k.id = (SELECT max(id) FROM checkpoint)) ORDER BY k.id");
	if (!st)
		return SRR_E_DB;
	sqlite3_bind_int64(st, 1, only);
	struct srr_checkpoint_list *l = calloc(1, sizeof(*l));
	if (!l)
		return reg_error(reg, SRR_E_NOMEM, "out of memory");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct srr_checkpoint *c = list_push(&l->items, l->n, &l->cap, sizeof(*c));
		if (!c || checkpoint_from_row(l, c, st)) {
			srr_checkpoint_list_free(l);
			return reg_error(reg, SRR_E_NOMEM, "out of memory");
		}
		l->n++;
	}
	if (rc != SQLITE_DONE) {
		srr_checkpoint_list_free(l);
		return reg_db_error(reg, "reading checkpoints");
	}
	*out = l;
	return 0;
}

SRR_EXPORT int
srr_checkpoint_list_new(struct srr_checkpoint_list **out, struct srr_register *reg)
{
	return checkpoint_list_query(out, reg, 0);
}

SRR_EXPORT int
srr_checkpoint_latest(struct srr_checkpoint_list **out, struct srr_register *reg)
{
	return checkpoint_list_query(out, reg, -1);
}

SRR_EXPORT int
srr_checkpoint_parse_id(int64_t *id, const char *text)
{
	long long n;
	bool ok = text_parse_id(&n, text, 'C');
	*id = n;
	return ok ? 0 : SRR_E_INPUT;
}

SRR_EXPORT int
srr_checkpoint_export(struct srr_register *reg, int64_t id, const char *path)
{
	if (!path || !*path)
		return reg_error(reg, SRR_E_INPUT, "no file given for the checkpoint");
	struct srr_checkpoint_list *l = NULL;
	int rc = checkpoint_list_query(&l, reg, id);
	if (rc)
		return rc;
	if (srr_checkpoint_list_count(l) == 0) {
		srr_checkpoint_list_free(l);
		return reg_error(reg, SRR_E_NOTFOUND, "no checkpoint C-%lld", (long long)id);
	}
	const struct srr_checkpoint *c = srr_checkpoint_list_get(l, 0);
	_cleanup_free_ char *sig = NULL;
	struct written w = { 0 };
	if (asprintf(&sig, "%s.p7s", path) < 0)
		rc = reg_error(reg, SRR_E_NOMEM, "out of memory");
	if (rc == 0)
		rc = write_new(reg, &w, path, c->body, c->body_len);
	if (rc == 0)
		rc = write_new(reg, &w, sig, c->p7s, c->p7s_len);
	written_undo(&w, rc != 0);
	srr_checkpoint_list_free(l);
	return rc;
}
