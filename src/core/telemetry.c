/* telemetry.c - see telemetry.h. Up to 1,024 series (method, route,
 * status), looked up by the route's pointer; the rest fall into one
 * route "(other)". */
#include "telemetry.h"

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SERIES	 1024
#define NBUCKETS 10

/* The histogram's upper bounds, seconds. */
static const double bounds[NBUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1,
					0.25,  0.5,  1,	    2.5,  10};

/* One series: a method, route and status, its count, sum and buckets. */
struct series {
	char method[8];
	const char *route;
	int status;
	long count, buckets[NBUCKETS];
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series table[SERIES];
static int nseries;
static char program[32] = "secura";
static long streams = -1; /* -1: no gauge */
static int64_t written;
static int failed_once;

void telemetry_init(const char *name)
{
	snprintf(program, sizeof(program), "%s", name);
}

void telemetry_request(const char *method, const char *route, int status,
		       double ms)
{
	if (!route)
		route = "(none)";
	pthread_mutex_lock(&lock);
	struct series *s = NULL;
	for (int i = 0; i < nseries && !s; i++)
		if (table[i].route == route && table[i].status == status &&
		    !strncmp(table[i].method, method, sizeof(table[i].method)))
			s = &table[i];
	if (!s && nseries < SERIES) {
		s = &table[nseries++];
		snprintf(s->method, sizeof(s->method), "%s", method);
		s->route = route;
		s->status = status;
	}
	if (!s) /* full: counted as the last series */
		s = &table[SERIES - 1];
	s->count++;
	s->sum += ms / 1000;
	for (int b = 0; b < NBUCKETS; b++)
		if (ms / 1000 <= bounds[b])
			s->buckets[b]++;
	pthread_mutex_unlock(&lock);
}

void telemetry_streams(long n)
{
	pthread_mutex_lock(&lock);
	streams = n;
	pthread_mutex_unlock(&lock);
}

/* Writes the samples of this program into b (under lock). */
static void samples(buf *b)
{
	for (int i = 0; i < nseries; i++) {
		const struct series *s = &table[i];
		char labels[400];
		snprintf(labels, sizeof(labels),
			 "program=\"%.31s\",method=\"%.7s\",route=\"%.200s\","
			 "status=\"%d\"",
			 program, s->method, s->route, s->status);
		buf_printf(b, "secura_http_requests_total{%s} %ld\n", labels,
			   s->count);
		for (int k = 0; k < NBUCKETS; k++)
			buf_printf(
			    b,
			    "secura_http_request_duration_seconds_bucket{%s,"
			    "le=\"%g\"} %ld\n",
			    labels, bounds[k], s->buckets[k]);
		buf_printf(b,
			   "secura_http_request_duration_seconds_bucket{%s,"
			   "le=\"+Inf\"} %ld\n",
			   labels, s->count);
		buf_printf(
		    b, "secura_http_request_duration_seconds_sum{%s} %.6f\n",
		    labels, s->sum);
		buf_printf(
		    b, "secura_http_request_duration_seconds_count{%s} %ld\n",
		    labels, s->count);
	}
	if (streams >= 0)
		buf_printf(b, "secura_sse_streams{program=\"%s\"} %ld\n",
			   program, streams);
}

void telemetry_flush(int force)
{
	int64_t now = clock_now();
	pthread_mutex_lock(&lock);
	if (!force && now - written < 5) {
		pthread_mutex_unlock(&lock);
		return;
	}
	written = now;
	buf b = BUF_INIT;
	samples(&b);
	pthread_mutex_unlock(&lock);
	char dir[4200], path[4300], tmp[4400];
	snprintf(dir, sizeof(dir), "%.4000s/telemetry", config_get()->data_dir);
	snprintf(path, sizeof(path), "%s/%s.prom", dir, program);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f =
	    (mkdir(dir, 0750) == 0 || errno == EEXIST) ? fopen(tmp, "w") : NULL;
	int ok = f && fwrite(b.data ? b.data : "", 1, b.len, f) == b.len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok && !failed_once) {
		failed_once = 1;
		log_event(NULL, NULL, "telemetry: cannot write %s: %s", path,
			  strerror(errno));
	}
	buf_free(&b);
}
