/* playbooks.h - mitigation playbooks per category (markdown; lines
 * "- [ ] step" are the checklist) and each incident's ticked steps, every
 * tick and untick written to the incident's history. */
#ifndef SECURA_PLAYBOOKS_H
#define SECURA_PLAYBOOKS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

json_t *playbooks_list(db *d);
json_t *playbooks_get(db *d, arena *a, int64_t category_id,
		      int64_t incident_id);
int playbooks_save(db *d, int64_t category_id, const char *body, int64_t user);
int playbooks_tick(db *d, arena *a, int64_t category_id, int64_t incident_id,
		   const char *done, int64_t user, int *changed);

#endif
