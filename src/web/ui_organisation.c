/* ui_organisation.c - the organisation settings that reports print
 * (controller, DPO, supervisory authority, audit committee). */
#include "ui.h"

#include "../domain/clocks.h"
#include "../domain/settings.h"

#include <string.h>

const struct field ui_organisation_fields[] = {
    {"org_name", V_LINE, F_REQUIRED, 1, 200, NULL, "Organisation name"},
    {"controller", V_LINE, 0, 0, 200, NULL, "Data controller"},
    {"controller_contact", V_TEXT, 0, 0, 500, NULL, "Controller contact"},
    {"dpo_name", V_LINE, 0, 0, 200, NULL, "Data protection officer"},
    {"dpo_contact", V_TEXT, 0, 0, 500, NULL, "DPO contact"},
    {"authority", V_LINE, 0, 0, 200, NULL, "Supervisory authority"},
    {"sox_committee", V_LINE, 0, 0, 200, NULL, "Audit committee"},
    /* SLA targets in minutes (the clocks of every open incident are
       recomputed when one changes) */
    {"sla_critical_triage", V_INT, 0, 1, 525600, NULL, "Critical: triage"},
    {"sla_critical_resolve", V_INT, 0, 1, 5256000, NULL, "Critical: resolve"},
    {"sla_high_triage", V_INT, 0, 1, 525600, NULL, "High: triage"},
    {"sla_high_resolve", V_INT, 0, 1, 5256000, NULL, "High: resolve"},
    {"sla_medium_triage", V_INT, 0, 1, 525600, NULL, "Medium: triage"},
    {"sla_medium_resolve", V_INT, 0, 1, 5256000, NULL, "Medium: resolve"},
    {"sla_low_triage", V_INT, 0, 1, 525600, NULL, "Low: triage"},
    {"sla_low_resolve", V_INT, 0, 1, 5256000, NULL, "Low: resolve"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/settings - the organisation settings form. */
int ui_organisation_show(struct ctx *c)
{
	json_t *s = settings_all(c->db);
	if (!s)
		return -1;
	c->view = json_pack("{so}", "settings", s);
	return 0;
}

/* POST /admin/settings - saves the settings sent; audited with the
 * names of the changed keys. A changed SLA target moves the clocks of
 * every open incident in the same transaction. */
int ui_organisation_save(struct ctx *c)
{
	json_t *cur = settings_all(c->db), *changed = json_array();
	if (!cur) {
		json_decref(changed);
		return -1;
	}
	if (db_begin(c->db) != 0)
		goto fail;
	int sla = 0;
	for (const struct field *f = ui_organisation_fields; f->name; f++) {
		if (!ctx_has(c, f->name))
			continue;
		const char *v = ctx_val(c, f->name);
		int is_sla = !strncmp(f->name, "sla_", 4);
		if (!v && is_sla)
			continue; /* an SLA target cannot be emptied */
		if (!v)
			v = "";
		if (!strcmp(v, settings_str(cur, f->name)))
			continue;
		if (settings_set(c->db, f->name, v) != 0)
			goto fail;
		json_array_append_new(changed, json_string(f->name));
		sla |= is_sla;
	}
	if ((sla && clocks_refresh_open(c->db) != 0) ||
	    ui_commit(c, "settings.update", "settings", 0,
		      json_pack("{sO}", "changed", changed)) != 0)
		goto fail;
	json_decref(cur);
	json_decref(changed);
	c->view = json_pack("{so}", "settings", settings_all(c->db));
	return ctx_redirect(c, "/admin/settings", "Settings saved.");
fail:
	json_decref(cur);
	json_decref(changed);
	return -1;
}
