/* jobs.h - one queue for the worker's background work (schema/0012). */
#ifndef SECURA_JOBS_H
#define SECURA_JOBS_H

#include "../core/db.h"

#include <stddef.h>
#include <stdint.h>

/* A claimed job: its kind, the row of that kind it works on, and which
 * attempt this is (from 1). */
struct job {
	int64_t id, ref_id;
	const char *kind;
	int attempts, max_attempts;
};

/* What the worker can run. run records its outcome in its own rows and
 * returns 0 when it ran (whatever that outcome), or -1 with a reason in
 * err when it could not (the job is then tried again after backoff
 * seconds, doubling each time, up to its max_attempts). */
struct job_kind {
	const char *name;
	int (*run)(db *d, const struct job *j, char *err, size_t errlen);
	int backoff;
};

int64_t jobs_queue(db *d, const char *kind, int64_t ref_id, int max_attempts);
int jobs_progress(db *d, int64_t id, int progress, const char *stage);
int jobs_recover(db *d);
int jobs_retry(db *d, const char *kind, int64_t ref_id);
int64_t jobs_retry_at(const struct job *j, int backoff);
int jobs_run_next(db *d, const struct job_kind *kinds, size_t n,
		  int64_t *after);

#endif
