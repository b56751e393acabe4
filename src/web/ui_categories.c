/* ui_categories.c - the admin page for incident categories: add, rename,
 * re-map to the ENISA taxonomy, deactivate. Slugs never change, so
 * exports and filters stay stable; every change is audited. */
#include "ui.h"

#include "../domain/categories.h"

#include <string.h>

/* The classes of the ENISA Reference Incident Classification Taxonomy. */
static const char *const enisa_classes[] = {"abusive-content",
					    "malicious-code",
					    "information-gathering",
					    "intrusion-attempts",
					    "intrusions",
					    "availability",
					    "information-content-security",
					    "fraud",
					    "vulnerable",
					    "other",
					    "test",
					    NULL};

const struct field ui_categories_add_fields[] = {
    {"slug", V_LINE, F_REQUIRED, 2, 40, NULL, "Short name"},
    {"name", V_LINE, F_REQUIRED, 2, 80, NULL, "Name"},
    {"enisa_class", V_ENUM, F_REQUIRED, 0, 0, enisa_classes, "ENISA class"},
    {"description", V_LINE, 0, 0, 300, NULL, "Description"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_categories_edit_fields[] = {
    {"name", V_LINE, F_REQUIRED, 2, 80, NULL, "Name"},
    {"enisa_class", V_ENUM, F_REQUIRED, 0, 0, enisa_classes, "ENISA class"},
    {"description", V_LINE, 0, 0, 300, NULL, "Description"},
    {"active", V_BOOL, 0, 0, 0, NULL, "Active"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/categories - every category, active or not. */
int ui_categories_list(struct ctx *c)
{
	json_t *arr = categories_list(c->db, 0, NULL), *cat;
	if (!arr)
		return -1;
	size_t k;
	json_array_foreach(arr, k, cat)
	{
		const char *mine =
		    json_string_value(json_object_get(cat, "enisa_class"));
		json_t *classes = json_array();
		for (int i = 0; enisa_classes[i]; i++)
			json_array_append_new(
			    classes,
			    json_pack("{ss sb}", "name", enisa_classes[i],
				      "selected",
				      !strcmp(enisa_classes[i], mine)));
		json_object_set_new(cat, "classes", classes);
	}
	json_t *all = json_array();
	for (int i = 0; enisa_classes[i]; i++)
		json_array_append_new(all, json_string(enisa_classes[i]));
	c->view = json_pack("{so so}", "categories", arr, "enisa_classes", all);
	return 0;
}

/* POST /admin/categories - adds a category. */
int ui_categories_add(struct ctx *c)
{
	const char *slug = ctx_val(c, "slug");
	if (strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(slug))
		return ctx_field_error(
		    c, "slug", "Short name may use only a-z, 0-9 and -");
	const char *desc = ctx_val(c, "description");
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = categories_id(c->db, slug, 0);
	if (id > 0)
		return ctx_field_error(c, "slug", "Short name is already used");
	if (id == 0)
		id = categories_add(c->db, slug, ctx_val(c, "name"),
				    ctx_val(c, "enisa_class"), desc);
	if (id < 0 ||
	    ui_commit(c, "category.create", "category", id,
		      json_pack("{ss ss}", "slug", slug, "enisa_class",
				ctx_val(c, "enisa_class"))) != 0)
		return -1;
	c->status = 201;
	c->view = json_pack("{s{sI ss}}", "category", "id", (json_int_t)id,
			    "slug", slug);
	return ctx_redirect(c, "/admin/categories", "Category added.");
}

/* POST /admin/categories/{id} - renames, re-maps or (de)activates. */
int ui_categories_edit(struct ctx *c)
{
	const char *desc = ctx_val(c, "description");
	int active = ctx_int(c, "active", 0) == 1;
	int found = categories_exists(c->db, c->id);
	if (found <= 0)
		return found < 0
			   ? -1
			   : ctx_fail(c, 404, "not_found", "No such category.");
	if (db_begin(c->db) != 0)
		return -1;
	if (categories_update(c->db, c->id, ctx_val(c, "name"),
			      ctx_val(c, "enisa_class"), desc, active) != 0 ||
	    ui_commit(c, "category.update", "category", c->id,
		      json_pack("{ss ss sb}", "name", ctx_val(c, "name"),
				"enisa_class", ctx_val(c, "enisa_class"),
				"active", active)) != 0)
		return -1;
	c->view = json_pack("{s{sI sb}}", "category", "id", (json_int_t)c->id,
			    "active", active);
	return ctx_redirect(c, "/admin/categories", "Category saved.");
}
