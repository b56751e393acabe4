/* report_jobs.h - compliance reports made by the worker. */
#ifndef SECURA_REPORT_JOBS_H
#define SECURA_REPORT_JOBS_H

#include "../core/arena.h"
#include "../core/db.h"
#include "jobs.h"

#include <jansson.h>
#include <stdint.h>

int64_t report_jobs_queue(db *d, const char *kind, const char *params,
			  const char *subject, int64_t user);
int report_jobs_run(db *d, const struct job *j, char *err, size_t errlen);
json_t *report_jobs_get(db *d, arena *a, int64_t id, int64_t *owner,
			const char **file);

#endif
