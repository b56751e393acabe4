/* sigma.h - detection rules in the Sigma format (the subset Secura runs,
 * docs/rules.md): YAML files parsed into compiled rules, the rules of
 * every enabled file linked into a set, and a set judging each event as
 * it is taken in. Single-event rules match one event; correlation rules
 * (event_count, value_count, temporal, temporal_ordered) keep bounded
 * windows per group in memory, so no rule ever rescans the store. */
#ifndef SECURA_SIGMA_H
#define SECURA_SIGMA_H

#include "../core/arena.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How the fields of a Sigma log source name Secura's (ECS) fields: the
 * kind of event it reads (NULL any), a field that must hold a value (the
 * Windows channel...), the taxonomy's names mapped, where other names go
 * (a prefix; "" means they are ECS names already) and the fields
 * `keywords` search. Declared in sigma_map.c. */
struct sigma_logsource {
	const char *category, *product, *service; /* NULL: any */
	const char *kind;
	const char *where_field, *where_value;
	const char *const (*fields)[2];
	const char *prefix;
	const char *const *keywords;
};

extern const struct sigma_logsource sigma_logsources[];

typedef struct sigma_set sigma_set;

/* One rule as the admin pages list it. Strings borrowed from the set. */
struct sigma_info {
	const char *id, *name, *title, *level, *kind, *type, *file;
	const char *description;
	json_t *tags, *falsepositives; /* borrowed arrays */
};

sigma_set *sigma_set_new(void);
void sigma_set_free(sigma_set *s);
int sigma_set_add(sigma_set *s, const char *file, const char *text, size_t len,
		  char *err, size_t errn);
int sigma_set_link(sigma_set *s, char *err, size_t errn);
int sigma_set_info(const sigma_set *s, size_t i, struct sigma_info *out);
json_t *sigma_judge(sigma_set *s, const char *kind, json_t *doc, int64_t ts);
const struct sigma_logsource *sigma_logsource_find(const char *category,
						   const char *product,
						   const char *service);
const char *sigma_field(const struct sigma_logsource *ls, arena *a,
			const char *name);

#endif
