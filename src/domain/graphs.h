/* graphs.h - the network as the events draw it: subnets and the flows
 * between them (the topology), and where events came from by country
 * (the threat map). Read from the events database's graphs (edges.c);
 * drawing is the web layer's. */
#ifndef SECURA_GRAPHS_H
#define SECURA_GRAPHS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

/* The subnets (a tagged subnet of assets, else the address's /24; the
 * outside by country) and the flows between them since since_ms, at most
 * max subnets (the busiest; the rest said in left_out): a new object
 * {nodes: [{id, label, internal, addresses, connections, bytes}], edges:
 * [{from, to, connections, bytes, ports}], services: [{port, transport,
 * connections, bytes, clients}], flows, left_out}, or NULL. */
json_t *graphs_topology(db *ev, json_t *assets, int64_t since_ms, int max);

/* The addresses events came from since since_ms by country: a new object
 * {countries: [{cc, name, addresses, events, failures}], internal:
 * {addresses, events}, unknown: {addresses, events}, top: [{ip, cc,
 * country, internal, events, failures, last_seen}], geoip (whether a
 * database is there)}, or NULL. */
json_t *graphs_threat_map(db *ev, int64_t since_ms);

#endif
