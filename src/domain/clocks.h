/* clocks.h - the clocks of an incident: SLA triage and resolution targets
 * per severity (settings), and the regulatory notification deadlines
 * counted from awareness (GDPR Art. 33: 72 h; HIPAA: individuals 60 days,
 * HHS and media). Kept in incident_clocks by clocks_refresh with every
 * change of the incident; clocks_tick (the scheduler, every minute) sends
 * the warnings and breach notifications once each. */
#ifndef SECURA_CLOCKS_H
#define SECURA_CLOCKS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

int clocks_refresh(db *d, int64_t incident, int silent);
int clocks_backfill(db *d);
int clocks_refresh_open(db *d);
json_t *clocks_json(db *d, int64_t incident, int64_t now);
int clocks_tick(db *d, int64_t now, int *sent);

#endif
