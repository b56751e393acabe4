/* chat.h - the security team's chat: rooms (a lead's, an incident's, or a
 * direct conversation between two people), their members, markdown
 * messages with their edits, read markers, search, and the delivery of
 * each message to its members' live streams. */
#ifndef SECURA_CHAT_H
#define SECURA_CHAT_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define CHAT_EDIT_SECS (15 * 60) /* one's own message: edit or delete */
#define CHAT_PAGE      50

struct chat_room {
	int64_t id, incident_id, created_at, last_read_id;
	const char *kind, *name, *topic, *incident_ref, *incident_title;
	int read_only, member;
};

struct chat_message {
	int64_t id, room_id, author_id, created_at, edited_at, deleted_at;
	const char *email, *name, *body;
};

int chat_room_get(db *d, arena *a, int64_t id, int64_t user,
		  struct chat_room *r);
json_t *chat_room_json(const struct chat_room *r);
json_t *chat_rooms_of(db *d, int64_t user);
int64_t chat_unread(db *d, int64_t user);
int64_t chat_room_create(db *d, const char *kind, const char *name,
			 const char *topic, int64_t incident, const char *pair,
			 int64_t creator);
int chat_member_add(db *d, int64_t room, int64_t user);
int chat_member_remove(db *d, int64_t room, int64_t user);
json_t *chat_members(db *d, int64_t room);
json_t *chat_people(db *d, int64_t except);
int chat_person_role(db *d, int64_t user);
int64_t chat_direct_find(db *d, int64_t a, int64_t b);
int64_t chat_direct_open(db *d, int64_t a, int64_t b);
int64_t chat_incident_room(db *d, int64_t incident);
int64_t chat_post(db *d, int64_t room, int64_t author, const char *body);
int chat_deliver(db *d, int64_t room, int64_t author, const char *title,
		 const char *html, const char *url);
int chat_notify_mentions(db *d, int64_t room, int64_t author, const char *body,
			 const char *title, const char *url);
int chat_mark_read(db *d, int64_t room, int64_t user, int64_t upto);
int chat_message_get(db *d, arena *a, int64_t id, struct chat_message *m);
json_t *chat_message_json(db *d, arena *a, const struct chat_message *m,
			  int64_t me);
json_t *chat_messages(db *d, arena *a, int64_t room, int64_t before,
		      int64_t me);
int chat_edit(db *d, const struct chat_message *m, const char *body);
int chat_delete(db *d, const struct chat_message *m);
json_t *chat_search(db *d, arena *a, int64_t user, const char *q);
const char *chat_render(db *d, arena *a, const char *body);

#endif
