/* SPDX-License-Identifier: MIT */
#include "decimal.h"

#include <string.h>

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
decimal_canonicalize(char *out, size_t out_size, const char *in)
{
	const char *p = in;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	const char *ip = p;
	while (is_digit(*p))
		p++;
	size_t ilen = (size_t)(p - ip);
	const char *fp = NULL;
	size_t flen = 0;
	if (*p == '.') {
		fp = ++p;
		while (is_digit(*p))
			p++;
		flen = (size_t)(p - fp);
	}
	if (*p != '\0' || (ilen == 0 && flen == 0) || (fp && flen == 0))
		return false;
	while (ilen > 0 && *ip == '0') {
		ip++;
		ilen--;
	}
	while (flen > 0 && fp[flen - 1] == '0')
		flen--;
	if (ilen + flen > DECIMAL_MAX_DIGITS)
		return false;
	if (ilen == 0 && flen == 0)
		neg = false;
	if (out_size < DECIMAL_BUF)
		return false;
	char *o = out;
	if (neg)
		*o++ = '-';
	if (ilen == 0)
		*o++ = '0';
	memcpy(o, ip, ilen);
	o += ilen;
	if (flen) {
		*o++ = '.';
		memcpy(o, fp, flen);
		o += flen;
	}
	*o = '\0';
	return true;
}

bool
decimal_is_canonical(const char *s)
{
	char buf[DECIMAL_BUF];
	return strlen(s) < sizeof(buf) && decimal_canonicalize(buf, sizeof(buf), s) &&
	       strcmp(buf, s) == 0;
}

/* Compare magnitudes of canonical, unsigned decimals. */
static int
cmp_abs(const char *a, const char *b)
{
	size_t ia = strcspn(a, "."), ib = strcspn(b, ".");
	if (ia != ib)
		return ia < ib ? -1 : 1;
	int c = strncmp(a, b, ia);
	if (c)
		return c < 0 ? -1 : 1;
	const char *fa = a[ia] ? a + ia + 1 : "", *fb = b[ib] ? b + ib + 1 : "";
	while (*fa || *fb) {
		char da = *fa ? *fa++ : '0', db = *fb ? *fb++ : '0';
		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

int
decimal_cmp(const char *a, const char *b)
{
	bool na = a[0] == '-', nb = b[0] == '-';
	if (na != nb)
		return na ? -1 : 1;
	int c = cmp_abs(a + na, b + nb);
	return na ? -c : c;
}
