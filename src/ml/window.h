/* window.h - bounded sliding-window counters keyed by a 64-bit hash, for
 * the rate, fan-out and "first time" features of the event models: a
 * fixed table (no allocation after creation), two tumbling buckets per
 * key weighted into a sliding estimate, the oldest key evicted when a
 * probe finds no room. Thread-safe (one mutex). */
#ifndef SECURA_WINDOW_H
#define SECURA_WINDOW_H

#include <stddef.h>
#include <stdint.h>

typedef struct window window;

window *window_new(size_t slots, int64_t span_ms);
void window_free(window *w);
double window_add(window *w, uint64_t key, int64_t ts_ms, double amount);
int window_touch(window *w, uint64_t key, int64_t ts_ms);
uint64_t window_key(const char *a, const char *b);

#endif
