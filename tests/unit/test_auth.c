/* test_auth.c - passwords, sessions (idle and absolute expiry), API
 * tokens, login throttling and the audit hash chain, on a real SQLite
 * file in a temporary directory. */
#include "../../src/core/clock.h"
#include "../../src/core/config.h"
#include "../../src/core/password.h"
#include "../../src/core/perm.h"
#include "../../src/core/session.h"
#include "../../src/core/sha256.h"
#include "../../src/core/totp.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/mfa.h"
#include "../../src/domain/users.h"
#include "../testdb.h"
#include "../testhelp.h"

#include <stdlib.h>
#include <unistd.h>

static db d;

static void test_password(void)
{
	char h[PASSWORD_MCF_LEN];
	test_cond("hash ok", password_hash("correct horse battery", h) == 0);
	test_cond("hash uses N=2^14 r=8 p=5", !strncmp(h, "$s1$0e0805$", 11));
	test_cond("verify right password",
		  password_verify(h, "correct horse battery") == 1);
	test_cond("verify wrong password",
		  password_verify(h, "correct horse batterz") == 0);
	test_cond("verify does not alter the stored hash",
		  password_verify(h, "correct horse battery") == 1);
	test_cond("malformed hash is an error",
		  password_verify("$s1$zz", "x") == -1);
	test_cond("current parameters need no rehash",
		  !password_needs_rehash(h));
	test_cond("old parameters need rehash",
		  password_needs_rehash("$s1$0e0801$c2FsdA==$aGFzaA=="));
	static const struct {
		const char *pw, *email;
		int ok;
	} cases[] = {
	    {"short", NULL, 0},
	    {"elevenchars", NULL, 0},
	    {"twelve chars", NULL, 1},
	    {"password1234", NULL, 0},	   /* common word + digits */
	    {"!!Password2024!!", NULL, 0}, /* padded common word */
	    {"aaaaaaaaaaaaaaaa", NULL, 0}, /* too few characters */
	    {"zoe.mueller-secret", "zoe.mueller@example.org", 0},
	    {"Lavender staircase at noon", "zoe@example.org", 1},
	    {"Ünïcödé pässwörd ok", NULL, 1},
	    {"Secura rocks, 2026!", NULL, 0},	/* the product's name */
	    {"long live northwind 7", NULL, 0}, /* the organisation's */
	    {"Northern winds blow", NULL, 1},
	};
	char err[256];
	setenv("SECURA_ORG_NAME", "Northwind Traders Ltd", 1);
	test_cond("config reloads", config_load(err, sizeof(err)) == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char descr[128];
		snprintf(descr, sizeof(descr), "policy %s \"%s\"",
			 cases[i].ok ? "accepts" : "refuses", cases[i].pw);
		test_cond(descr,
			  (password_policy(cases[i].pw, cases[i].email) ==
			   NULL) == cases[i].ok);
	}
	unsetenv("SECURA_ORG_NAME");
	config_load(err, sizeof(err));
	char longpw[200];
	memset(longpw, 'x', 129);
	for (int i = 0; i < 129; i += 7)
		longpw[i] = (char)('a' + i % 26);
	longpw[129] = '\0';
	test_cond("policy refuses 129 characters",
		  password_policy(longpw, NULL) != NULL);
	longpw[128] = '\0';
	test_cond("policy accepts 128 characters",
		  password_policy(longpw, NULL) == NULL);
	char g[21];
	test_cond("generated password passes policy",
		  password_generate(g, sizeof(g)) == 0 && strlen(g) == 20 &&
		      password_policy(g, NULL) == NULL);
}

static int64_t make_user(const char *email, int role)
{
	db_begin(&d);
	int64_t id = users_add(&d, email, "Test", "", role, "$s1$x");
	db_commit(&d);
	return id;
}

static void test_sessions(void)
{
	arena a;
	arena_init(&a);
	struct caller c;
	char tok[RAND_TOKEN_LEN], csrf[RAND_TOKEN_LEN];
	int64_t uid = make_user("sess@example.org", ROLE_ANALYST);
	test_cond("users_add returns id", uid > 0);
	test_cond("users_add refuses duplicate email (any case)",
		  make_user("SESS@example.org", ROLE_ANALYST) == 0);
	test_cond("session created",
		  session_create(&d, uid, "127.0.0.1", "ua", tok, csrf) == 0);
	memset(&c, 0, sizeof(c));
	test_cond("session found with role",
		  session_lookup(&d, &a, tok, &c) == 1 && c.user_id == uid &&
		      c.role == ROLE_ANALYST && !strcmp(c.csrf, csrf));
	char h[SHA256_HEX];
	sha256_hex(tok, strlen(tok), h);
	test_cond("only the hash is stored",
		  db_scalar(&d, STMT_PING) >= 0 &&
		      session_lookup(&d, &a, h, &c) == 0);
	test_cond("unknown token not found",
		  session_lookup(&d, &a,
				 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				 &c) == 0);
	setenv("SECURA_NOW_OFFSET", "3601", 1); /* idle limit is 3600 */
	test_cond("idle session expires", session_lookup(&d, &a, tok, &c) == 0);
	unsetenv("SECURA_NOW_OFFSET");
	char tok2[RAND_TOKEN_LEN];
	session_create(&d, uid, "", "", tok2, csrf);
	/* Used every 3500 s (inside the 1 h idle limit) it stays alive until
	 * the 12 h absolute limit, and not one request longer. */
	int alive = 1;
	for (int k = 1; k <= 12; k++) {
		char off[32];
		snprintf(off, sizeof(off), "%d", k * 3500);
		setenv("SECURA_NOW_OFFSET", off, 1);
		memset(&c, 0, sizeof(c));
		alive &= session_lookup(&d, &a, tok2, &c) == 1;
	}
	test_cond("session used within the idle limit stays alive", alive);
	setenv("SECURA_NOW_OFFSET", "45500", 1);
	test_cond("busy session still ends at the absolute limit",
		  session_lookup(&d, &a, tok2, &c) == 0);
	unsetenv("SECURA_NOW_OFFSET");
	session_create(&d, uid, "", "", tok, csrf);
	session_create(&d, uid, "", "", tok2, csrf);
	session_delete_user(&d, uid);
	test_cond("deleting a user's sessions ends them all",
		  session_lookup(&d, &a, tok, &c) == 0 &&
		      session_lookup(&d, &a, tok2, &c) == 0);
	session_create(&d, uid, "", "", tok, csrf);
	db_exec(&d, STMT_USER_SET_ACTIVE, uid, 0, clock_now());
	test_cond("inactive user's session is refused",
		  session_lookup(&d, &a, tok, &c) == 0);
	db_exec(&d, STMT_USER_SET_ACTIVE, uid, 1, clock_now());
	arena_free(&a);
}

static void test_tokens(void)
{
	arena a;
	arena_init(&a);
	struct caller c;
	char t[TOKEN_LEN], t2[TOKEN_LEN];
	int64_t id, id2, uid = make_user("tok@example.org", ROLE_LEAD);
	test_cond("token created with prefix",
		  token_create(&d, uid, "siem", "read", 0, t, &id) == 0 &&
		      !strncmp(t, "sec_", 4) && strlen(t) == 47);
	memset(&c, 0, sizeof(c));
	test_cond("token authenticates read-only",
		  token_lookup(&d, &a, t, &c) == 1 && c.user_id == uid &&
		      !c.token_write && c.role == ROLE_LEAD);
	test_cond("token from another user cannot be revoked",
		  token_revoke(&d, uid + 1000, id) == 0);
	test_cond("token revoked", token_revoke(&d, uid, id) == 1);
	test_cond("revoked token refused", token_lookup(&d, &a, t, &c) == 0);
	token_create(&d, uid, "short", "write", clock_now() + 60, t2, &id2);
	test_cond("write token works",
		  token_lookup(&d, &a, t2, &c) == 1 && c.token_write);
	setenv("SECURA_NOW_OFFSET", "61", 1);
	test_cond("expired token refused", token_lookup(&d, &a, t2, &c) == 0);
	unsetenv("SECURA_NOW_OFFSET");
	json_t *list = token_list(&d, uid);
	char *dump = json_dumps(list, 0);
	test_cond("list shows both, no secrets",
		  json_array_size(list) == 2 && !strstr(dump, t + 8));
	free(dump);
	json_decref(list);
	arena_free(&a);
}

static void test_throttle(void)
{
	int64_t retry;
	for (int i = 0; i < 5; i++)
		throttle_fail(&d, "victim@example.org", "10.0.0.1");
	test_cond(
	    "5 failures block the account",
	    throttle_check(&d, "victim@example.org", "10.0.0.2", &retry) &&
		retry > 0 && retry <= 900);
	test_cond("other accounts from another address are not blocked",
		  !throttle_check(&d, "other@example.org", "10.0.0.2", &retry));
	for (int i = 0; i < 15; i++)
		throttle_fail(&d, "spray@example.org", "10.0.0.1");
	test_cond("20 failures block the address for any account",
		  throttle_check(&d, "fresh@example.org", "10.0.0.1", &retry));
	throttle_clear(&d, "victim@example.org");
	test_cond(
	    "success clears the account",
	    !throttle_check(&d, "victim@example.org", "10.0.0.3", &retry));
	setenv("SECURA_NOW_OFFSET", "901", 1);
	test_cond("window passes",
		  !throttle_check(&d, "x@example.org", "10.0.0.1", &retry));
	unsetenv("SECURA_NOW_OFFSET");
}

static void test_audit(void)
{
	int64_t rows, bad;
	char why[200];
	for (int i = 0; i < 5; i++) {
		json_t *det = json_pack("{si}", "n", i);
		struct audit_entry e = {
		    1,	"a@example.org", "127.0.0.1", "test.act", "thing", "7",
		    det};
		db_begin(&d);
		audit_append(&d, &e);
		db_commit(&d);
		json_decref(det);
	}
	test_cond("chain verifies",
		  audit_verify(&d, &rows, &bad, why, sizeof(why)) == 0 &&
		      rows == 5);
	test_cond("UPDATE is refused by trigger",
		  sqlite3_exec(d.h,
			       "UPDATE audit_log SET action='x' WHERE id=2",
			       NULL, NULL, NULL) != SQLITE_OK);
	test_cond("DELETE is refused by trigger",
		  sqlite3_exec(d.h, "DELETE FROM audit_log WHERE id=2", NULL,
			       NULL, NULL) != SQLITE_OK);
	sqlite3_exec(d.h,
		     "DROP TRIGGER audit_log_no_update;"
		     "UPDATE audit_log SET detail='{\"n\":99}' WHERE id=3;",
		     NULL, NULL, NULL);
	test_cond("edited row detected at its id",
		  audit_verify(&d, &rows, &bad, why, sizeof(why)) == 1 &&
		      bad == 3 && strstr(why, "hash"));
	sqlite3_exec(d.h,
		     "DROP TRIGGER audit_log_no_delete;"
		     "DELETE FROM audit_log WHERE id IN (3);",
		     NULL, NULL, NULL);
	test_cond("deleted row detected after the gap",
		  audit_verify(&d, &rows, &bad, why, sizeof(why)) == 1 &&
		      bad == 4);
}

/* Returns the number a six-digit code reads as (0 for anything else). */
static int atoi_safe(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *end ? 0 : (int)v;
}

/* TOTP against RFC 6238's test vectors (SHA-1, the key
 * "12345678901234567890", six digits of the eight it lists), drift of one
 * step, and what is not a code. */
static void test_totp(void)
{
	const char *key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{59, "287082"},	 {1111111109, "081804"},
		 {1111111111, "050471"}, {1234567890, "005924"},
		 {2000000000, "279037"}, {20000000000, "353130"}};
	int ok = 1;
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		char out[7];
		ok &=
		    totp_code(key, v[i].t, out) == 0 && !strcmp(out, v[i].code);
	}
	test_cond("codes match RFC 6238's test vectors", ok);
	test_cond(
	    "a code is accepted one step either side, with its step",
	    totp_check(key, "081804", 1111111109 + 30) == 1111111109 / 30 &&
		totp_check(key, "081804", 1111111109 - 30) == 1111111109 / 30 &&
		totp_check(key, "081 804", 1111111109) == 1111111109 / 30);
	test_cond("two steps away, letters, five digits are refused",
		  totp_check(key, "081804", 1111111109 + 90) == -1 &&
		      totp_check(key, "08180a", 1111111109) == -1 &&
		      totp_check(key, "08180", 1111111109) == -1 &&
		      totp_check("not base32!", "081804", 1111111109) == -2);
	char a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN];
	test_cond("new secrets are 32 base32 letters, each its own",
		  totp_new_secret(a) == 0 && totp_new_secret(b) == 0 &&
		      strlen(a) == 32 &&
		      strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == 32 &&
		      strcmp(a, b));
	buf svg = BUF_INIT;
	test_cond(
	    "the set-up address draws as an SVG QR code",
	    totp_qr_svg(&svg, "otpauth://totp/Secura:a%40b?secret=AB") == 0 &&
		strstr(buf_cstr(&svg), "<svg") &&
		strstr(buf_cstr(&svg), "M4 4h1v1h-1z")); /* a finder's corner */
	buf_free(&svg);
}

/* The second factor in the database: set up, confirmed with a code whose
 * step is then spent, recovery codes once each, removed. */
static void test_mfa(void)
{
	arena a;
	arena_init(&a);
	int64_t uid =
	    users_add(&d, "mfa@example.org", "M", "", ROLE_ANALYST, "$s1$x");
	char secret[TOTP_SECRET_LEN],
	    codes[MFA_RECOVERY_CODES][MFA_RECOVERY_LEN];
	char now_code[7], wrong[16];
	int rec = 0;
	int ok = mfa_begin(&d, uid, secret) == 0 &&
		 totp_code(secret, clock_now(), now_code) == 0;
	snprintf(wrong, sizeof(wrong), "%06d",
		 (atoi_safe(now_code) + 1) % 1000000);
	test_cond("setting up gives a secret; confirming takes a current code",
		  ok && mfa_confirm(&d, uid, wrong, codes) == 0 &&
		      mfa_confirm(&d, uid, now_code, codes) == 1);
	test_cond("the code that confirmed it is spent",
		  mfa_verify(&d, &a, uid, now_code, &rec) == 0);
	test_cond("a second set-up is refused while one is on",
		  mfa_begin(&d, uid, secret) == 1);
	test_cond("a recovery code works once",
		  mfa_verify(&d, &a, uid, codes[3], &rec) == 1 && rec == 1 &&
		      mfa_verify(&d, &a, uid, codes[3], &rec) == 0);
	struct mfa_state st;
	test_cond("nine are left, then none once removed",
		  mfa_get(&d, &a, uid, &st) == 1 && st.recovery_left == 9 &&
		      mfa_remove(&d, uid) == 0 &&
		      mfa_get(&d, &a, uid, &st) == 0);
	arena_free(&a);
}

int main(void)
{
	char dir[] = "/tmp/secura-unit-XXXXXX";
	if (testdb_open(&d, dir) != 0)
		return 1;
	test_cond("migrations bring the schema to the latest version",
		  db_scalar(&d, STMT_USER_VERSION) == db_schema_version());
	test_password();
	test_sessions();
	test_tokens();
	test_throttle();
	test_audit();
	test_totp();
	test_mfa();
	testdb_close(&d, dir);
	return test_report();
}
