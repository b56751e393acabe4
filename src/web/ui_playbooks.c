/* ui_playbooks.c - the mitigation playbooks: the list, one playbook (with
 * the edit form for leads), saving it, and an incident's checklist. */
#include "ui.h"

#include "../core/clock.h"
#include "../domain/incidents.h"
#include "../domain/playbooks.h"

const struct field ui_playbooks_edit_fields[] = {
    {"body", V_TEXT, F_REQUIRED, 1, 20000, NULL, "Playbook"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_playbooks_tick_fields[] = {
    {"done", V_INT, F_MULTI, 1, 100, NULL, "Step"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /playbooks - every category and its playbook. */
int ui_playbooks_index(struct ctx *c)
{
	json_t *list = playbooks_list(c->db);
	if (!list)
		return -1;
	c->view = json_pack("{so sb}", "playbooks", list, "can_edit",
			    perm_has(c->me.role, PERM_PLAYBOOK_EDIT));
	return 0;
}

/* GET /playbooks/{id} - one category's playbook (by category id). */
int ui_playbooks_show(struct ctx *c)
{
	json_t *pb = playbooks_get(c->db, c->a, c->id, 0);
	if (!pb)
		return ctx_fail(c, 404, "not_found", "No such playbook.");
	c->view = json_pack("{so sb}", "playbook", pb, "can_edit",
			    perm_has(c->me.role, PERM_PLAYBOOK_EDIT));
	return 0;
}

/* POST /playbooks/{id} - a lead rewrites a category's playbook. */
int ui_playbooks_update(struct ctx *c)
{
	json_t *pb = playbooks_get(c->db, c->a, c->id, 0);
	if (!pb)
		return ctx_fail(c, 404, "not_found", "No such playbook.");
	json_decref(pb);
	const char *body = ctx_val(c, "body");
	if (db_begin(c->db) != 0 ||
	    playbooks_save(c->db, c->id, body, c->me.user_id) != 0 ||
	    ui_commit(c, "playbook.update", "category", c->id, NULL) != 0)
		return -1;
	c->view =
	    json_pack("{so}", "playbook", playbooks_get(c->db, c->a, c->id, 0));
	return ctx_redirect(
	    c, arena_printf(c->a, "/playbooks/%lld", (long long)c->id),
	    "Playbook saved.");
}

/* POST /incidents/{id}/checklist - sets which steps of the incident's
 * playbook are done (the ones sent); changes go to the history. */
int ui_playbooks_checklist(struct ctx *c)
{
	struct incident in;
	int rc = ui_load_incident(c, &in);
	if (rc <= 0)
		return rc;
	int changed;
	if (db_begin(c->db) != 0)
		return -1;
	rc = playbooks_tick(c->db, c->a, in.category_id, in.id,
			    ctx_val(c, "done"), c->me.user_id, &changed);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		return ctx_fail(c, 409, "conflict",
				"This incident's category has no playbook.");
	}
	if (changed && incidents_touch(c->db, in.id) != 0)
		return -1;
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{so}", "playbook",
			    playbooks_get(c->db, c->a, in.category_id, in.id));
	return ctx_redirect(
	    c, arena_printf(c->a, "/incidents/%lld#playbook", (long long)in.id),
	    changed ? "Checklist saved." : "Nothing changed.");
}
