/* ui_deliveries.c - the admin pages of outbound delivery: webhooks
 * (register, disable) and the outbox (pending, failed and dead deliveries,
 * with a retry button). */
#include "ui.h"

#include "../core/net.h"
#include "../core/rand.h"
#include "../domain/outbox.h"
#include "../domain/webhooks.h"

#include <string.h>

static const char *const state_filter[] = {"pending", "sending", "sent", "dead",
					   NULL};

const struct field ui_webhooks_add_fields[] = {
    {"url", V_LINE, F_REQUIRED, 8, 2000, NULL, "URL"},
    {"kinds", V_ENUM, F_MULTI | F_REQUIRED, 0, 0, webhooks_events, "Events"},
    {"secret", V_LINE, F_SECRET, 0, 200, NULL, "Signing secret"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_deliveries_list_fields[] = {
    {"state", V_ENUM, 0, 0, 0, state_filter, "State"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/webhooks - registered webhooks and the form for a new one. */
int ui_webhooks_index(struct ctx *c)
{
	json_t *list = webhooks_list(c->db);
	if (!list)
		return -1;
	c->view = json_pack("{so so}", "webhooks", list, "events",
			    view_choices(webhooks_events, NULL));
	return 0;
}

/* POST /admin/webhooks - registers a webhook; a secret is generated when
 * none is given and shown this once. */
int ui_webhooks_create(struct ctx *c)
{
	const char *url = ctx_val(c, "url"), *secret = ctx_val(c, "secret");
	char err[160], gen[RAND_TOKEN_LEN];
	if (net_url_ok(url, err, sizeof(err)) != 0)
		return ctx_field_error(c, "url", err);
	if (!secret || !*secret) {
		if (rand_token(gen) != 0)
			return -1;
		secret = gen;
	} else if (strlen(secret) < 16) {
		return ctx_field_error(c, "secret",
				       "Use at least 16 characters, or leave "
				       "it empty to have one generated");
	}
	const char *k = ctx_val(c, "kinds"); /* F_MULTI: comma-joined */
	if (db_begin(c->db) != 0)
		return -1;
	int64_t id = webhooks_add(c->db, url, secret, k, c->me.user_id);
	if (id < 0 || ui_commit(c, "webhook.create", "webhook", id,
				json_pack("{ss ss}", "url", url, "kinds", k)))
		return -1;
	c->view = json_pack("{sI ss ss ss}", "id", (json_int_t)id, "url", url,
			    "kinds", k, "secret", secret);
	c->status = 201;
	c->tmpl = "admin_webhook_created";
	return 0;
}

/* POST /admin/webhooks/{id}/disable - stops deliveries to a webhook. */
int ui_webhooks_remove(struct ctx *c)
{
	json_t *w = webhooks_get(c->db, c->id);
	if (!w)
		return ctx_fail(c, 404, "not_found", "No such webhook.");
	if (db_begin(c->db) != 0 || webhooks_disable(c->db, c->id) != 0 ||
	    ui_audit(c, "webhook.disable", "webhook", c->id,
		     json_pack("{sO}", "url", json_object_get(w, "url")))) {
		json_decref(w);
		return -1;
	}
	json_decref(w);
	if (db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "active", 0);
	return ctx_redirect(c, "/admin/webhooks", "Webhook disabled.");
}

/* GET /admin/deliveries - the outbox, newest first, by state. */
int ui_deliveries_index(struct ctx *c)
{
	int page, limit, offset;
	int64_t total;
	const char *state = ctx_val(c, "state");
	ctx_page_args(c, &page, &limit, &offset);
	json_t *items =
	    outbox_list(c->db, c->a, state ? state : "", limit, offset, &total);
	if (!items)
		return -1;
	c->view = json_pack("{so so ss so so}", "deliveries", items, "counts",
			    outbox_counts(c->db), "state", state ? state : "",
			    "states", view_choices(state_filter, state),
			    "pagination", ctx_page(c, total, page, limit));
	return 0;
}

/* POST /admin/deliveries/{id}/retry - makes a dead or waiting delivery
 * due now with fresh attempts. */
int ui_deliveries_retry(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = outbox_retry(c->db, c->id);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		db_rollback(c->db);
		struct outbox_item it;
		int found = outbox_get(c->db, c->a, c->id, &it) == 1;
		return found
			   ? ctx_fail(c, 409, "conflict",
				      "Only failed or waiting deliveries can "
				      "be retried.")
			   : ctx_fail(c, 404, "not_found", "No such delivery.");
	}
	if (ui_commit(c, "delivery.retry", "outbox", c->id, NULL) != 0)
		return -1;
	c->view =
	    json_pack("{sI ss}", "id", (json_int_t)c->id, "state", "pending");
	return ctx_redirect(c, "/admin/deliveries",
			    "Delivery queued again; the worker sends it within "
			    "a few seconds.");
}
