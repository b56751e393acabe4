/* anomaly_retrain.c - see anomaly_retrain.h. A training writes the
 * kind's events of the last days (at most 500,000, oldest first) to a
 * JSONL file, leaving out the events of the kind's alerts that analysts
 * closed as true positives (the up to 20 copies each alert keeps), fits a
 * forest on the rest (100 trees of 256, seed 42; all counted as normal),
 * and measures it and the current model on the kind's labelled
 * evaluation data: a week of the traffic generator's office with its
 * attacks (seed 99), the same for every training, so the figures
 * compare. A classifier the current model learned from labelled data
 * is carried over to the new one. The new file is kept as
 * <dir>/<kind>-<id>.anomaly and adopted when its ROC-AUC is at least the
 * current model's; the intake and the app swap it in within seconds
 * (scorer_refresh). */
#include "anomaly_retrain.h"

#include "../core/arena.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../ml/anomaly.h"
#include "events.h"
#include "retrain.h"
#include "traffic.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ROWS 500000

const char *const anomaly_retrain_kinds[] = {"auth", "network-flow",
					     "http-access", NULL};

/* Queues a retraining of kind's anomaly model from its last days days of
 * events. Returns its id, 0 when one is already queued or running, or
 * -1. Inside a transaction. */
int64_t anomaly_retrain_queue(db *d, const char *kind, int days, int64_t user)
{
	return retrain_queue_job(d, kind, user, days, "anomaly-retrain");
}

/* Returns the ids of the events of kind's alerts that analysts closed as
 * true positives, ascending, as a new array (*n of them; free it); NULL
 * with *n 0 when there are none or on error. */
static int64_t *malicious(db *d, const char *kind, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st = db_query(d, STMT_ALERT_MALICIOUS_EVENTS, kind);
	int64_t *ids = NULL;
	size_t cap = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *g = realloc(ids, cap * sizeof(*g));
			if (!g)
				break;
			ids = g;
		}
		ids[(*n)++] = db_int(st, 0);
	}
	if (st)
		sqlite3_reset(st);
	return ids;
}

/* Returns 1 when id is among the n ascending ids. */
static int among(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return 1;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Writes kind's events since since_ms from the events database to path
 * as JSONL, leaving out the n ids in left_out; *rows gets how many were
 * written and *skipped how many were left out. Returns 0 or -1. */
static int write_events(db *events, const char *kind, int64_t since_ms,
			const int64_t *left_out, size_t n, const char *path,
			int *rows, int *skipped)
{
	FILE *f = fopen(path, "w");
	sqlite3_stmt *st =
	    f ? db_query(events, STMT_EVT_KIND_DOCS, kind, since_ms, MAX_ROWS)
	      : NULL;
	*rows = *skipped = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		if (among(left_out, n, db_int(st, 0))) {
			(*skipped)++;
			continue;
		}
		fputs(db_text(st, 1), f);
		fputc('\n', f);
		(*rows)++;
	}
	if (st)
		sqlite3_reset(st);
	int bad = !f || !st;
	if (f && fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

/* Writes the kind's labelled evaluation data to path: a week of the
 * generator's office with its attacks (seed 99), ending now. Returns 0
 * or -1. */
static int write_eval(const char *kind, const char *path)
{
	int64_t end = clock_now() * 1000;
	return traffic_write(path, TRAFFIC_MIX, 99, kind, end - 7 * 86400000LL,
			     end, 60000) > 0
		   ? 0
		   : -1;
}

/* Returns the ROC-AUC of model file path on rows (-1 when it cannot be
 * read or measured); *metrics gets its figures (a new object or NULL). */
static double measure(const char *path, const struct anomaly_rows *rows,
		      json_t **metrics)
{
	struct anomaly_model m;
	char err[256];
	*metrics = NULL;
	if (anomaly_load(&m, path, err, sizeof(err)) != 0)
		return -1;
	*metrics = anomaly_eval(&m, rows, -1);
	anomaly_free(&m);
	json_t *auc = json_object_get(*metrics, "roc_auc");
	return json_is_number(auc) ? json_number_value(auc) : -1;
}

/* Returns the path of kind's model in use: the latest adopted training's
 * file, else the shipped one (arena a). */
static const char *current_model(db *d, arena *a, const char *kind)
{
	const char *p = NULL;
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_ACTIVE);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		if (!strcmp(db_text(st, 0), kind))
			p = arena_strdup(a, db_text(st, 2));
	if (st)
		sqlite3_reset(st);
	return p ? p
		 : arena_printf(a, "%s/%s.anomaly", config_get()->models_dir,
				kind);
}

/* Fits kind's model on the events file data into out; *metrics gets the
 * new and current models' figures on the evaluation data. Returns the
 * outcome's status ("adopted", "rejected", "failed") and sets *msg (in
 * arena a). */
static const char *train(arena *a, const char *kind, const char *data,
			 const char *evalf, const char *out,
			 const char *current, json_t *metrics, const char **msg)
{
	struct anomaly_rows r, ev;
	struct anomaly_model m;
	char err[256] = "";
	if (anomaly_read(data, ANOMALY_ECS, kind, NULL, &r, err, sizeof(err)) <
	    0) {
		*msg = arena_strdup(a, err);
		return "failed";
	}
	int rc = anomaly_train(&m, &r, -1, 0, 100, 256, 42, err, sizeof(err));
	anomaly_rows_free(&r);
	if (rc != 0) {
		*msg = arena_strdup(a, err);
		return "failed";
	}
	char when[21];
	clock_iso(clock_now(), when);
	m.kind = strdup(kind);
	json_object_set_new(m.meta, "data", json_string(data));
	json_object_set_new(m.meta, "format", json_string("ecs"));
	json_object_set_new(m.meta, "trained_at", json_string(when));
	json_object_set_new(m.meta, "seed", json_integer(42));
	/* the classifier learned from labelled data goes on with the new
	 * forest: the organisation's events carry no such labels */
	struct anomaly_model cur;
	if (anomaly_load(&cur, current, err, sizeof(err)) == 0) {
		if (anomaly_copy_classes(&m, &cur) > 0)
			json_object_set(
			    m.meta, "classifier_from",
			    json_object_get(cur.meta, "trained_at")
				? json_object_get(cur.meta, "trained_at")
				: json_null());
		anomaly_free(&cur);
	}
	err[0] = '\0';
	rc = anomaly_save(&m, out, err, sizeof(err));
	anomaly_free(&m);
	if (rc != 0 || write_eval(kind, evalf) != 0 ||
	    anomaly_read(evalf, ANOMALY_ECS, kind, NULL, &ev, err,
			 sizeof(err)) < 0) {
		*msg = arena_printf(a, "cannot measure the models: %s",
				    err[0] ? err : "no evaluation data");
		return "failed";
	}
	json_t *mn = NULL, *mc = NULL;
	double an = measure(out, &ev, &mn), ac = measure(current, &ev, &mc);
	anomaly_rows_free(&ev);
	json_object_set_new(metrics, "new", mn ? mn : json_null());
	json_object_set_new(metrics, "current", mc ? mc : json_null());
	int adopt = an >= 0 && an >= ac;
	*msg = arena_printf(
	    a,
	    "ROC-AUC on the labelled evaluation data %.3f (new) vs %.3f "
	    "(current): %s",
	    an, ac < 0 ? 0 : ac,
	    adopt ? "the new model is used from now on"
		  : "kept the current model");
	return adopt ? "adopted" : "rejected";
}

/* The "anomaly-retrain" job: runs training j->ref_id (see the file
 * comment) with its files in $SECURA_DATA/models; the outcome is the
 * training's row. Returns 0 when it ran, -1 (err) when it could not
 * reach a database. */
int anomaly_retrain_run(db *d, const struct job *j, char *err, size_t errlen)
{
	int64_t id = j->ref_id;
	arena a;
	arena_init(&a);
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_KIND, id);
	const char *kind = NULL;
	int days = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		kind = arena_strdup(&a, db_text(st, 0));
		days = (int)db_int(st, 1);
	}
	if (st)
		sqlite3_reset(st);
	db *events = db_thread(config_get()->events_db);
	if (!kind || !events ||
	    db_exec_tx(d, STMT_TRAINING_START, id, clock_now()) != 0) {
		snprintf(err, errlen, "training %lld: %s", (long long)id,
			 !kind ? "no such row" : db_errmsg(d));
		arena_free(&a);
		return -1;
	}
	const char *dir = arena_printf(&a, "%s/models", config_get()->data_dir);
	const char *data = arena_printf(&a, "%s/events-%lld.jsonl", dir,
					(long long)id),
		   *evalf = arena_printf(&a, "%s/eval-%lld.jsonl", dir,
					 (long long)id),
		   *out = arena_printf(&a, "%s/%s-%lld.anomaly", dir, kind,
				       (long long)id);
	const char *current = current_model(d, &a, kind);
	const char *status = "failed", *msg;
	json_t *metrics = json_object();
	int rows = 0, skipped = 0;
	size_t nbad = 0;
	int64_t *bad = malicious(d, kind, &nbad);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		msg = "cannot create the models folder";
	else if (write_events(events, kind,
			      (clock_now() - (int64_t)days * 86400) * 1000, bad,
			      nbad, data, &rows, &skipped) != 0)
		msg = "cannot read the stored events";
	else if (rows < ANOMALY_RETRAIN_MIN_ROWS)
		msg = arena_printf(&a,
				   "needs at least %d %s events in the last "
				   "%d days; there are %d",
				   ANOMALY_RETRAIN_MIN_ROWS, kind, days, rows);
	else
		status =
		    train(&a, kind, data, evalf, out, current, metrics, &msg);
	free(bad);
	if (skipped)
		msg = arena_printf(&a,
				   "%s (left out %d events of alerts closed as "
				   "true positives)",
				   msg, skipped);
	if (strcmp(status, "adopted"))
		unlink(out);
	unlink(data);
	unlink(evalf);
	int rc = 0;
	if (retrain_finish(d, id, status, rows, metrics,
			   strcmp(status, "adopted") ? "" : out, msg) != 0) {
		snprintf(err, errlen, "training %lld: %s", (long long)id,
			 db_errmsg(d));
		rc = -1;
	}
	printf("training #%lld (%s, %d days): %s: %s\n", (long long)id, kind,
	       days, status, msg);
	json_decref(metrics);
	arena_free(&a);
	return rc;
}
