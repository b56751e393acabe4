/* events.h - taking in security events (the events database). */
#ifndef SECURA_EVENTS_H
#define SECURA_EVENTS_H

#include "../core/buf.h"
#include "../core/db.h"
#include "../ml/anomaly.h"
#include "sources.h"

#include <jansson.h>
#include <stddef.h>

/* What a request's events came to: errors is [{line, reason}] (at most
 * 100), a new array the caller frees. */
struct events_result {
	long accepted, rejected;
	json_t *errors;
};

int events_take(db *d, const struct source *s, const struct anomaly_model *m,
		const char *body, size_t len, long max,
		struct events_result *r);
json_t *events_source_stats(db *d);
long events_from_hec(const char *body, size_t len, int raw, buf *out);

#endif
