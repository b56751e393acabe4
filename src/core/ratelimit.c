/* ratelimit.c - see ratelimit.h. A key hashes to a set of eight slots;
 * its slot is the one holding its hash, else the one whose window is the
 * oldest (a key's count may be lost to eviction only after seven busier
 * keys of its set: a limit can be loose, never wrongly tight). */
#include "ratelimit.h"

#include "config.h"

#include <pthread.h>

#define SLOTS 8192
#define WAYS  8

/* One counter: whose (a hash; 0 free), which window, how many. */
struct slot {
	uint64_t key;
	int64_t window;
	int count;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a of s, never 0. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

int ratelimit_take(const char *key, int limit, int64_t now, struct ratelimit *r)
{
	int64_t span = config_get()->rate_window;
	int64_t window = now / span;
	*r = (struct ratelimit){.limit = limit,
				.remaining = limit,
				.reset = (int)(span - now % span)};
	if (limit <= 0)
		return 1;
	uint64_t h = hash(key);
	struct slot *set = &slots[(h % (SLOTS / WAYS)) * WAYS], *s = NULL;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < WAYS && !s; i++)
		if (set[i].key == h)
			s = &set[i];
	for (int i = 0; i < WAYS && !s; i++)
		if (!set[i].key || set[i].window < window)
			s = &set[i]; /* free, or its window is over */
	if (!s) /* every slot busy this window: the oldest counter goes */
		s = &set[h % WAYS];
	if (s->key != h || s->window != window)
		*s = (struct slot){.key = h, .window = window};
	int count = ++s->count;
	pthread_mutex_unlock(&lock);
	r->remaining = count > limit ? 0 : limit - count;
	return count <= limit;
}
