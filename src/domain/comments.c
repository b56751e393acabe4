/* comments.c - adding and listing comments. Internal comments are for
 * the security team: comments_list leaves them out unless staff is set,
 * and their history rows are marked internal too. */
#include "comments.h"

#include "../core/clock.h"
#include "../core/md.h"
#include "incidents.h"
#include "indicators.h"
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

/* Adds a comment, its history row, re-indexes the incident and links
 * the indicators in the comment. Returns
 * the comment id, or -1. Must run inside a transaction. */
int64_t comments_add(db *d, int64_t incident, int64_t author, const char *body,
		     int internal)
{
	int64_t now = clock_now();
	if (db_exec(d, STMT_COMMENT_INSERT, incident, author, body, internal,
		    now) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	if (timeline_event(d, incident, author, "comment",
			   internal ? "internal" : "public", NULL, sid,
			   internal) != 0 ||
	    incidents_touch(d, incident) != 0 ||
	    incidents_reindex(d, incident) != 0 ||
	    indicators_record(d, incident, "comment", body, strlen(body), now) <
		0)
		return -1;
	return id;
}

/* Returns the thread oldest first as a new JSON array, each comment with
 * its markdown rendered as body_html; internal ones only for staff.
 * NULL on error. */
json_t *comments_list(db *d, int64_t incident, int staff)
{
	sqlite3_stmt *st = db_query(d, STMT_COMMENT_LIST, incident, staff);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 3), at);
		char *html = md_html(db_text(st, 1));
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss sb ss s{ss ss ss}}", "id",
			      (json_int_t)db_int(st, 0), "body", db_text(st, 1),
			      "body_html", html, "internal", (int)db_int(st, 2),
			      "created_at", at, "author", "email",
			      db_text(st, 4), "name", db_text(st, 5), "role",
			      db_text(st, 6)));
		free(html);
	}
	sqlite3_reset(st);
	return arr;
}
