/* alert_stats.h - what the alerts raised since a time add up to: by
 * severity, status and hour, the entities and detectors alerted on most,
 * each detector's false-positive rate, the mean times to acknowledge and
 * to close, and the ATT&CK techniques seen. */
#ifndef SECURA_ALERT_STATS_H
#define SECURA_ALERT_STATS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

json_t *alert_stats(db *d, int64_t from, int64_t to);
json_t *alert_stats_techniques(db *d, int64_t from, int64_t to, int limit);

#endif
