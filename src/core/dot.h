/* dot.h - graphs drawn with Graphviz (libgvc, libcgraph) into SVG on the
 * server: the caller says the nodes and edges, Graphviz lays them out.
 * Graphviz is not thread-safe: every drawing holds one lock. */
#ifndef SECURA_DOT_H
#define SECURA_DOT_H

#include "buf.h"

#include <jansson.h>

/* Draws a directed graph into b as an inline <svg class="graph"> with
 * role img, its title and description (id prefixes their ids). nodes:
 * [{id, label, href?, fill?, shape?, bold?}]; edges: [{from, to, label?,
 * color?, width? (1-8), dashed?}], by node id. layout: "dot" (ranks, left
 * to right) or "neato"/"circo"/"sfdp" (Graphviz's layout names). Labels
 * are written as plain text (Graphviz escapes them for SVG). Returns 0,
 * or -1 when Graphviz fails (nothing written). */
int dot_svg(buf *b, const char *id, const char *title, const char *desc,
	    json_t *nodes, json_t *edges, const char *layout);

#endif
