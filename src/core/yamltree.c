/* yamltree.c - see yamltree.h. libyaml's event parser drives a
 * recursive builder (depth at most 32: rules are shallow); every node
 * and string lives in the caller's arena. */
#include "yamltree.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#define YAMLTREE_DEPTH 32

struct build {
	yaml_parser_t p;
	arena *a;
	char *err;
	size_t errn;
};

/* Writes a parser error with its line into b->err. Returns -1. */
static int fail(struct build *b, int line, const char *what)
{
	snprintf(b->err, b->errn, "line %d: %s", line, what);
	return -1;
}

/* Reads the next event into ev. Returns 0, or -1 with b->err set. */
static int next(struct build *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->p, ev))
		return 0;
	return fail(b, (int)b->p.problem_mark.line + 1,
		    b->p.problem ? b->p.problem : "not valid YAML");
}

static int node(struct build *b, yaml_event_t *ev, int depth,
		struct yamltree **out);

/* Reads a sequence's or mapping's items up to its end event into t
 * (keys when map). Returns 0 or -1. */
static int items(struct build *b, struct yamltree *t, int depth)
{
	size_t cap = 0, kcap = 0;
	for (;;) {
		yaml_event_t ev;
		if (next(b, &ev) != 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return t->type == YT_MAP && t->n % 2
				   ? fail(b, t->line, "a key without a value")
				   : 0;
		}
		struct yamltree *k = NULL;
		int rc = node(b, &ev, depth + 1, &k);
		yaml_event_delete(&ev);
		if (rc != 0)
			return -1;
		if (t->type == YT_MAP && t->n % 2 == 0) {
			if (k->type != YT_SCALAR)
				return fail(b, k->line,
					    "a key that is not a plain value");
			t->keys = arena_grow(b->a, t->keys, t->n / 2, &kcap,
					     sizeof(*t->keys));
			t->keys[t->n / 2] = k;
			t->n++;
			continue;
		}
		size_t i = t->type == YT_MAP ? t->n / 2 : t->n;
		t->kids = arena_grow(b->a, t->kids, i, &cap, sizeof(*t->kids));
		t->kids[i] = k;
		t->n++;
	}
}

/* Builds the node that starts with event ev into *out. Returns 0 or -1. */
static int node(struct build *b, yaml_event_t *ev, int depth,
		struct yamltree **out)
{
	int line = (int)ev->start_mark.line + 1;
	if (depth > YAMLTREE_DEPTH)
		return fail(b, line, "nested too deeply");
	struct yamltree *t = arena_calloc(b->a, 1, sizeof(*t));
	t->line = line;
	*out = t;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor ||
		    (ev->data.scalar.tag && !ev->data.scalar.plain_implicit &&
		     !ev->data.scalar.quoted_implicit))
			return fail(b, line, "anchors and tags are not read");
		t->type = YT_SCALAR;
		t->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		t->s = arena_strndup(b->a, (const char *)ev->data.scalar.value,
				     ev->data.scalar.length);
		t->n = ev->data.scalar.length;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int seq = ev->type == YAML_SEQUENCE_START_EVENT;
		if (seq ? ev->data.sequence_start.anchor != NULL
			: ev->data.mapping_start.anchor != NULL)
			return fail(b, line, "anchors are not read");
		t->type = seq ? YT_SEQ : YT_MAP;
		if (items(b, t, depth) != 0)
			return -1;
		if (!seq)
			t->n /= 2;
		return 0;
	}
	case YAML_ALIAS_EVENT:
		return fail(b, line, "aliases (*name) are not read");
	default:
		return fail(b, line, "unexpected YAML structure");
	}
}

/* Reads every document of text (len bytes) into *docs (*ndocs of them;
 * an empty document is skipped), all in arena a. Returns 0, or -1 with
 * "line N: reason" in err. */
int yamltree_load(arena *a, const char *text, size_t len,
		  struct yamltree ***docs, size_t *ndocs, char *err,
		  size_t errn)
{
	struct build b = {.a = a, .err = err, .errn = errn};
	size_t cap = 0;
	int rc = -1;
	*docs = NULL;
	*ndocs = 0;
	if (!yaml_parser_initialize(&b.p)) {
		snprintf(err, errn, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&b.p, (const unsigned char *)text, len);
	for (;;) {
		yaml_event_t ev;
		if (next(&b, &ev) != 0)
			goto done;
		yaml_event_type_t type = ev.type;
		struct yamltree *t = NULL;
		int r = 0;
		if (type == YAML_MAPPING_START_EVENT ||
		    type == YAML_SEQUENCE_START_EVENT ||
		    type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT)
			r = node(&b, &ev, 0, &t);
		yaml_event_delete(&ev);
		if (r != 0)
			goto done;
		if (t && !(t->type == YT_SCALAR && t->n == 0)) {
			*docs =
			    arena_grow(a, *docs, *ndocs, &cap, sizeof(**docs));
			(*docs)[(*ndocs)++] = t;
		}
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	rc = 0;
done:
	yaml_parser_delete(&b.p);
	return rc;
}

/* Returns the value of key in mapping map, or NULL (also when map is not
 * a mapping). Borrowed from the tree. */
const struct yamltree *yamltree_get(const struct yamltree *map, const char *key)
{
	if (!map || map->type != YT_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i]->s, key))
			return map->kids[i];
	return NULL;
}

/* Returns whether t is YAML's null (absent, `null`, `~` or empty, plain). */
int yamltree_is_null(const struct yamltree *t)
{
	return !t || (t->type == YT_SCALAR && t->plain &&
		      (!t->n || !strcmp(t->s, "null") || !strcmp(t->s, "~") ||
		       !strcmp(t->s, "Null") || !strcmp(t->s, "NULL")));
}
