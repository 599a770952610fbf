/* SPDX-License-Identifier: MIT */
/*
 * srr-record/1: the writer, the strict parser, and the golden vectors in
 * tests/data/record (valid, with SHA256SUMS) and tests/data/record-bad
 * (invalid, with the expected error of each in ERRORS).
 */
#include <dirent.h>
#include <gnutls/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "util/cleanup.h"

/* The limits docs/formats/record.md fixes (and src/lib/record.c uses). */
#define FIELD_MAX  65536
#define RECORD_MAX (16u << 20)

/* A literal with its exact length, so tables can hold NUL bytes. */
#define BYTES(s) s, sizeof(s) - 1

struct pair {
	const char *name;
	const char *value;
};

static const char supplier_full[] = "srr-record/1 supplier\n"
				    "key acme-cloud\n"
				    "name Acme \\\\ Partners GmbH\n"
				    "tier critical\n"
				    "country DE\n"
				    "status active\n"
				    "service HSM hosting\n"
				    "service Archive \\\\\\\\files01\\\\tsp\n"
				    "contact Jane Roe\n"
				    "contact-email jane@acme.example\n"
				    "contact-role security\n"
				    "contact J\xc3\xbcrgen M\xc3\xbcller\n"
				    "contact-role account manager\n"
				    "subcontractor hsm-co\n"
				    "subcontractor net-link\n";

static struct srr_record *
build(const char *type, const struct pair *fields, size_t n)
{
	struct srr_record *r = NULL;
	ck_assert_int_eq(srr_record_new(&r, type), 0);
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(srr_record_add(r, fields[i].name, fields[i].value), 0);
	return r;
}

/* Serialise and return the bytes; fails the test on error. */
static char *
serialize_ok(const struct srr_record *r, size_t *len)
{
	char err[256] = "";
	char *out = NULL;
	int rc = srr_record_serialize(&out, len, r, err, sizeof(err));
	ck_assert_msg(rc == 0, "serialize failed (%d): %s", rc, err);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(strlen(out), *len); /* NUL-terminated, no NUL inside */
	return out;
}

static struct srr_record *
parse_ok(const char *buf, size_t len)
{
	char err[256] = "";
	struct srr_record *r = NULL;
	int rc = srr_record_parse(&r, buf, len, err, sizeof(err));
	ck_assert_msg(rc == 0, "parse failed (%d): %s\n%.*s", rc, err, (int)len, buf);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* Parse must succeed and serialise back to exactly the same bytes. */
static void
assert_canonical(const char *what, const char *buf, size_t len)
{
	struct srr_record *r = parse_ok(buf, len);
	size_t olen = 0;
	char *out = serialize_ok(r, &olen);
	ck_assert_msg(olen == len && memcmp(out, buf, len) == 0,
		      "%s: serialize(parse(x)) != x:\n--- in\n%.*s--- out\n%s", what, (int)len, buf,
		      out);
	free(out);
	srr_record_free(r);
}

static void
assert_parse_fails(const char *what, const char *buf, size_t len, const char *expected)
{
	char err[256] = "";
	struct srr_record *r = (struct srr_record *)&err; /* must be reset to NULL */
	int rc = srr_record_parse(&r, buf, len, err, sizeof(err));
	ck_assert_msg(rc == SRR_E_INPUT, "%s: parse returned %d, want SRR_E_INPUT (%s)", what, rc,
		      expected);
	ck_assert_msg(r == NULL, "%s: *out not NULL after a failed parse", what);
	ck_assert_msg(strcmp(err, expected) == 0, "%s: error '%s', want '%s'", what, err, expected);
}

static void
sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[32];
	ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md), 0);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

#define PATH_SIZE 4096

static char *
join(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, PATH_SIZE, "%s/%s", dir, name);
	ck_assert_msg(n > 0 && n < PATH_SIZE, "path too long: %s/%s", dir, name);
	return buf;
}

/* $SRR_TEST_DATA/sub, in @buf (PATH_SIZE bytes). */
static char *
data_dir(char *buf, const char *sub)
{
	const char *base = getenv("SRR_TEST_DATA");
	ck_assert_msg(base && *base, "SRR_TEST_DATA is not set");
	return join(buf, base, sub);
}

static int
is_rec(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 4 && strcmp(d->d_name + n - 4, ".rec") == 0;
}

/* The .rec files of a data directory, sorted; free with free_names(). */
static size_t
list_vectors(const char *dir, struct dirent ***names)
{
	int n = scandir(dir, names, is_rec, alphasort);
	ck_assert_msg(n >= 0, "cannot list %s", dir);
	return (size_t)n;
}

static void
free_names(struct dirent **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Look @file up in an index: SHA256SUMS ("HEX  NAME") when @sums, else
 * ERRORS ("NAME<TAB>message"). Returns the HEX or the message, malloc'd,
 * or NULL. Lines starting with '#' are comments. */
static char *
index_find(const char *index, const char *file, bool sums)
{
	size_t flen = strlen(file);
	for (const char *line = index; *line;) {
		size_t len = strcspn(line, "\n");
		if (line[0] == '#') {
			/* comment */
		} else if (sums) {
			if (len == 66 + flen && memcmp(line + 64, "  ", 2) == 0 &&
			    memcmp(line + 66, file, flen) == 0)
				return strndup(line, 64);
		} else if (len > flen && line[flen] == '\t' && memcmp(line, file, flen) == 0) {
			return strndup(line + flen + 1, len - flen - 1);
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return NULL;
}

/* ------------------------------------------------------------------ writer */

START_TEST(test_writer_bytes)
{
	static const struct pair f[] = {
		{ "key", "acme-cloud" },
		{ "name", "Acme \\ Partners GmbH" },
		{ "tier", "critical" },
		{ "country", "DE" },
		{ "status", "active" },
		{ "service", "HSM hosting" },
		{ "service", "Archive \\\\files01\\tsp" },
		{ "contact", "Jane Roe" },
		{ "contact-email", "jane@acme.example" },
		{ "contact-role", "security" },
		{ "contact", "J\xc3\xbcrgen M\xc3\xbcller" },
		{ "contact-role", "account manager" },
		{ "subcontractor", "hsm-co" },
		{ "subcontractor", "net-link" },
	};
	struct srr_record *r = build("supplier", f, ARRAY_LEN(f));
	size_t len;
	char *out = serialize_ok(r, &len);
	ck_assert_str_eq(out, supplier_full);
	ck_assert_int_eq(len, sizeof(supplier_full) - 1);
	free(out);
	srr_record_free(r);
}
END_TEST

START_TEST(test_writer_skips_empty)
{
	struct srr_record *r;
	ck_assert_int_eq(srr_record_new(&r, "contract"), 0);
	ck_assert_int_eq(srr_record_add(r, "supplier", "acme-cloud"), 0);
	ck_assert_int_eq(srr_record_add(r, "ref", "C-1"), 0);
	ck_assert_int_eq(srr_record_add(r, "start", "2024-01-01"), 0);
	ck_assert_int_eq(srr_record_add(r, "end", "2024-12-31"), 0);
	/* Optional fields given as NULL or "" are left out, never empty. */
	ck_assert_int_eq(srr_record_add(r, "notice-days", ""), 0);
	ck_assert_int_eq(srr_record_add(r, "status", "active"), 0);
	ck_assert_int_eq(srr_record_add(r, "terminated", NULL), 0);
	ck_assert_int_eq(srr_record_count(r), 5);
	size_t len;
	char *out = serialize_ok(r, &len);
	ck_assert_str_eq(out, "srr-record/1 contract\nsupplier acme-cloud\nref C-1\n"
			      "start 2024-01-01\nend 2024-12-31\nstatus active\n");
	free(out);
	srr_record_free(r);
}
END_TEST

START_TEST(test_writer_add_int)
{
	struct srr_record *r;
	ck_assert_int_eq(srr_record_new(&r, "event"), 0);
	ck_assert_int_eq(srr_record_add_int(r, "seq", 123456789012345678LL), 0);
	ck_assert_int_eq(srr_record_add(r, "time", "2026-11-27T21:56:53Z"), 0);
	ck_assert_int_eq(srr_record_add(r, "actor", "alice"), 0);
	ck_assert_int_eq(srr_record_add(r, "action", "supplier.add"), 0);
	ck_assert_int_eq(srr_record_add(r, "entity", "supplier/acme-cloud"), 0);
	ck_assert_int_eq(srr_record_add(r, "record-sha256",
					"00000000000000000000000000000000"
					"000000000000000000000000000000ff"),
			 0);
	ck_assert_str_eq(srr_record_get(r, "seq"), "123456789012345678");
	size_t len;
	char *out = serialize_ok(r, &len);
	ck_assert_ptr_nonnull(strstr(out, "\nseq 123456789012345678\n"));
	free(out);
	srr_record_free(r);

	/* Zero is written, not skipped like an empty string. */
	ck_assert_int_eq(srr_record_new(&r, "register"), 0);
	ck_assert_int_eq(srr_record_add(r, "id", "ab"), 0);
	ck_assert_int_eq(srr_record_add_int(r, "schema", 0), 0);
	out = serialize_ok(r, &len);
	ck_assert_str_eq(out, "srr-record/1 register\nid ab\nschema 0\n");
	free(out);
	srr_record_free(r);
}
END_TEST

START_TEST(test_writer_add_copies)
{
	char name[] = "Acme";
	struct srr_record *r;
	ck_assert_int_eq(srr_record_new(&r, "supplier"), 0);
	ck_assert_int_eq(srr_record_add(r, "name", name), 0);
	name[0] = 'X';
	ck_assert_str_eq(srr_record_value(r, 0), "Acme");
	srr_record_free(r);
	srr_record_free(NULL);
}
END_TEST

/* A record the writer must refuse, with the error it must give. */
struct writer_case {
	const char *what;
	const char *type;
	struct pair f[12];
	const char *err;
};

/* One case per entry reads better than one field per line. */
/* clang-format off */
#define SUP_HEAD { "key", "acme-cloud" }, { "name", "Acme" }, { "tier", "high" }
#define CON_HEAD                                                                                   \
	{ "supplier", "acme-cloud" }, { "ref", "C-1" }, { "start", "2024-01-01" },                 \
		{ "end", "2024-12-31" }
#define SLA_HEAD { "supplier", "acme-cloud" }, { "contract", "C-1" }, { "metric", "availability" }
#define EV_HEAD                                                                                    \
	{ "seq", "1" }, { "time", "2026-11-27T21:56:53Z" }, { "actor", "alice" },                  \
		{ "action", "supplier.add" }

static const struct writer_case writer_cases[] = {
	{ "unknown type", "widget", { { "key", "x" } }, "unknown record type 'widget'" },
	{ "empty record", "supplier", { { NULL, NULL } }, "missing field 'key'" },
	{ "missing field",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme" }, { "status", "active" } },
	  "missing field 'tier'" },
	{ "missing last field", "register", { { "id", "ab" } }, "missing field 'schema'" },
	{ "fields swapped",
	  "supplier",
	  { { "key", "acme-cloud" },
	    { "tier", "high" },
	    { "name", "Acme" },
	    { "status", "active" } },
	  "missing field 'name'" },
	{ "optional out of order",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "country", "DE" } },
	  "field 'country' out of order or repeated" },
	{ "ONE field twice",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "status", "retired" } },
	  "field 'status' out of order or repeated" },
	{ "unknown field",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "colour", "blue" } },
	  "unknown field 'colour' in a supplier record" },
	{ "field of another type",
	  "sla",
	  { SLA_HEAD,
	    { "target", "1" },
	    { "comparator", "ge" },
	    { "period", "month" },
	    { "key", "x" } },
	  "unknown field 'key' in a sla record" },
	{ "LF in a line field",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme\nCloud" } },
	  "invalid value for 'name'" },
	{ "LF in a service",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "service", "a\nb" } },
	  "invalid value for 'service'" },
	{ "LF in a contact role",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "contact", "Jane" }, { "contact-role", "a\nb" } },
	  "invalid value for 'contact-role'" },
	{ "LF in a unit",
	  "sla",
	  { SLA_HEAD,
	    { "target", "1" },
	    { "comparator", "ge" },
	    { "unit", "per\ncent" },
	    { "period", "month" } },
	  "invalid value for 'unit'" },
	{ "LF in an actor",
	  "event",
	  { { "seq", "1" }, { "time", "2026-11-27T21:56:53Z" }, { "actor", "al\nice" } },
	  "invalid value for 'actor'" },
	{ "tab",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme\tCloud" } },
	  "invalid value for 'name'" },
	{ "CR",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme\r" } },
	  "invalid value for 'name'" },
	{ "DEL",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme\x7f" } },
	  "invalid value for 'name'" },
	{ "invalid UTF-8",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "Acme \xff" } },
	  "invalid value for 'name'" },
	{ "overlong UTF-8",
	  "supplier",
	  { { "key", "acme-cloud" }, { "name", "\xc0\xaf" } },
	  "invalid value for 'name'" },
	{ "bad key", "supplier", { { "key", "Acme" } }, "invalid value for 'key'" },
	{ "bad tier",
	  "supplier",
	  { { "key", "acme" }, { "name", "Acme" }, { "tier", "urgent" } },
	  "invalid value for 'tier'" },
	{ "bad country",
	  "supplier",
	  { SUP_HEAD, { "country", "DEU" } },
	  "invalid value for 'country'" },
	{ "bad ref",
	  "contract",
	  { { "supplier", "acme-cloud" }, { "ref", "C 1" } },
	  "invalid value for 'ref'" },
	{ "bad date",
	  "contract",
	  { { "supplier", "acme-cloud" }, { "ref", "C-1" }, { "start", "2024-13-01" } },
	  "invalid value for 'start'" },
	{ "notice-days negative",
	  "contract",
	  { CON_HEAD, { "notice-days", "-1" } },
	  "invalid value for 'notice-days'" },
	{ "notice-days leading zero",
	  "contract",
	  { CON_HEAD, { "notice-days", "07" } },
	  "invalid value for 'notice-days'" },
	{ "notice-days 19 digits",
	  "contract",
	  { CON_HEAD, { "notice-days", "1000000000000000000" } },
	  "invalid value for 'notice-days'" },
	{ "unknown clause",
	  "contract",
	  { CON_HEAD, { "status", "active" }, { "clause", "escrow" } },
	  "invalid value for 'clause'" },
	{ "clauses unsorted",
	  "contract",
	  { CON_HEAD,
	    { "status", "active" },
	    { "clause", "data-location" },
	    { "clause", "right-to-audit" } },
	  "'clause' values out of order or repeated" },
	{ "clause repeated",
	  "contract",
	  { CON_HEAD,
	    { "status", "active" },
	    { "clause", "sla-reporting" },
	    { "clause", "sla-reporting" } },
	  "'clause' values out of order or repeated" },
	{ "subcontractors unsorted",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "subcontractor", "b" }, { "subcontractor", "a" } },
	  "'subcontractor' values out of order or repeated" },
	{ "subcontractor repeated",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "subcontractor", "a" }, { "subcontractor", "a" } },
	  "'subcontractor' values out of order or repeated" },
	{ "contact-email without contact",
	  "supplier",
	  { SUP_HEAD, { "status", "active" }, { "contact-email", "j@x" } },
	  "field 'contact-email' out of order or repeated" },
	{ "contact group order",
	  "supplier",
	  { SUP_HEAD,
	    { "status", "active" },
	    { "contact", "Jane" },
	    { "contact-role", "sec" },
	    { "contact-email", "j@x" } },
	  "field 'contact-email' out of order or repeated" },
	{ "non-canonical decimal",
	  "sla",
	  { SLA_HEAD, { "target", "99.90" } },
	  "invalid value for 'target'" },
	{ "decimal with plus",
	  "sla",
	  { SLA_HEAD, { "target", "+1" } },
	  "invalid value for 'target'" },
	{ "decimal 16 digits",
	  "sla",
	  { SLA_HEAD, { "target", "1234567890123456" } },
	  "invalid value for 'target'" },
	{ "bad comparator",
	  "sla",
	  { SLA_HEAD, { "target", "1" }, { "comparator", "gt" } },
	  "invalid value for 'comparator'" },
	{ "bad period",
	  "measurement",
	  { SLA_HEAD, { "period", "2026-00" } },
	  "invalid value for 'period'" },
	{ "negative zero",
	  "measurement",
	  { SLA_HEAD, { "period", "2026-Q4" }, { "value", "-0" } },
	  "invalid value for 'value'" },
	{ "bad breach",
	  "measurement",
	  { SLA_HEAD, { "period", "2026-Q4" }, { "value", "1" }, { "breach", "true" } },
	  "invalid value for 'breach'" },
	{ "bad time",
	  "event",
	  { { "seq", "1" }, { "time", "2026-11-27 21:56:53Z" } },
	  "invalid value for 'time'" },
	{ "control: a valid prefix", "event", { EV_HEAD, { "entity", "supplier/acme" } }, NULL },
	{ "action with digit",
	  "event",
	  { { "seq", "1" },
	    { "time", "2026-11-27T21:56:53Z" },
	    { "actor", "a" },
	    { "action", "supplier.add2" } },
	  "invalid value for 'action'" },
	{ "entity part too long",
	  "event",
	  { EV_HEAD,
	    { "entity",
	      "supplier/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } },
	  "invalid value for 'entity'" },
	{ "entity trailing slash",
	  "event",
	  { EV_HEAD, { "entity", "supplier/acme/" } },
	  "invalid value for 'entity'" },
	{ "hex uppercase",
	  "event",
	  { EV_HEAD, { "entity", "supplier/acme" }, { "record-sha256", "ABCD" } },
	  "invalid value for 'record-sha256'" },
	{ "group member missing",
	  "review",
	  { { "id", "1" },
	    { "supplier", "a" },
	    { "date", "2026-03-01" },
	    { "outcome", "pass" },
	    { "reviewer", "alice" },
	    { "evidence", "x.pdf" },
	    { "evidence-size", "1" } },
	  "missing field 'evidence-sha256'" },
	{ "group members swapped",
	  "risk",
	  { { "id", "1" },
	    { "supplier", "a" },
	    { "title", "T" },
	    { "likelihood", "1" },
	    { "impact", "1" },
	    { "status", "open" },
	    { "action", "A" },
	    { "action-done", "2026-01-01" },
	    { "action-owner", "bob" } },
	  "field 'action-owner' out of order or repeated" },
	{ "hex too long",
	  "register",
	  { { "id", "0000000000000000000000000000000000000000000000000000000000000000"
		    "0000000000000000000000000000000000000000000000000000000000000000"
		    "00" } },
	  "invalid value for 'id'" },
};

/* clang-format on */

START_TEST(test_writer_rejects)
{
	const struct writer_case *c = &writer_cases[_i];
	size_t n = 0;
	while (n < ARRAY_LEN(c->f) && c->f[n].name)
		n++;
	struct srr_record *r = build(c->type, c->f, n);
	char err[256] = "";
	char *out = NULL;
	size_t len = 0;
	int rc = srr_record_serialize(&out, &len, r, err, sizeof(err));
	if (!c->err) {
		/* A control case: the prefix of a valid record is complete here. */
		ck_assert_msg(rc == SRR_E_INPUT, "%s: %d", c->what, rc);
		ck_assert_str_eq(err, "missing field 'record-sha256'");
	} else {
		ck_assert_msg(rc == SRR_E_INPUT, "%s: serialize returned %d", c->what, rc);
		ck_assert_msg(strcmp(err, c->err) == 0, "%s: error '%s', want '%s'", c->what, err,
			      c->err);
	}
	ck_assert_msg(out == NULL, "%s: bytes returned for a refused record", c->what);
	srr_record_free(r);
}
END_TEST

START_TEST(test_writer_errbuf)
{
	static const struct pair f[] = { { "key", "acme-cloud" } };
	struct srr_record *r = build("supplier", f, ARRAY_LEN(f));
	char *out = NULL;
	size_t len;
	/* No error buffer: still refused, nothing written anywhere. */
	ck_assert_int_eq(srr_record_serialize(&out, &len, r, NULL, 0), SRR_E_INPUT);
	ck_assert_ptr_null(out);
	/* A short buffer is truncated and terminated. */
	char small[8];
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(srr_record_serialize(&out, &len, r, small, sizeof(small)), SRR_E_INPUT);
	ck_assert_str_eq(small, "missing");
	srr_record_free(r);
}
END_TEST

START_TEST(test_writer_value_limits)
{
	char *big = malloc(FIELD_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', FIELD_MAX + 1);
	big[FIELD_MAX] = '\0';

	/* Exactly FIELD_MAX bytes is allowed, and round-trips. */
	struct pair f[] = {
		{ "key", "a" }, { "name", big }, { "tier", "low" }, { "status", "active" }
	};
	struct srr_record *r = build("supplier", f, ARRAY_LEN(f));
	size_t len;
	char *out = serialize_ok(r, &len);
	assert_canonical("FIELD_MAX value", out, len);
	free(out);
	srr_record_free(r);

	/* The limit is on the unescaped value: backslashes count once. */
	memset(big, '\\', FIELD_MAX);
	r = build("supplier", f, ARRAY_LEN(f));
	out = serialize_ok(r, &len);
	ck_assert_int_eq(len, strlen("srr-record/1 supplier\nkey a\nname \ntier low\n"
				     "status active\n") +
				      2 * FIELD_MAX);
	assert_canonical("FIELD_MAX backslashes", out, len);
	free(out);
	srr_record_free(r);

	/* One more byte is refused by the writer and by the parser. */
	memset(big, 'a', FIELD_MAX + 1);
	big[FIELD_MAX + 1] = '\0';
	r = build("supplier", f, ARRAY_LEN(f));
	char err[256];
	out = NULL;
	ck_assert_int_eq(srr_record_serialize(&out, &len, r, err, sizeof(err)), SRR_E_INPUT);
	ck_assert_str_eq(err, "invalid value for 'name'");
	srr_record_free(r);

	size_t blen = strlen("srr-record/1 supplier\nkey a\nname \ntier low\nstatus active\n") +
		      FIELD_MAX + 1;
	char *buf = malloc(blen + 1);
	ck_assert_ptr_nonnull(buf);
	int n = snprintf(buf, blen + 1,
			 "srr-record/1 supplier\nkey a\nname %s\ntier low\n"
			 "status active\n",
			 big);
	ck_assert_int_eq(n, blen);
	assert_parse_fails("FIELD_MAX + 1 value", buf, blen, "line 3: invalid value for 'name'");
	free(buf);
	free(big);
}
END_TEST

START_TEST(test_record_max)
{
	/* 256 services of 64 KiB plus the other lines pass 16 MiB. */
	char *svc = malloc(FIELD_MAX + 1);
	ck_assert_ptr_nonnull(svc);
	memset(svc, 's', FIELD_MAX);
	svc[FIELD_MAX] = '\0';
	struct srr_record *r;
	ck_assert_int_eq(srr_record_new(&r, "supplier"), 0);
	srr_record_add(r, "key", "a");
	srr_record_add(r, "name", "A");
	srr_record_add(r, "tier", "low");
	srr_record_add(r, "status", "active");
	for (int i = 0; i < 256; i++)
		ck_assert_int_eq(srr_record_add(r, "service", svc), 0);
	char err[256] = "";
	char *out = NULL;
	size_t len;
	ck_assert_int_eq(srr_record_serialize(&out, &len, r, err, sizeof(err)), SRR_E_INPUT);
	ck_assert_str_eq(err, "record larger than 16777216 bytes");
	ck_assert_ptr_null(out);
	srr_record_free(r);
	free(svc);

	/* The parser refuses on size before it looks at anything else. */
	char *buf = malloc(RECORD_MAX + 1);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 'x', RECORD_MAX + 1);
	assert_parse_fails("RECORD_MAX + 1", buf, RECORD_MAX + 1,
			   "record larger than 16777216 bytes");
	free(buf);
}
END_TEST

/* ------------------------------------------------------------------ parser */

START_TEST(test_parse_accessors)
{
	struct srr_record *r = parse_ok(BYTES(supplier_full));
	ck_assert_str_eq(srr_record_type(r), "supplier");
	ck_assert_int_eq(srr_record_count(r), 14);
	ck_assert_str_eq(srr_record_name(r, 0), "key");
	ck_assert_str_eq(srr_record_value(r, 0), "acme-cloud");
	/* Values come back unescaped. */
	ck_assert_str_eq(srr_record_get(r, "name"), "Acme \\ Partners GmbH");
	ck_assert_str_eq(srr_record_value(r, 6), "Archive \\\\files01\\tsp");
	ck_assert_str_eq(srr_record_name(r, 10), "contact");
	ck_assert_str_eq(srr_record_value(r, 10), "J\xc3\xbcrgen M\xc3\xbcller");
	ck_assert_str_eq(srr_record_name(r, 11), "contact-role");
	ck_assert_str_eq(srr_record_name(r, 13), "subcontractor");
	ck_assert_str_eq(srr_record_value(r, 13), "net-link");
	/* get() finds the first of a repeated field. */
	ck_assert_str_eq(srr_record_get(r, "service"), "HSM hosting");
	ck_assert_str_eq(srr_record_get(r, "contact"), "Jane Roe");
	ck_assert_ptr_null(srr_record_get(r, "colour"));
	ck_assert_ptr_null(srr_record_name(r, 14));
	ck_assert_ptr_null(srr_record_value(r, 14));
	srr_record_free(r);
}
END_TEST

/* Escapes: a backslash is written as two; "\n" decodes to LF, which no
 * current field accepts. An escaped backslash followed by 'n' is text. */
START_TEST(test_escapes)
{
	static const struct {
		const char *value;
		const char *line;
	} cases[] = {
		{ "\\", "name \\\\\n" },
		{ "\\\\", "name \\\\\\\\\n" },
		{ "a\\nb", "name a\\\\nb\n" },
		{ "\\start", "name \\\\start\n" },
		{ "end\\", "name end\\\\\n" },
		{ "C:\\n\\", "name C:\\\\n\\\\\n" },
		{ " spaced  out ", "name  spaced  out \n" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct pair f[] = { { "key", "k" },
				    { "name", cases[i].value },
				    { "tier", "low" },
				    { "status", "active" } };
		struct srr_record *r = build("supplier", f, ARRAY_LEN(f));
		size_t len;
		char *out = serialize_ok(r, &len);
		char want[256];
		snprintf(want, sizeof(want),
			 "srr-record/1 supplier\nkey k\n%stier low\n"
			 "status active\n",
			 cases[i].line);
		ck_assert_str_eq(out, want);
		srr_record_free(r);
		r = parse_ok(out, len);
		ck_assert_str_eq(srr_record_get(r, "name"), cases[i].value);
		srr_record_free(r);
		free(out);
	}
	/* The parser decodes "\n", then the line field refuses the LF. */
	assert_parse_fails("escaped LF",
			   BYTES("srr-record/1 supplier\nkey k\nname a\\nb\n"
				 "tier low\nstatus active\n"),
			   "line 3: invalid value for 'name'");
}
END_TEST

/* Multi-line text fields (incident summary, review findings, risk
 * description and justification): LF is written as "\n". */
START_TEST(test_text_escapes)
{
	static const struct {
		const char *value;
		const char *line;
	} cases[] = {
		{ "one\ntwo", "summary one\\ntwo\n" },
		{ "\n", "summary \\n\n" },
		{ "ends with LF\n", "summary ends with LF\\n\n" },
		{ "\n\nblank lines\n\n", "summary \\n\\nblank lines\\n\\n\n" },
		{ "path \\\\srv\\x\nnext", "summary path \\\\\\\\srv\\\\x\\nnext\n" },
		{ "backslash then n: \\n", "summary backslash then n: \\\\n\n" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct pair f[] = { { "id", "1" },
				    { "supplier", "acme-cloud" },
				    { "identified", "2026-10-14T06:12:00Z" },
				    { "severity", "low" },
				    { "summary", cases[i].value } };
		struct srr_record *r = build("incident", f, ARRAY_LEN(f));
		size_t len;
		char *out = serialize_ok(r, &len);
		char want[256];
		snprintf(want, sizeof(want),
			 "srr-record/1 incident\nid 1\nsupplier acme-cloud\n"
			 "identified 2026-10-14T06:12:00Z\nseverity low\n%s",
			 cases[i].line);
		ck_assert_str_eq(out, want);
		srr_record_free(r);
		r = parse_ok(out, len);
		ck_assert_str_eq(srr_record_get(r, "summary"), cases[i].value);
		srr_record_free(r);
		free(out);
	}
	/* LF is the only control character multi-line text may hold. */
	static const char *const bad[] = { "a\tb", "a\r\nb", "a\x1b", "a\x7f" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct pair f[] = { { "id", "1" },
				    { "supplier", "acme-cloud" },
				    { "identified", "2026-10-14T06:12:00Z" },
				    { "severity", "low" },
				    { "summary", bad[i] } };
		struct srr_record *r = build("incident", f, ARRAY_LEN(f));
		char err[256] = "";
		char *out = NULL;
		size_t len;
		ck_assert_int_eq(srr_record_serialize(&out, &len, r, err, sizeof(err)),
				 SRR_E_INPUT);
		ck_assert_str_eq(err, "invalid value for 'summary'");
		srr_record_free(r);
	}
}
END_TEST

struct parse_case {
	const char *what;
	const char *bytes;
	size_t len;
	const char *err;
};

/* clang-format off */
#define SUP_H "srr-record/1 supplier\n"
#define SUP_B "key acme-cloud\nname Acme\ntier low\nstatus active\n"

static const struct parse_case parse_cases[] = {
	/* bytes */
	{ "empty", BYTES(""), "record does not end with a line feed" },
	{ "no final LF", BYTES(SUP_H "key acme-cloud\nname Acme\ntier low\nstatus active"),
	  "record does not end with a line feed" },
	{ "lone continuation byte", BYTES(SUP_H "key a\nname \x80\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "truncated sequence", BYTES(SUP_H "key a\nname \xe2\x82\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "overlong NUL", BYTES(SUP_H "key a\nname \xc0\x80\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "overlong 3 bytes", BYTES(SUP_H "key a\nname \xe0\x80\xaf\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "surrogate", BYTES(SUP_H "key a\nname \xed\xb0\x80\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "above U+10FFFF", BYTES(SUP_H "key a\nname \xf4\x90\x80\x80\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "0xff", BYTES(SUP_H "key a\nname \xff\ntier low\nstatus active\n"),
	  "record is not valid UTF-8" },
	{ "NUL", BYTES(SUP_H "key a\nname A\0B\ntier low\nstatus active\n"),
	  "line 3: control character 0x00" },
	{ "SOH", BYTES(SUP_H "key a\nname A\x01\ntier low\nstatus active\n"),
	  "line 3: control character 0x01" },
	{ "ESC", BYTES(SUP_H "key a\nname A\ntier low\x1b[0m\nstatus active\n"),
	  "line 4: control character 0x1b" },
	{ "tab", BYTES(SUP_H "key a\nname A\ntier low\nstatus\tactive\n"),
	  "line 5: control character 0x09" },
	{ "CR LF", BYTES(SUP_H "key a\r\nname A\ntier low\nstatus active\n"),
	  "line 2: control character 0x0d" },
	{ "DEL", BYTES(SUP_H "key a\nname A\x7f\ntier low\nstatus active\n"),
	  "line 3: control character 0x7f" },
	{ "vertical tab", BYTES(SUP_H "key a\x0b\nname A\ntier low\nstatus active\n"),
	  "line 2: control character 0x0b" },
	/* header */
	{ "no header", BYTES(SUP_B), "line 1: not an srr-record/1 record" },
	{ "wrong version", BYTES("srr-record/10 supplier\n" SUP_B),
	  "line 1: not an srr-record/1 record" },
	{ "upper-case magic", BYTES("SRR-RECORD/1 supplier\n" SUP_B),
	  "line 1: not an srr-record/1 record" },
	{ "no space after magic", BYTES("srr-record/1supplier\n" SUP_B),
	  "line 1: not an srr-record/1 record" },
	{ "no type", BYTES("srr-record/1 \n" SUP_B), "line 1: not an srr-record/1 record" },
	{ "two spaces", BYTES("srr-record/1  supplier\n" SUP_B),
	  "line 1: unknown record type ' supplier'" },
	{ "type case", BYTES("srr-record/1 Supplier\n" SUP_B),
	  "line 1: unknown record type 'Supplier'" },
	{ "unknown type", BYTES("srr-record/1 invoice\n" SUP_B),
	  "line 1: unknown record type 'invoice'" },
	/* line syntax */
	{ "blank line", BYTES(SUP_H "key a\n\nname A\ntier low\nstatus active\n"),
	  "line 3: expected 'name value'" },
	{ "trailing blank line", BYTES(SUP_H SUP_B "\n"), "line 6: expected 'name value'" },
	{ "name only", BYTES(SUP_H "key\n"), "line 2: expected 'name value'" },
	{ "leading space", BYTES(SUP_H " key a\n"), "line 2: expected 'name value'" },
	{ "underscore in name", BYTES(SUP_H SUP_B "contact_email a@b\n"),
	  "line 6: expected 'name value'" },
	{ "name starts with a digit", BYTES(SUP_H "1key a\n"), "line 2: expected 'name value'" },
	{ "name starts with a dash", BYTES(SUP_H "-key a\n"), "line 2: expected 'name value'" },
	{ "name too long",
	  BYTES(SUP_H "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk a\n"),
	  "line 2: expected 'name value'" },
	{ "empty value", BYTES(SUP_H "key a\nname \ntier low\nstatus active\n"),
	  "line 3: empty value" },
	/* escapes */
	{ "escaped t", BYTES(SUP_H "key a\nname A\\tB\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "escaped r", BYTES(SUP_H "key a\nname A\\r\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "escaped quote", BYTES(SUP_H "key a\nname \\\"A\\\"\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "hex escape", BYTES(SUP_H "key a\nname \\x41\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "upper N", BYTES(SUP_H "key a\nname A\\N\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "lone backslash at end", BYTES(SUP_H "key a\nname A\\\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "three backslashes", BYTES(SUP_H "key a\nname A\\\\\\\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	{ "escaped space", BYTES(SUP_H "key a\nname A\\ B\ntier low\nstatus active\n"),
	  "line 3: invalid escape (only \\\\ and \\n)" },
	/* schema */
	{ "header only", BYTES(SUP_H), "line 2: missing field 'key'" },
	{ "missing ONE", BYTES(SUP_H "key a\nname A\nstatus active\n"),
	  "line 4: missing field 'tier'" },
	{ "missing at the end", BYTES(SUP_H "key a\nname A\ntier low\n"),
	  "line 5: missing field 'status'" },
	{ "order", BYTES(SUP_H "name A\nkey a\ntier low\nstatus active\n"),
	  "line 2: missing field 'key'" },
	{ "late optional", BYTES(SUP_H SUP_B "country DE\n"),
	  "line 6: field 'country' out of order or repeated" },
	{ "repeated at the end", BYTES(SUP_H SUP_B "status retired\n"),
	  "line 6: field 'status' out of order or repeated" },
	{ "unknown field", BYTES(SUP_H SUP_B "note hello\n"),
	  "line 6: unknown field 'note' in a supplier record" },
	{ "unknown field first", BYTES(SUP_H "id 00\n" SUP_B), "line 2: missing field 'key'" },
	{ "repeated service is fine, order is not",
	  BYTES(SUP_H SUP_B "service A\nsubcontractor b\nservice B\n"),
	  "line 8: field 'service' out of order or repeated" },
	{ "second contact group out of order",
	  BYTES(SUP_H SUP_B "contact A\ncontact-email a@x\ncontact B\ncontact-role r\n"
			    "contact-email b@x\n"),
	  "line 10: field 'contact-email' out of order or repeated" },
	{ "subcontractor bytes order", BYTES(SUP_H SUP_B "subcontractor b-2\nsubcontractor b-10\n"),
	  "line 7: 'subcontractor' values out of order or repeated" },
	{ "clauses in name order, not checklist order",
	  BYTES("srr-record/1 contract\nsupplier a\nref C\nstart 2024-01-01\nend 2024-01-01\n"
		"status active\nclause data-location\nclause sla-reporting\n"
		"clause right-to-audit\n"),
	  "line 9: 'clause' values out of order or repeated" },
	{ "value syntax", BYTES(SUP_H "key a\nname A\ntier Low\nstatus active\n"),
	  "line 4: invalid value for 'tier'" },
	{ "date 2100-02-29", BYTES("srr-record/1 contract\nsupplier a\nref C\nstart 2100-02-29\n"),
	  "line 4: invalid value for 'start'" },
	{ "year below 1000", BYTES("srr-record/1 contract\nsupplier a\nref C\nstart 0999-12-31\n"),
	  "line 4: invalid value for 'start'" },
	{ "uint 19 digits", BYTES("srr-record/1 register\nid 00\nschema 1000000000000000000\n"),
	  "line 3: invalid value for 'schema'" },
	{ "hex 130 digits",
	  BYTES("srr-record/1 register\nid "
		"0000000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000000000000000000000\nschema 1\n"),
	  "line 2: invalid value for 'id'" },
	{ "entity type with digit",
	  BYTES("srr-record/1 event\nseq 1\ntime 2026-11-27T21:56:53Z\nactor a\naction x.y\n"
		"entity t2/x\n"),
	  "line 6: invalid value for 'entity'" },
	{ "action starting with a dot",
	  BYTES("srr-record/1 event\nseq 1\ntime 2026-11-27T21:56:53Z\nactor a\naction .add\n"),
	  "line 5: invalid value for 'action'" },
	{ "action ending with a dot",
	  BYTES("srr-record/1 event\nseq 1\ntime 2026-11-27T21:56:53Z\nactor a\naction sla.\n"),
	  "line 5: invalid value for 'action'" },
	{ "time 24:00", BYTES("srr-record/1 event\nseq 1\ntime 2026-11-27T24:00:00Z\n"),
	  "line 3: invalid value for 'time'" },
	{ "metric with dot",
	  BYTES("srr-record/1 sla\nsupplier a\ncontract C\nmetric avail.ability\n"),
	  "line 4: invalid value for 'metric'" },
	{ "quarter 0",
	  BYTES("srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-Q0\n"),
	  "line 5: invalid value for 'period'" },
	{ "decimal 1.0",
	  BYTES("srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-01\n"
		"value 1.0\n"),
	  "line 6: invalid value for 'value'" },
	{ "decimal -.5",
	  BYTES("srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-01\n"
		"value -.5\n"),
	  "line 6: invalid value for 'value'" },
	{ "decimal 00",
	  BYTES("srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-01\n"
		"value 00\n"),
	  "line 6: invalid value for 'value'" },
	{ "decimal with space",
	  BYTES("srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-01\n"
		"value 99.9 \n"),
	  "line 6: invalid value for 'value'" },
};

/* clang-format on */

START_TEST(test_parse_rejects)
{
	const struct parse_case *c = &parse_cases[_i];
	assert_parse_fails(c->what, c->bytes, c->len, c->err);
}
END_TEST

START_TEST(test_parse_errbuf)
{
	struct srr_record *r = NULL;
	ck_assert_int_eq(srr_record_parse(&r, BYTES(SUP_H "key a\n"), NULL, 0), SRR_E_INPUT);
	ck_assert_ptr_null(r);
	char small[5];
	ck_assert_int_eq(srr_record_parse(&r, BYTES(SUP_H "key a\n"), small, sizeof(small)),
			 SRR_E_INPUT);
	ck_assert_str_eq(small, "line");
}
END_TEST

/* Valid records that look odd but are canonical: what the format allows. */
START_TEST(test_parse_accepts)
{
	static const char *const ok[] = {
		/* spaces are part of a value; nothing is trimmed */
		SUP_H "key a\nname  A \ntier low\nstatus active\n",
		SUP_H "key a\nname  \ntier low\nstatus active\n",
		/* the decimal forms at the edges */
		"srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-01\n"
		"value 0\nbreach no\n",
		"srr-record/1 measurement\nsupplier a\ncontract C\nmetric m\nperiod 2026-Q4\n"
		"value -123456789012345\nbreach yes\n",
		"srr-record/1 measurement\nsupplier a\ncontract C\nmetric m_1-x\nperiod 9999-12\n"
		"value 0.00000000000001\nbreach no\n",
		/* a leap day, a ref with every allowed character, zero notice */
		"srr-record/1 contract\nsupplier 0\nref Z9._-a\nstart 2024-02-29\nend 2024-02-29\n"
		"notice-days 0\nstatus active\n",
		/* a contact with only a role; two contacts with the same name */
		SUP_H SUP_B "contact A\ncontact-role r\ncontact A\n",
		/* non-ASCII text and a four-byte character */
		SUP_H "key a\nname \xc3\x85ngstr\xc3\xb6m \xf0\x9f\x94\x90\ntier low\nstatus "
		      "active\n",
		/* a 64-byte key and the longest uint */
		"srr-record/1 event\nseq 999999999999999999\ntime 1000-01-01T00:00:00Z\n"
		"actor x\naction a.b\nentity register/"
		"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n"
		"record-sha256 00000000000000000000000000000000"
		"00000000000000000000000000000000\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		assert_canonical("odd but valid", ok[i], strlen(ok[i]));
}
END_TEST

/* The canonical property: for every small change to a valid record, the
 * parser either rejects it or serialises it back to the same bytes. */
START_TEST(test_mutations)
{
	/* Replacement bytes: separators, escapes, controls, broken UTF-8. */
	static const char subst[] = " \\n\nAa0-.\0\r\x80\xc3Q/";
	const char *src = supplier_full;
	size_t len = sizeof(supplier_full) - 1;
	char *buf = malloc(len + 2);
	ck_assert_ptr_nonnull(buf);
	size_t accepted = 0, rejected = 0;
	for (size_t pos = 0; pos <= len; pos++) {
		for (size_t k = 0; k < sizeof(subst) - 1 + 2; k++) {
			size_t blen = len;
			if (k < sizeof(subst) - 1) { /* replace one byte */
				if (pos == len)
					continue;
				memcpy(buf, src, len);
				buf[pos] = subst[k];
			} else if (k == sizeof(subst) - 1) { /* delete one byte */
				if (pos == len)
					continue;
				memcpy(buf, src, pos);
				memcpy(buf + pos, src + pos + 1, len - pos - 1);
				blen = len - 1;
			} else { /* insert a space */
				memcpy(buf, src, pos);
				buf[pos] = ' ';
				memcpy(buf + pos + 1, src + pos, len - pos);
				blen = len + 1;
			}
			struct srr_record *r = NULL;
			char err[256];
			if (srr_record_parse(&r, buf, blen, err, sizeof(err)) != 0) {
				ck_assert_ptr_null(r);
				ck_assert_msg(err[0] != '\0', "rejected without a message");
				rejected++;
				continue;
			}
			char *out;
			size_t olen;
			ck_assert_int_eq(srr_record_serialize(&out, &olen, r, NULL, 0), 0);
			ck_assert_msg(olen == blen && memcmp(out, buf, blen) == 0,
				      "accepted a non-canonical mutation at %zu:\n%.*s", pos,
				      (int)blen, buf);
			free(out);
			srr_record_free(r);
			accepted++;
		}
	}
	/* Both outcomes must occur, or the loop tested nothing. */
	ck_assert_uint_gt(accepted, 100);
	ck_assert_uint_gt(rejected, 1000);
	free(buf);
}
END_TEST

/* ---------------------------------------------------------- golden vectors */

START_TEST(test_golden_valid)
{
	char dirbuf[PATH_SIZE], path[PATH_SIZE];
	data_dir(dirbuf, "record");
	size_t sums_len;
	char *sums = test_read_file(join(path, dirbuf, "SHA256SUMS"), &sums_len);

	struct dirent **names;
	size_t n = list_vectors(dirbuf, &names);
	ck_assert_uint_ge(n, 6);
	static const char *const types[] = { "register",   "supplier",	     "contract",
					     "sla",	   "measurement",    "event",
					     "review",	   "incident",	     "risk",
					     "policy",	   "acceptance",     "treatment-plan",
					     "approval",   "rejection" };
	unsigned seen = 0;
	size_t listed = 0;
	for (const char *p = sums; (p = strstr(p, ".rec\n")); p++)
		listed++;
	ck_assert_msg(listed == n, "SHA256SUMS lists %zu files, the directory has %zu", listed, n);

	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *buf = test_read_file(join(path, dirbuf, names[i]->d_name), &len);
		assert_canonical(names[i]->d_name, buf, len);

		struct srr_record *r = parse_ok(buf, len);
		for (unsigned t = 0; t < ARRAY_LEN(types); t++)
			if (strcmp(srr_record_type(r), types[t]) == 0)
				seen |= 1u << t;
		srr_record_free(r);

		char hex[65];
		sha256_hex(buf, len, hex);
		char *want = index_find(sums, names[i]->d_name, true);
		ck_assert_msg(want != NULL, "%s is not in SHA256SUMS", names[i]->d_name);
		ck_assert_msg(strcmp(want, hex) == 0, "%s: SHA-256 %s, SHA256SUMS says %s",
			      names[i]->d_name, hex, want);
		free(want);
		free(buf);
	}
	ck_assert_msg(seen == (1u << ARRAY_LEN(types)) - 1, "a record type has no vector (%#x)",
		      seen);
	free_names(names, n);
	free(sums);
}
END_TEST

START_TEST(test_golden_invalid)
{
	char dir[PATH_SIZE], path[PATH_SIZE];
	data_dir(dir, "record-bad");
	size_t errors_len;
	char *errors = test_read_file(join(path, dir, "ERRORS"), &errors_len);

	struct dirent **names;
	size_t n = list_vectors(dir, &names);
	ck_assert_uint_ge(n, 20);
	size_t listed = 0;
	for (const char *p = errors; (p = strstr(p, ".rec\t")); p++)
		listed++;
	ck_assert_msg(listed == n, "ERRORS lists %zu files, the directory has %zu", listed, n);

	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *buf = test_read_file(join(path, dir, names[i]->d_name), &len);
		char *want = index_find(errors, names[i]->d_name, false);
		ck_assert_msg(want != NULL, "%s has no entry in ERRORS", names[i]->d_name);
		assert_parse_fails(names[i]->d_name, buf, len, want);
		free(want);
		free(buf);
	}
	free_names(names, n);
	free(errors);
}
END_TEST

/* The event vectors point at the entity vectors by their SHA-256. */
START_TEST(test_golden_event_links)
{
	static const struct {
		const char *event, *record;
	} links[] = {
		{ "event.rec", "supplier-full.rec" },
		{ "event-measurement.rec", "measurement.rec" },
	};
	char dir[PATH_SIZE], path[PATH_SIZE];
	data_dir(dir, "record");
	for (size_t i = 0; i < ARRAY_LEN(links); i++) {
		size_t elen, rlen;
		char *ev = test_read_file(join(path, dir, links[i].event), &elen);
		char *rec = test_read_file(join(path, dir, links[i].record), &rlen);
		struct srr_record *r = parse_ok(ev, elen);
		char hex[65];
		sha256_hex(rec, rlen, hex);
		ck_assert_str_eq(srr_record_get(r, "record-sha256"), hex);
		srr_record_free(r);
		free(ev);
		free(rec);
	}
}
END_TEST

/* ------------------------------------------------------- records in the log */

/* Every record a real register writes is canonical, and each event's
 * record-sha256 is the SHA-256 of the entity record stored with it. */
START_TEST(test_log_records)
{
	struct srr_register *reg = test_register_new();
	long long base = test_log_size(reg); /* register.init and whatever init logs */
	ck_assert_int_ge(base, 1);
	struct srr_supplier sub = { .key = "hsm-co", .name = "HSM Co", .tier = SRR_TIER_HIGH };
	ck_assert_int_eq(srr_supplier_add(reg, &sub), 0);
	const char *services[] = { "HSM hosting", "Share \\\\files\\tsp" };
	const char *subs[] = { "hsm-co" };
	struct srr_contact contacts[] = { { "Jane Roe", "jane@acme.example", "security" },
					  { "Desk", NULL, "helpdesk" } };
	struct srr_supplier s = {
		.key = "acme-cloud",
		.name = "Acme \\ Cloud",
		.tier = SRR_TIER_CRITICAL,
		.country = "DE",
		.n_services = 2,
		.services = services,
		.n_contacts = 2,
		.contacts = contacts,
		.n_subcontractors = 1,
		.subcontractors = subs,
	};
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	struct srr_contract c = { .supplier = "acme-cloud",
				  .ref = "C-1",
				  .start = "2024-01-01",
				  .end = "2026-12-31",
				  .notice_days = 90,
				  .clauses = SRR_CLAUSE_RIGHT_TO_AUDIT | SRR_CLAUSE_SLA_REPORTING };
	ck_assert_msg(srr_contract_add(reg, &c) == 0, "%s", srr_errmsg(reg));
	struct srr_sla sla = { .supplier = "acme-cloud",
			       .contract = "C-1",
			       .metric = "availability",
			       .target = "99.90",
			       .comparator = SRR_CMP_GE,
			       .unit = "percent" };
	ck_assert_msg(srr_sla_add(reg, &sla) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(
		srr_sla_record(reg, "acme-cloud", "C-1", "availability", "2026-10", "99.5", NULL),
		0);
	ck_assert_int_eq(srr_contract_terminate(reg, "acme-cloud", "C-1", "2026-11-01"), 0);
	ck_assert_int_eq(srr_supplier_retire(reg, "hsm-co"), 0);

	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), (size_t)base + 7);
	for (size_t i = 0; i < srr_event_list_count(l); i++) {
		const struct srr_event *e = srr_event_list_get(l, i);
		assert_canonical(e->action, e->leaf, e->leaf_len);
		assert_canonical(e->action, e->record, e->record_len);
		struct srr_record *ev = parse_ok(e->leaf, e->leaf_len);
		ck_assert_str_eq(srr_record_type(ev), "event");
		char seq[32], hex[65];
		snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
		ck_assert_str_eq(srr_record_get(ev, "seq"), seq);
		ck_assert_str_eq(srr_record_get(ev, "time"), e->time);
		ck_assert_str_eq(srr_record_get(ev, "actor"), "tester");
		ck_assert_str_eq(srr_record_get(ev, "action"), e->action);
		ck_assert_str_eq(srr_record_get(ev, "entity"), e->entity);
		sha256_hex(e->record, e->record_len, hex);
		ck_assert_str_eq(srr_record_get(ev, "record-sha256"), hex);
		/* The entity's type names the record type. */
		struct srr_record *rec = parse_ok(e->record, e->record_len);
		size_t tlen = strcspn(e->entity, "/");
		ck_assert_int_eq(strlen(srr_record_type(rec)), tlen);
		ck_assert_int_eq(strncmp(srr_record_type(rec), e->entity, tlen), 0);
		srr_record_free(rec);
		srr_record_free(ev);
	}
	/* The escaped name and the canonical target reached the log. */
	const struct srr_event *e = srr_event_list_get(l, (size_t)base + 1);
	ck_assert_str_eq(e->entity, "supplier/acme-cloud");
	ck_assert_ptr_nonnull(strstr(e->record, "\nname Acme \\\\ Cloud\n"));
	ck_assert_ptr_nonnull(strstr(e->record, "\nservice Share \\\\\\\\files\\\\tsp\n"));
	ck_assert_ptr_nonnull(strstr(e->record, "\ncontact Desk\ncontact-role helpdesk\n"));
	e = srr_event_list_get(l, (size_t)base + 3);
	ck_assert_str_eq(e->action, "sla.add");
	ck_assert_ptr_nonnull(strstr(e->record, "\ntarget 99.9\n"));
	srr_event_list_free(l);
	srr_register_free(reg);
	test_tmpdir_cleanup();
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("writer");
	tcase_add_test(tc, test_writer_bytes);
	tcase_add_test(tc, test_writer_skips_empty);
	tcase_add_test(tc, test_writer_add_int);
	tcase_add_test(tc, test_writer_add_copies);
	tcase_add_loop_test(tc, test_writer_rejects, 0, ARRAY_LEN(writer_cases));
	tcase_add_test(tc, test_writer_errbuf);
	tcase_add_test(tc, test_writer_value_limits);
	tcase_add_test(tc, test_record_max);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_test(tc, test_parse_accessors);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_text_escapes);
	tcase_add_loop_test(tc, test_parse_rejects, 0, ARRAY_LEN(parse_cases));
	tcase_add_test(tc, test_parse_errbuf);
	tcase_add_test(tc, test_parse_accepts);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);

	tc = tcase_create("golden");
	tcase_add_test(tc, test_golden_valid);
	tcase_add_test(tc, test_golden_invalid);
	tcase_add_test(tc, test_golden_event_links);
	suite_add_tcase(s, tc);

	tc = tcase_create("log");
	tcase_add_test(tc, test_log_records);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(record_suite());
}
