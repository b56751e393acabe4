/* metrics.c - see metrics.h. Each dashboard is one or two scans whose
 * rows are aggregated here; the results are plain JSON for both views
 * (the web layer adds the charts). */
#include "metrics.h"

#include "alert_stats.h"

#include "indicators.h"

#include "settings.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "forecast.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY	      86400
#define WEEK	      (7 * DAY)
#define HISTORY_WEEKS 26
#define HORIZON	      4
#define MAX_CATS      64
#define MAX_DEPTS     64

static const char *const sev_names[] = {"low", "medium", "high", "critical"};
static const char *const open_statuses[] = {
    "new", "triage", "investigating", "containment", "eradication", "recovery"};
static const char *const day_names[] = {"Mon", "Tue", "Wed", "Thu",
					"Fri", "Sat", "Sun"};

/* Returns the index of a severity in sev_names, or -1 for none. */
static int sev_index(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, sev_names[i]))
			return i;
	return -1;
}

/* Returns [{name, n}] from counts per severity (low..critical, then
 * none), most severe first. New reference. */
static json_t *severity_json(const int64_t counts[5])
{
	json_t *arr = json_array();
	for (int s = 3; s >= -1; s--)
		json_array_append_new(
		    arr, json_pack("{ss sI}", "name",
				   s >= 0 ? sev_names[s] : "not set", "n",
				   (json_int_t)counts[s >= 0 ? s : 4]));
	return arr;
}

/* Writes a duration as "3 d 4 h", "5 h 12 min" or "42 min" into out and
 * returns out. */
const char *metrics_duration_text(int64_t s, char out[32])
{
	if (s < 0)
		s = -s;
	if (s >= DAY)
		snprintf(out, 32, "%lld d %lld h", (long long)(s / DAY),
			 (long long)(s % DAY / 3600));
	else if (s >= 3600)
		snprintf(out, 32, "%lld h %lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(out, 32, "%lld min", (long long)((s + 59) / 60));
	return out;
}

/* Returns the p-th percentile (0..100) of sorted[0..n) by linear
 * interpolation between closest ranks (numpy's default); NAN when n = 0. */
double metrics_percentile(const int64_t *sorted, size_t n, double p)
{
	if (n == 0)
		return NAN;
	double r = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)floor(r), hi = lo + 1 < n ? lo + 1 : lo;
	return (double)sorted[lo] +
	       (r - (double)lo) * (double)(sorted[hi] - sorted[lo]);
}

/* Returns a percentage change as text ("+12.5%"), or JSON null when the
 * previous value is 0 or unknown. New reference. */
static json_t *change(double now, double prev)
{
	if (!(prev > 0) || isnan(now))
		return json_null();
	char t[32];
	snprintf(t, sizeof(t), "%+.1f%%", (now - prev) / prev * 100.0);
	return json_string(t);
}

/* A growing array of durations in seconds. */
struct series {
	int64_t *v;
	size_t n, cap;
};

/* Appends x; returns 0, or -1 when out of memory. */
static int series_add(struct series *s, int64_t x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		int64_t *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

/* qsort order for int64. */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* What one period accumulates. */
struct period {
	int64_t total, rejected;
	struct series times[3]; /* triage, contain, resolve */
};

/* Frees the series of p. */
static void period_free(struct period *p)
{
	for (int k = 0; k < 3; k++)
		free(p->times[k].v);
}

/* Adds one incident's milestones to p. Returns 0 or -1 (memory). */
static int period_add(struct period *p, sqlite3_stmt *st, int64_t created,
		      const char *status)
{
	p->total++;
	p->rejected += !strcmp(status, "rejected");
	for (int k = 0; k < 3; k++) {
		if (sqlite3_column_type(st, 5 + k) == SQLITE_NULL)
			continue;
		int64_t at = db_int(st, 5 + k);
		if (at >= created && series_add(&p->times[k], at - created))
			return -1;
	}
	return 0;
}

/* Returns the mean of s (NAN when empty). */
static double series_mean(const struct series *s)
{
	if (!s->n)
		return NAN;
	double sum = 0;
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	return sum / (double)s->n;
}

/* Returns a duration as JSON seconds (rounded) or null for NAN. */
static json_t *secs(double v)
{
	return isnan(v) ? json_null() : json_integer((json_int_t)llround(v));
}

/* Returns a duration as JSON text or null for NAN. */
static json_t *secs_text(double v)
{
	char t[32];
	return isnan(v) ? json_null()
			: json_string(metrics_duration_text(llround(v), t));
}

/* Sorts a series in place; an empty one has no array (qsort's pointer
 * must not be NULL, even for no elements). */
static void series_sort(struct series *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_i64);
}

/* Returns the three time-to figures of cur against prev (sorts both). */
static json_t *times_json(struct period *cur, struct period *prev)
{
	static const char *const keys[] = {"triage", "contain", "resolve"};
	static const char *const names[] = {"Time to triage", "Time to contain",
					    "Time to resolve"};
	json_t *arr = json_array();
	for (int k = 0; k < 3; k++) {
		struct series *s = &cur->times[k], *p = &prev->times[k];
		series_sort(s);
		series_sort(p);
		double mean = series_mean(s),
		       med = metrics_percentile(s->v, s->n, 50),
		       p90 = metrics_percentile(s->v, s->n, 90),
		       pmean = series_mean(p),
		       pmed = metrics_percentile(p->v, p->n, 50);
		json_array_append_new(
		    arr,
		    json_pack("{ss ss sI so so so so so so so so so so}", "key",
			      keys[k], "name", names[k], "n", (json_int_t)s->n,
			      "mean_s", secs(mean), "median_s", secs(med),
			      "p90_s", secs(p90), "mean", secs_text(mean),
			      "median", secs_text(med), "p90", secs_text(p90),
			      "previous_mean", secs_text(pmean),
			      "previous_median", secs_text(pmed), "change_mean",
			      change(mean, pmean), "change_median",
			      change(med, pmed)));
	}
	return arr;
}

/* Returns a rate as "8.3%" text, or null when there is nothing to rate. */
static json_t *rate(int64_t part, int64_t whole)
{
	char t[32];
	if (!whole)
		return json_null();
	snprintf(t, sizeof(t), "%.1f%%", 100.0 * (double)part / (double)whole);
	return json_string(t);
}

/* A named count, for sorting. */
struct tally {
	const char *name;
	int64_t id, n;
};

/* qsort order: largest count first, then by name. */
static int by_count(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Returns [{name, n}] for the non-zero tallies, largest first. */
static json_t *tallies_json(struct tally *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), by_count);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		if (t[i].n)
			json_array_append_new(
			    arr, json_pack("{ss sI}", "name", t[i].name, "n",
					   (json_int_t)t[i].n));
	return arr;
}

/* The state of one executive computation. */
struct exec {
	arena a;
	struct tally cats[MAX_CATS], depts[MAX_DEPTS];
	int ncats, ndepts;
	int64_t sev[5]; /* low..critical, then "not set" */
	int64_t heat[7][24];
	int64_t *weeks; /* per week of the period */
	int nweeks;
	double hist[MAX_CATS][HISTORY_WEEKS];
};

/* Returns the index of category id in e->cats, or -1. */
static int cat_index(struct exec *e, int64_t id)
{
	for (int i = 0; i < e->ncats; i++)
		if (e->cats[i].id == id)
			return i;
	return -1;
}

/* Counts one incident for its reporter's department (the last slot is
 * "Other" once MAX_DEPTS - 1 names are taken). */
static void dept_add(struct exec *e, const char *name)
{
	if (!*name)
		name = "(none)";
	for (int i = 0; i < e->ndepts; i++)
		if (!strcmp(e->depts[i].name, name)) {
			e->depts[i].n++;
			return;
		}
	if (e->ndepts == MAX_DEPTS - 1) {
		e->depts[e->ndepts++] = (struct tally){"Other", 0, 1};
		return;
	}
	if (e->ndepts == MAX_DEPTS) {
		e->depts[MAX_DEPTS - 1].n++;
		return;
	}
	e->depts[e->ndepts++] = (struct tally){arena_strdup(&e->a, name), 0, 1};
}

/* Loads every category (active or not) into e. Returns 0 or -1. */
static int load_categories(db *d, struct exec *e)
{
	sqlite3_stmt *st = db_query(d, STMT_CATEGORY_LIST, 0);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW && e->ncats < MAX_CATS)
		e->cats[e->ncats++] = (struct tally){
		    arena_strdup(&e->a, db_text(st, 2)), db_int(st, 0), 0};
	sqlite3_reset(st);
	return 0;
}

/* Returns the forecast and anomaly flags from the weekly history of each
 * category (the HISTORY_WEEKS weeks ending at the period's end). */
static json_t *forecast_json(struct exec *e, json_t *anomalies)
{
	json_t *cats = json_array();
	double mae = 0, naive = 0;
	int tested = 0;
	for (int c = 0; c < e->ncats; c++) {
		double *y = e->hist[c], sum = 0;
		for (int w = 0; w < HISTORY_WEEKS; w++)
			sum += y[w];
		if (sum == 0)
			continue;
		struct forecast_fit f;
		double next[HORIZON], m, nm;
		if (forecast_fit(y, HISTORY_WEEKS, &f) != 0)
			continue;
		forecast_ahead(&f, HORIZON, next);
		if (forecast_backtest(y, HISTORY_WEEKS, HORIZON, &m, &nm) ==
		    0) {
			mae += m;
			naive += nm;
			tested++;
		}
		/* the last week against the mean of the weeks before it */
		double lambda =
		    (sum - y[HISTORY_WEEKS - 1]) / (HISTORY_WEEKS - 1);
		int last = (int)y[HISTORY_WEEKS - 1];
		double p = forecast_poisson_tail(lambda, last);
		int anomalous = last >= 5 && p < 0.001;
		json_t *hist = json_array(), *ahead = json_array();
		for (int w = 0; w < HISTORY_WEEKS; w++)
			json_array_append_new(hist,
					      json_integer((json_int_t)y[w]));
		for (int k = 0; k < HORIZON; k++)
			json_array_append_new(
			    ahead, json_real(round(next[k] * 10) / 10));
		json_array_append_new(
		    cats,
		    json_pack("{ss so so si sf sb sf}", "name", e->cats[c].name,
			      "history", hist, "next", ahead, "last_week", last,
			      "expected", round(lambda * 10) / 10, "anomalous",
			      anomalous, "p_value", p));
		if (anomalous)
			json_array_append_new(
			    anomalies,
			    json_pack("{ss si sf}", "name", e->cats[c].name,
				      "last_week", last, "expected",
				      round(lambda * 10) / 10));
	}
	return json_pack(
	    "{ss si si so so so}", "method",
	    "Holt's exponential smoothing with a damped trend (parameters "
	    "by one-step error), back-tested on the last 4 weeks",
	    "history_weeks", HISTORY_WEEKS, "horizon_weeks", HORIZON, "mae",
	    tested ? json_real(round(mae / tested * 100) / 100) : json_null(),
	    "naive_mae",
	    tested ? json_real(round(naive / tested * 100) / 100) : json_null(),
	    "categories", cats);
}

/* Returns the heatmap of the period (weekday x hour, UTC). */
static json_t *heat_json(struct exec *e)
{
	json_t *rows = json_array();
	int64_t max = 0;
	for (int d = 0; d < 7; d++) {
		json_t *h = json_array();
		for (int k = 0; k < 24; k++) {
			json_array_append_new(h, json_integer(e->heat[d][k]));
			if (e->heat[d][k] > max)
				max = e->heat[d][k];
		}
		json_array_append_new(
		    rows,
		    json_pack("{ss so}", "day", day_names[d], "hours", h));
	}
	return json_pack("{so sI}", "rows", rows, "max", (json_int_t)max);
}

/* Returns the executive figures for incidents created in [from, to),
 * against the period of the same length before it, as a new JSON object;
 * NULL on a database or memory error. */
json_t *metrics_executive(db *d, int64_t from, int64_t to)
{
	int64_t len = to - from, pfrom = from - len;
	int64_t hstart = to - (int64_t)HISTORY_WEEKS * WEEK;
	int64_t scan = pfrom < hstart ? pfrom : hstart;
	struct exec *e = calloc(1, sizeof(*e));
	struct period cur = {0}, prev = {0};
	json_t *out = NULL;
	if (!e)
		return NULL;
	arena_init(&e->a);
	e->nweeks = (int)((len + WEEK - 1) / WEEK);
	e->weeks = calloc((size_t)e->nweeks + 1, sizeof(*e->weeks));
	if (!e->weeks || load_categories(d, e) != 0)
		goto done;
	sqlite3_stmt *st = db_query(d, STMT_METRICS_SCAN, scan, to);
	if (!st)
		goto done;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = db_int(st, 0);
		const char *status = db_text(st, 1);
		int ci = cat_index(e, db_int(st, 3));
		if (t >= hstart && ci >= 0)
			e->hist[ci][(t - hstart) / WEEK] += 1;
		if (t < pfrom)
			continue;
		if (t < from) {
			if (period_add(&prev, st, t, status))
				break;
			continue;
		}
		if (period_add(&cur, st, t, status))
			break;
		e->weeks[(t - from) / WEEK]++;
		if (ci >= 0)
			e->cats[ci].n++;
		int s = sev_index(db_text(st, 2));
		e->sev[s < 0 ? 4 : s]++;
		dept_add(e, db_text(st, 4));
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		e->heat[(tm.tm_wday + 6) % 7][tm.tm_hour]++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto done;

	char f[21], t2[21], pf[21];
	clock_iso(from, f);
	clock_iso(to, t2);
	clock_iso(pfrom, pf);
	json_t *weekly = json_array();
	for (int w = 0; w < e->nweeks; w++) {
		char ws[21];
		clock_iso(from + (int64_t)w * WEEK, ws);
		json_array_append_new(weekly,
				      json_pack("{ss# sI}", "week", ws, 10, "n",
						(json_int_t)e->weeks[w]));
	}
	json_t *sev = severity_json(e->sev);
	json_t *anomalies = json_array();
	json_t *forecast = forecast_json(e, anomalies);
	out = json_pack(
	    "{s{ss ss sI ss} s{sI sI so sI so so} so so so so so so so so}",
	    "period", "from", f, "to", t2, "days", (json_int_t)(len / DAY),
	    "previous_from", pf, "totals", "incidents", (json_int_t)cur.total,
	    "previous", (json_int_t)prev.total, "change",
	    change((double)cur.total, (double)prev.total), "rejected",
	    (json_int_t)cur.rejected, "false_positive_rate",
	    rate(cur.rejected, cur.total), "previous_false_positive_rate",
	    rate(prev.rejected, prev.total), "times", times_json(&cur, &prev),
	    "weekly", weekly, "by_category", tallies_json(e->cats, e->ncats),
	    "by_severity", sev, "by_department",
	    tallies_json(e->depts, e->ndepts), "heatmap", heat_json(e),
	    "forecast", forecast, "anomalies", anomalies);
	json_t *top = out ? indicators_top(d, from, to, 10) : NULL;
	if (out)
		json_object_set_new(out, "top_indicators",
				    top ? top : json_array());
	/* the period's alerts from monitoring */
	json_t *al = out ? alert_stats(d, from, to) : NULL;
	if (out && !al) {
		json_decref(out);
		out = NULL;
	}
	if (out)
		json_object_set_new(out, "alerts", al);
done:
	period_free(&cur);
	period_free(&prev);
	free(e->weeks);
	arena_free(&e->a);
	free(e);
	return out;
}

#define CACHE_SLOTS 8
#define CACHE_TTL   3600

/* Recent executive results: the period, the "metrics" change counter
 * (data_versions: bumped by triggers on history rows, people's names,
 * roles and status, indicator links and categories) and the figures. */
static struct {
	int64_t from, to, at, version;
	json_t *figures;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

/* metrics_executive through a small cache: the same period over the same
 * data (the change counter unchanged; read on every call) answers from
 * memory, for at most CACHE_TTL seconds. Returns a new JSON object (a
 * copy), or NULL on error. */
json_t *metrics_executive_cached(db *d, int64_t from, int64_t to)
{
	/* the figures move with the incidents' counter and the alerts' (both
	 * only grow, so their sum moves when either does) */
	int64_t mv = db_scalar(d, STMT_CHANGE_COUNTER, "metrics"),
		av = db_scalar(d, STMT_CHANGE_COUNTER, "alerts");
	int64_t version = mv < 0 || av < 0 ? -1 : mv + av;
	int64_t now = clock_now();
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; version >= 0 && i < CACHE_SLOTS; i++)
		if (cache[i].figures && cache[i].from == from &&
		    cache[i].to == to && now - cache[i].at < CACHE_TTL &&
		    cache[i].version == version) {
			json_t *hit = json_deep_copy(cache[i].figures);
			pthread_mutex_unlock(&cache_mu);
			return hit;
		}
	pthread_mutex_unlock(&cache_mu);
	json_t *fresh = metrics_executive(d, from, to);
	if (!fresh || version < 0)
		return fresh;
	pthread_mutex_lock(&cache_mu);
	int slot = 0; /* the oldest */
	for (int i = 1; i < CACHE_SLOTS; i++)
		if (cache[i].at < cache[slot].at)
			slot = i;
	json_decref(cache[slot].figures);
	cache[slot].from = from;
	cache[slot].to = to;
	cache[slot].at = now;
	cache[slot].version = version;
	arena *req = jsonmem_use(NULL); /* the copy outlives the request */
	cache[slot].figures = json_deep_copy(fresh);
	jsonmem_use(req);
	pthread_mutex_unlock(&cache_mu);
	return fresh;
}

/* The per-assignee tally of the operational dashboard. */
struct load {
	int64_t id, open, urgent;
	const char *name, *email;
};

/* qsort order: most open incidents first. */
static int by_load(const void *a, const void *b)
{
	const struct load *x = a, *y = b;
	if (x->open != y->open)
		return x->open < y->open ? 1 : -1;
	return strcmp(x->email, y->email);
}

/* Returns {id, ref, title} of incident id as a new object, for a
 * dashboard list (whose scan reads only an index); NULL on a database
 * error. */
static json_t *list_item(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_METRICS_ITEM, id);
	if (!st)
		return NULL;
	json_t *o = sqlite3_step(st) == SQLITE_ROW
			? json_pack("{sI ss ss}", "id", (json_int_t)id, "ref",
				    db_text(st, 0), "title", db_text(st, 1))
			: NULL;
	sqlite3_reset(st);
	return o;
}

/* Returns list_item of the open incident of a METRICS_OPEN row with its
 * status, severity and age; NULL on a database error. */
static json_t *open_item(db *d, sqlite3_stmt *row, int64_t now)
{
	json_t *o = list_item(d, db_int(row, 0));
	if (o) {
		char t[32];
		json_object_set_new(o, "status", json_string(db_text(row, 1)));
		json_object_set_new(o, "severity",
				    json_string(db_text(row, 2)));
		json_object_set_new(o, "age",
				    json_string(metrics_duration_text(
					now - db_int(row, 4), t)));
	}
	return o;
}

/* Fills each tally's name and email from the users table. Arena
 * strings. Returns 0 or -1. */
static int load_names(db *d, arena *a, struct load *loads, int n)
{
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *st = db_query(d, STMT_USER_BY_ID, loads[i].id);
		if (!st)
			return -1;
		int rc = sqlite3_step(st);
		loads[i].email =
		    arena_strdup(a, rc == SQLITE_ROW ? db_text(st, 1) : "");
		loads[i].name =
		    arena_strdup(a, rc == SQLITE_ROW ? db_text(st, 2) : "");
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

#define LISTED 50 /* incidents a dashboard list shows */

/* Returns the pending GDPR authority notifications: due within 72 hours
 * and overdue (for incidents reported in the last 30 days), counted in
 * full and each list cut to its LISTED most urgent. */
static json_t *gdpr_json(db *d, int64_t now)
{
	sqlite3_stmt *st =
	    db_query(d, STMT_METRICS_GDPR_PENDING, now - 30 * DAY);
	if (!st)
		return NULL;
	json_t *due = json_array(), *late = json_array();
	int64_t counts[2] = {0, 0}; /* due, late */
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t deadline = db_int(st, 1) + 72 * 3600;
		int over = deadline < now;
		json_t *list = over ? late : due;
		if (counts[over]++ >= LISTED)
			continue;
		json_t *item = list_item(d, db_int(st, 0));
		if (!item) {
			rc = SQLITE_ERROR;
			break;
		}
		char iso[21], left[32];
		clock_iso(deadline, iso);
		json_object_set_new(item, "deadline", json_string(iso));
		json_object_set_new(
		    item, "left",
		    json_string(metrics_duration_text(deadline - now, left)));
		json_array_append_new(list, item);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(due);
		json_decref(late);
		return NULL;
	}
	return json_pack(
	    "{sI sI so so sb sb}", "due_count", (json_int_t)counts[0],
	    "overdue_count", (json_int_t)counts[1], "due", due, "overdue", late,
	    "due_more", counts[0] > LISTED, "overdue_more", counts[1] > LISTED);
}

/* Returns the operational figures at time now as a new JSON object:
 * open incidents by status and severity, unassigned, the oldest, SLA
 * clocks at risk (75% used) or breached, GDPR deadlines, and the
 * workload per assignee. NULL on error. An open incident has been
 * triaged exactly when its status is no longer "new" (its first move
 * triages it and none leads back; incident_milestones.triaged_at agrees),
 * so the scan reads only the open incidents' index. */
json_t *metrics_operational(db *d, int64_t now)
{
	int64_t by_status[6] = {0}, by_sev[5] = {0}, unassigned = 0;
	int64_t at_risk = 0, breached = 0, total = 0;
	struct load loads[128];
	int nloads = 0;
	arena a;
	arena_init(&a);
	json_t *oldest = json_array(), *sla = json_array(), *out = NULL;
	int64_t triage[4], resolve[4]; /* the admin's SLA targets */
	settings_sla(d, triage, resolve);
	sqlite3_stmt *st = db_query(d, STMT_METRICS_OPEN);
	if (!st)
		goto done;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = db_text(st, 1);
		int s = sev_index(db_text(st, 2));
		int64_t assignee = db_int(st, 3), created = db_int(st, 4);
		total++;
		for (int k = 0; k < 6; k++)
			by_status[k] += !strcmp(status, open_statuses[k]);
		by_sev[s < 0 ? 4 : s]++;
		json_t *item = NULL;
		if (json_array_size(oldest) < 10) {
			if (!(item = open_item(d, st, now)))
				break;
			json_array_append_new(oldest, item);
		}
		/* SLA: the triage clock until triaged, then the resolve one */
		int triaged = strcmp(status, "new") != 0;
		int64_t target =
		    triaged ? resolve[s < 0 ? 1 : s] : triage[s < 0 ? 1 : s];
		int64_t used = now - created;
		if (used * 4 >= target * 3) {
			int over = used >= target;
			over ? breached++ : at_risk++;
			if (json_array_size(sla) < LISTED) {
				/* one of the oldest: a copy, not a new lookup
				 */
				item = item ? json_copy(item)
					    : open_item(d, st, now);
				if (!item)
					break;
				char due[21], left[32];
				clock_iso(created + target, due);
				metrics_duration_text(created + target - now,
						      left);
				json_object_set_new(
				    item, "clock",
				    json_string(triaged ? "resolve"
							: "triage"));
				json_object_set_new(item, "due",
						    json_string(due));
				json_object_set_new(item, "left",
						    json_string(left));
				json_object_set_new(item, "breached",
						    json_boolean(over));
				json_array_append_new(sla, item);
			}
		}
		if (!assignee) {
			unassigned++;
			continue;
		}
		int i = 0;
		while (i < nloads && loads[i].id != assignee)
			i++;
		if (i == nloads) {
			if (nloads == 128)
				continue;
			loads[nloads++] = (struct load){assignee, 0, 0, "", ""};
		}
		loads[i].open++;
		loads[i].urgent += s >= 2;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || load_names(d, &a, loads, nloads) != 0)
		goto done;
	qsort(loads, (size_t)nloads, sizeof(*loads), by_load);
	json_t *work = json_array(), *stat = json_array(),
	       *sev = severity_json(by_sev);
	for (int i = 0; i < nloads; i++)
		json_array_append_new(
		    work,
		    json_pack("{ss ss sI sI}", "name", loads[i].name, "email",
			      loads[i].email, "open", (json_int_t)loads[i].open,
			      "urgent", (json_int_t)loads[i].urgent));
	for (int k = 0; k < 6; k++)
		json_array_append_new(
		    stat, json_pack("{ss sI}", "name", open_statuses[k], "n",
				    (json_int_t)by_status[k]));

	json_t *gdpr = gdpr_json(d, now);
	char at[21];
	clock_iso(now, at);
	if (gdpr)
		out = json_pack(
		    "{ss s{sI so so} sI so s{sI sI so sb} so so si}",
		    "generated_at", at, "open", "total", (json_int_t)total,
		    "by_status", stat, "by_severity", sev, "unassigned",
		    (json_int_t)unassigned, "oldest", json_incref(oldest),
		    "sla", "at_risk", (json_int_t)at_risk, "breached",
		    (json_int_t)breached, "items", json_incref(sla), "more",
		    at_risk + breached > LISTED, "gdpr", gdpr, "workload", work,
		    "listed", LISTED);
	else {
		json_decref(work);
		json_decref(stat);
		json_decref(sev);
	}
done:
	json_decref(oldest);
	json_decref(sla);
	arena_free(&a);
	return out;
}
