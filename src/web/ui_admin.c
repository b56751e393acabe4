/* ui_admin.c - people management and the audit log, for admins. Every
 * change writes an audit row in the same transaction. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/password.h"
#include "../domain/audit.h"
#include "../domain/users.h"

#include <string.h>

static const char *const statuses[] = {"active", "inactive", "any", NULL};

const struct field ui_admin_users_fields[] = {
    {"q", V_LINE, 0, 0, 100, NULL, "Search"},
    {"role", V_ENUM, 0, 0, 0, perm_role_names, "Role"},
    {"status", V_ENUM, 0, 0, 0, statuses, "Status"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_admin_user_create_fields[] = {
    {"email", V_EMAIL, F_REQUIRED, 3, 254, NULL, "Email"},
    {"name", V_LINE, F_REQUIRED, 1, 100, NULL, "Name"},
    {"department", V_LINE, 0, 0, 100, NULL, "Department"},
    {"role", V_ENUM, F_REQUIRED, 0, 0, perm_role_names, "Role"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_admin_role_fields[] = {
    {"role", V_ENUM, F_REQUIRED, 0, 0, perm_role_names, "Role"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_admin_audit_fields[] = {
    {"action", V_LINE, 0, 0, 64, NULL, "Action"},
    {"actor", V_LINE, 0, 0, 254, NULL, "Actor"},
    {"from", V_DATE, 0, 0, 0, NULL, "From"},
    {"to", V_DATE, 0, 0, 0, NULL, "To"},
    PAGE_FIELDS,
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /admin/users - search and page through people. */
int ui_admin_users(struct ctx *c)
{
	int page, limit, offset;
	int64_t total;
	const char *q = ctx_val(c, "q"), *role = ctx_val(c, "role");
	const char *status = ctx_val(c, "status");
	int active = !status || !strcmp(status, "active") ? 1
		     : !strcmp(status, "inactive")	  ? 0
							  : -1;
	ctx_page_args(c, &page, &limit, &offset);
	json_t *users = users_search(c->db, c->a, q ? q : "", role ? role : "",
				     active, limit, offset, &total);
	if (!users)
		return -1;
	c->view = json_pack(
	    "{so so s{ss ss ss} so so}", "users", users, "pagination",
	    ctx_page(c, total, page, limit), "filters", "q", q ? q : "", "role",
	    role ? role : "", "status", status ? status : "active", "roles",
	    view_choices(perm_role_names, role), "statuses",
	    view_choices(statuses, status ? status : "active"));
	return 0;
}

/* Loads the {id} user into u or records a 404. Returns 1 when found. */
static int load_target(struct ctx *c, struct user *u)
{
	int rc = users_get(c->db, c->a, c->id, u);
	if (rc == 0)
		ctx_fail(c, 404, "not_found", "There is no such person.");
	return rc;
}

/* GET /admin/users/{id} - one person, with role and status controls. */
int ui_admin_user(struct ctx *c)
{
	struct user u;
	int rc = load_target(c, &u);
	if (rc <= 0)
		return rc;
	c->view =
	    json_pack("{so so sb}", "user", users_json(&u), "roles",
		      view_choices(perm_role_names, perm_role_name(u.role)),
		      "is_self", u.id == c->me.user_id);
	return 0;
}

/* POST /admin/users - creates a person with a generated first password
 * shown to the admin once; it works for USERS_FIRST_PASSWORD_SECS and
 * only to choose their own. */
int ui_admin_user_create(struct ctx *c)
{
	char pw[21];
	const char *email = ctx_val(c, "email");
	int role = perm_role_parse(ctx_val(c, "role"));
	if (db_begin(c->db) != 0)
		return -1;
	/* "!" is no password: the first one is set just below */
	int64_t id = users_add(c->db, email, ctx_val(c, "name"),
			       ctx_val(c, "department"), role, "!");
	if (id == 0) {
		return ctx_field_error(c, "email",
				       "An account with this email already "
				       "exists");
	}
	if (id < 0 || users_first_password(c->db, id, pw, sizeof(pw)) != 0 ||
	    ui_commit(c, "user.create", "user", id,
		      json_pack("{ss ss}", "email", email, "role",
				perm_role_name(role))) != 0)
		return -1;
	struct user u;
	if (users_get(c->db, c->a, id, &u) != 1)
		return -1;
	c->view = json_pack("{so ss}", "user", users_json(&u), "password", pw);
	c->status = 201;
	c->tmpl = "admin_user_created";
	return 0;
}

/* Refuses changes that would lock the organisation out: acting on
 * oneself, or removing the last active admin. Returns 1 if refused. */
static int would_lock_out(struct ctx *c, const struct user *u, int new_role,
			  int deactivate)
{
	if (u->id == c->me.user_id) {
		ctx_fail(c, 409, "self_change",
			 "You cannot change your own role or status; ask "
			 "another admin.");
		return 1;
	}
	if (u->role == ROLE_ADMIN && u->active &&
	    (deactivate || new_role != ROLE_ADMIN) &&
	    users_active_admins(c->db) <= 1) {
		ctx_fail(c, 409, "last_admin",
			 "This is the last active admin.");
		return 1;
	}
	return 0;
}

/* Runs one change to user u with its audit row, in one transaction. */
static int change_user(struct ctx *c, const struct user *u, const char *action,
		       json_t *detail, int role, int active)
{
	if (db_begin(c->db) != 0)
		return -1;
	int rc = role >= 0 ? users_set_role(c->db, u->id, role)
			   : users_set_active(c->db, u->id, active);
	if (rc != 0) {
		json_decref(detail);
		return -1;
	}
	if (ui_commit(c, action, "user", u->id, detail) != 0)
		return -1;
	struct user after;
	if (users_get(c->db, c->a, u->id, &after) != 1)
		return -1;
	c->view = json_pack("{so}", "user", users_json(&after));
	return ctx_redirect(
	    c, arena_printf(c->a, "/admin/users/%lld", (long long)u->id),
	    arena_printf(c->a, "%s updated.", u->email));
}

/* POST /admin/users/{id}/role - changes a person's role. */
int ui_admin_user_role(struct ctx *c)
{
	struct user u;
	int rc = load_target(c, &u);
	int role = perm_role_parse(ctx_val(c, "role"));
	if (rc <= 0 || would_lock_out(c, &u, role, 0))
		return rc < 0 ? -1 : 0;
	return change_user(c, &u, "user.role",
			   json_pack("{ss ss ss}", "email", u.email, "from",
				     perm_role_name(u.role), "to",
				     perm_role_name(role)),
			   role, -1);
}

/* POST /admin/users/{id}/deactivate - blocks sign-in and ends every
 * session; API tokens stop working while inactive. */
int ui_admin_user_deactivate(struct ctx *c)
{
	struct user u;
	int rc = load_target(c, &u);
	if (rc <= 0 || would_lock_out(c, &u, u.role, 1))
		return rc < 0 ? -1 : 0;
	return change_user(c, &u, "user.deactivate",
			   json_pack("{ss}", "email", u.email), -1, 0);
}

/* POST /admin/users/{id}/reactivate - allows sign-in again. */
int ui_admin_user_reactivate(struct ctx *c)
{
	struct user u;
	int rc = load_target(c, &u);
	if (rc <= 0)
		return rc;
	return change_user(c, &u, "user.reactivate",
			   json_pack("{ss}", "email", u.email), -1, 1);
}

/* POST /admin/users/{id}/password - for a person who lost their
 * password: a new generated first password shown to the admin once
 * (their sessions end; their second factor stays asked for). Not for
 * oneself: that is the profile's form. */
int ui_admin_user_password(struct ctx *c)
{
	struct user u;
	char pw[21];
	int rc = load_target(c, &u);
	if (rc <= 0)
		return rc;
	if (u.id == c->me.user_id)
		return ctx_fail(c, 409, "self_change",
				"Change your own password on your profile.");
	if (!u.active)
		return ctx_fail(c, 409, "inactive",
				"Reactivate the account first.");
	if (db_begin(c->db) != 0 ||
	    users_first_password(c->db, u.id, pw, sizeof(pw)) != 0 ||
	    ui_commit(c, "user.password_reset", "user", u.id,
		      json_pack("{ss}", "email", u.email)) != 0 ||
	    users_get(c->db, c->a, u.id, &u) != 1)
		return -1;
	c->view = json_pack("{so ss sb}", "user", users_json(&u), "password",
			    pw, "reset", 1);
	c->tmpl = "admin_user_created";
	return 0;
}

/* GET /admin/audit - the audit log, newest first, filtered. */
int ui_admin_audit(struct ctx *c)
{
	int page, limit, offset;
	int64_t total, from = 0, to = 0;
	const char *action = ctx_val(c, "action"), *actor = ctx_val(c, "actor");
	const char *f = ctx_val(c, "from"), *t = ctx_val(c, "to");
	if (f)
		clock_parse_iso(f, &from);
	if (t && clock_parse_iso(t, &to) == 0)
		to += 86400; /* the whole "to" day */
	ctx_page_args(c, &page, &limit, &offset);
	struct audit_filter flt = {action ? action : "", actor ? actor : "",
				   from, to};
	json_t *entries = audit_list(c->db, &flt, limit, offset, &total);
	if (!entries)
		return -1;
	c->view = json_pack("{so so s{ss ss ss ss}}", "entries", entries,
			    "pagination", ctx_page(c, total, page, limit),
			    "filters", "action", flt.action, "actor", flt.actor,
			    "from", f ? f : "", "to", t ? t : "");
	return 0;
}

/* GET /admin/audit/verify - walks the hash chain and reports the first
 * broken link. */
int ui_admin_audit_verify(struct ctx *c)
{
	int64_t rows, bad;
	char why[200] = "";
	int rc = audit_verify(c->db, &rows, &bad, why, sizeof(why));
	if (rc < 0)
		return -1;
	c->view =
	    json_pack("{sb sI}", "intact", rc == 0, "rows", (json_int_t)rows);
	if (rc == 1)
		json_object_set_new(
		    c->view, "broken",
		    json_pack("{sI ss}", "id", (json_int_t)bad, "reason", why));
	return 0;
}
