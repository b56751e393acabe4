/* events.c - taking in security events: a request's body (NDJSON, one
 * event a line, a JSON array, or access log lines) becomes rows of the
 * events database, each line checked on its own so a bad line never
 * costs the good ones (Elasticsearch's bulk API answers the same way).
 * Events use Elastic Common Schema names, nested ({"event": {"action":
 * ...}}) or dotted ("event.action"); the fields Secura knows are one
 * table below, checked by type; anything else is kept under labels. Each
 * is scored by its kind's anomaly model (the scorer, with its windows),
 * counted in the per-minute rollups, and stored in one transaction per
 * request. A retried event (same source and event.id) is stored once
 * and counted as accepted. Also here: the
 * event list and page, the rollups' charts, retention, the models'
 * report and predict. */
#include "events.h"

#include "accesslog.h"
#include "edges.h"
#include "winevent.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/config.h"
#include "../core/jsonmem.h"
#include "../core/log.h"
#include "../ml/evfeat.h"
#include "../ml/httpfeat.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_FIELD    65536		  /* bytes of one text field */
#define MAX_ORIGINAL 4096		  /* bytes of event.original kept */
#define MAX_ERRORS   100		  /* rejections listed in an answer */
#define FUTURE_SLACK (24 * 3600 * 1000LL) /* ms a clock may run ahead */

/* The fields Secura knows: name and whether it is a number. */
static const struct {
	const char *name;
	int number;
} known[] = {
    {"event.id", 0},
    {"event.kind", 0},
    {"event.category", 0},
    {"event.action", 0},
    {"event.outcome", 0},
    {"event.dataset", 0},
    {"event.code", 0},
    {"event.severity", 1},
    {"event.duration", 1},
    {"event.original", 0},
    {"message", 0},
    {"host.name", 0},
    {"host.ip", 0},
    {"user.name", 0},
    {"source.ip", 0},
    {"source.port", 1},
    {"source.bytes", 1},
    {"source.packets", 1},
    {"destination.ip", 0},
    {"destination.port", 1},
    {"destination.bytes", 1},
    {"destination.packets", 1},
    {"network.transport", 0},
    {"network.protocol", 0},
    {"http.request.method", 0},
    {"http.request.bytes", 1},
    {"http.response.status_code", 1},
    {"http.response.bytes", 1},
    {"url.path", 0},
    {"url.query", 0},
    {"url.original", 0},
    {"url.domain", 0},
    {"file.name", 0},
    {"file.directory", 0},
    {"winlog.channel", 0},
    {"winlog.provider_name", 0},
    {"user_agent.original", 0},
    {"process.name", 0},
    {"rule.id", 0},
    {"rule.name", 0},
    {"threat.technique.id", 0},
};
#define NKNOWN (sizeof(known) / sizeof(*known))

/* Sets the dotted path in o to v (taken), making nested objects. */
static void set_path(json_t *o, const char *path, json_t *v)
{
	char part[64];
	const char *p = path;
	for (;;) {
		size_t k = strcspn(p, ".");
		snprintf(part, sizeof(part), "%.*s", (int)k, p);
		if (!p[k]) {
			json_object_set_new(o, part, v);
			return;
		}
		json_t *next = json_object_get(o, part);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(o, part, next);
		}
		o = next;
		p += k + 1;
	}
}

/* Returns a text field's value ("" when absent), a number as text. */
static const char *text(json_t *doc, const char *path, char *num)
{
	json_t *v = evfeat_member(doc, path);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_number(v)) {
		snprintf(num, 32, "%.15g", json_number_value(v));
		return num;
	}
	return "";
}

/* Returns 1 when a top-level key belongs to a field Secura knows: its
 * first segment ("event" of "event.action") is a known field's. */
static int known_top(const char *key)
{
	size_t k = strcspn(key, ".");
	for (size_t i = 0; i < NKNOWN; i++) {
		size_t n = strcspn(known[i].name, ".");
		if (n == k && !strncmp(key, known[i].name, k))
			return 1;
	}
	return 0;
}

/* Writes Unix milliseconds ms as RFC 3339 UTC with milliseconds into
 * out ("2026-12-05T10:00:00.123Z"). */
static void stamp(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	int frac = (int)(ms % 1000);
	out[n] = '.';
	out[n + 1] = (char)('0' + frac / 100);
	out[n + 2] = (char)('0' + frac / 10 % 10);
	out[n + 3] = (char)('0' + frac % 10);
	out[n + 4] = 'Z';
	out[n + 5] = '\0';
}

/* Normalises one event object in place: known fields checked by type and
 * nested ("event.action": x becomes {"event": {"action": x}}), keys
 * Secura does not know moved under labels (nothing is dropped),
 * a Windows record's fields as Winlogbeat writes them, event.original
 * bounded, @timestamp written as RFC 3339 and
 * event.ingested set. Sets *ts. Returns NULL, or the reason the event is
 * refused (in is then left as it was checked, unchanged in meaning). */
static const char *normalise(json_t *in, int64_t now_ms, int64_t *ts)
{
	if (!json_is_object(in))
		return "not a JSON object";
	json_t *win = json_object_get(in, "event") ? NULL : winevent_ecs(in);
	if (win) { /* a Windows record as NXLog or the XML shape has it */
		json_object_clear(in);
		json_object_update(in, win);
		json_decref(win);
	}
	json_t *t = json_object_get(in, "@timestamp");
	*ts = now_ms;
	if (t && clock_event_ms(json_is_string(t) ? json_string_value(t) : NULL,
				json_is_number(t) ? json_number_value(t) : NAN,
				ts) != 0)
		return "@timestamp is neither RFC 3339 nor epoch time";
	if (*ts > now_ms + FUTURE_SLACK)
		return "@timestamp is more than a day in the future";
	for (size_t i = 0; i < NKNOWN; i++) {
		json_t *v = evfeat_member(in, known[i].name),
		       *flat = json_object_get(in, known[i].name);
		if (!v || json_is_null(v))
			continue;
		if (known[i].number ? !json_is_number(v) : !json_is_string(v))
			return known[i].number
				   ? "a number field is not a number"
				   : "a text field is not text";
		size_t n = json_string_length(v);
		int original = !strcmp(known[i].name, "event.original");
		if (n > MAX_FIELD && !original)
			return "a field is longer than 65536 bytes";
		int cut = original && n > MAX_ORIGINAL;
		flat = flat && strchr(known[i].name, '.') ? flat : NULL;
		if (!cut && !flat)
			continue; /* nested already, as it should be */
		v = cut ? json_stringn(json_string_value(v), MAX_ORIGINAL)
			: json_incref(v);
		if (flat)
			json_object_del(in, known[i].name);
		set_path(in, known[i].name, v);
	}
	/* what Secura does not know is kept under labels, flat */
	json_t *labels = json_object_get(in, "labels");
	if (labels && !json_is_object(labels)) {
		labels = json_pack("{sO}", "labels", labels);
		json_object_set_new(in, "labels", labels);
	}
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(in, tmp, key, v)
	{
		if (!strcmp(key, "@timestamp") || !strcmp(key, "labels") ||
		    known_top(key))
			continue;
		if (!labels) {
			labels = json_object();
			json_object_set_new(in, "labels", labels);
		}
		json_object_set(labels, key, v);
		json_object_del(in, key);
	}
	char when[32];
	stamp(*ts, when);
	json_object_set_new(in, "@timestamp", json_string(when));
	stamp(now_ms, when);
	set_path(in, "event.ingested", json_string(when));
	return NULL;
}

/* The kind of an event: its source's, or for a generic source the one
 * its ECS category says. */
static const char *kind_of(const struct source *s, json_t *doc)
{
	return strcmp(s->kind, "generic") ? s->kind : evfeat_kind_of(doc);
}

/* A request's rollup of one minute, kind and outcome. */
struct minute {
	int64_t minute;
	const char *kind;
	char outcome[16];
	int events, anomalies, scored, h[10];
};

/* The fields an event row keeps in columns besides its document, in
 * STMT_EVT_INSERT's order. */
static const char *const columns[] = {
    "event.id",	     "event.category", "event.action",
    "event.outcome", "host.name",      "user.name",
    "source.ip",     "destination.ip", "message"};
#define NCOLS (sizeof(columns) / sizeof(*columns))

/* One event ready to be stored: its document as text, its columns' text
 * (one block, each at its offset), kind, time, score (-1: unscored),
 * model and why. It holds no JSON value, so the event's can go at once. */
struct row {
	char *js, *text;
	size_t at[NCOLS];
	const char *kind;
	int64_t ts;
	struct scorer_verdict v; /* score, reasons, class */
	int over;		 /* a finding */
	struct edges_note edge;	 /* what it adds to the graphs */
};

/* A request's events: checked, normalised and scored outside the write
 * transaction (in parallel with other requests), then stored in it. */
struct batch {
	const struct source *s;
	const struct scorer *sc;
	sigma_set *rules;
	int64_t now_ms, last_ts;
	struct events_result *r;
	json_t *stats_errors;
	int failed;
	struct row *rows;
	size_t nrows, cap;
	struct minute *minutes;
	size_t nminutes, mcap;
};

/* Counts one event (score -1: unscored) in b's rollups. Returns 0 or -1
 * out of memory. */
static int count_minute(struct batch *b, int64_t ts, const char *kind,
			const char *outcome, double score, int anomalous)
{
	struct minute *m = NULL;
	int64_t minute = ts / 60000;
	for (size_t i = b->nminutes; i-- > 0 && !m;)
		if (b->minutes[i].minute == minute &&
		    b->minutes[i].kind == kind &&
		    !strncmp(b->minutes[i].outcome, outcome, 15))
			m = &b->minutes[i];
	if (!m) {
		if (b->nminutes == b->mcap) {
			size_t cap = b->mcap ? b->mcap * 2 : 16;
			struct minute *g =
			    realloc(b->minutes, cap * sizeof(*g));
			if (!g)
				return -1;
			b->minutes = g;
			b->mcap = cap;
		}
		m = &b->minutes[b->nminutes++];
		*m = (struct minute){.minute = minute, .kind = kind};
		snprintf(m->outcome, sizeof(m->outcome), "%s", outcome);
	}
	m->events++;
	if (score >= 0) {
		m->scored++;
		m->anomalies += anomalous;
		m->h[score >= 1 ? 9 : (int)(score * 10)]++;
	}
	return 0;
}

/* Copies doc's column values into r->text (one malloc'd block) and their
 * offsets into r->at. Returns 0, or -1 out of memory. */
static int keep_columns(struct row *r, json_t *doc)
{
	char num[NCOLS][32];
	const char *v[NCOLS];
	size_t n = 0;
	for (size_t k = 0; k < NCOLS; k++) {
		v[k] = text(doc, columns[k], num[k]);
		r->at[k] = n;
		n += strlen(v[k]) + 1;
	}
	r->text = malloc(n);
	if (!r->text)
		return -1;
	for (size_t k = 0; k < NCOLS; k++)
		memcpy(r->text + r->at[k], v[k], strlen(v[k]) + 1);
	return 0;
}

/* Readies one normalised event of b's source: scored with its kind's
 * model when there is one, appended to b's rows (its text copied: doc is
 * not kept). Returns 0, or -1 out of memory. */
static int prepare(struct batch *b, json_t *doc, int64_t ts)
{
	if (b->nrows == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct row *g = realloc(b->rows, cap * sizeof(*g));
		if (!g)
			return -1;
		b->rows = g;
		b->cap = cap;
	}
	struct row *r = &b->rows[b->nrows];
	*r = (struct row){.kind = kind_of(b->s, doc), .ts = ts};
	r->over = scorer_judge(b->sc, b->sc ? b->sc->st : NULL, r->kind, doc,
			       ts, &r->v);
	/* an event that carries a detection (Suricata, Wazuh, an EDR) is a
	 * finding whatever its score: the alerts fold it */
	const char *ek = json_string_value(evfeat_member(doc, "event.kind"));
	if (ek && !strcmp(ek, "alert") && !r->v.why) {
		json_t *w =
		    json_pack("[{ss si}]", "feature", "detection", "share", 1);
		r->v.why = json_dumps(w, JSON_COMPACT);
		json_decref(w);
		r->over = 1;
	}
	/* the detection rules: each that fires adds its finding to why */
	json_t *fired = sigma_judge(b->rules, r->kind, doc, ts);
	if (fired) {
		json_t *why = r->v.why ? json_loads(r->v.why, 0, NULL) : NULL;
		if (json_is_array(why))
			json_array_extend(fired, why);
		json_decref(why);
		jsonmem_free(r->v.why);
		r->v.why = json_dumps(fired, JSON_COMPACT);
		json_decref(fired);
	}
	r->js = json_dumps(doc, JSON_COMPACT);
	if (!r->js || keep_columns(r, doc) != 0 ||
	    edges_read(doc, r->kind, &r->edge) != 0) {
		jsonmem_free(r->js);
		jsonmem_free(r->v.why);
		free(r->text);
		edges_note_free(&r->edge);
		return -1;
	}
	b->nrows++;
	return 0;
}

/* Stores row r of source s on d (inside the caller's transaction).
 * Returns 0 or -1. */
static int insert(db *d, const struct source *s, int64_t now_ms,
		  const struct row *r)
{
	const char *c[NCOLS];
	for (size_t k = 0; k < NCOLS; k++)
		c[k] = r->text + r->at[k];
	return db_exec(d, STMT_EVT_INSERT, s->id, *c[0] ? c[0] : NULL, r->ts,
		       now_ms, r->kind, c[1], c[2], c[3], c[4], c[5], c[6],
		       c[7], c[8], r->js, r->v.score,
		       r->v.model ? r->v.model : "", r->v.never_seen, r->v.why,
		       r->v.cls >= 0 ? evclass_names[r->v.cls] : NULL,
		       r->v.cls >= 0 ? r->v.cls_p : -1);
}

/* Frees b's rows and rollups. */
static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->nrows; i++) {
		jsonmem_free(b->rows[i].js);
		jsonmem_free(b->rows[i].v.why);
		free(b->rows[i].text);
		edges_note_free(&b->rows[i].edge);
	}
	free(b->rows);
	free(b->minutes);
	json_decref(b->stats_errors);
}

/* Splits the body into events: a JSON array of objects, or one JSON
 * value a line (blank lines skipped), or access log lines
 * (EVENTS_ACCESS_LOG). Calls fn for each with its line number (the
 * position in an array) and its parsed value (NULL when it does not
 * parse, with why the reason or NULL for bad JSON; fn may change it). Returns
 * the number of events, or -1 when there are more than max. */
static long
each_event(const char *body, size_t len, long max, enum events_format format,
	   void (*fn)(void *ud, long line, json_t *v, const char *why),
	   void *ud)
{
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\t' ||
			   body[i] == '\r' || body[i] == '\n'))
		i++;
	long count = 0;
	if (format == EVENTS_JSON && i < len && body[i] == '[') {
		json_t *arr = json_loadb(body, len, 0, NULL);
		if (!json_is_array(arr)) {
			json_decref(arr);
			fn(ud, 1, NULL, NULL);
			return 1;
		}
		if ((long)json_array_size(arr) > max) {
			json_decref(arr);
			return -1;
		}
		size_t k;
		json_t *v;
		json_array_foreach(arr, k, v)
		{
			fn(ud, (long)k + 1, v, NULL);
			count++;
		}
		json_decref(arr);
		return count;
	}
	long line = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(body + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - body) : len;
		line++;
		size_t a = at, b = end;
		while (a < b &&
		       (body[a] == ' ' || body[a] == '\t' || body[a] == '\r'))
			a++;
		while (b > a && (body[b - 1] == ' ' || body[b - 1] == '\r'))
			b--;
		if (b > a) {
			if (++count > max)
				return -1;
			const char *why = NULL;
			json_t *v =
			    format == EVENTS_JSON
				? json_loadb(body + a, b - a, 0, NULL)
				: accesslog_parse(body + a, b - a, &why);
			fn(ud, line, v, why);
			json_decref(v);
		}
		at = end + 1;
	}
	return count;
}

/* each_event callback: checks, normalises and readies one event. */
static void take(void *ud, long line, json_t *v, const char *why)
{
	struct batch *b = ud;
	int64_t ts = 0;
	if (!why)
		why = !v ? "not valid JSON (or not UTF-8, or a NUL byte)"
			 : normalise(v, b->now_ms, &ts);
	if (!why && prepare(b, v, ts) != 0)
		b->failed = 1;
	if (why) {
		b->r->rejected++;
		if (json_array_size(b->r->errors) < MAX_ERRORS)
			json_array_append_new(b->r->errors,
					      json_pack("{sI ss}", "line",
							(json_int_t)line,
							"reason", why));
		if (json_array_size(b->stats_errors) < 10)
			json_array_append_new(
			    b->stats_errors,
			    json_pack("{sI sI ss}", "at",
				      (json_int_t)(b->now_ms / 1000), "line",
				      (json_int_t)line, "reason", why));
		return;
	}
	b->r->accepted++;
	if (ts > b->last_ts)
		b->last_ts = ts;
}

/* How long a batch's write transaction took lately (microseconds,
 * smoothed over the process's batches). */
static _Atomic long write_us;

/* Returns the wait (ms) a batch would have for the writer now, when that
 * is over max_wait_ms (the writer is saturated), else 0. */
static long saturated(int64_t max_wait_ms)
{
	long wait_us = db_writers_waiting() * atomic_load(&write_us);
	return wait_us > max_wait_ms * 1000 ? wait_us / 1000 + 1 : 0;
}

/* Stores b's rows, rollups and the source's counts on d in one
 * transaction. Returns 0, 2 when the writer is saturated (b->r->retry_ms
 * set), -1 on an error; nothing stored but with 0. */
static int commit(db *d, struct batch *b, int64_t max_wait_ms)
{
	b->r->retry_ms = saturated(max_wait_ms);
	if (b->r->retry_ms)
		return 2;
	if (db_begin(d) != 0)
		return -1;
	double t0 = clock_mono_ms();
	int graphs = config_get()->graphs;
	edges_set *es = graphs ? edges_new() : NULL;
	int rc = graphs && !es ? -1 : 0;
	/* the rollups and graphs count what is stored: a retried event is
	 * not */
	for (size_t i = 0; i < b->nrows && rc == 0; i++) {
		const struct row *r = &b->rows[i];
		rc = insert(d, b->s, b->now_ms, r);
		if (rc == 0 && sqlite3_changes(d->h) > 0)
			rc = count_minute(b, r->ts, r->kind, r->text + r->at[3],
					  r->v.score, r->over) ||
			     (es && edges_add(es, &r->edge, r->ts));
	}
	rc = rc || (es && edges_store(d, es));
	edges_free(es);
	for (size_t i = 0; i < b->nminutes && rc == 0; i++) {
		struct minute *m = &b->minutes[i];
		rc = db_exec(d, STMT_EVT_MINUTE_ADD, m->minute, b->s->id,
			     m->kind, m->outcome, m->events, m->anomalies,
			     m->scored, m->h[0], m->h[1], m->h[2], m->h[3],
			     m->h[4], m->h[5], m->h[6], m->h[7], m->h[8],
			     m->h[9]);
	}
	char *errs = json_dumps(b->stats_errors, JSON_COMPACT);
	rc = rc || db_exec(d, STMT_EVT_STATS_ADD, b->s->id, b->r->accepted,
			   b->r->rejected, b->last_ts / 1000,
			   errs ? errs : "[]") != 0;
	jsonmem_free(errs);
	if (rc) {
		db_rollback(d);
		return -1;
	}
	rc = db_commit(d);
	long took = (long)((clock_mono_ms() - t0) * 1000), was = write_us;
	write_us = was ? (was * 7 + took) / 8 : took;
	return rc;
}

/* Takes in a request's body (NDJSON or a JSON array, or access log
 * lines) for source s on the events database d: each event checked, normalised
 * and scored with its kind's model in sc (NULL: unscored) and judged by the
 * detection rules (NULL: none) outside the write transaction, then every event,
 * the per-minute rollups and the source's counts stored in one transaction.
 * Fills r (accepted, rejected, errors: a new array the caller frees). Returns
 * 0; 1 when the body holds more than max events (nothing stored); -1 on a
 * database error or out of memory (nothing stored).
 */
int events_take(db *d, const struct source *s, const struct scorer *sc,
		sigma_set *rules, enum events_format format, const char *body,
		size_t len, long max, int64_t max_wait_ms,
		struct events_result *r)
{
	memset(r, 0, sizeof(*r));
	r->errors = json_array();
	/* each event's JSON is freed as soon as it is readied: from the heap,
	 * not the request's arena, where a batch of 5,000 would pile up */
	arena *was = jsonmem_use(NULL);
	struct timespec now = {0};
	clock_gettime(CLOCK_REALTIME, &now); /* the milliseconds of "now" */
	struct batch b = {.s = s,
			  .sc = sc,
			  .rules = rules,
			  .now_ms = clock_now() * 1000 + now.tv_nsec / 1000000,
			  .r = r,
			  .stats_errors = json_array()};
	scorer_hold(sc);
	long n = each_event(body, len, max, format, take, &b);
	scorer_done(sc);
	int rc = n < 0 ? 1 : b.failed ? -1 : commit(d, &b, max_wait_ms);
	batch_free(&b);
	jsonmem_use(was);
	return rc;
}

/* Stores a finding Secura made itself (no source: 0) on the events
 * database ev: doc the event (an ECS alert: event.id, message, host,
 * user), why a rule's finding ([{rule, title, level, tags, group}]) that
 * the alerts fold; at ts (ms), of kind and action. Neither is taken.
 * Returns 0, or -1 on a database error. */
int events_add_finding(db *ev, int64_t ts, const char *kind, const char *action,
		       json_t *doc, json_t *why)
{
	char *djs = json_dumps(doc, JSON_COMPACT),
	     *wjs = json_dumps(why, JSON_COMPACT), num[32];
	int64_t now = clock_now() * 1000;
	int rc = !djs || !wjs ? -1
			      : db_exec(ev, STMT_EVT_INSERT, (int64_t)0,
					text(doc, "event.id", num), ts, now,
					kind, text(doc, "event.category", num),
					action, text(doc, "event.outcome", num),
					text(doc, "host.name", num),
					text(doc, "user.name", num),
					text(doc, "source.ip", num), "",
					text(doc, "message", num), djs, -1.0,
					"", 0, wjs);
	jsonmem_free(djs);
	jsonmem_free(wjs);
	return rc;
}

/* Returns a classifier's verdict as a new JSON value: {"class",
 * "probability", "percent"}, or null when there is none (cls NULL). */
static json_t *verdict_json(const char *cls, double p)
{
	return cls ? json_pack("{ss sf sI}", "class", cls, "probability",
			       round(p * 1000) / 1000, "percent",
			       (json_int_t)lround(p * 100))
		   : json_null();
}

/* Scores events (a JSON array of ECS objects, kinds by their category
 * unless kind is given) with sc's models without storing them; the rate
 * and "first time" features count only these events. Returns a new
 * array, one entry per event: {"kind", "score" (null: no model),
 * "anomalous", "never_seen", "why", "model"} or {"error"}; NULL out of
 * memory. The events are left unchanged. */
json_t *events_predict(const struct scorer *sc, json_t *events,
		       const char *kind, int64_t now_ms)
{
	evfeat_state *st = evfeat_state_new(1024);
	json_t *out = st ? json_array() : NULL;
	scorer_hold(sc);
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e)
	{
		if (!out)
			break;
		json_t *doc = json_deep_copy(e);
		int64_t ts = 0;
		const char *err =
		    !doc ? "not a JSON object" : normalise(doc, now_ms, &ts);
		if (err) {
			json_array_append_new(out,
					      json_pack("{ss}", "error", err));
			json_decref(doc);
			continue;
		}
		const char *k = kind ? kind : evfeat_kind_of(doc);
		struct scorer_verdict v;
		int over = scorer_judge(sc, st, k, doc, ts, &v);
		json_t *w = v.why ? json_loads(v.why, 0, NULL) : NULL;
		json_t *o = json_pack(
		    "{ss so sb sb so ss?}", "kind", k, "score",
		    v.score < 0 ? json_null()
				: json_real(round(v.score * 1000) / 1000),
		    "anomalous", over, "never_seen", v.never_seen, "why",
		    w ? w : json_array(), "model", v.model);
		json_object_set_new(
		    o, "verdict",
		    verdict_json(v.cls >= 0 ? evclass_names[v.cls] : NULL,
				 v.cls_p));
		json_array_append_new(out, o);
		jsonmem_free(v.why);
		json_decref(doc);
	}
	scorer_done(sc);
	evfeat_state_free(st);
	return out;
}

/* Returns each source's counts from the events database as a new JSON
 * object keyed by source id ({accepted, rejected, last_event_at,
 * last_errors}); NULL on error. */
json_t *events_source_stats(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_EVT_STATS_ALL);
	if (!st)
		return NULL;
	json_t *o = json_object();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char key[24], at[21] = "";
		snprintf(key, sizeof(key), "%lld", (long long)db_int(st, 0));
		if (db_int(st, 3))
			clock_iso(db_int(st, 3), at);
		json_t *errs = json_loads(db_text(st, 4), 0, NULL);
		json_object_set_new(
		    o, key,
		    json_pack("{sI sI so? so}", "accepted",
			      (json_int_t)db_int(st, 1), "rejected",
			      (json_int_t)db_int(st, 2), "last_event_at",
			      *at ? json_string(at) : NULL, "last_errors",
			      errs ? errs : json_array()));
	}
	sqlite3_reset(st);
	return o;
}

/* Every event source of the main database main with what it sent
 * (stats: accepted, rejected, last_event_at, last_errors; zeros when the
 * events database ev is NULL or holds nothing of it). New, or NULL. */
json_t *events_sources(db *main, db *ev)
{
	json_t *list = sources_list(main), *s;
	if (!list)
		return NULL;
	json_t *all = ev ? events_source_stats(ev) : NULL;
	size_t i;
	json_array_foreach(list, i, s)
	{
		char key[24];
		snprintf(
		    key, sizeof(key), "%lld",
		    (long long)json_integer_value(json_object_get(s, "id")));
		json_t *st = json_object_get(all, key);
		json_object_set_new(
		    s, "stats",
		    st ? json_incref(st)
		       : json_pack("{si si sn s[]}", "accepted", 0, "rejected",
				   0, "last_event_at", "last_errors"));
	}
	json_decref(all);
	return list;
}

/* Turns one HEC envelope ({"event", "time", "host", "source",
 * "sourcetype", "fields"}) into an event object (new reference): an
 * object event is taken as ECS, a string event becomes its message; time
 * becomes @timestamp, host host.name, fields and source/sourcetype
 * labels. NULL when the envelope is not one. */
static json_t *from_envelope(json_t *env)
{
	json_t *ev = json_object_get(env, "event");
	if (!json_is_object(env) || !ev || json_is_null(ev))
		return NULL;
	json_t *o;
	if (json_is_object(ev))
		o = json_deep_copy(ev);
	else if (json_is_string(ev))
		o = json_pack("{sO}", "message", ev);
	else
		return NULL;
	json_t *t = json_object_get(env, "time"), *v;
	if (json_is_string(t)) { /* HEC sends "1426279439.123" too */
		char *end;
		double x = strtod(json_string_value(t), &end);
		if (*end || end == json_string_value(t)) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "@timestamp", json_real(x));
	} else if (json_is_number(t)) {
		json_object_set(o, "@timestamp", t);
	}
	if ((v = json_object_get(env, "host")) && json_is_string(v))
		json_object_set_new(o, "host", json_pack("{sO}", "name", v));
	json_t *labels = json_object_get(o, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(o, "labels", labels);
	}
	json_t *fields = json_object_get(env, "fields");
	if (json_is_object(fields))
		json_object_update(labels, fields);
	if ((v = json_object_get(env, "source")) && json_is_string(v))
		json_object_set(labels, "hec_source", v);
	if ((v = json_object_get(env, "sourcetype")) && json_is_string(v))
		json_object_set(labels, "hec_sourcetype", v);
	return o;
}

/* Rewrites a Splunk HEC body as NDJSON events into out: with raw, each
 * non-blank line is one event's message; else the body is HEC envelopes
 * one after another (whitespace between them or none). Returns the
 * number of events, or -(n + 1) when envelope n (from 0) is not valid:
 * HEC's "invalid-event-number". */
long events_from_hec(const char *body, size_t len, int raw, buf *out)
{
	long n = 0;
	size_t at = 0;
	while (at < len) {
		if (raw) {
			const char *nl = memchr(body + at, '\n', len - at);
			size_t end = nl ? (size_t)(nl - body) : len, b = end;
			while (b > at &&
			       (body[b - 1] == '\r' || body[b - 1] == ' '))
				b--;
			if (b > at) {
				json_t *o = json_pack("{ss%}", "message",
						      body + at, b - at);
				char *s =
				    o ? json_dumps(o, JSON_COMPACT) : NULL;
				json_decref(o);
				if (!s)
					return -(n + 1);
				buf_printf(out, "%s\n", s);
				jsonmem_free(s);
				n++;
			}
			at = end + 1;
			continue;
		}
		while (at < len && strchr(" \t\r\n", body[at]))
			at++;
		if (at >= len)
			break;
		json_error_t je;
		json_t *env = json_loadb(body + at, len - at,
					 JSON_DISABLE_EOF_CHECK, &je);
		json_t *o = env ? from_envelope(env) : NULL;
		json_decref(env);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (!s)
			return -(n + 1);
		buf_printf(out, "%s\n", s);
		jsonmem_free(s);
		at += (size_t)je.position;
		n++;
	}
	return n;
}

/* Returns the reasons kept as why (JSON text [{"feature", "share"}] or
 * rule findings) as a new array, each share also as a whole "percent"
 * (what pages show) and every key a page reads present (null where the
 * reason has none); an empty array for NULL or anything else. */
json_t *events_why(const char *text)
{
	json_t *why = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(why)) {
		json_decref(why);
		return json_array();
	}
	size_t i;
	json_t *w;
	/* every reason names each key the pages ask for (null when it has
	 * none), so a template's lookup never climbs to another reason */
	static const char *const keys[] = {
	    "rule",	      "feature", "count",   "fields",
	    "falsepositives", "path",	 "reasons", NULL};
	json_array_foreach(why, i, w)
	{
		json_t *sh = json_object_get(w, "share");
		json_object_set_new(w, "percent",
				    json_is_number(sh)
					? json_integer((json_int_t)lround(
					      json_number_value(sh) * 100))
					: json_null());
		for (int k = 0; keys[k]; k++)
			if (!json_object_get(w, keys[k]))
				json_object_set_new(w, keys[k], json_null());
	}
	return why;
}

/* One EVT_COLS row as a new JSON object (with its document when full). */
static json_t *event_json(sqlite3_stmt *st, int full)
{
	int64_t ts = db_int(st, 2);
	char iso[32], stamp[40];
	time_t secs = (time_t)(ts / 1000);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", gmtime(&secs));
	snprintf(stamp, sizeof(stamp), "%s.%03dZ", iso, (int)(ts % 1000));
	json_t *o = json_pack(
	    "{sI sI ss ss ss ss ss ss ss ss ss ss sb ss}", "id",
	    (json_int_t)db_int(st, 0), "source_id", (json_int_t)db_int(st, 1),
	    "time", stamp, "kind", db_text(st, 3), "category", db_text(st, 4),
	    "action", db_text(st, 5), "outcome", db_text(st, 6), "host",
	    db_text(st, 7), "user", db_text(st, 8), "source_ip", db_text(st, 9),
	    "destination_ip", db_text(st, 10), "message", db_text(st, 11),
	    "never_seen", (int)db_int(st, 13), "model", db_text(st, 14));
	json_object_set_new(
	    o, "score",
	    sqlite3_column_type(st, 12) == SQLITE_NULL
		? json_null()
		: json_real(round(db_real(st, 12) * 1000) / 1000));
	json_object_set_new(
	    o, "verdict",
	    verdict_json(sqlite3_column_type(st, 17) == SQLITE_NULL
			     ? NULL
			     : db_text(st, 17),
			 db_real(st, 18)));
	if (full) {
		json_t *doc = json_loads(db_text(st, 15), 0, NULL);
		json_object_set_new(o, "event", doc ? doc : json_object());
		json_t *why = events_why(db_text(st, 16));
		json_object_set_new(o, "why", why);
	}
	return o;
}

/* Lists the events matching f, newest first (limit rows from offset),
 * as a new JSON array; *total gets how many match (counted up to
 * 10,001). NULL on a database error. */
json_t *events_list(db *d, const struct events_filter *f, int limit, int offset,
		    int64_t *total)
{
	*total = db_scalar(d, STMT_EVT_LIST_COUNT, f->source, f->kind, f->host,
			   f->user, f->ip, f->outcome, f->min_score, f->from,
			   f->to, f->words, f->verdict);
	sqlite3_stmt *st =
	    db_query(d, STMT_EVT_LIST, f->source, f->kind, f->host, f->user,
		     f->ip, f->outcome, f->min_score, f->from, f->to, f->words,
		     f->verdict, limit, offset);
	if (*total < 0 || !st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, event_json(st, 0));
	sqlite3_reset(st);
	return arr;
}

/* Returns event id with its whole document as a new JSON object, or NULL
 * when there is none (or on error). */
json_t *events_get(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_EVT_GET, id);
	json_t *o =
	    st && sqlite3_step(st) == SQLITE_ROW ? event_json(st, 1) : NULL;
	if (st)
		sqlite3_reset(st);
	return o;
}

/* Deletes events past retention on d, in transactions of batch rows so
 * the intake never waits long: those older than before_ms, then the
 * oldest while the file's live data is over max_bytes; and the
 * per-minute rollups older than before_ms. Returns how many events were
 * deleted, or -1 on a database error. */
long events_prune(db *d, int64_t before_ms, int64_t max_bytes, int batch)
{
	long total = 0;
	for (int over = 0; over < 2; over++) {
		for (;;) {
			if (over &&
			    db_scalar(d, STMT_EVT_LIVE_BYTES) <= max_bytes)
				break;
			if (db_begin(d) != 0)
				return -1;
			int rc = over ? db_exec(d, STMT_EVT_PRUNE_OLDEST, batch)
				      : db_exec(d, STMT_EVT_PRUNE_BEFORE,
						before_ms, batch);
			int n = rc == 0 ? sqlite3_changes(d->h) : 0;
			if (rc != 0 || db_commit(d) != 0) {
				db_rollback(d);
				return -1;
			}
			total += n;
			if (n < batch)
				break;
		}
	}
	/* the rollups and graphs go with the events of their days (a few
	 * rows a minute: one statement each) */
	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, STMT_EVT_MINUTES_PRUNE, before_ms / 60000) != 0 ||
	    edges_prune(d, before_ms) != 0 || db_commit(d) != 0) {
		db_rollback(d);
		return -1;
	}
	return total;
}

/* Returns the events file at a glance as a new JSON object: events kept,
 * live megabytes, events in the last 24 hours, the oldest event's time,
 * the retention settings (days, max_mb) and, at the last day's rate, the
 * days until the size cap is reached (null when nothing arrived); NULL
 * on error. */
json_t *events_storage(db *d, int64_t days, int64_t max_mb)
{
	int64_t now_ms = clock_now() * 1000, bytes = 0, total = 0, day = 0,
		oldest = 0;
	sqlite3_stmt *st = db_query(d, STMT_EVT_TOTALS, now_ms - 86400000);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return NULL;
	}
	total = db_int(st, 0);
	day = db_int(st, 1);
	oldest = db_int(st, 2);
	sqlite3_reset(st);
	bytes = db_scalar(d, STMT_EVT_LIVE_BYTES);
	if (bytes < 0)
		return NULL;
	double per_event = total ? (double)bytes / (double)total : 0,
	       per_day = per_event * (double)day,
	       room = (double)(max_mb << 20) - (double)bytes;
	char at[21] = "";
	if (oldest)
		clock_iso(oldest / 1000, at);
	return json_pack(
	    "{sI sf sI so? sI sI so}", "events", (json_int_t)total, "mb",
	    round((double)bytes / 1048576.0 * 10) / 10, "last_day",
	    (json_int_t)day, "oldest", *at ? json_string(at) : NULL, "days",
	    (json_int_t)days, "max_mb", (json_int_t)max_mb, "days_to_cap",
	    per_day > 0
		? json_integer((json_int_t)(room > 0 ? room / per_day : 0))
		: json_null());
}

/* Returns what the rollups say of the hours since since_ms, as a new
 * object: {"hours": [{"hour" (ISO), "label", "n", "anomalies",
 * "by_kind": {kind: n}}], "histogram": [{"label", "n"}] (the scores in
 * tenths), "events", "anomalies"}; NULL on a database error. Never
 * reads raw events. */
json_t *events_activity(db *d, int64_t since_ms)
{
	int64_t from = since_ms / 60000;
	sqlite3_stmt *st = db_query(d, STMT_EVT_HOURLY, from);
	if (!st)
		return NULL;
	json_t *hours = json_array(), *cur = NULL;
	int64_t last = -1, total = 0, odd = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t h = db_int(st, 0), n = db_int(st, 2), a = db_int(st, 3);
		if (h != last) {
			char iso[32], label[16];
			time_t secs = (time_t)(h * 3600);
			struct tm tm;
			gmtime_r(&secs, &tm);
			strftime(iso, sizeof(iso), "%Y-%m-%dT%H:00:00Z", &tm);
			strftime(label, sizeof(label), "%d %Hh", &tm);
			cur = json_pack("{ss ss sI sI s{}}", "hour", iso,
					"label", label, "n", (json_int_t)0,
					"anomalies", (json_int_t)0, "by_kind");
			json_array_append_new(hours, cur);
			last = h;
		}
		json_object_set_new(
		    cur, "n",
		    json_integer(json_integer_value(json_object_get(cur, "n")) +
				 n));
		json_object_set_new(
		    cur, "anomalies",
		    json_integer(
			json_integer_value(json_object_get(cur, "anomalies")) +
			a));
		json_object_set_new(json_object_get(cur, "by_kind"),
				    db_text(st, 1), json_integer(n));
		total += n;
		odd += a;
	}
	sqlite3_reset(st);
	st = db_query(d, STMT_EVT_HISTOGRAM, from, "");
	json_t *hist = json_array();
	if (st && sqlite3_step(st) == SQLITE_ROW)
		for (int k = 0; k < 10; k++) {
			char label[16];
			snprintf(label, sizeof(label), "%.1f-%.1f", k / 10.0,
				 (k + 1) / 10.0);
			json_array_append_new(
			    hist, json_pack("{ss sI}", "label", label, "n",
					    (json_int_t)db_int(st, k)));
		}
	if (st)
		sqlite3_reset(st);
	return json_pack("{so so sI sI}", "hours", hours, "histogram", hist,
			 "events", (json_int_t)total, "anomalies",
			 (json_int_t)odd);
}
