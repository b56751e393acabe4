/* delivery.h - the delivery worker's work: sends due outbox items (email
 * through SMTP, webhooks as signed JSON POSTs) and records each outcome.
 * Claims are committed before the network call, so a killed worker can
 * only cause a repeat (at least once), never a loss or a false "sent". */
#ifndef SECURA_DELIVERY_H
#define SECURA_DELIVERY_H

#include "../core/db.h"

int delivery_batch(db *d, int max, int *sent, int *failed);

#endif
