/* clock.c - wall clock (UTC seconds) with a test override, monotonic ms,
 * and ISO 8601 formatting/parsing. */
#include "clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Returns the current Unix time in seconds. When SECURA_NOW_OFFSET is set
 * (tests only) that many seconds are added, so deadlines can be crossed
 * without waiting. */
int64_t clock_now(void)
{
	int64_t t = (int64_t)time(NULL);
	const char *off = getenv("SECURA_NOW_OFFSET");
	if (off && *off) {
		char *end;
		long long v = strtoll(off, &end, 10);
		if (*end == '\0')
			t += v;
	}
	return t;
}

/* Returns a monotonic timestamp in milliseconds, for durations. */
double clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Writes n as width decimal digits (zero-padded) at p. */
static void digits(char *p, int64_t n, int width)
{
	for (int i = width - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
}

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). By
 * arithmetic (days to civil date, proleptic Gregorian) rather than
 * gmtime_r, which takes glibc's time-zone lock on every call; years
 * outside 0000-9999 are clamped to the range's ends. */
void clock_iso(int64_t t, char out[21])
{
	static const int64_t lo = -62167219200, hi = 253402300799;
	t = t < lo ? lo : t > hi ? hi : t;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t secs = t - days * 86400;
	/* civil_from_days (H. Hinnant), era of 400 years */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	digits(out, y, 4);
	out[4] = '-';
	digits(out + 5, m, 2);
	out[7] = '-';
	digits(out + 8, d, 2);
	out[10] = 'T';
	digits(out + 11, secs / 3600, 2);
	out[13] = ':';
	digits(out + 14, secs / 60 % 60, 2);
	out[16] = ':';
	digits(out + 17, secs % 60, 2);
	out[19] = 'Z';
	out[20] = '\0';
}

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "...:SS" with optional "Z"
 * as UTC. Returns 0 and sets *out, or -1 if malformed or out of range. */
int clock_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
			return -1;
	} else if (len >= 16 && (s[10] == 'T' || s[10] == ' ')) {
		int got = sscanf(s + 11, "%2d:%2d%n", &h, &mi, &n);
		if (got != 2 || sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3)
			return -1;
		n += 11;
		if (s[n] == ':') {
			int m2 = 0;
			if (sscanf(s + n + 1, "%2d%n", &sec, &m2) != 1 ||
			    m2 != 2)
				return -1;
			n += 3;
		}
		if (s[n] == 'Z')
			n++;
	} else {
		return -1;
	}
	if ((size_t)n != len || s[4] != '-' || s[7] != '-')
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* Parses an event's time: s in RFC 3339 ("2026-12-05T10:00:00Z",
 * fractions and offsets allowed) or, when s is NULL, x in epoch seconds
 * or milliseconds. Sets *ms (Unix milliseconds). Returns 0, or -1 when
 * it is neither. */
int clock_event_ms(const char *s, double x, int64_t *ms)
{
	if (!s) {
		if (!isfinite(x) || x < 0 || x > 1e15)
			return -1;
		*ms = (int64_t)(x > 1e11 ? x : x * 1000);
		return 0;
	}
	struct tm tm = {0};
	int frac_ms = 0, off = 0;
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				frac_ms = frac_ms * 10 + (*p - '0');
		for (; digits < 3; digits++)
			frac_ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int h = (p[1] - '0') * 10 + (p[2] - '0'),
		    m = (p[4] - '0') * 10 + (p[5] - '0');
		off = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*ms = ((int64_t)timegm(&tm) - off) * 1000 + frac_ms;
	return 0;
}
