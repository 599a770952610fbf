/* SPDX-License-Identifier: MIT */
#include "date.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days: exact over the whole
 * proleptic Gregorian calendar, no tables, no libc time zone state. */
int64_t
date_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
date_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

bool
date_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned
date_days_in_month(int y, unsigned m)
{
	static const unsigned char dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && date_leap_year(y))
		return 29;
	return dim[m - 1];
}

/* Exactly n ASCII digits at s. */
static bool
digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_ymd(const char *s, int *y, unsigned *m, unsigned *d)
{
	unsigned yy;
	if (!digits(s, 4, &yy) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' ||
	    !digits(s + 8, 2, d))
		return false;
	if (yy < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > date_days_in_month((int)yy, *m))
		return false;
	*y = (int)yy;
	return true;
}

bool
date_parse(const char *s, int64_t *days)
{
	int y;
	unsigned m, d;
	if (strlen(s) != DATE_LEN || !parse_ymd(s, &y, &m, &d))
		return false;
	*days = date_days_from_civil(y, m, d);
	return true;
}

void
date_format(char *buf, int64_t days)
{
	int y;
	unsigned m, d;
	date_civil_from_days(days, &y, &m, &d);
	snprintf(buf, DATE_LEN + 1, "%04d-%02u-%02u", y, m, d);
}

bool
time_parse(const char *s, int64_t *secs)
{
	int y;
	unsigned mo, d, h, mi, se;
	if (strlen(s) != TIME_LEN || !parse_ymd(s, &y, &mo, &d) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se) || s[19] != 'Z')
		return false;
	/* No leap seconds: :60 has no single POSIX time. */
	if (h > 23 || mi > 59 || se > 59)
		return false;
	*secs = date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

void
time_format(char *buf, int64_t secs)
{
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int y;
	unsigned m, d;
	date_civil_from_days(days, &y, &m, &d);
	snprintf(buf, TIME_LEN + 1, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d,
		 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

bool
period_month_valid(const char *s)
{
	unsigned y, m;
	return strlen(s) == 7 && digits(s, 4, &y) && y >= 1000 && s[4] == '-' &&
	       digits(s + 5, 2, &m) && m >= 1 && m <= 12;
}

bool
period_quarter_valid(const char *s)
{
	unsigned y;
	return strlen(s) == 7 && digits(s, 4, &y) && y >= 1000 && s[4] == '-' && s[5] == 'Q' &&
	       s[6] >= '1' && s[6] <= '4';
}

bool
period_bounds(const char *p, int64_t *first, int64_t *last)
{
	unsigned y = 0, m0, m1;
	if (period_quarter_valid(p)) {
		m0 = (unsigned)(p[6] - '1') * 3 + 1;
		m1 = m0 + 2;
	} else if (period_month_valid(p)) {
		m0 = m1 = (unsigned)(p[5] - '0') * 10 + (unsigned)(p[6] - '0');
	} else {
		return false;
	}
	digits(p, 4, &y);
	*first = date_days_from_civil((int)y, m0, 1);
	*last = date_days_from_civil((int)y, m1, date_days_in_month((int)y, m1));
	return true;
}

int64_t
date_add_months(int64_t days, int months)
{
	int y;
	unsigned m, d;
	date_civil_from_days(days, &y, &m, &d);
	int64_t total = (int64_t)y * 12 + (m - 1) + months;
	int ny = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
	unsigned nm = (unsigned)(total - (int64_t)ny * 12) + 1;
	unsigned dim = date_days_in_month(ny, nm);
	return date_days_from_civil(ny, nm, d > dim ? dim : d);
}
