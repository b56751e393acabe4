/* test_tmpl.c - what the spec does not cover: strict mode (raw output
 * only for *_html names), apostrophes, array indexes, syntax errors and
 * runaway recursion. */
#include "../../src/core/tmpl.h"
#include "../testhelp.h"

static const char *rec_src = "{{>rec}}";
static tmpl *rec;

static const tmpl *partial(void *ud, const char *name)
{
	(void)ud;
	return strcmp(name, "rec") == 0 ? rec : NULL;
}

/* Renders src with data (JSON text) in strict mode; returns a static
 * copy of the output or "(error)". */
static const char *render(const char *src, const char *data)
{
	static char out[1024];
	struct tmpl_env env = {partial, NULL, "_html"};
	json_t *d = json_loads(data, 0, NULL);
	tmpl *t = tmpl_parse(src, strlen(src), NULL, 0);
	buf b = BUF_INIT;
	int rc = t ? tmpl_render(t, d, &env, &b) : -1;
	snprintf(out, sizeof(out), "%s", rc == 0 ? buf_cstr(&b) : "(error)");
	buf_free(&b);
	tmpl_free(t);
	json_decref(d);
	return out;
}

int main(void)
{
	test_streq("strict: triple mustache on plain name is escaped",
		   render("{{{x}}}", "{\"x\":\"<b>\"}"), "&lt;b&gt;");
	test_streq("strict: ampersand on plain name is escaped",
		   render("{{&x}}", "{\"x\":\"<b>\"}"), "&lt;b&gt;");
	test_streq("strict: *_html name is raw",
		   render("{{{body_html}}}", "{\"body_html\":\"<b>\"}"), "<b>");
	test_streq("strict: *_html with double mustache still escapes",
		   render("{{body_html}}", "{\"body_html\":\"<b>\"}"),
		   "&lt;b&gt;");
	test_streq("apostrophe escaped for single-quoted attributes",
		   render("<a title='{{t}}'>", "{\"t\":\"x' onclick='y\"}"),
		   "<a title='x&#39; onclick=&#39;y'>");
	test_streq("array index in dotted name",
		   render("{{#l.0}}has{{/l.0}}{{^m.0}}none{{/m.0}}",
			  "{\"l\":[1],\"m\":[]}"),
		   "hasnone");
	test_streq("integer zero is falsey, renders as 0",
		   render("{{#n}}yes{{/n}}{{^n}}no{{/n}} {{n}}", "{\"n\":0}"),
		   "no 0");
	test_streq("empty string is falsey",
		   render("{{^s}}empty{{/s}}", "{\"s\":\"\"}"), "empty");
	test_cond("unclosed section is a parse error",
		  tmpl_parse("{{#a}}x", 7, NULL, 0) == NULL);
	test_cond("mismatched close is a parse error",
		  tmpl_parse("{{#a}}{{/b}}", 12, NULL, 0) == NULL);
	test_cond("unclosed tag is a parse error",
		  tmpl_parse("{{a", 3, NULL, 0) == NULL);
	test_cond("bad delimiters are a parse error",
		  tmpl_parse("{{=x=}}", 7, NULL, 0) == NULL);
	char err[100] = "";
	tmpl_parse("ab{{/x}}", 8, err, sizeof(err));
	test_cond("parse error names the offset",
		  strstr(err, "byte 2") != NULL);
	rec = tmpl_parse(rec_src, strlen(rec_src), NULL, 0);
	test_streq("self-recursive partial stops with an error",
		   render("{{>rec}}", "{}"), "(error)");
	tmpl_free(rec);
	return test_report();
}
