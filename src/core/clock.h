/* clock.h - the one source of "now", overridable for tests. */
#ifndef SECURA_CLOCK_H
#define SECURA_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);
double clock_mono_ms(void);
void clock_iso(int64_t t, char out[21]);
int clock_parse_iso(const char *s, int64_t *out);
int clock_event_ms(const char *s, double x, int64_t *ms);

#endif
