/* ui_tokens.c - a person's own API tokens: list, create (shown once),
 * revoke. */
#include "ui.h"

#include "../core/clock.h"

#include <string.h>

const struct field ui_tokens_create_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 100, NULL, "Name"},
    {"scope", V_ENUM, 0, 0, 0, token_scopes, "Scope"},
    {"expires_days", V_INT, 0, 1, 3650, NULL, "Expiry in days"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /tokens - the caller's tokens, never their secrets. */
int ui_tokens_list(struct ctx *c)
{
	json_t *list = token_list(c->db, c->me.user_id);
	if (!list)
		return -1;
	c->view = json_pack("{so}", "tokens", list);
	return 0;
}

/* POST /tokens - creates a token and shows it this once. */
int ui_tokens_create(struct ctx *c)
{
	const char *scope = ctx_val(c, "scope");
	int64_t days = ctx_int(c, "expires_days", 0), id;
	int64_t expires = days ? clock_now() + days * 86400 : 0;
	if (!scope)
		scope = "read";
	if (!strcmp(scope, "metrics") && !perm_has(c->me.role, PERM_SETTINGS))
		return ctx_field_error(c, "scope",
				       "Only admins make metrics tokens");
	char token[TOKEN_LEN];
	if (db_begin(c->db) != 0)
		return -1;
	if (token_create(c->db, c->me.user_id, ctx_val(c, "name"), scope,
			 expires, token, &id) != 0)
		return -1;
	if (ui_commit(c, "token.create", "api_token", id,
		      json_pack("{ss ss}", "name", ctx_val(c, "name"), "scope",
				scope)) != 0)
		return -1;
	char exp[21] = "";
	if (expires)
		clock_iso(expires, exp);
	c->view = json_pack("{sI ss ss ss ss?}", "id", (json_int_t)id, "name",
			    ctx_val(c, "name"), "token", token, "scope", scope,
			    "expires_at", expires ? exp : NULL);
	c->status = 201;
	c->tmpl = "token_created";
	return 0;
}

/* POST /tokens/{id}/revoke and DELETE /tokens/{id} - revokes one of the
 * caller's own tokens; someone else's is a 404. */
int ui_tokens_revoke(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = token_revoke(c->db, c->me.user_id, c->id);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		return ctx_fail(c, 404, "not_found",
				"No such active token of yours.");
	}
	if (ui_commit(c, "token.revoke", "api_token", c->id, NULL) != 0)
		return -1;
	c->view = json_pack("{sI sb}", "id", (json_int_t)c->id, "revoked", 1);
	return ctx_redirect(c, "/tokens", "Token revoked.");
}
