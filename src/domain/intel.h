/* intel.h - what Secura's models make of an incident: the suggested
 * category and severity with their confidence and the terms that pushed
 * them (computed once, when the incident is reported), the threat score
 * with its parts (computed when read, from the incident as it is now),
 * the labels people gave by accepting or correcting a suggestion, and
 * (similar.c) the most similar past incidents. The models are loaded once per
 * process and only read afterwards. */
#ifndef SECURA_INTEL_H
#define SECURA_INTEL_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../ml/tfidf.h"
#include "incidents.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const intel_label_fields[];

int intel_suggest(db *d, arena *a, const struct incident *in);
int intel_label(db *d, int64_t incident, const char *field, const char *value,
		int64_t user);
json_t *intel_json(db *d, arena *a, const struct incident *in, int staff);
const struct tfidf *intel_vocabulary(void);

#endif
