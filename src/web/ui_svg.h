/* ui_svg.h - accessible SVG charts drawn from the dashboards' JSON: each
 * chart has a <title> and <desc>, readable labels and the Okabe-Ito
 * colour-blind-safe palette, and the page shows the same data as a
 * table. Text goes through esc_html; the result is a template *_html. */
#ifndef SECURA_SVG_H
#define SECURA_SVG_H

#include "../core/buf.h"

#include <jansson.h>

extern const char *const ui_svg_palette[8];

/* Renders one chart with fn into view[key] (HTML view only). */
#define CHART(c, key, call)                                                    \
	do {                                                                   \
		buf b_ = BUF_INIT;                                             \
		call;                                                          \
		json_object_set_new((c)->view, key,                            \
				    json_string(buf_cstr(&b_)));               \
		buf_free(&b_);                                                 \
	} while (0)

void ui_svg_hbars(buf *b, const char *id, const char *title, const char *desc,
		  json_t *items, const char *label_key);
void ui_svg_columns(buf *b, const char *id, const char *title, const char *desc,
		    json_t *items, const char *label_key);
void ui_svg_donut(buf *b, const char *id, const char *title, const char *desc,
		  json_t *items);
void ui_svg_heatmap(buf *b, const char *id, const char *title, const char *desc,
		    json_t *heat);
void ui_svg_line(buf *b, const char *id, const char *title, const char *desc,
		 const double *actual, int nactual, const double *ahead,
		 int nahead);

/* A world map (data/world/countries.tsv, read once a process) with the
 * countries shaded by events ([{cc, name, events, addresses}]), each
 * with its count in its <title>; without the file, nothing is drawn. */
void ui_svg_world(buf *b, const char *id, const char *title, const char *desc,
		  json_t *countries);

#endif
