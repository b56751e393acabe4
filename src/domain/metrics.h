/* metrics.h - the figures behind the dashboards, computed from the
 * incidents and the milestone times their history rows keep
 * (incident_milestones): time to triage is from creation to the first
 * status change, time to contain to the first move into containment or a
 * later phase, time to resolve to the first move to resolved or closed. */
#ifndef SECURA_METRICS_H
#define SECURA_METRICS_H

#include "../core/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* SLA targets in seconds per severity (index: low, medium, high,
 * critical); an incident without a severity is held to medium's. */

json_t *metrics_operational(db *d, int64_t now);
json_t *metrics_executive(db *d, int64_t from, int64_t to);
json_t *metrics_executive_cached(db *d, int64_t from, int64_t to);
double metrics_percentile(const int64_t *sorted, size_t n, double p);
const char *metrics_duration_text(int64_t seconds, char out[32]);

#endif
