/* anomaly_retrain.h - retraining an event kind's anomaly model from the
 * organisation's own stored events (the worker's "anomaly-retrain" job),
 * adopted only when it scores no worse than the current model on the
 * kind's labelled evaluation data. */
#ifndef SECURA_ANOMALY_RETRAIN_H
#define SECURA_ANOMALY_RETRAIN_H

#include "../core/db.h"
#include "jobs.h"

#include <stdint.h>

#define ANOMALY_RETRAIN_MIN_ROWS 1000

extern const char *const anomaly_retrain_kinds[];

int64_t anomaly_retrain_queue(db *d, const char *kind, int days, int64_t user);
int anomaly_retrain_run(db *d, const struct job *j, char *err, size_t errlen);

#endif
