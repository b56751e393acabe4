/* ui_incident_actions.c - what the security team (and the reporter, for
 * comments and files) do to an incident. Every change writes history
 * rows with old and new values and an audit row, in one transaction. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/esc.h"
#include "../domain/comments.h"
#include "../domain/evidence.h"
#include "../domain/incidents.h"
#include "../domain/timeline.h"
#include "../domain/intel.h"
#include "../domain/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct field ui_incidents_status_fields[] = {
    {"status", V_ENUM, F_REQUIRED, 0, 0, incident_statuses, "Status"},
    {"resolution", V_TEXT, 0, 0, 5000, NULL, "Resolution"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_incidents_edit_fields[] = {
    {"title", V_LINE, 0, 3, 200, NULL, "Title"},
    {"severity", V_ENUM, 0, 0, 0, incident_severities, "Severity"},
    {"tlp", V_ENUM, 0, 0, 0, incident_tlps, "TLP"},
    {"category", V_LINE, 0, 1, 64, NULL, "Category"},
    {"assets", V_TEXT, 0, 0, 2000, NULL, "Affected systems"},
    {"location", V_LINE, 0, 0, 200, NULL, "Location"},
    {"personal_data", V_BOOL, 0, 0, 0, NULL, "Personal data involved"},
    {"people_affected", V_INT, 0, 0, 1000000000, NULL, "People affected"},
    {"records_affected", V_INT, 0, 0, 1000000000000, NULL, "Records affected"},
    {"data_types", V_ENUM, F_MULTI, 0, 0, incident_data_types, "Data types"},
    {"root_cause", V_TEXT, 0, 0, 5000, NULL, "Root cause"},
    {"resolution", V_TEXT, 0, 0, 5000, NULL, "Resolution"},
    {"occurred_at", V_DATETIME, 0, 0, 0, NULL, "When it happened"},
    {"noticed_at", V_DATETIME, 0, 0, 0, NULL, "When it was noticed"},
    {"contained_at", V_DATETIME, 0, 0, 0, NULL, "Contained at"},
    {"resolved_at", V_DATETIME, 0, 0, 0, NULL, "Resolved at"},
    {"accept", V_ENUM, 0, 0, 0, intel_label_fields, "Accept suggestion"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_incidents_assign_fields[] = {
    {"assignee_id", V_INT, F_REQUIRED, 0, INT64_MAX, NULL, "Assignee"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_incidents_comment_fields[] = {
    {"body", V_TEXT, F_REQUIRED, 1, 20000, NULL, "Comment"},
    {"internal", V_BOOL, 0, 0, 0, NULL, "Internal"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Ends an action: JSON gets the incident as it is now, HTML goes back to
 * the incident page with a flash message. */
static int done(struct ctx *c, int64_t id, const char *flash)
{
	struct incident now;
	if (incidents_get(c->db, c->a, id, &now) != 1)
		return -1;
	c->view = json_pack("{so}", "incident", incidents_json(&now, 1));
	return ctx_redirect(
	    c, arena_printf(c->a, "/incidents/%lld", (long long)id), flash);
}

/* POST /incidents/{id}/status - moves the incident along the workflow. */
int ui_incidents_move(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	const char *to = ctx_val(c, "status");
	const char *res =
	    ctx_has(c, "resolution") ? ctx_val(c, "resolution") : in.resolution;
	if (!res)
		res = "";
	if (!incidents_can_move(in.status, to)) {
		json_t *m = incidents_moves(in.status), *e;
		buf allowed = BUF_INIT;
		size_t i;
		json_array_foreach(m, i, e) buf_printf(
		    &allowed, "%s%s", i ? ", " : "", json_string_value(e));
		json_decref(m);
		const char *msg = arena_printf(
		    c->a,
		    "An incident cannot go from %s to %s. From %s it "
		    "can go to: %s.",
		    in.status, to, in.status,
		    allowed.len ? buf_cstr(&allowed) : "nowhere");
		buf_free(&allowed);
		return ctx_fail(c, 409, "invalid_transition", msg);
	}
	if (!strcmp(to, "resolved") && !*res)
		return ctx_field_error(c, "resolution",
				       "Resolution summary is required to "
				       "resolve an incident");
	if (!strcmp(to, "closed") && !*res)
		return ctx_fail(c, 409, "resolution_missing",
				"Set the resolution before closing.");
	if (db_begin(c->db) != 0)
		return -1;
	if (timeline_move(c->db, &in, to, res, c->me.user_id) != 0 ||
	    ui_commit(c, "incident.status", "incident", in.id,
		      json_pack("{ss ss ss}", "ref", in.ref, "from", in.status,
				"to", to)) != 0)
		return -1;
	return done(c, in.id, arena_printf(c->a, "%s is now %s.", in.ref, to));
}

/* One editable field: its name, current and new text. */
struct change {
	const char *field, *old, *now;
};

/* Returns the new value of a text field: sent (possibly cleared) or the
 * current one. */
static const char *text_field(struct ctx *c, const char *name, const char *cur)
{
	if (!ctx_has(c, name))
		return cur;
	const char *v = ctx_val(c, name);
	return v ? v : "";
}

/* Returns the text form of a time (ISO) or "" for none. Arena string. */
static const char *time_text(struct ctx *c, int64_t t)
{
	char iso[21] = "";
	if (t)
		clock_iso(t, iso);
	return arena_strdup(c->a, iso);
}

/* Returns the text form of a count, "" when unknown. Arena string. */
static const char *count_text(struct ctx *c, int64_t n)
{
	return n >= 0 ? arena_printf(c->a, "%lld", (long long)n) : "";
}

/* POST /incidents/{id}/fields - edits triage and compliance fields; only
 * fields sent are changed, and each change is one history row. */
int ui_incidents_edit(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	struct incident nw = in;
	const char *v;
	if ((v = ctx_val(c, "title")))
		nw.title = v;
	nw.severity = text_field(c, "severity", in.severity);
	nw.tlp = (v = ctx_val(c, "tlp")) ? v : in.tlp;
	if ((v = ctx_val(c, "category")) && strcmp(v, in.category_slug)) {
		nw.category_id = ui_category(c, "category", 1);
		nw.category_slug = v;
	}
	nw.assets = text_field(c, "assets", in.assets);
	nw.location = text_field(c, "location", in.location);
	if (ctx_has(c, "personal_data"))
		nw.personal_data = ctx_int(c, "personal_data", 0) == 1;
	if (ctx_has(c, "people_affected"))
		nw.people_affected = ctx_int(c, "people_affected", -1);
	if (ctx_has(c, "records_affected"))
		nw.records_affected = ctx_int(c, "records_affected", -1);
	nw.data_types = text_field(c, "data_types", in.data_types);
	nw.root_cause = text_field(c, "root_cause", in.root_cause);
	nw.resolution = text_field(c, "resolution", in.resolution);
	static const char *const times[] = {"occurred_at", "noticed_at",
					    "contained_at", "resolved_at"};
	int64_t *tv[] = {&nw.occurred_at, &nw.noticed_at, &nw.contained_at,
			 &nw.resolved_at};
	for (int i = 0; i < 4; i++) {
		if (!ctx_has(c, times[i]))
			continue;
		int64_t t = ctx_time(c, times[i]);
		/* Forms show times to the minute: the same minute sent back
		 * is no change (keeps the seconds, writes no history). */
		if (!(t && *tv[i] && t == *tv[i] - *tv[i] % 60))
			*tv[i] = t;
	}
	ui_check_times(c, nw.occurred_at, nw.noticed_at);
	if (c->err_code)
		return 0;
	struct change ch[] = {
	    {"title", in.title, nw.title},
	    {"severity", in.severity, nw.severity},
	    {"tlp", in.tlp, nw.tlp},
	    {"category", in.category_slug, nw.category_slug},
	    {"assets", in.assets, nw.assets},
	    {"location", in.location, nw.location},
	    {"personal_data", in.personal_data ? "yes" : "no",
	     nw.personal_data ? "yes" : "no"},
	    {"people_affected", count_text(c, in.people_affected),
	     count_text(c, nw.people_affected)},
	    {"records_affected", count_text(c, in.records_affected),
	     count_text(c, nw.records_affected)},
	    {"data_types", in.data_types, nw.data_types},
	    {"root_cause", in.root_cause, nw.root_cause},
	    {"resolution", in.resolution, nw.resolution},
	    {"occurred_at", time_text(c, in.occurred_at),
	     time_text(c, nw.occurred_at)},
	    {"noticed_at", time_text(c, in.noticed_at),
	     time_text(c, nw.noticed_at)},
	    {"contained_at", time_text(c, in.contained_at),
	     time_text(c, nw.contained_at)},
	    {"resolved_at", time_text(c, in.resolved_at),
	     time_text(c, nw.resolved_at)},
	};
	json_t *changed = json_object();
	if (db_begin(c->db) != 0) {
		json_decref(changed);
		return -1;
	}
	for (size_t i = 0; i < sizeof(ch) / sizeof(*ch); i++) {
		if (!strcmp(ch[i].old, ch[i].now))
			continue;
		json_object_set_new(changed, ch[i].field,
				    json_string(ch[i].now));
		if (timeline_event(c->db, in.id, c->me.user_id, "field",
				   ch[i].field, *ch[i].old ? ch[i].old : NULL,
				   *ch[i].now ? ch[i].now : NULL, 0) != 0) {
			json_decref(changed);
			return -1;
		}
	}
	/* a category or severity a person sets, or a suggestion accepted
	   as it is, is a label for training */
	const char *accept = ctx_val(c, "accept");
	int labels = 0;
	for (int f = 0; intel_label_fields[f]; f++) {
		const char *name = intel_label_fields[f];
		const char *val = f == 0 ? nw.category_slug : nw.severity;
		if (!*val || !(json_object_get(changed, name) ||
			       (accept && !strcmp(accept, name))))
			continue;
		if (intel_label(c->db, in.id, name, val, c->me.user_id) != 0) {
			json_decref(changed);
			return -1;
		}
		labels++;
	}
	if (json_object_size(changed) == 0) {
		json_decref(changed);
		if (!labels) {
			db_rollback(c->db);
			return done(c, in.id, "Nothing changed.");
		}
		if (db_commit(c->db) != 0)
			return -1;
		return done(c, in.id, "Suggestion accepted.");
	}
	if (incidents_update(c->db, &nw) != 0 ||
	    (json_object_get(changed, "title") &&
	     incidents_reindex(c->db, in.id) != 0) ||
	    ui_commit(
		c, "incident.update", "incident", in.id,
		json_pack("{ss so}", "ref", in.ref, "changed", changed)) != 0)
		return -1;
	return done(c, in.id,
		    accept ? "Suggestion accepted." : "Incident updated.");
}

/* POST /incidents/{id}/assign - a lead assigns to any active team
 * member (or 0 to unassign); an analyst may only take an unassigned
 * incident for themselves. */
int ui_incidents_assign(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	int64_t to = ctx_int(c, "assignee_id", 0);
	if (!perm_has(c->me.role, PERM_INCIDENT_ASSIGN) &&
	    (to != c->me.user_id || in.assignee_id))
		return ctx_fail(c, 403, "forbidden",
				"You can only take unassigned incidents "
				"yourself; ask a lead to reassign.");
	struct user u;
	if (to && (users_get(c->db, c->a, to, &u) != 1 || !u.active ||
		   !perm_has(u.role, PERM_INCIDENT_WRITE)))
		return ctx_field_error(c, "assignee_id",
				       "Assignee must be an active member of "
				       "the security team");
	if (to == in.assignee_id)
		return done(c, in.id, "Nothing changed.");
	if (db_begin(c->db) != 0)
		return -1;
	if (timeline_assign(c->db, &in, to, u.email, c->me.user_id) != 0 ||
	    ui_commit(c, "incident.assign", "incident", in.id,
		      json_pack("{ss ss? ss?}", "ref", in.ref, "from",
				in.assignee_id ? in.assignee_email : NULL, "to",
				to ? u.email : NULL)) != 0)
		return -1;
	return done(c, in.id,
		    to ? arena_printf(c->a, "Assigned to %s.", u.email)
		       : "Unassigned.");
}

/* POST /incidents/{id}/comments - the reporter or the team comments;
 * only the team may mark a comment internal. */
int ui_incidents_comment(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	int writer = perm_has(c->me.role, PERM_INCIDENT_WRITE);
	int internal = ctx_int(c, "internal", 0) == 1;
	if (!writer && in.reporter_id != c->me.user_id)
		return ctx_fail(c, 403, "forbidden",
				"Your role can read this incident but not "
				"comment on it.");
	if (internal && !writer)
		return ctx_fail(c, 403, "forbidden",
				"Only the security team writes internal "
				"comments.");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = comments_add(c->db, in.id, c->me.user_id,
				  ctx_val(c, "body"), internal);
	if (id < 0 ||
	    ui_commit(c, "incident.comment", "incident", in.id,
		      json_pack("{ss sI sb}", "ref", in.ref, "comment",
				(json_int_t)id, "internal", internal)) != 0)
		return -1;
	c->status = 201;
	return done(c, in.id,
		    internal ? "Internal comment added." : "Comment added.");
}

/* POST /incidents/{id}/evidence - adds files (reporter or team). */
int ui_incidents_upload(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	if (!perm_has(c->me.role, PERM_INCIDENT_WRITE) &&
	    in.reporter_id != c->me.user_id)
		return ctx_fail(c, 403, "forbidden",
				"Your role can read this incident but not add "
				"files to it.");
	struct ui_file *files = ui_check_files(c, &ui_evidence_rule);
	if (!files)
		return 0;
	if (ui_store_files(c, files) != 0 || db_begin(c->db) != 0)
		return -1;
	int n = ui_record_files(c, in.id, files);
	if (n == 0) {
		return ctx_field_error(c, "evidence",
				       "Choose at least one file");
	}
	if (n < 0 || incidents_touch(c->db, in.id) != 0 ||
	    ui_commit(c, "evidence.upload", "incident", in.id,
		      json_pack("{ss si}", "ref", in.ref, "files", n)) != 0)
		return -1;
	c->status = 201;
	return done(c, in.id, n == 1 ? "File added." : "Files added.");
}

/* GET /incidents/{id}/evidence/{sub} - downloads one file, always as an
 * attachment with nosniff, and writes an audit row. */
int ui_incidents_download(struct ctx *c)
{
	struct incident in;
	struct evidence e;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	rc = evidence_get(c->db, c->a, in.id, c->sub, &e);
	if (rc <= 0)
		return rc < 0 ? -1
			      : ctx_fail(c, 404, "not_found", "No such file.");
	if (evidence_read(config_get()->data_dir, e.sha256, &c->out) != 0)
		return -1;
	if (db_begin(c->db) != 0 ||
	    ui_commit(c, "evidence.download", "incident", in.id,
		      json_pack("{ss ss ss}", "ref", in.ref, "file", e.filename,
				"sha256", e.sha256)) != 0)
		return -1;
	ctx_download(c, e.filename, "application/octet-stream");
	return 0;
}
