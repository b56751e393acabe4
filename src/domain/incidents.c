/* incidents.c - the incident workflow table, incident rows, their history
 * and their full-text index. */
#include "incidents.h"

#include "../core/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const incident_statuses[] = {
    "new",	"triage",   "investigating", "containment", "eradication",
    "recovery", "resolved", "closed",	     "rejected",    NULL};
const char *const incident_severities[] = {"low", "medium", "high", "critical",
					   NULL};
const char *const incident_tlps[] = {"clear",	     "green", "amber",
				     "amber+strict", "red",   NULL};
const char *const incident_data_types[] = {
    "personal",	   "special_category", "health", "financial",
    "credentials", "payment_card",     NULL};
const char *const incident_sorts[] = {"newest", "oldest", "updated", "severity",
				      NULL};
const char *const incident_dues[] = {"24h", "breached", NULL};

/* The workflow: every allowed move, and nothing else. Investigation may
 * go straight to resolved when there is nothing to contain or eradicate;
 * resolved and closed incidents reopen to investigating. */
static const struct {
	const char *from, *to;
} moves[] = {
    {"new", "triage"},
    {"new", "rejected"},
    {"triage", "investigating"},
    {"triage", "rejected"},
    {"investigating", "containment"},
    {"investigating", "resolved"},
    {"containment", "eradication"},
    {"containment", "resolved"},
    {"eradication", "recovery"},
    {"eradication", "resolved"},
    {"recovery", "resolved"},
    {"resolved", "closed"},
    {"resolved", "investigating"},
    {"closed", "investigating"},
};

/* Returns 1 when the workflow allows from -> to. */
int incidents_can_move(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof(moves) / sizeof(*moves); i++)
		if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
			return 1;
	return 0;
}

/* Returns the statuses reachable from from, as a new JSON array. */
json_t *incidents_moves(const char *from)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof(moves) / sizeof(*moves); i++)
		if (!strcmp(moves[i].from, from))
			json_array_append_new(arr, json_string(moves[i].to));
	return arr;
}

/* Returns column col as an integer, or -1 when NULL. */
static int64_t int_or_unknown(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? -1
							   : db_int(st, col);
}

/* Copies an incident row (INCIDENT_ROW of stmts/rows.h) into in
 * (strings in the arena). */
static void incident_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct incident *in = out;
#define T(col) arena_strdup(a, db_text(st, INCIDENT_COL_##col))
#define I(col) db_int(st, INCIDENT_COL_##col)
	in->id = I(ID);
	in->ref = T(REF);
	in->title = T(TITLE);
	in->description = T(DESCRIPTION);
	in->status = T(STATUS);
	in->severity = T(SEVERITY);
	in->tlp = T(TLP);
	in->category_id = I(CATEGORY_ID);
	in->category_slug = T(CATEGORY_SLUG);
	in->category_name = T(CATEGORY_NAME);
	in->reporter_id = I(REPORTER_ID);
	in->reporter_email = T(REPORTER_EMAIL);
	in->reporter_name = T(REPORTER_NAME);
	in->assignee_id = I(ASSIGNEE_ID);
	in->assignee_email = T(ASSIGNEE_EMAIL);
	in->assignee_name = T(ASSIGNEE_NAME);
	in->occurred_at = I(OCCURRED_AT);
	in->noticed_at = I(NOTICED_AT);
	in->assets = T(ASSETS);
	in->location = T(LOCATION);
	in->personal_data = (int)I(PERSONAL_DATA);
	in->people_affected = int_or_unknown(st, INCIDENT_COL_PEOPLE_AFFECTED);
	in->records_affected =
	    int_or_unknown(st, INCIDENT_COL_RECORDS_AFFECTED);
	in->data_types = T(DATA_TYPES);
	in->root_cause = T(ROOT_CAUSE);
	in->resolution = T(RESOLUTION);
	in->contained_at = I(CONTAINED_AT);
	in->resolved_at = I(RESOLVED_AT);
	in->closed_at = I(CLOSED_AT);
	in->created_at = I(CREATED_AT);
	in->updated_at = I(UPDATED_AT);
	in->enisa_class = T(ENISA_CLASS);
#undef I
#undef T
}

/* Loads incident id (not scoped). Returns 1 found, 0 not, -1 error. */
int incidents_get(db *d, arena *a, int64_t id, struct incident *in)
{
	return db_one(db_query(d, STMT_INCIDENT_BY_ID, id), incident_from_row,
		      a, in);
}

/* Loads the incident with reference ref (not scoped). 1/0/-1. */
int incidents_get_ref(db *d, arena *a, const char *ref, struct incident *in)
{
	return db_one(db_query(d, STMT_INCIDENT_BY_REF, ref), incident_from_row,
		      a, in);
}

/* Rebuilds the incident's full-text row from its title, description and
 * comments. Returns 0 or -1. Inside a transaction. */
int incidents_reindex(db *d, int64_t id)
{
	if (db_exec(d, STMT_INCIDENT_REINDEX_DELETE, id) != 0)
		return -1;
	return db_exec(d, STMT_INCIDENT_REINDEX, id);
}

/* Inserts the incident row from in (title, description, category_id,
 * reporter_id, times, assets, location, personal data fields) with the
 * next reference of the current year and indexes it for search. Sets
 * in->id, in->ref (arena a), status and times. Returns the id, or -1.
 * Inside a transaction; timeline_report adds what a report sets off. */
int64_t incidents_create(db *d, arena *a, struct incident *in)
{
	int64_t now = clock_now();
	time_t tt = (time_t)now;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int64_t n = db_scalar(d, STMT_INCIDENT_NEXT_REF, tm.tm_year + 1900);
	if (n <= 0)
		return -1;
	in->ref =
	    arena_printf(a, "INC-%d-%04lld", tm.tm_year + 1900, (long long)n);
	if (db_exec(d, STMT_INCIDENT_INSERT, in->ref, in->title,
		    in->description, in->category_id, in->reporter_id,
		    in->occurred_at, in->noticed_at, in->assets, in->location,
		    in->personal_data, in->people_affected,
		    in->records_affected, in->data_types, now) != 0)
		return -1;
	in->id = sqlite3_last_insert_rowid(d->h);
	in->status = "new";
	in->created_at = in->updated_at = now;
	return incidents_reindex(d, in->id) == 0 ? in->id : -1;
}

/* Marks incident id changed now (lists sort and caches key on it).
 * Inside a transaction; 0 or -1. */
int incidents_touch(db *d, int64_t id)
{
	return db_exec(d, STMT_INCIDENT_TOUCH, id, clock_now());
}

/* Writes the triage fields of nw (title, severity, TLP, category, assets,
 * location, personal data, root cause, resolution and the incident
 * times) to incident nw->id; the caller records what changed. Inside a
 * transaction; 0 or -1. */
int incidents_update(db *d, const struct incident *nw)
{
	return db_exec(d, STMT_INCIDENT_SET_FIELDS, nw->id, nw->title,
		       *nw->severity ? nw->severity : NULL, nw->tlp,
		       nw->category_id, nw->assets, nw->location,
		       nw->personal_data, nw->people_affected,
		       nw->records_affected, nw->data_types, nw->root_cause,
		       nw->resolution, nw->occurred_at, nw->noticed_at,
		       nw->contained_at, nw->resolved_at, clock_now());
}

/* Adds key = ISO time, or null when t is 0. */
static void set_time(json_t *o, const char *key, int64_t t)
{
	char iso[21];
	if (t) {
		clock_iso(t, iso);
		json_object_set_new(o, key, json_string(iso));
	} else {
		json_object_set_new(o, key, json_null());
	}
}

/* Adds key = n, or null when n < 0 (unknown). */
static void set_count(json_t *o, const char *key, int64_t n)
{
	json_object_set_new(o, key, n >= 0 ? json_integer(n) : json_null());
}

/* Returns an incident as a new JSON object: the summary fields, and with
 * full set every field (description, compliance data, times). */
json_t *incidents_json(const struct incident *in, int full)
{
	json_t *o = json_pack(
	    "{sI ss ss ss ss? ss s{ss ss} s{sI ss ss}}", "id",
	    (json_int_t)in->id, "ref", in->ref, "title", in->title, "status",
	    in->status, "severity", *in->severity ? in->severity : NULL, "tlp",
	    in->tlp, "category", "slug", in->category_slug, "name",
	    in->category_name, "reporter", "id", (json_int_t)in->reporter_id,
	    "email", in->reporter_email, "name", in->reporter_name);
	json_object_set_new(o, "assignee",
			    in->assignee_id
				? json_pack("{sI ss ss}", "id",
					    (json_int_t)in->assignee_id,
					    "email", in->assignee_email, "name",
					    in->assignee_name)
				: json_null());
	set_time(o, "created_at", in->created_at);
	set_time(o, "updated_at", in->updated_at);
	if (!full)
		return o;
	json_object_set_new(o, "description", json_string(in->description));
	json_object_set_new(o, "enisa_class", json_string(in->enisa_class));
	json_object_set_new(o, "assets", json_string(in->assets));
	json_object_set_new(o, "location", json_string(in->location));
	json_object_set_new(o, "personal_data",
			    json_boolean(in->personal_data));
	set_count(o, "people_affected", in->people_affected);
	set_count(o, "records_affected", in->records_affected);
	json_t *types = json_array();
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", in->data_types);
	for (char *save, *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		json_array_append_new(types, json_string(t));
	json_object_set_new(o, "data_types", types);
	json_object_set_new(o, "root_cause", json_string(in->root_cause));
	json_object_set_new(o, "resolution", json_string(in->resolution));
	set_time(o, "occurred_at", in->occurred_at);
	set_time(o, "noticed_at", in->noticed_at);
	set_time(o, "contained_at", in->contained_at);
	set_time(o, "resolved_at", in->resolved_at);
	set_time(o, "closed_at", in->closed_at);
	return o;
}

/* Binds the shared filter parameters ?1..?9 of an INCIDENT_FILTER query. */
static int bind_filter(sqlite3_stmt *st, const struct incident_filter *f)
{
	return db_bind(st, "ssIIIIIsI", f->status, f->severity, f->category_id,
		       f->assignee, f->reporter, f->from, f->to, f->query,
		       f->visible_to);
}

/* Binds ?12 and ?13 of the deadline statements: running clocks due
 * before ?12 and (when ?13 is not 0) after ?13. */
static int bind_due(sqlite3_stmt *st, const struct incident_filter *f)
{
	int soon = !strcmp(f->due, "24h");
	int rc = sqlite3_bind_int64(st, 12, soon ? f->now + 86400 : f->now);
	return rc != SQLITE_OK ? rc
			       : sqlite3_bind_int64(st, 13, soon ? f->now : 0);
}

/* Calls fn for every incident matching f, in f->sort order, with rows
 * copied into a scratch arena freed after each row. Stops
 * when fn returns non-zero. Returns 0, or -1 on a database error (e.g. a
 * malformed search expression). */
int incidents_each(db *d, const struct incident_filter *f, incident_fn fn,
		   void *ud)
{
	enum stmt_id id = STMT_INCIDENT_LIST_NEWEST;
	if (f->due && *f->due)
		id = STMT_INCIDENT_LIST_DUE;
	else if (*f->query)
		id = STMT_INCIDENT_SEARCH;
	else if (f->sort && !strcmp(f->sort, "oldest"))
		id = STMT_INCIDENT_LIST_OLDEST;
	else if (f->sort && !strcmp(f->sort, "updated"))
		id = STMT_INCIDENT_LIST_UPDATED;
	else if (f->sort && !strcmp(f->sort, "severity"))
		id = STMT_INCIDENT_LIST_SEVERITY;
	sqlite3_stmt *st = db_stmt(d, id);
	if (!st || bind_filter(st, f) != SQLITE_OK ||
	    sqlite3_bind_int(st, 10, f->limit) != SQLITE_OK ||
	    sqlite3_bind_int(st, 11, f->offset) != SQLITE_OK ||
	    (id == STMT_INCIDENT_LIST_DUE && bind_due(st, f) != SQLITE_OK))
		return -1;
	arena row;
	arena_init(&row);
	struct incident in;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		incident_from_row(&row, st, &in);
		int stop = fn(ud, &in);
		arena_reset(&row);
		if (stop)
			break;
	}
	sqlite3_reset(st);
	arena_free(&row);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* incidents_each callback: appends the summary to a JSON array. */
static int append_summary(void *ud, const struct incident *in)
{
	json_array_append_new(ud, incidents_json(in, 0));
	return 0;
}

/* Lists incidents (summaries) matching f in f->sort order. Returns a new
 * JSON array, or NULL on error (e.g. a malformed search expression). */
json_t *incidents_list(db *d, const struct incident_filter *f)
{
	json_t *arr = json_array();
	if (incidents_each(d, f, append_summary, arr) != 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Returns 1 when f filters on nothing but (perhaps) its status and
 * search, i.e. every incident may match. */
static int filter_is_plain(const struct incident_filter *f)
{
	return !*f->severity && !f->category_id && !f->assignee &&
	       !f->reporter && !f->from && !f->to && !f->visible_to &&
	       !(f->due && *f->due);
}

/* Returns the counts of a search: {"all": n, "capped": n > 1000} with
 * n counted up to 1001; NULL on error. */
static json_t *search_counts(db *d, const struct incident_filter *f,
			     int64_t *total)
{
	sqlite3_stmt *st;
	if (filter_is_plain(f) && !*f->status) {
		/* every incident may match: the full-text index alone
		   answers, without looking up each match's incident */
		if (!(st = db_query(d, STMT_INCIDENT_SEARCH_COUNT_PLAIN,
				    f->query)))
			return NULL;
	} else if (!(st = db_stmt(d, STMT_INCIDENT_SEARCH_COUNT)) ||
		   bind_filter(st, f) != SQLITE_OK) {
		return NULL;
	}
	int rc = sqlite3_step(st);
	*total = rc == SQLITE_ROW ? db_int(st, 0) : -1;
	sqlite3_reset(st);
	if (*total < 0)
		return NULL;
	return json_pack("{sI sb}", "all", (json_int_t)*total, "capped",
			 *total > 1000);
}

/* Counts incidents matching f per status (ignoring f->status) and sets
 * *total to the count matching f itself. Without any other filter the
 * counts come from the trigger-kept totals, with filters from the
 * covering index; a search counts only its matches (up to 1001). Returns
 * a new object {status: n, "open", "all"}, or NULL on error. */
json_t *incidents_counts(db *d, const struct incident_filter *f, int64_t *total)
{
	int due = f->due && *f->due;
	if (*f->query && !due)
		return search_counts(d, f, total);
	struct incident_filter any = *f;
	any.status = "";
	int plain = filter_is_plain(f);
	sqlite3_stmt *st = db_stmt(d, plain ? STMT_INCIDENT_STATUS_TOTALS
				      : due ? STMT_INCIDENT_COUNT_DUE
					    : STMT_INCIDENT_COUNT_BY_STATUS);
	if (!st || (!plain && bind_filter(st, &any) != SQLITE_OK) ||
	    (due && bind_due(st, &any) != SQLITE_OK))
		return NULL;
	json_t *counts = json_object();
	for (int i = 0; incident_statuses[i]; i++)
		json_object_set_new(counts, incident_statuses[i],
				    json_integer(0));
	int64_t all = 0, open = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = db_text(st, 0);
		int64_t n = db_int(st, 1);
		json_object_set_new(counts, s, json_integer(n));
		all += n;
		if (strcmp(s, "resolved") && strcmp(s, "closed") &&
		    strcmp(s, "rejected"))
			open += n;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(counts);
		return NULL;
	}
	json_object_set_new(counts, "open", json_integer(open));
	json_object_set_new(counts, "all", json_integer(all));
	const char *s = f->status && *f->status ? f->status : "all";
	*total = json_integer_value(json_object_get(counts, s));
	return counts;
}

/* Returns the incident's history, oldest first, as a new JSON array;
 * without staff, events about internal comments are left out. */
json_t *incidents_history(db *d, int64_t id, int staff)
{
	sqlite3_stmt *st = db_query(d, STMT_INCIDENT_EVENTS, id, staff);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 1), at);
		json_t *e =
		    json_pack("{sI ss s{ss ss} ss ss ss? ss? sb}", "id",
			      (json_int_t)db_int(st, 0), "at", at, "actor",
			      "email", db_text(st, 2), "name", db_text(st, 3),
			      "kind", db_text(st, 4), "field", db_text(st, 5),
			      "old", (const char *)sqlite3_column_text(st, 6),
			      "new", (const char *)sqlite3_column_text(st, 7),
			      "internal", (int)db_int(st, 8));
		json_array_append_new(arr, e);
	}
	sqlite3_reset(st);
	return arr;
}

/* Turns what a person typed into an FTS5 expression (db_fts_query);
 * without staff the search is limited to the columns a reporter may see.
 * Returns "" when there is nothing to search for. Arena string. */
const char *incidents_fts_query(arena *a, const char *q, int staff)
{
	const char *words = db_fts_query(a, q);
	if (!*words || staff)
		return words;
	return arena_printf(a, "{title body} : (%s)", words);
}
