/* test_req.c - request parsers: urlencoded, cookies, multipart, JSON,
 * including every 400/413 path. */
#include "../../src/core/buf.h"
#include "../../src/core/req.h"
#include "../testhelp.h"

static struct req_limits lim;

/* Parses s as urlencoded into a fresh set; returns the status. */
static int form(arena *a, const char *s, struct kvs *k)
{
	const char *err = NULL;
	memset(k, 0, sizeof(*k));
	return req_parse_urlencoded(a, s, strlen(s), &lim, k, &err);
}

static void test_urlencoded(void)
{
	arena a;
	struct kvs k;
	arena_init(&a);
	test_cond("form: simple pairs", form(&a, "a=1&b=two", &k) == 0 &&
					    k.n == 2 &&
					    !strcmp(kvs_get(&k, "b"), "two"));
	test_cond("form: plus and percent decode",
		  form(&a, "q=a+b%20c%C3%A9", &k) == 0 &&
		      !strcmp(kvs_get(&k, "q"), "a b cé"));
	test_cond("form: empty value and missing =",
		  form(&a, "a=&b", &k) == 0 && !strcmp(kvs_get(&k, "a"), "") &&
		      !strcmp(kvs_get(&k, "b"), ""));
	test_cond("form: repeated keys kept",
		  form(&a, "t=1&t=2", &k) == 0 && kvs_count(&k, "t") == 2);
	test_cond("form: empty segments skipped",
		  form(&a, "&&a=1&", &k) == 0 && k.n == 1);
	test_cond("form: bad escape is 400", form(&a, "a=%zz", &k) == 400);
	test_cond("form: truncated escape is 400", form(&a, "a=%4", &k) == 400);
	test_cond("form: escape at end is 400", form(&a, "a=%", &k) == 400);
	test_cond("form: NUL byte is 400", form(&a, "a=x%00y", &k) == 400);
	test_cond("form: invalid UTF-8 is 400",
		  form(&a, "a=%C3%28", &k) == 400);
	test_cond("form: empty name is 400", form(&a, "=x", &k) == 400);
	char big[64];
	memset(big, 'k', sizeof(big));
	big[63] = '\0';
	struct req_limits small = lim;
	small.max_key = 10;
	const char *err;
	memset(&k, 0, sizeof(k));
	test_cond("form: long key is 413",
		  req_parse_urlencoded(&a, big, strlen(big), &small, &k,
				       &err) == 413);
	buf many = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_printf(&many, "f%d=1&", i);
	test_cond("form: too many fields is 413",
		  form(&a, buf_cstr(&many), &k) == 413);
	buf_free(&many);
	arena_free(&a);
}

static void test_cookies(void)
{
	arena a;
	struct kvs k = {0};
	arena_init(&a);
	req_parse_cookies(&a, "a=1; secura_session=abc; junk; =x; b=", &k);
	test_cond("cookies: parsed",
		  !strcmp(kvs_get(&k, "secura_session"), "abc") &&
		      !strcmp(kvs_get(&k, "a"), "1"));
	test_cond("cookies: malformed pairs skipped",
		  !kvs_get(&k, "junk") && kvs_get(&k, "b"));
	arena_free(&a);
}

/* Parses a multipart body; returns the status. */
static int mp(arena *a, const char *body, const char *ct, struct kvs *f,
	      struct uploads *u)
{
	const char *err;
	memset(f, 0, sizeof(*f));
	memset(u, 0, sizeof(*u));
	return req_parse_multipart(a, body, strlen(body), ct, &lim, f, u, &err);
}

static void test_multipart(void)
{
	arena a;
	struct kvs f;
	struct uploads u;
	arena_init(&a);
	const char *ct = "multipart/form-data; boundary=XyZ";
	const char *ok =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	    "Phish\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"evidence\"; "
	    "filename=\"mail.eml\"\r\n"
	    "Content-Type: message/rfc822\r\n\r\n"
	    "From: x\r\n\r\nbody\r\n"
	    "--XyZ--\r\n";
	int rc = mp(&a, ok, ct, &f, &u);
	test_cond("multipart: field and file parsed",
		  rc == 0 && !strcmp(kvs_get(&f, "title"), "Phish") &&
		      u.n == 1 && !strcmp(u.v[0].filename, "mail.eml") &&
		      u.v[0].len == strlen("From: x\r\n\r\nbody"));
	test_cond("multipart: declared type kept",
		  rc == 0 && !strcmp(u.v[0].type, "message/rfc822"));
	test_cond("multipart: quoted boundary",
		  mp(&a, ok, "multipart/form-data; boundary=\"XyZ\"", &f, &u) ==
		      0);
	test_cond("multipart: missing boundary is 400",
		  mp(&a, ok, "multipart/form-data", &f, &u) == 400);
	test_cond("multipart: wrong boundary is 400",
		  mp(&a, ok, "multipart/form-data; boundary=Other", &f, &u) ==
		      400);
	test_cond(
	    "multipart: unterminated is 400",
	    mp(&a,
	       "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
	       "no end",
	       ct, &f, &u) == 400);
	test_cond(
	    "multipart: part without name is 400",
	    mp(&a,
	       "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
	       ct, &f, &u) == 400);
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; "
				  "name=\"a\"\r\n\r\nx\0y\r\n--XyZ--";
	const char *why = NULL;
	test_cond("multipart: NUL in field is 400",
		  req_parse_multipart(&a, nul, sizeof(nul) - 1, ct, &lim, &f,
				      &u, &why) == 400 &&
		      strstr(why, "NUL"));
	struct req_limits small = lim;
	small.max_file = 4;
	memset(&f, 0, sizeof(f));
	memset(&u, 0, sizeof(u));
	test_cond("multipart: oversized file is 413",
		  req_parse_multipart(&a, ok, strlen(ok), ct, &small, &f, &u,
				      &(const char *){0}) == 413);
	test_cond("multipart: empty file input is skipped",
		  mp(&a,
		     "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
		     "filename=\"\"\r\n\r\n\r\n--XyZ--",
		     ct, &f, &u) == 0 &&
		      u.n == 0);
	arena_free(&a);
}

static void test_json(void)
{
	json_t *j = NULL;
	const char *err;
	const char *ok = "{\"title\":\"x\",\"n\":3}";
	test_cond("json: object accepted",
		  req_parse_json(ok, strlen(ok), &lim, &j, &err) == 0 && j);
	json_decref(j);
	test_cond("json: array is 400",
		  req_parse_json("[1]", 3, &lim, &j, &err) == 400);
	test_cond("json: malformed is 400",
		  req_parse_json("{\"a\":", 5, &lim, &j, &err) == 400);
	test_cond("json: duplicate keys are 400",
		  req_parse_json("{\"a\":1,\"a\":2}", 13, &lim, &j, &err) ==
		      400);
	test_cond("json: escaped NUL is 400",
		  req_parse_json("{\"a\":\"\\u0000\"}", 14, &lim, &j, &err) ==
		      400);
	test_cond("json: invalid UTF-8 is 400",
		  req_parse_json("{\"a\":\"\xc3\x28\"}", 10, &lim, &j, &err) ==
		      400);
}

int main(void)
{
	lim = req_default_limits;
	test_urlencoded();
	test_cookies();
	test_multipart();
	test_json();
	return test_report();
}
