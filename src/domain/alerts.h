/* alerts.h - alerts: findings of the event models and detections folded
 * by detector and entity, worked by the security team (statuses with
 * reasons and history), suppressed for a time, and promoted to
 * incidents. */
#ifndef SECURA_ALERTS_H
#define SECURA_ALERTS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define ALERT_WINDOW_MS	 (15 * 60 * 1000) /* a finding folds within this */
#define ALERT_MAX_EVENTS 20
#define ALERT_COUNT_CAP	 1000 /* a filtered list counts up to this */

extern const char *const alert_statuses[];
extern const char *const alert_reasons[];
extern const char *const alert_severities[];

/* What the list filters on ("" any; status "open": not closed; words a
 * LIKE pattern). */
struct alert_filter {
	const char *status, *severity, *detector, *words; /* "" any */
	const char *host, *user, *ip, *technique;	  /* "" any */
	int64_t since_ms; /* last seen since, 0 any */
	int64_t assignee; /* 0 any, -1 no one */
	int64_t source;	  /* the event source, 0 any */
};

long alerts_fold(db *main, db *events, int batch);
json_t *alerts_list(db *d, const struct alert_filter *f, int limit, int offset,
		    int64_t *total);
json_t *alerts_counts(db *d);
json_t *alerts_detectors(db *d);
json_t *alerts_get(db *d, int64_t id);
json_t *alerts_of_incident(db *d, int64_t incident);
int alerts_set_status(db *d, int64_t id, const char *to, const char *reason,
		      const char *note, int64_t actor);
int64_t alerts_suppress(db *d, int64_t id, int hours, const char *reason,
			int64_t actor);
int alerts_suppression_end(db *d, int64_t id);
json_t *alerts_suppressions(db *d);
int alerts_assign(db *d, int64_t id, int64_t to, const char *to_name,
		  int64_t actor);
int alerts_comment(db *d, int64_t id, const char *body, int64_t actor);

#endif
