/* ui_alerts.c - the alerts the worker folds from the events' findings,
 * for the security team (managers read): a filtered list with counts per
 * status, one alert with why it fired, its events and history, its
 * status changes (closing names a reason) and its promotion to an
 * incident (at most once). */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/perm.h"
#include "../domain/actions.h"
#include "../domain/users.h"
#include "../domain/alerts.h"
#include "../domain/incidents.h"
#include "../domain/promote.h"

#include <stdlib.h>
#include <string.h>

static const char *const list_statuses[] = {
    "open", "new", "acknowledged", "investigating", "closed", NULL};

const struct field ui_alerts_list_fields[] = {
    {"status", V_ENUM, 0, 0, 0, list_statuses, "Status"},
    {"severity", V_ENUM, 0, 0, 0, alert_severities, "Severity"},
    {"detector", V_LINE, 0, 0, 200, NULL, "Detector"},
    {"q", V_LINE, 0, 0, 200, NULL, "Title or entity contains"},
    {"host", V_LINE, 0, 0, 255, NULL, "Host"},
    {"user", V_LINE, 0, 0, 255, NULL, "User"},
    {"ip", V_LINE, 0, 0, 64, NULL, "Address"},
    {"technique", V_LINE, 0, 0, 16, NULL, "ATT&CK technique"},
    {"hours", V_INT, 0, 1, 8760, NULL, "Last seen within (hours)"},
    {"assignee_id", V_INT, 0, -1, INT64_MAX, NULL, "Assignee"},
    {"source_id", V_INT, 0, 0, INT64_MAX, NULL, "Event source"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_status_fields[] = {
    {"status", V_ENUM, F_REQUIRED, 0, 0, alert_statuses, "Status"},
    {"reason", V_ENUM, 0, 0, 0, alert_reasons, "Reason"},
    {"note", V_TEXT, 0, 0, 2000, NULL, "Note"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_bulk_fields[] = {
    {"ids", V_INT, F_MULTI | F_REQUIRED, 1, 1000000000000, NULL, "Alerts"},
    {"status", V_ENUM, 0, 0, 0, alert_statuses, "Status"},
    {"assignee_id", V_INT, 0, -1, INT64_MAX, NULL, "Assignee"},
    {"reason", V_ENUM, 0, 0, 0, alert_reasons, "Reason"},
    {"note", V_TEXT, 0, 0, 2000, NULL, "Note"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_assign_fields[] = {
    {"assignee_id", V_INT, F_REQUIRED, 0, INT64_MAX, NULL, "Assignee"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_comment_fields[] = {
    {"body", V_TEXT, F_REQUIRED, 1, 5000, NULL, "Comment"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_promote_fields[] = {
    {"incident", V_LINE, 0, 0, 40, NULL, "Incident to attach to"},
    {"incident_id", V_INT, 0, 1, INT64_MAX, NULL, "Incident to attach to"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_promote_many_fields[] = {
    {"ids", V_INT, F_MULTI | F_REQUIRED, 1, 1000000000000, NULL, "Alerts"},
    {"incident", V_LINE, 0, 0, 40, NULL, "Incident to attach to"},
    {"incident_id", V_INT, 0, 1, INT64_MAX, NULL, "Incident to attach to"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_alerts_suppress_fields[] = {
    {"hours", V_INT, 0, 1, 720, NULL, "Hours"},
    {"reason", V_LINE, F_REQUIRED, 1, 300, NULL, "Reason"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /alerts - the filtered list, last seen first, 50 a page. */
int ui_alerts_index(struct ctx *c)
{
	int page, limit, offset;
	ctx_page_args(c, &page, &limit, &offset);
	int64_t hours = ctx_int(c, "hours", 0);
	struct alert_filter f = {
	    .status = ui_val(c, "status"),
	    .severity = ui_val(c, "severity"),
	    .detector = ui_val(c, "detector"),
	    .words = db_like(c->a, ui_val(c, "q")),
	    .host = ui_val(c, "host"),
	    .user = ui_val(c, "user"),
	    .ip = ui_val(c, "ip"),
	    .technique = ui_val(c, "technique"),
	    .since_ms = hours ? (clock_now() - hours * 3600) * 1000 : 0,
	    .assignee = ctx_int(c, "assignee_id", 0),
	    .source = ctx_int(c, "source_id", 0)};
	int64_t total = 0;
	json_t *list = alerts_list(c->db, &f, limit, offset, &total),
	       *counts = alerts_counts(c->db), *dets = alerts_detectors(c->db);
	if (!list || !counts || !dets) {
		json_decref(list);
		json_decref(counts);
		json_decref(dets);
		return -1;
	}
	json_t *det_opts = json_array(), *d;
	size_t i;
	json_array_foreach(dets, i, d) json_array_append_new(
	    det_opts, json_pack("{sO sb}", "name", d, "selected",
				!strcmp(json_string_value(d), f.detector)));
	json_decref(dets);
	c->view = json_pack(
	    "{so so so s{ss ss ss ss ss ss ss ss ss} so so so so}", "alerts",
	    list, "pagination", ctx_page(c, total, page, limit), "counts",
	    counts, "filters", "status", f.status, "severity", f.severity,
	    "detector", f.detector, "q", ui_val(c, "q"), "host", f.host, "user",
	    f.user, "ip", f.ip, "technique", f.technique, "hours",
	    ui_val(c, "hours"), "statuses",
	    view_choices(list_statuses, f.status), "severities",
	    view_choices(alert_severities, f.severity), "detectors", det_opts,
	    "assignees", ui_staff_options(c, f.assignee, NULL));
	json_object_set_new(c->view, "capped",
			    json_boolean(total > ALERT_COUNT_CAP));
	return 0;
}

/* GET /alerts/{id} - one alert: why, its events, its history. */
int ui_alerts_show(struct ctx *c)
{
	json_t *a = alerts_get(c->db, c->id);
	if (!a)
		return ctx_fail(c, 404, "not_found", "There is no such alert.");
	json_t *inc = json_object_get(a, "incident_id");
	struct incident in;
	if (json_is_integer(inc) &&
	    incidents_get(c->db, c->a, json_integer_value(inc), &in) == 1)
		json_object_set_new(a, "incident_ref", json_string(in.ref));
	const char *st = json_string_value(json_object_get(a, "status"));
	json_t *acts = actions_list(c->db, 1),
	       *runs = actions_runs(c->db, c->id);
	if (!acts || !runs) {
		json_decref(acts);
		json_decref(runs);
		json_decref(a);
		return -1;
	}
	json_object_set_new(a, "runs", runs);
	json_object_set_new(
	    a, "assignees",
	    ui_staff_options(
		c, json_integer_value(json_object_get(a, "assignee_id")),
		NULL));
	c->view = json_pack("{so so so sb so}", "alert", a, "statuses",
			    view_choices(alert_statuses, st), "reasons",
			    view_choices(alert_reasons, NULL), "closed",
			    !strcmp(st, "closed"), "actions", acts);
	return 0;
}

/* POST /alerts/{id}/status - moves an alert (closing needs a reason). */
int ui_alerts_status(struct ctx *c)
{
	const char *to = ui_val(c, "status"), *reason = ui_val(c, "reason"),
		   *note = ui_val(c, "note");
	if (db_begin(c->db) != 0)
		return -1;
	int rc =
	    alerts_set_status(c->db, c->id, to, reason, note, c->me.user_id);
	if (rc == 1)
		return ctx_fail(c, 404, "not_found", "There is no such alert.");
	if (rc == 2)
		return ctx_fail(c, 409, "invalid_transition",
				"An alert goes new → acknowledged → "
				"investigating → closed, and a closed one "
				"may be reopened (investigating).");
	if (rc == 3)
		return ctx_field_error(c, "reason",
				       "Closing an alert needs a reason");
	if (rc != 0 ||
	    ui_commit(c, "alert.status", "alert", c->id,
		      json_pack("{ss ss}", "to", to, "reason", reason)) != 0)
		return -1;
	c->view = alerts_get(c->db, c->id);
	return ctx_redirect(
	    c, arena_printf(c->a, "/alerts/%lld", (long long)c->id),
	    arena_printf(c->a, "The alert is now %s.", to));
}

/* Reads the chosen alerts' ids (the validated "ids" list, comma-joined)
 * into ids, at most max. Returns how many. */
static size_t chosen(struct ctx *c, int64_t *ids, size_t max)
{
	size_t n = 0;
	for (const char *p = ui_val(c, "ids"); *p && n < max; n++) {
		char *end;
		ids[n] = strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* Makes one incident of alerts ids[0..n), or attaches them to the
 * incident the request names ("incident": its reference or id; or
 * "incident_id"), then
 * answers: 201 and the incident, 409 naming the incident an alert
 * already belongs to, 404 for an alert or incident that is not there. */
static int promote(struct ctx *c, const int64_t *ids, size_t n)
{
	const char *ref = ui_val(c, "incident");
	struct incident in;
	int64_t into = 0;
	if (!*ref && ctx_int(c, "incident_id", 0) > 0)
		ref = arena_printf(c->a, "%lld",
				   (long long)ctx_int(c, "incident_id", 0));
	if (*ref) {
		char *end;
		long long v = strtoll(ref, &end, 10);
		int found = *end ? incidents_get_ref(c->db, c->a, ref, &in)
				 : incidents_get(c->db, c->a, v, &in);
		if (found < 0)
			return -1;
		if (found != 1)
			return ctx_field_error(c, "incident",
					       "There is no such incident");
		into = in.id;
	}
	if (db_begin(c->db) != 0)
		return -1;
	struct promote_refusal why;
	int64_t id = promote_alerts(c->db, c->a, ids, n, into, c->me.user_id,
				    config_get()->data_dir, &why);
	if (id < 0)
		return -1;
	if (id == 0 && why.taken_alert &&
	    incidents_get(c->db, c->a, why.taken_incident, &in) == 1)
		return ctx_fail(c, 409, "already_promoted",
				arena_printf(c->a,
					     "Alert %lld is already incident "
					     "%s.",
					     (long long)why.taken_alert,
					     in.ref));
	if (id == 0)
		return ctx_fail(c, 404, "not_found",
				why.no_incident ? "There is no such incident."
						: "There is no such alert.");
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_integer(ids[i]));
	if (incidents_get(c->db, c->a, id, &in) != 1 ||
	    ui_commit(
		c, into ? "alert.attach" : "alert.promote", "incident", id,
		json_pack("{ss so}", "incident", in.ref, "alerts", list)) != 0)
		return -1;
	c->view = json_pack("{sI so}", "alerts", (json_int_t)n, "incident",
			    incidents_json(&in, 1));
	c->status = into ? 200 : 201;
	return ctx_redirect(
	    c, arena_printf(c->a, "/incidents/%lld", (long long)id),
	    into ? arena_printf(c->a, "%zu alert(s) attached to %s.", n, in.ref)
	    : n == 1
		? arena_printf(c->a, "Incident %s made from the alert.", in.ref)
		: arena_printf(c->a, "Incident %s made from %zu alerts.",
			       in.ref, n));
}

/* POST /alerts/{id}/promote - makes an incident of the alert, or
 * attaches it to the incident named. */
int ui_alerts_promote(struct ctx *c)
{
	return promote(c, &c->id, 1);
}

/* POST /alerts/promote - one incident of the chosen alerts (ids), or
 * them attached to the incident named. */
int ui_alerts_promote_many(struct ctx *c)
{
	int64_t ids[PROMOTE_MAX];
	return promote(c, ids, chosen(c, ids, PROMOTE_MAX));
}

/* POST /alerts/{id}/suppress - "suppress similar": the alert's detector
 * and entity stop alerting for hours hours (default 24); their findings
 * are counted. */
int ui_alerts_suppress(struct ctx *c)
{
	int hours = (int)ctx_int(c, "hours", 24);
	const char *reason = ui_val(c, "reason");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t sid =
	    alerts_suppress(c->db, c->id, hours, reason, c->me.user_id);
	if (sid < 0)
		return -1;
	if (sid == 0)
		return ctx_fail(c, 404, "not_found", "There is no such alert.");
	if (ui_commit(c, "alert.suppress", "alert", c->id,
		      json_pack("{sI si ss}", "suppression", (json_int_t)sid,
				"hours", hours, "reason", reason)) != 0)
		return -1;
	c->view = json_pack("{sI sI si}", "alert", (json_int_t)c->id,
			    "suppression", (json_int_t)sid, "hours", hours);
	c->status = 201;
	return ctx_redirect(
	    c, arena_printf(c->a, "/alerts/%lld", (long long)c->id),
	    arena_printf(c->a,
			 "Similar findings are suppressed for %d hours (see "
			 "Suppressions).",
			 hours));
}

/* GET /admin/suppressions - the suppressions, active ones first in time,
 * with what each held back. */
int ui_alerts_suppressions(struct ctx *c)
{
	json_t *list = alerts_suppressions(c->db);
	if (!list)
		return -1;
	c->view = json_pack("{so}", "suppressions", list);
	return 0;
}

/* POST /admin/suppressions/{id}/end - ends a suppression now. */
int ui_alerts_suppression_end(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = alerts_suppression_end(c->db, c->id);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return ctx_fail(c, 409, "not_active",
				"This suppression has already ended.");
	if (ui_commit(c, "alert.suppression_end", "suppression", c->id, NULL) !=
	    0)
		return -1;
	c->view =
	    json_pack("{sI ss}", "id", (json_int_t)c->id, "status", "ended");
	return ctx_redirect(c, "/admin/suppressions",
			    "The suppression has ended.");
}

/* Checks that to (0: no one) is an active member of the security team
 * and sets *name to their name (in the arena). Returns 0, or 1 with 422
 * recorded. */
static int assignee_ok(struct ctx *c, int64_t to, const char **name)
{
	struct user u;
	*name = "no one";
	if (!to)
		return 0;
	if (users_get(c->db, c->a, to, &u) != 1 || !u.active ||
	    !perm_has(u.role, PERM_ALERT_WRITE)) {
		ctx_field_error(c, "assignee_id",
				"Assignee must be an active member of the "
				"security team");
		return 1;
	}
	*name = u.name && *u.name ? u.name : u.email;
	return 0;
}

/* POST /alerts/{id}/assign - gives the alert to a team member (0: no
 * one), a history row. */
int ui_alerts_assign(struct ctx *c)
{
	int64_t to = ctx_int(c, "assignee_id", 0);
	const char *name;
	if (assignee_ok(c, to, &name) != 0)
		return 0;
	if (db_begin(c->db) != 0)
		return -1;
	int rc = alerts_assign(c->db, c->id, to, name, c->me.user_id);
	if (rc == 1)
		return ctx_fail(c, 404, "not_found", "There is no such alert.");
	if (rc != 0 || ui_commit(c, "alert.assign", "alert", c->id,
				 json_pack("{sI}", "to", (json_int_t)to)) != 0)
		return -1;
	c->view = json_pack("{sI sI}", "alert", (json_int_t)c->id,
			    "assignee_id", (json_int_t)to);
	return ctx_redirect(
	    c, arena_printf(c->a, "/alerts/%lld", (long long)c->id),
	    to ? arena_printf(c->a, "Assigned to %s.", name) : "Unassigned.");
}

/* POST /alerts/{id}/comments - a comment in the alert's history. */
int ui_alerts_comment(struct ctx *c)
{
	const char *body = ui_val(c, "body");
	if (db_begin(c->db) != 0)
		return -1;
	int rc = alerts_comment(c->db, c->id, body, c->me.user_id);
	if (rc == 1)
		return ctx_fail(c, 404, "not_found", "There is no such alert.");
	if (rc != 0 || ui_commit(c, "alert.comment", "alert", c->id, NULL) != 0)
		return -1;
	c->view =
	    json_pack("{sI ss}", "alert", (json_int_t)c->id, "comment", body);
	c->status = 201;
	return ctx_redirect(
	    c, arena_printf(c->a, "/alerts/%lld#hi-h", (long long)c->id),
	    "Comment added.");
}

/* POST /alerts/bulk - moves the chosen alerts (ids, at most 200) to one
 * status in one transaction: those the workflow lets move are moved,
 * the others are named as skipped; closing needs a reason. One audit
 * entry lists them. */
int ui_alerts_bulk(struct ctx *c)
{
	const char *to = ui_val(c, "status"), *reason = ui_val(c, "reason"),
		   *note = ui_val(c, "note");
	int64_t who = ctx_int(c, "assignee_id", -1);
	if (!*to && who < 0)
		return ctx_field_error(c, "status",
				       "Choose a status, an assignee, or both");
	if (!strcmp(to, "closed") && !*reason)
		return ctx_field_error(c, "reason",
				       "Closing alerts needs a reason");
	const char *who_name = NULL;
	if (who >= 0 && assignee_ok(c, who, &who_name) != 0)
		return 0;
	json_t *moved = json_array(), *skipped = json_array();
	if (db_begin(c->db) != 0) {
		json_decref(moved);
		json_decref(skipped);
		return -1;
	}
	int64_t ids[PROMOTE_MAX];
	size_t n = chosen(c, ids, PROMOTE_MAX);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t id = ids[i];
		int r = *to ? alerts_set_status(c->db, id, to, reason, note,
						c->me.user_id)
			    : 0;
		if (r == 0 && who >= 0)
			r = alerts_assign(c->db, id, who, who_name,
					  c->me.user_id);
		if (r < 0)
			rc = -1;
		else
			json_array_append_new(r == 0 ? moved : skipped,
					      json_integer(id));
	}
	if (rc != 0 || ui_commit(c, "alert.bulk", "alert", 0,
				 json_pack("{ss ss sI sO}", "to", to, "reason",
					   reason, "assignee", (json_int_t)who,
					   "alerts", moved)) != 0) {
		json_decref(moved);
		json_decref(skipped);
		return -1;
	}
	size_t nm = json_array_size(moved), ns = json_array_size(skipped);
	c->view = json_pack("{ss so so}", "status", to, "moved", moved,
			    "skipped", skipped);
	const char *what =
	    *to && who >= 0
		? arena_printf(c->a, "moved to %s and assigned to %s", to,
			       who ? who_name : "no one")
	    : *to ? arena_printf(c->a, "moved to %s", to)
		  : arena_printf(c->a, "assigned to %s",
				 who ? who_name : "no one");
	return ctx_redirect(
	    c, "/alerts",
	    ns ? arena_printf(c->a,
			      "%zu alert(s) %s; %zu could not move there "
			      "from where they were.",
			      nm, what, ns)
	       : arena_printf(c->a, "%zu alert(s) %s.", nm, what));
}
