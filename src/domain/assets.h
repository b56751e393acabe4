/* assets.h - the hosts and subnets admins tag (owner, criticality,
 * crown jewel): attack paths score reaching one, the threat score of an
 * incident naming one gets its full asset part. */
#ifndef SECURA_ASSETS_H
#define SECURA_ASSETS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>

extern const char *const asset_criticalities[];

/* Tags name (a host name or a CIDR, already checked) or changes its tag,
 * inside the caller's transaction. Returns its id, or -1. */
int64_t assets_put(db *d, const char *name, const char *owner,
		   const char *criticality, int crown_jewel, int64_t actor);
/* Removes asset id. Returns 0, 1 when there is none, -1 on error. */
int assets_remove(db *d, int64_t id);
/* Every asset, crown jewels and the most critical first: [{id, name,
 * owner, criticality, crown_jewel, subnet, changed_at}]. New, or NULL. */
json_t *assets_list(db *d);
/* Asset id as a new object, or NULL (none or an error). */
json_t *assets_get(db *d, int64_t id);
/* The asset of list (assets_list's) that host or its address ip (either
 * may be NULL) is: a host by name, an address by the narrowest subnet.
 * Borrowed from list, or NULL. */
json_t *assets_match(json_t *list, const char *host, const char *ip);
/* The names of the hosts that are crown jewels or critical, comma
 * separated (in a), or "" (also on an error). */
const char *assets_critical_names(db *d, arena *a);

#endif
