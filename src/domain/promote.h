/* promote.h - alerts made into an incident, or attached to one: the
 * incident's title, description, severity and category suggestion from
 * them, their events as an evidence file, the indicators in those
 * events linked. An alert belongs to at most one incident. */
#ifndef SECURA_PROMOTE_H
#define SECURA_PROMOTE_H

#include "../core/arena.h"
#include "../core/db.h"

#include <stddef.h>
#include <stdint.h>

#define PROMOTE_MAX 200 /* alerts in one promotion */

/* Why a promotion did not happen (promote_alerts returned 0). */
struct promote_refusal {
	int64_t missing_alert;	/* no such alert */
	int64_t taken_alert;	/* already an incident's: ... */
	int64_t taken_incident; /* ... this one's */
	int no_incident;	/* the incident to attach to does not exist */
};

int64_t promote_alerts(db *d, arena *a, const int64_t *ids, size_t n,
		       int64_t into, int64_t actor, const char *data_dir,
		       struct promote_refusal *why);

#endif
