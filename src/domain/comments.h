/* comments.h - the comment thread of an incident (markdown). */
#ifndef SECURA_COMMENTS_H
#define SECURA_COMMENTS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

int64_t comments_add(db *d, int64_t incident, int64_t author, const char *body,
		     int internal);
json_t *comments_list(db *d, int64_t incident, int staff);

#endif
