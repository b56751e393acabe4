/* ui_account.c - the pages every person uses: home, register, sign in and
 * out, profile and password. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/password.h"
#include "../domain/mfa.h"
#include "../domain/users.h"

#include <string.h>

const struct field ui_account_register_fields[] = {
    {"email", V_EMAIL, F_REQUIRED, 3, 254, NULL, "Email"},
    {"name", V_LINE, F_REQUIRED, 1, 100, NULL, "Name"},
    {"department", V_LINE, 0, 0, 100, NULL, "Department"},
    {"password", V_PASSWORD, F_REQUIRED | F_SECRET, 1, 1024, NULL, "Password"},
    {"password_confirm", V_PASSWORD, F_SECRET, 0, 1024, NULL,
     "Password confirmation"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_account_login_fields[] = {
    {"email", V_EMAIL, F_REQUIRED, 3, 254, NULL, "Email"},
    {"password", V_PASSWORD, F_REQUIRED | F_SECRET, 1, 1024, NULL, "Password"},
    {"next", V_LINE, 0, 0, 500, NULL, "Next page"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_account_profile_fields[] = {
    {"name", V_LINE, F_REQUIRED, 1, 100, NULL, "Name"},
    {"department", V_LINE, 0, 0, 100, NULL, "Department"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* The looks a person may choose for the pages. */
static const char *const themes[] = {"system", "light", "dark", NULL};

const struct field ui_account_theme_fields[] = {
    {"theme", V_ENUM, F_REQUIRED, 0, 0, themes, "Appearance"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* What a password change does to the person's API tokens. */
static const char *const token_choices[] = {"revoke", "keep", NULL};

const struct field ui_account_password_fields[] = {
    {"current_password", V_PASSWORD, F_REQUIRED | F_SECRET, 1, 1024, NULL,
     "Current password"},
    {"new_password", V_PASSWORD, F_REQUIRED | F_SECRET, 1, 1024, NULL,
     "New password"},
    {"new_password_confirm", V_PASSWORD, F_SECRET, 0, 1024, NULL,
     "Confirmation"},
    {"tokens", V_ENUM, 0, 0, 0, token_choices, "API tokens"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* Returns the caller as a user view object (new reference). */
static json_t *me_json(struct ctx *c)
{
	return json_pack("{sI ss ss ss ss}", "id", (json_int_t)c->me.user_id,
			 "email", c->me.email, "name", c->me.name, "department",
			 c->me.department, "role", perm_role_name(c->me.role));
}

/* GET / - the signed-in person's start page. */
int ui_account_home(struct ctx *c)
{
	c->view = json_pack("{so}", "user", me_json(c));
	return 0;
}

/* GET /register - the registration form (signed-in people go home). */
int ui_account_register_form(struct ctx *c)
{
	if (c->me.user_id)
		return ctx_redirect(c, "/", NULL);
	c->view = json_pack("{s{}}", "values");
	return 0;
}

/* POST /register - creates an employee account. */
int ui_account_register(struct ctx *c)
{
	const char *email = ctx_val(c, "email"), *pw = ctx_val(c, "password");
	const char *confirm = ctx_val(c, "password_confirm");
	const char *why = password_policy(pw, email);
	char hash[PASSWORD_MCF_LEN];
	if (why)
		return ctx_field_error(c, "password",
				       arena_printf(c->a, "Password %s", why));
	if (!c->api && (!confirm || strcmp(confirm, pw) != 0))
		return ctx_field_error(c, "password_confirm",
				       "Passwords do not match");
	if (password_hash(pw, hash) != 0 || db_begin(c->db) != 0)
		return -1;
	int64_t id = users_add(c->db, email, ctx_val(c, "name"),
			       ctx_val(c, "department"), ROLE_EMPLOYEE, hash);
	if (id == 0) {
		return ctx_field_error(c, "email",
				       "An account with this email already "
				       "exists");
	}
	c->me.email = email; /* the actor of the audit row is the new user */
	c->me.user_id = id;
	if (id < 0 || ui_commit(c, "user.register", "user", id, NULL) != 0)
		return -1;
	arena a;
	struct user u;
	arena_init(&a);
	if (users_get(c->db, &a, id, &u) == 1)
		c->view = json_pack("{so}", "user", users_json(&u));
	arena_free(&a);
	memset(&c->me, 0, sizeof(c->me));
	c->me.role = ROLE_NONE;
	c->status = 201;
	return ctx_redirect(c, "/login", "Your account is ready. Sign in.");
}

/* GET /login - the sign-in form. */
int ui_account_login_form(struct ctx *c)
{
	if (c->me.user_id)
		return ctx_redirect(c, "/", NULL);
	const char *next = kvs_get(&c->query, "next");
	if (!next)
		next = kvs_get(&c->form, "next");
	c->view = json_pack("{s{ss}}", "values", "next", ui_local_path(next));
	return 0;
}

/* Records a failed sign-in for throttling and the audit log. */
static int login_failed(struct ctx *c, const char *email)
{
	if (db_begin(c->db) != 0)
		return -1;
	throttle_fail(c->db, email, c->remote_addr);
	if (ui_commit(c, "login.failed", "user", 0,
		      json_pack("{ss}", "email", email)) != 0)
		return -1;
	return ctx_fail(c, 401, "bad_credentials",
			"Email or password is incorrect.");
}

/* Starts a session for u in this browser: cookie set, audit written.
 * Must run inside a transaction. Returns 0 or -1. */
static int start_session(struct ctx *c, const struct user *u)
{
	char token[RAND_TOKEN_LEN], csrf[RAND_TOKEN_LEN];
	if (session_create(c->db, u->id, c->remote_addr, c->user_agent, token,
			   csrf) != 0)
		return -1;
	c->me.session_id = sqlite3_last_insert_rowid(c->db->h);
	c->me.csrf = arena_strdup(c->a, csrf);
	ctx_cookie(c, SESSION_COOKIE, token, -1);
	return 0;
}

/* POST /login - checks the password (throttled per account and per
 * address) and starts a new session. */
int ui_account_login(struct ctx *c)
{
	const char *email = ctx_val(c, "email"), *pw = ctx_val(c, "password");
	int64_t retry;
	struct user u;
	if (throttle_check(c->db, email, c->remote_addr, &retry)) {
		ctx_header(c, "Retry-After",
			   arena_printf(c->a, "%lld", (long long)retry));
		return ctx_fail(c, 429, "too_many_attempts",
				arena_printf(c->a,
					     "Too many failed sign-ins. Try "
					     "again in %lld minutes.",
					     (long long)(retry + 59) / 60));
	}
	int found = users_find_email(c->db, c->a, email, &u);
	if (found < 0)
		return -1;
	if (found == 0) {
		password_burn();
		return login_failed(c, email);
	}
	if (password_verify(u.password_hash, pw) != 1 || !u.active)
		return login_failed(c, email);
	if (u.password_expires_at && clock_now() > u.password_expires_at) {
		if (db_begin(c->db) != 0 ||
		    ui_commit(c, "login.first_password_expired", "user", u.id,
			      NULL) != 0)
			return -1;
		return ctx_fail(c, 401, "first_password_expired",
				"This first password has expired. Ask an "
				"administrator for a new one.");
	}
	char hash[PASSWORD_MCF_LEN];
	int rehash = password_needs_rehash(u.password_hash) &&
		     password_hash(pw, hash) == 0;
	c->me.user_id = u.id;
	c->me.email = u.email;
	if (db_begin(c->db) != 0)
		return -1;
	throttle_clear(c->db, email);
	if ((rehash && users_set_password(c->db, u.id, hash,
					  u.password_expires_at) != 0) ||
	    users_signed_in(c->db, u.id) != 0 || start_session(c, &u) != 0 ||
	    ui_commit(c, "login", "user", u.id, NULL) != 0)
		return -1;
	/* with a second factor, the next page is the code form (route.c
	 * holds the session back until it is given) */
	struct mfa_state st;
	if (mfa_get(c->db, c->a, u.id, &st) < 0)
		return -1;
	c->view =
	    json_pack("{so ss sb}", "user", users_json(&u), "csrf", c->me.csrf,
		      "second_factor_required", st.confirmed > 0);
	return ctx_redirect(c, ui_local_path(ctx_val(c, "next")), NULL);
}

/* POST /logout - ends this session. */
int ui_account_logout(struct ctx *c)
{
	if (db_begin(c->db) != 0)
		return -1;
	if ((c->me.session_id && session_delete(c->db, c->me.session_id)) ||
	    ui_commit(c, "logout", "user", c->me.user_id, NULL) != 0)
		return -1;
	ctx_cookie(c, SESSION_COOKIE, "", 0);
	/* what the browser kept of the signed-in pages goes too */
	ctx_header(c, "Clear-Site-Data", "\"cache\", \"storage\"");
	c->view = json_pack("{sb}", "signed_out", 1);
	return ctx_redirect(c, "/login", "You are signed out.");
}

/* GET /profile and /me - the caller's own account. */
int ui_account_profile(struct ctx *c)
{
	struct user u;
	if (users_get(c->db, c->a, c->me.user_id, &u) != 1)
		return -1;
	c->view = json_pack("{so s{ss ss}}", "user", users_json(&u), "values",
			    "name", u.name, "department", u.department);
	if (c->me.session_id)
		json_object_set_new(c->view, "csrf", json_string(c->me.csrf));
	const char *theme = c->me.theme ? c->me.theme : "system";
	json_object_set_new(c->view, "theme", json_string(theme));
	for (int i = 0; themes[i]; i++) /* the radio button that is on */
		json_object_set_new(c->view,
				    arena_printf(c->a, "theme_%s", themes[i]),
				    json_boolean(!strcmp(theme, themes[i])));
	return 0;
}

/* POST /profile - saves name and department. */
int ui_account_profile_save(struct ctx *c)
{
	const char *dept = ctx_val(c, "department");
	if (db_begin(c->db) != 0)
		return -1;
	if (users_set_profile(c->db, c->me.user_id, ctx_val(c, "name"), dept) !=
		0 ||
	    ui_commit(c, "user.profile", "user", c->me.user_id, NULL) != 0 ||
	    ui_account_profile(c) != 0)
		return -1;
	return ctx_redirect(c, "/profile", "Profile saved.");
}

/* POST /profile/theme - light or dark pages, or as the browser says. */
int ui_account_theme(struct ctx *c)
{
	const char *theme = ctx_val(c, "theme");
	if (db_begin(c->db) != 0)
		return -1;
	if (users_set_theme(c->db, c->me.user_id, theme) != 0 ||
	    db_commit(c->db) != 0)
		return -1;
	c->view = json_pack("{ss}", "theme", theme);
	return ctx_redirect(c, "/profile", "Appearance saved.");
}

/* Loads the signed-in person into u and checks the password they gave
 * again in field (throttled with sign-ins). Returns 1 when right, 0 with
 * the answer recorded (429, or the field's error), -1 on error. */
int ui_account_recheck(struct ctx *c, struct user *u, const char *field)
{
	int64_t retry;
	if (users_get(c->db, c->a, c->me.user_id, u) != 1)
		return -1;
	if (throttle_check(c->db, u->email, c->remote_addr, &retry)) {
		ctx_header(c, "Retry-After",
			   arena_printf(c->a, "%lld", (long long)retry));
		ctx_fail(c, 429, "too_many_attempts",
			 "Too many wrong passwords. Try again later.");
		return 0;
	}
	if (password_verify(u->password_hash, ctx_val(c, field)) == 1)
		return 1;
	if (db_begin(c->db) != 0)
		return -1;
	throttle_fail(c->db, u->email, c->remote_addr);
	if (db_commit(c->db) != 0)
		return -1;
	return ctx_field_error(c, field, "Current password is incorrect");
}

/* POST /profile/password - changes the password after checking the
 * current one (a generated first password included: choosing one's own
 * is what opens the other pages); every session of the user ends and
 * this browser gets a fresh one. */
int ui_account_password(struct ctx *c)
{
	struct user u;
	const char *cur = ctx_val(c, "current_password");
	const char *pw = ctx_val(c, "new_password");
	const char *confirm = ctx_val(c, "new_password_confirm");
	char hash[PASSWORD_MCF_LEN];
	int rc = ui_account_recheck(c, &u, "current_password");
	if (rc <= 0)
		return rc;
	const char *why = password_policy(pw, u.email);
	if (why)
		return ctx_field_error(
		    c, "new_password",
		    arena_printf(c->a, "New password %s", why));
	if (!strcmp(pw, cur))
		return ctx_field_error(c, "new_password",
				       "New password must differ from the "
				       "current one");
	if (!c->api && (!confirm || strcmp(confirm, pw) != 0))
		return ctx_field_error(c, "new_password_confirm",
				       "Passwords do not match");
	int first = c->me.password_owed;
	if (password_hash(pw, hash) != 0 || db_begin(c->db) != 0)
		return -1;
	/* the tokens go too unless the person chose to keep them */
	const char *tokens = ctx_val(c, "tokens");
	int keep = tokens && !strcmp(tokens, "keep");
	if (users_set_password(c->db, u.id, hash, 0) != 0 ||
	    session_delete_user(c->db, u.id) != 0 ||
	    (!keep && token_revoke_user(c->db, u.id) != 0) ||
	    (c->me.session_id && start_session(c, &u) != 0) ||
	    ui_commit(c, "user.password", "user", u.id,
		      json_pack("{sb}", "tokens_revoked", !keep)) != 0)
		return -1;
	c->view = json_pack("{sb sb}", "password_changed", 1, "tokens_revoked",
			    !keep);
	return ctx_redirect(c, first ? "/" : "/profile",
			    keep ? "Password changed. Your other sessions were "
				   "signed out; your API tokens still work."
				 : "Password changed. Your other sessions were "
				   "signed out and your API tokens revoked.");
}
