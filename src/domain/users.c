/* users.c - reading and creating user rows. Changes to roles, profile
 * and activation are single statements the callers run inside their own
 * transaction together with the audit row. */
#include "users.h"

#include "../core/clock.h"
#include "../core/password.h"
#include "../core/perm.h"
#include "../core/session.h"

#include <string.h>

/* Copies a USER_BY_* row into u (strings in the arena). */
static void user_from_row(arena *a, sqlite3_stmt *st, void *out)
{
	struct user *u = out;
	u->id = db_int(st, 0);
	u->email = arena_strdup(a, db_text(st, 1));
	u->name = arena_strdup(a, db_text(st, 2));
	u->department = arena_strdup(a, db_text(st, 3));
	u->role = perm_role_parse(db_text(st, 4));
	u->password_hash = arena_strdup(a, db_text(st, 5));
	u->active = (int)db_int(st, 6);
	u->created_at = db_int(st, 7);
	u->last_login_at = db_int(st, 8);
	u->password_expires_at = db_int(st, 9);
}

/* Loads user id. Returns 1 found, 0 not found, -1 on error. */
int users_get(db *d, arena *a, int64_t id, struct user *u)
{
	return db_one(db_query(d, STMT_USER_BY_ID, id), user_from_row, a, u);
}

/* Loads the user with this email (case-insensitive). 1/0/-1 as above. */
int users_find_email(db *d, arena *a, const char *email, struct user *u)
{
	return db_one(db_query(d, STMT_USER_BY_EMAIL, email), user_from_row, a,
		      u);
}

/* Creates an active user. Returns the new id, 0 when the email is already
 * taken, or -1 on error. Call inside a transaction. */
int64_t users_add(db *d, const char *email, const char *name,
		  const char *department, int role, const char *hash)
{
	arena a;
	struct user u;
	arena_init(&a);
	int found = users_find_email(d, &a, email, &u);
	arena_free(&a);
	if (found != 0)
		return found > 0 ? 0 : -1;
	if (db_exec(d, STMT_USER_INSERT, email, name ? name : "",
		    department ? department : "", perm_role_name(role), hash,
		    clock_now()) != 0)
		return -1;
	return sqlite3_last_insert_rowid(d->h);
}

/* Sets user id's password hash. expires_at > 0 marks it a generated
 * first password that works until then and only to choose one's own; 0
 * one the person chose. Inside a transaction; 0 or -1. */
int users_set_password(db *d, int64_t id, const char *hash, int64_t expires_at)
{
	return db_exec(d, STMT_USER_SET_PASSWORD, id, hash, clock_now(),
		       expires_at);
}

/* Gives user id a new generated first password (len-1 characters into
 * pw, len > 12) that works for USERS_FIRST_PASSWORD_SECS, and ends their
 * sessions. Inside a transaction; 0 or -1. */
int users_first_password(db *d, int64_t id, char *pw, size_t len)
{
	char hash[PASSWORD_MCF_LEN];
	if (password_generate(pw, len) != 0 || password_hash(pw, hash) != 0)
		return -1;
	return users_set_password(
		   d, id, hash, clock_now() + USERS_FIRST_PASSWORD_SECS) != 0 ||
		       session_delete_user(d, id) != 0
		   ? -1
		   : 0;
}

/* Records that user id signed in now. Inside a transaction; 0 or -1. */
int users_signed_in(db *d, int64_t id)
{
	return db_exec(d, STMT_USER_SET_LOGIN, id, clock_now());
}

/* Sets user id's name and department. Inside a transaction; 0 or -1. */
int users_set_profile(db *d, int64_t id, const char *name,
		      const char *department)
{
	return db_exec(d, STMT_USER_SET_PROFILE, id, name,
		       department ? department : "", clock_now());
}

/* Sets user id's theme ("system", "light" or "dark", checked by the
 * caller). Inside a transaction; 0 or -1. */
int users_set_theme(db *d, int64_t id, const char *theme)
{
	return db_exec(d, STMT_USER_SET_THEME, id, theme);
}

/* Gives user id role (enum role). Inside a transaction; 0 or -1. */
int users_set_role(db *d, int64_t id, int role)
{
	return db_exec(d, STMT_USER_SET_ROLE, id, perm_role_name(role),
		       clock_now());
}

/* Activates or deactivates user id; deactivating also ends their
 * sessions and revokes their API tokens for good (a person reactivated
 * later makes new ones). Inside a transaction; 0 or -1. */
int users_set_active(db *d, int64_t id, int active)
{
	if (db_exec(d, STMT_USER_SET_ACTIVE, id, active, clock_now()) != 0)
		return -1;
	return active || (session_delete_user(d, id) == 0 &&
			  token_revoke_user(d, id) == 0)
		   ? 0
		   : -1;
}

/* Returns the public view of a user (no hash) as a new JSON object. */
json_t *users_json(const struct user *u)
{
	char created[21], login[21], first[21];
	clock_iso(u->created_at, created);
	if (u->last_login_at)
		clock_iso(u->last_login_at, login);
	if (u->password_expires_at)
		clock_iso(u->password_expires_at, first);
	return json_pack(
	    "{sI ss ss ss ss sb ss ss? ss?}", "id", (json_int_t)u->id, "email",
	    u->email, "name", u->name, "department", u->department, "role",
	    perm_role_name(u->role), "active", u->active, "created_at", created,
	    "last_login_at", u->last_login_at ? login : NULL,
	    "first_password_until", u->password_expires_at ? first : NULL);
}

/* Searches users by text (email, name, department), role ("" for any)
 * and active (-1 for any). Returns a new JSON array and sets *total, or
 * NULL on error. */
json_t *users_search(db *d, arena *a, const char *q, const char *role,
		     int active, int limit, int offset, int64_t *total)
{
	const char *pat = db_like(a, q);
	*total = db_scalar(d, STMT_USER_SEARCH_COUNT, pat, role, active);
	sqlite3_stmt *st =
	    db_query(d, STMT_USER_SEARCH, pat, role, active, limit, offset);
	if (!st || *total < 0)
		return NULL;
	json_t *arr = json_array();
	struct user u;
	while (sqlite3_step(st) == SQLITE_ROW) {
		user_from_row(a, st, &u);
		json_array_append_new(arr, users_json(&u));
	}
	sqlite3_reset(st);
	return arr;
}

/* Counts active admins (the last one may not be demoted or disabled). */
int64_t users_active_admins(db *d)
{
	return db_scalar(d, STMT_USER_COUNT_ADMINS);
}

/* Returns the security team members seen in the last 2 minutes (a page
 * load or an open live stream) as a new JSON array; NULL on error. */
json_t *users_online(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_PRESENCE_TEAM, clock_now() - 120);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[21];
		clock_iso(db_int(st, 4), at);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss}", "id",
			      (json_int_t)db_int(st, 0), "email",
			      db_text(st, 1), "name",
			      *db_text(st, 2) ? db_text(st, 2) : db_text(st, 1),
			      "role", db_text(st, 3), "seen_at", at));
	}
	sqlite3_reset(st);
	return arr;
}

/* Returns the active members of the security team (who may be assigned)
 * as a new JSON array of {id, email, name (the email when none), role};
 * NULL on a database error. */
json_t *users_staff(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_STAFF_LIST);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss}", "id", (json_int_t)db_int(st, 0),
			      "email", db_text(st, 1), "name",
			      *db_text(st, 2) ? db_text(st, 2) : db_text(st, 1),
			      "role", db_text(st, 3)));
	sqlite3_reset(st);
	return arr;
}

/* Records that user was present (a page or an open stream) at now.
 * Inside a transaction; 0 or -1. */
int users_seen(db *d, int64_t user, int64_t now)
{
	return db_exec(d, STMT_PRESENCE_TOUCH, user, now);
}
