/* alert_stats.c - see alert_stats.h. A handful of grouped statements
 * over the alerts of the period (the alerts_recent and status indexes;
 * the history's per-alert index for the times); nothing is cached: the
 * page reads it when asked. */
#include "alert_stats.h"

#include "attack.h"

#include <stdio.h>
#include <time.h>

/* {name, n} of a two-column statement, as a new array (NULL on error). */
static json_t *pairs(sqlite3_stmt *st)
{
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr, json_pack("{ss sI}", "name", db_text(st, 0), "n",
				   (json_int_t)db_int(st, 1)));
	sqlite3_reset(st);
	return arr;
}

/* The entities of kind what alerted on most: [{name, alerts, n}]. */
static json_t *top(db *d, int64_t from, int64_t to, const char *what)
{
	sqlite3_stmt *st = db_query(d, STMT_ASTAT_TOP, from, to, what);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr, json_pack("{ss sI sI}", "name", db_text(st, 0),
				   "alerts", (json_int_t)db_int(st, 1), "n",
				   (json_int_t)db_int(st, 2)));
	sqlite3_reset(st);
	return arr;
}

/* Each detector's alerts, findings and false-positive rate (of the
 * alerts closed): [{detector, title, alerts, n, closed,
 * false_positives, fp_percent (null: none closed)}]. */
static json_t *detectors(db *d, int64_t from, int64_t to)
{
	sqlite3_stmt *st = db_query(d, STMT_ASTAT_DETECTORS, from, to);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t closed = db_int(st, 4), fp = db_int(st, 5);
		json_t *o = json_pack(
		    "{ss ss sI sI sI sI}", "detector", db_text(st, 0), "title",
		    db_text(st, 1), "alerts", (json_int_t)db_int(st, 2), "n",
		    (json_int_t)db_int(st, 3), "closed", (json_int_t)closed,
		    "false_positives", (json_int_t)fp);
		json_object_set_new(
		    o, "fp_percent",
		    closed ? json_integer(
				 (json_int_t)((fp * 100 + closed / 2) / closed))
			   : json_null());
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return arr;
}

/* Alerts raised each hour: [{label, n, grave}]. */
static json_t *hourly(db *d, int64_t from, int64_t to)
{
	sqlite3_stmt *st = db_query(d, STMT_ASTAT_HOURLY, from, to);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char label[16];
		time_t secs = (time_t)(db_int(st, 0) * 3600);
		struct tm tm;
		gmtime_r(&secs, &tm);
		strftime(label, sizeof(label), "%d %Hh", &tm);
		json_array_append_new(
		    arr, json_pack("{ss sI sI}", "label", label, "n",
				   (json_int_t)db_int(st, 1), "grave",
				   (json_int_t)db_int(st, 2)));
	}
	sqlite3_reset(st);
	return arr;
}

/* The ATT&CK techniques of the alerts raised in [from, to) (Unix
 * seconds), most
 * seen first, up to limit: a new array of {id, path, name, tactics, n},
 * or NULL on a database error. */
json_t *alert_stats_techniques(db *d, int64_t from, int64_t to, int limit)
{
	sqlite3_stmt *st = db_query(d, STMT_ASTAT_TECHNIQUES, from, to, limit);
	if (!st)
		return NULL;
	json_t *ids = json_array(), *counts = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(ids, json_string(db_text(st, 0)));
		json_array_append_new(counts, json_integer(db_int(st, 1)));
	}
	sqlite3_reset(st);
	json_t *out = attack_describe(ids), *o;
	size_t i;
	json_array_foreach(out, i, o)
	    json_object_set(o, "n", json_array_get(counts, i));
	json_decref(ids);
	json_decref(counts);
	return out;
}

/* What the alerts raised in [from, to) (Unix seconds) add up to, as a
 * new object:
 * {by_severity, by_status: [{name, n}], hourly: [{label, n, grave}],
 * hosts, users, ips: [{name, alerts, n}], detectors (see detectors()),
 * techniques, mean_ack_minutes, mean_close_minutes (null: none yet),
 * acknowledged, closed, total}; NULL on a database error. */
json_t *alert_stats(db *d, int64_t from, int64_t to)
{
	json_t *o = json_pack(
	    "{so* so* so* so* so* so* so* so*}", "by_severity",
	    pairs(db_query(d, STMT_ASTAT_BY, from, to, "severity")),
	    "by_status", pairs(db_query(d, STMT_ASTAT_BY, from, to, "status")),
	    "hourly", hourly(d, from, to), "hosts", top(d, from, to, "host"),
	    "users", top(d, from, to, "user"), "ips", top(d, from, to, "ip"),
	    "detectors", detectors(d, from, to), "techniques",
	    alert_stats_techniques(d, from, to, 10));
	if (!o || json_object_size(o) != 8) {
		json_decref(o);
		return NULL;
	}
	sqlite3_stmt *st = db_query(d, STMT_ASTAT_TIMES, from, to);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		json_decref(o);
		return NULL;
	}
	for (int i = 0; i < 2; i++)
		json_object_set_new(
		    o, i ? "mean_close_minutes" : "mean_ack_minutes",
		    sqlite3_column_type(st, i) == SQLITE_NULL
			? json_null()
			: json_real((double)(int64_t)(db_real(st, i) / 6) /
				    10));
	json_object_set_new(o, "acknowledged", json_integer(db_int(st, 2)));
	json_object_set_new(o, "closed", json_integer(db_int(st, 3)));
	sqlite3_reset(st);
	json_int_t total = 0;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(o, "by_status"), i, x) total +=
	    json_integer_value(json_object_get(x, "n"));
	json_object_set_new(o, "total", json_integer(total));
	return o;
}
