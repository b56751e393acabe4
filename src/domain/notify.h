/* notify.h - notifications: one row per recipient per event, written in
 * the transaction of the change that causes it. The row is the source of
 * truth for the notification centre and the live stream; an email copy
 * (when the person chose email for that kind) and the webhook deliveries
 * go to the outbox in the same transaction. */
#ifndef SECURA_NOTIFY_H
#define SECURA_NOTIFY_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const notify_kinds[];    /* incident_new, ..., alert */
extern const char *const notify_channels[]; /* app, email, off */

int notify_incident_event(db *d, int64_t incident, int64_t actor,
			  const char *kind, const char *field,
			  const char *new_value, int internal);
int notify_send(db *d, int64_t user, const char *kind, int64_t incident,
		int64_t actor, const char *title, const char *body);
int notify_send_to(db *d, int64_t user, const char *kind, int64_t incident,
		   int64_t actor, const char *title, const char *body,
		   const char *link);
int notify_team(db *d, int64_t incident, int64_t assignee, const char *kind,
		const char *title);
int notify_alert(db *d, int64_t alert, const char *title);
int notify_many(db *d, enum stmt_id who, const char *kind, int64_t actor,
		const char *title, const char *link);
int notify_mentioned(db *d, const char *text, int64_t *ids, int *roles,
		     int max);
json_t *notify_row(sqlite3_stmt *st);
json_t *notify_list(db *d, int64_t user, int unread, int limit, int offset,
		    int64_t *total);
int64_t notify_unread(db *d, int64_t user);
int64_t notify_max(db *d);
typedef int (*notify_fn)(void *ud, int64_t id, int64_t user, json_t *n);
int notify_since(db *d, int64_t user, int64_t *after, int limit,
		 int (*want)(int64_t user), notify_fn fn, void *ud);
int notify_read(db *d, int64_t user, int64_t id);
int notify_read_all(db *d, int64_t user);
json_t *notify_prefs(db *d, int64_t user);
int notify_pref_set(db *d, int64_t user, const char *kind, const char *channel);

#endif
