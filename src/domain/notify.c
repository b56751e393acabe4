/* notify.c - see notify.h. Who hears of what:
 *   created        the security team (analysts and leads): incident_new
 *   status         the reporter (public changes) and the assignee: status
 *   assignee       the new assignee: assigned
 *   comment        the reporter (public ones) and the assignee: comment;
 *                  anyone named as @email who may see it: mention
 *   field/evidence the assignee: change
 * never the person who acted. Each person's choice per kind (in-app only,
 * in-app + email, off) decides whether a row and an email are written. */
#include "notify.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/perm.h"
#include "../core/valid.h"
#include "outbox.h"
#include "webhooks.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *const notify_kinds[] = {
    "incident_new", "assigned",	   "status",	      "comment",
    "change",	    "mention",	   "deadline",	      "sla",
    "alert",	    "application", "application_new", NULL};
/* What a kind does when the person has not chosen (same order). */
static const char *const kind_defaults[] = {"app", "email", "email", "app",
					    "app", "email", "email", "email",
					    "app", "email", "app"};
#define NKINDS (sizeof(kind_defaults) / sizeof(*kind_defaults))
_Static_assert(sizeof(notify_kinds) / sizeof(*notify_kinds) == NKINDS + 1,
	       "a default channel for every notification kind");
static const char *const kind_labels[NKINDS] = {
    "New incidents reported (security team)",
    "Incidents assigned to me",
    "Status changes of incidents I reported or am assigned",
    "Comments on incidents I reported or am assigned",
    "Other changes to incidents I am assigned",
    "Mentions of me (@my-email) in comments and chat",
    "Regulatory notification deadlines",
    "SLA warnings and breaches",
    "New high and critical alerts (security team)",
    "Changes to my application to join the security team",
    "Applications to join the security team (admins and leads)"};
const char *const notify_channels[] = {"app", "email", "off", NULL};

#define MAX_RECIPIENTS 64

/* Index of s in a NULL-terminated list, or -1. */
static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

/* Writes one notification for user (unless they turned the kind off, are
 * inactive or are the actor) and its email copy when they chose email.
 * Returns 0 (also when nothing was due), or -1 on a database error. */
int notify_send(db *d, int64_t user, const char *kind, int64_t incident,
		int64_t actor, const char *title, const char *body)
{
	return notify_send_to(d, user, kind, incident, actor, title, body,
			      NULL);
}

/* notify_send with the page the notification links to (NULL: the
 * incident's, or the notification centre). */
int notify_send_to(db *d, int64_t user, const char *kind, int64_t incident,
		   int64_t actor, const char *title, const char *body,
		   const char *link)
{
	int k = index_of(notify_kinds, kind);
	if (k < 0 || !user || user == actor)
		return 0;
	sqlite3_stmt *st = db_query(d, STMT_NOTIFY_RECIPIENT, user, kind);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	char email[320], name[256], channel[8];
	snprintf(email, sizeof(email), "%s", db_text(st, 0));
	snprintf(name, sizeof(name), "%s", db_text(st, 1));
	int active = (int)db_int(st, 3);
	snprintf(channel, sizeof(channel), "%s",
		 *db_text(st, 4) ? db_text(st, 4) : kind_defaults[k]);
	sqlite3_reset(st);
	if (!active || !strcmp(channel, "off"))
		return 0;
	char url[64] = "/notifications";
	if (link)
		snprintf(url, sizeof(url), "%s", link);
	else if (incident)
		snprintf(url, sizeof(url), "/incidents/%lld",
			 (long long)incident);
	int64_t now = clock_now();
	if (db_exec(d, STMT_NOTIFY_INSERT, user, kind, incident, actor, title,
		    body ? body : "", url, now) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	if (strcmp(channel, "email") != 0 || !config_get()->smtp_url)
		return 0;
	char key[32];
	snprintf(key, sizeof(key), "n-%lld", (long long)id);
	json_t *p =
	    json_pack("{ss ss ss ss ss ss}", "to", email, "name",
		      *name ? name : email, "kind", kind, "kind_label",
		      kind_labels[k], "title", title, "body", body ? body : "");
	char full[512];
	snprintf(full, sizeof(full), "%s%s", config_get()->base_url, url);
	json_object_set_new(p, "url", json_string(full));
	snprintf(full, sizeof(full), "%s/notifications/settings",
		 config_get()->base_url);
	json_object_set_new(p, "settings_url", json_string(full));
	char subject[300];
	snprintf(subject, sizeof(subject), "[Secura] %s", title);
	rc = outbox_add(d, "email", key, email, 0, subject, p);
	json_decref(p);
	return rc;
}

/* The incident facts a notification names. */
struct about {
	char ref[32], title[256], severity[16], status[16];
	int64_t reporter, assignee;
};

/* Loads what notifications say about an incident. Returns 0 or -1. */
static int about_load(db *d, int64_t incident, struct about *ab)
{
	sqlite3_stmt *st = db_query(d, STMT_NOTIFY_INCIDENT, incident);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return -1;
	}
	snprintf(ab->ref, sizeof(ab->ref), "%s", db_text(st, 0));
	snprintf(ab->title, sizeof(ab->title), "%s", db_text(st, 1));
	snprintf(ab->severity, sizeof(ab->severity), "%s", db_text(st, 2));
	snprintf(ab->status, sizeof(ab->status), "%s", db_text(st, 3));
	ab->reporter = db_int(st, 4);
	ab->assignee = db_int(st, 5);
	sqlite3_reset(st);
	return 0;
}

/* Recipients of one event, each once, with their kind. */
struct recipients {
	int64_t user[MAX_RECIPIENTS];
	const char *kind[MAX_RECIPIENTS];
	int n;
};

/* Adds user with kind unless already present (a mention overrides the
 * plainer kind so the person sees why they were told). */
static void add(struct recipients *r, int64_t user, const char *kind)
{
	if (!user)
		return;
	for (int i = 0; i < r->n; i++)
		if (r->user[i] == user) {
			if (!strcmp(kind, "mention"))
				r->kind[i] = kind;
			return;
		}
	if (r->n < MAX_RECIPIENTS) {
		r->user[r->n] = user;
		r->kind[r->n++] = kind;
	}
}

/* Adds everyone a statement (one id column) returns. Returns 0 or -1. */
static int add_all(db *d, enum stmt_id id, struct recipients *r,
		   const char *kind)
{
	sqlite3_stmt *st = db_query(d, id);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(r, db_int(st, 0), kind);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Finds the active people named as @email in text: up to max user ids,
 * each once, into ids, and their roles into roles. Returns how many, or
 * -1 on error. */
int notify_mentioned(db *d, const char *text, int64_t *ids, int *roles, int max)
{
	int found = 0;
	for (const char *p = strchr(text, '@'); p && found < max;
	     p = strchr(p + 1, '@')) {
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue; /* the middle of an address */
		char email[256];
		size_t n = 0;
		for (const char *q = p + 1;
		     *q && n + 1 < sizeof(email) &&
		     (isalnum((unsigned char)*q) || strchr("._%+-@", *q));
		     q++)
			email[n++] = (char)tolower((unsigned char)*q);
		while (n && email[n - 1] == '.')
			n--;
		email[n] = '\0';
		if (!strchr(email, '@'))
			continue;
		sqlite3_stmt *u = db_query(d, STMT_NOTIFY_USER_BY_EMAIL, email);
		if (!u)
			return -1;
		int64_t id = sqlite3_step(u) == SQLITE_ROW ? db_int(u, 0) : 0;
		sqlite3_reset(u);
		int seen = 0;
		for (int i = 0; i < found; i++)
			seen |= ids[i] == id;
		if (!id || seen)
			continue;
		sqlite3_stmt *who =
		    db_query(d, STMT_NOTIFY_RECIPIENT, id, "mention");
		if (!who)
			return -1;
		int role = sqlite3_step(who) == SQLITE_ROW
			       ? perm_role_parse(db_text(who, 2))
			       : ROLE_NONE;
		sqlite3_reset(who);
		ids[found] = id;
		roles[found++] = role;
	}
	return found;
}

/* Adds the people named as @email in a comment who may read it: the
 * security team always, the reporter for public comments. */
static int add_mentions(db *d, int64_t comment, const struct about *ab,
			int internal, struct recipients *r)
{
	sqlite3_stmt *st = db_query(d, STMT_NOTIFY_COMMENT_BODY, comment);
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	char body[8192];
	snprintf(body, sizeof(body), "%s", db_text(st, 0));
	sqlite3_reset(st);
	int64_t ids[MAX_RECIPIENTS];
	int roles[MAX_RECIPIENTS];
	int n = notify_mentioned(d, body, ids, roles, MAX_RECIPIENTS);
	for (int i = 0; i < n; i++)
		if (perm_has(roles[i], PERM_INCIDENT_READ_ALL) ||
		    (ids[i] == ab->reporter && !internal))
			add(r, ids[i], "mention");
	return n < 0 ? -1 : 0;
}

/* The webhook event of a history row, or NULL when none is sent. */
static const char *webhook_event(const char *kind, int internal)
{
	if (!strcmp(kind, "created"))
		return "incident.created";
	if (!strcmp(kind, "status"))
		return "incident.status";
	if (!strcmp(kind, "assignee"))
		return "incident.assigned";
	if (internal)
		return NULL;
	if (!strcmp(kind, "comment"))
		return "incident.commented";
	return "incident.updated";
}

/* Queues the webhook deliveries of one history row. Returns 0 or -1. */
static int notify_webhooks(db *d, int64_t incident, const struct about *ab,
			   const char *kind, const char *field,
			   const char *new_value, int internal)
{
	const char *event = webhook_event(kind, internal);
	if (!event)
		return 0;
	json_t *data =
	    json_pack("{s{sI ss ss ss* ss ss} ss}", "incident", "id",
		      (json_int_t)incident, "ref", ab->ref, "title", ab->title,
		      "severity", *ab->severity ? ab->severity : NULL, "status",
		      ab->status, "url", "", "field", field ? field : "");
	char url[512];
	snprintf(url, sizeof(url), "%s/incidents/%lld", config_get()->base_url,
		 (long long)incident);
	json_object_set_new(json_object_get(data, "incident"), "url",
			    json_string(url));
	if (new_value && strcmp(kind, "comment") != 0)
		json_object_set_new(data, "value", json_string(new_value));
	int rc = webhooks_enqueue(d, event, data);
	json_decref(data);
	return rc;
}

/* Fans one history row out to the people it concerns and the webhooks
 * subscribed to it. Inside the caller's transaction. Returns 0 or -1. */
int notify_incident_event(db *d, int64_t incident, int64_t actor,
			  const char *kind, const char *field,
			  const char *new_value, int internal)
{
	struct about ab;
	if (about_load(d, incident, &ab) != 0)
		return -1;
	struct recipients r = {.n = 0};
	char title[400];
	const char *sev = *ab.severity ? ab.severity : "";
	if (!strcmp(kind, "created")) {
		if (add_all(d, STMT_NOTIFY_TEAM, &r, "incident_new") != 0)
			return -1;
		snprintf(title, sizeof(title), "New %s%sincident %s: %s", sev,
			 *sev ? " " : "", ab.ref, ab.title);
	} else if (!strcmp(kind, "status")) {
		if (!internal)
			add(&r, ab.reporter, "status");
		add(&r, ab.assignee, "status");
		snprintf(title, sizeof(title), "%s is now %s: %s", ab.ref,
			 new_value ? new_value : ab.status, ab.title);
	} else if (!strcmp(kind, "assignee")) {
		add(&r, ab.assignee, "assigned");
		snprintf(title, sizeof(title), "%s was assigned to you: %s",
			 ab.ref, ab.title);
	} else if (!strcmp(kind, "comment")) {
		if (!internal)
			add(&r, ab.reporter, "comment");
		add(&r, ab.assignee, "comment");
		int64_t cid = 0;
		if (new_value &&
		    valid_int(new_value, 1, INT64_MAX, &cid) == 0 &&
		    add_mentions(d, cid, &ab, internal, &r) != 0)
			return -1;
		snprintf(title, sizeof(title), "New %scomment on %s: %s",
			 internal ? "internal " : "", ab.ref, ab.title);
	} else {
		add(&r, ab.assignee, "change");
		snprintf(title, sizeof(title), "%s changed (%s): %s", ab.ref,
			 !strcmp(kind, "evidence") ? "evidence" : field,
			 ab.title);
	}
	for (int i = 0; i < r.n; i++) {
		const char *t = title;
		char mention[400];
		if (!strcmp(r.kind[i], "mention")) {
			snprintf(mention, sizeof(mention),
				 "You were mentioned on %s: %s", ab.ref,
				 ab.title);
			t = mention;
		}
		if (notify_send(d, r.user[i], r.kind[i], incident, actor, t,
				NULL) != 0)
			return -1;
	}
	return notify_webhooks(d, incident, &ab, kind, field, new_value,
			       internal);
}

/* Tells the security team (analysts and leads, each by their
 * preferences) of a new alert, linking to /alerts/{alert}. Inside the
 * caller's transaction. Returns 0 or -1. */
int notify_alert(db *d, int64_t alert, const char *title)
{
	struct recipients r = {.n = 0};
	if (add_all(d, STMT_NOTIFY_TEAM, &r, "alert") != 0)
		return -1;
	char link[40];
	snprintf(link, sizeof(link), "/alerts/%lld", (long long)alert);
	for (int i = 0; i < r.n; i++)
		if (notify_send_to(d, r.user[i], "alert", 0, 0, title, NULL,
				   link) != 0)
			return -1;
	return 0;
}

/* Tells the assignee and every lead (a clock's warning or breach).
 * Inside the caller's transaction. Returns 0 or -1. */
int notify_team(db *d, int64_t incident, int64_t assignee, const char *kind,
		const char *title)
{
	struct recipients r = {.n = 0};
	add(&r, assignee, kind);
	if (add_all(d, STMT_NOTIFY_LEADS, &r, kind) != 0)
		return -1;
	for (int i = 0; i < r.n; i++)
		if (notify_send(d, r.user[i], kind, incident, 0, title, NULL))
			return -1;
	return 0;
}

/* Notifies everyone the statement who (no parameters, one column of
 * user ids) lists, but actor, of kind with a title and the page it links
 * to. Returns 0 or -1. */
int notify_many(db *d, enum stmt_id who, const char *kind, int64_t actor,
		const char *title, const char *link)
{
	struct recipients r = {.n = 0};
	if (add_all(d, who, &r, kind) != 0)
		return -1;
	for (int i = 0; i < r.n; i++)
		if (notify_send_to(d, r.user[i], kind, 0, actor, title, NULL,
				   link))
			return -1;
	return 0;
}

/* One row of NOTIFY_COLS as a new JSON object. */
json_t *notify_row(sqlite3_stmt *st)
{
	char at[21], read[21] = "";
	clock_iso(db_int(st, 6), at);
	if (db_int(st, 7))
		clock_iso(db_int(st, 7), read);
	return json_pack("{sI ss ss ss ss ss ss* sb ss}", "id",
			 (json_int_t)db_int(st, 0), "kind", db_text(st, 2),
			 "title", db_text(st, 3), "body", db_text(st, 4), "url",
			 db_text(st, 5), "created_at", at, "read_at",
			 *read ? read : NULL, "unread", !db_int(st, 7), "ref",
			 db_text(st, 8));
}

/* Returns the user's notifications, newest first, as a new JSON array
 * (only unread ones when unread is set) and their number in *total; NULL
 * on a database error. */
json_t *notify_list(db *d, int64_t user, int unread, int limit, int offset,
		    int64_t *total)
{
	*total = db_scalar(d, STMT_NOTIFY_COUNT, user, unread);
	sqlite3_stmt *st =
	    db_query(d, STMT_NOTIFY_LIST, user, unread, limit, offset);
	if (*total < 0 || !st)
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, notify_row(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Returns the number of unread notifications, or -1. */
int64_t notify_unread(db *d, int64_t user)
{
	return db_scalar(d, STMT_NOTIFY_UNREAD, user);
}

/* Marks one of the user's notifications read. Returns 0, 1 when it is
 * not theirs (or does not exist), or -1 on a database error. */
int notify_read(db *d, int64_t user, int64_t id)
{
	int64_t n = db_scalar(d, STMT_NOTIFY_OWNED, user, id);
	if (n < 0)
		return -1;
	if (n == 0)
		return 1;
	return db_exec(d, STMT_NOTIFY_READ, user, id, clock_now());
}

/* Marks all of the user's notifications read. Returns 0 or -1. */
int notify_read_all(db *d, int64_t user)
{
	return db_exec(d, STMT_NOTIFY_READ_ALL, user, clock_now());
}

/* Returns the user's choice for every kind as a new JSON array of
 * {kind, label, channel, choices}; NULL on a database error. */
json_t *notify_prefs(db *d, int64_t user)
{
	const char *chosen[NKINDS] = {NULL};
	char keep[NKINDS][8];
	sqlite3_stmt *st = db_query(d, STMT_PREF_LIST, user);
	if (!st)
		return NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = index_of(notify_kinds, db_text(st, 0));
		if (k >= 0) {
			snprintf(keep[k], sizeof(keep[k]), "%s",
				 db_text(st, 1));
			chosen[k] = keep[k];
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return NULL;
	json_t *arr = json_array();
	for (int k = 0; notify_kinds[k]; k++) {
		const char *ch = chosen[k] ? chosen[k] : kind_defaults[k];
		json_t *choices = json_array();
		for (int c = 0; notify_channels[c]; c++)
			json_array_append_new(
			    choices,
			    json_pack("{ss sb}", "value", notify_channels[c],
				      "selected",
				      !strcmp(ch, notify_channels[c])));
		json_array_append_new(arr, json_pack("{ss ss ss so}", "kind",
						     notify_kinds[k], "label",
						     kind_labels[k], "channel",
						     ch, "choices", choices));
	}
	return arr;
}

/* Stores the user's choice for one kind (both already validated).
 * Returns 0 or -1. */
int notify_pref_set(db *d, int64_t user, const char *kind, const char *channel)
{
	return db_exec(d, STMT_PREF_SET, user, kind, channel);
}

/* Returns the newest notification's id (0 when none), or -1. */
int64_t notify_max(db *d)
{
	return db_scalar(d, STMT_NOTIFY_MAX);
}

/* Visits the notifications after id *after, oldest first, at most
 * limit: only user's when user > 0, else everyone's; *after becomes the
 * last id read. For each whose user want accepts (want may be NULL: all),
 * fn gets its id, its user and the row as JSON (notify_row; fn's to keep
 * or free) and returns non-zero to stop. Returns how many rows were read
 * (a caller pages on while it is limit), or -1 on a database error. */
int notify_since(db *d, int64_t user, int64_t *after, int limit,
		 int (*want)(int64_t user), notify_fn fn, void *ud)
{
	sqlite3_stmt *st =
	    user > 0 ? db_query(d, STMT_NOTIFY_USER_SINCE, user, *after, limit)
		     : db_query(d, STMT_NOTIFY_SINCE, *after, limit);
	if (!st)
		return -1;
	int rows = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		int64_t id = db_int(st, 0), owner = db_int(st, 1);
		*after = id;
		if (want && !want(owner))
			continue;
		if (fn(ud, id, owner, notify_row(st)) != 0)
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? rows : -1;
}
