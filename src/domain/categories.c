/* categories.c - the incident categories: rows admins add, rename,
 * re-map to a class of the ENISA Reference Incident Classification
 * Taxonomy and deactivate (seeded by schema/0002_incidents.sql). */
#include "categories.h"

#include <string.h>

/* Returns the categories (only active ones with active_only) in their
 * order as a new JSON array of {id, slug, name, enisa_class, description,
 * active, selected}, selected naming a slug (may be NULL); NULL on a
 * database error. */
json_t *categories_list(db *d, int active_only, const char *selected)
{
	sqlite3_stmt *st = db_query(d, STMT_CATEGORY_LIST, active_only);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss sb sb}", "id",
			      (json_int_t)db_int(st, 0), "slug", db_text(st, 1),
			      "name", db_text(st, 2), "enisa_class",
			      db_text(st, 3), "description", db_text(st, 4),
			      "active", (int)db_int(st, 5), "selected",
			      selected && !strcmp(selected, db_text(st, 1))));
	sqlite3_reset(st);
	return arr;
}

/* Returns the id of the category called slug (only an active one with
 * active_only), 0 when there is none, -1 on a database error. */
int64_t categories_id(db *d, const char *slug, int active_only)
{
	return db_scalar(d, STMT_CATEGORY_ID, slug, active_only);
}

/* Returns 1 when category id exists, 0 when not, -1 on error. */
int categories_exists(db *d, int64_t id)
{
	int64_t n = db_scalar(d, STMT_CATEGORY_BY_ID, id);
	return n < 0 ? -1 : n > 0;
}

/* Adds a category. Inside a transaction. Returns its id, or -1. */
int64_t categories_add(db *d, const char *slug, const char *name,
		       const char *enisa_class, const char *description)
{
	if (db_exec(d, STMT_CATEGORY_INSERT, slug, name, enisa_class,
		    description ? description : "") != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Renames, re-maps or (de)activates category id. Inside a transaction;
 * 0 or -1. */
int categories_update(db *d, int64_t id, const char *name,
		      const char *enisa_class, const char *description,
		      int active)
{
	return db_exec(d, STMT_CATEGORY_UPDATE, id, name, enisa_class,
		       description ? description : "", active);
}
