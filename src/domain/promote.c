/* promote.c - see promote.h. Every alert is checked before anything is
 * written (all or none, inside the caller's transaction). A new
 * incident takes the title and severity of the gravest alert and a
 * description naming every alert; its category is the intelligence's
 * suggestion from that text (sign-ins: unauthorised access). The alerts'
 * events (the copies each alert keeps) become one JSON evidence file,
 * stored like an upload, and the indicators in it (addresses, domains,
 * hashes, URLs) are linked to the incident. */
#include "promote.h"

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "alerts.h"
#include "categories.h"
#include "evidence.h"
#include "incidents.h"
#include "indicators.h"
#include "intel.h"
#include "timeline.h"

#include <stdio.h>
#include <string.h>

/* The rank of a severity name (info 0 .. critical 4). */
static int rank(const char *sev)
{
	static const char *const names[] = {"info", "low", "medium", "high",
					    "critical"};
	for (int i = 0; i < 5; i++)
		if (sev && !strcmp(names[i], sev))
			return i;
	return 0;
}

#define S(o, k) json_string_value(json_object_get(o, k))
#define I(o, k) ((long long)json_integer_value(json_object_get(o, k)))

/* Makes a new incident of the alerts (the gravest first in al), reported
 * by actor. Returns its id, or -1. */
static int64_t new_incident(db *d, arena *a, json_t *al, int64_t actor)
{
	json_t *top = json_array_get(al, 0);
	size_t n = json_array_size(al);
	struct incident in;
	memset(&in, 0, sizeof(in));
	in.title =
	    n == 1 ? arena_printf(a, "%s: %s", S(top, "title"), S(top, "group"))
		   : arena_printf(a, "%s: %s (and %zu more alerts)",
				  S(top, "title"), S(top, "group"), n - 1);
	char *desc = arena_printf(a, "Promoted from %zu alert(s):", n);
	size_t i;
	json_t *x;
	json_array_foreach(al, i, x) desc = arena_printf(
	    a,
	    "%s\n- alert %lld, %s (%s): %lld finding(s) of %s events about "
	    "%s between %s and %s, %s, risk %lld.",
	    desc, I(x, "id"), S(x, "title"), S(x, "detector"), I(x, "count"),
	    S(x, "kind"), S(x, "group"), S(x, "first_seen"), S(x, "last_seen"),
	    S(x, "severity"), I(x, "risk"));
	in.description = desc;
	in.reporter_id = actor;
	in.noticed_at = clock_now();
	in.assets = arena_strdup(a, S(top, "host"));
	in.location = "";
	in.data_types = "";
	in.people_affected = in.records_affected = -1;
	in.category_id = categories_id(
	    d,
	    !strcmp(S(top, "kind"), "auth") ? "unauthorized-access" : "other",
	    1);
	if (in.category_id <= 0)
		in.category_id = categories_id(d, "other", 1);
	const char *sev = S(top, "severity");
	const char *isev = !strcmp(sev, "critical") ? "critical"
			   : !strcmp(sev, "high")   ? "high"
			   : !strcmp(sev, "medium") ? "medium"
						    : "low";
	struct intel_prep prep;
	intel_prepare(d, a, in.title, in.description, &prep);
	struct incident saved;
	if (timeline_report(d, a, &in, actor, &prep) < 0 ||
	    incidents_get(d, a, in.id, &saved) != 1)
		return -1;
	saved.severity = isev;
	if (incidents_update(d, &saved) != 0 ||
	    timeline_event(d, in.id, actor, "field", "severity", NULL, isev,
			   0) != 0)
		return -1;
	return in.id;
}

/* Appends every text value inside v to b, a space after each: what the
 * indicator extraction reads (JSON's quotes would hide them). */
static void leaves(json_t *v, buf *b)
{
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_string(v)) {
		buf_puts(b, json_string_value(v));
		buf_putc(b, ' ');
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x) leaves(x, b);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) leaves(x, b);
	}
}

/* Stores the alerts' events as one JSON evidence file of incident iid
 * and links the indicators in it. Returns 0 or -1. */
static int evidence(db *d, arena *a, json_t *al, int64_t iid, int64_t actor,
		    const char *data_dir)
{
	json_t *doc = json_object(), *list = json_array(), *x;
	size_t i;
	json_array_foreach(al, i, x)
	{
		json_t *one =
		    json_pack("{sO sO sO sO sO sO sO sO sO}", "id",
			      json_object_get(x, "id"), "title",
			      json_object_get(x, "title"), "detector",
			      json_object_get(x, "detector"), "group",
			      json_object_get(x, "group"), "severity",
			      json_object_get(x, "severity"), "count",
			      json_object_get(x, "count"), "first_seen",
			      json_object_get(x, "first_seen"), "last_seen",
			      json_object_get(x, "last_seen"), "events",
			      json_object_get(x, "events"));
		json_array_append_new(list, one);
	}
	json_object_set_new(doc, "alerts", list);
	char *text = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	json_decref(doc);
	if (!text)
		return -1;
	size_t len = strlen(text);
	const char *name =
	    json_array_size(al) == 1
		? arena_printf(a, "alert-%lld-events.json",
			       I(json_array_get(al, 0), "id"))
		: arena_printf(a, "alerts-%lld-and-%zu-more-events.json",
			       I(json_array_get(al, 0), "id"),
			       json_array_size(al) - 1);
	char sha[65];
	int64_t now = clock_now();
	int rc =
	    evidence_store(data_dir, (const unsigned char *)text, len, sha) ==
			0 &&
		    evidence_add(d, iid, actor, name, len, "application/json",
				 sha, "JSON written by Secura") > 0 &&
		    timeline_event(d, iid, actor, "evidence", "", NULL, name,
				   0) == 0
		? 0
		: -1;
	jsonmem_free(text);
	buf words = BUF_INIT;
	json_array_foreach(al, i, x)
	    leaves(json_object_get(x, "events"), &words);
	if (rc == 0 && words.len &&
	    indicators_record(d, iid, "evidence", words.data, words.len, now) <
		0)
		rc = -1;
	buf_free(&words);
	return rc;
}

/* Makes one incident of alerts ids[0..n) (into 0), or attaches them to
 * incident into; actor reports it, data_dir keeps the evidence file.
 * Inside the caller's transaction; nothing is written unless every
 * alert exists and belongs to no incident. Returns the incident's id; 0
 * with *why saying what stopped it; -1 on error. */
int64_t promote_alerts(db *d, arena *a, const int64_t *ids, size_t n,
		       int64_t into, int64_t actor, const char *data_dir,
		       struct promote_refusal *why)
{
	memset(why, 0, sizeof(*why));
	json_t *al = json_array();
	int64_t iid = 0;
	for (size_t i = 0; i < n && i < PROMOTE_MAX; i++) {
		json_t *x = alerts_get(d, ids[i]);
		if (!x) {
			why->missing_alert = ids[i];
			goto done;
		}
		json_t *inc = json_object_get(x, "incident_id");
		if (json_is_integer(inc)) {
			why->taken_alert = ids[i];
			why->taken_incident = json_integer_value(inc);
			json_decref(x);
			goto done;
		}
		/* the gravest first: it names a new incident */
		json_t *top = json_array_get(al, 0);
		int above =
		    top &&
		    (rank(S(x, "severity")) > rank(S(top, "severity")) ||
		     (rank(S(x, "severity")) == rank(S(top, "severity")) &&
		      I(x, "risk") > I(top, "risk")));
		if (above)
			json_array_insert_new(al, 0, x);
		else
			json_array_append_new(al, x);
	}
	struct incident target;
	if (into && incidents_get(d, a, into, &target) != 1) {
		why->no_incident = 1;
		goto done;
	}
	iid = into ? into : new_incident(d, a, al, actor);
	if (iid < 0 || evidence(d, a, al, iid, actor, data_dir) != 0) {
		iid = -1;
		goto done;
	}
	if (!into && incidents_get(d, a, iid, &target) != 1) {
		iid = -1;
		goto done;
	}
	int64_t now = clock_now();
	size_t i;
	json_t *x;
	json_array_foreach(al, i, x)
	{
		if (db_exec(d, STMT_ALERT_SET_INCIDENT, I(x, "id"), iid, now) !=
			0 ||
		    db_exec(d, STMT_ALERT_HISTORY_ADD, I(x, "id"), now, actor,
			    into ? "attached" : "promoted", S(x, "status"),
			    !strcmp(S(x, "status"), "closed") ? "closed"
							      : "investigating",
			    arena_printf(a, "incident %s", target.ref)) != 0) {
			iid = -1;
			break;
		}
	}
done:
	json_decref(al);
	return iid;
}
