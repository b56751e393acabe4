/* timeline.h - an incident's history rows and what they set off. */
#ifndef SECURA_TIMELINE_H
#define SECURA_TIMELINE_H

#include "../core/arena.h"
#include "../core/db.h"
#include "incidents.h"

#include <stdint.h>

struct intel_prep;
int timeline_event(db *d, int64_t incident, int64_t actor, const char *kind,
		   const char *field, const char *old_value,
		   const char *new_value, int internal);
int timeline_move(db *d, const struct incident *in, const char *to,
		  const char *resolution, int64_t actor);
int timeline_assign(db *d, const struct incident *in, int64_t to,
		    const char *to_email, int64_t actor);
int64_t timeline_report(db *d, arena *a, struct incident *in, int64_t actor,
			const struct intel_prep *prep);

#endif
