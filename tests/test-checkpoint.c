/* SPDX-License-Identifier: MIT */
/*
 * Signed checkpoints and the log's tree, on a real SoftHSM2 token: the
 * body format, the clock line and verify's warning, the root a checkpoint
 * signs against the tree rebuilt from the leaves, the frontier cache
 * rebuilt when it is missing or wrong, and the approve that signs one.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/checkpoint-private.h"
#include "lib/merkle-private.h"
#include "lib/register-private.h"
#include "test-common.h"
#include "token-common.h"

/* --- the body, without a token ------------------------------------------- */

START_TEST(body_round_trip)
{
	merkle_hash root;
	merkle_empty_root(root);
	root[0] ^= 0x5a;
	char body[256], why[160];
	const char *origin = "0123456789abcdef0123456789abcdef";
	for (int synced = 0; synced <= 1; synced++) {
		int n = checkpoint_body(body, sizeof(body), origin, 4711, root, synced);
		ck_assert_int_gt(n, 0);
		struct checkpoint_body b;
		ck_assert_msg(checkpoint_parse(&b, body, (size_t)n, why, sizeof(why)) == 0, "%s", why);
		ck_assert_str_eq(b.origin, origin);
		ck_assert_int_eq(b.size, 4711);
		ck_assert_int_eq(b.synced, synced);
		ck_assert_mem_eq(b.root, root, 32);
		ck_assert_uint_eq(strlen(b.root_b64), 44);
		ck_assert_ptr_nonnull(strstr(body, synced ? "\nclock synchronised\n"
							  : "\nclock unsynchronised\n"));
	}
	ck_assert_int_eq(checkpoint_body(body, 40, origin, 1, root, 1), -1);
}
END_TEST

START_TEST(body_refused)
{
	static const struct {
		const char *body, *why;
	} bad[] = {
		{ "", "line 1" },
		{ "0123456789ABCDEF0123456789abcdef\n1\n", "line 1" },
		{ "0123456789abcdef0123456789abcde\n1\n", "line 1" },
		{ "0123456789abcdef0123456789abcdef\n0\n", "line 2" },
		{ "0123456789abcdef0123456789abcdef\n01\n", "line 2" },
		{ "0123456789abcdef0123456789abcdef\n1x\n", "line 2" },
		{ "0123456789abcdef0123456789abcdef\n1\nAAAA\n", "line 3" },
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!=\n",
		  "line 3" },
		/* base64 that decodes, but not in the one canonical spelling */
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n",
		  "line 3" },
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
		  "line 4" },
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nclock maybe\n",
		  "line 4" },
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nclock synchronised",
		  "line 4" },
		{ "0123456789abcdef0123456789abcdef\n1\n"
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nclock synchronised\n\n",
		  "line 5" },
		{ "0123456789abcdef0123456789abcdef\r\n1\n", "line 1" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct checkpoint_body b;
		char why[160] = "";
		ck_assert_msg(checkpoint_parse(&b, bad[i].body, strlen(bad[i].body), why,
					       sizeof(why)) == -1,
			      "accepted #%zu", i);
		ck_assert_msg(strncmp(why, bad[i].why, strlen(bad[i].why)) == 0,
			      "#%zu: '%s' does not start with '%s'", i, why, bad[i].why);
	}
	/* A NUL inside is refused, not cut short. */
	const char nul[] = "0123456789abcdef0123456789abcdef\n1\0\n";
	struct checkpoint_body b;
	char why[160];
	ck_assert_int_eq(checkpoint_parse(&b, nul, sizeof(nul) - 1, why, sizeof(why)), -1);
}
END_TEST

/* The vectors in tests/data/checkpoint: GOOD and ERRORS list each file
 * with what it must parse to, or the exact error. */
static char *
vector_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("SRR_TEST_DATA");
	ck_assert_ptr_nonnull(dir);
	snprintf(buf, size, "%s/checkpoint/%s", dir, name);
	return buf;
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	ck_assert_uint_eq(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

START_TEST(vectors)
{
	char path[4096], line[512];
	size_t good = 0, bad = 0;
	FILE *f = fopen(vector_path(path, sizeof(path), "GOOD"), "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char name[64], origin[64], size[32], root[80];
		int synced;
		if (line[0] == '#' ||
		    sscanf(line, "%63s\t%63s\t%31s\t%79s\t%d", name, origin, size, root, &synced) != 5)
			continue;
		size_t len;
		char *body = test_read_file(vector_path(path, sizeof(path), name), &len);
		struct checkpoint_body b;
		char why[160];
		ck_assert_msg(checkpoint_parse(&b, body, len, why, sizeof(why)) == 0, "%s: %s", name,
			      why);
		unsigned char want[32];
		unhex(root, want, 32);
		ck_assert_str_eq(b.origin, origin);
		ck_assert_int_eq(b.size, strtoll(size, NULL, 10));
		ck_assert_mem_eq(b.root, want, 32);
		ck_assert_int_eq(b.synced, synced);
		/* And the writer writes exactly these bytes. */
		char again[256];
		int n = checkpoint_body(again, sizeof(again), b.origin, b.size, b.root, b.synced);
		ck_assert_int_eq(n, (int)len);
		ck_assert_mem_eq(again, body, len);
		free(body);
		good++;
	}
	fclose(f);
	f = fopen(vector_path(path, sizeof(path), "ERRORS"), "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		size_t len;
		char *body = test_read_file(vector_path(path, sizeof(path), line), &len);
		struct checkpoint_body b;
		char why[160] = "";
		ck_assert_msg(checkpoint_parse(&b, body, len, why, sizeof(why)) == -1, "%s accepted",
			      line);
		ck_assert_msg(strcmp(why, tab + 1) == 0, "%s: '%s', expected '%s'", line, why, tab + 1);
		free(body);
		bad++;
	}
	fclose(f);
	ck_assert_uint_ge(good, 4);
	ck_assert_uint_ge(bad, 20);
}
END_TEST

/* --- with a token ---------------------------------------------------------- */

static struct srr_register *
setup(void)
{
	struct srr_register *reg = test_register_new();
	char text[4096];
	snprintf(text, sizeof(text),
		 "version: 1\nname: checkpoint test\nreview:\n"
		 "  cadence_months: {critical: 3, high: 6, medium: 12, low: 12}\n"
		 "risk:\n"
		 "  likelihood: [rare, unlikely, possible, likely, almost-certain]\n"
		 "  impact: [negligible, minor, moderate, major, severe]\n"
		 "  levels:\n"
		 "    - {name: low, max: 4}\n    - {name: medium, max: 9}\n"
		 "    - {name: high, max: 16}\n    - {name: critical, max: 25}\n"
		 "  tolerance: medium\n  acceptance_max_days: 365\n"
		 "trust_anchors: ['%s']\napprovers:\n"
		 "  - {name: Alice, cert: '%s', actors: [alice], roles: [management]}\n"
		 "approval_rules:\n  - {subject: review, roles: [management], quorum: 1}\n",
		 fx.ca, fx.cert);
	test_write_file(test_path("policy.yaml"), text);
	unsigned v = 0;
	ck_assert_msg(srr_policy_set(reg, test_path("policy.yaml"), &v) == 0, "%s",
		      srr_errmsg(reg));
	for (int i = 0; i < 5; i++) {
		char key[16];
		snprintf(key, sizeof(key), "s%d", i);
		struct srr_supplier s = { .key = key, .name = "Supplier", .tier = SRR_TIER_LOW };
		ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	}
	return reg;
}

static struct srr_token *
token(struct srr_register *reg, const char *uri, struct answer *a)
{
	*a = (struct answer){ .pin = fx.pin };
	struct srr_token *tok = NULL;
	ck_assert_msg(srr_token_open(&tok, reg, uri, fx.module, answer_pin, a) == 0, "%s",
		      srr_errmsg(reg));
	return tok;
}

/* The root of the log's first n leaves, from the leaves themselves. */
static void
root_of_leaves(struct srr_register *reg, int64_t n, merkle_hash out)
{
	struct srr_event_list *l;
	ck_assert_int_eq(srr_event_list_new(&l, reg, 0, (size_t)n), 0);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (size_t i = 0; i < srr_event_list_count(l); i++) {
		const struct srr_event *e = srr_event_list_get(l, i);
		merkle_hash h;
		merkle_leaf_hash(h, e->leaf, e->leaf_len);
		merkle_frontier_append(&f, h, NULL, NULL);
	}
	ck_assert_uint_eq(f.size, (uint64_t)n);
	merkle_frontier_root(&f, out);
	srr_event_list_free(l);
}

struct clocks {
	size_t warnings, failures;
};

static void
count(void *userdata, const struct srr_finding *f)
{
	struct clocks *c = userdata;
	c->warnings += strcmp(f->check, "clock") == 0;
	c->failures += (size_t)f->failure;
	if (f->failure)
		fprintf(stderr, "finding: %s: %s\n", f->check, f->message);
}

static int64_t
sign(struct srr_register *reg, struct srr_token *tok, int synced)
{
	int64_t id = 0;
	ck_assert_int_eq(reg_begin(reg), 0);
	int rc = reg_end(reg, checkpoint_sign_with(reg, tok, synced, &id));
	ck_assert_msg(rc == 0, "%s", srr_errmsg(reg));
	return id;
}

START_TEST(signed_root_is_the_leaves_root)
{
	struct srr_register *reg = setup();
	struct answer a;
	struct srr_token *tok = token(reg, fx.key_uri, &a);
	int64_t id = 0;
	ck_assert_msg(srr_checkpoint_sign(reg, tok, &id) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(a.calls, 1);

	struct srr_checkpoint_list *l;
	ck_assert_int_eq(srr_checkpoint_latest(&l, reg), 0);
	ck_assert_uint_eq(srr_checkpoint_list_count(l), 1);
	const struct srr_checkpoint *c = srr_checkpoint_list_get(l, 0);
	ck_assert_int_eq(c->size, test_log_size(reg));
	ck_assert_str_eq(c->origin, srr_register_id(reg));
	struct checkpoint_body b;
	char why[160];
	ck_assert_int_eq(checkpoint_parse(&b, c->body, c->body_len, why, sizeof(why)), 0);
	merkle_hash want;
	root_of_leaves(reg, c->size, want);
	ck_assert_mem_eq(b.root, want, 32);
	ck_assert_str_eq(c->actor, reg_actor(reg));
	ck_assert_ptr_nonnull(strstr(c->signer, "Alice Approver"));
	srr_checkpoint_list_free(l);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

START_TEST(clock_warning)
{
	struct srr_register *reg = setup();
	struct answer a;
	struct srr_token *tok = token(reg, fx.key_uri, &a);
	sign(reg, tok, 1);
	struct clocks c = { 0 };
	struct srr_verify_result r;
	ck_assert_int_eq(srr_verify(reg, NULL, count, &c, &r), 0);
	ck_assert_uint_eq(c.warnings, 0);
	ck_assert_uint_eq(c.failures, 0);
	ck_assert_uint_eq(r.checkpoints, 1);
	/* An unsynchronised clock is a warning, not a failure. */
	sign(reg, tok, 0);
	c = (struct clocks){ 0 };
	ck_assert_int_eq(srr_verify(reg, NULL, count, &c, &r), 0);
	ck_assert_uint_eq(c.warnings, 1);
	ck_assert_uint_eq(c.failures, 0);
	ck_assert_uint_eq(r.failures, 0);
	ck_assert_uint_eq(r.checkpoints, 2);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

/* The stored frontier is a cache: missing or wrong, it is rebuilt from
 * the leaves, and a checkpoint still signs the leaves' root. */
START_TEST(frontier_rebuilt)
{
	struct srr_register *reg = setup();
	struct answer a;
	struct srr_token *tok = token(reg, fx.key_uri, &a);
	ck_assert_int_eq(reg_exec(reg, "DELETE FROM log_state"), 0);
	reg->frontier_valid = false;
	struct srr_supplier s = { .key = "after", .name = "After", .tier = SRR_TIER_LOW };
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	ck_assert_int_eq(reg_exec(reg, "UPDATE log_state SET frontier = x'00'"), 0);
	reg->frontier_valid = false;
	s.key = "later";
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	/* A frontier of the wrong size (another process appended). */
	ck_assert_int_eq(reg_exec(reg, "UPDATE log_state SET size = size - 1"), 0);
	sign(reg, tok, 1);
	struct srr_checkpoint_list *l;
	ck_assert_int_eq(srr_checkpoint_latest(&l, reg), 0);
	const struct srr_checkpoint *c = srr_checkpoint_list_get(l, 0);
	struct checkpoint_body b;
	char why[160];
	ck_assert_int_eq(checkpoint_parse(&b, c->body, c->body_len, why, sizeof(why)), 0);
	merkle_hash want;
	root_of_leaves(reg, c->size, want);
	ck_assert_mem_eq(b.root, want, 32);
	srr_checkpoint_list_free(l);
	struct clocks k = { 0 };
	struct srr_verify_result r;
	ck_assert_int_eq(srr_verify(reg, NULL, count, &k, &r), 0);
	ck_assert_uint_eq(r.failures, 0);
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

/* A rolled back change leaves no leaf in the cached frontier. */
START_TEST(rollback_forgets_leaf)
{
	struct srr_register *reg = setup();
	struct answer a;
	struct srr_token *tok = token(reg, fx.key_uri, &a);
	struct srr_supplier dup = { .key = "s1", .name = "Again", .tier = SRR_TIER_LOW };
	ck_assert_int_ne(srr_supplier_add(reg, &dup), 0);
	struct srr_supplier s = { .key = "new", .name = "New", .tier = SRR_TIER_LOW };
	ck_assert_int_eq(reg_begin(reg), 0);
	ck_assert_int_eq(srr_supplier_add(reg, &s), 0);
	ck_assert_int_ne(reg_end(reg, SRR_E_INPUT), 0);
	s.key = "kept";
	ck_assert_msg(srr_supplier_add(reg, &s) == 0, "%s", srr_errmsg(reg));
	sign(reg, tok, 1);
	struct clocks k = { 0 };
	struct srr_verify_result r;
	ck_assert_int_eq(srr_verify(reg, NULL, count, &k, &r), 0);
	ck_assert_uint_eq(r.failures, 0);
	ck_assert_int_eq(r.covered, test_log_size(reg));
	srr_token_free(tok);
	srr_register_free(reg);
}
END_TEST

/* No signer outside the trust anchors; nothing stored when refused. */
START_TEST(signer_refused)
{
	struct srr_register *reg = setup();
	struct answer a;
	const char *uris[] = { fx.unknown_uri, fx.badku_uri, fx.expired_uri };
	for (size_t i = 0; i < 3; i++) {
		struct srr_token *tok = token(reg, uris[i], &a);
		ck_assert_int_eq(srr_checkpoint_sign(reg, tok, NULL), SRR_E_VERIFY);
		ck_assert_ptr_nonnull(strstr(srr_errmsg(reg), "checkpoint: "));
		srr_token_free(tok);
	}
	struct srr_checkpoint_list *l;
	ck_assert_int_eq(srr_checkpoint_list_new(&l, reg), 0);
	ck_assert_uint_eq(srr_checkpoint_list_count(l), 0);
	srr_checkpoint_list_free(l);
	ck_assert_int_eq(srr_checkpoint_sign(reg, NULL, NULL), SRR_E_INPUT);
	srr_register_free(reg);
}
END_TEST

START_TEST(parse_id)
{
	int64_t id;
	ck_assert_int_eq(srr_checkpoint_parse_id(&id, "C-12"), 0);
	ck_assert_int_eq(id, 12);
	ck_assert_int_eq(srr_checkpoint_parse_id(&id, "7"), 0);
	ck_assert_int_eq(id, 7);
	const char *bad[] = { "C-0", "C-", "A-1", "-1", "1x", "", "C-012" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(srr_checkpoint_parse_id(&id, bad[i]) == SRR_E_INPUT, "%s", bad[i]);
}
END_TEST

static Suite *
checkpoint_suite(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("checkpoint");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, body_round_trip);
	tcase_add_test(tc, body_refused);
	tcase_add_test(tc, vectors);
	tcase_add_test(tc, parse_id);
	tcase_add_test(tc, signed_root_is_the_leaves_root);
	tcase_add_test(tc, clock_warning);
	tcase_add_test(tc, frontier_rebuilt);
	tcase_add_test(tc, rollback_forgets_leaf);
	tcase_add_test(tc, signer_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return token_test_main(checkpoint_suite);
}
