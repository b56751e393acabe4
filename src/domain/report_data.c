/* report_data.c - see report_data.h. */
#include "report_data.h"

#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "../core/sha256.h"
#include "compliance.h"
#include "deadlines.h"
#include "incidents.h"
#include "metrics.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct report_kind report_kinds[] = {
    {"gdpr-art33", "GDPR personal data breach notification (Art. 33)", 1, 0,
     NULL},
    {"gdpr-register", "GDPR breach register (Art. 33(5))", 0,
     STMT_REPORT_GDPR_ROWS, "gdpr_authority"},
    {"hipaa", "HIPAA breach report", 1, 0, NULL},
    {"hipaa-log", "HIPAA log of breaches affecting fewer than 500 people", 0,
     STMT_REPORT_HIPAA_ROWS, "hipaa_individuals"},
    {"sox", "SOX IT-control incident report", 0, STMT_REPORT_SOX_ROWS,
     "sox_committee"},
    {"executive", "Executive summary", 0, 0, NULL},
    {NULL, NULL, 0, 0, NULL}};

/* Returns the kind called name, or NULL. */
const struct report_kind *report_kind(const char *name)
{
	for (const struct report_kind *k = report_kinds; name && k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

/* Writes the SHA-256 of data's canonical form (compact, sorted keys) as
 * lowercase hex. */
void report_hash(json_t *data, char hex[65])
{
	char *s = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	sha256_hex(s ? s : "", s ? strlen(s) : 0, hex);
	jsonmem_free(s);
}

/* Returns an ISO time as a JSON string, or "" for 0. */
static json_t *iso(int64_t t)
{
	char s[21] = "";
	if (t)
		clock_iso(t, s);
	return json_string(s);
}

/* Returns a count as JSON, null when unknown (< 0). */
static json_t *count(int64_t n)
{
	return n < 0 ? json_null() : json_integer((json_int_t)n);
}

/* Returns one row of a period register (REPORT_COLS). */
static json_t *register_row(sqlite3_stmt *st, const char *notice_kind)
{
	int64_t aware = db_int(st, 6), notified = db_int(st, 15);
	struct incident in = {.noticed_at = aware,
			      .created_at = db_int(st, 7),
			      .people_affected = db_int(st, 8)};
	int64_t due = deadlines_notice(&in, notice_kind);
	json_t *r = json_pack(
	    "{ss ss ss ss ss so so so so ss ss ss ss ss}", "ref",
	    db_text(st, 1), "title", db_text(st, 2), "category", db_text(st, 3),
	    "status", db_text(st, 4), "severity", db_text(st, 5), "aware",
	    iso(aware), "reported", iso(in.created_at), "people",
	    count(in.people_affected), "records", count(db_int(st, 9)),
	    "data_types", db_text(st, 10), "resolution", db_text(st, 11),
	    "consequences", db_text(st, 12), "measures", db_text(st, 13),
	    "art34_decision", db_text(st, 14));
	json_object_set_new(r, "notified_at", iso(notified));
	json_object_set_new(r, "deadline", iso(due));
	json_object_set_new(r, "late",
			    json_boolean(due && notified && notified > due));
	json_object_set_new(r, "summary", json_string(db_text(st, 16)));
	json_object_set_new(r, "sox_control_area",
			    json_string(db_text(st, 17)));
	json_object_set_new(r, "sox_classification",
			    json_string(db_text(st, 18)));
	json_object_set_new(r, "sox_owner", json_string(db_text(st, 19)));
	json_object_set_new(r, "sox_remediation_due", iso(db_int(st, 20)));
	json_object_set_new(r, "sox_committee_at", iso(db_int(st, 21)));
	json_object_set_new(r, "hipaa_conclusion",
			    json_string(db_text(st, 22)));
	return r;
}

/* Returns the rows of a period register as a new array; NULL on a
 * database error. */
static json_t *register_rows(db *d, enum stmt_id id, int64_t from, int64_t to,
			     const char *notice_kind)
{
	sqlite3_stmt *st = db_query(d, id, from, to, notice_kind);
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(rows, register_row(st, notice_kind));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* Returns everything about one incident a per-incident report needs;
 * NULL with err set when there is no such incident. */
static json_t *incident_data(db *d, arena *a, int64_t id, char *err,
			     size_t errlen)
{
	struct incident in;
	const char *vals[COMPLIANCE_NFIELDS];
	int rc = incidents_get(d, a, id, &in);
	if (rc != 1) {
		snprintf(err, errlen,
			 rc == 0 ? "There is no such incident."
				 : "database error");
		return NULL;
	}
	if (compliance_get(d, a, id, vals) != 0) {
		snprintf(err, errlen, "database error");
		return NULL;
	}
	json_t *comp = compliance_json(&in, vals);
	json_object_del(comp, "options");
	json_t *notices = compliance_notices(d, &in);
	json_t *history = incidents_history(d, id, 1);
	if (!notices || !history) {
		json_decref(comp);
		json_decref(notices);
		json_decref(history);
		snprintf(err, errlen, "database error");
		return NULL;
	}
	int64_t aware = in.noticed_at ? in.noticed_at : in.created_at;
	return json_pack("{so so so so so}", "incident", incidents_json(&in, 1),
			 "compliance", comp, "notices", notices, "history",
			 history, "aware", iso(aware));
}

/* Returns the data of report kind for params ({"incident": id} or
 * {"from": t, "to": t}) as a new JSON object holding the kind, the
 * parameters and the organisation settings; NULL with a message in err
 * (no such kind or incident, or a database error). */
json_t *report_data(db *d, arena *a, const char *kind, json_t *params,
		    char *err, size_t errlen)
{
	const struct report_kind *k = report_kind(kind);
	if (!k) {
		snprintf(err, errlen, "unknown report kind");
		return NULL;
	}
	json_t *body = NULL;
	if (k->per_incident) {
		int64_t id =
		    json_integer_value(json_object_get(params, "incident"));
		body = incident_data(d, a, id, err, errlen);
	} else {
		int64_t from =
			    json_integer_value(json_object_get(params, "from")),
			to = json_integer_value(json_object_get(params, "to"));
		if (!k->rows)
			body = metrics_executive(d, from, to);
		else {
			json_t *rows =
			    register_rows(d, k->rows, from, to, k->notice);
			if (rows)
				body = json_pack("{so}", "rows", rows);
		}
		if (body)
			json_object_set_new(body, "period",
					    json_pack("{so so}", "from",
						      iso(from), "to",
						      iso(to)));
		else
			snprintf(err, errlen, "database error");
	}
	json_t *settings = body ? settings_all(d) : NULL;
	if (!settings) {
		json_decref(body);
		if (body)
			snprintf(err, errlen, "database error");
		return NULL;
	}
	json_object_set_new(body, "kind", json_string(kind));
	json_object_set_new(body, "params", json_deep_copy(params));
	json_object_set_new(body, "settings", settings);
	return body;
}

/* Adds a generated report to the register, inside the caller's
 * transaction. Returns 0 or -1. */
int report_record(db *d, const char *kind, json_t *params, const char *data_sha,
		  const char *pdf_sha, int pages, int64_t user)
{
	char *p = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = db_exec(d, STMT_REPORT_INSERT, kind, p ? p : "{}", data_sha,
			 pdf_sha, pages, user, clock_now());
	jsonmem_free(p);
	return rc;
}

/* Returns the number of incidents reported in [from, to), or -1. */
int64_t report_period_count(db *d, int64_t from, int64_t to)
{
	return db_scalar(d, STMT_REPORT_PERIOD_COUNT, from, to);
}

/* Returns the reports generated last, newest first, as a new JSON array
 * of {id, kind, title, params, data_sha256, pages, by, at}; NULL on a
 * database error. */
json_t *report_recent(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_REPORT_RECENT);
	if (!st)
		return NULL;
	json_t *recent = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 6), at);
		const struct report_kind *k = report_kind(db_text(st, 1));
		json_array_append_new(
		    recent,
		    json_pack("{sI ss ss ss ss sI ss ss}", "id",
			      (json_int_t)db_int(st, 0), "kind", db_text(st, 1),
			      "title", k ? k->title : db_text(st, 1), "params",
			      db_text(st, 2), "data_sha256", db_text(st, 3),
			      "pages", (json_int_t)db_int(st, 4), "by",
			      db_text(st, 5), "at", at));
	}
	sqlite3_reset(st);
	return recent;
}
