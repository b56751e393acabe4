/* delivery.h - the "delivery" job: sends one outbox item (email through
 * SMTP, webhooks as signed JSON POSTs) and records its outcome. Jobs are
 * claimed in a committed transaction before the network call, so a
 * killed worker can only cause a repeat (at least once), never a loss or
 * a false "sent". */
#ifndef SECURA_DELIVERY_H
#define SECURA_DELIVERY_H

#include "../core/db.h"
#include "jobs.h"

#include <stddef.h>

int delivery_run(db *d, const struct job *j, char *err, size_t errlen);

#endif
