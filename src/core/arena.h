/* arena.h - per-request bump allocator, freed all at once. */
#ifndef SECURA_ARENA_H
#define SECURA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

typedef struct arena {
	struct arena_chunk *head;
	struct arena_chunk *spare; /* emptied chunks kept by arena_reset */
	size_t used;		   /* bytes handed out, for limits and logs */
} arena;

void arena_init(arena *a);
void arena_free(arena *a);
void arena_reset(arena *a);
void *arena_alloc(arena *a, size_t n);
void *arena_calloc(arena *a, size_t n, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
void *arena_grow(arena *a, void *v, size_t n, size_t *cap, size_t size);

/* xmalloc family: abort on out-of-memory (Redis's zmalloc policy). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
