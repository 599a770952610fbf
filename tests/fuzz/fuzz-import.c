/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for srr_import() (docs/formats/yaml.md).
 *
 * One register per process, made once in a temp dir and holding a few
 * entities so that inputs naming them take the compare-and-update paths,
 * not only the insert ones. Every input is a dry run from memory (nothing
 * touches the disk per run): the register must come out unchanged, and the
 * import must either succeed or refuse the input (SRR_E_INPUT, with at least
 * one error, each one printable line at a real place). Anything else (out of
 * memory, a database error, a changed log) is a bug.
 */
#include <srr/import.h>
#include <srr/log.h>
#include <srr/register.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-import: %s:%d: check failed: %s\n", __FILE__,        \
				__LINE__, #cond);                                                  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* What the register holds before any input: the upsert targets. */
static const char initial[] =
	"suppliers:\n"
	"  - key: acme-cloud\n"
	"    name: Acme Cloud GmbH\n"
	"    tier: critical\n"
	"    country: DE\n"
	"    services: [HSM hosting]\n"
	"    contacts: [{name: Jane Roe, email: jane@acme.example}]\n"
	"    subcontractors: [zeta-dc]\n"
	"    contracts:\n"
	"      - ref: C-1\n"
	"        start: 2024-01-01\n"
	"        end: 2026-12-31\n"
	"        clauses: [right-to-audit]\n"
	"        slas:\n"
	"          - metric: availability\n"
	"            target: 99.9\n"
	"            comparator: ge\n"
	"            period: month\n"
	"            measurements: [{period: 2025-01, value: 99.5}]\n"
	"    reviews: [{date: 2025-03-01, outcome: pass}]\n"
	"    incidents:\n"
	"      - {identified: 2025-04-01T08:00:00Z, severity: high, summary: Outage}\n"
	"    risks:\n"
	"      - {title: Single region, likelihood: 3, impact: 4,\n"
	"         treatment: mitigate, residual_likelihood: 2, residual_impact: 2,\n"
	"         actions: [{text: Second region}]}\n"
	"  - {key: zeta-dc, name: Zeta, tier: low}\n";

static struct srr_register *reg;
static char dir[4096];
static int64_t log_size;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	srr_register_free(reg);
	reg = NULL;
	if (dir[0])
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
die(const char *what)
{
	fprintf(stderr, "fuzz-import: %s: %s\n", what, reg ? srr_errmsg(reg) : "");
	exit(1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/srr-fuzz-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp");
	atexit(cleanup);
	char path[4200];
	snprintf(path, sizeof(path), "%s/register.db", dir);
	if (srr_register_new(&reg) || srr_register_set_actor(reg, "fuzzer") ||
	    srr_register_set_today(reg, "2026-01-15") || srr_register_create(reg, path))
		die("create the register");

	FILE *f = fmemopen((void *)initial, sizeof(initial) - 1, "r");
	if (!f)
		die("fmemopen");
	struct srr_import_options opt = { 0 };
	struct srr_import_summary sum;
	if (srr_import(reg, f, "initial", &opt, &sum))
		die("import the initial entities");
	fclose(f);
	if (srr_log_size(&log_size, reg) || log_size < 2)
		die("log size");
	return 0;
}

struct seen {
	size_t errors;
	size_t changes;
	char *entities; /* each reported entity, NUL-terminated, one after another */
	size_t len;
};

static void
on_error(void *userdata, const char *file, unsigned line, unsigned column, const char *message)
{
	struct seen *seen = userdata;
	seen->errors++;
	check(strcmp(file, "fuzz.yaml") == 0);
	check(line >= 1 && column >= 1);
	check(message && *message);
	for (const unsigned char *p = (const unsigned char *)message; *p; p++)
		check(*p >= 0x20 && *p != 0x7f);
}

static void
on_change(void *userdata, enum srr_import_change change, const char *entity)
{
	struct seen *seen = userdata;
	seen->changes++;
	check(change == SRR_IMPORT_ADDED || change == SRR_IMPORT_CHANGED);
	check(entity && strchr(entity, '/'));
	/* Once per entity (srr/import.h): one event each, never an
	 * intermediate state. Inputs are small: a linear search will do. */
	for (size_t at = 0; at < seen->len; at += strlen(seen->entities + at) + 1) {
		if (strcmp(seen->entities + at, entity) == 0) {
			fprintf(stderr, "fuzz-import: %s reported twice\n", entity);
			abort();
		}
	}
	size_t n = strlen(entity) + 1;
	seen->entities = realloc(seen->entities, seen->len + n);
	check(seen->entities != NULL);
	memcpy(seen->entities + seen->len, entity, n);
	seen->len += n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen() refuses a zero size; an empty file is "-" on an empty pipe. */
	FILE *f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	check(f != NULL);
	struct seen seen = { 0 };
	struct srr_import_options opt = {
		.dry_run = 1,
		.all_errors = size > 0 && (data[0] & 1),
		.on_change = on_change,
		.on_error = on_error,
		.userdata = &seen,
	};
	struct srr_import_summary sum;
	int rc = srr_import(reg, f, "fuzz.yaml", &opt, &sum);
	fclose(f);

	if (rc != 0 && rc != SRR_E_INPUT) {
		fprintf(stderr, "fuzz-import: srr_import: %d (%s): %s\n", rc, srr_strerror(rc),
			srr_errmsg(reg));
		abort();
	}
	check(sum.errors == seen.errors);
	check(rc == 0 ? seen.errors == 0 : seen.errors >= 1);
	check(opt.all_errors || seen.errors <= 1);
	check(seen.errors <= 100);
	if (rc == 0)
		check(sum.added + sum.changed == seen.changes);
	free(seen.entities);

	int64_t n = -1;
	check(srr_log_size(&n, reg) == 0);
	check(n == log_size);
	return 0;
}
