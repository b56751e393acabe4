/* ui_assets.c - the assets admins tag at /admin/assets: a host by name
 * or a subnet by CIDR, its owner, criticality and whether it is a crown
 * jewel. Tagging a name again changes its tag. The team reads the list. */
#include "ui.h"

#include "../core/cidr.h"
#include "../domain/assets.h"

#include <ctype.h>
#include <string.h>

const struct field ui_assets_put_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 200, NULL, "Host or subnet"},
    {"owner", V_LINE, 0, 0, 200, NULL, "Owner"},
    {"criticality", V_ENUM, F_REQUIRED, 0, 0, asset_criticalities,
     "Criticality"},
    {"crown_jewel", V_BOOL, 0, 0, 0, NULL, "Crown jewel"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/assets - the tagged assets and the form to tag one. */
int ui_assets_index(struct ctx *c)
{
	json_t *list = assets_list(c->db);
	if (!list)
		return -1;
	c->view = json_pack("{so so}", "assets", list, "criticalities",
			    view_choices(asset_criticalities, "medium"));
	return 0;
}

/* Whether name is a host name (letters, digits, dots, dashes,
 * underscores) or a subnet. */
static int name_ok(const char *name)
{
	struct cidr net;
	if (strchr(name, '/') || strchr(name, ':'))
		return cidr_parse(name, &net) == 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
			return 0;
	return 1;
}

/* POST /admin/assets - tags a host or subnet (or changes its tag). */
int ui_assets_put(struct ctx *c)
{
	const char *name = ui_val(c, "name"), *crit = ui_val(c, "criticality");
	int crown = !strcmp(ui_val(c, "crown_jewel"), "1");
	if (!name_ok(name))
		return ctx_field_error(
		    c, "name",
		    "Give a host name (letters, digits, dots, dashes) or a "
		    "subnet such as 10.0.5.0/24");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = assets_put(c->db, name, ui_val(c, "owner"), crit, crown,
				c->me.user_id);
	if (id < 0 ||
	    ui_commit(c, "asset.tag", "asset", id,
		      json_pack("{ss ss sb}", "name", name, "criticality", crit,
				"crown_jewel", crown)) != 0)
		return -1;
	c->view = assets_get(c->db, id);
	return ctx_redirect(c, "/admin/assets",
			    arena_printf(c->a, "%s is tagged %s%s.", name, crit,
					 crown ? ", a crown jewel" : ""));
}

/* POST /admin/assets/{id}/delete - removes an asset's tag. */
int ui_assets_remove(struct ctx *c)
{
	json_t *a = assets_get(c->db, c->id);
	if (!a)
		return ctx_fail(c, 404, "not_found", "There is no such asset.");
	const char *name =
	    arena_strdup(c->a, json_string_value(json_object_get(a, "name")));
	json_decref(a);
	if (db_begin(c->db) != 0 || assets_remove(c->db, c->id) < 0 ||
	    ui_commit(c, "asset.remove", "asset", c->id,
		      json_pack("{ss}", "name", name)) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "removed", 1);
	return ctx_redirect(
	    c, "/admin/assets",
	    arena_printf(c->a, "%s is no longer tagged.", name));
}
