/* report_jobs.c - a report over a large period is made by the worker as
 * a job: the page queues it and follows its progress (collecting the
 * data, drawing the pages, registering); the PDF goes to
 * $SECURA_DATA/reports/job-<id>.pdf and is registered and audited as
 * made for who asked. */
#include "report_jobs.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/sha256.h"
#include "audit.h"
#include "report_data.h"
#include "report_pdf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Queues report kind for params (compact JSON) about subject, asked by
 * user, with its job. Inside the caller's transaction. Returns the
 * report job's id, or -1. */
int64_t report_jobs_queue(db *d, const char *kind, const char *params,
			  const char *subject, int64_t user)
{
	if (db_exec(d, STMT_REPORT_JOB_QUEUE, kind, params, subject, user,
		    clock_now()) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	return jobs_queue(d, "report", id, 3) < 0 ? -1 : id;
}

/* Registers the drawn report (kind, params, hashes, pages) as made for
 * user (email) by job, with its audit row, in one transaction. Returns 0
 * or -1. */
static int record(db *d, const struct job *j, const char *kind, json_t *params,
		  const char *data_sha, const char *pdf_sha, int pages,
		  int64_t user, const char *email)
{
	char oid[24];
	struct audit_entry e = {user,	  email, "worker", "report.generate",
				"report", oid,	 NULL};
	int ok = db_begin(d) == 0 && report_record(d, kind, params, data_sha,
						   pdf_sha, pages, user) == 0;
	snprintf(oid, sizeof(oid), "%lld",
		 (long long)sqlite3_last_insert_rowid(d->h));
	e.detail = json_pack("{ss sO ss si sI}", "kind", kind, "params", params,
			     "data_sha256", data_sha, "pages", pages, "job",
			     (json_int_t)j->ref_id);
	ok = ok && audit_append(d, &e) == 0 && db_commit(d) == 0;
	json_decref(e.detail);
	if (!ok)
		db_rollback(d);
	return ok ? 0 : -1;
}

/* The "report" job: makes report job j->ref_id - collects the data,
 * draws the PDF into the reports folder, registers and audits it - with
 * progress along the way, and records done or failed (with the reason)
 * on the report job. Returns 0 when it ran, -1 (err) when it could not
 * reach the database. */
int report_jobs_run(db *d, const struct job *j, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_query(d, STMT_REPORT_JOB_ROW, j->ref_id);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		snprintf(err, errlen, "report job %lld: no such row",
			 (long long)j->ref_id);
		return -1;
	}
	arena a;
	arena_init(&a);
	const char *kind = arena_strdup(&a, db_text(st, 0)),
		   *subject = arena_strdup(&a, db_text(st, 2)),
		   *email = arena_strdup(&a, db_text(st, 4));
	int64_t user = db_int(st, 3);
	json_t *params = json_loads(db_text(st, 1), 0, NULL);
	sqlite3_reset(st);
	const char *dir =
	    arena_printf(&a, "%s/reports", config_get()->data_dir);
	const char *file =
	    arena_printf(&a, "%s/job-%lld.pdf", dir, (long long)j->ref_id);
	char why[160] = "", data_sha[65] = "", pdf_sha[65];
	int pages = 0, ok = 0, rc = -1;
	buf out = BUF_INIT;
	if (db_exec_tx(d, STMT_REPORT_JOB_START, j->ref_id) != 0 ||
	    jobs_progress(d, j->id, 5, "collecting the data") != 0)
		goto done;
	json_t *data =
	    params ? report_data(d, &a, kind, params, why, sizeof(why)) : NULL;
	if (data) {
		report_hash(data, data_sha);
		jobs_progress(d, j->id, 40, "drawing the pages");
		FILE *f = NULL;
		ok = report_pdf_draw(&a, kind, data, subject, email, data_sha,
				     &out, &pages, why, sizeof(why)) == 0 &&
		     (mkdir(dir, 0750) == 0 || errno == EEXIST) &&
		     (f = fopen(file, "wb")) != NULL &&
		     fwrite(out.data, 1, out.len, f) == out.len;
		if (f && fclose(f) != 0)
			ok = 0;
		if (!ok && !*why)
			snprintf(why, sizeof(why), "cannot write %s", file);
		json_decref(data);
	}
	if (ok) {
		jobs_progress(d, j->id, 90, "registering the report");
		sha256_hex(out.data, out.len, pdf_sha);
		ok = record(d, j, kind, params, data_sha, pdf_sha, pages, user,
			    email) == 0;
		if (!ok)
			snprintf(why, sizeof(why),
				 "cannot register the report");
	}
	if (!ok)
		unlink(file);
	if (db_exec_tx(d, STMT_REPORT_JOB_FINISH, j->ref_id,
		       ok ? "done" : "failed", ok ? 100 : 0,
		       ok ? "ready" : "failed", ok ? file : "", data_sha, pages,
		       ok ? "" : why, clock_now()) == 0)
		rc = 0;
done:
	if (rc != 0)
		snprintf(err, errlen, "report job %lld: %s",
			 (long long)j->ref_id, db_errmsg(d));
	buf_free(&out);
	json_decref(params);
	arena_free(&a);
	return rc;
}

/* A report job row (REPORT_JOB_GET) as a new JSON object. */
static json_t *job_json(sqlite3_stmt *st)
{
	char at[21], fin[21] = "";
	clock_iso(db_int(st, 11), at);
	if (db_int(st, 12))
		clock_iso(db_int(st, 12), fin);
	const char *status = db_text(st, 4);
	json_int_t id = (json_int_t)db_int(st, 0);
	char url[64];
	snprintf(url, sizeof(url), "/reports/jobs/%lld/file", (long long)id);
	return json_pack(
	    "{sI ss ss ss si ss ss si ss ss ss sb sb ss sI}", "id", id, "kind",
	    db_text(st, 1), "subject", db_text(st, 2), "status", status,
	    "progress", (int)db_int(st, 5), "stage", db_text(st, 6),
	    "data_sha256", db_text(st, 8), "pages", (int)db_int(st, 9), "error",
	    db_text(st, 10), "created_at", at, "finished_at", fin, "pending",
	    !strcmp(status, "queued") || !strcmp(status, "running"), "done",
	    !strcmp(status, "done"), "download", url, "requested_by",
	    (json_int_t)db_int(st, 3));
}

/* Returns report job id as a new JSON object (the caller decides who
 * may see it: *owner is who asked; *file, in arena a, the PDF's path),
 * or NULL when there is no such job or on a database error. */
json_t *report_jobs_get(db *d, arena *a, int64_t id, int64_t *owner,
			const char **file)
{
	sqlite3_stmt *st = db_query(d, STMT_REPORT_JOB_GET, id);
	json_t *job = NULL;
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		job = job_json(st);
		*owner = db_int(st, 3);
		*file = arena_strdup(a, db_text(st, 7));
	}
	if (st)
		sqlite3_reset(st);
	return job;
}
