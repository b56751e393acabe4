/* webhooks.h - admin-registered receivers of signed JSON events. Each
 * event becomes one outbox delivery per subscribed webhook, in the
 * transaction of the change. */
#ifndef SECURA_WEBHOOKS_H
#define SECURA_WEBHOOKS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const webhooks_events[];

int webhooks_enqueue(db *d, const char *event, json_t *data);
int64_t webhooks_add(db *d, const char *url, const char *secret,
		     const char *kinds, int64_t actor);
int webhooks_disable(db *d, int64_t id);
json_t *webhooks_list(db *d);
json_t *webhooks_get(db *d, int64_t id);
int webhooks_secret(db *d, int64_t id, char *out, size_t outlen);

#endif
