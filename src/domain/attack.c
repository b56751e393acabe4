/* attack.c - see attack.h. The table is read once a process (the path
 * from SECURA_ATTACK) into an array sorted by id and searched with
 * bsearch; a missing table leaves ids without names. */
#include "attack.h"

#include "../core/config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct technique {
	char *id, *name, *tactics;
	int revoked;
};

static struct technique *table;
static size_t ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* qsort and bsearch order: by id. */
static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct technique *)a)->id,
		      ((const struct technique *)b)->id);
}

/* Reads the table (once). */
static void load(void)
{
	FILE *f = fopen(config_get()->attack_table, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, room = 0;
	while (f && getline(&line, &cap, f) > 0) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		char *parts[5] = {0}, *p = line;
		for (int i = 0; i < 5; i++) {
			parts[i] = p;
			p = p ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (!parts[4])
			continue;
		if (n == room) {
			room = room ? room * 2 : 1024;
			struct technique *t = realloc(table, room * sizeof(*t));
			if (!t)
				break;
			table = t;
		}
		table[n++] = (struct technique){
		    .id = strdup(parts[0]),
		    .name = strdup(parts[1]),
		    .tactics = strdup(parts[2]),
		    .revoked = parts[4][0] == '1',
		};
	}
	free(line);
	if (f)
		fclose(f);
	qsort(table, n, sizeof(*table), by_id);
	ntable = n;
}

/* Returns how many techniques the table holds (0: not found). */
size_t attack_count(void)
{
	pthread_once(&once, load);
	return ntable;
}

/* Describes each technique id of array ids ("T1110.001"): a new array of
 * {id, path ("T1110/001", for attack.mitre.org), name, tactics ("a/b"),
 * revoked}; an id the table lacks keeps only id and path. */
json_t *attack_describe(json_t *ids)
{
	pthread_once(&once, load);
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		const char *id = json_string_value(v);
		if (!id)
			continue;
		char path[32];
		snprintf(path, sizeof(path), "%s", id);
		char *dot = strchr(path, '.');
		if (dot)
			*dot = '/';
		json_t *o = json_pack("{ss ss}", "id", id, "path", path);
		struct technique key = {.id = (char *)id};
		const struct technique *t =
		    ntable ? bsearch(&key, table, ntable, sizeof(*table), by_id)
			   : NULL;
		if (t) {
			char tactics[256];
			snprintf(tactics, sizeof(tactics), "%s", t->tactics);
			for (char *c = tactics; *c; c++)
				if (*c == ',')
					*c = '/';
			json_object_set_new(o, "name", json_string(t->name));
			json_object_set_new(o, "tactics", json_string(tactics));
			json_object_set_new(o, "revoked",
					    json_boolean(t->revoked));
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* The ATT&CK technique ids a Sigma rule's tags name (attack.t1110.001
 * becomes T1110.001; tactic tags are skipped), as a new array. */
json_t *attack_ids_of_tags(json_t *tags)
{
	json_t *out = json_array(), *t;
	size_t i;
	json_array_foreach(tags, i, t)
	{
		const char *s = json_string_value(t);
		if (s && !strncmp(s, "attack.t", 8) && s[8] >= '0' &&
		    s[8] <= '9')
			json_array_append_new(out, json_sprintf("T%s", s + 8));
	}
	return out;
}
