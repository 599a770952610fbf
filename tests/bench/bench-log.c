/* SPDX-License-Identifier: MIT */
/*
 * bench-log: the audit log at scale (docs/performance.md, "The log").
 *
 * Append: log_append() called directly (the internal library, as the unit
 * tests link it), BATCH appends per reg_begin()/reg_end(), with a
 * supplier record of about 280 bytes spread over 10,000 entities. The
 * baseline, batch by batch in the same run: bare SQLite INSERTs of the
 * very rows each batch appended (read back, untimed) into a table of the
 * event table's schema and index, without its triggers or the hash tree,
 * in a separate file with the register's PRAGMAs (WAL, synchronous FULL),
 * with a prepared statement and the same batching; and two steps from it
 * towards what log_append() asks of SQLite (see bare_names), to tell the
 * schema's and the extra statements' share from the work done in C.
 *
 * Verify: a register built through the public API: APPROVALS risks on one
 * supplier, each accepted, asked for and signed on a SoftHSM2 token as in
 * bench-verify, then suppliers added and changed (one new supplier per
 * 100 events) up to each size, with a signed checkpoint every 100,000
 * events and at each size. At each size, in rounds: the log part
 * (verify_log(), the calling thread's walk of verify) and the whole
 * srr_verify(), each in a child process of its own (its peak RSS from
 * wait4), against `sha256sum` over a file of every event's record and
 * leaf bytes, written out beforehand; and GnuTLS's SHA-256 over the same
 * file, in process, for scale.
 *
 * Usage: bench-log [-n SIZES] [-a APPROVALS] [-b BATCH] [-r ROUNDS] [-d DIR]
 *                  [-p append|verify|measure]
 *   SIZES: ascending event counts, comma-separated; default
 *          $SRR_BENCH_EVENTS, else 100000,1000000.
 *   APPROVALS: default 10,000, at most a tenth of the smallest size.
 *   -d DIR keeps the registers and the token in DIR (else a fresh directory
 *   under /dev/shm, removed at the end); -p measure then measures the
 *   verify of DIR/verify.db as it was left, without building anything.
 * Without a SoftHSM2 token (the fixture exits 77) the verify part runs on
 * a register without approvals or checkpoints, and says so.
 */
#include <errno.h>
#include <gnutls/crypto.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <srr/srr.h>

#include "bench-common.h"
#include "lib/checkpoint-private.h"
#include "lib/log-private.h"
#include "lib/register-private.h"
#include "lib/verify-private.h"

#define MAX_SIZES	 8
#define MAX_ROUNDS	 15
#define ENTITIES	 10000 /* suppliers the appends spread over */
#define SUPPLIER_EVERY	 100   /* verify's register: one new supplier per this many events */
#define CHECKPOINT_EVERY 100000

static void
check(int rc, struct srr_register *reg, const char *what)
{
	if (rc)
		bench_die("%s: %s", what, srr_errmsg(reg));
}

static void
db_check(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		bench_die("%s: %s", what, sqlite3_errmsg(db));
}

/* Peak and current resident set of this process, in MiB. */
static double
vm_mib(const char *field)
{
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kb = atol(line + n + 1);
	if (f)
		fclose(f);
	return kb / 1024.0;
}

static double
file_mib(const char *path)
{
	struct stat st;
	char wal[1200];
	double mib = stat(path, &st) == 0 ? (double)st.st_size / 1048576 : 0;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	return mib + (stat(wal, &st) == 0 ? (double)st.st_size / 1048576 : 0);
}

static void
remove_db(const char *path)
{
	char p[1200];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* --- the append benchmark ---------------------------------------------- */

/* A supplier's state as supplier.c logs it: about 280 bytes. version
 * changes the contact's address, as a supplier update would. */
static struct srr_record *
supplier_record(long key, long version)
{
	static const char *const tiers[] = { "critical", "high", "medium", "low" };
	char k[32], name[80], email[96];
	struct srr_record *r;
	snprintf(k, sizeof(k), "supplier-%06ld", key);
	snprintf(name, sizeof(name), "Supplier %06ld Cloud Services GmbH", key);
	snprintf(email, sizeof(email), "ops+v%ld@supplier-%06ld.example", version, key);
	if (srr_record_new(&r, "supplier"))
		bench_die("out of memory");
	srr_record_add(r, "key", k);
	srr_record_add(r, "name", name);
	srr_record_add(r, "tier", tiers[key % 4]);
	srr_record_add(r, "country", "DE");
	srr_record_add(r, "status", "active");
	srr_record_add(r, "service", "Managed Kubernetes hosting");
	srr_record_add(r, "service", "Object storage (S3-compatible)");
	srr_record_add(r, "service", "24/7 operations support");
	srr_record_add(r, "contact", "Jane Doe");
	srr_record_add(r, "contact-email", email);
	srr_record_add(r, "contact-role", "Account manager");
	return r;
}

/* Event i's entity: spread over ENTITIES suppliers, not in order. */
static long
entity_of(long i)
{
	return (long)(((uint64_t)i * 2654435761u) % ENTITIES);
}

/*
 * The baseline and two steps from it to what log_append() asks of SQLite,
 * to tell where the time goes: (0) the event table's schema and index
 * with the register's PRAGMAs, no trigger: the baseline; (1) with the
 * schema's triggers (the append-in-order one runs on every insert);
 * (2) with them, plus the two other statements log_append() runs per
 * event: SELECT max(seq) and the log_state UPSERT of a frontier as large
 * as the real one. Only (0) is the baseline of the target.
 */
enum { BARE, TRIGGERS, ALL_SQL, N_BARE };
static const char *const bare_names[] = { "bare INSERT (the baseline)", "+ event triggers",
					  "+ max(seq) and log_state UPSERT" };

struct bare {
	sqlite3 *db;
	sqlite3_stmt *ins, *max, *up;
	char path[1100];
};

static const char bare_schema[] =
	"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	"PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;"
	"CREATE TABLE event (seq INTEGER PRIMARY KEY, time TEXT NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,"
	" record BLOB NOT NULL, leaf BLOB NOT NULL) STRICT;"
	"CREATE INDEX event_entity ON event (entity, seq);";

/* As schema/0001-initial.sql and 0004-merkle.sql have them. */
static const char bare_triggers[] =
	"CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event"
	" BEGIN SELECT RAISE(ABORT, 'the srr event log is append-only'); END;"
	"CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event"
	" BEGIN SELECT RAISE(ABORT, 'the srr event log is append-only'); END;"
	"CREATE TRIGGER event_append_in_order BEFORE INSERT ON event"
	" WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM event)"
	" BEGIN SELECT RAISE(ABORT, 'srr events must be appended in sequence'); END;"
	"CREATE TABLE log_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
	" size INTEGER NOT NULL CHECK (size >= 0), frontier BLOB NOT NULL) STRICT;";

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	db_check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), db, sql);
	return st;
}

static void
bare_open(struct bare *b, const char *dir, int variant)
{
	snprintf(b->path, sizeof(b->path), "%s/append-bare%d.db", dir, variant);
	remove_db(b->path);
	if (sqlite3_open_v2(b->path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		bench_die("%s: %s", b->path, sqlite3_errmsg(b->db));
	db_check(sqlite3_exec(b->db, bare_schema, NULL, NULL, NULL), b->db, b->path);
	if (variant >= TRIGGERS)
		db_check(sqlite3_exec(b->db, bare_triggers, NULL, NULL, NULL), b->db, b->path);
	b->ins = prepare(b->db, "INSERT INTO event (seq, time, actor, action, entity, record,"
				" leaf) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (variant >= ALL_SQL) {
		b->max = prepare(b->db, "SELECT coalesce(max(seq), 0) + 1 FROM event");
		b->up = prepare(b->db,
				"INSERT INTO log_state (id, size, frontier) VALUES (1, ?1, ?2)"
				" ON CONFLICT (id) DO UPDATE SET size = excluded.size,"
				" frontier = excluded.frontier");
	}
}

static void
bare_close(struct bare *b)
{
	sqlite3_finalize(b->ins);
	sqlite3_finalize(b->max);
	sqlite3_finalize(b->up);
	sqlite3_close(b->db);
}

/* One event as appended, copied for the baseline. */
struct row {
	int64_t seq;
	char *text[4]; /* time, actor, action, entity */
	void *blob[2]; /* record, leaf */
	int blob_len[2];
};

static void *
dup_bytes(const void *p, int n)
{
	void *q = malloc((size_t)n + 1);
	if (!q)
		bench_die("out of memory");
	memcpy(q, p ? p : "", (size_t)n);
	((char *)q)[n] = '\0';
	return q;
}

/* The events after seq, as the register stored them (untimed). */
static int
read_rows(sqlite3_stmt *sel, int64_t after, struct row *rows, int max)
{
	int n = 0, s;
	sqlite3_bind_int64(sel, 1, after);
	while (n < max && (s = sqlite3_step(sel)) == SQLITE_ROW) {
		struct row *r = &rows[n++];
		r->seq = sqlite3_column_int64(sel, 0);
		for (int c = 0; c < 4; c++)
			r->text[c] = dup_bytes(sqlite3_column_text(sel, 1 + c),
					       sqlite3_column_bytes(sel, 1 + c));
		for (int c = 0; c < 2; c++) {
			r->blob_len[c] = sqlite3_column_bytes(sel, 5 + c);
			r->blob[c] = dup_bytes(sqlite3_column_blob(sel, 5 + c), r->blob_len[c]);
		}
	}
	sqlite3_reset(sel);
	return n;
}

static void
free_rows(struct row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < 4; c++)
			free(rows[i].text[c]);
		for (int c = 0; c < 2; c++)
			free(rows[i].blob[c]);
	}
}

/* A baseline's batch: one transaction of prepared INSERTs. */
static void
bare_insert(struct bare *b, const struct row *rows, int n)
{
	static const unsigned char frontier[8 + 64 * 32];
	db_check(sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), b->db, "BEGIN");
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		if (b->max) {
			db_check(sqlite3_step(b->max), b->db, "SELECT");
			sqlite3_reset(b->max);
		}
		sqlite3_bind_int64(b->ins, 1, r->seq);
		for (int c = 0; c < 4; c++)
			sqlite3_bind_text(b->ins, 2 + c, r->text[c], -1, SQLITE_STATIC);
		for (int c = 0; c < 2; c++)
			sqlite3_bind_blob(b->ins, 6 + c, r->blob[c], r->blob_len[c], SQLITE_STATIC);
		db_check(sqlite3_step(b->ins), b->db, "INSERT");
		sqlite3_reset(b->ins);
		if (b->up) {
			int len = 8 + 32 * __builtin_popcountll((unsigned long long)r->seq);
			sqlite3_bind_int64(b->up, 1, r->seq);
			sqlite3_bind_blob(b->up, 2, frontier, len, SQLITE_STATIC);
			db_check(sqlite3_step(b->up), b->db, "UPSERT");
			sqlite3_reset(b->up);
		}
	}
	db_check(sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL), b->db, "COMMIT");
}

/* Seconds spent per part, wall and CPU, over a span of events; and what
 * the machine's other processes used meanwhile (a shared machine). */
enum { APPEND = N_BARE, N_PARTS };

struct span {
	long events;
	double wall[N_PARTS], cpu[N_PARTS];
	double t0, busy0, own0;
};

static void
span_start(struct span *s)
{
	*s = (struct span){ .t0 = bench_now(),
			    .busy0 = bench_machine_busy(),
			    .own0 = bench_cpu_now() };
}

static double
span_others(const struct span *s)
{
	double busy = bench_machine_busy(), wall = bench_now() - s->t0;
	if (busy < 0 || s->busy0 < 0 || wall <= 0)
		return -1;
	double o = (busy - s->busy0 - (bench_cpu_now() - s->own0)) / wall;
	return o > 0 ? o : 0;
}

static void
span_add(struct span *s, int k, const double *wall, const double *cpu)
{
	s->events += k;
	for (int p = 0; p < N_PARTS; p++) {
		s->wall[p] += wall[p];
		s->cpu[p] += cpu[p];
	}
}

static void
report_span(const char *what, const struct span *s, const double *ratios, int n_ratios)
{
	double us = 1e6 / (double)s->events, r = s->wall[APPEND] / s->wall[BARE];
	printf("  %s: %ld events; other processes kept %.2f CPUs busy meanwhile\n", what, s->events,
	       span_others(s));
	printf("  %-36s %9s %9s\n", "us per event", "wall", "CPU");
	printf("  %-36s %9.2f %9.2f\n", "log_append (with its commits)", s->wall[APPEND] * us,
	       s->cpu[APPEND] * us);
	for (int v = 0; v < N_BARE; v++)
		printf("  %-36s %9.2f %9.2f\n", bare_names[v], s->wall[v] * us, s->cpu[v] * us);
	printf("  ratio log_append / baseline: %.2f wall, %.2f CPU", r,
	       s->cpu[APPEND] / s->cpu[BARE]);
	if (ratios)
		printf(", %.2f median per batch", bench_median((double *)ratios, n_ratios));
	printf(" (target <= 2: %s)\n", r <= 2 ? "met" : "NOT met");
	printf("  log_append beyond all its SQL: %.2f us/event wall, %.2f CPU\n",
	       (s->wall[APPEND] - s->wall[ALL_SQL]) * us, (s->cpu[APPEND] - s->cpu[ALL_SQL]) * us);
}

static void
report_append(long size, const struct span *all, const struct span *win, double *ratios,
	      int n_ratios, const char *path, const struct bare *bare)
{
	printf("append: %ld events\n", size);
	report_span("from the start", all, ratios, n_ratios);
	if (win->events != all->events)
		report_span("since the previous size", win, NULL, 0);
	printf("  peak RSS %.1f MiB (now %.1f MiB); files: register %.0f MiB, baseline %.0f MiB\n",
	       vm_mib("VmHWM"), vm_mib("VmRSS"), file_mib(path), file_mib(bare[BARE].path));
}

static void
bench_append(const char *dir, const long *sizes, int n_sizes, int batch)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/append.db", dir);
	remove_db(path);
	struct srr_register *reg = NULL;
	if (srr_register_new(&reg))
		bench_die("out of memory");
	check(srr_register_create(reg, path), reg, path);
	check(srr_register_set_actor(reg, "bench"), reg, "actor");
	struct bare bare[N_BARE] = { 0 };
	for (int v = 0; v < N_BARE; v++)
		bare_open(&bare[v], dir, v);
	sqlite3_stmt *sel = prepare(reg->db, "SELECT seq, time, actor, action, entity, record,"
					     " leaf FROM event WHERE seq > ?1 ORDER BY seq");
	struct row *rows = calloc((size_t)batch, sizeof(*rows));
	struct srr_record **recs = calloc((size_t)batch, sizeof(*recs));
	char(*entity)[32] = calloc((size_t)batch, sizeof(*entity));
	long total = sizes[n_sizes - 1];
	double *ratios = calloc((size_t)(total / batch + 2), sizeof(*ratios));
	if (!rows || !recs || !entity || !ratios)
		bench_die("out of memory");

	/* The register's own first events go into the baselines too, untimed. */
	int64_t seq = 0;
	int k = read_rows(sel, seq, rows, batch);
	for (int v = 0; v < N_BARE; v++)
		bare_insert(&bare[v], rows, k);
	seq = rows[k - 1].seq;
	free_rows(rows, k);

	printf("append: %ld events, %d per transaction, in %s\n", total, batch, dir);
	struct span all, win;
	int n_ratios = 0, next = 0;
	span_start(&all);
	span_start(&win);
	for (long i = 0; i < total; i += k) {
		k = (int)(total - i < batch ? total - i : batch);
		for (int j = 0; j < k; j++) {
			long e = entity_of(i + j);
			recs[j] = supplier_record(e, (i + j) / ENTITIES + 1);
			snprintf(entity[j], sizeof(entity[j]), "supplier/supplier-%06ld", e);
		}
		double w[N_PARTS], c[N_PARTS], w0 = bench_now(), c0 = bench_cpu_now();
		check(reg_begin(reg), reg, "begin");
		for (int j = 0; j < k; j++)
			check(log_append(reg, "supplier.update", entity[j], recs[j]), reg,
			      "append");
		check(reg_end(reg, 0), reg, "commit");
		w[APPEND] = bench_now() - w0;
		c[APPEND] = bench_cpu_now() - c0;
		for (int j = 0; j < k; j++)
			srr_record_free(recs[j]);
		if (read_rows(sel, seq, rows, batch) != k)
			bench_die("the register holds other events than were appended");
		for (int v = 0; v < N_BARE; v++) {
			w0 = bench_now();
			c0 = bench_cpu_now();
			bare_insert(&bare[v], rows, k);
			w[v] = bench_now() - w0;
			c[v] = bench_cpu_now() - c0;
		}
		seq = rows[k - 1].seq;
		free_rows(rows, k);

		ratios[n_ratios++] = w[APPEND] / w[BARE];
		span_add(&all, k, w, c);
		span_add(&win, k, w, c);
		if (next < n_sizes && i + k == sizes[next]) {
			report_append(sizes[next++], &all, &win, ratios, n_ratios, path, bare);
			span_start(&win);
		}
	}
	sqlite3_finalize(sel);
	for (int v = 0; v < N_BARE; v++)
		bare_close(&bare[v]);
	srr_register_free(reg);
	free(rows);
	free(recs);
	free(entity);
	free(ratios);
}

/* --- building the register to verify ----------------------------------- */

struct builder {
	struct srr_register *reg;
	struct srr_token *tok; /* NULL: no token, so no approvals or checkpoints */
	int batch;
	long suppliers;
	long changes;
	int64_t events;
};

static void
supplier_of(struct srr_supplier *s, long key, char k[32], char name[80])
{
	static const char *const services[] = { "Managed Kubernetes hosting",
						"Object storage (S3-compatible)",
						"24/7 operations support" };
	static const struct srr_contact contact = { "Jane Doe", "ops+v1@example.com",
						    "Account manager" };
	snprintf(k, 32, "supplier-%06ld", key);
	snprintf(name, 80, "Supplier %06ld Cloud Services GmbH", key);
	*s = (struct srr_supplier){ .key = k,
				    .name = name,
				    .tier = (enum srr_tier)(SRR_TIER_CRITICAL + key % 4),
				    .country = "DE",
				    .n_services = 3,
				    .services = services,
				    .n_contacts = 1,
				    .contacts = &contact };
}

/* One event: a new supplier every SUPPLIER_EVERY events, else a change
 * of an existing one's contact. */
static void
one_change(struct builder *b)
{
	char k[32], name[80], email[96];
	if (b->suppliers == 0 || (b->suppliers + b->changes) % SUPPLIER_EVERY == 0) {
		struct srr_supplier s;
		supplier_of(&s, b->suppliers++, k, name);
		check(srr_supplier_add(b->reg, &s), b->reg, "supplier add");
		return;
	}
	long key = (long)(((uint64_t)b->changes * 2654435761u) % (uint64_t)b->suppliers);
	snprintf(k, sizeof(k), "supplier-%06ld", key);
	snprintf(email, sizeof(email), "ops+v%ld@supplier-%06ld.example", ++b->changes, key);
	struct srr_contact c = { "Jane Doe", email, "Account manager" };
	struct srr_supplier_change ch = { .set_contacts = 1, .n_contacts = 1, .contacts = &c };
	int changed = 0;
	check(srr_supplier_update(b->reg, k, &ch, &changed), b->reg, "supplier update");
	if (!changed)
		bench_die("a supplier update logged nothing");
}

static void
sign_checkpoint(struct builder *b)
{
	if (b->tok)
		check(srr_checkpoint_sign(b->reg, b->tok, NULL), b->reg, "checkpoint");
}

/* Grow the log to size events, batch changes per transaction. */
static void
grow(struct builder *b, int64_t size)
{
	check(srr_register_set_actor(b->reg, "procurement"), b->reg, "actor");
	while (b->events < size) {
		int64_t stop = b->events + b->batch;
		int64_t cp = (b->events / CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY;
		stop = stop < size ? stop : size;
		stop = stop < cp ? stop : cp;
		check(reg_begin(b->reg), b->reg, "begin");
		while (b->events < stop) {
			one_change(b);
			b->events++;
		}
		check(reg_end(b->reg, 0), b->reg, "commit");
		if (b->events % CHECKPOINT_EVERY == 0)
			sign_checkpoint(b);
	}
	int64_t n;
	check(srr_log_size(&n, b->reg), b->reg, "log size");
	if (n != size)
		bench_die("the log holds %lld events, not %lld", (long long)n, (long long)size);
}

/* n risks accepted at residual 2 x 2 (quorum 1), asked for by procurement
 * and signed by alice, as in bench-verify; batch of them per transaction. */
static void
add_approvals(struct builder *b, int n)
{
	char until[11], title[64];
	time_t t = time(NULL) + 30 * 86400;
	strftime(until, sizeof(until), "%Y-%m-%d", gmtime(&t));
	struct srr_register *reg = b->reg;
	check(srr_register_set_actor(reg, "procurement"), reg, "actor");
	struct srr_supplier s = { .key = "acme", .name = "Acme Cloud GmbH", .tier = SRR_TIER_HIGH };
	check(srr_supplier_add(reg, &s), reg, "supplier add");
	double t0 = bench_now();
	for (int i = 1; i <= n; i++) {
		if (i % b->batch == 1 || b->batch == 1)
			check(reg_begin(reg), reg, "begin");
		snprintf(title, sizeof(title), "Benchmark risk %d", i);
		struct srr_risk r = {
			.supplier = "acme", .title = title, .likelihood = 3, .impact = 3
		};
		struct srr_treatment_plan p = { .treatment = SRR_TREATMENT_ACCEPT,
						.residual_likelihood = 2,
						.residual_impact = 2,
						.justification = "Within tolerance; benchmark",
						.until = until };
		int64_t id, aid;
		char rid[32];
		check(srr_risk_add(reg, &r, &id), reg, "risk add");
		check(srr_risk_treat(reg, id, &p), reg, "risk treat");
		snprintf(rid, sizeof(rid), "R-%lld", (long long)id);
		check(srr_approval_request(reg, SRR_SUBJECT_RISK, rid, &aid), reg, "request");
		if (i % b->batch == 0 || i == n)
			check(reg_end(reg, 0), reg, "commit");
	}
	double t1 = bench_now();
	check(srr_register_set_actor(reg, "alice"), reg, "actor");
	for (int i = 1; i <= n; i++) {
		if (i % b->batch == 1 || b->batch == 1)
			check(reg_begin(reg), reg, "begin");
		check(srr_approve(reg, i, b->tok), reg, "approve");
		if (i % b->batch == 0 || i == n)
			check(reg_end(reg, 0), reg, "commit");
	}
	double t2 = bench_now();
	check(srr_log_size(&b->events, reg), reg, "log size");
	printf("setup: %d risks, treatments and requests %.1f s; %d srr_approve on the token "
	       "%.1f s; the log holds %lld events\n",
	       n, t1 - t0, n, t2 - t1, (long long)b->events);
}

/* Every event's record and leaf, concatenated: what sha256sum reads. */
static double
write_event_bytes(struct srr_register *reg, const char *path)
{
	sqlite3_stmt *st;
	FILE *f = fopen(path, "wb");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	db_check(sqlite3_prepare_v2(reg->db, "SELECT record, leaf FROM event ORDER BY seq", -1, &st,
				    NULL),
		 reg->db, "SELECT");
	double bytes = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		for (int c = 0; c < 2; c++) {
			size_t n = (size_t)sqlite3_column_bytes(st, c);
			if (fwrite(sqlite3_column_blob(st, c), 1, n, f) != n)
				bench_die("%s: %s", path, strerror(errno));
			bytes += (double)n;
		}
	db_check(s, reg->db, "reading the events");
	sqlite3_finalize(st);
	if (fclose(f) != 0)
		bench_die("%s: %s", path, strerror(errno));
	return bytes;
}

/* --- measuring ---------------------------------------------------------- */

/* What a child process measured, and its peak RSS. */
struct child {
	double wall, cpu, rss_mib;
	long long events, approvals, signatures, failures, entities, checkpoints;
};

static char self[1024];

/* Run argv with stdout into a pipe; its output in out (may be NULL). */
static void
run_child(char *const argv[], struct child *c, char *out, size_t out_size)
{
	int fd[2];
	if (pipe(fd) != 0)
		bench_die("pipe: %s", strerror(errno));
	double t0 = bench_now();
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t r;
	char sink[4096];
	while ((r = read(fd[0], out && n + 1 < out_size ? out + n : sink,
			 out && n + 1 < out_size ? out_size - n - 1 : sizeof(sink))) > 0)
		if (out && n + 1 < out_size)
			n += (size_t)r;
	close(fd[0]);
	if (out)
		out[n] = '\0';
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) != pid)
		bench_die("wait4: %s", strerror(errno));
	c->wall = bench_now() - t0;
	c->cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	c->rss_mib = (double)ru.ru_maxrss / 1024;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		bench_die("%s failed (status %d)", argv[0], st);
}

/* The verify child: the log part or the whole srr_verify, timed inside. */
static void
run_verify(const char *mode, const char *path, struct child *c)
{
	char out[512];
	char *argv[] = { self, "-X", (char *)mode, (char *)path, NULL };
	run_child(argv, c, out, sizeof(out));
	if (sscanf(out, "%lf %lf %lld %lld %lld %lld %lld %lld", &c->wall, &c->cpu, &c->events,
		   &c->approvals, &c->signatures, &c->failures, &c->entities, &c->checkpoints) != 8)
		bench_die("the %s child said '%s'", mode, out);
}

/* GnuTLS's SHA-256 (SHA-NI where the CPU has it) over the file, as
 * sha256sum reads it: for scale. */
static double
gnutls_sha256_file(const char *path)
{
	static unsigned char buf[1 << 16];
	gnutls_hash_hd_t h;
	unsigned char md[32];
	double t0 = bench_now();
	FILE *f = fopen(path, "rb");
	if (!f || gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		bench_die("%s: cannot hash", path);
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		gnutls_hash(h, buf, n);
	gnutls_hash_deinit(h, md);
	fclose(f);
	return bench_now() - t0;
}

enum { M_LOG, M_VERIFY, M_SUM, M_GNUTLS, N_MEASURES };
static const char *const measure_names[] = { "log part (verify_log)", "srr_verify, whole",
					     "sha256sum", "GnuTLS SHA-256, in process" };

static void
expect(const struct child *c, int64_t events, int approvals, const char *what)
{
	if (c->failures || c->events != events || c->approvals != approvals)
		bench_die("%s: %lld failures, %lld events, %lld approvals; want 0, %lld, %d", what,
			  c->failures, c->events, c->approvals, (long long)events, approvals);
}

/* One round: each measure once, back to back; wall and CPU seconds. */
static void
round_once(const char *path, const char *file, int64_t size, int approvals, double *wall,
	   double *cpu, double *rss, struct child *v)
{
	struct child c[N_MEASURES];
	run_verify("log", path, &c[M_LOG]);
	expect(&c[M_LOG], size, 0, "verify_log");
	run_verify("verify", path, &c[M_VERIFY]);
	expect(&c[M_VERIFY], size, approvals, "srr_verify");
	char *argv[] = { "sha256sum", (char *)file, NULL };
	run_child(argv, &c[M_SUM], NULL, 0);
	double c0 = bench_cpu_now();
	c[M_GNUTLS].wall = gnutls_sha256_file(file);
	c[M_GNUTLS].cpu = bench_cpu_now() - c0;
	for (int k = 0; k < N_MEASURES; k++) {
		wall[k] = c[k].wall;
		cpu[k] = c[k].cpu;
	}
	for (int k = M_LOG; k <= M_VERIFY; k++)
		rss[k] = c[k].rss_mib > rss[k] ? c[k].rss_mib : rss[k];
	*v = c[M_VERIFY];
}

static void
measure(const char *dir, const char *path, int64_t size, int approvals, int rounds)
{
	char file[1100];
	snprintf(file, sizeof(file), "%s/events.bin", dir);
	struct srr_register *reg = NULL;
	if (srr_register_new(&reg))
		bench_die("out of memory");
	check(srr_register_open(reg, path), reg, path);
	double bytes = write_event_bytes(reg, file);
	srr_register_free(reg);
	printf("verify: %lld events (%d approvals); their record and leaf bytes: %.0f MiB, %.0f "
	       "bytes per event\n",
	       (long long)size, approvals, bytes / 1048576, bytes / (double)size);

	double w[N_MEASURES][MAX_ROUNDS], c[N_MEASURES][MAX_ROUNDS], rl[MAX_ROUNDS], rc[MAX_ROUNDS],
		rv[MAX_ROUNDS], rss[N_MEASURES] = { 0 };
	struct child v = { 0 };
	for (int r = 0; r < rounds; r++) {
		struct span s;
		double wr[N_MEASURES], cr[N_MEASURES];
		span_start(&s);
		round_once(path, file, size, approvals, wr, cr, rss, &v);
		for (int k = 0; k < N_MEASURES; k++) {
			w[k][r] = wr[k];
			c[k][r] = cr[k];
		}
		rl[r] = wr[M_LOG] / wr[M_SUM];
		rc[r] = cr[M_LOG] / cr[M_SUM];
		rv[r] = wr[M_VERIFY] / wr[M_SUM];
		printf("round %d: log part %.3f s  srr_verify %.3f s  sha256sum %.3f s  GnuTLS "
		       "SHA-256 %.3f s; log/sha256sum %.2f; others used %.2f CPUs\n",
		       r + 1, wr[M_LOG], wr[M_VERIFY], wr[M_SUM], wr[M_GNUTLS], rl[r],
		       span_others(&s));
	}
	double mb = bytes / 1048576;
	printf("verify: %lld events, medians of %d rounds:\n", (long long)size, rounds);
	printf("  %-28s %9s %9s %9s %9s %10s\n", "", "wall s", "CPU s", "us/event", "MiB/s",
	       "peak RSS");
	for (int k = 0; k < N_MEASURES; k++) {
		double mw = bench_median(w[k], rounds), mc = bench_median(c[k], rounds);
		printf("  %-28s %9.3f %9.3f %9.2f %9.0f", measure_names[k], mw, mc,
		       mw / (double)size * 1e6, mb / mw);
		if (rss[k] > 0)
			printf(" %6.1f MiB", rss[k]);
		printf("\n");
	}
	double ml = bench_median(rl, rounds);
	printf("  log part / sha256sum = %.2f wall, %.2f CPU (per-round medians; target <= 3: "
	       "%s)\n",
	       ml, bench_median(rc, rounds), ml <= 3 ? "met" : "NOT met");
	double mv = bench_median(w[M_VERIFY], rounds), mlog = bench_median(w[M_LOG], rounds);
	printf("  srr_verify / sha256sum = %.2f; %lld entities held against their events, %lld "
	       "checkpoint signatures; srr_verify beyond the log part %.3f s",
	       bench_median(rv, rounds), v.entities, v.checkpoints, mv - mlog);
	if (approvals && mv > mlog)
		printf(" (%.0f approvals/s)", approvals / (mv - mlog));
	printf("\n");
	unlink(file);
}

static void
bench_verify(struct bench_fixture *fx, bool token, const long *sizes, int n_sizes, int approvals,
	     int rounds, int batch)
{
	char path[1100], policy[1100];
	snprintf(path, sizeof(path), "%s/verify.db", fx->dir);
	snprintf(policy, sizeof(policy), "%s/policy.yaml", fx->dir);
	remove_db(path);
	struct builder b = { .batch = batch };
	if (srr_register_new(&b.reg))
		bench_die("out of memory");
	if (token) {
		bench_write_policy(fx, policy);
		check(srr_register_create_with_policy(b.reg, path, policy), b.reg, "create");
		check(srr_token_open(&b.tok, b.reg, fx->key_uri, fx->module, bench_give_pin, fx),
		      b.reg, "token");
		add_approvals(&b, approvals);
	} else {
		check(srr_register_create(b.reg, path), b.reg, "create");
		check(srr_log_size(&b.events, b.reg), b.reg, "log size");
		approvals = 0;
		printf("verify: no SoftHSM2 token: a register without approvals or checkpoints\n");
	}
	for (int i = 0; i < n_sizes; i++) {
		double t0 = bench_now();
		grow(&b, sizes[i]);
		if (b.events % CHECKPOINT_EVERY != 0)
			sign_checkpoint(&b);
		printf("setup: the register grown to %ld events (%ld suppliers, %ld changes) in "
		       "%.1f "
		       "s through the public API\n",
		       sizes[i], b.suppliers, b.changes, bench_now() - t0);
		measure(fx->dir, path, sizes[i], approvals, rounds);
	}
	srr_token_free(b.tok);
	srr_register_free(b.reg);
}

/* The kept register as it is: its size and approvals from the register. */
static void
measure_kept(const char *dir, int rounds)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/verify.db", dir);
	struct srr_register *reg = NULL;
	struct srr_approval_list *l = NULL;
	int64_t size;
	if (srr_register_new(&reg))
		bench_die("out of memory");
	check(srr_register_open(reg, path), reg, path);
	check(srr_log_size(&size, reg), reg, "log size");
	check(srr_approval_list_new(&l, reg), reg, "approvals");
	int approvals = (int)srr_approval_list_count(l);
	srr_approval_list_free(l);
	srr_register_free(reg);
	measure(dir, path, size, approvals, rounds);
}

/* --- the child: one verify, timed --------------------------------------- */

static int
cmp_vcp(const void *a, const void *b)
{
	const struct vcp *x = a, *y = b;
	return (x->size > y->size) - (x->size < y->size);
}

/* What srr_verify() does around verify_log(), without the approvals and
 * the checkpoints' signatures: the log part alone. */
static int
log_only(struct srr_register *reg, struct srr_verify_result *res)
{
	struct vreport out = { NULL, NULL, res };
	struct srr_checkpoint_list *cl = NULL;
	int rc = reg_exec(reg, "BEGIN");
	if (rc == 0)
		rc = checkpoint_list_query(&cl, reg, 0);
	size_t n = rc == 0 ? srr_checkpoint_list_count(cl) : 0;
	struct vcp *cps = calloc(n + 1, sizeof(*cps));
	if (!cps)
		bench_die("out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct srr_checkpoint *c = srr_checkpoint_list_get(cl, i);
		struct checkpoint_body body;
		cps[i].id = c->id;
		cps[i].size = c->size;
		if (checkpoint_parse(&body, c->body, c->body_len, cps[i].why, sizeof(cps[i].why)) !=
		    0)
			continue;
		cps[i].parsed = true;
		memcpy(cps[i].root, body.root, 32);
		memcpy(cps[i].origin, body.origin, sizeof(body.origin));
		cps[i].synced = body.synced;
	}
	qsort(cps, n, sizeof(*cps), cmp_vcp);
	if (rc == 0)
		rc = verify_log(reg, &out, cps, n, NULL);
	reg_exec(reg, "COMMIT");
	free(cps);
	srr_checkpoint_list_free(cl);
	return rc;
}

static void
on_finding(void *userdata, const struct srr_finding *f)
{
	(void)userdata;
	if (f->failure)
		fprintf(stderr, "bench-log: finding: %s: %s\n", f->check, f->message);
}

static int
child(const char *mode, const char *path)
{
	struct srr_register *reg = NULL;
	struct srr_verify_result res = { 0 };
	struct srr_verify_options o = { .threads = 0 };
	if (srr_register_new(&reg))
		bench_die("out of memory");
	check(srr_register_open(reg, path), reg, path);
	double w0 = bench_now(), c0 = bench_cpu_now();
	if (strcmp(mode, "log") == 0)
		check(log_only(reg, &res), reg, "verify_log");
	else
		check(srr_verify(reg, &o, on_finding, NULL, &res), reg, "srr_verify");
	double w1 = bench_now(), c1 = bench_cpu_now();
	printf("%.6f %.6f %lld %zu %zu %zu %zu %zu\n", w1 - w0, c1 - c0, (long long)res.events,
	       res.approvals, res.signatures, res.failures, res.entities, res.checkpoints);
	srr_register_free(reg);
	return 0;
}

/* --- main ---------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: bench-log [-n SIZES] [-a APPROVALS] [-b BATCH] [-r ROUNDS] "
			"[-d DIR] [-p append|verify|measure]\n");
	exit(2);
}

static int
parse_sizes(const char *s, long *sizes)
{
	int n = 0;
	char *end;
	while (n < MAX_SIZES) {
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || (n && v <= sizes[n - 1]))
			usage();
		sizes[n++] = v;
		if (*end != ',')
			break;
		s = end + 1;
	}
	if (*end)
		usage();
	return n;
}

int
main(int argc, char **argv)
{
	bench_init("bench-log");
	long sizes[MAX_SIZES];
	const char *env = getenv("SRR_BENCH_EVENTS"), *keep = NULL, *part = NULL;
	int n_sizes = parse_sizes(env && *env ? env : "100000,1000000", sizes);
	int approvals = -1, batch = 1000, rounds = 3, opt;
	while ((opt = getopt(argc, argv, "n:a:b:r:d:p:X:")) != -1) {
		if (opt == 'n')
			n_sizes = parse_sizes(optarg, sizes);
		else if (opt == 'a')
			approvals = atoi(optarg);
		else if (opt == 'b')
			batch = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'd')
			keep = optarg;
		else if (opt == 'p')
			part = optarg;
		else if (opt == 'X' && optind < argc)
			return child(optarg, argv[optind]);
		else
			usage();
	}
	if (approvals < 0)
		approvals = sizes[0] / 10 < 10000 ? (int)(sizes[0] / 10) : 10000;
	if (batch < 1 || rounds < 1 || rounds > MAX_ROUNDS || optind != argc ||
	    (part && strcmp(part, "append") != 0 && strcmp(part, "verify") != 0 &&
	     (strcmp(part, "measure") != 0 || !keep)))
		usage();
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		bench_die("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	char what[128];
	snprintf(what, sizeof(what), "SQLite %s; GnuTLS %s; libsrr %s", sqlite3_libversion(),
		 gnutls_check_version(NULL), srr_version());
	bench_machine(what);

	struct bench_fixture fx = { 0 };
	bench_workspace(&fx, keep);
	printf("workspace: %s\n", fx.dir);
	if (!part || strcmp(part, "append") == 0)
		bench_append(fx.dir, sizes, n_sizes, batch);
	if (!part || strcmp(part, "verify") == 0) {
		const char *script = getenv("SRR_TOKEN_FIXTURE");
		double t0 = bench_now();
		bool token = bench_token(&fx, script ? script : "tests/token-fixture.sh");
		if (token)
			printf("setup: token fixture %.1f s\n", bench_now() - t0);
		bench_verify(&fx, token, sizes, n_sizes, approvals, rounds, batch);
	}
	if (part && strcmp(part, "measure") == 0)
		measure_kept(fx.dir, rounds);
	if (!keep)
		bench_workspace_remove(&fx);
	return 0;
}
