/* evfeat.h - the anomaly features of a security event, by kind: one
 * declared table of named features per kind, computed from the event's
 * normalised ECS document and, for rates, fan-out and "first time", the
 * sliding windows of an evfeat_state (fed in event order). */
#ifndef SECURA_EVFEAT_H
#define SECURA_EVFEAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The windows one stream of events feeds; thread-safe. */
typedef struct evfeat_state evfeat_state;

#define EVFEAT_MAX_NUM 128
#define EVFEAT_MAX_CAT 4

/* A kind's columns: numeric features then categorical ones. */
struct evfeat_columns {
	int nnum, ncat;
	const char *num_names[EVFEAT_MAX_NUM], *cat_names[EVFEAT_MAX_CAT];
};

evfeat_state *evfeat_state_new(size_t slots);
void evfeat_state_free(evfeat_state *st);
void evfeat_state_seen(evfeat_state *st, const char *user, const char *host,
		       int64_t ts_ms);
int evfeat_columns(const char *kind, struct evfeat_columns *cols);
int evfeat_compute(evfeat_state *st, const char *kind, json_t *doc,
		   int64_t ts_ms, double *num, const char **cat);
json_t *evfeat_member(json_t *doc, const char *path);
const char *evfeat_kind_of(json_t *doc);

#endif
