/* http.h - the request context, the route table and "one handler, two
 * views".
 *
 * A handler receives a ctx whose inputs are already parsed, its caller
 * authenticated and authorised, its CSRF token checked and its declared
 * fields validated. It fills c->view (a jansson object) or calls
 * ctx_fail/ctx_redirect; the dispatcher renders the outcome as JSON for
 * /api/v1/... (or Accept: application/json) and through
 * templates/<route tmpl>.html otherwise. */
#ifndef SECURA_HTTP_H
#define SECURA_HTTP_H

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "perm.h"
#include "req.h"
#include "session.h"
#include "valid.h"

#include <jansson.h>

struct ctx;
typedef int (*handler_fn)(struct ctx *c);

enum {
	ROUTE_JSON_ONLY = 1 << 0, /* no HTML view (e.g. /health) */
	ROUTE_HTML_ONLY = 1 << 1, /* no JSON view (e.g. the login form) */
	/* a machine door (event intake): no person, session or CSRF; the
	   body stays raw; the handler authenticates its caller itself */
	ROUTE_MACHINE = 1 << 2,
	/* open to a session whose second factor is still owed (the code
	   form, setting one up, signing out) */
	ROUTE_MFA_OPEN = 1 << 3,
	/* an admin change that asks for the second factor again when the
	   session last gave it over SESSION_STEP_UP_SECS ago */
	ROUTE_STEP_UP = 1 << 4,
	/* open to a session signed in with a generated first password (the
	   profile page and its password form) */
	ROUTE_PASSWORD_OPEN = 1 << 5,
};

struct route {
	const char *method;  /* "GET", "POST" or "DELETE" */
	const char *pattern; /* "/admin/users/{id}"; {id} is an int */
	handler_fn handler;
	enum perm perm;		    /* checked before the handler runs */
	const char *tmpl;	    /* HTML view: templates/<tmpl>.html */
	const struct field *fields; /* declared inputs, {NULL} terminated */
	handler_fn form; /* HTML: rebuilds the form page after a 4xx */
	unsigned flags;
};

struct ctx {
	arena *a;
	db *db;
	/* request (arena copies) */
	const char *rid, *method, *path, *query_string, *content_type;
	const char *uri_path; /* as requested, before /api/v1 is stripped */
	const char *remote_addr, *host, *server_port, *origin;
	const char *sec_fetch_site, *cookie, *referer;
	const char *authorization, *accept, *user_agent, *csrf_header;
	const char *last_event_id; /* EventSource reconnects send it */
	const char *cache_control; /* "no-cache": a forced reload */
	int https, api, head;
	const char *body;
	size_t body_len;
	struct kvs query, form, cookies, vals;
	struct uploads files;
	json_t *json; /* parsed JSON body, owned */
	/* routing: path parameters */
	const struct route *route;
	int64_t id, sub; /* {id} and {sub}: positive integers */
	const char *ref; /* {ref}: letters, digits, - _ . (1-64) */
	/* caller */
	struct caller me;
	int authorized;	       /* passed authentication, permission and CSRF */
	const char *anon_csrf; /* double-submit token for anonymous forms */
	/* outcome */
	int status;
	json_t *view; /* owned */
	const char *tmpl, *location, *flash;
	const char *err_code, *err_msg;
	json_t *field_errors; /* owned, {"field": "message"} */
	struct kvs headers;   /* extra response headers */
	buf out;	      /* the rendered body */
	const char *out_type; /* Content-Type of out */
	/* the shared page cache (pagecache.c): the entry this page is, and
	   its content block's HTML when found there */
	const char *cache_key;
	int64_t cache_version;
	const char *cached_html;
	int out_ready; /* handler produced out itself */
	/* A handler that keeps the connection (an event stream) sets this:
	   after the headers and c->out are sent, the server hands the
	   FastCGI connection (its fd and request id) over and forgets it. */
	void (*adopt)(struct ctx *c, int fd, int reqid);
};

/* handlers' helpers (http.c) */
const char *ctx_val(struct ctx *c, const char *name);
int ctx_has(struct ctx *c, const char *name);
int64_t ctx_int(struct ctx *c, const char *name, int64_t def);
int ctx_fail(struct ctx *c, int status, const char *code, const char *msg);
/* Counts the request against limit for key (ratelimit.h) and sets the
 * RateLimit headers (and Retry-After when over). Returns 1 within the
 * limit, 0 over it (the caller answers 429). */
int ctx_rate_limit(struct ctx *c, const char *key, int64_t limit);
int ctx_field_error(struct ctx *c, const char *field, const char *msg);
int ctx_redirect(struct ctx *c, const char *location, const char *flash);
void ctx_header(struct ctx *c, const char *name, const char *value);
void ctx_download(struct ctx *c, const char *filename, const char *type);
void ctx_cookie(struct ctx *c, const char *name, const char *value,
		long max_age);
const char *ctx_cookie_get(struct ctx *c, const char *name);
json_t *ctx_page(struct ctx *c, int64_t total, int page, int limit);
int64_t ctx_time(struct ctx *c, const char *name);
const char *ctx_query(struct ctx *c, const char *skip);
int ctx_page_args(struct ctx *c, int *page, int *limit, int *offset);

/* dispatch (route.c) */
void route_dispatch(struct ctx *c, const struct route *routes, size_t n);
struct route_params {
	int64_t id, sub;
	char ref[65];
};
int route_match(const char *pattern, const char *path, struct route_params *p);
const char *route_origin(arena *a, int https, const char *host,
			 const char *port);

/* rendering a request's outcome (view.c; the rest is in view.h) */
void view_render(struct ctx *c);

/* the FastCGI program (server.c) */
void server_use_events_db(void);
int server_main(int argc, char **argv, const char *name,
		const struct route *routes, size_t nroutes);
int server_main_with(int argc, char **argv, const char *name,
		     const struct route *routes, size_t nroutes,
		     int (*on_start)(void));

#endif
