/* ui_health.c - GET /health: 200 {"status":"ok"} when the database answers,
 * 503 {"status":"unavailable"} otherwise; the API description; and the
 * operator's metrics for Prometheus. */
#include "ui.h"

#include "../core/config.h"
#include "../core/embed.h"
#include "../core/rand.h"
#include "../core/telemetry.h"
#include "../domain/ops.h"

#include <string.h>
#include <strings.h>

/* Handler for GET /health (JSON only, public). */
int ui_health_check(struct ctx *c)
{
	int ok = db_ping(c->db) == 0;
	c->status = ok ? 200 : 503;
	c->view = json_pack("{ss}", "status", ok ? "ok" : "unavailable");
	return 0;
}

/* GET /openapi.json - the OpenAPI 3 document (static/openapi.json,
 * embedded at build time). */
int ui_health_openapi(struct ctx *c)
{
	for (const struct embed_file *f = embed_files; f->name; f++)
		if (!strcmp(f->name, "static/openapi.json")) {
			buf_put(&c->out, f->data, f->len);
			c->status = 200;
			c->out_type = "application/json";
			c->out_ready = 1;
			return 0;
		}
	return -1;
}

/* Whether the caller may read the metrics: an admin's API token of the
 * metrics scope, the bearer secret SECURA_METRICS_TOKEN, or (unless
 * SECURA_METRICS_LOOPBACK=0) a request from this machine. */
static int metrics_allowed(struct ctx *c)
{
	const struct config *cf = config_get();
	const char *a = c->authorization, *ip = c->remote_addr;
	if (a && !strncasecmp(a, "Bearer ", 7)) {
		struct caller who = {0};
		if (token_lookup(c->db, c->a, a + 7, &who) == 1 &&
		    who.token_metrics && who.role == ROLE_ADMIN)
			return 1;
		if (cf->metrics_token && ct_equal(a + 7, cf->metrics_token))
			return 1;
	}
	return cf->metrics_loopback && ip &&
	       (!strcmp(ip, "127.0.0.1") || !strcmp(ip, "::1"));
}

/* GET /metrics/prometheus - the operator's figures in Prometheus' text
 * format (see domain/ops.c); 401 for anyone else. */
int ui_health_prometheus(struct ctx *c)
{
	if (!metrics_allowed(c)) {
		ctx_header(c, "WWW-Authenticate", "Bearer");
		return ctx_fail(c, 401, "unauthenticated",
				"Send an admin's metrics-scope API token (or "
				"SECURA_METRICS_TOKEN) as a bearer token.");
	}
	telemetry_flush(1); /* this program's own figures, as of now */
	db *ev = db_thread(config_get()->events_db);
	if (ops_prometheus(c->db, ev, &c->out) != 0)
		return -1;
	c->status = 200;
	c->out_type = "text/plain; version=0.0.4; charset=utf-8";
	c->out_ready = 1;
	return 0;
}
