/* mfa.h - a person's second factor for signing in: an authenticator
 * (TOTP) set up and confirmed with a first code, codes that work once,
 * ten single-use recovery codes, an admin's reset, and the roles that
 * must have one. Every function runs inside the caller's transaction
 * where it writes. */
#ifndef SECURA_MFA_H
#define SECURA_MFA_H

#include "../core/arena.h"
#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define MFA_RECOVERY_CODES 10
/* 24 characters of 31 (119 bits: a plain hash is enough to store them)
 * in four groups: "xxxxxx-xxxxxx-xxxxxx-xxxxxx" + NUL */
#define MFA_RECOVERY_CHARS 24
#define MFA_RECOVERY_LEN   28

/* A person's second factor as stored. */
struct mfa_state {
	int exists;	    /* a row: being set up or confirmed */
	int64_t confirmed;  /* when it was confirmed; 0: being set up */
	const char *secret; /* base32 (arena) */
	int recovery_left;  /* unused recovery codes */
};

int mfa_get(db *d, arena *a, int64_t user, struct mfa_state *st);
int mfa_begin(db *d, int64_t user, char *secret);
int mfa_confirm(db *d, int64_t user, const char *code,
		char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN]);
int mfa_verify(db *d, arena *a, int64_t user, const char *code, int *recovery);
int mfa_new_recovery(db *d, int64_t user,
		     char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN]);
int mfa_remove(db *d, int64_t user);
json_t *mfa_people(db *d);
const char *mfa_required_roles(db *d, arena *a);
int mfa_set_required_roles(db *d, const char *csv);

#endif
