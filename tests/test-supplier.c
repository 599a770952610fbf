/* SPDX-License-Identifier: MIT */
/*
 * Suppliers: add, find, list, update, retire; every validation error
 * changes nothing; every change logs exactly one event with its record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-common.h"
#include "lib/register-private.h"
#include "util/date.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Everything a supplier change can touch. */
struct snapshot {
	long long events, suppliers, services, contacts, subs;
};

static struct snapshot
snap(struct srr_register *reg)
{
	return (struct snapshot){
		.events = test_log_size(reg),
		.suppliers = test_count_rows(reg, "supplier"),
		.services = test_count_rows(reg, "supplier_service"),
		.contacts = test_count_rows(reg, "supplier_contact"),
		.subs = test_count_rows(reg, "subcontractor"),
	};
}

static void
assert_unchanged(struct srr_register *reg, const struct snapshot *before)
{
	struct snapshot now = snap(reg);
	ck_assert_int_eq(now.events, before->events);
	ck_assert_int_eq(now.suppliers, before->suppliers);
	ck_assert_int_eq(now.services, before->services);
	ck_assert_int_eq(now.contacts, before->contacts);
	ck_assert_int_eq(now.subs, before->subs);
}

static void
add_ok(struct srr_register *reg, const struct srr_supplier *s)
{
	int rc = srr_supplier_add(reg, s);
	ck_assert_msg(rc == 0, "add %s: %s", s->key, srr_errmsg(reg));
}

static void
add_simple(struct srr_register *reg, const char *key)
{
	struct srr_supplier s = { .key = key, .name = "Simple Supplier", .tier = SRR_TIER_LOW };
	add_ok(reg, &s);
}

static struct srr_supplier_list *
find_ok(struct srr_register *reg, const char *key)
{
	struct srr_supplier_list *l = NULL;
	int rc = srr_supplier_find(&l, reg, key);
	ck_assert_msg(rc == 0, "find %s: %s", key, srr_errmsg(reg));
	ck_assert_uint_eq(srr_supplier_list_count(l), 1);
	return l;
}

/* srr_errmsg() is "one line naming what was wrong": no control characters. */
static void
assert_errmsg_one_line(struct srr_register *reg)
{
	const char *m = srr_errmsg(reg);
	ck_assert_msg(*m != '\0', "no error message");
	for (const char *p = m; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f,
			      "control character 0x%02x in error message '%s'", (unsigned char)*p,
			      m);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The supplier's canonical record, field by field, in srr-record/1 order. */
static void
assert_record_is(const struct srr_record *rec, const struct srr_supplier *s)
{
	const char *names[256], *values[256];
	size_t n = 0;
#define EXPECT(nm, v)                                                                              \
	do {                                                                                       \
		if ((v) && *(const char *)(v)) {                                                   \
			names[n] = (nm);                                                           \
			values[n++] = (v);                                                         \
		}                                                                                  \
	} while (0)
	EXPECT("key", s->key);
	EXPECT("name", s->name);
	EXPECT("tier", srr_tier_name(s->tier));
	EXPECT("country", s->country);
	EXPECT("status", s->retired ? "retired" : "active");
	for (size_t i = 0; i < s->n_services; i++)
		EXPECT("service", s->services[i]);
	for (size_t i = 0; i < s->n_contacts; i++) {
		EXPECT("contact", s->contacts[i].name);
		EXPECT("contact-email", s->contacts[i].email);
		EXPECT("contact-role", s->contacts[i].role);
	}
	const char *subs[64];
	ck_assert_uint_le(s->n_subcontractors, ARRAY_SIZE(subs));
	for (size_t i = 0; i < s->n_subcontractors; i++)
		subs[i] = s->subcontractors[i];
	qsort(subs, s->n_subcontractors, sizeof(subs[0]), cmp_str);
	for (size_t i = 0; i < s->n_subcontractors; i++)
		EXPECT("subcontractor", subs[i]);
#undef EXPECT
	ck_assert_str_eq(srr_record_type(rec), "supplier");
	ck_assert_uint_eq(srr_record_count(rec), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(srr_record_name(rec, i), names[i]);
		ck_assert_str_eq(srr_record_value(rec, i), values[i]);
	}
}

/* A read view equals what was handed in (subcontractors compared as sets). */
static void
assert_supplier_is(const struct srr_supplier *got, const struct srr_supplier *want)
{
	ck_assert_str_eq(got->key, want->key);
	ck_assert_str_eq(got->name, want->name);
	ck_assert_int_eq(got->tier, want->tier);
	if (want->country)
		ck_assert_str_eq(got->country, want->country);
	else
		ck_assert_ptr_null(got->country);
	ck_assert_int_eq(got->retired, want->retired);
	ck_assert_uint_eq(got->n_services, want->n_services);
	for (size_t i = 0; i < want->n_services; i++)
		ck_assert_str_eq(got->services[i], want->services[i]);
	ck_assert_uint_eq(got->n_contacts, want->n_contacts);
	for (size_t i = 0; i < want->n_contacts; i++) {
		const struct srr_contact *g = &got->contacts[i], *w = &want->contacts[i];
		ck_assert_str_eq(g->name, w->name);
		if (w->email)
			ck_assert_str_eq(g->email, w->email);
		else
			ck_assert_ptr_null(g->email);
		if (w->role)
			ck_assert_str_eq(g->role, w->role);
		else
			ck_assert_ptr_null(g->role);
	}
	ck_assert_uint_eq(got->n_subcontractors, want->n_subcontractors);
	const char *subs[64];
	ck_assert_uint_le(want->n_subcontractors, ARRAY_SIZE(subs));
	for (size_t i = 0; i < want->n_subcontractors; i++)
		subs[i] = want->subcontractors[i];
	qsort(subs, want->n_subcontractors, sizeof(subs[0]), cmp_str);
	for (size_t i = 0; i < want->n_subcontractors; i++)
		ck_assert_str_eq(got->subcontractors[i], subs[i]);
	int64_t t;
	ck_assert_msg(time_parse(got->created, &t), "created '%s'", got->created);
	ck_assert_msg(time_parse(got->updated, &t), "updated '%s'", got->updated);
	ck_assert_str_le(got->created, got->updated);
}

/* The last event: its action, entity and actor, and its record parsed. */
static struct srr_record *
last_event(struct srr_register *reg, const char *action, const char *key, const char *actor)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, test_log_size(reg) - 1, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 1);
	const struct srr_event *e = srr_event_list_get(l, 0);
	ck_assert_int_eq(e->seq, test_log_size(reg));
	ck_assert_str_eq(e->action, action);
	char entity[128];
	snprintf(entity, sizeof(entity), "supplier/%s", key);
	ck_assert_str_eq(e->entity, entity);
	ck_assert_str_eq(e->actor, actor);

	char err[160] = "";
	struct srr_record *rec;
	ck_assert_msg(srr_record_parse(&rec, e->record, e->record_len, err, sizeof(err)) == 0,
		      "record of event %lld: %s", (long long)e->seq, err);
	struct srr_record *leaf;
	ck_assert_msg(srr_record_parse(&leaf, e->leaf, e->leaf_len, err, sizeof(err)) == 0,
		      "leaf of event %lld: %s", (long long)e->seq, err);
	ck_assert_str_eq(srr_record_get(leaf, "action"), action);
	ck_assert_str_eq(srr_record_get(leaf, "actor"), actor);
	ck_assert_str_eq(srr_record_get(leaf, "entity"), entity);
	srr_record_free(leaf);
	srr_event_list_free(l);
	return rec;
}

/* The log's last record, the stored state and the expected state agree. */
static void
assert_logged(struct srr_register *reg, const char *action, const struct srr_supplier *want)
{
	struct srr_record *rec = last_event(reg, action, want->key, "tester");
	assert_record_is(rec, want);
	struct srr_supplier_list *l = find_ok(reg, want->key);
	assert_supplier_is(srr_supplier_list_get(l, 0), want);
	assert_record_is(rec, srr_supplier_list_get(l, 0));
	srr_supplier_list_free(l);
	srr_record_free(rec);
}

static const char *const acme_services[] = { "HSM hosting", "Remote signing backend" };
static const struct srr_contact acme_contacts[] = {
	{ "Jane Roe", "jane@acme.example", "security" },
	{ "John Doe", NULL, "account manager" },
	{ "Ops Desk", "ops@acme.example", NULL },
	{ "Nobody In Particular", NULL, NULL },
};

static struct srr_supplier
acme(void)
{
	return (struct srr_supplier){
		.key = "acme-cloud",
		.name = "Acme Cloud GmbH",
		.tier = SRR_TIER_CRITICAL,
		.country = "DE",
		.n_services = ARRAY_SIZE(acme_services),
		.services = acme_services,
		.n_contacts = ARRAY_SIZE(acme_contacts),
		.contacts = acme_contacts,
	};
}

START_TEST(supplier_add_and_find)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "dc-one");
	add_simple(reg, "bastion");
	struct snapshot before = snap(reg);

	static const char *const subs[] = { "dc-one", "bastion" };
	struct srr_supplier s = acme();
	s.n_subcontractors = ARRAY_SIZE(subs);
	s.subcontractors = subs;
	add_ok(reg, &s);

	struct snapshot after = snap(reg);
	ck_assert_int_eq(after.events, before.events + 1);
	ck_assert_int_eq(after.suppliers, before.suppliers + 1);
	ck_assert_int_eq(after.services, before.services + 2);
	ck_assert_int_eq(after.contacts, before.contacts + 4);
	ck_assert_int_eq(after.subs, before.subs + 2);
	assert_logged(reg, "supplier.add", &s);

	/* Read views keep subcontractors sorted whatever the input order. */
	struct srr_supplier_list *l = find_ok(reg, "acme-cloud");
	const struct srr_supplier *got = srr_supplier_list_get(l, 0);
	ck_assert_str_eq(got->subcontractors[0], "bastion");
	ck_assert_str_eq(got->subcontractors[1], "dc-one");
	ck_assert_str_eq(got->created, got->updated);
	ck_assert_ptr_null(srr_supplier_list_get(l, 1));
	srr_supplier_list_free(l);

	/* And the same after reopening the file. */
	reg = test_register_reopen(reg, test_path("register.db"));
	l = find_ok(reg, "acme-cloud");
	assert_supplier_is(srr_supplier_list_get(l, 0), &s);
	srr_supplier_list_free(l);
	srr_supplier_list_free(NULL);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_add_minimal_and_text)
{
	struct srr_register *reg = test_register_new();
	struct srr_supplier s = { .key = "x", .name = "X", .tier = SRR_TIER_MEDIUM };
	add_ok(reg, &s);
	assert_logged(reg, "supplier.add", &s);

	/* Non-ASCII, backslashes and quotes survive exactly. */
	static const char *const svc[] = { "Back\\slash \"quoted\" service" };
	struct srr_supplier u = { .key = "societe-generale",
				  .name = "Société Générale — 株式会社 \\ «ok»",
				  .tier = SRR_TIER_HIGH,
				  .country = "FR",
				  .n_services = 1,
				  .services = svc };
	add_ok(reg, &u);
	assert_logged(reg, "supplier.add", &u);

	/* Limits: a 64-byte key and a 256-byte name are fine. */
	char key[65], name[257];
	memset(key, 'k', 64);
	key[64] = '\0';
	memset(name, 'n', 256);
	name[256] = '\0';
	struct srr_supplier big = { .key = key, .name = name, .tier = SRR_TIER_LOW };
	add_ok(reg, &big);
	assert_logged(reg, "supplier.add", &big);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_list_order)
{
	struct srr_register *reg = test_register_new();
	struct srr_supplier_list *l;
	ck_assert_int_eq(srr_supplier_list_new(&l, reg, 1), 0);
	ck_assert_uint_eq(srr_supplier_list_count(l), 0);
	ck_assert_ptr_null(srr_supplier_list_get(l, 0));
	srr_supplier_list_free(l);

	static const char *const keys[] = { "zeta", "alpha", "mid-1", "0day", "mid", "alpha-2" };
	static const char *const sorted[] = { "0day", "alpha", "alpha-2", "mid", "mid-1", "zeta" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		add_simple(reg, keys[i]);
	ck_assert_int_eq(srr_supplier_retire(reg, "mid"), 0);

	ck_assert_int_eq(srr_supplier_list_new(&l, reg, 1), 0);
	ck_assert_uint_eq(srr_supplier_list_count(l), ARRAY_SIZE(sorted));
	for (size_t i = 0; i < ARRAY_SIZE(sorted); i++) {
		const struct srr_supplier *s = srr_supplier_list_get(l, i);
		ck_assert_str_eq(s->key, sorted[i]);
		ck_assert_int_eq(s->retired, strcmp(s->key, "mid") == 0);
	}
	srr_supplier_list_free(l);

	ck_assert_int_eq(srr_supplier_list_new(&l, reg, 0), 0);
	ck_assert_uint_eq(srr_supplier_list_count(l), ARRAY_SIZE(sorted) - 1);
	for (size_t i = 0, j = 0; i < ARRAY_SIZE(sorted); i++) {
		if (strcmp(sorted[i], "mid") == 0)
			continue;
		const struct srr_supplier *s = srr_supplier_list_get(l, j++);
		ck_assert_str_eq(s->key, sorted[i]);
		ck_assert_int_eq(s->retired, 0);
	}
	srr_supplier_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_find_missing)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "acme");
	struct srr_supplier_list *l = NULL;
	ck_assert_int_eq(srr_supplier_find(&l, reg, "acme-2"), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "acme-2");
	ck_assert_ptr_null(l);
	ck_assert_int_eq(srr_supplier_find(&l, reg, "Acme"), SRR_E_INPUT);
	ck_assert_int_eq(srr_supplier_find(&l, reg, ""), SRR_E_INPUT);
	ck_assert_int_eq(srr_supplier_find(&l, reg, NULL), SRR_E_INPUT);
	ck_assert_ptr_null(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_key_syntax)
{
	char k64[65], k65[66];
	memset(k64, 'a', 64);
	k64[64] = '\0';
	memset(k65, 'a', 65);
	k65[65] = '\0';
	static const char *const good[] = { "a",     "0",      "acme", "acme-cloud",
					    "a-b-c", "9lives", "a--b", "trailing-" };
	static const char *const bad[] = { "",		 "-acme", "Acme",   "ACME",
					   "acme cloud", " acme", "acme ",  "acme_cloud",
					   "acme.cloud", "acmé",  "acme/x", "acme\n",
					   "a\tb" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(srr_supplier_key_valid(good[i]), "'%s' should be valid", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(!srr_supplier_key_valid(bad[i]), "'%s' should be invalid", bad[i]);
	ck_assert(srr_supplier_key_valid(k64));
	ck_assert(!srr_supplier_key_valid(k65));
	ck_assert(!srr_supplier_key_valid(NULL));
}
END_TEST

START_TEST(supplier_tier_names)
{
	ck_assert_str_eq(srr_tier_name(SRR_TIER_CRITICAL), "critical");
	ck_assert_str_eq(srr_tier_name(SRR_TIER_HIGH), "high");
	ck_assert_str_eq(srr_tier_name(SRR_TIER_MEDIUM), "medium");
	ck_assert_str_eq(srr_tier_name(SRR_TIER_LOW), "low");
	ck_assert_ptr_null(srr_tier_name(SRR_TIER_NONE));
	ck_assert_ptr_null(srr_tier_name((enum srr_tier)99));
	ck_assert_ptr_null(srr_tier_name((enum srr_tier)(-1)));
	ck_assert_int_eq(srr_tier_from_name("critical"), SRR_TIER_CRITICAL);
	ck_assert_int_eq(srr_tier_from_name("low"), SRR_TIER_LOW);
	ck_assert_int_eq(srr_tier_from_name("Critical"), SRR_TIER_NONE);
	ck_assert_int_eq(srr_tier_from_name(""), SRR_TIER_NONE);
	ck_assert_int_eq(srr_tier_from_name(NULL), SRR_TIER_NONE);
}
END_TEST

/* One invalid supplier per case, each a small edit of a valid one. */
struct bad_case {
	const char *what;
	int code;
	const char *mention;
	void (*edit)(struct srr_supplier *s);
};

static char long_key[66], long_name[258];
static const char *const dup_services[] = { "HSM hosting", "Signing", "HSM hosting" };
static const char *const empty_service[] = { "HSM hosting", "" };
static const char *const null_service[] = { NULL };
static const char *const ctl_service[] = { "HSM\nhosting" };
static const char *const self_sub[] = { "existing", "acme-cloud" };
static const char *const unknown_sub[] = { "existing", "ghost" };
static const char *const bad_sub[] = { "Existing" };
static const char *const twice_sub[] = { "existing", "existing" };
static const struct srr_contact nameless[] = { { NULL, "x@y.example", "security" } };
static const struct srr_contact emptyname[] = { { "", NULL, NULL } };
static const struct srr_contact ctlname[] = { { "Jane\tRoe", NULL, NULL } };
static const struct srr_contact no_at[] = { { "Jane", "jane.acme.example", NULL } };
static const struct srr_contact at_first[] = { { "Jane", "@acme.example", NULL } };
static const struct srr_contact at_last[] = { { "Jane", "jane@", NULL } };
static const struct srr_contact spaced[] = { { "Jane", "jane roe@acme.example", NULL } };
static const struct srr_contact ctlemail[] = { { "Jane", "jane@acme\n.example", NULL } };
static const struct srr_contact ctlrole[] = { { "Jane", NULL, "sec\x01urity" } };
static const struct srr_contact second_bad[] = { { "Jane", "jane@acme.example", NULL },
						 { "John", "john", NULL } };

#define EDIT(name, body)                                                                           \
	static void name(struct srr_supplier *s)                                                   \
	{                                                                                          \
		body;                                                                              \
	}
EDIT(e_key_null, s->key = NULL)
EDIT(e_key_empty, s->key = "")
EDIT(e_key_space, s->key = "acme cloud")
EDIT(e_key_upper, s->key = "Acme-Cloud")
EDIT(e_key_dash, s->key = "-acme")
EDIT(e_key_underscore, s->key = "acme_cloud")
EDIT(e_key_long, s->key = long_key)
EDIT(e_name_null, s->name = NULL)
EDIT(e_name_empty, s->name = "")
EDIT(e_name_lf, s->name = "Acme\nCloud")
EDIT(e_name_tab, s->name = "Acme\tCloud")
EDIT(e_name_esc, s->name = "Acme \x1b[31mCloud")
EDIT(e_name_del, s->name = "Acme\x7f")
EDIT(e_name_utf8, s->name = "Acme \xc3\x28")
EDIT(e_name_long, s->name = long_name)
EDIT(e_tier_none, s->tier = SRR_TIER_NONE)
EDIT(e_tier_range, s->tier = (enum srr_tier)99)
EDIT(e_country_lower, s->country = "de")
EDIT(e_country_3, s->country = "DEU")
EDIT(e_country_1, s->country = "D")
EDIT(e_country_empty, s->country = "")
EDIT(e_country_digit, s->country = "D1")
EDIT(e_svc_dup, (s->services = dup_services, s->n_services = 3))
EDIT(e_svc_empty, (s->services = empty_service, s->n_services = 2))
EDIT(e_svc_null, (s->services = null_service, s->n_services = 1))
EDIT(e_svc_ctl, (s->services = ctl_service, s->n_services = 1))
EDIT(e_contact_noname, (s->contacts = nameless, s->n_contacts = 1))
EDIT(e_contact_emptyname, (s->contacts = emptyname, s->n_contacts = 1))
EDIT(e_contact_ctlname, (s->contacts = ctlname, s->n_contacts = 1))
EDIT(e_email_no_at, (s->contacts = no_at, s->n_contacts = 1))
EDIT(e_email_at_first, (s->contacts = at_first, s->n_contacts = 1))
EDIT(e_email_at_last, (s->contacts = at_last, s->n_contacts = 1))
EDIT(e_email_space, (s->contacts = spaced, s->n_contacts = 1))
EDIT(e_email_ctl, (s->contacts = ctlemail, s->n_contacts = 1))
EDIT(e_role_ctl, (s->contacts = ctlrole, s->n_contacts = 1))
EDIT(e_contact_second, (s->contacts = second_bad, s->n_contacts = 2))
EDIT(e_sub_self, (s->subcontractors = self_sub, s->n_subcontractors = 2))
EDIT(e_sub_unknown, (s->subcontractors = unknown_sub, s->n_subcontractors = 2))
EDIT(e_sub_bad, (s->subcontractors = bad_sub, s->n_subcontractors = 1))
EDIT(e_sub_twice, (s->subcontractors = twice_sub, s->n_subcontractors = 2))
EDIT(e_duplicate, s->key = "existing")
#undef EDIT

static const struct bad_case bad_cases[] = {
	{ "NULL key", SRR_E_INPUT, "key", e_key_null },
	{ "empty key", SRR_E_INPUT, "key", e_key_empty },
	{ "key with a space", SRR_E_INPUT, "acme cloud", e_key_space },
	{ "upper-case key", SRR_E_INPUT, "Acme-Cloud", e_key_upper },
	{ "key starting with '-'", SRR_E_INPUT, "-acme", e_key_dash },
	{ "key with '_'", SRR_E_INPUT, "acme_cloud", e_key_underscore },
	{ "65-byte key", SRR_E_INPUT, "key", e_key_long },
	{ "NULL name", SRR_E_INPUT, "name", e_name_null },
	{ "empty name", SRR_E_INPUT, "name", e_name_empty },
	{ "name with LF", SRR_E_INPUT, "control", e_name_lf },
	{ "name with TAB", SRR_E_INPUT, "control", e_name_tab },
	{ "name with ESC", SRR_E_INPUT, "control", e_name_esc },
	{ "name with DEL", SRR_E_INPUT, "control", e_name_del },
	{ "name not UTF-8", SRR_E_INPUT, "UTF-8", e_name_utf8 },
	{ "257-byte name", SRR_E_INPUT, "name", e_name_long },
	{ "no tier", SRR_E_INPUT, "tier", e_tier_none },
	{ "tier out of range", SRR_E_INPUT, "tier", e_tier_range },
	{ "lower-case country", SRR_E_INPUT, "de", e_country_lower },
	{ "3-letter country", SRR_E_INPUT, "DEU", e_country_3 },
	{ "1-letter country", SRR_E_INPUT, "country", e_country_1 },
	{ "empty country", SRR_E_INPUT, "country", e_country_empty },
	{ "country with a digit", SRR_E_INPUT, "D1", e_country_digit },
	{ "service twice", SRR_E_INPUT, "HSM hosting", e_svc_dup },
	{ "empty service", SRR_E_INPUT, "service 2", e_svc_empty },
	{ "NULL service", SRR_E_INPUT, "service 1", e_svc_null },
	{ "service with LF", SRR_E_INPUT, "service 1", e_svc_ctl },
	{ "contact without name", SRR_E_INPUT, "contact 1", e_contact_noname },
	{ "contact with empty name", SRR_E_INPUT, "contact 1", e_contact_emptyname },
	{ "contact name with TAB", SRR_E_INPUT, "contact 1", e_contact_ctlname },
	{ "email without '@'", SRR_E_INPUT, "jane.acme.example", e_email_no_at },
	{ "email starting with '@'", SRR_E_INPUT, "email", e_email_at_first },
	{ "email ending with '@'", SRR_E_INPUT, "email", e_email_at_last },
	{ "email with a space", SRR_E_INPUT, "email", e_email_space },
	{ "email with LF", SRR_E_INPUT, "email", e_email_ctl },
	{ "role with a control", SRR_E_INPUT, "role", e_role_ctl },
	{ "second contact bad", SRR_E_INPUT, "contact 2", e_contact_second },
	{ "own subcontractor", SRR_E_INPUT, "own subcontractor", e_sub_self },
	{ "unknown subcontractor", SRR_E_NOTFOUND, "ghost", e_sub_unknown },
	{ "bad subcontractor key", SRR_E_INPUT, "Existing", e_sub_bad },
	{ "subcontractor twice", SRR_E_INPUT, "existing", e_sub_twice },
	{ "duplicate key", SRR_E_EXISTS, "existing", e_duplicate },
};

START_TEST(supplier_add_invalid_changes_nothing)
{
	memset(long_key, 'a', 65);
	long_key[65] = '\0';
	memset(long_name, 'n', 257);
	long_name[257] = '\0';

	struct srr_register *reg = test_register_new();
	add_simple(reg, "existing");
	struct srr_supplier_list *l = find_ok(reg, "existing");
	char created[32];
	snprintf(created, sizeof(created), "%s", srr_supplier_list_get(l, 0)->updated);
	srr_supplier_list_free(l);
	struct snapshot before = snap(reg);

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct srr_supplier s = acme();
		c->edit(&s);
		int rc = srr_supplier_add(reg, &s);
		ck_assert_msg(rc == c->code, "%s: got %d (%s), want %d", c->what, rc,
			      srr_errmsg(reg), c->code);
		ck_assert_msg(strstr(srr_errmsg(reg), c->mention) != NULL,
			      "%s: error '%s' does not mention '%s'", c->what, srr_errmsg(reg),
			      c->mention);
		assert_errmsg_one_line(reg);
		assert_unchanged(reg, &before);
	}
	/* The existing supplier was not touched by the duplicate. */
	l = find_ok(reg, "existing");
	ck_assert_str_eq(srr_supplier_list_get(l, 0)->name, "Simple Supplier");
	ck_assert_str_eq(srr_supplier_list_get(l, 0)->updated, created);
	srr_supplier_list_free(l);
	/* And acme-cloud does not exist. */
	ck_assert_int_eq(srr_supplier_find(&l, reg, "acme-cloud"), SRR_E_NOTFOUND);

	/* The register still works after all those rollbacks. */
	struct srr_supplier s = acme();
	add_ok(reg, &s);
	assert_logged(reg, "supplier.add", &s);
	srr_register_free(reg);
}
END_TEST

/* The library itself must roll back: rows written before the failure
 * (supplier, services, contacts, a valid subcontractor) must not stay. */
START_TEST(supplier_add_is_atomic)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "existing");
	struct snapshot before = snap(reg);

	struct srr_supplier s = acme();
	s.subcontractors = unknown_sub; /* "existing" is written, then "ghost" fails */
	s.n_subcontractors = 2;
	ck_assert_int_eq(srr_supplier_add(reg, &s), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "ghost");
	assert_unchanged(reg, &before);
	ck_assert_int_eq(test_count_rows(reg, "supplier WHERE key = 'acme-cloud'"), 0);

	/* Not in a transaction left open either: a reopen sees the same. */
	reg = test_register_reopen(reg, test_path("register.db"));
	assert_unchanged(reg, &before);

	/* Retrying with the subcontractor fixed works and logs once. */
	s.n_subcontractors = 1;
	add_ok(reg, &s);
	ck_assert_int_eq(test_log_size(reg), before.events + 1);
	assert_logged(reg, "supplier.add", &s);
	srr_register_free(reg);
}
END_TEST

/*
 * BUG (src/lib/register.c reg_error): error messages quote the caller's
 * input verbatim, so a key, country or subcontractor containing LF or ESC
 * yields a multi-line message (or terminal escapes on stderr), breaking
 * "one line naming what was wrong".
 */
START_TEST(supplier_errmsg_one_line)
{
	struct srr_register *reg = test_register_new();
	struct snapshot before = snap(reg);
	static const char *const sub_lf[] = { "x\ny" };
	struct srr_supplier cases[] = {
		{ .key = "acme\ncloud", .name = "Acme", .tier = SRR_TIER_LOW },
		{ .key = "acme\x1b[2J", .name = "Acme", .tier = SRR_TIER_LOW },
		{ .key = "acme", .name = "Acme", .tier = SRR_TIER_LOW, .country = "D\n" },
		{ .key = "acme",
		  .name = "Acme",
		  .tier = SRR_TIER_LOW,
		  .n_subcontractors = 1,
		  .subcontractors = sub_lf },
	};
	/* Collect, free, then assert: keeps valgrind clean while this fails. */
	char msgs[ARRAY_SIZE(cases)][ERRMSG_MAX];
	int rcs[ARRAY_SIZE(cases)];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		rcs[i] = srr_supplier_add(reg, &cases[i]);
		snprintf(msgs[i], sizeof(msgs[i]), "%s", srr_errmsg(reg));
	}
	struct snapshot after = snap(reg);
	srr_register_free(reg);
	ck_assert_int_eq(after.events, before.events);
	ck_assert_int_eq(after.suppliers, before.suppliers);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(rcs[i], SRR_E_INPUT);
		ck_assert_msg(*msgs[i] != '\0', "no error message");
		for (const char *p = msgs[i]; *p; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p != 0x7f,
				      "control character 0x%02x in error message '%s'",
				      (unsigned char)*p, msgs[i]);
	}
}
END_TEST

/* Make every append to the event log fail, as a full disk or a crash at
 * that point would: a temporary trigger on the library's own connection. */
static void
break_event_log(struct srr_register *reg)
{
	char *msg = NULL;
	int rc = sqlite3_exec(reg->db,
			      "CREATE TEMP TRIGGER break_log BEFORE INSERT ON main.event"
			      " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
			      NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s", msg ? msg : "?");
}

static void
update_ok(struct srr_register *reg, const char *key, const struct srr_supplier_change *ch,
	  int want_changed)
{
	int changed = -1;
	int rc = srr_supplier_update(reg, key, ch, &changed);
	ck_assert_msg(rc == 0, "update %s: %s", key, srr_errmsg(reg));
	ck_assert_int_eq(changed, want_changed);
}

START_TEST(supplier_update_fields)
{
	struct srr_register *reg = test_register_new();
	struct srr_supplier s = acme();
	add_ok(reg, &s);

	long long n = test_log_size(reg);
	struct srr_supplier_change ch = { .name = "Acme Cloud SE" };
	update_ok(reg, "acme-cloud", &ch, 1);
	ck_assert_int_eq(test_log_size(reg), n + 1);
	s.name = "Acme Cloud SE";
	assert_logged(reg, "supplier.update", &s);

	ch = (struct srr_supplier_change){ .tier = SRR_TIER_LOW };
	update_ok(reg, "acme-cloud", &ch, 1);
	ck_assert_int_eq(test_log_size(reg), n + 2);
	s.tier = SRR_TIER_LOW;
	assert_logged(reg, "supplier.update", &s);

	ch = (struct srr_supplier_change){ .country = "AT", .tier = SRR_TIER_HIGH };
	update_ok(reg, "acme-cloud", &ch, 1);
	ck_assert_int_eq(test_log_size(reg), n + 3);
	s.country = "AT";
	s.tier = SRR_TIER_HIGH;
	assert_logged(reg, "supplier.update", &s);

	/* "" clears the country; the record then has no country line. */
	ch = (struct srr_supplier_change){ .country = "" };
	update_ok(reg, "acme-cloud", &ch, 1);
	ck_assert_int_eq(test_log_size(reg), n + 4);
	s.country = NULL;
	assert_logged(reg, "supplier.update", &s);
	struct srr_record *rec = last_event(reg, "supplier.update", "acme-cloud", "tester");
	ck_assert_ptr_null(srr_record_get(rec, "country"));
	srr_record_free(rec);

	/* Clearing it again is a no-op. */
	update_ok(reg, "acme-cloud", &ch, 0);
	ck_assert_int_eq(test_log_size(reg), n + 4);

	/* Changed flag pointer is optional. */
	ch = (struct srr_supplier_change){ .country = "DE" };
	ck_assert_int_eq(srr_supplier_update(reg, "acme-cloud", &ch, NULL), 0);
	s.country = "DE";
	assert_logged(reg, "supplier.update", &s);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_update_lists)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "aa");
	add_simple(reg, "bb");
	add_simple(reg, "cc");
	struct srr_supplier s = acme();
	add_ok(reg, &s);
	long long n = test_log_size(reg);

	static const char *const svc2[] = { "Timestamping", "HSM hosting", "CRL hosting" };
	struct srr_supplier_change ch = { .set_services = 1, .n_services = 3, .services = svc2 };
	update_ok(reg, "acme-cloud", &ch, 1);
	s.services = svc2;
	s.n_services = 3;
	assert_logged(reg, "supplier.update", &s);
	ck_assert_int_eq(test_count_rows(reg, "supplier_service"), 3);

	/* Order of services is part of the record: a reorder is a change. */
	static const char *const svc3[] = { "HSM hosting", "Timestamping", "CRL hosting" };
	ch.services = svc3;
	update_ok(reg, "acme-cloud", &ch, 1);
	s.services = svc3;
	assert_logged(reg, "supplier.update", &s);

	static const struct srr_contact c2[] = { { "New Person", "new@acme.example", "dpo" } };
	ch = (struct srr_supplier_change){ .set_contacts = 1, .n_contacts = 1, .contacts = c2 };
	update_ok(reg, "acme-cloud", &ch, 1);
	s.contacts = c2;
	s.n_contacts = 1;
	assert_logged(reg, "supplier.update", &s);
	ck_assert_int_eq(test_count_rows(reg, "supplier_contact"), 1);

	static const char *const subs[] = { "cc", "aa" };
	ch = (struct srr_supplier_change){ .set_subcontractors = 1,
					   .n_subcontractors = 2,
					   .subcontractors = subs };
	update_ok(reg, "acme-cloud", &ch, 1);
	s.subcontractors = subs;
	s.n_subcontractors = 2;
	assert_logged(reg, "supplier.update", &s);

	/* The same set in another order is no change (it is a set). */
	static const char *const subs_rev[] = { "aa", "cc" };
	ch.subcontractors = subs_rev;
	update_ok(reg, "acme-cloud", &ch, 0);

	static const char *const subs2[] = { "bb" };
	ch.subcontractors = subs2;
	ch.n_subcontractors = 1;
	update_ok(reg, "acme-cloud", &ch, 1);
	s.subcontractors = subs2;
	s.n_subcontractors = 1;
	assert_logged(reg, "supplier.update", &s);
	ck_assert_int_eq(test_count_rows(reg, "subcontractor"), 1);

	/* Empty lists clear. */
	ch = (struct srr_supplier_change){ .set_services = 1,
					   .set_contacts = 1,
					   .set_subcontractors = 1 };
	update_ok(reg, "acme-cloud", &ch, 1);
	s.n_services = s.n_contacts = s.n_subcontractors = 0;
	assert_logged(reg, "supplier.update", &s);
	ck_assert_int_eq(test_count_rows(reg, "supplier_service"), 0);
	ck_assert_int_eq(test_count_rows(reg, "supplier_contact"), 0);
	ck_assert_int_eq(test_count_rows(reg, "subcontractor"), 0);
	ck_assert_int_eq(test_log_size(reg), n + 6);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_update_noop)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "sub");
	static const char *const subs[] = { "sub" };
	struct srr_supplier s = acme();
	s.subcontractors = subs;
	s.n_subcontractors = 1;
	add_ok(reg, &s);
	struct srr_supplier_list *l = find_ok(reg, "acme-cloud");
	char updated[32];
	snprintf(updated, sizeof(updated), "%s", srr_supplier_list_get(l, 0)->updated);
	srr_supplier_list_free(l);
	struct snapshot before = snap(reg);

	/* Nothing asked. */
	struct srr_supplier_change ch = { 0 };
	update_ok(reg, "acme-cloud", &ch, 0);
	assert_unchanged(reg, &before);

	/* Everything set to what it already is. */
	ch = (struct srr_supplier_change){
		.name = s.name,
		.tier = s.tier,
		.country = s.country,
		.set_services = 1,
		.n_services = s.n_services,
		.services = s.services,
		.set_contacts = 1,
		.n_contacts = s.n_contacts,
		.contacts = s.contacts,
		.set_subcontractors = 1,
		.n_subcontractors = 1,
		.subcontractors = subs,
	};
	update_ok(reg, "acme-cloud", &ch, 0);
	assert_unchanged(reg, &before);

	l = find_ok(reg, "acme-cloud");
	ck_assert_str_eq(srr_supplier_list_get(l, 0)->updated, updated);
	assert_supplier_is(srr_supplier_list_get(l, 0), &s);
	srr_supplier_list_free(l);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_update_invalid_changes_nothing)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "existing");
	struct srr_supplier s = acme();
	add_ok(reg, &s);
	struct snapshot before = snap(reg);

	static const char *const svc_ok[] = { "Only service" };
	struct {
		const char *what;
		int code;
		struct srr_supplier_change ch;
	} cases[] = {
		{ "empty name", SRR_E_INPUT, { .name = "" } },
		{ "name with LF", SRR_E_INPUT, { .name = "a\nb" } },
		{ "tier out of range", SRR_E_INPUT, { .tier = (enum srr_tier)42 } },
		{ "bad country", SRR_E_INPUT, { .country = "Germany" } },
		{ "service twice",
		  SRR_E_INPUT,
		  { .set_services = 1, .n_services = 3, .services = dup_services } },
		{ "contact without name",
		  SRR_E_INPUT,
		  { .set_contacts = 1, .n_contacts = 1, .contacts = nameless } },
		{ "bad email",
		  SRR_E_INPUT,
		  { .set_contacts = 1, .n_contacts = 1, .contacts = no_at } },
		{ "own subcontractor",
		  SRR_E_INPUT,
		  { .set_subcontractors = 1, .n_subcontractors = 2, .subcontractors = self_sub } },
		/* Valid parts first, then the failure: all of it rolls back. */
		{ "unknown subcontractor",
		  SRR_E_NOTFOUND,
		  { .name = "Renamed",
		    .set_services = 1,
		    .n_services = 1,
		    .services = svc_ok,
		    .set_subcontractors = 1,
		    .n_subcontractors = 2,
		    .subcontractors = unknown_sub } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int changed = -1;
		int rc = srr_supplier_update(reg, "acme-cloud", &cases[i].ch, &changed);
		ck_assert_msg(rc == cases[i].code, "%s: got %d (%s)", cases[i].what, rc,
			      srr_errmsg(reg));
		ck_assert_int_eq(changed, 0);
		assert_unchanged(reg, &before);
		struct srr_supplier_list *l = find_ok(reg, "acme-cloud");
		assert_supplier_is(srr_supplier_list_get(l, 0), &s);
		srr_supplier_list_free(l);
	}

	int changed = -1;
	struct srr_supplier_change ch = { .name = "X" };
	ck_assert_int_eq(srr_supplier_update(reg, "ghost", &ch, &changed), SRR_E_NOTFOUND);
	test_assert_errmsg_has(reg, "ghost");
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(srr_supplier_update(reg, "Bad Key", &ch, &changed), SRR_E_INPUT);
	assert_unchanged(reg, &before);
	srr_register_free(reg);
}
END_TEST

static void
set_subs(struct srr_register *reg, const char *key, const char *const *subs, size_t n, int want)
{
	struct srr_supplier_change ch = { .set_subcontractors = 1,
					  .n_subcontractors = n,
					  .subcontractors = subs };
	int changed = -1;
	int rc = srr_supplier_update(reg, key, &ch, &changed);
	ck_assert_msg(rc == want, "update %s: got %d (%s), want %d", key, rc, srr_errmsg(reg),
		      want);
	ck_assert_int_eq(changed, want == 0);
}

START_TEST(supplier_subcontractor_cycles)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "a");
	add_simple(reg, "b");
	add_simple(reg, "c");
	add_simple(reg, "d");

	static const char *const to_a[] = { "a" }, *const to_b[] = { "b" }, *const to_c[] = { "c" },
				 *const to_d[] = { "d" }, *const to_bc[] = { "b", "c" };
	/* a -> b, then b -> a closes a loop. */
	set_subs(reg, "a", to_b, 1, 0);
	struct snapshot before = snap(reg);
	set_subs(reg, "b", to_a, 1, SRR_E_INPUT);
	test_assert_errmsg_has(reg, "cycle");
	assert_unchanged(reg, &before);

	/* a -> b -> c, then c -> a. */
	set_subs(reg, "b", to_c, 1, 0);
	before = snap(reg);
	set_subs(reg, "c", to_a, 1, SRR_E_INPUT);
	test_assert_errmsg_has(reg, "cycle");
	assert_unchanged(reg, &before);
	/* c -> b too (shorter loop through b). */
	set_subs(reg, "c", to_b, 1, SRR_E_INPUT);
	assert_unchanged(reg, &before);

	/* A diamond is not a loop: a -> {b, c}, b -> d, c -> d. */
	set_subs(reg, "a", to_bc, 2, 0);
	set_subs(reg, "b", to_d, 1, 0);
	set_subs(reg, "c", to_d, 1, 0);
	before = snap(reg);
	/* But d -> a would close two loops. */
	set_subs(reg, "d", to_a, 1, SRR_E_INPUT);
	assert_unchanged(reg, &before);

	/* A new supplier may point into the graph anywhere. */
	static const char *const to_all[] = { "a", "b", "c", "d" };
	struct srr_supplier e = { .key = "e",
				  .name = "E",
				  .tier = SRR_TIER_LOW,
				  .n_subcontractors = 4,
				  .subcontractors = to_all };
	add_ok(reg, &e);
	assert_logged(reg, "supplier.add", &e);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_retire)
{
	struct srr_register *reg = test_register_new();
	struct srr_supplier s = acme();
	add_ok(reg, &s);
	long long n = test_log_size(reg);

	ck_assert_int_eq(srr_supplier_retire(reg, "acme-cloud"), 0);
	ck_assert_int_eq(test_log_size(reg), n + 1);
	s.retired = 1;
	assert_logged(reg, "supplier.retire", &s);

	/* Twice is refused and changes nothing. */
	struct snapshot before = snap(reg);
	ck_assert_int_eq(srr_supplier_retire(reg, "acme-cloud"), SRR_E_STATE);
	test_assert_errmsg_has(reg, "acme-cloud");
	assert_unchanged(reg, &before);

	ck_assert_int_eq(srr_supplier_retire(reg, "ghost"), SRR_E_NOTFOUND);
	ck_assert_int_eq(srr_supplier_retire(reg, "Bad"), SRR_E_INPUT);
	assert_unchanged(reg, &before);

	/* History stays: the row, its children and every event. */
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	size_t adds = 0, retires = 0;
	for (size_t i = 0; i < srr_event_list_count(l); i++) {
		const struct srr_event *e = srr_event_list_get(l, i);
		if (strcmp(e->entity, "supplier/acme-cloud") != 0)
			continue;
		adds += strcmp(e->action, "supplier.add") == 0;
		retires += strcmp(e->action, "supplier.retire") == 0;
	}
	ck_assert_uint_eq(adds, 1);
	ck_assert_uint_eq(retires, 1);
	srr_event_list_free(l);
	ck_assert_int_eq(test_count_rows(reg, "supplier_service"), 2);
	ck_assert_int_eq(test_count_rows(reg, "supplier_contact"), 4);

	/* A retired key stays taken. */
	struct srr_supplier again = acme();
	ck_assert_int_eq(srr_supplier_add(reg, &again), SRR_E_EXISTS);
	srr_register_free(reg);
}
END_TEST

START_TEST(supplier_events_carry_actor)
{
	struct srr_register *reg = test_register_new();
	ck_assert_int_eq(srr_register_set_actor(reg, "alice"), 0);
	add_simple(reg, "acme");
	struct srr_record *rec = last_event(reg, "supplier.add", "acme", "alice");
	srr_record_free(rec);

	ck_assert_int_eq(srr_register_set_actor(reg, "bob"), 0);
	struct srr_supplier_change ch = { .name = "Acme by Bob" };
	update_ok(reg, "acme", &ch, 1);
	rec = last_event(reg, "supplier.update", "acme", "bob");
	ck_assert_str_eq(srr_record_get(rec, "name"), "Acme by Bob");
	srr_record_free(rec);

	ck_assert_int_eq(srr_register_set_actor(reg, "carol"), 0);
	ck_assert_int_eq(srr_supplier_retire(reg, "acme"), 0);
	rec = last_event(reg, "supplier.retire", "acme", "carol");
	ck_assert_str_eq(srr_record_get(rec, "status"), "retired");
	srr_record_free(rec);

	/* Sequence numbers have no gaps. */
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, 0), 0);
	ck_assert_uint_eq(srr_event_list_count(l), 4);
	for (size_t i = 0; i < srr_event_list_count(l); i++)
		ck_assert_int_eq(srr_event_list_get(l, i)->seq, (int64_t)i + 1);
	srr_event_list_free(l);
	srr_register_free(reg);
}
END_TEST

/* The entity's rows are written before its event: when the event cannot
 * be appended, those rows must go too. */
START_TEST(supplier_event_failure_rolls_back)
{
	struct srr_register *reg = test_register_new();
	add_simple(reg, "existing");
	struct srr_supplier s = acme();
	add_ok(reg, &s);
	break_event_log(reg);
	struct snapshot before = snap(reg);

	static const char *const subs[] = { "existing" };
	struct srr_supplier n = acme();
	n.key = "newcomer";
	n.subcontractors = subs;
	n.n_subcontractors = 1;
	ck_assert_int_eq(srr_supplier_add(reg, &n), SRR_E_DB);
	test_assert_errmsg_has(reg, "injected failure");
	assert_unchanged(reg, &before);

	int changed = -1;
	struct srr_supplier_change ch = { .name = "Renamed",
					  .set_services = 1,
					  .set_subcontractors = 1,
					  .n_subcontractors = 1,
					  .subcontractors = subs };
	ck_assert_int_eq(srr_supplier_update(reg, "acme-cloud", &ch, &changed), SRR_E_DB);
	ck_assert_int_eq(changed, 0);
	assert_unchanged(reg, &before);

	ck_assert_int_eq(srr_supplier_retire(reg, "acme-cloud"), SRR_E_DB);
	assert_unchanged(reg, &before);

	struct srr_supplier_list *l = find_ok(reg, "acme-cloud");
	assert_supplier_is(srr_supplier_list_get(l, 0), &s);
	srr_supplier_list_free(l);
	ck_assert_int_eq(srr_supplier_find(&l, reg, "newcomer"), SRR_E_NOTFOUND);
	srr_register_free(reg);
}
END_TEST

static Suite *
supplier_suite(void)
{
	Suite *s = suite_create("supplier");
	TCase *tc = tcase_create("add");
	tcase_add_test(tc, supplier_add_and_find);
	tcase_add_test(tc, supplier_add_minimal_and_text);
	tcase_add_test(tc, supplier_list_order);
	tcase_add_test(tc, supplier_find_missing);
	tcase_add_test(tc, supplier_key_syntax);
	tcase_add_test(tc, supplier_tier_names);
	tcase_add_test(tc, supplier_add_invalid_changes_nothing);
	tcase_add_test(tc, supplier_add_is_atomic);
	tcase_add_test(tc, supplier_errmsg_one_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("update");
	tcase_add_test(tc, supplier_update_fields);
	tcase_add_test(tc, supplier_update_lists);
	tcase_add_test(tc, supplier_update_noop);
	tcase_add_test(tc, supplier_update_invalid_changes_nothing);
	tcase_add_test(tc, supplier_subcontractor_cycles);
	tcase_add_test(tc, supplier_retire);
	tcase_add_test(tc, supplier_events_carry_actor);
	tcase_add_test(tc, supplier_event_failure_rolls_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(supplier_suite());
}
