/* test_accesslog.c - access log lines into ECS events: the combined and
 * common formats, time zones, escaped quotes, and refusals with a
 * reason. */
#include "../../src/domain/accesslog.h"
#include "../testhelp.h"

#include <string.h>

/* The text at a dotted path of e ("" when absent). */
static const char *at(json_t *e, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(e, a), b);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void test_lines(void)
{
	const char *why;
	const char *l = "203.0.113.9 - frank [10/Oct/2026:13:55:36 -0700] "
			"\"POST /api/login?next=%2F HTTP/2.0\" 401 17 "
			"\"https://shop.example/\" \"curl/8.5 \\\"x\\\"\"";
	json_t *e = accesslog_parse(l, strlen(l), &why);
	json_t *http = json_object_get(e, "http");
	test_cond("a combined line: address, user, method, path, query, status",
		  e && !strcmp(at(e, "source", "ip"), "203.0.113.9") &&
		      !strcmp(at(e, "user", "name"), "frank") &&
		      !strcmp(at(http, "request", "method"), "POST") &&
		      !strcmp(at(e, "url", "path"), "/api/login") &&
		      !strcmp(at(e, "url", "query"), "next=%2F") &&
		      json_integer_value(json_object_get(
			  json_object_get(http, "response"), "status_code")) ==
			  401 &&
		      !strcmp(at(e, "event", "outcome"), "failure"));
	test_cond(
	    "its time with the offset, its escaped user agent whole",
	    json_number_value(json_object_get(e, "@timestamp")) ==
		    1791665736000.0 &&
		!strcmp(at(e, "user_agent", "original"), "curl/8.5 \\\"x\\\""));
	json_decref(e);
	const char *common = "10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "
			     "\"GET / HTTP/1.0\" 200 -";
	e = accesslog_parse(common, strlen(common), &why);
	test_cond("a common line (no referrer or agent; size -)",
		  e && !json_object_get(e, "user") &&
		      !strcmp(at(e, "url", "path"), "/"));
	json_decref(e);
	static const char *const bad[] = {
	    "garbage", "1.2.3.4 - - [yesterday] \"GET / HTTP/1.1\" 200 1",
	    "1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" OK 1",
	    "1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1",
	    "1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET /\" 200 1 \"r\""};
	int refused = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why = NULL;
		refused &=
		    accesslog_parse(bad[i], strlen(bad[i]), &why) == NULL &&
		    why != NULL;
	}
	test_cond("malformed lines are refused with a reason", refused);
}

int main(void)
{
	test_lines();
	return test_report();
}
