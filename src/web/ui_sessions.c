/* ui_sessions.c - where one is signed in: a person's own live sessions,
 * ending the others (after giving the password again), and an admin
 * ending a person's sessions or everyone's (a stolen cookie suspected). */
#include "ui.h"

#include "../domain/users.h"

const struct field ui_sessions_end_fields[] = {
    {"password", V_PASSWORD, F_REQUIRED | F_SECRET, 1, 1024, NULL, "Password"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

/* GET /sessions - the caller's live sessions, this one marked. */
int ui_sessions_list(struct ctx *c)
{
	json_t *list = session_list(c->db, c->me.user_id, c->me.session_id);
	if (!list)
		return -1;
	c->view = json_pack("{so sb}", "sessions", list, "others",
			    json_array_size(list) > (c->me.session_id ? 1 : 0));
	return 0;
}

/* Ends the sessions of user (0: everyone's) but keep, audited as action
 * on the person (or the organisation), and answers with a redirect to
 * back. Returns 0 or -1. */
static int end_sessions(struct ctx *c, int64_t user, int64_t keep,
			const char *action, const char *back)
{
	if (db_begin(c->db) != 0)
		return -1;
	int n = session_end_others(c->db, user, keep);
	if (n < 0 || ui_commit(c, action, user ? "user" : "session", user,
			       json_pack("{si}", "ended", n)) != 0)
		return -1;
	c->view = json_pack("{si}", "ended", n);
	return ctx_redirect(c, back,
			    arena_printf(c->a, "%d session%s signed out.", n,
					 n == 1 ? "" : "s"));
}

/* POST /sessions/end - signs the caller out everywhere but here, once
 * they give their password again. */
int ui_sessions_end(struct ctx *c)
{
	struct user u;
	int rc = ui_account_recheck(c, &u, "password");
	if (rc <= 0)
		return rc;
	return end_sessions(c, u.id, c->me.session_id, "user.sessions_ended",
			    "/sessions");
}

/* POST /admin/users/{id}/sessions/end - signs a person out everywhere. */
int ui_sessions_end_person(struct ctx *c)
{
	struct user u;
	int rc = users_get(c->db, c->a, c->id, &u);
	if (rc <= 0)
		return rc < 0 ? -1
			      : ctx_fail(c, 404, "not_found",
					 "There is no such person.");
	return end_sessions(
	    c, u.id, c->me.session_id, "user.sessions_ended",
	    arena_printf(c->a, "/admin/users/%lld", (long long)u.id));
}

/* POST /admin/sessions/end - signs everyone out but the admin asking. */
int ui_sessions_end_everyone(struct ctx *c)
{
	return end_sessions(c, 0, c->me.session_id, "sessions.ended_all",
			    "/admin/users");
}
