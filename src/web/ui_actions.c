/* ui_actions.c - response actions: admins declare them at
 * /admin/actions (a built-in, or a signed webhook to an endpoint they
 * configure, its secret shown once); a lead runs one from an alert after
 * a confirmation page that says what it will do; every run is audited
 * and listed on the alert with its delivery state. */
#include "ui.h"

#include "../core/net.h"
#include "../core/rand.h"
#include "../domain/actions.h"
#include "../domain/alerts.h"

#include <string.h>

const struct field ui_actions_add_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 80, NULL, "Name"},
    {"kind", V_ENUM, F_REQUIRED, 0, 0, action_kinds, "What it does"},
    {"description", V_LINE, 0, 0, 300, NULL, "Description"},
    {"url", V_LINE, 0, 0, 2000, NULL, "Webhook URL"},
    {"secret", V_LINE, F_SECRET, 0, 200, NULL, "Signing secret"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_actions_enable_fields[] = {
    {"enabled", V_BOOL, 0, 0, 0, NULL, "Enabled"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/actions - the declared actions and the form for a new one. */
int ui_actions_index(struct ctx *c)
{
	json_t *list = actions_list(c->db, 0);
	if (!list)
		return -1;
	c->view = json_pack("{so so}", "actions", list, "kinds",
			    view_choices(action_kinds, NULL));
	return 0;
}

/* POST /admin/actions - declares an action; a webhook's secret is
 * generated when none is given and shown this once. */
int ui_actions_create(struct ctx *c)
{
	const char *name = ui_val(c, "name"), *kind = ui_val(c, "kind"),
		   *url = ui_val(c, "url"), *secret = ui_val(c, "secret");
	char err[160], gen[RAND_TOKEN_LEN] = "";
	int hook = !strcmp(kind, "webhook");
	if (hook && net_url_ok(url, err, sizeof(err)) != 0)
		return ctx_field_error(c, "url", err);
	if (!hook && *url)
		return ctx_field_error(c, "url",
				       "Only a webhook action has a URL");
	if (hook && !*secret) {
		if (rand_token(gen) != 0)
			return -1;
		secret = gen;
	} else if (hook && strlen(secret) < 16) {
		return ctx_field_error(c, "secret",
				       "Use at least 16 characters, or leave "
				       "it empty to have one generated");
	}
	if (db_begin(c->db) != 0)
		return -1;
	int taken = actions_name_taken(c->db, name);
	if (taken < 0)
		return -1;
	if (taken)
		return ctx_field_error(c, "name", "An action has that name");
	int64_t id = actions_add(c->db, name, kind, ui_val(c, "description"),
				 url, secret, c->me.user_id);
	if (id < 0 || ui_commit(c, "action.create", "action", id,
				json_pack("{ss ss ss}", "name", name, "kind",
					  kind, "url", url)) != 0)
		return -1;
	c->status = 201;
	if (!hook) {
		c->view = json_pack("{sI ss ss}", "id", (json_int_t)id, "name",
				    name, "kind", kind);
		return ctx_redirect(
		    c, "/admin/actions",
		    arena_printf(c->a, "Action %s declared.", name));
	}
	c->view = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "name",
			    name, "kind", kind, "url", url, "secret", secret);
	c->tmpl = "admin_action_created";
	return 0;
}

/* POST /admin/actions/{id}/enable - turns an action on or off. */
int ui_actions_enable(struct ctx *c)
{
	int on = !strcmp(ui_val(c, "enabled"), "1");
	json_t *a = actions_get(c->db, c->id);
	if (!a)
		return ctx_fail(c, 404, "not_found",
				"There is no such action.");
	json_decref(a);
	if (db_begin(c->db) != 0 || actions_set_enabled(c->db, c->id, on) ||
	    ui_commit(c, on ? "action.enable" : "action.disable", "action",
		      c->id, NULL) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "enabled", on);
	return ctx_redirect(c, "/admin/actions",
			    on ? "The action is enabled."
			       : "The action is disabled.");
}

/* GET /alerts/{id}/actions/{sub} - what running action sub on the alert
 * will do, with the button that does it. */
int ui_actions_confirm(struct ctx *c)
{
	json_t *a = alerts_get(c->db, c->id), *act = actions_get(c->db, c->sub);
	if (!a || !act || !json_is_true(json_object_get(act, "enabled"))) {
		json_decref(a);
		json_decref(act);
		return ctx_fail(c, 404, "not_found",
				"There is no such alert or enabled action.");
	}
	const char *kind = json_string_value(json_object_get(act, "kind"));
	json_object_set_new(act, kind, json_true());
	c->view = json_pack("{so so}", "alert", a, "action", act);
	return 0;
}

/* POST /alerts/{id}/actions/{sub} - runs action sub on the alert: 200
 * with what it did, or 409 with why it could not (the refusal is kept
 * with the alert and audited too). */
int ui_actions_run(struct ctx *c)
{
	enum action_outcome out;
	char why[600];
	if (db_begin(c->db) != 0 ||
	    actions_run(c->db, c->sub, c->id, c->me.user_id, &out, why,
			sizeof(why)) != 0)
		return -1;
	if (out == ACTION_MISSING)
		return ctx_fail(c, 404, "not_found", why);
	if (ui_commit(
		c, out == ACTION_DONE ? "alert.action" : "alert.action_refused",
		"alert", c->id,
		json_pack("{sI ss}", "action", (json_int_t)c->sub, "outcome",
			  why)) != 0)
		return -1;
	if (out == ACTION_REFUSED)
		return ctx_fail(
		    c, 409, "action_refused",
		    arena_printf(c->a, "Nothing was done: %s.", why));
	c->view = json_pack("{sI sI ss}", "alert", (json_int_t)c->id, "action",
			    (json_int_t)c->sub, "done", why);
	return ctx_redirect(
	    c, arena_printf(c->a, "/alerts/%lld", (long long)c->id),
	    arena_printf(c->a, "Done: %s.", why));
}
