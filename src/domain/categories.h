/* categories.h - the incident categories admins edit. */
#ifndef SECURA_CATEGORIES_H
#define SECURA_CATEGORIES_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

json_t *categories_list(db *d, int active_only, const char *selected);
int64_t categories_id(db *d, const char *slug, int active_only);
int categories_exists(db *d, int64_t id);
int64_t categories_add(db *d, const char *slug, const char *name,
		       const char *enisa_class, const char *description);
int categories_update(db *d, int64_t id, const char *name,
		      const char *enisa_class, const char *description,
		      int active);

#endif
