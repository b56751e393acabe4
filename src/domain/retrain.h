/* retrain.h - training a model from the organisation's own labels (the
 * decisions people made on suggestions) and adopting it only when it is
 * not worse than the current model on a held-out part of those labels. */
#ifndef SECURA_RETRAIN_H
#define SECURA_RETRAIN_H

#include "../core/db.h"
#include "jobs.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define RETRAIN_MIN_ROWS 20

int64_t retrain_queue(db *d, const char *kind, int64_t user);
int64_t retrain_queue_job(db *d, const char *kind, int64_t user, int days,
			  const char *job);
int retrain_finish(db *d, int64_t id, const char *status, int rows,
		   json_t *metrics, const char *path, const char *message);
int retrain_run(db *d, const struct job *j, char *err, size_t errlen);
int64_t retrain_labelled(db *d, const char *kind);
int retrain_busy(db *d, const char *kind);
json_t *retrain_list(db *d);
json_t *retrain_drift(db *d, const char *kind, int64_t since);

#endif
