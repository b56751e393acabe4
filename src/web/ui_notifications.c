/* ui_notifications.c - the notification centre (list, mark read, mark all
 * read), each person's delivery choices per kind, and the team's
 * presence. Every query is scoped to the caller. */
#include "ui.h"

#include "../core/clock.h"
#include "../domain/notify.h"
#include "../domain/users.h"

static const char *const yes[] = {"1", NULL};

const struct field ui_notifications_list_fields[] = {
    {"unread", V_ENUM, 0, 0, 0, yes, "Unread only"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* The fields of the settings form: one choice per kind. */
const struct field ui_notifications_prefs_fields[] = {
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
int ui_notifications_list(struct ctx *c)
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
int ui_notifications_count(struct ctx *c)
{
	int64_t n = notify_unread(c->db, c->me.user_id);
	if (n < 0)
		return -1;
	c->view = json_pack("{sI}", "unread", (json_int_t)n);
	return 0;
}

/* POST /notifications/{id}/read - marks one of the caller's own
 * notifications read; anyone else's is a 404. */
int ui_notifications_read(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = notify_read(c->db, c->me.user_id, c->id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		return ctx_fail(c, 404, "not_found",
				"No such notification of yours.");
	}
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "read", 1);
	return ctx_redirect(c, "/notifications", "Marked as read.");
}

/* POST /notifications/read-all - marks all of the caller's read. */
int ui_notifications_read_all(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	if (notify_read_all(c->db, c->me.user_id) != 0)
		return -1;
	int changed = sqlite3_changes(c->db->h);
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{si}", "marked", changed);
	return ctx_redirect(c, "/notifications", "All marked as read.");
}

/* GET /notifications/settings - the caller's choice for every kind. */
int ui_notifications_prefs(struct ctx *c)
{
	json_t *prefs = notify_prefs(c->db, c->me.user_id);
	if (!prefs)
		return -1;
	c->view = json_pack("{so}", "prefs", prefs);
	return 0;
}

/* POST /notifications/settings - stores the choices sent (kinds left out
 * keep theirs), with an audit row. */
int ui_notifications_prefs_save(struct ctx *c)
{
	json_t *changed = json_object();
	if (db_begin(c->db) != 0) {
		json_decref(changed);
		return -1;
	}
	for (const struct field *f = ui_notifications_prefs_fields; f->name;
	     f++) {
		const char *v = ctx_val(c, f->name);
		if (!v)
			continue;
		if (notify_pref_set(c->db, c->me.user_id, f->name, v) != 0) {
			json_decref(changed);
			return -1;
		}
		json_object_set_new(changed, f->name, json_string(v));
	}
	if (ui_commit(c, "notifications.prefs", "user", c->me.user_id,
		      changed) != 0)
		return -1;
	json_t *prefs = notify_prefs(c->db, c->me.user_id);
	if (!prefs)
		return -1;
	c->view = json_pack("{so}", "prefs", prefs);
	return ctx_redirect(c, "/notifications/settings",
			    "Notification settings saved.");
}

/* GET /team - the security team, who is online now first. */
int ui_notifications_team(struct ctx *c)
{
	json_t *online = users_online(c->db);
	if (!online)
		return -1;
	c->view = json_pack("{si so so}", "online_count",
			    (int)json_array_size(online), "team",
			    ui_staff_options(c, 0, online), "online", online);
	return 0;
}
