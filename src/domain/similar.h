/* similar.h - the past incidents most like one, by text and shared
 * indicators. For the security team only (it shows other incidents).
 * similar_find reads the category model: call it under models_lock;
 * similar_next (the worker's job of keeping the lists) takes it itself. */
#ifndef SECURA_SIMILAR_H
#define SECURA_SIMILAR_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../ml/tfidf.h"
#include "incidents.h"

#include <jansson.h>

json_t *similar_find(db *d, arena *a, const struct incident *in, int n);
int similar_next(db *d, int max);
const void *similar_pack(arena *a, const struct feature_node *x, int nterms,
			 int *len);

#endif
