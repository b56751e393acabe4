/* spec_test.c - runs the official mustache spec files given as arguments
 * against our renderer; every spec test is one check. */
#include "../../src/core/tmpl.h"
#include "../testhelp.h"

#include <jansson.h>
#include <stdlib.h>

#define MAX_PARTIALS 16

struct partials {
	json_t *src; /* the test's "partials" object, may be NULL */
	const char *names[MAX_PARTIALS];
	tmpl *parsed[MAX_PARTIALS];
	int n;
};

/* Parses a partial from the test's map on first use; NULL if absent. */
static const tmpl *get_partial(void *ud, const char *name)
{
	struct partials *p = ud;
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->parsed[i];
	void *it = json_object_iter_at(p->src, name);
	json_t *s = json_object_iter_value(it);
	if (!json_is_string(s) || p->n == MAX_PARTIALS)
		return NULL;
	p->names[p->n] = json_object_iter_key(it);
	p->parsed[p->n] =
	    tmpl_parse(json_string_value(s), json_string_length(s), NULL, 0);
	return p->parsed[p->n++];
}

static char skips[4096];
static int skipped;

/* Loads the skip list (lines "file: name"); missing file means none. */
static void load_skips(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t n = fread(skips, 1, sizeof(skips) - 1, f);
	skips[n] = '\0';
	fclose(f);
}

/* Returns 1 when "file: name" is a whole line of the skip list. */
static int is_skipped(const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = skips; (p = strstr(p, key)); p += kl)
		if ((p == skips || p[-1] == '\n') &&
		    (p[kl] == '\n' || p[kl] == '\0'))
			return 1;
	return 0;
}

/* Runs one spec test and records it. */
static void run_one(const char *file, json_t *t)
{
	char descr[512], err[128] = "";
	const char *src = json_string_value(json_object_get(t, "template"));
	const char *want = json_string_value(json_object_get(t, "expected"));
	snprintf(descr, sizeof(descr), "mustache %s: %s", file,
		 json_string_value(json_object_get(t, "name")));
	if (is_skipped(descr + 9)) {
		printf("ok - %s # SKIP known whitespace case\n", descr);
		skipped++;
		return;
	}
	struct partials p = {.src = json_object_get(t, "partials")};
	struct tmpl_env env = {.partial = get_partial, .ud = &p};
	buf out = BUF_INIT;
	tmpl *tp = tmpl_parse(src, strlen(src), err, sizeof(err));
	if (tp)
		tmpl_render(tp, json_object_get(t, "data"), &env, &out);
	else
		buf_printf(&out, "(parse error: %s)", err);
	test_streq(descr, buf_cstr(&out), want);
	tmpl_free(tp);
	for (int i = 0; i < p.n; i++)
		tmpl_free(p.parsed[i]);
	buf_free(&out);
}

int main(int argc, char **argv)
{
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "--skip") == 0) {
		load_skips(argv[2]);
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		json_error_t e;
		json_t *doc = json_load_file(argv[i], 0, &e);
		if (!doc) {
			test_cond(argv[i], 0);
			continue;
		}
		const char *base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		size_t k;
		json_t *t;
		json_array_foreach(json_object_get(doc, "tests"), k, t)
		    run_one(base, t);
		json_decref(doc);
	}
	return test_report();
}
