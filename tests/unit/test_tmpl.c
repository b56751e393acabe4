/* test_tmpl.c - what the spec does not cover: strict mode (raw output
 * only for *_html names), apostrophes, array indexes, syntax errors and
 * runaway recursion. */
#include "../../src/core/tmpl.h"
#include "../testhelp.h"

static const char *rec_src = "{{>rec}}";
static tmpl *rec, *layout;

static const tmpl *partial(void *ud, const char *name)
{
	(void)ud;
	return strcmp(name, "rec") == 0	     ? rec
	       : strcmp(name, "layout") == 0 ? layout
					     : NULL;
}

/* The page cache's use of blocks: a page extending a layout renders its
 * "content" block into a capture, then with that block replaced. */
static void test_blocks(void)
{
	const char *lsrc = "<h1>{{$title}}T{{/title}}</h1>[{{$content}}"
			   "default{{/content}}] {{who}}";
	const char *psrc = "{{<layout}}{{$title}}Page{{/title}}"
			   "{{$content}}{{#items}}<i>{{.}}</i>{{/items}}"
			   "{{/content}}{{/layout}}";
	layout = tmpl_parse(lsrc, strlen(lsrc), NULL, 0);
	tmpl *page = tmpl_parse(psrc, strlen(psrc), NULL, 0);
	json_t *d = json_pack("{s[ss] ss}", "items", "a", "<b>", "who", "Ann");
	buf out = BUF_INIT, cap = BUF_INIT;
	struct tmpl_env env = {.partial = partial,
			       .raw_suffix = "_html",
			       .block = "content",
			       .capture = &cap};
	int rc = tmpl_render(page, d, &env, &out);
	test_streq("block: the page renders as usual with a capture",
		   rc == 0 ? buf_cstr(&out) : "(error)",
		   "<h1>Page</h1>[<i>a</i><i>&lt;b&gt;</i>] Ann");
	test_streq("block: the capture holds the block alone", buf_cstr(&cap),
		   "<i>a</i><i>&lt;b&gt;</i>");
	buf_reset(&out);
	json_object_set_new(d, "who", json_string("Bob"));
	json_object_set_new(d, "items", json_array());
	env = (struct tmpl_env){.partial = partial,
				.raw_suffix = "_html",
				.block = "content",
				.block_html = "<i>kept</i>"};
	rc = tmpl_render(page, d, &env, &out);
	test_streq("block: replaced by the given HTML, the rest rendered anew",
		   rc == 0 ? buf_cstr(&out) : "(error)",
		   "<h1>Page</h1>[<i>kept</i>] Bob");
	buf_free(&out);
	buf_free(&cap);
	json_decref(d);
	tmpl_free(page);
	tmpl_free(layout);
}

/* Renders src with data (JSON text) in strict mode; returns a static
 * copy of the output or "(error)". */
static const char *render(const char *src, const char *data)
{
	static char out[1024];
	struct tmpl_env env = {.partial = partial, .raw_suffix = "_html"};
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
	const char *twice = "{{>rec}}{{>rec}}";
	rec = tmpl_parse(twice, strlen(twice), NULL, 0);
	test_streq("a partial that includes itself twice stops (no 2^64 work)",
		   render("{{>rec}}", "{}"), "(error)");
	tmpl_free(rec);
	test_blocks();
	return test_report();
}
