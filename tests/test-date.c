/* SPDX-License-Identifier: MIT */
/*
 * src/util/date: the one date and time parser.
 */
#include <string.h>

#include "test-common.h"
#include "util/date.h"

static int64_t
days_of(const char *s)
{
	int64_t d = INT64_MIN;
	ck_assert_msg(date_parse(s, &d), "'%s' should parse", s);
	return d;
}

static void
assert_not_date(const char *s)
{
	int64_t d = 12345;
	ck_assert_msg(!date_parse(s, &d), "'%s' should not parse as a date", s);
	ck_assert_int_eq(d, 12345);
}

static void
assert_not_time(const char *s)
{
	int64_t t = 12345;
	ck_assert_msg(!time_parse(s, &t), "'%s' should not parse as a time", s);
	ck_assert_int_eq(t, 12345);
}

START_TEST(date_known_days)
{
	/* Reference values from Python's datetime. */
	ck_assert_int_eq(days_of("1970-01-01"), 0);
	ck_assert_int_eq(days_of("1969-12-31"), -1);
	ck_assert_int_eq(days_of("2000-02-29"), 11016);
	ck_assert_int_eq(days_of("2000-03-01"), 11017);
	ck_assert_int_eq(days_of("2024-02-29"), 19782);
	ck_assert_int_eq(days_of("2026-11-27"), 20784);
	ck_assert_int_eq(days_of("1900-03-01"), -25508);
	ck_assert_int_eq(days_of("1000-01-01"), -354285);
	ck_assert_int_eq(days_of("9999-12-31"), 2932896);
}
END_TEST

START_TEST(date_leap_years)
{
	ck_assert(date_leap_year(2000));
	ck_assert(date_leap_year(2024));
	ck_assert(date_leap_year(1600));
	ck_assert(!date_leap_year(1900));
	ck_assert(!date_leap_year(2100));
	ck_assert(!date_leap_year(2026));
	ck_assert_uint_eq(date_days_in_month(2024, 2), 29);
	ck_assert_uint_eq(date_days_in_month(2026, 2), 28);
	ck_assert_uint_eq(date_days_in_month(1900, 2), 28);
	ck_assert_uint_eq(date_days_in_month(2000, 2), 29);
	ck_assert_uint_eq(date_days_in_month(2026, 4), 30);
	ck_assert_uint_eq(date_days_in_month(2026, 12), 31);

	days_of("2000-02-29");
	days_of("2024-02-29");
	days_of("1600-02-29");
	assert_not_date("1900-02-29");
	assert_not_date("2100-02-29");
	assert_not_date("2026-02-29");
}
END_TEST

START_TEST(date_rejects_impossible_days)
{
	assert_not_date("2026-02-30");
	assert_not_date("2026-02-31");
	assert_not_date("2026-04-31");
	assert_not_date("2026-06-31");
	assert_not_date("2026-09-31");
	assert_not_date("2026-11-31");
	assert_not_date("2026-01-32");
	assert_not_date("2026-00-10");
	assert_not_date("2026-13-01");
	assert_not_date("2026-01-00");
	assert_not_date("0999-12-31"); /* years 1000..9999 only */
	assert_not_date("0000-01-01");
	days_of("2026-01-31");
	days_of("2026-12-31");
	days_of("2026-04-30");
}
END_TEST

START_TEST(date_rejects_bad_shapes)
{
	static const char *const bad[] = {
		"",
		"2026",
		"2026-01",
		"2026-1-01",
		"2026-01-1",
		"26-01-01",
		"20260101",
		"2026/01/01",
		"2026-01-01 ",
		" 2026-01-01",
		"2026-01-01x",
		"2026-01-01T00:00:00Z",
		"2026-0a-01",
		"2026-01-0a",
		"+026-01-01",
		"-026-01-01",
		"2026--1-01",
		"2026-01-+1",
		"2026_01_01",
		"12026-01-01",
		"２026-01-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_not_date(bad[i]);
}
END_TEST

START_TEST(date_format_pads)
{
	char buf[DATE_LEN + 1];
	memset(buf, 'x', sizeof(buf));
	date_format(buf, 0);
	ck_assert_str_eq(buf, "1970-01-01");
	date_format(buf, days_of("1000-01-01"));
	ck_assert_str_eq(buf, "1000-01-01");
	date_format(buf, 11016);
	ck_assert_str_eq(buf, "2000-02-29");
	date_format(buf, 2932896);
	ck_assert_str_eq(buf, "9999-12-31");
	date_format(buf, -1);
	ck_assert_str_eq(buf, "1969-12-31");
}
END_TEST

/* Hot loops check with plain ifs: every ck_assert is a round trip to the
 * Check runner, which would make these take seconds (minutes in valgrind). */

/* Every day of years 1000..9999: civil -> days -> civil is the identity,
 * and each day is the calendar successor of the one before. */
START_TEST(date_civil_round_trip)
{
	int64_t first = date_days_from_civil(1000, 1, 1);
	int64_t last = date_days_from_civil(9999, 12, 31);
	int py = 999;
	unsigned pm = 12, pd = 31;
	for (int64_t z = first; z <= last; z++) {
		int y;
		unsigned m, d;
		date_civil_from_days(z, &y, &m, &d);
		bool next;
		if (pd < date_days_in_month(py, pm))
			next = y == py && m == pm && d == pd + 1;
		else if (pm < 12)
			next = y == py && m == pm + 1 && d == 1;
		else
			next = y == py + 1 && m == 1 && d == 1;
		if (!next || date_days_from_civil(y, m, d) != z)
			ck_abort_msg("day %lld: %d-%u-%u after %d-%u-%u", (long long)z, y, m, d, py,
				     pm, pd);
		py = y;
		pm = m;
		pd = d;
	}
	ck_assert_int_eq(py, 9999);
	ck_assert_uint_eq(pm, 12);
	ck_assert_uint_eq(pd, 31);
	ck_assert_int_eq(last - first + 1, 2932896 + 354285 + 1);
}
END_TEST

/* Far outside the parseable range the arithmetic is still exact. */
START_TEST(date_civil_round_trip_wide)
{
	for (int64_t z = -100000000; z <= 100000000; z += 9973) {
		int y;
		unsigned m, d;
		date_civil_from_days(z, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m) ||
		    date_days_from_civil(y, m, d) != z)
			ck_abort_msg("day %lld: %d-%u-%u", (long long)z, y, m, d);
	}
}
END_TEST

START_TEST(date_parse_format_round_trip)
{
	int64_t first = date_days_from_civil(1000, 1, 1);
	int64_t last = date_days_from_civil(9999, 12, 31);
	char buf[DATE_LEN + 1];
	for (int64_t z = first; z <= last; z += 7) {
		int64_t back = INT64_MIN;
		date_format(buf, z);
		if (strlen(buf) != DATE_LEN || !date_parse(buf, &back) || back != z)
			ck_abort_msg("day %lld: '%s' parsed as %lld", (long long)z, buf,
				     (long long)back);
	}
}
END_TEST

START_TEST(time_parse_format)
{
	int64_t t = -1;
	ck_assert(time_parse("2026-11-27T21:56:53Z", &t));
	ck_assert_int_eq(t, 1795816613);
	ck_assert(time_parse("1970-01-01T00:00:00Z", &t));
	ck_assert_int_eq(t, 0);
	ck_assert(time_parse("1969-12-31T23:59:59Z", &t));
	ck_assert_int_eq(t, -1);
	ck_assert(time_parse("2000-02-29T23:59:59Z", &t));
	ck_assert_int_eq(t, 11016LL * 86400 + 86399);

	char buf[TIME_LEN + 1];
	time_format(buf, 1795816613);
	ck_assert_str_eq(buf, "2026-11-27T21:56:53Z");
	time_format(buf, 0);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	time_format(buf, -1);
	ck_assert_str_eq(buf, "1969-12-31T23:59:59Z");
	time_format(buf, -86400);
	ck_assert_str_eq(buf, "1969-12-31T00:00:00Z");

	/* Round trip over a wide range, odd step to hit every second of day. */
	for (int64_t s = -5000000000LL; s < 5000000000LL; s += 77777) {
		int64_t back = INT64_MIN;
		time_format(buf, s);
		if (strlen(buf) != TIME_LEN || !time_parse(buf, &back) || back != s)
			ck_abort_msg("%lld: '%s' parsed as %lld", (long long)s, buf,
				     (long long)back);
	}
}
END_TEST

START_TEST(time_rfc3339_utc_only)
{
	static const char *const bad[] = {
		"",
		"2026-11-27",
		"2026-11-27T21:56:53",	     /* no zone */
		"2026-11-27T21:56:53z",	     /* lower-case z */
		"2026-11-27t21:56:53Z",	     /* lower-case t */
		"2026-11-27 21:56:53Z",	     /* space for T */
		"2026-11-27T21:56:53+00:00", /* offsets: UTC is spelled Z */
		"2026-11-27T21:56:53-01:00",
		"2026-11-27T21:56:53.5Z", /* no fractions */
		"2026-11-27T21:56:53.000Z",
		"2026-11-27T24:00:00Z",
		"2026-11-27T23:60:00Z",
		"2026-12-31T23:59:60Z", /* no leap seconds */
		"2026-11-27T1:56:53Z",
		"2026-11-27T21:5:53Z",
		"2026-02-30T00:00:00Z", /* the date part is checked too */
		"2026-11-27T21:56:53ZZ",
		"2026-11-27T21-56-53Z",
		"2026-11-27T21:56:53Z ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_not_time(bad[i]);
}
END_TEST

START_TEST(period_month)
{
	ck_assert(period_month_valid("2026-01"));
	ck_assert(period_month_valid("2026-12"));
	ck_assert(period_month_valid("1000-06"));
	ck_assert(period_month_valid("9999-12"));
	ck_assert(!period_month_valid("2026-00"));
	ck_assert(!period_month_valid("2026-13"));
	ck_assert(!period_month_valid("2026-1"));
	ck_assert(!period_month_valid("2026-1x"));
	ck_assert(!period_month_valid("2026-010"));
	ck_assert(!period_month_valid("0999-01"));
	ck_assert(!period_month_valid("2026/01"));
	ck_assert(!period_month_valid("2026-Q1"));
	ck_assert(!period_month_valid("2026-01-01"));
	ck_assert(!period_month_valid(""));
	ck_assert(!period_month_valid("202601"));
}
END_TEST

START_TEST(period_quarter)
{
	ck_assert(period_quarter_valid("2026-Q1"));
	ck_assert(period_quarter_valid("2026-Q2"));
	ck_assert(period_quarter_valid("2026-Q3"));
	ck_assert(period_quarter_valid("2026-Q4"));
	ck_assert(!period_quarter_valid("2026-Q0"));
	ck_assert(!period_quarter_valid("2026-Q5"));
	ck_assert(!period_quarter_valid("2026-q1"));
	ck_assert(!period_quarter_valid("2026Q1"));
	ck_assert(!period_quarter_valid("2026-Q1 "));
	ck_assert(!period_quarter_valid("2026-Q"));
	ck_assert(!period_quarter_valid("0999-Q1"));
	ck_assert(!period_quarter_valid("2026-01"));
	ck_assert(!period_quarter_valid(""));
}
END_TEST

static void
assert_add_months(const char *from, int months, const char *want)
{
	char buf[DATE_LEN + 1];
	date_format(buf, date_add_months(days_of(from), months));
	ck_assert_msg(strcmp(buf, want) == 0, "%s %+d months: got %s, want %s", from, months, buf,
		      want);
}

START_TEST(date_add_months_clamps)
{
	assert_add_months("2026-01-31", 1, "2026-02-28");
	assert_add_months("2024-01-31", 1, "2024-02-29");
	assert_add_months("2026-03-31", -1, "2026-02-28");
	assert_add_months("2026-03-31", 1, "2026-04-30");
	assert_add_months("2026-05-31", 4, "2026-09-30");
	assert_add_months("2024-02-29", 12, "2025-02-28");
	assert_add_months("2024-02-29", 48, "2028-02-29");
	assert_add_months("2026-01-15", 0, "2026-01-15");
	assert_add_months("2026-12-15", 1, "2027-01-15");
	assert_add_months("2026-01-15", -1, "2025-12-15");
	assert_add_months("2026-01-15", -12, "2025-01-15");
	assert_add_months("2026-01-15", -13, "2024-12-15");
	assert_add_months("2026-01-15", -24, "2024-01-15");
	assert_add_months("2026-11-30", 3, "2027-02-28");
	assert_add_months("2026-08-31", 6, "2027-02-28");
	assert_add_months("2026-10-31", 120, "2036-10-31");
	assert_add_months("2000-01-01", -12000, "1000-01-01");
	/* Clamping does not stick: the original day is used, not the clamped one. */
	assert_add_months("2026-01-31", 2, "2026-03-31");
}
END_TEST

static Suite *
date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("date");
	tcase_add_test(tc, date_known_days);
	tcase_add_test(tc, date_leap_years);
	tcase_add_test(tc, date_rejects_impossible_days);
	tcase_add_test(tc, date_rejects_bad_shapes);
	tcase_add_test(tc, date_format_pads);
	tcase_add_test(tc, date_civil_round_trip);
	tcase_add_test(tc, date_civil_round_trip_wide);
	tcase_add_test(tc, date_parse_format_round_trip);
	tcase_add_test(tc, date_add_months_clamps);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_test(tc, time_parse_format);
	tcase_add_test(tc, time_rfc3339_utc_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("period");
	tcase_add_test(tc, period_month);
	tcase_add_test(tc, period_quarter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(date_suite());
}
