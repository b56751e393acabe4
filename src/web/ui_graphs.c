/* ui_graphs.c - the pictures of the events' graphs, each drawn with
 * Graphviz on the server beside a table of the same data: attack paths
 * at /graph/paths (around an alert, a host or a user), the network's
 * subnets and flows at /graph/topology, and where events came from at
 * /graph/threat-map (a world map). The team and managers read them;
 * JSON at /api/v1/graph/... and the seed's /visualize/... names. */
#include "ui.h"

#include "../core/clock.h"
#include "../core/config.h"
#include "../core/dot.h"
#include "../core/esc.h"
#include "../domain/alerts.h"
#include "../domain/assets.h"
#include "../domain/edges.h"
#include "../domain/graphs.h"
#include "../domain/paths.h"
#include "ui_svg.h"

#include <math.h>
#include <string.h>

#define PICTURE_CAP 80 /* edges or subnets a picture draws */

const struct field ui_graphs_paths_fields[] = {
    {"alert", V_INT, 0, 1, INT64_MAX, NULL, "Alert"},
    {"host", V_LINE, 0, 0, 255, NULL, "Host"},
    {"user", V_LINE, 0, 0, 255, NULL, "User"},
    {"hours", V_INT, 0, 1, 720, NULL, "Hours either side"},
    {NULL, 0, 0, 0, 0, NULL, NULL}};

const struct field ui_graphs_period_fields[] = {
    {"hours", V_INT, 0, 1, 720, NULL, "Hours"}, {NULL, 0, 0, 0, 0, NULL, NULL}};

/* The events database of this thread, or NULL (logged by db_thread). */
static db *events_db(void)
{
	return db_thread(config_get()->events_db);
}

/* A link to the paths around host or user name (in the arena). */
static const char *paths_href(struct ctx *c, const char *key, const char *name)
{
	buf b = BUF_INIT;
	buf_printf(&b, "/graph/paths?%s=", key);
	esc_url(&b, name);
	const char *out = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Draws nodes and edges (taken) with Graphviz into the view as
 * graph_html (nothing when there are none or Graphviz fails). */
static void draw(struct ctx *c, const char *id, const char *title,
		 const char *desc, json_t *nodes, json_t *edges)
{
	buf b = BUF_INIT;
	if (json_array_size(nodes) &&
	    dot_svg(&b, id, title, desc, nodes, edges, "dot") == 0)
		json_object_set_new(c->view, "graph_html",
				    json_string(buf_cstr(&b)));
	buf_free(&b);
	json_decref(nodes);
	json_decref(edges);
}

/* Whether edge e (src, dst, user) is a hop of one of paths. */
static int on_a_path(json_t *paths, json_t *e)
{
	size_t i, j;
	json_t *p, *h;
	json_array_foreach(paths, i, p)
	{
		json_array_foreach(json_object_get(p, "hops"), j, h)
		{
			int same = 1;
			static const char *const keys[] = {"src", "dst",
							   "user"};
			for (int k = 0; k < 3 && same; k++)
				same =
				    !strcmp(json_string_value(
						json_object_get(h, keys[k])),
					    json_string_value(
						json_object_get(e, keys[k])));
			if (same)
				return 1;
		}
	}
	return 0;
}

/* Draws the neighbourhood r (paths_around's) into the view as
 * graph_html: the seed's ring strong, crown jewels marked, new edges in
 * the palette's vermilion, the top path's edges bold. */
static void draw_paths(struct ctx *c, json_t *r, const char *seed)
{
	json_t *nodes = json_array(), *edges = json_array(), *n, *e;
	json_t *top = json_array_get(json_object_get(r, "paths"), 0);
	json_t *one = top ? json_pack("[O]", top) : json_array();
	size_t i;
	json_array_foreach(json_object_get(r, "nodes"), i, n)
	{
		const char *name =
		    json_string_value(json_object_get(n, "name"));
		int ring = (int)json_integer_value(json_object_get(n, "ring"));
		int jewel = json_is_true(json_object_get(n, "crown_jewel"));
		json_array_append_new(
		    nodes,
		    json_pack("{ss ss ss ss sb ss}", "id", name, "label",
			      jewel
				  ? arena_printf(c->a, "%s (crown jewel)", name)
				  : name,
			      "href", paths_href(c, "host", name), "fill",
			      jewel ? "#fbe3c4"
			      : json_is_true(json_object_get(n, "critical"))
				  ? "#fdecec"
			      : ring == 0 ? "#cfe3f5"
					  : "#f4f6f8",
			      "bold", ring == 0 || jewel, "shape",
			      jewel ? "doubleoctagon" : "box"));
	}
	json_array_foreach(json_object_get(r, "edges"), i, e)
	{
		int fresh = json_is_true(json_object_get(e, "new")),
		    hot = on_a_path(one, e);
		json_int_t ok = json_integer_value(
			       json_object_get(e, "successes")),
			   bad = json_integer_value(
			       json_object_get(e, "failures"));
		json_array_append_new(
		    edges,
		    json_pack(
			"{ss ss ss ss sf sb}", "from",
			json_string_value(json_object_get(e, "src")), "to",
			json_string_value(json_object_get(e, "dst")), "label",
			arena_printf(
			    c->a, "%s%s%s",
			    json_string_value(json_object_get(e, "user")),
			    fresh ? " · new" : "",
			    bad ? arena_printf(c->a, " · %lld failed",
					       (long long)bad)
				: ""),
			"color",
			hot	? "#0072B2"
			: fresh ? "#D55E00"
				: "#8a96a3",
			"width", hot ? 4.0 : 1 + log10(1 + (double)ok),
			"dashed", ok == 0));
	}
	draw(c, "paths-g", arena_printf(c->a, "Sign-ins around %s", seed),
	     "Hosts as boxes, sign-ins as arrows labelled with the account; "
	     "new edges in vermilion, the top path in blue, failed-only "
	     "edges dashed, crown jewels double-edged",
	     nodes, edges);
	json_decref(one);
}

/* GET /graph/paths - attack paths around an alert's host and user, a
 * host, or a user, within ±hours (default 24). */
int ui_graphs_paths(struct ctx *c)
{
	char host[256] = "", user[256] = "";
	int64_t at = clock_now() * 1000, alert = ctx_int(c, "alert", 0);
	int64_t hours = ctx_int(c, "hours", 24);
	if (alert) {
		json_t *a = alerts_get(c->db, alert);
		if (!a)
			return ctx_fail(c, 404, "not_found",
					"There is no such alert.");
		edges_host(json_string_value(json_object_get(a, "host")), host,
			   sizeof(host));
		if (edges_user(json_string_value(json_object_get(a, "user")),
			       user, sizeof(user)) != 0)
			user[0] = '\0';
		at = json_integer_value(json_object_get(a, "last_seen_ms"));
		json_decref(a);
	} else {
		edges_host(ui_val(c, "host"), host, sizeof(host));
		if (edges_user(ui_val(c, "user"), user, sizeof(user)) != 0)
			user[0] = '\0';
	}
	c->view =
	    json_pack("{ss ss sI sI}", "host", host, "user", user, "hours",
		      (json_int_t)hours, "alert", (json_int_t)alert);
	if (!*host && !*user)
		return 0; /* the form alone */
	db *ev = events_db();
	json_t *assets = assets_list(c->db);
	struct paths_query q = {.host = *host ? host : NULL,
				.user = *user ? user : NULL,
				.at_ms = at,
				.span_ms = hours * 3600000,
				.gap_ms = PATHS_GAP_MS,
				.max_edges = PICTURE_CAP};
	json_t *r = ev && assets ? paths_around(ev, assets, &q) : NULL;
	json_decref(assets);
	if (!r)
		return -1;
	char from[21], to[21];
	clock_iso(json_integer_value(json_object_get(r, "from")) / 1000, from);
	clock_iso(json_integer_value(json_object_get(r, "to")) / 1000, to);
	json_object_set_new(r, "from_iso", json_string(from));
	json_object_set_new(r, "to_iso", json_string(to));
	json_object_update(c->view, r);
	json_decref(r);
	if (c->api)
		return 0;
	draw_paths(c, c->view, *host ? host : user);
	return 0;
}

/* Draws topology t into the view as graph_html. */
static void draw_topology(struct ctx *c, json_t *t)
{
	json_t *nodes = json_array(), *edges = json_array(), *n, *e;
	size_t i;
	json_array_foreach(json_object_get(t, "nodes"), i, n)
	{
		int inside = json_is_true(json_object_get(n, "internal"));
		json_array_append_new(
		    nodes,
		    json_pack(
			"{ss ss ss ss}", "id",
			json_string_value(json_object_get(n, "id")), "label",
			arena_printf(
			    c->a, "%s · %lld addresses",
			    json_string_value(json_object_get(n, "label")),
			    (long long)json_integer_value(
				json_object_get(n, "addresses"))),
			"fill", inside ? "#e7f4ec" : "#fff3d6", "shape",
			inside ? "box" : "ellipse"));
	}
	json_array_foreach(json_object_get(t, "edges"), i, e)
	{
		double bytes =
		    (double)json_integer_value(json_object_get(e, "bytes"));
		json_array_append_new(
		    edges,
		    json_pack("{sO sO ss sf}", "from",
			      json_object_get(e, "from"), "to",
			      json_object_get(e, "to"), "label",
			      json_string_value(json_object_get(e, "ports")),
			      "width", 1 + log10(1 + bytes) / 2));
	}
	draw(c, "topo-g", "Subnets and the flows between them",
	     "Internal subnets as green boxes, the outside by country as "
	     "yellow ellipses; arrows from client to server, thicker for more "
	     "bytes, labelled with the busiest ports",
	     nodes, edges);
}

/* GET /graph/topology - subnets and flows of the last hours (24). */
int ui_graphs_topology(struct ctx *c)
{
	int64_t hours = ctx_int(c, "hours", 24);
	db *ev = events_db();
	json_t *assets = assets_list(c->db);
	json_t *t = ev && assets
			? graphs_topology(ev, assets,
					  (clock_now() - hours * 3600) * 1000,
					  PICTURE_CAP)
			: NULL;
	json_decref(assets);
	if (!t)
		return -1;
	json_object_set_new(t, "hours", json_integer(hours));
	c->view = t;
	if (!c->api)
		draw_topology(c, t);
	return 0;
}

/* GET /graph/threat-map - where the last hours' (24) events came from. */
int ui_graphs_threat_map(struct ctx *c)
{
	int64_t hours = ctx_int(c, "hours", 24);
	db *ev = events_db();
	json_t *m =
	    ev ? graphs_threat_map(ev, (clock_now() - hours * 3600) * 1000)
	       : NULL;
	if (!m)
		return -1;
	json_object_set_new(m, "hours", json_integer(hours));
	c->view = m;
	if (c->api)
		return 0;
	CHART(
	    c, "map_html",
	    ui_svg_world(&b_, "tm", "Where events came from",
			 "Countries shaded by the events from their addresses",
			 json_object_get(m, "countries")));
	return 0;
}
