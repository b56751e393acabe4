/* test_jobs.c - the jobs queue (domain/jobs.c) on a migrated database:
 * order, only the kinds a worker runs, progress, retries with doubling
 * back-off up to the last attempt, and recovery after a kill. */
#include "../../src/core/clock.h"
#include "../../src/core/db.h"
#include "../../src/domain/jobs.h"
#include "../testdb.h"
#include "../testhelp.h"

#include <stdio.h>
#include <string.h>

static int ran[16], nran, fail_first;

/* A job that records which row it ran for; fails while fail_first. */
static int run_ok(db *d, const struct job *j, char *err, size_t errlen)
{
	if (nran < 16)
		ran[nran++] = (int)j->ref_id;
	if (fail_first) {
		snprintf(err, errlen, "not yet (attempt %d)", j->attempts);
		return -1;
	}
	return jobs_progress(d, j->id, 50, "halfway");
}

/* Reads one integer of job id's row (column col of the jobs table). */
static int64_t job_int(db *d, int64_t id, const char *col)
{
	char sql[128];
	sqlite3_stmt *st;
	int64_t v = -999;
	snprintf(sql, sizeof(sql), "SELECT %s FROM jobs WHERE id = %lld", col,
		 (long long)id);
	if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Returns 1 when job id is in state. */
static int job_is(db *d, int64_t id, const char *state)
{
	char sql[128];
	sqlite3_stmt *st;
	int yes = 0;
	snprintf(sql, sizeof(sql), "SELECT state FROM jobs WHERE id = %lld",
		 (long long)id);
	if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		yes = !strcmp((const char *)sqlite3_column_text(st, 0), state);
	sqlite3_finalize(st);
	return yes;
}

/* Runs the next due job of kinds, from the oldest. */
static int run(db *d, const struct job_kind *kinds, size_t n)
{
	int64_t after = 0;
	return jobs_run_next(d, kinds, n, &after);
}

/* Queues a job in a transaction of its own. */
static int64_t queue(db *d, const char *kind, int64_t ref, int max)
{
	int64_t id = -1;
	if (db_begin(d) == 0) {
		id = jobs_queue(d, kind, ref, max);
		if (id < 0 || db_commit(d) != 0)
			db_rollback(d);
	}
	return id;
}

int main(void)
{
	char dir[] = "/tmp/secura-jobs-XXXXXX";
	db d;
	if (testdb_open(&d, dir) != 0)
		return 1;
	const struct job_kind kinds[] = {{"test", run_ok, 10},
					 {"other", run_ok, 10}};

	int64_t a = queue(&d, "test", 1, 3), b = queue(&d, "other", 2, 3),
		c = queue(&d, "elsewhere", 3, 3);
	test_cond("jobs are queued", a > 0 && b > a && c > b);
	int64_t after = 0;
	while (jobs_run_next(&d, kinds, 2, &after) == 1)
		;
	test_cond("due jobs run oldest first, only of the kinds given",
		  nran == 2 && ran[0] == 1 && ran[1] == 2);
	test_cond("a job of another kind stays queued",
		  job_is(&d, c, "queued"));
	test_cond("a job that ran is done, at 100%",
		  job_is(&d, a, "done") && job_int(&d, a, "progress") == 100 &&
		      job_int(&d, a, "attempts") == 1);

	/* retries: 10 s, then 20 s, then failed after the third attempt */
	fail_first = 1;
	nran = 0;
	int64_t r = queue(&d, "test", 7, 3);
	int64_t t0 = clock_now();
	run(&d, kinds, 1);
	int64_t at1 = job_int(&d, r, "run_at");
	test_cond("a job that could not run is queued again after its back-off",
		  job_is(&d, r, "queued") && at1 >= t0 + 10 && at1 <= t0 + 12);
	test_cond("and is not due before then", run(&d, kinds, 1) == 0);
	sqlite3_exec(d.h, "UPDATE jobs SET run_at = 0 WHERE state = 'queued'",
		     NULL, NULL, NULL);
	t0 = clock_now();
	run(&d, kinds, 1);
	int64_t at2 = job_int(&d, r, "run_at");
	test_cond("the back-off doubles", at2 >= t0 + 20 && at2 <= t0 + 22);
	sqlite3_exec(d.h, "UPDATE jobs SET run_at = 0 WHERE state = 'queued'",
		     NULL, NULL, NULL);
	run(&d, kinds, 1);
	test_cond("after its last attempt the job has failed, with the reason",
		  job_is(&d, r, "failed") && job_int(&d, r, "attempts") == 3 &&
		      nran == 3);

	/* a killed worker: the job it was running goes back, uncounted */
	int64_t k = queue(&d, "test", 9, 1);
	sqlite3_exec(d.h,
		     "UPDATE jobs SET state = 'running', attempts = 1 WHERE "
		     "ref_id = 9",
		     NULL, NULL, NULL);
	test_cond("recovery puts a running job back in the queue",
		  jobs_recover(&d) == 0 && job_is(&d, k, "queued") &&
		      job_int(&d, k, "attempts") == 0);
	fail_first = 0;
	test_cond("and it runs again",
		  run(&d, kinds, 1) == 1 && job_is(&d, k, "done"));

	/* a round runs each due job once: one retried at once waits */
	fail_first = 1;
	int64_t once = queue(&d, "now", 11, 3);
	const struct job_kind now_kind[] = {{"now", run_ok, 0}};
	int n = 0;
	after = 0;
	while (jobs_run_next(&d, now_kind, 1, &after) == 1)
		n++;
	test_cond("a round runs a job retried with no back-off only once",
		  n == 1 && job_is(&d, once, "queued") &&
		      run(&d, now_kind, 1) == 1 &&
		      job_int(&d, once, "attempts") == 2);
	testdb_close(&d, dir);
	return test_report();
}
