/* ui_applications.c - joining the security team: an employee's own
 * application (/team/apply: apply with documents, answer a question,
 * withdraw) and the reviewers' pages (/admin/applications: leads and
 * admins read and recommend; admins ask, approve and reject). */
#include "ui.h"

#include "../core/config.h"
#include "../core/perm.h"
#include "../domain/applications.h"
#include "../domain/evidence.h"

#include <string.h>

static const char *const list_statuses[] = {"open",	"pending",  "more_info",
					    "approved", "rejected", "withdrawn",
					    "any",	NULL};

const struct field ui_applications_apply_fields[] = {
    {"motivation", V_TEXT, F_REQUIRED, 20, 5000, NULL, "Why you want to join"},
    {"experience", V_TEXT, 0, 0, 5000, NULL, "Experience"},
    {"certifications", V_TEXT, 0, 0, 1000, NULL, "Certifications"},
    {"areas", V_ENUM, F_MULTI, 0, 0, applications_areas, "Areas"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_applications_answer_fields[] = {
    {"answer", V_TEXT, F_REQUIRED, 1, 5000, NULL, "Your answer"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_applications_list_fields[] = {
    {"status", V_ENUM, 0, 0, 0, list_statuses, "Status"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_applications_reject_fields[] = {
    {"reason", V_TEXT, F_REQUIRED, 1, 2000, NULL, "Reason"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_applications_ask_fields[] = {
    {"question", V_TEXT, F_REQUIRED, 1, 2000, NULL, "Question"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_applications_recommend_fields[] = {
    {"comment", V_TEXT, F_REQUIRED, 1, 2000, NULL, "Recommendation"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Supporting documents: PDF or images, at most APPLICATIONS_MAX_FILES. */
static const struct ui_upload_rule doc_rule = {
    "documents", APPLICATIONS_MAX_FILES, applications_doc_types,
    "PDF and images are"};

/* Returns the areas as choices {name, checked}, checked from the
 * request's areas (a form sent back with errors keeps them). New
 * reference. */
static json_t *area_choices(struct ctx *c)
{
	const char *sent = ctx_val(c, "areas");
	json_t *arr = json_array();
	for (int i = 0; applications_areas[i]; i++) {
		const char *a = applications_areas[i], *p = sent;
		size_t n = strlen(a);
		int on = 0;
		while (p && *p && !on) {
			size_t k = strcspn(p, ",");
			on = k == n && !strncmp(p, a, n);
			p += k + (p[k] == ',');
		}
		json_array_append_new(arr,
				      json_pack("{ss sb si}", "name", a,
						"checked", on, "index", i));
	}
	return arr;
}

/* Adds application id's steps (with the recommendations when asked) and
 * documents to its JSON object o. Returns 0 or -1. */
static int add_history(struct ctx *c, json_t *o, int64_t id,
		       int recommendations)
{
	json_t *steps = applications_steps(c->db, id, recommendations);
	json_t *files = applications_files(c->db, id);
	if (!steps || !files) {
		json_decref(steps);
		json_decref(files);
		return -1;
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "documents", files);
	return 0;
}

/* GET /team/apply - the caller's application: the form when they may
 * apply, else the latest application with its steps (never the
 * reviewers' recommendations), and the earlier ones. */
int ui_applications_mine(struct ctx *c)
{
	json_t *mine = applications_of_user(c->db, c->a, c->me.user_id);
	if (!mine)
		return -1;
	json_t *latest = json_array_get(mine, 0);
	if (latest &&
	    add_history(c, latest,
			json_integer_value(json_object_get(latest, "id")),
			0) != 0) {
		json_decref(mine);
		return -1;
	}
	int open = latest && json_is_true(json_object_get(latest, "open"));
	c->view =
	    json_pack("{sO* so sb sb so si}", "latest", latest, "applications",
		      mine, "can_apply", c->me.role == ROLE_EMPLOYEE && !open,
		      "on_team", c->me.role != ROLE_EMPLOYEE, "areas",
		      area_choices(c), "max_documents", APPLICATIONS_MAX_FILES);
	return 0;
}

/* Records the stored documents (ui_store_files) on application id.
 * Inside the transaction; 0 or -1. */
static int record_documents(struct ctx *c, int64_t id,
			    const struct ui_file *files)
{
	for (size_t i = 0; i < c->files.n; i++) {
		const struct upload *u = &c->files.v[i];
		if (files[i].mime && files[i].sha &&
		    applications_add_file(
			c->db, id, evidence_clean_name(c->a, u->filename),
			(int64_t)u->len, files[i].mime, files[i].sha,
			files[i].checked) != 0)
			return -1;
	}
	return 0;
}

/* POST /team/apply - an employee applies, with up to five documents.
 * 409 when they are on the team already or have an application open. */
int ui_applications_apply(struct ctx *c)
{
	if (c->me.role != ROLE_EMPLOYEE)
		return ctx_fail(c, 409, "on_the_team",
				"You are on the security team already.");
	int64_t open = applications_open_of(c->db, c->me.user_id);
	if (open < 0)
		return -1;
	if (open)
		return ctx_fail(c, 409, "application_open",
				"You have an application open: answer or "
				"withdraw it first.");
	struct ui_file *files = ui_check_files(c, &doc_rule);
	if (!files)
		return 0;
	if (ui_store_files(c, files) != 0 || db_begin(c->db) != 0)
		return -1;
	int64_t id = applications_create(
	    c->db, c->me.user_id, ctx_val(c, "motivation"),
	    ctx_val(c, "experience"), ctx_val(c, "certifications"),
	    ctx_val(c, "areas"));
	struct application app;
	if (id < 0 || record_documents(c, id, files) != 0 ||
	    ui_commit(c, "application.create", "application", id, NULL) != 0 ||
	    applications_get(c->db, c->a, id, &app) != 1)
		return -1;
	c->view = json_pack("{so}", "application", applications_json(&app));
	c->status = 201;
	return ctx_redirect(c, "/team/apply",
			    "Your application was sent. You will hear of "
			    "each step here and in your notifications.");
}

/* Applies action to application app as the caller, with the body from
 * field (NULL: none), audited as "application.<action>" (an approval
 * also as the role change it is), then sends the browser to back. 409
 * when the application's status does not allow it. */
static int act(struct ctx *c, struct application *app, const char *action,
	       const char *field, const char *back)
{
	const char *body = field ? ctx_val(c, field) : NULL;
	if (db_begin(c->db) != 0)
		return -1;
	int rc = applications_move(c->db, app, c->me.user_id, action, body);
	if (rc <= 0) {
		if (rc < 0)
			return -1;
		db_rollback(c->db);
		return ctx_fail(c, 409, "application_closed",
				"This application is not open for that any "
				"more.");
	}
	if (!strcmp(action, "approve") &&
	    ui_audit(c, "user.role", "user", app->user_id,
		     json_pack("{ss ss ss}", "email", app->email, "from",
			       app->role, "to", "analyst")) != 0)
		return -1;
	if (ui_commit(c, arena_printf(c->a, "application.%s", action),
		      "application", app->id,
		      json_pack("{ss}", "email", app->email)) != 0 ||
	    applications_get(c->db, c->a, app->id, app) != 1)
		return -1;
	c->view = json_pack("{so}", "application", applications_json(app));
	return ctx_redirect(c, back, "Done.");
}

/* Loads the caller's open application into app. Returns 1, or 0 with 409
 * recorded when they have none, -1 on error. */
static int load_mine(struct ctx *c, struct application *app)
{
	int64_t id = applications_open_of(c->db, c->me.user_id);
	if (id < 0)
		return -1;
	if (!id)
		return ctx_fail(c, 409, "no_open_application",
				"You have no open application.");
	return applications_get(c->db, c->a, id, app);
}

/* POST /team/apply/answer - the applicant answers the reviewers'
 * question; the application is pending again. */
int ui_applications_answer(struct ctx *c)
{
	struct application app;
	int rc = load_mine(c, &app);
	return rc <= 0 ? rc : act(c, &app, "answer", "answer", "/team/apply");
}

/* POST /team/apply/withdraw - the applicant withdraws. */
int ui_applications_withdraw(struct ctx *c)
{
	struct application app;
	int rc = load_mine(c, &app);
	return rc <= 0 ? rc : act(c, &app, "withdraw", NULL, "/team/apply");
}

/* GET /admin/applications - applications, pending first, by status
 * ("open" unless asked). */
int ui_applications_index(struct ctx *c)
{
	int page, limit, offset;
	int64_t total;
	const char *status = ctx_val(c, "status");
	if (!status)
		status = "open";
	ctx_page_args(c, &page, &limit, &offset);
	json_t *list =
	    applications_list(c->db, c->a, !strcmp(status, "any") ? "" : status,
			      limit, offset, &total);
	if (!list)
		return -1;
	c->view = json_pack("{so so ss so}", "applications", list, "pagination",
			    ctx_page(c, total, page, limit), "status", status,
			    "statuses", view_choices(list_statuses, status));
	return 0;
}

/* Loads application {id} into app. Returns 1, or 0 with 404 recorded, or
 * -1. */
static int load_app(struct ctx *c, struct application *app)
{
	int rc = applications_get(c->db, c->a, c->id, app);
	if (rc == 0)
		ctx_fail(c, 404, "not_found", "There is no such application.");
	return rc;
}

/* GET /admin/applications/{id} - one application with its documents and
 * every step, recommendations included; admins get the decisions. */
int ui_applications_show(struct ctx *c)
{
	struct application app;
	int rc = load_app(c, &app);
	if (rc <= 0)
		return rc;
	json_t *o = applications_json(&app);
	if (add_history(c, o, app.id, 1) != 0) {
		json_decref(o);
		return -1;
	}
	c->view = json_pack("{so sb}", "application", o, "can_decide",
			    perm_has(c->me.role, PERM_USER_ADMIN));
	return 0;
}

/* Runs a reviewer's action on application {id}, back to its page. */
static int review(struct ctx *c, const char *action, const char *field)
{
	struct application app;
	int rc = load_app(c, &app);
	if (rc <= 0)
		return rc;
	return act(
	    c, &app, action, field,
	    arena_printf(c->a, "/admin/applications/%lld", (long long)app.id));
}

/* POST /admin/applications/{id}/approve - the applicant becomes an
 * analyst (audited as a role change too). */
int ui_applications_approve(struct ctx *c)
{
	return review(c, "approve", NULL);
}

/* POST /admin/applications/{id}/reject - with a reason the applicant
 * reads. */
int ui_applications_reject(struct ctx *c)
{
	return review(c, "reject", "reason");
}

/* POST /admin/applications/{id}/ask - asks the applicant for more. */
int ui_applications_ask(struct ctx *c)
{
	return review(c, "ask", "question");
}

/* POST /admin/applications/{id}/recommend - a lead's or admin's
 * recommendation, read only by leads and admins. */
int ui_applications_recommend(struct ctx *c)
{
	return review(c, "recommend", "comment");
}

/* GET /admin/applications/{id}/documents/{sub} - a document, as an
 * attachment; the download is audited. */
int ui_applications_document(struct ctx *c)
{
	struct application app;
	const char *name, *mime, *sha;
	int rc = load_app(c, &app);
	if (rc <= 0)
		return rc;
	rc = applications_file(c->db, c->a, app.id, c->sub, &name, &mime, &sha);
	if (rc <= 0)
		return rc < 0 ? -1
			      : ctx_fail(c, 404, "not_found", "No such file.");
	if (evidence_read(config_get()->data_dir, sha, &c->out) != 0 ||
	    db_begin(c->db) != 0 ||
	    ui_commit(c, "application.document", "application", app.id,
		      json_pack("{ss ss}", "file", name, "sha256", sha)) != 0)
		return -1;
	ctx_download(c, name, "application/octet-stream");
	return 0;
}
