/* SPDX-License-Identifier: MIT */
/*
 * bench-import: srr import and srr export --yaml at scale
 * (docs/performance.md, "Import and export").
 *
 * For each size, a register file made by gen-register (a fixed seed) and
 * the same rows as CSV. The baseline B = (a) + (b): (a) a bare libyaml
 * event loop over the file, in process (yaml_parser_parse until the end
 * of the stream, each event deleted), and (b) the sqlite3 shell's
 * `.import --csv` of the CSV rows into a fresh database with tables of the
 * register's shape (schema.sql from gen-register), the register's PRAGMAs
 * (WAL, synchronous FULL, foreign keys), in one transaction. What srr
 * import does on top of B: the model's checks, the canonical records, the
 * log with its hash tree.
 *
 * srr import: a register made as `srr init` makes it (the built-in
 * policy, 5 x 5), then srr_import() of the file in a child process (open,
 * import, close: what `srr import` does), its wall time and peak RSS from
 * wait4; then the same file again into the same register, which must add
 * and change nothing. srr export --yaml: srr_export_yaml() to a file in a
 * child, twice; the two files must be the same bytes.
 *
 * Figures only: the benchmark fails when an import or export fails, never
 * on a figure.
 *
 * Usage: bench-import [-n SIZES] [-r ROUNDS] [-s SEED] [-d DIR]
 *   SIZES: ascending supplier counts, comma-separated; default
 *          $SRR_BENCH_SUPPLIERS, else 1000,10000,100000.
 *   ROUNDS: default 3 below 100,000 suppliers, 1 from there on.
 *   -d DIR works in DIR and keeps its files there: per size the YAML,
 *   the CSV, the register, the baseline's database and the exports (else
 *   a fresh directory under /dev/shm, removed at the end).
 * gen-register is $SRR_GEN_REGISTER, else next to this program.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <srr/srr.h>

#include "bench-common.h"

#define MAX_SIZES  8
#define MAX_ROUNDS 15
#define SEED	   "20251231"

static const char *const tables[] = { "supplier", "service", "contact",	    "subcontractor",
				      "contract", "sla",     "measurement", "review",
				      "incident", "risk",    "risk_action" };

static char self[1024];

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

static double
file_mb(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
}

/* --- the children ---------------------------------------------------------- */

static void
on_error(void *userdata, const char *file, unsigned line, unsigned column, const char *message)
{
	(void)userdata;
	fprintf(stderr, "bench-import: %s:%u:%u: %s\n", file, line, column, message);
}

/* -X import DB FILE: prints srr_import()'s seconds and its summary. */
static int
child_import(const char *db, const char *file)
{
	struct srr_register *reg = NULL;
	struct srr_import_options o = { .on_error = on_error };
	struct srr_import_summary sum;
	FILE *in = fopen(file, "rb");
	if (!in)
		bench_die("%s: %s", file, strerror(errno));
	if (srr_register_new(&reg))
		bench_die("out of memory");
	if (srr_register_open(reg, db) || srr_register_set_actor(reg, "bench"))
		bench_die("%s: %s", db, srr_errmsg(reg));
	double t0 = bench_now();
	int rc = srr_import(reg, in, file, &o, &sum);
	double t = bench_now() - t0;
	if (rc)
		bench_die("srr_import: %s", srr_errmsg(reg));
	fclose(in);
	srr_register_free(reg);
	printf("%.6f %zu %zu %zu %zu\n", t, sum.suppliers, sum.entities, sum.added, sum.changed);
	return 0;
}

/* -X export DB FILE: prints srr_export_yaml()'s seconds. */
static int
child_export(const char *db, const char *file)
{
	struct srr_register *reg = NULL;
	FILE *out = fopen(file, "wb");
	if (!out)
		bench_die("%s: %s", file, strerror(errno));
	if (srr_register_new(&reg))
		bench_die("out of memory");
	if (srr_register_open(reg, db))
		bench_die("%s: %s", db, srr_errmsg(reg));
	double t0 = bench_now();
	if (srr_export_yaml(reg, out))
		bench_die("srr_export_yaml: %s", srr_errmsg(reg));
	if (fclose(out) != 0)
		bench_die("%s: %s", file, strerror(errno));
	double t = bench_now() - t0;
	srr_register_free(reg);
	printf("%.6f\n", t);
	return 0;
}

/* --- the baselines ------------------------------------------------------------ */

/* (a): every event of the file, nothing else; wall and CPU seconds. */
static double
yaml_events(const char *path, long *events, double *cpu)
{
	yaml_parser_t p;
	yaml_event_t e;
	double t0 = bench_now(), c0 = bench_cpu_now();
	FILE *f = fopen(path, "rb");
	if (!f || !yaml_parser_initialize(&p))
		bench_die("%s: cannot parse", path);
	yaml_parser_set_input_file(&p, f);
	long n = 0;
	for (bool end = false; !end; n++) {
		if (!yaml_parser_parse(&p, &e))
			bench_die("%s:%zu: %s", path, p.problem_mark.line + 1, p.problem);
		end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	fclose(f);
	*events = n;
	*cpu = bench_cpu_now() - c0;
	return bench_now() - t0;
}

/* The sqlite3 shell's script for (b): the register's PRAGMAs, the
 * schema and every table's rows, in one transaction. */
static void
write_sqlite_script(const char *dir, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	fprintf(f,
		"PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\n"
		"PRAGMA foreign_keys = ON;\nPRAGMA trusted_schema = OFF;\n"
		"BEGIN;\n.read '%s/schema.sql'\n",
		dir);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		fprintf(f, ".import --csv '%s/%s.csv' %s\n", dir, tables[i], tables[i]);
	fprintf(f, "COMMIT;\n");
	if (fclose(f) != 0)
		bench_die("%s: %s", path, strerror(errno));
}

/* (b): NAN without a sqlite3 shell. */
static void
sqlite_import(const char *script, const char *db, struct bench_proc *p)
{
	char *argv[] = { "sqlite3", "-bail", (char *)db, NULL };
	remove_db(db);
	int st = bench_spawn(argv, script, NULL, 0, p);
	if (st == 127)
		p->wall = p->cpu = NAN;
	else if (st != 0)
		bench_die("sqlite3 %s < %s failed (status %d)", db, script, st);
}

/* --- srr import and export -------------------------------------------------------- */

struct import_run {
	struct bench_proc p;
	double inner; /* srr_import() alone */
	size_t suppliers, entities, added, changed;
};

static void
run_import(const char *db, const char *file, struct import_run *r)
{
	char out[256];
	char *argv[] = { self, "-X", "import", (char *)db, (char *)file, NULL };
	int st = bench_spawn(argv, NULL, out, sizeof(out), &r->p);
	if (st != 0)
		bench_die("the import of %s failed (status %d)", file, st);
	if (sscanf(out, "%lf %zu %zu %zu %zu", &r->inner, &r->suppliers, &r->entities, &r->added,
		   &r->changed) != 5)
		bench_die("the import child said '%s'", out);
}

static void
run_export(const char *db, const char *file, struct bench_proc *p)
{
	char out[64];
	char *argv[] = { self, "-X", "export", (char *)db, (char *)file, NULL };
	int st = bench_spawn(argv, NULL, out, sizeof(out), p);
	if (st != 0)
		bench_die("the export to %s failed (status %d)", file, st);
}

static bool
same_bytes(const char *a, const char *b)
{
	static char x[1 << 16], y[1 << 16];
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	bool same = f && g;
	while (same) {
		size_t n = fread(x, 1, sizeof(x), f), m = fread(y, 1, sizeof(y), g);
		same = n == m && memcmp(x, y, n) == 0;
		if (n == 0)
			break;
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	return same;
}

/* --- one size --------------------------------------------------------------------- */

enum {
	M_A,
	M_B,
	M_BASE,
	M_IMPORT,
	M_RATIO,
	M_IMPORT_RSS,
	M_REIMPORT,
	M_EXPORT,
	M_EXPORT_RSS,
	C_A,
	C_B,
	C_BASE,
	C_IMPORT,
	C_RATIO,
	M_OTHERS,
	N_MEASURES
};

struct result {
	long suppliers;
	double mb, m[N_MEASURES];
};

static void
make_register(const char *db)
{
	struct srr_register *reg = NULL;
	remove_db(db);
	if (srr_register_new(&reg))
		bench_die("out of memory");
	if (srr_register_create(reg, db))
		bench_die("%s: %s", db, srr_errmsg(reg));
	srr_register_free(reg);
}

/* keep: leave the files of this size in dir. */
static void
one_size(const char *dir, const char *gen, long n, int rounds, bool keep, struct result *res)
{
	char yaml[1100], csv[1100], script[1100], base_db[1100], db[1100], exp1[1100], exp2[1100];
	char count[32];
	snprintf(yaml, sizeof(yaml), "%s/register-%ld.yaml", dir, n);
	snprintf(csv, sizeof(csv), "%s/csv-%ld", dir, n);
	snprintf(script, sizeof(script), "%s/import-%ld.sql", dir, n);
	snprintf(base_db, sizeof(base_db), "%s/baseline-%ld.db", dir, n);
	snprintf(db, sizeof(db), "%s/register-%ld.db", dir, n);
	snprintf(exp1, sizeof(exp1), "%s/export-%ld-1.yaml", dir, n);
	snprintf(exp2, sizeof(exp2), "%s/export-%ld-2.yaml", dir, n);
	snprintf(count, sizeof(count), "%ld", n);

	struct bench_proc g;
	char *argv[] = { (char *)gen, "--suppliers", count,   "--seed", SEED,
			 "--out",     yaml,	     "--csv", csv,	NULL };
	if (bench_spawn(argv, NULL, NULL, 0, &g) != 0)
		bench_die("%s failed", gen);
	write_sqlite_script(csv, script);
	res->suppliers = n;
	res->mb = file_mb(yaml);
	printf("\nsetup: %ld suppliers, %.1f MB of YAML (%.0f bytes per supplier) and its CSV "
	       "rows by gen-register in %.1f s\n",
	       n, res->mb, res->mb * 1e6 / (double)n, g.wall);

	double v[N_MEASURES][MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		long events;
		struct import_run imp, again;
		struct bench_proc b, e1, e2;
		double t0 = bench_now(), busy0 = bench_machine_busy(), own0 = bench_cpu_now();
		v[M_A][r] = yaml_events(yaml, &events, &v[C_A][r]);
		sqlite_import(script, base_db, &b);
		make_register(db);
		run_import(db, yaml, &imp);
		run_import(db, yaml, &again);
		run_export(db, exp1, &e1);
		run_export(db, exp2, &e2);
		/* What other processes kept busy meanwhile, in CPUs. */
		double busy = bench_machine_busy(), wall = bench_now() - t0;
		double ours = bench_cpu_now() - own0 + (isnan(b.cpu) ? 0 : b.cpu) + imp.p.cpu +
			      again.p.cpu + e1.cpu + e2.cpu;
		v[M_OTHERS][r] =
			busy < 0 || busy0 < 0 ? NAN : fmax(0, (busy - busy0 - ours) / wall);
		v[M_B][r] = b.wall;
		v[C_B][r] = b.cpu;
		v[M_BASE][r] = v[M_A][r] + v[M_B][r];
		v[C_BASE][r] = v[C_A][r] + v[C_B][r];
		v[C_IMPORT][r] = imp.p.cpu;
		v[C_RATIO][r] = imp.p.cpu / v[C_BASE][r];
		v[M_IMPORT][r] = imp.p.wall;
		v[M_RATIO][r] = imp.p.wall / v[M_BASE][r];
		v[M_IMPORT_RSS][r] = imp.p.rss_mib;
		v[M_REIMPORT][r] = again.p.wall;
		v[M_EXPORT][r] = e1.wall;
		v[M_EXPORT_RSS][r] = e1.rss_mib > e2.rss_mib ? e1.rss_mib : e2.rss_mib;
		printf("round %d: (a) libyaml %.3f s (%ld events); (b) sqlite3 .import %.3f s; "
		       "import %.3f s (srr_import %.3f s; %zu suppliers, %zu entities, %zu added); "
		       "import/B %.2f wall, %.2f CPU; re-import %.3f s; export %.3f s, %.3f s; "
		       "others used %.2f CPUs\n",
		       r + 1, v[M_A][r], events, v[M_B][r], imp.p.wall, imp.inner, imp.suppliers,
		       imp.entities, imp.added, v[M_RATIO][r], v[C_RATIO][r], again.p.wall, e1.wall,
		       e2.wall, v[M_OTHERS][r]);
		if (imp.suppliers != (size_t)n || imp.changed != 0 || imp.added != imp.entities)
			printf("  NOTE: the first import read %zu suppliers, added %zu and changed "
			       "%zu of %zu entities\n",
			       imp.suppliers, imp.added, imp.changed, imp.entities);
		if (again.added || again.changed)
			printf("  NOTE: the second import of the same file added %zu and "
			       "changed %zu entities (want 0 and 0)\n",
			       again.added, again.changed);
		if (!same_bytes(exp1, exp2))
			printf("  NOTE: two exports of the same register differ (%s, %s)\n", exp1,
			       exp2);
		if (r == 0)
			printf("  export: %.1f MB (the input: %.1f MB)%s\n", file_mb(exp1), res->mb,
			       same_bytes(exp1, yaml) ? ", the same bytes as the input" : "");
	}
	for (int k = 0; k < N_MEASURES; k++)
		res->m[k] = bench_median(v[k], rounds);
	if (keep)
		return;
	unlink(exp1);
	unlink(exp2);
	unlink(yaml);
	remove_db(db);
	remove_db(base_db);
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", csv);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-import: cannot remove %s\n", csv);
	unlink(script);
}

static void
print_table(const struct result *res, int n, const int *rounds)
{
	printf("\nimport and export (medians; import/B is the median of per-round ratios; "
	       "wall seconds, peak RSS in MiB):\n");
	printf("  %9s %7s %8s %8s %8s %9s %8s %8s %9s %8s %8s %6s\n", "suppliers", "file MB",
	       "(a) s", "(b) s", "B s", "import s", "import/B", "imp RSS", "re-imp s", "export s",
	       "exp RSS", "rounds");
	for (int i = 0; i < n; i++) {
		const double *m = res[i].m;
		printf("  %9ld %7.1f %8.3f %8.3f %8.3f %9.3f %8.2f %8.1f %9.3f %8.3f %8.1f %6d\n",
		       res[i].suppliers, res[i].mb, m[M_A], m[M_B], m[M_BASE], m[M_IMPORT],
		       m[M_RATIO], m[M_IMPORT_RSS], m[M_REIMPORT], m[M_EXPORT], m[M_EXPORT_RSS],
		       rounds[i]);
	}
	printf("  the same in CPU seconds (the steadier figures on a shared machine):\n");
	printf("  %9s %8s %8s %8s %9s %8s %16s\n", "suppliers", "(a) s", "(b) s", "B s", "import s",
	       "import/B", "others used CPUs");
	for (int i = 0; i < n; i++) {
		const double *m = res[i].m;
		printf("  %9ld %8.3f %8.3f %8.3f %9.3f %8.2f %16.2f\n", res[i].suppliers, m[C_A],
		       m[C_B], m[C_BASE], m[C_IMPORT], m[C_RATIO], m[M_OTHERS]);
	}
	if (isnan(res[0].m[M_B]))
		printf("  (no sqlite3 shell: (b), B and import/B are missing)\n");
}

/* --- main -------------------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: bench-import [-n SIZES] [-r ROUNDS] [-s SEED] [-d DIR]\n");
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
	bench_init("bench-import");
	long sizes[MAX_SIZES];
	const char *env = getenv("SRR_BENCH_SUPPLIERS"), *keep = NULL;
	int n_sizes = parse_sizes(env && *env ? env : "1000,10000,100000", sizes);
	int rounds = 0, opt;
	while ((opt = getopt(argc, argv, "n:r:d:X:")) != -1) {
		if (opt == 'n')
			n_sizes = parse_sizes(optarg, sizes);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'd')
			keep = optarg;
		else if (opt == 'X' && optind + 2 == argc && strcmp(optarg, "import") == 0)
			return child_import(argv[optind], argv[optind + 1]);
		else if (opt == 'X' && optind + 2 == argc && strcmp(optarg, "export") == 0)
			return child_export(argv[optind], argv[optind + 1]);
		else
			usage();
	}
	if (rounds < 0 || rounds > MAX_ROUNDS || optind != argc)
		usage();
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		bench_die("/proc/self/exe: %s", strerror(errno));
	self[len] = '\0';
	char gen[1100];
	const char *g = getenv("SRR_GEN_REGISTER");
	if (g && *g)
		snprintf(gen, sizeof(gen), "%s", g);
	else
		snprintf(gen, sizeof(gen), "%.*s/gen-register", (int)(strrchr(self, '/') - self),
			 self);

	char what[160];
	snprintf(what, sizeof(what), "libyaml %s; libsrr %s; gen-register --seed %s",
		 yaml_get_version_string(), srr_version(), SEED);
	bench_machine(what);
	struct bench_fixture fx = { 0 };
	bench_workspace(&fx, keep);
	printf("workspace: %s\n", fx.dir);

	struct result res[MAX_SIZES];
	int used[MAX_SIZES];
	for (int i = 0; i < n_sizes; i++) {
		used[i] = rounds ? rounds : sizes[i] < 100000 ? 3 : 1;
		one_size(fx.dir, gen, sizes[i], used[i], keep != NULL, &res[i]);
	}
	print_table(res, n_sizes, used);
	if (!keep)
		bench_workspace_remove(&fx);
	return 0;
}
