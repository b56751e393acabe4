/* view.c - renders a handler's outcome: the view model as JSON, or as
 * HTML through templates/<name>.html (pages extend templates/layout.html
 * with {{<layout}}); errors as {"error": {...}} or an error page; failed
 * form posts re-render their form with each field's message. */
#include "http.h"

#include "config.h"
#include "esc.h"
#include "jsonmem.h"
#include "log.h"
#include "pagecache.h"
#include "tmpl.h"
#include "view.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLASH_COOKIE "secura_flash"

struct named_tmpl {
	char *name;
	tmpl *t;
};

static struct named_tmpl *templates;
static size_t ntemplates;

/* Loads and parses every .html file in dir, named without the extension,
 * and every .txt file (plain-text email parts), named with it. Returns the
 * count, or -1 with the first problem in err. Call before threads start; the
 * set is read-only afterwards. */
int view_load_templates(const char *dir, char *err, size_t errlen)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		snprintf(err, errlen, "cannot open templates directory %s",
			 dir);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dh)) && rc == 0) {
		size_t nl = strlen(de->d_name);
		int html = nl > 5 && !strcmp(de->d_name + nl - 5, ".html");
		if (!html && (nl < 5 || strcmp(de->d_name + nl - 4, ".txt")))
			continue;
		char path[4096], perr[200] = "";
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf src = BUF_INIT;
		int readable = buf_read_file(&src, path) == 0;
		tmpl *t = readable ? tmpl_parse(buf_cstr(&src), src.len, perr,
						sizeof(perr))
				   : NULL;
		buf_free(&src);
		if (!t) {
			snprintf(err, errlen, "%s: %s", path,
				 readable ? perr : "unreadable");
			rc = -1;
			break;
		}
		templates =
		    xrealloc(templates, (ntemplates + 1) * sizeof(*templates));
		templates[ntemplates].name = xstrdup(de->d_name);
		if (html)
			templates[ntemplates].name[nl - 5] = '\0';
		templates[ntemplates++].t = t;
	}
	closedir(dh);
	return rc ? -1 : (int)ntemplates;
}

/* Frees all loaded templates. */
void view_free_templates(void)
{
	for (size_t i = 0; i < ntemplates; i++) {
		free(templates[i].name);
		tmpl_free(templates[i].t);
	}
	free(templates);
	templates = NULL;
	ntemplates = 0;
}

/* Partial lookup for the renderer: the template called name, or NULL. */
static const tmpl *find_tmpl(void *ud, const char *name)
{
	(void)ud;
	for (size_t i = 0; i < ntemplates; i++)
		if (strcmp(templates[i].name, name) == 0)
			return templates[i].t;
	return NULL;
}

/* Renders template name with data into out in strict mode (raw output
 * only for *_html names), its "content" block replaced by block_html
 * (when not NULL) or else also captured into capture (when not NULL).
 * Returns 0, or -1 if there is no such template or it nests too
 * deeply. */
static int render_page(const char *name, json_t *data, buf *out,
		       const char *block_html, buf *capture)
{
	const struct tmpl_env env = {.partial = find_tmpl,
				     .raw_suffix = "_html",
				     .block = "content",
				     .block_html = block_html,
				     .capture = capture};
	const tmpl *t = name ? find_tmpl(NULL, name) : NULL;
	return t ? tmpl_render(t, data, &env, out) : -1;
}

/* Renders template name with data into out, in strict mode (raw output
 * only for *_html names). Returns 0, or -1 if there is no such template
 * or it nests too deeply. */
int view_render_template(const char *name, json_t *data, buf *out)
{
	return render_page(name, data, out, NULL, NULL);
}

/* Renders plain-text template name (a .txt file) with data into out:
 * nothing is escaped, so these never become HTML. Returns 0, or -1 when
 * the template is missing. */
int view_render_text(const char *name, json_t *data, buf *out)
{
	static const struct tmpl_env env = {.partial = find_tmpl};
	const tmpl *t = name ? find_tmpl(NULL, name) : NULL;
	return t ? tmpl_render(t, data, &env, out) : -1;
}

/* Returns {permission: true} for each permission of role. New
 * reference. */
static json_t *can_json(int role)
{
	json_t *can = json_object();
	for (int p = 0; p < PERM__COUNT; p++)
		if (perm_has(role, (enum perm)p))
			json_object_set_new(can, perm_name((enum perm)p),
					    json_true());
	return can;
}

/* The "page" object of a page's shared content (pagecache.c): the
 * organisation and the caller's role and permissions, nothing personal.
 * New reference. */
static json_t *page_scope(struct ctx *c)
{
	return json_pack("{ss s{ss so}}", "org", config_get()->org_name, "me",
			 "role", perm_role_name(c->me.role), "can",
			 can_json(c->me.role));
}

/* Builds the "page" object every HTML page gets: organisation, the
 * signed-in user, what they may do and their unread notifications, the form
 * token and a flash message (read once from its cookie). New reference. */
static json_t *page_data(struct ctx *c)
{
	json_t *page = json_pack("{ss ss ss}", "org", config_get()->org_name,
				 "rid", c->rid, "path", c->path);
	const char *token = c->me.session_id ? c->me.csrf : c->anon_csrf;
	json_object_set_new(page, "csrf", json_string(token ? token : ""));
	if (c->me.user_id) {
		/* a session that still owes its second factor or its own
		 * password is shown no menu of things it may not open yet */
		int held =
		    session_owes_second_factor(&c->me) || c->me.password_owed;
		json_t *can = can_json(c->me.role);
		int64_t unread =
		    db_scalar(c->db, STMT_NOTIFY_UNREAD, c->me.user_id);
		json_object_set_new(
		    page, "me",
		    json_pack("{sI ss ss ss so sI}", "id",
			      (json_int_t)c->me.user_id, "email", c->me.email,
			      "name", *c->me.name ? c->me.name : c->me.email,
			      "role", perm_role_name(c->me.role), "can", can,
			      "unread", (json_int_t)(unread > 0 ? unread : 0)));
		json_object_set_new(json_object_get(page, "me"), "held",
				    json_boolean(held));
		if (perm_has(c->me.role, PERM_CHAT)) {
			int64_t unread_chat = db_scalar(
			    c->db, STMT_CHAT_UNREAD_TOTAL, c->me.user_id);
			json_object_set_new(
			    json_object_get(page, "me"), "chat_unread",
			    json_integer(unread_chat > 0 ? unread_chat : 0));
		}
		if (perm_has(c->me.role, PERM_APPLICATION_READ)) {
			int64_t waiting = db_scalar(c->db, STMT_APP_PENDING);
			json_object_set_new(
			    json_object_get(page, "me"), "applications_pending",
			    json_integer(waiting > 0 ? waiting : 0));
		}
		json_object_set_new(json_object_get(page, "me"),
				    "password_owed",
				    json_boolean(c->me.password_owed));
		json_object_set_new(
		    json_object_get(page, "me"), "theme",
		    json_string(c->me.theme ? c->me.theme : "system"));
	}
	const char *flash = ctx_cookie_get(c, FLASH_COOKIE);
	if (flash && *flash) {
		char *msg = req_url_decode(c->a, flash);
		if (msg)
			json_object_set_new(page, "flash", json_string(msg));
		ctx_cookie(c, FLASH_COOKIE, "", 0);
	}
	return page;
}

/* Renders c->view through template name into c->out as HTML. With the
 * shared page cache (pagecache.c) the content block comes from the
 * cache, or is rendered first with the scope's page object only, stored
 * and then put in the layout rendered for this caller. */
static void render_html(struct ctx *c, const char *name)
{
	buf block = BUF_INIT;
	const char *html = c->cached_html;
	if (!html && c->cache_key && c->status == 200) {
		json_object_set_new(c->view, "page", page_scope(c));
		buf_reset(&c->out); /* scratch: only the block is kept */
		if (render_page(name, c->view, &c->out, NULL, &block) == 0 &&
		    block.len) {
			pagecache_store(c, &block);
			html = buf_cstr(&block);
		}
	}
	json_object_set_new(c->view, "page", page_data(c));
	buf_reset(&c->out);
	int rc = render_page(name, c->view, &c->out, html, NULL);
	buf_free(&block);
	if (rc != 0) {
		log_event(c->rid, c->me.email, "template %s missing or broken",
			  name);
		c->status = 500;
		buf_reset(&c->out);
		buf_puts(&c->out, "<!doctype html><title>Error</title>"
				  "<p>Something went wrong on our side.</p>");
	}
	c->out_type = "text/html; charset=utf-8";
}

/* Serialises c->view as the JSON response body (reals with 15
 * significant digits: 0.781, not 0.78100000000000003). */
static void render_json(struct ctx *c, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
	buf_reset(&c->out);
	buf_puts(&c->out, s ? s : "{}");
	buf_putc(&c->out, '\n');
	jsonmem_free(s);
	c->out_type = "application/json";
}

/* Returns the submitted, non-secret values of the route's fields, so a
 * form shown again keeps what the user typed. New reference. */
static json_t *submitted_values(struct ctx *c)
{
	json_t *vals = json_object();
	for (const struct field *f = c->route ? c->route->fields : NULL;
	     f && f->name; f++) {
		if (f->flags & F_SECRET)
			continue;
		const char *v = NULL;
		if (c->json)
			v = json_string_value(
			    json_object_get(c->json, f->name));
		else
			v = kvs_last(&c->form, f->name);
		if (v)
			json_object_set_new(vals, f->name, json_string(v));
	}
	return vals;
}

/* Re-renders the route's form with the failure; returns 1 if done. */
static int rerender_form(struct ctx *c)
{
	static const int statuses[] = {400, 401, 409, 413, 415, 422, 429};
	int fits = 0;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		fits |= c->status == statuses[i];
	if (!fits || !c->authorized || !c->route->form || !c->route->tmpl)
		return 0;
	int status = c->status;
	const char *code = c->err_code, *msg = c->err_msg;
	json_t *fields = c->field_errors;
	c->err_code = NULL;
	c->field_errors = NULL;
	json_decref(c->view);
	c->view = NULL;
	int rc = c->route->form(c);
	if (rc < 0 || c->err_code || !c->view) {
		json_decref(fields);
		c->status = status, c->err_code = code, c->err_msg = msg;
		return 0;
	}
	json_t *vals = submitted_values(c);
	json_t *old = json_object_get(c->view, "values");
	if (json_is_object(old))
		json_object_update(old, vals);
	else
		json_object_set(c->view, "values", vals);
	json_decref(vals);
	json_object_set_new(c->view, "errors", fields ? fields : json_object());
	json_object_set_new(c->view, "error", json_string(msg));
	c->status = status;
	c->err_code = code;
	render_html(c, c->tmpl ? c->tmpl : c->route->tmpl);
	return 1;
}

/* Renders a recorded failure as JSON, a form, a login redirect or the
 * error page. */
static void render_error(struct ctx *c)
{
	if (c->api) {
		json_t *e = json_pack("{ss ss}", "code", c->err_code, "message",
				      c->err_msg ? c->err_msg : "");
		if (c->field_errors)
			json_object_set(e, "fields", c->field_errors);
		json_t *wrap = json_pack("{so}", "error", e);
		render_json(c, wrap);
		json_decref(wrap);
		return;
	}
	if (c->status == 401 && !c->authorized) {
		buf loc = BUF_INIT;
		buf_puts(&loc, "/login?next=");
		esc_url(&loc, strcmp(c->method, "GET") ? "/" : c->path);
		c->status = 303;
		ctx_header(c, "Location", buf_cstr(&loc));
		buf_free(&loc);
		return;
	}
	if (rerender_form(c))
		return;
	json_decref(c->view);
	json_t *problems = json_array(), *msg;
	const char *field;
	json_object_foreach(c->field_errors, field, msg) json_array_append_new(
	    problems, json_pack("{ss sO}", "field", field, "message", msg));
	c->view = json_pack("{si ss ss so}", "status", c->status, "code",
			    c->err_code, "message",
			    c->err_msg ? c->err_msg : "", "problems", problems);
	render_html(c, "error");
}

/* Returns [{"name": n, "selected": bool}] for each of names (NULL
 * terminated), for pickers that show the current choice. New reference. */
json_t *view_choices(const char *const *names, const char *selected)
{
	json_t *arr = json_array();
	for (int i = 0; names[i]; i++)
		json_array_append_new(
		    arr, json_pack("{ss sb}", "name", names[i], "selected",
				   selected && !strcmp(selected, names[i])));
	return arr;
}

/* Turns the outcome recorded in c into status, headers and body. */
void view_render(struct ctx *c)
{
	if (c->out_ready)
		return;
	if (c->err_code) {
		render_error(c);
		return;
	}
	if (c->location && !c->api) {
		c->status = 303;
		ctx_header(c, "Location", c->location);
		if (c->flash) {
			buf b = BUF_INIT;
			esc_url(&b, c->flash);
			ctx_cookie(c, FLASH_COOKIE, buf_cstr(&b), 60);
			buf_free(&b);
		}
		return;
	}
	if (!c->view)
		c->view = json_object();
	if (!c->status)
		c->status = 200;
	if (c->api)
		render_json(c, c->view);
	else
		render_html(c, c->tmpl ? c->tmpl : c->route->tmpl);
}

/* Sets "is_<value>": true on o, how a template tells a status or a kind
 * ({{#is_pending}}...{{/is_pending}}); value longer than 48 bytes is
 * left out. */
void view_flag(json_t *o, const char *value)
{
	char key[56];
	if (value && strlen(value) <= 48) {
		snprintf(key, sizeof(key), "is_%s", value);
		json_object_set_new(o, key, json_true());
	}
}
