/* indicators.c - see indicators.h. Extraction itself is ml/ioc.c. */
#include "indicators.h"

#include "../core/clock.h"
#include "../core/rand.h"
#include "../ml/ioc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Links the indicators v to the incident (source: "description",
 * "comment" or "evidence") at time now; one already linked keeps its
 * first source. Returns 0 or -1. Inside a transaction. */
int indicators_link(db *d, int64_t incident, const char *source,
		    const struct iocs *v, int64_t now)
{
	for (size_t i = 0; i < v->n; i++) {
		int64_t id = db_scalar(d, STMT_INDICATOR_UPSERT, v->v[i].kind,
				       v->v[i].value, now);
		if (id <= 0 || db_exec(d, STMT_INCIDENT_INDICATOR_INSERT,
				       incident, id, source, now) != 0)
			return -1;
	}
	return 0;
}

/* Finds the indicators in text[0..len) (need not end in NUL) and links
 * them (indicators_link). Returns how many the text held, or -1. Inside
 * a transaction. */
int indicators_record(db *d, int64_t incident, const char *source,
		      const char *text, size_t len, int64_t now)
{
	arena a;
	struct iocs v = {0};
	arena_init(&a);
	ioc_extract(&a, arena_strndup(&a, text, len), &v);
	int rc = indicators_link(d, incident, source, &v, now);
	arena_free(&a);
	return rc ? -1 : (int)v.n;
}

/* Returns one indicator row (id, kind, value, count, first_seen) as a new
 * JSON object; count_key names the count. */
static json_t *row_json(sqlite3_stmt *st, const char *count_key)
{
	char seen[21];
	clock_iso(db_int(st, 4), seen);
	return json_pack("{sI ss ss sI ss}", "id", (json_int_t)db_int(st, 0),
			 "kind", db_text(st, 1), "value", db_text(st, 2),
			 count_key, (json_int_t)db_int(st, 3), "first_seen",
			 seen);
}

/* Sets o's "url" to the indicator's page. */
static json_t *with_url(json_t *o)
{
	char url[48];
	snprintf(url, sizeof(url), "/indicators/%lld",
		 (long long)json_integer_value(json_object_get(o, "id")));
	json_object_set_new(o, "url", json_string(url));
	return o;
}

/* Returns the incident's indicators as a new JSON array, each with its
 * source and "others" (how many other incidents have it; others_capped is
 * false since the count became exact, kept for API clients). NULL on
 * error. */
json_t *indicators_of(db *d, int64_t incident)
{
	sqlite3_stmt *st = db_query(d, STMT_INCIDENT_INDICATORS, incident);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char seen[21];
		clock_iso(db_int(st, 5), seen);
		json_t *o = json_pack(
		    "{sI ss ss ss sI sb ss}", "id", (json_int_t)db_int(st, 0),
		    "kind", db_text(st, 1), "value", db_text(st, 2), "source",
		    db_text(st, 3), "others", (json_int_t)db_int(st, 4),
		    "others_capped", 0, "first_seen", seen);
		json_array_append_new(arr, with_url(o));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Returns indicator id with a page of the incidents that have it (newest
 * first) as a new JSON object; NULL when there is no such indicator or
 * on error. */
json_t *indicators_get(db *d, int64_t id, int limit, int offset)
{
	sqlite3_stmt *st = db_query(d, STMT_INDICATOR_BY_ID, id);
	if (!st)
		return NULL;
	json_t *o = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		o = with_url(row_json(st, "incidents"));
	sqlite3_reset(st);
	if (!o ||
	    !(st = db_query(d, STMT_INDICATOR_INCIDENTS, id, limit, offset)))
		return o;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 5), at);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss ss ss}", "id",
			      (json_int_t)db_int(st, 0), "ref", db_text(st, 1),
			      "title", db_text(st, 2), "status", db_text(st, 3),
			      "severity", db_text(st, 4), "created_at", at,
			      "source", db_text(st, 6)));
	}
	sqlite3_reset(st);
	json_object_set_new(o, "linked", arr);
	return o;
}

/* Returns a page of indicators (newest first), of one kind ("" any) and
 * whose value is LIKE like ("" any), as a new JSON array; *total gets
 * how many match. NULL on error. */
json_t *indicators_list(db *d, const char *kind, const char *like, int limit,
			int offset, int64_t *total)
{
	*total = db_scalar(d, STMT_INDICATOR_COUNT, kind, like);
	sqlite3_stmt *st =
	    db_query(d, STMT_INDICATOR_LIST, kind, like, limit, offset);
	if (!st || *total < 0)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, with_url(row_json(st, "incidents")));
	sqlite3_reset(st);
	return arr;
}

/* Returns the limit indicators found in most incidents during [from,
 * to) (linked then: reported, commented or uploaded) as a new JSON array {id,
 * kind, value, incidents, url}; NULL on error. */
json_t *indicators_top(db *d, int64_t from, int64_t to, int limit)
{
	sqlite3_stmt *st = db_query(d, STMT_INDICATOR_TOP, from, to, limit);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr, with_url(json_pack(
			     "{sI ss ss sI}", "id", (json_int_t)db_int(st, 0),
			     "kind", db_text(st, 1), "value", db_text(st, 2),
			     "incidents", (json_int_t)db_int(st, 3))));
	sqlite3_reset(st);
	return arr;
}

/* Writes a STIX identifier "type--uuid" into out: a random UUID (v4). */
static void stix_id(char out[80], const char *type)
{
	unsigned char u[16];
	rand_bytes(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 80,
		 "%s--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%"
		 "02x%02x%02x",
		 type, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
		 u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Returns the STIX pattern for one indicator as a new JSON string, or
 * NULL for a kind without one. Quotes and backslashes in the value are
 * escaped as the pattern grammar says. */
static json_t *stix_pattern(const char *kind, const char *value)
{
	char esc[2200];
	size_t o = 0;
	for (const char *p = value; *p && o + 2 < sizeof(esc); p++) {
		if (*p == '\'' || *p == '\\')
			esc[o++] = '\\';
		esc[o++] = *p;
	}
	esc[o] = '\0';
	static const struct {
		const char *kind, *path;
	} paths[] = {{"ipv4", "ipv4-addr:value"},
		     {"ipv6", "ipv6-addr:value"},
		     {"domain", "domain-name:value"},
		     {"url", "url:value"},
		     {"email", "email-addr:value"},
		     {"md5", "file:hashes.MD5"},
		     {"sha1", "file:hashes.'SHA-1'"},
		     {"sha256", "file:hashes.'SHA-256'"}};
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		if (!strcmp(kind, paths[i].kind))
			return json_sprintf("[%s = '%s']", paths[i].path, esc);
	return NULL;
}

/* Returns the incident's indicators as a STIX 2.1 bundle (new JSON
 * object): an identity for the organisation, an indicator per
 * observable (pattern_type stix), a vulnerability per CVE id, and a
 * report that refers to all of them. NULL on error. */
json_t *indicators_stix(db *d, const struct incident *in, const char *org)
{
	json_t *list = indicators_of(d, in->id);
	if (!list)
		return NULL;
	char now[32], ident[80], id[80];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_iso(clock_now(), now);
	/* STIX timestamps: RFC 3339 with milliseconds, "Z" */
	snprintf(now + 19, sizeof(now) - 19, ".%03dZ",
		 (int)(ts.tv_nsec / 1000000) % 1000);
	stix_id(ident, "identity");
	json_t *objects = json_array(), *refs = json_array();
	json_array_append_new(
	    objects, json_pack("{ss ss ss ss ss ss ss}", "type", "identity",
			       "spec_version", "2.1", "id", ident, "created",
			       now, "modified", now, "name", org,
			       "identity_class", "organization"));
	size_t i;
	json_t *ind;
	json_array_foreach(list, i, ind)
	{
		const char *kind =
		    json_string_value(json_object_get(ind, "kind"));
		const char *value =
		    json_string_value(json_object_get(ind, "value"));
		json_t *o;
		if (!strcmp(kind, "cve")) {
			stix_id(id, "vulnerability");
			o = json_pack(
			    "{ss ss ss ss ss ss ss s[{ss ss}]}", "type",
			    "vulnerability", "spec_version", "2.1", "id", id,
			    "created", now, "modified", now, "created_by_ref",
			    ident, "name", value, "external_references",
			    "source_name", "cve", "external_id", value);
		} else {
			stix_id(id, "indicator");
			o = json_pack(
			    "{ss ss ss ss ss ss ss so ss ss s[s]}", "type",
			    "indicator", "spec_version", "2.1", "id", id,
			    "created", now, "modified", now, "created_by_ref",
			    ident, "name", value, "pattern",
			    stix_pattern(kind, value), "pattern_type", "stix",
			    "valid_from", now, "indicator_types", "unknown");
		}
		json_array_append_new(objects, o);
		json_array_append_new(refs, json_string(id));
	}
	json_decref(list);
	char created[32];
	clock_iso(in->created_at, created);
	snprintf(created + 19, sizeof(created) - 19, ".000Z");
	stix_id(id, "report");
	if (!json_array_size(refs)) /* a report must refer to something */
		json_array_append_new(refs, json_string(ident));
	json_array_append_new(
	    objects,
	    json_pack("{ss ss ss ss ss ss ss ss s[s] ss so s[{ss ss}]}", "type",
		      "report", "spec_version", "2.1", "id", id, "created", now,
		      "modified", now, "created_by_ref", ident, "name",
		      in->title, "published", created, "report_types",
		      "observed-data", "description",
		      "Indicators found in this incident by Secura",
		      "object_refs", refs, "external_references", "source_name",
		      "secura", "external_id", in->ref));
	stix_id(id, "bundle");
	return json_pack("{ss ss so}", "type", "bundle", "id", id, "objects",
			 objects);
}
