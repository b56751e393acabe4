/* demo_events.h - a few days of security events for the monitoring
 * pages: the traffic generator's office with its attacks, taken in
 * through the intake's own path (checked, scored, rolled up). */
#ifndef SECURA_DEMO_EVENTS_H
#define SECURA_DEMO_EVENTS_H

#include "../core/db.h"
#include "jobs.h"

#include <stdint.h>
#include <stdio.h>

#define DEMO_EVENTS_SOURCE "demo office"

long demo_events_fill(db *main, db *events, int days, long count, uint64_t seed,
		      FILE *progress);
int64_t demo_events_queue(db *d, long count);
int demo_events_run(db *d, const struct job *j, char *err, size_t errlen);

#endif
