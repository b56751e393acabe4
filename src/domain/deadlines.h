/* deadlines.h - the legal notification deadlines of an incident. */
#ifndef SECURA_DEADLINES_H
#define SECURA_DEADLINES_H

#include "incidents.h"

#include <stdint.h>

/* An incident's clocks, in the order clocks.c keeps them. */
enum deadline_clock {
	CLOCK_SLA_TRIAGE,
	CLOCK_SLA_RESOLVE,
	CLOCK_GDPR_AUTHORITY,
	CLOCK_HIPAA_INDIVIDUALS,
	CLOCK_HIPAA_HHS,
	CLOCK_HIPAA_MEDIA,
	CLOCK__COUNT
};

/* The stages of a clock, as bits: a first and a second warning, due. */
enum { DEADLINE_WARN = 1, DEADLINE_WARN_AGAIN = 2, DEADLINE_DUE = 4 };

int deadlines_hipaa(const struct incident *in);
int deadlines_stages(int clock, int64_t started, int64_t due, int64_t now);
int64_t deadlines_notice(const struct incident *in, const char *kind);

#endif
