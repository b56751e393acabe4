/* evfeat.c - see evfeat.h. Each kind's features are rows of one table
 * (name, how it is computed, its argument); counts and volumes are
 * log1p-scaled. http-access is the lexical table of httpfeat.c (method,
 * path, decoded parameters) so its model is the one fitted on CSIC 2010;
 * network-flow and auth add windows over the stream: flows, distinct
 * destinations and ports, and bytes out per source address; failures per
 * user and per address, distinct users per address, and whether this
 * user was seen on this host or from this address before. */
#include "evfeat.h"

#include "httpfeat.h"
#include "window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MINUTE 60000LL
#define SLOTS  65536 /* per window: 2 MB */

/* The windows, each keyed by a hash of the values it counts. */
struct evfeat_state {
	window *flows, *pairs_host, *fanout_host, *pairs_port, *fanout_port,
	    *bytes_out, *user_fail, *src_fail, *pairs_user, *src_users,
	    *seen_host, *seen_src;
};

/* Returns a new state (windows of 1 and 10 minutes, and 30 days for
 * "first time") of slots keys a window (0: SLOTS, for a live stream), or
 * NULL out of memory. Freed with evfeat_state_free. */
evfeat_state *evfeat_state_new(size_t slots)
{
	size_t n = slots ? slots : SLOTS;
	evfeat_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->flows = window_new(n, MINUTE);
	st->pairs_host = window_new(n, MINUTE);
	st->fanout_host = window_new(n, MINUTE);
	st->pairs_port = window_new(n, MINUTE);
	st->fanout_port = window_new(n, MINUTE);
	st->bytes_out = window_new(n, 10 * MINUTE);
	st->user_fail = window_new(n, 10 * MINUTE);
	st->src_fail = window_new(n, 10 * MINUTE);
	st->pairs_user = window_new(n, 10 * MINUTE);
	st->src_users = window_new(n, 10 * MINUTE);
	st->seen_host = window_new(4 * n, 30 * 1440 * MINUTE);
	st->seen_src = window_new(4 * n, 30 * 1440 * MINUTE);
	window **all = &st->flows;
	for (size_t i = 0; i < sizeof(*st) / sizeof(window *); i++)
		if (!all[i]) {
			evfeat_state_free(st);
			return NULL;
		}
	return st;
}

/* Frees st (NULL is fine). */
void evfeat_state_free(evfeat_state *st)
{
	if (!st)
		return;
	window **all = &st->flows;
	for (size_t i = 0; i < sizeof(*st) / sizeof(window *); i++)
		window_free(all[i]);
	free(st);
}

/* Records that user signed in on host at ts_ms, so that it is not a
 * first time (the ingest program warms the state from stored events). */
void evfeat_state_seen(evfeat_state *st, const char *user, const char *host,
		       int64_t ts_ms)
{
	window_touch(st->seen_host, window_key(user, host), ts_ms);
}

/* Returns the value at a dotted path of doc ("source.bytes"), nested or
 * as a flat key; NULL when absent. Borrowed. */
json_t *evfeat_member(json_t *doc, const char *path)
{
	json_t *flat = json_object_get(doc, path);
	if (flat)
		return flat;
	json_t *o = doc;
	char key[64];
	for (const char *p = path; o;) {
		size_t k = strcspn(p, ".");
		if (k >= sizeof(key))
			return NULL;
		memcpy(key, p, k);
		key[k] = '\0';
		o = json_object_get(o, key);
		if (!p[k])
			return o;
		p += k + 1;
	}
	return NULL;
}

/* The text at path, "" when absent or not text. */
static const char *str(json_t *doc, const char *path);

/* Returns the kind an event is by its ECS category (the first of a
 * list): authentication, network, web, an endpoint's detections, else
 * "generic". Static. */
const char *evfeat_kind_of(json_t *doc)
{
	json_t *c = evfeat_member(doc, "event.category");
	const char *cat =
	    json_string_value(json_is_array(c) ? json_array_get(c, 0) : c);
	static const char *const map[][2] = {
	    {"authentication", "auth"},
	    {"iam", "auth"},
	    {"session", "auth"},
	    {"network", "network-flow"},
	    {"web", "http-access"},
	    {"malware", "endpoint"},
	    {"intrusion_detection", "endpoint"},
	    {"process", "endpoint"},
	    {"file", "endpoint"},
	    {"host", "endpoint"},
	};
	for (size_t i = 0; cat && i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(cat, map[i][0]))
			return map[i][1];
	return "generic";
}

/* The text at path, "" when absent or not text. */
static const char *str(json_t *doc, const char *path)
{
	const char *s = json_string_value(evfeat_member(doc, path));
	return s ? s : "";
}

/* The number at path (or a number written as text), 0 when absent. */
static double number(json_t *doc, const char *path)
{
	json_t *v = evfeat_member(doc, path);
	if (json_is_number(v))
		return json_number_value(v);
	const char *s = json_string_value(v);
	return s ? strtod(s, NULL) : 0;
}

/* What a feature reads. */
struct fctx {
	evfeat_state *st;
	json_t *doc;
	int64_t ts;
};

typedef double (*feat_fn)(struct fctx *c, const char *arg);

/* One feature: its name (the model's column), how it is computed. */
struct feat {
	const char *name;
	feat_fn fn;
	const char *arg;
};

/* log1p of a numeric field. */
static double f_log(struct fctx *c, const char *path)
{
	double v = number(c->doc, path);
	return log1p(v > 0 ? v : 0);
}

/* log1p of event.duration (nanoseconds in ECS) in milliseconds. */
static double f_duration(struct fctx *c, const char *arg)
{
	(void)arg;
	double ns = number(c->doc, "event.duration");
	return log1p(ns > 0 ? ns / 1e6 : 0);
}

/* The source address's flows in the last minute (log1p). */
static double f_flows(struct fctx *c, const char *arg)
{
	(void)arg;
	return log1p(window_add(c->st->flows,
				window_key(str(c->doc, "source.ip"), NULL),
				c->ts, 1));
}

/* Distinct destination addresses (arg "host") or ports ("port") the
 * source address reached in the last minute (log1p). */
static double f_fanout(struct fctx *c, const char *arg)
{
	int host = !strcmp(arg, "host");
	const char *src = str(c->doc, "source.ip");
	uint64_t pair =
	    host ? window_key(src, str(c->doc, "destination.ip"))
		 : window_key(src, NULL) ^
		       ((uint64_t)number(c->doc, "destination.port") *
			0x9E3779B97F4A7C15ULL);
	int fresh = window_touch(host ? c->st->pairs_host : c->st->pairs_port,
				 pair, c->ts);
	return log1p(window_add(host ? c->st->fanout_host : c->st->fanout_port,
				window_key(src, NULL), c->ts, fresh));
}

/* Bytes the source address sent in the last ten minutes (log1p). */
static double f_bytes_out(struct fctx *c, const char *arg)
{
	(void)arg;
	double b = number(c->doc, "source.bytes");
	return log1p(window_add(c->st->bytes_out,
				window_key(str(c->doc, "source.ip"), NULL),
				c->ts, b > 0 ? b : 0));
}

/* 1 when the sign-in failed. */
static double f_failed(struct fctx *c, const char *arg)
{
	(void)arg;
	return !strcmp(str(c->doc, "event.outcome"), "failure");
}

/* The hour of the week (0 Monday 00h to 167), in UTC. */
static double f_hour_of_week(struct fctx *c, const char *arg)
{
	(void)arg;
	time_t s = (time_t)(c->ts / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	return ((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour;
}

/* Failures of the user (arg "user.name") or from the address
 * ("source.ip") in the last ten minutes, this one included (log1p). */
static double f_failures(struct fctx *c, const char *arg)
{
	window *w =
	    !strcmp(arg, "user.name") ? c->st->user_fail : c->st->src_fail;
	return log1p(window_add(w, window_key(str(c->doc, arg), NULL), c->ts,
				f_failed(c, NULL)));
}

/* Distinct users tried from the address in the last ten minutes (a
 * password spray tries many), log1p. */
static double f_src_users(struct fctx *c, const char *arg)
{
	(void)arg;
	const char *src = str(c->doc, "source.ip");
	int fresh =
	    window_touch(c->st->pairs_user,
			 window_key(src, str(c->doc, "user.name")), c->ts);
	return log1p(
	    window_add(c->st->src_users, window_key(src, NULL), c->ts, fresh));
}

/* 1 the first time (in 30 days) this user signs in on this host (arg
 * "host.name") or from this address ("source.ip"). */
static double f_first(struct fctx *c, const char *arg)
{
	window *w =
	    !strcmp(arg, "host.name") ? c->st->seen_host : c->st->seen_src;
	return window_touch(
	    w, window_key(str(c->doc, "user.name"), str(c->doc, arg)), c->ts);
}

static const struct feat flow_feats[] = {
    {"source_bytes", f_log, "source.bytes"},
    {"destination_bytes", f_log, "destination.bytes"},
    {"source_packets", f_log, "source.packets"},
    {"destination_packets", f_log, "destination.packets"},
    {"duration_ms", f_duration, NULL},
    {"flows_1m", f_flows, NULL},
    {"distinct_hosts_1m", f_fanout, "host"},
    {"distinct_ports_1m", f_fanout, "port"},
    {"bytes_out_10m", f_bytes_out, NULL},
};
static const char *const flow_cats[] = {"transport", "port_class"};

static const struct feat auth_feats[] = {
    {"failed", f_failed, NULL},
    {"hour_of_week", f_hour_of_week, NULL},
    {"first_on_host", f_first, "host.name"},
    {"first_from_address", f_first, "source.ip"},
    {"user_failures_10m", f_failures, "user.name"},
    {"address_failures_10m", f_failures, "source.ip"},
    {"address_users_10m", f_src_users, NULL},
};
static const char *const auth_cats[] = {"action"};

/* A kind's table. */
struct kind_table {
	const char *kind;
	const struct feat *feats;
	int nfeats;
	const char *const *cats;
	int ncats;
};

static const struct kind_table kinds[] = {
    {"network-flow", flow_feats, sizeof(flow_feats) / sizeof(*flow_feats),
     flow_cats, 2},
    {"auth", auth_feats, sizeof(auth_feats) / sizeof(*auth_feats), auth_cats,
     1},
};

/* Fills cols with kind's columns. Returns 0, or -1 for a kind without
 * features (endpoint, generic). */
int evfeat_columns(const char *kind, struct evfeat_columns *cols)
{
	memset(cols, 0, sizeof(*cols));
	if (!strcmp(kind, "http-access")) {
		cols->nnum = httpfeat_count();
		for (int k = 0; k < cols->nnum; k++)
			cols->num_names[k] = httpfeat_name(k);
		cols->ncat = 1;
		cols->cat_names[0] = "method";
		return 0;
	}
	for (size_t t = 0; t < sizeof(kinds) / sizeof(*kinds); t++) {
		if (strcmp(kinds[t].kind, kind))
			continue;
		cols->nnum = kinds[t].nfeats;
		for (int k = 0; k < cols->nnum; k++)
			cols->num_names[k] = kinds[t].feats[k].name;
		cols->ncat = kinds[t].ncats;
		for (int k = 0; k < cols->ncat; k++)
			cols->cat_names[k] = kinds[t].cats[k];
		return 0;
	}
	return -1;
}

/* The class of a destination port: well-known, registered, dynamic or
 * none. */
static const char *port_class(json_t *doc)
{
	json_t *p = evfeat_member(doc, "destination.port");
	double v = json_is_number(p) ? json_number_value(p) : -1;
	return v < 0	   ? "none"
	       : v < 1024  ? "well-known"
	       : v < 49152 ? "registered"
			   : "dynamic";
}

/* Computes kind's features of the event doc at ts_ms into num
 * (EVFEAT_MAX_NUM) and cat (EVFEAT_MAX_CAT; borrowed from doc or
 * static), feeding st's windows. Returns 0, or -1 for a kind without
 * features. */
int evfeat_compute(evfeat_state *st, const char *kind, json_t *doc,
		   int64_t ts_ms, double *num, const char **cat)
{
	if (!strcmp(kind, "http-access")) {
		const char *method = str(doc, "http.request.method"),
			   *path = str(doc, "url.path"),
			   *query = str(doc, "url.query");
		if (*query == '?')
			query++;
		struct http_req r = {.method = *method ? method : "GET",
				     .path = path,
				     .path_len = strlen(path),
				     .query = query,
				     .query_len = strlen(query),
				     .body = ""};
		httpfeat_compute(&r, num);
		cat[0] = r.method;
		return 0;
	}
	struct fctx c = {st, doc, ts_ms};
	for (size_t t = 0; t < sizeof(kinds) / sizeof(*kinds); t++) {
		if (strcmp(kinds[t].kind, kind))
			continue;
		for (int k = 0; k < kinds[t].nfeats; k++)
			num[k] =
			    kinds[t].feats[k].fn(&c, kinds[t].feats[k].arg);
		if (t == 0) {
			const char *tr = str(doc, "network.transport");
			cat[0] = *tr ? tr : "none";
			cat[1] = port_class(doc);
		} else {
			const char *a = str(doc, "event.action");
			cat[0] = *a ? a : "none";
		}
		return 0;
	}
	return -1;
}
