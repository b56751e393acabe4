/* deadlines.h - the legal notification deadlines of an incident. */
#ifndef SECURA_DEADLINES_H
#define SECURA_DEADLINES_H

#include "incidents.h"

#include <stdint.h>

int deadlines_hipaa(const struct incident *in);
int64_t deadlines_notice(const struct incident *in, const char *kind);

#endif
