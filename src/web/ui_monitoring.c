/* ui_monitoring.c - the monitoring overview at /monitor (leads, managers,
 * admins): events a minute by kind and the score distribution from the
 * events' rollups, alerts by severity, status and hour, the entities and
 * detectors alerted on most, false-positive rates, the mean times to
 * acknowledge and close; and the ATT&CK coverage at /monitor/attack:
 * techniques by the enabled rules and by the alerts of the last 30 days.
 * Charts are SVG drawn here, each beside a table of its data. */
#include "ui.h"

#include "../core/utf8.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../domain/alert_stats.h"
#include "../domain/attack.h"
#include "../domain/events.h"
#include "../domain/rules.h"
#include "ui_svg.h"

#include <stdlib.h>
#include <string.h>

const struct field ui_monitoring_fields[] = {
    {"hours", V_INT, 0, 1, 720, NULL, "Hours"}, {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Events a minute of each kind over the period, from the activity's
 * hours: [{name, n (events), per_minute}]. New. */
static json_t *kinds(json_t *activity, int64_t hours)
{
	json_t *sum = json_object(), *h, *out = json_array();
	size_t i;
	json_array_foreach(json_object_get(activity, "hours"), i, h)
	{
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(h, "by_kind"), k, v)
		{
			json_object_set_new(
			    sum, k,
			    json_integer(
				json_integer_value(json_object_get(sum, k)) +
				json_integer_value(v)));
		}
	}
	const char *k;
	json_t *v;
	json_object_foreach(sum, k, v)
	{
		double per =
		    (double)json_integer_value(v) / (double)(hours * 60);
		json_array_append_new(
		    out,
		    json_pack("{ss sO sf}", "name", k, "n", v, "per_minute",
			      (double)(int64_t)(per * 10 + 0.5) / 10));
	}
	json_decref(sum);
	return out;
}

/* GET /monitor - the overview of the last hours (default 24). */
int ui_monitoring_index(struct ctx *c)
{
	int64_t hours = ctx_int(c, "hours", 24), now = clock_now();
	db *ev = db_thread(config_get()->events_db);
	json_t *activity =
	    ev ? events_activity(ev, (now - hours * 3600) * 1000) : NULL;
	json_t *alerts = alert_stats(c->db, now - hours * 3600, now + 1);
	if (!activity || !alerts) {
		json_decref(activity);
		json_decref(alerts);
		return -1;
	}
	json_object_set_new(activity, "kinds", kinds(activity, hours));
	c->view = json_pack("{sI so so}", "hours", (json_int_t)hours, "events",
			    activity, "alerts", alerts);
	if (c->api)
		return 0;
	CHART(c, "events_chart_html",
	      ui_svg_columns(&b_, "m-ev", "Events per hour",
			     "Events taken in each hour of the period",
			     json_object_get(activity, "hours"), "label"));
	CHART(c, "scores_chart_html",
	      ui_svg_columns(&b_, "m-sc", "Anomaly scores",
			     "Scored events by anomaly score, in tenths",
			     json_object_get(activity, "histogram"), "label"));
	CHART(c, "alerts_chart_html",
	      ui_svg_columns(&b_, "m-al", "Alerts raised per hour",
			     "New alerts in each hour of the period",
			     json_object_get(alerts, "hourly"), "label"));
	CHART(c, "severity_chart_html",
	      ui_svg_donut(&b_, "m-sev", "Alerts by severity",
			   "Share of the period's alerts per severity",
			   json_object_get(alerts, "by_severity")));
	/* the bars' labels: titles cut to what the chart's margin holds */
	json_t *bars = json_array(), *d;
	size_t i;
	json_array_foreach(json_object_get(alerts, "detectors"), i, d)
	{
		const char *t = json_string_value(json_object_get(d, "title"));
		int n = (int)utf8_cut(t, 22);
		json_array_append_new(
		    bars,
		    json_pack("{ss sO}", "label",
			      strlen(t) > 24 ? arena_printf(c->a, "%.*s…", n, t)
					     : t,
			      "n", json_object_get(d, "n")));
	}
	CHART(c, "detectors_chart_html",
	      ui_svg_hbars(&b_, "m-det", "Detectors that fire most",
			   "Findings per rule or model in the period", bars,
			   "label"));
	json_decref(bars);
	return 0;
}

/* Adds technique t (described) to table by id, counting a rule (title)
 * or alerts (n). */
static void cover(json_t *table, json_t *t, const char *rule, json_int_t n)
{
	const char *id = json_string_value(json_object_get(t, "id"));
	json_t *row = json_object_get(table, id);
	if (!row) {
		row = json_deep_copy(t);
		json_object_set_new(row, "rules", json_array());
		json_object_set_new(row, "alerts", json_integer(0));
		json_object_set_new(table, id, row);
	}
	if (rule)
		json_array_append_new(json_object_get(row, "rules"),
				      json_string(rule));
	json_object_set_new(
	    row, "alerts",
	    json_integer(json_integer_value(json_object_get(row, "alerts")) +
			 n));
}

/* qsort order of texts. */
static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* GET /monitor/attack - ATT&CK techniques by the enabled rules and by the
 * alerts of the last 30 days. */
int ui_monitoring_attack(struct ctx *c)
{
	json_t *files = rules_list(c->db, config_get()->rules_dir);
	json_t *seen = alert_stats_techniques(c->db, clock_now() - 30 * 86400,
					      clock_now() + 1, 500);
	if (!files || !seen) {
		json_decref(files);
		json_decref(seen);
		return -1;
	}
	json_t *table = json_object(), *f, *r, *t;
	size_t i, j, k;
	json_array_foreach(files, i, f)
	{
		if (!json_is_true(json_object_get(f, "enabled")))
			continue;
		json_array_foreach(json_object_get(f, "rules"), j, r)
		    json_array_foreach(json_object_get(r, "techniques"), k, t)
			cover(table, t,
			      json_string_value(json_object_get(r, "title")),
			      0);
	}
	json_array_foreach(seen, i, t)
	    cover(table, t, NULL, json_integer_value(json_object_get(t, "n")));
	/* by technique id */
	size_t n = json_object_size(table), by_rules = 0;
	const char **keys = arena_calloc(c->a, n + 1, sizeof(char *));
	const char *key;
	json_t *v;
	n = 0;
	json_object_foreach(table, key, v) keys[n++] = key;
	qsort(keys, n, sizeof(*keys), by_text);
	json_t *rows = json_array();
	for (i = 0; i < n; i++) {
		v = json_object_get(table, keys[i]);
		by_rules += json_array_size(json_object_get(v, "rules")) > 0;
		json_array_append(rows, v);
	}
	c->view = json_pack("{so sI sI sI}", "techniques", rows, "covered",
			    (json_int_t)by_rules, "seen",
			    (json_int_t)json_array_size(seen), "known",
			    (json_int_t)attack_count());
	json_decref(table);
	json_decref(files);
	json_decref(seen);
	return 0;
}
