/* applications.c - see applications.h. An application moves
 *   pending --ask--> more_info --answer--> pending
 *   pending | more_info --approve--> approved (the person becomes an
 *                       analyst), --reject--> rejected (with a reason),
 *                       --withdraw--> withdrawn (the applicant)
 * and leads and admins add recommendations while it is open. Each move is
 * a step row and a notification: the applicant hears of questions and the
 * decision, the reviewers (admins and leads) of answers and withdrawals. */
#include "applications.h"

#include "../core/clock.h"
#include "../core/perm.h"
#include "../core/view.h"
#include "notify.h"
#include "users.h"

#include <stdio.h>
#include <string.h>

const char *const applications_areas[] = {
    "incident response",	"threat hunting",
    "digital forensics",	"malware analysis",
    "vulnerability management", "security monitoring",
    "cloud security",		"identity and access",
    "security awareness",	NULL};
const char *const applications_statuses[] = {
    "pending", "more_info", "approved", "rejected", "withdrawn", NULL};
/* what a supporting document may be: PDF or an image */
const char *const applications_doc_types[] = {"application/pdf", "image/png",
					      "image/jpeg",	 "image/gif",
					      "image/webp",	 NULL};

/* Returns user's open (pending or more_info) application's id, 0 when
 * none, -1 on error. */
int64_t applications_open_of(db *d, int64_t user)
{
	sqlite3_stmt *st = db_query(d, STMT_APP_OPEN_OF, user);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t id = rc == SQLITE_ROW ? db_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : -1;
}

/* Records a new pending application of user with its first step and
 * tells the reviewers. Inside a transaction; returns its id, or -1. */
int64_t applications_create(db *d, int64_t user, const char *motivation,
			    const char *experience, const char *certifications,
			    const char *areas)
{
	int64_t now = clock_now();
	if (db_exec(d, STMT_APP_INSERT, user, motivation,
		    experience ? experience : "",
		    certifications ? certifications : "", areas ? areas : "",
		    now) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	char link[64];
	snprintf(link, sizeof(link), "/admin/applications/%lld", (long long)id);
	if (db_exec(d, STMT_APP_STEP_INSERT, id, user, "applied", "", now) !=
		0 ||
	    notify_many(d, STMT_APP_REVIEWERS, "application_new", user,
			"New application to join the security team", link) != 0)
		return -1;
	return id;
}

/* Records a stored document (see evidence_store) on application app.
 * Inside a transaction; 0 or -1. */
int applications_add_file(db *d, int64_t app, const char *filename,
			  int64_t size, const char *mime, const char *sha,
			  const char *checked)
{
	return db_exec(d, STMT_APP_FILE_INSERT, app, filename, size, mime, sha,
		       checked, clock_now());
}

/* Copies an APP_* row into out (strings in the arena). */
static void app_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct application *p = out;
	p->id = db_int(st, 0);
	p->user_id = db_int(st, 1);
	p->email = arena_strdup(a, db_text(st, 2));
	p->name = arena_strdup(a, db_text(st, 3));
	p->department = arena_strdup(a, db_text(st, 4));
	p->role = arena_strdup(a, db_text(st, 5));
	p->motivation = arena_strdup(a, db_text(st, 6));
	p->experience = arena_strdup(a, db_text(st, 7));
	p->certifications = arena_strdup(a, db_text(st, 8));
	p->areas = arena_strdup(a, db_text(st, 9));
	p->status = arena_strdup(a, db_text(st, 10));
	p->created_at = db_int(st, 11);
	p->updated_at = db_int(st, 12);
}

/* Loads application id. Returns 1 found, 0 not, -1 on error. */
int applications_get(db *d, arena *a, int64_t id, struct application *out)
{
	return db_one(db_query(d, STMT_APP_GET, id), app_from_row, a, out);
}

/* Returns app as a new JSON object: its fields, the areas as an array,
 * and a flag per status for the templates ("is_pending"...). */
json_t *applications_json(const struct application *app)
{
	char created[21], updated[21];
	clock_iso(app->created_at, created);
	clock_iso(app->updated_at, updated);
	json_t *areas = json_array();
	const char *p = app->areas;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(areas, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	json_t *o = json_pack(
	    "{sI s{sI ss ss ss ss} ss ss ss so ss ss ss sb}", "id",
	    (json_int_t)app->id, "applicant", "id", (json_int_t)app->user_id,
	    "email", app->email, "name", app->name, "department",
	    app->department, "role", app->role, "motivation", app->motivation,
	    "experience", app->experience, "certifications",
	    app->certifications, "areas", areas, "status", app->status,
	    "created_at", created, "updated_at", updated, "open",
	    !strcmp(app->status, "pending") ||
		!strcmp(app->status, "more_info"));
	view_flag(o, app->status);
	return o;
}

/* Runs a list statement (its parameters already bound) into a new JSON
 * array of applications; NULL on error. */
static json_t *app_rows(arena *a, sqlite3_stmt *st)
{
	if (!st)
		return NULL;
	json_t *arr = json_array();
	struct application app;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		app_from_row(a, st, &app);
		json_array_append_new(arr, applications_json(&app));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Returns a page of applications of status ("open", one of
 * applications_statuses, or "" for any), pending ones first, as a new
 * JSON array, and sets *total; NULL on error. */
json_t *applications_list(db *d, arena *a, const char *status, int limit,
			  int offset, int64_t *total)
{
	*total = db_scalar(d, STMT_APP_COUNT, status);
	if (*total < 0)
		return NULL;
	return app_rows(a, db_query(d, STMT_APP_LIST, status, limit, offset));
}

/* Returns user's applications, newest first, as a new JSON array; NULL on
 * error. */
json_t *applications_of_user(db *d, arena *a, int64_t user)
{
	return app_rows(a, db_query(d, STMT_APP_OF_USER, user));
}

/* Returns application app's steps, oldest first, as a new JSON array of
 * {id, kind, body, at, by: {email, name}}, the recommendations only when
 * asked (they are for leads and admins); NULL on error. */
json_t *applications_steps(db *d, int64_t app, int recommendations)
{
	sqlite3_stmt *st = db_query(d, STMT_APP_STEPS, app, recommendations);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 3), at);
		json_t *o = json_pack(
		    "{sI ss ss ss s{ss ss}}", "id", (json_int_t)db_int(st, 0),
		    "kind", db_text(st, 1), "body", db_text(st, 2), "at", at,
		    "by", "email", db_text(st, 4), "name", db_text(st, 5));
		view_flag(o, db_text(st, 1));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns application app's documents as a new JSON array of {id,
 * application_id, filename, size, mime, sha256, checked, created_at}; NULL on
 * error. */
json_t *applications_files(db *d, int64_t app)
{
	sqlite3_stmt *st = db_query(d, STMT_APP_FILES, app);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 6), at);
		json_array_append_new(
		    arr,
		    json_pack("{sI sI ss sI ss ss ss ss}", "id",
			      (json_int_t)db_int(st, 0), "application_id",
			      (json_int_t)app, "filename", db_text(st, 1),
			      "size", (json_int_t)db_int(st, 2), "mime",
			      db_text(st, 3), "sha256", db_text(st, 4),
			      "checked", db_text(st, 5), "created_at", at));
	}
	sqlite3_reset(st);
	return arr;
}

/* Finds document id of application app: its name, type and content hash
 * (arena strings). Returns 1 found, 0 not, -1 on error. */
int applications_file(db *d, arena *a, int64_t app, int64_t id,
		      const char **name, const char **mime, const char **sha)
{
	sqlite3_stmt *st = db_query(d, STMT_APP_FILE_GET, app, id);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*name = arena_strdup(a, db_text(st, 1));
		*mime = arena_strdup(a, db_text(st, 3));
		*sha = arena_strdup(a, db_text(st, 4));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Returns how many applications wait for a reviewer (pending), or -1. */
int64_t applications_pending(db *d)
{
	return db_scalar(d, STMT_APP_PENDING);
}

/* What each action does: the statuses it moves from, the one it moves to
 * (NULL: stays), the step it writes, and who hears of it (the applicant,
 * the reviewers, or no one). */
enum tell { TELL_NONE, TELL_APPLICANT, TELL_REVIEWERS };
static const struct move {
	const char *action, *from, *to, *step;
	enum tell tell;
	const char *title;
} moves[] = {
    {"ask", "pending,more_info", "more_info", "question", TELL_APPLICANT,
     "A question about your application to join the security team"},
    {"answer", "more_info", "pending", "answer", TELL_REVIEWERS,
     "An applicant answered your question"},
    {"approve", "pending,more_info", "approved", "approved", TELL_APPLICANT,
     "Welcome to the security team: your application was approved"},
    {"reject", "pending,more_info", "rejected", "rejected", TELL_APPLICANT,
     "Your application to join the security team was declined"},
    {"withdraw", "pending,more_info", "withdrawn", "withdrawn", TELL_REVIEWERS,
     "An applicant withdrew their application"},
    {"recommend", "pending,more_info", NULL, "recommendation", TELL_NONE, NULL},
};

/* Applies action (ask, answer, approve, reject, withdraw, recommend) to
 * app as actor with body (the question, answer, reason or
 * recommendation): the status moves, the step is written, approval makes
 * the applicant an analyst, and whoever should hear of it is notified.
 * Inside a transaction. Returns 1 done, 0 when app's status does not
 * allow it (nothing written), -1 on error. */
int applications_move(db *d, const struct application *app, int64_t actor,
		      const char *action, const char *body)
{
	const struct move *m = NULL;
	for (size_t i = 0; i < sizeof(moves) / sizeof(*moves); i++)
		if (!strcmp(moves[i].action, action))
			m = &moves[i];
	if (!m)
		return -1;
	int64_t now = clock_now();
	if (m->to) {
		if (db_exec(d, STMT_APP_MOVE, app->id, m->to, now, m->from) !=
		    0)
			return -1;
		if (sqlite3_changes(d->h) == 0)
			return 0;
	} else if (strcmp(app->status, "pending") != 0 &&
		   strcmp(app->status, "more_info") != 0) {
		return 0;
	}
	if (db_exec(d, STMT_APP_STEP_INSERT, app->id, actor, m->step,
		    body ? body : "", now) != 0)
		return -1;
	if (!strcmp(action, "approve") &&
	    users_set_role(d, app->user_id, ROLE_ANALYST) != 0)
		return -1;
	char link[64];
	if (m->tell == TELL_APPLICANT)
		return notify_send_to(d, app->user_id, "application", 0, actor,
				      m->title, body, "/team/apply") != 0
			   ? -1
			   : 1;
	snprintf(link, sizeof(link), "/admin/applications/%lld",
		 (long long)app->id);
	if (m->tell == TELL_REVIEWERS &&
	    notify_many(d, STMT_APP_REVIEWERS, "application_new", actor,
			m->title, link) != 0)
		return -1;
	return 1;
}
