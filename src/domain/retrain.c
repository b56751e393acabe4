/* retrain.c - see retrain.h. A training writes the labelled incidents
 * (title and description, the latest label of each) to a JSONL file,
 * trains logistic regression on a stratified 80% (seed 42) and measures
 * it and the current model on the other 20%. The new file is kept as
 * <dir>/<kind>-<id>.model only when its macro-F1 is at least the current
 * model's; the app swaps it in at its next suggestion (models.c). */
#include "retrain.h"

#include "../core/arena.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../ml/trainer.h"
#include "jobs.h"
#include "models.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Queues a training of kind (a text model, "category" or "severity", by
 * the job "retrain"; or an event kind's anomaly model from days of its
 * events by "anomaly-retrain"). Returns its id, 0 when one of that kind
 * is already queued or running, or -1. Inside a transaction. */
int64_t retrain_queue_job(db *d, const char *kind, int64_t user, int days,
			  const char *job)
{
	int64_t busy = db_scalar(d, STMT_TRAINING_BUSY, kind);
	if (busy != 0)
		return busy > 0 ? 0 : -1;
	if (db_exec(d, STMT_TRAINING_QUEUE, kind, user, clock_now(), days) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	return jobs_queue(d, job, id, 3) < 0 ? -1 : id;
}

/* Queues a training of a text model from the labels (see
 * retrain_queue_job). */
int64_t retrain_queue(db *d, const char *kind, int64_t user)
{
	return retrain_queue_job(d, kind, user, 0, "retrain");
}

/* Writes the kind's labelled incidents as JSONL {"text", "label"} to
 * path; *rows and *classes get the counts. Returns 0 or -1. */
static int write_rows(db *d, const char *kind, const char *path, int *rows,
		      int *classes)
{
	FILE *f = fopen(path, "w");
	sqlite3_stmt *st = f ? db_query(d, STMT_LABELLED_ROWS, kind) : NULL;
	json_t *seen = json_object();
	*rows = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		json_t *o =
		    json_pack("{ss ss ss}", "id", db_text(st, 0), "text",
			      db_text(st, 1), "label", db_text(st, 2));
		char *line = json_dumps(o, JSON_COMPACT);
		fprintf(f, "%s\n", line);
		jsonmem_free(line);
		json_decref(o);
		json_object_set_new(seen, db_text(st, 2), json_true());
		(*rows)++;
	}
	if (st)
		sqlite3_reset(st);
	*classes = (int)json_object_size(seen);
	json_decref(seen);
	return f && fclose(f) == 0 && st ? 0 : -1;
}

/* Finishes training id with its outcome. Returns 0 or -1. */
int retrain_finish(db *d, int64_t id, const char *status, int rows,
		   json_t *metrics, const char *path, const char *message)
{
	char *m = json_dumps(metrics, JSON_COMPACT | JSON_REAL_PRECISION(6));
	int rc = db_exec_tx(d, STMT_TRAINING_FINISH, id, status, clock_now(),
			    rows, m ? m : "{}", path, message);
	jsonmem_free(m);
	return rc;
}

/* Returns the macro-F1 of a metrics object (-1 when missing). */
static double macro_f1(json_t *m)
{
	json_t *v = json_object_get(m, "macro_f1");
	return json_is_number(v) ? json_number_value(v) : -1;
}

/* The "retrain" job: runs training j->ref_id - trains on the labels,
 * compares with the current model on the same held-out rows and adopts
 * or rejects - with files in $SECURA_DATA/models and the trainer's output
 * on standard output. The outcome (adopted, rejected, failed and why) is
 * the training's row. Returns 0 when it ran, -1 (err) when it could not
 * reach the database. */
int retrain_run(db *d, const struct job *j, char *err, size_t errlen)
{
	int64_t id = j->ref_id;
	arena a;
	arena_init(&a);
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_KIND, id);
	const char *kind = st && sqlite3_step(st) == SQLITE_ROW
			       ? arena_strdup(&a, db_text(st, 0))
			       : NULL;
	if (st)
		sqlite3_reset(st);
	if (!kind || db_exec_tx(d, STMT_TRAINING_START, id, clock_now()) != 0) {
		snprintf(err, errlen, "training %lld: %s", (long long)id,
			 kind ? db_errmsg(d) : "no such row");
		arena_free(&a);
		return -1;
	}
	FILE *log = stdout;
	const char *dir = arena_printf(&a, "%s/models", config_get()->data_dir);
	const char *data = arena_printf(&a, "%s/train-%lld.jsonl", dir,
					(long long)id),
		   *out = arena_printf(&a, "%s/%s-%lld.model", dir, kind,
				       (long long)id);
	const char *current = models_current_path(d, &a, models_kind(kind));
	int rows = 0, classes = 0, rc = 0;
	json_t *mnew = NULL, *mcur = NULL, *metrics = json_object();
	const char *status = "failed", *msg;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		msg = "cannot create the models folder";
	} else if (write_rows(d, kind, data, &rows, &classes) != 0) {
		msg = "cannot read the labelled incidents";
	} else if (rows < RETRAIN_MIN_ROWS || classes < 2) {
		msg = arena_printf(&a,
				   "needs at least %d labelled incidents in 2 "
				   "or more classes; there are %d in %d",
				   RETRAIN_MIN_ROWS, rows, classes);
	} else {
		struct trainer_opts o = {
		    .data = data,
		    .text_field = "text",
		    .label_field = "label",
		    .test_fraction = 0.2,
		    .seed = 42,
		    .model = out,
		    .C = 10,
		    .lr = 1,
		    .unbalanced = !strcmp(kind, "severity"),
		    .metrics = &mnew,
		};
		if (trainer_train(&o, log) != 0 || !mnew) {
			msg = "training failed (see the worker's log)";
		} else {
			o.model = current;
			o.metrics = &mcur;
			if (trainer_eval(&o, log) != 0)
				mcur = NULL; /* an unreadable current loses */
			json_object_set(metrics, "new", mnew);
			json_object_set(metrics, "current",
					mcur ? mcur : json_null());
			double fn = macro_f1(mnew), fc = macro_f1(mcur);
			int adopt = fn >= fc;
			status = adopt ? "adopted" : "rejected";
			msg = arena_printf(
			    &a,
			    "held-out macro-F1 %.3f (new) vs %.3f (current): "
			    "%s",
			    fn, fc < 0 ? 0 : fc,
			    adopt ? "the new model is used from now on"
				  : "kept the current model");
		}
	}
	if (strcmp(status, "adopted"))
		unlink(out);
	unlink(data);
	if (retrain_finish(d, id, status, rows, metrics,
			   strcmp(status, "adopted") ? "" : out, msg) != 0) {
		snprintf(err, errlen, "training %lld: %s", (long long)id,
			 db_errmsg(d));
		rc = -1;
	}
	if (log)
		fprintf(log, "training #%lld (%s): %s: %s\n", (long long)id,
			kind, status, msg);
	json_decref(mnew);
	json_decref(mcur);
	json_decref(metrics);
	arena_free(&a);
	return rc;
}

/* Returns the latest trainings as a new JSON array; NULL on error. */
json_t *retrain_list(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[3][21] = {"", "", ""};
		for (int i = 0; i < 3; i++)
			if (db_int(st, 3 + i))
				clock_iso(db_int(st, 3 + i), at[i]);
		json_t *m = json_loads(db_text(st, 7), 0, NULL);
		const char *status = db_text(st, 2);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss ss sI so ss ss sb}", "id",
			      (json_int_t)db_int(st, 0), "kind", db_text(st, 1),
			      "status", status, "requested_at", at[0],
			      "started_at", at[1], "finished_at", at[2], "rows",
			      (json_int_t)db_int(st, 6), "metrics",
			      m ? m : json_object(), "message", db_text(st, 8),
			      "requested_by", db_text(st, 9), "pending",
			      !strcmp(status, "queued") ||
				  !strcmp(status, "running")));
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns the drift of a kind's suggestions since a time: per label, its
 * share of the suggestions and their mean confidence, as a new JSON
 * array [{label, n, share, confidence}]; NULL on error. */
json_t *retrain_drift(db *d, const char *kind, int64_t since)
{
	sqlite3_stmt *st =
	    db_query(d,
		     !strcmp(kind, "category") ? STMT_SUGGESTION_DRIFT_CATEGORY
					       : STMT_SUGGESTION_DRIFT_SEVERITY,
		     since);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int64_t total = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		total += db_int(st, 1);
		json_array_append_new(
		    arr, json_pack("{ss sI sf}", "label", db_text(st, 0), "n",
				   (json_int_t)db_int(st, 1), "confidence",
				   db_real(st, 2)));
	}
	sqlite3_reset(st);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		double n = (double)json_integer_value(json_object_get(o, "n"));
		json_object_set_new(o, "share",
				    json_real(total ? n / total : 0));
	}
	return arr;
}

/* Returns how many incidents carry a label of kind, or -1. */
int64_t retrain_labelled(db *d, const char *kind)
{
	return db_scalar(d, STMT_LABELLED_COUNT, kind);
}

/* Returns 1 when a training of kind is queued or running, 0 when not,
 * -1 on error. */
int retrain_busy(db *d, const char *kind)
{
	int64_t n = db_scalar(d, STMT_TRAINING_BUSY, kind);
	return n < 0 ? -1 : n > 0;
}
