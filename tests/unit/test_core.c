/* test_core.c - SHA-256/HMAC vectors, escaping, UTF-8, dates, validators,
 * route matching and the permission matrix. */
#include "../../src/core/clock.h"
#include "../../src/core/esc.h"
#include "../../src/core/http.h"
#include "../../src/core/perm.h"
#include "../../src/core/rand.h"
#include "../../src/core/sha256.h"
#include "../../src/core/utf8.h"
#include "../../src/core/valid.h"
#include "../testhelp.h"

#include <stdint.h>
#include <time.h>

static void test_sha256(void)
{
	char hex[SHA256_HEX];
	sha256_hex("", 0, hex);
	test_streq(
	    "sha256 of empty string", hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	test_streq(
	    "sha256 of abc", hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	test_streq(
	    "sha256 of two-block message", hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char million[1000];
	memset(million, 'a', sizeof(million));
	sha256_ctx c;
	unsigned char d[SHA256_LEN];
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, million, sizeof(million));
	sha256_final(&c, d);
	sha256_tohex(d, hex);
	test_streq(
	    "sha256 of a million a's (streamed)", hex,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* RFC 4231 test case 2 */
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	sha256_tohex(d, hex);
	test_streq(
	    "hmac-sha256 RFC 4231 case 2", hex,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_escape(void)
{
	buf b = BUF_INIT;
	const char *s = "<a href='x' title=\"y\">&`</a>";
	esc_html(&b, s, strlen(s));
	test_streq("esc_html escapes & < > \" ' and backtick", buf_cstr(&b),
		   "&lt;a href=&#39;x&#39; "
		   "title=&quot;y&quot;&gt;&amp;&#96;&lt;/a&gt;");
	buf_reset(&b);
	esc_url(&b, "a b/c?d=é&");
	test_streq("esc_url percent-encodes reserved and UTF-8", buf_cstr(&b),
		   "a%20b%2Fc%3Fd%3D%C3%A9%26");
	buf_reset(&b);
	esc_log(&b, "ok\n\x01\"x", 100);
	test_streq("esc_log escapes controls and quotes", buf_cstr(&b),
		   "ok\\x0a\\x01\\x22x");
	buf_reset(&b);
	esc_header(&b, "a\r\nSet-Cookie: x");
	test_streq("esc_header drops CR/LF", buf_cstr(&b), "aSet-Cookie: x");
	buf_free(&b);
}

static void test_utf8(void)
{
	test_cond("utf8: ascii", utf8_valid("hello", 5));
	test_cond("utf8: accented",
		  utf8_valid("Zoë Łukasz", strlen("Zoë Łukasz")));
	test_cond("utf8: 4-byte emoji", utf8_valid("\xf0\x9f\x94\x92", 4));
	test_cond("utf8_cut: a string that fits is kept whole",
		  utf8_cut("Zoë", 10) == strlen("Zoë"));
	test_cond("utf8_cut: a cut inside a character backs off to its start",
		  utf8_cut("Zoë", 3) == 2 && utf8_cut("ééé", 5) == 4);
	test_cond("utf8_cut: a cut between characters stays",
		  utf8_cut("ééé", 4) == 4);
	test_cond("utf8: NUL rejected", !utf8_valid("a\0b", 3));
	test_cond("utf8: overlong rejected", !utf8_valid("\xc0\xaf", 2));
	test_cond("utf8: surrogate rejected", !utf8_valid("\xed\xa0\x80", 3));
	test_cond("utf8: truncated rejected", !utf8_valid("\xe2\x82", 2));
	test_cond("utf8: beyond U+10FFFF rejected",
		  !utf8_valid("\xf4\x90\x80\x80", 4));
	test_cond("utf8: lone continuation rejected", !utf8_valid("\x80", 1));
	test_cond("utf8_chars counts code points", utf8_chars("Zoë") == 3);
}

static void test_dates(void)
{
	int64_t t;
	char out[21];
	test_cond("date: 2026-02-28 parses",
		  clock_parse_iso("2026-02-28", &t) == 0 && t == 1772236800);
	test_cond("date: 2024-02-29 (leap) parses",
		  clock_parse_iso("2024-02-29", &t) == 0);
	test_cond("date: 2026-02-29 rejected",
		  clock_parse_iso("2026-02-29", &t) != 0);
	test_cond("date: 2026-13-01 rejected",
		  clock_parse_iso("2026-13-01", &t) != 0);
	test_cond("date: time 14:30 parses",
		  clock_parse_iso("2026-03-01T14:30", &t) == 0);
	test_cond("date: time 14:30:59Z parses",
		  clock_parse_iso("2026-03-01T14:30:59Z", &t) == 0);
	test_cond("date: 25:00 rejected",
		  clock_parse_iso("2026-03-01T25:00", &t) != 0);
	test_cond("date: junk after rejected",
		  clock_parse_iso("2026-03-01x", &t) != 0);
	test_cond("date: empty rejected", clock_parse_iso("", &t) != 0);
	clock_iso(0, out);
	test_streq("clock_iso of epoch", out, "1970-01-01T00:00:00Z");
	clock_iso(951782400, out);
	test_streq("clock_iso of a leap day", out, "2000-02-29T00:00:00Z");
	clock_iso(-1, out);
	test_streq("clock_iso before the epoch", out, "1969-12-31T23:59:59Z");
	/* the same text as gmtime_r + strftime from year 1000 to 9999
	   (strftime does not pad earlier years to four digits) */
	int same = 1;
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 200000 && same; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		int64_t v = -30610224000 + (int64_t)(x % 284012524800u);
		if (i < 4000) /* and every day around 1970 and 2100 */
			v = (i % 2 ? 4102444800 : 0) + (i / 2 - 1000) * 86399;
		time_t tt = (time_t)v;
		struct tm tm;
		char want[32];
		gmtime_r(&tt, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		clock_iso(v, out);
		same = strcmp(out, want) == 0;
		if (!same)
			printf("# %lld: %s, want %s\n", (long long)v, out,
			       want);
	}
	test_cond("clock_iso agrees with gmtime_r over 200,000 times", same);
}

static void test_validators(void)
{
	arena a;
	arena_init(&a);
	const char *out, *msg;
	static const char *const colours[] = {"red", "green", NULL};
	struct field email = {"email", V_EMAIL, F_REQUIRED, 3, 254, NULL, NULL};
	struct field line = {"name", V_LINE, 0, 0, 5, NULL, NULL};
	struct field num = {"n", V_INT, 0, 1, 10, NULL, NULL};
	struct field en = {"c", V_ENUM, F_REQUIRED, 0, 0, colours, NULL};
	struct field text = {"t", V_TEXT, 0, 0, 100, NULL, NULL};
	struct field date = {"d", V_DATE, 0, 0, 0, NULL, NULL};
	struct field yes = {"b", V_BOOL, 0, 0, 0, NULL, NULL};

	msg = valid_check(&a, &email, "  Zoe@Example.ORG ", &out);
	test_cond("email trimmed and lower-cased",
		  !msg && out && !strcmp(out, "zoe@example.org"));
	test_cond("email missing is required",
		  (msg = valid_check(&a, &email, NULL, &out)) &&
		      !strcmp(msg, "is required"));
	test_cond("email without dot in domain rejected",
		  valid_check(&a, &email, "a@b", &out) != NULL);
	test_cond("email with two @ rejected",
		  valid_check(&a, &email, "a@b@c.d", &out) != NULL);
	test_cond("email with space rejected",
		  valid_check(&a, &email, "a b@c.d", &out) != NULL);
	test_cond("line over max rejected",
		  valid_check(&a, &line, "abcdef", &out) != NULL);
	test_cond("line max counts characters not bytes",
		  valid_check(&a, &line, "éééé", &out) == NULL);
	test_cond("line with newline rejected",
		  valid_check(&a, &line, "a\nb", &out) != NULL);
	test_cond("optional empty line is absent",
		  valid_check(&a, &line, "", &out) == NULL && out == NULL);
	test_cond("text keeps newlines",
		  valid_check(&a, &text, "a\nb", &out) == NULL &&
		      !strcmp(out, "a\nb"));
	test_cond("text rejects other controls",
		  valid_check(&a, &text, "a\x07", &out) != NULL);
	test_cond("int in range", valid_check(&a, &num, "7", &out) == NULL &&
				      !strcmp(out, "7"));
	test_cond("int out of range rejected",
		  valid_check(&a, &num, "11", &out) != NULL);
	test_cond("int with junk rejected",
		  valid_check(&a, &num, "7x", &out) != NULL);
	test_cond("int overflow rejected",
		  valid_check(&a, &num, "99999999999999999999999", &out) !=
		      NULL);
	test_cond("enum member accepted",
		  valid_check(&a, &en, "green", &out) == NULL);
	test_cond("enum non-member rejected",
		  valid_check(&a, &en, "blue", &out) != NULL);
	test_cond("date field rejects datetime",
		  valid_check(&a, &date, "2026-01-01T10:00", &out) != NULL);
	test_cond("bool on is 1", valid_check(&a, &yes, "on", &out) == NULL &&
				      !strcmp(out, "1"));
	test_cond("bool absent is 0",
		  valid_check(&a, &yes, NULL, &out) == NULL &&
		      !strcmp(out, "0"));
	test_cond("bool junk rejected",
		  valid_check(&a, &yes, "maybe", &out) != NULL);
	test_cond("csv_has finds whole items",
		  valid_csv_has("personal,health", "health") &&
		      valid_csv_has("personal,health", "personal"));
	test_cond("csv_has ignores parts of items",
		  !valid_csv_has("special_category", "category") &&
		      !valid_csv_has("personal_x", "personal") &&
		      !valid_csv_has("", "x"));
	int64_t v;
	test_cond("valid_int rejects leading space", valid_int(" 5", 0, 9, &v));
	test_cond("valid_int rejects empty", valid_int("", 0, 9, &v));
	arena_free(&a);
}

static void test_routes(void)
{
	struct route_params p = {0, 0, ""};
	test_cond("route: exact path",
		  route_match("/admin/users", "/admin/users", &p));
	test_cond("route: trailing slash is another path",
		  !route_match("/admin/users", "/admin/users/", &p));
	test_cond(
	    "route: {id} captures",
	    route_match("/admin/users/{id}/role", "/admin/users/42/role", &p) &&
		p.id == 42);
	test_cond("route: {id} and {sub} capture",
		  route_match("/incidents/{id}/evidence/{sub}",
			      "/incidents/7/evidence/12", &p) &&
		      p.id == 7 && p.sub == 12);
	test_cond(
	    "route: {ref} captures a reference",
	    route_match("/incidents/{ref}", "/incidents/INC-2026-0042", &p) &&
		!strcmp(p.ref, "INC-2026-0042"));
	test_cond("route: {ref} rejects slashes and quotes",
		  !route_match("/i/{ref}", "/i/a'b", &p) &&
		      !route_match("/i/{ref}", "/i/a/b", &p));
	test_cond("route: {id} rejects letters",
		  !route_match("/admin/users/{id}", "/admin/users/4x", &p));
	test_cond("route: {id} rejects leading zero",
		  !route_match("/admin/users/{id}", "/admin/users/042", &p));
	test_cond("route: {id} rejects zero",
		  !route_match("/admin/users/{id}", "/admin/users/0", &p));
	test_cond("route: {id} rejects 19 digits",
		  !route_match("/x/{id}", "/x/1234567890123456789", &p));
	test_cond("route: {id} rejects empty",
		  !route_match("/x/{id}", "/x/", &p));
	test_cond("route: prefix is not a match",
		  !route_match("/x", "/xy", &p));
}

static void test_origin(void)
{
	arena a;
	arena_init(&a);
	test_streq("origin: $host without port",
		   route_origin(&a, 0, "127.0.0.1", "8080"),
		   "http://127.0.0.1:8080");
	test_streq("origin: raw Host header with port (older nginx)",
		   route_origin(&a, 0, "127.0.0.1:8080", "8080"),
		   "http://127.0.0.1:8080");
	test_streq("origin: IPv6 with port",
		   route_origin(&a, 0, "[::1]:8080", "8080"),
		   "http://[::1]:8080");
	test_streq("origin: https on 443 omits the port",
		   route_origin(&a, 1, "secura.example.org", "443"),
		   "https://secura.example.org");
	test_streq("origin: http on 80 omits the port",
		   route_origin(&a, 0, "secura.example.org:80", "80"),
		   "http://secura.example.org");
	arena_free(&a);
}

static void test_perms(void)
{
	/* The role matrix, written out so a change to perm.c must be made
	 * here too. Columns: employee analyst lead manager admin. */
	static const struct {
		enum perm p;
		int allowed[ROLE__COUNT];
	} m[] = {
	    {PERM_PUBLIC, {1, 1, 1, 1, 1}},
	    {PERM_LOGIN, {1, 1, 1, 1, 1}},
	    {PERM_INCIDENT_REPORT, {1, 1, 1, 1, 1}},
	    {PERM_INCIDENT_READ_ALL, {0, 1, 1, 1, 1}},
	    {PERM_INCIDENT_WRITE, {0, 1, 1, 0, 1}},
	    {PERM_INCIDENT_ASSIGN, {0, 0, 1, 0, 1}},
	    {PERM_DASHBOARD, {0, 0, 1, 1, 1}},
	    {PERM_REPORT, {0, 0, 0, 1, 1}},
	    {PERM_USER_ADMIN, {0, 0, 0, 0, 1}},
	    {PERM_AUDIT_READ, {0, 0, 0, 0, 1}},
	    {PERM_SETTINGS, {0, 0, 0, 0, 1}},
	    {PERM_PLAYBOOK_EDIT, {0, 0, 1, 0, 1}},
	    {PERM_EVENT_READ, {0, 1, 1, 0, 1}},
	    {PERM_ALERT_READ, {0, 1, 1, 1, 1}},
	    {PERM_ALERT_WRITE, {0, 1, 1, 0, 1}},
	    {PERM_ALERT_RESPOND, {0, 0, 1, 0, 1}},
	    {PERM_APPLICATION_READ, {0, 0, 1, 0, 1}},
	    {PERM_CHAT, {0, 1, 1, 1, 1}},
	    {PERM_CHAT_ROOMS, {0, 0, 1, 0, 1}},
	};
	int ok = 1;
	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
		for (int r = 0; r < ROLE__COUNT; r++)
			if (perm_has(r, m[i].p) != m[i].allowed[r]) {
				printf("#   %s x %s\n", perm_role_name(r),
				       perm_name(m[i].p));
				ok = 0;
			}
	test_cond("permission matrix matches the documented table", ok);
	test_cond("anonymous has only public",
		  perm_has(ROLE_NONE, PERM_PUBLIC) &&
		      !perm_has(ROLE_NONE, PERM_LOGIN));
	test_cond("role names round-trip",
		  perm_role_parse("lead") == ROLE_LEAD &&
		      perm_role_parse("root") == ROLE_NONE);
}

static void test_rand(void)
{
	char a[RAND_TOKEN_LEN], b[RAND_TOKEN_LEN], enc[8];
	test_cond("rand_token makes 43 chars",
		  rand_token(a) == 0 && strlen(a) == 43);
	test_cond("two tokens differ", rand_token(b) == 0 && strcmp(a, b));
	rand_b64url((const unsigned char *)"\xfb\xff", 2, enc);
	test_streq("base64url alphabet uses - and _", enc, "-_8");
	test_cond("ct_equal equal", ct_equal("abc", "abc"));
	test_cond("ct_equal differs", !ct_equal("abc", "abd"));
	test_cond("ct_equal prefix differs", !ct_equal("abc", "ab"));
	test_cond("ct_equal NULL never equal", !ct_equal(NULL, NULL));
}

int main(void)
{
	test_sha256();
	test_escape();
	test_utf8();
	test_dates();
	test_validators();
	test_routes();
	test_origin();
	test_perms();
	test_rand();
	return test_report();
}
