/* incidents.h - incidents: the workflow, reads, creation, history and
 * search (history rows are timeline.h's). Visibility is the caller's job
 * (see web/ui.c): these
 * functions never decide who may see what, the queries take a
 * "visible_to" reporter id for lists. */
#ifndef SECURA_INCIDENTS_H
#define SECURA_INCIDENTS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const incident_statuses[];
extern const char *const incident_severities[];
extern const char *const incident_tlps[];
extern const char *const incident_data_types[];
extern const char *const incident_sorts[];
extern const char *const incident_dues[];

struct incident {
	int64_t id, category_id, reporter_id, assignee_id;
	const char *ref, *title, *description, *status, *severity, *tlp;
	const char *category_slug, *category_name, *enisa_class;
	const char *reporter_email, *reporter_name;
	const char *assignee_email, *assignee_name;
	const char *assets, *location, *data_types, *root_cause, *resolution;
	int personal_data;
	int64_t people_affected, records_affected; /* -1 when unknown */
	int64_t occurred_at, noticed_at, contained_at, resolved_at, closed_at;
	int64_t created_at, updated_at;
};

struct incident_filter {
	const char *status, *severity, *query; /* "" for any */
	int64_t category_id;		       /* 0 any */
	int64_t assignee;		       /* 0 any, -1 unassigned */
	int64_t reporter;		       /* 0 any */
	int64_t from, to;		       /* created_at range, 0 open */
	int64_t visible_to; /* 0: every incident; else only this reporter's */
	const char *sort;   /* one of incident_sorts; searches are always
			       newest first */
	const char *due;    /* "" any; "24h": a running clock due within
			       24 h; "breached": one already missed (both
			       soonest due first) */
	int64_t now;	    /* the time "due" is measured from */
	int limit, offset;
};

int incidents_can_move(const char *from, const char *to);
json_t *incidents_moves(const char *from);
int incidents_get(db *d, arena *a, int64_t id, struct incident *in);
int incidents_get_ref(db *d, arena *a, const char *ref, struct incident *in);
int64_t incidents_create(db *d, arena *a, struct incident *in);
int incidents_update(db *d, const struct incident *nw);
int incidents_touch(db *d, int64_t id);
int incidents_reindex(db *d, int64_t id);
json_t *incidents_json(const struct incident *in, int full);
typedef int (*incident_fn)(void *ud, const struct incident *in);
int incidents_each(db *d, const struct incident_filter *f, incident_fn fn,
		   void *ud);
json_t *incidents_list(db *d, const struct incident_filter *f);
json_t *incidents_counts(db *d, const struct incident_filter *f,
			 int64_t *total);
json_t *incidents_history(db *d, int64_t id, int staff);
const char *incidents_fts_query(arena *a, const char *q, int staff);

#endif
