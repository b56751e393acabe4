/* compliance.c - see compliance.h. Every value is handled as text (times
 * as ISO-8601, flags as "0"/"1") so one loop compares, records and
 * stores them; each change is a history row like any other field's. */
#include "compliance.h"

#include "../core/clock.h"
#include "deadlines.h"
#include "timeline.h"

#include <stdio.h>
#include <string.h>

const char *const compliance_art34_decisions[] = {
    "notified",	     "exempt_protected", "exempt_measures",
    "exempt_effort", "not_high_risk",	 NULL};
static const char *const art34_labels[] = {
    "Data subjects notified (Art. 34(1))",
    "Not required: data unintelligible to others, e.g. encrypted (Art. "
    "34(3)(a))",
    "Not required: later measures remove the high risk (Art. 34(3)(b))",
    "Replaced by a public communication: individual notice would need "
    "disproportionate effort (Art. 34(3)(c))",
    "Not required: no high risk to the rights and freedoms of people",
    NULL};
static const char *const hipaa_conclusions[] = {"low_probability", "breach",
						NULL};
static const char *const hipaa_labels[] = {
    "Low probability that the PHI has been compromised: not a reportable "
    "breach",
    "Breach: notification required", NULL};
static const char *const sox_areas[] = {
    "access", "change", "operations", "development", "data_integrity", NULL};
static const char *const sox_area_labels[] = {
    "Access to programs and data", "Program changes", "Computer operations",
    "Program development",	   "Data integrity",  NULL};
static const char *const sox_classes[] = {
    "deficiency", "significant_deficiency", "material_weakness", NULL};
static const char *const sox_class_labels[] = {
    "Control deficiency", "Significant deficiency", "Material weakness", NULL};

const char *const compliance_notice_kinds[] = {"gdpr_authority",
					       "gdpr_subjects",
					       "hipaa_individuals",
					       "hipaa_hhs",
					       "hipaa_media",
					       "sox_committee",
					       NULL};
static const char *const notice_labels[] = {
    "Supervisory authority (GDPR Art. 33)",
    "Data subjects (GDPR Art. 34)",
    "Individuals (HIPAA §164.404)",
    "HHS Secretary (HIPAA §164.408)",
    "Media (HIPAA §164.406)",
    "Audit committee (SOX)",
    NULL};

const struct field compliance_fields[COMPLIANCE_NFIELDS + 1] = {
    {"consequences", V_TEXT, 0, 0, 5000, NULL, "Likely consequences"},
    {"measures", V_TEXT, 0, 0, 5000, NULL, "Measures taken and proposed"},
    {"art34_decision", V_ENUM, 0, 0, 0, compliance_art34_decisions,
     "Art. 34 decision"},
    {"art34_reason", V_TEXT, 0, 0, 2000, NULL, "Art. 34 reasoning"},
    {"hipaa_states", V_LINE, 0, 0, 500, NULL, "Individuals per state"},
    {"hipaa_nature", V_TEXT, 0, 0, 2000, NULL,
     "Factor 1: nature and extent of the PHI"},
    {"hipaa_recipient", V_TEXT, 0, 0, 2000, NULL,
     "Factor 2: who used or received it"},
    {"hipaa_acquired", V_TEXT, 0, 0, 2000, NULL,
     "Factor 3: whether it was acquired or viewed"},
    {"hipaa_mitigation", V_TEXT, 0, 0, 2000, NULL,
     "Factor 4: extent of mitigation"},
    {"hipaa_conclusion", V_ENUM, 0, 0, 0, hipaa_conclusions,
     "Risk assessment conclusion"},
    {"financial_systems", V_BOOL, 0, 0, 0, NULL,
     "Touches in-scope financial systems (SOX)"},
    {"sox_control_area", V_ENUM, 0, 0, 0, sox_areas, "Control area"},
    {"sox_classification", V_ENUM, 0, 0, 0, sox_classes, "Classification"},
    {"sox_owner", V_LINE, 0, 0, 200, NULL, "Remediation owner"},
    {"sox_remediation_due", V_DATETIME, 0, 0, 0, NULL, "Remediation due"},
    {"sox_committee_at", V_DATETIME, 0, 0, 0, NULL, "Audit committee informed"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns 1 for the fields stored as times. */
static int is_time(int i)
{
	return compliance_fields[i].type == V_DATETIME;
}

/* Returns the index of a field by name, or -1. */
int compliance_index(const char *name)
{
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++)
		if (!strcmp(compliance_fields[i].name, name))
			return i;
	return -1;
}

/* Returns the label of value v in names (parallel to labels), or v. */
static const char *label_of(const char *const *names, const char *const *labels,
			    const char *v)
{
	for (int i = 0; v && names[i]; i++)
		if (!strcmp(names[i], v))
			return labels[i];
	return v ? v : "";
}

/* The coded fields: their values and the labels people read. */
static const struct coded {
	const char *field;
	const char *const *names, *const *labels;
} coded[] = {
    {"art34_decision", compliance_art34_decisions, art34_labels},
    {"hipaa_conclusion", hipaa_conclusions, hipaa_labels},
    {"sox_control_area", sox_areas, sox_area_labels},
    {"sox_classification", sox_classes, sox_class_labels},
};
#define NCODED (sizeof(coded) / sizeof(*coded))

/* Returns the human label of a coded field's value (Art. 34 decision,
 * HIPAA conclusion, SOX area and classification); other values as they
 * are. */
const char *compliance_value_label(const char *field, const char *v)
{
	for (size_t k = 0; k < NCODED; k++)
		if (!strcmp(field, coded[k].field))
			return label_of(coded[k].names, coded[k].labels, v);
	return v;
}

/* Fills vals with the incident's facts as text (arena strings; "" and
 * "0" when none were recorded). Returns 0 or -1 on a database error. */
int compliance_get(db *d, arena *a, int64_t incident,
		   const char *vals[COMPLIANCE_NFIELDS])
{
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++)
		vals[i] = compliance_fields[i].type == V_BOOL ? "0" : "";
	sqlite3_stmt *st = db_query(d, STMT_COMPLIANCE_GET, incident);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < COMPLIANCE_NFIELDS; i++) {
			if (is_time(i)) {
				char iso[21] = "";
				if (sqlite3_column_type(st, i) != SQLITE_NULL)
					clock_iso(db_int(st, i), iso);
				vals[i] = arena_strdup(a, iso);
			} else
				vals[i] = arena_strdup(a, db_text(st, i));
		}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Stores nw for the incident and writes one history row per changed
 * field (old and new text), inside the caller's transaction. Returns 0 or
 * -1 on a database error. */
int compliance_put(db *d, int64_t incident, int64_t actor,
		   const char *const old[COMPLIANCE_NFIELDS],
		   const char *const nw[COMPLIANCE_NFIELDS])
{
	sqlite3_stmt *st = db_stmt(d, STMT_COMPLIANCE_PUT);
	if (!st || sqlite3_bind_int64(st, 1, incident) != SQLITE_OK)
		return -1;
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++) {
		int rc;
		int64_t t = 0;
		if (is_time(i))
			rc = *nw[i] && clock_parse_iso(nw[i], &t) == 0
				 ? sqlite3_bind_int64(st, i + 2, t)
				 : sqlite3_bind_null(st, i + 2);
		else if (compliance_fields[i].type == V_BOOL)
			rc = sqlite3_bind_int(st, i + 2, !strcmp(nw[i], "1"));
		else
			rc = sqlite3_bind_text(st, i + 2, nw[i], -1,
					       SQLITE_TRANSIENT);
		if (rc != SQLITE_OK)
			return -1;
	}
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++)
		if (strcmp(old[i], nw[i]) &&
		    timeline_event(d, incident, actor, "field",
				   compliance_fields[i].name, old[i], nw[i],
				   1) != 0)
			return -1;
	return 0;
}

/* Records a notification made, with a history row, inside the caller's
 * transaction. Returns the new id, or -1 on a database error. */
int64_t compliance_notice_add(db *d, const struct incident *in,
			      const char *kind, int64_t made_at,
			      const char *channel, const char *reference,
			      const char *late_reason, int64_t actor)
{
	char iso[21], text[160];
	clock_iso(made_at, iso);
	snprintf(text, sizeof(text), "%s %s", kind, iso);
	if (db_exec(d, STMT_NOTICE_INSERT, in->id, kind, made_at, channel,
		    reference, late_reason, actor, clock_now()) != 0)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(d->h);
	if (timeline_event(d, in->id, actor, "field", "notification", NULL,
			   text, 1) != 0 ||
	    incidents_touch(d, in->id) != 0)
		return -1;
	return id;
}

/* Returns the notifications made for an incident, oldest first, each
 * with its deadline and whether it was late (new JSON array; NULL on a
 * database error). */
json_t *compliance_notices(db *d, const struct incident *in)
{
	sqlite3_stmt *st = db_query(d, STMT_NOTICE_LIST, in->id);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = db_text(st, 1);
		int64_t made = db_int(st, 2), due = deadlines_notice(in, kind);
		char m[21], dl[21] = "", rec[21];
		clock_iso(made, m);
		clock_iso(db_int(st, 7), rec);
		if (due)
			clock_iso(due, dl);
		json_array_append_new(
		    arr,
		    json_pack(
			"{sI ss ss ss ss ss ss ss sb ss ss}", "id",
			(json_int_t)db_int(st, 0), "kind", kind, "label",
			label_of(compliance_notice_kinds, notice_labels, kind),
			"made_at", m, "channel", db_text(st, 3), "reference",
			db_text(st, 4), "late_reason", db_text(st, 5),
			"deadline", dl, "late", due && made > due,
			"recorded_by", db_text(st, 6), "recorded_at", rec));
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns [{name, label, selected}] for a coded field's choices. */
static json_t *choices(const char *const *names, const char *const *labels,
		       const char *selected)
{
	json_t *arr = json_array();
	for (int i = 0; names[i]; i++)
		json_array_append_new(
		    arr, json_pack("{ss ss sb}", "name", names[i], "label",
				   labels[i], "selected",
				   selected && !strcmp(selected, names[i])));
	return arr;
}

/* Returns the facts as a JSON object {name: value} plus human labels of
 * the coded ones, the deadlines, and which regimes apply ("show"). New
 * reference. */
json_t *compliance_json(const struct incident *in,
			const char *const vals[COMPLIANCE_NFIELDS])
{
	json_t *o = json_object();
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++)
		json_object_set_new(o, compliance_fields[i].name,
				    compliance_fields[i].type == V_BOOL
					? json_boolean(!strcmp(vals[i], "1"))
					: json_string(vals[i]));
	json_t *labels = json_object(), *options = json_object();
	for (size_t k = 0; k < NCODED; k++) {
		const char *v = vals[compliance_index(coded[k].field)];
		json_object_set_new(
		    labels, coded[k].field,
		    json_string(label_of(coded[k].names, coded[k].labels, v)));
		json_object_set_new(
		    options, coded[k].field,
		    choices(coded[k].names, coded[k].labels, v));
	}
	json_object_set_new(
	    options, "notice_kinds",
	    choices(compliance_notice_kinds, notice_labels, NULL));
	json_object_set_new(o, "labels", labels);
	json_t *deadlines = json_object();
	for (int k = 0; compliance_notice_kinds[k]; k++) {
		int64_t due = deadlines_notice(in, compliance_notice_kinds[k]);
		char iso[21];
		if (!due)
			continue;
		clock_iso(due, iso);
		json_object_set_new(deadlines, compliance_notice_kinds[k],
				    json_string(iso));
	}
	json_object_set_new(o, "deadlines", deadlines);
	json_object_set_new(o, "options", options);
	json_object_set_new(
	    o, "show",
	    json_pack(
		"{sb sb sb}", "gdpr", in->personal_data, "hipaa",
		deadlines_hipaa(in), "sox",
		!strcmp(vals[compliance_index("financial_systems")], "1")));
	return o;
}
