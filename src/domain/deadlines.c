/* deadlines.c - the legal notification deadlines of an incident (GDPR,
 * HIPAA): pure functions of the incident's facts, no database. */
#include "deadlines.h"

#include "../core/valid.h"

#include <string.h>
#include <time.h>

#define HOUR 3600
#define DAY  86400

/* Returns 1 when the incident involves health information (HIPAA). */
int deadlines_hipaa(const struct incident *in)
{
	return valid_csv_has(in->data_types, "health");
}

/* Returns the legal deadline of a notification kind for the incident, or
 * 0 when the law sets none. The clock starts when the organisation
 * became aware (noticed, else reported). GDPR: the authority within 72
 * hours. HIPAA: individuals within 60 days of discovery; HHS and the
 * media within 60 days when 500 or more people are affected, else HHS
 * within 60 days of the end of the calendar year. */
int64_t deadlines_notice(const struct incident *in, const char *kind)
{
	int64_t aware = in->noticed_at ? in->noticed_at : in->created_at;
	if (!strcmp(kind, "gdpr_authority"))
		return aware + 72 * 3600;
	if (!strcmp(kind, "hipaa_individuals") ||
	    (!strcmp(kind, "hipaa_media") && in->people_affected >= 500))
		return aware + 60 * DAY;
	if (!strcmp(kind, "hipaa_hhs")) {
		if (in->people_affected >= 500)
			return aware + 60 * DAY;
		time_t t = (time_t)aware;
		struct tm tm;
		gmtime_r(&t, &tm);
		struct tm end = {
		    .tm_year = tm.tm_year + 1, .tm_mon = 0, .tm_mday = 1};
		return (int64_t)timegm(&end) + 60 * DAY;
	}
	return 0;
}

/* When stage bit s (1 first warning, 2 second warning, 4 due) of clock
 * falls due; 0 when the clock has no such stage. SLA clocks warn once at
 * 75% of their time; GDPR 24 h and 6 h before; HIPAA 7 days and 1 day
 * before. */
static int64_t stage_at(int clock, int s, int64_t started, int64_t due)
{
	if (s == DEADLINE_DUE)
		return due;
	if (clock <= CLOCK_SLA_RESOLVE)
		return s == DEADLINE_WARN ? started + (due - started) * 3 / 4
					  : 0;
	if (clock == CLOCK_GDPR_AUTHORITY)
		return due - (s == DEADLINE_WARN ? 24 : 6) * HOUR;
	return due - (s == DEADLINE_WARN ? 7 : 1) * DAY;
}

/* Returns the stages of clock (enum deadline_clock) that have fallen due
 * at now, as DEADLINE_* bits. */
int deadlines_stages(int clock, int64_t started, int64_t due, int64_t now)
{
	int bits = 0;
	for (int s = DEADLINE_WARN; s <= DEADLINE_DUE; s <<= 1) {
		int64_t at = stage_at(clock, s, started, due);
		if (at && at <= now)
			bits |= s;
	}
	return bits;
}
