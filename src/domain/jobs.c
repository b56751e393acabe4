/* jobs.c - the background work people ask for (a report over a large
 * period, a question to the language model, a retraining) as rows of one
 * queue. A request queues a job in its own transaction; the worker claims
 * the oldest due one in a committed transaction before it starts (so a
 * second worker or a restart never runs it twice at once), reports its
 * progress, and finishes it: done, queued again with exponential back-off
 * when it could not run, or failed after its last attempt. A worker that
 * was killed leaves jobs running; jobs_recover puts them back at start
 * without counting the interrupted attempt. */
#include "jobs.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/log.h"

#include <stdio.h>
#include <string.h>

/* Queues a job of kind about ref_id, due now, tried up to max_attempts
 * times. Inside the caller's transaction (with the row it works on).
 * Returns the job's id, or -1. */
int64_t jobs_queue(db *d, const char *kind, int64_t ref_id, int max_attempts)
{
	if (db_exec(d, STMT_JOB_QUEUE, kind, ref_id,
		    max_attempts < 1 ? 1 : max_attempts, clock_now()) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Records how far job id is (0-100) and what it is doing, committed at
 * once so whoever follows it sees it. Returns 0 or -1. */
int jobs_progress(db *d, int64_t id, int progress, const char *stage)
{
	return db_exec_tx(d, STMT_JOB_PROGRESS, id, progress, stage);
}

/* Puts the jobs a killed worker left running back in the queue, due now;
 * the interrupted attempt does not count. Returns 0 or -1. */
int jobs_recover(db *d)
{
	return db_exec_tx(d, STMT_JOB_RECOVER, clock_now());
}

/* Claims the oldest due job after job id after of one of kinds into j
 * (kind and strings in arena a). Returns 1 claimed, 0 none due, -1 on a
 * database error. */
static int claim(db *d, arena *a, const struct job_kind *kinds, size_t n,
		 int64_t after, struct job *j)
{
	buf names = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&names, "%s%s", i ? "," : "", kinds[i].name);
	int64_t now = clock_now();
	int rc = -1;
	if (db_begin(d) != 0)
		goto done;
	sqlite3_stmt *st =
	    db_query(d, STMT_JOB_NEXT, now, buf_cstr(&names), after);
	int step = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (step == SQLITE_ROW) {
		j->id = db_int(st, 0);
		j->kind = arena_strdup(a, db_text(st, 1));
		j->ref_id = db_int(st, 2);
		j->attempts = (int)db_int(st, 3) + 1;
		j->max_attempts = (int)db_int(st, 4);
	}
	if (st)
		sqlite3_reset(st);
	if (step == SQLITE_DONE) {
		db_rollback(d);
		rc = 0;
	} else if (step == SQLITE_ROW &&
		   db_exec(d, STMT_JOB_CLAIM, j->id, now) == 0 &&
		   db_commit(d) == 0) {
		rc = 1;
	} else {
		db_rollback(d);
	}
done:
	buf_free(&names);
	return rc;
}

/* Returns when job j runs again if this attempt fails: backoff seconds
 * after now, doubling with each attempt made; 0 when this was its last
 * attempt. */
int64_t jobs_retry_at(const struct job *j, int backoff)
{
	if (j->attempts >= j->max_attempts)
		return 0;
	int shift = j->attempts - 1 < 20 ? j->attempts - 1 : 20;
	return clock_now() + ((int64_t)backoff << shift);
}

/* Queues again, due now with fresh attempts, the job of kind about
 * ref_id that failed (or still waits). Inside the caller's transaction.
 * Returns 0, 1 when there is no such job to retry, or -1. */
int jobs_retry(db *d, const char *kind, int64_t ref_id)
{
	if (db_exec(d, STMT_JOB_RETRY, kind, ref_id, clock_now()) != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

/* Ends job j: done when ok, else queued again at jobs_retry_at, or
 * failed after its last attempt, with err kept. Returns 0 or -1. */
static int finish(db *d, const struct job *j, int ok, int backoff,
		  const char *err)
{
	int64_t now = clock_now(), again = ok ? 0 : jobs_retry_at(j, backoff);
	const char *state = ok ? "done" : again ? "queued" : "failed";
	return db_exec_tx(d, STMT_JOB_FINISH, j->id, state, again ? again : now,
			  now, ok ? "" : err);
}

/* Runs the oldest due job after job *after whose kind is in kinds (n of
 * them), finishes it and sets *after to its id: a round that starts at 0
 * runs each job due at most once, so a job retried with no back-off waits
 * for the next round. Returns 1 when one ran (whatever its outcome), 0
 * when none was due, -1 on a database error. */
int jobs_run_next(db *d, const struct job_kind *kinds, size_t n, int64_t *after)
{
	arena a;
	arena_init(&a);
	struct job j = {0};
	int rc = claim(d, &a, kinds, n, *after, &j);
	if (rc != 1)
		goto done;
	*after = j.id;
	const struct job_kind *k = NULL;
	for (size_t i = 0; i < n && !k; i++)
		if (!strcmp(kinds[i].name, j.kind))
			k = &kinds[i];
	char err[256] = "";
	int ok = k && k->run(d, &j, err, sizeof(err)) == 0;
	if (!ok)
		log_event(NULL, NULL, "job %lld (%s, attempt %d of %d): %s",
			  (long long)j.id, j.kind, j.attempts, j.max_attempts,
			  *err ? err : "failed");
	if (finish(d, &j, ok, k ? k->backoff : 0, err) != 0)
		rc = -1;
done:
	arena_free(&a);
	return rc;
}
