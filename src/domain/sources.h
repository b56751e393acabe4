/* sources.h - the sources that send security events to the intake. */
#ifndef SECURA_SOURCES_H
#define SECURA_SOURCES_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../core/rand.h"

#include <jansson.h>
#include <stdint.h>

#define SOURCE_TOKEN_PREFIX "src_"
#define SOURCE_TOKEN_LEN    (RAND_TOKEN_LEN + 4)

extern const char *const source_kinds[];

/* A source as the intake sees it. */
struct source {
	int64_t id;
	const char *name, *kind;
	int enabled;
};

int64_t sources_create(db *d, const char *name, const char *kind, int64_t user,
		       char token[SOURCE_TOKEN_LEN]);
int sources_set_enabled(db *d, int64_t id, int enabled);
int64_t sources_find_name(db *d, const char *name);
int sources_find_token(db *d, arena *a, const char *token, struct source *s);
json_t *sources_list(db *d);
json_t *sources_get(db *d, int64_t id);

#endif
