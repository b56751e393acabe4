/* web.h - page and API handlers. Each serves one route of the table in
 * cgi-bin/app.c for both views (HTML and JSON). */
#ifndef SECURA_WEB_H
#define SECURA_WEB_H

#include "../core/http.h"

/* account.c */
int account_home(struct ctx *c);
int account_register_form(struct ctx *c);
int account_register(struct ctx *c);
int account_login_form(struct ctx *c);
int account_login(struct ctx *c);
int account_logout(struct ctx *c);
int account_profile(struct ctx *c);
int account_profile_save(struct ctx *c);
int account_password(struct ctx *c);
extern const struct field account_register_fields[];
extern const struct field account_login_fields[];
extern const struct field account_profile_fields[];
extern const struct field account_password_fields[];

/* tokens.c */
int tokens_list(struct ctx *c);
int tokens_create(struct ctx *c);
int tokens_revoke(struct ctx *c);
extern const struct field tokens_create_fields[];

/* admin.c */
int admin_users(struct ctx *c);
int admin_user(struct ctx *c);
int admin_user_create(struct ctx *c);
int admin_user_role(struct ctx *c);
int admin_user_deactivate(struct ctx *c);
int admin_user_reactivate(struct ctx *c);
int admin_audit(struct ctx *c);
int admin_audit_verify(struct ctx *c);
extern const struct field admin_users_fields[];
extern const struct field admin_user_create_fields[];
extern const struct field admin_role_fields[];
extern const struct field admin_audit_fields[];

/* health.c */
int health_check(struct ctx *c);

/* tx.c: the write-transaction helpers every handler shares */
int web_begin(struct ctx *c);
int web_commit(struct ctx *c);
int web_abort(struct ctx *c);

#endif
