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
#include "../domain/retrain.h"

#include <string.h>

const struct field ui_model_admin_retrain_fields[] = {
    {"kind", V_ENUM, F_REQUIRED, 0, 0, models_kinds, "Model"},
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
		json_t *metrics = json_object_get(meta, "test_metrics");
		json_object_set_new(m, "metrics", json_incref(metrics));
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
	c->view = json_pack("{so so sb so}", "models", models, "trainings",
			    trainings, "pending", pending, "anomaly", anomaly);
	return 0;
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
