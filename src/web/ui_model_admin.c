/* ui_model_admin.c - the admin page about the models: what each one is and
 * how it scored on held-out data (per-class precision/recall/F1 and the
 * confusion matrix), drift (predicted labels and confidence in the last
 * 30 days against the training data), the trainings with their
 * figures, and the button that queues a retraining from the labels; and
 * the anomaly models of the security events: provenance, held-out
 * figures, threshold, the last day's scores against the training's and
 * their drift (population stability index). */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../domain/anomaly_retrain.h"
#include "../domain/models.h"
#include "../domain/alert_stats.h"
#include "../domain/retrain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct field ui_model_admin_retrain_fields[] = {
    {"kind", V_ENUM, F_REQUIRED, 0, 0, models_kinds, "Model"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_model_admin_threshold_fields[] = {
    {"threshold", V_LINE, 0, 0, 5, NULL, "Alert threshold"},
    {"reason", V_LINE, F_REQUIRED, 1, 300, NULL, "Why"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_model_admin_anomaly_fields[] = {
    {"kind", V_ENUM, F_REQUIRED, 0, 0, anomaly_retrain_kinds, "Kind"},
    {"days", V_INT, 0, 1, 30, NULL, "Days of events"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns the confusion matrix of metrics as a table-friendly new JSON
 * object {labels, rows: [{label, cells: [{n, hit}]}]}. */
static json_t *confusion(json_t *metrics)
{
	json_t *labels = json_array(), *rows = json_array(), *c;
	json_t *classes = json_object_get(metrics, "classes");
	size_t i, j;
	json_array_foreach(classes, i, c)
	    json_array_append(labels, json_object_get(c, "label"));
	json_array_foreach(json_object_get(metrics, "confusion"), i, c)
	{
		json_t *cells = json_array(), *v;
		json_array_foreach(c, j, v) json_array_append_new(
		    cells, json_pack("{sO sb}", "n", v, "hit", i == j));
		json_array_append_new(rows, json_pack("{sO so}", "label",
						      json_array_get(labels, i),
						      "cells", cells));
	}
	return json_pack("{so so}", "labels", labels, "rows", rows);
}

/* Adds to o, for each numeric member named in keys (NULL-terminated), a
 * "<name>_pct" string: the share as a percentage with one decimal
 * ("86.4"), what the page shows; the JSON keeps the number. */
static void percents(json_t *o, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);
		if (!json_is_number(v))
			continue;
		char name[64], text[16];
		snprintf(name, sizeof(name), "%.55s_pct", *keys);
		snprintf(text, sizeof(text), "%.1f",
			 json_number_value(v) * 100);
		json_object_set_new(o, name, json_string(text));
	}
}

/* Adds the percentages a page shows to a model's test metrics (overall
 * and per class). */
static void metrics_percents(json_t *metrics)
{
	static const char *const top[] = {"accuracy", "macro_f1",
					  "mean_confidence", NULL};
	static const char *const per[] = {"precision", "recall", "f1", NULL};
	json_t *cl;
	size_t i;
	percents(metrics, top);
	json_array_foreach(json_object_get(metrics, "classes"), i, cl)
	    percents(cl, per);
}

/* Returns the drift table of a kind: per label, its share of the
 * training data and of the last 30 days' suggestions, with their mean
 * confidence (new JSON array). */
static json_t *drift(struct ctx *c, const char *kind, json_t *meta)
{
	json_t *recent = retrain_drift(c->db, kind, clock_now() - 30 * 86400);
	json_t *train = json_object_get(meta, "train_distribution");
	json_t *out = json_array(), *v;
	double total = 0;
	const char *label;
	json_object_foreach(train, label, v) total += json_number_value(v);
	json_object_foreach(train, label, v)
	{
		json_t *r = NULL, *x;
		size_t i;
		json_array_foreach(
		    recent, i,
		    x) if (!strcmp(json_string_value(json_object_get(x,
								     "label")),
				   label)) r = x;
		json_array_append_new(
		    out,
		    json_pack(
			"{ss si sf sI sf sf}", "label", label, "train_n",
			(int)json_integer_value(v), "train_share",
			total ? json_number_value(v) / total : 0, "recent_n",
			json_integer_value(json_object_get(r, "n")),
			"recent_share",
			json_number_value(json_object_get(r, "share")),
			"recent_confidence",
			json_number_value(json_object_get(r, "confidence"))));
		static const char *const shares[] = {
		    "train_share", "recent_share", "recent_confidence", NULL};
		percents(json_array_get(out, json_array_size(out) - 1), shares);
	}
	json_decref(recent);
	return out;
}

/* GET /admin/model - the models, their figures, drift and trainings. */
int ui_model_admin_show(struct ctx *c)
{
	json_t *models = json_array();
	json_t *trainings = retrain_list(c->db);
	if (!trainings) {
		json_decref(models);
		return -1;
	}
	for (int k = 0; k < MODEL__COUNT; k++) {
		json_t *m = models_info(c->db, k);
		json_t *meta = json_object_get(m, "meta");
		json_t *metrics =
		    json_deep_copy(json_object_get(meta, "test_metrics"));
		if (metrics)
			metrics_percents(metrics);
		json_object_set_new(m, "metrics",
				    metrics ? metrics : json_null());
		json_object_set_new(m, "confusion", confusion(metrics));
		json_object_set_new(m, "drift",
				    drift(c, models_kinds[k], meta));
		json_object_set_new(
		    m, "labelled",
		    json_integer(retrain_labelled(c->db, models_kinds[k])));
		json_object_set_new(
		    m, "busy",
		    json_boolean(retrain_busy(c->db, models_kinds[k]) > 0));
		json_object_set_new(m, "min_rows",
				    json_integer(RETRAIN_MIN_ROWS));
		json_array_append_new(models, m);
	}
	int pending = 0;
	size_t i;
	json_t *t;
	json_array_foreach(trainings, i, t) pending |=
	    json_is_true(json_object_get(t, "pending"));
	scorer_refresh(&ui_scorer, c->db);
	json_t *anomaly = scorer_report(
	    &ui_scorer, db_thread(config_get()->events_db), clock_now() * 1000);
	if (!anomaly) {
		json_decref(models);
		json_decref(trainings);
		return -1;
	}
	/* the evidence for moving a threshold: each model's alerts */
	json_t *stats = alert_stats(c->db, clock_now() - 30 * 86400,
				    clock_now() + 1),
	       *a, *d;
	json_array_foreach(anomaly, i, a)
	{
		json_t *figures = json_object_get(
		    json_object_get(a, "classifier"), "figures");
		if (figures)
			metrics_percents(figures);
		char det[64];
		snprintf(det, sizeof(det), "model:%s",
			 json_string_value(json_object_get(a, "kind")));
		size_t j;
		json_array_foreach(
		    json_object_get(stats, "detectors"), j,
		    d) if (!strcmp(json_string_value(json_object_get(d, "detect"
									"or")),
				   det)) json_object_set(a, "fp", d);
	}
	json_decref(stats);
	c->view = json_pack("{so so sb so}", "models", models, "trainings",
			    trainings, "pending", pending, "anomaly", anomaly);
	return 0;
}

/* POST /admin/model/anomaly/{ref}/threshold - moves kind ref's alert
 * threshold (empty: back to the model's own), with the reason; the
 * scoring programs pick it up within ten seconds. */
int ui_model_admin_threshold(struct ctx *c)
{
	const char *v = ui_val(c, "threshold"), *why = ui_val(c, "reason");
	int known = 0;
	for (int k = 0; anomaly_retrain_kinds[k]; k++)
		known |= !strcmp(anomaly_retrain_kinds[k], c->ref);
	if (!known)
		return ctx_fail(c, 404, "not_found",
				"There is no anomaly model of that kind.");
	char *end;
	double t = *v ? strtod(v, &end) : 0;
	if (*v && (*end || t < 0.01 || t > 0.99))
		return ctx_field_error(c, "threshold",
				       "Give a number from 0.01 to 0.99, or "
				       "leave it empty for the model's own");
	if (db_begin(c->db) != 0 ||
	    scorer_threshold(c->db, c->ref, *v ? t : 0, why, c->me.user_id) !=
		0 ||
	    ui_commit(c, "model.threshold", "model", 0,
		      json_pack("{ss sf ss}", "kind", c->ref, "threshold", t,
				"reason", why)) != 0)
		return -1;
	c->view = json_pack("{ss sf}", "kind", c->ref, "alert_threshold", t);
	return ctx_redirect(
	    c, "/admin/model",
	    *v ? arena_printf(c->a,
			      "The %s alert threshold is %.2f from now on "
			      "(within ten seconds).",
			      c->ref, t)
	       : arena_printf(c->a,
			      "The %s alert threshold is the model's own "
			      "again.",
			      c->ref));
}

/* POST /admin/model/retrain - queues a retraining of one model from the
 * labelled incidents; the worker runs it. */
int ui_model_admin_retrain(struct ctx *c)
{
	const char *kind = ctx_val(c, "kind");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = retrain_queue(c->db, kind, c->me.user_id);
	if (id < 0)
		return -1;
	if (id == 0) {
		return ctx_fail(c, 409, "conflict",
				"A training of this model is already queued or "
				"running.");
	}
	if (ui_commit(c, "model.retrain", "training", id,
		      json_pack("{ss}", "kind", kind)) != 0)
		return -1;
	c->view = json_pack("{sI ss ss}", "id", (json_int_t)id, "kind", kind,
			    "status", "queued");
	c->status = 202;
	return ctx_redirect(c, "/admin/model",
			    "Training queued; this page follows its progress.");
}

/* POST /admin/model/anomaly/retrain - queues a retraining of an event
 * kind's anomaly model from its last days (default 14) of stored events;
 * the worker runs it and adopts the new model only if it scores no worse
 * on the kind's labelled evaluation data. */
int ui_model_admin_anomaly_retrain(struct ctx *c)
{
	const char *kind = ctx_val(c, "kind");
	int days = (int)ctx_int(c, "days", 14);
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = anomaly_retrain_queue(c->db, kind, days, c->me.user_id);
	if (id < 0)
		return -1;
	if (id == 0)
		return ctx_fail(c, 409, "conflict",
				"A training of this model is already queued or "
				"running.");
	if (ui_commit(c, "model.retrain", "training", id,
		      json_pack("{ss si}", "kind", kind, "days", days)) != 0)
		return -1;
	c->view = json_pack("{sI ss si ss}", "id", (json_int_t)id, "kind", kind,
			    "days", days, "status", "queued");
	c->status = 202;
	return ctx_redirect(c, "/admin/model",
			    "Training queued; this page follows its progress.");
}
