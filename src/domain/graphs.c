/* graphs.c - see graphs.h. Both read at most LOAD_CAP rows, the newest
 * flows and the busiest addresses. */
#include "graphs.h"

#include "../core/cidr.h"
#include "../core/geoip.h"
#include "assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOAD_CAP 200000

/* Adds n to the integer member key of o. */
static void add(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(
	    o, key,
	    json_integer(json_integer_value(json_object_get(o, key)) + n));
}

/* Writes the group of address ip into id and label: a tagged subnet,
 * else its /24 (IPv4) or "internal IPv6", else the outside by country.
 * Returns whether it is internal. */
static int group(json_t *assets, const char *ip, char *id, char *label,
		 size_t n)
{
	json_t *a = assets_match(assets, NULL, ip);
	if (a && json_is_true(json_object_get(a, "subnet"))) {
		const char *name =
		    json_string_value(json_object_get(a, "name"));
		snprintf(id, n, "%s", name);
		snprintf(label, n, "%s (%s)", name,
			 *json_string_value(json_object_get(a, "owner"))
			     ? json_string_value(json_object_get(a, "owner"))
			     : "tagged");
		return 1;
	}
	if (cidr_private(ip)) {
		unsigned a1, a2, a3;
		if (!strchr(ip, ':') &&
		    sscanf(ip, "%u.%u.%u", &a1, &a2, &a3) == 3)
			snprintf(id, n, "%u.%u.%u.0/24", a1, a2, a3);
		else
			snprintf(id, n, "internal IPv6");
		snprintf(label, n, "%s", id);
		return 1;
	}
	char cc[3];
	const char *country = geoip_country(ip, cc);
	if (country) {
		snprintf(id, n, "internet:%s", cc);
		snprintf(label, n, "Internet: %s", country);
	} else {
		snprintf(id, n, "internet");
		snprintf(label, n, "Internet");
	}
	return 0;
}

/* Orders two objects by the integer member named by, largest first; for
 * qsort_r. */
static int by_member(const void *x, const void *y, void *by)
{
	json_int_t a = json_integer_value(
		       json_object_get(*(json_t *const *)x, by)),
		   b = json_integer_value(
		       json_object_get(*(json_t *const *)y, by));
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Keeps the max largest by member by of nodes (an object of objects) as
 * a new array, the count of the others in *left. */
static json_t *busiest(json_t *nodes, const char *by, int max, long *left)
{
	json_t *all = json_array(), *x;
	const char *k;
	json_object_foreach(nodes, k, x) json_array_append(all, x);
	size_t n = json_array_size(all);
	json_t **v = malloc((n + 1) * sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_incref(json_array_get(all, i));
	if (v) {
		qsort_r(v, n, sizeof(*v), by_member, (void *)by);
		json_array_clear(all);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, v[i]);
		free(v);
	}
	*left = 0;
	while ((int)json_array_size(all) > max) {
		json_array_remove(all, json_array_size(all) - 1);
		(*left)++;
	}
	return all;
}

/* The subnets and flows since since_ms (see graphs.h). New, or NULL on
 * a database error. */
json_t *graphs_topology(db *ev, json_t *assets, int64_t since_ms, int max)
{
	sqlite3_stmt *st =
	    db_query(ev, STMT_EVT_NET_SINCE, since_ms, (int64_t)LOAD_CAP);
	if (!st)
		return NULL;
	json_t *nodes = json_object(), *edges = json_object(),
	       *services = json_object(), *addrs = json_object();
	long flows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ip[2] = {db_text(st, 0), db_text(st, 1)};
		char id[2][256], label[256];
		int64_t port = db_int(st, 2), conns = db_int(st, 4),
			bytes = db_int(st, 5);
		const char *transport = db_text(st, 3);
		for (int end = 0; end < 2; end++) {
			int internal = group(assets, ip[end], id[end], label,
					     sizeof(label));
			json_t *n = json_object_get(nodes, id[end]);
			if (!n) {
				n = json_pack("{ss ss sb si sI sI}", "id",
					      id[end], "label", label,
					      "internal", internal, "addresses",
					      0, "connections", (json_int_t)0,
					      "bytes", (json_int_t)0);
				json_object_set_new(nodes, id[end], n);
			}
			if (!json_object_get(addrs, ip[end])) {
				json_object_set_new(addrs, ip[end],
						    json_true());
				add(n, "addresses", 1);
			}
			add(n, "connections", conns);
			add(n, "bytes", bytes);
		}
		char key[600];
		snprintf(key, sizeof(key), "%s>%s", id[0], id[1]);
		json_t *e = json_object_get(edges, key);
		if (!e) {
			e = json_pack("{ss ss sI sI s{}}", "from", id[0], "to",
				      id[1], "connections", (json_int_t)0,
				      "bytes", (json_int_t)0, "by_port");
			json_object_set_new(edges, key, e);
		}
		add(e, "connections", conns);
		add(e, "bytes", bytes);
		char pk[64];
		snprintf(pk, sizeof(pk), "%lld/%s", (long long)port, transport);
		add(json_object_get(e, "by_port"), pk, conns);
		json_t *s = json_object_get(services, pk);
		if (!s) {
			s = json_pack("{sI ss sI sI si}", "port",
				      (json_int_t)port, "transport", transport,
				      "connections", (json_int_t)0, "bytes",
				      (json_int_t)0, "clients", 0);
			json_object_set_new(services, pk, s);
		}
		add(s, "connections", conns);
		add(s, "bytes", bytes);
		add(s, "clients", 1);
		flows++;
	}
	sqlite3_reset(st);
	json_decref(addrs);
	if (rc != SQLITE_DONE) {
		json_decref(nodes);
		json_decref(edges);
		json_decref(services);
		return NULL;
	}
	long left = 0;
	json_t *kept = busiest(nodes, "bytes", max, &left),
	       *keep = json_object(), *n;
	size_t i;
	json_array_foreach(kept, i, n) json_object_set(
	    keep, json_string_value(json_object_get(n, "id")), json_true());
	json_t *edge_list = json_array(), *e;
	const char *k;
	json_object_foreach(edges, k, e)
	{
		if (!json_object_get(
			keep, json_string_value(json_object_get(e, "from"))) ||
		    !json_object_get(
			keep, json_string_value(json_object_get(e, "to"))))
			continue;
		/* the three busiest ports of the edge, as text */
		char ports[200] = "";
		json_t *bp = json_object_get(e, "by_port");
		for (int r = 0; r < 3; r++) {
			const char *best = NULL, *p;
			json_int_t most = 0;
			json_t *c;
			json_object_foreach(bp, p,
					    c) if (json_integer_value(c) > most)
			{
				most = json_integer_value(c);
				best = p;
			}
			if (!best)
				break;
			size_t l = strlen(ports);
			snprintf(ports + l, sizeof(ports) - l, "%s%s",
				 l ? ", " : "", best);
			json_object_del(bp, best);
		}
		json_object_del(e, "by_port");
		json_object_set_new(e, "ports", json_string(ports));
		json_array_append(edge_list, e);
	}
	json_t *svc = busiest(services, "connections", 10, &(long){0});
	json_decref(keep);
	json_decref(nodes);
	json_decref(edges);
	json_decref(services);
	return json_pack("{so so so sI sI}", "nodes", kept, "edges", edge_list,
			 "services", svc, "flows", (json_int_t)flows,
			 "left_out", (json_int_t)left);
}

/* Where events came from since since_ms, by country (see graphs.h).
 * New, or NULL on a database error. */
json_t *graphs_threat_map(db *ev, int64_t since_ms)
{
	sqlite3_stmt *st =
	    db_query(ev, STMT_EVT_SOURCES_SINCE, since_ms, (int64_t)LOAD_CAP);
	if (!st)
		return NULL;
	json_t *countries = json_object(), *top = json_array(),
	       *internal = json_pack("{si si}", "addresses", 0, "events", 0),
	       *unknown = json_pack("{si si}", "addresses", 0, "events", 0);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ip = db_text(st, 0);
		int64_t events = db_int(st, 1), failures = db_int(st, 2);
		char cc[3] = "";
		const char *name = NULL;
		int inside = cidr_private(ip);
		if (!inside && !cidr_documentation(ip))
			name = geoip_country(ip, cc);
		json_t *into = inside ? internal : !name ? unknown : NULL;
		if (!into) {
			into = json_object_get(countries, cc);
			if (!into) {
				into = json_pack("{ss ss si si si}", "cc", cc,
						 "name", name, "addresses", 0,
						 "events", 0, "failures", 0);
				json_object_set_new(countries, cc, into);
			}
			add(into, "failures", failures);
		}
		add(into, "addresses", 1);
		add(into, "events", events);
		if (!inside && json_array_size(top) < 50)
			json_array_append_new(
			    top,
			    json_pack("{ss ss ss sI sI sI}", "ip", ip, "cc", cc,
				      "country", name ? name : "", "events",
				      (json_int_t)events, "failures",
				      (json_int_t)failures, "last_seen",
				      (json_int_t)db_int(st, 3)));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(countries);
		json_decref(top);
		json_decref(internal);
		json_decref(unknown);
		return NULL;
	}
	long left;
	json_t *list = busiest(countries, "events", 300, &left);
	json_decref(countries);
	return json_pack("{so so so so sb}", "countries", list, "internal",
			 internal, "unknown", unknown, "top", top, "geoip",
			 geoip_available());
}
