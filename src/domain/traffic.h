/* traffic.h - realistic security events for demos, tests and benchmarks:
 * an office's sign-ins, network flows, web requests and endpoint events
 * with a daily rhythm, and attack scenarios woven in, as ECS NDJSON
 * lines. Seeded and deterministic; every event carries labels.scenario
 * ("normal" or the attack's name) so models can be measured on it. */
#ifndef SECURA_TRAFFIC_H
#define SECURA_TRAFFIC_H

#include "../core/buf.h"

#include <stdint.h>

enum traffic_scenario {
	TRAFFIC_NORMAL,
	TRAFFIC_BRUTEFORCE,
	TRAFFIC_SPRAY,
	TRAFFIC_PORTSCAN,
	TRAFFIC_EXFILTRATION,
	TRAFFIC_SQLI,
	TRAFFIC_LATERAL,
	TRAFFIC_MIX,
};

/* A generator's state: its random stream, its scenario, the kind it is
 * limited to (NULL: all) and each attack's progress. */
struct traffic {
	uint64_t rng;
	enum traffic_scenario scenario;
	const char *kind;
	long seq;
	int step[TRAFFIC_MIX];
	double attack_share; /* of the events, in an attack scenario */
	int burst_left;	     /* attack events still to come in this burst */
	enum traffic_scenario burst;
};

#define TRAFFIC_BURST 40 /* an attack's events come in bursts this long */

int traffic_scenario_parse(const char *name, enum traffic_scenario *s);
void traffic_init(struct traffic *t, enum traffic_scenario s, uint64_t seed,
		  const char *kind);
int traffic_next(struct traffic *t, int64_t ts_ms, buf *out);
double traffic_rhythm(int64_t ts_ms);
long traffic_fill(struct traffic *t, int64_t start_ms, int64_t end_ms,
		  long count, long batch,
		  int (*sink)(void *ud, const buf *ndjson), void *ud);
long traffic_write(const char *path, enum traffic_scenario s, uint64_t seed,
		   const char *kind, int64_t start_ms, int64_t end_ms,
		   long count);

#endif
