/* behaviour.h - each person's habits as their sign-ins show them (the
 * hours of the week they sign in, the hosts they use, where they come
 * from and in which countries, their events a day by kind), and the
 * sign-ins that break them: a first time on a host, a rare hour, a new
 * country, a burst. Those become findings the alerts fold (rule
 * BEHAVIOUR_RULE), once per person, reason and hour. A person is the
 * account name as the graphs write it (lower case, no domain). */
#ifndef SECURA_BEHAVIOUR_H
#define SECURA_BEHAVIOUR_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define BEHAVIOUR_RULE	    "secura-user-behaviour"
#define BEHAVIOUR_LEARN_MS  (7 * 86400000LL)  /* history before any flag */
#define BEHAVIOUR_WINDOW_MS (30 * 86400000LL) /* the habits' period */

/* user's profile over the 30 days to now_ms: a new object {user,
 * heatmap: [{day, hours: [24]}] (Monday first, UTC), heat_max, hosts,
 * sources, countries, days: [{day, total, by_kind}], flags: [{id, at,
 * reasons}], learning (under 7 days of history)}, or NULL. */
json_t *behaviour_profile(db *ev, const char *user, int64_t now_ms);

/* The people with the most unusual sign-ins since since_ms: a new array
 * [{user, flags, last}], or NULL. */
json_t *behaviour_unusual(db *ev, int64_t since_ms, int limit);

/* Judges up to batch sign-ins taken since the last look (a cursor in the
 * events database) against their person's habits before them, storing
 * a finding for each new reason; *more says the batch was full (more to
 * read). Returns the findings stored, or -1 on a database error. */
long behaviour_watch(db *ev, int batch, int *more);

#endif
