/* ui_monitor.c - the security events sources sent, for the security team
 * (analysts, leads, admins): a filtered list, newest first, 50 a page,
 * and one event with all its fields, its original and its score. Read
 * from the events database on this thread's connection to it. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../domain/events.h"
#include "../domain/sources.h"
#include "../ml/evclass.h"
#include "ui_svg.h"

#include <stdlib.h>
#include <string.h>

const struct field ui_monitor_list_fields[] = {
    {"source", V_INT, 0, 1, 1000000000, NULL, "Source"},
    {"kind", V_ENUM, 0, 0, 0, source_kinds, "Kind"},
    {"host", V_LINE, 0, 0, 200, NULL, "Host"},
    {"user", V_LINE, 0, 0, 200, NULL, "User"},
    {"ip", V_LINE, 0, 0, 64, NULL, "Address"},
    {"outcome", V_LINE, 0, 0, 40, NULL, "Outcome"},
    {"min_score", V_LINE, 0, 0, 10, NULL, "Minimum score"},
    {"verdict", V_ENUM, 0, 0, 0, evclass_names, "Verdict"},
    {"from", V_DATE, 0, 0, 0, NULL, "From"},
    {"to", V_DATE, 0, 0, 0, NULL, "To"},
    {"q", V_LINE, 0, 0, 200, NULL, "Message contains"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns Unix milliseconds of a YYYY-MM-DD field (plus days), 0 when
 * absent. */
static int64_t day_ms(struct ctx *c, const char *name, int days)
{
	const char *v = ctx_val(c, name);
	int64_t t = 0;
	if (!v || clock_parse_iso(v, &t) != 0)
		return 0;
	return (t + days * 86400LL) * 1000;
}

/* GET /security-events - the filtered list. */
int ui_monitor_events(struct ctx *c)
{
	int page, limit, offset;
	ctx_page_args(c, &page, &limit, &offset);
	double min = -1;
	const char *ms = ui_val(c, "min_score");
	if (*ms) {
		char *end;
		min = strtod(ms, &end);
		if (*end || min < 0 || min > 1)
			return ctx_field_error(c, "min_score",
					       "Minimum score must be a number "
					       "from 0 to 1");
	}
	struct events_filter f = {
	    .source = ctx_int(c, "source", 0),
	    .from = day_ms(c, "from", 0),
	    .to = day_ms(c, "to", 1),
	    .kind = ui_val(c, "kind"),
	    .host = ui_val(c, "host"),
	    .user = ui_val(c, "user"),
	    .ip = ui_val(c, "ip"),
	    .outcome = ui_val(c, "outcome"),
	    .words = db_like(c->a, ui_val(c, "q")),
	    .min_score = min,
	    .verdict = ui_val(c, "verdict"),
	};
	db *ev = db_thread(config_get()->events_db);
	int64_t total = 0;
	json_t *list = ev ? events_list(ev, &f, limit, offset, &total) : NULL;
	json_t *sources = sources_list(c->db);
	if (!list || !sources) {
		json_decref(list);
		json_decref(sources);
		return -1;
	}
	/* each event names its source */
	size_t i, k;
	json_t *e, *s;
	json_array_foreach(list, i, e)
	{
		json_int_t sid =
		    json_integer_value(json_object_get(e, "source_id"));
		json_array_foreach(sources, k, s)
		{
			if (json_integer_value(json_object_get(s, "id")) == sid)
				json_object_set(e, "source",
						json_object_get(s, "name"));
		}
	}
	json_array_foreach(sources, k, s)
	{
		json_object_set_new(
		    s, "selected",
		    json_boolean(json_integer_value(json_object_get(s, "id")) ==
				 f.source));
	}
	c->view = json_pack(
	    "{so so s{ss ss ss ss ss ss ss ss ss ss} so so so}", "events", list,
	    "pagination", ctx_page(c, total, page, limit), "filters", "host",
	    f.host, "user", f.user, "ip", f.ip, "outcome", f.outcome,
	    "min_score", ms, "from", ui_val(c, "from"), "to", ui_val(c, "to"),
	    "q", ui_val(c, "q"), "kind", f.kind, "verdict", f.verdict,
	    "sources", sources, "kinds", view_choices(source_kinds, f.kind),
	    "verdicts", view_choices(evclass_names, f.verdict));
	/* the last three days at a glance, from the per-minute rollups */
	json_t *act = events_activity(ev, (clock_now() - 72 * 3600) * 1000);
	if (!act)
		return -1;
	json_object_set_new(c->view, "activity", act);
	if (c->api || !json_array_size(json_object_get(act, "hours")))
		return 0;
	CHART(c, "hours_chart_html",
	      ui_svg_columns(&b_, "c-hours", "Events per hour",
			     "Events taken in from every source in each hour "
			     "of the last three days (UTC)",
			     json_object_get(act, "hours"), "label"));
	CHART(c, "scores_chart_html",
	      ui_svg_columns(&b_, "c-scores", "Anomaly scores",
			     "How many scored events of the last three days "
			     "had each anomaly score, in tenths",
			     json_object_get(act, "histogram"), "label"));
	return 0;
}

/* GET /security-events/{id} - one event, all of it. */
int ui_monitor_event(struct ctx *c)
{
	db *ev = db_thread(config_get()->events_db);
	json_t *e = ev ? events_get(ev, c->id) : NULL;
	if (!e)
		return ctx_fail(c, 404, "not_found", "There is no such event.");
	char *doc = json_dumps(json_object_get(e, "event"),
			       JSON_INDENT(2) | JSON_SORT_KEYS);
	json_t *src = sources_get(
	    c->db, json_integer_value(json_object_get(e, "source_id")));
	c->view =
	    json_pack("{so ss so}", "security_event", e, "document",
		      doc ? doc : "{}", "source", src ? src : json_null());
	jsonmem_free(doc);
	return 0;
}

/* POST /api/v1/predict - scores up to 1,000 events ({"events": [...],
 * "kind": optional, else each event's category says}) with the anomaly
 * models without storing them: the security team's way to ask "how
 * unusual is this?" from a script. */
int ui_monitor_predict(struct ctx *c)
{
	json_t *events = json_object_get(c->json, "events");
	const char *kind = json_string_value(json_object_get(c->json, "kind"));
	int known = !kind;
	for (int k = 0; kind && source_kinds[k]; k++)
		known |= !strcmp(kind, source_kinds[k]);
	if (!json_is_array(events) || !json_array_size(events) ||
	    json_array_size(events) > 1000)
		return ctx_fail(c, 400, "no_events",
				"Send {\"events\": [...]} with 1 to 1,000 "
				"events.");
	if (!known)
		return ctx_fail(c, 400, "unknown_kind",
				"kind is one of auth, network-flow, "
				"http-access, endpoint, generic.");
	scorer_refresh(&ui_scorer, c->db);
	json_t *results =
	    events_predict(&ui_scorer, events, kind, clock_now() * 1000);
	if (!results)
		return -1;
	c->view = json_pack("{so}", "results", results);
	return 0;
}
