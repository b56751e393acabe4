/* yamltree.h - YAML text (libyaml) read into a small tree that keeps each
 * node's line, for parsers that must say where a document went wrong
 * (the Sigma rules). Anchors, aliases and tags are refused. */
#ifndef SECURA_YAMLTREE_H
#define SECURA_YAMLTREE_H

#include "arena.h"

#include <stddef.h>

enum yamltree_type { YT_SCALAR, YT_SEQ, YT_MAP };

/* A node: a scalar (s, and whether it was written plain, so `null`, `~`
 * and numbers can be told from the quoted strings), a sequence (kids) or
 * a mapping (keys[i] scalars with kids[i] values). All in the arena. */
struct yamltree {
	enum yamltree_type type;
	int line; /* 1-based */
	int plain;
	const char *s;
	size_t n;
	struct yamltree **keys, **kids;
};

int yamltree_load(arena *a, const char *text, size_t len,
		  struct yamltree ***docs, size_t *ndocs, char *err,
		  size_t errn);
const struct yamltree *yamltree_get(const struct yamltree *map,
				    const char *key);
int yamltree_is_null(const struct yamltree *t);

#endif
