/* traffic_cmd.c - `secura traffic`: generated events (traffic.c) posted
 * over the real doors in batches from several connections, each
 * connection keeping its share of the rate, with what the intake
 * answered counted; or, with --out, a file of NDJSON events spread over
 * past days with the office's rhythm (training data for the models,
 * fixtures for tests). Prints events/s sent and accepted. */
#include "traffic_cmd.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/net.h"
#include "traffic.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The command's options. */
struct topts {
	const char *url, *token, *door, *kind, *out, *scenario_name, *end;
	enum traffic_scenario scenario;
	long rate, seconds, connections, batch, count, days;
	unsigned long long seed;
};

/* One connection's work and what came of it. */
struct worker {
	const struct topts *o;
	int index;
	long sent, accepted, rejected, failed;
	char err[256];
};

/* Prints how to use the command; returns 2. */
static int usage(FILE *out)
{
	fprintf(out,
		"usage: secura traffic --url URL --token T [--rate N] "
		"[--seconds S] [--scenario S] [--door native|hec]\n"
		"                      [--kind K] [--connections C] [--batch "
		"B] [--seed N]\n"
		"       secura traffic --out FILE --count N [--days D] "
		"[--end YYYY-MM-DD] [--scenario S] [--kind K] [--seed N]\n"
		"scenarios: normal bruteforce spray portscan exfiltration "
		"sqli lateral mix\n"
		"--rate 0 posts as fast as the intake takes them.\n");
	return 2;
}

/* Reads a whole number option in [lo, hi] into *v. Returns 0 or -1. */
static int number(const char *s, long lo, long hi, long *v)
{
	char *end;
	long x = strtol(s, &end, 10);
	if (!*s || *end || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

/* Parses argv into o. Returns 0, or -1 on a bad or unknown option. */
static int parse(int argc, char **argv, struct topts *o)
{
	*o = (struct topts){.door = "native",
			    .scenario_name = "mix",
			    .rate = 1000,
			    .seconds = 10,
			    .connections = 2,
			    .batch = 500,
			    .count = 10000,
			    .days = 3,
			    .seed = 42};
	for (int i = 0; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		long n = 0;
		if (!strcmp(a, "--url"))
			o->url = v;
		else if (!strcmp(a, "--token"))
			o->token = v;
		else if (!strcmp(a, "--door"))
			o->door = v;
		else if (!strcmp(a, "--kind"))
			o->kind = v;
		else if (!strcmp(a, "--out"))
			o->out = v;
		else if (!strcmp(a, "--scenario"))
			o->scenario_name = v;
		else if (!strcmp(a, "--end"))
			o->end = v;
		else if (!strcmp(a, "--rate") && !number(v, 0, 10000000, &n))
			o->rate = n;
		else if (!strcmp(a, "--seconds") && !number(v, 1, 86400, &n))
			o->seconds = n;
		else if (!strcmp(a, "--connections") && !number(v, 1, 64, &n))
			o->connections = n;
		else if (!strcmp(a, "--batch") && !number(v, 1, 5000, &n))
			o->batch = n;
		else if (!strcmp(a, "--count") && !number(v, 1, 100000000, &n))
			o->count = n;
		else if (!strcmp(a, "--days") && !number(v, 1, 365, &n))
			o->days = n;
		else if (!strcmp(a, "--seed") && !number(v, 0, 1L << 62, &n))
			o->seed = (unsigned long long)n;
		else
			return -1;
	}
	if (argc % 2 ||
	    traffic_scenario_parse(o->scenario_name, &o->scenario) != 0 ||
	    (strcmp(o->door, "native") && strcmp(o->door, "hec")))
		return -1;
	return 0;
}

/* Milliseconds since the epoch, now. */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes o->count events spread over the o->days days before o->end
 * (a date; now when absent), with the office's rhythm, to o->out.
 * Returns 0, or 1 with the reason printed. */
static int write_file(const struct topts *o, FILE *out)
{
	int64_t end = now_ms(), day = 0;
	if (o->end && (clock_parse_iso(o->end, &day) != 0 || day <= 0)) {
		fprintf(out, "secura: --end is a date (YYYY-MM-DD)\n");
		return 2;
	}
	if (o->end)
		end = day * 1000;
	long n = traffic_write(o->out, o->scenario, o->seed, o->kind,
			       end - o->days * 86400000LL, end, o->count);
	if (n < 0) {
		fprintf(out, "secura: cannot write %s\n", o->out);
		return 1;
	}
	fprintf(out, "%ld events written to %s\n", n, o->out);
	return 0;
}

/* Counts what the intake answered to one batch into w. */
static void tally(struct worker *w, const struct topts *o, long n, buf *reply,
		  long status)
{
	json_t *j =
	    json_loadb(reply->data ? reply->data : "", reply->len, 0, NULL);
	if (status >= 200 && status < 300 && !strcmp(o->door, "native")) {
		w->accepted +=
		    (long)json_integer_value(json_object_get(j, "accepted"));
		w->rejected +=
		    (long)json_integer_value(json_object_get(j, "rejected"));
	} else if (status >= 200 && status < 300) {
		w->accepted += n;
	} else if (status == 400 && !strcmp(o->door, "hec")) {
		w->rejected += n;
	} else {
		w->failed += n;
		if (!w->err[0])
			snprintf(w->err, sizeof(w->err), "HTTP %ld: %.200s",
				 status, reply->data ? reply->data : "");
	}
	json_decref(j);
}

/* A connection: posts batches of generated events, keeping to its share
 * of the rate, until the time is up. */
static void *run(void *arg)
{
	struct worker *w = arg;
	const struct topts *o = w->o;
	struct traffic t;
	traffic_init(&t, o->scenario, o->seed + (unsigned long long)w->index,
		     o->kind);
	char auth[300], url[2100];
	snprintf(auth, sizeof(auth), "Authorization: %s %s",
		 strcmp(o->door, "hec") ? "Bearer" : "Splunk", o->token);
	snprintf(url, sizeof(url), "%s%s", o->url,
		 strcmp(o->door, "hec") ? "/api/v1/ingest"
					: "/services/collector/event");
	const char *headers[] = {auth, NULL};
	double share = (double)o->rate / (double)o->connections;
	double t0 = clock_mono_ms(), end = t0 + (double)o->seconds * 1000;
	buf body = BUF_INIT, line = BUF_INIT, reply = BUF_INIT;
	while (clock_mono_ms() < end) {
		buf_reset(&body);
		int64_t ts = now_ms();
		for (long i = 0; i < o->batch; i++) {
			buf_reset(&line);
			if (traffic_next(&t, ts, &line) != 0)
				break;
			if (!strcmp(o->door, "hec"))
				buf_printf(&body,
					   "{\"time\":%.3f,\"event\":%.*s}\n",
					   (double)ts / 1000.0,
					   (int)line.len - 1, line.data);
			else
				buf_put(&body, line.data, line.len);
		}
		buf_reset(&reply);
		struct net_post p = {.url = url,
				     .body = body.data,
				     .len = body.len,
				     .headers = headers,
				     .allow_private = 1,
				     .timeout_ms = 60000,
				     .reply = &reply,
				     .agent = "secura-traffic/1"};
		char err[256];
		if (net_post(&p, err, sizeof(err)) != 0 && p.status == 0) {
			w->failed += o->batch;
			snprintf(w->err, sizeof(w->err), "%s", err);
			break;
		}
		w->sent += o->batch;
		tally(w, o, o->batch, &reply, p.status);
		if (share > 0) { /* keep to the schedule */
			double due = t0 + (double)w->sent / share * 1000;
			double wait = due - clock_mono_ms();
			if (wait > 0) {
				struct timespec ns = {
				    (time_t)(wait / 1000),
				    (long)((wait - (double)(long)(wait / 1000) *
						       1000) *
					   1e6)};
				nanosleep(&ns, NULL);
			}
		}
	}
	buf_free(&body);
	buf_free(&line);
	buf_free(&reply);
	return NULL;
}

/* Runs `secura traffic` (argv after "traffic"), printing to out. Returns
 * 0, 1 when events failed or were refused, 2 on a usage error. */
int traffic_command(int argc, char **argv, FILE *out)
{
	struct topts o;
	if (parse(argc, argv, &o) != 0)
		return usage(out);
	if (o.out)
		return write_file(&o, out);
	if (!o.url || !o.token)
		return usage(out);
	net_init();
	struct worker *w = calloc((size_t)o.connections, sizeof(*w));
	pthread_t *th = calloc((size_t)o.connections, sizeof(*th));
	if (!w || !th) {
		free(w);
		free(th);
		return 1;
	}
	double t0 = clock_mono_ms();
	for (long i = 0; i < o.connections; i++) {
		w[i] = (struct worker){.o = &o, .index = (int)i};
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	long sent = 0, accepted = 0, rejected = 0, failed = 0;
	const char *err = NULL;
	for (long i = 0; i < o.connections; i++) {
		pthread_join(th[i], NULL);
		sent += w[i].sent;
		accepted += w[i].accepted;
		rejected += w[i].rejected;
		failed += w[i].failed;
		if (w[i].err[0] && !err)
			err = w[i].err;
	}
	double secs = (clock_mono_ms() - t0) / 1000;
	fprintf(out,
		"sent %ld events in %.1f s (%.0f events/s): accepted %ld "
		"(%.0f/s), rejected %ld, failed %ld\n",
		sent, secs, (double)sent / secs, accepted,
		(double)accepted / secs, rejected, failed);
	if (err)
		fprintf(out, "first failure: %s\n", err);
	int rc = failed || rejected ? 1 : 0;
	free(w);
	free(th);
	return rc;
}
