/* demo_events.c - see demo_events.h. The events go to the source "demo
 * office" (generic: each event's kind from its category), made when
 * missing; an admin's button queues the same as a worker job. */
#include "demo_events.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "events.h"
#include "rules.h"
#include "sources.h"
#include "traffic.h"

#include <stdio.h>
#include <string.h>

/* Where a demo's batches go. */
struct demo_sink {
	db *events;
	struct source s;
	struct scorer sc;
	struct rules_cache rules;
	const char *rules_dir;
	long taken, count;
	FILE *progress;
	db *main;
	int64_t job; /* 0: no job to report progress on */
};

/* traffic_fill sink: takes one batch in as the demo source's events.
 * Returns 0 or -1. */
static int take_batch(void *ud, const buf *ndjson)
{
	struct demo_sink *k = ud;
	struct events_result r;
	sigma_set *rs = rules_hold(&k->rules, k->main, k->rules_dir);
	int rc = events_take(k->events, &k->s, &k->sc, rs, EVENTS_JSON,
			     ndjson->data, ndjson->len, 5000, 86400000, &r);
	rules_done(&k->rules, rs);
	json_decref(r.errors);
	if (rc != 0)
		return -1;
	k->taken += r.accepted;
	int pct = (int)(k->taken * 100 / (k->count ? k->count : 1));
	if (k->progress)
		fprintf(k->progress, "\rdemo events: %ld of %ld", k->taken,
			k->count);
	if (k->job)
		jobs_progress(k->main, k->job, pct, "generating events");
	return 0;
}

/* Returns the id of the demo source on main, made when missing; -1 on
 * error. */
static int64_t demo_source(db *main)
{
	int64_t id = sources_find_name(main, DEMO_EVENTS_SOURCE);
	if (id != 0)
		return id;
	char token[SOURCE_TOKEN_LEN]; /* never shown: the demo posts none */
	if (db_begin(main) != 0)
		return -1;
	id = sources_create(main, DEMO_EVENTS_SOURCE, "generic", 0, token);
	if (id <= 0 || db_commit(main) != 0) {
		db_rollback(main);
		return -1;
	}
	return id;
}

/* Adds count events over the last days days (the office's traffic with
 * its attacks mixed in, from seed) to the events database, as the
 * source "demo office". Reports progress on progress (NULL: none) and,
 * for job jid, in the job's row. Returns the number of events, or -1. */
static long fill(db *main, db *events, int days, long count, uint64_t seed,
		 FILE *progress, int64_t jid)
{
	struct demo_sink k = {.events = events,
			      .count = count,
			      .progress = progress,
			      .main = main,
			      .job = jid,
			      .rules_dir = config_get()->rules_dir};
	k.s = (struct source){.id = demo_source(main),
			      .name = DEMO_EVENTS_SOURCE,
			      .kind = "generic",
			      .enabled = 1};
	if (k.s.id <= 0 ||
	    scorer_open(&k.sc, config_get()->models_dir, events) != 0)
		return -1;
	scorer_refresh(&k.sc, main);
	rules_cache_init(&k.rules);
	struct traffic t;
	traffic_init(&t, TRAFFIC_MIX, seed, NULL);
	int64_t end = clock_now() * 1000;
	long n = traffic_fill(&t, end - days * 86400000LL, end, count, 1000,
			      take_batch, &k);
	scorer_close(&k.sc);
	rules_cache_close(&k.rules);
	if (progress)
		fputc('\n', progress);
	return n;
}

/* See fill (no job). */
long demo_events_fill(db *main, db *events, int days, long count, uint64_t seed,
		      FILE *progress)
{
	return fill(main, events, days, count, seed, progress, 0);
}

/* Queues the adding of count demo events (three days' worth) for the
 * worker. Inside the caller's transaction; returns the job's id or -1. */
int64_t demo_events_queue(db *d, long count)
{
	return jobs_queue(d, "demo-events", count, 1);
}

/* The worker's job: adds j->ref_id demo events over three days, with
 * progress in the job's row. Returns 0, or -1 with the reason in err. */
int demo_events_run(db *d, const struct job *j, char *err, size_t errlen)
{
	db *events = db_thread(config_get()->events_db);
	long n =
	    events ? fill(d, events, 3, (long)j->ref_id, 42, NULL, j->id) : -1;
	if (n < 0) {
		snprintf(err, errlen, "demo events: %s",
			 events ? db_errmsg(events) : "no events database");
		return -1;
	}
	return 0;
}
