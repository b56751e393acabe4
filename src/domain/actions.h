/* actions.h - response actions: what admins declare a lead may set off
 * from an alert (deactivate the Secura account it names, disable the
 * event source its events came from, or a signed webhook to an outside
 * system carrying the alert), and the record of every run. */
#ifndef SECURA_ACTIONS_H
#define SECURA_ACTIONS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const action_kinds[]; /* deactivate_account ... */

/* How a run came out. */
enum action_outcome {
	ACTION_DONE,	/* acted (or, for a webhook, queued for delivery) */
	ACTION_REFUSED, /* nothing to act on, or not allowed: why says */
	ACTION_MISSING, /* no such action or alert, or the action is off */
};

int64_t actions_add(db *d, const char *name, const char *kind,
		    const char *description, const char *url,
		    const char *secret, int64_t actor);
int actions_name_taken(db *d, const char *name);
json_t *actions_list(db *d, int enabled_only);
json_t *actions_get(db *d, int64_t id);
int actions_set_enabled(db *d, int64_t id, int enabled);
int actions_run(db *d, int64_t action_id, int64_t alert_id, int64_t actor,
		enum action_outcome *out, char *why, size_t whyn);
json_t *actions_runs(db *d, int64_t alert_id);

#endif
