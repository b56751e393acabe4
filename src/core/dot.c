/* dot.c - see dot.h. The graph is built in memory with cgraph's API
 * (never as DOT text, so no input is ever parsed as DOT), laid out and
 * rendered to SVG by libgvc; the SVG's prolog and fixed size are
 * replaced by our own opening tag so the CSS scales it. Labels keep
 * letters, digits, spaces and common punctuation: Graphviz reads
 * backslash sequences in labels, so a backslash becomes a slash. */
#include "dot.h"

#include "esc.h"

#include <fontconfig/fontconfig.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gvc; /* under lock */

/* Frees Graphviz's context and the font caches its text layout filled,
 * at the process's exit (so a leak checker sees none). */
static void finish(void)
{
	pthread_mutex_lock(&lock);
	if (gvc)
		gvFreeContext(gvc);
	gvc = NULL;
	FcFini();
	pthread_mutex_unlock(&lock);
}

/* Copies a label into out with Graphviz's escapes made harmless. */
static void plain(const char *in, char *out, size_t n)
{
	size_t k = 0;
	for (; in && *in && k + 1 < n; in++)
		out[k++] = *in == '\\' ? '/' : *in;
	out[k] = '\0';
}

/* Sets attribute name of object o (of kind) to value (copied). */
static void set(void *o, int kind, const char *name, const char *value)
{
	char v[1024];
	plain(value, v, sizeof(v));
	Agsym_t *sym = agattr(agraphof(o), kind, (char *)name, "");
	if (sym)
		agxset(o, sym, v);
}

/* Builds graph g from nodes and edges. */
static void build(Agraph_t *g, json_t *nodes, json_t *edges)
{
	size_t i;
	json_t *n, *e;
	json_array_foreach(nodes, i, n)
	{
		const char *nid = json_string_value(json_object_get(n, "id"));
		if (!nid)
			continue;
		Agnode_t *v = agnode(g, (char *)nid, 1);
		static const char *const attrs[][2] = {
		    {"label", "label"},	   {"href", "URL"},
		    {"fill", "fillcolor"}, {"shape", "shape"},
		    {"label", "tooltip"},  {"color", "color"}};
		for (size_t k = 0; k < sizeof(attrs) / sizeof(*attrs); k++) {
			const char *val =
			    json_string_value(json_object_get(n, attrs[k][0]));
			if (val)
				set(v, AGNODE, attrs[k][1], val);
		}
		if (json_is_true(json_object_get(n, "bold")))
			set(v, AGNODE, "penwidth", "3");
	}
	json_array_foreach(edges, i, e)
	{
		const char *f = json_string_value(json_object_get(e, "from")),
			   *t = json_string_value(json_object_get(e, "to"));
		Agnode_t *a = f ? agnode(g, (char *)f, 0) : NULL,
			 *z = t ? agnode(g, (char *)t, 0) : NULL;
		if (!a || !z)
			continue;
		char key[32];
		snprintf(key, sizeof(key), "e%zu", i);
		Agedge_t *x = agedge(g, a, z, key, 1);
		const char *label =
			       json_string_value(json_object_get(e, "label")),
			   *color =
			       json_string_value(json_object_get(e, "color"));
		if (label)
			set(x, AGEDGE, "label", label);
		if (color)
			set(x, AGEDGE, "color", color);
		if (json_is_true(json_object_get(e, "dashed")))
			set(x, AGEDGE, "style", "dashed");
		double w = json_number_value(json_object_get(e, "width"));
		if (w > 0) {
			char pw[16];
			snprintf(pw, sizeof(pw), "%.1f",
				 w < 1	 ? 1
				 : w > 8 ? 8
					 : w);
			set(x, AGEDGE, "penwidth", pw);
		}
	}
}

/* Writes Graphviz's SVG (svg, len bytes) into b from its <svg> tag on,
 * that tag replaced by ours (keeping the viewBox), without its comments.
 * Returns 0 or -1. */
static int adopt(buf *b, const char *svg, size_t len, const char *id,
		 const char *title, const char *desc)
{
	const char *open = memmem(svg, len, "<svg", 4);
	const char *close =
	    open ? memchr(open, '>', len - (size_t)(open - svg)) : NULL;
	const char *vb =
	    open ? memmem(open, (size_t)(close - open), "viewBox=\"", 9) : NULL;
	if (!close || !vb)
		return -1;
	const char *vbe = memchr(vb + 9, '"', (size_t)(close - vb - 9));
	if (!vbe)
		return -1;
	buf_printf(
	    b,
	    "<svg class=\"graph\" %.*s role=\"img\" aria-labelledby=\"%s-t\" "
	    "aria-describedby=\"%s-d\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\"><title id=\"%s-t\">",
	    (int)(vbe + 1 - vb), vb, id, id, id);
	esc_html(b, title, strlen(title));
	buf_printf(b, "</title><desc id=\"%s-d\">", id);
	esc_html(b, desc, strlen(desc));
	buf_puts(b, "</desc>");
	/* the rest without Graphviz's comments (they repeat the names) */
	const char *p = close + 1, *end = svg + len;
	while (p < end) {
		const char *c = memmem(p, (size_t)(end - p), "<!--", 4);
		const char *e =
		    c ? memmem(c + 4, (size_t)(end - c - 4), "-->", 3) : NULL;
		if (!c || !e) {
			buf_put(b, p, (size_t)(end - p));
			break;
		}
		buf_put(b, p, (size_t)(c - p));
		p = e + 3;
	}
	return 0;
}

/* Draws the graph into b. Returns 0 or -1. */
int dot_svg(buf *b, const char *id, const char *title, const char *desc,
	    json_t *nodes, json_t *edges, const char *layout)
{
	int rc = -1;
	char *svg = NULL;
	unsigned int len = 0;
	pthread_mutex_lock(&lock);
	if (!gvc && (gvc = gvContext()) != NULL)
		atexit(finish);
	Agraph_t *g = gvc ? agopen("g", Agdirected, NULL) : NULL;
	if (!g)
		goto unlock;
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGRAPH, "bgcolor", "transparent");
	agattr(g, AGRAPH, "fontname", "DejaVu Sans");
	agattr(g, AGRAPH, "overlap", "false");
	agattr(g, AGRAPH, "splines", "true");
	agattr(g, AGNODE, "fontname", "DejaVu Sans");
	agattr(g, AGNODE, "fontsize", "11");
	agattr(g, AGNODE, "style", "filled");
	agattr(g, AGNODE, "fillcolor", "#e8eef5");
	agattr(g, AGNODE, "color", "#4f5b69");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGEDGE, "fontname", "DejaVu Sans");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGEDGE, "color", "#4f5b69");
	agattr(g, AGEDGE, "fontcolor", "#1b2430");
	build(g, nodes, edges);
	if (gvLayout(gvc, g, layout) == 0) {
		if (gvRenderData(gvc, g, "svg", &svg, &len) == 0 && svg)
			rc = adopt(b, svg, len, id, title, desc);
		gvFreeRenderData(svg);
		gvFreeLayout(gvc, g);
	}
	agclose(g);
unlock:
	pthread_mutex_unlock(&lock);
	return rc;
}
