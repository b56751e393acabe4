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
#include "../ml/ioc.h"
#include "incidents.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const intel_label_fields[];

/* What intel_prepare works out about a new incident before its write
 * transaction (so the models' work never holds the database's write
 * lock), stored with it by intel_store. Strings in the arena. */
struct intel_prep {
	struct iocs iocs; /* in title and description */
	int suggested;	  /* 0: no models loaded, the rest is empty */
	const char *category, *category_terms, *severity, *severity_probs;
	const char *severity_terms, *model;
	double category_conf, severity_conf;
	const void *vec; /* the text's vector (similar_pack) */
	int veclen;
	const char *vec_model; /* the vocabulary it is in */
};

void intel_prepare(db *d, arena *a, const char *title, const char *description,
		   struct intel_prep *p);
int intel_store(db *d, int64_t incident, const struct intel_prep *p,
		int64_t now);
int intel_label(db *d, int64_t incident, const char *field, const char *value,
		int64_t user);
json_t *intel_json(db *d, arena *a, const struct incident *in, int staff);

#endif
