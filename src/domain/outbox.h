/* outbox.h - outbound deliveries (email, webhooks): queued in the
 * transaction of the change that causes them with a job each, sent by the
 * worker (domain/delivery.c), shown to admins. */
#ifndef SECURA_OUTBOX_H
#define SECURA_OUTBOX_H

#include "../core/arena.h"
#include "../core/db.h"
#include "jobs.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const outbox_states[]; /* pending sending sent dead */

struct outbox_item {
	int64_t id, webhook_id;
	const char *channel, *key, *recipient, *subject, *payload, *state;
	const char *last_error;
	int attempts;
	int64_t next_at, created_at, sent_at;
};

int outbox_add(db *d, const char *channel, const char *key,
	       const char *recipient, int64_t webhook_id, const char *subject,
	       json_t *payload);
int outbox_settle(db *d, const struct outbox_item *it, const struct job *j,
		  int ok, const char *error);
int outbox_retry(db *d, int64_t id);
int outbox_get(db *d, arena *a, int64_t id, struct outbox_item *it);
json_t *outbox_json(const struct outbox_item *it);
json_t *outbox_list(db *d, arena *a, const char *state, int limit, int offset,
		    int64_t *total);
json_t *outbox_counts(db *d);

#endif
