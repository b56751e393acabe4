/* scorer.c - see scorer.h. The models are loaded once per program (the
 * shipped ones from SECURA_MODELS), then every ten seconds at most the
 * latest adopted retraining of a kind is looked up in the main database
 * and swapped in under the write side of a read-write lock; batches and
 * reports hold the read side. The "first time" windows are warmed with
 * the last 30 days' stored sign-ins so a restart does not make every
 * sign-in new. */
#include "scorer.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "sources.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the model for kind in sc, or NULL. */
static const struct anomaly_model *model_of(const struct scorer *sc,
					    const char *kind, double *bar)
{
	for (int k = 0; sc && k < SCORER_KINDS && source_kinds[k]; k++)
		if (!strcmp(source_kinds[k], kind)) {
			const struct anomaly_model *m = sc->model[k];
			*bar = sc->bar[k] > 0 ? sc->bar[k]
			       : m	      ? m->alert_threshold
					      : 1;
			return m;
		}
	return NULL;
}

/* Returns reasons why[0..n) as new JSON text ([{"feature", "share"}])
 * the caller frees with jsonmem_free; NULL out of memory. */
static char *explain(const struct anomaly_reason *why, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    arr, json_pack("{ss sf}", "feature", why[i].name, "share",
				   round(why[i].share * 100) / 100));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

/* Scores event doc of kind at ts with sc's model for the kind, its
 * features fed through st's windows, and classifies it when the model
 * has a classifier: fills *v (v->why, when the event is a finding - over
 * the model's alert threshold, or with a value never seen in training -
 * is new JSON text for jsonmem_free). Returns 1 for a finding, else 0. */
int scorer_judge(const struct scorer *sc, evfeat_state *st, const char *kind,
		 json_t *doc, int64_t ts, struct scorer_verdict *v)
{
	double bar = 1;
	const struct anomaly_model *m = model_of(sc, kind, &bar);
	double num[EVFEAT_MAX_NUM];
	const char *cat[EVFEAT_MAX_CAT];
	*v = (struct scorer_verdict){.score = -1, .cls = -1};
	if (!m || evfeat_compute(st, kind, doc, ts, num, cat) != 0)
		return 0;
	struct anomaly_reason top[3];
	int n = 0;
	v->score = anomaly_score_why(m, num, cat, &v->never_seen, top, 3, &n);
	double p[EVCLASS_N];
	v->cls = anomaly_classify(m, num, cat, p);
	v->cls_p = v->cls >= 0 ? p[v->cls] : 0;
	/* a finding: over the alert bar (the training's 99.5th percentile,
	 * or an admin's) or with a value the training never had */
	int over = v->score >= bar || v->never_seen;
	if (over)
		v->why = explain(top, n);
	v->model =
	    m->meta ? json_string_value(json_object_get(m->meta, "trained_at"))
		    : NULL;
	return over;
}

/* Calls fn(ud, user, host, ts) for each user and host pair that signed
 * in since since_ms (its last time), oldest first. Returns 0, or -1 on a
 * database error. */
static int each_signin(db *d, int64_t since_ms,
		       void (*fn)(void *ud, const char *user, const char *host,
				  int64_t ts),
		       void *ud)
{
	sqlite3_stmt *st = db_query(d, STMT_EVT_SIGNINS, since_ms);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(ud, db_text(st, 0), db_text(st, 1), db_int(st, 2));
	sqlite3_reset(st);
	return 0;
}

/* each_signin callback: feeds one stored sign-in into the
 * windows, so a restart does not make every sign-in a first time. */
static void warm(void *st, const char *user, const char *host, int64_t ts)
{
	evfeat_state_seen(st, user, host, ts);
}

/* Loads the model file path for kind k, keeping it when it reads the
 * kind's features today. Returns a new model (heap; anomaly_free and
 * free), or NULL (logged). */
static struct anomaly_model *load_model(int k, const char *path)
{
	char err[256] = "";
	struct anomaly_model *m = calloc(1, sizeof(*m));
	arena *req = jsonmem_use(NULL); /* the model outlives any request */
	int rc = m ? anomaly_load(m, path, err, sizeof(err)) : -1;
	jsonmem_use(req);
	if (rc != 0) {
		log_event(NULL, NULL, "events: %s events unscored: %s",
			  source_kinds[k], m ? err : "out of memory");
		free(m);
		return NULL;
	}
	if (!anomaly_fits_kind(m, source_kinds[k])) {
		log_event(NULL, NULL,
			  "events: %s not used: it reads other features than "
			  "%s events have (retrain it)",
			  path, source_kinds[k]);
		anomaly_free(m);
		free(m);
		return NULL;
	}
	return m;
}

/* Sets up sc: loads models_dir/<kind>.anomaly for each kind with
 * features and keeps those that read the kind's features today (a kind
 * without one is stored unscored, logged), then feeds the last 30 days'
 * sign-ins of the events database (NULL: none) into the windows.
 * scorer_refresh then swaps in retrained models. Returns 0, or -1
 * out of memory. Undone by scorer_close. */
int scorer_open(struct scorer *sc, const char *models_dir, db *events)
{
	memset(sc, 0, sizeof(*sc));
	pthread_rwlock_init(&sc->lock, NULL);
	sc->st = evfeat_state_new(0);
	if (!sc->st)
		return -1;
	for (int k = 0; source_kinds[k] && k < SCORER_KINDS; k++) {
		char path[4200];
		struct evfeat_columns cols;
		if (evfeat_columns(source_kinds[k], &cols) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s.anomaly", models_dir,
			 source_kinds[k]);
		sc->model[k] = load_model(k, path);
	}
	if (events)
		each_signin(events, (clock_now() - 30 * 86400) * 1000, warm,
			    sc->st);
	return 0;
}

/* Swaps in the anomaly models adopted since sc last looked (the trainings
 * in the main database d), at most every ten seconds; the old one goes
 * once no batch reads it. Returns 0, or -1 on a database error. */
int scorer_refresh(struct scorer *sc, db *d)
{
	int64_t now = (int64_t)clock_mono_ms();
	if (now - atomic_load(&sc->checked_ms) < 10000)
		return 0;
	atomic_store(&sc->checked_ms, now);
	sqlite3_stmt *st = db_query(d, STMT_TRAINING_ACTIVE);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = db_int(st, 1);
		for (int k = 0; k < SCORER_KINDS && source_kinds[k]; k++) {
			if (strcmp(source_kinds[k], db_text(st, 0)) ||
			    atomic_load(&sc->training[k]) == id)
				continue;
			atomic_store(&sc->training[k], id);
			struct anomaly_model *m = load_model(k, db_text(st, 2));
			if (!m)
				continue;
			pthread_rwlock_wrlock(&sc->lock);
			struct anomaly_model *old = sc->model[k];
			sc->model[k] = m;
			pthread_rwlock_unlock(&sc->lock);
			if (old) {
				anomaly_free(old);
				free(old);
			}
			log_event(NULL, NULL,
				  "events: %s events scored by training #%lld "
				  "from now on",
				  source_kinds[k], (long long)id);
		}
	}
	sqlite3_reset(st);
	/* an admin's alert thresholds */
	double bar[SCORER_KINDS] = {0};
	if (!(st = db_query(d, STMT_THRESHOLD_ALL)))
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int k = 0; k < SCORER_KINDS && source_kinds[k]; k++)
			if (!strcmp(source_kinds[k], db_text(st, 0)))
				bar[k] = db_real(st, 1);
	sqlite3_reset(st);
	if (memcmp(bar, sc->bar, sizeof(bar))) {
		pthread_rwlock_wrlock(&sc->lock);
		memcpy(sc->bar, bar, sizeof(bar));
		pthread_rwlock_unlock(&sc->lock);
	}
	return 0;
}

/* Holds sc's models for reading (a batch, a report) until
 * scorer_done; NULL is fine. */
void scorer_hold(const struct scorer *sc)
{
	if (sc)
		pthread_rwlock_rdlock((pthread_rwlock_t *)&sc->lock);
}

/* Lets go of sc's models (see scorer_hold). */
void scorer_done(const struct scorer *sc)
{
	if (sc)
		pthread_rwlock_unlock((pthread_rwlock_t *)&sc->lock);
}

/* Frees what scorer_open set up. */
void scorer_close(struct scorer *sc)
{
	for (int k = 0; k < SCORER_KINDS; k++)
		if (sc->model[k]) {
			anomaly_free(sc->model[k]);
			free(sc->model[k]);
		}
	evfeat_state_free(sc->st);
	pthread_rwlock_destroy(&sc->lock);
	memset(sc, 0, sizeof(*sc));
}

/* Returns the population stability index of the counts got[10] against
 * the shares want[10] (a JSON array of the training's), the usual
 * measure of drift: under 0.1 stable, over 0.2 shifted. -1 without
 * counts or shares. */
static double psi(const int64_t got[10], json_t *want)
{
	double n = 0, v = 0;
	for (int k = 0; k < 10; k++)
		n += (double)got[k];
	if (n <= 0 || json_array_size(want) != 10)
		return -1;
	for (int k = 0; k < 10; k++) {
		double a = (double)got[k] / n + 1e-4,
		       e = json_number_value(json_array_get(want, k)) + 1e-4;
		v += (a - e) * log(a / e);
	}
	return v;
}

/* Returns what is known of m's classifier (m->cls set) as a new JSON
 * object: the labelled data, the rows of each class, and as "figures"
 * its held-out metrics (as evaluated: fractions) with the classes that
 * had rows, where the file has them. */
static json_t *classes_report(const struct anomaly_model *m)
{
	json_t *k = json_object_get(m->meta, "classifier_metrics");
	if (!k)
		k = json_object_get(json_object_get(m->meta, "metrics"),
				    "classifier");
	json_t *data = json_object_get(m->meta, "labelled_data");
	json_t *o = json_pack("{sO sI sI sI}", "data",
			      data ? data : json_object_get(m->meta, "data"),
			      "benign", (json_int_t)m->cls->rows[0],
			      "suspicious", (json_int_t)m->cls->rows[1],
			      "malicious", (json_int_t)m->cls->rows[2]);
	if (!k)
		return o;
	json_t *figures = json_deep_copy(k), *kept = json_array(), *cl;
	size_t i;
	json_array_foreach(json_object_get(figures, "classes"), i, cl)
	{
		if (json_integer_value(json_object_get(cl, "support")) > 0)
			json_array_append(kept, cl);
	}
	json_object_set_new(figures, "classes", kept);
	json_object_set_new(o, "figures", figures);
	return o;
}

/* Returns what the admin sees of the anomaly models in sc, a new array,
 * one per kind with a model: {kind, trained_at, data, format, rows,
 * threshold, metrics (the held-out figures, when training had a test
 * split), training (the training rows' score shares in tenths), last_day
 * ({events, histogram}: the last 24 hours' scores, from the rollups),
 * psi, retrain_suggested}. NULL on a database error. */
json_t *scorer_report(const struct scorer *sc, db *events, int64_t now_ms)
{
	json_t *out = json_array();
	scorer_hold(sc);
	for (int k = 0; k < SCORER_KINDS && source_kinds[k]; k++) {
		const struct anomaly_model *m = sc->model[k];
		if (!m)
			continue;
		int64_t got[10] = {0}, total = 0;
		sqlite3_stmt *st =
		    events
			? db_query(events, STMT_EVT_HISTOGRAM,
				   (now_ms - 86400000) / 60000, source_kinds[k])
			: NULL;
		if (events && !st) {
			scorer_done(sc);
			json_decref(out);
			return NULL;
		}
		if (st && sqlite3_step(st) == SQLITE_ROW)
			for (int i = 0; i < 10; i++)
				total += got[i] = db_int(st, i);
		if (st)
			sqlite3_reset(st);
		json_t *train = json_object_get(m->meta, "score_histogram");
		json_t *last = json_array(), *rows = json_array();
		for (int i = 0; i < 10; i++) {
			char label[16];
			snprintf(label, sizeof(label), "%.1f-%.1f", i / 10.0,
				 (i + 1) / 10.0);
			json_array_append_new(last, json_integer(got[i]));
			double share =
			    json_number_value(json_array_get(train, i));
			json_array_append_new(
			    rows,
			    json_pack("{ss sf sf}", "label", label, "training",
				      round(share * 1000) / 10, "last_day",
				      total ? round((double)got[i] * 1000 /
						    (double)total) /
						  10
					    : 0.0));
		}
		double drift = psi(got, train);
		json_t *o = json_pack(
		    "{ss sO sO sO sO sf s{sI so} so so sb}", "kind",
		    source_kinds[k], "trained_at",
		    json_object_get(m->meta, "trained_at"), "data",
		    json_object_get(m->meta, "data"), "format",
		    json_object_get(m->meta, "format"), "rows",
		    json_object_get(m->meta, "rows"), "threshold",
		    round(m->threshold * 1000) / 1000, "last_day", "events",
		    (json_int_t)total, "histogram", last, "shares", rows, "psi",
		    drift < 0 ? json_null()
			      : json_real(round(drift * 1000) / 1000),
		    "retrain_suggested", drift > 0.2);
		json_object_set_new(
		    o, "alert_threshold",
		    json_real(round((sc->bar[k] > 0 ? sc->bar[k]
						    : m->alert_threshold) *
				    1000) /
			      1000));
		json_object_set_new(
		    o, "model_alert_threshold",
		    json_real(round(m->alert_threshold * 1000) / 1000));
		json_object_set_new(o, "moved", json_boolean(sc->bar[k] > 0));
		json_t *metrics = json_object_get(m->meta, "metrics");
		if (metrics)
			json_object_set(o, "metrics", metrics);
		if (m->cls)
			json_object_set_new(o, "classifier", classes_report(m));
		json_array_append_new(out, o);
	}
	scorer_done(sc);
	return out;
}

/* Sets an admin's alert threshold t (0: back to the model's own) for
 * kind's model with the reason, inside the caller's transaction; the
 * scorers pick it up at their next refresh. Returns 0 or -1. */
int scorer_threshold(db *d, const char *kind, double t, const char *reason,
		     int64_t user)
{
	if (t <= 0)
		return db_exec(d, STMT_THRESHOLD_RESET, kind);
	return db_exec(d, STMT_THRESHOLD_SET, kind, t, reason, user,
		       clock_now());
}
