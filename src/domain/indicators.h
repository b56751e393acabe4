/* indicators.h - indicators of compromise linked to incidents: recorded
 * from descriptions, comments and text evidence, listed per incident with
 * how many other incidents share each, a page per indicator, the most
 * frequent in a period, and an incident's indicators as a STIX 2.1
 * bundle. Visibility is the caller's job: only the security team and
 * managers see indicators (they reveal other incidents). */
#ifndef SECURA_INDICATORS_H
#define SECURA_INDICATORS_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../ml/ioc.h"
#include "incidents.h"

#include <jansson.h>
#include <stdint.h>

int indicators_link(db *d, int64_t incident, const char *source,
		    const struct iocs *v, int64_t now);
int indicators_record(db *d, int64_t incident, const char *source,
		      const char *text, size_t len, int64_t now);
json_t *indicators_of(db *d, int64_t incident);
json_t *indicators_get(db *d, int64_t id, int limit, int offset);
json_t *indicators_list(db *d, const char *kind, const char *like, int limit,
			int offset, int64_t *total);
json_t *indicators_top(db *d, int64_t from, int64_t to, int limit);
json_t *indicators_stix(db *d, const struct incident *in, const char *org);

#endif
