/* ui_world.c - the world map of ui_svg.h: Natural Earth's countries at
 * 1:110m in an equirectangular 1000 x 500 view, read once a process from
 * SECURA_WORLD_MAP (tools/world_map.py made it). Shades are five steps of
 * the palette's blue on a log scale of the busiest country's events. */
#include "ui_svg.h"

#include "../core/config.h"
#include "../core/esc.h"
#include "../core/log.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One country's outline. */
struct country {
	char cc[3];
	char *name, *d;
};

static struct country *world;
static size_t nworld;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Reads the outlines (once). A missing or bad file leaves none. */
static void load(void)
{
	FILE *f = fopen(config_get()->world_map, "r");
	if (!f) {
		log_event(NULL, NULL, "world map: cannot open %s",
			  config_get()->world_map);
		return;
	}
	char *line = NULL;
	size_t cap = 0, have = 0;
	while (getline(&line, &cap, f) > 0) {
		char *name = strchr(line, '\t'),
		     *d = name ? strchr(name + 1, '\t') : NULL;
		if (!d || name - line != 2)
			continue;
		*name++ = '\0';
		*d++ = '\0';
		d[strcspn(d, "\r\n")] = '\0';
		if (nworld == have) {
			have = have ? have * 2 : 256;
			struct country *w = realloc(world, have * sizeof(*w));
			if (!w)
				break;
			world = w;
		}
		struct country *c = &world[nworld];
		memcpy(c->cc, line, 3);
		c->name = strdup(name);
		c->d = strdup(d);
		if (c->name && c->d)
			nworld++;
	}
	free(line);
	fclose(f);
}

/* Writes the world map, countries shaded by their events, into b (see
 * ui_svg.h); nothing without the outlines' file. */
void ui_svg_world(buf *b, const char *id, const char *title, const char *desc,
		  json_t *countries)
{
	pthread_once(&once, load);
	if (!nworld)
		return;
	static const char *const shade[] = {"#eef1f4", "#d4e6f4", "#9cc7e8",
					    "#4d9bd0", "#0072B2", "#004a75"};
	double most = 1;
	size_t i;
	json_t *c;
	json_array_foreach(countries, i, c)
	{
		double n =
		    (double)json_integer_value(json_object_get(c, "events"));
		most = n > most ? n : most;
	}
	buf_printf(
	    b,
	    "<svg class=\"chart map\" viewBox=\"0 0 1000 500\" role=\"img\" "
	    "aria-labelledby=\"%s-t\" aria-describedby=\"%s-d\" "
	    "xmlns=\"http://www.w3.org/2000/svg\"><title id=\"%s-t\">",
	    id, id, id);
	esc_html(b, title, strlen(title));
	buf_printf(b, "</title><desc id=\"%s-d\">", id);
	esc_html(b, desc, strlen(desc));
	buf_puts(b, "</desc>");
	for (size_t k = 0; k < nworld; k++) {
		json_t *hit = NULL;
		json_array_foreach(countries, i, c)
		{
			const char *cc =
			    json_string_value(json_object_get(c, "cc"));
			if (cc && !strcmp(cc, world[k].cc))
				hit = c;
		}
		double n =
		    (double)json_integer_value(json_object_get(hit, "events"));
		int step =
		    n <= 0 ? 0 : 1 + (int)floor(4 * log(n) / log(most + 1));
		step = step > 5 ? 5 : step;
		buf_puts(b, "<path d=\"");
		esc_html(b, world[k].d, strlen(world[k].d));
		buf_printf(b,
			   "\" fill=\"%s\" stroke=\"#ffffff\" "
			   "stroke-width=\"0.5\"><title>",
			   shade[step]);
		esc_html(b, world[k].name, strlen(world[k].name));
		if (hit)
			buf_printf(b, ": %lld events from %lld addresses",
				   (long long)n,
				   (long long)json_integer_value(
				       json_object_get(hit, "addresses")));
		buf_puts(b, "</title></path>");
	}
	buf_puts(b, "</svg>");
}
