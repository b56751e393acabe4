/* timeline.c - an incident's history and everything a history row sets
 * off: its clocks, the notifications and deliveries it causes; and a new
 * report, which also stores what the models found. Every change to an
 * incident goes through timeline_event, inside the caller's
 * transaction. */
#include "timeline.h"

#include "../core/clock.h"
#include "clocks.h"
#include "intel.h"
#include "notify.h"

#include <string.h>

/* Appends one history row, brings the incident's clocks up to date and
 * writes the notifications and deliveries it causes (the caller has
 * already written the change). Returns 0 or -1. Inside a transaction. */
int timeline_event(db *d, int64_t incident, int64_t actor, const char *kind,
		   const char *field, const char *old_value,
		   const char *new_value, int internal)
{
	if (db_exec(d, STMT_INCIDENT_EVENT_INSERT, incident, clock_now(), actor,
		    kind, field ? field : "", old_value, new_value,
		    internal) != 0 ||
	    clocks_refresh(d, incident, 0) != 0)
		return -1;
	return notify_incident_event(d, incident, actor, kind, field, new_value,
				     internal);
}

/* Reports an incident: the row (incidents_create), its "created" history
 * row and what intel_prepare found (prep; may be NULL). Sets in->id and
 * in->ref. Returns the id, or -1. Inside a transaction. */
int64_t timeline_report(db *d, arena *a, struct incident *in, int64_t actor,
			const struct intel_prep *prep)
{
	if (incidents_create(d, a, in) < 0 ||
	    timeline_event(d, in->id, actor, "created", "status", NULL, "new",
			   0) != 0 ||
	    (prep && intel_store(d, in->id, prep, in->created_at) != 0))
		return -1;
	return in->id;
}

/* Moves incident in to status to with resolution (the containment time
 * set on entering containment, resolved and closed times kept by the
 * statement) and records the move, and a changed resolution, in its
 * history. The caller has checked the workflow allows it. Inside a
 * transaction; 0 or -1. */
int timeline_move(db *d, const struct incident *in, const char *to,
		  const char *resolution, int64_t actor)
{
	int64_t now = clock_now();
	if (db_exec(d, STMT_INCIDENT_SET_STATUS, in->id, to, resolution,
		    !strcmp(to, "containment") ? now : 0, now) != 0 ||
	    timeline_event(d, in->id, actor, "status", "status", in->status, to,
			   0) != 0)
		return -1;
	if (!strcmp(resolution, in->resolution))
		return 0;
	return timeline_event(d, in->id, actor, "field", "resolution",
			      in->resolution, resolution, 0);
}

/* Assigns incident in to user to (0: nobody; to_email names them) and
 * records it in its history. Inside a transaction; 0 or -1. */
int timeline_assign(db *d, const struct incident *in, int64_t to,
		    const char *to_email, int64_t actor)
{
	if (db_exec(d, STMT_INCIDENT_SET_ASSIGNEE, in->id, to, clock_now()) !=
	    0)
		return -1;
	return timeline_event(d, in->id, actor, "assignee", "assignee",
			      in->assignee_id ? in->assignee_email : NULL,
			      to ? to_email : NULL, 0);
}
