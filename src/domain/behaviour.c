/* behaviour.c - see behaviour.h. Habits are read from the sign-in graph
 * (auth_edges, auth_hops) and the people's daily counts (user_days); a
 * sign-in is judged only when its person has a week of history, so a new
 * person is learnt, not flagged. The thresholds: a rare hour is one with
 * no sign-in within an hour of it among 50 or more in 30 days; a burst is
 * 20 or more sign-ins in an hour and over five times the person's mean
 * of their active hours. */
#include "behaviour.h"

#include "../core/cidr.h"
#include "../core/geoip.h"
#include "edges.h"
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_MS 3600000LL

/* The day of the week (0 Monday) and hour (UTC) of hour number h. */
static void when(int64_t h, int *wday, int *hour)
{
	time_t t = (time_t)(h * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	*wday = (tm.tm_wday + 6) % 7;
	*hour = tm.tm_hour;
}

/* The country of address ip when it is outside (code into cc), or NULL. */
static const char *country_of(const char *ip, char cc[3])
{
	if (!cidr_is_address(ip) || cidr_private(ip) || cidr_documentation(ip))
		return NULL;
	return geoip_country(ip, cc);
}

/* user's habits over the 30 days to now_ms (see behaviour.h). New, or
 * NULL on a database error. */
json_t *behaviour_profile(db *ev, const char *user, int64_t now_ms)
{
	int64_t h1 = now_ms / HOUR_MS, h0 = h1 - BEHAVIOUR_WINDOW_MS / HOUR_MS;
	json_int_t heat[7][24] = {{0}}, max = 0;
	sqlite3_stmt *st = db_query(ev, STMT_EVT_USER_HOURS, user, h0, h1);
	if (!st)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int wd, hr;
		when(db_int(st, 0), &wd, &hr);
		heat[wd][hr] += db_int(st, 1);
		if (heat[wd][hr] > max)
			max = heat[wd][hr];
	}
	sqlite3_reset(st);
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu",
					   "Fri", "Sat", "Sun"};
	json_t *map = json_array();
	for (int d = 0; d < 7; d++) {
		json_t *hours = json_array();
		for (int h = 0; h < 24; h++)
			json_array_append_new(hours, json_integer(heat[d][h]));
		json_array_append_new(
		    map, json_pack("{ss so}", "day", days[d], "hours", hours));
	}
	json_t *hosts = json_array(), *sources = json_array(),
	       *countries = json_object(), *daily = json_array(),
	       *flags = json_array();
	if ((st = db_query(ev, STMT_EVT_USER_HOSTS, user))) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
			    hosts,
			    json_pack("{ss sI sI sI}", "host", db_text(st, 0),
				      "successes", (json_int_t)db_int(st, 1),
				      "failures", (json_int_t)db_int(st, 2),
				      "last_seen", (json_int_t)db_int(st, 3)));
		sqlite3_reset(st);
	}
	if ((st = db_query(ev, STMT_EVT_USER_SOURCES, user, INT64_MAX))) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *src = db_text(st, 0);
			char cc[3] = "";
			const char *name = country_of(src, cc);
			json_array_append_new(
			    sources,
			    json_pack("{ss sI sI ss sb}", "source", src,
				      "sign_ins", (json_int_t)db_int(st, 1),
				      "last_seen", (json_int_t)db_int(st, 2),
				      "country", name ? name : "", "internal",
				      !cidr_is_address(src) ||
					  cidr_private(src)));
			if (name) {
				json_t *c = json_object_get(countries, cc);
				if (!c) {
					c = json_pack("{ss ss sI}", "cc", cc,
						      "name", name, "sign_ins",
						      (json_int_t)0);
					json_object_set_new(countries, cc, c);
				}
				json_object_set_new(
				    c, "sign_ins",
				    json_integer(
					json_integer_value(
					    json_object_get(c, "sign_ins")) +
					db_int(st, 1)));
			}
		}
		sqlite3_reset(st);
	}
	if ((st = db_query(ev, STMT_EVT_USER_DAYS, user,
			   (now_ms - BEHAVIOUR_WINDOW_MS) / 86400000))) {
		json_t *day = NULL;
		int64_t at = -1;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (db_int(st, 0) != at) {
				at = db_int(st, 0);
				char label[16];
				time_t t = (time_t)(at * 86400);
				strftime(label, sizeof(label), "%m-%d",
					 gmtime(&t));
				day = json_pack("{ss sI s{}}", "label", label,
						"n", (json_int_t)0, "by_kind");
				json_array_append_new(daily, day);
			}
			json_object_set_new(json_object_get(day, "by_kind"),
					    db_text(st, 1),
					    json_integer(db_int(st, 2)));
			json_object_set_new(
			    day, "n",
			    json_integer(
				json_integer_value(json_object_get(day, "n")) +
				db_int(st, 2)));
		}
		sqlite3_reset(st);
	}
	if ((st = db_query(ev, STMT_EVT_USER_FLAGS, user,
			   now_ms - BEHAVIOUR_WINDOW_MS, 50))) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *why = json_loads(db_text(st, 2), 0, NULL);
			json_t *r =
			    json_object_get(json_array_get(why, 0), "reasons");
			json_array_append_new(
			    flags, json_pack("{sI sI sO}", "id",
					     (json_int_t)db_int(st, 0), "at",
					     (json_int_t)db_int(st, 1),
					     "reasons", r ? r : json_array()));
			json_decref(why);
		}
		sqlite3_reset(st);
	}
	int64_t first = 0;
	if ((st = db_query(ev, STMT_EVT_USER_HISTORY, user))) {
		if (sqlite3_step(st) == SQLITE_ROW)
			first = db_int(st, 0);
		sqlite3_reset(st);
	}
	json_t *clist = json_array(), *c;
	const char *k;
	json_object_foreach(countries, k, c) json_array_append(clist, c);
	json_decref(countries);
	return json_pack("{ss so sI so so so so so sb sI}", "user", user,
			 "heatmap", map, "heat_max", max, "hosts", hosts,
			 "sources", sources, "countries", clist, "days", daily,
			 "flags", flags, "learning",
			 !first || first > now_ms - BEHAVIOUR_LEARN_MS,
			 "first_seen", (json_int_t)first);
}

/* The limit people with the most unusual sign-ins since since_ms. New,
 * or NULL on a database error. */
json_t *behaviour_unusual(db *ev, int64_t since_ms, int limit)
{
	sqlite3_stmt *st =
	    db_query(ev, STMT_EVT_UNUSUAL_PEOPLE, since_ms, limit);
	if (!st)
		return NULL;
	json_t *out = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    out, json_pack("{ss sI sI}", "user", db_text(st, 0),
				   "flags", (json_int_t)db_int(st, 1), "last",
				   (json_int_t)db_int(st, 2)));
	sqlite3_reset(st);
	return out;
}

/* One sign-in as the look reads it. */
struct signin {
	int64_t id, ts;
	const char *user, *host, *ip;
	int ok;
};

/* The sign-in of a row behaviour_watch read (borrowed from it). */
static struct signin signin_of(json_t *r)
{
	return (struct signin){
	    .id = json_integer_value(json_object_get(r, "id")),
	    .ts = json_integer_value(json_object_get(r, "ts")),
	    .user = json_string_value(json_object_get(r, "user")),
	    .host = json_string_value(json_object_get(r, "host")),
	    .ip = json_string_value(json_object_get(r, "ip")),
	    .ok = json_is_true(json_object_get(r, "ok"))};
}

/* What one look caches per person: the first time they were seen, and
 * their sign-ins by hour over the look's span (read once, not per
 * sign-in: a backlog of a busy person's sign-ins would read the same
 * hours thousands of times). */
struct look {
	json_t *first;	/* user → first_seen (ms) */
	json_t *hours;	/* user → {"hour": sign-ins} */
	int64_t lo, hi; /* the hours the look reads */
};

/* user's first time and hours in l (read when not cached). Returns 0 or
 * -1. */
static int person(db *ev, struct look *l, const char *user, int64_t *first,
		  json_t **hours)
{
	json_t *f = json_object_get(l->first, user);
	if (!f) {
		int64_t t = db_scalar(ev, STMT_EVT_USER_HISTORY, user);
		if (t < 0)
			return -1;
		json_object_set_new(l->first, user, f = json_integer(t));
		json_t *h = json_object();
		sqlite3_stmt *st =
		    db_query(ev, STMT_EVT_USER_HOURS, user, l->lo, l->hi);
		if (!st) {
			json_decref(h);
			return -1;
		}
		while (sqlite3_step(st) == SQLITE_ROW) {
			char key[24];
			snprintf(key, sizeof(key), "%lld",
				 (long long)db_int(st, 0));
			json_object_set_new(h, key,
					    json_integer(db_int(st, 1)));
		}
		sqlite3_reset(st);
		json_object_set_new(l->hours, user, h);
	}
	*first = json_integer_value(f);
	*hours = json_object_get(l->hours, user);
	return 0;
}

/* Appends the reasons sign-in s breaks its person's habits (as look l
 * has them) to reasons ({reason, kind}); nothing while the person has
 * under a week of history. Returns 0 or -1. */
static int judge(db *ev, struct look *l, const struct signin *s,
		 json_t *reasons)
{
	int64_t first;
	json_t *hours;
	if (person(ev, l, s->user, &first, &hours) != 0)
		return -1;
	if (!first || first > s->ts - BEHAVIOUR_LEARN_MS)
		return 0; /* still learning this person */
	char host[256], cc[3];
	edges_host(s->host, host, sizeof(host));
	if (s->ok && *host) {
		int64_t f =
		    db_scalar(ev, STMT_EVT_USER_HOST_FIRST, s->user, host);
		if (f < 0)
			return -1;
		if (f >= s->ts)
			json_array_append_new(
			    reasons,
			    json_pack("{ss ss}", "kind", "host", "reason",
				      "first time on this host"));
	}
	int64_t hour = s->ts / HOUR_MS;
	int64_t total = 0, same = 0, active = 0, now = 0;
	const char *key;
	json_t *v;
	json_object_foreach(hours, key, v)
	{
		char *end;
		int64_t h = strtoll(key, &end, 10), n = json_integer_value(v);
		if (h > hour || h < hour - BEHAVIOUR_WINDOW_MS / HOUR_MS)
			continue;
		if (h == hour) {
			now = n;
			continue;
		}
		total += n;
		active++;
		int64_t d =
		    ((h - hour) % 24 + 24) % 24; /* hours of day apart */
		same += d <= 1 || d == 23 ? n : 0;
	}
	char text[200];
	if (s->ok && total >= 50 && same == 0) {
		snprintf(
		    text, sizeof(text),
		    "a rare hour for this person (no sign-in within an hour "
		    "of %02lld:00 UTC among %lld in 30 days)",
		    (long long)(hour % 24), (long long)total);
		json_array_append_new(
		    reasons,
		    json_pack("{ss ss}", "kind", "hour", "reason", text));
	}
	if (now >= 20 && active && now * active > 5 * total) {
		snprintf(text, sizeof(text),
			 "a burst: %lld sign-ins this hour (usually %.1f)",
			 (long long)now, (double)total / (double)active);
		json_array_append_new(
		    reasons,
		    json_pack("{ss ss}", "kind", "burst", "reason", text));
	}
	const char *name = s->ok ? country_of(s->ip, cc) : NULL;
	if (name) {
		int seen = 0;
		sqlite3_stmt *st =
		    db_query(ev, STMT_EVT_USER_SOURCES, s->user, s->ts);
		if (!st)
			return -1;
		while (!seen && sqlite3_step(st) == SQLITE_ROW) {
			char other[3];
			seen = country_of(db_text(st, 0), other) &&
			       !strcmp(other, cc);
		}
		sqlite3_reset(st);
		if (!seen) {
			snprintf(text, sizeof(text), "first time from %s",
				 name);
			json_array_append_new(
			    reasons, json_pack("{ss ss}", "kind", "country",
					       "reason", text));
		}
	}
	return 0;
}

/* Stores the new reasons of s as one finding (each reason once per
 * person and hour). Returns 1 stored, 0 nothing new, -1 on error. */
static int flag(db *ev, const struct signin *s, json_t *reasons)
{
	json_t *fresh = json_array(), *r;
	size_t i;
	json_array_foreach(reasons, i, r)
	{
		char key[400];
		snprintf(key, sizeof(key), "behaviour:%s:%s:%lld", s->user,
			 json_string_value(json_object_get(r, "kind")),
			 (long long)(s->ts / HOUR_MS));
		if (db_exec(ev, STMT_EVT_FLAG_ONCE, key, 1.0, s->ts) != 0) {
			json_decref(fresh);
			return -1;
		}
		if (sqlite3_changes(ev->h) > 0)
			json_array_append(fresh, json_object_get(r, "reason"));
	}
	if (!json_array_size(fresh)) {
		json_decref(fresh);
		return 0;
	}
	char msg[1200], id[64], group[300];
	int k = snprintf(msg, sizeof(msg), "%s signed in on %s%s%s: ", s->user,
			 *s->host ? s->host : "an unnamed host",
			 *s->ip ? " from " : "", s->ip);
	json_array_foreach(fresh, i, r)
	{
		if (k > 0 && (size_t)k < sizeof(msg))
			k += snprintf(msg + k, sizeof(msg) - (size_t)k, "%s%s",
				      i ? "; " : "", json_string_value(r));
	}
	snprintf(id, sizeof(id), "behaviour-%lld", (long long)s->id);
	snprintf(group, sizeof(group), "user.name=%s", s->user);
	json_t *why = json_pack(
	    "[{ss ss ss s[ss] ss sO sI}]", "rule", BEHAVIOUR_RULE, "title",
	    "Unusual sign-in for this person", "level", "medium", "tags",
	    "attack.initial_access", "attack.t1078", "group", group, "reasons",
	    fresh, "event", (json_int_t)s->id);
	json_t *doc = json_pack(
	    "{s{ss ss ss ss ss si} s{ss ss} s{ss} s{ss} s{ss} ss s{sO sI}}",
	    "event", "id", id, "kind", "alert", "category", "authentication",
	    "action", "unusual-sign-in", "outcome", "success", "severity", 47,
	    "rule", "id", BEHAVIOUR_RULE, "name",
	    "Unusual sign-in for this person", "host", "name", s->host, "user",
	    "name", s->user, "source", "ip", s->ip, "message", msg, "labels",
	    "reasons", fresh, "event", (json_int_t)s->id);
	int rc =
	    events_add_finding(ev, s->ts, "auth", "unusual-sign-in", doc, why);
	json_decref(why);
	json_decref(doc);
	json_decref(fresh);
	return rc ? -1 : 1;
}

/* Judges up to batch new sign-ins (see behaviour.h); *more when there
 * are more. Returns the findings stored, or -1 on a database error
 * (nothing stored). */
long behaviour_watch(db *ev, int batch, int *more)
{
	*more = 0;
	int64_t cursor = db_scalar(ev, STMT_EVT_CURSOR_GET, "behaviour"),
		top = db_scalar(ev, STMT_EVT_MAX_ID);
	if (cursor < 0 || top < 0)
		return -1;
	if (top < cursor)
		cursor = 0;
	if (top == cursor)
		return 0;
	sqlite3_stmt *st =
	    db_query(ev, STMT_EVT_NEW_SIGNINS, cursor, top, batch);
	if (!st)
		return -1;
	/* read whole first (judging runs other statements), judged outside
	 * the write lock, each with its reasons; then written in one go */
	json_t *rows = json_array();
	int n = 0;
	int64_t seen = cursor, lo = INT64_MAX, hi = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char user[256];
		n++;
		seen = db_int(st, 0);
		lo = db_int(st, 1) < lo ? db_int(st, 1) : lo;
		hi = db_int(st, 1) > hi ? db_int(st, 1) : hi;
		if (edges_user(db_text(st, 2), user, sizeof(user)) != 0)
			continue;
		json_array_append_new(
		    rows,
		    json_pack("{sI sI ss ss ss sb s[]}", "id",
			      (json_int_t)db_int(st, 0), "ts",
			      (json_int_t)db_int(st, 1), "user", user, "host",
			      db_text(st, 3), "ip", db_text(st, 4), "ok",
			      strcmp(db_text(st, 5), "failure") != 0,
			      "reasons"));
	}
	sqlite3_reset(st);
	int64_t last = n < batch ? top : seen; /* a full batch: more to read */
	*more = n >= batch;
	int rc = 0;
	size_t i;
	json_t *r;
	struct look l = {.first = json_object(),
			 .hours = json_object(),
			 .lo = lo / HOUR_MS - BEHAVIOUR_WINDOW_MS / HOUR_MS,
			 .hi = hi / HOUR_MS};
	json_array_foreach(rows, i, r)
	{
		struct signin s = signin_of(r);
		if ((rc = judge(ev, &l, &s, json_object_get(r, "reasons"))) !=
		    0)
			break;
	}
	json_decref(l.first);
	json_decref(l.hours);
	long found = 0;
	if (rc == 0 && db_begin(ev) == 0) {
		json_array_foreach(rows, i, r)
		{
			json_t *reasons = json_object_get(r, "reasons");
			struct signin s = signin_of(r);
			int f = json_array_size(reasons) ? flag(ev, &s, reasons)
							 : 0;
			if (f < 0) {
				rc = -1;
				break;
			}
			found += f;
		}
		if (rc != 0 ||
		    db_exec(ev, STMT_EVT_CURSOR_SET, "behaviour", last) != 0 ||
		    db_commit(ev) != 0) {
			db_rollback(ev);
			rc = -1;
		}
	} else {
		rc = -1;
	}
	json_decref(rows);
	return rc ? -1 : found;
}
