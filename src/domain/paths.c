/* paths.c - see paths.h. A look loads the hours of sign-ins in its
 * window (auth_hops joined to their edges) into memory: hosts and users
 * interned, each host's outgoing hours sorted by time, so a walk is
 * array lookups. Walks go depth first from every starting hour, at most
 * PATHS_MAX_HOPS deep and WALK_CAP steps a look (said when reached); an
 * hour with only failures moves nobody. Rarity is −ln((n + 1) / (N + 2))
 * over ln(N + 2), in (0, 1]: n the edge's sign-ins (its frequency), N
 * every sign-in the graph holds, so an edge used once in a big graph is
 * near 1 and the edges everyone uses near 0. */
#include "paths.h"

#include "../core/arena.h"
#include "../core/clock.h"
#include "../core/jsonmem.h"
#include "assets.h"
#include "events.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_CAP  200000 /* hours of sign-ins a look loads */
#define WALK_CAP  200000 /* steps a look walks */
#define FOUND_CAP 20000	 /* paths a look keeps to rank */
#define HOUR_MS	  3600000LL

/* One edge's sign-ins in one hour. */
struct hop {
	int src, dst, user;
	int64_t edge, first, last, edge_first, total;
	int succ, fail;
	double rarity;
	const char *logon;
};

/* A window of the sign-in graph. */
struct graph {
	arena a;
	json_t *node_ids, *user_ids; /* name → index */
	const char **nodes, **users;
	size_t nnodes, ncap, nusers, ucap;
	signed char *jewel; /* per node: -1 unknown, 0, 1 critical, 2 crown */
	struct hop *hops;
	size_t nhops, hcap;
	size_t *out, *start; /* hop indices by src then time; start[node] */
	int64_t from, to, gap, all;
	json_t *assets;
	int walked_out; /* WALK_CAP or LOAD_CAP reached */
};

/* A path being walked or found: its hops (indices) and arrival times. */
struct walk {
	int hop[PATHS_MAX_HOPS];
	int64_t t[PATHS_MAX_HOPS];
	int n;
	double score;
};

/* What a walk looks for: a hop that touches host or user (-1: any), a
 * last arrival in [last_from, last_to]. */
struct want {
	int host, user;
	const unsigned char *reach; /* NULL, or reach_of's: prunes walks */
	int64_t last_from, last_to;
	struct walk *found;
	size_t nfound;
	long steps;
};

/* The index of name in ids (added to list when new), or -1 out of memory. */
static int intern(struct graph *g, json_t *ids, const char ***list, size_t *n,
		  size_t *cap, const char *name)
{
	json_t *v = json_object_get(ids, name);
	if (v)
		return (int)json_integer_value(v);
	const char **l = arena_grow(&g->a, *list, *n, cap, sizeof(**list));
	if (!l)
		return -1;
	*list = l;
	l[*n] = arena_strdup(&g->a, name);
	json_object_set_new(ids, name, json_integer((json_int_t)*n));
	return (int)(*n)++;
}

/* Frees g's memory. */
static void graph_free(struct graph *g)
{
	json_decref(g->node_ids);
	json_decref(g->user_ids);
	free(g->hops);
	free(g->out);
	free(g->start);
	free(g->jewel);
	arena_free(&g->a);
}

/* Orders hop indices by their hop's (of the array hops) source, then
 * first time; for qsort_r. */
static int by_src(const void *x, const void *y, void *hops)
{
	const struct hop *a = (const struct hop *)hops + *(const size_t *)x,
			 *b = (const struct hop *)hops + *(const size_t *)y;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Loads the sign-in hours of [from, to] (ms) from ev into g. Returns 0,
 * or -1 on a database error or out of memory. */
static int graph_load(db *ev, struct graph *g, int64_t from, int64_t to)
{
	arena_init(&g->a);
	g->node_ids = json_object();
	g->user_ids = json_object();
	g->from = from;
	g->to = to;
	g->all = db_scalar(ev, STMT_EVT_AUTH_TOTAL);
	if (g->all < 0)
		return -1;
	sqlite3_stmt *st = db_query(ev, STMT_EVT_HOPS_WINDOW, from / HOUR_MS,
				    to / HOUR_MS, (int64_t)LOAD_CAP);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (g->nhops == g->hcap) {
			size_t cap = g->hcap ? g->hcap * 2 : 1024;
			struct hop *h = realloc(g->hops, cap * sizeof(*h));
			if (!h) {
				rc = SQLITE_NOMEM;
				break;
			}
			g->hops = h;
			g->hcap = cap;
		}
		struct hop *h = &g->hops[g->nhops];
		*h = (struct hop){.edge = db_int(st, 0),
				  .edge_first = db_int(st, 5),
				  .first = db_int(st, 6),
				  .last = db_int(st, 7),
				  .succ = (int)db_int(st, 8),
				  .fail = (int)db_int(st, 9),
				  .total = db_int(st, 10),
				  .logon = arena_strdup(&g->a, db_text(st, 4))};
		h->src = intern(g, g->node_ids, &g->nodes, &g->nnodes, &g->ncap,
				db_text(st, 1));
		h->dst = intern(g, g->node_ids, &g->nodes, &g->nnodes, &g->ncap,
				db_text(st, 2));
		h->user = intern(g, g->user_ids, &g->users, &g->nusers,
				 &g->ucap, db_text(st, 3));
		if (h->src < 0 || h->dst < 0 || h->user < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		h->rarity =
		    -log(((double)h->total + 1) / ((double)g->all + 2)) /
		    log((double)g->all + 2);
		g->nhops++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	g->walked_out = g->nhops == LOAD_CAP; /* the window held more */
	g->out = malloc((g->nhops + 1) * sizeof(*g->out));
	g->start = calloc(g->nnodes + 1, sizeof(*g->start));
	g->jewel = malloc(g->nnodes + 1);
	if (!g->out || !g->start || !g->jewel)
		return -1;
	memset(g->jewel, -1, g->nnodes + 1);
	for (size_t i = 0; i < g->nhops; i++)
		g->out[i] = i;
	qsort_r(g->out, g->nhops, sizeof(*g->out), by_src, g->hops);
	for (size_t i = 0, k = 0; k <= g->nnodes; k++) {
		while (i < g->nhops && g->hops[g->out[i]].src < (int)k)
			i++;
		g->start[k] = i;
	}
	return 0;
}

/* How much node matters: 2 a crown jewel, 1 critical, else 0. */
static int jewel(struct graph *g, int node)
{
	if (g->jewel[node] < 0) {
		json_t *a =
		    assets_match(g->assets, g->nodes[node], g->nodes[node]);
		const char *c =
		    json_string_value(json_object_get(a, "criticality"));
		g->jewel[node] =
		    !a						      ? 0
		    : json_is_true(json_object_get(a, "crown_jewel")) ? 2
		    : c && !strcmp(c, "critical")		      ? 1
								      : 0;
	}
	return g->jewel[node];
}

/* Scores walk w (and says why in reasons when not NULL: new array
 * items appended). */
static double score(struct graph *g, const struct walk *w, json_t *reasons)
{
	double s = 0;
	int changes = 0, firsts = 0, broke = 0;
	for (int i = 0; i < w->n; i++) {
		const struct hop *h = &g->hops[w->hop[i]];
		s += h->rarity;
		if (i && h->user != g->hops[w->hop[i - 1]].user)
			changes++;
		if (h->edge_first >= h->first - h->first % HOUR_MS)
			firsts++;
		if (h->fail && h->succ)
			broke++;
	}
	s += 0.5 * (changes + firsts + broke);
	int j = jewel(g, g->hops[w->hop[w->n - 1]].dst);
	s += j == 2 ? 1 : j == 1 ? 0.5 : 0;
	if (reasons) {
		double rare = s - 0.5 * (changes + firsts + broke) -
			      (j == 2	? 1
			       : j == 1 ? 0.5
					: 0);
		json_array_append_new(
		    reasons, json_pack("{ss sf}", "reason", "rare edges",
				       "points", round(rare * 100) / 100));
		if (changes)
			json_array_append_new(
			    reasons,
			    json_pack("{ss sf}", "reason",
				      "credentials change along the path",
				      "points", 0.5 * changes));
		if (firsts)
			json_array_append_new(
			    reasons,
			    json_pack("{ss sf}", "reason", "first-time edges",
				      "points", 0.5 * firsts));
		if (broke)
			json_array_append_new(
			    reasons, json_pack("{ss sf}", "reason",
					       "failures, then success",
					       "points", 0.5 * broke));
		if (j)
			json_array_append_new(
			    reasons,
			    json_pack("{ss sf}", "reason",
				      j == 2 ? "reaches a crown jewel"
					     : "reaches a critical asset",
				      "points", j == 2 ? 1.0 : 0.5));
	}
	return s;
}

/* Whether w touches what q wants and ends in its time range. */
static int wanted(struct graph *g, const struct want *q, const struct walk *w)
{
	if (w->t[w->n - 1] < q->last_from || w->t[w->n - 1] > q->last_to)
		return 0;
	if (q->host < 0 && q->user < 0)
		return 1;
	for (int i = 0; i < w->n; i++) {
		const struct hop *h = &g->hops[w->hop[i]];
		if (h->src == q->host || h->dst == q->host ||
		    h->user == q->user)
			return 1;
	}
	return 0;
}

/* Whether hop h touches q's host or user. */
static int touches(const struct want *q, const struct hop *h)
{
	return h->src == q->host || h->dst == q->host || h->user == q->user;
}

/* Whether a walk of n hops ending with hop h may still touch what q
 * wants within the hops left (true when q prunes nothing or it did). */
static int may_touch(struct graph *g, const struct want *q,
		     const struct walk *w, const struct hop *h)
{
	if (!q->reach || touches(q, h))
		return 1;
	for (int i = 0; i < w->n; i++)
		if (touches(q, &g->hops[w->hop[i]]))
			return 1;
	return q->reach[h->dst] <= PATHS_MAX_HOPS - (w->n + 1);
}

/* reach[v]: the fewest hops from host v to one that touches host or user
 * (a hop into or out of the host, a hop by the user), 255 beyond
 * PATHS_MAX_HOPS, over g's successful hops whatever their times: what a
 * walk after a host or user needs to know to stop early. New (malloc),
 * or NULL out of memory. */
static unsigned char *reach_of(struct graph *g, int host, int user)
{
	unsigned char *r = malloc(g->nnodes + 1);
	if (!r)
		return NULL;
	memset(r, 255, g->nnodes + 1);
	if (host >= 0)
		r[host] = 0;
	for (size_t i = 0; i < g->nhops; i++)
		if (g->hops[i].user == user && g->hops[i].succ)
			r[g->hops[i].src] = 1;
	for (int round = 0; round < PATHS_MAX_HOPS; round++)
		for (size_t i = 0; i < g->nhops; i++) {
			const struct hop *h = &g->hops[i];
			if (h->succ && r[h->dst] < PATHS_MAX_HOPS &&
			    r[h->dst] + 1 < r[h->src])
				r[h->src] = (unsigned char)(r[h->dst] + 1);
		}
	return r;
}

/* Walks on from w (depth first), keeping what q wants. */
static void walk_on(struct graph *g, struct want *q, struct walk *w)
{
	if (q->steps++ > WALK_CAP) {
		g->walked_out = 1;
		return;
	}
	if (wanted(g, q, w) && q->nfound < FOUND_CAP) {
		w->score = score(g, w, NULL);
		q->found[q->nfound++] = *w;
	}
	if (w->n == PATHS_MAX_HOPS)
		return;
	const struct hop *last = &g->hops[w->hop[w->n - 1]];
	int64_t t = w->t[w->n - 1];
	for (size_t k = g->start[last->dst]; k < g->start[last->dst + 1]; k++) {
		const struct hop *h = &g->hops[g->out[k]];
		if (h->first > t + g->gap)
			break; /* sorted by time: the rest are later still */
		if (!h->succ || h->last < t)
			continue;
		/* another account's hop continues a path only on an edge
		 * first used after the path arrived: one used before is that
		 * account's own habit, not where an attacker went on */
		if (h->user != last->user && h->edge_first < t)
			continue;
		int seen = h->dst == g->hops[w->hop[0]].src;
		for (int i = 0; i < w->n && !seen; i++)
			seen = g->hops[w->hop[i]].dst == h->dst;
		if (seen || !may_touch(g, q, w, h))
			continue;
		w->hop[w->n] = (int)g->out[k];
		w->t[w->n] = h->first > t ? h->first : t;
		w->n++;
		walk_on(g, q, w);
		w->n--;
	}
}

/* Finds the paths q wants in g (q->found filled, FOUND_CAP long). */
static void find(struct graph *g, struct want *q)
{
	for (size_t i = 0; i < g->nhops && q->steps <= WALK_CAP; i++) {
		const struct hop *h = &g->hops[i];
		struct walk w = {.n = 0};
		if (!h->succ || !may_touch(g, q, &w, h))
			continue;
		w = (struct walk){.hop = {(int)i}, .t = {h->first}, .n = 1};
		walk_on(g, q, &w);
	}
}

/* Orders walks by score, highest first. */
static int by_score(const void *x, const void *y)
{
	double a = ((const struct walk *)x)->score,
	       b = ((const struct walk *)y)->score;
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Whether every edge of a is one of b's. */
static int within(const struct graph *g, const struct walk *a,
		  const struct walk *b)
{
	for (int i = 0; i < a->n; i++) {
		int in = 0;
		for (int j = 0; j < b->n && !in; j++)
			in = g->hops[a->hop[i]].edge == g->hops[b->hop[j]].edge;
		if (!in)
			return 0;
	}
	return 1;
}

/* Walk w as a new object {score, hops: [{src, dst, user, logon_type, at,
 * rarity, first_time, failures}], reasons, crown_jewel}. */
static json_t *walk_json(struct graph *g, const struct walk *w)
{
	json_t *hops = json_array(), *reasons = json_array();
	double s = score(g, w, reasons);
	for (int i = 0; i < w->n; i++) {
		const struct hop *h = &g->hops[w->hop[i]];
		json_array_append_new(
		    hops,
		    json_pack("{ss ss ss ss sI sf sb si}", "src",
			      g->nodes[h->src], "dst", g->nodes[h->dst], "user",
			      g->users[h->user], "logon_type", h->logon, "at",
			      (json_int_t)w->t[i], "rarity",
			      round(h->rarity * 100) / 100, "first_time",
			      h->edge_first >= h->first - h->first % HOUR_MS,
			      "failures", h->fail));
	}
	return json_pack("{sf so so sb}", "score", round(s * 100) / 100, "hops",
			 hops, "reasons", reasons, "crown_jewel",
			 jewel(g, g->hops[w->hop[w->n - 1]].dst) == 2);
}

/* The best of q's found paths, none within a better one: up to max as
 * a new array (the found are sorted). */
static json_t *best(struct graph *g, struct want *q, size_t max,
		    double threshold, struct walk *kept, size_t *nkept)
{
	json_t *out = json_array();
	size_t n = 0;
	qsort(q->found, q->nfound, sizeof(*q->found), by_score);
	for (size_t i = 0; i < q->nfound && n < max; i++) {
		if (q->found[i].score < threshold)
			break;
		int dup = 0;
		for (size_t j = 0; j < n && !dup; j++)
			dup = within(g, &q->found[i], &kept[j]);
		if (dup)
			continue;
		kept[n++] = q->found[i];
		json_array_append_new(out, walk_json(g, &q->found[i]));
	}
	if (nkept)
		*nkept = n;
	return out;
}

/* The index of name among g's nodes or users (ids), or -1. */
static int id_of(json_t *ids, const char *name)
{
	json_t *v = name ? json_object_get(ids, name) : NULL;
	return v ? (int)json_integer_value(v) : -1;
}

/* The two-hop neighbourhood of host (or user's hosts) in g as new arrays
 * *edges and *nodes, at most max edges (those touching the seed first,
 * then new ones); *left the edges left out. */
static void neighbourhood(struct graph *g, int host, int user, int max,
			  json_t **edges, json_t **nodes, long *left)
{
	unsigned char *ring = malloc(g->nnodes + 1);
	*edges = json_array();
	*nodes = json_array();
	*left = 0;
	if (!ring)
		return;
	memset(ring, 9, g->nnodes + 1);
	if (host >= 0)
		ring[host] = 0;
	for (size_t i = 0; i < g->nhops; i++) {
		const struct hop *h = &g->hops[i];
		if (h->user == user)
			ring[h->src] = ring[h->dst] = 0;
	}
	for (size_t i = 0; i < g->nhops; i++) {
		const struct hop *h = &g->hops[i];
		if (!ring[h->src] && ring[h->dst] > 1)
			ring[h->dst] = 1;
		if (!ring[h->dst] && ring[h->src] > 1)
			ring[h->src] = 1;
	}
	json_t *agg = json_object();	     /* edge id → edge */
	for (int pass = 0; pass < 3; pass++) /* seed's, new, the rest */
		for (size_t i = 0; i < g->nhops; i++) {
			const struct hop *h = &g->hops[i];
			int near = ring[h->src] < 1 || ring[h->dst] < 1;
			int fresh = h->edge_first >= g->from;
			if (ring[h->src] > 1 && ring[h->dst] > 1)
				continue;
			if ((pass == 0 && !near) ||
			    (pass == 1 && (near || !fresh)) ||
			    (pass == 2 && (near || fresh)))
				continue;
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)h->edge);
			json_t *e = json_object_get(agg, key);
			if (!e) {
				if ((int)json_array_size(*edges) >= max) {
					(*left)++;
					json_object_set_new(agg, key,
							    json_null());
					continue;
				}
				e = json_pack(
				    "{sI ss ss ss ss si si sI sI sb sf si si}",
				    "id", (json_int_t)h->edge, "src",
				    g->nodes[h->src], "dst", g->nodes[h->dst],
				    "user", g->users[h->user], "logon_type",
				    h->logon, "successes", 0, "failures", 0,
				    "first", (json_int_t)h->first, "last",
				    (json_int_t)h->last, "new", fresh, "rarity",
				    round(h->rarity * 100) / 100, "ring_src",
				    ring[h->src], "ring_dst", ring[h->dst]);
				json_object_set(agg, key, e);
				json_array_append_new(*edges, e);
			}
			if (json_is_null(e))
				continue;
			json_object_set_new(
			    e, "successes",
			    json_integer(json_integer_value(
					     json_object_get(e, "successes")) +
					 h->succ));
			json_object_set_new(
			    e, "failures",
			    json_integer(json_integer_value(
					     json_object_get(e, "failures")) +
					 h->fail));
			if (h->first <
			    json_integer_value(json_object_get(e, "first")))
				json_object_set_new(e, "first",
						    json_integer(h->first));
			if (h->last >
			    json_integer_value(json_object_get(e, "last")))
				json_object_set_new(e, "last",
						    json_integer(h->last));
		}
	json_decref(agg);
	/* the nodes the kept edges name */
	json_t *seen = json_object(), *e;
	size_t i;
	json_array_foreach(*edges, i, e)
	{
		for (int end = 0; end < 2; end++) {
			const char *name = json_string_value(
			    json_object_get(e, end ? "dst" : "src"));
			if (json_object_get(seen, name))
				continue;
			json_object_set_new(seen, name, json_true());
			int k = id_of(g->node_ids, name);
			int j = k >= 0 ? jewel(g, k) : 0;
			json_array_append_new(
			    *nodes,
			    json_pack("{ss si sb sb}", "name", name, "ring",
				      k >= 0 ? ring[k] : 9, "crown_jewel",
				      j == 2, "critical", j == 1));
		}
	}
	json_decref(seen);
	free(ring);
}

/* The shortest rare paths from host onward to each crown jewel or
 * critical asset, over the edges with a success since since_ms: a new
 * array of up to five [{target, crown_jewel, cost, hops: [{src, dst,
 * user}]}], fewest hops first and the rarer among equals. NULL on a
 * database error. */
static json_t *onward(db *ev, json_t *assets, const char *host,
		      int64_t since_ms)
{
	sqlite3_stmt *st =
	    db_query(ev, STMT_EVT_EDGES_RECENT, since_ms, (int64_t)LOAD_CAP);
	if (!st)
		return NULL;
	struct graph g = {.assets = assets};
	arena_init(&g.a);
	g.node_ids = json_object();
	g.user_ids = json_object();
	int64_t all = db_scalar(ev, STMT_EVT_AUTH_TOTAL);
	double lnN = log((double)(all < 0 ? 0 : all) + 2);
	struct arc {
		int src, dst, user;
		double cost;
	} *arcs = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct arc *a = arena_grow(&g.a, arcs, n, &cap, sizeof(*a));
		if (!a)
			break;
		arcs = a;
		a[n].src = intern(&g, g.node_ids, &g.nodes, &g.nnodes, &g.ncap,
				  db_text(st, 0));
		a[n].dst = intern(&g, g.node_ids, &g.nodes, &g.nnodes, &g.ncap,
				  db_text(st, 1));
		a[n].user = intern(&g, g.user_ids, &g.users, &g.nusers, &g.ucap,
				   db_text(st, 2));
		double rare =
		    -log(((double)db_int(st, 3) + 1) / ((double)all + 2)) / lnN;
		a[n].cost = 1 - 0.5 * rare; /* a hop costs 0.5 to 1 */
		n++;
	}
	sqlite3_reset(st);
	json_t *out = json_array();
	int from = id_of(g.node_ids, host);
	size_t nn = g.nnodes;
	double *dist = malloc((PATHS_MAX_HOPS + 1) * (nn + 1) * sizeof(*dist));
	int *pred = malloc((PATHS_MAX_HOPS + 1) * (nn + 1) * sizeof(*pred));
	g.jewel = malloc(nn + 1);
	if (from < 0 || !dist || !pred || !g.jewel)
		goto done;
	memset(g.jewel, -1, nn + 1);
	/* Bellman-Ford limited to PATHS_MAX_HOPS: dist[k][v] the cheapest
	 * way to v in at most k hops, pred the arc that got there */
	for (size_t v = 0; v < nn; v++)
		dist[v] = INFINITY, pred[v] = -1;
	dist[from] = 0;
	for (int k = 1; k <= PATHS_MAX_HOPS; k++) {
		double *d0 = dist + (size_t)(k - 1) * nn,
		       *d1 = dist + (size_t)k * nn;
		int *p1 = pred + (size_t)k * nn;
		memcpy(d1, d0, nn * sizeof(*d1));
		for (size_t v = 0; v < nn; v++)
			p1[v] = -1;
		for (size_t i = 0; i < n; i++)
			if (d0[arcs[i].src] + arcs[i].cost < d1[arcs[i].dst]) {
				d1[arcs[i].dst] =
				    d0[arcs[i].src] + arcs[i].cost;
				p1[arcs[i].dst] = (int)i;
			}
	}
	double *dk = dist + (size_t)PATHS_MAX_HOPS * nn;
	for (size_t v = 0; v < nn && json_array_size(out) < 5; v++) {
		int j = jewel(&g, (int)v);
		if ((int)v == from || !j || isinf(dk[v]))
			continue;
		/* walk back: at level k, the arc that reached v there, or the
		 * level below when v was reached in fewer hops */
		json_t *hops = json_array();
		int at = (int)v;
		for (int k = PATHS_MAX_HOPS; k > 0 && at != from; k--) {
			int a = pred[(size_t)k * nn + at];
			if (a < 0)
				continue;
			json_array_insert_new(
			    hops, 0,
			    json_pack("{ss ss ss}", "src", g.nodes[arcs[a].src],
				      "dst", g.nodes[arcs[a].dst], "user",
				      g.users[arcs[a].user]));
			at = arcs[a].src;
		}
		json_array_append_new(
		    out, json_pack("{ss sb sf si so}", "target", g.nodes[v],
				   "crown_jewel", j == 2, "cost",
				   round(dk[v] * 100) / 100, "hop_count",
				   (int)json_array_size(hops), "hops", hops));
	}
done:
	free(dist);
	free(pred);
	graph_free(&g);
	return out;
}

/* The neighbourhood, paths and onward paths of q. New, or NULL. */
json_t *paths_around(db *ev, json_t *assets, const struct paths_query *q)
{
	struct graph g = {.assets = assets, .gap = q->gap_ms};
	int64_t from = q->at_ms - q->span_ms, to = q->at_ms + q->span_ms;
	struct want w = {.last_from = from, .last_to = to};
	json_t *out = NULL;
	unsigned char *reach = NULL;
	struct walk *kept = malloc(10 * sizeof(*kept));
	w.found = malloc(FOUND_CAP * sizeof(*w.found));
	if (!kept || !w.found || graph_load(ev, &g, from, to) != 0)
		goto done;
	w.host = id_of(g.node_ids, q->host);
	w.user = id_of(g.user_ids, q->user);
	/* only walks that can still touch the host or user are walked */
	if (!(reach = reach_of(&g, w.host, w.user)))
		goto done;
	w.reach = reach;
	json_t *paths = json_array(), *edges = json_array(),
	       *nodes = json_array();
	long left = 0;
	if (w.host >= 0 || w.user >= 0) {
		find(&g, &w);
		json_decref(paths);
		paths = best(&g, &w, 10, 0, kept, NULL);
		json_decref(edges);
		json_decref(nodes);
		neighbourhood(&g, w.host, w.user, q->max_edges, &edges, &nodes,
			      &left);
	}
	json_t *next = q->host
			   ? onward(ev, assets, q->host, to - 30 * 24 * HOUR_MS)
			   : json_array();
	out = json_pack("{sI sI so so so so sI sb}", "from", (json_int_t)from,
			"to", (json_int_t)to, "nodes", nodes, "edges", edges,
			"paths", paths, "onward", next ? next : json_array(),
			"left_out", (json_int_t)left, "walk_capped",
			g.walked_out);
done:
	free(reach);
	free(kept);
	free(w.found);
	graph_free(&g);
	return out;
}

/* Stores path p (walk_json's) of g as a finding event: event.kind alert
 * from no source (0), at its last hop, grouped by its first account, its
 * why a rule's finding so the alerts fold it with its technique. Returns
 * 0 or -1. */
static int flag(db *ev, const char *key, json_t *p)
{
	json_t *hops = json_object_get(p, "hops");
	size_t n = json_array_size(hops);
	json_t *h0 = json_array_get(hops, 0), *hn = json_array_get(hops, n - 1);
	const char *user = json_string_value(json_object_get(h0, "user")),
		   *last = json_string_value(json_object_get(hn, "dst"));
	int64_t at = json_integer_value(json_object_get(hn, "at"));
	int jewel_hit = json_is_true(json_object_get(p, "crown_jewel"));
	double s = json_number_value(json_object_get(p, "score"));
	char msg[1024], title[300], id[120], group[300];
	int k = snprintf(msg, sizeof(msg), "%s",
			 json_string_value(json_object_get(h0, "src")));
	size_t i;
	json_t *h;
	json_array_foreach(hops, i, h)
	{
		if (k > 0 && (size_t)k < sizeof(msg))
			k += snprintf(
			    msg + k, sizeof(msg) - (size_t)k, " →(%s) %s",
			    json_string_value(json_object_get(h, "user")),
			    json_string_value(json_object_get(h, "dst")));
	}
	snprintf(title, sizeof(title),
		 "Lateral movement: a rare path of %zu hop%s%s", n,
		 n == 1 ? "" : "s", jewel_hit ? " to a crown jewel" : "");
	snprintf(id, sizeof(id), "path-%s", key);
	snprintf(group, sizeof(group), "user.name=%s", user);
	const char *level =
	    jewel_hit || s >= 2 * PATHS_THRESHOLD ? "critical" : "high";
	json_t *why = json_pack(
	    "[{ss ss ss s[ss] ss sO sf}]", "rule", PATHS_RULE, "title", title,
	    "level", level, "tags", "attack.lateral_movement", "attack.t1021",
	    "group", group, "path", hops, "score", s);
	json_t *doc = json_pack(
	    "{s{ss ss ss ss ss si} s{ss ss} s{ss} s{ss} ss s{sO sf} s{s{ss}}}",
	    "event", "id", id, "kind", "alert", "category", "authentication",
	    "action", "lateral-movement-path", "outcome", "success", "severity",
	    jewel_hit ? 99 : 73, "rule", "id", PATHS_RULE, "name", title,
	    "host", "name", last, "user", "name", user, "message", msg,
	    "labels", "path", hops, "score", s, "threat", "technique", "id",
	    "T1021");
	int rc = events_add_finding(ev, at, "auth", "lateral-movement-path",
				    doc, why);
	json_decref(why);
	json_decref(doc);
	return rc;
}

/* Flags the new paths over threshold since the last look. Returns how
 * many, or -1. */
long paths_watch(db *ev, json_t *assets, double threshold, int64_t gap_ms)
{
	int64_t cursor = db_scalar(ev, STMT_EVT_CURSOR_GET, "paths"),
		top = db_scalar(ev, STMT_EVT_MAX_ID);
	if (cursor < 0 || top < 0)
		return -1;
	if (top < cursor) /* a new or restored events file */
		cursor = 0;
	if (top == cursor)
		return 0;
	sqlite3_stmt *st = db_query(ev, STMT_EVT_AUTH_SPAN, cursor, top);
	if (!st)
		return -1;
	int64_t lo = 0, hi = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		lo = db_int(st, 0), hi = db_int(st, 1);
	sqlite3_reset(st);
	long flagged = 0;
	struct graph g = {.assets = assets, .gap = gap_ms};
	struct want w = {
	    .host = -1, .user = -1, .last_from = lo, .last_to = hi + gap_ms};
	struct walk kept[20];
	size_t nkept = 0;
	json_t *paths = NULL;
	int rc = 0;
	if (!lo)
		goto done; /* no sign-ins came */
	w.found = malloc(FOUND_CAP * sizeof(*w.found));
	if (!w.found || graph_load(ev, &g, lo - PATHS_MAX_HOPS * gap_ms,
				   hi + gap_ms) != 0) {
		rc = -1;
		goto done;
	}
	find(&g, &w);
	paths = best(&g, &w, 20, threshold, kept, &nkept);
	if (db_begin(ev) != 0) {
		rc = -1;
		goto done;
	}
	int64_t now = clock_now() * 1000;
	for (size_t i = 0; i < nkept && rc == 0; i++) {
		char key[PATHS_MAX_HOPS * 24] = "";
		size_t k = 0;
		for (int j = 0; j < kept[i].n; j++)
			k += (size_t)snprintf(
			    key + k, sizeof(key) - k, "%s%lld", j ? "-" : "",
			    (long long)g.hops[kept[i].hop[j]].edge);
		rc = db_exec(ev, STMT_EVT_FLAG_ONCE, key, kept[i].score, now);
		if (rc == 0 && sqlite3_changes(ev->h) > 0) {
			rc = flag(ev, key, json_array_get(paths, i));
			flagged++;
		}
	}
	if (rc != 0 || db_exec(ev, STMT_EVT_CURSOR_SET, "paths", top) != 0 ||
	    db_commit(ev) != 0) {
		db_rollback(ev);
		rc = -1;
	}
	goto out;
done:
	if (rc == 0)
		rc = db_exec(ev, STMT_EVT_CURSOR_SET, "paths", top);
out:
	json_decref(paths);
	free(w.found);
	graph_free(&g);
	return rc ? -1 : flagged;
}

/* Every auth edge with the best score of a path through it. New, or
 * NULL. */
json_t *paths_edge_scores(db *ev, json_t *assets, double threshold,
			  int64_t gap_ms)
{
	sqlite3_stmt *st = db_query(ev, STMT_EVT_EDGE_SPAN);
	if (!st)
		return NULL;
	int64_t lo = 0, hi = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		lo = db_int(st, 0), hi = db_int(st, 1);
	sqlite3_reset(st);
	struct graph g = {.assets = assets, .gap = gap_ms};
	struct want w = {
	    .host = -1, .user = -1, .last_from = lo, .last_to = hi + gap_ms};
	json_t *out = NULL;
	w.found = malloc(FOUND_CAP * sizeof(*w.found));
	if (!w.found || graph_load(ev, &g, lo, hi) != 0)
		goto done;
	find(&g, &w);
	json_t *by_edge = json_object(); /* edge → best path score */
	out = json_array();
	for (size_t i = 0; i < w.nfound; i++)
		for (int j = 0; j < w.found[i].n; j++) {
			const struct hop *h = &g.hops[w.found[i].hop[j]];
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)h->edge);
			json_t *e = json_object_get(by_edge, key);
			if (!e) {
				e = json_pack(
				    "{ss ss ss sI sf}", "src", g.nodes[h->src],
				    "dst", g.nodes[h->dst], "user",
				    g.users[h->user], "first_seen",
				    (json_int_t)h->edge_first, "score", 0.0);
				json_object_set_new(by_edge, key, e);
				json_array_append(out, e);
			}
			if (w.found[i].score >
			    json_number_value(json_object_get(e, "score")))
				json_object_set_new(
				    e, "score",
				    json_real(round(w.found[i].score * 100) /
					      100));
		}
	const char *k;
	json_t *e;
	json_object_foreach(by_edge, k, e)
	{
		json_object_set_new(
		    e, "flagged",
		    json_boolean(json_number_value(json_object_get(
				     e, "score")) >= threshold));
	}
	json_decref(by_edge);
done:
	free(w.found);
	graph_free(&g);
	return out;
}
