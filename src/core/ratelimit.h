/* ratelimit.h - requests counted per key (an API token, a person, an
 * address, an event source) in fixed windows (SECURA_RATE_WINDOW seconds,
 * 60), in this process's memory: a table of 8,192 counters, the stalest
 * of a key's eight slots reused, behind one lock. Each FastCGI program
 * counts for itself. */
#ifndef SECURA_RATELIMIT_H
#define SECURA_RATELIMIT_H

#include <stdint.h>

/* What a take found: the limit, what is left in the window, and the
 * seconds until the window ends. */
struct ratelimit {
	int limit, remaining, reset;
};

/* Counts one request of key (a text) against limit a window at now
 * (Unix seconds), filling *r. Returns 1 when it is within the limit, 0
 * when over (the request is still counted). A limit of 0 or less is no
 * limit (always 1). */
int ratelimit_take(const char *key, int limit, int64_t now,
		   struct ratelimit *r);

#endif
