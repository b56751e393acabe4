/* organisation.c - the organisation settings that reports print
 * (controller, DPO, supervisory authority, audit committee). */
#include "web.h"

#include "../domain/settings.h"

#include <string.h>

const struct field organisation_fields[] = {
    {"org_name", V_LINE, F_REQUIRED, 1, 200, NULL, "Organisation name"},
    {"controller", V_LINE, 0, 0, 200, NULL, "Data controller"},
    {"controller_contact", V_TEXT, 0, 0, 500, NULL, "Controller contact"},
    {"dpo_name", V_LINE, 0, 0, 200, NULL, "Data protection officer"},
    {"dpo_contact", V_TEXT, 0, 0, 500, NULL, "DPO contact"},
    {"authority", V_LINE, 0, 0, 200, NULL, "Supervisory authority"},
    {"sox_committee", V_LINE, 0, 0, 200, NULL, "Audit committee"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/settings - the organisation settings form. */
int organisation_show(struct ctx *c)
{
	json_t *s = settings_all(c->db);
	if (!s)
		return -1;
	c->view = json_pack("{so}", "settings", s);
	return 0;
}

/* POST /admin/settings - saves the settings sent; audited with the
 * names of the changed keys. */
int organisation_save(struct ctx *c)
{
	json_t *cur = settings_all(c->db), *changed = json_array();
	if (!cur) {
		json_decref(changed);
		return -1;
	}
	if (db_begin(c->db) != 0)
		goto fail;
	for (const struct field *f = organisation_fields; f->name; f++) {
		if (!ctx_has(c, f->name))
			continue;
		const char *v = ctx_val(c, f->name);
		if (!v)
			v = "";
		if (!strcmp(v, settings_str(cur, f->name)))
			continue;
		if (settings_set(c->db, f->name, v) != 0)
			goto abort;
		json_array_append_new(changed, json_string(f->name));
	}
	if (ctx_audit(c, "settings.update", "settings", 0,
		      json_pack("{sO}", "changed", changed)) != 0)
		goto abort;
	if (db_commit(c->db) != 0)
		goto fail;
	json_decref(cur);
	json_decref(changed);
	c->view = json_pack("{so}", "settings", settings_all(c->db));
	return ctx_redirect(c, "/admin/settings", "Settings saved.");
abort:
	web_abort(c);
fail:
	json_decref(cur);
	json_decref(changed);
	return -1;
}
