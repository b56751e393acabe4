/* test_mem.c - the arena's chunk reuse and jansson's memory (jsonmem):
 * values made during a "request" live in its arena, values made with the
 * heap in force survive it. Run under ASan, which catches a use after
 * the arena is reset or a free of a block that was never malloc'd. */
#include "../../src/core/arena.h"
#include "../../src/core/jsonmem.h"
#include "../testhelp.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Fills and reuses an arena over many rounds: memory handed out is
 * writable, aligned and counted, and reset empties the count. */
static void test_arena_rounds(void)
{
	arena a;
	arena_init(&a);
	int ok = 1;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 200; i++) {
			size_t n = (size_t)(i * 37 % 5000) + 1;
			unsigned char *p = arena_alloc(&a, n);
			memset(p, round, n);
			ok &= ((uintptr_t)p % 16) == 0;
		}
		char *big = arena_alloc(&a, 200000); /* larger than a chunk */
		memset(big, 1, 200000);
		ok &= a.used >= 200000;
		arena_reset(&a);
		ok &= a.used == 0;
	}
	test_cond("arena: aligned, writable memory over 50 reset rounds", ok);
	test_cond("arena: reset keeps spare chunks for the next round",
		  a.spare != NULL && a.head == NULL);
	arena_free(&a);
	test_cond("arena: free leaves nothing", !a.spare && !a.head);
}

/* JSON made with an arena in force belongs to it; JSON made with the
 * heap in force outlives the arena; both decref and dump alike. */
static void test_jsonmem(void)
{
	jsonmem_init();
	arena a;
	arena_init(&a);
	json_t *kept = json_pack("{ss si}", "name", "heap", "n", 1);

	test_cond("jsonmem: no arena in force at first",
		  jsonmem_use(&a) == NULL);
	size_t before = a.used;
	json_t *v =
	    json_pack("{ss s[i i i]}", "name", "request", "xs", 1, 2, 3);
	test_cond("jsonmem: values come from the arena in force",
		  a.used > before);
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	test_streq("jsonmem: dump of an arena value", s,
		   "{\"name\":\"request\",\"xs\":[1,2,3]}");
	jsonmem_free(s);
	json_object_set_new(kept, "note", json_string("set in a request"));
	test_cond("jsonmem: heap values take arena members and free them",
		  json_object_size(kept) == 3);
	json_object_del(kept, "note");

	arena *prev = jsonmem_use(NULL);
	test_cond("jsonmem: use returns the previous arena", prev == &a);
	json_t *copy = json_deep_copy(v); /* e.g. a cache entry */
	jsonmem_use(prev);
	json_decref(v);
	arena_reset(&a); /* the request ends */
	jsonmem_use(NULL);

	s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	test_streq("jsonmem: a copy made with the heap outlives the arena", s,
		   "{\"name\":\"request\",\"xs\":[1,2,3]}");
	jsonmem_free(s);
	s = json_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS);
	test_streq("jsonmem: heap values are untouched by the arena", s,
		   "{\"n\":1,\"name\":\"heap\"}");
	jsonmem_free(s);
	jsonmem_free(NULL);
	json_decref(copy);
	json_decref(kept);
	arena_free(&a);
}

int main(void)
{
	test_arena_rounds();
	test_jsonmem();
	return test_report();
}
