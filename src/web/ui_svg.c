/* ui_svg.c - see svg.h. Coordinates are in a fixed viewBox; the CSS scales
 * the chart to its container. Only presentation attributes are used (the
 * Content-Security-Policy forbids inline styles). */
#include "ui_svg.h"

#include "../core/esc.h"

#include <math.h>
#include <string.h>

const char *const ui_svg_palette[8] = {"#0072B2", "#E69F00", "#009E73",
				       "#CC79A7", "#56B4E9", "#D55E00",
				       "#F0E442", "#000000"};

/* Writes text escaped for HTML/SVG. */
static void text(buf *b, const char *s)
{
	esc_html(b, s, strlen(s));
}

/* Opens an <svg> of the given size with its title and description. */
static void open_svg(buf *b, const char *id, int w, int h, const char *title,
		     const char *desc)
{
	buf_printf(b,
		   "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
		   "aria-labelledby=\"%s-t\" aria-describedby=\"%s-d\" "
		   "xmlns=\"http://www.w3.org/2000/svg\"><title id=\"%s-t\">",
		   w, h, id, id, id);
	text(b, title);
	buf_printf(b, "</title><desc id=\"%s-d\">", id);
	text(b, desc);
	buf_puts(b, "</desc>");
}

/* Draws the baseline from x0 to w - 10 at y0 and the maximum m on top
 * of the value axis. */
static void axis(buf *b, int x0, int y0, int w, double m)
{
	buf_printf(b,
		   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		   "stroke=\"#4f5b69\"/><text x=\"%d\" y=\"20\" "
		   "text-anchor=\"end\" font-size=\"12\" fill=\"#1b2430\">"
		   "%.0f</text>",
		   x0, y0, w - 10, y0, x0 - 4, m);
}

/* Returns the largest "n" of items (at least 1). */
static double max_n(json_t *items)
{
	double m = 1;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		if (v > m)
			m = v;
	}
	return m;
}

/* Horizontal bars, one per item {label_key, n}, labels on the left. */
void ui_svg_hbars(buf *b, const char *id, const char *title, const char *desc,
		  json_t *items, const char *label_key)
{
	int n = (int)json_array_size(items), row = 26;
	int h = n * row + 10, w = 640, x0 = 220, span = w - x0 - 60;
	double m = max_n(items);
	open_svg(b, id, w, h > 40 ? h : 40, title, desc);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		const char *label =
		    json_string_value(json_object_get(it, label_key));
		int y = 5 + (int)i * row, bw = (int)lround(v / m * span);
		buf_printf(b,
			   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
			   "font-size=\"13\" fill=\"#1b2430\">",
			   x0 - 8, y + 17);
		text(b, label ? label : "");
		buf_printf(b,
			   "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" "
			   "height=\"%d\" fill=\"%s\"/>"
			   "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
			   "fill=\"#1b2430\">%.0f</text>",
			   x0, y + 3, bw > 1 ? bw : 1, row - 8,
			   ui_svg_palette[0], x0 + (bw > 1 ? bw : 1) + 6,
			   y + 17, v);
	}
	buf_puts(b, "</svg>");
}

/* Vertical columns over time, one per item {label_key, n}; every few
 * labels are written so they stay readable. */
void ui_svg_columns(buf *b, const char *id, const char *title, const char *desc,
		    json_t *items, const char *label_key)
{
	int n = (int)json_array_size(items), w = 720, h = 260, x0 = 40,
	    y0 = 220, span = w - x0 - 10;
	double m = max_n(items);
	double cw = n ? (double)span / n : span;
	int every = n > 12 ? (n + 11) / 12 : 1;
	open_svg(b, id, w, h, title, desc);
	axis(b, x0, y0, w, m);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		int bh = (int)lround(v / m * (y0 - 20));
		double x = x0 + cw * (double)i;
		buf_printf(b,
			   "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			   "height=\"%d\" fill=\"%s\"><title>",
			   x + 1, y0 - bh, cw > 3 ? cw - 2 : 1, bh,
			   ui_svg_palette[0]);
		const char *label =
		    json_string_value(json_object_get(it, label_key));
		text(b, label ? label : "");
		buf_printf(b, ": %.0f</title></rect>", v);
		if ((int)i % every == 0 && label) {
			buf_printf(b,
				   "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
				   "fill=\"#1b2430\">",
				   x + 1, y0 + 16);
			/* dates as MM-DD to fit */
			text(b, strlen(label) == 10 ? label + 5 : label);
			buf_puts(b, "</text>");
		}
	}
	buf_puts(b, "</svg>");
}

/* A donut of the shares of items {name, n}, with a legend. */
void ui_svg_donut(buf *b, const char *id, const char *title, const char *desc,
		  json_t *items)
{
	double total = 0, a0 = -M_PI / 2;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) total +=
	    json_number_value(json_object_get(it, "n"));
	int n = (int)json_array_size(items);
	open_svg(b, id, 420, 200 > n * 24 + 20 ? 200 : n * 24 + 20, title,
		 desc);
	if (total <= 0)
		buf_puts(b, "<circle cx=\"100\" cy=\"100\" r=\"70\" "
			    "fill=\"none\" stroke=\"#d5dbe3\" "
			    "stroke-width=\"36\"/>");
	json_array_foreach(items, i, it)
	{
		double v = json_number_value(json_object_get(it, "n"));
		const char *name =
		    json_string_value(json_object_get(it, "name"));
		const char *col = ui_svg_palette[i % 8];
		if (v > 0 && total > 0) {
			double a1 = a0 + v / total * 2 * M_PI;
			if (v >= total) /* a full ring: two half arcs */
				buf_printf(
				    b,
				    "<circle cx=\"100\" cy=\"100\" "
				    "r=\"70\" fill=\"none\" stroke=\"%s\" "
				    "stroke-width=\"36\"/>",
				    col);
			else
				buf_printf(
				    b,
				    "<path d=\"M %.2f %.2f A 70 70 0 %d 1 %.2f "
				    "%.2f\" fill=\"none\" stroke=\"%s\" "
				    "stroke-width=\"36\"/>",
				    100 + 70 * cos(a0), 100 + 70 * sin(a0),
				    a1 - a0 > M_PI ? 1 : 0, 100 + 70 * cos(a1),
				    100 + 70 * sin(a1), col);
			a0 = a1;
		}
		buf_printf(
		    b,
		    "<rect x=\"210\" y=\"%d\" width=\"14\" height=\"14\" "
		    "fill=\"%s\"/><text x=\"230\" y=\"%d\" "
		    "font-size=\"13\" fill=\"#1b2430\">",
		    12 + (int)i * 24, col, 24 + (int)i * 24);
		text(b, name ? name : "");
		buf_printf(b, " (%.0f)</text>", v);
	}
	buf_puts(b, "</svg>");
}

/* A weekday x hour grid shaded by count ({rows: [{day, hours[24]}], max}). */
void ui_svg_heatmap(buf *b, const char *id, const char *title, const char *desc,
		    json_t *heat)
{
	json_t *rows = json_object_get(heat, "rows");
	double m = json_number_value(json_object_get(heat, "max"));
	open_svg(b, id, 720, 230, title, desc);
	for (int hr = 0; hr < 24; hr += 3)
		buf_printf(b,
			   "<text x=\"%d\" y=\"14\" font-size=\"11\" "
			   "fill=\"#1b2430\">%02d h</text>",
			   50 + hr * 27, hr);
	size_t d;
	json_t *row;
	json_array_foreach(rows, d, row)
	{
		const char *day =
		    json_string_value(json_object_get(row, "day"));
		buf_printf(b,
			   "<text x=\"40\" y=\"%d\" text-anchor=\"end\" "
			   "font-size=\"12\" fill=\"#1b2430\">",
			   40 + (int)d * 27);
		text(b, day ? day : "");
		buf_puts(b, "</text>");
		json_t *hours = json_object_get(row, "hours");
		for (int hr = 0; hr < 24; hr++) {
			double v = json_number_value(
			    json_array_get(hours, (size_t)hr));
			/* shades of the palette's blue, white for none */
			double f = m > 0 ? v / m : 0;
			int r = (int)lround(255 - f * (255 - 0x00)),
			    g = (int)lround(255 - f * (255 - 0x72)),
			    bl = (int)lround(255 - f * (255 - 0xB2));
			buf_printf(b,
				   "<rect x=\"%d\" y=\"%d\" width=\"26\" "
				   "height=\"26\" fill=\"#%02x%02x%02x\" "
				   "stroke=\"#d5dbe3\"><title>",
				   48 + hr * 27, 22 + (int)d * 27, r, g, bl);
			text(b, day ? day : "");
			buf_printf(b, " %02d:00: %.0f</title></rect>", hr, v);
		}
	}
	buf_puts(b, "</svg>");
}

/* A line of actual weekly values followed by a dashed forecast. */
void ui_svg_line(buf *b, const char *id, const char *title, const char *desc,
		 const double *actual, int nactual, const double *ahead,
		 int nahead)
{
	int n = nactual + nahead, w = 720, h = 240, x0 = 40, y0 = 210;
	double m = 1;
	for (int i = 0; i < nactual; i++)
		m = actual[i] > m ? actual[i] : m;
	for (int i = 0; i < nahead; i++)
		m = ahead[i] > m ? ahead[i] : m;
	double dx = n > 1 ? (double)(w - x0 - 10) / (n - 1) : 0;
	open_svg(b, id, w, h, title, desc);
	axis(b, x0, y0, w, m);
	buf_printf(b,
		   "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
		   "points=\"",
		   ui_svg_palette[0]);
	for (int i = 0; i < nactual; i++)
		buf_printf(b, "%.1f,%.1f ", x0 + dx * i,
			   y0 - actual[i] / m * (y0 - 20));
	buf_puts(b, "\"/>");
	if (nahead && nactual) {
		buf_printf(b,
			   "<polyline fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"2\" stroke-dasharray=\"6 4\" "
			   "points=\"%.1f,%.1f ",
			   ui_svg_palette[5], x0 + dx * (nactual - 1),
			   y0 - actual[nactual - 1] / m * (y0 - 20));
		for (int i = 0; i < nahead; i++)
			buf_printf(b, "%.1f,%.1f ", x0 + dx * (nactual + i),
				   y0 - ahead[i] / m * (y0 - 20));
		buf_puts(b, "\"/>");
	}
	buf_printf(b,
		   "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1b2430\">"
		   "%d weeks ago</text><text x=\"%d\" y=\"%d\" "
		   "text-anchor=\"end\" font-size=\"12\" fill=\"%s\">"
		   "forecast (dashed)</text></svg>",
		   x0, y0 + 20, nactual, w - 10, y0 + 20, "#1b2430");
}
