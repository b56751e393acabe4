/* users.h - people who use Secura: accounts, roles, activation. */
#ifndef SECURA_USERS_H
#define SECURA_USERS_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

struct user {
	int64_t id;
	const char *email, *name, *department, *password_hash;
	int role, active;
	int64_t created_at, last_login_at;
	int64_t password_expires_at; /* a generated first password: 0 none */
};

/* how long a generated first password (new account, reset) works */
#define USERS_FIRST_PASSWORD_SECS (72 * 3600)

int users_get(db *d, arena *a, int64_t id, struct user *u);
int users_find_email(db *d, arena *a, const char *email, struct user *u);
int64_t users_add(db *d, const char *email, const char *name,
		  const char *department, int role, const char *hash);
json_t *users_json(const struct user *u);
json_t *users_search(db *d, arena *a, const char *q, const char *role,
		     int active, int limit, int offset, int64_t *total);
int users_set_password(db *d, int64_t id, const char *hash, int64_t expires_at);
int users_first_password(db *d, int64_t id, char *pw, size_t len);
int users_signed_in(db *d, int64_t id);
int users_set_profile(db *d, int64_t id, const char *name,
		      const char *department);
int users_set_role(db *d, int64_t id, int role);
int users_set_theme(db *d, int64_t id, const char *theme);
int users_set_active(db *d, int64_t id, int active);
int64_t users_active_admins(db *d);
json_t *users_online(db *d);
json_t *users_staff(db *d);
int users_seen(db *d, int64_t user, int64_t now);

#endif
