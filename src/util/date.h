/* SPDX-License-Identifier: MIT */
#ifndef SRR_UTIL_DATE_H
#define SRR_UTIL_DATE_H

/* The one date and time parser. Pure: no clock, no locale, no time zones.
 * Dates are YYYY-MM-DD (years 1000..9999, real calendar days); times are
 * RFC 3339 in UTC, exactly YYYY-MM-DDTHH:MM:SSZ. */

#include <stdbool.h>
#include <stdint.h>

#define DATE_LEN 10 /* "YYYY-MM-DD" */
#define TIME_LEN 20 /* "YYYY-MM-DDTHH:MM:SSZ" */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t date_days_from_civil(int y, unsigned m, unsigned d);
void date_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);
bool date_leap_year(int y);
unsigned date_days_in_month(int y, unsigned m);

/* Parse a date; false if the text is not one (2026-02-30 is not). */
bool date_parse(const char *s, int64_t *days);
/* buf must hold DATE_LEN + 1 bytes. */
void date_format(char *buf, int64_t days);

/* Parse an RFC 3339 UTC time into seconds since the epoch. */
bool time_parse(const char *s, int64_t *secs);
/* buf must hold TIME_LEN + 1 bytes. */
void time_format(char *buf, int64_t secs);

/* A month "YYYY-MM" or a quarter "YYYY-Qn". */
bool period_month_valid(const char *s);
bool period_quarter_valid(const char *s);

/* The first and last day of a valid month or quarter period. */
bool period_bounds(const char *period, int64_t *first, int64_t *last);

/* Add months to a date, clamping the day to the month's end
 * (2026-01-31 + 1 month = 2026-02-28). */
int64_t date_add_months(int64_t days, int months);

#endif
