/* clock.c - wall clock (UTC seconds) with a test override, monotonic ms,
 * and ISO 8601 formatting/parsing. */
#include "clock.h"

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

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). */
void clock_iso(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
