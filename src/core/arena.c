/* arena.c - per-request bump allocator and aborting malloc wrappers. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 32768
#define ARENA_SPARE 32 /* chunks kept across resets: 1 MiB */
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, off;
	_Alignas(16) unsigned char data[];
};

/* Aborts the process: memory is exhausted and no request can be served. */
static void oom(size_t n)
{
	fprintf(stderr, "secura: out of memory allocating %zu bytes\n", n);
	abort();
}

/* Allocates n bytes; never returns NULL (aborts on OOM). Caller frees. */
void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

/* Allocates zeroed memory; never returns NULL. Caller frees. */
void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

/* Resizes p; never returns NULL. Caller frees the result. */
void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

/* Copies s to the heap; never returns NULL. Caller frees. */
char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* Prepares an empty arena; nothing is allocated until first use. */
void arena_init(arena *a)
{
	a->head = NULL;
	a->spare = NULL;
	a->used = 0;
}

/* Frees a list of chunks. */
static void free_chunks(struct arena_chunk *c)
{
	for (struct arena_chunk *next; c; c = next) {
		next = c->next;
		free(c);
	}
}

/* Releases every chunk; the arena is empty and reusable afterwards. */
void arena_free(arena *a)
{
	free_chunks(a->head);
	free_chunks(a->spare);
	arena_init(a);
}

/* Empties the arena but keeps up to ARENA_SPARE standard chunks for the
 * next round (requests, rows), so a steady loop does not malloc and
 * free its memory every time; larger chunks are freed. */
void arena_reset(arena *a)
{
	size_t kept = 0;
	for (struct arena_chunk *c = a->spare; c; c = c->next)
		kept++;
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (c->cap == ARENA_CHUNK && kept < ARENA_SPARE) {
			c->next = a->spare;
			a->spare = c;
			kept++;
		} else {
			free(c);
		}
	}
	a->head = NULL;
	a->used = 0;
}

/* Returns n bytes aligned to 16, owned by the arena; aborts on OOM. */
void *arena_alloc(arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n)
		oom(n);
	if (!c || c->cap - c->off < need) {
		if (need <= ARENA_CHUNK && a->spare) {
			c = a->spare;
			a->spare = c->next;
		} else {
			size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
			c = xmalloc(sizeof(*c) + cap);
			c->cap = cap;
		}
		c->off = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->off;
	c->off += need;
	a->used += need;
	return p;
}

/* Returns n*size zeroed bytes owned by the arena; aborts on overflow/OOM. */
void *arena_calloc(arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom(SIZE_MAX);
	void *p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

/* Makes room for element n of an arena array v (of *cap elements of size
 * bytes each): returns v, or a copy twice as large with *cap updated. */
void *arena_grow(arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv = arena_calloc(a, ncap, size);
	if (n)
		memcpy(nv, v, n * size);
	*cap = ncap;
	return nv;
}

/* Copies at most n bytes of s plus a NUL into the arena. */
char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Copies s into the arena; NULL stays NULL. */
char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* vprintf into the arena; returns the formatted string. */
char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

/* printf into the arena; returns the formatted string. */
char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
