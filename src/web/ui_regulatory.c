/* ui_regulatory.c - the compliance part of an incident page: the GDPR,
 * HIPAA and SOX facts analysts record and the notifications made, each
 * change a history row and an audit row in one transaction. */
#include "ui.h"

#include "../core/clock.h"
#include "../domain/compliance.h"
#include "../domain/deadlines.h"
#include "../domain/incidents.h"

#include <string.h>

const struct field ui_regulatory_notice_fields[] = {
    {"kind", V_ENUM, F_REQUIRED, 0, 0, compliance_notice_kinds, "Notified"},
    {"made_at", V_DATETIME, F_REQUIRED, 0, 0, NULL, "When"},
    {"channel", V_LINE, F_REQUIRED, 2, 200, NULL, "How"},
    {"reference", V_LINE, 0, 0, 200, NULL, "Their reference"},
    {"late_reason", V_TEXT, 0, 0, 2000, NULL, "Reason for the delay"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns the compliance view of an incident for staff: facts, labels,
 * deadlines, notifications (new reference; NULL on a database error). */
json_t *ui_regulatory_view(struct ctx *c, const struct incident *in)
{
	const char *vals[COMPLIANCE_NFIELDS];
	if (compliance_get(c->db, c->a, in->id, vals) != 0)
		return NULL;
	json_t *notices = compliance_notices(c->db, in);
	if (!notices)
		return NULL;
	json_t *o = compliance_json(in, vals);
	json_object_set_new(o, "notices", notices);
	/* datetime-local inputs take "YYYY-MM-DDTHH:MM" */
	json_t *inputs = json_object();
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++)
		if (compliance_fields[i].type == V_DATETIME)
			json_object_set_new(
			    inputs, compliance_fields[i].name,
			    json_stringn(vals[i], *vals[i] ? 16 : 0));
	json_object_set_new(o, "inputs", inputs);
	return o;
}

/* POST /incidents/{id}/compliance - records the regulatory facts sent
 * (fields not sent keep their value). An exemption from notifying data
 * subjects needs its reasoning. */
int ui_regulatory_save(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	const char *old[COMPLIANCE_NFIELDS], *nw[COMPLIANCE_NFIELDS];
	if (compliance_get(c->db, c->a, in.id, old) != 0)
		return -1;
	int changes = 0;
	for (int i = 0; i < COMPLIANCE_NFIELDS; i++) {
		const char *name = compliance_fields[i].name;
		nw[i] = old[i];
		if (ctx_has(c, name)) {
			const char *v = ctx_val(c, name);
			nw[i] = v ? v : "";
			/* times: stored and compared in one ISO form */
			int64_t t = 0;
			if (compliance_fields[i].type == V_DATETIME && *nw[i] &&
			    clock_parse_iso(nw[i], &t) == 0) {
				char iso[21];
				clock_iso(t, iso);
				nw[i] = arena_strdup(c->a, iso);
			}
		}
		changes += strcmp(old[i], nw[i]) != 0;
	}
	const char *decision = nw[compliance_index("art34_decision")];
	if (!strncmp(decision, "exempt_", 7) &&
	    !*nw[compliance_index("art34_reason")])
		return ctx_field_error(c, "art34_reason",
				       "Explain why data subjects are not "
				       "notified");
	if (!changes)
		return ctx_redirect(
		    c, arena_printf(c->a, "/incidents/%lld", (long long)in.id),
		    "Nothing changed.");
	if (db_begin(c->db) != 0)
		return -1;
	if (compliance_put(c->db, in.id, c->me.user_id, old, nw) != 0 ||
	    incidents_touch(c->db, in.id) != 0 ||
	    ui_commit(
		c, "incident.compliance", "incident", in.id,
		json_pack("{ss si}", "ref", in.ref, "changed", changes)) != 0)
		return -1;
	c->view = json_pack("{so}", "compliance", ui_regulatory_view(c, &in));
	return ctx_redirect(
	    c, arena_printf(c->a, "/incidents/%lld", (long long)in.id),
	    "Compliance details saved.");
}

/* POST /incidents/{id}/notices - records a notification made (to the
 * authority, the people affected, HHS, the media or the audit
 * committee). A notification after its legal deadline needs a reason;
 * one in the future is refused. */
int ui_regulatory_notice(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	const char *kind = ctx_val(c, "kind");
	int64_t made = ctx_time(c, "made_at");
	const char *reason = ctx_val(c, "late_reason");
	if (made > clock_now() + 300)
		return ctx_field_error(c, "made_at",
				       "A notification cannot be in the "
				       "future");
	if (made < in.created_at - 366 * 86400LL)
		return ctx_field_error(c, "made_at",
				       "This is long before the incident");
	int64_t due = deadlines_notice(&in, kind);
	if (due && made > due && (!reason || !*reason)) {
		char iso[21];
		clock_iso(due, iso);
		return ctx_field_error(
		    c, "late_reason",
		    arena_printf(c->a,
				 "The deadline was %s UTC: give the reason "
				 "for the delay",
				 iso));
	}
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = compliance_notice_add(
	    c->db, &in, kind, made, ctx_val(c, "channel"),
	    ctx_val(c, "reference") ? ctx_val(c, "reference") : "",
	    reason ? reason : "", c->me.user_id);
	if (id < 0 ||
	    ui_commit(c, "incident.notification", "incident", in.id,
		      json_pack("{ss ss sb}", "ref", in.ref, "kind", kind,
				"late", due && made > due)) != 0)
		return -1;
	c->status = 201;
	c->view = json_pack("{so}", "notices", compliance_notices(c->db, &in));
	return ctx_redirect(
	    c, arena_printf(c->a, "/incidents/%lld", (long long)in.id),
	    "Notification recorded.");
}
