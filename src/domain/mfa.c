/* mfa.c - see mfa.h. Codes are checked with core/totp.c; a code's time
 * step must be later than the last one used, so a code (even seen over a
 * shoulder) signs in once. Recovery codes are ten random groups of
 * base32 letters, shown once and kept as SHA-256 hashes: their 50 random
 * bits are far beyond guessing within the sign-in throttle, so a slow
 * hash adds nothing. */
#include "mfa.h"

#include "../core/clock.h"
#include "../core/rand.h"
#include "../core/sha256.h"
#include "../core/totp.h"
#include "settings.h"

#include <ctype.h>
#include <string.h>

/* Fills st with user's second factor. Returns 1 when there is a row, 0
 * when none, -1 on a database error. */
int mfa_get(db *d, arena *a, int64_t user, struct mfa_state *st)
{
	memset(st, 0, sizeof(*st));
	sqlite3_stmt *q = db_query(d, STMT_MFA_GET, user);
	if (!q)
		return -1;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		st->exists = 1;
		st->secret = arena_strdup(a, db_text(q, 0));
		st->confirmed = db_int(q, 1);
		st->recovery_left = (int)db_int(q, 3);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Starts setting up a second factor for user: a new secret, written to
 * secret (TOTP_SECRET_LEN), replacing one not yet confirmed. Returns 0,
 * 1 when user already has a confirmed one (nothing changed), or -1. */
int mfa_begin(db *d, int64_t user, char *secret)
{
	if (totp_new_secret(secret) != 0 ||
	    db_exec(d, STMT_MFA_BEGIN, user, secret, clock_now()) != 0)
		return -1;
	return sqlite3_changes(d->h) == 0 ? 1 : 0;
}

/* Makes MFA_RECOVERY_CODES new recovery codes for user (the old ones go)
 * into codes: MFA_RECOVERY_CHARS characters each, drawn without bias from
 * an alphabet without look-alikes, stored as SHA-256 (at 119 bits a
 * slow hash adds nothing). Returns 0 or -1. */
int mfa_new_recovery(db *d, int64_t user,
		     char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN])
{
	static const char abc[] = "abcdefghjkmnpqrstuvwxyz23456789";
	const unsigned n = sizeof(abc) - 1, limit = 256 - 256 % n;
	if (db_exec(d, STMT_RECOVERY_DELETE, user) != 0)
		return -1;
	for (int i = 0; i < MFA_RECOVERY_CODES; i++) {
		int k = 0, o = 0;
		while (k < MFA_RECOVERY_CHARS) {
			unsigned char r;
			if (rand_bytes(&r, 1) != 0)
				return -1;
			if (r >= limit) /* rejection sampling: no modulo bias */
				continue;
			if (k && k % 6 == 0)
				codes[i][o++] = '-';
			codes[i][o++] = abc[r % n];
			k++;
		}
		codes[i][o] = '\0';
		char hash[SHA256_HEX];
		sha256_hex(codes[i], strlen(codes[i]), hash);
		if (db_exec(d, STMT_RECOVERY_INSERT, user, hash) != 0)
			return -1;
	}
	return 0;
}

/* Confirms user's second factor being set up with a first code from the
 * app, and makes the recovery codes (into codes). Returns 1 when
 * confirmed, 0 for a wrong code or nothing being set up, -1 on error. */
int mfa_confirm(db *d, int64_t user, const char *code,
		char codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN])
{
	arena a;
	arena_init(&a);
	struct mfa_state st;
	int rc = mfa_get(d, &a, user, &st);
	int64_t step = rc == 1 && !st.confirmed
			   ? totp_check(st.secret, code, clock_now())
			   : -1;
	arena_free(&a);
	if (rc < 0 || step == -2)
		return -1;
	if (step < 0)
		return 0;
	if (db_exec(d, STMT_MFA_CONFIRM, user, clock_now(), step) != 0 ||
	    mfa_new_recovery(d, user, codes) != 0)
		return -1;
	return 1;
}

/* Normalises a recovery code as typed (case, spaces, missing dashes)
 * into out: MFA_RECOVERY_CHARS characters in groups of six, or the ten in
 * groups of five that codes made before 2026-12 have. Returns 1 when it
 * has the shape of one, else 0. */
static int recovery_shape(const char *in, char out[MFA_RECOVERY_LEN])
{
	char raw[MFA_RECOVERY_CHARS];
	int n = 0;
	for (; *in; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n == MFA_RECOVERY_CHARS || !isalnum((unsigned char)*in))
			return 0;
		raw[n++] = (char)tolower((unsigned char)*in);
	}
	int group = n == MFA_RECOVERY_CHARS ? 6 : n == 10 ? 5 : 0, o = 0;
	if (!group)
		return 0;
	for (int k = 0; k < n; k++) {
		if (k && k % group == 0)
			out[o++] = '-';
		out[o++] = raw[k];
	}
	out[o] = '\0';
	return 1;
}

/* Checks a code for user's confirmed second factor: six digits from the
 * app (a time step later than the last one used), or an unused recovery
 * code (*recovery set; it is spent). Returns 1 when it is good, 0 when
 * not, -1 on error. */
int mfa_verify(db *d, arena *a, int64_t user, const char *code, int *recovery)
{
	struct mfa_state st;
	*recovery = 0;
	int rc = mfa_get(d, a, user, &st);
	if (rc <= 0 || !st.confirmed)
		return rc < 0 ? -1 : 0;
	char shaped[MFA_RECOVERY_LEN];
	if (recovery_shape(code ? code : "", shaped)) {
		char hash[SHA256_HEX];
		sha256_hex(shaped, strlen(shaped), hash);
		if (db_exec(d, STMT_RECOVERY_USE, user, hash, clock_now()) != 0)
			return -1;
		*recovery = sqlite3_changes(d->h) > 0;
		return *recovery;
	}
	int64_t step = totp_check(st.secret, code, clock_now());
	if (step == -2)
		return -1;
	if (step < 0)
		return 0;
	if (db_exec(d, STMT_MFA_USE_STEP, user, step) != 0)
		return -1;
	return sqlite3_changes(d->h) > 0; /* 0: that code was used before */
}

/* Removes user's second factor and recovery codes (turned off, or reset
 * by an admin). Returns 0 or -1. */
int mfa_remove(db *d, int64_t user)
{
	return db_exec(d, STMT_MFA_DELETE, user) != 0 ||
		       db_exec(d, STMT_RECOVERY_DELETE, user) != 0
		   ? -1
		   : 0;
}

/* Returns the people with a confirmed second factor as a new JSON array
 * of {id, email, name, role, since}; NULL on error. */
json_t *mfa_people(db *d)
{
	sqlite3_stmt *st = db_query(d, STMT_MFA_PEOPLE);
	if (!st)
		return NULL;
	json_t *out = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char since[21];
		clock_iso(db_int(st, 4), since);
		json_array_append_new(
		    out, json_pack("{sI ss ss ss ss}", "id",
				   (json_int_t)db_int(st, 0), "email",
				   db_text(st, 1), "name", db_text(st, 2),
				   "role", db_text(st, 3), "since", since));
	}
	sqlite3_reset(st);
	return out;
}

/* Returns the roles that must have a second factor, comma-separated
 * (arena; "" for none). */
const char *mfa_required_roles(db *d, arena *a)
{
	return settings_get(d, a, "second_factor_roles");
}

/* Sets the roles that must have a second factor (csv of role names,
 * checked by the caller). Returns 0 or -1. */
int mfa_set_required_roles(db *d, const char *csv)
{
	return settings_set(d, "second_factor_roles", csv);
}
