/* scorer.h - the anomaly models the events are scored with, one per
 * kind, with the sliding windows their features feed: loaded at a
 * program's start, retrained models swapped in as they are adopted,
 * shared by the program's threads. */
#ifndef SECURA_SCORER_H
#define SECURA_SCORER_H

#include "../core/db.h"
#include "../ml/anomaly.h"
#include "../ml/evfeat.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#define SCORER_KINDS 8

/* The model of each kind (by its place in source_kinds; NULL: that kind
 * is stored unscored) and the windows the features feed. Read-only but
 * for the windows (which lock) and a retrained model's swap (the lock). */
struct scorer {
	evfeat_state *st;
	struct anomaly_model *model[SCORER_KINDS]; /* owned; under lock */
	_Atomic int64_t training[SCORER_KINDS];	   /* adopted in use, 0 */
	double bar[SCORER_KINDS]; /* an admin's alert threshold, 0: the
				     model's own; under lock */
	_Atomic int64_t checked_ms;
	pthread_rwlock_t lock; /* writers: a retrained model swapped in */
};

int scorer_open(struct scorer *sc, const char *models_dir, db *events);
int scorer_refresh(struct scorer *sc, db *d);
void scorer_hold(const struct scorer *sc);
void scorer_done(const struct scorer *sc);
void scorer_close(struct scorer *sc);
/* What scorer_judge says of one event. */
struct scorer_verdict {
	double score;	   /* 0 to 1; -1: the kind has no model */
	int never_seen;	   /* it had a value the training never had */
	char *why;	   /* a finding's reasons as JSON text (jsonmem_free) */
	const char *model; /* when the model was trained (borrowed) or NULL */
	int cls;      /* the classifier's class (evclass_names), -1: none */
	double cls_p; /* its probability */
};

int scorer_judge(const struct scorer *sc, evfeat_state *st, const char *kind,
		 json_t *doc, int64_t ts, struct scorer_verdict *v);
int scorer_threshold(db *d, const char *kind, double t, const char *reason,
		     int64_t user);
json_t *scorer_report(const struct scorer *sc, db *events, int64_t now_ms);

#endif
