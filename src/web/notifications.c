/* notifications.c - the notification centre (list, mark read, mark all
 * read), each person's delivery choices per kind, and the team's
 * presence. Every query is scoped to the caller. */
#include "web.h"

#include "../core/clock.h"
#include "../domain/notify.h"

static const char *const yes[] = {"1", NULL};

const struct field notifications_list_fields[] = {
    {"unread", V_ENUM, 0, 0, 0, yes, "Unread only"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* The fields of the settings form: one choice per kind. */
const struct field notifications_prefs_fields[] = {
    {"incident_new", V_ENUM, 0, 0, 0, notify_channels, "New incidents"},
    {"assigned", V_ENUM, 0, 0, 0, notify_channels, "Assigned to me"},
    {"status", V_ENUM, 0, 0, 0, notify_channels, "Status changes"},
    {"comment", V_ENUM, 0, 0, 0, notify_channels, "Comments"},
    {"change", V_ENUM, 0, 0, 0, notify_channels, "Other changes"},
    {"mention", V_ENUM, 0, 0, 0, notify_channels, "Mentions"},
    {"deadline", V_ENUM, 0, 0, 0, notify_channels, "Regulatory deadlines"},
    {"sla", V_ENUM, 0, 0, 0, notify_channels, "SLA warnings"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /notifications - the caller's notifications, newest first. */
int notifications_list(struct ctx *c)
{
	int page, limit, offset;
	int64_t total;
	int unread = ctx_val(c, "unread") != NULL;
	ctx_page_args(c, &page, &limit, &offset);
	json_t *items =
	    notify_list(c->db, c->me.user_id, unread, limit, offset, &total);
	int64_t n = notify_unread(c->db, c->me.user_id);
	if (!items || n < 0) {
		json_decref(items);
		return -1;
	}
	c->view = json_pack("{so sI sb so}", "notifications", items, "unread",
			    (json_int_t)n, "unread_only", unread, "pagination",
			    ctx_page(c, total, page, limit));
	return 0;
}

/* GET /notifications/count - the unread count alone (for scripts and the
 * badge of a page that was open while offline). */
int notifications_count(struct ctx *c)
{
	int64_t n = notify_unread(c->db, c->me.user_id);
	if (n < 0)
		return -1;
	c->view = json_pack("{sI}", "unread", (json_int_t)n);
	return 0;
}

/* POST /notifications/{id}/read - marks one of the caller's own
 * notifications read; anyone else's is a 404. */
int notifications_read(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = notify_read(c->db, c->me.user_id, c->id);
	if (rc < 0)
		return web_abort(c);
	if (rc == 1) {
		db_rollback(c->db);
		return ctx_fail(c, 404, "not_found",
				"No such notification of yours.");
	}
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "read", 1);
	return ctx_redirect(c, "/notifications", "Marked as read.");
}

/* POST /notifications/read-all - marks all of the caller's read. */
int notifications_read_all(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	if (notify_read_all(c->db, c->me.user_id) != 0)
		return web_abort(c);
	int changed = sqlite3_changes(c->db->h);
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{si}", "marked", changed);
	return ctx_redirect(c, "/notifications", "All marked as read.");
}

/* GET /notifications/settings - the caller's choice for every kind. */
int notifications_prefs(struct ctx *c)
{
	json_t *prefs = notify_prefs(c->db, c->me.user_id);
	if (!prefs)
		return -1;
	c->view = json_pack("{so}", "prefs", prefs);
	return 0;
}

/* POST /notifications/settings - stores the choices sent (kinds left out
 * keep theirs), with an audit row. */
int notifications_prefs_save(struct ctx *c)
{
	json_t *changed = json_object();
	if (db_begin(c->db) != 0) {
		json_decref(changed);
		return -1;
	}
	for (const struct field *f = notifications_prefs_fields; f->name; f++) {
		const char *v = ctx_val(c, f->name);
		if (!v)
			continue;
		if (notify_pref_set(c->db, c->me.user_id, f->name, v) != 0) {
			json_decref(changed);
			return web_abort(c);
		}
		json_object_set_new(changed, f->name, json_string(v));
	}
	if (ctx_audit(c, "notifications.prefs", "user", c->me.user_id,
		      changed) != 0)
		return web_abort(c);
	if (db_commit(c->db) != 0)
		return -1;
	json_t *prefs = notify_prefs(c->db, c->me.user_id);
	if (!prefs)
		return -1;
	c->view = json_pack("{so}", "prefs", prefs);
	return ctx_redirect(c, "/notifications/settings",
			    "Notification settings saved.");
}

/* Returns the security team members seen in the last 2 minutes (a page
 * load or an open live stream) as a new JSON array; NULL on error. */
json_t *notifications_presence(struct ctx *c)
{
	sqlite3_stmt *st =
	    db_query(c->db, STMT_PRESENCE_TEAM, "I", clock_now() - 120);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 4), at);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss}", "id",
			      (json_int_t)db_int(st, 0), "email",
			      db_text(st, 1), "name",
			      *db_text(st, 2) ? db_text(st, 2) : db_text(st, 1),
			      "role", db_text(st, 3), "seen_at", at));
	}
	sqlite3_reset(st);
	return arr;
}

/* GET /team - the security team, who is online now first. */
int notifications_team(struct ctx *c)
{
	json_t *online = notifications_presence(c);
	if (!online)
		return -1;
	c->view = json_pack(
	    "{si so so}", "online_count", (int)json_array_size(online), "team",
	    incidents_staff_options(c, 0, online), "online", online);
	return 0;
}
