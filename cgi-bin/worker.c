/* worker.c - the background program: deliveries, clocks and the jobs
 * people ask for (docs/architecture.md, "Background work").
 *
 *   worker [--once]
 *
 * Holds $SECURA_DATA/worker.lock so only one runs. At start it puts back
 * the jobs a killed worker left running (deliveries among them) and gives
 * open incidents their clocks. Then one thread sends due
 * deliveries and folds new findings into alerts every second and
 * evaluates the clocks every minute, while a
 * second thread, on a connection of its own so that a slow language model
 * or a big report never holds up deliveries and clocks, runs queued jobs
 * (the table below) and keeps the lists of similar incidents up to date.
 * --once does one round of all of it on one thread and exits. */
#include "../src/core/clock.h"
#include "../src/core/config.h"
#include "../src/core/log.h"
#include "../src/core/net.h"
#include "../src/core/view.h"
#include "../src/domain/alerts.h"
#include "../src/domain/anomaly_retrain.h"
#include "../src/domain/assets.h"
#include "../src/domain/assistant.h"
#include "../src/domain/evidence.h"
#include "../src/domain/backup.h"
#include "../src/domain/behaviour.h"
#include "../src/domain/clocks.h"
#include "../src/domain/delivery.h"
#include "../src/domain/demo_events.h"
#include "../src/domain/events.h"
#include "../src/domain/jobs.h"
#include "../src/domain/models.h"
#include "../src/domain/paths.h"
#include "../src/domain/report_jobs.h"
#include "../src/domain/retrain.h"
#include "../src/domain/similar.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The jobs this worker runs: kind, handler, seconds before a retry. The
 * long ones run on the jobs thread; deliveries on the main thread, their
 * back-off from SECURA_DELIVERY_BACKOFF (set at start). */
static const struct job_kind kinds[] = {
    {"report", report_jobs_run, 30},
    {"assistant", assistant_run, 30},
    {"ocr", evidence_ocr_run, 30},
    {"retrain", retrain_run, 60},
    {"demo-events", demo_events_run, 60},
    {"anomaly-retrain", anomaly_retrain_run, 60},
};
#define NKINDS (sizeof(kinds) / sizeof(*kinds))
static struct job_kind deliveries = {"delivery", delivery_run, 30};

/* Deliveries one round sends at most, so the clocks stay on time. */
#define ROUND_DELIVERIES 1000

/* Set by SIGTERM/SIGINT; read by both threads. */
static volatile sig_atomic_t stopping;

/* SIGTERM/SIGINT handler: finish the current item, then stop. */
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Backs up the instance into SECURA_BACKUP_DIR when its newest backup is
 * SECURA_BACKUP_HOURS old (looked at once a minute), then keeps the
 * SECURA_BACKUP_KEEP newest. Returns 1 when it backed up, else 0 (a
 * failure is logged: the next look tries again). */
static int scheduled_backup(db *d)
{
	static int64_t looked;
	const struct config *cf = config_get();
	int64_t now = clock_now();
	if (!cf->backup_dir || now - looked < 60)
		return 0;
	looked = now;
	if (now - backup_newest(cf->backup_dir) < cf->backup_hours * 3600)
		return 0;
	char err[600], out[4200];
	db *ev = db_thread(cf->events_db);
	if (backup_make(d, ev, cf->data_dir, cf->backup_dir, out, sizeof(out),
			err, sizeof(err)) != 0) {
		log_event(NULL, NULL, "worker: backup failed: %s", err);
		return 0;
	}
	int gone = backup_prune(cf->backup_dir, (int)cf->backup_keep, err,
				sizeof(err));
	log_event(NULL, NULL, "worker: backup written: %s (%d old removed)",
		  out, gone < 0 ? 0 : gone);
	if (gone < 0)
		log_event(NULL, NULL, "worker: backup pruning: %s", err);
	return 1;
}

/* One round of the long work on connection d: every due job (until the
 * queue is empty or the worker stops), then up to 16 queued lists of
 * similar incidents (their write holds the write lock about 2 ms, which
 * reports wait for), and a scheduled backup when one is due. Returns how
 * many items ran, or -1 on a database error. */
static int jobs_round(db *d)
{
	int n = 0, rc = 0;
	int64_t after = 0;
	while (!stopping && (rc = jobs_run_next(d, kinds, NKINDS, &after)) == 1)
		n++;
	if (rc < 0)
		return -1;
	int s = stopping ? 0 : similar_next(d, 16);
	if (s >= 0 && !stopping)
		s += scheduled_backup(d);
	return s < 0 ? -1 : n + s;
}

/* The second thread: jobs on a connection of its own. Goes on at once
 * while there is work, else looks every second. */
static void *jobs_thread(void *arg)
{
	(void)arg;
	db jd;
	char err[512];
	if (db_open(&jd, config_get()->db_path, err, sizeof(err)) != 0) {
		log_event(NULL, NULL, "worker jobs: %s", err);
		return NULL;
	}
	while (!stopping) {
		int n = jobs_round(&jd);
		if (n < 0)
			log_event(NULL, NULL, "worker jobs: %s",
				  db_errmsg(&jd));
		if (n <= 0)
			sleep(1);
	}
	db_close(&jd);
	return NULL;
}

/* Deletes the events past retention (SECURA_EVENTS_DAYS, and the oldest
 * while the events file is over SECURA_EVENTS_MAX_MB), 1,000 at a time,
 * on this thread's connection to the events database. Returns how many,
 * or -1 (logged). */
static long prune_events(void)
{
	const struct config *cf = config_get();
	db *ev = db_thread(cf->events_db);
	long n = ev ? events_prune(
			  ev, (clock_now() - cf->events_days * 86400) * 1000,
			  cf->events_max_mb << 20, 1000)
		    : -1;
	if (n < 0)
		log_event(NULL, NULL, "worker: event retention: %s",
			  ev ? db_errmsg(ev) : "no events database");
	else if (n > 0)
		log_event(NULL, NULL,
			  "worker: %ld events past retention deleted", n);
	return n;
}

/* Folds the events' new findings into alerts (domain/alerts.c) on d,
 * 1,000 a transaction until caught up, from this thread's connection to
 * the events database. Returns how many, or -1 (logged). */
static long fold_alerts(db *d)
{
	db *ev = db_thread(config_get()->events_db);
	long total = 0, n;
	do {
		n = ev ? alerts_fold(d, ev, 1000) : -1;
		total += n > 0 ? n : 0;
	} while (n == 1000 && !stopping);
	if (n < 0)
		log_event(NULL, NULL, "worker: alerts: %s",
			  ev ? db_errmsg(d) : "no events database");
	return n < 0 ? -1 : total;
}

/* Flags the new attack paths over the threshold (domain/paths.c) and
 * the sign-ins that break their person's habits (domain/behaviour.c) as
 * findings, every ten seconds (a look loads a window of the sign-in
 * graph; the behaviour look goes on each round while it is behind), on
 * this thread's connection to the events database. Returns the paths
 * flagged, or -1 (logged). */
static long watch_graphs(db *d, int force)
{
	static int64_t last;
	static int behind; /* the behaviour look has more to read */
	int due = force || clock_now() - last >= 10;
	if (!due && !behind)
		return 0;
	db *ev = db_thread(config_get()->events_db);
	long n = 0;
	if (due) {
		last = clock_now();
		json_t *assets = assets_list(d);
		n = ev && assets
			? paths_watch(ev, assets, PATHS_THRESHOLD, PATHS_GAP_MS)
			: -1;
		json_decref(assets);
	}
	/* a backlog of sign-ins is read 5,000 a round, every second, until
	 * the look catches up */
	long u = ev ? behaviour_watch(ev, 5000, &behind) : -1;
	if (u < 0)
		log_event(NULL, NULL, "worker: behaviour: %s",
			  ev ? db_errmsg(ev) : "no events database");
	else if (u > 0)
		log_event(NULL, NULL, "worker: %ld unusual sign-ins flagged",
			  u);
	if (n < 0)
		log_event(NULL, NULL, "worker: attack paths: %s",
			  ev ? db_errmsg(ev) : "no events database");
	else if (n > 0)
		log_event(NULL, NULL, "worker: %ld attack paths flagged", n);
	return n;
}

/* One scheduler run (when tick), the alerts' fold and the deliveries
 * then due (counted in *sent, sent or not); with jobs, also one round of
 * the jobs (--once). Returns 0 or -1. */
static int round_once(db *d, int tick, int jobs, int *alerts, int *sent)
{
	if (tick && clocks_tick(d, clock_now(), alerts) != 0)
		return -1;
	if (tick)
		prune_events(); /* a failure is logged; deliveries go on */
	watch_graphs(d, tick);
	fold_alerts(d); /* every round: alerts follow events within a second */
	int rc = 0, n = 0;
	int64_t after = 0;
	while (!stopping && n < ROUND_DELIVERIES &&
	       (rc = jobs_run_next(d, &deliveries, 1, &after)) == 1)
		n++;
	*sent += n;
	if (rc >= 0 && jobs && !stopping && jobs_round(d) < 0)
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/* Opens the database and takes the worker lock. Returns the lock's fd,
 * or -1 (with a message on stderr). */
static int start(db *d)
{
	char path[4200], err[512];
	if (config_load(err, sizeof(err)) != 0 ||
	    db_open(d, config_get()->db_path, err, sizeof(err)) != 0 ||
	    db_migrate(d, err, sizeof(err)) < 0) {
		fprintf(stderr, "worker: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/worker.lock", config_get()->data_dir);
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "worker: another worker is running (%s)\n",
			path);
		if (lock >= 0)
			close(lock);
		return -1;
	}
	if (view_load_templates(config_get()->templates_dir, err, sizeof(err)) <
		0 ||
	    net_init() != 0) {
		fprintf(stderr, "worker: %s\n", err);
		close(lock);
		return -1;
	}
	return lock;
}

int main(int argc, char **argv)
{
	int once = argc == 2 && !strcmp(argv[1], "--once");
	if (argc > 2 || (argc == 2 && !once)) {
		fprintf(stderr, "usage: worker [--once]\n");
		return 2;
	}
	db d;
	int lock = start(&d);
	if (lock < 0)
		return 1;
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	signal(SIGPIPE, SIG_IGN);
	char err[512];
	if (models_init(config_get()->models_dir, err, sizeof(err)) != 0)
		log_event(NULL, NULL, "worker: current model: %s", err);
	int clocks = clocks_backfill(&d), rc = 0;
	deliveries.backoff = (int)config_get()->delivery_backoff;
	if (jobs_recover(&d) != 0 || clocks < 0) {
		fprintf(stderr, "worker: %s\n", db_errmsg(&d));
		rc = 1;
		goto done;
	}
	log_event(NULL, NULL, "worker started (%d incidents got clocks)",
		  clocks);
	int alerts = 0, sent = 0;
	int64_t last_tick = 0;
	pthread_t jobs;
	int threaded =
	    !once && pthread_create(&jobs, NULL, jobs_thread, NULL) == 0;
	while (!stopping) {
		int64_t now = clock_now();
		int tick = once || now - last_tick >= 60;
		if (tick)
			last_tick = now;
		if (round_once(&d, tick, !threaded, &alerts, &sent) != 0) {
			log_event(NULL, NULL, "worker: %s", db_errmsg(&d));
			rc = 1;
		}
		if (once)
			break;
		sleep(1);
	}
	if (threaded)
		pthread_join(jobs, NULL);
	printf("worker: %d alerts, %d deliveries tried\n", alerts, sent);
done:
	models_free();
	view_free_templates();
	db_close(&d);
	close(lock);
	return rc;
}
