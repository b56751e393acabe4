/* ui_incidents.c - reporting, listing and reading incidents. Visibility is
 * decided here, once: staff (incident_read_all) see every incident,
 * everyone else only what they reported; anything else is a 404. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/esc.h"
#include "../core/jsonmem.h"
#include "../core/md.h"
#include "../core/pagecache.h"
#include "../domain/alerts.h"
#include "../domain/assistant.h"
#include "../domain/categories.h"
#include "../domain/clocks.h"
#include "../domain/comments.h"
#include "../domain/evidence.h"
#include "../domain/incidents.h"
#include "../domain/timeline.h"
#include "../domain/indicators.h"
#include "../domain/intel.h"
#include "../domain/playbooks.h"
#include "../domain/users.h"

#include <stdlib.h>
#include <string.h>

static const char *const list_statuses[] = {
    "open",	   "new",	  "triage",   "investigating",
    "containment", "eradication", "recovery", "resolved",
    "closed",	   "rejected",	  NULL};

const struct field ui_incidents_report_fields[] = {
    {"title", V_LINE, F_REQUIRED, 3, 200, NULL, "Title"},
    {"description", V_TEXT, F_REQUIRED, 1, 20000, NULL, "Description"},
    {"category", V_LINE, F_REQUIRED, 1, 64, NULL, "Category"},
    {"occurred_at", V_DATETIME, 0, 0, 0, NULL, "When it happened"},
    {"noticed_at", V_DATETIME, 0, 0, 0, NULL, "When it was noticed"},
    {"assets", V_TEXT, 0, 0, 2000, NULL, "Affected systems"},
    {"location", V_LINE, 0, 0, 200, NULL, "Location or department"},
    {"personal_data", V_BOOL, 0, 0, 0, NULL, "Personal data involved"},
    {"people_affected", V_INT, 0, 0, 1000000000, NULL, "People affected"},
    {"records_affected", V_INT, 0, 0, 1000000000000, NULL, "Records affected"},
    {"data_types", V_ENUM, F_MULTI, 0, 0, incident_data_types, "Data types"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_incidents_list_fields[] = {
    {"status", V_ENUM, 0, 0, 0, list_statuses, "Status"},
    {"severity", V_ENUM, 0, 0, 0, incident_severities, "Severity"},
    {"category", V_LINE, 0, 0, 64, NULL, "Category"},
    {"assignee", V_LINE, 0, 0, 20, NULL, "Assignee"},
    {"reporter", V_LINE, 0, 0, 20, NULL, "Reporter"},
    {"from", V_DATE, 0, 0, 0, NULL, "From"},
    {"to", V_DATE, 0, 0, 0, NULL, "To"},
    {"q", V_LINE, 0, 0, 200, NULL, "Search"},
    {"sort", V_ENUM, 0, 0, 0, incident_sorts, "Sort"},
    {"due", V_ENUM, 0, 0, 0, incident_dues, "Deadline"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns the categories as picker options, new reference. */
static json_t *category_options(struct ctx *c, const char *selected, int all)
{
	json_t *arr = categories_list(c->db, !all, selected);
	return arr ? arr : json_array();
}

/* Returns the submitted data_types as "a,b" (arena). */
static const char *submitted_types(struct ctx *c)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < c->form.n; i++)
		if (!strcmp(c->form.v[i].key, "data_types"))
			buf_printf(&b, "%s%s", b.len ? "," : "",
				   c->form.v[i].val);
	const char *s = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* GET /incidents/new - the report form. */
int ui_incidents_new_form(struct ctx *c)
{
	const char *cat = kvs_last(&c->form, "category");
	const char *pd = kvs_last(&c->form, "personal_data");
	c->view = json_pack(
	    "{so so sb s{}}", "categories", category_options(c, cat, 0),
	    "data_types", ui_data_type_options(submitted_types(c)),
	    "personal_checked", pd && !strcmp(pd, "1"), "values");
	return 0;
}

/* POST /incidents - reports an incident, with evidence files. */
int ui_incidents_report(struct ctx *c)
{
	struct incident in;
	memset(&in, 0, sizeof(in));
	in.category_id = ui_category(c, "category", 1);
	in.occurred_at = ctx_time(c, "occurred_at");
	in.noticed_at = ctx_time(c, "noticed_at");
	if (!in.noticed_at)
		in.noticed_at = clock_now();
	ui_check_times(c, in.occurred_at, in.noticed_at);
	struct ui_file *files =
	    c->err_code ? NULL : ui_check_files(c, &ui_evidence_rule);
	if (!files)
		return 0;
	in.title = ctx_val(c, "title");
	in.description = ctx_val(c, "description");
	in.reporter_id = c->me.user_id;
	in.assets = ctx_val(c, "assets") ? ctx_val(c, "assets") : "";
	in.location = ctx_val(c, "location") ? ctx_val(c, "location") : "";
	in.personal_data = ctx_int(c, "personal_data", 0) == 1;
	in.people_affected = ctx_int(c, "people_affected", -1);
	in.records_affected = ctx_int(c, "records_affected", -1);
	in.data_types =
	    ctx_val(c, "data_types") ? ctx_val(c, "data_types") : "";
	struct intel_prep prep;
	intel_prepare(c->db, c->a, in.title, in.description, &prep);
	if (ui_store_files(c, files) != 0 || db_begin(c->db) != 0)
		return -1;
	if (timeline_report(c->db, c->a, &in, c->me.user_id, &prep) < 0 ||
	    ui_record_files(c, in.id, files) < 0 ||
	    ui_commit(c, "incident.create", "incident", in.id,
		      json_pack("{ss}", "ref", in.ref)) != 0)
		return -1;
	struct incident saved;
	if (incidents_get(c->db, c->a, in.id, &saved) != 1)
		return -1;
	json_t *intel = intel_json(c->db, c->a, &saved, 0);
	if (!intel)
		return -1;
	c->view = json_pack("{so so}", "incident", incidents_json(&saved, 1),
			    "intel", intel);
	c->status = 201;
	return ctx_redirect(
	    c,
	    arena_printf(c->a, "/incidents/%lld/submitted", (long long)in.id),
	    NULL);
}

/* GET /incidents/{id}/submitted - the confirmation with the reference. */
int ui_incidents_submitted(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	c->view = json_pack("{so}", "incident", incidents_json(&in, 0));
	return 0;
}

/* Parses "me", "none" or an id for the assignee/reporter filters.
 * Returns the id (-1 for none), 0 for absent, or records a field error. */
static int64_t person_filter(struct ctx *c, const char *name, int allow_none)
{
	const char *v = ctx_val(c, name);
	int64_t id;
	if (!v)
		return 0;
	if (!strcmp(v, "me"))
		return c->me.user_id;
	if (allow_none && !strcmp(v, "none"))
		return -1;
	if (valid_int(v, 1, INT64_MAX, &id) == 0)
		return id;
	ctx_field_error(c, name,
			arena_printf(c->a, "%s must be me%s or a person's id",
				     name, allow_none ? ", none" : ""));
	return 0;
}

/* Returns a validated field's value, or "" when absent. */
static const char *val_or_empty(struct ctx *c, const char *name)
{
	const char *v = ctx_val(c, name);
	return v ? v : "";
}

/* Reads the list filters (declared by ui_incidents_list_fields) into f,
 * scoped to what the caller may see. Returns 0, or -1 with a 422. */
int ui_incidents_read_filter(struct ctx *c, struct incident_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->assignee = person_filter(c, "assignee", 1);
	f->reporter = person_filter(c, "reporter", 0);
	if (c->err_code)
		return -1;
	f->status = val_or_empty(c, "status");
	f->severity = val_or_empty(c, "severity");
	if ((f->category_id = ui_category(c, "category", 0)) < 0)
		return -1;
	f->query = incidents_fts_query(c->a, val_or_empty(c, "q"), ui_staff(c));
	f->sort = ctx_val(c, "sort") ? ctx_val(c, "sort") : "newest";
	f->from = ctx_time(c, "from");
	f->to = ctx_time(c, "to");
	if (f->to)
		f->to += 86400; /* through the whole "to" day */
	f->visible_to = ui_staff(c) ? 0 : c->me.user_id;
	f->due = val_or_empty(c, "due");
	f->now = clock_now();
	return 0;
}

/* GET /incidents - the list: staff see every incident, others their own;
 * filters, full-text search, sorting, pagination and counts per status. */
int ui_incidents_index(struct ctx *c)
{
	int page, limit, offset, staff = ui_staff(c);
	int64_t total;
	struct incident_filter f;
	if (ui_incidents_read_filter(c, &f) != 0)
		return 0;
	/* the page is the same for everyone with the same role, visibility
	   and people filters ("me" resolved), until an incident, comment,
	   person or category changes; deadlines also move with the clock */
	if (!*f.due && pagecache_lookup(c, "lists",
					arena_printf(c->a, "%s %lld %lld %lld",
						     perm_role_name(c->me.role),
						     (long long)f.visible_to,
						     (long long)f.assignee,
						     (long long)f.reporter)))
		return 0;
	ctx_page_args(c, &page, &limit, &offset);
	f.limit = limit;
	f.offset = offset;
	json_t *counts = incidents_counts(c->db, &f, &total);
	json_t *list = counts ? incidents_list(c->db, &f) : NULL;
	if (!list) {
		json_decref(counts);
		return -1;
	}
	json_t *tabs = json_array();
	for (int i = 0; list_statuses[i]; i++) {
		json_t *n = json_object_get(counts, list_statuses[i]);
		json_array_append_new(
		    tabs,
		    json_pack("{ss so sb}", "name", list_statuses[i], "count",
			      n ? json_incref(n) : json_null(), "selected",
			      !strcmp(f.status, list_statuses[i])));
	}
	c->view = json_pack(
	    "{so so so so sb s{ss ss ss ss ss ss ss ss ss ss ss}}", "incidents",
	    list, "pagination", ctx_page(c, total, page, limit), "counts",
	    counts, "tabs", tabs, "is_staff", staff, "filters", "status",
	    f.status, "severity", f.severity, "category",
	    val_or_empty(c, "category"), "assignee",
	    val_or_empty(c, "assignee"), "reporter",
	    val_or_empty(c, "reporter"), "from", val_or_empty(c, "from"), "to",
	    val_or_empty(c, "to"), "q", val_or_empty(c, "q"), "sort", f.sort,
	    "due", f.due, "query", ctx_query(c, "page"));
	json_object_set_new(
	    c->view, "options",
	    json_pack(
		"{so so so so so}", "dues", view_choices(incident_dues, f.due),
		"statuses", view_choices(list_statuses, f.status), "severities",
		view_choices(incident_severities, f.severity), "categories",
		category_options(c, val_or_empty(c, "category"), 1), "sorts",
		view_choices(incident_sorts, f.sort)));
	if (staff)
		json_object_set_new(json_object_get(c->view, "options"),
				    "assignees", ui_staff_options(c, 0, NULL));
	return 0;
}

/* GET /incidents/{id} and /incidents/{ref} - everything about one
 * incident the caller may see; a view by anyone but the reporter is
 * written to the audit log. */
int ui_incidents_show(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	int staff = ui_staff(c);
	int writer = perm_has(c->me.role, PERM_INCIDENT_WRITE);
	int assigner = perm_has(c->me.role, PERM_INCIDENT_ASSIGN);
	int mine = in.reporter_id == c->me.user_id;
	json_t *inc = incidents_json(&in, 1);
	char *html = md_html(in.description);
	json_object_set_new(inc, "description_html", json_string(html));
	free(html);
	json_t *comments = comments_list(c->db, in.id, staff);
	json_t *evidence = evidence_list(c->db, in.id);
	json_t *history = incidents_history(c->db, in.id, staff);
	if (!comments || !evidence || !history) {
		json_decref(inc);
		json_decref(comments);
		json_decref(evidence);
		json_decref(history);
		return -1;
	}
	c->view = json_pack(
	    "{so so so so s{sb sb sb sb sb sb}}", "incident", inc, "comments",
	    comments, "evidence", evidence, "history", history, "can", "edit",
	    writer, "assign", assigner, "take",
	    writer && !assigner && !in.assignee_id, "comment", writer || mine,
	    "comment_internal", writer, "upload", writer || mine);
	if (staff) {
		json_t *reg = ui_regulatory_view(c, &in);
		if (!reg)
			return -1;
		json_object_set_new(c->view, "compliance", reg);
		json_t *clocks = clocks_json(c->db, in.id, clock_now());
		if (!clocks)
			return -1;
		json_object_set_new(c->view, "clocks", clocks);
		json_t *intel = intel_json(c->db, c->a, &in, 1);
		if (!intel)
			return -1;
		json_object_set_new(c->view, "intel", intel);
		json_t *pb = playbooks_get(c->db, c->a, in.category_id, in.id);
		if (pb)
			json_object_set_new(c->view, "playbook", pb);
		json_t *alerts = alerts_of_incident(c->db, in.id);
		if (!alerts)
			return -1;
		json_object_set_new(c->view, "alerts", alerts);
		if (assistant_enabled()) {
			json_t *ans = assistant_list(c->db, in.id);
			if (!ans)
				return -1;
			int waiting = 0;
			size_t k;
			json_t *x;
			json_array_foreach(ans, k, x) waiting |=
			    json_is_true(json_object_get(x, "pending"));
			json_object_set_new(
			    c->view, "assistant",
			    json_pack("{so sb sb}", "answers", ans, "waiting",
				      waiting, "red", !strcmp(in.tlp, "red")));
		}
	}
	if (writer) {
		json_t *o = json_pack(
		    "{so so so so so}", "moves", incidents_moves(in.status),
		    "severities",
		    view_choices(incident_severities, in.severity), "tlps",
		    view_choices(incident_tlps, in.tlp), "categories",
		    category_options(c, in.category_slug, 1), "data_types",
		    ui_data_type_options(in.data_types));
		if (assigner) {
			json_t *online = users_online(c->db);
			json_object_set_new(
			    o, "assignees",
			    ui_staff_options(c, in.assignee_id, online));
			json_decref(online);
		}
		/* datetime-local inputs take "YYYY-MM-DDTHH:MM" */
		json_t *inputs = json_object();
		const char *const keys[] = {"contained_at", "resolved_at"};
		for (int k = 0; k < 2; k++) {
			const char *iso =
			    json_string_value(json_object_get(inc, keys[k]));
			json_object_set_new(
			    inputs, keys[k],
			    json_stringn(iso ? iso : "", iso ? 16 : 0));
		}
		json_object_set_new(o, "inputs", inputs);
		json_object_set_new(c->view, "options", o);
	}
	if (!mine) {
		if (db_begin(c->db) != 0 ||
		    ui_commit(c, "incident.view", "incident", in.id,
			      json_pack("{ss}", "ref", in.ref)) != 0)
			return -1;
	}
	return 0;
}

/* The columns of the CSV and XLSX exports, in order. */
const char *const ui_incidents_export_columns[INCIDENT_COLUMNS] = {
    "reference",     "title",		"status",	    "severity",
    "tlp",	     "category",	"enisa_class",	    "reporter",
    "assignee",	     "created_at",	"updated_at",	    "occurred_at",
    "noticed_at",    "contained_at",	"resolved_at",	    "closed_at",
    "personal_data", "people_affected", "records_affected", "data_types",
    "assets",	     "location",	"root_cause",	    "resolution",
    "description"};

/* Fills one export row of in: cells[] as text (times ISO 8601 UTC, ""
 * when unknown; strings in the arena or in), times[] the Unix times of
 * the 7 time columns (9..15) and counts[] people and records (-1
 * unknown). */
void ui_incidents_export_row(arena *a, const struct incident *in,
			     const char *cells[INCIDENT_COLUMNS],
			     int64_t times[7], int64_t counts[2])
{
	int64_t t[7] = {in->created_at, in->updated_at,	  in->occurred_at,
			in->noticed_at, in->contained_at, in->resolved_at,
			in->closed_at};
	memcpy(times, t, sizeof(t));
	counts[0] = in->people_affected;
	counts[1] = in->records_affected;
	const char *fixed[] = {in->ref,		  in->title,
			       in->status,	  in->severity,
			       in->tlp,		  in->category_name,
			       in->enisa_class,	  in->reporter_email,
			       in->assignee_email};
	for (int i = 0; i < 9; i++)
		cells[i] = fixed[i];
	for (int i = 0; i < 7; i++) {
		char *iso = arena_alloc(a, 21);
		iso[0] = '\0';
		if (times[i])
			clock_iso(times[i], iso);
		cells[9 + i] = iso;
	}
	cells[16] = in->personal_data ? "yes" : "no";
	for (int i = 0; i < 2; i++)
		cells[17 + i] =
		    counts[i] >= 0
			? arena_printf(a, "%lld", (long long)counts[i])
			: "";
	const char *rest[] = {in->data_types, in->assets,     in->location,
			      in->root_cause, in->resolution, in->description};
	for (int i = 0; i < 6; i++)
		cells[19 + i] = rest[i];
}

/* Where CSV records go: the body, and scratch memory reset per row. */
struct csv_out {
	buf *b;
	arena a;
};

/* incidents_each callback: one CSV record per incident. */
static int csv_row(void *ud, const struct incident *in)
{
	struct csv_out *o = ud;
	const char *cells[INCIDENT_COLUMNS];
	int64_t times[7], counts[2];
	ui_incidents_export_row(&o->a, in, cells, times, counts);
	for (int i = 0; i < INCIDENT_COLUMNS; i++) {
		if (i)
			buf_putc(o->b, ',');
		esc_csv(o->b, cells[i]);
	}
	buf_puts(o->b, "\r\n");
	arena_reset(&o->a);
	return 0;
}

/* Writes the audit row of an export in its own transaction. Returns 0
 * or -1. */
int ui_incidents_audit_export(struct ctx *c, const struct incident_filter *f,
			      const char *format)
{
	if (db_begin(c->db) != 0)
		return -1;
	return ui_commit(c, "incident.export", "incident", 0,
			 json_pack("{ss ss ss}", "format", format, "status",
				   f->status, "query", val_or_empty(c, "q")));
}

/* incidents_each callback: one incident appended to a JSON array. */
static int json_row(void *ud, const struct incident *in)
{
	return json_array_append_new(ud, incidents_json(in, 1));
}

/* GET /incidents.json - every incident matching the filter (no paging)
 * with all its fields, for analysts and managers; audited. */
int ui_incidents_export_json(struct ctx *c)
{
	struct incident_filter f;
	if (ui_incidents_read_filter(c, &f) != 0)
		return 0;
	f.limit = -1;
	json_t *all = json_array();
	if (incidents_each(c->db, &f, json_row, all) != 0) {
		json_decref(all);
		return -1;
	}
	char *s = json_dumps(all, JSON_COMPACT);
	json_decref(all);
	if (!s)
		return -1;
	buf_puts(&c->out, s);
	jsonmem_free(s);
	if (ui_incidents_audit_export(c, &f, "json") != 0)
		return -1;
	c->status = 200;
	c->out_type = "application/json";
	c->out_ready = 1;
	return 0;
}

/* GET /incidents.csv - the filtered list as RFC 4180 CSV (every matching
 * incident, no paging), for analysts and managers; audited. */
int ui_incidents_export(struct ctx *c)
{
	struct incident_filter f;
	if (ui_incidents_read_filter(c, &f) != 0)
		return 0;
	f.limit = -1; /* SQLite: no limit */
	for (int i = 0; i < INCIDENT_COLUMNS; i++)
		buf_printf(&c->out, "%s%s", i ? "," : "",
			   ui_incidents_export_columns[i]);
	buf_puts(&c->out, "\r\n");
	struct csv_out o = {&c->out, {0}};
	arena_init(&o.a);
	int rc = incidents_each(c->db, &f, csv_row, &o);
	arena_free(&o.a);
	if (rc != 0)
		return -1;
	if (ui_incidents_audit_export(c, &f, "csv") != 0)
		return -1;
	char day[21];
	clock_iso(clock_now(), day);
	ctx_download(c, arena_printf(c->a, "incidents-%.10s.csv", day),
		     "text/csv; charset=utf-8");
	return 0;
}
