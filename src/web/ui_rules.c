/* ui_rules.c - the detection rules at /admin/rules: every file Secura
 * ships and every file admins uploaded, with their rules, level, kind
 * and ATT&CK techniques; one file's YAML; an upload (refused with the
 * line and reason when it does not parse or link); turning a file on
 * or off. The intake picks a change up within a second. */
#include "ui.h"

#include "../core/config.h"
#include "../domain/rules.h"

#include <stdlib.h>
#include <string.h>

const struct field ui_rules_upload_fields[] = {
    {"file", V_LINE, F_REQUIRED, 5, 80, NULL, "File name"},
    {"yaml", V_TEXT, F_REQUIRED, 1, RULES_MAX_BYTES, NULL, "Rule (YAML)"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_rules_enable_fields[] = {
    {"enabled", V_BOOL, 0, 0, 0, NULL, "Enabled"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/rules - every rule file, shipped first, with its rules. */
int ui_rules_index(struct ctx *c)
{
	json_t *files = rules_list(c->db, config_get()->rules_dir);
	if (!files)
		return -1;
	size_t on = 0, i;
	json_t *f;
	json_array_foreach(files, i, f) on +=
	    json_is_true(json_object_get(f, "enabled"));
	c->view =
	    json_pack("{so sI sI}", "files", files, "enabled", (json_int_t)on,
		      "total", (json_int_t)json_array_size(files));
	return 0;
}

/* GET /admin/rules/{ref} - one file's YAML. */
int ui_rules_show(struct ctx *c)
{
	char *text = rules_text(c->db, config_get()->rules_dir, c->ref);
	if (!text)
		return ctx_fail(c, 404, "not_found",
				"There is no such rule "
				"file.");
	c->view = json_pack("{ss ss}", "file", c->ref, "yaml", text);
	free(text);
	return 0;
}

/* POST /admin/rules - uploads a rule file (file, yaml), enabled. */
int ui_rules_upload(struct ctx *c)
{
	const char *file = ui_val(c, "file"), *yaml = ui_val(c, "yaml");
	char err[700];
	if (db_begin(c->db) != 0)
		return -1;
	int rc = rules_upload(c->db, config_get()->rules_dir, file, yaml,
			      c->me.user_id, err, sizeof(err));
	if (rc < 0)
		return -1;
	if (rc == 1)
		return ctx_fail(
		    c, 422, "invalid_rule",
		    arena_printf(c->a, "The rule is refused: %s", err));
	if (ui_commit(c, "rule.upload", "rule", 0,
		      json_pack("{ss}", "file", file)) != 0)
		return -1;
	c->view = json_pack("{ss sb}", "file", file, "enabled", 1);
	c->status = 201;
	return ctx_redirect(c, "/admin/rules",
			    arena_printf(c->a,
					 "%s is uploaded and enabled: the "
					 "intake runs it within a second.",
					 file));
}

/* POST /admin/rules/{ref}/enable - turns a file on (enabled=1) or off. */
int ui_rules_enable(struct ctx *c)
{
	int on = !strcmp(ui_val(c, "enabled"), "1");
	char err[700];
	if (db_begin(c->db) != 0)
		return -1;
	int rc = rules_enable(c->db, config_get()->rules_dir, c->ref, on,
			      c->me.user_id, err, sizeof(err));
	if (rc < 0)
		return -1;
	if (rc == 2)
		return ctx_fail(c, 404, "not_found",
				"There is no such rule "
				"file.");
	if (rc == 1)
		return ctx_fail(c, 409, "rule_needed",
				arena_printf(c->a, "Not changed: %s", err));
	if (ui_commit(c, on ? "rule.enable" : "rule.disable", "rule", 0,
		      json_pack("{ss}", "file", c->ref)) != 0)
		return -1;
	c->view = json_pack("{ss sb}", "file", c->ref, "enabled", on);
	return ctx_redirect(c, "/admin/rules",
			    arena_printf(c->a, "%s is %s.", c->ref,
					 on ? "enabled" : "disabled"));
}
