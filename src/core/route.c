/* route.c - the dispatcher. Everything a route declares is enforced here,
 * in order, before its handler runs: path and method (404/405), input
 * parsing (400/413/415), authentication (401), permission (401/403),
 * CSRF (403) and field validation (422). */
#include "http.h"

#include "clock.h"
#include "config.h"
#include "esc.h"
#include "log.h"
#include "rand.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CSRF_COOKIE "secura_csrf"

/* Matches one integer segment at *s (positive, no leading zero, at most
 * 18 digits). Returns 1 and advances *s, or 0. */
static int match_int(const char **s, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;
	if (**s == '0')
		return 0;
	for (; **s >= '0' && **s <= '9'; (*s)++, digits++) {
		if (digits == 18)
			return 0;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return digits > 0;
}

/* Matches path against pattern segment by segment; "{id}" and "{sub}"
 * match positive integers, "{ref}" 1-64 of [A-Za-z0-9._-]. Fills p and
 * returns 1 on a match, else 0. */
int route_match(const char *pattern, const char *path, struct route_params *p)
{
	const char *pt = pattern, *s = path;
	while (*pt && *s) {
		if (strncmp(pt, "{id}", 4) == 0 ||
		    strncmp(pt, "{sub}", 5) == 0) {
			int is_id = pt[1] == 'i';
			if (!match_int(&s, is_id ? &p->id : &p->sub))
				return 0;
			pt += is_id ? 4 : 5;
			continue;
		}
		if (strncmp(pt, "{ref}", 5) == 0) {
			size_t n =
			    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk"
				      "lmnopqrstuvwxyz0123456789._-");
			if (n == 0 || n >= sizeof(p->ref))
				return 0;
			memcpy(p->ref, s, n);
			p->ref[n] = '\0';
			s += n;
			pt += 5;
			continue;
		}
		if (*pt != *s)
			return 0;
		pt++, s++;
	}
	return *pt == '\0' && *s == '\0';
}

/* Finds the route for the request. Returns it, or NULL after recording
 * 404 (no such path) or 405 (path exists, method does not, with Allow). */
static const struct route *find_route(struct ctx *c, const struct route *routes,
				      size_t n)
{
	const char *method = c->head ? "GET" : c->method;
	buf allow = BUF_INIT;
	const struct route *found = NULL;
	for (size_t i = 0; i < n && !found; i++) {
		const struct route *r = &routes[i];
		struct route_params p = {0, 0, ""};
		if ((r->flags & ROUTE_HTML_ONLY) && c->api)
			continue;
		if (!route_match(r->pattern, c->path, &p))
			continue;
		if (strcmp(r->method, method) == 0) {
			found = r;
			c->id = p.id;
			c->sub = p.sub;
			c->ref = arena_strdup(c->a, p.ref);
		} else if (!strstr(buf_cstr(&allow), r->method)) {
			buf_printf(&allow, "%s%s", allow.len ? ", " : "",
				   r->method);
		}
	}
	if (!found && allow.len) {
		ctx_header(c, "Allow", buf_cstr(&allow));
		ctx_fail(c, 405, "method_not_allowed",
			 "This address does not accept that method.");
	} else if (!found) {
		ctx_fail(c, 404, "not_found", "There is nothing here.");
	}
	buf_free(&allow);
	return found;
}

/* Parses the query string, cookies and body by Content-Type. Returns 0,
 * or -1 with the failure recorded. */
static int parse_input(struct ctx *c)
{
	const char *err = NULL;
	struct req_limits lim = req_default_limits;
	lim.max_file = config_get()->max_upload;
	int rc = 0;
	req_parse_cookies(c->a, c->cookie, &c->cookies);
	if (c->query_string && *c->query_string)
		rc = req_parse_urlencoded(c->a, c->query_string,
					  strlen(c->query_string), &lim,
					  &c->query, &err);
	if (rc == 0 && c->body_len > 0) {
		const char *ct = c->content_type ? c->content_type : "";
		if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) ==
		    0)
			rc = req_parse_urlencoded(c->a, c->body, c->body_len,
						  &lim, &c->form, &err);
		else if (strncasecmp(ct, "multipart/form-data", 19) == 0)
			rc = req_parse_multipart(c->a, c->body, c->body_len, ct,
						 &lim, &c->form, &c->files,
						 &err);
		else if (strncasecmp(ct, "application/json", 16) == 0) {
			rc = req_parse_json(c->body, c->body_len, &lim,
					    &c->json, &err);
			c->api = 1;
		} else {
			ctx_fail(c, 415, "unsupported_media_type",
				 "Send form data or JSON.");
			return -1;
		}
	}
	if (rc) {
		ctx_fail(c, rc, rc == 413 ? "too_large" : "bad_request", err);
		return -1;
	}
	return 0;
}

/* Identifies the caller from a bearer token or the session cookie, and
 * gives anonymous visitors a CSRF cookie. Returns 0, or -1 with 401/500
 * recorded (a bad token is an error, never a silent anonymous). */
static int authenticate(struct ctx *c)
{
	c->me.role = ROLE_NONE;
	if (c->authorization) {
		int rc = -2;
		c->api = 1; /* token clients are scripts: JSON view */
		if (strncasecmp(c->authorization, "Bearer ", 7) == 0)
			rc = token_lookup(c->db, c->a, c->authorization + 7,
					  &c->me);
		if (rc < 0 && rc != -2)
			return ctx_fail(c, 500, "internal", "Try again."), -1;
		if (rc <= 0) {
			ctx_header(c, "WWW-Authenticate",
				   "Bearer error=\"invalid_token\"");
			ctx_fail(c, 401, "invalid_token",
				 "The API token is unknown, revoked or "
				 "expired.");
			c->me.role = ROLE_NONE;
			return -1;
		}
		if (c->me.token_metrics) {
			ctx_fail(
			    c, 403, "metrics_token",
			    "This token may only read /metrics/prometheus.");
			return -1;
		}
		return 0;
	}
	const char *sess = ctx_cookie_get(c, SESSION_COOKIE);
	if (sess) {
		int rc = session_lookup(c->db, c->a, sess, &c->me);
		if (rc < 0)
			return ctx_fail(c, 500, "internal", "Try again."), -1;
		if (rc == 0) {
			memset(&c->me, 0, sizeof(c->me));
			c->me.role = ROLE_NONE;
			ctx_cookie(c, SESSION_COOKIE, "", 0);
		}
	}
	if (!c->me.user_id) {
		const char *t = ctx_cookie_get(c, CSRF_COOKIE);
		if (t && strlen(t) == RAND_TOKEN_LEN - 1) {
			c->anon_csrf = t;
		} else {
			char *fresh = arena_alloc(c->a, RAND_TOKEN_LEN);
			if (rand_token(fresh) == 0) {
				c->anon_csrf = fresh;
				ctx_cookie(c, CSRF_COOKIE, fresh, -1);
			}
		}
	}
	return 0;
}

/* Counts the request against its caller's limit: the API token's or the
 * person's (by role), else the address's. Returns 0 to go on, or -1 with
 * 429 recorded. */
static int rate_limit(struct ctx *c)
{
	const struct config *cf = config_get();
	char key[80];
	int64_t limit = cf->rate_anon;
	if (c->me.user_id && c->me.role >= 0 && c->me.role < ROLE__COUNT)
		limit = cf->rate_role[c->me.role];
	if (c->me.token_id)
		snprintf(key, sizeof(key), "t:%lld", (long long)c->me.token_id);
	else if (c->me.user_id)
		snprintf(key, sizeof(key), "u:%lld", (long long)c->me.user_id);
	else
		snprintf(key, sizeof(key), "a:%.60s",
			 c->remote_addr ? c->remote_addr : "");
	if (ctx_rate_limit(c, key, limit))
		return 0;
	ctx_fail(c, 429, "rate_limited",
		 "Too many requests: wait for the number of seconds in "
		 "Retry-After, then go on.");
	return -1;
}

/* Returns the local path to come back to after the second factor: the
 * page asked for (GET), else the page the form was on when the Referer
 * is this site's, else "/". Arena string. */
static const char *come_back(struct ctx *c)
{
	int get = !strcmp(c->method, "GET") || c->head;
	const char *p = get ? c->path : NULL;
	if (!p && c->referer) {
		const char *o = config_get()->origin;
		o = o ? o
		      : route_origin(c->a, c->https, c->host, c->server_port);
		size_t n = strlen(o);
		if (!strncasecmp(c->referer, o, n) && c->referer[n] == '/')
			p = c->referer + n;
	}
	if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return "/";
	if (get && c->query_string && *c->query_string)
		return arena_printf(c->a, "%s?%s", p, c->query_string);
	return p;
}

/* Holds a session back until its second factor is given: while the
 * person's factor is owed (they have one and this session has not given
 * it) or must be set up (their role requires one), only ROUTE_MFA_OPEN
 * routes run; a ROUTE_STEP_UP change asks for it again when the session
 * gave it over SESSION_STEP_UP_SECS ago. Pages are sent to the code form or
 * the set-up page; JSON gets 401 or 403. API tokens are not sessions and
 * pass. Returns 0 to go on, or -1 with the answer recorded. */
static int second_factor(struct ctx *c, const struct route *r)
{
	const struct caller *me = &c->me;
	if (!me->session_id)
		return 0;
	int owed = session_owes_second_factor(me);
	int stale = (r->flags & ROUTE_STEP_UP) && me->mfa_enrolled &&
		    clock_now() - me->mfa_at > SESSION_STEP_UP_SECS;
	if ((!owed || (r->flags & ROUTE_MFA_OPEN)) && !stale)
		return 0;
	const char *next = come_back(c);
	if (c->api) {
		ctx_fail(c, owed ? 401 : 403,
			 owed ? "second_factor_required" : "step_up_required",
			 owed ? (me->mfa_enrolled
				     ? "Give the code from your authenticator "
				       "at /login/2fa first."
				     : "Your role must sign in with a second "
				       "factor: set one up at /account/2fa.")
			      : "This change needs a fresh code from your "
				"authenticator: give it at /login/2fa, then "
				"send the change again.");
		return -1;
	}
	buf b = BUF_INIT;
	buf_puts(&b, me->mfa_enrolled ? "/login/2fa?next=" : "/account/2fa");
	if (me->mfa_enrolled)
		esc_url(&b, next);
	const char *to = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	ctx_redirect(c, to,
		     stale && !owed
			 ? "This change needs a fresh code from your "
			   "authenticator. Give it, then make the change again."
			 : NULL);
	return -1;
}

/* Holds back a session signed in with a generated first password (an
 * admin's or the console's) until the person chooses their own: pages go
 * to the password form on /profile, JSON gets 403. Routes open to a
 * session owing its second factor are open here too, so the two gates
 * never send a session round in a circle: the code comes first. Returns 0
 * to go on, or -1 with the answer recorded. */
static int first_password(struct ctx *c, const struct route *r)
{
	if (!c->me.session_id || !c->me.password_owed ||
	    (r->flags & (ROUTE_PASSWORD_OPEN | ROUTE_MFA_OPEN)))
		return 0;
	if (c->api)
		return ctx_fail(c, 403, "password_change_required",
				"Choose your own password first: "
				"POST /api/v1/profile/password."),
		       -1;
	ctx_redirect(c, "/profile#password",
		     "Choose your own password to go on: the one you were "
		     "given is for your first sign-in only.");
	return -1;
}

/* Returns this site's origin, scheme://host[:port], from what nginx
 * vouches for: HTTP_HOST (which is $host, without a port, in Debian's
 * current fastcgi_params, and the raw Host header with older ones, so
 * only its name part is used, "[v6]" included) and SERVER_PORT, the port
 * nginx listens on; default ports are omitted, as browsers omit them.
 * Arena string. */
const char *route_origin(arena *a, int https, const char *host,
			 const char *port)
{
	const char *h = host ? host : "";
	size_t n = h[0] == '[' ? strcspn(h, "]") + (strchr(h, ']') != NULL)
			       : strcspn(h, ":");
	const char *p = port ? port : "";
	int dflt = !*p || !strcmp(p, https ? "443" : "80");
	return arena_printf(a, "%s://%.*s%s%s", https ? "https" : "http",
			    (int)n, h, dflt ? "" : ":", dflt ? "" : p);
}

/* Returns 1 when the Origin header names this site: SECURA_ORIGIN when
 * configured, else route_origin(). */
static int same_origin(struct ctx *c)
{
	const char *want = config_get()->origin;
	if (!want)
		want = route_origin(c->a, c->https, c->host, c->server_port);
	return strcasecmp(c->origin, want) == 0;
}

/* Checks a state-changing request. Bearer tokens need write scope;
 * browsers need same origin and the form token (field _csrf or header
 * X-CSRF-Token) equal to their session's, or for anonymous forms to the
 * CSRF cookie. Returns 0, or -1 with 403 recorded. */
static int check_csrf(struct ctx *c)
{
	if (c->me.token_id) {
		if (c->me.token_write)
			return 0;
		ctx_fail(c, 403, "read_only_token",
			 "This API token may only read.");
		return -1;
	}
	const char *sent =
	    c->csrf_header ? c->csrf_header : kvs_get(&c->form, "_csrf");
	const char *want =
	    c->me.session_id ? c->me.csrf : ctx_cookie_get(c, CSRF_COOKIE);
	int cross = (c->sec_fetch_site &&
		     strcmp(c->sec_fetch_site, "cross-site") == 0) ||
		    (c->origin && !same_origin(c));
	if (cross || !ct_equal(sent, want)) {
		log_event(c->rid, c->me.email,
			  "csrf refused: %s (origin=%s host=%s fetch-site=%s)",
			  cross	  ? "cross-site request"
			  : !sent ? "no token sent"
				  : "token does not match",
			  c->origin ? c->origin : "-", c->host ? c->host : "-",
			  c->sec_fetch_site ? c->sec_fetch_site : "-");
		ctx_fail(c, 403, "csrf",
			 "This form has expired or came from another site. "
			 "Reload the page and try again.");
		return -1;
	}
	return 0;
}

/* Returns the raw input for a field: JSON body member, else the form body
 * (writes) or query string (reads). Sets *bad for a non-scalar JSON value. */
static const char *field_input(struct ctx *c, const char *name, int *bad)
{
	*bad = 0;
	if (c->json) {
		json_t *v = json_object_get(c->json, name);
		if (!v || json_is_null(v))
			return NULL;
		if (json_is_string(v))
			return json_string_value(v);
		if (json_is_integer(v))
			return arena_printf(c->a, "%lld",
					    (long long)json_integer_value(v));
		if (json_is_boolean(v))
			return json_is_true(v) ? "1" : "0";
		*bad = 1;
		return NULL;
	}
	int read = !strcmp(c->method, "GET") || c->head;
	return kvs_last(read ? &c->query : &c->form, name);
}

/* Validates a multi-valued field: every repeated form value or JSON
 * array element is checked on its own; the valid set is joined by ",".
 * Returns NULL or the first message. */
static const char *validate_multi(struct ctx *c, const struct field *f,
				  const char **out)
{
	struct field one = *f;
	buf joined = BUF_INIT;
	const char *msg = NULL, *v;
	one.flags &= ~(unsigned)(F_MULTI | F_REQUIRED);
	*out = NULL;
	if (c->json) {
		json_t *arr = json_object_get(c->json, f->name), *e;
		size_t i;
		if (arr && !json_is_array(arr) && !json_is_null(arr))
			return "must be a list";
		json_array_foreach(arr, i, e)
		{
			if (!json_is_string(e))
				return "must be a list of strings";
			if ((msg = valid_check(c->a, &one, json_string_value(e),
					       &v)))
				break;
			if (v && !valid_csv_has(buf_cstr(&joined), v))
				buf_printf(&joined, "%s%s",
					   joined.len ? "," : "", v);
		}
	} else {
		int read = !strcmp(c->method, "GET") || c->head;
		const struct kvs *src = read ? &c->query : &c->form;
		for (size_t i = 0; i < src->n && !msg; i++) {
			if (strcmp(src->v[i].key, f->name) != 0)
				continue;
			if ((msg = valid_check(c->a, &one, src->v[i].val, &v)))
				break;
			if (v && !valid_csv_has(buf_cstr(&joined), v))
				buf_printf(&joined, "%s%s",
					   joined.len ? "," : "", v);
		}
	}
	if (!msg && joined.len)
		*out = arena_strdup(c->a, buf_cstr(&joined));
	else if (!msg && (f->flags & F_REQUIRED))
		msg = "is required";
	buf_free(&joined);
	return msg;
}

/* Validates every declared field, keeping valid values in c->vals and
 * messages in c->field_errors. Returns 0, or -1 with 422 recorded. */
static int validate(struct ctx *c)
{
	for (const struct field *f = c->route->fields; f && f->name; f++) {
		int bad = 0;
		const char *in = NULL, *out, *msg;
		if (f->flags & F_MULTI) {
			msg = validate_multi(c, f, &out);
		} else {
			in = field_input(c, f->name, &bad);
			msg = bad ? "must be a string or number"
				  : valid_check(c->a, f, in, &out);
		}
		const char *label = f->label ? f->label : f->name;
		if (msg)
			ctx_field_error(
			    c, f->name,
			    arena_printf(c->a, "%s %s", label, msg));
		else if (out)
			kvs_add(c->a, &c->vals, f->name, out, strlen(out));
	}
	return c->err_code ? -1 : 0;
}

/* Calls the route's handler; -1 becomes a logged 500 (503 when a write
 * found the disk full meanwhile). Rolls back
 * whatever the handler left open, either way. */
static void run_handler(struct ctx *c, const struct route *r)
{
	uint64_t full = db_full_count();
	if (r->handler(c) < 0) {
		db_rollback(c->db);
		if (db_full_count() != full) { /* not our fault: say so */
			ctx_header(c, "Retry-After", "60");
			ctx_fail(c, 503, "storage_full",
				 "The server has run out of disk space, so "
				 "nothing was saved. Try again in a few "
				 "minutes.");
		} else {
			ctx_fail(c, 500, "internal",
				 "Something went wrong on our side. The "
				 "request id identifies it in the log.");
		}
		log_event(c->rid, c->me.email, "handler %s %s failed: %s",
			  r->method, r->pattern, db_errmsg(c->db));
	}
	db_rollback(c->db); /* no-op unless a handler left one open */
}

/* Runs the whole pipeline for one request; the outcome is left in c for
 * view_render. */
void route_dispatch(struct ctx *c, const struct route *routes, size_t n)
{
	const struct route *r = find_route(c, routes, n);
	if (!r)
		return;
	c->route = r;
	if (r->flags & (ROUTE_JSON_ONLY | ROUTE_MACHINE))
		c->api = 1;
	if (r->flags & ROUTE_MACHINE) {
		run_handler(c, r);
		return;
	}
	if (parse_input(c) != 0 || authenticate(c) != 0 || rate_limit(c) != 0 ||
	    second_factor(c, r) != 0 || first_password(c, r) != 0)
		return;
	if (!perm_has(c->me.role, r->perm)) {
		if (c->me.role == ROLE_NONE) {
			ctx_header(c, "WWW-Authenticate", "Bearer");
			ctx_fail(c, 401, "unauthenticated",
				 "Please sign in to continue.");
		} else {
			ctx_fail(c, 403, "forbidden",
				 "Your role does not allow this.");
		}
		return;
	}
	int safe = !strcmp(c->method, "GET") || c->head;
	if (!safe && check_csrf(c) != 0)
		return;
	c->authorized = 1;
	if (validate(c) != 0)
		return;
	run_handler(c, r);
}
