/* webhooks.c - see webhooks.h. A delivery's body is
 * {"id": key, "event": ..., "created_at": ..., ...data}; the key is random
 * and also sent as X-Secura-Delivery so a receiver can drop repeats. */
#include "webhooks.h"

#include "../core/clock.h"
#include "../core/rand.h"
#include "outbox.h"

#include <stdio.h>
#include <string.h>

const char *const webhooks_events[] = {
    "incident.created",	 "incident.status",
    "incident.assigned", "incident.commented",
    "incident.updated",	 "deadline.warning",
    "deadline.breached", "sla.warning",
    "sla.breached",	 NULL};

/* Queues event with data (borrowed; its keys are merged into the body)
 * for every active webhook subscribed to it. Inside the caller's
 * transaction. Returns 0 or -1. */
int webhooks_enqueue(db *d, const char *event, json_t *data)
{
	sqlite3_stmt *st = db_query(d, STMT_WEBHOOK_FOR_KIND, event);
	if (!st)
		return -1;
	int64_t ids[64];
	char urls[64][512];
	int n = 0, rc;
	while (n < 64 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids[n] = db_int(st, 0);
		snprintf(urls[n++], sizeof(urls[0]), "%s", db_text(st, 1));
	}
	sqlite3_reset(st);
	char at[21];
	clock_iso(clock_now(), at);
	for (int i = 0; i < n; i++) {
		char key[RAND_TOKEN_LEN + 4];
		if (rand_token(key) != 0)
			return -1;
		json_t *body = json_pack("{ss ss ss}", "id", key, "event",
					 event, "created_at", at);
		json_object_update(body, data);
		rc =
		    outbox_add(d, "webhook", key, urls[i], ids[i], event, body);
		json_decref(body);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Registers a webhook (url, secret and kinds already validated).
 * Returns its id, or -1. Inside the caller's transaction. */
int64_t webhooks_add(db *d, const char *url, const char *secret,
		     const char *kinds, int64_t actor)
{
	if (db_exec(d, STMT_WEBHOOK_INSERT, url, secret, kinds, actor,
		    clock_now()) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Stops deliveries to a webhook (its history stays). Returns 0 or -1. */
int webhooks_disable(db *d, int64_t id)
{
	return db_exec(d, STMT_WEBHOOK_DISABLE, id);
}

/* One WEBHOOK_LIST/GET row's common part as a new JSON object. */
static json_t *row(sqlite3_stmt *st)
{
	return json_pack("{sI ss ss sb}", "id", (json_int_t)db_int(st, 0),
			 "url", db_text(st, 1), "kinds", db_text(st, 2),
			 "active", db_int(st, 3) != 0);
}

/* Returns every webhook (secrets left out) with its delivery counts as a
 * new JSON array; NULL on error. */
json_t *webhooks_list(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_WEBHOOK_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *w = row(st);
		char at[21];
		clock_iso(db_int(st, 4), at);
		json_object_set_new(w, "created_at", json_string(at));
		json_object_set_new(w, "sent", json_integer(db_int(st, 5)));
		json_object_set_new(w, "unsent", json_integer(db_int(st, 6)));
		json_array_append_new(arr, w);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Returns one webhook as a new JSON object, or NULL when missing. */
json_t *webhooks_get(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_WEBHOOK_GET, id);
	if (!st)
		return NULL;
	json_t *w = sqlite3_step(st) == SQLITE_ROW ? row(st) : NULL;
	sqlite3_reset(st);
	return w;
}

/* Copies a webhook's signing secret into out. Returns 0, or -1 when it
 * does not exist. */
int webhooks_secret(db *d, int64_t id, char *out, size_t outlen)
{
	sqlite3_stmt *st = db_query(d, STMT_WEBHOOK_SECRET, id);
	if (!st)
		return -1;
	int rc = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, outlen, "%s", db_text(st, 0));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}
