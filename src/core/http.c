/* http.c - helpers handlers use to read validated input and to record
 * their outcome: failures, redirects, headers, cookies and pagination. */
#include "http.h"

#include "clock.h"
#include "config.h"
#include "esc.h"
#include "log.h"
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

/* Returns the validated value of a declared field, or NULL when absent. */
const char *ctx_val(struct ctx *c, const char *name)
{
	return kvs_get(&c->vals, name);
}

/* Returns 1 when the request sent the field at all (even empty), so a
 * partial update can tell "cleared" from "not sent". */
int ctx_has(struct ctx *c, const char *name)
{
	if (c->json)
		return json_object_get(c->json, name) != NULL;
	return kvs_get(&c->form, name) != NULL;
}

/* Returns a validated integer field, or def when absent. */
int64_t ctx_int(struct ctx *c, const char *name, int64_t def)
{
	int64_t v;
	const char *s = ctx_val(c, name);
	return s && valid_int(s, INT64_MIN, INT64_MAX, &v) == 0 ? v : def;
}

/* Records a failure the dispatcher renders as an error page or JSON
 * error object. Returns 0 so handlers can "return ctx_fail(...)". */
int ctx_fail(struct ctx *c, int status, const char *code, const char *msg)
{
	c->status = status;
	c->err_code = code;
	c->err_msg = msg;
	return 0;
}

/* Adds a message for one field and marks the request 422 (unless a more
 * specific failure was recorded). Returns 0. */
int ctx_field_error(struct ctx *c, const char *field, const char *msg)
{
	if (!c->field_errors)
		c->field_errors = json_object();
	if (!json_object_get(c->field_errors, field))
		json_object_set_new(c->field_errors, field, json_string(msg));
	if (!c->err_code)
		ctx_fail(c, 422, "invalid", "Some fields need your attention.");
	return 0;
}

/* Ends a write: HTML gets 303 to location with a flash message; JSON gets
 * the view (201 if the handler set it, else 200). Returns 0. */
int ctx_redirect(struct ctx *c, const char *location, const char *flash)
{
	c->location = location;
	c->flash = flash;
	return 0;
}

/* Answers with c->out as a download: status 200, the content type and
 * Content-Disposition: attachment with filename (an ASCII fallback, quotes
 * and backslashes replaced, and the exact UTF-8 name as filename*). */
void ctx_download(struct ctx *c, const char *filename, const char *type)
{
	buf cd = BUF_INIT;
	buf_puts(&cd, "attachment; filename=\"");
	for (const char *p = filename; *p; p++)
		buf_putc(&cd,
			 (unsigned char)*p < 0x80 && *p != '\\' && *p != '"'
			     ? *p
			     : '_');
	buf_puts(&cd, "\"; filename*=UTF-8''");
	esc_url(&cd, filename);
	ctx_header(c, "Content-Disposition", buf_cstr(&cd));
	buf_free(&cd);
	c->status = 200;
	c->out_type = type;
	c->out_ready = 1;
}

/* Adds a response header; CR/LF in name or value are stripped. */
void ctx_header(struct ctx *c, const char *name, const char *value)
{
	buf b = BUF_INIT;
	esc_header(&b, value);
	kvs_add(c->a, &c->headers, arena_strdup(c->a, name),
		arena_strdup(c->a, buf_cstr(&b)), b.len);
	buf_free(&b);
}

/* Counts the request against limit for key and sets the RateLimit
 * headers (IETF httpapi draft: RateLimit-Limit, -Remaining, -Reset and
 * RateLimit-Policy), and Retry-After when over. Returns 1 within the
 * limit, 0 over it. */
int ctx_rate_limit(struct ctx *c, const char *key, int64_t limit)
{
	struct ratelimit r;
	int ok = ratelimit_take(key, (int)limit, clock_now(), &r);
	if (limit <= 0)
		return 1;
	char v[32];
	snprintf(v, sizeof(v), "%d", r.limit);
	ctx_header(c, "RateLimit-Limit", arena_strdup(c->a, v));
	snprintf(v, sizeof(v), "%d", r.remaining);
	ctx_header(c, "RateLimit-Remaining", arena_strdup(c->a, v));
	snprintf(v, sizeof(v), "%d", r.reset);
	ctx_header(c, "RateLimit-Reset", arena_strdup(c->a, v));
	if (!ok)
		ctx_header(c, "Retry-After", arena_strdup(c->a, v));
	ctx_header(c, "RateLimit-Policy",
		   arena_printf(c->a, "%d;w=%lld", r.limit,
				(long long)config_get()->rate_window));
	return ok;
}

/* Returns 1 when this request's cookies are Secure: over HTTPS or
 * behind a TLS-terminating proxy (SECURA_ORIGIN is https://...). */
static int cookies_secure(const struct ctx *c)
{
	const char *origin = config_get()->origin;
	return c->https || (origin && !strncmp(origin, "https://", 8));
}

/* Returns the name cookie name goes by in this request: with the
 * "__Host-" prefix when cookies are Secure (so no sibling host can set or
 * shadow it), else name itself. Arena memory or name. */
static const char *cookie_name(struct ctx *c, const char *name)
{
	return cookies_secure(c) ? arena_printf(c->a, "__Host-%s", name) : name;
}

/* Sets a cookie: HttpOnly, SameSite=Lax, Path=/, no Domain, and Secure
 * with the "__Host-" prefix over HTTPS or behind a TLS proxy.
 * max_age < 0 makes a session cookie, 0 deletes. value must be
 * cookie-safe (base64url or percent-encoded). */
void ctx_cookie(struct ctx *c, const char *name, const char *value,
		long max_age)
{
	char *v = arena_printf(c->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
			       cookie_name(c, name), value,
			       cookies_secure(c) ? "; Secure" : "");
	if (max_age >= 0)
		v = arena_printf(c->a, "%s; Max-Age=%ld", v, max_age);
	ctx_header(c, "Set-Cookie", v);
}

/* Returns the value of the cookie ctx_cookie sets as name (by its
 * prefixed name when cookies are Secure); NULL when not sent. */
const char *ctx_cookie_get(struct ctx *c, const char *name)
{
	return kvs_get(&c->cookies, cookie_name(c, name));
}

/* Reads a validated date-time field as Unix time; 0 when absent. */
int64_t ctx_time(struct ctx *c, const char *name)
{
	int64_t t = 0;
	const char *v = ctx_val(c, name);
	if (v)
		clock_parse_iso(v, &t);
	return t;
}

/* Reads the optional "page" and "limit" query fields (declared by the
 * route) into page (from 1), limit (1..200, default 50) and offset.
 * Returns 0. */
int ctx_page_args(struct ctx *c, int *page, int *limit, int *offset)
{
	*page = (int)ctx_int(c, "page", 1);
	*limit = (int)ctx_int(c, "limit", 50);
	if (*page < 1)
		*page = 1;
	if (*limit < 1 || *limit > 200)
		*limit = 50;
	*offset = (*page - 1) * *limit;
	return 0;
}

/* Returns the route's declared inputs that have a value in this request
 * as a query string ("q=R%26D%20%231&role=analyst"), each value
 * URL-escaped, leaving out the field named skip (may be NULL). Links
 * that keep a page's filters are built from it, never from raw values in
 * a template. Arena memory; "" when none. */
const char *ctx_query(struct ctx *c, const char *skip)
{
	buf b = BUF_INIT;
	const struct field *f = c->route ? c->route->fields : NULL;
	for (; f && f->name; f++) {
		const char *v = ctx_val(c, f->name);
		if (!v || !*v || (skip && !strcmp(f->name, skip)))
			continue;
		buf_printf(&b, "%s%s=", b.len ? "&" : "", f->name);
		esc_url(&b, v);
	}
	const char *s = arena_strdup(c->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Returns the address of page n of this list: the requested path with
 * its filters (ctx_query) and page=n. Arena memory. */
static const char *page_url(struct ctx *c, int64_t n)
{
	const char *q = ctx_query(c, "page");
	return arena_printf(c->a, "%s?%s%spage=%lld", c->uri_path, q,
			    *q ? "&" : "", (long long)n);
}

/* Returns a pagination object {page, limit, total, pages, prev, next,
 * prev_url, next_url, paged} (prev/next are page numbers or null; the
 * URLs keep the list's filters; paged: more than one page), new
 * reference. templates/_pager.html shows it. */
json_t *ctx_page(struct ctx *c, int64_t total, int page, int limit)
{
	int64_t pages = total ? (total + limit - 1) / limit : 1;
	json_t *p =
	    json_pack("{si si sI sI}", "page", page, "limit", limit, "total",
		      (json_int_t)total, "pages", (json_int_t)pages);
	int prev = page > 1, next = page < pages;
	json_object_set_new(p, "prev",
			    prev ? json_integer(page - 1) : json_null());
	json_object_set_new(p, "next",
			    next ? json_integer(page + 1) : json_null());
	json_object_set_new(p, "prev_url",
			    prev ? json_string(page_url(c, page - 1))
				 : json_null());
	json_object_set_new(p, "next_url",
			    next ? json_string(page_url(c, page + 1))
				 : json_null());
	json_object_set_new(p, "paged", json_boolean(pages > 1));
	return p;
}
