/* telemetry.h - what this program did, for the operator's Prometheus
 * endpoint: requests by route and status with latency histograms, and
 * the gauges a module sets (the live streams). Each FastCGI program keeps
 * its own in memory and writes it, at most every five seconds, as
 * exposition-format samples to $SECURA_DATA/telemetry/<program>.prom
 * (through a temporary name); the app's /metrics/prometheus adds the
 * programs' files to the databases' figures. */
#ifndef SECURA_TELEMETRY_H
#define SECURA_TELEMETRY_H

/* Names this program (the label of its samples). */
void telemetry_init(const char *program);
/* Counts one answered request: method, route pattern (a static string;
 * NULL: none matched), status, milliseconds. */
void telemetry_request(const char *method, const char *route, int status,
		       double ms);
/* Sets this program's secura_sse_streams gauge. */
void telemetry_streams(long n);
/* Writes the samples file when five seconds passed since the last (at
 * once with force). Failures are logged once and ignored. */
void telemetry_flush(int force);

#endif
