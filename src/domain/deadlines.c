/* deadlines.c - the legal notification deadlines of an incident (GDPR,
 * HIPAA): pure functions of the incident's facts, no database. */
#include "deadlines.h"

#include "../core/valid.h"

#include <string.h>
#include <time.h>

#define DAY 86400

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
