/* jsonmem.h - where jansson's memory comes from: the request's arena
 * while a request is served (freed with it, json_decref costs nothing),
 * the heap otherwise. */
#ifndef SECURA_JSONMEM_H
#define SECURA_JSONMEM_H

#include "arena.h"

void jsonmem_init(void);
arena *jsonmem_use(arena *a);
void jsonmem_free(void *p);

#endif
