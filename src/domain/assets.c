/* assets.c - see assets.h. A name with a slash or an address is a
 * subnet; anything else a host's name, matched without its case or
 * domain as the graphs write hosts. */
#include "assets.h"

#include "../core/buf.h"
#include "../core/cidr.h"
#include "../core/clock.h"
#include "edges.h"

#include <string.h>
#include <strings.h>

const char *const asset_criticalities[] = {"low", "medium", "high", "critical",
					   NULL};

/* Tags name or changes its tag. Returns its id, or -1. */
int64_t assets_put(db *d, const char *name, const char *owner,
		   const char *criticality, int crown_jewel, int64_t actor)
{
	int64_t id = db_scalar(d, STMT_ASSET_PUT, name, owner, criticality,
			       crown_jewel, actor, clock_now());
	return id > 0 ? id : -1;
}

/* Removes asset id. Returns 0, 1 when there is none, -1 on error. */
int assets_remove(db *d, int64_t id)
{
	if (db_exec(d, STMT_ASSET_DELETE, id) != 0)
		return -1;
	return sqlite3_changes(d->h) ? 0 : 1;
}

/* One ASSET_COLS row as a new object. */
static json_t *asset_json(sqlite3_stmt *st)
{
	const char *name = db_text(st, 1);
	struct cidr c;
	return json_pack(
	    "{sI ss ss ss sb sb sI}", "id", (json_int_t)db_int(st, 0), "name",
	    name, "owner", db_text(st, 2), "criticality", db_text(st, 3),
	    "crown_jewel", (int)db_int(st, 4), "subnet",
	    cidr_parse(name, &c) == 0, "changed_at", (json_int_t)db_int(st, 5));
}

/* Every asset as a new array, or NULL. */
json_t *assets_list(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_ASSET_LIST);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(out, asset_json(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Asset id as a new object, or NULL. */
json_t *assets_get(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_ASSET_GET, id);
	if (!st)
		return NULL;
	json_t *out = sqlite3_step(st) == SQLITE_ROW ? asset_json(st) : NULL;
	sqlite3_reset(st);
	return out;
}

/* The asset of list that host or its address ip is. Borrowed, or NULL. */
json_t *assets_match(json_t *list, const char *host, const char *ip)
{
	json_t *best = NULL, *a;
	int best_bits = -1;
	size_t i;
	char want[256], have[256];
	if (host)
		edges_host(host, want, sizeof(want));
	json_array_foreach(list, i, a)
	{
		const char *name =
		    json_string_value(json_object_get(a, "name"));
		struct cidr c;
		if (cidr_parse(name, &c) == 0) {
			const char *addr = ip && *ip ? ip : host;
			if (addr && cidr_match(&c, addr) &&
			    c.bits > best_bits) {
				best = a;
				best_bits = c.bits;
			}
			continue;
		}
		edges_host(name, have, sizeof(have));
		if (host && !strcmp(have, want))
			return a; /* a host by name is the surest */
	}
	return best;
}

/* The critical and crown-jewel hosts' names, comma separated (in a). */
const char *assets_critical_names(db *d, arena *a)
{
	json_t *list = assets_list(d), *x;
	buf b = {0};
	size_t i;
	json_array_foreach(list, i, x)
	{
		const char *crit =
		    json_string_value(json_object_get(x, "criticality"));
		if (json_is_true(json_object_get(x, "subnet")) ||
		    (!json_is_true(json_object_get(x, "crown_jewel")) &&
		     strcmp(crit, "critical")))
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, json_string_value(json_object_get(x, "name")));
	}
	json_decref(list);
	const char *out = arena_strdup(a, b.len ? b.data : "");
	buf_free(&b);
	return out;
}
