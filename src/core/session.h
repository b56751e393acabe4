/* session.h - who is calling: browser sessions (cookie) and API tokens
 * (Authorization: Bearer). Both are random 256-bit secrets stored only as
 * SHA-256 hashes. */
#ifndef SECURA_SESSION_H
#define SECURA_SESSION_H

#include "arena.h"
#include "db.h"
#include "rand.h"

#include <jansson.h>
#include <stdint.h>

#define SESSION_COOKIE "secura_session"
#define TOKEN_PREFIX   "sec_"
#define TOKEN_LEN      (4 + RAND_TOKEN_LEN) /* "sec_" + 43 + NUL */
/* an admin change asks for the second factor again after this long */
#define SESSION_STEP_UP_SECS (15 * 60)

struct caller {
	int64_t user_id; /* 0 when anonymous */
	int role;	 /* ROLE_NONE when anonymous */
	const char *email, *name, *department;
	int64_t session_id; /* > 0 for cookie sessions */
	const char *csrf;   /* the session's form token */
	int64_t token_id;   /* > 0 for bearer tokens */
	int token_write;    /* token may change things */
	int token_metrics;  /* token may only read /metrics/prometheus */
	/* the second factor (sessions only) */
	int64_t mfa_at;	   /* when this session last gave it; 0: not yet */
	int mfa_enrolled;  /* the person has one */
	int mfa_required;  /* their role must have one */
	const char *theme; /* "system", "light" or "dark" (sessions only) */
	int password_owed; /* signed in with a generated first password */
};

int session_create(db *d, int64_t user_id, const char *ip, const char *ua,
		   char token[RAND_TOKEN_LEN], char csrf[RAND_TOKEN_LEN]);
int session_lookup(db *d, arena *a, const char *token, struct caller *c);
int session_alive(db *d, int64_t session_id, int64_t now, int64_t idle_since);
int token_alive(db *d, int64_t token_id, int64_t now);
int token_revoke_user(db *d, int64_t user_id);
int session_delete(db *d, int64_t session_id);
int session_second_factor(db *d, int64_t session_id, int64_t at);
int session_owes_second_factor(const struct caller *c);
int session_delete_user(db *d, int64_t user_id);
int session_end_others(db *d, int64_t user_id, int64_t keep);
json_t *session_list(db *d, int64_t user_id, int64_t current);

extern const char *const token_scopes[];
int token_create(db *d, int64_t user_id, const char *name, const char *scope,
		 int64_t expires_at, char token[TOKEN_LEN], int64_t *id);
int token_lookup(db *d, arena *a, const char *token, struct caller *c);
json_t *token_list(db *d, int64_t user_id);
int token_revoke(db *d, int64_t user_id, int64_t token_id);

int throttle_check(db *d, const char *email, const char *ip,
		   int64_t *retry_after);
void throttle_fail(db *d, const char *email, const char *ip);
void throttle_clear(db *d, const char *email);

#endif
