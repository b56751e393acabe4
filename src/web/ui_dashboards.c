/* ui_dashboards.c - the operational and executive dashboards (lead, manager,
 * admin). The figures come from domain/metrics.c; the HTML view adds SVG
 * charts of the same data, which every page also shows as tables. */
#include "ui.h"

#include "../core/clock.h"
#include "../domain/metrics.h"
#include "ui_svg.h"

#include <string.h>

/* GET /metrics - what needs attention now: open incidents by status and
 * severity, unassigned, oldest, SLA clocks, GDPR deadlines, workload. */
int ui_dashboards_operational(struct ctx *c)
{
	c->view = metrics_operational(c->db, clock_now());
	if (!c->view)
		return -1;
	if (c->api)
		return 0;
	json_t *open = json_object_get(c->view, "open");
	CHART(c, "status_chart_html",
	      ui_svg_hbars(&b_, "c-status", "Open incidents by status",
			   "Number of open incidents in each workflow status",
			   json_object_get(open, "by_status"), "name"));
	CHART(c, "severity_chart_html",
	      ui_svg_donut(&b_, "c-sev", "Open incidents by severity",
			   "Share of open incidents per severity",
			   json_object_get(open, "by_severity")));
	return 0;
}

/* Adds the forecast line (all categories summed) to the HTML view. */
static void forecast_chart(struct ctx *c)
{
	json_t *cats =
	    json_object_get(json_object_get(c->view, "forecast"), "categories");
	double hist[64] = {0}, ahead[8] = {0};
	int nh = 0, na = 0;
	size_t i;
	json_t *cat;
	json_array_foreach(cats, i, cat)
	{
		json_t *h = json_object_get(cat, "history"),
		       *n = json_object_get(cat, "next");
		nh =
		    (int)json_array_size(h) < 64 ? (int)json_array_size(h) : 64;
		na = (int)json_array_size(n) < 8 ? (int)json_array_size(n) : 8;
		for (int k = 0; k < nh; k++)
			hist[k] +=
			    json_number_value(json_array_get(h, (size_t)k));
		for (int k = 0; k < na; k++)
			ahead[k] +=
			    json_number_value(json_array_get(n, (size_t)k));
	}
	CHART(c, "forecast_chart_html",
	      ui_svg_line(
		  &b_, "c-fc", "Weekly incidents and forecast",
		  "Incidents per week over the last weeks (solid) and the "
		  "forecast for the next four (dashed)",
		  hist, nh, ahead, na));
}

/* GET /metrics/executive - a period's volumes, times to triage, contain
 * and resolve against the previous period, false positives, forecast and
 * anomalies. */
int ui_dashboards_executive(struct ctx *c)
{
	int64_t from, to;
	json_t *period = ui_period_read(c, &from, &to);
	if (!period)
		return 0;
	c->view = metrics_executive_cached(c->db, from, to);
	if (!c->view) {
		json_decref(period);
		return -1;
	}
	json_object_set_new(period, "query", json_string(ctx_query(c, NULL)));
	json_object_set_new(c->view, "filter", period);
	json_t *al = json_object_get(c->view, "alerts");
	if (c->api)
		return 0;
	CHART(c, "weekly_chart_html",
	      ui_svg_columns(&b_, "c-week", "Incidents per week",
			     "Number of incidents reported in each week of the "
			     "period",
			     json_object_get(c->view, "weekly"), "week"));
	CHART(c, "category_chart_html",
	      ui_svg_hbars(&b_, "c-cat", "Incidents by category",
			   "Number of incidents per category in the period",
			   json_object_get(c->view, "by_category"), "name"));
	CHART(c, "severity_chart_html",
	      ui_svg_donut(&b_, "c-sev", "Incidents by severity",
			   "Share of the period's incidents per severity",
			   json_object_get(c->view, "by_severity")));
	CHART(c, "department_chart_html",
	      ui_svg_hbars(&b_, "c-dept", "Incidents by department",
			   "Number of incidents per reporter's department",
			   json_object_get(c->view, "by_department"), "name"));
	CHART(c, "heatmap_html",
	      ui_svg_heatmap(&b_, "c-heat", "When incidents are reported",
			     "Incidents by weekday and hour of the day (UTC); "
			     "darker is more",
			     json_object_get(c->view, "heatmap")));
	CHART(c, "alerts_chart_html",
	      ui_svg_donut(&b_, "c-alerts", "Alerts by severity",
			   "Share of the period's alerts per severity",
			   json_object_get(al, "by_severity")));
	forecast_chart(c);
	return 0;
}
