/* session.c - browser sessions, API tokens and login throttling. */
#include "session.h"

#include "clock.h"
#include "config.h"
#include "perm.h"
#include "sha256.h"

#include <string.h>

/* Fills the user part of c from columns first..first+4 of st
 * (id, email, name, department, role), copying into the arena. */
static void caller_from_row(arena *a, sqlite3_stmt *st, int first,
			    struct caller *c)
{
	c->user_id = db_int(st, first);
	c->email = arena_strdup(a, db_text(st, first + 1));
	c->name = arena_strdup(a, db_text(st, first + 2));
	c->department = arena_strdup(a, db_text(st, first + 3));
	c->role = perm_role_parse(db_text(st, first + 4));
}

/* Creates a session for user_id; writes the cookie value and the CSRF
 * token. Returns 0, or -1 on database or randomness failure. */
int session_create(db *d, int64_t user_id, const char *ip, const char *ua,
		   char token[RAND_TOKEN_LEN], char csrf[RAND_TOKEN_LEN])
{
	char hash[SHA256_HEX];
	int64_t now = clock_now();
	if (rand_token(token) != 0 || rand_token(csrf) != 0)
		return -1;
	sha256_hex(token, strlen(token), hash);
	char uabuf[256];
	snprintf(uabuf, sizeof(uabuf), "%s", ua ? ua : "");
	/* Expired rows go whenever a session starts: cheap, bounded. */
	db_exec(d, STMT_SESSION_PURGE, now, now - config_get()->session_idle);
	return db_exec(d, STMT_SESSION_INSERT, user_id, hash, csrf, now,
		       now + config_get()->session_max, ip ? ip : "", uabuf);
}

/* Steps a SESSION_LOOKUP or TOKEN_LOOKUP query, whose row is (id, text,
 * last used, user columns..., for a session its second factor's three).
 * Returns 1 and fills c, *id, *text (arena) and *last; 0 when no row; -1
 * on error. */
static int lookup_row(sqlite3_stmt *st, arena *a, struct caller *c, int64_t *id,
		      const char **text, int64_t *last)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = db_int(st, 0);
		*text = arena_strdup(a, db_text(st, 1));
		*last = db_int(st, 2);
		caller_from_row(a, st, 3, c);
		if (sqlite3_column_count(st) > 11) { /* a session's */
			c->mfa_at = db_int(st, 8);
			c->mfa_enrolled = db_int(st, 9) != 0;
			c->mfa_required = db_int(st, 10) != 0;
			c->theme = arena_strdup(a, db_text(st, 11));
			c->password_owed = db_int(st, 12) != 0;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Resolves a cookie value to a live session of an active user.
 * Returns 1 and fills c, 0 when unknown/expired, -1 on database error.
 * last_seen_at is refreshed at most once a minute, in a write
 * transaction of its own (not inside one of the caller's). */
int session_lookup(db *d, arena *a, const char *token, struct caller *c)
{
	char hash[SHA256_HEX];
	int64_t now = clock_now(), last;
	if (!token || strlen(token) != RAND_TOKEN_LEN - 1)
		return 0;
	sha256_hex(token, strlen(token), hash);
	int rc = lookup_row(db_query(d, STMT_SESSION_LOOKUP, hash, now,
				     now - config_get()->session_idle),
			    a, c, &c->session_id, &c->csrf, &last);
	if (rc == 1 && now - last >= 60)
		db_exec_tx(d, STMT_SESSION_TOUCH, c->session_id, now);
	return rc;
}

/* Returns 1 when session id is still valid at now (not expired, used
 * after idle_since, its user active), 0 when not, -1 on error. */
int session_alive(db *d, int64_t session_id, int64_t now, int64_t idle_since)
{
	return (int)db_scalar(d, STMT_SESSION_ALIVE, session_id, now,
			      idle_since);
}

/* Returns 1 when API token id is still valid at now (not revoked or
 * expired, its owner active), 0 when not, -1 on error. */
int token_alive(db *d, int64_t token_id, int64_t now)
{
	return (int)db_scalar(d, STMT_TOKEN_ALIVE, token_id, now);
}

/* Ends one session (logout). Returns 0 or -1. */
int session_delete(db *d, int64_t session_id)
{
	return db_exec(d, STMT_SESSION_DELETE, session_id);
}

/* Records that session id gave its second factor at (Unix time).
 * Returns 0 or -1. */
int session_second_factor(db *d, int64_t session_id, int64_t at)
{
	return db_exec(d, STMT_SESSION_SECOND_FACTOR, session_id, at);
}

/* Returns 1 when caller c is a session that still owes its second factor:
 * the person has one and this session has not given it, or their role
 * requires one and they have none yet; else 0 (API tokens included). */
int session_owes_second_factor(const struct caller *c)
{
	return c->session_id &&
	       (c->mfa_enrolled ? c->mfa_at == 0 : c->mfa_required);
}

/* Ends every session of a user (deactivation, password change). */
int session_delete_user(db *d, int64_t user_id)
{
	return db_exec(d, STMT_SESSION_DELETE_USER, user_id);
}

/* Ends the sessions of user_id (0: of everyone) except session keep (0:
 * none). Returns how many ended, or -1. Inside a transaction. */
int session_end_others(db *d, int64_t user_id, int64_t keep)
{
	if (db_exec(d, STMT_SESSION_DELETE_OTHERS, user_id, keep) != 0)
		return -1;
	return sqlite3_changes(d->h);
}

/* Returns user_id's live sessions as a new JSON array of {id, created_at,
 * last_seen_at, ip, user_agent, current} (current: it is session
 * current), newest first; NULL on error. */
json_t *session_list(db *d, int64_t user_id, int64_t current)
{
	int64_t now = clock_now();
	sqlite3_stmt *st = db_query(d, STMT_SESSION_LIST_USER, user_id, now,
				    now - config_get()->session_idle);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char created[21], seen[21];
		clock_iso(db_int(st, 1), created);
		clock_iso(db_int(st, 2), seen);
		int64_t id = db_int(st, 0);
		json_array_append_new(
		    arr, json_pack("{sI ss ss ss ss sb}", "id", (json_int_t)id,
				   "created_at", created, "last_seen_at", seen,
				   "ip", db_text(st, 3), "user_agent",
				   db_text(st, 4), "current", id == current));
	}
	sqlite3_reset(st);
	return arr;
}

/* The scopes of an API token: read, write (read and change), metrics
 * (the Prometheus endpoint only). */
const char *const token_scopes[] = {"read", "write", "metrics", NULL};

/* Creates an API token "sec_..." of scope (one of token_scopes) for
 * user_id; the clear token is written to token (show it once) and only
 * its hash is stored. expires_at 0 means never. Returns 0 and sets *id,
 * or -1. */
int token_create(db *d, int64_t user_id, const char *name, const char *scope,
		 int64_t expires_at, char token[TOKEN_LEN], int64_t *id)
{
	char raw[RAND_TOKEN_LEN], hash[SHA256_HEX], prefix[12];
	if (rand_token(raw) != 0)
		return -1;
	snprintf(token, TOKEN_LEN, TOKEN_PREFIX "%s", raw);
	snprintf(prefix, sizeof(prefix), "%.8s", token);
	sha256_hex(token, strlen(token), hash);
	if (db_exec(d, STMT_TOKEN_INSERT, user_id, name, hash, prefix, scope,
		    clock_now(), expires_at) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(d->h);
	return 0;
}

/* Resolves a bearer token. Returns 1 and fills c, 0 when unknown, revoked
 * or expired (or the user is inactive), -1 on database error. Its
 * last_used_at is refreshed as session_lookup's last_seen_at is. */
int token_lookup(db *d, arena *a, const char *token, struct caller *c)
{
	char hash[SHA256_HEX];
	const char *scope = "";
	int64_t now = clock_now(), last;
	if (!token || strlen(token) != TOKEN_LEN - 1 ||
	    strncmp(token, TOKEN_PREFIX, 4) != 0)
		return 0;
	sha256_hex(token, strlen(token), hash);
	int rc = lookup_row(db_query(d, STMT_TOKEN_LOOKUP, hash, now), a, c,
			    &c->token_id, &scope, &last);
	c->token_write = rc == 1 && strcmp(scope, "write") == 0;
	c->token_metrics = rc == 1 && strcmp(scope, "metrics") == 0;
	if (rc == 1 && now - last >= 60)
		db_exec_tx(d, STMT_TOKEN_TOUCH, c->token_id, now);
	return rc;
}

/* Returns the user's tokens (never their secrets) as a new JSON array the
 * caller owns, or NULL on database error. */
json_t *token_list(db *d, int64_t user_id)
{
	sqlite3_stmt *st = db_query(d, STMT_TOKEN_LIST_USER, user_id);
	if (!st)
		return NULL;
	json_t *arr = json_array();
	int64_t now = clock_now();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char created[21], expires[21] = "", used[21] = "";
		clock_iso(db_int(st, 4), created);
		int64_t exp = db_int(st, 5), last = db_int(st, 6);
		int revoked = sqlite3_column_type(st, 7) != SQLITE_NULL;
		if (exp)
			clock_iso(exp, expires);
		if (last)
			clock_iso(last, used);
		json_array_append_new(
		    arr,
		    json_pack("{sI ss ss ss ss ss? ss? sb sb}", "id",
			      (json_int_t)db_int(st, 0), "name", db_text(st, 1),
			      "prefix", db_text(st, 2), "scope", db_text(st, 3),
			      "created_at", created, "expires_at",
			      exp ? expires : NULL, "last_used_at",
			      last ? used : NULL, "revoked", revoked, "active",
			      !revoked && (!exp || exp > now)));
	}
	sqlite3_reset(st);
	return arr;
}

/* Revokes every API token of user_id for good (deactivation, a password
 * change): they stay revoked whatever happens to the person later.
 * Inside a transaction; 0 or -1. */
int token_revoke_user(db *d, int64_t user_id)
{
	return db_exec(d, STMT_TOKEN_REVOKE_USER, user_id, clock_now());
}

/* Revokes one of the user's own tokens. Returns 1 when revoked, 0 when
 * no such active token of that user, -1 on error. */
int token_revoke(db *d, int64_t user_id, int64_t token_id)
{
	if (db_exec(d, STMT_TOKEN_REVOKE, token_id, user_id, clock_now()) != 0)
		return -1;
	return sqlite3_changes(d->h) > 0;
}

/* Counts recent failures for one key; sets *oldest to the first one. */
static int64_t throttle_count(db *d, const char *kind, const char *key,
			      int64_t since, int64_t *oldest)
{
	sqlite3_stmt *st = db_query(d, STMT_LOGINFAIL_COUNT, kind, key, since);
	int64_t n = 0;
	*oldest = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		n = db_int(st, 0);
		*oldest = db_int(st, 1);
	}
	if (st)
		sqlite3_reset(st);
	return n;
}

/* Returns 1 when login is blocked for this account or address, with
 * *retry_after the seconds until a slot frees; 0 when allowed. */
int throttle_check(db *d, const char *email, const char *ip,
		   int64_t *retry_after)
{
	const struct config *cfg = config_get();
	int64_t now = clock_now(), since = now - cfg->login_window, oldest;
	*retry_after = 0;
	if (throttle_count(d, "account", email, since, &oldest) >=
	    cfg->login_max_account)
		*retry_after = oldest + cfg->login_window - now;
	int64_t oldest2;
	if (throttle_count(d, "address", ip, since, &oldest2) >=
		cfg->login_max_address &&
	    oldest2 + cfg->login_window - now > *retry_after)
		*retry_after = oldest2 + cfg->login_window - now;
	if (*retry_after > 0)
		return 1;
	return 0;
}

/* Records a failed login for the account and the address. */
void throttle_fail(db *d, const char *email, const char *ip)
{
	int64_t now = clock_now();
	db_exec(d, STMT_LOGINFAIL_PURGE, now - config_get()->login_window);
	db_exec(d, STMT_LOGINFAIL_INSERT, "account", email, now);
	db_exec(d, STMT_LOGINFAIL_INSERT, "address", ip, now);
}

/* Forgets an account's failures after a successful login. */
void throttle_clear(db *d, const char *email)
{
	db_exec(d, STMT_LOGINFAIL_CLEAR, "account", email);
}
