/* outbox.c - see outbox.h. Each delivery is a job of kind "delivery"
 * (domain/jobs.c claims it in a committed transaction before the network
 * call, retries it and recovers it after a kill); the row shows admins
 * its state: pending (due at next_at), sent, or dead after config
 * delivery_attempts, a failure doubling the delay from config
 * delivery_backoff. Rows of before 0013 may say sending. */
#include "outbox.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "jobs.h"

#include <stdlib.h>
#include <string.h>

const char *const outbox_states[] = {"pending", "sending", "sent", "dead",
				     NULL};

/* Queues one delivery, due now, with its job (tried up to
 * SECURA_DELIVERY_ATTEMPTS times). payload is borrowed. Inside the
 * caller's transaction. Returns 0 or -1. */
int outbox_add(db *d, const char *channel, const char *key,
	       const char *recipient, int64_t webhook_id, const char *subject,
	       json_t *payload)
{
	char *p = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	if (!p)
		return -1;
	int rc = db_exec(d, STMT_OUTBOX_INSERT, channel, key, recipient,
			 webhook_id, subject, p, clock_now());
	jsonmem_free(p);
	if (rc == 0 &&
	    jobs_queue(d, "delivery", sqlite3_last_insert_rowid(d->h),
		       config_get()->delivery_attempts) < 0)
		rc = -1;
	return rc;
}

/* Fills it from a row of OUTBOX_GET (strings in a). */
static void fill(arena *a, sqlite3_stmt *st, void *out)
{
	struct outbox_item *it = out;
	it->id = db_int(st, 0);
	it->channel = arena_strdup(a, db_text(st, 1));
	it->key = arena_strdup(a, db_text(st, 2));
	it->recipient = arena_strdup(a, db_text(st, 3));
	it->webhook_id = db_int(st, 4);
	it->subject = arena_strdup(a, db_text(st, 5));
	it->payload = arena_strdup(a, db_text(st, 6));
	it->attempts = (int)db_int(st, 7);
	it->state = arena_strdup(a, db_text(st, 8));
	it->next_at = db_int(st, 9);
	it->last_error = arena_strdup(a, db_text(st, 10));
	it->created_at = db_int(st, 11);
	it->sent_at = db_int(st, 12);
}

/* Loads one delivery. Returns 1 found, 0 not, -1 error. */
int outbox_get(db *d, arena *a, int64_t id, struct outbox_item *it)
{
	return db_one(db_query(d, STMT_OUTBOX_GET, id), fill, a, it);
}

/* Records the outcome of attempt j->attempts of delivery it, inside
 * its own transaction: sent; or, when it failed, pending until the job's
 * next run (backoff seconds, doubling), or dead after its last attempt.
 * Returns 0 or -1. */
int outbox_settle(db *d, const struct outbox_item *it, const struct job *j,
		  int ok, const char *error)
{
	int64_t now = clock_now();
	if (ok)
		return db_exec_tx(d, STMT_OUTBOX_SENT, it->id, now,
				  j->attempts);
	int64_t next = jobs_retry_at(j, (int)config_get()->delivery_backoff);
	return db_exec_tx(d, STMT_OUTBOX_FAILED, it->id,
			  next ? "pending" : "dead", next ? next : now,
			  error ? error : "failed", j->attempts);
}

/* Makes a dead (or waiting) delivery due now with fresh attempts.
 * Returns 0, 1 when it is not dead or pending, -1 on error. Inside the
 * caller's transaction. */
int outbox_retry(db *d, int64_t id)
{
	if (db_exec(d, STMT_OUTBOX_RETRY, id, clock_now()) != 0)
		return -1;
	if (!sqlite3_changes(d->h))
		return 1;
	return jobs_retry(d, "delivery", id) < 0 ? -1 : 0;
}

/* One delivery as a new JSON object (without its payload's secrets:
 * webhook payloads carry none, emails only the notification). */
json_t *outbox_json(const struct outbox_item *it)
{
	char next[21], created[21], sent[21] = "";
	clock_iso(it->next_at, next);
	clock_iso(it->created_at, created);
	if (it->sent_at)
		clock_iso(it->sent_at, sent);
	return json_pack(
	    "{sI ss ss ss ss ss si ss ss ss ss* sb}", "id", (json_int_t)it->id,
	    "channel", it->channel, "key", it->key, "recipient", it->recipient,
	    "subject", it->subject, "state", it->state, "attempts",
	    it->attempts, "next_at", next, "last_error", it->last_error,
	    "created_at", created, "sent_at", *sent ? sent : NULL, "retryable",
	    !strcmp(it->state, "dead") || !strcmp(it->state, "pending"));
}

/* Returns deliveries newest first (state "" for all) as a new JSON array
 * and their number in *total; NULL on error. */
json_t *outbox_list(db *d, arena *a, const char *state, int limit, int offset,
		    int64_t *total)
{
	*total = db_scalar(d, STMT_OUTBOX_COUNT, state);
	sqlite3_stmt *st = db_query(d, STMT_OUTBOX_LIST, state, limit, offset);
	if (*total < 0 || !st)
		return NULL;
	json_t *arr = json_array();
	struct outbox_item it;
	while (sqlite3_step(st) == SQLITE_ROW) {
		fill(a, st, &it);
		json_array_append_new(arr, outbox_json(&it));
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns {pending, sending, sent, dead} counts as a new object. */
json_t *outbox_counts(db *d)
{
	json_t *o = json_object();
	for (int i = 0; outbox_states[i]; i++)
		json_object_set_new(o, outbox_states[i], json_integer(0));
	sqlite3_stmt *st = db_query(d, STMT_OUTBOX_STATES);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, db_text(st, 0),
				    json_integer(db_int(st, 1)));
	if (st)
		sqlite3_reset(st);
	return o;
}
