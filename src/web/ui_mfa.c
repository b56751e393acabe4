/* ui_mfa.c - the second factor: the code asked for after the password
 * (and again before admin changes), a person setting up, renewing and
 * turning off their authenticator, and the admins' page (which roles
 * must have one, resetting a person's). Every step is audited; codes are
 * throttled like passwords. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/totp.h"
#include "../domain/mfa.h"
#include "../domain/settings.h"
#include "../domain/users.h"

#include <string.h>

const struct field ui_mfa_code_fields[] = {
    {"code", V_LINE, F_REQUIRED | F_SECRET, 1, 40, NULL, "Code"},
    {"next", V_LINE, 0, 0, 500, NULL, "Next page"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_mfa_roles_fields[] = {
    {"roles", V_ENUM, F_MULTI, 0, 0, perm_role_names, "Roles"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Answers 429 when the caller's codes (with their passwords) have failed
 * too often; returns 1 then, else 0. */
static int throttled(struct ctx *c)
{
	int64_t retry;
	if (!throttle_check(c->db, c->me.email, c->remote_addr, &retry))
		return 0;
	ctx_header(c, "Retry-After",
		   arena_printf(c->a, "%lld", (long long)retry));
	ctx_fail(c, 429, "too_many_attempts",
		 arena_printf(c->a,
			      "Too many wrong codes. Try again in %lld "
			      "minutes.",
			      (long long)(retry + 59) / 60));
	return 1;
}

/* Records a wrong code (throttle, audit) and answers 422 on the code
 * field. Returns the handler's outcome. */
static int wrong_code(struct ctx *c, const char *action)
{
	if (db_begin(c->db) != 0)
		return -1;
	throttle_fail(c->db, c->me.email, c->remote_addr);
	if (ui_commit(c, action, "user", c->me.user_id, NULL) != 0)
		return -1;
	return ctx_field_error(c, "code",
			       "That code is not right (or was used "
			       "already). Use the current code from your "
			       "authenticator, or a recovery code.");
}

/* Checks the code the request came with (throttled; a wrong one audited
 * as failed and answered 422). Returns 1 when it is good, with the write
 * transaction open and *recovery set when it was a recovery code; 0
 * with the answer recorded; -1 on error. */
static int check_code(struct ctx *c, const char *failed, int *recovery)
{
	if (throttled(c))
		return 0;
	if (db_begin(c->db) != 0)
		return -1;
	int ok = mfa_verify(c->db, c->a, c->me.user_id, ctx_val(c, "code"),
			    recovery);
	if (ok < 0)
		return -1;
	if (!ok) {
		db_commit(c->db);
		return wrong_code(c, failed) < 0 ? -1 : 0;
	}
	return 1; /* the transaction stays open for the change */
}

/* GET /login/2fa - the code form after the password (or before an admin
 * change). */
int ui_mfa_form(struct ctx *c)
{
	c->view = json_pack("{s{ss} sb}", "values", "next",
			    ui_local_path(ctx_val(c, "next")), "enrolled",
			    c->me.mfa_enrolled);
	if (!c->me.mfa_enrolled && !c->err_code)
		return ctx_redirect(c, "/account/2fa", NULL);
	return 0;
}

/* POST /login/2fa - checks a code from the authenticator or a recovery
 * code; the session then counts as signed in with both factors. */
int ui_mfa_verify(struct ctx *c)
{
	if (!c->me.mfa_enrolled)
		return ctx_fail(c, 409, "no_second_factor",
				"You have no second factor to give: set one "
				"up at /account/2fa.");
	int recovery = 0;
	int ok = check_code(c, "login.second_factor_failed", &recovery);
	if (ok <= 0)
		return ok;
	throttle_clear(c->db, c->me.email);
	struct mfa_state st;
	if (session_second_factor(c->db, c->me.session_id, clock_now()) != 0 ||
	    mfa_get(c->db, c->a, c->me.user_id, &st) < 0 ||
	    ui_commit(c, "login.second_factor", "user", c->me.user_id,
		      json_pack("{sb si}", "recovery_code", recovery,
				"recovery_left", st.recovery_left)) != 0)
		return -1;
	c->view = json_pack("{sb sb si}", "second_factor", 1, "recovery_code",
			    recovery, "recovery_left", st.recovery_left);
	return ctx_redirect(
	    c, ui_local_path(ctx_val(c, "next")),
	    recovery ? arena_printf(c->a,
				    "Signed in with a recovery code: %d left. "
				    "Make new ones on your profile's second "
				    "factor page.",
				    st.recovery_left)
		     : NULL);
}

/* Puts the state of the caller's second factor into c->view (a new
 * object): enrolled, being set up (with its secret, the otpauth address
 * and its QR code), required by their role, recovery codes left. */
static int account_view(struct ctx *c)
{
	struct mfa_state st;
	if (mfa_get(c->db, c->a, c->me.user_id, &st) < 0)
		return -1;
	c->view =
	    json_pack("{sb sb sb si}", "enrolled", st.confirmed > 0,
		      "setting_up", st.exists && !st.confirmed, "required",
		      c->me.mfa_required, "recovery_left", st.recovery_left);
	if (st.exists && !st.confirmed) {
		json_t *org = settings_all(c->db);
		const char *issuer = org ? settings_str(org, "org_name") : "";
		const char *uri = totp_uri(c->a, *issuer ? issuer : "Secura",
					   c->me.email, st.secret);
		buf qr = BUF_INIT;
		int drawn = totp_qr_svg(&qr, uri) == 0;
		json_object_set_new(c->view, "secret", json_string(st.secret));
		json_object_set_new(c->view, "otpauth", json_string(uri));
		if (drawn && !c->api)
			json_object_set_new(c->view, "qr_svg_html",
					    json_string(buf_cstr(&qr)));
		buf_free(&qr);
		json_decref(org);
	}
	return 0;
}

/* GET /account/2fa - the caller's second factor: set it up, renew the
 * recovery codes, turn it off. */
int ui_mfa_account(struct ctx *c)
{
	return account_view(c);
}

/* POST /account/2fa/setup - a new secret for the authenticator (replacing
 * one being set up); the page then shows it and asks for a first code. */
int ui_mfa_setup(struct ctx *c)
{
	char secret[TOTP_SECRET_LEN];
	if (db_begin(c->db) != 0)
		return -1;
	int rc = mfa_begin(c->db, c->me.user_id, secret);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		db_rollback(c->db);
		return ctx_fail(c, 409, "already_set_up",
				"You already have a second factor. Turn it "
				"off first to set up another.");
	}
	if (ui_commit(c, "second_factor.setup", "user", c->me.user_id, NULL) !=
	    0)
		return -1;
	if (account_view(c) != 0)
		return -1;
	return ctx_redirect(c, "/account/2fa",
			    "Scan the code with your authenticator, then type "
			    "the six digits it shows.");
}

/* Ends a change that made recovery codes (audited as action, which
 * commits): the page's view with the codes (shown this once) and the
 * message above them. Returns the handler's outcome. */
static int show_codes(struct ctx *c, const char *action,
		      char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN],
		      const char *message)
{
	if (ui_commit(c, action, "user", c->me.user_id, NULL) != 0 ||
	    account_view(c) != 0)
		return -1;
	json_t *arr = json_array();
	for (int i = 0; i < MFA_RECOVERY_CODES; i++)
		json_array_append_new(arr, json_string(codes[i]));
	json_object_set_new(c->view, "recovery_codes", arr);
	json_object_set_new(c->view, "flash", json_string(message));
	return 0;
}

/* POST /account/2fa/confirm - a first code from the authenticator turns
 * the second factor on; the ten recovery codes are shown once. */
int ui_mfa_confirm(struct ctx *c)
{
	if (throttled(c))
		return 0;
	char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN];
	if (db_begin(c->db) != 0)
		return -1;
	int ok = mfa_confirm(c->db, c->me.user_id, ctx_val(c, "code"), codes);
	if (ok < 0)
		return -1;
	if (!ok) {
		db_commit(c->db);
		return wrong_code(c, "second_factor.confirm_failed");
	}
	c->me.mfa_enrolled = 1;
	if (session_second_factor(c->db, c->me.session_id, clock_now()) != 0)
		return -1;
	return show_codes(c, "second_factor.enabled", codes,
			  "Your second factor is on. Keep the recovery codes "
			  "below somewhere safe: they are shown only now.");
}

/* POST /account/2fa/recovery - ten new recovery codes (the old ones stop
 * working), with a code. */
int ui_mfa_recovery(struct ctx *c)
{
	int recovery;
	int ok = check_code(c, "second_factor.recovery_failed", &recovery);
	if (ok <= 0)
		return ok;
	char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN];
	if (mfa_new_recovery(c->db, c->me.user_id, codes) != 0)
		return -1;
	return show_codes(c, "second_factor.recovery_codes", codes,
			  "New recovery codes: the old ones no longer work.");
}

/* POST /account/2fa/disable - turns the caller's second factor off, with
 * a code; refused when their role must have one. */
int ui_mfa_disable(struct ctx *c)
{
	if (c->me.mfa_required)
		return ctx_fail(c, 409, "second_factor_required",
				"Your role must sign in with a second factor: "
				"it cannot be turned off. An admin can reset "
				"it if you lost your authenticator.");
	int recovery;
	int ok = check_code(c, "second_factor.disable_failed", &recovery);
	if (ok <= 0)
		return ok;
	if (mfa_remove(c->db, c->me.user_id) != 0 ||
	    ui_commit(c, "second_factor.disabled", "user", c->me.user_id,
		      NULL) != 0)
		return -1;
	c->view = json_pack("{sb}", "enrolled", 0);
	return ctx_redirect(c, "/account/2fa",
			    "Your second factor is off: you sign in with your "
			    "password alone.");
}

/* GET /admin/second-factor - which roles must have a second factor, and
 * who has one. */
int ui_mfa_admin(struct ctx *c)
{
	const char *req = mfa_required_roles(c->db, c->a);
	json_t *people = mfa_people(c->db), *roles = json_array();
	if (!people)
		return -1;
	for (int r = 0; perm_role_names[r]; r++)
		json_array_append_new(
		    roles,
		    json_pack("{ss sb}", "name", perm_role_names[r], "required",
			      valid_csv_has(req, perm_role_names[r])));
	c->view = json_pack("{so so}", "roles", roles, "people", people);
	return 0;
}

/* POST /admin/second-factor - sets the roles that must have a second
 * factor (their people are asked to set one up at their next page). */
int ui_mfa_admin_save(struct ctx *c)
{
	const char *roles = ctx_val(c, "roles");
	if (!roles)
		roles = "";
	if (db_begin(c->db) != 0)
		return -1;
	if (mfa_set_required_roles(c->db, roles) != 0 ||
	    ui_commit(c, "second_factor.required_roles", "settings", 0,
		      json_pack("{ss}", "roles", roles)) != 0 ||
	    ui_mfa_admin(c) != 0)
		return -1;
	return ctx_redirect(c, "/admin/second-factor",
			    *roles
				? "Saved: those roles must sign in with a "
				  "second factor."
				: "Saved: no role must have a second factor.");
}

/* POST /admin/users/{id}/second-factor/reset - removes a person's second
 * factor (a lost phone): they sign in with their password and, if their
 * role requires one, set up a new one. */
int ui_mfa_admin_reset(struct ctx *c)
{
	struct user u;
	int found = users_get(c->db, c->a, c->id, &u);
	if (found < 0)
		return -1;
	if (!found)
		return ctx_fail(c, 404, "not_found",
				"There is no such person.");
	if (db_begin(c->db) != 0)
		return -1;
	if (mfa_remove(c->db, u.id) != 0 ||
	    ui_commit(c, "second_factor.reset", "user", u.id,
		      json_pack("{ss}", "email", u.email)) != 0 ||
	    ui_mfa_admin(c) != 0)
		return -1;
	return ctx_redirect(
	    c, "/admin/second-factor",
	    arena_printf(c->a, "%s's second factor was reset.", u.email));
}
