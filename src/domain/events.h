/* events.h - taking in security events (the events database). */
#ifndef SECURA_EVENTS_H
#define SECURA_EVENTS_H

#include "../core/buf.h"
#include "../core/db.h"
#include "../ml/anomaly.h"
#include "../ml/evfeat.h"
#include "scorer.h"
#include "sigma.h"
#include "sources.h"

#include <jansson.h>
#include <stddef.h>

/* What a request's events came to: errors is [{line, reason}] (at most
 * 100), a new array the caller frees. */
struct events_result {
	long accepted, rejected;
	json_t *errors;
	long retry_ms; /* when the writer was saturated (events_take 2) */
};

/* What a body holds. */
enum events_format {
	EVENTS_JSON,	   /* NDJSON, or one JSON array */
	EVENTS_ACCESS_LOG, /* web server access log lines (combined) */
};

int events_take(db *d, const struct source *s, const struct scorer *sc,
		sigma_set *rules, enum events_format format, const char *body,
		size_t len, long max, int64_t max_wait_ms,
		struct events_result *r);
/* Stores a finding Secura made itself (source 0): doc an ECS alert
 * event, why a rule's finding the alerts fold. Returns 0 or -1. */
int events_add_finding(db *ev, int64_t ts, const char *kind, const char *action,
		       json_t *doc, json_t *why);
json_t *events_predict(const struct scorer *sc, json_t *events,
		       const char *kind, int64_t now_ms);
json_t *events_source_stats(db *d);
/* Every source with its stats (events_source_stats'). New, or NULL. */
json_t *events_sources(db *main, db *ev);

/* What the event list filters on ("" or 0: any; min_score -1: any; from
 * and to in Unix milliseconds; words a LIKE pattern; verdict a class
 * of evclass_names). */
struct events_filter {
	int64_t source, from, to;
	const char *kind, *host, *user, *ip, *outcome, *words, *verdict;
	double min_score;
};
json_t *events_list(db *d, const struct events_filter *f, int limit, int offset,
		    int64_t *total);
json_t *events_get(db *d, int64_t id);
json_t *events_why(const char *text);
long events_prune(db *d, int64_t before_ms, int64_t max_bytes, int batch);
json_t *events_storage(db *d, int64_t days, int64_t max_mb);
json_t *events_activity(db *d, int64_t since_ms);
long events_from_hec(const char *body, size_t len, int raw, buf *out);

#endif
