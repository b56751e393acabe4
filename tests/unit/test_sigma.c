/* test_sigma.c - the Sigma rules: the community rules in
 * tests/fixtures/sigma parse (or are refused with a reason) and the
 * SigmaHQ regression event fires its rule; modifiers, conditions and
 * keywords match as the specification says; correlations count in their
 * windows per group; what is outside the subset is refused with its
 * line; the rules Secura ships compile and link. */
#include "../../src/domain/sigma.h"
#include "../../src/domain/winevent.h"
#include "../testhelp.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file as a new string, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A linked set of one rule text, or NULL with err. */
static sigma_set *one(const char *text, char *err, size_t errn)
{
	sigma_set *s = sigma_set_new();
	if (sigma_set_add(s, "t.yml", text, strlen(text), err, errn) != 0 ||
	    sigma_set_link(s, err, errn) != 0) {
		sigma_set_free(s);
		return NULL;
	}
	return s;
}

/* How many findings set s gives event json (of kind, at ts). */
static size_t fires(sigma_set *s, const char *kind, const char *json,
		    int64_t ts)
{
	json_t *doc = json_loads(json, 0, NULL);
	json_t *out = sigma_judge(s, kind, doc, ts);
	size_t n = json_array_size(out);
	json_decref(out);
	json_decref(doc);
	return n;
}

/* Every community rule fixture parses; the regression event fires. */
static void test_community(void)
{
	DIR *d = opendir("tests/fixtures/sigma");
	struct dirent *de;
	int files = 0, parsed = 0;
	sigma_set *all = sigma_set_new();
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".yml"))
			continue;
		char path[512], err[600] = "";
		snprintf(path, sizeof(path), "tests/fixtures/sigma/%s",
			 de->d_name);
		char *text = slurp(path);
		files++;
		if (text && sigma_set_add(all, de->d_name, text, strlen(text),
					  err, sizeof(err)) == 0)
			parsed++;
		else
			printf("# refused %s: %s\n", de->d_name, err);
		free(text);
	}
	if (d)
		closedir(d);
	char err[600];
	test_cond("the 17 community rules are all there", files == 17);
	test_cond("every community rule parses in Secura's subset",
		  parsed == files);
	test_cond("the community rules link into one set",
		  sigma_set_link(all, err, sizeof(err)) == 0);
	char *ev = slurp("tests/fixtures/sigma/"
			 "regression_explicit_credential_local_logon.json");
	json_t *raw = ev ? json_loads(ev, 0, NULL) : NULL;
	json_t *doc = winevent_ecs(raw);
	json_t *out = doc ? sigma_judge(all, "auth", doc, 0) : NULL;
	test_cond("the regression event fires exactly one rule",
		  json_array_size(out) == 1);
	test_streq(
	    "... the explicit-credential local logon rule",
	    json_string_value(json_object_get(json_array_get(out, 0), "rule")),
	    "e3c6d245-7b8f-4e2a-c17f-a9d0e5b38f62");
	json_decref(out);
	/* the same event by a computer account is filtered out */
	json_object_set_new(
	    json_object_get(json_object_get(doc, "winlog"), "event_data"),
	    "SubjectUserName", json_string("HOST$"));
	out = sigma_judge(all, "auth", doc, 0);
	test_cond("... and not when a computer account did it",
		  json_array_size(out) == 0);
	json_decref(out);
	json_decref(doc);
	json_decref(raw);
	free(ev);
	sigma_set_free(all);
}

/* Field modifiers, wildcards, lists, null, numbers, networks. */
static void test_modifiers(void)
{
	char err[600];
	sigma_set *s = one("title: m\nid: m1\nlogsource: {product: secura}\n"
			   "detection:\n"
			   "  sel:\n"
			   "    url.path|startswith: /api/\n"
			   "    url.query|contains|all: [union, select]\n"
			   "    http.response.status_code|gte: 500\n"
			   "    source.ip|cidr: 203.0.113.0/24\n"
			   "    user_agent.original: 'curl/*'\n"
			   "  condition: sel\n",
			   err, sizeof(err));
	test_cond("a rule with every modifier compiles", s != NULL);
	if (!s) {
		printf("# %s\n", err);
		return;
	}
	const char *hit = "{\"url\":{\"path\":\"/API/v1\",\"query\":\"id=1 "
			  "UNION SELECT x\"},\"http\":{\"response\":{\"status_"
			  "code\":503}},\"source\":{\"ip\":\"203.0.113.9\"},"
			  "\"user_agent\":{\"original\":\"curl/8.1\"}}";
	test_cond("all the tests hold, case-insensitively",
		  fires(s, "http-access", hit, 0) == 1);
	test_cond("contains|all needs every value",
		  fires(s, "http-access",
			"{\"url\":{\"path\":\"/api/\",\"query\":\"union\"},"
			"\"http\":{\"response\":{\"status_code\":503}},"
			"\"source\":{\"ip\":\"203.0.113.9\"},\"user_agent\":{"
			"\"original\":\"curl/1\"}}",
			0) == 0);
	test_cond(
	    "gte compares numbers",
	    fires(s, "http-access",
		  "{\"url\":{\"path\":\"/api/\",\"query\":\"union select\"},"
		  "\"http\":{\"response\":{\"status_code\":404}},"
		  "\"source\":{\"ip\":\"203.0.113.9\"},\"user_agent\":{"
		  "\"original\":\"curl/1\"}}",
		  0) == 0);
	test_cond(
	    "cidr keeps to the network",
	    fires(s, "http-access",
		  "{\"url\":{\"path\":\"/api/\",\"query\":\"union select\"},"
		  "\"http\":{\"response\":{\"status_code\":500}},"
		  "\"source\":{\"ip\":\"203.0.114.9\"},\"user_agent\":{"
		  "\"original\":\"curl/1\"}}",
		  0) == 0);
	sigma_set_free(s);

	s = one("title: n\nid: n1\nlogsource: {product: secura}\n"
		"detection:\n"
		"  a: {user.name: null}\n"
		"  b: {host.name|re: '^WS-[0-9]+$'}\n"
		"  c: ['evil\\*star', 'x?z']\n"
		"  condition: (a and b) or c\n",
		err, sizeof(err));
	test_cond("null, re and keywords compile", s != NULL);
	if (s) {
		test_cond("null matches an absent field; re anchors",
			  fires(s, "auth", "{\"host\":{\"name\":\"WS-12\"}}",
				0) == 1);
		test_cond("re is case-sensitive by default",
			  fires(s, "auth", "{\"host\":{\"name\":\"ws-12\"}}",
				0) == 0);
		test_cond("a keyword matches anywhere in the message, \\* "
			  "literally",
			  fires(s, "auth", "{\"message\":\"an EVIL*STAR!\"}",
				0) == 1 &&
			      fires(s, "auth", "{\"message\":\"evilXstar\"}",
				    0) == 0);
		test_cond("? is one character",
			  fires(s, "auth", "{\"message\":\"--xyz--\"}", 0) ==
			      1);
	}
	sigma_set_free(s);
}

/* Conditions: not binds tighter than and, and than or; 1 of / all of. */
static void test_conditions(void)
{
	char err[600];
	sigma_set *s =
	    one("title: c\nid: c1\nlogsource: {product: secura}\n"
		"detection:\n"
		"  sel_a: {event.action: a}\n"
		"  sel_b: {event.outcome: failure}\n"
		"  filter_x: {user.name: svc}\n"
		"  condition: all of sel_* and not 1 of filter_* or sel_a and "
		"not sel_a\n",
		err, sizeof(err));
	test_cond("a condition with quantifiers compiles", s != NULL);
	if (s) {
		test_cond("all of sel_* and not 1 of filter_*",
			  fires(s, "auth",
				"{\"event\":{\"action\":\"a\",\"outcome\":"
				"\"failure\"},\"user\":{\"name\":\"ana\"}}",
				0) == 1);
		test_cond("... the filter holds it back",
			  fires(s, "auth",
				"{\"event\":{\"action\":\"a\",\"outcome\":"
				"\"failure\"},\"user\":{\"name\":\"SVC\"}}",
				0) == 0);
		test_cond(
		    "... one selection is not all",
		    fires(s, "auth", "{\"event\":{\"action\":\"a\"}}", 0) == 0);
	}
	sigma_set_free(s);
}

/* What is outside the subset is refused with its line and reason. */
static void test_refusals(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"title: r\nid: r\nlogsource: {product: secura}\ndetection:\n  "
	     "s: {a|base64offset: x}\n  condition: s\n",
	     "line 5: the modifier 'base64offset' is outside"},
	    {"title: r\nid: r\nlogsource: {product: macos}\ndetection:\n  "
	     "s: {a: x}\n  condition: s\n",
	     "line 3: the logsource"},
	    {"title: r\nid: r\nlogsource: {product: secura}\ndetection:\n  "
	     "s: {a: x}\n  condition: s | count() > 5\n",
	     "line 6: aggregations"},
	    {"title: r\nid: r\nlogsource: {product: secura}\ndetection:\n  "
	     "s: {a: x}\n  condition: s and t\n",
	     "line 6: the condition names 't'"},
	    {"title: r\nid: r\nlogsource: {product: secura}\ndetection:\n  "
	     "s: {a: x\n  condition: s\n",
	     "line 6:"},
	    {"title: r\nid: r\ncorrelation:\n  type: value_sum\n  rules: [x]\n"
	     "  timespan: 5m\n",
	     "line 4: the correlation type 'value_sum'"},
	    {"title: r\nid: r\ncorrelation:\n  type: event_count\n  rules: "
	     "[x]\n  timespan: 5m\n  condition: {lt: 3}\n",
	     "a correlation fires on at least one event"},
	    {"title: r\nid: r\nlogsource: {product: secura}\ndetection:\n  "
	     "s: {a|re: '(x'}\n  condition: s\n",
	     "line 5: the regular expression"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char err[600] = "", what[200];
		sigma_set *s = one(cases[i].text, err, sizeof(err));
		snprintf(what, sizeof(what), "refused: %s", cases[i].want);
		test_cond(what, !s && strstr(err, cases[i].want) != NULL);
		if (s || !strstr(err, cases[i].want))
			printf("#   got: %s\n", err);
		sigma_set_free(s);
	}
	char err[600] = "";
	sigma_set *s =
	    one("title: k\nid: k\ncorrelation:\n  type: event_count\n"
		"  rules: [nothing]\n  group-by: [a]\n  timespan: "
		"5m\n  condition: {gte: 2}\n",
		err, sizeof(err));
	test_cond("a correlation naming no rule is refused at link",
		  !s && strstr(err, "names 'nothing'"));
	sigma_set_free(s);
}

/* Correlations: event_count, value_count and ordered sequences count
 * per group within their window; the rules they count stay quiet. */
static void test_correlations(void)
{
	char err[600];
	sigma_set *s = sigma_set_new();
	const char *text =
	    "title: fail\nname: fail\nid: f\nlogsource: {product: secura, "
	    "service: auth}\ndetection:\n  s: {event.outcome: failure}\n  "
	    "condition: s\n---\n"
	    "title: ok\nname: ok\nid: o\nlogsource: {product: secura, "
	    "service: auth}\ndetection:\n  s: {event.outcome: success}\n  "
	    "condition: s\n---\n"
	    "title: many\nname: many\nid: m\ncorrelation:\n  type: "
	    "event_count\n  rules: [fail]\n  group-by: [source.ip]\n  "
	    "timespan: 1m\n  condition: {gte: 3}\n---\n"
	    "title: users\nid: u\ncorrelation:\n  type: value_count\n  rules: "
	    "[fail]\n  group-by: [source.ip]\n  timespan: 1m\n  condition: "
	    "{field: user.name, gte: 3}\n---\n"
	    "title: then\nid: t\ncorrelation:\n  type: temporal_ordered\n  "
	    "rules: [many, ok]\n  group-by: [source.ip]\n  timespan: 5m\n";
	int ok = sigma_set_add(s, "c.yml", text, strlen(text), err,
			       sizeof(err)) == 0 &&
		 sigma_set_link(s, err, sizeof(err)) == 0;
	test_cond("correlations compile and link", ok);
	if (!ok) {
		printf("# %s\n", err);
		sigma_set_free(s);
		return;
	}
	const char *fail_ana = "{\"event\":{\"outcome\":\"failure\"},\"user\":{"
			       "\"name\":\"ana\"},\"source\":{\"ip\":\"1.2.3."
			       "4\"}}";
	test_cond("one failure: the counted rule stays quiet",
		  fires(s, "auth", fail_ana, 1000) == 0);
	test_cond("two: under the count",
		  fires(s, "auth", fail_ana, 2000) == 0);
	test_cond("another address is another group",
		  fires(s, "auth",
			"{\"event\":{\"outcome\":\"failure\"},\"source\":{"
			"\"ip\":\"9.9.9.9\"}}",
			2500) == 0);
	test_cond("three within the minute: event_count fires",
		  fires(s, "auth", fail_ana, 3000) == 1);
	test_cond("a third distinct user: value_count fires too",
		  fires(s, "auth",
			"{\"event\":{\"outcome\":\"failure\"},\"user\":{"
			"\"name\":\"bo\"},\"source\":{\"ip\":\"1.2.3.4\"}}",
			4000) == 1 &&
		      fires(s, "auth",
			    "{\"event\":{\"outcome\":\"failure\"},\"user\":{"
			    "\"name\":\"cy\"},\"source\":{\"ip\":\"1.2.3.4\"}}",
			    5000) == 2);
	json_t *doc = json_loads("{\"event\":{\"outcome\":\"success\"},"
				 "\"source\":{\"ip\":\"1.2.3.4\"}}",
				 0, NULL);
	json_t *out = sigma_judge(s, "auth", doc, 6000);
	test_cond("a success after the burst: the sequence fires",
		  json_array_size(out) == 1);
	test_streq(
	    "... with its group",
	    json_string_value(json_object_get(json_array_get(out, 0), "group")),
	    "source.ip=1.2.3.4");
	json_decref(out);
	out = sigma_judge(s, "auth", doc, 6000 + 10 * 60000);
	test_cond("... but not once the window has passed",
		  json_array_size(out) == 0);
	json_decref(out);
	json_decref(doc);
	test_cond("a failure a minute later starts counting again",
		  fires(s, "auth", fail_ana, 3000 + 70000) == 0);
	sigma_set_free(s);
}

/* The rules Secura ships compile and link together. */
static void test_shipped(void)
{
	DIR *d = opendir("data/rules");
	struct dirent *de;
	sigma_set *s = sigma_set_new();
	int bad = 0, files = 0;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".yml"))
			continue;
		char path[512], err[600];
		snprintf(path, sizeof(path), "data/rules/%s", de->d_name);
		char *text = slurp(path);
		files++;
		if (!text || sigma_set_add(s, de->d_name, text, strlen(text),
					   err, sizeof(err))) {
			printf("# %s: %s\n", path, text ? err : "unreadable");
			bad++;
		}
		free(text);
	}
	if (d)
		closedir(d);
	char err[600];
	test_cond("the shipped rule files compile", files >= 8 && !bad);
	test_cond("... and link", sigma_set_link(s, err, sizeof(err)) == 0);
	sigma_set_free(s);
}

int main(void)
{
	test_community();
	test_modifiers();
	test_conditions();
	test_refusals();
	test_correlations();
	test_shipped();
	return test_report();
}
