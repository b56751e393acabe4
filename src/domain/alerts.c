/* alerts.c - see alerts.h. The worker reads the events database's
 * findings (events with why: over their model's threshold, with a value
 * never seen in training, or carrying a detection) after its cursor and
 * folds each into the main database in one transaction with the cursor,
 * so a finding is folded exactly once: into the open alert of the same
 * detector and group seen in the last 15 minutes (count and last_seen
 * rise, up to 20 copies of its events kept), or into a new alert. The
 * group is the entity a finding is about: the user of a sign-in (the
 * address of a failed one), the source address of a flow or a request,
 * the host of an endpoint event.
 * Statuses move new → acknowledged → investigating → closed (closing
 * names a reason; a closed alert may be reopened), each change a history
 * row. Promotion makes one incident of an alert, at most once. */
#include "alerts.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../ml/evfeat.h"
#include "attack.h"
#include "categories.h"
#include "events.h"
#include "incidents.h"
#include "intel.h"
#include "notify.h"
#include "timeline.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const alert_statuses[] = {"new", "acknowledged", "investigating",
				      "closed", NULL};
const char *const alert_reasons[] = {"true_positive", "false_positive",
				     "benign", "duplicate", NULL};
const char *const alert_severities[] = {"info", "low",	    "medium",
					"high", "critical", NULL};

/* A finding as the fold sees it. */
struct finding {
	int64_t event, ts, source;
	const char *kind, *host, *user, *ip, *why;
	double score;
	int never_seen;
	json_t *doc;
};

/* Returns the detector of f into out ("model:<kind>", or
 * "detection:<rule>" for an event that carries one) and its title. */
static const char *detector(const struct finding *f, char *out, size_t n,
			    char *title, size_t tn)
{
	const char *k = json_string_value(evfeat_member(f->doc, "event.kind"));
	if (k && !strcmp(k, "alert")) {
		const char *rule =
		    json_string_value(evfeat_member(f->doc, "rule.name"));
		const char *id =
		    json_string_value(evfeat_member(f->doc, "rule.id"));
		snprintf(out, n, "detection:%s",
			 id	? id
			 : rule ? rule
				: "unnamed");
		snprintf(title, tn, "%s", rule ? rule : id ? id : "Detection");
		return out;
	}
	snprintf(out, n, "model:%s", f->kind);
	static const char *const what[][2] = {
	    {"auth", "Unusual sign-in activity"},
	    {"network-flow", "Unusual network traffic"},
	    {"http-access", "Unusual web requests"},
	    {"endpoint", "Unusual endpoint activity"}};
	const char *t = "Unusual activity";
	for (size_t i = 0; i < sizeof(what) / sizeof(*what); i++)
		if (!strcmp(what[i][0], f->kind))
			t = what[i][1];
	snprintf(title, tn, "%s", t);
	return out;
}

/* Writes f's group ("user.name=ana") into out: the user of a sign-in
 * (of a failed one, the address it came from: a spray tries many users
 * from one place), the host of an endpoint event or a detection with
 * one, else the source address. */
static void group(const struct finding *f, int detection, char *out, size_t n)
{
	const char *outcome =
	    json_string_value(evfeat_member(f->doc, "event.outcome"));
	int failed = outcome && !strcmp(outcome, "failure");
	if (!strcmp(f->kind, "auth") && *f->user && !(failed && *f->ip))
		snprintf(out, n, "user.name=%s", f->user);
	else if ((!strcmp(f->kind, "endpoint") || detection) && *f->host)
		snprintf(out, n, "host.name=%s", f->host);
	else if (*f->ip)
		snprintf(out, n, "source.ip=%s", f->ip);
	else if (*f->host)
		snprintf(out, n, "host.name=%s", f->host);
	else
		snprintf(out, n, "source=%lld", (long long)f->source);
}

/* f's severity rank (0 info .. 4 critical) and risk (0-100): a
 * detection's event.severity (0-100, ECS) as Elastic ranks it; a model's
 * score (a value never seen in training at least medium). */
static int severity(const struct finding *f, int detection, int *risk)
{
	double s = f->score >= 0 ? f->score * 100 : 50;
	if (detection) {
		json_t *v = evfeat_member(f->doc, "event.severity");
		s = json_is_number(v) ? json_number_value(v) : 47;
		s = s < 0 ? 0 : s > 100 ? 100 : s;
		*risk = (int)lround(s);
		return s >= 99	 ? 4
		       : s >= 73 ? 3
		       : s >= 47 ? 2
		       : s >= 21 ? 1
				 : 0;
	}
	int r = s >= 80 ? 3 : s >= 70 ? 2 : 1;
	if (f->never_seen && r < 2) { /* a value training never had */
		r = 2;
		s = s < 50 ? 50 : s;
	}
	*risk = (int)lround(s);
	return r;
}

/* A copy of f's event for the alert: its id, time and document. New. */
static json_t *event_copy(const struct finding *f)
{
	return json_pack("{sI sI sO}", "id", (json_int_t)f->event, "ts",
			 (json_int_t)f->ts, "event", f->doc);
}

/* What one detector says of a finding: which detector, its title, the
 * group, severity rank and risk, its reasons (JSON text) and ATT&CK
 * techniques (a JSON array's text). */
struct verdict {
	char det[200], title[200], key[300];
	int sev, risk;
	int64_t window; /* ms a finding folds within, 0: ALERT_WINDOW_MS */
	const char *why, *techniques;
};

/* Folds finding f as verdict v into the main database d (inside its
 * transaction): into the open alert of v's detector and group, or a new
 * one (a suppressed finding is only counted). Returns 0 or -1. */
static int fold_one(db *d, const struct finding *f, const struct verdict *v,
		    int64_t now)
{
	int64_t held = db_scalar(d, STMT_SUPPRESS_ACTIVE, v->det, v->key, now);
	if (held < 0)
		return -1;
	if (held > 0)
		return db_exec(d, STMT_SUPPRESS_COUNT, held);
	sqlite3_stmt *st =
	    db_query(d, STMT_ALERT_OPEN, v->det, v->key,
		     f->ts - (v->window ? v->window : ALERT_WINDOW_MS));
	if (!st)
		return -1;
	int rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = db_int(st, 0);
		if (db_int(st, 3) >= ALERT_MAX_EVENTS) { /* copies all kept */
			sqlite3_reset(st);
			return db_exec(d, STMT_ALERT_FOLD_COUNT, id, f->ts,
				       v->risk, v->sev, now);
		}
		json_t *evs = json_loads(db_text(st, 2), 0, NULL);
		sqlite3_reset(st);
		if (!json_is_array(evs)) {
			json_decref(evs);
			evs = json_array();
		}
		if (json_array_size(evs) < ALERT_MAX_EVENTS)
			json_array_append_new(evs, event_copy(f));
		char *js = json_dumps(evs, JSON_COMPACT);
		json_decref(evs);
		rc = db_exec(d, STMT_ALERT_FOLD, id, f->ts, v->risk, v->sev,
			     js ? js : "[]", now);
		jsonmem_free(js);
		return rc;
	}
	sqlite3_reset(st);
	json_t *evs = json_pack("[o]", event_copy(f));
	char *js = json_dumps(evs, JSON_COMPACT);
	json_decref(evs);
	rc = db_exec(d, STMT_ALERT_RAISE, v->det, v->title, f->kind, v->key,
		     alert_severities[v->sev], v->why, v->risk, f->ts, f->ts,
		     f->source, f->host, f->user, f->ip, js ? js : "[]", now,
		     v->techniques);
	jsonmem_free(js);
	int64_t id = sqlite3_last_insert_rowid(d->h);
	if (rc == 0)
		rc = db_exec(d, STMT_ALERT_HISTORY_ADD, id, now, (int64_t)0,
			     "raised", "", "new", "");
	if (rc == 0 && v->sev >= 3) { /* high and critical: the team is told */
		char what[512];
		snprintf(what, sizeof(what), "%s alert: %.200s (%.250s)",
			 v->sev == 4 ? "Critical" : "High", v->title, v->key);
		rc = notify_alert(d, id, what);
	}
	return rc;
}

/* Folds a rule's finding r (an entry of f's why: {rule, title, level,
 * tags, group...}) about f. Returns 0 or -1. */
static int fold_rule(db *d, const struct finding *f, json_t *r, int64_t now)
{
	static const int risks[] = {10, 21, 47, 73, 99};
	struct verdict v = {.sev = 2};
	const char *level = json_string_value(json_object_get(r, "level")),
		   *g = json_string_value(json_object_get(r, "group"));
	static const char *const levels[] = {"informational", "low", "medium",
					     "high", "critical"};
	for (int i = 0; level && i < 5; i++)
		if (!strcmp(levels[i], level))
			v.sev = i;
	v.risk = risks[v.sev];
	/* a correlation's alert folds within its timespan when longer */
	v.window = json_integer_value(json_object_get(r, "window_ms"));
	if (v.window < ALERT_WINDOW_MS)
		v.window = 0;
	snprintf(v.det, sizeof(v.det), "rule:%s",
		 json_string_value(json_object_get(r, "rule")));
	snprintf(v.title, sizeof(v.title), "%s",
		 json_string_value(json_object_get(r, "title")));
	if (g && *g)
		snprintf(v.key, sizeof(v.key), "%s", g);
	else
		group(f, 0, v.key, sizeof(v.key));
	json_t *why = json_pack("[O]", r),
	       *tech = attack_ids_of_tags(json_object_get(r, "tags"));
	char *wjs = json_dumps(why, JSON_COMPACT),
	     *tjs = json_dumps(tech, JSON_COMPACT);
	json_decref(why);
	json_decref(tech);
	v.why = wjs ? wjs : "[]";
	v.techniques = tjs ? tjs : "[]";
	int rc = fold_one(d, f, &v, now);
	jsonmem_free(wjs);
	jsonmem_free(tjs);
	return rc;
}

/* Folds finding f into the main database d (inside its transaction):
 * each detection rule that fired on it as its own alert, and the model's
 * verdict or the carried detection as another. Returns 0 or -1. */
static int fold(db *d, const struct finding *f, int64_t now)
{
	json_t *all = json_loads(f->why ? f->why : "[]", 0, NULL),
	       *rest = json_array();
	if (!json_is_array(all)) {
		json_decref(all);
		all = json_array();
	}
	int rc = 0;
	size_t i;
	json_t *w;
	json_array_foreach(all, i, w)
	{
		if (json_object_get(w, "rule"))
			rc = rc ? rc : fold_rule(d, f, w, now);
		else
			json_array_append(rest, w);
	}
	if (rc == 0 && (json_array_size(rest) || f->never_seen)) {
		struct verdict v = {.techniques = "[]"};
		detector(f, v.det, sizeof(v.det), v.title, sizeof(v.title));
		int detection = !strncmp(v.det, "detection:", 10);
		group(f, detection, v.key, sizeof(v.key));
		v.sev = severity(f, detection, &v.risk);
		/* a value never seen in training said in words */
		if (f->never_seen)
			json_array_insert_new(
			    rest, 0,
			    json_pack("{ss}", "feature",
				      "a value the model's training never "
				      "had"));
		char *wjs = json_dumps(rest, JSON_COMPACT);
		v.why = wjs ? wjs : "[]";
		rc = fold_one(d, f, &v, now);
		jsonmem_free(wjs);
	}
	json_decref(all);
	json_decref(rest);
	return rc;
}

/* How far this process has read without finding anything: the stored
 * cursor is written only with a fold, so an idle worker never takes the
 * main database's write lock; a restart reads that stretch again and
 * finds it empty again. */
static int64_t scanned;

/* Folds up to batch findings of the events database after the cursor
 * into alerts of the main database, in one transaction with the cursor.
 * Returns how many were folded, or -1 on a database error. */
long alerts_fold(db *main, db *events, int batch)
{
	int64_t from = db_scalar(main, STMT_ALERT_CURSOR),
		to = db_scalar(events, STMT_EVT_MAX_ID);
	if (from < 0 || to < 0)
		return -1;
	if (to < from) /* a new or restored events file: read it afresh */
		from = scanned = 0;
	if (scanned > from && scanned <= to)
		from = scanned;
	if (to <= from)
		return 0;
	sqlite3_stmt *st = db_query(events, STMT_EVT_FINDINGS, from, to, batch);
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) { /* nothing: no write */
		sqlite3_reset(st);
		scanned = to;
		return 0;
	}
	if (db_begin(main) != 0) {
		sqlite3_reset(st);
		return -1;
	}
	long n = 0;
	int64_t last = from, now = clock_now();
	int rc = 0;
	do {
		json_t *doc = json_loads(db_text(st, 9), 0, NULL);
		struct finding f = {
		    .event = db_int(st, 0),
		    .ts = db_int(st, 1),
		    .kind = db_text(st, 2),
		    .source = db_int(st, 3),
		    .host = db_text(st, 4),
		    .user = db_text(st, 5),
		    .ip = db_text(st, 6),
		    .score = sqlite3_column_type(st, 7) == SQLITE_NULL
				 ? -1
				 : db_real(st, 7),
		    .why = db_text(st, 8),
		    .never_seen = (int)db_int(st, 10),
		    .doc = doc ? doc : json_object(),
		};
		rc = fold(main, &f, now);
		json_decref(f.doc);
		last = f.event;
		n++;
	} while (rc == 0 && sqlite3_step(st) == SQLITE_ROW);
	sqlite3_reset(st);
	/* fewer than a batch: every event up to `to` has been seen */
	if (rc == 0 && n < batch)
		last = to;
	if (rc != 0 || db_exec(main, STMT_ALERT_CURSOR_SET, last) != 0 ||
	    db_commit(main) != 0) {
		db_rollback(main);
		return -1;
	}
	scanned = last;
	return n;
}

/* One ALERT_COLS row as a new JSON object (with its why and events when
 * full). */
static json_t *alert_json(sqlite3_stmt *st, int full)
{
	char first[21], last[21];
	clock_iso(db_int(st, 10) / 1000, first);
	clock_iso(db_int(st, 11) / 1000, last);
	json_t *o = json_pack(
	    "{sI ss ss ss ss ss sI ss ss sI ss ss ss ss ss}", "id",
	    (json_int_t)db_int(st, 0), "detector", db_text(st, 1), "title",
	    db_text(st, 2), "kind", db_text(st, 3), "group", db_text(st, 4),
	    "severity", db_text(st, 5), "risk", (json_int_t)db_int(st, 6),
	    "status", db_text(st, 7), "reason", db_text(st, 8), "count",
	    (json_int_t)db_int(st, 9), "first_seen", first, "last_seen", last,
	    "host", db_text(st, 12), "user", db_text(st, 13), "ip",
	    db_text(st, 14));
	json_object_set_new(o, "last_seen_ms", json_integer(db_int(st, 11)));
	json_object_set_new(o, "assignee_id", json_integer(db_int(st, 20)));
	json_object_set_new(o, "assignee", json_string(db_text(st, 21)));
	json_t *tech = json_loads(db_text(st, 19), 0, NULL);
	json_object_set_new(o, "techniques", attack_describe(tech));
	json_decref(tech);
	json_object_set_new(o, "incident_id",
			    sqlite3_column_type(st, 15) == SQLITE_NULL
				? json_null()
				: json_integer(db_int(st, 15)));
	if (full) {
		json_t *evs = json_loads(db_text(st, 17), 0, NULL);
		json_object_set_new(o, "why", events_why(db_text(st, 16)));
		json_object_set_new(o, "events",
				    json_is_array(evs) ? evs : json_array());
		if (!json_is_array(evs))
			json_decref(evs);
		json_object_set_new(o, "source_id",
				    json_integer(db_int(st, 18)));
	}
	return o;
}

/* Lists the alerts matching f, last seen first (limit from offset), as a
 * new array; *total gets how many match: by status alone from the kept
 * counts, else counted up to ALERT_COUNT_CAP (ALERT_COUNT_CAP + 1 means
 * more). NULL on a database error. */
json_t *alerts_list(db *d, const struct alert_filter *f, int limit, int offset,
		    int64_t *total)
{
	int by_status = !*f->severity && !*f->detector && !*f->words &&
			!*f->host && !*f->user && !*f->ip && !*f->technique &&
			!f->since_ms && !f->assignee && !f->source;
	json_t *counts = by_status ? alerts_counts(d) : NULL;
	if (counts) {
		json_int_t all = 0;
		for (int i = 0; alert_statuses[i]; i++)
			all += json_integer_value(
			    json_object_get(counts, alert_statuses[i]));
		*total =
		    *f->status
			? json_integer_value(json_object_get(counts, f->status))
			: all;
		json_decref(counts);
	} else {
		*total = db_scalar(d, STMT_ALERT_LIST_COUNT, f->status,
				   f->severity, f->detector, f->words, f->host,
				   f->user, f->ip, f->technique, f->since_ms,
				   f->assignee, f->source, ALERT_COUNT_CAP);
	}
	sqlite3_stmt *st =
	    db_query(d, STMT_ALERT_LIST, f->status, f->severity, f->detector,
		     f->words, f->host, f->user, f->ip, f->technique,
		     f->since_ms, f->assignee, f->source, limit, offset);
	if (*total < 0 || !st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, alert_json(st, 0));
	sqlite3_reset(st);
	return arr;
}

/* Returns the number of alerts in each status, a new object (every
 * status, 0 when none, and "open": not closed). NULL on error. */
json_t *alerts_counts(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_COUNTS);
	if (!st)
		return NULL;
	json_t *o = json_object();
	json_int_t open = 0;
	for (int i = 0; alert_statuses[i]; i++)
		json_object_set_new(o, alert_statuses[i], json_integer(0));
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(o, db_text(st, 0),
				    json_integer(db_int(st, 1)));
		if (strcmp(db_text(st, 0), "closed"))
			open += db_int(st, 1);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "open", json_integer(open));
	return o;
}

/* Returns the detectors alerts came from, a new array of strings; NULL
 * on error. */
json_t *alerts_detectors(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_DETECTORS);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_string(db_text(st, 0)));
	sqlite3_reset(st);
	return arr;
}

/* Returns alert id with its reasons, events and history as a new object,
 * or NULL when there is none (or on error). */
json_t *alerts_get(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_GET, id);
	json_t *o =
	    st && sqlite3_step(st) == SQLITE_ROW ? alert_json(st, 1) : NULL;
	if (st)
		sqlite3_reset(st);
	if (!o)
		return NULL;
	json_t *hist = json_array();
	st = db_query(d, STMT_ALERT_HISTORY, id);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 0), at);
		json_array_append_new(
		    hist, json_pack("{ss ss ss ss ss ss}", "at", at, "who",
				    db_text(st, 1), "action", db_text(st, 2),
				    "from", db_text(st, 3), "to",
				    db_text(st, 4), "note", db_text(st, 5)));
	}
	if (st)
		sqlite3_reset(st);
	json_object_set_new(o, "history", hist);
	/* the other alerts about the same host, user or address */
	json_t *rel = json_array();
	st = db_query(d, STMT_ALERT_RELATED, id,
		      json_string_value(json_object_get(o, "host")),
		      json_string_value(json_object_get(o, "user")),
		      json_string_value(json_object_get(o, "ip")));
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		char last[21];
		clock_iso(db_int(st, 4) / 1000, last);
		json_array_append_new(
		    rel, json_pack("{sI ss ss ss ss ss}", "id",
				   (json_int_t)db_int(st, 0), "title",
				   db_text(st, 1), "severity", db_text(st, 2),
				   "status", db_text(st, 3), "last_seen", last,
				   "group", db_text(st, 5)));
	}
	if (st)
		sqlite3_reset(st);
	json_object_set_new(o, "related", rel);
	return o;
}

/* Returns the alerts promoted to incident (a new array of {id, title,
 * severity, status}); NULL on error. */
json_t *alerts_of_incident(db *d, int64_t incident)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_OF_INCIDENT, incident);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{sI ss ss ss}", "id",
						     (json_int_t)db_int(st, 0),
						     "title", db_text(st, 1),
						     "severity", db_text(st, 2),
						     "status", db_text(st, 3)));
	sqlite3_reset(st);
	return arr;
}

/* Returns 1 when an alert may move from status from to status to. */
static int can_move(const char *from, const char *to)
{
	static const char *const moves[][2] = {
	    {"new", "acknowledged"},	 {"new", "investigating"},
	    {"new", "closed"},		 {"acknowledged", "investigating"},
	    {"acknowledged", "closed"},	 {"investigating", "closed"},
	    {"closed", "investigating"},
	};
	for (size_t i = 0; i < sizeof(moves) / sizeof(*moves); i++)
		if (!strcmp(moves[i][0], from) && !strcmp(moves[i][1], to))
			return 1;
	return 0;
}

/* Moves alert id to status to (closing needs reason, one of
 * alert_reasons; other moves clear it) with note, recording the change
 * by actor. Inside a transaction. Returns 0; 1 when there is no such
 * alert; 2 when the move is not allowed; 3 when closing lacks a reason;
 * -1 on error. */
int alerts_set_status(db *d, int64_t id, const char *to, const char *reason,
		      const char *note, int64_t actor)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_GET, id);
	char from[20] = "";
	int found = st && sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(from, sizeof(from), "%s", db_text(st, 7));
	if (st)
		sqlite3_reset(st);
	if (!st)
		return -1;
	if (!found)
		return 1;
	if (!can_move(from, to))
		return 2;
	int closing = !strcmp(to, "closed");
	if (closing && (!reason || !*reason))
		return 3;
	int64_t now = clock_now();
	if (db_exec(d, STMT_ALERT_SET_STATUS, id, to, closing ? reason : "",
		    now) != 0 ||
	    db_exec(d, STMT_ALERT_HISTORY_ADD, id, now, actor, "status", from,
		    to,
		    closing ? (note && *note ? note : reason)
			    : (note ? note : "")) != 0)
		return -1;
	return 0;
}

/* Suppresses alert id's detector and group for hours hours with reason,
 * by actor: their findings are then counted, not alerted. Inside a
 * transaction. Returns the suppression's id, 0 when there is no such
 * alert, or -1. */
int64_t alerts_suppress(db *d, int64_t id, int hours, const char *reason,
			int64_t actor)
{
	sqlite3_stmt *st = db_query(d, STMT_ALERT_GET, id);
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	char det[256], key[512];
	snprintf(det, sizeof(det), "%s", db_text(st, 1));
	snprintf(key, sizeof(key), "%s", db_text(st, 4));
	sqlite3_reset(st);
	int64_t now = clock_now();
	if (db_exec(d, STMT_SUPPRESS_ADD, det, key, reason, id, actor, now,
		    (int64_t)hours * 3600) != 0)
		return -1;
	int64_t sid = sqlite3_last_insert_rowid(d->h);
	char note[300];
	snprintf(note, sizeof(note), "similar findings suppressed for %d h: %s",
		 hours, reason);
	return db_exec(d, STMT_ALERT_HISTORY_ADD, id, now, actor, "suppressed",
		       "", "", note) != 0
		   ? -1
		   : sid;
}

/* Ends suppression id now. Inside a transaction. Returns 0, 1 when it is
 * not active (ended, expired or none), -1 on error. */
int alerts_suppression_end(db *d, int64_t id)
{
	if (db_exec(d, STMT_SUPPRESS_END, id, clock_now()) != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

/* Returns the latest 200 suppressions as a new array: {id, detector,
 * group, reason, by, created_at, expires_at, ended_at, suppressed,
 * alert_id, active}. NULL on error. */
json_t *alerts_suppressions(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_SUPPRESS_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int64_t now = clock_now();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char made[21], until[21], ended[21] = "";
		clock_iso(db_int(st, 5), made);
		clock_iso(db_int(st, 6), until);
		if (db_int(st, 7))
			clock_iso(db_int(st, 7), ended);
		json_array_append_new(
		    arr, json_pack(
			     "{sI ss ss ss ss ss ss ss sI sI sb}", "id",
			     (json_int_t)db_int(st, 0), "detector",
			     db_text(st, 1), "group", db_text(st, 2), "reason",
			     db_text(st, 3), "by", db_text(st, 4), "created_at",
			     made, "expires_at", until, "ended_at", ended,
			     "suppressed", (json_int_t)db_int(st, 8),
			     "alert_id", (json_int_t)db_int(st, 9), "active",
			     !db_int(st, 7) && db_int(st, 6) > now));
	}
	sqlite3_reset(st);
	return arr;
}

/* Assigns alert id to team member to (0: no one; to_name for the
 * history), inside the caller's transaction. Returns 0, 1 when there is
 * no such alert, -1 on error. */
int alerts_assign(db *d, int64_t id, int64_t to, const char *to_name,
		  int64_t actor)
{
	int64_t n = db_scalar(d, STMT_ALERT_EXISTS, id);
	if (n <= 0)
		return n < 0 ? -1 : 1;
	int64_t now = clock_now();
	return db_exec(d, STMT_ALERT_SET_ASSIGNEE, id, to, now) == 0 &&
		       db_exec(d, STMT_ALERT_HISTORY_ADD, id, now, actor,
			       "assigned", "", "", to ? to_name : "no one") == 0
		   ? 0
		   : -1;
}

/* Adds actor's comment body to alert id's history, inside the caller's
 * transaction. Returns 0, 1 when there is no such alert, -1 on error. */
int alerts_comment(db *d, int64_t id, const char *body, int64_t actor)
{
	int64_t n = db_scalar(d, STMT_ALERT_EXISTS, id);
	if (n <= 0)
		return n < 0 ? -1 : 1;
	return db_exec(d, STMT_ALERT_HISTORY_ADD, id, clock_now(), actor,
		       "comment", "", "", body);
}
