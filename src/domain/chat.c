/* chat.c - see chat.h. Who may be where: the security team (analysts,
 * leads, admins) and managers may be members of rooms, managers only
 * read-only; a direct conversation is between two people of the team.
 * Only members read a room (callers show anyone else a 404), and a
 * message reaches the live streams of the members at the moment it is
 * posted: a row of kind 'chat' in each one's feed (the notifications
 * table, which the events program streams), so removing a member stops
 * what reaches them at once. */
#include "chat.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/md.h"
#include "../core/perm.h"
#include "../core/view.h"
#include "notify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies a CHAT_ROOM_GET row into r (strings in the arena). */
static void room_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct chat_room *r = out;
	r->id = db_int(st, 0);
	r->kind = arena_strdup(a, db_text(st, 1));
	r->name = arena_strdup(a, db_text(st, 2));
	r->topic = arena_strdup(a, db_text(st, 3));
	r->incident_id = db_int(st, 4);
	r->incident_ref = arena_strdup(a, db_text(st, 5));
	r->incident_title = arena_strdup(a, db_text(st, 6));
	r->created_at = db_int(st, 7);
	r->read_only = (int)db_int(st, 8);
	r->last_read_id = db_int(st, 9);
	r->member = (int)db_int(st, 10);
}

/* Loads room id as user sees it (member, read_only, last read). Returns
 * 1 found, 0 not, -1 on error. */
int chat_room_get(db *d, arena *a, int64_t id, int64_t user,
		  struct chat_room *r)
{
	return db_one(db_query(d, STMT_CHAT_ROOM_GET, id, user), room_from_row,
		      a, r);
}

/* Returns room r as a new JSON object {id, kind, name, topic, incident
 * (ref, title) or null, read_only, is_<kind>}. */
json_t *chat_room_json(const struct chat_room *r)
{
	json_t *o = json_pack("{sI ss ss ss sb}", "id", (json_int_t)r->id,
			      "kind", r->kind, "name", r->name, "topic",
			      r->topic, "read_only", r->read_only);
	json_object_set_new(
	    o, "incident",
	    r->incident_id
		? json_pack("{sI ss ss}", "id", (json_int_t)r->incident_id,
			    "ref", r->incident_ref, "title", r->incident_title)
		: json_null());
	view_flag(o, r->kind);
	return o;
}

/* Returns user's rooms and conversations, the latest first, as a new JSON
 * array of {id, kind, label, topic, unread, read_only, incident}; NULL on
 * error. A direct conversation's label is the other person. */
json_t *chat_rooms_of(db *d, int64_t user)
{
	sqlite3_stmt *st = db_query(d, STMT_CHAT_ROOMS_OF, user);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = db_text(st, 1);
		const char *label =
		    !strcmp(kind, "direct")
			? (*db_text(st, 11) ? db_text(st, 11) : db_text(st, 10))
			: db_text(st, 2);
		json_t *o = json_pack("{sI ss ss ss sI sb}", "id",
				      (json_int_t)db_int(st, 0), "kind", kind,
				      "label", label, "topic", db_text(st, 3),
				      "unread", (json_int_t)db_int(st, 8),
				      "read_only", (int)db_int(st, 12));
		view_flag(o, kind);
		if (db_int(st, 4))
			json_object_set_new(
			    o, "incident",
			    json_pack("{ss}", "ref", db_text(st, 5)));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns how many messages of others user has not read, in all their
 * rooms; -1 on error. */
int64_t chat_unread(db *d, int64_t user)
{
	return db_scalar(d, STMT_CHAT_UNREAD_TOTAL, user);
}

/* Creates a room of kind (room, direct, incident) with its name, topic,
 * incident (0: none) and pair (direct only, else NULL). Inside a
 * transaction; returns its id, or -1. */
int64_t chat_room_create(db *d, const char *kind, const char *name,
			 const char *topic, int64_t incident, const char *pair,
			 int64_t creator)
{
	if (db_exec(d, STMT_CHAT_ROOM_INSERT, kind, name ? name : "",
		    topic ? topic : "", incident, pair, creator,
		    clock_now()) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Returns the role of user when they may be in a room (the team or a
 * manager, active), ROLE_NONE when not, or -2 on error. */
int chat_person_role(db *d, int64_t user)
{
	sqlite3_stmt *st = db_query(d, STMT_CHAT_PERSON, user);
	if (!st)
		return -2;
	int rc = sqlite3_step(st);
	int role =
	    rc == SQLITE_ROW ? perm_role_parse(db_text(st, 1)) : ROLE_NONE;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? role : -2;
}

/* Adds user to room (a manager read-only). Returns 1 added (or already
 * there), 0 when they may not be in a room, -1 on error. */
int chat_member_add(db *d, int64_t room, int64_t user)
{
	int role = chat_person_role(d, user);
	if (role == -2)
		return -1;
	if (role == ROLE_NONE)
		return 0;
	return db_exec(d, STMT_CHAT_MEMBER_ADD, room, user,
		       role == ROLE_MANAGER, clock_now()) != 0
		   ? -1
		   : 1;
}

/* Removes user from room. Returns 1 when they were a member, 0 when not,
 * -1 on error. */
int chat_member_remove(db *d, int64_t room, int64_t user)
{
	if (db_exec(d, STMT_CHAT_MEMBER_REMOVE, room, user) != 0)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

/* Returns room's members as a new JSON array of {id, email, name, role,
 * read_only}; NULL on error. */
json_t *chat_members(db *d, int64_t room)
{
	sqlite3_stmt *st = db_query(d, STMT_CHAT_MEMBERS, room);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss sb}", "id",
			      (json_int_t)db_int(st, 0), "email",
			      db_text(st, 1), "name", db_text(st, 2), "role",
			      db_text(st, 3), "read_only", (int)db_int(st, 4)));
	sqlite3_reset(st);
	return arr;
}

/* Returns the people who may be in rooms, but except, as a new JSON array
 * of {id, email, name, role, team} (team: may write and talk directly);
 * NULL on error. */
json_t *chat_people(db *d, int64_t except)
{
	sqlite3_stmt *st = db_query(d, STMT_CHAT_PEOPLE, except);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr, json_pack("{sI ss ss ss sb}", "id",
				   (json_int_t)db_int(st, 0), "email",
				   db_text(st, 1), "name", db_text(st, 2),
				   "role", db_text(st, 3), "team",
				   strcmp(db_text(st, 3), "manager") != 0));
	sqlite3_reset(st);
	return arr;
}

/* Writes the pair key of two people into out. */
static void pair_key(int64_t a, int64_t b, char out[48])
{
	snprintf(out, 48, "%lld:%lld", (long long)(a < b ? a : b),
		 (long long)(a < b ? b : a));
}

/* Returns the id of the direct conversation of a and b, 0 when there is
 * none yet, -1 on error. */
int64_t chat_direct_find(db *d, int64_t a, int64_t b)
{
	char pair[48];
	pair_key(a, b, pair);
	int64_t id = db_scalar(d, STMT_CHAT_ROOM_BY_PAIR, pair);
	return id < 0 ? -1 : id;
}

/* Returns the direct conversation of a and b, made with both as members
 * when there is none. Inside a transaction; -1 on error. */
int64_t chat_direct_open(db *d, int64_t a, int64_t b)
{
	int64_t id = chat_direct_find(d, a, b);
	if (id != 0)
		return id;
	char pair[48];
	pair_key(a, b, pair);
	id = chat_room_create(d, "direct", "", "", 0, pair, a);
	if (id < 0 || chat_member_add(d, id, a) < 0 ||
	    chat_member_add(d, id, b) < 0)
		return -1;
	return id;
}

/* Returns the room of incident, 0 when it has none, -1 on error. */
int64_t chat_incident_room(db *d, int64_t incident)
{
	int64_t id = db_scalar(d, STMT_CHAT_ROOM_BY_INCIDENT, incident);
	return id < 0 ? -1 : id;
}

/* Posts body to room as author. Inside a transaction; returns the
 * message's id, or -1. */
int64_t chat_post(db *d, int64_t room, int64_t author, const char *body)
{
	if (db_exec(d, STMT_CHAT_MESSAGE_INSERT, room, author, body,
		    clock_now()) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	return db_exec(d, STMT_CHAT_INDEX_ADD, id, body) != 0 ? -1 : id;
}

/* Sends a message (title: where it was said; html: its rendered
 * fragment; url: its place) to the live streams of room's members but
 * its author. Inside a transaction; 0 or -1. */
int chat_deliver(db *d, int64_t room, int64_t author, const char *title,
		 const char *html, const char *url)
{
	sqlite3_stmt *st = db_query(d, STMT_CHAT_MEMBER_IDS, room);
	if (!st)
		return -1;
	int64_t ids[512];
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 512)
		ids[n++] = db_int(st, 0);
	sqlite3_reset(st);
	int64_t now = clock_now();
	for (int i = 0; i < n; i++)
		if (ids[i] != author &&
		    db_exec(d, STMT_CHAT_DELIVER, ids[i], author, title, html,
			    url, now) != 0)
			return -1;
	return 0;
}

/* Notifies the members of room named as @email in body (kind "mention",
 * linking to url); people outside the room are not told. Inside a
 * transaction; 0 or -1. */
int chat_notify_mentions(db *d, int64_t room, int64_t author, const char *body,
			 const char *title, const char *url)
{
	int64_t ids[32];
	int roles[32];
	int n = notify_mentioned(d, body, ids, roles, 32);
	arena a;
	arena_init(&a);
	int rc = n < 0 ? -1 : 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct chat_room r;
		int found = chat_room_get(d, &a, room, ids[i], &r);
		if (found < 0)
			rc = -1;
		else if (found && r.member)
			rc = notify_send_to(d, ids[i], "mention", 0, author,
					    title, NULL, url);
	}
	arena_free(&a);
	return rc;
}

/* Marks room read by user up to message upto. Returns 0 or -1. */
int chat_mark_read(db *d, int64_t room, int64_t user, int64_t upto)
{
	return db_exec_tx(d, STMT_CHAT_MARK_READ, room, user, upto);
}

/* Copies a CHAT_MESSAGE_* row into m (strings in the arena). */
static void message_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct chat_message *m = out;
	m->id = db_int(st, 0);
	m->room_id = db_int(st, 1);
	m->author_id = db_int(st, 2);
	m->email = arena_strdup(a, db_text(st, 3));
	m->name = arena_strdup(a, db_text(st, 4));
	m->body = arena_strdup(a, db_text(st, 5));
	m->created_at = db_int(st, 6);
	m->edited_at = db_int(st, 7);
	m->deleted_at = db_int(st, 8);
}

/* Loads message id. Returns 1 found, 0 not, -1 on error. */
int chat_message_get(db *d, arena *a, int64_t id, struct chat_message *m)
{
	return db_one(db_query(d, STMT_CHAT_MESSAGE_GET, id), message_from_row,
		      a, m);
}

/* Returns 1 when s at p starts an incident reference (INC-YYYY-NNNN...),
 * writing its length to *n. */
static int is_ref(const char *s, const char *p, size_t *n)
{
	if (strncmp(p, "INC-", 4) != 0 ||
	    (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '/')))
		return 0;
	size_t k = 4, digits = 0;
	while (isdigit((unsigned char)p[k]) && digits < 4)
		k++, digits++;
	if (digits != 4 || p[k] != '-' || !isdigit((unsigned char)p[k + 1]))
		return 0;
	k++;
	while (isdigit((unsigned char)p[k]) && k < 24)
		k++;
	if (isalnum((unsigned char)p[k]))
		return 0;
	*n = k;
	return 1;
}

/* Renders a message's markdown as HTML (cmark, safe), each reference to
 * an incident that exists made a link to it. Everyone who may use the
 * chat may read every incident, so the links are the same for all
 * members. Arena string. */
const char *chat_render(db *d, arena *a, const char *body)
{
	buf src = BUF_INIT;
	for (const char *p = body; *p;) {
		size_t n;
		if (is_ref(body, p, &n)) {
			char ref[32];
			snprintf(ref, sizeof(ref), "%.*s", (int)n, p);
			if (db_scalar(d, STMT_CHAT_INCIDENT_BY_REF, ref) > 0) {
				buf_printf(&src, "[%s](/incidents/%s)", ref,
					   ref);
				p += n;
				continue;
			}
		}
		buf_putc(&src, *p++);
	}
	char *html = md_html(buf_cstr(&src));
	const char *out = arena_strdup(a, html);
	free(html);
	buf_free(&src);
	return out;
}

/* Returns message m as a new JSON object for user me: {id, room, author
 * {id, email, name}, body (the markdown; "" when deleted), body_html,
 * created_at, edited, deleted, mine, can_change (me, within
 * CHAT_EDIT_SECS, not deleted)}. */
json_t *chat_message_json(db *d, arena *a, const struct chat_message *m,
			  int64_t me)
{
	char at[21];
	clock_iso(m->created_at, at);
	int mine = m->author_id == me;
	int change = mine && !m->deleted_at &&
		     clock_now() - m->created_at <= CHAT_EDIT_SECS;
	return json_pack(
	    "{sI sI s{sI ss ss} ss ss ss sb sb sb sb}", "id", (json_int_t)m->id,
	    "room", (json_int_t)m->room_id, "author", "id",
	    (json_int_t)m->author_id, "email", m->email, "name",
	    *m->name ? m->name : m->email, "body", m->body, "body_html",
	    m->deleted_at ? "" : chat_render(d, a, m->body), "created_at", at,
	    "edited", m->edited_at != 0, "deleted", m->deleted_at != 0, "mine",
	    mine, "can_change", change);
}

/* Returns a page of room's history for me: the CHAT_PAGE messages before
 * message before (0: the latest), oldest first, as a new JSON array;
 * NULL on error. */
json_t *chat_messages(db *d, arena *a, int64_t room, int64_t before, int64_t me)
{
	sqlite3_stmt *st =
	    db_query(d, STMT_CHAT_MESSAGES, room, before, CHAT_PAGE);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	struct chat_message m;
	while (sqlite3_step(st) == SQLITE_ROW) {
		message_from_row(a, st, &m);
		json_array_append_new(arr, chat_message_json(d, a, &m, me));
	}
	sqlite3_reset(st);
	return arr;
}

/* Changes message m's text to body, keeping what it said in its edits.
 * Inside a transaction; 0 or -1. */
int chat_edit(db *d, const struct chat_message *m, const char *body)
{
	int64_t now = clock_now();
	return db_exec(d, STMT_CHAT_EDIT_INSERT, m->id, "edit", m->body, now) !=
			   0 ||
		       db_exec(d, STMT_CHAT_MESSAGE_EDIT, m->id, body, now) !=
			   0 ||
		       db_exec(d, STMT_CHAT_INDEX_DROP, m->id, m->body) != 0 ||
		       db_exec(d, STMT_CHAT_INDEX_ADD, m->id, body) != 0
		   ? -1
		   : 0;
}

/* Deletes message m: its text leaves the room and the search, and is
 * kept in its edits. Inside a transaction; 0 or -1. */
int chat_delete(db *d, const struct chat_message *m)
{
	int64_t now = clock_now();
	return db_exec(d, STMT_CHAT_EDIT_INSERT, m->id, "delete", m->body,
		       now) != 0 ||
		       db_exec(d, STMT_CHAT_INDEX_DROP, m->id, m->body) != 0 ||
		       db_exec(d, STMT_CHAT_MESSAGE_DELETE, m->id, now) != 0
		   ? -1
		   : 0;
}

/* Searches the messages of the rooms user is a member of for q (each word
 * must match), newest first, at most CHAT_PAGE, as a new JSON array of
 * messages with their room's {id, name, kind}; NULL on error. */
json_t *chat_search(db *d, arena *a, int64_t user, const char *q)
{
	const char *expr = db_fts_query(a, q);
	json_t *arr = json_array();
	if (!*expr)
		return arr;
	sqlite3_stmt *st = db_query(d, STMT_CHAT_SEARCH, user, expr, CHAT_PAGE);
	if (!st) {
		json_decref(arr);
		return NULL;
	}
	struct chat_message m;
	while (sqlite3_step(st) == SQLITE_ROW) {
		message_from_row(a, st, &m);
		json_t *o = chat_message_json(d, a, &m, user);
		json_object_set_new(o, "room_name",
				    json_string(db_text(st, 9)));
		json_object_set_new(o, "room_kind",
				    json_string(db_text(st, 10)));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return arr;
}
