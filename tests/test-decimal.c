/* SPDX-License-Identifier: MIT */
/*
 * src/util/decimal: exact decimals as text, and the public
 * srr_decimal_canonical() that wraps them.
 */
#include <string.h>

#include "test-common.h"
#include "util/decimal.h"

static void
assert_canon(const char *in, const char *want)
{
	char out[DECIMAL_BUF];
	memset(out, 'x', sizeof(out));
	ck_assert_msg(decimal_canonicalize(out, sizeof(out), in), "'%s' should be a decimal", in);
	ck_assert_msg(strcmp(out, want) == 0, "'%s' canonicalised to '%s', want '%s'", in, out,
		      want);
	ck_assert_msg(decimal_is_canonical(want), "'%s' should be canonical", want);

	/* The public wrapper agrees. */
	char pub[32];
	ck_assert_int_eq(srr_decimal_canonical(pub, sizeof(pub), in), 0);
	ck_assert_str_eq(pub, want);
}

static void
assert_not_decimal(const char *in)
{
	char out[DECIMAL_BUF];
	ck_assert_msg(!decimal_canonicalize(out, sizeof(out), in), "'%s' should be rejected", in);
	ck_assert_msg(!decimal_is_canonical(in), "'%s' should not be canonical", in);
	char pub[32];
	ck_assert_int_eq(srr_decimal_canonical(pub, sizeof(pub), in), SRR_E_INPUT);
}

START_TEST(decimal_canonicalize_forms)
{
	assert_canon("99.90", "99.9");
	assert_canon("99.9", "99.9");
	assert_canon("-0", "0");
	assert_canon("+0", "0");
	assert_canon("-0.000", "0");
	assert_canon("0.0", "0");
	assert_canon("0", "0");
	assert_canon("000", "0");
	assert_canon("+5", "5");
	assert_canon("-5", "-5");
	assert_canon(".5", "0.5");
	assert_canon("-.5", "-0.5");
	assert_canon("+.50", "0.5");
	assert_canon("007", "7");
	assert_canon("007.0700", "7.07");
	assert_canon("100", "100"); /* integer zeros are significant */
	assert_canon("100.000", "100");
	assert_canon("250", "250");
	assert_canon("-3", "-3");
	assert_canon("0.001", "0.001");
	assert_canon("-0.0010", "-0.001");
}
END_TEST

START_TEST(decimal_rejects)
{
	static const char *const bad[] = {
		"",	".",   "-",    "+",   "-.",  "+.",    "1e5",  "1E5", "1.2.3",
		"1,5",	" 1",  "1 ",   "--1", "+-1", "-+1",   "0x10", "inf", "nan",
		"1.5x", "abc", "1..2", "١٢",  "1-",  "99.9%", "\t1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_not_decimal(bad[i]);
}
END_TEST

START_TEST(decimal_digit_limit)
{
	/* At most 15 significant digits, after leading and trailing zeros go. */
	assert_canon("123456789012345", "123456789012345");
	assert_canon("-123456789012345", "-123456789012345");
	assert_canon("1234567890.12345", "1234567890.12345");
	assert_canon("0.000000000000001", "0.000000000000001");
	assert_canon("000000123456789012345", "123456789012345");
	assert_canon("1.00000000000000000000000000", "1");
	assert_not_decimal("1234567890123456");
	assert_not_decimal("1234567890.123456");
	assert_not_decimal("0.0000000000000001");
	assert_not_decimal("-9999999999999999");
}
END_TEST

START_TEST(decimal_small_buffer)
{
	char out[8];
	ck_assert(!decimal_canonicalize(out, sizeof(out), "1"));
	ck_assert_int_eq(srr_decimal_canonical(out, sizeof(out), "1"), SRR_E_INPUT);
	ck_assert_int_eq(srr_decimal_canonical(out, sizeof(out), NULL), SRR_E_INPUT);
}
END_TEST

START_TEST(decimal_is_canonical_exact)
{
	ck_assert(decimal_is_canonical("0"));
	ck_assert(decimal_is_canonical("99.9"));
	ck_assert(decimal_is_canonical("-0.5"));
	ck_assert(decimal_is_canonical("100"));
	ck_assert(!decimal_is_canonical("99.90"));
	ck_assert(!decimal_is_canonical("-0"));
	ck_assert(!decimal_is_canonical("+5"));
	ck_assert(!decimal_is_canonical(".5"));
	ck_assert(!decimal_is_canonical("007"));
	ck_assert(!decimal_is_canonical("5.0"));
	ck_assert(!decimal_is_canonical("0.50"));
	ck_assert(!decimal_is_canonical(""));
	/* Longer than any canonical decimal can be. */
	ck_assert(!decimal_is_canonical("0.00000000000000000000000000000000000001"));
}
END_TEST

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
assert_cmp(const char *a, const char *b, int want)
{
	ck_assert_msg(sign(decimal_cmp(a, b)) == want, "cmp(%s, %s) = %d, want %d", a, b,
		      decimal_cmp(a, b), want);
	ck_assert_msg(sign(decimal_cmp(b, a)) == -want, "cmp(%s, %s) = %d, want %d", b, a,
		      decimal_cmp(b, a), -want);
}

START_TEST(decimal_cmp_exact)
{
	assert_cmp("99.9", "99.9", 0);
	assert_cmp("0", "0", 0);
	assert_cmp("-3", "-3", 0);
	/* Not canonical on one side, but equal in value. */
	assert_cmp("99.9", "99.90", 0);
	assert_cmp("0.1", "0.10000000000001", -1);
	assert_cmp("0.10000000000001", "0.10000000000002", -1);
	assert_cmp("99.99", "99.9", 1);
	assert_cmp("99.899999999999", "99.9", -1);
	assert_cmp("100", "99.999", 1);
	assert_cmp("10", "9", 1);
	assert_cmp("9.99", "10", -1);
	assert_cmp("0.5", "1", -1);
	assert_cmp("0.05", "0.5", -1);
	assert_cmp("123456789012345", "123456789012344", 1);
	/* Negatives. */
	assert_cmp("-1", "0", -1);
	assert_cmp("-1", "1", -1);
	assert_cmp("-2", "-1", -1);
	assert_cmp("-10", "-9", -1);
	assert_cmp("-0.5", "-1", 1);
	assert_cmp("-0.1", "-0.10000000000001", 1);
	assert_cmp("-0.5", "0.5", -1);
	assert_cmp("-0.001", "0", -1);
	assert_cmp("0.001", "0", 1);
}
END_TEST

/* What breach detection relies on: canonicalising both sides and comparing
 * gives the same answer as comparing the values. */
START_TEST(decimal_cmp_after_canonicalize)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
		{ "99.90", "99.9", 0 },
		{ "099.900", "+99.9", 0 },
		{ "-0", "0", 0 },
		{ ".5", "0.50", 0 },
		{ "-.5", "-0.5", 0 },
		{ "99.95", "99.9", 1 },
		{ "0.3", "0.30000000000001", -1 },
		{ "-007", "-7.0", 0 },
		{ "1000", "999.99", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char a[DECIMAL_BUF], b[DECIMAL_BUF];
		ck_assert(decimal_canonicalize(a, sizeof(a), cases[i].a));
		ck_assert(decimal_canonicalize(b, sizeof(b), cases[i].b));
		assert_cmp(a, b, cases[i].want);
	}
}
END_TEST

static Suite *
decimal_suite(void)
{
	Suite *s = suite_create("decimal");
	TCase *tc = tcase_create("canonical");
	tcase_add_test(tc, decimal_canonicalize_forms);
	tcase_add_test(tc, decimal_rejects);
	tcase_add_test(tc, decimal_digit_limit);
	tcase_add_test(tc, decimal_small_buffer);
	tcase_add_test(tc, decimal_is_canonical_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_test(tc, decimal_cmp_exact);
	tcase_add_test(tc, decimal_cmp_after_canonicalize);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(decimal_suite());
}
