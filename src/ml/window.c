/* window.c - see window.h. A key's count lives in two buckets of span_ms
 * (this one and the one before); the sliding total at time t is the
 * current bucket plus the previous one weighted by the share of it still
 * inside [t - span, t], the estimate rate limiters use. Memory is fixed
 * at creation: slots * 32 bytes. */
#include "window.h"

#include <pthread.h>
#include <stdlib.h>

#define PROBES 8

/* One key's two buckets. key 0 marks an empty slot. */
struct wslot {
	uint64_t key;
	int64_t bucket; /* index of the current bucket (ts / span) */
	double cur, prev;
};

struct window {
	pthread_mutex_t mu;
	size_t mask;
	int64_t span;
	struct wslot *s;
};

/* Returns a new window of at least slots slots (a power of two) over
 * span_ms, or NULL out of memory. The caller frees it with
 * window_free. */
window *window_new(size_t slots, int64_t span_ms)
{
	size_t n = 64;
	while (n < slots)
		n <<= 1;
	window *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->s = calloc(n, sizeof(*w->s));
	if (!w->s) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	w->mask = n - 1;
	w->span = span_ms > 0 ? span_ms : 1;
	return w;
}

/* Frees w (NULL is fine). */
void window_free(window *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->mu);
	free(w->s);
	free(w);
}

/* Returns key's slot with its buckets moved to time bucket b (w->mu
 * held): found, else an empty or stale slot, else the stalest of the
 * probed ones, evicted. Never NULL. */
static struct wslot *slot(window *w, uint64_t key, int64_t b)
{
	key |= 1; /* 0 is the empty mark */
	struct wslot *victim = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		struct wslot *s = &w->s[(key + i) & w->mask];
		if (s->key == key) {
			victim = s;
			break;
		}
		if (!victim || s->key == 0 || s->bucket < victim->bucket)
			victim = s;
		if (s->key == 0)
			break;
	}
	if (victim->key != key)
		*victim = (struct wslot){.key = key, .bucket = b};
	if (b > victim->bucket) {
		victim->prev = b == victim->bucket + 1 ? victim->cur : 0;
		victim->cur = 0;
		victim->bucket = b;
	}
	return victim;
}

/* Adds amount to key's count at ts_ms (an event of an older bucket than
 * the key's current one counts in the current one). Returns the sliding
 * total over the last span, this event included. */
double window_add(window *w, uint64_t key, int64_t ts_ms, double amount)
{
	int64_t b = ts_ms / w->span;
	double into = (double)(ts_ms - b * w->span) / (double)w->span;
	pthread_mutex_lock(&w->mu);
	struct wslot *s = slot(w, key, b);
	s->cur += amount;
	double total = s->cur + s->prev * (1 - into);
	pthread_mutex_unlock(&w->mu);
	return total;
}

/* Marks key as seen at ts_ms. Returns 1 when it had not been seen in
 * this bucket or the one before (or was evicted since), else 0. */
int window_touch(window *w, uint64_t key, int64_t ts_ms)
{
	pthread_mutex_lock(&w->mu);
	struct wslot *s = slot(w, key, ts_ms / w->span);
	int fresh = s->cur == 0 && s->prev == 0;
	s->cur = 1;
	pthread_mutex_unlock(&w->mu);
	return fresh;
}

/* Returns the 64-bit FNV-1a hash of a, a separator and b (b may be
 * NULL), the key of a pair. */
uint64_t window_key(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)a; p && *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (const unsigned char *p = (const unsigned char *)b; p && *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}
