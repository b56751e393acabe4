/* audit.h - the append-only, hash-chained audit log. */
#ifndef SECURA_AUDIT_H
#define SECURA_AUDIT_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct audit_entry {
	int64_t actor_id; /* 0 for the system or the CLI */
	const char *actor_email, *ip, *action, *object_type, *object_id;
	json_t *detail; /* borrowed; NULL for {} */
};

struct audit_filter {
	const char *action, *actor; /* "" for any */
	int64_t from, to;	    /* 0 for open */
};

int audit_append(db *d, const struct audit_entry *e);
int audit_verify(db *d, int64_t *rows, int64_t *bad_id, char *why,
		 size_t whylen);
json_t *audit_list(db *d, const struct audit_filter *f, int limit, int offset,
		   int64_t *total);

#endif
