/* jsonmem.c - jansson's allocator. Every block carries a header naming
 * its owner: an arena (the calling thread's current request) or the
 * heap. Freeing an arena block does nothing; the arena goes at once when
 * the request ends. Values that outlive a request (caches, loaded
 * models) must be made with jsonmem_use(NULL) in force. */
#include "jsonmem.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

struct jsonmem_hdr {
	arena *owner; /* NULL: malloc'd */
	size_t pad;   /* keeps the block 16-aligned */
};

static _Thread_local arena *current;

/* jansson's malloc: from the thread's arena when one is in use (aborts
 * on OOM, as arenas do), else from the heap (NULL when exhausted). */
static void *jsonmem_alloc(size_t n)
{
	struct jsonmem_hdr *h;
	if (current) {
		h = arena_alloc(current, sizeof(*h) + n);
	} else {
		h = malloc(sizeof(*h) + n);
		if (!h)
			return NULL;
	}
	h->owner = current;
	return h + 1;
}

/* jansson's free: returns heap blocks; arena blocks wait for the arena. */
static void jsonmem_release(void *p)
{
	if (!p)
		return;
	struct jsonmem_hdr *h = (struct jsonmem_hdr *)p - 1;
	if (!h->owner)
		free(h);
}

/* Installs the allocator (once). */
static void jsonmem_install(void)
{
	json_set_alloc_funcs(jsonmem_alloc, jsonmem_release);
}

/* Installs the allocator once per process. Must run before the process's
 * first jansson allocation (server_main does it first thing); programs
 * that never call it keep jansson's malloc and free. */
void jsonmem_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, jsonmem_install);
}

/* Makes a the calling thread's source of jansson memory (NULL: the heap)
 * and returns the previous one, to be restored by the caller. Only
 * matters after jsonmem_init. */
arena *jsonmem_use(arena *a)
{
	arena *prev = current;
	current = a;
	return prev;
}

/* Frees a string made by jansson (json_dumps) with whichever allocator
 * jansson was given. NULL is ignored. */
void jsonmem_free(void *p)
{
	json_malloc_t m;
	json_free_t f;
	json_get_alloc_funcs(&m, &f);
	f(p);
}
