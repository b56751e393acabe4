/* paths.h - lateral movement read from the sign-in graph: time-respecting
 * paths h0 →(u1,t1) h1 →(u2,t2) h2 … (t(i+1) ≥ t(i), each gap within a
 * window, up to four hops), scored by how rare each edge is against the
 * graph's history (−log of its frequency), with bonuses when the
 * credentials change along the path (as Hopper does), for first-time
 * edges, for failures followed by success and for reaching a crown
 * jewel. paths_around answers an analyst (around a host, a user or an
 * alert's); paths_watch flags new paths over the threshold as findings,
 * which the alerts fold like a rule's. */
#ifndef SECURA_PATHS_H
#define SECURA_PATHS_H

#include "../core/db.h"

#include <jansson.h>
#include <stdint.h>

#define PATHS_MAX_HOPS	4
#define PATHS_GAP_MS	(4 * 3600 * 1000LL) /* default gap between hops */
#define PATHS_THRESHOLD 2.5		    /* a path's score to flag */
#define PATHS_RULE	"secura-lateral-path"

/* What an analyst asks about: a host or a user (lower case, as the
 * graph writes them) around a time (ms), within ±span_ms. */
struct paths_query {
	const char *host, *user;
	int64_t at_ms, span_ms, gap_ms;
	int max_edges; /* the neighbourhood's cap */
};

/* The two-hop neighbourhood of q's host or user within its span (edges
 * first seen in the span marked new), the top time-respecting paths that
 * touch it, and the shortest rare paths onward from the host to each
 * crown jewel of assets (assets_list's). A new object {from, to, nodes,
 * edges, paths, onward, left_out}, or NULL on a database error. */
json_t *paths_around(db *ev, json_t *assets, const struct paths_query *q);

/* Looks at the sign-ins taken since the last look (a cursor kept in the
 * events database): each new path scoring at least threshold, not flagged
 * before and not part of a longer one flagged now, is stored as a
 * finding event (event.kind alert, rule PATHS_RULE) that the alerts fold.
 * Returns how many were flagged, or -1 on a database error. */
long paths_watch(db *ev, json_t *assets, double threshold, int64_t gap_ms);

/* Scores every auth edge with the best path through it over all the
 * sign-ins (for the OTRF measurement): a new array [{src, dst, user,
 * first_seen, score, flagged}] or NULL. */
json_t *paths_edge_scores(db *ev, json_t *assets, double threshold,
			  int64_t gap_ms);

#endif
