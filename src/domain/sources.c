/* sources.c - event sources: a name, the kind of events they send and a
 * token (shown once, stored as its SHA-256, "src_" and 43 random
 * characters so it can never pass for a person's API token). Admins
 * create and disable them; the intake looks a token up on every request,
 * so disabling a source refuses it at once. */
#include "sources.h"

#include "../core/clock.h"
#include "../core/sha256.h"

#include <stdio.h>
#include <string.h>

const char *const source_kinds[] = {"auth",	"network-flow", "http-access",
				    "endpoint", "generic",	NULL};

/* Creates a source (inside the caller's transaction) and writes its new
 * token into token. Returns its id, 0 when the name is taken, or -1. */
int64_t sources_create(db *d, const char *name, const char *kind, int64_t user,
		       char token[SOURCE_TOKEN_LEN])
{
	char raw[RAND_TOKEN_LEN], hash[SHA256_HEX], prefix[12];
	int64_t taken = sources_find_name(d, name);
	if (taken != 0)
		return taken > 0 ? 0 : -1;
	if (rand_token(raw) != 0)
		return -1;
	snprintf(token, SOURCE_TOKEN_LEN, SOURCE_TOKEN_PREFIX "%s", raw);
	snprintf(prefix, sizeof(prefix), "%.8s", token);
	sha256_hex(token, strlen(token), hash);
	int64_t now = clock_now();
	if (db_exec(d, STMT_SOURCE_INSERT, name, kind, hash, prefix, user, now,
		    now) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Returns the id of the source called name, 0 when there is none, -1
 * on a database error. */
int64_t sources_find_name(db *d, const char *name)
{
	return db_scalar(d, STMT_SOURCE_BY_NAME, name);
}

/* Enables or disables source id. Inside a transaction; 0 or -1. */
int sources_set_enabled(db *d, int64_t id, int enabled)
{
	return db_exec(d, STMT_SOURCE_SET_ENABLED, id, enabled, clock_now());
}

/* Looks up the source a token belongs to (enabled or not: the caller
 * answers 403 for a disabled one). Strings in a. Returns 1 found, 0
 * unknown, -1 on a database error. */
int sources_find_token(db *d, arena *a, const char *token, struct source *s)
{
	char hash[SHA256_HEX];
	if (strncmp(token, SOURCE_TOKEN_PREFIX, 4) != 0)
		return 0;
	sha256_hex(token, strlen(token), hash);
	sqlite3_stmt *st = db_query(d, STMT_SOURCE_BY_TOKEN, hash);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->id = db_int(st, 0);
		s->name = arena_strdup(a, db_text(st, 1));
		s->kind = arena_strdup(a, db_text(st, 2));
		s->enabled = (int)db_int(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* One SOURCE_COLS row as a new JSON object. */
static json_t *source_json(sqlite3_stmt *st)
{
	char at[21];
	clock_iso(db_int(st, 5), at);
	return json_pack("{sI ss ss ss sb ss}", "id", (json_int_t)db_int(st, 0),
			 "name", db_text(st, 1), "kind", db_text(st, 2),
			 "prefix", db_text(st, 3), "enabled",
			 (int)db_int(st, 4), "created_at", at);
}

/* Returns every source by name as a new JSON array; NULL on error. */
json_t *sources_list(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_SOURCE_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, source_json(st));
	sqlite3_reset(st);
	return arr;
}

/* Returns source id as a new JSON object, or NULL when there is none or
 * on error. */
json_t *sources_get(db *d, int64_t id)
{
	sqlite3_stmt *st = db_query(d, STMT_SOURCE_GET, id);
	json_t *o =
	    st && sqlite3_step(st) == SQLITE_ROW ? source_json(st) : NULL;
	if (st)
		sqlite3_reset(st);
	return o;
}
