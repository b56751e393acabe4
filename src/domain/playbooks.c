/* playbooks.c - see playbooks.h. A step is a markdown list line whose
 * text starts with "[ ]" or "[x]"; the rest of the playbook is rendered
 * with cmark (safe mode) around the checklist. Ticks are keyed by the
 * step's text, so rewording a step starts it unticked. */
#include "playbooks.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/md.h"
#include "../core/valid.h"
#include "incidents.h"
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 100

/* Returns the step text of a line "- [ ] text" / "* [x] text" (arena),
 * or NULL when the line is not a step. */
static const char *step_of(arena *a, const char *line, size_t n)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (n - i < 7 || (line[i] != '-' && line[i] != '*') ||
	    line[i + 1] != ' ' || line[i + 2] != '[' ||
	    !strchr(" xX", line[i + 3]) || line[i + 4] != ']' ||
	    line[i + 5] != ' ')
		return NULL;
	i += 6;
	while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\r'))
		n--;
	return n > i ? arena_strndup(a, line + i, n - i) : NULL;
}

/* Splits body into its steps (up to MAX_STEPS, arena strings) and the
 * markdown without them (into prose). Returns the number of steps. */
static int split(arena *a, const char *body, const char **steps, buf *prose)
{
	int n = 0;
	for (const char *p = body; *p;) {
		size_t len = strcspn(p, "\n");
		const char *st = step_of(a, p, len);
		if (st && n < MAX_STEPS)
			steps[n++] = st;
		else if (!st)
			buf_printf(prose, "%.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	return n;
}

/* Returns every active category with whether it has a playbook, as a new
 * JSON array; NULL on error. */
json_t *playbooks_list(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_PLAYBOOK_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21] = "";
		if (db_int(st, 3))
			clock_iso(db_int(st, 3), at);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss sb}", "id",
			      (json_int_t)db_int(st, 0), "slug", db_text(st, 1),
			      "name", db_text(st, 2), "updated_at", at,
			      "updated_by", db_text(st, 4), "exists",
			      (int)db_int(st, 5)));
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns the playbook of a category as a new JSON object {category,
 * body (markdown), body_html (without the steps), steps [{n, text,
 * done, tick {by, at} or null}], done_count, total, updated_at,
 * updated_by}; steps are ticked from
 * incident_id's ticks (0: none). NULL when the category has no playbook or on
 * error. */
json_t *playbooks_get(db *d, arena *a, int64_t category_id, int64_t incident_id)
{
	sqlite3_stmt *st = db_query(d, STMT_PLAYBOOK_GET, category_id);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return NULL;
	}
	const char *body = arena_strdup(a, db_text(st, 0));
	char at[21];
	clock_iso(db_int(st, 1), at);
	json_t *o = json_pack("{s{sI ss ss} ss ss ss}", "category", "id",
			      (json_int_t)db_int(st, 5), "slug", db_text(st, 4),
			      "name", db_text(st, 3), "body", body,
			      "updated_at", at, "updated_by", db_text(st, 2));
	sqlite3_reset(st);
	const char *steps[MAX_STEPS];
	buf prose = BUF_INIT;
	int n = split(a, body, steps, &prose);
	char *html = md_html(buf_cstr(&prose));
	json_object_set_new(o, "body_html", json_string(html ? html : ""));
	free(html);
	buf_free(&prose);
	json_t *ticks = json_object();
	st = incident_id ? db_query(d, STMT_TICK_LIST, incident_id) : NULL;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		char t[21];
		clock_iso(db_int(st, 1), t);
		json_object_set_new(
		    ticks, db_text(st, 0),
		    json_pack("{ss ss}", "at", t, "by", db_text(st, 2)));
	}
	if (st)
		sqlite3_reset(st);
	json_t *arr = json_array();
	int done = 0;
	for (int i = 0; i < n; i++) {
		json_t *tk = json_object_get(ticks, steps[i]);
		done += tk != NULL;
		json_array_append_new(arr, json_pack("{si ss sb sO}", "n",
						     i + 1, "text", steps[i],
						     "done", tk != NULL, "tick",
						     tk ? tk : json_null()));
	}
	json_decref(ticks);
	json_object_set_new(o, "steps", arr);
	json_object_set_new(o, "done_count", json_integer(done));
	json_object_set_new(o, "total", json_integer(n));
	return o;
}

/* Creates or replaces a category's playbook. Returns 0 or -1. Inside a
 * transaction. */
int playbooks_save(db *d, int64_t category_id, const char *body, int64_t user)
{
	return db_exec(d, STMT_PLAYBOOK_PUT, category_id, body, clock_now(),
		       user);
}

/* Sets the incident's ticks to exactly the steps numbered in done (comma
 * separated, 1-based) of its category's playbook; each change is a
 * history row (field "playbook", "done: step" / "reopened: step"). *changed
 * gets how many changed. Returns 0, 1 when the category has no playbook, or -1.
 * Inside a transaction. */
int playbooks_tick(db *d, arena *a, int64_t category_id, int64_t incident_id,
		   const char *done, int64_t user, int *changed)
{
	json_t *pb = playbooks_get(d, a, category_id, incident_id);
	*changed = 0;
	if (!pb)
		return 1;
	int rc = 0;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(pb, "steps"), i, s)
	{
		char num[24];
		snprintf(num, sizeof(num), "%zu", i + 1);
		const char *text =
		    json_string_value(json_object_get(s, "text"));
		int was = json_is_true(json_object_get(s, "done"));
		int now = done && valid_csv_has(done, num);
		if (was == now)
			continue;
		if ((now ? db_exec(d, STMT_TICK_ADD, incident_id, text, user,
				   clock_now())
			 : db_exec(d, STMT_TICK_DELETE, incident_id, text)) !=
			0 ||
		    timeline_event(
			d, incident_id, user, "field", "playbook", NULL,
			arena_printf(a, "%s: %s", now ? "done" : "reopened",
				     text),
			0) != 0) {
			rc = -1;
			break;
		}
		(*changed)++;
	}
	json_decref(pb);
	return rc;
}
