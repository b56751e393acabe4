/* clocks.c - see clocks.h. Alert stages per clock (bits of warned):
 *   SLA clocks   1 at 75% of the target, 4 at the target (breach)
 *   GDPR         1 at 24 h and 2 at 6 h before the deadline, 4 after it
 *   HIPAA        1 at 7 days and 2 at 1 day before, 4 after it */
#include "clocks.h"

#include "../core/arena.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "deadlines.h"
#include "incidents.h"
#include "notify.h"
#include "settings.h"
#include "webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR	3600
#define DAY	86400
#define NCLOCKS CLOCK__COUNT

static const char *const names[NCLOCKS + 1] = {"sla_triage",
					       "sla_resolve",
					       "gdpr_authority",
					       "hipaa_individuals",
					       "hipaa_hhs",
					       "hipaa_media",
					       NULL};
static const char *const labels[NCLOCKS] = {
    "Triage (SLA)",
    "Resolution (SLA)",
    "GDPR: notify the supervisory authority (72 h)",
    "HIPAA: notify the individuals (60 days)",
    "HIPAA: notify the HHS Secretary",
    "HIPAA: notify the media"};

struct clk {
	int on;
	int64_t started, due, met;
};

/* Index of a clock name, or -1. */
static int clock_index(const char *name)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* Severity index for the SLA tables (unknown: medium). */
static int sev_index(const char *s)
{
	static const char *const sev[] = {"low", "medium", "high", "critical"};
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, sev[i]))
			return i;
	return 1;
}

/* Computes the incident's clocks from its facts. Returns 0 or -1. */
static int compute(db *d, const struct incident *in, struct clk c[NCLOCKS])
{
	memset(c, 0, sizeof(struct clk) * NCLOCKS);
	sqlite3_stmt *st = db_query(d, STMT_CLOCK_FACTS, in->id);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return -1;
	}
	int64_t triaged = db_int(st, 0), resolved = db_int(st, 1);
	int low_prob = !strcmp(db_text(st, 2), "low_probability");
	int64_t made[4] = {db_int(st, 3), db_int(st, 4), db_int(st, 5),
			   db_int(st, 6)};
	sqlite3_reset(st);
	int64_t triage[4], resolve[4];
	settings_sla(d, triage, resolve);
	int sev = sev_index(in->severity);
	int rejected = !strcmp(in->status, "rejected");
	int64_t stop = rejected ? in->updated_at : 0;
	if (!resolved && (in->resolved_at || in->closed_at))
		resolved = in->resolved_at ? in->resolved_at : in->closed_at;
	c[0] = (struct clk){1, in->created_at, in->created_at + triage[sev],
			    triaged ? triaged : stop};
	c[1] = (struct clk){1, in->created_at, in->created_at + resolve[sev],
			    resolved ? resolved : stop};
	int64_t aware = in->noticed_at ? in->noticed_at : in->created_at;
	if (in->personal_data)
		c[2] = (struct clk){1, aware,
				    deadlines_notice(in, "gdpr_authority"),
				    made[0] ? made[0] : stop};
	if (deadlines_hipaa(in) && !low_prob) {
		static const char *const kinds[] = {"hipaa_individuals",
						    "hipaa_hhs", "hipaa_media"};
		for (int k = 0; k < 3; k++) {
			int64_t due = deadlines_notice(in, kinds[k]);
			if (due)
				c[3 + k] = (struct clk){
				    1, aware, due,
				    made[1 + k] ? made[1 + k] : stop};
		}
	}
	return 0;
}

/* Recomputes and stores the incident's clocks (inside the caller's
 * transaction). A clock seen for the first time when silent is set
 * (backfill) counts its past stages as already alerted. Returns 0 or
 * -1. */
int clocks_refresh(db *d, int64_t incident, int silent)
{
	arena a;
	arena_init(&a);
	struct incident in;
	struct clk c[NCLOCKS];
	int rc = -1;
	if (incidents_get(d, &a, incident, &in) != 1 || compute(d, &in, c))
		goto done;
	int64_t now = clock_now();
	for (int i = 0; i < NCLOCKS; i++) {
		if (!c[i].on) {
			if (db_exec(d, STMT_CLOCK_DROP, incident, names[i]) !=
			    0)
				goto done;
			continue;
		}
		int warned =
		    silent ? deadlines_stages(i, c[i].started, c[i].due, now)
			   : 0;
		if (db_exec(d, STMT_CLOCK_PUT, incident, names[i], c[i].started,
			    c[i].due, c[i].met, warned) != 0)
			goto done;
	}
	rc = 0;
done:
	arena_free(&a);
	return rc;
}

/* Gives open incidents without clocks (created before clocks existed, or
 * by `secura demo`) their clocks, silently. Returns how many, or -1. */
int clocks_backfill(db *d)
{
	int n = 0;
	for (;;) {
		sqlite3_stmt *st = db_query(d, STMT_CLOCK_MISSING);
		if (!st)
			return -1;
		int64_t ids[500];
		int k = 0;
		while (k < 500 && sqlite3_step(st) == SQLITE_ROW)
			ids[k++] = db_int(st, 0);
		sqlite3_reset(st);
		if (!k)
			return n;
		if (db_begin(d) != 0)
			return -1;
		for (int i = 0; i < k; i++)
			if (clocks_refresh(d, ids[i], 1) != 0) {
				db_rollback(d);
				return -1;
			}
		if (db_commit(d) != 0)
			return -1;
		n += k;
	}
}

/* Recomputes the clocks of every open incident (after the SLA targets
 * changed), inside the caller's transaction. Returns 0 or -1. */
int clocks_refresh_open(db *d)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = db_query(d, STMT_CLOCK_OPEN);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_int(st, 0);
	}
	sqlite3_reset(st);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = clocks_refresh(d, ids[i], 0);
	free(ids);
	return rc;
}

/* "3 h 12 min" for a duration in seconds, into out. */
static void span(int64_t s, char *out, size_t n)
{
	if (s < 0)
		s = -s;
	if (s >= 2 * DAY)
		snprintf(out, n, "%lld days %lld h", (long long)(s / DAY),
			 (long long)(s % DAY / HOUR));
	else if (s >= HOUR)
		snprintf(out, n, "%lld h %lld min", (long long)(s / HOUR),
			 (long long)(s % HOUR / 60));
	else
		snprintf(out, n, "%lld min", (long long)((s + 59) / 60));
}

/* Returns the incident's clocks as a new JSON array of {clock, label,
 * due_at, state (running, warning, breached, met, met_late), remaining}
 * at now; NULL on error. */
json_t *clocks_json(db *d, int64_t incident, int64_t now)
{
	sqlite3_stmt *st = db_query(d, STMT_CLOCK_LIST, incident);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = clock_index(db_text(st, 0));
		if (i < 0)
			continue;
		int64_t started = db_int(st, 1), due = db_int(st, 2),
			met = db_int(st, 3);
		const char *state;
		char left[64] = "";
		if (met)
			state = met > due ? "met_late" : "met";
		else if (now >= due)
			state = "breached";
		else
			state = deadlines_stages(i, started, due, now)
				    ? "warning"
				    : "running";
		if (!met) {
			char s[40];
			span(due - now, s, sizeof(s));
			snprintf(left, sizeof(left),
				 now >= due ? "overdue by %s" : "%s left", s);
		}
		char at[21];
		clock_iso(due, at);
		json_array_append_new(
		    arr, json_pack("{ss ss ss ss ss sb}", "clock", names[i],
				   "label", labels[i], "due_at", at, "state",
				   state, "remaining", left, "alert",
				   !strcmp(state, "breached") ||
				       !strcmp(state, "warning")));
	}
	sqlite3_reset(st);
	return arr;
}

struct due_alert {
	int64_t incident, started, due;
	int clock, warned, stage;
};

/* Sends one alert (notifications to the assignee and the leads, the
 * webhook event) and records it, in one transaction. Returns 0 or -1. */
static int alert(db *d, const struct due_alert *al, int64_t now)
{
	int sla = al->clock < 2, breach = al->stage == 4;
	char due[21], left[40], title[300];
	clock_iso(al->due, due);
	span(al->due - now, left, sizeof(left));
	if (db_begin(d) != 0)
		return -1;
	sqlite3_stmt *st = db_query(d, STMT_NOTIFY_INCIDENT, al->incident);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		goto fail;
	}
	char ref[32], name[256];
	snprintf(ref, sizeof(ref), "%s", db_text(st, 0));
	snprintf(name, sizeof(name), "%s", db_text(st, 1));
	int64_t assignee = db_int(st, 5);
	sqlite3_reset(st);
	if (breach)
		snprintf(title, sizeof(title), "%s %s: %s was due %s UTC",
			 sla ? "SLA breached on" : "Deadline missed on", ref,
			 labels[al->clock], due);
	else
		snprintf(title, sizeof(title), "%s %s: %s due in %s (%s UTC)",
			 sla ? "SLA warning on" : "Deadline approaching on",
			 ref, labels[al->clock], left, due);
	const char *kind = sla ? "sla" : "deadline";
	if (notify_team(d, al->incident, assignee, kind, title) != 0)
		goto fail;
	json_t *data = json_pack("{s{sI ss ss} ss ss ss}", "incident", "id",
				 (json_int_t)al->incident, "ref", ref, "title",
				 name, "clock", names[al->clock], "label",
				 labels[al->clock], "due_at", due);
	char event[32];
	snprintf(event, sizeof(event), "%s.%s", sla ? "sla" : "deadline",
		 breach ? "breached" : "warning");
	int rc = webhooks_enqueue(d, event, data);
	json_decref(data);
	if (rc != 0 || db_exec(d, STMT_CLOCK_WARNED, al->incident,
			       names[al->clock], al->warned | al->stage) != 0)
		goto fail;
	return db_commit(d);
fail:
	db_rollback(d);
	return -1;
}

/* The scheduler: sends every alert stage that fell due at now and was not
 * sent yet (one per clock per run: the latest due, so a clock that
 * slept past two stages says only the worse). Adds the count to *sent.
 * Returns 0 or -1. */
int clocks_tick(db *d, int64_t now, int *sent)
{
	sqlite3_stmt *st = db_query(d, STMT_CLOCK_RUNNING);
	if (!st)
		return -1;
	struct due_alert *al = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = clock_index(db_text(st, 1));
		if (i < 0)
			continue;
		int64_t started = db_int(st, 2), due = db_int(st, 3);
		int warned = (int)db_int(st, 4);
		int fresh = deadlines_stages(i, started, due, now) & ~warned;
		if (!fresh)
			continue;
		int stage = fresh & 4 ? 4 : fresh & 2 ? 2 : 1;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			al = xrealloc(al, cap * sizeof(*al));
		}
		/* the earlier stages count as sent with the worse one */
		al[n++] =
		    (struct due_alert){db_int(st, 0),	     started, due, i,
				       warned | (stage - 1), stage};
	}
	sqlite3_reset(st);
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		rc = alert(d, &al[k], now);
		if (rc == 0)
			(*sent)++;
	}
	free(al);
	return rc;
}
