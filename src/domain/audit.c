/* audit.c - append-only audit log. Row N stores
 * hash = SHA-256(JSON [prev_hash, id, at, actor_id, actor_email, ip,
 * action, object_type, object_id, detail]) and prev_hash = hash of row N-1
 * (64 zeros for the first), so editing or deleting any row breaks every
 * later link. Triggers refuse UPDATE and DELETE as a second line. */
#include "audit.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char genesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Computes a row's hash from its fields into out. */
static void row_hash(const char *prev, int64_t id, int64_t at, int64_t actor_id,
		     const char *email, const char *ip, const char *action,
		     const char *otype, const char *oid, const char *detail,
		     char out[SHA256_HEX])
{
	json_t *arr = json_pack("[s I I I s s s s s s]", prev, (json_int_t)id,
				(json_int_t)at, (json_int_t)actor_id, email, ip,
				action, otype, oid, detail);
	char *s = json_dumps(arr, JSON_COMPACT);
	sha256_hex(s, strlen(s), out);
	jsonmem_free(s);
	json_decref(arr);
}

/* Appends one entry, chained to the last row. Must run inside the
 * caller's write transaction (BEGIN IMMEDIATE), which serialises writers
 * and keeps the chain linear. Returns 0, or -1 on error. */
int audit_append(db *d, const struct audit_entry *e)
{
	char prev[SHA256_HEX], hash[SHA256_HEX];
	int64_t id = 1, at = clock_now();
	sqlite3_stmt *st = db_query(d, STMT_AUDIT_LAST);
	if (!st)
		return -1;
	snprintf(prev, sizeof(prev), "%s", genesis);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = db_int(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", db_text(st, 1));
	}
	sqlite3_reset(st);
	char *dumped =
	    e->detail ? json_dumps(e->detail, JSON_COMPACT | JSON_SORT_KEYS)
		      : NULL;
	const char *detail = dumped ? dumped : "{}";
	const char *email = e->actor_email ? e->actor_email : "";
	const char *ip = e->ip ? e->ip : "";
	const char *otype = e->object_type ? e->object_type : "";
	const char *oid = e->object_id ? e->object_id : "";
	row_hash(prev, id, at, e->actor_id, email, ip, e->action, otype, oid,
		 detail, hash);
	int rc = db_exec(d, STMT_AUDIT_INSERT, id, at, e->actor_id, email, ip,
			 e->action, otype, oid, detail, prev, hash);
	jsonmem_free(dumped);
	return rc;
}

/* Walks the whole chain. Returns 0 when intact (and *rows counted), 1 at
 * the first broken link (*bad_id and why say where and how), -1 on a
 * database error. */
int audit_verify(db *d, int64_t *rows, int64_t *bad_id, char *why,
		 size_t whylen)
{
	char prev[SHA256_HEX], hash[SHA256_HEX];
	int64_t last_id = 0;
	snprintf(prev, sizeof(prev), "%s", genesis);
	*rows = 0;
	*bad_id = 0;
	for (;;) {
		sqlite3_stmt *st = db_query(d, STMT_AUDIT_WALK, last_id);
		if (!st)
			return -1;
		int n = 0, rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = db_int(st, 0);
			n++;
			(*rows)++;
			const char *stored_prev = db_text(st, 9);
			row_hash(stored_prev, id, db_int(st, 1), db_int(st, 2),
				 db_text(st, 3), db_text(st, 4), db_text(st, 5),
				 db_text(st, 6), db_text(st, 7), db_text(st, 8),
				 hash);
			const char *problem = NULL;
			if (id != last_id + 1)
				problem = "a row is missing before this one";
			else if (strcmp(stored_prev, prev) != 0)
				problem = "prev_hash does not match the "
					  "previous row";
			else if (strcmp(hash, db_text(st, 10)) != 0)
				problem = "row contents do not match its hash";
			if (problem) {
				*bad_id = id;
				snprintf(why, whylen, "%s", problem);
				sqlite3_reset(st);
				return 1;
			}
			snprintf(prev, sizeof(prev), "%s", hash);
			last_id = id;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
		if (n == 0)
			return 0;
	}
}

/* Lists entries newest first with filters. Returns a new JSON array and
 * sets *total, or NULL on error. */
json_t *audit_list(db *d, const struct audit_filter *f, int limit, int offset,
		   int64_t *total)
{
	*total =
	    db_scalar(d, STMT_AUDIT_COUNT, f->action, f->actor, f->from, f->to);
	sqlite3_stmt *st = db_query(d, STMT_AUDIT_LIST, f->action, f->actor,
				    f->from, f->to, limit, offset);
	if (!st || *total < 0)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 1), at);
		json_t *detail = json_loads(db_text(st, 8), 0, NULL);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss sI ss ss ss ss ss so ss}", "id",
			      (json_int_t)db_int(st, 0), "at", at, "actor_id",
			      (json_int_t)db_int(st, 2), "actor_email",
			      db_text(st, 3), "ip", db_text(st, 4), "action",
			      db_text(st, 5), "object_type", db_text(st, 6),
			      "object_id", db_text(st, 7), "detail",
			      detail ? detail : json_object(), "hash",
			      db_text(st, 10)));
	}
	sqlite3_reset(st);
	return arr;
}
