/* ui_sources.c - the admin pages of event sources: the list with what
 * each sent (from the events database), create (the token shown once),
 * disable and enable. Every change is audited. */
#include "ui.h"

#include "../core/config.h"
#include "../domain/demo_events.h"
#include "../domain/events.h"
#include "../domain/sources.h"

#include <string.h>

const struct field ui_sources_add_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 80, NULL, "Name"},
    {"kind", V_ENUM, F_REQUIRED, 0, 0, source_kinds, "Kind"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/sources - every source and what it sent. */
int ui_sources_index(struct ctx *c)
{
	const struct config *cf = config_get();
	db *ev = db_thread(cf->events_db);
	json_t *list = events_sources(c->db, ev);
	if (!list)
		return -1;
	json_t *storage =
	    ev ? events_storage(ev, cf->events_days, cf->events_max_mb) : NULL;
	c->view = json_pack("{so so so}", "sources", list, "kinds",
			    view_choices(source_kinds, NULL), "storage",
			    storage ? storage : json_null());
	return 0;
}

/* POST /admin/sources - creates a source and shows its token once. */
int ui_sources_create(struct ctx *c)
{
	char token[SOURCE_TOKEN_LEN];
	const char *name = ctx_val(c, "name"), *kind = ctx_val(c, "kind");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = sources_create(c->db, name, kind, c->me.user_id, token);
	if (id == 0)
		return ctx_field_error(c, "name", "Name is already used");
	if (id < 0 ||
	    ui_commit(c, "source.create", "event_source", id,
		      json_pack("{ss ss}", "name", name, "kind", kind)) != 0)
		return -1;
	c->view = json_pack("{so ss}", "source", sources_get(c->db, id),
			    "token", token);
	c->status = 201;
	c->tmpl = "admin_source_created";
	return 0;
}

/* POST /admin/sources/{id}/disable and /enable - a disabled source's
 * token is refused at once. */
static int set_enabled(struct ctx *c, int enabled)
{
	json_t *s = sources_get(c->db, c->id);
	if (!s)
		return ctx_fail(c, 404, "not_found", "No such event source.");
	const char *name = json_string_value(json_object_get(s, "name"));
	if (db_begin(c->db) != 0 ||
	    sources_set_enabled(c->db, c->id, enabled) != 0 ||
	    ui_commit(c, enabled ? "source.enable" : "source.disable",
		      "event_source", c->id,
		      json_pack("{ss}", "name", name)) != 0) {
		json_decref(s);
		return -1;
	}
	const char *msg = arena_printf(c->a, "%s %s.", name,
				       enabled ? "enabled" : "disabled");
	json_decref(s);
	c->view = json_pack("{so}", "source", sources_get(c->db, c->id));
	return ctx_redirect(c, "/admin/sources", msg);
}

/* POST /admin/sources/{id}/disable */
int ui_sources_disable(struct ctx *c)
{
	return set_enabled(c, 0);
}

/* POST /admin/sources/{id}/enable */
int ui_sources_enable(struct ctx *c)
{
	return set_enabled(c, 1);
}

/* POST /demo/events - queues about 20,000 demo events over three days
 * (the traffic generator's office with its attacks, source "demo
 * office") for the worker, so the monitoring pages are never empty. */
int ui_sources_demo(struct ctx *c)
{
	const long count = 20000;
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = demo_events_queue(c->db, count);
	if (id < 0 ||
	    ui_commit(c, "demo.events", "job", id,
		      json_pack("{sI}", "count", (json_int_t)count)) != 0)
		return -1;
	c->view = json_pack("{sI ss sI}", "job", (json_int_t)id, "status",
			    "queued", "count", (json_int_t)count);
	c->status = 202;
	return ctx_redirect(c, "/admin/sources",
			    "Demo events queued: about 20,000 events of three "
			    "days appear as the source \"demo office\" "
			    "within a minute.");
}
