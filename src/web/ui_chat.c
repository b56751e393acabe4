/* ui_chat.c - the security team's chat: the rooms one belongs to, a
 * room's history and its members, posting, editing and deleting one's
 * own messages, direct conversations, search, and an incident's room.
 * Anyone who is not a member of a room gets 404 for it and everything in
 * it. Messages are not audited one by one; rooms and memberships are. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/perm.h"
#include "../core/utf8.h"
#include "../domain/chat.h"
#include "../domain/incidents.h"

#include <string.h>

const struct field ui_chat_room_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 80, NULL, "Name"},
    {"topic", V_LINE, 0, 0, 300, NULL, "Topic"},
    {"members", V_INT, F_MULTI, 1, INT64_MAX, NULL, "Members"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_chat_message_fields[] = {
    {"body", V_TEXT, F_REQUIRED, 1, 10000, NULL, "Message"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_chat_member_fields[] = {
    {"user_id", V_INT, F_REQUIRED, 1, INT64_MAX, NULL, "Person"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_chat_history_fields[] = {
    {"before", V_INT, 0, 1, INT64_MAX, NULL, "Before"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};
const struct field ui_chat_search_fields[] = {
    {"q", V_LINE, 0, 0, 200, NULL, "Search"}, {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /chat - the rooms and conversations the caller belongs to, with
 * unread counts; the people to talk to; the form for a new room. */
int ui_chat_index(struct ctx *c)
{
	json_t *rooms = chat_rooms_of(c->db, c->me.user_id);
	json_t *people = chat_people(c->db, c->me.user_id);
	if (!rooms || !people) {
		json_decref(rooms);
		json_decref(people);
		return -1;
	}
	c->view = json_pack("{so so sb sb}", "rooms", rooms, "people", people,
			    "can_create", perm_has(c->me.role, PERM_CHAT_ROOMS),
			    "on_team", c->me.role != ROLE_MANAGER);
	return 0;
}

/* Loads room {id} for the caller into r. Returns 1, 0 with 404 recorded
 * (no such room, or the caller is not a member), or -1. */
static int load_room(struct ctx *c, int64_t id, struct chat_room *r)
{
	int rc = chat_room_get(c->db, c->a, id, c->me.user_id, r);
	if (rc < 0)
		return -1;
	if (rc == 0 || !r->member)
		return ctx_fail(c, 404, "not_found", "There is no such room.");
	return 1;
}

/* Returns the room's name as its messages' live deliveries say it. */
static const char *room_label(struct ctx *c, const struct chat_room *r)
{
	if (!strcmp(r->kind, "incident"))
		return arena_printf(c->a, "%s %s", r->incident_ref,
				    r->incident_title);
	if (!strcmp(r->kind, "direct"))
		return arena_printf(c->a, "%s (direct)",
				    *c->me.name ? c->me.name : c->me.email);
	return r->name;
}

/* Builds the room page's view: the room, a page of its history (before
 * a message, or the latest, marked read), its members and, for those who
 * manage rooms, who may be added. Returns 0 or -1. */
static int room_view(struct ctx *c, const struct chat_room *r)
{
	int64_t before = ctx_int(c, "before", 0);
	json_t *msgs = chat_messages(c->db, c->a, r->id, before, c->me.user_id);
	json_t *members = chat_members(c->db, r->id);
	json_t *people = chat_people(c->db, c->me.user_id);
	if (!msgs || !members || !people) {
		json_decref(msgs);
		json_decref(members);
		json_decref(people);
		return -1;
	}
	size_t n = json_array_size(msgs);
	int64_t first = n ? json_integer_value(
				json_object_get(json_array_get(msgs, 0), "id"))
			  : 0;
	int64_t last = n ? json_integer_value(json_object_get(
			       json_array_get(msgs, n - 1), "id"))
			 : 0;
	if (!before && last &&
	    chat_mark_read(c->db, r->id, c->me.user_id, last))
		goto fail;
	/* who is not in the room yet, and the others in it */
	json_t *addable = json_array(), *others = json_array(), *p;
	size_t i, k;
	json_array_foreach(people, i, p)
	{
		int in = 0;
		json_t *m;
		json_array_foreach(members, k, m) in |=
		    json_integer_value(json_object_get(m, "id")) ==
		    json_integer_value(json_object_get(p, "id"));
		json_array_append(in ? others : addable, p);
	}
	json_decref(people);
	c->view =
	    json_pack("{so so so so so sb sb sI}", "room", chat_room_json(r),
		      "messages", msgs, "members", members, "addable", addable,
		      "others", others, "can_post", !r->read_only, "can_manage",
		      perm_has(c->me.role, PERM_CHAT_ROOMS) &&
			  strcmp(r->kind, "direct") != 0,
		      "older", (json_int_t)(n == CHAT_PAGE ? first : 0));
	json_object_set_new(
	    c->view, "post_action",
	    json_string(arena_printf(c->a, "/chat/rooms/%lld/messages",
				     (long long)r->id)));
	return 0;
fail:
	json_decref(msgs);
	json_decref(members);
	json_decref(people);
	return -1;
}

/* GET /chat/rooms/{id} - a room: its history (?before= pages back), its
 * members and the form to write. */
int ui_chat_room(struct ctx *c)
{
	struct chat_room r;
	int rc = load_room(c, c->id, &r);
	return rc <= 0 ? rc : room_view(c, &r);
}

/* Adds each of the comma-separated user ids to room; refuses (422, the
 * field's message) anyone who may not be in a room. Returns 0, 1 with the
 * error recorded, or -1. */
static int add_members(struct ctx *c, int64_t room, const char *ids)
{
	for (const char *p = ids; p && *p;) {
		int64_t id = 0;
		size_t n = strcspn(p, ",");
		char one[24];
		snprintf(one, sizeof(one), "%.*s", (int)(n < 23 ? n : 23), p);
		p += n + (p[n] == ',');
		if (valid_int(one, 1, INT64_MAX, &id) != 0)
			continue;
		int rc = chat_member_add(c->db, room, id);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			ctx_field_error(
			    c, "members",
			    "Members must be people of the security "
			    "team or managers");
			return 1;
		}
	}
	return 0;
}

/* POST /chat/rooms - a lead makes a room with a name, a topic and its
 * members (the team; managers read-only); the lead is in it too. */
int ui_chat_room_create(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id =
	    chat_room_create(c->db, "room", ctx_val(c, "name"),
			     ctx_val(c, "topic"), 0, NULL, c->me.user_id);
	if (id < 0 || chat_member_add(c->db, id, c->me.user_id) < 0)
		return -1;
	int rc = add_members(c, id, ctx_val(c, "members"));
	if (rc != 0) {
		db_rollback(c->db);
		return rc < 0 ? -1 : 0;
	}
	struct chat_room r;
	if (ui_commit(c, "chat.room_create", "chat_room", id,
		      json_pack("{ss ss}", "name", ctx_val(c, "name"),
				"members",
				ctx_val(c, "members") ? ctx_val(c, "members")
						      : "")) != 0 ||
	    chat_room_get(c->db, c->a, id, c->me.user_id, &r) != 1)
		return -1;
	c->view = json_pack("{so}", "room", chat_room_json(&r));
	c->status = 201;
	return ctx_redirect(
	    c, arena_printf(c->a, "/chat/rooms/%lld", (long long)id), NULL);
}

/* Posts the form's body to room r as the caller inside the open
 * transaction, tells its members' live streams and the people it
 * mentions, commits, and sends the browser to the message. created: the
 * room was made for this message (a first direct message), audited. */
static int post(struct ctx *c, const struct chat_room *r, int created)
{
	const char *body = ctx_val(c, "body");
	int64_t id = chat_post(c->db, r->id, c->me.user_id, body);
	if (id < 0)
		return -1;
	const char *url = arena_printf(c->a, "/chat/rooms/%lld#m%lld",
				       (long long)r->id, (long long)id);
	char excerpt[201];
	snprintf(excerpt, sizeof(excerpt), "%.*s",
		 (int)utf8_cut(body, sizeof(excerpt) - 1), body);
	const char *label = room_label(c, r);
	if (chat_deliver(c->db, r->id, c->me.user_id, label, excerpt, url) !=
		0 ||
	    chat_notify_mentions(c->db, r->id, c->me.user_id, body,
				 arena_printf(c->a, "Mentioned in %s", label),
				 url) != 0)
		return -1;
	/* messages are many and not audited; a room made for one is */
	if (created ? ui_commit(c, "chat.room_create", "chat_room", r->id,
				json_pack("{ss}", "kind", "direct"))
		    : db_commit(c->db))
		return -1;
	struct chat_message m;
	if (chat_message_get(c->db, c->a, id, &m) != 1)
		return -1;
	c->view = json_pack("{so}", "message",
			    chat_message_json(c->db, c->a, &m, c->me.user_id));
	c->status = 201;
	return ctx_redirect(c, url, NULL);
}

/* POST /chat/rooms/{id}/messages - writes in a room (members who are
 * not read-only). */
int ui_chat_post(struct ctx *c)
{
	struct chat_room r;
	int rc = load_room(c, c->id, &r);
	if (rc <= 0)
		return rc;
	if (r.read_only)
		return ctx_fail(c, 403, "read_only",
				"You may read this room but not write in it.");
	if (db_begin(c->db) != 0)
		return -1;
	return post(c, &r, 0);
}

/* Returns 1 when the caller may talk directly with {id}: both on the team
 * (not managers), not oneself; else records 404 and returns 0; -1 on
 * error. */
static int direct_allowed(struct ctx *c)
{
	if (c->me.role == ROLE_MANAGER || c->id == c->me.user_id)
		return ctx_fail(c, 404, "not_found",
				"There is no such person.");
	int role = chat_person_role(c->db, c->id);
	if (role == -2)
		return -1;
	if (role == ROLE_NONE || role == ROLE_MANAGER)
		return ctx_fail(c, 404, "not_found",
				"There is no such person.");
	return 1;
}

/* GET /chat/direct/{id} - the conversation with a person of the team: its
 * room when it exists, else an empty one whose first message makes it. */
int ui_chat_direct(struct ctx *c)
{
	int rc = direct_allowed(c);
	if (rc <= 0)
		return rc;
	int64_t room = chat_direct_find(c->db, c->me.user_id, c->id);
	if (room < 0)
		return -1;
	if (room)
		return ctx_redirect(
		    c, arena_printf(c->a, "/chat/rooms/%lld", (long long)room),
		    NULL);
	struct chat_room r = {.kind = "direct", .name = "", .topic = ""};
	json_t *people = chat_people(c->db, c->me.user_id), *p, *others;
	if (!people)
		return -1;
	others = json_array();
	size_t i;
	json_array_foreach(
	    people, i, p) if (json_integer_value(json_object_get(p, "id")) ==
			      c->id) json_array_append(others, p);
	json_decref(people);
	c->view = json_pack(
	    "{so s[] s[] s[] so sb sb ss}", "room", chat_room_json(&r),
	    "messages", "members", "addable", "others", others, "can_post", 1,
	    "can_manage", 0, "post_action",
	    arena_printf(c->a, "/chat/direct/%lld", (long long)c->id));
	return 0;
}

/* POST /chat/direct/{id} - writes to a person of the team, making the
 * conversation on the first message. */
int ui_chat_direct_post(struct ctx *c)
{
	int rc = direct_allowed(c);
	if (rc <= 0)
		return rc;
	int64_t before = chat_direct_find(c->db, c->me.user_id, c->id);
	if (before < 0 || db_begin(c->db) != 0)
		return -1;
	int64_t room = chat_direct_open(c->db, c->me.user_id, c->id);
	struct chat_room r;
	if (room < 0 ||
	    chat_room_get(c->db, c->a, room, c->me.user_id, &r) != 1)
		return -1;
	return post(c, &r, before == 0);
}

/* Runs a change of membership of room {id} (a lead's or admin's, not of
 * a direct conversation) with its audit row, back to the room. */
static int member_change(struct ctx *c, int64_t user, int add)
{
	struct chat_room r;
	int rc = load_room(c, c->id, &r);
	if (rc <= 0)
		return rc;
	if (!strcmp(r.kind, "direct"))
		return ctx_fail(c, 409, "direct",
				"A direct conversation stays between two "
				"people.");
	if (db_begin(c->db) != 0)
		return -1;
	rc = add ? chat_member_add(c->db, r.id, user)
		 : chat_member_remove(c->db, r.id, user);
	if (rc <= 0) {
		if (rc < 0)
			return -1;
		db_rollback(c->db);
		return add ? ctx_field_error(c, "user_id",
					     "Members must be people of the "
					     "security team or managers")
			   : ctx_fail(c, 404, "not_found",
				      "That person is not in this room.");
	}
	if (ui_commit(c, add ? "chat.member_add" : "chat.member_remove",
		      "chat_room", r.id, json_pack("{sI}", "user", user)) != 0)
		return -1;
	c->view = json_pack("{sb}", "ok", 1);
	return ctx_redirect(
	    c, arena_printf(c->a, "/chat/rooms/%lld", (long long)r.id),
	    add ? "Added to the room." : "Removed from the room.");
}

/* POST /chat/rooms/{id}/members - adds a person (user_id). */
int ui_chat_member_add(struct ctx *c)
{
	return member_change(c, ctx_int(c, "user_id", 0), 1);
}

/* POST /chat/rooms/{id}/members/{sub}/remove - removes a person: their
 * access, live stream included, ends at once. */
int ui_chat_member_remove(struct ctx *c)
{
	return member_change(c, c->sub, 0);
}

/* Loads message {id} for a change by its author within CHAT_EDIT_SECS,
 * in a room the caller is in. Returns 1, 0 with the answer recorded
 * (404, 403 not theirs, 409 too late or deleted), or -1. */
static int load_own(struct ctx *c, struct chat_message *m)
{
	struct chat_room r;
	int rc = chat_message_get(c->db, c->a, c->id, m);
	if (rc <= 0)
		return rc < 0
			   ? -1
			   : ctx_fail(c, 404, "not_found", "No such message.");
	rc = load_room(c, m->room_id, &r);
	if (rc <= 0)
		return rc;
	if (m->author_id != c->me.user_id)
		return ctx_fail(c, 403, "not_yours",
				"Only its author may change a message.");
	if (m->deleted_at || clock_now() - m->created_at > CHAT_EDIT_SECS)
		return ctx_fail(c, 409, "too_late",
				"A message can be changed for 15 minutes.");
	return 1;
}

/* POST /chat/messages/{id}/edit and /delete - the author changes or
 * deletes their message within 15 minutes; what it said is kept. */
static int change(struct ctx *c, int del)
{
	struct chat_message m;
	int rc = load_own(c, &m);
	if (rc <= 0)
		return rc;
	if (db_begin(c->db) != 0 ||
	    (del ? chat_delete(c->db, &m)
		 : chat_edit(c->db, &m, ctx_val(c, "body"))) != 0 ||
	    db_commit(c->db) != 0 ||
	    chat_message_get(c->db, c->a, m.id, &m) != 1)
		return -1;
	c->view = json_pack("{so}", "message",
			    chat_message_json(c->db, c->a, &m, c->me.user_id));
	return ctx_redirect(c,
			    arena_printf(c->a, "/chat/rooms/%lld#m%lld",
					 (long long)m.room_id, (long long)m.id),
			    del ? "Message deleted." : "Message changed.");
}

/* POST /chat/messages/{id}/edit */
int ui_chat_edit(struct ctx *c)
{
	return change(c, 0);
}

/* POST /chat/messages/{id}/delete */
int ui_chat_delete(struct ctx *c)
{
	return change(c, 1);
}

/* GET /chat/search - messages of the caller's rooms matching q. */
int ui_chat_search(struct ctx *c)
{
	const char *q = ctx_val(c, "q");
	json_t *hits = chat_search(c->db, c->a, c->me.user_id, q ? q : "");
	if (!hits)
		return -1;
	c->view = json_pack("{so ss}", "results", hits, "q", q ? q : "");
	return 0;
}

/* POST /incidents/{id}/room - the incident's room: made on the first
 * click with the caller and the assignee in it, joined after. */
int ui_chat_incident_room(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	int64_t room = chat_incident_room(c->db, in.id);
	if (room < 0 || db_begin(c->db) != 0)
		return -1;
	int made = room == 0;
	if (made)
		room = chat_room_create(c->db, "incident", in.ref, in.title,
					in.id, NULL, c->me.user_id);
	if (room < 0 || chat_member_add(c->db, room, c->me.user_id) < 0 ||
	    (made && in.assignee_id &&
	     chat_member_add(c->db, room, in.assignee_id) < 0) ||
	    ui_commit(c, made ? "chat.room_create" : "chat.member_add",
		      "chat_room", room,
		      json_pack("{ss sI}", "incident", in.ref, "user",
				(json_int_t)c->me.user_id)) != 0)
		return -1;
	c->view = json_pack("{sI}", "room", (json_int_t)room);
	return ctx_redirect(
	    c, arena_printf(c->a, "/chat/rooms/%lld", (long long)room), NULL);
}
