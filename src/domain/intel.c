/* intel.c - see intel.h. The threat score is 100 points: severity 30
 * (the severity a person set, else the model's expectation), category 20
 * (the category's weight), personal data 20 (involved, how many people or
 * records, sensitive types), assets 15 (a critical asset named in the
 * affected systems) and indicators 15 (how many were found). */
#include "intel.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "assets.h"
#include "indicators.h"
#include "models.h"
#include "settings.h"
#include "similar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const intel_label_fields[] = {"category", "severity", NULL};

/* Returns the top terms behind class k as a JSON text (arena). */
static const char *terms_json(arena *a, const struct classifier *m,
			      const struct feature_node *x, int k)
{
	struct classifier_term top[6];
	int n = classifier_explain(m, x, k, top, 6);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    arr, json_pack("{ss sf}", "term", top[i].term, "weight",
				   round(top[i].weight * 1000) / 1000));
	char *s = json_dumps(arr, JSON_COMPACT);
	const char *r = arena_strdup(a, s);
	jsonmem_free(s);
	json_decref(arr);
	return r;
}

/* Returns the model's training time, or "". */
static const char *trained_at(const struct classifier *m)
{
	const char *t =
	    json_string_value(json_object_get(m->meta, "trained_at"));
	return t ? t : "";
}

/* Works out, before the incident is written (reads only): the
 * indicators in title and description, and with models the suggested
 * category and severity with their explanations and the text's vector.
 * Strings are in the arena. Never fails: without models p->suggested is
 * 0. */
void intel_prepare(db *d, arena *a, const char *title, const char *description,
		   struct intel_prep *p)
{
	memset(p, 0, sizeof(*p));
	const char *text = arena_printf(a, "%s\n%s", title, description);
	ioc_extract(a, text, &p->iocs);
	models_lock(d);
	const struct classifier *cat = models_get(MODEL_CATEGORY),
				*sev = models_get(MODEL_SEVERITY);
	if (!cat || !sev) {
		models_unlock();
		return;
	}
	struct tokens t = {0};
	text_tokens(a, text, &t);
	double *pc = arena_alloc(a, (size_t)cat->nlabels * sizeof(double));
	double *ps = arena_alloc(a, (size_t)sev->nlabels * sizeof(double));
	struct feature_node *xc, *xs;
	int kc = classifier_scores(cat, &t, a, pc, &xc);
	int ks = classifier_scores(sev, &t, a, ps, &xs);
	json_t *probs = json_object();
	for (int k = 0; k < sev->nlabels; k++)
		json_object_set_new(probs, sev->labels[k],
				    json_real(round(ps[k] * 1000) / 1000));
	char *pj = json_dumps(probs, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(probs);
	p->suggested = 1;
	p->category = arena_strdup(a, cat->labels[kc]);
	p->category_conf = pc[kc];
	p->category_terms = terms_json(a, cat, xc, kc);
	p->severity = arena_strdup(a, sev->labels[ks]);
	p->severity_conf = ps[ks];
	p->severity_probs = arena_strdup(a, pj);
	p->severity_terms = terms_json(a, sev, xs, ks);
	p->model = arena_printf(a, "category %s; severity %s", trained_at(cat),
				trained_at(sev));
	p->vec = similar_pack(a, xc, cat->tf.n, &p->veclen);
	p->vec_model = arena_strdup(a, models_version(MODEL_CATEGORY));
	models_unlock();
	jsonmem_free(pj);
}

/* Stores what intel_prepare found for the new incident: its indicators,
 * the suggestion and its vector. Returns 0 or -1. Inside a
 * transaction. */
int intel_store(db *d, int64_t incident, const struct intel_prep *p,
		int64_t now)
{
	if (indicators_link(d, incident, "description", &p->iocs, now) != 0)
		return -1;
	if (!p->suggested)
		return 0;
	return db_exec(d, STMT_SUGGESTION_PUT, incident, p->category,
		       p->category_conf, p->category_terms, p->severity,
		       p->severity_conf, p->severity_probs, p->severity_terms,
		       p->model, now) != 0 ||
		       db_exec(d, STMT_VECTOR_PUT, incident, p->vec_model,
			       p->vec, p->veclen) != 0
		   ? -1
		   : 0;
}

/* Records a person's decision on a suggested field (the suggestion is
 * copied beside it). Returns 0 or -1. Inside a transaction. */
int intel_label(db *d, int64_t incident, const char *field, const char *value,
		int64_t user)
{
	return db_exec(d, STMT_LABEL_INSERT, incident, field, value, user,
		       clock_now());
}

/* Parses a stored JSON text; json_null() when it does not parse. */
static json_t *parsed(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	return j ? j : json_null();
}

/* Returns the stored suggestion as a new JSON object, or json_null();
 * *sev_probs gets a new reference to the severity probabilities (or
 * NULL). */
static json_t *suggestion_json(db *d, const struct incident *in,
			       json_t **sev_probs)
{
	*sev_probs = NULL;
	sqlite3_stmt *st = db_query(d, STMT_SUGGESTION_GET, in->id);
	if (!st)
		return json_null();
	json_t *o = json_null();
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *slug = db_text(st, 0), *level = db_text(st, 3);
		char at[21];
		clock_iso(db_int(st, 8), at);
		*sev_probs = parsed(db_text(st, 5));
		o = json_pack(
		    "{s{ss ss sf si so sb sb} s{ss sf si sO so sb} ss ss}",
		    "category", "slug", slug, "name", db_text(st, 9),
		    "confidence", round(db_real(st, 1) * 1000) / 1000,
		    "percent", (int)lround(db_real(st, 1) * 100), "terms",
		    parsed(db_text(st, 2)), "chosen",
		    !strcmp(slug, in->category_slug), "available",
		    db_int(st, 10) != 0, "severity", "value", level,
		    "confidence", round(db_real(st, 4) * 1000) / 1000,
		    "percent", (int)lround(db_real(st, 4) * 100),
		    "probabilities", *sev_probs, "terms",
		    parsed(db_text(st, 6)), "chosen",
		    !strcmp(level, in->severity), "model", db_text(st, 7),
		    "created_at", at);
	}
	sqlite3_reset(st);
	return o;
}

/* Returns the value 0..1 of a severity level (0.5 when unknown). */
static double level_value(const char *s)
{
	static const char *const levels[] = {"low", "medium", "high",
					     "critical"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, levels[i]))
			return (i + 1) / 4.0;
	return 0.5;
}

/* Adds one part {part, label, value, points, max, detail} to parts and
 * returns its points. */
static double part(json_t *parts, const char *name, const char *label,
		   double value, double max, const char *detail)
{
	double pts = round(value * max * 10) / 10;
	json_array_append_new(
	    parts, json_pack("{ss ss sf sf sf ss}", "part", name, "label",
			     label, "value", round(value * 100) / 100, "points",
			     pts, "max", max, "detail", detail));
	return pts;
}

/* Returns 1 when assets mention one of the comma-separated names in list
 * (case-blind); *hit gets the name (arena). */
static int critical_asset(arena *a, const char *assets, const char *list,
			  const char **hit)
{
	char *copy = arena_strdup(a, list);
	for (char *save, *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t n = strlen(t);
		while (n && t[n - 1] == ' ')
			t[--n] = '\0';
		if (n && strcasestr(assets, t)) {
			*hit = t;
			return 1;
		}
	}
	return 0;
}

/* Returns the threat score of the incident as a new JSON object {score,
 * parts}; probs are the model's severity probabilities (may be NULL),
 * nind the number of indicators found. */
static json_t *score_json(db *d, arena *a, const struct incident *in,
			  json_t *probs, size_t nind)
{
	json_t *parts = json_array();
	double total = 0, v;
	const char *detail;
	/* severity: the person's choice wins over the model's expectation */
	if (*in->severity) {
		v = level_value(in->severity);
		detail = arena_printf(a, "set to %s", in->severity);
	} else if (json_object_size(probs)) {
		const char *k;
		json_t *p;
		v = 0;
		json_object_foreach(probs, k, p) v +=
		    json_number_value(p) * level_value(k);
		detail = "expected from the model's probabilities";
	} else {
		v = 0.5;
		detail = "not known yet";
	}
	total += part(parts, "severity", "Severity", v, 30, detail);
	sqlite3_stmt *st = db_query(d, STMT_CATEGORY_WEIGHT, in->category_id);
	v = st && sqlite3_step(st) == SQLITE_ROW ? db_real(st, 0) : 0.5;
	if (st)
		sqlite3_reset(st);
	total += part(parts, "category", "Category", v, 20,
		      arena_printf(a, "%s weighs %.2f", in->category_name, v));
	/* personal data: involved, then scale (log10 of people or records,
	 * 1 million = full), then sensitive types */
	v = 0;
	detail = "none reported";
	if (in->personal_data) {
		int64_t n = in->people_affected > in->records_affected
				? in->people_affected
				: in->records_affected;
		v = 0.4 +
		    (n > 0 ? fmin(0.4, 0.4 * log10((double)n + 1) / 6) : 0);
		static const char *const sensitive[] = {
		    "special", "health", "financial", "credentials",
		    "payment_card"};
		for (int i = 0; i < 5; i++)
			if (strstr(in->data_types, sensitive[i])) {
				v += 0.2;
				break;
			}
		detail = n > 0 ? arena_printf(a, "involved, about %lld",
					      (long long)n)
			       : "involved, number unknown";
	}
	total += part(parts, "data", "Personal data", fmin(v, 1), 20, detail);
	const char *hit = NULL;
	if (!*in->assets)
		v = 0, detail = "none named";
	else if (critical_asset(a, in->assets, assets_critical_names(d, a),
				&hit))
		v = 1, detail = arena_printf(a, "critical asset: %s", hit);
	else
		v = 0.4, detail = "named, none critical";
	total += part(parts, "assets", "Assets", v, 15, detail);
	total += part(parts, "indicators", "Indicators", fmin(1, nind / 5.0),
		      15, arena_printf(a, "%zu found", nind));
	return json_pack("{si so}", "score", (int)lround(fmin(total, 100)),
			 "parts", parts);
}

/* Returns the labels given on the incident as a new JSON array. */
static json_t *labels_json(db *d, int64_t incident)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_query(d, STMT_LABEL_LIST, incident);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 3), at);
		json_array_append_new(
		    arr, json_pack("{ss ss ss sb ss s{ss ss}}", "field",
				   db_text(st, 0), "value", db_text(st, 1),
				   "suggested", db_text(st, 2), "accepted",
				   !strcmp(db_text(st, 1), db_text(st, 2)),
				   "created_at", at, "by", "email",
				   db_text(st, 4), "name", db_text(st, 5)));
	}
	if (st)
		sqlite3_reset(st);
	return arr;
}

/* Returns the incident's intelligence as a new JSON object: suggestion
 * and threat score; with staff set also its indicators, the labels given
 * and the 5 most similar incidents (all of which show other incidents).
 * NULL on error. */
json_t *intel_json(db *d, arena *a, const struct incident *in, int staff)
{
	json_t *probs, *inds = indicators_of(d, in->id);
	if (!inds)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "suggestion", suggestion_json(d, in, &probs));
	json_object_set_new(o, "threat",
			    score_json(d, a, in, probs, json_array_size(inds)));
	json_decref(probs);
	if (!staff) {
		json_decref(inds);
		return o;
	}
	json_object_set_new(o, "indicators", inds);
	json_object_set_new(o, "labels", labels_json(d, in->id));
	models_lock(d);
	json_t *sim = similar_find(d, a, in, 5);
	models_unlock();
	json_object_set_new(o, "similar", sim ? sim : json_array());
	return o;
}
