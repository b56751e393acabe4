/* tmpl.h - mustache templates: parse once, render many times.
 *
 * Supports the mustache spec core (variables, sections, inverted sections,
 * comments, partials, set delimiters) and template inheritance (parents and
 * blocks). In strict mode ({@code raw_suffix} set) triple mustache and
 * ampersand tags output raw HTML only for names ending in that suffix,
 * which the code reserves for HTML it produced itself (e.g. "body_html");
 * every other value is escaped whatever the tag says. */
#ifndef SECURA_TMPL_H
#define SECURA_TMPL_H

#include "buf.h"

#include <jansson.h>

typedef struct tmpl tmpl;

/* Returns the parsed partial or parent called name, or NULL if none. */
typedef const tmpl *(*tmpl_partial_fn)(void *ud, const char *name);

struct tmpl_env {
	tmpl_partial_fn partial;
	void *ud;
	const char *raw_suffix; /* NULL: spec behaviour; else strict mode */
	/* One block of the page, by name (e.g. "content"): with block_html
	   its rendering is replaced by that HTML, else with capture what it
	   renders is also appended there (the page cache, core/view.c). */
	const char *block;
	const char *block_html;
	buf *capture;
};

tmpl *tmpl_parse(const char *src, size_t len, char *err, size_t errlen);
void tmpl_free(tmpl *t);
int tmpl_render(const tmpl *t, json_t *data, const struct tmpl_env *env,
		buf *out);

#endif
